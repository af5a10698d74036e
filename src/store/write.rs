//! Writes. Each runs inside `Store::write` (one `BEGIN IMMEDIATE` transaction), validates its
//! input first, checks the row's `version` on update, and writes its audit row alongside.

use super::audit;
use super::rows::{self, *};
use super::{Actor, Result, StoreError};
use crate::domain::dates::term_end;
use crate::domain::flags::overlaps_any;
use crate::domain::pairing::validate_pair;
use crate::domain::schedule::{owed_reviews, reconcile, ScheduleChange};
use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Serialize;

pub struct Writer<'a> {
    tx: &'a Transaction<'a>,
    actor: &'a Actor,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCadre {
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub political: Political,
    pub education: String,
    pub speciality: String,
    pub grassroots_years: f64,
    pub home_unit_id: Id,
    pub home_post: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSecondment {
    pub cadre_id: Id,
    pub batch_id: Id,
    pub direction: Direction,
    pub host_unit_id: Id,
    pub host_post: String,
    pub start: NaiveDate,
    /// `None`: the batch's term from `start`.
    pub planned_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewResult {
    pub done: NaiveDate,
    pub grade: Grade,
    pub assessor: String,
    pub note: String,
}

/// Refuses empty required text, control and bidi characters, and over-long values.
pub fn check_text(field: &str, value: &str, max_chars: usize, required: bool) -> Result<()> {
    if required && crate::text::is_blank(value) {
        return Err(StoreError::invalid(field, "required"));
    }
    if let Some((pos, c)) = crate::text::forbidden_char(value) {
        return Err(StoreError::invalid(
            field,
            format!("control or bidi character U+{:04X} at position {}", c as u32, pos + 1),
        ));
    }
    let len = value.chars().count();
    if len > max_chars {
        return Err(StoreError::invalid(field, format!("{len} characters; at most {max_chars}")));
    }
    Ok(())
}

impl<'a> Writer<'a> {
    pub(super) fn new(tx: &'a Transaction<'a>, actor: &'a Actor) -> Writer<'a> {
        Writer { tx, actor }
    }

    fn audit<O: Serialize, N: Serialize>(
        &self,
        action: &str,
        table: &str,
        id: Id,
        old: Option<&O>,
        new: Option<&N>,
    ) -> Result<()> {
        audit::record(self.tx, self.actor, action, table, id, old, new)
    }

    fn get<T>(&self, table: &'static str, cols: &str, id: Id, convert: fn(&Row) -> rusqlite::Result<T>) -> Result<T> {
        self.tx
            .prepare_cached(&format!("SELECT {cols} FROM {table} WHERE id = ?1"))?
            .query_row([id], convert)
            .optional()?
            .ok_or(StoreError::NotFound { table, id })
    }

    /// Fails with a conflict when the stored row is not at `version` (a colleague saved first).
    fn expect_version<T: Serialize>(
        &self,
        table: &'static str,
        cols: &str,
        id: Id,
        version: i64,
        convert: fn(&Row) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let current = self.get(table, cols, id, convert)?;
        let stored: i64 =
            self.tx.query_row(&format!("SELECT version FROM {table} WHERE id = ?1"), [id], |r| r.get(0))?;
        if stored != version {
            return Err(StoreError::Conflict { table, id, current: serde_json::to_value(&current).ok() });
        }
        Ok(current)
    }

    pub fn policy(&self) -> Result<Policy> {
        Ok(self.tx.query_row(&format!("SELECT {POLICY_COLS} FROM policy WHERE id = 1"), [], rows::policy)?)
    }

    pub fn set_policy(&self, new: &Policy) -> Result<()> {
        let old = self.expect_version("policy", POLICY_COLS, 1, new.version, rows::policy)?;
        if !(1..=120).contains(&new.term_months) {
            return Err(StoreError::invalid("term months", "between 1 and 120"));
        }
        if !(1..=12).contains(&new.annual_due_month) || !(1..=31).contains(&new.annual_due_day) {
            return Err(StoreError::invalid("annual due date", "month 1–12 and day 1–31"));
        }
        self.tx.execute(
            "UPDATE policy SET term_months=?1, due_soon_days=?2, routine_due_days=?3, annual_due_month=?4,
             annual_due_day=?5, end_of_term_due_days=?6, version = version + 1 WHERE id = 1",
            params![
                new.term_months,
                new.due_soon_days,
                new.routine_due_days,
                new.annual_due_month,
                new.annual_due_day,
                new.end_of_term_due_days
            ],
        )?;
        self.audit("update", "policy", 1, Some(&old), Some(new))
    }

    pub fn add_unit(&self, name: &str, kind: UnitKind, district: District) -> Result<Id> {
        check_text("unit name", name, 100, true)?;
        self.tx.execute(
            "INSERT INTO units (name, kind, district) VALUES (?1, ?2, ?3)",
            params![name.trim(), kind.code(), district.code()],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit("insert", "units", id, None::<&()>, Some(&self.get("units", UNIT_COLS, id, rows::unit)?))?;
        Ok(id)
    }

    pub fn add_batch(&self, name: &str, dispatch_date: NaiveDate, term_months: u32) -> Result<Id> {
        check_text("batch name", name, 100, true)?;
        if !(1..=120).contains(&term_months) {
            return Err(StoreError::invalid("term months", "between 1 and 120"));
        }
        self.tx.execute(
            "INSERT INTO batches (name, dispatch_date, term_months) VALUES (?1, ?2, ?3)",
            params![name.trim(), dispatch_date.to_string(), term_months],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit("insert", "batches", id, None::<&()>, Some(&self.get("batches", BATCH_COLS, id, rows::batch)?))?;
        Ok(id)
    }

    fn check_cadre(c: &NewCadre) -> Result<()> {
        check_text("name", &c.name, 50, true)?;
        check_text("education", &c.education, 50, false)?;
        check_text("speciality", &c.speciality, 100, false)?;
        check_text("home post", &c.home_post, 100, false)?;
        if !(0.0..60.0).contains(&c.grassroots_years) {
            return Err(StoreError::invalid("grassroots years", "between 0 and 60"));
        }
        Ok(())
    }

    pub fn add_cadre(&self, c: &NewCadre) -> Result<Id> {
        Self::check_cadre(c)?;
        self.tx
            .prepare_cached(
                "INSERT INTO cadres (name, gender, birth_date, political, education, speciality, grassroots_years,
                 home_unit_id, home_post) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                c.name.trim(),
                c.gender.code(),
                c.birth_date.to_string(),
                c.political.code(),
                c.education.trim(),
                c.speciality.trim(),
                c.grassroots_years,
                c.home_unit_id,
                c.home_post.trim()
            ])?;
        let id = self.tx.last_insert_rowid();
        self.audit("insert", "cadres", id, None::<&()>, Some(c))?;
        Ok(id)
    }

    /// Saves `cadre` if nobody changed it since it was read at `cadre.version`.
    pub fn update_cadre(&self, cadre: &Cadre) -> Result<()> {
        let old = self.expect_version("cadres", CADRE_COLS, cadre.id, cadre.version, rows::cadre)?;
        let as_new = NewCadre {
            name: cadre.name.clone(),
            gender: cadre.gender,
            birth_date: cadre.birth_date,
            political: cadre.political,
            education: cadre.education.clone(),
            speciality: cadre.speciality.clone(),
            grassroots_years: cadre.grassroots_years,
            home_unit_id: cadre.home_unit_id,
            home_post: cadre.home_post.clone(),
        };
        Self::check_cadre(&as_new)?;
        self.tx.execute(
            "UPDATE cadres SET name=?1, gender=?2, birth_date=?3, political=?4, education=?5, speciality=?6,
             grassroots_years=?7, home_unit_id=?8, home_post=?9, archived=?10, version = version + 1
             WHERE id = ?11 AND version = ?12",
            params![
                cadre.name.trim(),
                cadre.gender.code(),
                cadre.birth_date.to_string(),
                cadre.political.code(),
                cadre.education.trim(),
                cadre.speciality.trim(),
                cadre.grassroots_years,
                cadre.home_unit_id,
                cadre.home_post.trim(),
                cadre.archived,
                cadre.id,
                cadre.version
            ],
        )?;
        let new = self.get("cadres", CADRE_COLS, cadre.id, rows::cadre)?;
        self.audit("update", "cadres", cadre.id, Some(&old), Some(&new))
    }

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
        let stored = self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?;
        self.audit("insert", "secondments", id, None::<&()>, Some(&stored))?;
        self.apply_schedule(&stored)?;
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
                }
                ScheduleChange::Reschedule { id, due } => {
                    self.tx.execute(
                        "UPDATE reviews SET due_date = ?1, cancelled = 0, version = version + 1 WHERE id = ?2",
                        params![due.to_string(), id],
                    )?;
                    self.audit("reschedule", "reviews", id, None::<&()>, Some(&due))?;
                }
                ScheduleChange::Cancel { id } => {
                    self.tx.execute("UPDATE reviews SET cancelled = 1, version = version + 1 WHERE id = ?1", [id])?;
                    self.audit("cancel", "reviews", id, None::<&()>, None::<&()>)?;
                }
            }
        }
        Ok(())
    }

    /// Ends a secondment early: reviews after `end` are cancelled, the evaluation moved up.
    pub fn end_early(&self, id: Id, version: i64, end: NaiveDate, reason: &str) -> Result<()> {
        let old = self.expect_version("secondments", SECONDMENT_COLS, id, version, rows::secondment)?;
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
        let new = self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?;
        self.audit("end_early", "secondments", id, Some(&old), Some(&new))?;
        self.apply_schedule(&new)
    }

    /// Changes a term; reviews not yet done follow it, done ones stay as recorded.
    pub fn change_term(&self, id: Id, version: i64, start: NaiveDate, planned_end: NaiveDate) -> Result<()> {
        let old = self.expect_version("secondments", SECONDMENT_COLS, id, version, rows::secondment)?;
        if planned_end < start {
            return Err(StoreError::invalid("planned end", "must not be before the start"));
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
        let new = self.get("secondments", SECONDMENT_COLS, id, rows::secondment)?;
        self.audit("change_term", "secondments", id, Some(&old), Some(&new))?;
        self.apply_schedule(&new)
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
        self.audit("insert", "pairs", id, None::<&()>, Some(&self.get("pairs", PAIR_COLS, id, rows::pair)?))?;
        Ok(id)
    }

    pub fn unpair(&self, pair_id: Id, version: i64) -> Result<()> {
        let old = self.expect_version("pairs", PAIR_COLS, pair_id, version, rows::pair)?;
        self.tx.execute("DELETE FROM pairs WHERE id = ?1", [pair_id])?;
        self.audit("delete", "pairs", pair_id, Some(&old), None::<&()>)
    }

    /// Records (or corrects) a review result.
    pub fn record_review(&self, id: Id, version: i64, result: &ReviewResult) -> Result<()> {
        let old = self.expect_version("reviews", REVIEW_COLS, id, version, rows::review)?;
        check_text("assessor", &result.assessor, 100, false)?;
        check_text("note", &result.note, 2000, false)?;
        if old.cancelled {
            return Err(StoreError::invalid("review", "cancelled; no result can be recorded"));
        }
        self.tx.execute(
            "UPDATE reviews SET done_date = ?1, grade = ?2, assessor = ?3, note = ?4, version = version + 1 WHERE id = ?5",
            params![result.done.to_string(), result.grade.code(), result.assessor.trim(), result.note.trim(), id],
        )?;
        let new = self.get("reviews", REVIEW_COLS, id, rows::review)?;
        self.audit("record", "reviews", id, Some(&old), Some(&new))
    }

    pub fn set_vetting(&self, v: &Vetting) -> Result<Id> {
        for (field, text, max) in [
            ("discipline opinion", &v.discipline_opinion, 500),
            ("family planning opinion", &v.family_planning_opinion, 500),
            ("conclusion", &v.conclusion, 2000),
        ] {
            check_text(field, text, max, false)?;
        }
        let existing: Option<Id> = self
            .tx
            .query_row("SELECT id FROM vettings WHERE secondment_id = ?1", [v.secondment_id], |r| r.get(0))
            .optional()?;
        let old = match existing {
            Some(id) => Some(self.expect_version("vettings", VETTING_COLS, id, v.version, rows::vetting)?),
            None => None,
        };
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
        let id: Id =
            self.tx.query_row("SELECT id FROM vettings WHERE secondment_id = ?1", [v.secondment_id], |r| r.get(0))?;
        let new = self.get("vettings", VETTING_COLS, id, rows::vetting)?;
        self.audit(if old.is_some() { "update" } else { "insert" }, "vettings", id, old.as_ref(), Some(&new))?;
        Ok(id)
    }

    pub fn set_evaluation(&self, e: &TermEvaluation) -> Result<Id> {
        check_text("inspectors", &e.inspectors, 200, false)?;
        check_text("summary", &e.summary, 4000, false)?;
        let existing: Option<Id> = self
            .tx
            .query_row("SELECT id FROM term_evaluations WHERE secondment_id = ?1", [e.secondment_id], |r| r.get(0))
            .optional()?;
        let old = match existing {
            Some(id) => {
                Some(self.expect_version("term_evaluations", EVALUATION_COLS, id, e.version, rows::evaluation)?)
            }
            None => None,
        };
        self.tx.execute(
            "INSERT INTO term_evaluations (secondment_id, inspectors, talks, summary) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (secondment_id) DO UPDATE SET inspectors = excluded.inspectors, talks = excluded.talks,
               summary = excluded.summary, version = version + 1",
            params![e.secondment_id, e.inspectors.trim(), e.talks, e.summary.trim()],
        )?;
        let id: Id =
            self.tx.query_row("SELECT id FROM term_evaluations WHERE secondment_id = ?1", [e.secondment_id], |r| {
                r.get(0)
            })?;
        let new = self.get("term_evaluations", EVALUATION_COLS, id, rows::evaluation)?;
        self.audit(if old.is_some() { "update" } else { "insert" }, "term_evaluations", id, old.as_ref(), Some(&new))?;
        Ok(id)
    }

    pub fn add_note(&self, cadre_id: Id, date: NaiveDate, text: &str) -> Result<Id> {
        check_text("note", text, 4000, true)?;
        self.tx.execute(
            "INSERT INTO dossier_notes (cadre_id, note_date, author, body) VALUES (?1, ?2, ?3, ?4)",
            params![cadre_id, date.to_string(), self.actor.user, text.trim()],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit(
            "insert",
            "dossier_notes",
            id,
            None::<&()>,
            Some(&self.get("dossier_notes", NOTE_COLS, id, rows::note)?),
        )?;
        Ok(id)
    }

    /// Puts a cadre forward for the reserve pool, in status `proposed`.
    pub fn nominate(
        &self,
        cadre_id: Id,
        secondment_id: Option<Id>,
        origin: ReserveOrigin,
        on: NaiveDate,
        reason: &str,
    ) -> Result<Id> {
        check_text("reason", reason, 500, false)?;
        let open: Option<Id> = self
            .tx
            .query_row(
                "SELECT id FROM reserve_nominations WHERE cadre_id = ?1 AND status NOT IN ('appointed','withdrawn')",
                [cadre_id],
                |r| r.get(0),
            )
            .optional()?;
        if open.is_some() {
            return Err(StoreError::invalid("cadre", "already has an open reserve nomination"));
        }
        self.tx.execute(
            "INSERT INTO reserve_nominations (cadre_id, secondment_id, origin, status, proposed_on, status_on, reason)
             VALUES (?1, ?2, ?3, 'proposed', ?4, ?4, ?5)",
            params![cadre_id, secondment_id, origin.code(), on.to_string(), reason.trim()],
        )?;
        let id = self.tx.last_insert_rowid();
        self.event(id, on, None, ReserveStatus::Proposed, reason)?;
        let new = self.get("reserve_nominations", NOMINATION_COLS, id, rows::nomination)?;
        self.audit("insert", "reserve_nominations", id, None::<&()>, Some(&new))?;
        Ok(id)
    }

    /// Moves a nomination along its lifecycle; withdrawing needs a reason.
    pub fn move_nomination(&self, id: Id, version: i64, to: ReserveStatus, on: NaiveDate, reason: &str) -> Result<()> {
        let old = self.expect_version("reserve_nominations", NOMINATION_COLS, id, version, rows::nomination)?;
        check_text("reason", reason, 500, to == ReserveStatus::Withdrawn)?;
        if !old.status.can_move_to(to) {
            return Err(StoreError::invalid("status", format!("cannot go from {} to {}", old.status.en(), to.en())));
        }
        if on < old.status_on {
            return Err(StoreError::invalid("date", format!("before the last change on {}", old.status_on)));
        }
        self.tx.execute(
            "UPDATE reserve_nominations SET status = ?1, status_on = ?2, reason = ?3, version = version + 1 WHERE id = ?4",
            params![to.code(), on.to_string(), reason.trim(), id],
        )?;
        self.event(id, on, Some(old.status), to, reason)?;
        let new = self.get("reserve_nominations", NOMINATION_COLS, id, rows::nomination)?;
        self.audit("move", "reserve_nominations", id, Some(&old), Some(&new))
    }

    fn event(
        &self,
        nomination: Id,
        on: NaiveDate,
        from: Option<ReserveStatus>,
        to: ReserveStatus,
        reason: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO reserve_events (nomination_id, event_date, from_status, to_status, reason, by_user)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![nomination, on.to_string(), from.map(|s| s.code()), to.code(), reason.trim(), self.actor.user],
        )?;
        Ok(())
    }
}
