//! `guazhi backup` while colleagues write: a consistent, checked copy; dated copies rotated.

use crate::common;
use crate::interop_support;

use guazhi::store::{Access, Store};
use interop_support::*;
use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Saves a dossier note again and again on its own connection until told to stop.
fn writer(db: std::path::PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut store = Store::open(&db, Access::Auto).expect("writer opens");
        let cadre = store.load().unwrap().cadres[0].id;
        let mut saved = 0;
        while !stop.load(Ordering::Relaxed) && saved < 20_000 {
            let day = common::date("2026-11-27");
            match store.write(|w| w.add_note(cadre, day, &format!("备份期间的记录 {saved}"))) {
                Ok(_) => saved += 1,
                Err(guazhi::store::StoreError::Busy) => {}
                Err(e) => panic!("writer: {e}"),
            }
        }
        saved
    })
}

fn notes(db: &std::path::Path) -> i64 {
    common::raw(db).query_row("SELECT count(*) FROM dossier_notes", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_backup_taken_while_another_connection_writes_is_whole() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let before = notes(&demo);
    let stop = Arc::new(AtomicBool::new(false));
    let handle = writer(demo.clone(), stop.clone());
    // Let the writer get going, then back up from another process.
    while notes(&demo) < before + 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let copy = dir.path().join("copy.db");
    let out = guazhi(&["backup", s(&demo), s(&copy)]);
    let during = notes(&demo);
    stop.store(true, Ordering::Relaxed);
    let saved = handle.join().unwrap();
    let text = ok(&out);
    assert!(text.contains("integrity_check ok"), "{text}");
    assert!(saved > 20, "the writer kept saving ({saved})");

    // The copy is a guazhi database the program opens, whole and consistent.
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o660);
    assert!(!std::path::Path::new(&format!("{}-wal", copy.display())).exists(), "a single file");
    let store = Store::open(&copy, Access::Auto).expect("the copy opens");
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let data = store.load().unwrap();
    assert!(data.invalid.is_empty());
    assert_eq!(data.cadres.len(), 65);
    let copied = data.notes.len() as i64;
    assert!(copied >= before + 20 && copied <= during, "{before} < {copied} <= {during}");
    // Every copied note has its audit row: no half transaction.
    let audited: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM audit WHERE table_name = 'dossier_notes'", [], |r| r.get(0))
        .unwrap();
    let original_audited: i64 = common::raw(&demo)
        .query_row("SELECT count(*) FROM audit WHERE table_name = 'dossier_notes'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited - copied, original_audited - notes(&demo));
}

#[test]
fn the_library_backup_survives_a_writer_on_another_thread() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let stop = Arc::new(AtomicBool::new(false));
    let handle = writer(demo.clone(), stop.clone());
    std::thread::sleep(std::time::Duration::from_millis(50));
    let now = chrono::Local::now().naive_local();
    let folder = dir.path().join("copies");
    std::fs::create_dir(&folder).unwrap();
    // A few pages a step: the writer's saves make the copy start again, until the rest is
    // copied in one step.
    let report = guazhi::interop::backup::backup_in_steps(&demo, &folder, None, now, 4).expect("backup");
    stop.store(true, Ordering::Relaxed);
    let saved = handle.join().unwrap();
    assert!(report.restarts >= 1, "{} saves during the backup, no restart", saved);
    assert_eq!(report.path, folder.join(guazhi::interop::backup::dated_name(&demo, now, 1)));
    assert!(report.pages > 0);
    assert_eq!(Store::open(&report.path, Access::ReadOnly).unwrap().integrity_check().unwrap(), ["ok"]);
}

#[test]
fn dated_copies_in_a_folder_are_rotated_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let old = ["demo-20200101-000000.db", "demo-20210101-000000.db", "demo-20220101-000000.db"];
    let others = ["demo.db", "demo-20230101-000000.db.bak", "other-20200101-000000.db", "notes.txt"];
    for name in old.iter().chain(&others) {
        std::fs::write(folder.join(name), "x").unwrap();
    }
    let out = ok(&guazhi(&["backup", s(&demo), s(&folder), "--keep", "2"]));
    assert!(out.contains("removed old copy"), "{out}");
    let mut left: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    let dated: Vec<&String> = left.iter().filter(|n| guazhi::interop::backup::is_dated_copy(n, "demo")).collect();
    assert_eq!(dated.len(), 2, "{left:?}");
    assert_eq!(dated[0], "demo-20220101-000000.db");
    for name in others {
        assert!(left.iter().any(|n| n == name), "{name} untouched: {left:?}");
    }
    let new = folder.join(dated[1]);
    assert_eq!(Store::open(&new, Access::ReadOnly).unwrap().integrity_check().unwrap(), ["ok"]);
}

#[test]
fn backup_refuses_what_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let copy = dir.path().join("copy.db");
    ok(&guazhi(&["backup", s(&demo), s(&copy)]));
    let before = std::fs::read(&copy).unwrap();
    let again = guazhi(&["backup", s(&demo), s(&copy)]);
    assert_eq!(again.status.code(), Some(4), "an existing file is not overwritten");
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    assert_eq!(guazhi(&["backup", s(&demo), s(&dir.path().join("x.db")), "--keep", "3"]).status.code(), Some(2));
    assert_eq!(guazhi(&["backup", s(&demo), s(dir.path()), "--keep", "0"]).status.code(), Some(2));
    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
    assert_eq!(guazhi(&["backup", s(&foreign), s(&dir.path().join("y.db"))]).status.code(), Some(3));
    assert_eq!(
        guazhi(&["backup", s(&dir.path().join("missing.db")), s(&dir.path().join("z.db"))]).status.code(),
        Some(3)
    );
    // No debris from the refusals.
    let partial = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("partial"));
    assert_eq!(partial.count(), 0);
}
