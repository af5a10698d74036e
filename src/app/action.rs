//! What can happen to the application: the tabs, the actions `App::update` applies, the
//! effects it asks the terminal loop to carry out, and what the last frame looked like.

use super::catalog::handover::{Handover, Refresh};
use super::operation::{Failure, Outcome};
use super::view::Tone;
use super::window::Want;
use super::FirstScreen;
use crate::domain::Id;
use crate::draft::Draft;
use crate::store::{AuditEntry, Data, OwnChange, Saves};
use ratatui::layout::Rect;
use tui_input::InputRequest;

/// The six tabs, in the order of their number keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    #[default]
    Cadres,
    Pairs,
    Reviews,
    Reserve,
    Overview,
    Units,
}

impl Tab {
    pub const ALL: [Tab; 6] = [Tab::Cadres, Tab::Pairs, Tab::Reviews, Tab::Reserve, Tab::Overview, Tab::Units];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Tab {
        Tab::ALL[i % Tab::ALL.len()]
    }

    pub fn next(self) -> Tab {
        Tab::from_index(self.index() + 1)
    }

    pub fn prev(self) -> Tab {
        Tab::from_index(self.index() + Tab::ALL.len() - 1)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Tab::Cadres => "干部",
            Tab::Pairs => "互派",
            Tab::Reviews => "考核",
            Tab::Reserve => "后备",
            Tab::Overview => "概览",
            Tab::Units => "单位",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Tab::Cadres => "Cadres",
            Tab::Pairs => "Pairs",
            Tab::Reviews => "Reviews",
            Tab::Reserve => "Reserve",
            Tab::Overview => "Overview",
            Tab::Units => "Units",
        }
    }
}

/// Everything that changes the state goes through `App::update` as one of these.
#[derive(Debug, Clone)]
pub enum Action {
    Quit,
    /// Draw again (a resize); changes nothing.
    Redraw,
    /// Draw the whole screen again, whatever the terminal is thought to show (Ctrl-L: after
    /// another program wrote to it).
    Repaint,
    Reload,
    OpenHelp,
    CloseHelp,
    NextTab,
    PrevTab,
    GoTab(Tab),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Mouse wheel: lines to move (negative is up).
    Scroll(i32),
    /// A click on the `n`th row shown on screen (counted from the top of the list).
    ClickRow(usize),
    /// A click on a column's header: sort by it, or reverse when it already sorts.
    SortBy(usize),
    CycleSort,
    ReverseSort,
    /// Enter on a row: the cadre's dossier.
    Open,
    /// Enter on an overview row: the Reviews tab, showing that batch's reviews.
    BatchReviews,
    /// The overdue reviews, from any tab (`!`).
    ShowOverdue,
    /// `c` on the Overview: its charts shown or hidden.
    ToggleCharts,
    /// Esc in the dossier: the previous dossier, or the list.
    Back,
    /// The pair partner's dossier.
    Partner,
    StartSearch,
    /// Enter in the search line: keep the filter, leave typing.
    KeepSearch,
    /// Esc: drop the search.
    ClearSearch,
    EditSearch(InputRequest),
    Paste(String),
    CycleStatus,
    CycleKind,
    CycleBatch,
    CycleDistrict,
    ClearFilters,
    /// Write the current tab as shown (rows, order, columns) to an xlsx file.
    Export,
    /// A key in the export dialog.
    ExportDialog(super::export::ExportAct),
    /// `b`, `d`, `s`: a list to choose a batch, a district or a sort column from.
    OpenChoice(super::choose::ChooseFor),
    Choice(super::choose::ChooseAct),
    /// What the last frame looked like (sizes, where things are); sent after every draw.
    Frame(FrameInfo),
    /// Everything read again (`R`, a new day): the first screen, then the lists are built.
    Load(Box<FirstScreen>),
    /// A list built in the background.
    Built(Box<Handover>),
    /// What a save (this window's or a colleague's) changed, read again for the lists.
    Refreshed(Box<Refresh>),
    /// The database changed since the last look (`PRAGMA data_version`): read what changed.
    Changed,
    /// Who else saved what since this window last said; `reload`: found by `R`.
    ColleaguesSaved {
        saves: Saves,
        reload: bool,
    },
    /// The window read (`App::window_wanted`): the neighbourhood of what `want` named.
    Window {
        data: Box<Data>,
        want: Want,
    },
    /// An edit key on a list or the dossier: opens a form, asks, or asks the store.
    Edit(Edit),
    Form(FormAct),
    Pick(PickAct),
    /// The answer to a yes/no question.
    Answer(bool),
    Conflict(ConflictAct),
    DraftChoice(DraftAct),
    CloseHistory,
    /// What the store said to a request (`App::requests`), handed back by the driver.
    Saved(Result<Outcome, Failure>),
    History(String, Vec<AuditEntry>),
    UndoPeek(Option<(AuditEntry, usize)>),
    /// This window's changes (`U`), newest first, to choose one to undo.
    OwnChanges(Vec<OwnChange>),
    /// Keys in the list of this window's changes.
    Changes(ChangesAct),
    OfferDraft(Box<Draft>),
    Notice(Tone, String),
    /// The neighbourhood of `window` was read so that the form `then` has every record it
    /// offers (a pair's candidates are anywhere in the batch).
    Widened {
        data: Box<Data>,
        window: Vec<Id>,
        then: super::form::FormKind,
    },
}

/// The edit keys of the lists and the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    AddCadre,
    EditCadre,
    ToggleArchive,
    ShowArchived,
    AddSecondment,
    Pair,
    Unpair,
    EndEarly,
    Vetting,
    Evaluation,
    AddNote,
    RecordReview,
    Admit,
    Advance,
    Withdraw,
    AddBatch,
    EditBatch,
    DeleteBatch,
    AddUnit,
    EditUnit,
    DeleteUnit,
    Policy,
    Undo,
    /// The list of this window's changes, to undo one of them.
    Changes,
    History,
}

/// Keys in the list of this window's changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangesAct {
    /// Undo the chosen change (after the same question as `u`).
    Choose,
    Close,
}

/// Keys in a form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormAct {
    Next,
    Prev,
    Left,
    Right,
    /// Enter: opens a picker field's list, saves anywhere else.
    Enter,
    Save,
    /// A line break in a multi-line field (notes, summaries).
    NewLine,
    Cancel,
    Input(InputRequest),
    Paste(String),
}

/// Keys in a picker's list.
#[derive(Debug, Clone, PartialEq)]
pub enum PickAct {
    Up,
    Down,
    PageUp,
    PageDown,
    Choose,
    Cancel,
    Input(InputRequest),
    Paste(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictAct {
    /// Discard my edits, show the colleague's version.
    Reload,
    /// My edits on top of the colleague's version.
    Reapply,
    Back,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftAct {
    Restore,
    Discard,
    Later,
}

/// What the terminal loop must do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The state changed: draw again.
    Redraw,
    /// Nothing visible changed.
    None,
    /// The app has requests for the store (`App::requests`): the driver carries them out.
    Store,
    /// Clear the terminal and draw the whole frame: what it shows is not known.
    Repaint,
    Quit,
}

/// Where the last frame put things, so that mouse clicks and page moves can be interpreted.
/// Only `App::update(Action::Frame)` stores it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameInfo {
    pub width: u16,
    pub height: u16,
    /// Each tab title's area.
    pub tabs: Vec<(Rect, Tab)>,
    /// The rows of the current list (below its header row).
    pub body: Rect,
    /// Header cells of the current list: (x from, x to exclusive, column).
    pub header: Vec<(u16, u16, usize)>,
    pub header_y: Option<u16>,
    /// The first list row shown (the scroll position the frame settled on).
    pub offset: usize,
    /// Rows the list shows at once.
    pub page: usize,
    /// Lines of the dossier or help page shown at once, and the furthest scroll that shows anything.
    pub text_page: usize,
    pub text_max: usize,
    /// The dossier scroll the frame settled on (clamped).
    pub text_scroll: usize,
    /// The tab whose list the frame drew (none for a dossier or a terminal too small).
    pub list_of: Option<Tab>,
    /// The rows of its catalog that the frame drew, top to bottom.
    pub shown: Vec<usize>,
}
