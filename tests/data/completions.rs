//! `guazhi completions SHELL`: a script for each shell, naming every command and option; the
//! bash one (and zsh's and fish's where those shells are installed) parses.

use std::process::{Command, Stdio};

fn script(shell: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi")).args(["completions", shell]).output().unwrap();
    assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Whether `shell` reads the script without a syntax error; `None` when it is not installed.
fn parses(shell: &str, args: &[&str], text: &str) -> Option<bool> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("guazhi.completion");
    std::fs::write(&file, text).unwrap();
    let status = Command::new(shell).args(args).arg(&file).stdin(Stdio::null()).output().ok()?;
    Some(status.status.success())
}

#[test]
fn each_shell_gets_a_script_with_every_command() {
    let commands =
        ["init", "sample", "overdue", "stats", "check", "export", "import", "template", "backup", "completions", "man"];
    for (shell, marker) in [
        ("bash", "complete -F _guazhi"),
        ("zsh", "#compdef guazhi"),
        ("fish", "complete -c guazhi"),
        ("elvish", "edit:completion:arg-completer[guazhi]"),
        ("powershell", "Register-ArgumentCompleter -Native -CommandName 'guazhi'"),
    ] {
        let text = script(shell);
        assert!(text.contains(marker), "{shell}: no {marker}");
        for c in commands {
            assert!(text.contains(c), "{shell}: no {c}");
        }
        // Each shell spells options its own way (fish: `-l what`).
        for option in ["what", "today", "dry-run", "keep", "reserve"] {
            assert!(text.contains(option), "{shell}: no {option}");
        }
        // The values the shell can offer.
        assert!(text.contains("lrmx") && text.contains("powershell"), "{shell}");
    }
}

#[test]
fn the_scripts_parse() {
    assert_eq!(parses("bash", &["-n"], &script("bash")), Some(true), "bash is always there");
    for (shell, args) in [("zsh", &["-n"][..]), ("fish", &["--no-execute"][..])] {
        if let Some(ok) = parses(shell, args, &script(shell)) {
            assert!(ok, "{shell} refuses its script");
        }
    }
}

#[test]
fn an_unknown_shell_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi")).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcsh"));
}
