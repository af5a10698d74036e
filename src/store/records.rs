//! Every cadre with all its rows, cadre by cadre, for the rules that judge a cadre's rows
//! together (`guazhi check`). Four index-ordered streams merged on the cadre's id, so memory
//! holds one cadre's rows.

use super::rows::{self, qualified, CADRE_COLS, REVIEW_COLS, SECONDMENT_COLS, VETTING_COLS};
use super::{Result, Store, StoreError};
use crate::domain::check::CadreRecords;
use crate::domain::*;
use rusqlite::{Row, Rows};

/// A stream of rows keyed by cadre id, one row read ahead.
struct ByCadre<'s, T> {
    rows: Rows<'s>,
    convert: fn(&Row) -> rusqlite::Result<T>,
    ahead: Option<(Id, T)>,
}

impl<'s, T> ByCadre<'s, T> {
    fn new(rows: Rows<'s>, convert: fn(&Row) -> rusqlite::Result<T>) -> Result<Self> {
        let mut s = ByCadre { rows, convert, ahead: None };
        s.advance()?;
        Ok(s)
    }

    /// Reads the next readable row (unreadable ones are `check`'s invalid rows already).
    fn advance(&mut self) -> Result<()> {
        self.ahead = None;
        while let Some(r) = self.rows.next()? {
            let id: Id = r.get(0)?;
            if let Ok(v) = (self.convert)(r) {
                self.ahead = Some((id, v));
                return Ok(());
            }
        }
        Ok(())
    }

    /// The rows of `cadre` (rows of cadres before it, which have no cadre row, are skipped).
    fn take(&mut self, cadre: Id, into: &mut Vec<T>) -> Result<()> {
        into.clear();
        while let Some((id, _)) = &self.ahead {
            if *id > cadre {
                break;
            }
            let (id, v) = self.ahead.take().expect("a row is ahead");
            if id == cadre {
                into.push(v);
            }
            self.advance()?;
        }
        Ok(())
    }
}

fn review_after_id(r: &Row) -> rusqlite::Result<Review> {
    rows::review_at(r, 1)
}

fn vetting_after_id(r: &Row) -> rusqlite::Result<Vetting> {
    rows::vetting_at(r, 1)
}

fn secondment_after_id(r: &Row) -> rusqlite::Result<Secondment> {
    rows::secondment_at(r, 1)
}

impl Store {
    /// Each readable cadre with its secondments, their reviews and vettings, in id order:
    /// cadres by primary key, secondments through `secondments_cadre`, their reviews and
    /// vettings through the UNIQUE indexes on `secondment_id` (CROSS JOIN keeps the
    /// secondments outside, so nothing is sorted).
    pub fn for_each_cadre_records<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&CadreRecords) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let by_cadre = |table: &str, cols: &str| {
            format!(
                "SELECT s.cadre_id, {} FROM secondments s CROSS JOIN {table} x ON x.secondment_id = s.id
                 ORDER BY s.cadre_id, s.start_date, s.id",
                qualified("x", cols)
            )
        };
        let conn = &self.conn;
        let mut cadres =
            conn.prepare(&format!("SELECT {CADRE_COLS} FROM cadres ORDER BY id")).map_err(StoreError::from)?;
        let mut secondments = conn
            .prepare(&format!("SELECT cadre_id, {SECONDMENT_COLS} FROM secondments ORDER BY cadre_id, start_date, id"))
            .map_err(StoreError::from)?;
        let mut reviews = conn.prepare(&by_cadre("reviews", REVIEW_COLS)).map_err(StoreError::from)?;
        let mut vettings = conn.prepare(&by_cadre("vettings", VETTING_COLS)).map_err(StoreError::from)?;
        let mut secondments = ByCadre::new(secondments.query([]).map_err(StoreError::from)?, secondment_after_id)?;
        let mut reviews = ByCadre::new(reviews.query([]).map_err(StoreError::from)?, review_after_id)?;
        let mut vettings = ByCadre::new(vettings.query([]).map_err(StoreError::from)?, vetting_after_id)?;
        let (mut s, mut r, mut v) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = cadres.query([]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let Ok(cadre) = rows::cadre(row) else { continue };
            secondments.take(cadre.id, &mut s)?;
            reviews.take(cadre.id, &mut r)?;
            vettings.take(cadre.id, &mut v)?;
            f(&CadreRecords { cadre: &cadre, secondments: &s, reviews: &r, vettings: &v })?;
        }
        Ok(())
    }
}
