//! Never write into a damaged file (issue 14, part 5): a bulk write (an import, the undo of
//! many rows) first runs `PRAGMA quick_check`, which reads every page of every table and index
//! (it finds pages the write would not read itself, such as the audit trail's, where a write
//! only appends) at a fraction of `integrity_check`'s cost: it skips matching each index
//! entry against its row. docs/RELIABILITY.md has its figures.

use super::{Result, Store, StoreError};
use rusqlite::Connection;

/// An undo of more rows than this checks the file first; fewer rows are one form's save.
pub(super) const CHECKED_UNDO_ROWS: i64 = 50;

/// `Corrupt` with SQLite's first findings when the file is damaged.
pub(super) fn quick_check(conn: &Connection) -> Result<()> {
    let found: Vec<String> =
        conn.prepare("PRAGMA quick_check(3)")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if found.len() == 1 && found[0] == "ok" {
        return Ok(());
    }
    Err(StoreError::Corrupt(found.join("; ")))
}

impl Store {
    /// Refuses to go on when the file is damaged: run before a bulk write.
    pub fn ensure_sound(&self) -> Result<()> {
        quick_check(&self.conn)
    }
}
