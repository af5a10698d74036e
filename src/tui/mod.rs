//! The terminal: setup and full restore (on quit, error, panic and signals), and the one
//! synchronous loop: draw when something changed, wait for input, turn it into actions.
//!
//! Waiting is a `poll(2)` on the terminal and a self-pipe that SIGHUP, SIGTERM, SIGINT, SIGQUIT and
//! SIGWINCH (via `watch_resizes`) write to, so a signal wakes the loop at once and a hung-up terminal (POLLHUP) ends
//! it instead of spinning. crossterm is only asked to read when `poll` says there is input.
//! When idle the loop sleeps with no timeout and nothing is drawn: the loader's watch thread
//! wakes it when a colleague saved or the day changed (`loader`). A watchdog thread restores the terminal and
//! exits if the loop has not ended within a second of a terminating signal.
//!
//! Saves go through `app::driver::step` (the same path the tests drive). A form with unsaved
//! changes is kept as a draft (`crate::draft`) whenever the program ends other than by saving
//! or cancelling it: a signal, a hung-up terminal, Ctrl-C. The draft is written before the
//! terminal is restored, and offered at the next start on the same database.

mod loader;

use loader::Handed;
mod signals;
mod wire;

use crate::app::keys::map_event;
use crate::app::{self, Action, App, Effect, FrameInfo};
use crate::draft::{Draft, Slot};
use crate::lang::Lang;
use crate::runner::{carry_out, carry_out_to_save, Session};
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::Rect;
use ratatui::Terminal;
use signal_hook::consts::SIGHUP;
use signals::{input_fd, wait, write_pending, Pending, Signals, Wake};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::Duration;
use wire::Wire;

/// How the screens are opened (the command line and the environment decide it).
#[derive(Debug, Clone)]
pub struct Launch {
    /// `--today`: pins the date. Without it the date follows the clock (and midnight).
    pub today: Option<NaiveDate>,
    pub lang: Lang,
    pub ascii: bool,
    pub color: bool,
    pub db_path: PathBuf,
    /// The keys in effect (the settings file's remaps on the key table).
    pub keys: app::keys::KeyMap,
}

/// No colour under `NO_COLOR` (set and not empty, see no-color.org) or `TERM=dumb`.
pub fn color_from_env(get: impl Fn(&str) -> Option<String>) -> bool {
    let no_color = get("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = get("TERM").is_some_and(|t| t == "dumb");
    !no_color && !dumb
}

fn local_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Draws the app and tells it what the frame looked like. Tests use it with `TestBackend`.
pub fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> Result<(), B::Error> {
    if app.unsaved() {
        crate::runner::test_panic("draw");
    }
    let mut info = FrameInfo::default();
    terminal.draw(|frame| info = crate::ui::draw(frame, app))?;
    app.update(Action::Frame(info));
    Ok(())
}

/// Opens the screens on `store`; the exit status: 0, or 128 + the signal that ended it.
pub fn run(store: Store, options: Launch) -> crate::store::Result<u8> {
    loader::map_large_blocks();
    let today = options.today.unwrap_or_else(local_today);
    // Read before touching the terminal: a bad database is reported on a normal screen (and
    // before "no terminal", the lesser problem). Only what the first screen shows, by index.
    let first = crate::runner::first_screen(&store, today)?;
    if !io::stdout().is_terminal() {
        return Err(StoreError::Io(io::Error::other(
            "the screens need a terminal; for scripts use `guazhi overdue`, `stats` or `check`",
        )));
    }
    let db_name = options
        .db_path
        .file_name()
        .map_or_else(|| options.db_path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let opts = app::Display {
        lang: options.lang,
        ascii: options.ascii,
        color: options.color,
        db_name: crate::text::display_safe(&db_name).into_owned(),
        read_only: store.read_only_reason().map(|why| why.get(options.lang).to_string()),
        world_readable: store.world_readable(),
        keys: options.keys.clone(),
    };
    let read_only = opts.read_only.is_some();
    let mut app = App::new(first, opts);
    if let Some(warning) = store.exposure_warning() {
        app.update(Action::Notice(crate::app::view::Tone::Warning, warning.get(options.lang).to_string()));
    }
    let slot = Slot::for_db(&options.db_path);
    // A read-only session could not save a restored form: the draft waits for a writable one.
    if let Some(draft) = slot.as_ref().filter(|_| !read_only).and_then(Slot::load) {
        app.update(Action::OfferDraft(Box::new(draft)));
    }
    let pending: Pending = Arc::new(Mutex::new(None));
    let signals = Signals::install(Arc::clone(&pending), slot.clone(), options.lang)?;
    let _ = ON_PANIC.set((Arc::clone(&pending), slot.clone()));
    install_panic_hook();
    let mut terminal = match setup() {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(e.into());
        }
    };
    let loader = loader::Loader::new(options.db_path.clone(), options.today.is_none())?;
    let mut ctx = Ctx { store, options: &options, signals: &signals, slot: slot.as_ref(), pending: &pending, loader };
    let result = event_loop(&mut terminal, &mut app, &mut ctx);
    // However it ended, a form with unsaved changes is kept, before the terminal is touched.
    keep_form(&app, &pending);
    let kept = write_pending(&pending, slot.as_ref());
    restore();
    // Not dropped: its destructor shows the cursor again and, on a dead terminal, reports the
    // failure with `eprintln!`, which panics when stderr is gone too. `restore` did it all.
    std::mem::forget(terminal);
    if let Some(kept) = kept {
        // stderr may be a dead terminal: a failed write is not worth a panic.
        let _ = writeln!(io::stderr(), "guazhi: {}", kept.message().get(options.lang));
    }
    result
}

/// What the loop works with besides the terminal and the app.
struct Ctx<'a> {
    store: Store,
    options: &'a Launch,
    signals: &'a Signals,
    slot: Option<&'a Slot>,
    pending: &'a Pending,
    loader: loader::Loader,
}

impl Ctx<'_> {
    fn today(&self) -> NaiveDate {
        self.options.today.unwrap_or_else(local_today)
    }

    /// What the app's requests run against, as of now.
    fn session(&mut self) -> Session<'_> {
        let today = self.today();
        Session { store: &mut self.store, today, drafts: self.slot, builder: Some(&mut self.loader) }
    }
}

/// Remembers the open form as the draft to write should the program have to stop now.
fn keep_form(app: &App, pending: &Pending) {
    let draft = app.form.as_ref().filter(|_| app.unsaved()).map(Draft::of);
    *pending.lock().unwrap_or_else(|e| e.into_inner()) = draft;
}

type Term = Terminal<Wire<BufWriter<io::Stdout>>>;

/// Whether the terminal is in our modes (so restoring twice, or from the hook, is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);

fn setup() -> io::Result<Term> {
    ACTIVE.store(true, Ordering::SeqCst);
    terminal::enable_raw_mode()?;
    let mut out = io::stdout();
    // Clear by hand: `Terminal::clear` asks the terminal where its cursor is and waits for
    // the answer, a round trip (or a stall) over a slow or dead connection.
    execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        terminal::Clear(terminal::ClearType::All)
    )?;
    Terminal::new(Wire::on_blank_screen(BufWriter::with_capacity(1 << 16, io::stdout())))
}

/// Raw mode off, mouse and bracketed paste off, alternate screen left, cursor shown. Every
/// step is tried even when one fails (a dead terminal fails them all, harmlessly).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(out, DisableBracketedPaste);
    let _ = execute!(out, DisableMouseCapture);
    let _ = execute!(out, LeaveAlternateScreen);
    let _ = execute!(out, cursor::Show);
    let _ = out.flush();
}

/// The draft to keep should the program panic (set once the screens are up).
static ON_PANIC: OnceLock<(Pending, Option<Slot>)> = OnceLock::new();

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Even a bug must not lose the user's typing: the open form first, then the terminal.
            if let Some((pending, slot)) = ON_PANIC.get() {
                signals::try_write_pending(pending, slot.as_ref());
            }
            restore();
            previous(info);
        }));
    });
}

/// Runs the loop; a terminal that went away mid-way ends it like a hang-up, not an error.
fn event_loop(terminal: &mut Term, app: &mut App, ctx: &mut Ctx) -> crate::store::Result<u8> {
    let (tty, _keep_open) = input_fd()?;
    let wake = ctx.signals.wake.as_raw_fd();
    match serve(terminal, app, ctx, tty) {
        Err(StoreError::Io(_)) if matches!(wait(tty, wake, None, Some(Duration::ZERO)), Ok(Wake::HungUp) | Err(_)) => {
            Ok(128 + SIGHUP as u8)
        }
        other => other,
    }
}

fn serve(terminal: &mut Term, app: &mut App, ctx: &mut Ctx, tty: RawFd) -> crate::store::Result<u8> {
    let signals = ctx.signals;
    let mut dirty = true;
    // The first screen asks for the lists to be built.
    carry_out(app, &mut ctx.session(), Effect::Store)?;
    // After a resize the terminal's contents are unknown (a shrinking terminal drops what no
    // longer fits), so the next frame is drawn whole, even at the size last drawn at.
    let mut repaint = false;
    let mut trim = false;
    loop {
        if let Some(code) = signals.terminating() {
            return Ok(code);
        }
        if repaint {
            let size = terminal.size()?;
            terminal.resize(Rect::new(0, 0, size.width, size.height))?;
            repaint = false;
        }
        if dirty {
            draw(terminal, app)?;
            dirty = false;
            // What the frame shows it needs next (the Overview's batch, read once its table
            // is on screen).
            if app.window_wanted().is_some() {
                carry_out(app, &mut ctx.session(), Effect::Redraw)?;
                dirty = true;
                continue;
            }
        }
        // Once the change is drawn, what reading it freed goes back to the system: the heap
        // would otherwise keep each save's high-water mark (2 MB more a save at a million).
        if trim {
            loader::release_free_memory();
            trim = false;
        }
        // A save was answered and drawn: now read what it changed into the lists.
        if !app.requests.is_empty() {
            if carry_out(app, &mut ctx.session(), Effect::Store)? == Effect::Quit {
                return Ok(0);
            }
            trim = true;
            keep_form(app, ctx.pending);
            dirty = true;
            continue;
        }
        // No timeout: the watch (`loader`) wakes the loop when someone saved or the day changed.
        match wait(tty, signals.wake.as_raw_fd(), Some(ctx.loader.fd()), None)? {
            Wake::HungUp => return Ok(128 + SIGHUP as u8),
            Wake::Loaded => {
                for handed in ctx.loader.take() {
                    let today = ctx.today();
                    let action = match handed {
                        Handed::List(Ok(h)) => Action::Built(Box::new(h)),
                        Handed::List(Err(e)) => {
                            Action::Notice(app::view::Tone::Error, e.message().get(app.opts.lang).to_string())
                        }
                        Handed::Changed => Action::Changed,
                        Handed::NewDay if local_today() != app.today => {
                            Action::Load(Box::new(crate::runner::first_screen(&ctx.store, today)?))
                        }
                        Handed::NewDay => continue,
                    };
                    let effect = app.update(action);
                    carry_out(app, &mut ctx.session(), effect)?;
                }
                dirty = true;
                continue;
            }
            Wake::Signal => {
                // A resize (SIGWINCH, see `watch_resizes`): draw whole at the new size.
                signals.drain();
                dirty = true;
                repaint = true;
            }
            Wake::Timeout => continue,
            Wake::Input => {}
        }
        // Read everything crossterm has without blocking. The first look may wait a little:
        // should the terminal's bytes ever be stuck outside crossterm's sight, this keeps the
        // level-triggered wait above from spinning on them.
        let mut first = true;
        while event::poll(if first { Duration::from_millis(100) } else { Duration::ZERO })? {
            first = false;
            let ev = event::read()?;
            if matches!(ev, event::Event::Resize(..)) {
                repaint = true;
            }
            let Some(action) = map_event(app, &ev) else { continue };
            let effect = app.update(action);
            if effect == Effect::Store {
                // Show "saving…" before a save that may wait for a colleague's lock.
                draw(terminal, app)?;
            }
            let effect = carry_out_to_save(app, &mut ctx.session(), effect)?;
            keep_form(app, ctx.pending);
            match effect {
                Effect::Quit => return Ok(0),
                Effect::None => {}
                Effect::Repaint => (dirty, repaint) = (true, true),
                _ => dirty = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn no_color_when_set_and_not_empty() {
        assert!(color_from_env(env(&[])));
        assert!(color_from_env(env(&[("NO_COLOR", "")])));
        assert!(!color_from_env(env(&[("NO_COLOR", "1")])));
        assert!(!color_from_env(env(&[("TERM", "dumb")])));
    }
}
