//! Lookups by id over `Data`, built once per load; positions, not references, so the app can
//! own both the data and its index.

use crate::domain::flags::{policy_flags, Finding};
use crate::domain::pairing::check_pairs;
use crate::domain::*;
use crate::lang::Lang;
use crate::store::Data;
use chrono::NaiveDate;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Index {
    units: HashMap<Id, usize>,
    cadres: HashMap<Id, usize>,
    batches: HashMap<Id, usize>,
    secondments: HashMap<Id, usize>,
    /// A cadre's secondments by start date.
    by_cadre: HashMap<Id, Vec<usize>>,
    /// A secondment's reviews by due date.
    reviews: HashMap<Id, Vec<usize>>,
    pair: HashMap<Id, usize>,
    vetting: HashMap<Id, usize>,
    evaluation: HashMap<Id, usize>,
    /// Policy flags and pair findings, and which of them name each secondment.
    pub findings: Vec<Finding>,
    by_secondment: HashMap<Id, Vec<usize>>,
}

fn positions<T>(items: &[T], id: impl Fn(&T) -> Id) -> HashMap<Id, usize> {
    items.iter().enumerate().map(|(i, x)| (id(x), i)).collect()
}

impl Index {
    pub fn new(data: &Data) -> Index {
        let mut by_cadre: HashMap<Id, Vec<usize>> = HashMap::new();
        for (i, s) in data.secondments.iter().enumerate() {
            by_cadre.entry(s.cadre_id).or_default().push(i);
        }
        for list in by_cadre.values_mut() {
            list.sort_by_key(|&i| (data.secondments[i].start, data.secondments[i].id));
        }
        let mut reviews: HashMap<Id, Vec<usize>> = HashMap::new();
        for (i, r) in data.reviews.iter().enumerate() {
            reviews.entry(r.secondment_id).or_default().push(i);
        }
        for list in reviews.values_mut() {
            list.sort_by_key(|&i| (data.reviews[i].due, data.reviews[i].kind, data.reviews[i].id));
        }
        let mut pair = HashMap::new();
        for (i, p) in data.pairs.iter().enumerate() {
            pair.insert(p.down_id, i);
            pair.insert(p.up_id, i);
        }
        let mut findings = policy_flags(&data.cadres, &data.secondments, data.policy.term_months);
        findings.extend(check_pairs(&data.pairs, &data.secondments, &data.cadres));
        let mut by_secondment: HashMap<Id, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            for s in &f.secondments {
                by_secondment.entry(*s).or_default().push(i);
            }
        }
        Index {
            units: positions(&data.units, |u| u.id),
            cadres: positions(&data.cadres, |c| c.id),
            batches: positions(&data.batches, |b| b.id),
            secondments: positions(&data.secondments, |s| s.id),
            by_cadre,
            reviews,
            pair,
            vetting: positions(&data.vettings, |v| v.secondment_id),
            evaluation: positions(&data.evaluations, |e| e.secondment_id),
            findings,
            by_secondment,
        }
    }
}

/// The data, its index, the day and the language: everything a view builder reads.
#[derive(Clone, Copy)]
pub struct Lookup<'a> {
    pub data: &'a Data,
    pub ix: &'a Index,
    pub today: NaiveDate,
    pub lang: Lang,
    /// Plain ASCII symbols (`->` for `→`).
    pub ascii: bool,
}

impl<'a> Lookup<'a> {
    /// The label in the current language.
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn unit(&self, id: Id) -> Option<&'a Unit> {
        self.ix.units.get(&id).map(|&i| &self.data.units[i])
    }

    pub fn unit_name(&self, id: Id) -> &'a str {
        self.unit(id).map_or("?", |u| u.name.as_str())
    }

    pub fn cadre(&self, id: Id) -> Option<&'a Cadre> {
        self.ix.cadres.get(&id).map(|&i| &self.data.cadres[i])
    }

    pub fn cadre_name(&self, id: Id) -> &'a str {
        self.cadre(id).map_or("?", |c| c.name.as_str())
    }

    pub fn batch(&self, id: Id) -> Option<&'a Batch> {
        self.ix.batches.get(&id).map(|&i| &self.data.batches[i])
    }

    pub fn batch_name(&self, id: Id) -> &'a str {
        self.batch(id).map_or("?", |b| b.name.as_str())
    }

    pub fn secondment(&self, id: Id) -> Option<&'a Secondment> {
        self.ix.secondments.get(&id).map(|&i| &self.data.secondments[i])
    }

    pub fn secondments_of(&self, cadre: Id) -> impl Iterator<Item = &'a Secondment> + 'a {
        let data = self.data;
        self.ix.by_cadre.get(&cadre).into_iter().flatten().map(move |&i| &data.secondments[i])
    }

    /// The secondment a cadre is serving, else the last one begun, else the next one planned.
    pub fn current(&self, cadre: Id) -> Option<&'a Secondment> {
        let all: Vec<&Secondment> = self.secondments_of(cadre).collect();
        Secondment::current(&all, self.today)
    }

    pub fn reviews_of(&self, secondment: Id) -> impl Iterator<Item = &'a Review> + 'a {
        let data = self.data;
        self.ix.reviews.get(&secondment).into_iter().flatten().map(move |&i| &data.reviews[i])
    }

    pub fn pair_of(&self, secondment: Id) -> Option<&'a Pair> {
        self.ix.pair.get(&secondment).map(|&i| &self.data.pairs[i])
    }

    /// The other side of a secondment's pair.
    pub fn partner_of(&self, s: &Secondment) -> Option<&'a Secondment> {
        let p = self.pair_of(s.id)?;
        self.secondment(if p.down_id == s.id { p.up_id } else { p.down_id })
    }

    pub fn vetting(&self, secondment: Id) -> Option<&'a Vetting> {
        self.ix.vetting.get(&secondment).map(|&i| &self.data.vettings[i])
    }

    pub fn evaluation(&self, secondment: Id) -> Option<&'a TermEvaluation> {
        self.ix.evaluation.get(&secondment).map(|&i| &self.data.evaluations[i])
    }

    pub fn findings_of(&self, secondment: Id) -> impl Iterator<Item = &'a Finding> + 'a {
        let ix = self.ix;
        ix.by_secondment.get(&secondment).into_iter().flatten().map(move |&i| &ix.findings[i])
    }

    /// The grassroots district a secondment involves: the host's for down, home's for up.
    pub fn district(&self, s: &Secondment) -> Option<District> {
        let unit = match s.direction {
            Direction::Down => s.host_unit_id,
            Direction::Up => self.cadre(s.cadre_id)?.home_unit_id,
        };
        self.unit(unit).map(|u| u.district).filter(|d| *d != District::City)
    }

    pub fn review_status(&self, r: &Review) -> crate::domain::review::ReviewStatus {
        r.status(self.today, self.data.policy.due_soon_days)
    }

    /// "unit post" of a cadre's home.
    pub fn home(&self, c: &Cadre) -> String {
        join(self.unit_name(c.home_unit_id), &c.home_post)
    }

    /// "unit post" of a secondment's host.
    pub fn host(&self, s: &Secondment) -> String {
        join(self.unit_name(s.host_unit_id), &s.host_post)
    }

    pub fn arrow(&self) -> &'static str {
        if self.ascii {
            "->"
        } else {
            "→"
        }
    }

    /// Separates the parts of a line (`·` is ambiguous-width, so ASCII mode uses `|`).
    pub fn dot(&self) -> &'static str {
        if self.ascii {
            " | "
        } else {
            " · "
        }
    }

    pub fn both_ways(&self) -> &'static str {
        if self.ascii {
            "<->"
        } else {
            "↔"
        }
    }
}

pub fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => a.to_string(),
        (true, false) => b.to_string(),
        _ => format!("{a} {b}"),
    }
}
