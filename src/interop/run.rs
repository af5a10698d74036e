//! An import from start to end: read the file, check everything and make the plan
//! ([`prepare`]), then, once confirmed, apply it in one transaction ([`commit`]). The plan was
//! made from what was stored then: when a colleague saved in between, the file is checked
//! again, and the import goes ahead only when the new plan is the same one (the save touched
//! nothing the import changes), else it is refused.

use super::plan::{apply, Plan};
use super::resolve::ImportOptions;
use super::{import, lrmx, profile, read, say, InteropError, Problem};
use crate::lang::Message;
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A checked import, ready to show and to commit.
#[derive(Debug)]
pub struct Prepared {
    pub plan: Plan,
    /// How the file was read and what was ignored (not problems).
    pub notes: Vec<Message>,
    mark: i64,
    units: HashMap<String, crate::domain::Id>,
    batches: HashMap<String, crate::domain::Id>,
    /// What was read, to read it again when a colleague saves before the commit.
    path: PathBuf,
    options: ImportOptions,
}

/// How often a colleague's unrelated save may make the import check the file again.
const ATTEMPTS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sheet,
    Lrmx,
}

/// What kind of import a file is, by its extension.
pub fn kind(path: &Path) -> Result<Kind, InteropError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" | "csv" | "txt" => Ok(Kind::Sheet),
        "lrmx" | "zip" => Ok(Kind::Lrmx),
        "lrm" => {
            let shown = path.display();
            Err(InteropError::BadFile(say(
                format!("{shown}：不读取旧的 .lrm 格式；请把表另存为 .lrmx"),
                format!("{shown}: the older .lrm format is not read; save the form as .lrmx"),
            )))
        }
        _ => {
            let shown = path.display();
            Err(InteropError::BadFile(say(
                format!("{shown}：不认识的文件类型；应为 .xlsx、.csv、.lrmx 或装有 .lrmx 的 .zip"),
                format!("{shown}: unknown file type; expected .xlsx, .csv, .lrmx or a .zip of .lrmx files"),
            )))
        }
    }
}

/// Reads and checks `path` against the database; every problem found is returned at once.
/// Only the stored cadres the file names are read, with what hangs on them
/// (`Store::neighbourhood_of`): memory follows the file, not the database.
pub fn prepare(store: &Store, path: &Path, options: ImportOptions) -> Result<Prepared, InteropError> {
    let kind = kind(path)?;
    let mark = store.audit_mark()?;
    let policy = store.policy()?;
    let today = store.today();
    let mut problems: Vec<Problem> = Vec::new();
    let mut notes = Vec::new();
    let (mut plan, data) = match kind {
        Kind::Sheet => {
            let grid = read::read_sheet(path)?;
            notes.extend(grid.notes.iter().cloned());
            match import::layout(&grid, &mut problems, &mut notes) {
                Some(layout) if problems.is_empty() => {
                    let (rows, partial) = import::rows(&grid, &layout, today, &policy, &mut problems);
                    // The cells are in `rows` now: their memory goes before the stored records come.
                    drop(grid);
                    // A line's cadre is matched by name and birth date, a partner by name (its
                    // birth date may be left out).
                    let mut born: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
                    for r in &rows {
                        born.entry(r.name.as_str()).or_default().push(r.birth);
                    }
                    let partners: HashSet<&str> =
                        rows.iter().filter_map(|r| Some(r.partner.as_ref()?.0.as_str())).collect();
                    let data = store.neighbourhood_of(|name, birth| {
                        partners.contains(name) || born.get(name).is_some_and(|b| b.contains(&birth))
                    })?;
                    let plan = super::resolve::resolve(&rows, &partial, &layout, &data, options, today, &mut problems);
                    (plan, data)
                }
                // The problems are returned below; no cadre is read.
                _ => (Plan::default(), store.neighbourhood(&[])?),
            }
        }
        Kind::Lrmx => {
            let profiles = lrmx::read_path(path, &mut problems)?;
            // Matched by name and the month of birth.
            let names: HashSet<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
            let data = store.neighbourhood_of(|name, _| names.contains(name))?;
            (profile::plan(&profiles, &data, today, &mut problems), data)
        }
    };
    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(InteropError::Rows(problems));
    }
    notes.append(&mut plan.warnings);
    Ok(Prepared {
        plan,
        notes,
        mark,
        units: data.units.iter().map(|u| (u.name.clone(), u.id)).collect(),
        batches: data.batches.iter().map(|b| (b.name.clone(), b.id)).collect(),
        path: path.to_path_buf(),
        options,
    })
}

/// Applies a prepared import in one transaction. When anything was saved since it was
/// checked, the file is checked again: the same plan (with the same units and batches) is
/// applied, a different one is refused (it is not what was shown).
pub fn commit(store: &mut Store, prepared: &Prepared) -> Result<(), InteropError> {
    store.ensure_sound()?;
    let mut mark = prepared.mark;
    for _ in 0..ATTEMPTS {
        let applied = store.write(|w| {
            if w.last_audit_id()? != mark {
                return Ok(false);
            }
            apply(w, &prepared.plan, &prepared.units, &prepared.batches).map(|()| true)
        })?;
        if applied {
            return Ok(());
        }
        let again = prepare(store, &prepared.path, prepared.options)?;
        if (&again.plan, &again.units, &again.batches) != (&prepared.plan, &prepared.units, &prepared.batches) {
            return Err(changed());
        }
        mark = again.mark;
    }
    Err(changed())
}

fn changed() -> InteropError {
    StoreError::invalid(
        "import",
        say(
            "检查文件之后，同事保存的内容改变了这次导入的计划；请重新导入",
            "since the file was checked, a colleague saved changes that alter this import's plan; run the import again",
        ),
    )
    .into()
}
