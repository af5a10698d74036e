//! A secondment's term as the rules read it: whose, which batch, which way, where and when.
//! The status, the "current" choice, the policy flags and the pair checks need nothing else,
//! so lists that keep secondments compactly hand the rules real terms, not padded records.

use super::model::{Direction, Id, SecondmentStatus};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub id: Id,
    pub cadre_id: Id,
    pub batch_id: Id,
    pub direction: Direction,
    pub host_unit_id: Id,
    pub start: NaiveDate,
    pub planned_end: NaiveDate,
    pub actual_end: Option<NaiveDate>,
}

impl Term {
    /// The last day served or to be served.
    pub fn end(&self) -> NaiveDate {
        self.actual_end.unwrap_or(self.planned_end)
    }

    pub fn status(&self, today: NaiveDate) -> SecondmentStatus {
        match self.actual_end {
            Some(end) if end < self.planned_end && end < today => SecondmentStatus::EndedEarly,
            _ if today < self.start => SecondmentStatus::Planned,
            _ if today > self.end() => SecondmentStatus::Completed,
            _ => SecondmentStatus::Active,
        }
    }

    /// The term is over once its last day has passed.
    pub fn term_over(&self, today: NaiveDate) -> bool {
        today > self.end()
    }

    /// Where a cadre stands in the programme, from all its terms: serving (`Active`) when one
    /// is being served, else `Planned` when one is still to begin, else `Completed` (ended
    /// early included); `None` without a term. What the Cadres tab orders and filters by.
    pub fn phase(terms: &[Term], today: NaiveDate) -> Option<SecondmentStatus> {
        let statuses = || terms.iter().map(|t| t.status(today));
        if terms.is_empty() {
            None
        } else if statuses().any(|s| s == SecondmentStatus::Active) {
            Some(SecondmentStatus::Active)
        } else if statuses().any(|s| s == SecondmentStatus::Planned) {
            Some(SecondmentStatus::Planned)
        } else {
            Some(SecondmentStatus::Completed)
        }
    }

    /// Of one cadre's terms in start order, the position of the one being served, else of the
    /// last one begun, else of the next one planned.
    pub fn current(in_start_order: &[Term], today: NaiveDate) -> Option<usize> {
        let n = in_start_order.len();
        (0..n)
            .rev()
            .find(|&i| in_start_order[i].status(today) == SecondmentStatus::Active)
            .or_else(|| (0..n).rev().find(|&i| in_start_order[i].start <= today))
            .or_else(|| (n > 0).then_some(0))
    }
}
