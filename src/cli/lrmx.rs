//! `guazhi export DB --what lrmx`: 任免审批表 files, one cadre's (`--cadre NAME`, a .lrmx) or
//! a zip of the cadres the filters select (`--out FILE.zip`), read and written one cadre at a
//! time. The forms themselves are `interop::lrmx_write`'s.

use super::interop::ExportArgs;
use super::{lang, open_for_report, say, ExitError};
use crate::domain::dates::parse_date;
use crate::domain::{Id, ReserveStatus};
use crate::interop::export::What;
use crate::interop::lrmx_write::{file_stem, save_form, FormZip, Selection};
use crate::interop::unused_path;
use crate::lang::Message;
use crate::store::{Store, Which};
use crate::text::display_safe;
use chrono::NaiveDate;
use clap::builder::PossibleValue;
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `--what`: one of the lists, or 任免审批表 files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportWhat {
    List(What),
    Lrmx,
}

impl ValueEnum for ExportWhat {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: OnceLock<Vec<ExportWhat>> = OnceLock::new();
        ALL.get_or_init(|| {
            What::value_variants().iter().map(|w| ExportWhat::List(*w)).chain([ExportWhat::Lrmx]).collect()
        })
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        match self {
            ExportWhat::List(w) => w.to_possible_value(),
            ExportWhat::Lrmx => Some(PossibleValue::new("lrmx").help("任免审批表: --cadre NAME, or a .zip")),
        }
    }
}

pub fn parse_reserve(s: &str) -> Result<ReserveStatus, String> {
    ReserveStatus::parse(s).ok_or_else(|| {
        say(
            format!("“{s}”：应为 proposed、admitted、inspecting、appointed 或 withdrawn"),
            format!("'{s}': expected proposed, admitted, inspecting, appointed or withdrawn"),
        )
    })
}

fn usage(zh: impl Into<String>, en: impl Into<String>) -> ExitError {
    ExitError::said(2, Message::new(zh, en))
}

/// What `--out` asks for: one form or a zip of them.
fn zip_wanted(out: Option<&Path>, one: bool) -> Result<bool, ExitError> {
    let ext = out.map(|p| p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default());
    match ext.as_deref() {
        None => Ok(!one),
        Some("zip") => Ok(true),
        Some("lrmx") if one => Ok(false),
        Some("lrmx") => Err(usage(
            "一个 .lrmx 文件只放一名干部：请用 --cadre 姓名，或用 --out 文件.zip 导出多名",
            "a .lrmx file holds one cadre: give --cadre NAME, or --out FILE.zip for many",
        )),
        Some(_) => Err(usage("--out：文件名应以 .lrmx 或 .zip 结尾", "--out: the file name must end in .lrmx or .zip")),
    }
}

/// The cadre `--cadre` names: `张三`, or `张三 1985-06-17` when two share the name.
fn pick(store: &Store, given: &str) -> Result<Id, ExitError> {
    let given = crate::text::normalise(given);
    let (name, born) = match given.rsplit_once(' ').map(|(n, d)| (n.trim(), parse_date(d))) {
        Some((n, Ok(d))) => (n.to_string(), Some(d)),
        _ => (given.clone(), None),
    };
    let found = store.cadres_named(&name)?;
    let matching: Vec<_> = found.iter().filter(|c| born.is_none_or(|d| c.birth_date == d)).collect();
    let shown = display_safe(&given).into_owned();
    match matching.as_slice() {
        [one] => Ok(one.id),
        [] => Err(usage(format!("--cadre：没有名为“{shown}”的干部"), format!("--cadre: no cadre named '{shown}'"))),
        many => {
            let births: Vec<String> = many.iter().map(|c| c.birth_date.to_string()).collect();
            let births = births.join(", ");
            Err(usage(
                format!(
                    "--cadre：有 {} 名“{shown}”（出生于 {births}）；请写成 --cadre \"{shown} 出生日期\"",
                    many.len()
                ),
                format!(
                    "--cadre: {} cadres are named '{shown}' (born {births}); write --cadre \"{shown} BIRTH-DATE\"",
                    many.len()
                ),
            ))
        }
    }
}

/// The filters as a selection; `--batch` by name (an unknown one lists the batches).
fn selection(store: &Store, args: &ExportArgs) -> Result<Selection, ExitError> {
    let batch = match &args.batch {
        None => None,
        Some(name) => {
            let batches = store.batch_names()?;
            let found = batches.iter().find(|(_, n)| n == name).map(|(id, _)| *id);
            Some(found.ok_or_else(|| {
                let known: Vec<&str> = batches.iter().map(|(_, n)| n.as_str()).collect();
                let (known, name) = (known.join(", "), display_safe(name));
                usage(
                    format!("--batch：没有名为“{name}”的批次（批次有：{known}）"),
                    format!("--batch: no batch named '{name}' (batches: {known})"),
                )
            })?)
        }
    };
    Ok(Selection {
        status: args.status.unwrap_or_default(),
        kind: args.kind,
        batch,
        district: args.district,
        reserve: args.reserve,
    })
}

pub fn export(args: ExportArgs, today: NaiveDate) -> Result<u8, ExitError> {
    if args.format.is_some() {
        return Err(usage(
            "--format 只适用于列表（csv、xlsx），不适用于 --what lrmx",
            "--format applies to the lists (csv, xlsx), not to --what lrmx",
        ));
    }
    let filtered = args.batch.is_some()
        || args.district.is_some()
        || args.status.is_some()
        || args.kind.is_some()
        || args.reserve.is_some();
    if args.cadre.is_some() && filtered {
        return Err(usage(
            "--cadre 指定一名干部；筛选条件（--batch 等）用于选出 zip 中的干部，两者不能同用",
            "--cadre names one cadre; the filters (--batch …) choose the cadres of a zip: not both",
        ));
    }
    let zip = zip_wanted(args.out.as_deref(), args.cadre.is_some())?;
    let store = open_for_report(&args.db, today)?;
    let policy = store.policy()?;
    let (which_ids, selection) = match &args.cadre {
        Some(name) => (Some(vec![pick(&store, name)?]), Selection::default()),
        None => (None, selection(&store, &args)?),
    };
    let which = match &which_ids {
        Some(ids) => Which::Ids(ids),
        None => Which::All { archived: args.archived },
    };
    let io = |e: std::io::Error| crate::store::StoreError::Io(e);
    let (path, written, unreadable) = if zip {
        let path = args.out.clone().unwrap_or_else(|| unused_path(Path::new(""), &format!("lrmx-{today}"), "zip"));
        let mut forms = FormZip::create(&path)?;
        let unreadable = store.each_particulars(which, |p| {
            if selection.takes(&p, today, policy.due_soon_days) {
                forms.add(&p, today).map_err(io)?;
            }
            Ok(())
        })?;
        (path, forms.finish()?, unreadable)
    } else {
        let mut path: Option<PathBuf> = args.out.clone();
        let unreadable = store.each_particulars(which, |p| {
            let to = path.get_or_insert_with(|| unused_path(Path::new(""), &file_stem(&p.cadre.name), "lrmx"));
            save_form(&p, today, to).map_err(io)
        })?;
        let Some(path) = path else {
            return Err(ExitError::said(
                4,
                Message::new(
                    "该干部的记录无法读取（`guazhi check` 会列出）",
                    "the cadre's record cannot be read (`guazhi check` names it)",
                ),
            ));
        };
        (path, 1, unreadable)
    };
    let shown = display_safe(&path.display().to_string()).into_owned();
    eprintln!(
        "{}",
        say(
            format!("已把 {written} 份任免审批表写入 {shown}"),
            format!("wrote {} to {shown}", crate::lang::count(written, "form", "forms"))
        )
    );
    if unreadable.cadres > 0 {
        let n = unreadable.cadres;
        eprintln!(
            "{}",
            lang().pick(
                format!("guazhi：{n} 名干部的记录无法读取，未写入（`guazhi check` 会列出）"),
                format!("guazhi: {n} cadre record(s) cannot be read and were left out (`guazhi check` names them)")
            )
        );
    }
    Ok(0)
}
