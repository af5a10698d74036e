//! Queries. `load` reads the whole programme for the rules and the screens (`neighbourhood`
//! the part of it a few cadres need); `attention` is the indexed overdue / due-today / due-soon
//! query that reports use, `attention_counts` its counts for the header.

use super::rows::{self, *};
use super::{Result, Store, StoreError};
use crate::domain::review::{status_on, ReviewStatus};
use crate::domain::*;
use chrono::{Days, NaiveDate};
use rusqlite::{params, Row};
use serde::Serialize;

/// Every record of the database, as domain values.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub policy: Policy,
    pub units: Vec<Unit>,
    pub batches: Vec<Batch>,
    pub cadres: Vec<Cadre>,
    pub secondments: Vec<Secondment>,
    pub pairs: Vec<Pair>,
    pub reviews: Vec<Review>,
    pub vettings: Vec<Vetting>,
    pub evaluations: Vec<TermEvaluation>,
    pub notes: Vec<DossierNote>,
    pub nominations: Vec<ReserveNomination>,
    pub events: Vec<ReserveEvent>,
    /// Rows that could not be read (written by hand, against the rules): "table id: why".
    pub invalid: Vec<String>,
    /// The earliest start of each batch's secondments (all of them, where `secondments` holds
    /// a neighbourhood only: then of the batches an import moves): what a batch's new dispatch
    /// date is checked against.
    pub batch_earliest_start: std::collections::BTreeMap<Id, NaiveDate>,
}

/// A review needing attention, joined with who and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttentionRow {
    pub review_id: Id,
    pub cadre_id: Id,
    pub cadre: String,
    pub batch: String,
    pub direction: Direction,
    pub host_unit: String,
    pub kind: ReviewKind,
    pub period: String,
    pub due: NaiveDate,
    pub status: ReviewStatus,
    /// Days late when overdue, days left otherwise.
    pub days: i64,
}

/// `attention_counts`: overdue, due today (`?1`), due soon (up to `?2`). Dates are `YYYY-MM-DD`
/// text, so text order is date order. The WHERE repeats the condition of the partial index
/// `reviews_open_due` so that the planner uses it: only the open reviews up to the horizon are
/// visited (SQLite still reads each one's table row for `done_date` and `cancelled`).
pub(super) const COUNTS: &str = "SELECT count(*) FILTER (WHERE due_date < ?1),
        count(*) FILTER (WHERE due_date = ?1),
        count(*) FILTER (WHERE due_date > ?1)
    FROM reviews
    WHERE done_date IS NULL AND cancelled = 0 AND due_date <= ?2 AND date(due_date) IS due_date";

impl Store {
    pub fn policy(&self) -> Result<Policy> {
        let sql = format!("SELECT {POLICY_COLS} FROM policy WHERE id = 1");
        Ok(self.conn.query_row(&sql, [], rows::policy)?)
    }

    pub fn load(&self) -> Result<Data> {
        let mut invalid = Vec::new();
        let mut data = Data {
            policy: self.policy()?,
            units: self.all("units", UNIT_COLS, "name", rows::unit, &mut invalid)?,
            batches: self.all("batches", BATCH_COLS, "dispatch_date, id", rows::batch, &mut invalid)?,
            cadres: self.all("cadres", CADRE_COLS, "id", rows::cadre, &mut invalid)?,
            secondments: self.all("secondments", SECONDMENT_COLS, "start_date, id", rows::secondment, &mut invalid)?,
            pairs: self.all("pairs", PAIR_COLS, "id", rows::pair, &mut invalid)?,
            reviews: self.all("reviews", REVIEW_COLS, "due_date, id", rows::review, &mut invalid)?,
            vettings: self.all("vettings", VETTING_COLS, "id", rows::vetting, &mut invalid)?,
            evaluations: self.all("term_evaluations", EVALUATION_COLS, "id", rows::evaluation, &mut invalid)?,
            notes: self.all("dossier_notes", NOTE_COLS, "note_date, id", rows::note, &mut invalid)?,
            nominations: self.all("reserve_nominations", NOMINATION_COLS, "id", rows::nomination, &mut invalid)?,
            events: self.all("reserve_events", EVENT_COLS, "id", rows::event, &mut invalid)?,
            invalid: Vec::new(),
            batch_earliest_start: Default::default(),
        };
        for s in &data.secondments {
            let earliest = data.batch_earliest_start.entry(s.batch_id).or_insert(s.start);
            *earliest = (*earliest).min(s.start);
        }
        data.invalid = invalid;
        Ok(data)
    }

    /// Every row of `table`; rows that do not convert are reported in `invalid` and skipped.
    pub(super) fn all<T>(
        &self,
        table: &str,
        cols: &str,
        order: &str,
        convert: fn(&Row) -> rusqlite::Result<T>,
        invalid: &mut Vec<String>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {cols} FROM {table} ORDER BY {order}"))?;
        let rows = stmt.query([])?;
        convert_rows(rows, table, convert, invalid)
    }

    /// Open reviews due on or before `today + due_soon_days`, by due date: overdue, due today, due soon.
    pub fn attention(&self, today: NaiveDate) -> Result<Vec<AttentionRow>> {
        Ok(self.attention_checked(today)?.0)
    }

    /// `attention`, and how many rows it left out because they could not be read (written by
    /// hand against the rules: a bad date or code). `load` lists those in `Data::invalid`; one
    /// of them must not stop the header or the overdue report.
    pub fn attention_checked(&self, today: NaiveDate) -> Result<(Vec<AttentionRow>, usize)> {
        let mut out = Vec::new();
        let skipped = self.for_each_attention(today, |row| {
            out.push(row);
            Ok::<_, StoreError>(())
        })?;
        Ok((out, skipped))
    }

    /// `attention`'s rows one at a time, in its order (through the partial index
    /// `reviews_open_due`, sorted by name within a due date); returns how many rows it left out
    /// because they could not be read.
    pub fn for_each_attention<E: From<StoreError>>(
        &self,
        today: NaiveDate,
        mut f: impl FnMut(AttentionRow) -> Result<(), E>,
    ) -> Result<usize, E> {
        let policy = self.policy()?;
        let horizon = today + Days::new(policy.due_soon_days.into());
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT r.id, c.id, c.name, b.name, s.direction, u.name, r.kind, r.period, r.due_date
             FROM reviews r
             JOIN secondments s ON s.id = r.secondment_id
             JOIN cadres c ON c.id = s.cadre_id
             JOIN batches b ON b.id = s.batch_id
             JOIN units u ON u.id = s.host_unit_id
             WHERE r.done_date IS NULL AND r.cancelled = 0 AND r.due_date <= ?1
             ORDER BY r.due_date, c.name, r.id",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map(params![horizon.to_string()], |r| {
                let due = rows::date(r, 8)?;
                Ok(AttentionRow {
                    review_id: r.get(0)?,
                    cadre_id: r.get(1)?,
                    cadre: r.get(2)?,
                    batch: r.get(3)?,
                    direction: code(r, 4, Direction::parse)?,
                    host_unit: r.get(5)?,
                    kind: code(r, 6, ReviewKind::parse)?,
                    period: r.get(7)?,
                    due,
                    status: status_on(due, false, false, today, policy.due_soon_days),
                    days: (due - today).num_days().abs(),
                })
            })
            .map_err(StoreError::from)?;
        let mut skipped = 0;
        for row in rows {
            match row {
                Ok(r) => f(r)?,
                Err(
                    rusqlite::Error::FromSqlConversionFailure(..)
                    | rusqlite::Error::IntegralValueOutOfRange(..)
                    | rusqlite::Error::InvalidColumnType(..),
                ) => skipped += 1,
                Err(e) => return Err(StoreError::from(e).into()),
            }
        }
        Ok(skipped)
    }

    /// Counts of overdue, due-today and due-soon reviews (the header): the statuses of
    /// `attention`'s rows, counted in one query through the partial index `reviews_open_due`,
    /// with nothing joined and no row built.
    ///
    /// On rows the program (or the schema's CHECKs) wrote, this equals counting `attention`'s
    /// rows. Rows written by hand past the CHECKs (or with foreign keys off) can differ:
    /// `attention` skips a review it cannot read (an unknown kind, an unknown direction on its
    /// secondment) or whose secondment, cadre, batch or host unit row is gone, and this counts
    /// it, since it reads none of those; an impossible due date (`2026-02-30`) is left out by
    /// both.
    pub fn attention_counts(&self, today: NaiveDate) -> Result<[usize; 3]> {
        let policy = self.policy()?;
        let horizon = today + Days::new(policy.due_soon_days.into());
        let mut stmt = self.conn.prepare_cached(COUNTS)?;
        let counts = stmt.query_row(params![today.to_string(), horizon.to_string()], |r| {
            let n = |i| r.get::<_, i64>(i).map(|n| usize::try_from(n).unwrap_or_default());
            Ok([n(0)?, n(1)?, n(2)?])
        })?;
        Ok(counts)
    }

    pub fn history(&self, table: &str, row_id: Id) -> Result<Vec<super::AuditEntry>> {
        super::audit::history(&self.conn, table, row_id)
    }
}

/// Reads `rows` through `convert`; rows that do not convert are reported in `invalid` (as
/// "table id: column: why") and skipped.
pub(super) fn convert_rows<T>(
    mut rows: rusqlite::Rows<'_>,
    table: &str,
    mut convert: impl FnMut(&Row) -> rusqlite::Result<T>,
    invalid: &mut Vec<String>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.extend(convert_one(row, table, &mut convert, invalid));
    }
    Ok(out)
}

/// Reads `rows` through `convert`, one at a time: `ok` gets each value, `invalid` names each
/// row that does not convert, as `note_invalid` names it.
pub(super) fn convert_rows_with<T, E: From<super::StoreError>>(
    mut rows: rusqlite::Rows<'_>,
    table: &str,
    mut convert: impl FnMut(&Row) -> rusqlite::Result<T>,
    mut ok: impl FnMut(T) -> Result<(), E>,
    invalid: &mut impl FnMut(String) -> Result<(), E>,
) -> Result<(), E> {
    while let Some(row) = rows.next().map_err(super::StoreError::from)? {
        match convert(row) {
            Ok(v) => ok(v)?,
            Err(e) => invalid(invalid_reason(row, table, &e))?,
        }
    }
    Ok(())
}

/// One row through `convert`, or `None` with the reason in `invalid` ("cadres 2: gender:
/// unknown value 'x'": the column named, not its index).
pub(super) fn convert_one<T>(
    row: &Row,
    table: &str,
    mut convert: impl FnMut(&Row) -> rusqlite::Result<T>,
    invalid: &mut Vec<String>,
) -> Option<T> {
    match convert(row) {
        Ok(v) => Some(v),
        Err(e) => {
            note_invalid(row, table, &e, invalid);
            None
        }
    }
}

/// Names a row that did not convert in `invalid`.
pub(super) fn note_invalid(row: &Row, table: &str, e: &rusqlite::Error, invalid: &mut Vec<String>) {
    invalid.push(invalid_reason(row, table, e));
}

/// "table id: column: why" for a row that did not convert.
fn invalid_reason(row: &Row, table: &str, e: &rusqlite::Error) -> String {
    let id = row.get::<_, i64>(0).unwrap_or_default();
    let column = |i: usize| row.as_ref().column_name(i).unwrap_or("?").to_string();
    let why = match e {
        rusqlite::Error::FromSqlConversionFailure(i, _, inner) => format!("{}: {inner}", column(*i)),
        rusqlite::Error::IntegralValueOutOfRange(i, v) => format!("{}: {v} is out of range", column(*i)),
        rusqlite::Error::InvalidColumnType(i, _, t) => format!("{}: unexpected {t}", column(*i)),
        other => other.to_string(),
    };
    format!("{table} {id}: {why}")
}
