//! The command line: `guazhi DB` opens the screens; the subcommands are for scripts and cron.

mod docs;
mod emit;
mod interop;
mod lrmx;
mod report;
mod setup;

use crate::config::{Places, Settings};
use crate::domain::dates::parse_date;
use crate::lang::{Lang, Message};
use crate::store::{Access, Store, StoreError};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub const EXIT_HELP: &str = "\
Exit status:
  0  success
  1  `check` found errors (or a report found nothing it was asked to require)
  2  bad command line, no database named, or a problem in a settings file
  3  the database cannot be opened (missing, unreadable, not a guazhi database, truncated, newer schema,
     damaged, needing recovery by a user who can write it)
  4  a write was refused (read-only, busy, conflict, invalid input); nothing was written
  5  any other failure (I/O)";

#[derive(Debug, Parser)]
#[command(name = "guazhi", version, about = "挂职 — the two-way cadre secondment programme, in the terminal",
          after_help = EXIT_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The database to open in the screens (create one with `guazhi init`); default: GUAZHI_DB,
    /// else `database` in ~/.config/guazhi/config.toml, else in /etc/guazhi/config.toml.
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub view: ViewArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ViewArgs {
    /// Pretend today is this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_today, global = true)]
    pub today: Option<NaiveDate>,
    /// Language of the screens and messages; default from LC_ALL / LC_MESSAGES / LANG.
    #[arg(long, value_enum, global = true)]
    pub lang: Option<Lang>,
    /// Plain ASCII borders, for terminals that draw box lines double-width.
    #[arg(long)]
    pub ascii: bool,
    /// Open without write access, even when the file is writable.
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty database (file mode 0660).
    Init { path: PathBuf },
    /// Write the demo database (fictional people, the shape of the 2017 programme).
    Sample {
        path: PathBuf,
        /// Extra generated cadres beyond the demo roster, for size tests.
        #[arg(long, default_value_t = 0)]
        cadres: usize,
    },
    /// Overdue, due-today and due-soon reviews, by due date.
    Overdue {
        db: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The figures the department reports for each batch.
    Stats {
        db: PathBuf,
        /// Only this batch (its name).
        #[arg(long)]
        batch: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Integrity check plus the programme's rules; exit 1 when there are errors.
    Check {
        db: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Export a list (the screens' filters apply) as CSV or xlsx.
    Export(interop::ExportArgs),
    /// Import a sheet of secondments, a 任免审批表 (.lrmx) or a .zip of them; a bad line stops it before anything is written.
    Import(interop::ImportArgs),
    /// Write an empty import sheet with the documented headers.
    Template(interop::TemplateArgs),
    /// Copy the live database safely (SQLite's backup API) and check the copy.
    Backup(interop::BackupArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), subcommands, keys and settings included.
    Man,
    /// As root: a shared folder with a new database that the editors' group may save and the
    /// viewers' group may only read.
    Setup(setup::SetupArgs),
}

fn parse_today(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).map_err(|en| match args_lang() {
        Lang::Zh => format!("“{}”不是 YYYY-MM-DD 格式的真实日期", crate::text::display_safe(s.trim())),
        Lang::En => en,
    })
}

/// The language of a command line being parsed: `--lang` in it, else the locale (`lang()` is
/// set only once it has parsed).
fn args_lang() -> Lang {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    lang_of_args(&args).unwrap_or_else(|| Lang::from_env(|k| std::env::var(k).ok()))
}

/// A command line clap refused, said in Chinese when that is the language asked for (clap's
/// own words are English): `None` for English, and for help and version, which are printed
/// as they are.
pub fn refused_in_chinese(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if args_lang() != Lang::Zh {
        return None;
    }
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(crate::text::display_safe(s).into_owned()),
        Some(ContextValue::Strings(v)) => Some(crate::text::display_safe(&v.join("、")).into_owned()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let said = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return None
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = text(ContextKind::InvalidValue).unwrap_or_default();
            let why = std::error::Error::source(e).map(|w| format!("：{w}")).unwrap_or_default();
            let valid = text(ContextKind::ValidValue).map(|v| format!("（可选：{v}）")).unwrap_or_default();
            format!("{arg} 的值“{value}”无效{why}{valid}")
        }
        ErrorKind::UnknownArgument => format!("不认识的选项 {arg}"),
        ErrorKind::MissingRequiredArgument => format!("缺少参数 {arg}"),
        ErrorKind::InvalidSubcommand => format!("没有“{arg}”这个命令"),
        ErrorKind::ArgumentConflict => format!("选项 {arg} 不能与其他参数同时使用"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{arg} 的值的个数不对")
        }
        _ => "命令行有误".to_string(),
    };
    Some(format!("{said}；用法见 guazhi --help（帮助为英文）"))
}

/// The language of the command's messages: `--lang`, else the locale. Set once, when the
/// command line is read; every message of the process follows it.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// The language messages are printed in (the locale's until `run` has read `--lang`).
pub fn lang() -> Lang {
    *LANG.get_or_init(|| Lang::from_env(|k| std::env::var(k).ok()))
}

/// The language the raw arguments ask for (`--lang zh`, `--lang=en`), for messages about a
/// command line that did not parse.
pub fn lang_of_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let value = words.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix("--lang=").map(str::to_string).or_else(|| (w == "--lang").then(|| words.get(i + 1).cloned())?)
    })?;
    <Lang as ValueEnum>::from_str(&value, true).ok()
}

/// `zh` or `en`, as the session's language has it.
fn say(zh: String, en: String) -> String {
    lang().pick(zh, en)
}

/// When the command line did not parse and its first word is not a command, the message to
/// give instead of clap's, which would call the second word a subcommand: an unknown command
/// (`guazhi overdeu db.db`), or a word too many after the database (`guazhi db.db extra`).
pub fn unknown_command(args: &[std::ffi::OsString]) -> Option<String> {
    use clap::CommandFactory;
    if let Some(l) = lang_of_args(args) {
        let _ = LANG.set(l);
    }
    let cmd = Cli::command();
    // Options that take a value: the word after them is not a positional one.
    let valued: Vec<String> = cmd
        .get_arguments()
        .chain(cmd.get_subcommands().flat_map(|c| c.get_arguments()))
        .filter(|a| a.get_action().takes_values() && !a.is_positional())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let mut positional = Vec::new();
    let mut skip = false;
    for a in args.iter().skip(1) {
        let text = a.to_string_lossy();
        if std::mem::take(&mut skip) {
            continue;
        }
        if text.starts_with('-') {
            skip = valued.iter().any(|v| *v == text);
        } else {
            positional.push(a);
        }
    }
    let mut words = positional.into_iter();
    let first = words.next()?;
    let word = first.to_string_lossy();
    let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
    if names.contains(&word.as_ref()) {
        // Options before the command (`guazhi --lang zh overdue DB`): clap takes the command
        // for the database and the database for a command.
        let before: Vec<String> =
            args.iter().skip(1).map(|a| a.to_string_lossy().into_owned()).take_while(|w| *w != word).collect();
        if !before.iter().any(|w| w.starts_with('-')) {
            return None;
        }
        let options = crate::text::display_safe(&before.join(" ")).into_owned();
        return Some(say(
            format!("选项要写在命令之后：guazhi {word} 数据库文件 {options}"),
            format!("options go after the command: guazhi {word} DB {options}"),
        ));
    }
    if std::path::Path::new(first).exists() {
        // The screens on a file, with a word too many (clap would call it a subcommand).
        let extra = words.next()?;
        let extra = crate::text::display_safe(&extra.to_string_lossy()).into_owned();
        return Some(say(
            format!("多余的参数“{extra}”（打开界面只需一个数据库文件）"),
            format!("unexpected argument '{extra}' (the screens take one database file)"),
        ));
    }
    let word = crate::text::display_safe(&word).into_owned();
    let names = names.join(", ");
    Some(say(
        format!("没有“{word}”这个命令（命令有：{names}；或者给出数据库文件以打开界面）"),
        format!("unknown command '{word}' (the commands: {names}; or give a database file to open the screens)"),
    ))
}

/// A failure and the exit status it maps to; the message is in the session's language.
pub struct ExitError {
    pub code: u8,
    pub message: String,
}

impl ExitError {
    /// A failure with its message in both languages; the session's is kept.
    pub fn said(code: u8, message: Message) -> ExitError {
        ExitError { code, message: message.get(lang()).to_string() }
    }
}

impl From<StoreError> for ExitError {
    fn from(e: StoreError) -> Self {
        use StoreError::*;
        let code = match &e {
            Missing(_)
            | IsDirectory(_)
            | NotSqlite(_)
            | Foreign(_)
            | Truncated { .. }
            | Newer { .. }
            | NeedsUpgrade(_)
            | NeedsRecovery(_)
            | FolderNotWritable(_)
            | NotRegular(_)
            | Unreadable { .. }
            | ReadOnlyFileSystem(_)
            | SideFiles(_)
            | Corrupt(_) => 3,
            Exists(_)
            | ReadOnly(_)
            | Moved(_)
            | Conflict { .. }
            | Busy
            | Invalid { .. }
            | NotFound { .. }
            | InUse { .. } => 4,
            // A full disk is an I/O failure, as the exit status table says.
            Full | Io(_) | Sqlite(_) | CannotCreate { .. } => 5,
        };
        ExitError::said(code, e.message())
    }
}

impl From<std::io::Error> for ExitError {
    fn from(e: std::io::Error) -> Self {
        // A reader that stopped early (`guazhi overdue DB | head`) is not an error worth a line;
        // 141 is what a shell reports for a process ended by SIGPIPE.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return ExitError { code: 141, message: String::new() };
        }
        ExitError::said(5, crate::lang::io_error(&e))
    }
}

/// Opens `db` read-only for a report or an export, its memory bounded; a file every account
/// can read is warned about on stderr (stdout stays the report's, for scripts).
fn open_for_report(db: &std::path::Path, today: NaiveDate) -> Result<Store, ExitError> {
    let mut store = Store::open(db, Access::ReadOnly)?;
    store.bound_memory(REPORT_CACHE_MIB)?;
    if let Some(warning) = store.exposure_warning() {
        warn(&warning);
    }
    store.pin_today(today);
    Ok(store)
}

/// A warning on stderr, where stdout is a report's or a script's.
fn warn(warning: &Message) {
    eprintln!("guazhi: {}", warning.get(lang()));
}

/// The page cache of the reports and exports, in MiB: measured at a million cadres, more
/// makes `check` no faster and the exports slower, less makes `check` slower.
const REPORT_CACHE_MIB: u32 = 16;

/// Reads the settings files and sets the session's language (`--lang`, else the files',
/// else the locale's). A problem in a file stops every command: each is printed with its file
/// and line.
fn read_settings(cli_lang: Option<Lang>, places: &Places) -> Result<Settings, ExitError> {
    let loaded = crate::config::load(places);
    let file_lang = match &loaded {
        Ok(settings) => settings.lang,
        Err(broken) => broken.lang,
    };
    if let Some(l) = cli_lang.or(file_lang) {
        let _ = LANG.set(l);
    }
    loaded.map_err(|broken| {
        for p in &broken.problems {
            eprintln!("guazhi: {}", p.text(lang()));
        }
        ExitError::said(
            2,
            Message::new("设置文件有问题（见上），请先改正", "the settings file has problems (above); fix them first"),
        )
    })
}

/// Runs a parsed command line; `Ok(code)` is the exit status.
pub fn run(cli: Cli) -> Result<u8, ExitError> {
    // Scripts for the shell and the manual need no settings (and work when they are broken).
    match cli.command {
        Some(Command::Completions { shell }) => return docs::completions(shell),
        Some(Command::Man) => return docs::man(),
        _ => {}
    }
    let places = Places::from_env(|k| std::env::var(k).ok());
    let settings = read_settings(cli.view.lang, &places)?;
    let today = cli.view.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    match cli.command {
        None => {
            let named = crate::config::database(cli.db, std::env::var("GUAZHI_DB").ok(), &settings, &places);
            let (db, source) = named.map_err(|looked| {
                // Several lines: where it looked, in order.
                let text = looked.get(lang()).to_string();
                for (i, line) in text.lines().enumerate() {
                    let line = crate::text::display_safe(line);
                    if i == 0 {
                        eprintln!("guazhi: {line}");
                    } else {
                        eprintln!("{line}");
                    }
                }
                ExitError { code: 2, message: String::new() }
            })?;
            let access = if cli.view.read_only { Access::ReadOnly } else { Access::Auto };
            let mut store = Store::open(&db, access).map_err(|e| {
                let mut failure = ExitError::from(e);
                failure.message.push_str(source.note().get(lang()));
                failure
            })?;
            if let Some(today) = cli.view.today {
                store.pin_today(today);
            }
            let env = |k: &str| std::env::var(k).ok();
            let launch = crate::tui::Launch {
                today: cli.view.today,
                lang: lang(),
                ascii: cli.view.ascii || settings.ascii == Some(true),
                color: crate::tui::color_from_env(env),
                db_path: db.clone(),
                keys: settings.keys,
            };
            Ok(crate::tui::run(store, launch)?)
        }
        Some(Command::Init { path }) => {
            Store::init(&path)?;
            let shown = crate::text::display_safe(&path.display().to_string()).into_owned();
            println!("{}", say(format!("已新建 {shown}"), format!("created {shown}")));
            Ok(0)
        }
        Some(Command::Sample { path, cadres }) => {
            let store = Store::init(&path)?;
            crate::sample::generate(store, cadres)?;
            let shown = crate::text::display_safe(&path.display().to_string()).into_owned();
            println!("{}", say(format!("已写入 {shown}"), format!("wrote {shown}")));
            Ok(0)
        }
        Some(Command::Overdue { db, format }) => report::overdue(&open_for_report(&db, today)?, today, format),
        Some(Command::Stats { db, batch, format }) => {
            report::stats(&open_for_report(&db, today)?, batch.as_deref(), format)
        }
        Some(Command::Check { db, format }) => report::check(&open_for_report(&db, today)?, today, format),
        Some(Command::Export(args)) => interop::export(args, today),
        Some(Command::Import(args)) => interop::import(args, today),
        Some(Command::Template(args)) => interop::template(args),
        Some(Command::Backup(args)) => interop::backup(args),
        Some(Command::Completions { .. } | Command::Man) => unreachable!("answered above"),
        Some(Command::Setup(args)) => setup::setup(args),
    }
}
