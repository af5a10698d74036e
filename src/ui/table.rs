//! The list widget all tabs share: columns chosen and sized for the width by priority, only
//! the visible rows turned into widgets, search matches highlighted, the sort shown in the
//! header.
//!
//! The selected row shows as its first cell in reverse video (the whole column width); the
//! rest of the row keeps its look. A cursor move then rewrites two short cells instead of two
//! whole rows, which matters over a slow SSH link (docs/SCREENS.md, "The selected row").

use super::theme::Theme;
use super::widgets::{cell_line, cells};
use crate::app::list::settle_offset;
use crate::app::view::{Column, Table as Rows};
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

/// Which columns fit in `width` and how wide each gets: columns are taken by priority at their
/// minimum while they fit; the room left goes to the most important columns first (columns of
/// equal priority share it a cell at a time), each up to its ideal width.
pub fn layout_columns(columns: &[Column], width: u16) -> Vec<(usize, u16)> {
    let mut by_priority: Vec<usize> = (0..columns.len()).collect();
    by_priority.sort_by_key(|&i| (columns[i].priority, i));
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 0;
    for &i in &by_priority {
        let need = columns[i].min.saturating_add(if chosen.is_empty() { 0 } else { SPACING });
        if used.saturating_add(need) <= width {
            chosen.push(i);
            used = used.saturating_add(need);
        }
    }
    let mut widths: Vec<u16> = vec![0; columns.len()];
    for &i in &chosen {
        widths[i] = columns[i].min;
    }
    let mut extra = width.saturating_sub(used);
    // First every column up to its ideal, then (wide screens) up to its whole content.
    for target in [|c: &Column| c.ideal, |c: &Column| c.full] {
        let mut rank = 0;
        while extra > 0 && rank < chosen.len() {
            let priority = columns[chosen[rank]].priority;
            let group: Vec<usize> = chosen.iter().copied().filter(|&i| columns[i].priority == priority).collect();
            loop {
                let mut grew = false;
                for &i in &group {
                    if extra > 0 && widths[i] < target(&columns[i]) {
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
    chosen.into_iter().map(|i| (i, widths[i])).collect()
}

/// Draws `tab`'s list into `area` (no border: the caller's block is around it).
pub fn render(frame: &mut Frame, area: Rect, app: &App, tab: Tab, theme: &Theme) -> Hits {
    let rows = app.table(tab);
    let list = &app.lists[tab.index()];
    if area.width == 0 || area.height < 2 {
        return Hits::default();
    }
    let layout = layout_columns(&rows.columns, area.width);
    let body = Rect { y: area.y + 1, height: area.height - 1, ..area };
    let page = usize::from(body.height);
    let offset = settle_offset(list.offset, list.selected, page, list.visible.len());

    let mut header = Vec::new();
    let mut x = area.x;
    for &(col, w) in &layout {
        header.push((x, x.saturating_add(w), col));
        x = x.saturating_add(w).saturating_add(SPACING);
    }
    let header_row = Row::new(layout.iter().map(|&(col, w)| header_cell(&rows.columns[col], col, w, list, theme)));
    let widths: Vec<Constraint> = layout.iter().map(|&(_, w)| Constraint::Length(w)).collect();

    if list.visible.is_empty() {
        let table = Table::new(Vec::<Row>::new(), widths).header(header_row).column_spacing(SPACING);
        frame.render_widget(table, area);
        let msg = theme.plain(empty_message(app, list)).into_owned();
        let y = body.y.saturating_add(body.height / 2).min(body.bottom().saturating_sub(1));
        let line = Rect { y, height: 1, ..body };
        frame.render_widget(Paragraph::new(Line::from(Span::styled(msg, theme.muted())).centered()), line);
    } else {
        let end = offset.saturating_add(page).min(list.visible.len());
        let shown =
            list.visible.slice(offset, end).into_iter().map(|i| body_row(rows, app.row(tab, i), &layout, list, theme));
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

fn header_cell(column: &Column, col: usize, w: u16, list: &ListState, theme: &Theme) -> Line<'static> {
    if list.sort == Some(col) {
        let marker = theme.sort_marker(list.reverse);
        let label = super::widgets::fit(column.label, usize::from(w.saturating_sub(cells(marker))), theme).0;
        Line::from(vec![
            Span::styled(label.into_owned(), theme.sorted_header()),
            Span::styled(marker, theme.sorted_header()),
        ])
    } else {
        let label = super::widgets::fit(column.label, usize::from(w), theme).0;
        Line::from(Span::styled(label.into_owned(), theme.table_header()))
    }
}

/// `row` is `None` only for a large database's row whose cells are still being read (a
/// moment after a jump): it shows blank.
fn body_row(
    rows: &Rows,
    row: Option<&crate::app::view::Row>,
    layout: &[(usize, u16)],
    list: &ListState,
    theme: &Theme,
) -> Row<'static> {
    let Some(row) = row else { return Row::new(layout.iter().map(|_| Line::default())) };
    let cells = layout.iter().map(|&(col, w)| {
        let Some(cell) = row.cells.get(col) else { return Line::default() };
        let ranges = match (&cell.key, list.query.is_empty()) {
            (Some(key), false) => key.matches(&list.query).unwrap_or_default(),
            _ => Vec::new(),
        };
        let style = theme.cell(row.tone, cell.tone);
        cell_line(&cell.text, w, rows.columns[col].align, &ranges, style, theme)
    });
    Row::new(cells)
}

fn empty_message(app: &App, list: &ListState) -> &'static str {
    let loading = app.loading(app.tab);
    if loading {
        app.t("正在读取全部记录，读完即显示结果……", "Reading every record; results show when done…")
    } else if list.searching() {
        app.t("没有匹配的记录（Esc 清除搜索）", "Nothing matches (Esc clears the search)")
    } else if !list.filters.is_default() {
        app.t("没有符合筛选条件的记录（x 清除筛选）", "Nothing passes the filters (x clears them)")
    } else {
        app.t("没有记录", "No records")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::view::Align;

    fn col(min: u16, ideal: u16, priority: u8) -> Column {
        Column { label: "x", min, ideal, cap: ideal, full: ideal, priority, align: Align::Left }
    }

    #[test]
    fn narrow_widths_drop_the_least_important_columns() {
        let cols = [col(6, 10, 0), col(10, 20, 2), col(4, 4, 1)];
        assert_eq!(layout_columns(&cols, 11), vec![(0, 6), (2, 4)]);
        let wide = layout_columns(&cols, 100);
        assert_eq!(wide, vec![(0, 10), (1, 20), (2, 4)]);
        assert!(layout_columns(&cols, 0).is_empty());
        assert!(layout_columns(&cols, 3).is_empty());
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
