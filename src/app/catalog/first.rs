//! A tab's first rows, read by index in milliseconds at any size, standing in for its catalog
//! until the catalog is built: they answer only the tab's opening order (natural order, default
//! filters, no search); anything else waits for the catalog.

use super::{Ask, Catalog, Visible};
use crate::app::list::Filters;
use crate::app::view::Rec;
use crate::domain::Id;

/// How many rows a first screen holds: more than any terminal shows.
pub const FIRST_ROWS: usize = 400;

#[derive(Debug, Clone, Default)]
pub struct FirstRows {
    /// (record, cadre) in natural order.
    rows: Vec<(Rec, Option<Id>)>,
    /// The filters the rows were read for (the tab's defaults).
    filters: Filters,
}

impl FirstRows {
    pub fn new(rows: Vec<(Rec, Option<Id>)>, filters: Filters) -> FirstRows {
        FirstRows { rows, filters }
    }
}

impl Catalog for FirstRows {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn total(&self) -> usize {
        self.rows.len()
    }

    fn order(&self, ask: &Ask) -> Visible {
        if self.answers(ask) {
            Visible::All { len: self.rows.len(), reversed: false }
        } else {
            Visible::default()
        }
    }

    fn answers(&self, ask: &Ask) -> bool {
        ask.sort.is_none() && !ask.reverse && *ask.filters == self.filters && ask.query.is_empty()
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.rows.get(row).map(|r| r.0)
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.rows.get(row).and_then(|r| r.1)
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        self.rows.iter().position(|r| r.0 == rec)
    }
}
