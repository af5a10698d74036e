//! The Overview's charts on `TestBackend`: the numbers on the bars are plain SQL counts of the
//! demo database (today = 2026-11-27), `c` trades them for the policy flags at 80×24, a save
//! redraws them, and under `--ascii` and `NO_COLOR` they keep to ASCII and to no colour.
//! Snapshots of the newest batch's charts at the three sizes in both languages.

use crate::common;

use common::{buffer_rows as rows, row_chars, Live};
use guazhi::app::popup::Request;
use guazhi::app::{Action, Display, Tab};
use guazhi::domain::Id;
use guazhi::lang::Lang;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

fn options(lang: Lang) -> Display {
    Display { db_name: "demo.db".into(), ..Display::new(lang) }
}

/// The Overview with the newest batch selected (the one with reviews ahead).
fn newest(opts: Display) -> Live {
    let mut app = Live::demo(opts);
    app.update(Action::GoTab(Tab::Overview)); // opens on the newest batch
    app
}

fn render(app: &mut Live, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.draw(&mut terminal);
    terminal
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    rows(terminal.backend().buffer()).iter().map(|r| r.trim_end()).collect::<Vec<_>>().join("\n")
}

/// Where `needle` starts on row `y` (its first cell), if it is there.
fn find_on(buf: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let chars = row_chars(buf, y);
    let text: String = chars.iter().map(|(_, s)| s.as_str()).collect();
    let byte = text.find(needle)?;
    let mut len = 0;
    chars
        .iter()
        .find(|(_, s)| {
            let here = len == byte;
            len += s.len();
            here
        })
        .map(|(x, _)| *x)
}

fn newest_batch(app: &Live) -> Id {
    let conn = common::raw(app.store.path());
    conn.query_row("SELECT id FROM batches ORDER BY dispatch_date DESC, id DESC LIMIT 1", [], |r| r.get(0)).unwrap()
}

/// The batch's down secondments whose host unit is in `district`, by plain SQL.
fn down_to(app: &Live, batch: Id, district: &str) -> i64 {
    common::raw(app.store.path())
        .query_row(
            "SELECT count(*) FROM secondments s, units u
             WHERE u.id = s.host_unit_id AND s.batch_id = ?1 AND s.direction = 'down' AND u.district = ?2",
            rusqlite::params![batch, district],
            |r| r.get(0),
        )
        .unwrap()
}

/// The batch's open reviews due from `from` to before `until`, by plain SQL.
fn due_between(app: &Live, batch: Id, from: &str, until: &str) -> i64 {
    common::raw(app.store.path())
        .query_row(
            "SELECT count(*) FROM reviews r, secondments s
             WHERE s.id = r.secondment_id AND s.batch_id = ?1 AND r.done_date IS NULL AND r.cancelled = 0
               AND r.due_date >= ?2 AND r.due_date < ?3",
            rusqlite::params![batch, from, until],
            |r| r.get(0),
        )
        .unwrap()
}

/// Today's month, then the next eleven: (label, from, until).
fn months() -> Vec<(String, String, String)> {
    let firsts = ["2026-12-01", "2027-01-01", "2027-02-01", "2027-03-01", "2027-04-01", "2027-05-01"];
    let firsts: Vec<String> = firsts
        .iter()
        .map(|s| s.to_string())
        .chain((6..=11).map(|m| format!("2027-{m:02}-01")))
        .chain(["2027-12-01".to_string()])
        .collect();
    let mut out = vec![("11月".to_string(), "2026-11-27".to_string(), firsts[0].clone())];
    for i in 0..11 {
        let month = (i + 11) % 12 + 1;
        out.push((format!("{month}月"), firsts[i].clone(), firsts[i + 1].clone()));
    }
    out
}

#[test]
fn the_bars_carry_plain_sql_counts() {
    let mut app = newest(options(Lang::Zh));
    let batch = newest_batch(&app);
    let terminal = render(&mut app, 80, 24);
    let buf = terminal.backend().buffer();
    let text = screen(&terminal);
    assert!(text.contains("下挂去向") && text.contains("本批未来12个月到期的考核"), "{text}");
    for (code, zh) in
        [("chancheng", "禅城"), ("nanhai", "南海"), ("shunde", "顺德"), ("sanshui", "三水"), ("gaoming", "高明")]
    {
        let shown = format!("│{zh} {}", down_to(&app, batch, code));
        assert!(text.contains(&shown), "{shown}\n{text}");
    }
    // Each month's count sits on the bottom row of its bar, just above its label.
    let labels_y = (0..24).find(|&y| find_on(buf, y, "11月").is_some() && find_on(buf, y, "12月").is_some()).unwrap();
    let months = months();
    let mut total = 0;
    for (i, (label, from, until)) in months.iter().enumerate() {
        // "1月" is also the end of "11月": the first at or after the previous label.
        let row = row_chars(buf, labels_y);
        let start = row.iter().position(|(x, _)| *x >= 20 + i as u16 * 5).unwrap();
        let after: String = row[start..].iter().map(|(_, s)| s.as_str()).collect();
        assert!(after.trim_start().starts_with(label.as_str()), "{label} at bar {i}: {after}");
        let x = row[start..].iter().find(|(_, s)| s.trim() != "").unwrap().0;
        let value: String = (x..x + 4)
            .map(|x| buf[(x, labels_y - 1)].symbol())
            .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
            .collect();
        let expected = due_between(&app, batch, from, until);
        total += expected;
        assert_eq!(value, if expected == 0 { String::new() } else { expected.to_string() }, "{label}");
    }
    assert!(total > 0, "a batch with reviews ahead");
}

#[test]
fn c_trades_the_charts_for_the_flags_where_only_one_fits() {
    let mut app = newest(options(Lang::Zh));
    let text = screen(&render(&mut app, 80, 24));
    assert!(text.contains("下挂去向") && !text.contains("政策提示"), "{text}");
    assert!(text.contains("c 图表"), "the bar offers the key: {text}");
    app.update(Action::ToggleCharts);
    let text = screen(&render(&mut app, 80, 24));
    assert!(!text.contains("下挂去向") && text.contains("政策提示"), "{text}");
    app.update(Action::ToggleCharts);
    let text = screen(&render(&mut app, 120, 40));
    assert!(text.contains("下挂去向") && text.contains("政策提示"), "both at 120×40: {text}");
    // Through the key table too.
    let key = ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char('c'));
    let action = guazhi::app::keys::map_event(&app.app, &ratatui::crossterm::event::Event::Key(key));
    assert!(matches!(action, Some(Action::ToggleCharts)), "{action:?}");
}

#[test]
fn a_recorded_review_leaves_its_month() {
    let mut app = newest(options(Lang::En));
    let batch = newest_batch(&app);
    let line = |app: &Live| app.catalogs.batches.iter().find(|l| l.batch.id == batch).unwrap().due.unwrap();
    let before = line(&app);
    let (id, version, due): (Id, i64, String) = common::raw(app.store.path())
        .query_row(
            "SELECT r.id, r.version, r.due_date FROM reviews r JOIN secondments s ON s.id = r.secondment_id
             WHERE s.batch_id = ?1 AND r.done_date IS NULL AND r.cancelled = 0 AND r.due_date >= '2026-11-27'
             ORDER BY r.due_date LIMIT 1",
            [batch],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let month = before.index_of(common::date(&due)).unwrap();
    let result = guazhi::store::ReviewResult {
        done: common::date("2026-11-27"),
        grade: guazhi::domain::Grade::Competent,
        assessor: String::new(),
        note: String::new(),
    };
    app.store.write(|w| w.record_review(id, version, &result)).unwrap();
    app.app.requests.push(Request::Refresh);
    app.update(Action::Redraw);
    let after = line(&app);
    assert_eq!(after.counts[month], before.counts[month] - 1);
    assert_eq!(after.counts.iter().sum::<usize>(), before.counts.iter().sum::<usize>() - 1);
}

#[test]
fn ascii_bars_and_no_colour() {
    let mut app = newest(Display { ascii: true, color: false, ..options(Lang::En) });
    let terminal = render(&mut app, 80, 24);
    let buf = terminal.backend().buffer();
    let text = screen(&terminal);
    assert!(text.contains("Down, by district") && text.contains('#'), "{text}");
    for cell in buf.content() {
        let s = cell.symbol();
        assert!(s.is_ascii() || s.chars().all(|c| c as u32 >= 0x3000), "ambiguous symbol {s:?}");
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "no colour at all");
    }
    // A count on a bar is in reverse video: part of the bar without colour.
    let y = (0..24).find(|&y| find_on(buf, y, "Sanshui").is_some()).unwrap();
    let x = find_on(buf, y, "Sanshui").unwrap() + 10;
    assert!(buf[(x, y)].symbol().chars().all(|c| c.is_ascii_digit()), "{:?}", rows(buf)[usize::from(y)]);
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!("overview_charts_ascii_en_80x24", text);
}

#[test]
fn the_newest_batchs_charts_in_both_languages_and_three_sizes() {
    for (lang, name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        for (w, h) in [(80, 24), (120, 40), (200, 50)] {
            let mut app = newest(options(lang));
            let terminal = render(&mut app, w, h);
            insta::assert_snapshot!(format!("overview_charts_{name}_{w}x{h}"), screen(&terminal));
        }
    }
}
