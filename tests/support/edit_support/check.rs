//! The checks of the invalid-input table: the database untouched (see `tests/edit_invalid.rs`
//! for why these make the check honest), and a field's message on screen under the field.
#![allow(dead_code)]

use super::Rig;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// Every row of every table, as text.
pub fn dump(rig: &Rig) -> String {
    let conn = rig.raw();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        // A WITHOUT ROWID table (audit_digest) is read in its primary key's order.
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{t}\"")))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            out.push_str(&t);
            for i in 0..n {
                out.push_str(&format!("|{:?}", row.get_ref(i).unwrap()));
            }
            out.push('\n');
        }
    }
    out
}

pub struct Baseline {
    pub main: Vec<u8>,
    pub dump: String,
}

pub fn baseline(rig: &Rig) -> Baseline {
    rig.raw().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(wal_len(rig), 0, "the checkpoint emptied the WAL");
    Baseline { main: std::fs::read(&rig.path).unwrap(), dump: dump(rig) }
}

pub fn wal_len(rig: &Rig) -> u64 {
    std::fs::metadata(rig.path.with_extension("db-wal")).map_or(0, |m| m.len())
}

pub fn unchanged(rig: &Rig, base: &Baseline, case: &str) {
    assert_eq!(wal_len(rig), 0, "{case}: something was written to the WAL");
    assert!(std::fs::read(&rig.path).unwrap() == base.main, "{case}: the database file changed");
    assert_eq!(dump(rig), base.dump, "{case}: the tables changed");
}

/// The field's message is on screen: on the line under the field's own line.
pub fn shown(rig: &mut Rig, key: &str, expect: &str, case: &str) {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    guazhi::tui::draw(&mut terminal, &mut rig.app).unwrap();
    let form = rig.app.form.as_ref().unwrap();
    let f = form.get(key).unwrap();
    let label = format!("{}{}", f.en, if f.required { "*" } else { "" });
    let rows = crate::common::buffer_rows(terminal.backend().buffer());
    let at = rows
        .iter()
        .position(|r| r.contains(&format!("› {label} ")) || r.contains(&format!("  {label} ")))
        .unwrap_or_else(|| panic!("{case}: no row for {label}:\n{}", rows.join("\n")));
    let head: String = expect.chars().take(12).collect();
    // Under the field: the next row, or under a multi-line field's rows (at most 4 shown).
    let rows_of_field = if f.multiline { 4 } else { 1 };
    let below = rows.iter().skip(at + 1).take(rows_of_field).any(|r| r.contains(&head));
    assert!(below, "{case}: the message is not under {label}:\n{}", rows.join("\n"));
}
