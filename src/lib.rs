//! guazhi (挂职): the two-way cadre secondment programme over one SQLite file.
//!
//! Layers, each using only those after it: `cli` (the command line) → `tui` (the terminal and
//! its loop) → `ui` (drawing) and `runner` (carries out what the app asks of the store, the
//! files and the background builds) → `app` (screen state, `update`, no I/O) → `store`
//! (SQLite; the only SQL) → `domain` (plain types and rules). Leaves any layer may use:
//! `lang`, `text`, `search`. `config` reads the settings files for `cli`.

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod draft;
pub mod interop;
pub mod lang;
pub mod runner;
pub mod sample;
pub mod search;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
