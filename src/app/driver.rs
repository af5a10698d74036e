//! Carries out what `App::update` asks of the store, the same way for the terminal loop and for
//! tests: each write is one `Store::write` (one short `BEGIN IMMEDIATE` transaction with the
//! row's version checked), its outcome goes back into the app as an action, and after a save
//! the data is read again so every screen (and the header's counts) shows it.

use super::action::{Action, Effect};
use super::operation::{Failure, Operation};
use super::popup::Request;
use super::view::Tone;
use super::{App, Snapshot};
use crate::draft::Slot;
use crate::store::{changes_between, AuditEntry, Store, StoreError};
use chrono::NaiveDate;
use std::sync::OnceLock;

/// What the app's requests run against.
pub struct Session<'a> {
    pub store: &'a mut Store,
    pub today: NaiveDate,
    /// Where this user's draft for the database lives (none without a home folder).
    pub drafts: Option<&'a Slot>,
}

/// Applies `action`, then carries out the store work it led to. Returns what the terminal
/// still has to do: draw, nothing, or quit. Only reading the data again can fail here; a
/// failed write is a message in the app, never an error of the loop.
pub fn step(app: &mut App, s: &mut Session, action: Action) -> crate::store::Result<Effect> {
    let effect = app.update(action);
    carry_out(app, s, effect)
}

/// The second half of `step`: the store work an update's effect asks for. The terminal loop
/// draws between the two halves, so "saving…" shows while a save waits on a colleague's lock.
pub fn carry_out(app: &mut App, s: &mut Session, mut effect: Effect) -> crate::store::Result<Effect> {
    loop {
        effect = match effect {
            Effect::Reload => {
                app.update(Action::Load(Box::new(reread(app, s.store, s.today)?)));
                if app.requests.is_empty() {
                    Effect::Redraw
                } else {
                    Effect::Store
                }
            }
            Effect::Store => {
                let mut next = Effect::Redraw;
                for request in std::mem::take(&mut app.requests) {
                    if let Some(result) = execute(request, s) {
                        match app.update(result) {
                            Effect::Reload => next = Effect::Reload,
                            Effect::Store if next != Effect::Reload => next = Effect::Store,
                            _ => {}
                        }
                    }
                }
                if next == Effect::Redraw && !app.requests.is_empty() {
                    next = Effect::Store;
                }
                next
            }
            other => return Ok(if sync_window(app, s)? && other == Effect::None { Effect::Redraw } else { other }),
        };
    }
}

/// What the app shows, read again for `today`: every record, or for a large database the
/// window's neighbourhood and the header's counts (its catalogs are rebuilt apart).
pub fn reread(app: &App, store: &Store, today: NaiveDate) -> crate::store::Result<Snapshot> {
    match &app.lean {
        Some(lean) => super::lean::read_window(store, today, &lean.window),
        None => Snapshot::read(store, today),
    }
}

/// Large mode: reads the neighbourhood of the cadres the screen now needs; true when it did.
pub fn sync_window(app: &mut App, s: &mut Session) -> crate::store::Result<bool> {
    let Some(window) = app.window_wanted() else { return Ok(false) };
    let data = s.store.neighbourhood(&window)?;
    app.take_window(data, window);
    Ok(true)
}

fn execute(request: Request, s: &mut Session) -> Option<Action> {
    match request {
        Request::Write(cmd) => {
            let result = s.store.write(|w| {
                let done = cmd.run(w);
                test_panic("save");
                done
            });
            Some(Action::Saved(result.map_err(|e| failure(e, &cmd, s.store))))
        }
        Request::History { title, targets } => {
            let mut entries: Vec<AuditEntry> = Vec::new();
            for (table, id) in targets {
                match s.store.history(table, id) {
                    Ok(found) => entries.extend(found),
                    Err(e) => return Some(Action::Notice(Tone::Error, e.to_string())),
                }
            }
            entries.sort_by_key(|e| std::cmp::Reverse(e.id));
            entries.dedup_by_key(|e| e.id);
            Some(Action::History(title, entries))
        }
        Request::PeekUndo => Some(match s.store.last_undoable() {
            Ok(last) => Action::UndoPeek(last),
            Err(e) => Action::Notice(Tone::Error, e.to_string()),
        }),
        Request::PairCandidates { secondment, mut window } => {
            let read = super::lean::pair_candidates(s.store, secondment).and_then(|found| {
                window.extend(found);
                window.sort_unstable();
                window.dedup();
                super::lean::read_window(s.store, s.today, &window)
            });
            Some(match read {
                Ok(snapshot) => Action::Widened {
                    snapshot: Box::new(snapshot),
                    window,
                    then: super::form::FormKind::Pair { secondment },
                },
                Err(e) => Action::Notice(Tone::Error, e.to_string()),
            })
        }
        Request::DeleteDraft => {
            if let Some(slot) = s.drafts {
                slot.remove();
            }
            None
        }
    }
}

/// A store error as the app keeps it. For a conflict, the audit trail says who saved last and
/// when, and the diff runs from the row as this save knew it (the old values of the first
/// change after its version) to the row as it is now.
fn failure(e: StoreError, cmd: &Operation, store: &Store) -> Failure {
    match e {
        StoreError::Conflict { table, id, current } => {
            let history = store.history(table, id).unwrap_or_default();
            let version = |json: &Option<String>| {
                json.as_deref()
                    .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                    .and_then(|v| v["version"].as_i64())
            };
            let mine = cmd.version().unwrap_or(i64::MAX);
            // Newest first: the changes made since this save's version.
            let since: Vec<&AuditEntry> =
                history.iter().filter(|e| version(&e.new_values).is_none_or(|v| v > mine)).collect();
            let newest = since.first().copied().or(history.first());
            let loaded = since
                .last()
                .and_then(|e| e.old_values.as_deref())
                .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
            let loaded = loaded.as_ref().and_then(|v| v.as_object());
            let now = current.as_ref().and_then(|v| v.as_object());
            Failure::Conflict {
                table: table.to_string(),
                id,
                who: newest.map(|e| e.os_user.clone()),
                at: newest.map(|e| e.at.clone()),
                changes: if loaded.is_some() { changes_between(loaded, now) } else { Vec::new() },
                deleted: current.is_none(),
            }
        }
        StoreError::Busy => Failure::Busy,
        StoreError::Full => Failure::Full,
        StoreError::ReadOnly(why) => Failure::ReadOnly(why),
        StoreError::Invalid { field, message } => Failure::Invalid { field, message },
        StoreError::NotFound { .. } => Failure::NotFound(e.to_string()),
        StoreError::InUse { what } => Failure::InUse(what),
        other => Failure::Other(other.to_string()),
    }
}

/// Test-only: panics at `point` when `GUAZHI_TEST_PANIC` names it, so the tests can check
/// what a bug does to the terminal, the open form and the open transaction. The points:
/// `draw` (a frame drawn while a form has unsaved changes) and `save` (inside the save's
/// transaction, after its writes, before the commit). Unset, this is one cached lookup.
pub fn test_panic(point: &str) {
    static WANTED: OnceLock<Option<String>> = OnceLock::new();
    if WANTED.get_or_init(|| std::env::var("GUAZHI_TEST_PANIC").ok()).as_deref() == Some(point) {
        panic!("GUAZHI_TEST_PANIC={point}: a deliberate panic for the reliability tests");
    }
}
