//! Tab 4, 后备: candidates the rule proposes, then the nominations on record.

use super::{Align, Cell, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::reserve::eligibility;
use crate::domain::*;

pub const STATUS: usize = 1;

pub fn build(lk: &Lookup) -> Table {
    let t = |zh, en| lk.t(zh, en);
    let zh = lk.lang == crate::lang::Lang::Zh;
    let mut table = Table::new(&[
        (t("姓名", "Name"), 8, 10, 0, Align::Left),
        (t("状态", "Status"), if zh { 8 } else { 13 }, 16, 0, Align::Left),
        (t("期满考察", "Final"), if zh { 8 } else { 9 }, 10, 1, Align::Left),
        (t("年度考核", "Annual grades"), 16, 30, 2, Align::Left),
        (t("提名日期", "Proposed"), 10, 10, 3, Align::Left),
        (t("来源", "Origin"), 12, 22, 4, Align::Left),
        (t("状态日期", "Since"), 10, 10, 5, Align::Left),
        (t("批次", "Batch"), 12, 12, 4, Align::Left),
        (t("挂任职务", "Host unit & post"), 16, 28, 6, Align::Left),
        (t("说明", "Reason"), 10, 40, 7, Align::Left),
    ]);
    for s in candidates(lk) {
        let cells = with_grades(
            lk,
            Some(s),
            s.cadre_id,
            vec![Cell::text(t("规则建议", "rule proposal")).tone(Tone::Good).sorted(SortKey::Num(-1))],
            [Cell::date(Some(s.end())), Cell::text(origin(lk, ReserveOrigin::Rule)), Cell::empty()],
            t("期满考察优秀，年度考核均称职以上", "excellent final evaluation, every year competent or better"),
        );
        let tags = Tags { batch: Some(s.batch_id), district: lk.district(s), ..Tags::default() };
        table.rows.push(Row { cadre: Some(s.cadre_id), tags, rec: Some(Rec::Candidate(s.id)), ..Row::new(cells) });
    }
    for n in &lk.data.nominations {
        let s = n.secondment_id.and_then(|id| lk.secondment(id)).or_else(|| lk.current(n.cadre_id));
        let tone = match n.status {
            ReserveStatus::Withdrawn => Tone::Muted,
            ReserveStatus::Appointed => Tone::Good,
            _ => Tone::Normal,
        };
        let cells = with_grades(
            lk,
            s,
            n.cadre_id,
            vec![Cell::text(t(n.status.zh(), n.status.en())).sorted(SortKey::Num(n.status as i64)).tone(tone)],
            [Cell::date(Some(n.proposed_on)), Cell::text(origin(lk, n.origin)), Cell::date(Some(n.status_on))],
            &n.reason,
        );
        let tags = Tags { batch: s.map(|s| s.batch_id), district: s.and_then(|s| lk.district(s)), ..Tags::default() };
        let row_tone = if n.status == ReserveStatus::Withdrawn { Tone::Muted } else { Tone::Normal };
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

/// Ended secondments the rule finds eligible and nobody has nominated yet.
pub fn candidates<'a>(lk: &Lookup<'a>) -> Vec<&'a Secondment> {
    let data = lk.data;
    data.secondments
        .iter()
        .filter(|s| s.term_over(lk.today))
        .filter(|s| {
            !data.nominations.iter().any(|n| {
                n.secondment_id == Some(s.id)
                    || (n.cadre_id == s.cadre_id && (n.secondment_id.is_none() || !n.status.is_final()))
            })
        })
        .filter(|s| {
            let reviews: Vec<Review> = lk.reviews_of(s.id).cloned().collect();
            eligibility(s, &reviews, lk.today).is_eligible()
        })
        .collect()
}

/// Name, status, then the grades behind a nomination, the dates, batch, post and reason.
fn with_grades(
    lk: &Lookup,
    s: Option<&Secondment>,
    cadre: Id,
    status: Vec<Cell>,
    [proposed, origin, since]: [Cell; 3],
    reason: &str,
) -> Vec<Cell> {
    let t = |zh, en| lk.t(zh, en);
    let reviews: Vec<&Review> = s.map(|s| lk.reviews_of(s.id).filter(|r| !r.cancelled).collect()).unwrap_or_default();
    let final_grade = reviews.iter().find(|r| r.kind == ReviewKind::EndOfTerm).and_then(|r| r.grade);
    let annual: Vec<&str> = reviews
        .iter()
        .filter(|r| r.kind == ReviewKind::Annual)
        .filter_map(|r| r.grade.map(|g| grade_short(lk, g)))
        .collect();
    let worst = reviews.iter().filter(|r| r.kind == ReviewKind::Annual).filter_map(|r| r.grade).max();
    let mut cells = vec![Cell::search(lk.cadre_name(cadre))];
    cells.extend(status);
    cells.push(final_grade.map_or(Cell::empty(), |g| {
        let tone = if g == Grade::Excellent { Tone::Good } else { Tone::Normal };
        Cell::text(t(g.zh(), g.en())).sorted(SortKey::Num(g as i64)).tone(tone)
    }));
    let annual_tone = if worst.is_some_and(|g| g > Grade::Competent) { Tone::Warning } else { Tone::Normal };
    let annual_sort = worst.map_or(SortKey::Empty, |g| SortKey::Num(g as i64));
    cells.push(Cell::text(&annual.join("/")).sorted(annual_sort).tone(annual_tone));
    cells.push(proposed);
    cells.push(origin);
    cells.push(since);
    match s {
        Some(s) => {
            cells.push(
                Cell::text(lk.batch_name(s.batch_id))
                    .sorted(lk.batch(s.batch_id).map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date))),
            );
            cells.push(Cell::search(&lk.host(s)));
        }
        None => cells.extend([Cell::empty(), Cell::empty()]),
    }
    cells.push(Cell::text(reason));
    cells
}

/// A grade in few letters, for the annual column ("称职/优秀/称职", "comp/exc/comp").
fn grade_short(lk: &Lookup, g: Grade) -> &'static str {
    match g {
        Grade::Excellent => lk.t("优秀", "exc"),
        Grade::Competent => lk.t("称职", "comp"),
        Grade::Basic => lk.t("基本称职", "basic"),
        Grade::Incompetent => lk.t("不称职", "inc"),
    }
}

/// Where a nomination came from, short enough for a column.
fn origin(lk: &Lookup, o: ReserveOrigin) -> &'static str {
    match o {
        ReserveOrigin::Rule => lk.t(o.zh(), "rule"),
        ReserveOrigin::Unit => lk.t(o.zh(), "unit"),
        ReserveOrigin::Department => lk.t(o.zh(), "department"),
    }
}
