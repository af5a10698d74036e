//! Writing 任免审批表 files (.lrmx) from what the database knows of a cadre, in the field
//! formats the department's editor reads (the tags and their order as the open-source readers
//! agree on them): name, gender, birth month, political status, education, speciality, the
//! home unit and post, one résumé line per secondment served and the annual grades by year.
//! Every other element is written empty. The ID-card number and the photo stay empty always:
//! the program never holds them.
//!
//! Many forms go into a zip written entry by entry, with file names in GBK (what Windows
//! tools without the UTF-8 flag read); a name GBK cannot hold is written in UTF-8 with the
//! flag set.

use super::export::StatusFilter;
use crate::domain::*;
use crate::store::{Particulars, Served};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The elements of a form, in the order the department's editor writes them.
/// `ZhengZhiMianMao` is not the editor's own but several tools write it, and guazhi's import
/// reads it first.
const TAGS: &[&str] = &[
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "ZhengZhiMianMao",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "Version",
];

/// The value of each element the database can fill.
fn fields(p: &Particulars, today: NaiveDate) -> HashMap<&'static str, String> {
    let c = &p.cadre;
    let home = p.home_unit.as_ref().map_or("", |u| u.name.as_str());
    let mut out = HashMap::from([
        ("XingMing", c.name.clone()),
        ("XingBie", c.gender.zh().to_string()),
        ("ChuShengNianYue", c.birth_date.format("%Y%m").to_string()),
        ("ZhengZhiMianMao", c.political.zh().to_string()),
        ("ShuXiZhuanYeYouHeZhuanChang", c.speciality.clone()),
        ("QuanRiZhiJiaoYu_XueLi", c.education.clone()),
        // The unit and the post in one text, as the form has it ("市国土规划局三旧改造科科长").
        ("XianRenZhiWu", format!("{home}{}", c.home_post)),
        ("JianLi", resume(&p.secondments, today).join("\r\n")),
        ("NianDuKaoHeJieGuo", annual_grades(&p.secondments)),
    ]);
    // The form's 入党时间 cell names a non-Party cadre's affiliation; a Party member's date of
    // joining is not known, so it stays empty.
    let affiliation = match c.political {
        Political::Democratic => "民主党派",
        Political::NonParty => "无党派",
        Political::Party | Political::Masses => "",
    };
    out.insert("RuDangShiJian", affiliation.to_string());
    out
}

/// One résumé line per secondment begun by `today`: `2017.04--2019.03 挂任南海区狮山镇党委委员`;
/// one still being served has no end (`2025.04--` and spaces, so the texts line up).
pub fn resume(secondments: &[Served], today: NaiveDate) -> Vec<String> {
    let month = |d: NaiveDate| d.format("%Y.%m").to_string();
    secondments
        .iter()
        .filter(|s| s.secondment.start <= today)
        .map(|s| {
            let t = &s.secondment;
            let end = if t.end() < today { month(t.end()) } else { " ".repeat(7) };
            let host = s.host.as_ref().map_or("", |u| u.name.as_str());
            format!("{}--{end} 挂任{host}{}", month(t.start), t.host_post)
        })
        .collect()
}

/// The annual grades recorded, by year: `2017年度称职，2018年度优秀` (a year two secondments
/// both graded differently shows both).
pub fn annual_grades(secondments: &[Served]) -> String {
    let mut grades: Vec<(&str, Grade)> = secondments
        .iter()
        .flat_map(|s| &s.reviews)
        .filter(|r| r.kind == ReviewKind::Annual && !r.cancelled)
        .filter_map(|r| Some((r.period.as_str(), r.grade?)))
        .collect();
    grades.sort();
    grades.dedup();
    grades.iter().map(|(year, g)| format!("{year}年度{}", g.zh())).collect::<Vec<_>>().join("，")
}

/// Text for an XML element: markup characters escaped, and a carriage return written as a
/// reference so that readers keep the résumé's CRLF line ends (they turn a bare CRLF into LF).
fn escape(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// The form as UTF-8 XML text.
pub fn form_xml(p: &Particulars, today: NaiveDate) -> String {
    let values = fields(p, today);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Person>\r\n");
    for tag in TAGS {
        out.push_str(&format!("  <{tag}>"));
        escape(values.get(tag).map_or("", String::as_str), &mut out);
        out.push_str(&format!("</{tag}>\r\n"));
    }
    out.push_str("</Person>\r\n");
    out
}

/// Which cadres a zip of forms holds: the screens' filters (as `guazhi export` applies them to
/// the cadres list), and the reserve pool's status.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub status: StatusFilter,
    pub kind: Option<ReviewKind>,
    pub batch: Option<Id>,
    pub district: Option<District>,
    /// Cadres with a reserve nomination in this status.
    pub reserve: Option<ReserveStatus>,
}

impl Selection {
    /// Whether the cadre is in: a secondment of the batch and district with (when a status or
    /// kind is asked for) a review of that status and kind; and the nomination asked for.
    pub fn takes(&self, p: &Particulars, today: NaiveDate, due_soon_days: u32) -> bool {
        let on_reviews = self.status != StatusFilter::All || self.kind.is_some();
        let on_secondments = on_reviews || self.batch.is_some() || self.district.is_some();
        let review =
            |r: &Review| self.kind.is_none_or(|k| r.kind == k) && self.status.accepts(r.status(today, due_soon_days));
        let secondment = |s: &Served| {
            self.batch.is_none_or(|b| s.secondment.batch_id == b)
                && self.district.is_none_or(|d| district(p, s) == Some(d))
                && (!on_reviews || s.reviews.iter().any(review))
        };
        (!on_secondments || p.secondments.iter().any(secondment))
            && self.reserve.is_none_or(|st| p.nominations.iter().any(|n| n.status == st))
    }
}

/// The grassroots district a secondment involves: the host's for down, the home unit's for up.
fn district(p: &Particulars, s: &Served) -> Option<District> {
    let unit = match s.secondment.direction {
        Direction::Down => s.host.as_ref(),
        Direction::Up => p.home_unit.as_ref(),
    };
    unit.map(|u| u.district).filter(|d| *d != District::City)
}

/// A file written under a temporary name beside `path` and renamed into place once whole, so
/// that a failure leaves nothing; readable by owner and group only (personnel data).
struct Staged {
    tmp: PathBuf,
    path: PathBuf,
    done: bool,
}

impl Staged {
    fn create(path: &Path) -> io::Result<(Staged, File)> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().ok_or_else(|| io::Error::other(format!("{}: not a file name", path.display())))?;
        let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
        let file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o660).open(&tmp)?;
        Ok((Staged { tmp, path: path.to_path_buf(), done: false }, file))
    }

    fn commit(mut self, file: File) -> io::Result<()> {
        file.sync_all()?;
        std::fs::rename(&self.tmp, &self.path)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes one form to `path` (replacing it).
pub fn save_form(p: &Particulars, today: NaiveDate, path: &Path) -> io::Result<()> {
    let (staged, mut file) = Staged::create(path)?;
    file.write_all(form_xml(p, today).as_bytes())?;
    staged.commit(file)
}

/// A zip of forms being written, one entry per cadre as they come.
pub struct FormZip {
    zip: zip::ZipWriter<BufWriter<File>>,
    staged: Staged,
    /// The entries' names so far: a second 张三 becomes 张三(2).
    names: HashSet<String>,
    pub count: usize,
}

impl FormZip {
    pub fn create(path: &Path) -> io::Result<FormZip> {
        let (staged, file) = Staged::create(path)?;
        Ok(FormZip { zip: zip::ZipWriter::new(BufWriter::new(file)), staged, names: HashSet::new(), count: 0 })
    }

    /// Adds the cadre's form as `姓名.lrmx` (`姓名(2).lrmx` for a second cadre of that name).
    pub fn add(&mut self, p: &Particulars, today: NaiveDate) -> io::Result<()> {
        let stem = file_stem(&p.cadre.name);
        let mut name = format!("{stem}.lrmx");
        for n in 2.. {
            if !self.names.contains(&name) {
                break;
            }
            name = format!("{stem}({n}).lrmx");
        }
        let raw = entry_name(&name);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o640);
        self.zip.start_file_with_options(options.name(&raw)).map_err(io::Error::other)?;
        self.zip.write_all(form_xml(p, today).as_bytes())?;
        self.names.insert(name);
        self.count += 1;
        Ok(())
    }

    /// Closes the archive and gives it its name; the number of forms in it.
    pub fn finish(self) -> io::Result<usize> {
        let writer = self.zip.finish().map_err(io::Error::other)?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        self.staged.commit(file)?;
        Ok(self.count)
    }
}

/// A name fit for a file on Windows and Unix: the characters they refuse become `_`.
pub fn file_stem(name: &str) -> String {
    let stem: String =
        name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    if stem.trim_matches(['.', ' ']).is_empty() {
        "_".into()
    } else {
        stem
    }
}

/// The bytes of an entry's name: GBK when it can hold the name, else UTF-8 (which the zip
/// crate flags as such).
pub fn entry_name(name: &str) -> Vec<u8> {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(name);
    if unmappable {
        name.as_bytes().to_vec()
    } else {
        gbk.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    fn unit(name: &str) -> Unit {
        Unit { id: 1, name: name.into(), kind: UnitKind::Town, district: District::Nanhai, version: 1 }
    }

    fn served(start: &str, planned_end: &str, host: &str, post: &str, annual: &[(&str, Grade)]) -> Served {
        let reviews = annual
            .iter()
            .map(|(year, g)| Review {
                id: 0,
                secondment_id: 0,
                kind: ReviewKind::Annual,
                period: year.to_string(),
                due: d(&format!("{}-01-31", year.parse::<i32>().unwrap() + 1)),
                done: Some(d("2020-01-01")),
                grade: Some(*g),
                assessor: String::new(),
                note: String::new(),
                cancelled: false,
                version: 1,
            })
            .collect();
        Served {
            secondment: Secondment {
                id: 0,
                cadre_id: 0,
                batch_id: 0,
                direction: Direction::Down,
                host_unit_id: 1,
                host_post: post.into(),
                start: d(start),
                planned_end: d(planned_end),
                actual_end: None,
                end_reason: None,
                version: 1,
            },
            host: Some(unit(host)),
            reviews,
        }
    }

    #[test]
    fn resume_lines_and_annual_grades() {
        let terms = [
            served(
                "2017-04-01",
                "2019-03-31",
                "南海区狮山镇",
                "党委委员",
                &[("2018", Grade::Excellent), ("2017", Grade::Competent)],
            ),
            served("2025-04-01", "2027-03-31", "三水区白坭镇", "副镇长", &[]),
            served("2027-04-01", "2029-03-31", "高明区更合镇", "副镇长", &[]),
        ];
        let lines = resume(&terms, d("2026-11-27"));
        assert_eq!(lines, ["2017.04--2019.03 挂任南海区狮山镇党委委员", "2025.04--        挂任三水区白坭镇副镇长"]);
        assert_eq!(annual_grades(&terms), "2017年度称职，2018年度优秀");
    }

    #[test]
    fn names_in_the_zip() {
        assert_eq!(entry_name("张三.lrmx"), encoding_rs::GBK.encode("张三.lrmx").0.into_owned());
        assert!(std::str::from_utf8(&entry_name("张三.lrmx")).is_err(), "GBK, not UTF-8");
        // 𠀋 is outside GBK: UTF-8 then.
        assert_eq!(entry_name("𠀋一.lrmx"), "𠀋一.lrmx".as_bytes());
        assert_eq!(file_stem("a/b:c"), "a_b_c");
        assert_eq!(file_stem(".."), "_");
    }

    #[test]
    fn markup_in_text_is_escaped() {
        let mut out = String::new();
        escape("A&B <x>\r\n", &mut out);
        assert_eq!(out, "A&amp;B &lt;x&gt;&#13;\n");
    }
}
