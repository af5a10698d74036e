//! The other lists of `export`: cadres, pairs, the reserve pool and the batch figures.

use super::export::{Ctx, Filter};
use super::sheet::{Cell, Sheet};
use crate::domain::figures::batch_figures;
use crate::domain::reserve::eligibility;
use crate::domain::review::ReviewStatus;
use crate::domain::*;

/// The secondment a cadre is serving, else the last one begun, else the next one planned.
fn current<'a>(ctx: &Ctx<'a>, cadre: Id) -> Option<&'a Secondment> {
    let mut all: Vec<&Secondment> = ctx.data.secondments.iter().filter(|s| s.cadre_id == cadre).collect();
    all.sort_by_key(|s| (s.start, s.id));
    Secondment::current(&all, ctx.today)
}

/// Cadres by pinyin of the name, with the current secondment and the next open review. A cadre
/// is listed when one of their secondments matches the filters (any cadre when there are none).
pub fn cadres(ctx: &Ctx, f: &Filter) -> Sheet {
    let mut sheet = Sheet::new(
        "干部",
        &[
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
        ],
    );
    let filtered = f.batch.is_some() || f.district.is_some() || f.kind.is_some() || f.status != Default::default();
    let mut list: Vec<&Cadre> = ctx
        .data
        .cadres
        .iter()
        .filter(|c| f.archived || !c.archived)
        .filter(|c| {
            !filtered || ctx.data.secondments.iter().any(|s| s.cadre_id == c.id && ctx.secondment_matches(s, f))
        })
        .collect();
    list.sort_by_cached_key(|c| (crate::search::pinyin_sort_key(&c.name), c.birth_date, c.id));
    for c in list {
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
        match current(ctx, c.id) {
            Some(s) => {
                let open = |r: &&&Review| !matches!(ctx.status(r), ReviewStatus::Done | ReviewStatus::Cancelled);
                let next = ctx.reviews_of(s.id).iter().filter(open).min_by_key(|r| (r.due, r.id)).copied();
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
        sheet.rows.push(row);
    }
    sheet
}

/// Pairs by batch, then the secondments nobody is paired with.
pub fn pairs(ctx: &Ctx, f: &Filter) -> Sheet {
    let mut sheet = Sheet::new(
        "互派",
        &[
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
        ],
    );
    let side = |s: Option<&Secondment>| -> [Cell; 4] {
        match s {
            Some(s) => [
                Cell::text(ctx.cadre_name(s.cadre_id)),
                Cell::text(ctx.cadre(s.cadre_id).map_or("?", |c| ctx.unit_name(c.home_unit_id))),
                Cell::text(ctx.unit_name(s.host_unit_id)),
                Cell::text(&s.host_post),
            ],
            None => [Cell::empty(), Cell::empty(), Cell::empty(), Cell::empty()],
        }
    };
    let status = |s: Option<&Secondment>| Cell::text(s.map_or("", |s| s.status(ctx.today).zh()));
    let dispatch = |b: Id| ctx.batch(b).map(|b| b.dispatch_date);
    let mut pairs: Vec<&Pair> = ctx
        .data
        .pairs
        .iter()
        .filter(|p| {
            [p.down_id, p.up_id].iter().any(|id| ctx.secondments.get(id).is_some_and(|s| ctx.secondment_matches(s, f)))
        })
        .collect();
    pairs.sort_by_key(|p| (dispatch(p.batch_id), p.batch_id, p.id));
    for p in pairs {
        let (down, up) = (ctx.secondments.get(&p.down_id).copied(), ctx.secondments.get(&p.up_id).copied());
        let check = match (down, up) {
            (Some(d), Some(u)) => {
                let home = |s: &Secondment| ctx.cadre(s.cadre_id).map_or(0, |c| c.home_unit_id);
                if crate::domain::pairing::mirrors(d, home(d), u, home(u)) {
                    "对应"
                } else {
                    "单位不对应"
                }
            }
            _ => "无效",
        };
        let mut row = vec![Cell::text(ctx.batch_name(p.batch_id))];
        row.extend(side(down));
        row.extend(side(up));
        row.extend([Cell::text(check), status(down), status(up)]);
        sheet.rows.push(row);
    }
    let mut single: Vec<&Secondment> =
        ctx.data.secondments.iter().filter(|s| ctx.partner(s).is_none() && ctx.secondment_matches(s, f)).collect();
    single.sort_by_key(|s| (dispatch(s.batch_id), s.batch_id, s.start, s.id));
    for s in single {
        let (down, up) = match s.direction {
            Direction::Down => (Some(s), None),
            Direction::Up => (None, Some(s)),
        };
        let mut row = vec![Cell::text(ctx.batch_name(s.batch_id))];
        row.extend(side(down));
        row.extend(side(up));
        row.extend([Cell::text("未配对"), status(down), status(up)]);
        sheet.rows.push(row);
    }
    sheet
}

/// The rule's candidates not yet nominated, then the nominations on record.
pub fn reserve(ctx: &Ctx, f: &Filter) -> Sheet {
    let mut sheet = Sheet::new(
        "后备干部",
        &[
            "姓名",
            "状态",
            "期满考察",
            "年度考核",
            "提名日期",
            "来源",
            "状态日期",
            "批次",
            "挂职单位",
            "挂任职务",
            "说明",
        ],
    );
    let data = ctx.data;
    let grades = |s: Option<&Secondment>| -> (Cell, Cell) {
        let reviews: Vec<&Review> =
            s.map(|s| ctx.reviews_of(s.id).iter().copied().filter(|r| !r.cancelled).collect()).unwrap_or_default();
        let last = reviews.iter().find(|r| r.kind == ReviewKind::EndOfTerm).and_then(|r| r.grade);
        let annual: Vec<&str> =
            reviews.iter().filter(|r| r.kind == ReviewKind::Annual).filter_map(|r| r.grade.map(|g| g.zh())).collect();
        (Cell::text(last.map_or("", |g| g.zh())), Cell::text(annual.join("/")))
    };
    let place = |s: Option<&Secondment>| -> [Cell; 3] {
        match s {
            Some(s) => [
                Cell::text(ctx.batch_name(s.batch_id)),
                Cell::text(ctx.unit_name(s.host_unit_id)),
                Cell::text(&s.host_post),
            ],
            None => [Cell::empty(), Cell::empty(), Cell::empty()],
        }
    };
    for s in data.secondments.iter().filter(|s| s.term_over(ctx.today) && ctx.place_matches(s, f)) {
        let nominated = data.nominations.iter().any(|n| {
            n.secondment_id == Some(s.id)
                || (n.cadre_id == s.cadre_id && (n.secondment_id.is_none() || !n.status.is_final()))
        });
        let reviews: Vec<Review> = ctx.reviews_of(s.id).iter().map(|r| (*r).clone()).collect();
        if nominated || !eligibility(s, &reviews, ctx.today).is_eligible() {
            continue;
        }
        let (last, annual) = grades(Some(s));
        let mut row = vec![Cell::text(ctx.cadre_name(s.cadre_id)), Cell::text("规则建议"), last, annual];
        row.extend([Cell::date(s.end()), Cell::text(ReserveOrigin::Rule.zh()), Cell::empty()]);
        row.extend(place(Some(s)));
        row.push(Cell::text("期满考察优秀，年度考核均称职以上"));
        sheet.rows.push(row);
    }
    for n in &data.nominations {
        let s = n.secondment_id.and_then(|id| ctx.secondments.get(&id).copied()).or_else(|| current(ctx, n.cadre_id));
        if !s.map_or(f.batch.is_none() && f.district.is_none(), |s| ctx.place_matches(s, f)) {
            continue;
        }
        let (last, annual) = grades(s);
        let mut row = vec![Cell::text(ctx.cadre_name(n.cadre_id)), Cell::text(n.status.zh()), last, annual];
        row.extend([Cell::date(n.proposed_on), Cell::text(n.origin.zh()), Cell::date(n.status_on)]);
        row.extend(place(s));
        row.push(Cell::text(&n.reason));
        sheet.rows.push(row);
    }
    sheet
}

/// The figures `guazhi stats` reports, one row per batch.
pub fn stats(ctx: &Ctx) -> Sheet {
    let districts: Vec<District> = District::ALL.iter().copied().filter(|d| *d != District::City).collect();
    let mut header = vec!["批次", "派出日期", "下挂人数", "上挂人数", "互派对数"];
    let labels: Vec<String> = districts.iter().map(|d| format!("下挂{}", d.zh())).collect();
    header.extend(labels.iter().map(String::as_str));
    header.extend(["三水高明占比（%）", "平均年龄", "党外干部", "女性"]);
    let mut sheet = Sheet::new("批次统计", &header);
    let data = ctx.data;
    for b in &data.batches {
        if ctx.batch_filter().is_some_and(|id| id != b.id) {
            continue;
        }
        let f = batch_figures(b, &data.secondments, &data.cadres, &data.units, &data.pairs);
        let mut row = vec![
            Cell::text(&f.batch),
            Cell::date(f.dispatch_date),
            Cell::int(f.down as i64),
            Cell::int(f.up as i64),
            Cell::int(f.pairs as i64),
        ];
        row.extend(districts.iter().map(|d| Cell::int(f.down_by_district.get(d.code()).copied().unwrap_or(0) as i64)));
        row.extend([
            Cell::number((f.sanshui_gaoming_share * 1000.0).round() / 10.0),
            Cell::number(f.average_age),
            Cell::int(f.non_party as i64),
            Cell::int(f.women as i64),
        ]);
        sheet.rows.push(row);
    }
    sheet
}
