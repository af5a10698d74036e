//! `b`, `d` and `s` on a list: a short list to choose from, filtered as you type (the form's
//! picker: pinyin too), instead of cycling. Batches newest first; `s` offers only the columns
//! the screen shows. The first option clears the choice.

use super::form::{Opt, Picker};
use super::list::Standing;
use super::popup::Popup;
use super::view::Tone;
use super::App;
use crate::domain::{District, SecondmentStatus};
use tui_input::InputRequest;

/// What the list chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooseFor {
    Batch,
    District,
    Sort,
    /// The Cadres tab's serving / planned / completed.
    Phase,
    /// The Reserve tab's rule proposals / nominations by status.
    Standing,
}

/// The list over the screen. Option ids: a batch's id, a district's position in
/// `District::ALL`, a column's position; -1 clears.
#[derive(Debug, Clone)]
pub struct ChooseList {
    pub what: ChooseFor,
    pub title: &'static str,
    pub options: Vec<Opt>,
    pub picker: Picker,
}

/// What a key does in the list.
#[derive(Debug, Clone, PartialEq)]
pub enum ChooseAct {
    Up,
    Down,
    Choose,
    Cancel,
    Input(InputRequest),
}

const CLEAR: i64 = -1;

/// The Cadres tab's status filter, in the tab's own order.
const PHASES: [SecondmentStatus; 3] =
    [SecondmentStatus::Active, SecondmentStatus::Planned, SecondmentStatus::Completed];

impl App {
    /// Opens the list for `what` on the current tab, the current choice selected.
    pub(super) fn open_choice(&mut self, what: ChooseFor) {
        let list = &self.lists[self.tab.index()];
        let all = self.t("全部", "all");
        let mut options = Vec::new();
        let (title, current) = match what {
            ChooseFor::Batch => {
                options.push(Opt::new(CLEAR, all, self.t("不按批次筛选", "no batch filter")));
                // Newest first: the current batch is the one wanted most days.
                let mut lines: Vec<_> = self.catalogs.batches.iter().map(|l| &l.batch).collect();
                lines.sort_by_key(|b| std::cmp::Reverse((b.dispatch_date, b.id)));
                options.extend(lines.iter().map(|b| Opt::new(b.id, &b.name, &b.dispatch_date.to_string())));
                (self.t("批次", "Batch"), list.filters.batch.unwrap_or(CLEAR))
            }
            ChooseFor::District => {
                options.push(Opt::new(CLEAR, all, self.t("不按区筛选", "no district filter")));
                for (i, d) in District::ALL.iter().enumerate().filter(|(_, d)| **d != District::City) {
                    options.push(Opt::new(i as i64, self.t(d.zh(), d.en()), ""));
                }
                let current = list.filters.district.and_then(|d| District::ALL.iter().position(|x| *x == d));
                (self.t("区", "District"), current.map_or(CLEAR, |i| i as i64))
            }
            ChooseFor::Phase => {
                options.push(Opt::new(CLEAR, all, self.t("不按状态筛选", "no status filter")));
                for (i, p) in PHASES.iter().enumerate() {
                    options.push(Opt::new(i as i64, self.t(p.zh(), p.en()), ""));
                }
                let current = list.filters.phase.and_then(|p| PHASES.iter().position(|x| *x == p));
                (self.t("状态", "Status"), current.map_or(CLEAR, |i| i as i64))
            }
            ChooseFor::Standing => {
                options.push(Opt::new(CLEAR, all, self.t("不按状态筛选", "no status filter")));
                for (i, s) in Standing::all().enumerate() {
                    options.push(Opt::new(i as i64, self.t(s.zh(), s.en()), ""));
                }
                let current = list.filters.standing.and_then(|s| Standing::all().position(|x| x == s));
                (self.t("状态", "Status"), current.map_or(CLEAR, |i| i as i64))
            }
            ChooseFor::Sort => {
                options.push(Opt::new(CLEAR, self.t("默认顺序", "default order"), ""));
                let columns = &self.table(self.tab).columns;
                let mut shown: Vec<(u16, usize)> = self.frame.header.iter().map(|&(x, _, c)| (x, c)).collect();
                shown.sort_unstable();
                if shown.is_empty() {
                    shown = (0..columns.len()).map(|c| (0, c)).collect();
                }
                for (_, c) in shown.into_iter().filter(|(_, c)| *c < columns.len()) {
                    options.push(Opt::new(c as i64, columns[c].label, ""));
                }
                (self.t("排序", "Sort by"), list.sort.map_or(CLEAR, |c| c as i64))
            }
        };
        let mut picker = Picker::open(0, &options, "");
        picker.selected = options.iter().position(|o| o.id == current).unwrap_or(0);
        self.popup = Some(Popup::Choose(ChooseList { what, title, options, picker }));
    }

    pub(super) fn choose_act(&mut self, act: ChooseAct) {
        let Some(Popup::Choose(c)) = &mut self.popup else { return };
        match act {
            ChooseAct::Up => c.picker.move_by(-1),
            ChooseAct::Down => c.picker.move_by(1),
            ChooseAct::Input(req) => c.picker.edit(req, &c.options),
            ChooseAct::Cancel => self.popup = None,
            ChooseAct::Choose => {
                let Some(Popup::Choose(c)) = self.popup.take() else { return };
                let Some(id) = c.picker.chosen().map(|i| c.options[i].id) else {
                    self.status = Some((Tone::Muted, self.t("没有选中", "nothing chosen").to_string()));
                    return;
                };
                let some = (id != CLEAR).then_some(id);
                let list = &mut self.lists[self.tab.index()];
                match c.what {
                    ChooseFor::Batch => list.filters.batch = some,
                    ChooseFor::District => {
                        list.filters.district = some.and_then(|i| District::ALL.get(i as usize).copied())
                    }
                    ChooseFor::Phase => list.filters.phase = some.and_then(|i| PHASES.get(i as usize).copied()),
                    ChooseFor::Standing => {
                        list.filters.standing = some.and_then(|i| Standing::all().nth(i as usize));
                    }
                    ChooseFor::Sort => {
                        list.sort = some.map(|c| c as usize);
                        list.reverse = false;
                    }
                }
                self.refresh();
            }
        }
    }
}
