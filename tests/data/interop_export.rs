//! Exports read back: headers, Chinese text, real dates, red overdue cells, the screens' filters,
//! and the overdue reviews exactly as `guazhi overdue` lists them.

use crate::common;
use crate::interop_support;

use calamine::{open_workbook, Data, Reader, Xlsx};
use interop_support::*;

#[test]
fn the_xlsx_has_headers_chinese_text_and_real_dates() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("s.xlsx");
    ok(&guazhi(&["export", s(&demo), "--what", "secondments", "--out", s(&file), "--today", TODAY]));
    let rows = read_xlsx(&file);
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header, guazhi::interop::columns::headers());
    assert_eq!(rows.len(), 66, "65 secondments and the header");
    // The same rows as the CSV export, cell for cell.
    let csv = ok(&guazhi(&["export", s(&demo), "--what", "secondments", "--today", TODAY]));
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let from_csv: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let from_xlsx: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(from_xlsx, from_csv);
    // Chinese text intact, dates as dates.
    let first = &rows[1];
    assert_eq!(text(&first[0]), "邱志远");
    assert_eq!(text(&first[7]), "市国土规划局");
    for col in [2, 12, 19, 20] {
        match &first[col] {
            Data::DateTime(d) => assert!(d.is_datetime(), "column {col}: {d:?}"),
            other => panic!("column {col} ({}) is not a date: {other:?}", header[col]),
        }
    }
    assert_eq!(text(&first[2]), "1984-07-23");
    assert!(matches!(first[6], Data::Float(_)), "years are numbers: {:?}", first[6]);
}

#[test]
fn overdue_cells_are_red_and_the_header_bold() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("r.xlsx");
    ok(&guazhi(&["export", s(&demo), "--what", "reviews", "--status", "all", "--out", s(&file), "--today", TODAY]));
    let rows = read_xlsx(&file);
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let name = book.sheet_names()[0].clone();
    let styles = book.worksheet_style(&name).unwrap();
    let red = |r: usize, c: usize| {
        styles
            .get((r as u32, c as u32))
            .and_then(|s| s.font.as_ref())
            .and_then(|f| f.color)
            .is_some_and(|c| (c.red, c.green, c.blue) == (0xff, 0, 0))
    };
    let bold = |r: usize, c: usize| {
        styles.get((r as u32, c as u32)).and_then(|s| s.font.as_ref()).is_some_and(|f| f.is_bold())
    };
    assert!(bold(0, 0) && bold(0, 3), "the header is bold");
    let mut late = 0;
    for (i, row) in rows.iter().enumerate().skip(1) {
        let overdue = text(&row[1]) == "逾期";
        late += usize::from(overdue);
        assert_eq!(red(i, 0), overdue, "due date of row {i}: {:?}", row);
        assert_eq!(red(i, 1), overdue, "status of row {i}");
        assert!(!red(i, 3), "names stay black");
    }
    assert_eq!(late, 5);
}

/// The same rows as the report. The order differs within a due date: the export streams in
/// its index's order (due date, then review id), the report sorts names within a due date.
#[test]
fn overdue_reviews_exported_are_the_rows_the_overdue_report_lists_by_due_date_then_id() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("overdue.xlsx");
    let args = ["export", s(&demo), "--what", "reviews", "--status", "overdue", "--format", "xlsx", "--out", s(&file)];
    let out = guazhi(&[&args[..], &["--today", TODAY]].concat());
    ok(&out);
    assert!(stderr(&out).contains("wrote 5 rows to"), "{}", stderr(&out));
    let rows = read_xlsx(&file);
    let json: serde_json::Value =
        serde_json::from_str(&ok(&guazhi(&["overdue", s(&demo), "--format", "json", "--today", TODAY]))).unwrap();
    let mut listed: Vec<&serde_json::Value> =
        json.as_array().unwrap().iter().filter(|r| r["status"] == "overdue").collect();
    listed.sort_by_key(|r| (r["due"].as_str().unwrap().to_string(), r["review_id"].as_i64().unwrap()));
    let expected: Vec<Vec<String>> = listed
        .iter()
        .map(|r| {
            let kind = guazhi::domain::ReviewKind::parse(r["kind"].as_str().unwrap()).unwrap();
            let period =
                if r["period"] == "term" { "期满".to_string() } else { r["period"].as_str().unwrap().to_string() };
            vec![
                r["due"].as_str().unwrap().to_string(),
                "逾期".into(),
                r["days"].to_string(),
                r["cadre"].as_str().unwrap().to_string(),
                r["batch"].as_str().unwrap().to_string(),
                kind.zh().to_string(),
                period,
                r["host_unit"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    let got: Vec<Vec<String>> =
        rows.iter().skip(1).map(|r| [0, 1, 2, 3, 4, 6, 7, 8].iter().map(|&c| text(&r[c])).collect()).collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    assert!(rows.iter().skip(1).all(|r| matches!(r[0], Data::DateTime(_))), "due dates are dates");
}

#[test]
fn filters_select_like_the_screens() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let csv = |extra: &[&str]| -> Vec<Vec<String>> {
        let out = ok(&guazhi(&[&["export", s(&demo), "--today", TODAY][..], extra].concat()));
        let mut r = csv::ReaderBuilder::new().from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect()
    };
    let sanshui = csv(&["--what", "reviews", "--district", "三水", "--status", "pending"]);
    assert!(!sanshui.is_empty());
    assert!(sanshui.iter().all(|r| r[9] == "三水" && r[1] != "已完成" && r[1] != "已取消"));
    let annual = csv(&["--what", "reviews", "--kind", "annual", "--batch", "2017年第一批"]);
    assert!(annual.iter().all(|r| r[6] == "年度考核" && r[4] == "2017年第一批"));
    assert_eq!(annual.len(), 30 * 3, "30 cadres, 2017–2019");
    let first_batch = csv(&["--what", "secondments", "--batch", "2017年第一批"]);
    assert_eq!(first_batch.len(), 30);
    let late = csv(&["--what", "secondments", "--status", "overdue"]);
    assert!(!late.is_empty() && late.iter().all(|r| r[26] != "0"), "secondments with an overdue review");
    let cadres = csv(&["--what", "cadres", "--district", "gaoming"]);
    assert!(!cadres.is_empty() && cadres.len() < 65);
    let pairs = csv(&["--what", "pairs"]);
    assert_eq!(pairs.iter().filter(|r| r[9] != "未配对").count(), 32);
    let stats = csv(&["--what", "stats"]);
    assert_eq!(stats.len(), 7);
    assert_eq!(&stats[0][..5], ["2017年第一批", "2017-04-01", "15", "15", "15"]);
    let reserve = csv(&["--what", "reserve"]);
    assert!(!reserve.is_empty());
    // A rule proposal is dated the day it arises, as the screens show it: the day after the
    // term, or its end-of-term evaluation's day if later (an oracle in SQL).
    let proposals: Vec<&Vec<String>> = reserve.iter().filter(|r| r[1] == "规则建议").collect();
    assert!(!proposals.is_empty());
    let conn = common::raw(&demo);
    for r in proposals {
        let day: String = conn
            .query_row(
                "SELECT max(date(coalesce(s.actual_end, s.planned_end), '+1 day'), coalesce(e.done_date, ''))
                 FROM secondments s JOIN cadres c ON c.id = s.cadre_id
                 LEFT JOIN reviews e ON e.secondment_id = s.id AND e.kind = 'end_of_term' AND e.cancelled = 0
                 WHERE c.name = ?1 ORDER BY s.start_date DESC LIMIT 1",
                [&r[0]],
                |x| x.get(0),
            )
            .unwrap();
        assert_eq!(r[4], day, "{r:?}");
    }

    // Unknown batch, and filters that do not apply: a usage error, nothing written.
    for bad in [
        &["--what", "reviews", "--batch", "no such batch"][..],
        &["--what", "stats", "--district", "sanshui"],
        &["--what", "reserve", "--status", "overdue"],
        &["--what", "reviews", "--status", "late"],
        &["--what", "reviews", "--district", "浦东"],
    ] {
        let out = guazhi(&[&["export", s(&demo)][..], bad].concat());
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
}

#[test]
fn every_list_exports_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    for what in ["cadres", "secondments", "pairs", "reviews", "reserve", "stats"] {
        for format in ["csv", "xlsx"] {
            let file = dir.path().join(format!("{what}.{format}"));
            ok(&guazhi(&["export", s(&demo), "--what", what, "--out", s(&file), "--today", TODAY]));
            let bytes = std::fs::read(&file).unwrap();
            if format == "csv" {
                assert!(bytes.starts_with(b"\xef\xbb\xbf"), "{what}: a BOM");
                assert!(String::from_utf8(bytes).unwrap().contains("\r\n"), "{what}: CRLF");
            } else {
                assert!(read_xlsx(&file).len() > 1, "{what}: rows");
            }
            let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
            assert_eq!(mode & 0o007, 0, "{what}: personnel data, nothing for others");
        }
    }
    // xlsx without --out goes to a dated name in the current folder, never over a file.
    for n in ["", "-2"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
            .args(["export", s(&demo), "--what", "stats", "--format", "xlsx", "--today", TODAY])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(stderr(&out).contains(&format!("stats-{TODAY}{n}.xlsx")), "{}", stderr(&out));
    }
}

/// `guazhi export DB --what … | head`: the reader stops early, which is not a failure: exit 0
/// and nothing on stderr, for every list (the rows went through the CSV writer, whose error
/// hid the broken pipe: "Broken pipe (os error 32)", exit 5).
#[test]
fn a_reader_that_stops_early_is_not_a_failure() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    // More rows than a pipe holds, so that the writer meets the closed end.
    guazhi::sample::generate(guazhi::store::Store::init(&db).unwrap(), 2000).unwrap();
    for what in ["cadres", "secondments", "pairs", "reviews"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_guazhi"))
            .args(["export", s(&db), "--what", what, "--today", TODAY, "--lang", "en"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 100];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
