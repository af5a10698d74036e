//! A sheet with many kinds of bad row: every one is reported with its line and column, and
//! nothing is imported.

use crate::common;
use crate::interop_support;

use guazhi::interop::columns::{Key, COLUMNS};
use guazhi::interop::{save, Cell, Sheet, SheetFormat};
use interop_support::*;
use std::collections::{BTreeSet, HashMap};

/// A valid line for the demo database (known units and batch), with `changes` applied.
fn line(name: &str, changes: &[(Key, &str)]) -> Vec<Cell> {
    let mut v: HashMap<Key, String> = [
        (Key::Name, name),
        (Key::Gender, "男"),
        (Key::BirthDate, "1985-01-01"),
        (Key::Political, "中共党员"),
        (Key::HomeUnit, "市财政局"),
        (Key::HomePost, "科员"),
        (Key::Batch, "2017年第一批"),
        (Key::Direction, "下挂"),
        (Key::HostUnit, "三水区乐平镇"),
        (Key::HostPost, "党委委员"),
    ]
    .into_iter()
    .map(|(k, s)| (k, s.to_string()))
    .collect();
    for (k, s) in changes {
        v.insert(*k, s.to_string());
    }
    COLUMNS.iter().map(|c| Cell::text(v.get(&c.key).cloned().unwrap_or_default())).collect()
}

/// A line of the sheet and the (line, column letter) of the problems it must produce.
type Case = (Vec<Cell>, &'static [(usize, &'static str)]);

/// The sheet, and the (line, column letter) of every problem it must produce.
fn bad_sheet() -> (Sheet, BTreeSet<(usize, &'static str)>) {
    let long = "很".repeat(101);
    let rows: Vec<Case> = vec![
        // 2: a good line (nothing of it may be imported either)
        (line("测试甲", &[]), &[]),
        // 3: missing name
        (line("", &[]), &[(3, "A")]),
        // 4: an impossible date
        (line("测试乙", &[(Key::BirthDate, "2017-02-30")]), &[(4, "C")]),
        // 5: an unknown district
        (line("测试丙", &[(Key::HomeUnitDistrict, "浦东")]), &[(5, "J")]),
        // 6: planned end before the start
        (line("测试丁", &[(Key::Start, "2017-04-01"), (Key::PlannedEnd, "2017-03-01")]), &[(6, "U")]),
        // 7: the same cadre, batch and start as line 2
        (line("测试甲", &[]), &[(7, "A")]),
        // 8: terminal control characters in the name
        (line("测试\u{1b}]0;pwned\u{7}戊", &[]), &[(8, "A")]),
        // 9: a bidi override in the post
        (line("测试己", &[(Key::HostPost, "党委\u{202e}委员")]), &[(9, "S")]),
        // 10, 11: a pair of two down secondments
        (line("测试庚", &[(Key::PartnerName, "测试辛")]), &[(10, "X")]),
        (line("测试辛", &[(Key::PartnerName, "测试庚")]), &[(11, "X")]),
        // 12: an unknown batch with no dispatch date to create it
        (line("测试壬", &[(Key::Batch, "2030年第九批")]), &[(12, "M")]),
        // 13: an unknown unit
        (line("测试癸", &[(Key::HostUnit, "火星区某镇")]), &[(13, "P")]),
        // 14, 15: one cadre, two overlapping terms
        (line("测试子", &[]), &[]),
        (line("测试子", &[(Key::Batch, "2019年第二批"), (Key::Start, "2019-03-15")]), &[(15, "T")]),
        // 16: a bad gender code
        (line("测试丑", &[(Key::Gender, "男性")]), &[(16, "B")]),
        // 17: a bad political status
        (line("测试寅", &[(Key::Political, "党员")]), &[(17, "D")]),
        // 18: an early end without a reason
        (line("测试卯", &[(Key::ActualEnd, "2018-01-01")]), &[(18, "W")]),
        // 19: an over-long post
        (line("测试辰", &[(Key::HostPost, &long)]), &[(19, "S")]),
        // 20: a partner nobody knows
        (line("测试巳", &[(Key::PartnerName, "查无此人")]), &[(20, "X")]),
        // 21: a date that is no date
        (line("测试午", &[(Key::PlannedEnd, "明年")]), &[(21, "U")]),
        // 22: an early end after the planned end
        (line("测试未", &[(Key::ActualEnd, "2020-01-01"), (Key::EndReason, "调动")]), &[(22, "V")]),
    ];
    let mut sheet = Sheet::new("bad", &guazhi::interop::columns::headers());
    let mut expected = BTreeSet::new();
    for (cells, problems) in rows {
        sheet.rows.push(cells);
        expected.extend(problems.iter().copied());
    }
    (sheet, expected)
}

fn reported(stderr: &str) -> BTreeSet<(usize, String)> {
    stderr
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("line ")?;
            let (n, rest) = rest.split_once(", column ")?;
            let letter: String = rest.chars().take_while(|c| c.is_ascii_uppercase()).collect();
            Some((n.parse().ok()?, letter))
        })
        .collect()
}

fn refuses_every_bad_line(format: SheetFormat) {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let (sheet, expected) = bad_sheet();
    let file = dir.path().join(format!("bad.{}", format.extension()));
    save(&sheet, format, &file).unwrap();
    let before = (std::fs::read(&demo).unwrap(), counts(&demo));

    let out = guazhi(&["import", s(&demo), s(&file), "--yes"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let expected: BTreeSet<(usize, String)> = expected.into_iter().map(|(l, c)| (l, c.to_string())).collect();
    assert_eq!(reported(&err), expected, "{err}");
    let problem_lines = err.lines().filter(|l| l.starts_with("line ")).count();
    assert_eq!(problem_lines, expected.len(), "one report per problem:\n{err}");
    assert!(err.contains(&format!("{} problem(s) in the file; nothing was imported", expected.len())), "{err}");
    // The terminal never sees the control characters.
    assert!(!err.contains('\u{1b}') && !err.contains('\u{202e}'), "{err:?}");
    for reason in [
        "姓名 is required",
        "'2017-02-30' is not a real calendar date",
        "'浦东' is not a district",
        "before the start",
        "duplicate of line 2",
        "U+001B",
        "U+202E",
        "are both 下挂",
        "new batch '2030年第九批' needs 派出日期",
        "unknown unit '火星区某镇'",
        "overlaps 测试子's secondment (line 14)",
        "'男性' is not a gender",
        "'党员' is not a political status",
        "提前结束原因 is required",
        "101 characters; at most 100",
        "no secondment of '查无此人'",
        "'明年' is not a date",
        "not before the planned end",
    ] {
        assert!(err.contains(reason), "missing '{reason}' in:\n{err}");
    }
    // Nothing written: the file is byte for byte the same, and so are the counts.
    assert_eq!(counts(&demo), before.1);
    assert_eq!(std::fs::read(&demo).unwrap(), before.0);

    // The dry run reports the same and exits the same way.
    let dry = guazhi(&["import", s(&demo), s(&file), "--dry-run"]);
    assert_eq!(dry.status.code(), Some(4));
    assert_eq!(reported(&stderr(&dry)), expected);
}

#[test]
fn every_bad_line_of_a_csv_is_reported_and_nothing_imported() {
    refuses_every_bad_line(SheetFormat::Csv);
}

#[test]
fn every_bad_line_of_an_xlsx_is_reported_and_nothing_imported() {
    refuses_every_bad_line(SheetFormat::Xlsx);
}

#[test]
fn missing_and_doubled_columns_are_reported_on_the_header_line() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("cols.csv");
    std::fs::write(&file, "姓名,name,性别,籍贯\r\n张三,张三,男,广东\r\n").unwrap();
    let out = guazhi(&["import", s(&demo), s(&file), "--dry-run"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("line 1, column B (name): a second 姓名 column (the first is A)"), "{err}");
    assert!(err.contains("line 1: missing column 出生日期 (birth_date)"), "{err}");
    assert!(
        err.contains("note: column D (籍贯) is not one the import reads; ignored") || !err.contains("籍贯"),
        "{err}"
    );
}

#[test]
fn files_that_are_not_sheets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, "not a workbook").unwrap();
    let out = guazhi(&["import", s(&demo), s(&fake), "--yes"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("not an .xlsx workbook"), "{}", stderr(&out));
    let other = dir.path().join("notes.txt.doc");
    std::fs::write(&other, "x").unwrap();
    let out = guazhi(&["import", s(&demo), s(&other), "--yes"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("unknown file type"), "{}", stderr(&out));
}

#[test]
fn a_file_that_cannot_be_read_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    for missing in ["名单.csv", "任免审批表.lrmx"] {
        let file = dir.path().join(missing);
        let out = guazhi(&["import", s(&demo), s(&file), "--yes"]);
        assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
        assert!(stderr(&out).contains(missing), "{}", stderr(&out));
    }
}
