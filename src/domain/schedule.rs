//! The reviews a secondment owes, generated from its term by the stored policy, and how an
//! existing schedule follows a change of term or an early end.

use super::dates::{quarter_end, quarter_of};
use super::model::{Id, Policy, Review, ReviewKind};
use chrono::{Datelike, Days, NaiveDate};

pub const END_OF_TERM_PERIOD: &str = "term";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedReview {
    pub kind: ReviewKind,
    pub period: String,
    pub due: NaiveDate,
}

impl PlannedReview {
    /// The review as first recorded: open, with no result, version 1.
    pub fn open(self, id: Id, secondment_id: Id) -> Review {
        Review {
            id,
            secondment_id,
            kind: self.kind,
            period: self.period,
            due: self.due,
            done: None,
            grade: None,
            assessor: String::new(),
            note: String::new(),
            cancelled: false,
            version: 1,
        }
    }
}

/// Every review owed by a term from `start` to `end` (inclusive): a routine review per calendar
/// quarter the term touches, an annual review per calendar year it touches, and the end-of-term
/// evaluation after `end`. Sorted by due date.
pub fn owed_reviews(start: NaiveDate, end: NaiveDate, policy: &Policy) -> Vec<PlannedReview> {
    let mut out = Vec::new();
    if end < start {
        return out;
    }
    let (mut year, mut quarter) = (start.year(), quarter_of(start));
    let last = (end.year(), quarter_of(end));
    loop {
        out.push(PlannedReview {
            kind: ReviewKind::Routine,
            period: format!("{year}Q{quarter}"),
            due: quarter_end(year, quarter) + Days::new(policy.routine_due_days.into()),
        });
        if (year, quarter) == last {
            break;
        }
        (year, quarter) = if quarter == 4 { (year + 1, 1) } else { (year, quarter + 1) };
    }
    for year in start.year()..=end.year() {
        out.push(PlannedReview { kind: ReviewKind::Annual, period: year.to_string(), due: annual_due(year, policy) });
    }
    out.push(PlannedReview {
        kind: ReviewKind::EndOfTerm,
        period: END_OF_TERM_PERIOD.to_string(),
        due: end + Days::new(policy.end_of_term_due_days.into()),
    });
    out.sort_by_key(|p| (p.due, p.kind));
    out
}

/// The annual review for `year` falls due on the policy's month and day of the following year
/// (a day past the month's end is held to its last day).
fn annual_due(year: i32, policy: &Policy) -> NaiveDate {
    let month = policy.annual_due_month.clamp(1, 12);
    (1..=policy.annual_due_day.clamp(1, 31))
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(year + 1, month, day))
        .expect("day 1 always exists")
}

/// What a term from `start` to `last` does to its stored reviews: the store applies exactly
/// this, and the end-early form shows it before saving.
pub fn term_changes(existing: &[Review], start: NaiveDate, last: NaiveDate, policy: &Policy) -> Vec<ScheduleChange> {
    reconcile(existing, &owed_reviews(start, last, policy))
}

/// The reviews of a new term as the store leaves them when it adds the term with its schedule
/// and then records its early end (`ended`), if any: the planned term's reviews, then
/// [`term_changes`] to the early end applied to them (each change one version on). Ids are
/// 1, 2 … in the order the store would insert them; `secondment_id` is 0.
pub fn new_term_reviews(
    start: NaiveDate,
    planned_end: NaiveDate,
    ended: Option<NaiveDate>,
    policy: &Policy,
) -> Vec<Review> {
    let mut reviews: Vec<Review> =
        owed_reviews(start, planned_end, policy).into_iter().enumerate().map(|(i, p)| p.open(i as Id + 1, 0)).collect();
    let Some(end) = ended else { return reviews };
    for change in term_changes(&reviews, start, end, policy) {
        match change {
            ScheduleChange::Insert(p) => {
                let id = reviews.len() as Id + 1;
                reviews.push(p.open(id, 0));
            }
            ScheduleChange::Reschedule { id, due } => {
                let r = &mut reviews[id as usize - 1];
                (r.due, r.cancelled, r.version) = (due, false, r.version + 1);
            }
            ScheduleChange::Cancel { id } => {
                let r = &mut reviews[id as usize - 1];
                (r.cancelled, r.version) = (true, r.version + 1);
            }
        }
    }
    reviews
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleChange {
    Insert(PlannedReview),
    /// An open review whose due date moves (or a cancelled one that is owed again).
    Reschedule {
        id: Id,
        due: NaiveDate,
    },
    Cancel {
        id: Id,
    },
}

/// Brings `existing` reviews in line with `owed`. Reviews already done are never touched:
/// history stays as it was recorded. Open reviews no longer owed are cancelled, not deleted.
pub fn reconcile(existing: &[Review], owed: &[PlannedReview]) -> Vec<ScheduleChange> {
    let mut changes = Vec::new();
    for plan in owed {
        match existing.iter().find(|r| r.kind == plan.kind && r.period == plan.period) {
            Some(r) if r.done.is_some() => {}
            Some(r) if r.cancelled || r.due != plan.due => {
                changes.push(ScheduleChange::Reschedule { id: r.id, due: plan.due })
            }
            Some(_) => {}
            None => changes.push(ScheduleChange::Insert(plan.clone())),
        }
    }
    for r in existing {
        let still_owed = owed.iter().any(|p| p.kind == r.kind && p.period == r.period);
        if !still_owed && r.done.is_none() && !r.cancelled {
            changes.push(ScheduleChange::Cancel { id: r.id });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::Grade;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn periods(plan: &[PlannedReview], kind: ReviewKind) -> Vec<(String, NaiveDate)> {
        plan.iter().filter(|p| p.kind == kind).map(|p| (p.period.clone(), p.due)).collect()
    }

    fn as_reviews(plan: &[PlannedReview]) -> Vec<Review> {
        plan.iter().enumerate().map(|(i, p)| p.clone().open(i as Id + 1, 1)).collect()
    }

    #[test]
    fn two_year_term_from_april_owes_eight_quarters_three_years_and_the_evaluation() {
        let plan = owed_reviews(d("2017-04-01"), d("2019-03-31"), &Policy::default());
        let routine = periods(&plan, ReviewKind::Routine);
        assert_eq!(routine.len(), 8);
        assert_eq!(routine[0], ("2017Q2".into(), d("2017-07-15")));
        assert_eq!(routine[7], ("2019Q1".into(), d("2019-04-15")));
        assert_eq!(
            periods(&plan, ReviewKind::Annual),
            vec![("2017".into(), d("2018-01-31")), ("2018".into(), d("2019-01-31")), ("2019".into(), d("2020-01-31")),]
        );
        assert_eq!(periods(&plan, ReviewKind::EndOfTerm), vec![("term".into(), d("2019-04-30"))]);
        assert!(plan.windows(2).all(|w| w[0].due <= w[1].due), "sorted by due date");
    }

    #[test]
    fn a_partial_year_still_owes_its_annual_review() {
        // Starts in December: one month of 2017 still earns the 2017 annual review.
        let plan = owed_reviews(d("2017-12-01"), d("2018-02-28"), &Policy::default());
        assert_eq!(
            periods(&plan, ReviewKind::Annual),
            vec![("2017".into(), d("2018-01-31")), ("2018".into(), d("2019-01-31"))]
        );
        assert_eq!(periods(&plan, ReviewKind::Routine).len(), 2);
    }

    #[test]
    fn term_starting_29_february() {
        let plan = owed_reviews(d("2020-02-29"), d("2022-02-28"), &Policy::default());
        let routine = periods(&plan, ReviewKind::Routine);
        assert_eq!(routine.first().unwrap(), &("2020Q1".to_string(), d("2020-04-15")));
        assert_eq!(routine.last().unwrap(), &("2022Q1".to_string(), d("2022-04-15")));
        assert_eq!(routine.len(), 9);
        assert_eq!(periods(&plan, ReviewKind::EndOfTerm)[0].1, d("2022-03-30"));
    }

    #[test]
    fn policy_changes_the_due_dates() {
        let policy = Policy {
            routine_due_days: 10,
            annual_due_month: 2,
            annual_due_day: 31,
            end_of_term_due_days: 60,
            ..Policy::default()
        };
        let plan = owed_reviews(d("2019-01-01"), d("2019-12-31"), &policy);
        assert_eq!(periods(&plan, ReviewKind::Routine)[0].1, d("2019-04-10"));
        assert_eq!(periods(&plan, ReviewKind::Annual)[0].1, d("2020-02-29"));
        assert_eq!(periods(&plan, ReviewKind::EndOfTerm)[0].1, d("2020-02-29"));
    }

    #[test]
    fn ending_early_cancels_later_reviews_and_moves_the_evaluation_up() {
        let policy = Policy::default();
        let existing = as_reviews(&owed_reviews(d("2017-04-01"), d("2019-03-31"), &policy));
        let owed = owed_reviews(d("2017-04-01"), d("2018-05-10"), &policy);
        let changes = reconcile(&existing, &owed);
        let cancelled: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c {
                ScheduleChange::Cancel { id } => Some(existing.iter().find(|r| r.id == *id).unwrap().period.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(cancelled, vec!["2018Q3", "2018Q4", "2019Q1", "2019"]);
        let term = existing.iter().find(|r| r.kind == ReviewKind::EndOfTerm).unwrap();
        assert!(changes.contains(&ScheduleChange::Reschedule { id: term.id, due: d("2018-06-09") }));
        assert!(!changes.iter().any(|c| matches!(c, ScheduleChange::Insert(_))));
    }

    #[test]
    fn changing_a_term_leaves_done_reviews_alone() {
        let policy = Policy::default();
        let mut existing = as_reviews(&owed_reviews(d("2017-04-01"), d("2019-03-31"), &policy));
        // The first routine review was done; the term is then moved a quarter later.
        existing[0].done = Some(d("2017-07-10"));
        existing[0].grade = Some(Grade::Competent);
        let done_id = existing[0].id;
        let owed = owed_reviews(d("2017-07-01"), d("2019-06-30"), &policy);
        let changes = reconcile(&existing, &owed);
        let touches = |id: Id| {
            changes.iter().any(|c| {
                matches!(c, ScheduleChange::Cancel { id: i } | ScheduleChange::Reschedule { id: i, .. } if *i == id)
            })
        };
        assert!(!touches(done_id), "a done review is history");
        assert!(changes.contains(&ScheduleChange::Insert(PlannedReview {
            kind: ReviewKind::Routine,
            period: "2019Q2".into(),
            due: d("2019-07-15"),
        })));
        assert!(reconcile(&as_reviews(&owed), &owed).is_empty(), "an up-to-date schedule needs nothing");
    }

    #[test]
    fn a_cancelled_review_owed_again_is_restored() {
        let policy = Policy::default();
        let mut existing = as_reviews(&owed_reviews(d("2017-04-01"), d("2019-03-31"), &policy));
        existing.iter_mut().for_each(|r| r.cancelled = r.period == "2019Q1");
        let owed = owed_reviews(d("2017-04-01"), d("2019-03-31"), &policy);
        let id = existing.iter().find(|r| r.period == "2019Q1").unwrap().id;
        assert_eq!(reconcile(&existing, &owed), vec![ScheduleChange::Reschedule { id, due: d("2019-04-15") }]);
    }

    #[test]
    fn end_before_start_owes_nothing() {
        assert!(owed_reviews(d("2019-01-01"), d("2018-12-31"), &Policy::default()).is_empty());
    }
}
