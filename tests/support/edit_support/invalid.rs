//! The invalid form inputs of `tests/edit_invalid.rs` (issue 4) as a table, shared so that the
//! reliability tests can count them among the bad inputs (docs/RELIABILITY.md).
#![allow(dead_code)]

use super::Rig;
use guazhi::app::{Action, DraftAct};
use guazhi::draft::Draft;
use ratatui::crossterm::event::KeyCode;

/// Back to the lists, no form, no question (nothing is written by this).
pub fn reset(rig: &mut Rig) {
    rig.app.form = None;
    rig.app.popup = None;
    rig.app.requests.clear();
    while rig.app.mode == guazhi::app::Mode::Dossier {
        rig.act(Action::Back);
    }
    rig.act(Action::ClearSearch);
}

/// Types `text` into the field `key` (replacing what it held), as keys.
fn put(rig: &mut Rig, key: &str, text: &str) {
    rig.app.form.as_mut().expect("a form").focus_key(key);
    rig.ctrl('u');
    rig.keys(text);
}

pub fn save(rig: &mut Rig) {
    rig.ctrl('s');
}

/// Opens a form with `open`, turns it into a draft with `values`, and restores that draft.
fn from_draft(rig: &mut Rig, open: &str, values: &[(&str, &str)]) {
    rig.keys(open);
    let mut d = Draft::of(rig.app.form.as_ref().expect("a form"));
    for (k, v) in values {
        d.values.iter_mut().filter(|(key, _)| key == k).for_each(|(_, val)| *val = v.to_string());
    }
    rig.app.form = None;
    rig.act(Action::OfferDraft(Box::new(d)));
    rig.act(Action::DraftChoice(DraftAct::Restore));
}

/// The Cadres tab, the cadre found by name selected.
fn cadre(rig: &mut Rig, name: &str) {
    rig.keys("1");
    rig.find(name);
}

/// A complete, valid new cadre, to which one case then does one wrong thing.
fn full_cadre(rig: &mut Rig) {
    rig.keys("1a");
    rig.keys("测试\t1\t1988-08-08\t1\t本科\t规划\t1\t市财政局\t科员");
}

pub type Fill = Box<dyn Fn(&mut Rig)>;

fn case(
    name: &'static str,
    field: &'static str,
    expect: &'static str,
    fill: impl Fn(&mut Rig) + 'static,
) -> (&'static str, &'static str, &'static str, Fill) {
    (name, field, expect, Box::new(fill))
}

pub fn cases() -> Vec<(&'static str, &'static str, &'static str, Fill)> {
    let long = |n: usize| "长".repeat(n);
    vec![
        case("missing name", "name", "required", |r| {
            r.keys("1a");
            save(r);
        }),
        case("blank name (ideographic spaces)", "name", "required", |r| {
            r.keys("1a\u{3000} \u{3000}");
            save(r);
        }),
        case("name over 50 characters", "name", "51 characters; at most 50", move |r| {
            full_cadre(r);
            put(r, "name", &long(51));
            save(r);
        }),
        case("ESC typed into a name", "name", "U+001B is not typed", |r| {
            r.keys("1a张三");
            r.key(KeyCode::Char('\u{1b}'));
            save(r);
        }),
        case("bidi override U+202E typed", "name", "U+202E is not typed", |r| {
            r.keys("1a张三");
            r.key(KeyCode::Char('\u{202e}'));
            save(r);
        }),
        case("C1 control CSI typed", "name", "U+009B is not typed", |r| {
            r.keys("1a张三");
            r.key(KeyCode::Char('\u{9b}'));
            save(r);
        }),
        case("OSC title sequence pasted", "name", "removed from the paste", |r| {
            r.keys("1a");
            r.paste("张\x1b]0;pwned\x07三");
        }),
        // Saved, what the paste left is no name: every message shows at once.
        case("OSC title sequence pasted, then saved", "name", "has the digit '0': no name does", |r| {
            r.keys("1a");
            r.paste("张\x1b]0;pwned\x07三");
            save(r);
        }),
        case("bidi override pasted", "speciality", "removed from the paste", |r| {
            r.keys("1a");
            r.app.form.as_mut().unwrap().focus_key("speciality");
            r.paste("abc\u{202e}fed");
            save(r);
        }),
        case("bidi override in a restored draft", "name", "control or bidi character U+202E", |r| {
            from_draft(r, "1a", &[("name", "欧阳\u{202e}明远")]);
            save(r);
        }),
        case("born 2017-02-30", "birth date", "2017-02-30 is not a real calendar date", |r| {
            full_cadre(r);
            put(r, "birth date", "2017-02-30");
            save(r);
        }),
        case("born 1985/06/01", "birth date", "YYYY-MM-DD", |r| {
            full_cadre(r);
            put(r, "birth date", "1985/06/01");
            save(r);
        }),
        case("born in the future", "birth date", "2030-01-01 is after today (2026-11-27)", |r| {
            full_cadre(r);
            put(r, "birth date", "2030-01-01");
            save(r);
        }),
        case("a 9-year-old (issue 12)", "birth date", "9 years old today; a seconded cadre is at least 18", |r| {
            full_cadre(r);
            put(r, "birth date", "2017-02-28");
            save(r);
        }),
        case("born 9999-12-31", "birth date", "9999-12-31 is after today", |r| {
            full_cadre(r);
            put(r, "birth date", "9999-12-31");
            save(r);
        }),
        case("born 0001-01-01", "birth date", "2025 years old today: not a possible birth date", |r| {
            full_cadre(r);
            put(r, "birth date", "0001-01-01");
            save(r);
        }),
        case(
            "a birth date making a 2017 start too young",
            "birth date",
            "12 years old at the start on 2017-04-01",
            |r| {
                cadre(r, "欧阳明远");
                r.keys("e");
                put(r, "birth date", "2005-01-01");
                save(r);
            },
        ),
        case("grassroots years beyond the age", "grassroots years", "at most 22 (from age 16)", |r| {
            full_cadre(r);
            put(r, "grassroots years", "30");
            save(r);
        }),
        case("a zero-width space typed into a name", "name", "U+200B (zero width space) is not typed", |r| {
            r.keys("1a邱志");
            r.key(KeyCode::Char('\u{200b}'));
            save(r);
        }),
        case("a zero-width space pasted", "name", "(such as U+200B, zero width space) were removed", |r| {
            r.keys("1a");
            r.paste("邱\u{200b}志远");
            save(r);
        }),
        case("a zero-width space in a restored draft", "name", "invisible character U+200B (zero width space)", |r| {
            from_draft(r, "1a", &[("name", "邱\u{200b}志远")]);
            save(r);
        }),
        case("grassroots years not a number", "grassroots years", "is not a number", |r| {
            full_cadre(r);
            put(r, "grassroots years", "两年");
            save(r);
        }),
        case("grassroots years out of range", "grassroots years", "between 0 and 59.9", |r| {
            full_cadre(r);
            put(r, "grassroots years", "61");
            save(r);
        }),
        case("unknown home unit", "home unit", "no unit matches", |r| {
            full_cadre(r);
            put(r, "home unit", "不存在的单位");
            save(r);
        }),
        case("ambiguous home unit", "home unit", "match; press Enter", |r| {
            full_cadre(r);
            put(r, "home unit", "三水区");
            save(r);
        }),
        case("home post over 100", "home post", "101 characters; at most 100", move |r| {
            full_cadre(r);
            put(r, "home post", &long(101));
            save(r);
        }),
        case("education over 50", "education", "51 characters; at most 50", move |r| {
            full_cadre(r);
            put(r, "education", &long(51));
            save(r);
        }),
        case("missing sex", "gender", "required", |r| {
            full_cadre(r);
            r.app.form.as_mut().unwrap().focus_key("gender");
            r.key(KeyCode::Backspace);
            save(r);
        }),
        case("secondment starting 2017-02-30", "start", "not a real calendar date", |r| {
            cadre(r, "欧阳明远");
            r.keys("n");
            put(r, "start", "2017-02-30");
            save(r);
        }),
        case("planned end before the start", "planned end", "before the start 2026-04-01", |r| {
            cadre(r, "欧阳明远");
            r.keys("n\t\t三水区南山镇\t党委委员");
            put(r, "planned end", "2025-01-01");
            save(r);
        }),
        case("overlapping secondments of one cadre", "start", "overlaps this cadre's secondment", |r| {
            cadre(r, "单志远");
            r.keys("n\t\t三水区南山镇\t党委委员");
            save(r);
        }),
        case("a start at which the cadre is a child", "start", "years old at the start on 1985-04-01", |r| {
            cadre(r, "欧阳明远");
            r.keys("n\t\t三水区南山镇\t党委委员");
            put(r, "start", "1985-04-01");
            put(r, "planned end", "1987-03-31");
            save(r);
        }),
        case("a secondment starting in 1970", "start", "1970-04-01 is before 1980", |r| {
            cadre(r, "欧阳明远");
            r.keys("n\t\t三水区南山镇\t党委委员");
            put(r, "start", "1970-04-01");
            save(r);
        }),
        case("missing host post", "host post", "required", |r| {
            cadre(r, "欧阳明远");
            r.keys("n\t\t三水区南山镇");
            save(r);
        }),
        case("a down secondment hosted by a city organ", "host unit", "no unit matches", |r| {
            cadre(r, "欧阳明远");
            r.keys("n\t\t市财政局\t科员");
            save(r);
        }),
        case("unknown batch", "batch", "no batch matches", |r| {
            cadre(r, "欧阳明远");
            r.keys("n");
            put(r, "batch", "2030年第九批");
            save(r);
        }),
        case("pairing a down with a down", "partner", "no partner matches", |r| {
            cadre(r, "解雨桐");
            r.keys("m");
            put(r, "partner", "单志远");
            save(r);
        }),
        case("pairing with an unknown name", "partner", "no partner matches", |r| {
            cadre(r, "解雨桐");
            r.keys("m");
            put(r, "partner", "张三丰");
            save(r);
        }),
        case("ending before the start", "end date", "before the start (2026-04-01)", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("x\t调动");
            put(r, "end date", "2026-03-01");
            save(r);
        }),
        case("ending on the planned end", "end date", "not before the planned end", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("x\t调动");
            put(r, "end date", "2028-03-31");
            save(r);
        }),
        case("ending before a quarter already reviewed", "end date", "review for 2026Q3 was done on 2026-10-14", |r| {
            cadre(r, "杨紫涵");
            r.key(KeyCode::Enter);
            r.keys("x\t调动");
            put(r, "end date", "2026-06-30");
            save(r);
        }),
        case("ending early without a reason", "reason", "required", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("x");
            save(r);
        }),
        case("a reason over 500", "reason", "501 characters; at most 500", move |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("x");
            put(r, "reason", &long(501));
            save(r);
        }),
        case("ending 2026-13-01", "end date", "not a real calendar date", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("x\t调动");
            put(r, "end date", "2026-13-01");
            save(r);
        }),
        case("a result without a grade", "grade", "required", |r| {
            r.keys("3e");
            save(r);
        }),
        case("a grade not in the list", "grade", "'良好' is not one of", |r| {
            from_draft(r, "3e", &[("grade", "良好")]);
            save(r);
        }),
        case("a result done in the future", "done", "after today", |r| {
            r.keys("3e1");
            put(r, "done", "2027-01-01");
            save(r);
        }),
        case("a result done before its period begins", "done", "cannot be done before its period begins", |r| {
            r.keys("3e1");
            put(r, "done", "2001-01-01");
            save(r);
        }),
        case("done on 2026-02-29", "done", "2026-02-29 is not a real calendar date", |r| {
            r.keys("3e1");
            put(r, "done", "2026-02-29");
            save(r);
        }),
        case("an assessor over 100", "assessor", "101 characters; at most 100", move |r| {
            r.keys("3e1");
            put(r, "assessor", &long(101));
            save(r);
        }),
        case("a review note over 2000", "note", "2001 characters; at most 2000", move |r| {
            r.keys("3e1");
            r.app.form.as_mut().unwrap().focus_key("note");
            r.paste(&long(2001));
            save(r);
        }),
        case("interviews not a number", "talks", "'十二' is not a number", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("t\t十二");
            save(r);
        }),
        case("half an interview", "talks", "a whole number", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("t\t2.5");
            save(r);
        }),
        case("inspectors over 200", "inspectors", "201 characters; at most 200", move |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("t");
            r.paste(&long(201));
            save(r);
        }),
        case("vetted in the future", "date", "after today", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("v");
            put(r, "date", "2027-05-01");
            save(r);
        }),
        case("a vetting after the start (issue 12)", "date", "on or before the secondment's start (2026-04-01)", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("v");
            put(r, "date", "2026-04-02");
            save(r);
        }),
        case("a vetting when the cadre was two", "date", "within a year before the secondment's start", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("v");
            put(r, "date", "1995-01-01");
            save(r);
        }),
        case("a vetting dimension left empty", "political", "required", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("v");
            r.app.form.as_mut().unwrap().focus_key("political");
            r.key(KeyCode::Backspace);
            save(r);
        }),
        case("an empty dossier note", "note", "required", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("a");
            save(r);
        }),
        case("a dossier note dated tomorrow", "date", "2026-11-28 is after today", |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("a");
            put(r, "date", "2026-11-28");
            put(r, "note", "谈话");
            save(r);
        }),
        case("a dossier note over 4000", "note", "4001 characters; at most 4000", move |r| {
            cadre(r, "单志远");
            r.key(KeyCode::Enter);
            r.keys("a\t");
            r.paste(&long(4001));
            save(r);
        }),
        case("withdrawing without a reason", "reason", "required", |r| {
            r.keys("4");
            r.find("劳海峰");
            r.keys("w");
            save(r);
        }),
        case("a move dated before the last change", "date", "before the last change on 2019-06-15", |r| {
            r.keys("4");
            r.find("劳海峰");
            r.keys("e");
            put(r, "date", "2019-01-01");
            save(r);
        }),
        case("admitted in the future", "date", "after today", |r| {
            r.keys("4ga");
            put(r, "date", "2027-01-01");
            save(r);
        }),
        case("admitted before the evaluation it rests on", "date", "not before 2019-04-23", |r| {
            r.keys("4");
            r.find("谭嘉诚");
            r.keys("a");
            put(r, "date", "2018-01-01");
            save(r);
        }),
        case("a batch name of punctuation only", "batch name", "no letter or digit", |r| {
            r.keys("5a---\t2027-04-01");
            save(r);
        }),
        case(
            "a batch sent a year after its cadres started",
            "dispatch date",
            "dispatched 2026-05-01 at the latest",
            |r| {
                r.keys("5");
                r.find("2026年第七批");
                r.keys("e");
                put(r, "dispatch date", "2027-04-01");
                save(r);
            },
        ),
        case("a batch name that exists", "batch name", "'2017年第一批' already exists", |r| {
            r.keys("5a2017年第一批\t2027-04-01");
            save(r);
        }),
        case("a term of 0 months", "term months", "between 1 and 120", |r| {
            r.keys("5a2027年第八批\t2027-04-01");
            put(r, "term months", "0");
            save(r);
        }),
        case("a term that is not a number", "term months", "is not a number", |r| {
            r.keys("5a2027年第八批\t2027-04-01");
            put(r, "term months", "两年");
            save(r);
        }),
        case("a batch dispatched in 1970", "dispatch date", "1970-04-01 is before 1980", |r| {
            r.keys("5a2027年第八批\t1970-04-01");
            save(r);
        }),
        case("a batch without a dispatch date", "dispatch date", "required", |r| {
            r.keys("5a2027年第八批");
            save(r);
        }),
        case("a unit name that exists", "unit name", "'市财政局' already exists", |r| {
            r.keys("6a市财政局\t1\t1");
            save(r);
        }),
        case("a town at city level", "district", "a town is in a district", |r| {
            r.keys("6a新设镇\t3\t1");
            save(r);
        }),
        case("a unit without a name", "unit name", "required", |r| {
            r.keys("6a\t3\t2");
            save(r);
        }),
        case("February 31 in the policy", "annual due day", "month 2 has no day 31", |r| {
            r.keys("5P");
            put(r, "annual due month", "2");
            put(r, "annual due day", "31");
            save(r);
        }),
        case("due soon 400 days ahead", "due soon days", "between 0 and 366", |r| {
            r.keys("5P");
            put(r, "due soon days", "400");
            save(r);
        }),
        case(
            "a youngest age above the oldest",
            "max age",
            "the youngest age (60) must be below the oldest (18)",
            |r| {
                r.keys("5P");
                put(r, "min age", "60");
                put(r, "max age", "18");
                save(r);
            },
        ),
        case("a policy term of 0 months", "term months", "between 1 and 120", |r| {
            r.keys("5P");
            put(r, "term months", "0");
            save(r);
        }),
    ]
}
