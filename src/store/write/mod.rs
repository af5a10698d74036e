//! Writes. Each runs inside `Store::write` (one `BEGIN IMMEDIATE` transaction), validates its
//! input first, checks the row's `version` on update, and writes audit rows alongside: the
//! whole row before and after, as column → value JSON, grouped by operation so that `undo`
//! can put back exactly what one save changed.

mod new_rows;
mod records;
mod reserve;
mod terms;
mod undo;

use super::chain::{self, AuditRow, Head};
use super::rows::{self, POLICY_COLS};
use super::{Actor, Result, StoreError};
use crate::domain::*;
use crate::lang::Message;
use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Serialize;
use serde_json::Value;
use std::cell::Cell;

pub use new_rows::{NewRows, RowCounts, IMPORTED};
pub use undo::Undone;

pub struct Writer<'a> {
    tx: &'a Transaction<'a>,
    actor: &'a Actor,
    /// The day dates are judged by (a birth date after it is refused).
    today: NaiveDate,
    /// The audit operation number of this transaction, taken at its first audit row.
    op: Cell<Option<i64>>,
    /// The audit chain's newest row, read at this transaction's first audit row.
    head: Cell<Option<Head>>,
    /// Whether this transaction wrote an audit row (its head is then anchored after commit).
    chained: Cell<bool>,
    /// The operations this session saved before (`Store::mine`): what its undo may put back.
    mine: &'a [i64],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCadre {
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub political: Political,
    pub education: String,
    pub speciality: String,
    pub grassroots_years: f64,
    pub home_unit_id: Id,
    pub home_post: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSecondment {
    pub cadre_id: Id,
    pub batch_id: Id,
    pub direction: Direction,
    pub host_unit_id: Id,
    pub host_post: String,
    pub start: NaiveDate,
    /// `None`: the batch's term from `start`.
    pub planned_end: Option<NaiveDate>,
    /// A term recorded after the fact that ended early: its last day and why. (Ending a term
    /// being served is `Writer::end_early`, which refuses a term that ran its course.)
    pub ended_early: Option<(NaiveDate, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewResult {
    pub done: NaiveDate,
    pub grade: Grade,
    pub assessor: String,
    pub note: String,
}

/// A text as it is stored: normalised (NFC, no spaces at either end, `text::normalise`);
/// refused when required and blank, when it holds a control, bidi or invisible character (a
/// name with a zero-width space would be another person), or when longer than `max_chars`.
pub fn clean_text(field: &str, value: &str, max_chars: usize, required: bool) -> Result<String> {
    cleaned(field, value, max_chars, required, crate::text::normalise, crate::text::refused_char)
}

/// [`clean_text`] for multi-line text (notes, vetting conclusions, evaluation summaries): the
/// line breaks are kept (as `\n`), every other control character is refused.
pub fn clean_lines(field: &str, value: &str, max_chars: usize, required: bool) -> Result<String> {
    cleaned(field, value, max_chars, required, crate::text::normalise_lines, crate::text::refused_in_lines)
}

/// The rules both share: required, then normalised, then no refused character, then the length.
fn cleaned(
    field: &str,
    value: &str,
    max_chars: usize,
    required: bool,
    normalise: fn(&str) -> String,
    refused: fn(&str) -> Option<Message>,
) -> Result<String> {
    if required && crate::text::is_blank(value) {
        return Err(StoreError::invalid(field, Message::new("必填", "required")));
    }
    let text = normalise(value);
    if let Some(why) = refused(&text) {
        return Err(StoreError::invalid(field, why));
    }
    if required {
        judged(field, crate::domain::plausible::has_words(&text))?;
    }
    let len = text.chars().count();
    if len > max_chars {
        return Err(StoreError::invalid(
            field,
            Message::new(format!("{len} 个字，最多 {max_chars} 个"), format!("{len} characters; at most {max_chars}")),
        ));
    }
    Ok(text)
}

/// [`clean_text`] for a caller that only needs to know whether the text would be refused.
pub fn check_text(field: &str, value: &str, max_chars: usize, required: bool) -> Result<()> {
    clean_text(field, value, max_chars, required).map(|_| ())
}

/// A plausibility verdict as the store's refusal of `field`.
fn judged(field: &str, verdict: crate::domain::plausible::Verdict) -> Result<()> {
    verdict.map_err(|m| StoreError::invalid(field, m))
}

/// The tables of [`TABLES`] whose rows carry no version: notes and reserve events are added,
/// never edited. Every other row's edit or delete names the version it read.
const UNVERSIONED: &[&str] = &["dossier_notes", "reserve_events"];

fn versioned(table: &str) -> bool {
    TABLES.contains(&table) && !UNVERSIONED.contains(&table)
}

/// The tables the program writes; undo and snapshots accept no other name.
pub const TABLES: &[&str] = &[
    "policy",
    "units",
    "batches",
    "cadres",
    "secondments",
    "pairs",
    "reviews",
    "vettings",
    "term_evaluations",
    "dossier_notes",
    "reserve_nominations",
    "reserve_events",
];

fn known_table(table: &str) -> Result<&'static str> {
    TABLES.iter().copied().find(|t| *t == table).ok_or_else(|| {
        StoreError::invalid("table", Message::new(format!("没有 {table} 这张表"), format!("unknown {table}")))
    })
}

impl<'a> Writer<'a> {
    pub(super) fn new(tx: &'a Transaction<'a>, actor: &'a Actor, today: NaiveDate, mine: &'a [i64]) -> Writer<'a> {
        Writer { tx, actor, today, op: Cell::new(None), head: Cell::new(None), chained: Cell::new(false), mine }
    }

    /// The operation number this transaction's audit rows carry, once it wrote one.
    pub(super) fn written_op(&self) -> Option<i64> {
        self.op.get()
    }

    /// The chain's head when this transaction added to it, to anchor once it is committed.
    pub(super) fn new_head(&self) -> Option<Head> {
        self.head.get().filter(|_| self.chained.get())
    }

    /// The day this write judges dates by.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The row as column → value JSON, or `None` when it does not exist.
    fn snapshot(&self, table: &str, id: Id) -> Result<Option<Value>> {
        let table = known_table(table)?;
        let mut stmt = self.tx.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        Ok(stmt
            .query_row([id], |r| {
                let mut map = serde_json::Map::new();
                for (i, name) in names.iter().enumerate() {
                    let v = match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(n) => Value::from(n),
                        ValueRef::Real(x) => Value::from(x),
                        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Value::from(b.len()),
                    };
                    map.insert(name.clone(), v);
                }
                Ok(Value::Object(map))
            })
            .optional()?)
    }

    fn op(&self) -> Result<i64> {
        if let Some(op) = self.op.get() {
            return Ok(op);
        }
        let op = chain::next_op(self.tx)?;
        self.op.set(Some(op));
        Ok(op)
    }

    /// Writes the audit row for a change to `table` row `id` whose state before was `before`.
    fn log(&self, action: &str, table: &str, id: Id, before: Option<Value>) -> Result<()> {
        self.log_reverting(action, table, id, before, None)
    }

    fn log_reverting(
        &self,
        action: &str,
        table: &str,
        id: Id,
        before: Option<Value>,
        reverts: Option<i64>,
    ) -> Result<()> {
        // A new row, not one an undo puts back (with the version it had).
        if action == "insert" && before.is_none() && reverts.is_none() {
            self.fresh_versions(table, id..=id)?;
        }
        let after = self.snapshot(table, id)?;
        let json = |v: Option<Value>| v.map(|v| v.to_string());
        let (old, new, at) = (json(before), json(after), self.actor.now());
        let row = AuditRow {
            op: self.op()?,
            at: &at,
            uid: i64::from(self.actor.uid),
            os_user: &self.actor.user,
            action,
            table,
            row_id: Some(id),
            old: old.as_deref(),
            new: new.as_deref(),
            reverts,
        };
        self.chain(&row).map(|_| ())
    }

    /// Rows of `table` just inserted under ids earlier rows had (SQLite gives the id of a
    /// deleted last row again), those in `ids`, move from version 1 to this operation's number
    /// (plus what they moved on since their insert, an early end's one): a window still holding
    /// an earlier row at version 1 would otherwise edit or delete it as if it were that row. A
    /// row's version grows by one an operation, so the earlier row never reached this number.
    /// The ids used before are those up to the highest the audit or an import's digest names.
    pub(super) fn fresh_versions(&self, table: &str, ids: std::ops::RangeInclusive<Id>) -> Result<()> {
        if !versioned(table) {
            return Ok(());
        }
        let seen: Id = self
            .tx
            .prepare_cached(
                "SELECT max(coalesce((SELECT max(row_id) FROM audit WHERE table_name = ?1), 0),
                        coalesce((SELECT max(last_id) FROM audit_digest WHERE table_name = ?1), 0))",
            )?
            .query_row([table], |r| r.get(0))?;
        let (first, last) = (*ids.start(), (*ids.end()).min(seen));
        if first <= last {
            let op = self.op()?;
            self.tx.execute(
                &format!("UPDATE {table} SET version = version - 1 + ?1 WHERE id BETWEEN ?2 AND ?3"),
                params![op, first, last],
            )?;
        }
        Ok(())
    }

    /// The version row `id` of `table` is at now (a row just inserted may not be at 1).
    pub fn version_of(&self, table: &'static str, id: Id) -> Result<i64> {
        let table = known_table(table)?;
        self.tx
            .query_row(&format!("SELECT version FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound { table, id })
    }

    /// Appends `row` to the audit chain; returns its id.
    fn chain(&self, row: &AuditRow) -> Result<i64> {
        let mut head = match self.head.get() {
            Some(h) => h,
            None => chain::head(self.tx)?,
        };
        chain::append(self.tx, &mut head, row)?;
        self.head.set(Some(head));
        self.chained.set(true);
        Ok(head.id)
    }

    /// Writes one audit row of this operation for rows written without an image each: `tables`
    /// with the id each table's new rows start after, digested in blocks (`chain::digests`),
    /// and `detail` (what was written, how many) in its JSON.
    fn log_digest(&self, action: &str, tables: &[(&str, i64)], detail: Value) -> Result<()> {
        let (digested, new) = chain::digests(self.tx, tables, detail)?;
        let at = self.actor.now();
        let row = AuditRow::digest(self.op()?, &at, self.actor, action, &new);
        let id = self.chain(&row)?;
        chain::store_blocks(self.tx, id, &digested)
    }

    fn get<T>(&self, table: &'static str, cols: &str, id: Id, convert: fn(&Row) -> rusqlite::Result<T>) -> Result<T> {
        self.tx
            .prepare_cached(&format!("SELECT {cols} FROM {table} WHERE id = ?1"))?
            .query_row([id], convert)
            .optional()?
            .ok_or(StoreError::NotFound { table, id })
    }

    /// The row as read for an edit at `version`, and its snapshot for the audit trail. Fails with
    /// a conflict, carrying what is stored now, when a colleague saved first.
    fn expect_version<T>(
        &self,
        table: &'static str,
        cols: &str,
        id: Id,
        version: i64,
        convert: fn(&Row) -> rusqlite::Result<T>,
    ) -> Result<(T, Value)> {
        let current = self.get(table, cols, id, convert)?;
        let snapshot = self.snapshot(table, id)?.ok_or(StoreError::NotFound { table, id })?;
        if snapshot["version"].as_i64() != Some(version) {
            return Err(StoreError::Conflict { table, id, current: Some(snapshot) });
        }
        Ok((current, snapshot))
    }

    pub fn policy(&self) -> Result<Policy> {
        Ok(self.tx.query_row(&format!("SELECT {POLICY_COLS} FROM policy WHERE id = 1"), [], rows::policy)?)
    }

    /// The newest audit row's id: the same number as read before means nobody has saved
    /// anything since (imports plan from a read, ask, then apply only if this still holds).
    pub fn last_audit_id(&self) -> Result<i64> {
        Ok(self.tx.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?)
    }
}
