//! What the benches share: generated databases cached under `target/bench-data/`, the sizes to
//! run, and the quick mode for CI.
//!
//! - `GUAZHI_BENCH_QUICK=1`: one small database (10,000 generated cadres) and criterion's
//!   shortest settings (0.1 s warm-up, 0.2 s measurement, 10 samples), so CI compiles and runs
//!   every bench once in seconds.
//! - `GUAZHI_BENCH_SIZES=100000,1000000`: which generated sizes to run (default per bench).
//!
//! A database missing from `target/bench-data/` is generated there first (`guazhi sample
//! --cadres N`: about 10 s for 100,000 and 2.5 min for 1,000,000 on 2 cores). Delete the folder
//! after changing the generator.
#![allow(dead_code)]

use criterion::Criterion;
use guazhi::store::{schema::LATEST_VERSION, Store};
use std::path::PathBuf;
use std::time::Duration;

pub fn quick() -> bool {
    std::env::var("GUAZHI_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Generated sizes to run: 10,000 in quick mode, else `GUAZHI_BENCH_SIZES` or `default`.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    if quick() {
        return vec![10_000];
    }
    match std::env::var("GUAZHI_BENCH_SIZES") {
        Ok(list) => list.split(',').filter_map(|s| s.trim().replace('_', "").parse().ok()).collect(),
        Err(_) => default.to_vec(),
    }
}

/// Criterion settings: the shortest in quick mode; command-line options still apply.
pub fn criterion() -> Criterion {
    let c = Criterion::default();
    let c = if quick() {
        c.warm_up_time(Duration::from_millis(100)).measurement_time(Duration::from_millis(200)).sample_size(10)
    } else {
        c
    };
    c.configure_from_args()
}

fn data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// The demo roster plus `cadres` generated cadres, generated on first use.
pub fn database(cadres: usize) -> PathBuf {
    let dir = data_dir();
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    let path = dir.join(format!("guazhi-{cadres}-v{LATEST_VERSION}.db"));
    if !path.exists() {
        let partial = dir.join(format!("guazhi-{cadres}-v{LATEST_VERSION}.db.partial"));
        let _ = std::fs::remove_file(&partial);
        eprintln!("generating {} ({cadres} cadres)…", path.display());
        let started = std::time::Instant::now();
        guazhi::sample::generate(Store::init(&partial).expect("init bench database"), cadres)
            .expect("generate bench database");
        std::fs::rename(&partial, &path).expect("move bench database into place");
        eprintln!("generated in {:.1} s", started.elapsed().as_secs_f64());
    }
    path
}

/// Human size label: 10k, 100k, 1M.
pub fn label(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}
