//! A list still being read: what keys pressed before the catalogs arrive do.

use crate::edit_support::today;
use guazhi::app::catalog::handover::Shown;
use guazhi::app::keys::map_event;
use guazhi::app::{Action, App, Display, Mode};
use guazhi::lang::Lang;
use guazhi::runner::{first_screen, lists::build_all, step, Builder, Session};
use guazhi::store::{Access, Store};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// A background builder that never finishes on its own: the test hands the lists over.
struct Later;

impl Builder for Later {
    fn start(&mut self, _shown: Shown, _all_reviews: bool) -> std::io::Result<()> {
        Ok(())
    }
}

fn press(app: &mut App, store: &mut Store, code: KeyCode) {
    let Some(action) = map_event(app, &Event::Key(KeyEvent::new(code, KeyModifiers::NONE))) else { return };
    let mut later = Later;
    let mut s = Session { store, today: today(), drafts: None, builder: Some(&mut later) };
    step(app, &mut s, action).unwrap();
}

fn hand_over_the_lists(app: &mut App, store: &mut Store) {
    let mut handovers = Vec::new();
    build_all(store, Shown { today: today(), lang: Lang::En, ascii: false }, |h| {
        handovers.push(h);
        true
    })
    .unwrap();
    for h in handovers {
        let mut later = Later;
        let mut s = Session { store, today: today(), drafts: None, builder: Some(&mut later) };
        step(app, &mut s, Action::Built(Box::new(h))).unwrap();
    }
}

/// A copy of the demo database, opened for writing, and the folder holding it.
fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    std::fs::copy(crate::common::demo_template(), &path).unwrap();
    let store = Store::open(&path, Access::Auto).unwrap();
    (dir, store)
}

/// The app, its store and the folder holding the database.
fn opened_before_the_lists(keys: &str, then: Option<KeyCode>) -> (App, Store, tempfile::TempDir) {
    let (dir, mut store) = demo();
    let mut app = App::new(first_screen(&store, today()).unwrap(), Display::new(Lang::En));
    press(&mut app, &mut store, KeyCode::Char('/'));
    for c in keys.chars() {
        press(&mut app, &mut store, KeyCode::Char(c));
    }
    press(&mut app, &mut store, KeyCode::Enter);
    press(&mut app, &mut store, KeyCode::Enter);
    assert_eq!(app.mode, Mode::List, "nothing to open while the search waits for the list");
    if let Some(code) = then {
        press(&mut app, &mut store, code);
    }
    hand_over_the_lists(&mut app, &mut store);
    (app, store, dir)
}

#[test]
fn enter_on_a_search_typed_before_the_list_arrives_opens_the_dossier_once_it_does() {
    let (app, _store, _dir) = opened_before_the_lists("单志远", None);
    assert_eq!(app.mode, Mode::Dossier);
    let doc = &app.dossier.as_ref().expect("a dossier").doc;
    assert_eq!(doc.name, "单志远");
}

#[test]
fn a_key_after_that_enter_cancels_it() {
    let (app, _store, _dir) = opened_before_the_lists("单志远", Some(KeyCode::Down));
    assert_eq!(app.mode, Mode::List);
}

#[test]
fn an_enter_on_a_search_that_matches_nothing_opens_nothing() {
    let (app, _store, _dir) = opened_before_the_lists("zzzzqqq", None);
    assert_eq!(app.mode, Mode::List);
    assert_eq!(app.list().visible.len(), 0);
}

/// The screen at 80×24, as the loop draws it (the window read between two draws).
fn screen(app: &mut App, store: &mut Store) -> Vec<String> {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    for _ in 0..2 {
        guazhi::tui::draw(&mut terminal, app).map_err(|_| ()).expect("draw");
        let mut later = Later;
        let mut s = Session { store, today: today(), drafts: None, builder: Some(&mut later) };
        step(app, &mut s, Action::Redraw).unwrap();
    }
    crate::common::buffer_rows(terminal.backend().buffer())
}

/// The reserve list needs every term's grades (seconds at a million); its first rows come
/// before every other list, read term by term, and are the rows its catalog shows first.
#[test]
fn the_reserve_tab_shows_its_first_rows_before_any_list_is_read() {
    let (_dir, mut store) = demo();
    let mut handovers = Vec::new();
    build_all(&store, Shown { today: today(), lang: Lang::En, ascii: false }, |h| {
        handovers.push(h);
        true
    })
    .unwrap();
    let mut app = App::new(first_screen(&store, today()).unwrap(), Display::new(Lang::En));
    press(&mut app, &mut store, KeyCode::Char('4'));
    let rows = |screen: &[String]| -> Vec<String> {
        screen.iter().filter(|l| l.contains("rule proposal") || l.contains("admitted")).cloned().collect()
    };
    let before = screen(&mut app, &mut store);
    assert!(rows(&before).is_empty(), "{}", before.join("\n"));
    let mut handovers = handovers.into_iter();
    let mut later = Later;
    let mut s = Session { store: &mut store, today: today(), drafts: None, builder: Some(&mut later) };
    step(&mut app, &mut s, Action::Built(Box::new(handovers.next().unwrap()))).unwrap();
    let first = screen(&mut app, &mut store);
    assert_eq!(rows(&first).len(), 5, "two rule proposals, three admitted: {}", first.join("\n"));
    let title = |screen: &[String]| screen.iter().find(|l| l.starts_with("┌ Reserve")).cloned().unwrap_or_default();
    assert!(title(&first).starts_with("┌ Reserve reading every record…"), "no count yet: {}", title(&first));
    for h in handovers {
        let mut s = Session { store: &mut store, today: today(), drafts: None, builder: Some(&mut later) };
        step(&mut app, &mut s, Action::Built(Box::new(h))).unwrap();
    }
    let read = screen(&mut app, &mut store);
    assert_eq!(rows(&first), rows(&read), "{}", read.join("\n"));
    assert!(title(&read).starts_with("┌ Reserve 9/9 · 2 proposed by the rule"), "{}", title(&read));
}

/// The Overview's table is drawn before its batch's cadres are read for the findings box (tens
/// of milliseconds for a big batch); they are read right after that first frame.
#[test]
fn the_overview_draws_its_table_before_reading_the_batchs_findings() {
    let (_dir, mut store) = demo();
    let mut app = App::new(first_screen(&store, today()).unwrap(), Display::new(Lang::En));
    hand_over_the_lists(&mut app, &mut store);
    press(&mut app, &mut store, KeyCode::Char('5'));
    let Some(guazhi::app::view::Rec::Batch(batch)) = app.selected_rec(guazhi::app::Tab::Overview) else {
        panic!("a batch is selected")
    };
    assert!(app.window_wanted().is_none(), "nothing is read before the table is drawn");
    assert!(!app.batch_read(batch));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 40)).unwrap();
    guazhi::tui::draw(&mut terminal, &mut app).map_err(|_| ()).unwrap();
    assert!(crate::common::buffer_rows(terminal.backend().buffer()).iter().any(|l| l.contains("2017年第一批")));
    assert_eq!(app.window_wanted().map(|w| w.batch), Some(Some(batch)), "then the batch's cadres");
    let mut later = Later;
    let mut s = Session { store: &mut store, today: today(), drafts: None, builder: Some(&mut later) };
    step(&mut app, &mut s, Action::Redraw).unwrap();
    assert!(app.batch_read(batch));
    assert!(app.window_wanted().is_none());
}

/// A database of 400 generated cadres (more than the first window's page of 60 and the rows
/// around it), opened in English with every list handed over.
fn four_hundred_cadres(dir: &std::path::Path) -> (Store, App) {
    let path = dir.join("bigger.db");
    guazhi::sample::generate(Store::init(&path).unwrap(), 400).unwrap();
    let mut store = Store::open(&path, Access::Auto).unwrap();
    let mut app = App::new(first_screen(&store, today()).unwrap(), Display::new(Lang::En));
    hand_over_the_lists(&mut app, &mut store);
    (store, app)
}

/// A key that brings new rows on screen reads only the rows it draws, so that it is answered
/// soonest; the rows around them, for scrolling, are read once the frame shows them.
#[test]
fn a_jump_reads_the_rows_drawn_first_and_the_rows_around_them_after_the_frame() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut app) = four_hundred_cadres(dir.path());
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 20)).unwrap();
    let mut frame = |app: &mut App| guazhi::tui::draw(&mut terminal, app).map_err(|_| ()).unwrap();
    let read_after_frame = |app: &mut App, store: &mut Store| {
        let mut later = Later;
        let mut s = Session { store, today: today(), drafts: None, builder: Some(&mut later) };
        step(app, &mut s, Action::Redraw).unwrap();
    };
    frame(&mut app);
    read_after_frame(&mut app, &mut store);
    assert!(app.window_wanted().is_none(), "the first page and the rows around it are read");

    press(&mut app, &mut store, KeyCode::End);
    assert!(app.window_wanted().is_none(), "the last page is read, nothing more before it is drawn");
    frame(&mut app);
    let drawn = app.frame.shown.len();
    assert!(drawn > 5 && app.frame.offset > drawn, "a page of {drawn} rows from {}", app.frame.offset);
    let around = app.window_wanted().expect("once drawn, the rows above the last page").cadres;
    assert!(around.len() > drawn, "{} cadres against {drawn} drawn", around.len());
    read_after_frame(&mut app, &mut store);
    assert!(app.window_wanted().is_none());
    // A page up stays inside them: no read, before or after its frame.
    press(&mut app, &mut store, KeyCode::PageUp);
    frame(&mut app);
    let half = app.window_wanted().map(|w| w.cadres.len());
    assert!(app.frame.offset + drawn < app.list().visible.len(), "moved up");
    assert!(half.is_none_or(|n| n > around.len()), "only further rows, if any: {half:?}");
}

#[test]
fn the_rows_read_around_a_page_widen_the_columns_from_the_next_page_and_widths_never_shrink() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut app) = four_hundred_cadres(dir.path());
    // Wide, so that every column shows and its width follows the widest cell.
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 20)).unwrap();
    // Draws the frame and returns the list's header line.
    let mut header = |app: &mut App| {
        guazhi::tui::draw(&mut terminal, app).map_err(|_| ()).unwrap();
        let buffer = terminal.backend().buffer();
        let rows: Vec<String> = (0..buffer.area.height)
            .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect())
            .collect();
        rows.into_iter().find(|r| r.contains("Name")).expect("the list's header")
    };
    let read_around = |app: &mut App, store: &mut Store| {
        let mut later = Later;
        let mut s = Session { store, today: today(), drafts: None, builder: Some(&mut later) };
        step(app, &mut s, Action::Redraw).unwrap();
    };
    header(&mut app);
    read_around(&mut app, &mut store);
    let mut layouts = vec![header(&mut app)];
    for key in [KeyCode::End, KeyCode::Home, KeyCode::End, KeyCode::Home] {
        press(&mut app, &mut store, key);
        let drawn = header(&mut app);
        assert!(app.window_wanted().is_some(), "the frame after {key:?} asks for the rows around it");
        read_around(&mut app, &mut store);
        assert_eq!(header(&mut app), drawn, "the rows read around the page after {key:?} keep its layout");
        layouts.push(drawn);
    }
    // The rows read around the last page were wider (else this shows nothing): the next page
    // took their widths, and from then on going back and forth changes nothing.
    assert_ne!(layouts[1], layouts[2], "the next page after the last one is laid out wider");
    assert_eq!(layouts[3], layouts[4], "back on the first page the columns stay as they were");
    let column_at = |h: &str, label: &str| h.find(label).unwrap_or_else(|| panic!("{label} in {h}"));
    for pair in layouts.windows(2) {
        for label in ["Dir", "Batch", "Term end", "Next review", "Flags"] {
            assert!(column_at(&pair[1], label) >= column_at(&pair[0], label), "{label} moved left: {pair:?}");
        }
    }
}
