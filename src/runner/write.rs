//! A save carried out: each `Operation` as the store's writer calls, inside the one
//! transaction `Store::write` opens.

use crate::app::{Operation, Outcome};
use crate::domain::*;
use crate::store::{Result, Writer};

/// Carries out `op` inside the caller's transaction (`Store::write`).
pub fn write(op: &Operation, w: &Writer) -> Result<Outcome> {
    use Operation::*;
    let saved = |id: Id| Ok(Outcome::Saved(Some(id)));
    let done = || Ok(Outcome::Saved(None));
    match op {
        AddCadre(c) => saved(w.add_cadre(c)?),
        UpdateCadre(c) => {
            w.update_cadre(c)?;
            done()
        }
        AddSecondment(s) => saved(w.add_secondment(s)?),
        Pair { a, b } => saved(w.pair(*a, *b)?),
        Unpair { pair, version } => {
            w.unpair(*pair, *version)?;
            done()
        }
        RecordReview { review, version, result } => {
            w.record_review(*review, *version, result)?;
            done()
        }
        EndEarly { secondment, version, end, reason } => {
            w.end_early(*secondment, *version, *end, reason)?;
            done()
        }
        Vetting(v) => saved(w.set_vetting(v)?),
        Evaluation { evaluation, graded } => {
            let id = w.set_evaluation(evaluation)?;
            if let Some(g) = graded {
                w.record_review(g.review, g.version, &g.result)?;
            }
            saved(id)
        }
        AddNote { cadre, date, text } => saved(w.add_note(*cadre, *date, text)?),
        Admit { cadre, secondment, proposed, on, reason } => {
            // The nomination keeps the day the rule proposed them; the admission, the day typed.
            let id = w.nominate(*cadre, Some(*secondment), ReserveOrigin::Rule, *proposed, reason)?;
            let version = w.version_of("reserve_nominations", id)?;
            w.move_nomination(id, version, ReserveStatus::Admitted, *on, reason)?;
            saved(id)
        }
        Move { nomination, version, to, on, reason } => {
            w.move_nomination(*nomination, *version, *to, *on, reason)?;
            done()
        }
        AddUnit { name, kind, district } => saved(w.add_unit(name, *kind, *district)?),
        UpdateUnit(u) => {
            w.update_unit(u)?;
            done()
        }
        AddBatch { name, dispatch, term } => saved(w.add_batch(name, *dispatch, *term)?),
        UpdateBatch(b) => {
            w.update_batch(b)?;
            done()
        }
        Delete { table, id, version } => {
            w.delete_reference(table, *id, *version)?;
            done()
        }
        Policy(p) => {
            w.set_policy(p)?;
            done()
        }
        Undo => Ok(Outcome::Undone(w.undo_last()?)),
        UndoChange { op } => Ok(Outcome::Undone(Some(w.undo(*op)?))),
    }
}
