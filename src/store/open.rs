//! Opening, creating and migrating a database file.

use super::schema::{APPLICATION_ID, LATEST_VERSION, MIGRATIONS};
use super::{Access, Actor, Result, Store, StoreError, BUSY_TIMEOUT};
use crate::lang::Message;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

pub(super) fn open(path: &Path, access: Access) -> Result<Store> {
    let meta = check_file(path)?;
    let writable = access == Access::Auto && is_writable(path);
    let flags = if writable { OpenFlags::SQLITE_OPEN_READ_WRITE } else { OpenFlags::SQLITE_OPEN_READ_ONLY }
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The first statement that reads the file: where a hot journal or WAL shows.
    if let Err(e) = conn.pragma_query_value(None, "application_id", |r| r.get::<_, i32>(0)) {
        return Err(needs_recovery(e, path, writable));
    }
    configure(&conn)?;
    check_identity(&conn, path)?;
    let read_only = match (access, writable) {
        (Access::ReadOnly, _) => Some(Message::new("以 --read-only 打开", "opened with --read-only")),
        (_, false) => {
            let shown = crate::text::display_safe(&path.display().to_string()).into_owned();
            Some(Message::new(format!("你不能写入 {shown}"), format!("you cannot write {shown}")))
        }
        _ => None,
    };
    if read_only.is_some() {
        conn.pragma_update(None, "query_only", true)?;
        if user_version(&conn)? < LATEST_VERSION {
            return Err(StoreError::NeedsUpgrade(path.to_path_buf()));
        }
    } else {
        migrate(&conn, path)?;
        ensure_wal(&conn)?;
    }
    Ok(Store {
        conn,
        path: path.to_path_buf(),
        read_only,
        actor: Actor::current(),
        today: None,
        file: (meta.dev(), meta.ino()),
        world_readable: meta.mode() & 0o004 != 0,
        mine: Vec::new(),
    })
}

pub(super) fn init(path: &Path) -> Result<Store> {
    if path.exists() {
        return Err(StoreError::Exists(path.to_path_buf()));
    }
    // Group-writable so colleagues in the group can save (and create the -wal/-shm files);
    // set explicitly because the umask would usually strip the group write bit.
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o660)
        .open(path)
        .map_err(|error| StoreError::CannotCreate { path: path.to_path_buf(), error })?;
    file.set_permissions(fs::Permissions::from_mode(0o660))?;
    drop(file);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    configure(&conn)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    migrate(&conn, path)?;
    ensure_wal(&conn)?;
    let meta = fs::metadata(path)?;
    Ok(Store {
        conn,
        path: path.to_path_buf(),
        read_only: None,
        actor: Actor::current(),
        today: None,
        file: (meta.dev(), meta.ino()),
        world_readable: meta.mode() & 0o004 != 0,
        mine: Vec::new(),
    })
}

/// Whether `path` still names the file that was opened as `file` (device and inode): a file
/// moved away, deleted, or replaced by another since is not saved into.
pub(super) fn same_file(path: &Path, file: (u64, u64)) -> bool {
    fs::metadata(path).is_ok_and(|m| (m.dev(), m.ino()) == file)
}

/// A read-only connection cannot roll back a hot journal (SQLite says READONLY_ROLLBACK) or
/// rebuild the index of a WAL whose `-shm` is gone (READONLY_RECOVERY, READONLY_CANTINIT, or
/// CANTOPEN when the `-shm` cannot be created): the user is told who can fix it. Nor can it
/// read a WAL database at all when no `-shm` exists and the folder is not writable for it
/// (READONLY_DIRECTORY): the folder's permissions are the fix.
fn needs_recovery(e: rusqlite::Error, path: &Path, writable: bool) -> StoreError {
    let rusqlite::Error::SqliteFailure(failure, _) = &e else { return e.into() };
    let extended = failure.extended_code;
    const READONLY_RECOVERY: i32 = 264;
    const READONLY_ROLLBACK: i32 = 776;
    const READONLY_CANTINIT: i32 = 1288;
    const CANTOPEN: i32 = 14;
    const READONLY_DIRECTORY: i32 = 1544;
    if extended == READONLY_DIRECTORY {
        return StoreError::FolderNotWritable(path.to_path_buf());
    }
    let hot = matches!(extended, READONLY_RECOVERY | READONLY_ROLLBACK | READONLY_CANTINIT)
        || (!writable && extended == CANTOPEN && (beside(path, "-wal") || beside(path, "-journal")));
    if hot {
        StoreError::NeedsRecovery(path.to_path_buf())
    } else {
        e.into()
    }
}

/// Refuses what is plainly not a guazhi database without letting SQLite touch it.
fn check_file(path: &Path) -> Result<fs::Metadata> {
    let unreadable = |error| StoreError::Unreadable { path: path.to_path_buf(), error };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Missing(path.to_path_buf())),
        Err(e) => return Err(unreadable(e)),
    };
    if meta.is_dir() {
        return Err(StoreError::IsDirectory(path.to_path_buf()));
    }
    // A named pipe would block the open below for ever.
    if !meta.is_file() {
        return Err(StoreError::NotRegular(path.to_path_buf()));
    }
    let mut header = [0u8; 100];
    let mut file = File::open(path).map_err(unreadable)?;
    let read = read_up_to(&mut file, &mut header).map_err(unreadable)?;
    if read < header.len() || &header[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite(path.to_path_buf()));
    }
    // The header records the page size and (when valid) the page count: a shorter file lost pages.
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    if !page_size.is_power_of_two() || page_size < 512 {
        return Err(StoreError::Corrupt(format!("the file header gives an impossible page size, {page_size}")));
    }
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    let count_valid = header[24..28] == header[92..96];
    let expected = page_size * pages;
    // A checkpoint writes page 1 (with the new size) before the pages that extend the file,
    // and a crash can stop it there: with a WAL (or a rollback journal) beside it, a short
    // file is SQLite's to recover, not damage. Only a file without one is judged by its size.
    let journal_beside = beside(path, "-wal") || beside(path, "-journal");
    if count_valid && !journal_beside && meta.len() < expected {
        return Err(StoreError::Truncated { path: path.to_path_buf(), expected, actual: meta.len() });
    }
    Ok(meta)
}

/// Whether SQLite's `PATH-wal` or `PATH-journal` (`ext`) exists and is not empty.
fn beside(path: &Path, ext: &str) -> bool {
    let mut name = path.as_os_str().to_owned();
    name.push(ext);
    fs::metadata(name).is_ok_and(|m| m.len() > 0)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while total < buf.len() {
        match file.read(&mut buf[total..])? {
            0 => break,
            n => total += n,
        }
    }
    Ok(total)
}

/// Writable means both the file and its folder (SQLite creates the -wal and -shm files there).
fn is_writable(path: &Path) -> bool {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    access_w(path) && access_w(dir)
}

fn access_w(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let fk: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    if !fk {
        return Err(StoreError::Corrupt("foreign keys could not be enabled".into()));
    }
    Ok(())
}

fn check_identity(conn: &Connection, path: &Path) -> Result<()> {
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let found = user_version(conn)?;
    if found > LATEST_VERSION {
        return Err(StoreError::Newer { path: path.to_path_buf(), found, supported: LATEST_VERSION });
    }
    if found < 0 {
        return Err(StoreError::Corrupt(format!("the file header gives an impossible schema version, {found}")));
    }
    // Version 0 is a new file: one with tables already in it lost its version number.
    if found == 0 && tables(conn)? > 0 {
        return Err(StoreError::Corrupt("the file has tables but no schema version".into()));
    }
    Ok(())
}

fn tables(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| r.get(0))?)
}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies pending migrations. The version is re-read inside the write lock, so a colleague's
/// instance that migrated first leaves nothing to do here.
fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    if user_version(conn)? == LATEST_VERSION {
        return Ok(());
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let current = user_version(&tx)?;
    if current > LATEST_VERSION {
        return Err(StoreError::Newer { path: path.to_path_buf(), found: current, supported: LATEST_VERSION });
    }
    if current < 0 {
        return Err(StoreError::Corrupt(format!("the file header gives an impossible schema version, {current}")));
    }
    if current == 0 && tables(&tx)? > 0 {
        return Err(StoreError::Corrupt("the file has tables but no schema version".into()));
    }
    for sql in &MIGRATIONS[current as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", LATEST_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// WAL lets colleagues read while one saves.
fn ensure_wal(conn: &Connection) -> Result<()> {
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    if mode.eq_ignore_ascii_case("wal") {
        return Ok(());
    }
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!("could not switch to WAL journal mode ({mode})")));
    }
    Ok(())
}
