//! The demo database: fictional people in the shape of Foshan's programme as the 2017 report
//! describes it. Deterministic: the same command writes the same records, dated as of
//! `AS_OF`, so "overdue" and "due soon" in the demo hold for that day.

mod bulk;
mod roster;

use crate::domain::dates::parse_date;
use crate::domain::*;
use crate::store::{Actor, NewCadre, NewSecondment, Result, ReviewResult, Store, Writer};
use chrono::{Days, NaiveDate};
use roster::{BatchPlan, Person, BATCHES, UNITS};
use std::collections::HashMap;

/// The day the demo is written for: reviews due before it are done unless marked overdue.
pub const AS_OF: &str = "2026-11-27";

/// The demo's audit rows name no real account, so nobody's `undo` reaches them.
pub const SAMPLE_UID: u32 = u32::MAX;

/// Splitmix64: a tiny deterministic generator, so the demo needs no randomness crate.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn d(s: &str) -> NaiveDate {
    parse_date(s).expect("sample dates are valid")
}

/// Writes the demo roster (and `extra_cadres` generated ones) into a freshly initialised store.
pub fn generate(mut store: Store, extra_cadres: usize) -> Result<()> {
    store.set_actor(Actor {
        uid: SAMPLE_UID,
        user: "guazhi-sample".into(),
        fixed_time: Some(format!("{AS_OF}T00:00:00Z")),
    });
    let as_of = d(AS_OF);
    let unit_ids = store.write(|w| {
        let mut unit_ids = HashMap::new();
        for (name, kind, district) in UNITS {
            unit_ids.insert(*name, w.add_unit(name, *kind, *district)?);
        }
        let mut rng = Rng::new(2017);
        for plan in BATCHES {
            write_batch(w, plan, &unit_ids, as_of, &mut rng)?;
        }
        Ok(unit_ids)
    })?;
    if extra_cadres > 0 {
        bulk::write(&mut store, extra_cadres, &unit_ids, as_of)?;
    }
    // One compact file with no -wal beside it: what gets committed is the whole database.
    // A generated database skips VACUUM: its indexes were built sorted, so it would gain about
    // 2% of the file for a copy of all of it.
    store.compact(extra_cadres == 0)?;
    Ok(())
}

fn write_batch(w: &Writer, plan: &BatchPlan, units: &HashMap<&str, Id>, as_of: NaiveDate, rng: &mut Rng) -> Result<()> {
    let dispatch = d(plan.dispatch);
    let batch = w.add_batch(plan.name, dispatch, 24)?;
    for pair in plan.pairs {
        let down = write_person(w, batch, dispatch, &pair.down, Direction::Down, units)?;
        let up = match &pair.up {
            Some(up) => Some(write_person(w, batch, dispatch, up, Direction::Up, units)?),
            None => None,
        };
        if let Some(up) = up {
            w.pair(down.1, up.1)?;
        }
        for (cadre, secondment, person) in
            [Some((down.0, down.1, &pair.down)), up.map(|u| (u.0, u.1, pair.up.as_ref().unwrap()))]
                .into_iter()
                .flatten()
        {
            complete_reviews(w, secondment, person, as_of, rng)?;
            if let Some(note) = person.note {
                w.add_note(cadre, dispatch + Days::new(200), note)?;
            }
            if let Some(step) = &person.reserve {
                roster::write_reserve(w, cadre, secondment, step)?;
            }
        }
    }
    Ok(())
}

/// Adds a cadre and their secondment (with vetting); returns (cadre id, secondment id).
fn write_person(
    w: &Writer,
    batch: Id,
    dispatch: NaiveDate,
    p: &Person,
    direction: Direction,
    units: &HashMap<&str, Id>,
) -> Result<(Id, Id)> {
    let unit = |name: &str| *units.get(name).unwrap_or_else(|| panic!("sample unit {name} is listed in UNITS"));
    let cadre = w.add_cadre(&NewCadre {
        name: p.name.into(),
        gender: p.gender,
        birth_date: roster::birth_date(p.age, dispatch, p.name),
        political: p.political,
        education: p.education.into(),
        speciality: p.speciality.into(),
        grassroots_years: p.grassroots_years,
        home_unit_id: unit(p.home),
        home_post: p.home_post.into(),
    })?;
    let start = p.start.map_or(dispatch, d);
    let secondment = w.add_secondment(&NewSecondment {
        cadre_id: cadre,
        batch_id: batch,
        direction,
        host_unit_id: unit(p.host),
        host_post: p.host_post.into(),
        start,
        planned_end: None,
        ended_early: p.ended_early.map(|(end, reason)| (d(end), reason.to_string())),
    })?;
    w.set_vetting(&Vetting {
        id: 0,
        secondment_id: secondment,
        date: dispatch - Days::new(30),
        political: VetResult::Good,
        moral: VetResult::Good,
        performance: if p.age < 30 { VetResult::Fair } else { VetResult::Good },
        duty: VetResult::Good,
        integrity: VetResult::Good,
        discipline_opinion: "市纪委：无违纪记录".into(),
        family_planning_opinion: "市卫计局：符合计生政策".into(),
        conclusion: "符合选派条件，同意挂职".into(),
        version: 0,
    })?;
    Ok((cadre, secondment))
}

/// Records results for every review due before `as_of`, except those the plan leaves overdue.
fn complete_reviews(w: &Writer, secondment: Id, p: &Person, as_of: NaiveDate, rng: &mut Rng) -> Result<()> {
    for review in w.reviews_for(secondment)? {
        if review.cancelled || review.due >= as_of || p.overdue.contains(&review.period.as_str()) {
            continue;
        }
        let grade = match review.kind {
            ReviewKind::EndOfTerm => p.final_grade,
            ReviewKind::Annual if p.weak_year == Some(review.period.as_str()) => Grade::Basic,
            _ if rng.below(4) == 0 => Grade::Excellent,
            _ => Grade::Competent,
        };
        let done = review.due - Days::new(rng.below(12));
        w.record_review(
            review.id,
            review.version,
            &ReviewResult { done, grade, assessor: "市委组织部干部科".into(), note: String::new() },
        )?;
        if review.kind == ReviewKind::EndOfTerm {
            w.set_evaluation(&TermEvaluation {
                id: 0,
                secondment_id: secondment,
                inspectors: "干部科考察组（2人）".into(),
                talks: 8 + rng.below(8) as u32,
                summary: format!("挂职期间表现{}", grade.zh()),
                version: 0,
            })?;
        }
    }
    Ok(())
}
