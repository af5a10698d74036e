//! The Cadres tab's catalog (large databases) orders, filters and searches exactly as the list
//! does over built rows: `CadreCatalog::order` against `ListState::refresh` over
//! `view::cadres::build`, for every column, both directions, several queries and filters, on
//! sample.db, a generated database and one with rows written by hand against the rules.

use crate::common;

use guazhi::app::catalog::cadres::{CadreCatalog, COLUMNS};
use guazhi::app::catalog::Catalog;
use guazhi::app::list::Filters;
use guazhi::app::view::{cadres, Index, Lookup, Rec, Table};
use guazhi::app::{ListState, StatusFilter};
use guazhi::domain::{District, Id, ReviewKind};
use guazhi::lang::Lang;
use guazhi::search::Query;
use guazhi::store::{Access, Data, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const TODAYS: [&str; 2] = ["2026-11-27", "2018-06-01"];
const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

/// A copy of the repository's sample.db in a temporary folder that lives as long as the tests.
fn sample_copy(name: &str) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join(name);
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db"), &path).expect("copy sample.db");
    path
}

/// `guazhi sample --cadres 3000`, made once.
fn generated() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("gen.db");
        let out = Command::new(env!("CARGO_BIN_EXE_guazhi"))
            .args(["sample", "--cadres", "3000", path.to_str().unwrap()])
            .output()
            .expect("run guazhi sample");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        path
    })
}

/// The built table of the Cadres tab, as the app makes it from `load` (without measuring the
/// column widths, which `refresh` does not look at).
fn table(data: &Data, today: chrono::NaiveDate, lang: Lang) -> Table {
    let ix = Index::new(data);
    let lk = Lookup { data, ix: &ix, today, lang, ascii: false };
    cadres::build(&lk)
}

fn refresh(table: &Table, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> Vec<Option<Rec>> {
    let mut list = ListState { sort, reverse, filters: filters.clone(), query: query.clone(), ..Default::default() };
    list.refresh(table);
    list.visible.iter().map(|&i| table.rows[i].rec).collect()
}

fn order(cat: &CadreCatalog, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> Vec<Option<Rec>> {
    cat.order(sort, reverse, filters, query).into_iter().map(|r| cat.rec(r)).collect()
}

/// The filters to try: the default, archived shown, the commonest batch and district, and a
/// review-kind filter (which no cadre row passes).
fn filters(table: &Table) -> Vec<Filters> {
    let commonest = |key: &dyn Fn(&guazhi::app::view::Row) -> Option<i64>| {
        let mut counts = std::collections::HashMap::new();
        for row in &table.rows {
            if let Some(k) = key(row) {
                *counts.entry(k).or_insert(0) += 1;
            }
        }
        counts.into_iter().max_by_key(|&(k, n)| (n, -k)).map(|(k, _)| k)
    };
    let batch: Option<Id> = commonest(&|r| r.tags.batch);
    let district = commonest(&|r| r.tags.district.map(|d| District::ALL.iter().position(|x| *x == d).unwrap() as i64))
        .map(|i| District::ALL[i as usize]);
    assert!(batch.is_some() && district.is_some(), "the database has batches and districts");
    vec![
        Filters::default(),
        Filters { show_archived: true, ..Filters::default() },
        Filters { batch, ..Filters::default() },
        Filters { district, show_archived: true, ..Filters::default() },
        Filters { batch, district, status: StatusFilter::All, ..Filters::default() },
        Filters { kind: Some(ReviewKind::Routine), ..Filters::default() },
    ]
}

fn queries(data: &Data) -> Vec<String> {
    let unit = data.units.iter().map(|u| u.name.chars().take(3).collect::<String>()).find(|n| n.chars().count() == 3);
    let mut q: Vec<String> = ["", "z", "zh", "zhang", "张", "chen", "市", "局长"].map(String::from).to_vec();
    q.extend(unit);
    q.push("qq-no-match".into());
    q
}

/// Every column (and none, and one past the last) × both directions × `queries` × `filters`:
/// the catalog's order is `refresh`'s. With `full`, every filter and a second pass in another
/// loop order, so that the catalog's caches (narrowed searches, sorted permutations) are met
/// in different sequences; else three filters (a larger database: `refresh` is slow in a debug
/// build).
fn assert_same_order(path: &Path, full: bool) {
    let store = Store::open(path, Access::ReadOnly).expect("open");
    let data = store.load().expect("load");
    let queries: Vec<(String, Query)> = queries(&data).into_iter().map(|q| (q.clone(), Query::new(&q))).collect();
    for today in TODAYS.map(common::date) {
        for lang in LANGS {
            let table = table(&data, today, lang);
            assert_eq!(table.columns.len(), COLUMNS);
            // As built for a large database, and with every step split over two threads.
            let cats = [
                CadreCatalog::build(store.connection(), today, lang).expect("build"),
                CadreCatalog::build_split(store.connection(), today, lang, 64).expect("build"),
            ];
            for cat in &cats {
                // Natural order: the rows of `cadres::build`, and `find` inverts `rec`.
                assert_eq!(cat.len(), table.rows.len());
                for (i, row) in table.rows.iter().enumerate() {
                    assert_eq!(cat.rec(i), row.rec);
                    assert_eq!(cat.cadre(i), row.cadre);
                    assert_eq!(cat.find(row.rec.unwrap()), Some(i));
                }
                assert_eq!(cat.find(Rec::Review(1)), None);
                assert_eq!(cat.rec(cat.len()), None);
            }
            let mut filters = filters(&table);
            if !full {
                filters = vec![filters[0].clone(), filters[2].clone(), filters[3].clone()];
            }
            let sorts: Vec<Option<usize>> = std::iter::once(None).chain((0..=COLUMNS).map(Some)).collect();
            let check = |sort: Option<usize>, reverse: bool, f: &Filters, (text, q): &(String, Query)| {
                let want = refresh(&table, sort, reverse, f, q);
                for (split, cat) in cats.iter().enumerate() {
                    let got = order(cat, sort, reverse, f, q);
                    assert!(
                        got == want,
                        "{} {today} {lang:?} sort {sort:?} reverse {reverse} {f:?} query {text:?} (split {split}): \
                         {} rows, want {}",
                        path.display(),
                        got.len(),
                        want.len()
                    );
                }
            };
            for q in &queries {
                for f in &filters {
                    for &sort in &sorts {
                        for reverse in [false, true] {
                            check(sort, reverse, f, q);
                        }
                    }
                }
            }
            if !full {
                continue;
            }
            for &sort in &sorts {
                for reverse in [true, false] {
                    for q in queries.iter().rev() {
                        check(sort, reverse, &filters[0], q);
                    }
                }
            }
        }
    }
}

#[test]
fn order_equals_refresh_on_sample_db() {
    assert_same_order(&sample_copy("sample.db"), true);
}

#[test]
fn order_equals_refresh_on_a_generated_database() {
    assert_same_order(generated(), false);
}

/// Rows written by hand against the rules (unreadable rows are skipped as `load` skips them),
/// odd values, hostile text, and every kind of flag: ended early, overlapping terms, too much
/// grassroots experience, invalid and unmirrored pairs, a pair naming an unreadable secondment,
/// a partner whose cadre is gone.
#[test]
fn order_equals_refresh_with_rows_written_by_hand() {
    let path = sample_copy("odd.db");
    let conn = common::raw(&path);
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         UPDATE cadres SET name = '梁' || char(27) || ']0;x' || char(7) || '文博' WHERE id = 8;
         UPDATE secondments SET host_post = host_post || char(155) || '31m' WHERE id % 5 = 0;
         UPDATE units SET name = name || char(27) || '[2J' WHERE id = 3;
         PRAGMA ignore_check_constraints = ON;
         UPDATE cadres SET birth_date = '2017-02-30' WHERE id = 1;
         UPDATE cadres SET gender = 'x', name = '' WHERE id = 2;
         UPDATE cadres SET political = '群众？' WHERE id = 3;
         UPDATE cadres SET grassroots_years = 3 WHERE id IN (SELECT cadre_id FROM secondments WHERE direction = 'down');
         UPDATE cadres SET birth_date = '9999-12-31' WHERE id = 5;
         UPDATE cadres SET name = '' WHERE id = 6;
         UPDATE cadres SET archived = 1 WHERE id % 7 = 0;
         UPDATE units SET kind = 'ministry' WHERE id = (SELECT max(id) FROM units);
         UPDATE batches SET dispatch_date = 'soon' WHERE id = (SELECT max(id) FROM batches);
         UPDATE secondments SET start_date = '2019-13-01' WHERE id = 5;
         UPDATE secondments SET direction = 'sideways' WHERE id = 6;
         UPDATE secondments SET planned_end = '2000-01-01' WHERE id = 7;
         UPDATE secondments SET direction = 'up' WHERE id = (SELECT down_id FROM pairs ORDER BY id LIMIT 1 OFFSET 3);
         UPDATE secondments SET batch_id = batch_id + 1 WHERE id = (SELECT up_id FROM pairs ORDER BY id LIMIT 1 OFFSET 4);
         UPDATE secondments SET host_unit_id = 1 WHERE id = (SELECT up_id FROM pairs ORDER BY id LIMIT 1 OFFSET 5);
         UPDATE secondments SET batch_id = 9999 WHERE id = (SELECT down_id FROM pairs ORDER BY id LIMIT 1 OFFSET 6);
         UPDATE secondments SET actual_end = date(start_date, '+100 days'), end_reason = '调动'
             WHERE id IN (SELECT id FROM secondments ORDER BY id DESC LIMIT 3);
         UPDATE secondments SET host_unit_id = 424242 WHERE id = 9;
         DELETE FROM cadres WHERE id = (SELECT s.cadre_id FROM secondments s JOIN pairs p ON p.up_id = s.id
                                        ORDER BY p.id LIMIT 1 OFFSET 8);
         DELETE FROM pairs WHERE id = (SELECT id FROM pairs ORDER BY id LIMIT 1 OFFSET 9);
         INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end)
             SELECT cadre_id, batch_id, direction, host_unit_id, '第二任', date(start_date, '+30 days'),
                    date(start_date, '+400 days')
             FROM secondments WHERE id IN (10, 11, 12);
         INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end)
             VALUES (4242, 1, 'down', 1, '无人', '2020-01-01', '2021-12-31');
         -- A secondment in two pairs: down in one, then (turned up) up in another.
         UPDATE secondments SET direction = 'up' WHERE id = (SELECT down_id FROM pairs ORDER BY id LIMIT 1 OFFSET 11);
         INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end)
             SELECT 20, batch_id, 'down', host_unit_id, '双配对', start_date, planned_end FROM secondments
             WHERE id = (SELECT down_id FROM pairs ORDER BY id LIMIT 1 OFFSET 11);
         INSERT INTO pairs (batch_id, down_id, up_id)
             SELECT s.batch_id, (SELECT max(id) FROM secondments), s.id FROM secondments s
             WHERE s.id = (SELECT down_id FROM pairs ORDER BY id LIMIT 1 OFFSET 11);
         UPDATE reviews SET due_date = '2026-02-30'
             WHERE id = (SELECT min(id) FROM reviews WHERE done_date IS NULL AND cancelled = 0);
         UPDATE reviews SET kind = 'monthly' WHERE id = (SELECT max(id) FROM reviews WHERE done_date IS NULL);
         UPDATE reviews SET grade = 'A+' WHERE id = (SELECT min(id) FROM reviews WHERE done_date IS NOT NULL);
         UPDATE reviews SET done_date = 'someday' WHERE id = (SELECT max(id) FROM reviews WHERE done_date IS NOT NULL);",
    )
    .unwrap();
    drop(conn);
    let data = Store::open(&path, Access::ReadOnly).unwrap().load().unwrap();
    assert!(data.invalid.len() >= 10, "{:?}", data.invalid);
    let twice = data
        .secondments
        .iter()
        .filter(|s| data.pairs.iter().filter(|p| [p.down_id, p.up_id].contains(&s.id)).count() > 1);
    assert_eq!(twice.count(), 1, "one secondment is in two pairs");
    // Every kind of flag is there to sort by.
    for (today, lang, labels) in [
        (
            "2026-11-27",
            Lang::Zh,
            &[
                "提前结束",
                "挂职时间重叠",
                "基层经历满两年",
                "挂职期限非两年",
                "互派无效",
                "互派单位不对应",
                "未配对",
                "无挂职记录",
                "已归档",
            ][..],
        ),
        ("2018-06-01", Lang::En, &["not started", "invalid pair", "archived"][..]),
    ] {
        let table = table(&data, common::date(today), lang);
        let flags: Vec<&str> = table.rows.iter().map(|r| r.cells[10].text.as_str()).collect();
        for label in labels {
            assert!(flags.iter().any(|f| f.contains(label)), "{today}: no {label} in {flags:?}");
        }
    }
    assert_same_order(&path, true);
}

/// Archived cadres are hidden unless asked for, and flagged.
#[test]
fn archived_cadres_are_hidden_unless_shown() {
    let path = sample_copy("archived.db");
    let conn = common::raw(&path);
    let archived: Vec<Id> = [3, 10, 17].to_vec();
    conn.execute_batch("UPDATE cadres SET archived = 1 WHERE id IN (3, 10, 17)").unwrap();
    drop(conn);
    let store = Store::open(&path, Access::ReadOnly).unwrap();
    let today = common::date("2026-11-27");
    let cat = CadreCatalog::build(store.connection(), today, Lang::Zh).unwrap();
    let all = Filters { show_archived: true, ..Filters::default() };
    for query in ["", "z"] {
        let q = Query::new(query);
        for sort in [None, Some(0), Some(10)] {
            let shown: Vec<Rec> =
                cat.order(sort, false, &Filters::default(), &q).iter().filter_map(|&r| cat.rec(r)).collect();
            let every: Vec<Rec> = cat.order(sort, false, &all, &q).iter().filter_map(|&r| cat.rec(r)).collect();
            for id in &archived {
                assert!(!shown.contains(&Rec::Cadre(*id)), "cadre {id} hidden");
            }
            if query.is_empty() {
                assert_eq!(every.len(), cat.len());
                assert_eq!(shown.len(), cat.len() - archived.len());
                for id in &archived {
                    assert!(every.contains(&Rec::Cadre(*id)), "cadre {id} shown when asked");
                }
            }
            assert!(every.len() >= shown.len());
        }
    }
    // Sorted by flags, the archived ones (flagged 已归档) sort together as the list sorts them.
    let data = store.load().unwrap();
    let table = table(&data, today, Lang::Zh);
    let q = Query::new("");
    assert_eq!(order(&cat, Some(10), true, &all, &q), refresh(&table, Some(10), true, &all, &q));
}

/// Repeated and interleaved calls give the same answers (the caches never leak one query's
/// or one column's result into another's).
#[test]
fn caches_do_not_change_answers() {
    let path = sample_copy("cache.db");
    let store = Store::open(&path, Access::ReadOnly).unwrap();
    let today = common::date("2026-11-27");
    let cat = CadreCatalog::build(store.connection(), today, Lang::En).unwrap();
    let fresh = || CadreCatalog::build(store.connection(), today, Lang::En).unwrap();
    let f = Filters::default();
    let steps: [(Option<usize>, bool, &str); 9] = [
        (Some(0), false, "z"),
        (Some(0), false, "zh"),
        (Some(4), true, "zh"),
        (None, true, "zhang"),
        (Some(9), false, "zhan"),
        (Some(0), false, ""),
        (Some(6), true, "市"),
        (Some(0), true, "市局"),
        (Some(4), false, "z"),
    ];
    for (sort, reverse, q) in steps {
        let q = Query::new(q);
        assert_eq!(cat.order(sort, reverse, &f, &q), fresh().order(sort, reverse, &f, &q), "{sort:?} {reverse} {q:?}");
    }
    assert!(cat.heap_bytes() > 0);
}
