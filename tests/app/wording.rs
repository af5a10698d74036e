//! Issue 12's wording defects, each as a new user met it: every one of these failed before its
//! fix. The language walk (`language_walk.rs`) covers the rest of "Chinese means Chinese".

use crate::edit_support;

use edit_support::Rig;
use guazhi::app::popup::Popup;
use guazhi::app::{Action, Tab};
use guazhi::domain::Cadre;
use guazhi::lang::Lang;
use guazhi::store::Access;
use ratatui::crossterm::event::KeyCode::Enter;

fn zh() -> Rig {
    Rig::with(Lang::Zh, Access::Auto)
}

fn cadre(rig: &Rig, name: &str) -> Cadre {
    rig.app.data.cadres.iter().find(|c| c.name == name).unwrap().clone()
}

fn popup_text(rig: &Rig) -> String {
    let lines = match &rig.app.popup {
        Some(Popup::Conflict(c)) => &c.lines,
        Some(Popup::History(h)) => &h.lines,
        Some(Popup::Confirm(c)) => &c.lines,
        _ => panic!("no popup"),
    };
    lines.iter().map(|l| l.spans.iter().map(|(t, _)| t.as_str()).collect::<String>()).collect::<Vec<_>>().join("\n")
}

#[test]
fn history_names_every_column_in_words() {
    let rig = zh();
    let lk = rig.app.lookup();
    let conn = rig.raw();
    for table in guazhi::store::write::TABLES {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for column in columns.iter().filter(|c| !matches!(c.as_str(), "id" | "version")) {
            let label = guazhi::app::view::history::column_label(&lk, table, column);
            assert!(!label.chars().any(|c| c.is_ascii_alphabetic()), "{table}.{column} shows as {label}");
        }
    }
}

#[test]
fn a_policy_change_reads_as_words_in_the_history() {
    let mut rig = zh();
    rig.keys("5P");
    rig.app.form.as_mut().unwrap().focus_key("annual due day");
    rig.ctrl('u');
    rig.keys("29");
    rig.ctrl('s');
    assert!(rig.app.form.is_none(), "saved: {}", rig.status());
    rig.keys("h");
    let text = popup_text(&rig);
    assert!(text.contains("年度考核到期(日)：31 → 29"), "{text}");
    assert!(!text.contains("annual_due_day"), "{text}");
}

#[test]
fn a_conflict_shows_numbers_and_the_record_as_people_write_them() {
    let mut rig = zh();
    rig.keys("1");
    rig.find("劳海峰");
    rig.keys("e");
    rig.app.form.as_mut().unwrap().focus_key("home post");
    rig.keys("（兼）");
    // A colleague changes the grassroots years in the meantime.
    let c = cadre(&rig, "劳海峰");
    rig.store.write(|w| w.update_cadre(&Cadre { grassroots_years: 10.0, ..c.clone() })).unwrap();
    rig.ctrl('s');
    let text = popup_text(&rig);
    assert!(text.contains("基层经历：8 → 10"), "{text}");
    assert!(!text.contains(".0"), "{text}");
    let message = rig.app.form.as_ref().unwrap().message.clone().unwrap().1;
    assert_eq!(message, "同事已修改干部“劳海峰”，未保存");
}

#[test]
fn a_rename_is_reported_under_the_new_name() {
    let mut rig = Rig::new();
    rig.keys("5");
    rig.act(Action::GoTab(Tab::Overview));
    rig.keys("e");
    let old = rig.app.form.as_ref().unwrap().value("batch name").to_string();
    rig.app.form.as_mut().unwrap().focus_key("batch name");
    rig.ctrl('u');
    rig.keys("2017年首批");
    rig.ctrl('s');
    assert_eq!(rig.status(), "Saved: Edit batch 2017年首批", "was {old}");
}

#[test]
fn political_status_has_one_label_everywhere() {
    for (lang, label, other) in [(Lang::Zh, "无党派人士", "无党派 "), (Lang::En, "non-party", "no party affiliation")]
    {
        let mut rig = Rig::with(lang, Access::Auto);
        rig.keys("1");
        rig.find("欧阳明远");
        let list = rig.screen(200, 50);
        assert!(list.contains(label) && !list.contains(other), "{lang:?} list:\n{list}");
        rig.key(Enter);
        let dossier = rig.screen(200, 50);
        assert!(dossier.contains(label) && !dossier.contains(other), "{lang:?} dossier:\n{dossier}");
        rig.keys("e");
        let form = rig.screen(200, 50);
        assert!(form.contains(label) && !form.contains(other), "{lang:?} form:\n{form}");
    }
}

#[test]
fn the_english_add_cadre_form_shows_the_politics_options_unfocused_at_80_columns() {
    let mut rig = Rig::new();
    rig.keys("1a");
    let screen = rig.screen(80, 24);
    let line = screen.lines().find(|l| l.contains("Politics")).expect("the field is shown");
    assert!(line.contains("CPC member") && line.contains("non-party"), "{line}");
}

#[test]
fn one_row_is_one_row() {
    let mut rig = Rig::new();
    rig.keys("1");
    rig.find("邱志远");
    rig.key(Enter);
    rig.keys("a\t谈话\r");
    assert!(rig.app.form.is_none(), "the note is saved");
    rig.keys("u");
    rig.keys("y");
    assert!(rig.status().ends_with("(1 row)"), "{}", rig.status());
}

#[test]
fn the_reserve_pool_uses_the_review_kind_s_own_name_and_the_day_of_the_proposal() {
    let mut rig = zh();
    rig.keys("4");
    let screen = rig.screen(200, 50);
    assert!(screen.contains("期满考察优秀") && !screen.contains("期满考核"), "{screen}");
    // A rule proposal is dated the day the rule proposes it (the evaluation's day), not the
    // term's last day.
    let lk = rig.app.lookup();
    let s = guazhi::app::view::reserve::candidates(&lk)[0];
    let evaluated = lk
        .reviews_of(s.id)
        .find(|r| r.kind == guazhi::domain::ReviewKind::EndOfTerm)
        .and_then(|r| r.done)
        .expect("evaluated");
    let name = lk.cadre_name(s.cadre_id).to_string();
    let row = screen.lines().find(|l| l.contains(&name) && l.contains("规则建议")).expect("the proposal's row");
    assert!(row.contains(&evaluated.to_string()) && !row.contains(&s.end().to_string()), "{row}");
}

#[test]
fn the_withdraw_key_and_its_form_say_the_same() {
    let mut rig = zh();
    rig.keys("4");
    let bar = guazhi::ui::help::bar_items(&rig.app);
    let (_, label) = bar.iter().find(|(k, _)| k == "w").expect("w in the bar");
    rig.find("劳海峰");
    rig.keys("w");
    let title = rig.app.form.as_ref().expect("the form").title.clone();
    assert!(title.starts_with(label), "key {label}, form {title}");
}

#[test]
fn the_units_tab_offers_only_keys_that_do_something() {
    let mut rig = Rig::new();
    rig.keys("6");
    let bar = guazhi::ui::help::bar_items(&rig.app);
    assert!(bar.iter().all(|(_, what)| *what != "dossier"), "{bar:?}");
    rig.key(Enter);
    assert!(rig.app.form.as_ref().is_some_and(|f| f.title.starts_with("Edit unit")), "Enter opens the unit");
}
