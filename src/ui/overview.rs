//! Tab 5, 概览 Overview: the batch figures (as `guazhi stats` reports them) on top, the
//! selected batch's charts and policy flags below.

use super::charts;
use super::table::Hits;
use super::theme::Theme;
use super::widgets::wrap;
use crate::app::view::overview::{findings_of_batch, BatchLine};
use crate::app::view::{TextLine, Tone};
use crate::app::{App, Tab};
use crate::domain::Batch;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    let list = app.list();
    let rows = u16::try_from(list.visible.len()).unwrap_or(u16::MAX);
    let columns = &app.table(Tab::Overview).columns;
    let layout = super::table::layout_columns(columns, area.width.saturating_sub(2));
    let strip = super::table::strip_height(columns, &layout, area.width, rows.saturating_add(3));
    let top_h = table_height(area.height, rows.saturating_add(3 + strip), app.charts);
    let top = Rect { height: top_h, ..area };
    let bottom = Rect { y: area.y + top_h, height: area.height - top_h, ..area };
    let hits = super::simple_list(frame, top, app, Tab::Overview, Vec::new(), theme);
    let line = selected_line(app);
    let (charts, flags) = split(bottom, app.charts, charts::natural_width(app.opts.lang == crate::lang::Lang::Zh));
    if let Some(charts) = charts {
        super::charts::render(frame, charts, app, line, theme);
    }
    if let Some(flags) = flags {
        render_findings(frame, flags, app, line.map(|l| &l.batch), theme);
    }
    hits
}

/// The policy flags' least height: a box and three lines.
const FLAGS_MIN_H: u16 = 5;

/// The figures' height (`wanted`: border, header, every row, the detail strip): what they need,
/// less what leaves the charts and the flags their least height, or the charts theirs and the
/// figures eight rows; never less than four rows of figures.
fn table_height(height: u16, wanted: u16, charts: bool) -> u16 {
    const TABLE_MIN: u16 = 12;
    let (both, one) = if charts { (charts::MIN_HEIGHT + FLAGS_MIN_H, charts::MIN_HEIGHT) } else { (5, 5) };
    let room = height.saturating_sub(both).max(height.saturating_sub(one).min(TABLE_MIN));
    wanted.min(room).max(wanted.min(7)).min(height)
}

/// Where the charts and the policy flags go under the figures: the charts on top when both
/// fit, side by side on a wide short screen, else the charts alone (`c` hides them and the
/// flags come back); nothing smaller than a box with a line in it.
fn split(area: Rect, charts: bool, charts_w: u16) -> (Option<Rect>, Option<Rect>) {
    const FLAGS_MIN_W: u16 = 40;
    let enough = |r: Rect| (r.height >= 3).then_some(r);
    if !charts || area.height < 5 {
        return (None, enough(area));
    }
    if area.height >= charts::MIN_HEIGHT + FLAGS_MIN_H {
        let h = (area.height / 2).clamp(charts::MIN_HEIGHT, 14);
        let rest = Rect { y: area.y + h, height: area.height - h, ..area };
        return (Some(Rect { height: h, ..area }), Some(rest));
    }
    if area.width >= charts_w + FLAGS_MIN_W {
        let rest = Rect { x: area.x + charts_w, width: area.width - charts_w, ..area };
        return (Some(Rect { width: charts_w, ..area }), Some(rest));
    }
    (Some(area), None)
}

/// The selected batch's line.
fn selected_line(app: &App) -> Option<&BatchLine> {
    match app.selected_rec(Tab::Overview) {
        Some(crate::app::view::Rec::Batch(b)) => app.catalogs.batches.iter().find(|l| l.batch.id == b),
        _ => None,
    }
}

fn render_findings(frame: &mut Frame, area: Rect, app: &App, batch: Option<&Batch>, theme: &Theme) {
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
        let read = batch.is_none_or(|b| app.batch_read(b.id));
        let none = TextLine {
            spans: vec![(
                if read {
                    app.t("本批次没有政策提示", "No flags for this batch").into()
                } else {
                    theme.plain(app.t("正在读取本批次…", "Reading this batch…")).into_owned()
                },
                Tone::Muted,
            )],
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
