//! The store against real files: opening, refusing, migrating, conflicts, audit.

use crate::common;

use common::*;
use guazhi::domain::*;
use guazhi::store::schema::{APPLICATION_ID, LATEST_VERSION};
use guazhi::store::{Access, NewCadre, NewSecondment, ReviewResult, Store, StoreError};
use std::os::unix::fs::PermissionsExt;

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn init_creates_a_group_writable_wal_database_tagged_as_ours() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::init(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
    let conn = raw(&path);
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!((app, version, journal.as_str()), (APPLICATION_ID, LATEST_VERSION, "wal"));
    assert!(matches!(Store::init(&path), Err(StoreError::Exists(_))), "init never overwrites");
}

#[test]
fn opening_refuses_what_is_not_a_guazhi_database_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let missing = p.join("missing.db");
    assert!(matches!(Store::open(&missing, Access::Auto), Err(StoreError::Missing(_))));
    assert!(!missing.exists());

    std::fs::write(p.join("notes.txt"), "挂职干部名单\n").unwrap();
    assert!(matches!(Store::open(&p.join("notes.txt"), Access::Auto), Err(StoreError::NotSqlite(_))));
    std::fs::write(p.join("empty.db"), "").unwrap();
    assert!(matches!(Store::open(&p.join("empty.db"), Access::Auto), Err(StoreError::NotSqlite(_))));
    assert!(matches!(Store::open(p, Access::Auto), Err(StoreError::IsDirectory(_))));

    let foreign = p.join("foreign.db");
    raw(&foreign).execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    assert!(matches!(Store::open(&foreign, Access::Auto), Err(StoreError::Foreign(_))));

    let demo = demo_db(p);
    let bytes = std::fs::read(&demo).unwrap();
    let truncated = p.join("truncated.db");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(Store::open(&truncated, Access::Auto), Err(StoreError::Truncated { .. })));

    let newer = p.join("newer.db");
    std::fs::write(&newer, &bytes).unwrap();
    raw(&newer).pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
    let before = std::fs::read(&newer).unwrap();
    assert!(matches!(Store::open(&newer, Access::Auto), Err(StoreError::Newer { .. })));
    assert_eq!(std::fs::read(&newer).unwrap(), before, "a refused file is left byte-identical");

    // The demo's own -wal/-shm persist (PERSIST_WAL); none appear beside the refused files.
    let expected = vec![
        "demo.db",
        "demo.db-shm",
        "demo.db-wal",
        "empty.db",
        "foreign.db",
        "newer.db",
        "notes.txt",
        "truncated.db",
    ];
    assert_eq!(files_in(p), expected, "no new files, no -wal/-shm beside refused files");
}

#[test]
fn an_older_schema_is_migrated_once_even_when_two_instances_start_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let conn = raw(&path);
    conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    drop(conn);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path, Access::Auto).map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().unwrap().expect("every instance opens");
    }
    let version: i64 = raw(&path).query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, LATEST_VERSION);
    let policies: i64 = raw(&path).query_row("SELECT count(*) FROM policy", [], |r| r.get(0)).unwrap();
    assert_eq!(policies, 1, "the migration ran exactly once");
}

#[test]
fn read_only_access_refuses_writes_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = Store::open(&path, Access::ReadOnly).unwrap();
    assert!(store.read_only_reason().is_some());
    let err = store.write(|w| w.add_unit("市统计局", UnitKind::CityOrgan, District::City)).unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly(_)), "{err}");
}

fn first_cadre(store: &Store) -> Cadre {
    store.load().unwrap().cadres.into_iter().next().unwrap()
}

#[test]
fn the_second_of_two_concurrent_edits_gets_a_conflict_not_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut alice = open(&path);
    let mut bob = open(&path);
    let mut a = first_cadre(&alice);
    let mut b = first_cadre(&bob);
    a.home_post = "三旧改造科科长（主持工作）".into();
    alice.write(|w| w.update_cadre(&a)).unwrap();
    b.education = "博士研究生".into();
    let err = bob.write(|w| w.update_cadre(&b)).unwrap_err();
    let StoreError::Conflict { table, current, .. } = err else { panic!("expected a conflict, got {err}") };
    assert_eq!(table, "cadres");
    assert_eq!(current.unwrap()["home_post"], "三旧改造科科长（主持工作）", "the conflict shows what changed");
    let stored = first_cadre(&open(&path));
    assert_eq!(stored.home_post, "三旧改造科科长（主持工作）");
    assert_eq!(stored.education, "硕士研究生", "bob's change was not written");
}

#[test]
fn each_change_writes_an_audit_row_naming_the_os_user() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = open(&path);
    let mut cadre = first_cadre(&store);
    cadre.speciality = "国土空间规划".into();
    store.write(|w| w.update_cadre(&cadre)).unwrap();
    let history = store.history("cadres", cadre.id).unwrap();
    let last = &history[0];
    assert_eq!(last.action, "update");
    assert_eq!(last.uid, unsafe { libc::getuid() });
    assert_ne!(last.os_user, "guazhi-sample");
    assert!(last.old_values.as_deref().unwrap().contains("城乡规划"));
    assert!(last.new_values.as_deref().unwrap().contains("国土空间规划"));
}

#[test]
fn invalid_input_names_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let before = std::fs::read(&path).unwrap();
    let mut store = open(&path);
    let home = store.load().unwrap().units[0].id;
    let cadre = |name: &str| NewCadre {
        name: name.into(),
        gender: Gender::Female,
        birth_date: date("1990-05-01"),
        political: Political::Party,
        education: String::new(),
        speciality: String::new(),
        grassroots_years: 0.0,
        home_unit_id: home,
        home_post: String::new(),
    };
    for (name, field) in [("", "name"), ("  ", "name"), ("张\x1b]0;x\x07三", "name"), ("abc\u{202e}", "name")] {
        let err = store.write(|w| w.add_cadre(&cadre(name))).unwrap_err();
        assert!(matches!(&err, StoreError::Invalid { field: f, .. } if f == field), "{name:?}: {err}");
    }
    let err = store.write(|w| w.add_cadre(&cadre(&"长".repeat(51)))).unwrap_err();
    assert!(err.to_string().starts_with("name: 51 characters"), "{err}");
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before, "refused writes leave the file byte-identical");
}

#[test]
fn cjk_text_round_trips_and_overlapping_secondments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = open(&path);
    let data = store.load().unwrap();
    let unit = data.units.iter().find(|u| u.name.starts_with("佛山市城市规划")).unwrap().id;
    let home = data.units.iter().find(|u| u.name == "市国土规划局").unwrap().id;
    let batch = data.batches.last().unwrap().id;
    let id = store
        .write(|w| {
            w.add_cadre(&NewCadre {
                name: "欧阳·木合塔尔".into(),
                gender: Gender::Male,
                birth_date: date("1992-02-29"),
                political: Political::NonParty,
                education: "硕士研究生".into(),
                speciality: "遥感与地理信息系统".into(),
                grassroots_years: 0.0,
                home_unit_id: home,
                home_post: "工程师".into(),
            })
        })
        .unwrap();
    let new = |start: &str| NewSecondment {
        cadre_id: id,
        batch_id: batch,
        direction: Direction::Down,
        host_unit_id: unit,
        host_post: "镇长助理".into(),
        start: date(start),
        planned_end: None,
        ended_early: None,
    };
    store.write(|w| w.add_secondment(&new("2026-04-01"))).unwrap();
    let err = store.write(|w| w.add_secondment(&new("2027-01-01"))).unwrap_err();
    assert!(err.to_string().starts_with("start: overlaps"), "{err}");
    let data = store.load().unwrap();
    let cadre = data.cadres.iter().find(|c| c.id == id).unwrap();
    assert_eq!((cadre.name.as_str(), cadre.birth_date), ("欧阳·木合塔尔", date("1992-02-29")));
    let s = data.secondments.iter().find(|s| s.cadre_id == id).unwrap();
    assert_eq!(s.planned_end, date("2028-03-31"), "the batch's term fills the planned end");
    assert_eq!(data.reviews.iter().filter(|r| r.secondment_id == s.id).count(), 8 + 3 + 1);
}

#[test]
fn ending_early_cancels_later_reviews_and_moves_the_evaluation_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = open(&path);
    let data = store.load().unwrap();
    let cadre = data.cadres.iter().find(|c| c.name == "杨紫涵").unwrap();
    let s = data.secondments.iter().find(|s| s.cadre_id == cadre.id).unwrap().clone();
    store.write(|w| w.end_early(s.id, s.version, date("2026-12-20"), "借调省厅")).unwrap();
    let reviews: Vec<Review> = store.load().unwrap().reviews.into_iter().filter(|r| r.secondment_id == s.id).collect();
    let mut live: Vec<&str> = reviews.iter().filter(|r| !r.cancelled).map(|r| r.period.as_str()).collect();
    live.sort();
    assert_eq!(live, vec!["2026", "2026Q2", "2026Q3", "2026Q4", "term"]);
    assert!(reviews.iter().filter(|r| r.period.starts_with("2027") || r.period == "2028").all(|r| r.cancelled));
    let term = reviews.iter().find(|r| r.kind == ReviewKind::EndOfTerm).unwrap();
    assert_eq!((term.due, term.cancelled), (date("2027-01-19"), false));
    let stale = store.write(|w| w.end_early(s.id, s.version, date("2026-12-01"), "again")).unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "the old version is stale now");
}

#[test]
fn recording_a_result_and_refusing_a_cancelled_review() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = open(&path);
    let data = store.load().unwrap();
    let open_review = data.reviews.iter().find(|r| r.done.is_none() && !r.cancelled).unwrap().clone();
    let result = ReviewResult {
        done: date("2026-11-27"),
        grade: Grade::Competent,
        assessor: "干部科 王科长".into(),
        note: "按时报送".into(),
    };
    store.write(|w| w.record_review(open_review.id, open_review.version, &result)).unwrap();
    let cancelled = data.reviews.iter().find(|r| r.cancelled).expect("the demo's early end cancelled some").clone();
    let err = store.write(|w| w.record_review(cancelled.id, cancelled.version, &result)).unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
}

#[test]
fn the_database_itself_refuses_rows_that_break_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let conn = raw(&path);
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let bad = [
        "UPDATE cadres SET birth_date = '2017-02-30' WHERE id = 1",
        "UPDATE cadres SET gender = 'x' WHERE id = 1",
        "UPDATE reviews SET grade = '良好', done_date = '2020-01-01' WHERE id = 1",
        "UPDATE reviews SET done_date = '2020-01-01', grade = NULL WHERE id = 1",
        "UPDATE secondments SET planned_end = '2000-01-01' WHERE id = 1",
        "INSERT INTO pairs (batch_id, down_id, up_id) VALUES (1, 1, 3)",
        "INSERT INTO cadres (name, gender, birth_date, political, home_unit_id) VALUES ('某', 'm', '1990-01-01', 'party', 9999)",
    ];
    for sql in bad {
        assert!(conn.execute(sql, []).is_err(), "accepted: {sql}");
    }
}

#[test]
fn undo_puts_back_the_users_last_operation_and_only_that() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = open(&path);
    let data = store.load().unwrap();
    let s = data.secondments.iter().find(|s| s.actual_end.is_none() && s.start > date("2026-01-01")).unwrap().clone();
    let reviews_before: Vec<Review> = data.reviews.iter().filter(|r| r.secondment_id == s.id).cloned().collect();
    store.write(|w| w.end_early(s.id, s.version, date("2026-12-31"), "调任")).unwrap();
    let undone = store.write(|w| w.undo_last()).unwrap().expect("something to undo");
    assert_eq!((undone.action.as_str(), undone.table.as_str()), ("end_early", "secondments"));
    let after = store.load().unwrap();
    let restored = after.secondments.iter().find(|x| x.id == s.id).unwrap();
    assert_eq!((restored.actual_end, restored.end_reason.as_deref()), (None, None));
    assert_eq!(restored.version, s.version + 2, "versions only move forward");
    let reviews_after: Vec<(String, bool, chrono::NaiveDate)> = after
        .reviews
        .iter()
        .filter(|r| r.secondment_id == s.id)
        .map(|r| (r.period.clone(), r.cancelled, r.due))
        .collect();
    let expected: Vec<(String, bool, chrono::NaiveDate)> =
        reviews_before.iter().map(|r| (r.period.clone(), r.cancelled, r.due)).collect();
    assert_eq!(reviews_after, expected, "the schedule is back as it was");
    // The sample's own operations belong to another account: nothing more to undo for us.
    assert_eq!(store.write(|w| w.undo_last()).unwrap(), None);
}

/// A term recorded after the fact that ended early inserts its reviews and cancels some of them
/// in the same save: undoing that save puts each row back once, to what it was before the save.
#[test]
fn undo_of_a_save_that_changed_a_row_twice_puts_it_back_as_before_the_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = open(&path);
    let data = store.load().unwrap();
    let unit = data.units.iter().find(|u| u.name.starts_with("佛山市城市规划")).unwrap().id;
    let home = data.units.iter().find(|u| u.name == "市国土规划局").unwrap().id;
    // Dispatched 2025-04-01: the term starts a month early, as far as may be.
    let batch = data.batches.iter().find(|b| b.name == "2025年第六批").unwrap().id;
    let cadre = store
        .write(|w| {
            w.add_cadre(&NewCadre {
                name: "何晓岚".into(),
                gender: Gender::Female,
                birth_date: date("1990-05-12"),
                political: Political::Party,
                education: "大学本科".into(),
                speciality: "城乡规划".into(),
                grassroots_years: 1.0,
                home_unit_id: home,
                home_post: "科员".into(),
            })
        })
        .unwrap();
    let term = NewSecondment {
        cadre_id: cadre,
        batch_id: batch,
        direction: Direction::Down,
        host_unit_id: unit,
        host_post: "镇长助理".into(),
        start: date("2025-03-01"),
        planned_end: None,
        ended_early: Some((date("2025-12-31"), "调任".into())),
    };
    let id = store.write(|w| w.add_secondment(&term)).unwrap();
    let conn = store.connection();
    let twice: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT row_id FROM audit WHERE op = (SELECT max(op) FROM audit)
             AND table_name = 'reviews' GROUP BY row_id HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(twice > 0, "the save wrote some reviews twice: inserted, then cancelled");
    let undone = store.write(|w| w.undo_last()).unwrap().expect("the save to undo");
    assert_eq!((undone.action.as_str(), undone.table.as_str()), ("insert", "secondments"));
    let after = store.load().unwrap();
    assert!(after.secondments.iter().all(|s| s.id != id && s.cadre_id != cadre), "the term is gone");
    assert!(after.reviews.iter().all(|r| r.secondment_id != id), "and its reviews");
    let next = store.write(|w| w.undo_last()).unwrap().expect("the cadre's save is next");
    assert_eq!((next.action.as_str(), next.table.as_str()), ("insert", "cadres"));
    drop(store);
    // The audit trail still accounts for every row: `check` finds no tampering.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["check", path.to_str().unwrap(), "--today", "2026-11-27", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tampered"], serde_json::json!([]), "{json}");
}

#[test]
fn undo_refuses_when_a_colleague_changed_the_row_since() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut me = open(&path);
    let mut colleague = open(&path);
    colleague.set_actor(guazhi::store::Actor { uid: 4242, user: "colleague".into(), fixed_time: None });
    let mut cadre = first_cadre(&me);
    cadre.home_post = "科长".into();
    me.write(|w| w.update_cadre(&cadre)).unwrap();
    let mut theirs = first_cadre(&colleague);
    theirs.education = "博士研究生".into();
    colleague.write(|w| w.update_cadre(&theirs)).unwrap();
    let err = me.write(|w| w.undo_last()).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { table: "cadres", .. }), "{err}");
    let stored = first_cadre(&me);
    assert_eq!((stored.home_post.as_str(), stored.education.as_str()), ("科长", "博士研究生"));
}

#[test]
fn deleting_a_referenced_unit_says_what_depends_on_it_and_undo_restores_a_deleted_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut store = open(&path);
    let used = store.load().unwrap().units.into_iter().find(|u| u.name == "市国土规划局").unwrap();
    let err = store.write(|w| w.delete_reference("units", used.id, used.version)).unwrap_err();
    assert!(err.to_string().contains("cadres work there"), "{err}");
    let id = store.write(|w| w.add_unit("市统计局", UnitKind::CityOrgan, District::City)).unwrap();
    store.write(|w| w.delete_reference("units", id, 1)).unwrap();
    assert!(store.load().unwrap().units.iter().all(|u| u.id != id));
    store.write(|w| w.undo_last()).unwrap();
    assert!(store.load().unwrap().units.iter().any(|u| u.id == id && u.name == "市统计局"));
    let dup = store.write(|w| w.add_unit("市统计局", UnitKind::CityOrgan, District::City)).unwrap_err();
    assert_eq!(dup.to_string(), "unit name: '市统计局' already exists");
}

/// SQLite gives a deleted last row's id to the next row. A window still holding the deleted
/// row (a form open, a question asked) must not edit or delete the new one as if it were it:
/// the new row does not start at version 1.
#[test]
fn a_window_holding_a_deleted_row_cannot_touch_the_row_given_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (mut a, b) = (open(&path), open(&path));
    let id = a.write(|w| w.add_unit("南海区测试甲镇", UnitKind::Town, District::Nanhai)).unwrap();
    let stale = b.load().unwrap().units.into_iter().find(|u| u.id == id).unwrap();
    assert_eq!(stale.version, 1, "a row never seen before starts at 1");
    a.write(|w| w.delete_reference("units", id, 1)).unwrap();
    let again = a.write(|w| w.add_unit("顺德区测试乙镇", UnitKind::Town, District::Shunde)).unwrap();
    assert_eq!(again, id, "SQLite gave the id again");
    let mut b = b;
    let edit = b.write(|w| w.update_unit(&Unit { name: "禅城区改名丙镇".into(), ..stale.clone() }));
    assert!(matches!(edit, Err(StoreError::Conflict { .. })), "{edit:?}");
    let delete = b.write(|w| w.delete_reference("units", id, stale.version));
    assert!(matches!(delete, Err(StoreError::Conflict { .. })), "{delete:?}");
    let now = b.load().unwrap().units.into_iter().find(|u| u.id == id).unwrap();
    assert_eq!((now.name.as_str(), now.district), ("顺德区测试乙镇", District::Shunde), "the colleague's unit");
}

/// The same for a row an import inserts (no audit image of its own): a cadre added, undone,
/// and its id given to an imported cadre.
#[test]
fn an_imported_row_given_a_deleted_rows_id_is_not_the_row_a_stale_window_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (mut a, mut b) = (open(&path), open(&path));
    let home = a.load().unwrap().units.iter().find(|u| u.name == "市国土规划局").unwrap().id;
    let cadre = |name: &str| NewCadre {
        name: name.into(),
        gender: Gender::Female,
        birth_date: date("1990-05-12"),
        political: Political::Party,
        education: String::new(),
        speciality: String::new(),
        grassroots_years: 1.0,
        home_unit_id: home,
        home_post: "科员".into(),
    };
    let id = a.write(|w| w.add_cadre(&cadre("何晓岚"))).unwrap();
    let stale = b.load().unwrap().cadres.into_iter().find(|c| c.id == id).unwrap();
    a.write(|w| w.undo_last().map(|_| ())).unwrap();
    let again = a
        .write(|w| {
            let mut rows = w.new_rows()?;
            let id = rows.cadre(&cadre("林若溪"))?;
            rows.finish("test")?;
            Ok(id)
        })
        .unwrap();
    assert_eq!(again, id, "SQLite gave the id again");
    let edit = b.write(|w| w.update_cadre(&Cadre { home_post: "副科长".into(), ..stale.clone() }));
    assert!(matches!(edit, Err(StoreError::Conflict { .. })), "{edit:?}");
    let now = b.load().unwrap().cadres.into_iter().find(|c| c.id == id).unwrap();
    assert_eq!((now.name.as_str(), now.home_post.as_str()), ("林若溪", "科员"));
    // check verifies the import's digests over the rows as they were written.
    let (code, out) = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
            .args(["check", path.to_str().unwrap(), "--today", "2026-11-27"])
            .env("LANG", "C")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    assert!(!out.contains("tampered"), "{code:?}\n{out}");
}
