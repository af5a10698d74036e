//! Boxes over everything: a question, a save conflict, a record's history, a draft on offer,
//! and a form's picker list.

use super::form::input_view;
use super::theme::Theme;
use super::widgets::{cells, centered, clear_margins, wrap};
use crate::app::form::{Form, Opt, Picker};
use crate::app::popup::Popup;
use crate::app::view::TextLine;
use crate::app::App;
use crate::text::{display_safe, pad_marked, truncate_marked};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Draws the popup; returns (lines shown at once, furthest scroll) for the history.
pub fn render(frame: &mut Frame, app: &App, popup: &Popup, theme: &Theme) -> (usize, usize) {
    let screen = frame.area();
    match popup {
        Popup::Confirm(c) => text_box(frame, screen, &c.title, &c.lines, 0, 64, theme),
        Popup::Conflict(c) => text_box(frame, screen, app.t("保存冲突", "Save conflict"), &c.lines, 0, 84, theme),
        Popup::Draft(d) => text_box(frame, screen, app.t("未保存的草稿", "Unsaved draft"), &d.lines, 0, 64, theme),
        Popup::Changes(c) => {
            let lines = app.changes_lines(c);
            text_box(frame, screen, app.t("本窗口的修改", "This window's changes"), &lines, 0, 96, theme)
        }
        // Drawn by `ui::export`, with its caret.
        Popup::Export(_) | Popup::Choose(_) => (0, 0),
        Popup::History(h) => {
            let height = screen.height.saturating_sub(2);
            text_box_sized(frame, screen, &h.title, &h.lines, h.scroll, 96, Some(height), theme)
        }
    }
}

fn text_box(
    frame: &mut Frame,
    screen: Rect,
    title: &str,
    lines: &[TextLine],
    scroll: usize,
    max_w: u16,
    theme: &Theme,
) -> (usize, usize) {
    text_box_sized(frame, screen, title, lines, scroll, max_w, None, theme)
}

/// A titled box of wrapped lines, `max_w` wide at most, as high as its text (or `height`).
#[allow(clippy::too_many_arguments)]
fn text_box_sized(
    frame: &mut Frame,
    screen: Rect,
    title: &str,
    lines: &[TextLine],
    scroll: usize,
    max_w: u16,
    height: Option<u16>,
    theme: &Theme,
) -> (usize, usize) {
    let width = screen.width.saturating_sub(4).min(max_w);
    if width < 8 || screen.height < 4 {
        return (0, 0);
    }
    let text_w = usize::from(width - 4);
    let wrapped: Vec<Line> = lines.iter().flat_map(|l| wrap(l, text_w, theme)).collect();
    let h = height.unwrap_or(wrapped.len() as u16 + 2).min(screen.height.saturating_sub(2)).max(3);
    let area = centered(screen, width, h);
    let title = format!(" {} ", display_safe(title));
    let block =
        Block::default().borders(Borders::ALL).border_set(theme.border_set()).border_style(theme.border()).title(
            Span::styled(truncate_marked(&title, usize::from(width - 2), theme.ascii).into_owned(), theme.title()),
        );
    frame.render_widget(Clear, area);
    clear_margins(frame.buffer_mut(), area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    let page = usize::from(inner.height);
    let total = wrapped.len();
    let max = total.saturating_sub(page);
    let scroll = scroll.min(max);
    frame.render_widget(Paragraph::new(wrapped.into_iter().skip(scroll).take(page).collect::<Vec<_>>()), inner);
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

/// The list a picker field opened: a search line (with the cursor) and the options left.
pub fn render_picker(frame: &mut Frame, body: Rect, form: &Form, theme: &Theme) -> Option<Position> {
    let p = form.picker.as_ref()?;
    let field = form.fields.get(p.field)?;
    let zh = form.zh;
    let title = if zh { format!("选择{}", field.zh) } else { format!("Choose: {}", field.en) };
    render_list(frame, body, &title, p, field.options(), zh, theme)
}

/// A list to choose from (a form's picker, or `b`, `d`, `s` on a list): a filter line with the
/// cursor, the options left, the selection in reverse video.
pub fn render_list(
    frame: &mut Frame,
    body: Rect,
    title: &str,
    p: &Picker,
    opts: &[Opt],
    zh: bool,
    theme: &Theme,
) -> Option<Position> {
    let width = body.width.saturating_sub(4).min(80);
    let height = (p.visible.len() as u16 + 4).clamp(6, body.height.saturating_sub(1).max(6)).min(body.height);
    if width < 20 || height < 5 {
        return None;
    }
    let area = centered(body, width, height);
    let count = format!(" {}/{} ", p.visible.len(), opts.len());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(Span::styled(format!(" {title} "), theme.title()))
        .title_top(Line::from(Span::styled(count, theme.muted())).right_aligned());
    frame.render_widget(Clear, area);
    clear_margins(frame.buffer_mut(), area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    let prompt = if zh { "筛选 " } else { "Filter " };
    let prompt_w = cells(prompt);
    let input_w = usize::from(inner.width.saturating_sub(prompt_w));
    let (shown, caret) = input_view(&p.input, input_w, theme.ascii);
    let pad = input_w.saturating_sub(crate::text::width(&shown));
    let search = Line::from(vec![
        Span::styled(prompt, theme.key()),
        Span::styled(format!("{shown}{}", " ".repeat(pad)), theme.input(true)),
    ]);
    frame.render_widget(Paragraph::new(search), Rect { height: 1, ..inner });
    let list = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    let page = usize::from(list.height);
    let offset = (p.selected + 1).saturating_sub(page);
    let w = usize::from(list.width);
    let mut lines = Vec::new();
    for (row, &i) in p.visible.iter().enumerate().skip(offset).take(page) {
        let o = &opts[i];
        let label_w = crate::text::width(&o.label).min(w);
        let label = pad_marked(&o.label, label_w, theme.ascii);
        let detail = truncate_marked(&o.detail, w.saturating_sub(label_w + 2), theme.ascii).into_owned();
        let used = label_w + if detail.is_empty() { 0 } else { 2 + crate::text::width(&detail) };
        let mut spans = vec![Span::raw(label)];
        if !detail.is_empty() {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(detail, theme.muted()));
        }
        spans.push(Span::raw(" ".repeat(w.saturating_sub(used))));
        let mut line = Line::from(spans);
        if row == p.selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    if p.visible.is_empty() {
        lines.push(Line::from(Span::styled(if zh { "没有相符的" } else { "nothing matches" }, theme.muted())));
    }
    frame.render_widget(Paragraph::new(lines), list);
    let x = (inner.x + prompt_w + caret as u16).min(inner.right().saturating_sub(1));
    Some(Position::new(x, inner.y))
}
