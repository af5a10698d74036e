//! What the database must look like after the loops, read with rusqlite directly (never
//! through the program): not corrupt, every row exactly what its last audit row says, every
//! operation whole, the review schedules complete, and the audit chain of a row linear.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every table the program writes (and audits).
use guazhi::store::write::TABLES;

/// A connection that can neither write nor checkpoint: looking must not change what the
/// program finds at its next start (a crashed WAL stays for it to recover).
pub fn look(path: &Path) -> Connection {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .expect("open the database read-only");
    conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    conn
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`: empty when all is well.
pub fn corruption(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_else(|e| vec![format!("integrity_check failed: {e}")]);
    if rows != ["ok"] {
        out.extend(rows.into_iter().map(|r| format!("integrity_check: {r}")));
    }
    let fk: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut st| {
            st.query_map([], |r| Ok(format!("{}:{:?}", r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?)))?.collect()
        })
        .unwrap_or_else(|e| vec![format!("foreign_key_check failed: {e}")]);
    out.extend(fk.into_iter().map(|r| format!("foreign key broken: {r}")));
    out
}

/// A row as the program's audit snapshots write it: column → JSON value.
fn snapshot(r: &rusqlite::Row, names: &[String]) -> rusqlite::Result<Value> {
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
}

pub fn rows_of(conn: &Connection, table: &str) -> BTreeMap<i64, Value> {
    let mut st = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
    let names: Vec<String> = st.column_names().iter().map(|s| s.to_string()).collect();
    st.query_map([], |r| Ok((r.get::<_, i64>("id")?, snapshot(r, &names)?))).unwrap().map(Result::unwrap).collect()
}

/// No half record: every row of every table is exactly the new values of its last audit row
/// (a deleted one: no row), every row has an audit row (the policy row excepted: the schema
/// makes it), and each operation is one user's and contiguous in the trail (one transaction).
pub fn half_records(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for &table in TABLES {
        let rows = rows_of(conn, table);
        let mut st = conn
            .prepare(
                "SELECT row_id, new_values, id FROM audit WHERE id IN
                   (SELECT max(id) FROM audit WHERE table_name = ?1 GROUP BY row_id)",
            )
            .unwrap();
        let last: BTreeMap<i64, (Option<String>, i64)> = st
            .query_map([table], |r| Ok((r.get::<_, i64>(0)?, (r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?))))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let ids: BTreeSet<i64> = rows.keys().chain(last.keys()).copied().collect();
        for id in ids {
            let audited = last.get(&id).map(|(json, at)| {
                (json.as_deref().map(|j| serde_json::from_str::<Value>(j).expect("audit JSON")), *at)
            });
            match (rows.get(&id), audited) {
                (Some(_), None) if table == "policy" => {}
                (Some(_), None) => out.push(format!("{table} {id}: a row without any audit row")),
                (Some(row), Some((Some(after), audit_id))) if *row != after => out.push(format!(
                    "{table} {id}: the row differs from its last audit row {audit_id}:\n  row   {row}\n  audit {after}"
                )),
                (Some(_), Some((None, audit_id))) => {
                    out.push(format!("{table} {id}: audit row {audit_id} deleted it, yet the row is there"))
                }
                (None, Some((Some(_), audit_id))) => {
                    out.push(format!("{table} {id}: audit row {audit_id} has it, yet there is no row"))
                }
                _ => {}
            }
        }
    }
    // One operation = one transaction: one user, and no other operation's rows in between.
    let mut st = conn.prepare("SELECT id, op, uid, os_user FROM audit ORDER BY id").unwrap();
    let trail: Vec<(i64, i64, i64, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(Result::unwrap).collect();
    let mut seen = BTreeSet::new();
    for pair in trail.windows(2) {
        let ((_, op_a, uid_a, user_a), (id_b, op_b, uid_b, user_b)) = (&pair[0], &pair[1]);
        if op_a == op_b && (uid_a != uid_b || user_a != user_b) {
            out.push(format!("audit op {op_a}: rows of two users ({user_a}, {user_b})"));
        }
        if op_a != op_b {
            seen.insert(*op_a);
            if op_b < op_a || seen.contains(op_b) {
                out.push(format!("audit row {id_b}: op {op_b} after op {op_a} (operations interleaved)"));
            }
        }
    }
    out.truncate(50);
    out
}

/// Every secondment's review schedule complete (issue 4: an early end cancels the later
/// reviews and moves the evaluation up in the same save): nothing left for the store's own
/// `reconcile` to do. Read through the program's read model.
pub fn schedules(path: &Path) -> Vec<String> {
    use guazhi::domain::schedule::{owed_reviews, reconcile};
    let store = guazhi::store::Store::open(path, guazhi::store::Access::ReadOnly).expect("open the store read-only");
    let data = store.load().expect("read the data");
    let mut out: Vec<String> = data.invalid.iter().map(|m| format!("invalid row: {m}")).collect();
    for s in &data.secondments {
        let reviews: Vec<_> = data.reviews.iter().filter(|r| r.secondment_id == s.id).cloned().collect();
        let changes = reconcile(&reviews, &owed_reviews(s.start, s.end(), &data.policy));
        if !changes.is_empty() {
            out.push(format!("secondment {} (ends {}): schedule incomplete: {changes:?}", s.id, s.end()));
        }
    }
    out
}

/// The highest audit id (to look only at what a loop wrote).
pub fn last_audit_id(conn: &Connection) -> i64 {
    conn.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0)).unwrap()
}

/// One audit row, its snapshots parsed.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub op: i64,
    pub uid: i64,
    pub os_user: String,
    pub action: String,
    pub table: String,
    pub row_id: i64,
    pub old: Value,
    pub new: Value,
}

fn entries(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Vec<Entry> {
    let mut st = conn.prepare(sql).unwrap();
    let parse = |s: Option<String>| s.map_or(Value::Null, |s| serde_json::from_str(&s).expect("audit JSON"));
    st.query_map(params, |r| {
        Ok(Entry {
            id: r.get(0)?,
            op: r.get(1)?,
            uid: r.get(2)?,
            os_user: r.get(3)?,
            action: r.get(4)?,
            table: r.get(5)?,
            row_id: r.get(6)?,
            old: parse(r.get(7)?),
            new: parse(r.get(8)?),
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

const ENTRY: &str = "SELECT id, op, uid, os_user, action, table_name, row_id, old_values, new_values FROM audit";

/// The audit rows of one row after audit id `after`, oldest first.
pub fn trail(conn: &Connection, table: &str, row_id: i64, after: i64) -> Vec<Entry> {
    entries(
        conn,
        &format!("{ENTRY} WHERE table_name = ?1 AND row_id = ?2 AND id > ?3 ORDER BY id"),
        rusqlite::params![table, row_id, after],
    )
}

/// The audit rows whose new values have `field` = `value`, oldest first.
pub fn with_value(conn: &Connection, table: &str, field: &str, value: &str) -> Vec<Entry> {
    entries(
        conn,
        &format!("{ENTRY} WHERE table_name = ?1 AND json_extract(new_values, '$.' || ?2) = ?3 ORDER BY id"),
        rusqlite::params![table, field, value],
    )
}

/// The audit rows that mention `token` anywhere (old or new values), oldest first.
pub fn mentioning(conn: &Connection, token: &str) -> Vec<Entry> {
    entries(conn, &format!("{ENTRY} WHERE instr(new_values, ?1) > 0 OR instr(old_values, ?1) > 0 ORDER BY id"), [token])
}

/// One field of one row now.
pub fn value_now(conn: &Connection, table: &str, field: &str, id: i64) -> Option<String> {
    conn.query_row(&format!("SELECT CAST({field} AS TEXT) FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
        .optional()
        .unwrap()
        .flatten()
}

/// How many operations undid another.
pub fn undo_ops(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(DISTINCT op) FROM audit WHERE reverts IS NOT NULL", [], |r| r.get(0)).unwrap()
}

/// The problems in a row's chain of updates (oldest first) for `field`, starting from
/// `start` (the field's value before the loop) and expected to carry `acked` in this order
/// when the order is known: each update's old version is the previous one's new version (and
/// one less than its own), and its old value the previous one's new value. So no update was
/// based on a stale read and none was overwritten without trace.
pub fn chain(updates: &[Entry], field: &str, start: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev_value = Value::from(start);
    let mut prev_version: Option<i64> = None;
    for e in updates {
        let (ov, nv) = (e.old["version"].as_i64(), e.new["version"].as_i64());
        if let Some(p) = prev_version {
            if ov != Some(p) {
                out.push(format!("audit {}: old version {ov:?}, the previous update made {p}", e.id));
            }
        }
        if nv != ov.map(|v| v + 1) {
            out.push(format!("audit {}: version {ov:?} → {nv:?}", e.id));
        }
        if e.old[field] != prev_value {
            out.push(format!(
                "audit {} by {}: based on {} = {}, but the previous save left {}",
                e.id, e.os_user, field, e.old[field], prev_value
            ));
        }
        prev_value = e.new[field].clone();
        prev_version = nv;
    }
    out
}
