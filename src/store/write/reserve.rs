//! Dossier notes and the reserve pool.

use super::super::rows::{self, NOMINATION_COLS, SECONDMENT_COLS};
use super::{clean_lines, clean_text, judged, Writer};
use crate::domain::plausible::{happened, nomination_date};
use crate::domain::*;
use crate::lang::Message;
use crate::store::{Result, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

impl Writer<'_> {
    pub fn add_note(&self, cadre_id: Id, date: NaiveDate, text: &str) -> Result<Id> {
        let text = clean_lines("note", text, 4000, true)?;
        judged("date", happened(date, self.today))?;
        self.tx.execute(
            "INSERT INTO dossier_notes (cadre_id, note_date, author, body) VALUES (?1, ?2, ?3, ?4)",
            params![cadre_id, date.to_string(), self.actor.user, text],
        )?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "dossier_notes", id, None)?;
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
        let reason = clean_text("reason", reason, 500, false)?;
        judged("date", happened(on, self.today))?;
        if let Some(sid) = secondment_id {
            let s = self.get("secondments", SECONDMENT_COLS, sid, rows::secondment)?;
            judged("date", nomination_date(on, origin, &s, &self.reviews_for(sid)?))?;
        }
        let open: Option<Id> = self
            .tx
            .query_row(
                "SELECT id FROM reserve_nominations WHERE cadre_id = ?1 AND status NOT IN ('appointed','withdrawn')",
                [cadre_id],
                |r| r.get(0),
            )
            .optional()?;
        if open.is_some() {
            let m = Message::new("该干部已有一项进行中的后备提名", "already has an open reserve nomination");
            return Err(StoreError::invalid("cadre", m));
        }
        self.tx.execute(
            "INSERT INTO reserve_nominations (cadre_id, secondment_id, origin, status, proposed_on, status_on, reason)
             VALUES (?1, ?2, ?3, 'proposed', ?4, ?4, ?5)",
            params![cadre_id, secondment_id, origin.code(), on.to_string(), reason],
        )?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "reserve_nominations", id, None)?;
        self.event(id, on, None, ReserveStatus::Proposed, &reason)?;
        Ok(id)
    }

    /// Moves a nomination along its lifecycle; withdrawing needs a reason.
    pub fn move_nomination(&self, id: Id, version: i64, to: ReserveStatus, on: NaiveDate, reason: &str) -> Result<()> {
        let (old, before) =
            self.expect_version("reserve_nominations", NOMINATION_COLS, id, version, rows::nomination)?;
        let reason = clean_text("reason", reason, 500, to == ReserveStatus::Withdrawn)?;
        if !old.status.can_move_to(to) {
            let m = Message::new(
                format!("不能从{}变为{}", old.status.zh(), to.zh()),
                format!("cannot go from {} to {}", old.status.en(), to.en()),
            );
            return Err(StoreError::invalid("status", m));
        }
        if on < old.status_on {
            let d = old.status_on;
            return Err(StoreError::invalid(
                "date",
                Message::new(format!("不能早于上次变动 {d}"), format!("before the last change on {d}")),
            ));
        }
        judged("date", happened(on, self.today))?;
        self.tx.execute(
            "UPDATE reserve_nominations SET status = ?1, status_on = ?2, reason = ?3, version = version + 1 WHERE id = ?4",
            params![to.code(), on.to_string(), reason, id],
        )?;
        self.log("move", "reserve_nominations", id, Some(before))?;
        self.event(id, on, Some(old.status), to, &reason)
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
        self.log("insert", "reserve_events", self.tx.last_insert_rowid(), None)
    }
}
