//! Every form as it opens, on `TestBackend`: snapshots at 80×24, 120×40 and 200×50 in both
//! languages, on the demo database (today = 2026-11-27) with one cadre added, opened by its keys
//! as a user would.

use crate::edit_support;

use edit_support::Rig;
use guazhi::app::{Action, Mode};
use guazhi::lang::Lang;
use guazhi::store::Access;
use ratatui::crossterm::event::KeyCode::Enter;

/// Each form: its name in the snapshots and the keys that open it from a fresh list.
const FORMS: &[(&str, &[Step])] = &[
    ("add_cadre", &[Keys("1a")]),
    ("edit_cadre", &[Keys("1"), Find("邱志远"), Keys("e")]),
    ("add_secondment", &[Keys("1"), Find("欧阳明远"), Keys("n")]),
    ("pair", &[Keys("1"), Find("解雨桐"), Keys("m")]),
    ("end_early", &[Keys("1"), Find("单志远"), Open, Keys("x")]),
    ("vetting", &[Keys("1"), Find("单志远"), Open, Keys("v")]),
    ("evaluation", &[Keys("1"), Find("单志远"), Open, Keys("t")]),
    ("note", &[Keys("1"), Find("单志远"), Open, Keys("a")]),
    ("review", &[Keys("3e")]),
    ("admit", &[Keys("4ga")]),
    ("move", &[Keys("4"), Find("劳海峰"), Keys("e")]),
    ("withdraw", &[Keys("4"), Find("劳海峰"), Keys("w")]),
    ("add_batch", &[Keys("5a")]),
    ("edit_batch", &[Keys("5e")]),
    ("policy", &[Keys("5P")]),
    ("add_unit", &[Keys("6a")]),
    ("edit_unit", &[Keys("6e")]),
];

enum Step {
    Keys(&'static str),
    /// A search kept with Enter.
    Find(&'static str),
    /// Enter: the dossier.
    Open,
}
use Step::*;

/// Back to a plain list: no form, popup, dossier or search.
fn reset(rig: &mut Rig) {
    rig.app.form = None;
    rig.app.popup = None;
    rig.app.status = None;
    while rig.app.mode == Mode::Dossier {
        rig.act(Action::Back);
    }
    rig.act(Action::ClearSearch);
}

#[test]
fn every_form_in_both_languages_and_three_sizes() {
    for (lang, name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let mut rig = Rig::with(lang, Access::Auto);
        // A cadre going up in the newest batch, so that 解雨桐 (down, unpaired) has a partner.
        rig.keys("1a龙小江\t2\t1991-05-06\t4\t\t\t3\t龙江\t副镇长\r");
        rig.keys("n\t\t市商务局\t副科长\r");
        assert!(rig.app.form.is_none(), "the setup saved: {}", rig.status());
        for (form, steps) in FORMS {
            reset(&mut rig);
            for step in *steps {
                match step {
                    Keys(keys) => rig.keys(keys),
                    Find(text) => rig.find(text),
                    Open => rig.key(Enter),
                }
            }
            assert!(rig.app.form.is_some(), "{form} opens ({})", rig.status());
            for (w, h) in [(80, 24), (120, 40), (200, 50)] {
                insta::assert_snapshot!(format!("form_{form}_{name}_{w}x{h}"), rig.screen(w, h));
            }
        }
    }
}
