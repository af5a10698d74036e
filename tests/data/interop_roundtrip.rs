//! Export the demo's secondments, import them into an empty database: the same programme.

use crate::common;
use crate::interop_support;

use interop_support::*;
use std::path::Path;

fn fresh(dir: &Path, name: &str) -> std::path::PathBuf {
    let db = dir.join(name);
    ok(&guazhi(&["init", s(&db)]));
    db
}

fn round_trip(format: &str) {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join(format!("secondments.{format}"));
    ok(&guazhi(&[
        "export",
        s(&demo),
        "--what",
        "secondments",
        "--format",
        format,
        "--out",
        s(&file),
        "--today",
        TODAY,
    ]));
    let new = fresh(dir.path(), "new.db");

    // Units are new to the empty database: refused unless asked for.
    let refused = guazhi(&["import", s(&new), s(&file), "--yes"]);
    assert_eq!(refused.status.code(), Some(4));
    assert!(stderr(&refused).contains("unknown unit"), "{}", stderr(&refused));
    assert_eq!(counts(&new)[..5], [0, 0, 0, 0, 0]);

    let out = ok(&guazhi(&["import", s(&new), s(&file), "--create-units", "--yes"]));
    assert!(out.contains("imported into"), "{out}");
    let (a, b) = (keys(&demo), keys(&new));
    assert_eq!(a.units, b.units);
    assert_eq!(a.batches, b.batches);
    assert_eq!(a.cadres, b.cadres);
    assert_eq!(a.secondments, b.secondments);
    assert_eq!(a.pairs, b.pairs);
    assert!(
        !a.pairs.is_empty() && a.secondments.iter().any(|s| s.contains("Some(")),
        "the demo has pairs and an early end"
    );

    let stats = |db: &Path| ok(&guazhi(&["stats", s(db), "--format", "json"]));
    assert_eq!(stats(&demo), stats(&new));
    // The review schedule follows from the terms, so the same reviews are owed.
    let owed = |db: &Path| {
        let conn = common::raw(db);
        conn.query_row("SELECT count(*), count(*) FILTER (WHERE cancelled = 1) FROM reviews", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .unwrap()
    };
    assert_eq!(owed(&demo), owed(&new));

    // The same file again changes nothing.
    let again = ok(&guazhi(&["import", s(&new), s(&file), "--yes"]));
    assert!(again.contains("nothing to change"), "{again}");
}

#[test]
fn secondments_round_trip_through_xlsx() {
    round_trip("xlsx");
}

#[test]
fn secondments_round_trip_through_csv() {
    round_trip("csv");
}

#[test]
fn without_yes_and_without_a_terminal_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("s.csv");
    ok(&guazhi(&["export", s(&demo), "--what", "secondments", "--out", s(&file)]));
    let new = fresh(dir.path(), "new.db");
    let before = std::fs::read(&new).unwrap();
    let out = guazhi(&["import", s(&new), s(&file), "--create-units"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    // It did show what it would have done.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("create 34 units"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(std::fs::read(&new).unwrap(), before);

    let dry = ok(&guazhi(&["import", s(&new), s(&file), "--create-units", "--dry-run"]));
    assert!(dry.contains("dry run: nothing was written"), "{dry}");
    assert!(dry.contains("+ pair "), "{dry}");
    assert_eq!(counts(&new)[..5], [0, 0, 0, 0, 0]);
}

#[test]
fn gbk_csv_and_english_headers_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let out = ok(&guazhi(&["export", s(&demo), "--what", "secondments"]));
    let body = out.trim_start_matches('\u{feff}');
    // English headers, as the documentation lists them.
    let (header, rest) = body.split_once("\r\n").unwrap();
    let english: Vec<&str> = header
        .split(',')
        .map(|h| guazhi::interop::columns::COLUMNS.iter().find(|c| c.zh == h).map_or(h, |c| c.en))
        .collect();
    let sheet = format!("{}\r\n{rest}", english.join(","));
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&sheet);
    assert!(!unmappable);
    let file = dir.path().join("gbk.csv");
    std::fs::write(&file, &gbk).unwrap();
    let new = fresh(dir.path(), "new.db");
    let out = guazhi(&["import", s(&new), s(&file), "--create-units", "--yes"]);
    ok(&out);
    assert!(stderr(&out).contains("read as GBK"), "{}", stderr(&out));
    assert_eq!(keys(&demo).secondments, keys(&new).secondments);
}

#[test]
fn a_changed_cadre_is_shown_field_by_field_and_updated() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let out = ok(&guazhi(&["export", s(&demo), "--what", "secondments", "--batch", "2017年第一批"]));
    let changed = out.replacen("硕士研究生,城乡规划", "博士研究生,城乡规划", 1);
    assert_ne!(changed, out);
    let file = dir.path().join("changed.csv");
    std::fs::write(&file, changed).unwrap();
    let dry = ok(&guazhi(&["import", s(&demo), s(&file), "--dry-run"]));
    assert!(dry.starts_with("update 1 cadre"), "{dry}");
    assert!(dry.contains("~ cadre 邱志远 (1984-07-23): education 硕士研究生 → 博士研究生  [line 2]"), "{dry}");
    ok(&guazhi(&["import", s(&demo), s(&file), "--yes"]));
    let data = common::open(&demo).load().unwrap();
    let c = data.cadres.iter().find(|c| c.name == "邱志远").unwrap();
    assert_eq!(c.education, "博士研究生");
    assert_eq!(c.version, 2);
}

#[test]
fn templates_carry_the_documented_headers() {
    let dir = tempfile::tempdir().unwrap();
    let headers = guazhi::interop::columns::headers();
    let xlsx = dir.path().join("t.xlsx");
    ok(&guazhi(&["template", "--out", s(&xlsx)]));
    let rows = read_xlsx(&xlsx);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].iter().map(text).collect::<Vec<_>>(), headers);
    let csv = dir.path().join("t.csv");
    ok(&guazhi(&["template", "--format", "csv", "--out", s(&csv)]));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), format!("\u{feff}{}\r\n", headers.join(",")));
    // A filled-in template imports (units and batch already known here).
    let demo = common::demo_db(dir.path());
    let row =
        "张  三,女,1990-05-01,群众,大学本科,,,南海区狮山镇,,,科员,2017年第一批,,,上挂,市国土规划局,,,科员,,,,,,,,";
    // With a title line above the header, as rosters often have.
    std::fs::write(&csv, format!("\u{feff}2017年挂职干部补录名单,,\r\n{}\r\n{row}\r\n", headers.join(","))).unwrap();
    let run = guazhi(&["import", s(&demo), s(&csv), "--yes"]);
    let out = ok(&run);
    assert!(out.contains("create 1 cadre, 1 secondment"), "{out}");
    assert!(stderr(&run).contains("the header is line 2"), "{}", stderr(&run));
    assert!(out.contains("[line 3]"), "lines count from the top of the file: {out}");
    let data = common::open(&demo).load().unwrap();
    let c = data.cadres.iter().find(|c| c.name == "张三").expect("name without the padding");
    let sec = data.secondments.iter().find(|s| s.cadre_id == c.id).unwrap();
    assert_eq!((sec.start.to_string(), sec.planned_end.to_string()), ("2017-04-01".into(), "2019-03-31".into()));
}

#[test]
fn a_colleagues_unrelated_save_between_check_and_confirmation_does_not_stop_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let out = ok(&guazhi(&["export", s(&demo), "--what", "secondments", "--batch", "2017年第一批"]));
    let file = dir.path().join("changed.csv");
    std::fs::write(&file, out.replacen("硕士研究生,城乡规划", "博士研究生,城乡规划", 1)).unwrap();
    let mut store = common::open(&demo);
    let prepared = guazhi::interop::run::prepare(&store, &file, Default::default()).unwrap();
    assert_eq!(prepared.plan.cadre_updates.len(), 1);
    // While the user reads the plan, a colleague saves a note: the plan, checked again, is the
    // same, so it is applied, and the note stays.
    let mut colleague = common::open(&demo);
    let cadre = colleague.load().unwrap().cadres[0].id;
    colleague.write(|w| w.add_note(cadre, common::date(TODAY), "同事的记录")).unwrap();
    guazhi::interop::run::commit(&mut store, &prepared).unwrap();
    assert!(common::open(&demo).load().unwrap().cadres.iter().any(|c| c.education == "博士研究生"));
    let notes: i64 = common::raw(&demo)
        .query_row("SELECT count(*) FROM dossier_notes WHERE body = '同事的记录'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(notes, 1);
}
