//! Issue 4 end to end: the real binary in a pseudo-terminal on a copy of sample.db, keys as a
//! user types them, the screen read with a terminal emulator, the database checked with SQL.
//!
//! These double as the scripted way to drive saves (for load and crash tests): every save
//! below is a handful of keys, e.g. on the Reviews tab `e`, `1`, Enter records "excellent".

use crate::pty_support;

use pty_support::{keys, SampleDb, Spawn, Term, WAIT};
use std::path::Path;
use std::time::Duration;

fn raw(db: &SampleDb) -> rusqlite::Connection {
    rusqlite::Connection::open(&db.path).unwrap()
}

fn me() -> String {
    guazhi::store::Actor::current().user
}

/// The screens on `db` with drafts kept under `state`.
fn start(db: &SampleDb, state: &Path) -> Term {
    let term = Spawn::tui(&db.path).env("XDG_STATE_HOME", &state.display().to_string()).start();
    term.wait_for("Reviews", WAIT);
    term
}

/// The overdue count in the header.
fn overdue(term: &Term) -> usize {
    let head = term.row_text(0);
    let at = head.find(" overdue").unwrap_or_else(|| panic!("no overdue count in {head:?}"));
    head[..at].rsplit(' ').next().unwrap().parse().unwrap()
}

/// Sends text one key at a time, waiting for a frame after each (a slow typist).
fn type_keys(term: &Term, text: &str) {
    for c in text.chars() {
        let since = term.written();
        term.send(&c.to_string());
        term.wait_frame_after(since, WAIT);
    }
}

fn quit(mut term: Term) {
    term.send("\x03");
    term.finish(WAIT);
}

#[test]
fn record_an_overdue_review_in_a_few_keys_and_the_header_count_drops() {
    let db = SampleDb::new();
    let state = tempfile::tempdir().unwrap();
    let term = start(&db, state.path());
    let before = overdue(&term);
    assert!(before > 0);
    term.send("3");
    term.wait_for("[pending]", WAIT);
    term.send("e");
    term.wait_for("Record the result", WAIT);
    type_keys(&term, "1");
    term.send(keys::ENTER);
    term.wait_for("Saved", WAIT);
    term.wait_for(&format!("{} overdue", before - 1), WAIT);
    let (grade, user): (String, String) = raw(&db)
        .query_row(
            "SELECT r.grade, a.os_user FROM reviews r JOIN audit a ON a.table_name = 'reviews' AND a.row_id = r.id
             WHERE r.done_date = '2026-11-27' AND a.action = 'record'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((grade, user), ("excellent".to_string(), me()));
    quit(term);
}

#[test]
fn add_a_cadre_by_typing_chinese() {
    let db = SampleDb::new();
    let state = tempfile::tempdir().unwrap();
    let term = start(&db, state.path());
    term.send("a");
    term.wait_for("Add a cadre", WAIT);
    type_keys(&term, "欧阳新\t2\t1990-02-03\t1\t硕士\t城乡规划\t0.5\t国土规划\t科员");
    // The cursor sits after the last character typed, counted in cells (科员 is 4 cells).
    let (row, col) = term.with_screen(|s| s.cursor_position());
    let before: String =
        term.with_screen(|s| (1..=4).rev().map(|i| s.cell(row, col - i).unwrap().contents()).collect());
    assert_eq!(before, "科员", "the caret is right after 科员: {}", term.dump());
    assert!(term.row_text(row).contains("Home post"));
    term.send(keys::ENTER);
    term.wait_for("Saved: Add a cadre", WAIT);
    term.wait_for("欧阳新", WAIT);
    let row: (String, String, String, String) = raw(&db)
        .query_row(
            "SELECT c.name, gender, u.name, a.os_user FROM cadres c JOIN units u ON u.id = c.home_unit_id
             JOIN audit a ON a.table_name = 'cadres' AND a.row_id = c.id AND a.action = 'insert' WHERE c.name = '欧阳新'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(row, ("欧阳新".into(), "f".into(), "市国土规划局".into(), me()));
    quit(term);
}

#[test]
fn end_a_secondment_early_from_the_dossier() {
    let db = SampleDb::new();
    let state = tempfile::tempdir().unwrap();
    let term = start(&db, state.path());
    term.send("/");
    type_keys(&term, "单志远");
    term.send(keys::ENTER);
    term.send(keys::ENTER);
    term.wait_for("Dossier", WAIT);
    term.send("x");
    term.wait_for("End early:", WAIT);
    term.wait_for("evaluation falls due", WAIT);
    term.wait_for("2026-12-27", WAIT);
    type_keys(&term, "\t调回原单位");
    term.send(keys::ENTER);
    term.wait_for("Saved", WAIT);
    term.wait_for("调回原单位", WAIT);
    let (end, user): (String, String) = raw(&db)
        .query_row(
            "SELECT s.actual_end, a.os_user FROM secondments s JOIN cadres c ON c.id = s.cadre_id
             JOIN audit a ON a.table_name = 'secondments' AND a.row_id = s.id AND a.action = 'end_early'
             WHERE c.name = '单志远'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((end, user), ("2026-11-27".to_string(), me()));
    let open_later: i64 = raw(&db)
        .query_row(
            "SELECT count(*) FROM reviews r JOIN secondments s ON s.id = r.secondment_id JOIN cadres c ON c.id = s.cadre_id
             WHERE c.name = '单志远' AND r.due_date > '2027-02-01' AND r.cancelled = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open_later, 0);
    quit(term);
}

/// Opens the edit form of 欧阳明远 and replaces the home post with `post`.
fn edit_post(term: &Term, post: &str) {
    // Keys typed while the list is read wait for it, and `e` would cancel the waiting Enter.
    term.wait_gone("reading every record", WAIT);
    term.send("/");
    type_keys(term, "oymy");
    term.send(keys::ENTER);
    term.send("e");
    term.wait_for("Edit cadre", WAIT);
    for _ in 0..8 {
        term.send(keys::TAB);
    }
    term.send("\x15"); // Ctrl-U: clear the field
    type_keys(term, post);
}

#[test]
fn two_processes_edit_the_same_cadre_and_the_second_save_shows_the_conflict() {
    let db = SampleDb::new();
    let state = tempfile::tempdir().unwrap();
    let first = start(&db, state.path());
    let second = start(&db, state.path());
    edit_post(&first, "甲的职务");
    edit_post(&second, "乙的职务");
    first.send(keys::ENTER);
    first.wait_for("Saved", WAIT);
    second.send(keys::ENTER);
    let screen = second.wait_for("Save conflict", WAIT);
    assert!(screen.contains("saved this record") && screen.contains("甲的职务"), "{screen}");
    assert!(screen.contains("re-apply"), "{screen}");
    let post: String =
        raw(&db).query_row("SELECT home_post FROM cadres WHERE name = '欧阳明远'", [], |r| r.get(0)).unwrap();
    assert_eq!(post, "甲的职务", "the second save did not overwrite the first");
    // Re-apply: the second user's edit on top of the first's, saved.
    second.send("a");
    second.wait_gone("Save conflict", WAIT);
    second.send(keys::ENTER);
    second.wait_for("Saved", WAIT);
    let post: String =
        raw(&db).query_row("SELECT home_post FROM cadres WHERE name = '欧阳明远'", [], |r| r.get(0)).unwrap();
    assert_eq!(post, "乙的职务");
    quit(first);
    quit(second);
}

/// A form is open and typed into when the terminal goes; the next start offers it. (A panic,
/// SIGHUP, SIGTERM and SIGINT in the same situation: tests/reliability_pty.rs, one table.)
fn draft_survives(end: impl FnOnce(&mut Term)) {
    let db = SampleDb::new();
    let state = tempfile::tempdir().unwrap();
    let mut term = start(&db, state.path());
    term.send("a");
    term.wait_for("Add a cadre", WAIT);
    // Tab on to Born and wait for it: the hang-up must not overtake the keys still in the pty.
    type_keys(&term, "草稿里的人\t2\t");
    term.wait_for("› Born", WAIT);
    end(&mut term);
    term.wait_exit(WAIT).expect("it exits");
    let dir = state.path().join("guazhi");
    let files: Vec<_> = std::fs::read_dir(&dir).expect("a draft folder").map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("草稿里的人"), "{text}");
    assert_eq!(
        raw(&db)
            .query_row("SELECT count(*) FROM cadres WHERE name = '草稿里的人'", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        0
    );

    let term = start(&db, state.path());
    term.wait_for("Unsaved draft", WAIT);
    term.wait_for("Add a cadre", WAIT);
    term.send("r");
    term.wait_for("Restored the form", WAIT);
    term.wait_for("草稿里的人", WAIT);
    // Name and sex came back; the rest is filled in now.
    type_keys(&term, "\t\t1990-01-01\t1\t\t\t\t龙江");
    term.send(keys::ENTER); // the unit list opens
    term.wait_for("Choose: Home unit", WAIT);
    term.send(keys::ENTER);
    term.send(keys::ENTER);
    term.wait_for("Saved", WAIT);
    assert_eq!(
        raw(&db)
            .query_row("SELECT count(*) FROM cadres WHERE name = '草稿里的人'", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "the draft is gone once saved");
    quit(term);
}

#[test]
fn closing_the_terminal_in_the_middle_of_a_form_keeps_a_draft() {
    draft_survives(|t| t.hang_up());
}

#[test]
fn read_only_shows_a_banner_and_every_edit_key_says_why() {
    let db = SampleDb::new();
    let term = Spawn::tui(&db.path).arg("--read-only").start();
    term.wait_for("READ-ONLY", WAIT);
    term.send("a");
    term.wait_for("read-only (opened with --read-only): cannot add a cadre", WAIT);
    assert!(!term.screen().contains("Add a cadre"), "no form opens");
    term.send("3");
    term.wait_gone("cannot add", WAIT);
    term.send("e");
    term.wait_for("cannot record result", WAIT);
    std::thread::sleep(Duration::from_millis(50));
    quit(term);
}
