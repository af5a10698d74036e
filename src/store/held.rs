//! One descriptor per database file for the program's own reads of it (the header, before
//! SQLite touches the file), shared by every `Store` open on that file and closed with the last.
//!
//! Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
//! shared lock included. Another program reading the file (the sqlite3 shell) then took itself
//! for the file's last user when it closed, moved the WAL into the file and deleted it, and the
//! saves acknowledged after that went into the deleted WAL: lost. The screens open a connection
//! for each loader beside the first, so the header was read, and closed, while the first was open.

use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};

/// A file's device and inode.
type FileKey = (u64, u64);

/// The files held, by device and inode.
static HELD: Mutex<Vec<(FileKey, Weak<File>)>> = Mutex::new(Vec::new());

/// The descriptor of the file `path` names (`meta`: its metadata, just read): the one already
/// held when a `Store` of this process has it open, else a new one.
pub(super) fn held_file(path: &Path, meta: &fs::Metadata) -> std::io::Result<Arc<File>> {
    let mut held = HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    held.retain(|(_, file)| file.strong_count() > 0);
    let key = (meta.dev(), meta.ino());
    if let Some(file) = held.iter().find(|(k, _)| *k == key).and_then(|(_, f)| f.upgrade()) {
        return Ok(file);
    }
    let file = Arc::new(File::open(path)?);
    let opened = file.metadata()?;
    let opened_key = (opened.dev(), opened.ino());
    if opened_key != key && held.iter().any(|(k, _)| *k == opened_key) {
        // The path was replaced between the look and the open by a file this process holds:
        // this descriptor must not be closed while those locks matter. One descriptor is
        // kept for the process's life instead.
        std::mem::forget(Arc::clone(&file));
    }
    held.push((opened_key, Arc::downgrade(&file)));
    Ok(file)
}
