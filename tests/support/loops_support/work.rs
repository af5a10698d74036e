//! The daily workflows the kill loop saves, each driven by keys from a list: edit a cadre's
//! field, record (or correct) a review result, add a dossier note, end a secondment early
//! (later reviews cancelled, the evaluation moved up: several rows in one save), and undo my
//! last change (several rows put back in one save). `prepare` fills the form in and stops
//! before the key that saves; `Save` says how to find the save in the database afterwards.

use super::check;
use super::clerk::Clerk;
use super::plan::Rng;
use crate::pty_support::TODAY;
use rusqlite::Connection;

#[derive(Debug, Clone)]
pub struct Save {
    pub kind: &'static str,
    /// The unique value typed (none for an undo).
    pub token: Option<String>,
    pub table: &'static str,
    pub field: &'static str,
    /// The audit action of the first save of `token`, when it is known.
    pub action: Option<&'static str>,
    /// For an undo: how many undo operations there were before it.
    pub undos_before: i64,
}

/// The kinds, in the order of `WEIGHTS` (percent of the picks).
pub const KINDS: [&str; 5] = ["edit cadre", "record review", "add note", "end early", "undo"];
const WEIGHTS: [usize; 5] = [32, 32, 18, 10, 8];

/// Fills a form in (or asks the undo question) and returns the save it will make and the key
/// that sends it; `None` when that workflow has nothing to act on now (the screen is back on a
/// list then). `token` is unique to this save.
pub fn prepare(c: &Clerk, rng: &mut Rng, db: &std::path::Path, token: &str) -> Option<(Save, &'static str)> {
    let mut pick = rng.below(WEIGHTS.iter().sum());
    let kind = WEIGHTS
        .iter()
        .position(|w| {
            if pick < *w {
                true
            } else {
                pick -= w;
                false
            }
        })
        .unwrap();
    c.go_home();
    let conn = check::look(db);
    let prepared = match KINDS[kind] {
        "edit cadre" => edit_cadre(c, rng, token),
        "record review" => record_review(c, rng, &conn, token),
        "add note" => add_note(c, rng, token),
        "end early" => end_early(c, rng, &conn, token),
        _ => undo(c, &conn),
    };
    // Nothing of ours may hold the database open while the program is killed: the next start
    // must find the crashed WAL and recover it itself.
    drop(conn);
    if prepared.is_none() {
        c.go_home();
    }
    prepared
}

fn save(
    kind: &'static str,
    token: &str,
    table: &'static str,
    field: &'static str,
    action: Option<&'static str>,
) -> Save {
    Save { kind, token: Some(token.into()), table, field, action, undos_before: 0 }
}

/// Cadres tab, a random row, `e`, a random text field replaced by the token.
fn edit_cadre(c: &Clerk, rng: &mut Rng, token: &str) -> Option<(Save, &'static str)> {
    const FIELDS: [(&str, usize, &str); 3] =
        [("Education", 4, "education"), ("Speciality", 5, "speciality"), ("Home post", 8, "home_post")];
    let (label, tabs, column) = FIELDS[rng.below(FIELDS.len())];
    let rows = list_count(c, "1", "Cadres");
    c.send(&format!("g{}e", "j".repeat(rng.below(rows))));
    c.wait_for("┌ Edit cadre ");
    c.focus(label, tabs);
    c.retype(label, token);
    Some((save("edit cadre", token, "cadres", column, Some("update")), "\r"))
}

/// Reviews tab (pending, or done once none is pending: a correction), a random row among the
/// first 30, `e`, a random grade, the note replaced by the token.
fn record_review(c: &Clerk, rng: &mut Rng, conn: &Connection, token: &str) -> Option<(Save, &'static str)> {
    let open: i64 = conn
        .query_row("SELECT count(*) FROM reviews WHERE done_date IS NULL AND cancelled = 0", [], |r| r.get(0))
        .unwrap();
    let mut rows = list_count(c, "3", "Reviews");
    let mut pending = c.term.with_screen(|s| s.contents().contains("[pending]"));
    if pending && (open == 0 || rows == 0) {
        // pending → overdue → due today → due soon → upcoming → done
        c.press("fffff");
        c.wait_for("[done]");
        rows = list_count(c, "3", "Reviews");
        pending = false;
    }
    if rows == 0 {
        return None;
    }
    if pending {
        // The pending rows come by due date; a review whose period has not begun cannot be
        // done (the plausibility rules): only the rows due within about a quarter.
        let begun: i64 = conn
            .query_row(
                "SELECT count(*) FROM reviews WHERE done_date IS NULL AND cancelled = 0 AND due_date <= date(?1, '+80 days')",
                [TODAY],
                |r| r.get(0),
            )
            .unwrap();
        rows = rows.min(begun as usize);
        if rows == 0 {
            return None;
        }
    }
    c.send(&format!("g{}e", "j".repeat(rng.below(rows.min(30)))));
    c.term.wait_until("the review form", super::clerk::SOON, |s| {
        let t = s.contents();
        t.contains("Record the result:") || t.contains("Correct the result:")
    });
    c.send(&(1 + rng.below(4)).to_string());
    c.focus("Note", 3);
    c.retype("Note", token);
    Some((save("record review", token, "reviews", "note", Some("record")), "\r"))
}

/// Cadres tab, a random row, its dossier, `a`, the note.
fn add_note(c: &Clerk, rng: &mut Rng, token: &str) -> Option<(Save, &'static str)> {
    let rows = list_count(c, "1", "Cadres");
    c.send(&format!("g{}\r", "j".repeat(rng.below(rows))));
    c.wait_for("┌ Dossier");
    c.send("a");
    c.wait_for("Add a dossier note");
    c.focus("Note", 1);
    c.retype("Note", token);
    Some((save("add note", token, "dossier_notes", "body", Some("insert")), "\r"))
}

/// A cadre serving now (found with SQL), searched by name, the dossier, `x`, the reason.
fn end_early(c: &Clerk, rng: &mut Rng, conn: &Connection, token: &str) -> Option<(Save, &'static str)> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT c.name FROM cadres c JOIN secondments s ON s.cadre_id = c.id
             WHERE s.actual_end IS NULL AND s.start_date <= ?1 AND s.planned_end > ?1 AND c.archived = 0
               AND (SELECT count(*) FROM secondments o WHERE o.cadre_id = c.id) = 1
             ORDER BY c.id",
        )
        .unwrap()
        .query_map([TODAY], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    if names.is_empty() {
        return None;
    }
    let name = &names[rng.below(names.len())];
    c.send(&format!("1/{name}\r"));
    c.wait_for(&format!("search \"{name}\""));
    c.send("\r");
    c.wait_for(&format!("┌ Dossier · {name}"));
    c.send("x");
    c.wait_for("End early:");
    let last_day = c.field("Last day");
    assert_eq!(last_day.as_deref(), Some(TODAY), "{}: the last day defaults to today:\n{}", c.name, c.screen());
    c.focus("Reason", 1);
    c.retype("Reason", token);
    Some((save("end early", token, "secondments", "end_reason", Some("end_early")), "\r"))
}

/// `u`: the question naming my last change (or "nothing of yours to undo": skipped).
fn undo(c: &Clerk, conn: &Connection) -> Option<(Save, &'static str)> {
    let undos_before = check::undo_ops(conn);
    c.send("u");
    let asked = c.term.wait_until("the undo question", super::clerk::SOON, |s| {
        let t = s.contents();
        t.contains("Undo your last change?") || t.contains("nothing of yours to undo")
    });
    if !asked.contains("Undo your last change?") {
        return None;
    }
    Some((Save { kind: "undo", token: None, table: "", field: "", action: None, undos_before }, "y"))
}

/// Goes to the tab (`key`) and reads how many rows its list shows ("Reviews 96/784").
fn list_count(c: &Clerk, key: &str, title: &str) -> usize {
    // The tab may be on screen already (then the key draws nothing): wait for its title.
    c.send(key);
    let head = format!("┌ {title} ");
    c.wait_for(&head);
    // Until the list is read the title shows its first rows without a count.
    c.wait_gone("reading every record");
    let screen = c.wait_for(&head);
    let at = screen.find(&head).unwrap() + head.len();
    let shown = screen[at..].split('/').next().unwrap().trim();
    shown.parse().unwrap_or_else(|_| panic!("{}: no row count in the title:\n{screen}", c.name))
}
