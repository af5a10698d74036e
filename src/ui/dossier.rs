//! The dossier page. It always replaces the list (header, tabs and key bar stay), so it reads
//! the same at 80×24 and on a wide screen; from `WIDE` cells on, the review timeline moves
//! into a second column beside the rest.

use super::theme::Theme;
use super::widgets::wrap;
use crate::app::view::TextLine;
use crate::app::{App, DossierState};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// Inner width from which the dossier uses two columns.
pub const WIDE: u16 = 140;
const GAP: u16 = 3;

/// Returns (lines shown at once, furthest scroll, the scroll used).
pub fn render(frame: &mut Frame, area: Rect, app: &App, d: &DossierState, theme: &Theme) -> (usize, usize, usize) {
    if area.width < 4 || area.height < 3 {
        return (0, 0, 0);
    }
    let mut title = vec![
        Span::styled(format!(" {}", app.t("挂职档案", "Dossier")), theme.title()),
        Span::raw(theme.dot()),
        Span::styled(format!("{} ", d.doc.name), theme.title()),
    ];
    if !d.back.is_empty() {
        title.push(Span::styled(
            format!("({} {}) ", app.t("Esc 返回", "Esc back to"), app.lookup().cadre_name(d.back[d.back.len() - 1])),
            theme.muted(),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect { x: inner.x.saturating_add(1), width: inner.width.saturating_sub(2), ..inner };
    if inner.width == 0 || inner.height == 0 {
        return (0, 0, 0);
    }
    let page = usize::from(inner.height);
    let lay = |lines: &[&Vec<TextLine>], w: u16| -> Vec<Line<'static>> {
        lines.iter().flat_map(|ls| ls.iter()).flat_map(|l| wrap(l, usize::from(w), theme)).collect()
    };
    let doc = &d.doc;
    let (columns, total) = if inner.width >= WIDE {
        let left_w = (inner.width - GAP) * 11 / 20;
        let right_w = inner.width - GAP - left_w;
        let left = lay(&[&doc.head, &doc.rest], left_w);
        let right = lay(&[&doc.reviews], right_w);
        let total = left.len().max(right.len());
        let right_area = Rect { x: inner.x + left_w + GAP, width: right_w, ..inner };
        (vec![(Rect { width: left_w, ..inner }, left), (right_area, right)], total)
    } else {
        let blank = vec![TextLine::default()];
        let all = lay(&[&doc.head, &blank, &doc.reviews, &doc.rest], inner.width);
        let total = all.len();
        (vec![(inner, all)], total)
    };
    let max = total.saturating_sub(page);
    let scroll = d.scroll.min(max);
    for (rect, lines) in columns {
        let shown: Vec<Line> = lines.into_iter().skip(scroll).take(page).collect();
        frame.render_widget(Paragraph::new(shown), rect);
    }
    if max > 0 {
        let pos = format!(" {}-{}/{} ", scroll + 1, (scroll + page).min(total), total);
        let w = super::widgets::cells(&pos);
        if area.width > w + 2 {
            let at = Rect { x: area.right() - w - 1, y: area.bottom() - 1, width: w, height: 1 };
            frame.render_widget(Paragraph::new(Span::styled(pos, theme.muted())), at);
        }
    }
    (page, max, scroll)
}
