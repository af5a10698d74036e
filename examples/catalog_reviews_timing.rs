//! The Reviews tab's catalog on a large database: build time, heap bytes and `order` per
//! keystroke. `cargo run --release --example catalog_reviews_timing -- DB [RUNS] [TODAY]`
//! (default 7 runs, today 2026-11-27); medians of the runs, in milliseconds.

use guazhi::app::catalog::reviews::ReviewCatalog;
use guazhi::app::catalog::Catalog;
use guazhi::app::list::Filters;
use guazhi::app::StatusFilter;
use guazhi::domain::review::ReviewStatus;
use guazhi::lang::Lang;
use guazhi::search::Query;
use guazhi::store::{Access, Store};
use std::time::Instant;

const NAME: usize = 2;

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: catalog_reviews_timing DB [RUNS] [TODAY]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(7).max(1);
    let today = guazhi::domain::dates::parse_date(&args.next().unwrap_or("2026-11-27".into())).expect("today");
    let store = Store::open(path.as_ref(), Access::ReadOnly).expect("open database");
    let rss_before = status_kb("VmRSS:");

    let mut build = Vec::new();
    let mut cat = None;
    for _ in 0..runs.min(3) {
        drop(cat.take());
        let started = Instant::now();
        cat = Some(ReviewCatalog::build(store.connection(), today, Lang::Zh).expect("build"));
        build.push(ms(started));
    }
    let cat = cat.unwrap();
    let rss_built = status_kb("VmRSS:");
    let heap_built = cat.heap_bytes();
    println!("pending reviews: {}", cat.len());
    println!(
        "build: median {:.0} ms of {:?}",
        median(build.clone()),
        build.iter().map(|b| b.round()).collect::<Vec<_>>()
    );
    println!("heap after build: {:.1} MB", heap_built as f64 / 1e6);

    let pending = Filters::default();
    let empty = Query::new("");
    // Sorting a column the first time (then kept).
    for col in 0..12 {
        let started = Instant::now();
        let n = cat.order(Some(col), false, &pending, &empty).len();
        println!("first sort by column {col}: {:.1} ms ({n} rows)", ms(started));
    }
    println!("heap with every column sorted: {:.1} MB", cat.heap_bytes() as f64 / 1e6);

    let typed = ["z", "zh", "zha", "zhan", "zhang"];
    for (label, sort) in [("no sort", None), ("sort by name", Some(NAME))] {
        for (fname, filters) in [
            ("pending", pending.clone()),
            ("overdue", Filters { status: StatusFilter::Only(ReviewStatus::Overdue), ..Filters::default() }),
        ] {
            let mut times: Vec<Vec<f64>> = vec![Vec::new(); typed.len() + 3];
            let mut counts = vec![0; typed.len() + 3];
            for _ in 0..runs {
                // An empty query first, then "zhang" letter by letter, then 张 from scratch.
                let mut steps: Vec<&str> = vec![""];
                steps.extend(typed);
                steps.push("");
                steps.push("张");
                for (i, q) in steps.iter().enumerate() {
                    let query = Query::new(q);
                    let started = Instant::now();
                    counts[i] = cat.order(sort, false, &filters, &query).len();
                    times[i].push(ms(started));
                }
            }
            let mut steps: Vec<&str> = vec!["''"];
            steps.extend(typed);
            steps.push("''");
            steps.push("张");
            let cells: Vec<String> = steps
                .iter()
                .zip(&times)
                .zip(&counts)
                .map(|((q, t), n)| format!("{q} {:.2} ms ({n})", median(t.clone())))
                .collect();
            println!("{label}, {fname}: {}", cells.join(" | "));
        }
    }
    let reversed = (0..runs)
        .map(|_| {
            let started = Instant::now();
            cat.order(Some(NAME), true, &pending, &Query::new("zhang"));
            ms(started)
        })
        .collect();
    println!("sort by name reversed, 'zhang' again: {:.2} ms", median(reversed));
    println!(
        "RSS: before {} MB, after build {} MB, now {} MB, peak {} MB",
        rss_before / 1024,
        rss_built / 1024,
        status_kb("VmRSS:") / 1024,
        status_kb("VmHWM:") / 1024
    );
}
