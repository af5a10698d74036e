//! Never write into a damaged file (issue 14, part 5): an import into a file whose audit
//! pages are damaged (pages the import itself would never read) is refused, names `check`,
//! and leaves the file as it was.

use crate::common;

use std::path::Path;
use std::process::Command;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const ROW: &str = "测试员,男,1990-05-01,中共党员,大学本科,规划,1,市国土规划局,市直机关,市级,科员,\
                   2017年第一批,2017-04-01,24,下挂,南海区狮山镇,镇街,南海,党委委员,2017-04-01,2019-03-31,,,,,,";
const HEADER: &str = "姓名,性别,出生日期,政治面貌,学历,专业特长,基层工作年限,原单位,原单位类型,原单位所在区,原职务,\
                      批次,派出日期,挂职期限（月）,挂职方向,挂职单位,挂职单位类型,挂职单位所在区,挂任职务,开始日期,\
                      计划结束日期,实际结束日期,提前结束原因,互派对象,互派对象出生日期,挂职状态,逾期考核";

/// The page number of an early leaf page of the audit table, from the sqlite3 shell's dbstat.
fn audit_leaf(db: &Path) -> Option<u64> {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT pageno FROM dbstat WHERE name = 'audit' AND pagetype = 'leaf' ORDER BY path LIMIT 1 OFFSET 3")
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[test]
fn an_import_into_a_file_with_damaged_audit_pages_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let Some(page) = audit_leaf(&db) else {
        eprintln!("skipped: needs the sqlite3 shell with dbstat to find an audit page");
        return;
    };
    let file = dir.path().join("new.csv");
    std::fs::write(&file, format!("\u{feff}{HEADER}\r\n{ROW}\r\n")).unwrap();
    // Garbage over the cells of one audit leaf page, keeping its header readable.
    let mut bytes = std::fs::read(&db).unwrap();
    let page_size = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let start = (page as usize - 1) * page_size;
    for b in &mut bytes[start + page_size / 2..start + page_size] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["import", s(&db), s(&file), "--yes"])
        .env("LANG", "C")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("damaged") && err.contains("guazhi check") && err.contains("backup"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(std::fs::read(&db).unwrap() == bytes, "the file is unchanged");
}
