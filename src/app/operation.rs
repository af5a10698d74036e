//! What a save asks the store to do. `App::update` only describes a write (an `Operation` in
//! `App::requests`); the effect runner carries it out in one `Store::write` transaction
//! (`runner::write`) and hands back the outcome. So the state stays free of I/O, and tests can
//! read the operation a form produced.

use crate::domain::*;
use crate::lang::Message;
use crate::store::{NewCadre, NewSecondment, ReviewResult, Undone};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    AddCadre(NewCadre),
    /// Also archiving and restoring (the `archived` flag).
    UpdateCadre(Cadre),
    AddSecondment(NewSecondment),
    Pair {
        a: Id,
        b: Id,
    },
    Unpair {
        pair: Id,
        version: i64,
    },
    RecordReview {
        review: Id,
        version: i64,
        result: ReviewResult,
    },
    EndEarly {
        secondment: Id,
        version: i64,
        end: NaiveDate,
        reason: String,
    },
    Vetting(Vetting),
    /// The end-of-term evaluation's details and, with `graded`, its grade: the result of the
    /// term's end-of-term review (the row the Reviews tab shows), in the same save.
    Evaluation {
        evaluation: TermEvaluation,
        graded: Option<Graded>,
    },
    AddNote {
        cadre: Id,
        date: NaiveDate,
        text: String,
    },
    /// Takes a rule proposal into the pool in one operation: nominated, then admitted.
    Admit {
        cadre: Id,
        secondment: Id,
        /// The day the rule proposed them (`plausible::proposal_day`): the nomination's date.
        proposed: NaiveDate,
        on: NaiveDate,
        reason: String,
    },
    Move {
        nomination: Id,
        version: i64,
        to: ReserveStatus,
        on: NaiveDate,
        reason: String,
    },
    AddUnit {
        name: String,
        kind: UnitKind,
        district: District,
    },
    UpdateUnit(Unit),
    AddBatch {
        name: String,
        dispatch: NaiveDate,
        term: u32,
    },
    UpdateBatch(Batch),
    /// A unit or a batch that nothing refers to.
    Delete {
        table: &'static str,
        id: Id,
        version: i64,
    },
    Policy(Policy),
    Undo,
    /// Undo one of this window's changes, chosen from its list (`U`).
    UndoChange {
        op: i64,
    },
}

/// What a successful write did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Saved; the id of a new record, if one was made.
    Saved(Option<Id>),
    /// `None`: there was nothing of this user's left to undo.
    Undone(Option<Undone>),
}

impl Operation {
    /// The version the command expects the record to be at (conflicts compare against it).
    pub fn version(&self) -> Option<i64> {
        use Operation::*;
        match self {
            UpdateCadre(c) => Some(c.version),
            Unpair { version, .. }
            | RecordReview { version, .. }
            | EndEarly { version, .. }
            | Move { version, .. }
            | Delete { version, .. } => Some(*version),
            Vetting(v) => Some(v.version),
            Evaluation { evaluation, .. } => Some(evaluation.version),
            UpdateUnit(u) => Some(u.version),
            UpdateBatch(b) => Some(b.version),
            Policy(p) => Some(p.version),
            _ => None,
        }
    }
}

/// A review's result recorded along with another save (the end-of-term evaluation's grade).
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub review: Id,
    pub version: i64,
    pub result: ReviewResult,
}

/// Why a write did not happen, in a form the state can keep (`StoreError` holds rusqlite
/// errors, which cannot be cloned). Nothing was written in any of these cases.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// A colleague saved the record first: who, when (the newest audit row), and what they
    /// changed, column by column, from the version this save started from to the current row.
    Conflict {
        table: String,
        id: Id,
        who: Option<String>,
        at: Option<String>,
        changes: Vec<crate::store::Change>,
        /// The record is gone altogether.
        deleted: bool,
    },
    /// The lock stayed taken for the whole busy timeout.
    Busy,
    Full,
    ReadOnly(Message),
    Invalid {
        field: String,
        message: Message,
    },
    NotFound(Message),
    InUse(Message),
    Other(Message),
}
