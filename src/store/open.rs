//! Opening, creating and migrating a database file.

use super::chain::Head;
use super::schema::{APPLICATION_ID, LATEST_VERSION, MIGRATIONS};
use super::{Access, Actor, Result, Store, StoreError, BUSY_TIMEOUT};
use crate::lang::Message;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

pub(super) fn open(path: &Path, access: Access) -> Result<Store> {
    let (meta, held) = check_file(path)?;
    // A side file this user cannot write would fail every save with SQLite's bare "read-only":
    // opened read-only instead, saying why and the fix.
    let blocked = (access == Access::Auto && is_writable(path)).then(|| side_not_writable(path)).flatten();
    let writable = access == Access::Auto && is_writable(path) && blocked.is_none();
    let flags = if writable { OpenFlags::SQLITE_OPEN_READ_WRITE } else { OpenFlags::SQLITE_OPEN_READ_ONLY }
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    more_lookaside(&conn);
    // Before the first read, which may make them: -wal/-shm that were there stay whichever
    // connection closes last; new ones stay only beside a file found to be guazhi's (below).
    persist_wal(&conn, wal_exists(path));
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The first statement that reads the file: where a hot journal or WAL shows.
    if let Err(e) = conn.pragma_query_value(None, "application_id", |r| r.get::<_, i32>(0)) {
        return Err(needs_recovery(e, path, writable));
    }
    configure(&conn)?;
    let actor = Actor::current();
    check_identity(&conn, path)?;
    persist_wal(&conn, true);
    let read_only = match (access, writable) {
        (_, false) if blocked.is_some() => Some(super::error::side_files_fix(path, true)),
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
        if let Some(head) = migrate(&conn, path, &actor)? {
            super::chain::anchor(path, head);
        }
        ensure_wal(&conn)?;
    }
    Ok(Store {
        conn,
        path: path.to_path_buf(),
        read_only,
        actor,
        today: None,
        file: (meta.dev(), meta.ino()),
        world_readable: meta.mode() & 0o004 != 0,
        mine: Vec::new(),
        foreign_side: foreign_side_file(path, &meta),
        _held: held,
    })
}

/// Builds the new database under a temporary name beside `path` and gives it its name only
/// when it is complete: a failure (a full disk) leaves nothing behind, so a retry is not
/// "already exists" and nobody opens a half-made file.
pub(super) fn init(path: &Path) -> Result<Store> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(StoreError::Exists(path.to_path_buf()));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dir.join(format!(".{name}.init-{}", std::process::id()));
    let built = build(&partial).and_then(|()| match fs::hard_link(&partial, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::Exists(path.to_path_buf())),
        Err(error) => Err(StoreError::CannotCreate { path: path.to_path_buf(), error }),
    });
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = partial.as_os_str().to_owned();
        name.push(suffix);
        let _ = fs::remove_file(name);
    }
    built.map_err(|e| match e {
        // Said as what it is: the new file could not be made (and nothing was left).
        StoreError::Full => StoreError::CannotCreate {
            path: path.to_path_buf(),
            error: std::io::Error::from_raw_os_error(libc::ENOSPC),
        },
        StoreError::CannotCreate { error, .. } => StoreError::CannotCreate { path: path.to_path_buf(), error },
        other => other,
    })?;
    open(path, Access::Auto)
}

/// A complete, closed database at `partial` (0660, WAL, every migration).
fn build(partial: &Path) -> Result<()> {
    // Group-writable so colleagues in the group can save (and create the -wal/-shm files);
    // set explicitly because the umask would usually strip the group write bit.
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o660)
        .open(partial)
        .map_err(|error| StoreError::CannotCreate { path: partial.to_path_buf(), error })?;
    file.set_permissions(fs::Permissions::from_mode(0o660))?;
    drop(file);
    let conn =
        Connection::open_with_flags(partial, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    configure(&conn)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    migrate(&conn, partial, &Actor::current())?;
    ensure_wal(&conn)?;
    // Closing the only connection moves the WAL into the file (and removes it).
    conn.close().map_err(|(_, e)| StoreError::from(e))
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
    // On a read-only file system nobody can make the `-shm` a WAL database is read through.
    if matches!(extended, READONLY_DIRECTORY | CANTOPEN) && read_only_file_system(path) {
        return StoreError::ReadOnlyFileSystem(path.to_path_buf());
    }
    if extended == CANTOPEN && side_files_unopenable(path) {
        return StoreError::SideFiles(path.to_path_buf());
    }
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

/// Whether the file system holding `path` is mounted read-only.
pub(super) fn read_only_file_system(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: a valid path and a zeroed statvfs for the call to fill.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        libc::statvfs(c.as_ptr(), &mut st) == 0 && st.f_flag & libc::ST_RDONLY != 0
    }
}

/// Refuses what is plainly not a guazhi database without letting SQLite touch it.
fn check_file(path: &Path) -> Result<(fs::Metadata, Arc<File>)> {
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
    let held = super::held::held_file(path, &meta).map_err(unreadable)?;
    let read = read_up_to(&held, &mut header).map_err(unreadable)?;
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
    // Another program's file, or a newer guazhi's, is refused from its header when no WAL could
    // hold a newer one: SQLite would make -wal/-shm beside it just to read it.
    if !journal_beside {
        let at = |i: usize| i32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        if at(68) != APPLICATION_ID {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        if i64::from(at(60)) > LATEST_VERSION {
            return Err(StoreError::Newer {
                path: path.to_path_buf(),
                found: at(60).into(),
                supported: LATEST_VERSION,
            });
        }
    }
    Ok((meta, held))
}

/// Whether SQLite's `PATH-wal` or `PATH-journal` (`ext`) exists and is not empty.
fn beside(path: &Path, ext: &str) -> bool {
    let mut name = path.as_os_str().to_owned();
    name.push(ext);
    fs::metadata(name).is_ok_and(|m| m.len() > 0)
}

fn read_up_to(file: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while total < buf.len() {
        match file.read_at(&mut buf[total..], total as u64)? {
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
    // Any limit makes the last connection to close empty a WAL kept by PERSIST_WAL (SQLite
    // truncates it to zero then); this one bounds it between checkpoints.
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
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
/// instance that migrated first leaves nothing to do here. Returns the audit chain's head when a
/// migration wrote audit rows (to anchor once committed).
pub(super) fn migrate(conn: &Connection, path: &Path, actor: &Actor) -> Result<Option<Head>> {
    if user_version(conn)? == LATEST_VERSION {
        return Ok(None);
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
    let mut head = None;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        match i + 1 {
            5 => head = super::chain::start(&tx, actor, super::write::TABLES)?,
            6 => rewrite_checks(&tx)?,
            _ => {}
        }
    }
    tx.pragma_update(None, "user_version", LATEST_VERSION)?;
    tx.commit()?;
    Ok(head)
}

/// Migration 6: every table's CHECK constraints without `IN (...)` lists, edited in the schema
/// itself (SQLite's documented way to change a CHECK to an equivalent one; no row is touched).
fn rewrite_checks(conn: &Connection) -> Result<()> {
    let tables: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '% IN (%'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let version: i64 = conn.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    conn.pragma_update(None, "writable_schema", true)?;
    let rewritten = tables.iter().try_for_each(|(name, sql)| {
        conn.execute(
            "UPDATE sqlite_schema SET sql = ?2 WHERE type = 'table' AND name = ?1",
            [name, &super::schema::without_in_lists(sql)],
        )
        .map(|_| ())
    });
    // The new schema is read again by every connection once its version moves.
    let bumped = conn.pragma_update(None, "schema_version", version + 1);
    conn.pragma_update(None, "writable_schema", false)?;
    rewritten?;
    bumped?;
    Ok(())
}

/// Lookaside slots for the connection, before anything uses it: SQLite takes its small
/// allocations (each statement's records, its cursors) from them without `malloc`. The default
/// 40 slots of 1,200 bytes are held by the cached statements, so every save went to `malloc`
/// (a 100,000-line import held the write lock a fifth longer); 600 KB serves them. A refusal
/// (the slots already in use) leaves the default.
fn more_lookaside(conn: &Connection) {
    const SLOT: std::ffi::c_int = 1200;
    const SLOTS: std::ffi::c_int = 500;
    // SAFETY: a valid connection handle; a null buffer makes SQLite allocate SLOTS slots of
    // SLOT bytes itself, as SQLITE_DBCONFIG_LOOKASIDE takes (void*, int, int).
    unsafe {
        rusqlite::ffi::sqlite3_db_config(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBCONFIG_LOOKASIDE,
            std::ptr::null_mut::<std::ffi::c_void>(),
            SLOT,
            SLOTS,
        );
    }
}

/// With `on`, keeps the `-wal` and `-shm` files when the last connection closes (SQLite deletes
/// them otherwise; `configure` sets the journal size limit that empties the WAL then): files
/// made once by whoever may make them (`guazhi setup`, or the first editor) are never made
/// again by someone else, such as a viewer whose files the editors could not write.
fn persist_wal(conn: &Connection, on: bool) {
    let mut on = std::ffi::c_int::from(on);
    // SAFETY: a valid connection handle, a NUL-terminated schema name and an int argument, as
    // SQLITE_FCNTL_PERSIST_WAL takes.
    unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&mut on as *mut std::ffi::c_int).cast(),
        );
    }
}

/// Whether a `-wal` or `-shm` is beside `path` that this user can read neither way SQLite
/// would open it.
fn side_files_unopenable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    ["-wal", "-shm"].iter().any(|ext| {
        let mut name = path.as_os_str().to_owned();
        name.push(ext);
        let Ok(c) = std::ffi::CString::new(name.as_bytes()) else { return false };
        // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
        fs::symlink_metadata(&name).is_ok() && unsafe { libc::access(c.as_ptr(), libc::R_OK) } != 0
    })
}

/// The `-wal` or `-shm` beside `path` that exists and that this user cannot write.
fn side_not_writable(path: &Path) -> Option<std::path::PathBuf> {
    ["-wal", "-shm"].iter().map(|ext| side_path(path, ext)).find(|p| fs::symlink_metadata(p).is_ok() && !access_w(p))
}

/// A `-wal` or `-shm` owned by another account than the database's owner that the database's
/// group cannot write: made by someone who could only read (a viewer, before `guazhi setup`
/// kept the side files), it fails the saves of every editor who is not its owner.
fn foreign_side_file(path: &Path, db: &fs::Metadata) -> Option<std::path::PathBuf> {
    ["-wal", "-shm"].iter().map(|ext| side_path(path, ext)).find(|p| {
        fs::symlink_metadata(p).is_ok_and(|m| {
            m.uid() != db.uid() && !(m.gid() == db.gid() && m.mode() & 0o020 != 0 && db.mode() & 0o020 != 0)
        })
    })
}

fn side_path(path: &Path, ext: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(ext);
    name.into()
}

fn wal_exists(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    fs::symlink_metadata(wal).is_ok()
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
