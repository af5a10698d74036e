//! Tab 2, 互派 Pairs: one row per pair, then the unpaired secondments, with warnings.

use super::table::Hits;
use super::theme::Theme;
use crate::app::view::Tone;
use crate::app::{App, Tab};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    let pairs = app.data.pairs.len();
    let unpaired = app.table(Tab::Pairs).rows.len().saturating_sub(pairs);
    let mut extra = vec![Span::styled(format!("{pairs}{} ", app.t(" 对", " pairs")), theme.muted())];
    if unpaired > 0 {
        let text = match app.opts.lang {
            crate::lang::Lang::Zh => format!("! 未配对 {unpaired} "),
            crate::lang::Lang::En => format!("! {unpaired} unpaired "),
        };
        extra.push(Span::styled(text, theme.tone(Tone::Warning)));
    }
    super::simple_list(frame, area, app, Tab::Pairs, extra, theme)
}
