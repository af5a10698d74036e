//! The lists `guazhi export` streams, and the lookups by index that each row of them needs.
//! Each list comes in an order an index gives (docs/INTEROP.md says which); every lookup is a
//! search in an index, so a list costs time in proportion to its rows.
//!
//! Unlike `lists` (the screens' catalogs, which take compact items and collect unreadable rows),
//! these hand over whole records, joined, to a callback that may fail (a closed pipe, a full
//! disk), and stop at its first error.

use super::rows::{self, qualified, width, *};
use super::stream::{each_read, Side};
use super::{Result, Store, StoreError};
use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

/// Which reviews [`Store::for_each_review`] reads: all, or the open ones (not done, not
/// cancelled) due on or before a day. A narrowing for speed only: the caller still applies
/// its filter, which these never exclude a match of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewScope {
    pub open_only: bool,
    pub due_until: Option<NaiveDate>,
}

impl Store {
    /// A readable cadre by id.
    pub fn cadre(&self, id: Id) -> Result<Option<Cadre>> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {CADRE_COLS} FROM cadres WHERE id = ?1"))?;
        Ok(stmt.query_row([id], |r| Ok(rows::cadre(r).ok())).optional()?.flatten())
    }

    /// A readable secondment by id.
    pub fn secondment(&self, id: Id) -> Result<Option<Secondment>> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {SECONDMENT_COLS} FROM secondments WHERE id = ?1"))?;
        Ok(stmt.query_row([id], |r| Ok(rows::secondment(r).ok())).optional()?.flatten())
    }

    /// A cadre's readable secondments by start (through `secondments_cadre`).
    pub fn secondments_of(&self, cadre_id: Id) -> Result<Vec<Secondment>> {
        let sql = format!("SELECT {SECONDMENT_COLS} FROM secondments WHERE cadre_id = ?1 ORDER BY start_date, id");
        self.read_by_id(&sql, cadre_id, rows::secondment)
    }

    /// A secondment's readable reviews by due date (through UNIQUE(secondment_id, kind, period)).
    pub fn reviews_of(&self, secondment_id: Id) -> Result<Vec<Review>> {
        let sql = format!("SELECT {REVIEW_COLS} FROM reviews WHERE secondment_id = ?1 ORDER BY due_date, id");
        self.read_by_id(&sql, secondment_id, rows::review)
    }

    /// `reviews_of`, the open ones only (not done, not cancelled).
    pub fn open_reviews_of(&self, secondment_id: Id) -> Result<Vec<Review>> {
        let sql = format!(
            "SELECT {REVIEW_COLS} FROM reviews WHERE secondment_id = ?1 AND done_date IS NULL AND cancelled = 0
             ORDER BY due_date, id"
        );
        self.read_by_id(&sql, secondment_id, rows::review)
    }

    fn read_by_id<T>(&self, sql: &str, id: Id, convert: fn(&Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query([id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.extend(convert(r).ok());
        }
        Ok(out)
    }

    /// Every readable cadre, by id (the table's order), with their readable secondments (by
    /// start) and the readable open reviews (not done, not cancelled) of those secondments, by
    /// secondment, then due date, then id. Two streams merged by cadre: the cadres with their
    /// secondments through `secondments_cadre`, and the open reviews through
    /// `reviews_open_due`, sorted by cadre (SQLite's sorter, which spills to a temporary file:
    /// see `Store::bound_memory`). Never a lookup per cadre: a cadre's reviews are a dozen
    /// rows to read where only the few open ones matter.
    pub fn for_each_cadre<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&Cadre, &[Secondment], &[Review]) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = format!(
            "SELECT {}, {} FROM cadres c LEFT JOIN secondments s ON s.cadre_id = c.id
             ORDER BY c.id, s.start_date, s.id",
            qualified("c", CADRE_COLS),
            qualified("s", SECONDMENT_COLS)
        );
        let open_sql = format!(
            "SELECT s.cadre_id, {} FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             WHERE r.done_date IS NULL AND r.cancelled = 0
             ORDER BY s.cadre_id, r.secondment_id, r.due_date, r.id",
            qualified("r", REVIEW_COLS)
        );
        let mut stmt = self.conn.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        let mut open_stmt = self.conn.prepare(&open_sql).map_err(StoreError::from)?;
        let mut open_rows = open_stmt.query([]).map_err(StoreError::from)?;
        // The next open review's cadre and review (`None` when it cannot be read).
        let next_open = |rows: &mut rusqlite::Rows<'_>| -> Result<Option<(Id, Option<Review>)>> {
            Ok(match rows.next()? {
                Some(r) => Some((r.get(0)?, rows::review_at(r, 1).ok())),
                None => None,
            })
        };
        let mut pending = next_open(&mut open_rows)?;
        let mut open: Vec<Review> = Vec::new();
        // The cadre being read (`None` when its row cannot be read) and its secondments.
        let mut current: Option<(Id, Option<Cadre>)> = None;
        let mut terms: Vec<Secondment> = Vec::new();
        let mut finish = |cadre: Option<(Id, Option<Cadre>)>,
                          terms: &[Secondment],
                          pending: &mut Option<(Id, Option<Review>)>,
                          open_rows: &mut rusqlite::Rows<'_>|
         -> Result<(), E> {
            let Some((id, cadre)) = cadre else { return Ok(()) };
            open.clear();
            while let Some((of, review)) = pending.take() {
                if of > id {
                    *pending = Some((of, review));
                    break;
                }
                if of == id {
                    open.extend(review);
                }
                *pending = next_open(open_rows)?;
            }
            match cadre {
                Some(cadre) => f(&cadre, terms, &open),
                None => Ok(()),
            }
        };
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let id: Id = r.get(0).map_err(StoreError::from)?;
            if current.as_ref().is_none_or(|(c, _)| *c != id) {
                finish(current.take(), &terms, &mut pending, &mut open_rows)?;
                terms.clear();
                current = Some((id, rows::cadre(r).ok()));
            }
            terms.extend(rows::secondment_at(r, width(CADRE_COLS)).ok());
        }
        finish(current, &terms, &mut pending, &mut open_rows)
    }

    /// Every readable review whose secondment can be read, with the secondment and its cadre,
    /// by due date, then id: through `reviews_due`, or `reviews_open_due` for open reviews.
    pub fn for_each_review<E: From<StoreError>>(
        &self,
        scope: ReviewScope,
        f: impl FnMut((Review, Side)) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut filter = String::new();
        if scope.open_only {
            // The condition of the partial index, so that the planner uses it.
            filter.push_str(" AND r.done_date IS NULL AND r.cancelled = 0");
            if scope.due_until.is_some() {
                filter.push_str(" AND r.due_date <= ?1");
            }
        }
        let sql = format!(
            "SELECT {}, {} FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             LEFT JOIN cadres c ON c.id = s.cadre_id WHERE 1{filter} ORDER BY r.due_date, r.id",
            qualified("r", REVIEW_COLS),
            format_args!("{}, {}", qualified("s", SECONDMENT_COLS), qualified("c", CADRE_COLS))
        );
        let convert: fn(&Row) -> Option<(Review, Side)> =
            |r| Some((rows::review(r).ok()?, super::stream::side_at(r, width(REVIEW_COLS))?));
        let until = scope.due_until.filter(|_| scope.open_only).map(|d| d.to_string());
        each_read(self, &sql, rusqlite::params_from_iter(until), convert, f)
    }

    /// The secondments the reserve rule may propose on `today` and nobody has nominated, with
    /// their cadres, by batch, direction and id (through `secondments_batch`): the term is
    /// over, a live end-of-term review is graded 优秀 (the rule itself, `reserve::eligibility`,
    /// is the caller's to apply), no nomination names the secondment, and the cadre has no
    /// nomination that names no secondment or is still open.
    pub fn for_each_reserve_candidate<E: From<StoreError>>(
        &self,
        today: NaiveDate,
        f: impl FnMut(Side) -> Result<(), E>,
    ) -> Result<(), E> {
        let finals: Vec<String> =
            ReserveStatus::ALL.iter().filter(|s| s.is_final()).map(|s| format!("'{}'", s.code())).collect();
        let sql = format!(
            "SELECT {}, {} FROM secondments s LEFT JOIN cadres c ON c.id = s.cadre_id
             WHERE coalesce(s.actual_end, s.planned_end) < ?1
               AND EXISTS (SELECT 1 FROM reviews r WHERE r.secondment_id = s.id AND r.kind = '{}'
                           AND r.grade = '{}' AND r.cancelled = 0)
               AND s.id NOT IN (SELECT secondment_id FROM reserve_nominations WHERE secondment_id IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM reserve_nominations n WHERE n.cadre_id = s.cadre_id
                               AND (n.secondment_id IS NULL OR n.status NOT IN ({})))
             ORDER BY s.batch_id, s.direction, s.id",
            qualified("s", SECONDMENT_COLS),
            qualified("c", CADRE_COLS),
            ReviewKind::EndOfTerm.code(),
            Grade::Excellent.code(),
            finals.join(", ")
        );
        each_read(self, &sql, params![today.to_string()], |r| super::stream::side_at(r, 0), f)
    }

    /// Every readable reserve nomination, by id.
    pub fn for_each_nomination<E: From<StoreError>>(
        &self,
        f: impl FnMut(ReserveNomination) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = format!("SELECT {NOMINATION_COLS} FROM reserve_nominations ORDER BY id");
        each_read(self, &sql, [], |r| rows::nomination(r).ok(), f)
    }
}
