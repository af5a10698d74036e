//! Tamper evidence (issue 14, part 4): changes made with the plain sqlite3 shell, each found
//! by `guazhi check` with the table, row and operation, and exit 1.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-11-27";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs SQL on `db` with the sqlite3 shell, as a colleague would (rusqlite when the shell is
/// not installed: the same SQLite, bypassing the program the same way).
fn shell(db: &Path, sql: &str) {
    match Command::new("sqlite3").arg(db).arg(sql).output() {
        Ok(out) => assert!(out.status.success(), "sqlite3 {sql}: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => common::raw(db).execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

/// `guazhi check DB --format json`: (exit code, the audit findings).
fn check(db: &Path) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["check", s(db), "--today", TODAY, "--format", "json"])
        .env("LANG", "C")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("json: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json["tampered"].as_array().cloned().unwrap_or_default())
}

/// A demo with a bulk-loaded part (rows without audit images of their own, under a digest),
/// and an anchor file that each save appends to.
fn subject(dir: &Path) -> PathBuf {
    let db = dir.join("subject.db");
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi")).args(["sample", "--cadres", "300", s(&db)]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(chain_anchor(&db), "").unwrap();
    // One save after the anchor exists, so that it holds a head.
    let mut store = common::open(&db);
    let mut unit = store.load().unwrap().units.into_iter().next().unwrap();
    unit.name.push('处');
    store.write(|w| w.update_unit(&unit)).unwrap();
    db
}

fn chain_anchor(db: &Path) -> PathBuf {
    guazhi::store::chain::anchor_path(db)
}

/// (name, SQL, table, operation) — what the shell does and what `check` must name.
/// `db` copied to `copy` (with its anchor), the case's SQL run on the copy with the sqlite3
/// shell, then `check`: exit 1 and a finding on the case's table and operation. Returns the
/// case's name and the findings.
fn found_in_a_tampered_copy(db: &Path, copy: &Path, case: &Case) -> (&'static str, Vec<serde_json::Value>) {
    let (name, sql, table, operation) = *case;
    std::fs::copy(db, copy).unwrap();
    std::fs::copy(chain_anchor(db), chain_anchor(copy)).unwrap();
    shell(copy, sql);
    let (code, found) = check(copy);
    assert_eq!(code, Some(1), "{name}: exit status; {found:?}");
    let named = found.iter().any(|t| t["table"] == table && t["operation"] == operation);
    assert!(named, "{name}: a finding on {table}, {operation}: {found:?}");
    (name, found)
}

/// A way to tamper: (what, the SQL, the table and operation `check` must name).
type Case = (&'static str, &'static str, &'static str, &'static str);

fn cases() -> Vec<Case> {
    vec![
        ("a cadre's name changed", "UPDATE cadres SET name = '王某' WHERE id = 3", "cadres", "changed"),
        ("a birth date changed", "UPDATE cadres SET birth_date = '1980-01-01' WHERE id = 5", "cadres", "changed"),
        ("a unit renamed", "UPDATE units SET name = name || '（改）' WHERE id = 2", "units", "changed"),
        ("a review deleted", "DELETE FROM reviews WHERE id = 7", "reviews", "deleted"),
        (
            "a cadre added",
            "INSERT INTO cadres (name, gender, birth_date, political, home_unit_id)
             SELECT '新人', gender, birth_date, political, home_unit_id FROM cadres WHERE id = 1",
            "cadres",
            "added",
        ),
        ("the policy changed", "UPDATE policy SET max_age = max_age + 5", "policy", "changed"),
        ("a bulk-loaded cadre changed", "UPDATE cadres SET name = '李某' WHERE id = (SELECT max(id) FROM cadres)", "cadres", "changed"),
        (
            "a bulk-loaded secondment deleted",
            "DELETE FROM reviews WHERE secondment_id = (SELECT max(id) FROM secondments);
             DELETE FROM secondments WHERE id = (SELECT max(id) FROM secondments)",
            "secondments",
            "deleted",
        ),
        ("an audit row's author rewritten", "UPDATE audit SET os_user = 'someone' WHERE id = 10", "audit", "changed"),
        ("an audit row's time rewritten", "UPDATE audit SET at = '2020-01-01T00:00:00' WHERE id = 11", "audit", "changed"),
        ("an audit row's uid rewritten", "UPDATE audit SET uid = 4242 WHERE id = 12", "audit", "changed"),
        ("an audit image rewritten", "UPDATE audit SET new_values = '{}' WHERE id = 13", "audit", "changed"),
        ("an audit row moved to another row", "UPDATE audit SET row_id = row_id + 1 WHERE id = 14", "audit", "changed"),
        ("an audit row deleted", "DELETE FROM audit WHERE id = 20", "audit", "deleted"),
        ("the newest audit row deleted", "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", "audit", "deleted"),
        ("an audit hash replaced", "UPDATE audit SET hash = randomblob(32) WHERE id = 30", "audit", "changed"),
        ("an audit hash removed", "UPDATE audit SET hash = NULL WHERE id = 31", "audit", "added"),
        (
            "an audit row forged at the end",
            "INSERT INTO audit (op, at, uid, os_user, action, table_name, row_id, old_values, new_values, hash)
             SELECT op + 1, at, uid, os_user, action, table_name, row_id, old_values, new_values, hash
             FROM audit WHERE id = 40",
            "audit",
            "changed",
        ),
        (
            "a row changed and an audit row forged for it",
            "UPDATE batches SET term_months = 12 WHERE id = 1;
             INSERT INTO audit (op, at, uid, os_user, action, table_name, row_id, old_values, new_values)
             VALUES (999, '2026-01-01T00:00:00', 0, 'x', 'update', 'batches', 1, NULL, NULL)",
            "audit",
            "added",
        ),
        ("a digest block changed", "UPDATE audit_digest SET digest = randomblob(32) WHERE table_name = 'cadres' AND first_id = (SELECT min(first_id) FROM audit_digest WHERE table_name = 'cadres')", "audit", "changed"),
        ("a digest block deleted", "DELETE FROM audit_digest WHERE table_name = 'cadres' AND first_id = (SELECT max(first_id) FROM audit_digest WHERE table_name = 'cadres')", "audit", "changed"),
        ("a trigger dropped", "DROP TRIGGER pairs_valid_insert", "schema", "deleted"),
        ("a trigger added", "CREATE TRIGGER t AFTER INSERT ON cadres BEGIN SELECT 1; END", "schema", "added"),
        ("an index dropped", "DROP INDEX audit_row", "schema", "deleted"),
        ("a column added", "ALTER TABLE cadres ADD COLUMN note TEXT", "schema", "changed"),
        (
            "a CHECK constraint loosened through writable_schema",
            "PRAGMA writable_schema = 1;
             UPDATE sqlite_schema SET sql = replace(sql, 'BETWEEN 1 AND 120', 'BETWEEN 1 AND 1200') WHERE name = 'batches';",
            "schema",
            "changed",
        ),
    ]
}

#[test]
fn every_change_made_with_the_sqlite3_shell_is_found_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = subject(dir.path());
    let (code, found) = check(&db);
    assert_eq!((code, found.len()), (Some(0), 0), "the untouched file passes: {found:?}");
    let cases = cases();
    assert!(cases.len() >= 20);
    for (i, case) in cases.iter().enumerate() {
        let (name, found) = found_in_a_tampered_copy(&db, &dir.path().join(format!("case{i}.db")), case);
        // Each finding says which row, except for the schema's.
        assert!(found.iter().all(|t| t["table"] == "schema" || !t["row"].is_null()), "{name}: {found:?}");
    }
    eprintln!("tampering: {} kinds made with the sqlite3 shell, each found", cases.len());
}

/// Cutting off the newest audit rows together with the rows they changed leaves a consistent
/// file; only the anchor shows it. So does putting back an older copy.
#[test]
fn the_anchor_shows_a_cut_tail_and_an_older_copy_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = subject(dir.path());
    let older = dir.path().join("older.db");
    std::fs::copy(&db, &older).unwrap();
    let mut store = common::open(&db);
    let mut batch = store.load().unwrap().batches.into_iter().next().unwrap();
    batch.name.push('甲');
    store.write(|w| w.update_batch(&batch)).unwrap();
    drop(store);
    assert_eq!(check(&db).0, Some(0));
    // The older copy, put back in place of the newer file.
    std::fs::copy(&older, &db).unwrap();
    let (code, found) = check(&db);
    assert_eq!(code, Some(1), "{found:?}");
    assert!(found.iter().any(|t| t["table"] == "audit" && t["operation"] == "deleted"), "{found:?}");
}

/// A file written before the chain (schema 4) is chained when first opened for writing: what
/// was there passes, and a change to a row it held shows from then on.
#[test]
fn an_older_file_is_chained_on_opening_and_guarded_from_then_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v4.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "application_id", guazhi::store::schema::APPLICATION_ID).unwrap();
        for sql in &guazhi::store::schema::MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO units (name, kind, district) VALUES ('市财政局', 'city_organ', 'city');
             INSERT INTO audit (op, at, uid, os_user, action, table_name, row_id, old_values, new_values)
             VALUES (1, '2025-01-01T00:00:00', 0, 'old', 'insert', 'units', 1, NULL, '{}');",
        )
        .unwrap();
    }
    drop(common::open(&db));
    let version: i64 = common::raw(&db).pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, guazhi::store::schema::LATEST_VERSION);
    let (code, found) = check(&db);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:?}");
    let start: i64 = common::raw(&db)
        .query_row("SELECT count(*) FROM audit WHERE action IN ('chain_start', 'baseline')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(start, 2, "the chain's start and the baseline digest are recorded");
    shell(&db, "UPDATE units SET name = '市审计局' WHERE id = 1");
    let (code, found) = check(&db);
    assert_eq!(code, Some(1));
    assert!(found.iter().any(|t| t["table"] == "units" && t["row"] == 1), "{found:?}");
}

/// An import writes its new rows as a block under one digest, not an audit image each: the
/// imported file passes, and a change made afterwards with the shell to an imported row (or to
/// the import's digest) is found all the same.
#[test]
fn a_change_to_an_imported_row_is_found_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let sheet = dir.path().join("secondments.csv");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_guazhi")).args(args).env("LANG", "C").output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["export", s(&demo), "--what", "secondments", "--out", s(&sheet), "--today", TODAY]);
    let db = dir.path().join("imported.db");
    run(&["init", s(&db)]);
    std::fs::write(chain_anchor(&db), "").unwrap();
    run(&["import", s(&db), s(&sheet), "--create-units", "--yes", "--today", TODAY]);
    let (code, found) = check(&db);
    assert_eq!((code, found.len()), (Some(0), 0), "the imported file passes: {found:?}");
    let digests: i64 = common::raw(&db)
        .query_row("SELECT count(*) FROM audit WHERE action = 'bulk_insert' AND row_id IS NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(digests, 1, "the new rows are under one digest");

    let cases: [Case; 7] = [
        ("an imported cadre renamed", "UPDATE cadres SET name = '王某' WHERE id = 3", "cadres", "changed"),
        (
            "an imported early end taken out",
            "UPDATE secondments SET actual_end = NULL, end_reason = NULL
             WHERE id = (SELECT min(id) FROM secondments WHERE actual_end IS NOT NULL)",
            "secondments",
            "changed",
        ),
        ("an imported review deleted", "DELETE FROM reviews WHERE id = 7", "reviews", "deleted"),
        ("an imported review's due date moved", "UPDATE reviews SET due_date = '2030-01-01' WHERE id = 9", "reviews", "changed"),
        ("an imported pair deleted", "DELETE FROM pairs WHERE id = 1", "pairs", "deleted"),
        (
            "a review added to an imported secondment",
            "INSERT INTO reviews (secondment_id, kind, period, due_date) VALUES (1, 'routine', '2030Q1', '2030-04-15')",
            "reviews",
            "added",
        ),
        (
            "the import's digest rewritten",
            "UPDATE audit SET new_values = replace(new_values, '\"import\"', '\"sample\"') WHERE action = 'bulk_insert'",
            "audit",
            "changed",
        ),
    ];
    for (i, case) in cases.iter().enumerate() {
        found_in_a_tampered_copy(&db, &dir.path().join(format!("imported{i}.db")), case);
    }
}
