//! `guazhi check` streams cadre by cadre and pair by pair: its findings must be the ones the
//! domain's whole-programme rules find over `load` (the check before it streamed), and its
//! counts the rows it lists.

use crate::common;

use common::*;
use guazhi::domain::flags::{policy_flags, Finding};
use guazhi::domain::pairing::check_pairs;
use guazhi::store::{Access, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn guazhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guazhi")).args(args).env("LANG", "C").output().expect("run guazhi")
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

type Row = (String, String, Vec<i64>, String);

fn row(f: &Finding) -> Row {
    let v = serde_json::to_value(f).unwrap();
    (
        v["rule"].as_str().unwrap().into(),
        v["severity"].as_str().unwrap().into(),
        f.secondments.clone(),
        f.detail.en.clone(),
    )
}

/// What `check` found before it streamed: every rule over every record `load` reads.
fn whole(db: &Path) -> (Vec<String>, Vec<Row>) {
    let store = Store::open(db, Access::ReadOnly).unwrap();
    let data = store.load().unwrap();
    let mut findings = policy_flags(&data.cadres, &data.secondments, data.policy.term_months);
    findings.extend(check_pairs(&data.pairs, &data.secondments, &data.cadres));
    let mut rows: Vec<Row> = findings.iter().map(row).collect();
    rows.sort();
    let mut invalid = data.invalid.clone();
    invalid.sort();
    (invalid, rows)
}

/// What the command lists, as JSON: (invalid rows, findings), both sorted, and the counts.
fn streamed(db: &Path) -> (Vec<String>, Vec<Row>, Value) {
    let out = guazhi(&["check", arg(db), "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    let mut invalid: Vec<String> =
        v["invalid_rows"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    invalid.sort();
    let mut rows: Vec<Row> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let ids = f["secondments"].as_array().unwrap().iter().map(|i| i.as_i64().unwrap()).collect();
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("rule"), s("severity"), ids, f["detail"]["en"].as_str().unwrap().to_string())
        })
        .collect();
    rows.sort();
    let code = out.status.code();
    let errors = rows.iter().filter(|r| r.1 == "error").count() + invalid.len() + other_errors(&v);
    assert_eq!(v["errors"].as_u64(), Some(errors as u64), "errors count the rows listed");
    assert_eq!(code, Some(if errors > 0 { 1 } else { 0 }));
    (invalid, rows, v)
}

/// The error rows of the sections besides the findings and the unreadable rows: integrity
/// problems, stored rows breaking a rule, and changes made outside the program.
fn other_errors(v: &Value) -> usize {
    let integrity = v["integrity"].as_array().unwrap();
    let damaged = if integrity.len() == 1 && integrity[0] == "ok" { 0 } else { integrity.len() };
    let severe = |key: &str| v[key].as_array().unwrap().iter().filter(|f| f["severity"] == "error").count();
    damaged + severe("rows") + severe("tampered")
}

fn agree(db: &Path) -> Vec<Row> {
    let (invalid, rows) = whole(db);
    let (got_invalid, got_rows, _) = streamed(db);
    assert_eq!(got_invalid, invalid);
    assert_eq!(got_rows.len(), rows.len());
    for (g, e) in got_rows.iter().zip(&rows) {
        assert_eq!(g, e);
    }
    rows
}

#[test]
fn the_sample_gives_the_same_findings_as_the_whole_programme_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rows = agree(&demo_db(dir.path()));
    for rule in ["grassroots_experience", "pair_not_mirrored", "unpaired"] {
        assert!(rows.iter().any(|r| r.0 == rule), "the demo shows {rule}");
    }
}

#[test]
fn a_generated_database_gives_the_same_findings_as_the_whole_programme_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gen.db");
    assert!(guazhi(&["sample", "--cadres", "3000", arg(&db)]).status.success());
    let rows = agree(&db);
    assert!(rows.len() > 100, "{} findings", rows.len());
}

/// A demo database broken by hand with the sqlite3 shell, past the CHECKs and the foreign keys.
fn broken(dir: &Path) -> PathBuf {
    let db = demo_db(dir);
    raw(&db)
        .execute_batch(
            "PRAGMA foreign_keys = OFF;
             PRAGMA ignore_check_constraints = ON;
             -- Two cadres with a second term overlapping the first, one of them unreadable.
             UPDATE cadres SET gender = 'x' WHERE id = 3;
             INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end)
             SELECT cadre_id, batch_id, direction, host_unit_id, host_post, '2018-01-01', '2019-12-31'
             FROM secondments WHERE cadre_id IN (3, 4);
             -- A secondment that cannot be read (its pair then names a missing one).
             UPDATE secondments SET direction = 'sideways' WHERE id = 10;
             -- A secondment of a cadre that does not exist, and a pair's side deleted.
             UPDATE secondments SET cadre_id = 99999 WHERE id = 20;
             DELETE FROM secondments WHERE id = (SELECT up_id FROM pairs ORDER BY id DESC LIMIT 1);
             -- A review, a unit and a nomination that cannot be read.
             UPDATE reviews SET kind = 'weekly' WHERE id = 5;
             UPDATE reviews SET due_date = '2026-02-30' WHERE id = 6;
             UPDATE reserve_nominations SET status = 'maybe' WHERE id = 1;
             -- Experience, and a term of a year.
             UPDATE cadres SET grassroots_years = 5 WHERE id = 1;
             UPDATE secondments SET planned_end = '2018-03-31' WHERE id = 2;",
        )
        .unwrap();
    db
}

#[test]
fn a_database_broken_by_hand_gives_the_same_rows_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = broken(dir.path());
    let rows = agree(&db);
    let (invalid, _, v) = streamed(&db);
    assert_eq!(invalid.len(), 5, "{invalid:?}");
    assert!(!v["tampered"].as_array().unwrap().is_empty(), "changes made with the shell are found");
    for rule in ["overlapping_secondments", "pair_invalid", "unpaired"] {
        assert!(rows.iter().any(|r| r.0 == rule), "{rule}");
    }
    assert!(rows.iter().any(|r| r.3.starts_with("? (")), "an unreadable cadre is named ?");
    // The table lists a row per finding and counts them, one by one.
    let out = guazhi(&["check", arg(&db)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let listed = |severity: &str| text.lines().filter(|l| l.starts_with(&format!("{severity} "))).count();
    let errors = listed("error");
    assert_eq!(errors, invalid.len() + rows.iter().filter(|r| r.1 == "error").count() + other_errors(&v));
    let last = text.lines().last().unwrap();
    assert_eq!(last, format!("{errors} errors, {} warnings", listed("warning")));
    // CSV: the same rows, no counts line.
    let csv = String::from_utf8(guazhi(&["check", arg(&db), "--format", "csv"]).stdout).unwrap();
    let listed = |key: &str| v[key].as_array().unwrap().len();
    let sections = listed("findings") + listed("rows") + listed("tampered");
    assert_eq!(csv.lines().count(), 1 + 1 + invalid.len() + sections + 1, "header, integrity, rows, audit summary");
}

#[test]
fn the_counts_line_counts_every_error_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let conn = raw(&db);
    conn.execute_batch("PRAGMA ignore_check_constraints = ON; UPDATE units SET kind = 'shop' WHERE id = 1;").unwrap();
    let last_line = |db: &Path| {
        let out = guazhi(&["check", arg(db)]);
        String::from_utf8(out.stdout).unwrap().lines().last().unwrap().to_string()
    };
    // The unreadable row, and the change made outside the program.
    assert!(last_line(&db).starts_with("2 errors, "), "{}", last_line(&db));
    conn.execute_batch("UPDATE units SET kind = 'shop' WHERE id = 2;").unwrap();
    assert!(last_line(&db).starts_with("4 errors, "), "{}", last_line(&db));
    // An untouched file.
    let fresh = tempfile::tempdir().unwrap();
    let db = demo_db(fresh.path());
    assert!(last_line(&db).starts_with("0 errors, "), "{}", last_line(&db));
}

/// `PRAGMA integrity_check` listing several problems: each is an error row, and counted.
#[test]
fn each_integrity_problem_is_an_error_row_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    // The index's definition no longer says what it holds: every row it misses is a problem.
    raw(&db)
        .execute_batch(
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = 'CREATE INDEX cadres_name ON cadres(home_post)' WHERE name = 'cadres_name';",
        )
        .unwrap();
    let out = guazhi(&["check", arg(&db), "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = v["integrity"].as_array().unwrap().len();
    assert!(problems > 1, "{}", v["integrity"]);
    let findings = v["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    let others = other_errors(&v) - problems;
    assert_eq!(v["errors"].as_u64(), Some((problems + errors + others) as u64));
    let table = String::from_utf8(guazhi(&["check", arg(&db)]).stdout).unwrap();
    let listed = table.lines().filter(|l| l.starts_with("error ")).count();
    assert_eq!(listed, problems + errors + others);
    assert!(table.lines().last().unwrap().starts_with(&format!("{listed} errors, ")));
}
