//! An import's new rows go in as a block (`Writer::new_rows`), with one digest instead of an
//! audit image each: the rows must be exactly the ones `add_cadre`, `add_secondment` and
//! `pair` write one by one, checked the same way, and the import cannot be undone row by row.

use crate::common;
use guazhi::domain::Id;
use guazhi::store::{Data, NewCadre, NewSecondment, Writer};
use std::collections::HashMap;
use std::path::Path;

/// Every row of `table` above id `after`, as the sqlite3 shell prints it.
fn rows_after(db: &Path, table: &str, after: i64) -> Vec<String> {
    let conn = common::raw(db);
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE id > ?1 ORDER BY id")).unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map([after], |r| {
            (0..n)
                .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();
    rows.map(|r| r.unwrap().join("|")).collect()
}

fn last_id(db: &Path, table: &str) -> i64 {
    common::raw(db).query_row(&format!("SELECT coalesce(max(id), 0) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// The ways of adding rows being compared.
trait Add {
    fn cadre(&mut self, c: &NewCadre) -> guazhi::store::Result<Id>;
    fn secondment(&mut self, s: &NewSecondment) -> guazhi::store::Result<Id>;
    fn pair(&mut self, a: Id, b: Id) -> guazhi::store::Result<Id>;
}

struct OneByOne<'w, 'a>(&'w Writer<'a>);

impl Add for OneByOne<'_, '_> {
    fn cadre(&mut self, c: &NewCadre) -> guazhi::store::Result<Id> {
        self.0.add_cadre(c)
    }
    fn secondment(&mut self, s: &NewSecondment) -> guazhi::store::Result<Id> {
        self.0.add_secondment(s)
    }
    fn pair(&mut self, a: Id, b: Id) -> guazhi::store::Result<Id> {
        self.0.pair(a, b)
    }
}

impl Add for guazhi::store::NewRows<'_, '_> {
    fn cadre(&mut self, c: &NewCadre) -> guazhi::store::Result<Id> {
        guazhi::store::NewRows::cadre(self, c)
    }
    fn secondment(&mut self, s: &NewSecondment) -> guazhi::store::Result<Id> {
        guazhi::store::NewRows::secondment(self, s)
    }
    fn pair(&mut self, a: Id, b: Id) -> guazhi::store::Result<Id> {
        guazhi::store::NewRows::pair(self, a, b)
    }
}

/// The demo's programme again, for new people ("新" before each name): every cadre, each of
/// their secondments (early ends included) and every pair.
fn programme_again(data: &Data, add: &mut dyn Add) -> guazhi::store::Result<()> {
    let mut cadres = HashMap::new();
    for c in &data.cadres {
        let new = NewCadre {
            name: format!("新{}", c.name),
            gender: c.gender,
            birth_date: c.birth_date,
            political: c.political,
            education: c.education.clone(),
            speciality: c.speciality.clone(),
            grassroots_years: c.grassroots_years,
            home_unit_id: c.home_unit_id,
            home_post: c.home_post.clone(),
        };
        cadres.insert(c.id, add.cadre(&new)?);
    }
    let mut secondments = HashMap::new();
    for s in &data.secondments {
        let new = NewSecondment {
            cadre_id: cadres[&s.cadre_id],
            batch_id: s.batch_id,
            direction: s.direction,
            host_unit_id: s.host_unit_id,
            host_post: s.host_post.clone(),
            start: s.start,
            planned_end: Some(s.planned_end),
            ended_early: s.actual_end.zip(s.end_reason.clone()),
        };
        secondments.insert(s.id, add.secondment(&new)?);
    }
    for p in &data.pairs {
        add.pair(secondments[&p.down_id], secondments[&p.up_id])?;
    }
    Ok(())
}

#[test]
fn rows_written_as_a_block_are_the_rows_written_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let one = common::demo_db(dir.path());
    let block = dir.path().join("block.db");
    std::fs::copy(&one, &block).unwrap();
    let tables = ["cadres", "secondments", "reviews", "pairs"];
    let before: Vec<i64> = tables.iter().map(|t| last_id(&one, t)).collect();

    let mut store = common::open(&one);
    let data = store.load().unwrap();
    store.write(|w| programme_again(&data, &mut OneByOne(w))).unwrap();
    let mut store_b = common::open(&block);
    let counts = store_b
        .write(|w| {
            let mut rows = w.new_rows()?;
            programme_again(&data, &mut rows)?;
            rows.finish("test")
        })
        .unwrap();

    for (table, after) in tables.iter().zip(&before) {
        assert_eq!(rows_after(&one, table, *after), rows_after(&block, table, *after), "{table}");
    }
    let ended: i64 = common::raw(&block)
        .query_row("SELECT count(*) FROM secondments WHERE id > ?1 AND actual_end IS NOT NULL", [before[1]], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(ended > 0 && counts.pairs > 0 && counts.reviews > counts.secondments, "{counts:?}, {ended} ended early");
    // One audit row for the block, against one per row written one by one.
    let audit_rows = |db: &Path| -> i64 {
        common::raw(db)
            .query_row("SELECT count(*) FROM audit WHERE op = (SELECT max(op) FROM audit)", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(audit_rows(&block), 1);
    assert!(audit_rows(&one) as u64 >= counts.cadres + counts.secondments + counts.reviews + counts.pairs);

    // The block has no image of each row to put back: its undo says why not, and changes nothing.
    let refused = store_b.write(|w| w.undo_last()).expect_err("a block was undone");
    assert!(refused.to_string().contains("cannot be undone"), "{refused}");
    assert_eq!(rows_after(&block, "cadres", before[0]).len() as u64, counts.cadres);
}

/// Rows added to a block, the last of them refused.
type Case<'a> = dyn Fn(&mut guazhi::store::NewRows) -> guazhi::store::Result<Id> + 'a;

#[test]
fn a_block_checks_each_row_as_one_by_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let mut store = common::open(&db);
    let data = store.load().unwrap();
    let (c, s) = (&data.cadres[0], &data.secondments[0]);
    let tables = ["cadres", "secondments", "reviews", "pairs", "audit"];
    let before: Vec<Vec<String>> = tables.iter().map(|t| rows_after(&db, t, 0)).collect();
    let cadre = NewCadre {
        name: "新人".into(),
        gender: c.gender,
        birth_date: c.birth_date,
        political: c.political,
        education: String::new(),
        speciality: String::new(),
        grassroots_years: 0.0,
        home_unit_id: c.home_unit_id,
        home_post: String::new(),
    };
    let term = |cadre_id| NewSecondment {
        cadre_id,
        batch_id: s.batch_id,
        direction: s.direction,
        host_unit_id: s.host_unit_id,
        host_post: s.host_post.clone(),
        start: s.start,
        planned_end: Some(s.planned_end),
        ended_early: None,
    };
    let future = NewCadre { birth_date: common::date("2030-01-01"), ..cadre.clone() };
    let cases: Vec<(&str, Box<Case<'_>>)> = vec![
        ("a birth date in the future", Box::new(|r| r.cadre(&future))),
        (
            "a blank host post",
            Box::new(|r| {
                let id = r.cadre(&cadre)?;
                r.secondment(&NewSecondment { host_post: " ".into(), ..term(id) })
            }),
        ),
        (
            "an overlapping term",
            Box::new(|r| {
                let id = r.cadre(&cadre)?;
                r.secondment(&term(id))?;
                r.secondment(&term(id))
            }),
        ),
        (
            "an early end after the planned end",
            Box::new(|r| {
                let id = r.cadre(&cadre)?;
                r.secondment(&NewSecondment { ended_early: Some((s.planned_end, "调动".into())), ..term(id) })
            }),
        ),
        (
            "a cadre paired with themselves",
            Box::new(|r| {
                let id = r.cadre(&cadre)?;
                let a = r.secondment(&term(id))?;
                r.pair(a, a)
            }),
        ),
    ];
    for (name, case) in &cases {
        let refused = store
            .write(|w| {
                let mut rows = w.new_rows()?;
                case(&mut rows)?;
                rows.finish("test").map(|_| ())
            })
            .expect_err(name);
        assert!(matches!(refused, guazhi::store::StoreError::Invalid { .. }), "{name}: {refused:?}");
        let after: Vec<Vec<String>> = tables.iter().map(|t| rows_after(&db, t, 0)).collect();
        assert!(after == before, "{name}: something was written");
    }
}

/// The import's check reads only the stored cadres its lines name (`neighbourhood_of`),
/// yet a name stored unnormalised (a space typed in with the sqlite3 shell) still matches its
/// line, as it did when the whole programme was read. (A cadre in no pair: a partner of a
/// named cadre is read whatever its name.)
#[test]
fn an_import_finds_a_stored_name_typed_with_a_space() {
    use crate::interop_support::*;
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let sheet = dir.path().join("secondments.csv");
    ok(&guazhi(&["export", s(&db), "--what", "secondments", "--out", s(&sheet), "--today", TODAY]));
    let prepare = || {
        let store = common::open(&db);
        guazhi::interop::run::prepare(&store, &sheet, Default::default()).unwrap().plan
    };
    assert!(prepare().is_empty(), "the demo's own export changes nothing");
    let spaced: String = common::raw(&db)
        .query_row(
            "UPDATE cadres SET name = substr(name, 1, 1) || ' ' || substr(name, 2)
             WHERE id = (SELECT min(cadre_id) FROM secondments WHERE cadre_id NOT IN
               (SELECT s.cadre_id FROM secondments s JOIN pairs p ON s.id IN (p.down_id, p.up_id)))
             RETURNING name",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(spaced.contains(' '), "{spaced}");
    let plan = prepare();
    assert!(plan.cadres.is_empty() && plan.secondments.is_empty(), "{}", plan.summary(guazhi::lang::Lang::En));
}

/// Each connection gets lookaside slots enough for its cached statements (`more_lookaside` in
/// `store::open`): with SQLite's default 40 slots, every insert of an import took its small
/// allocations (records, cursors) from `malloc`: the write lock was held a fifth longer.
#[test]
fn a_block_of_new_rows_needs_no_malloc_for_want_of_a_lookaside_slot() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let mut store = common::open(&db);
    let data = store.load().unwrap();
    store
        .write(|w| {
            let mut rows = w.new_rows()?;
            programme_again(&data, &mut rows)?;
            rows.finish("test")
        })
        .unwrap();
    let (mut now, mut most) = (0, 0);
    // SAFETY: the store's open connection; two out-parameters, no reset.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            store.connection().handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL,
            &mut now,
            &mut most,
            0,
        )
    };
    assert_eq!((rc, most), (rusqlite::ffi::SQLITE_OK, 0), "allocations that found every lookaside slot taken");
}

/// A line's partner may be a stored cadre named by name only: the check reads the cadres so
/// named with their pairs, so the pair is made with the stored secondment, and a partner
/// already paired in the database is refused, as when the whole programme was read.
#[test]
fn a_partner_named_by_name_only_is_found_among_the_stored_cadres() {
    use crate::interop_support::*;
    use guazhi::interop::plan::SecRef;
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let all = dir.path().join("all.csv");
    ok(&guazhi(&["export", s(&db), "--what", "secondments", "--out", s(&all), "--today", TODAY]));
    let (unpaired, name, batch, direction): (i64, String, String, String) = common::raw(&db)
        .query_row(
            "SELECT s.id, c.name, b.name, s.direction FROM secondments s JOIN cadres c ON c.id = s.cadre_id
             JOIN batches b ON b.id = s.batch_id
             WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE s.id IN (p.down_id, p.up_id))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let text = std::fs::read_to_string(&all).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let col = |h: &str| header.trim_start_matches('\u{feff}').split(',').position(|c| c == h).unwrap();
    let other_side = if direction == "down" { "上挂" } else { "下挂" };
    // A stored line of the same batch on the other side: its person made new, its partner named.
    let template: Vec<String> = lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .find(|c| c[col("批次")] == batch && c[col("挂职方向")] == other_side)
        .unwrap();
    let taken = template[col("互派对象")].clone();
    assert!(!taken.is_empty(), "the template's own partner is paired in the database");
    let prepare = |partner: &str| {
        let mut cells = template.clone();
        cells[col("姓名")] = "新人丁".into();
        cells[col("互派对象")] = partner.into();
        cells[col("互派对象出生日期")].clear();
        let sheet = dir.path().join("one.csv");
        std::fs::write(&sheet, format!("{header}\n{}\n", cells.join(","))).unwrap();
        guazhi::interop::run::prepare(&common::open(&db), &sheet, Default::default())
    };
    let plan = prepare(&name).unwrap().plan;
    assert_eq!(plan.pairs.len(), 1, "{}", plan.summary(guazhi::lang::Lang::En));
    let pair = &plan.pairs[0];
    assert!([pair.down, pair.up].contains(&SecRef::Stored(unpaired)) && [pair.down, pair.up].contains(&SecRef::New(0)));
    let refused = prepare(&taken).expect_err("a partner paired in the database was paired again").to_string();
    assert!(refused.contains("already paired with someone else"), "{refused}");
}
