//! Tab 4, 后备: candidates the rule proposes, then the nominations on record.

use super::{Align, Cell, ColumnSpec, Columns, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::reserve::{eligibility, Grades};
use crate::domain::*;
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Status,
    Final,
    Annual,
    Proposed,
    Origin,
    Since,
    Batch,
    Host,
    Reason,
}

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::Name,
        Col::Status,
        Col::Final,
        Col::Annual,
        Col::Proposed,
        Col::Origin,
        Col::Since,
        Col::Batch,
        Col::Host,
        Col::Reason,
    ];

    fn spec(self) -> ColumnSpec {
        use Align::*;
        match self {
            // What the strip under a narrow list shows is never lost: the reason of a withdrawal
            // is there when its column is not.
            Col::Name => ColumnSpec::new("姓名", "Name", 8, 10, 0, Left),
            Col::Status => ColumnSpec::new("状态", "Status", 8, 16, 0, Left).min_en(13),
            Col::Final => ColumnSpec::new("期满考察", "Final", 8, 10, 1, Left).min_en(9),
            Col::Annual => ColumnSpec::new("年度考核", "Annual grades", 16, 30, 1, Left),
            Col::Proposed => ColumnSpec::new("提名日期", "Proposed", 10, 10, 2, Left),
            Col::Origin => ColumnSpec::new("来源", "Origin", 6, 22, 6, Left),
            Col::Since => ColumnSpec::new("状态日期", "Since", 10, 10, 5, Left),
            Col::Batch => ColumnSpec::new("批次", "Batch", 12, 12, 3, Left),
            Col::Host => ColumnSpec::new("挂任职务", "Host unit & post", 8, 28, 6, Left)
                .short("挂职单位", "Host unit")
                .parts(("挂职单位", "Host unit"), ("挂任职务", "Host post")),
            Col::Reason => ColumnSpec::new("说明", "Reason", 10, 40, 4, Left),
        }
    }
}

/// The status cell of a rule proposal.
pub fn proposal_label(lang: Lang) -> &'static str {
    let rule = crate::app::list::Standing::Rule;
    lang.pick(rule.zh(), rule.en())
}

/// Why the rule proposes a candidate.
pub fn proposal_reason(lang: Lang) -> &'static str {
    lang.pick("期满考察优秀，年度考核均称职以上", "excellent final evaluation, every year competent or better")
}

pub fn build(lk: &Lookup) -> Table {
    let mut table = Table::of::<Col>(lk.lang);
    for s in candidates(lk) {
        let cells = cells(lk, None, Some(s), s.cadre_id);
        let tags = Tags { batch: Some(s.batch_id), district: lk.district(s), ..Tags::default() };
        table.rows.push(Row { cadre: Some(s.cadre_id), tags, rec: Some(Rec::Candidate(s.id)), ..Row::new(cells) });
    }
    for n in &lk.data.nominations {
        let s = n.secondment_id.and_then(|id| lk.secondment(id)).or_else(|| lk.current(n.cadre_id));
        let row_tone = if n.status == ReserveStatus::Withdrawn { Tone::Muted } else { Tone::Normal };
        let cells = cells(lk, Some(n), s, n.cadre_id);
        let tags = Tags { batch: s.map(|s| s.batch_id), district: s.and_then(|s| lk.district(s)), ..Tags::default() };
        table.rows.push(Row {
            cadre: Some(n.cadre_id),
            tags,
            tone: row_tone,
            rec: Some(Rec::Nomination(n.id)),
            ..Row::new(cells)
        });
    }
    table
}

/// Whether a cadre's term is taken already: a nomination for it, or an open one of the cadre.
pub fn nominated(nominations: &[ReserveNomination], s: &Secondment) -> bool {
    nominations.iter().any(|n| {
        n.secondment_id == Some(s.id)
            || (n.cadre_id == s.cadre_id && (n.secondment_id.is_none() || !n.status.is_final()))
    })
}

/// Ended secondments the rule finds eligible and nobody has nominated yet.
pub fn candidates<'a>(lk: &Lookup<'a>) -> Vec<&'a Secondment> {
    let data = lk.data;
    data.secondments
        .iter()
        .filter(|s| s.term_over(lk.today))
        .filter(|s| !nominated(&data.nominations, s))
        .filter(|s| {
            let reviews: Vec<Review> = lk.reviews_of(s.id).cloned().collect();
            eligibility(s, &reviews, lk.today).is_eligible()
        })
        .collect()
}

/// A row's cells: a candidate's (`n` is `None`) or a nomination's.
fn cells(lk: &Lookup, n: Option<&ReserveNomination>, s: Option<&Secondment>, cadre: Id) -> Vec<Cell> {
    let t = |zh, en| lk.t(zh, en);
    let reviews: Vec<&Review> = s.map(|s| lk.reviews_of(s.id).collect()).unwrap_or_default();
    let grades = Grades::of(reviews.iter().copied());
    Col::ALL
        .iter()
        .map(|col| match (col, n) {
            (Col::Name, _) => Cell::name(lk.cadre_name(cadre)),
            (Col::Status, None) => Cell::text(proposal_label(lk.lang)).tone(Tone::Good).sorted(SortKey::Num(-1)),
            (Col::Status, Some(n)) => {
                let tone = match n.status {
                    ReserveStatus::Withdrawn => Tone::Muted,
                    ReserveStatus::Appointed => Tone::Good,
                    _ => Tone::Normal,
                };
                Cell::text(t(n.status.zh(), n.status.en())).sorted(SortKey::Num(n.status as i64)).tone(tone)
            }
            (Col::Final, _) => grades.final_grade.map_or(Cell::empty(), |g| {
                let tone = if g == Grade::Excellent { Tone::Good } else { Tone::Normal };
                Cell::text(t(g.zh(), g.en())).sorted(SortKey::Num(g as i64)).tone(tone)
            }),
            (Col::Annual, _) => {
                let worst = grades.worst_annual();
                let tone = if worst.is_some_and(|g| g > Grade::Competent) { Tone::Warning } else { Tone::Normal };
                let sort = worst.map_or(SortKey::Empty, |g| SortKey::Num(g as i64));
                Cell::text(&annual_text(lk.lang, &grades.annual)).sorted(sort).tone(tone)
            }
            // The day the rule proposes them (after the term and its evaluation), not the term's end.
            (Col::Proposed, None) => {
                Cell::date(s.map(|s| crate::domain::plausible::proposal_day(s.end(), grades.evaluated)))
            }
            (Col::Proposed, Some(n)) => Cell::date(Some(n.proposed_on)),
            (Col::Origin, None) => Cell::text(origin_label(lk.lang, ReserveOrigin::Rule)),
            (Col::Origin, Some(n)) => Cell::text(origin_label(lk.lang, n.origin)),
            (Col::Since, None) => Cell::empty(),
            (Col::Since, Some(n)) => Cell::date(Some(n.status_on)),
            (Col::Batch, _) => s.map_or(Cell::empty(), |s| {
                Cell::text(lk.batch_name(s.batch_id))
                    .sorted(lk.batch(s.batch_id).map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date)))
            }),
            (Col::Host, _) => {
                s.map_or(Cell::empty(), |s| super::cadres::unit_and_post(lk.unit_name(s.host_unit_id), &s.host_post))
            }
            (Col::Reason, None) => Cell::text(proposal_reason(lk.lang)),
            (Col::Reason, Some(n)) => Cell::text(&n.reason),
        })
        .collect()
}

/// The annual grades in few letters ("称职/优秀/称职", "comp/exc/comp").
pub fn annual_text(lang: Lang, annual: &[Grade]) -> String {
    annual.iter().map(|&g| grade_short(lang, g)).collect::<Vec<_>>().join("/")
}

/// A grade in few letters, for the annual column.
fn grade_short(lang: Lang, g: Grade) -> &'static str {
    match g {
        Grade::Excellent => lang.pick("优秀", "exc"),
        Grade::Competent => lang.pick("称职", "comp"),
        Grade::Basic => lang.pick("基本称职", "basic"),
        Grade::Incompetent => lang.pick("不称职", "inc"),
    }
}

/// Where a nomination came from, short enough for a column.
pub fn origin_label(lang: Lang, o: ReserveOrigin) -> &'static str {
    match o {
        ReserveOrigin::Rule => lang.pick(o.zh(), "rule"),
        ReserveOrigin::Unit => lang.pick(o.zh(), "unit"),
        ReserveOrigin::Department => lang.pick(o.zh(), "department"),
    }
}
