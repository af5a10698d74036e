//! Writes. Each runs inside `Store::write` (one `BEGIN IMMEDIATE` transaction), validates its
//! input first, checks the row's `version` on update, and writes audit rows alongside: the
//! whole row before and after, as column → value JSON, grouped by operation so that `undo`
//! can put back exactly what one save changed.

mod records;
mod reserve;
mod terms;
mod undo;

use super::rows::{self, POLICY_COLS};
use super::{Actor, Result, StoreError};
use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Serialize;
use serde_json::Value;
use std::cell::Cell;

pub use undo::Undone;

pub struct Writer<'a> {
    tx: &'a Transaction<'a>,
    actor: &'a Actor,
    /// The audit operation number of this transaction, taken at its first audit row.
    op: Cell<Option<i64>>,
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
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewResult {
    pub done: NaiveDate,
    pub grade: Grade,
    pub assessor: String,
    pub note: String,
}

/// Refuses empty required text, control and bidi characters, and over-long values.
pub fn check_text(field: &str, value: &str, max_chars: usize, required: bool) -> Result<()> {
    if required && crate::text::is_blank(value) {
        return Err(StoreError::invalid(field, "required"));
    }
    if let Some((pos, c)) = crate::text::forbidden_char(value) {
        return Err(StoreError::invalid(
            field,
            format!("control or bidi character U+{:04X} at position {}", c as u32, pos + 1),
        ));
    }
    let len = value.chars().count();
    if len > max_chars {
        return Err(StoreError::invalid(field, format!("{len} characters; at most {max_chars}")));
    }
    Ok(())
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
    TABLES.iter().copied().find(|t| *t == table).ok_or_else(|| StoreError::invalid("table", format!("unknown {table}")))
}

impl<'a> Writer<'a> {
    pub(super) fn new(tx: &'a Transaction<'a>, actor: &'a Actor) -> Writer<'a> {
        Writer { tx, actor, op: Cell::new(None) }
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
        let op: i64 = self.tx.query_row("SELECT coalesce(max(op), 0) + 1 FROM audit", [], |r| r.get(0))?;
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
        let after = self.snapshot(table, id)?;
        let json = |v: Option<Value>| v.map(|v| v.to_string());
        self.tx
            .prepare_cached(
                "INSERT INTO audit (op, at, uid, os_user, action, table_name, row_id, old_values, new_values, reverts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                self.op()?,
                self.actor.now(),
                self.actor.uid,
                self.actor.user,
                action,
                table,
                id,
                json(before),
                json(after),
                reverts
            ])?;
        Ok(())
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
