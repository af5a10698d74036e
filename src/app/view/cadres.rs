//! Tab 1, 干部: every cadre with the current or last secondment.

use super::{status_text, Align, Cell, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::review::ReviewStatus;
use crate::domain::*;

/// Column positions, for tests and the default sort.
pub const NAME: usize = 0;
pub const NEXT_REVIEW: usize = 9;

pub fn build(lk: &Lookup) -> Table {
    let t = |zh, en| lk.t(zh, en);
    let zh = lk.lang == crate::lang::Lang::Zh;
    let mut table = Table::new(&[
        (t("姓名", "Name"), 8, 10, 0, Align::Left),
        (t("性别", "Sex"), 4, 4, 7, Align::Left),
        (t("年龄", "Age"), 4, 4, 5, Align::Right),
        (t("政治面貌", "Politics"), 8, 10, 8, Align::Left),
        (t("单位职务", "Home unit & post"), 16, 28, 6, Align::Left),
        (t("方向", "Dir"), 4, 4, 3, Align::Left),
        (t("挂任职务", "Host unit & post"), 16, 28, 1, Align::Left),
        (t("批次", "Batch"), 12, 12, 4, Align::Left),
        (t("期满", "Term end"), 10, 10, 7, Align::Left),
        (t("下次考核", "Next review"), if zh { 21 } else { 24 }, 26, 1, Align::Left),
        (t("提示", "Flags"), 10, 16, 2, Align::Left),
    ]);
    for c in &lk.data.cadres {
        table.rows.push(row(lk, c));
    }
    table
}

fn row(lk: &Lookup, c: &Cadre) -> Row {
    let t = |zh, en| lk.t(zh, en);
    let gender = Cell::text(match c.gender {
        Gender::Male => t("男", "M"),
        Gender::Female => t("女", "F"),
    });
    let age = c.age_on(lk.today);
    let mut cells = vec![
        Cell::search(&c.name),
        gender,
        Cell::num(age.into(), age.to_string()),
        Cell::text(political_short(lk, c.political)),
        Cell::search(&lk.home(c)),
    ];
    let current = lk.current(c.id);
    let mut tags = Tags::default();
    let mut flags: Vec<&str> = Vec::new();
    match current {
        Some(s) => {
            tags.batch = Some(s.batch_id);
            tags.district = lk.district(s);
            cells.push(Cell::text(t(s.direction.zh(), s.direction.en())));
            cells.push(Cell::search(&lk.host(s)));
            let batch = lk.batch(s.batch_id);
            cells.push(
                Cell::text(lk.batch_name(s.batch_id))
                    .sorted(batch.map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date))),
            );
            cells.push(Cell::date(Some(s.end())));
            cells.push(next_review(lk, s));
            match s.status(lk.today) {
                SecondmentStatus::EndedEarly => flags.push(t("提前结束", "ended early")),
                SecondmentStatus::Planned => flags.push(t("未开始", "not started")),
                _ => {}
            }
            for f in lk.findings_of(s.id) {
                flags.push(t(f.rule.zh(), f.rule.en()));
            }
        }
        None => {
            cells.extend((0..5).map(|_| Cell::empty()));
            flags.push(t("无挂职记录", "no secondment"));
        }
    }
    if c.archived {
        flags.push(t("已归档", "archived"));
        tags.archived = true;
    }
    let flag_tone = if flags.is_empty() { Tone::Normal } else { Tone::Warning };
    cells.push(Cell::text(&flags.join(t("，", ", "))).tone(flag_tone));
    Row { cadre: Some(c.id), tags, rec: Some(Rec::Cadre(c.id)), ..Row::new(cells) }
}

/// The first open review of the secondment (overdue ones come first since they are due first).
fn next_review(lk: &Lookup, s: &Secondment) -> Cell {
    let open = lk.reviews_of(s.id).find(|r| {
        let st = lk.review_status(r);
        st != ReviewStatus::Done && st != ReviewStatus::Cancelled
    });
    match open {
        Some(r) => {
            let status = lk.review_status(r);
            let text = format!("{} {}", r.due, status_text(status, r.due, lk.today, lk.lang));
            Cell::text(&text).sorted(SortKey::Date(r.due)).tone(Tone::of(status))
        }
        None => Cell::text("-").sorted(SortKey::Empty).tone(Tone::Muted),
    }
}

pub fn political_short(lk: &Lookup, p: Political) -> &'static str {
    match p {
        Political::Party => lk.t("中共党员", "CPC"),
        Political::Democratic => lk.t("民主党派", "Dem. party"),
        Political::NonParty => lk.t("无党派", "Non-party"),
        Political::Masses => lk.t("群众", "Masses"),
    }
}
