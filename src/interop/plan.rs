//! What an import will do, shown before it is done (`--dry-run`, the confirmation) and then
//! applied in one transaction through the store's ordinary writes, so every change is
//! validated again and audited like a change made on screen.

use crate::domain::*;
use crate::store::{NewCadre, NewSecondment, Result, StoreError, Writer};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Where a change comes from: a line of a sheet, or a file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(pub String);

#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub district: District,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewBatch {
    pub name: String,
    pub dispatch: NaiveDate,
    pub term_months: u32,
    pub origin: Origin,
}

/// A cadre to create; `home_unit` by name (it may be created by the same import).
#[derive(Debug, Clone, PartialEq)]
pub struct CadreIn {
    pub cadre: NewCadre,
    pub home_unit: String,
    pub origin: Origin,
}

/// One field that changes: its label, the old and the new value as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// A stored record read at some version, the values to save, and what changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Update<T> {
    pub record: T,
    pub home_unit: Option<String>,
    pub changes: Vec<FieldChange>,
    pub origin: Origin,
}

/// A cadre: one already stored, or the n-th of `Plan::cadres`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CadreRef {
    Stored(Id),
    New(usize),
}

/// A secondment: one already stored, or the n-th of `Plan::secondments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecRef {
    Stored(Id),
    New(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecondmentIn {
    pub cadre: CadreRef,
    pub cadre_name: String,
    pub batch: String,
    pub direction: Direction,
    pub host_unit: String,
    pub host_post: String,
    pub start: NaiveDate,
    pub planned_end: NaiveDate,
    pub early_end: Option<(NaiveDate, String)>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TermChange {
    pub secondment: Secondment,
    pub cadre_name: String,
    pub planned_end: NaiveDate,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EarlyEnd {
    pub secondment: Secondment,
    pub cadre_name: String,
    pub end: NaiveDate,
    pub reason: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PairIn {
    pub down: SecRef,
    pub up: SecRef,
    pub names: (String, String),
    pub batch: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub units: Vec<NewUnit>,
    pub batches: Vec<NewBatch>,
    pub batch_updates: Vec<Update<Batch>>,
    pub cadres: Vec<CadreIn>,
    pub cadre_updates: Vec<Update<Cadre>>,
    pub secondments: Vec<SecondmentIn>,
    pub term_changes: Vec<TermChange>,
    pub early_ends: Vec<EarlyEnd>,
    pub pairs: Vec<PairIn>,
    /// Said but not refused: a stored unit whose kind differs from the sheet's, ignored columns.
    pub warnings: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
            && self.batches.is_empty()
            && self.batch_updates.is_empty()
            && self.cadres.is_empty()
            && self.cadre_updates.is_empty()
            && self.secondments.is_empty()
            && self.term_changes.is_empty()
            && self.early_ends.is_empty()
            && self.pairs.is_empty()
    }

    /// One line of counts: "create 3 units, 30 cadres …; update 1 cadre".
    pub fn summary(&self) -> String {
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let create: Vec<String> = [
            count(self.units.len(), "unit", "units"),
            count(self.batches.len(), "batch", "batches"),
            count(self.cadres.len(), "cadre", "cadres"),
            count(self.secondments.len(), "secondment", "secondments"),
            count(self.pairs.len(), "pair", "pairs"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let update: Vec<String> = [
            count(self.batch_updates.len(), "batch", "batches"),
            count(self.cadre_updates.len(), "cadre", "cadres"),
            count(self.term_changes.len(), "planned end", "planned ends"),
            count(self.early_ends.len(), "early end", "early ends"),
        ]
        .into_iter()
        .flatten()
        .collect();
        match (create.is_empty(), update.is_empty()) {
            (true, true) => "nothing to change: the database already holds all of it".into(),
            (false, true) => format!("create {}", create.join(", ")),
            (true, false) => format!("update {}", update.join(", ")),
            (false, false) => format!("create {}; update {}", create.join(", "), update.join(", ")),
        }
    }

    /// Every change, one per line (`+` create, `~` update), with where it came from.
    pub fn details(&self) -> String {
        let mut out = String::new();
        let mut line = |mark: char, text: String, origin: &Origin| {
            let _ = writeln!(out, "  {mark} {text}  [{}]", origin.0);
        };
        for u in &self.units {
            line('+', format!("unit {} ({}, {})", u.name, u.kind.zh(), u.district.zh()), &u.origin);
        }
        for b in &self.batches {
            line('+', format!("batch {} (dispatched {}, {} months)", b.name, b.dispatch, b.term_months), &b.origin);
        }
        for u in &self.batch_updates {
            line('~', format!("batch {}: {}", u.record.name, changes(&u.changes)), &u.origin);
        }
        for c in &self.cadres {
            let n = &c.cadre;
            let text =
                format!("cadre {} ({}, {}, {} {})", n.name, n.birth_date, n.gender.zh(), c.home_unit, n.home_post);
            line('+', text, &c.origin);
        }
        for u in &self.cadre_updates {
            let text = format!("cadre {} ({}): {}", u.record.name, u.record.birth_date, changes(&u.changes));
            line('~', text, &u.origin);
        }
        for s in &self.secondments {
            let end = s.early_end.as_ref().map_or(String::new(), |(d, r)| format!(", ended early {d}: {r}"));
            let text = format!(
                "secondment {} {} {} {} ({}, {} to {}{end})",
                s.cadre_name,
                s.direction.zh(),
                s.host_unit,
                s.host_post,
                s.batch,
                s.start,
                s.planned_end
            );
            line('+', text, &s.origin);
        }
        for t in &self.term_changes {
            let s = &t.secondment;
            let text = format!(
                "secondment {} from {}: planned end {} → {}",
                t.cadre_name, s.start, s.planned_end, t.planned_end
            );
            line('~', text, &t.origin);
        }
        for e in &self.early_ends {
            let text = format!(
                "secondment {} from {}: ended early {} ({})",
                e.cadre_name, e.secondment.start, e.end, e.reason
            );
            line('~', text, &e.origin);
        }
        for p in &self.pairs {
            line('+', format!("pair {} ↔ {} ({})", p.names.0, p.names.1, p.batch), &p.origin);
        }
        out
    }
}

fn changes(list: &[FieldChange]) -> String {
    let show = |s: &str| if s.is_empty() { "(blank)".to_string() } else { s.to_string() };
    list.iter().map(|c| format!("{} {} → {}", c.field, show(&c.old), show(&c.new))).collect::<Vec<_>>().join("; ")
}

/// Prefixes a store error with where its change came from.
fn at(origin: &Origin) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| match e {
        StoreError::Invalid { field, message } => StoreError::invalid(format!("{}: {field}", origin.0), message),
        other => other,
    }
}

/// Applies the plan inside the caller's transaction. Ids are looked up by name for what the
/// plan refers to by name (units, batches), so a plan made from a fresh read applies as shown.
pub fn apply(w: &Writer, plan: &Plan, units: &HashMap<String, Id>, batches: &HashMap<String, Id>) -> Result<()> {
    let mut units = units.clone();
    let mut batches = batches.clone();
    for u in &plan.units {
        units.insert(u.name.clone(), w.add_unit(&u.name, u.kind, u.district).map_err(at(&u.origin))?);
    }
    for b in &plan.batches {
        batches.insert(b.name.clone(), w.add_batch(&b.name, b.dispatch, b.term_months).map_err(at(&b.origin))?);
    }
    for u in &plan.batch_updates {
        w.update_batch(&u.record).map_err(at(&u.origin))?;
    }
    let unit = |name: &str, origin: &Origin| {
        units.get(name).copied().ok_or_else(|| StoreError::invalid(origin.0.clone(), format!("unknown unit '{name}'")))
    };
    let mut cadres = Vec::with_capacity(plan.cadres.len());
    for c in &plan.cadres {
        let new = NewCadre { home_unit_id: unit(&c.home_unit, &c.origin)?, ..c.cadre.clone() };
        cadres.push(w.add_cadre(&new).map_err(at(&c.origin))?);
    }
    for u in &plan.cadre_updates {
        let mut record = u.record.clone();
        if let Some(home) = &u.home_unit {
            record.home_unit_id = unit(home, &u.origin)?;
        }
        w.update_cadre(&record).map_err(at(&u.origin))?;
    }
    let mut secondments = Vec::with_capacity(plan.secondments.len());
    for s in &plan.secondments {
        let cadre_id = match s.cadre {
            CadreRef::Stored(id) => id,
            CadreRef::New(i) => cadres[i],
        };
        let batch_id = *batches
            .get(&s.batch)
            .ok_or_else(|| StoreError::invalid(s.origin.0.clone(), format!("unknown batch '{}'", s.batch)))?;
        let id = w
            .add_secondment(&NewSecondment {
                cadre_id,
                batch_id,
                direction: s.direction,
                host_unit_id: unit(&s.host_unit, &s.origin)?,
                host_post: s.host_post.clone(),
                start: s.start,
                planned_end: Some(s.planned_end),
            })
            .map_err(at(&s.origin))?;
        if let Some((end, reason)) = &s.early_end {
            w.end_early(id, 1, *end, reason).map_err(at(&s.origin))?;
        }
        secondments.push(id);
    }
    for t in &plan.term_changes {
        let s = &t.secondment;
        w.change_term(s.id, s.version, s.start, t.planned_end).map_err(at(&t.origin))?;
    }
    for e in &plan.early_ends {
        // A term change in the same import has moved the version on by one.
        let version =
            e.secondment.version + i64::from(plan.term_changes.iter().any(|t| t.secondment.id == e.secondment.id));
        w.end_early(e.secondment.id, version, e.end, &e.reason).map_err(at(&e.origin))?;
    }
    let sec = |r: SecRef| match r {
        SecRef::Stored(id) => id,
        SecRef::New(i) => secondments[i],
    };
    for p in &plan.pairs {
        w.pair(sec(p.down), sec(p.up)).map_err(at(&p.origin))?;
    }
    Ok(())
}
