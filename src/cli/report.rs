//! Reports for scripts: overdue reviews, batch figures and the rule check, as table, CSV or JSON.
//! Each streams its rows from the store (memory holds a row, or one cadre's secondments) and
//! writes them as they come, through [`super::emit`].

use super::emit::{grow, widths, Field, JsonArray, Rows};
use super::{ExitError, Format};
use crate::domain::check::{check_batch, check_cadre, check_host_units, check_unit, Duplicates, RowFinding};
use crate::domain::figures::BatchFigures;
use crate::domain::flags::{cadre_flags, Finding, Rule, Severity};
use crate::domain::pairing::{pair_finding, unpaired, PairSide};
use crate::domain::schedule::END_OF_TERM_PERIOD;
use crate::domain::{District, Id, Policy, Secondment, UnitKind};
use crate::lang::{count, Lang};
use crate::store::{AttentionRow, Side, Store};
use crate::text::Destination;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{BufWriter, Write};

fn stdout() -> (BufWriter<std::io::StdoutLock<'static>>, Destination) {
    let stdout = std::io::stdout();
    let to = Destination::of(&stdout);
    (BufWriter::new(stdout.lock()), to)
}

#[derive(Serialize)]
struct OverdueJson<'a> {
    cadre: &'a str,
    cadre_id: i64,
    batch: &'a str,
    direction: &'static str,
    host_unit: &'a str,
    kind: &'static str,
    period: &'a str,
    due: NaiveDate,
    status: &'static str,
    days: i64,
    review_id: i64,
}

const OVERDUE_HEADER: [&str; 8] = ["due", "status", "days", "cadre", "batch", "kind", "period", "host_unit"];

/// How a table names the columns (`keys`): in Chinese under `--lang zh`. CSV and JSON keep the
/// English keys and codes, which scripts read whatever the language.
fn header_shown(format: Format, keys: &[&'static str]) -> Vec<&'static str> {
    if !table_in_chinese(format) {
        return keys.to_vec();
    }
    let zh = |key: &'static str| match key {
        "due" => "到期日",
        "status" => "状态",
        "days" => "天数",
        "cadre" => "干部",
        "batch" => "批次",
        "kind" => "类别",
        "period" => "期间",
        "host_unit" => "挂职单位",
        "dispatched" => "派出日期",
        "down" => "下挂",
        "up" => "上挂",
        "pairs" => "互派",
        "sanshui_gaoming_share" => "三水高明占比",
        "average_age" => "平均年龄",
        "non_party" => "非中共党员",
        "women" => "女性",
        "severity" => "级别",
        "rule" => "规则",
        "detail" => "说明",
        other => District::ALL.iter().find(|d| d.code() == other).map_or(other, |d| d.zh()),
    };
    keys.iter().map(|k| zh(k)).collect()
}

/// A code a table shows (`code`), or its words under `--lang zh` (`zh`).
fn code_shown(format: Format, code: &'static str, zh: &'static str) -> &'static str {
    if table_in_chinese(format) {
        zh
    } else {
        code
    }
}

/// Whether the report is a table for people under `--lang zh`.
fn table_in_chinese(format: Format) -> bool {
    format == Format::Table && super::lang() == Lang::Zh
}

fn overdue_fields(r: &AttentionRow, format: Format) -> Vec<Field> {
    let period =
        if r.period == END_OF_TERM_PERIOD { code_shown(format, END_OF_TERM_PERIOD, "期满") } else { &r.period };
    vec![
        Field::text(r.due.to_string()),
        Field::text(code_shown(format, r.status.code(), r.status.zh())),
        Field::number(r.days),
        Field::text(&r.cadre),
        Field::text(&r.batch),
        Field::text(code_shown(format, r.kind.code(), r.kind.zh())),
        Field::text(period),
        Field::text(&r.host_unit),
    ]
}

/// The table measures its columns in a first pass over the same rows (the overdue window is
/// read twice through its index, in one read transaction, so both passes see the same rows):
/// nothing is held but the widths.
pub fn overdue(store: &Store, today: NaiveDate, format: Format) -> Result<u8, ExitError> {
    let skipped = store.read_consistent(|| {
        let header = header_shown(format, &OVERDUE_HEADER);
        let mut width = widths(&header, &[]);
        if format == Format::Table {
            store.for_each_attention(today, |r| {
                grow(&mut width, &overdue_fields(&r, format));
                Ok::<_, ExitError>(())
            })?;
        }
        let (out, to) = stdout();
        let mut rows = Rows::start(format, out, to, &header, width)?;
        let skipped = store.for_each_attention(today, |r| {
            let json = OverdueJson {
                cadre: &r.cadre,
                cadre_id: r.cadre_id,
                batch: &r.batch,
                direction: r.direction.code(),
                host_unit: &r.host_unit,
                kind: r.kind.code(),
                period: &r.period,
                due: r.due,
                status: r.status.code(),
                days: r.days,
                review_id: r.review_id,
            };
            rows.row(&overdue_fields(&r, format), &json)?;
            Ok::<_, ExitError>(())
        })?;
        rows.finish()?;
        Ok::<_, ExitError>(skipped)
    })?;
    if skipped > 0 {
        eprintln!(
            "guazhi: {}",
            super::lang().pick(
                format!("{skipped} 条考核记录无法读取，未列出（见 `guazhi check`）"),
                format!("{skipped} reviews could not be read and are not listed (see `guazhi check`)"),
            )
        );
    }
    Ok(0)
}

/// One row per batch (SQL aggregates, `Store::batch_figures`): the rows are as many as the
/// batches, so the table measures them in memory.
pub fn stats(store: &Store, batch: Option<&str>, format: Format) -> Result<u8, ExitError> {
    let only = match batch {
        None => None,
        Some(name) => {
            let batches = store.batches(None)?;
            let Some(found) = batches.iter().find(|b| b.name == name) else {
                let known: Vec<&str> = batches.iter().map(|b| b.name.as_str()).collect();
                return Err(ExitError {
                    code: 2,
                    message: super::lang().pick(
                        format!("--batch：没有名为“{name}”的批次（现有批次：{}）", known.join("、")),
                        format!("--batch: no batch named '{name}' (batches: {})", known.join(", ")),
                    ),
                });
            };
            Some([found.id])
        }
    };
    let figures = store.batch_figures(only.as_ref().map(|ids| &ids[..]))?;
    let mut header = vec!["batch", "dispatched", "down", "up", "pairs"];
    header.extend(District::grassroots().map(|d| d.code()));
    header.extend(["sanshui_gaoming_share", "average_age", "non_party", "women"]);
    let table: Vec<Vec<Field>> = figures.iter().map(stats_fields).collect();
    let (mut out, to) = stdout();
    // One batch asked for by name: a single JSON object, the natural shape for a script.
    if batch.is_some() && format == Format::Json {
        let json = serde_json::to_string_pretty(&figures[0]).expect("figures serialise");
        writeln!(out, "{}", crate::text::json_safe(&json))?;
        out.flush()?;
        return Ok(0);
    }
    let header = header_shown(format, &header);
    let mut rows = Rows::start(format, out, to, &header, widths(&header, &table))?;
    for (fields, f) in table.iter().zip(&figures) {
        rows.row(fields, f)?;
    }
    rows.finish()?;
    Ok(0)
}

fn stats_fields(f: &BatchFigures) -> Vec<Field> {
    let mut row = vec![
        Field::text(&f.batch),
        Field::text(f.dispatch_date.to_string()),
        Field::number(f.down),
        Field::number(f.up),
        Field::number(f.pairs),
    ];
    row.extend(District::grassroots().map(|d| Field::number(f.down_by_district.get(d.code()).copied().unwrap_or(0))));
    row.extend([
        Field::number(format!("{:.0}%", f.sanshui_gaoming_share * 100.0)),
        Field::number(format!("{:.1}", f.average_age)),
        Field::number(f.non_party),
        Field::number(f.women),
    ]);
    row
}

/// Where `check` writes: the rows of a table or CSV, or the sections of one JSON object.
enum CheckOut<W: Write> {
    Rows(Rows<W>),
    Json { out: W, array: Option<JsonArray> },
}

const CHECK_HEADER: [&str; 3] = ["severity", "rule", "detail"];

impl<W: Write> CheckOut<W> {
    fn start(format: Format, mut out: W, to: Destination) -> std::io::Result<Self> {
        if format == Format::Json {
            out.write_all(b"{")?;
            return Ok(CheckOut::Json { out, array: None });
        }
        // Known widths, so that rows print as they are found: the widest severity and rule
        // name there is (all ASCII), the detail last and unpadded.
        let rules = ["rule", "integrity_check", "invalid_row", "audit_chain", "tampered_changed"]
            .into_iter()
            .chain(Rule::ALL.iter().map(|r| r.code()));
        let width = vec!["severity".len().max("warning".len()), rules.map(str::len).max().unwrap_or(0), 0];
        Ok(CheckOut::Rows(Rows::start(format, out, to, &header_shown(format, &CHECK_HEADER), width)?))
    }

    /// Starts the JSON array `key` (nothing in a table or CSV).
    fn section(&mut self, key: &str) -> std::io::Result<()> {
        if let CheckOut::Json { out, array } = self {
            if let Some(open) = array.take() {
                open.end(out)?;
                out.write_all(b",")?;
            }
            write!(out, "\n  \"{key}\": ")?;
            *array = Some(JsonArray::start(out, 2)?);
        }
        Ok(())
    }

    fn row(&mut self, severity: &'static str, rule: &str, detail: &str, json: &impl Serialize) -> std::io::Result<()> {
        match self {
            CheckOut::Rows(rows) => {
                let zh = match severity {
                    "error" => "错误",
                    "warning" => "警告",
                    _ => "通过",
                };
                let severity = code_shown(rows.format(), severity, zh);
                rows.row(&[Field::text(severity), Field::text(rule), Field::text(detail)], json)
            }
            CheckOut::Json { out, array } => array.as_mut().expect("a section is open").element(out, json),
        }
    }

    fn finding(&mut self, f: &Finding) -> std::io::Result<()> {
        let severity = if f.severity == Severity::Error { "error" } else { "warning" };
        self.row(severity, f.rule.code(), f.detail.get(super::lang()), f)
    }

    /// An "ok" row saying what was verified; in JSON the object `key`.
    fn summary(&mut self, key: &str, rule: &str, detail: &str, json: &impl Serialize) -> std::io::Result<()> {
        match self {
            CheckOut::Rows(rows) => {
                let ok = code_shown(rows.format(), "ok", "通过");
                rows.row(&[Field::text(ok), Field::text(rule), Field::text(detail)], json)
            }
            CheckOut::Json { out, array } => {
                if let Some(open) = array.take() {
                    open.end(out)?;
                }
                let value = serde_json::to_string(json).expect("a summary serialises");
                write!(out, ",\n  \"{key}\": {}", crate::text::json_safe(&value))
            }
        }
    }

    fn row_finding(&mut self, f: &RowFinding) -> std::io::Result<()> {
        let severity = if f.severity == Severity::Error { "error" } else { "warning" };
        let lang = super::lang();
        let detail = format!("{} #{} {}", crate::store::table_label(f.table).get(lang), f.id, f.message.get(lang));
        self.row(severity, f.rule.code(), &detail, f)
    }

    fn finish(self, errors: usize, warnings: usize) -> std::io::Result<()> {
        match self {
            CheckOut::Rows(rows) => {
                let table = rows.format() == Format::Table;
                let mut out = rows.finish()?;
                if table {
                    let en =
                        format!("{}, {}", count(errors, "error", "errors"), count(warnings, "warning", "warnings"));
                    writeln!(out, "{}", super::lang().pick(format!("错误 {errors} 项，警告 {warnings} 项"), en))?;
                }
                out.flush()
            }
            CheckOut::Json { mut out, array } => {
                if let Some(open) = array {
                    open.end(&mut out)?;
                }
                write!(out, ",\n  \"errors\": {errors},\n  \"warnings\": {warnings}\n}}\n")?;
                out.flush()
            }
        }
    }
}

/// The pair rules' view of a side.
fn pair_side(side: &Side) -> PairSide<'_> {
    PairSide { secondment: &side.secondment, cadre: side.cadre.as_ref().map(|c| (c.name.as_str(), c.home_unit_id)) }
}

/// The integrity check, the rows that cannot be read, then the rules: cadre by cadre (their
/// secondments through `secondments_cadre`: `cadre_flags`, the unpaired), then pair by pair
/// (`pair_finding`). Each finding is written as it is found; the counts count the rows listed.
///
/// A damaged file (integrity_check not "ok") is checked twice: first with the output thrown
/// away, so that a file too damaged to read to the end fails before a line is written (exit 3,
/// one message), as it did when everything was read first; then for real.
pub fn check(store: &Store, today: NaiveDate, format: Format) -> Result<u8, ExitError> {
    let (out, to) = stdout();
    let errors = store.read_consistent(|| {
        let integrity = store.integrity_check()?;
        let policy = store.policy()?;
        if integrity != ["ok"] {
            check_into(store, &integrity, &policy, today, CheckOut::start(format, std::io::sink(), to)?)?;
        }
        check_into(store, &integrity, &policy, today, CheckOut::start(format, out, to)?)
    })?;
    Ok(if errors > 0 { 1 } else { 0 })
}

/// Writes the check into `w`; returns the number of errors.
fn check_into<W: Write>(
    store: &Store,
    integrity: &[String],
    policy: &Policy,
    today: NaiveDate,
    mut w: CheckOut<W>,
) -> Result<usize, ExitError> {
    let term_months = policy.term_months;
    let mut count = Tally::default();
    let ok = integrity == ["ok"];
    w.section("integrity")?;
    for line in integrity {
        if !ok {
            count.add(Severity::Error);
        }
        let shown = if ok { super::lang().pick("数据库文件完好", "ok") } else { line.as_str() };
        w.row(if ok { "ok" } else { "error" }, "integrity_check", shown, line)?;
    }
    w.section("invalid_rows")?;
    store.for_each_invalid(|why| {
        count.add(Severity::Error);
        w.row("error", "invalid_row", &why, &why)?;
        Ok::<_, ExitError>(())
    })?;
    w.section("findings")?;
    store.for_each_cadre_terms(|g| {
        let cadre = g.cadre.as_ref();
        let terms: Vec<&Secondment> = g.secondments.iter().collect();
        // The policy flags need the cadre: none for a cadre that cannot be read (its row is
        // listed among the unreadable ones).
        let mut found = match cadre {
            Some(c) => cadre_flags(&c.name, c.grassroots_years, &terms, term_months),
            None => Vec::new(),
        };
        let alone = g.secondments.iter().zip(&g.paired).filter(|(_, paired)| !**paired);
        found.extend(alone.map(|(s, _)| unpaired(s, cadre.map(|c| c.name.as_str()))));
        for f in &found {
            count.add(f.severity);
            w.finding(f)?;
        }
        Ok::<_, ExitError>(())
    })?;
    store.for_each_pair(|p| {
        if let Some(f) = pair_finding(&p.pair, p.down.as_ref().map(pair_side), p.up.as_ref().map(pair_side)) {
            count.add(f.severity);
            w.finding(&f)?;
        }
        Ok::<_, ExitError>(())
    })?;
    // Stored rows that break a plausibility or text rule, then likely duplicates.
    w.section("rows")?;
    let mut duplicates = Duplicates::default();
    let mut row = |w: &mut CheckOut<W>, f: &RowFinding| {
        count.add(f.severity);
        w.row_finding(f)
    };
    let kinds: HashMap<Id, UnitKind> = store.units(None)?.iter().map(|u| (u.id, u.kind)).collect();
    store.for_each_cadre_records(|r| {
        for f in check_cadre(r, policy, today).into_iter().chain(check_host_units(r, &kinds)) {
            row(&mut w, &f)?;
        }
        duplicates.add(r.cadre);
        Ok::<_, ExitError>(())
    })?;
    for f in store.units(None)?.iter().flat_map(check_unit) {
        row(&mut w, &f)?;
    }
    let earliest = store.batch_earliest_starts()?;
    for f in store.batches(None)?.iter().flat_map(|b| check_batch(b, earliest.get(&b.id).copied(), today)) {
        row(&mut w, &f)?;
    }
    for f in duplicates.findings() {
        row(&mut w, &f)?;
    }
    // Changes made outside the program (the audit chain, every row against its last audited
    // image, the anchor), then what was verified.
    w.section("tampered")?;
    let lang = super::lang();
    let summary = store.verify_audit(|t| {
        count.add(t.severity);
        let severity = if t.severity == Severity::Error { "error" } else { "warning" };
        w.row(severity, &format!("tampered_{}", t.operation.code()), t.message.get(lang), &t)?;
        Ok::<_, ExitError>(())
    })?;
    let n = summary.rows;
    let anchor = match summary.anchored {
        Some(k) => lang.pick(
            format!("，锚文件 {k} 行"),
            format!(", {} in the anchor file", crate::lang::count(k as usize, "head", "heads")),
        ),
        None => lang.pick("，没有锚文件".to_string(), ", no anchor file".to_string()),
    };
    let detail = lang.pick(
        format!("已核对 {n} 条修改记录的哈希链{anchor}"),
        format!("hash chain of {n} audit rows verified{anchor}"),
    );
    w.summary("audit", "audit_chain", &detail, &summary)?;
    w.finish(count.errors, count.warnings)?;
    Ok(count.errors)
}

/// Errors and warnings, one for each row listed.
#[derive(Default)]
struct Tally {
    errors: usize,
    warnings: usize,
}

impl Tally {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }
}
