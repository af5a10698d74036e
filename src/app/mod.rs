//! The application state and `App::update`, the only place it changes. No terminal I/O: the
//! loop in `tui` turns events into actions (`keys::map_event`) and carries out the effects;
//! tests build an `App` with a fixed date and apply actions.

mod action;
pub mod catalog;
pub mod driver;
mod edit;
mod export;
mod flow;
pub mod form;
pub mod keys;
pub mod lean;
pub mod list;
pub mod operation;
pub mod popup;
mod reply;
mod update;
pub mod view;

pub use action::{Action, ConflictAct, DraftAct, Edit, Effect, FormAct, FrameInfo, PickAct, Tab};
pub use list::{ListState, StatusFilter};
pub use operation::{Failure, Operation, Outcome};

use crate::domain::review::ReviewStatus;
use crate::lang::Lang;
use crate::store::{Data, Store};
use catalog::Catalog;
use chrono::NaiveDate;
use form::Form;
use popup::Popup;
use std::collections::HashMap;
use std::sync::Arc;
use view::{Dossier, Index, Lookup, Rec, Table, Tone, Views};

/// How the screens are shown; fixed for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Display {
    pub lang: Lang,
    /// Plain ASCII borders and symbols.
    pub ascii: bool,
    /// False under `NO_COLOR`: meaning is carried by words, bold and reverse video.
    pub color: bool,
    /// The database's file name (never an absolute path: snapshots must not depend on it).
    pub db_name: String,
    /// Why the database is read-only, if it is.
    pub read_only: Option<String>,
    /// Every account on the server can read the file: the header warns.
    pub world_readable: bool,
}

impl Display {
    pub fn new(lang: Lang) -> Display {
        Display { lang, ascii: false, color: true, db_name: String::new(), read_only: None, world_readable: false }
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
    /// Reads the database for `today`: all records and the header's attention counts.
    /// One read transaction around all of it: a colleague's save that commits meanwhile shows
    /// wholly or not at all (not a secondment still serving next to its cancelled reviews).
    pub fn read(store: &Store, today: NaiveDate) -> crate::store::Result<Snapshot> {
        let tx = store.connection().unchecked_transaction()?;
        let snap = Snapshot { data: store.load()?, today, counts: store.attention_counts(today)? };
        tx.commit()?;
        Ok(snap)
    }

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
    pub opts: Display,
    pub today: NaiveDate,
    pub counts: [usize; 3],
    pub data: Data,
    pub index: Index,
    pub views: Views,
    pub tab: Tab,
    pub lists: [ListState; 6],
    pub mode: Mode,
    /// The help popup's scroll, when it is open.
    pub help: Option<usize>,
    pub dossier: Option<DossierState>,
    pub frame: FrameInfo,
    /// The open form (over the list or the dossier).
    pub form: Option<Form>,
    /// A question, a conflict, a history or a draft on offer: over everything else.
    pub popup: Option<Popup>,
    /// A one-line message in the footer until the next key (saved, undone, refused).
    pub status: Option<(Tone, String)>,
    /// What the store should do next (`Effect::Store`); the driver takes them.
    pub requests: Vec<popup::Request>,
    /// What the write under way does, in words, for the status line once it is done.
    saving: Option<String>,
    /// What to do once the data has been read again (reopen a form after a conflict, select
    /// a new record).
    after_load: Option<popup::AfterLoad>,
    /// A large database (see `lean`): the lists of `lean::LEAN_TABS` come from catalogs.
    pub lean: Option<lean::Lean>,
    pub catalogs: [Option<Arc<dyn Catalog>>; 6],
    /// Large mode: where each record's row is in `views` (which hold only the window's).
    by_rec: [HashMap<Rec, usize>; 6],
}

impl App {
    pub fn new(snapshot: Snapshot, opts: Display) -> App {
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
            form: None,
            popup: None,
            status: None,
            requests: Vec::new(),
            saving: None,
            after_load: None,
            lean: None,
            catalogs: Default::default(),
            by_rec: Default::default(),
        };
        app.load(snapshot);
        app
    }

    /// The screens of a large database: `first` is `lean::first_screen`'s reading.
    pub fn new_lean(snapshot: Snapshot, opts: Display, lean: lean::Lean, first: lean::Catalogs) -> App {
        let mut app =
            App::new(Snapshot { data: Data::default(), today: snapshot.today, counts: snapshot.counts }, opts);
        app.lean = Some(lean);
        app.catalogs[Tab::Cadres.index()] = Some(first.cadres);
        app.catalogs[Tab::Reviews.index()] = Some(first.reviews);
        app.data = snapshot.data;
        app.rebuild_views();
        for tab in Tab::ALL {
            app.refresh_tab(tab);
        }
        app
    }

    /// Takes in fresh data, keeping tabs, searches, sorts, filters and selections.
    fn load(&mut self, snapshot: Snapshot) {
        // Rows are found again by the record they show, not by position: a save can add rows
        // before the selected one (new reviews sort in by due date).
        let kept: Vec<Option<Rec>> = Tab::ALL.iter().map(|t| self.selected_rec(*t)).collect();
        self.today = snapshot.today;
        self.counts = snapshot.counts;
        self.data = snapshot.data;
        self.rebuild_views();
        if let Some(lean) = &mut self.lean {
            // A save: the catalogs are built again; until then the lists keep their order
            // (frozen, so the old catalogs' memory is free for the new ones).
            lean.stale = true;
            self.freeze_catalogs();
        }
        for tab in Tab::ALL {
            self.refresh_tab(tab);
            if let Some(rec) = kept[tab.index()] {
                self.select_rec(tab, rec);
            }
        }
        if let Some(next) = self.after_load.take() {
            self.after_load(next);
        }
    }

    /// Builds the views (and the dossier) again from `data`.
    fn rebuild_views(&mut self) {
        self.index = Index::new(&self.data);
        self.views = if self.lean.is_some() {
            Views::build_lean(&self.lookup(), self.tab)
        } else {
            Views::build(&self.lookup())
        };
        if self.lean.is_some() {
            for tab in Tab::ALL {
                let rows = &self.views.table(tab).rows;
                self.by_rec[tab.index()] = rows.iter().enumerate().filter_map(|(i, r)| Some((r.rec?, i))).collect();
            }
        }
        if let Some(d) = &self.dossier {
            let (cadre, scroll, back) = (d.doc.cadre, d.scroll, d.back.clone());
            self.dossier = view::dossier(&self.lookup(), cadre).map(|doc| DossierState { doc, scroll, back });
            if self.dossier.is_none() {
                self.mode = Mode::List;
            }
        }
    }

    /// Sorts, filters and searches `tab`'s list again (by its catalog in large mode).
    pub fn refresh_tab(&mut self, tab: Tab) {
        let list = &mut self.lists[tab.index()];
        match &self.catalogs[tab.index()] {
            Some(catalog) => list.refresh_from(catalog.as_ref()),
            None if self.lean.is_some() => list.visible.clear(),
            None => list.refresh(self.views.table(tab)),
        }
    }

    /// The row a list entry (`ListState::visible`) shows, when its cells are in memory.
    pub fn row(&self, tab: Tab, entry: usize) -> Option<&view::Row> {
        let rows = &self.table(tab).rows;
        match &self.catalogs[tab.index()] {
            Some(catalog) => rows.get(*self.by_rec[tab.index()].get(&catalog.rec(entry)?)?),
            None => rows.get(entry),
        }
    }

    /// How many records `tab` has in all (before filters).
    pub fn total(&self, tab: Tab) -> usize {
        match &self.catalogs[tab.index()] {
            Some(catalog) => catalog.len(),
            None => self.table(tab).rows.len(),
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
        match &self.catalogs[self.tab.index()] {
            Some(catalog) => catalog.cadre(row),
            None => self.table(self.tab).rows.get(row)?.cadre,
        }
    }

    /// The record of the selected row of `tab`.
    pub fn selected_rec(&self, tab: Tab) -> Option<Rec> {
        let row = self.lists[tab.index()].selected_row()?;
        match &self.catalogs[tab.index()] {
            Some(catalog) => catalog.rec(row),
            None => self.table(tab).rows.get(row)?.rec,
        }
    }

    /// Selects the row showing `rec` on `tab`, if it is shown; true when it is.
    pub fn select_rec(&mut self, tab: Tab, rec: Rec) -> bool {
        let found = match &self.catalogs[tab.index()] {
            Some(catalog) => catalog.find(rec),
            None => self.table(tab).rows.iter().position(|r| r.rec == Some(rec)),
        };
        let Some(row) = found else { return false };
        self.lists[tab.index()].select_row(row)
    }

    /// A form is open and has changes that are not saved.
    pub fn unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(Form::dirty)
    }
}

#[cfg(test)]
mod tests;
