//! Issue 12, "Trustworthy records", through the app's keys on a real store: implausible values
//! are refused where they are typed (as soon as the field is left), the end-early form says
//! exactly what its save does, and a term that ran its course cannot be ended early.

use crate::edit_support;

use edit_support::check::{baseline, unchanged};
use edit_support::Rig;
use guazhi::app::form::FormKind;
use guazhi::lang::Lang;
use guazhi::store::{Access, StoreError};
use ratatui::crossterm::event::KeyCode::{Enter, Tab as TabKey};

fn error(rig: &Rig, key: &str) -> Option<String> {
    rig.app.form.as_ref().expect("a form").get(key).unwrap().error.clone()
}

#[test]
fn a_finished_term_cannot_end_early_and_nothing_is_written() {
    // 谭嘉诚's 2017 term ran its course in 2019 with every review done (issue 12).
    let mut rig = Rig::new();
    let base = baseline(&rig);
    rig.keys("1");
    rig.find("谭嘉诚");
    rig.key(Enter);
    rig.keys("x");
    assert!(rig.app.form.is_none(), "the form does not open");
    assert!(rig.status().contains("the term ran its course on 2019-03-31"), "{}", rig.status());
    unchanged(&rig, &base, "end early refused");

    // The store refuses it too, whoever asks.
    let (id, version): (i64, i64) = rig
        .raw()
        .query_row(
            "SELECT s.id, s.version FROM secondments s JOIN cadres c ON c.id = s.cadre_id WHERE c.name = '谭嘉诚'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let end = guazhi::domain::dates::parse_date("2018-05-10").unwrap();
    let err = rig.store.write(|w| w.end_early(id, version, end, "调动")).unwrap_err();
    assert!(matches!(&err, StoreError::Invalid { field, .. } if field == "end date"), "{err}");
    assert!(err.message().zh.contains("已于 2019-03-31 期满"), "{:?}", err.message());
    unchanged(&rig, &base, "end early refused by the store");
}

#[test]
fn the_chinese_refusal_is_chinese() {
    let mut rig = Rig::with(Lang::Zh, Access::Auto);
    rig.keys("1");
    rig.find("谭嘉诚");
    rig.key(Enter);
    rig.keys("x");
    assert_eq!(rig.status(), "该挂职已于 2019-03-31 期满，不能再提前结束");
}

#[test]
fn a_name_typed_as_a_digit_is_refused_and_nothing_is_written() {
    // `e` on a cadre selects the name: a `1` meant for the tab bar replaced it, and Enter
    // saved a cadre called "1" (found by hand, issue 11's session).
    let mut rig = Rig::new();
    let base = baseline(&rig);
    rig.keys("1");
    rig.find("邱志远");
    rig.keys("e1");
    assert_eq!(rig.app.form.as_ref().expect("a form").value("name"), "1");
    rig.key(Enter);
    assert!(rig.app.form.is_some(), "the form stays open");
    let said = error(&rig, "name").expect("said under the name");
    assert!(said.contains("has the digit '1': no name does"), "{said}");
    unchanged(&rig, &base, "a name of digits refused");
    // Said as soon as the field is left, too.
    rig.keys("\t");
    assert!(error(&rig, "name").is_some_and(|e| e.contains("digit")), "{:?}", error(&rig, "name"));
}

#[test]
fn an_implausible_value_is_said_when_its_field_is_left_not_only_on_save() {
    let mut rig = Rig::new();
    rig.keys("1a测试\t1\t2017-02-28");
    assert_eq!(error(&rig, "birth date"), None, "nothing said while typing");
    rig.key(TabKey);
    let said = error(&rig, "birth date").expect("said on leaving the field");
    assert!(said.contains("9 years old today"), "{said}");
    // Grassroots years are judged against the birth date once left; fixing the birth date
    // clears that message too, without touching the years again.
    rig.app.form.as_mut().unwrap().focus_key("grassroots years");
    rig.keys("12\t");
    assert!(
        error(&rig, "grassroots years").is_some_and(|e| e.contains("at most 0")),
        "{:?}",
        error(&rig, "grassroots years")
    );
    rig.app.form.as_mut().unwrap().focus_key("birth date");
    rig.ctrl('u');
    rig.keys("1985-06-01");
    assert_eq!(error(&rig, "birth date"), None, "fixed as it is typed");
    assert_eq!(error(&rig, "grassroots years"), None, "the other field follows");
}

#[test]
fn the_end_early_preview_says_exactly_what_the_save_does() {
    let mut rig = Rig::new();
    rig.keys("1");
    rig.find("单志远");
    rig.key(Enter);
    rig.keys("x");
    assert!(matches!(rig.app.form.as_ref().map(|f| &f.kind), Some(FormKind::EndEarly { .. })));
    rig.app.form.as_mut().unwrap().focus_key("end date");
    rig.ctrl('u');
    rig.keys("2026-12-20\t借调省厅");
    let notes: Vec<String> = rig
        .app
        .form
        .as_ref()
        .unwrap()
        .notes
        .iter()
        .map(|l| l.spans.iter().map(|(t, _)| t.as_str()).collect())
        .collect();
    let op_before: i64 = rig.one("SELECT max(op) FROM audit");
    rig.ctrl('s');
    assert!(rig.app.form.is_none(), "saved");
    let op: i64 = rig.one("SELECT max(op) FROM audit");
    assert_eq!(op, op_before + 1, "one operation");
    let cancelled: Vec<String> = rig
        .raw()
        .prepare(
            "SELECT r.period, r.kind FROM audit a JOIN reviews r ON r.id = a.row_id
             WHERE a.op = ?1 AND a.action = 'cancel' ORDER BY r.due_date, r.kind",
        )
        .unwrap()
        .query_map([op], |r| {
            let (period, kind): (String, String) = (r.get(0)?, r.get(1)?);
            let kind = guazhi::domain::ReviewKind::parse(&kind).unwrap();
            Ok(format!("{period} {}", kind.en()))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let moved: Vec<(String, String)> = rig
        .raw()
        .prepare(
            "SELECT r.kind, r.due_date FROM audit a JOIN reviews r ON r.id = a.row_id
             WHERE a.op = ?1 AND a.action = 'reschedule'",
        )
        .unwrap()
        .query_map([op], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!cancelled.is_empty() && moved.len() == 1, "{cancelled:?} {moved:?}");
    let listed = format!("Saving cancels {} reviews: ", cancelled.len());
    let line = notes.iter().find(|l| l.starts_with(&listed)).unwrap_or_else(|| panic!("{notes:?}"));
    let mut promised: Vec<&str> = line[listed.len()..].split(", ").collect();
    let mut done: Vec<&str> = cancelled.iter().map(String::as_str).collect();
    promised.sort();
    done.sort();
    assert_eq!(promised, done, "the reviews cancelled are the ones promised");
    assert_eq!(moved[0].0, "end_of_term");
    assert!(notes.contains(&format!("The end-of-term evaluation falls due {}", moved[0].1)), "{notes:?} {moved:?}");
}
