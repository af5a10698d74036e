//! The window and the lists' arrivals. The window is the neighbourhood of the cadres the
//! screen needs (`Store::neighbourhood`): the rows drawn and a page around them, the open
//! dossier, and on the Overview the selected batch's cadres (for its findings in words). The
//! lists' order comes from their catalogs, which arrive from the background build
//! (`Action::Built`) and are updated after a save (`Action::Refreshed`).

use super::catalog::first::FirstRows;
use super::catalog::handover::{Built, Handover, Refresh};
use super::catalog::table::TableCatalog;
use super::list::settle_offset;
use super::popup::Request;
use super::view::{self, overview, units, Index, Rec, Views};
use super::{App, DossierState, Mode, Tab};
use crate::domain::{Batch, Id, Unit};
use crate::store::Data;
use chrono::NaiveDate;
use std::collections::HashSet;

/// What the screens open on, read by index in milliseconds at any size: the header's counts,
/// the first rows of the lists, every batch and unit, and the window of the first cadres.
#[derive(Debug, Clone)]
pub struct FirstScreen {
    pub today: NaiveDate,
    pub counts: [usize; 3],
    pub mark: i64,
    pub first: [Option<FirstRows>; 6],
    pub batches: Vec<Batch>,
    pub units: Vec<Unit>,
    pub data: Data,
    pub window: Vec<Id>,
}

/// The cadres (and the batch) the screen needs in the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Want {
    pub cadres: Vec<Id>,
    /// The Overview's selected batch: its cadres too.
    pub batch: Option<Id>,
    /// Only the rows around a page on screen (and not the whole list) are wanted: read, they
    /// widen the columns from the next page on, not under the page on screen (which would
    /// draw the whole list a second time for one key). Around a page that is the whole list
    /// they widen it at once: no read comes after.
    pub keep_layout: bool,
}

impl App {
    /// Takes in a first screen: at start, and when everything is read again (`R`, a new day).
    /// Lists already shown stay until their new catalogs arrive, so keys keep working on them.
    pub(super) fn start(&mut self, first: FirstScreen) {
        let kept: Vec<Option<Rec>> = Tab::ALL.iter().map(|t| self.selected_rec(*t)).collect();
        let fresh = self.catalogs.cadres.is_none();
        self.today = first.today;
        self.counts = first.counts;
        let cats = &mut self.catalogs;
        cats.first = first.first;
        if fresh {
            cats.mark = first.mark;
            cats.batches = first
                .batches
                .into_iter()
                .map(|batch| overview::BatchLine { batch, figures: None, flags: None, due: None })
                .collect();
            cats.units = first.units.into_iter().map(|u| (u, None)).collect();
        }
        cats.building = true;
        cats.all_reviews_asked = false;
        self.rebuild_small_tables();
        self.take_window(first.data, Want { cadres: first.window, ..Want::default() });
        for tab in Tab::ALL {
            self.refresh_tab(tab);
            if let Some(rec) = kept[tab.index()] {
                self.select_rec(tab, rec);
            }
        }
        self.requests.push(Request::Build { all_reviews: false });
    }

    /// The Overview's and Units' tables from their lines.
    fn rebuild_small_tables(&mut self) {
        let lang = self.opts.lang;
        self.catalogs.overview = TableCatalog::new(overview::build(lang, &self.catalogs.batches).finish());
        self.catalogs.unit_table = TableCatalog::new(units::build(lang, &self.catalogs.units).finish());
    }

    /// A list built in the background (or every review, asked for by the status filter).
    pub(super) fn built(&mut self, handover: Handover) {
        let tab = match &handover.built {
            Built::Cadres(_) | Built::CadreRules(_) => Some(Tab::Cadres),
            Built::Pairs(_) => Some(Tab::Pairs),
            Built::Reserve(_) | Built::ReserveFirst(_) => Some(Tab::Reserve),
            Built::Reviews(_) => Some(Tab::Reviews),
            Built::Overview(_) => Some(Tab::Overview),
            Built::Units(_) => Some(Tab::Units),
            Built::Invalid(_) => None,
        };
        let kept = tab.and_then(|t| self.selected_rec(t));
        let first_rows = matches!(handover.built, Built::ReserveFirst(_));
        let cats = &mut self.catalogs;
        match handover.built {
            Built::Cadres(c) => cats.cadres = Some(c),
            Built::CadreRules(rules) => {
                if let Some(c) = &mut cats.cadres {
                    c.take_rules(*rules);
                }
            }
            Built::Pairs(c) => cats.pairs = Some(c),
            Built::Reserve(c) => cats.reserve = Some(c),
            Built::ReserveFirst(rows) => {
                if cats.reserve.is_none() {
                    cats.first[Tab::Reserve.index()] = Some(rows);
                }
            }
            Built::Reviews(c) => cats.reviews = Some(c),
            Built::Overview(lines) => cats.batches = lines,
            Built::Units(lines) => cats.units = lines,
            Built::Invalid(rows) => {
                self.invalid = rows;
                cats.building = false;
            }
        }
        if matches!(tab, Some(Tab::Overview | Tab::Units)) {
            self.rebuild_small_tables();
        }
        // Saves made while it was read: read what they touched (every list takes it in). First
        // rows are not patched: their catalog follows.
        if handover.mark < self.catalogs.mark && !first_rows {
            self.catalogs.mark = handover.mark;
            self.requests.push(Request::Refresh);
        }
        if let Some(tab) = tab {
            self.refresh_tab(tab);
            if let Some(rec) = kept {
                self.select_rec(tab, rec);
            }
        }
    }

    /// What a save (or a colleague's) changed, read again: each list takes in its rows.
    pub(super) fn refreshed(&mut self, r: Refresh) {
        let kept: Vec<Option<Rec>> = Tab::ALL.iter().map(|t| self.selected_rec(*t)).collect();
        let a = &r.affected;
        self.counts = r.counts;
        let cats = &mut self.catalogs;
        cats.mark = cats.mark.max(a.mark);
        if let Some(c) = &mut cats.cadres {
            c.apply(&a.cadres, r.cadres);
        }
        if let Some(c) = &mut cats.pairs {
            c.apply(&a.secondments, &r.roster, &r.names);
        }
        if let Some(c) = &mut cats.reviews {
            let reviews = if c.holds_all() { r.reviews_all.as_deref().unwrap_or_default() } else { &r.reviews_open };
            c.apply(&a.secondments, reviews, &r.roster, &r.names, a.reviews_added);
        }
        if let Some(c) = &mut cats.reserve {
            c.apply(&a.cadres, &r.roster, &r.names, &r.grades, &r.nominations);
        }
        // A batch or unit the change touched and the reading no longer finds was deleted.
        let read_batches: HashSet<Id> = r.batches.iter().map(|l| l.batch.id).collect();
        cats.batches.retain(|l| !a.batches.contains(&l.batch.id) || read_batches.contains(&l.batch.id));
        let read_units: HashSet<Id> = r.units.iter().map(|(u, _)| u.id).collect();
        cats.units.retain(|(u, _)| !a.units.contains(&u.id) || read_units.contains(&u.id));
        for line in r.batches {
            match cats.batches.iter_mut().find(|l| l.batch.id == line.batch.id) {
                Some(old) => *old = line,
                None => cats.batches.push(line),
            }
        }
        cats.batches.sort_by_key(|l| (l.batch.dispatch_date, l.batch.id));
        for (unit, counts) in r.units {
            match cats.units.iter_mut().find(|(u, _)| u.id == unit.id) {
                Some(old) => *old = (unit, counts),
                None => cats.units.push((unit, counts)),
            }
        }
        cats.units.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        self.rebuild_small_tables();
        for tab in Tab::ALL {
            self.refresh_tab(tab);
            if let Some(rec) = kept[tab.index()] {
                self.select_rec(tab, rec);
            }
        }
        // The window is read again: it shows the records as they are now.
        self.window_stale = true;
    }

    /// The cadres whose neighbourhood the screen needs and the window lacks: the rows drawn,
    /// the open dossier and the dossiers to go back to; once a frame shows those rows, the
    /// page around them too (so paging needs no read every time). `None` when the window has
    /// them all.
    pub fn window_wanted(&self) -> Option<Want> {
        if self.form.is_some() {
            // A form works on what it opened with; the list does not move under it. After a
            // conflict the same records are read again, as they are now.
            return self.window_stale.then(|| Want {
                cadres: self.window.clone(),
                batch: self.window_batch,
                keep_layout: false,
            });
        }
        let mut drawn: Vec<Id> = Vec::new();
        let mut ahead: Vec<Id> = Vec::new();
        let mut on_screen = false;
        let mut whole = false;
        let mut batch = None;
        if let (Some(catalog), false) = (self.catalogs.get(self.tab), matches!(self.tab, Tab::Overview | Tab::Units)) {
            let list = self.list();
            // Before the first frame the page is unknown: a tall terminal's worth.
            let page = if self.frame.page == 0 { 60 } else { self.frame.page };
            let len = list.visible.len();
            let offset = settle_offset(list.offset, list.selected, page, len);
            let rows = list.visible.slice(offset, offset + page);
            on_screen = self.frame.list_of == Some(self.tab) && self.frame.shown == rows;
            drawn.extend(rows.into_iter().filter_map(|r| catalog.cadre(r)));
            let (back, end) = (offset.saturating_sub(page / 2), offset + 2 * page);
            ahead.extend(list.visible.slice(back, end).into_iter().filter_map(|r| catalog.cadre(r)));
            whole = back == 0 && end >= len;
        }
        // The batch's cadres (thousands in a big batch) only once the Overview's table is on
        // screen: its findings box can wait a frame, the table need not.
        if self.tab == Tab::Overview && self.mode != Mode::Dossier && self.frame.list_of == Some(Tab::Overview) {
            batch = self.selected_rec(Tab::Overview).and_then(|r| match r {
                Rec::Batch(b) => Some(b),
                _ => None,
            });
        }
        if let Some(d) = &self.dossier {
            drawn.push(d.doc.cadre);
            drawn.extend(&d.back);
        }
        let have_batch = batch.is_none() || self.window_batch == batch;
        let mut keep_layout = false;
        let present = |id: &Id| self.window.binary_search(id).is_ok();
        if drawn.iter().all(present) && have_batch && !self.window_stale {
            // The rows around the drawn ones, so that scrolling needs no read: once the frame
            // shows the drawn ones, so that a key (a search, a move to a new page) is answered
            // first.
            if !on_screen || ahead.iter().all(present) {
                return None;
            }
            drawn.extend(ahead);
            keep_layout = !whole;
        }
        drawn.sort_unstable();
        drawn.dedup();
        Some(Want { cadres: drawn, batch, keep_layout })
    }

    /// Takes in the neighbourhood of the cadres (and the batch) `want` named.
    pub(super) fn take_window(&mut self, data: Data, want: Want) {
        let shown = self.views.table(self.tab);
        let keep = (want.keep_layout && !shown.rows.is_empty()).then(|| shown.measures());
        self.window = want.cadres;
        self.window_batch = want.batch;
        self.window_stale = false;
        self.data = data;
        self.index = Index::new(&self.data);
        self.rebuild_views();
        if let Some(measures) = keep {
            self.views.table_mut(self.tab).keep_measures(&measures);
        }
        if let Some(next) = self.after_load.take() {
            self.after_load(next);
        }
    }

    /// Builds the current tab's rows (and the dossier) again from the window.
    pub(super) fn rebuild_views(&mut self) {
        let lk = self.lookup();
        self.views = Views::build_for(&lk, self.tab);
        self.views.table_mut(self.tab).widen_to(&mut self.widest[self.tab.index()]);
        for tab in [Tab::Cadres, Tab::Pairs, Tab::Reviews, Tab::Reserve] {
            let rows = &self.views.table(tab).rows;
            self.by_rec[tab.index()] = rows.iter().enumerate().filter_map(|(i, r)| Some((r.rec?, i))).collect();
        }
        if let Some(d) = &self.dossier {
            let (cadre, scroll, back) = (d.doc.cadre, d.scroll, d.back.clone());
            self.dossier = view::dossier(&self.lookup(), cadre).map(|doc| DossierState { doc, scroll, back });
            if self.dossier.is_none() {
                self.mode = Mode::List;
            }
        }
    }
}
