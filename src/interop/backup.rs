//! `guazhi backup`: a consistent copy of the live database while colleagues keep working.
//!
//! SQLite's online backup API copies a few hundred pages at a time with a short pause between
//! steps, so no read transaction is held for long (the WAL can be checkpointed meanwhile, and
//! writers are never blocked: the database is in WAL mode). A colleague's save makes the backup
//! start again; after three restarts the rest is copied in one step, which reads one snapshot
//! and still does not block writers. The copy is written beside its final name, switched to a
//! self-contained rollback journal (no -wal file to forget), checked with
//! `PRAGMA integrity_check`, created 0660 like `init`, and only then renamed into place.

use super::InteropError;
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
}

/// `NAME-YYYYMMDD-HHMMSS.db` for a database file `NAME.db`.
pub fn dated_name(db: &Path, now: NaiveDateTime) -> String {
    format!("{}-{}.db", stem(db), now.format("%Y%m%d-%H%M%S"))
}

fn stem(db: &Path) -> String {
    db.file_stem().map_or_else(|| "guazhi".into(), |s| s.to_string_lossy().into_owned())
}

/// Whether `name` is one of the dated copies of `stem` (only these are ever rotated away).
pub fn is_dated_copy(name: &str, stem: &str) -> bool {
    let Some(middle) = name.strip_prefix(stem).and_then(|r| r.strip_prefix('-')).and_then(|r| r.strip_suffix(".db"))
    else {
        return false;
    };
    middle.len() == 15 && middle.bytes().enumerate().all(|(i, b)| if i == 8 { b == b'-' } else { b.is_ascii_digit() })
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
        return Err(InteropError::Usage("--keep: keep at least 1 copy".into()));
    }
    let store = Store::open(db, Access::ReadOnly)?;
    let into_folder = dest.is_dir();
    if keep.is_some() && !into_folder {
        return Err(InteropError::Usage(format!("--keep: {} is not a folder of dated copies", dest.display())));
    }
    let target = if into_folder { dest.join(dated_name(db, now)) } else { dest.to_path_buf() };
    if target.exists() {
        return Err(StoreError::Exists(target).into());
    }
    if same_file(db, dest) {
        return Err(InteropError::Usage("the backup cannot be the database itself".into()));
    }
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let result = copy_and_check(&store, &partial, pages_per_step.max(1)).and_then(|(pages, restarts)| {
        fs::rename(&partial, &target)?;
        Ok((pages, restarts))
    });
    let (pages, restarts) = match result {
        Ok(v) => v,
        Err(e) => {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let _ = fs::remove_file(format!("{}{suffix}", partial.display()));
            }
            return Err(e);
        }
    };
    let removed = match keep {
        Some(n) => rotate(&dir, &stem(db), n)?,
        None => Vec::new(),
    };
    Ok(Report { path: target, pages, restarts, removed })
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
    if !copy.journal_mode.eq_ignore_ascii_case("delete") {
        return Err(InteropError::Check(format!("the copy stayed in {} journal mode", copy.journal_mode)));
    }
    if copy.integrity != ["ok"] {
        return Err(InteropError::Check(format!("the copy failed integrity_check: {}", copy.integrity.join("; "))));
    }
    if copy.application_id != crate::store::schema::APPLICATION_ID {
        return Err(InteropError::Check("the copy is not tagged as a guazhi database".into()));
    }
    Ok((copy.pages, copy.restarts))
}

/// Removes all but the newest `keep` dated copies of `stem` in `dir`; returns what it removed.
fn rotate(dir: &Path, stem: &str, keep: usize) -> Result<Vec<PathBuf>, InteropError> {
    let mut copies: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| is_dated_copy(n, stem))
        .collect();
    // The timestamp sorts as text: newest last.
    copies.sort();
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
        assert_eq!(dated_name(Path::new("/srv/guazhi/guazhi.db"), now), "guazhi-20261127-083005.db");
    }
}
