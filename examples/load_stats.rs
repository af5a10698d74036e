//! How long `Store::load()` takes and how much memory it needs (the screens load everything
//! with it today): `cargo run --release --example load_stats -- DB [RUNS]` prints one JSON line
//! with the row counts, each run's seconds, and the process's resident memory before and after
//! (`VmRSS`) and at its peak (`VmHWM`), from /proc/self/status.

use guazhi::store::{Access, Store};
use std::time::Instant;

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: load_stats DB [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let store = Store::open(path.as_ref(), Access::ReadOnly).expect("open database");
    let rss_before = status_kb("VmRSS:");
    let mut seconds = Vec::new();
    let mut counts = serde_json::Value::Null;
    let mut rss_loaded = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let data = store.load().expect("load");
        seconds.push((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0);
        rss_loaded = status_kb("VmRSS:");
        counts = serde_json::json!({
            "cadres": data.cadres.len(),
            "secondments": data.secondments.len(),
            "reviews": data.reviews.len(),
            "pairs": data.pairs.len(),
            "vettings": data.vettings.len(),
            "evaluations": data.evaluations.len(),
            "nominations": data.nominations.len(),
        });
        drop(data);
    }
    let out = serde_json::json!({
        "db": path,
        "db_bytes": std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
        "rows": counts,
        "load_seconds": seconds,
        "rss_before_mb": rss_before / 1024,
        "rss_loaded_mb": rss_loaded / 1024,
        "peak_rss_mb": status_kb("VmHWM:") / 1024,
    });
    println!("{out}");
}
