//! Tab 3 (考核) as a catalog. Either the open reviews only (neither done nor cancelled: what the
//! tab opens on, a few percent of all reviews) or every review, when the status filter asks for
//! done or cancelled ones (`answers` says which it can show).
//!
//! Per review 15 bytes: id, secondment, due and done dates as day numbers, kind, grade and
//! cancelled in one byte, and the period's label. Per secondment with a review: cadre, the
//! name and host unit as searchable texts, and a class (batch and district).

use super::bitset::BitSet;
use super::names::Names;
use super::order::{compose, ordered, replace, rows_where, Natural, Sorts, Texts, EMPTY};
use super::pool::TextPool;
use super::{Ask, Catalog, Visible};
use crate::app::list::StatusFilter;
use crate::app::view::reviews::{status_sort, Col};
use crate::app::view::{Columns, Rec};
use crate::domain::review::ReviewStatus;
use crate::domain::*;
use crate::lang::Lang;
use crate::store::lists::{ReviewItem, Roster};
use chrono::{Days, NaiveDate};
use std::collections::HashMap;

/// Day numbers count from 1970-01-01, with 0 kept for "none".
fn day(d: NaiveDate) -> u16 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    (d - epoch).num_days().clamp(1, i64::from(u16::MAX)) as u16
}

fn date_of(day: u16) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    epoch + Days::new(u64::from(day))
}

const KIND_BITS: u8 = 0b11;
const CANCELLED: u8 = 1 << 5;

fn meta(r: &ReviewItem) -> u8 {
    let grade = r.grade.map_or(0, |g| g as u8 + 1);
    (r.kind as u8) | (grade << 2) | if r.cancelled { CANCELLED } else { 0 }
}

/// One combination of a secondment's filter tags, with the Batch column's sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Class {
    batch: Option<Id>,
    district: Option<District>,
    dispatch: u32,
}

#[derive(Debug, Clone)]
pub struct ReviewCatalog {
    open_only: bool,
    today: u16,
    soon: u16,
    today_date: NaiveDate,
    // Per review.
    ids: Vec<u32>,
    sec: Vec<u32>,
    due: Vec<u16>,
    done: Vec<u16>,
    meta: Vec<u8>,
    period: Vec<u16>,
    dead: BitSet,
    dead_count: usize,
    /// The natural order (due date, then id) once the rows are not in it (a save adding some).
    natural: Natural,
    // Per secondment with a review.
    sec_ids: Vec<Id>,
    sec_of: HashMap<Id, u32>,
    cadre: Vec<Id>,
    class: Vec<u32>,
    direction: Vec<u8>,
    district: Vec<u8>,
    /// Name and host unit of each secondment.
    texts: Texts<2>,
    classes: Vec<Class>,
    class_ids: HashMap<Class, u32>,
    /// Labels that only sort: periods, kinds, directions, districts.
    labels: TextPool,
    direction_labels: [u16; 2],
    district_labels: [u16; 6],
    lang: Lang,
    sorts: Sorts,
    /// Every review of the database, done and cancelled ones too (the title's total), when
    /// only the open ones are held.
    all_count: usize,
}

impl ReviewCatalog {
    pub fn new(open_only: bool, today: NaiveDate, due_soon_days: u32, lang: Lang) -> ReviewCatalog {
        let mut labels = TextPool::default();
        let mut label = |s: &str| labels.intern(s) as u16;
        let direction_labels: [u16; 2] = std::array::from_fn(|i| {
            let d = Direction::ALL[i];
            label(lang.pick(d.zh(), d.en()))
        });
        let district_labels: [u16; 6] = std::array::from_fn(|i| {
            let d = District::ALL[i];
            label(lang.pick(d.zh(), d.en()))
        });
        ReviewCatalog {
            open_only,
            today: day(today),
            soon: day(today + Days::new(due_soon_days.into())),
            today_date: today,
            ids: Vec::new(),
            sec: Vec::new(),
            due: Vec::new(),
            done: Vec::new(),
            meta: Vec::new(),
            period: Vec::new(),
            dead: BitSet::new(0),
            dead_count: 0,
            natural: Natural::default(),
            sec_ids: Vec::new(),
            sec_of: HashMap::new(),
            cadre: Vec::new(),
            class: Vec::new(),
            direction: Vec::new(),
            district: Vec::new(),
            texts: Texts::default(),
            classes: Vec::new(),
            class_ids: HashMap::new(),
            labels,
            direction_labels,
            district_labels,
            lang,
            sorts: Sorts::default(),
            all_count: 0,
        }
    }

    /// How many reviews the database has in all (told by the build, kept by the saves).
    pub fn set_all_count(&mut self, n: usize) {
        self.all_count = n;
    }

    /// Whether it holds every review (not only the open ones).
    pub fn holds_all(&self) -> bool {
        !self.open_only
    }

    /// The side entry of secondment `id`, made from the roster when new or `refresh`.
    fn side(&mut self, id: Id, roster: &Roster, names: &Names, refresh: bool) -> Option<u32> {
        if let Some(&s) = self.sec_of.get(&id).filter(|_| !refresh) {
            return Some(s);
        }
        let t = roster.terms.get(roster.term(id)?)?;
        let host = roster.unit(t.host_unit_id).map_or("?", |u| u.name.as_str());
        let district = roster.district(t);
        let class = Class {
            batch: Some(t.batch_id),
            district,
            dispatch: roster.batch(t.batch_id).map_or(EMPTY, |b| super::cadres::date_key(b.dispatch_date)),
        };
        let class = *self.class_ids.entry(class).or_insert_with(|| {
            self.classes.push(class);
            self.classes.len() as u32 - 1
        });
        let district = district.map_or(u8::MAX, |d| d as u8);
        let name = names.get(t.cadre_id);
        match self.sec_of.get(&id) {
            Some(&s) => {
                let i = s as usize;
                self.cadre[i] = t.cadre_id;
                self.class[i] = class;
                self.direction[i] = t.direction as u8;
                self.district[i] = district;
                self.texts.set(i, [name, host]);
                Some(s)
            }
            None => {
                let s = self.texts.push([name, host]) as u32;
                self.sec_ids.push(id);
                self.sec_of.insert(id, s);
                self.cadre.push(t.cadre_id);
                self.class.push(class);
                self.direction.push(t.direction as u8);
                self.district.push(district);
                Some(s)
            }
        }
    }

    /// Adds a review (while building: in natural order for the open ones, by id for all).
    /// Reviews of a secondment the roster does not have are left out, as unreadable.
    pub fn push(&mut self, r: &ReviewItem, period: &str, roster: &Roster, names: &Names) {
        let Ok(id) = u32::try_from(r.id) else { return };
        let Some(sec) = self.side(r.secondment_id, roster, names, false) else { return };
        let shown = if r.kind == ReviewKind::EndOfTerm { self.lang.pick("期满", "term") } else { period };
        let label = self.labels.intern(shown);
        self.ids.push(id);
        self.sec.push(sec);
        self.due.push(day(r.due));
        self.done.push(r.done.map_or(0, day));
        self.meta.push(meta(r));
        self.period.push(u16::try_from(label).unwrap_or(u16::MAX));
    }

    /// Room for `n` reviews (the build knows how many are coming).
    pub fn reserve(&mut self, n: usize) {
        self.ids.reserve_exact(n);
        self.sec.reserve_exact(n);
        self.due.reserve_exact(n);
        self.done.reserve_exact(n);
        self.meta.reserve_exact(n);
        self.period.reserve_exact(n);
    }

    /// Ranks the texts and puts the rows in natural order: the catalog is ready.
    pub fn finish(&mut self) {
        self.texts.pool.finish();
        self.labels.finish();
        let n = self.ids.len();
        self.dead = BitSet::new(n);
        if !self.open_only {
            // Every review is read by id (a table scan; in due order it would be a random read
            // per review). Rows in natural order need no order kept beside them, which at ten
            // million reviews is a hundred megabytes.
            let mut by_due: Vec<u32> = (0..n as u32).collect();
            by_due.sort_unstable_by_key(|&r| self.natural_key(r));
            permute(&mut self.ids, &by_due);
            permute(&mut self.sec, &by_due);
            permute(&mut self.due, &by_due);
            permute(&mut self.done, &by_due);
            permute(&mut self.meta, &by_due);
            permute(&mut self.period, &by_due);
        }
        for v in [&mut self.ids, &mut self.sec] {
            v.shrink_to_fit();
        }
        for v in [&mut self.due, &mut self.done, &mut self.period] {
            v.shrink_to_fit();
        }
        self.meta.shrink_to_fit();
    }

    /// Takes in what a save changed: every review of `secondments` read again (`reviews`, the
    /// ones this catalog holds), their secondments' names, units and batches too.
    pub fn apply(
        &mut self,
        secondments: &[Id],
        reviews: &[(ReviewItem, String)],
        roster: &Roster,
        names: &Names,
        reviews_added: i64,
    ) {
        self.all_count = self.all_count.saturating_add_signed(reviews_added as isize);
        let epoch = self.texts.pool.epoch();
        let touched: Vec<u32> = secondments.iter().filter_map(|id| self.sec_of.get(id).copied()).collect();
        for id in secondments {
            if self.sec_of.contains_key(id) || reviews.iter().any(|(r, _)| r.secondment_id == *id) {
                self.side(*id, roster, names, true);
            }
        }
        let mut gone = BitSet::new(self.sec_ids.len());
        for s in touched {
            gone.insert(s as usize);
        }
        let mut changed: Vec<u32> = Vec::new();
        for r in 0..self.ids.len() {
            if gone.contains(self.sec[r]) && !self.dead.contains(r as u32) {
                self.dead.insert(r);
                self.dead_count += 1;
                changed.push(r as u32);
            }
        }
        let first_new = self.ids.len();
        for (r, period) in reviews {
            self.push(r, period, roster, names);
        }
        changed.extend((first_new..self.ids.len()).map(|r| r as u32));
        if self.texts.pool.epoch() != epoch {
            self.sorts.forget(|_| true);
        }
        changed.sort_unstable();
        let (mut natural, mut sorts) = (std::mem::take(&mut self.natural), std::mem::take(&mut self.sorts));
        let key = |r: u32| self.natural_key(r);
        replace(&mut natural, &mut sorts, self.ids.len(), &changed, &self.dead, key, |c, r| self.key(c, r));
        (self.natural, self.sorts) = (natural, sorts);
    }

    /// A row's place in natural order: due date, then id.
    fn natural_key(&self, r: u32) -> u64 {
        (u64::from(self.due[r as usize]) << 32) | u64::from(self.ids[r as usize])
    }

    fn status(&self, r: usize) -> ReviewStatus {
        let m = self.meta[r];
        if m & CANCELLED != 0 {
            ReviewStatus::Cancelled
        } else if self.done[r] != 0 {
            ReviewStatus::Done
        } else if self.due[r] < self.today {
            ReviewStatus::Overdue
        } else if self.due[r] == self.today {
            ReviewStatus::DueToday
        } else if self.due[r] <= self.soon {
            ReviewStatus::DueSoon
        } else {
            ReviewStatus::Upcoming
        }
    }

    fn kind(&self, r: usize) -> ReviewKind {
        ReviewKind::ALL[usize::from(self.meta[r] & KIND_BITS) % 3]
    }

    fn key(&self, col: usize, r: usize) -> u32 {
        let s = self.sec[r] as usize;
        let label = |id: u16| self.labels.sort_key(u32::from(id));
        let Some(col) = Col::at(col) else { return EMPTY };
        match col {
            Col::Due => u32::from(self.due[r]),
            Col::Status => {
                let order = status_sort(self.status(r), date_of(self.due[r]), self.today_date);
                (order + (1 << 30)).clamp(0, i64::from(u32::MAX - 1)) as u32
            }
            Col::Name => self.texts.pool.sort_key(self.texts.of[s][0]),
            Col::Kind => self.kind(r) as u32,
            Col::Period => label(self.period[r]),
            Col::Grade => match self.meta[r] >> 2 & 0b111 {
                0 => EMPTY,
                g => u32::from(g),
            },
            Col::Done => match self.done[r] {
                0 => EMPTY,
                d => u32::from(d),
            },
            Col::Host => self.texts.pool.sort_key(self.texts.of[s][1]),
            Col::Batch => self.classes[self.class[s] as usize].dispatch,
            Col::Direction => label(self.direction_labels[usize::from(self.direction[s]) % 2]),
            Col::District => match self.district[s] {
                u8::MAX => EMPTY,
                d => label(self.district_labels[usize::from(d) % 6]),
            },
        }
    }

    /// Heap bytes held (for the memory budget).
    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 15
            + self.sec_ids.capacity() * 30
            + self.texts.heap_bytes()
            + self.labels.heap_bytes()
            + self.sorts.heap_bytes()
    }
}

impl Catalog for ReviewCatalog {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn total(&self) -> usize {
        if self.open_only {
            self.all_count
        } else {
            self.ids.len() - self.dead_count
        }
    }

    fn answers(&self, ask: &Ask) -> bool {
        !self.open_only || ask.filters.status.pending_only()
    }

    fn order(&self, ask: &Ask) -> Visible {
        let n = self.len();
        let f = ask.filters;
        let accept_class: Vec<bool> = self
            .classes
            .iter()
            .map(|c| f.batch.is_none_or(|b| c.batch == Some(b)) && f.district.is_none_or(|d| c.district == Some(d)))
            .collect();
        let hits = (!ask.query.is_empty()).then(|| self.texts.search(ask.query));
        let plain = f.status == StatusFilter::All && f.kind.is_none() && accept_class.iter().all(|&a| a);
        let keep = if plain && hits.is_none() && self.dead_count == 0 {
            None
        } else {
            let sec_hits = hits.as_ref().map(|h| h.rows.clone());
            Some(rows_where(n, None, |r| {
                !self.dead.contains(r as u32)
                    && f.status.accepts(self.status(r))
                    && f.kind.is_none_or(|k| self.kind(r) == k)
                    && accept_class[self.class[self.sec[r] as usize] as usize]
                    && sec_hits.as_ref().is_none_or(|h| h.contains(self.sec[r]))
            }))
        };
        let sort = ask.sort.filter(|&c| c < Col::ALL.len());
        let order = ordered(&self.sorts, &self.natural, n, &self.dead, sort, |c, r| self.key(c, r));
        let names = hits.as_ref().filter(|_| sort.is_none()).map(|h| {
            let names = h.names.clone();
            rows_where(n, keep.as_ref(), |r| names.contains(self.sec[r]))
        });
        compose(n, order, keep.as_ref(), names.as_ref(), ask.reverse)
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.ids.get(row).map(|&id| Rec::Review(Id::from(id)))
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.sec.get(row).map(|&s| self.cadre[s as usize])
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        let Rec::Review(id) = rec else { return None };
        let id = u32::try_from(id).ok()?;
        // A scan (milliseconds at ten million reviews) instead of an index by id beside them;
        // from the end, where a save's rows are.
        (0..self.ids.len()).rev().find(|&r| self.ids[r] == id && !self.dead.contains(r as u32))
    }
}

/// Puts `column` in the order `by` gives (`by[i]` is the row that goes to place `i`).
fn permute<T: Copy>(column: &mut Vec<T>, by: &[u32]) {
    *column = by.iter().map(|&r| column[r as usize]).collect();
}
