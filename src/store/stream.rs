//! Streams for the command line's reports and exports: rows in an order an index gives, handed
//! over one at a time (or one cadre's at a time), so that memory holds a row, never a table.
//!
//! Rows that cannot be read (typed by hand past the CHECKs) are skipped as `load` skips them;
//! [`Store::for_each_invalid`] names them as `load` names them in `Data::invalid`.

use super::read::convert_rows_with;
use super::rows::{self, qualified, width, *};
use super::{Result, Store, StoreError};
use crate::domain::*;
use rusqlite::{Row, Rows};

/// A secondment with its cadre, `None` when the cadre's row is missing or cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub secondment: Secondment,
    pub cadre: Option<Cadre>,
}

/// A stored pair with its two sides, each `None` when the secondment's row is missing or
/// cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow {
    pub pair: Pair,
    pub down: Option<Side>,
    pub up: Option<Side>,
}

/// One cadre's secondments as the rules read them: the cadre (`None` when its row is missing
/// or cannot be read) and its readable secondments in start order, each with whether a pair
/// names it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CadreTerms {
    pub cadre_id: Id,
    pub cadre: Option<Cadre>,
    pub secondments: Vec<Secondment>,
    pub paired: Vec<bool>,
}

/// `s.*, c.*` of a secondment `s` joined with its cadre `c`.
fn side_cols() -> String {
    format!("{}, {}", qualified("s", SECONDMENT_COLS), qualified("c", CADRE_COLS))
}

/// The side whose secondment's columns start at `at`, its cadre's after them.
pub(super) fn side_at(r: &Row, at: usize) -> Option<Side> {
    let secondment = rows::secondment_at(r, at).ok()?;
    Some(Side { secondment, cadre: rows::cadre_at(r, at + width(SECONDMENT_COLS)).ok() })
}

/// Every pair by batch, then id: through `pairs_batch`, each side by primary key.
fn pairs_sql() -> String {
    format!(
        "SELECT {}, {}, {}, {}, {} FROM pairs p
         LEFT JOIN secondments d ON d.id = p.down_id LEFT JOIN cadres dc ON dc.id = d.cadre_id
         LEFT JOIN secondments u ON u.id = p.up_id LEFT JOIN cadres uc ON uc.id = u.cadre_id
         ORDER BY p.batch_id, p.id",
        qualified("p", PAIR_COLS),
        qualified("d", SECONDMENT_COLS),
        qualified("dc", CADRE_COLS),
        qualified("u", SECONDMENT_COLS),
        qualified("uc", CADRE_COLS),
    )
}

fn pair_row(r: &Row) -> Option<PairRow> {
    let pair = rows::pair(r).ok()?;
    let side = width(SECONDMENT_COLS) + width(CADRE_COLS);
    let at = width(PAIR_COLS);
    Some(PairRow { pair, down: side_at(r, at), up: side_at(r, at + side) })
}

/// The secondments no pair names, by batch, direction and id: through `secondments_batch`,
/// and the UNIQUE indexes on `pairs.down_id` and `pairs.up_id`.
fn unpaired_sql() -> String {
    format!(
        "SELECT {} FROM secondments s LEFT JOIN cadres c ON c.id = s.cadre_id
         WHERE NOT EXISTS (SELECT 1 FROM pairs WHERE down_id = s.id)
           AND NOT EXISTS (SELECT 1 FROM pairs WHERE up_id = s.id)
         ORDER BY s.batch_id, s.direction, s.id",
        side_cols()
    )
}

/// Steps `rows` to the next row `convert` can read, skipping the others.
fn next_read<T>(rows: &mut Rows<'_>, convert: fn(&Row) -> Option<T>) -> Result<Option<T>> {
    while let Some(r) = rows.next()? {
        if let Some(v) = convert(r) {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// Calls `f` with each row `convert` reads from `sql` (run with `params`).
pub(super) fn each_read<T, E: From<StoreError>>(
    store: &Store,
    sql: &str,
    params: impl rusqlite::Params,
    convert: fn(&Row) -> Option<T>,
    mut f: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = store.conn.prepare(sql).map_err(StoreError::from)?;
    let mut rows = stmt.query(params).map_err(StoreError::from)?;
    while let Some(v) = next_read(&mut rows, convert)? {
        f(v)?;
    }
    Ok(())
}

impl Store {
    /// Runs `f` in one read transaction (unless one is open), so that its queries see one
    /// state of the file: a colleague's save shows wholly or not at all.
    pub fn read_consistent<T, E: From<StoreError>>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        if !self.conn.is_autocommit() {
            return f();
        }
        let tx = self.conn.unchecked_transaction().map_err(StoreError::from)?;
        let value = f()?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Every row that cannot be read, named as in `Data::invalid` ("table id: column: why"),
    /// table by table in `load`'s order, each table by id (its primary key: a plain scan).
    pub fn for_each_invalid<E: From<StoreError>>(&self, mut f: impl FnMut(String) -> Result<(), E>) -> Result<(), E> {
        let mut scan = |table: &str, cols: &str, convert: fn(&Row) -> rusqlite::Result<()>| -> Result<(), E> {
            let mut stmt =
                self.conn.prepare(&format!("SELECT {cols} FROM {table} ORDER BY id")).map_err(StoreError::from)?;
            let rows = stmt.query([]).map_err(StoreError::from)?;
            convert_rows_with(rows, table, convert, |()| Ok(()), &mut f)
        };
        scan("units", UNIT_COLS, |r| rows::unit(r).map(drop))?;
        scan("batches", BATCH_COLS, |r| rows::batch(r).map(drop))?;
        scan("cadres", CADRE_COLS, |r| rows::cadre(r).map(drop))?;
        scan("secondments", SECONDMENT_COLS, |r| rows::secondment(r).map(drop))?;
        scan("pairs", PAIR_COLS, |r| rows::pair(r).map(drop))?;
        scan("reviews", REVIEW_COLS, |r| rows::review(r).map(drop))?;
        scan("vettings", VETTING_COLS, |r| rows::vetting(r).map(drop))?;
        scan("term_evaluations", EVALUATION_COLS, |r| rows::evaluation(r).map(drop))?;
        scan("dossier_notes", NOTE_COLS, |r| rows::note(r).map(drop))?;
        scan("reserve_nominations", NOMINATION_COLS, |r| rows::nomination(r).map(drop))?;
        scan("reserve_events", EVENT_COLS, |r| rows::event(r).map(drop))
    }

    /// Each cadre's secondments, cadre by cadre in id order: through `secondments_cadre`, the
    /// cadre by primary key, "paired" through the UNIQUE indexes of `pairs`. Every cadre id
    /// that a secondment row names comes once, its cadre row readable or not.
    pub fn for_each_cadre_terms<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&CadreTerms) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = format!(
            "SELECT s.cadre_id, {},
                EXISTS (SELECT 1 FROM pairs WHERE down_id = s.id) OR EXISTS (SELECT 1 FROM pairs WHERE up_id = s.id),
                {}
             FROM secondments s LEFT JOIN cadres c ON c.id = s.cadre_id
             ORDER BY s.cadre_id, s.start_date, s.id",
            qualified("s", SECONDMENT_COLS),
            qualified("c", CADRE_COLS)
        );
        let mut stmt = self.conn.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        let mut group: Option<CadreTerms> = None;
        let after = 1 + width(SECONDMENT_COLS);
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let cadre_id: Id = r.get(0).map_err(StoreError::from)?;
            if group.as_ref().is_none_or(|g| g.cadre_id != cadre_id) {
                if let Some(done) = group.take() {
                    f(&done)?;
                }
                let cadre = rows::cadre_at(r, after + 1).ok();
                group = Some(CadreTerms { cadre_id, cadre, ..CadreTerms::default() });
            }
            let g = group.as_mut().expect("a group was just started");
            if let Ok(s) = rows::secondment_at(r, 1) {
                g.secondments.push(s);
                g.paired.push(r.get(after).map_err(StoreError::from)?);
            }
        }
        match group {
            Some(last) => f(&last),
            None => Ok(()),
        }
    }

    /// Every pair with its sides, by batch, then id.
    pub fn for_each_pair<E: From<StoreError>>(&self, f: impl FnMut(PairRow) -> Result<(), E>) -> Result<(), E> {
        each_read(self, &pairs_sql(), [], pair_row, f)
    }

    /// Every readable secondment no pair names, with its cadre, by batch, direction and id.
    pub fn for_each_unpaired<E: From<StoreError>>(&self, f: impl FnMut(Side) -> Result<(), E>) -> Result<(), E> {
        each_read(self, &unpaired_sql(), [], |r| side_at(r, 0), f)
    }

    /// Every readable secondment with its cadre and its partner's side (`None` when unpaired,
    /// or the partner's row is missing or unreadable), by batch (id order); within a batch the
    /// pairs by id, down then up, then the unpaired by direction and id. Two index-ordered
    /// streams, [`Store::for_each_pair`]'s and [`Store::for_each_unpaired`]'s, merged by batch.
    pub fn for_each_secondment_by_pair<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&Side, Option<&Side>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut pairs_stmt = self.conn.prepare(&pairs_sql()).map_err(StoreError::from)?;
        let mut single_stmt = self.conn.prepare(&unpaired_sql()).map_err(StoreError::from)?;
        let mut pairs = pairs_stmt.query([]).map_err(StoreError::from)?;
        let mut singles = single_stmt.query([]).map_err(StoreError::from)?;
        let single_at: fn(&Row) -> Option<Side> = |r| side_at(r, 0);
        let (mut pair, mut single) = (next_read(&mut pairs, pair_row)?, next_read(&mut singles, single_at)?);
        loop {
            let pair_first = match (&pair, &single) {
                (None, None) => return Ok(()),
                (Some(p), Some(s)) => p.pair.batch_id <= s.secondment.batch_id,
                (p, _) => p.is_some(),
            };
            if pair_first {
                let p = pair.take().expect("a pair is there");
                if let Some(down) = &p.down {
                    f(down, p.up.as_ref())?;
                }
                if let Some(up) = &p.up {
                    f(up, p.down.as_ref())?;
                }
                pair = next_read(&mut pairs, pair_row)?;
            } else {
                f(single.as_ref().expect("a secondment is there"), None)?;
                single = next_read(&mut singles, single_at)?;
            }
        }
    }
}
