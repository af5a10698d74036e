//! Waking the loop: SIGHUP, SIGTERM, SIGINT and SIGQUIT (every catchable terminating signal
//! a user or a system sends) set a flag and write to a self-pipe; SIGWINCH
//! is taken by `sigwait` in a small thread and written to the same pipe; `wait` polls the
//! terminal and the pipe. A watchdog ends the program within a second of a terminating signal
//! even when the loop is stuck (a save waiting on a colleague's lock), writing the draft first.

use super::restore;
use crate::draft::{Draft, Kept, Slot};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The form to keep as a draft if the program has to stop now (the loop updates it after
/// every key; the watchdog and the exit path take it).
pub type Pending = Arc<Mutex<Option<Draft>>>;

/// The same from a panic hook: never waits for the lock (the panicking thread may hold it).
pub fn try_write_pending(pending: &Pending, slot: Option<&Slot>) {
    let draft = match pending.try_lock() {
        Ok(mut d) => d.take(),
        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner().take(),
        Err(std::sync::TryLockError::WouldBlock) => None,
    };
    if let (Some(d), Some(slot)) = (draft, slot) {
        let _ = slot.keep(&d);
    }
}

/// Writes the pending draft, once: whoever takes it first writes it (in the fallback folder
/// when the usual one fails).
pub fn write_pending(pending: &Pending, slot: Option<&Slot>) -> Option<Kept> {
    let draft = pending.lock().unwrap_or_else(|e| e.into_inner()).take()?;
    Some(slot?.keep(&draft))
}

/// Terminating signals set `which`; every registered signal also wakes `poll` via the pipe.
pub struct Signals {
    which: Arc<AtomicUsize>,
    pub wake: UnixStream,
}

impl Signals {
    pub fn install(pending: Pending, slot: Option<Slot>, lang: crate::lang::Lang) -> io::Result<Signals> {
        let (wake, notify) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        notify.set_nonblocking(true)?;
        let which = Arc::new(AtomicUsize::new(0));
        for sig in [SIGHUP, SIGTERM, SIGINT, SIGQUIT] {
            signal_hook::flag::register_usize(sig, Arc::clone(&which), sig as usize)?;
        }
        for sig in [SIGHUP, SIGTERM, SIGINT, SIGQUIT] {
            signal_hook::low_level::pipe::register(sig, notify.try_clone()?)?;
        }
        watch_resizes(notify.try_clone()?)?;
        let mut watch = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT, SIGQUIT])?;
        std::thread::spawn(move || {
            if let Some(sig) = watch.forever().next() {
                // The loop normally ends well within this; if it is stuck, end here, keeping
                // the open form first.
                std::thread::sleep(Duration::from_millis(900));
                let kept = write_pending(&pending, slot.as_ref());
                restore();
                if let Some(kept) = kept {
                    let _ = writeln!(io::stderr(), "guazhi: {}", kept.message().get(lang));
                }
                std::process::exit(128 + sig);
            }
        });
        Ok(Signals { which, wake })
    }

    pub fn terminating(&self) -> Option<u8> {
        match self.which.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(128u8.saturating_add(u8::try_from(sig).unwrap_or(127))),
        }
    }

    pub fn drain(&self) {
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
pub fn input_fd() -> io::Result<(RawFd, Option<OwnedFd>)> {
    if io::stdin().is_terminal() {
        return Ok((io::stdin().as_raw_fd(), None));
    }
    let tty: OwnedFd = std::fs::File::open("/dev/tty")?.into();
    Ok((tty.as_raw_fd(), Some(tty)))
}

pub enum Wake {
    Input,
    Signal,
    Timeout,
    HungUp,
    /// The background catalog build is done.
    Loaded,
}

/// Waits for the terminal, a signal or (with `loaded`, a descriptor the catalog thread
/// writes to) a finished build.
pub fn wait(tty: RawFd, wake: RawFd, loaded: Option<RawFd>, timeout: Option<Duration>) -> io::Result<Wake> {
    let mut fds = [
        libc::pollfd { fd: tty, events: libc::POLLIN, revents: 0 },
        libc::pollfd { fd: wake, events: libc::POLLIN, revents: 0 },
        libc::pollfd { fd: loaded.unwrap_or(-1), events: libc::POLLIN, revents: 0 },
    ];
    let ms = timeout.map_or(-1, |t| i32::try_from(t.as_millis()).unwrap_or(i32::MAX));
    // SAFETY: `fds` is a valid array of three pollfd structs for the duration of the call
    // (poll ignores a negative descriptor).
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 3, ms) };
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
    if fds[2].revents != 0 {
        return Ok(Wake::Loaded);
    }
    Ok(if fds[0].revents & libc::POLLIN != 0 { Wake::Input } else { Wake::Timeout })
}
