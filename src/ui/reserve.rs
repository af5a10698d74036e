//! Tab 4, 后备 Reserve: the rule's candidates first, then the nominations on record.

use super::table::Hits;
use super::theme::Theme;
use crate::app::view::Tone;
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    let proposed = app.table(Tab::Reserve).rows.len().saturating_sub(app.data.nominations.len());
    let extra = if proposed > 0 {
        let text = match app.opts.lang {
            crate::lang::Lang::Zh => format!("规则建议 {proposed} 人待研究 "),
            crate::lang::Lang::En => format!("{proposed} proposed by the rule "),
        };
        vec![Span::styled(text, theme.tone(Tone::Good))]
    } else {
        Vec::new()
    };
    super::simple_list(frame, area, app, Tab::Reserve, extra, theme)
}
