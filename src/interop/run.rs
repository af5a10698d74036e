//! An import from start to end: read the file, check everything and make the plan
//! ([`prepare`]), then, once confirmed, apply it in short transactions ([`commit`]). The plan
//! was made from what was stored then: when a colleague saved in between, the file is checked
//! again, and the import goes on only when the new plan is the rest of the same one (the save
//! touched nothing the import changes), else it stops.

use super::parts::{apply_part, Progress, PART_ROWS};
use super::plan::Plan;
use super::resolve::ImportOptions;
use super::{import, lrmx, profile, read, say, InteropError, Problem};
use crate::domain::Id;
use crate::lang::Message;
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};

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

impl Prepared {
    /// Nothing of it written yet: the parts start here.
    pub fn start(&self) -> Progress {
        Progress::start(self.units.clone(), self.batches.clone(), self.mark)
    }
}

/// The signal asking the import under way to stop before its next part (0: none).
static STOP_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Asks the import under way to stop before its next part, so that it can say what it wrote
/// (from a signal handler's thread: the part being written is committed or rolled back whole).
pub fn stop_before_next_part(signal: i32) {
    STOP_SIGNAL.store(signal, Ordering::Relaxed);
}

/// How long the write lock is left free between parts. SQLite does not queue the saves that
/// wait for it: each sleeps and tries again, every 100 ms once it has waited a third of a
/// second. Taken again at once, the lock stayed out of their reach, and a colleague's save
/// waited 4.4 s, near its 5 s limit, behind parts of 1.3 s each.
const PAUSE_BETWEEN_PARTS: std::time::Duration = std::time::Duration::from_millis(120);

/// How often in a row colleagues' unrelated saves may make the import check the file again.
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
            let grid = read::read_sheet(path).map_err(|e| e.naming(path))?;
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
                    let mut data = store.neighbourhood_of(|name, birth| {
                        partners.contains(name) || born.get(name).is_some_and(|b| b.contains(&birth))
                    })?;
                    // The stored batches whose dispatch date the sheet moves: their first start.
                    for b in &data.batches {
                        if rows.iter().any(|r| r.batch == b.name && r.dispatch.is_some_and(|d| d != b.dispatch_date)) {
                            if let Some(start) = store.batch_earliest_start(b.id)? {
                                data.batch_earliest_start.insert(b.id, start);
                            }
                        }
                    }
                    let plan = super::resolve::resolve(&rows, &partial, &layout, &data, options, today, &mut problems);
                    (plan, data)
                }
                // The problems are returned below; no cadre is read.
                _ => (Plan::default(), store.neighbourhood(&[])?),
            }
        }
        Kind::Lrmx => {
            let profiles = lrmx::read_path(path, &mut problems).map_err(|e| e.naming(path))?;
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

/// Applies a prepared import in parts of [`PART_ROWS`] rows, each one write transaction, and
/// returns how far it went (every part). When anything was saved by someone else since the
/// file was checked or the last part written, the file is checked again: the import goes on
/// when the new plan is the rest of the one shown (the save touched nothing the import
/// changes), else it stops. An import that stops after some parts says what it wrote.
pub fn commit(store: &mut Store, prepared: &Prepared) -> Result<Progress, InteropError> {
    commit_in_parts(store, prepared, PART_ROWS)
}

/// [`commit`] in parts of about `rows` rows.
pub fn commit_in_parts(store: &mut Store, prepared: &Prepared, rows: usize) -> Result<Progress, InteropError> {
    commit_from(store, prepared, prepared.start(), rows)
}

/// [`commit_in_parts`], going on from `done` (what the parts before wrote): an audit row newer
/// than its last is someone else's save, and the file is checked again.
pub fn commit_from(
    store: &mut Store,
    prepared: &Prepared,
    mut done: Progress,
    rows: usize,
) -> Result<Progress, InteropError> {
    store.ensure_sound()?;
    // The file checked again, when nothing was written yet and a colleague only created some
    // of the units and batches it would create (`same_but_made`): then it is what is applied.
    let mut checked_again: Option<Prepared> = None;
    let mut attempts = 0;
    loop {
        let plan = &checked_again.as_ref().unwrap_or(prepared).plan;
        if done.is_done(plan) {
            return Ok(done);
        }
        let signal = STOP_SIGNAL.load(Ordering::Relaxed);
        if signal != 0 {
            return Err(stopped(&done, InteropError::Interrupted(signal)));
        }
        let mut next = done.clone();
        let written = store
            .write(|w| {
                if w.last_audit_id()? != next.mark {
                    return Ok(false);
                }
                apply_part(w, plan, &mut next, rows).map(|()| true)
            })
            .map_err(|e| stopped(&done, e.into()))?;
        if written {
            (done, attempts) = (next, 0);
            if !done.is_done(plan) {
                std::thread::sleep(PAUSE_BETWEEN_PARTS);
            }
            continue;
        }
        attempts += 1;
        let again = prepare(store, &prepared.path, prepared.options).map_err(|e| stopped(&done, e))?;
        let named_alike = |ours: &HashMap<String, Id>, theirs: &HashMap<String, Id>| {
            ours.iter().all(|(name, id)| theirs.get(name) == Some(id))
        };
        let same = again.plan == plan.remainder(&done)
            && named_alike(&done.units, &again.units)
            && named_alike(&done.batches, &again.batches);
        let made = !same && done.parts == 0 && same_but_made(prepared, &again);
        if !(same || made) || attempts >= ATTEMPTS {
            return Err(stopped(&done, if same || made { kept_saving() } else { changed() }));
        }
        if made {
            let (shown, fresh) = (&prepared.plan, &again.plan);
            let taken = shown.units.len() - fresh.units.len() + shown.batches.len() - fresh.batches.len();
            done = again.start();
            done.taken_as_stored = taken;
            checked_again = Some(again);
        } else {
            done.mark = again.mark;
        }
    }
}

/// Whether `again` (the file checked again) is `shown` but for some of the units and batches
/// it would create, which a colleague created meanwhile: alike, since a unit or batch stored
/// otherwise shows in the plan as a change or in its notes as a warning, and neither differs.
/// Two colleagues importing different people into the same new batch both land so.
fn same_but_made(shown: &Prepared, again: &Prepared) -> bool {
    let without_new = |p: &Plan| Plan { units: Vec::new(), batches: Vec::new(), ..p.clone() };
    without_new(&again.plan) == without_new(&shown.plan)
        && again.notes == shown.notes
        && again.plan.units.iter().all(|u| shown.plan.units.contains(u))
        && again.plan.batches.iter().all(|b| shown.plan.batches.contains(b))
}

/// `cause`, with what the parts before it wrote when there were any.
fn stopped(done: &Progress, cause: InteropError) -> InteropError {
    match done.parts {
        0 => cause,
        _ => InteropError::Stopped { cause: Box::new(cause), written: done.written() },
    }
}

fn kept_saving() -> InteropError {
    StoreError::invalid(
        "import",
        say(
            format!("同事连续保存，导入重新检查文件 {ATTEMPTS} 次仍未能写入；请稍后重新导入"),
            format!("colleagues kept saving while the file was checked again ({ATTEMPTS} times); run the import again later"),
        ),
    )
    .into()
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
