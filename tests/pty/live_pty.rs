//! Issue 13, "Live": a colleague's save shows in every open window without a key pressed, with
//! a short cue naming who saved; an open form keeps what was typed; `R` says what it did.

use crate::pty_support;

use pty_support::{keys, SampleDb, Spawn, Term, BIN, TODAY, WAIT};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The watch looks once a second; this leaves room for a loaded machine, not for a slower
/// design (a window that only updates on `R` never gets there).
const LIVE: Duration = Duration::from_secs(3);

fn me() -> String {
    guazhi::store::Actor::current().user
}

/// A sheet of one new cadre seconded in the newest batch (the sample's last row, renamed,
/// without its partner), made with the program's own export.
fn one_new_cadre(db: &SampleDb) -> PathBuf {
    let all = db.dir.path().join("all.csv");
    run(&["export", path(&db.path), "--what", "secondments", "--out", path(&all)]);
    let text = std::fs::read_to_string(&all).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut row: Vec<String> = lines.last().unwrap().split(',').map(String::from).collect();
    row[0] = "测试新人".into();
    row[2] = "1990-05-05".into();
    row[23].clear();
    row[24].clear();
    let sheet = db.dir.path().join("one.csv");
    std::fs::write(&sheet, format!("{}\n{}\n", lines[0], row.join(","))).unwrap();
    sheet
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn run(args: &[&str]) {
    let out = Command::new(BIN).args(args).env("LANG", "C").stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn import(db: &SampleDb, sheet: &Path) {
    run(&["import", path(&db.path), path(sheet), "--yes", "--today", TODAY]);
}

fn open(db: &SampleDb, lang: &str) -> Term {
    let term = Spawn::tui(&db.path).lang(lang).start();
    term.wait_for(if lang == "zh" { "干部 65/65" } else { "Cadres 65/65" }, WAIT);
    term
}

#[test]
fn a_command_line_import_shows_in_two_idle_windows_with_who_saved_it() {
    let db = SampleDb::new();
    let sheet = one_new_cadre(&db);
    let en = open(&db, "en");
    let zh = open(&db, "zh");
    import(&db, &sheet);
    // No key is pressed in either window.
    en.wait_for("Cadres 66/66", LIVE);
    en.wait_for(&format!("{} saved 1 change", me()), LIVE);
    zh.wait_for("干部 66/66", LIVE);
    let screen = zh.wait_for(&format!("{} 保存了 1 处修改", me()), LIVE);
    assert!(!screen.contains("saved"), "no English under --lang zh:\n{screen}");
}

#[test]
fn an_open_form_keeps_its_typing_while_the_list_under_it_follows_a_colleague() {
    let db = SampleDb::new();
    let sheet = one_new_cadre(&db);
    let term = open(&db, "en");
    term.send("a");
    term.wait_for("Add a cadre", WAIT);
    term.send("王小明");
    term.wait_for("王小明", WAIT);
    import(&db, &sheet);
    let screen = term.wait_for(&format!("{} saved 1 change", me()), LIVE);
    assert!(screen.contains("Add a cadre") && screen.contains("王小明"), "the form is as it was:\n{screen}");
    term.send(keys::ESC);
    term.wait_for("Discard", WAIT);
    term.send("y");
    term.wait_for("Cadres 66/66", WAIT);
}

#[test]
fn r_says_what_it_read_again() {
    let db = SampleDb::new();
    let term = open(&db, "en");
    term.send("R");
    term.wait_for("Read the database again; nobody else saved anything since", WAIT);
    let zh = open(&db, "zh");
    zh.send("R");
    zh.wait_for("已重新读取数据库；上次读取后没有他人的修改", WAIT);
}
