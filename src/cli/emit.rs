//! How the reports write their rows, one at a time: an aligned table, CSV (RFC 4180 quoting)
//! or JSON, all through the output rule of [`crate::text`]: CSV cells defused when
//! formula-like, control and bidi characters escaped on a terminal (always in the table, whose
//! widths are measured on the escaped text), JSON with `\u` escapes for them.

use super::Format;
use crate::text::{defuse_formula, display_safe, json_safe, pad_to_width, width, Destination};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// A cell of a report: text (defused in CSV) or a number already formatted (never defused:
/// `-3` is a number, not a formula).
pub enum Field {
    Text(String),
    Number(String),
}

impl Field {
    pub fn text(s: impl Into<String>) -> Field {
        Field::Text(s.into())
    }

    pub fn number(n: impl ToString) -> Field {
        Field::Number(n.to_string())
    }

    fn as_str(&self) -> &str {
        match self {
            Field::Text(s) | Field::Number(s) => s,
        }
    }

    /// The cell as the table shows it: escaped, for a terminal or a file alike.
    pub fn shown(&self) -> Cow<'_, str> {
        display_safe(self.as_str())
    }

    fn csv(&self, to: Destination) -> String {
        let text = match self {
            Field::Text(s) => defuse_formula(s),
            Field::Number(s) => Cow::Borrowed(s.as_str()),
        };
        let text = to.shown(&text).into_owned();
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
}

/// A JSON array written element by element, pretty-printed as `serde_json` prints a whole one,
/// nested `indent` spaces deep.
pub struct JsonArray {
    indent: usize,
    count: usize,
}

impl JsonArray {
    pub fn start(out: &mut impl Write, indent: usize) -> io::Result<JsonArray> {
        out.write_all(b"[")?;
        Ok(JsonArray { indent, count: 0 })
    }

    pub fn element(&mut self, out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
        let json = serde_json::to_string_pretty(value).expect("report values serialise");
        out.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
        let pad = " ".repeat(self.indent + 2);
        for (i, line) in json_safe(&json).lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            write!(out, "{pad}{line}")?;
        }
        self.count += 1;
        Ok(())
    }

    pub fn end(self, out: &mut impl Write) -> io::Result<()> {
        if self.count > 0 {
            write!(out, "\n{}", " ".repeat(self.indent))?;
        }
        out.write_all(b"]")
    }
}

/// Rows of one report as they come: the table's column widths are given up front (measured
/// in a first pass, or known from the values a column can hold).
pub struct Rows<W: Write> {
    format: Format,
    out: W,
    to: Destination,
    widths: Vec<usize>,
    json: Option<JsonArray>,
}

impl<W: Write> Rows<W> {
    /// Starts a report: the table's or CSV's header line, or a JSON array's `[` (`indent`
    /// deep: 0 for a report that is one array).
    pub fn start(format: Format, mut out: W, to: Destination, header: &[&str], widths: Vec<usize>) -> io::Result<Self> {
        let json = match format {
            Format::Json => Some(JsonArray::start(&mut out, 0)?),
            _ => None,
        };
        let mut rows = Rows { format, out, to, widths, json };
        if format != Format::Json {
            let header: Vec<Field> = header.iter().map(|h| Field::text(*h)).collect();
            rows.line(&header)?;
        }
        Ok(rows)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// One row: `fields` in a table or CSV, `json` in JSON.
    pub fn row(&mut self, fields: &[Field], json: &impl Serialize) -> io::Result<()> {
        match &mut self.json {
            Some(array) => array.element(&mut self.out, json),
            None => self.line(fields),
        }
    }

    fn line(&mut self, fields: &[Field]) -> io::Result<()> {
        match self.format {
            Format::Csv => {
                let cells: Vec<String> = fields.iter().map(|f| f.csv(self.to)).collect();
                writeln!(self.out, "{}", cells.join(","))
            }
            _ => {
                let last = fields.len().saturating_sub(1);
                let cells: Vec<String> = fields
                    .iter()
                    .enumerate()
                    .map(
                        |(i, f)| {
                            if i == last {
                                f.shown().into_owned()
                            } else {
                                pad_to_width(&f.shown(), self.widths[i])
                            }
                        },
                    )
                    .collect();
                writeln!(self.out, "{}", cells.join("  ").trim_end())
            }
        }
    }

    /// Ends the report (the JSON array's `]`) and hands back the output.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(array) = self.json.take() {
            array.end(&mut self.out)?;
            writeln!(self.out)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Column widths for a table: each column's widest shown cell, the header included.
pub fn widths(header: &[&str], rows: &[Vec<Field>]) -> Vec<usize> {
    let mut out: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        grow(&mut out, r);
    }
    out
}

/// Widens `widths` to fit `row`.
pub fn grow(widths: &mut [usize], row: &[Field]) {
    for (w, f) in widths.iter_mut().zip(row) {
        *w = (*w).max(width(&f.shown()));
    }
}
