//! Keys are data: one table of (keys, action, Chinese label, English label, context) that the
//! key handling, the footer key bar and the `?` help popup all read, so they cannot drift apart.
//! The table is in `table.rs`; a settings file's remapped keys are laid over it (`map.rs`, held
//! in `Display::keys`). Here are the contexts, and turning events into actions.

use super::action::{Action, FormAct, FrameInfo, PickAct, Tab};
use super::choose::ChooseAct;
use super::export::ExportAct;
use super::popup::Popup;
use super::{App, Mode};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};
use ratatui::layout::Position;
use tui_input::backend::crossterm::to_input_request;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere, even while typing a search.
    Always,
    /// Everywhere except while typing.
    Global,
    /// Switching tabs (lists and the dossier).
    Tabs,
    List,
    /// One tab's own keys.
    Cadres,
    Pairs,
    Reviews,
    Reserve,
    Overview,
    Units,
    Search,
    Dossier,
    /// Filling in a form.
    Form,
    /// In a form, on a choice (options side by side).
    FormChoice,
    /// In a form, on a list field that does not name a record yet.
    FormPick,
    /// A form's list of units, batches or partners.
    Picker,
    /// A yes/no question.
    Confirm,
    /// A colleague saved first.
    Conflict,
    History,
    /// A draft left from last time.
    Draft,
    /// `E`'s dialog.
    Export,
    /// The list `b`, `d` or `s` opens.
    Choose,
    /// This window's changes, to undo one (`U`).
    Changes,
    Help,
}

impl Context {
    pub fn zh(self) -> &'static str {
        match self {
            Context::Always | Context::Global => "全局",
            Context::Tabs => "标签页",
            Context::List => "列表",
            Context::Cadres => "干部页",
            Context::Pairs => "互派页",
            Context::Reviews => "考核页",
            Context::Reserve => "后备页",
            Context::Overview => "概览页（批次）",
            Context::Units => "单位页",
            Context::Search => "搜索输入",
            Context::Dossier => "档案",
            Context::Form => "表单",
            Context::FormChoice => "表单：选项",
            Context::FormPick => "表单：单位、批次等列表字段",
            Context::Picker => "选择列表",
            Context::Confirm => "确认",
            Context::Conflict => "保存冲突",
            Context::History => "修改历史",
            Context::Draft => "未保存的草稿",
            Context::Export => "导出",
            Context::Choose => "选择批次、区或排序",
            Context::Changes => "本窗口的修改",
            Context::Help => "帮助",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Context::Always | Context::Global => "Everywhere",
            Context::Tabs => "Tabs",
            Context::List => "Lists",
            Context::Cadres => "Cadres tab",
            Context::Pairs => "Pairs tab",
            Context::Reviews => "Reviews tab",
            Context::Reserve => "Reserve tab",
            Context::Overview => "Overview tab (batches)",
            Context::Units => "Units tab",
            Context::Search => "Typing a search",
            Context::Dossier => "Dossier",
            Context::Form => "Forms",
            Context::FormChoice => "Forms: a choice",
            Context::FormPick => "Forms: a unit, batch or partner field",
            Context::Picker => "A form's list",
            Context::Confirm => "Questions",
            Context::Conflict => "Save conflict",
            Context::History => "History",
            Context::Draft => "Unsaved draft",
            Context::Export => "Export",
            Context::Choose => "Choosing a batch, district or sort",
            Context::Changes => "This window's changes",
            Context::Help => "Help",
        }
    }
}

/// One key: a code and the modifiers it needs (Shift is ignored for characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

const fn k(code: KeyCode) -> Key {
    Key { code, ctrl: false, alt: false }
}

const fn c(ch: char) -> Key {
    Key { code: KeyCode::Char(ch), ctrl: false, alt: false }
}

const fn ctrl(ch: char) -> Key {
    Key { code: KeyCode::Char(ch), ctrl: true, alt: false }
}

const fn alt(code: KeyCode) -> Key {
    Key { code, ctrl: false, alt: true }
}

/// Stands for "any text typed" in the help (never matches a key event).
const TEXT: Key = Key { code: KeyCode::Null, ctrl: false, alt: false };

impl Key {
    /// A plain character: where one types into a field, it types itself.
    pub fn types(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        let has_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let has_alt = ev.modifiers.contains(KeyModifiers::ALT);
        self.code != KeyCode::Null && self.code == ev.code && self.ctrl == has_ctrl && self.alt == has_alt
    }

    /// How the key is written in the bar and the help.
    pub fn label(&self, ascii: bool, zh: bool) -> String {
        let name = match self.code {
            KeyCode::Null => return if zh { "文字".into() } else { "text".into() },
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(ch) if self.ctrl => return format!("Ctrl-{}", ch.to_ascii_uppercase()),
            _ if self.alt => return format!("Alt-{}", Key { alt: false, ..*self }.label(ascii, zh)),
            KeyCode::Char(ch) => ch.to_string(),
            KeyCode::Up => (if ascii { "Up" } else { "↑" }).into(),
            KeyCode::Down => (if ascii { "Down" } else { "↓" }).into(),
            KeyCode::Left => (if ascii { "Left" } else { "←" }).into(),
            KeyCode::Right => (if ascii { "Right" } else { "→" }).into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            other => other.to_string(),
        };
        name
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub zh: &'static str,
    pub en: &'static str,
    pub context: Context,
    /// Shown in the footer bar (everything is shown in the help). Within a context the table
    /// lists keys most important first: a narrow bar drops the last ones.
    pub bar: bool,
    /// What the bar says when the help's words are too long for it (`新增` for `新增干部`).
    pub short: Option<(&'static str, &'static str)>,
}

impl Binding {
    /// The bar's words for the key.
    const fn short(mut self, zh: &'static str, en: &'static str) -> Binding {
        self.short = Some((zh, en));
        self
    }

    /// The label in the bar, in `zh` or English.
    pub fn bar_label(&self, zh: bool) -> &'static str {
        match (self.short, zh) {
            (Some((z, _)), true) => z,
            (Some((_, e)), false) => e,
            (None, true) => self.zh,
            (None, false) => self.en,
        }
    }
}

const fn b(
    context: Context,
    keys: &'static [Key],
    action: Action,
    zh: &'static str,
    en: &'static str,
    bar: bool,
) -> Binding {
    Binding { keys, action, zh, en, context, bar, short: None }
}

mod map;
mod names;
mod table;
pub use map::{parse_key, remap_name, KeyMap, Remap, RemapError};
pub use table::BINDINGS;

use Context::*;

/// The contexts that apply, most specific first. A popup, then a form, take every key.
pub fn contexts(app: &App) -> Vec<Context> {
    if app.help.is_some() {
        return vec![Help, Always];
    }
    match &app.popup {
        Some(Popup::Confirm(_)) => return vec![Confirm, Always],
        Some(Popup::Conflict(_)) => return vec![Conflict, Always],
        Some(Popup::History(_)) => return vec![History, Always],
        Some(Popup::Draft(_)) => return vec![Draft, Always],
        Some(Popup::Export(_)) => return vec![Export, Always],
        Some(Popup::Choose(_)) => return vec![Choose, Always],
        Some(Popup::Changes(_)) => return vec![Changes, Always],
        None => {}
    }
    if let Some(form) = &app.form {
        if form.picker.is_some() {
            return vec![Picker, Always];
        }
        // The field being filled in brings its own keys first.
        return match form.focused() {
            Some(f) if f.is_choice() => vec![FormChoice, Form, Always],
            Some(f) if f.is_pick() && f.named().is_none() => vec![FormPick, Form, Always],
            _ => vec![Form, Always],
        };
    }
    let tab = match app.tab {
        Tab::Cadres => Cadres,
        Tab::Pairs => Pairs,
        Tab::Reviews => Reviews,
        Tab::Reserve => Reserve,
        Tab::Overview => Overview,
        Tab::Units => Units,
    };
    match app.mode {
        Mode::Search => vec![Search, Always],
        Mode::Dossier => vec![Dossier, Tabs, Global, Always],
        Mode::List => vec![tab, List, Tabs, Global, Always],
    }
}

/// Every list of contexts `contexts` can give: in each, a key may do one thing only.
pub(crate) fn context_sets() -> Vec<Vec<Context>> {
    let mut sets: Vec<Vec<Context>> =
        [Help, Confirm, Conflict, History, Changes, Draft, Export, Choose, Picker, Form, Search]
            .into_iter()
            .map(|c| vec![c, Always])
            .collect();
    sets.extend([FormChoice, FormPick].into_iter().map(|c| vec![c, Form, Always]));
    sets.push(vec![Dossier, Tabs, Global, Always]);
    sets.extend(
        [Cadres, Pairs, Reviews, Reserve, Overview, Units].into_iter().map(|t| vec![t, List, Tabs, Global, Always]),
    );
    sets
}

/// The bindings in effect with their keys (remapped ones too), in the order of `contexts`.
/// A binding a remap left without keys is not in effect.
pub fn active(app: &App) -> impl Iterator<Item = (&'static Binding, &[Key])> {
    let ctx = contexts(app);
    let mut out: Vec<(&'static Binding, &[Key])> = Vec::new();
    for c in ctx {
        out.extend(app.opts.keys.bindings().filter(|(b, keys)| b.context == c && !keys.is_empty()));
    }
    out.into_iter()
}

/// Turns a key press into an action for the current mode.
pub fn map_key(app: &App, ev: &KeyEvent) -> Option<Action> {
    if !matches!(ev.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
        return None;
    }
    if let Some((b, _)) = active(app).find(|(_, keys)| keys.iter().any(|k| k.matches(ev))) {
        return Some(b.action.clone());
    }
    let request = || to_input_request(&Event::Key(*ev));
    // The export dialog's file name takes what is typed.
    match &app.popup {
        Some(Popup::Export(_)) => return request().map(|r| Action::ExportDialog(ExportAct::Input(r))),
        Some(Popup::Choose(_)) => return request().map(|r| Action::Choice(ChooseAct::Input(r))),
        _ => {}
    }
    if app.help.is_some() || app.popup.is_some() {
        return None;
    }
    match &app.form {
        Some(f) if f.picker.is_some() => request().map(|r| Action::Pick(PickAct::Input(r))),
        Some(_) => request().map(|r| Action::Form(FormAct::Input(r))),
        None if app.mode == Mode::Search => request().map(Action::EditSearch),
        None => None,
    }
}

/// Turns any terminal event into an action, using where the last frame put things.
pub fn map_event(app: &App, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(key) => map_key(app, key),
        // One paste is one action: a multi-line paste can never press Enter in a form.
        Event::Paste(_) if app.help.is_some() || app.popup.is_some() => None,
        Event::Paste(text) => match &app.form {
            Some(f) if f.picker.is_some() => Some(Action::Pick(PickAct::Paste(text.clone()))),
            Some(_) => Some(Action::Form(FormAct::Paste(text.clone()))),
            None if app.mode == Mode::Search => Some(Action::Paste(text.clone())),
            None => None,
        },
        Event::Mouse(_)
            if app.form.is_some()
                || matches!(app.popup, Some(Popup::Confirm(_) | Popup::Conflict(_) | Popup::Draft(_))) =>
        {
            None
        }
        Event::Mouse(m) => {
            let at = Position::new(m.column, m.row);
            match m.kind {
                MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
                MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
                MouseEventKind::Down(MouseButton::Left) if app.help.is_none() && app.popup.is_none() => {
                    click(&app.frame, app.mode, at)
                }
                _ => None,
            }
        }
        Event::Resize(..) | Event::FocusGained => Some(Action::Redraw),
        Event::FocusLost => None,
    }
}

fn click(frame: &FrameInfo, mode: Mode, at: Position) -> Option<Action> {
    if let Some((_, tab)) = frame.tabs.iter().find(|(r, _)| r.contains(at)) {
        return Some(Action::GoTab(*tab));
    }
    if mode == Mode::Dossier {
        return None;
    }
    if frame.header_y == Some(at.y) {
        let hit = frame.header.iter().find(|(x0, x1, _)| (*x0..*x1).contains(&at.x));
        return hit.map(|(_, _, col)| Action::SortBy(*col));
    }
    if frame.body.contains(at) {
        return Some(Action::ClickRow(usize::from(at.y - frame.body.y)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyCode::{PageDown, Up};

    #[test]
    fn every_binding_has_both_labels_and_a_key() {
        for b in BINDINGS {
            assert!(!b.keys.is_empty() && !b.zh.is_empty() && !b.en.is_empty(), "{}", b.en);
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.context == b.context {
                    for key in a.keys {
                        assert!(!b.keys.contains(key) || *key == TEXT, "{key:?} twice in {:?}", a.context);
                    }
                }
            }
        }
    }

    #[test]
    fn every_context_is_in_a_set_of_active_contexts() {
        use std::collections::HashSet;
        let sets: HashSet<String> = context_sets().into_iter().flatten().map(|c| format!("{c:?}")).collect();
        for b in BINDINGS {
            assert!(sets.contains(&format!("{:?}", b.context)), "{:?}", b.context);
        }
    }

    #[test]
    fn key_labels() {
        assert_eq!(ctrl('c').label(false, false), "Ctrl-C");
        assert_eq!(k(Up).label(true, false), "Up");
        assert_eq!(k(Up).label(false, false), "↑");
        assert_eq!(k(PageDown).label(false, true), "PgDn");
    }
}
