//! What is shown over everything else (a question, a save conflict, a record's history, a
//! draft on offer), what the app asks the store for, and what it does after a reload.

use super::form::FormKind;
use super::operation::Operation;
use super::view::{Rec, TextLine};
use crate::domain::Id;
use crate::draft::Draft;

#[derive(Debug, Clone)]
pub enum Popup {
    Confirm(Confirm),
    Conflict(ConflictView),
    History(HistoryView),
    Draft(DraftOffer),
    /// `E`'s dialog: format, columns, file name.
    Export(super::export::ExportDialog),
    /// A batch, district or sort column to choose (`b`, `d`, `s`).
    Choose(super::choose::ChooseList),
    /// This window's changes (`U`), to choose one to undo.
    Changes(ChangesView),
}

#[derive(Debug, Clone)]
pub struct ChangesView {
    /// Newest first.
    pub list: Vec<crate::store::OwnChange>,
    pub selected: usize,
}

/// A yes/no question. Only `y` says yes: a lone Esc (a split escape sequence on a slow link)
/// or a stray Enter never destroys anything.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<TextLine>,
    pub yes: OnYes,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OnYes {
    /// Close the form, dropping what was typed.
    Discard,
    Run(Operation),
}

/// A colleague saved first: who, when and what they changed; the form stays as typed.
#[derive(Debug, Clone)]
pub struct ConflictView {
    pub lines: Vec<TextLine>,
}

#[derive(Debug, Clone)]
pub struct HistoryView {
    pub title: String,
    pub lines: Vec<TextLine>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct DraftOffer {
    pub draft: Draft,
    pub lines: Vec<TextLine>,
}

/// Work for the store, carried out by the driver between two updates.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Write(Operation),
    /// The audit history of these rows, merged, newest first, under `title`.
    History {
        title: String,
        targets: Vec<(&'static str, Id)>,
    },
    /// What `u` would undo, to ask first.
    PeekUndo,
    /// This window's changes, for the list `U` shows.
    OwnChanges,
    /// The draft has been restored and saved, or discarded: remove its file.
    DeleteDraft,
    /// Read the cadres `secondment` could be paired with into `window`, then open the pair form.
    PairCandidates {
        secondment: Id,
        window: Vec<Id>,
    },
    /// Read what changed since the lists' audit mark and hand it over (`Action::Refreshed`).
    Refresh,
    /// Build the lists in the background (every review too, when asked).
    Build {
        all_reviews: bool,
    },
    /// Read everything again: the first screen, then the lists; and say who saved what since.
    Reload,
    /// The database changed elsewhere: read what changed, and say who saved it.
    Live,
    /// Write a tab's rows to a file, as the export dialog asked.
    Export(super::export::ExportJob),
}

/// What to do once fresh data is in.
#[derive(Debug, Clone)]
pub enum AfterLoad {
    /// Open `kind` again on the new data; with `mine`, put the user's edits back on top:
    /// (field, typed value, value when first opened).
    Reopen { kind: FormKind, mine: Option<Vec<(String, String, String)>> },
    /// Show this record (a new cadre, unit or batch).
    Select(super::Tab, Rec),
}
