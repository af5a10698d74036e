//! guazhi (挂职): the two-way cadre secondment programme over one SQLite file.
//!
//! Layers: `domain` (plain types and rules, no SQL, no terminal), `store` (SQLite),
//! `cli` (the non-interactive commands), `app` (screen state and `update`), `ui` (drawing),
//! `tui` (the terminal and the event loop).

pub mod app;
pub mod cli;
pub mod domain;
pub mod draft;
pub mod interop;
pub mod lang;
pub mod sample;
pub mod search;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
