//! 任免审批表 (.lrmx) export: every form of the demo read back with an XML reader that is not
//! the program's own (quick-xml), field by field against the database; the zip's names in GBK;
//! and the round trip through guazhi's own import, into the same database and an empty one.

use crate::interop_support::*;
use guazhi::domain::{Cadre, Grade, ReviewKind};
use guazhi::store::{Access, Data, Store};
use quick_xml::events::Event;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

/// sample.db in `dir`, mode 0660 as `guazhi init` makes it.
fn sample(dir: &Path) -> PathBuf {
    let path = dir.join("sample.db");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db"), &path).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o660)).unwrap();
    path
}

/// The children of `<Person>` and their text, as quick-xml reads them (references resolved,
/// line ends as XML 1.0 gives them).
fn person(xml: &str) -> BTreeMap<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut depth, mut tag, mut out) = (0, String::new(), BTreeMap::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                depth += 1;
                if depth == 1 {
                    assert_eq!(e.name().as_ref(), "Person");
                } else if depth == 2 {
                    tag = e.name().as_ref().to_string();
                    out.insert(tag.clone(), String::new());
                }
            }
            Event::End(_) => depth -= 1,
            Event::Text(t) if depth == 2 => out.get_mut(&tag).unwrap().push_str(&t.xml10_content()),
            Event::GeneralRef(r) if depth == 2 => {
                let ch = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r.xml10_content()).unwrap().to_string(),
                };
                out.get_mut(&tag).unwrap().push_str(&ch);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    out
}

/// What each form must say of a cadre, worked out here from the loaded data.
fn expected(data: &Data, c: &Cadre) -> BTreeMap<&'static str, String> {
    let today = guazhi::domain::dates::parse_date(TODAY).unwrap();
    let unit: HashMap<i64, &str> = data.units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let mut resume = Vec::new();
    let mut grades: Vec<(String, Grade)> = Vec::new();
    for s in data.secondments.iter().filter(|s| s.cadre_id == c.id) {
        for r in data.reviews.iter().filter(|r| r.secondment_id == s.id && r.kind == ReviewKind::Annual) {
            if let (Some(g), false) = (r.grade, r.cancelled) {
                grades.push((r.period.clone(), g));
            }
        }
        if s.start > today {
            continue;
        }
        let end = s.actual_end.unwrap_or(s.planned_end);
        let end = if end < today { end.format("%Y.%m").to_string() } else { "       ".into() };
        resume.push(format!("{}--{end} 挂任{}{}", s.start.format("%Y.%m"), unit[&s.host_unit_id], s.host_post));
    }
    grades.sort();
    grades.dedup();
    let grades: Vec<String> = grades.iter().map(|(y, g)| format!("{y}年度{}", g.zh())).collect();
    BTreeMap::from([
        ("XingMing", c.name.clone()),
        ("XingBie", c.gender.zh().to_string()),
        ("ChuShengNianYue", c.birth_date.format("%Y%m").to_string()),
        ("ZhengZhiMianMao", c.political.zh().to_string()),
        ("QuanRiZhiJiaoYu_XueLi", c.education.clone()),
        ("ShuXiZhuanYeYouHeZhuanChang", c.speciality.clone()),
        ("XianRenZhiWu", format!("{}{}", unit[&c.home_unit_id], c.home_post)),
        ("JianLi", resume.join("\r\n")),
        ("NianDuKaoHeJieGuo", grades.join("，")),
        ("ShenFenZheng", String::new()),
        ("ZhaoPian", String::new()),
    ])
}

/// Each entry of a zip: its name as stored (GBK decoded) and its text.
fn entries(zip: &Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut e = archive.by_index(i).unwrap();
            let raw = e.name_raw().to_vec();
            // Chinese names go in GBK (the tools read them in the ANSI code page), not UTF-8.
            let (name, _, bad) = encoding_rs::GBK.decode(&raw);
            assert!(!bad && (raw.is_ascii() || raw != name.as_bytes()), "{raw:?} is not GBK");
            let mut text = String::new();
            e.read_to_string(&mut text).unwrap();
            (name.into_owned(), text)
        })
        .collect()
}

#[test]
fn every_form_of_the_demo_says_what_the_database_knows() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample(dir.path());
    let zip = dir.path().join("forms.zip");
    ok(&guazhi(&["export", s(&db), "--what", "lrmx", "--out", s(&zip), "--today", TODAY]));
    let data = Store::open(&db, Access::ReadOnly).unwrap().load().unwrap();
    let forms = entries(&zip);
    let live: Vec<&Cadre> = data.cadres.iter().filter(|c| !c.archived).collect();
    assert_eq!(forms.len(), live.len());
    let mut checked = 0;
    for (name, xml) in &forms {
        let fields = person(xml);
        let cadre = live.iter().find(|c| format!("{}.lrmx", c.name) == *name).expect(name);
        for (tag, want) in expected(&data, cadre) {
            assert_eq!(fields.get(tag), Some(&want), "{name}: {tag}");
        }
        // Nothing else is filled in.
        let filled: Vec<&String> = fields.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k).collect();
        assert!(
            filled.iter().all(|t| expected(&data, cadre).contains_key(t.as_str()) || *t == "RuDangShiJian"),
            "{filled:?}"
        );
        checked += 1;
    }
    assert!(checked > 60);
    // The example of the issue: the first batch's land-planning section chief.
    let qiu = person(&forms.iter().find(|(n, _)| n == "邱志远.lrmx").unwrap().1);
    assert_eq!(qiu["JianLi"], "2017.04--2019.03 挂任南海区狮山镇党委委员");
    assert_eq!(qiu["NianDuKaoHeJieGuo"], "2017年度称职，2018年度优秀，2019年度优秀");
    assert_eq!(qiu["XianRenZhiWu"], "市国土规划局三旧改造科科长");
}

#[test]
fn the_reserve_pools_admitted_cadres_and_one_cadres_form() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample(dir.path());
    let zip = dir.path().join("admitted.zip");
    let out =
        guazhi(&["export", s(&db), "--what", "lrmx", "--reserve", "admitted", "--out", s(&zip), "--today", TODAY]);
    ok(&out);
    let data = Store::open(&db, Access::ReadOnly).unwrap().load().unwrap();
    let admitted: Vec<String> = data
        .nominations
        .iter()
        .filter(|n| n.status == guazhi::domain::ReserveStatus::Admitted)
        .map(|n| format!("{}.lrmx", data.cadres.iter().find(|c| c.id == n.cadre_id).unwrap().name))
        .collect();
    let mut names: Vec<String> = entries(&zip).into_iter().map(|(n, _)| n).collect();
    let mut want = admitted.clone();
    names.sort();
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(names, want);

    let one = dir.path().join("邱志远.lrmx");
    ok(&guazhi(&["export", s(&db), "--what", "lrmx", "--cadre", "邱志远", "--out", s(&one), "--today", TODAY]));
    assert_eq!(person(&std::fs::read_to_string(&one).unwrap())["XingMing"], "邱志远");
    // Bad requests name the option and write nothing.
    let missing = dir.path().join("nobody.lrmx");
    let out = guazhi(&["export", s(&db), "--what", "lrmx", "--cadre", "无此人", "--out", s(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--cadre: no cadre named '无此人'"), "{}", stderr(&out));
    let out = guazhi(&["export", s(&db), "--what", "lrmx", "--out", s(&missing)]);
    assert_eq!(out.status.code(), Some(2), "a .lrmx holds one cadre");
    assert!(!missing.exists());
}

#[test]
fn the_forms_read_back_with_guazhis_import_as_the_same_cadres() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample(dir.path());
    let zip = dir.path().join("forms.zip");
    ok(&guazhi(&["export", s(&db), "--what", "lrmx", "--out", s(&zip), "--today", TODAY]));
    // Into the database they came from: nothing to change.
    let same = ok(&guazhi(&["import", s(&db), s(&zip), "--dry-run", "--today", TODAY]));
    assert!(same.contains("nothing to change"), "{same}");

    // Into an empty one that knows the units: the same cadres (born on the first of the month,
    // all the form gives).
    let original = Store::open(&db, Access::ReadOnly).unwrap().load().unwrap();
    let fresh = dir.path().join("fresh.db");
    {
        let mut store = Store::init(&fresh).unwrap();
        store
            .write(|w| {
                for u in &original.units {
                    w.add_unit(&u.name, u.kind, u.district)?;
                }
                Ok(())
            })
            .unwrap();
    }
    ok(&guazhi(&["import", s(&fresh), s(&zip), "--yes", "--today", TODAY]));
    let copy = Store::open(&fresh, Access::ReadOnly).unwrap().load().unwrap();
    let unit = |d: &Data, id: i64| d.units.iter().find(|u| u.id == id).unwrap().name.clone();
    let person = |d: &Data, c: &Cadre| {
        (
            c.name.clone(),
            c.gender,
            c.birth_date.format("%Y-%m").to_string(),
            c.political,
            c.education.clone(),
            c.speciality.clone(),
            unit(d, c.home_unit_id),
            c.home_post.clone(),
        )
    };
    let mut was: Vec<_> = original.cadres.iter().filter(|c| !c.archived).map(|c| person(&original, c)).collect();
    let mut now: Vec<_> = copy.cadres.iter().map(|c| person(&copy, c)).collect();
    was.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    now.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(now, was);
}
