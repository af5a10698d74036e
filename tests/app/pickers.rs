//! `b`, `d` and `s` open a short list to choose from (issue 13): batches newest first, a filter
//! line, only the columns on screen to sort by; an empty list names the filter that hides it.

use crate::edit_support;

use edit_support::Rig;
use guazhi::app::popup::Popup;
use guazhi::lang::Lang;
use guazhi::store::Access;
use ratatui::crossterm::event::KeyCode::{Down, Enter};

fn options(rig: &Rig) -> Vec<String> {
    match &rig.app.popup {
        Some(Popup::Choose(c)) => c.picker.visible.iter().map(|&i| c.options[i].label.clone()).collect(),
        _ => panic!("no list open"),
    }
}

#[test]
fn batches_newest_first_filtered_as_typed() {
    let mut rig = Rig::with(Lang::Zh, Access::Auto);
    rig.keys("3b");
    let all = options(&rig);
    assert_eq!(all[0], "全部");
    assert_eq!(all[1], "2026年第七批", "the newest batch first: {all:?}");
    assert_eq!(all.last().unwrap(), "2017年第一批");
    rig.keys("2025");
    assert_eq!(options(&rig), vec!["2025年第六批"]);
    rig.key(Enter);
    assert!(rig.app.popup.is_none());
    let screen = rig.screen(80, 24);
    assert!(screen.contains("[待办·2025年第六批]"), "{screen}");
    // A district, by pinyin initials.
    rig.keys("dgm");
    assert_eq!(options(&rig), vec!["高明"]);
    rig.key(Enter);
    assert!(rig.screen(80, 24).contains("2025年第六批·高明"));
}

#[test]
fn sort_offers_only_the_columns_on_screen() {
    let mut rig = Rig::new();
    rig.keys("3");
    rig.screen(80, 24);
    let shown = rig.app.frame.header.len();
    assert!(shown < rig.app.table(guazhi::app::Tab::Reviews).columns.len());
    rig.keys("s");
    assert_eq!(options(&rig).len(), shown + 1, "the default order and the columns on screen");
    rig.key(Down);
    rig.key(Down);
    rig.key(Enter);
    assert_eq!(rig.app.list().sort, Some(rig.app.frame.header[1].2), "the second column on screen");
}

#[test]
fn an_empty_list_names_the_filter_and_how_to_clear_it() {
    let mut rig = Rig::new();
    // The first batch's reviews are all done: pending and 2017 leave nothing.
    rig.keys("3b2017");
    rig.key(Enter);
    let screen = rig.screen(80, 24);
    assert!(rig.app.list().visible.is_empty(), "{screen}");
    assert!(screen.contains("The filter (batch 2017") && screen.contains("x clears it"), "{screen}");
    rig.keys("x");
    assert!(!rig.app.list().visible.is_empty());
}
