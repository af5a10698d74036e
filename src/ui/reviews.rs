//! Tab 3, 考核 Reviews: every review by due date, filtered by status (pending by default),
//! kind, batch and district.

use super::table::Hits;
use super::theme::Theme;
use crate::app::{App, StatusFilter, Tab};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::Frame;

/// The active filters in words, for the title.
pub fn filter_words(app: &App) -> Vec<String> {
    let f = &app.lists[Tab::Reviews.index()].filters;
    let mut words = vec![match f.status {
        StatusFilter::Pending => app.t("待办", "pending").to_string(),
        StatusFilter::Only(s) => app.t(s.zh(), s.en()).to_string(),
        StatusFilter::All => app.t("全部状态", "all statuses").to_string(),
    }];
    if let Some(k) = f.kind {
        words.push(app.t(k.zh(), k.en()).to_string());
    }
    if let Some(b) = f.batch {
        words.push(app.lookup().batch_name(b).to_string());
    }
    if let Some(d) = f.district {
        words.push(app.t(d.zh(), d.en()).to_string());
    }
    words
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Hits {
    let words = filter_words(app).join(theme.dot().trim());
    let extra = vec![Span::styled(format!("[{words}] "), theme.key())];
    super::simple_list(frame, area, app, Tab::Reviews, extra, theme)
}
