//! How many times the loops run, a seeded random generator (the same seed makes the same keys,
//! rows and kill delays), and the figures printed for the docs.

use std::time::Duration;

/// The counts of one run. Small by default so that `cargo test` stays fast on CI;
/// `GUAZHI_LOOPS=full` gives the counts of issues 4 and 6; each can be set on its own.
#[derive(Debug, Clone)]
pub struct Counts {
    pub full: bool,
    /// Saves in the two-process alternating loop (issue 4: 200).
    pub alternating: usize,
    /// Processes in the many-writers loop (issue 6: 4).
    pub processes: usize,
    /// Saves per process in the many-writers loop (issue 6: 1,000).
    pub edits: usize,
    /// `kill -9` iterations (issue 4: 100, issue 6: 1,000).
    pub kills: usize,
    /// Times a colleague's shell holds the write lock past the busy timeout during the
    /// many-writers loop (so that every writer meets "busy" and must retry).
    pub locks: usize,
    pub seed: u64,
}

impl Counts {
    pub fn from_env() -> Counts {
        let full = matches!(std::env::var("GUAZHI_LOOPS").as_deref(), Ok("full"));
        let get = |key: &str, small: usize, big: usize| {
            std::env::var(key)
                .ok()
                .map(|v| v.parse().unwrap_or_else(|_| panic!("{key}={v:?} is not a number")))
                .unwrap_or(if full { big } else { small })
        };
        Counts {
            full,
            alternating: get("GUAZHI_LOOPS_ALTERNATING", 20, 200),
            processes: get("GUAZHI_LOOPS_PROCESSES", 4, 4),
            edits: get("GUAZHI_LOOPS_EDITS", 25, 1000),
            kills: get("GUAZHI_LOOPS_KILLS", 20, 1000),
            locks: get("GUAZHI_LOOPS_LOCKS", 1, 5),
            seed: std::env::var("GUAZHI_LOOPS_SEED")
                .ok()
                .map(|v| v.parse().unwrap_or_else(|_| panic!("GUAZHI_LOOPS_SEED={v:?} is not a number")))
                .unwrap_or(20_261_127),
        }
    }
}

/// SplitMix64: small, fast, and the same sequence on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator of its own for `stream` (one per process or loop), from the run's seed.
    pub fn fork(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0 ≤ n < `bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        assert!(bound > 0);
        (self.next_u64() % bound as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// Latencies (key sent → outcome on screen), for the figures.
#[derive(Debug, Default, Clone)]
pub struct Latencies(pub Vec<Duration>);

impl Latencies {
    pub fn add(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: &Latencies) {
        self.0.extend_from_slice(&other.0);
    }

    /// "p50=… p99=… max=…" in milliseconds.
    pub fn summary(&self) -> String {
        if self.0.is_empty() {
            return "p50=- p99=- max=-".into();
        }
        let mut v = self.0.clone();
        v.sort();
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
        format!("p50={:.0}ms p99={:.0}ms max={:.0}ms", at(0.5), at(0.99), at(1.0))
    }
}

/// Prints one line of figures (visible with `--nocapture`), e.g.
/// `[loops] kill -9: kills=1000 acknowledged=2310 lost=0 corrupt=0 wall=812.4s`.
pub fn report(test: &str, figures: &[(&str, String)]) {
    let body: Vec<String> = figures.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("[loops] {test}: {}", body.join(" "));
}

/// Machine and build, printed once per test so the figures can be quoted with them.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    format!("cores={cores} build={profile}")
}
