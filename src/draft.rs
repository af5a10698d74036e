//! Drafts: a form that was open when the program had to stop (SIGHUP from a closed SSH window,
//! SIGTERM, SIGINT, a dead terminal, Ctrl-C), kept in a file of the user's own and offered at
//! the next start on the same database.
//!
//! Never in the database: it may be locked (or the disk full) exactly when the signal comes,
//! and a half-typed form is nobody else's business. One file per OS user (it lives under their
//! `$XDG_STATE_HOME`, else `~/.local/state`) and database (named after a hash of the database's
//! canonical path, which the file also records). Mode 0600 in a 0700 folder: personnel data.
//! Written atomically (temporary file, fsync, rename, fsync of the folder), so a crash leaves
//! either the old draft or the new one, never half of one.

use crate::app::form::{Form, FormKind};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The file format's version: a newer program may change it; an unknown one is not offered.
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub format: u32,
    /// The database's canonical path.
    pub db: String,
    pub uid: u32,
    /// When it was written (local time, for the offer).
    pub saved_at: String,
    pub title: String,
    pub kind: FormKind,
    /// The record's version the form was filled from: a save after restoring still detects a
    /// colleague's change made in between.
    pub version: Option<i64>,
    /// (field, typed value) and (field, value when the form opened).
    pub values: Vec<(String, String)>,
    pub initial: Vec<(String, String)>,
}

impl Draft {
    pub fn of(form: &Form) -> Draft {
        Draft {
            format: FORMAT,
            db: String::new(),
            // SAFETY: getuid cannot fail.
            uid: unsafe { libc::getuid() },
            saved_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            title: form.title.clone(),
            kind: form.kind.clone(),
            version: form.version,
            values: form.values(),
            initial: form.initial_values(),
        }
    }
}

/// Where a draft was kept, if anywhere.
#[derive(Debug)]
pub enum Kept {
    Here(PathBuf),
    /// The usual place failed with `error` (a full disk): the fallback folder holds it.
    Fallback {
        path: PathBuf,
        error: io::Error,
    },
    /// Neither place could be written; the usual place's error.
    Lost(io::Error),
}

impl Kept {
    /// What to tell the user after the terminal is restored.
    pub fn message(&self) -> crate::lang::Message {
        let shown = |p: &Path| crate::text::display_safe(&p.display().to_string()).into_owned();
        match self {
            Kept::Here(p) => crate::lang::Message::new(
                format!("未保存的表单已存为草稿（{}），下次打开时会提供", shown(p)),
                format!("the unsaved form was kept as a draft ({}); it is offered at the next start", shown(p)),
            ),
            Kept::Fallback { path, error } => crate::lang::Message::new(
                format!("草稿无法写在平常的位置（{error}），已改存到 {}；下次打开时会提供", shown(path)),
                format!(
                    "the draft could not be written in its usual place ({error}); it was kept in {} instead and is \
                     offered at the next start",
                    shown(path)
                ),
            ),
            Kept::Lost(error) => crate::lang::Message::new(
                format!("未保存的表单丢失：草稿在平常的位置和临时文件夹都无法写入（{error}）"),
                format!("the unsaved form was lost: the draft could be written neither in its usual place nor in the temporary folder ({error})"),
            ),
        }
    }
}

/// Where this user's draft for one database lives.
#[derive(Debug, Clone)]
pub struct Slot {
    dir: PathBuf,
    file: PathBuf,
    db: String,
}

/// FNV-1a: a stable hash (the standard library's may change between Rust versions).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `$XDG_STATE_HOME/guazhi` when that is an absolute path (the XDG rule), else
/// `~/.local/state/guazhi`.
pub fn state_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let home = || std::env::var_os("HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    Some(xdg.or_else(|| home().map(|h| h.join(".local/state")))?.join("guazhi"))
}

impl Slot {
    /// The slot for `db` in the user's state folder; `None` without a home.
    pub fn for_db(db: &Path) -> Option<Slot> {
        Some(Slot::in_dir(&state_dir()?, db))
    }

    pub fn in_dir(dir: &Path, db: &Path) -> Slot {
        let canonical = fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let db = canonical.to_string_lossy().into_owned();
        let base: String = canonical
            .file_name()
            .map(|n| n.to_string_lossy().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').take(40).collect())
            .unwrap_or_default();
        let file = dir.join(format!("draft-{base}-{:016x}.json", fnv(db.as_bytes())));
        Slot { dir: dir.to_path_buf(), file, db }
    }

    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The same draft's place in the fallback folder, `$TMPDIR/guazhi-UID` (on most servers
    /// another file system than the home's, so a full home disk does not lose the form).
    pub fn fallback(&self) -> Slot {
        // SAFETY: getuid cannot fail.
        let dir = std::env::temp_dir().join(format!("guazhi-{}", unsafe { libc::getuid() }));
        let file = dir.join(self.file_name());
        Slot { dir, file, db: self.db.clone() }
    }

    /// Writes `draft` here, else in the fallback folder; says where, and why not here.
    pub fn keep(&self, draft: &Draft) -> Kept {
        let error = match self.save(draft) {
            Ok(()) => return Kept::Here(self.file.clone()),
            Err(e) => e,
        };
        let fallback = self.fallback();
        match fallback.private_dir().and_then(|()| fallback.save(draft)) {
            Ok(()) => Kept::Fallback { path: fallback.file, error },
            Err(_) => Kept::Lost(error),
        }
    }

    /// Makes the folder, and refuses one that another account owns or can enter (a shared
    /// temporary folder could hold one made in advance by someone else).
    fn private_dir(&self) -> io::Result<()> {
        use std::os::unix::fs::MetadataExt;
        fs::DirBuilder::new().recursive(true).mode(0o700).create(&self.dir)?;
        let m = fs::symlink_metadata(&self.dir)?;
        // SAFETY: getuid cannot fail.
        if !m.is_dir() || m.uid() != unsafe { libc::getuid() } || m.mode() & 0o077 != 0 {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{} is not private", self.dir.display()),
            ));
        }
        Ok(())
    }

    /// Writes `draft` for this database, replacing any earlier one.
    pub fn save(&self, draft: &Draft) -> io::Result<()> {
        let mut draft = draft.clone();
        draft.db = self.db.clone();
        let json = serde_json::to_vec_pretty(&draft).map_err(io::Error::other)?;
        fs::DirBuilder::new().recursive(true).mode(0o700).create(&self.dir)?;
        let tmp = self.dir.join(format!(".{}.{}.tmp", self.file_name(), std::process::id()));
        let _ = fs::remove_file(&tmp);
        let result = (|| {
            let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
            // The umask cannot widen 0600, but a pre-existing ACL default might: say it plainly.
            f.set_permissions(fs::Permissions::from_mode(0o600))?;
            f.write_all(&json)?;
            f.sync_all()?;
            fs::rename(&tmp, &self.file)?;
            File::open(&self.dir)?.sync_all()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn file_name(&self) -> String {
        self.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// The draft for this database, if there is one this program can read. A file for another
    /// path (a hash collision) or another account, or in an unknown format, is left alone.
    pub fn load(&self) -> Option<Draft> {
        self.load_here().or_else(|| {
            let fallback = self.fallback();
            fallback.private_dir().ok()?;
            fallback.load_here()
        })
    }

    fn load_here(&self) -> Option<Draft> {
        let bytes = fs::read(&self.file).ok()?;
        let draft: Draft = serde_json::from_slice(&bytes).ok()?;
        // SAFETY: getuid cannot fail.
        let uid = unsafe { libc::getuid() };
        (draft.format == FORMAT && draft.db == self.db && draft.uid == uid).then_some(draft)
    }

    /// Removes the draft, here and in the fallback folder.
    pub fn remove(&self) {
        for slot in [self, &self.fallback()] {
            if fs::remove_file(&slot.file).is_ok() {
                if let Ok(d) = File::open(&slot.dir) {
                    let _ = d.sync_all();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_round_trips_privately_and_belongs_to_its_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        fs::write(&db, b"").unwrap();
        let state = dir.path().join("state/guazhi");
        let slot = Slot::in_dir(&state, &db);
        let draft = Draft {
            format: FORMAT,
            db: String::new(),
            uid: unsafe { libc::getuid() },
            saved_at: "2026-11-27 10:00".into(),
            title: "新增干部".into(),
            kind: FormKind::EditCadre { cadre: 7 },
            version: Some(3),
            values: vec![("name".into(), "欧阳明远".into())],
            initial: vec![("name".into(), "欧阳".into())],
        };
        slot.save(&draft).unwrap();
        let mode = fs::metadata(slot.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(fs::metadata(&state).unwrap().permissions().mode() & 0o777, 0o700);
        let back = slot.load().unwrap();
        assert_eq!(back.kind, draft.kind);
        assert_eq!(back.values, draft.values);
        let other = dir.path().join("y.db");
        fs::write(&other, b"").unwrap();
        assert!(Slot::in_dir(&state, &other).load().is_none(), "another database's draft is not offered");
        assert_eq!(fs::read_dir(&state).unwrap().count(), 1, "no temporary file left behind");
        slot.remove();
        assert!(slot.load().is_none());
    }
}
