//! #14, row 13: an import is written in parts, each a short write transaction, so that a
//! colleague's save never waits for the whole file. Written in parts it must be the import
//! written at once; the file checked again between parts must plan the rest of it, which is
//! how a colleague's save in between is judged and how running a stopped import again ends it.

use crate::common;
use crate::interop_support::*;
use guazhi::interop::parts::{apply_part, Progress};
use guazhi::interop::resolve::ImportOptions;
use guazhi::interop::{run, InteropError};
use guazhi::lang::Lang;
use std::path::{Path, PathBuf};

const CREATE: ImportOptions = ImportOptions { create_units: true };

/// The demo's secondments as a CSV sheet in `dir`, and an empty database to import it into.
fn demo_sheet_and_empty_db(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let demo = common::demo_db(dir);
    let sheet = dir.join("secondments.csv");
    ok(&guazhi(&["export", s(&demo), "--what", "secondments", "--out", s(&sheet), "--today", TODAY]));
    let empty = dir.join("empty.db");
    ok(&guazhi(&["init", s(&empty)]));
    (demo, sheet, empty)
}

/// The demo's sheet with changes for the demo itself: two cadres' education (updates), one
/// stored term's planned end (a term change), and three lines again under new names, unpaired
/// (new cadres with their secondments).
fn changes_for_the_demo(dir: &Path, sheet: &Path) -> PathBuf {
    let text = std::fs::read_to_string(sheet).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let cells = |line: &str| line.split(',').map(str::to_string).collect::<Vec<String>>();
    let mut out = vec![lines[0].clone()];
    for (i, line) in lines.iter_mut().enumerate().skip(1) {
        let mut c = cells(line);
        match i {
            1 | 4 => c[4] = "博士研究生".into(),
            2 => c[20] = "2019-03-30".into(),
            _ => {}
        }
        out.push(c.join(","));
    }
    for (i, line) in lines.iter().skip(5).take(3).enumerate() {
        let mut c = cells(line);
        c[0] = format!("新人{}", ["甲", "乙", "丙"][i]);
        (c[23], c[24]) = (String::new(), String::new());
        out.push(c.join(","));
    }
    let file = dir.join("changes.csv");
    std::fs::write(&file, out.join("\n") + "\n").unwrap();
    file
}

#[test]
fn an_import_in_parts_of_a_few_rows_writes_what_one_part_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (demo, sheet, whole) = demo_sheet_and_empty_db(dir.path());
    let in_parts = dir.path().join("in_parts.db");
    std::fs::copy(&whole, &in_parts).unwrap();

    let mut store = common::open(&whole);
    let prepared = run::prepare(&store, &sheet, CREATE).unwrap();
    let once = run::commit(&mut store, &prepared).unwrap();
    let mut store = common::open(&in_parts);
    let prepared = run::prepare(&store, &sheet, CREATE).unwrap();
    let parts = run::commit_in_parts(&mut store, &prepared, 5).unwrap();

    assert_eq!(once.parts, 1);
    assert!(parts.parts > 20, "{} parts", parts.parts);
    assert_eq!(keys(&in_parts), keys(&whole));
    assert_eq!(keys(&in_parts), keys(&demo), "the programme of the sheet");
    assert_eq!(counts(&in_parts)[..6], counts(&whole)[..6], "units … reviews");
    // Each part is audited (a digest of its new rows), and the trail holds: `check` finds nothing.
    for db in [&whole, &in_parts] {
        let out = guazhi(&["check", s(db), "--today", TODAY]);
        assert_eq!(out.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    }
}

/// Writes the part of `prepared` after `done` (about `rows` rows) as one save, as `commit`
/// does when nobody else saves: what is written then.
fn next_part(store: &mut guazhi::store::Store, prepared: &run::Prepared, done: &Progress, rows: usize) -> Progress {
    let mut next = done.clone();
    store.write(|w| apply_part(w, &prepared.plan, &mut next, rows)).unwrap();
    next
}

/// `file` checked against `db`, and its first part written (about `rows` rows).
fn first_part(db: &Path, file: &Path, rows: usize) -> (guazhi::store::Store, run::Prepared, Progress) {
    let mut store = common::open(db);
    let prepared = run::prepare(&store, file, CREATE).unwrap();
    let first = next_part(&mut store, &prepared, &prepared.start(), rows);
    (store, prepared, first)
}

/// Writes `file`'s import part by part (about `rows` rows each) and checks after every part
/// that the file checked again plans exactly the rest.
fn parts_leave_the_rest_of_the_plan(db: &Path, file: &Path, rows: usize) -> usize {
    let mut store = common::open(db);
    let prepared = run::prepare(&store, file, CREATE).unwrap();
    let mut done = prepared.start();
    while !done.is_done(&prepared.plan) {
        done = next_part(&mut store, &prepared, &done, rows);
        let again = run::prepare(&store, file, CREATE).unwrap();
        assert_eq!(again.plan, prepared.plan.remainder(&done), "after part {}", done.parts);
    }
    assert!(run::prepare(&store, file, CREATE).unwrap().plan.is_empty());
    done.parts
}

#[test]
fn after_each_part_the_file_checked_again_plans_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (demo, sheet, empty) = demo_sheet_and_empty_db(dir.path());
    // Units, batches, cadres, secondments and pairs, all new.
    assert!(parts_leave_the_rest_of_the_plan(&empty, &sheet, 7) > 10);
    // Updates, a term change and new cadres on stored units and batches.
    let changes = changes_for_the_demo(dir.path(), &sheet);
    let plan = run::prepare(&common::open(&demo), &changes, CREATE).unwrap().plan;
    let sizes = (plan.cadre_updates.len(), plan.term_changes.len(), plan.cadres.len(), plan.secondments.len());
    assert_eq!(sizes, (2, 1, 3, 3));
    assert!(parts_leave_the_rest_of_the_plan(&demo, &changes, 1) >= 6);
}

#[test]
fn a_colleagues_unrelated_save_between_parts_does_not_stop_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let (demo, sheet, empty) = demo_sheet_and_empty_db(dir.path());
    let (mut store, prepared, first) = first_part(&empty, &sheet, 40);
    // A colleague adds a unit the import does not name.
    let mut colleague = common::open(&empty);
    colleague
        .write(|w| w.add_unit("市档案馆", guazhi::domain::UnitKind::CityOrgan, guazhi::domain::District::City))
        .unwrap();
    let done = run::commit_from(&mut store, &prepared, first, 40).expect("an unrelated save stopped the import");
    assert!(done.is_done(&prepared.plan));
    assert_eq!(keys(&empty), keys(&demo));
}

#[test]
fn a_save_between_parts_that_changes_the_rest_stops_the_import_and_running_it_again_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let (demo, sheet, empty) = demo_sheet_and_empty_db(dir.path());
    let (mut store, prepared, first) = first_part(&empty, &sheet, 10);
    // A colleague adds a person the rest of the file would add: adding them again would make two.
    let later = &prepared.plan.cadres[prepared.plan.cadres.len() - 1];
    let mut colleague = common::open(&empty);
    let home = first.units[&later.home_unit];
    let person = guazhi::store::NewCadre { home_unit_id: home, ..later.cadre.clone() };
    colleague.write(|w| w.add_cadre(&person)).unwrap();

    let stopped = run::commit_from(&mut store, &prepared, first.clone(), 10).expect_err("a changed plan went on");
    let InteropError::Stopped { cause, .. } = &stopped else { panic!("not a stop after parts: {stopped}") };
    assert!(cause.text(Lang::En).contains("alter this import's plan"), "{stopped}");
    let said = stopped.text(Lang::En);
    let (c, sec) = (first.cadres_written() as i64, first.secondments_written());
    assert!(said.contains(&format!("{c} cadres, {sec} secondments")), "{said}");
    assert!(said.contains("run the same import again"), "{said}");
    assert!(stopped.text(Lang::Zh).contains("再次运行同样的导入"), "{}", stopped.text(Lang::Zh));
    assert_eq!(
        common::raw(&empty).query_row("SELECT count(*) FROM cadres", [], |r| r.get::<_, i64>(0)).unwrap(),
        c + 1
    );

    // Run again, the file plans the rest, the colleague's person included as stored.
    let mut store = common::open(&empty);
    let again = run::prepare(&store, &sheet, CREATE).unwrap();
    assert_eq!(again.plan.cadres.len() as i64, prepared.plan.cadres.len() as i64 - c - 1);
    run::commit(&mut store, &again).unwrap();
    assert_eq!(keys(&empty), keys(&demo));
}

/// Every tab of `window` at 400×40 (nothing cut short) as text without its spaces, its first row selected (a window keeps its own
/// selection; the panels below a list follow it), but the footer (whose cue says who saved
/// what).
fn tabs(window: &mut common::Live) -> Vec<Vec<String>> {
    use guazhi::app::{Action, Tab};
    Tab::ALL
        .iter()
        .map(|&tab| {
            window.update(Action::GoTab(tab));
            window.update(Action::Top);
            let mut rows = window.rows(400, 40);
            rows.truncate(37);
            // A column keeps the width it grew to (a save does not measure every row again):
            // the same text, not the same spaces.
            rows.iter().map(|r| r.split_whitespace().collect::<String>()).collect()
        })
        .collect()
}

#[test]
fn an_open_window_takes_in_each_part_from_its_rows_and_shows_what_a_new_window_shows() {
    use guazhi::app::{Action, Display};
    let dir = tempfile::tempdir().unwrap();
    let (demo, sheet, empty) = demo_sheet_and_empty_db(dir.path());
    let changes = changes_for_the_demo(dir.path(), &sheet);
    let today = common::date(TODAY);
    let display = || Display { db_name: "x.db".into(), ..Display::new(Lang::En) };
    for (db, file, rows) in [(&empty, &sheet, 20), (&demo, &changes, 5)] {
        let mut window = common::Live::open(db, today, display());
        let mut store = common::open(db);
        let prepared = run::prepare(&store, file, CREATE).unwrap();
        let mut done = prepared.start();
        while !done.is_done(&prepared.plan) {
            let before = store.audit_mark().unwrap();
            done = next_part(&mut store, &prepared, &done, rows);
            // Read from the part's rows, not everything again (which a bulk load asks for).
            assert!(!store.affected_since(before).unwrap().all, "part {} read everything", done.parts);
            window.update(Action::Changed);
            let fresh = tabs(&mut common::Live::open(db, today, display()));
            for (tab, (shown, new)) in tabs(&mut window).iter().zip(&fresh).enumerate() {
                let differs = shown.iter().zip(new).find(|(a, b)| a != b);
                assert!(differs.is_none(), "{} after part {}, tab {tab}: {differs:#?}", file.display(), done.parts);
            }
        }
        assert!(done.parts >= 3, "{} parts", done.parts);
    }
}

/// Taken in row by row, a part of a 100,000-line import held a window for a minute: a part of
/// more than 500 rows has the lists built again instead (in the background, on screen).
#[test]
fn a_large_part_has_the_lists_built_again_not_taken_in_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let (_demo, sheet, empty) = demo_sheet_and_empty_db(dir.path());
    let mut store = common::open(&empty);
    let before = store.audit_mark().unwrap();
    let prepared = run::prepare(&store, &sheet, CREATE).unwrap();
    let reviews = prepared.plan.secondments.len() * 11;
    assert!(prepared.plan.cadres.len() + reviews > 500, "the demo's programme is one large part");
    assert_eq!(run::commit(&mut store, &prepared).unwrap().parts, 1);
    assert!(store.affected_since(before).unwrap().all);
}

/// Ctrl-C (or SIGTERM) during a large import stops it before its next part: it says what the
/// parts before wrote and how to finish, exit 130, and running it again ends it.
#[test]
fn an_import_stopped_by_a_signal_between_parts_says_what_it_wrote_and_running_it_again_ends_it() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let (demo, sheet, empty) = demo_sheet_and_empty_db(dir.path());
    let child = Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["import", s(&empty), s(&sheet), "--create-units", "--yes", "--lang", "en"])
        .env("GUAZHI_TEST_PART_ROWS", "5")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let cadres = || -> i64 { common::raw(&empty).query_row("SELECT count(*) FROM cadres", [], |r| r.get(0)).unwrap() };
    // Once a part is written. (A deadline only against a hang.)
    let since = std::time::Instant::now();
    while cadres() == 0 {
        assert!(since.elapsed().as_secs() < 120, "no part was written");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{said}");
    assert!(said.contains("guazhi: stopped by signal 2\nguazhi: this part was not written; the"), "{said}");
    assert!(said.contains("run the same import again to write the rest"), "{said}");
    let written = cadres();
    assert!(written > 0 && written < 65, "{written} of the demo's 65 cadres");
    assert!(said.contains(&format!("{written} cadres")), "{said}");

    let again = ok(&guazhi(&["import", s(&empty), s(&sheet), "--create-units", "--yes"]));
    assert!(again.contains("imported into"), "{again}");
    assert_eq!(keys(&empty), keys(&demo));
}
