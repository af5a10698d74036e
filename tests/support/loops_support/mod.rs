//! Support for the heavy save loops of `tests/loops.rs`: colleagues at real terminals
//! (`clerk`, on the pty harness of `tests/pty_support`), the workflows the kill loop saves
//! (`work`), what the database must look like afterwards (`check`), and the counts, a seeded
//! random generator and the printed figures (`plan`).
#![allow(dead_code)]

pub mod check;
pub mod clerk;
pub mod plan;
pub mod work;
