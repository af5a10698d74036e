//! A form's life: keys in it and in its picker, saving, questions, drafts on offer, the
//! history and undo popups. What the store answers to a save is in `reply.rs`.

use super::action::{DraftAct, Effect, FormAct, PickAct};
use super::form::{self, Form, FormKind};
use super::popup::{Confirm, DraftOffer, HistoryView, OnYes, Popup, Request};
use super::view::history::history_lines;
use super::view::{Lookup, TextLine, Tone};
use super::App;
use crate::draft::Draft;
use crate::lang::Lang;
use crate::store::AuditEntry;

pub(super) fn line(text: String, tone: Tone) -> TextLine {
    TextLine { spans: vec![(text, tone)], indent: 0 }
}

impl App {
    /// The form and the lookup together (they borrow different parts of the app).
    pub(super) fn with_form<T>(&mut self, f: impl FnOnce(&mut Form, &Lookup) -> T) -> Option<T> {
        let lk = Lookup {
            data: &self.data,
            ix: &self.index,
            today: self.today,
            lang: self.opts.lang,
            ascii: self.opts.ascii,
        };
        self.form.as_mut().map(|form| f(form, &lk))
    }

    pub(super) fn words(&self, zh: String, en: String) -> String {
        match self.opts.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub(super) fn open_form(&mut self, kind: FormKind) {
        match form::build(&self.lookup(), &kind) {
            Ok(f) => self.form = Some(f),
            Err(m) => self.status = Some((Tone::Warning, m)),
        }
    }

    pub(super) fn form_act(&mut self, a: FormAct) -> Effect {
        let Some(form) = &mut self.form else { return Effect::None };
        let changed = match a {
            FormAct::Next => {
                form.go(1);
                true
            }
            FormAct::Prev => {
                form.go(-1);
                true
            }
            FormAct::Left => form.step(false),
            FormAct::Right => form.step(true),
            FormAct::Input(req) => form.edit(req),
            FormAct::Paste(text) => form.paste(&text),
            // A list field that does not yet name one of its records opens its list; once it
            // does, Enter saves like everywhere else (so "Enter, Enter" picks and saves).
            FormAct::Enter if form.focused().is_some_and(|f| f.is_pick() && f.named().is_none()) => {
                form.open_picker();
                false
            }
            // Enter saves everywhere; a line break is Alt-Enter, as in an Excel cell.
            FormAct::NewLine if form.focused().is_some_and(|f| f.multiline) => {
                form.edit(tui_input::InputRequest::InsertChar('\n'))
            }
            FormAct::NewLine => false,
            FormAct::Enter | FormAct::Save => return self.save(),
            FormAct::Cancel if form.dirty() => {
                let title = self.t("放弃未保存的修改？", "Discard your changes?").to_string();
                let text = self
                    .t("y 放弃修改 · n 或 Esc 继续编辑", "y discards them · n or Esc keeps editing")
                    .replace(" · ", self.lookup().dot());
                self.popup =
                    Some(Popup::Confirm(Confirm { title, lines: vec![line(text, Tone::Normal)], yes: OnYes::Discard }));
                false
            }
            FormAct::Cancel => {
                self.close_form();
                false
            }
        };
        if changed {
            self.with_form(|f, lk| f.recompute(lk));
        }
        if self.requests.is_empty() {
            Effect::Redraw
        } else {
            Effect::Store
        }
    }

    pub(super) fn close_form(&mut self) {
        if self.form.take().is_some_and(|f| f.from_draft) {
            self.requests.push(Request::DeleteDraft);
        }
    }

    pub(super) fn pick_act(&mut self, a: PickAct) {
        let Some(form) = &mut self.form else { return };
        let Some(p) = &mut form.picker else { return };
        let opts = form.fields.get(p.field).map(|f| f.options().to_vec()).unwrap_or_default();
        match a {
            PickAct::Up => p.move_by(-1),
            PickAct::Down => p.move_by(1),
            PickAct::PageUp => p.move_by(-10),
            PickAct::PageDown => p.move_by(10),
            PickAct::Input(req) => p.edit(req, &opts),
            PickAct::Paste(text) => p.paste(&text, &opts),
            PickAct::Cancel => form.picker = None,
            PickAct::Choose => {
                if form.pick() {
                    self.with_form(|f, lk| f.recompute(lk));
                }
            }
        }
    }

    /// Checks the whole form; when it is valid, asks the store to write it.
    fn save(&mut self) -> Effect {
        let Some(result) = self.with_form(form::command) else { return Effect::None };
        match result {
            Some(cmd) => {
                let saving =
                    self.t("正在保存…（数据库忙时最多等 5 秒）", "Saving… (up to 5 s if the database is busy)");
                if let Some(f) = &mut self.form {
                    f.message = Some((Tone::Muted, saving.into()));
                }
                self.saving = self.form.as_ref().map(Form::saved_title);
                self.requests.push(Request::Write(cmd));
                Effect::Store
            }
            None => Effect::Redraw,
        }
    }

    pub(super) fn answer(&mut self, yes: bool) -> Effect {
        let Some(Popup::Confirm(c)) = self.popup.take() else { return Effect::None };
        if !yes {
            return Effect::Redraw;
        }
        match c.yes {
            OnYes::Discard => {
                self.close_form();
                self.status = Some((Tone::Muted, self.t("已放弃修改", "changes discarded").into()));
                if self.requests.is_empty() {
                    Effect::Redraw
                } else {
                    Effect::Store
                }
            }
            OnYes::Run(cmd) => {
                self.status = Some((Tone::Muted, self.t("正在保存…", "Saving…").into()));
                self.saving = Some(c.title.trim_end_matches(['？', '?']).to_string());
                self.requests.push(Request::Write(cmd));
                Effect::Store
            }
        }
    }

    pub(super) fn offer_draft(&mut self, draft: Draft) {
        let title = crate::text::display_safe(&draft.title).into_owned();
        let lines = vec![
            line(
                self.words(
                    format!("{} 有一份未保存的表单：", draft.saved_at),
                    format!("A form left unsaved at {}:", draft.saved_at),
                ),
                Tone::Normal,
            ),
            line(format!("  {title}"), Tone::Heading),
            TextLine::default(),
            line(
                self.t("r 恢复到表单 · d 丢弃 · Esc 以后再说", "r restore it · d discard it · Esc decide later")
                    .replace(" · ", self.lookup().dot()),
                Tone::Label,
            ),
        ];
        self.popup = Some(Popup::Draft(DraftOffer { draft, lines }));
    }

    pub(super) fn draft_act(&mut self, a: DraftAct) -> Effect {
        let Some(Popup::Draft(offer)) = self.popup.take() else { return Effect::None };
        let d = offer.draft;
        match a {
            DraftAct::Later => {
                self.status =
                    Some((Tone::Muted, self.t("草稿保留，下次启动时再询问", "the draft is kept for next time").into()))
            }
            DraftAct::Discard => {
                self.requests.push(Request::DeleteDraft);
                self.status = Some((Tone::Muted, self.t("已丢弃草稿", "draft discarded").into()));
                return Effect::Store;
            }
            DraftAct::Restore => match form::build(&self.lookup(), &d.kind) {
                Err(m) => {
                    self.status = Some((
                        Tone::Error,
                        self.words(
                            format!("不能恢复草稿：{m}（草稿保留）"),
                            format!("cannot restore the draft: {m} (kept)"),
                        ),
                    ))
                }
                Ok(mut f) => {
                    for (key, value) in &d.values {
                        if let Some(field) = f.get_mut(key) {
                            field.set(value);
                            field.touched = true;
                        }
                    }
                    for (key, value) in &d.initial {
                        if let Some(field) = f.get_mut(key) {
                            field.initial = value.clone();
                        }
                    }
                    f.version = d.version;
                    f.from_draft = true;
                    f.message = Some((
                        Tone::Warning,
                        self.words(
                            format!("已恢复 {} 未保存的表单：按 Enter 保存", d.saved_at),
                            format!("Restored the form left at {}: Enter saves it", d.saved_at),
                        ),
                    ));
                    self.form = Some(f);
                    self.with_form(|f, lk| f.recompute(lk));
                }
            },
        }
        Effect::Redraw
    }

    pub(super) fn history_loaded(&mut self, title: String, entries: Vec<AuditEntry>) {
        let lines = history_lines(&self.lookup(), &entries);
        self.popup = Some(Popup::History(HistoryView { title, lines, scroll: 0 }));
    }

    pub(super) fn undo_peek(&mut self, last: Option<(AuditEntry, usize)>) {
        let Some((e, rows)) = last else {
            self.say_nothing_to_undo();
            return;
        };
        let title = self.t("撤销本窗口的上一次修改？", "Undo your last change?").to_string();
        self.confirm_undo(title, &e, rows, OnYes::Run(super::operation::Operation::Undo));
    }

    /// The question before an undo: the change (`rows` rows in its save), and y / n.
    pub(super) fn confirm_undo(&mut self, title: String, e: &AuditEntry, rows: usize, yes: OnYes) {
        let mut lines = history_lines(&self.lookup(), std::slice::from_ref(e));
        lines.truncate(8);
        if rows > 1 {
            lines.push(line(
                self.words(
                    format!("（这次保存共改了 {rows} 行，全部撤销）"),
                    format!("(that save changed {rows} rows; all are undone)"),
                ),
                Tone::Muted,
            ));
        }
        lines.push(TextLine::default());
        let keys =
            self.t("y 撤销 · n 或 Esc 取消", "y undoes it · n or Esc keeps it").replace(" · ", self.lookup().dot());
        lines.push(line(keys, Tone::Label));
        self.popup = Some(Popup::Confirm(Confirm { title, lines, yes }));
    }
}
