//! The overdue / due-today / due-soon query (`Store::attention`, what the overdue report and the
//! header use) and its counts, on generated databases of 100,000 and 1,000,000 cadres (see
//! `common` for sizes and the quick mode), on 2026-11-27, the day the generator writes for.
//! `load` (the whole programme into memory) runs only up to 100,000 cadres: at a million it
//! takes seconds and gigabytes (`cargo run --release --example load_stats` measures it).

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use guazhi::store::{Access, Store};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let today = guazhi::domain::dates::parse_date(guazhi::sample::AS_OF).expect("AS_OF is a date");
    for n in common::sizes(&[100_000, 1_000_000]) {
        let path = common::database(n);
        let store = Store::open(&path, Access::ReadOnly).expect("open bench database");
        let rows = store.attention(today).expect("attention");
        let counts = store.attention_counts(today).expect("attention counts");
        eprintln!("{n} cadres: {} rows need attention (overdue, due today, due soon: {counts:?})", rows.len());
        let mut group = c.benchmark_group(format!("queries/{}", common::label(n)));
        group.bench_function("attention", |b| b.iter(|| black_box(store.attention(today).expect("attention"))));
        group.bench_function("attention_counts", |b| {
            b.iter(|| black_box(store.attention_counts(today).expect("attention counts")))
        });
        if n <= 100_000 {
            group.sample_size(10);
            group.bench_function("load", |b| b.iter(|| black_box(store.load().expect("load"))));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = bench
}
criterion_main!(benches);
