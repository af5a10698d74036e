//! Large databases: instead of every record, the app holds one catalog per list (compact
//! keys for ordering, filtering and searching, built on a background thread) and, as `data`,
//! only the neighbourhood of the cadres in view (`Store::neighbourhood`), over which the usual
//! view code makes the rows on screen, the dossier and the forms.

use super::catalog::Catalog;
use super::list::Filters;
use super::view::Rec;
use super::{App, Snapshot, Tab};
use crate::domain::Id;
use crate::search::Query;
use crate::store::{Data, Result, Store};
use chrono::NaiveDate;
use std::sync::Arc;

/// Above this many cadres the screens use catalogs (`GUAZHI_LARGE_ABOVE` overrides it).
pub const LARGE_ABOVE: usize = 5_000;

/// How many rows the first screen's partial catalogs hold: more than any terminal shows.
const FIRST_ROWS: usize = 400;

/// The tabs a large database shows; the others ask for the command line instead.
pub const LEAN_TABS: [Tab; 2] = [Tab::Cadres, Tab::Reviews];

pub fn large_above() -> usize {
    std::env::var("GUAZHI_LARGE_ABOVE").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(LARGE_ABOVE)
}

/// What the app knows about a large database besides its catalogs.
#[derive(Debug, Clone, Default)]
pub struct Lean {
    /// The cadres whose neighbourhood `data` holds, sorted.
    pub window: Vec<Id>,
    /// Catalogs are still being built (the first screen's are partial).
    pub loading: bool,
    /// The catalogs do not show the data as it is (not built yet, or a save since): the
    /// terminal loop builds them again on a background thread.
    pub stale: bool,
}

/// The complete catalogs, from the background thread.
#[derive(Debug, Clone)]
pub struct Catalogs {
    pub cadres: Arc<dyn Catalog>,
    pub reviews: Arc<dyn Catalog>,
}

/// Builds both catalogs for `today` in one read transaction (a colleague's save shows in both
/// or neither).
pub fn build_catalogs(store: &Store, today: NaiveDate, lang: crate::lang::Lang) -> Result<Catalogs> {
    let conn = store.connection();
    let tx = conn.unchecked_transaction()?;
    let cadres = super::catalog::cadres::CadreCatalog::build(conn, today, lang)?;
    let reviews = super::catalog::reviews::ReviewCatalog::build(conn, today, lang)?;
    tx.commit()?;
    Ok(Catalogs { cadres: Arc::new(cadres), reviews: Arc::new(reviews) })
}

/// A list's rows fixed in one order, standing in for a catalog: the first rows in natural
/// order, read by index in milliseconds for the first screen, or the list as it was when a
/// save made its catalog stale. It answers only the sort, filters and search it was made for;
/// anything else waits for the catalog (the list is empty and says the records are being read).
#[derive(Debug, Clone)]
pub struct FixedRows {
    /// (record, cadre, hidden unless archived rows are asked for)
    rows: Vec<(Rec, Id, bool)>,
    sort: Option<usize>,
    reverse: bool,
    filters: Filters,
    query: Query,
}

impl FixedRows {
    fn natural(rows: Vec<(Rec, Id, bool)>) -> FixedRows {
        FixedRows { rows, sort: None, reverse: false, filters: Filters::default(), query: Query::default() }
    }

    pub fn first_cadres(store: &Store) -> Result<FixedRows> {
        let mut stmt = store.connection().prepare("SELECT id, archived FROM cadres ORDER BY id LIMIT ?1")?;
        let rows = stmt.query_map([FIRST_ROWS as i64], |r| {
            let id: Id = r.get(0)?;
            Ok((Rec::Cadre(id), id, r.get::<_, i64>(1)? != 0))
        })?;
        Ok(FixedRows::natural(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The first pending reviews by due date (the Reviews tab's default filter).
    pub fn first_reviews(store: &Store) -> Result<FixedRows> {
        let mut stmt = store.connection().prepare(
            "SELECT r.id, s.cadre_id FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             WHERE r.done_date IS NULL AND r.cancelled = 0 ORDER BY r.due_date, r.id LIMIT ?1",
        )?;
        let rows = stmt.query_map([FIRST_ROWS as i64], |r| Ok((Rec::Review(r.get(0)?), r.get(1)?, false)))?;
        Ok(FixedRows::natural(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// `list` as it shows `catalog`'s rows now.
    fn frozen(catalog: &dyn Catalog, list: &super::ListState) -> FixedRows {
        let rows = list.visible.iter().filter_map(|&r| Some((catalog.rec(r)?, catalog.cadre(r)?, false))).collect();
        FixedRows {
            rows,
            sort: list.sort,
            reverse: list.reverse,
            filters: list.filters.clone(),
            query: list.query.clone(),
        }
    }
}

impl Catalog for FixedRows {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn order(&self, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> Vec<usize> {
        let same_query = *query == self.query || (query.is_empty() && self.query.is_empty());
        if sort != self.sort || reverse != self.reverse || *filters != self.filters || !same_query {
            return Vec::new();
        }
        (0..self.rows.len()).filter(|&i| !self.rows[i].2).collect()
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.rows.get(row).map(|r| r.0)
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.rows.get(row).map(|r| r.1)
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        self.rows.iter().position(|r| r.0 == rec)
    }
}

/// Reads what the first screen of a large database needs: the header's counts, the first
/// rows of the lists and the neighbourhood of those on screen. Milliseconds at any size.
pub fn first_screen(store: &Store, today: NaiveDate) -> Result<(Snapshot, Lean, Catalogs)> {
    let tx = store.connection().unchecked_transaction()?;
    let catalogs = Catalogs {
        cadres: Arc::new(FixedRows::first_cadres(store)?),
        reviews: Arc::new(FixedRows::first_reviews(store)?),
    };
    let first: Vec<Id> = (0..catalogs.cadres.len().min(80)).filter_map(|i| catalogs.cadres.cadre(i)).collect();
    let snap = read_window_in(store, today, &first)?;
    tx.commit()?;
    let mut window = first;
    window.sort_unstable();
    Ok((snap, Lean { window, loading: true, stale: true }, catalogs))
}

/// The neighbourhood of `cadres` and the header's counts, as a snapshot, in one read
/// transaction.
pub fn read_window(store: &Store, today: NaiveDate, cadres: &[Id]) -> Result<Snapshot> {
    let tx = store.connection().unchecked_transaction()?;
    let snap = read_window_in(store, today, cadres)?;
    tx.commit()?;
    Ok(snap)
}

/// `read_window` inside the caller's transaction.
fn read_window_in(store: &Store, today: NaiveDate, cadres: &[Id]) -> Result<Snapshot> {
    let data = store.neighbourhood(cadres)?;
    Ok(Snapshot { data, today, counts: store.attention_counts(today)? })
}

/// The cadres with a secondment `secondment` could be paired with: same batch, the other
/// direction, not paired yet (what the pair form offers).
pub fn pair_candidates(store: &Store, secondment: Id) -> Result<Vec<Id>> {
    let mut stmt = store.connection().prepare(
        "SELECT o.cadre_id FROM secondments s
         JOIN secondments o ON o.batch_id = s.batch_id AND o.direction <> s.direction
         WHERE s.id = ?1
           AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.down_id = o.id OR p.up_id = o.id)",
    )?;
    let ids = stmt.query_map([secondment], |r| r.get(0))?.collect::<rusqlite::Result<Vec<Id>>>()?;
    Ok(ids)
}

/// Whether `store` is large enough for catalogs; reads at most `large_above() + 1` ids.
pub fn is_large(store: &Store) -> Result<bool> {
    let limit = large_above();
    let n: i64 = store.connection().query_row(
        "SELECT count(*) FROM (SELECT 1 FROM cadres LIMIT ?1)",
        [i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1)],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX) > limit)
}

impl App {
    pub fn is_lean(&self) -> bool {
        self.lean.is_some()
    }

    /// A large database and a tab it does not show.
    pub fn unavailable(&self, tab: Tab) -> bool {
        self.is_lean() && !LEAN_TABS.contains(&tab)
    }

    /// The cadres whose neighbourhood the screen needs and `data` lacks: the rows drawn and
    /// the next page (so paging down needs no read every time), the open dossier and the
    /// dossiers to go back to. `None` when `data` has them all.
    pub fn window_wanted(&self) -> Option<Vec<Id>> {
        let lean = self.lean.as_ref()?;
        if self.form.is_some() {
            // A form works on what it opened with; the list does not move under it.
            return None;
        }
        let mut drawn: Vec<Id> = Vec::new();
        let mut ahead: Vec<Id> = Vec::new();
        if let Some(catalog) = &self.catalogs[self.tab.index()] {
            let list = self.list();
            // Before the first frame the page is unknown: a tall terminal's worth.
            let page = if self.frame.page == 0 { 60 } else { self.frame.page };
            let len = list.visible.len();
            let offset = super::list::settle_offset(list.offset, list.selected, page, len);
            let cadre = |&row: &usize| catalog.cadre(row);
            drawn.extend(list.visible[offset..(offset + page).min(len)].iter().filter_map(cadre));
            let back = offset.saturating_sub(page / 2);
            ahead.extend(list.visible[back..(offset + 2 * page).min(len)].iter().filter_map(cadre));
        }
        if let Some(d) = &self.dossier {
            drawn.push(d.doc.cadre);
            drawn.extend(&d.back);
        }
        let present = drawn.iter().filter(|id| lean.window.binary_search(id).is_ok()).count();
        if present == drawn.len() {
            return None;
        }
        // Scrolling: read ahead so the next moves need no read. A jump (a search, a sort, a
        // filter): only what is drawn, so the keystroke is answered soonest.
        if present * 2 >= drawn.len() {
            drawn.extend(ahead);
        }
        drawn.sort_unstable();
        drawn.dedup();
        Some(drawn)
    }

    /// Takes in the neighbourhood of `window` (read for `window_wanted`): the rows on screen,
    /// the dossier and the forms are made from it; the lists' order stays as it is.
    pub fn take_window(&mut self, data: Data, window: Vec<Id>) {
        if let Some(lean) = &mut self.lean {
            lean.window = window;
        }
        self.data = data;
        self.rebuild_views();
    }

    /// The complete catalogs are in: lists sort and search every record from now on.
    pub fn take_catalogs(&mut self, catalogs: Catalogs) {
        self.take_catalogs_inner(catalogs);
        release_free_memory();
    }

    fn take_catalogs_inner(&mut self, catalogs: Catalogs) {
        // Row numbers change meaning with the catalog: the selection is kept by record.
        let kept: Vec<Option<Rec>> = LEAN_TABS.iter().map(|&tab| self.selected_rec(tab)).collect();
        self.catalogs[Tab::Cadres.index()] = Some(catalogs.cadres);
        self.catalogs[Tab::Reviews.index()] = Some(catalogs.reviews);
        if let Some(lean) = &mut self.lean {
            lean.loading = false;
        }
        for (tab, kept) in LEAN_TABS.into_iter().zip(kept) {
            self.refresh_tab(tab);
            if let Some(rec) = kept {
                self.select_rec(tab, rec);
            }
        }
    }

    /// Replaces the catalogs by their lists as shown (`FixedRows::frozen`), keeping each selection, and
    /// marks the records as being read again.
    pub(super) fn freeze_catalogs(&mut self) {
        for tab in LEAN_TABS {
            let i = tab.index();
            let Some(catalog) = &self.catalogs[i] else { continue };
            let frozen = FixedRows::frozen(catalog.as_ref(), &self.lists[i]);
            let list = &mut self.lists[i];
            list.visible = (0..frozen.len()).collect();
            self.catalogs[i] = Some(Arc::new(frozen));
        }
        if let Some(lean) = &mut self.lean {
            lean.loading = true;
        }
        release_free_memory();
    }

    /// Large mode: the catalogs should be built (again). Taking the wish clears it; a save
    /// while they are being built raises it again.
    pub fn take_catalog_wish(&mut self) -> bool {
        self.lean.as_mut().is_some_and(|l| std::mem::take(&mut l.stale))
    }
}

/// Hands memory freed by a catalog back to the system: glibc keeps freed blocks of other
/// threads' arenas (the catalog thread's), and a session that saves often would otherwise grow
/// by a catalog's worth each time.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the system; no pointer is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}
