//! The interop commands: `export`, `import`, `template`, `backup` (the work is in `crate::interop`).

use super::{lang, say, ExitError};
use crate::domain::{District, ReserveStatus, ReviewKind};
use crate::interop::export::{self, Export, Filter, StatusFilter};
use crate::interop::parts::PART_ROWS;
use crate::interop::resolve::ImportOptions;
use crate::interop::run::{self, Prepared};
use crate::interop::{backup, columns, CsvRows, InteropError, Problem, Sheet, SheetFile, SheetFormat};
use crate::lang::Message;
use crate::store::{Access, Store};
use crate::text::{display_safe, Destination};
use chrono::NaiveDate;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    pub db: PathBuf,
    /// Which list, or lrmx: 任免审批表 files (one with --cadre, else a .zip of the filters' cadres).
    #[arg(long, value_enum)]
    pub what: super::lrmx::ExportWhat,
    /// csv (UTF-8 with BOM) or xlsx; default from --out's extension, else csv.
    #[arg(long, value_enum)]
    pub format: Option<SheetFormat>,
    /// The file to write (replaced if it exists). Without it CSV goes to standard output and
    /// xlsx to WHAT-DATE.xlsx in the current folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Review status: overdue, due_today, due_soon, upcoming, done, cancelled, pending, all.
    #[arg(long, value_parser = StatusFilter::parse)]
    pub status: Option<StatusFilter>,
    /// Review kind: routine, annual, end_of_term (or 平时考核, 年度考核, 期满考察).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<ReviewKind>,
    /// Only this batch (its name).
    #[arg(long)]
    pub batch: Option<String>,
    /// Only this district: chancheng, nanhai, shunde, sanshui, gaoming (or 禅城 …).
    #[arg(long, value_parser = parse_district)]
    pub district: Option<District>,
    /// Include archived cadres in --what cadres.
    #[arg(long)]
    pub archived: bool,
    /// --what lrmx: this cadre's form ("NAME", or "NAME YYYY-MM-DD" when two share the name).
    #[arg(long)]
    pub cadre: Option<String>,
    /// --what lrmx: cadres with a reserve nomination in this status (proposed, admitted,
    /// inspecting, appointed, withdrawn).
    #[arg(long, value_parser = super::lrmx::parse_reserve)]
    pub reserve: Option<ReserveStatus>,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    pub db: PathBuf,
    /// A sheet (.xlsx, .csv), a 任免审批表 (.lrmx), or a .zip of .lrmx files.
    pub file: PathBuf,
    /// Check the file and show what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import without asking (needed when standard input is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Create units the database does not know, from the sheet's kind and district columns.
    #[arg(long)]
    pub create_units: bool,
}

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// csv or xlsx; default from --out's extension.
    #[arg(long, value_enum)]
    pub format: Option<SheetFormat>,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    pub db: PathBuf,
    /// A new file, or a folder to hold a dated copy NAME-YYYYMMDD-HHMMSS.db.
    pub dest: PathBuf,
    /// Keep only the newest N dated copies in the folder.
    #[arg(long)]
    pub keep: Option<usize>,
}

/// Calls `then` on a thread of its own for each SIGHUP, SIGINT, SIGQUIT or SIGTERM the
/// process gets, instead of ending it there.
fn on_terminating_signals(mut then: impl FnMut(i32) + Send + 'static) -> Result<(), ExitError> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGINT, SIGQUIT, SIGTERM])?;
    std::thread::spawn(move || signals.forever().for_each(&mut then));
    Ok(())
}

/// A terminating signal during a backup removes the partial copy, then exits 128 + the signal.
fn remove_partial_on_signals() -> Result<(), ExitError> {
    on_terminating_signals(|sig| {
        backup::remove_partial();
        std::process::exit(128 + sig);
    })
}

/// While an import writes: the first terminating signal stops it before its next part, so
/// that it says what it wrote and how to finish (a part is committed or rolled back whole
/// either way); a second one ends the process at once.
fn stop_between_parts_on_signals() -> Result<(), ExitError> {
    let mut asked = false;
    on_terminating_signals(move |sig| {
        if asked {
            std::process::exit(128 + sig);
        }
        asked = true;
        run::stop_before_next_part(sig);
    })
}

fn parse_kind(s: &str) -> Result<ReviewKind, String> {
    ReviewKind::parse(s).ok_or_else(|| {
        say(
            format!("“{s}”：应为 routine、annual 或 end_of_term"),
            format!("'{s}': expected routine, annual or end_of_term"),
        )
    })
}

fn parse_district(s: &str) -> Result<District, String> {
    District::parse(s).ok_or_else(|| {
        say(
            format!("“{s}”：应为 chancheng、nanhai、shunde、sanshui 或 gaoming"),
            format!("'{s}': expected chancheng, nanhai, shunde, sanshui or gaoming"),
        )
    })
}

impl From<InteropError> for ExitError {
    fn from(e: InteropError) -> Self {
        let code = match &e {
            InteropError::Store(_) => 0,
            InteropError::Usage(_) => 2,
            InteropError::BadFile(_) | InteropError::Rows(_) => 4,
            InteropError::Check(_) | InteropError::Io(_) | InteropError::Stopped { .. } => 5,
            InteropError::Interrupted(signal) => u8::try_from(128 + signal).unwrap_or(1),
        };
        match e {
            InteropError::Store(e) => ExitError::from(e),
            InteropError::Rows(problems) => problems_said(&problems, code, true),
            // Parts were written: the cause, then what was written and how to finish.
            InteropError::Stopped { cause, written } => {
                let stopped = match *cause {
                    InteropError::Rows(problems) => problems_said(&problems, 4, false),
                    other => ExitError::from(other),
                };
                let message = format!("{}\n{}", stopped.message, written.get(lang()));
                ExitError { code: stopped.code, message }
            }
            other => ExitError { code, message: other.text(lang()) },
        }
    }
}

/// The file's problems, one line each on stderr for the user to work through; the summary
/// (`none_written`: nothing of the import was) is returned for main to say.
fn problems_said(problems: &[Problem], code: u8, none_written: bool) -> ExitError {
    let mut err = std::io::stderr().lock();
    for p in problems {
        let _ = writeln!(err, "{}", p.text(lang()));
    }
    let n = problems.len();
    let (zh, en) = if none_written {
        ("未导入任何内容", "nothing was imported")
    } else {
        ("其余部分未导入", "the rest was not imported")
    };
    ExitError::said(
        code,
        Message::new(format!("文件中有 {n} 个问题，{zh}"), format!("{n} problem(s) in the file; {en}")),
    )
}

/// The format asked for, else the one `path`'s extension names.
fn format_for(format: Option<SheetFormat>, path: Option<&Path>) -> Result<SheetFormat, ExitError> {
    match (format, path.map(SheetFormat::of_path)) {
        (Some(f), _) => Ok(f),
        (None, Some(Some(f))) => Ok(f),
        (None, Some(None)) => Err(ExitError::said(
            2,
            Message::new(
                "--format：请给出 csv 或 xlsx（文件名看不出来）",
                "--format: give csv or xlsx (the file name does not say)",
            ),
        )),
        (None, None) => Ok(SheetFormat::Csv),
    }
}

pub fn export(args: ExportArgs, today: NaiveDate) -> Result<u8, ExitError> {
    // 任免审批表 files are written by their own command (`cli/lrmx.rs`).
    let what = match args.what {
        super::lrmx::ExportWhat::Lrmx => return super::lrmx::export(args, today),
        super::lrmx::ExportWhat::List(what) => what,
    };
    if args.cadre.is_some() || args.reserve.is_some() {
        return Err(ExitError::said(
            2,
            Message::new(
                "--cadre 和 --reserve 只适用于 --what lrmx",
                "--cadre and --reserve apply to --what lrmx only",
            ),
        ));
    }
    let format = format_for(args.format, args.out.as_deref())?;
    let store = super::open_for_report(&args.db, today)?;
    let filter = Filter {
        status: args.status.unwrap_or_default(),
        kind: args.kind,
        batch: args.batch,
        district: args.district,
        archived: args.archived,
    };
    // Checked before anything is written: a filter that does not apply, an unknown batch.
    let list = Export::new(&store, what, filter, today)?;
    let path = match (args.out, format) {
        (Some(path), _) => path,
        (None, SheetFormat::Csv) => {
            let stdout = std::io::stdout();
            let to = Destination::of(&stdout);
            let written = CsvRows::new(std::io::BufWriter::new(stdout.lock()), &list.header(), to)
                .map_err(InteropError::from)
                .and_then(|mut rows| {
                    list.write(&mut rows)?;
                    rows.finish()?.flush()?;
                    Ok(())
                });
            return match written {
                // `| head` stops reading: not a failure.
                Err(InteropError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
                Err(e) => Err(e.into()),
                Ok(()) => Ok(0),
            };
        }
        (None, SheetFormat::Xlsx) => export::default_path(what, today, "xlsx"),
    };
    let mut file = SheetFile::create(&path, format, list.title(), &list.header())?;
    list.write(&mut file)?;
    let n = file.finish()?;
    let shown = display_safe(&path.display().to_string()).into_owned();
    let rows = crate::lang::count(n, "row", "rows");
    eprintln!("{}", say(format!("已写入 {n} 行到 {shown}"), format!("wrote {rows} to {shown}")));
    Ok(0)
}

pub fn template(args: TemplateArgs) -> Result<u8, ExitError> {
    let format = format_for(args.format, Some(&args.out))?;
    let sheet = Sheet::new("挂职", &columns::headers());
    crate::interop::save(&sheet, format, &args.out)?;
    let (n, shown) = (sheet.header.len(), display_safe(&args.out.display().to_string()).into_owned());
    println!(
        "{}",
        say(format!("已把有 {n} 列的空表写入 {shown}"), format!("wrote an empty sheet with {n} columns to {shown}"))
    );
    Ok(0)
}

fn show(prepared: &Prepared) {
    let mut err = std::io::stderr().lock();
    for note in &prepared.notes {
        let _ = writeln!(err, "{}{}", say("注意：".into(), "note: ".into()), display_safe(note.get(lang())));
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", prepared.plan.summary(lang()));
    for line in prepared.plan.details(lang()).lines() {
        let _ = writeln!(out, "{}", display_safe(line));
    }
}

pub fn import(args: ImportArgs, today: NaiveDate) -> Result<u8, ExitError> {
    let mut store = Store::open(&args.db, Access::Auto)?;
    if let Some(warning) = store.exposure_warning() {
        super::warn(&warning);
    }
    store.pin_today(today);
    if let (Some(why), false) = (store.read_only_reason(), args.dry_run) {
        return Err(ExitError::said(
            4,
            Message::new(
                format!("只读：{}；未导入任何内容", why.zh),
                format!("read-only: {}; nothing was imported", why.en),
            ),
        ));
    }
    let prepared = run::prepare(&store, &args.file, ImportOptions { create_units: args.create_units })?;
    show(&prepared);
    if prepared.plan.is_empty() {
        return Ok(0);
    }
    if args.dry_run {
        let _ = writeln!(
            std::io::stdout(),
            "{}",
            say("试运行：未写入任何内容".into(), "dry run: nothing was written".into())
        );
        return Ok(0);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(ExitError::said(
                4,
                Message::new(
                    "标准输入不是终端，无人确认：从脚本导入请加 --yes（或用 --dry-run 检查）；未写入任何内容",
                    "standard input is not a terminal, so nobody can confirm: pass --yes to import from a \
                     script (or --dry-run to check); nothing was written",
                ),
            ));
        }
        let db = display_safe(&args.db.display().to_string()).into_owned();
        eprint!("{}", say(format!("把这些修改导入 {db}？[y/N] "), format!("Import these changes into {db}? [y/N] ")));
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes" | "是") {
            return Err(ExitError::said(
                4,
                Message::new("未确认，未导入；未写入任何内容", "not imported (not confirmed); nothing was written"),
            ));
        }
    }
    // After the confirmation: nobody waits while a person decides.
    let _one_import_at_a_time = store.lock_imports(|| {
        eprintln!(
            "{}",
            say("另一个导入正在写入，等它写完……".into(), "another import is writing; waiting for it to end…".into())
        )
    });
    stop_between_parts_on_signals()?;
    // Test-only: smaller parts, so that a test can stop an import of the demo between two.
    let rows = std::env::var("GUAZHI_TEST_PART_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(PART_ROWS);
    let done = run::commit_in_parts(&mut store, &prepared, rows)?;
    let db = display_safe(&args.db.display().to_string()).into_owned();
    let summary = prepared.plan.summary(lang());
    let mut said = match done.parts {
        0 | 1 => say(format!("已导入 {db}：{summary}"), format!("imported into {db}: {summary}")),
        n => say(format!("已分 {n} 次导入 {db}：{summary}"), format!("imported into {db} in {n} parts: {summary}")),
    };
    if done.taken_as_stored > 0 {
        let n = done.taken_as_stored;
        said.push_str(&say(
            format!("（其中 {n} 个单位或批次已由同事先建立，沿用）"),
            format!(" ({n} of its units and batches had been created by a colleague meanwhile, and were used)"),
        ));
    }
    let _ = writeln!(std::io::stdout(), "{said}");
    Ok(0)
}

pub fn backup(args: BackupArgs) -> Result<u8, ExitError> {
    remove_partial_on_signals()?;
    let report = backup::backup(&args.db, &args.dest, args.keep, chrono::Local::now().naive_local())?;
    if let Some(warning) = &report.warning {
        super::warn(warning);
    }
    let shown = |p: &Path| display_safe(&p.display().to_string()).into_owned();
    let (db, to, pages, restarts) = (shown(&args.db), shown(&report.path), report.pages, report.restarts);
    let (again_zh, again_en) = if restarts > 0 {
        (format!("，同事保存时重新开始 {restarts} 次"), format!(", restarted {restarts} times by colleagues' saves"))
    } else {
        (String::new(), String::new())
    };
    println!(
        "{}",
        say(
            format!("已把 {db} 备份到 {to}（{pages} 页，integrity_check 通过{again_zh}）"),
            format!("backed up {db} to {to} ({pages} pages, integrity_check ok{again_en})"),
        )
    );
    for old in &report.stale {
        let old = shown(old);
        println!(
            "{}",
            say(format!("已删除中断的备份留下的 {old}"), format!("removed {old}, left by a backup that was killed"))
        );
    }
    for old in &report.removed {
        let old = shown(old);
        println!("{}", say(format!("已删除旧副本 {old}"), format!("removed old copy {old}")));
    }
    Ok(0)
}
