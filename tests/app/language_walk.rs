//! Chinese means Chinese (issue 12): a walk through every tab, the dossier, the help, every
//! form (empty, then saved to show its messages, and with its list open), every question,
//! the history, a conflict, a draft and the refusals, under `--lang zh` at 80×24 and larger.
//! No English word may be on screen there, except key names, file extensions and the
//! program's name. The same walk in English finds no Chinese punctuation in English text.

use crate::edit_support;

use edit_support::Rig;
use guazhi::app::{Action, DraftAct, Tab};
use guazhi::domain::Cadre;
use guazhi::draft::Draft;
use guazhi::lang::Lang;
use guazhi::store::Access;
use ratatui::crossterm::event::KeyCode::{Down, Enter, Esc};

/// Words that may appear in Chinese screens: key names, file extensions and formats, the
/// program's name, the date placeholder, and the demo file's name.
const ALLOWED: &[&str] = &[
    "Enter",
    "Esc",
    "Tab",
    "Shift",
    "Ctrl",
    "Alt",
    "PgUp",
    "PgDn",
    "Space",
    "Backspace",
    "Home",
    "End",
    "Up",
    "Down",
    "Left",
    "Right",
    "xlsx",
    "csv",
    "CSV",
    "lrmx",
    "zip",
    "db",
    "guazhi",
    "YYYY",
    "MM",
    "DD",
    "demo",
];

/// The English words on a screen (runs of two or more Latin letters), less the allowed ones
/// and command-line options such as `--read-only`.
fn english(screen: &str) -> Vec<String> {
    let mut found = Vec::new();
    for token in screen.split(|c: char| c.is_whitespace()) {
        if token.starts_with("--") {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
            if word.len() >= 2 && !ALLOWED.contains(&word) {
                found.push(word.to_string());
            }
        }
    }
    found
}

/// Chinese punctuation right after Latin text: "ended early（down）", "author：".
fn chinese_punctuation_in_english(screen: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in screen.lines() {
        let chars: Vec<char> = line.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if "：，（）；、。“”！？".contains(*c) && i > 0 && chars[i - 1].is_ascii_alphanumeric() {
                found.push(line.trim().to_string());
            }
        }
    }
    found
}

struct Walk {
    rig: Rig,
    lang: Lang,
    seen: usize,
}

impl Walk {
    fn new(lang: Lang, access: Access) -> Walk {
        Walk { rig: Rig::with(lang, access), lang, seen: 0 }
    }

    /// Looks at the screen at 80×24 and 160×48, and at the status line. OS account names
    /// (the demo's, the tester's) are data, not words of the program.
    fn look(&mut self, what: &str) {
        for (w, h) in [(80, 24), (160, 48)] {
            let screen = self.rig.screen(w, h).replace("guazhi-sample", "").replace(&edit_support::me(), "");
            self.seen += 1;
            match self.lang {
                Lang::Zh => {
                    let words = english(&screen);
                    assert!(words.is_empty(), "{what} at {w}×{h}: English {words:?}\n{screen}");
                }
                Lang::En => {
                    let bad = chinese_punctuation_in_english(&screen);
                    assert!(bad.is_empty(), "{what} at {w}×{h}: {bad:?}\n{screen}");
                }
            }
        }
    }

    fn keys(&mut self, keys: &str) {
        self.rig.keys(keys);
    }

    fn reset(&mut self) {
        self.rig.app.form = None;
        self.rig.app.popup = None;
        self.rig.app.help = None;
        self.rig.app.status = None;
        while self.rig.app.mode == guazhi::app::Mode::Dossier {
            self.rig.act(Action::Back);
        }
        self.rig.act(Action::ClearSearch);
    }

    /// Opens a form with `open`, looks at it, saves it as it is (its messages), opens the
    /// list of its first list field if it has one, and closes it without saving.
    fn form(&mut self, name: &str, open: impl Fn(&mut Rig)) {
        self.reset();
        open(&mut self.rig);
        assert!(self.rig.app.form.is_some(), "{name}: the form opens (status {})", self.rig.status());
        self.look(name);
        self.rig.ctrl('s');
        self.look(&format!("{name}, saved as it was"));
        if let Some(form) = &mut self.rig.app.form {
            if let Some(i) = form.fields.iter().position(|f| f.is_pick()) {
                form.focus = i;
                self.rig.app.form.as_mut().unwrap().open_picker();
                self.look(&format!("{name}, its list"));
            }
        }
        self.reset();
    }

    fn dossier(&mut self, name: &str) {
        self.reset();
        self.keys("1");
        self.rig.find(name);
        self.rig.key(Enter);
    }

    fn run(&mut self) {
        // A new cadre going up in the 2026 batch, so that 解雨桐 (down, unpaired) has a partner.
        self.keys("1a龙小江\t2\t1991-05-06\t4\t\t\t3\t龙江\t副镇长\r");
        self.look("a cadre added");
        self.keys("n\t\t市商务局\t副科长\r");
        self.look("a secondment added");
        assert!(self.rig.app.form.is_none(), "the setup saved: {}", self.rig.status());
        for (i, tab) in ["1", "2", "3", "4", "5", "6"].into_iter().enumerate() {
            self.reset();
            self.keys(tab);
            self.look(&format!("tab {}", i + 1));
            self.keys("/");
            self.look(&format!("tab {}, searching", i + 1));
            self.rig.key(Esc);
        }
        self.reset();
        self.keys("3fftb");
        self.look("the batch list");
        self.rig.key(Down);
        self.rig.key(Enter);
        self.keys("d");
        self.look("the district list");
        self.rig.key(Down);
        self.rig.key(Enter);
        self.look("reviews filtered");
        self.keys("s");
        self.look("the sort list");
        self.rig.key(Esc);
        self.keys("E");
        self.look("the export dialog");
        self.rig.key(Esc);
        self.keys("x");
        self.reset();
        self.keys("?");
        self.look("help");
        for _ in 0..20 {
            self.rig.act(Action::PageDown);
            self.look("help, further down");
        }
        self.reset();
        self.dossier("黄振宇");
        self.look("a dossier with an early end and notes");
        self.dossier("单志远");
        self.look("a dossier being served");
        self.keys("h");
        self.look("its history");

        // Every form.
        self.form("add cadre", |r| r.keys("1a"));
        self.form("edit cadre", |r| {
            r.keys("1");
            r.find("邱志远");
            r.keys("e");
        });
        self.form("add secondment", |r| {
            r.keys("1");
            r.find("欧阳明远");
            r.keys("n");
        });
        self.form("pair", |r| {
            r.keys("1");
            r.find("解雨桐");
            r.keys("m");
        });
        for (key, name) in [("x", "end early"), ("v", "vetting"), ("t", "evaluation"), ("a", "note")] {
            self.form(name, |r| {
                r.keys("1");
                r.find("单志远");
                r.key(Enter);
                r.keys(key);
            });
        }
        self.form("review result", |r| r.keys("3e"));
        self.form("admit", |r| r.keys("4ga"));
        self.form("move", |r| {
            r.keys("4");
            r.find("劳海峰");
            r.keys("e");
        });
        self.form("withdraw", |r| {
            r.keys("4");
            r.find("劳海峰");
            r.keys("w");
        });
        self.form("add batch", |r| r.keys("5a"));
        self.form("edit batch", |r| r.keys("5e"));
        self.form("policy", |r| r.keys("5P"));
        self.form("add unit", |r| r.keys("6a"));
        self.form("edit unit", |r| r.keys("6e"));

        // Implausible values, as they are said.
        self.form("a 9-year-old", |r| r.keys("1a测试\t1\t2017-02-28\t1\t\t\t30\t"));

        // Questions and refusals.
        self.reset();
        self.keys("1X");
        self.look("archive?");
        self.reset();
        self.keys("2M");
        self.look("unpair?");
        self.reset();
        self.keys("5D");
        self.look("delete a batch?");
        self.rig.keys("y");
        self.look("a batch in use is not deleted");
        self.reset();
        self.keys("6D");
        self.rig.keys("y");
        self.look("a unit in use is not deleted");
        self.dossier("谭嘉诚");
        self.keys("x");
        self.look("a finished term does not end early");
        self.reset();
        self.keys("4x");
        self.look("a key for another row");

        // A save, its undo, and the undo's question.
        self.dossier("单志远");
        self.keys("a\t谈话\r");
        self.look("saved");
        self.keys("u");
        self.look("undo?");
        self.keys("y");
        self.look("undone");

        // A colleague first: the conflict.
        self.reset();
        self.keys("1");
        self.rig.find("劳海峰");
        self.keys("e");
        self.rig.app.form.as_mut().unwrap().focus_key("home post");
        self.keys("（兼）");
        let c: Cadre = self.rig.app.data.cadres.iter().find(|c| c.name == "劳海峰").unwrap().clone();
        self.rig.store.write(|w| w.update_cadre(&Cadre { grassroots_years: 10.0, ..c })).unwrap();
        self.rig.ctrl('s');
        self.look("a conflict");
        self.rig.act(Action::Conflict(guazhi::app::ConflictAct::Reapply));
        self.look("re-applied");

        // A draft left from last time.
        self.reset();
        self.keys("1a");
        let draft = Draft::of(self.rig.app.form.as_ref().unwrap());
        self.rig.app.form = None;
        self.rig.act(Action::OfferDraft(Box::new(draft)));
        self.look("a draft offered");
        self.rig.act(Action::DraftChoice(DraftAct::Restore));
        self.look("a draft restored");
        self.reset();
        self.rig.act(Action::GoTab(Tab::Cadres));
    }
}

#[test]
fn chinese_screens_have_no_english() {
    let mut walk = Walk::new(Lang::Zh, Access::Auto);
    walk.run();
    assert!(walk.seen > 150, "{} screens", walk.seen);
}

#[test]
fn a_read_only_session_refuses_in_chinese() {
    let mut walk = Walk::new(Lang::Zh, Access::ReadOnly);
    for keys in ["1a", "1e", "1X", "2m", "3e", "4a", "5a", "5P", "6a", "6D", "u"] {
        walk.reset();
        walk.keys(keys);
        walk.look(&format!("read-only: {keys}"));
        assert!(walk.rig.status().starts_with("只读（以 --read-only 打开）"), "{keys}: {}", walk.rig.status());
    }
}

#[test]
fn english_screens_have_no_chinese_punctuation_in_english_text() {
    let mut walk = Walk::new(Lang::En, Access::Auto);
    walk.run();
}
