//! `E` opens a dialog (format, columns, file name) and writes the tab's rows in the screen's
//! filter and order: the same columns at 80×24 and 200×50, cells as data (dates as dates,
//! a status as its word), never over an existing file.

use crate::common;
use crate::interop_support;

use calamine::Data;
use common::Live;
use guazhi::app::choose::{ChooseAct, ChooseFor};
use guazhi::app::export::{ExportAct, ExportDialog, ExportField, ExportFormat};
use guazhi::app::list::Standing;
use guazhi::app::popup::Popup;
use guazhi::app::view::Columns;
use guazhi::app::{Action, Display, Tab};
use guazhi::domain::ReserveStatus;
use guazhi::lang::Lang;
use interop_support::*;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

fn app(dir: &std::path::Path) -> Live {
    Live::open(
        &common::demo_db(dir),
        common::date(TODAY),
        Display { db_name: "demo.db".into(), ..Display::new(Lang::Zh) },
    )
}

fn draw(app: &mut Live, w: u16, h: u16) -> String {
    app.rows(w, h).join(
        "
",
    )
}

fn dialog(app: &Live) -> &ExportDialog {
    match &app.popup {
        Some(Popup::Export(d)) => d,
        _ => panic!("the export dialog is not open"),
    }
}

/// `E`, then the file the dialog would write, into `dir`.
fn export_to(app: &mut Live, dir: &std::path::Path, acts: &[ExportAct]) -> (std::path::PathBuf, usize) {
    app.update(Action::Export);
    for a in acts {
        app.update(Action::ExportDialog(a.clone()));
    }
    let job = app.export_job(dialog(app)).expect("a list to export");
    app.update(Action::ExportDialog(ExportAct::Cancel));
    guazhi::runner::write_export(app, &app.store, &job, dir).unwrap()
}

#[test]
fn the_reviews_tab_filtered_to_overdue_exports_the_same_at_every_width() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.update(Action::GoTab(Tab::Reviews));
    app.update(Action::CycleStatus); // pending → overdue
    app.update(Action::ReverseSort);
    let key = Event::Key(KeyEvent::new(KeyCode::Char('E'), KeyModifiers::SHIFT));
    assert!(matches!(guazhi::app::keys::map_event(&app, &key), Some(Action::Export)), "E on every list");

    let mut sheets = Vec::new();
    for (w, h) in [(80, 24), (200, 50)] {
        draw(&mut app, w, h);
        let (path, rows) = export_to(&mut app, dir.path(), &[]);
        assert_eq!(rows, 5);
        sheets.push((path.clone(), read_xlsx(&path)));
    }
    assert_eq!(sheets[0].0, dir.path().join(format!("考核-{TODAY}.xlsx")));
    assert_eq!(sheets[1].0, dir.path().join(format!("考核-{TODAY}-2.xlsx")), "never over the first");
    assert_eq!(sheets[0].1, sheets[1].1, "80×24 and 200×50 write the same");
    let sheet = &sheets[0].1;
    let table = app.table(Tab::Reviews);
    let header: Vec<String> = sheet[0].iter().map(text).collect();
    assert_eq!(header, table.columns.iter().map(|c| c.detail.to_string()).collect::<Vec<_>>());
    let names: Vec<String> = app
        .list()
        .visible
        .iter()
        .map(|i| app.row(Tab::Reviews, i).expect("the rows on screen").cells[2].text.clone())
        .collect();
    let got: Vec<String> = sheet[1..].iter().map(|r| text(&r[2])).collect();
    assert_eq!(got, names, "the screen's rows, in their (reversed) order");
    assert!(sheet[1..].iter().all(|r| matches!(r[0], Data::DateTime(_))), "due dates are dates");
    assert!(sheet[1..].iter().all(|r| text(&r[1]) == "逾期"), "the status is a word, not `!逾期 43天`");
}

#[test]
fn the_dialog_chooses_format_columns_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.update(Action::Export);
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains("[xlsx]") && screen.contains(&format!("干部-{TODAY}.xlsx")), "{screen}");
    assert!(screen.contains("[列表的列]"), "{screen}");
    // CSV: the name's extension follows.
    app.update(Action::ExportDialog(ExportAct::Right));
    assert_eq!(dialog(&app).format, ExportFormat::Csv);
    assert_eq!(dialog(&app).file.value(), format!("干部-{TODAY}.csv"));
    // Every field; then a name typed over the default.
    app.update(Action::ExportDialog(ExportAct::Next));
    app.update(Action::ExportDialog(ExportAct::Right));
    assert!(dialog(&app).every_field);
    app.update(Action::ExportDialog(ExportAct::Next));
    assert_eq!(dialog(&app).focus, ExportField::File);
    for _ in 0..30 {
        app.update(Action::ExportDialog(ExportAct::Input(InputRequest::DeletePrevChar)));
    }
    for c in "干部名单.csv".chars() {
        app.update(Action::ExportDialog(ExportAct::Input(InputRequest::InsertChar(c))));
    }
    let job = app.export_job(dialog(&app)).unwrap();
    let (path, rows) = guazhi::runner::write_export(&app, &app.store, &job, dir.path()).unwrap();
    assert_eq!(path, dir.path().join("干部名单.csv"));
    let csv = std::fs::read_to_string(&path).unwrap();
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap().to_string();
    // Every field: the host unit and the post in their own columns.
    assert!(header.contains("挂职单位,挂任职务") && header.contains("原单位,原职务"), "{header}");
    assert_eq!(csv.lines().count(), rows + 1);
    // Esc closes the dialog without writing.
    app.update(Action::ExportDialog(ExportAct::Cancel));
    assert!(app.popup.is_none());
}

#[test]
fn every_tab_exports_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    for tab in Tab::ALL {
        app.update(Action::GoTab(tab));
        draw(&mut app, 80, 24);
        let (path, rows) = export_to(&mut app, dir.path(), &[]);
        assert_eq!(rows, app.list().visible.len(), "{tab:?}");
        let sheet = read_xlsx(&path);
        assert_eq!(sheet.len(), rows + 1, "{tab:?}");
        assert_eq!(sheet[0].len(), app.table(tab).columns.len(), "{tab:?}: every column at 80×24");
        let (csv, _) = export_to(&mut app, dir.path(), &[ExportAct::Right]);
        assert_eq!(csv.extension().unwrap(), "csv");
        // An empty cell is empty in the file, not the screen's "-" (which a sheet shows as "'-").
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(!text.contains(",'-,") && !text.contains(",-,"), "{tab:?}: {text}");
    }
}

/// Pairs: two route columns under one header are written apart, by direction.
#[test]
fn every_field_splits_compound_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.update(Action::GoTab(Tab::Pairs));
    let (path, _) = export_to(&mut app, dir.path(), &[ExportAct::Next, ExportAct::Right]);
    let sheet = read_xlsx(&path);
    let header: Vec<String> = sheet[0].iter().map(text).collect();
    for h in ["下挂 派出单位", "下挂 挂职单位", "上挂 派出单位", "上挂 挂职单位"] {
        assert!(header.contains(&h.to_string()), "{h} in {header:?}");
    }
    let host = header.iter().position(|h| h == "下挂 挂职单位").unwrap();
    assert!(sheet[1..].iter().all(|r| !text(&r[host]).contains('→')), "a unit, not a route");
}

/// Cadres and Reserve offer a zip of 任免审批表, one per cadre of the rows, in their order; the
/// columns do not apply (Tab passes over them). The other tabs offer only the sheets.
#[test]
fn reserve_and_cadres_offer_the_forms_as_a_zip() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.update(Action::GoTab(Tab::Reviews));
    app.update(Action::Export);
    app.update(Action::ExportDialog(ExportAct::Right));
    app.update(Action::ExportDialog(ExportAct::Right));
    assert_eq!(dialog(&app).format, ExportFormat::Xlsx, "Reviews: xlsx and CSV only");
    app.update(Action::ExportDialog(ExportAct::Cancel));

    // The reserve pool's admitted cadres: `f`, typed to 已入库, Enter.
    app.update(Action::GoTab(Tab::Reserve));
    let all_rows = app.list().visible.len();
    app.update(Action::OpenChoice(ChooseFor::Standing));
    for ch in "已入库".chars() {
        app.update(Action::Choice(ChooseAct::Input(InputRequest::InsertChar(ch))));
    }
    app.update(Action::Choice(ChooseAct::Choose));
    assert_eq!(app.list().filters.standing, Some(Standing::Nominated(ReserveStatus::Admitted)));
    let admitted = app.list().visible.len();
    assert!(admitted > 0 && admitted < all_rows, "{admitted} of {all_rows}");
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains("[已入库]"), "{screen}");
    let status = guazhi::app::view::reserve::Col::Status.position();
    for row in app.list().visible.iter() {
        let cells = &app.row(Tab::Reserve, row).expect("cells of a shown row").cells;
        assert_eq!(cells[status].text, "已入库");
    }
    app.update(Action::Export);
    app.update(Action::ExportDialog(ExportAct::Right));
    app.update(Action::ExportDialog(ExportAct::Right));
    assert_eq!(dialog(&app).format, ExportFormat::Lrmx);
    assert_eq!(dialog(&app).file.value(), format!("后备-{TODAY}.zip"));
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains("[.lrmx zip]") && screen.contains("每位干部一份任免审批表"), "{screen}");
    app.update(Action::ExportDialog(ExportAct::Next));
    assert_eq!(dialog(&app).focus, ExportField::File, "no columns to choose for a form");
    app.update(Action::ExportDialog(ExportAct::Prev));
    assert_eq!(dialog(&app).focus, ExportField::Format);

    let job = app.export_job(dialog(&app)).unwrap();
    let (path, forms) = guazhi::runner::write_export(&app, &app.store, &job, dir.path()).unwrap();
    assert_eq!(path, dir.path().join(format!("后备-{TODAY}.zip")));
    let catalog = app.catalogs.get(Tab::Reserve).unwrap();
    let mut cadres: Vec<i64> = Vec::new();
    for row in app.list().visible.iter() {
        let c = catalog.cadre(row).unwrap();
        if !cadres.contains(&c) {
            cadres.push(c);
        }
    }
    assert!(forms > 0);
    assert_eq!(forms, cadres.len(), "one form per cadre shown");
    let names = app.store.neighbourhood(&cadres).unwrap().cadres;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(zip.len(), forms);
    for (i, id) in cadres.iter().enumerate() {
        let name = &names.iter().find(|c| c.id == *id).unwrap().name;
        let mut entry = zip.by_index(i).unwrap();
        assert_eq!(encoding_rs::GBK.decode(entry.name_raw()).0, format!("{name}.lrmx"), "GBK names, list order");
        let mut xml = String::new();
        entry.read_to_string(&mut xml).unwrap();
        // Read by an XML reader that is not guazhi's: well-formed, the right person.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut inside, mut xing_ming) = (false, String::new());
        loop {
            match reader.read_event().expect("well-formed XML") {
                quick_xml::events::Event::Start(e) => inside = e.name().as_ref() == "XingMing",
                quick_xml::events::Event::Text(t) if inside => xing_ming = t.xml10_content().into_owned(),
                quick_xml::events::Event::End(_) => inside = false,
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(&xing_ming, name);
    }
}
