//! Reports for scripts: overdue reviews, batch figures and the rule check, as table, CSV or JSON.

use super::{ExitError, Format};
use crate::domain::check::{check_records, Records, RowFinding};
use crate::domain::figures::{batch_figures, BatchFigures};
use crate::domain::flags::{policy_flags, Finding, Severity};
use crate::domain::pairing::check_pairs;
use crate::domain::District;
use crate::store::Store;
use crate::text::{display_safe, pad_to_width, width};
use chrono::NaiveDate;
use serde::Serialize;
use std::io::Write;

/// Prints rows as an aligned table, CSV (RFC 4180 quoting) or JSON.
fn emit<T: Serialize>(format: Format, header: &[&str], rows: &[Vec<String>], json: &T) -> Result<(), ExitError> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(json).expect("report values serialise"))?,
        Format::Csv => {
            for line in
                std::iter::once(header.iter().map(|h| h.to_string()).collect::<Vec<_>>()).chain(rows.iter().cloned())
            {
                let cells: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
        Format::Table => {
            // Data is untrusted: escape controls before measuring and printing.
            let safe: Vec<Vec<String>> =
                rows.iter().map(|r| r.iter().map(|c| display_safe(c).into_owned()).collect()).collect();
            let widths: Vec<usize> = (0..header.len())
                .map(|i| safe.iter().map(|r| width(&r[i])).chain([width(header[i])]).max().unwrap_or(0))
                .collect();
            let line = |cells: Vec<&str>| {
                cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| pad_to_width(c, *w))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(out, "{}", line(header.to_vec()))?;
            for r in &safe {
                writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
            }
        }
    }
    Ok(())
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[derive(Serialize)]
struct OverdueJson {
    cadre: String,
    cadre_id: i64,
    batch: String,
    direction: &'static str,
    host_unit: String,
    kind: &'static str,
    period: String,
    due: NaiveDate,
    status: &'static str,
    days: i64,
    review_id: i64,
}

pub fn overdue(store: &Store, today: NaiveDate, format: Format) -> Result<u8, ExitError> {
    let (rows, skipped) = store.attention_checked(today)?;
    if skipped > 0 {
        eprintln!("guazhi: {skipped} reviews could not be read and are not listed (see `guazhi check`)");
    }
    let json: Vec<OverdueJson> = rows
        .iter()
        .map(|r| OverdueJson {
            cadre: r.cadre.clone(),
            cadre_id: r.cadre_id,
            batch: r.batch.clone(),
            direction: r.direction.code(),
            host_unit: r.host_unit.clone(),
            kind: r.kind.code(),
            period: r.period.clone(),
            due: r.due,
            status: r.status.code(),
            days: r.days,
            review_id: r.review_id,
        })
        .collect();
    let table: Vec<Vec<String>> = json
        .iter()
        .map(|r| {
            vec![
                r.due.to_string(),
                r.status.to_string(),
                r.days.to_string(),
                r.cadre.clone(),
                r.batch.clone(),
                r.kind.to_string(),
                r.period.clone(),
                r.host_unit.clone(),
            ]
        })
        .collect();
    emit(format, &["due", "status", "days", "cadre", "batch", "kind", "period", "host_unit"], &table, &json)?;
    Ok(0)
}

pub fn stats(store: &Store, batch: Option<&str>, format: Format) -> Result<u8, ExitError> {
    let data = store.load()?;
    let batches: Vec<_> = data.batches.iter().filter(|b| batch.is_none_or(|name| b.name == name)).collect();
    if let (Some(name), true) = (batch, batches.is_empty()) {
        let known: Vec<&str> = data.batches.iter().map(|b| b.name.as_str()).collect();
        return Err(ExitError {
            code: 2,
            message: format!("--batch: no batch named '{name}' (batches: {})", known.join(", ")),
        });
    }
    let figures: Vec<BatchFigures> =
        batches.iter().map(|b| batch_figures(b, &data.secondments, &data.cadres, &data.units, &data.pairs)).collect();
    let districts: Vec<District> = District::ALL.iter().copied().filter(|d| *d != District::City).collect();
    let mut header = vec!["batch", "dispatched", "down", "up", "pairs"];
    header.extend(districts.iter().map(|d| d.code()));
    header.extend(["sanshui_gaoming_share", "average_age", "non_party", "women"]);
    let table: Vec<Vec<String>> = figures
        .iter()
        .map(|f| {
            let mut row = vec![
                f.batch.clone(),
                f.dispatch_date.to_string(),
                f.down.to_string(),
                f.up.to_string(),
                f.pairs.to_string(),
            ];
            row.extend(districts.iter().map(|d| f.down_by_district.get(d.code()).copied().unwrap_or(0).to_string()));
            row.extend([
                format!("{:.0}%", f.sanshui_gaoming_share * 100.0),
                format!("{:.1}", f.average_age),
                f.non_party.to_string(),
                f.women.to_string(),
            ]);
            row
        })
        .collect();
    // One batch asked for by name: a single JSON object, the natural shape for a script.
    if batch.is_some() && format == Format::Json {
        emit(format, &header, &table, &figures[0])?;
    } else {
        emit(format, &header, &table, &figures)?;
    }
    Ok(0)
}

#[derive(Serialize)]
struct CheckJson {
    integrity: Vec<String>,
    invalid_rows: Vec<String>,
    findings: Vec<Finding>,
    /// Stored rows that break a plausibility or text rule, and likely duplicates.
    rows: Vec<RowFinding>,
    /// Changes made outside the program, and what was verified.
    audit: AuditJson,
    errors: usize,
    warnings: usize,
}

pub fn check(store: &Store, today: NaiveDate, format: Format) -> Result<u8, ExitError> {
    let integrity = store.integrity_check()?;
    let data = store.load()?;
    let mut findings = policy_flags(&data.cadres, &data.secondments, data.policy.term_months);
    findings.extend(check_pairs(&data.pairs, &data.secondments, &data.cadres));
    let records = Records {
        cadres: &data.cadres,
        secondments: &data.secondments,
        reviews: &data.reviews,
        vettings: &data.vettings,
        units: &data.units,
        batches: &data.batches,
    };
    let rows = check_records(&records, &data.policy, today);
    let integrity_ok = integrity == ["ok"];
    let severity = |s: Severity| if s == Severity::Error { "error" } else { "warning" };
    let mut table: Vec<Vec<String>> = integrity
        .iter()
        .map(|m| vec![if integrity_ok { "ok" } else { "error" }.into(), "integrity_check".into(), m.clone()])
        .collect();
    table.extend(data.invalid.iter().map(|m| vec!["error".into(), "invalid_row".into(), m.clone()]));
    table.extend(
        findings.iter().map(|f| vec![severity(f.severity).into(), f.rule.code().to_string(), f.detail.clone()]),
    );
    table.extend(rows.iter().map(|f| {
        let lang = super::lang();
        let detail = format!("{} #{} {}", crate::store::table_label(f.table).get(lang), f.id, f.message.get(lang));
        vec![severity(f.severity).into(), f.rule.code().to_string(), detail]
    }));
    let (audit_table, audit) = audit_rows(store)?;
    table.extend(audit_table);
    // The counts are of the rows listed: one per integrity problem, unreadable row and finding.
    let errors = table.iter().filter(|r| r[0] == "error").count();
    let warnings = table.iter().filter(|r| r[0] == "warning").count();
    let json = CheckJson { integrity, invalid_rows: data.invalid.clone(), findings, rows, audit, errors, warnings };
    emit(format, &["severity", "rule", "detail"], &table, &json)?;
    if format == Format::Table {
        let en = format!(
            "{}, {}",
            crate::lang::count(errors, "error", "errors"),
            crate::lang::count(warnings, "warning", "warnings")
        );
        println!("{}", super::lang().pick(format!("错误 {errors} 项，警告 {warnings} 项"), en));
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

#[derive(Serialize)]
struct AuditJson {
    #[serde(flatten)]
    summary: crate::store::AuditSummary,
    tampered: Vec<crate::store::Tamper>,
}

/// The audit trail's verification (issue 14, tamper evidence): one row per change made outside
/// the program, after an `ok` row saying what was verified.
fn audit_rows(store: &Store) -> Result<(Vec<Vec<String>>, AuditJson), ExitError> {
    let lang = super::lang();
    let mut tampered = Vec::new();
    let summary = store.verify_audit(|t| {
        tampered.push(t);
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
    let mut rows = vec![vec!["ok".into(), "audit_chain".into(), detail]];
    rows.extend(tampered.iter().map(|t| {
        let severity = if t.severity == Severity::Error { "error" } else { "warning" };
        vec![severity.into(), format!("tampered_{}", t.operation.code()), t.message.get(lang).to_string()]
    }));
    Ok((rows, AuditJson { summary, tampered }))
}
