//! The columns of the secondments sheet: what `export --what secondments` writes, what
//! `template` lays out and what `import` reads. One row per secondment, carrying the cadre, the
//! units (with kind and district, so a new database can create them), the batch and the
//! partner, so that an export imported into an empty database rebuilds the programme.

/// Whether the import needs a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every row must have a value.
    Required,
    /// May be blank.
    Optional,
    /// Written by the export for people to read; the import ignores it.
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Name,
    Gender,
    BirthDate,
    Political,
    Education,
    Speciality,
    GrassrootsYears,
    HomeUnit,
    HomeUnitKind,
    HomeUnitDistrict,
    HomePost,
    Batch,
    DispatchDate,
    TermMonths,
    Direction,
    HostUnit,
    HostUnitKind,
    HostUnitDistrict,
    HostPost,
    Start,
    PlannedEnd,
    ActualEnd,
    EndReason,
    PartnerName,
    PartnerBirthDate,
    Status,
    OverdueReviews,
}

pub struct Column {
    pub key: Key,
    /// The Chinese header the export and the template write.
    pub zh: &'static str,
    /// The English header the import also accepts (spaces or underscores, any case).
    pub en: &'static str,
    pub need: Need,
    /// What the column holds, for the documentation and the template's header notes.
    pub about: &'static str,
}

use Need::*;

macro_rules! col {
    ($key:ident, $zh:literal, $en:literal, $need:ident, $about:literal) => {
        Column { key: Key::$key, zh: $zh, en: $en, need: $need, about: $about }
    };
}

pub const COLUMNS: &[Column] = &[
    col!(Name, "姓名", "name", Required, "the cadre's name; spaces inside a Chinese name (张  三) are dropped"),
    col!(Gender, "性别", "gender", Required, "男/女 (or m/f, male/female)"),
    col!(BirthDate, "出生日期", "birth_date", Required, "a date; with the name it identifies the cadre"),
    col!(Political, "政治面貌", "political", Required, "中共党员, 民主党派, 无党派人士 or 群众"),
    col!(Education, "学历", "education", Optional, "free text, e.g. 大学本科"),
    col!(Speciality, "专业特长", "speciality", Optional, "free text"),
    col!(GrassrootsYears, "基层工作年限", "grassroots_years", Optional, "years of grassroots experience, e.g. 1.5"),
    col!(HomeUnit, "原单位", "home_unit", Required, "the cadre's own unit, by its name"),
    col!(HomeUnitKind, "原单位类型", "home_unit_kind", Optional, "市直机关, 区直单位, 镇街, 国有企业 or 事业单位"),
    col!(HomeUnitDistrict, "原单位所在区", "home_unit_district", Optional, "市级, 禅城, 南海, 顺德, 三水 or 高明"),
    col!(HomePost, "原职务", "home_post", Optional, "the cadre's own post"),
    col!(Batch, "批次", "batch", Required, "the batch, by its name"),
    col!(DispatchDate, "派出日期", "dispatch_date", Optional, "the batch's dispatch date; needed for a new batch"),
    col!(TermMonths, "挂职期限（月）", "term_months", Optional, "the batch's term in months; default the policy's"),
    col!(Direction, "挂职方向", "direction", Required, "下挂 (down) or 上挂 (up)"),
    col!(HostUnit, "挂职单位", "host_unit", Required, "the host unit, by its name"),
    col!(HostUnitKind, "挂职单位类型", "host_unit_kind", Optional, "as 原单位类型"),
    col!(HostUnitDistrict, "挂职单位所在区", "host_unit_district", Optional, "as 原单位所在区"),
    col!(HostPost, "挂任职务", "host_post", Required, "the post held in the host unit"),
    col!(Start, "开始日期", "start", Optional, "default the batch's dispatch date"),
    col!(PlannedEnd, "计划结束日期", "planned_end", Optional, "default the batch's term from the start"),
    col!(ActualEnd, "实际结束日期", "actual_end", Optional, "only for a secondment that ended early"),
    col!(EndReason, "提前结束原因", "end_reason", Optional, "required with 实际结束日期"),
    col!(PartnerName, "互派对象", "partner_name", Optional, "the paired cadre of the same batch, by name"),
    col!(PartnerBirthDate, "互派对象出生日期", "partner_birth_date", Optional, "needed when two have that name"),
    col!(Status, "挂职状态", "status", Info, "written by the export; ignored by the import"),
    col!(OverdueReviews, "逾期考核", "overdue_reviews", Info, "written by the export; ignored by the import"),
];

/// Other headers people use for the same columns.
const ALIASES: &[(&str, Key)] = &[
    ("出生年月", Key::BirthDate),
    ("单位", Key::HomeUnit),
    ("工作单位", Key::HomeUnit),
    ("职务", Key::HomePost),
    ("现任职务", Key::HomePost),
    ("挂职岗位", Key::HostPost),
    ("挂职职务", Key::HostPost),
    ("方向", Key::Direction),
    ("互派对象姓名", Key::PartnerName),
    ("partner", Key::PartnerName),
];

pub fn column(key: Key) -> &'static Column {
    COLUMNS.iter().find(|c| c.key == key).expect("every key has a column")
}

/// The headers the template and the export write, in order.
pub fn headers() -> Vec<&'static str> {
    COLUMNS.iter().map(|c| c.zh).collect()
}

/// Header text reduced for comparison: no spaces, underscores or hyphens, no bracketed unit,
/// lower case.
fn reduce(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in h.trim().trim_start_matches('\u{feff}').chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = (depth as i32 - 1).max(0) as usize,
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '_' || c == '-' || c == '\u{3000}' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The column a header names (Chinese, English, or a known alias), if any.
pub fn match_header(h: &str) -> Option<Key> {
    let r = reduce(h);
    if r.is_empty() {
        return None;
    }
    COLUMNS
        .iter()
        .find(|c| reduce(c.zh) == r || reduce(c.en) == r)
        .map(|c| c.key)
        .or_else(|| ALIASES.iter().find(|(a, _)| reduce(a) == r).map(|(_, k)| *k))
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_both_languages() {
        assert_eq!(match_header("姓名"), Some(Key::Name));
        assert_eq!(match_header(" 姓 名 "), Some(Key::Name));
        assert_eq!(match_header("Birth Date"), Some(Key::BirthDate));
        assert_eq!(match_header("birth_date"), Some(Key::BirthDate));
        assert_eq!(match_header("挂职期限（月）"), Some(Key::TermMonths));
        assert_eq!(match_header("挂职期限(月)"), Some(Key::TermMonths));
        assert_eq!(match_header("TERM_MONTHS"), Some(Key::TermMonths));
        assert_eq!(match_header("\u{feff}姓名"), Some(Key::Name));
        assert_eq!(match_header("出生年月"), Some(Key::BirthDate));
        assert_eq!(match_header("籍贯"), None);
        assert_eq!(match_header(""), None);
    }

    #[test]
    fn every_header_is_unique_after_reduction() {
        let mut seen = std::collections::HashSet::new();
        for c in COLUMNS {
            assert!(seen.insert(reduce(c.zh)), "{}", c.zh);
            assert!(seen.insert(reduce(c.en)), "{}", c.en);
        }
        for (a, _) in ALIASES {
            assert!(seen.insert(reduce(a)), "{a}");
        }
    }

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(letters(702), "AAA");
    }
}
