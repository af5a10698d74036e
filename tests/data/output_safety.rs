//! Output is safe wherever it goes: a name typed with the sqlite3 shell holding a formula, a
//! title-setting OSC sequence, a clear-screen CSI and a right-to-left override reaches no
//! spreadsheet as a formula and no terminal raw, through every report, format and export.

use crate::common;

use common::*;
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const NAME: &str = "=1+1\x1b]0;x\x07\x1b[2J\u{202e}甲";
const BATCH: &str = "+SUM(A1)\x1b[2J\u{9b}31m";
const TODAY: &str = "2026-11-27";

/// The demo with a hostile name on the cadre of an overdue review (whose term is made a day
/// longer, so that `check` names them) and a hostile name on their batch.
fn hostile(dir: &Path) -> PathBuf {
    let db = demo_db(dir);
    let conn = raw(&db);
    let (cadre, secondment, batch): (i64, i64, i64) = conn
        .query_row(
            "SELECT s.cadre_id, s.id, s.batch_id FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             WHERE r.done_date IS NULL AND r.cancelled = 0 AND r.due_date < ?1 ORDER BY r.due_date LIMIT 1",
            [TODAY],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute("UPDATE cadres SET name = ?1 WHERE id = ?2", rusqlite::params![NAME, cadre]).unwrap();
    conn.execute("UPDATE secondments SET planned_end = date(planned_end, '+1 day') WHERE id = ?1", [secondment])
        .unwrap();
    conn.execute("UPDATE batches SET name = ?1 WHERE id = ?2", rusqlite::params![BATCH, batch]).unwrap();
    db
}

/// Every report and format, the export of every list to standard output and an error message
/// naming what was typed; each with the hostile text it must show (the reserve list has
/// neither).
fn commands(db: &str) -> Vec<(Vec<String>, Option<&'static str>)> {
    let mut all: Vec<(Vec<&str>, Option<&'static str>)> = Vec::new();
    for format in ["table", "csv", "json"] {
        all.push((vec!["overdue", db, "--format", format], Some(NAME)));
        all.push((vec!["stats", db, "--format", format], Some(BATCH)));
        all.push((vec!["check", db, "--format", format], Some(NAME)));
    }
    for (what, shows) in [
        ("cadres", Some(NAME)),
        ("secondments", Some(NAME)),
        ("pairs", Some(NAME)),
        ("reviews", Some(NAME)),
        ("reserve", None),
        ("stats", Some(BATCH)),
    ] {
        all.push((vec!["export", db, "--what", what], shows));
    }
    all.push((vec!["stats", db, "--batch", NAME], Some(NAME)));
    all.into_iter()
        .map(|(args, shows)| (args.into_iter().chain(["--today", TODAY]).map(String::from).collect(), shows))
        .collect()
}

/// Whether the output is CSV.
fn is_csv(args: &[String]) -> bool {
    args[0] == "export" || args.iter().any(|a| a == "csv")
}

/// The CSV cells of `text` (unquoted: none of the hostile texts needs quotes).
fn cells(text: &str) -> Vec<&str> {
    text.split([',', '\n']).map(|c| c.trim_end_matches('\r').trim_start_matches('\u{feff}')).collect()
}

/// Bytes a terminal would act on: ESC, BEL, a C1 control (U+0080–U+009F) or U+202E.
fn raw_controls(bytes: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(bytes);
    text.chars().position(|c| matches!(c, '\x1b' | '\x07' | '\u{80}'..='\u{9f}' | '\u{202e}'))
}

fn in_terminal(args: &[String]) -> Vec<u8> {
    let pty = native_pty_system();
    let pair = pty.openpty(PtySize { rows: 50, cols: 250, pixel_width: 0, pixel_height: 0 }).expect("a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_guazhi"));
    cmd.args(args);
    cmd.env("LANG", "C");
    let mut child = pair.slave.spawn_command(cmd).expect("spawn in the pty");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    // Read while it writes (a full pty would stop it); the read ends when the program has gone.
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut chunk = [0u8; 8192];
        while let Ok(n @ 1..) = reader.read(&mut chunk) {
            out.extend_from_slice(&chunk[..n]);
        }
        out
    });
    child.wait().expect("the program ends");
    drop(pair.master);
    reading.join().expect("reader")
}

#[test]
fn a_terminal_never_receives_a_control_or_bidi_character_from_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile(dir.path());
    let db = db.to_str().unwrap();
    for (args, shows) in commands(db) {
        let out = in_terminal(&args);
        let text = String::from_utf8_lossy(&out);
        assert_eq!(raw_controls(&out), None, "{args:?} wrote a raw control:\n{text}");
        if let Some(hostile) = shows {
            // Shown escaped: `\x1b` (tables, CSV, messages) or `\u001b` (JSON).
            let start = &hostile[..hostile.find('\x1b').unwrap()];
            assert!(
                text.contains(&format!("{start}\\x1b")) || text.contains(&format!("{start}\\u001b")),
                "{args:?}:\n{text}"
            );
        }
        if is_csv(&args) {
            assert!(!cells(&text).iter().any(|c| c.starts_with(['=', '+', '@'])), "{args:?}: a formula:\n{text}");
        }
    }
}

fn piped(args: &[String]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi")).args(args).env("LANG", "C").output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn piped_csv_keeps_the_data_with_formulas_defused_and_the_rest_escapes_controls() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile(dir.path());
    let db = db.to_str().unwrap();
    for (args, shows) in commands(db) {
        let (out, err) = piped(&args);
        assert_eq!(raw_controls(err.as_bytes()), None, "{args:?}: messages are for people: {err}");
        if is_csv(&args) {
            // To a file or a pipe: the text as stored, formulas defused.
            assert!(!cells(&out).iter().any(|c| c.starts_with(['=', '+', '@'])), "{args:?}:\n{out}");
            if let Some(hostile) = shows {
                assert!(out.contains(&format!("'{hostile}")), "{args:?} keeps the data:\n{out}");
            }
        } else {
            // Tables are for people wherever they go; JSON escapes them losslessly.
            assert_eq!(raw_controls(out.as_bytes()), None, "{args:?}:\n{out}");
        }
    }
}

#[test]
fn json_reads_back_the_names_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile(dir.path());
    let db = db.to_str().unwrap();
    let (out, _) = piped(&["overdue", db, "--format", "json", "--today", TODAY].map(String::from));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.as_array().unwrap().iter().any(|r| r["cadre"] == NAME && r["batch"] == BATCH));
    let (out, _) = piped(&["stats", db, "--format", "json"].map(String::from));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.as_array().unwrap().iter().any(|b| b["batch"] == BATCH));
    let (out, _) = piped(&["check", db, "--format", "json"].map(String::from));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let details: Vec<&str> =
        v["findings"].as_array().unwrap().iter().map(|f| f["detail"]["en"].as_str().unwrap()).collect();
    assert!(details.iter().any(|d| d.starts_with(&format!("{NAME}: planned term"))), "{details:?}");
}
