//! The screens on `TestBackend`: insta snapshots of every tab and the dossier on the demo
//! database (today = 2026-11-27) at 80×24, 120×40 and 200×50 in both languages, and assertions on
//! cell styles, the cursor and escaping of stored control characters.

use crate::common;

use common::{buffer_rows as rows, row_chars, Live};
use guazhi::app::view::Rec;
use guazhi::app::{Action, Display, Tab};
use guazhi::lang::Lang;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use tui_input::InputRequest;

fn today() -> chrono::NaiveDate {
    common::date("2026-11-27")
}

fn options(lang: Lang) -> Display {
    Display { db_name: "demo.db".into(), ..Display::new(lang) }
}

fn app(lang: Lang) -> Live {
    Live::demo(options(lang))
}

fn render(app: &mut Live, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.draw(&mut terminal);
    terminal
}

/// The screen as text for a snapshot: one line per row, wide characters once, trailing
/// blanks trimmed, the cursor position noted when it is shown.
fn screen(terminal: &Terminal<TestBackend>) -> String {
    let backend = terminal.backend();
    let mut out: Vec<String> = rows(backend.buffer()).iter().map(|r| r.trim_end().to_string()).collect();
    if backend.cursor_visible() {
        let p = backend.cursor_position();
        out.push(format!("[cursor at column {}, row {}]", p.x, p.y));
    }
    out.join("\n")
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The position of the first cell of the first occurrence of `needle` on screen.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    find_below(buf, needle, 0)
}

/// Like `find`, from row `top` down.
fn find_below(buf: &Buffer, needle: &str, top: u16) -> Option<(u16, u16)> {
    for y in top..buf.area.height {
        let chars = row_chars(buf, y);
        let text: String = chars.iter().map(|(_, s)| s.as_str()).collect();
        if let Some(byte) = text.find(needle) {
            let mut len = 0;
            for (x, s) in &chars {
                if len == byte {
                    return Some((*x, y));
                }
                len += s.len();
            }
        }
    }
    None
}

#[test]
fn every_tab_and_the_dossier_in_both_languages_and_three_sizes() {
    for lang in [Lang::Zh, Lang::En] {
        for (w, h) in [(80, 24), (120, 40), (200, 50)] {
            for tab in Tab::ALL {
                let mut app = app(lang);
                app.update(Action::GoTab(tab));
                let terminal = render(&mut app, w, h);
                let name = format!("{}_{}_{w}x{h}", format!("{tab:?}").to_lowercase(), lang_name(lang));
                insta::assert_snapshot!(name, screen(&terminal));
            }
            let mut app = app(lang);
            app.update(Action::Open);
            let terminal = render(&mut app, w, h);
            insta::assert_snapshot!(format!("dossier_{}_{w}x{h}", lang_name(lang)), screen(&terminal));
        }
    }
}

#[test]
fn help_search_partner_and_small_screens() {
    let mut app = app(Lang::Zh);
    app.update(Action::OpenHelp);
    insta::assert_snapshot!("help_zh_80x24", screen(&render(&mut app, 80, 24)));
    let mut app = self::app(Lang::En);
    app.update(Action::OpenHelp);
    insta::assert_snapshot!("help_en_80x24", screen(&render(&mut app, 80, 24)));

    let mut app = self::app(Lang::Zh);
    app.update(Action::StartSearch);
    for c in "oymy".chars() {
        app.update(Action::EditSearch(InputRequest::InsertChar(c)));
    }
    insta::assert_snapshot!("search_oymy_zh_80x24", screen(&render(&mut app, 80, 24)));
    app.update(Action::KeepSearch);
    app.update(Action::Open);
    app.update(Action::Partner);
    insta::assert_snapshot!("partner_zh_80x24", screen(&render(&mut app, 80, 24)));

    let mut app = self::app(Lang::Zh);
    insta::assert_snapshot!("too_small_zh_59x14", screen(&render(&mut app, 59, 14)));
    let mut app = Live::demo(Display { ascii: true, ..options(Lang::Zh) });
    app.update(Action::GoTab(Tab::Pairs));
    let terminal = render(&mut app, 80, 24);
    insta::assert_snapshot!("pairs_ascii_zh_80x24", screen(&terminal));
    for cell in terminal.backend().buffer().content() {
        let s = cell.symbol();
        assert!(s.is_ascii() || s.chars().all(|c| c as u32 >= 0x3000 || c == '…'), "ambiguous symbol {s:?}");
    }
}

#[test]
fn header_shows_the_stores_attention_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::demo_db(dir.path());
    let counts = common::open(&path).attention_counts(today()).unwrap();
    let mut app = Live::open(&path, today(), options(Lang::Zh));
    let terminal = render(&mut app, 80, 24);
    let header = &rows(terminal.backend().buffer())[0];
    assert!(header.contains(&format!("逾期 {}", counts[0])), "{header}");
    assert!(header.contains(&format!("今日到期 {}", counts[1])), "{header}");
    assert!(header.contains(&format!("即将到期 {}", counts[2])), "{header}");
    assert!(header.contains("demo.db") && header.contains("2026-11-27"));
    let buf = terminal.backend().buffer();
    let (x, y) = find(buf, &format!("逾期 {}", counts[0])).unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

#[test]
fn overdue_cells_are_red_due_soon_yellow_done_dim() {
    let mut app = app(Lang::Zh);
    app.update(Action::GoTab(Tab::Reviews));
    let terminal = render(&mut app, 80, 24);
    let buf = terminal.backend().buffer();
    let (x, y) = find(buf, "!逾期").expect("an overdue row");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    // The whole overdue row is red, the date too.
    assert_eq!(buf[(1, y + 1)].fg, Color::Red);
    let (x, y) = find(buf, "天后到期").expect("a due-soon row");
    assert_eq!(buf[(x, y)].fg, Color::Yellow);
    let (x, y) = find_below(buf, "今日到期", 3).expect("a due-today row");
    assert_eq!(buf[(x, y)].fg, Color::Yellow);

    for _ in 0..5 {
        app.update(Action::CycleStatus);
    }
    let terminal = render(&mut app, 80, 24);
    let buf = terminal.backend().buffer();
    let (x, y) = find_below(buf, "已完成", 4).expect("a done row");
    assert!(buf[(x, y)].modifier.contains(Modifier::DIM), "{:?} {:?}", buf[(x, y)], rows(buf)[usize::from(y)]);
}

#[test]
fn without_colour_overdue_is_still_marked_and_bold() {
    let mut app = Live::demo(Display { color: false, ..options(Lang::En) });
    app.update(Action::GoTab(Tab::Reviews));
    let terminal = render(&mut app, 80, 24);
    let buf = terminal.backend().buffer();
    let (x, y) = find(buf, "! 300d overdue").expect("the word and the marker");
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "no colour at all");
        assert_eq!(cell.bg, Color::Reset);
    }
    let (x, y) = find(buf, "5 overdue").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED), "the header count stands out");
}

#[test]
fn the_terminal_cursor_sits_at_the_caret_in_display_cells() {
    let mut app = app(Lang::Zh);
    app.update(Action::StartSearch);
    for c in "欧阳".chars() {
        app.update(Action::EditSearch(InputRequest::InsertChar(c)));
    }
    let mut terminal = render(&mut app, 80, 24);
    // " 搜索 / " is 8 cells, 欧阳 four more.
    terminal.backend_mut().assert_cursor_position((12, 23));
    assert!(terminal.backend().cursor_visible());
    app.update(Action::EditSearch(InputRequest::GoToPrevChar));
    let mut terminal = render(&mut app, 80, 24);
    terminal.backend_mut().assert_cursor_position((10, 23));
    app.update(Action::KeepSearch);
    let terminal = render(&mut app, 80, 24);
    assert!(!terminal.backend().cursor_visible(), "no cursor outside the input");
}

#[test]
fn a_long_search_scrolls_and_the_cursor_stays_on_screen() {
    let mut app = app(Lang::Zh);
    app.update(Action::StartSearch);
    for c in "欧阳明远".repeat(20).chars() {
        app.update(Action::EditSearch(InputRequest::InsertChar(c)));
    }
    let mut terminal = render(&mut app, 80, 24);
    let pos = terminal.get_cursor_position().unwrap();
    assert!(pos.x < 80 && pos.y == 23);
}

#[test]
fn stored_escape_sequences_are_shown_escaped_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::demo_db(dir.path());
    let conn = common::raw(&path);
    conn.execute(
        "UPDATE cadres SET name = '邱' || char(27) || ']0;x' || char(7) || '志远', home_post = char(8238) || 'evil' WHERE id = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let mut app = Live::open(&path, today(), options(Lang::Zh));
    for (tab, open) in [(Tab::Cadres, false), (Tab::Cadres, true), (Tab::Pairs, false), (Tab::Reserve, false)] {
        app.update(Action::GoTab(tab));
        if open {
            // Cadre 1 is not a serving one: not the first row.
            assert!(app.select_rec(Tab::Cadres, Rec::Cadre(1)));
            app.update(Action::Open);
        }
        let terminal = render(&mut app, 160, 48);
        let buf = terminal.backend().buffer();
        for cell in buf.content() {
            assert!(!cell.symbol().chars().any(|c| c.is_control() || c == '\u{202e}'), "raw control in {tab:?}");
        }
        let screen = rows(buf).join("\n");
        let shown = if open { "邱\\x1b]0;x\\x07志远" } else { "邱\\x1b" };
        assert!(screen.contains(shown), "{tab:?}: {screen}");
    }
}

#[test]
fn sizes_from_nothing_to_wide_never_panic() {
    let mut app = app(Lang::Zh);
    for (w, h) in [(0, 0), (1, 1), (0, 30), (200, 0), (59, 15), (60, 15), (60, 14), (61, 16), (200, 60)] {
        for tab in Tab::ALL {
            app.update(Action::GoTab(tab));
            render(&mut app, w, h);
            app.update(Action::Open);
            render(&mut app, w, h);
            app.update(Action::OpenHelp);
            render(&mut app, w, h);
            app.update(Action::CloseHelp);
        }
    }
}
