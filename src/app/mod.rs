//! The application state and `App::update`, the only place it changes. No terminal I/O: the
//! loop in `tui` turns events into actions (`keys::map_event`) and carries out the effects;
//! tests build an `App` with a fixed date and apply actions.

mod action;
pub mod keys;
pub mod list;
mod update;
pub mod view;

pub use action::{Action, Effect, FrameInfo, Tab};
pub use list::{ListState, StatusFilter};

use crate::cli::Lang;
use crate::domain::review::ReviewStatus;
use crate::store::Data;
use chrono::NaiveDate;
use view::{Dossier, Index, Lookup, Table, Views};

/// How the screens are shown; fixed for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub lang: Lang,
    /// Plain ASCII borders and symbols.
    pub ascii: bool,
    /// False under `NO_COLOR`: meaning is carried by words, bold and reverse video.
    pub color: bool,
    /// The database's file name (never an absolute path: snapshots must not depend on it).
    pub db_name: String,
    /// Why the database is read-only, if it is.
    pub read_only: Option<String>,
}

impl Options {
    pub fn new(lang: Lang) -> Options {
        Options { lang, ascii: false, color: true, db_name: String::new(), read_only: None }
    }
}

/// One reading of the database for one day.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub data: Data,
    pub today: NaiveDate,
    /// Overdue, due today, due soon: `Store::attention_counts`.
    pub counts: [usize; 3],
}

impl Snapshot {
    /// Counts the attention reviews from `data` with the rule `Store::attention_counts` uses.
    pub fn from_data(data: Data, today: NaiveDate) -> Snapshot {
        let mut counts = [0; 3];
        for r in &data.reviews {
            match r.status(today, data.policy.due_soon_days) {
                ReviewStatus::Overdue => counts[0] += 1,
                ReviewStatus::DueToday => counts[1] += 1,
                ReviewStatus::DueSoon => counts[2] += 1,
                _ => {}
            }
        }
        Snapshot { data, today, counts }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    List,
    /// Typing a search: keys go to the input.
    Search,
    Dossier,
}

#[derive(Debug, Clone)]
pub struct DossierState {
    pub doc: Dossier,
    pub scroll: usize,
    /// Dossiers to go back to (the partner key pushes).
    pub back: Vec<i64>,
}

pub struct App {
    pub opts: Options,
    pub today: NaiveDate,
    pub counts: [usize; 3],
    pub data: Data,
    pub index: Index,
    pub views: Views,
    pub tab: Tab,
    pub lists: [ListState; 5],
    pub mode: Mode,
    /// The help popup's scroll, when it is open.
    pub help: Option<usize>,
    pub dossier: Option<DossierState>,
    pub frame: FrameInfo,
}

impl App {
    pub fn new(snapshot: Snapshot, opts: Options) -> App {
        let mut app = App {
            opts,
            today: snapshot.today,
            counts: snapshot.counts,
            data: Data::default(),
            index: Index::default(),
            views: Views::default(),
            tab: Tab::Cadres,
            lists: Default::default(),
            mode: Mode::List,
            help: None,
            dossier: None,
            frame: FrameInfo::default(),
        };
        app.load(snapshot);
        app
    }

    /// Takes in fresh data, keeping tabs, searches, sorts, filters and selections.
    fn load(&mut self, snapshot: Snapshot) {
        self.today = snapshot.today;
        self.counts = snapshot.counts;
        self.data = snapshot.data;
        self.index = Index::new(&self.data);
        self.views = Views::build(&self.lookup());
        for tab in Tab::ALL {
            self.lists[tab.index()].refresh(self.views.table(tab));
        }
        if let Some(d) = &self.dossier {
            let (cadre, scroll, back) = (d.doc.cadre, d.scroll, d.back.clone());
            self.dossier = view::dossier(&self.lookup(), cadre).map(|doc| DossierState { doc, scroll, back });
            if self.dossier.is_none() {
                self.mode = Mode::List;
            }
        }
    }

    pub fn lookup(&self) -> Lookup<'_> {
        Lookup { data: &self.data, ix: &self.index, today: self.today, lang: self.opts.lang, ascii: self.opts.ascii }
    }

    /// The label in the session's language.
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        match self.opts.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The rows of a tab.
    pub fn table(&self, tab: Tab) -> &Table {
        self.views.table(tab)
    }

    pub fn list(&self) -> &ListState {
        &self.lists[self.tab.index()]
    }

    /// The cadre Enter would open on the current tab.
    pub fn selected_cadre(&self) -> Option<i64> {
        let row = self.list().selected_row()?;
        self.table(self.tab).rows.get(row)?.cadre
    }
}

#[cfg(test)]
mod tests;
