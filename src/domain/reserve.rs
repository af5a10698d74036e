//! Who the rule proposes for the reserve cadre pool (后备干部库): outstanding performance and an
//! excellent evaluation at the end of the term. The rule only proposes; staff decide.

use super::model::{Grade, Review, ReviewKind, Secondment};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eligibility {
    Eligible,
    NotYet(&'static str),
    NotEligible(&'static str),
}

impl Eligibility {
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Eligible)
    }
}

/// The grades behind a term, from its reviews that are not cancelled: the end-of-term grade
/// (the first end-of-term review's, `None` until recorded) and the annual grades in the order
/// the reviews fall due.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grades {
    pub final_grade: Option<Grade>,
    /// Whether the term has an end-of-term review at all (not cancelled).
    pub has_final: bool,
    /// The day the end-of-term evaluation was done (when it was).
    pub evaluated: Option<NaiveDate>,
    pub annual: Vec<Grade>,
}

impl Grades {
    /// From a term's reviews in due order (cancelled ones are skipped).
    pub fn of<'a>(reviews: impl IntoIterator<Item = &'a Review>) -> Grades {
        let mut g = Grades::default();
        for r in reviews.into_iter().filter(|r| !r.cancelled) {
            g.note(r.kind, r.grade, r.done);
        }
        g
    }

    /// Takes in one live review (in due order).
    pub fn note(&mut self, kind: ReviewKind, grade: Option<Grade>, done: Option<NaiveDate>) {
        match kind {
            ReviewKind::EndOfTerm if !self.has_final => {
                self.has_final = true;
                self.final_grade = grade;
                self.evaluated = done;
            }
            ReviewKind::Annual => self.annual.extend(grade),
            _ => {}
        }
    }

    /// The lowest annual grade.
    pub fn worst_annual(&self) -> Option<Grade> {
        self.annual.iter().max().copied()
    }
}

/// The term is over, the end-of-term grade is 优秀, and no annual review is below 称职.
pub fn eligibility_of(term_over: bool, grades: &Grades) -> Eligibility {
    if !term_over {
        return Eligibility::NotYet("term not over");
    }
    if grades.worst_annual().is_some_and(|g| g > Grade::Competent) {
        return Eligibility::NotEligible("an annual review below 称职");
    }
    match grades.final_grade {
        Some(Grade::Excellent) => Eligibility::Eligible,
        Some(_) => Eligibility::NotEligible("end-of-term grade not 优秀"),
        None => Eligibility::NotYet("end-of-term evaluation not recorded"),
    }
}

/// `eligibility_of` for a secondment and its reviews (others' reviews are ignored).
pub fn eligibility(secondment: &Secondment, reviews: &[Review], today: NaiveDate) -> Eligibility {
    let grades = Grades::of(reviews.iter().filter(|r| r.secondment_id == secondment.id));
    eligibility_of(secondment.term_over(today), &grades)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{Direction, Id};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn secondment() -> Secondment {
        Secondment {
            id: 7,
            cadre_id: 1,
            batch_id: 1,
            direction: Direction::Down,
            host_unit_id: 2,
            host_post: "党委委员".into(),
            start: d("2017-04-01"),
            planned_end: d("2019-03-31"),
            actual_end: None,
            end_reason: None,
            version: 1,
        }
    }

    fn review(id: Id, kind: ReviewKind, period: &str, grade: Option<Grade>) -> Review {
        Review {
            id,
            secondment_id: 7,
            kind,
            period: period.into(),
            due: d("2019-04-30"),
            done: grade.map(|_| d("2019-04-20")),
            grade,
            assessor: String::new(),
            note: String::new(),
            cancelled: false,
            version: 1,
        }
    }

    #[test]
    fn excellent_evaluation_and_competent_years_is_eligible_after_the_term() {
        let reviews = vec![
            review(1, ReviewKind::Annual, "2017", Some(Grade::Competent)),
            review(2, ReviewKind::Annual, "2018", Some(Grade::Excellent)),
            review(3, ReviewKind::EndOfTerm, "term", Some(Grade::Excellent)),
        ];
        assert_eq!(eligibility(&secondment(), &reviews, d("2019-05-01")), Eligibility::Eligible);
        // The last day of the term is still the term.
        assert!(!eligibility(&secondment(), &reviews, d("2019-03-31")).is_eligible());
        assert!(eligibility(&secondment(), &reviews, d("2019-04-01")).is_eligible());
    }

    #[test]
    fn a_basic_annual_grade_disqualifies() {
        let reviews = vec![
            review(1, ReviewKind::Annual, "2017", Some(Grade::Basic)),
            review(3, ReviewKind::EndOfTerm, "term", Some(Grade::Excellent)),
        ];
        assert!(matches!(eligibility(&secondment(), &reviews, d("2019-05-01")), Eligibility::NotEligible(_)));
    }

    #[test]
    fn competent_evaluation_or_none_is_not_eligible() {
        let competent = vec![review(3, ReviewKind::EndOfTerm, "term", Some(Grade::Competent))];
        assert!(matches!(eligibility(&secondment(), &competent, d("2019-05-01")), Eligibility::NotEligible(_)));
        let pending = vec![review(3, ReviewKind::EndOfTerm, "term", None)];
        assert!(matches!(eligibility(&secondment(), &pending, d("2019-05-01")), Eligibility::NotYet(_)));
    }

    #[test]
    fn ended_early_term_is_over_after_its_actual_end() {
        let mut s = secondment();
        s.actual_end = Some(d("2018-05-10"));
        let reviews = vec![review(3, ReviewKind::EndOfTerm, "term", Some(Grade::Excellent))];
        assert!(eligibility(&s, &reviews, d("2018-05-11")).is_eligible());
    }

    #[test]
    fn cancelled_reviews_do_not_count() {
        let mut bad = review(1, ReviewKind::Annual, "2019", Some(Grade::Incompetent));
        bad.cancelled = true;
        let reviews = vec![bad, review(3, ReviewKind::EndOfTerm, "term", Some(Grade::Excellent))];
        assert!(eligibility(&secondment(), &reviews, d("2019-05-01")).is_eligible());
    }
}
