//! What the screens' lists are built from, read in a few streaming queries instead of every
//! table into memory: the [`Roster`] (every term, pair and home unit, compactly, with each
//! term's next open review), and cadres, reviews and nominations streamed one row at a time.
//! Each reader takes an optional set of ids so that after a save the lists read again only what
//! the change touched (`Affected`), through the same code as the first build.
//!
//! Rows that do not convert (written by hand against the rules) are skipped and named in
//! `invalid` as `Store::load` names them.

use super::read::{convert_one, note_invalid};
use super::rows::{self, *};
use super::{Result, Store};
use crate::domain::term::Term;
use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::Row;
use std::collections::HashSet;

/// "No position": a term without a pair, a pair side not read.
pub const NONE: u32 = u32::MAX;

/// `x IN` this: the ids of parameter `?1` as a JSON array (see `neighbourhood`).
const IDS: &str = "(SELECT value FROM json_each(?1))";

/// `[1,2,3]`.
pub(super) fn json_ids(ids: impl IntoIterator<Item = Id>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// The programme's terms compactly: what the cadre, pair and reserve lists derive from.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub policy: Policy,
    pub units: Vec<Unit>,
    pub batches: Vec<Batch>,
    /// The terms read, by id.
    pub terms: Vec<Term>,
    /// Each term's host post, an index into `posts` (posts repeat a great deal).
    pub post: Vec<u32>,
    pub posts: Vec<String>,
    /// Positions in `terms`, by cadre, then start date, then id.
    pub by_cadre: Vec<u32>,
    /// The cadre of every `FENCE`th entry of `by_cadre`: `terms_of` searches these (contiguous)
    /// before the few entries between two of them (each a jump into `terms`). At a million
    /// cadres the plain search over `by_cadre` was a fifth of the lists' build time.
    fences: Vec<Id>,
    /// The pairs read, by id.
    pub pairs: Vec<Pair>,
    /// For each term, the pairs naming it: `pair_list[pair_start[t]..pair_start[t + 1]]`
    /// (positions in `pairs`; one at most unless written against the rules).
    pair_start: Vec<u32>,
    pair_list: Vec<u32>,
    /// Each term's earliest open review (neither done nor cancelled).
    pub next_due: Vec<Option<NaiveDate>>,
    /// (cadre, home unit) of the cadres the terms belong to, by cadre.
    pub homes: Vec<(Id, Id)>,
    /// Rows that could not be read, as `load` names them.
    pub invalid: Vec<String>,
}

/// How many entries of `Roster::by_cadre` one fence stands for.
const FENCE: usize = 32;

impl Roster {
    /// The position of term `id`.
    pub fn term(&self, id: Id) -> Option<usize> {
        self.terms.binary_search_by_key(&id, |t| t.id).ok()
    }

    /// The positions of a cadre's terms, in start order.
    pub fn terms_of(&self, cadre: Id) -> &[u32] {
        let key = |t: u32| self.terms[t as usize].cadre_id;
        // fences[b - 1] < cadre <= fences[b]: the first entry of the cadre is after the one
        // fence and no later than the other.
        let b = self.fences.partition_point(|&c| c < cadre);
        let lo = if b == 0 { 0 } else { (b - 1) * FENCE + 1 };
        let hi = (b * FENCE).min(self.by_cadre.len());
        let from = lo + self.by_cadre[lo..hi].partition_point(|&t| key(t) < cadre);
        let n = self.by_cadre[from..].iter().take_while(|&&t| key(t) == cadre).count();
        &self.by_cadre[from..from + n]
    }

    /// Lets go of what only the cadre, pair and overview lists read (pairs, next reviews), so
    /// the lists built after them do not carry it. Homes stay: an up secondment's district is
    /// its home unit's.
    pub fn keep_terms_only(&mut self) {
        for v in [&mut self.pair_start, &mut self.pair_list] {
            *v = Vec::new();
        }
        self.pairs = Vec::new();
        self.next_due = Vec::new();
    }

    /// The pairs naming the term at `pos`, by id (none after `keep_terms_only`).
    pub fn pairs_of(&self, pos: usize) -> impl Iterator<Item = &Pair> + '_ {
        let start = |p: usize| self.pair_start.get(p).map_or(0, |&s| s as usize);
        let (from, to) = (start(pos), start(pos + 1));
        self.pair_list[from..to].iter().map(|&p| &self.pairs[p as usize])
    }

    /// A cadre's home unit, when the cadre was read.
    pub fn home(&self, cadre: Id) -> Option<Id> {
        self.homes.binary_search_by_key(&cadre, |h| h.0).ok().map(|i| self.homes[i].1)
    }

    pub fn unit(&self, id: Id) -> Option<&Unit> {
        self.units.binary_search_by_key(&id, |u| u.id).ok().map(|i| &self.units[i])
    }

    pub fn batch(&self, id: Id) -> Option<&Batch> {
        self.batches.binary_search_by_key(&id, |b| b.id).ok().map(|i| &self.batches[i])
    }

    /// The host post of the term at `pos`.
    pub fn post_of(&self, pos: usize) -> &str {
        self.posts.get(self.post[pos] as usize).map_or("", String::as_str)
    }

    /// The grassroots district a term involves: the host's going down, the home unit's coming up.
    pub fn district(&self, t: &Term) -> Option<District> {
        let unit = match t.direction {
            Direction::Down => Some(t.host_unit_id),
            Direction::Up => self.home(t.cadre_id),
        };
        unit.and_then(|u| self.unit(u)).map(|u| u.district).filter(|d| *d != District::City)
    }
}

/// A term as the lists read it: the fields of `Term`, and the host post (borrowed).
fn term_row<'a>(r: &'a Row<'_>) -> rusqlite::Result<(Term, &'a str)> {
    Ok((
        Term {
            id: r.get(0)?,
            cadre_id: r.get(1)?,
            batch_id: r.get(2)?,
            direction: code(r, 3, Direction::parse)?,
            host_unit_id: r.get(4)?,
            start: date(r, 6)?,
            planned_end: date(r, 7)?,
            actual_end: opt_date(r, 8)?,
        },
        text(r, 5)?,
    ))
}

const TERM_COLS: &str =
    "id, cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end, actual_end";

/// Runs `sql` (with `?1` = `keys` when given) and hands each row to `f`.
fn each_row(
    conn: &rusqlite::Connection,
    sql: &str,
    keys: Option<&str>,
    mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = match keys {
        None => stmt.query([])?,
        Some(k) => stmt.query([k])?,
    };
    while let Some(r) = rows.next()? {
        f(r)?;
    }
    Ok(())
}

impl Roster {
    /// Orders the terms by cadre and indexes the pairs by the terms they name.
    fn index(&mut self, pairs: Vec<Pair>) {
        let terms = &self.terms;
        let mut by_cadre: Vec<u32> = (0..terms.len() as u32).collect();
        by_cadre.sort_by_key(|&i| {
            let t = &terms[i as usize];
            (t.cadre_id, t.start, t.id)
        });
        let mut naming: Vec<(u32, u32)> = Vec::new();
        for (p, pair) in pairs.iter().enumerate() {
            for side in [pair.down_id, pair.up_id] {
                if let Some(t) = self.term(side) {
                    naming.push((t as u32, p as u32));
                }
            }
        }
        naming.sort_unstable();
        naming.dedup();
        let mut pair_start = vec![0u32; terms.len() + 1];
        for &(t, _) in &naming {
            pair_start[t as usize + 1] += 1;
        }
        for i in 0..terms.len() {
            pair_start[i + 1] += pair_start[i];
        }
        self.fences = by_cadre.iter().step_by(FENCE).map(|&t| terms[t as usize].cadre_id).collect();
        self.by_cadre = by_cadre;
        self.pair_list = naming.into_iter().map(|(_, p)| p).collect();
        self.pair_start = pair_start;
        self.pairs = pairs;
    }

    fn push_term(&mut self, t: Term, post: &str, post_ids: &mut hashbrown::HashMap<String, u32>) {
        let id = match post_ids.get(post) {
            Some(&id) => id,
            None => {
                let id = self.posts.len() as u32;
                post_ids.insert(post.to_string(), id);
                self.posts.push(post.to_string());
                id
            }
        };
        self.terms.push(t);
        self.post.push(id);
    }
}

impl Store {
    /// The roster of `cadres` (every cadre when `None`): their terms, the pairs naming them, the
    /// terms and home units on the other side of those pairs, and each term's next open review.
    /// In the caller's read transaction when one is open.
    pub fn roster(&self, cadres: Option<&[Id]>) -> Result<Roster> {
        let mut roster = self.roster_terms(cadres)?;
        roster.homes = self.homes(cadres.map(|_| {
            let people: std::collections::BTreeSet<Id> = roster.terms.iter().map(|t| t.cadre_id).collect();
            people.into_iter().collect::<Vec<_>>()
        }))?;
        self.fill_next_due(&mut roster, cadres.is_some())?;
        Ok(roster)
    }

    /// The first part of `roster`: the policy, units, batches, terms and pairs (no home units,
    /// no next reviews yet).
    pub fn roster_terms(&self, cadres: Option<&[Id]>) -> Result<Roster> {
        let conn = self.connection();
        let mut r = Roster { policy: self.policy()?, ..Roster::default() };
        r.units = self.all("units", UNIT_COLS, "id", rows::unit, &mut r.invalid)?;
        r.units.sort_by_key(|u| u.id);
        r.batches = self.all("batches", BATCH_COLS, "id", rows::batch, &mut r.invalid)?;
        r.batches.sort_by_key(|b| b.id);
        let keys = cadres.map(|c| json_ids(c.iter().copied()));
        // foldhash: a million terms' posts are looked up here.
        let mut post_ids: hashbrown::HashMap<String, u32> = hashbrown::HashMap::new();
        let mut invalid = std::mem::take(&mut r.invalid);
        let sql = match keys {
            None => format!("SELECT {TERM_COLS} FROM secondments ORDER BY id"),
            Some(_) => format!("SELECT {TERM_COLS} FROM secondments WHERE cadre_id IN {IDS} ORDER BY id"),
        };
        each_row(conn, &sql, keys.as_deref(), |row| {
            match term_row(row) {
                Ok((t, post)) => r.push_term(t, post, &mut post_ids),
                Err(e) => note_invalid(row, "secondments", &e, &mut invalid),
            }
            Ok(())
        })?;

        // The pairs naming those terms, then the terms on their other side not read yet.
        let mut pairs: Vec<Pair> = Vec::new();
        let own = keys.as_ref().map(|_| json_ids(r.terms.iter().map(|t| t.id)));
        let sql = match keys {
            None => format!("SELECT {PAIR_COLS} FROM pairs ORDER BY id"),
            Some(_) => format!(
                "SELECT {PAIR_COLS} FROM pairs WHERE down_id IN {IDS} UNION \
                 SELECT {PAIR_COLS} FROM pairs WHERE up_id IN {IDS} ORDER BY 1"
            ),
        };
        each_row(conn, &sql, own.as_deref(), |row| {
            pairs.extend(convert_one(row, "pairs", rows::pair, &mut invalid));
            Ok(())
        })?;
        if keys.is_some() {
            let known: std::collections::HashSet<Id> = r.terms.iter().map(|t| t.id).collect();
            let others: std::collections::BTreeSet<Id> =
                pairs.iter().flat_map(|p| [p.down_id, p.up_id]).filter(|id| !known.contains(id)).collect();
            if !others.is_empty() {
                let sql = format!("SELECT {TERM_COLS} FROM secondments WHERE id IN {IDS} ORDER BY id");
                each_row(conn, &sql, Some(&json_ids(others)), |row| {
                    match term_row(row) {
                        Ok((t, post)) => r.push_term(t, post, &mut post_ids),
                        Err(e) => note_invalid(row, "secondments", &e, &mut invalid),
                    }
                    Ok(())
                })?;
                let mut order: Vec<usize> = (0..r.terms.len()).collect();
                order.sort_by_key(|&i| r.terms[i].id);
                r.terms = order.iter().map(|&i| r.terms[i]).collect();
                r.post = order.iter().map(|&i| r.post[i]).collect();
            }
        }
        r.invalid = invalid;
        r.index(pairs);
        Ok(r)
    }

    /// (cadre, home unit) of `cadres` (of every cadre when `None`), by cadre.
    pub fn homes(&self, cadres: Option<Vec<Id>>) -> Result<Vec<(Id, Id)>> {
        let mut homes = Vec::new();
        let keys = cadres.map(json_ids);
        let sql = match keys {
            None => "SELECT id, home_unit_id FROM cadres ORDER BY id".to_string(),
            Some(_) => format!("SELECT id, home_unit_id FROM cadres WHERE id IN {IDS} ORDER BY id"),
        };
        each_row(self.connection(), &sql, keys.as_deref(), |r| {
            homes.push((r.get(0)?, r.get(1)?));
            Ok(())
        })?;
        Ok(homes)
    }

    /// Each term's earliest open review, through the partial index of open reviews (of the
    /// roster's terms only when `only_these`).
    pub fn fill_next_due(&self, roster: &mut Roster, only_these: bool) -> Result<()> {
        const OPEN: &str = "done_date IS NULL AND cancelled = 0";
        let keys = only_these.then(|| json_ids(roster.terms.iter().map(|t| t.id)));
        // Through `reviews_open_secondment` (migration 4), index only.
        let sql = match keys {
            None => format!("SELECT secondment_id, due_date FROM reviews WHERE {OPEN} ORDER BY secondment_id"),
            Some(_) => format!("SELECT secondment_id, due_date FROM reviews WHERE secondment_id IN {IDS} AND {OPEN}"),
        };
        let mut next_due: Vec<Option<NaiveDate>> = vec![None; roster.terms.len()];
        each_row(self.connection(), &sql, keys.as_deref(), |r| {
            if let (Some(t), Ok(due)) = (roster.term(r.get(0)?), rows::date(r, 1)) {
                let slot = &mut next_due[t];
                if slot.is_none_or(|d| due < d) {
                    *slot = Some(due);
                }
            }
            Ok(())
        })?;
        roster.next_due = next_due;
        Ok(())
    }

    /// Cadres in id order (those of `ids`, or all), each as the domain reads it.
    pub fn each_cadre(&self, ids: Option<&[Id]>, invalid: &mut Vec<String>, mut f: impl FnMut(Cadre)) -> Result<()> {
        let conn = self.connection();
        match ids {
            None => {
                let mut stmt = conn.prepare(&format!("SELECT {CADRE_COLS} FROM cadres ORDER BY id"))?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    if let Some(c) = convert_one(r, "cadres", rows::cadre, invalid) {
                        f(c);
                    }
                }
            }
            Some(ids) => {
                let sql = format!("SELECT {CADRE_COLS} FROM cadres WHERE id IN {IDS} ORDER BY id");
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query([json_ids(ids.iter().copied())])?;
                while let Some(r) = rows.next()? {
                    if let Some(c) = convert_one(r, "cadres", rows::cadre, invalid) {
                        f(c);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The first screens, read through indexes in milliseconds at any size: each list's first
/// `limit` records in its natural order, with the cadre whose cells they show.
impl Store {
    /// The Cadres tab's first rows in its own order (the catalog's `now_key`), archived ones
    /// left out: those serving on `today`, newest batch first; then those with a term still to
    /// begin; then the rest, each by id. The serving ones come through `secondments_batch`
    /// batch by batch; the planned ones are read only when fewer serve than are asked for.
    pub fn first_cadres(&self, today: NaiveDate, limit: usize) -> Result<Vec<Id>> {
        let conn = self.connection();
        let mut out: Vec<Id> = Vec::with_capacity(limit.min(4096));
        let mut seen: HashSet<Id> = HashSet::new();
        let today = today.to_string();
        let mut take = |ids: &mut dyn Iterator<Item = rusqlite::Result<Id>>, out: &mut Vec<Id>| -> Result<()> {
            for id in ids {
                let id = id?;
                if out.len() >= limit {
                    break;
                }
                if seen.insert(id) {
                    out.push(id);
                }
            }
            Ok(())
        };
        // Batch by batch, newest first (a batch holds a few thousand at most): nothing sorts
        // every serving cadre.
        let mut batches: Vec<(NaiveDate, Id)> = self.batches(None)?.iter().map(|b| (b.dispatch_date, b.id)).collect();
        batches.sort_unstable_by(|a, b| b.cmp(a));
        let mut serving = conn.prepare_cached(
            "SELECT s.cadre_id FROM secondments s JOIN cadres c ON c.id = s.cadre_id
             WHERE s.batch_id = ?1 AND s.start_date <= ?2 AND coalesce(s.actual_end, s.planned_end) >= ?2
               AND c.archived = 0",
        )?;
        for same_day in batches.chunk_by(|a, b| a.0 == b.0) {
            if out.len() >= limit {
                break;
            }
            let mut ids: Vec<Id> = Vec::new();
            for &(_, batch) in same_day {
                for id in serving.query_map(rusqlite::params![batch, today], |r| r.get(0))? {
                    ids.push(id?);
                }
            }
            ids.sort_unstable();
            take(&mut ids.into_iter().map(Ok), &mut out)?;
        }
        if out.len() < limit {
            let mut planned = conn.prepare_cached(
                "SELECT DISTINCT s.cadre_id FROM secondments s JOIN cadres c ON c.id = s.cadre_id
                 WHERE s.start_date > ?1 AND c.archived = 0 ORDER BY s.cadre_id",
            )?;
            take(&mut planned.query_map([&today], |r| r.get(0))?, &mut out)?;
        }
        if out.len() < limit {
            let mut rest = conn.prepare_cached("SELECT id FROM cadres WHERE archived = 0 ORDER BY id")?;
            take(&mut rest.query_map([], |r| r.get(0))?, &mut out)?;
        }
        Ok(out)
    }

    /// Open reviews by due date (the Reviews tab's default filter): (review, cadre).
    pub fn first_open_reviews(&self, limit: usize) -> Result<Vec<(Id, Id)>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT r.id, s.cadre_id FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             WHERE r.done_date IS NULL AND r.cancelled = 0 ORDER BY r.due_date, r.id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The next `limit` secondments by id after `after`: (secondment, cadre).
    pub fn terms_after(&self, after: Id, limit: usize) -> Result<Vec<(Id, Id)>> {
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT id, cadre_id FROM secondments WHERE id > ?1 ORDER BY id LIMIT ?2")?;
        let rows = stmt.query_map([after, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Pairs by id, then secondments nobody is paired with by start: (pair or secondment,
    /// whether it is a pair, the down side's cadre or the secondment's).
    pub fn first_pairs(&self, limit: usize) -> Result<Vec<(Id, bool, Id)>> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(
            "SELECT p.id, s.cadre_id FROM pairs p JOIN secondments s ON s.id = p.down_id ORDER BY p.id LIMIT ?1",
        )?;
        let mut out: Vec<(Id, bool, Id)> =
            stmt.query_map([limit as i64], |r| Ok((r.get(0)?, true, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        if out.len() < limit {
            let mut stmt = conn.prepare_cached(
                "SELECT s.id, s.cadre_id FROM secondments s
                 WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE p.down_id = s.id)
                   AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.up_id = s.id)
                 ORDER BY s.start_date, s.id LIMIT ?1",
            )?;
            let rest = stmt.query_map([(limit - out.len()) as i64], |r| Ok((r.get(0)?, false, r.get(1)?)))?;
            for r in rest {
                out.push(r?);
            }
        }
        Ok(out)
    }
}

/// A review as the lists read it (the assessor and note are for the dossier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewItem {
    pub id: Id,
    pub secondment_id: Id,
    pub kind: ReviewKind,
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
    pub grade: Option<Grade>,
    pub cancelled: bool,
}

fn review_item(r: &Row) -> rusqlite::Result<(ReviewItem, String)> {
    Ok((
        ReviewItem {
            id: r.get(0)?,
            secondment_id: r.get(1)?,
            kind: code(r, 2, ReviewKind::parse)?,
            due: date(r, 4)?,
            done: opt_date(r, 5)?,
            grade: opt_code(r, 6, Grade::parse)?,
            cancelled: r.get(7)?,
        },
        r.get(3)?,
    ))
}

const ITEM_COLS: &str = "id, secondment_id, kind, period, due_date, done_date, grade, cancelled";

impl Store {
    /// How many reviews there are, of every status.
    pub fn review_count(&self) -> Result<usize> {
        let n: i64 = self.connection().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or_default())
    }

    /// Reviews with their periods: the open ones (neither done nor cancelled) by due date through
    /// their partial index, or every one by id; of `secondments` only when given.
    pub fn each_review(
        &self,
        open_only: bool,
        secondments: Option<&[Id]>,
        invalid: &mut Vec<String>,
        mut f: impl FnMut(ReviewItem, &str),
    ) -> Result<()> {
        let conn = self.connection();
        let open = if open_only { "done_date IS NULL AND cancelled = 0" } else { "1" };
        let (sql, keys) = match secondments {
            None if open_only => (format!("SELECT {ITEM_COLS} FROM reviews WHERE {open} ORDER BY due_date, id"), None),
            None => (format!("SELECT {ITEM_COLS} FROM reviews ORDER BY id"), None),
            Some(ids) => (
                format!("SELECT {ITEM_COLS} FROM reviews WHERE secondment_id IN {IDS} AND {open} ORDER BY id"),
                Some(json_ids(ids.iter().copied())),
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = match &keys {
            None => stmt.query([])?,
            Some(k) => stmt.query([k])?,
        };
        while let Some(r) = rows.next()? {
            if let Some((item, period)) = convert_one(r, "reviews", review_item, invalid) {
                f(item, &period);
            }
        }
        Ok(())
    }
}

/// An annual or end-of-term review as the reserve rule reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradedItem {
    pub id: Id,
    pub secondment_id: Id,
    pub kind: ReviewKind,
    pub grade: Option<Grade>,
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
}

impl Store {
    /// The annual and end-of-term reviews that are not cancelled, by term, kind and due date (of
    /// `secondments` only when given): what the reserve rule reads, index only through
    /// `reviews_graded` (migration 4).
    pub fn each_graded(
        &self,
        secondments: Option<&[Id]>,
        invalid: &mut Vec<String>,
        mut f: impl FnMut(GradedItem),
    ) -> Result<()> {
        const COLS: &str = "id, secondment_id, kind, grade, due_date, done_date";
        const WHERE: &str = "kind <> 'routine' AND cancelled = 0";
        const ORDER: &str = "ORDER BY secondment_id, kind, due_date, id";
        let graded = |r: &Row| -> rusqlite::Result<GradedItem> {
            Ok(GradedItem {
                id: r.get(0)?,
                secondment_id: r.get(1)?,
                kind: code(r, 2, ReviewKind::parse)?,
                grade: opt_code(r, 3, Grade::parse)?,
                due: date(r, 4)?,
                done: opt_date(r, 5)?,
            })
        };
        let keys = secondments.map(|ids| json_ids(ids.iter().copied()));
        let sql = match keys {
            None => format!("SELECT {COLS} FROM reviews WHERE {WHERE} {ORDER}"),
            Some(_) => format!("SELECT {COLS} FROM reviews WHERE secondment_id IN {IDS} AND {WHERE} {ORDER}"),
        };
        each_row(self.connection(), &sql, keys.as_deref(), |row| {
            if let Some(g) = convert_one(row, "reviews", graded, invalid) {
                f(g);
            }
            Ok(())
        })
    }

    /// Reserve nominations by id (of `cadres` only when given).
    pub fn each_nomination(
        &self,
        cadres: Option<&[Id]>,
        invalid: &mut Vec<String>,
        mut f: impl FnMut(ReserveNomination),
    ) -> Result<()> {
        let conn = self.connection();
        let (sql, keys) = match cadres {
            None => (format!("SELECT {NOMINATION_COLS} FROM reserve_nominations ORDER BY id"), None),
            Some(ids) => (
                format!("SELECT {NOMINATION_COLS} FROM reserve_nominations WHERE cadre_id IN {IDS} ORDER BY id"),
                Some(json_ids(ids.iter().copied())),
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = match &keys {
            None => stmt.query([])?,
            Some(k) => stmt.query([k])?,
        };
        while let Some(r) = rows.next()? {
            if let Some(n) = convert_one(r, "reserve_nominations", rows::nomination, invalid) {
                f(n);
            }
        }
        Ok(())
    }
}

impl Store {
    /// Every readable unit by name (`only`: those of these ids).
    pub fn units(&self, only: Option<&[Id]>) -> Result<Vec<Unit>> {
        let mut invalid = Vec::new();
        let units = match only {
            None => self.all("units", UNIT_COLS, "name", rows::unit, &mut invalid)?,
            Some(ids) => {
                let sql = format!("SELECT {UNIT_COLS} FROM units WHERE id IN {IDS} ORDER BY name");
                let mut stmt = self.connection().prepare_cached(&sql)?;
                let rows = stmt.query([json_ids(ids.iter().copied())])?;
                super::read::convert_rows(rows, "units", rows::unit, &mut invalid)?
            }
        };
        Ok(units)
    }

    /// The cadres with a secondment in one of `batches`.
    pub fn cadres_in_batches(&self, batches: &[Id]) -> Result<Vec<Id>> {
        let sql = format!("SELECT DISTINCT cadre_id FROM secondments WHERE batch_id IN {IDS} ORDER BY cadre_id");
        let mut stmt = self.connection().prepare_cached(&sql)?;
        let ids = stmt.query_map([json_ids(batches.iter().copied())], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// The cadres with a secondment `secondment` could be paired with: same batch, the other
    /// direction, not paired yet (what the pair form offers).
    pub fn pair_candidates(&self, secondment: Id) -> Result<Vec<Id>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT o.cadre_id FROM secondments s
             JOIN secondments o ON o.batch_id = s.batch_id AND o.direction <> s.direction
             WHERE s.id = ?1
               AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.down_id = o.id OR p.up_id = o.id)",
        )?;
        let ids = stmt.query_map([secondment], |r| r.get(0))?.collect::<rusqlite::Result<Vec<Id>>>()?;
        Ok(ids)
    }
}

/// A cadre as the lists read it: what the Cadres tab shows and sorts by, the texts borrowed
/// from the row (the particulars only the dossier shows are read for the window).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CadreItem<'a> {
    pub id: Id,
    pub name: &'a str,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub political: Political,
    pub grassroots_years: f64,
    pub home_unit_id: Id,
    pub home_post: &'a str,
    pub archived: bool,
}

impl CadreItem<'_> {
    pub fn of(c: &Cadre) -> CadreItem<'_> {
        CadreItem {
            id: c.id,
            name: &c.name,
            gender: c.gender,
            birth_date: c.birth_date,
            political: c.political,
            grassroots_years: c.grassroots_years,
            home_unit_id: c.home_unit_id,
            home_post: &c.home_post,
            archived: c.archived,
        }
    }
}

fn cadre_item<'a>(r: &'a Row<'_>) -> rusqlite::Result<CadreItem<'a>> {
    Ok(CadreItem {
        id: r.get(0)?,
        name: text(r, 1)?,
        gender: code(r, 2, Gender::parse)?,
        birth_date: date(r, 3)?,
        political: code(r, 4, Political::parse)?,
        grassroots_years: r.get(5)?,
        home_unit_id: r.get(6)?,
        home_post: text(r, 7)?,
        archived: r.get(8)?,
    })
}

impl Store {
    /// Cadres in id order (those of `ids`, or all), as the lists read them.
    pub fn each_cadre_item(
        &self,
        ids: Option<&[Id]>,
        invalid: &mut Vec<String>,
        mut f: impl FnMut(CadreItem<'_>),
    ) -> Result<()> {
        const COLS: &str =
            "id, name, gender, birth_date, political, grassroots_years, home_unit_id, home_post, archived";
        let keys = ids.map(|ids| json_ids(ids.iter().copied()));
        let sql = match keys {
            None => format!("SELECT {COLS} FROM cadres ORDER BY id"),
            Some(_) => format!("SELECT {COLS} FROM cadres WHERE id IN {IDS} ORDER BY id"),
        };
        each_row(self.connection(), &sql, keys.as_deref(), |row| {
            match cadre_item(row) {
                Ok(c) => f(c),
                Err(e) => note_invalid(row, "cadres", &e, invalid),
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-database reads of the lists go through the indexes of migration 4, index only.
    #[test]
    fn the_lists_read_reviews_through_covering_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("plan.db")).unwrap();
        let plan = |sql: &str| -> String {
            let mut stmt = store.connection().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let graded = plan(
            "SELECT id, secondment_id, kind, grade, due_date FROM reviews WHERE kind <> 'routine' AND cancelled = 0 \
             ORDER BY secondment_id, kind, due_date, id",
        );
        assert!(graded.contains("COVERING INDEX reviews_graded"), "{graded}");
        assert!(!graded.contains("TEMP B-TREE FOR ORDER BY"), "{graded}");
        let open = plan(
            "SELECT secondment_id, due_date FROM reviews WHERE done_date IS NULL AND cancelled = 0 ORDER BY secondment_id",
        );
        assert!(open.contains("COVERING INDEX reviews_open_secondment"), "{open}");
    }

    /// Cadres with none to several terms, across many fences, ids with gaps and terms out of
    /// order: each cadre's terms are found, in start order, as a scan of every term finds them.
    #[test]
    fn terms_of_finds_each_cadres_terms_across_the_fences() {
        let day = |n: u64| NaiveDate::from_ymd_opt(2017, 1, 1).unwrap() + chrono::Days::new(n);
        let mut roster = Roster::default();
        let mut id = 0;
        for cadre in (1..=500).rev().map(|c| c * 3) {
            for k in 0..(cadre % 5) {
                id += 1;
                let start = day(((cadre * 7 + k * 13) % 400) as u64);
                roster.terms.push(Term {
                    id,
                    cadre_id: cadre,
                    batch_id: 1,
                    direction: Direction::Down,
                    host_unit_id: 1,
                    start,
                    planned_end: start,
                    actual_end: None,
                });
            }
        }
        roster.index(Vec::new());
        assert!(roster.fences.len() > 10, "the test crosses many fences");
        for cadre in 0..=1502 {
            let mut want: Vec<&Term> = roster.terms.iter().filter(|t| t.cadre_id == cadre).collect();
            want.sort_by_key(|t| (t.start, t.id));
            let got: Vec<&Term> = roster.terms_of(cadre).iter().map(|&p| &roster.terms[p as usize]).collect();
            assert_eq!(got, want, "cadre {cadre}");
        }
    }
}
