//! The audit trail as the screens read it: the operation `u` would undo (to ask before undoing
//! it), and what one change did, column by column (for the history view and conflicts).

use super::lists::json_ids;
use super::{AuditEntry, Result, Store};
use rusqlite::Connection;
use serde_json::Value;

/// One column that a change altered, as text (`None`: the row did not exist on that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub column: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A JSON cell as the text a person reads: null is empty.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse(json: Option<&str>) -> Option<serde_json::Map<String, Value>> {
    json.and_then(|s| serde_json::from_str::<Value>(s).ok()).and_then(|v| v.as_object().cloned())
}

/// Column-by-column difference of two row snapshots (audit JSON). The `id` and the `version`
/// counter are left out: they change with every save and say nothing to a person.
pub fn changes(old: Option<&str>, new: Option<&str>) -> Vec<Change> {
    changes_between(parse(old).as_ref(), parse(new).as_ref())
}

/// The same for snapshots already parsed (a conflict's `current` row).
pub fn changes_between(
    old: Option<&serde_json::Map<String, Value>>,
    new: Option<&serde_json::Map<String, Value>>,
) -> Vec<Change> {
    let mut columns: Vec<&String> = Vec::new();
    for map in [old, new].into_iter().flatten() {
        for k in map.keys() {
            if !columns.contains(&k) && k != "id" && k != "version" {
                columns.push(k);
            }
        }
    }
    let side =
        |m: Option<&serde_json::Map<String, Value>>, k: &str| m.map(|m| m.get(k).map_or_else(String::new, cell_text));
    columns
        .into_iter()
        .filter_map(|k| {
            let (o, n) = (side(old, k), side(new, k));
            (o != n).then(|| Change { column: k.clone(), old: o, new: n })
        })
        .collect()
}

/// Of the operations `mine` (a session's own), those not undone yet and not undos
/// themselves, oldest first.
pub(super) fn undoable(conn: &Connection, mine: &[i64]) -> Result<Vec<i64>> {
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT op FROM audit WHERE op IN (SELECT value FROM json_each(?1)) AND reverts IS NULL
           AND op NOT IN (SELECT reverts FROM audit WHERE reverts IS NOT NULL) ORDER BY op",
    )?;
    let ops = stmt.query_map([json_ids(mine.iter().copied())], |r| r.get(0))?;
    Ok(ops.collect::<rusqlite::Result<_>>()?)
}

/// The newest of [`undoable`]: what `u` undoes.
pub(super) fn last_of(conn: &Connection, mine: &[i64]) -> Result<Option<i64>> {
    Ok(undoable(conn, mine)?.pop())
}

/// One change a session saved, as its undo list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnChange {
    /// The operation's first audit row (what was done to which record, when).
    pub first: AuditEntry,
    /// How many rows the operation changed.
    pub rows: usize,
    /// Already undone (shown, not offered).
    pub undone: bool,
}

/// Who saved how much after an audit mark, not counting this session's own saves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saves {
    /// The audit trail's last row read: the next look starts after it.
    pub upto: i64,
    /// Each OS account with how many changes it saved (operations: one save, one import, one
    /// undo each, as `u` counts them), most first.
    pub by: Vec<(String, usize)>,
}

impl Store {
    /// The first row of the operation `Writer::undo_last` would undo now (this session's
    /// newest operation not yet undone), and how many rows it changed.
    pub fn last_undoable(&self) -> Result<Option<(AuditEntry, usize)>> {
        let Some(op) = last_of(self.connection(), &self.mine)? else { return Ok(None) };
        let change = self.own_change(op)?;
        Ok(Some((change.first, change.rows)))
    }

    /// Every change this session saved, newest first, undone ones marked (undos left out).
    pub fn own_changes(&self) -> Result<Vec<OwnChange>> {
        let open = undoable(self.connection(), &self.mine)?;
        let mut out = Vec::new();
        for &op in self.mine.iter().rev() {
            let change = self.own_change(op)?;
            if change.first.reverts.is_none() {
                out.push(OwnChange { undone: !open.contains(&op), ..change });
            }
        }
        Ok(out)
    }

    fn own_change(&self, op: i64) -> Result<OwnChange> {
        let conn = self.connection();
        let rows: i64 = conn.query_row("SELECT count(*) FROM audit WHERE op = ?1", [op], |r| r.get(0))?;
        let first = conn.query_row(
            &format!("SELECT {} FROM audit WHERE op = ?1 ORDER BY id LIMIT 1", super::audit::ENTRY_COLS),
            [op],
            super::audit::entry,
        )?;
        Ok(OwnChange { first, rows: usize::try_from(rows).unwrap_or(0), undone: false })
    }

    /// Who saved what after audit row `mark`, other than this session: the live cue
    /// ("张三 saved 2 changes") and what `R` found.
    pub fn saves_since(&self, mark: i64) -> Result<Saves> {
        let conn = self.connection();
        let upto: i64 = conn.query_row("SELECT coalesce(max(id), ?1) FROM audit", [mark], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(
            "SELECT os_user, count(DISTINCT op) FROM audit WHERE id > ?1 AND id <= ?2
               AND op NOT IN (SELECT value FROM json_each(?3))
             GROUP BY os_user ORDER BY count(DISTINCT op) DESC, os_user",
        )?;
        let by = stmt
            .query_map(rusqlite::params![mark, upto, json_ids(self.mine.iter().copied())], |r| {
                Ok((r.get::<_, String>(0)?, usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Saves { upto, by })
    }

    /// `PRAGMA data_version`: changes when another connection (a colleague, a command-line
    /// import, this window's own writer) commits. Reading it writes nothing.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.connection().prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_skip_id_and_version_and_show_inserts() {
        let old = r#"{"id":1,"name":"张三","grade":null,"version":1}"#;
        let new = r#"{"id":1,"name":"张四","grade":"excellent","version":2}"#;
        let c = changes(Some(old), Some(new));
        assert_eq!(c.len(), 2);
        assert!(c.contains(&Change { column: "name".into(), old: Some("张三".into()), new: Some("张四".into()) }));
        assert!(c.contains(&Change { column: "grade".into(), old: Some("".into()), new: Some("excellent".into()) }));
        let inserted = changes(None, Some(new));
        assert!(inserted.iter().all(|c| c.old.is_none()));
        assert_eq!(inserted.len(), 2);
    }
}
