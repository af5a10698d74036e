//! A cadre's particulars, as a 任免审批表 (.lrmx) is filled from them: the cadre, the home
//! unit, each secondment with its host unit and reviews, and the reserve nominations. Read one
//! cadre at a time through the indexes, so that a zip of every cadre's form holds one cadre in
//! memory, whatever the size of the database.

use super::read::convert_rows;
use super::rows::{self, *};
use super::{Result, Store};
use crate::domain::*;
use rusqlite::OptionalExtension;

/// One secondment with what a form says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub secondment: Secondment,
    /// `None` when the unit's row is missing or cannot be read.
    pub host: Option<Unit>,
    /// In due order; cancelled ones too.
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Particulars {
    pub cadre: Cadre,
    pub home_unit: Option<Unit>,
    /// In start order.
    pub secondments: Vec<Served>,
    pub nominations: Vec<ReserveNomination>,
}

/// Which cadres to read.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// These, in this order (ids that name no cadre are passed over).
    Ids(&'a [Id]),
    /// Every cadre by name, then birth date (archived ones too when asked).
    All { archived: bool },
}

/// Rows passed over because they cannot be read (typed by hand against the rules): `check`
/// names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unreadable {
    pub cadres: usize,
}

/// Through `cadres_identity (name, birth_date)`: the order without a sort.
const ALL_BY_NAME: &str = "SELECT id FROM cadres WHERE ?1 OR archived = 0 ORDER BY name, birth_date, id";

impl Store {
    /// Calls `each` with the particulars of the cadres `which` names, one cadre at a time, all
    /// read in one read transaction (a colleague's save shows wholly or not at all).
    pub fn each_particulars(
        &self,
        which: Which<'_>,
        mut each: impl FnMut(Particulars) -> Result<()>,
    ) -> Result<Unreadable> {
        let own_tx = if self.conn.is_autocommit() { Some(self.conn.unchecked_transaction()?) } else { None };
        let mut unreadable = Unreadable::default();
        let mut one = |id: Id| -> Result<()> {
            match self.particulars(id)? {
                Some(Ok(p)) => each(p),
                Some(Err(())) => {
                    unreadable.cadres += 1;
                    Ok(())
                }
                None => Ok(()),
            }
        };
        match which {
            Which::Ids(ids) => ids.iter().try_for_each(|&id| one(id))?,
            Which::All { archived } => {
                let mut stmt = self.conn.prepare(ALL_BY_NAME)?;
                let mut ids = stmt.query([archived])?;
                while let Some(row) = ids.next()? {
                    one(row.get(0)?)?;
                }
            }
        }
        if let Some(tx) = own_tx {
            tx.commit()?;
        }
        Ok(unreadable)
    }

    /// One cadre's particulars: `None` when no cadre has the id, `Some(Err(()))` when its row
    /// cannot be read. Rows below it that cannot be read are passed over.
    fn particulars(&self, id: Id) -> Result<Option<std::result::Result<Particulars, ()>>> {
        let sql = format!("SELECT {CADRE_COLS} FROM cadres WHERE id = ?1");
        let cadre =
            self.conn.prepare_cached(&sql)?.query_row([id], |r| Ok(rows::cadre(r).map_err(|_| ()))).optional()?;
        let Some(cadre) = cadre else { return Ok(None) };
        let Ok(cadre) = cadre else { return Ok(Some(Err(()))) };
        let sql = format!("SELECT {SECONDMENT_COLS} FROM secondments WHERE cadre_id = ?1 ORDER BY start_date, id");
        let secondments = self.rows_of(&sql, id, "secondments", rows::secondment)?;
        let sql = format!("SELECT {REVIEW_COLS} FROM reviews WHERE secondment_id = ?1 ORDER BY due_date, id");
        let mut served = Vec::with_capacity(secondments.len());
        for s in secondments {
            let reviews = self.rows_of(&sql, s.id, "reviews", rows::review)?;
            served.push(Served { host: self.unit_by_id(s.host_unit_id)?, secondment: s, reviews });
        }
        let sql = format!("SELECT {NOMINATION_COLS} FROM reserve_nominations WHERE cadre_id = ?1 ORDER BY id");
        let nominations = self.rows_of(&sql, id, "reserve_nominations", rows::nomination)?;
        let home_unit = self.unit_by_id(cadre.home_unit_id)?;
        Ok(Some(Ok(Particulars { cadre, home_unit, secondments: served, nominations })))
    }

    /// The rows `sql` selects for one parameter; rows that cannot be read are passed over.
    fn rows_of<T>(
        &self,
        sql: &str,
        param: impl rusqlite::ToSql,
        table: &str,
        convert: fn(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = convert_rows(stmt.query([param])?, table, convert, &mut Vec::new())?;
        Ok(rows)
    }

    fn unit_by_id(&self, id: Id) -> Result<Option<Unit>> {
        let sql = format!("SELECT {UNIT_COLS} FROM units WHERE id = ?1");
        let unit = self.conn.prepare_cached(&sql)?.query_row([id], |r| Ok(rows::unit(r).ok())).optional()?;
        Ok(unit.flatten())
    }

    /// The readable cadres of that name (as stored: NFC, trimmed), by birth date.
    pub fn cadres_named(&self, name: &str) -> Result<Vec<Cadre>> {
        let sql = format!("SELECT {CADRE_COLS} FROM cadres WHERE name = ?1 ORDER BY birth_date, id");
        self.rows_of(&sql, name, "cadres", rows::cadre)
    }

    /// Every batch's id and name, by dispatch date.
    pub fn batch_names(&self) -> Result<Vec<(Id, String)>> {
        let mut stmt = self.conn.prepare_cached("SELECT id, name FROM batches ORDER BY dispatch_date, id")?;
        let names = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each statement reads through an index, so a zip of a million forms reads a few rows
    /// per cadre (sorting one term's dozen reviews is no matter).
    #[test]
    fn particulars_read_through_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("plan.db")).unwrap();
        let statements = [
            ALL_BY_NAME.to_string(),
            format!("SELECT {CADRE_COLS} FROM cadres WHERE id = ?1"),
            format!("SELECT {SECONDMENT_COLS} FROM secondments WHERE cadre_id = ?1 ORDER BY start_date, id"),
            format!("SELECT {REVIEW_COLS} FROM reviews WHERE secondment_id = ?1 ORDER BY due_date, id"),
            format!("SELECT {NOMINATION_COLS} FROM reserve_nominations WHERE cadre_id = ?1 ORDER BY id"),
            format!("SELECT {UNIT_COLS} FROM units WHERE id = ?1"),
            format!("SELECT {CADRE_COLS} FROM cadres WHERE name = ?1 ORDER BY birth_date, id"),
        ];
        for sql in statements {
            let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> =
                stmt.query_map([0], |r| r.get::<_, String>(3)).unwrap().map(|r| r.unwrap()).collect();
            let scans = plan.iter().any(|l| l.starts_with("SCAN ") && !l.contains("INDEX"));
            let whole_sort = plan.iter().any(|l| l.contains("TEMP B-TREE")) && sql == ALL_BY_NAME;
            assert!(!scans && !whole_sort, "{sql}: {plan:?}");
        }
    }
}
