//! `guazhi import` of a sheet, first step: each line read into typed values, every bad cell
//! reported with its line, column and reason. The second step ([`super::resolve`]) checks the
//! lines against each other and the database and makes the plan.

use super::columns::{column, letters, match_header, Key, Need, COLUMNS};
use super::read::{Grid, In};
use super::{normalise_name, say, Problem};
use crate::domain::plausible;
use crate::domain::*;
use crate::lang::Message;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A unit as a line names it, with the kind and district to create it with.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitIn {
    pub name: String,
    pub kind: Option<UnitKind>,
    pub district: Option<District>,
}

/// One line of the sheet, read.
#[derive(Debug, Clone, PartialEq)]
pub struct RowIn {
    pub line: usize,
    pub name: String,
    pub gender: Gender,
    pub birth: NaiveDate,
    pub political: Political,
    pub education: Option<String>,
    pub speciality: Option<String>,
    pub grassroots_years: Option<f64>,
    pub home: UnitIn,
    pub home_post: Option<String>,
    pub batch: String,
    pub dispatch: Option<NaiveDate>,
    pub term_months: Option<u32>,
    pub direction: Direction,
    pub host: UnitIn,
    pub host_post: String,
    pub start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub partner: Option<(String, Option<NaiveDate>)>,
}

/// The sheet's columns: which key each holds, and how to name a column in a message.
pub struct Layout {
    keys: HashMap<Key, usize>,
    headers: Vec<String>,
    first_col: usize,
    /// Index into the grid's lines of the header line.
    header_at: usize,
}

impl Layout {
    /// Where a key's column is, as `D (出生日期)`.
    pub fn describe(&self, key: Key) -> Option<String> {
        self.keys.get(&key).map(|&i| format!("{} ({})", letters(self.first_col + i), self.headers[i].trim()))
    }

    pub fn has(&self, key: Key) -> bool {
        self.keys.contains_key(&key)
    }
}

/// Reads the header line: every known column found, unknown ones noted, required ones checked.
/// The header is the first line naming at least three known columns among the first ten (a
/// title line above it, as rosters often have, is skipped), else the first line.
pub fn layout(grid: &Grid, problems: &mut Vec<Problem>, notes: &mut Vec<Message>) -> Option<Layout> {
    let known = |l: &&super::read::Line| l.cells.iter().filter(|c| match_header(&c.shown()).is_some()).count();
    let header_at = grid.lines.iter().take(10).position(|l| known(&l) >= 3).unwrap_or(0);
    let Some(header) = grid.lines.get(header_at) else {
        problems
            .push(Problem { file: None, line: 0, column: None, message: say("表格是空的", "the sheet is empty") });
        return None;
    };
    if header_at > 0 {
        let n = header.line;
        notes.push(say(
            format!("表头在第 {n} 行，之前的行已跳过"),
            format!("the header is line {n}; the lines above it were skipped"),
        ));
    }
    let headers: Vec<String> = header.cells.iter().map(In::shown).collect();
    let mut keys = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let col = format!("{} ({})", letters(grid.first_col + i), h.trim());
        match match_header(h) {
            Some(k) => {
                if let Some(&first) = keys.get(&k) {
                    let first = letters(grid.first_col + first);
                    let z = column(k).zh;
                    let message = say(
                        format!("又一列{z}（第一列是 {first}）"),
                        format!("a second {z} column (the first is {first})"),
                    );
                    problems.push(Problem { file: None, line: header.line, column: Some(col), message });
                } else {
                    keys.insert(k, i);
                }
            }
            None if h.trim().is_empty() => {}
            None => notes.push(say(
                format!("{col} 列不是导入读取的列，已忽略"),
                format!("column {col} is not one the import reads; ignored"),
            )),
        }
    }
    for c in COLUMNS.iter().filter(|c| c.need == Need::Required && !keys.contains_key(&c.key)) {
        let message = say(format!("缺少“{}”列", c.zh), format!("missing column {} ({})", c.zh, c.en));
        problems.push(Problem { file: None, line: header.line, column: None, message });
    }
    Some(Layout { keys, headers, first_col: grid.first_col, header_at })
}

/// Reads one line's cells, collecting a problem for each bad one.
struct Reader<'a> {
    layout: &'a Layout,
    cells: &'a [In],
    line: usize,
    problems: Vec<Problem>,
    /// What dates are judged by.
    today: NaiveDate,
    policy: &'a Policy,
}

impl Reader<'_> {
    fn cell(&self, key: Key) -> Option<&In> {
        self.layout.keys.get(&key).and_then(|&i| self.cells.get(i)).filter(|c| !c.is_empty())
    }

    fn bad(&mut self, key: Key, message: Message) {
        let column = self.layout.describe(key);
        self.problems.push(Problem { file: None, line: self.line, column, message });
    }

    /// The cell as text; `None` when blank (a problem too when the column is required).
    fn raw(&mut self, key: Key) -> Option<String> {
        match self.cell(key) {
            None => {
                if column(key).need == Need::Required {
                    let z = column(key).zh;
                    self.bad(key, say(format!("{z}必填"), format!("{z} is required")));
                }
                None
            }
            Some(In::Error(e)) => {
                let e = e.clone();
                self.bad(key, say(format!("单元格是错误值（{e}）"), format!("a spreadsheet error value ({e})")));
                None
            }
            Some(In::Number(x)) if x.fract() == 0.0 && x.abs() < 1e15 => Some(format!("{}", *x as i64)),
            Some(other) => Some(other.shown().trim().to_string()),
        }
    }

    /// Text as the store keeps it (normalised; no control, bidi or invisible characters; at
    /// most `max` characters), or a problem saying why not.
    fn text(&mut self, key: Key, max: usize) -> Option<String> {
        let s = self.raw(key)?;
        match crate::store::clean_text(column(key).zh, &s, max, false) {
            Ok(clean) => Some(clean),
            Err(crate::store::StoreError::Invalid { message, .. }) => {
                self.bad(key, message);
                None
            }
            Err(e) => {
                self.bad(key, e.message());
                None
            }
        }
    }

    /// A plausibility verdict on the value of `key`'s column.
    fn judge(&mut self, key: Key, verdict: plausible::Verdict) {
        if let Err(m) = verdict {
            self.bad(key, m);
        }
    }

    fn code<T>(&mut self, key: Key, parse: fn(&str) -> Option<T>, expected: Message) -> Option<T> {
        let s = self.text(key, 50)?;
        let v = parse(&s);
        if v.is_none() {
            self.bad(key, say(format!("“{s}”不是{}", expected.zh), format!("'{s}' is not {}", expected.en)));
        }
        v
    }

    fn date(&mut self, key: Key) -> Option<NaiveDate> {
        match self.cell(key) {
            Some(In::Date(d)) => Some(*d),
            Some(In::Number(x)) => {
                let x = *x;
                self.bad(
                    key,
                    say(
                        format!("{x} 是数字，不是日期（请把单元格设为日期格式，或写成 YYYY-MM-DD）"),
                        format!("{x} is a number, not a date (format the cell as a date, or write YYYY-MM-DD)"),
                    ),
                );
                None
            }
            _ => {
                let s = self.text(key, 40)?;
                match parse_loose_date(&s) {
                    Ok(d) => Some(d),
                    Err(m) => {
                        self.bad(key, m);
                        None
                    }
                }
            }
        }
    }

    fn number(&mut self, key: Key, range: std::ops::Range<f64>) -> Option<f64> {
        let x = match self.cell(key) {
            Some(In::Number(x)) => *x,
            _ => {
                let s = self.text(key, 20)?;
                match s.parse::<f64>() {
                    Ok(x) if x.is_finite() => x,
                    _ => {
                        self.bad(key, say(format!("“{s}”不是数字"), format!("'{s}' is not a number")));
                        return None;
                    }
                }
            }
        };
        if !range.contains(&x) {
            let (lo, hi) = (range.start, range.end);
            self.bad(key, say(format!("{x} 不在 {lo} 到 {hi} 之间"), format!("{x} is not between {lo} and {hi}")));
            return None;
        }
        Some(x)
    }

    fn unit(&mut self, name: Key, kind: Key, district: Key) -> Option<UnitIn> {
        let name_key = name;
        let kind = self.code(
            kind,
            UnitKind::parse,
            say(
                "单位类型（市直机关、区直单位、镇街、国有企业、事业单位）",
                "a unit kind (市直机关, 区直单位, 镇街, 国有企业, 事业单位)",
            ),
        );
        let district = self.code(
            district,
            District::parse,
            say("所在区（市级、禅城、南海、顺德、三水、高明）", "a district (市级, 禅城, 南海, 顺德, 三水, 高明)"),
        );
        let name = self.text(name, 100)?;
        self.judge(name_key, plausible::has_words(&name));
        Some(UnitIn { name, kind, district })
    }
}

/// The units a line names, read even when other cells of the line are bad, so that an unknown
/// unit is reported in the same pass as everything else.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitsOf {
    pub line: usize,
    pub home: Option<UnitIn>,
    pub host: Option<UnitIn>,
    /// The line's cadre, when the name read: a partner named on a line left out is told so.
    pub name: Option<String>,
}

/// Reads every line after the header. Lines with any bad cell are left out of the result and
/// their problems added to `problems`; the units of those lines are returned apart.
pub fn rows(
    grid: &Grid,
    layout: &Layout,
    today: NaiveDate,
    policy: &Policy,
    problems: &mut Vec<Problem>,
) -> (Vec<RowIn>, Vec<UnitsOf>) {
    let (mut out, mut partial) = (Vec::new(), Vec::new());
    for line in grid.lines.iter().skip(layout.header_at + 1) {
        let mut r = Reader { layout, cells: &line.cells, line: line.line, problems: Vec::new(), today, policy };
        let (row, units) = read_row(&mut r);
        if r.problems.is_empty() {
            out.extend(row);
        } else {
            partial.push(units);
        }
        problems.append(&mut r.problems);
    }
    (out, partial)
}

fn read_row(r: &mut Reader) -> (Option<RowIn>, UnitsOf) {
    let name = r.text(Key::Name, 50).map(|n| normalise_name(&n));
    if let Some(n) = &name {
        let verdict = plausible::person_name(n);
        r.judge(Key::Name, verdict);
    }
    let gender = r.code(Key::Gender, Gender::parse, say("性别（男/女）", "a gender (男/女)"));
    let birth = r.date(Key::BirthDate);
    if let Some(b) = birth {
        let verdict = plausible::birth_date(b, r.today, r.policy);
        r.judge(Key::BirthDate, verdict);
    }
    let political = r.code(
        Key::Political,
        Political::parse,
        say(
            "政治面貌（中共党员、民主党派、无党派人士、群众）",
            "a political status (中共党员, 民主党派, 无党派人士, 群众)",
        ),
    );
    let education = r.text(Key::Education, 50);
    let speciality = r.text(Key::Speciality, 100);
    let grassroots_years = r.number(Key::GrassrootsYears, 0.0..60.0);
    if let (Some(years), Some(b)) = (grassroots_years, birth) {
        let verdict = plausible::grassroots_years(years, b, r.today);
        r.judge(Key::GrassrootsYears, verdict);
    }
    let home = r.unit(Key::HomeUnit, Key::HomeUnitKind, Key::HomeUnitDistrict);
    let home_post = r.text(Key::HomePost, 100);
    let batch = r.text(Key::Batch, 100);
    if let Some(b) = &batch {
        r.judge(Key::Batch, plausible::has_words(b));
    }
    let dispatch = r.date(Key::DispatchDate);
    let term_months = r.number(Key::TermMonths, 1.0..121.0);
    if term_months.is_some_and(|t| t.fract() != 0.0) {
        r.bad(Key::TermMonths, say("月数应为整数", "a whole number of months"));
    }
    let direction = r.code(Key::Direction, Direction::parse, say("方向（下挂或上挂）", "a direction (下挂 or 上挂)"));
    let host = r.unit(Key::HostUnit, Key::HostUnitKind, Key::HostUnitDistrict);
    let host_post = r.text(Key::HostPost, 100);
    if let Some(p) = &host_post {
        r.judge(Key::HostPost, plausible::has_words(p));
    }
    let start = r.date(Key::Start);
    let planned_end = r.date(Key::PlannedEnd);
    let actual_end = r.date(Key::ActualEnd);
    for (key, date) in [
        (Key::DispatchDate, dispatch),
        (Key::Start, start),
        (Key::PlannedEnd, planned_end),
        (Key::ActualEnd, actual_end),
    ] {
        if let Some(d) = date {
            let verdict = plausible::programme_date(d, r.today);
            r.judge(key, verdict);
        }
    }
    let end_reason = r.text(Key::EndReason, 500);
    let partner_name = r.text(Key::PartnerName, 50).map(|n| normalise_name(&n));
    let partner_birth = r.date(Key::PartnerBirthDate);
    if partner_birth.is_some() && partner_name.is_none() {
        r.bad(
            Key::PartnerName,
            say("填了互派对象出生日期，就要填互派对象", "互派对象 is required with 互派对象出生日期"),
        );
    }
    let units = UnitsOf { line: r.line, home: home.clone(), host: host.clone(), name: name.clone() };
    let row = (|| {
        Some(RowIn {
            line: r.line,
            name: name?,
            gender: gender?,
            birth: birth?,
            political: political?,
            education,
            speciality,
            grassroots_years,
            home: home?,
            home_post,
            batch: batch?,
            dispatch,
            term_months: term_months.map(|t| t as u32),
            direction: direction?,
            host: host?,
            host_post: host_post?,
            start,
            planned_end,
            actual_end,
            end_reason,
            partner: partner_name.map(|n| (n, partner_birth)),
        })
    })();
    (row, units)
}

/// A date as people type it: `2017-04-01`, `2017/4/1`, `2017.4.1`, `2017年4月1日`, with an
/// optional midnight time (`2017-04-01 00:00:00`, as some programs write). Impossible dates
/// such as 2017-02-30 are refused.
pub fn parse_loose_date(s: &str) -> Result<NaiveDate, Message> {
    let t = s.trim();
    let t = t
        .strip_suffix(" 00:00:00")
        .or_else(|| t.strip_suffix(" 00:00"))
        .or_else(|| t.strip_suffix("T00:00:00"))
        .unwrap_or(t);
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let shape = parts.len() == 3
        && parts[0].len() == 4
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shape {
        return Err(say(
            format!("“{s}”不是日期（请写成 YYYY-MM-DD）"),
            format!("'{s}' is not a date (write YYYY-MM-DD)"),
        ));
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(parts[0]) as i32, n(parts[1]), n(parts[2]))
        .ok_or_else(|| say(format!("“{s}”不是真实的日期"), format!("'{s}' is not a real calendar date")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_dates() {
        let d = |s| parse_loose_date(s);
        assert_eq!(d("2017-04-01"), Ok(NaiveDate::from_ymd_opt(2017, 4, 1).unwrap()));
        assert_eq!(d("2017/4/1"), d("2017-04-01"));
        assert_eq!(d("2017.4.1"), d("2017-04-01"));
        assert_eq!(d("2017年4月1日"), d("2017-04-01"));
        assert_eq!(d("2017-04-01 00:00:00"), d("2017-04-01"));
        assert_eq!(d("2017-02-30").unwrap_err().en, "'2017-02-30' is not a real calendar date");
        assert!(d("17-4-1").is_err());
        assert!(d("2017-04").is_err());
        assert!(d("2017-04-01 12:00").is_err());
        assert!(d("二〇一七年四月一日").is_err());
    }
}
