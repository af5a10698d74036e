//! Tab 1, 干部: every cadre with the current or last secondment. The columns are defined here
//! once; the cells of the rows on screen are made here, the sort keys by the tab's catalog.

use super::{status_text, Align, Cell, ColumnSpec, Columns, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::review::ReviewStatus;
use crate::domain::*;
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Sex,
    Age,
    Politics,
    Home,
    Direction,
    Host,
    Batch,
    TermEnd,
    NextReview,
    Flags,
}

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::Name,
        Col::Sex,
        Col::Age,
        Col::Politics,
        Col::Home,
        Col::Direction,
        Col::Host,
        Col::Batch,
        Col::TermEnd,
        Col::NextReview,
        Col::Flags,
    ];

    fn spec(self) -> ColumnSpec {
        use Align::*;
        match self {
            // Issue 13: name, direction, host unit, batch and next review whole at 80 columns.
            Col::Name => ColumnSpec::new("姓名", "Name", 8, 10, 0, Left),
            Col::Sex => ColumnSpec::new("性别", "Sex", 4, 4, 6, Left),
            Col::Age => ColumnSpec::new("年龄", "Age", 4, 4, 5, Right),
            Col::Politics => ColumnSpec::new("政治面貌", "Politics", 10, 10, 7, Left),
            Col::Home => ColumnSpec::new("单位职务", "Home unit & post", 8, 28, 3, Left)
                .short("原单位", "Home unit")
                .parts(("原单位", "Home unit"), ("原职务", "Home post")),
            Col::Direction => ColumnSpec::new("方向", "Dir", 4, 4, 1, Left),
            Col::Host => ColumnSpec::new("挂任职务", "Host unit & post", 8, 28, 1, Left)
                .short("挂职单位", "Host unit")
                .parts(("挂职单位", "Host unit"), ("挂任职务", "Host post")),
            Col::Batch => ColumnSpec::new("批次", "Batch", 12, 12, 1, Left),
            Col::TermEnd => ColumnSpec::new("期满", "Term end", 10, 10, 4, Left),
            Col::NextReview => ColumnSpec::new("下次考核", "Next review", 21, 26, 1, Left).min_en(24),
            Col::Flags => ColumnSpec::new("提示", "Flags", 10, 16, 2, Left),
        }
    }
}

/// The rows of the cadres in `lk` (the window), in id order.
pub fn build(lk: &Lookup) -> Table {
    let mut table = Table::of::<Col>(lk.lang);
    for c in &lk.data.cadres {
        table.rows.push(row(lk, c));
    }
    table
}

/// What a cadre's row shows besides the cadre: the current secondment and the flags.
struct Current<'a> {
    secondment: Option<&'a Secondment>,
    flags: Vec<&'static str>,
}

fn current<'a>(lk: &Lookup<'a>, c: &Cadre) -> Current<'a> {
    let t = |zh, en| lk.t(zh, en);
    let secondment = lk.current(c.id);
    let mut flags: Vec<&'static str> = Vec::new();
    match secondment {
        Some(s) => {
            match s.status(lk.today) {
                SecondmentStatus::EndedEarly => flags.push(t("提前结束", "ended early")),
                SecondmentStatus::Planned => flags.push(t("未开始", "not started")),
                _ => {}
            }
            for f in lk.findings_of(s.id) {
                flags.push(t(f.rule.zh(), f.rule.en()));
            }
        }
        None => flags.push(t("无挂职记录", "no secondment")),
    }
    if c.archived {
        flags.push(t("已归档", "archived"));
    }
    Current { secondment, flags }
}

fn cell(lk: &Lookup, c: &Cadre, now: &Current, col: Col) -> Cell {
    let t = |zh, en| lk.t(zh, en);
    let s = now.secondment;
    match (col, s) {
        (Col::Name, _) => Cell::name(&c.name),
        (Col::Sex, _) => Cell::text(gender_label(lk.lang, c.gender)),
        (Col::Age, _) => {
            let age = c.age_on(lk.today);
            Cell::num(age.into(), age.to_string())
        }
        (Col::Politics, _) => Cell::text(political_short(lk.lang, c.political)),
        (Col::Home, _) => unit_and_post(lk.unit_name(c.home_unit_id), &c.home_post),
        (Col::Direction, Some(s)) => Cell::text(t(s.direction.zh(), s.direction.en())),
        (Col::Host, Some(s)) => unit_and_post(lk.unit_name(s.host_unit_id), &s.host_post),
        (Col::Batch, Some(s)) => Cell::text(lk.batch_name(s.batch_id))
            .sorted(lk.batch(s.batch_id).map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date))),
        (Col::TermEnd, Some(s)) => Cell::date(Some(s.end())),
        (Col::NextReview, Some(s)) => next_review(lk, s),
        (Col::Flags, _) => {
            let tone = if now.flags.is_empty() { Tone::Normal } else { Tone::Warning };
            Cell::text(&now.flags.join(t("，", ", "))).tone(tone)
        }
        (_, None) => Cell::empty(),
    }
}

fn row(lk: &Lookup, c: &Cadre) -> Row {
    let now = current(lk, c);
    let cells = Col::ALL.iter().map(|&col| cell(lk, c, &now, col)).collect();
    let tags = Tags {
        batch: now.secondment.map(|s| s.batch_id),
        district: now.secondment.and_then(|s| lk.district(s)),
        archived: c.archived,
        ..Tags::default()
    };
    Row { cadre: Some(c.id), tags, rec: Some(Rec::Cadre(c.id)), ..Row::new(cells) }
}

/// "unit post", searched; a narrow column shows the unit.
pub fn unit_and_post(unit: &str, post: &str) -> Cell {
    Cell::search(&super::index::join(unit, post)).short_head(crate::text::display_safe(unit).len())
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

/// A political status as every screen and form shows it: one label per status (issue 12 found
/// 无党派 here and 无党派人士 in the form).
pub fn political_short(lang: Lang, p: Political) -> &'static str {
    lang.pick(p.zh(), p.en())
}

/// "男"/"M".
pub fn gender_label(lang: Lang, g: Gender) -> &'static str {
    match g {
        Gender::Male => lang.pick("男", "M"),
        Gender::Female => lang.pick("女", "F"),
    }
}
