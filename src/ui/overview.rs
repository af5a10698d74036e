//! Tab 5, 概览 Overview: the batch figures (as `guazhi stats` reports them) on top, the
//! selected batch's policy flags below.

use super::table::Hits;
use super::theme::Theme;
use super::widgets::wrap;
use crate::app::view::overview::findings_of_batch;
use crate::app::view::{TextLine, Tone};
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    let list = app.list();
    let rows = u16::try_from(list.visible.len()).unwrap_or(u16::MAX);
    // The figures get what they need (border, header, rows) but leave the flags 5 lines.
    let top_h = rows.saturating_add(3).min(area.height.saturating_sub(5)).max(area.height.min(4));
    let top = Rect { height: top_h, ..area };
    let bottom = Rect { y: area.y + top_h, height: area.height - top_h, ..area };
    let hits = super::simple_list(frame, top, app, Tab::Overview, Vec::new(), theme);
    if bottom.height >= 3 {
        render_findings(frame, bottom, app, theme);
    }
    hits
}

fn render_findings(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let batch = match app.selected_rec(Tab::Overview) {
        Some(crate::app::view::Rec::Batch(b)) => {
            app.catalogs.batches.iter().find(|l| l.batch.id == b).map(|l| &l.batch)
        }
        _ => None,
    };
    let findings = batch.map(|b| findings_of_batch(&app.lookup(), b.id)).unwrap_or_default();
    let mut title = vec![Span::styled(format!(" {} ", app.t("政策提示", "Policy flags")), theme.title())];
    if let Some(b) = batch {
        title.push(Span::styled(format!("{} ", crate::text::display_safe(&b.name)), theme.muted()));
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
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    if findings.is_empty() {
        let none = TextLine {
            spans: vec![(app.t("本批次没有政策提示", "No flags for this batch").into(), Tone::Muted)],
            indent: 0,
        };
        lines.extend(wrap(&none, usize::from(inner.width), theme));
    }
    for f in findings {
        let line =
            TextLine { spans: vec![(format!("! {}  ", f.rule), f.tone), (f.text.clone(), Tone::Normal)], indent: 2 };
        lines.extend(wrap(&line, usize::from(inner.width), theme));
    }
    if !app.unreadable().is_empty() {
        let text = match app.opts.lang {
            crate::lang::Lang::Zh => {
                format!("! 数据库中有 {} 行记录无法读取（运行 guazhi check 查看）", app.unreadable().len())
            }
            crate::lang::Lang::En => {
                format!(
                    "! {} in the database could not be read (see guazhi check)",
                    crate::lang::count(app.unreadable().len(), "row", "rows")
                )
            }
        };
        lines.extend(wrap(&TextLine { spans: vec![(text, Tone::Error)], indent: 2 }, usize::from(inner.width), theme));
    }
    let page = usize::from(inner.height);
    if lines.len() > page {
        let more = lines.len() - page + 1;
        lines.truncate(page - 1);
        let dots = if theme.ascii { "..." } else { "…" };
        let text = match app.opts.lang {
            crate::lang::Lang::Zh => format!("{dots} 另有 {more} 行"),
            crate::lang::Lang::En => format!("{dots} {more} more lines"),
        };
        lines.push(Line::from(Span::styled(text, theme.muted())));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
