//! The other lists of `export`: cadres, pairs, the reserve pool and the batch figures.

use super::export::Ctx;
use super::sheet::Cell;
use super::write::RowSink;
use super::InteropError;
use crate::domain::reserve::eligibility;
use crate::domain::review::ReviewStatus;
use crate::domain::*;
use crate::store::{Side, StoreError};

pub(super) const CADRE_HEADER: [&str; 19] = [
    "姓名",
    "性别",
    "出生日期",
    "年龄",
    "政治面貌",
    "学历",
    "专业特长",
    "基层工作年限",
    "原单位",
    "原职务",
    "批次",
    "挂职方向",
    "挂职单位",
    "挂任职务",
    "期满日期",
    "挂职状态",
    "下次考核",
    "考核状态",
    "已归档",
];

/// Cadres in the order they were entered (by id), with the current secondment and the next
/// open review. A cadre is listed when one of their secondments matches the filters (any cadre
/// when there are none); archived cadres only with `--archived`.
pub(super) fn cadres(ctx: &Ctx, out: &mut dyn RowSink) -> Result<(), InteropError> {
    let f = &ctx.filter;
    let filtered = f.batch.is_some() || f.district.is_some() || f.on_reviews();
    ctx.store.for_each_cadre(|c: &Cadre, terms: &[Secondment], open: &[Review]| {
        if c.archived && !f.archived {
            return Ok(());
        }
        if filtered && !any_matches(ctx, c, terms)? {
            return Ok(());
        }
        let mut row = vec![
            Cell::text(&c.name),
            Cell::text(c.gender.zh()),
            Cell::date(c.birth_date),
            Cell::int(c.age_on(ctx.today).into()),
            Cell::text(c.political.zh()),
            Cell::text(&c.education),
            Cell::text(&c.speciality),
            Cell::number(c.grassroots_years),
            Cell::text(ctx.unit_name(c.home_unit_id)),
            Cell::text(&c.home_post),
        ];
        // `terms` come in start order, as `Secondment::current` wants them.
        let in_order: Vec<&Secondment> = terms.iter().collect();
        match Secondment::current(&in_order, ctx.today) {
            Some(s) => {
                // Open reviews by secondment, due date, then id: the first of this one's is the next.
                let next = open.iter().find(|r| {
                    r.secondment_id == s.id && !matches!(ctx.status(r), ReviewStatus::Done | ReviewStatus::Cancelled)
                });
                let late = next.is_some_and(|r| ctx.status(r) == ReviewStatus::Overdue);
                row.extend([
                    Cell::text(ctx.batch_name(s.batch_id)),
                    Cell::text(s.direction.zh()),
                    Cell::text(ctx.unit_name(s.host_unit_id)),
                    Cell::text(&s.host_post),
                    Cell::date(s.end()),
                    Cell::text(s.status(ctx.today).zh()),
                    Cell::opt_date(next.map(|r| r.due)).overdue(late),
                    Cell::text(next.map_or("", |r| ctx.status(r).zh())).overdue(late),
                ]);
            }
            None => row.extend((0..8).map(|_| Cell::empty())),
        }
        row.push(Cell::text(if c.archived { "是" } else { "" }));
        out.row(&row)?;
        Ok(())
    })
}

fn any_matches(ctx: &Ctx, c: &Cadre, terms: &[Secondment]) -> Result<bool, StoreError> {
    for s in terms {
        if ctx.secondment_matches(s, Some(c))? {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(super) const PAIR_HEADER: [&str; 12] = [
    "批次",
    "下挂干部",
    "下挂原单位",
    "下挂挂职单位",
    "下挂挂任职务",
    "上挂干部",
    "上挂原单位",
    "上挂挂职单位",
    "上挂挂任职务",
    "互派核对",
    "下挂状态",
    "上挂状态",
];

/// Whether a side of a pair matches the filters (a missing side never does).
fn side_matches(ctx: &Ctx, side: Option<&Side>) -> Result<bool, StoreError> {
    match side {
        Some(s) => ctx.secondment_matches(&s.secondment, s.cadre.as_ref()),
        None => Ok(false),
    }
}

/// Pairs by batch (then id), then the secondments no pair names, by batch, direction and id.
pub(super) fn pairs(ctx: &Ctx, out: &mut dyn RowSink) -> Result<(), InteropError> {
    let side = |s: Option<&Side>| -> [Cell; 4] {
        match s {
            Some(Side { secondment: s, cadre }) => [
                Cell::text(cadre.as_ref().map_or("?", |c| c.name.as_str())),
                Cell::text(cadre.as_ref().map_or("?", |c| ctx.unit_name(c.home_unit_id))),
                Cell::text(ctx.unit_name(s.host_unit_id)),
                Cell::text(&s.host_post),
            ],
            None => [Cell::empty(), Cell::empty(), Cell::empty(), Cell::empty()],
        }
    };
    let status = |s: Option<&Side>| Cell::text(s.map_or("", |s| s.secondment.status(ctx.today).zh()));
    ctx.store.for_each_pair(|p| {
        let (down, up) = (p.down.as_ref(), p.up.as_ref());
        if !(side_matches(ctx, down)? || side_matches(ctx, up)?) {
            return Ok(());
        }
        let check = match (down, up) {
            (Some(d), Some(u)) => {
                let home = |s: &Side| s.cadre.as_ref().map_or(0, |c| c.home_unit_id);
                if pairing::mirrors(&d.secondment, home(d), &u.secondment, home(u)) {
                    "对应"
                } else {
                    "单位不对应"
                }
            }
            _ => "无效",
        };
        let mut row = vec![Cell::text(ctx.batch_name(p.pair.batch_id))];
        row.extend(side(down));
        row.extend(side(up));
        row.extend([Cell::text(check), status(down), status(up)]);
        out.row(&row)?;
        Ok::<_, InteropError>(())
    })?;
    ctx.store.for_each_unpaired(|single| {
        if !ctx.secondment_matches(&single.secondment, single.cadre.as_ref())? {
            return Ok(());
        }
        let (down, up) = match single.secondment.direction {
            Direction::Down => (Some(&single), None),
            Direction::Up => (None, Some(&single)),
        };
        let mut row = vec![Cell::text(ctx.batch_name(single.secondment.batch_id))];
        row.extend(side(down));
        row.extend(side(up));
        row.extend([Cell::text("未配对"), status(down), status(up)]);
        out.row(&row)?;
        Ok(())
    })
}

pub(super) const RESERVE_HEADER: [&str; 11] =
    ["姓名", "状态", "期满考察", "年度考核", "提名日期", "来源", "状态日期", "批次", "挂职单位", "挂任职务", "说明"];

/// The end-of-term grade and the annual grades (joined by `/`) of a secondment's live reviews.
fn grades(ctx: &Ctx, s: Option<&Secondment>) -> Result<[Cell; 2], StoreError> {
    let reviews = match s {
        Some(s) => ctx.store.reviews_of(s.id)?,
        None => Vec::new(),
    };
    let live = || reviews.iter().filter(|r| !r.cancelled);
    let last = live().find(|r| r.kind == ReviewKind::EndOfTerm).and_then(|r| r.grade);
    let annual: Vec<&str> =
        live().filter(|r| r.kind == ReviewKind::Annual).filter_map(|r| r.grade.map(|g| g.zh())).collect();
    Ok([Cell::text(last.map_or("", |g| g.zh())), Cell::text(annual.join("/"))])
}

/// Batch, host unit and host post of a secondment.
fn place(ctx: &Ctx, s: Option<&Secondment>) -> [Cell; 3] {
    match s {
        Some(s) => [
            Cell::text(ctx.batch_name(s.batch_id)),
            Cell::text(ctx.unit_name(s.host_unit_id)),
            Cell::text(&s.host_post),
        ],
        None => [Cell::empty(), Cell::empty(), Cell::empty()],
    }
}

/// The rule's candidates not yet nominated (by batch, direction and id), then the nominations
/// on record (by id).
pub(super) fn reserve(ctx: &Ctx, out: &mut dyn RowSink) -> Result<(), InteropError> {
    ctx.store.for_each_reserve_candidate(ctx.today, |Side { secondment: s, cadre }| {
        if !ctx.place_matches(&s, cadre.as_ref()) {
            return Ok(());
        }
        let reviews = ctx.store.reviews_of(s.id)?;
        if !eligibility(&s, &reviews, ctx.today).is_eligible() {
            return Ok(());
        }
        let [last, annual] = grades(ctx, Some(&s))?;
        let name = cadre.as_ref().map_or("?", |c| c.name.as_str());
        let mut row = vec![Cell::text(name), Cell::text("规则建议"), last, annual];
        // The day the rule proposes them, as the screens show it: after the term and its evaluation.
        let evaluated = crate::domain::reserve::Grades::of(reviews.iter()).evaluated;
        let proposed = crate::domain::plausible::proposal_day(s.end(), evaluated);
        row.extend([Cell::date(proposed), Cell::text(ReserveOrigin::Rule.zh()), Cell::empty()]);
        row.extend(place(ctx, Some(&s)));
        row.push(Cell::text("期满考察优秀，年度考核均称职以上"));
        out.row(&row)?;
        Ok::<_, InteropError>(())
    })?;
    let f = &ctx.filter;
    ctx.store.for_each_nomination(|n| {
        let named = match n.secondment_id {
            Some(id) => ctx.store.secondment(id)?,
            None => None,
        };
        let s = match named {
            Some(s) => Some(s),
            None => {
                let terms = ctx.store.secondments_of(n.cadre_id)?;
                Secondment::current(&terms.iter().collect::<Vec<_>>(), ctx.today).cloned()
            }
        };
        let cadre = ctx.store.cadre(n.cadre_id)?;
        let matches = match &s {
            Some(s) => ctx.place_matches(s, cadre.as_ref()),
            None => f.batch.is_none() && f.district.is_none(),
        };
        if !matches {
            return Ok(());
        }
        let [last, annual] = grades(ctx, s.as_ref())?;
        let name = cadre.as_ref().map_or("?", |c| c.name.as_str());
        let mut row = vec![Cell::text(name), Cell::text(n.status.zh()), last, annual];
        row.extend([Cell::date(n.proposed_on), Cell::text(n.origin.zh()), Cell::date(n.status_on)]);
        row.extend(place(ctx, s.as_ref()));
        row.push(Cell::text(&n.reason));
        out.row(&row)?;
        Ok(())
    })
}

/// The header of the batch figures.
pub(super) fn stats_header() -> Vec<String> {
    let mut header: Vec<String> =
        ["批次", "派出日期", "下挂人数", "上挂人数", "互派对数"].iter().map(|h| h.to_string()).collect();
    header.extend(District::grassroots().map(|d| format!("下挂{}", d.zh())));
    header.extend(["三水高明占比（%）", "平均年龄", "党外干部", "女性"].iter().map(|h| h.to_string()));
    header
}

/// The figures `guazhi stats` reports, one row per batch (SQL aggregates, `Store::batch_figures`).
pub(super) fn stats(ctx: &Ctx, out: &mut dyn RowSink) -> Result<(), InteropError> {
    let only = ctx.batch_filter().map(|id| [id]);
    for f in ctx.store.batch_figures(only.as_ref().map(|ids| &ids[..]))? {
        let mut row = vec![
            Cell::text(&f.batch),
            Cell::date(f.dispatch_date),
            Cell::int(f.down as i64),
            Cell::int(f.up as i64),
            Cell::int(f.pairs as i64),
        ];
        row.extend(
            District::grassroots().map(|d| Cell::int(f.down_by_district.get(d.code()).copied().unwrap_or(0) as i64)),
        );
        row.extend([
            Cell::number((f.sanshui_gaoming_share * 1000.0).round() / 10.0),
            Cell::number(f.average_age),
            Cell::int(f.non_party as i64),
            Cell::int(f.women as i64),
        ]);
        out.row(&row)?;
    }
    Ok(())
}
