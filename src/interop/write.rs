//! Sheets written one row at a time, in memory that does not grow with the rows: CSV straight
//! to its output, xlsx through `rust_xlsxwriter`'s constant-memory worksheets (each one a
//! temporary file, unnamed, that the save zips).
//!
//! An xlsx sheet holds at most 1,048,576 rows; a list longer than that continues on a second
//! sheet named `TITLE (2)` (then `(3)` …), each with the header row, its filter and its frozen
//! header.

use super::sheet::{sheet_name, Cell, Value};
use crate::text::{display_safe, Destination};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
use std::borrow::Cow;
use std::io::{self, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Where a list's rows go, one at a time.
pub trait RowSink {
    fn row(&mut self, cells: &[Cell]) -> io::Result<()>;
}

impl<W: Write> RowSink for CsvRows<W> {
    fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        CsvRows::row(self, cells)
    }
}

impl RowSink for XlsxRows {
    fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        XlsxRows::row(self, cells)
    }
}

impl RowSink for SheetFile {
    fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        SheetFile::row(self, cells)
    }
}

/// Rows kept in a [`super::Sheet`] (small lists, tests).
impl RowSink for super::Sheet {
    fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        self.rows.push(cells.to_vec());
        Ok(())
    }
}

/// Excel's limit: 1,048,576 rows a sheet, the header included.
pub const XLSX_ROWS_PER_SHEET: u32 = 1_048_575;

/// CSV rows: a UTF-8 byte-order mark (so that Excel shows Chinese), then RFC 4180 records with
/// CRLF ends. Text cells go through the output rule ([`crate::text`]): defused when formula-like,
/// escaped when `to` is a terminal.
pub struct CsvRows<W: Write> {
    out: csv::Writer<W>,
    to: Destination,
}

impl<W: Write> CsvRows<W> {
    pub fn new(mut out: W, header: &[String], to: Destination) -> io::Result<CsvRows<W>> {
        out.write_all("\u{feff}".as_bytes())?;
        let out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(out);
        let mut rows = CsvRows { out, to };
        rows.row(&header.iter().map(|h| Cell::text(h.as_str())).collect::<Vec<_>>())?;
        Ok(rows)
    }

    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        let texts: Vec<Cow<str>> = match self.to {
            Destination::Other => cells.iter().map(Cell::csv_text).collect(),
            Destination::Terminal => {
                cells.iter().map(|c| Cow::Owned(display_safe(&c.csv_text()).into_owned())).collect()
            }
        };
        self.out.write_record(texts.iter().map(|t| t.as_bytes())).map_err(csv_io)
    }

    /// Flushes and hands back the output.
    pub fn finish(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// A CSV writer's error as the I/O error it wraps, when it wraps one: a reader that stopped
/// reading (`| head`) is then a broken pipe, which the commands do not call a failure.
fn csv_io(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn xlsx_err(e: XlsxError) -> io::Error {
    io::Error::other(format!("xlsx: {e}"))
}

fn col(c: usize) -> io::Result<u16> {
    u16::try_from(c).ok().filter(|c| *c < 16_384).ok_or_else(|| io::Error::other("too many columns for xlsx"))
}

fn excel_date(d: NaiveDate) -> io::Result<ExcelDateTime> {
    let year = u16::try_from(d.year()).map_err(|_| io::Error::other(format!("{d}: year out of range for Excel")))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).map_err(xlsx_err)
}

/// The formats of an export: a bold header with a rule under it, dates `yyyy-mm-dd`, overdue
/// cells red and bold.
struct Formats {
    header: Format,
    plain: Format,
    date: Format,
    late: Format,
    late_date: Format,
}

impl Formats {
    fn new() -> Formats {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let red = |f: Format| f.set_font_color(Color::Red).set_bold();
        Formats {
            header: Format::new().set_bold().set_border_bottom(FormatBorder::Thin),
            plain: Format::new(),
            late: red(Format::new()),
            late_date: red(date.clone()),
            date,
        }
    }
}

/// xlsx rows: a bold, frozen header row with a filter, column widths from the content (CJK
/// characters count double), dates as real Excel dates, numbers as numbers, overdue cells red.
pub struct XlsxRows {
    book: Workbook,
    title: String,
    header: Vec<String>,
    formats: Formats,
    rows_per_sheet: u32,
    /// The sheet being written (0-based), its last row written and its column widths.
    sheet: usize,
    row: u32,
    widths: Vec<usize>,
}

impl XlsxRows {
    /// A workbook whose sheets keep their rows in unnamed temporary files in `tempdir` (the
    /// system's when `None`; give the destination's folder, since `/tmp` is often memory).
    pub fn new(title: &str, header: &[String], tempdir: Option<&Path>) -> io::Result<XlsxRows> {
        Self::with_rows_per_sheet(title, header, tempdir, XLSX_ROWS_PER_SHEET)
    }

    /// `new`, with a smaller sheet so that tests can see a list continue on the next sheet.
    #[doc(hidden)]
    pub fn with_rows_per_sheet(
        title: &str,
        header: &[String],
        tempdir: Option<&Path>,
        rows_per_sheet: u32,
    ) -> io::Result<XlsxRows> {
        let mut book = Workbook::new();
        if let Some(dir) = tempdir {
            book.set_tempdir(dir).map_err(xlsx_err)?;
        }
        let mut rows = XlsxRows {
            book,
            title: title.to_string(),
            header: header.to_vec(),
            formats: Formats::new(),
            rows_per_sheet: rows_per_sheet.max(1),
            sheet: 0,
            row: 0,
            widths: Vec::new(),
        };
        rows.start_sheet(1)?;
        Ok(rows)
    }

    fn start_sheet(&mut self, number: usize) -> io::Result<()> {
        let base = sheet_name(&self.title);
        let name = if number == 1 {
            base
        } else {
            let suffix = format!(" ({number})");
            let kept: String = base.chars().take(31 - suffix.chars().count()).collect();
            format!("{kept}{suffix}")
        };
        let ws = self.book.add_worksheet_with_constant_memory().map_err(xlsx_err)?;
        ws.set_name(name).map_err(xlsx_err)?;
        self.sheet = number - 1;
        self.row = 0;
        self.widths = self.header.iter().map(|h| crate::text::width(h)).collect();
        for (c, h) in self.header.iter().enumerate() {
            ws.write_string_with_format(0, col(c)?, h, &self.formats.header).map_err(xlsx_err)?;
        }
        Ok(())
    }

    /// Widths, the frozen header and the filter of the sheet just written.
    fn end_sheet(&mut self) -> io::Result<()> {
        let ncols = self.widths.len();
        let last_row = self.row;
        let ws = self.book.worksheet_from_index(self.sheet).map_err(xlsx_err)?;
        for (c, w) in self.widths.iter().enumerate() {
            ws.set_column_width(col(c)?, (*w + 2).clamp(6, 60) as f64).map_err(xlsx_err)?;
        }
        if ncols > 0 {
            ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
            ws.autofilter(0, 0, last_row, col(ncols - 1)?).map_err(xlsx_err)?;
        }
        Ok(())
    }

    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        if self.row == self.rows_per_sheet {
            self.end_sheet()?;
            self.start_sheet(self.sheet + 2)?;
        }
        self.row += 1;
        let r = self.row;
        if self.widths.len() < cells.len() {
            self.widths.resize(cells.len(), 0);
        }
        let f = &self.formats;
        let ws = self.book.worksheet_from_index(self.sheet).map_err(xlsx_err)?;
        for (c, cell) in cells.iter().enumerate() {
            self.widths[c] = self.widths[c].max(cell.width());
            let (fmt, fmt_date) = if cell.overdue { (&f.late, &f.late_date) } else { (&f.plain, &f.date) };
            let cc = col(c)?;
            match &cell.value {
                Value::Empty if cell.overdue => ws.write_blank(r, cc, fmt).map(|_| ()),
                Value::Empty => Ok(()),
                Value::Text(s) => ws.write_string_with_format(r, cc, s, fmt).map(|_| ()),
                Value::Int(n) => ws.write_number_with_format(r, cc, *n as f64, fmt).map(|_| ()),
                Value::Number(x) => ws.write_number_with_format(r, cc, *x, fmt).map(|_| ()),
                Value::Date(d) => ws.write_datetime_with_format(r, cc, &excel_date(*d)?, fmt_date).map(|_| ()),
            }
            .map_err(xlsx_err)?;
        }
        Ok(())
    }

    /// Zips the workbook into `out`.
    pub fn finish<W: Write + Seek + Send>(mut self, out: W) -> io::Result<()> {
        self.end_sheet()?;
        self.book.save_to_writer(out).map_err(xlsx_err)
    }
}

/// Rows going to a file in either format.
enum Rows {
    Csv(Box<CsvRows<io::BufWriter<std::fs::File>>>),
    Xlsx(Box<XlsxRows>, std::fs::File),
}

/// A sheet written to `path` as it is built: into a temporary file in the same folder, renamed
/// into place by [`SheetFile::finish`]. A reader never sees half a file; a failure, or a
/// writer dropped unfinished, leaves no debris.
pub struct SheetFile {
    rows: Option<Rows>,
    tmp: PathBuf,
    path: PathBuf,
    count: usize,
}

impl SheetFile {
    pub fn create(path: &Path, format: super::SheetFormat, title: &str, header: &[String]) -> io::Result<SheetFile> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().ok_or_else(|| io::Error::other(format!("{}: not a file name", path.display())))?;
        let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
        // Personnel data: no access for others (0660 before the umask, like the database).
        let file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o660).open(&tmp)?;
        let mut sheet = SheetFile { rows: None, tmp, path: path.to_path_buf(), count: 0 };
        sheet.rows = Some(match format {
            super::SheetFormat::Csv => {
                Rows::Csv(Box::new(CsvRows::new(io::BufWriter::new(file), header, Destination::Other)?))
            }
            super::SheetFormat::Xlsx => Rows::Xlsx(Box::new(XlsxRows::new(title, header, Some(dir))?), file),
        });
        Ok(sheet)
    }

    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        self.count += 1;
        match self.rows.as_mut().expect("rows until finished") {
            Rows::Csv(w) => w.row(cells),
            Rows::Xlsx(w, _) => w.row(cells),
        }
    }

    /// Completes the file, syncs it and renames it into place; returns the number of rows.
    pub fn finish(mut self) -> io::Result<usize> {
        let rows = self.rows.take().expect("rows until finished");
        let complete = || -> io::Result<()> {
            let file = match rows {
                Rows::Csv(w) => w.finish()?.into_inner().map_err(|e| e.into_error())?,
                Rows::Xlsx(w, mut file) => {
                    w.finish(&mut file)?;
                    file
                }
            };
            file.sync_all()?;
            std::fs::rename(&self.tmp, &self.path)
        };
        complete().inspect_err(|_| {
            let _ = std::fs::remove_file(&self.tmp);
        })?;
        Ok(self.count)
    }
}

impl Drop for SheetFile {
    fn drop(&mut self) {
        // Unfinished (an error on the way): take the partial file away.
        if self.rows.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader};

    #[test]
    fn a_long_list_continues_on_numbered_sheets_each_with_its_header() {
        let header = vec!["姓名".to_string(), "序号".into()];
        let mut rows = XlsxRows::with_rows_per_sheet("考核", &header, None, 2).unwrap();
        for i in 0..5 {
            rows.row(&[Cell::text(format!("人{i}")), Cell::int(i)]).unwrap();
        }
        let mut out = io::Cursor::new(Vec::new());
        rows.finish(&mut out).unwrap();
        let mut book = calamine::open_workbook_auto_from_rs(io::Cursor::new(out.into_inner())).unwrap();
        assert_eq!(book.sheet_names(), ["考核", "考核 (2)", "考核 (3)"]);
        let mut seen = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            let mut lines = range.rows();
            assert_eq!(lines.next().unwrap(), [Data::String("姓名".into()), Data::String("序号".into())]);
            for line in lines {
                assert!(matches!(line[1], Data::Float(_)), "numbers stay numbers: {line:?}");
                seen.push(line[0].to_string());
            }
        }
        assert_eq!(seen, ["人0", "人1", "人2", "人3", "人4"]);
    }

    #[test]
    fn an_unfinished_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        for format in [crate::interop::SheetFormat::Csv, crate::interop::SheetFormat::Xlsx] {
            let path = dir.path().join(format!("out.{}", format.extension()));
            let mut file = SheetFile::create(&path, format, "t", &["a".to_string()]).unwrap();
            file.row(&[Cell::text("x")]).unwrap();
            drop(file);
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{format:?}");
        }
    }
}
