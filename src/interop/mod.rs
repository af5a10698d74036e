//! Interoperation with the department's other tools: spreadsheets out (`export`), spreadsheets
//! and 任免审批表 (.lrmx) files in (`import`), and safe copies of the live database (`backup`).
//!
//! The export core ([`sheet`]) takes a header row and rows of typed cells, so the screens can
//! export exactly what they show. Imports are all-or-nothing: every problem is collected with
//! its line and column, and nothing is written while any remains.

pub mod backup;
pub mod columns;
pub mod export;
mod export_lists;
pub mod import;
pub mod lrmx;
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
    pub message: String,
}

impl fmt::Display for Problem {
    /// `line 5, column C (出生日期): why`, or `archive.zip:张三.lrmx, column XingBie: why`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place: Vec<String> = Vec::new();
        place.extend(self.file.clone());
        if self.line > 0 {
            place.push(format!("line {}", self.line));
        }
        place.extend(self.column.as_ref().map(|c| format!("column {c}")));
        if !place.is_empty() {
            write!(f, "{}: ", place.join(", "))?;
        }
        f.write_str(&crate::text::display_safe(&self.message))
    }
}

#[derive(Debug)]
pub enum InteropError {
    /// The command line asked for something impossible (exit 2).
    Usage(String),
    /// The input file cannot be used as it is (exit 4, nothing written).
    BadFile(String),
    /// Rows with problems (exit 4, nothing written).
    Rows(Vec<Problem>),
    /// A backup copy failed its check (exit 5).
    Check(String),
    Store(StoreError),
    Io(std::io::Error),
}

impl fmt::Display for InteropError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InteropError::Usage(m) | InteropError::BadFile(m) | InteropError::Check(m) => f.write_str(m),
            InteropError::Rows(problems) => {
                writeln!(f, "{} problem(s); nothing was imported:", problems.len())?;
                for p in problems {
                    writeln!(f, "  {p}")?;
                }
                Ok(())
            }
            InteropError::Store(e) => write!(f, "{e}"),
            InteropError::Io(e) => write!(f, "{e}"),
        }
    }
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

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x3134f) || c == '·'
}

/// A person's name as stored: trimmed; spaces between Chinese characters (rosters pad
/// two-character names to line up with three-character ones: "张  三", and some .lrmx files
/// write "张 三") dropped; other runs of spaces (ideographic ones included) made one.
pub fn normalise_name(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            if !(before.is_some_and(is_cjk) && after.is_some_and(is_cjk)) {
                out.push(' ');
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_inner_spaces_between_chinese_characters_only() {
        assert_eq!(normalise_name(" 张 三 "), "张三");
        assert_eq!(normalise_name("张\u{3000}\u{3000}三"), "张三");
        assert_eq!(normalise_name("欧阳  明远"), "欧阳明远");
        assert_eq!(normalise_name("Li   Ming"), "Li Ming");
        assert_eq!(normalise_name("阿依古丽 · 买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn problems_read_with_line_and_column() {
        let p = Problem { file: None, line: 5, column: Some("C (出生日期)".into()), message: "bad\x1b".into() };
        assert_eq!(p.to_string(), "line 5, column C (出生日期): bad\\x1b");
    }
}
