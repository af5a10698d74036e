//! `guazhi setup`: a shared folder that editors may save in and viewers may only read, tried
//! with real accounts made for the test (`groupadd`/`useradd`, run through `setpriv`). Needs
//! root, and says SKIPPED without it; the viewers' part needs a file system with ACLs (the
//! temporary folder's, as on ext4 or tmpfs) and `sqlite3`.

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
    let fix = fix_for(&db);
    assert!(err(&refused).contains(&fix), "{}", err(&refused));
    // A report opens read-only: warned, with the same fix (as root SQLite would quietly give
    // the -shm back to the database's owner, so an editor runs it).
    let warned = guazhi_as(Some(&acc.editor), &["overdue", s(&db)]);
    assert!(err(&warned).contains(&fix), "{}", err(&warned));
    assert!(run("sh", &["-c", &fix.replace("sudo ", "")]).status.success());
    let saved = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert!(saved.status.success(), "after the fix: {}", err(&saved));
}

/// `sqlite3 db sql` as `user`.
fn sqlite3_as(user: &str, db: &Path, sql: &str) -> Output {
    Command::new("setpriv")
        .args([&format!("--reuid={user}"), "--init-groups", "--", "sqlite3", s(db), sql])
        .env("HOME", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .expect("sqlite3 (CI has it)")
}

#[test]
fn viewers_read_and_cannot_write_with_the_program_or_the_shell() {
    let Some(acc) = Accounts::make("b") else { return };
    let space = workspace();
    let (sheet, area) = (space.sheet.as_path(), space.area.as_path());
    let made = guazhi_as(None, &["setup", s(area), "--editors", &acc.editors, "--viewers", &acc.viewers]);
    if err(&made).contains("does not support ACLs") {
        eprintln!("SKIPPED: the temporary folder's file system has no ACLs: {}", err(&made).trim());
        return;
    }
    let said = ok(&made);
    assert!(said.contains(&format!("ACL: the group {}", acc.viewers)), "{said}");
    let db = area.join("guazhi.db");
    // The ACL's mask is what the mode shows as group bits: the editors' rights are unchanged.
    assert_eq!(std::fs::metadata(area).unwrap().mode() & 0o7777, 0o2770);
    for f in [db.clone(), side(&db, "-wal"), side(&db, "-shm"), side(&db, "-anchor")] {
        assert_eq!(std::fs::metadata(&f).unwrap().mode() & 0o777, 0o660, "{}", f.display());
    }
    ok(&guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]));
    // Imports take turns on a lock file setup made; a viewer cannot open it, so cannot hold it.
    let lock = side(&db, "-import-lock");
    assert_eq!(std::fs::metadata(&lock).unwrap().uid(), 0);
    let opened = Command::new("setpriv")
        .args([&format!("--reuid={}", acc.viewer), "--init-groups", "--", "cat", s(&lock)])
        .output()
        .unwrap();
    assert!(err(&opened).contains("Permission denied"), "a viewer opened the import lock file: {}", err(&opened));

    let listed = guazhi_as(Some(&acc.viewer), &["overdue", s(&db)]);
    assert!(listed.status.success(), "viewer's overdue: {}", err(&listed));
    let checked = guazhi_as(Some(&acc.viewer), &["check", s(&db)]);
    assert_eq!(checked.status.code(), Some(0), "viewer's check: {}", err(&checked));
    let counted = sqlite3_as(&acc.viewer, &db, "SELECT count(*) FROM secondments;");
    let count = String::from_utf8_lossy(&counted.stdout).trim().parse::<u64>();
    assert!(count.is_ok_and(|n| n > 0), "viewer's sqlite3 read: {}", err(&counted));
    let refused = guazhi_as(Some(&acc.viewer), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert_eq!(refused.status.code(), Some(4), "{}", err(&refused));
    let shell = sqlite3_as(&acc.viewer, &db, "DELETE FROM audit;");
    assert!(!shell.status.success(), "the viewer's sqlite3 shell wrote");
    let copied = sqlite3_as(&acc.viewer, &db, &format!("VACUUM INTO '{}';", area.join("copy.db").display()));
    assert!(!copied.status.success() && !area.join("copy.db").exists(), "the viewer made a file in the folder");
    // Nothing the viewer ran left a file of its own, nor stopped the editor's next save.
    owns_nothing(area, acc.uid(&acc.viewer));
    let saved = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert!(saved.status.success(), "editor after the viewer: {}", err(&saved));
    let counted = sqlite3_as(&acc.viewer, &db, "SELECT count(*) FROM secondments;");
    assert!(counted.status.success(), "viewer's sqlite3 read after the save: {}", err(&counted));

    // A -shm deleted and made again by root (whose SQLite gives it the database's owner, group
    // and mode) still lets the viewers read: the folder's default ACL gives them the entry.
    std::fs::remove_file(side(&db, "-shm")).unwrap();
    ok(&guazhi_as(None, &["overdue", s(&db)]));
    let listed = guazhi_as(Some(&acc.viewer), &["overdue", s(&db)]);
    assert!(listed.status.success(), "viewer's overdue with a -shm made again: {}", err(&listed));
    owns_nothing(area, acc.uid(&acc.viewer));
    let saved = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert!(saved.status.success(), "editor with a -shm made again: {}", err(&saved));

    // A -shm of another account with neither the group's rights nor the viewers' ACL entry:
    // the fix the editor is told gives it back the database's owner, mode and ACL, so both
    // the editors and the viewers work again.
    let plain = space.sheet.with_file_name("plain");
    std::fs::write(&plain, "").unwrap();
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o600)).unwrap();
    let stripped = run("cp", &["--attributes-only", "--preserve=mode", s(&plain), s(&side(&db, "-shm"))]);
    assert!(stripped.status.success(), "{}", err(&stripped));
    std::os::unix::fs::chown(side(&db, "-shm"), Some(acc.uid(&acc.outsider)), None).unwrap();
    // The -shm cannot even be opened: the file cannot be (exit 3).
    let refused = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert_eq!(refused.status.code(), Some(3), "{}", err(&refused));
    let fix = fix_for(&db);
    assert!(err(&refused).contains(&fix), "{}", err(&refused));
    assert!(run("sh", &["-c", &fix.replace("sudo ", "")]).status.success());
    let listed = guazhi_as(Some(&acc.viewer), &["overdue", s(&db)]);
    assert!(listed.status.success(), "viewer's overdue after the fix: {}", err(&listed));
    let saved = guazhi_as(Some(&acc.editor), &["import", s(&db), s(sheet), "--yes", "--create-units"]);
    assert!(saved.status.success(), "editor after the fix: {}", err(&saved));
}

/// The command the program gives for `-wal`/`-shm` of the wrong account.
fn fix_for(db: &Path) -> String {
    let each = |side: &str| format!("sudo cp --attributes-only --preserve=mode,ownership {0} {0}-{side}", s(db));
    format!("{} && {}", each("wal"), each("shm"))
}

/// A file system mounted at a new temporary folder for one test, unmounted at its end.
pub struct Mount {
    dir: tempfile::TempDir,
}

impl Mount {
    /// `mount -t kind`; `None`, said, when this machine does not let the test mount (not root,
    /// or a container without the capability).
    pub fn new(kind: &str) -> Option<Mount> {
        Mount::with(kind, "defaults")
    }

    /// A tmpfs of `kib` KiB: a disk that fills up.
    pub fn small_tmpfs(kib: u32) -> Option<Mount> {
        Mount::with("tmpfs", &format!("size={kib}k"))
    }

    fn with(kind: &str, options: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().unwrap();
        let out = run("mount", &["-t", kind, "-o", options, "none", s(dir.path())]);
        if !out.status.success() {
            eprintln!("SKIPPED (part): cannot mount a {kind} here: {}", err(&out).trim());
            return None;
        }
        Some(Mount { dir })
    }

    /// `mount -o remount,OPTIONS`.
    pub fn remount(&self, options: &str) {
        let out = run("mount", &["-o", &format!("remount,{options}"), s(self.path())]);
        assert!(out.status.success(), "remount,{options}: {}", err(&out));
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        run("umount", &[s(self.dir.path())]);
    }
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
    // A file system without ACLs (ramfs) and viewers named: said, and the folders setup made,
    // or the owner and mode of an empty one it was given, put back.
    if let Some(ramfs) = Mount::new("ramfs") {
        let nested = ramfs.path().join("srv").join("area");
        let given = ramfs.path().join("given");
        std::fs::create_dir(&given).unwrap();
        std::fs::set_permissions(&given, std::fs::Permissions::from_mode(0o701)).unwrap();
        for dir in [&nested, &given] {
            let refused = guazhi_as(None, &["setup", s(dir), "--editors", &acc.editors, "--viewers", &acc.viewers]);
            assert_eq!(refused.status.code(), Some(5), "{}", err(&refused));
            let said = format!("{}: the file system does not support ACLs", dir.display());
            assert!(err(&refused).contains(&said) && err(&refused).contains("nothing was done"), "{}", err(&refused));
        }
        assert!(!ramfs.path().join("srv").exists(), "a refused setup left the folders it made");
        let m = std::fs::metadata(&given).unwrap();
        assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (0, 0, 0o701), "the given folder was not put back");
        assert_eq!(std::fs::read_dir(&given).unwrap().count(), 0);
        let args = ["setup", s(&nested), "--editors", &acc.editors, "--viewers", &acc.viewers, "--lang", "zh"];
        let zh = guazhi_as(None, &args);
        let zh = err(&zh);
        assert!(zh.contains("这个文件系统不支持 ACL"), "{zh}");
        let rest = zh.replace(s(&nested), "");
        let words = rest.split(|c: char| !c.is_ascii_alphabetic() && c != '-');
        let english: Vec<&str> = words
            .filter(|w| w.len() > 1 && !w.starts_with("--") && !["guazhi", "ACL", "ext", "XFS"].contains(w))
            .collect();
        assert!(english.is_empty(), "English in the Chinese message: {english:?} in {zh}");
    }
    std::fs::create_dir(area).unwrap();
    std::fs::write(area.join("x"), "").unwrap();
    let full = guazhi_as(None, &["setup", s(area), "--editors", &acc.editors]);
    assert_eq!(full.status.code(), Some(4));
    assert!(err(&full).contains("not empty"), "{}", err(&full));
}
