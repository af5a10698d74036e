//! Secondments and what hangs on them: the review schedule, pairs, results, vetting, evaluation.

use super::super::rows::{self, *};
use super::{check_text, NewSecondment, ReviewResult, Writer};
use crate::domain::dates::term_end;
use crate::domain::flags::overlaps_any;
use crate::domain::pairing::validate_pair;
use crate::domain::schedule::{owed_reviews, reconcile, ScheduleChange};
use crate::domain::*;
use crate::store::{Result, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

impl Writer<'_> {
    fn cadre_secondments(&self, cadre_id: Id) -> Result<Vec<Secondment>> {
        let mut stmt =
            self.tx.prepare_cached(&format!("SELECT {SECONDMENT_COLS} FROM secondments WHERE cadre_id = ?1"))?;
        let rows = stmt.query_map([cadre_id], rows::secondment)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a secondment and the reviews it owes under the stored policy.
    pub fn add_secondment(&self, s: &NewSecondment) -> Result<Id> {
        check_text("host post", &s.host_post, 100, true)?;
        let batch = self.get("batches", BATCH_COLS, s.batch_id, rows::batch)?;
        let planned_end = s.planned_end.unwrap_or_else(|| term_end(s.start, batch.term_months));
        if planned_end < s.start {
            return Err(StoreError::invalid("planned end", "must not be before the start"));
        }
        if let Some(other) = overlaps_any(s.start, planned_end, &self.cadre_secondments(s.cadre_id)?) {
            return Err(StoreError::invalid(
                "start",
                format!("overlaps this cadre's secondment {} to {}", other.start, other.end()),
            ));
        }
        self.tx
            .prepare_cached(
                "INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date, planned_end)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                s.cadre_id,
                s.batch_id,
                s.direction.code(),
                s.host_unit_id,
                s.host_post.trim(),
                s.start.to_string(),
                planned_end.to_string()
            ])?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "secondments", id, None)?;
        self.apply_schedule(&self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?)?;
        Ok(id)
    }

    pub fn reviews_for(&self, secondment_id: Id) -> Result<Vec<Review>> {
        let mut stmt =
            self.tx.prepare_cached(&format!("SELECT {REVIEW_COLS} FROM reviews WHERE secondment_id = ?1"))?;
        let rows = stmt.query_map([secondment_id], rows::review)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Brings the stored reviews of `s` in line with what its term owes.
    fn apply_schedule(&self, s: &Secondment) -> Result<()> {
        let owed = owed_reviews(s.start, s.end(), &self.policy()?);
        for change in reconcile(&self.reviews_for(s.id)?, &owed) {
            match change {
                ScheduleChange::Insert(p) => {
                    self.tx
                        .prepare_cached(
                            "INSERT INTO reviews (secondment_id, kind, period, due_date) VALUES (?1, ?2, ?3, ?4)",
                        )?
                        .execute(params![s.id, p.kind.code(), p.period, p.due.to_string()])?;
                    self.log("insert", "reviews", self.tx.last_insert_rowid(), None)?;
                }
                ScheduleChange::Reschedule { id, due } => {
                    let before = self.snapshot("reviews", id)?;
                    self.tx.execute(
                        "UPDATE reviews SET due_date = ?1, cancelled = 0, version = version + 1 WHERE id = ?2",
                        params![due.to_string(), id],
                    )?;
                    self.log("reschedule", "reviews", id, before)?;
                }
                ScheduleChange::Cancel { id } => {
                    let before = self.snapshot("reviews", id)?;
                    self.tx.execute("UPDATE reviews SET cancelled = 1, version = version + 1 WHERE id = ?1", [id])?;
                    self.log("cancel", "reviews", id, before)?;
                }
            }
        }
        Ok(())
    }

    /// Ends a secondment early: reviews after `end` are cancelled, the evaluation moved up.
    pub fn end_early(&self, id: Id, version: i64, end: NaiveDate, reason: &str) -> Result<()> {
        let (old, before) = self.expect_version("secondments", SECONDMENT_COLS, id, version, rows::secondment)?;
        check_text("reason", reason, 500, true)?;
        if end < old.start {
            return Err(StoreError::invalid("end date", format!("before the start {}", old.start)));
        }
        if end >= old.planned_end {
            return Err(StoreError::invalid("end date", format!("not before the planned end {}", old.planned_end)));
        }
        self.tx.execute(
            "UPDATE secondments SET actual_end = ?1, end_reason = ?2, version = version + 1 WHERE id = ?3",
            params![end.to_string(), reason.trim(), id],
        )?;
        self.log("end_early", "secondments", id, Some(before))?;
        self.apply_schedule(&self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?)
    }

    /// Changes a term; reviews not yet done follow it, done ones stay as recorded.
    pub fn change_term(&self, id: Id, version: i64, start: NaiveDate, planned_end: NaiveDate) -> Result<()> {
        let (old, before) = self.expect_version("secondments", SECONDMENT_COLS, id, version, rows::secondment)?;
        if planned_end < start {
            return Err(StoreError::invalid("planned end", "must not be before the start"));
        }
        if old.actual_end.is_some_and(|end| end < start) {
            return Err(StoreError::invalid("start", "after the secondment's early end"));
        }
        let others: Vec<Secondment> =
            self.cadre_secondments(old.cadre_id)?.into_iter().filter(|s| s.id != id).collect();
        if let Some(other) = overlaps_any(start, old.actual_end.unwrap_or(planned_end), &others) {
            return Err(StoreError::invalid(
                "start",
                format!("overlaps secondment {} to {}", other.start, other.end()),
            ));
        }
        self.tx.execute(
            "UPDATE secondments SET start_date = ?1, planned_end = ?2, version = version + 1 WHERE id = ?3",
            params![start.to_string(), planned_end.to_string(), id],
        )?;
        self.log("change_term", "secondments", id, Some(before))?;
        self.apply_schedule(&self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?)
    }

    pub fn pair(&self, a: Id, b: Id) -> Result<Id> {
        let sa = self.get("secondments", SECONDMENT_COLS, a, rows::secondment)?;
        let sb = self.get("secondments", SECONDMENT_COLS, b, rows::secondment)?;
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT {PAIR_COLS} FROM pairs WHERE down_id IN (?1, ?2) OR up_id IN (?1, ?2)"))?;
        let existing: Vec<Pair> = stmt.query_map([a, b], rows::pair)?.collect::<rusqlite::Result<_>>()?;
        let (down, up) = validate_pair(&sa, &sb, &existing).map_err(|m| StoreError::invalid("partner", m))?;
        self.tx.execute(
            "INSERT INTO pairs (batch_id, down_id, up_id) VALUES (?1, ?2, ?3)",
            params![down.batch_id, down.id, up.id],
        )?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "pairs", id, None)?;
        Ok(id)
    }

    pub fn unpair(&self, pair_id: Id, version: i64) -> Result<()> {
        let (_, before) = self.expect_version("pairs", PAIR_COLS, pair_id, version, rows::pair)?;
        self.tx.execute("DELETE FROM pairs WHERE id = ?1", [pair_id])?;
        self.log("delete", "pairs", pair_id, Some(before))
    }

    /// Records (or corrects) a review result.
    pub fn record_review(&self, id: Id, version: i64, result: &ReviewResult) -> Result<()> {
        let (old, before) = self.expect_version("reviews", REVIEW_COLS, id, version, rows::review)?;
        check_text("assessor", &result.assessor, 100, false)?;
        check_text("note", &result.note, 2000, false)?;
        if old.cancelled {
            return Err(StoreError::invalid("review", "cancelled; no result can be recorded"));
        }
        self.tx.execute(
            "UPDATE reviews SET done_date = ?1, grade = ?2, assessor = ?3, note = ?4, version = version + 1 WHERE id = ?5",
            params![result.done.to_string(), result.grade.code(), result.assessor.trim(), result.note.trim(), id],
        )?;
        self.log("record", "reviews", id, Some(before))
    }

    /// The id and version of the row in `table` for `secondment_id`, checked against `version`.
    fn one_per_secondment(
        &self,
        table: &'static str,
        secondment_id: Id,
        version: i64,
    ) -> Result<Option<(Id, serde_json::Value)>> {
        let existing: Option<Id> = self
            .tx
            .query_row(&format!("SELECT id FROM {table} WHERE secondment_id = ?1"), [secondment_id], |r| r.get(0))
            .optional()?;
        let Some(id) = existing else { return Ok(None) };
        let before = self.snapshot(table, id)?.ok_or(StoreError::NotFound { table, id })?;
        if before["version"].as_i64() != Some(version) {
            return Err(StoreError::Conflict { table, id, current: Some(before) });
        }
        Ok(Some((id, before)))
    }

    pub fn set_vetting(&self, v: &Vetting) -> Result<Id> {
        for (field, text, max) in [
            ("discipline opinion", &v.discipline_opinion, 500),
            ("family planning opinion", &v.family_planning_opinion, 500),
            ("conclusion", &v.conclusion, 2000),
        ] {
            check_text(field, text, max, false)?;
        }
        let existing = self.one_per_secondment("vettings", v.secondment_id, v.version)?;
        self.tx.execute(
            "INSERT INTO vettings (secondment_id, vet_date, political, moral, performance, duty, integrity,
               discipline_opinion, family_planning_opinion, conclusion)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (secondment_id) DO UPDATE SET vet_date = excluded.vet_date, political = excluded.political,
               moral = excluded.moral, performance = excluded.performance, duty = excluded.duty,
               integrity = excluded.integrity, discipline_opinion = excluded.discipline_opinion,
               family_planning_opinion = excluded.family_planning_opinion, conclusion = excluded.conclusion,
               version = version + 1",
            params![
                v.secondment_id,
                v.date.to_string(),
                v.political.code(),
                v.moral.code(),
                v.performance.code(),
                v.duty.code(),
                v.integrity.code(),
                v.discipline_opinion.trim(),
                v.family_planning_opinion.trim(),
                v.conclusion.trim()
            ],
        )?;
        self.upserted("vettings", v.secondment_id, existing)
    }

    pub fn set_evaluation(&self, e: &TermEvaluation) -> Result<Id> {
        check_text("inspectors", &e.inspectors, 200, false)?;
        check_text("summary", &e.summary, 4000, false)?;
        let existing = self.one_per_secondment("term_evaluations", e.secondment_id, e.version)?;
        self.tx.execute(
            "INSERT INTO term_evaluations (secondment_id, inspectors, talks, summary) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (secondment_id) DO UPDATE SET inspectors = excluded.inspectors, talks = excluded.talks,
               summary = excluded.summary, version = version + 1",
            params![e.secondment_id, e.inspectors.trim(), e.talks, e.summary.trim()],
        )?;
        self.upserted("term_evaluations", e.secondment_id, existing)
    }

    /// Audits an insert-or-update of a one-per-secondment row; returns its id.
    fn upserted(
        &self,
        table: &'static str,
        secondment_id: Id,
        existing: Option<(Id, serde_json::Value)>,
    ) -> Result<Id> {
        match existing {
            Some((id, before)) => {
                self.log("update", table, id, Some(before))?;
                Ok(id)
            }
            None => {
                let id = self.tx.last_insert_rowid();
                debug_assert_eq!(
                    self.snapshot(table, id)?.and_then(|v| v["secondment_id"].as_i64()),
                    Some(secondment_id)
                );
                self.log("insert", table, id, None)?;
                Ok(id)
            }
        }
    }
}
