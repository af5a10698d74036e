//! docs/RELIABILITY.md, fuzzing of the import parsers (issue 6 item 3; #24), with proptest:
//! text decoding, the loose dates of sheets, CSV and xlsx written then read back (round trips),
//! and whole imports (`interop::run::prepare`, then `commit` when it is accepted) of sheets with
//! random cells, of an exported xlsx with bytes flipped, and of 任免审批表 (.lrmx) forms and zips
//! with random damage. Never a panic; `prepare` never writes; an accepted import leaves a
//! sound database.

use crate::common;

use chrono::{Datelike, NaiveDate};
use guazhi::interop::read::{decode_text, read_sheet, In};
use guazhi::interop::resolve::ImportOptions;
use guazhi::interop::{run, write_csv, xlsx_bytes, Cell, Sheet};
use guazhi::store::{Access, Store};
use proptest::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The demo database and, made from it by the real binary, an export of its secondments as
/// CSV and as xlsx: valid import files to damage.
struct Fixtures {
    _dir: tempfile::TempDir,
    db: PathBuf,
    csv: String,
    xlsx: Vec<u8>,
}

fn fixtures() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = common::demo_db(dir.path());
        let export = |format: &str| {
            let out = dir.path().join(format!("secondments.{format}"));
            let run = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
                .args(["export", db.to_str().unwrap(), "--what", "secondments", "--out", out.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(run.status.success(), "export {format}: {}", String::from_utf8_lossy(&run.stderr));
            std::fs::read(out).unwrap()
        };
        let csv = String::from_utf8(export("csv")).unwrap();
        let xlsx = export("xlsx");
        Fixtures { _dir: dir, db, csv, xlsx }
    })
}

/// A fresh copy of the demo database, and the bytes to compare it with.
fn copy_of_demo(dir: &Path) -> (PathBuf, Vec<u8>) {
    let db = dir.join("copy.db");
    std::fs::copy(&fixtures().db, &db).unwrap();
    let bytes = std::fs::read(&db).unwrap();
    (db, bytes)
}

/// Prepares an import of `file` (never writes), then commits it to the copy when accepted:
/// the database must stay sound either way.
fn import_never_panics(file: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let (db, before) = copy_of_demo(dir.path());
    let mut store = Store::open(&db, Access::Auto).unwrap();
    let prepared = run::prepare(&store, file, ImportOptions { create_units: true });
    store.connection().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    assert!(std::fs::read(&db).unwrap() == before, "prepare wrote to the database");
    if let Ok(p) = prepared {
        let _ = run::commit(&mut store, &p);
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        assert!(store.load().unwrap().invalid.is_empty(), "an import wrote a row the program cannot read");
    }
}

/// Cell texts: plausible values, Chinese, quotes, separators, line breaks, formulas, controls.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 ]{1,12}",
        "[欧阳明远镇局科长党政办]{1,8}",
        "[\",;\r\n\t ]{1,4}[a-z]{0,3}",
        "[=+@\\-][0-9A-Z(),]{0,8}",
        "20[0-9]{2}[-/.年][01]?[0-9][-/.月][0-3]?[0-9]日?",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes: text or a refusal, never a panic; UTF-8 (with or without its mark) as it is.
    #[test]
    fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300), s in any::<String>(), bom in any::<bool>()) {
        let _ = decode_text(&bytes, &mut Vec::new());
        let mut utf8 = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
        utf8.extend_from_slice(s.as_bytes());
        if !utf8.starts_with(&[0xff, 0xfe]) && !utf8.starts_with(&[0xfe, 0xff]) {
            prop_assert_eq!(decode_text(&utf8, &mut Vec::new()).unwrap(), s);
        }
    }

    /// Dates as people type them: never a panic, only real dates; every date in each accepted
    /// spelling reads back as itself.
    #[test]
    fn loose_dates_never_panic_and_read_back(s in any::<String>(), y in 1000i32..=9999, m in 1u32..=12, d in 1u32..=31) {
        let _ = guazhi::interop::import::parse_loose_date(&s);
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            for text in [
                date.format("%Y-%m-%d").to_string(),
                format!("{}/{}/{}", date.year(), date.month(), date.day()),
                format!("{}.{}.{}", date.year(), date.month(), date.day()),
                format!("{}年{}月{}日", date.year(), date.month(), date.day()),
                format!("{} 00:00:00", date.format("%Y-%m-%d")),
            ] {
                prop_assert_eq!(guazhi::interop::import::parse_loose_date(&text), Ok(date), "{}", text);
            }
        } else {
            let text = format!("{y:04}-{m:02}-{d:02}");
            prop_assert!(guazhi::interop::import::parse_loose_date(&text).is_err(), "{} accepted", text);
        }
    }

    /// CSV written by the export and read by the import: every non-blank cell comes back.
    #[test]
    fn csv_round_trips(rows in proptest::collection::vec(proptest::collection::vec(cell_text(), 3), 1..8)) {
        let mut sheet = Sheet::new("t", &["a", "b", "c"]);
        sheet.rows = rows.iter().map(|r| r.iter().map(|t| Cell::text(t.as_str())).collect()).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut out = Vec::new();
        write_csv(&sheet, &mut out).unwrap();
        std::fs::File::create(&path).unwrap().write_all(&out).unwrap();
        let grid = read_sheet(&path).unwrap();
        // A row of nothing but blanks (spaces included) is a blank line to the import, as to Excel.
        let expected: Vec<&Vec<String>> = rows.iter().filter(|r| r.iter().any(|t| !t.trim().is_empty())).collect();
        prop_assert_eq!(grid.lines.len(), expected.len() + 1);
        for (line, want) in grid.lines[1..].iter().zip(expected) {
            for (cell, text) in line.cells.iter().zip(want) {
                match cell {
                    In::Empty => prop_assert!(text.trim().is_empty()),
                    other => prop_assert_eq!(&other.shown(), text),
                }
            }
        }
    }

    /// A sheet of random cells under the import's own headers: an import or a list of
    /// problems, never a panic, nothing written by the check, and a sound database after.
    #[test]
    fn sheets_with_random_cells_never_panic(
        edits in proptest::collection::vec((0usize..200, 0usize..30, cell_text()), 1..12),
    ) {
        let f = fixtures();
        let mut lines: Vec<Vec<String>> = f
            .csv
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let n = lines.len();
        for (row, col, text) in edits {
            let row = 1 + row % (n - 1).max(1);
            let cells = &mut lines[row.min(n - 1)];
            let col = col % cells.len();
            cells[col] = format!("\"{}\"", text.replace('"', "\"\""));
        }
        let body: String = lines.iter().map(|l| l.join(",") + "\r\n").collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("import.csv");
        std::fs::write(&path, format!("\u{feff}{body}")).unwrap();
        import_never_panics(&path);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// xlsx written and read back: text cells (no control characters, which XML cannot hold)
    /// come back as written.
    #[test]
    fn xlsx_round_trips(rows in proptest::collection::vec(proptest::collection::vec("[a-zA-Z0-9 欧阳明远镇局,;\"'=+]{0,10}", 2), 1..5)) {
        let mut sheet = Sheet::new("t", &["a", "b"]);
        sheet.rows = rows.iter().map(|r| r.iter().map(|t| Cell::text(t.as_str())).collect()).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, xlsx_bytes(&sheet).unwrap()).unwrap();
        let grid = read_sheet(&path).unwrap();
        let expected: Vec<&Vec<String>> = rows.iter().filter(|r| r.iter().any(|t| !t.trim().is_empty())).collect();
        prop_assert_eq!(grid.lines.len(), expected.len() + 1);
        for (line, want) in grid.lines[1..].iter().zip(expected) {
            for (i, text) in want.iter().enumerate() {
                let got = line.cells.get(i).map(In::shown).unwrap_or_default();
                prop_assert_eq!(got.trim(), text.trim());
            }
        }
    }

    /// The exported xlsx with bytes flipped (the zip, its XML, its strings): never a panic.
    #[test]
    fn damaged_workbooks_never_panic(flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..8)) {
        let mut bytes = fixtures().xlsx.clone();
        let n = bytes.len();
        for (at, x) in flips {
            bytes[at % n] ^= x;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.xlsx");
        std::fs::write(&path, bytes).unwrap();
        import_never_panics(&path);
    }

    /// 任免审批表 forms with random damage (characters replaced, cut, doubled), alone and in a
    /// zip (with a random entry name, and random bytes as a second entry): never a panic.
    #[test]
    fn damaged_lrmx_forms_and_zips_never_panic(
        cuts in proptest::collection::vec((any::<usize>(), any::<char>()), 0..6),
        keep in 0usize..2000,
        junk in proptest::collection::vec(any::<u8>(), 0..200),
        name in "[a-z欧阳]{1,6}",
    ) {
        let mut xml: Vec<char> = LRMX.chars().collect();
        for (at, c) in cuts {
            let i = at % xml.len();
            xml[i] = c;
        }
        xml.truncate(keep.max(10).min(xml.len()));
        let text: String = xml.into_iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let single = dir.path().join("form.lrmx");
        std::fs::write(&single, &text).unwrap();
        import_never_panics(&single);

        let zipped = dir.path().join("forms.zip");
        let mut zw = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        zw.start_file(format!("{name}.lrmx"), opts).unwrap();
        zw.write_all(text.as_bytes()).unwrap();
        zw.start_file("材料/junk.lrmx", opts).unwrap();
        zw.write_all(&junk).unwrap();
        zw.finish().unwrap();
        import_never_panics(&zipped);
        // And the zip's own bytes damaged.
        let mut bytes = std::fs::read(&zipped).unwrap();
        if !junk.is_empty() {
            let n = bytes.len();
            bytes[junk[0] as usize * 7 % n] ^= 0x5a;
        }
        std::fs::write(&zipped, bytes).unwrap();
        import_never_panics(&zipped);
    }
}

/// A 任免审批表 of a new cadre, as the department's software writes it.
const LRMX: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Person>\r\n  <XingMing>欧阳 晓岚</XingMing>\r\n\
  <XingBie>女</XingBie>\r\n  <MinZu>汉族</MinZu>\r\n  <ChuShengNianYue>199003</ChuShengNianYue>\r\n\
  <RuDangShiJian>2012.07</RuDangShiJian>\r\n  <ShenFenZheng>440607199003150028</ShenFenZheng>\r\n\
  <QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi>\r\n\
  <ShuXiZhuanYeYouHeZhuanChang>农村经济</ShuXiZhuanYeYouHeZhuanChang>\r\n\
  <XianRenZhiWu>三水区白坭镇党政办副主任</XianRenZhiWu>\r\n\
  <JianLi>2012.07--  三水区白坭镇党政办</JianLi>\r\n</Person>\r\n";
