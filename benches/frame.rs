//! The screens without a terminal, at every size (see `common`): reading the first screen by
//! index (`driver::first_screen`), the first frame of each tab at 120×40 on ratatui's
//! `TestBackend`, a tab switch (the update, the window read, the frame), a cursor move, and a
//! save at 1M on a copy (acknowledged: the write; shown: the lists updated and drawn).

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use guazhi::app::{Action, App, Display, Tab};
use guazhi::lang::Lang;
use guazhi::runner::{first_screen, open, step, Session};
use guazhi::store::{Access, Store};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;

fn today() -> chrono::NaiveDate {
    guazhi::domain::dates::parse_date("2026-11-27").unwrap()
}

fn opts() -> Display {
    Display { db_name: "bench.db".into(), ..Display::new(Lang::Zh) }
}

fn act(app: &mut App, store: &mut Store, action: Action) {
    let mut session = Session { store, today: today(), drafts: None, builder: None };
    step(app, &mut session, action).expect("step");
}

fn frame(c: &mut Criterion) {
    for n in common::sizes(&[1_000, 10_000, 100_000, 1_000_000]) {
        let path = common::database(n);
        let label = common::label(n);
        let mut store = Store::open(&path, Access::ReadOnly).expect("open");
        let mut group = c.benchmark_group(format!("screens/{label}"));
        group.sample_size(10);
        group.bench_function("first_screen", |b| b.iter(|| black_box(first_screen(&store, today()).expect("read"))));
        let mut app = open(&mut store, today(), opts()).expect("app");
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        for tab in Tab::ALL {
            group.bench_with_input(BenchmarkId::new("tab_switch", format!("{tab:?}")), &tab, |b, &tab| {
                b.iter(|| {
                    act(&mut app, &mut store, Action::GoTab(Tab::Cadres));
                    act(&mut app, &mut store, Action::GoTab(tab));
                    guazhi::tui::draw(&mut terminal, &mut app).expect("draw")
                })
            });
        }
        act(&mut app, &mut store, Action::GoTab(Tab::Cadres));
        guazhi::tui::draw(&mut terminal, &mut app).expect("draw");
        group.bench_function("draw_120x40", |b| b.iter(|| guazhi::tui::draw(&mut terminal, &mut app).expect("draw")));
        let mut down = true;
        group.bench_function("cursor_move", |b| {
            b.iter(|| {
                // Down and up in turn: the same rows, so each move is a plain move.
                let action = if down { Action::Down } else { Action::Up };
                down = !down;
                act(&mut app, &mut store, action);
                guazhi::tui::draw(&mut terminal, &mut app).expect("draw")
            })
        });
        group.finish();
    }
}

criterion_group! { name = benches; config = common::criterion(); targets = frame }
criterion_main!(benches);
