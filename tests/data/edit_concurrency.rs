//! Several colleagues on one file, and nothing typed lost: conflicts (what the colleague
//! changed, reload or re-apply), a busy database, a full disk, drafts, a lone Esc, pastes.

use crate::edit_support;

use edit_support::{me, Rig};
use guazhi::app::popup::Popup;
use guazhi::app::{Action, DraftAct};
use guazhi::draft::Draft;
use guazhi::store::{Access, Actor, Store};
use ratatui::crossterm::event::KeyCode::{BackTab, Enter, Esc};

/// A colleague's own connection and OS account.
fn colleague(rig: &Rig) -> Store {
    let mut s = Store::open(&rig.path, Access::Auto).unwrap();
    s.set_actor(Actor { uid: 4242, user: "wangli".into(), fixed_time: None });
    s
}

fn cadre_named(rig: &Rig, name: &str) -> guazhi::domain::Cadre {
    let id: i64 = rig.one(&format!("SELECT id FROM cadres WHERE name = '{name}'"));
    rig.app.data.cadres.iter().find(|c| c.id == id).unwrap().clone()
}

/// Opens the edit form of 欧阳明远 and types a new home post (not saved yet).
fn edit_post(rig: &mut Rig, post: &str) {
    rig.find("欧阳明远");
    rig.keys("e");
    let form = rig.app.form.as_mut().unwrap();
    form.focus_key("home post");
    rig.ctrl('u');
    rig.keys(post);
}

#[test]
fn a_colleagues_save_shows_as_a_conflict_and_reapplying_keeps_both() {
    let mut rig = Rig::new();
    let c = cadre_named(&rig, "欧阳明远");
    edit_post(&mut rig, "三旧改造科科长");
    // The colleague renames the same cadre and changes the education meanwhile.
    let mut other = colleague(&rig);
    other
        .write(|w| {
            w.update_cadre(&guazhi::domain::Cadre {
                name: "欧阳明源".into(), education: "博士".into(), ..c.clone()
            })
        })
        .unwrap();

    rig.key(Enter);
    let Some(Popup::Conflict(view)) = &rig.app.popup else { panic!("a conflict, not a silent overwrite") };
    let text: String = view.lines.iter().map(|l| l.text() + "\n").collect();
    assert!(text.contains("wangli saved this record"), "{text}");
    assert!(text.contains("name: 欧阳明远 → 欧阳明源") && text.contains("education:"), "{text}");
    assert!(!text.contains("home post"), "only what they changed: {text}");
    assert_eq!(
        rig.one::<String>(&format!("SELECT home_post FROM cadres WHERE id = {}", c.id)),
        c.home_post,
        "nothing written"
    );

    // Esc: back to the form as typed; saving again conflicts again.
    rig.key(Esc);
    assert_eq!(rig.app.form.as_ref().unwrap().value("home post"), "三旧改造科科长");
    rig.key(Enter);
    assert!(matches!(rig.app.popup, Some(Popup::Conflict(_))));

    // Re-apply: my edit on top of their version, then save.
    rig.keys("a");
    let form = rig.app.form.as_ref().unwrap();
    assert_eq!(form.value("name"), "欧阳明源", "their change is in");
    assert_eq!(form.value("home post"), "三旧改造科科长", "mine is kept");
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "saved on the new version");
    let row: (String, String, String, i64) = rig
        .raw()
        .query_row("SELECT name, education, home_post, version FROM cadres WHERE id = ?1", [c.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!(row, ("欧阳明源".into(), "博士".into(), "三旧改造科科长".into(), c.version + 2));
    let users: Vec<String> = rig
        .raw()
        .prepare("SELECT os_user FROM audit WHERE table_name = 'cadres' AND row_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([c.id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(users[users.len() - 2..], ["wangli".to_string(), me()]);
}

#[test]
fn reloading_after_a_conflict_shows_their_version() {
    let mut rig = Rig::new();
    let c = cadre_named(&rig, "欧阳明远");
    edit_post(&mut rig, "我的改动");
    colleague(&rig)
        .write(|w| w.update_cadre(&guazhi::domain::Cadre { home_post: "他的改动".into(), ..c.clone() }))
        .unwrap();
    rig.key(Enter);
    let Some(Popup::Conflict(view)) = &rig.app.popup else { panic!() };
    let text: String = view.lines.iter().map(|l| l.text()).collect();
    assert!(text.contains("home post:") && text.contains("他的改动"), "{text}");
    rig.keys("r");
    assert_eq!(rig.app.form.as_ref().unwrap().value("home post"), "他的改动");
    assert!(!rig.app.form.as_ref().unwrap().dirty());
}

#[test]
fn a_busy_database_keeps_the_form_and_a_later_save_works() {
    let mut rig = Rig::new();
    edit_post(&mut rig, "等一等");
    let lock = rig.raw();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let t0 = std::time::Instant::now();
    rig.key(Enter);
    assert!(t0.elapsed() >= std::time::Duration::from_secs(4), "it waited for the busy timeout");
    let form = rig.app.form.as_ref().expect("the form stays open");
    assert!(form.message.as_ref().unwrap().1.contains("busy"), "{:?}", form.message);
    assert_eq!(form.value("home post"), "等一等");
    lock.execute_batch("ROLLBACK").unwrap();
    rig.key(Enter);
    assert!(rig.app.form.is_none());
    assert_eq!(rig.count("SELECT count(*) FROM cadres WHERE home_post = '等一等'"), 1);
}

#[test]
fn a_full_disk_keeps_the_form_and_saving_works_once_there_is_room() {
    let mut rig = Rig::new();
    rig.find("欧阳明远");
    rig.key(Enter);
    rig.keys("a\t");
    let long = "挂职期间工作情况良好。".repeat(300);
    rig.paste(&long);
    // The database may not grow by a single page: like a disk with no space left.
    let pages: i64 = rig.store.connection().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    rig.store.connection().pragma_update(None, "max_page_count", pages).unwrap();
    let notes = rig.count("SELECT count(*) FROM dossier_notes");
    rig.key(Enter);
    let form = rig.app.form.as_ref().expect("the form stays open");
    assert!(form.message.as_ref().unwrap().1.contains("disk is full"), "{:?}", form.message);
    assert_eq!(form.value("note"), long, "the typing is kept");
    assert_eq!(rig.count("SELECT count(*) FROM dossier_notes"), notes);
    rig.store.connection().pragma_update(None, "max_page_count", 1_000_000_000i64).unwrap();
    rig.key(Enter);
    assert!(rig.app.form.is_none(), "{:?}", rig.app.form.as_ref().and_then(|f| f.message.clone()));
    assert_eq!(rig.count("SELECT count(*) FROM dossier_notes"), notes + 1);
}

#[test]
fn a_draft_is_restored_and_saved_then_its_file_goes() {
    let mut rig = Rig::new();
    edit_post(&mut rig, "草稿里的职务");
    let draft = Draft::of(rig.app.form.as_ref().unwrap());
    rig.slot.save(&draft).unwrap();
    // Next start: a new app on the same file is offered the draft.
    let mut next = Rig::new();
    next.path = rig.path.clone();
    next.store = Store::open(&rig.path, Access::Auto).unwrap();
    next.slot = rig.slot.clone();
    let offered = next.slot.load().expect("the draft is there");
    next.act(Action::OfferDraft(Box::new(offered)));
    assert!(matches!(next.app.popup, Some(Popup::Draft(_))));
    next.act(Action::DraftChoice(DraftAct::Restore));
    let form = next.app.form.as_ref().expect("restored");
    assert_eq!(form.value("home post"), "草稿里的职务");
    assert!(form.dirty(), "restored typing counts as unsaved");
    next.key(Enter);
    assert!(next.app.form.is_none());
    assert_eq!(next.count("SELECT count(*) FROM cadres WHERE home_post = '草稿里的职务'"), 1);
    assert!(next.slot.load().is_none(), "the draft file is gone once saved");
}

#[test]
fn a_lone_esc_or_a_split_escape_sequence_never_loses_typing() {
    let mut rig = Rig::new();
    rig.keys("a");
    rig.keys("张三");
    rig.key(Esc);
    assert!(matches!(rig.app.popup, Some(Popup::Confirm(_))), "asks first");
    // The rest of `ESC [ A` arriving late: ignored by the question.
    rig.keys("[A");
    assert!(matches!(rig.app.popup, Some(Popup::Confirm(_))));
    rig.key(Esc);
    assert_eq!(rig.app.form.as_ref().unwrap().value("name"), "张三", "Esc on the question keeps editing");
    rig.key(Esc);
    rig.keys("y");
    assert!(rig.app.form.is_none(), "only y discards");
    // An untouched form closes on Esc without asking.
    rig.keys("a");
    rig.key(Esc);
    assert!(rig.app.form.is_none() && rig.app.popup.is_none());
}

#[test]
fn a_multi_line_paste_never_submits_and_keeps_its_lines_only_in_a_multi_line_field() {
    let mut rig = Rig::new();
    let before = rig.count("SELECT count(*) FROM audit");
    rig.find("欧阳明远");
    rig.key(Enter);
    rig.keys("a\t");
    rig.paste("第一行\r\n第二行\n\n\x1b]0;title\x07第三行\u{202e}\r");
    let form = rig.app.form.as_ref().expect("still open: the paste pressed no Enter");
    // A note keeps the lines (the blank one too); the controls go, and the field says so.
    assert_eq!(form.value("note"), "第一行\n第二行\n\n]0;title第三行");
    assert!(rig.message("note").contains("removed"), "the field says so: {}", rig.message("note"));
    // A one-line field (the date) joins them.
    rig.key(BackTab);
    rig.paste("第一行\r\n第二行");
    assert_eq!(rig.app.form.as_ref().unwrap().value("date"), "第一行 第二行");
    assert_eq!(rig.count("SELECT count(*) FROM audit"), before, "nothing written");
}
