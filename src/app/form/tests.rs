//! Fields on their own: choices, dates, numbers, lengths, control characters.

use super::field::*;
use crate::domain::Grade;
use tui_input::InputRequest;

fn grades() -> Field {
    let opts = enum_opts(Grade::ALL, true, |g| [g.code(), g.zh(), g.en()]);
    Field::new("grade", "等级", "Grade", FieldKind::Choice(opts), "")
}

#[test]
fn choices_cycle_and_take_digits_and_letters() {
    let mut f = grades();
    assert!(f.step(true));
    assert_eq!(f.value(), "优秀");
    f.step(false);
    assert_eq!(f.value(), "不称职");
    f.edit(InputRequest::InsertChar('2'), true);
    assert_eq!(f.value(), "称职");
    f.edit(InputRequest::InsertChar('b'), true);
    assert_eq!(f.value(), "基本称职");
    assert_eq!(f.id(), Some(2));
    f.set("良好");
    assert!(f.check(true).unwrap().contains("不是可选值"));
    f.set("excellent");
    assert_eq!(f.check(false), None, "codes and the other language are accepted");
}

#[test]
fn dates_numbers_and_lengths() {
    let mut d = Field::new("start", "开始", "Start", FieldKind::Date, "2017-02-30");
    assert!(d.check(false).unwrap().contains("not a real calendar date"));
    d.set("2017-2-3");
    assert!(d.check(false).unwrap().contains("YYYY-MM-DD"));
    let n = Field::new("talks", "谈话", "Talks", FieldKind::Number { min: 0.0, max: 999.0, integer: true }, "十");
    assert!(n.check(false).unwrap().contains("not a number"));
    let t = Field::new("name", "姓名", "Name", FieldKind::Text { max: 3 }, "欧阳明远").required();
    assert!(t.check(true).unwrap().contains("最多 3"));
    let blank = Field::new("name", "姓名", "Name", FieldKind::Text { max: 3 }, " \u{3000}").required();
    assert_eq!(blank.check(false).as_deref(), Some("required"));
}

#[test]
fn control_characters_are_refused_typed_and_removed_pasted() {
    let mut t = Field::new("name", "姓名", "Name", FieldKind::Text { max: 50 }, "");
    assert!(!t.edit(InputRequest::InsertChar('\u{202e}'), false));
    assert!(t.notice.as_deref().unwrap().contains("U+202E"));
    assert!(t.paste("欧阳\x1b[2J\n明远", false));
    assert_eq!(t.value(), "欧阳[2J 明远");
    assert!(t.notice.as_deref().unwrap().contains("removed"));
    assert_eq!(t.check(false), None);
}

#[test]
fn a_refused_character_is_still_said_after_the_keys_that_follow_it_until_the_field_is_left() {
    let mut form = super::Form::new(
        super::FormKind::AddUnit,
        "t".into(),
        vec![
            Field::new("unit name", "名称", "Name", FieldKind::Text { max: 50 }, ""),
            Field::new("x", "x", "x", FieldKind::Text { max: 5 }, ""),
        ],
        None,
        false,
    );
    for c in ['邱', '\u{200b}', '志', '远'] {
        form.edit(InputRequest::InsertChar(c));
    }
    assert_eq!(form.value("unit name"), "邱志远");
    let notice = form.get("unit name").unwrap().notice.clone().unwrap_or_default();
    assert!(notice.contains("U+200B (zero width space) is not typed"), "{notice}");
    form.go(1);
    assert_eq!(form.get("unit name").unwrap().notice, None, "left: said and done");
}

#[test]
fn a_filled_in_field_is_selected_on_entry_so_typing_replaces_it() {
    let mut d = Field::new("done", "完成日期", "Done on", FieldKind::Date, "2026-11-27");
    d.enter();
    for c in "2026-11-20".chars() {
        d.edit(InputRequest::InsertChar(c), false);
    }
    assert_eq!(d.value(), "2026-11-20", "not 2026-11-272026-11-20");
    // Moving the caret first keeps the text: the user meant to change part of it.
    d.enter();
    d.step(false);
    d.edit(InputRequest::InsertChar('9'), false);
    assert_eq!(d.value(), "2026-11-290");
    // One Backspace on a selected value clears it; a paste replaces it.
    d.enter();
    d.edit(InputRequest::DeletePrevChar, false);
    assert_eq!(d.value(), "");
    let mut t = Field::new("assessor", "考核人", "Assessor", FieldKind::Text { max: 100 }, "王");
    t.enter();
    t.paste("李四", true);
    assert_eq!(t.value(), "李四");
    // An empty field has nothing to select; a choice is chosen by its own keys.
    let mut empty = Field::new("note", "备注", "Note", FieldKind::Text { max: 100 }, "");
    empty.enter();
    assert!(!empty.selected);
    let mut g = grades();
    g.set("优秀");
    g.enter();
    assert!(!g.selected);
}
