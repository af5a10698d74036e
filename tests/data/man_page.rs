//! `guazhi man`: one roff page with every command and its options, the keys by their
//! remapping names, the settings files, the environment and the exit status; groff reads it
//! without a warning where groff is installed.

use std::process::{Command, Stdio};

fn page() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_guazhi")).arg("man").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_page_has_every_section_and_command() {
    let page = page();
    assert!(page.contains(".TH guazhi 1"), "a section 1 page");
    for section in ["NAME", "SYNOPSIS", "OPTIONS", "COMMANDS", "KEYS", "FILES", "ENVIRONMENT", "\"EXIT STATUS\""] {
        assert!(page.contains(&format!(".SH {section}\n")), "no {section}");
    }
    for command in
        ["init", "sample", "overdue", "stats", "check", "export", "import", "template", "backup", "completions", "man"]
    {
        assert!(page.contains(&format!(".SS \"guazhi {command}\"")), "no {command}");
    }
    for needle in [
        "\\-\\-what",
        "\\-\\-reserve",
        "[search]",
        "[edit_cadre]",
        "/etc/guazhi/config.toml",
        "GUAZHI_DB",
        "XDG_CONFIG_HOME",
    ] {
        assert!(page.contains(needle), "no {needle}");
    }
}

#[test]
fn groff_reads_the_page_without_a_warning() {
    let Ok(mut groff) = Command::new("groff")
        // -k: through preconv, as `man` reads it (the page has Chinese in it).
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: no groff here");
        return;
    };
    std::io::Write::write_all(&mut groff.stdin.take().unwrap(), page().as_bytes()).unwrap();
    let out = groff.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
}
