//! State tests: the app built on the demo database with a fixed date, driven by actions.

use super::keys::map_event;
use super::view::{cadres, reviews, Columns};
use super::*;
use crate::domain::dates::parse_date;
use crate::domain::review::ReviewStatus;
use crate::store::{Access, Store};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::sync::OnceLock;
use tui_input::InputRequest;

fn today() -> NaiveDate {
    parse_date("2026-11-27").unwrap()
}

/// A copy of the demo database and the app on it, every list built, for 2026-11-27; the frame
/// is tall enough for the window to hold every row shown.
struct Rig {
    app: App,
    store: Store,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for Rig {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl Rig {
    fn update(&mut self, action: Action) {
        let today = self.app.today;
        let mut s = crate::runner::Session { store: &mut self.store, today, drafts: None, builder: None };
        crate::runner::step(&mut self.app, &mut s, action).unwrap();
    }
}

fn demo_path() -> &'static std::path::Path {
    static DEMO: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, path) = DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        crate::sample::generate(Store::init(&path).unwrap(), 0).unwrap();
        (dir, path)
    });
    path
}

fn rig_on(lang: Lang, day: NaiveDate) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    std::fs::copy(demo_path(), &path).unwrap();
    let mut store = Store::open(&path, Access::ReadOnly).unwrap();
    let app = crate::runner::open(&mut store, day, Display::new(lang)).unwrap();
    let mut rig = Rig { app, store, _dir: dir };
    rig.update(Action::Frame(FrameInfo { page: 10_000, ..FrameInfo::default() }));
    rig
}

fn app(lang: Lang) -> Rig {
    rig_on(lang, today())
}

fn type_search(app: &mut Rig, text: &str) {
    app.update(Action::StartSearch);
    for c in text.chars() {
        app.update(Action::EditSearch(InputRequest::InsertChar(c)));
    }
}

/// The text of column `col` of the rows left on the current tab.
fn column(app: &App, col: usize) -> Vec<String> {
    rows(app).iter().map(|r| r.cells[col].text.clone()).collect()
}

/// The rows left on the current tab, in order.
fn rows(app: &App) -> Vec<&view::Row> {
    app.list().visible.iter().map(|i| app.row(app.tab, i).expect("the window holds every row shown")).collect()
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn header_counts_are_the_stores_and_the_rule_agrees() {
    let app = app(Lang::Zh);
    let data = Store::open(demo_path(), Access::ReadOnly).unwrap().load().unwrap();
    let mut counts = [0; 3];
    for r in &data.reviews {
        match r.status(today(), data.policy.due_soon_days) {
            ReviewStatus::Overdue => counts[0] += 1,
            ReviewStatus::DueToday => counts[1] += 1,
            ReviewStatus::DueSoon => counts[2] += 1,
            _ => {}
        }
    }
    assert_eq!(app.counts, counts);
    assert!(counts[0] > 0, "the demo has overdue reviews");
}

#[test]
fn pinyin_initials_find_a_demo_cadre() {
    let mut app = app(Lang::Zh);
    type_search(&mut app, "oymy");
    assert_eq!(app.mode, Mode::Search);
    assert_eq!(column(&app, cadres::Col::Name.position()), ["欧阳明远"]);
    app.update(Action::KeepSearch);
    assert_eq!(app.mode, Mode::List);
    assert_eq!(column(&app, cadres::Col::Name.position()), ["欧阳明远"], "Enter keeps the filter");
    app.update(Action::ClearSearch);
    assert_eq!(app.list().visible.len(), 65, "Esc clears it");
}

#[test]
fn full_and_mixed_pinyin_and_characters_match() {
    for q in ["ouyangmingyuan", "ouyangmy", "欧阳明", "OYMY"] {
        let mut app = app(Lang::En);
        type_search(&mut app, q);
        assert_eq!(column(&app, cadres::Col::Name.position()).first().map(String::as_str), Some("欧阳明远"), "{q}");
    }
    let mut app = app(Lang::Zh);
    type_search(&mut app, "狮山");
    assert!(!app.list().visible.is_empty());
    for r in rows(&app) {
        let row: String = r.cells.iter().map(|c| c.text.as_str()).collect();
        assert!(row.contains("狮山"), "{row}");
    }
}

#[test]
fn typing_q_in_the_search_types_and_ctrl_c_still_quits() {
    let mut app = app(Lang::Zh);
    app.update(Action::StartSearch);
    let action = map_event(&app, &key(KeyCode::Char('q'))).unwrap();
    assert!(matches!(action, Action::EditSearch(InputRequest::InsertChar('q'))));
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(matches!(map_event(&app, &ctrl_c), Some(Action::Quit)));
    app.update(Action::ClearSearch);
    assert!(matches!(map_event(&app, &key(KeyCode::Char('q'))), Some(Action::Quit)));
}

#[test]
fn ctrl_l_draws_the_whole_screen_again_in_a_list_and_in_a_search_and_changes_nothing() {
    let mut app = app(Lang::Zh);
    let ctrl_l = Event::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL));
    let action = map_event(&app, &ctrl_l).unwrap();
    assert!(matches!(action, Action::Repaint));
    let before = column(&app, cadres::Col::Name.position());
    assert_eq!(app.app.update(action), Effect::Repaint);
    assert_eq!(column(&app, cadres::Col::Name.position()), before);
    type_search(&mut app, "ouy");
    let action = map_event(&app, &ctrl_l).unwrap();
    assert!(matches!(action, Action::Repaint), "typed into the search: {action:?}");
    assert_eq!(app.app.update(action), Effect::Repaint);
    assert_eq!(app.list().input.value(), "ouy");
}

#[test]
fn control_characters_are_not_typed_and_pastes_are_cleaned() {
    let mut app = app(Lang::Zh);
    app.update(Action::StartSearch);
    app.update(Action::EditSearch(InputRequest::InsertChar('\x1b')));
    assert_eq!(app.list().input.value(), "");
    app.update(Action::Paste("欧阳\n明远\x1b".into()));
    assert_eq!(app.list().input.value(), "欧阳 明远");
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut app = app(Lang::Zh);
    app.update(Action::CycleSort);
    assert_eq!(app.list().sort, Some(cadres::Col::Name.position()));
    let names = column(&app, cadres::Col::Name.position());
    let keys: Vec<_> = rows(&app).iter().map(|r| r.cells[0].sort.clone()).collect();
    assert!(keys.windows(2).all(|w| w[0].compare(&w[1]).is_le()), "by pinyin");
    app.update(Action::ReverseSort);
    let mut reversed = column(&app, cadres::Col::Name.position());
    reversed.reverse();
    assert_eq!(reversed.first(), names.first());
    // Age (a number) sorts by value.
    app.update(Action::SortBy(2));
    let ages: Vec<i64> = column(&app, 2).iter().map(|a| a.parse().unwrap()).collect();
    assert!(ages.windows(2).all(|w| w[0] <= w[1]));
    app.update(Action::SortBy(2));
    assert!(app.list().reverse, "clicking the sorted header reverses");
    app.update(Action::SortBy(cadres::Col::ALL.len() - 1));
    app.update(Action::CycleSort);
    assert_eq!(app.list().sort, None, "cycling goes back to the natural order");
}

#[test]
fn review_filters_match_the_header_counts() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Reviews));
    let statuses = |app: &App| -> Vec<ReviewStatus> { rows(app).iter().map(|r| r.tags.status.unwrap()).collect() };
    assert!(statuses(&app).iter().all(|s| !matches!(s, ReviewStatus::Done | ReviewStatus::Cancelled)));
    assert_eq!(statuses(&app)[0], ReviewStatus::Overdue, "by due date: overdue first");
    for (i, status) in [ReviewStatus::Overdue, ReviewStatus::DueToday, ReviewStatus::DueSoon].into_iter().enumerate() {
        app.update(Action::CycleStatus);
        assert!(statuses(&app).iter().all(|s| *s == status));
        assert_eq!(app.list().visible.len(), app.counts[i], "{status:?}");
    }
    app.update(Action::ClearFilters);
    app.update(Action::CycleKind);
    let kinds: Vec<_> = rows(&app).iter().map(|r| r.tags.kind).collect();
    assert!(kinds.iter().all(|k| *k == Some(crate::domain::ReviewKind::Routine)));
    app.update(Action::CycleDistrict);
    let district = app.list().filters.district;
    assert!(rows(&app).iter().all(|r| r.tags.district == district));
    app.update(Action::ClearFilters);
    app.update(Action::CycleBatch);
    let batch = app.list().filters.batch;
    assert!(batch.is_some() && rows(&app).iter().all(|r| r.tags.batch == batch));
}

#[test]
fn the_status_cell_says_how_late() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Reviews));
    assert_eq!(column(&app, reviews::Col::Status.position())[0], "!逾期 300天");
    let mut app = self::app(Lang::En);
    app.update(Action::GoTab(Tab::Reviews));
    assert_eq!(column(&app, reviews::Col::Status.position())[0], "! 300d overdue");
}

#[test]
fn enter_opens_the_dossier_and_p_jumps_to_the_partner() {
    let mut app = app(Lang::Zh);
    type_search(&mut app, "qiuzhiyuan");
    app.update(Action::KeepSearch);
    app.update(Action::Open);
    assert_eq!(app.mode, Mode::Dossier);
    let doc = &app.dossier.as_ref().unwrap().doc;
    assert_eq!(doc.name, "邱志远");
    let text: String = doc.head.iter().map(|l| l.text()).collect::<Vec<_>>().join("\n");
    assert!(text.contains("劳海峰"), "the partner is named: {text}");
    assert!(doc.reviews.iter().any(|l| l.text().contains("优秀")));
    assert!(doc.rest.iter().any(|l| l.text().contains("已任用")), "reserve status");
    app.update(Action::Partner);
    assert_eq!(app.dossier.as_ref().unwrap().doc.name, "劳海峰");
    app.update(Action::Partner);
    assert_eq!(app.dossier.as_ref().unwrap().doc.name, "邱志远");
    app.update(Action::Back);
    assert_eq!(app.dossier.as_ref().unwrap().doc.name, "劳海峰");
    app.update(Action::Back);
    app.update(Action::Back);
    assert_eq!(app.mode, Mode::List);
    assert!(app.dossier.is_none());
}

#[test]
fn unpaired_secondments_are_listed_with_a_warning() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Pairs));
    let mirror = super::view::pairs::Col::Mirror.position();
    let shown = column(&app, mirror);
    assert_eq!(shown.len(), 33, "32 pairs and one secondment without a partner");
    assert_eq!(shown.last().unwrap(), "! 未配对");
    assert!(shown.iter().any(|m| m == "! 单位不对应"));
}

#[test]
fn the_rule_proposes_reserve_candidates_before_the_nominations() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Reserve));
    let data = Store::open(demo_path(), Access::ReadOnly).unwrap().load().unwrap();
    let status = column(&app, super::view::reserve::Col::Status.position());
    let names = column(&app, 0);
    let proposed: Vec<&String> = names.iter().zip(&status).filter(|(_, s)| *s == "规则建议").map(|(n, _)| n).collect();
    assert!(!proposed.is_empty());
    assert!(status[..proposed.len()].iter().all(|s| s == "规则建议"), "proposals first");
    assert_eq!(names.len(), proposed.len() + data.nominations.len());
    // Nobody already nominated is proposed again.
    for name in proposed {
        let cadre = data.cadres.iter().find(|c| c.name == *name).unwrap();
        assert!(!data.nominations.iter().any(|n| n.cadre_id == cadre.id));
    }
}

#[test]
fn navigation_stays_in_range() {
    let mut app = app(Lang::Zh);
    app.update(Action::Up);
    assert_eq!(app.list().selected, 0);
    app.update(Action::Bottom);
    assert_eq!(app.list().selected, 64);
    app.update(Action::Down);
    assert_eq!(app.list().selected, 64);
    app.update(Action::PageUp);
    app.update(Action::Top);
    assert_eq!(app.list().selected, 0);
    app.update(Action::NextTab);
    assert_eq!(app.tab, Tab::Pairs);
    app.update(Action::PrevTab);
    app.update(Action::PrevTab);
    assert_eq!(app.tab, Tab::Units);
}

#[test]
fn clicks_use_the_last_frame() {
    let mut app = app(Lang::Zh);
    let frame = FrameInfo {
        tabs: vec![(ratatui::layout::Rect::new(10, 1, 8, 1), Tab::Reviews)],
        body: ratatui::layout::Rect::new(1, 4, 78, 18),
        header_y: Some(3),
        header: vec![(1, 9, 0), (10, 15, 2)],
        page: 18,
        ..FrameInfo::default()
    };
    app.update(Action::Frame(frame));
    let click = |x, y| {
        Event::Mouse(ratatui::crossterm::event::MouseEvent {
            kind: ratatui::crossterm::event::MouseEventKind::Down(ratatui::crossterm::event::MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    let action = map_event(&app, &click(5, 6)).unwrap();
    assert!(matches!(action, Action::ClickRow(2)));
    app.update(action);
    assert_eq!(app.list().selected, 2);
    assert!(matches!(map_event(&app, &click(12, 3)), Some(Action::SortBy(2))));
    assert!(matches!(map_event(&app, &click(12, 1)), Some(Action::GoTab(Tab::Reviews))));
    assert!(map_event(&app, &click(79, 0)).is_none());
}

#[test]
fn a_reload_keeps_search_and_selection() {
    let mut app = app(Lang::Zh);
    type_search(&mut app, "oy");
    app.update(Action::KeepSearch);
    app.update(Action::Down);
    let selected = app.list().selected_row();
    app.update(Action::Reload);
    assert_eq!(app.list().selected_row(), selected);
    assert_eq!(app.list().input.value(), "oy");
}

#[test]
fn a_new_day_changes_the_statuses() {
    let before = app(Lang::Zh).counts;
    let mut app = app(Lang::Zh);
    let later = parse_date("2026-11-28").unwrap();
    let first = crate::runner::first_screen(&app.store, later).unwrap();
    app.update(Action::Load(Box::new(first)));
    assert_eq!(app.today, later);
    assert!(app.counts[0] > before[0], "the review due on the 27th is now overdue");
}

#[test]
fn enter_on_a_batch_shows_its_reviews() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Overview));
    app.update(Action::Down);
    // Newest first: the second row is the second newest batch.
    let batch = app.catalogs.batches[app.catalogs.batches.len() - 2].batch.id;
    let action = map_event(&app, &key(KeyCode::Enter)).unwrap();
    assert!(matches!(action, Action::BatchReviews));
    app.update(action);
    assert_eq!(app.tab, Tab::Reviews);
    assert_eq!(app.list().filters.batch, Some(batch));
    assert!(!app.list().visible.is_empty());
    assert!(rows(&app).iter().all(|r| r.tags.batch == Some(batch)));
}
