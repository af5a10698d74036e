//! Tab 1, 干部 Cadres: every cadre with the current or last secondment (archived ones on `v`).

use super::table::Hits;
use super::theme::Theme;
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    let filters = &app.lists[Tab::Cadres.index()].filters;
    let mut extra = Vec::new();
    if let Some(p) = filters.phase {
        extra.push(Span::styled(format!("[{}] ", app.t(p.zh(), p.en())), theme.key()));
    }
    if filters.show_archived {
        extra.push(Span::styled(format!("[{}] ", app.t("含已归档", "archived shown")), theme.key()));
    }
    super::simple_list(frame, area, app, Tab::Cadres, extra, theme)
}
