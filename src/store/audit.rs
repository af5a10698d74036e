//! The audit trail: who (the OS account, from `getuid()`, which the user cannot fake the way
//! they can `$USER`), when, and the old and new values, written in the change's own transaction.

use super::Result;
use rusqlite::{params, Connection};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub uid: u32,
    pub user: String,
    /// A fixed timestamp (the sample generator's, for reproducible files); `None` = the clock.
    pub fixed_time: Option<String>,
}

impl Actor {
    /// The OS account running this process.
    pub fn current() -> Actor {
        // SAFETY: getuid cannot fail.
        let uid = unsafe { libc::getuid() };
        Actor { uid, user: user_name(uid).unwrap_or_else(|| format!("uid{uid}")), fixed_time: None }
    }

    pub fn now(&self) -> String {
        match &self.fixed_time {
            Some(t) => t.clone(),
            None => chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }
}

fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the call; `buf` outlives the use of `pwd`'s strings.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points into `buf`, NUL-terminated.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub op: i64,
    pub at: String,
    pub uid: u32,
    pub os_user: String,
    pub action: String,
    pub table: String,
    pub row_id: Option<i64>,
    pub old_values: Option<String>,
    pub new_values: Option<String>,
    pub reverts: Option<i64>,
}

/// The columns `entry` reads, in its order.
pub(super) const ENTRY_COLS: &str =
    "id, op, at, uid, os_user, action, table_name, row_id, old_values, new_values, reverts";

/// One audit row, selected with `ENTRY_COLS`.
pub(super) fn entry(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        op: r.get(1)?,
        at: r.get(2)?,
        uid: r.get(3)?,
        os_user: r.get(4)?,
        action: r.get(5)?,
        table: r.get(6)?,
        row_id: r.get(7)?,
        old_values: r.get(8)?,
        new_values: r.get(9)?,
        reverts: r.get(10)?,
    })
}

/// The history of one record, newest first.
pub fn history(conn: &Connection, table: &str, row_id: i64) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLS} FROM audit WHERE table_name = ?1 AND row_id = ?2 ORDER BY id DESC"
    ))?;
    let rows = stmt.query_map(params![table, row_id], entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
