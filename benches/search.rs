//! Per-keystroke search cost: one filter pass of `guazhi::search` over every cadre's name, home
//! unit, home post, host unit and host post (five fields a row), at 1,000,000 generated cadres
//! (see `common` for sizes and the quick mode).
//!
//! Two layouts of the precomputed keys, each on one thread and split over all cores:
//! - `rows`: a `SearchKey` per field per row (5 keys a row), matched row by row;
//! - `interned`: one key per distinct text (names repeat, units and posts repeat a lot), matched
//!   once per pass into a hit table; rows then only look up their five text ids.
//!
//! A pass returns the indices of the matching rows, as a list screen needs them. `typing/*`
//! types "zhang" one letter at a time, each keystroke rescanning only the previous hits when the
//! query narrows (`Query::narrows`), as an incremental filter does.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use guazhi::search::{Query, SearchKey};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

const QUERIES: &[&str] = &["z", "zh", "zhang", "zsf", "欧阳", "市国土"];
const FIELDS: usize = 5;

/// Every cadre's five searchable texts, in id order.
fn texts(cadres: usize) -> Vec<[String; FIELDS]> {
    let path = common::database(cadres);
    let conn = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open bench database");
    let mut stmt = conn
        .prepare(
            "SELECT c.id, c.name, hu.name, c.home_post, coalesce(xu.name, ''), coalesce(s.host_post, '')
             FROM cadres c JOIN units hu ON hu.id = c.home_unit_id
             LEFT JOIN secondments s ON s.cadre_id = c.id LEFT JOIN units xu ON xu.id = s.host_unit_id
             ORDER BY c.id, s.start_date DESC",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?])))
        .expect("query");
    let mut out: Vec<[String; FIELDS]> = Vec::new();
    let mut last_id = None;
    for row in rows {
        let (id, fields) = row.expect("row");
        // One row per cadre, with their latest secondment.
        if last_id != Some(id) {
            out.push(fields);
            last_id = Some(id);
        }
    }
    out
}

struct PerRow {
    keys: Vec<[SearchKey; FIELDS]>,
}

struct Interned {
    keys: Vec<SearchKey>,
    rows: Vec<[u32; FIELDS]>,
}

fn per_row(texts: &[[String; FIELDS]]) -> PerRow {
    PerRow { keys: texts.iter().map(|t| std::array::from_fn(|i| SearchKey::new(&t[i]))).collect() }
}

fn interned(texts: &[[String; FIELDS]]) -> Interned {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut keys = Vec::new();
    let rows = texts
        .iter()
        .map(|t| {
            std::array::from_fn(|i| {
                *ids.entry(t[i].as_str()).or_insert_with(|| {
                    keys.push(SearchKey::new(&t[i]));
                    keys.len() as u32 - 1
                })
            })
        })
        .collect();
    Interned { keys, rows }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `f` over `threads` contiguous chunks of `items` and concatenates the results in order.
fn split<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(usize, &[T]) -> Vec<R> + Sync) -> Vec<R> {
    if threads <= 1 || items.len() < 2 {
        return f(0, items);
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let mut parts = items.chunks(chunk).enumerate();
        // This thread takes the first chunk itself, the others one spawned thread each.
        let (_, first) = parts.next().expect("non-empty");
        let handles: Vec<_> = parts.map(|(i, part)| s.spawn(move || f(i * chunk, part))).collect();
        let mut out = f(0, first);
        for h in handles {
            out.extend(h.join().expect("search thread"));
        }
        out
    })
}

impl PerRow {
    fn pass(&self, q: &Query, threads: usize) -> Vec<u32> {
        split(&self.keys, threads, |offset, part| {
            let hits = part.iter().enumerate().filter(|(_, keys)| keys.iter().any(|k| k.is_match(q)));
            hits.map(|(i, _)| (offset + i) as u32).collect()
        })
    }

    fn heap_bytes(&self) -> usize {
        self.keys.iter().flatten().map(|k| k.heap_bytes() + std::mem::size_of::<SearchKey>()).sum()
    }
}

impl Interned {
    /// Which distinct texts match.
    fn hits(&self, q: &Query, threads: usize) -> Vec<bool> {
        split(&self.keys, threads, |_, part| part.iter().map(|k| k.is_match(q)).collect())
    }

    fn pass(&self, q: &Query, threads: usize) -> Vec<u32> {
        let hit = self.hits(q, threads);
        split(&self.rows, threads, |offset, part| {
            let rows = part.iter().enumerate().filter(|(_, ids)| ids.iter().any(|&id| hit[id as usize]));
            rows.map(|(i, _)| (offset + i) as u32).collect()
        })
    }

    /// One keystroke of an incremental filter: only `previous` hits are rescanned.
    fn narrow(&self, q: &Query, previous: &[u32]) -> Vec<u32> {
        // 0: not yet matched, 1: no, 2: yes; each distinct text is matched at most once.
        let mut memo = vec![0u8; self.keys.len()];
        let mut is_match = |id: u32| {
            let m = &mut memo[id as usize];
            if *m == 0 {
                *m = 1 + u8::from(self.keys[id as usize].is_match(q));
            }
            *m == 2
        };
        previous.iter().copied().filter(|&r| self.rows[r as usize].iter().any(|&id| is_match(id))).collect()
    }

    fn heap_bytes(&self) -> usize {
        self.keys.iter().map(|k| k.heap_bytes() + std::mem::size_of::<SearchKey>()).sum::<usize>()
            + self.rows.len() * std::mem::size_of::<[u32; FIELDS]>()
    }
}

fn bench(c: &mut Criterion) {
    let threads = threads();
    for n in common::sizes(&[1_000_000]) {
        let texts = texts(n);
        let started = Instant::now();
        let interned = interned(&texts);
        let interned_build = started.elapsed();
        let started = Instant::now();
        let per_row = per_row(&texts);
        let per_row_build = started.elapsed();
        eprintln!(
            "{} rows ({} generated cadres + the demo): interned: {} distinct texts, built in {:.2} s, {:.1} MiB; \
             per-row: {} keys, built in {:.2} s, {:.1} MiB",
            texts.len(),
            n,
            interned.keys.len(),
            interned_build.as_secs_f64(),
            interned.heap_bytes() as f64 / 1048576.0,
            per_row.keys.len() * FIELDS,
            per_row_build.as_secs_f64(),
            per_row.heap_bytes() as f64 / 1048576.0,
        );
        drop(texts);
        for q in QUERIES {
            let query = Query::new(q);
            let hits = interned.pass(&query, 1);
            assert_eq!(hits, per_row.pass(&query, threads), "layouts agree on {q}");
            // Where an interned pass spends its time: matching the distinct texts, then the rows.
            let best = |f: &dyn Fn()| {
                (0..5)
                    .map(|_| {
                        let t = Instant::now();
                        f();
                        t.elapsed().as_secs_f64() * 1000.0
                    })
                    .fold(f64::MAX, f64::min)
            };
            let texts_ms = best(&|| drop(black_box(interned.hits(&query, 1))));
            let pass_ms = best(&|| drop(black_box(interned.pass(&query, 1))));
            eprintln!(
                "  {q:>6}: {:>7} matching rows; interned pass {pass_ms:.1} ms = texts {texts_ms:.1} ms + rows {:.1} ms",
                hits.len(),
                pass_ms - texts_ms
            );
        }
        let mut group = c.benchmark_group(format!("search/{}", common::label(n)));
        for q in QUERIES {
            let query = Query::new(q);
            group.bench_with_input(BenchmarkId::new("interned-1thread", q), &query, |b, query| {
                b.iter(|| black_box(interned.pass(query, 1)))
            });
            group.bench_with_input(BenchmarkId::new(format!("interned-{threads}threads"), q), &query, |b, query| {
                b.iter(|| black_box(interned.pass(query, threads)))
            });
            group.bench_with_input(BenchmarkId::new("rows-1thread", q), &query, |b, query| {
                b.iter(|| black_box(per_row.pass(query, 1)))
            });
            group.bench_with_input(BenchmarkId::new(format!("rows-{threads}threads"), q), &query, |b, query| {
                b.iter(|| black_box(per_row.pass(query, threads)))
            });
        }
        group.finish();
        let mut group = c.benchmark_group(format!("typing/{}", common::label(n)));
        let steps: Vec<Query> = (1..="zhang".len()).map(|i| Query::new(&"zhang"[..i])).collect();
        group.bench_function("zhang-5-keystrokes-narrowing", |b| {
            b.iter(|| {
                let mut hits = interned.pass(&steps[0], threads);
                for (previous, q) in steps.iter().zip(&steps[1..]) {
                    assert!(q.narrows(previous));
                    hits = interned.narrow(q, &hits);
                }
                black_box(hits)
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = bench
}
criterion_main!(benches);
