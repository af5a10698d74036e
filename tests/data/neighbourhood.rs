//! `Store::neighbourhood`: the views of a few cadres built over their neighbourhood equal the
//! same views built over the whole `load()`; and `Store::attention_counts`, one COUNT query,
//! equals counting `attention()`'s rows.

use crate::common;

use common::*;
use guazhi::app::view::{cadres, dossier, reviews, Index, Lookup, Row, Table};
use guazhi::domain::review::ReviewStatus;
use guazhi::domain::Id;
use guazhi::lang::Lang;
use guazhi::store::{Access, Data, Store};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const DATES: [&str; 2] = ["2026-11-27", "2018-06-01"];

/// The committed demo database, copied with SQLite's backup API (a colleague may have it open).
fn sample_copy(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db");
    let from = rusqlite::Connection::open_with_flags(&src, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let path = dir.join("sample.db");
    from.backup(rusqlite::MAIN_DB, &path, None).expect("copy sample.db");
    path
}

/// `guazhi sample --cadres N PATH`, as tests/generate.rs makes one.
fn generated(dir: &Path, cadres: usize) -> PathBuf {
    let path = dir.join("gen.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["sample", "--cadres", &cadres.to_string(), path.to_str().unwrap()])
        .output()
        .expect("run guazhi sample");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

fn store(path: &Path) -> Store {
    Store::open(path, Access::ReadOnly).expect("open")
}

/// Data with its index, and a lookup over them for a day and a language.
struct Built {
    data: Data,
    ix: Index,
}

impl Built {
    fn new(data: Data) -> Built {
        let ix = Index::new(&data);
        Built { data, ix }
    }

    fn lk(&self, day: &str, lang: Lang) -> Lookup<'_> {
        Lookup { data: &self.data, ix: &self.ix, today: date(day), lang, ascii: lang == Lang::En }
    }
}

/// A row as the screens see it: every cell's text, tone, sort key and whether it is searched,
/// and the row's tone, cadre, tags and record.
fn shown(row: &Row) -> String {
    let cells: Vec<String> =
        row.cells.iter().map(|c| format!("{:?}|{:?}|{:?}|{}", c.text, c.tone, c.sort, c.key.is_some())).collect();
    format!(
        "{cells:?} tone={:?} cadre={:?} tags={:?} rec={:?} hidden={}",
        row.tone,
        row.cadre,
        row.tags,
        row.rec,
        row.hidden.len()
    )
}

/// The rows of `table` that belong to one of `ids`, in table order.
fn rows_of(table: &Table, ids: &HashSet<Id>) -> Vec<String> {
    table.rows.iter().filter(|r| r.cadre.is_some_and(|c| ids.contains(&c))).map(shown).collect()
}

/// Each of `ids` alone: its dossier over its neighbourhood equals the one over `load()`, on
/// both days in both languages.
fn dossiers_match_one_by_one(store: &Store, full: &Built, ids: &[Id]) {
    for &id in ids {
        let near = Built::new(store.neighbourhood(&[id]).unwrap());
        for day in DATES {
            for lang in [Lang::Zh, Lang::En] {
                let want = dossier(&full.lk(day, lang), id);
                assert!(want.is_some() || full.data.cadres.iter().all(|c| c.id != id));
                assert_eq!(dossier(&near.lk(day, lang), id), want, "cadre {id} on {day} ({lang:?})");
            }
        }
    }
}

/// `ids` together: their Cadres-tab rows, their Reviews-tab rows and their dossiers over the
/// neighbourhood equal those over `load()`.
fn views_match_together(store: &Store, full: &Built, ids: &[Id]) {
    let near = Built::new(store.neighbourhood(ids).unwrap());
    let set: HashSet<Id> = ids.iter().copied().collect();
    for day in DATES {
        for lang in [Lang::Zh, Lang::En] {
            let (f, n) = (full.lk(day, lang), near.lk(day, lang));
            let want = rows_of(&cadres::build(&f), &set);
            assert_eq!(want.len(), full.data.cadres.iter().filter(|c| set.contains(&c.id)).count());
            assert_eq!(rows_of(&cadres::build(&n), &set), want, "cadres tab on {day} ({lang:?})");
            let want = rows_of(&reviews::build(&f), &set);
            assert!(!want.is_empty(), "the cadres have reviews");
            assert_eq!(rows_of(&reviews::build(&n), &set), want, "reviews tab on {day} ({lang:?})");
            for &id in ids {
                assert_eq!(dossier(&n, id), dossier(&f, id), "cadre {id} on {day} ({lang:?})");
            }
        }
    }
}

/// Every table of the neighbourhood holds `load()`'s rows of the neighbourhood, in `load()`'s
/// order, and the whole of the small tables.
fn tables_are_slices_of_load(near: &Data, full: &Data) {
    fn slice<T: PartialEq + std::fmt::Debug + Clone>(what: &str, near: &[T], full: &[T], keep: impl Fn(&T) -> bool) {
        let want: Vec<T> = full.iter().filter(|x| keep(x)).cloned().collect();
        assert_eq!(near, want.as_slice(), "{what}");
    }
    assert_eq!(near.policy, full.policy);
    assert_eq!(near.units, full.units);
    assert_eq!(near.batches, full.batches);
    // The cadres it read, an unreadable one too when its secondments were read.
    let cadres: HashSet<Id> =
        near.cadres.iter().map(|c| c.id).chain(near.secondments.iter().map(|s| s.cadre_id)).collect();
    // Unreadable secondments and nominations too, when rows hanging off them were read.
    let secs: HashSet<Id> =
        near.secondments.iter().map(|s| s.id).chain(near.reviews.iter().map(|r| r.secondment_id)).collect();
    let pairs: HashSet<Id> = near.pairs.iter().map(|p| p.id).collect();
    let noms: HashSet<Id> =
        near.nominations.iter().map(|n| n.id).chain(near.events.iter().map(|e| e.nomination_id)).collect();
    slice("cadres", &near.cadres, &full.cadres, |c| cadres.contains(&c.id));
    slice("secondments", &near.secondments, &full.secondments, |s| cadres.contains(&s.cadre_id));
    slice("pairs", &near.pairs, &full.pairs, |p| pairs.contains(&p.id));
    slice("reviews", &near.reviews, &full.reviews, |r| secs.contains(&r.secondment_id));
    slice("vettings", &near.vettings, &full.vettings, |v| secs.contains(&v.secondment_id));
    slice("evaluations", &near.evaluations, &full.evaluations, |e| secs.contains(&e.secondment_id));
    slice("notes", &near.notes, &full.notes, |n| cadres.contains(&n.cadre_id));
    slice("nominations", &near.nominations, &full.nominations, |n| cadres.contains(&n.cadre_id));
    slice("events", &near.events, &full.events, |e| noms.contains(&e.nomination_id));
    // The invalid rows it met are load's, in load's order.
    let mut rest = full.invalid.iter();
    for bad in &near.invalid {
        assert!(rest.any(|b| b == bad), "{bad} is not in load's list, or out of order: {:?}", full.invalid);
    }
}

#[test]
fn every_dossier_of_the_demo_is_the_same_over_its_neighbourhood() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&sample_copy(dir.path()));
    let full = Built::new(store.load().unwrap());
    let ids: Vec<Id> = full.data.cadres.iter().map(|c| c.id).collect();
    assert!(ids.len() > 60, "the demo has {} cadres", ids.len());
    dossiers_match_one_by_one(&store, &full, &ids);
    // A cadre's neighbourhood holds its partner.
    let paired = full.data.pairs.first().expect("the demo has pairs");
    let down = full.data.secondments.iter().find(|s| s.id == paired.down_id).unwrap();
    let up = full.data.secondments.iter().find(|s| s.id == paired.up_id).unwrap();
    let near = store.neighbourhood(&[down.cadre_id]).unwrap();
    assert!(near.cadres.iter().any(|c| c.id == up.cadre_id), "the partner is loaded");
    assert!(near.secondments.iter().any(|s| s.id == up.id));
    tables_are_slices_of_load(&near, &full.data);
}

#[test]
fn the_rows_of_every_third_cadre_are_the_same_over_their_neighbourhood() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&sample_copy(dir.path()));
    let full = Built::new(store.load().unwrap());
    for offset in 0..3 {
        let ids: Vec<Id> = full.data.cadres.iter().skip(offset).step_by(3).map(|c| c.id).collect();
        views_match_together(&store, &full, &ids);
        tables_are_slices_of_load(&store.neighbourhood(&ids).unwrap(), &full.data);
    }
}

/// The Overview's window: a few drawn cadres in full, and a batch's cadres only for their
/// findings (`neighbourhood_with_flags`). The drawn cadres' views are exact, and the batch's
/// findings in words equal those over `load()`.
#[test]
fn a_batch_read_for_its_findings_names_them_as_load_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&sample_copy(dir.path()));
    let full = Built::new(store.load().unwrap());
    let drawn: Vec<Id> = full.data.cadres.iter().step_by(7).map(|c| c.id).collect();
    let words = |b: &Built, batch: Id| -> Vec<String> {
        let found = guazhi::app::view::overview::findings_of_batch(&b.lk(DATES[0], Lang::Zh), batch);
        found.iter().map(|f| format!("{} {}", f.rule, f.text)).collect()
    };
    let mut named = 0;
    for batch in &full.data.batches {
        let of_batch: Vec<Id> =
            full.data.secondments.iter().filter(|s| s.batch_id == batch.id).map(|s| s.cadre_id).collect();
        let near = store.neighbourhood_with_flags(&drawn, &of_batch).unwrap();
        assert_eq!(near.reviews, store.neighbourhood(&drawn).unwrap().reviews, "the drawn cadres' reviews only");
        let near = Built::new(near);
        let want = words(&full, batch.id);
        named += want.len();
        assert_eq!(words(&near, batch.id), want, "batch {}", batch.name);
        let set: HashSet<Id> = drawn.iter().copied().collect();
        let (f, n) = (full.lk(DATES[0], Lang::Zh), near.lk(DATES[0], Lang::Zh));
        assert_eq!(rows_of(&cadres::build(&n), &set), rows_of(&cadres::build(&f), &set));
        assert_eq!(rows_of(&reviews::build(&n), &set), rows_of(&reviews::build(&f), &set));
    }
    assert!(named > 0, "the demo's batches have findings");
}

#[test]
fn odd_requests_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&sample_copy(dir.path()));
    let full = store.load().unwrap();
    // No ids: the small tables only.
    let empty = store.neighbourhood(&[]).unwrap();
    assert_eq!((empty.units.len(), empty.batches.len()), (full.units.len(), full.batches.len()));
    assert!(empty.cadres.is_empty() && empty.secondments.is_empty() && empty.reviews.is_empty());
    // Unknown and repeated ids; every cadre at once is the whole programme.
    let unknown = store.neighbourhood(&[0, -5, 999_999_999]).unwrap();
    assert!(unknown.cadres.is_empty() && unknown.pairs.is_empty());
    let mut all: Vec<Id> = full.cadres.iter().map(|c| c.id).collect();
    all.extend(all.clone());
    let everything = store.neighbourhood(&all).unwrap();
    // Each batch's earliest start is read for the batches an import moves only.
    assert!(everything.batch_earliest_start.is_empty());
    let records = Data { batch_earliest_start: Default::default(), ..full.clone() };
    assert_eq!(format!("{everything:?}"), format!("{records:?}"));
    // Inside the caller's read transaction, and again after it.
    let tx = store.connection().unchecked_transaction().unwrap();
    let inside = store.neighbourhood(&all[..5]).unwrap();
    tx.commit().unwrap();
    assert_eq!(format!("{inside:?}"), format!("{:?}", store.neighbourhood(&all[..5]).unwrap()));
}

#[test]
fn rows_written_by_hand_are_skipped_and_named_as_load_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let conn = raw(&path);
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         UPDATE cadres SET birth_date = '2017-02-30' WHERE id = 2;
         UPDATE secondments SET start_date = '2019-13-01' WHERE id = 5;
         UPDATE secondments SET direction = 'sideways' WHERE id = 6;
         UPDATE reviews SET kind = 'monthly' WHERE id = (SELECT max(id) FROM reviews WHERE done_date IS NULL);
         UPDATE reviews SET grade = 'A+' WHERE id = (SELECT min(id) FROM reviews WHERE done_date IS NOT NULL);
         UPDATE vettings SET political = 'meh' WHERE id = (SELECT min(id) FROM vettings);
         UPDATE dossier_notes SET note_date = '0000-00-00' WHERE id = (SELECT min(id) FROM dossier_notes);
         UPDATE reserve_nominations SET status = 'limbo' WHERE id = (SELECT min(id) FROM reserve_nominations);
         UPDATE reserve_events SET to_status = '?' WHERE id = (SELECT min(id) FROM reserve_events);",
    )
    .unwrap();
    drop(conn);
    let store = store(&path);
    let full = Built::new(store.load().unwrap());
    assert_eq!(full.data.invalid.len(), 9, "{:?}", full.data.invalid);
    let ids: Vec<Id> = full.data.cadres.iter().map(|c| c.id).chain([2]).collect();
    dossiers_match_one_by_one(&store, &full, &ids);
    views_match_together(&store, &full, &ids[..20]);
    let mut met = HashSet::new();
    for &id in &ids {
        let near = store.neighbourhood(&[id]).unwrap();
        tables_are_slices_of_load(&near, &full.data);
        met.extend(near.invalid);
    }
    assert_eq!(met.len(), full.data.invalid.len(), "every bad row is some cadre's: {met:?}");
}

#[test]
fn fifty_random_cadres_of_a_generated_database_are_the_same_over_their_neighbourhood() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&generated(dir.path(), 2000));
    let full = Built::new(store.load().unwrap());
    assert!(full.data.cadres.len() >= 2000);
    // A fixed pseudo-random sample (64-bit LCG), so a failure is repeatable.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut ids: Vec<Id> = Vec::new();
    while ids.len() < 50 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let c = full.data.cadres[(seed >> 33) as usize % full.data.cadres.len()].id;
        if !ids.contains(&c) {
            ids.push(c);
        }
    }
    dossiers_match_one_by_one(&store, &full, &ids);
    views_match_together(&store, &full, &ids);
    tables_are_slices_of_load(&store.neighbourhood(&ids).unwrap(), &full.data);
}

/// What `attention_counts` used to do: count `attention()`'s rows by status.
fn counted(store: &Store, day: &str) -> [usize; 3] {
    let mut counts = [0; 3];
    for row in store.attention(date(day)).unwrap() {
        match row.status {
            ReviewStatus::Overdue => counts[0] += 1,
            ReviewStatus::DueToday => counts[1] += 1,
            _ => counts[2] += 1,
        }
    }
    counts
}

const COUNT_DATES: [&str; 7] =
    ["2017-06-01", "2018-01-31", "2026-11-27", "2019-02-10", "2017-04-14", "2019-07-15", "2030-01-01"];

#[test]
fn attention_counts_equal_counting_the_attention_rows() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&sample_copy(dir.path()));
    let mut nonzero = [false; 3];
    for day in COUNT_DATES {
        let counts = store.attention_counts(date(day)).unwrap();
        assert_eq!(counts, counted(&store, day), "on {day}");
        for (seen, n) in nonzero.iter_mut().zip(counts) {
            *seen |= n > 0;
        }
    }
    assert_eq!(nonzero, [true; 3], "the dates cover every bucket");
}

/// A row written by hand past the CHECKs: an impossible due date is left out by both; an
/// unknown review kind is counted, though `attention()` cannot read the row (documented).
#[test]
fn attention_counts_and_rows_written_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let day = "2026-11-27";
    let before = store(&path).attention_counts(date(day)).unwrap();
    let conn = raw(&path);
    let overdue = |which| {
        format!(
            "(SELECT {which}(id) FROM reviews
              WHERE done_date IS NULL AND cancelled = 0 AND due_date < '2026-11-27' AND date(due_date) IS due_date)"
        )
    };
    conn.execute_batch(&format!(
        "PRAGMA ignore_check_constraints = ON; UPDATE reviews SET due_date = '2026-02-30' WHERE id = {};",
        overdue("min")
    ))
    .unwrap();
    let s = store(&path);
    let after = s.attention_counts(date(day)).unwrap();
    assert_eq!(after, counted(&s, day));
    assert_eq!(after, [before[0] - 1, before[1], before[2]]);
    conn.execute_batch(&format!(
        "PRAGMA ignore_check_constraints = ON; UPDATE reviews SET kind = 'monthly' WHERE id = {};",
        overdue("max")
    ))
    .unwrap();
    let s = store(&path);
    assert_eq!(s.attention_counts(date(day)).unwrap(), after, "counted: the kind is not read");
    assert_eq!(counted(&s, day), [after[0] - 1, after[1], after[2]], "attention() skips the row");
}
