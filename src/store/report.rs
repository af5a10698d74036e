//! Figures by SQL aggregates over the indexes: the batch figures (`guazhi stats`, the Overview
//! tab) and what depends on each unit (the Units tab). Nothing is loaded: memory holds one row
//! per batch or unit.
//!
//! They count rows as stored. On every database the program or the schema's CHECKs wrote that
//! is what the domain's functions count over `load`'s records (tests compare them batch by
//! batch); a row typed by hand past the CHECKs that `load` cannot read (`check` lists it) is
//! counted here and not there.

use super::rows::{self, BATCH_COLS};
use super::{Result, Store};
use crate::domain::figures::{BatchCounts, BatchFigures, UnitCounts};
use crate::domain::{Batch, Direction, District, Gender, Id, Political};
use std::collections::HashMap;

/// `AND x IN` the ids of `?1` (a JSON array), or nothing when every row counts.
fn only_clause(column: &str, only: Option<&[Id]>) -> String {
    match only {
        Some(_) => format!(" AND {column} IN (SELECT value FROM json_each(?1))"),
        None => String::new(),
    }
}

/// The parameters of a query with `only_clause`: `?1` when there is one.
fn only_params(only: Option<&[Id]>) -> rusqlite::ParamsFromIter<Option<String>> {
    rusqlite::params_from_iter(only.map(|ids| serde_json::to_string(ids).expect("ids serialise")))
}

/// Down and up secondments, and the down ones by the host unit's district: one pass over
/// `secondments`, grouped by batch in the order of `secondments_batch`.
const BY_DIRECTION: &str = "SELECT s.batch_id, s.direction, u.district, count(*)
    FROM secondments s LEFT JOIN units u ON u.id = s.host_unit_id
    WHERE 1{only}
    GROUP BY s.batch_id, s.direction, u.district";

/// Each batch's distinct cadres by political status and gender, with the sum of their ages in
/// whole years at the dispatch date (`dates::age_on`: the difference of the years, less one
/// before the birthday; dates are `YYYY-MM-DD`, so `MM-DD` text order is date order).
const PEOPLE: &str = "SELECT x.batch_id, c.political, c.gender, count(*),
        sum(CAST(substr(b.dispatch_date, 1, 4) AS INTEGER) - CAST(substr(c.birth_date, 1, 4) AS INTEGER)
            - (substr(b.dispatch_date, 6) < substr(c.birth_date, 6)))
    FROM (SELECT DISTINCT batch_id, cadre_id FROM secondments WHERE 1{only}) x
    JOIN cadres c ON c.id = x.cadre_id
    JOIN batches b ON b.id = x.batch_id
    GROUP BY x.batch_id, c.political, c.gender";

/// Through `pairs_batch`.
const PAIRS: &str = "SELECT batch_id, count(*) FROM pairs WHERE 1{only} GROUP BY batch_id";

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or_default()
}

impl Store {
    /// Every readable batch (`only`: those of these ids), in `load`'s order: by dispatch date.
    pub fn batches(&self, only: Option<&[Id]>) -> Result<Vec<Batch>> {
        let sql =
            format!("SELECT {BATCH_COLS} FROM batches WHERE 1{} ORDER BY dispatch_date, id", only_clause("id", only));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query(only_params(only))?;
        let mut skipped = Vec::new();
        super::read::convert_rows(rows, "batches", rows::batch, &mut skipped)
    }

    /// The figures of every batch (`only`: of the batches with these ids), in dispatch order:
    /// what `domain::figures::batch_figures` computes over `load`'s records, by three GROUP BY
    /// queries (the secondments once by batch and direction, the batches' distinct cadres, the
    /// pairs by batch).
    pub fn batch_figures(&self, only: Option<&[Id]>) -> Result<Vec<BatchFigures>> {
        let batches = self.batches(only)?;
        let mut counts: HashMap<Id, BatchCounts> = batches.iter().map(|b| (b.id, BatchCounts::default())).collect();

        let sql = BY_DIRECTION.replace("{only}", &only_clause("s.batch_id", only));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(only_params(only))?;
        while let Some(r) = rows.next()? {
            let Some(c) = counts.get_mut(&r.get::<_, Id>(0)?) else { continue };
            let n = count(r.get(3)?);
            match r.get::<_, String>(1).ok().and_then(|d| Direction::parse(&d)) {
                Some(Direction::Down) => {
                    c.down += n;
                    // A unit not known (or not readable) counts as the city's, as in the domain.
                    let district = r.get::<_, Option<String>>(2)?.and_then(|d| District::parse(&d));
                    c.down_by_district.push((district.unwrap_or(District::City), n));
                }
                Some(Direction::Up) => c.up += n,
                None => {}
            }
        }

        let sql = PEOPLE.replace("{only}", &only_clause("batch_id", only));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(only_params(only))?;
        while let Some(r) = rows.next()? {
            let Some(c) = counts.get_mut(&r.get::<_, Id>(0)?) else { continue };
            let political = r.get::<_, String>(1).ok().and_then(|p| Political::parse(&p));
            let gender = r.get::<_, String>(2).ok().and_then(|g| Gender::parse(&g));
            // A cadre `load` cannot read is not counted there either.
            let (Some(political), Some(gender)) = (political, gender) else { continue };
            let n = count(r.get(3)?);
            c.people += n;
            c.sum_of_ages += r.get::<_, Option<i64>>(4)?.unwrap_or_default();
            if political.is_non_party() {
                c.non_party += n;
            }
            if gender == Gender::Female {
                c.women += n;
            }
        }

        let sql = PAIRS.replace("{only}", &only_clause("batch_id", only));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(only_params(only))?;
        while let Some(r) = rows.next()? {
            if let Some(c) = counts.get_mut(&r.get::<_, Id>(0)?) {
                c.pairs = count(r.get(1)?);
            }
        }

        Ok(batches.iter().map(|b| BatchFigures::from_counts(b, counts.remove(&b.id).unwrap_or_default())).collect())
    }

    /// For every unit (`only`: the units with these ids), by name: how many cadres have it as
    /// their home unit and how many secondments it hosts, counted in the indexes
    /// `cadres_home_unit` and `secondments_host`.
    pub fn unit_counts(&self, only: Option<&[Id]>) -> Result<Vec<UnitCounts>> {
        let sql = format!(
            "SELECT u.id,
                (SELECT count(*) FROM cadres WHERE home_unit_id = u.id),
                (SELECT count(*) FROM secondments WHERE host_unit_id = u.id)
             FROM units u WHERE 1{} ORDER BY u.name",
            only_clause("u.id", only)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(only_params(only), |r| {
            Ok(UnitCounts { unit_id: r.get(0)?, home_cadres: count(r.get(1)?), hosted_secondments: count(r.get(2)?) })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
