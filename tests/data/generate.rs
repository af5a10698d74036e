//! `guazhi sample --cadres N`: the bulk generator keeps the demo's shape and the schema's rules.

use crate::common;

use common::*;
use guazhi::domain::{District, Gender, Political, UnitKind};
use guazhi::store::{Indexes, NewCadre, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

fn generated(dir: &Path, name: &str, cadres: usize) -> PathBuf {
    let path = dir.join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["sample", "--cadres", &cadres.to_string(), path.to_str().unwrap()])
        .output()
        .expect("run guazhi sample");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

fn one<T: rusqlite::types::FromSql>(conn: &rusqlite::Connection, sql: &str) -> T {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn generated_cadres_keep_the_demos_proportions_and_pass_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), "gen.db", 3000);
    let conn = raw(&db);
    let f = |sql: &str| one::<f64>(&conn, sql);
    assert_eq!(one::<i64>(&conn, "SELECT count(*) FROM cadres"), 3000 + 65);
    assert_eq!(one::<i64>(&conn, "SELECT count(*) FROM secondments"), 3000 + 65);
    let unpaired = f("SELECT avg(NOT EXISTS (SELECT 1 FROM pairs p WHERE s.id IN (p.down_id, p.up_id)))
                      FROM secondments s");
    assert!((0.002..0.03).contains(&unpaired), "unpaired share {unpaired}");
    let women = f("SELECT avg(gender = 'f') FROM cadres");
    assert!((0.15..0.26).contains(&women), "women {women}");
    let non_party = f("SELECT avg(political <> 'party') FROM cadres");
    assert!((0.2..0.3).contains(&non_party), "non-Party {non_party}");
    let (young, old): (f64, f64) = conn
        .query_row(
            "SELECT min(julianday(s.start_date) - julianday(c.birth_date)) / 365.25,
                    max(julianday(s.start_date) - julianday(c.birth_date)) / 365.25
             FROM cadres c JOIN secondments s ON s.cadre_id = c.id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(young >= 26.0 && old < 47.0, "ages {young}..{old}");
    let per = f("SELECT count(*) * 1.0 / (SELECT count(*) FROM secondments) FROM reviews");
    assert!((11.5..14.5).contains(&per), "{per} reviews per secondment");
    let open =
        |cond: &str| format!("SELECT count(*) FROM reviews WHERE done_date IS NULL AND cancelled = 0 AND {cond}");
    for (what, sql) in [
        ("overdue", open("due_date < '2026-11-27'")),
        ("due today", open("due_date = '2026-11-27'")),
        ("due soon", open("due_date BETWEEN '2026-11-28' AND '2026-12-11'")),
        ("ended early", "SELECT count(*) FROM secondments WHERE actual_end IS NOT NULL".into()),
        ("cancelled", "SELECT count(*) FROM reviews WHERE cancelled = 1".into()),
        ("nominated", "SELECT count(*) FROM reserve_nominations".into()),
        ("serving", "SELECT count(*) FROM secondments WHERE '2026-11-27' BETWEEN start_date AND planned_end".into()),
        ("compound surname", "SELECT count(*) FROM cadres WHERE name LIKE '欧阳%' OR name LIKE '司徒%'".into()),
    ] {
        assert!(one::<i64>(&conn, &sql) > 0, "the generated cadres include {what}");
    }
    // Done reviews have grades, as the schema demands; nothing is done in the future.
    assert_eq!(one::<i64>(&conn, "SELECT count(*) FROM reviews WHERE done_date > '2026-11-27'"), 0);
    // One audit row for the whole generation, after the demo's.
    assert_eq!(one::<i64>(&conn, "SELECT count(*) FROM audit WHERE action = 'bulk_insert'"), 1);
    let detail: String = one(&conn, "SELECT new_values FROM audit WHERE action = 'bulk_insert'");
    assert!(detail.contains("\"cadres\":3000"), "{detail}");
    // The indexes dropped for the load are all back.
    let indexes = |path: &Path| -> Vec<String> {
        raw(path)
            .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(indexes(&db), indexes(&demo_db(dir.path())));
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi")).args(["check", db.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn generation_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = generated(dir.path(), "a.db", 700);
    let b = generated(dir.path(), "b.db", 700);
    assert!(std::fs::read(a).unwrap() == std::fs::read(b).unwrap(), "same N, same bytes");
}

#[test]
fn a_bulk_load_that_breaks_a_rule_writes_nothing_and_restores_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.db");
    let mut store = Store::init(&path).unwrap();
    let result = store.bulk_load("test", Indexes::Rebuild, |b| {
        let unit = b.unit("市财政局", UnitKind::CityOrgan, District::City)?;
        b.cadre(&NewCadre {
            name: "陈明".into(),
            gender: Gender::Male,
            birth_date: date("1990-01-01"),
            political: Political::Party,
            education: String::new(),
            speciality: String::new(),
            // The schema allows under 60 years.
            grassroots_years: 99.0,
            home_unit_id: unit,
            home_post: String::new(),
        })?;
        Ok(())
    });
    let err = result.expect_err("a CHECK violation fails the load").to_string();
    assert!(err.contains("CHECK") || err.contains("grassroots"), "{err}");
    let conn = store.connection();
    for table in ["units", "cadres", "audit"] {
        assert_eq!(one::<i64>(conn, &format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }
    assert!(one::<i64>(conn, "SELECT count(*) FROM sqlite_schema WHERE name = 'reviews_open_due'") == 1);
    assert_eq!(one::<i64>(conn, "PRAGMA ignore_check_constraints"), 0);
    assert_eq!(one::<i64>(conn, "PRAGMA synchronous"), 2, "FULL again");
}
