//! Builds the lists on a background thread, on its own read-only connection, so the screen
//! answers keys while a million records are read. Each list is handed over as soon as it is
//! built; the thread wakes the loop through a socket the loop polls with the terminal.
//!
//! A second thread, the watch, holds the program's one timer: once a second it looks at
//! `PRAGMA data_version` on its own read-only connection (and at the clock, for midnight), and
//! wakes the loop only when another connection committed (or the day changed). Looking reads
//! a counter in shared memory: no file is written, and the terminal's thread sleeps meanwhile.

use crate::app::catalog::handover::{Handover, Shown};
use crate::runner::lists::{build_all, build_all_reviews};
use crate::runner::Builder;
use crate::store::{Access, Store};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the background threads hand to the loop.
pub enum Handed {
    /// A list built (a failed build: its error).
    List(crate::store::Result<Handover>),
    /// The database changed since the last look (a colleague saved, or this window did).
    Changed,
    /// The clock passed midnight.
    NewDay,
}

/// How often the watch looks: a colleague's save shows within this. The program's only timer:
/// idle, the process wakes once per interval, on this thread, and the loop sleeps.
pub const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Starts the watch on its own read-only connection; it ends when the returned sender is
/// dropped. A database it cannot open is not watched: the screens stay as they were, and `R`
/// still reads everything again.
fn watch(path: PathBuf, follow_clock: bool, sender: Sender<Handed>, mut notify: UnixStream) -> io::Result<Sender<()>> {
    let (keep, kept) = channel::<()>();
    std::thread::Builder::new().name("watch".into()).spawn(move || {
        let Ok(store) = Store::open(&path, Access::ReadOnly) else { return };
        // The first look always answers: what was saved between the first screen's reading
        // and this connection's opening is then read too.
        let mut seen = None;
        let mut day = chrono::Local::now().date_naive();
        loop {
            let mut news = Vec::new();
            if let Ok(now) = store.data_version() {
                if Some(now) != seen {
                    seen = Some(now);
                    news.push(Handed::Changed);
                }
            }
            let today = chrono::Local::now().date_naive();
            if follow_clock && today != day {
                day = today;
                news.push(Handed::NewDay);
            }
            if !news.is_empty() {
                let told = news.into_iter().all(|h| sender.send(h).is_ok());
                if !told || notify.write_all(&[1]).is_err() {
                    return;
                }
            }
            if !matches!(kept.recv_timeout(LOOK_EVERY), Err(RecvTimeoutError::Timeout)) {
                return;
            }
        }
    })?;
    Ok(keep)
}

pub struct Loader {
    path: PathBuf,
    wake: UnixStream,
    notify: UnixStream,
    sender: Sender<Handed>,
    received: Receiver<Handed>,
    /// The builds under way: every list, every review.
    running: Vec<(bool, JoinHandle<()>)>,
    /// Dropped with the loader, which ends the watch.
    _watch: Sender<()>,
}

impl Loader {
    /// `follow_clock`: the date is the clock's (no `--today`), so the watch tells midnight too.
    pub fn new(path: PathBuf, follow_clock: bool) -> io::Result<Loader> {
        let (wake, notify) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        let (sender, received) = channel();
        let watch = watch(path.clone(), follow_clock, sender.clone(), notify.try_clone()?)?;
        Ok(Loader { path, wake, notify, sender, received, running: Vec::new(), _watch: watch })
    }

    /// What the loop polls: readable when a list is built.
    pub fn fd(&self) -> RawFd {
        self.wake.as_raw_fd()
    }

    /// What the threads handed over since the last look.
    pub fn take(&mut self) -> Vec<Handed> {
        let mut buf = [0u8; 64];
        while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
        self.running.retain(|(_, t)| !t.is_finished());
        self.received.try_iter().collect()
    }
}

impl Builder for Loader {
    fn start(&mut self, shown: Shown, all_reviews: bool) -> io::Result<()> {
        self.running.retain(|(_, t)| !t.is_finished());
        if self.running.iter().any(|(all, _)| *all == all_reviews) {
            return Ok(());
        }
        let (path, sender, mut notify) = (self.path.clone(), self.sender.clone(), self.notify.try_clone()?);
        let thread = std::thread::Builder::new().name("lists".into()).spawn(move || {
            // The loop may be gone (the user quit): then nobody listens, and the build stops.
            // Each phase's scratch memory goes back before the next phase grows: the session's
            // peak is then the lists plus one phase, not the sum of every phase's leftovers.
            let mut hand = |h: crate::store::Result<Handover>| {
                let sent = sender.send(Handed::List(h)).is_ok() && notify.write_all(&[1]).is_ok();
                release_free_memory();
                sent
            };
            let store = match Store::open(&path, Access::ReadOnly) {
                Ok(store) => store,
                Err(e) => {
                    hand(Err(e));
                    return;
                }
            };
            let result = if all_reviews {
                build_all_reviews(&store, shown).map(|h| {
                    hand(Ok(h));
                })
            } else {
                build_all(&store, shown, |h| hand(Ok(h)))
            };
            if let Err(e) = result {
                hand(Err(e));
            }
            release_free_memory();
        })?;
        self.running.push((all_reviews, thread));
        Ok(())
    }
}

/// Hands memory freed by a build back to the system: glibc keeps freed blocks of other
/// threads' arenas, and a long session would otherwise keep a build's peak for good.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the system; no pointer is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}
