//! The report commands through the real binary, as a script or cron job runs them.

use crate::common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn guazhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guazhi")).args(args).env("LANG", "C").output().expect("run guazhi")
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sample_copy(dir: &Path) -> PathBuf {
    let path = dir.join("sample.db");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db"), &path).unwrap();
    // As `guazhi init` makes it (a checkout may give 0644, which the reports warn about).
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o660)).unwrap();
    path
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn stats_of_the_first_batch_are_the_reports_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let v = json(&guazhi(&["stats", arg(&db), "--batch", "2017年第一批", "--format", "json"]));
    assert_eq!(v["batch"], "2017年第一批");
    assert_eq!((v["down"].as_u64(), v["up"].as_u64(), v["pairs"].as_u64()), (Some(15), Some(15), Some(15)));
    assert_eq!(v["down_by_district"]["sanshui"], 7);
    assert_eq!(v["down_by_district"]["gaoming"], 4);
    assert_eq!(v["average_age"], 33.8);
    assert_eq!((v["non_party"].as_u64(), v["women"].as_u64()), (Some(7), Some(3)));
}

#[test]
fn stats_for_an_unknown_batch_names_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let out = guazhi(&["stats", arg(&db), "--batch", "2099"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--batch") && err.contains("2017年第一批"), "{err}");
}

/// The overdue report must agree with a query written independently of the program.
#[test]
fn overdue_json_equals_an_independent_sql_query() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let v = json(&guazhi(&["overdue", arg(&db), "--today", "2026-11-27", "--format", "json"]));
    let got: Vec<(String, String, String, String, String, i64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("due"), s("cadre"), s("batch"), s("kind"), s("status"), r["days"].as_i64().unwrap())
        })
        .collect();
    let conn = raw(&db);
    let mut stmt = conn
        .prepare(
            "SELECT r.due_date, c.name, b.name, r.kind,
                    CASE WHEN r.due_date < '2026-11-27' THEN 'overdue'
                         WHEN r.due_date = '2026-11-27' THEN 'due_today' ELSE 'due_soon' END,
                    abs(julianday(r.due_date) - julianday('2026-11-27'))
             FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             JOIN cadres c ON c.id = s.cadre_id JOIN batches b ON b.id = s.batch_id
             WHERE r.done_date IS NULL AND r.cancelled = 0
               AND r.due_date <= date('2026-11-27', '+' || (SELECT due_soon_days FROM policy) || ' days')
             ORDER BY r.due_date, c.name, r.id",
        )
        .unwrap();
    let expected: Vec<(String, String, String, String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, f64>(5)? as i64)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, expected);
    let statuses: Vec<&str> = got.iter().map(|g| g.4.as_str()).collect();
    for s in ["overdue", "due_today", "due_soon"] {
        assert!(statuses.contains(&s), "the demo has {s} reviews");
    }
}

#[test]
fn overdue_formats_agree() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let n =
        json(&guazhi(&["overdue", arg(&db), "--today", "2026-11-27", "--format", "json"])).as_array().unwrap().len();
    let csv = guazhi(&["overdue", arg(&db), "--today", "2026-11-27", "--format", "csv"]);
    let table = guazhi(&["overdue", arg(&db), "--today", "2026-11-27"]);
    assert_eq!(String::from_utf8(csv.stdout).unwrap().lines().count(), n + 1);
    let table = String::from_utf8(table.stdout).unwrap();
    assert_eq!(table.lines().count(), n + 1);
    assert!(table.lines().nth(1).unwrap().contains("overdue"));
}

#[test]
fn unusable_files_exit_non_zero_with_one_clear_line_and_nothing_created() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("roster.txt"), "姓名,单位\n").unwrap();
    let demo = demo_db(p);
    let bytes = std::fs::read(&demo).unwrap();
    std::fs::write(p.join("truncated.db"), &bytes[..bytes.len() / 3]).unwrap();
    std::fs::write(p.join("newer.db"), &bytes).unwrap();
    raw(&p.join("newer.db")).pragma_update(None, "user_version", 99).unwrap();
    let before: Vec<_> = std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name()).collect();
    for (file, words) in [
        ("missing.db", "no such file"),
        ("roster.txt", "not a SQLite database"),
        ("truncated.db", "truncated"),
        ("newer.db", "newer than this program"),
    ] {
        for cmd in [vec!["stats"], vec!["overdue"], vec!["check"], vec![]] {
            let path = p.join(file);
            let mut args = cmd.clone();
            args.push(arg(&path));
            let out = guazhi(&args);
            assert_eq!(out.status.code(), Some(3), "{args:?}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains(words), "{args:?}: {err}");
        }
    }
    let mut after: Vec<_> = std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name()).collect();
    let mut before = before;
    before.sort();
    after.sort();
    assert_eq!(before, after, "no file appeared");
}

#[test]
fn check_passes_the_sample_and_fails_on_an_overlap_typed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let out = guazhi(&["check", arg(&db), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["integrity"][0], "ok");
    let rules: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    for rule in ["grassroots_experience", "pair_not_mirrored", "unpaired"] {
        assert!(rules.contains(&rule), "the demo shows {rule}: {rules:?}");
    }
    raw(&db)
        .execute(
            "INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end)
             SELECT cadre_id, batch_id, direction, host_unit_id, host_post, '2018-01-01', '2019-12-31'
             FROM secondments WHERE id = 1",
            [],
        )
        .unwrap();
    let out = guazhi(&["check", arg(&db)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout).unwrap().contains("overlapping_secondments"));
}

#[test]
fn init_creates_once_and_bad_dates_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    assert!(guazhi(&["init", arg(&db)]).status.success());
    let again = guazhi(&["init", arg(&db)]);
    assert_eq!(again.status.code(), Some(4));
    assert!(String::from_utf8(again.stderr).unwrap().contains("already exists"));
    let bad = guazhi(&["overdue", arg(&db), "--today", "2017-02-30"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8(bad.stderr).unwrap();
    assert!(err.contains("--today") && err.contains("not a real calendar date"), "{err}");
    assert_eq!(json(&guazhi(&["overdue", arg(&db), "--format", "json"])), serde_json::json!([]));
}

/// sample.db is generated by the project's own code: regenerating gives the committed bytes.
#[test]
fn committed_sample_db_is_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    assert!(guazhi(&["sample", arg(&fresh)]).status.success());
    let committed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db")).unwrap();
    assert!(std::fs::read(&fresh).unwrap() == committed, "sample.db is stale: run `cargo run -- sample sample.db`");
}

#[test]
fn the_plain_sqlite_shell_view_reads_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.len() >= 12, "{tables:?}");
    // audit_digest holds digests of rows without audit images (bulk loads, a file chained
    // after it was written); the demo is written row by row, so it has none.
    for t in tables.into_iter().filter(|t| t != "audit_digest") {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap();
        assert!(n > 0, "{t} has rows in the demo");
    }
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

/// Words of two or more ASCII letters in `text`: English, where Chinese was asked for.
fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2).map(str::to_owned).collect()
}

/// Under `--lang zh` a table for people is Chinese, but for the rule codes (identifiers, the
/// same in every language); CSV keeps the English keys and codes scripts read.
#[test]
fn reports_under_chinese_are_chinese_and_csv_keeps_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let zh = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--lang", "zh"]);
        let out = guazhi(&all);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let check = zh(&["check", arg(&db), "--today", "2026-11-27"]);
    assert!(check.lines().count() > 4, "{check}");
    for line in check.lines() {
        let fields: Vec<&str> = line.split("  ").filter(|f| !f.trim().is_empty()).collect();
        let shown: Vec<&str> = fields.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, f)| *f).collect();
        assert_eq!(english_words(&shown.join(" ")), Vec::<String>::new(), "{line}");
    }
    for report in [zh(&["overdue", arg(&db), "--today", "2026-11-27"]), zh(&["stats", arg(&db)])] {
        assert!(report.lines().count() > 2, "{report}");
        assert_eq!(english_words(&report), Vec::<String>::new(), "{report}");
    }
    let csv = zh(&["check", arg(&db), "--today", "2026-11-27", "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some("severity,rule,detail"));
    assert!(csv.lines().any(|l| l.starts_with("warning,grassroots_experience,")), "{csv}");
    let csv = zh(&["overdue", arg(&db), "--today", "2026-11-27", "--format", "csv"]);
    assert!(csv.lines().nth(1).unwrap().contains(",overdue,"), "{csv}");
}

/// A file that is not there is said in Chinese under `--lang zh`, with its name.
#[test]
fn a_missing_import_file_is_named_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let missing = dir.path().join("无此文件.csv");
    let out = guazhi(&["import", arg(&db), arg(&missing), "--lang", "zh"]);
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("无此文件.csv：文件或目录不存在"), "{err}");
    assert_eq!(english_words(&err.replace(arg(&missing), "")), vec!["guazhi".to_string()], "{err}");
}

/// A command line clap refuses is said in Chinese under `--lang zh` (clap's words are English);
/// options written before the command are told where they go.
#[test]
fn a_refused_command_line_is_said_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let said = |args: &[&str]| {
        let out = guazhi(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let bad_day = said(&["overdue", arg(&db), "--lang", "zh", "--today", "2026-02-30"]);
    assert!(bad_day.contains("“2026-02-30”不是 YYYY-MM-DD 格式的真实日期"), "{bad_day}");
    let bad_format = said(&["overdue", arg(&db), "--lang", "zh", "--format", "foo"]);
    assert!(bad_format.contains("“foo”无效（可选：table、csv、json）"), "{bad_format}");
    let before = said(&["--lang", "zh", "overdue", arg(&db)]);
    assert!(before.contains("选项要写在命令之后：guazhi overdue 数据库文件 --lang zh"), "{before}");
    for text in [&bad_day, &bad_format, &before] {
        assert!(!text.contains("error:") && !text.contains("invalid value"), "{text}");
    }
    // English stays clap's own.
    let en = said(&["overdue", arg(&db), "--lang", "en", "--today", "2026-02-30"]);
    assert!(en.contains("'2026-02-30' is not a real calendar date"), "{en}");
}

/// A backup into a folder that is not there names the folder.
#[test]
fn a_backup_into_a_missing_folder_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_copy(dir.path());
    let missing = dir.path().join("无此目录").join("copy.db");
    for (lang, expected) in [("zh", "无此目录/copy.db：文件或目录不存在"), ("en", "无此目录/copy.db: No such file")]
    {
        let out = guazhi(&["backup", arg(&db), arg(&missing), "--lang", lang]);
        assert_ne!(out.status.code(), Some(0));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{lang}: {err}");
    }
}
