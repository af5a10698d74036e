//! Storage faults of docs/RELIABILITY.md that need more than one process or another account:
//! #2 `kill -9` of one instance while another reads and writes, #5 a hot journal or WAL that
//! only a user with write access can recover, #16 exactly one SQLite in the binary; and another
//! program (Python's sqlite3, as the sqlite3 shell) reading beside a running one.
//!
//! Child processes are this test binary run again with `GUAZHI_REL_CHILD` set: the test
//! `child_process` does the child's work then (and nothing in a normal run). Another account
//! is `nobody` through `setpriv` when the tests run as root (root ignores file modes), or the
//! current user when they do not.

use crate::common;

use common::{as_other_user, date, demo_db, raw};
use guazhi::store::{Access, Store, StoreError};
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHILD: &str = "GUAZHI_REL_CHILD";

/// Runs this test binary's `child_process` test with `job` (e.g. `writer:/path/db`).
fn child(job: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "reliability_store::child_process", "--nocapture", "--test-threads=1"]).env(CHILD, job);
    cmd
}

/// The child's side. Jobs:
/// - `writer:DB:TAG`: adds dossier notes for ever, printing `ack N` after each commit;
/// - `hot-journal:DB`: switches DB to a rollback journal, changes every cadre inside an open
///   transaction with a tiny cache (so pages spill into the file), then dies without a word;
/// - `hot-wal:DB`: commits a change into the WAL without checkpointing, then dies;
/// - `grow-wal:DB`: commits 300 long notes (the file grows by hundreds of pages) into the WAL
///   only, then dies.
#[test]
fn child_process() {
    let Ok(job) = std::env::var(CHILD) else { return };
    let mut parts = job.splitn(3, ':');
    let (kind, db) = (parts.next().unwrap(), PathBuf::from(parts.next().unwrap()));
    match kind {
        "writer" => {
            let tag = parts.next().unwrap_or("child");
            let mut store = Store::open(&db, Access::Auto).unwrap();
            let cadre = store.load().unwrap().cadres[0].id;
            let body = "挂职期间表现良好。".repeat(200);
            for n in 0.. {
                let text = format!("{tag}-{n} {body}");
                store.write(|w| w.add_note(cadre, date("2026-11-27"), &text)).unwrap();
                println!("ack {n}");
            }
        }
        "hot-journal" => {
            let conn = rusqlite::Connection::open(&db).unwrap();
            let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).unwrap();
            assert_eq!(mode, "delete");
            conn.execute_batch(
                "PRAGMA cache_size = 2; BEGIN;
                 UPDATE cadres SET home_post = home_post || '（未提交）';
                 UPDATE reviews SET note = note || '（未提交）';",
            )
            .unwrap();
            // SAFETY: ends the process at once, like `kill -9`: no rollback, no close.
            unsafe { libc::_exit(0) }
        }
        "hot-wal" => {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch(
                "PRAGMA wal_autocheckpoint = 0;
                 UPDATE cadres SET home_post = '已提交的职务' WHERE id = 1;",
            )
            .unwrap();
            // SAFETY: as above; the committed change stays in the -wal file only.
            unsafe { libc::_exit(0) }
        }
        "grow-wal" => {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch(
                "PRAGMA wal_autocheckpoint = 0;
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
                 INSERT INTO dossier_notes (cadre_id, note_date, author, body)
                 SELECT 1, '2026-11-27', 'wal', printf('%.3000c', 'x') || i FROM n;",
            )
            .unwrap();
            // SAFETY: as above; 300 pages and more live only in the WAL.
            unsafe { libc::_exit(0) }
        }
        other => panic!("unknown job {other}"),
    }
}

/// A small deterministic generator (xorshift64*): the same run every time for one seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// #2. One instance is killed with SIGKILL again and again at random points of its save loop
/// (inside a transaction or between two) while this process keeps reading and saving through
/// its own `Store`. This process must never see an error (the 5-second busy timeout covers
/// the WAL recovery after a kill), the file must pass `integrity_check`, every save either
/// side acknowledged must be there with its audit row, and nothing half-written may appear.
/// `GUAZHI_KILL_ROUNDS` sets the number of kills (default 6).
#[test]
fn kill_9_of_one_instance_leaves_the_others_reading_and_writing() {
    let rounds = env_count("GUAZHI_KILL_ROUNDS", 6);
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let last_before: i64 =
        raw(&db).query_row("SELECT coalesce(max(id), 0) FROM dossier_notes", [], |r| r.get(0)).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let mine = Arc::new(AtomicUsize::new(0));
    let reads = Arc::new(AtomicUsize::new(0));
    // The colleague who carries on: saves and reads in a loop until the kills are over.
    let carry_on = {
        let (db, stop, mine, reads) = (db.clone(), Arc::clone(&stop), Arc::clone(&mine), Arc::clone(&reads));
        std::thread::spawn(move || -> Result<(), String> {
            let mut store = Store::open(&db, Access::Auto).map_err(|e| e.to_string())?;
            let cadre = store.load().map_err(|e| e.to_string())?.cadres[1].id;
            while !stop.load(Ordering::SeqCst) {
                let n = mine.load(Ordering::SeqCst);
                store
                    .write(|w| w.add_note(cadre, date("2026-11-27"), &format!("carry-on-{n}")))
                    .map_err(|e| format!("save {n} failed: {e}"))?;
                mine.fetch_add(1, Ordering::SeqCst);
                let data = store.load().map_err(|e| format!("read failed: {e}"))?;
                if data.notes.iter().filter(|x| x.text.starts_with("carry-on-")).count() != n + 1 {
                    return Err(format!("after save {n} my saves are not all there"));
                }
                reads.fetch_add(1, Ordering::SeqCst);
            }
            Ok(())
        })
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut acked: Vec<String> = Vec::new();
    let t0 = Instant::now();
    for round in 0..rounds {
        let mut proc = child(&format!("writer:{}:r{round}", db.display())).stdout(Stdio::piped()).spawn().unwrap();
        let mut lines = BufReader::new(proc.stdout.take().unwrap()).lines();
        let want = 1 + rng.below(12);
        let mut got = 0;
        while got < want {
            match lines.next() {
                Some(Ok(l)) if l.starts_with("ack ") => {
                    acked.push(format!("r{round}-{}", &l[4..]));
                    got += 1;
                }
                Some(Ok(_)) => {}
                _ => panic!("the writer stopped before it was killed"),
            }
        }
        // A random moment after the last acknowledgement: often in the middle of the next save.
        std::thread::sleep(Duration::from_micros(rng.below(20_000)));
        // SAFETY: kill(2) on our own child.
        assert_eq!(unsafe { libc::kill(proc.id() as libc::pid_t, libc::SIGKILL) }, 0);
        proc.wait().unwrap();
        // Acknowledgements already written before the kill count too.
        for l in lines.map_while(Result::ok) {
            if let Some(n) = l.strip_prefix("ack ") {
                acked.push(format!("r{round}-{n}"));
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    carry_on.join().unwrap().expect("the other instance carried on without an error");
    let took = t0.elapsed();

    let conn = raw(&db);
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 0);
    let bodies: Vec<String> = conn
        .prepare("SELECT body FROM dossier_notes")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for tag in &acked {
        assert!(bodies.iter().any(|b| b.starts_with(&format!("{tag} "))), "acknowledged save {tag} is missing");
    }
    let full = "挂职期间表现良好。".repeat(200);
    for b in bodies.iter().filter(|b| b.starts_with('r')) {
        assert!(b.ends_with(&full), "a half-written note: {} chars", b.chars().count());
    }
    let (notes, audited): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM dossier_notes WHERE id > ?1),
                    (SELECT count(*) FROM audit WHERE table_name = 'dossier_notes' AND action = 'insert' AND row_id > ?1)",
            [last_before],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(audited, notes, "every new note has exactly one audit row");
    eprintln!(
        "kill -9: {rounds} kills, {} acknowledged saves of the killed instance all present ({} written), \
         the other instance saved {} times and read {} times without an error, in {took:.1?}",
        acked.len(),
        bodies.iter().filter(|b| b.starts_with('r')).count(),
        mine.load(Ordering::SeqCst),
        reads.load(Ordering::SeqCst)
    );
}

/// The binary as the other account: (exit code, stdout, stderr).
fn guazhi_as(other: &[OsString], args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let (program, pre): (OsString, &[OsString]) = match other.split_first() {
        Some((p, rest)) => (p.clone(), rest),
        None => (env!("CARGO_BIN_EXE_guazhi").into(), &[]),
    };
    let mut cmd = Command::new(program);
    cmd.args(pre);
    if !other.is_empty() {
        cmd.arg(env!("CARGO_BIN_EXE_guazhi"));
    }
    let out = cmd.args(args).env_clear().env("LANG", "C.UTF-8").stdin(Stdio::null()).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Every file of `dir` with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// #5. After a save was interrupted (the process killed), a user with read access only meets
/// a hot rollback journal, or a WAL whose index (`-shm`) is gone: the program says the
/// database needs recovery by a user who can write it, exits 3, and touches nothing. A WAL
/// with its index still there is read normally. Then a user who can write opens it and
/// SQLite recovers it: the committed change is there, the interrupted one is not.
#[test]
fn a_hot_journal_or_wal_with_read_access_only_needs_recovery_by_a_writer() {
    let Some(other) = as_other_user() else {
        eprintln!("SKIPPED: root, and no `setpriv` to run the binary as nobody: no account that file modes stop");
        return;
    };
    for case in ["hot-journal", "hot-wal-without-index", "hot-wal-with-index"] {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("shared");
        std::fs::create_dir(&dir).unwrap();
        let db = demo_db(&dir);
        let job = if case == "hot-journal" { "hot-journal" } else { "hot-wal" };
        let status = child(&format!("{job}:{}", db.display())).stdout(Stdio::null()).status().unwrap();
        assert!(status.success(), "{case}: the child failed");
        let side = |ext: &str| PathBuf::from(format!("{}{ext}", db.display()));
        match case {
            "hot-journal" => assert!(side("-journal").metadata().unwrap().len() > 0, "a hot journal"),
            _ => assert!(side("-wal").metadata().unwrap().len() > 0, "committed frames in the WAL"),
        }
        if case == "hot-wal-without-index" {
            std::fs::remove_file(side("-shm")).unwrap();
        }
        // Readable by everyone, writable by nobody else: the folder too (no -shm can be made).
        for f in std::fs::read_dir(&dir).unwrap() {
            chmod(&f.unwrap().path(), 0o644);
        }
        chmod(&dir, 0o755);
        chmod(parent.path(), 0o755);
        if other.is_empty() {
            for f in std::fs::read_dir(&dir).unwrap() {
                chmod(&f.unwrap().path(), 0o444);
            }
            chmod(&dir, 0o555);
        }
        let before = files(&dir);
        for args in [vec!["check"], vec!["overdue"], vec!["stats"], vec![]] {
            let mut argv: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
            argv.push(db.as_os_str());
            let (code, out, err) = guazhi_as(&other, &argv);
            if case == "hot-wal-with-index" {
                // Readable as it is: the reports work (the screens need a terminal).
                if !args.is_empty() {
                    assert!(code == Some(0) || code == Some(1), "{case} {args:?}: {code:?} {err}");
                    assert!(!out.is_empty(), "{case} {args:?}: a report");
                }
            } else {
                assert_eq!(code, Some(3), "{case} {args:?}: stderr {err:?}");
                assert!(err.contains("needing recovery by a user who can write it"), "{case} {args:?}: {err:?}");
                assert_eq!(err.lines().count(), 1, "{case}: one line: {err:?}");
                assert_eq!(out, "", "{case}: nothing on stdout");
            }
            assert!(files(&dir) == before, "{case} {args:?}: a file changed or appeared");
        }
        if case == "hot-wal-with-index" {
            let (_, out, _) =
                guazhi_as(&other, &["check".as_ref(), "--format".as_ref(), "json".as_ref(), db.as_os_str()]);
            assert!(out.contains("\"ok\""), "{out}");
        }
        // A user who can write opens it: SQLite recovers; the committed change is there, the
        // interrupted one is not.
        chmod(&dir, 0o700);
        for f in std::fs::read_dir(&dir).unwrap() {
            chmod(&f.unwrap().path(), 0o660);
        }
        let store = Store::open(&db, Access::Auto).expect("a writer recovers it");
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        let data = store.load().unwrap();
        assert!(data.invalid.is_empty());
        assert!(data.cadres.iter().all(|c| !c.home_post.contains("未提交")), "{case}: the interrupted change is gone");
        if case != "hot-journal" {
            assert_eq!(data.cadres.iter().find(|c| c.id == 1).unwrap().home_post, "已提交的职务", "{case}: committed");
        }
        drop(store);
        assert!(!side("-journal").exists(), "{case}: the journal was rolled back");
    }
}

/// #5 with `--read-only` by a user who could write: the same message, nothing touched.
#[test]
fn a_hot_journal_opened_with_read_only_needs_recovery_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let status = child(&format!("hot-journal:{}", db.display())).stdout(Stdio::null()).status().unwrap();
    assert!(status.success());
    let before = files(dir.path());
    let err = Store::open(&db, Access::ReadOnly).err().expect("refused");
    assert!(matches!(err, StoreError::NeedsRecovery(_)), "{err}");
    assert!(files(dir.path()) == before, "nothing touched");
}

/// #16. Exactly one SQLite: one `libsqlite3-sys` in Cargo.lock, and one SQLite source id
/// compiled into the binary (two copies would each keep their own locks on the same file).
/// `.ci/run` checks `cargo tree -i libsqlite3-sys` as well.
#[test]
fn exactly_one_sqlite_in_the_binary() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).unwrap();
    let copies = lock.lines().filter(|l| l.trim() == "name = \"libsqlite3-sys\"").count();
    assert_eq!(copies, 1, "libsqlite3-sys appears {copies} times in Cargo.lock");
    let bin = std::fs::read(env!("CARGO_BIN_EXE_guazhi")).unwrap();
    // SQLITE_SOURCE_ID: "YYYY-MM-DD HH:MM:SS " then 64 hex digits (the check-in hash).
    let mut ids = std::collections::BTreeSet::new();
    for i in 0..bin.len().saturating_sub(84) {
        let w = &bin[i..i + 84];
        let shape = w[4] == b'-' && w[7] == b'-' && w[10] == b' ' && w[13] == b':' && w[16] == b':' && w[19] == b' ';
        if shape && w[..4].iter().all(u8::is_ascii_digit) && w[20..].iter().all(u8::is_ascii_hexdigit) {
            ids.insert(String::from_utf8_lossy(w).into_owned());
        }
    }
    assert_eq!(ids.len(), 1, "SQLite source ids in the binary: {ids:?}");
}

/// Found by the kill loop above at 200 kills: a checkpoint copies page 1 (which records the
/// new page count) into the file before the pages that make it longer, and a kill can stop it
/// there. The file then looks truncated by its header, but its WAL holds everything. Opening
/// must let SQLite recover it, not refuse it as truncated. Made here exactly: the WAL's newest
/// page 1 is written into the file, as the interrupted checkpoint would have.
#[test]
fn an_interrupted_checkpoint_is_recovered_not_called_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = std::fs::metadata(&db).unwrap().len();
    assert!(child(&format!("grow-wal:{}", db.display())).stdout(Stdio::null()).status().unwrap().success());
    let wal = std::fs::read(format!("{}-wal", db.display())).unwrap();
    let page = u32::from_be_bytes(wal[8..12].try_into().unwrap()) as usize;
    let mut page1 = None;
    let mut at = 32;
    while at + 24 + page <= wal.len() {
        if u32::from_be_bytes(wal[at..at + 4].try_into().unwrap()) == 1 {
            page1 = Some(wal[at + 24..at + 24 + page].to_vec());
        }
        at += 24 + page;
    }
    let page1 = page1.expect("the WAL holds page 1");
    let mut file = std::fs::read(&db).unwrap();
    file[..page].copy_from_slice(&page1);
    std::fs::write(&db, &file).unwrap();
    let said = u64::from(u32::from_be_bytes(page1[28..32].try_into().unwrap())) * page as u64;
    assert!(said > before, "the header now claims {said} bytes, the file has {before}");

    let store = Store::open(&db, Access::Auto).expect("not refused as truncated");
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let notes = store.load().unwrap().notes.iter().filter(|n| n.author == "wal").count();
    assert_eq!(notes, 300, "the WAL's saves are all there");
}

/// The dossier notes that say `text`, as another program counts them: Python's sqlite3, a
/// connection opened, read and closed as the sqlite3 shell does (the last to close moves the
/// WAL into the file and deletes it).
fn notes_seen_by_another_program(db: &Path, text: &str) -> i64 {
    let script = "import sqlite3, sys\n\
                  c = sqlite3.connect(sys.argv[1])\n\
                  print(c.execute('SELECT count(*) FROM dossier_notes WHERE body = ?', (sys.argv[2],)).fetchone()[0])\n\
                  c.close()\n";
    let out = Command::new("python3").args(["-c", script]).arg(db).arg(text).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a count")
}

/// The screens open more connections on the file while the first stays open (the loaders, a
/// backup). Closing any descriptor of a file drops every POSIX lock the process holds on it,
/// SQLite's shared lock included: another program reading the file then took itself for the
/// last user, deleted the WAL, and a save made after that was acknowledged and lost.
#[test]
fn a_second_connection_keeps_the_first_ones_lock_for_a_program_reading_beside() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let mut store = common::open(&db);
    let cadre = store.load().unwrap().cadres[0].id;
    // Opened and closed beside the first, as the loader threads do.
    drop(Store::open(&db, Access::ReadOnly).unwrap());
    let text = "读者之后保存的记录";
    assert_eq!(notes_seen_by_another_program(&db, text), 0);
    store.write(|w| w.add_note(cadre, date("2026-11-27"), text)).unwrap();
    assert_eq!(notes_seen_by_another_program(&db, text), 1, "the save after the other program's read");
    drop(store);
    assert_eq!(notes_seen_by_another_program(&db, text), 1, "the save, after the program closed");
}
