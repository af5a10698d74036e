//! Tab 4, 后备 Reserve: the rule's candidates first, then the nominations on record.

use super::table::Hits;
use super::theme::Theme;
use crate::app::view::Tone;
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    let mut extra = Vec::new();
    if let Some(s) = app.lists[Tab::Reserve.index()].filters.standing {
        extra.push(Span::styled(format!("[{}] ", app.t(s.zh(), s.en())), theme.key()));
    }
    // Counted by the catalog over every record; none while it is still being read.
    let proposed = app.catalogs.reserve.as_ref().map_or(0, |c| c.candidates());
    if proposed > 0 {
        let text = match app.opts.lang {
            crate::lang::Lang::Zh => format!("规则建议 {proposed} 人待研究 "),
            crate::lang::Lang::En => format!("{proposed} proposed by the rule "),
        };
        extra.push(Span::styled(text, theme.tone(Tone::Good)));
    }
    super::simple_list(frame, area, app, Tab::Reserve, extra, theme)
}
