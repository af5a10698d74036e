//! `E` on a list: a small dialog (format, columns, file name), then the tab's rows — those the
//! filters and the search leave, in the screen's sort order — as a file in the current folder
//! (never over an existing file). What is written never depends on the terminal's width: the
//! columns are the list's (every one, in the screen's order), or every field of them, cells
//! as data. The app describes the job; the effect runner writes it, making the rows' cells
//! from the store a slice at a time; the status line says where it went.

use super::popup::Popup;
use super::view::{Rec, Row, SortKey, Table, Tone};
use super::{App, Tab};
use crate::domain::Id;
use crate::interop::{Cell, Sheet};
use tui_input::{Input, InputRequest};

/// A file format the dialog offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    /// A zip of 任免审批表, one `.lrmx` per cadre of the rows (Cadres and Reserve only).
    Lrmx,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Lrmx => "zip",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "CSV",
            ExportFormat::Lrmx => ".lrmx zip",
        }
    }

    /// The formats `tab` can be written in, the default first: the forms where the rows are
    /// people (the reserve pool's are what a proposal for a post needs).
    pub fn formats(tab: Tab) -> &'static [ExportFormat] {
        match tab {
            Tab::Cadres | Tab::Reserve => &[ExportFormat::Xlsx, ExportFormat::Csv, ExportFormat::Lrmx],
            _ => &[ExportFormat::Xlsx, ExportFormat::Csv],
        }
    }

    /// Whether the list's columns matter (a form has its own fields).
    pub fn has_columns(self) -> bool {
        self != ExportFormat::Lrmx
    }
}

/// The export dialog's fields, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportField {
    Format,
    Columns,
    File,
}

/// The dialog `E` opens over the list.
#[derive(Debug, Clone)]
pub struct ExportDialog {
    pub tab: Tab,
    pub format: ExportFormat,
    /// Every field (compound cells split into their parts), not the list's columns.
    pub every_field: bool,
    /// The file name, editable; its extension follows the format while it is the default's.
    pub file: Input,
    pub focus: ExportField,
}

impl ExportDialog {
    /// The default name is the tab's, in the session's language: `考核-2026-11-27.xlsx`.
    fn new(tab: Tab, today: chrono::NaiveDate, lang: crate::lang::Lang) -> ExportDialog {
        let format = ExportFormat::formats(tab)[0];
        let name = lang.pick(tab.zh().to_string(), tab.en().to_lowercase());
        let file = Input::new(format!("{name}-{today}.{}", format.extension()));
        ExportDialog { tab, format, every_field: false, file, focus: ExportField::Format }
    }

    /// The next or previous choice of the focused field (a file name has none).
    fn choose(&mut self, forward: bool) {
        match self.focus {
            ExportField::Format => {
                let all = ExportFormat::formats(self.tab);
                let i = all.iter().position(|f| *f == self.format).unwrap_or(0);
                let next = all[(i + if forward { 1 } else { all.len() - 1 }) % all.len()];
                // The name's extension follows the format (a name typed without it keeps none).
                let name = self.file.value().to_string();
                let old = format!(".{}", self.format.extension());
                if let Some(stem) = name.strip_suffix(&old) {
                    self.file = Input::new(format!("{stem}.{}", next.extension()));
                }
                self.format = next;
            }
            ExportField::Columns => self.every_field = !self.every_field,
            ExportField::File => {
                self.file.handle(if forward { InputRequest::GoToNextChar } else { InputRequest::GoToPrevChar });
            }
        }
    }

    fn step(&mut self, forward: bool) {
        use ExportField::*;
        self.focus = match (self.focus, forward) {
            (Format, true) | (File, false) => Columns,
            (Columns, true) | (Format, false) => File,
            (File, true) | (Columns, false) => Format,
        };
        if self.focus == Columns && !self.format.has_columns() {
            self.step(forward);
        }
    }
}

/// What a key does in the export dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportAct {
    Next,
    Prev,
    Left,
    Right,
    Write,
    Cancel,
    Input(InputRequest),
}

/// What `E` asks the effect runner to write.
#[derive(Debug, Clone)]
pub struct ExportJob {
    pub tab: Tab,
    pub format: ExportFormat,
    /// The file's name as typed (in the current folder unless it names another).
    pub file: String,
    /// The sheet: titled, headed by the columns on screen; filled here for the small tabs,
    /// by the runner from `rows` for the others.
    pub sheet: Sheet,
    pub columns: Vec<usize>,
    /// Compound columns split into their parts (`Table::split`).
    pub every_field: bool,
    /// The records to write, in display order, with the cadre whose window holds their cells.
    pub rows: Vec<(Rec, Option<Id>)>,
}

impl PartialEq for ExportJob {
    fn eq(&self, other: &Self) -> bool {
        self.tab == other.tab && self.file == other.file && self.rows == other.rows
    }
}

/// A view row's cells as a sheet's, as data: dates as dates, numbers as numbers, a status as
/// its word (`Cell::data`); overdue cells are marked. With `every_field`, a compound cell
/// (`unit post`) is written as its parts.
pub fn sheet_row(table: &Table, row: &Row, columns: &[usize], every_field: bool) -> Vec<Cell> {
    let mut out = Vec::new();
    for &c in columns {
        let Some(cell) = row.cells.get(c) else {
            out.push(Cell::empty());
            continue;
        };
        let late = cell.tone == Tone::Overdue || (cell.tone == Tone::Normal && row.tone == Tone::Overdue);
        let split = every_field && table.columns.get(c).is_some_and(|col| col.parts.is_some());
        if split {
            let (head, tail) = cell.parts();
            out.push(Cell::text(head).overdue(late));
            out.push(Cell::text(tail).overdue(late));
            continue;
        }
        let typed = match (&cell.sort, &cell.data) {
            // The screen's "-" for nothing is an empty cell in a file (a sheet would show "'-",
            // guarded against formulas).
            (SortKey::Empty, None) if cell.text == "-" => Cell::empty(),
            (SortKey::Date(d), None) if cell.text.starts_with(&d.to_string()) => Cell::date(*d),
            (SortKey::Num(n), None) if cell.text == n.to_string() => Cell::int(*n),
            (_, Some(word)) => Cell::text(word.as_str()),
            _ => Cell::text(cell.text.as_str()),
        };
        out.push(typed.overdue(late));
    }
    out
}

/// The sheet's header for `columns`: a compound column's parts with `every_field`.
pub fn sheet_header(table: &Table, columns: &[usize], every_field: bool) -> Vec<String> {
    let mut out = Vec::new();
    for &c in columns {
        let col = &table.columns[c];
        match (every_field, col.parts) {
            (true, Some((head, tail))) => {
                // Two columns under one header (Pairs' routes) are told apart by their names.
                let prefix = if col.detail != col.label { format!("{} ", col.detail) } else { String::new() };
                out.push(format!("{prefix}{head}"));
                out.push(format!("{prefix}{tail}"));
            }
            _ => out.push(col.detail.to_string()),
        }
    }
    out
}

impl App {
    /// The list's columns in the screen's order: every one, whatever the width.
    fn export_columns(&self, tab: Tab) -> Vec<usize> {
        (0..self.table(tab).columns.len()).collect()
    }

    /// `E`: the dialog, over the list.
    pub(super) fn export(&mut self) -> super::Effect {
        self.popup = Some(Popup::Export(ExportDialog::new(self.tab, self.today, self.opts.lang)));
        super::Effect::Redraw
    }

    /// A key in the dialog; Enter hands the job to the runner.
    pub(super) fn export_act(&mut self, act: ExportAct) -> super::Effect {
        let Some(Popup::Export(dialog)) = &mut self.popup else { return super::Effect::None };
        match act {
            ExportAct::Next => dialog.step(true),
            ExportAct::Prev => dialog.step(false),
            ExportAct::Left => dialog.choose(false),
            ExportAct::Right => dialog.choose(true),
            ExportAct::Cancel => self.popup = None,
            ExportAct::Input(req) => {
                if dialog.focus == ExportField::File {
                    dialog.file.handle(req);
                }
            }
            ExportAct::Write => {
                let Some(Popup::Export(dialog)) = self.popup.take() else { return super::Effect::None };
                if dialog.file.value().trim().is_empty() {
                    self.status = Some((Tone::Error, self.t("请填写文件名", "a file name is needed").to_string()));
                    self.popup = Some(Popup::Export(dialog));
                    return super::Effect::Redraw;
                }
                let Some(job) = self.export_job(&dialog) else { return super::Effect::Redraw };
                self.requests.push(super::popup::Request::Export(job));
                self.status = Some((Tone::Muted, self.t("正在导出…", "exporting…").to_string()));
                return super::Effect::Store;
            }
        }
        super::Effect::Redraw
    }

    /// What the dialog asks to write: the tab's rows in the screen's order and filter.
    pub fn export_job(&self, dialog: &ExportDialog) -> Option<ExportJob> {
        let tab = dialog.tab;
        let table = self.table(tab);
        let columns = self.export_columns(tab);
        let header = sheet_header(table, &columns, dialog.every_field);
        let labels: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut sheet = Sheet::new(self.t(tab.zh(), tab.en()), &labels);
        let list = &self.lists[tab.index()];
        let mut rows = Vec::new();
        match tab {
            Tab::Overview | Tab::Units => {
                for i in list.visible.iter() {
                    if let Some(row) = table.rows.get(i) {
                        sheet.rows.push(sheet_row(table, row, &columns, dialog.every_field));
                    }
                }
            }
            _ => {
                let catalog = self.catalogs.get(tab)?;
                rows = list.visible.iter().filter_map(|r| Some((catalog.rec(r)?, catalog.cadre(r)))).collect();
            }
        }
        let file = dialog.file.value().trim().to_string();
        Some(ExportJob { tab, format: dialog.format, file, sheet, columns, every_field: dialog.every_field, rows })
    }
}
