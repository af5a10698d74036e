//! The edit keys of the lists and the dossier: which record they act on, the forms they open,
//! the questions they ask first, and the refusals (read-only, nothing selected).

use super::action::{Action, Edit, Effect, Tab};
use super::form::FormKind;
use super::operation::Operation;
use super::popup::{Confirm, OnYes, Popup, Request};
use super::view::{Rec, TextLine, Tone};
use super::{keys, App, Mode};
use crate::domain::Id;

impl App {
    pub(super) fn edit(&mut self, e: Edit) -> Effect {
        use Edit::*;
        if let (Some(why), false) = (&self.opts.read_only, matches!(e, ShowArchived | History)) {
            let what = self.edit_label(e);
            let text = match self.opts.lang {
                crate::lang::Lang::Zh => format!("只读（{why}）：不能{what}"),
                crate::lang::Lang::En => format!("read-only ({why}): cannot {what}"),
            };
            self.status = Some((Tone::Error, text));
            return Effect::Redraw;
        }
        let cadre = self.cadre_here();
        let secondment = self.secondment_here();
        let rec = self.rec_here();
        match e {
            AddCadre => self.open_form(FormKind::AddCadre),
            EditCadre => self.need(cadre, |c| FormKind::EditCadre { cadre: c }),
            AddSecondment => self.need(cadre, |c| FormKind::AddSecondment { cadre: c }),
            Pair => match secondment {
                // The candidates are anywhere in the batch: read them into the window first.
                Some(s) => {
                    self.requests.push(Request::PairCandidates { secondment: s, window: self.window.clone() });
                    return Effect::Store;
                }
                None => self.need(secondment, |s| FormKind::Pair { secondment: s }),
            },
            EndEarly => self.need(secondment, |s| FormKind::EndEarly { secondment: s }),
            Vetting => self.need(secondment, |s| FormKind::Vetting { secondment: s }),
            Evaluation => self.need(secondment, |s| FormKind::Evaluation { secondment: s }),
            AddNote => self.need(cadre, |c| FormKind::Note { cadre: c }),
            RecordReview => self.need(pick(rec, |r| matches!(r, Rec::Review(_))), |r| FormKind::Review { review: r }),
            Admit => match rec {
                Some(Rec::Candidate(s)) => self.open_form(FormKind::Admit { secondment: s }),
                _ => self.say("这一行不是规则建议的人选", "this row is not a rule proposal"),
            },
            Advance | Withdraw => match rec {
                Some(Rec::Nomination(n)) => self.open_form(FormKind::Move { nomination: n, withdraw: e == Withdraw }),
                Some(Rec::Candidate(_)) => self.say("先按 a 纳入后备干部库", "press a to admit the proposal first"),
                _ => self.say("请先选择一条提名", "select a nomination first"),
            },
            AddBatch => self.open_form(FormKind::AddBatch),
            EditBatch => self.need(pick(rec, |r| matches!(r, Rec::Batch(_))), |b| FormKind::EditBatch { batch: b }),
            AddUnit => self.open_form(FormKind::AddUnit),
            EditUnit => self.need(pick(rec, |r| matches!(r, Rec::Unit(_))), |u| FormKind::EditUnit { unit: u }),
            Policy => self.open_form(FormKind::Policy),
            ShowArchived => {
                let list = &mut self.lists[Tab::Cadres.index()];
                list.filters.show_archived = !list.filters.show_archived;
                let shown = list.filters.show_archived;
                self.refresh_tab(Tab::Cadres);
                self.say(
                    if shown { "显示已归档的干部" } else { "隐藏已归档的干部" },
                    if shown { "archived cadres shown" } else { "archived cadres hidden" },
                );
            }
            ToggleArchive => self.ask_archive(cadre),
            Unpair => self.ask_unpair(rec, secondment),
            DeleteBatch => self.ask_delete("batches", rec),
            DeleteUnit => self.ask_delete("units", rec),
            Changes => {
                self.requests.push(Request::OwnChanges);
                return Effect::Store;
            }
            Undo => {
                self.requests.push(Request::PeekUndo);
                return Effect::Store;
            }
            History => return self.ask_history(cadre, rec),
        }
        Effect::Redraw
    }

    /// The label of the edit's key in the key table (for refusals).
    fn edit_label(&self, e: Edit) -> &'static str {
        let b = keys::BINDINGS.iter().find(|b| matches!(b.action, Action::Edit(x) if x == e));
        b.map_or("", |b| self.t(b.zh, b.en))
    }

    fn say(&mut self, zh: &str, en: &str) {
        let text = match self.opts.lang {
            crate::lang::Lang::Zh => zh,
            crate::lang::Lang::En => en,
        };
        self.status = Some((Tone::Warning, text.to_string()));
    }

    fn need(&mut self, id: Option<Id>, kind: impl FnOnce(Id) -> FormKind) {
        match id {
            Some(id) => self.open_form(kind(id)),
            None => self.say("这一行没有可以修改的记录", "nothing on this row to edit"),
        }
    }

    /// The cadre of the dossier, or of the selected row.
    pub(super) fn cadre_here(&self) -> Option<Id> {
        match (self.mode, &self.dossier) {
            (Mode::Dossier, Some(d)) => Some(d.doc.cadre),
            _ => self.selected_cadre(),
        }
    }

    fn rec_here(&self) -> Option<Rec> {
        match self.mode {
            Mode::Dossier => self.cadre_here().map(Rec::Cadre),
            _ => self.selected_rec(self.tab),
        }
    }

    /// The secondment an edit means: an unpaired row's on the Pairs tab, else the cadre's
    /// current one (the one the dossier and the Cadres tab show).
    fn secondment_here(&self) -> Option<Id> {
        if let Some(Rec::Secondment(s)) = self.rec_here() {
            return Some(s);
        }
        self.lookup().current(self.cadre_here()?).map(|s| s.id)
    }

    fn confirm(&mut self, title: String, lines: Vec<String>, command: Operation) {
        let mut lines: Vec<TextLine> =
            lines.into_iter().map(|l| TextLine { spans: vec![(l, Tone::Normal)], indent: 0 }).collect();
        lines.push(TextLine::default());
        let keys =
            self.t("y 确定 · n 或 Esc 取消", "y does it · n or Esc does not").replace(" · ", self.lookup().dot());
        lines.push(TextLine { spans: vec![(keys, Tone::Label)], indent: 0 });
        self.popup = Some(Popup::Confirm(Confirm { title, lines, yes: OnYes::Run(command) }));
    }

    fn ask_archive(&mut self, cadre: Option<Id>) {
        let Some(c) = cadre.and_then(|c| self.lookup().cadre(c)).cloned() else {
            return self.say("请先选择一名干部", "select a cadre first");
        };
        let name = crate::text::display_safe(&c.name).into_owned();
        let (title, line) = match (self.opts.lang, c.archived) {
            (crate::lang::Lang::Zh, false) => {
                (format!("归档 {name}？"), "归档后不在干部列表中显示（按 v 显示）；所有记录保留，不会删除。")
            }
            (crate::lang::Lang::Zh, true) => (format!("恢复 {name}？"), "恢复后重新在干部列表中显示。"),
            (crate::lang::Lang::En, false) => (
                format!("Archive {name}?"),
                "Archived cadres are hidden from the list (v shows them); nothing is deleted.",
            ),
            (crate::lang::Lang::En, true) => (format!("Restore {name}?"), "The cadre shows in the list again."),
        };
        let command = Operation::UpdateCadre(crate::domain::Cadre { archived: !c.archived, ..c });
        self.confirm(title, vec![line.into()], command);
    }

    fn ask_unpair(&mut self, rec: Option<Rec>, secondment: Option<Id>) {
        let lk = self.lookup();
        let pair = match rec {
            Some(Rec::Pair(p)) => lk.data.pairs.iter().find(|x| x.id == p),
            _ => secondment.and_then(|s| lk.pair_of(s)),
        };
        let Some(p) = pair.cloned() else {
            return self.say("没有互派可以解除", "no pair to dissolve here");
        };
        let name = |s: Id| lk.secondment(s).map_or("?", |s| lk.cadre_name(s.cadre_id)).to_string();
        let (down, up) = (name(p.down_id), name(p.up_id));
        let (title, line) = match self.opts.lang {
            crate::lang::Lang::Zh => (format!("解除 {down} 与 {up} 的互派？"), "两人的挂职记录保留，只解除配对。"),
            crate::lang::Lang::En => {
                (format!("Unpair {down} and {up}?"), "Both secondments stay; only the pairing goes.")
            }
        };
        self.confirm(title, vec![line.into()], Operation::Unpair { pair: p.id, version: p.version });
    }

    fn ask_delete(&mut self, table: &'static str, rec: Option<Rec>) {
        let lk = self.lookup();
        let found = match (table, rec) {
            ("batches", Some(Rec::Batch(id))) => lk.batch(id).map(|b| (id, b.name.clone(), b.version)),
            ("units", Some(Rec::Unit(id))) => lk.unit(id).map(|u| (id, u.name.clone(), u.version)),
            _ => None,
        };
        let Some((id, name, version)) = found else {
            return self.say("请先选择一行", "select a row first");
        };
        let name = crate::text::display_safe(&name).into_owned();
        let (title, line) = match (self.opts.lang, table) {
            (crate::lang::Lang::Zh, "batches") => (format!("删除批次 {name}？"), "只有没有挂职属于该批次时才能删除。"),
            (crate::lang::Lang::Zh, _) => {
                (format!("删除单位 {name}？"), "只有没有干部在该单位工作、也没有挂职在该单位时才能删除。")
            }
            (crate::lang::Lang::En, "batches") => {
                (format!("Delete batch {name}?"), "Only a batch no secondment belongs to can go.")
            }
            (crate::lang::Lang::En, _) => {
                (format!("Delete unit {name}?"), "Only a unit nobody works at or is hosted by can go.")
            }
        };
        self.confirm(title, vec![line.into()], Operation::Delete { table, id, version });
    }

    fn ask_history(&mut self, cadre: Option<Id>, rec: Option<Rec>) -> Effect {
        let lk = self.lookup();
        let (title, targets): (String, Vec<(&'static str, Id)>) = match (self.mode, rec) {
            (Mode::Dossier, _) | (_, Some(Rec::Cadre(_) | Rec::Candidate(_))) => match cadre {
                Some(c) => (lk.cadre_name(c).to_string(), cadre_targets(self, c)),
                None => return Effect::None,
            },
            (_, Some(Rec::Review(r))) => (lk.t("考核", "review").to_string(), vec![("reviews", r)]),
            (_, Some(Rec::Pair(p))) => (lk.t("互派", "pair").to_string(), vec![("pairs", p)]),
            (_, Some(Rec::Secondment(s))) => (lk.t("挂职", "secondment").to_string(), vec![("secondments", s)]),
            (_, Some(Rec::Nomination(n))) => {
                let mut t = vec![("reserve_nominations", n)];
                t.extend(lk.data.events.iter().filter(|e| e.nomination_id == n).map(|e| ("reserve_events", e.id)));
                (lk.t("后备提名", "nomination").to_string(), t)
            }
            (_, Some(Rec::Batch(b))) => (lk.batch_name(b).to_string(), vec![("batches", b), ("policy", 1)]),
            (_, Some(Rec::Unit(u))) => (lk.unit_name(u).to_string(), vec![("units", u)]),
            (_, None) => return Effect::None,
        };
        let title = format!("{}{}", self.t("修改历史：", "History: "), crate::text::display_safe(&title));
        self.requests.push(Request::History { title, targets });
        Effect::Store
    }
}

/// The rows of a cadre's dossier: the cadre, their secondments and everything hanging on them.
fn cadre_targets(app: &App, c: Id) -> Vec<(&'static str, Id)> {
    let lk = app.lookup();
    let mut t = vec![("cadres", c)];
    for s in lk.secondments_of(c) {
        t.push(("secondments", s.id));
        t.extend(lk.reviews_of(s.id).map(|r| ("reviews", r.id)));
        t.extend(lk.pair_of(s.id).map(|p| ("pairs", p.id)));
        t.extend(lk.vetting(s.id).map(|v| ("vettings", v.id)));
        t.extend(lk.evaluation(s.id).map(|e| ("term_evaluations", e.id)));
    }
    t.extend(lk.data.notes.iter().filter(|n| n.cadre_id == c).map(|n| ("dossier_notes", n.id)));
    for n in lk.data.nominations.iter().filter(|n| n.cadre_id == c) {
        t.push(("reserve_nominations", n.id));
        t.extend(lk.data.events.iter().filter(|e| e.nomination_id == n.id).map(|e| ("reserve_events", e.id)));
    }
    t
}

/// The id of a record of the wanted sort.
fn pick(rec: Option<Rec>, want: impl Fn(&Rec) -> bool) -> Option<Id> {
    match rec.filter(|r| want(r))? {
        Rec::Cadre(id)
        | Rec::Review(id)
        | Rec::Pair(id)
        | Rec::Secondment(id)
        | Rec::Nomination(id)
        | Rec::Candidate(id)
        | Rec::Batch(id)
        | Rec::Unit(id) => Some(id),
    }
}
