//! `guazhi setup DIR --editors GROUP [--viewers GROUP]`: a shared area made once, by root, so
//! that the operating system decides who may save. Every file SQLite writes to (the database,
//! its `-wal` and `-shm`, kept for ever by SQLITE_FCNTL_PERSIST_WAL) is made here, owned by
//! root and the editors' group; viewers get read-only ACL entries and no write on the folder,
//! so nothing they run can make a file that an editor's save would then trip on. The ACLs are
//! written as the `system.posix_acl_*` extended attributes, so no `setfacl` is needed.

use super::{say, ExitError};
use crate::lang::Message;
use crate::store::{Access, Store};
use crate::text::display_safe;
use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The database's name inside the shared folder.
pub const DB_NAME: &str = "guazhi.db";

#[derive(Debug, clap::Args)]
pub struct SetupArgs {
    /// The folder to create (or an empty one) for the shared database.
    pub dir: PathBuf,
    /// The group whose members may save.
    #[arg(long)]
    pub editors: String,
    /// A group whose members may only read (given by ACL entries; the file system must support
    /// ACLs, as local ext4 and XFS disks do).
    #[arg(long)]
    pub viewers: Option<String>,
}

pub fn setup(args: SetupArgs) -> Result<u8, ExitError> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Err(ExitError::said(
            4,
            Message::new(
                "setup 要以 root 身份运行（它要设定文件的属主和组）：sudo guazhi setup …；未做任何改动",
                "setup must run as root (it sets the files' owner and group): sudo guazhi setup …; nothing was done",
            ),
        ));
    }
    let editors = group("--editors", &args.editors)?;
    let viewers = args.viewers.as_deref().map(|g| group("--viewers", g)).transpose()?;
    if viewers == Some(editors) {
        return Err(ExitError::said(
            2,
            Message::new("--viewers：与 --editors 是同一个组", "--viewers: the same group as --editors"),
        ));
    }
    let dir = &args.dir;
    let before = make_dir(dir)?;
    let mut done = vec![Message::new(
        format!("建立文件夹 {}（root:{}，2770：组员可建文件，新文件归该组）", shown(dir), args.editors),
        format!(
            "created the folder {} (root:{}, 2770: the group may create files, new ones get its group)",
            shown(dir),
            args.editors
        ),
    )];
    own(dir, editors, 0o2770)?;
    if let Some(gid) = viewers {
        // The folder first, before any file is made in it: a file system without ACLs stops
        // setup here, and the folder is put back as it was. Its default ACL gives the viewers
        // read on any file made there later (a `-wal`/`-shm` made again after a deletion).
        let acl = acl_xattr(mode_of(dir)?, gid, READ | EXECUTE);
        if let Err(e) = set_acl(dir, ACL_ACCESS, &acl).and_then(|()| set_acl(dir, ACL_DEFAULT, &acl)) {
            before.restore(dir);
            return Err(no_acl(dir, e));
        }
    }
    let db = dir.join(DB_NAME);
    let store = Store::init(&db)?;
    let anchor = store.start_anchor()?;
    drop(store);
    // Opening once more, as an editor would, leaves the side files in place (PERSIST_WAL).
    drop(Store::open(&db, Access::Auto)?);
    let files = [db.clone(), side(&db, "-wal"), side(&db, "-shm"), anchor.clone()];
    for f in &files {
        if !f.exists() {
            return Err(io_failed(f, std::io::Error::from_raw_os_error(libc::ENOENT)));
        }
        own(f, editors, 0o660)?;
    }
    let names = files.iter().map(|f| shown(f)).collect::<Vec<_>>().join(" ");
    done.push(Message::new(
        format!(
            "建立数据库及其 -wal/-shm（保留不删，只有这里建立它们）和锚文件：{names}（root:{}，0660）",
            args.editors
        ),
        format!(
            "created the database, its -wal/-shm (kept, so only setup ever creates them) and the anchor file: {names} \
             (root:{}, 0660)",
            args.editors
        ),
    ));
    // The file imports take turns on (`Store::lock_imports`), made here like the rest. The
    // viewers get no entry: anyone who can open it can hold it and keep imports waiting.
    let import_lock = crate::store::import_lock_path(&db);
    std::fs::File::create(&import_lock).map_err(|e| io_failed(&import_lock, e))?;
    own(&import_lock, editors, 0o660)?;
    if let Some(gid) = viewers {
        set_acl(&import_lock, ACL_ACCESS, &acl_xattr(0o660, gid, 0)).map_err(|e| io_failed(&import_lock, e))?;
    }
    done.push(Message::new(
        format!("建立导入锁文件 {}（导入依次进行；root:{}，0660；查看者不能打开）", shown(&import_lock), args.editors),
        format!(
            "created the import lock file {} (imports take turns; root:{}, 0660; viewers cannot open it)",
            shown(&import_lock),
            args.editors
        ),
    ));
    if let (Some(gid), Some(name)) = (viewers, args.viewers.as_deref()) {
        for f in &files {
            set_acl(f, ACL_ACCESS, &acl_xattr(mode_of(f)?, gid, READ)).map_err(|e| io_failed(f, e))?;
        }
        done.push(Message::new(
            format!("ACL：{name} 组可读文件夹和这些文件（以后在这里建立的文件也一样），不能写，也不能在文件夹里建文件"),
            format!(
                "ACL: the group {name} may read the folder and these files (and any file made there later), not \
                 write them nor create files there"
            ),
        ));
    }
    done.push(append_only(&anchor));
    for line in done {
        println!("{}", line.get(super::lang()));
    }
    println!(
        "{}",
        say(
            format!("编辑者用 `guazhi {}` 打开；用户加入组后须重新登录", shown(&db)),
            format!("editors open it with `guazhi {}`; users added to a group must log in again", shown(&db)),
        )
    );
    Ok(0)
}

fn shown(p: &Path) -> String {
    display_safe(&p.display().to_string()).into_owned()
}

fn side(db: &Path, ext: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(ext);
    PathBuf::from(name)
}

fn io_failed(p: &Path, e: std::io::Error) -> ExitError {
    ExitError::said(5, Message::new(format!("{}：{e}", shown(p)), format!("{}: {e}", shown(p))))
}

/// The gid of the group `name`, or the refusal naming the option.
fn group(option: &str, name: &str) -> Result<libc::gid_t, ExitError> {
    let unknown = || {
        let name = display_safe(name).into_owned();
        ExitError::said(
            2,
            Message::new(
                format!("{option}：本机没有名为“{name}”的组（用 `groupadd {name}` 建立）"),
                format!("{option}: no group named '{name}' on this server (create it with `groupadd {name}`)"),
            ),
        )
    };
    let c = CString::new(name).map_err(|_| unknown())?;
    // SAFETY: a valid C string; the result is read at once, before any other getgr* call.
    let entry = unsafe { libc::getgrnam(c.as_ptr()) };
    if entry.is_null() {
        return Err(unknown());
    }
    // SAFETY: non-null, as checked.
    Ok(unsafe { (*entry).gr_gid })
}

/// What the folder was before setup, so that a failure found early can put it back.
enum Before {
    /// It did not exist: these folders were made, the deepest first.
    Absent(Vec<PathBuf>),
    /// It existed, empty, with this owner, group and mode.
    Empty(std::fs::Metadata),
}

impl Before {
    /// Removes the folders setup made, or gives an existing one back its owner and mode. Best
    /// effort, said nowhere: the refusal that follows is what the user needs to read.
    fn restore(&self, dir: &Path) {
        match self {
            Before::Absent(made) => {
                for d in made {
                    let _ = std::fs::remove_dir(d);
                }
            }
            Before::Empty(m) => {
                let _ = std::os::unix::fs::chown(dir, Some(m.uid()), Some(m.gid()));
                let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(m.mode() & 0o7777));
            }
        }
    }
}

/// Creates `dir`, or accepts an empty one; anything else is refused before a file is made.
fn make_dir(dir: &Path) -> Result<Before, ExitError> {
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Ok(true) => std::fs::metadata(dir).map(Before::Empty).map_err(|e| io_failed(dir, e)),
        Ok(false) => Err(ExitError::said(
            4,
            Message::new(
                format!("{}：文件夹不是空的；setup 只在新的或空的文件夹里建立；未做任何改动", shown(dir)),
                format!(
                    "{}: the folder is not empty; setup only works in a new or empty folder; nothing was done",
                    shown(dir)
                ),
            ),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let made = dir.ancestors().take_while(|d| !d.as_os_str().is_empty() && !d.exists()).map(Path::to_path_buf);
            let made = made.collect();
            std::fs::create_dir_all(dir).map_err(|e| io_failed(dir, e))?;
            Ok(Before::Absent(made))
        }
        Err(e) => Err(io_failed(dir, e)),
    }
}

/// root:`gid`, `mode` (chmod after chown: chown clears the setgid bit).
fn own(p: &Path, gid: libc::gid_t, mode: u32) -> Result<(), ExitError> {
    std::os::unix::fs::chown(p, Some(0), Some(gid)).map_err(|e| io_failed(p, e))?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).map_err(|e| io_failed(p, e))
}

fn mode_of(p: &Path) -> Result<u32, ExitError> {
    std::fs::symlink_metadata(p).map(|m| m.mode()).map_err(|e| io_failed(p, e))
}

const ACL_ACCESS: &CStr = c"system.posix_acl_access";
/// On a folder: the ACL that files and folders made in it start from.
const ACL_DEFAULT: &CStr = c"system.posix_acl_default";
const READ: u16 = 4;
const EXECUTE: u16 = 1;

/// The POSIX ACL that setup wants, as the kernel stores it in `system.posix_acl_*`: the owner,
/// group and other bits of `mode`, read (`perm`) for the group `gid`, and a mask of the group
/// bits and `perm` (what `setfacl -m` computes, so the mode's group bits stay the editors').
/// The complete list, not merged with one already there: setup's files are new, or empty.
/// Little-endian: version 2, then (tag u16, perm u16, id u32) sorted by tag, then id.
fn acl_xattr(mode: u32, gid: libc::gid_t, perm: u16) -> Vec<u8> {
    const USER_OBJ: u16 = 0x01;
    const GROUP_OBJ: u16 = 0x04;
    const GROUP: u16 = 0x08;
    const MASK: u16 = 0x10;
    const OTHER: u16 = 0x20;
    const UNDEFINED: u32 = u32::MAX;
    let bits = |shift: u32| ((mode >> shift) & 7) as u16;
    let entries = [
        (USER_OBJ, bits(6), UNDEFINED),
        (GROUP_OBJ, bits(3), UNDEFINED),
        (GROUP, perm, gid),
        (MASK, bits(3) | perm, UNDEFINED),
        (OTHER, bits(0), UNDEFINED),
    ];
    let mut out = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(perm.to_le_bytes());
        out.extend(id.to_le_bytes());
    }
    out
}

/// Writes the ACL `value` as the attribute `name` of `p` (not through a symbolic link: one put
/// in the folder would otherwise give the viewers another file).
fn set_acl(p: &Path, name: &CStr, value: &[u8]) -> std::io::Result<()> {
    let c = CString::new(p.as_os_str().as_bytes())?;
    // SAFETY: NUL-terminated path and name, and a buffer of `value.len()` bytes, all alive for
    // the call.
    let rc = unsafe { libc::lsetxattr(c.as_ptr(), name.as_ptr(), value.as_ptr().cast(), value.len(), 0) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The refusal when the folder cannot take the viewers' ACL (already put back as it was: a file
/// system without ACLs has taken none of it, so nothing was done).
fn no_acl(dir: &Path, e: std::io::Error) -> ExitError {
    if e.raw_os_error() != Some(libc::EOPNOTSUPP) {
        return io_failed(dir, e);
    }
    ExitError::said(
        5,
        Message::new(
            format!(
                "{}：这个文件系统不支持 ACL，无法让 --viewers 的组只能读；未做任何改动（不带 --viewers 再运行，\
                 或换用支持 ACL 的文件系统，如本机的 ext4、XFS 磁盘）",
                shown(dir)
            ),
            format!(
                "{}: the file system does not support ACLs, so the --viewers group cannot be given read-only \
                 access; nothing was done (run it again without --viewers, or on a file system with ACLs, such as \
                 a local ext4 or XFS disk)",
                shown(dir)
            ),
        ),
    )
}

/// `chattr +a` on the anchor, so that only root can cut it; said either way.
fn append_only(anchor: &Path) -> Message {
    let out = Command::new("chattr").arg("+a").arg(anchor).output();
    match out {
        Ok(o) if o.status.success() => Message::new(
            format!("锚文件 {} 设为只能追加（chattr +a；只有 root 能撤销）", shown(anchor)),
            format!("made the anchor file {} append-only (chattr +a; only root can undo it)", shown(anchor)),
        ),
        Ok(o) => {
            let why = display_safe(String::from_utf8_lossy(&o.stderr).trim()).into_owned();
            Message::new(
                format!(
                    "注意：锚文件 {} 无法设为只能追加（{why}）；编辑者可以改写它，`check` 对截断链尾的发现因此要靠备份",
                    shown(anchor)
                ),
                format!(
                    "note: could not make the anchor file {} append-only ({why}); editors can rewrite it, so a cut \
                     chain tail shows only against backups",
                    shown(anchor)
                ),
            )
        }
        Err(e) => Message::new(
            format!("注意：没有 chattr（{e}）；锚文件 {} 不是只能追加", shown(anchor)),
            format!("note: no chattr ({e}); the anchor file {} is not append-only", shown(anchor)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNDEFINED: [u8; 4] = [0xff; 4];

    fn entry(tag: u8, perm: u8, id: [u8; 4]) -> Vec<u8> {
        [&[tag, 0, perm, 0][..], &id].concat()
    }

    #[test]
    fn the_acl_is_the_kernels_layout_with_the_mask_setfacl_would_compute() {
        // A file, 0660, viewers (gid 1234 = 0x04d2) reading.
        let file = [
            vec![2, 0, 0, 0],
            entry(0x01, 6, UNDEFINED),
            entry(0x04, 6, UNDEFINED),
            entry(0x08, 4, [0xd2, 0x04, 0, 0]),
            entry(0x10, 6, UNDEFINED),
            entry(0x20, 0, UNDEFINED),
        ]
        .concat();
        assert_eq!(acl_xattr(0o100660, 1234, READ), file);
        // The file type and setgid bits are not permissions; a mask wider than the group bits
        // when the named entry has what the group lacks (here x).
        let dir = [
            vec![2, 0, 0, 0],
            entry(0x01, 7, UNDEFINED),
            entry(0x04, 4, UNDEFINED),
            entry(0x08, 5, [0x01, 0x00, 0x01, 0x00]),
            entry(0x10, 5, UNDEFINED),
            entry(0x20, 1, UNDEFINED),
        ]
        .concat();
        assert_eq!(acl_xattr(0o42741, 0x0001_0001, READ | EXECUTE), dir);
    }
}
