//! Reading 任免审批表 files (.lrmx), alone or in a zip, into [`Profile`]s: only what the program
//! keeps about a cadre. The ID-card number (ShenFenZheng), the photo (ZhaoPian) and everything
//! else the form carries are never read into memory beyond the XML parser's own buffer.
//!
//! Encoding: a byte-order mark wins; otherwise the XML declaration's `encoding` (GB2312, GBK
//! and GB18030 are all read as GB18030, their superset); a file without one is UTF-8, or
//! GB18030 when it is not valid UTF-8. Names inside a zip are UTF-8 when their bytes are valid
//! UTF-8 (always so when the archive's UTF-8 flag is set), otherwise GBK (GB18030), which is
//! what Chinese Windows writes without the flag.

use super::{normalise_name, say, InteropError, Problem};
use crate::domain::{Gender, Political};
use crate::lang::Message;
use chrono::NaiveDate;
use encoding_rs::{Encoding, GB18030, UTF_8};
use std::io::Read;
use std::path::Path;

/// Birth as the form gives it: a month (`YYYYMM`), or a whole date when the file has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birth {
    /// The first of the month when only the month is known.
    pub date: NaiveDate,
    pub month_only: bool,
}

/// What the program keeps from one .lrmx file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Profile {
    /// The file name (inside a zip: `archive.zip:name.lrmx`).
    pub source: String,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth: Option<Birth>,
    /// Set only when the form says it (ZhengZhiMianMao, or a non-empty RuDangShiJian).
    pub political: Option<Political>,
    pub education: Option<String>,
    pub speciality: Option<String>,
    /// XianRenZhiWu: unit and post in one text.
    pub current_post: Option<String>,
}

/// Largest .lrmx accepted (a photo is the bulk of one; a few hundred KiB is usual).
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Reads a .lrmx file or every .lrmx in a zip. Files that cannot be read are problems; the
/// caller refuses the whole import when there are any.
pub fn read_path(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<Profile>, InteropError> {
    let shown = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let meta = std::fs::metadata(path)?;
    let is_zip = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if !is_zip && meta.len() > MAX_FILE {
        return Err(InteropError::BadFile(say(
            format!("{shown}：大于 16 MiB，不是 .lrmx 文件"),
            format!("{shown}: larger than 16 MiB; not a .lrmx file"),
        )));
    }
    let bytes = std::fs::read(path)?;
    if !is_zip {
        return Ok(one(&bytes, shown, problems).into_iter().collect());
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        InteropError::BadFile(say(
            format!("{shown}：不是可读的 zip 压缩包（{e}）"),
            format!("{shown}: not a readable zip archive ({e})"),
        ))
    })?;
    super::bounds::check_archive(&mut archive, &shown)?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| {
            InteropError::BadFile(say(
                format!("{shown}：第 {i} 项无法读取（{e}）"),
                format!("{shown}: entry {i} unreadable ({e})"),
            ))
        })?;
        let name = zip_name(entry.name_raw());
        let source = format!("{shown}:{name}");
        if entry.is_dir() || !name.to_lowercase().ends_with(".lrmx") {
            continue;
        }
        if entry.size() > MAX_FILE {
            problems.push(problem(
                &source,
                None,
                say("大于 16 MiB，不是 .lrmx 文件", "larger than 16 MiB; not a .lrmx file"),
            ));
            continue;
        }
        let mut data = Vec::new();
        if let Err(e) = (&mut entry).take(MAX_FILE + 1).read_to_end(&mut data) {
            problems.push(problem(
                &source,
                None,
                say(format!("无法从压缩包读取（{e}）"), format!("cannot be read from the archive ({e})")),
            ));
            continue;
        }
        out.extend(one(&data, source, problems));
    }
    if out.is_empty() && problems.is_empty() {
        return Err(InteropError::BadFile(say(
            format!("{shown}：压缩包里没有 .lrmx 文件"),
            format!("{shown}: no .lrmx file in the archive"),
        )));
    }
    Ok(out)
}

/// A file name stored in a zip: UTF-8 when the bytes are valid UTF-8, else GBK.
pub fn zip_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => GB18030.decode_without_bom_handling(raw).0.into_owned(),
    }
}

fn problem(source: &str, tag: Option<&str>, message: Message) -> Problem {
    Problem { file: Some(source.to_string()), line: 0, column: tag.map(str::to_string), message }
}

fn one(bytes: &[u8], source: String, problems: &mut Vec<Problem>) -> Option<Profile> {
    let text = match decode_xml(bytes) {
        Ok(t) => t,
        Err(m) => {
            problems.push(problem(&source, None, m));
            return None;
        }
    };
    match parse(&text, source.clone()) {
        Ok(p) => Some(p),
        Err(mut list) => {
            problems.append(&mut list);
            None
        }
    }
}

/// The XML text, decoded by BOM, declaration, or UTF-8 then GB18030.
pub fn decode_xml(bytes: &[u8]) -> Result<String, Message> {
    let invalid = |enc: &'static Encoding| {
        say(format!("不是有效的 {} 文本", enc.name()), format!("not valid {} text", enc.name()))
    };
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        return if bad { Err(invalid(enc)) } else { Ok(text.into_owned()) };
    }
    let declared = declared_encoding(bytes).map(|label| {
        Encoding::for_label(label.as_bytes()).ok_or_else(|| {
            say(
                format!("XML 声明里的编码“{label}”无法识别"),
                format!("unknown encoding '{label}' in the XML declaration"),
            )
        })
    });
    let enc = match declared.transpose()? {
        Some(e) if e == UTF_8 => None,
        Some(e) if e.name() == "GBK" || e.name() == "gb18030" => Some(GB18030),
        Some(e) => Some(e),
        None => None,
    };
    let enc = enc.unwrap_or(if std::str::from_utf8(bytes).is_ok() { UTF_8 } else { GB18030 });
    let (text, bad) = enc.decode_without_bom_handling(bytes);
    if bad {
        return Err(invalid(enc));
    }
    Ok(text.into_owned())
}

/// The `encoding="…"` of an `<?xml …?>` declaration at the start.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    let start = head.windows(5).position(|w| w == b"<?xml")?;
    let end = head[start..].windows(2).position(|w| w == b"?>")? + start;
    let decl = std::str::from_utf8(&head[start..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].trim().to_string())
}

/// The fields the program keeps. `source` names the file in problems.
pub fn parse(text: &str, source: String) -> Result<Profile, Vec<Problem>> {
    let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 200_000, entity_resolver: None };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        vec![problem(&source, None, say(format!("无法作为 XML 读取（{e}）"), format!("not readable as XML ({e})")))]
    })?;
    let root = doc.root_element();
    if !root.tag_name().name().eq_ignore_ascii_case("Person") {
        let tag = root.tag_name().name();
        let message = say(
            format!("不是任免审批表：根元素是 <{tag}>，不是 <Person>"),
            format!("not a 任免审批表: the root element is <{tag}>, not <Person>"),
        );
        return Err(vec![problem(&source, None, message)]);
    }
    let mut problems = Vec::new();
    // Only these tags are looked at: ShenFenZheng and ZhaoPian never are.
    let mut field = |tag: &str| -> Option<String> {
        let node = root.children().find(|n| n.is_element() && n.tag_name().name() == tag)?;
        let raw: String = node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
        let one_line =
            raw.split(['\r', '\n', '\t']).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        let one_line = crate::text::normalise(&one_line);
        if let Some(message) = crate::text::refused_char(&one_line) {
            problems.push(problem(&source, Some(tag), message));
            return None;
        }
        Some(one_line).filter(|s| !s.is_empty())
    };
    let name = field("XingMing").map(|n| normalise_name(&n));
    let gender_text = field("XingBie");
    let birth_text = field("ChuShengNianYue");
    let mianmao = field("ZhengZhiMianMao");
    let rudang = field("RuDangShiJian");
    let education = field("QuanRiZhiJiaoYu_XueLi").or_else(|| field("ZaiZhiJiaoYu_XueLi"));
    let speciality = field("ShuXiZhuanYeYouHeZhuanChang").or_else(|| field("ZhuanYeJiShuZhiWu"));
    let current_post = field("XianRenZhiWu");
    let mut profile = Profile { source: source.clone(), education, speciality, current_post, ..Profile::default() };
    match name {
        Some(n) if n.chars().count() <= 50 => profile.name = n,
        Some(_) => problems.push(problem(
            &source,
            Some("XingMing"),
            say("姓名超过 50 个字", "a name of more than 50 characters"),
        )),
        None => problems.push(problem(&source, Some("XingMing"), say("姓名为空", "the name is empty"))),
    }
    if let Some(g) = gender_text {
        profile.gender = Gender::parse(&g);
        if profile.gender.is_none() {
            problems.push(problem(
                &source,
                Some("XingBie"),
                say(format!("“{g}”不是性别（男/女）"), format!("'{g}' is not a gender (男/女)")),
            ));
        }
    }
    if let Some(b) = birth_text {
        profile.birth = parse_birth(&b);
        if profile.birth.is_none() {
            problems.push(problem(
                &source,
                Some("ChuShengNianYue"),
                say(format!("“{b}”不是出生年月（YYYYMM）"), format!("'{b}' is not a birth month (YYYYMM)")),
            ));
        }
    }
    profile.political = political(mianmao.as_deref(), rudang.as_deref());
    if let Some(m) = mianmao.filter(|_| profile.political.is_none()) {
        problems.push(problem(
            &source,
            Some("ZhengZhiMianMao"),
            say(format!("“{m}”不是已知的政治面貌"), format!("'{m}' is not a known political status")),
        ));
    }
    if problems.is_empty() {
        Ok(profile)
    } else {
        Err(problems)
    }
}

/// `YYYYMM` (the first of the month), also `YYYY.MM`, `YYYY-MM`, `YYYY.M`, and `YYYYMMDD`.
pub fn parse_birth(s: &str) -> Option<Birth> {
    let s = s.trim();
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let parts: Vec<&str> = s.split(['.', '-', '/', '年', '月']).filter(|p| !p.is_empty()).collect();
    let (y, m, d) = match (parts.len(), digits.len()) {
        (1, 6) => (&digits[..4], &digits[4..6], None),
        (1, 8) => (&digits[..4], &digits[4..6], Some(&digits[6..8])),
        (2, _) if parts[0].len() == 4 => (parts[0], parts[1], None),
        (3, _) if parts[0].len() == 4 => (parts[0], parts[1], Some(parts[2])),
        _ => return None,
    };
    if s.chars().any(|c| !c.is_ascii_digit() && !".-/年月日".contains(c)) {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(n(y)? as i32, n(m)?, d.map_or(Some(1), n)?)?;
    Some(Birth { date, month_only: d.is_none() })
}

const DEMOCRATIC: &[&str] = &["民革", "民盟", "民建", "民进", "农工", "致公", "九三", "台盟", "民主党派"];

/// ZhengZhiMianMao when given; else RuDangShiJian: a date means a Party member, a democratic
/// party's name a member of it, 无党派 no affiliation; blank says nothing.
pub fn political(mianmao: Option<&str>, rudang: Option<&str>) -> Option<Political> {
    let label = |s: &str| -> Option<Political> {
        if DEMOCRATIC.iter().any(|p| s.contains(p)) {
            Some(Political::Democratic)
        } else if s.contains("无党派") {
            Some(Political::NonParty)
        } else if s.contains("群众") {
            Some(Political::Masses)
        } else if s.contains("中共") || s.contains("共产党") || s.contains("党员") {
            Some(Political::Party)
        } else {
            Political::parse(s)
        }
    };
    if let Some(m) = mianmao {
        return label(m);
    }
    let r = rudang?.trim();
    if r.starts_with(|c: char| c.is_ascii_digit()) {
        Some(Political::Party)
    } else {
        label(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_months() {
        let b = parse_birth("198506").unwrap();
        assert_eq!((b.date.to_string(), b.month_only), ("1985-06-01".into(), true));
        assert_eq!(parse_birth("1985.06").unwrap().date, b.date);
        assert_eq!(parse_birth("1985.6").unwrap().date, b.date);
        assert_eq!(parse_birth("19850617").unwrap().date.to_string(), "1985-06-17");
        assert!(!parse_birth("19850617").unwrap().month_only);
        assert!(parse_birth("198513").is_none());
        assert!(parse_birth("1985").is_none());
        assert!(parse_birth("八五年").is_none());
    }

    #[test]
    fn political_status_from_the_form() {
        assert_eq!(political(Some("中共党员"), None), Some(Political::Party));
        assert_eq!(political(Some("中共预备党员"), None), Some(Political::Party));
        assert_eq!(political(None, Some("2005.06")), Some(Political::Party));
        assert_eq!(political(None, Some("民盟")), Some(Political::Democratic));
        assert_eq!(political(None, Some("九三学社 2010.01")), Some(Political::Democratic));
        assert_eq!(political(None, Some("无党派")), Some(Political::NonParty));
        assert_eq!(political(None, None), None);
        assert_eq!(political(Some("群众"), Some("")), Some(Political::Masses));
    }

    #[test]
    fn declared_encodings() {
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\" encoding=\"GB2312\"?><Person/>"), Some("GB2312".into()));
        assert_eq!(declared_encoding(b"<?xml version='1.0' encoding = 'utf-8' ?>"), Some("utf-8".into()));
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\"?>"), None);
        let (gbk, _, _) = encoding_rs::GBK
            .encode("<?xml version=\"1.0\" encoding=\"GB2312\"?><Person><XingMing>张 三</XingMing></Person>");
        let text = decode_xml(&gbk).unwrap();
        assert!(text.contains("张 三"));
    }

    #[test]
    fn zip_names_utf8_or_gbk() {
        assert_eq!(zip_name("张三.lrmx".as_bytes()), "张三.lrmx");
        let (gbk, _, _) = encoding_rs::GBK.encode("张三.lrmx");
        assert_eq!(zip_name(&gbk), "张三.lrmx");
    }

    #[test]
    fn only_the_kept_fields_are_read() {
        let xml = "<Person><XingMing>张 三</XingMing><XingBie>男</XingBie><ChuShengNianYue>198506</ChuShengNianYue>\
                   <ShenFenZheng>440602198506170011</ShenFenZheng><ZhaoPian>AAAA</ZhaoPian>\
                   <RuDangShiJian>2008.07</RuDangShiJian><XianRenZhiWu>南海区狮山镇\r\n党委委员</XianRenZhiWu></Person>";
        let p = parse(xml, "a.lrmx".into()).unwrap();
        assert_eq!(p.name, "张三");
        assert_eq!(p.political, Some(Political::Party));
        assert_eq!(p.current_post.as_deref(), Some("南海区狮山镇 党委委员"));
        assert!(!format!("{p:?}").contains("440602"));
    }

    #[test]
    fn control_characters_are_refused() {
        let xml = "<Person><XingMing>张三\u{202e}abc</XingMing></Person>";
        let e = parse(xml, "a.lrmx".into()).unwrap_err();
        assert!(e[0].message.en.contains("U+202E"), "{e:?}");
    }
}
