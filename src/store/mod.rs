//! The SQLite store. Everything else sees domain types; only this module speaks SQL.
//!
//! Opening never creates a file (creating is `Store::init`), refuses files that are not
//! guazhi databases before touching them, and migrates under a write lock so that two
//! instances starting at once cannot both migrate.

mod audit;
mod backup;
mod bulk;
pub mod chain;
pub mod changes;
mod error;
mod export;
mod held;
mod import_lock;
pub mod lists;
mod neighbourhood;
mod open;
mod particulars;
mod read;
mod recent;
mod records;
mod report;
pub(crate) mod rows;
pub mod schema;
mod sound;
mod stream;
mod tamper;
pub mod write;

pub use audit::{Actor, AuditEntry};
pub use backup::Copied;
pub use bulk::{Bulk, BulkCounts, Indexes};
pub use error::{field_label, table_label, Result, StoreError};
pub use export::ReviewScope;
pub use import_lock::{import_lock_path, ImportLock};
pub use particulars::{Particulars, Served, Unreadable, Which};
pub use read::{AttentionRow, Data};
pub use recent::{cell_text, changes, changes_between, Change, OwnChange, Saves};
pub use stream::{CadreTerms, PairRow, Side};
pub use tamper::{AuditSummary, Operation, Tamper};
pub use write::{
    check_text, clean_text, NewCadre, NewRows, NewSecondment, ReviewResult, RowCounts, Undone, Writer, IMPORTED,
};

use crate::lang::Message;
use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a save waits for a colleague's transaction before reporting "busy".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Store {
    conn: Connection,
    path: PathBuf,
    read_only: Option<Message>,
    actor: Actor,
    /// The day the writes judge dates by (`--today`); `None`: the clock's, read at each write.
    today: Option<NaiveDate>,
    /// The opened file's device and inode: a save checks the path still names it.
    file: (u64, u64),
    /// Other accounts on the server can read the file (its mode has o+r).
    world_readable: bool,
    /// The audit operations this connection saved, oldest first: this window's own changes
    /// (what its undo offers, and what the live cue leaves out). Colleagues may share an OS
    /// account, so the account cannot tell them apart.
    mine: Vec<i64>,
    /// A `-wal`/`-shm` made by an account the database's group cannot share with.
    foreign_side: Option<PathBuf>,
    /// The descriptor the header was read through, shared by this process's stores on the file
    /// (`held`). Last: it closes after the connection.
    _held: std::sync::Arc<std::fs::File>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read-write when the file is writable, read-only otherwise.
    Auto,
    ReadOnly,
}

impl Store {
    /// Opens an existing guazhi database.
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        open::open(path, access)
    }

    /// Creates a new, empty database at `path` (mode 0660); refuses to overwrite.
    pub fn init(path: &Path) -> Result<Store> {
        open::init(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why the database is read-only, if it is.
    pub fn read_only_reason(&self) -> Option<&Message> {
        self.read_only.as_ref()
    }

    /// Whether every account on the server can read the file (mode o+r): personnel data
    /// should be readable by the group only (`chmod o-r`).
    pub fn world_readable(&self) -> bool {
        self.world_readable
    }

    /// The warning to show when the file is shared wrongly, if it is: readable by every account,
    /// or beside a `-wal`/`-shm` of an account the database's group cannot share with.
    pub fn exposure_warning(&self) -> Option<Message> {
        let side = self.foreign_side.as_ref().map(|_| error::side_files_fix(&self.path, false));
        let world = self.world_readable.then(|| {
            let path = crate::text::display_safe(&self.path.display().to_string()).into_owned();
            Message::new(
                format!("注意：服务器上所有账户都能读取 {path}（人事数据）；请执行 `chmod o-r {path}` 限制"),
                format!(
                    "warning: {path} can be read by every account on this server (personnel data); \
                     restrict it with `chmod o-r {path}`"
                ),
            )
        });
        match (side, world) {
            (Some(a), Some(b)) => Some(Message::new(format!("{}；{}", a.zh, b.zh), format!("{}; {}", a.en, b.en))),
            (a, b) => a.or(b),
        }
    }

    /// Pins the day the writes judge dates by (`--today`), as the screens and reports do.
    pub fn pin_today(&mut self, today: NaiveDate) {
        self.today = Some(today);
    }

    /// The day the writes judge dates by: the pinned one, else the clock's.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Replaces who the audit trail names and when (the sample generator pins both).
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = actor;
    }

    /// For tests and the `check` command: the raw connection, read-only use.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one short `BEGIN IMMEDIATE` transaction and commits it, checking the commit.
    /// Taking the write lock up front means a busy database is met before anything is done,
    /// never half-way (a deferred read-then-write transaction gets a busy that no wait cures).
    pub fn write<T>(&mut self, f: impl FnOnce(&write::Writer) -> Result<T>) -> Result<T> {
        if let Some(why) = &self.read_only {
            return Err(StoreError::ReadOnly(why.clone()));
        }
        let today = self.today();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Checked under the write lock: a file moved or deleted since it was opened would take
        // the save where nobody looks (a deleted one loses it with the last close).
        if !open::same_file(&self.path, self.file) {
            return Err(StoreError::Moved(self.path.clone()));
        }
        let (value, head, op) = {
            let writer = write::Writer::new(&tx, &self.actor, today, &self.mine);
            (f(&writer)?, writer.new_head(), writer.written_op())
        };
        Transaction::commit(tx)?;
        self.mine.extend(op);
        if let Some(head) = head {
            chain::anchor(&self.path, head);
        }
        Ok(value)
    }

    /// Creates the anchor file beside the database (`DB-anchor`, mode 0660; refused when one
    /// exists) holding the current head of the audit chain, if any, so that `check` holds the
    /// chain to it from the start.
    pub fn start_anchor(&self) -> Result<PathBuf> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = chain::anchor_path(&self.path);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o660)
            .open(&path)
            .map_err(|error| StoreError::CannotCreate { path: path.clone(), error })?;
        let head = chain::head(&self.conn)?;
        // A new file has no audit row yet: the first save writes the first line.
        if head.id > 0 {
            chain::anchor(&self.path, head);
        }
        Ok(path)
    }

    /// Moves the WAL into the file (and with `vacuum`, rewrites the file compactly): one file
    /// with nothing beside it, for a file that is committed or sent whole.
    pub fn compact(&self, vacuum: bool) -> Result<()> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        if vacuum {
            self.conn.execute_batch("VACUUM;")?;
        }
        Ok(())
    }

    /// Sets the memory a long read may use, for the reports and exports that read whole
    /// tables: SQLite keeps up to `cache_mib` MiB of the file's pages (2 MiB by default), so
    /// that the interior pages of the b-trees stay in memory across lookups; and its sorts and
    /// temporary b-trees spill to temporary files once they outgrow that, where this build
    /// keeps them in memory by default (SQLITE_TEMP_STORE=2) and a sort of a million rows
    /// would grow with the database.
    pub fn bound_memory(&self, cache_mib: u32) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -i64::from(cache_mib) * 1024)?;
        self.conn.pragma_update(None, "temp_store", "FILE")?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" or the problems found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
