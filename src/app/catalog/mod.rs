//! Catalogs: a tab's rows held compactly when the database is too large to build every row
//! (see docs/BENCHMARKS.md, "Large databases"). A catalog knows, for each record, only what
//! ordering, filtering and searching need; the cells of the rows on screen are made by the same
//! view code as for a small database, over the few records shown (`Store::neighbourhood`).

pub mod cadres;
pub mod pool;
pub mod reviews;

use super::list::Filters;
use super::view::Rec;
use crate::domain::Id;
use crate::search::Query;

/// One tab's records, compactly. Row numbers are positions in the tab's natural order (the
/// order the tab's view builder would produce over the whole database).
pub trait Catalog: Send + Sync + std::fmt::Debug {
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows that pass `filters` and match `query`, sorted by column `sort` (a stable sort
    /// on the column's `SortKey`, natural order without one), the whole order reversed when
    /// asked: what `ListState::refresh` computes over built rows.
    fn order(&self, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> Vec<usize>;

    /// The record a row shows.
    fn rec(&self, row: usize) -> Option<Rec>;

    /// The cadre whose neighbourhood holds the row's cells (and whom Enter opens).
    fn cadre(&self, row: usize) -> Option<Id>;

    /// The row showing `rec`, if this catalog has it.
    fn find(&self, rec: Rec) -> Option<usize>;
}

/// The last search's text hits, so the next keystroke (which usually narrows it) tests only
/// those texts again.
#[derive(Debug, Default)]
pub struct SearchCache {
    last: std::sync::Mutex<Option<(Query, pool::BitSet)>>,
}

impl SearchCache {
    /// The texts of `pool` that match `query`.
    pub fn hits(&self, pool: &pool::TextPool, query: &Query) -> pool::BitSet {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let hits = pool.search(query, last.as_ref().map(|(q, h)| (q, h)));
        *last = Some((query.clone(), hits.clone()));
        hits
    }
}
