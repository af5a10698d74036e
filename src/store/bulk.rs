//! Bulk loading for generated databases (`guazhi sample --cadres N`): millions of rows in one
//! transaction through statements prepared once, with durability relaxed for the duration
//! and a single audit row for the whole operation instead of one per row.
//!
//! Unlike [`super::Writer`] nothing is read back or validated here beyond what the schema's
//! CHECK constraints, foreign keys and triggers enforce: the caller builds its rows with the
//! domain rules. Use it only on a database nobody else is using (a freshly created one).

use super::{Result, Store, StoreError};
use crate::domain::*;
use crate::store::NewCadre;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Statement, Transaction, TransactionBehavior};
use serde::Serialize;

/// How many rows of each table a bulk load wrote (the audit row records it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BulkCounts {
    pub units: u64,
    pub batches: u64,
    pub cadres: u64,
    pub secondments: u64,
    pub pairs: u64,
    pub reviews: u64,
    pub vettings: u64,
    pub term_evaluations: u64,
    pub dossier_notes: u64,
    pub reserve_nominations: u64,
    pub reserve_events: u64,
}

/// `YYYY-MM-DD` without allocating (dates are bound as text millions of times).
pub(super) struct Ymd([u8; 10]);

impl Ymd {
    pub(super) fn new(d: NaiveDate) -> Ymd {
        let mut b = *b"0000-00-00";
        let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
        for (i, v) in [(0, y / 1000), (1, y / 100 % 10), (2, y / 10 % 10), (3, y % 10)] {
            b[i] = b'0' + v as u8;
        }
        b[5] = b'0' + (m / 10) as u8;
        b[6] = b'0' + (m % 10) as u8;
        b[8] = b'0' + (day / 10) as u8;
        b[9] = b'0' + (day % 10) as u8;
        Ymd(b)
    }

    pub(super) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }
}

fn opt_ymd(d: Option<NaiveDate>) -> Option<Ymd> {
    d.map(Ymd::new)
}

/// The insert statements, prepared once for the whole load.
pub struct Bulk<'t> {
    unit: Statement<'t>,
    batch: Statement<'t>,
    cadre: Statement<'t>,
    secondment: Statement<'t>,
    pair: Statement<'t>,
    review: Statement<'t>,
    vetting: Statement<'t>,
    evaluation: Statement<'t>,
    note: Statement<'t>,
    nomination: Statement<'t>,
    event: Statement<'t>,
    counts: BulkCounts,
}

impl<'t> Bulk<'t> {
    fn new(tx: &'t Transaction<'t>) -> Result<Bulk<'t>> {
        Ok(Bulk {
            unit: tx.prepare("INSERT INTO units (name, kind, district) VALUES (?1, ?2, ?3)")?,
            batch: tx.prepare("INSERT INTO batches (name, dispatch_date, term_months) VALUES (?1, ?2, ?3)")?,
            cadre: tx.prepare(
                "INSERT INTO cadres (name, gender, birth_date, political, education, speciality, grassroots_years,
                 home_unit_id, home_post) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?,
            secondment: tx.prepare(
                "INSERT INTO secondments (cadre_id, batch_id, direction, host_unit_id, host_post, start_date,
                 planned_end, actual_end, end_reason, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            pair: tx.prepare("INSERT INTO pairs (batch_id, down_id, up_id) VALUES (?1, ?2, ?3)")?,
            review: tx.prepare(
                "INSERT INTO reviews (secondment_id, kind, period, due_date, done_date, grade, assessor, note,
                 cancelled, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            vetting: tx.prepare(
                "INSERT INTO vettings (secondment_id, vet_date, political, moral, performance, duty, integrity,
                 discipline_opinion, family_planning_opinion, conclusion)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            evaluation: tx.prepare(
                "INSERT INTO term_evaluations (secondment_id, inspectors, talks, summary) VALUES (?1, ?2, ?3, ?4)",
            )?,
            note: tx
                .prepare("INSERT INTO dossier_notes (cadre_id, note_date, author, body) VALUES (?1, ?2, ?3, ?4)")?,
            nomination: tx.prepare(
                "INSERT INTO reserve_nominations (cadre_id, secondment_id, origin, status, proposed_on, status_on,
                 reason, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            event: tx.prepare(
                "INSERT INTO reserve_events (nomination_id, event_date, from_status, to_status, reason, by_user)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            counts: BulkCounts::default(),
        })
    }

    pub fn counts(&self) -> BulkCounts {
        self.counts
    }

    pub fn unit(&mut self, name: &str, kind: UnitKind, district: District) -> Result<Id> {
        self.counts.units += 1;
        Ok(self.unit.insert(params![name, kind.code(), district.code()])?)
    }

    pub fn batch(&mut self, name: &str, dispatch: NaiveDate, term_months: u32) -> Result<Id> {
        self.counts.batches += 1;
        Ok(self.batch.insert(params![name, Ymd::new(dispatch).as_str(), term_months])?)
    }

    pub fn cadre(&mut self, c: &NewCadre) -> Result<Id> {
        self.counts.cadres += 1;
        Ok(self.cadre.insert(params![
            c.name,
            c.gender.code(),
            Ymd::new(c.birth_date).as_str(),
            c.political.code(),
            c.education,
            c.speciality,
            c.grassroots_years,
            c.home_unit_id,
            c.home_post
        ])?)
    }

    /// Inserts `s` as it stands (its `id` is ignored); returns the new id.
    pub fn secondment(&mut self, s: &Secondment) -> Result<Id> {
        self.counts.secondments += 1;
        let actual_end = opt_ymd(s.actual_end);
        Ok(self.secondment.insert(params![
            s.cadre_id,
            s.batch_id,
            s.direction.code(),
            s.host_unit_id,
            s.host_post,
            Ymd::new(s.start).as_str(),
            Ymd::new(s.planned_end).as_str(),
            actual_end.as_ref().map(Ymd::as_str),
            s.end_reason,
            s.version
        ])?)
    }

    /// Pairs two secondments of `batch`; the schema's trigger refuses anything but one down and one up.
    pub fn pair(&mut self, batch: Id, down: Id, up: Id) -> Result<Id> {
        self.counts.pairs += 1;
        Ok(self.pair.insert(params![batch, down, up])?)
    }

    /// Inserts `r` as it stands (its `id` is ignored).
    pub fn review(&mut self, r: &Review) -> Result<()> {
        self.counts.reviews += 1;
        let done = opt_ymd(r.done);
        self.review.execute(params![
            r.secondment_id,
            r.kind.code(),
            r.period,
            Ymd::new(r.due).as_str(),
            done.as_ref().map(Ymd::as_str),
            r.grade.map(Grade::code),
            r.assessor,
            r.note,
            r.cancelled,
            r.version
        ])?;
        Ok(())
    }

    pub fn vetting(&mut self, v: &Vetting) -> Result<Id> {
        self.counts.vettings += 1;
        Ok(self.vetting.insert(params![
            v.secondment_id,
            Ymd::new(v.date).as_str(),
            v.political.code(),
            v.moral.code(),
            v.performance.code(),
            v.duty.code(),
            v.integrity.code(),
            v.discipline_opinion,
            v.family_planning_opinion,
            v.conclusion
        ])?)
    }

    pub fn evaluation(&mut self, e: &TermEvaluation) -> Result<Id> {
        self.counts.term_evaluations += 1;
        Ok(self.evaluation.insert(params![e.secondment_id, e.inspectors, e.talks, e.summary])?)
    }

    pub fn note(&mut self, n: &DossierNote) -> Result<Id> {
        self.counts.dossier_notes += 1;
        Ok(self.note.insert(params![n.cadre_id, Ymd::new(n.date).as_str(), n.author, n.text])?)
    }

    pub fn nomination(&mut self, n: &ReserveNomination) -> Result<Id> {
        self.counts.reserve_nominations += 1;
        Ok(self.nomination.insert(params![
            n.cadre_id,
            n.secondment_id,
            n.origin.code(),
            n.status.code(),
            Ymd::new(n.proposed_on).as_str(),
            Ymd::new(n.status_on).as_str(),
            n.reason,
            n.version
        ])?)
    }

    pub fn event(&mut self, e: &ReserveEvent) -> Result<Id> {
        self.counts.reserve_events += 1;
        Ok(self.event.insert(params![
            e.nomination_id,
            Ymd::new(e.on).as_str(),
            e.from.map(ReserveStatus::code),
            e.to.code(),
            e.reason,
            e.by
        ])?)
    }
}

/// How a bulk load treats the secondary indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexes {
    /// Maintain them row by row.
    Keep,
    /// Drop the named indexes of the loaded tables first and build them again, sorted, at the end.
    Rebuild,
}

/// Tables whose secondary indexes `Indexes::Rebuild` drops and recreates.
const LOADED: &[&str] =
    &["cadres", "secondments", "pairs", "reviews", "dossier_notes", "reserve_nominations", "reserve_events"];

/// What the JSON of the single audit row says.
#[derive(Serialize)]
struct Generated<'a, T: Serialize> {
    what: &'a str,
    rows: BulkCounts,
    detail: T,
}

impl Store {
    /// Runs `f` with bulk inserters in one `BEGIN IMMEDIATE` transaction and records it as one
    /// audit row (`action` = "bulk_insert", no row id, the row counts, `detail` and the digests of
    /// the rows it wrote as JSON; `chain::write_digest`).
    ///
    /// For the load only: `synchronous = OFF`, a 512 MiB page cache, in-memory temp storage,
    /// and CHECK constraints deferred: every `col IN (...)` CHECK makes SQLite build a temporary
    /// b-tree on each insert, two thirds of the load's time. Before committing, `PRAGMA
    /// quick_check` verifies every CHECK and NOT NULL constraint over the whole database in one
    /// pass (about a third of that cost); any violation rolls the whole load back. The previous
    /// settings are put back afterwards, whether `f` succeeds or not.
    pub fn bulk_load<T: Serialize>(
        &mut self,
        what: &str,
        indexes: Indexes,
        f: impl FnOnce(&mut Bulk) -> Result<T>,
    ) -> Result<(T, BulkCounts)> {
        if let Some(why) = &self.read_only {
            return Err(StoreError::ReadOnly(why.clone()));
        }
        super::sound::quick_check(&self.conn)?;
        let conn = &self.conn;
        let synchronous: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
        let cache_size: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        let temp_store: i64 = conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
        conn.execute_batch(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY;
             PRAGMA ignore_check_constraints = ON;",
        )?;
        let result = self.bulk_transaction(what, indexes, f);
        let conn = &self.conn;
        let restored = conn
            .pragma_update(None, "ignore_check_constraints", false)
            .and_then(|_| conn.pragma_update(None, "synchronous", synchronous))
            .and_then(|_| conn.pragma_update(None, "cache_size", cache_size))
            .and_then(|_| conn.pragma_update(None, "temp_store", temp_store));
        let value = result?;
        restored?;
        Ok(value)
    }

    fn bulk_transaction<T: Serialize>(
        &mut self,
        what: &str,
        indexes: Indexes,
        f: impl FnOnce(&mut Bulk) -> Result<T>,
    ) -> Result<(T, BulkCounts)> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Each table's last id before the load: the load's rows are the ones above it.
        let before: Vec<(&str, i64)> = super::write::TABLES
            .iter()
            .filter(|t| **t != "policy")
            .map(|t| Ok((*t, tx.query_row(&format!("SELECT coalesce(max(id), 0) FROM {t}"), [], |r| r.get(0))?)))
            .collect::<Result<_>>()?;
        let mut dropped: Vec<(String, String)> = Vec::new();
        if indexes == Indexes::Rebuild {
            let marks = vec!["?"; LOADED.len()].join(", ");
            let mut stmt = tx.prepare(&format!(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                 AND tbl_name IN ({marks}) ORDER BY rowid"
            ))?;
            dropped = stmt
                .query_map(rusqlite::params_from_iter(LOADED), |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            for (name, _) in &dropped {
                tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            }
        }
        let (value, counts) = {
            let mut bulk = Bulk::new(&tx)?;
            let value = f(&mut bulk)?;
            (value, bulk.counts())
        };
        for (_, sql) in &dropped {
            tx.execute_batch(sql)?;
        }
        // The deferred CHECK constraints, all at once (UNIQUE ones were enforced on insert).
        tx.pragma_update(None, "ignore_check_constraints", false)?;
        let problems: Vec<String> =
            tx.prepare("PRAGMA quick_check(20)")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if problems != ["ok"] {
            let found = problems.join("; ");
            return Err(StoreError::invalid(
                "bulk load",
                crate::lang::Message::new(format!("数据不符合约束：{found}"), found.clone()),
            ));
        }
        // The loaded rows have no audit images of their own: the audit row names their digest.
        let detail =
            serde_json::to_value(Generated { what, rows: counts, detail: &value }).expect("bulk counts serialise");
        let loaded: Vec<(&str, i64)> = before.iter().map(|(t, max)| (*t, *max)).collect();
        let head = super::chain::write_digest(&tx, &self.actor, "bulk_insert", &loaded, detail)?;
        tx.commit()?;
        super::chain::anchor(&self.path, head);
        Ok((value, counts))
    }
}

#[cfg(test)]
mod tests {
    use super::Ymd;
    use chrono::NaiveDate;

    #[test]
    fn ymd_formats_like_chrono() {
        for (y, m, d) in [(2026, 11, 27), (2000, 1, 1), (999, 12, 31), (2024, 2, 29)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(Ymd::new(date).as_str(), date.format("%Y-%m-%d").to_string());
        }
    }
}
