//! The Cadres tab opens on the people being served now (issue 13): serving, newest batch
//! first, then the planned ones, then the rest; `f` chooses serving / planned / completed;
//! `!` opens the overdue reviews from any tab, and the header says so.

use crate::edit_support::{today, Rig};
use guazhi::app::list::StatusFilter;
use guazhi::app::popup::Popup;
use guazhi::app::Tab;
use guazhi::domain::review::ReviewStatus;
use guazhi::lang::Lang;
use guazhi::store::Access;
use ratatui::crossterm::event::KeyCode::{Down, Enter};

/// The cadres a list shows, in order.
fn shown(rig: &Rig, tab: Tab) -> Vec<i64> {
    let list = &rig.app.lists[tab.index()];
    let cat = rig.app.catalogs.get(tab).expect("the list is built");
    (0..list.visible.len()).map(|i| cat.cadre(list.visible.get(i).unwrap()).unwrap()).collect()
}

/// Each cadre's phase rank as plain SQL: 0 serving, 1 planned, 2 completed, 3 no term.
fn rank(rig: &Rig, cadre: i64) -> i64 {
    let t = today();
    rig.one(&format!(
        "SELECT CASE
           WHEN EXISTS (SELECT 1 FROM secondments WHERE cadre_id = {cadre} AND start_date <= '{t}'
                        AND coalesce(actual_end, planned_end) >= '{t}') THEN 0
           WHEN EXISTS (SELECT 1 FROM secondments WHERE cadre_id = {cadre} AND start_date > '{t}') THEN 1
           WHEN EXISTS (SELECT 1 FROM secondments WHERE cadre_id = {cadre}) THEN 2 ELSE 3 END"
    ))
}

#[test]
fn the_cadres_tab_opens_on_the_people_serving_now() {
    let rig = Rig::new();
    let ids = shown(&rig, Tab::Cadres);
    assert_eq!(ids.len() as i64, rig.count("SELECT count(*) FROM cadres WHERE archived = 0"));
    let ranks: Vec<i64> = ids.iter().map(|&c| rank(&rig, c)).collect();
    assert_eq!(ranks[0], 0, "the first row serves now");
    let served = ranks.iter().filter(|&&r| r == 0).count();
    assert!(served >= 5 && served < ids.len(), "{ranks:?}");
    // Serving, then planned, then the rest: never a lower rank after a higher one.
    let phases: Vec<i64> = ranks.iter().map(|&r| r.min(2)).collect();
    assert!(phases.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // Among the serving, the newest batch first.
    let dispatch = |c: i64| -> String {
        rig.one(&format!(
            "SELECT b.dispatch_date FROM secondments s JOIN batches b ON b.id = s.batch_id
             WHERE s.cadre_id = {c} AND s.start_date <= '{t}' AND coalesce(s.actual_end, s.planned_end) >= '{t}'
             ORDER BY s.start_date DESC LIMIT 1",
            t = today()
        ))
    };
    let days: Vec<String> = ids[..served].iter().map(|&c| dispatch(c)).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
    // What the first screen reads by index before the catalog is this order.
    assert_eq!(rig.store.first_cadres(today(), 400).unwrap(), ids);
}

#[test]
fn f_chooses_serving_planned_or_completed() {
    let mut rig = Rig::with(Lang::Zh, Access::Auto);
    let all = shown(&rig, Tab::Cadres);
    rig.keys("f");
    assert!(matches!(rig.app.popup, Some(Popup::Choose(_))));
    for (downs, want) in [(1, 0), (3, 2)] {
        if rig.app.popup.is_none() {
            rig.keys("f");
        }
        for _ in 0..downs {
            rig.key(Down);
        }
        rig.key(Enter);
        let ids = shown(&rig, Tab::Cadres);
        let expected: Vec<i64> = all.iter().copied().filter(|&c| rank(&rig, c) == want).collect();
        assert!(!expected.is_empty());
        assert_eq!(ids, expected, "rank {want}");
    }
    let screen = rig.screen(80, 24);
    assert!(screen.contains("[期满]"), "{screen}");
    rig.keys("x");
    assert_eq!(shown(&rig, Tab::Cadres), all, "x clears the filter");
}

#[test]
fn bang_opens_the_overdue_reviews_from_any_tab() {
    let mut rig = Rig::new();
    let overdue = rig.count(&format!(
        "SELECT count(*) FROM reviews WHERE done_date IS NULL AND cancelled = 0 AND due_date < '{}'",
        today()
    ));
    assert!(overdue > 0);
    let header = rig.screen(80, 24).lines().next().unwrap().to_string();
    assert!(header.contains(&format!("! {overdue} overdue")), "the header names the key: {header}");
    for start in ["6", "1\r"] {
        rig.keys(start);
        rig.keys("!");
        assert_eq!(rig.app.tab, Tab::Reviews);
        assert_eq!(rig.app.list().filters.status, StatusFilter::Only(ReviewStatus::Overdue));
        assert_eq!(rig.app.lists[Tab::Reviews.index()].visible.len() as i64, overdue, "from {start:?}");
    }
}
