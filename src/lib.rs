//! guazhi (挂职): the two-way cadre secondment programme over one SQLite file.
//!
//! Layers: `domain` (plain types and rules, no SQL, no terminal), `store` (SQLite),
//! `cli` (the non-interactive commands).

pub mod cli;
pub mod domain;
pub mod search;
pub mod sample;
pub mod store;
pub mod text;
