//! Issue 13, "Forms": a filled-in field is replaced by typing; the end-of-term evaluation form
//! records the grade, in the same review row the Reviews tab shows.

use crate::edit_support;

use edit_support::{Rig, TODAY};
use guazhi::app::{Mode, StatusFilter, Tab};
use ratatui::crossterm::event::KeyCode::{Enter, Tab as TabKey};
use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};

#[test]
fn typing_into_a_filled_in_date_replaces_it() {
    let mut rig = Rig::new();
    rig.find("单志远");
    rig.key(Enter);
    rig.keys("x");
    assert_eq!(rig.app.form.as_ref().unwrap().value("end date"), TODAY);
    rig.keys("2026-11-20");
    assert_eq!(rig.app.form.as_ref().unwrap().value("end date"), "2026-11-20", "not 2026-11-272026-11-20");
}

#[test]
fn the_evaluation_form_records_the_grade_in_the_reviews_tabs_row() {
    let mut rig = Rig::new();
    let review: i64 = rig.one(
        "SELECT r.id FROM reviews r JOIN secondments s ON s.id = r.secondment_id JOIN cadres c ON c.id = s.cadre_id
         WHERE c.name = '卢晓婷' AND r.kind = 'end_of_term'",
    );
    let before: (String, String, i64) = rig
        .raw()
        .query_row("SELECT grade, done_date, version FROM reviews WHERE id = ?1", [review], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(before.0, "competent");
    let reviews = rig.count("SELECT count(*) FROM reviews");
    rig.find("卢晓婷");
    rig.key(Enter);
    assert_eq!(rig.app.mode, Mode::Dossier);
    rig.keys("t");
    let form = rig.app.form.as_ref().expect("the evaluation form");
    assert_eq!((form.value("grade"), form.value("done")), ("competent", "2025-04-28"), "opens with the row's result");
    for _ in 0..3 {
        rig.key(TabKey);
    }
    rig.keys("1");
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "saved: {:?}", rig.app.form.as_ref().map(|f| f.values()));
    let after: (String, String, i64) = rig
        .raw()
        .query_row("SELECT grade, done_date, version FROM reviews WHERE id = ?1", [review], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(after, ("excellent".into(), "2025-04-28".into(), before.2 + 1));
    assert_eq!(rig.count("SELECT count(*) FROM reviews"), reviews, "the same row, no new one");
    // One save: the evaluation and the grade are one change to undo.
    let ops = rig.count("SELECT count(DISTINCT op) FROM audit WHERE op = (SELECT max(op) FROM audit)");
    let tables: String =
        rig.one("SELECT group_concat(table_name) FROM audit WHERE op = (SELECT max(op) FROM audit) ORDER BY id");
    assert_eq!(ops, 1);
    assert!(tables.contains("term_evaluations") && tables.contains("reviews"), "{tables}");
    // The Reviews tab shows the grade on that row.
    rig.act(guazhi::app::Action::GoTab(Tab::Reviews));
    while rig.app.lists[Tab::Reviews.index()].filters.status != StatusFilter::All {
        rig.keys("f");
    }
    rig.find("卢晓婷");
    let screen = rig.screen(120, 40);
    assert!(screen.lines().any(|l| l.contains("卢晓婷") && l.contains("excellent")), "{screen}");
}

#[test]
fn a_note_keeps_its_line_breaks_typed_and_pasted_and_the_dossier_shows_them() {
    let mut rig = Rig::new();
    rig.find("单志远");
    rig.key(Enter);
    let cadre: i64 = rig.one("SELECT id FROM cadres WHERE name = '单志远'");
    rig.keys("a\t");
    rig.keys("第一行");
    rig.event(Event::Key(KeyEvent::new(Enter, KeyModifiers::ALT)));
    rig.paste("第二行\r\n第三行\u{202E}\n");
    assert_eq!(rig.app.form.as_ref().unwrap().value("note"), "第一行\n第二行\n第三行");
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "Enter saves: {:?}", rig.app.form.as_ref().map(|f| f.values()));
    let body: String =
        rig.one(&format!("SELECT body FROM dossier_notes WHERE cadre_id = {cadre} ORDER BY id DESC LIMIT 1"));
    assert_eq!(body, "第一行\n第二行\n第三行");
    let d = rig.app.dossier.as_ref().unwrap();
    let text: Vec<String> = d.doc.rest.iter().map(|l| l.text()).collect();
    let at = text.iter().position(|l| l.ends_with("第一行")).unwrap_or_else(|| panic!("{text:#?}"));
    assert!(text[at + 1].trim() == "第二行" && text[at + 2].trim() == "第三行", "{text:#?}");
}

/// A save refused on a field left earlier takes the focus back to it with its text selected,
/// as Tab does: the next keys replace the refused value, they do not add to it.
#[test]
fn after_a_refused_save_typing_replaces_the_refused_value() {
    let mut rig = Rig::new();
    rig.keys("5");
    rig.find("2026年第七批");
    rig.keys("e");
    rig.key(TabKey);
    rig.keys("2027-04-01");
    rig.key(TabKey);
    rig.key(Enter);
    let form = rig.app.form.as_ref().expect("refused: the form stays open");
    assert_eq!(form.focused().map(|f| f.key), Some("dispatch date"));
    rig.keys("2026-04-15");
    assert_eq!(rig.app.form.as_ref().unwrap().value("dispatch date"), "2026-04-15", "not 2027-04-012026-04-15");
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "saved");
    assert_eq!(rig.one::<String>("SELECT dispatch_date FROM batches WHERE name = '2026年第七批'"), "2026-04-15");
}

/// Save shows every message at once: a field empty and another against the rules across fields.
#[test]
fn a_refused_save_shows_every_message_at_once() {
    let mut rig = Rig::new();
    rig.find("单志远");
    rig.key(Enter);
    rig.keys("x");
    // Before his start (2026-04-01), and no reason given.
    rig.keys("2026-03-01");
    rig.key(Enter);
    let form = rig.app.form.as_ref().expect("refused: the form stays open");
    let error = |key: &str| form.fields.iter().find(|f| f.key == key).and_then(|f| f.error.clone());
    assert!(error("reason").is_some_and(|e| e.contains("required")), "{:?}", error("reason"));
    assert!(error("end date").is_some_and(|e| e.contains("before the start")), "{:?}", error("end date"));
    assert_eq!(form.focused().map(|f| f.key), Some("end date"), "the first field with a message");
}

/// The planned end the form fills in from the batch and the start loses a "required" it had
/// while the start was empty.
#[test]
fn a_planned_end_filled_in_for_the_user_drops_its_old_message() {
    let mut rig = Rig::new();
    rig.find("邱志远");
    rig.key(Enter);
    rig.keys("n");
    rig.app.form.as_mut().unwrap().focus_key("start");
    rig.ctrl('u');
    rig.key(Enter);
    let error = |rig: &Rig, key: &str| rig.app.form.as_ref().unwrap().get(key).and_then(|f| f.error.clone());
    assert!(error(&rig, "planned end").is_some_and(|e| e.contains("required")), "{:?}", error(&rig, "planned end"));
    rig.app.form.as_mut().unwrap().focus_key("start");
    rig.keys("2026-12-01");
    assert_eq!(rig.app.form.as_ref().unwrap().value("planned end"), "2028-11-30");
    assert_eq!(error(&rig, "planned end"), None);
}

/// The list of this window's changes names whose review a result was recorded for.
#[test]
fn the_changes_list_names_whose_review_it_was() {
    let mut rig = Rig::new();
    rig.keys("3g");
    rig.keys("e");
    rig.keys("1");
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "saved: {}", rig.status());
    let saved = rig.status();
    rig.keys("U");
    let screen = rig.screen(80, 24);
    let line = screen.lines().find(|l| l.contains("annual 2025")).unwrap_or_else(|| panic!("{saved}\n{screen}"));
    assert!(line.contains("黄永健") && saved.contains("黄永健"), "{saved}\n{line}");
}
