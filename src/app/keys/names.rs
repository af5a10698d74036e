//! The names by which a settings file's `[keys]` table remaps actions: one per action, so a
//! name means the same in every context that binds it (`down` moves down in a list, the
//! dossier, the help and a form's list alike). Derived from the table's actions, not written
//! beside each binding, so the table stays as it is.

use crate::app::action::{Action, ChangesAct, ConflictAct, DraftAct, Edit, FormAct, PickAct, Tab};
use crate::app::choose::{ChooseAct, ChooseFor};
use crate::app::export::ExportAct;

/// The name of the action a binding carries; `None` for what no key is bound to.
pub fn name(action: &Action) -> Option<&'static str> {
    Some(match action {
        Action::Quit => "quit",
        Action::Reload => "reload",
        Action::Repaint => "redraw",
        Action::OpenHelp => "help",
        Action::CloseHelp => "close_help",
        Action::NextTab => "next_tab",
        Action::PrevTab => "prev_tab",
        Action::GoTab(tab) => match tab {
            Tab::Cadres => "tab_cadres",
            Tab::Pairs => "tab_pairs",
            Tab::Reviews => "tab_reviews",
            Tab::Reserve => "tab_reserve",
            Tab::Overview => "tab_overview",
            Tab::Units => "tab_units",
        },
        Action::Up | Action::Pick(PickAct::Up) => "up",
        Action::Down | Action::Pick(PickAct::Down) => "down",
        Action::PageUp | Action::Pick(PickAct::PageUp) => "page_up",
        Action::PageDown | Action::Pick(PickAct::PageDown) => "page_down",
        Action::Top => "top",
        Action::Bottom => "bottom",
        Action::CycleSort | Action::OpenChoice(ChooseFor::Sort) => "sort",
        Action::ReverseSort => "reverse_sort",
        Action::Open => "open",
        Action::BatchReviews => "batch_reviews",
        Action::Back => "back",
        Action::Partner => "partner",
        Action::StartSearch => "search",
        Action::KeepSearch => "keep_search",
        Action::ClearSearch => "clear_search",
        Action::CycleStatus => "filter_status",
        Action::CycleKind => "filter_kind",
        Action::CycleBatch | Action::OpenChoice(ChooseFor::Batch) => "filter_batch",
        Action::CycleDistrict | Action::OpenChoice(ChooseFor::District) => "filter_district",
        Action::ClearFilters => "clear_filters",
        Action::OpenChoice(ChooseFor::Phase) => "filter_phase",
        Action::OpenChoice(ChooseFor::Standing) => "filter_standing",
        Action::ShowOverdue => "overdue",
        Action::ToggleCharts => "charts",
        Action::Export => "export",
        Action::Edit(edit) => edit_name(*edit),
        Action::Form(act) => match act {
            FormAct::Enter => "save",
            FormAct::Save => "save_anywhere",
            FormAct::Next => "next_field",
            FormAct::Prev => "prev_field",
            FormAct::Right => "next_option",
            FormAct::Left => "prev_option",
            FormAct::Cancel => "cancel",
            FormAct::NewLine => "new_line",
            FormAct::Input(_) | FormAct::Paste(_) => return None,
        },
        // The export dialog's and the short lists' keys share the form's names: the same
        // meaning, so one remap moves them all.
        Action::ExportDialog(act) => match act {
            ExportAct::Write => "save",
            ExportAct::Next => "next_field",
            ExportAct::Prev => "prev_field",
            ExportAct::Right => "next_option",
            ExportAct::Left => "prev_option",
            ExportAct::Cancel => "cancel",
            ExportAct::Input(_) => return None,
        },
        Action::Choice(act) => match act {
            ChooseAct::Up => "up",
            ChooseAct::Down => "down",
            ChooseAct::Choose => "choose",
            ChooseAct::Cancel => "cancel",
            ChooseAct::Input(_) => return None,
        },
        Action::Pick(PickAct::Choose) => "choose",
        // Esc in a form's list, in a conflict and in the export dialog go back.
        Action::Pick(PickAct::Cancel) | Action::Conflict(ConflictAct::Back) => "cancel",
        Action::Answer(true) => "yes",
        Action::Answer(false) => "no",
        Action::Conflict(ConflictAct::Reload) => "take_theirs",
        Action::Conflict(ConflictAct::Reapply) => "reapply",
        Action::CloseHistory => "close_history",
        Action::Changes(ChangesAct::Choose) => "choose",
        Action::Changes(ChangesAct::Close) => "cancel",
        Action::DraftChoice(DraftAct::Restore) => "restore_draft",
        Action::DraftChoice(DraftAct::Discard) => "discard_draft",
        Action::DraftChoice(DraftAct::Later) => "later",
        _ => return None,
    })
}

fn edit_name(edit: Edit) -> &'static str {
    match edit {
        Edit::AddCadre => "add_cadre",
        Edit::EditCadre => "edit_cadre",
        Edit::ToggleArchive => "archive",
        Edit::ShowArchived => "show_archived",
        Edit::AddSecondment => "add_secondment",
        Edit::Pair => "pair",
        Edit::Unpair => "unpair",
        Edit::EndEarly => "end_early",
        Edit::Vetting => "vetting",
        Edit::Evaluation => "evaluation",
        Edit::AddNote => "add_note",
        Edit::RecordReview => "record_review",
        Edit::Admit => "admit",
        Edit::Advance => "advance",
        Edit::Withdraw => "withdraw",
        Edit::AddBatch => "add_batch",
        Edit::EditBatch => "edit_batch",
        Edit::DeleteBatch => "delete_batch",
        Edit::AddUnit => "add_unit",
        Edit::EditUnit => "edit_unit",
        Edit::DeleteUnit => "delete_unit",
        Edit::Policy => "policy",
        Edit::Undo => "undo",
        Edit::History => "history",
        Edit::Changes => "changes",
    }
}
