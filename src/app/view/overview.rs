//! Tab 5, 概览: per batch the figures of the `stats` report, and the policy flags.

use super::{Align, Cell, ColumnSpec, Columns, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::figures::{BatchFigures, DueByMonth};
use crate::domain::flags::{self, Rule, Severity};
use crate::domain::*;
use crate::lang::Lang;
use crate::search::SearchKey;
use crate::text::display_safe;

/// One policy finding, in words, for the overview and the dossier.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub text: String,
    pub tone: Tone,
    pub key: SearchKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Batch,
    Dispatched,
    Down,
    Up,
    Pairs,
    District(District),
    Favoured,
    Age,
    NonParty,
    Women,
    Flags,
}

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::Batch,
        Col::Dispatched,
        Col::Down,
        Col::Up,
        Col::Pairs,
        Col::District(District::Chancheng),
        Col::District(District::Nanhai),
        Col::District(District::Shunde),
        Col::District(District::Sanshui),
        Col::District(District::Gaoming),
        Col::Favoured,
        Col::Age,
        Col::NonParty,
        Col::Women,
        Col::Flags,
    ];

    fn spec(self) -> ColumnSpec {
        use Align::*;
        match self {
            // The report's figures first: down by district is the policy's point.
            Col::Batch => ColumnSpec::new("批次", "Batch", 12, 12, 0, Left),
            Col::Dispatched => ColumnSpec::new("派出日期", "Dispatched", 10, 10, 4, Left),
            Col::Down => ColumnSpec::new("下挂", "Down", 4, 5, 0, Right),
            Col::Up => ColumnSpec::new("上挂", "Up", 4, 5, 0, Right),
            Col::Pairs => ColumnSpec::new("互派", "Pairs", 4, 5, 1, Right),
            Col::District(d) => ColumnSpec::new(d.zh(), district_abbr(d), 4, 4, 1, Right),
            Col::Favoured => ColumnSpec::new("三水高明", "SS+GM", 5, 8, 1, Right),
            Col::Age => ColumnSpec::new("年龄", "Age", 4, 8, 2, Right),
            Col::NonParty => ColumnSpec::new("党外", "Non-P", 4, 5, 2, Right),
            Col::Women => ColumnSpec::new("女", "Women", 3, 5, 2, Right),
            Col::Flags => ColumnSpec::new("提示", "Flags", 4, 6, 3, Right),
        }
    }
}

/// One batch as the overview shows it: its figures (SQL aggregates, `Store::batch_figures`), how
/// many policy flags and pair findings name its secondments, and its reviews due by month ahead
/// (`Store::due_by_month`, for the charts); each `None` until counted.
#[derive(Debug, Clone)]
pub struct BatchLine {
    pub batch: Batch,
    pub figures: Option<BatchFigures>,
    pub flags: Option<usize>,
    pub due: Option<DueByMonth>,
}

pub fn build(lang: Lang, lines: &[BatchLine]) -> Table {
    let mut table = Table::of::<Col>(lang);
    // Newest first: the batches being served are the ones looked at, and the tab opens on them.
    for line in lines.iter().rev() {
        let b = &line.batch;
        let pending = || Cell::text("…").tone(Tone::Muted).sorted(SortKey::Empty);
        let cells = Col::ALL
            .iter()
            .map(|col| match (col, &line.figures) {
                (Col::Batch, _) => Cell::search(&b.name).sorted(SortKey::Date(b.dispatch_date)),
                (Col::Dispatched, _) => Cell::date(Some(b.dispatch_date)),
                (Col::Flags, _) => match line.flags {
                    None => pending(),
                    Some(0) => Cell::num(0, "0".into()).tone(Tone::Muted),
                    Some(n) => Cell::num(n as i64, format!("! {n}")).tone(Tone::Warning),
                },
                (_, None) => pending(),
                (col, Some(f)) => figure(*col, f),
            })
            .collect();
        let tags = Tags { batch: Some(b.id), ..Tags::default() };
        table.rows.push(Row { tags, rec: Some(Rec::Batch(b.id)), ..Row::new(cells) });
    }
    table
}

fn figure(col: Col, f: &BatchFigures) -> Cell {
    let num = |n: usize| Cell::num(n as i64, n.to_string());
    match col {
        Col::Down => num(f.down),
        Col::Up => num(f.up),
        Col::Pairs => num(f.pairs),
        Col::District(d) => num(f.down_by_district.get(d.code()).copied().unwrap_or(0)),
        Col::Favoured => {
            let share = (f.sanshui_gaoming_share * 100.0).round() as i64;
            Cell::num(share, format!("{share}%"))
        }
        Col::Age => Cell::num((f.average_age * 10.0).round() as i64, format!("{:.1}", f.average_age)),
        Col::NonParty => num(f.non_party),
        Col::Women => num(f.women),
        Col::Batch | Col::Dispatched | Col::Flags => Cell::empty(),
    }
}

/// The selected batch's findings in words, for the box under the list: the window's findings
/// (policy flags and pair findings) that name one of its secondments, errors first.
pub fn findings_of_batch(lk: &Lookup, batch: Id) -> Vec<Finding> {
    let mut out: Vec<(Severity, Finding)> = lk
        .ix
        .findings
        .iter()
        .filter(|f| f.secondments.iter().any(|s| lk.secondment(*s).is_some_and(|s| s.batch_id == batch)))
        .map(|f| (f.severity, finding(lk, f)))
        .collect();
    out.sort_by_key(|(severity, _)| *severity);
    out.into_iter().map(|(_, f)| f).collect()
}

/// A finding in the user's language, with the names it concerns.
pub fn finding(lk: &Lookup, f: &flags::Finding) -> Finding {
    let sec = |i: usize| f.secondments.get(i).and_then(|id| lk.secondment(*id));
    let name = |i: usize| sec(i).map_or("?", |s| lk.cadre_name(s.cadre_id));
    let zh = lk.lang == crate::lang::Lang::Zh;
    let text = match f.rule {
        Rule::GrassrootsExperience => {
            let years = sec(0).and_then(|s| lk.cadre(s.cadre_id)).map_or(0.0, |c| c.grassroots_years);
            if zh {
                format!("{}：下挂前基层工作经历 {years} 年（应不满两年）", name(0))
            } else {
                format!("{}: {years} years of grassroots experience before going down (policy: under 2)", name(0))
            }
        }
        Rule::NonStandardTerm => {
            let (start, end) =
                sec(0).map_or((String::new(), String::new()), |s| (s.start.to_string(), s.planned_end.to_string()));
            let months = lk.data.policy.term_months;
            if zh {
                format!("{}：计划挂职期限 {start} 至 {end}，不是标准的 {months} 个月", name(0))
            } else {
                format!("{}: planned term {start} to {end} is not the standard {months} months", name(0))
            }
        }
        Rule::OverlappingSecondments => {
            if zh {
                format!("{}：两段挂职时间重叠", name(0))
            } else {
                format!("{}: two secondments overlap", name(0))
            }
        }
        Rule::PairNotMirrored => {
            let host = |i: usize| sec(i).map_or("?", |s| lk.unit_name(s.host_unit_id));
            let (a, b, w) = (name(0), name(1), lk.both_ways());
            if zh {
                format!("{a} {w} {b}：互派单位不对应（{a} 到 {}，{b} 到 {}）", host(0), host(1))
            } else {
                format!("{a} {w} {b}: units not swapped ({a} to {}, {b} to {})", host(0), host(1))
            }
        }
        Rule::PairInvalid => {
            if zh {
                format!("{} {} {}：互派记录无效", name(0), lk.both_ways(), name(1))
            } else {
                display_safe(&f.detail.en).into_owned()
            }
        }
        Rule::Unpaired => {
            let dir = sec(0).map_or("", |s| lk.t(s.direction.zh(), s.direction.en()));
            if zh {
                format!("{}（{dir}）没有互派对象", name(0))
            } else {
                format!("{} ({dir}) has no partner", name(0))
            }
        }
    };
    let text = display_safe(&text).into_owned();
    let tone = if f.severity == Severity::Error { Tone::Error } else { Tone::Warning };
    Finding { rule: lk.t(f.rule.zh(), f.rule.en()), key: SearchKey::new(&text), text, tone }
}

/// Two letters for a district in English column headers (CC NH SD SS GM).
fn district_abbr(d: District) -> &'static str {
    match d {
        District::Chancheng => "CC",
        District::Nanhai => "NH",
        District::Shunde => "SD",
        District::Sanshui => "SS",
        District::Gaoming => "GM",
        District::City => "city",
    }
}
