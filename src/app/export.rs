//! `E` on a list: the tab as shown — the rows the filters and the search leave, in their sort
//! order, and the columns on screen, in their order — as an xlsx file in the current folder
//! (never over an existing file). The app describes the job; the effect runner writes it,
//! making the rows' cells from the store a slice at a time; the status line says where it went.

use super::view::{Rec, Row, SortKey, Tone};
use super::{App, Tab};
use crate::domain::Id;
use crate::interop::{Cell, Sheet};

/// What `E` asks the effect runner to write.
#[derive(Debug, Clone)]
pub struct ExportJob {
    pub tab: Tab,
    /// The file's name without folder and extension: `cadres-2026-11-27`.
    pub stem: String,
    /// The sheet: titled, headed by the columns on screen; filled here for the small tabs,
    /// by the runner from `rows` for the others.
    pub sheet: Sheet,
    pub columns: Vec<usize>,
    /// The records to write, in display order, with the cadre whose window holds their cells.
    pub rows: Vec<(Rec, Option<Id>)>,
}

impl PartialEq for ExportJob {
    fn eq(&self, other: &Self) -> bool {
        self.tab == other.tab && self.stem == other.stem && self.rows == other.rows
    }
}

/// A view row's cells as a sheet's: dates and plain numbers stay typed; overdue cells are marked.
pub fn sheet_row(row: &Row, columns: &[usize]) -> Vec<Cell> {
    columns
        .iter()
        .map(|&c| {
            let Some(cell) = row.cells.get(c) else { return Cell::empty() };
            let typed = match &cell.sort {
                SortKey::Date(d) if cell.text == d.to_string() => Cell::date(*d),
                SortKey::Num(n) if cell.text == n.to_string() => Cell::int(*n),
                _ => Cell::text(cell.text.as_str()),
            };
            let late = cell.tone == Tone::Overdue || (cell.tone == Tone::Normal && row.tone == Tone::Overdue);
            typed.overdue(late)
        })
        .collect()
}

impl App {
    /// The columns on screen in their order: those the last frame drew, else all of them.
    fn shown_columns(&self) -> Vec<usize> {
        let count = self.table(self.tab).columns.len();
        let mut drawn: Vec<(u16, usize)> =
            self.frame.header.iter().filter(|h| h.2 < count).map(|&(x, _, col)| (x, col)).collect();
        drawn.sort_unstable();
        if drawn.is_empty() {
            (0..count).collect()
        } else {
            drawn.into_iter().map(|(_, col)| col).collect()
        }
    }

    /// The key: the tab as shown, handed to the runner.
    pub(super) fn export(&mut self) -> super::Effect {
        let Some(job) = self.export_job() else { return super::Effect::None };
        self.requests.push(super::popup::Request::Export(job));
        self.status = Some((Tone::Muted, self.t("正在导出…", "exporting…").to_string()));
        super::Effect::Store
    }

    /// What `E` writes now: the current tab as shown.
    pub fn export_job(&self) -> Option<ExportJob> {
        let tab = self.tab;
        let table = self.table(tab);
        let columns = self.shown_columns();
        let labels: Vec<&str> = columns.iter().map(|&c| table.columns[c].label).collect();
        let mut sheet = Sheet::new(self.t(tab.zh(), tab.en()), &labels);
        let list = self.list();
        let mut rows = Vec::new();
        match tab {
            Tab::Overview | Tab::Units => {
                for i in list.visible.iter() {
                    if let Some(row) = table.rows.get(i) {
                        sheet.rows.push(sheet_row(row, &columns));
                    }
                }
            }
            _ => {
                let catalog = self.catalogs.get(tab)?;
                rows = list.visible.iter().filter_map(|r| Some((catalog.rec(r)?, catalog.cadre(r)))).collect();
            }
        }
        let stem = format!("{}-{}", tab.en().to_lowercase(), self.today);
        Some(ExportJob { tab, stem, sheet, columns, rows })
    }
}
