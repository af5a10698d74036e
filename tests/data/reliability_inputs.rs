//! Bad inputs (docs/RELIABILITY.md #6, #7, #11, #23, #24 and issue 6's "at least 60 bad
//! inputs"): command-line arguments and database files, each through the real binary — a
//! clear message on stderr, a non-zero exit, nothing on stdout, the database file
//! byte-identical and no file created. The form inputs are the table of
//! `tests/edit_support/invalid.rs`, run by `tests/edit_invalid.rs` with the same checks; they
//! are counted here so that one test prints the total.

use crate::common;
use crate::edit_support;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A folder's entries (name, bytes — or a marker for what is not a regular file: a pipe is
/// never read), for "nothing changed, nothing created".
fn files(dir: &Path) -> Vec<(OsString, Vec<u8>)> {
    let mut out: Vec<(OsString, Vec<u8>)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap())
            .map(|e| {
                let t = e.file_type().unwrap();
                let bytes = if t.is_file() {
                    std::fs::read(e.path()).unwrap_or_else(|_| b"<unreadable>".to_vec())
                } else {
                    format!("<{t:?}>").into_bytes()
                };
                (e.file_name(), bytes)
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

/// New files a read-only SQLite connection leaves beside a WAL database it opened: an empty
/// `-wal` and the `-shm` index. They hold no data; the database file itself must not change.
fn only_wal_side_files(before: &[(OsString, Vec<u8>)], after: &[(OsString, Vec<u8>)]) -> Result<(), String> {
    for (name, bytes) in after {
        match before.iter().find(|(n, _)| n == name) {
            Some((_, old)) if old == bytes => {}
            // The WAL index is shared memory, rewritten by any reader; it holds no data.
            Some(_) if name.to_string_lossy().ends_with("-shm") => {}
            Some(_) => return Err(format!("{} changed", name.to_string_lossy())),
            None => {
                let n = name.to_string_lossy();
                let harmless = (n.ends_with("-wal") && bytes.is_empty()) || n.ends_with("-shm");
                if !harmless {
                    return Err(format!("{n} was created"));
                }
            }
        }
    }
    if before.len() > after.len() {
        return Err("a file disappeared".into());
    }
    Ok(())
}

struct Run {
    code: Option<i32>,
    out: String,
    err: String,
    took: Duration,
}

/// Runs the binary (through `via`, e.g. setpriv, when given) without a terminal; a run that
/// hangs is killed after 10 s and reported as such.
fn guazhi(via: &[OsString], args: &[OsString]) -> Run {
    let mut cmd = match via.split_first() {
        Some((p, rest)) => {
            let mut c = Command::new(p);
            c.args(rest).arg(env!("CARGO_BIN_EXE_guazhi"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_guazhi")),
    };
    cmd.args(args)
        .env_clear()
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let t0 = Instant::now();
    let mut child = cmd.spawn().unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return Run {
                code: status.code(),
                out: String::from_utf8_lossy(&out.stdout).into(),
                err: String::from_utf8_lossy(&out.stderr).into(),
                took: t0.elapsed(),
            };
        }
        if t0.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            return Run { code: None, out: String::new(), err: "HUNG: killed after 10 s".into(), took: t0.elapsed() };
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A copy of the demo database, mode 0660 as `guazhi init` makes it.
fn demo_in(dir: &Path) -> PathBuf {
    common::demo_db(dir)
}

/// Flips every bit of `len` bytes at `at`.
fn flip(path: &Path, at: u64, len: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    for b in &mut bytes[at as usize..at as usize + len] {
        *b ^= 0xff;
    }
    std::fs::write(path, bytes).unwrap();
}

fn root_page(db: &Path, table: &str) -> u64 {
    let page: i64 =
        common::raw(db).query_row("SELECT rootpage FROM sqlite_schema WHERE name = ?1", [table], |r| r.get(0)).unwrap();
    page as u64
}

const PAGE: u64 = 4096;

/// A database-file case: (name, how to make the file from a demo copy in `dir` — returns the
/// path to give the program —, words the message must contain, exit status, needs another
/// account).
type Make = fn(&Path) -> PathBuf;
struct FileCase {
    name: &'static str,
    make: Make,
    words: &'static str,
    code: i32,
    other_user: bool,
    /// Damage inside one page: SQLite notices it only when a query reads that page, so a
    /// report that never does may answer (exit 0); `check` always refuses it.
    partial: bool,
}

fn file_cases() -> Vec<FileCase> {
    let c = |name, make: Make, words, code| FileCase { name, make, words, code, other_user: false, partial: false };
    let page = |name, make: Make| FileCase { name, make, words: "damaged", code: 3, other_user: false, partial: true };
    vec![
        c("missing file", |d| d.join("missing.db"), "no such file", 3),
        c("missing folder", |d| d.join("no/such/folder/x.db"), "no such file", 3),
        c(
            "dangling symlink",
            |d| {
                std::os::unix::fs::symlink(d.join("gone.db"), d.join("link.db")).unwrap();
                d.join("link.db")
            },
            "no such file",
            3,
        ),
        c(
            "symlink loop",
            |d| {
                std::os::unix::fs::symlink(d.join("b.db"), d.join("a.db")).unwrap();
                std::os::unix::fs::symlink(d.join("a.db"), d.join("b.db")).unwrap();
                d.join("a.db")
            },
            "cannot be read",
            3,
        ),
        c(
            "a path through a file",
            |d| {
                std::fs::write(d.join("plain.txt"), "x").unwrap();
                d.join("plain.txt/x.db")
            },
            "cannot be read",
            3,
        ),
        c(
            "a directory",
            |d| {
                std::fs::create_dir(d.join("folder.db")).unwrap();
                d.join("folder.db")
            },
            "is a directory",
            3,
        ),
        c(
            "a named pipe",
            |d| {
                let p = d.join("pipe.db");
                let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
                // SAFETY: a valid path; mkfifo only creates the pipe.
                assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
                p
            },
            "not a regular file",
            3,
        ),
        c("a character device", |_| PathBuf::from("/dev/null"), "not a regular file", 3),
        c(
            "an empty file",
            |d| {
                std::fs::write(d.join("empty.db"), "").unwrap();
                d.join("empty.db")
            },
            "not a SQLite database",
            3,
        ),
        c(
            "a CSV roster",
            |d| {
                std::fs::write(d.join("roster.csv"), "姓名,单位,职务\n欧阳明远,市国土规划局,科长\n").unwrap();
                d.join("roster.csv")
            },
            "not a SQLite database",
            3,
        ),
        c(
            "an xlsx (zip) file",
            |d| {
                std::fs::write(d.join("book.xlsx"), b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00".repeat(20))
                    .unwrap();
                d.join("book.xlsx")
            },
            "not a SQLite database",
            3,
        ),
        c(
            "a PNG image",
            |d| {
                std::fs::write(d.join("photo.db"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".repeat(20)).unwrap();
                d.join("photo.db")
            },
            "not a SQLite database",
            3,
        ),
        c(
            "only the 100-byte header",
            |d| {
                let db = demo_in(d);
                let bytes = std::fs::read(&db).unwrap();
                std::fs::write(&db, &bytes[..100]).unwrap();
                db
            },
            "truncated",
            3,
        ),
        c(
            "truncated to half",
            |d| {
                let db = demo_in(d);
                let bytes = std::fs::read(&db).unwrap();
                std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
                db
            },
            "truncated",
            3,
        ),
        c(
            "truncated by one page",
            |d| {
                let db = demo_in(d);
                let bytes = std::fs::read(&db).unwrap();
                std::fs::write(&db, &bytes[..bytes.len() - PAGE as usize]).unwrap();
                db
            },
            "truncated",
            3,
        ),
        c(
            "truncated mid-page",
            |d| {
                let db = demo_in(d);
                let bytes = std::fs::read(&db).unwrap();
                std::fs::write(&db, &bytes[..bytes.len() - 1000]).unwrap();
                db
            },
            "truncated",
            3,
        ),
        page("corrupted: the cadres root page's type byte", |d| {
            let db = demo_in(d);
            let page = root_page(&db, "cadres");
            flip(&db, (page - 1) * PAGE, 1);
            db
        }),
        page("corrupted: the reviews root page zeroed", |d| {
            let db = demo_in(d);
            let at = (root_page(&db, "reviews") - 1) * PAGE;
            let mut bytes = std::fs::read(&db).unwrap();
            bytes[at as usize..(at + PAGE) as usize].fill(0);
            std::fs::write(&db, bytes).unwrap();
            db
        }),
        page("corrupted: cell pointers of the secondments page", |d| {
            let db = demo_in(d);
            flip(&db, (root_page(&db, "secondments") - 1) * PAGE + 8, 16);
            db
        }),
        c(
            "corrupted: the schema on page 1",
            |d| {
                let db = demo_in(d);
                flip(&db, 100, 8);
                db
            },
            "damaged",
            3,
        ),
        c(
            "corrupted: the magic string",
            |d| {
                let db = demo_in(d);
                flip(&db, 0, 6);
                db
            },
            "not a SQLite database",
            3,
        ),
        c(
            "corrupted: an impossible page size",
            |d| {
                let db = demo_in(d);
                flip(&db, 16, 2);
                db
            },
            "page size",
            3,
        ),
        c(
            "corrupted: a negative schema version",
            |d| {
                let db = demo_in(d);
                flip(&db, 60, 4);
                db
            },
            "impossible schema version",
            3,
        ),
        c(
            "another program's SQLite file",
            |d| {
                let p = d.join("firefox.sqlite");
                common::raw(&p).execute_batch("CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT);").unwrap();
                p
            },
            "another program",
            3,
        ),
        c(
            "an empty SQLite file",
            |d| {
                let p = d.join("blank.db");
                common::raw(&p).execute_batch("PRAGMA user_version = 0; CREATE TABLE t(x); DROP TABLE t;").unwrap();
                p
            },
            "another program",
            3,
        ),
        c(
            "another application_id",
            |d| {
                let db = demo_in(d);
                common::raw(&db).pragma_update(None, "application_id", 0x1234_5678).unwrap();
                db
            },
            "another program",
            3,
        ),
        c(
            "a newer schema",
            |d| {
                let db = demo_in(d);
                common::raw(&db).pragma_update(None, "user_version", 99).unwrap();
                db
            },
            "newer than this program",
            3,
        ),
        c(
            "schema version 0 with tables",
            |d| {
                let db = demo_in(d);
                common::raw(&db).pragma_update(None, "user_version", 0).unwrap();
                db
            },
            "damaged",
            3,
        ),
        c("a name full of control characters", |d| d.join("evil\x1b]0;pwned\x07\u{202e}.db"), "no such file", 3),
        FileCase {
            name: "no read permission",
            make: |d| {
                let db = demo_in(d);
                std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o000)).unwrap();
                db
            },
            words: "cannot be read",
            code: 3,
            other_user: true,
            partial: false,
        },
        FileCase {
            name: "read-only file in a read-only folder (no -shm can be made)",
            make: |d| {
                let db = demo_in(d);
                // As a copy made without its side files.
                for ext in ["-wal", "-shm"] {
                    std::fs::remove_file(format!("{}{ext}", db.display())).unwrap();
                }
                std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
                std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o555)).unwrap();
                db
            },
            words: "you cannot write that folder",
            code: 3,
            other_user: true,
            partial: false,
        },
        FileCase {
            name: "a readable file whose -wal/-shm the user cannot open (wrongly shared)",
            make: |d| {
                let db = demo_in(d);
                std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
                for ext in ["-wal", "-shm"] {
                    let side = format!("{}{ext}", db.display());
                    std::fs::set_permissions(side, std::fs::Permissions::from_mode(0o600)).unwrap();
                }
                db
            },
            words: "cp --attributes-only --preserve=mode,ownership",
            code: 3,
            other_user: true,
            partial: false,
        },
    ]
}

/// A command-line case: (name, arguments — `DB` is replaced by the demo copy —, words the
/// message must contain, exit status).
fn cli_cases() -> Vec<(&'static str, Vec<&'static str>, &'static str, i32)> {
    vec![
        ("no arguments at all", vec![], "no database given", 2),
        ("only --today", vec!["--today", "2026-11-27"], "no database given", 2),
        ("--today 2017-02-30", vec!["overdue", "DB", "--today", "2017-02-30"], "not a real calendar date", 2),
        ("--today 2026-13-01", vec!["overdue", "DB", "--today", "2026-13-01"], "--today", 2),
        ("--today 2026-00-10", vec!["stats", "DB", "--today", "2026-00-10"], "--today", 2),
        ("--today yesterday", vec!["overdue", "DB", "--today", "yesterday"], "YYYY-MM-DD", 2),
        ("--today empty", vec!["overdue", "DB", "--today", ""], "--today", 2),
        ("--today 2026-1-1", vec!["overdue", "DB", "--today", "2026-1-1"], "YYYY-MM-DD", 2),
        ("--today in full-width digits", vec!["overdue", "DB", "--today", "２０２６-１１-２７"], "--today", 2),
        ("--today 27/11/2026", vec!["check", "DB", "--today", "27/11/2026"], "--today", 2),
        ("--today with a time", vec!["overdue", "DB", "--today", "2026-11-27T08:00"], "--today", 2),
        ("--today year 99999", vec!["overdue", "DB", "--today", "99999-01-01"], "--today", 2),
        ("--today -2026-01-01", vec!["overdue", "DB", "--today=-2026-01-01"], "--today", 2),
        ("--today without a value", vec!["overdue", "DB", "--today"], "--today", 2),
        ("--today on the screens, impossible", vec!["DB", "--today", "2026-02-29"], "not a real calendar date", 2),
        ("--format xml", vec!["overdue", "DB", "--format", "xml"], "--format", 2),
        ("--format empty", vec!["stats", "DB", "--format", ""], "--format", 2),
        ("--format twice", vec!["overdue", "DB", "--format", "json", "--format", "csv"], "--format", 2),
        ("--batch unknown", vec!["stats", "DB", "--batch", "2099年第九批"], "no batch named", 2),
        ("--batch empty", vec!["stats", "DB", "--batch", ""], "no batch named", 2),
        ("--lang xx", vec!["DB", "--lang", "xx"], "--lang", 2),
        ("--lang empty", vec!["DB", "--lang", ""], "--lang", 2),
        ("an unknown option", vec!["overdue", "DB", "--frobnicate"], "--frobnicate", 2),
        ("an unknown subcommand", vec!["frobnicate", "DB"], "frobnicate", 2),
        ("an extra argument", vec!["overdue", "DB", "extra"], "extra", 2),
        ("two databases for the screens", vec!["DB", "DB"], "unexpected argument", 2),
        ("a report without its database", vec!["overdue"], "<DB>", 2),
        ("init without a path", vec!["init"], "<PATH>", 2),
        ("--read-only on a report", vec!["overdue", "DB", "--read-only"], "--read-only", 2),
        ("sample --cadres -1", vec!["sample", "new.db", "--cadres", "-1"], "'-1'", 2),
        ("sample --cadres abc", vec!["sample", "new.db", "--cadres", "abc"], "--cadres", 2),
        ("sample --cadres too large", vec!["sample", "new.db", "--cadres", "99999999999999999999"], "--cadres", 2),
        ("init over the database", vec!["init", "DB"], "already exists", 4),
        ("sample over the database", vec!["sample", "DB"], "already exists", 4),
        ("init in a missing folder", vec!["init", "no/such/dir/new.db"], "cannot be created", 5),
        ("the screens without a terminal", vec!["DB", "--today", "2026-11-27"], "need a terminal", 5),
    ]
}

/// One row of the import sheet (the export's columns), new cadre 测试员 with `change` applied.
fn sheet_row(change: (usize, &str)) -> String {
    let mut cells: Vec<&str> = "测试员,男,1990-05-01,中共党员,大学本科,规划,1,市国土规划局,市直机关,市级,科员,\
                                2017年第一批,2017-04-01,24,下挂,南海区狮山镇,镇街,南海,党委委员,2017-04-01,2019-03-31,,,,,,"
        .split(',')
        .collect();
    cells[change.0] = change.1;
    cells.join(",")
}

const SHEET_HEADER: &str = "姓名,性别,出生日期,政治面貌,学历,专业特长,基层工作年限,原单位,原单位类型,原单位所在区,原职务,\
                            批次,派出日期,挂职期限（月）,挂职方向,挂职单位,挂职单位类型,挂职单位所在区,挂任职务,开始日期,\
                            计划结束日期,实际结束日期,提前结束原因,互派对象,互派对象出生日期,挂职状态,逾期考核";

/// An import-file case: (name, file name, its bytes, words the message must contain).
fn import_cases() -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    let sheet = |rows: &[String]| format!("\u{feff}{SHEET_HEADER}\r\n{}\r\n", rows.join("\r\n")).into_bytes();
    let mut zip_without_forms = Vec::new();
    {
        let mut zw = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_without_forms));
        zw.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zw, b"x").unwrap();
        zw.finish().unwrap();
    }
    vec![
        ("an empty CSV", "empty.csv", Vec::new(), "the sheet is empty"),
        ("a UTF-16 CSV", "u16.csv", b"\xff\xfea\x00,\x00".to_vec(), "UTF-16"),
        (
            "binary bytes as CSV",
            "bin.csv",
            (0x80u8..=0xff).chain(0..0x80).cycle().take(600).collect(),
            "neither UTF-8 nor GBK",
        ),
        ("a header only, wrong columns", "header.csv", "姓名,性别\r\n".as_bytes().to_vec(), "missing column"),
        ("a text file as xlsx", "sheet.xlsx", b"not a workbook".to_vec(), "not an .xlsx workbook"),
        ("a .pdf", "scan.pdf", b"%PDF-1.4".to_vec(), "unknown file type"),
        ("an old .lrm form", "old.lrm", b"LRM".to_vec(), ".lrm format is not read"),
        ("a .lrmx that is not XML", "bad.lrmx", "<Person><XingMing>王五".as_bytes().to_vec(), "not readable as XML"),
        ("a .zip without forms", "forms.zip", zip_without_forms, "no .lrmx file"),
        ("a row with 2017-02-30", "date.csv", sheet(&[sheet_row((2, "2017-02-30"))]), "nothing was imported"),
        ("a row with an unknown unit", "unit.csv", sheet(&[sheet_row((7, "不存在的单位"))]), "nothing was imported"),
        ("a row with an unknown direction", "dir.csv", sheet(&[sheet_row((14, "横挂"))]), "nothing was imported"),
        ("a row ending before it starts", "end.csv", sheet(&[sheet_row((20, "2016-01-01"))]), "nothing was imported"),
        (
            "a name with an escape sequence",
            "esc.csv",
            sheet(&[sheet_row((0, "张\x1b]0;x\x07三"))]),
            "nothing was imported",
        ),
        (
            "one good row and one bad",
            "half.csv",
            sheet(&[sheet_row((0, "好人")), sheet_row((1, "?"))]),
            "nothing was imported",
        ),
    ]
}

/// Issue 6: at least 60 bad inputs, each a clear message and a non-zero exit, the database
/// file byte-identical and nothing created; prints the total.
#[test]
fn bad_inputs_are_refused_with_a_clear_message_and_change_nothing() {
    let other = common::as_other_user();
    let mut counted = 0;
    let mut skipped = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut unnoticed = Vec::new();

    // Command-line arguments, against a copy of the demo database.
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path());
    let before = files(dir.path());
    let cli = cli_cases();
    for (name, args, words, code) in &cli {
        // `DB` is the demo copy; other file names go in the test's folder; the rest as given.
        let args: Vec<OsString> = args
            .iter()
            .map(|a| match *a {
                "DB" => db.as_os_str().to_owned(),
                a if a.ends_with(".db") => dir.path().join(a).into_os_string(),
                a => OsString::from(a),
            })
            .collect();
        let run = guazhi(&[], &args);
        slowest = slowest.max(run.took);
        assert_eq!(run.code, Some(*code), "{name}: exit status; stderr {:?}", run.err);
        assert!(run.err.contains(words), "{name}: stderr should say {words:?}: {:?}", run.err);
        assert!(!run.err.contains("panicked"), "{name}: {:?}", run.err);
        assert_eq!(run.out, "", "{name}: stdout");
        if let Err(e) = only_wal_side_files(&before, &files(dir.path())) {
            panic!("{name}: {e}");
        }
        counted += 1;
    }
    let cli_count = counted;

    // Import files, through `guazhi import DB FILE --yes` (all or nothing).
    for (name, file, bytes, words) in import_cases() {
        let path = dir.path().join(file);
        std::fs::write(&path, &bytes).unwrap();
        let before = files(dir.path());
        let run =
            guazhi(&[], &["import".into(), db.as_os_str().to_owned(), path.as_os_str().to_owned(), "--yes".into()]);
        slowest = slowest.max(run.took);
        assert_eq!(run.code, Some(4), "{name}: exit status; stderr {:?}", run.err);
        assert!(run.err.contains(words), "{name}: stderr should say {words:?}: {:?}", run.err);
        assert!(!run.err.contains("panicked") && !run.err.bytes().any(|b| b == 0x1b), "{name}: {:?}", run.err);
        if let Err(e) = only_wal_side_files(&before, &files(dir.path())) {
            panic!("{name}: {e}");
        }
        std::fs::remove_file(&path).unwrap();
        counted += 1;
    }
    let import_count = counted - cli_count;

    // Database files, each in its own folder, through every command that opens one.
    let cases = file_cases();
    for case in &cases {
        let via: Vec<OsString> = match (&other, case.other_user) {
            (_, false) => Vec::new(),
            (Some(o), true) => o.clone(),
            (None, true) => {
                skipped.push(case.name);
                continue;
            }
        };
        let parent = tempfile::tempdir().unwrap();
        let d = parent.path().join("files");
        std::fs::create_dir(&d).unwrap();
        let path = (case.make)(&d);
        if !via.is_empty() {
            // Another account must reach the folder (temporary folders are 0700).
            std::fs::set_permissions(parent.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let existed = std::fs::symlink_metadata(&path).is_ok();
        let before = files(&d);
        let target = path.as_os_str();
        for cmd in [&["check"][..], &["overdue"], &["stats"], &["check", "--format", "json"], &[]] {
            let mut args: Vec<OsString> = cmd.iter().map(OsString::from).collect();
            args.insert(cmd.len().min(1), target.to_owned());
            let run = guazhi(&via, &args);
            slowest = slowest.max(run.took);
            let what = format!("{} ({})", case.name, cmd.first().copied().unwrap_or("screens"));
            if case.partial && cmd.first() != Some(&"check") && run.code == Some(0) {
                assert!(!run.err.contains("panicked"), "{what}: {:?}", run.err);
                unnoticed.push(what);
                continue;
            }
            assert_eq!(run.code, Some(case.code), "{what}: exit status; stderr {:?}", run.err);
            assert_eq!(run.err.lines().count(), 1, "{what}: one line on stderr: {:?}", run.err);
            assert!(run.err.starts_with("guazhi: "), "{what}: {:?}", run.err);
            assert!(run.err.contains(case.words), "{what}: stderr should say {:?}: {:?}", case.words, run.err);
            assert!(!run.err.bytes().any(|b| b == 0x1b || b == 0x07), "{what}: control bytes on stderr");
            assert_eq!(run.out, "", "{what}: stdout");
            if let Err(e) = only_wal_side_files(&before, &files(&d)) {
                panic!("{what}: {e}");
            }
        }
        assert_eq!(std::fs::symlink_metadata(&path).is_ok(), existed, "{}: opening created no file", case.name);
        let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700));
        counted += 1;
    }
    let file_count = counted - cli_count - import_count;
    let forms = edit_support::invalid::cases().len();
    let total = counted + forms;
    eprintln!(
        "bad inputs: {cli_count} command lines + {import_count} import files + {file_count} database files (this \
         test) + {forms} form inputs (tests/edit_invalid.rs) = {total}, each a clear message, the database file \
         byte-identical; slowest refusal {slowest:.0?}{}",
        if skipped.is_empty() { String::new() } else { format!("; skipped (no other account): {skipped:?}") }
    );
    if !unnoticed.is_empty() {
        eprintln!("damage inside a page the command never read (answered, exit 0; `check` refused it): {unnoticed:?}");
    }
    assert!(total >= 60, "{total} bad inputs");
}
