//! Shared test fixtures: demo databases in temporary folders.
#![allow(dead_code)]

use guazhi::store::{Access, Store};
use ratatui::buffer::Buffer;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// A fresh demo database (the same content as the committed sample.db) in `dir`.
pub fn demo_db(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    guazhi::sample::generate(Store::init(&path).expect("init"), 0).expect("sample");
    path
}

/// The store on `path`, judging dates as of the demo's day (2026-11-27) like the screens.
pub fn open(path: &Path) -> Store {
    let mut store = Store::open(path, Access::Auto).expect("open");
    store.pin_today(date(guazhi::sample::AS_OF));
    store
}

pub fn date(s: &str) -> chrono::NaiveDate {
    guazhi::domain::dates::parse_date(s).unwrap()
}

/// A raw connection that bypasses the program, like a colleague's sqlite3 shell.
pub fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw open")
}

/// How to run a command as an account that cannot write the test's files: `nobody` via
/// `setpriv` when root, else the current user; `None` (the test is skipped) when root has
/// no `setpriv`, or `nobody` cannot run the binary.
pub fn as_other_user() -> Option<Vec<OsString>> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Some(Vec::new());
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).exists())?;
    let via: Vec<OsString> =
        [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"].into_iter().map(OsString::from).collect();
    // `nobody` must be able to run the binary where it was built (not under a 0700 home).
    let runs = std::process::Command::new(&via[0])
        .args(&via[1..])
        .arg(env!("CARGO_BIN_EXE_guazhi"))
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    runs.then_some(via)
}

/// A demo database generated once per test run, to copy from.
pub fn demo_template() -> &'static Path {
    static DEMO: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = demo_db(dir.path());
        (dir, path)
    });
    path
}

/// The app on a database with the effect runner at hand, as the terminal loop drives it (every
/// list built at once instead of in the background): `update` carries out what the app asks.
pub struct Live {
    pub app: guazhi::app::App,
    pub store: Store,
    pub today: chrono::NaiveDate,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for Live {
    type Target = guazhi::app::App;
    fn deref(&self) -> &guazhi::app::App {
        &self.app
    }
}

impl std::ops::DerefMut for Live {
    fn deref_mut(&mut self) -> &mut guazhi::app::App {
        &mut self.app
    }
}

impl Live {
    /// The app on `path` for `today` (read-only unless the file is writable and `write` is set).
    pub fn open(path: &Path, today: chrono::NaiveDate, opts: guazhi::app::Display) -> Live {
        let mut store = Store::open(path, Access::Auto).expect("open");
        let app = guazhi::runner::open(&mut store, today, opts).expect("open the app");
        Live { app, store, today, _dir: None }
    }

    /// The app on a fresh copy of the demo database, for 2026-11-27.
    pub fn demo(opts: guazhi::app::Display) -> Live {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        std::fs::copy(demo_template(), &path).unwrap();
        let mut live = Live::open(&path, date("2026-11-27"), opts);
        live._dir = Some(dir);
        live
    }

    /// An app and the store it was opened on.
    pub fn from(app: guazhi::app::App, store: Store, today: chrono::NaiveDate) -> Live {
        Live { app, store, today, _dir: None }
    }

    /// Applies an action and carries out what it asks, as the terminal loop does.
    pub fn update(&mut self, action: guazhi::app::Action) -> guazhi::app::Effect {
        self.try_update(action).expect("step")
    }

    /// `update`, a failed read returned.
    pub fn try_update(&mut self, action: guazhi::app::Action) -> guazhi::store::Result<guazhi::app::Effect> {
        let mut s = guazhi::runner::Session { store: &mut self.store, today: self.today, drafts: None, builder: None };
        guazhi::runner::step(&mut self.app, &mut s, action)
    }

    /// The screen drawn at `w`×`h` (as `draw` does), each row as text.
    pub fn rows(&mut self, w: u16, h: u16) -> Vec<String> {
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        self.draw(&mut terminal);
        buffer_rows(terminal.backend().buffer())
    }

    /// Draws, reads what the frame showed the screen needs (the window), and draws again.
    pub fn draw<B: ratatui::backend::Backend>(&mut self, terminal: &mut ratatui::Terminal<B>) {
        guazhi::tui::draw(terminal, &mut self.app).map_err(|_| ()).expect("draw");
        self.update(guazhi::app::Action::Redraw);
        guazhi::tui::draw(terminal, &mut self.app).map_err(|_| ()).expect("draw");
    }
}

/// One row of a drawn buffer: its visible characters and the column each starts at (a wide
/// character once, not with the blank cell after it).
pub fn row_chars(buf: &Buffer, y: u16) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut skip = 0;
    for x in 0..buf.area.width {
        let symbol = buf[(x, y)].symbol();
        if skip == 0 {
            out.push((x, symbol.to_string()));
        }
        skip = skip.max(unicode_width::UnicodeWidthStr::width(symbol)).saturating_sub(1);
    }
    out
}

/// Each row of a drawn buffer as text (wide characters once).
pub fn buffer_rows(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height).map(|y| row_chars(buf, y).into_iter().map(|(_, s)| s).collect()).collect()
}
