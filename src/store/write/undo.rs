//! Undo through the audit trail: the user's last operation is put back row by row, but only
//! where nobody changed those rows since; otherwise it is a conflict and nothing is undone.

use super::{known_table, Writer};
use crate::lang::Message;
use crate::store::{Result, StoreError};
use rusqlite::params_from_iter;
use rusqlite::types::Value as Sql;
use serde::Serialize;
use serde_json::Value;

/// What an undo put back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Undone {
    pub op: i64,
    pub at: String,
    /// The first row of the operation: what the user did, e.g. ("record", "reviews").
    pub action: String,
    pub table: String,
    pub rows: usize,
}

fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map(Sql::Integer).unwrap_or_else(|| Sql::Real(n.as_f64().unwrap_or_default())),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// Column names come from our own snapshots; refuse anything that is not a plain identifier.
fn columns(row: &Value) -> Result<Vec<(&str, &Value)>> {
    let map = row
        .as_object()
        .ok_or_else(|| StoreError::invalid("audit", Message::new("记录的快照格式不对", "malformed snapshot")))?;
    map.iter()
        .map(|(k, v)| {
            if k.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                Ok((k.as_str(), v))
            } else {
                Err(StoreError::invalid(
                    "audit",
                    Message::new(format!("意外的列 {k}"), format!("unexpected column {k}")),
                ))
            }
        })
        .collect()
}

fn parse(json: Option<String>) -> Result<Option<Value>> {
    json.map(|s| {
        serde_json::from_str(&s)
            .map_err(|e| StoreError::invalid("audit", Message::new(format!("快照无法读取（{e}）"), e.to_string())))
    })
    .transpose()
}

type AuditRow = (i64, String, String, i64, Option<String>, Option<String>, String);

impl Writer<'_> {
    /// Undoes this session's most recent change not yet undone (`Store::mine`): a colleague
    /// sharing the OS account is another session, and their changes are not offered.
    pub fn undo_last(&self) -> Result<Option<Undone>> {
        match super::super::recent::last_of(self.tx, self.mine)? {
            Some(op) => self.undo(op).map(Some),
            None => Ok(None),
        }
    }

    /// Undoes operation `op`, one of this session's own: each row is put back only where nobody
    /// changed it since, otherwise it is a conflict and nothing is undone.
    pub fn undo(&self, op: i64) -> Result<Undone> {
        let open = super::super::recent::undoable(self.tx, self.mine)?;
        if !open.contains(&op) {
            return Err(StoreError::invalid(
                "audit",
                Message::new(
                    "这次修改不是本窗口的，或已撤销",
                    "that change is not this window's, or is undone already",
                ),
            ));
        }
        // Rows written as a block (an import's new rows) have no image each to put back from.
        let block: bool =
            self.tx.query_row("SELECT count(*) > 0 FROM audit WHERE op = ?1 AND row_id IS NULL", [op], |r| r.get(0))?;
        if block {
            return Err(StoreError::invalid(
                "audit",
                Message::new(
                    "这次修改（导入）的新记录是整批写入的，没有逐条的修改记录，不能撤销；如需撤回，请恢复导入之前的备份",
                    "that change (an import) wrote its new records as one block, without an audit record of each, \
                     so it cannot be undone; to take it back, restore a backup made before the import",
                ),
            ));
        }
        let count: i64 = self.tx.query_row("SELECT count(*) FROM audit WHERE op = ?1", [op], |r| r.get(0))?;
        if count > super::super::sound::CHECKED_UNDO_ROWS {
            super::super::sound::quick_check(self.tx)?;
        }
        let rows: Vec<AuditRow> = self
            .tx
            .prepare("SELECT id, action, table_name, row_id, old_values, new_values, at FROM audit WHERE op = ?1 ORDER BY id DESC")?
            .query_map([op], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // A save may write a row twice (a term recorded as ended early inserts its reviews, then
        // cancels some). A row is held to the image its latest audit row left; put back at that
        // step, its version moves on, so its earlier steps are not held to their images again
        // (nobody else can write while this transaction holds the lock).
        let mut reverted = std::collections::HashSet::new();
        for (_, _, table, row_id, old, new, _) in &rows {
            let table = known_table(table)?;
            let held = reverted.insert((table, *row_id));
            self.revert_row(op, table, *row_id, parse(old.clone())?, parse(new.clone())?, held)?;
        }
        let (_, action, table, _, _, _, at) = rows.last().cloned().expect("an operation has rows");
        Ok(Undone { op, at, action, table, rows: rows.len() })
    }

    fn revert_row(
        &self,
        op: i64,
        table: &'static str,
        id: i64,
        old: Option<Value>,
        new: Option<Value>,
        held: bool,
    ) -> Result<()> {
        let current = self.snapshot(table, id)?;
        if held && current != new {
            return Err(StoreError::Conflict { table, id, current });
        }
        match (&old, &current) {
            (None, Some(_)) => {
                self.tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id]).map_err(|e| {
                    match e.sqlite_error_code() {
                        Some(rusqlite::ErrorCode::ConstraintViolation) => {
                            let t = crate::store::table_label(table);
                            StoreError::InUse {
                                what: Message::new(
                                    format!("后来的记录依赖这条{} #{id}", t.zh),
                                    format!("later records depend on {} {id}", t.en),
                                ),
                            }
                        }
                        _ => e.into(),
                    }
                })?;
            }
            (Some(old), Some(now)) => {
                let cols: Vec<(&str, &Value)> = columns(old)?.into_iter().filter(|(c, _)| *c != "id").collect();
                let mut values: Vec<Sql> = cols.iter().map(|(_, v)| to_sql(v)).collect();
                let sets: Vec<String> = cols.iter().map(|(c, _)| format!("{c} = ?")).collect();
                // Versions only move forward, so a colleague's stale copy still conflicts.
                if let Some(v) = now.get("version").and_then(Value::as_i64) {
                    let at = cols.iter().position(|(c, _)| *c == "version").expect("versioned rows keep it");
                    values[at] = Sql::Integer(v + 1);
                }
                values.push(Sql::Integer(id));
                self.tx.execute(
                    &format!("UPDATE {table} SET {} WHERE id = ?", sets.join(", ")),
                    params_from_iter(values),
                )?;
            }
            (Some(old), None) => {
                let cols = columns(old)?;
                let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
                let marks = vec!["?"; cols.len()].join(", ");
                self.tx.execute(
                    &format!("INSERT INTO {table} ({}) VALUES ({marks})", names.join(", ")),
                    params_from_iter(cols.iter().map(|(_, v)| to_sql(v))),
                )?;
            }
            (None, None) => {}
        }
        self.log_reverting("undo", table, id, current, Some(op))
    }
}
