//! Tab 6, 单位 Units: every unit, with how many cadres work there and how many are hosted.

use super::table::Hits;
use super::theme::Theme;
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    super::simple_list(frame, area, app, Tab::Units, Vec::new(), theme)
}
