//! The app on a real store over a temporary copy of the demo database, driven by key events
//! through the key table (`keys::map_event`) and the same driver the terminal loop uses.
#![allow(dead_code)]

pub mod check;
pub mod invalid;

use guazhi::app::keys::map_event;
use guazhi::app::{Action, App, Display, Effect, FrameInfo};
use guazhi::draft::Slot;
use guazhi::lang::Lang;
use guazhi::runner::{step, Session};
use guazhi::store::{Access, Actor, Store};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

pub const TODAY: &str = "2026-11-27";

pub fn today() -> chrono::NaiveDate {
    guazhi::domain::dates::parse_date(TODAY).unwrap()
}

pub struct Rig {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub app: App,
    pub slot: Slot,
}

impl Rig {
    /// A fresh demo database (the content of sample.db) and the app on it, English labels.
    pub fn new() -> Rig {
        Rig::with(Lang::En, Access::Auto)
    }

    pub fn with(lang: Lang, access: Access) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        guazhi::sample::generate(Store::init(&path).unwrap(), 0).unwrap();
        let mut store = Store::open(&path, access).unwrap();
        store.pin_today(today());
        let opts = Display {
            db_name: "demo.db".into(),
            read_only: store.read_only_reason().map(|why| why.get(lang).to_string()),
            ..Display::new(lang)
        };
        let app = guazhi::runner::open(&mut store, today(), opts).unwrap();
        let slot = Slot::in_dir(&dir.path().join("state"), &path);
        Rig { dir, path, store, app, slot }
    }

    /// Tells the app the screen is `page` rows tall (the window holds what it shows).
    pub fn page(&mut self, page: usize) {
        self.act(Action::Frame(FrameInfo { page, ..FrameInfo::default() }));
    }

    /// Applies an action the way the terminal loop does (store work included; lists built at once).
    pub fn act(&mut self, action: Action) -> Effect {
        let mut s = Session { store: &mut self.store, today: today(), drafts: Some(&self.slot), builder: None };
        step(&mut self.app, &mut s, action).expect("step")
    }

    pub fn event(&mut self, ev: Event) {
        if let Some(action) = map_event(&self.app, &ev) {
            self.act(action);
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.event(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    }

    /// Types `text` one key at a time (`\t` is Tab, `\r` is Enter).
    pub fn keys(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\t' => self.key(KeyCode::Tab),
                '\r' => self.key(KeyCode::Enter),
                c => self.key(KeyCode::Char(c)),
            }
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.event(Event::Paste(text.into()));
    }

    /// Searches the current tab (replacing an earlier search) and keeps the search (Enter).
    pub fn find(&mut self, text: &str) {
        self.act(Action::ClearSearch);
        self.keys("/");
        self.keys(text);
        self.key(KeyCode::Enter);
    }

    /// A raw connection for checking what is stored (like a colleague's sqlite3 shell).
    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }

    pub fn one<T: rusqlite::types::FromSql>(&self, sql: &str) -> T {
        self.raw().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.one(sql)
    }

    /// The form's field message (error, else notice).
    pub fn message(&self, key: &str) -> String {
        let form = self.app.form.as_ref().expect("a form is open");
        let f = form.get(key).unwrap_or_else(|| panic!("no field {key}"));
        f.error.clone().or_else(|| f.notice.clone()).unwrap_or_default()
    }

    pub fn set(&mut self, key: &str, value: &str) {
        assert!(self.app.form.as_mut().expect("a form").set(key, value), "no field {key}");
    }

    /// The screen drawn at `w`×`h`, rows as text (wide characters once, trailing blanks cut).
    pub fn screen(&mut self, w: u16, h: u16) -> String {
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        guazhi::tui::draw(&mut terminal, &mut self.app).unwrap();
        let rows = crate::common::buffer_rows(terminal.backend().buffer());
        rows.iter().map(|r| r.trim_end()).collect::<Vec<_>>().join(
            "
",
        )
    }

    pub fn status(&self) -> String {
        self.app.status.as_ref().map(|(_, s)| s.clone()).unwrap_or_default()
    }
}

/// The OS account the audit trail must name.
pub fn me() -> String {
    Actor::current().user
}
