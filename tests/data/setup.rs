//! `guazhi setup`: a shared folder that editors may save in and viewers may only read, tried
//! with real accounts made for the test (`groupadd`/`useradd`, run through `setpriv`). Needs
//! root; the viewers' part also needs `setfacl` (the `acl` package: `apt-get install acl`).
//! Each test says SKIPPED when what it needs is missing.

use crate::common;
use crate::interop_support::{ok, s, TODAY};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// useradd and userdel lock /etc/passwd: the tests running at once take turns.
static ACCOUNTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Groups and users made for one test, removed when it ends.
struct Accounts {
    editors: String,
    viewers: String,
    editor: String,
    viewer: String,
    outsider: String,
}

impl Accounts {
    fn make(tag: &str) -> Option<Accounts> {
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("SKIPPED: not root: setup and the test accounts need root");
            return None;
        }
        for tool in ["setpriv", "useradd", "groupadd", "userdel", "groupdel"] {
            if !has(tool) {
                eprintln!("SKIPPED: no `{tool}` to make and use test accounts");
                return None;
            }
        }
        let _one = ACCOUNTS.lock().unwrap_or_else(|e| e.into_inner());
        let id = format!("{}{}", tag, std::process::id() % 100_000);
        let a = Accounts {
            editors: format!("gze{id}"),
            viewers: format!("gzv{id}"),
            editor: format!("gzed{id}"),
            viewer: format!("gzvw{id}"),
            outsider: format!("gzo{id}"),
        };
        for g in [&a.editors, &a.viewers] {
            assert!(run("groupadd", &[g]).status.success(), "groupadd {g}");
        }
        // The outsider belongs to neither group.
        for (u, g) in [(&a.editor, a.editors.as_str()), (&a.viewer, a.viewers.as_str()), (&a.outsider, "users")] {
            assert!(
                run("useradd", &["-M", "-N", "-g", g, "-s", "/usr/sbin/nologin", u]).status.success(),
                "useradd {u}"
            );
        }
        Some(a)
    }

    fn uid(&self, user: &str) -> u32 {
        let out = run("id", &["-u", user]);
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        let _one = ACCOUNTS.lock().unwrap_or_else(|e| e.into_inner());
        for u in [&self.editor, &self.viewer, &self.outsider] {
            run("userdel", &[u]);
        }
        for g in [&self.editors, &self.viewers] {
            run("groupdel", &[g]);
        }
    }
}

fn has(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program).args(args).stdin(Stdio::null()).output().unwrap()
}

/// `guazhi args` as `user` (its own groups), or as root when `None`.
fn guazhi_as(user: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = match user {
        Some(u) => {
            let mut c = Command::new("setpriv");
            c.args([&format!("--reuid={u}"), "--init-groups", "--"]).arg(env!("CARGO_BIN_EXE_guazhi"));
            // A home of its own, as a real account has: root's cannot even be looked into,
            // which the settings lookup rightly reports.
            c.env("HOME", "/nonexistent").env_remove("XDG_CONFIG_HOME");
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_guazhi")),
    };
    cmd.args(args).args(["--today", TODAY]).env("LANG", "C.UTF-8").stdin(Stdio::null()).output().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary folder every account can pass through, a sheet of secondments to import, and
/// the area's path inside it (not yet made).
struct Space {
    _dir: tempfile::TempDir,
    sheet: PathBuf,
    area: PathBuf,
}

impl Drop for Space {
    /// An append-only anchor cannot be removed, even by root, until the flag is taken off.
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-a").arg(self.area.join("guazhi.db-anchor")).output();
    }
}

fn workspace() -> Space {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let demo = common::demo_db(dir.path());
    let sheet = dir.path().join("s.csv");
    ok(&Command::new(env!("CARGO_BIN_EXE_guazhi"))
        .args(["export", s(&demo), "--what", "secondments", "--out", s(&sheet)])
        .output()
        .unwrap());
    std::fs::set_permissions(&sheet, std::fs::Permissions::from_mode(0o644)).unwrap();
    let area = dir.path().join("area");
    Space { _dir: dir, sheet, area }
}

fn side(db: &Path, ext: &str) -> PathBuf {
    PathBuf::from(format!("{}{ext}", db.display()))
}

/// No file in `dir` belongs to `uid`.
fn owns_nothing(dir: &Path, uid: u32) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        assert_ne!(e.metadata().unwrap().uid(), uid, "{} belongs to the account", e.path().display());
    }
}

#[test]
fn editors_save_others_cannot_read_and_wrong_side_files_are_said_with_the_fix() {
    let Some(acc) = Accounts::make("a") else { return };
    let space = workspace();
    let (sheet, area) = (space.sheet.as_path(), space.area.as_path());
    let out = guazhi_as(None, &["setup", s(area), "--editors", &acc.editors]);
    let said = ok(&out);
    assert!(said.contains("created the folder") && said.contains("anchor"), "{said}");
    assert!(said.contains("append-only (chattr +a") || said.contains("could not make the anchor file"), "{said}");
    let db = area.join("guazhi.db");
    let gid = std::fs::metadata(area).unwrap().gid();
    assert_eq!(std::fs::metadata(area).unwrap().mode() & 0o7777, 0o2770);
    for f in [db.clone(), side(&db, "-wal"), side(&db, "-shm"), side(&db, "-anchor")] {
        let m = std::fs::metadata(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (0, gid, 0o660), "{}", f.display());
    }

    // The editor saves, and the check (chain and anchor) is clean after it.
    let saved = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert!(saved.status.success(), "editor's import: {}", err(&saved));
    let checked = guazhi_as(Some(&acc.editor), &["check", s(&db)]);
    assert_eq!(checked.status.code(), Some(0), "{}", String::from_utf8_lossy(&checked.stdout));
    owns_nothing(area, acc.uid(&acc.editor));

    // Someone outside both groups cannot even read it.
    let looked = guazhi_as(Some(&acc.outsider), &["overdue", s(&db)]);
    assert_eq!(looked.status.code(), Some(3), "{}", err(&looked));

    // A -shm left by another account: the editor is told the exact fix instead of a bare
    // "read-only" on saving, and the fix works.
    std::os::unix::fs::chown(side(&db, "-shm"), Some(acc.uid(&acc.outsider)), None).unwrap();
    std::fs::set_permissions(side(&db, "-shm"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert_eq!(refused.status.code(), Some(4));
    let fix =
        format!("sudo chown --reference={0} {0}-wal {0}-shm && sudo chmod --reference={0} {0}-wal {0}-shm", s(&db));
    assert!(err(&refused).contains(&fix), "{}", err(&refused));
    // A report opens read-only: warned, with the same fix (as root SQLite would quietly give
    // the -shm back to the database's owner, so an editor runs it).
    let warned = guazhi_as(Some(&acc.editor), &["overdue", s(&db)]);
    assert!(err(&warned).contains(&fix), "{}", err(&warned));
    assert!(run("sh", &["-c", &fix.replace("sudo ", "")]).status.success());
    let saved = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert!(saved.status.success(), "after the fix: {}", err(&saved));
}

#[test]
fn viewers_read_and_cannot_write_with_the_program_or_the_shell() {
    let Some(acc) = Accounts::make("b") else { return };
    if !has("setfacl") {
        eprintln!("SKIPPED: no `setfacl` (apt-get install acl): viewers need ACL entries");
        return;
    }
    let space = workspace();
    let (sheet, area) = (space.sheet.as_path(), space.area.as_path());
    ok(&guazhi_as(None, &["setup", s(area), "--editors", &acc.editors, "--viewers", &acc.viewers]));
    let db = area.join("guazhi.db");
    ok(&guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]));
    let listed = guazhi_as(Some(&acc.viewer), &["overdue", s(&db)]);
    assert!(listed.status.success(), "viewer's overdue: {}", err(&listed));
    let refused = guazhi_as(Some(&acc.viewer), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert_eq!(refused.status.code(), Some(4), "{}", err(&refused));
    if has("sqlite3") {
        let shell = Command::new("setpriv")
            .args([&format!("--reuid={}", acc.viewer), "--init-groups", "--", "sqlite3", s(&db), "DELETE FROM audit;"])
            .output()
            .unwrap();
        assert!(!shell.status.success(), "the viewer's sqlite3 shell wrote");
    }
    // Nothing the viewer ran left a file of its own, nor stopped the editor's next save.
    owns_nothing(area, acc.uid(&acc.viewer));
    let saved = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert!(saved.status.success(), "editor after the viewer: {}", err(&saved));
}

#[test]
fn setup_is_refused_when_not_allowed() {
    let Some(acc) = Accounts::make("c") else { return };
    let space = workspace();
    let area = space.area.as_path();
    let not_root = guazhi_as(Some(&acc.editor), &["setup", s(area), "--editors", &acc.editors]);
    assert_eq!(not_root.status.code(), Some(4));
    assert!(err(&not_root).contains("must run as root"), "{}", err(&not_root));
    let unknown = guazhi_as(None, &["setup", s(area), "--editors", "no-such-group-gz"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(err(&unknown).contains("--editors: no group named 'no-such-group-gz'"), "{}", err(&unknown));
    let zh = guazhi_as(None, &["setup", s(area), "--editors", "no-such-group-gz", "--lang", "zh"]);
    assert!(err(&zh).contains("没有名为"), "{}", err(&zh));
    assert!(!area.exists(), "a refused setup made the folder");
    if !has("setfacl") {
        let no_acl = guazhi_as(None, &["setup", s(area), "--editors", &acc.editors, "--viewers", &acc.viewers]);
        assert_eq!(no_acl.status.code(), Some(4));
        assert!(err(&no_acl).contains("apt-get install acl"), "{}", err(&no_acl));
        assert!(!area.exists());
    }
    std::fs::create_dir(area).unwrap();
    std::fs::write(area.join("x"), "").unwrap();
    let full = guazhi_as(None, &["setup", s(area), "--editors", &acc.editors]);
    assert_eq!(full.status.code(), Some(4));
    assert!(err(&full).contains("not empty"), "{}", err(&full));
}
