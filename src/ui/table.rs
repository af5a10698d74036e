//! The list widget all tabs share: columns chosen and sized for the width by priority, only
//! the visible rows turned into widgets, search matches highlighted, the sort shown in the
//! header.
//!
//! The selected row shows as its first cell in reverse video (the whole column width); the
//! rest of the row keeps its look. A cursor move then rewrites two short cells instead of two
//! whole rows, which matters over a slow SSH link (docs/SCREENS.md, "The selected row").

use super::theme::Theme;
use super::widgets::{cell_line, cells, fit, wrap};
use crate::app::list::settle_offset;
use crate::app::view::{Column, Table as Rows, TextLine, Tone};
use crate::app::{App, ListState, Tab};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

const SPACING: u16 = 1;

/// Where the table put things (for clicks and page moves).
#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub header: Vec<(u16, u16, usize)>,
    pub header_y: Option<u16>,
    pub body: Rect,
    pub offset: usize,
    pub page: usize,
}

/// One column as a frame draws it: which, how wide, and whether its cells show their short
/// forms (the host unit of "unit post").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub col: usize,
    pub width: u16,
    pub short: bool,
}

/// Which columns fit in `width` and how wide each gets, in their order on screen.
///
/// By priority, each column gets what shows its key facts whole (`Column::need`: its short
/// forms, else its content up to the cap) when that fits; otherwise a key column (priority 0
/// or 1) is squeezed into what is left, down to its minimum, and any other is left out (the
/// detail strip shows it). The room left then lets short columns show their whole texts, most
/// important first, and every column grow to its ideal and (wide screens) its whole content.
pub fn layout_columns(columns: &[Column], width: u16) -> Vec<Placed> {
    let mut by_priority: Vec<usize> = (0..columns.len()).collect();
    by_priority.sort_by_key(|&i| (columns[i].priority, i));
    let mut chosen: Vec<usize> = Vec::new();
    let mut widths: Vec<u16> = vec![0; columns.len()];
    let mut used: u16 = 0;
    for tier in by_priority.chunk_by(|&a, &b| columns[a].priority == columns[b].priority) {
        for (k, &i) in tier.iter().enumerate() {
            let c = &columns[i];
            let gap = if chosen.is_empty() { 0 } else { SPACING };
            // A key column leaves the key columns after it their minimums: a long host unit
            // is cut rather than the next review left out (80×24, English, once a host unit
            // of 28 cells had been seen).
            let later_keys: u16 = match c.priority {
                0 | 1 => tier[k + 1..].iter().map(|&j| SPACING + columns[j].min).sum(),
                _ => 0,
            };
            let room = width.saturating_sub(used.saturating_add(gap).saturating_add(later_keys));
            let w = if c.priority <= 1 && c.min <= room && room > 0 {
                // Its minimum for now: what is left goes round the tier below.
                c.min
            } else if c.need <= room {
                c.need
            } else {
                continue;
            };
            chosen.push(i);
            widths[i] = w;
            used = used.saturating_add(gap).saturating_add(w);
        }
        // A key tier's room beyond the minimums makes whole first the columns that lack least:
        // a next review one cell short is shown whole, and a long host unit cut, rather than
        // the other way round (80×24, English, an overdue count of three digits).
        let mut short_of: Vec<usize> = tier.iter().copied().filter(|&i| widths[i] > 0).collect();
        short_of.sort_by_key(|&i| columns[i].need.saturating_sub(widths[i]));
        for i in short_of {
            let more = columns[i].need.saturating_sub(widths[i]).min(width.saturating_sub(used));
            widths[i] += more;
            used += more;
        }
        // This tier's short columns show their whole texts before a lesser column comes in
        // (the host's post before the flags); in between they would still show short forms.
        for &i in tier {
            let c = &columns[i];
            let more = c.ideal.saturating_sub(widths[i]);
            if widths[i] > 0 && c.short.is_some() && more > 0 && used.saturating_add(more) <= width {
                widths[i] = c.ideal;
                used += more;
            }
        }
    }
    let mut extra = width.saturating_sub(used);
    let short = |i: usize, widths: &[u16]| columns[i].is_short(widths[i]);
    // Then every column up to its ideal, then (wide screens) up to its whole content; columns
    // of equal priority share the room a cell at a time.
    for target in [|c: &Column| c.ideal, |c: &Column| c.full] {
        let mut rank = 0;
        while extra > 0 && rank < chosen.len() {
            let priority = columns[chosen[rank]].priority;
            let group: Vec<usize> = chosen.iter().copied().filter(|&i| columns[i].priority == priority).collect();
            loop {
                let mut grew = false;
                for &i in &group {
                    if extra > 0 && widths[i] < target(&columns[i]) && !short(i, &widths) {
                        widths[i] += 1;
                        extra -= 1;
                        grew = true;
                    }
                }
                if !grew || extra == 0 {
                    break;
                }
            }
            rank += group.len().max(1);
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| Placed { col: i, width: widths[i], short: short(i, &widths) }).collect()
}

/// The lines under a list for the selected row's hidden facts: none when every column shows
/// whole, else one or two (two when the hidden columns would not fit on one line) if the list
/// keeps at least `MIN_ROWS` rows.
pub fn strip_height(columns: &[Column], placed: &[Placed], width: u16, height: u16) -> u16 {
    const MIN_ROWS: u16 = 6;
    let hidden = hidden_columns(columns, placed);
    if hidden.is_empty() {
        return 0;
    }
    let wanted: usize =
        hidden.iter().map(|&i| width_of(columns[i].label) + 1 + usize::from(columns[i].ideal) + 3).sum();
    let lines = if wanted <= usize::from(width.saturating_sub(2)) { 1 } else { 2 };
    // The box (borders and header) and its rows come first.
    (0..=lines).rev().find(|l| height >= 3 + MIN_ROWS + l).unwrap_or(0)
}

fn width_of(s: &str) -> usize {
    crate::text::width(s)
}

/// The columns a frame does not show whole for every row: left out, or in short forms.
fn hidden_columns(columns: &[Column], placed: &[Placed]) -> Vec<usize> {
    (0..columns.len()).filter(|&i| placed.iter().find(|p| p.col == i).is_none_or(|p| p.short)).collect()
}

/// The detail strip: what the selected row's columns do not show (left-out columns, the whole
/// text of short or cut cells) as `label value · label value`, wrapped to the area's lines and
/// cut with `…` after the last.
pub fn render_strip(frame: &mut Frame, area: Rect, app: &App, tab: Tab, placed: &[Placed], theme: &Theme) {
    if area.height == 0 || area.width < 4 {
        return;
    }
    let rows = app.table(tab);
    let list = &app.lists[tab.index()];
    let Some(row) = list.selected_row().and_then(|r| app.row(tab, r)) else { return };
    let dot = theme.dot();
    let mut facts = Vec::new();
    for (i, column) in rows.columns.iter().enumerate() {
        let Some(cell) = row.cells.get(i).filter(|c| !c.text.trim().is_empty()) else { continue };
        let shown = placed.iter().find(|p| p.col == i);
        let whole = shown.is_some_and(|p| !p.short && width_of(&cell.text) <= usize::from(p.width));
        if whole {
            continue;
        }
        let tone = if cell.tone == Tone::Normal { row.tone } else { cell.tone };
        facts.push((format!("{} ", column.detail), cell.text.clone(), tone));
    }
    // What needs attention (a flag, an overdue review) first: when the lines cut, they cut the
    // plain facts (sex, age), not the warning.
    facts.sort_by_key(|(_, _, tone)| !matches!(tone, Tone::Overdue | Tone::DueToday | Tone::Warning | Tone::Error));
    let mut line = TextLine { spans: Vec::new(), indent: 0 };
    for (label, text, tone) in facts {
        if !line.spans.is_empty() {
            line.spans.push((dot.to_string(), Tone::Muted));
        }
        line.spans.push((label, Tone::Label));
        line.spans.push((text, tone));
    }
    let inner = Rect { x: area.x + 1, width: area.width - 2, ..area };
    let mut lines = wrap(&line, usize::from(inner.width), theme);
    let page = usize::from(inner.height);
    if lines.len() > page {
        lines.truncate(page);
        if let Some(last) = lines.last_mut() {
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let cut = fit(&text, usize::from(inner.width).saturating_sub(1), theme).0.into_owned();
            let ellipsis = theme.ellipsis().unwrap_or("…");
            let mut kept = Vec::new();
            let mut left = cut.trim_end_matches(ellipsis).len();
            for span in last.spans.drain(..) {
                let take = left.min(span.content.len());
                if take > 0 && span.content.is_char_boundary(take) {
                    kept.push(Span::styled(span.content[..take].to_string(), span.style));
                }
                left -= take;
            }
            kept.push(Span::styled(ellipsis, theme.muted()));
            *last = Line::from(kept);
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Draws `tab`'s list into `area` (no border: the caller's block is around it).
pub fn render(frame: &mut Frame, area: Rect, app: &App, tab: Tab, theme: &Theme) -> Hits {
    let layout = layout_columns(&app.table(tab).columns, area.width);
    render_placed(frame, area, app, tab, &layout, theme)
}

/// Draws `tab`'s list into `area` with the columns of `layout`.
pub fn render_placed(frame: &mut Frame, area: Rect, app: &App, tab: Tab, layout: &[Placed], theme: &Theme) -> Hits {
    let rows = app.table(tab);
    let list = &app.lists[tab.index()];
    if area.width == 0 || area.height < 2 {
        return Hits::default();
    }
    let body = Rect { y: area.y + 1, height: area.height - 1, ..area };
    let page = usize::from(body.height);
    let offset = settle_offset(list.offset, list.selected, page, list.visible.len());

    let mut header = Vec::new();
    let mut x = area.x;
    for p in layout {
        header.push((x, x.saturating_add(p.width), p.col));
        x = x.saturating_add(p.width).saturating_add(SPACING);
    }
    let header_row = Row::new(layout.iter().map(|p| header_cell(&rows.columns[p.col], *p, list, theme)));
    let widths: Vec<Constraint> = layout.iter().map(|p| Constraint::Length(p.width)).collect();

    if list.visible.is_empty() {
        let table = Table::new(Vec::<Row>::new(), widths).header(header_row).column_spacing(SPACING);
        frame.render_widget(table, area);
        let msg = theme.plain(&empty_message(app, list)).into_owned();
        let y = body.y.saturating_add(body.height / 2).min(body.bottom().saturating_sub(1));
        let line = Rect { y, height: 1, ..body };
        frame.render_widget(Paragraph::new(Line::from(Span::styled(msg, theme.muted())).centered()), line);
    } else {
        let end = offset.saturating_add(page).min(list.visible.len());
        let shown =
            list.visible.slice(offset, end).into_iter().map(|i| body_row(rows, app.row(tab, i), layout, list, theme));
        // Reverse video on the selected row's first cell only (see the module doc).
        let table =
            Table::new(shown, widths).header(header_row).column_spacing(SPACING).cell_highlight_style(theme.selected());
        let mut state = TableState::default()
            .with_selected(list.selected.checked_sub(offset).filter(|s| *s < page))
            .with_selected_column(Some(0));
        frame.render_stateful_widget(table, area, &mut state);
    }
    Hits { header, header_y: Some(area.y), body, offset, page }
}

fn header_cell(column: &Column, p: Placed, list: &ListState, theme: &Theme) -> Line<'static> {
    let (w, label) = (p.width, column.label_at(p.width));
    if list.sort == Some(p.col) {
        let marker = theme.sort_marker(list.reverse);
        let label = super::widgets::fit(label, usize::from(w.saturating_sub(cells(marker))), theme).0;
        Line::from(vec![
            Span::styled(label.into_owned(), theme.sorted_header()),
            Span::styled(marker, theme.sorted_header()),
        ])
    } else {
        let label = super::widgets::fit(label, usize::from(w), theme).0;
        Line::from(Span::styled(label.into_owned(), theme.table_header()))
    }
}

/// `row` is `None` only for a large database's row whose cells are still being read (a
/// moment after a jump): it shows blank.
fn body_row(
    rows: &Rows,
    row: Option<&crate::app::view::Row>,
    layout: &[Placed],
    list: &ListState,
    theme: &Theme,
) -> Row<'static> {
    let Some(row) = row else { return Row::new(layout.iter().map(|_| Line::default())) };
    let cells = layout.iter().map(|p| {
        let Some(cell) = row.cells.get(p.col) else { return Line::default() };
        let ranges = match (&cell.key, list.query.is_empty()) {
            (Some(key), false) => key.matches(&list.query).unwrap_or_default(),
            _ => Vec::new(),
        };
        let style = theme.cell(row.tone, cell.tone);
        let align = rows.columns[p.col].align;
        match (&cell.short, p.short) {
            // The short form, with the search matches that fall in it.
            (Some(part), true) => {
                let ranges: Vec<std::ops::Range<usize>> = ranges
                    .iter()
                    .filter(|r| r.end > part.start && r.start < part.end)
                    .map(|r| r.start.max(part.start) - part.start..r.end.min(part.end) - part.start)
                    .collect();
                cell_line(cell.short_text(), p.width, align, &ranges, style, theme)
            }
            _ => cell_line(&cell.text, p.width, align, &ranges, style, theme),
        }
    });
    Row::new(cells)
}

/// Why the list is empty and how to get rows back: the search, else the filters by name.
fn empty_message(app: &App, list: &ListState) -> String {
    let loading = app.loading(app.tab);
    if loading {
        app.t("正在读取全部记录，读完即显示结果……", "Reading every record; results show when done…").into()
    } else if list.searching() {
        app.t("没有匹配的记录（Esc 清除搜索）", "Nothing matches (Esc clears the search)").into()
    } else if !list.filters.is_default() {
        let zh = app.opts.lang == crate::lang::Lang::Zh;
        let f = &list.filters;
        let mut named = Vec::new();
        if let Some(b) = f.batch {
            let name = app.catalogs.batches.iter().find(|l| l.batch.id == b).map_or("?", |l| l.batch.name.as_str());
            named.push(format!("{} {name}", app.t("批次", "batch")));
        }
        if let Some(d) = f.district {
            named.push(format!("{} {}", app.t("区", "district"), app.t(d.zh(), d.en())));
        }
        if let Some(p) = f.phase {
            named.push(format!("{} {}", app.t("状态", "status"), app.t(p.zh(), p.en())));
        }
        if let Some(s) = f.standing {
            named.push(format!("{} {}", app.t("状态", "status"), app.t(s.zh(), s.en())));
        }
        if let Some(k) = f.kind {
            named.push(format!("{} {}", app.t("类别", "kind"), app.t(k.zh(), k.en())));
        }
        if named.is_empty() {
            named.push(app.t("状态", "status").to_string());
        }
        let named = named.join(if zh { "、" } else { ", " });
        // The keys that choose again are the tab's own.
        let cadres = app.tab == crate::app::Tab::Cadres;
        match (zh, cadres) {
            (true, true) => format!("筛选（{named}）下没有记录：x 清除筛选，f 另选"),
            (true, false) => format!("筛选（{named}）下没有记录：x 清除筛选，b、d 另选"),
            (false, true) => format!("The filter ({named}) hides every row: x clears it, f chooses again"),
            (false, false) => format!("The filter ({named}) hides every row: x clears it, b or d choose again"),
        }
    } else {
        app.t("没有记录", "No records").into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::view::Align;

    fn col(min: u16, ideal: u16, priority: u8) -> Column {
        Column {
            label: "x",
            short: None,
            detail: "x",
            parts: None,
            min,
            ideal,
            need: ideal,
            cap: ideal,
            full: ideal,
            priority,
            align: Align::Left,
        }
    }

    fn widths(placed: Vec<Placed>) -> Vec<(usize, u16)> {
        placed.into_iter().map(|p| (p.col, p.width)).collect()
    }

    #[test]
    fn narrow_widths_drop_the_least_important_columns() {
        let cols = [col(6, 10, 0), col(10, 20, 2), col(4, 4, 1)];
        // Whole or not at all, by priority; a key column squeezed rather than lost.
        assert_eq!(widths(layout_columns(&cols, 11)), vec![(0, 10)]);
        assert_eq!(widths(layout_columns(&cols, 20)), vec![(0, 10), (2, 4)]);
        assert_eq!(widths(layout_columns(&cols, 8)), vec![(0, 8)]);
        let wide = layout_columns(&cols, 100);
        assert_eq!(widths(wide), vec![(0, 10), (1, 20), (2, 4)]);
        assert!(layout_columns(&cols, 0).is_empty());
        assert!(layout_columns(&cols, 3).is_empty());
    }

    /// A wide key column is cut to leave the key columns after it their minimums: every key
    /// column shows when their minimums fit.
    #[test]
    fn a_wide_key_column_leaves_the_later_key_columns_their_minimums() {
        let (name, host, review) = (col(8, 8, 0), col(8, 28, 1), col(24, 24, 1));
        let cols = [name, host, review, col(4, 4, 5)];
        // 8 + 1 + 28 + 1 + 24 = 62 > 56: the host gets 56 - 8 - 1 - 1 - 24 = 22, not 28 and
        // the review left out.
        assert_eq!(widths(layout_columns(&cols, 56)), vec![(0, 8), (1, 22), (2, 24)]);
        // Room for both whole: nothing cut.
        assert_eq!(widths(layout_columns(&cols, 62)), vec![(0, 8), (1, 28), (2, 24)]);
    }

    /// When a key tier's columns cannot all be whole, the one that lacks least is made whole
    /// and the long one cut: a next review needing 25 cells beside a host unit of 26 at 78.
    #[test]
    fn a_key_column_one_cell_short_is_made_whole_before_a_long_one() {
        let mut review = col(24, 25, 1);
        review.need = 25;
        let cols = [col(8, 8, 0), col(4, 4, 1), col(8, 26, 1), col(12, 12, 1), review];
        // 8 + 4 + 26 + 12 + 25 + 4 gaps = 79 > 78: the host unit gives the cell.
        assert_eq!(widths(layout_columns(&cols, 78)), vec![(0, 8), (1, 4), (2, 25), (3, 12), (4, 25)]);
        assert_eq!(widths(layout_columns(&cols, 79)), vec![(0, 8), (1, 4), (2, 26), (3, 12), (4, 25)]);
    }

    /// Key facts whole before anything less important is shown at all: the host column gets
    /// what shows every host unit before the flags get a cell.
    #[test]
    fn key_columns_are_whole_before_lesser_ones_appear() {
        let mut host = col(8, 28, 1);
        host.short = Some("host");
        host.need = 16;
        let cols = [col(8, 8, 0), host, col(10, 16, 2)];
        let placed = layout_columns(&cols, 30);
        assert_eq!(widths(placed.clone()), vec![(0, 8), (1, 16)]);
        assert!(placed[1].short, "the units, not the posts");
        // Room for whole texts: the short column takes it before the flags appear.
        let placed = layout_columns(&cols, 40);
        assert_eq!(widths(placed.clone()), vec![(0, 8), (1, 28)]);
        assert!(!placed[1].short);
        let placed = layout_columns(&cols, 50);
        assert_eq!(widths(placed), vec![(0, 8), (1, 28)], "the posts before the flags");
        let placed = layout_columns(&cols, 60);
        assert_eq!(widths(placed), vec![(0, 8), (1, 28), (2, 16)]);
    }

    /// The selection is the first cell in reverse video, over its whole column width, and
    /// nothing else in the row: a cursor move rewrites two short cells, not two rows. With
    /// `--ascii` and without colour too.
    #[test]
    fn only_the_selected_rows_first_cell_is_reversed() {
        use crate::app::{Action, Display};
        use crate::lang::Lang;
        use crate::store::{Access, Store};
        use ratatui::backend::TestBackend;
        use ratatui::style::Modifier;
        use ratatui::Terminal;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        crate::sample::generate(Store::init(&path).unwrap(), 0).unwrap();
        let mut store = Store::open(&path, Access::ReadOnly).unwrap();
        let today = crate::domain::dates::parse_date("2026-11-27").unwrap();
        for (ascii, color) in [(false, true), (true, false)] {
            let opts = Display { ascii, color, ..Display::new(Lang::Zh) };
            let mut app = crate::runner::open(&mut store, today, opts).unwrap();
            app.update(Action::GoTab(Tab::Cadres));
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            let mut info = crate::app::FrameInfo::default();
            terminal.draw(|f| info = crate::ui::draw(f, &app)).unwrap();
            let buf = terminal.backend().buffer();
            let (x0, x1, _) = info.header[0];
            // The cells a terminal shows (not the second half of a wide character), reversed or not.
            let shown = |y: u16, xs: std::ops::Range<u16>| -> Vec<bool> {
                let mut skip = 0;
                let mut out = Vec::new();
                for x in info.body.x..info.body.right() {
                    let cell = &buf[(x, y)];
                    if skip == 0 && xs.contains(&x) {
                        out.push(cell.modifier.contains(Modifier::REVERSED));
                    }
                    skip = skip.max(cells(cell.symbol())).saturating_sub(1);
                }
                out
            };
            let (first, second) = (info.body.y, info.body.y + 1);
            assert!(shown(first, x0..x1).iter().all(|r| *r), "the first cell, padding included");
            assert!(!shown(first, x1..info.body.right()).contains(&true), "not the rest of the row");
            assert!(!shown(second, info.body.x..info.body.right()).contains(&true), "not other rows");
        }
    }
}
