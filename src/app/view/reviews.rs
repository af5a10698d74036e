//! Tab 3, 考核: every review, by due date.

use super::{status_text, Align, Cell, ColumnSpec, Columns, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::review::ReviewStatus;
use crate::domain::*;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Due,
    Status,
    Name,
    Kind,
    Period,
    Grade,
    Done,
    Host,
    Batch,
    Direction,
    District,
}

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::Due,
        Col::Status,
        Col::Name,
        Col::Kind,
        Col::Period,
        Col::Grade,
        Col::Done,
        Col::Host,
        Col::Batch,
        Col::Direction,
        Col::District,
    ];

    fn spec(self) -> ColumnSpec {
        use Align::*;
        match self {
            Col::Due => ColumnSpec::new("到期", "Due", 10, 10, 0, Left),
            Col::Status => ColumnSpec::new("状态", "Status", 11, 16, 0, Left).min_en(14),
            Col::Name => ColumnSpec::new("姓名", "Name", 8, 10, 0, Left),
            Col::Kind => ColumnSpec::new("类别", "Kind", 8, 11, 1, Left),
            Col::Period => ColumnSpec::new("期间", "Period", 6, 6, 2, Left),
            Col::Grade => ColumnSpec::new("等级", "Grade", 8, 10, 3, Left),
            Col::Done => ColumnSpec::new("完成", "Done", 10, 10, 5, Left),
            Col::Host => ColumnSpec::new("挂职单位", "Host unit", 8, 24, 1, Left),
            Col::Batch => ColumnSpec::new("批次", "Batch", 12, 12, 4, Left),
            Col::Direction => ColumnSpec::new("方向", "Dir", 4, 4, 6, Left),
            Col::District => ColumnSpec::new("区", "District", 4, 9, 6, Left),
        }
    }
}

/// A status's place in the Status column's order: overdue first, then by days away.
pub fn status_sort(status: ReviewStatus, due: NaiveDate, today: NaiveDate) -> i64 {
    let order = ReviewStatus::ALL.iter().position(|x| *x == status).unwrap_or(0) as i64;
    order * 100_000 + (due - today).num_days()
}

pub fn build(lk: &Lookup) -> Table {
    let t = |zh, en| lk.t(zh, en);
    let mut table = Table::of::<Col>(lk.lang);
    // Data comes ordered by due date: the natural order of this tab.
    for r in &lk.data.reviews {
        let Some(s) = lk.secondment(r.secondment_id) else { continue };
        let status = lk.review_status(r);
        let district = lk.district(s);
        let cells = Col::ALL
            .iter()
            .map(|col| match col {
                Col::Due => Cell::date(Some(r.due)),
                Col::Status => Cell::text(&status_text(status, r.due, lk.today, lk.lang))
                    .data(lk.lang.pick(status.zh(), status.en()))
                    .sorted(SortKey::Num(status_sort(status, r.due, lk.today))),
                Col::Name => Cell::name(lk.cadre_name(s.cadre_id)),
                Col::Kind => Cell::text(t(r.kind.zh(), r.kind.en())).sorted(SortKey::Num(r.kind as i64)),
                Col::Period => Cell::text(&period(lk, r)),
                Col::Grade => r.grade.map_or(Cell::empty(), |g| {
                    let tone = if g > Grade::Competent { Tone::Warning } else { Tone::Normal };
                    Cell::text(t(g.zh(), g.en())).sorted(SortKey::Num(g as i64)).tone(tone)
                }),
                Col::Done => Cell::date(r.done),
                Col::Host => Cell::search(lk.unit_name(s.host_unit_id)),
                Col::Batch => Cell::text(lk.batch_name(s.batch_id))
                    .sorted(lk.batch(s.batch_id).map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date))),
                Col::Direction => Cell::text(t(s.direction.zh(), s.direction.en())),
                Col::District => Cell::text(district.map_or("", |d| t(d.zh(), d.en()))),
            })
            .collect();
        let tags =
            Tags { status: Some(status), kind: Some(r.kind), batch: Some(s.batch_id), district, ..Tags::default() };
        let tone = match status {
            ReviewStatus::Upcoming => Tone::Normal,
            other => Tone::of(other),
        };
        table.rows.push(Row { tone, cadre: Some(s.cadre_id), tags, rec: Some(Rec::Review(r.id)), ..Row::new(cells) });
    }
    table
}

/// `2017Q2`, `2017`, or 期满 for the end-of-term evaluation.
pub fn period(lk: &Lookup, r: &Review) -> String {
    if r.kind == ReviewKind::EndOfTerm {
        lk.t("期满", "term").to_string()
    } else {
        r.period.clone()
    }
}
