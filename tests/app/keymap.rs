//! Remapped keys (a settings file's `[keys]`): the key bar, the `?` help and the key handling
//! all read the map, so a remapped key works and shows wherever the table's key did.

use crate::common::Live;
use guazhi::app::keys::{map_event, KeyMap, Remap};
use guazhi::app::{Action, Display};
use guazhi::lang::Lang;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn remapped() -> KeyMap {
    let remap =
        |name: &str, keys: &[&str]| Remap { name: name.into(), keys: keys.iter().map(|k| k.to_string()).collect() };
    KeyMap::remapped(&[remap("search", &["F"]), remap("help", &["F1"]), remap("down", &["J", "Down"])]).unwrap()
}

fn live(lang: Lang) -> Live {
    Live::demo(Display { db_name: "demo.db".into(), keys: remapped(), ..Display::new(lang) })
}

fn press(app: &Live, ch: char) -> Option<Action> {
    map_event(app, &Event::Key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE)))
}

#[test]
fn the_key_bar_shows_the_remapped_keys() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = live(lang);
        let screen = app.rows(120, 30);
        let bar = screen.last().unwrap();
        let (search, help) = if lang == Lang::En { ("search", "help") } else { ("搜索", "帮助") };
        assert!(bar.contains(&format!(" F {search} ")), "{bar}");
        assert!(bar.contains(&format!(" F1 {help} ")), "{bar}");
        assert!(!bar.contains(&format!("/ {search}")) && !bar.contains(&format!("? {help}")), "{bar}");
    }
}

#[test]
fn a_narrow_bar_keeps_the_remapped_help_key() {
    let mut app = live(Lang::En);
    let screen = app.rows(64, 24);
    assert!(screen.last().unwrap().contains("F1 help"), "{:?}", screen.last());
}

#[test]
fn the_help_lists_the_remapped_keys() {
    let mut app = live(Lang::En);
    app.update(Action::OpenHelp);
    let help: Vec<String> = guazhi::ui::help::help_lines(&app)
        .iter()
        .map(|l| l.spans.iter().map(|(s, _)| s.as_str()).collect::<String>())
        .collect();
    let line = |what: &str| help.iter().find(|l| l.trim_end().ends_with(what) && l.starts_with("  ")).cloned();
    assert!(line("search").is_some_and(|l| l.trim_start().starts_with("F ")), "{:?}", line("search"));
    assert!(line("next row").is_some_and(|l| l.trim_start().starts_with("J / ↓")), "{:?}", line("next row"));
    assert!(line("help").is_some_and(|l| l.trim_start().starts_with("F1 ")), "{:?}", line("help"));
    assert!(!help.iter().any(|l| l.trim_start().starts_with("j / ↓")), "j is no longer `down`");
    // The popup on screen shows them too.
    let screen = app.rows(100, 50).join("\n");
    assert!(screen.contains("F1") && screen.contains("J / ↓"), "{screen}");
}

#[test]
fn remapped_keys_work_and_the_old_ones_do_not() {
    let app = live(Lang::En);
    assert!(matches!(press(&app, 'F'), Some(Action::StartSearch)));
    assert!(press(&app, '/').is_none());
    assert!(matches!(press(&app, 'J'), Some(Action::Down)));
    assert!(press(&app, 'j').is_none());
    let f1 = Event::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
    assert!(matches!(map_event(&app, &f1), Some(Action::OpenHelp)));
}

#[test]
fn in_the_search_a_remapped_letter_types_itself() {
    let mut app = live(Lang::En);
    app.update(Action::StartSearch);
    assert!(matches!(press(&app, 'J'), Some(Action::EditSearch(_))), "J is typed, not `down`");
    let down = Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    assert!(matches!(map_event(&app, &down), Some(Action::Down)));
}
