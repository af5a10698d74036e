//! Many new rows in one save: an import's new cadres, their secondments with the reviews they
//! owe, and their pairs. Each is checked as `Writer::add_cadre`, `add_secondment` and `pair`
//! check it, and stored as they leave it, but without an audit image of its own: one audit
//! row at the end ([`NewRows::finish`]) names digests of the new rows in blocks of
//! `chain::BLOCK`, which `check` verifies as it verifies a bulk load's. (An image, its JSON and
//! its chain link for each of the 1.4 million rows of a 100,000-line import held the write
//! lock half a minute.)

use super::super::bulk::Ymd;
use super::super::rows::{self, BATCH_COLS, CADRE_COLS};
use super::records::INSERT_CADRE;
use super::{NewCadre, NewSecondment, Writer};
use crate::domain::schedule::new_term_reviews;
use crate::domain::*;
use crate::store::Result;
use chrono::NaiveDate;
use rusqlite::{params, Statement};
use serde::Serialize;
use std::collections::HashMap;

/// How many rows of each table a [`NewRows`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub cadres: u64,
    pub secondments: u64,
    pub reviews: u64,
    pub pairs: u64,
}

/// The `what` of an import's new rows: the lists read an import's part by its digest's
/// blocks (`Store::affected_since`), and anything else written as a block again whole.
pub const IMPORTED: &str = "import";

/// The tables it writes, in the order its digest names them.
const TABLES: [&str; 4] = ["cadres", "secondments", "reviews", "pairs"];

/// New rows written in the caller's transaction; [`NewRows::finish`] must audit them before it
/// commits (rows no audit row covers are what `check` calls added outside the program).
pub struct NewRows<'w, 'a> {
    w: &'w Writer<'a>,
    policy: Policy,
    /// Each of [`TABLES`]' last id before the first new row: its digest covers the rows above.
    before: [i64; 4],
    insert_cadre: Statement<'a>,
    insert_secondment: Statement<'a>,
    insert_review: Statement<'a>,
    insert_pair: Statement<'a>,
    /// Batches as read (an import names a few for thousands of rows), and the birth dates of
    /// the cadres added here.
    batches: HashMap<Id, Batch>,
    births: HashMap<Id, NaiveDate>,
    counts: RowCounts,
}

impl<'a> Writer<'a> {
    /// Starts writing many new rows in this transaction.
    pub fn new_rows<'w>(&'w self) -> Result<NewRows<'w, 'a>> {
        let tx = self.tx;
        let mut before = [0; 4];
        for (last, table) in before.iter_mut().zip(TABLES) {
            *last = tx.query_row(&format!("SELECT coalesce(max(id), 0) FROM {table}"), [], |r| r.get(0))?;
        }
        Ok(NewRows {
            w: self,
            policy: self.policy()?,
            before,
            insert_cadre: tx.prepare(INSERT_CADRE)?,
            insert_secondment: tx.prepare(
                "INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date,
                 planned_end, actual_end, end_reason, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            insert_review: tx.prepare(
                "INSERT INTO reviews (secondment_id, kind, period, due_date, cancelled, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            insert_pair: tx.prepare("INSERT INTO pairs (batch_id, down_id, up_id) VALUES (?1, ?2, ?3)")?,
            batches: HashMap::new(),
            births: HashMap::new(),
            counts: RowCounts::default(),
        })
    }
}

impl NewRows<'_, '_> {
    /// [`Writer::add_cadre`] without its audit row.
    pub fn cadre(&mut self, c: &NewCadre) -> Result<Id> {
        let id = self.w.insert_cadre(&mut self.insert_cadre, c, &self.policy)?;
        self.births.insert(id, c.birth_date);
        self.counts.cadres += 1;
        Ok(id)
    }

    /// [`Writer::add_secondment`] without its audit rows: the secondment as it stands after an
    /// early end, if any, and its reviews as that leaves them (`schedule::new_term_reviews`).
    pub fn secondment(&mut self, s: &NewSecondment) -> Result<Id> {
        let batch = match self.batches.get(&s.batch_id) {
            Some(b) => b.clone(),
            None => {
                let b = self.w.get("batches", BATCH_COLS, s.batch_id, rows::batch)?;
                self.batches.insert(b.id, b.clone());
                b
            }
        };
        let birth = match self.births.get(&s.cadre_id) {
            Some(d) => *d,
            None => self.w.get("cadres", CADRE_COLS, s.cadre_id, rows::cadre)?.birth_date,
        };
        let term = self.w.check_new_secondment(s, &batch, birth, &self.policy)?;
        let (ended, reason) = term.early.unzip();
        // An early end is a second save of the row: its version moves on.
        let version = 1 + i64::from(ended.is_some());
        let id = self.insert_secondment.insert(params![
            s.cadre_id,
            s.batch_id,
            s.direction.code(),
            s.host_unit_id,
            term.host_post,
            Ymd::new(s.start).as_str(),
            Ymd::new(term.planned_end).as_str(),
            ended.map(Ymd::new).as_ref().map(Ymd::as_str),
            reason,
            version
        ])?;
        for r in new_term_reviews(s.start, term.planned_end, ended, &self.policy) {
            self.insert_review.execute(params![
                id,
                r.kind.code(),
                r.period,
                Ymd::new(r.due).as_str(),
                r.cancelled,
                r.version
            ])?;
            self.counts.reviews += 1;
        }
        self.counts.secondments += 1;
        Ok(id)
    }

    /// [`Writer::pair`] without its audit row.
    pub fn pair(&mut self, a: Id, b: Id) -> Result<Id> {
        let (batch, down, up) = self.w.check_pair(a, b)?;
        self.counts.pairs += 1;
        Ok(self.insert_pair.insert(params![batch, down, up])?)
    }

    /// Writes the one audit row of the new rows (action `bulk_insert`, `what` and the counts in
    /// its JSON, with the digests), in the operation of the transaction's other audit rows.
    pub fn finish(self, what: &str) -> Result<RowCounts> {
        let c = self.counts;
        let tables: Vec<(&str, i64)> = TABLES
            .into_iter()
            .zip(self.before)
            .zip([c.cadres, c.secondments, c.reviews, c.pairs])
            .filter(|(_, n)| *n > 0)
            .map(|(t, _)| t)
            .collect();
        if !tables.is_empty() {
            // Before the digests, which hold each row's version.
            for (table, before) in TABLES.into_iter().zip(self.before) {
                self.w.fresh_versions(table, before + 1..=Id::MAX)?;
            }
            let detail = serde_json::json!({ "what": what, "rows": c });
            self.w.log_digest("bulk_insert", &tables, detail)?;
        }
        Ok(c)
    }
}
