//! A copy of a database on a read-only file system (a tmpfs remounted read-only): SQLite cannot
//! make the `-shm` a WAL database is read through, and every way in says so, naming the file,
//! exit 3; a copy with its `-wal` and `-shm` is read. Needs a mount, so root; says SKIPPED
//! where the test cannot mount.

use crate::common;
use crate::interop_support::{guazhi, s, stderr, TODAY};
use crate::setup::Mount;

#[test]
fn a_copy_on_a_read_only_file_system_is_said_naming_the_file_exit_3() {
    let work = tempfile::tempdir().unwrap();
    let demo = common::demo_db(work.path());
    let Some(mount) = Mount::new("tmpfs") else { return };
    let copy = mount.path().join("copy.db");
    // `cp` of the database alone, as a user copies a file; its -wal is empty once closed.
    std::fs::copy(&demo, &copy).unwrap();
    // And a copy with its -wal and -shm, which SQLite can read without writing anything.
    let whole = mount.path().join("whole.db");
    for ext in ["", "-wal", "-shm"] {
        std::fs::copy(format!("{}{ext}", demo.display()), format!("{}{ext}", whole.display())).unwrap();
    }
    mount.remount("ro");
    assert!(std::fs::write(mount.path().join("x"), "").is_err(), "the mount is not read-only");
    let said = format!("{}: on a read-only file system", copy.display());
    for args in [vec!["stats", s(&copy)], vec!["overdue", s(&copy)], vec!["check", s(&copy)], vec![s(&copy)]] {
        let out = guazhi(&[&args[..], &["--today", TODAY]].concat());
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&said), "{args:?}: {}", stderr(&out));
    }
    for command in ["stats", "overdue", "check"] {
        let out = guazhi(&[command, s(&whole), "--today", TODAY]);
        assert_eq!(out.status.code(), Some(0), "{command} with the side files: {}", stderr(&out));
    }
}
