//! The audit trail as the screens read it: the operation `u` would undo (to ask before undoing
//! it), and what one change did, column by column (for the history view and conflicts).

use super::{AuditEntry, Result, Store};
use rusqlite::OptionalExtension;
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

impl Store {
    /// The first row of the operation `Writer::undo_last` would undo now (this OS account's
    /// newest operation not yet undone), and how many rows it changed.
    pub fn last_undoable(&self) -> Result<Option<(AuditEntry, usize)>> {
        let conn = self.connection();
        let op: Option<i64> = conn
            .query_row(
                "SELECT max(op) FROM audit WHERE uid = ?1 AND reverts IS NULL
                   AND op NOT IN (SELECT reverts FROM audit WHERE reverts IS NOT NULL)",
                [self.actor().uid],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let Some(op) = op else { return Ok(None) };
        let rows: i64 = conn.query_row("SELECT count(*) FROM audit WHERE op = ?1", [op], |r| r.get(0))?;
        let first = conn.query_row(
            &format!("SELECT {} FROM audit WHERE op = ?1 ORDER BY id LIMIT 1", super::audit::ENTRY_COLS),
            [op],
            super::audit::entry,
        )?;
        Ok(Some((first, usize::try_from(rows).unwrap_or(0))))
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
