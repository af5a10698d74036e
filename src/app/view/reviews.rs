//! Tab 3, 考核: every review, by due date.

use super::{status_text, Align, Cell, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::review::ReviewStatus;
use crate::domain::*;

pub const DUE: usize = 0;
pub const STATUS: usize = 1;
pub const NAME: usize = 2;

pub fn build(lk: &Lookup) -> Table {
    let t = |zh, en| lk.t(zh, en);
    let zh = lk.lang == crate::lang::Lang::Zh;
    let mut table = Table::new(&[
        (t("到期", "Due"), 10, 10, 0, Align::Left),
        (t("状态", "Status"), if zh { 11 } else { 14 }, 16, 0, Align::Left),
        (t("姓名", "Name"), 8, 10, 0, Align::Left),
        (t("类别", "Kind"), 8, 11, 1, Align::Left),
        (t("期间", "Period"), 6, 6, 2, Align::Left),
        (t("等级", "Grade"), 8, 10, 3, Align::Left),
        (t("完成", "Done"), 10, 10, 5, Align::Left),
        (t("挂职单位", "Host unit"), 16, 24, 2, Align::Left),
        (t("批次", "Batch"), 12, 12, 4, Align::Left),
        (t("方向", "Dir"), 4, 4, 6, Align::Left),
        (t("区", "District"), 4, 9, 6, Align::Left),
        (t("考核人", "Assessor"), 8, 20, 7, Align::Left),
    ]);
    // Data comes ordered by due date: the natural order of this tab.
    for r in &lk.data.reviews {
        let Some(s) = lk.secondment(r.secondment_id) else { continue };
        let status = lk.review_status(r);
        let grade = r.grade.map_or(Cell::empty(), |g| {
            let tone = if g > Grade::Competent { Tone::Warning } else { Tone::Normal };
            Cell::text(t(g.zh(), g.en())).sorted(SortKey::Num(g as i64)).tone(tone)
        });
        let district = lk.district(s);
        let status_order = ReviewStatus::ALL.iter().position(|x| *x == status).unwrap_or(0) as i64;
        let cells = vec![
            Cell::date(Some(r.due)),
            Cell::text(&status_text(status, r.due, lk.today, lk.lang))
                .sorted(SortKey::Num(status_order * 100_000 + (r.due - lk.today).num_days())),
            Cell::search(lk.cadre_name(s.cadre_id)),
            Cell::text(t(r.kind.zh(), r.kind.en())).sorted(SortKey::Num(r.kind as i64)),
            Cell::text(&period(lk, r)),
            grade,
            Cell::date(r.done),
            Cell::search(lk.unit_name(s.host_unit_id)),
            Cell::text(lk.batch_name(s.batch_id))
                .sorted(lk.batch(s.batch_id).map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date))),
            Cell::text(t(s.direction.zh(), s.direction.en())),
            Cell::text(district.map_or("", |d| t(d.zh(), d.en()))),
            Cell::search(&r.assessor),
        ];
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
