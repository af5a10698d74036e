//! Undo per window: `u` asks about this window's last change (`flow::undo_peek`); `U` lists
//! every change this window saved, newest first, to choose one. Colleagues who share an OS
//! account are other windows, so their changes are never offered; undoing a change someone
//! built on since is refused by the store, as for `u`.

use super::action::{ChangesAct, Effect};
use super::flow::line;
use super::operation::Operation;
use super::popup::{ChangesView, OnYes, Popup};
use super::view::history::{entry_words, local_time};
use super::view::{TextLine, Tone};
use super::App;
use crate::store::OwnChange;

impl App {
    pub(super) fn own_changes(&mut self, list: Vec<OwnChange>) {
        if list.is_empty() {
            self.say_nothing_to_undo();
            return;
        }
        let selected = list.iter().position(|c| !c.undone).unwrap_or(0);
        self.popup = Some(Popup::Changes(ChangesView { list, selected }));
    }

    pub(super) fn say_nothing_to_undo(&mut self) {
        let text = self.t("本窗口没有你可以撤销的修改", "nothing of yours to undo in this window");
        self.status = Some((Tone::Warning, text.into()));
    }

    pub(super) fn changes_act(&mut self, a: ChangesAct) -> Effect {
        let Some(Popup::Changes(view)) = self.popup.take() else { return Effect::Redraw };
        if a == ChangesAct::Close {
            return Effect::Redraw;
        }
        let Some(chosen) = view.list.get(view.selected).cloned() else { return Effect::Redraw };
        if chosen.undone {
            self.status = Some((Tone::Warning, self.t("这次修改已撤销", "that change is undone already").into()));
            self.popup = Some(Popup::Changes(view));
            return Effect::Redraw;
        }
        let title = self.t("撤销这次修改？", "Undo this change?").to_string();
        let yes = OnYes::Run(Operation::UndoChange { op: chosen.first.op });
        self.confirm_undo(title, &chosen.first, chosen.rows, yes);
        Effect::Redraw
    }

    /// The list's lines: the chosen one marked, undone ones dimmed and said so.
    pub fn changes_lines(&self, view: &ChangesView) -> Vec<TextLine> {
        let lk = self.lookup();
        let mut out = vec![line(
            self.t("本窗口保存的修改，最新的在前：", "This window's changes, newest first:").into(),
            Tone::Muted,
        )];
        // A long session: the changes around the chosen one, so it stays on an 80×24 screen.
        const SHOWN: usize = 12;
        let from = view.selected.saturating_sub(SHOWN - 1);
        let more = |n: usize| line(self.words(format!("  …另有 {n} 项"), format!("  … {n} more")), Tone::Muted);
        if from > 0 {
            out.push(more(from));
        }
        for (i, c) in view.list.iter().enumerate().skip(from).take(SHOWN) {
            let mark = if i == view.selected { "› " } else { "  " };
            let mut what = entry_words(&lk, &c.first);
            if c.rows > 1 {
                what.push_str(&self.words(format!("（共 {} 行）", c.rows), format!(" ({} rows)", c.rows)));
            }
            if c.undone {
                what.push_str(self.t("（已撤销）", " (undone)"));
            }
            let tone = match (c.undone, i == view.selected) {
                (true, _) => Tone::Muted,
                (false, true) => Tone::Heading,
                (false, false) => Tone::Normal,
            };
            out.push(TextLine {
                spans: vec![
                    (mark.into(), Tone::Label),
                    (format!("{}  ", local_time(&c.first.at)), Tone::Label),
                    (what, tone),
                ],
                indent: 4,
            });
        }
        let after = view.list.len().saturating_sub(from + SHOWN);
        if after > 0 {
            out.push(more(after));
        }
        out.push(TextLine::default());
        let arrows = if self.opts.ascii { "Up/Down" } else { "↑/↓" };
        let keys = self
            .words(
                format!("Enter 撤销所选 · {arrows} 选择 · Esc 关闭"),
                format!("Enter undoes the chosen one · {arrows} choose · Esc closes"),
            )
            .replace(" · ", lk.dot());
        out.push(line(keys, Tone::Label));
        out
    }
}
