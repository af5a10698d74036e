//! How long `Store::neighbourhood` takes for a screenful of cadres, and `attention_counts`:
//! `cargo run --release --example neighbourhood_timing -- DB [RUNS]` opens DB read-only and
//! prints the median and the slowest of RUNS (default 20) runs of each, in milliseconds, and
//! the median CPU time (what the wall clock shows on a machine busy with other work): 120
//! consecutive cadre ids (a fresh window each run), 120 random ones, and the header counts
//! (next to `attention`, whose rows the counts used to be counted from).

use guazhi::domain::Id;
use guazhi::store::{Access, Store};
use std::time::Instant;

const SCREEN: usize = 120;

/// Median and maximum, in milliseconds.
fn summary(ms: &[f64]) -> (f64, f64) {
    let mut ms = ms.to_vec();
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1])
}

/// This thread's CPU time (user and system) in milliseconds: unlike the wall clock, it does
/// not count the time the thread waited for a CPU on a busy machine.
fn cpu_ms() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill in.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
}

/// Runs `f` and records its wall-clock and CPU milliseconds.
fn time<T>(times: &mut Times, f: impl FnOnce() -> T) -> T {
    let (started, cpu) = (Instant::now(), cpu_ms());
    let value = f();
    times.cpu.push(cpu_ms() - cpu);
    times.wall.push(started.elapsed().as_secs_f64() * 1000.0);
    value
}

#[derive(Default)]
struct Times {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: neighbourhood_timing DB [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20).max(1);
    let store = Store::open(path.as_ref(), Access::ReadOnly).expect("open database");
    let (lo, hi): (Id, Id) = store
        .connection()
        .query_row("SELECT min(id), max(id) FROM cadres", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("cadre ids");
    println!("{path}: cadre ids {lo}..={hi}, {runs} runs of each");

    // A xorshift generator with a fixed seed: the same "random" ids on every run of the example.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        lo + (seed % (hi - lo + 1) as u64) as Id
    };

    let mut sizes = Vec::new();
    let mut consecutive = Times::default();
    for _ in 0..runs {
        let first = random().min(hi - SCREEN as Id + 1).max(lo);
        let ids: Vec<Id> = (first..first + SCREEN as Id).collect();
        let data = time(&mut consecutive, || store.neighbourhood(&ids).expect("neighbourhood"));
        sizes.push((data.cadres.len(), data.secondments.len(), data.reviews.len()));
    }
    let mut scattered = Times::default();
    for _ in 0..runs {
        let ids: Vec<Id> = (0..SCREEN).map(|_| random()).collect();
        let data = time(&mut scattered, || store.neighbourhood(&ids).expect("neighbourhood"));
        sizes.push((data.cadres.len(), data.secondments.len(), data.reviews.len()));
    }
    let today = guazhi::domain::dates::parse_date(guazhi::sample::AS_OF).expect("AS_OF is a date");
    let mut counts = Times::default();
    let mut last = [0; 3];
    for _ in 0..runs {
        last = time(&mut counts, || store.attention_counts(today).expect("attention counts"));
    }
    // What `attention_counts` used to do: build every attention row, and count them.
    let mut rows = Times::default();
    for _ in 0..runs {
        time(&mut rows, || store.attention(today).expect("attention").len());
    }
    let (c, r, s) = sizes.iter().fold((0, 0, 0), |a, x| (a.0 + x.0, a.1 + x.1, a.2 + x.2));
    let n = sizes.len();
    println!("loaded per call on average: {} cadres, {} secondments, {} reviews", c / n, r / n, s / n);
    for (what, times) in [
        ("neighbourhood, 120 consecutive cadres", consecutive),
        ("neighbourhood, 120 random cadres", scattered),
        ("attention_counts", counts),
        ("attention (the rows; for comparison)", rows),
    ] {
        let (median, max) = summary(&times.wall);
        let (cpu, _) = summary(&times.cpu);
        println!("{what:38} median {median:7.2} ms  max {max:7.2} ms  (CPU median {cpu:6.2} ms)");
    }
    println!("attention counts on {}: overdue, due today, due soon = {last:?}", guazhi::sample::AS_OF);
}
