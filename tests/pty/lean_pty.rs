//! Large-database mode through the real binary in a pseudo-terminal: a generated database of a
//! few thousand cadres with the threshold lowered (`GUAZHI_LARGE_ABOVE`), so the first screen
//! comes from the first rows, the catalogs arrive from the background thread, and search,
//! the dossier and the Reviews tab work on every record.

use crate::pty_support;

use pty_support::{Spawn, WAIT};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn generated(dir: &Path, cadres: usize) -> PathBuf {
    let path = dir.join("big.db");
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["sample", "--cadres", &cadres.to_string(), path.to_str().unwrap()])
        .output()
        .expect("run guazhi sample");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

#[test]
fn a_large_database_opens_at_once_then_searches_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 3000);
    let total: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM cadres WHERE archived = 0", [], |r| r.get(0))
        .unwrap();
    let term = Spawn::tui(&db).lang("en").size(120, 40).env("GUAZHI_LARGE_ABOVE", "1000").start();
    // The whole list, once the catalog is in (the first screen holds only the first rows).
    term.wait_for(&format!("{total}/"), WAIT);
    term.send("/");
    term.send("zhang");
    let screen = term.wait_until("search results", WAIT, |s| {
        let text = s.contents();
        text.contains("\"zhang\"") && !text.contains(&format!("{total}/"))
    });
    assert!(screen.contains('张') || screen.contains('章') || screen.contains('长'), "{screen}");
    term.send("\r");
    // Enter keeps the search; Enter again opens the first match's dossier.
    term.send("\r");
    term.wait_for("Secondments", WAIT);
    term.send("\x1b");
    term.send("3");
    let reviews = term.wait_for("Reviews", WAIT);
    assert!(reviews.contains("overdue") || reviews.contains("due"), "{reviews}");
    // A tab that needs every record says so instead of loading them.
    term.send("5");
    term.wait_for("Not shown for a large database", Duration::from_secs(10));
    term.send("q");
}
