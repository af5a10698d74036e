//! Shared pieces: fitting text into cells with search highlights, wrapping toned lines, and
//! centring a popup. All widths are display cells (CJK = 2).

use super::theme::Theme;
use crate::app::view::{Align, TextLine};
use crate::text::{truncate_to_width, width};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::borrow::Cow;
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// `text` cut to `w` cells (with `…`, or `~` in ASCII mode), and where the kept part ends.
pub fn fit<'a>(text: &'a str, w: usize, theme: &Theme) -> (Cow<'a, str>, usize) {
    match truncate_to_width(text, w) {
        Cow::Borrowed(s) => (Cow::Borrowed(s), s.len()),
        Cow::Owned(s) => {
            let kept = s.trim_end_matches('…').len();
            match theme.ellipsis() {
                Some(e) => (Cow::Owned(format!("{}{e}", &s[..kept])), kept),
                None => (Cow::Owned(s), kept),
            }
        }
    }
}

/// One table cell: text cut to `w` cells, search matches highlighted.
pub fn cell_line(
    text: &str,
    w: u16,
    align: Align,
    ranges: &[Range<usize>],
    style: Style,
    theme: &Theme,
) -> Line<'static> {
    let (shown, kept) = fit(text, usize::from(w), theme);
    let mut spans = Vec::new();
    let mut pos = 0;
    for r in ranges {
        let (start, end) = (r.start.max(pos).min(kept), r.end.min(kept));
        if start >= end || !shown.is_char_boundary(start) || !shown.is_char_boundary(end) {
            continue;
        }
        if start > pos {
            spans.push(Span::styled(shown[pos..start].to_string(), style));
        }
        spans.push(Span::styled(shown[start..end].to_string(), style.patch(theme.matched())));
        pos = end;
    }
    if pos < shown.len() {
        spans.push(Span::styled(shown[pos..].to_string(), style));
    }
    let line = Line::from(spans);
    match align {
        Align::Left => line,
        Align::Right => line.right_aligned(),
    }
}

/// Wraps a toned line to `w` cells; continuation lines are indented by the line's indent.
/// Chinese breaks between any two characters; Latin words move whole to the next line.
pub fn wrap(line: &TextLine, w: usize, theme: &Theme) -> Vec<Line<'static>> {
    let w = w.max(1);
    let indent = usize::from(line.indent).min(w / 2);
    let mut lines: Vec<Vec<(char, Style)>> = Vec::new();
    let mut current: Vec<(char, Style)> = Vec::new();
    let mut used = 0;
    let measure = |cells: &[(char, Style)]| cells.iter().map(|(c, _)| c.width().unwrap_or(0)).sum::<usize>();
    for (text, tone) in &line.spans {
        let style = theme.tone(*tone);
        for c in text.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > w && used > indent {
                let mut tail = Vec::new();
                if c.is_ascii_graphic() {
                    // Mid-word: carry the word over when it is shorter than a line.
                    if let Some(space) = current.iter().rposition(|(ch, _)| *ch == ' ') {
                        if space > indent && measure(&current[space + 1..]) + indent + cw < w {
                            tail = current.split_off(space + 1);
                            current.pop();
                        }
                    }
                }
                lines.push(std::mem::take(&mut current));
                current.extend(std::iter::repeat_n((' ', Style::new()), indent));
                current.extend(tail);
                used = measure(&current);
                if c == ' ' {
                    continue;
                }
            }
            if used + cw > w {
                // Not even one character fits beside the indent: drop it rather than overflow.
                continue;
            }
            current.push((c, style));
            used += cw;
        }
    }
    lines.push(current);
    lines.into_iter().map(spans_of).collect()
}

/// Groups styled characters into spans.
fn spans_of(cells: Vec<(char, Style)>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for (c, st) in cells {
        if style.is_some_and(|s| s != st) {
            spans.push(Span::styled(std::mem::take(&mut text), style.unwrap_or_default()));
        }
        style = Some(st);
        text.push(c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style.unwrap_or_default()));
    }
    Line::from(spans)
}

/// Blanks the columns just left and right of `area`, so a double-width character half
/// covered by a popup does not spill over its border.
pub fn clear_margins(buf: &mut ratatui::buffer::Buffer, area: Rect) {
    let screen = buf.area;
    for y in area.top()..area.bottom().min(screen.bottom()) {
        for x in [area.x.checked_sub(1), Some(area.right())].into_iter().flatten() {
            if x >= screen.left() && x < screen.right() {
                buf[(x, y)].reset();
            }
        }
    }
}

/// A `w` × `h` rectangle centred in `area`, never larger than it.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x.saturating_add((area.width - w) / 2),
        y: area.y.saturating_add((area.height - h) / 2),
        width: w,
        height: h,
    }
}

/// Display width as u16, saturating.
pub fn cells(s: &str) -> u16 {
    u16::try_from(width(s)).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::view::Tone;

    fn theme(ascii: bool) -> Theme {
        Theme { color: true, ascii }
    }

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn cells_are_cut_by_display_width() {
        let line = cell_line("欧阳明远", 5, Align::Left, &[], Style::new(), &theme(false));
        assert_eq!(text(&line), "欧阳…");
        let line = cell_line("欧阳明远", 5, Align::Left, &[], Style::new(), &theme(true));
        assert_eq!(text(&line), "欧阳~");
    }

    #[test]
    fn highlights_split_spans_and_stop_at_the_cut() {
        let hl = theme(false).matched();
        let line = cell_line(
            "欧阳明远",
            5,
            Align::Left,
            &[std::ops::Range { start: 0, end: 12 }],
            Style::new(),
            &theme(false),
        );
        assert_eq!(line.spans[0].content, "欧阳");
        assert_eq!(line.spans[0].style, hl);
        assert_eq!(line.spans[1].content, "…");
    }

    #[test]
    fn wrapping_keeps_within_width_and_indents() {
        let mut l = TextLine::default();
        l.spans.push(("一二三四五六七八九十".into(), Tone::Normal));
        l.indent = 2;
        let lines = wrap(&l, 8, &theme(false));
        assert!(lines.len() >= 2);
        for line in &lines {
            assert!(width(&text(line)) <= 8);
        }
        assert!(text(&lines[1]).starts_with("  "));
        assert_eq!(wrap(&l, 1, &theme(false)).len(), 1, "nothing fits: one empty line, no panic");
    }

    #[test]
    fn latin_words_are_not_split() {
        let mut l = TextLine::default();
        l.spans.push(("the status filter cycles".into(), Tone::Normal));
        let lines: Vec<String> = wrap(&l, 12, &theme(false)).iter().map(text).collect();
        assert_eq!(lines, ["the status", "filter", "cycles"]);
    }

    #[test]
    fn centering_never_overflows() {
        let r = centered(Rect::new(0, 0, 10, 5), 20, 20);
        assert_eq!(r, Rect::new(0, 0, 10, 5));
        assert_eq!(centered(Rect::new(0, 0, 0, 0), 3, 3), Rect::new(0, 0, 0, 0));
    }
}
