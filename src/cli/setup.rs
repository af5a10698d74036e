//! `guazhi setup DIR --editors GROUP [--viewers GROUP]`: a shared area made once, by root, so
//! that the operating system decides who may save. Every file SQLite writes to (the database,
//! its `-wal` and `-shm`, kept for ever by SQLITE_FCNTL_PERSIST_WAL) is made here, owned by
//! root and the editors' group; viewers get read-only ACL entries and no write on the folder,
//! so nothing they run can make a file that an editor's save would then trip on.

use super::{say, ExitError};
use crate::lang::Message;
use crate::store::{Access, Store};
use crate::text::display_safe;
use std::ffi::CString;
use std::os::unix::fs::PermissionsExt;
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
    /// A group whose members may only read (needs `setfacl`, from the acl package).
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
    if viewers.is_some() && which("setfacl").is_none() {
        return Err(ExitError::said(
            4,
            Message::new(
                "--viewers 需要 setfacl 命令（acl 软件包，例如 `apt-get install acl`），本机没有；未做任何改动",
                "--viewers needs the setfacl command (the acl package, e.g. `apt-get install acl`), which this \
                 server lacks; nothing was done",
            ),
        ));
    }
    let dir = &args.dir;
    make_dir(dir)?;
    let mut done = vec![Message::new(
        format!("建立文件夹 {}（root:{}，2770：组员可建文件，新文件归该组）", shown(dir), args.editors),
        format!(
            "created the folder {} (root:{}, 2770: the group may create files, new ones get its group)",
            shown(dir),
            args.editors
        ),
    )];
    own(dir, editors, 0o2770)?;
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
    if let (Some(_), Some(name)) = (viewers, args.viewers.as_deref()) {
        setfacl(&format!("g:{name}:r-x"), std::slice::from_ref(dir))?;
        setfacl(&format!("g:{name}:r--"), &files)?;
        done.push(Message::new(
            format!("ACL：{name} 组可读文件夹和这些文件，不能写，也不能在文件夹里建文件"),
            format!("ACL: the group {name} may read the folder and these files, not write them nor create files there"),
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

/// Creates `dir`, or accepts an empty one; anything else is refused before a file is made.
fn make_dir(dir: &Path) -> Result<(), ExitError> {
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Ok(true) => Ok(()),
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
            std::fs::create_dir_all(dir).map_err(|e| io_failed(dir, e))
        }
        Err(e) => Err(io_failed(dir, e)),
    }
}

/// root:`gid`, `mode` (chmod after chown: chown clears the setgid bit).
fn own(p: &Path, gid: libc::gid_t, mode: u32) -> Result<(), ExitError> {
    std::os::unix::fs::chown(p, Some(0), Some(gid)).map_err(|e| io_failed(p, e))?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).map_err(|e| io_failed(p, e))
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/sbin:/usr/bin:/sbin:/bin".into());
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file())
}

fn setfacl(entry: &str, files: &[PathBuf]) -> Result<(), ExitError> {
    let out = Command::new("setfacl").arg("-m").arg(entry).args(files).output().map_err(|e| io_failed(&files[0], e))?;
    if out.status.success() {
        return Ok(());
    }
    let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let why = display_safe(&why).into_owned();
    Err(ExitError::said(
        5,
        Message::new(
            format!("setfacl 失败（文件系统可能不支持 ACL）：{why}"),
            format!("setfacl failed (the file system may not support ACLs): {why}"),
        ),
    ))
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
