//! The store's SQL aggregates (`batch_figures`, `unit_counts`, `due_by_month`) against what the
//! domain and plain counting compute over every record `load` reads, or plain SQL counts.

use crate::common;

use common::*;
use guazhi::domain::figures::batch_figures;
use guazhi::domain::Id;
use guazhi::store::{Access, Store};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn sample_db() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db")
}

/// A generated database of `cadres` extra cadres in `dir`.
fn generated(dir: &Path, cadres: usize) -> PathBuf {
    let path = dir.join("gen.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["sample", "--cadres", &cadres.to_string(), path.to_str().unwrap()])
        .output()
        .expect("run guazhi sample");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

fn figures_agree(path: &Path) {
    let store = Store::open(path, Access::ReadOnly).unwrap();
    let data = store.load().unwrap();
    let expected: Vec<_> = data
        .batches
        .iter()
        .map(|b| batch_figures(b, &data.secondments, &data.cadres, &data.units, &data.pairs))
        .collect();
    let got = store.batch_figures(None).unwrap();
    assert_eq!(got.len(), data.batches.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e, "batch {}", e.batch);
    }
    assert!(got.iter().any(|f| f.down > 0 && f.average_age > 0.0 && f.women > 0), "figures worth comparing");
    // Some batches only, in dispatch order whatever the order asked.
    let last = data.batches.last().unwrap().id;
    let first = data.batches[0].id;
    let some = store.batch_figures(Some(&[last, first])).unwrap();
    assert_eq!(some, vec![expected[0].clone(), expected.last().unwrap().clone()]);
    assert!(store.batch_figures(Some(&[])).unwrap().is_empty());
}

#[test]
fn batch_figures_equal_the_domains_on_the_sample_batch_by_batch() {
    figures_agree(&sample_db());
}

#[test]
fn batch_figures_equal_the_domains_on_a_generated_database_batch_by_batch() {
    let dir = tempfile::tempdir().unwrap();
    figures_agree(&generated(dir.path(), 3000));
}

/// Facts the domain's figures come from, changed by hand: a cadre in two secondments of one
/// batch counts once, a down secondment to a city organ counts under "city".
#[test]
fn batch_figures_count_a_cadre_once_and_a_city_host_as_city() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let conn = raw(&db);
    conn.execute_batch(
        "INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end)
         SELECT cadre_id, batch_id, 'down', (SELECT id FROM units WHERE district = 'city' LIMIT 1), '科员',
                '2030-01-01', '2031-12-31'
         FROM secondments WHERE id = 1;",
    )
    .unwrap();
    drop(conn);
    figures_agree(&db);
    let store = Store::open(&db, Access::ReadOnly).unwrap();
    let first = &store.batch_figures(None).unwrap()[0];
    assert_eq!(first.down_by_district.get("city"), Some(&1));
    assert_eq!((first.down, first.up), (16, 15));
}

fn unit_counts_agree(path: &Path) {
    let store = Store::open(path, Access::ReadOnly).unwrap();
    let data = store.load().unwrap();
    let mut home: HashMap<Id, usize> = HashMap::new();
    let mut hosts: HashMap<Id, usize> = HashMap::new();
    for c in &data.cadres {
        *home.entry(c.home_unit_id).or_default() += 1;
    }
    for s in &data.secondments {
        *hosts.entry(s.host_unit_id).or_default() += 1;
    }
    let got = store.unit_counts(None).unwrap();
    let ids: Vec<Id> = got.iter().map(|u| u.unit_id).collect();
    assert_eq!(ids, data.units.iter().map(|u| u.id).collect::<Vec<_>>(), "every unit, by name");
    for u in &got {
        assert_eq!(u.home_cadres, home.get(&u.unit_id).copied().unwrap_or(0), "unit {}", u.unit_id);
        assert_eq!(u.hosted_secondments, hosts.get(&u.unit_id).copied().unwrap_or(0), "unit {}", u.unit_id);
    }
    assert!(got.iter().any(|u| u.home_cadres > 0) && got.iter().any(|u| u.hosted_secondments > 0));
    let one = store.unit_counts(Some(&[ids[1]])).unwrap();
    assert_eq!(one, vec![got[1]]);
}

#[test]
fn unit_counts_equal_counting_every_record() {
    unit_counts_agree(&sample_db());
    let dir = tempfile::tempdir().unwrap();
    unit_counts_agree(&generated(dir.path(), 3000));
}

/// The first day of each of the twelve months from `today`'s, and of the month after: counted
/// here with chrono alone, not with the domain's `DueByMonth`.
fn month_bounds(today: chrono::NaiveDate) -> Vec<chrono::NaiveDate> {
    use chrono::Datelike;
    (0..=12)
        .map(|i| {
            let m = today.month0() as i32 + i;
            chrono::NaiveDate::from_ymd_opt(today.year() + m / 12, (m % 12) as u32 + 1, 1).unwrap()
        })
        .collect()
}

/// Each batch's open reviews due in each month from `today` on, by plain SQL counts one month
/// at a time (the first from `today`).
fn plain_due_counts(path: &Path, today: chrono::NaiveDate) -> HashMap<Id, [usize; 12]> {
    let conn = raw(path);
    let bounds = month_bounds(today);
    let batches: Vec<Id> = conn
        .prepare("SELECT id FROM batches")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut out = HashMap::new();
    for b in batches {
        let mut counts = [0usize; 12];
        for (i, n) in counts.iter_mut().enumerate() {
            let from = if i == 0 { today } else { bounds[i] };
            *n = conn
                .query_row(
                    "SELECT count(*) FROM reviews r, secondments s
                     WHERE s.id = r.secondment_id AND s.batch_id = ?1 AND r.done_date IS NULL
                       AND r.cancelled = 0 AND r.due_date >= ?2 AND r.due_date < ?3",
                    rusqlite::params![b, from.to_string(), bounds[i + 1].to_string()],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap() as usize;
        }
        out.insert(b, counts);
    }
    out
}

fn due_counts_agree(path: &Path, today: chrono::NaiveDate) {
    let store = Store::open(path, Access::ReadOnly).unwrap();
    let expected = plain_due_counts(path, today);
    let got = store.due_by_month(today, None).unwrap();
    for (batch, counts) in &expected {
        let shown = got.get(batch).map_or([0; 12], |d| d.counts);
        assert_eq!(&shown, counts, "batch {batch} from {today}");
        if let Some(d) = got.get(batch) {
            assert_eq!(d.from, today);
        }
    }
    assert!(got.keys().all(|b| expected.contains_key(b)));
    assert!(expected.values().any(|c| c.iter().sum::<usize>() > 0), "counts worth comparing from {today}");
    // Some batches only.
    let some: Vec<Id> = got.keys().copied().take(2).collect();
    let only = store.due_by_month(today, Some(&some)).unwrap();
    assert_eq!(only.len(), some.len());
    for b in &some {
        assert_eq!(only[b], got[b]);
    }
}

#[test]
fn reviews_due_by_month_equal_plain_counts_month_by_month() {
    for today in ["2026-11-27", "2026-12-03", "2026-01-31"] {
        due_counts_agree(&sample_db(), date(today));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 3000);
    due_counts_agree(&db, date("2026-12-03"));
}

/// Done, cancelled and overdue reviews are not ahead; one due today is.
#[test]
fn reviews_due_by_month_leave_out_done_cancelled_and_overdue_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let today = date("2026-11-27");
    let store = Store::open(&db, Access::ReadOnly).unwrap();
    let before = store.due_by_month(today, None).unwrap();
    drop(store);
    let conn = raw(&db);
    let (review, batch): (Id, Id) = conn
        .query_row(
            "SELECT r.id, s.batch_id FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             WHERE r.done_date IS NULL AND r.cancelled = 0 AND r.due_date >= '2027-01-01' AND r.due_date < '2027-02-01'
             LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let month = |d: &HashMap<Id, guazhi::domain::figures::DueByMonth>| d.get(&batch).map_or(0, |d| d.counts[2]);
    let set = |sql: &str| {
        conn.execute(sql, [review]).unwrap();
        let after = Store::open(&db, Access::ReadOnly).unwrap().due_by_month(today, None).unwrap();
        month(&after)
    };
    let n = month(&before);
    assert!(n > 0);
    assert_eq!(set("UPDATE reviews SET done_date = '2026-11-20', grade = 'competent' WHERE id = ?1"), n - 1);
    assert_eq!(set("UPDATE reviews SET done_date = NULL, grade = NULL, cancelled = 1 WHERE id = ?1"), n - 1);
    assert_eq!(set("UPDATE reviews SET cancelled = 0, due_date = '2026-11-26' WHERE id = ?1"), n - 1);
    set("UPDATE reviews SET due_date = '2026-11-27' WHERE id = ?1");
    let after = Store::open(&db, Access::ReadOnly).unwrap().due_by_month(today, None).unwrap();
    assert_eq!(after[&batch].counts[0], before.get(&batch).map_or(0, |d| d.counts[0]) + 1, "due today counts");
}
