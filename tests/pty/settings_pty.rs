//! The screens as a new user meets them: opened on the database GUAZHI_DB or a settings file
//! names (no path typed), with the settings file's remapped keys in the bar and working.

use crate::pty_support::*;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// `guazhi --today …` with no database on the command line.
fn without_db(db: &SampleDb) -> Spawn {
    let mut spawn = Spawn::tui(&db.path);
    spawn.args.remove(0);
    spawn
}

#[test]
fn guazhi_db_opens_the_screens() {
    let db = SampleDb::new();
    let term = without_db(&db).env("GUAZHI_DB", db.path.to_str().unwrap()).start();
    term.wait_for("Cadres", WAIT);
    term.wait_for("sample.db", WAIT);
}

#[test]
fn a_settings_file_names_the_database_and_remaps_keys() {
    let db = SampleDb::new();
    let config = db.dir.path().join("xdg/guazhi");
    std::fs::create_dir_all(&config).unwrap();
    // A relative path: from the settings file's folder.
    std::fs::write(config.join("config.toml"), "database = \"../../sample.db\"\n\n[keys]\nsearch = \"F\"\n").unwrap();
    let xdg = db.dir.path().join("xdg");
    let term = without_db(&db).size(120, 30).env("XDG_CONFIG_HOME", xdg.to_str().unwrap()).start();
    term.wait_for("F search", WAIT);
    assert!(!term.screen().contains("/ search"), "{}", term.dump());
    term.send("F");
    term.wait_for("Search /", WAIT);
}
