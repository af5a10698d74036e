//! Limits on hostile zip-based files, checked before any reader allocates (issue 14, part 2).
//! calamine builds a dense grid from the first to the last cell a sheet names, and sizes its
//! shared-string table from the count the file declares; the zip crate trusts entry offsets.
//! So before either runs: the archive's directory (entries, declared sizes, ratio, overlap,
//! duplicates), then each sheet's and the shared strings' XML, streamed with a running total,
//! counting cells and spans and stopping at the first limit passed.

use super::{say, InteropError};
use std::io::Read;

/// Entries in an archive (an xlsx has a few dozen; a zip of .lrmx one per person).
pub const MAX_ENTRIES: usize = 10_000;
/// Bytes all entries may decompress to, as declared and as read.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;
/// Declared size over compressed size: XML compresses 10–50 times, rarely over 200.
pub const MAX_RATIO: u64 = 1_000;
/// Cells in a sheet's grid, first to last cell (100,000 rows of the import's 27 columns fit).
pub const MAX_CELLS: u64 = 3_000_000;
/// Strings a shared-string table may declare.
pub const MAX_STRINGS: u64 = 3_000_000;

fn refuse(shown: &str, zh: String, en: String) -> InteropError {
    InteropError::BadFile(say(format!("{shown}：{zh}；未导入"), format!("{shown}: {en}; nothing was imported")))
}

/// The archive's directory: entry count, duplicate names, entries whose bytes overlap another's
/// (a few KiB made to unpack to gigabytes), declared sizes and ratios.
pub fn check_archive<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    shown: &str,
) -> Result<(), InteropError> {
    let n = archive.len();
    if n > MAX_ENTRIES {
        return Err(refuse(
            shown,
            format!("压缩包里有 {n} 个文件，超过上限 {MAX_ENTRIES}"),
            format!("{n} entries in the archive, over the limit of {MAX_ENTRIES}"),
        ));
    }
    let mut spans: Vec<(u64, u64)> = Vec::with_capacity(n);
    let mut names = std::collections::HashSet::with_capacity(n);
    let mut total = 0u64;
    for i in 0..n {
        let entry = archive.by_index_raw(i).map_err(|e| {
            refuse(shown, format!("第 {i} 项无法读取（{e}）"), format!("entry {i} cannot be read ({e})"))
        })?;
        if !names.insert(entry.name_raw().to_vec()) {
            let name = super::lrmx::zip_name(entry.name_raw());
            return Err(refuse(
                shown,
                format!("压缩包里 {name} 出现了不止一次"),
                format!("{name} appears more than once in the archive"),
            ));
        }
        let (size, packed) = (entry.size(), entry.compressed_size());
        total = total.saturating_add(size);
        if total > MAX_UNPACKED {
            return Err(refuse(
                shown,
                format!("解压后超过上限 {} MiB", MAX_UNPACKED >> 20),
                format!("it unpacks to more than the limit of {} MiB", MAX_UNPACKED >> 20),
            ));
        }
        if size > 1024 * 1024 && size / packed.max(1) > MAX_RATIO {
            let name = super::lrmx::zip_name(entry.name_raw());
            return Err(refuse(
                shown,
                format!("{name} 的压缩比超过上限 {MAX_RATIO}:1"),
                format!("{name} is compressed more than the limit of {MAX_RATIO}:1"),
            ));
        }
        let end = entry.data_start().unwrap_or(entry.header_start()).saturating_add(packed);
        spans.push((entry.header_start(), end));
    }
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(refuse(
            shown,
            "压缩包里有相互重叠的文件（压缩炸弹）".into(),
            "entries in the archive overlap each other (a zip bomb)".into(),
        ));
    }
    Ok(())
}

/// An xlsx: the directory, then every worksheet's cells and the shared strings' count.
pub fn check_xlsx(bytes: &[u8], shown: &str) -> Result<(), InteropError> {
    // Not a zip: an old .xls renamed, or damage; either way not read (calamine's .xls reader
    // allocates what the file declares).
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Err(refuse(
            shown,
            "不是 .xlsx 工作簿（可能是改了扩展名的 .xls，或文件已损坏）；请另存为 .xlsx".into(),
            "not an .xlsx workbook (perhaps an .xls renamed, or a damaged file); save it as .xlsx".into(),
        ));
    };
    check_archive(&mut archive, shown)?;
    let mut budget = MAX_UNPACKED;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| {
            refuse(shown, format!("第 {i} 项无法读取（{e}）"), format!("entry {i} cannot be read ({e})"))
        })?;
        let name = String::from_utf8_lossy(entry.name_raw()).to_ascii_lowercase();
        let sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        if !sheet && name != "xl/sharedstrings.xml" {
            continue;
        }
        let mut scan = Scan::default();
        scan.read(entry, &mut budget).map_err(|e| e.said(shown))?;
    }
    Ok(())
}

/// A limit passed, said once the file's name is known.
#[derive(Debug, PartialEq)]
pub enum Over {
    Unpacked,
    Cells(u64),
    Strings(u64),
    Unreadable(String),
}

impl Over {
    fn said(self, shown: &str) -> InteropError {
        match self {
            Over::Unpacked => refuse(
                shown,
                format!("解压后超过上限 {} MiB", MAX_UNPACKED >> 20),
                format!("it unpacks to more than the limit of {} MiB", MAX_UNPACKED >> 20),
            ),
            Over::Cells(n) => refuse(
                shown,
                format!("工作表跨越 {n} 个单元格，超过上限 {MAX_CELLS}"),
                format!("a sheet spans {n} cells, over the limit of {MAX_CELLS}"),
            ),
            Over::Strings(n) => refuse(
                shown,
                format!("共享字符串表声明了 {n} 个字符串，超过上限 {MAX_STRINGS}"),
                format!("the shared-string table declares {n} strings, over the limit of {MAX_STRINGS}"),
            ),
            Over::Unreadable(e) => refuse(shown, format!("解压时无法读取（{e}）"), format!("cannot be unpacked ({e})")),
        }
    }
}

/// A streamed pass over sheet or shared-string XML: tags only, text skipped.
#[derive(Default)]
pub struct Scan {
    rows: (u64, u64),
    cols: (u64, u64),
    cells: u64,
    row: u64,
    col: u64,
    seen: bool,
}

impl Scan {
    /// Reads `from` to its end in chunks, `budget` bytes at most across calls.
    pub fn read(&mut self, mut from: impl Read, budget: &mut u64) -> Result<(), Over> {
        let mut buf = vec![0u8; 64 * 1024];
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let n = from.read(&mut buf).map_err(|e| Over::Unreadable(e.to_string()))?;
            if n == 0 {
                return Ok(());
            }
            *budget = budget.checked_sub(n as u64).ok_or(Over::Unpacked)?;
            carry.extend_from_slice(&buf[..n]);
            let mut at = 0;
            while let Some(open) = carry[at..].iter().position(|&b| b == b'<') {
                let start = at + open;
                let Some(close) = carry[start..].iter().position(|&b| b == b'>') else { break };
                self.tag(&carry[start..start + close])?;
                at = start + close + 1;
            }
            // Text after the last tag is dropped; an unfinished tag is kept for the next chunk.
            let keep = carry[at..].iter().position(|&b| b == b'<').map_or(carry.len(), |p| at + p);
            carry.drain(..keep);
        }
    }

    fn tag(&mut self, tag: &[u8]) -> Result<(), Over> {
        let name_end = tag.iter().position(|&b| b == b' ' || b == b'/' || b == b'\t' || b == b'\n' || b == b'\r');
        let name = &tag[1..name_end.unwrap_or(tag.len())];
        match name {
            b"row" => {
                self.row = attr(tag, b"r").and_then(digits).unwrap_or(self.row + 1);
                self.col = 0;
            }
            b"c" => {
                let (col, row) = attr(tag, b"r").map_or((None, None), cell_ref);
                self.col = col.unwrap_or(self.col + 1);
                let row = row.unwrap_or(self.row.max(1));
                self.cells += 1;
                self.note(row, self.col)?;
            }
            b"sst" => {
                for key in [&b"count"[..], b"uniqueCount"] {
                    let n = attr(tag, key).and_then(digits).unwrap_or(0);
                    if n > MAX_STRINGS {
                        return Err(Over::Strings(n));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn note(&mut self, row: u64, col: u64) -> Result<(), Over> {
        if !self.seen {
            (self.rows, self.cols, self.seen) = ((row, row), (col, col), true);
        }
        self.rows = (self.rows.0.min(row), self.rows.1.max(row));
        self.cols = (self.cols.0.min(col), self.cols.1.max(col));
        let span = (self.rows.1 - self.rows.0 + 1).saturating_mul(self.cols.1 - self.cols.0 + 1);
        if span > MAX_CELLS || self.cells > MAX_CELLS {
            return Err(Over::Cells(span.max(self.cells)));
        }
        Ok(())
    }
}

/// The value of attribute `key` in a tag (`key="…"`, preceded by white space).
fn attr<'a>(tag: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(p) =
        tag[from..].windows(key.len() + 2).position(|w| &w[..key.len()] == key && &w[key.len()..] == b"=\"")
    {
        let at = from + p;
        if at > 0 && tag[at - 1].is_ascii_whitespace() {
            let value = &tag[at + key.len() + 2..];
            return value.iter().position(|&b| b == b'"').map(|end| &value[..end]);
        }
        from = at + 1;
    }
    None
}

fn digits(s: &[u8]) -> Option<u64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// `XFD1048576` as (column 16384, row 1048576); `None` for a part that is missing or odd.
fn cell_ref(r: &[u8]) -> (Option<u64>, Option<u64>) {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let col =
        (1..=3).contains(&letters).then(|| r[..letters].iter().fold(0u64, |n, b| n * 26 + u64::from(b - b'A' + 1)));
    (col, digits(&r[letters..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str) -> Result<(), Over> {
        let mut budget = MAX_UNPACKED;
        Scan::default().read(std::io::Cursor::new(xml.as_bytes()), &mut budget)
    }

    #[test]
    fn cell_references_are_read() {
        assert_eq!(cell_ref(b"A1"), (Some(1), Some(1)));
        assert_eq!(cell_ref(b"XFD1048576"), (Some(16_384), Some(1_048_576)));
        assert_eq!(cell_ref(b"1"), (None, Some(1)));
        assert_eq!(attr(br#"<c r="B2" s="1""#, b"r"), Some(&b"B2"[..]));
        assert_eq!(attr(br#"<c sr="B2""#, b"r"), None);
    }

    #[test]
    fn one_far_cell_is_over_the_limit_and_a_roster_is_not() {
        assert!(matches!(scan(r#"<sheetData><row r="1"><c r="A1"/><c r="XFD1048576"/></row>"#), Err(Over::Cells(_))));
        let rows: String =
            (1..=2000).map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c><c r="AA{r}"/></row>"#)).collect();
        assert_eq!(scan(&rows), Ok(()));
    }

    #[test]
    fn a_huge_shared_string_count_is_refused() {
        assert_eq!(scan(r#"<sst count="2000000000" uniqueCount="2">"#), Err(Over::Strings(2_000_000_000)));
        assert_eq!(scan(r#"<sst count="20" uniqueCount="2">"#), Ok(()));
    }
}
