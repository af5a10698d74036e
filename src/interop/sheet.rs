//! The export core: a header row and rows of typed cells, written as CSV or xlsx.
//!
//! Everything that leaves the program as a spreadsheet is rows of [`Cell`]s: the `export`
//! command streams them through [`super::write`], row by row; the screens build a [`Sheet`]
//! from the rows and columns on show (filter, sort and column order as displayed) and call
//! [`save`].
//!
//! - CSV: UTF-8 with a byte-order mark (so Excel shows Chinese), RFC 4180 quoting, CRLF line
//!   ends, dates as `YYYY-MM-DD`. A text cell that a spreadsheet would run as a formula gets a
//!   leading `'` ([`crate::text::defuse_formula`]); the import strips it again.
//! - xlsx: a bold, frozen header row with a filter, column widths from the content (CJK
//!   characters count double), dates as real Excel dates shown `yyyy-mm-dd`, numbers as
//!   numbers, and cells flagged overdue in red.

use super::write::{CsvRows, SheetFile, XlsxRows};
use crate::text::Destination;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Date(NaiveDate),
    Int(i64),
    Number(f64),
}

/// One cell: its value and whether it marks something overdue (drawn red in xlsx).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub overdue: bool,
}

impl Cell {
    pub fn empty() -> Cell {
        Cell { value: Value::Empty, overdue: false }
    }

    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::empty()
        } else {
            Cell { value: Value::Text(s), overdue: false }
        }
    }

    pub fn date(d: NaiveDate) -> Cell {
        Cell { value: Value::Date(d), overdue: false }
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Cell {
        d.map_or_else(Cell::empty, Cell::date)
    }

    pub fn int(n: i64) -> Cell {
        Cell { value: Value::Int(n), overdue: false }
    }

    pub fn number(x: f64) -> Cell {
        Cell { value: Value::Number(x), overdue: false }
    }

    /// Marks the cell as overdue (red in xlsx) when `yes`.
    pub fn overdue(mut self, yes: bool) -> Cell {
        self.overdue = yes;
        self
    }

    /// A cell from text as shown on screen: a strict `YYYY-MM-DD` becomes a date, anything
    /// else stays text. (Numbers are left as text here: only the caller knows whether "007"
    /// is a number; use [`Cell::int`] for columns that are.)
    pub fn from_shown(text: &str) -> Cell {
        match crate::domain::dates::parse_date(text) {
            Ok(d) if text.len() == 10 => Cell::date(d),
            _ => Cell::text(text),
        }
    }

    /// The cell as CSV text: formula-like text defused ([`crate::text::defuse_formula`]).
    pub fn csv_text(&self) -> Cow<'_, str> {
        match &self.value {
            Value::Empty => Cow::Borrowed(""),
            Value::Text(s) => crate::text::defuse_formula(s),
            Value::Date(d) => Cow::Owned(d.to_string()),
            Value::Int(n) => Cow::Owned(n.to_string()),
            Value::Number(x) => Cow::Owned(format_number(*x)),
        }
    }

    /// Width in spreadsheet columns (CJK characters count double).
    pub(super) fn width(&self) -> usize {
        match &self.value {
            Value::Empty => 0,
            Value::Text(s) => s.lines().map(crate::text::width).max().unwrap_or(0),
            Value::Date(_) => 10,
            Value::Int(n) => n.to_string().len(),
            Value::Number(x) => format_number(*x).len(),
        }
    }
}

/// The shortest text that reads back as the same number: 2, 2.5, 0.1.
fn format_number(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        x.to_string()
    }
}

/// A table to write: a title (the xlsx sheet name), a header row and the rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(title: &str, header: &[&str]) -> Sheet {
        Sheet { title: title.to_string(), header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    Csv,
    Xlsx,
}

impl SheetFormat {
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Csv => "csv",
            SheetFormat::Xlsx => "xlsx",
        }
    }

    /// The format a file name asks for, by its extension.
    pub fn of_path(path: &Path) -> Option<SheetFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(SheetFormat::Csv),
            "xlsx" => Some(SheetFormat::Xlsx),
            _ => None,
        }
    }
}

/// Writes the sheet as CSV: a UTF-8 byte-order mark, then RFC 4180 records with CRLF ends.
pub fn write_csv(sheet: &Sheet, out: &mut impl Write) -> io::Result<()> {
    let mut rows = CsvRows::new(out, &sheet.header, Destination::Other)?;
    for row in &sheet.rows {
        rows.row(row)?;
    }
    rows.finish()?.flush()
}

/// A valid sheet name: at most 31 characters, none of `[]:*?/\`.
pub(super) fn sheet_name(title: &str) -> String {
    let cleaned: String =
        title.chars().filter(|c| !"[]:*?/\\'".contains(*c) && !crate::text::is_forbidden(*c)).take(31).collect();
    if cleaned.trim().is_empty() {
        "Sheet1".into()
    } else {
        cleaned
    }
}

/// The sheet as xlsx file bytes.
pub fn xlsx_bytes(sheet: &Sheet) -> io::Result<Vec<u8>> {
    let mut rows = XlsxRows::new(&sheet.title, &sheet.header, None)?;
    for row in &sheet.rows {
        rows.row(row)?;
    }
    let mut out = io::Cursor::new(Vec::new());
    rows.finish(&mut out)?;
    Ok(out.into_inner())
}

/// Writes the sheet to `path` in `format`, through a temporary file in the same folder that
/// is renamed into place: a reader never sees half a file, and a failure leaves no debris.
pub fn save(sheet: &Sheet, format: SheetFormat, path: &Path) -> io::Result<()> {
    let mut file = SheetFile::create(path, format, &sheet.title, &sheet.header)?;
    for row in &sheet.rows {
        file.row(row)?;
    }
    file.finish().map(|_| ())
}

/// `dir/stem.ext`, or `dir/stem-2.ext`, `-3` … : the first name that does not exist yet, for
/// writing an export without replacing anything.
pub fn unused_path(dir: &Path, stem: &str, ext: &str) -> std::path::PathBuf {
    let mut path = dir.join(format!("{stem}.{ext}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    #[test]
    fn csv_has_bom_quotes_and_crlf() {
        let mut s = Sheet::new("t", &["姓名", "note"]);
        s.rows.push(vec![Cell::text("张三"), Cell::text("a, \"b\"\nc")]);
        s.rows.push(vec![Cell::date(parse_date("2017-04-01").unwrap()), Cell::number(2.50)]);
        let mut out = Vec::new();
        write_csv(&s, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\u{feff}姓名,note\r\n张三,\"a, \"\"b\"\"\nc\"\r\n2017-04-01,2.5\r\n");
    }

    #[test]
    fn formula_like_text_is_defused_in_csv() {
        assert_eq!(Cell::text("=1+1").csv_text(), "'=1+1");
        assert_eq!(Cell::text("@SUM(A1)").csv_text(), "'@SUM(A1)");
        assert_eq!(Cell::int(-3).csv_text(), "-3");
    }

    #[test]
    fn shown_dates_become_dates() {
        assert_eq!(Cell::from_shown("2026-11-27").value, Value::Date(parse_date("2026-11-27").unwrap()));
        assert_eq!(Cell::from_shown("2026-11-27 逾期").value, Value::Text("2026-11-27 逾期".into()));
        assert_eq!(Cell::from_shown("").value, Value::Empty);
    }

    #[test]
    fn numbers_print_short() {
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(0.1), "0.1");
        assert_eq!(format_number(33.8), "33.8");
        assert_eq!(format_number(-0.0), "0");
    }

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(sheet_name("a/b[c]"), "abc");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
