//! A plan applied in parts, each one short write transaction: a colleague's save waits for
//! one part (about a second at 100,000 cadres), never for the whole file (a 100,000-line
//! import held the write lock 9 to 13 s, past the 5 s a save waits for it). The plan's lists
//! are written in their order, each part going on where the last stopped ([`Progress`]), so
//! what is written is always a prefix of each list. An import that stops between parts is
//! finished by running it again: what is written is recognised (the plan of the same file,
//! made again, is the rest of this one: [`Plan::remainder`]).

use super::plan::{at, CadreRef, Plan, SecRef};
use crate::domain::*;
use crate::lang::Message;
use crate::store::{NewCadre, NewSecondment, Result, StoreError, Writer, IMPORTED};
use std::collections::HashMap;

/// What a part may write, in rows: a cadre or a change counts one, a new secondment
/// [`SECONDMENT_ROWS`] (itself and the dozen reviews it owes). Measured at 100,000 cadres on
/// the 2-core machine, a part of this size holds the write lock about a second.
pub const PART_ROWS: usize = 120_000;

/// The rows a new secondment writes: itself and its reviews (eleven for a two-year term).
const SECONDMENT_ROWS: usize = 12;

/// How far a plan has been written, and the ids of what it created: units and batches by name
/// (with those stored before), and the new cadres and secondments in the plan's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub units: HashMap<String, Id>,
    pub batches: HashMap<String, Id>,
    new_units: usize,
    new_batches: usize,
    batch_updates: usize,
    cadre_ids: Vec<Id>,
    cadre_updates: usize,
    secondment_ids: Vec<Id>,
    /// Term changes and early ends go in one part together: an early end's version counts
    /// the term change of the same secondment.
    terms: bool,
    pairs: usize,
    pub parts: usize,
    /// Units and batches the file would have created that a colleague created meanwhile
    /// (before any part was written), taken as stored.
    pub taken_as_stored: usize,
    /// The newest audit row when the file was checked or the last part written: a newer one
    /// is someone else's save.
    pub(super) mark: i64,
}

impl Progress {
    /// Nothing written yet; `units` and `batches` are the stored ones the plan names, `mark`
    /// the newest audit row when it was made.
    pub(super) fn start(units: HashMap<String, Id>, batches: HashMap<String, Id>, mark: i64) -> Progress {
        Progress { units, batches, mark, ..Progress::default() }
    }

    pub fn is_done(&self, plan: &Plan) -> bool {
        self.new_units == plan.units.len()
            && self.new_batches == plan.batches.len()
            && self.batch_updates == plan.batch_updates.len()
            && self.cadre_ids.len() == plan.cadres.len()
            && self.cadre_updates == plan.cadre_updates.len()
            && self.secondment_ids.len() == plan.secondments.len()
            && (self.terms || plan.term_changes.is_empty() && plan.early_ends.is_empty())
            && self.pairs == plan.pairs.len()
    }

    pub fn cadres_written(&self) -> usize {
        self.cadre_ids.len()
    }

    pub fn secondments_written(&self) -> usize {
        self.secondment_ids.len()
    }

    /// What is written, for a message after an import stopped part of the way.
    pub fn written(&self) -> Message {
        let (c, s, p) = (self.cadre_ids.len(), self.secondment_ids.len(), self.pairs);
        Message::new(
            format!(
                "这一部分未写入；之前的 {} 部分已写入：{c} 名干部、{s} 项挂职、{p} 对互派；\
                 再次运行同样的导入即可写入其余部分（已写入的会被认出，不会重复）",
                self.parts
            ),
            format!(
                "this part was not written; the {} part(s) before it were: {c} cadres, {s} secondments, {p} pairs; \
                 run the same import again to write the rest (what is written is recognised, not repeated)",
                self.parts
            ),
        )
    }
}

impl Plan {
    /// The plan that the same file makes once `done` is written: what is left of each list,
    /// with new cadres and secondments already written named by their ids. Made again after a
    /// colleague's save, the plan must still be this one, else the save changed the import.
    /// (A prepared plan's warnings have gone to its notes, so none are kept here.)
    pub fn remainder(&self, done: &Progress) -> Plan {
        let cadre = |r: CadreRef| match r {
            CadreRef::New(i) if i < done.cadre_ids.len() => CadreRef::Stored(done.cadre_ids[i]),
            CadreRef::New(i) => CadreRef::New(i - done.cadre_ids.len()),
            stored => stored,
        };
        let secondment = |r: SecRef| match r {
            SecRef::New(i) if i < done.secondment_ids.len() => SecRef::Stored(done.secondment_ids[i]),
            SecRef::New(i) => SecRef::New(i - done.secondment_ids.len()),
            stored => stored,
        };
        let (terms, ends) =
            if done.terms { (&[][..], &[][..]) } else { (&self.term_changes[..], &self.early_ends[..]) };
        Plan {
            units: self.units[done.new_units..].to_vec(),
            batches: self.batches[done.new_batches..].to_vec(),
            batch_updates: self.batch_updates[done.batch_updates..].to_vec(),
            cadres: self.cadres[done.cadre_ids.len()..].to_vec(),
            cadre_updates: self.cadre_updates[done.cadre_updates..].to_vec(),
            secondments: self.secondments[done.secondment_ids.len()..]
                .iter()
                .map(|s| super::plan::SecondmentIn { cadre: cadre(s.cadre), ..s.clone() })
                .collect(),
            term_changes: terms.to_vec(),
            early_ends: ends.to_vec(),
            pairs: self.pairs[done.pairs..]
                .iter()
                .map(|p| super::plan::PairIn { down: secondment(p.down), up: secondment(p.up), ..p.clone() })
                .collect(),
            warnings: Vec::new(),
        }
    }
}

/// Writes the next part of `plan` inside the caller's transaction, about `budget` rows, and
/// moves `progress` on: the caller keeps the moved copy only once the transaction commits.
/// Ids are looked up by name for what the plan refers to by name (units, batches), so a plan
/// made from a fresh read applies as shown.
pub fn apply_part(w: &Writer, plan: &Plan, progress: &mut Progress, budget: usize) -> Result<()> {
    let p = progress;
    let mut spent = 0;
    while p.new_units < plan.units.len() && spent < budget {
        let u = &plan.units[p.new_units];
        p.units.insert(u.name.clone(), w.add_unit(&u.name, u.kind, u.district).map_err(at(&u.origin))?);
        (p.new_units, spent) = (p.new_units + 1, spent + 1);
    }
    while p.new_batches < plan.batches.len() && spent < budget {
        let b = &plan.batches[p.new_batches];
        p.batches.insert(b.name.clone(), w.add_batch(&b.name, b.dispatch, b.term_months).map_err(at(&b.origin))?);
        (p.new_batches, spent) = (p.new_batches + 1, spent + 1);
    }
    while p.batch_updates < plan.batch_updates.len() && spent < budget {
        let u = &plan.batch_updates[p.batch_updates];
        w.update_batch(&u.record).map_err(at(&u.origin))?;
        (p.batch_updates, spent) = (p.batch_updates + 1, spent + 1);
    }
    let unit = |units: &HashMap<String, Id>, name: &str, origin: &super::plan::Origin| {
        units.get(name).copied().ok_or_else(|| {
            let o = &origin.0;
            StoreError::invalid(
                "import",
                Message::new(format!("{}：没有“{name}”这个单位", o.zh), format!("{}: unknown unit '{name}'", o.en)),
            )
        })
    };
    // New rows go in as a block with one digest per part (`Writer::new_rows`), checked as one by one.
    let mut new_rows = w.new_rows()?;
    while p.cadre_ids.len() < plan.cadres.len() && spent < budget {
        let c = &plan.cadres[p.cadre_ids.len()];
        let new = NewCadre { home_unit_id: unit(&p.units, &c.home_unit, &c.origin)?, ..c.cadre.clone() };
        p.cadre_ids.push(new_rows.cadre(&new).map_err(at(&c.origin))?);
        spent += 1;
    }
    while p.cadre_updates < plan.cadre_updates.len() && spent < budget {
        let u = &plan.cadre_updates[p.cadre_updates];
        let mut record = u.record.clone();
        if let Some(home) = &u.home_unit {
            record.home_unit_id = unit(&p.units, home, &u.origin)?;
        }
        w.update_cadre(&record).map_err(at(&u.origin))?;
        (p.cadre_updates, spent) = (p.cadre_updates + 1, spent + 1);
    }
    while p.secondment_ids.len() < plan.secondments.len() && spent < budget {
        let s = &plan.secondments[p.secondment_ids.len()];
        let cadre_id = match s.cadre {
            CadreRef::Stored(id) => id,
            CadreRef::New(i) => p.cadre_ids[i],
        };
        let batch_id = *p.batches.get(&s.batch).ok_or_else(|| {
            let (o, b) = (&s.origin.0, &s.batch);
            StoreError::invalid(
                "import",
                Message::new(format!("{}：没有“{b}”这个批次", o.zh), format!("{}: unknown batch '{b}'", o.en)),
            )
        })?;
        let id = new_rows
            .secondment(&NewSecondment {
                cadre_id,
                batch_id,
                direction: s.direction,
                host_unit_id: unit(&p.units, &s.host_unit, &s.origin)?,
                host_post: s.host_post.clone(),
                start: s.start,
                planned_end: Some(s.planned_end),
                ended_early: s.early_end.clone(),
            })
            .map_err(at(&s.origin))?;
        p.secondment_ids.push(id);
        spent += SECONDMENT_ROWS;
    }
    if !p.terms && p.secondment_ids.len() == plan.secondments.len() && spent < budget {
        for t in &plan.term_changes {
            let s = &t.secondment;
            w.change_term(s.id, s.version, s.start, t.planned_end).map_err(at(&t.origin))?;
        }
        for e in &plan.early_ends {
            // A term change in the same import has moved the version on by one.
            let changed = plan.term_changes.iter().any(|t| t.secondment.id == e.secondment.id);
            let version = e.secondment.version + i64::from(changed);
            w.end_early(e.secondment.id, version, e.end, &e.reason).map_err(at(&e.origin))?;
        }
        spent += plan.term_changes.len() + plan.early_ends.len();
        p.terms = true;
    }
    let secondment = |ids: &[Id], r: SecRef| match r {
        SecRef::Stored(id) => id,
        SecRef::New(i) => ids[i],
    };
    while p.terms && p.pairs < plan.pairs.len() && spent < budget {
        let pair = &plan.pairs[p.pairs];
        let (down, up) = (secondment(&p.secondment_ids, pair.down), secondment(&p.secondment_ids, pair.up));
        new_rows.pair(down, up).map_err(at(&pair.origin))?;
        (p.pairs, spent) = (p.pairs + 1, spent + 1);
    }
    new_rows.finish(IMPORTED)?;
    p.parts += 1;
    p.mark = w.last_audit_id()?;
    Ok(())
}
