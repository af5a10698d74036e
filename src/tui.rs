//! The terminal: setup and full restore (on quit, error, panic and signals), and the one
//! synchronous loop: draw when something changed, wait for input, turn it into actions.
//!
//! Waiting is a `poll(2)` on the terminal and a self-pipe that SIGHUP, SIGTERM, SIGINT and
//! SIGWINCH (via `watch_resizes`) write to, so a signal wakes the loop at once and a hung-up terminal (POLLHUP) ends
//! it instead of spinning. crossterm is only asked to read when `poll` says there is input.
//! When idle nothing is drawn: a timeout only checks whether the date changed (when `--today`
//! is not given), and redraws only if it did. A watchdog thread restores the terminal and
//! exits if the loop has not ended within a second of a terminating signal.

use crate::app::keys::map_event;
use crate::app::{self, Action, App, Effect, FrameInfo, Snapshot};
use crate::cli::{Lang, ViewArgs};
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::Rect;
use ratatui::Terminal;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

/// How the screens are opened (from the command line and the environment).
#[derive(Debug, Clone)]
pub struct Options {
    /// `--today`: pins the date. Without it the date follows the clock (and midnight).
    pub today: Option<NaiveDate>,
    pub lang: Lang,
    pub ascii: bool,
    pub color: bool,
    pub db_path: PathBuf,
}

impl Options {
    /// From the command line, filling in the language and colour from the environment.
    pub fn new(view: &ViewArgs, db_path: &Path) -> Options {
        let env = |k: &str| std::env::var(k).ok();
        Options {
            today: view.today,
            lang: view.lang.unwrap_or_else(|| lang_from_env(env)),
            ascii: view.ascii,
            color: color_from_env(env),
            db_path: db_path.to_path_buf(),
        }
    }
}

/// Chinese when the first of LC_ALL, LC_MESSAGES, LANG that is set starts with `zh`.
pub fn lang_from_env(get: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().filter_map(&get).find(|v| !v.is_empty());
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// No colour under `NO_COLOR` (set and not empty, see no-color.org) or `TERM=dumb`.
pub fn color_from_env(get: impl Fn(&str) -> Option<String>) -> bool {
    let no_color = get("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = get("TERM").is_some_and(|t| t == "dumb");
    !no_color && !dumb
}

/// Reads the database for `today`: all records and the header's attention counts.
pub fn snapshot(store: &Store, today: NaiveDate) -> crate::store::Result<Snapshot> {
    Ok(Snapshot { data: store.load()?, today, counts: store.attention_counts(today)? })
}

fn local_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Draws the app and tells it what the frame looked like. Tests use it with `TestBackend`.
pub fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> Result<(), B::Error> {
    let mut info = FrameInfo::default();
    terminal.draw(|frame| info = crate::ui::draw(frame, app))?;
    app.update(Action::Frame(info));
    Ok(())
}

/// Opens the screens on `store`; the exit status: 0, or 128 + the signal that ended it.
pub fn run(store: Store, options: Options) -> crate::store::Result<u8> {
    if !io::stdout().is_terminal() {
        return Err(StoreError::Io(io::Error::other(
            "the screens need a terminal; for scripts use `guazhi overdue`, `stats` or `check`",
        )));
    }
    let today = options.today.unwrap_or_else(local_today);
    // Read before touching the terminal: a bad database is reported on a normal screen.
    let snap = snapshot(&store, today)?;
    let db_name = options
        .db_path
        .file_name()
        .map_or_else(|| options.db_path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let opts = app::Options {
        lang: options.lang,
        ascii: options.ascii,
        color: options.color,
        db_name: crate::text::display_safe(&db_name).into_owned(),
        read_only: store.read_only_reason().map(str::to_string),
    };
    let mut app = App::new(snap, opts);
    let signals = Signals::install()?;
    install_panic_hook();
    let mut terminal = match setup() {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(e.into());
        }
    };
    let result = event_loop(&mut terminal, &mut app, &store, &options, &signals);
    restore();
    // Not dropped: its destructor shows the cursor again and, on a dead terminal, reports the
    // failure with `eprintln!`, which panics when stderr is gone too. `restore` did it all.
    std::mem::forget(terminal);
    result
}

type Term = Terminal<CrosstermBackend<BufWriter<io::Stdout>>>;

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
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(1 << 16, io::stdout())))
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

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Terminating signals set `which`; every registered signal also wakes `poll` via the pipe.
struct Signals {
    which: Arc<AtomicUsize>,
    wake: UnixStream,
}

impl Signals {
    fn install() -> io::Result<Signals> {
        let (wake, notify) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        notify.set_nonblocking(true)?;
        let which = Arc::new(AtomicUsize::new(0));
        for sig in [SIGHUP, SIGTERM, SIGINT] {
            signal_hook::flag::register_usize(sig, Arc::clone(&which), sig as usize)?;
        }
        for sig in [SIGHUP, SIGTERM, SIGINT] {
            signal_hook::low_level::pipe::register(sig, notify.try_clone()?)?;
        }
        watch_resizes(notify.try_clone()?)?;
        let mut watch = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT])?;
        std::thread::spawn(move || {
            if let Some(sig) = watch.forever().next() {
                // The loop normally ends well within this; if it is stuck, end here.
                std::thread::sleep(Duration::from_millis(900));
                restore();
                std::process::exit(128 + sig);
            }
        });
        Ok(Signals { which, wake })
    }

    fn terminating(&self) -> Option<u8> {
        match self.which.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(128u8.saturating_add(u8::try_from(sig).unwrap_or(127))),
        }
    }

    fn drain(&self) {
        let mut buf = [0u8; 64];
        while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
    }
}

/// Takes SIGWINCH away from every handler (crossterm's included) and turns it into a byte on
/// `notify`. crossterm reads the terminal through an edge-triggered epoll; when a resize and a
/// key arrive together it returns the resize and drops the terminal's readiness, so the key
/// sits unread (and a level-triggered wait on the terminal would spin) until the next key.
/// With SIGWINCH blocked in all threads and taken by `sigwait` here, crossterm never sees a
/// resize; the loop redraws at the new size itself. Must run before any thread is started
/// (threads inherit the signal mask).
fn watch_resizes(notify: UnixStream) -> io::Result<()> {
    // SAFETY: plain libc calls on a sigset_t owned by this function.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, SIGWINCH);
        let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        set
    };
    std::thread::spawn(move || loop {
        let mut sig = 0;
        // SAFETY: `set` is a valid, initialised signal set; `sig` a valid out-pointer.
        if unsafe { libc::sigwait(&set, &mut sig) } == 0 && sig == SIGWINCH {
            let _ = (&notify).write(&[1]);
        }
    });
    Ok(())
}

/// The descriptor crossterm reads keys from: stdin when it is a terminal, else /dev/tty.
fn input_fd() -> io::Result<(RawFd, Option<OwnedFd>)> {
    if io::stdin().is_terminal() {
        return Ok((io::stdin().as_raw_fd(), None));
    }
    let tty: OwnedFd = std::fs::File::open("/dev/tty")?.into();
    Ok((tty.as_raw_fd(), Some(tty)))
}

enum Wake {
    Input,
    Signal,
    Timeout,
    HungUp,
}

fn wait(tty: RawFd, wake: RawFd, timeout: Option<Duration>) -> io::Result<Wake> {
    let mut fds = [
        libc::pollfd { fd: tty, events: libc::POLLIN, revents: 0 },
        libc::pollfd { fd: wake, events: libc::POLLIN, revents: 0 },
    ];
    let ms = timeout.map_or(-1, |t| i32::try_from(t.as_millis()).unwrap_or(i32::MAX));
    // SAFETY: `fds` is a valid array of two pollfd structs for the duration of the call.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, ms) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted { Ok(Wake::Signal) } else { Err(e) };
    }
    if fds[0].revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        return Ok(Wake::HungUp);
    }
    if fds[1].revents != 0 {
        return Ok(Wake::Signal);
    }
    Ok(if fds[0].revents & libc::POLLIN != 0 { Wake::Input } else { Wake::Timeout })
}

/// Runs the loop; a terminal that went away mid-way ends it like a hang-up, not an error.
fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    store: &Store,
    options: &Options,
    signals: &Signals,
) -> crate::store::Result<u8> {
    let (tty, _keep_open) = input_fd()?;
    match serve(terminal, app, store, options, signals, tty) {
        Err(StoreError::Io(_))
            if matches!(wait(tty, signals.wake.as_raw_fd(), Some(Duration::ZERO)), Ok(Wake::HungUp) | Err(_)) =>
        {
            Ok(128 + SIGHUP as u8)
        }
        other => other,
    }
}

fn serve(
    terminal: &mut Term,
    app: &mut App,
    store: &Store,
    options: &Options,
    signals: &Signals,
    tty: RawFd,
) -> crate::store::Result<u8> {
    // Without a pinned date, look at the clock now and then for midnight.
    let timeout = options.today.is_none().then_some(Duration::from_secs(1));
    let mut dirty = true;
    // After a resize the terminal's contents are unknown (a shrinking terminal drops what no
    // longer fits), so the next frame is drawn whole, even at the size last drawn at.
    let mut repaint = false;
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
        }
        match wait(tty, signals.wake.as_raw_fd(), timeout)? {
            Wake::HungUp => return Ok(128 + SIGHUP as u8),
            Wake::Signal => {
                // A resize (SIGWINCH, see `watch_resizes`): draw whole at the new size.
                signals.drain();
                dirty = true;
                repaint = true;
            }
            Wake::Timeout => {
                if options.today.is_none() && local_today() != app.today {
                    app.update(Action::Load(Box::new(snapshot(store, local_today())?)));
                    dirty = true;
                }
                continue;
            }
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
            match app.update(action) {
                Effect::Quit => return Ok(0),
                Effect::Redraw => dirty = true,
                Effect::Reload => {
                    let today = options.today.unwrap_or_else(local_today);
                    app.update(Action::Load(Box::new(snapshot(store, today)?)));
                    dirty = true;
                }
                Effect::None => {}
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
    fn language_follows_the_first_locale_variable_set() {
        assert_eq!(lang_from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(lang_from_env(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])), Lang::En);
        assert_eq!(lang_from_env(env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW"), ("LANG", "C")])), Lang::Zh);
        assert_eq!(lang_from_env(env(&[])), Lang::En);
    }

    #[test]
    fn no_color_when_set_and_not_empty() {
        assert!(color_from_env(env(&[])));
        assert!(color_from_env(env(&[("NO_COLOR", "")])));
        assert!(!color_from_env(env(&[("NO_COLOR", "1")])));
        assert!(!color_from_env(env(&[("TERM", "dumb")])));
    }
}
