//! Builds the lists on a background thread, on its own read-only connection, so the screen
//! answers keys while a million records are read. Each list is handed over as soon as it is
//! built; the thread wakes the loop through a socket the loop polls with the terminal.

use crate::app::catalog::handover::{Handover, Shown};
use crate::runner::lists::{build_all, build_all_reviews};
use crate::runner::Builder;
use crate::store::{Access, Store};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

pub struct Loader {
    path: PathBuf,
    wake: UnixStream,
    notify: UnixStream,
    sender: Sender<crate::store::Result<Handover>>,
    received: Receiver<crate::store::Result<Handover>>,
    /// The builds under way: every list, every review.
    running: Vec<(bool, JoinHandle<()>)>,
}

impl Loader {
    pub fn new(path: PathBuf) -> io::Result<Loader> {
        let (wake, notify) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        let (sender, received) = channel();
        Ok(Loader { path, wake, notify, sender, received, running: Vec::new() })
    }

    /// What the loop polls: readable when a list is built.
    pub fn fd(&self) -> RawFd {
        self.wake.as_raw_fd()
    }

    /// The lists built since the last look (a failed build: its error).
    pub fn take(&mut self) -> Vec<crate::store::Result<Handover>> {
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
                let sent = sender.send(h).is_ok() && notify.write_all(&[1]).is_ok();
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
