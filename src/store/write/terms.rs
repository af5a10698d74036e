//! Secondments and what hangs on them: the review schedule, pairs, results, vetting, evaluation.

use super::super::rows::{self, *};
use super::{clean_lines, clean_text, judged, NewSecondment, ReviewResult, Writer};
use crate::domain::dates::term_end;
use crate::domain::flags::overlaps_any;
use crate::domain::pairing::validate_pair;
use crate::domain::plausible;
use crate::domain::schedule::{term_changes, ScheduleChange};
use crate::domain::*;
use crate::lang::Message;
use crate::store::{Result, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

/// A new term's values as checked: the post as stored, the planned end (the batch's term when
/// none was given), and the early end with its reason as stored.
pub(super) struct NewTerm {
    pub host_post: String,
    pub planned_end: NaiveDate,
    pub early: Option<(NaiveDate, String)>,
}

impl Writer<'_> {
    fn cadre_secondments(&self, cadre_id: Id) -> Result<Vec<Secondment>> {
        let mut stmt =
            self.tx.prepare_cached(&format!("SELECT {SECONDMENT_COLS} FROM secondments WHERE cadre_id = ?1"))?;
        let rows = stmt.query_map([cadre_id], rows::secondment)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a secondment and the reviews it owes under the stored policy.
    pub fn add_secondment(&self, s: &NewSecondment) -> Result<Id> {
        let batch = self.get("batches", BATCH_COLS, s.batch_id, rows::batch)?;
        let cadre = self.get("cadres", CADRE_COLS, s.cadre_id, rows::cadre)?;
        let term = self.check_new_secondment(s, &batch, cadre.birth_date, &self.policy()?)?;
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
                term.host_post,
                s.start.to_string(),
                term.planned_end.to_string()
            ])?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "secondments", id, None)?;
        self.apply_schedule(&self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?)?;
        // Recorded as it happened: the term was planned, then ended early.
        if let Some((end, reason)) = term.early {
            self.record_early_end(id, end, &reason, None)?;
        }
        Ok(id)
    }

    /// What [`Writer::add_secondment`] checks before it writes (`batch` and the cadre's birth
    /// date read by the caller): the post, the dates, the early end, no overlap with the
    /// cadre's other terms.
    pub(super) fn check_new_secondment(
        &self,
        s: &NewSecondment,
        batch: &Batch,
        birth: NaiveDate,
        policy: &Policy,
    ) -> Result<NewTerm> {
        let host_post = clean_text("host post", &s.host_post, 100, true)?;
        let (home, host): (String, String) = self
            .tx
            .prepare_cached(
                "SELECT home.kind, host.kind FROM cadres c JOIN units home ON home.id = c.home_unit_id, units host
                 WHERE c.id = ?1 AND host.id = ?2",
            )?
            .query_row([s.cadre_id, s.host_unit_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if let (Some(home), Some(host)) = (UnitKind::parse(&home), UnitKind::parse(&host)) {
            judged("host unit", plausible::direction_units(s.direction, home, host))?;
        }
        let planned_end = s.planned_end.unwrap_or_else(|| term_end(s.start, batch.term_months));
        self.check_term_dates(birth, s.start, planned_end, policy)?;
        judged("start", plausible::start_for_dispatch(s.start, batch.dispatch_date))?;
        let early = match &s.ended_early {
            Some((end, reason)) => {
                let reason = clean_text("reason", reason, 500, true)?;
                if *end < s.start {
                    let m = Message::new(
                        format!("不能早于开始日期 {}", s.start),
                        format!("before the start ({})", s.start),
                    );
                    return Err(StoreError::invalid("end date", m));
                }
                if *end >= planned_end {
                    let m = Message::new(
                        format!("应早于计划期满 {planned_end}"),
                        format!("not before the planned end ({planned_end})"),
                    );
                    return Err(StoreError::invalid("end date", m));
                }
                Some((*end, reason))
            }
            None => None,
        };
        let last = early.as_ref().map_or(planned_end, |(e, _)| *e);
        if let Some(other) = overlaps_any(s.start, last, &self.cadre_secondments(s.cadre_id)?) {
            return Err(StoreError::invalid("start", overlap(other)));
        }
        Ok(NewTerm { host_post, planned_end, early })
    }

    /// A term's dates: the end not before the start, both dates of the programme, and the
    /// cadre's age at the start within the policy.
    fn check_term_dates(
        &self,
        birth: NaiveDate,
        start: NaiveDate,
        planned_end: NaiveDate,
        policy: &Policy,
    ) -> Result<()> {
        if planned_end < start {
            let m = Message::new(format!("不能早于开始日期 {start}"), format!("before the start ({start})"));
            return Err(StoreError::invalid("planned end", m));
        }
        judged("start", plausible::programme_date(start, self.today))?;
        judged("planned end", plausible::programme_date(planned_end, self.today))?;
        judged("start", plausible::age_at_start(birth, start, policy))
    }

    pub fn reviews_for(&self, secondment_id: Id) -> Result<Vec<Review>> {
        let mut stmt =
            self.tx.prepare_cached(&format!("SELECT {REVIEW_COLS} FROM reviews WHERE secondment_id = ?1"))?;
        let rows = stmt.query_map([secondment_id], rows::review)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Brings the stored reviews of `s` in line with what its term owes.
    fn apply_schedule(&self, s: &Secondment) -> Result<()> {
        for change in term_changes(&self.reviews_for(s.id)?, s.start, s.end(), &self.policy()?) {
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

    /// Ends a secondment being served or planned early: reviews after `end` are cancelled, the
    /// evaluation moved up (`domain::plausible::early_end` says when it may not).
    pub fn end_early(&self, id: Id, version: i64, end: NaiveDate, reason: &str) -> Result<()> {
        let (old, before) = self.expect_version("secondments", SECONDMENT_COLS, id, version, rows::secondment)?;
        let reason = clean_text("reason", reason, 500, true)?;
        judged("end date", plausible::early_end(&old, &self.reviews_for(id)?, end, self.today))?;
        self.record_early_end(id, end, &reason, Some(before))
    }

    /// Writes an early end already judged (and cleaned) and brings the reviews in line.
    fn record_early_end(&self, id: Id, end: NaiveDate, reason: &str, before: Option<serde_json::Value>) -> Result<()> {
        let before = match before {
            Some(b) => b,
            None => self.snapshot("secondments", id)?.ok_or(StoreError::NotFound { table: "secondments", id })?,
        };
        self.tx.execute(
            "UPDATE secondments SET actual_end = ?1, end_reason = ?2, version = version + 1 WHERE id = ?3",
            params![end.to_string(), reason, id],
        )?;
        self.log("end_early", "secondments", id, Some(before))?;
        self.apply_schedule(&self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?)
    }

    /// Changes a term; reviews not yet done follow it, done ones stay as recorded (so a term
    /// that would leave one of them outside is refused).
    pub fn change_term(&self, id: Id, version: i64, start: NaiveDate, planned_end: NaiveDate) -> Result<()> {
        let (old, before) = self.expect_version("secondments", SECONDMENT_COLS, id, version, rows::secondment)?;
        let cadre = self.get("cadres", CADRE_COLS, old.cadre_id, rows::cadre)?;
        self.check_term_dates(cadre.birth_date, start, planned_end, &self.policy()?)?;
        let batch = self.get("batches", BATCH_COLS, old.batch_id, rows::batch)?;
        judged("start", plausible::start_for_dispatch(start, batch.dispatch_date))?;
        if old.actual_end.is_some_and(|end| end < start) {
            let m = Message::new("开始日期晚于该挂职的提前结束日期", "after the secondment's early end");
            return Err(StoreError::invalid("start", m));
        }
        let last = old.actual_end.unwrap_or(planned_end);
        judged("planned end", plausible::done_reviews_fit(start, last, &self.reviews_for(id)?))?;
        let others: Vec<Secondment> =
            self.cadre_secondments(old.cadre_id)?.into_iter().filter(|s| s.id != id).collect();
        if let Some(other) = overlaps_any(start, last, &others) {
            return Err(StoreError::invalid("start", overlap(other)));
        }
        self.tx.execute(
            "UPDATE secondments SET start_date = ?1, planned_end = ?2, version = version + 1 WHERE id = ?3",
            params![start.to_string(), planned_end.to_string(), id],
        )?;
        self.log("change_term", "secondments", id, Some(before))?;
        self.apply_schedule(&self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?)
    }

    pub fn pair(&self, a: Id, b: Id) -> Result<Id> {
        let (batch, down, up) = self.check_pair(a, b)?;
        self.tx
            .execute("INSERT INTO pairs (batch_id, down_id, up_id) VALUES (?1, ?2, ?3)", params![batch, down, up])?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "pairs", id, None)?;
        Ok(id)
    }

    /// Whether secondments `a` and `b` may be paired: (their batch, the down one, the up one).
    pub(super) fn check_pair(&self, a: Id, b: Id) -> Result<(Id, Id, Id)> {
        let sa = self.get("secondments", SECONDMENT_COLS, a, rows::secondment)?;
        let sb = self.get("secondments", SECONDMENT_COLS, b, rows::secondment)?;
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT {PAIR_COLS} FROM pairs WHERE down_id IN (?1, ?2) OR up_id IN (?1, ?2)"))?;
        let existing: Vec<Pair> = stmt.query_map([a, b], rows::pair)?.collect::<rusqlite::Result<_>>()?;
        let (down, up) = validate_pair(&sa, &sb, &existing).map_err(|m| StoreError::invalid("partner", m))?;
        Ok((down.batch_id, down.id, up.id))
    }

    pub fn unpair(&self, pair_id: Id, version: i64) -> Result<()> {
        let (_, before) = self.expect_version("pairs", PAIR_COLS, pair_id, version, rows::pair)?;
        self.tx.execute("DELETE FROM pairs WHERE id = ?1", [pair_id])?;
        self.log("delete", "pairs", pair_id, Some(before))
    }

    /// Records (or corrects) a review result, dated within what the review is about.
    pub fn record_review(&self, id: Id, version: i64, result: &ReviewResult) -> Result<()> {
        let (old, before) = self.expect_version("reviews", REVIEW_COLS, id, version, rows::review)?;
        let assessor = clean_text("assessor", &result.assessor, 100, false)?;
        let note = clean_lines("note", &result.note, 2000, false)?;
        if old.cancelled {
            let m = Message::new("该考核已取消，不能记录结果", "cancelled; no result can be recorded");
            return Err(StoreError::invalid("review", m));
        }
        let s = self.get("secondments", SECONDMENT_COLS, old.secondment_id, rows::secondment)?;
        judged("done", plausible::review_done(old.kind, &old.period, result.done, s.end(), self.today))?;
        self.tx.execute(
            "UPDATE reviews SET done_date = ?1, grade = ?2, assessor = ?3, note = ?4, version = version + 1 WHERE id = ?5",
            params![result.done.to_string(), result.grade.code(), assessor, note, id],
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

    /// Records (or corrects) the vetting of a secondment, dated on or before its start.
    pub fn set_vetting(&self, v: &Vetting) -> Result<Id> {
        let discipline = clean_text("discipline opinion", &v.discipline_opinion, 500, false)?;
        let family_planning = clean_text("family planning opinion", &v.family_planning_opinion, 500, false)?;
        let conclusion = clean_lines("conclusion", &v.conclusion, 2000, false)?;
        let s = self.get("secondments", SECONDMENT_COLS, v.secondment_id, rows::secondment)?;
        judged("date", plausible::vetting_date(v.date, s.start, self.today))?;
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
                discipline,
                family_planning,
                conclusion
            ],
        )?;
        self.upserted("vettings", v.secondment_id, existing)
    }

    pub fn set_evaluation(&self, e: &TermEvaluation) -> Result<Id> {
        let inspectors = clean_text("inspectors", &e.inspectors, 200, false)?;
        let summary = clean_lines("summary", &e.summary, 4000, false)?;
        let existing = self.one_per_secondment("term_evaluations", e.secondment_id, e.version)?;
        self.tx.execute(
            "INSERT INTO term_evaluations (secondment_id, inspectors, talks, summary) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (secondment_id) DO UPDATE SET inspectors = excluded.inspectors, talks = excluded.talks,
               summary = excluded.summary, version = version + 1",
            params![e.secondment_id, inspectors, e.talks, summary],
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

/// "overlaps this cadre's secondment 2017-04-01 to 2019-03-31".
fn overlap(other: &Secondment) -> Message {
    Message::new(
        format!("与该干部 {} 至 {} 的挂职重叠", other.start, other.end()),
        format!("overlaps this cadre's secondment {} to {}", other.start, other.end()),
    )
}
