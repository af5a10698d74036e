//! #11: a backup killed half-way leaves no hidden partial copy: a terminating signal removes
//! it, a later backup sweeps what SIGKILL left (only when its process is gone), and `--keep`
//! counts finished copies only.

use crate::common;
use crate::interop_support::*;
use std::path::Path;
use std::process::{Command, Stdio};

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    n.sort();
    n
}

#[test]
fn each_terminating_signal_removes_the_partial_copy() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    for (sig, name) in [(libc::SIGTERM, "TERM"), (libc::SIGINT, "INT"), (libc::SIGHUP, "HUP"), (libc::SIGQUIT, "QUIT")]
    {
        let dest = dir.path().join(format!("copies-{name}"));
        std::fs::create_dir(&dest).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_guazhi"))
            .args(["backup", s(&db), s(&dest)])
            .env("GUAZHI_TEST_HOLD_BACKUP", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The backup waits on its standard input once the partial copy is complete.
        while !names(&dest).iter().any(|n| n.contains(".partial-")) {
            assert!(child.try_wait().unwrap().is_none(), "SIG{name}: the backup ended before its partial copy showed");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, sig) };
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(128 + sig), "SIG{name}");
        assert_eq!(names(&dest), Vec::<String>::new(), "SIG{name} left files");
    }
}

#[test]
fn stale_partials_are_swept_and_keep_counts_finished_copies() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let dest = dir.path().join("copies");
    std::fs::create_dir(&dest).unwrap();
    for _ in 0..2 {
        ok(&guazhi(&["backup", s(&db), s(&dest)]));
        // Dated to the second: the next one gets a new name either way (-2 within a second).
    }
    // A process that has ended: its pid names a partial copy a SIGKILL left behind.
    let mut gone = Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    let stale = format!(".demo-20260101-000000.db.partial-{gone_pid}");
    let live = format!(".demo-20260101-000000.db.partial-{}", std::process::id());
    let other = format!(".notes.db.partial-{gone_pid}");
    for f in [stale.clone(), format!("{stale}-journal"), live.clone(), other.clone()] {
        std::fs::write(dest.join(f), "half a copy").unwrap();
    }
    let said = ok(&guazhi(&["backup", s(&db), s(&dest), "--keep", "2"]));
    assert!(said.contains(&stale) && said.contains("left by a backup that was killed"), "{said}");
    let left = names(&dest);
    assert!(!left.contains(&stale) && !left.contains(&format!("{stale}-journal")), "{left:?}");
    assert!(left.contains(&live), "a partial whose process runs is kept: {left:?}");
    assert!(left.contains(&other), "another file's partial is not touched: {left:?}");
    let finished = left.iter().filter(|n| n.starts_with("demo-")).count();
    assert_eq!(finished, 2, "--keep 2 keeps two finished copies: {left:?}");
}
