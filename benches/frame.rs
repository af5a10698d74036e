//! The screens at scale, without a terminal: reading a large database's first screen
//! (`lean::first_screen`), drawing one frame of the Cadres tab at 120×40 on ratatui's
//! `TestBackend`, and one cursor move (the update, the window read it may need, the frame).
//! Sizes: 1,000,000 by default (see `common`).

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use guazhi::app::driver::{step, Session};
use guazhi::app::{lean, Action, App, Display};
use guazhi::lang::Lang;
use guazhi::store::{Access, Store};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;

fn today() -> chrono::NaiveDate {
    guazhi::domain::dates::parse_date("2026-11-27").unwrap()
}

fn app(store: &Store) -> App {
    let (snap, state, first) = lean::first_screen(store, today()).expect("first screen");
    let opts = Display { db_name: "bench.db".into(), ..Display::new(Lang::Zh) };
    let mut app = App::new_lean(snap, opts, state, first);
    app.take_catalog_wish();
    app.take_catalogs(lean::build_catalogs(store, today(), Lang::Zh).expect("catalogs"));
    app
}

fn frame(c: &mut Criterion) {
    for n in common::sizes(&[1_000_000]) {
        let path = common::database(n);
        let mut store = Store::open(&path, Access::ReadOnly).expect("open");
        c.bench_with_input(BenchmarkId::new("first_screen", n), &n, |b, _| {
            b.iter(|| black_box(lean::first_screen(&store, today()).expect("first screen")))
        });
        let mut app = app(&store);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let mut session = Session { store: &mut store, today: today(), drafts: None };
        step(&mut app, &mut session, Action::Redraw).expect("window");
        c.bench_with_input(BenchmarkId::new("draw_120x40", n), &n, |b, _| {
            b.iter(|| guazhi::tui::draw(&mut terminal, &mut app).expect("draw"))
        });
        let mut down = true;
        c.bench_with_input(BenchmarkId::new("cursor_move", n), &n, |b, _| {
            b.iter(|| {
                // Down and up in turn: the same rows, so each move is a plain move.
                let action = if down { Action::Down } else { Action::Up };
                down = !down;
                step(&mut app, &mut session, action).expect("move");
                guazhi::tui::draw(&mut terminal, &mut app).expect("draw")
            })
        });
    }
}

criterion_group! { name = benches; config = common::criterion(); targets = frame }
criterion_main!(benches);
