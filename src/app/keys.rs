//! Keys are data: one table of (keys, action, Chinese label, English label, context) that the
//! key handling, the footer key bar and the `?` help popup all read, so they cannot drift apart.

use super::action::{Action, FrameInfo, Tab};
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
    /// Only on the 考核 Reviews tab.
    Reviews,
    /// Only on the 概览 Overview tab.
    Overview,
    Search,
    Dossier,
    Help,
}

impl Context {
    pub fn zh(self) -> &'static str {
        match self {
            Context::Always | Context::Global => "全局",
            Context::Tabs => "标签页",
            Context::List => "列表",
            Context::Reviews => "考核页筛选",
            Context::Overview => "概览页",
            Context::Search => "搜索输入",
            Context::Dossier => "档案",
            Context::Help => "帮助",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Context::Always | Context::Global => "Everywhere",
            Context::Tabs => "Tabs",
            Context::List => "Lists",
            Context::Reviews => "Reviews tab filters",
            Context::Overview => "Overview tab",
            Context::Search => "Typing a search",
            Context::Dossier => "Dossier",
            Context::Help => "Help",
        }
    }
}

/// One key: a code and the modifiers it needs (Shift is ignored for characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn c(ch: char) -> Key {
    Key { code: KeyCode::Char(ch), ctrl: false }
}

const fn ctrl(ch: char) -> Key {
    Key { code: KeyCode::Char(ch), ctrl: true }
}

/// Stands for "any text typed" in the help (never matches a key event).
const TEXT: Key = Key { code: KeyCode::Null, ctrl: false };

impl Key {
    fn matches(&self, ev: &KeyEvent) -> bool {
        let has_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let has_alt = ev.modifiers.contains(KeyModifiers::ALT);
        self.code != KeyCode::Null && self.code == ev.code && self.ctrl == has_ctrl && !has_alt
    }

    /// How the key is written in the bar and the help.
    pub fn label(&self, ascii: bool, zh: bool) -> String {
        let name = match self.code {
            KeyCode::Null => return if zh { "文字".into() } else { "text".into() },
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(ch) if self.ctrl => return format!("Ctrl-{}", ch.to_ascii_uppercase()),
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
    /// Shown in the footer bar (everything is shown in the help).
    pub bar: bool,
}

const fn b(
    context: Context,
    keys: &'static [Key],
    action: Action,
    zh: &'static str,
    en: &'static str,
    bar: bool,
) -> Binding {
    Binding { keys, action, zh, en, context, bar }
}

use Context::*;
use KeyCode::{BackTab, Backspace, Down, End, Enter, Esc, Home, PageDown, PageUp, Up};

pub static BINDINGS: &[Binding] = &[
    b(Global, &[c('?')], Action::OpenHelp, "帮助", "help", true),
    b(Global, &[c('R')], Action::Reload, "重新读取数据库", "reload the database", false),
    b(Global, &[c('q')], Action::Quit, "退出", "quit", true),
    b(Always, &[ctrl('c')], Action::Quit, "退出", "quit", false),
    b(Tabs, &[k(KeyCode::Tab)], Action::NextTab, "切换标签", "next tab", true),
    b(Tabs, &[k(BackTab)], Action::PrevTab, "上一个标签", "previous tab", false),
    b(Tabs, &[c('1')], Action::GoTab(Tab::Cadres), "干部", "Cadres", false),
    b(Tabs, &[c('2')], Action::GoTab(Tab::Pairs), "互派", "Pairs", false),
    b(Tabs, &[c('3')], Action::GoTab(Tab::Reviews), "考核", "Reviews", false),
    b(Tabs, &[c('4')], Action::GoTab(Tab::Reserve), "后备", "Reserve", false),
    b(Tabs, &[c('5')], Action::GoTab(Tab::Overview), "概览", "Overview", false),
    b(List, &[c('/')], Action::StartSearch, "搜索", "search", true),
    b(List, &[k(Enter)], Action::Open, "档案", "dossier", true),
    b(List, &[c('s')], Action::CycleSort, "排序", "sort", true),
    b(List, &[c('S'), c('r')], Action::ReverseSort, "反向", "reverse", false),
    b(List, &[k(Esc)], Action::ClearSearch, "清除搜索", "clear the search", false),
    b(List, &[c('j'), k(Down)], Action::Down, "下一行", "next row", false),
    b(List, &[c('k'), k(Up)], Action::Up, "上一行", "previous row", false),
    b(List, &[k(PageDown), ctrl('f')], Action::PageDown, "下一页", "page down", false),
    b(List, &[k(PageUp), ctrl('b')], Action::PageUp, "上一页", "page up", false),
    b(List, &[c('g'), k(Home)], Action::Top, "第一行", "first row", false),
    b(List, &[c('G'), k(End)], Action::Bottom, "最后一行", "last row", false),
    b(Reviews, &[c('f')], Action::CycleStatus, "状态", "status", true),
    b(Reviews, &[c('t')], Action::CycleKind, "类别", "kind", true),
    b(Reviews, &[c('b')], Action::CycleBatch, "批次", "batch", true),
    b(Reviews, &[c('d')], Action::CycleDistrict, "区", "district", true),
    b(Reviews, &[c('x')], Action::ClearFilters, "清除筛选", "clear filters", false),
    b(Overview, &[k(Enter)], Action::BatchReviews, "该批次的考核", "the batch's reviews", true),
    b(Search, &[k(Enter)], Action::KeepSearch, "确定", "keep", true),
    b(Search, &[k(Esc)], Action::ClearSearch, "清除", "clear", true),
    b(Search, &[k(Down)], Action::Down, "下一行", "next row", false),
    b(Search, &[k(Up)], Action::Up, "上一行", "previous row", false),
    b(Search, &[k(PageDown)], Action::PageDown, "下一页", "page down", false),
    b(Search, &[k(PageUp)], Action::PageUp, "上一页", "page up", false),
    b(
        Search,
        &[TEXT],
        Action::Redraw,
        "拼音、首字母或汉字；姓名、单位、职务",
        "pinyin, initials or characters; names, units, posts",
        false,
    ),
    b(Dossier, &[c('p')], Action::Partner, "互派对象档案", "partner", true),
    b(Dossier, &[k(Esc), k(Backspace)], Action::Back, "返回", "back", true),
    b(Dossier, &[c('j'), k(Down)], Action::Down, "向下滚动", "scroll down", false),
    b(Dossier, &[c('k'), k(Up)], Action::Up, "向上滚动", "scroll up", false),
    b(Dossier, &[k(PageDown), c(' ')], Action::PageDown, "下一页", "page down", false),
    b(Dossier, &[k(PageUp)], Action::PageUp, "上一页", "page up", false),
    b(Dossier, &[c('g'), k(Home)], Action::Top, "顶部", "top", false),
    b(Dossier, &[c('G'), k(End)], Action::Bottom, "底部", "bottom", false),
    b(Help, &[k(Esc), c('?'), c('q')], Action::CloseHelp, "关闭帮助", "close help", true),
    b(Help, &[c('j'), k(Down)], Action::Down, "向下滚动", "scroll down", true),
    b(Help, &[c('k'), k(Up)], Action::Up, "向上滚动", "scroll up", false),
    b(Help, &[k(PageDown), c(' ')], Action::PageDown, "下一页", "page down", false),
    b(Help, &[k(PageUp)], Action::PageUp, "上一页", "page up", false),
    b(Help, &[c('g'), k(Home)], Action::Top, "顶部", "top", false),
    b(Help, &[c('G'), k(End)], Action::Bottom, "底部", "bottom", false),
];

/// The contexts that apply, most specific first.
pub fn contexts(app: &App) -> Vec<Context> {
    if app.help.is_some() {
        return vec![Help, Always];
    }
    match app.mode {
        Mode::Search => vec![Search, Always],
        Mode::Dossier => vec![Dossier, Tabs, Global, Always],
        Mode::List if app.tab == Tab::Reviews => vec![Reviews, List, Tabs, Global, Always],
        Mode::List if app.tab == Tab::Overview => vec![Overview, List, Tabs, Global, Always],
        Mode::List => vec![List, Tabs, Global, Always],
    }
}

/// The bindings in effect, in the order of `contexts`.
pub fn active(app: &App) -> impl Iterator<Item = &'static Binding> {
    let ctx = contexts(app);
    let mut out: Vec<&'static Binding> = Vec::new();
    for c in ctx {
        out.extend(BINDINGS.iter().filter(|b| b.context == c));
    }
    out.into_iter()
}

/// Turns a key press into an action for the current mode.
pub fn map_key(app: &App, ev: &KeyEvent) -> Option<Action> {
    if !matches!(ev.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
        return None;
    }
    if let Some(b) = active(app).find(|b| b.keys.iter().any(|k| k.matches(ev))) {
        return Some(b.action.clone());
    }
    if app.help.is_none() && app.mode == Mode::Search {
        return to_input_request(&Event::Key(*ev)).map(Action::EditSearch);
    }
    None
}

/// Turns any terminal event into an action, using where the last frame put things.
pub fn map_event(app: &App, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(key) => map_key(app, key),
        Event::Paste(text) if app.mode == Mode::Search && app.help.is_none() => Some(Action::Paste(text.clone())),
        Event::Paste(_) => None,
        Event::Mouse(m) => {
            let at = Position::new(m.column, m.row);
            match m.kind {
                MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
                MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
                MouseEventKind::Down(MouseButton::Left) if app.help.is_none() => click(&app.frame, app.mode, at),
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
    fn key_labels() {
        assert_eq!(ctrl('c').label(false, false), "Ctrl-C");
        assert_eq!(k(Up).label(true, false), "Up");
        assert_eq!(k(Up).label(false, false), "↑");
        assert_eq!(k(PageDown).label(false, true), "PgDn");
    }
}
