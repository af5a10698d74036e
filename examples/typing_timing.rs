//! Where a keystroke's time goes at scale: the catalog's order, then the neighbourhood of the
//! first screen of results. `cargo run --release --example typing_timing -- DB`
use guazhi::app::list::Filters;
use guazhi::lang::Lang;
use guazhi::search::Query;
use guazhi::store::{Access, Store};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a database path");
    let store = Store::open(std::path::Path::new(&path), Access::ReadOnly).expect("open");
    let today = guazhi::domain::dates::parse_date("2026-11-27").unwrap();
    let t = Instant::now();
    let cats = guazhi::app::lean::build_catalogs(&store, today, Lang::Zh).expect("build");
    println!("catalogs built in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    for (name, cat) in [("cadres", &cats.cadres), ("reviews", &cats.reviews)] {
        for typed in [["z", "zh", "zha", "zhan", "zhang"], ["张", "张三", "张三", "张三", "张三"]] {
            for q in typed {
                let t = Instant::now();
                let order = cat.order(None, false, &Filters::default(), &Query::new(q));
                let ordered = t.elapsed().as_secs_f64() * 1e3;
                let ids: Vec<i64> = order.iter().take(37).filter_map(|&r| cat.cadre(r)).collect();
                let t = Instant::now();
                let data = store.neighbourhood(&ids).expect("neighbourhood");
                let read = t.elapsed().as_secs_f64() * 1e3;
                let t = Instant::now();
                let ix = guazhi::app::view::Index::new(&data);
                let lk = guazhi::app::view::Lookup { data: &data, ix: &ix, today, lang: Lang::Zh, ascii: false };
                let views = guazhi::app::view::Views::build_lean(&lk, guazhi::app::Tab::Cadres);
                let built = t.elapsed().as_secs_f64() * 1e3;
                println!(
                    "{name} {q:6} hits {:8} order {ordered:6.1} ms  neighbourhood(40) {read:5.1} ms  views {built:5.1} ms ({} rows)",
                    order.len(),
                    views.cadres.rows.len()
                );
            }
        }
    }
}
