//! Opening, creating and migrating a database file.

use super::schema::{APPLICATION_ID, LATEST_VERSION, MIGRATIONS};
use super::{Access, Actor, Result, Store, StoreError, BUSY_TIMEOUT};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

pub(super) fn open(path: &Path, access: Access) -> Result<Store> {
    check_file(path)?;
    let writable = access == Access::Auto && is_writable(path);
    let flags = if writable { OpenFlags::SQLITE_OPEN_READ_WRITE } else { OpenFlags::SQLITE_OPEN_READ_ONLY }
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    check_identity(&conn, path)?;
    let read_only = match (access, writable) {
        (Access::ReadOnly, _) => Some("opened with --read-only".to_string()),
        (_, false) => Some(format!("you cannot write {}", path.display())),
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
    Ok(Store { conn, path: path.to_path_buf(), read_only, actor: Actor::current() })
}

pub(super) fn init(path: &Path) -> Result<Store> {
    if path.exists() {
        return Err(StoreError::Exists(path.to_path_buf()));
    }
    // Group-writable so colleagues in the group can save (and create the -wal/-shm files);
    // set explicitly because the umask would usually strip the group write bit.
    let file = OpenOptions::new().write(true).create_new(true).mode(0o660).open(path)?;
    file.set_permissions(fs::Permissions::from_mode(0o660))?;
    drop(file);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    configure(&conn)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    migrate(&conn, path)?;
    ensure_wal(&conn)?;
    Ok(Store { conn, path: path.to_path_buf(), read_only: None, actor: Actor::current() })
}

/// Refuses what is plainly not a guazhi database without letting SQLite touch it.
fn check_file(path: &Path) -> Result<()> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Missing(path.to_path_buf())),
        Err(e) => return Err(e.into()),
    };
    if meta.is_dir() {
        return Err(StoreError::IsDirectory(path.to_path_buf()));
    }
    let mut header = [0u8; 100];
    let mut file = File::open(path)?;
    let read = read_up_to(&mut file, &mut header)?;
    if read < header.len() || &header[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite(path.to_path_buf()));
    }
    // The header records the page size and (when valid) the page count: a shorter file lost pages.
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    let count_valid = header[24..28] == header[92..96];
    let expected = page_size * pages;
    if count_valid && meta.len() < expected {
        return Err(StoreError::Truncated { path: path.to_path_buf(), expected, actual: meta.len() });
    }
    Ok(())
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
    Ok(())
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
