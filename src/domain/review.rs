//! Where a review stands on a given day.

use super::dates::days_between;
use super::model::Review;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Due before today with no result: what staff most need to see.
    Overdue,
    /// Due today is not late yet (Taskwarrior #2650).
    DueToday,
    DueSoon,
    Upcoming,
    Done,
    Cancelled,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 6] = [
        ReviewStatus::Overdue,
        ReviewStatus::DueToday,
        ReviewStatus::DueSoon,
        ReviewStatus::Upcoming,
        ReviewStatus::Done,
        ReviewStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReviewStatus::Overdue => "overdue",
            ReviewStatus::DueToday => "due_today",
            ReviewStatus::DueSoon => "due_soon",
            ReviewStatus::Upcoming => "upcoming",
            ReviewStatus::Done => "done",
            ReviewStatus::Cancelled => "cancelled",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ReviewStatus::Overdue => "逾期",
            ReviewStatus::DueToday => "今日到期",
            ReviewStatus::DueSoon => "即将到期",
            ReviewStatus::Upcoming => "未到期",
            ReviewStatus::Done => "已完成",
            ReviewStatus::Cancelled => "已取消",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ReviewStatus::Overdue => "overdue",
            ReviewStatus::DueToday => "due today",
            ReviewStatus::DueSoon => "due soon",
            ReviewStatus::Upcoming => "upcoming",
            ReviewStatus::Done => "done",
            ReviewStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewStatus> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.code().eq_ignore_ascii_case(s) || v.en().eq_ignore_ascii_case(s) || v.zh() == s)
    }

    /// Statuses that need someone's attention.
    pub fn is_pending_attention(self) -> bool {
        matches!(self, ReviewStatus::Overdue | ReviewStatus::DueToday | ReviewStatus::DueSoon)
    }
}

/// The status of a review due on `due`, given whether it is done or cancelled.
pub fn status_on(due: NaiveDate, done: bool, cancelled: bool, today: NaiveDate, due_soon_days: u32) -> ReviewStatus {
    if cancelled {
        return ReviewStatus::Cancelled;
    }
    if done {
        return ReviewStatus::Done;
    }
    let left = days_between(today, due);
    match left {
        l if l < 0 => ReviewStatus::Overdue,
        0 => ReviewStatus::DueToday,
        l if l <= i64::from(due_soon_days) => ReviewStatus::DueSoon,
        _ => ReviewStatus::Upcoming,
    }
}

impl Review {
    pub fn status(&self, today: NaiveDate, due_soon_days: u32) -> ReviewStatus {
        status_on(self.due, self.done.is_some(), self.cancelled, today, due_soon_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn due_today_is_not_overdue_and_the_day_after_is() {
        let due = d("2026-11-27");
        assert_eq!(status_on(due, false, false, d("2026-11-27"), 14), ReviewStatus::DueToday);
        assert_eq!(status_on(due, false, false, d("2026-11-28"), 14), ReviewStatus::Overdue);
        assert_eq!(status_on(due, false, false, d("2026-11-26"), 14), ReviewStatus::DueSoon);
    }

    #[test]
    fn due_soon_window_edges() {
        let today = d("2026-11-27");
        assert_eq!(status_on(d("2026-12-11"), false, false, today, 14), ReviewStatus::DueSoon);
        assert_eq!(status_on(d("2026-12-12"), false, false, today, 14), ReviewStatus::Upcoming);
        assert_eq!(status_on(d("2026-11-28"), false, false, today, 0), ReviewStatus::Upcoming);
    }

    #[test]
    fn done_and_cancelled_win_over_dates() {
        let today = d("2026-11-27");
        assert_eq!(status_on(d("2020-01-01"), true, false, today, 14), ReviewStatus::Done);
        assert_eq!(status_on(d("2020-01-01"), false, true, today, 14), ReviewStatus::Cancelled);
        assert_eq!(status_on(d("2020-01-01"), true, true, today, 14), ReviewStatus::Cancelled);
    }

    #[test]
    fn parse_accepts_codes_and_labels() {
        assert_eq!(ReviewStatus::parse("overdue"), Some(ReviewStatus::Overdue));
        assert_eq!(ReviewStatus::parse("逾期"), Some(ReviewStatus::Overdue));
        assert_eq!(ReviewStatus::parse("Due Today"), Some(ReviewStatus::DueToday));
        assert_eq!(ReviewStatus::parse("late"), None);
    }
}
