//! What can go wrong with the database, in words a user can act on.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum StoreError {
    Missing(PathBuf),
    IsDirectory(PathBuf),
    /// A named pipe, a device or a socket: reading it could block or never end.
    NotRegular(PathBuf),
    /// The file (or a folder on its path) cannot be read by this user.
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    NotSqlite(PathBuf),
    /// A SQLite file that belongs to another program.
    Foreign(PathBuf),
    Truncated {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    Newer {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// An older schema that a read-only user cannot upgrade.
    NeedsUpgrade(PathBuf),
    /// An interrupted save left a hot journal or WAL that only a user with write access can
    /// roll back or recover.
    NeedsRecovery(PathBuf),
    /// A WAL database needs its `-shm` file beside it; it does not exist and this user cannot
    /// create it (the folder is not writable for them).
    FolderNotWritable(PathBuf),
    /// The file was moved, renamed or deleted since it was opened: a save would go to a file
    /// nobody opens any more (or vanish with a deleted one).
    Moved(PathBuf),
    Corrupt(String),
    Exists(PathBuf),
    /// `init` could not create the file (a missing folder, no permission).
    CannotCreate {
        path: PathBuf,
        error: std::io::Error,
    },
    ReadOnly(String),
    /// The row changed since it was read: `current` is what is stored now (JSON).
    Conflict {
        table: &'static str,
        id: i64,
        current: Option<serde_json::Value>,
    },
    /// Another writer held the lock for longer than the busy timeout.
    Busy,
    Full,
    /// Bad input: the field it concerns and why.
    Invalid {
        field: String,
        message: String,
    },
    NotFound {
        table: &'static str,
        id: i64,
    },
    /// Deleting would orphan rows that depend on the record.
    InUse {
        what: String,
    },
    Io(std::io::Error),
    Sqlite(rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> StoreError {
        StoreError::Invalid { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StoreError::*;
        match self {
            Missing(p) => write!(f, "{}: no such file (create a database with `guazhi init`)", p.display()),
            IsDirectory(p) => write!(f, "{}: is a directory, not a database file", p.display()),
            NotRegular(p) => {
                write!(f, "{}: not a regular file (a pipe, device or socket), not a database", p.display())
            }
            Unreadable { path, error } => write!(f, "{}: cannot be read ({error})", path.display()),
            NotSqlite(p) => write!(f, "{}: not a SQLite database", p.display()),
            Foreign(p) => write!(f, "{}: a SQLite database of another program, not a guazhi database", p.display()),
            Truncated { path, expected, actual } => write!(
                f,
                "{}: the database file is truncated ({actual} of {expected} bytes); restore it from a backup",
                path.display()
            ),
            Newer { path, found, supported } => write!(
                f,
                "{}: the database has schema version {found}, newer than this program's {supported}; upgrade guazhi",
                path.display()
            ),
            NeedsUpgrade(p) => {
                write!(f, "{}: the database needs a schema upgrade by a user who can write it", p.display())
            }
            NeedsRecovery(p) => write!(
                f,
                "{}: an interrupted save left the database needing recovery by a user who can write it \
                 (open it once with write access); nothing was read or changed",
                p.display()
            ),
            FolderNotWritable(p) => write!(
                f,
                "{}: cannot be opened: SQLite must create {}-shm beside it and you cannot write that folder; \
                 ask for write access to the folder (see README, sharing), or open it while a colleague has it open",
                p.display(),
                p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            ),
            Moved(p) => write!(
                f,
                "{}: the database file was moved or deleted since it was opened; nothing was saved \
                 (your form is kept; open the file where it is now)",
                p.display()
            ),
            Corrupt(m) => write!(f, "the database is damaged ({m}); restore it from a backup"),
            Exists(p) => write!(f, "{}: already exists; not overwritten", p.display()),
            CannotCreate { path, error } => write!(f, "{}: cannot be created ({error})", path.display()),
            ReadOnly(why) => write!(f, "read-only: {why}"),
            Conflict { table, id, .. } => {
                write!(f, "a colleague changed this record ({table} {id}) since you opened it; nothing was saved")
            }
            Busy => f.write_str("the database is busy (a colleague is saving); try again in a moment"),
            Full => f.write_str("the disk is full; nothing was saved"),
            Invalid { field, message } => write!(f, "{field}: {message}"),
            NotFound { table, id } => write!(f, "{table} {id} no longer exists (a colleague may have removed it)"),
            InUse { what } => write!(f, "cannot delete: {what}"),
            Io(e) => write!(f, "{e}"),
            Sqlite(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    /// Turns the SQLite codes users meet into their own variants.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            Some(DiskFull) => StoreError::Full,
            Some(DatabaseCorrupt | NotADatabase) => StoreError::Corrupt(e.to_string()),
            Some(ReadOnly) => StoreError::ReadOnly(e.to_string()),
            _ => StoreError::Sqlite(e),
        }
    }
}
