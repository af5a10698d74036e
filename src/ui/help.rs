//! The footer key bar and the `?` help popup, both read from the keys in effect
//! (`app::keys::BINDINGS`, with the settings file's remaps: `Display::keys`).

use super::theme::Theme;
use super::widgets::{cells, centered, wrap};
use crate::app::keys::{self, Binding, Context};
use crate::app::view::{TextLine, Tone};
use crate::app::{Action, App};
use crate::lang::Lang;
use crate::text::pad_marked;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

fn label(app: &App, b: &Binding) -> &'static str {
    app.t(b.zh, b.en)
}

/// With `--ascii`, the arrows in a description spelt out (`←` and `→` have an ambiguous width).
fn plain_arrows(text: &str, ascii: bool) -> String {
    if ascii {
        text.replace('←', "Left").replace('→', "Right").replace('↑', "Up").replace('↓', "Down")
    } else {
        text.to_string()
    }
}

/// The bar's items for the current mode: (key, what it does).
pub fn bar_items(app: &App) -> Vec<(String, &'static str)> {
    let zh = app.opts.lang == Lang::Zh;
    let mut items: Vec<(String, &'static str)> = Vec::new();
    // A key a more specific context binds is that binding's, shown or not: the bar never
    // offers what the key would not do (Enter on the Units tab is not "dossier").
    let mut taken: Vec<String> = Vec::new();
    for (b, bound) in keys::active(app) {
        let key = bound[0].label(app.opts.ascii, zh);
        if b.bar && !taken.contains(&key) {
            items.push((key, b.bar_label(zh)));
        }
        taken.extend(bound.iter().map(|k| k.label(app.opts.ascii, zh)));
    }
    items
}

/// The keys the bar always keeps: help (as remapped: every key is there) and Esc.
fn kept_keys(app: &App) -> Vec<String> {
    let zh = app.opts.lang == Lang::Zh;
    let mut kept = vec!["Esc".to_string()];
    for (b, bound) in app.opts.keys.bindings() {
        if b.context == Context::Global && matches!(b.action, Action::OpenHelp) {
            kept.extend(bound.first().map(|k| k.label(app.opts.ascii, zh)));
        }
    }
    kept
}

/// The key bar: the context's own keys first, as many as fit, dropped from the end; help (every
/// key) always stays, and `Esc` where it leaves something.
pub fn render_bar(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let mut items = bar_items(app);
    let kept = kept_keys(app);
    let item_w = |(k, l): &(String, &str)| cells(k).saturating_add(1).saturating_add(cells(l)).saturating_add(2);
    // The last item's two spaces after it need not fit, nor the margin before the first.
    let total = |items: &[(String, &str)]| items.iter().map(item_w).fold(0u16, u16::saturating_add).saturating_sub(2);
    let keep = |(k, _): &(String, &str)| kept.contains(k);
    while total(&items) > area.width {
        match items.iter().rposition(|i| !keep(i)) {
            Some(i) => {
                items.remove(i);
            }
            None => {
                items.pop();
            }
        }
    }
    let margin = if total(&items) < area.width { " " } else { "" };
    let mut spans = vec![Span::raw(margin)];
    for (k, l) in items {
        spans.push(Span::styled(k, theme.key()));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(l, theme.muted()));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Every binding, grouped by context, with a short legend of the colours: the help text.
pub fn help_lines(app: &App) -> Vec<TextLine> {
    let zh = app.opts.lang == Lang::Zh;
    let t = |zh, en| app.t(zh, en);
    let mut out = Vec::new();
    let line = |spans: Vec<(String, Tone)>, indent| TextLine { spans, indent };
    out.push(line(
        vec![(
            t(
                "挂职干部管理：六个标签页，Enter 打开干部档案。",
                "Secondment programme: six tabs; Enter opens a cadre's dossier.",
            )
            .into(),
            Tone::Normal,
        )],
        0,
    ));
    out.push(line(
        vec![(
            t(
                "修改：各页 a 新增、e 修改（考核页 e 记录结果），档案页有更多；表单里 Enter 保存，Esc 取消。\
                 u 撤销本窗口的上一次修改，U 列出本窗口的修改以选一次撤销，h 查看修改历史（谁、何时、改了什么）。\
                 同事先保存时会显示冲突，不会覆盖。同事的保存一秒内出现在各窗口。",
                "Editing: a adds and e edits on each tab (e records a result on Reviews); the dossier has more. \
                 In a form Enter saves, Esc cancels. u undoes this window's last change, U lists this window's \
                 changes to undo one; h shows who changed what, when. When a colleague saved first you see a \
                 conflict; nothing is overwritten. Colleagues' saves show in every window within a second.",
            )
            .into(),
            Tone::Muted,
        )],
        0,
    ));
    out.push(line(
        vec![
            (t("!逾期", "! overdue").into(), Tone::Overdue),
            (t(" 红色加粗　", " red, bold   ").into(), Tone::Normal),
            (t("今日到期/即将到期", "due today / soon").into(), Tone::DueSoon),
            (t(" 黄色　", " yellow   ").into(), Tone::Normal),
            (t("已完成", "done").into(), Tone::Done),
            (t(" 暗色", " dim").into(), Tone::Normal),
        ],
        2,
    ));
    out.push(line(
        vec![(
            t(
                "考核页默认只显示待办（未完成）的考核；f 切换状态筛选。",
                "The Reviews tab shows pending reviews by default; f cycles the status filter.",
            )
            .into(),
            Tone::Muted,
        )],
        0,
    ));
    out.push(line(
        vec![(
            t(
                "鼠标：点击标签页切换，点击行选择，点击列标题排序（再点反向），滚轮滚动。",
                "Mouse: click a tab, a row, or a column header to sort (again to reverse); the wheel scrolls.",
            )
            .into(),
            Tone::Muted,
        )],
        0,
    ));
    let key_w = 18;
    let mut last: Option<&str> = None;
    for (b, bound) in app.opts.keys.bindings() {
        let heading = if zh { b.context.zh() } else { b.context.en() };
        if b.context == Context::Always {
            // Shown with the global keys.
        } else if last != Some(heading) {
            out.push(TextLine::default());
            out.push(line(vec![(heading.into(), Tone::Heading)], 0));
            last = Some(heading);
        }
        if bound.is_empty() {
            continue;
        }
        let keys: Vec<String> = bound.iter().map(|k| k.label(app.opts.ascii, zh)).collect();
        let keys = pad_marked(&keys.join(" / "), key_w, app.opts.ascii);
        out.push(line(
            vec![(format!("  {keys}"), Tone::Label), (plain_arrows(label(app, b), app.opts.ascii), Tone::Normal)],
            key_w as u16 + 2,
        ));
    }
    out
}

/// The popup, centred over the screen; returns (lines shown at once, furthest scroll).
pub fn render_popup(frame: &mut Frame, app: &App, theme: &Theme, scroll: usize) -> (usize, usize) {
    let screen = frame.area();
    let area = centered(screen, screen.width.saturating_sub(4).min(84), screen.height.saturating_sub(2));
    if area.width < 4 || area.height < 3 {
        return (0, 0);
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(Span::styled(format!(" {} ", app.t("帮助", "Help")), theme.title()));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    super::widgets::clear_margins(frame.buffer_mut(), area);
    frame.render_widget(block, area);
    let inner = Rect { x: inner.x.saturating_add(1), width: inner.width.saturating_sub(2), ..inner };
    let lines: Vec<Line> = help_lines(app).iter().flat_map(|l| wrap(l, usize::from(inner.width), theme)).collect();
    let page = usize::from(inner.height);
    let max = lines.len().saturating_sub(page);
    let scroll = scroll.min(max);
    let total = lines.len();
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(page).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    if max > 0 {
        let pos = format!(" {}-{}/{} ", scroll + 1, (scroll + page).min(total), total);
        let w = cells(&pos);
        if area.width > w + 2 {
            let at = Rect { x: area.right() - w - 1, y: area.bottom() - 1, width: w, height: 1 };
            frame.render_widget(Paragraph::new(Span::styled(pos, theme.muted())), at);
        }
    }
    (page, max)
}
