//! `guazhi backup`: a consistent copy of the live database while colleagues keep working.
//!
//! SQLite's online backup API copies a few hundred pages at a time with a short pause between
//! steps, so no read transaction is held for long (the WAL can be checkpointed meanwhile, and
//! writers are never blocked: the database is in WAL mode). A colleague's save makes the backup
//! start again; after three restarts the rest is copied in one step, which reads one snapshot
//! and still does not block writers. The copy is written beside its final name, switched to a
//! self-contained rollback journal (no -wal file to forget), checked with
//! `PRAGMA integrity_check`, created 0660 like `init`, and only then renamed into place.

use super::{say, InteropError};
use crate::store::{Access, Store, StoreError};
use chrono::NaiveDateTime;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const PAGES_PER_STEP: i32 = 256;

#[derive(Debug, Clone)]
pub struct Report {
    pub path: PathBuf,
    pub pages: i32,
    /// How often a colleague's save made the copy start again.
    pub restarts: u32,
    /// Old dated copies removed by `--keep`.
    pub removed: Vec<PathBuf>,
    /// Partial copies left by backups that were killed (their process is gone), removed.
    pub stale: Vec<PathBuf>,
    /// The database is wrongly shared (`Store::exposure_warning`): what to run.
    pub warning: Option<crate::lang::Message>,
}

/// The partial copy being written now, for [`remove_partial`] on a terminating signal.
static PARTIAL: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

/// Removes the partial copy being written, with its side files: the command line calls it on
/// SIGTERM, SIGINT, SIGHUP or SIGQUIT before exiting, so a killed backup leaves no hidden copy
/// of the personnel data behind (SIGKILL cannot be caught: the next backup sweeps it).
pub fn remove_partial() {
    let partial = PARTIAL.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(partial) = partial {
        remove_with_sides(&partial);
    }
}

fn remove_with_sides(partial: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", partial.display()));
    }
}

/// Removes `.NAME.partial-PID` files (and their side files) in `dir` whose NAME is `name` or
/// a dated copy of `stem` and whose process is gone: what a SIGKILL or a power cut left.
fn sweep_stale(dir: &Path, stem: &str, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut removed = Vec::new();
    for entry in entries.filter_map(|e| e.ok()) {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some((base, pid)) = file.strip_prefix('.').and_then(|f| f.rsplit_once(".partial-")) else { continue };
        let pid = pid.trim_end_matches("-journal").trim_end_matches("-wal").trim_end_matches("-shm");
        let Ok(pid) = pid.parse::<i32>() else { continue };
        if (base == name || is_dated_copy(base, stem)) && pid > 0 && !alive(pid) {
            let path = entry.path();
            if fs::remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed.sort();
    removed
}

/// Whether process `pid` exists (signal 0 only checks; EPERM: it exists, as another user's).
fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 sends nothing.
    unsafe { libc::kill(pid, 0) == 0 || *libc::__errno_location() == libc::EPERM }
}

/// `NAME-YYYYMMDD-HHMMSS.db` for a database file `NAME.db`; the `n`-th copy made within the
/// same second is `NAME-YYYYMMDD-HHMMSS-n.db` (n ≥ 2).
pub fn dated_name(db: &Path, now: NaiveDateTime, n: u32) -> String {
    let seq = if n > 1 { format!("-{n}") } else { String::new() };
    format!("{}-{}{seq}.db", stem(db), now.format("%Y%m%d-%H%M%S"))
}

fn stem(db: &Path) -> String {
    db.file_stem().map_or_else(|| "guazhi".into(), |s| s.to_string_lossy().into_owned())
}

/// When a dated copy of `stem` was made: (its timestamp, its number within that second).
/// `None` for any other file (only dated copies are ever rotated away).
fn dated_copy(name: &str, stem: &str) -> Option<(String, u32)> {
    let middle = name.strip_prefix(stem)?.strip_prefix('-')?.strip_suffix(".db")?;
    let (stamp, n) = match middle.get(15..) {
        Some("") => (middle, 1),
        Some(rest) => {
            (&middle[..15], rest.strip_prefix('-')?.parse().ok().filter(|n| *n > 1 && !rest.starts_with("-0"))?)
        }
        None => return None,
    };
    let shaped = stamp.bytes().enumerate().all(|(i, b)| if i == 8 { b == b'-' } else { b.is_ascii_digit() });
    shaped.then(|| (stamp.to_string(), n))
}

/// Whether `name` is one of the dated copies of `stem` (only these are ever rotated away).
pub fn is_dated_copy(name: &str, stem: &str) -> bool {
    dated_copy(name, stem).is_some()
}

/// Copies `db` to `dest` (a file that must not exist, or a folder to hold a dated copy) and
/// checks the copy; with `keep`, only the newest `keep` dated copies stay in the folder.
pub fn backup(db: &Path, dest: &Path, keep: Option<usize>, now: NaiveDateTime) -> Result<Report, InteropError> {
    backup_in_steps(db, dest, keep, now, PAGES_PER_STEP)
}

/// [`backup`] copying `pages_per_step` pages per step (tests use few, to meet restarts).
pub fn backup_in_steps(
    db: &Path,
    dest: &Path,
    keep: Option<usize>,
    now: NaiveDateTime,
    pages_per_step: i32,
) -> Result<Report, InteropError> {
    if keep == Some(0) {
        return Err(InteropError::Usage(say("--keep：至少保留 1 份", "--keep: keep at least 1 copy")));
    }
    let store = Store::open(db, Access::ReadOnly)?;
    let warning = store.exposure_warning();
    let into_folder = dest.is_dir();
    if keep.is_some() && !into_folder {
        let shown = dest.display();
        return Err(InteropError::Usage(say(
            format!("--keep：{shown} 不是存放带日期副本的文件夹"),
            format!("--keep: {shown} is not a folder of dated copies"),
        )));
    }
    let named = |n: u32| if into_folder { dest.join(dated_name(db, now, n)) } else { dest.to_path_buf() };
    if !into_folder && dest.exists() {
        return Err(StoreError::Exists(dest.to_path_buf()).into());
    }
    if same_file(db, dest) {
        return Err(InteropError::Usage(say("备份不能是数据库本身", "the backup cannot be the database itself")));
    }
    let first = named(1);
    let dir = first.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    let name = first.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stale = sweep_stale(&dir, &stem(db), &name);
    let partial = dir.join(format!(".{name}.partial-{}", std::process::id()));
    *PARTIAL.lock().unwrap_or_else(|e| e.into_inner()) = Some(partial.clone());
    let result = copy_and_check(&store, &partial, pages_per_step.max(1))
        .and_then(|(pages, restarts)| Ok((place(&partial, named, into_folder)?, pages, restarts)))
        .map_err(|e| e.naming(dest));
    *PARTIAL.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let (target, pages, restarts) = match result {
        Ok(v) => v,
        Err(e) => {
            remove_with_sides(&partial);
            return Err(e);
        }
    };
    let removed = match keep {
        Some(n) => rotate(&dir, &stem(db), n)?,
        None => Vec::new(),
    };
    Ok(Report { path: target, pages, restarts, removed, stale, warning })
}

/// Gives the checked copy its name without ever replacing a file: a link fails when the name
/// is taken, so a second backup within the same second (or a colleague's, at the same moment)
/// takes the next number instead of failing or overwriting.
fn place(partial: &Path, named: impl Fn(u32) -> PathBuf, into_folder: bool) -> Result<PathBuf, InteropError> {
    for n in 1..=1000 {
        let target = named(n);
        match fs::hard_link(partial, &target) {
            Ok(()) => {
                fs::remove_file(partial)?;
                return Ok(target);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && into_folder => continue,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(StoreError::Exists(target).into()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Exists(named(1000)).into())
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// Backs up into `partial` (created here, 0660) and checks the copy; returns (pages, restarts).
fn copy_and_check(store: &Store, partial: &Path, pages_per_step: i32) -> Result<(i32, u32), InteropError> {
    let file = OpenOptions::new().write(true).create_new(true).mode(0o660).open(partial)?;
    file.set_permissions(fs::Permissions::from_mode(0o660))?;
    drop(file);
    let copy = store.copy_into(partial, pages_per_step)?;
    hold_for_tests();
    if !copy.journal_mode.eq_ignore_ascii_case("delete") {
        let mode = &copy.journal_mode;
        return Err(InteropError::Check(say(
            format!("副本仍是 {mode} 日志模式"),
            format!("the copy stayed in {mode} journal mode"),
        )));
    }
    if copy.integrity != ["ok"] {
        let found = copy.integrity.join("; ");
        return Err(InteropError::Check(say(
            format!("副本未通过 integrity_check：{found}"),
            format!("the copy failed integrity_check: {found}"),
        )));
    }
    if copy.application_id != crate::store::schema::APPLICATION_ID {
        return Err(InteropError::Check(say(
            "副本没有 guazhi 数据库的标记",
            "the copy is not tagged as a guazhi database",
        )));
    }
    Ok((copy.pages, copy.restarts))
}

/// Test-only: with `GUAZHI_TEST_HOLD_BACKUP` set, waits for standard input to close once the
/// partial copy is written, so a test can signal a backup that is surely half-way.
fn hold_for_tests() {
    if std::env::var_os("GUAZHI_TEST_HOLD_BACKUP").is_some() {
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
    }
}

/// Removes all but the newest `keep` dated copies of `stem` in `dir`; returns what it removed.
fn rotate(dir: &Path, stem: &str, keep: usize) -> Result<Vec<PathBuf>, InteropError> {
    let mut copies: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| is_dated_copy(n, stem))
        .collect();
    // Newest last: by the timestamp (it sorts as text), then the number within its second.
    copies.sort_by_cached_key(|n| dated_copy(n, stem));
    let excess = copies.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for name in &copies[..excess] {
        let path = dir.join(name);
        fs::remove_file(&path)?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_copies_are_recognised_exactly() {
        assert!(is_dated_copy("guazhi-20261127-083000.db", "guazhi"));
        assert!(!is_dated_copy("guazhi-20261127-083000.db.bak", "guazhi"));
        assert!(!is_dated_copy("guazhi-2026112-083000.db", "guazhi"));
        assert!(!is_dated_copy("other-20261127-083000.db", "guazhi"));
        assert!(!is_dated_copy("guazhi.db", "guazhi"));
        assert!(!is_dated_copy("guazhi-x-20261127-083000.db", "guazhi"));
    }

    #[test]
    fn dated_name_uses_the_stem() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap().and_hms_opt(8, 30, 5).unwrap();
        assert_eq!(dated_name(Path::new("/srv/guazhi/guazhi.db"), now, 1), "guazhi-20261127-083005.db");
        assert_eq!(dated_name(Path::new("guazhi.db"), now, 2), "guazhi-20261127-083005-2.db");
    }

    #[test]
    fn copies_of_the_same_second_are_numbered_and_ordered() {
        assert_eq!(dated_copy("guazhi-20261127-083005-2.db", "guazhi"), Some(("20261127-083005".into(), 2)));
        assert_eq!(dated_copy("guazhi-20261127-083005.db", "guazhi"), Some(("20261127-083005".into(), 1)));
        for not in ["guazhi-20261127-083005-1.db", "guazhi-20261127-083005-02.db", "guazhi-20261127-083005-x.db"] {
            assert!(!is_dated_copy(not, "guazhi"), "{not}");
        }
        let mut names =
            vec!["g-20261127-083005-10.db", "g-20261127-083006.db", "g-20261127-083005-2.db", "g-20261127-083005.db"];
        names.sort_by_cached_key(|n| dated_copy(n, "g"));
        assert_eq!(
            names,
            ["g-20261127-083005.db", "g-20261127-083005-2.db", "g-20261127-083005-10.db", "g-20261127-083006.db"]
        );
    }
}
