//! docs/RELIABILITY.md, fuzzing of what reads outside input (issue 6 item 3), with proptest:
//! dates (`parse_date`, the command line's `--today`, any date the parser accepts as today
//! through the reports and every screen), the text a terminal shows or a field takes
//! (`display_safe`, `sanitize_paste`, `truncate_to_width`), the search query, draft files, and
//! database files with random damage. No panic anywhere; round trips where there is one.
//! (The import sheet and .lrmx parsers are fuzzed once they are committed; see RELIABILITY.md.)

use crate::common;

use chrono::{Datelike, NaiveDate};
use clap::Parser;
use common::Live;
use guazhi::app::{Action, Display, Tab};
use guazhi::cli::Cli;
use guazhi::domain::dates::parse_date;
use guazhi::draft::Slot;
use guazhi::lang::Lang;
use guazhi::store::{Access, Store};
use guazhi::text::{display_safe, is_forbidden, is_refused, sanitize_paste, truncate_to_width, width};
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Strings that look like dates, nearly dates, or nothing like them.
fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}",
        "[ \t]{0,2}[0-9]{4}-[01][0-9]-[0-3][0-9][ \t\n]{0,2}",
        "[0-9０-９/.\\-年月日]{0,12}",
        any::<String>(),
        ".{0,3}\u{0}.{0,3}",
    ]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0i32..=9999, 1u32..=12, 1u32..=31).prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// The demo database, read once.
fn demo() -> &'static (tempfile::TempDir, PathBuf) {
    static DEMO: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = common::demo_db(dir.path());
        (dir, path)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any string: an answer, never a panic; what is accepted is a real date whose canonical
    /// form is the input without surrounding blanks.
    #[test]
    fn parse_date_never_panics_and_accepts_only_canonical_dates(s in date_like()) {
        if let Ok(d) = parse_date(&s) {
            prop_assert_eq!(d.format("%Y-%m-%d").to_string(), s.trim());
        }
    }

    /// Every date from year 0 to 9999 round-trips through its text.
    #[test]
    fn format_then_parse_is_the_same_date(d in any_date()) {
        let text = d.format("%Y-%m-%d").to_string();
        prop_assert_eq!(parse_date(&text), Ok(d));
        // The day after the month's last day is refused, not rolled over.
        if d.succ_opt().is_some_and(|n| n.month() != d.month()) && d.year() > 0 {
            let bad = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day() + 1);
            prop_assert!(parse_date(&bad).is_err(), "{} accepted", bad);
        }
    }

    /// `--today` on the command line: clap never panics, and takes exactly what `parse_date`
    /// takes.
    #[test]
    fn today_on_the_command_line_is_parse_date(s in date_like()) {
        let parsed = Cli::try_parse_from(["guazhi", "overdue", "x.db", "--today", s.as_str()]);
        prop_assert_eq!(parsed.is_ok(), parse_date(&s).is_ok() && !s.starts_with('-'), "{:?}", s);
    }

    /// Whatever text is stored, what reaches the terminal has no control or bidi character.
    #[test]
    fn display_safe_leaves_nothing_a_terminal_obeys(s in any::<String>()) {
        let shown = display_safe(&s);
        prop_assert!(!shown.chars().any(is_refused), "{:?}", shown);
        if !s.chars().any(is_refused) {
            prop_assert_eq!(shown.as_ref(), s.as_str());
        }
    }

    /// A paste becomes one clean line.
    #[test]
    fn a_paste_becomes_one_clean_line(s in any::<String>()) {
        let line = sanitize_paste(&s);
        prop_assert!(!line.chars().any(is_forbidden), "{:?}", line);
        prop_assert_eq!(line.trim(), line.as_str());
    }

    /// Cutting to a width never exceeds it.
    #[test]
    fn truncation_fits_its_width(s in any::<String>(), w in 0usize..40) {
        let safe = display_safe(&s);
        let cut = truncate_to_width(&safe, w);
        prop_assert!(width(&cut) <= w, "{:?} at {} is {} wide", cut, w, width(&cut));
    }

    /// The search: any query against any text, never a panic; a match's ranges lie inside
    /// the text on character boundaries.
    #[test]
    fn search_queries_never_panic(query in any::<String>(), text in any::<String>()) {
        let q = guazhi::search::Query::new(&query);
        let key = guazhi::search::SearchKey::new(&text);
        if let Some(ranges) = key.matches(&q) {
            for r in ranges {
                prop_assert!(r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            }
        }
    }

    /// A draft file with any bytes in it: not offered, never a panic.
    #[test]
    fn any_draft_file_is_refused_or_read(bytes in proptest::collection::vec(any::<u8>(), 0..600), json in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        std::fs::write(&db, b"").unwrap();
        let slot = Slot::in_dir(&dir.path().join("state"), &db);
        std::fs::create_dir_all(dir.path().join("state")).unwrap();
        let content = if json {
            // Valid JSON of the right shape with a random value inside.
            format!(
                r#"{{"format":1,"db":{:?},"uid":{},"saved_at":"x","title":{:?},"kind":"AddCadre","version":null,"values":[["name",{:?}]],"initial":[]}}"#,
                std::fs::canonicalize(&db).unwrap().display().to_string(),
                unsafe { libc::getuid() },
                String::from_utf8_lossy(&bytes),
                String::from_utf8_lossy(&bytes)
            )
            .into_bytes()
        } else {
            bytes
        };
        std::fs::write(slot.path(), content).unwrap();
        let _ = slot.load();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Any date the parser accepts, as today: the reports answer and every tab draws.
    #[test]
    fn any_accepted_today_runs_the_reports_and_the_screens(d in any_date()) {
        let (_, path) = demo();
        let store = Store::open(path, Access::ReadOnly).unwrap();
        let mut app = Live::open(path, d, Display { db_name: "demo.db".into(), ..Display::new(Lang::Zh) });
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        for tab in Tab::ALL {
            app.update(Action::GoTab(tab));
            app.draw(&mut terminal);
        }
        app.update(Action::GoTab(Tab::Cadres));
        app.update(Action::Open);
        app.draw(&mut terminal);
        let data = store.load().unwrap();
        for b in &data.batches {
            let _ = guazhi::domain::figures::batch_figures(b, &data.secondments, &data.cadres, &data.units, &data.pairs);
        }
        let _ = store.attention(d).unwrap();
    }

    /// Random damage to a database file (a few bytes anywhere, or a whole page): the program
    /// opens it or refuses it with an error, reads it or refuses that; never a panic.
    #[test]
    fn random_damage_to_a_database_is_an_error_never_a_panic(
        flips in proptest::collection::vec((0usize..1_000_000, any::<u8>()), 1..6),
        page in proptest::option::of(0usize..250),
    ) {
        let (_, path) = demo();
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("damaged.db");
        let mut bytes = std::fs::read(path).unwrap();
        let n = bytes.len();
        for (at, value) in flips {
            bytes[at % n] ^= value | 1;
        }
        if let Some(p) = page {
            let start = (p * 4096) % n;
            bytes[start..(start + 4096).min(n)].fill(0x5a);
        }
        std::fs::write(&copy, &bytes).unwrap();
        for access in [Access::ReadOnly, Access::Auto] {
            if let Ok(mut store) = Store::open(&copy, access) {
                let _ = store.integrity_check();
                let today = common::date("2026-11-27");
                if let Ok(app) = guazhi::runner::open(&mut store, today, Display::new(Lang::En)) {
                    let mut app = Live::from(app, store, today);
                    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
                    for tab in Tab::ALL {
                        // A read may fail on a damaged page: an error, never a panic.
                        if app.try_update(Action::GoTab(tab)).is_ok() {
                            let _ = guazhi::tui::draw(&mut terminal, &mut app.app);
                        }
                    }
                }
            }
        }
    }
}
