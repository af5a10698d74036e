//! #13: imports of different people at once all land. A colleague's save between checking a
//! file and applying it makes the import check the file again; the same plan is applied, a
//! plan the save changed is refused (it is not the one that was shown).

use crate::common;
use crate::interop_support::*;
use guazhi::interop::parts::Progress;
use guazhi::interop::resolve::ImportOptions;
use guazhi::interop::{run, InteropError};
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

/// Checks `mine`, lets a colleague import `theirs` meanwhile, then commits mine: what it did.
fn mine_after_theirs(db: &Path, mine: &Path, theirs: &Path) -> Result<Progress, InteropError> {
    let mut store = common::open(db);
    let prepared = run::prepare(&store, mine, ImportOptions::default()).unwrap();
    let mut colleague = common::open(db);
    let theirs = run::prepare(&colleague, theirs, ImportOptions::default()).unwrap();
    run::commit(&mut colleague, &theirs).unwrap();
    run::commit(&mut store, &prepared)
}

fn cadres_named(db: &Path, name: &str) -> i64 {
    common::raw(db).query_row("SELECT count(*) FROM cadres WHERE name = ?1", [name], |r| r.get(0)).unwrap()
}

#[test]
fn a_colleagues_import_of_other_people_in_between_does_not_refuse_mine() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let (mine, theirs) = (one_person(dir.path(), &db, "新人甲"), one_person(dir.path(), &db, "新人乙"));
    // The colleague's import lands between my check and my commit.
    mine_after_theirs(&db, &mine, &theirs).expect("an unrelated save in between refused the import");
    assert_eq!((cadres_named(&db, "新人甲"), cadres_named(&db, "新人乙")), (1, 1));
}

#[test]
fn a_save_in_between_that_changes_the_plan_refuses_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let mine = one_person(dir.path(), &db, "新人丙");
    // The colleague imports the same person first: my plan (add them) is no longer what holds.
    let refused = mine_after_theirs(&db, &mine, &mine).expect_err("a changed plan was applied");
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

/// `one_person`, in a batch the database does not have yet (the import creates it).
fn in_new_batch(dir: &Path, demo: &Path, name: &str) -> PathBuf {
    let file = one_person(dir, demo, name);
    let text = std::fs::read_to_string(&file).unwrap().replace("2017年第一批", "2017年补录批");
    std::fs::write(&file, text).unwrap();
    file
}

/// Two colleagues import different people into the same new batch: the first creates it, and
/// the second, which would have created it too, takes it as stored and lands.
#[test]
fn a_colleagues_import_that_created_the_same_new_batch_does_not_refuse_mine() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let (mine, theirs) = (in_new_batch(dir.path(), &db, "新人戊"), in_new_batch(dir.path(), &db, "新人己"));
    let plan = run::prepare(&common::open(&db), &mine, ImportOptions::default()).unwrap().plan;
    assert_eq!(plan.batches.len(), 1, "mine creates the batch");
    let done = mine_after_theirs(&db, &mine, &theirs).expect("the same new batch refused the import");
    assert_eq!(done.taken_as_stored, 1);
    assert_eq!((cadres_named(&db, "新人戊"), cadres_named(&db, "新人己")), (1, 1));
    let batches: i64 = common::raw(&db)
        .query_row("SELECT count(*) FROM batches WHERE name = '2017年补录批'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(batches, 1);
}

/// The same, but the colleague's batch has other terms (12 months, not 24): mine would change
/// it, which is not what was shown, so it is refused.
#[test]
fn a_colleagues_new_batch_of_other_terms_refuses_mine() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let (mine, theirs) = (in_new_batch(dir.path(), &db, "新人庚"), in_new_batch(dir.path(), &db, "新人辛"));
    let text = std::fs::read_to_string(&theirs).unwrap();
    let (header, line) = text.split_once('\n').unwrap();
    let mut cells: Vec<&str> = line.trim_end().split(',').collect();
    assert_eq!(header.split(',').nth(13), Some("挂职期限（月）"));
    cells[13] = "12";
    std::fs::write(&theirs, format!("{header}\n{}\n", cells.join(","))).unwrap();
    let refused = mine_after_theirs(&db, &mine, &theirs).expect_err("a batch of other terms was taken as mine");
    assert!(refused.to_string().contains("alter this import's plan"), "{refused}");
    assert_eq!(cadres_named(&db, "新人庚"), 0);
}
