//! Builds a large database's catalogs on a background thread, on its own read-only
//! connection, so the screen answers keys while a million records are read. The thread wakes
//! the loop through a socket the loop polls together with the terminal.

use crate::app::lean::{build_catalogs, Catalogs};
use crate::lang::Lang;
use crate::store::{Access, Store};
use chrono::NaiveDate;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, TryRecvError};

pub struct Loader {
    path: PathBuf,
    lang: Lang,
    wake: UnixStream,
    notify: UnixStream,
    running: Option<Receiver<crate::store::Result<Catalogs>>>,
}

impl Loader {
    pub fn new(path: PathBuf, lang: Lang) -> io::Result<Loader> {
        let (wake, notify) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        Ok(Loader { path, lang, wake, notify, running: None })
    }

    /// What the loop polls: readable when a build has finished.
    pub fn fd(&self) -> RawFd {
        self.wake.as_raw_fd()
    }

    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Starts a build for `today` unless one is under way.
    pub fn start(&mut self, today: NaiveDate) -> io::Result<()> {
        if self.running.is_some() {
            return Ok(());
        }
        let (tx, rx) = channel();
        let (path, lang, mut notify) = (self.path.clone(), self.lang, self.notify.try_clone()?);
        std::thread::Builder::new().name("catalogs".into()).spawn(move || {
            let built = Store::open(&path, Access::ReadOnly).and_then(|store| build_catalogs(&store, today, lang));
            // The loop may be gone (the user quit): nobody to tell.
            let _ = tx.send(built);
            let _ = notify.write_all(&[1]);
        })?;
        self.running = Some(rx);
        Ok(())
    }

    /// The finished build, if there is one.
    pub fn take(&mut self) -> Option<crate::store::Result<Catalogs>> {
        let mut buf = [0u8; 16];
        while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
        let result = match self.running.as_ref()?.try_recv() {
            Ok(result) => result,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => {
                Err(crate::store::StoreError::Io(io::Error::other("the catalog thread stopped")))
            }
        };
        self.running = None;
        Some(result)
    }
}
