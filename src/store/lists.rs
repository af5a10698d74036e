//! What the screens' lists are built from, read in a few streaming queries instead of every
//! table into memory: the [`Roster`] (every term, pair and home unit, compactly, with each
//! term's next open review), and cadres, reviews and nominations streamed one row at a time.
//! Each reader takes an optional set of ids so that after a save the lists read again only what
//! the change touched (`Affected`), through the same code as the first build.
//!
//! Rows that do not convert (written by hand against the rules) are skipped and named in
//! `invalid` as `Store::load` names them.

use super::read::convert_one;
use super::rows::{self, *};
use super::{Result, Store};
use crate::domain::term::Term;
use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::Row;
use std::collections::HashMap;

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

impl Roster {
    /// The position of term `id`.
    pub fn term(&self, id: Id) -> Option<usize> {
        self.terms.binary_search_by_key(&id, |t| t.id).ok()
    }

    /// The positions of a cadre's terms, in start order.
    pub fn terms_of(&self, cadre: Id) -> &[u32] {
        let from = self.by_cadre.partition_point(|&t| self.terms[t as usize].cadre_id < cadre);
        let to = from + self.by_cadre[from..].partition_point(|&t| self.terms[t as usize].cadre_id == cadre);
        &self.by_cadre[from..to]
    }

    /// The pairs naming the term at `pos`, by id.
    pub fn pairs_of(&self, pos: usize) -> impl Iterator<Item = &Pair> + '_ {
        let (from, to) = (self.pair_start[pos] as usize, self.pair_start[pos + 1] as usize);
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

/// A term as the lists read it: the fields of `Term` and the host post.
fn term_row(r: &Row) -> rusqlite::Result<(Term, String)> {
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
        r.get(5)?,
    ))
}

impl Store {
    /// The roster of `cadres` (every cadre when `None`): their terms, the pairs naming them, the
    /// terms and home units on the other side of those pairs, and each term's next open review.
    /// In the caller's read transaction when one is open.
    pub fn roster(&self, cadres: Option<&[Id]>) -> Result<Roster> {
        let conn = self.connection();
        let mut invalid = Vec::new();
        let policy = self.policy()?;
        let mut units = self.all("units", UNIT_COLS, "id", rows::unit, &mut invalid)?;
        units.sort_by_key(|u| u.id);
        let mut batches = self.all("batches", BATCH_COLS, "id", rows::batch, &mut invalid)?;
        batches.sort_by_key(|b| b.id);
        let keys = cadres.map(|c| json_ids(c.iter().copied()));

        let mut terms: Vec<Term> = Vec::new();
        let mut post: Vec<u32> = Vec::new();
        let mut posts: Vec<String> = Vec::new();
        let mut post_ids: HashMap<String, u32> = HashMap::new();
        let mut take = |row: &Row, invalid: &mut Vec<String>| -> rusqlite::Result<()> {
            if let Some((t, p)) = convert_one(row, "secondments", term_row, invalid) {
                let id = match post_ids.get(&p) {
                    Some(&id) => id,
                    None => {
                        let id = posts.len() as u32;
                        post_ids.insert(p.clone(), id);
                        posts.push(p);
                        id
                    }
                };
                terms.push(t);
                post.push(id);
            }
            Ok(())
        };
        const TERM_COLS: &str = "id, cadre_id, batch_id, direction, host_unit_id, host_post, start_date, \
                                 planned_end, actual_end";
        match &keys {
            None => {
                let mut stmt = conn.prepare(&format!("SELECT {TERM_COLS} FROM secondments ORDER BY id"))?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    take(r, &mut invalid)?;
                }
            }
            Some(keys) => {
                let sql = format!("SELECT {TERM_COLS} FROM secondments WHERE cadre_id IN {IDS} ORDER BY id");
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query([keys])?;
                while let Some(r) = rows.next()? {
                    take(r, &mut invalid)?;
                }
            }
        }

        // The pairs naming those terms, then the terms on their other side not read yet.
        let mut pairs: Vec<Pair> = Vec::new();
        match &keys {
            None => {
                let mut stmt = conn.prepare(&format!("SELECT {PAIR_COLS} FROM pairs ORDER BY id"))?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    pairs.extend(convert_one(r, "pairs", rows::pair, &mut invalid));
                }
            }
            Some(_) => {
                let own = json_ids(terms.iter().map(|t| t.id));
                let sql = format!(
                    "SELECT {PAIR_COLS} FROM pairs WHERE down_id IN {IDS} UNION \
                     SELECT {PAIR_COLS} FROM pairs WHERE up_id IN {IDS} ORDER BY 1"
                );
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query([&own])?;
                while let Some(r) = rows.next()? {
                    pairs.extend(convert_one(r, "pairs", rows::pair, &mut invalid));
                }
                let known: std::collections::HashSet<Id> = terms.iter().map(|t| t.id).collect();
                let others: Vec<Id> = pairs
                    .iter()
                    .flat_map(|p| [p.down_id, p.up_id])
                    .filter(|id| !known.contains(id))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if !others.is_empty() {
                    let sql = format!("SELECT {TERM_COLS} FROM secondments WHERE id IN {IDS} ORDER BY id");
                    let mut stmt = conn.prepare_cached(&sql)?;
                    let mut rows = stmt.query([json_ids(others)])?;
                    while let Some(r) = rows.next()? {
                        if let Some((t, p)) = convert_one(r, "secondments", term_row, &mut invalid) {
                            terms.push(t);
                            post.push(intern_post(&mut posts, &p));
                        }
                    }
                }
                let mut order: Vec<usize> = (0..terms.len()).collect();
                order.sort_by_key(|&i| terms[i].id);
                terms = order.iter().map(|&i| terms[i]).collect();
                post = order.iter().map(|&i| post[i]).collect();
            }
        }

        let mut by_cadre: Vec<u32> = (0..terms.len() as u32).collect();
        by_cadre.sort_by_key(|&i| {
            let t = &terms[i as usize];
            (t.cadre_id, t.start, t.id)
        });
        let position = |id: Id| terms.binary_search_by_key(&id, |t| t.id).ok();
        let mut naming: Vec<(u32, u32)> = Vec::new();
        for (p, pair) in pairs.iter().enumerate() {
            for side in [pair.down_id, pair.up_id] {
                if let Some(t) = position(side) {
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
        let pair_list = naming.into_iter().map(|(_, p)| p).collect();

        // Home units of every cadre a term belongs to.
        let mut homes: Vec<(Id, Id)> = Vec::new();
        match &keys {
            None => {
                let mut stmt = conn.prepare("SELECT id, home_unit_id FROM cadres ORDER BY id")?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    homes.push((r.get(0)?, r.get(1)?));
                }
            }
            Some(_) => {
                let people: std::collections::BTreeSet<Id> = terms.iter().map(|t| t.cadre_id).collect();
                let mut stmt =
                    conn.prepare_cached(&format!("SELECT id, home_unit_id FROM cadres WHERE id IN {IDS} ORDER BY id"))?;
                let mut rows = stmt.query([json_ids(people)])?;
                while let Some(r) = rows.next()? {
                    homes.push((r.get(0)?, r.get(1)?));
                }
            }
        }

        // Each term's earliest open review, through the partial index of open reviews.
        let mut next_due: Vec<Option<NaiveDate>> = vec![None; terms.len()];
        let mut note = |r: &Row| -> rusqlite::Result<()> {
            let sid: Id = r.get(0)?;
            if let (Some(t), Ok(due)) = (position(sid), rows::date(r, 1)) {
                let slot = &mut next_due[t];
                if slot.is_none_or(|d| due < d) {
                    *slot = Some(due);
                }
            }
            Ok(())
        };
        const OPEN: &str = "done_date IS NULL AND cancelled = 0 AND due_date IS NOT NULL";
        match &keys {
            None => {
                let sql = format!("SELECT secondment_id, due_date FROM reviews WHERE {OPEN} ORDER BY due_date");
                let mut stmt = conn.prepare(&sql)?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    note(r)?;
                }
            }
            Some(_) => {
                let sql =
                    format!("SELECT secondment_id, due_date FROM reviews WHERE secondment_id IN {IDS} AND {OPEN}");
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query([json_ids(terms.iter().map(|t| t.id))])?;
                while let Some(r) = rows.next()? {
                    note(r)?;
                }
            }
        }
        Ok(Roster {
            policy,
            units,
            batches,
            terms,
            post,
            posts,
            by_cadre,
            pairs,
            pair_start,
            pair_list,
            next_due,
            homes,
            invalid,
        })
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

fn intern_post(posts: &mut Vec<String>, p: &str) -> u32 {
    match posts.iter().position(|x| x == p) {
        Some(i) => i as u32,
        None => {
            posts.push(p.to_string());
            posts.len() as u32 - 1
        }
    }
}

/// The first screens, read through indexes in milliseconds at any size: each list's first
/// `limit` records in its natural order, with the cadre whose cells they show.
impl Store {
    /// Cadres by id: (id, archived).
    pub fn first_cadres(&self, limit: usize) -> Result<Vec<(Id, bool)>> {
        let mut stmt = self.connection().prepare_cached("SELECT id, archived FROM cadres ORDER BY id LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
}

impl Store {
    /// The annual and end-of-term reviews that are not cancelled, in no particular order (of
    /// `secondments` only when given): what the reserve rule reads.
    pub fn each_graded(
        &self,
        secondments: Option<&[Id]>,
        invalid: &mut Vec<String>,
        mut f: impl FnMut(GradedItem),
    ) -> Result<()> {
        let conn = self.connection();
        const COLS: &str = "id, secondment_id, kind, grade, due_date";
        const WHERE: &str = "kind <> 'routine' AND cancelled = 0";
        let graded = |r: &Row| -> rusqlite::Result<GradedItem> {
            Ok(GradedItem {
                id: r.get(0)?,
                secondment_id: r.get(1)?,
                kind: code(r, 2, ReviewKind::parse)?,
                grade: opt_code(r, 3, Grade::parse)?,
                due: date(r, 4)?,
            })
        };
        let (sql, keys) = match secondments {
            None => (format!("SELECT {COLS} FROM reviews WHERE {WHERE}"), None),
            Some(ids) => (
                format!("SELECT {COLS} FROM reviews WHERE secondment_id IN {IDS} AND {WHERE}"),
                Some(json_ids(ids.iter().copied())),
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = match &keys {
            None => stmt.query([])?,
            Some(k) => stmt.query([k])?,
        };
        while let Some(r) = rows.next()? {
            if let Some(g) = convert_one(r, "reviews", graded, invalid) {
                f(g);
            }
        }
        Ok(())
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
