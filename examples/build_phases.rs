//! Times each phase of building the lists on a database: `cargo run --release --example
//! build_phases -- DB`. One line per phase: wall time and the process's resident memory. With
//! `STOP_AFTER_CADRES` set in the environment it stops once the cadres are searchable.

use guazhi::app::catalog::handover::{Built, Shown};
use guazhi::lang::Lang;
use guazhi::runner::lists::build_all;
use guazhi::store::{Access, Store};
use std::time::Instant;

fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Resident memory now and at its peak so far.
fn rss_mb() -> String {
    format!("{:.0} (peak {:.0})", status_mb("VmRSS:"), status_mb("VmHWM:"))
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: build_phases DB");
    let store = Store::open(path.as_ref(), Access::ReadOnly).expect("open");
    let today = guazhi::domain::dates::parse_date("2026-11-27").unwrap();
    let shown = Shown { today, lang: Lang::Zh, ascii: false };
    let t = Instant::now();
    build_all(&store, shown, |h| {
        let mb = |b: usize| b as f64 / 1048576.0;
        let what = match &h.built {
            Built::Cadres(c) => format!("cadres ({:.0} MB)", mb(c.heap_bytes())),
            Built::CadreRules(_) => "cadre rules".into(),
            Built::Pairs(c) => format!("pairs ({:.0} MB)", mb(c.heap_bytes())),
            Built::Reserve(c) => format!("reserve ({:.0} MB)", mb(c.heap_bytes())),
            Built::ReserveFirst(_) => "reserve's first rows".into(),
            Built::Reviews(c) => format!("reviews ({:.0} MB)", mb(c.heap_bytes())),
            Built::Overview(_) => "overview".into(),
            Built::Units(_) => "units".into(),
            Built::Invalid(_) => "invalid".into(),
        };
        println!("  {what} at {:.2} s, rss {} MB", t.elapsed().as_secs_f64(), rss_mb());
        !(std::env::var_os("STOP_AFTER_CADRES").is_some() && what.starts_with("cadres"))
    })
    .expect("build");
}
