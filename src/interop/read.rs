//! Reading a spreadsheet into rows of typed cells, with the line number and column of each:
//! xlsx (and xls/ods) with calamine, CSV with the csv crate. CSV is read as UTF-8 (a byte-order
//! mark is skipped); a file that is not valid UTF-8 is read as GBK (GB18030), which is what
//! Excel on Chinese Windows writes, and the import says so.

use super::{say, InteropError};
use crate::lang::Message;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::io::Cursor;
use std::path::Path;

/// What a cell of an imported sheet holds.
#[derive(Debug, Clone, PartialEq)]
pub enum In {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// A spreadsheet error value (#N/A, #REF! …).
    Error(String),
}

impl In {
    pub fn is_empty(&self) -> bool {
        match self {
            In::Empty => true,
            In::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as it would read in a message.
    pub fn shown(&self) -> String {
        match self {
            In::Empty => String::new(),
            In::Text(s) => s.clone(),
            In::Number(x) => x.to_string(),
            In::Date(d) => d.to_string(),
            In::Error(e) => e.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based line (CSV) or row (xlsx) number, as the user's spreadsheet program shows it.
    pub line: usize,
    pub cells: Vec<In>,
}

#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Non-blank lines, the header first.
    pub lines: Vec<Line>,
    /// The column index of the first cell (xlsx ranges may start right of column A).
    pub first_col: usize,
    /// Said to the user: how the file was read (an encoding fallback).
    pub notes: Vec<Message>,
}

/// Largest sheet file accepted, against accidents and decompression bombs.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

pub fn read_sheet(path: &Path) -> Result<Grid, InteropError> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > MAX_BYTES {
        let shown = path.display();
        return Err(InteropError::BadFile(say(
            format!("{shown}：大于 64 MiB"),
            format!("{shown}: larger than 64 MiB"),
        )));
    }
    let bytes = std::fs::read(path)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" => read_csv(&bytes),
        "xlsx" | "xlsm" => read_workbook(&bytes, path),
        // Their sizes cannot be checked before calamine allocates (a few KiB of .ods can
        // declare billions of repeated cells; .xls declares its own dimensions): not read.
        "xls" | "et" | "ods" => {
            let shown = path.display();
            Err(InteropError::BadFile(say(
                format!("{shown}：不读取 .{ext} 文件（其大小无法事先核实）；未导入；请在 Excel 或 WPS 中另存为 .xlsx 后再导入"),
                format!("{shown}: .{ext} files are not read (their size cannot be checked first); nothing was imported; save it as .xlsx from Excel or WPS, then import that"),
            )))
        }
        _ => {
            let shown = path.display();
            Err(InteropError::BadFile(say(
                format!("{shown}：不认识的文件类型；应为 .xlsx、.csv、.lrmx 或 .zip"),
                format!("{shown}: unknown file type; expected .xlsx, .csv, .lrmx or .zip"),
            )))
        }
    }
}

/// Decodes CSV bytes: UTF-8 (BOM skipped), else GBK/GB18030.
pub fn decode_text(bytes: &[u8], notes: &mut Vec<Message>) -> Result<String, InteropError> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(InteropError::BadFile(say(
            "文件是 UTF-16（“Unicode 文本”）；请在 Excel 中另存为“CSV UTF-8”",
            "the file is UTF-16 (\"Unicode text\"); save it from Excel as \"CSV UTF-8\" instead",
        )));
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            if let Some(line) = not_gb2312(body) {
                return Err(InteropError::BadFile(other_encoding(body, line)));
            }
            if looks_korean(body) {
                return Err(InteropError::BadFile(say(
                    "文件看来是 EUC-KR（韩文）编码，不是 GBK；按 GBK 读取会读错，未导入；请在 Excel 中另存为“CSV UTF-8”",
                    "the file looks like EUC-KR (Korean), not GBK; read as GBK it would be misread, so it was not imported; save it from Excel as \"CSV UTF-8\"",
                )));
            }
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
            if had_errors {
                return Err(InteropError::BadFile(say(
                    "文件既不是 UTF-8 也不是 GBK 文本",
                    "the file is neither UTF-8 nor GBK text",
                )));
            }
            notes.push(say(
                "文件不是 UTF-8，已按 GBK（GB18030）读取（中文 Windows 上的 Excel 就这样保存）",
                "the file is not UTF-8; it was read as GBK (GB18030), as Excel on Chinese Windows writes",
            ));
            Ok(text.into_owned())
        }
    }
}

/// EUC-KR's Hangul lies inside GB2312's zone, so it decodes as GBK into the wrong characters
/// without an error. But all of it sits under first bytes 0xB0–0xC8 (and symbols under
/// 0xA1–0xAF), while Chinese text soon uses 0xC9–0xF7 too: 市 张 王 政 镇 员 and the import's
/// own headers (姓名 性别) are there. Twenty characters and none up there: EUC-KR.
fn looks_korean(body: &[u8]) -> bool {
    let (mut i, mut pairs) = (0, 0usize);
    while i < body.len() {
        let b = body[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if (0xc9..=0xf7).contains(&b) {
            return false;
        }
        pairs += 1;
        i += 2;
    }
    pairs >= 20
}

/// Big5 (and Shift_JIS, and most other double-byte encodings) decodes as GBK without an error,
/// into the wrong characters. What Excel on simplified-Chinese Windows writes stays, apart
/// from a rare name, inside GB2312's zone (both bytes 0xA1 and up); Big5 puts about four in ten
/// characters outside it (second byte 0x40–0x7E). More than one in ten outside, and at least
/// three: not GBK. Returns the line (from 1) of the first one.
fn not_gb2312(body: &[u8]) -> Option<usize> {
    let (mut i, mut line, mut pairs, mut outside, mut first) = (0, 1, 0usize, 0usize, None);
    while i < body.len() {
        let b = body[i];
        if b < 0x80 {
            line += usize::from(b == b'\n');
            i += 1;
            continue;
        }
        let next = body.get(i + 1).copied().unwrap_or(0);
        pairs += 1;
        if !((0xa1..=0xf7).contains(&b) && (0xa1..=0xfe).contains(&next)) {
            outside += 1;
            first.get_or_insert(line);
        }
        // GB18030's four-byte form (second byte a digit) is never what Excel writes either.
        i += if next.is_ascii_digit() { 4 } else { 2 };
    }
    (outside >= 3 && outside * 10 > pairs).then_some(first).flatten()
}

/// The refusal for a file in another encoding than UTF-8 or GBK, naming Big5 when it reads
/// cleanly as Big5.
fn other_encoding(body: &[u8], line: usize) -> Message {
    let (_, big5_errors) = encoding_rs::BIG5.decode_without_bom_handling(body);
    if big5_errors {
        say(
            format!("第 {line} 行：文件既不是 UTF-8 也不是 GBK 文本（可能是其他编码）；请在 Excel 中另存为“CSV UTF-8”"),
            format!("line {line}: the file is neither UTF-8 nor GBK text (another encoding); save it from Excel as \"CSV UTF-8\""),
        )
    } else {
        say(
            format!("第 {line} 行：文件看来是 Big5（繁体中文）编码，不是 GBK；按 GBK 读取会读错，未导入；请在 Excel 中另存为“CSV UTF-8”"),
            format!("line {line}: the file looks like Big5 (traditional Chinese), not GBK; read as GBK it would be misread, so it was not imported; save it from Excel as \"CSV UTF-8\""),
        )
    }
}

fn read_csv(bytes: &[u8]) -> Result<Grid, InteropError> {
    let mut grid = Grid::default();
    let text = decode_text(bytes, &mut grid.notes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    // The csv crate reports a record's start before the previous line end; the line number is
    // counted here from the first byte of the record itself.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in reader.records() {
        let record = record.map_err(|e| {
            InteropError::BadFile(say(format!("无法作为 CSV 读取：{e}"), format!("not readable as CSV: {e}")))
        })?;
        let mut at = record.position().map_or(0, |p| p.byte() as usize).max(counted_to);
        while at < bytes.len() && (bytes[at] == b'\r' || bytes[at] == b'\n') {
            at += 1;
        }
        line += bytes[counted_to..at].iter().filter(|&&b| b == b'\n').count();
        counted_to = at;
        let cells: Vec<In> = record.iter().map(csv_cell).collect();
        if cells.iter().all(In::is_empty) {
            continue;
        }
        grid.lines.push(Line { line, cells });
    }
    Ok(grid)
}

/// A CSV field as a cell; the `'` the export puts before formula-like text is taken off.
fn csv_cell(s: &str) -> In {
    if s.is_empty() {
        return In::Empty;
    }
    In::Text(crate::text::undo_defuse(s).to_string())
}

fn read_workbook(bytes: &[u8], path: &Path) -> Result<Grid, InteropError> {
    let shown = path.display();
    let bad = |e: &dyn std::fmt::Display| {
        InteropError::BadFile(say(
            format!("{shown}：不是可读的工作簿（{e}）"),
            format!("{shown}: not a readable workbook ({e})"),
        ))
    };
    super::bounds::check_xlsx(bytes, &shown.to_string())?;
    // calamine can panic on some damaged files (fuzzing found an overflow): refuse them, never crash.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(&e))?;
        let names = book.sheet_names();
        match book.worksheet_range_at(0) {
            Some(r) => Ok((names, r.map_err(|e| bad(&e))?)),
            None => Err(InteropError::BadFile(say(
                format!("{shown}：工作簿里没有工作表"),
                format!("{shown}: the workbook has no sheet"),
            ))),
        }
    }));
    let (names, range) = parsed.map_err(|_| bad(&"damaged"))??;
    let mut grid = Grid::default();
    if names.len() > 1 {
        let first = &names[0];
        grid.notes
            .push(say(format!("只读取了第一张工作表（{first}）"), format!("only the first sheet ({first}) was read")));
    }
    let (row0, col0) = range.start().unwrap_or((0, 0));
    grid.first_col = col0 as usize;
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<In> = row.iter().map(xlsx_cell).collect();
        if cells.iter().all(In::is_empty) {
            continue;
        }
        grid.lines.push(Line { line: row0 as usize + i + 1, cells });
    }
    Ok(grid)
}

fn xlsx_cell(d: &Data) -> In {
    match d {
        Data::Empty => In::Empty,
        Data::String(s) => In::Text(s.clone()),
        Data::Int(n) => In::Number(*n as f64),
        Data::Float(x) => In::Number(*x),
        Data::Bool(b) => In::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => In::Date(t.date()),
            _ => In::Text(dt.to_string()),
        },
        Data::DateTimeIso(s) => match s.get(..10).and_then(|p| crate::domain::dates::parse_date(p).ok()) {
            Some(d) => In::Date(d),
            None => In::Text(s.clone()),
        },
        Data::DurationIso(s) => In::Text(s.clone()),
        Data::Error(e) => In::Error(format!("{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_follow_multiline_fields() {
        let g = read_csv("\u{feff}a,b\r\n\"x\ny\",2\r\n\r\n,\r\nz,3\r\n".as_bytes()).unwrap();
        let lines: Vec<usize> = g.lines.iter().map(|l| l.line).collect();
        assert_eq!(lines, [1, 2, 6]);
        assert_eq!(g.lines[0].cells[0], In::Text("a".into()));
        assert!(g.notes.is_empty());
    }

    #[test]
    fn gbk_csv_is_read_and_said() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,性别\r\n张三,男\r\n");
        let g = read_csv(&bytes).unwrap();
        assert_eq!(g.lines[1].cells[0], In::Text("张三".into()));
        assert_eq!(g.notes.len(), 1);
    }

    #[test]
    fn euc_kr_is_refused_not_misread_as_gbk() {
        let (korean, _, _) = encoding_rs::EUC_KR
            .encode("이름,성별,생년월일,소속\r\n김민준,남,1990-01-01,서울시청\r\n이서연,여,1991-02-02,부산시청\r\n");
        let (_, gbk_errors) = encoding_rs::GBK.decode_without_bom_handling(&korean);
        assert!(!gbk_errors, "the trap: it reads as GBK without an error");
        let Err(InteropError::BadFile(m)) = read_csv(&korean) else { panic!("EUC-KR read as GBK") };
        assert!(m.en.contains("EUC-KR"), "{}", m.en);
        // Chinese, even a short sheet whose characters happen to sit low, is still read.
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,性别\r\n陈丽,女\r\n");
        assert!(read_csv(&gbk).is_ok());
    }

    #[test]
    fn big5_is_refused_not_misread_as_gbk() {
        let text = "姓名,性別,單位\r\n陳大文,男,臺灣事務辦公室\r\n許志強,男,規劃與發展處\r\n";
        let (bytes, _, _) = encoding_rs::BIG5.encode(text);
        // The trap: the same bytes decode as GBK without a single error.
        assert!(!encoding_rs::GB18030.decode_without_bom_handling(&bytes).1);
        let Err(InteropError::BadFile(m)) = read_csv(&bytes) else { panic!("Big5 read as GBK") };
        assert!(m.en.contains("Big5") && m.en.starts_with("line 1"), "{}", m.en);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("名前,部署\r\n山田太郎,総務課\r\n佐藤花子,企画課\r\n");
        assert!(read_csv(&sjis).is_err(), "Shift_JIS read as GBK");
        // GBK with a rare name character outside GB2312 (镕) is still read.
        let (gbk, _, _) =
            encoding_rs::GBK.encode("姓名,单位\r\n朱镕基,国务院办公厅\r\n张三,市统计局\r\n李四,规划和自然资源局\r\n");
        assert_eq!(read_csv(&gbk).unwrap().lines[1].cells[0], In::Text("朱镕基".into()));
    }

    #[test]
    fn defused_formulas_come_back() {
        assert_eq!(csv_cell("'=1+1"), In::Text("=1+1".into()));
        assert_eq!(csv_cell("'quoted"), In::Text("'quoted".into()));
    }
}
