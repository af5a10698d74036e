//! The key bar per context (issue 13): each list, the dossier and each form show their own
//! workflow keys first, `?` for the rest, all read from the one key table.

use crate::edit_support;

use edit_support::Rig;
use guazhi::app::keys::{self, BINDINGS};
use guazhi::lang::Lang;
use guazhi::store::Access;
use ratatui::crossterm::event::KeyCode;

/// The keys the bar on the screen's last line offers, in order.
fn bar(rig: &mut Rig, w: u16, h: u16) -> Vec<String> {
    let screen = rig.screen(w, h);
    let last = screen.lines().last().unwrap_or_default().to_string();
    last.split("  ").filter_map(|item| item.split_whitespace().next()).map(str::to_string).collect()
}

fn has(bar: &[String], wanted: &[&str], what: &str) {
    for k in wanted {
        assert!(bar.iter().any(|b| b == k), "{what}: {k} missing from {bar:?}");
    }
}

/// A list's or the dossier's bar: its keys, and `?` for the rest.
fn offers(bar: &[String], wanted: &[&str], what: &str) {
    has(bar, wanted, what);
    has(bar, &["?"], what);
}

#[test]
fn the_daily_keys_are_in_the_bar_at_80x24() {
    let mut zh = Rig::with(Lang::Zh, Access::Auto);
    offers(&bar(&mut zh, 80, 24), &["a", "e", "n", "m", "X", "E", "/"], "Cadres");
    zh.keys("5");
    offers(&bar(&mut zh, 80, 24), &["Enter", "a", "e", "D", "P", "E"], "Overview");
    zh.keys("1");
    zh.key(KeyCode::Enter);
    offers(&bar(&mut zh, 80, 24), &["Esc", "p", "e", "a", "x", "n", "m", "v", "t"], "the dossier");
    // English words are longer: the dossier's last keys need a wider window.
    let mut en = Rig::new();
    offers(&bar(&mut en, 80, 24), &["a", "e", "n", "m", "X", "E"], "Cadres, English");
    en.key(KeyCode::Enter);
    offers(&bar(&mut en, 120, 30), &["Esc", "n", "m", "v", "t"], "the dossier, English");
}

/// A form's bar follows the field: a choice offers its options, a unit field its list.
#[test]
fn a_form_bar_follows_the_field() {
    let mut rig = Rig::with(Lang::Zh, Access::Auto);
    rig.keys("n");
    let fields = rig.app.form.as_ref().expect("the secondment form").fields.len();
    let first = bar(&mut rig, 80, 24);
    // `?` is typed into a form's text: the form's bar has no help key.
    has(&first, &["Enter", "Tab", "Esc"], "a form");
    let mut seen_choice = false;
    let mut seen_pick = false;
    for _ in 0..fields {
        let field = rig.app.form.as_ref().unwrap().focused().expect("a field").clone();
        let keys = bar(&mut rig, 80, 24);
        if field.is_choice() {
            assert_eq!(keys[0], "→", "a choice: {keys:?}");
            seen_choice = true;
        } else if field.is_pick() && field.named().is_none() {
            assert_eq!(keys[0], "Enter", "a list field: {keys:?}");
            assert!(keys.contains(&"Ctrl-S".to_string()), "saving stays in the bar: {keys:?}");
            seen_pick = true;
        } else {
            assert!(!keys.contains(&"→".to_string()), "no options on {:?}: {keys:?}", field.key);
        }
        rig.key(KeyCode::Tab);
    }
    assert!(seen_choice && seen_pick, "the secondment form has both kinds of field");
}

/// Every key the bar offers, in any context, is a binding of the table with its bar flag set.
#[test]
fn the_bar_is_read_from_the_key_table() {
    let mut rig = Rig::with(Lang::Zh, Access::Auto);
    for step in ["", "2", "3", "4", "5", "6", "1\r"] {
        rig.keys(step);
        for (key, label) in guazhi::ui::help::bar_items(&rig.app) {
            let found = keys::active(&rig.app)
                .any(|b| b.bar && b.bar_label(true) == label && b.keys[0].label(false, true) == key);
            assert!(found, "{step:?}: {key} {label} is not a binding");
        }
    }
    assert!(BINDINGS.iter().any(|b| b.bar));
}
