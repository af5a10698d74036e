//! What can go wrong with the database, in words a user can act on.

use crate::lang::Message;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum StoreError {
    Missing(PathBuf),
    IsDirectory(PathBuf),
    /// A named pipe, a device or a socket: reading it could block or never end.
    NotRegular(PathBuf),
    /// The file (or a folder on its path) cannot be read by this user.
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    NotSqlite(PathBuf),
    /// A SQLite file that belongs to another program.
    Foreign(PathBuf),
    Truncated {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    Newer {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// An older schema that a read-only user cannot upgrade.
    NeedsUpgrade(PathBuf),
    /// An interrupted save left a hot journal or WAL that only a user with write access can
    /// roll back or recover.
    NeedsRecovery(PathBuf),
    /// A WAL database needs its `-shm` file beside it; it does not exist and this user cannot
    /// create it (the folder is not writable for them).
    FolderNotWritable(PathBuf),
    /// The `-wal`/`-shm` files beside the database exist but this user cannot open them (made
    /// by someone else with other permissions): a wrongly shared file, fixed by giving them the
    /// database's own owner group and mode.
    SideFiles(PathBuf),
    /// The file is on a read-only file system and SQLite cannot read it there (a WAL database
    /// needs its `-shm` file, which nobody can create on such a file system).
    ReadOnlyFileSystem(PathBuf),
    /// The file was moved, renamed or deleted since it was opened: a save would go to a file
    /// nobody opens any more (or vanish with a deleted one).
    Moved(PathBuf),
    Corrupt(String),
    Exists(PathBuf),
    /// `init` could not create the file (a missing folder, no permission).
    CannotCreate {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Why (opened with `--read-only`, or the file cannot be written).
    ReadOnly(Message),
    /// The row changed since it was read: `current` is what is stored now (JSON).
    Conflict {
        table: &'static str,
        id: i64,
        current: Option<serde_json::Value>,
    },
    /// Another writer held the lock for longer than the busy timeout.
    Busy,
    Full,
    /// Bad input: the field it concerns (the forms' key for it) and why.
    Invalid {
        field: String,
        message: Message,
    },
    NotFound {
        table: &'static str,
        id: i64,
    },
    /// Deleting would orphan rows that depend on the record.
    InUse {
        what: Message,
    },
    Io(std::io::Error),
    Sqlite(rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub fn invalid(field: impl Into<String>, message: Message) -> StoreError {
        StoreError::Invalid { field: field.into(), message }
    }
}

/// A field key of the forms and the store (`birth date`) in words.
pub fn field_label(field: &str) -> Message {
    let (zh, en) = match field {
        "name" => ("姓名", "name"),
        "gender" => ("性别", "sex"),
        "birth date" => ("出生日期", "birth date"),
        "political" => ("政治面貌", "political status"),
        "education" => ("学历", "education"),
        "speciality" => ("专业特长", "speciality"),
        "grassroots years" => ("基层经历", "grassroots years"),
        "home unit" => ("单位", "home unit"),
        "home post" => ("职务", "home post"),
        "unit name" => ("单位名称", "unit name"),
        "batch name" => ("批次名称", "batch name"),
        "dispatch date" => ("派出日期", "dispatch date"),
        "term months" => ("期限(月)", "term months"),
        "annual due date" => ("年度考核到期日", "annual due date"),
        "due soon days" => ("即将到期(天)", "due soon days"),
        "routine due days" => ("平时考核(天)", "routine due days"),
        "end-of-term due days" => ("期满考察(天)", "end-of-term due days"),
        "min age" => ("最低年龄", "youngest age"),
        "max age" => ("最高年龄", "oldest age"),
        "host post" => ("挂任职务", "host post"),
        "host unit" => ("挂职单位", "host unit"),
        "start" => ("开始日期", "start"),
        "planned end" => ("计划期满", "planned end"),
        "end date" => ("结束日期", "last day"),
        "reason" => ("原因", "reason"),
        "partner" => ("互派对象", "partner"),
        "review" => ("考核", "review"),
        "done" => ("完成日期", "done on"),
        "assessor" => ("考核人", "assessor"),
        "note" => ("备注", "note"),
        "date" => ("日期", "date"),
        "discipline opinion" => ("纪检意见", "discipline opinion"),
        "family planning opinion" => ("计生意见", "family planning opinion"),
        "conclusion" => ("考察结论", "conclusion"),
        "inspectors" => ("考察组", "inspectors"),
        "summary" => ("考察结论", "summary"),
        "cadre" => ("干部", "cadre"),
        "status" => ("状态", "status"),
        "table" => ("表", "table"),
        "audit" => ("修改记录", "audit trail"),
        "import" => ("导入", "import"),
        "bulk load" => ("批量写入", "bulk load"),
        other => (other, other),
    };
    Message::new(zh, en)
}

impl StoreError {
    /// What went wrong, in both languages (the store does not know the session's).
    pub fn message(&self) -> Message {
        use StoreError::*;
        let path = |p: &PathBuf| crate::text::display_safe(&p.display().to_string()).into_owned();
        let m = |zh: String, en: String| Message::new(zh, en);
        match self {
            Missing(p) => m(
                format!("{}：文件不存在（用 `guazhi init` 新建数据库）", path(p)),
                format!("{}: no such file (create a database with `guazhi init`)", path(p)),
            ),
            IsDirectory(p) => m(
                format!("{}：是文件夹，不是数据库文件", path(p)),
                format!("{}: is a directory, not a database file", path(p)),
            ),
            NotRegular(p) => m(
                format!("{}：不是普通文件（管道、设备或套接字），不是数据库", path(p)),
                format!("{}: not a regular file (a pipe, device or socket), not a database", path(p)),
            ),
            Unreadable { path: p, error } => {
                m(format!("{}：无法读取（{error}）", path(p)), format!("{}: cannot be read ({error})", path(p)))
            }
            NotSqlite(p) => m(format!("{}：不是 SQLite 数据库", path(p)), format!("{}: not a SQLite database", path(p))),
            Foreign(p) => m(
                format!("{}：是其他程序的 SQLite 数据库，不是 guazhi 数据库", path(p)),
                format!("{}: a SQLite database of another program, not a guazhi database", path(p)),
            ),
            Truncated { path: p, expected, actual } => m(
                format!("{}：数据库文件不完整（{actual} / {expected} 字节），请从备份恢复", path(p)),
                format!(
                    "{}: the database file is truncated ({actual} of {expected} bytes); restore it from a backup",
                    path(p)
                ),
            ),
            Newer { path: p, found, supported } => m(
                format!("{}：数据库结构版本 {found} 比本程序的 {supported} 新，请升级 guazhi", path(p)),
                format!(
                    "{}: the database has schema version {found}, newer than this program's {supported}; upgrade guazhi",
                    path(p)
                ),
            ),
            NeedsUpgrade(p) => m(
                format!("{}：数据库需要由有写权限的用户升级结构", path(p)),
                format!("{}: the database needs a schema upgrade by a user who can write it", path(p)),
            ),
            NeedsRecovery(p) => m(
                format!(
                    "{}：上次保存被中断，数据库需要由有写权限的用户恢复（以写权限打开一次即可）；未读取也未修改任何内容",
                    path(p)
                ),
                format!(
                    "{}: an interrupted save left the database needing recovery by a user who can write it \
                     (open it once with write access); nothing was read or changed",
                    path(p)
                ),
            ),
            FolderNotWritable(p) => {
                let shm = p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                m(
                    format!(
                        "{}：无法打开：SQLite 要在旁边建立 {shm}-shm，但你不能写这个文件夹；\
                         请申请该文件夹的写权限（见 README 的共享一节），或在同事打开时再打开",
                        path(p)
                    ),
                    format!(
                        "{}: cannot be opened: SQLite must create {shm}-shm beside it and you cannot write that \
                         folder; ask for write access to the folder (see README, sharing), or open it while a \
                         colleague has it open",
                        path(p)
                    ),
                )
            }
            SideFiles(p) => {
                let shown = path(p);
                let fix = copy_permissions(&shown);
                m(
                    format!("{shown}：旁边的 -wal/-shm 文件你无法打开（由别人以不同的权限建立）；请管理该文件夹的人执行：{fix}"),
                    format!("{shown}: you cannot open the -wal/-shm files beside it (someone else made them with other permissions); whoever manages the folder should run: {fix}"),
                )
            }
            ReadOnlyFileSystem(p) => m(
                format!(
                    "{}：在只读文件系统上，SQLite 无法在那里读取共享（WAL）数据库（旁边缺少 -shm 文件，也不能创建）；\
                     请把文件复制到可写的文件夹再打开",
                    path(p)
                ),
                format!(
                    "{}: on a read-only file system, where SQLite cannot read a shared (WAL) database (its -shm \
                     file is missing and cannot be made there); copy the file to a writable folder and open the copy",
                    path(p)
                ),
            ),
            Moved(p) => m(
                format!("{}：打开后数据库文件被移动或删除，未保存（表单保留；请到文件现在的位置打开）", path(p)),
                format!(
                    "{}: the database file was moved or deleted since it was opened; nothing was saved \
                     (your form is kept; open the file where it is now)",
                    path(p)
                ),
            ),
            Corrupt(why) => m(
                format!("数据库已损坏（{why}），未写入任何内容；请运行 `guazhi check` 查看，并从备份恢复"),
                format!(
                    "the database is damaged ({why}); nothing was written; run `guazhi check` to see where, and \
                     restore it from a backup"
                ),
            ),
            Exists(p) => m(format!("{}：已存在，未覆盖", path(p)), format!("{}: already exists; not overwritten", path(p))),
            CannotCreate { path: p, error } => {
                m(format!("{}：无法创建（{error}）", path(p)), format!("{}: cannot be created ({error})", path(p)))
            }
            ReadOnly(why) => m(format!("只读：{}", why.zh), format!("read-only: {}", why.en)),
            Conflict { table, id, .. } => {
                let t = table_label(table);
                m(
                    format!("打开后同事修改了这条{}记录（#{id}），未保存", t.zh),
                    format!("a colleague changed this {} (#{id}) since you opened it; nothing was saved", t.en),
                )
            }
            Busy => m(
                "数据库正忙（同事正在保存），请稍后再试".into(),
                "the database is busy (a colleague is saving); try again in a moment".into(),
            ),
            Full => m("磁盘已满，未保存".into(), "the disk is full; nothing was saved".into()),
            Invalid { field, message } => {
                let label = field_label(field);
                m(format!("{}：{}", label.zh, message.zh), format!("{}: {}", label.en, message.en))
            }
            NotFound { table, id } => {
                let t = table_label(table);
                m(
                    format!("{} #{id} 已不存在（同事可能已删除）", t.zh),
                    format!("{} {id} no longer exists (a colleague may have removed it)", t.en),
                )
            }
            InUse { what } => m(format!("不能删除：{}", what.zh), format!("cannot delete: {}", what.en)),
            Io(e) => crate::lang::io_error(e),
            Sqlite(e) => m(format!("数据库出错：{e}"), format!("database error: {e}")),
        }
    }
}

/// What a row of a table is called.
pub fn table_label(table: &str) -> Message {
    let (zh, en) = match table {
        "cadres" => ("干部", "cadre"),
        "secondments" => ("挂职", "secondment"),
        "pairs" => ("互派", "pair"),
        "reviews" => ("考核", "review"),
        "vettings" => ("选派考察", "vetting"),
        "term_evaluations" => ("期满考察", "evaluation"),
        "dossier_notes" => ("档案记录", "note"),
        "reserve_nominations" => ("后备提名", "nomination"),
        "reserve_events" => ("后备变动", "reserve event"),
        "units" => ("单位", "unit"),
        "batches" => ("批次", "batch"),
        "policy" => ("考核规则", "policy"),
        other => (other, other),
    };
    Message::new(zh, en)
}

/// In English, for logs and `{}`; what people read goes through [`StoreError::message`].
impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for StoreError {}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    /// Turns the SQLite codes users meet into their own variants.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            Some(DiskFull) => StoreError::Full,
            Some(DatabaseCorrupt | NotADatabase) => StoreError::Corrupt(e.to_string()),
            Some(ReadOnly) => StoreError::ReadOnly(Message::new(format!("数据库拒绝写入（{e}）"), e.to_string())),
            _ => StoreError::Sqlite(e),
        }
    }
}

/// What to run when the `-wal`/`-shm` beside `db` were made by the wrong account: `blocked`,
/// this user could save but for them (the file is opened read-only); else a warning.
pub(super) fn side_files_fix(db: &std::path::Path, blocked: bool) -> Message {
    let shown = crate::text::display_safe(&db.display().to_string()).into_owned();
    let fix = copy_permissions(&shown);
    if blocked {
        Message::new(
            format!("你不能写 {shown} 旁边的 -wal/-shm（由别的账户建立），所以只能只读打开；请管理该文件夹的人执行：{fix}"),
            format!("you cannot write the -wal/-shm beside {shown} (made by another account), so it is open read-only; whoever manages the folder should run: {fix}"),
        )
    } else {
        Message::new(
            format!("注意：{shown} 旁边的 -wal/-shm 属于不能写数据库的账户，编辑者的保存会失败；请管理该文件夹的人执行：{fix}"),
            format!("warning: the -wal/-shm beside {shown} belong to an account that cannot write the database, so editors' saves will fail; whoever manages the folder should run: {fix}"),
        )
    }
}

/// The command that gives the `-wal`/`-shm` beside a database (`shown`, as printed) its owner,
/// group, mode bits and ACL entries, leaving their contents alone. `cp --preserve=mode` copies
/// the ACL too: `chmod --reference` would leave off the viewers' entry of a shared area made by
/// `guazhi setup`, and coreutils is on every server where `setfacl` may not be.
fn copy_permissions(shown: &str) -> String {
    let each = |side: &str| format!("sudo cp --attributes-only --preserve=mode,ownership {shown} {shown}-{side}");
    format!("{} && {}", each("wal"), each("shm"))
}
