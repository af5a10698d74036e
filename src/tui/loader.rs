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
use std::sync::{Arc, Mutex, PoisonError};
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
    /// The two kinds of build: every list, every review.
    builds: [Arc<Mutex<BuildSlot>>; 2],
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
        let builds = [Arc::default(), Arc::default()];
        Ok(Loader { path, wake, notify, sender, received, builds, _watch: watch })
    }

    /// What the loop polls: readable when a list is built.
    pub fn fd(&self) -> RawFd {
        self.wake.as_raw_fd()
    }

    /// What the threads handed over since the last look.
    pub fn take(&mut self) -> Vec<Handed> {
        let mut buf = [0u8; 64];
        while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
        self.received.try_iter().collect()
    }
}

/// One kind of build: whether a thread is building it, and whether another build was asked
/// for meanwhile (with the newest `Shown`). That thread then builds again before it ends: a
/// build reads one snapshot, and a change committed after it began (an import's next part,
/// a colleague's save) would otherwise be left out of the lists for good, the request that
/// would have read it having been dropped while the older build ran.
#[derive(Default)]
struct BuildSlot {
    running: bool,
    again: Option<Shown>,
}

impl BuildSlot {
    /// A build is asked for `shown`: true when the caller starts a thread for it (none was
    /// running), false when the running one takes it as its next build.
    fn ask(slot: &Mutex<BuildSlot>, shown: Shown) -> bool {
        let mut state = slot.lock().unwrap_or_else(PoisonError::into_inner);
        if state.running {
            state.again = Some(shown);
            return false;
        }
        state.running = true;
        true
    }

    /// A thread finished a build: what to build next, if anything was asked for meanwhile and
    /// someone still listens; else the slot is free (in the same lock, so no request is lost).
    fn next(slot: &Mutex<BuildSlot>, listening: bool) -> Option<Shown> {
        let mut state = slot.lock().unwrap_or_else(PoisonError::into_inner);
        match state.again.take() {
            Some(next) if listening => Some(next),
            _ => {
                state.running = false;
                None
            }
        }
    }
}

impl Builder for Loader {
    fn start(&mut self, shown: Shown, all_reviews: bool) -> io::Result<()> {
        let slot = self.builds[usize::from(all_reviews)].clone();
        if !BuildSlot::ask(&slot, shown) {
            return Ok(());
        }
        let (path, sender, mut notify) = (self.path.clone(), self.sender.clone(), self.notify.try_clone()?);
        let building = slot.clone();
        let spawned = std::thread::Builder::new().name("lists".into()).spawn(move || {
            // The loop may be gone (the user quit): then nobody listens, and the build stops.
            // Each phase's scratch memory goes back before the next phase grows: the session's
            // peak is then the lists plus one phase, not the sum of every phase's leftovers.
            let listening = std::cell::Cell::new(true);
            let mut hand = |h: crate::store::Result<Handover>| {
                listening.set(sender.send(Handed::List(h)).is_ok() && notify.write_all(&[1]).is_ok());
                release_free_memory();
                listening.get()
            };
            let mut shown = shown;
            loop {
                build_once(&path, shown, all_reviews, &mut hand);
                release_free_memory();
                match BuildSlot::next(&building, listening.get()) {
                    Some(next) => shown = next,
                    None => return,
                }
            }
        });
        if let Err(e) = spawned {
            slot.lock().unwrap_or_else(PoisonError::into_inner).running = false;
            return Err(e);
        }
        Ok(())
    }
}

/// One build on its own read-only connection, every list handed over as it is done.
fn build_once(
    path: &std::path::Path,
    shown: Shown,
    all_reviews: bool,
    hand: &mut impl FnMut(crate::store::Result<Handover>) -> bool,
) {
    let store = match Store::open(path, Access::ReadOnly) {
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
}

/// Gives every block of 1 MiB or more its own mapping, returned to the system when freed.
/// glibc otherwise raises that threshold to the largest block freed so far (a sorted order, 4 MB
/// at a million cadres), and each save's passing copies of the orders then settle in the heap
/// between blocks that stay: RSS rose 181 -> 217 MB over the first nine saves at a million.
pub fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter, under glibc's own lock.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn shown(day: u32) -> Shown {
        Shown { today: chrono::NaiveDate::from_ymd_opt(2026, 12, day).unwrap(), lang: Lang::Zh, ascii: false }
    }

    #[test]
    fn a_build_asked_for_while_one_runs_is_built_next_never_dropped() {
        let slot = Mutex::new(BuildSlot::default());
        assert!(BuildSlot::ask(&slot, shown(1)), "nothing running: start a thread");
        // Two changes while it builds: one more build, for the newest.
        assert!(!BuildSlot::ask(&slot, shown(2)));
        assert!(!BuildSlot::ask(&slot, shown(3)));
        assert_eq!(BuildSlot::next(&slot, true), Some(shown(3)));
        assert_eq!(BuildSlot::next(&slot, true), None, "nothing asked since");
        assert!(BuildSlot::ask(&slot, shown(4)), "the slot is free again");
        // Nobody listening any more: the thread ends, and the slot is free.
        assert!(!BuildSlot::ask(&slot, shown(5)));
        assert_eq!(BuildSlot::next(&slot, false), None);
        assert!(BuildSlot::ask(&slot, shown(6)));
    }
}
