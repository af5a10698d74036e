//! `guazhi export`: each list of the screens as a [`Sheet`], with the screens' filters.
//!
//! Filters: `batch` and `district` (the grassroots district a secondment involves: the host's
//! for down, the home unit's for up) select secondments; `status` and `kind` select reviews,
//! and a secondment, cadre or pair when one of its reviews matches both. Headers are Chinese;
//! coded values are written as their Chinese labels (the import reads labels or codes).

use super::columns::{self, Key};
use super::sheet::{Cell, Sheet};
use super::InteropError;
use crate::domain::review::ReviewStatus;
use crate::domain::*;
use crate::store::Data;
use chrono::NaiveDate;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Cadres,
    Secondments,
    Pairs,
    Reviews,
    Reserve,
    Stats,
}

impl What {
    pub fn code(self) -> &'static str {
        match self {
            What::Cadres => "cadres",
            What::Secondments => "secondments",
            What::Pairs => "pairs",
            What::Reviews => "reviews",
            What::Reserve => "reserve",
            What::Stats => "stats",
        }
    }
}

/// The review status filter, as on the reviews tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Not done and not cancelled (the screen's default).
    Pending,
    Only(ReviewStatus),
    /// No filter (the export's default).
    #[default]
    All,
}

impl StatusFilter {
    /// `pending`, `all`, or a review status by code or label.
    pub fn parse(s: &str) -> Result<StatusFilter, String> {
        match s.trim() {
            "pending" | "待办" => Ok(StatusFilter::Pending),
            "all" | "全部" => Ok(StatusFilter::All),
            other => ReviewStatus::parse(other).map(StatusFilter::Only).ok_or_else(|| {
                format!("'{other}': expected overdue, due_today, due_soon, upcoming, done, cancelled, pending or all")
            }),
        }
    }

    pub fn accepts(self, status: ReviewStatus) -> bool {
        match self {
            StatusFilter::Pending => !matches!(status, ReviewStatus::Done | ReviewStatus::Cancelled),
            StatusFilter::Only(s) => s == status,
            StatusFilter::All => true,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: StatusFilter,
    pub kind: Option<ReviewKind>,
    /// A batch by name.
    pub batch: Option<String>,
    pub district: Option<District>,
    /// Include archived cadres (the cadres list hides them, like the screen).
    pub archived: bool,
}

impl Filter {
    fn on_reviews(&self) -> bool {
        self.status != StatusFilter::All || self.kind.is_some()
    }
}

/// Lookups by id over the data, and the day.
pub(super) struct Ctx<'a> {
    pub data: &'a Data,
    pub today: NaiveDate,
    units: HashMap<Id, &'a Unit>,
    cadres: HashMap<Id, &'a Cadre>,
    batches: HashMap<Id, &'a Batch>,
    pub secondments: HashMap<Id, &'a Secondment>,
    reviews: HashMap<Id, Vec<&'a Review>>,
    pair: HashMap<Id, &'a Pair>,
    batch: Option<Id>,
}

impl<'a> Ctx<'a> {
    pub fn new(data: &'a Data, today: NaiveDate, filter: &Filter) -> Result<Ctx<'a>, InteropError> {
        let mut reviews: HashMap<Id, Vec<&Review>> = HashMap::new();
        for r in &data.reviews {
            reviews.entry(r.secondment_id).or_default().push(r);
        }
        let batch = match &filter.batch {
            None => None,
            Some(name) => Some(data.batches.iter().find(|b| b.name == *name).map(|b| b.id).ok_or_else(|| {
                let known: Vec<&str> = data.batches.iter().map(|b| b.name.as_str()).collect();
                let known = known.join(", ");
                InteropError::Usage(super::say(
                    format!("--batch：没有名为“{name}”的批次（批次有：{known}）"),
                    format!("--batch: no batch named '{name}' (batches: {known})"),
                ))
            })?),
        };
        Ok(Ctx {
            data,
            today,
            units: data.units.iter().map(|u| (u.id, u)).collect(),
            cadres: data.cadres.iter().map(|c| (c.id, c)).collect(),
            batches: data.batches.iter().map(|b| (b.id, b)).collect(),
            secondments: data.secondments.iter().map(|s| (s.id, s)).collect(),
            reviews,
            pair: data.pairs.iter().flat_map(|p| [(p.down_id, p), (p.up_id, p)]).collect(),
            batch,
        })
    }

    /// The batch `--batch` names.
    pub fn batch_filter(&self) -> Option<Id> {
        self.batch
    }

    pub fn unit(&self, id: Id) -> Option<&'a Unit> {
        self.units.get(&id).copied()
    }

    pub fn unit_name(&self, id: Id) -> &'a str {
        self.unit(id).map_or("?", |u| u.name.as_str())
    }

    pub fn cadre(&self, id: Id) -> Option<&'a Cadre> {
        self.cadres.get(&id).copied()
    }

    pub fn cadre_name(&self, id: Id) -> &'a str {
        self.cadre(id).map_or("?", |c| c.name.as_str())
    }

    pub fn batch(&self, id: Id) -> Option<&'a Batch> {
        self.batches.get(&id).copied()
    }

    pub fn batch_name(&self, id: Id) -> &'a str {
        self.batch(id).map_or("?", |b| b.name.as_str())
    }

    pub fn reviews_of(&self, s: Id) -> &[&'a Review] {
        self.reviews.get(&s).map_or(&[], Vec::as_slice)
    }

    pub fn partner(&self, s: &Secondment) -> Option<&'a Secondment> {
        let p = self.pair.get(&s.id)?;
        self.secondments.get(&if p.down_id == s.id { p.up_id } else { p.down_id }).copied()
    }

    pub fn status(&self, r: &Review) -> ReviewStatus {
        r.status(self.today, self.data.policy.due_soon_days)
    }

    /// The grassroots district a secondment involves: the host's for down, the home's for up.
    pub fn district(&self, s: &Secondment) -> Option<District> {
        let unit = match s.direction {
            Direction::Down => s.host_unit_id,
            Direction::Up => self.cadre(s.cadre_id)?.home_unit_id,
        };
        self.unit(unit).map(|u| u.district).filter(|d| *d != District::City)
    }

    pub fn review_matches(&self, r: &Review, f: &Filter) -> bool {
        f.kind.is_none_or(|k| r.kind == k) && f.status.accepts(self.status(r))
    }

    /// Batch and district only.
    pub fn place_matches(&self, s: &Secondment, f: &Filter) -> bool {
        self.batch.is_none_or(|b| s.batch_id == b) && f.district.is_none_or(|d| self.district(s) == Some(d))
    }

    /// Batch, district, and (when asked) a review matching status and kind.
    pub fn secondment_matches(&self, s: &Secondment, f: &Filter) -> bool {
        self.place_matches(s, f) && (!f.on_reviews() || self.reviews_of(s.id).iter().any(|r| self.review_matches(r, f)))
    }

    pub fn overdue_count(&self, s: &Secondment) -> usize {
        self.reviews_of(s.id).iter().filter(|r| self.status(r) == ReviewStatus::Overdue).count()
    }
}

/// The list `what` from `data` as a sheet, filtered.
pub fn build(data: &Data, what: What, filter: &Filter, today: NaiveDate) -> Result<Sheet, InteropError> {
    let refuse = |opt: &str| {
        let w = what.code();
        InteropError::Usage(super::say(
            format!("{opt} 不适用于 --what {w}"),
            format!("{opt} does not apply to --what {w}"),
        ))
    };
    match what {
        What::Reserve | What::Stats if filter.on_reviews() => {
            return Err(refuse(if filter.kind.is_some() { "--kind" } else { "--status" }))
        }
        What::Stats if filter.district.is_some() => return Err(refuse("--district")),
        _ => {}
    }
    let ctx = Ctx::new(data, today, filter)?;
    Ok(match what {
        What::Secondments => secondments(&ctx, filter),
        What::Reviews => reviews(&ctx, filter),
        What::Cadres => super::export_lists::cadres(&ctx, filter),
        What::Pairs => super::export_lists::pairs(&ctx, filter),
        What::Reserve => super::export_lists::reserve(&ctx, filter),
        What::Stats => super::export_lists::stats(&ctx),
    })
}

/// Every review matching the filters, by due date, then name, as `guazhi overdue` orders them.
fn reviews(ctx: &Ctx, f: &Filter) -> Sheet {
    let mut sheet = Sheet::new(
        "考核",
        &[
            "到期日期",
            "状态",
            "天数（逾期或剩余）",
            "姓名",
            "批次",
            "挂职方向",
            "考核类别",
            "期间",
            "挂职单位",
            "所在区",
            "完成日期",
            "等级",
            "考核人",
        ],
    );
    let mut rows: Vec<(&Review, &Secondment)> = ctx
        .data
        .reviews
        .iter()
        .filter_map(|r| ctx.secondments.get(&r.secondment_id).map(|s| (r, *s)))
        .filter(|(r, s)| ctx.place_matches(s, f) && ctx.review_matches(r, f))
        .collect();
    rows.sort_by(|(a, sa), (b, sb)| {
        (a.due, ctx.cadre_name(sa.cadre_id), a.id).cmp(&(b.due, ctx.cadre_name(sb.cadre_id), b.id))
    });
    for (r, s) in rows {
        let status = ctx.status(r);
        let late = status == ReviewStatus::Overdue;
        let days = match status {
            ReviewStatus::Done | ReviewStatus::Cancelled => Cell::empty(),
            _ => Cell::int((r.due - ctx.today).num_days().abs()),
        };
        sheet.rows.push(vec![
            Cell::date(r.due).overdue(late),
            Cell::text(status.zh()).overdue(late),
            days.overdue(late),
            Cell::text(ctx.cadre_name(s.cadre_id)),
            Cell::text(ctx.batch_name(s.batch_id)),
            Cell::text(s.direction.zh()),
            Cell::text(r.kind.zh()),
            Cell::text(if r.kind == ReviewKind::EndOfTerm { "期满" } else { r.period.as_str() }),
            Cell::text(ctx.unit_name(s.host_unit_id)),
            Cell::text(ctx.district(s).map_or("", |d| d.zh())),
            Cell::opt_date(r.done),
            Cell::text(r.grade.map_or("", |g| g.zh())),
            Cell::text(&r.assessor),
        ]);
    }
    sheet
}

/// One row per secondment with everything the import needs to rebuild it.
fn secondments(ctx: &Ctx, f: &Filter) -> Sheet {
    let mut sheet = Sheet::new("挂职", &columns::headers());
    let mut list: Vec<&Secondment> = ctx.data.secondments.iter().filter(|s| ctx.secondment_matches(s, f)).collect();
    // By batch, pairs together (down first), then by start.
    let group = |s: &Secondment| ctx.partner(s).map_or(s.id, |p| p.id.min(s.id));
    list.sort_by_key(|s| {
        let b = ctx.batch(s.batch_id);
        (b.map(|b| b.dispatch_date), s.batch_id, group(s), s.direction, s.start, s.id)
    });
    for s in list {
        let Some(c) = ctx.cadre(s.cadre_id) else { continue };
        let batch = ctx.batch(s.batch_id);
        let home = ctx.unit(c.home_unit_id);
        let host = ctx.unit(s.host_unit_id);
        let partner = ctx.partner(s).and_then(|p| ctx.cadre(p.cadre_id));
        let overdue = ctx.overdue_count(s);
        let row = columns::COLUMNS
            .iter()
            .map(|col| match col.key {
                Key::Name => Cell::text(&c.name),
                Key::Gender => Cell::text(c.gender.zh()),
                Key::BirthDate => Cell::date(c.birth_date),
                Key::Political => Cell::text(c.political.zh()),
                Key::Education => Cell::text(&c.education),
                Key::Speciality => Cell::text(&c.speciality),
                Key::GrassrootsYears => Cell::number(c.grassroots_years),
                Key::HomeUnit => Cell::text(ctx.unit_name(c.home_unit_id)),
                Key::HomeUnitKind => Cell::text(home.map_or("", |u| u.kind.zh())),
                Key::HomeUnitDistrict => Cell::text(home.map_or("", |u| u.district.zh())),
                Key::HomePost => Cell::text(&c.home_post),
                Key::Batch => Cell::text(ctx.batch_name(s.batch_id)),
                Key::DispatchDate => Cell::opt_date(batch.map(|b| b.dispatch_date)),
                Key::TermMonths => batch.map_or(Cell::empty(), |b| Cell::int(b.term_months.into())),
                Key::Direction => Cell::text(s.direction.zh()),
                Key::HostUnit => Cell::text(ctx.unit_name(s.host_unit_id)),
                Key::HostUnitKind => Cell::text(host.map_or("", |u| u.kind.zh())),
                Key::HostUnitDistrict => Cell::text(host.map_or("", |u| u.district.zh())),
                Key::HostPost => Cell::text(&s.host_post),
                Key::Start => Cell::date(s.start),
                Key::PlannedEnd => Cell::date(s.planned_end),
                Key::ActualEnd => Cell::opt_date(s.actual_end),
                Key::EndReason => Cell::text(s.end_reason.as_deref().unwrap_or("")),
                Key::PartnerName => Cell::text(partner.map_or("", |p| p.name.as_str())),
                Key::PartnerBirthDate => Cell::opt_date(partner.map(|p| p.birth_date)),
                Key::Status => Cell::text(s.status(ctx.today).zh()),
                Key::OverdueReviews => Cell::int(overdue as i64).overdue(overdue > 0),
            })
            .collect();
        sheet.rows.push(row);
    }
    sheet
}

/// The file name used when `--out` is not given: `reviews-2026-11-27.xlsx` in the current
/// folder, never an existing file.
pub fn default_path(what: What, today: NaiveDate, ext: &str) -> std::path::PathBuf {
    super::sheet::unused_path(std::path::Path::new(""), &format!("{}-{today}", what.code()), ext)
}
