//! The Overview's charts of the selected batch, with ratatui's `BarChart`: its down secondments
//! by host district (the report's point: two thirds to Sanshui and Gaoming) and its open
//! reviews falling due in each of the twelve months ahead (the section's workload). Both are
//! SQL aggregates the loader read with the other figures (`BatchLine`).

use super::theme::Theme;
use super::widgets::cells;
use crate::app::view::overview::BatchLine;
use crate::app::App;
use crate::domain::figures::{BatchFigures, DueByMonth};
use crate::domain::District;
use crate::lang::Lang;
use ratatui::layout::{Direction, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};
use ratatui::Frame;

/// The least height the charts read well in: borders, a label row and six bars.
pub const MIN_HEIGHT: u16 = 9;

/// The districts' bars are this long at least, and at most (longer ones say nothing more).
const MIN_BAR: u16 = 10;
const MAX_BAR: u16 = 40;

/// The width the charts use at most: beyond it a screen has room beside them.
pub fn natural_width(zh: bool) -> u16 {
    districts_width(zh, MAX_BAR) + months_width(6)
}

/// The two charts side by side in `area`: the districts on the left, the months on the right.
pub fn render(frame: &mut Frame, area: Rect, app: &App, line: Option<&BatchLine>, theme: &Theme) {
    let zh = app.opts.lang == Lang::Zh;
    let bar_w = month_bar_width(area.width.saturating_sub(districts_width(zh, MIN_BAR)));
    let districts_w = area.width.saturating_sub(months_width(bar_w)).min(districts_width(zh, MAX_BAR));
    let months_w = area.width - districts_w;
    let left = Rect { width: districts_w, ..area };
    let right = Rect { x: left.right(), width: months_w, ..area };
    render_districts(frame, left, app, line.and_then(|l| l.figures.as_ref()), theme);
    render_months(frame, right, app, line.and_then(|l| l.due.as_ref()), bar_w, theme);
}

/// The districts' box with bars of `bar` cells: the longest name, a space, the bar, borders.
fn districts_width(zh: bool, bar: u16) -> u16 {
    let label = District::ALL.iter().map(|&d| cells(district_label(d, zh))).max().unwrap_or(0);
    label + 1 + bar + 2
}

/// The months' box: twelve bars of `bar_w` cells, a cell between, borders.
fn months_width(bar_w: u16) -> u16 {
    12 * bar_w + 11 + 2
}

/// Twelve bars and their gaps in `width` (less the borders): from 3 cells (a number up to 999
/// and `Jan`) to 6 (wider ones only spread the picture).
fn month_bar_width(width: u16) -> u16 {
    ((width.saturating_sub(2) + 1) / 12).saturating_sub(1).clamp(3, 6)
}

fn block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(Line::from(Span::styled(format!(" {title} "), theme.title())))
}

/// A muted line in the chart's place (not counted yet, or nothing to draw).
fn say(frame: &mut Frame, area: Rect, block: Block, text: &str, theme: &Theme) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect { x: inner.x.saturating_add(1), width: inner.width.saturating_sub(2), ..inner };
    frame.render_widget(Paragraph::new(Span::styled(theme.plain(text).into_owned(), theme.muted())), inner);
}

fn render_districts(frame: &mut Frame, area: Rect, app: &App, figures: Option<&BatchFigures>, theme: &Theme) {
    let zh = app.opts.lang == Lang::Zh;
    let block = block(app.t("下挂去向", "Down, by district"), theme);
    let Some(f) = figures else { return say(frame, area, block, "…", theme) };
    if f.down == 0 {
        return say(frame, area, block, app.t("本批次没有下挂", "No one went down"), theme);
    }
    // The city level only when someone went to a unit not in a district.
    let bars: Vec<Bar> = District::ALL
        .iter()
        .filter_map(|&d| {
            let label = district_label(d, zh);
            let n = f.down_by_district.get(d.code()).copied()?;
            if d == District::City && n == 0 {
                return None;
            }
            let favoured = matches!(d, District::Sanshui | District::Gaoming);
            let label = Span::styled(label.to_string(), if favoured { theme.title() } else { Default::default() });
            Some(Bar::new(n as u64).label(Line::from(label)).text_value(n.to_string()).style(theme.bar(favoured)))
        })
        .collect();
    let rows = block.inner(area).height;
    let n = u16::try_from(bars.len()).unwrap_or(u16::MAX);
    let gap = u16::from(rows >= (2 * n).saturating_sub(1));
    let chart = BarChart::default()
        .block(block)
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(gap)
        .bar_set(theme.bar_set())
        .value_style(theme.bar_value())
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, area);
}

fn render_months(frame: &mut Frame, area: Rect, app: &App, due: Option<&DueByMonth>, bar_w: u16, theme: &Theme) {
    // The batch selected above, not the programme: the title says so.
    let block = block(app.t("本批未来12个月到期的考核", "This batch: reviews due, next 12 months"), theme);
    let Some(due) = due else { return say(frame, area, block, "…", theme) };
    if due.counts.iter().all(|&n| n == 0) {
        return say(frame, area, block, app.t("没有到期的考核", "None due"), theme);
    }
    let zh = app.opts.lang == Lang::Zh;
    let bars: Vec<Bar> = (0..12)
        .map(|i| {
            let n = due.counts[i];
            Bar::new(n as u64)
                .label(Line::from(month_label(due.month(i), zh, bar_w)))
                .text_value(short_count(n, usize::from(bar_w), zh))
                .style(theme.bar(true))
        })
        .collect();
    let chart = BarChart::default()
        .bar_width(bar_w)
        .bar_gap(1)
        .bar_set(theme.bar_set())
        .value_style(theme.bar_value())
        .data(BarGroup::default().bars(&bars));
    // A wide box centres its bars: they keep their width.
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = (12 * bar_w + 11).min(inner.width);
    frame.render_widget(chart, Rect { x: inner.x + (inner.width - w) / 2, width: w, ..inner });
}

/// A district's name on its bar: the city level (a host unit in no district) shortest.
fn district_label(d: District, zh: bool) -> &'static str {
    match (d, zh) {
        (District::City, true) => "市级",
        (District::City, false) => "city",
        (d, true) => d.zh(),
        (d, false) => d.en(),
    }
}

/// `12月` under a bar wide enough, else `12`; `Dec` in English.
fn month_label(month: u32, zh: bool, bar_w: u16) -> String {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match zh {
        true if bar_w >= 4 => format!("{month}月"),
        true => month.to_string(),
        false => EN[(month as usize + 11) % 12].to_string(),
    }
}

/// A count in `width` cells: whole when it fits, else rounded to thousands or ten thousands
/// (千, 万; k, M). A bar wider than its count shows it; a zero shows nothing.
fn short_count(n: usize, width: usize, zh: bool) -> String {
    let whole = n.to_string();
    if whole.len() <= width {
        return whole;
    }
    let (unit, sign) = match (zh, n) {
        (true, n) if n >= 10_000 => (10_000, "万"),
        (true, _) => (1_000, "千"),
        (false, n) if n >= 1_000_000 => (1_000_000, "M"),
        (false, _) => (1_000, "k"),
    };
    format!("{}{sign}", (n + unit / 2) / unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_shorten_to_fit_their_bar() {
        assert_eq!(short_count(999, 3, true), "999");
        assert_eq!(short_count(5126, 3, false), "5k");
        assert_eq!(short_count(5126, 4, true), "5126");
        assert_eq!(short_count(5126, 3, true), "5千");
        assert_eq!(short_count(51_260, 4, true), "5万");
        assert_eq!(short_count(1_500_000, 3, false), "2M");
    }

    #[test]
    fn month_bars_are_three_to_six_cells() {
        assert_eq!(month_bar_width(0), 3);
        assert_eq!(month_bar_width(61), 4);
        assert_eq!(month_bar_width(300), 6);
    }

    #[test]
    fn months_are_labelled_in_the_language() {
        assert_eq!(month_label(12, true, 4), "12月");
        assert_eq!(month_label(12, true, 3), "12");
        assert_eq!(month_label(1, false, 3), "Jan");
        assert_eq!(month_label(12, false, 3), "Dec");
    }
}
