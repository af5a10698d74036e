//! A colleague at a real terminal: the `guazhi` binary in a pseudo-terminal (80×24, English
//! labels), driven by keys, read from the emulated screen. A save counts as acknowledged only
//! when the screen says so ("Saved: …" / "Undone: …" in the footer).

use crate::pty_support::{keys, Spawn, Term};
use std::path::Path;
use std::time::{Duration, Instant};

/// For anything the screens should do at once (a key, a form opening). Generous: CI runs
/// these on two cores next to the other tests, in debug builds.
pub const SOON: Duration = Duration::from_secs(30);

/// A save may wait 5 s for a colleague's lock (the busy timeout), then reload the data.
pub const SAVE: Duration = Duration::from_secs(40);

/// What the screen said after a save (or an undo) was sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// "Saved: …" in the footer, the form closed.
    Saved,
    /// "Undone: …" in the footer.
    Undone,
    /// The "Save conflict" box (the whole screen's text).
    Conflict(String),
    /// The program's busy message, the form kept open.
    Busy(String),
    /// Anything else the program said instead (the whole screen's text).
    Failed(String),
}

pub struct Clerk {
    pub term: Term,
    pub name: String,
}

impl Clerk {
    /// Starts the screens on `db` (drafts kept under `state`) and waits for the first frame.
    pub fn start(db: &Path, state: &Path, name: &str) -> Clerk {
        let mut term = Spawn::tui(db).env("XDG_STATE_HOME", &state.display().to_string()).start();
        let t0 = Instant::now();
        // The tabs, or else the program's own message if it refused to start.
        while term.try_wait_until(Duration::from_millis(100), |s| s.contents().contains("Reviews")).is_none() {
            if let Some(status) = term.try_status() {
                term.wait_eof(SOON);
                panic!("{name}: the program did not start ({status:?}); screen:\n{}", term.dump());
            }
            assert!(t0.elapsed() < SOON, "{name}: no first frame within {SOON:?}; screen:\n{}", term.dump());
        }
        // Every record is read on a background thread just after the first frame: a search
        // typed before then shows its results only once they are in.
        term.wait_gone("reading every record", SOON);
        Clerk { term, name: name.into() }
    }

    /// Sends keys and waits for them to be drawn (keys that change nothing draw nothing: use
    /// `send` and a condition for those).
    pub fn press(&self, keys: &str) {
        let since = self.term.written();
        self.term.send(keys);
        self.term.wait_frame_after(since, SOON);
    }

    pub fn send(&self, keys: &str) {
        self.term.send(keys);
    }

    /// Esc on its own (glued to the next key it would read as Alt-key), then a frame.
    pub fn esc(&self) {
        self.press(keys::ESC);
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.term.wait_for(text, SOON)
    }

    pub fn wait_gone(&self, text: &str) -> String {
        self.term.wait_gone(text, SOON)
    }

    pub fn screen(&self) -> String {
        self.term.screen()
    }

    /// The last row: the key bar, or one line of message after a save.
    pub fn footer(&self) -> String {
        self.term.with_screen(footer_of)
    }

    /// The value of a form field, if a form with that field is on screen.
    pub fn field(&self, label: &str) -> Option<String> {
        self.term.with_screen(|s| field_in(s, label).map(|(_, v)| v))
    }

    /// The name in an open edit-cadre form's title.
    pub fn form_cadre(&self) -> Option<String> {
        self.term.with_screen(|s| {
            let text = s.contents();
            let at = text.find("┌ Edit cadre ")? + "┌ Edit cadre ".len();
            Some(text[at..].split(" ─").next()?.trim().to_string())
        })
    }

    /// Sends `tabs` Tabs and waits until `label` has the focus (`› label`).
    pub fn focus(&self, label: &str, tabs: usize) {
        self.send(&keys::TAB.repeat(tabs));
        let what = format!("the focus on {label}");
        self.term.wait_until(&what, SOON, |s| field_in(s, label).is_some_and(|(focused, _)| focused));
    }

    /// Clears the focused text field (Ctrl-U) and types `value`; waits until it shows.
    pub fn retype(&self, label: &str, value: &str) {
        self.send(&format!("\x15{value}"));
        let what = format!("{label} = {value:?}");
        self.term.wait_until(&what, SOON, |s| field_in(s, label).is_some_and(|(_, v)| v == value));
    }

    /// Sends `key` (Enter in a form, `y` on the undo question) and waits for what the screen
    /// says came of it. Returns the outcome and how long it took to show.
    pub fn submit(&self, key: &str) -> (Outcome, Duration) {
        let t0 = Instant::now();
        let since = self.term.written();
        let stale = self.term.with_screen(|s| s.contents().contains("stayed busy"));
        self.send(key);
        // The first frame after the key: "Saving…" (or already the answer), so a message left
        // on screen by an earlier attempt is gone before the answer is looked for.
        self.term.wait_frame_after(since, SAVE);
        // A colleague's save may redraw the screen (live) before the key is read: a busy message
        // from the last attempt still on it is not this attempt's answer. The key's own frame
        // says "Saving…" first, which replaces it.
        if stale {
            self.term.wait_until("the busy message replaced", SAVE, |s| !s.contents().contains("stayed busy"));
        }
        let mut outcome = None;
        let found = self.term.try_wait_until(SAVE, |s| {
            outcome = classify(s);
            outcome.is_some()
        });
        match (found, outcome) {
            (Some(_), Some(o)) => (o, t0.elapsed()),
            _ => panic!("{}: no answer to the save within {SAVE:?}; screen:\n{}", self.name, self.term.dump()),
        }
    }

    /// Leaves a form (discarding its changes), a dossier and a search: back to a list.
    pub fn go_home(&self) {
        for _ in 0..6 {
            let (form, dossier, search, discard, undo) = self.term.with_screen(|s| {
                let text = s.contents();
                (
                    text.contains("Esc cancel"),
                    row(s, 2).contains("┌ Dossier"),
                    row(s, 2).contains("search \""),
                    text.contains("Discard your changes?"),
                    text.contains("Undo your last change?"),
                )
            });
            if discard {
                self.press("y");
            } else if form || dossier || search || undo {
                self.esc();
            } else {
                return;
            }
        }
        panic!("{}: could not get back to a list; screen:\n{}", self.name, self.term.dump());
    }

    /// Quits with `q` from a list (a form is discarded first): exit status 0.
    pub fn quit(mut self) {
        self.go_home();
        self.send("q");
        let (status, _) = self.term.finish(SOON);
        assert!(status.success(), "{}: exit status {status:?}", self.name);
    }
}

fn row(s: &vt100::Screen, r: u16) -> String {
    let (_, cols) = s.size();
    s.contents_between(r, 0, r, cols)
}

fn footer_of(s: &vt100::Screen) -> String {
    let (rows, _) = s.size();
    row(s, rows - 1).trim().to_string()
}

/// A form field's row (`│ › Label* value │` or `│   Label value │`): focused, and the value.
pub fn field_in(s: &vt100::Screen, label: &str) -> Option<(bool, String)> {
    let (rows, _) = s.size();
    (0..rows).find_map(|r| {
        let line = row(s, r);
        let (focused, rest) = if let Some(rest) = line.strip_prefix(&format!("│ › {label}")) {
            (true, rest)
        } else {
            (false, line.strip_prefix(&format!("│   {label}"))?)
        };
        // Not a longer label that starts the same ("Note" / "Notes").
        if !(rest.starts_with(' ') || rest.starts_with('*')) {
            return None;
        }
        let value = rest.trim_start_matches('*').trim().trim_end_matches('│').trim_end();
        Some((focused, value.to_string()))
    })
}

/// What a complete frame says about the save just sent; `None` while it is still going.
fn classify(s: &vt100::Screen) -> Option<Outcome> {
    let text = s.contents();
    let footer = footer_of(s);
    if text.contains("Save conflict") {
        return Some(Outcome::Conflict(text));
    }
    if text.contains("Saving…") {
        return None;
    }
    if text.contains("stayed busy") {
        return Some(Outcome::Busy(text));
    }
    if footer.starts_with("Saved:") {
        return Some(Outcome::Saved);
    }
    if footer.starts_with("Undone:") {
        return Some(Outcome::Undone);
    }
    const ANYWHERE: [&str; 4] = ["nothing was saved", "database error", "locked", "disk is full"];
    const FOOTER: [&str; 4] = ["nothing of yours to undo", "no longer exists", "cannot ", "read-only"];
    if ANYWHERE.iter().any(|m| text.contains(m)) || FOOTER.iter().any(|m| footer.contains(m)) {
        return Some(Outcome::Failed(text));
    }
    None
}
