//! Tab 1, 干部 Cadres: every cadre with the current or last secondment.

use super::table::Hits;
use super::theme::Theme;
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    super::simple_list(frame, area, app, Tab::Cadres, Vec::new(), theme)
}
