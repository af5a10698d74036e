//! Random keys, mouse events, pastes and resizes at random sizes from 0×0 to 200×60, through
//! the same path as the real loop (`keys::map_event`, `App::update`, `tui::draw`): never a
//! panic, and the state stays consistent.

use crate::common;

use common::Live;
use guazhi::app::keys::map_event;
use guazhi::app::Display;
use guazhi::lang::Lang;
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;

#[derive(Debug, Clone)]
enum Input {
    Event(Event),
    Resize(u16, u16),
}

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        6 => proptest::sample::select("jkgGsSrqfFtbdxpRnN?/12345 ".chars().collect::<Vec<_>>()).prop_map(KeyCode::Char),
        2 => proptest::sample::select(vec!['欧', '阳', 'o', 'y', 'm', '\u{1b}', '\u{7}', 'é']).prop_map(KeyCode::Char),
        4 => proptest::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Null,
            KeyCode::F(1),
        ]),
    ]
}

fn modifiers() -> impl Strategy<Value = KeyModifiers> {
    prop_oneof![
        8 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::SHIFT),
        1 => Just(KeyModifiers::CONTROL),
        1 => Just(KeyModifiers::ALT),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    let key = (key_code(), modifiers())
        .prop_filter("no Ctrl-C (it quits)", |(c, m)| !(*c == KeyCode::Char('c') && m.contains(KeyModifiers::CONTROL)));
    let mouse_kind = prop_oneof![
        Just(MouseEventKind::ScrollUp),
        Just(MouseEventKind::ScrollDown),
        Just(MouseEventKind::Down(MouseButton::Left)),
        Just(MouseEventKind::Down(MouseButton::Right)),
        Just(MouseEventKind::Moved),
    ];
    prop_oneof![
        10 => key.prop_map(|(code, mods)| Input::Event(Event::Key(KeyEvent::new(code, mods)))),
        3 => (mouse_kind, 0u16..210, 0u16..70).prop_map(|(kind, column, row)| {
            Input::Event(Event::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }))
        }),
        1 => "[a-z欧阳\\n\\t\\x1b]{0,12}".prop_map(|s| Input::Event(Event::Paste(s))),
        2 => (0u16..=200, 0u16..=60).prop_map(|(w, h)| Input::Resize(w, h)),
    ]
}

fn run(lang: Lang, ascii: bool, size: (u16, u16), inputs: &[Input]) {
    let opts = Display { ascii, color: !ascii, db_name: "demo.db".into(), ..Display::new(lang) };
    let mut app = Live::demo(opts);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    app.draw(&mut terminal);
    for input in inputs {
        match input {
            Input::Resize(w, h) => {
                terminal.backend_mut().resize(*w, *h);
                if let Some(action) = map_event(&app, &Event::Resize(*w, *h)) {
                    app.update(action);
                }
            }
            Input::Event(ev) => {
                if let Some(action) = map_event(&app, ev) {
                    app.update(action);
                }
            }
        }
        app.draw(&mut terminal);
        let list = app.list();
        assert!(list.visible.is_empty() || list.selected < list.visible.len());
        let area = terminal.backend().buffer().area;
        if let Some(p) = terminal.backend().cursor_visible().then(|| terminal.backend().cursor_position()) {
            assert!(p.x < area.width.max(1) && p.y < area.height.max(1), "cursor {p:?} off {area:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_input_at_random_sizes_never_panics(
        zh in any::<bool>(),
        ascii in any::<bool>(),
        size in (0u16..=200, 0u16..=60),
        inputs in proptest::collection::vec(input(), 1..80),
    ) {
        run(if zh { Lang::Zh } else { Lang::En }, ascii, size, &inputs);
    }
}

#[test]
fn rapid_resizes_through_every_size_class() {
    let mut inputs = vec![Input::Event(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)))];
    for (w, h) in
        [(0, 0), (200, 60), (1, 60), (200, 1), (59, 15), (60, 14), (60, 15), (80, 24), (0, 24), (140, 40), (3, 3)]
    {
        inputs.push(Input::Resize(w, h));
    }
    inputs.push(Input::Event(Event::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE))));
    inputs.extend([(200, 60), (0, 0), (61, 16)].map(|(w, h)| Input::Resize(w, h)));
    run(Lang::Zh, false, (80, 24), &inputs);
}
