//! Figures by SQL aggregates over the indexes: the batch figures (`guazhi stats`, the Overview
//! tab) and what depends on each unit (the Units tab). Nothing is loaded: memory holds one row
//! per batch or unit.
//!
//! They count rows as stored, by their codes. On every database the program or the schema's
//! CHECKs wrote that is what the domain's functions count over `load`'s records (tests compare
//! them batch by batch); a row typed by hand past the CHECKs that `load` cannot read (`check`
//! lists it) is counted here and not there.

use super::rows::{self, BATCH_COLS};
use super::{Result, Store};
use crate::domain::figures::{BatchCounts, BatchFigures, DueByMonth, UnitCounts};
use crate::domain::{Batch, Direction, District, Gender, Id, Political};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

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

/// Per batch, in the order of `secondments_batch` (so grouping needs no sort): the down and
/// up secondments, and the down ones by the host unit's district, one column per district
/// code (a unit not known counts as the city's, as in the domain: down less the others).
fn by_direction_sql(only: Option<&[Id]>) -> String {
    let (down, up) = (Direction::Down.code(), Direction::Up.code());
    let districts: Vec<String> = District::grassroots()
        .map(|d| format!("count(*) FILTER (WHERE s.direction = '{down}' AND u.district = '{}')", d.code()))
        .collect();
    format!(
        "SELECT s.batch_id, count(*) FILTER (WHERE s.direction = '{down}'), count(*) FILTER (WHERE s.direction = '{up}'),
            {}
         FROM secondments s LEFT JOIN units u ON u.id = s.host_unit_id
         WHERE 1{}
         GROUP BY s.batch_id",
        districts.join(", "),
        only_clause("s.batch_id", only)
    )
}

/// Per batch: its distinct cadres, the sum of their ages in whole years at the dispatch date
/// (`dates::age_on`: the difference of the years, less one before the birthday; dates are
/// `YYYY-MM-DD`, so `MM-DD` text order is date order), the non-Party ones and the women. The
/// distinct (batch, cadre) pairs come from a plain scan of `secondments` (through its index
/// for some batches only), which is quicker than the index and a lookup per row.
fn people_sql(only: Option<&[Id]>) -> String {
    format!(
        "SELECT x.batch_id, count(*),
            sum(CAST(substr(b.dispatch_date, 1, 4) AS INTEGER) - CAST(substr(c.birth_date, 1, 4) AS INTEGER)
                - (substr(b.dispatch_date, 6) < substr(c.birth_date, 6))),
            count(*) FILTER (WHERE c.political <> '{}'),
            count(*) FILTER (WHERE c.gender = '{}')
         FROM (SELECT DISTINCT batch_id, cadre_id FROM secondments {} WHERE 1{}) x
         JOIN cadres c ON c.id = x.cadre_id
         JOIN batches b ON b.id = x.batch_id
         GROUP BY x.batch_id",
        Political::Party.code(),
        Gender::Female.code(),
        if only.is_some() { "" } else { "NOT INDEXED" },
        only_clause("batch_id", only)
    )
}

/// Per batch and month (`YYYY-MM`; its first due date names it), the open reviews due from `?1` (today) to before `?2`: a
/// range of the partial index `reviews_open_due` (the WHERE repeats its condition so that the
/// planner takes it), each review's secondment by its key for the batch. Only the months ahead
/// are visited, never every review.
fn due_by_month_sql(only: Option<&[Id]>) -> String {
    format!(
        "SELECT s.batch_id, min(r.due_date), count(*)
         FROM reviews r JOIN secondments s ON s.id = r.secondment_id
         WHERE r.done_date IS NULL AND r.cancelled = 0 AND r.due_date >= ?1 AND r.due_date < ?2
             AND date(r.due_date) IS r.due_date{}
         GROUP BY s.batch_id, substr(r.due_date, 1, 7)",
        match only {
            Some(_) => " AND s.batch_id IN (SELECT value FROM json_each(?3))",
            None => "",
        }
    )
}

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

    /// The earliest start of each batch's secondments, by batch id (batches without any are
    /// absent): what a batch's dispatch date is checked against.
    pub fn batch_earliest_starts(&self) -> Result<BTreeMap<Id, NaiveDate>> {
        let mut stmt = self.conn.prepare("SELECT batch_id, min(start_date) FROM secondments GROUP BY batch_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (id, start) = row?;
            if let Ok(start) = start.parse::<NaiveDate>() {
                out.insert(id, start);
            }
        }
        Ok(out)
    }

    /// The earliest start of one batch's secondments (through the batch index), if it has any.
    pub fn batch_earliest_start(&self, batch: Id) -> Result<Option<NaiveDate>> {
        earliest_start(&self.conn, batch)
    }

    /// The figures of every batch (`only`: of the batches with these ids), in dispatch order:
    /// what `domain::figures::batch_figures` computes over `load`'s records, by three GROUP BY
    /// queries (the secondments once by batch and direction, the batches' distinct cadres, the
    /// pairs by batch).
    pub fn batch_figures(&self, only: Option<&[Id]>) -> Result<Vec<BatchFigures>> {
        let batches = self.batches(only)?;
        let mut counts: HashMap<Id, BatchCounts> = batches.iter().map(|b| (b.id, BatchCounts::default())).collect();

        let mut stmt = self.conn.prepare(&by_direction_sql(only))?;
        let mut rows = stmt.query(only_params(only))?;
        while let Some(r) = rows.next()? {
            let Some(c) = counts.get_mut(&r.get::<_, Id>(0)?) else { continue };
            (c.down, c.up) = (count(r.get(1)?), count(r.get(2)?));
            let mut grassroots_down = 0;
            for (i, d) in District::grassroots().enumerate() {
                let n = count(r.get(3 + i)?);
                grassroots_down += n;
                c.down_by_district.push((d, n));
            }
            if c.down > grassroots_down {
                c.down_by_district.push((District::City, c.down - grassroots_down));
            }
        }

        let mut stmt = self.conn.prepare(&people_sql(only))?;
        let mut rows = stmt.query(only_params(only))?;
        while let Some(r) = rows.next()? {
            let Some(c) = counts.get_mut(&r.get::<_, Id>(0)?) else { continue };
            c.people = count(r.get(1)?);
            c.sum_of_ages = r.get::<_, Option<i64>>(2)?.unwrap_or_default();
            (c.non_party, c.women) = (count(r.get(3)?), count(r.get(4)?));
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

    /// For every batch (`only`: the batches with these ids) with an open review due in the
    /// twelve months from `today`'s, how many fall due in each: one GROUP BY over the months'
    /// range of `reviews_open_due`. A batch with none is not in the map.
    pub fn due_by_month(&self, today: NaiveDate, only: Option<&[Id]>) -> Result<HashMap<Id, DueByMonth>> {
        let empty = DueByMonth::new(today);
        let (from, until) = (today.to_string(), empty.until().to_string());
        let mut params: Vec<String> = vec![from, until];
        params.extend(only.map(|ids| serde_json::to_string(ids).expect("ids serialise")));
        let mut stmt = self.conn.prepare(&due_by_month_sql(only))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out: HashMap<Id, DueByMonth> = HashMap::new();
        while let Some(r) = rows.next()? {
            let due = crate::domain::dates::parse_date(&r.get::<_, String>(1)?).ok();
            let Some(i) = due.and_then(|d| empty.index_of(d)) else { continue };
            out.entry(r.get(0)?).or_insert(empty).counts[i] += count(r.get(2)?);
        }
        Ok(out)
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

/// [`Store::batch_earliest_start`] on `conn` (a save's transaction too).
pub(super) fn earliest_start(conn: &rusqlite::Connection, batch: Id) -> Result<Option<NaiveDate>> {
    let start: Option<String> =
        conn.query_row("SELECT min(start_date) FROM secondments WHERE batch_id = ?1", [batch], |r| r.get(0))?;
    Ok(start.and_then(|d| d.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled SQLite's plan: the months ahead as a range of `reviews_open_due` (for some
    /// batches, their secondments through `secondments_batch` instead), never a scan.
    #[test]
    fn due_by_month_reads_a_range_of_the_open_reviews_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("plan.db")).unwrap();
        let plan = |only: Option<&[Id]>| -> Vec<String> {
            let sql = format!("EXPLAIN QUERY PLAN {}", due_by_month_sql(only));
            let mut stmt = store.conn.prepare(&sql).unwrap();
            let mut params = vec!["2026-11-27".to_string(), "2027-11-01".to_string()];
            params.extend(only.map(|ids| serde_json::to_string(ids).unwrap()));
            let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3)).unwrap();
            rows.map(|r| r.unwrap()).collect()
        };
        let all = plan(None);
        assert!(all.iter().any(|l| l.contains("USING INDEX reviews_open_due (due_date>? AND due_date<?)")), "{all:?}");
        let some = plan(Some(&[1, 2]));
        for p in [&all, &some] {
            assert!(!p.iter().any(|l| l.starts_with("SCAN ") && !l.starts_with("SCAN json_each")), "{p:?}");
        }
    }
}
