//! `E` on a list: the tab as shown — the rows the filters and the search leave, in their sort
//! order, and the columns on screen, in their order — written as an xlsx file in the current
//! folder (never over an existing file); the status line says where it went.

use super::view::{SortKey, Tone};
use super::App;
use crate::interop::{save, unused_path, Cell, Sheet, SheetFormat};
use std::path::{Path, PathBuf};

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

    /// The current tab as a sheet, exactly as listed: visible rows in display order, the
    /// columns on screen. Dates and plain numbers stay typed; overdue cells are marked.
    pub fn shown_sheet(&self) -> Sheet {
        let table = self.table(self.tab);
        let columns = self.shown_columns();
        let labels: Vec<&str> = columns.iter().map(|&c| table.columns[c].label).collect();
        let mut sheet = Sheet::new(self.t(self.tab.zh(), self.tab.en()), &labels);
        for &i in &self.list().visible {
            let row = &table.rows[i];
            let cells = columns.iter().map(|&c| {
                let Some(cell) = row.cells.get(c) else { return Cell::empty() };
                let typed = match &cell.sort {
                    SortKey::Date(d) if cell.text == d.to_string() => Cell::date(*d),
                    SortKey::Num(n) if cell.text == n.to_string() => Cell::int(*n),
                    _ => Cell::text(cell.text.as_str()),
                };
                let late = cell.tone == Tone::Overdue || (cell.tone == Tone::Normal && row.tone == Tone::Overdue);
                typed.overdue(late)
            });
            sheet.rows.push(cells.collect());
        }
        sheet
    }

    /// Writes the shown sheet into `dir`; returns the file and the number of rows.
    pub fn export_to(&self, dir: &Path) -> std::io::Result<(PathBuf, usize)> {
        let sheet = self.shown_sheet();
        let stem = format!("{}-{}", self.tab.en().to_lowercase(), self.today);
        let path = unused_path(dir, &stem, "xlsx");
        save(&sheet, SheetFormat::Xlsx, &path)?;
        Ok((std::path::absolute(&path).unwrap_or(path), sheet.rows.len()))
    }

    /// The key: into the current folder, else the home folder when that cannot be written.
    pub(super) fn export(&mut self) {
        if self.is_lean() {
            // Every row would have to be read and built: the command line streams it instead.
            self.status = Some((
                Tone::Warning,
                self.t(
                    "大型数据库请在命令行导出：guazhi export（可用 --batch 等筛选）",
                    "for a large database export on the command line: guazhi export (with --batch etc.)",
                )
                .to_string(),
            ));
            return;
        }
        let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let result = self.export_to(&here).or_else(|e| match std::env::var_os("HOME") {
            Some(home) if e.kind() == std::io::ErrorKind::PermissionDenied => self.export_to(Path::new(&home)),
            _ => Err(e),
        });
        self.status = Some(match result {
            Ok((path, rows)) => {
                let path = crate::text::display_safe(&path.display().to_string()).into_owned();
                let text = match self.opts.lang {
                    crate::lang::Lang::Zh => format!("已导出 {rows} 行到 {path}"),
                    crate::lang::Lang::En => format!("exported {rows} rows to {path}"),
                };
                (Tone::Good, text)
            }
            Err(e) => (Tone::Error, format!("{}{e}", self.t("导出失败：", "export failed: "))),
        });
    }
}
