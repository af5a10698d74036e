//! What the lists receive from the store: a list built (`Handover`), and what a save changed
//! read again (`Refresh`). The effect runner reads them (`runner::lists`); the app takes them
//! in through `update` (`Action::Built`, `Action::Refreshed`).

use super::cadres::{CadreCatalog, CadreRules, Derived};
use super::first::FirstRows;
use super::names::Names;
use super::pairs::PairCatalog;
use super::reserve::{ReserveCatalog, TermGrades};
use super::reviews::ReviewCatalog;
use crate::app::view::overview::BatchLine;
use crate::domain::figures::UnitCounts;
use crate::domain::*;
use crate::lang::Lang;
use crate::store::changes::Affected;
use crate::store::lists::{ReviewItem, Roster};
use chrono::NaiveDate;

/// How the lists are shown: the day (statuses, "current") and the labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub today: NaiveDate,
    pub lang: Lang,
    pub ascii: bool,
}

/// One list, built.
#[derive(Debug, Clone)]
pub enum Built {
    Cadres(Box<CadreCatalog>),
    Pairs(Box<PairCatalog>),
    Reserve(Box<ReserveCatalog>),
    /// The reserve list's first rows, until its catalog comes (`runner::lists::first_reserve`).
    ReserveFirst(FirstRows),
    Reviews(Box<ReviewCatalog>),
    /// The cadres' flags with the rules, and next reviews (the cadres came before them).
    CadreRules(Box<CadreRules>),
    /// Every batch with its figures and flags.
    Overview(Vec<BatchLine>),
    Units(Vec<(Unit, Option<UnitCounts>)>),
    /// Rows that could not be read (written by hand against the rules), as `load` names them.
    Invalid(Vec<String>),
}

/// A built list and the last audit row its reading saw.
#[derive(Debug, Clone)]
pub struct Handover {
    pub built: Built,
    pub mark: i64,
}

/// What a save changed, read for the lists: the rows of the records it touched, made again.
#[derive(Debug, Clone)]
pub struct Refresh {
    pub affected: Affected,
    pub cadres: Vec<Derived>,
    /// The touched cadres' roster and names: the pairs, reserve and reviews lists read them.
    pub roster: Roster,
    pub names: Names,
    pub reviews_open: Vec<(ReviewItem, String)>,
    /// Every review of the touched secondments (for a list holding done and cancelled ones).
    pub reviews_all: Option<Vec<(ReviewItem, String)>>,
    pub grades: TermGrades,
    pub nominations: Vec<ReserveNomination>,
    pub batches: Vec<BatchLine>,
    pub units: Vec<(Unit, Option<UnitCounts>)>,
    pub counts: [usize; 3],
}
