//! Tab 3, 考核, in a large database: the *pending* reviews (neither done nor cancelled; done and
//! cancelled ones are seen in each cadre's dossier), held compactly. Each review keeps what the
//! tab's columns sort by, what the filters test and the ids of its searchable texts; rows are
//! in the tab's natural order (due date, id), as `view::reviews::build` lays them out.
//!
//! Per review: id, due date, status, kind, period, assessor and secondment (30 bytes with the
//! index by id); per secondment with a pending review: cadre, name, host unit, batch, direction
//! and district. Names, units and assessors are distinct texts in a [`TextPool`]; the short
//! labels that only sort (periods, directions, districts) in a second, small one. A column's
//! sorted order is made on first use (a counting sort over ranks, dates and small numbers) and
//! kept; reversed, it is read backwards, which is `refresh`'s whole-order reversal.
//!
//! At 1,000,000 cadres (400,197 pending reviews): built in about 1 s, 20 MB of heap (32 MB with
//! every column sorted), `order` 2–8 ms per keystroke (`examples/catalog_reviews_timing.rs`).

use super::pool::{BitSet, PoolBuilder, TextPool};
use super::{Catalog, SearchCache};
use crate::app::list::Filters;
use crate::app::view::{Rec, Tags};
use crate::domain::review::{status_on, ReviewStatus};
use crate::domain::{Direction, District, Gender, Grade, Id, Political, ReviewKind};
use crate::lang::Lang;
use crate::search::Query;
use chrono::{Datelike, NaiveDate};
use rusqlite::types::ValueRef;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The tab's columns, as in `view::reviews::build`.
const DUE: usize = crate::app::view::reviews::DUE;
const STATUS: usize = crate::app::view::reviews::STATUS;
const NAME: usize = crate::app::view::reviews::NAME;
const KIND: usize = 3;
const PERIOD: usize = 4;
const GRADE: usize = 5;
const DONE: usize = 6;
const HOST: usize = 7;
const BATCH: usize = 8;
const DIR: usize = 9;
const DISTRICT: usize = 10;
const ASSESSOR: usize = 11;
pub const COLUMNS: usize = 12;

/// `SortKey` classes, in `SortKey::compare`'s order; a key is `class << 48 | value + 2^47`,
/// so one `u64` comparison is `SortKey::compare` within a column.
const NUM: u64 = 0;
const DATE: u64 = 1;
const TEXT: u64 = 2;
const EMPTY: u64 = 3 << 48;

fn key(class: u64, value: i64) -> u64 {
    class << 48 | (value + (1 << 47)) as u64
}

/// A column's rows in sorted order, or the natural order itself (due date and status sort
/// the pending reviews as they come; grade and done date are empty for all of them).
#[derive(Debug, Clone)]
enum Sorted {
    Natural,
    Rows(Arc<[u32]>),
}

#[derive(Debug)]
pub struct ReviewCatalog {
    today: NaiveDate,
    // Per review, in natural order.
    ids: Vec<Id>,
    due: Vec<NaiveDate>,
    status: Vec<ReviewStatus>,
    kind: Vec<ReviewKind>,
    /// Label ids (`labels`).
    period: Vec<u32>,
    /// Rows with a grade (none unless written against the rules), by row.
    graded: Vec<(u32, Grade)>,
    /// Text ids (`texts`).
    assessor: Vec<u32>,
    secondment: Vec<u32>,
    // Per secondment with a pending review.
    cadre: Vec<Id>,
    name: Vec<u32>,
    host: Vec<u32>,
    batch: Vec<Id>,
    /// The batch's dispatch date (what the batch column sorts by); `None` for a missing batch.
    dispatch: Vec<Option<NaiveDate>>,
    direction: Vec<Direction>,
    district: Vec<Option<District>>,
    /// Searchable texts: names, host units, assessors.
    texts: TextPool,
    /// Texts that only sort: periods, direction and district labels.
    labels: TextPool,
    /// Label ids of `Direction::ALL` and of `District::ALL` (then of no district).
    direction_labels: Vec<u32>,
    district_labels: Vec<u32>,
    /// Rows by review id.
    by_id: Vec<u32>,
    search: SearchCache,
    sorted: Mutex<Vec<Option<Sorted>>>,
}

/// A `YYYY-MM-DD` column as `store::rows::date` reads it (`None` where that fails).
fn date(v: ValueRef) -> Option<NaiveDate> {
    let s = v.as_str().ok()?;
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl ReviewCatalog {
    /// Reads the pending reviews (by the partial index `reviews_open_due`) with their
    /// secondments, cadres, units and batches. Rows that `Store::load` would not read (an
    /// unknown code, a bad date) are left out as the built table leaves them out.
    pub fn build(conn: &rusqlite::Connection, today: NaiveDate, lang: Lang) -> crate::store::Result<ReviewCatalog> {
        let t = |zh: &'static str, en: &'static str| if lang == Lang::Zh { zh } else { en };
        let due_soon_days: u32 = conn.query_row("SELECT due_soon_days FROM policy WHERE id = 1", [], |r| r.get(0))?;
        let mut texts = PoolBuilder::default();
        let mut labels = PoolBuilder::default();

        // Units: name and district; one with a code `load` refuses counts as missing.
        let mut units: HashMap<Id, (String, District)> = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, name, kind, district FROM units")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let kind = r.get_ref(2)?.as_str().ok().and_then(crate::domain::UnitKind::parse);
            let district = r.get_ref(3)?.as_str().ok().and_then(District::parse);
            if let (Some(_), Some(district), Ok(name)) = (kind, district, r.get::<_, String>(1)) {
                units.insert(r.get(0)?, (name, district));
            }
        }
        drop(rows);
        let mut batches: HashMap<Id, NaiveDate> = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, dispatch_date, term_months FROM batches")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let (Some(d), Ok(_)) = (date(r.get_ref(1)?), r.get::<_, u32>(2)) {
                batches.insert(r.get(0)?, d);
            }
        }
        drop(rows);

        let direction_labels = Direction::ALL.iter().map(|d| labels.intern(t(d.zh(), d.en()))).collect();
        let mut district_labels: Vec<u32> = District::ALL.iter().map(|d| labels.intern(t(d.zh(), d.en()))).collect();
        district_labels.push(labels.intern(""));
        let end_of_term = labels.intern(t("期满", "term"));
        let unknown = texts.intern("?");

        let mut c = ReviewCatalog {
            today,
            ids: Vec::new(),
            due: Vec::new(),
            status: Vec::new(),
            kind: Vec::new(),
            period: Vec::new(),
            graded: Vec::new(),
            assessor: Vec::new(),
            secondment: Vec::new(),
            cadre: Vec::new(),
            name: Vec::new(),
            host: Vec::new(),
            batch: Vec::new(),
            dispatch: Vec::new(),
            direction: Vec::new(),
            district: Vec::new(),
            texts: TextPool::default(),
            labels: TextPool::default(),
            direction_labels,
            district_labels,
            by_id: Vec::new(),
            search: SearchCache::default(),
            sorted: Mutex::new(vec![None; COLUMNS]),
        };
        // Secondment id → its index, or `u32::MAX` when `load` would not read it.
        let mut seen: HashMap<Id, u32> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT r.id, r.kind, r.period, r.due_date, r.assessor, r.grade, r.secondment_id,
                    s.cadre_id, s.batch_id, s.direction, s.host_unit_id, s.start_date, s.planned_end, s.actual_end,
                    cd.name, cd.home_unit_id, cd.gender, cd.birth_date, cd.political
             FROM reviews r
             JOIN secondments s ON s.id = r.secondment_id
             LEFT JOIN cadres cd ON cd.id = s.cadre_id
             WHERE r.done_date IS NULL AND r.cancelled = 0
             ORDER BY r.due_date, r.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code = |i: usize| r.get_ref(i).ok().and_then(|v| v.as_str().ok());
            let kind = code(1).and_then(ReviewKind::parse);
            let grade = match r.get_ref(5)? {
                ValueRef::Null => Some(None),
                v => v.as_str().ok().and_then(Grade::parse).map(Some),
            };
            let (Some(kind), Some(due), Some(period), Some(assessor), Some(grade)) =
                (kind, date(r.get_ref(3)?), code(2), code(4), grade)
            else {
                continue;
            };
            let sid: Id = r.get(6)?;
            let s = match seen.get(&sid) {
                Some(&s) => s,
                None => {
                    let direction = code(9).and_then(Direction::parse);
                    let dates_ok = date(r.get_ref(11)?).is_some()
                        && date(r.get_ref(12)?).is_some()
                        && (r.get_ref(13)? == ValueRef::Null || date(r.get_ref(13)?).is_some());
                    let s = match direction {
                        Some(direction) if dates_ok => {
                            let host: Id = r.get(10)?;
                            let batch: Id = r.get(8)?;
                            // The cadre as `load` reads it: missing, or refused for a bad code or date.
                            let cadre_ok = code(16).and_then(Gender::parse).is_some()
                                && date(r.get_ref(17)?).is_some()
                                && code(18).and_then(Political::parse).is_some();
                            let (name, home) = match code(14) {
                                Some(name) if cadre_ok => (texts.intern(name), r.get::<_, Option<Id>>(15)?),
                                _ => (unknown, None),
                            };
                            let district_of = match direction {
                                Direction::Down => Some(host),
                                Direction::Up => home,
                            };
                            let district =
                                district_of.and_then(|u| units.get(&u)).map(|u| u.1).filter(|d| *d != District::City);
                            c.cadre.push(r.get(7)?);
                            c.name.push(name);
                            c.host.push(units.get(&host).map_or(unknown, |u| texts.intern(&u.0)));
                            c.batch.push(batch);
                            c.dispatch.push(batches.get(&batch).copied());
                            c.direction.push(direction);
                            c.district.push(district);
                            u32::try_from(c.cadre.len() - 1).expect("fewer than 4 billion secondments")
                        }
                        _ => u32::MAX,
                    };
                    seen.insert(sid, s);
                    s
                }
            };
            if s == u32::MAX {
                continue;
            }
            if let Some(g) = grade {
                // Only a row written against the rules has a grade but no done date.
                c.graded.push((c.ids.len() as u32, g));
            }
            c.ids.push(r.get(0)?);
            c.due.push(due);
            c.status.push(status_on(due, false, false, today, due_soon_days));
            c.kind.push(kind);
            c.period.push(if kind == ReviewKind::EndOfTerm { end_of_term } else { labels.intern(period) });
            c.assessor.push(texts.intern(assessor));
            c.secondment.push(s);
        }
        drop(rows);
        drop((seen, units, batches));
        u32::try_from(c.ids.len()).expect("fewer than 4 billion reviews");
        c.texts = texts.finish();
        c.labels = labels.finish();
        let mut by_id: Vec<u32> = (0..c.ids.len() as u32).collect();
        by_id.sort_unstable_by_key(|&r| c.ids[r as usize]);
        c.by_id = by_id;
        for v in [&mut c.period, &mut c.assessor, &mut c.secondment] {
            v.shrink_to_fit();
        }
        c.ids.shrink_to_fit();
        c.due.shrink_to_fit();
        c.status.shrink_to_fit();
        c.kind.shrink_to_fit();
        Ok(c)
    }

    /// Heap bytes held, the cached sort orders included (for the memory budget).
    pub fn heap_bytes(&self) -> usize {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        let sorted: usize = self
            .sorted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|s| match s {
                Some(Sorted::Rows(rows)) => rows.len() * 4,
                _ => 0,
            })
            .sum();
        bytes(&self.ids)
            + bytes(&self.due)
            + bytes(&self.status)
            + bytes(&self.kind)
            + bytes(&self.period)
            + bytes(&self.graded)
            + bytes(&self.assessor)
            + bytes(&self.secondment)
            + bytes(&self.cadre)
            + bytes(&self.name)
            + bytes(&self.host)
            + bytes(&self.batch)
            + bytes(&self.dispatch)
            + bytes(&self.direction)
            + bytes(&self.district)
            + bytes(&self.by_id)
            + self.texts.heap_bytes()
            + self.labels.heap_bytes()
            + sorted
    }

    /// The `SortKey` of row `r`'s cell in column `col`, as one comparable number.
    fn sort_key(&self, col: usize, r: usize) -> u64 {
        let s = self.secondment[r] as usize;
        let text = |pool: &TextPool, id: u32| pool.rank(id).map_or(EMPTY, |rank| key(TEXT, i64::from(rank)));
        let day = |d: NaiveDate| key(DATE, i64::from(d.num_days_from_ce()));
        match col {
            DUE => day(self.due[r]),
            STATUS => {
                let order = ReviewStatus::ALL.iter().position(|x| *x == self.status[r]).unwrap_or(0) as i64;
                key(NUM, order * 100_000 + (self.due[r] - self.today).num_days())
            }
            NAME => text(&self.texts, self.name[s]),
            KIND => key(NUM, self.kind[r] as i64),
            PERIOD => text(&self.labels, self.period[r]),
            HOST => text(&self.texts, self.host[s]),
            BATCH => self.dispatch[s].map_or(EMPTY, day),
            DIR => text(&self.labels, self.direction_labels[self.direction[s] as usize]),
            DISTRICT => {
                let i = self.district[s].map_or(District::ALL.len(), |d| d as usize);
                text(&self.labels, self.district_labels[i])
            }
            ASSESSOR => text(&self.texts, self.assessor[r]),
            GRADE => match self.graded.binary_search_by_key(&(r as u32), |g| g.0) {
                Ok(i) => key(NUM, self.graded[i].1 as i64),
                Err(_) => EMPTY,
            },
            DONE => EMPTY,
            _ => EMPTY,
        }
    }

    /// Column `col`'s stable ascending order, sorted once and kept.
    fn sorted(&self, col: usize) -> Sorted {
        if let Some(s) = &self.sorted.lock().unwrap_or_else(|e| e.into_inner())[col] {
            return s.clone();
        }
        let n = self.len();
        let keys: Vec<u64> = (0..n).map(|r| self.sort_key(col, r)).collect();
        let (lo, hi) = keys.iter().filter(|&&k| k != EMPTY).fold((u64::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
        let rows: Vec<u32> = if lo > hi {
            (0..n as u32).collect()
        } else if hi - lo <= 2 * n as u64 + 1024 {
            // Few distinct keys close together (ranks, dates, small numbers): a counting sort,
            // stable since rows are placed in natural order; empty keys go last.
            let buckets = (hi - lo) as usize + 2;
            let bucket = |k: u64| if k == EMPTY { buckets - 1 } else { (k - lo) as usize };
            let mut next = vec![0u32; buckets + 1];
            for &k in &keys {
                next[bucket(k) + 1] += 1;
            }
            for b in 1..next.len() {
                next[b] += next[b - 1];
            }
            let mut rows = vec![0u32; n];
            for (r, &k) in keys.iter().enumerate() {
                let slot = &mut next[bucket(k)];
                rows[*slot as usize] = r as u32;
                *slot += 1;
            }
            rows
        } else {
            // Sorting by (key, row) is the stable sort by key.
            let mut keyed: Vec<(u64, u32)> = keys.into_iter().zip(0..n as u32).collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, r)| r).collect()
        };
        let sorted = if rows.iter().enumerate().all(|(i, &r)| r as usize == i) {
            Sorted::Natural
        } else {
            Sorted::Rows(rows.into())
        };
        self.sorted.lock().unwrap_or_else(|e| e.into_inner())[col] = Some(sorted.clone());
        sorted
    }
}

impl Catalog for ReviewCatalog {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn order(&self, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> Vec<usize> {
        let n = self.len();
        // The texts that match, then the secondments whose name or host unit does.
        let hits = (!query.is_empty()).then(|| self.search.hits(&self.texts, query));
        let secondment_hits = hits.as_ref().map(|hits| {
            let mut set = BitSet::new(self.cadre.len());
            for s in 0..self.cadre.len() {
                if hits.contains(self.name[s]) || hits.contains(self.host[s]) {
                    set.insert(s);
                }
            }
            set
        });
        let shown = |r: usize| {
            let s = self.secondment[r] as usize;
            let tags = Tags {
                status: Some(self.status[r]),
                kind: Some(self.kind[r]),
                batch: Some(self.batch[s]),
                district: self.district[s],
                archived: false,
            };
            filters.accepts_tags(&tags)
                && match (&hits, &secondment_hits) {
                    (Some(hits), Some(secondments)) => {
                        secondments.contains(s as u32) || hits.contains(self.assessor[r])
                    }
                    _ => true,
                }
        };
        match sort.filter(|c| *c < COLUMNS).map_or(Sorted::Natural, |c| self.sorted(c)) {
            Sorted::Natural if reverse => (0..n).rev().filter(|&r| shown(r)).collect(),
            Sorted::Natural => (0..n).filter(|&r| shown(r)).collect(),
            Sorted::Rows(rows) => {
                let mut pass = BitSet::new(n);
                (0..n).filter(|&r| shown(r)).for_each(|r| pass.insert(r));
                let rows = rows.iter().map(|&r| r as usize);
                if reverse {
                    rows.rev().filter(|&r| pass.contains(r as u32)).collect()
                } else {
                    rows.filter(|&r| pass.contains(r as u32)).collect()
                }
            }
        }
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.ids.get(row).map(|&id| Rec::Review(id))
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.secondment.get(row).map(|&s| self.cadre[s as usize])
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        let Rec::Review(id) = rec else { return None };
        let at = self.by_id.binary_search_by_key(&id, |&r| self.ids[r as usize]).ok()?;
        Some(self.by_id[at] as usize)
    }
}
