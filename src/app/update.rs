//! `App::update`: every state change happens here.

use super::action::{Action, Effect, FrameInfo, Tab};
use super::list::{cycle, settle_offset};
use super::popup::Popup;
use super::view::{self, Tone};
use super::window::Want;
use super::{App, DossierState, Mode};
use crate::domain::{District, ReviewKind};
use crate::text::{is_forbidden, sanitize_paste};
use tui_input::InputRequest;

impl App {
    pub fn update(&mut self, action: Action) -> Effect {
        let answer = matches!(
            action,
            Action::Frame(_)
                | Action::Redraw
                | Action::Load(_)
                | Action::Built(_)
                | Action::Refreshed(_)
                | Action::Changed
                | Action::ColleaguesSaved { .. }
                | Action::Window { .. }
                | Action::Saved(_)
                | Action::History(..)
                | Action::UndoPeek(_)
                | Action::OwnChanges(_)
                | Action::OfferDraft(_)
                | Action::Notice(..)
                | Action::Widened { .. }
        );
        // A status message lasts until the next key (not a redraw, nor the store's answers);
        // so does an Enter waiting for its row.
        if !answer {
            self.status = None;
            self.open_when_shown = None;
        }
        let effect = self.apply(action);
        if answer && self.open_when_shown.is_some() && self.open_if_shown() {
            return Effect::Redraw;
        }
        effect
    }

    fn apply(&mut self, action: Action) -> Effect {
        match action {
            Action::Quit => return Effect::Quit,
            Action::Reload => {
                self.requests.push(super::popup::Request::Reload);
                self.status = Some((Tone::Muted, self.t("正在重新读取数据库…", "reading the database again…").into()));
                return Effect::Store;
            }
            Action::Redraw => {}
            Action::Repaint => return Effect::Repaint,
            Action::Frame(info) => return self.frame(info),
            Action::Load(first) => self.start(*first),
            Action::Built(handover) => self.built(*handover),
            Action::Refreshed(refresh) => self.refreshed(*refresh),
            Action::Changed => return self.changed(),
            Action::ColleaguesSaved { saves, reload } => self.colleagues_saved(saves, reload),
            Action::Window { data, want } => self.take_window(*data, want),
            Action::OpenHelp => self.help = Some(0),
            Action::CloseHelp => self.help = None,
            Action::NextTab => self.go_tab(self.tab.next()),
            Action::PrevTab => self.go_tab(self.tab.prev()),
            Action::GoTab(tab) => self.go_tab(tab),
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(self.page() as isize)),
            Action::PageDown => self.move_by(self.page() as isize),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Scroll(n) => self.move_by(n as isize),
            Action::ClickRow(n) => {
                let list = &mut self.lists[self.tab.index()];
                let pos = list.offset.saturating_add(n);
                if pos < list.visible.len() {
                    list.selected = pos;
                }
            }
            Action::SortBy(col) => {
                let list = &mut self.lists[self.tab.index()];
                if list.sort == Some(col) {
                    list.reverse = !list.reverse;
                } else {
                    list.sort = Some(col);
                    list.reverse = false;
                }
                self.refresh();
            }
            Action::CycleSort => {
                let columns = self.table(self.tab).columns.len();
                let list = &mut self.lists[self.tab.index()];
                list.sort = match list.sort {
                    None => Some(0),
                    Some(c) if c + 1 < columns => Some(c + 1),
                    Some(_) => None,
                };
                list.reverse = false;
                self.refresh();
            }
            Action::ReverseSort => {
                let list = &mut self.lists[self.tab.index()];
                list.reverse = !list.reverse;
                self.refresh();
            }
            Action::Open => self.open_selected(),
            Action::BatchReviews => self.batch_reviews(),
            Action::ShowOverdue => self.show_overdue(),
            Action::ToggleCharts => self.charts = !self.charts,
            Action::Back => self.back(),
            Action::Partner => self.partner(),
            Action::StartSearch => {
                if self.mode == Mode::List {
                    self.mode = Mode::Search;
                }
            }
            Action::KeepSearch => {
                self.mode = Mode::List;
                if !self.list().searching() {
                    self.clear_search();
                }
            }
            Action::ClearSearch => {
                if self.mode == Mode::Search || self.list().searching() {
                    self.clear_search();
                    self.mode = Mode::List;
                } else {
                    return Effect::None;
                }
            }
            Action::EditSearch(req) => {
                if let InputRequest::InsertChar(c) = req {
                    if is_forbidden(c) {
                        return Effect::None;
                    }
                }
                self.edit_search(req);
            }
            Action::Paste(text) => {
                for c in sanitize_paste(&text).chars() {
                    self.lists[self.tab.index()].input.handle(InputRequest::InsertChar(c));
                }
                self.search_changed();
            }
            Action::CycleStatus => self.filter(|f, _| f.status = f.status.next()),
            Action::CycleKind => self.filter(|f, _| f.kind = cycle(f.kind, ReviewKind::ALL)),
            Action::CycleBatch => self.filter(|f, batches| f.batch = cycle(f.batch, batches)),
            Action::CycleDistrict => self.filter(|f, _| {
                let districts: Vec<District> = District::ALL.iter().copied().filter(|d| *d != District::City).collect();
                f.district = cycle(f.district, &districts)
            }),
            Action::ClearFilters => self.filter(|f, _| *f = Default::default()),
            Action::Export => return self.export(),
            Action::ExportDialog(a) => return self.export_act(a),
            Action::OpenChoice(what) => self.open_choice(what),
            Action::Choice(a) => self.choose_act(a),
            Action::Edit(e) => return self.edit(e),
            Action::Form(a) => return self.form_act(a),
            Action::Pick(a) => self.pick_act(a),
            Action::Answer(yes) => return self.answer(yes),
            Action::Conflict(a) => return self.conflict_act(a),
            Action::DraftChoice(a) => return self.draft_act(a),
            Action::CloseHistory => self.popup = None,
            Action::Saved(result) => return self.saved(result),
            Action::History(title, entries) => self.history_loaded(title, entries),
            Action::UndoPeek(last) => self.undo_peek(last),
            Action::OwnChanges(list) => self.own_changes(list),
            Action::Changes(a) => return self.changes_act(a),
            Action::OfferDraft(draft) => self.offer_draft(*draft),
            Action::Notice(tone, text) => self.status = Some((tone, text)),
            Action::Widened { data, window, then } => {
                self.take_window(*data, Want { cadres: window, ..Want::default() });
                self.open_form(then);
            }
        }
        Effect::Redraw
    }

    /// Stores what the frame settled on; nothing to draw again.
    fn frame(&mut self, info: FrameInfo) -> Effect {
        let list = &mut self.lists[self.tab.index()];
        if self.mode != Mode::Dossier {
            list.offset = info.offset;
        }
        if let Some(d) = &mut self.dossier {
            d.scroll = info.text_scroll;
        }
        if let Some(scroll) = &mut self.help {
            *scroll = (*scroll).min(info.text_max);
        }
        if let Some(Popup::History(h)) = &mut self.popup {
            h.scroll = h.scroll.min(info.text_max);
        }
        self.frame = info;
        Effect::None
    }

    fn page(&self) -> usize {
        let text = self.help.is_some() || self.mode == Mode::Dossier || matches!(self.popup, Some(Popup::History(_)));
        let page = if text { self.frame.text_page } else { self.frame.page };
        page.max(1)
    }

    fn move_by(&mut self, delta: isize) {
        let max = self.frame.text_max;
        if let Some(Popup::History(h)) = &mut self.popup {
            h.scroll = h.scroll.saturating_add_signed(delta).min(max);
        } else if let Some(Popup::Changes(c)) = &mut self.popup {
            c.selected = c.selected.saturating_add_signed(delta).min(c.list.len().saturating_sub(1));
        } else if self.popup.is_some() || self.form.is_some() {
            // Nothing under a form or a question moves.
        } else if let Some(scroll) = &mut self.help {
            *scroll = scroll.saturating_add_signed(delta).min(max);
        } else if self.mode == Mode::Dossier {
            if let Some(d) = &mut self.dossier {
                d.scroll = d.scroll.saturating_add_signed(delta).min(max);
            }
        } else {
            let list = &mut self.lists[self.tab.index()];
            list.move_by(delta);
            let page = self.frame.page;
            list.offset = settle_offset(list.offset, list.selected, page, list.visible.len());
        }
    }

    fn go_tab(&mut self, tab: Tab) {
        if self.mode == Mode::Dossier {
            self.dossier = None;
        }
        self.mode = Mode::List;
        let changed = self.tab != tab;
        self.tab = tab;
        // Only the shown tab's rows are built: now, unless the runner is about to read the new
        // tab's window (which builds them).
        if changed && self.window_wanted().is_none() {
            self.rebuild_views();
        }
    }

    pub(super) fn refresh(&mut self) {
        self.refresh_tab(self.tab);
    }

    fn filter(&mut self, change: impl FnOnce(&mut super::list::Filters, &[i64])) {
        let batches: Vec<i64> = self.catalogs.batches.iter().map(|l| l.batch.id).collect();
        change(&mut self.lists[self.tab.index()].filters, &batches);
        self.refresh();
    }

    fn edit_search(&mut self, req: InputRequest) {
        let changed = self.lists[self.tab.index()].input.handle(req);
        if changed.is_some_and(|c| c.value) {
            self.search_changed();
        }
    }

    fn search_changed(&mut self) {
        let tab = self.tab;
        self.lists[tab.index()].take_query();
        let searching = self.lists[tab.index()].searching();
        self.refresh_list(tab, !searching);
        self.lists[tab.index()].jump_to_first_match();
    }

    fn clear_search(&mut self) {
        self.lists[self.tab.index()].input.reset();
        self.search_changed();
    }

    fn batch_reviews(&mut self) {
        let Some(super::view::Rec::Batch(batch)) = self.selected_rec(Tab::Overview) else { return };
        self.go_tab(Tab::Reviews);
        let list = &mut self.lists[Tab::Reviews.index()];
        list.filters =
            super::list::Filters { status: super::list::StatusFilter::All, batch: Some(batch), ..Default::default() };
        self.refresh();
    }

    fn show_overdue(&mut self) {
        self.dossier = None;
        self.go_tab(Tab::Reviews);
        let list = &mut self.lists[Tab::Reviews.index()];
        list.filters = super::list::Filters {
            status: super::list::StatusFilter::Only(crate::domain::review::ReviewStatus::Overdue),
            ..Default::default()
        };
        list.sort = None;
        list.reverse = false;
        self.refresh();
    }

    fn open_selected(&mut self) {
        if let Some(cadre) = self.selected_cadre() {
            self.open_dossier(cadre, Vec::new());
        }
        if self.mode == Mode::List && self.loading(self.tab) {
            self.open_when_shown = Some(self.tab);
        }
    }

    /// Opens the dossier an earlier Enter asked for, once the list answers; true when it did.
    fn open_if_shown(&mut self) -> bool {
        if self.open_when_shown != Some(self.tab) || self.mode != Mode::List || self.popup.is_some() {
            self.open_when_shown = None;
            return false;
        }
        if let Some(cadre) = self.selected_cadre() {
            self.open_dossier(cadre, Vec::new());
        }
        let opened = self.mode == Mode::Dossier;
        if opened || (!self.loading(self.tab) && self.list().visible.is_empty()) {
            self.open_when_shown = None;
        }
        opened
    }

    fn open_dossier(&mut self, cadre: i64, back: Vec<i64>) {
        if let Some(doc) = view::dossier(&self.lookup(), cadre) {
            self.dossier = Some(DossierState { doc, scroll: 0, back });
            self.mode = Mode::Dossier;
        }
    }

    fn partner(&mut self) {
        let Some(d) = &self.dossier else { return };
        let Some(partner) = d.doc.partner else { return };
        let mut back = d.back.clone();
        back.push(d.doc.cadre);
        self.open_dossier(partner, back);
    }

    fn back(&mut self) {
        let Some(d) = self.dossier.take() else {
            self.mode = Mode::List;
            return;
        };
        let mut back = d.back;
        match back.pop() {
            Some(previous) => self.open_dossier(previous, back),
            None => self.mode = Mode::List,
        }
        if self.mode == Mode::List {
            self.dossier = None;
        }
    }
}
