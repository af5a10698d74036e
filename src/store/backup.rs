//! The copy `guazhi backup` makes: SQLite's online backup API, a few hundred pages at a time
//! with a short pause between steps, so that no read transaction is held for long and writers
//! are never blocked (the database is in WAL mode). A colleague's save makes the copy start
//! again; after three restarts the rest is copied in one step, which reads one snapshot. The
//! copy is then switched to a self-contained rollback journal (no -wal file to forget) and
//! checked; `interop::backup` judges the result and names the files.

use super::{Result, Store};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

const PAUSE: Duration = Duration::from_millis(5);
const RESTARTS_BEFORE_ONE_STEP: u32 = 3;
/// How long to keep retrying while the source is locked (a migration, a hot journal).
const LOCKED_FOR: Duration = Duration::from_secs(30);

/// What the copy was found to be once written.
#[derive(Debug, Clone, PartialEq)]
pub struct Copied {
    pub pages: i32,
    /// How often a colleague's save made the copy start again.
    pub restarts: u32,
    /// The copy's journal mode after switching it to `DELETE`.
    pub journal_mode: String,
    /// `PRAGMA integrity_check` of the copy: "ok" or the problems.
    pub integrity: Vec<String>,
    pub application_id: i32,
}

impl Store {
    /// Copies the database into `copy`, an empty file that exists, `pages_per_step` pages at a
    /// time, and reads back what the copy is.
    pub fn copy_into(&self, copy: &Path, pages_per_step: i32) -> Result<Copied> {
        let mut target = Connection::open(copy)?;
        let (pages, restarts) = run(&self.conn, &mut target, pages_per_step)?;
        let journal_mode: String = target.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        let mut stmt = target.prepare("PRAGMA integrity_check")?;
        let integrity: Vec<String> = stmt.query_map([], |r| r.get(0)).and_then(|rows| rows.collect())?;
        drop(stmt);
        let application_id: i32 = target.pragma_query_value(None, "application_id", |r| r.get(0))?;
        target.close().map_err(|(_, e)| e)?;
        Ok(Copied { pages, restarts, journal_mode, integrity, application_id })
    }
}

fn run(source: &Connection, copy: &mut Connection, pages_per_step: i32) -> rusqlite::Result<(i32, u32)> {
    let backup = Backup::new(source, copy)?;
    let mut restarts = 0;
    let mut last_remaining = i32::MAX;
    let mut locked_since: Option<Instant> = None;
    loop {
        let pages = if restarts >= RESTARTS_BEFORE_ONE_STEP { -1 } else { pages_per_step };
        match backup.step(pages)? {
            StepResult::Done => return Ok((backup.progress().pagecount, restarts)),
            StepResult::More => {
                locked_since = None;
                let remaining = backup.progress().remaining;
                if remaining > last_remaining {
                    restarts += 1;
                }
                last_remaining = remaining;
                std::thread::sleep(PAUSE);
            }
            StepResult::Busy | StepResult::Locked => {
                let since = *locked_since.get_or_insert_with(Instant::now);
                if since.elapsed() > LOCKED_FOR {
                    return Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("the database stayed locked during the backup".into()),
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}
