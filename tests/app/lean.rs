//! Large-database mode on the demo data: the lists come from catalogs and the cells from the
//! neighbourhood of the rows on screen, yet the user sees what the ordinary mode shows; the
//! dossier, editing and pairing work; tabs that need every record say so.

use crate::edit_support;

use edit_support::Rig;
use guazhi::app::view::Rec;
use guazhi::app::{Action, App, Mode, Tab};
use guazhi::lang::Lang;
use ratatui::crossterm::event::KeyCode::Enter;

/// Every visible row's record, in order.
fn recs(app: &App, tab: Tab) -> Vec<Rec> {
    let list = &app.lists[tab.index()];
    list.visible
        .iter()
        .map(|&e| match &app.catalogs[tab.index()] {
            Some(catalog) => catalog.rec(e).unwrap(),
            None => app.table(tab).rows[e].rec.unwrap(),
        })
        .collect()
}

/// The first `n` visible rows as the screen shows them: record, cell texts and tones.
fn shown(app: &App, tab: Tab, n: usize) -> Vec<String> {
    let list = &app.lists[tab.index()];
    list.visible
        .iter()
        .take(n)
        .map(|&e| {
            let row = app.row(tab, e).unwrap_or_else(|| panic!("row {e} of {tab:?} has no cells"));
            let cells: Vec<String> = row.cells.iter().map(|c| format!("{}|{:?}", c.text, c.tone)).collect();
            format!("{:?} {:?} {}", row.rec, row.tone, cells.join(" "))
        })
        .collect()
}

/// The screen's text (wide characters repeat; enough for `contains`).
fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    guazhi::tui::draw(&mut terminal, app).unwrap();
    let buf = terminal.backend().buffer();
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

fn same_lists(full: &Rig, lean: &Rig, tab: Tab, what: &str) {
    assert_eq!(recs(&lean.app, tab), recs(&full.app, tab), "{what}: order");
    assert_eq!(shown(&lean.app, tab, 60), shown(&full.app, tab, 60), "{what}: cells");
}

/// Applies the same action to both apps.
fn both(full: &mut Rig, lean: &mut Rig, action: Action) {
    full.act(action.clone());
    lean.act(action);
}

#[test]
fn cadres_and_reviews_show_what_the_ordinary_mode_shows() {
    for lang in [Lang::Zh, Lang::En] {
        let mut full = Rig::with(lang, guazhi::store::Access::Auto);
        let mut lean = Rig::lean(lang);
        assert!(lean.app.is_lean() && !full.app.is_lean());
        same_lists(&full, &lean, Tab::Cadres, "cadres");
        for col in [0, 2, 4, 6, 9, 10] {
            both(&mut full, &mut lean, Action::SortBy(col));
            same_lists(&full, &lean, Tab::Cadres, &format!("sorted by {col}"));
            both(&mut full, &mut lean, Action::SortBy(col));
            same_lists(&full, &lean, Tab::Cadres, &format!("sorted by {col}, reversed"));
        }
        for query in ["zh", "张", "市", "nomatchqq"] {
            full.find(query);
            lean.find(query);
            same_lists(&full, &lean, Tab::Cadres, &format!("search {query}"));
        }
        both(&mut full, &mut lean, Action::ClearSearch);
        both(&mut full, &mut lean, Action::GoTab(Tab::Reviews));
        same_lists(&full, &lean, Tab::Reviews, "pending reviews");
        for _ in 0..4 {
            both(&mut full, &mut lean, Action::CycleStatus);
            same_lists(&full, &lean, Tab::Reviews, "a status filter");
        }
        // Done and cancelled reviews are not in a large database's catalog: the filter skips them.
        full.act(Action::CycleStatus);
        lean.act(Action::CycleStatus);
        assert_eq!(lean.app.lists[Tab::Reviews.index()].filters.status, Default::default());
    }
}

#[test]
fn the_dossier_and_the_partner_jump_work_from_the_window() {
    let mut full = Rig::new();
    let mut lean = Rig::lean(Lang::En);
    for row in [0, 7, 30] {
        for rig in [&mut full, &mut lean] {
            rig.act(Action::Back);
            rig.act(Action::Top);
            for _ in 0..row {
                rig.act(Action::Down);
            }
            rig.key(Enter);
            assert_eq!(rig.app.mode, Mode::Dossier);
        }
        let doc = |r: &Rig| format!("{:?}", r.app.dossier.as_ref().unwrap().doc);
        assert_eq!(doc(&lean), doc(&full), "dossier of row {row}");
        both(&mut full, &mut lean, Action::Partner);
        assert_eq!(doc(&lean), doc(&full), "partner of row {row}");
        both(&mut full, &mut lean, Action::Back);
        assert_eq!(doc(&lean), doc(&full), "back from the partner of row {row}");
    }
}

#[test]
fn a_review_recorded_in_a_large_database_leaves_the_pending_list_once_rebuilt() {
    let mut rig = Rig::lean(Lang::En);
    rig.act(Action::GoTab(Tab::Reviews));
    let Some(Rec::Review(review)) = rig.app.selected_rec(Tab::Reviews) else { panic!("no review selected") };
    let overdue = rig.app.counts[0];
    rig.keys("e1\r");
    assert!(rig.app.form.is_none(), "saved: {}", rig.status());
    assert_eq!(rig.one::<String>(&format!("SELECT grade FROM reviews WHERE id = {review}")), "excellent");
    assert_eq!(rig.app.counts[0], overdue - 1, "the header's overdue count drops at once");
    // The save asked for fresh catalogs; until they come the list keeps its rows, frozen
    // (the old catalog is dropped), and a new search waits for them.
    let before = recs(&rig.app, Tab::Reviews);
    assert!(rig.app.lean.as_ref().unwrap().loading);
    assert_eq!(before.len(), rig.app.total(Tab::Reviews));
    rig.find("zh");
    assert!(rig.app.lists[Tab::Reviews.index()].visible.is_empty(), "a search waits for the catalogs");
    assert!(rig.build_catalogs());
    assert!(!rig.app.lists[Tab::Reviews.index()].visible.is_empty(), "then shows its results");
    rig.act(Action::ClearSearch);
    assert!(!recs(&rig.app, Tab::Reviews).contains(&Rec::Review(review)));
    assert!(!rig.build_catalogs(), "built once");
}

#[test]
fn pairing_offers_candidates_from_the_whole_batch() {
    let mut rig = Rig::lean(Lang::En);
    // Undo one pair behind the app's back: both sides are then candidates for each other.
    rig.raw().execute("DELETE FROM pairs WHERE id = (SELECT max(id) FROM pairs)", []).unwrap();
    let (cadre, candidates): (i64, i64) = rig
        .raw()
        .query_row(
            "SELECT s.cadre_id, (SELECT count(*) FROM secondments o WHERE o.batch_id = s.batch_id
                AND o.direction <> s.direction
                AND NOT EXISTS (SELECT 1 FROM pairs p WHERE o.id IN (p.down_id, p.up_id)))
         FROM secondments s WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE s.id IN (p.down_id, p.up_id))
         ORDER BY 2 DESC, s.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(candidates > 0, "the demo has an unpaired secondment with candidates");
    assert!(rig.app.select_rec(Tab::Cadres, Rec::Cadre(cadre)));
    rig.act(Action::Redraw);
    rig.keys("m");
    let form = rig.app.form.as_ref().unwrap_or_else(|| panic!("pair form: {}", rig.status()));
    let options = form.get("partner").map(|f| f.options().len()).unwrap();
    assert_eq!(options as i64, candidates);
}

#[test]
fn tabs_that_need_every_record_say_so_and_export_points_to_the_command_line() {
    let mut rig = Rig::lean(Lang::En);
    for tab in [Tab::Pairs, Tab::Reserve, Tab::Overview, Tab::Units] {
        rig.act(Action::GoTab(tab));
        assert!(rig.app.unavailable(tab));
        let screen = screen(&mut rig.app, 100, 30);
        assert!(screen.contains("Not shown for a large database"), "{tab:?}:\n{screen}");
    }
    rig.act(Action::GoTab(Tab::Cadres));
    rig.act(Action::Export);
    assert!(rig.status().contains("guazhi export"), "{}", rig.status());
}
