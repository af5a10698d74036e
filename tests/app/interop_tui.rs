//! `E` on a tab writes the list as shown: the filtered, sorted rows in order, the columns on
//! screen in order, dates as dates and overdue cells red.

use crate::common;
use crate::interop_support;

use calamine::Data;
use common::Live;
use guazhi::app::{Action, Display, Tab};
use guazhi::lang::Lang;
use interop_support::*;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

fn app(dir: &std::path::Path) -> Live {
    Live::open(
        &common::demo_db(dir),
        common::date(TODAY),
        Display { db_name: "demo.db".into(), ..Display::new(Lang::Zh) },
    )
}

fn draw(app: &mut Live, w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.draw(&mut terminal);
}

fn export_to(app: &Live, dir: &std::path::Path) -> std::io::Result<(std::path::PathBuf, usize)> {
    let job = app.export_job().expect("a list to export");
    guazhi::runner::write_export(app, &app.store, &job, dir)
}

#[test]
fn the_reviews_tab_filtered_to_overdue_exports_as_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.update(Action::GoTab(Tab::Reviews));
    app.update(Action::CycleStatus); // pending → overdue
    app.update(Action::ReverseSort);
    draw(&mut app, 100, 30);
    // The key is bound on every list.
    let key = Event::Key(KeyEvent::new(KeyCode::Char('E'), KeyModifiers::SHIFT));
    assert!(matches!(guazhi::app::keys::map_event(&app, &key), Some(Action::Export)));

    let (path, rows) = export_to(&app, dir.path()).unwrap();
    assert_eq!(rows, 5);
    assert_eq!(path, dir.path().join(format!("reviews-{TODAY}.xlsx")));
    let sheet = read_xlsx(&path);
    let table = app.table(Tab::Reviews);
    let shown: Vec<usize> = {
        let mut h = app.frame.header.clone();
        h.sort();
        h.iter().map(|x| x.2).collect()
    };
    assert!(shown.len() < table.columns.len(), "100 columns do not show them all");
    let header: Vec<String> = sheet[0].iter().map(text).collect();
    assert_eq!(header, shown.iter().map(|&c| table.columns[c].label.to_string()).collect::<Vec<_>>());
    let expected: Vec<Vec<String>> = app
        .list()
        .visible
        .iter()
        .map(|i| {
            let row = app.row(Tab::Reviews, i).expect("the rows on screen");
            shown.iter().map(|&c| row.cells[c].text.clone()).collect()
        })
        .collect();
    let got: Vec<Vec<String>> = sheet[1..].iter().map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(got, expected, "the rows on screen, in their (reversed) order");
    let due = shown.iter().position(|&c| c == 0).unwrap();
    assert!(sheet[1..].iter().all(|r| matches!(r[due], Data::DateTime(_))), "due dates are dates");
    // A second export never replaces the first.
    let (second, _) = export_to(&app, dir.path()).unwrap();
    assert_eq!(second, dir.path().join(format!("reviews-{TODAY}-2.xlsx")));
}

#[test]
fn every_tab_exports() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    for tab in Tab::ALL {
        app.update(Action::GoTab(tab));
        draw(&mut app, 160, 48);
        let (path, rows) = export_to(&app, dir.path()).unwrap();
        assert_eq!(rows, app.list().visible.len(), "{tab:?}");
        assert_eq!(read_xlsx(&path).len(), rows + 1, "{tab:?}");
    }
}
