//! The Cadres tab's catalog (`CadreCatalog`) at 1,000,000 generated cadres (see `common` for
//! sizes and the quick mode): its build (time, heap bytes, the process's peak memory), and
//! `order` per keystroke while "zhang" and "张三" are typed one character at a time (each
//! keystroke narrows the last one, as in the search box), with no sort and sorted by name, and
//! `order` with an empty query.
//!
//! A keystroke's time is `order` right after `order` for the text before it (untimed), so the
//! catalog's search caches hold what they hold while typing. The first keystroke follows an
//! unrelated query, so it searches every row. Before criterion's runs, a summary on stderr gives
//! the first build's time and memory and, per keystroke, the median of 7 runs in wall-clock and
//! CPU time (all threads: steadier than the wall clock when other work shares the machine).

mod common;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use guazhi::app::catalog::cadres::CadreCatalog;
use guazhi::app::catalog::handover::{Built, Shown};
use guazhi::app::catalog::{Ask, Catalog};
use guazhi::app::list::Filters;
use guazhi::lang::Lang;
use guazhi::runner::lists::build_all;
use guazhi::search::Query;
use guazhi::store::{Access, Store};
use std::hint::black_box;
use std::time::{Duration, Instant};

const TYPED: &[&str] = &["zhang", "张三"];
const NAME: usize = 0;

fn today() -> chrono::NaiveDate {
    guazhi::domain::dates::parse_date("2026-11-27").unwrap()
}

/// `VmHWM` (peak resident memory) and `VmRSS` of this process, in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// CPU time of the whole process (every thread), in ms: under a loaded machine, a steadier
/// measure of the work than the wall clock.
fn cpu_ms() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// The cadres' catalog of `store`, as the background build hands it over.
fn build_cadres(store: &Store) -> CadreCatalog {
    let shown = Shown { today: today(), lang: Lang::Zh, ascii: false };
    let mut cadres = None;
    build_all(store, shown, |h| match h.built {
        Built::Cadres(c) => {
            cadres = Some(*c);
            false
        }
        _ => true,
    })
    .expect("build");
    cadres.expect("the cadres' catalog")
}

fn order(cat: &CadreCatalog, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> usize {
    cat.order(&Ask { sort, reverse, filters, query }).len()
}

/// The keystrokes of `word`: its prefixes, one character longer each.
fn keystrokes(word: &str) -> Vec<String> {
    word.char_indices().map(|(i, c)| word[..i + c.len_utf8()].to_string()).collect()
}

fn bench(c: &mut Criterion) {
    for n in common::sizes(&[1_000_000]) {
        let path = common::database(n);
        let label = common::label(n);
        // Opened as the app opens it (`SQLITE_OPEN_NO_MUTEX`, its pragmas).
        let store = Store::open(&path, Access::ReadOnly).expect("open bench database");

        // The first build, measured on its own: time and the process's memory around it.
        let (_, rss_before) = memory();
        let (started, cpu) = (Instant::now(), cpu_ms());
        let cat = build_cadres(&store);
        let (build, cpu) = (started.elapsed(), cpu_ms() - cpu);
        let (peak, rss_after) = memory();
        eprintln!(
            "{label}: {} rows built in {:.2} s (cpu {:.2} s); catalog {:.1} MiB on the heap; \
             process RSS {:.0} -> {:.0} MiB, peak {:.0} MiB",
            cat.len(),
            build.as_secs_f64(),
            cpu / 1000.0,
            cat.heap_bytes() as f64 / 1048576.0,
            rss_before,
            rss_after,
            peak,
        );

        let f = Filters::default();
        let unrelated = Query::new("qq-no-match");
        // Warm: both sorts' permutations, the search tables.
        for sort in [None, Some(NAME)] {
            black_box(order(&cat, sort, false, &f, &Query::new("")));
            black_box(order(&cat, sort, false, &f, &Query::new("z")));
        }
        for word in TYPED {
            let keys = keystrokes(word);
            for sort in [None, Some(NAME)] {
                let mut line = format!("  {word} sort {sort:?}:");
                for (k, key) in keys.iter().enumerate() {
                    let q = Query::new(key);
                    let before = if k == 0 { unrelated.clone() } else { Query::new(&keys[k - 1]) };
                    let mut runs: Vec<(f64, f64, usize)> = (0..7)
                        .map(|_| {
                            order(&cat, sort, false, &f, &before);
                            let (t, cpu) = (Instant::now(), cpu_ms());
                            let rows = order(&cat, sort, false, &f, &q);
                            (t.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu, rows)
                        })
                        .collect();
                    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let (wall, cpu, rows) = runs[runs.len() / 2];
                    line += &format!(" {key} {wall:.1} ms (cpu {cpu:.1}; {rows} rows);");
                }
                eprintln!("{line}");
            }
        }
        eprintln!(
            "  catalog with two sorted permutations and a search cached: {:.1} MiB",
            cat.heap_bytes() as f64 / 1048576.0
        );

        let mut group = c.benchmark_group(format!("catalog/{label}"));
        if !common::quick() {
            group.sample_size(20).measurement_time(Duration::from_secs(4));
        }
        for word in TYPED {
            let keys = keystrokes(word);
            for (sort, sort_name) in [(None, "unsorted"), (Some(NAME), "by-name")] {
                for (k, key) in keys.iter().enumerate() {
                    let q = Query::new(key);
                    let before = if k == 0 { unrelated.clone() } else { Query::new(&keys[k - 1]) };
                    group.bench_function(format!("type-{word}/{sort_name}/{key}"), |b| {
                        b.iter_batched(
                            || {
                                order(&cat, sort, false, &f, &before);
                            },
                            |()| order(&cat, sort, false, &f, &q),
                            BatchSize::PerIteration,
                        )
                    });
                }
            }
        }
        let empty = Query::new("");
        for (sort, sort_name) in [(None, "unsorted"), (Some(NAME), "by-name")] {
            group.bench_function(format!("empty-query/{sort_name}"), |b| {
                b.iter(|| order(&cat, sort, false, &f, &empty))
            });
        }
        group.bench_function("empty-query/by-name-reversed", |b| b.iter(|| order(&cat, Some(NAME), true, &f, &empty)));
        // A column sorted for the first time: three columns in turn, more than the catalog keeps.
        group.bench_function("empty-query/first-sort-of-a-column", |b| {
            let mut col = 0;
            b.iter(|| {
                col = (col + 4) % 12;
                order(&cat, Some(col), false, &f, &empty)
            })
        });
        group.finish();

        let mut group = c.benchmark_group(format!("catalog-build/{label}"));
        group.sample_size(10);
        if !common::quick() {
            group.measurement_time(Duration::from_secs(30));
        }
        drop(cat);
        group.bench_function("build", |b| b.iter(|| build_cadres(&store)));
        group.finish();
    }
}

fn config() -> Criterion {
    common::criterion()
}

criterion_group! { name = benches; config = config(); targets = bench }
criterion_main!(benches);
