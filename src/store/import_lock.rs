//! One import at a time. An import is written in parts, and a part finds a save of someone
//! else since its last makes it check the whole file again (seconds for a large one): two
//! large imports at once starved one another, the second giving up after five checks that
//! each met the first's next part. So an import holds an advisory lock (`flock`) on
//! `DB-import-lock` beside the database while it writes, and a second one waits for it.
//! Saves on screen do not take it: they are short and a part waits for them at most once.
//!
//! The lock is never on the database file itself: closing any descriptor of that file drops
//! SQLite's own POSIX locks on it. The lock file is made once and never removed (removing it
//! could let two processes lock two different files of one name).

use super::Store;
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// How long an import waits for another: a million-line import writes in about four minutes.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Held while an import writes: dropping it lets the next import in.
pub struct ImportLock {
    _file: File,
}

/// `DB-import-lock`.
pub fn import_lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-import-lock");
    PathBuf::from(name)
}

impl Store {
    /// Takes the import lock, calling `waiting` first when another import holds it. `None`
    /// when the lock file can be neither made nor opened (a folder this account cannot write,
    /// and nobody made it yet), or was held for [`MAX_WAIT`]: the import then goes on
    /// unlocked, its parts checked against others' saves as before.
    pub fn lock_imports(&self, waiting: impl FnOnce()) -> Option<ImportLock> {
        let path = import_lock_path(self.path());
        // Made like the anchor, 0660 (the folder's group and default ACL do the rest); read
        // access is enough to lock it.
        let file =
            OpenOptions::new().append(true).create(true).mode(0o660).open(&path).or_else(|_| File::open(&path)).ok()?;
        let (mut waiting, mut since) = (Some(waiting), std::time::Instant::now());
        // SAFETY: flock on a descriptor this function owns; no memory is passed.
        while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            if let Some(say) = waiting.take() {
                say();
                since = std::time::Instant::now();
            }
            // Anyone who can read the file can hold the lock (a viewer, too): an import waits
            // long enough for any colleague's import to end, then goes on without it.
            if since.elapsed() > MAX_WAIT {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Some(ImportLock { _file: file })
    }
}
