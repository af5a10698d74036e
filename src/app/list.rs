//! One tab's list state: selection, scroll, sort, search and filters, and the rows they leave
//! (`visible`, indices into the tab's rows, in display order).

use super::catalog::Visible;
use super::view::Tags;
use crate::domain::review::ReviewStatus;
use crate::domain::{District, Id, ReserveStatus, ReviewKind, SecondmentStatus};
use crate::search::Query;
use tui_input::Input;

/// The review status filter. `Pending` (the default) hides done and cancelled reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Pending,
    Only(ReviewStatus),
    All,
}

impl StatusFilter {
    const CYCLE: [StatusFilter; 8] = [
        StatusFilter::Pending,
        StatusFilter::Only(ReviewStatus::Overdue),
        StatusFilter::Only(ReviewStatus::DueToday),
        StatusFilter::Only(ReviewStatus::DueSoon),
        StatusFilter::Only(ReviewStatus::Upcoming),
        StatusFilter::Only(ReviewStatus::Done),
        StatusFilter::Only(ReviewStatus::Cancelled),
        StatusFilter::All,
    ];

    pub fn next(self) -> StatusFilter {
        let i = Self::CYCLE.iter().position(|f| *f == self).unwrap_or(0);
        Self::CYCLE[(i + 1) % Self::CYCLE.len()]
    }

    /// Shows no done or cancelled review.
    pub fn pending_only(self) -> bool {
        !matches!(
            self,
            StatusFilter::All | StatusFilter::Only(ReviewStatus::Done) | StatusFilter::Only(ReviewStatus::Cancelled)
        )
    }

    pub fn accepts(self, status: ReviewStatus) -> bool {
        match self {
            StatusFilter::Pending => !matches!(status, ReviewStatus::Done | ReviewStatus::Cancelled),
            StatusFilter::Only(s) => s == status,
            StatusFilter::All => true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub status: StatusFilter,
    pub kind: Option<ReviewKind>,
    pub batch: Option<Id>,
    pub district: Option<District>,
    /// Archived cadres are hidden unless this is set (the Cadres tab's `v`).
    pub show_archived: bool,
    /// Cadres serving, planned or completed (the Cadres tab's `f`); `None` for all.
    pub phase: Option<SecondmentStatus>,
    /// The Reserve tab's `f`: the rule's candidates, or nominations in one status. Rows carry
    /// it, not their tags: the reserve catalog applies it row by row.
    pub standing: Option<Standing>,
}

/// Where a row of the Reserve tab stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Proposed by the rule (an excellent final evaluation), not nominated yet.
    Rule,
    Nominated(ReserveStatus),
}

impl Standing {
    /// Every standing, in the order of the programme.
    pub fn all() -> impl Iterator<Item = Standing> {
        std::iter::once(Standing::Rule).chain(ReserveStatus::ALL.iter().map(|&s| Standing::Nominated(s)))
    }

    pub fn zh(self) -> &'static str {
        match self {
            Standing::Rule => "规则建议",
            Standing::Nominated(s) => s.zh(),
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Standing::Rule => "rule proposal",
            Standing::Nominated(s) => s.en(),
        }
    }
}

impl Filters {
    /// Whether a row with these tags passes (catalogs keep tags, not rows).
    pub fn accepts_tags(&self, t: &Tags) -> bool {
        (self.show_archived || !t.archived)
            && t.status.is_none_or(|s| self.status.accepts(s))
            && self.kind.is_none_or(|k| t.kind == Some(k))
            && self.batch.is_none_or(|b| t.batch == Some(b))
            && self.district.is_none_or(|d| t.district == Some(d))
            && self.phase.is_none_or(|p| t.phase == Some(p))
    }

    pub fn is_default(&self) -> bool {
        *self == Filters::default()
    }
}

/// Cycles `None → first → … → last → None`.
pub fn cycle<T: Copy + PartialEq>(current: Option<T>, all: &[T]) -> Option<T> {
    match current.and_then(|c| all.iter().position(|x| *x == c)) {
        None => all.first().copied(),
        Some(i) => all.get(i + 1).copied(),
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListState {
    /// Position of the selected row within `visible`.
    pub selected: usize,
    /// The first row shown; the frame settles it, `update(Frame)` stores it.
    pub offset: usize,
    pub sort: Option<usize>,
    pub reverse: bool,
    pub input: Input,
    pub query: Query,
    pub filters: Filters,
    /// Rows left by the filters and the search, in display order (rows of the tab's catalog).
    pub visible: Visible,
}

impl ListState {
    /// The catalog row of the selected entry.
    pub fn selected_row(&self) -> Option<usize> {
        self.visible.get(self.selected)
    }

    pub fn searching(&self) -> bool {
        !self.input.value().trim().is_empty()
    }

    /// Takes the search input's current text as the query (refresh the list after).
    pub fn take_query(&mut self) {
        self.query = Query::new(self.input.value());
    }

    /// After a refresh for a new query: typing jumps to the best (first) match.
    pub fn jump_to_first_match(&mut self) {
        if self.searching() {
            self.selected = 0;
            self.offset = 0;
        }
    }

    pub fn clamp(&mut self) {
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn select_row(&mut self, row: usize) -> bool {
        match self.visible.position(row) {
            Some(p) => {
                self.selected = p;
                true
            }
            None => false,
        }
    }
}

/// Where the view should start so that `selected` shows in `height` rows, moving as little
/// as possible from `offset`; never past the point where the last row reaches the bottom.
pub fn settle_offset(offset: usize, selected: usize, height: usize, len: usize) -> usize {
    if height == 0 || len == 0 {
        return 0;
    }
    let mut offset = offset.min(len.saturating_sub(height));
    if selected < offset {
        offset = selected;
    } else if selected >= offset.saturating_add(height) {
        offset = selected.saturating_add(1).saturating_sub(height);
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_moves_as_little_as_possible() {
        assert_eq!(settle_offset(0, 5, 10, 100), 0);
        assert_eq!(settle_offset(0, 10, 10, 100), 1);
        assert_eq!(settle_offset(50, 10, 10, 100), 10);
        assert_eq!(settle_offset(95, 99, 10, 100), 90);
        assert_eq!(settle_offset(3, 0, 0, 100), 0);
        assert_eq!(settle_offset(3, 0, 5, 0), 0);
    }

    #[test]
    fn cycling_filters_returns_to_none() {
        let all = [1, 2, 3];
        assert_eq!(cycle(None, &all), Some(1));
        assert_eq!(cycle(Some(3), &all), None);
        assert_eq!(cycle(None, &[] as &[i32]), None);
        let mut f = StatusFilter::default();
        for _ in 0..8 {
            f = f.next();
        }
        assert_eq!(f, StatusFilter::Pending);
    }
}
