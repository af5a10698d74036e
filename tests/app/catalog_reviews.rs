//! The Reviews tab's catalog (large databases: pending reviews only) orders, filters and
//! searches exactly as the list does over built rows: `ReviewCatalog::order` against
//! `ListState::refresh` over `view::reviews::build`, for every column, both directions, several
//! queries and the filters a large database offers (pending, each pending status, a kind, a
//! batch, a district), on sample.db, a generated database and one with rows written by hand.

use crate::common;

use guazhi::app::catalog::reviews::{ReviewCatalog, COLUMNS};
use guazhi::app::catalog::Catalog;
use guazhi::app::list::{matches, Filters};
use guazhi::app::view::{reviews, Index, Lookup, Rec, Row, Table};
use guazhi::app::{ListState, StatusFilter};
use guazhi::domain::review::ReviewStatus;
use guazhi::domain::{District, Id, ReviewKind};
use guazhi::lang::Lang;
use guazhi::search::Query;
use guazhi::store::{Access, Data, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAYS: [&str; 3] = ["2026-11-27", "2018-06-01", "2017-12-20"];
const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

/// A copy of the repository's sample.db in a temporary folder (removed with the guard).
fn sample_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db"), &path).expect("copy sample.db");
    (dir, path)
}

/// `guazhi sample --cadres 3000` in a temporary folder (removed with the guard).
fn generated() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gen.db");
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["sample", "--cadres", "3000", path.to_str().unwrap()])
        .output()
        .expect("run guazhi sample");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (dir, path)
}

/// The Reviews tab as the app builds it from `load` (without measuring column widths, which
/// `refresh` does not look at).
fn table(data: &Data, today: chrono::NaiveDate, lang: Lang) -> Table {
    let ix = Index::new(data);
    let lk = Lookup { data, ix: &ix, today, lang, ascii: false };
    reviews::build(&lk)
}

fn refresh(table: &Table, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> Vec<Option<Rec>> {
    let mut list = ListState { sort, reverse, filters: filters.clone(), query: query.clone(), ..Default::default() };
    list.refresh(table);
    list.visible.iter().map(|&i| table.rows[i].rec).collect()
}

fn order(
    cat: &ReviewCatalog,
    sort: Option<usize>,
    reverse: bool,
    filters: &Filters,
    query: &Query,
) -> Vec<Option<Rec>> {
    cat.order(sort, reverse, filters, query).into_iter().map(|r| cat.rec(r)).collect()
}

fn pending(row: &Row) -> bool {
    row.tags.status.is_some_and(|s| !matches!(s, ReviewStatus::Done | ReviewStatus::Cancelled))
}

/// The filters a large database offers: pending (the default), each pending status, a kind,
/// the commonest batch and district among the pending reviews, and two together.
fn filters(table: &Table) -> Vec<Filters> {
    let commonest = |key: &dyn Fn(&Row) -> Option<i64>| {
        let mut counts = std::collections::HashMap::new();
        for row in table.rows.iter().filter(|r| pending(r)) {
            if let Some(k) = key(row) {
                *counts.entry(k).or_insert(0) += 1;
            }
        }
        counts.into_iter().max_by_key(|&(k, n)| (n, -k)).map(|(k, _)| k)
    };
    let batch: Option<Id> = commonest(&|r| r.tags.batch);
    let district = commonest(&|r| r.tags.district.map(|d| District::ALL.iter().position(|x| *x == d).unwrap() as i64))
        .map(|i| District::ALL[i as usize]);
    let mut all = vec![Filters::default()];
    for s in [ReviewStatus::Overdue, ReviewStatus::DueToday, ReviewStatus::DueSoon, ReviewStatus::Upcoming] {
        all.push(Filters { status: StatusFilter::Only(s), ..Filters::default() });
    }
    all.push(Filters { kind: Some(ReviewKind::Annual), ..Filters::default() });
    all.push(Filters { kind: Some(ReviewKind::EndOfTerm), ..Filters::default() });
    all.push(Filters { batch, ..Filters::default() });
    all.push(Filters { district, ..Filters::default() });
    all.push(Filters {
        batch,
        kind: Some(ReviewKind::Routine),
        status: StatusFilter::Only(ReviewStatus::Upcoming),
        ..Filters::default()
    });
    all
}

/// The given queries and a fragment of a host unit's name (each made once: making a query
/// costs more than matching it in an unoptimised build).
fn queries(table: &Table) -> Vec<(String, Query)> {
    let host = 7; // the host unit's column
    let unit = table
        .rows
        .iter()
        .filter(|r| pending(r))
        .map(|r| r.cells[host].text.chars().skip(1).take(2).collect::<String>())
        .find(|u| u.chars().count() == 2);
    let mut q: Vec<String> = ["", "z", "zh", "zhang", "张", "市"].map(String::from).to_vec();
    q.extend(unit);
    q.push("no-match-qq".into());
    q.into_iter().map(|q| (q.clone(), Query::new(&q))).collect()
}

/// How the sweep gets `refresh`'s answer.
#[derive(Clone, Copy, PartialEq)]
enum Oracle {
    /// `ListState::refresh` for every combination.
    Refresh,
    /// For a generated database (40,000 rows: `refresh` for every combination takes many
    /// minutes unoptimised): `refresh`'s order with every status shown and no query, for each
    /// column and direction, then each filter and query applied to it as `refresh` applies them
    /// (`Filters::accepts_tags`, `list::matches`). `refresh` itself is still checked for every
    /// column × direction with two queries, and every filter × query unsorted.
    Derived,
}

/// Every column (and none, and one past the last) × both directions × `queries` × `filters`:
/// the catalog's order is `refresh`'s. The sweep runs in two loop orders so that the catalog's
/// caches (narrowed searches, sorted permutations) are met in different sequences.
fn assert_same_order(path: &Path, oracle: Oracle) {
    let store = Store::open(path, Access::ReadOnly).expect("open");
    let data = store.load().expect("load");
    for today in TODAYS.map(common::date) {
        for lang in LANGS {
            let table = table(&data, today, lang);
            assert_eq!(table.columns.len(), COLUMNS);
            let cat = ReviewCatalog::build(store.connection(), today, lang).expect("build");
            // Natural order: the pending rows of `reviews::build`; `find` inverts `rec`.
            let shown: Vec<&Row> = table.rows.iter().filter(|r| pending(r)).collect();
            assert_eq!(cat.len(), shown.len());
            for (i, row) in shown.iter().enumerate() {
                assert_eq!(cat.rec(i), row.rec);
                assert_eq!(cat.cadre(i), row.cadre);
                assert_eq!(cat.find(row.rec.unwrap()), Some(i));
            }
            for row in table.rows.iter().filter(|r| !pending(r)) {
                assert_eq!(cat.find(row.rec.unwrap()), None, "done and cancelled reviews are not in the catalog");
            }
            assert_eq!(cat.find(Rec::Cadre(1)), None);
            assert_eq!(cat.rec(cat.len()), None);
            assert_eq!(cat.cadre(cat.len()), None);
            let filters = filters(&table);
            let queries = queries(&table);
            let sorts: Vec<Option<usize>> = std::iter::once(None).chain((0..=COLUMNS).map(Some)).collect();
            let same = |sort: Option<usize>,
                        reverse: bool,
                        f: &Filters,
                        text: &str,
                        got: Vec<Option<Rec>>,
                        want: Vec<Option<Rec>>| {
                assert!(
                    got == want,
                    "{} {today} {lang:?} sort {sort:?} reverse {reverse} {f:?} query {text:?}: {} rows, want {}",
                    path.display(),
                    got.len(),
                    want.len()
                );
            };
            let check = |sort, reverse, f: &Filters, (text, q): &(String, Query)| {
                same(sort, reverse, f, text, order(&cat, sort, reverse, f, q), refresh(&table, sort, reverse, f, q));
            };
            // Derived: per column and direction `refresh`'s order of every row; per filter and
            // query the rows it keeps.
            let every = Filters { status: StatusFilter::All, ..Filters::default() };
            let no_query = Query::new("");
            let bases: Vec<Vec<usize>> = match oracle {
                Oracle::Refresh => Vec::new(),
                Oracle::Derived => sorts
                    .iter()
                    .flat_map(|&sort| [false, true].map(|reverse| (sort, reverse)))
                    .map(|(sort, reverse)| {
                        let mut list = ListState { sort, reverse, filters: every.clone(), ..Default::default() };
                        list.query = no_query.clone();
                        list.refresh(&table);
                        list.visible
                    })
                    .collect(),
            };
            let accepted: Vec<Vec<bool>> =
                filters.iter().map(|f| table.rows.iter().map(|r| f.accepts_tags(&r.tags)).collect()).collect();
            let matched: Vec<Vec<bool>> =
                queries.iter().map(|(_, q)| table.rows.iter().map(|r| matches(r, q)).collect()).collect();
            let sweep = |s: usize, reverse: bool, fi: usize, qi: usize| {
                let (sort, f, (text, q)) = (sorts[s], &filters[fi], &queries[qi]);
                if oracle == Oracle::Refresh {
                    return check(sort, reverse, f, &queries[qi]);
                }
                let base = &bases[s * 2 + usize::from(reverse)];
                let want = base.iter().filter(|&&i| accepted[fi][i] && matched[qi][i]).map(|&i| table.rows[i].rec);
                same(sort, reverse, f, text, order(&cat, sort, reverse, f, q), want.collect());
            };
            for qi in 0..queries.len() {
                for fi in 0..filters.len() {
                    for s in 0..sorts.len() {
                        for reverse in [false, true] {
                            sweep(s, reverse, fi, qi);
                        }
                    }
                }
            }
            for s in (0..sorts.len()).rev() {
                for reverse in [true, false] {
                    for qi in (0..queries.len()).rev() {
                        sweep(s, reverse, 0, qi);
                    }
                }
            }
            if oracle == Oracle::Derived {
                for &sort in &sorts {
                    for reverse in [false, true] {
                        for q in [&queries[2], &queries[queries.len() - 2]] {
                            check(sort, reverse, &filters[0], q);
                        }
                    }
                }
                for q in &queries {
                    for f in &filters {
                        check(None, false, f, q);
                    }
                }
            }
            // Done and cancelled reviews are not in a large database's list: showing "all" is
            // showing the pending ones, and "done" or "cancelled" shows none.
            for (_, q) in &queries[..2] {
                assert_eq!(order(&cat, Some(2), false, &every, q), refresh(&table, Some(2), false, &filters[0], q));
                for s in [ReviewStatus::Done, ReviewStatus::Cancelled] {
                    let only = Filters { status: StatusFilter::Only(s), ..Filters::default() };
                    assert!(order(&cat, None, false, &only, q).is_empty());
                }
            }
        }
    }
}

#[test]
fn order_equals_refresh_on_sample_db() {
    let (_dir, path) = sample_copy("sample.db");
    assert_same_order(&path, Oracle::Refresh);
}

#[test]
fn order_equals_refresh_on_a_generated_database() {
    let (_dir, path) = generated();
    assert_same_order(&path, Oracle::Derived);
}

/// Rows written by hand against the rules: unreadable rows are left out as `load` leaves them
/// out (a review, its secondment, or a cadre, unit or batch it refers to), missing ones show
/// `?`, a pending review with a grade sorts by it, and control characters are escaped.
#[test]
fn order_equals_refresh_with_rows_written_by_hand() {
    let (_dir, path) = sample_copy("odd.db");
    let conn = common::raw(&path);
    let open = "SELECT {} FROM reviews WHERE done_date IS NULL AND cancelled = 0";
    // The nth secondment with a pending review.
    let nth = |n: usize| {
        format!(
            "(SELECT DISTINCT secondment_id FROM reviews WHERE done_date IS NULL AND cancelled = 0
              ORDER BY secondment_id LIMIT 1 OFFSET {n})"
        )
    };
    let sql = format!(
        "PRAGMA foreign_keys = OFF;
         UPDATE cadres SET name = '梁' || char(27) || ']0;x' || char(7) || '文博' WHERE id = (SELECT cadre_id FROM secondments WHERE id = {s0});
         UPDATE units SET name = name || char(27) || '[2J' WHERE id = (SELECT host_unit_id FROM secondments WHERE id = {s1});
         UPDATE reviews SET assessor = '张' || char(155) || '科长' WHERE id IN (SELECT id FROM reviews WHERE done_date IS NULL AND id % 3 = 0);
         PRAGMA ignore_check_constraints = ON;
         UPDATE reviews SET assessor = '' WHERE id = ({max_open});
         UPDATE reviews SET grade = 'excellent' WHERE id = ({min_open}) + 1;
         UPDATE reviews SET grade = 'A+' WHERE id = ({min_open}) + 2;
         UPDATE reviews SET due_date = '2026-02-30' WHERE id = ({min_open}) + 3;
         UPDATE reviews SET kind = 'monthly' WHERE id = ({min_open}) + 4;
         UPDATE reviews SET period = '' WHERE id = ({min_open}) + 5;
         UPDATE cadres SET gender = 'x' WHERE id = (SELECT cadre_id FROM secondments WHERE id = {s2});
         UPDATE cadres SET birth_date = '2017-02-30' WHERE id = (SELECT cadre_id FROM secondments WHERE id = {s3});
         UPDATE cadres SET name = '' WHERE id = (SELECT cadre_id FROM secondments WHERE id = {s4});
         DELETE FROM cadres WHERE id = (SELECT cadre_id FROM secondments WHERE id = {s5});
         UPDATE secondments SET direction = 'sideways' WHERE id = {s6};
         UPDATE secondments SET start_date = '2019-13-01' WHERE id = {s7};
         UPDATE secondments SET host_unit_id = 424242 WHERE id = {s8};
         UPDATE secondments SET batch_id = 9999 WHERE id = {s9};
         UPDATE units SET kind = 'ministry' WHERE id = (SELECT host_unit_id FROM secondments WHERE id = {s10});
         UPDATE units SET district = 'moon' WHERE id = (SELECT home_unit_id FROM cadres
             WHERE id = (SELECT cadre_id FROM secondments WHERE direction = 'up' AND id IN (SELECT secondment_id FROM reviews WHERE done_date IS NULL) LIMIT 1));
         UPDATE batches SET dispatch_date = 'soon' WHERE id = (SELECT batch_id FROM secondments WHERE id = {s11});
         UPDATE batches SET term_months = -24 WHERE id = (SELECT batch_id FROM secondments WHERE id = {s12});
         UPDATE reviews SET cancelled = 0, done_date = NULL, grade = NULL WHERE id IN (SELECT id FROM reviews WHERE cancelled = 1 LIMIT 3);",
        s0 = nth(0),
        s1 = nth(1),
        s2 = nth(2),
        s3 = nth(3),
        s4 = nth(4),
        s5 = nth(5),
        s6 = nth(6),
        s7 = nth(7),
        s8 = nth(8),
        s9 = nth(9),
        s10 = nth(10),
        s11 = nth(11),
        s12 = nth(12),
        max_open = open.replace("{}", "max(id)"),
        min_open = open.replace("{}", "min(id)"),
    );
    conn.execute_batch(&sql).unwrap();
    drop(conn);
    let data = Store::open(&path, Access::ReadOnly).unwrap().load().unwrap();
    assert!(data.invalid.len() >= 10, "{:?}", data.invalid);
    assert_same_order(&path, Oracle::Refresh);
}

/// Repeated and interleaved calls give the same answers as a fresh catalog's (the caches never
/// leak one query's or one column's result into another's).
#[test]
fn caches_do_not_change_answers() {
    let (_dir, path) = sample_copy("cache.db");
    let store = Store::open(&path, Access::ReadOnly).unwrap();
    let today = common::date("2026-11-27");
    let cat = ReviewCatalog::build(store.connection(), today, Lang::Zh).unwrap();
    let fresh = || ReviewCatalog::build(store.connection(), today, Lang::Zh).unwrap();
    let f = Filters::default();
    let overdue = Filters { status: StatusFilter::Only(ReviewStatus::Overdue), ..Filters::default() };
    let steps: [(Option<usize>, bool, &Filters, &str); 9] = [
        (Some(2), false, &f, "z"),
        (Some(2), false, &f, "zh"),
        (Some(7), true, &overdue, "zh"),
        (None, true, &f, "zhang"),
        (Some(9), false, &f, "zhan"),
        (Some(2), false, &overdue, ""),
        (Some(7), true, &f, "市"),
        (Some(2), true, &f, "市局"),
        (Some(10), false, &f, "z"),
    ];
    let before = cat.heap_bytes();
    for (sort, reverse, filters, q) in steps {
        let q = Query::new(q);
        assert_eq!(
            cat.order(sort, reverse, filters, &q),
            fresh().order(sort, reverse, filters, &q),
            "{sort:?} {reverse} {q:?}"
        );
    }
    assert!(before > 0 && cat.heap_bytes() >= before);
}
