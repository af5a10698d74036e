//! The application state and `App::update`, the only place it changes. No terminal and no
//! store: the loop in `tui` turns events into actions (`keys::map_event`), and the effect runner
//! (`crate::runner`) carries out what the app asks for (`App::requests`) and hands the answers
//! back as actions. Tests build an `App` with a fixed date and apply actions.
//!
//! One data path at every size: each list's order comes from its catalog (`catalog`), built in
//! the background and updated from what each save changed; the cells of the rows on screen, the
//! dossier and the forms come from the window (`Store::neighbourhood` of the cadres in view).

mod action;
pub mod catalog;
pub mod choose;
mod edit;
pub mod export;
mod flow;
pub mod form;
pub mod keys;
pub mod list;
mod live;
pub mod operation;
pub mod popup;
mod reply;
mod undo;
mod update;
pub mod view;
mod window;

pub use action::{Action, ChangesAct, ConflictAct, DraftAct, Edit, Effect, FormAct, FrameInfo, PickAct, Tab};
pub use list::{ListState, StatusFilter};
pub use operation::{Failure, Operation, Outcome};
pub use window::FirstScreen;

use crate::domain::figures::UnitCounts;
use crate::domain::{Id, Unit};
use crate::lang::Lang;
use crate::store::Data;
use catalog::cadres::CadreCatalog;
use catalog::first::FirstRows;
use catalog::pairs::PairCatalog;
use catalog::reserve::ReserveCatalog;
use catalog::reviews::ReviewCatalog;
use catalog::table::TableCatalog;
use catalog::{Ask, Catalog};
use chrono::NaiveDate;
use form::Form;
use popup::Popup;
use std::collections::HashMap;
use view::overview::BatchLine;
use view::{Dossier, Index, Lookup, Rec, Table, Tone, Views, Widths};

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
    /// The keys in effect: the key table's, with the settings file's remaps.
    pub keys: keys::KeyMap,
}

impl Display {
    pub fn new(lang: Lang) -> Display {
        Display {
            lang,
            ascii: false,
            color: true,
            db_name: String::new(),
            read_only: None,
            world_readable: false,
            keys: keys::KeyMap::default(),
        }
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

/// Each tab's catalog once built, and until then its first rows.
#[derive(Debug, Default)]
pub struct Catalogs {
    pub first: [Option<FirstRows>; 6],
    pub cadres: Option<Box<CadreCatalog>>,
    pub pairs: Option<Box<PairCatalog>>,
    pub reviews: Option<Box<ReviewCatalog>>,
    pub reserve: Option<Box<ReserveCatalog>>,
    /// The overview's and the units' lines (small: held whole, with their cells).
    pub batches: Vec<BatchLine>,
    pub units: Vec<(Unit, Option<UnitCounts>)>,
    pub overview: TableCatalog,
    pub unit_table: TableCatalog,
    /// The audit trail's last row the lists show.
    pub mark: i64,
    /// Lists still being built in the background.
    pub building: bool,
    /// Every review (done and cancelled too) has been asked for.
    pub all_reviews_asked: bool,
}

impl Catalogs {
    /// What orders `tab`'s list: its catalog, else its first rows.
    pub fn get(&self, tab: Tab) -> Option<&dyn Catalog> {
        let built: Option<&dyn Catalog> = match tab {
            Tab::Cadres => self.cadres.as_deref().map(|c| c as &dyn Catalog),
            Tab::Pairs => self.pairs.as_deref().map(|c| c as &dyn Catalog),
            Tab::Reviews => self.reviews.as_deref().map(|c| c as &dyn Catalog),
            Tab::Reserve => self.reserve.as_deref().map(|c| c as &dyn Catalog),
            Tab::Overview => Some(&self.overview),
            Tab::Units => Some(&self.unit_table),
        };
        built.or_else(|| self.first[tab.index()].as_ref().map(|f| f as &dyn Catalog))
    }

    /// Whether `tab` shows its whole catalog (not only its first rows).
    pub fn ready(&self, tab: Tab) -> bool {
        match tab {
            Tab::Cadres => self.cadres.is_some(),
            Tab::Pairs => self.pairs.is_some(),
            Tab::Reviews => self.reviews.is_some(),
            Tab::Reserve => self.reserve.is_some(),
            Tab::Overview | Tab::Units => true,
        }
    }
}

pub struct App {
    pub opts: Display,
    pub today: NaiveDate,
    /// Overdue, due today, due soon (the header): `Store::attention_counts`.
    pub counts: [usize; 3],
    /// The window: the neighbourhood of the cadres on screen, which the rows' cells, the
    /// dossier and the forms are made from.
    pub data: Data,
    pub index: Index,
    /// The cadres whose neighbourhood `data` holds, sorted.
    pub window: Vec<Id>,
    /// The batch whose cadres the window holds too (the Overview's selected one).
    window_batch: Option<Id>,
    /// A save changed records: the window is to be read again.
    window_stale: bool,
    /// The rows of the window for the list tabs.
    pub views: Views,
    /// Each list tab's column widths as wide as any rows drawn so far wanted them
    /// (`Table::widen_to`): the layout settles instead of changing as the rows drawn change.
    widest: [Vec<Widths>; 6],
    pub catalogs: Catalogs,
    pub tab: Tab,
    pub lists: [ListState; 6],
    pub mode: Mode,
    /// The Overview draws its charts (where only one fits, in place of the policy flags).
    pub charts: bool,
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
    /// What the effect runner should do next (`Effect::Store`); it takes them.
    pub requests: Vec<popup::Request>,
    /// Rows of the database that could not be read (written by hand against the rules).
    pub invalid: Vec<String>,
    /// What the write under way does, in words, for the status line once it is done.
    saving: Option<String>,
    /// What to do once the window has been read again (reopen a form after a conflict, select
    /// a new record).
    after_load: Option<popup::AfterLoad>,
    /// Where each record's row is in `views` (which hold only the window's).
    by_rec: [HashMap<Rec, usize>; 6],
    /// The record each list is to select once it shows it (a list waiting for its catalog
    /// keeps the selection it had).
    keep: [Option<Rec>; 6],
    /// Enter pressed on a list still being read: the dossier opens once its row is shown
    /// (typing a search and Enter before a large catalog is ready is normal use).
    open_when_shown: Option<Tab>,
    /// The audit trail's last row whose saves this window has told the user about (the live
    /// cue, `R`): apart from the lists' mark, which a rebuild may hold back.
    pub told: i64,
    /// The last live cue shown: a footer holding it may take the next one.
    cue: Option<String>,
}

impl App {
    /// The screens on a database's first reading (`driver::first_screen`): the first rows of
    /// each list and the window of the first cadres. The catalogs follow (`Action::Built`).
    pub fn new(first: FirstScreen, opts: Display) -> App {
        let mut app = App {
            opts,
            today: first.today,
            counts: [0; 3],
            data: Data::default(),
            index: Index::default(),
            window: Vec::new(),
            window_batch: None,
            window_stale: false,
            views: Views::default(),
            widest: Default::default(),
            catalogs: Catalogs::default(),
            tab: Tab::Cadres,
            lists: Default::default(),
            mode: Mode::List,
            charts: true,
            help: None,
            dossier: None,
            frame: FrameInfo::default(),
            form: None,
            popup: None,
            status: None,
            requests: Vec::new(),
            invalid: Vec::new(),
            saving: None,
            after_load: None,
            by_rec: Default::default(),
            keep: Default::default(),
            open_when_shown: None,
            told: first.mark,
            cue: None,
        };
        app.start(first);
        app
    }

    pub fn lookup(&self) -> Lookup<'_> {
        Lookup { data: &self.data, ix: &self.index, today: self.today, lang: self.opts.lang, ascii: self.opts.ascii }
    }

    /// The label in the session's language.
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        self.opts.lang.pick(zh, en)
    }

    /// The columns and rows a tab draws from: the window's rows, or the whole small table.
    pub fn table(&self, tab: Tab) -> &Table {
        match tab {
            Tab::Overview => &self.catalogs.overview.table,
            Tab::Units => &self.catalogs.unit_table.table,
            _ => self.views.table(tab),
        }
    }

    pub fn list(&self) -> &ListState {
        &self.lists[self.tab.index()]
    }

    /// How `tab`'s list asks its catalog.
    fn ask(&self, tab: Tab) -> Ask<'_> {
        let list = &self.lists[tab.index()];
        Ask { sort: list.sort, reverse: list.reverse, filters: &list.filters, query: &list.query }
    }

    /// Sorts, filters and searches `tab`'s list again; the selection stays on its record.
    pub fn refresh_tab(&mut self, tab: Tab) {
        self.refresh_list(tab, true);
    }

    /// `refresh_tab`, the selection kept on its record or (`keep_selection` false: a search
    /// typed goes to its first match) not looked for: finding a record far down a large list
    /// would compose the whole list at every key.
    pub(super) fn refresh_list(&mut self, tab: Tab, keep_selection: bool) {
        let kept = if keep_selection { self.selected_rec(tab).or(self.keep[tab.index()]) } else { None };
        let (visible, answered) = match self.catalogs.get(tab) {
            Some(catalog) => {
                let ask = self.ask(tab);
                (catalog.order(&ask), catalog.answers(&ask))
            }
            None => (Default::default(), false),
        };
        let list = &mut self.lists[tab.index()];
        list.visible = visible;
        list.clamp();
        self.keep[tab.index()] = match kept {
            Some(rec) if !self.select_rec(tab, rec) && !answered => Some(rec),
            _ => None,
        };
        // Done and cancelled reviews are held only once asked for.
        if tab == Tab::Reviews && !answered && self.catalogs.ready(tab) && !self.catalogs.all_reviews_asked {
            self.catalogs.all_reviews_asked = true;
            self.requests.push(popup::Request::Build { all_reviews: true });
        }
    }

    /// The row a list entry shows, when its cells are in memory.
    pub fn row(&self, tab: Tab, entry: usize) -> Option<&view::Row> {
        match tab {
            Tab::Overview | Tab::Units => self.table(tab).rows.get(entry),
            _ => {
                let rec = self.catalogs.get(tab)?.rec(entry)?;
                self.views.table(tab).rows.get(*self.by_rec[tab.index()].get(&rec)?)
            }
        }
    }

    /// Whether the window holds `batch`'s cadres, which its findings are made from.
    pub fn batch_read(&self, batch: Id) -> bool {
        self.window_batch == Some(batch)
    }

    /// How many records `tab` has in all (before filters).
    pub fn total(&self, tab: Tab) -> usize {
        self.catalogs.get(tab).map_or(0, |c| c.total())
    }

    /// Whether `tab`'s whole list is still being read (the title says so).
    pub fn loading(&self, tab: Tab) -> bool {
        let ready = self.catalogs.ready(tab) && self.catalogs.get(tab).is_some_and(|c| c.answers(&self.ask(tab)));
        !ready
    }

    /// The cadre Enter would open on the current tab.
    pub fn selected_cadre(&self) -> Option<i64> {
        let row = self.list().selected_row()?;
        self.catalogs.get(self.tab)?.cadre(row)
    }

    /// The record of the selected row of `tab`.
    pub fn selected_rec(&self, tab: Tab) -> Option<Rec> {
        let row = self.lists[tab.index()].selected_row()?;
        self.catalogs.get(tab)?.rec(row)
    }

    /// Selects the row showing `rec` on `tab`, if it is shown; true when it is.
    pub fn select_rec(&mut self, tab: Tab, rec: Rec) -> bool {
        let Some(row) = self.catalogs.get(tab).and_then(|c| c.find(rec)) else { return false };
        self.lists[tab.index()].select_row(row)
    }

    /// The rows that could not be read (written by hand against the rules) that the lists and
    /// the window met: `guazhi check` names every one in the file.
    pub fn unreadable(&self) -> Vec<&str> {
        let mut rows: Vec<&str> = self.invalid.iter().chain(&self.data.invalid).map(String::as_str).collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// A form is open and has changes that are not saved.
    pub fn unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(Form::dirty)
    }
}

#[cfg(test)]
mod tests;
