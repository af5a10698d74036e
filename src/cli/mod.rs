//! The command line: `guazhi DB` opens the screens; the subcommands are for scripts and cron.

mod report;

use crate::domain::dates::parse_date;
use crate::store::{Access, Store, StoreError};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub const EXIT_HELP: &str = "\
Exit status:
  0  success
  1  `check` found errors (or a report found nothing it was asked to require)
  2  bad command line
  3  the database cannot be opened (missing, not a guazhi database, truncated, newer schema, damaged)
  4  a write was refused (read-only, busy, conflict, invalid input); nothing was written
  5  any other failure (I/O)";

#[derive(Debug, Parser)]
#[command(name = "guazhi", version, about = "挂职 — the two-way cadre secondment programme, in the terminal",
          after_help = EXIT_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The database to open in the screens (create one with `guazhi init`).
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
    /// Label language; default from LC_ALL / LC_MESSAGES / LANG.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Plain ASCII borders, for terminals that draw box lines double-width.
    #[arg(long)]
    pub ascii: bool,
    /// Open without write access, even when the file is writable.
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Zh,
    En,
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
}

fn parse_today(s: &str) -> Result<NaiveDate, String> {
    parse_date(s)
}

/// A failure and the exit status it maps to.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<StoreError> for Failure {
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
            | Corrupt(_) => 3,
            Exists(_)
            | ReadOnly(_)
            | Conflict { .. }
            | Busy
            | Full
            | Invalid { .. }
            | NotFound { .. }
            | InUse { .. } => 4,
            Io(_) | Sqlite(_) => 5,
        };
        Failure { code, message: e.to_string() }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure { code: 5, message: e.to_string() }
    }
}

/// Runs a parsed command line; `Ok(code)` is the exit status.
pub fn run(cli: Cli) -> Result<u8, Failure> {
    let today = cli.view.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    match cli.command {
        None => {
            let Some(db) = cli.db else {
                return Err(Failure { code: 2, message: "no database given; try `guazhi --help`".into() });
            };
            let access = if cli.view.read_only { Access::ReadOnly } else { Access::Auto };
            let store = Store::open(&db, access)?;
            let options = crate::tui::Options::new(&cli.view, &db);
            Ok(crate::tui::run(store, options)?)
        }
        Some(Command::Init { path }) => {
            Store::init(&path)?;
            println!("created {}", path.display());
            Ok(0)
        }
        Some(Command::Sample { path, cadres }) => {
            let store = Store::init(&path)?;
            crate::sample::generate(store, cadres)?;
            println!("wrote {}", path.display());
            Ok(0)
        }
        Some(Command::Overdue { db, format }) => report::overdue(&Store::open(&db, Access::ReadOnly)?, today, format),
        Some(Command::Stats { db, batch, format }) => {
            report::stats(&Store::open(&db, Access::ReadOnly)?, batch.as_deref(), format)
        }
        Some(Command::Check { db, format }) => report::check(&Store::open(&db, Access::ReadOnly)?, today, format),
    }
}
