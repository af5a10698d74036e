//! `guazhi export`: each list of the screens, with the screens' filters, streamed row by row
//! from the store's index-ordered streams into a [`RowSink`] (a CSV or xlsx writer): memory
//! holds a row, whatever the size of the database. docs/INTEROP.md gives each list's order.
//!
//! Filters: `batch` and `district` (the grassroots district a secondment involves: the host's
//! for down, the home unit's for up) select secondments; `status` and `kind` select reviews,
//! and a secondment, cadre or pair when one of its reviews matches both. Headers are Chinese;
//! coded values are written as their Chinese labels (the import reads labels or codes).

use super::columns::{self, Key};
use super::sheet::Cell;
use super::write::RowSink;
use super::InteropError;
use crate::domain::review::ReviewStatus;
use crate::domain::*;
use crate::store::{ReviewScope, Side, Store, StoreError};
use chrono::{Days, NaiveDate};
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
    pub(super) fn on_reviews(&self) -> bool {
        self.status != StatusFilter::All || self.kind.is_some()
    }
}

/// What every list's rows are built from: the store, the day, the filter, and the small
/// tables (policy, units, batches) by id.
pub(super) struct Ctx<'a> {
    pub store: &'a Store,
    pub today: NaiveDate,
    pub filter: Filter,
    policy: Policy,
    units: HashMap<Id, Unit>,
    batches: HashMap<Id, Batch>,
    batch: Option<Id>,
}

impl<'a> Ctx<'a> {
    fn new(store: &'a Store, today: NaiveDate, filter: Filter) -> Result<Ctx<'a>, InteropError> {
        let batches = store.batches(None)?;
        let batch = match &filter.batch {
            None => None,
            Some(name) => Some(batches.iter().find(|b| b.name == *name).map(|b| b.id).ok_or_else(|| {
                let known: Vec<&str> = batches.iter().map(|b| b.name.as_str()).collect();
                let known = known.join(", ");
                InteropError::Usage(super::say(
                    format!("--batch：没有名为“{name}”的批次（批次有：{known}）"),
                    format!("--batch: no batch named '{name}' (batches: {known})"),
                ))
            })?),
        };
        Ok(Ctx {
            store,
            today,
            policy: store.policy()?,
            units: store.units(None)?.into_iter().map(|u| (u.id, u)).collect(),
            batches: batches.into_iter().map(|b| (b.id, b)).collect(),
            batch,
            filter,
        })
    }

    /// The batch `--batch` names.
    pub fn batch_filter(&self) -> Option<Id> {
        self.batch
    }

    pub fn unit(&self, id: Id) -> Option<&Unit> {
        self.units.get(&id)
    }

    pub fn unit_name(&self, id: Id) -> &str {
        self.unit(id).map_or("?", |u| u.name.as_str())
    }

    pub fn batch(&self, id: Id) -> Option<&Batch> {
        self.batches.get(&id)
    }

    pub fn batch_name(&self, id: Id) -> &str {
        self.batch(id).map_or("?", |b| b.name.as_str())
    }

    pub fn status(&self, r: &Review) -> ReviewStatus {
        r.status(self.today, self.policy.due_soon_days)
    }

    /// The grassroots district a secondment involves: the host's for down, the cadre's home
    /// unit's for up (`cadre` is `None` when it cannot be read).
    pub fn district(&self, s: &Secondment, cadre: Option<&Cadre>) -> Option<District> {
        let unit = match s.direction {
            Direction::Down => s.host_unit_id,
            Direction::Up => cadre?.home_unit_id,
        };
        self.unit(unit).map(|u| u.district).filter(|d| *d != District::City)
    }

    pub fn review_matches(&self, r: &Review) -> bool {
        self.filter.kind.is_none_or(|k| r.kind == k) && self.filter.status.accepts(self.status(r))
    }

    /// Batch and district only.
    pub fn place_matches(&self, s: &Secondment, cadre: Option<&Cadre>) -> bool {
        self.batch.is_none_or(|b| s.batch_id == b)
            && self.filter.district.is_none_or(|d| self.district(s, cadre) == Some(d))
    }

    /// Batch, district, and (when asked) a review matching status and kind.
    pub fn secondment_matches(&self, s: &Secondment, cadre: Option<&Cadre>) -> Result<bool, StoreError> {
        if !self.place_matches(s, cadre) {
            return Ok(false);
        }
        Ok(!self.filter.on_reviews() || self.store.reviews_of(s.id)?.iter().any(|r| self.review_matches(r)))
    }

    pub fn overdue_count(&self, s: &Secondment) -> Result<usize, StoreError> {
        let open = self.store.open_reviews_of(s.id)?;
        Ok(open.iter().filter(|r| self.status(r) == ReviewStatus::Overdue).count())
    }

    /// The reviews the status filter can match, narrowed for the index (see `ReviewScope`).
    fn review_scope(&self) -> ReviewScope {
        let open = |due_until| ReviewScope { open_only: true, due_until };
        match self.filter.status {
            StatusFilter::Pending | StatusFilter::Only(ReviewStatus::Upcoming) => open(None),
            StatusFilter::Only(ReviewStatus::Overdue) => open(self.today.checked_sub_days(Days::new(1))),
            StatusFilter::Only(ReviewStatus::DueToday) => open(Some(self.today)),
            StatusFilter::Only(ReviewStatus::DueSoon) => {
                open(self.today.checked_add_days(Days::new(self.policy.due_soon_days.into())))
            }
            _ => ReviewScope::default(),
        }
    }
}

/// A list to export: checked against the command line before anything is written.
pub struct Export<'a> {
    ctx: Ctx<'a>,
    what: What,
}

impl<'a> Export<'a> {
    /// The list `what`, filtered: refused (a usage error) when a filter does not apply to it
    /// or `--batch` names no batch.
    pub fn new(store: &'a Store, what: What, filter: Filter, today: NaiveDate) -> Result<Export<'a>, InteropError> {
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
        Ok(Export { ctx: Ctx::new(store, today, filter)?, what })
    }

    /// The sheet's title (the xlsx sheet name).
    pub fn title(&self) -> &'static str {
        match self.what {
            What::Cadres => "干部",
            What::Secondments => "挂职",
            What::Pairs => "互派",
            What::Reviews => "考核",
            What::Reserve => "后备干部",
            What::Stats => "批次统计",
        }
    }

    pub fn header(&self) -> Vec<String> {
        let owned = |h: &[&str]| h.iter().map(|h| h.to_string()).collect();
        match self.what {
            What::Secondments => owned(&columns::headers()),
            What::Reviews => owned(&REVIEW_HEADER),
            What::Cadres => owned(&super::export_lists::CADRE_HEADER),
            What::Pairs => owned(&super::export_lists::PAIR_HEADER),
            What::Reserve => owned(&super::export_lists::RESERVE_HEADER),
            What::Stats => super::export_lists::stats_header(),
        }
    }

    /// Writes the rows into `out`, one at a time, in one read transaction (a colleague's save
    /// shows wholly or not at all).
    pub fn write(&self, out: &mut dyn RowSink) -> Result<(), InteropError> {
        let ctx = &self.ctx;
        ctx.store.read_consistent(|| match self.what {
            What::Secondments => secondments(ctx, out),
            What::Reviews => reviews(ctx, out),
            What::Cadres => super::export_lists::cadres(ctx, out),
            What::Pairs => super::export_lists::pairs(ctx, out),
            What::Reserve => super::export_lists::reserve(ctx, out),
            What::Stats => super::export_lists::stats(ctx, out),
        })
    }
}

const REVIEW_HEADER: [&str; 13] = [
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
];

/// Every review matching the filters, by due date, then id.
fn reviews(ctx: &Ctx, out: &mut dyn RowSink) -> Result<(), InteropError> {
    ctx.store.for_each_review(ctx.review_scope(), |(r, side)| {
        let (s, cadre) = (&side.secondment, side.cadre.as_ref());
        if !(ctx.place_matches(s, cadre) && ctx.review_matches(&r)) {
            return Ok(());
        }
        let status = ctx.status(&r);
        let late = status == ReviewStatus::Overdue;
        let days = match status {
            ReviewStatus::Done | ReviewStatus::Cancelled => Cell::empty(),
            _ => Cell::int((r.due - ctx.today).num_days().abs()),
        };
        out.row(&[
            Cell::date(r.due).overdue(late),
            Cell::text(status.zh()).overdue(late),
            days.overdue(late),
            Cell::text(cadre.map_or("?", |c| c.name.as_str())),
            Cell::text(ctx.batch_name(s.batch_id)),
            Cell::text(s.direction.zh()),
            Cell::text(r.kind.zh()),
            Cell::text(if r.kind == ReviewKind::EndOfTerm { "期满" } else { r.period.as_str() }),
            Cell::text(ctx.unit_name(s.host_unit_id)),
            Cell::text(ctx.district(s, cadre).map_or("", |d| d.zh())),
            Cell::opt_date(r.done),
            Cell::text(r.grade.map_or("", |g| g.zh())),
            Cell::text(&r.assessor),
        ])?;
        Ok(())
    })
}

/// One row per secondment with everything the import needs to rebuild it: by batch, each pair
/// (down, then up), then the unpaired.
fn secondments(ctx: &Ctx, out: &mut dyn RowSink) -> Result<(), InteropError> {
    ctx.store.for_each_secondment_by_pair(|side: &Side, partner: Option<&Side>| {
        let (s, Some(c)) = (&side.secondment, side.cadre.as_ref()) else { return Ok(()) };
        if !ctx.secondment_matches(s, Some(c))? {
            return Ok(());
        }
        let batch = ctx.batch(s.batch_id);
        let home = ctx.unit(c.home_unit_id);
        let host = ctx.unit(s.host_unit_id);
        let partner = partner.and_then(|p| p.cadre.as_ref());
        let overdue = ctx.overdue_count(s)?;
        let row: Vec<Cell> = columns::COLUMNS
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
        out.row(&row)?;
        Ok(())
    })
}

/// The file name used when `--out` is not given: `reviews-2026-11-27.xlsx` in the current
/// folder, never an existing file.
pub fn default_path(what: What, today: NaiveDate, ext: &str) -> std::path::PathBuf {
    super::sheet::unused_path(std::path::Path::new(""), &format!("{}-{today}", what.code()), ext)
}
