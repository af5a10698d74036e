//! Issue 4's workflows through the app's keys on a real store (a temporary demo database): after
//! each, the database holds exactly the expected rows (checked with SQL) and the audit trail
//! names the OS user.

use crate::edit_support;

use edit_support::{me, Rig, TODAY};
use guazhi::app::popup::Popup;
use guazhi::app::{Action, Mode, Tab};
use ratatui::crossterm::event::KeyCode::{Enter, Esc, Tab as TabKey};

/// The newest audit row for a table: (action, os_user, row id).
fn last_audit(rig: &Rig, table: &str) -> (String, String, i64) {
    rig.raw()
        .query_row(
            "SELECT action, os_user, row_id FROM audit WHERE table_name = ?1 ORDER BY id DESC LIMIT 1",
            [table],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn assert_audited(rig: &Rig, table: &str, action: &str) -> i64 {
    let (a, user, id) = last_audit(rig, table);
    assert_eq!((a.as_str(), user.as_str()), (action, me().as_str()), "audit of {table}");
    id
}

#[test]
fn add_a_cadre_then_edit_and_archive_them() {
    let mut rig = Rig::new();
    let before = rig.count("SELECT count(*) FROM cadres");
    rig.keys("a");
    rig.keys("欧阳新\t1\t1990-02-03\t1\t硕士\t城乡规划\t0.5\t国土规划\t科员");
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "saved: {:?}", rig.app.form.as_ref().map(|f| f.values()));
    assert_eq!(rig.count("SELECT count(*) FROM cadres"), before + 1);
    let id = assert_audited(&rig, "cadres", "insert");
    let row: (String, String, String, String, f64, String, String) = rig
        .raw()
        .query_row(
            "SELECT c.name, gender, birth_date, political, grassroots_years, u.name, home_post
             FROM cadres c JOIN units u ON u.id = c.home_unit_id WHERE c.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        ("欧阳新".into(), "m".into(), "1990-02-03".into(), "party".into(), 0.5, "市国土规划局".into(), "科员".into())
    );
    assert_eq!(rig.app.selected_cadre(), Some(id), "the new cadre is selected");

    // Edit: the form opens with the stored values; only the post changes.
    rig.keys("e");
    for _ in 0..8 {
        rig.key(TabKey);
    }
    rig.ctrl('u');
    rig.keys("副科长\r");
    assert_eq!(rig.one::<String>(&format!("SELECT home_post FROM cadres WHERE id = {id}")), "副科长");
    assert_eq!(rig.one::<i64>(&format!("SELECT version FROM cadres WHERE id = {id}")), 2);
    assert_audited(&rig, "cadres", "update");

    // Archive asks first; archived cadres leave the list until `v`.
    rig.keys("X");
    assert!(matches!(rig.app.popup, Some(Popup::Confirm(_))));
    rig.keys("y");
    assert_eq!(rig.one::<i64>(&format!("SELECT archived FROM cadres WHERE id = {id}")), 1);
    let shown = |rig: &Rig| {
        rig.app.list().visible.iter().any(|i| rig.app.catalogs.get(Tab::Cadres).unwrap().cadre(i) == Some(id))
    };
    assert!(!shown(&rig), "archived cadres are hidden");
    rig.keys("v");
    assert!(shown(&rig), "v shows them");
    assert_eq!(rig.count("SELECT count(*) FROM cadres"), before + 1, "archived, never deleted");
}

#[test]
fn add_a_secondment_pair_it_and_unpair() {
    let mut rig = Rig::new();
    // A grassroots cadre (home: a town) goes up to a city organ in the 2026 batch, whose
    // 解雨桐 went down unpaired.
    rig.keys("a");
    rig.keys("龙小江\t2\t1991-05-06\t4\t\t\t3\t龙江\t副镇长\r");
    let cadre = assert_audited(&rig, "cadres", "insert");
    rig.keys("n");
    let form = rig.app.form.as_ref().unwrap();
    assert_eq!(form.value("batch"), "2026年第七批", "the newest batch is offered");
    assert_eq!(form.value("direction"), "up", "a town cadre goes up");
    assert_eq!(form.value("planned end"), "2028-03-31", "filled from the batch's term");
    rig.keys("\t\t市商务局\t副科长\r");
    assert!(rig.app.form.is_none(), "{:?}", rig.app.form.as_ref().map(|f| f.values()));
    let sid = assert_audited(&rig, "reviews", "insert");
    let sid: i64 = rig.one(&format!("SELECT secondment_id FROM reviews WHERE id = {sid}"));
    let (dir, start, end): (String, String, String) = rig
        .raw()
        .query_row(
            "SELECT direction, start_date, planned_end FROM secondments WHERE id = ?1 AND cadre_id = ?2",
            [sid, cadre],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((dir.as_str(), start.as_str(), end.as_str()), ("up", "2026-04-01", "2028-03-31"));
    // 2026Q2..2028Q1 (8 routine), 2026..2028 (3 annual), the end of term: the store's schedule.
    assert_eq!(rig.count(&format!("SELECT count(*) FROM reviews WHERE secondment_id = {sid}")), 12);

    // Pair: the only valid partner (same batch, down, unpaired) is offered and filled in.
    rig.keys("m");
    let form = rig.app.form.as_ref().unwrap();
    assert!(form.value("partner").starts_with("解雨桐"), "{}", form.value("partner"));
    assert_eq!(form.get("partner").unwrap().options().len(), 1);
    rig.key(Enter);
    assert!(rig.app.form.is_none());
    let pair = assert_audited(&rig, "pairs", "insert");
    let (down, up): (i64, i64) = rig
        .raw()
        .query_row("SELECT down_id, up_id FROM pairs WHERE id = ?1", [pair], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((down, up), (65, sid));

    // Unpair asks, then removes only the pairing.
    rig.keys("M");
    rig.keys("y");
    assert_eq!(rig.count(&format!("SELECT count(*) FROM pairs WHERE id = {pair}")), 0);
    assert_eq!(rig.count(&format!("SELECT count(*) FROM secondments WHERE id IN (65, {sid})")), 2);
    assert_audited(&rig, "pairs", "delete");
}

#[test]
fn record_a_review_in_three_keys_and_the_header_count_drops() {
    let mut rig = Rig::new();
    rig.keys("3");
    let overdue = rig.app.counts[0];
    let Some(guazhi::app::view::Rec::Review(id)) = rig.app.selected_rec(Tab::Reviews) else { panic!("a review row") };
    rig.keys("e1\r");
    assert!(rig.app.form.is_none());
    assert_eq!(rig.app.counts[0], overdue - 1, "the header's overdue count drops at once");
    let (done, grade): (String, String) = rig
        .raw()
        .query_row("SELECT done_date, grade FROM reviews WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((done.as_str(), grade.as_str()), (TODAY, "excellent"));
    assert_audited(&rig, "reviews", "record");

    // Correct it: the done reviews are one filter away; the form holds the recorded result.
    for _ in 0..5 {
        rig.keys("f");
    }
    assert!(rig.app.select_rec(Tab::Reviews, guazhi::app::view::Rec::Review(id)));
    rig.act(Action::Redraw); // the window reads the newly selected row, as after any move
    rig.keys("e");
    assert_eq!(rig.app.form.as_ref().unwrap().value("grade"), "excellent");
    rig.keys("2\r");
    assert_eq!(rig.one::<String>(&format!("SELECT grade FROM reviews WHERE id = {id}")), "competent");
    assert_eq!(
        rig.count(&format!(
            "SELECT count(*) FROM audit WHERE table_name='reviews' AND row_id={id} AND action='record'"
        )),
        2
    );
}

#[test]
fn end_early_cancels_later_reviews_and_moves_the_evaluation_up() {
    let mut rig = Rig::new();
    rig.find("单志远");
    rig.key(Enter);
    assert_eq!(rig.app.mode, Mode::Dossier);
    let sid: i64 = rig.one("SELECT s.id FROM secondments s JOIN cadres c ON c.id = s.cadre_id WHERE c.name = '单志远'");
    rig.keys("x");
    assert_eq!(rig.app.form.as_ref().unwrap().value("end date"), TODAY);
    let notes: String = rig.app.form.as_ref().unwrap().notes.iter().map(|l| l.text()).collect();
    assert!(notes.contains("falls due 2026-12-27"), "the form says what will happen: {notes}");
    rig.keys("\t调回原单位另有任用\r");
    assert!(rig.app.form.is_none());
    let (end, reason): (String, String) = rig
        .raw()
        .query_row("SELECT actual_end, end_reason FROM secondments WHERE id = ?1", [sid], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((end.as_str(), reason.as_str()), (TODAY, "调回原单位另有任用"));
    let later = rig.count(&format!(
        "SELECT count(*) FROM reviews WHERE secondment_id={sid} AND due_date > '2027-02-01' AND cancelled = 0"
    ));
    assert_eq!(later, 0, "reviews after the end are cancelled");
    let due: String =
        rig.one(&format!("SELECT due_date FROM reviews WHERE secondment_id={sid} AND kind='end_of_term'"));
    assert_eq!(due, "2026-12-27");
    assert_audited(&rig, "secondments", "end_early");
    // The dossier on screen shows it.
    let d = rig.app.dossier.as_ref().unwrap();
    let text: String = d.doc.head.iter().chain(&d.doc.reviews).map(|l| l.text() + "\n").collect();
    assert!(text.contains("调回原单位另有任用") && text.contains("2026-12-27"), "{text}");
}

#[test]
fn vetting_evaluation_and_a_dossier_note() {
    let mut rig = Rig::new();
    rig.find("单志远");
    rig.key(Enter);
    let sid: i64 = rig.one("SELECT s.id FROM secondments s JOIN cadres c ON c.id = s.cadre_id WHERE c.name = '单志远'");
    let cadre: i64 = rig.one("SELECT id FROM cadres WHERE name = '单志远'");
    // The demo has a vetting for this secondment: the form opens with it and saving updates it.
    let version: i64 = rig.one(&format!("SELECT version FROM vettings WHERE secondment_id = {sid}"));
    rig.keys("v");
    assert_eq!(rig.app.form.as_ref().unwrap().value("discipline opinion"), "市纪委：无违纪记录");
    rig.keys("\t\t\t2\t\t\t");
    rig.ctrl('u');
    rig.keys("无问题\t\t");
    rig.ctrl('u');
    rig.keys("同意选派\r");
    assert!(rig.app.form.is_none(), "{:?}", rig.app.form.as_ref().map(|f| f.values()));
    let row: (String, String, String, i64) = rig
        .raw()
        .query_row(
            "SELECT performance, discipline_opinion, conclusion, version FROM vettings WHERE secondment_id = ?1",
            [sid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(row, ("fair".into(), "无问题".into(), "同意选派".into(), version + 1));
    assert_audited(&rig, "vettings", "update");

    rig.keys("t");
    rig.keys("市委组织部干部科\t12\t考察组认为该同志表现优秀\r");
    let row: (String, i64) = rig
        .raw()
        .query_row("SELECT inspectors, talks FROM term_evaluations WHERE secondment_id = ?1", [sid], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(row, ("市委组织部干部科".into(), 12));
    assert_audited(&rig, "term_evaluations", "insert");

    rig.keys("a\t");
    rig.keys("与派出单位沟通，工作衔接顺利\r");
    let (author, body): (String, String) = rig
        .raw()
        .query_row("SELECT author, body FROM dossier_notes WHERE cadre_id = ?1 ORDER BY id DESC", [cadre], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((author, body.as_str()), (me(), "与派出单位沟通，工作衔接顺利"));
    assert_audited(&rig, "dossier_notes", "insert");
}

#[test]
fn reserve_admit_move_along_and_withdraw_with_a_reason() {
    let mut rig = Rig::new();
    rig.keys("4");
    assert!(matches!(rig.app.selected_rec(Tab::Reserve), Some(guazhi::app::view::Rec::Candidate(_))));
    let name = rig.app.row(Tab::Reserve, rig.app.list().selected_row().unwrap()).unwrap().cells[0].text.clone();
    rig.keys("a\r");
    assert!(rig.app.form.is_none());
    let (id, status, origin): (i64, String, String) = rig
        .raw()
        .query_row(
            "SELECT n.id, status, origin FROM reserve_nominations n JOIN cadres c ON c.id = n.cadre_id WHERE c.name = ?1",
            [&name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), origin.as_str()), ("admitted", "rule"), "one action: nominated and admitted");
    assert_eq!(rig.count(&format!("SELECT count(*) FROM reserve_events WHERE nomination_id = {id}")), 2);
    // Proposed on the rule's day (谭嘉诚: the day his evaluation was done), admitted today.
    let days: (String, String) = rig
        .raw()
        .query_row(&format!("SELECT proposed_on, status_on FROM reserve_nominations WHERE id = {id}"), [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((name.as_str(), days.0.as_str(), days.1.as_str()), ("谭嘉诚", "2019-04-23", "2026-11-27"));
    assert_audited(&rig, "reserve_events", "insert");

    assert!(rig.app.select_rec(Tab::Reserve, guazhi::app::view::Rec::Nomination(id)));
    rig.keys("e");
    assert_eq!(rig.app.form.as_ref().unwrap().value("status"), "under inspection");
    rig.key(Enter);
    assert_eq!(rig.one::<String>(&format!("SELECT status FROM reserve_nominations WHERE id = {id}")), "inspecting");

    rig.keys("w");
    rig.key(Enter);
    assert!(rig.message("reason").contains("required"), "withdrawing needs a reason");
    // The focus went to the field with the message.
    rig.keys("本人申请");
    rig.key(Enter);
    let (status, reason): (String, String) = rig
        .raw()
        .query_row("SELECT status, reason FROM reserve_nominations WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((status.as_str(), reason.as_str()), ("withdrawn", "本人申请"));
    let events: Vec<String> = rig
        .raw()
        .prepare("SELECT to_status || ':' || by_user FROM reserve_events WHERE nomination_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let me = me();
    assert_eq!(
        events,
        [format!("proposed:{me}"), format!("admitted:{me}"), format!("inspecting:{me}"), format!("withdrawn:{me}")]
    );
}

#[test]
fn undo_puts_back_my_last_change_and_history_says_who() {
    let mut rig = Rig::new();
    rig.keys("3");
    let Some(guazhi::app::view::Rec::Review(id)) = rig.app.selected_rec(Tab::Reviews) else { panic!() };
    rig.keys("e1\r");
    rig.keys("u");
    let Some(Popup::Confirm(c)) = &rig.app.popup else { panic!("undo asks first") };
    let text: String = c.lines.iter().map(|l| l.text()).collect();
    assert!(text.contains(&me()) && text.contains("excellent"), "it says what will be undone: {text}");
    rig.keys("y");
    assert!(rig.status().starts_with("Undone"), "{}", rig.status());
    assert_eq!(rig.one::<Option<String>>(&format!("SELECT grade FROM reviews WHERE id = {id}")), None);
    assert_eq!(rig.count("SELECT count(*) FROM audit WHERE action = 'undo' AND reverts IS NOT NULL"), 1);
    rig.keys("u");
    assert!(rig.status().contains("nothing of yours"), "the sample's rows are not mine: {}", rig.status());

    assert!(rig.app.select_rec(Tab::Reviews, guazhi::app::view::Rec::Review(id)));
    rig.keys("h");
    let Some(Popup::History(h)) = &rig.app.popup else { panic!("history") };
    let text: String = h.lines.iter().map(|l| l.text() + "\n").collect();
    assert!(text.contains(&format!("{}  undid review #{id}", me())), "{text}");
    assert!(text.contains("grade: excellent"), "field by field: {text}");
    assert!(text.contains("guazhi-sample  added review"), "{text}");
    rig.key(Esc);
    assert!(rig.app.popup.is_none());
}

/// The terminal's half of a save (`carry_out_to_save`) answers it before the lists read what
/// changed: the form closes and says so in one frame; the reading (the header's count here)
/// follows in the next call, as the terminal loop makes it right after drawing.
#[test]
fn a_save_is_answered_before_the_lists_read_what_it_changed() {
    use guazhi::runner::{carry_out, carry_out_to_save, Session};
    let mut rig = Rig::new();
    rig.keys("3e1");
    let overdue = rig.app.counts[0];
    let enter = ratatui::crossterm::event::Event::Key(ratatui::crossterm::event::KeyEvent::from(Enter));
    let action = guazhi::app::keys::map_event(&rig.app, &enter).expect("Enter saves");
    let effect = rig.app.update(action);
    let mut s = Session { store: &mut rig.store, today: edit_support::today(), drafts: Some(&rig.slot), builder: None };
    carry_out_to_save(&mut rig.app, &mut s, effect).unwrap();
    assert!(rig.app.form.is_none(), "the form closed");
    assert!(rig.status().contains("Saved"), "{}", rig.status());
    assert!(!rig.app.requests.is_empty(), "the reading is left for after the frame");
    assert_eq!(rig.app.counts[0], overdue, "not read yet");
    let mut s = Session { store: &mut rig.store, today: edit_support::today(), drafts: Some(&rig.slot), builder: None };
    carry_out(&mut rig.app, &mut s, guazhi::app::Effect::Store).unwrap();
    assert!(rig.app.requests.is_empty());
    assert_eq!(rig.app.counts[0], overdue - 1, "the header's overdue count drops");
}
