//! Tab 2, 互派 Pairs: one row per pair, then the unpaired secondments, with warnings.

use super::table::Hits;
use super::theme::Theme;
use crate::app::view::Tone;
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    // Counted by the catalog over every record; none while it is still being read.
    let mut extra = Vec::new();
    if let Some((pairs, unpaired)) = app.catalogs.pairs.as_ref().map(|c| c.counts()) {
        extra.push(Span::styled(format!("{pairs}{} ", app.t(" 对", " pairs")), theme.muted()));
        if unpaired > 0 {
            let text = match app.opts.lang {
                crate::lang::Lang::Zh => format!("! 未配对 {unpaired} "),
                crate::lang::Lang::En => format!("! {unpaired} unpaired "),
            };
            extra.push(Span::styled(text, theme.tone(Tone::Warning)));
        }
    }
    super::simple_list(frame, area, app, Tab::Pairs, extra, theme)
}
