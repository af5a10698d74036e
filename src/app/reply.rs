//! What the store answered to a write: saved (read the data again, keep the selection),
//! undone, or not written (busy, disk full, refused, a colleague first). A conflict shows what
//! the colleague changed and lets the user reload or re-apply; the form is never lost.

use super::action::{ConflictAct, Effect, Tab};
use super::flow::line;
use super::form::{self, FormKind};
use super::operation::{Failure, Outcome};
use super::popup::{AfterLoad, ConflictView, Popup};
use super::view::history::{change_lines, local_time, record_words, table_words};
use super::view::{Rec, TextLine, Tone};
use super::App;
use crate::lang::Lang;

impl App {
    pub(super) fn saved(&mut self, result: Result<Outcome, Failure>) -> Effect {
        let what = self.saving.take().unwrap_or_default();
        if let Some(f) = &mut self.form {
            f.message = None;
        }
        match result {
            Ok(Outcome::Saved(id)) => {
                let kind = self.form.as_ref().map(|f| f.kind.clone());
                self.close_form();
                self.popup = None;
                let target = match (kind, id) {
                    (Some(FormKind::AddCadre), Some(id)) => Some((Tab::Cadres, Rec::Cadre(id))),
                    (Some(FormKind::AddUnit), Some(id)) => Some((Tab::Units, Rec::Unit(id))),
                    (Some(FormKind::AddBatch), Some(id)) => Some((Tab::Overview, Rec::Batch(id))),
                    (Some(FormKind::Admit { .. }), Some(id)) => Some((Tab::Reserve, Rec::Nomination(id))),
                    _ => None,
                };
                self.after_load = target.map(|(tab, rec)| AfterLoad::Select(tab, rec));
                self.status = Some((Tone::Good, self.words(format!("已保存：{what}"), format!("Saved: {what}"))));
                self.reread()
            }
            Ok(Outcome::Undone(Some(u))) => {
                let lk = self.lookup();
                let text = self.words(
                    format!("已撤销：{} {}（{} 行）", local_time(&u.at), table_words(&lk, &u.table), u.rows),
                    format!(
                        "Undone: your change of {} at {} ({})",
                        table_words(&lk, &u.table),
                        local_time(&u.at),
                        crate::lang::count(u.rows, "row", "rows")
                    ),
                );
                self.status = Some((Tone::Good, text));
                self.reread()
            }
            Ok(Outcome::Undone(None)) => {
                self.say_nothing_to_undo();
                Effect::Redraw
            }
            Err(f) => self.failed(f),
        }
    }

    fn failed(&mut self, f: Failure) -> Effect {
        let text = match &f {
            Failure::Busy => self.t(
                "数据库正忙（同事正在保存），等了 5 秒仍未成功；未保存。内容都在，稍后再按 Enter。",
                "The database stayed busy for 5 s (a colleague is saving); nothing was saved. Press Enter to try again.",
            )
            .to_string(),
            Failure::Full => self.t(
                "磁盘已满，未保存。内容都在：腾出空间后再按 Enter。",
                "The disk is full; nothing was saved. Your typing is kept: free some space and press Enter again.",
            )
            .to_string(),
            Failure::ReadOnly(why) => {
                let why = why.get(self.opts.lang);
                self.words(format!("只读（{why}）：未保存"), format!("read-only ({why}): nothing was saved"))
            }
            Failure::NotFound(m) => {
                let m = m.get(self.opts.lang);
                self.words(format!("未保存：{m}"), format!("nothing was saved: {m}"))
            }
            Failure::InUse(what) => {
                let what = what.get(self.opts.lang);
                self.words(format!("不能删除：{what}"), format!("cannot delete: {what}"))
            }
            Failure::Invalid { field, message } => {
                let label = crate::store::field_label(field);
                format!("{}{}{}", label.get(self.opts.lang), self.t("：", ": "), message.get(self.opts.lang))
            }
            Failure::Other(m) => {
                let m = m.get(self.opts.lang);
                self.words(format!("未保存：{m}"), format!("nothing was saved: {m}"))
            }
            Failure::Conflict { table, id, .. } => {
                let lk = self.lookup();
                let t = table_words(&lk, table);
                let which = record_words(&lk, table, *id).unwrap_or_else(|| format!("#{id}"));
                self.words(
                    format!("同事已修改{t}“{which}”，未保存"),
                    format!("a colleague changed this {t} ({which}); nothing was saved"),
                )
            }
        };
        let Some(form) = &mut self.form else {
            self.status = Some((Tone::Error, text));
            // What failed may have changed under us: show the data as it is now.
            return if matches!(f, Failure::Conflict { .. }) { self.reread() } else { Effect::Redraw };
        };
        match f {
            Failure::Invalid { field, message } => form.set_error(&field, message.get(self.opts.lang).to_string()),
            Failure::Conflict { table, who, at, changes, deleted, .. } => {
                form.message = Some((Tone::Error, text));
                self.popup = Some(Popup::Conflict(self.conflict_view(&table, who, at, &changes, deleted)));
            }
            _ => form.message = Some((Tone::Error, text)),
        }
        Effect::Redraw
    }

    fn conflict_view(
        &self,
        table: &str,
        who: Option<String>,
        at: Option<String>,
        changes: &[crate::store::Change],
        deleted: bool,
    ) -> ConflictView {
        let lk = self.lookup();
        let who = crate::text::display_safe(&who.unwrap_or_else(|| self.t("同事", "a colleague").into())).into_owned();
        let at = at.map(|a| local_time(&a)).unwrap_or_default();
        let mut lines = vec![line(
            match (self.opts.lang, deleted) {
                (Lang::Zh, false) => format!("{who} 于 {at} 保存了这条记录，你的修改尚未保存。他改了："),
                (Lang::Zh, true) => format!("{who} 于 {at} 删除了这条记录，你的修改尚未保存。"),
                (Lang::En, false) => format!("{who} saved this record at {at}; yours is not saved. They changed:"),
                (Lang::En, true) => format!("{who} deleted this record at {at}; yours is not saved."),
            },
            Tone::Warning,
        )];
        if changes.is_empty() && !deleted {
            lines.push(line(self.t("  （表单以外的内容）", "  (things outside this form)").into(), Tone::Muted));
        }
        lines.extend(change_lines(&lk, table, changes, 2));
        lines.push(TextLine::default());
        let keys = [
            ("r", self.t("重新读取：放弃你的修改，显示同事的版本", "reload: drop your edits, show their version")),
            (
                "a",
                self.t(
                    "重新应用：把你的修改放在同事的版本上，检查后保存",
                    "re-apply: your edits on top of theirs, then save",
                ),
            ),
            ("Esc", self.t("返回表单（内容不变）", "back to the form as it is")),
        ];
        for (k, text) in keys {
            lines.push(TextLine {
                spans: vec![(format!("{k:<4}"), Tone::Label), (text.into(), Tone::Normal)],
                indent: 4,
            });
        }
        ConflictView { lines }
    }

    pub(super) fn conflict_act(&mut self, a: ConflictAct) -> Effect {
        self.popup = None;
        let Some(form) = &self.form else { return Effect::Redraw };
        let mine = match a {
            ConflictAct::Back => return Effect::Redraw,
            ConflictAct::Reload => None,
            ConflictAct::Reapply => Some(
                form.fields.iter().map(|f| (f.key.to_string(), f.value().to_string(), f.initial.clone())).collect(),
            ),
        };
        self.after_load = Some(AfterLoad::Reopen { kind: form.kind.clone(), mine });
        self.reread()
    }

    /// After a save (or a conflict): the lists take in what changed, the window is read again.
    pub(super) fn reread(&mut self) -> Effect {
        self.requests.push(super::popup::Request::Refresh);
        self.window_stale = true;
        Effect::Store
    }

    pub(super) fn after_load(&mut self, next: AfterLoad) {
        match next {
            AfterLoad::Select(tab, rec) => {
                if !self.select_rec(tab, rec) {
                    // A search or a filter hides the new record: clear them, and say so, rather
                    // than leave the selection (and the next key) on someone else.
                    let list = &mut self.lists[tab.index()];
                    let archived = list.filters.show_archived;
                    list.input.reset();
                    list.take_query();
                    list.filters = super::list::Filters { show_archived: archived, ..Default::default() };
                    self.refresh_tab(tab);
                    if self.select_rec(tab, rec) {
                        let text = self.t(
                            "已清除搜索和筛选，以显示刚保存的记录",
                            "search and filters cleared to show the record just saved",
                        );
                        self.status = Some((Tone::Warning, text.into()));
                    }
                }
            }
            AfterLoad::Reopen { kind, mine } => {
                let zh = self.opts.lang == Lang::Zh;
                let built = form::build(&self.lookup(), &kind);
                let mut fresh = match built {
                    Ok(f) => f,
                    Err(m) => {
                        if let Some(f) = &mut self.form {
                            f.message = Some((Tone::Error, m));
                        }
                        return;
                    }
                };
                fresh.from_draft = self.form.as_ref().is_some_and(|f| f.from_draft);
                let reapplied = mine.is_some();
                for (key, value, initial) in mine.into_iter().flatten().filter(|(_, v, i)| v != i) {
                    if let Some(f) = fresh.get_mut(&key) {
                        if f.initial != initial && f.initial != value {
                            let theirs = f.initial.clone();
                            f.notice = Some(form::field::say(
                                zh,
                                format!("同事改为“{theirs}”，保留了你的输入"),
                                format!("they had '{theirs}'; yours is kept"),
                            ));
                        }
                        f.set(&value);
                        f.touched = true;
                    }
                }
                fresh.message = Some(if reapplied {
                    (
                        Tone::Warning,
                        self.t(
                            "你的修改已放在同事的版本上：检查后按 Enter 保存",
                            "Your edits are on top of theirs: check, then Enter saves",
                        )
                        .into(),
                    )
                } else {
                    (Tone::Muted, self.t("显示的是同事保存的版本", "This is their saved version").into())
                });
                self.form = Some(fresh);
                self.with_form(|f, lk| f.recompute(lk));
            }
        }
    }
}
