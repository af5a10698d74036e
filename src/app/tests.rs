//! State tests: the app built on the demo database with a fixed date, driven by actions.

use super::keys::map_event;
use super::view::{cadres, reviews};
use super::*;
use crate::domain::dates::parse_date;
use crate::store::{Access, Store};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::sync::OnceLock;
use tui_input::InputRequest;

fn today() -> NaiveDate {
    parse_date("2026-11-27").unwrap()
}

/// The demo database read once (for 2026-11-27), with the store's own attention counts.
fn demo() -> Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        crate::sample::generate(Store::init(&path).unwrap(), 0).unwrap();
        let store = Store::open(&path, Access::ReadOnly).unwrap();
        crate::tui::snapshot(&store, today()).unwrap()
    })
    .clone()
}

fn app(lang: Lang) -> App {
    App::new(demo(), Display::new(lang))
}

fn type_search(app: &mut App, text: &str) {
    app.update(Action::StartSearch);
    for c in text.chars() {
        app.update(Action::EditSearch(InputRequest::InsertChar(c)));
    }
}

/// The text of column `col` of the rows left on the current tab.
fn column(app: &App, col: usize) -> Vec<String> {
    let table = app.table(app.tab);
    app.list().visible.iter().map(|&i| table.rows[i].cells[col].text.clone()).collect()
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn header_counts_are_the_stores_and_the_rule_agrees() {
    let snap = demo();
    assert_eq!(Snapshot::from_data(snap.data.clone(), snap.today).counts, snap.counts);
    assert!(snap.counts[0] > 0, "the demo has overdue reviews");
}

#[test]
fn pinyin_initials_find_a_demo_cadre() {
    let mut app = app(Lang::Zh);
    type_search(&mut app, "oymy");
    assert_eq!(app.mode, Mode::Search);
    assert_eq!(column(&app, cadres::NAME), ["欧阳明远"]);
    app.update(Action::KeepSearch);
    assert_eq!(app.mode, Mode::List);
    assert_eq!(column(&app, cadres::NAME), ["欧阳明远"], "Enter keeps the filter");
    app.update(Action::ClearSearch);
    assert_eq!(app.list().visible.len(), app.data.cadres.len(), "Esc clears it");
}

#[test]
fn full_and_mixed_pinyin_and_characters_match() {
    for q in ["ouyangmingyuan", "ouyangmy", "欧阳明", "OYMY"] {
        let mut app = app(Lang::En);
        type_search(&mut app, q);
        assert_eq!(column(&app, cadres::NAME).first().map(String::as_str), Some("欧阳明远"), "{q}");
    }
    let mut app = app(Lang::Zh);
    type_search(&mut app, "狮山");
    assert!(!app.list().visible.is_empty());
    let table = app.table(Tab::Cadres);
    for &i in &app.list().visible {
        let row: String = table.rows[i].cells.iter().map(|c| c.text.as_str()).collect();
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
    assert_eq!(app.list().sort, Some(cadres::NAME));
    let names = column(&app, cadres::NAME);
    let keys: Vec<_> = app.list().visible.iter().map(|&i| app.views.cadres.rows[i].cells[0].sort.clone()).collect();
    assert!(keys.windows(2).all(|w| w[0].compare(&w[1]).is_le()), "by pinyin");
    app.update(Action::ReverseSort);
    let mut reversed = column(&app, cadres::NAME);
    reversed.reverse();
    assert_eq!(reversed.first(), names.first());
    // Age (a number) sorts by value.
    app.update(Action::SortBy(2));
    let ages: Vec<i64> = column(&app, 2).iter().map(|a| a.parse().unwrap()).collect();
    assert!(ages.windows(2).all(|w| w[0] <= w[1]));
    app.update(Action::SortBy(2));
    assert!(app.list().reverse, "clicking the sorted header reverses");
    app.update(Action::SortBy(app.views.cadres.columns.len() - 1));
    app.update(Action::CycleSort);
    assert_eq!(app.list().sort, None, "cycling goes back to the natural order");
}

#[test]
fn review_filters_match_the_header_counts() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Reviews));
    let statuses = |app: &App| -> Vec<ReviewStatus> {
        app.list().visible.iter().map(|&i| app.views.reviews.rows[i].tags.status.unwrap()).collect()
    };
    assert!(statuses(&app).iter().all(|s| !matches!(s, ReviewStatus::Done | ReviewStatus::Cancelled)));
    assert_eq!(statuses(&app)[0], ReviewStatus::Overdue, "by due date: overdue first");
    for (i, status) in [ReviewStatus::Overdue, ReviewStatus::DueToday, ReviewStatus::DueSoon].into_iter().enumerate() {
        app.update(Action::CycleStatus);
        assert!(statuses(&app).iter().all(|s| *s == status));
        assert_eq!(app.list().visible.len(), app.counts[i], "{status:?}");
    }
    app.update(Action::ClearFilters);
    app.update(Action::CycleKind);
    let kinds: Vec<_> = app.list().visible.iter().map(|&i| app.views.reviews.rows[i].tags.kind).collect();
    assert!(kinds.iter().all(|k| *k == Some(crate::domain::ReviewKind::Routine)));
    app.update(Action::CycleDistrict);
    let district = app.list().filters.district;
    assert!(app.list().visible.iter().all(|&i| app.views.reviews.rows[i].tags.district == district));
    app.update(Action::ClearFilters);
    app.update(Action::CycleBatch);
    let batch = app.list().filters.batch;
    assert!(batch.is_some() && app.list().visible.iter().all(|&i| app.views.reviews.rows[i].tags.batch == batch));
}

#[test]
fn the_status_cell_says_how_late() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Reviews));
    assert_eq!(column(&app, reviews::STATUS)[0], "!逾期 300天");
    let mut app = self::app(Lang::En);
    app.update(Action::GoTab(Tab::Reviews));
    assert_eq!(column(&app, reviews::STATUS)[0], "! 300d overdue");
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
    let app = app(Lang::Zh);
    let table = &app.views.pairs;
    assert_eq!(table.rows.len(), app.data.pairs.len() + 1);
    let last = table.rows.last().unwrap();
    assert_eq!(last.cells[cadres_col_mirror()].text, "! 未配对");
    assert!(table.rows.iter().any(|r| r.cells[cadres_col_mirror()].text == "! 单位不对应"));
}

fn cadres_col_mirror() -> usize {
    super::view::pairs::MIRROR
}

#[test]
fn the_rule_proposes_reserve_candidates_before_the_nominations() {
    let app = app(Lang::Zh);
    let table = &app.views.reserve;
    let proposed: Vec<&str> = table
        .rows
        .iter()
        .filter(|r| r.cells[super::view::reserve::STATUS].text == "规则建议")
        .map(|r| r.cells[0].text.as_str())
        .collect();
    assert!(!proposed.is_empty());
    assert_eq!(table.rows.len(), proposed.len() + app.data.nominations.len());
    // Nobody already nominated is proposed again.
    for name in proposed {
        let cadre = app.data.cadres.iter().find(|c| c.name == name).unwrap();
        assert!(!app.data.nominations.iter().any(|n| n.cadre_id == cadre.id));
    }
}

#[test]
fn navigation_stays_in_range() {
    let mut app = app(Lang::Zh);
    app.update(Action::Up);
    assert_eq!(app.list().selected, 0);
    app.update(Action::Bottom);
    assert_eq!(app.list().selected, app.data.cadres.len() - 1);
    app.update(Action::Down);
    assert_eq!(app.list().selected, app.data.cadres.len() - 1);
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
    app.update(Action::Load(Box::new(demo())));
    assert_eq!(app.list().selected_row(), selected);
    assert_eq!(app.list().input.value(), "oy");
}

#[test]
fn a_new_day_changes_the_statuses() {
    let mut app = app(Lang::Zh);
    let mut later = demo();
    later.today = parse_date("2026-11-28").unwrap();
    later = Snapshot::from_data(later.data, later.today);
    app.update(Action::Load(Box::new(later)));
    assert_eq!(app.today, parse_date("2026-11-28").unwrap());
    assert!(app.counts[0] > demo().counts[0], "the review due on the 27th is now overdue");
}

#[test]
fn enter_on_a_batch_shows_its_reviews() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Overview));
    app.update(Action::Down);
    let batch = app.data.batches[1].id;
    let action = map_event(&app, &key(KeyCode::Enter)).unwrap();
    assert!(matches!(action, Action::BatchReviews));
    app.update(action);
    assert_eq!(app.tab, Tab::Reviews);
    assert_eq!(app.list().filters.batch, Some(batch));
    assert!(!app.list().visible.is_empty());
    assert!(app.list().visible.iter().all(|&i| app.views.reviews.rows[i].tags.batch == Some(batch)));
}
