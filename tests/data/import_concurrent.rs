//! #13: imports of different people at once all land. A colleague's save between checking a
//! file and applying it makes the import check the file again; the same plan is applied, a
//! plan the save changed is refused (it is not the one that was shown).

use crate::common;
use crate::interop_support::*;
use guazhi::interop::resolve::ImportOptions;
use guazhi::interop::run;
use std::path::{Path, PathBuf};

/// A sheet of one new cadre named `name` on one secondment (the demo's first row, unpaired).
fn one_person(dir: &Path, demo: &Path, name: &str) -> PathBuf {
    let all = dir.join("all.csv");
    if !all.exists() {
        ok(&guazhi(&["export", s(demo), "--what", "secondments", "--out", s(&all)]));
    }
    let text = std::fs::read_to_string(&all).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut cells: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    cells[0] = name.to_string();
    // 互派对象 and its birth date: no partner.
    cells[23].clear();
    cells[24].clear();
    let file = dir.join(format!("{name}.csv"));
    std::fs::write(&file, format!("{header}\n{}\n", cells.join(","))).unwrap();
    file
}

fn cadres_named(db: &Path, name: &str) -> i64 {
    common::raw(db).query_row("SELECT count(*) FROM cadres WHERE name = ?1", [name], |r| r.get(0)).unwrap()
}

#[test]
fn a_colleagues_import_of_other_people_in_between_does_not_refuse_mine() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let (mine, theirs) = (one_person(dir.path(), &db, "新人甲"), one_person(dir.path(), &db, "新人乙"));
    let mut store = common::open(&db);
    let prepared = run::prepare(&store, &mine, ImportOptions::default()).unwrap();
    // The colleague's import lands between my check and my commit.
    let mut colleague = common::open(&db);
    let theirs = run::prepare(&colleague, &theirs, ImportOptions::default()).unwrap();
    run::commit(&mut colleague, &theirs).unwrap();
    run::commit(&mut store, &prepared).expect("an unrelated save in between refused the import");
    assert_eq!((cadres_named(&db, "新人甲"), cadres_named(&db, "新人乙")), (1, 1));
}

#[test]
fn a_save_in_between_that_changes_the_plan_refuses_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let mine = one_person(dir.path(), &db, "新人丙");
    let mut store = common::open(&db);
    let prepared = run::prepare(&store, &mine, ImportOptions::default()).unwrap();
    // The colleague imports the same person first: my plan (add them) is no longer what holds.
    let mut colleague = common::open(&db);
    let same = run::prepare(&colleague, &mine, ImportOptions::default()).unwrap();
    run::commit(&mut colleague, &same).unwrap();
    let refused = run::commit(&mut store, &prepared).expect_err("a changed plan was applied");
    let said = refused.to_string();
    assert!(said.contains("alter this import's plan"), "{said}");
    assert_eq!(cadres_named(&db, "新人丙"), 1, "added once, by the colleague");
}

/// Large imports are written in parts, and each part met the other import's next one: the
/// second gave up after five checks. Now an import waits for another to end (the lock file
/// beside the database), says so, and then lands.
#[test]
fn an_import_waits_for_another_to_end_and_then_lands() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let mine = one_person(dir.path(), &db, "新人丁");
    let store = common::open(&db);
    let other = store.lock_imports(|| panic!("nobody else imports")).expect("the lock file is made");
    assert!(guazhi::store::import_lock_path(&db).exists());

    let mut child = Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["import", s(&db), s(&mine), "--yes", "--lang", "en"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (said, heard) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = said.send(line.unwrap_or_default());
        }
    });
    // A deadline only against a hang: the line comes as soon as the import is ready to write.
    let line = heard.recv_timeout(std::time::Duration::from_secs(60)).expect("the import said nothing");
    assert_eq!(line, "another import is writing; waiting for it to end…");
    assert!(child.try_wait().unwrap().is_none(), "it did not wait");
    assert_eq!(cadres_named(&db, "新人丁"), 0);

    drop(other);
    assert!(child.wait().unwrap().success());
    assert_eq!(cadres_named(&db, "新人丁"), 1);
}
