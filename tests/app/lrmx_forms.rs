//! 任免审批表 for the cadres a list shows (what `E` offers on the Cadres and Reserve tabs):
//! `runner::write_forms` writes their forms, in the list's order, into a zip beside the others.

use crate::common::Live;
use guazhi::app::{Display, Tab};
use guazhi::lang::Lang;
use std::io::Read;

#[test]
fn the_forms_of_a_lists_cadres_go_into_a_zip_in_its_order() {
    let app = Live::demo(Display::new(Lang::Zh));
    let catalog = app.catalogs.get(Tab::Cadres).expect("the cadres list");
    let ids: Vec<i64> = (0..3).filter_map(|row| catalog.cadre(row)).collect();
    assert_eq!(ids.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let today = guazhi::domain::dates::parse_date("2026-11-27").unwrap();
    let (path, n) = guazhi::runner::write_forms(&app.store, &ids, today, dir.path(), "cadres-lrmx-2026-11-27").unwrap();
    assert_eq!((path.file_name().unwrap().to_str(), n), (Some("cadres-lrmx-2026-11-27.zip"), 3));
    // A second export never replaces the first.
    let (again, _) =
        guazhi::runner::write_forms(&app.store, &ids, today, dir.path(), "cadres-lrmx-2026-11-27").unwrap();
    assert_eq!(again.file_name().unwrap().to_str(), Some("cadres-lrmx-2026-11-27-2.zip"));

    let data = app.store.load().unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    for (i, id) in ids.iter().enumerate() {
        let name = &data.cadres.iter().find(|c| c.id == *id).unwrap().name;
        let mut entry = zip.by_index(i).unwrap();
        let shown = encoding_rs::GBK.decode(entry.name_raw()).0.into_owned();
        assert_eq!(shown, format!("{name}.lrmx"));
        let mut xml = String::new();
        entry.read_to_string(&mut xml).unwrap();
        assert!(xml.contains(&format!("<XingMing>{name}</XingMing>")), "{xml}");
    }
}
