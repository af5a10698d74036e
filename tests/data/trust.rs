//! Issue 12, "Trustworthy records", below the screens: the store refuses implausible values
//! whoever writes them, the import names every bad line and column in one pass (and leaves
//! the file byte-identical), names are one identity, and two backups in one second both work.

use crate::common;
use crate::interop_support;

use common::{date, demo_db, open};
use guazhi::domain::*;
use guazhi::interop::columns::{Key, COLUMNS};
use guazhi::interop::{save, Cell, Sheet, SheetFormat};
use guazhi::store::{NewCadre, NewSecondment, ReviewResult, StoreError};
use interop_support::*;
use std::collections::HashMap;

/// A valid sheet line for the demo database, with `changes` applied.
fn line(name: &str, changes: &[(Key, &str)]) -> Vec<Cell> {
    let mut v: HashMap<Key, String> = [
        (Key::Name, name),
        (Key::Gender, "男"),
        (Key::BirthDate, "1985-01-01"),
        (Key::Political, "中共党员"),
        (Key::HomeUnit, "市财政局"),
        (Key::HomePost, "科员"),
        (Key::Batch, "2017年第一批"),
        (Key::Direction, "下挂"),
        (Key::HostUnit, "三水区乐平镇"),
        (Key::HostPost, "党委委员"),
    ]
    .into_iter()
    .map(|(k, s)| (k, s.to_string()))
    .collect();
    for (k, s) in changes {
        v.insert(*k, s.to_string());
    }
    COLUMNS.iter().map(|c| Cell::text(v.get(&c.key).cloned().unwrap_or_default())).collect()
}

fn sheet(dir: &std::path::Path, lines: Vec<Vec<Cell>>) -> std::path::PathBuf {
    let mut sheet = Sheet::new("import", &guazhi::interop::columns::headers());
    sheet.rows = lines;
    let file = dir.join("import.csv");
    save(&sheet, SheetFormat::Csv, &file).unwrap();
    file
}

/// The main file's bytes, once every committed page is in it.
fn bytes(db: &std::path::Path) -> Vec<u8> {
    common::raw(db).query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)).unwrap();
    std::fs::read(db).unwrap()
}

#[test]
fn impossible_birth_dates_are_refused_by_line_and_column_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let file = sheet(
        dir.path(),
        vec![
            line("测试甲", &[(Key::BirthDate, "9999-12-31")]),
            line("测试乙", &[(Key::BirthDate, "0001-01-01")]),
            line("测试丙", &[(Key::BirthDate, "2017-02-28")]),
            line("测试丁", &[(Key::BirthDate, "2000-01-01")]),
            line("测试戊", &[(Key::GrassrootsYears, "30")]),
            line("测试己", &[]),
        ],
    );
    let before = bytes(&demo);
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    for expected in [
        "line 2, column C (出生日期): 9999-12-31 is after today (2026-11-27)",
        "line 3, column C (出生日期): 2025 years old today: not a possible birth date",
        "line 4, column C (出生日期): 9 years old today; a seconded cadre is at least 18",
        "line 5, column C (出生日期): 17 years old at the start on 2017-04-01; the policy allows 18 to 60",
        "line 6, column G (基层工作年限): 30 years of grassroots work, but at 41 there can be at most 25",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(err.contains("5 problem(s) in the file"), "{err}");
    assert_eq!(bytes(&demo), before, "the database file is byte-identical");
}

#[test]
fn names_that_cannot_be_a_persons_are_refused_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let file = sheet(
        dir.path(),
        vec![line("测试2", &[]), line("1", &[]), line("测试（借调）", &[]), line("阿依古丽·买买提", &[])],
    );
    let before = bytes(&demo);
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    for expected in [
        "line 2, column A (姓名): has the digit '2': no name does",
        "line 3, column A (姓名): has the digit '1': no name does",
        "line 4, column A (姓名): has '（': a name has letters, middle dots and spaces only",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(err.contains("3 problem(s) in the file"), "{err}");
    assert_eq!(bytes(&demo), before, "the database file is byte-identical");
}

#[test]
fn a_start_long_before_the_batch_is_sent_is_refused_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    // A new batch sent in 2027 with a cadre who started in 2026; the stored 2026 batch moved to
    // 2027 while its cadres started in 2026.
    let file = sheet(
        dir.path(),
        vec![
            line(
                "测试甲",
                &[(Key::Batch, "2027年第八批"), (Key::DispatchDate, "2027-04-01"), (Key::Start, "2026-12-01")],
            ),
            line("测试乙", &[(Key::Batch, "2026年第七批"), (Key::DispatchDate, "2027-04-01")]),
        ],
    );
    let before = bytes(&demo);
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("line 2, column") && err.contains("the start (2026-12-01) is more than a month"), "{err}");
    assert!(err.contains("line 3, column") && err.contains("first secondment started on 2026-04-01"), "{err}");
    assert_eq!(bytes(&demo), before, "the database file is byte-identical");
}

#[test]
fn a_secondment_against_its_direction_is_refused_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    // 市财政局 (a city organ) going down to another city organ.
    let file = sheet(dir.path(), vec![line("测试甲", &[(Key::HostUnit, "市科学技术局")])]);
    let before = bytes(&demo);
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let expected = "(挂职单位): a secondment down goes to a grassroots unit; the host unit is a city organ";
    assert!(err.contains("line 2, column") && err.contains(expected), "{err}");
    assert_eq!(bytes(&demo), before, "the database file is byte-identical");
}

#[test]
fn names_and_posts_of_punctuation_only_are_refused_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let file =
        sheet(dir.path(), vec![line("测试甲", &[(Key::Batch, "---")]), line("测试乙", &[(Key::HostPost, "！")])]);
    let before = bytes(&demo);
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    for column in ["批次", "挂任职务"] {
        let expected = format!("({column}): has no letter or digit: punctuation or symbols only");
        assert!(err.contains(&expected), "{expected}\n{err}");
    }
    assert_eq!(bytes(&demo), before, "the database file is byte-identical");
}

#[test]
fn every_problem_of_a_sheet_is_listed_in_one_pass() {
    // An unknown unit used to show only once the other errors were fixed (issue 12).
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let file = sheet(
        dir.path(),
        vec![
            line("测试甲", &[(Key::BirthDate, "2017-02-30"), (Key::HostUnit, "火星区某镇")]),
            line("测试乙", &[(Key::HomeUnit, "月球局"), (Key::Gender, "男性")]),
        ],
    );
    let err = stderr(&guazhi(&["import", s(&demo), s(&file), "--dry-run", "--today", TODAY]));
    for expected in [
        "line 2, column C (出生日期): '2017-02-30' is not a real calendar date",
        "line 2, column P (挂职单位): unknown unit '火星区某镇'",
        "line 3, column B (性别): '男性' is not a gender",
        "line 3, column H (原单位): unknown unit '月球局'",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}

#[test]
fn invisible_characters_and_untidy_spaces_never_make_a_second_person() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let file = sheet(dir.path(), vec![line("邱\u{200b}志远", &[]), line("测试\u{ad}甲", &[])]);
    let err = stderr(&guazhi(&["import", s(&demo), s(&file), "--dry-run", "--today", TODAY]));
    assert!(
        err.contains("line 2, column A (姓名): invisible character U+200B (zero width space) at position 2"),
        "{err}"
    );
    assert!(err.contains("line 3, column A (姓名): invisible character U+00AD (soft hyphen) at position 3"), "{err}");

    // Full-width spaces around a name and a decomposed letter are the stored name.
    let mut store = open(&demo);
    let unit = store.load().unwrap().units[0].id;
    let new = |name: &str| NewCadre {
        name: name.into(),
        gender: Gender::Female,
        birth_date: date("1990-05-06"),
        political: Political::Party,
        education: "\u{3000}本科 ".into(),
        speciality: String::new(),
        grassroots_years: 1.0,
        home_unit_id: unit,
        home_post: String::new(),
    };
    let id = store.write(|w| w.add_cadre(&new("\u{3000}Zoe\u{301} 李\u{3000}"))).unwrap();
    let (name, education): (String, String) = common::raw(&demo)
        .query_row("SELECT name, education FROM cadres WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((name.as_str(), education.as_str()), ("Zoé 李", "本科"));
    let err = store.write(|w| w.add_cadre(&new("邱\u{2060}志远"))).unwrap_err();
    assert!(err.to_string().contains("U+2060 (word joiner)"), "{err}");
}

#[test]
fn the_store_refuses_what_cannot_be_true_whoever_asks() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let mut store = open(&demo);
    let data = store.load().unwrap();
    let before = bytes(&demo);
    let field = |e: StoreError| match e {
        StoreError::Invalid { field, message } => (field, message.en),
        other => panic!("{other}"),
    };

    // A 9-year-old, through an edit of a stored cadre.
    let c = data.cadres.iter().find(|c| c.name == "邱志远").unwrap().clone();
    let young = Cadre { birth_date: date("2017-02-28"), ..c.clone() };
    let (f, m) = field(store.write(|w| w.update_cadre(&young)).unwrap_err());
    assert_eq!(f, "birth date");
    assert!(m.contains("9 years old today"), "{m}");

    // A vetting after the secondment's start.
    let s = data.secondments.iter().find(|s| s.cadre_id == c.id).unwrap();
    let v = data.vettings.iter().find(|v| v.secondment_id == s.id).unwrap().clone();
    let late = Vetting { date: s.start.succ_opt().unwrap(), ..v };
    let (f, m) = field(store.write(|w| w.set_vetting(&late)).unwrap_err());
    assert_eq!((f.as_str(), m.contains("on or before the secondment's start")), ("date", true), "{m}");
    // Years before it: a typo (1995 for 2025), not a vetting for this dispatch.
    let long_before = Vetting { date: date("1995-01-01"), ..late };
    let (f, m) = field(store.write(|w| w.set_vetting(&long_before)).unwrap_err());
    assert_eq!((f.as_str(), m.contains("within a year before")), ("date", true), "{m}");

    // A reserve admission dated before the evaluation it rests on (谭嘉诚's, done 2019-04-23).
    let tan = data.cadres.iter().find(|c| c.name == "谭嘉诚").unwrap();
    let term = data.secondments.iter().find(|s| s.cadre_id == tan.id).unwrap();
    let early = store.write(|w| w.nominate(tan.id, Some(term.id), ReserveOrigin::Rule, date("2018-01-01"), ""));
    let (f, m) = field(early.unwrap_err());
    assert_eq!((f.as_str(), m.contains("not before 2019-04-23")), ("date", true), "{m}");

    // A batch sent a year after its cadres started.
    let seventh = data.batches.iter().find(|b| b.name == "2026年第七批").unwrap().clone();
    let late = Batch { dispatch_date: date("2027-04-01"), ..seventh.clone() };
    let (f, m) = field(store.write(|w| w.update_batch(&late)).unwrap_err());
    assert_eq!(
        (f.as_str(), m.as_str()),
        ("dispatch date", "the batch's first secondment started on 2026-04-01: dispatched 2026-05-01 at the latest")
    );

    // 邱志远 of a city organ going "up" to another city organ.
    let organ = |name: &str| data.units.iter().find(|u| u.name == name).unwrap().id;
    let up = NewSecondment {
        cadre_id: c.id,
        batch_id: seventh.id,
        direction: Direction::Up,
        host_unit_id: organ("市科学技术局"),
        host_post: "科员".into(),
        start: date("2026-12-01"),
        planned_end: None,
        ended_early: None,
    };
    let (f, m) = field(store.write(|w| w.add_secondment(&up)).unwrap_err());
    assert_eq!(
        (f.as_str(), m.as_str()),
        ("host unit", "a cadre going up comes from a grassroots unit; the home unit is a city organ")
    );

    // Names and posts of punctuation only.
    let unit = data.units[0].clone();
    let (f, m) = field(store.write(|w| w.update_unit(&Unit { name: "。。。".into(), ..unit.clone() })).unwrap_err());
    assert_eq!((f.as_str(), m.as_str()), ("unit name", "has no letter or digit: punctuation or symbols only"));
    let (f, _) = field(store.write(|w| w.add_batch("---", date("2026-04-01"), 24)).unwrap_err());
    assert_eq!(f, "batch name");

    // A town that hosts cadres going down made a city organ.
    let town = data.units.iter().find(|u| u.name == "三水区乐平镇").unwrap().clone();
    let (f, m) = field(store.write(|w| w.update_unit(&Unit { kind: UnitKind::CityOrgan, ..town })).unwrap_err());
    assert_eq!((f.as_str(), m.starts_with("it hosts a secondment down: ")), ("kind", true), "{m}");

    // An end-of-term evaluation on the last day, and a routine review before its quarter.
    let open_review = |kind: ReviewKind| {
        data.reviews.iter().find(|r| r.kind == kind && r.done.is_none() && !r.cancelled).unwrap().clone()
    };
    let term = open_review(ReviewKind::EndOfTerm);
    let last = data.secondments.iter().find(|s| s.id == term.secondment_id).unwrap().end();
    let result = |done| ReviewResult { done, grade: Grade::Excellent, assessor: String::new(), note: String::new() };
    let on_last_day = store.write(|w| w.record_review(term.id, term.version, &result(last)));
    let (_, m) = field(on_last_day.unwrap_err());
    assert!(m.contains("comes after the term's last day"), "{m}");
    let routine = open_review(ReviewKind::Routine);
    let (begins, _) = guazhi::domain::plausible::period_of(ReviewKind::Routine, &routine.period).unwrap();
    let early = store.write(|w| w.record_review(routine.id, routine.version, &result(begins.pred_opt().unwrap())));
    assert!(field(early.unwrap_err()).1.contains("before its period begins"));

    // A name of digits.
    let (f, m) = field(store.write(|w| w.update_cadre(&Cadre { name: "1".into(), ..c.clone() })).unwrap_err());
    assert_eq!((f.as_str(), m.as_str()), ("name", "has the digit '1': no name does"));

    // A batch dispatched in 1970.
    let old = store.write(|w| w.add_batch("1970年第一批", date("1970-04-01"), 24)).unwrap_err();
    assert_eq!(field(old).0, "dispatch date");
    assert_eq!(bytes(&demo), before, "nothing was written");
}

#[test]
fn an_early_end_of_a_finished_term_is_refused_by_the_import_too() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let data = open(&demo).load().unwrap();
    let c = data.cadres.iter().find(|c| c.name == "谭嘉诚").unwrap();
    let home = data.units.iter().find(|u| u.id == c.home_unit_id).unwrap().name.clone();
    let term = data.secondments.iter().find(|s| s.cadre_id == c.id).unwrap();
    let host = data.units.iter().find(|u| u.id == term.host_unit_id).unwrap().name.clone();
    let file = sheet(
        dir.path(),
        vec![line(
            "谭嘉诚",
            &[
                (Key::BirthDate, &c.birth_date.to_string()),
                (Key::Gender, c.gender.zh()),
                (Key::Political, c.political.zh()),
                (Key::HomeUnit, &home),
                (Key::HomePost, &c.home_post),
                (Key::Direction, term.direction.zh()),
                (Key::HostUnit, &host),
                (Key::HostPost, &term.host_post),
                (Key::ActualEnd, "2018-05-10"),
                (Key::EndReason, "调动"),
            ],
        )],
    );
    let before = bytes(&demo);
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("line 2, column V (实际结束日期): the term ran its course on 2019-03-31"), "{err}");
    assert_eq!(bytes(&demo), before);
}

#[test]
fn the_import_speaks_chinese_under_lang_zh() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let file =
        sheet(dir.path(), vec![line("测试甲", &[(Key::BirthDate, "2017-02-28"), (Key::HostUnit, "火星区某镇")])]);
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY, "--lang", "zh"]);
    let err = stderr(&out);
    assert!(err.contains("第 2 行，C (出生日期) 列：今天只有 9 岁，挂职干部至少 18 岁"), "{err}");
    assert!(err.contains("没有“火星区某镇”这个单位"), "{err}");
    assert!(err.contains("文件中有 2 个问题，未导入任何内容"), "{err}");
    let english = err.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 3).collect::<Vec<_>>();
    let allowed = ["guazhi", "create", "units"];
    assert!(english.iter().all(|w| allowed.contains(w)), "English in Chinese: {english:?}\n{err}");
}

#[test]
fn two_backups_within_one_second_are_both_kept() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap().and_hms_opt(8, 30, 5).unwrap();
    let first = guazhi::interop::backup::backup(&demo, &folder, Some(2), now).expect("first");
    let second = guazhi::interop::backup::backup(&demo, &folder, Some(2), now).expect("second, same second");
    assert_eq!(first.path, folder.join("demo-20261127-083005.db"));
    assert_eq!(second.path, folder.join("demo-20261127-083005-2.db"));
    let third = guazhi::interop::backup::backup(&demo, &folder, Some(2), now).expect("third");
    assert_eq!(third.removed, vec![first.path.clone()], "the oldest goes first");
    assert!(second.path.exists() && third.path.exists());
}

/// Runs `guazhi check` on `db`; (exit code, stdout).
fn check(db: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = guazhi(&[&["check", s(db), "--today", TODAY][..], extra].concat());
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn check_finds_what_the_sqlite3_shell_wrote_and_counts_what_it_lists() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let (code, out) = check(&demo, &[]);
    assert_eq!(code, Some(0), "the demo is plausible:\n{out}");
    for (sql, rule) in [
        ("UPDATE cadres SET birth_date = '2017-02-28' WHERE name = '邱志远'", "birth_date"),
        ("UPDATE cadres SET name = '1' WHERE name = '邱志远'", "person_name"),
        ("UPDATE cadres SET name = '劳' || char(8203) || '海峰' WHERE name = '劳海峰'", "hidden_character"),
        (
            "UPDATE secondments SET actual_end = '2026-06-30', end_reason = '调动'
             WHERE cadre_id = (SELECT id FROM cadres WHERE name = '杨紫涵')",
            "early_end_before_review",
        ),
        (
            "UPDATE vettings SET vet_date = '1995-01-01'
             WHERE secondment_id IN (SELECT s.id FROM secondments s JOIN cadres c ON c.id = s.cadre_id
                                     WHERE c.name = '杨紫涵')",
            "vetting_date",
        ),
        ("UPDATE units SET name = '。。。' WHERE id = (SELECT min(id) FROM units)", "no_words"),
        ("UPDATE batches SET dispatch_date = '2027-04-01' WHERE name = '2026年第七批'", "start_before_dispatch"),
        (
            "UPDATE secondments SET host_unit_id = (SELECT id FROM units WHERE name = '市科学技术局')
             WHERE direction = 'down' AND cadre_id = (SELECT id FROM cadres WHERE name = '杨紫涵')",
            "host_for_direction",
        ),
        ("UPDATE batches SET name = '---' WHERE id = (SELECT min(id) FROM batches)", "no_words"),
        ("UPDATE batches SET name = ' ' WHERE id = (SELECT min(id) FROM batches)", "no_words"),
    ] {
        let copy = dir.path().join(format!("{rule}.db"));
        std::fs::copy(&demo, &copy).unwrap();
        common::raw(&copy).execute(sql, []).unwrap();
        let (code, out) = check(&copy, &[]);
        assert_eq!(code, Some(1), "{rule}:\n{out}");
        assert!(out.lines().any(|l| l.starts_with("error") && l.contains(rule)), "{rule}:\n{out}");
        // The counts are the rows listed.
        let errors = out.lines().filter(|l| l.starts_with("error ")).count();
        let warnings = out.lines().filter(|l| l.starts_with("warning ")).count();
        let summary = out.lines().last().unwrap();
        let plural = |n: usize, w: &str| if n == 1 { format!("1 {w}") } else { format!("{n} {w}s") };
        assert_eq!(summary, format!("{}, {}", plural(errors, "error"), plural(warnings, "warning")), "{out}");
        let json: serde_json::Value = serde_json::from_str(&check(&copy, &["--format", "json"]).1).expect("json");
        assert_eq!(json["errors"].as_u64(), Some(errors as u64));
        assert!(json["rows"].as_array().unwrap().iter().any(|r| r["rule"] == rule), "{json}");
    }
}

#[test]
fn check_reports_a_likely_duplicate_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    common::raw(&demo)
        .execute(
            "INSERT INTO cadres (name, gender, birth_date, political, home_unit_id)
             SELECT '邱 志远', gender, birth_date, political, home_unit_id FROM cadres WHERE name = '邱志远'",
            [],
        )
        .unwrap();
    let (code, out) = check(&demo, &["--lang", "zh"]);
    // The duplicate itself is a warning; the one error is that the row was typed in by hand.
    assert_eq!(code, Some(1), "{out}");
    let line = out.lines().find(|l| l.contains("likely_duplicate")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.starts_with("警告") && line.contains("同名、同出生日期"), "{line}");
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("错误") && !l.contains(" 项，")).collect();
    assert!(errors.len() == 1 && errors[0].contains("tampered_added"), "{out}");
    assert!(out.lines().last().unwrap().starts_with("错误 1 项，警告 "), "{out}");
}

/// A partner named on a line that has a problem of its own is said to be there, not missing.
#[test]
fn a_partner_on_a_bad_line_is_named_by_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    let file = sheet(
        dir.path(),
        vec![
            line("王小明", &[(Key::Batch, "2026年第七批"), (Key::BirthDate, "2017-02-30")]),
            line(
                "李小红",
                &[
                    (Key::Batch, "2026年第七批"),
                    (Key::Direction, "上挂"),
                    (Key::HomeUnit, "三水区乐平镇"),
                    (Key::HostUnit, "市财政局"),
                    (Key::PartnerName, "王小明"),
                ],
            ),
        ],
    );
    let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("line 3, column") && err.contains("'王小明' is on line 2, which has a problem"), "{err}");
    assert!(!err.contains("no secondment of '王小明'"), "{err}");
}

/// The same person imported twice with the middle dot typed two ways is one cadre.
#[test]
fn a_name_with_its_middle_dot_typed_another_way_is_the_same_cadre() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_db(dir.path());
    for typed in ["阿依古丽·买买提", "阿依古丽•买买提"] {
        let file = sheet(dir.path(), vec![line(typed, &[(Key::BirthDate, "1990-02-28"), (Key::Gender, "女")])]);
        let out = guazhi(&["import", s(&demo), s(&file), "--yes", "--today", TODAY]);
        assert_eq!(out.status.code(), Some(0), "{typed}: {}", stderr(&out));
    }
    let names: Vec<String> = common::raw(&demo)
        .prepare("SELECT name FROM cadres WHERE name LIKE '阿依古丽%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(names, ["阿依古丽·买买提"]);
}
