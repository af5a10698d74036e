//! The layers as the source shows them: SQL only in `src/store/` (checked here for the command
//! line and the interop code), and nothing but `main.rs` imports the command line.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `path` that are code, not comments.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_command_line_and_interop_hold_no_sql() {
    let mut files = Vec::new();
    sources(&src().join("cli"), &mut files);
    sources(&src().join("interop"), &mut files);
    assert!(files.len() > 10, "{files:?}");
    let sql = ["\"SELECT ", "\"PRAGMA ", "\"INSERT ", "\"UPDATE ", "\"DELETE ", "\"WITH ", "rusqlite", "connection()"];
    let mut found = Vec::new();
    for file in &files {
        for (n, line) in code_lines(file) {
            if sql.iter().any(|s| line.contains(s)) {
                found.push(format!("{}:{n}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "SQL belongs in src/store:\n{}", found.join("\n"));
}

#[test]
fn only_main_imports_the_command_line() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let cli = src().join("cli");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&cli) && !f.ends_with("main.rs")) {
        for (n, line) in code_lines(file) {
            if line.contains("crate::cli") || line.contains("guazhi::cli") {
                found.push(format!("{}:{n}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
