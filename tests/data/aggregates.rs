//! The store's SQL aggregates (`batch_figures`, `unit_counts`) against what the domain and
//! plain counting compute over every record `load` reads.

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
