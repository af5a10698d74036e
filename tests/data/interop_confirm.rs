//! On a terminal, `import` asks before writing: "y" imports, anything else writes nothing.

use crate::common;
use crate::interop_support;

use interop_support::*;
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Runs `guazhi args` in a pseudo-terminal, answers `answer` once the question shows, and
/// returns (exit success, everything it printed).
fn answer(args: &[&str], answer: &str) -> (bool, String) {
    let pty = native_pty_system().openpty(PtySize { rows: 40, cols: 160, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_guazhi"));
    cmd.args(args);
    cmd.env("LANG", "C.UTF-8");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut answered = false;
    loop {
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(50)) {
            seen.extend(chunk);
        }
        if !answered && String::from_utf8_lossy(&seen).contains("[y/N]") {
            writer.write_all(answer.as_bytes()).unwrap();
            writer.flush().unwrap();
            answered = true;
        }
        if let Some(status) = child.try_wait().unwrap() {
            while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(200)) {
                seen.extend(chunk);
            }
            return (status.success(), String::from_utf8_lossy(&seen).into_owned());
        }
        assert!(Instant::now() < deadline, "no exit; output so far:\n{}", String::from_utf8_lossy(&seen));
    }
}

#[test]
fn a_terminal_user_is_asked_and_no_means_no() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::demo_db(dir.path());
    let file = dir.path().join("s.csv");
    ok(&guazhi(&["export", s(&demo), "--what", "secondments", "--out", s(&file)]));
    let new = dir.path().join("new.db");
    ok(&guazhi(&["init", s(&new)]));

    let (success, screen) = answer(&["import", s(&new), s(&file), "--create-units"], "n\r");
    assert!(!success, "{screen}");
    assert!(screen.contains("not confirmed"), "{screen}");
    assert_eq!(counts(&new)[..5], [0, 0, 0, 0, 0]);

    let (success, screen) = answer(&["import", s(&new), s(&file), "--create-units"], "y\r");
    assert!(success, "{screen}");
    assert!(screen.contains("imported into"), "{screen}");
    assert_eq!(keys(&new).secondments, keys(&demo).secondments);
}
