//! The export core: a header row and rows of typed cells, written as CSV or xlsx.
//!
//! Everything that leaves the program as a spreadsheet goes through [`Sheet`]: the `export`
//! command builds one per list, and the screens can build one from the rows and columns on
//! show (filter, sort and column order as displayed) and call [`save`].
//!
//! - CSV: UTF-8 with a byte-order mark (so Excel shows Chinese), RFC 4180 quoting, CRLF line
//!   ends, dates as `YYYY-MM-DD`. A text cell that starts with `=`, `+`, `-` or `@` gets a
//!   leading `'` so a spreadsheet does not run it as a formula; the import strips it again.
//! - xlsx: a bold, frozen header row with a filter, column widths from the content (CJK
//!   characters count double), dates as real Excel dates shown `yyyy-mm-dd`, numbers as
//!   numbers, and cells flagged overdue in red.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
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

    /// The cell as CSV text.
    pub fn csv_text(&self) -> String {
        match &self.value {
            Value::Empty => String::new(),
            // Text that already looks defused gets a second `'`, so the import's strip gives it back.
            Value::Text(s) if s.trim_start_matches('\'').starts_with(['=', '+', '-', '@']) => format!("'{s}"),
            Value::Text(s) => s.clone(),
            Value::Date(d) => d.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Number(x) => format_number(*x),
        }
    }

    /// Width in spreadsheet columns (CJK characters count double).
    fn width(&self) -> usize {
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
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(out);
    w.write_record(&sheet.header).map_err(io::Error::other)?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(Cell::csv_text)).map_err(io::Error::other)?;
    }
    w.flush()
}

fn xlsx_err(e: XlsxError) -> io::Error {
    io::Error::other(format!("xlsx: {e}"))
}

/// A valid sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
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
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(&sheet.title)).map_err(xlsx_err)?;
    let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let red = |f: Format| f.set_font_color(Color::Red).set_bold();
    let (plain, late, late_date) = (Format::new(), red(Format::new()), red(date.clone()));
    let ncols = sheet.header.len().max(sheet.rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut widths = vec![0usize; ncols];
    for (c, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, h, &header).map_err(xlsx_err)?;
        widths[c] = crate::text::width(h);
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| io::Error::other("too many rows for xlsx"))?;
        for (c, cell) in row.iter().enumerate() {
            widths[c] = widths[c].max(cell.width());
            let (fmt, fmt_date) = if cell.overdue { (&late, &late_date) } else { (&plain, &date) };
            let cc = col(c)?;
            match &cell.value {
                Value::Empty if cell.overdue => ws.write_blank(r, cc, fmt).map(|_| ()),
                Value::Empty => Ok(()),
                Value::Text(s) => ws.write_string_with_format(r, cc, s, fmt).map(|_| ()),
                Value::Int(n) => ws.write_number_with_format(r, cc, *n as f64, fmt).map(|_| ()),
                Value::Number(x) => ws.write_number_with_format(r, cc, *x, fmt).map(|_| ()),
                Value::Date(d) => {
                    let xd = excel_date(*d)?;
                    ws.write_datetime_with_format(r, cc, &xd, fmt_date).map(|_| ())
                }
            }
            .map_err(xlsx_err)?;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c)?, (*w + 2).clamp(6, 60) as f64).map_err(xlsx_err)?;
    }
    if ncols > 0 {
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        let last_row = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
        ws.autofilter(0, 0, last_row, col(ncols - 1)?).map_err(xlsx_err)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}

fn col(c: usize) -> io::Result<u16> {
    u16::try_from(c).ok().filter(|c| *c < 16_384).ok_or_else(|| io::Error::other("too many columns for xlsx"))
}

fn excel_date(d: NaiveDate) -> io::Result<ExcelDateTime> {
    let year = u16::try_from(d.year()).map_err(|_| io::Error::other(format!("{d}: year out of range for Excel")))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).map_err(xlsx_err)
}

/// Writes the sheet to `path` in `format`, through a temporary file in the same folder that
/// is renamed into place: a reader never sees half a file, and a failure leaves no debris.
pub fn save(sheet: &Sheet, format: SheetFormat, path: &Path) -> io::Result<()> {
    let bytes = match format {
        SheetFormat::Xlsx => xlsx_bytes(sheet)?,
        SheetFormat::Csv => {
            let mut buf = Vec::new();
            write_csv(sheet, &mut buf)?;
            buf
        }
    };
    write_atomically(path, &bytes)
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

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| io::Error::other(format!("{}: not a file name", path.display())))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    // Personnel data: no access for others (0660 before the umask, like the database).
    let write = || -> io::Result<()> {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o660).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    let result = write();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
