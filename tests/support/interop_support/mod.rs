//! Helpers for the interop tests: running the binary, the programme as sets of natural keys,
//! reading a written xlsx back.
#![allow(dead_code)]

use calamine::{open_workbook_auto, Data, Reader};
use guazhi::store::{Access, Store};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const TODAY: &str = "2026-11-27";

/// Runs guazhi with no standard input (like cron or CI).
pub fn guazhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(args)
        .env("LANG", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run guazhi")
}

pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The programme as natural keys (names, dates and labels, never ids), for comparing databases.
#[derive(Debug, PartialEq, Eq)]
pub struct Keys {
    pub units: BTreeSet<String>,
    pub batches: BTreeSet<String>,
    pub cadres: BTreeSet<String>,
    pub secondments: BTreeSet<String>,
    pub pairs: BTreeSet<String>,
}

pub fn keys(db: &Path) -> Keys {
    let data = Store::open(db, Access::ReadOnly).expect("open").load().expect("load");
    let unit: HashMap<i64, &guazhi::domain::Unit> = data.units.iter().map(|u| (u.id, u)).collect();
    let batch: HashMap<i64, &str> = data.batches.iter().map(|b| (b.id, b.name.as_str())).collect();
    let cadre: HashMap<i64, &guazhi::domain::Cadre> = data.cadres.iter().map(|c| (c.id, c)).collect();
    let who = |id: i64| format!("{}/{}", cadre[&id].name, cadre[&id].birth_date);
    let sec: HashMap<i64, &guazhi::domain::Secondment> = data.secondments.iter().map(|s| (s.id, s)).collect();
    // Units that something refers to (a sheet carries only those).
    let used: BTreeSet<i64> =
        data.cadres.iter().map(|c| c.home_unit_id).chain(data.secondments.iter().map(|s| s.host_unit_id)).collect();
    Keys {
        units: used.iter().map(|id| format!("{}|{}|{}", unit[id].name, unit[id].kind, unit[id].district)).collect(),
        batches: data.batches.iter().map(|b| format!("{}|{}|{}", b.name, b.dispatch_date, b.term_months)).collect(),
        cadres: data
            .cadres
            .iter()
            .map(|c| {
                format!(
                    "{}|{}|{}|{}|{}|{}|{}|{}|{}",
                    c.name,
                    c.gender,
                    c.birth_date,
                    c.political,
                    c.education,
                    c.speciality,
                    c.grassroots_years,
                    unit[&c.home_unit_id].name,
                    c.home_post
                )
            })
            .collect(),
        secondments: data
            .secondments
            .iter()
            .map(|s| {
                format!(
                    "{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}",
                    who(s.cadre_id),
                    batch[&s.batch_id],
                    s.direction,
                    unit[&s.host_unit_id].name,
                    s.host_post,
                    s.start,
                    s.planned_end,
                    s.actual_end,
                    s.end_reason
                )
            })
            .collect(),
        pairs: data
            .pairs
            .iter()
            .map(|p| {
                format!("{}|{}|{}", batch[&p.batch_id], who(sec[&p.down_id].cadre_id), who(sec[&p.up_id].cadre_id))
            })
            .collect(),
    }
}

/// Row counts of the tables an import writes, and of the audit trail.
pub fn counts(db: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    ["units", "batches", "cadres", "secondments", "pairs", "reviews", "audit"]
        .iter()
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap())
        .collect()
}

/// The first sheet of a workbook, every cell.
pub fn read_xlsx(path: &Path) -> Vec<Vec<Data>> {
    let mut book = open_workbook_auto(path).expect("open xlsx");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    range.rows().map(|r| r.to_vec()).collect()
}

/// A cell as text: strings as they are, dates as YYYY-MM-DD, numbers without a needless `.0`.
pub fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(x) if x.fract() == 0.0 => format!("{}", *x as i64),
        Data::Float(x) => x.to_string(),
        Data::Int(n) => n.to_string(),
        Data::DateTime(dt) => dt.as_datetime().expect("a date").date().to_string(),
        other => other.to_string(),
    }
}
