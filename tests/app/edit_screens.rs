//! The forms and popups on `TestBackend`: snapshots at 80×24 (where staff work over SSH) and
//! at 200×50, the real cursor at the caret in display cells, messages beside their fields.

use crate::edit_support;

use edit_support::Rig;
use guazhi::app::popup::Popup;
use guazhi::lang::Lang;
use guazhi::store::Access;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;

fn render(rig: &mut Rig, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    guazhi::tui::draw(&mut terminal, &mut rig.app).unwrap();
    terminal
}

/// Rows as text, wide characters once, trailing blanks trimmed; the cursor noted.
fn screen(terminal: &Terminal<TestBackend>) -> String {
    let mut out: Vec<String> =
        crate::common::buffer_rows(terminal.backend().buffer()).iter().map(|r| r.trim_end().to_string()).collect();
    if terminal.backend().cursor_visible() {
        let p = terminal.backend().cursor_position();
        out.push(format!("[cursor at column {}, row {}]", p.x, p.y));
    }
    out.join("\n")
}

fn zh() -> Rig {
    Rig::with(Lang::Zh, Access::Auto)
}

#[test]
fn add_cadre_form_with_messages_at_80x24() {
    let mut rig = zh();
    rig.keys("a欧阳明远\t\t1985-02-30");
    rig.key(KeyCode::Tab);
    rig.ctrl('s');
    insta::assert_snapshot!("form_add_cadre_zh_80x24", screen(&render(&mut rig, 80, 24)));
}

#[test]
fn record_review_form_en_80x24_and_wide() {
    let mut rig = Rig::new();
    rig.keys("3e1\t");
    insta::assert_snapshot!("form_review_en_80x24", screen(&render(&mut rig, 80, 24)));
    insta::assert_snapshot!("form_review_en_200x50", screen(&render(&mut rig, 200, 50)));
}

#[test]
fn secondment_form_at_200x50_and_its_unit_list_at_80x24() {
    let mut rig = zh();
    rig.find("欧阳明远");
    rig.keys("n");
    insta::assert_snapshot!("form_secondment_zh_200x50", screen(&render(&mut rig, 200, 50)));
    rig.keys("\t\t三水");
    rig.key(KeyCode::Enter);
    insta::assert_snapshot!("picker_units_zh_80x24", screen(&render(&mut rig, 80, 24)));
}

#[test]
fn vetting_form_fits_80x24() {
    let mut rig = zh();
    rig.find("单志远");
    rig.key(KeyCode::Enter);
    rig.keys("v");
    insta::assert_snapshot!("form_vetting_zh_80x24", screen(&render(&mut rig, 80, 24)));
}

#[test]
fn read_only_banner_and_refusal() {
    let mut rig = Rig::with(Lang::Zh, Access::ReadOnly);
    rig.keys("a");
    insta::assert_snapshot!("read_only_refusal_zh_80x24", screen(&render(&mut rig, 80, 24)));
}

#[test]
fn the_cursor_sits_after_chinese_text_in_cells_and_long_text_scrolls() {
    let mut rig = zh();
    rig.keys("a欧阳明远");
    let t = render(&mut rig, 80, 24);
    let p = t.backend().cursor_position();
    let buf = t.backend().buffer();
    // The four characters sit just left of the caret, two cells each.
    let before: String = [8u16, 6, 4, 2].iter().map(|d| buf[(p.x - d, p.y)].symbol().to_string()).collect();
    assert_eq!(before, "欧阳明远", "cursor {p:?}");
    // Far more text than the field shows: the caret stays inside the box, after the last one.
    rig.key(KeyCode::Tab);
    let form = rig.app.form.as_mut().unwrap();
    form.focus_key("speciality");
    rig.keys(&"城乡规划".repeat(20));
    for (w, h) in [(80, 24), (61, 15), (200, 50)] {
        let t = render(&mut rig, w, h);
        let p = t.backend().cursor_position();
        assert!(t.backend().cursor_visible(), "{w}x{h}");
        assert!(p.x < w - 2 && p.y < h, "{w}x{h}: {p:?}");
        assert_eq!(t.backend().buffer()[(p.x - 2, p.y)].symbol(), "划", "{w}x{h}");
    }
    // Home: the caret goes to the field's start and the text scrolls back.
    rig.key(KeyCode::Home);
    let t = render(&mut rig, 80, 24);
    let p = t.backend().cursor_position();
    assert_eq!(t.backend().buffer()[(p.x, p.y)].symbol(), "城");
}

#[test]
fn conflict_and_history_popups_say_who_and_what() {
    let mut rig = zh();
    rig.find("欧阳明远");
    rig.keys("e");
    rig.app.form.as_mut().unwrap().focus_key("home post");
    rig.keys("（兼）");
    let id: i64 = rig.one("SELECT id FROM cadres WHERE name = '欧阳明远'");
    let c = rig.app.data.cadres.iter().find(|c| c.id == id).unwrap().clone();
    let mut other = guazhi::store::Store::open(&rig.path, Access::Auto).unwrap();
    other.set_actor(guazhi::store::Actor { uid: 4242, user: "wangli".into(), fixed_time: None });
    other.write(|w| w.update_cadre(&guazhi::domain::Cadre { education: "博士研究生".into(), ..c })).unwrap();
    rig.key(KeyCode::Enter);
    assert!(matches!(rig.app.popup, Some(Popup::Conflict(_))));
    let text = screen(&render(&mut rig, 80, 24));
    assert!(text.contains("保存冲突") && text.contains("wangli"), "{text}");
    assert!(text.contains("学历：") && text.contains("博士研究生"), "{text}");
    assert!(text.contains("r 重新读取") || text.contains("r   重新读取"), "{text}");
    rig.keys("r");
    rig.key(KeyCode::Esc);
    rig.keys("h");
    let text = screen(&render(&mut rig, 80, 24));
    assert!(text.contains("修改历史：欧阳明远") && text.contains("wangli  修改 干部"), "{text}");
    assert!(text.contains("学历："), "{text}");
}

#[test]
fn every_form_and_popup_survives_every_size() {
    let mut rig = zh();
    rig.keys("a欧阳\t");
    for w in [0u16, 1, 20, 59, 60, 61, 80, 120, 200, 300] {
        for h in [0u16, 1, 5, 14, 15, 24, 50, 100] {
            let t = render(&mut rig, w, h);
            if t.backend().cursor_visible() {
                let p = t.backend().cursor_position();
                assert!(p.x < w.max(1) && p.y < h.max(1), "{w}x{h}: {p:?}");
            }
        }
    }
    rig.key(KeyCode::Esc);
    for (w, h) in [(0, 0), (20, 5), (80, 24), (300, 100)] {
        render(&mut rig, w, h);
    }
}
