//! Issue 4's reference-data workflows (batches, units, the review policy) and read-only
//! refusals, through the keys on a real store: the rows in the database, the audit's OS user.

use crate::edit_support;

use edit_support::{me, Rig};
use guazhi::app::popup::Popup;
use ratatui::crossterm::event::KeyCode::{Enter, Esc, Right, Tab as TabKey};

fn assert_audited(rig: &Rig, table: &str, action: &str) -> i64 {
    let (a, user, id): (String, String, i64) = rig
        .raw()
        .query_row(
            "SELECT action, os_user, row_id FROM audit WHERE table_name = ?1 ORDER BY id DESC LIMIT 1",
            [table],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((a.as_str(), user.as_str()), (action, me().as_str()), "audit of {table}");
    id
}

#[test]
fn batches_units_and_the_policy() {
    let mut rig = Rig::new();
    rig.keys("5a");
    rig.keys("2027年第八批\t2027-04-01\t");
    rig.key(Enter);
    let batch = assert_audited(&rig, "batches", "insert");
    assert_eq!(
        rig.one::<String>(&format!("SELECT name || ' ' || term_months FROM batches WHERE id = {batch}")),
        "2027年第八批 24"
    );
    rig.keys("e");
    rig.ctrl('u');
    rig.keys("2027年第八批（试点）\r");
    assert_eq!(rig.one::<String>(&format!("SELECT name FROM batches WHERE id = {batch}")), "2027年第八批（试点）");
    rig.keys("D");
    rig.keys("y");
    assert_eq!(rig.count(&format!("SELECT count(*) FROM batches WHERE id = {batch}")), 0, "an empty batch can go");
    assert_audited(&rig, "batches", "delete");
    let screen = rig.screen(100, 30);
    let row = screen.lines().any(|l| l.starts_with("│2027年第八批"));
    assert!(!row && screen.contains("Overview 7/7"), "the row goes with it:\n{screen}");
    // A batch with secondments cannot, and the message says what depends on it.
    rig.keys("gD");
    rig.keys("y");
    assert!(rig.status().contains("secondments belong to it"), "{}", rig.status());
    assert_eq!(rig.count("SELECT count(*) FROM batches"), 7);

    rig.keys("6a");
    rig.keys("顺德区勒流街道\t");
    for _ in 0..3 {
        rig.key(Right);
    }
    rig.key(TabKey);
    for _ in 0..4 {
        rig.key(Right);
    }
    rig.key(Enter);
    let unit = assert_audited(&rig, "units", "insert");
    assert_eq!(
        rig.one::<String>(&format!("SELECT kind || ' ' || district FROM units WHERE id = {unit}")),
        "town shunde"
    );
    rig.keys("e");
    rig.ctrl('u');
    rig.keys("顺德区勒流街道办事处\r");
    assert_eq!(rig.one::<String>(&format!("SELECT name FROM units WHERE id = {unit}")), "顺德区勒流街道办事处");
    rig.keys("D");
    assert!(matches!(rig.app.popup, Some(Popup::Confirm(_))), "asks first");
    rig.key(Esc);
    assert_eq!(rig.count(&format!("SELECT count(*) FROM units WHERE id = {unit}")), 1, "Esc keeps it");
    rig.keys("Dy");
    assert_eq!(rig.count(&format!("SELECT count(*) FROM units WHERE id = {unit}")), 0);

    // The policy: due-soon days from 14 to 60 moves the January reviews into "due soon" at once.
    let soon = rig.app.counts[2];
    rig.keys("5P\t");
    rig.ctrl('u');
    rig.keys("60\r");
    assert_eq!(rig.one::<i64>("SELECT due_soon_days FROM policy"), 60);
    assert!(rig.app.counts[2] > soon, "the header follows the policy");
    assert_audited(&rig, "policy", "update");
}

#[test]
fn read_only_refuses_every_edit_key_and_opens_no_form() {
    let mut rig = edit_support::Rig::with(guazhi::lang::Lang::En, guazhi::store::Access::ReadOnly);
    for (tab, keys) in [("1", "aenmMXe"), ("3", "e"), ("4", "aew"), ("5", "aeDP"), ("6", "aeD")] {
        rig.keys(tab);
        for k in keys.chars() {
            rig.keys(&k.to_string());
            assert!(rig.app.form.is_none() && rig.app.popup.is_none(), "{tab}{k}");
            assert!(
                rig.status().starts_with("read-only (opened with --read-only): cannot"),
                "{tab}{k}: {}",
                rig.status()
            );
        }
    }
    rig.keys("u");
    assert!(rig.status().starts_with("read-only"));
    rig.keys("1");
    rig.key(Enter);
    rig.keys("x");
    assert!(rig.status().contains("cannot end early"), "{}", rig.status());
}
