//! `E`'s dialog: the format, the columns and the file name, one line each, the chosen option
//! in brackets (readable without colour and with `--ascii`), and what will be written.

use super::form::input_view;
use super::theme::Theme;
use super::widgets::{cells, centered, clear_margins};
use crate::app::export::{ExportDialog, ExportField, ExportFormat};
use crate::app::App;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Draws the dialog over `screen`; returns where the caret goes (on the file name).
pub fn render(frame: &mut Frame, app: &App, d: &ExportDialog, theme: &Theme) -> Option<Position> {
    let screen = frame.area();
    let width = screen.width.saturating_sub(4).min(64);
    if width < 24 || screen.height < 6 {
        return None;
    }
    let area = centered(screen, width, 6);
    let title = format!(" {} {} ", app.t("导出", "Export"), app.t(d.tab.zh(), d.tab.en()));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()));
    frame.render_widget(Clear, area);
    clear_margins(frame.buffer_mut(), area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };

    let names = [app.t("格式", "Format"), app.t("列", "Columns"), app.t("文件", "File")];
    let label_w = names.iter().map(|n| cells(n)).max().unwrap_or(0) + 2;
    let label = |field: ExportField, name: &str| {
        let style = if d.focus == field { theme.key() } else { theme.muted() };
        let pad = usize::from(label_w.saturating_sub(cells(name)));
        Span::styled(format!("{name}{}", " ".repeat(pad)), style)
    };
    let choices = |field: ExportField, options: Vec<(&str, bool)>| {
        let mut spans = vec![label(field, names[field as usize])];
        for (text, chosen) in options {
            let shown = if chosen { format!("[{text}]") } else { format!(" {text} ") };
            let style = if chosen && d.focus == field { theme.selected() } else { ratatui::style::Style::new() };
            spans.push(Span::styled(shown, style));
            spans.push(Span::raw(" "));
        }
        Line::from(spans)
    };
    let formats = ExportFormat::formats(d.tab).iter().map(|f| (f.label(), *f == d.format)).collect();
    let columns_line = if d.format.has_columns() {
        let columns = vec![
            (app.t("列表的列", "the list's columns"), !d.every_field),
            (app.t("全部字段", "every field"), d.every_field),
        ];
        choices(ExportField::Columns, columns)
    } else {
        let form = app.t("每位干部一份任免审批表（.lrmx）", "one 任免审批表 (.lrmx) per cadre");
        Line::from(vec![label(ExportField::Columns, names[1]), Span::styled(form, theme.muted())])
    };
    let input_w = usize::from(inner.width.saturating_sub(label_w));
    let (shown, caret) = input_view(&d.file, input_w, theme.ascii);
    let pad = input_w.saturating_sub(crate::text::width(&shown));
    let file = Line::from(vec![
        label(ExportField::File, names[2]),
        Span::styled(format!("{shown}{}", " ".repeat(pad)), theme.input(d.focus == ExportField::File)),
    ]);
    let rows = app.lists[d.tab.index()].visible.len();
    let note = match app.opts.lang {
        crate::lang::Lang::Zh => format!("{rows} 行，按本页的筛选和排序；写入当前文件夹"),
        crate::lang::Lang::En => {
            format!("{}, the screen's filter and sort; into this folder", crate::lang::count(rows, "row", "rows"))
        }
    };
    let lines =
        vec![choices(ExportField::Format, formats), columns_line, file, Line::from(Span::styled(note, theme.muted()))];
    frame.render_widget(Paragraph::new(lines), Rect { y: inner.y, height: inner.height.min(5), ..inner });
    (d.focus == ExportField::File).then(|| {
        let x = inner.x + label_w + u16::try_from(caret).unwrap_or(0);
        Position::new(x.min(inner.right().saturating_sub(1)), inner.y + 2)
    })
}
