//! End-to-end harness: the real `guazhi` binary in a pseudo-terminal, its output read by a
//! terminal emulator (`vt100`), the raw byte stream kept too.
//!
//! Waits poll the emulated screen (never fixed sleeps); every wait has a generous timeout
//! because CI runs these tests in parallel on two cores. A failing wait panics with the
//! screen as it was, so the test log shows what the user would have seen.
#![allow(dead_code)]

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The timeout for anything the program should do "soon" (draw, react to a key, exit on `q`).
pub const WAIT: Duration = Duration::from_secs(10);

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_guazhi");

/// The pinned date every test uses, so counts and colours do not depend on the calendar.
pub const TODAY: &str = "2026-11-27";

/// Keys as the terminal sends them.
pub mod keys {
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const TAB: &str = "\t";
    pub const BACKTAB: &str = "\x1b[Z";
    pub const ENTER: &str = "\r";
    /// Send Esc on its own (`Term::send`), never glued to the next key: crossterm reads
    /// `ESC x` arriving together as Alt-x.
    pub const ESC: &str = "\x1b";
    pub const BACKSPACE: &str = "\x7f";
    pub const CTRL_C: &str = "\x03";
    pub const PGDN: &str = "\x1b[6~";
    pub const PGUP: &str = "\x1b[5~";
}

/// A copy of the repository's sample.db in its own temporary folder (never the original).
pub struct SampleDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl SampleDb {
    pub fn new() -> SampleDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sample.db");
        let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample.db");
        std::fs::copy(&original, &path).expect("copy sample.db");
        // As `guazhi init` makes it (a checkout may give 0644, which the program warns about).
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o660)).expect("chmod");
        SampleDb { dir, path }
    }
}

/// Window title changes the program asked for (OSC 0/1/2); must stay empty.
#[derive(Default)]
pub struct Titles {
    pub set: Vec<Vec<u8>>,
}

impl vt100::Callbacks for Titles {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.set.push(title.to_vec());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.set.push(name.to_vec());
    }
}

struct State {
    parser: vt100::Parser<Titles>,
    raw: Vec<u8>,
    /// The reader saw end of file (every holder of the pty's slave side has gone).
    eof: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the screen from the next assertion.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How to start the program.
pub struct Spawn {
    pub args: Vec<std::ffi::OsString>,
    pub cols: u16,
    pub rows: u16,
    /// The environment, on top of a cleared one (only these variables are set).
    pub env: Vec<(String, String)>,
    /// A command to run the binary through (e.g. `setpriv --reuid=…` for another account).
    pub wrapper: Vec<std::ffi::OsString>,
}

impl Spawn {
    /// The screens on `db`, English labels (LANG=C.UTF-8), `--today` pinned, 80×24.
    pub fn tui(db: &Path) -> Spawn {
        Spawn {
            args: vec![db.as_os_str().to_owned(), "--today".into(), TODAY.into()],
            cols: 80,
            rows: 24,
            env: vec![("LANG".into(), "C.UTF-8".into())],
            wrapper: Vec::new(),
        }
    }

    /// Runs the binary through `wrapper` (its program, then its arguments).
    pub fn via(mut self, wrapper: &[std::ffi::OsString]) -> Spawn {
        self.wrapper = wrapper.to_vec();
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Spawn {
        self.cols = cols;
        self.rows = rows;
        self
    }

    pub fn lang(mut self, lang: &str) -> Spawn {
        self.env.retain(|(k, _)| k != "LANG");
        self.env.push(("LANG".into(), lang.into()));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Spawn {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Spawn {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn start(self) -> Term {
        Term::start(self)
    }
}

/// The running program and the terminal it draws on.
pub struct Term {
    child: Box<dyn Child + Send + Sync>,
    /// The terminal side; `None` once hung up.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Arc<Mutex<Option<Box<dyn Write + Send>>>>,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
    /// Tells the reader to stop (and close its descriptor), for a hang-up.
    stop: Arc<AtomicBool>,
    pid: libc::pid_t,
    status: Option<ExitStatus>,
}

impl Term {
    pub fn start(spawn: Spawn) -> Term {
        let pty = native_pty_system();
        let size = PtySize { rows: spawn.rows, cols: spawn.cols, pixel_width: 0, pixel_height: 0 };
        let pair = pty.openpty(size).expect("openpty");
        let mut cmd = match spawn.wrapper.split_first() {
            Some((program, rest)) => {
                let mut cmd = CommandBuilder::new(program);
                cmd.args(rest);
                cmd.arg(BIN);
                cmd
            }
            None => CommandBuilder::new(BIN),
        };
        cmd.args(&spawn.args);
        cmd.env_clear();
        cmd.env("TERM", "xterm-256color");
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        for (k, v) in &spawn.env {
            cmd.env(k, v);
        }
        cmd.cwd(std::env::temp_dir());
        let child = pair.slave.spawn_command(cmd).expect("spawn guazhi in a pty");
        // Only the child may hold the slave side, or the reader never sees end of file.
        drop(pair.slave);
        let pid = child.process_id().expect("pid") as libc::pid_t;
        let master = pair.master;
        let mut reader = master.try_clone_reader().expect("pty reader");
        // Same open file as `reader`: polled so the reader can stop without data arriving.
        let master_fd = master.as_raw_fd().expect("pty master descriptor");
        let writer = Arc::new(Mutex::new(Some(master.take_writer().expect("pty writer"))));
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                parser: vt100::Parser::new_with_callbacks(spawn.rows.max(1), spawn.cols.max(1), 0, Titles::default()),
                raw: Vec::new(),
                eof: false,
            }),
            changed: Condvar::new(),
        });
        let thread_shared = Arc::clone(&shared);
        let thread_writer = Arc::clone(&writer);
        let handle = std::thread::Builder::new()
            .name(format!("pty-reader-{pid}"))
            .spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    let mut pfd = libc::pollfd { fd: master_fd, events: libc::POLLIN, revents: 0 };
                    // SAFETY: one valid pollfd; the master stays open until this thread has
                    // stopped (`hang_up` and `drop` join it before closing the master).
                    let ready = unsafe { libc::poll(&mut pfd, 1, 20) };
                    if thread_stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if ready == 0
                        || (ready < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted)
                    {
                        continue;
                    }
                    let n = match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break, // EOF, or EIO once the slave side is closed
                        Ok(n) => n,
                    };
                    let reply = {
                        let mut st = thread_shared.lock();
                        let old_len = st.raw.len();
                        st.raw.extend_from_slice(&buf[..n]);
                        st.parser.process(&buf[..n]);
                        let reply = answers(&st.raw, old_len, st.parser.screen());
                        thread_shared.changed.notify_all();
                        reply
                    };
                    if !reply.is_empty() {
                        let mut w = thread_writer.lock().unwrap_or_else(|e| e.into_inner());
                        if let Some(w) = w.as_mut() {
                            let _ = w.write_all(&reply);
                            let _ = w.flush();
                        }
                    }
                }
                thread_shared.lock().eof = true;
                thread_shared.changed.notify_all();
            })
            .expect("reader thread");
        Term { child, master: Some(master), writer, shared, reader: Some(handle), stop, pid, status: None }
    }

    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// Sends raw bytes, as typed.
    pub fn send(&self, keys: &str) {
        self.send_bytes(keys.as_bytes());
    }

    pub fn send_bytes(&self, bytes: &[u8]) {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let w = w.as_mut().expect("the terminal was hung up");
        w.write_all(bytes).expect("write to pty");
        w.flush().expect("flush pty");
        // A lone Esc read together with the next key is Alt+key, as in any
        // terminal; a person never types that fast, so neither do the tests.
        if bytes.last() == Some(&0x1b) {
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// The emulated screen's text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.shared.lock().parser.screen().contents()
    }

    /// Everything the program wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.shared.lock().raw.clone()
    }

    /// Window titles set so far.
    pub fn titles(&self) -> Vec<Vec<u8>> {
        self.shared.lock().parser.callbacks().set.clone()
    }

    /// Runs `f` on the screen (under the lock; keep it short).
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.shared.lock().parser.screen())
    }

    /// Waits until `pred` holds on a completely drawn frame; `Some(text)` of the screen then,
    /// `None` on timeout.
    pub fn try_wait_until(&self, timeout: Duration, mut pred: impl FnMut(&vt100::Screen) -> bool) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.lock();
        loop {
            if frame_complete(&st.raw) && pred(st.parser.screen()) {
                return Some(st.parser.screen().contents());
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            // Wake on new output, and at least every 50 ms (a resize changes the screen too).
            let wait = (deadline - now).min(Duration::from_millis(50));
            st = self.shared.changed.wait_timeout(st, wait).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until `pred` holds; panics with `what` and the screen on timeout.
    pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl FnMut(&vt100::Screen) -> bool) -> String {
        match self.try_wait_until(timeout, pred) {
            Some(s) => s,
            None => panic!("timed out after {timeout:?} waiting for {what}; screen:\n{}", self.dump()),
        }
    }

    /// Waits until `text` is on the screen (a complete frame); returns the screen's text.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{text:?} on screen"), timeout, |s| s.contents().contains(text))
    }

    /// How many bytes the program has written so far (to wait for output after a point).
    pub fn written(&self) -> usize {
        self.shared.lock().raw.len()
    }

    /// Waits for a complete frame drawn after `since` bytes of output; panics on timeout.
    pub fn wait_frame_after(&self, since: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.lock();
        while !(st.raw.len() > since && frame_complete(&st.raw)) {
            let now = Instant::now();
            if now >= deadline {
                drop(st);
                panic!("no new frame within {timeout:?}; screen:\n{}", self.dump());
            }
            st = self.shared.changed.wait_timeout(st, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until `text` is no longer on the screen.
    /// Waits until nothing has been written for `quiet` (the lists built in the background
    /// are in, every frame they caused drawn).
    pub fn wait_quiet(&self, quiet: Duration, timeout: Duration) {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let before = self.written();
            std::thread::sleep(quiet);
            if self.written() == before {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "still drawing after {timeout:?}:\n{}", self.dump());
        }
    }

    pub fn wait_gone(&self, text: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{text:?} to disappear"), timeout, |s| !s.contents().contains(text))
    }

    /// The text of one row, wide characters once (their continuation cells skipped).
    pub fn row_text(&self, row: u16) -> String {
        self.with_screen(|s| row_cells(s, row).0)
    }

    /// Where `text` starts on the screen: (row, column), columns counted in cells.
    pub fn find(&self, text: &str) -> Option<(u16, u16)> {
        self.with_screen(|s| find_in(s, text))
    }

    /// Every place `text` appears: (row, column).
    pub fn find_all(&self, text: &str) -> Vec<(u16, u16)> {
        self.with_screen(|s| {
            let (rows, _) = s.size();
            let mut out = Vec::new();
            for row in 0..rows {
                let (line, cols) = row_cells(s, row);
                for (at, _) in line.match_indices(text) {
                    out.push((row, cols[at]));
                }
            }
            out
        })
    }

    pub fn cell_fg(&self, row: u16, col: u16) -> vt100::Color {
        self.with_screen(|s| s.cell(row, col).map(|c| c.fgcolor()).unwrap_or_default())
    }

    pub fn cell_bg(&self, row: u16, col: u16) -> vt100::Color {
        self.with_screen(|s| s.cell(row, col).map(|c| c.bgcolor()).unwrap_or_default())
    }

    /// A description of a cell's look, for failure messages.
    pub fn cell_style(&self, row: u16, col: u16) -> String {
        self.with_screen(|s| match s.cell(row, col) {
            Some(c) => format!(
                "{:?} fg={:?} bg={:?} bold={} dim={} inverse={}",
                c.contents(),
                c.fgcolor(),
                c.bgcolor(),
                c.bold(),
                c.dim(),
                c.inverse()
            ),
            None => "outside the screen".into(),
        })
    }

    /// Resizes the pty (the kernel sends SIGWINCH) and the emulator (at least 1×1: vt100
    /// cannot hold an empty screen, while the pty can be 0×0).
    pub fn resize(&self, cols: u16, rows: u16) {
        let size = PtySize { rows, cols, pixel_width: 0, pixel_height: 0 };
        // Emulator first: output drawn for the new size must land on a screen of that size.
        self.shared.lock().parser.screen_mut().set_size(rows.max(1), cols.max(1));
        self.master().resize(size).expect("resize pty");
    }

    /// Sends a signal to the program.
    pub fn kill(&self, signal: libc::c_int) {
        // SAFETY: kill(2) on our own child's pid; it has not been reaped unless `status` is set.
        assert!(self.status.is_none(), "the program has already exited");
        let rc = unsafe { libc::kill(self.pid, signal) };
        assert_eq!(rc, 0, "kill({}, {signal}): {}", self.pid, std::io::Error::last_os_error());
    }

    /// The exit status once the program has exited.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("try_wait");
        }
        self.status.clone()
    }

    /// Waits (polling every 5 ms) for the program to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(st) = self.try_status() {
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for the program to exit and for every byte it wrote to be read; panics on timeout.
    /// Returns the status and the time from the call to the exit.
    pub fn finish(&mut self, timeout: Duration) -> (ExitStatus, Duration) {
        let t0 = Instant::now();
        let status = match self.wait_exit(timeout) {
            Some(st) => st,
            None => panic!("the program did not exit within {timeout:?}; screen:\n{}", self.dump()),
        };
        let took = t0.elapsed();
        self.wait_eof(WAIT);
        (status, took)
    }

    /// Waits until the reader has seen end of file (all output is in `raw`).
    pub fn wait_eof(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.lock();
        while !st.eof {
            let now = Instant::now();
            assert!(now < deadline, "no end of file on the pty within {timeout:?}");
            st = self.shared.changed.wait_timeout(st, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Whether the pty is in canonical mode with echo (raw mode off), read through the master.
    pub fn cooked(&self) -> Option<bool> {
        let fd = self.master.as_ref()?.as_raw_fd()?;
        // SAFETY: a zeroed termios is a valid out-parameter; fd is the open master.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut t) } != 0 {
            return None;
        }
        Some(t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0)
    }

    /// The screen with row numbers, for failure messages.
    pub fn dump(&self) -> String {
        self.with_screen(|s| {
            let (rows, _) = s.size();
            let mut out = String::new();
            for row in 0..rows {
                out.push_str(&format!("{row:2}|{}\n", row_cells(s, row).0.trim_end()));
            }
            out
        })
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        // A failing test must never leave the program running.
        if self.try_status_quiet().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.stop_reader();
    }
}

impl Term {
    fn master(&self) -> &dyn MasterPty {
        self.master.as_deref().expect("the terminal was hung up")
    }

    /// Stops the reader thread (it notices within its 20 ms poll) and waits for it.
    fn stop_reader(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }

    /// Closes the terminal, as when the SSH window is closed: the reader stops, every
    /// descriptor of the master side is closed, and the kernel hangs up the program's
    /// terminal (SIGHUP to it, POLLHUP and EIO on its descriptors). Output from then on is
    /// lost; `send`, `resize` and `cooked` can no longer be used.
    pub fn hang_up(&mut self) {
        self.stop_reader();
        // portable-pty's writer, when dropped, types a newline and the EOF character (VEOF)
        // to the program; with VEOF disabled it types nothing, as a closed window would.
        if let Some(fd) = self.master.as_ref().and_then(|m| m.as_raw_fd()) {
            // SAFETY: termios out-parameter on the open master descriptor.
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(fd, &mut t) == 0 {
                    t.c_cc[libc::VEOF] = 0;
                    libc::tcsetattr(fd, libc::TCSANOW, &t);
                }
            }
        }
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.master.take();
    }

    fn try_status_quiet(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status.clone()
    }
}

/// What a terminal answers to queries the program wrote since `old_len`: the cursor position
/// report (`ESC [ 6 n`) and the primary device attributes (`ESC [ c`), as xterm does. A
/// program that asks and gets no answer would stall; vt100 itself does not answer.
fn answers(raw: &[u8], old_len: usize, screen: &vt100::Screen) -> Vec<u8> {
    let mut out = Vec::new();
    for query in [&b"\x1b[6n"[..], b"\x1b[c", b"\x1b[0c"] {
        // Start far enough back to see a query split across reads, late enough that every
        // match found ends in the new bytes (so none is answered twice).
        let start = old_len.saturating_sub(query.len() - 1);
        for _ in positions(&raw[start..], query) {
            if query == b"\x1b[6n" {
                let (row, col) = screen.cursor_position();
                out.extend_from_slice(format!("\x1b[{};{}R", row + 1, col + 1).as_bytes());
            } else {
                out.extend_from_slice(b"\x1b[?1;2c");
            }
        }
    }
    out
}

/// Whether the stream ends at the end of a ratatui frame, so the screen is not half drawn (a
/// frame can take several reads). `Terminal::draw` writes the changed cells, then either hides
/// the cursor (`ESC [ ? 25 l`) or shows it and moves it to the caret (`ESC [ ? 25 h`,
/// `ESC [ row ; col H`), then flushes. Neither ends a frame's cells: those are display-safe
/// text and style changes, and the cursor is only shown or hidden at the end.
pub fn frame_complete(raw: &[u8]) -> bool {
    if raw.ends_with(b"\x1b[?25l") {
        return true;
    }
    // `ESC [ ? 25 h ESC [ 999 ; 999 H` is at most 16 bytes.
    let tail = &raw[raw.len().saturating_sub(16)..];
    let Some(shown) = positions(tail, b"\x1b[?25h").last().copied() else { return false };
    let rest = &tail[shown + 6..];
    let Some(params) = rest.strip_prefix(b"\x1b[").and_then(|r| r.strip_suffix(b"H")) else { return false };
    params.iter().all(|b| b.is_ascii_digit() || *b == b';')
}

/// A row's text with, for each byte of it, the cell column it starts in.
fn row_cells(s: &vt100::Screen, row: u16) -> (String, Vec<u16>) {
    let (_, cols) = s.size();
    let mut line = String::new();
    let mut at = Vec::new();
    for col in 0..cols {
        let Some(cell) = s.cell(row, col) else { break };
        if cell.is_wide_continuation() {
            continue;
        }
        let text = if cell.has_contents() { cell.contents() } else { " " };
        at.extend(std::iter::repeat_n(col, text.len()));
        line.push_str(text);
    }
    at.push(cols);
    (line, at)
}

fn find_in(s: &vt100::Screen, text: &str) -> Option<(u16, u16)> {
    let (rows, _) = s.size();
    (0..rows).find_map(|row| {
        let (line, cols) = row_cells(s, row);
        line.find(text).map(|at| (row, cols[at]))
    })
}

/// Red as a terminal shows it: ANSI red or bright red, or an RGB colour that is clearly red.
pub fn is_red(c: vt100::Color) -> bool {
    match c {
        vt100::Color::Idx(1 | 9 | 160 | 196 | 124 | 88 | 203 | 167) => true,
        vt100::Color::Rgb(r, g, b) => r >= 150 && u16::from(g) + u16::from(b) < u16::from(r),
        _ => false,
    }
}

/// Yellow (or the amber some themes use): ANSI yellow or bright yellow, or a yellow RGB.
pub fn is_yellow(c: vt100::Color) -> bool {
    match c {
        vt100::Color::Idx(3 | 11 | 178 | 184 | 214 | 220 | 226 | 227 | 221 | 172 | 136) => true,
        vt100::Color::Rgb(r, g, b) => r >= 150 && g >= 120 && b < 100,
        _ => false,
    }
}

/// Runs the binary without a terminal (for reports); returns (status code, stdout, stderr).
pub fn run_plain(args: &[&OsStr]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("LANG", "C.UTF-8")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run guazhi");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Positions of `needle` in `hay`.
pub fn positions(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A byte string with escapes made visible, for failure messages.
pub fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// The terminal is back as it was: alternate screen left, cursor shown, mouse and bracketed
/// paste off, in the raw byte stream (each "off" after the last "on") and in the emulator's
/// state; and raw mode off on the pty.
pub fn assert_restored(term: &Term) {
    let raw = term.raw();
    let last = |seq: &[u8]| positions(&raw, seq).last().copied();
    let tail = || show(&raw[raw.len().saturating_sub(200)..]);

    let entered = last(b"\x1b[?1049h").unwrap_or_else(|| panic!("never entered the alternate screen: {}", tail()));
    let left = last(b"\x1b[?1049l").unwrap_or_else(|| panic!("alternate screen never left; tail: {}", tail()));
    assert!(left > entered, "the alternate screen was entered again after leaving it; tail: {}", tail());
    let shown = last(b"\x1b[?25h").unwrap_or_else(|| panic!("cursor never shown; tail: {}", tail()));
    if let Some(hidden) = last(b"\x1b[?25l") {
        assert!(shown > hidden, "cursor hidden after it was last shown; tail: {}", tail());
    }
    assert!(
        [&b"\x1b[?1000l"[..], b"\x1b[?1003l", b"\x1b[?1006l"].iter().any(|s| contains(&raw, s)),
        "mouse capture never disabled; tail: {}",
        tail()
    );
    assert!(contains(&raw, b"\x1b[?2004l"), "bracketed paste never disabled; tail: {}", tail());
    // Every private mode the program switched on (mouse 1000/1002/1003/1006/1015, paste 2004)
    // is switched off after its last "on".
    for mode in ["1000", "1002", "1003", "1006", "1015", "2004"] {
        if let Some(on) = last(format!("\x1b[?{mode}h").as_bytes()) {
            let off = last(format!("\x1b[?{mode}l").as_bytes());
            assert!(off.is_some_and(|off| off > on), "mode ?{mode} left on; tail: {}", tail());
        }
    }
    term.with_screen(|s| {
        assert!(!s.alternate_screen(), "emulator still on the alternate screen");
        assert!(!s.hide_cursor(), "emulator cursor still hidden");
        assert!(!s.bracketed_paste(), "emulator bracketed paste still on");
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None, "emulator mouse reporting still on");
    });
    if let Some(cooked) = term.cooked() {
        assert!(cooked, "the pty is still in raw mode (no ICANON/ECHO)");
    }
}
