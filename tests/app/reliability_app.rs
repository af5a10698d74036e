//! Faults of docs/RELIABILITY.md met inside one session, through the app on a real store (the
//! same driver the terminal loop uses): #9 no lock held across typing, #12 rows written by
//! hand against the rules, #14 the file moved or deleted under an open form, #29 a file every
//! account can read, #30 read-only really is read-only.

use crate::edit_support;

use crate::common::Live;
use edit_support::{today, Rig};
use guazhi::app::{Action, Display, Tab};
use guazhi::lang::Lang;
use guazhi::store::{Access, Store};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode::{Down, Enter, Esc};
use ratatui::Terminal;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

/// Opens the edit form of 欧阳明远 and types a new home post (not saved yet).
fn edit_post(rig: &mut Rig, post: &str) {
    rig.find("欧阳明远");
    rig.keys("e");
    rig.app.form.as_mut().unwrap().focus_key("home post");
    rig.ctrl('u');
    rig.keys(post);
}

fn form_message(rig: &Rig) -> String {
    rig.app.form.as_ref().and_then(|f| f.message.clone()).map(|(_, m)| m).unwrap_or_default()
}

/// The whole screen as text.
fn screen(app: &mut Live, w: u16, h: u16) -> String {
    app.rows(w, h).join(
        "
",
    )
}

/// #14. The file is renamed away, or deleted, while a form is open: the save is refused with
/// a message saying so, the form and the typing stay, nothing reaches the moved file (or the
/// deleted one, which would take the save with it); once the file is back, the same form saves.
#[test]
fn a_database_moved_or_deleted_while_open_refuses_the_save_and_keeps_the_form() {
    for how in ["renamed", "deleted", "replaced"] {
        let mut rig = Rig::new();
        edit_post(&mut rig, "搬走以后的职务");
        let away = rig.dir.path().join("moved-away.db");
        let audit_before = rig.count("SELECT count(*) FROM audit");
        match how {
            "renamed" => std::fs::rename(&rig.path, &away).unwrap(),
            "deleted" => {
                std::fs::hard_link(&rig.path, &away).unwrap();
                std::fs::remove_file(&rig.path).unwrap();
            }
            _ => {
                // Someone restores another copy over it: a different file under the same name.
                std::fs::rename(&rig.path, &away).unwrap();
                std::fs::copy(&away, &rig.path).unwrap();
            }
        }
        rig.key(Enter);
        let form = rig.app.form.as_ref().unwrap_or_else(|| panic!("{how}: the form stays open"));
        assert_eq!(form.value("home post"), "搬走以后的职务", "{how}: the typing is kept");
        assert!(form_message(&rig).contains("moved or deleted since it was opened"), "{how}: {:?}", form.message);
        let conn = rusqlite::Connection::open_with_flags(&away, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let (posts, audit): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM cadres WHERE home_post = '搬走以后的职务'), (SELECT count(*) FROM audit)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((posts, audit), (0, audit_before), "{how}: nothing written to the file that was opened");
        drop(conn);
        if how != "replaced" {
            // Back where it was: the same form saves.
            std::fs::rename(&away, &rig.path).unwrap();
            rig.key(Enter);
            assert!(rig.app.form.is_none(), "{how}: saved once the file is back: {}", form_message(&rig));
            assert_eq!(rig.count("SELECT count(*) FROM cadres WHERE home_post = '搬走以后的职务'"), 1);
        }
    }
}

/// #9. Nothing is locked while the user types: with a form open and typed into, a colleague
/// can take the write lock at once (no busy wait at all), and a checkpoint can reset the WAL
/// (no read transaction is left open either). Then four threads save read-modify-write
/// changes to the same row at once: every save either lands or reports a conflict, none is
/// lost and none fails with "database is locked".
#[test]
fn no_lock_is_held_across_typing_and_concurrent_saves_never_meet_a_busy_lock() {
    let mut rig = Rig::new();
    edit_post(&mut rig, "正在输入");
    let colleague = rig.raw();
    colleague.busy_timeout(Duration::ZERO).unwrap();
    colleague.execute_batch("BEGIN IMMEDIATE; UPDATE policy SET version = version; COMMIT;").expect("no lock held");
    let (busy, _, _): (i64, i64, i64) =
        colleague.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
    assert_eq!(busy, 0, "no reader holds an old snapshot while the user types");
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "{}", form_message(&rig));

    let updates_before: i64 =
        rig.one("SELECT count(*) FROM audit WHERE table_name = 'cadres' AND row_id = 1 AND action = 'update'");
    let path = rig.path.clone();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path, Access::Auto).unwrap();
                let (mut saved, mut conflicts) = (0, 0);
                for i in 0..25 {
                    let mut c = store.load().unwrap().cadres.into_iter().find(|c| c.id == 1).unwrap();
                    c.speciality = format!("t{t}-{i}");
                    match store.write(|w| w.update_cadre(&c)) {
                        Ok(()) => saved += 1,
                        Err(guazhi::store::StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("thread {t} save {i}: {e}"),
                    }
                }
                (saved, conflicts)
            })
        })
        .collect();
    let (saved, conflicts) =
        threads.into_iter().map(|h| h.join().unwrap()).fold((0, 0), |(a, b), (s, c)| (a + s, b + c));
    assert_eq!(saved + conflicts, 100);
    let version: i64 = rig.one("SELECT version FROM cadres WHERE id = 1");
    let updates: i64 =
        rig.one("SELECT count(*) FROM audit WHERE table_name = 'cadres' AND row_id = 1 AND action = 'update'");
    assert_eq!(updates - updates_before, saved as i64, "every landed save has its audit row");
    assert!(version >= saved as i64, "version {version} after {saved} saves");
    eprintln!("4 threads x 25 saves of one row: {saved} saved, {conflicts} conflicts reported, 0 busy");
}

/// Rows typed by hand past the CHECK constraints (`PRAGMA ignore_check_constraints`), as a
/// colleague's sqlite3 shell could: (table, SQL). Each makes its row unreadable.
const BAD_ROWS: &[(&str, &str)] = &[
    ("cadres", "UPDATE cadres SET birth_date = '2017-02-30' WHERE name = '欧阳明远'"),
    ("cadres", "UPDATE cadres SET gender = 'x', name = '' WHERE id = 2"),
    ("cadres", "UPDATE cadres SET political = '群众？' WHERE id = 3"),
    ("units", "UPDATE units SET kind = 'ministry' WHERE id = (SELECT max(id) FROM units)"),
    ("batches", "UPDATE batches SET dispatch_date = 'soon' WHERE id = (SELECT max(id) FROM batches)"),
    ("secondments", "UPDATE secondments SET start_date = '2019-13-01' WHERE id = 5"),
    ("secondments", "UPDATE secondments SET direction = 'sideways' WHERE id = 6"),
    ("reviews", "UPDATE reviews SET due_date = '2026-02-30' WHERE id = (SELECT min(id) FROM reviews WHERE done_date IS NULL AND cancelled = 0)"),
    ("reviews", "UPDATE reviews SET kind = 'monthly' WHERE id = (SELECT max(id) FROM reviews WHERE done_date IS NULL)"),
    ("reviews", "UPDATE reviews SET grade = 'A+' WHERE id = (SELECT min(id) FROM reviews WHERE done_date IS NOT NULL)"),
    ("vettings", "UPDATE vettings SET political = 'meh' WHERE id = (SELECT min(id) FROM vettings)"),
    ("dossier_notes", "UPDATE dossier_notes SET note_date = '0000-00-00' WHERE id = (SELECT min(id) FROM dossier_notes)"),
    ("reserve_nominations", "UPDATE reserve_nominations SET status = 'limbo' WHERE id = (SELECT min(id) FROM reserve_nominations)"),
    ("reserve_events", "UPDATE reserve_events SET to_status = '?' WHERE id = (SELECT min(id) FROM reserve_events)"),
    ("term_evaluations", "UPDATE term_evaluations SET talks = -1 WHERE id = (SELECT min(id) FROM term_evaluations)"),
];

/// Out-of-range numbers that still convert: they must not break the rules' arithmetic.
const ODD_NUMBERS: &[&str] = &[
    "UPDATE batches SET term_months = 0 WHERE id = (SELECT min(id) FROM batches)",
    "UPDATE batches SET term_months = 100000 WHERE id = (SELECT min(id) + 1 FROM batches)",
    "UPDATE cadres SET grassroots_years = -3 WHERE id = 4",
    "UPDATE cadres SET birth_date = '9999-12-31' WHERE id = 5",
    "UPDATE secondments SET planned_end = '2000-01-01' WHERE id = 7",
];

/// #12. Rows written by hand against the rules are flagged, never a panic: the screens open,
/// every tab, the dossier of every cadre and the history draw at two sizes; the header and
/// the Overview say how many rows could not be read; `guazhi check` lists each one and exits
/// 1; `guazhi overdue` and `stats` still answer.
#[test]
fn rows_written_by_hand_against_the_rules_are_flagged_never_a_panic() {
    let rig = Rig::new();
    let conn = rig.raw();
    conn.execute_batch("PRAGMA ignore_check_constraints = ON").unwrap();
    for (table, sql) in BAD_ROWS {
        assert_eq!(conn.execute(sql, []).unwrap(), 1, "{table}: {sql}");
    }
    for sql in ODD_NUMBERS {
        assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
    }
    drop(conn);
    let store = Store::open(&rig.path, Access::Auto).expect("the file still opens");
    let invalid = store.load().expect("the data is read").invalid;
    for (table, _) in BAD_ROWS {
        assert!(invalid.iter().any(|m| m.starts_with(&format!("{table} "))), "{table} not flagged: {invalid:?}");
    }
    assert_eq!(invalid.len(), BAD_ROWS.len(), "{invalid:?}");

    for lang in [Lang::En, Lang::Zh] {
        let opts = Display { db_name: "demo.db".into(), ..Display::new(lang) };
        let mut app = Live::open(&rig.path, today(), opts);
        let first = screen(&mut app, 80, 24);
        // The header counts those the lists and the window met (`check` names every one).
        let met = app.unreadable().len();
        assert!(app.unreadable().iter().all(|m| invalid.iter().any(|i| i == m)), "{:?}", app.unreadable());
        for table in ["cadres", "units", "batches", "secondments", "reviews", "reserve_nominations"] {
            assert!(app.unreadable().iter().any(|m| m.starts_with(&format!("{table} "))), "{table}");
        }
        let flag = match lang {
            Lang::En => format!("{met} unreadable rows"),
            Lang::Zh => format!("{met} 行无法读取"),
        };
        assert!(first.contains(&flag), "the header flags them:\n{first}");
        for tab in Tab::ALL {
            app.update(Action::GoTab(tab));
            for (w, h) in [(80, 24), (200, 50)] {
                let s = screen(&mut app, w, h);
                if tab == Tab::Overview && h == 50 {
                    assert!(s.contains("could not be read") || s.contains("无法读取"), "{s}");
                }
            }
        }
        // Every cadre's dossier (the list shows each once), and its history.
        app.update(Action::GoTab(Tab::Cadres));
        app.update(Action::Top);
        for _ in 0..app.list().visible.len() {
            app.update(Action::Open);
            screen(&mut app, 80, 24);
            screen(&mut app, 160, 48);
            app.update(Action::Back);
            app.update(Action::Down);
        }
    }

    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
            .args(args)
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let db = rig.path.to_str().unwrap();
    let (code, out, err) = run(&["check", db, "--format", "json"]);
    assert_eq!(code, Some(1), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["invalid_rows"].as_array().unwrap().len(), BAD_ROWS.len(), "{out}");
    let (code, out, err) = run(&["check", db]);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains("invalid_row") && out.contains("birth_date: bad date '2017-02-30'"), "{out}");
    for args in [["overdue", db, "--today"], ["stats", db, "--today"]] {
        let (code, _, err) = run(&[args[0], args[1], args[2], "2026-11-27"]);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code, Some(0), "{args:?}: {err}");
        if args[0] == "overdue" {
            assert!(err.contains("could not be read and are not listed"), "the report says it is incomplete: {err}");
        }
    }
}

/// #29. A file every account on the server can read (mode o+r): the header says so at once,
/// and so does a line on stderr from the report commands (stdout stays the report's). A file
/// made by `guazhi init` is 0660 and not warned about.
#[test]
fn a_world_readable_database_is_warned_about() {
    let rig = Rig::new();
    let mode = std::fs::metadata(&rig.path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660, "init makes it group-writable, not world-readable");
    let quiet = Store::open(&rig.path, Access::Auto).unwrap();
    assert!(!quiet.world_readable() && quiet.exposure_warning().is_none());
    std::fs::set_permissions(&rig.path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open(&rig.path, Access::Auto).unwrap();
    assert!(store.world_readable());
    let warning = store.exposure_warning().unwrap();
    let fix = format!("chmod o-r {}", rig.path.display());
    assert!(warning.en.contains("can be read by every account") && warning.en.contains(&fix), "{warning:?}");
    assert!(warning.zh.contains("所有账户都能读取") && warning.zh.contains(&fix), "{warning:?}");
    let opts = Display { db_name: "demo.db".into(), world_readable: true, ..Display::new(Lang::En) };
    let mut app = Live::open(&rig.path, today(), opts);
    let s = screen(&mut app, 80, 24);
    assert!(s.lines().next().unwrap().contains("WORLD-READABLE"), "{s}");
    let opts = Display { db_name: "demo.db".into(), world_readable: true, ..Display::new(Lang::Zh) };
    let mut app = Live::open(&rig.path, today(), opts);
    assert!(screen(&mut app, 80, 24).lines().next().unwrap().contains("他人可读"));

    for cmd in ["overdue", "stats", "check"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi"))
            .args([cmd, rig.path.to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("can be read by every account"), "{cmd}: {err}");
        assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok(), "{cmd}: stdout is still JSON");
    }
    // And the file commands: export, import (a dry run) and backup.
    let dir = tempfile::tempdir().unwrap();
    let (sheet, copies) = (dir.path().join("all.csv"), dir.path().join("copies"));
    std::fs::create_dir(&copies).unwrap();
    let db = rig.path.to_str().unwrap();
    let commands: [Vec<&str>; 3] = [
        vec!["export", db, "--what", "secondments", "--out", sheet.to_str().unwrap()],
        vec!["import", db, sheet.to_str().unwrap(), "--dry-run"],
        vec!["backup", db, copies.to_str().unwrap()],
    ];
    for args in commands {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_guazhi")).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(err.contains("can be read by every account"), "{args:?}: {err}");
    }
}

/// #30. Read-only is enforced by SQLite, not only by the program's keys: the connection is
/// opened read-only with `PRAGMA query_only`, so even SQL sent past the program fails.
#[test]
fn read_only_mode_is_a_read_only_connection_with_query_only() {
    let rig = Rig::with(Lang::En, Access::ReadOnly);
    let conn = rig.store.connection();
    let q: i64 = conn.query_row("PRAGMA query_only", [], |r| r.get(0)).unwrap();
    assert_eq!(q, 1);
    let err = conn.execute("UPDATE cadres SET name = '改' WHERE id = 1", []).unwrap_err();
    assert!(err.to_string().contains("readonly") || err.to_string().contains("read-only"), "{err}");
    assert!(conn.execute_batch("PRAGMA query_only = OFF; UPDATE cadres SET name = '改' WHERE id = 1").is_err());
    assert_eq!(rig.count("SELECT count(*) FROM cadres WHERE name = '改'"), 0);
}

/// #20 and #22 live in edit_concurrency.rs; this adds that a lone Esc on every tab, in the
/// dossier and in the search line, never writes and never quits.
#[test]
fn a_lone_esc_anywhere_does_nothing_destructive() {
    let mut rig = Rig::new();
    let audit = rig.count("SELECT count(*) FROM audit");
    for tab in ["1", "2", "3", "4", "5", "6"] {
        rig.keys(tab);
        rig.key(Esc);
        rig.keys("/");
        rig.keys("o");
        rig.key(Esc);
        rig.key(Enter);
        rig.key(Esc);
        rig.key(Esc);
    }
    assert_eq!(rig.count("SELECT count(*) FROM audit"), audit);
    assert!(rig.app.form.is_none());
}

/// The screen's rows as (text, the cell column each char starts at), wide characters once.
fn rows_with_columns(terminal: &Terminal<TestBackend>) -> Vec<(String, Vec<u16>)> {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let (mut text, mut cols, mut skip) = (String::new(), Vec::new(), 0);
            for x in 0..buf.area.width {
                let sym = buf[(x, y)].symbol();
                if skip == 0 {
                    for _ in sym.chars() {
                        cols.push(x);
                    }
                    text.push_str(sym);
                }
                skip = skip.max(unicode_width::UnicodeWidthStr::width(sym)).saturating_sub(1);
            }
            (text, cols)
        })
        .collect()
}

/// #26. A long Chinese name in a narrow column: cut with a visible "…", and the next column
/// starts at the same cell on every row (widths in display cells, not characters).
#[test]
fn long_cjk_names_are_cut_visibly_and_columns_stay_aligned() {
    let rig = Rig::new();
    let long = "欧阳司马上官诸葛东方皇甫尉迟公羊澹台公冶宗政濮阳淳于单于太叔申屠公孙仲孙轩辕令狐钟离宇文";
    assert!(long.chars().count() <= 50);
    rig.raw().execute("UPDATE cadres SET name = ?1 WHERE name = '劳海峰'", [long]).unwrap();
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in [(80, 24), (120, 30), (200, 50)] {
            let mut app = Live::open(&rig.path, today(), Display::new(lang));
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            app.draw(&mut terminal);
            let rows = rows_with_columns(&terminal);
            let all: Vec<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
            let label = if lang == Lang::En { "Name" } else { "姓名" };
            let header = rows
                .iter()
                .position(|(t, _)| t.starts_with(&format!("│{label}")))
                .unwrap_or_else(|| panic!("{w}x{h}: no header:\n{}", all.join("\n")));
            // Where the column after the name starts: the header's next label.
            let (htext, hcols) = &rows[header];
            let chars: Vec<char> = htext.chars().collect();
            let after_label = 1 + label.chars().count();
            let next = (after_label..chars.len()).find(|&i| chars[i] != ' ').expect("a second column");
            let next_x = hcols[next];
            let row = rows.iter().find(|(t, _)| t.contains("欧阳司马")).expect("the long name is listed");
            assert!(row.0.contains('…'), "{w}x{h}: the cut is visible: {}", row.0);
            assert!(!row.0.contains(long), "{w}x{h}: cut, not overflowing");
            // The list's rows: down to its box's bottom (a detail strip may be under it).
            let bottom = rows.iter().rposition(|(t, _)| t.starts_with('└')).expect("the list's box");
            for (text, cols) in &rows[header + 1..bottom] {
                // The cell before the next column is blank on every row: the name column never
                // spills into it, whatever the width of its characters.
                if let Some(i) = cols.iter().position(|&c| c == next_x - 1) {
                    let ch = text.chars().nth(i).unwrap();
                    assert!(ch == ' ', "{w}x{h}: {text:?} spills into the next column");
                } else {
                    // A wide character covers that cell: it started one cell earlier.
                    panic!("{w}x{h}: {text:?} has a wide character across the column gap");
                }
            }
        }
    }
}

/// #27. With `--ascii`, nothing the program draws has an ambiguous East-Asian width (which
/// some terminals draw double): every tab, the dossier, the help, every kind of popup and the
/// forms. Only characters of the data itself may be ambiguous.
#[test]
fn ascii_mode_draws_no_ambiguous_width_symbol_anywhere() {
    use unicode_width::UnicodeWidthStr;
    let mut rig = Rig::with(Lang::Zh, Access::Auto);
    let opts = Display { ascii: true, db_name: "demo.db".into(), ..Display::new(Lang::Zh) };
    rig.app = guazhi::runner::open(&mut rig.store, today(), opts).unwrap();
    let data_chars: std::collections::HashSet<char> = format!("{:?}", rig.store.load().unwrap()).chars().collect();
    let mut checked = 0;
    let mut look = |rig: &mut Rig, what: &str| {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            guazhi::tui::draw(&mut terminal, &mut rig.app).unwrap();
            for cell in terminal.backend().buffer().content() {
                let s = cell.symbol();
                if s.width() != s.width_cjk() && !s.chars().all(|c| data_chars.contains(&c)) {
                    panic!("{what} at {w}x{h}: ambiguous-width symbol {s:?}");
                }
            }
            checked += 1;
        }
    };
    for tab in ["1", "2", "3", "4", "5", "6"] {
        rig.keys(tab);
        look(&mut rig, &format!("tab {tab}"));
        rig.keys("s");
        look(&mut rig, &format!("tab {tab} choosing a sort"));
        rig.key(Down);
        rig.key(Enter);
        look(&mut rig, &format!("tab {tab} sorted"));
        rig.keys("S/o");
        look(&mut rig, &format!("tab {tab} searching"));
        rig.key(Esc);
        rig.key(Esc);
    }
    rig.keys("?");
    look(&mut rig, "help");
    rig.key(Esc);
    rig.keys("1");
    rig.key(Enter);
    look(&mut rig, "dossier");
    rig.keys("h");
    look(&mut rig, "history");
    rig.key(Esc);
    for (keys, what) in
        [("1a", "add cadre"), ("1e", "edit cadre"), ("1n", "add secondment"), ("3e", "review"), ("5P", "policy")]
    {
        rig.keys(keys);
        look(&mut rig, what);
        rig.keys("x");
        rig.key(Esc);
        look(&mut rig, &format!("{what}: discard?"));
        rig.keys("y");
    }
    rig.keys("6D");
    look(&mut rig, "delete question");
    rig.key(Esc);
    eprintln!("{checked} screens drawn with --ascii, no ambiguous-width symbol of the program's own");
}
