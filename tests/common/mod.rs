//! Shared test fixtures: demo databases in temporary folders.
#![allow(dead_code)]

use guazhi::store::{Access, Store};
use std::path::{Path, PathBuf};

/// A fresh demo database (the same content as the committed sample.db) in `dir`.
pub fn demo_db(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    guazhi::sample::generate(Store::init(&path).expect("init"), 0).expect("sample");
    path
}

pub fn open(path: &Path) -> Store {
    Store::open(path, Access::Auto).expect("open")
}

pub fn date(s: &str) -> chrono::NaiveDate {
    guazhi::domain::dates::parse_date(s).unwrap()
}

/// A raw connection that bypasses the program, like a colleague's sqlite3 shell.
pub fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw open")
}
