//! #14, rows 9 and 15: a disk that fills up (a small tmpfs, so root; says SKIPPED where the
//! test cannot mount). `init` leaves no file a retry would call "already exists", and a backup
//! exits 5, as documented for I/O failures, and leaves no partial copy.

use crate::common;
use crate::interop_support::{guazhi, s, stderr};
use crate::setup::Mount;

/// The files in `dir`, hidden ones included.
fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn init_on_a_full_disk_says_so_and_leaves_nothing() {
    // Smaller than the schema's first pages.
    let Some(disk) = Mount::small_tmpfs(64) else { return };
    let db = disk.path().join("guazhi.db");
    let out = guazhi(&["init", s(&db)]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{}: cannot be created", db.display())), "{}", stderr(&out));
    assert!(stderr(&out).contains("No space left on device"), "{}", stderr(&out));
    assert_eq!(files_in(disk.path()), Vec::<String>::new());
}

#[test]
fn a_backup_onto_a_full_disk_exits_5_and_leaves_no_partial_copy() {
    let work = tempfile::tempdir().unwrap();
    let demo = common::demo_db(work.path());
    // Room for a third of the demo's file.
    let size = std::fs::metadata(&demo).unwrap().len();
    let Some(disk) = Mount::small_tmpfs((size / 3 / 1024) as u32) else { return };
    let out = guazhi(&["backup", s(&demo), s(disk.path())]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("the disk is full"), "{}", stderr(&out));
    assert_eq!(files_in(disk.path()), Vec::<String>::new());
}
