//! The effect runner: carries out what `App::update` asks for, the same way for the terminal
//! loop and for tests, and hands every answer back to the app as an action. Writes are one
//! `Store::write` each (one short `BEGIN IMMEDIATE` transaction with the row's version checked);
//! after a save the lists take in what it changed (`lists::refresh`); the window is read
//! whenever the screen needs records it lacks; lists are built in the background by the loop's
//! `Builder`, or here at once when there is none (tests). The app itself does no I/O.

mod export;
mod forms;
pub mod lists;
mod write;

pub use export::write_export;
pub use forms::write_forms;

use crate::app::catalog::first::{FirstRows, FIRST_ROWS};
use crate::app::catalog::handover::Shown;
use crate::app::list::Filters;
use crate::app::popup::Request;
use crate::app::view::{Rec, Tone};
use crate::app::{Action, App, Display, Effect, Failure, FirstScreen, Operation, Tab};
use crate::draft::Slot;
use crate::store::{changes_between, AuditEntry, Store, StoreError};
use chrono::NaiveDate;
use lists::{build_all, build_all_reviews, refresh};
use std::sync::OnceLock;

/// Builds lists away from the loop (the terminal's background thread).
pub trait Builder {
    /// Starts building the lists (every review, when asked) for `shown`, unless a build of
    /// the same is under way.
    fn start(&mut self, shown: Shown, all_reviews: bool) -> std::io::Result<()>;
}

/// What the app's requests run against.
pub struct Session<'a> {
    pub store: &'a mut Store,
    pub today: NaiveDate,
    /// Where this user's draft for the database lives (none without a home folder).
    pub drafts: Option<&'a Slot>,
    /// The background builder; without one, lists are built here before returning.
    pub builder: Option<&'a mut dyn Builder>,
}

/// Applies `action`, then carries out the store work it led to. Returns what the terminal
/// still has to do: draw, nothing, or quit. Only reading the data can fail here; a failed write
/// is a message in the app, never an error of the loop.
pub fn step(app: &mut App, s: &mut Session, action: Action) -> crate::store::Result<Effect> {
    let effect = app.update(action);
    carry_out(app, s, effect)
}

/// The second half of `step`: the store work an update's effect asks for. The terminal loop
/// draws between the two halves, so "saving…" shows while a save waits on a colleague's lock.
pub fn carry_out(app: &mut App, s: &mut Session, effect: Effect) -> crate::store::Result<Effect> {
    carry(app, s, effect, false)
}

/// `carry_out` for the terminal: it hands back as soon as a save is answered, leaving the
/// reading of what the save changed in `app.requests`, so that "saved" is drawn at once; the
/// loop then calls `carry_out` for the rest.
pub fn carry_out_to_save(app: &mut App, s: &mut Session, effect: Effect) -> crate::store::Result<Effect> {
    carry(app, s, effect, true)
}

fn carry(app: &mut App, s: &mut Session, mut effect: Effect, stop_at_save: bool) -> crate::store::Result<Effect> {
    let mut drawn = false;
    loop {
        if effect == Effect::Quit {
            return Ok(Effect::Quit);
        }
        if effect == Effect::Store || !app.requests.is_empty() {
            drawn = true;
            let mut saved = false;
            for request in std::mem::take(&mut app.requests) {
                saved |= matches!(request, Request::Write(_));
                for action in execute(request, app, s)? {
                    if app.update(action) == Effect::Quit {
                        return Ok(Effect::Quit);
                    }
                }
            }
            if stop_at_save && saved {
                // The draft of what was saved goes with the save; the reading can follow the frame.
                let (drafts, rest): (Vec<Request>, Vec<Request>) =
                    std::mem::take(&mut app.requests).into_iter().partition(|r| matches!(r, Request::DeleteDraft));
                app.requests = rest;
                for request in drafts {
                    for action in execute(request, app, s)? {
                        if app.update(action) == Effect::Quit {
                            return Ok(Effect::Quit);
                        }
                    }
                }
                if !app.requests.is_empty() {
                    return Ok(Effect::Redraw);
                }
            }
            effect = Effect::Redraw;
            continue;
        }
        if let Some(want) = app.window_wanted() {
            let data = read_window(s.store, &want.cadres, want.batch)?;
            app.update(Action::Window { data: Box::new(data), want });
            drawn = true;
            continue;
        }
        return Ok(if drawn && effect == Effect::None { Effect::Redraw } else { effect });
    }
}

/// How the app shows its lists (what a build derives them for).
pub fn shown(app: &App) -> Shown {
    Shown { today: app.today, lang: app.opts.lang, ascii: app.opts.ascii }
}

/// The neighbourhood of `cadres`, and what `batch`'s cadres' findings need, in one read
/// transaction.
fn read_window(
    store: &Store,
    cadres: &[crate::domain::Id],
    batch: Option<crate::domain::Id>,
) -> crate::store::Result<crate::store::Data> {
    let tx = store.connection().unchecked_transaction()?;
    let flagged = match batch {
        Some(b) => store.cadres_in_batches(&[b])?,
        None => Vec::new(),
    };
    let data = store.neighbourhood_with_flags(cadres, &flagged)?;
    tx.commit()?;
    Ok(data)
}

/// What the screens open on (and show after `R` or at midnight): the header's counts, the
/// first rows of the lists by index, every batch and unit, and the first cadres' window. One
/// read transaction, milliseconds at any size.
pub fn first_screen(store: &Store, today: NaiveDate) -> crate::store::Result<FirstScreen> {
    let tx = store.connection().unchecked_transaction()?;
    let mark = store.audit_mark()?;
    let counts = store.attention_counts(today)?;
    let mut first: [Option<FirstRows>; 6] = Default::default();
    let cadres: Vec<(Rec, Option<crate::domain::Id>)> =
        store.first_cadres(today, FIRST_ROWS)?.into_iter().map(|id| (Rec::Cadre(id), Some(id))).collect();
    let window: Vec<crate::domain::Id> = {
        let mut w: Vec<_> = cadres.iter().take(80).filter_map(|r| r.1).collect();
        w.sort_unstable();
        w
    };
    first[Tab::Cadres.index()] = Some(FirstRows::new(cadres, Filters::default()));
    let pairs = store
        .first_pairs(FIRST_ROWS)?
        .into_iter()
        .map(|(id, pair, cadre)| (if pair { Rec::Pair(id) } else { Rec::Secondment(id) }, Some(cadre)));
    first[Tab::Pairs.index()] = Some(FirstRows::new(pairs.collect(), Filters::default()));
    let reviews = store.first_open_reviews(FIRST_ROWS)?.into_iter().map(|(id, cadre)| (Rec::Review(id), Some(cadre)));
    first[Tab::Reviews.index()] = Some(FirstRows::new(reviews.collect(), Filters::default()));
    let batches = store.batches(None)?;
    let units = store.units(None)?;
    let data = store.neighbourhood(&window)?;
    tx.commit()?;
    Ok(FirstScreen { today, counts, mark, first, batches, units, data, window })
}

fn execute(request: Request, app: &App, s: &mut Session) -> crate::store::Result<Vec<Action>> {
    Ok(match request {
        Request::Write(op) => {
            let result = s.store.write(|w| {
                let done = write::write(&op, w);
                test_panic("save");
                done
            });
            vec![Action::Saved(result.map_err(|e| failure(e, &op, s.store)))]
        }
        Request::History { title, targets } => {
            let mut entries: Vec<AuditEntry> = Vec::new();
            for (table, id) in targets {
                match s.store.history(table, id) {
                    Ok(found) => entries.extend(found),
                    Err(e) => return Ok(vec![Action::Notice(Tone::Error, e.message().get(app.opts.lang).to_string())]),
                }
            }
            entries.sort_by_key(|e| std::cmp::Reverse(e.id));
            entries.dedup_by_key(|e| e.id);
            vec![Action::History(title, entries)]
        }
        Request::OwnChanges => vec![match s.store.own_changes() {
            Ok(list) => Action::OwnChanges(list),
            Err(e) => Action::Notice(Tone::Error, e.message().get(app.opts.lang).to_string()),
        }],
        Request::PeekUndo => vec![match s.store.last_undoable() {
            Ok(last) => Action::UndoPeek(last),
            Err(e) => Action::Notice(Tone::Error, e.message().get(app.opts.lang).to_string()),
        }],
        Request::PairCandidates { secondment, mut window } => {
            let read = s.store.pair_candidates(secondment).and_then(|found| {
                window.extend(found);
                window.sort_unstable();
                window.dedup();
                s.store.neighbourhood(&window)
            });
            vec![match read {
                Ok(data) => Action::Widened {
                    data: Box::new(data),
                    window,
                    then: crate::app::form::FormKind::Pair { secondment },
                },
                Err(e) => Action::Notice(Tone::Error, e.message().get(app.opts.lang).to_string()),
            }]
        }
        Request::DeleteDraft => {
            if let Some(slot) = s.drafts {
                slot.remove();
            }
            Vec::new()
        }
        Request::Refresh => vec![reread(app, s)?],
        Request::Live => {
            let saves = s.store.saves_since(app.told)?;
            let mut out = vec![reread(app, s)?];
            // Nothing the lists show changed (this window's own save, already read).
            out.retain(|a| !matches!(a, Action::Refreshed(r) if r.affected.is_empty()));
            out.push(Action::ColleaguesSaved { saves, reload: false });
            out
        }
        Request::Build { all_reviews } => match s.builder.as_deref_mut() {
            Some(builder) => {
                builder.start(shown(app), all_reviews)?;
                Vec::new()
            }
            None if all_reviews => vec![Action::Built(Box::new(build_all_reviews(s.store, shown(app))?))],
            None => {
                let mut built = Vec::new();
                build_all(s.store, shown(app), |h| {
                    built.push(Action::Built(Box::new(h)));
                    true
                })?;
                built
            }
        },
        Request::Reload => {
            let saves = s.store.saves_since(app.told)?;
            vec![
                Action::Load(Box::new(first_screen(s.store, s.today)?)),
                Action::ColleaguesSaved { saves, reload: true },
            ]
        }
        Request::Export(job) => vec![export::exported(app, s.store, job)],
    })
}

/// What changed since the lists' audit mark, read for them; everything again when a change
/// may have touched anything (the policy, a bulk load).
fn reread(app: &App, s: &mut Session) -> crate::store::Result<Action> {
    let holds_all = app.catalogs.reviews.as_ref().is_some_and(|r| r.holds_all());
    let r = refresh(s.store, app.catalogs.mark, shown(app), holds_all)?;
    Ok(if r.affected.all {
        Action::Load(Box::new(first_screen(s.store, s.today)?))
    } else {
        Action::Refreshed(Box::new(r))
    })
}

/// A store error as the app keeps it. For a conflict, the audit trail says who saved last and
/// when, and the diff runs from the row as this save knew it (the old values of the first
/// change after its version) to the row as it is now.
fn failure(e: StoreError, op: &Operation, store: &Store) -> Failure {
    match e {
        StoreError::Conflict { table, id, current } => {
            let history = store.history(table, id).unwrap_or_default();
            let version = |json: &Option<String>| {
                json.as_deref()
                    .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                    .and_then(|v| v["version"].as_i64())
            };
            let mine = op.version().unwrap_or(i64::MAX);
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
        StoreError::NotFound { .. } => Failure::NotFound(e.message()),
        StoreError::InUse { what } => Failure::InUse(what),
        other => Failure::Other(other.message()),
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

/// The app on `store` for `today`, every list built here before it returns (tests, and tools
/// without a terminal; the screens build them in the background instead).
pub fn open(store: &mut Store, today: NaiveDate, opts: Display) -> crate::store::Result<App> {
    let first = first_screen(store, today)?;
    let mut app = App::new(first, opts);
    carry_out(&mut app, &mut Session { store, today, drafts: None, builder: None }, Effect::Store)?;
    Ok(app)
}
