//! Shared test fixtures: demo databases in temporary folders.
#![allow(dead_code)]

use guazhi::store::{Access, Store};
use std::ffi::OsString;
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

/// How to run a command as an account that cannot write the test's files: `nobody` via
/// `setpriv` when root, else the current user; `None` (the test is skipped) when root has
/// no `setpriv`, or `nobody` cannot run the binary.
pub fn as_other_user() -> Option<Vec<OsString>> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Some(Vec::new());
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).exists())?;
    let via: Vec<OsString> =
        [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"].into_iter().map(OsString::from).collect();
    // `nobody` must be able to run the binary where it was built (not under a 0700 home).
    let runs = std::process::Command::new(&via[0])
        .args(&via[1..])
        .arg(env!("CARGO_BIN_EXE_guazhi"))
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    runs.then_some(via)
}
