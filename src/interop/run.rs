//! An import from start to end: read the file, check everything and make the plan
//! ([`prepare`]), then, once confirmed, apply it in one transaction ([`commit`]) — only if
//! nobody saved anything in between, since the plan was made from what was stored then.

use super::plan::{apply, Plan};
use super::resolve::ImportOptions;
use super::{import, lrmx, profile, read, InteropError, Problem};
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::Path;

/// A checked import, ready to show and to commit.
#[derive(Debug)]
pub struct Prepared {
    pub plan: Plan,
    /// How the file was read and what was ignored (not problems).
    pub notes: Vec<String>,
    mark: i64,
    units: HashMap<String, crate::domain::Id>,
    batches: HashMap<String, crate::domain::Id>,
}

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
        "lrm" => Err(InteropError::BadFile(format!(
            "{}: the older .lrm format is not read; save the form as .lrmx",
            path.display()
        ))),
        _ => Err(InteropError::BadFile(format!(
            "{}: unknown file type; expected .xlsx, .csv, .lrmx or a .zip of .lrmx files",
            path.display()
        ))),
    }
}

/// Reads and checks `path` against the database; every problem found is returned at once.
pub fn prepare(store: &Store, path: &Path, options: ImportOptions) -> Result<Prepared, InteropError> {
    let kind = kind(path)?;
    let mark = store.audit_mark()?;
    let data = store.load()?;
    let mut problems: Vec<Problem> = Vec::new();
    let mut notes = Vec::new();
    let mut plan = match kind {
        Kind::Sheet => {
            let grid = read::read_sheet(path)?;
            notes.extend(grid.notes.iter().cloned());
            match import::layout(&grid, &mut problems, &mut notes) {
                Some(layout) if problems.is_empty() => {
                    let rows = import::rows(&grid, &layout, &mut problems);
                    super::resolve::resolve(&rows, &layout, &data, options, &mut problems)
                }
                _ => Plan::default(),
            }
        }
        Kind::Lrmx => {
            let profiles = lrmx::read_path(path, &mut problems)?;
            profile::plan(&profiles, &data, &mut problems)
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
    })
}

/// Applies a prepared import in one transaction; refused when anything was saved since.
pub fn commit(store: &mut Store, prepared: &Prepared) -> Result<(), InteropError> {
    store.write(|w| {
        if w.last_audit_id()? != prepared.mark {
            return Err(StoreError::invalid(
                "import",
                "the database changed since the file was checked (a colleague saved); run the import again",
            ));
        }
        apply(w, &prepared.plan, &prepared.units, &prepared.batches)
    })?;
    Ok(())
}
