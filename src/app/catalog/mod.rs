//! Catalogs: each list's records held compactly, at every size of database. A catalog knows,
//! for each record, only what ordering, filtering and searching need; the cells of the rows on
//! screen are made by the view code over the few records shown (the window, `Store::neighbourhood`).
//!
//! Catalogs are built on a background thread (`build`) and handed to the app; after a save
//! they are updated from what changed (`apply`), never rebuilt. Until a tab's catalog is in,
//! its first rows come from an index (`FirstRows`).

pub mod bitset;
pub mod cadres;
pub mod first;
pub mod handover;
pub mod lazy;
pub mod names;
pub mod order;
pub mod pairs;
pub mod pool;
pub mod reserve;
pub mod reviews;
pub mod table;

use super::list::Filters;
use super::view::Rec;
use crate::domain::Id;
use crate::search::Query;
use std::sync::Arc;

/// The rows a list shows, in display order: row numbers of its catalog.
#[derive(Debug, Clone)]
pub enum Visible {
    /// Every row `0..len`, in the catalog's natural order, or reversed.
    All {
        len: usize,
        reversed: bool,
    },
    /// A sorted order kept by the catalog, or reversed.
    Sorted {
        rows: Arc<[u32]>,
        reversed: bool,
    },
    Rows(Vec<u32>),
    /// A search over a large order, composed as far as it is read (`lazy`).
    Lazy(Arc<lazy::Lazy>),
}

impl Default for Visible {
    fn default() -> Visible {
        Visible::Rows(Vec::new())
    }
}

impl Visible {
    pub fn len(&self) -> usize {
        match self {
            Visible::All { len, .. } => *len,
            Visible::Sorted { rows, .. } => rows.len(),
            Visible::Rows(rows) => rows.len(),
            Visible::Lazy(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row shown at position `i`.
    pub fn get(&self, i: usize) -> Option<usize> {
        let len = self.len();
        if i >= len {
            return None;
        }
        Some(match self {
            Visible::All { reversed: false, .. } => i,
            Visible::All { reversed: true, .. } => len - 1 - i,
            Visible::Sorted { rows, reversed: false } => rows[i] as usize,
            Visible::Sorted { rows, reversed: true } => rows[len - 1 - i] as usize,
            Visible::Rows(rows) => rows[i] as usize,
            Visible::Lazy(rows) => rows.get(i)? as usize,
        })
    }

    /// Where `row` is shown, if it is.
    pub fn position(&self, row: usize) -> Option<usize> {
        let len = self.len();
        match self {
            Visible::All { reversed, .. } => (row < len).then(|| if *reversed { len - 1 - row } else { row }),
            Visible::Sorted { rows, reversed } => {
                rows.iter().position(|&r| r as usize == row).map(|p| if *reversed { len - 1 - p } else { p })
            }
            Visible::Rows(rows) => rows.iter().position(|&r| r as usize == row),
            Visible::Lazy(rows) => rows.position(row),
        }
    }

    /// The rows shown at positions `from..to` (clamped).
    pub fn slice(&self, from: usize, to: usize) -> Vec<usize> {
        (from..to.min(self.len())).filter_map(|i| self.get(i)).collect()
    }

    /// Every row, in display order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// How a list is asked to show its rows.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// Sort column (the tab's column position), `None` for the natural order.
    pub sort: Option<usize>,
    /// The whole order reversed.
    pub reverse: bool,
    pub filters: &'a Filters,
    pub query: &'a Query,
}

/// One tab's records, compactly. Row numbers are stable for a catalog's life: a record that
/// changes keeps its row, a new one gets the next, a deleted one is left out of every order.
pub trait Catalog: Send + Sync + std::fmt::Debug {
    /// Rows, deleted ones included (row numbers run below this).
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records shown when nothing is filtered.
    fn total(&self) -> usize;

    /// The rows that pass the filters and match the query, in the asked order: natural order, or
    /// stably sorted by the column (empty cells last), the whole order reversed when asked. A
    /// search without a sort shows the rows whose name matches first.
    fn order(&self, ask: &Ask) -> Visible;

    /// Whether `order` can answer `ask` (a first screen answers only its own order; the reviews
    /// of a large database are held pending-only until done or cancelled ones are asked for).
    fn answers(&self, _ask: &Ask) -> bool {
        true
    }

    /// The record a row shows.
    fn rec(&self, row: usize) -> Option<Rec>;

    /// The cadre whose neighbourhood holds the row's cells (and whom Enter opens).
    fn cadre(&self, row: usize) -> Option<Id>;

    /// The row showing `rec`, if this catalog has it.
    fn find(&self, rec: Rec) -> Option<usize>;
}
