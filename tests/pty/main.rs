//! The real binary in a pseudo-terminal: keys typed, the screen read back, signals and save loops.

#[path = "../support/common/mod.rs"]
mod common;
#[path = "../support/loops_support/mod.rs"]
mod loops_support;
#[path = "../support/pty_support/mod.rs"]
mod pty_support;

mod edit_pty;
mod live_pty;
mod loops;
mod pty;
mod reliability_pty;
mod settings_pty;
mod undo_pty;
