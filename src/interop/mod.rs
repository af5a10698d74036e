//! Interoperation with the department's other tools: spreadsheets out (`export`), spreadsheets
//! and 任免审批表 (.lrmx) files in (`import`), and safe copies of the live database (`backup`).
//!
//! The export core ([`sheet`]) takes a header row and rows of typed cells, so the screens can
//! export exactly what they show. Imports are all-or-nothing: every problem is collected with
//! its line and column, and nothing is written while any remains.

pub mod backup;
pub mod bounds;
pub mod columns;
pub mod export;
mod export_lists;
pub mod import;
pub mod lrmx;
pub mod lrmx_write;
pub mod parts;
pub mod plan;
pub mod profile;
pub mod read;
pub mod resolve;
mod resolve_terms;
pub mod run;
pub mod sheet;
pub mod write;

pub use sheet::{save, unused_path, write_csv, xlsx_bytes, Cell, Sheet, SheetFormat, Value};
pub use write::{CsvRows, RowSink, SheetFile, XlsxRows};

use crate::lang::{Lang, Message};
use crate::store::StoreError;
use std::fmt;

/// One thing wrong with an input file: where (line, and column when known) and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file inside an archive, for .lrmx files in a zip.
    pub file: Option<String>,
    pub line: usize,
    /// Column letter and header, e.g. `D (出生日期)`.
    pub column: Option<String>,
    pub message: Message,
}

impl Problem {
    /// `第 5 行，C (出生日期) 列：why` / `line 5, column C (出生日期): why`, or
    /// `archive.zip:张三.lrmx, column XingBie: why`. Display-safe.
    pub fn text(&self, lang: Lang) -> String {
        let mut place: Vec<String> = Vec::new();
        place.extend(self.file.clone());
        if self.line > 0 {
            place.push(lang.pick(format!("第 {} 行", self.line), format!("line {}", self.line)));
        }
        place.extend(self.column.as_ref().map(|c| lang.pick(format!("{c} 列"), format!("column {c}"))));
        let why = self.message.get(lang);
        let text = if place.is_empty() {
            why.to_string()
        } else {
            lang.pick(format!("{}：{why}", place.join("，")), format!("{}: {why}", place.join(", ")))
        };
        crate::text::display_safe(&text).into_owned()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

#[derive(Debug)]
pub enum InteropError {
    /// The command line asked for something impossible (exit 2).
    Usage(Message),
    /// The input file cannot be used as it is (exit 4, nothing written).
    BadFile(Message),
    /// Rows with problems (exit 4, nothing written).
    Rows(Vec<Problem>),
    /// A backup copy failed its check (exit 5).
    Check(Message),
    Store(StoreError),
    Io(std::io::Error),
    /// Stopped by this signal between two parts of an import (exit 128 + the signal).
    Interrupted(i32),
    /// An import that stopped after some of its parts were written (`written` says what, and
    /// that running it again finishes it); `cause` is why it stopped, and sets the exit code.
    Stopped {
        cause: Box<InteropError>,
        written: Message,
    },
}

impl InteropError {
    /// An I/O error with the file it is about, `path`: "No such file or directory" alone does
    /// not say which of the paths a command was given it is.
    pub fn naming(self, path: &std::path::Path) -> InteropError {
        match self {
            InteropError::Io(io) => InteropError::Io(crate::lang::AtPath::error(path, io)),
            other => other,
        }
    }

    /// What went wrong, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            InteropError::Usage(m) | InteropError::BadFile(m) | InteropError::Check(m) => m.get(lang).to_string(),
            InteropError::Rows(problems) => {
                let n = problems.len();
                let mut out = lang.pick(
                    format!("{n} 个问题，未导入任何内容：\n"),
                    format!("{n} problem(s); nothing was imported:\n"),
                );
                for p in problems {
                    out.push_str(&format!("  {}\n", p.text(lang)));
                }
                out
            }
            InteropError::Store(e) => e.message().get(lang).to_string(),
            InteropError::Io(e) => crate::lang::io_error(e).get(lang).to_string(),
            InteropError::Interrupted(signal) => {
                lang.pick(format!("被信号 {signal} 中止"), format!("stopped by signal {signal}"))
            }
            InteropError::Stopped { cause, written } => format!("{}\n{}", cause.text(lang), written.get(lang)),
        }
    }
}

impl fmt::Display for InteropError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A message in both languages (short, for the many in the import).
pub(crate) fn say(zh: impl Into<String>, en: impl Into<String>) -> Message {
    Message::new(zh, en)
}

impl std::error::Error for InteropError {}

impl From<StoreError> for InteropError {
    fn from(e: StoreError) -> Self {
        InteropError::Store(e)
    }
}

impl From<std::io::Error> for InteropError {
    fn from(e: std::io::Error) -> Self {
        InteropError::Io(e)
    }
}

pub use crate::text::normalise_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_with_line_and_column() {
        let p = Problem {
            file: None, line: 5, column: Some("C (出生日期)".into()), message: say("坏\x1b", "bad\x1b")
        };
        assert_eq!(p.to_string(), "line 5, column C (出生日期): bad\\x1b");
        assert_eq!(p.text(Lang::Zh), "第 5 行，C (出生日期) 列：坏\\x1b");
    }
}
