//! 任免审批表 (.lrmx) import: fixtures written here, alone and in a zip with a GBK file name.

use crate::common;
use crate::interop_support;

use interop_support::*;
use std::io::Write;
use std::path::Path;

const ID_NUMBER: &str = "440602198407230019";
const PHOTO: &str = "R1VBWkhJLVBIT1RPLUJBU0U2NA==";

/// An existing demo cadre (邱志远, born 1984-07-23) with a space in the name, the birth month
/// only, and a new education; plus the ID number and the photo that must not be kept.
fn qiu() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Person>\r\n  <XingMing>邱 志远</XingMing>\r\n  <XingBie>男</XingBie>\r\n\
         <MinZu>汉族</MinZu>\r\n  <ChuShengNianYue>198407</ChuShengNianYue>\r\n  <RuDangShiJian>2006.07</RuDangShiJian>\r\n\
         <ShenFenZheng>{ID_NUMBER}</ShenFenZheng>\r\n  <ZhaoPian>{PHOTO}</ZhaoPian>\r\n\
         <QuanRiZhiJiaoYu_XueLi>博士研究生</QuanRiZhiJiaoYu_XueLi>\r\n\
         <XianRenZhiWu>佛山市国土规划局三旧改造科科长</XianRenZhiWu>\r\n\
         <JianLi>2006.07--2010.06  佛山市国土规划局科员\r\n2010.06--  佛山市国土规划局三旧改造科科长</JianLi>\r\n\
         <JiaTingChengYuan><Item><ChengWei>妻子</ChengWei><XingMing>某某</XingMing></Item></JiaTingChengYuan>\r\n</Person>\r\n"
    )
}

/// A new cadre, as GB2312 bytes with the declaration saying so.
fn ouyang_gb2312() -> Vec<u8> {
    let xml = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Person><XingMing>欧阳 晓岚</XingMing><XingBie>女</XingBie>\
               <ChuShengNianYue>199003</ChuShengNianYue><RuDangShiJian>民盟</RuDangShiJian>\
               <ShuXiZhuanYeYouHeZhuanChang>农村经济</ShuXiZhuanYeYouHeZhuanChang>\
               <QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi>\
               <XianRenZhiWu>三水区白坭镇党政办副主任</XianRenZhiWu><ShenFenZheng>440607199003150028</ShenFenZheng></Person>";
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(xml);
    assert!(!unmappable);
    bytes.into_owned()
}

fn db_bytes(db: &Path) -> Vec<u8> {
    let mut all = std::fs::read(db).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
        all.extend(wal);
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn an_existing_cadre_is_matched_despite_the_space_and_shown_as_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("邱志远.lrmx");
    std::fs::write(&file, qiu()).unwrap();

    let refused = guazhi(&["import", s(&demo), s(&file)]);
    assert_eq!(refused.status.code(), Some(4), "no terminal and no --yes");
    let dry = ok(&guazhi(&["import", s(&demo), s(&file), "--dry-run"]));
    assert!(dry.starts_with("update 1 cadre"), "{dry}");
    assert!(dry.contains("~ cadre 邱志远 (1984-07-23): education 硕士研究生 → 博士研究生  [邱志远.lrmx]"), "{dry}");

    let out = ok(&guazhi(&["import", s(&demo), s(&file), "--yes"]));
    assert!(out.contains("imported into"), "{out}");
    let data = common::open(&demo).load().unwrap();
    let c = data.cadres.iter().find(|c| c.name == "邱志远").unwrap();
    assert_eq!(c.education, "博士研究生");
    assert_eq!(c.birth_date.to_string(), "1984-07-23", "the stored day is kept");
    assert_eq!(data.cadres.len(), 65, "no second 邱志远");
    let bytes = db_bytes(&demo);
    assert!(!contains(&bytes, ID_NUMBER), "the ID number is stored somewhere");
    assert!(!contains(&bytes, PHOTO), "the photo is stored somewhere");
}

#[test]
fn a_new_cadre_from_a_gb2312_file_with_a_birth_month() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("ouyang.lrmx");
    std::fs::write(&file, ouyang_gb2312()).unwrap();
    let out = ok(&guazhi(&["import", s(&demo), s(&file), "--yes"]));
    assert!(out.contains("+ cadre 欧阳晓岚 (1990-03-01, 女, 三水区白坭镇 党政办副主任)"), "{out}");
    let data = common::open(&demo).load().unwrap();
    let c = data.cadres.iter().find(|c| c.name == "欧阳晓岚").expect("created");
    assert_eq!(c.birth_date.to_string(), "1990-03-01");
    assert_eq!(c.political, guazhi::domain::Political::Democratic);
    assert_eq!(
        (c.education.as_str(), c.speciality.as_str(), c.home_post.as_str()),
        ("大学", "农村经济", "党政办副主任")
    );
    assert_eq!(data.units.iter().find(|u| u.id == c.home_unit_id).unwrap().name, "三水区白坭镇");
    assert!(!contains(&db_bytes(&demo), "440607199003150028"));
}

#[test]
fn a_zip_with_a_gbk_file_name_imports_every_form() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let archive = dir.path().join("第一批.zip");
    let (gbk_name, _, _) = encoding_rs::GBK.encode("欧阳晓岚.lrmx");
    {
        let mut zw = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zw.start_file_with_options(stored.name(&gbk_name)).unwrap();
        zw.write_all(&ouyang_gb2312()).unwrap();
        zw.start_file("材料/邱志远.lrmx", zip::write::SimpleFileOptions::default()).unwrap();
        zw.write_all(qiu().as_bytes()).unwrap();
        zw.start_file("说明.txt", zip::write::SimpleFileOptions::default()).unwrap();
        zw.write_all("不是审批表".as_bytes()).unwrap();
        zw.finish().unwrap();
    }
    // The first entry's name is raw GBK without the UTF-8 flag (general purpose bit 11).
    let raw = std::fs::read(&archive).unwrap();
    assert_eq!(&raw[..4], b"PK\x03\x04");
    assert_eq!(u16::from_le_bytes([raw[6], raw[7]]) & 0x0800, 0);
    assert_eq!(&raw[30..30 + gbk_name.len()], &gbk_name[..]);
    assert!(std::str::from_utf8(&gbk_name).is_err());

    let out = ok(&guazhi(&["import", s(&demo), s(&archive), "--yes"]));
    assert!(out.starts_with("create 1 cadre; update 1 cadre"), "{out}");
    assert!(out.contains("[第一批.zip:欧阳晓岚.lrmx]"), "the GBK name decoded: {out}");
    assert!(out.contains("[第一批.zip:材料/邱志远.lrmx]"), "{out}");
    let data = common::open(&demo).load().unwrap();
    assert!(data.cadres.iter().any(|c| c.name == "欧阳晓岚"));
    assert_eq!(data.cadres.iter().find(|c| c.name == "邱志远").unwrap().education, "博士研究生");
    let bytes = db_bytes(&demo);
    assert!(!contains(&bytes, ID_NUMBER) && !contains(&bytes, PHOTO) && !contains(&bytes, "440607199003150028"));
}

#[test]
fn bad_forms_are_all_reported_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let archive = dir.path().join("bad.zip");
    {
        let mut zw = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
        let o = zip::write::SimpleFileOptions::default();
        let files: [(&str, String); 6] = [
            ("good.lrmx", String::from_utf8(ouyang_gb2312()).unwrap_or_else(|_| qiu())),
            ("nobirth.lrmx", "<Person><XingMing>张三</XingMing><XingBie>男</XingBie></Person>".into()),
            ("month.lrmx", "<Person><XingMing>李四</XingMing><XingBie>男</XingBie><ChuShengNianYue>198513</ChuShengNianYue></Person>".into()),
            ("notxml.lrmx", "<Person><XingMing>王五".into()),
            ("unit.lrmx", "<Person><XingMing>赵六</XingMing><XingBie>男</XingBie><ChuShengNianYue>198001</ChuShengNianYue><XianRenZhiWu>广州市某局科员</XianRenZhiWu></Person>".into()),
            ("digit.lrmx", "<Person><XingMing>孙七7</XingMing><XingBie>男</XingBie><ChuShengNianYue>198001</ChuShengNianYue></Person>".into()),
        ];
        for (name, body) in files {
            zw.start_file(name, o).unwrap();
            zw.write_all(body.as_bytes()).unwrap();
        }
        zw.finish().unwrap();
    }
    let before = counts(&demo);
    let out = guazhi(&["import", s(&demo), s(&archive), "--yes"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    for expected in [
        "bad.zip:nobirth.lrmx, column ChuShengNianYue: the birth month is missing",
        "bad.zip:month.lrmx, column ChuShengNianYue: '198513' is not a birth month (YYYYMM)",
        "bad.zip:notxml.lrmx: not readable as XML",
        "bad.zip:unit.lrmx, column XianRenZhiWu: '广州市某局科员' does not start with a known unit",
        "bad.zip:digit.lrmx, column XingMing: has the digit '7': no name does",
    ] {
        assert!(err.contains(expected), "missing '{expected}' in:\n{err}");
    }
    assert_eq!(counts(&demo), before);
    let old = dir.path().join("a.lrm");
    std::fs::write(&old, "x").unwrap();
    let out = guazhi(&["import", s(&demo), s(&old), "--yes"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains(".lrm format is not read"), "{}", stderr(&out));
}
