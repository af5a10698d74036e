//! A form, drawn in a box over the body: one line per field (label, then the value), the
//! field's message on the line below it, then what the form works out and the last save's
//! message. At 80×24 a long form scrolls to keep the field being filled in (and its message)
//! in view. The real terminal cursor sits at the caret, measured in display cells.

use super::theme::Theme;
use super::widgets::{cells, centered, clear_margins, wrap};
use crate::app::form::{Field, FieldKind, Form};
use crate::app::view::{TextLine, Tone};
use crate::text::{display_safe, pad_marked, truncate_marked};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use tui_input::Input;
use unicode_width::UnicodeWidthChar;

/// Forms are never wider than this: a wide screen keeps them readable.
const MAX_WIDTH: u16 = 96;

/// A multi-line field shows at most this many rows (those around the caret).
const MAX_ROWS: usize = 4;

/// Draws the form; returns where the caret is (when the focused field takes text).
pub fn render(frame: &mut Frame, body: Rect, form: &Form, theme: &Theme) -> Option<Position> {
    let width = body.width.min(MAX_WIDTH);
    if width < 20 || body.height < 5 {
        return None;
    }
    let zh = form.zh;
    let label_w = form.fields.iter().map(|f| cells(f.label(zh)) + u16::from(f.required)).max().unwrap_or(0) + 1;
    let inner_w = width - 4;
    let value_x = 2 + label_w;
    let value_w = inner_w.saturating_sub(value_x).max(4);
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0;
    let mut caret: Option<(usize, u16)> = None;
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        let mark = if focused { "› " } else { "  " };
        let label = format!("{}{}", f.label(zh), if f.required { "*" } else { "" });
        let label_style = if focused { theme.focused_label() } else { theme.tone(Tone::Label) };
        let mut spans = vec![
            Span::styled(mark, theme.focused_label()),
            Span::styled(pad_marked(&label, usize::from(label_w), theme.ascii), label_style),
        ];
        if f.multiline {
            let (rows, (row, col)) = block_view(f.value(), f.input.cursor(), usize::from(value_w));
            let style = theme.input(focused);
            let start = lines.len();
            // A long text shows the rows around the caret, so the form keeps its other fields.
            let first = if focused { row.saturating_sub(MAX_ROWS - 1) } else { 0 };
            let row = row - first;
            for (r, text) in rows.into_iter().skip(first).take(MAX_ROWS).enumerate() {
                let pad = usize::from(value_w).saturating_sub(crate::text::width(&text));
                if r > 0 {
                    lines.push(Line::from(spans));
                    spans = vec![Span::raw(" ".repeat(usize::from(value_x)))];
                }
                spans.push(Span::styled(text, style));
                spans.push(Span::styled(" ".repeat(pad), style));
            }
            if focused {
                caret = Some((start + row, value_x + col as u16));
            }
        } else {
            let (value, at) = value_spans(f, focused, value_w, zh, theme);
            spans.extend(value);
            if let Some(x) = at.filter(|_| focused) {
                caret = Some((lines.len(), value_x + x));
            }
        }
        lines.push(Line::from(spans));
        let below = match (&f.error, &f.notice) {
            (Some(e), _) => Some((format!("! {e}"), Tone::Error)),
            (None, Some(n)) => Some((format!("{} {n}", theme.dot().trim()), Tone::Warning)),
            (None, None) if focused && f.multiline => {
                let keys = if zh { "Alt-Enter 换行 · Enter 保存" } else { "Alt-Enter new line · Enter saves" };
                Some((keys.replace(" · ", theme.dot()), Tone::Muted))
            }
            _ => None,
        };
        if let Some((text, tone)) = below {
            let line = TextLine { spans: vec![(display_safe(&text).into_owned(), tone)], indent: 2 };
            for l in wrap(&line, usize::from(value_w), theme) {
                let mut spans = vec![Span::raw(" ".repeat(usize::from(value_x)))];
                spans.extend(l.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    let mut tail: Vec<TextLine> = form.notes.clone();
    if let Some((tone, m)) = &form.message {
        tail.push(TextLine { spans: vec![(theme.plain(&display_safe(m)).into_owned(), *tone)], indent: 2 });
    }
    if !tail.is_empty() {
        lines.push(Line::default());
        for t in &tail {
            lines.extend(wrap(t, usize::from(inner_w), theme));
        }
    }
    let total = lines.len();
    let height = (total as u16).saturating_add(2).min(body.height);
    let area = centered(body, width, height);
    let page = usize::from(height.saturating_sub(2));
    // Keep the focused field and the line under it (its message) in view.
    let max = total.saturating_sub(page);
    let offset = (focus_line + 2).saturating_sub(page).min(max);
    let title = format!(" {} ", display_safe(&form.title));
    let block =
        Block::default().borders(Borders::ALL).border_set(theme.border_set()).border_style(theme.border()).title(
            Span::styled(truncate_marked(&title, usize::from(width - 2), theme.ascii).into_owned(), theme.title()),
        );
    frame.render_widget(Clear, area);
    clear_margins(frame.buffer_mut(), area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(page).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    if max > 0 {
        let pos = format!(" {}-{}/{} ", offset + 1, (offset + page).min(total), total);
        let w = cells(&pos);
        if area.width > w + 2 {
            let at = Rect { x: area.right() - w - 1, y: area.bottom() - 1, width: w, height: 1 };
            frame.render_widget(Paragraph::new(Span::styled(pos, theme.muted())), at);
        }
    }
    let (line, x) = caret?;
    let row = line.checked_sub(offset).filter(|r| *r < page)?;
    Some(Position::new((inner.x + x).min(inner.right().saturating_sub(1)), inner.y + row as u16))
}

/// The value part of a field's line, and where the caret goes (cells from its start).
fn value_spans(f: &Field, focused: bool, w: u16, zh: bool, theme: &Theme) -> (Vec<Span<'static>>, Option<u16>) {
    match &f.kind {
        FieldKind::Choice(opts) => {
            (choice_spans(f, opts.iter().map(|o| o.label.as_str()).collect(), focused, w, zh, theme), None)
        }
        _ => {
            let placeholder = match (&f.kind, zh) {
                (FieldKind::Date, _) => "YYYY-MM-DD",
                (FieldKind::Pick { .. }, true) => "输入筛选，Enter 打开列表",
                (FieldKind::Pick { .. }, false) => "type to narrow, Enter lists",
                _ => "",
            };
            let (shown, caret) = input_view(&f.input, usize::from(w), theme.ascii);
            let style = theme.input(focused);
            let mut spans = Vec::new();
            if shown.is_empty() && !placeholder.is_empty() {
                let p = truncate_marked(placeholder, usize::from(w), theme.ascii).into_owned();
                let pad = usize::from(w).saturating_sub(crate::text::width(&p));
                spans.push(Span::styled(p, theme.muted().patch(style)));
                spans.push(Span::styled(" ".repeat(pad), style));
            } else {
                let pad = usize::from(w).saturating_sub(crate::text::width(&shown));
                // Selected whole (typing replaces it): drawn like a chosen option.
                let text_style = if focused && f.selected { theme.chosen(true) } else { style };
                spans.push(Span::styled(shown, text_style));
                spans.push(Span::styled(" ".repeat(pad), style));
            }
            (spans, Some(caret as u16))
        }
    }
}

/// A choice: every option side by side with the chosen one in reverse video, or, when they do
/// not fit, the chosen one between arrows.
fn choice_spans(f: &Field, labels: Vec<&str>, focused: bool, w: u16, zh: bool, theme: &Theme) -> Vec<Span<'static>> {
    let current = f.value().trim();
    let chosen = labels.iter().position(|l| *l == current).or_else(|| f.id().map(|i| i as usize));
    let all: u16 = labels.iter().map(|l| cells(l) + 3).sum();
    let mut spans = Vec::new();
    if all <= w {
        for (i, l) in labels.iter().enumerate() {
            let style = if Some(i) == chosen { theme.chosen(focused) } else { Style::new() };
            spans.push(Span::styled(format!(" {l} "), style));
            spans.push(Span::raw(" "));
        }
    } else if chosen.is_none() && current.is_empty() && !focused {
        // Nothing chosen yet: the options themselves, dimmed, rather than a blank.
        let list = truncate_marked(&labels.join(" / "), usize::from(w).saturating_sub(2), theme.ascii).into_owned();
        spans.push(Span::styled(format!("  {list}"), theme.muted()));
    } else {
        let shown = chosen.and_then(|i| labels.get(i)).copied().unwrap_or(current);
        let (open, close) = if theme.ascii { ("< ", " >") } else { ("‹ ", " ›") };
        spans.push(Span::styled(if focused { open } else { "  " }, theme.muted()));
        spans.push(Span::styled(display_safe(shown).into_owned(), theme.chosen(focused)));
        spans.push(Span::styled(if focused { close } else { "" }, theme.muted()));
    }
    if chosen.is_none() && !current.is_empty() {
        let (open, close) = if theme.ascii { ("\"", "\"") } else { ("“", "”") };
        spans.push(Span::styled(format!(" {open}{}{close}", display_safe(current)), theme.tone(Tone::Error)));
    }
    if focused && chosen.is_none() && current.is_empty() {
        let (keys, rest) = match (zh, theme.ascii) {
            (true, false) => ("←/→", " 或数字选择"),
            (true, true) => ("Left/Right", " 或数字选择"),
            (false, false) => ("←/→", " or a digit"),
            (false, true) => ("Left/Right", " or a digit"),
        };
        // Side by side the options end in a space already; between arrows they do not.
        let gap = if all <= w { "" } else { " " };
        // The whole hint where it fits, else its keys alone, else nothing: never cut.
        let used: u16 = spans.iter().map(|s| cells(&s.content)).sum();
        let room = w.saturating_sub(used);
        let hint = [format!("{gap}{keys}{rest}"), format!("{gap}{keys}")].into_iter().find(|h| cells(h) <= room);
        if let Some(hint) = hint {
            spans.push(Span::styled(hint, theme.muted()));
        }
    }
    spans
}

/// A multi-line value as rows of at most `w` cells (each line wrapped where it is full), and
/// the caret's row and cell for the character index `cursor`. One cell is kept free at the end
/// of a row for the caret.
pub fn block_view(value: &str, cursor: usize, w: usize) -> (Vec<String>, (usize, usize)) {
    let w = w.saturating_sub(1).max(1);
    let mut rows = vec![String::new()];
    let mut used = 0;
    let mut caret = (0, 0);
    for (i, ch) in value.chars().enumerate() {
        if i == cursor {
            caret = (rows.len() - 1, used);
        }
        if ch == '\n' {
            rows.push(String::new());
            used = 0;
            continue;
        }
        let shown = display_safe(&ch.to_string()).into_owned();
        let cw = crate::text::width(&shown);
        if used + cw > w {
            rows.push(String::new());
            used = 0;
            if i == cursor {
                caret = (rows.len() - 1, 0);
            }
        }
        rows.last_mut().expect("one row at least").push_str(&shown);
        used += cw;
    }
    if cursor >= value.chars().count() {
        caret = (rows.len() - 1, used);
    }
    (rows, caret)
}

/// The part of an input that fits in `w` cells around the caret, and the caret's cell in it.
/// One cell is kept free at the end for the caret after the last character. A cut is marked
/// `…` (`~` when `ascii`).
pub fn input_view(input: &Input, w: usize, ascii: bool) -> (String, usize) {
    let scroll = input.visual_scroll(w.saturating_sub(1));
    let mut skipped = 0;
    let rest: String = input
        .value()
        .chars()
        .skip_while(|c| {
            let skip = skipped < scroll;
            if skip {
                skipped += c.width().unwrap_or(0);
            }
            skip
        })
        .collect();
    let shown = truncate_marked(&display_safe(&rest), w, ascii).into_owned();
    (shown, input.visual_cursor().saturating_sub(skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_is_in_cells_and_stays_inside() {
        let input = Input::new("欧阳明远".into());
        assert_eq!(input_view(&input, 20, false), ("欧阳明远".into(), 8));
        let (shown, caret) = input_view(&input, 5, false);
        assert!(caret < 5, "{shown} {caret}");
        assert!(crate::text::width(&shown) <= 5);
        let start = Input::new("欧阳明远".into()).with_cursor(0);
        assert_eq!(input_view(&start, 5, false).1, 0);
    }
}
