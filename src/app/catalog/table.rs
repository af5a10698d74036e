//! A small list held whole: every row with its cells (the Overview's batches and the Units tab,
//! a few hundred rows at most, built from SQL aggregates). Sorting, filtering and searching work
//! on the cells themselves.

use super::{Ask, Catalog, Visible};
use crate::app::list::Filters;
use crate::app::view::{Rec, Row, Table};
use crate::domain::Id;
use crate::search::Query;

#[derive(Debug, Clone, Default)]
pub struct TableCatalog {
    pub table: Table,
}

impl TableCatalog {
    pub fn new(table: Table) -> TableCatalog {
        TableCatalog { table }
    }
}

fn accepts(filters: &Filters, row: &Row) -> bool {
    filters.accepts_tags(&row.tags)
}

/// A row matches when any searchable cell (or hidden text) matches.
fn matches(row: &Row, query: &Query) -> bool {
    query.is_empty()
        || row.cells.iter().filter_map(|c| c.key.as_ref()).any(|k| k.is_match(query))
        || row.hidden.iter().any(|k| k.is_match(query))
}

impl Catalog for TableCatalog {
    fn len(&self) -> usize {
        self.table.rows.len()
    }

    fn total(&self) -> usize {
        self.table.rows.iter().filter(|r| !r.tags.archived).count()
    }

    fn order(&self, ask: &Ask) -> Visible {
        let rows = &self.table.rows;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        if let Some(col) = ask.sort.filter(|c| *c < self.table.columns.len()) {
            order.sort_by(|&a, &b| rows[a].cells[col].sort.compare(&rows[b].cells[col].sort));
        }
        if ask.reverse {
            order.reverse();
        }
        let kept = order.into_iter().filter(|&i| accepts(ask.filters, &rows[i]) && matches(&rows[i], ask.query));
        Visible::Rows(kept.map(|i| i as u32).collect())
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.table.rows.get(row)?.rec
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.table.rows.get(row)?.cadre
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        self.table.rows.iter().position(|r| r.rec == Some(rec))
    }
}
