//! 80×24 is the design size (issue 13): the header's date is whole, every list shows its key
//! facts whole (Cadres: name, direction, host unit, batch, next review; Pairs: both names, both
//! host units, the batch), and what the columns leave out is in the detail strip under the list.

use crate::common;

use common::Live;
use guazhi::app::view::{cadres, pairs, reserve, Columns};
use guazhi::app::{Action, Display, Tab};
use guazhi::lang::Lang;

fn options(lang: Lang) -> Display {
    Display { db_name: "demo.db".into(), ..Display::new(lang) }
}

/// The rows of the list on screen: (screen line, the app's row of cells), page by page
/// through the whole list.
fn every_row(app: &mut Live, tab: Tab, lang: Lang, check: impl Fn(&str, &[String])) {
    app.update(Action::GoTab(tab));
    app.update(Action::Top);
    let total = app.lists[tab.index()].visible.len();
    assert!(total > 0);
    let mut seen = 0;
    while seen < total {
        let screen = app.rows(80, 24);
        let (offset, page, top) = (app.frame.offset, app.frame.page, app.frame.body.y);
        assert!(page > 0);
        for i in offset..(offset + page).min(total) {
            let entry = app.lists[tab.index()].visible.get(i).unwrap();
            let row = app.row(tab, entry).expect("the row's cells are read");
            let cells: Vec<String> = row.cells.iter().map(|c| c.short_text().to_string()).collect();
            let line = &screen[usize::from(top) + i - offset];
            check(line, &cells);
            seen = seen.max(i + 1);
        }
        let _ = lang;
        app.update(Action::PageDown);
    }
}

#[test]
fn the_date_is_whole_in_the_header_however_crowded() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("干部双向挂职锻炼管理数据库-佛山市委组织部-2026年度.db");
    std::fs::copy(common::demo_template(), &long).unwrap();
    for lang in [Lang::Zh, Lang::En] {
        for (read_only, world, name) in [
            (false, false, "demo.db"),
            (true, true, "demo.db"),
            (true, true, "干部双向挂职锻炼管理数据库-佛山市委组织部-2026年度.db"),
        ] {
            let opts = Display {
                db_name: name.into(),
                read_only: read_only.then(|| "--read-only".to_string()),
                world_readable: world,
                ..Display::new(lang)
            };
            let mut app = Live::open(&long, common::date("2026-11-27"), opts);
            for w in [60, 80, 120] {
                let header = &app.rows(w, 24)[0];
                assert!(header.contains("2026-11-27"), "{w} cols, {lang:?}: {header}");
                let counts = if lang == Lang::Zh { "逾期" } else { "5 " };
                assert!(header.contains(counts), "the counts stay: {header}");
            }
        }
    }
}

#[test]
fn cadres_show_name_direction_host_unit_batch_and_next_review_whole_at_80x24() {
    for lang in [Lang::Zh, Lang::En] {
        let mut app = Live::demo(options(lang));
        every_row(&mut app, Tab::Cadres, lang, |line, cells| {
            for col in [
                cadres::Col::Name,
                cadres::Col::Direction,
                cadres::Col::Host,
                cadres::Col::Batch,
                cadres::Col::NextReview,
            ] {
                let text = &cells[col.position()];
                assert!(line.contains(text.as_str()), "{lang:?} {col:?} {text:?} cut: {line}");
            }
        });
    }
}

#[test]
fn pairs_show_both_names_both_host_units_and_the_batch_at_80x24() {
    for lang in [Lang::Zh, Lang::En] {
        let mut app = Live::demo(options(lang));
        every_row(&mut app, Tab::Pairs, lang, |line, cells| {
            use pairs::Col::*;
            for col in [Batch, DownName, DownRoute, UpName, UpRoute] {
                let text = &cells[col.position()];
                assert!(line.contains(text.as_str()), "{lang:?} {col:?} {text:?} cut: {line}");
            }
            // A pair whose units do not swap still says so on its row.
            if cells[Mirror.position()].starts_with('!') {
                assert!(line.trim_end_matches(['│', ' ']).ends_with('!'), "{line}");
            }
        });
    }
}

/// What the columns leave out of the selected row is under the list: on the Reserve tab at
/// 80 columns the reason (a withdrawal's above all) is there for every row.
#[test]
fn the_detail_strip_shows_what_the_columns_leave_out() {
    for lang in [Lang::Zh, Lang::En] {
        let mut app = Live::demo(options(lang));
        app.update(Action::GoTab(Tab::Reserve));
        let total = app.lists[Tab::Reserve.index()].visible.len();
        for i in 0..total {
            app.update(Action::Top);
            for _ in 0..i {
                app.update(Action::Down);
            }
            let screen = app.rows(80, 24);
            let entry = app.lists[Tab::Reserve.index()].visible.get(i).unwrap();
            let reason = app.row(Tab::Reserve, entry).unwrap().cells[reserve::Col::Reason.position()].text.clone();
            // The strip: the lines between the list's box and the key bar, joined.
            let bottom = screen.iter().rposition(|l| l.starts_with('└')).unwrap();
            let strip: String = screen[bottom + 1..23].iter().map(|l| l.trim()).collect();
            let words: String = reason.split_whitespace().collect();
            let strip: String = strip.split_whitespace().collect();
            let head: String = words.chars().take(12).collect();
            assert!(!reason.is_empty() && strip.contains(&head), "{lang:?} row {i}: {reason:?} not in {strip:?}");
        }
    }
}

#[test]
fn wide_screens_show_every_column_and_no_strip() {
    for lang in [Lang::Zh, Lang::En] {
        let mut app = Live::demo(options(lang));
        for tab in [Tab::Cadres, Tab::Pairs, Tab::Reviews, Tab::Reserve, Tab::Units] {
            app.update(Action::GoTab(tab));
            let screen = app.rows(200, 50);
            let columns = app.table(tab).columns.len();
            assert_eq!(app.frame.header.len(), columns, "{lang:?} {tab:?}");
            let bottom = screen.iter().rposition(|l| l.starts_with('└')).unwrap();
            assert_eq!(bottom, 48, "{lang:?} {tab:?}: the list reaches the key bar");
        }
    }
}
