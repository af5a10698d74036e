//! The settings files and the default database: the order the database is taken in (command
//! line, GUAZHI_DB, the user's file, the server's file), what `guazhi` says when there is
//! none, and problems in a file named by file and line, in both languages.

use guazhi::app::keys::{remap_name, Context};
use guazhi::config::{database, load, Places, Source};
use guazhi::lang::Lang;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A user's and a server's settings file in a temporary folder (the server's stands for
/// /etc/guazhi/config.toml, which the binary always reads: only the library lets a test
/// choose it).
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        let files = Files { dir: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(files.dir.path().join("xdg/guazhi")).unwrap();
        std::fs::create_dir_all(files.dir.path().join("etc/guazhi")).unwrap();
        files
    }

    fn user(&self) -> PathBuf {
        self.dir.path().join("xdg/guazhi/config.toml")
    }

    fn system(&self) -> PathBuf {
        self.dir.path().join("etc/guazhi/config.toml")
    }

    fn places(&self) -> Places {
        Places { user: Some(self.user()), system: self.system(), home: None }
    }

    /// Where `arg` and `env` and the files lead.
    fn pick(&self, arg: Option<&str>, env: Option<&str>) -> Result<(PathBuf, Source), String> {
        let settings = load(&self.places()).expect("good files");
        database(arg.map(PathBuf::from), env.map(str::to_string), &settings, &self.places()).map_err(|m| m.en)
    }
}

#[test]
fn the_database_comes_from_the_command_line_then_guazhi_db_then_the_users_file_then_the_servers() {
    let f = Files::new();
    std::fs::write(f.system(), "database = \"/srv/guazhi/guazhi.db\"\n").unwrap();
    std::fs::write(f.user(), "lang = \"en\"\n\ndatabase = \"mine.db\"\n").unwrap();
    let user_db = f.dir.path().join("xdg/guazhi/mine.db");

    let (db, source) = f.pick(Some("arg.db"), Some("env.db")).unwrap();
    assert_eq!((db, source), (PathBuf::from("arg.db"), Source::CommandLine));
    let (db, source) = f.pick(None, Some("env.db")).unwrap();
    assert_eq!((db, source), (PathBuf::from("env.db"), Source::Environment));
    // An empty GUAZHI_DB is not set; a relative path in a file is taken from the file's folder.
    let (db, source) = f.pick(None, Some("")).unwrap();
    assert_eq!((db, source), (user_db, Source::File { file: f.user(), line: 3 }));
    // A user's file that names no database leaves it to the server's.
    std::fs::write(f.user(), "lang = \"zh\"\n").unwrap();
    let (db, source) = f.pick(None, None).unwrap();
    assert_eq!((db, source), (PathBuf::from("/srv/guazhi/guazhi.db"), Source::File { file: f.system(), line: 1 }));
    // Each setting of the user's file wins over the server's.
    std::fs::write(f.system(), "database = \"/srv/guazhi/guazhi.db\"\nlang = \"en\"\nascii = true\n").unwrap();
    let settings = load(&f.places()).unwrap();
    assert_eq!((settings.lang, settings.ascii), (Some(Lang::Zh), Some(true)));
}

#[test]
fn with_no_database_anywhere_it_says_where_it_looked_in_order() {
    let f = Files::new();
    std::fs::write(f.system(), "ascii = true\n").unwrap();
    let looked = f.pick(None, None).unwrap_err();
    let user = f.user().display().to_string();
    let system = f.system().display().to_string();
    let order: Vec<usize> = [
        "the command line: none",
        "GUAZHI_DB: not set",
        &format!("{user}: no such file"),
        &format!("{system}: no database setting"),
    ]
    .iter()
    .map(|what| looked.find(what).unwrap_or_else(|| panic!("{what} in {looked}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{looked}");
}

#[test]
fn remapped_keys_from_both_files_the_users_last() {
    let f = Files::new();
    std::fs::write(f.system(), "[keys]\nquit = \"Q\"\nsearch = \"F\"\n").unwrap();
    std::fs::write(f.user(), "[keys]\nsearch = \"Ctrl-F\"\npage_down = [\"PgDn\", \"Space\"]\n").unwrap();
    let keys = load(&f.places()).unwrap().keys;
    let of = |context: Context, name: &str| -> Vec<String> {
        let (_, k) = keys.bindings().find(|(b, _)| b.context == context && remap_name(b) == Some(name)).unwrap();
        k.iter().map(|k| k.label(true, false)).collect()
    };
    assert_eq!(of(Context::Global, "quit"), ["Q"]);
    assert_eq!(of(Context::List, "search"), ["Ctrl-F"]);
    // Ctrl-F paged down in lists: the user's file moved that too.
    assert_eq!(of(Context::List, "page_down"), ["PgDn", "Space"]);
}

/// The binary with a cleared environment, its user settings in `xdg`.
fn run(xdg: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guazhi"));
    cmd.args(args).env_clear().env("LANG", "C.UTF-8").env("XDG_CONFIG_HOME", xdg).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The server's file is the real /etc one for the binary: where a machine has one, the tests
/// that need it absent say so and stop.
fn etc_free() -> bool {
    let free = !Path::new(guazhi::config::SYSTEM_FILE).exists();
    if !free {
        eprintln!("skipped: this machine has {}", guazhi::config::SYSTEM_FILE);
    }
    free
}

#[test]
fn the_binary_with_no_database_lists_the_places_and_exits_2() {
    if !etc_free() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    let text = err(&out);
    assert!(text.starts_with("guazhi: no database given. Looked, in order, at:"), "{text}");
    assert!(text.contains(&format!("{}/guazhi/config.toml: no such file", dir.path().display())), "{text}");
    assert!(text.contains("/etc/guazhi/config.toml: no such file"), "{text}");
    let zh = run(dir.path(), &["--lang", "zh"], &[]);
    assert!(err(&zh).starts_with("guazhi: 没有给出数据库。依次查找了："), "{}", err(&zh));
}

#[test]
fn the_binary_opens_the_database_a_settings_file_or_guazhi_db_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("guazhi")).unwrap();
    let db = dir.path().join("sample.db");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db"), &db).unwrap();
    std::fs::set_permissions(&db, std::os::unix::fs::PermissionsExt::from_mode(0o660)).unwrap();
    let config = dir.path().join("guazhi/config.toml");
    // Opened: the screens then find no terminal (these tests have none), after reading it.
    std::fs::write(&config, format!("database = \"{}\"\n", db.display())).unwrap();
    let out = run(dir.path(), &[], &[]);
    assert!(err(&out).contains("the screens need a terminal"), "{}", err(&out));
    // A missing one is named with where it came from.
    std::fs::write(&config, "# the department's\n\ndatabase = \"gone.db\"\n").unwrap();
    let out = run(dir.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(err(&out).contains(&format!("(the database {} names on line 3)", config.display())), "{}", err(&out));
    let out = run(dir.path(), &[], &[("GUAZHI_DB", "also-gone.db")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        err(&out).contains("also-gone.db") && err(&out).contains("(the database GUAZHI_DB names)"),
        "{}",
        err(&out)
    );
}

#[test]
fn a_bad_settings_file_stops_every_command_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("guazhi")).unwrap();
    let config = dir.path().join("guazhi/config.toml");
    std::fs::write(
        &config,
        "lang = \"en\"\nascii = \"yes\"\n\n[keys]\nsearch = \"e\"\nquit = \"Hyper-Q\"\nundo_it = \"z\"\n",
    )
    .unwrap();
    let db = dir.path().join("x.db");
    let out = run(dir.path(), &["overdue", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    let text = err(&out);
    let file = config.display();
    for line in [
        format!("guazhi: {file}, line 2: ascii must be true or false, not a string"),
        format!("guazhi: {file}, line 6: 'Hyper-Q' is not a key guazhi knows"),
        format!("guazhi: {file}, line 7: no action is named 'undo_it'"),
        "guazhi: the settings file has problems (above); fix them first".to_string(),
    ] {
        assert!(text.contains(&line), "{line}\nin:\n{text}");
    }
    // Fixed all but the clash: it is named too, with the action in the way.
    std::fs::write(&config, "[keys]\nsearch = \"e\"\n").unwrap();
    let zh = run(dir.path(), &["overdue", db.to_str().unwrap(), "--lang", "zh"], &[]);
    assert_eq!(zh.status.code(), Some(2));
    assert!(err(&zh).contains(&format!("{file} 第 2 行：按键“e”已用于 edit_cadre（干部页）")), "{}", err(&zh));
    assert!(!err(&zh).is_ascii(), "Chinese under --lang zh");
    // The shell's scripts and the manual need no settings.
    assert!(run(dir.path(), &["completions", "bash"], &[]).status.success());
}

#[test]
fn the_problems_are_told_in_the_language_the_file_sets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("guazhi")).unwrap();
    let config = dir.path().join("guazhi/config.toml");
    std::fs::write(&config, "lang = \"zh\"\n[keys]\nsearch = \"u\"\n").unwrap();
    let db = dir.path().join("x.db");
    let out = run(dir.path(), &["overdue", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(err(&out).contains(&format!("{} 第 3 行：按键“u”已用于 undo（", config.display())), "{}", err(&out));
    // A file TOML cannot read: under --lang zh the parser's English explanation is left out.
    std::fs::write(&config, "lang = \"zh\"\nlang = \"en\"\n").unwrap();
    let out = run(dir.path(), &["overdue", db.to_str().unwrap(), "--lang", "zh"], &[]);
    let text = err(&out).replace(&config.display().to_string(), "FILE");
    assert!(text.contains("FILE 第 2 行：不是有效的 TOML\n"), "{text}");
    assert!(!text.contains("duplicate"), "{text}");
}
