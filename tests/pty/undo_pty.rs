//! Issue 13, "Undo per window": two windows of the same OS account on one file. Each window's
//! `u` and `U` offer only its own changes, never the other's.

use crate::pty_support;

use pty_support::{keys, SampleDb, Spawn, Term, WAIT};

fn open(db: &SampleDb) -> Term {
    let term = Spawn::tui(&db.path).start();
    term.wait_for("Reviews", WAIT);
    term
}

/// Records "excellent" for the first pending review on the Reviews tab.
fn record_first_review(term: &Term) {
    term.send("3");
    term.wait_for("[pending]", WAIT);
    term.send("e");
    term.wait_for("Record the result", WAIT);
    let since = term.written();
    term.send("1");
    term.wait_frame_after(since, WAIT);
    term.send(keys::ENTER);
    term.wait_for("Saved", WAIT);
}

/// The audit trail's last row before the test's saves.
fn mark(db: &SampleDb) -> i64 {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap()
}

/// The review each operation after `mark` recorded, oldest first.
fn recorded(db: &SampleDb, mark: i64) -> Vec<i64> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mut stmt = conn.prepare("SELECT row_id FROM audit WHERE action = 'record' AND id > ?1 ORDER BY id").unwrap();
    stmt.query_map([mark], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn done(db: &SampleDb, review: i64) -> Option<String> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.query_row("SELECT done_date FROM reviews WHERE id = ?1", [review], |r| r.get(0)).unwrap()
}

#[test]
fn undo_in_one_window_never_offers_the_other_windows_change() {
    let db = SampleDb::new();
    let start = mark(&db);
    let a = open(&db);
    let b = open(&db);
    let overdue = a.with_screen(|s| s.contents()).contains("5 overdue");
    assert!(overdue, "{}", a.dump());
    record_first_review(&b);
    let theirs = recorded(&db, start)[0];
    // B's save shows in A (live), so A records another review, not B's stale row.
    a.wait_for("4 overdue", WAIT);
    // Same OS account, another window: nothing of A's to undo, by either key.
    a.send("u");
    a.wait_for("nothing of yours to undo in this window", WAIT);
    a.send("U");
    a.wait_for("nothing of yours to undo in this window", WAIT);

    record_first_review(&a);
    let mine = recorded(&db, start)[1];
    assert_ne!(mine, theirs);
    a.send("U");
    let list = a.wait_for("This window's changes", WAIT);
    assert_eq!(list.matches("recorded a result").count(), 1, "only A's own change is listed:\n{list}");
    a.send(keys::ESC);
    a.wait_gone("This window's changes", WAIT);
    a.send("u");
    a.wait_for("Undo your last change?", WAIT);
    a.send("y");
    a.wait_for("Undone", WAIT);
    assert_eq!(done(&db, mine), None, "A's change is undone");
    assert!(done(&db, theirs).is_some(), "B's change stays");
    // B's undo is its own, still there to undo.
    b.send("U");
    let list = b.wait_for("This window's changes", WAIT);
    assert_eq!(list.matches("recorded a result").count(), 1, "{list}");
    assert!(!list.contains("(undone)"), "B's change is not undone:\n{list}");
    b.send(keys::ENTER);
    b.wait_for("Undo this change?", WAIT);
    b.send("y");
    b.wait_for("Undone", WAIT);
    assert_eq!(done(&db, theirs), None);
}
