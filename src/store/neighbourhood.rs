//! The neighbourhood of a few cadres: the part of `Data` that their rows, their dossiers and
//! their forms are built from, read by id through the indexes instead of table by table. At a
//! million cadres `load` takes most of a minute and gigabytes; this reads a few thousand rows.

use super::read::{convert_rows, Data};
use super::rows::{self, *};
use super::{Result, Store};
use crate::domain::Id;
use chrono::NaiveDate;
use rusqlite::Row;
use std::collections::{BTreeSet, HashSet};

/// `x IN` this: the ids of the parameter `?1`, a JSON array such as `[3,17,42]`. One statement
/// for any number of ids: no chunking, and `prepare_cached` sees one SQL text per table (an IN
/// list of `?`s would be a new statement for every length). SQLite reads it as one search per
/// id in the index on `x` (`neighbourhood_reads_through_indexes` checks every plan).
macro_rules! ids {
    () => {
        "(SELECT value FROM json_each(?1))"
    };
}

/// One table's rows that meet `filter`, in `load`'s `order`.
struct Select {
    table: &'static str,
    cols: &'static str,
    filter: &'static str,
    order: &'static str,
}

impl Select {
    fn sql(&self) -> String {
        let Select { table, cols, filter, order } = self;
        format!("SELECT {cols} FROM {table} WHERE {filter} ORDER BY {order}")
    }
}

const CADRES: Select = Select { table: "cadres", cols: CADRE_COLS, filter: concat!("id IN ", ids!()), order: "id" };
const SECONDMENTS: Select = Select {
    table: "secondments",
    cols: SECONDMENT_COLS,
    filter: concat!("cadre_id IN ", ids!()),
    order: "start_date, id",
};
/// Through the UNIQUE indexes on `down_id` and `up_id`.
const PAIRS: Select = Select {
    table: "pairs",
    cols: PAIR_COLS,
    filter: concat!("down_id IN ", ids!(), " OR up_id IN ", ids!()),
    order: "id",
};
/// Through UNIQUE(secondment_id, kind, period).
const REVIEWS: Select =
    Select { table: "reviews", cols: REVIEW_COLS, filter: concat!("secondment_id IN ", ids!()), order: "due_date, id" };
const VETTINGS: Select =
    Select { table: "vettings", cols: VETTING_COLS, filter: concat!("secondment_id IN ", ids!()), order: "id" };
const EVALUATIONS: Select = Select {
    table: "term_evaluations",
    cols: EVALUATION_COLS,
    filter: concat!("secondment_id IN ", ids!()),
    order: "id",
};
const NOTES: Select =
    Select { table: "dossier_notes", cols: NOTE_COLS, filter: concat!("cadre_id IN ", ids!()), order: "note_date, id" };
/// Through `reserve_nominations_cadre` (migration 2): `reserve_open_per_cadre` holds the open
/// nominations only, and without it SQLite scanned the table for every window.
const NOMINATIONS: Select = Select {
    table: "reserve_nominations",
    cols: NOMINATION_COLS,
    filter: concat!("cadre_id IN ", ids!()),
    order: "id",
};
const EVENTS: Select =
    Select { table: "reserve_events", cols: EVENT_COLS, filter: concat!("nomination_id IN ", ids!()), order: "id" };

/// The cadres paired with the given cadres' secondments (either side), as the `secondments`
/// rows name them (unreadable rows too). Through `secondments_cadre`, the UNIQUE indexes of
/// `pairs` and the primary key of `secondments`.
const PARTNER_CADRES: &str = concat!(
    "SELECT o.cadre_id FROM secondments s
     JOIN pairs p ON p.down_id = s.id JOIN secondments o ON o.id = p.up_id
     WHERE s.cadre_id IN ",
    ids!(),
    " UNION
     SELECT o.cadre_id FROM secondments s
     JOIN pairs p ON p.up_id = s.id JOIN secondments o ON o.id = p.down_id
     WHERE s.cadre_id IN ",
    ids!()
);

impl Store {
    /// The records the views need to show `cadre_ids` exactly as they show them over
    /// `load()`: their rows on the Cadres and Reviews tabs, their dossiers and their forms.
    ///
    /// Holds the policy, every unit and every batch (small tables); the given cadres and all
    /// their secondments; every pair one of those secondments belongs to; the partner cadres of
    /// those pairs with all *their* secondments (so that a partner's policy flags, overlapping
    /// terms included, are right); every review, vetting and end-of-term evaluation of every
    /// secondment read; and the dossier notes, reserve nominations and reserve events of the
    /// given and the partner cadres. Ids that name no cadre, and repeated ids, are ignored.
    ///
    /// Each table's rows come in `load`'s order, so the view builders list them in the same
    /// order. Rows that cannot be read are skipped and named in `invalid` as `load` names them
    /// (the neighbourhood's only: a part of `load`'s list, in its order); the rows that hang
    /// off an unreadable row (the reviews of an unreadable secondment, say) are read, as `load`
    /// reads them.
    ///
    /// The partner cadres are context: the pairs of *their other* secondments are not read, so
    /// their own rows or dossiers built from this `Data` may differ from `load`'s (a partner's
    /// earlier secondment shows as unpaired, say). Only the given cadres' views are exact.
    ///
    /// Everything is read in one read transaction, so a colleague's save shows wholly or not
    /// at all: the caller's when one is open (wrap this in `unchecked_transaction` to read it
    /// together with other things, as `Snapshot::read` does), else a deferred one of its own.
    /// Plain `SELECT`s only: no savepoint, nothing written.
    pub fn neighbourhood(&self, cadre_ids: &[Id]) -> Result<Data> {
        self.neighbourhood_with_flags(cadre_ids, &[])
    }

    /// [`Store::neighbourhood`] of the cadres `keep` keeps, asked with each cadre's name (as
    /// `text::normalise_name` writes it) and birth date: what an import needs to match its
    /// lines, its partners and its terms against, without the rest of the programme. Every
    /// cadre is asked, one row at a time, so that a name stored unnormalised (typed in with the
    /// sqlite3 shell) still matches as it does over `load`; a row whose name or birth date
    /// cannot be read is skipped, as `load` skips it.
    pub fn neighbourhood_of(&self, keep: impl Fn(&str, NaiveDate) -> bool) -> Result<Data> {
        let own_tx = if self.conn.is_autocommit() { Some(self.conn.unchecked_transaction()?) } else { None };
        let mut ids = Vec::new();
        {
            let mut stmt = self.conn.prepare("SELECT id, name, birth_date FROM cadres")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (Ok(id), Ok(name), Ok(birth)) = (r.get::<_, Id>(0), r.get_ref(1)?.as_str(), rows::date(r, 2))
                else {
                    continue;
                };
                let kept = if crate::text::is_normalised(name) && !name.contains(char::is_whitespace) {
                    keep(name, birth)
                } else {
                    keep(&crate::text::normalise_name(name), birth)
                };
                if kept {
                    ids.push(id);
                }
            }
        }
        let data = self.read_neighbourhood(&ids, &[])?;
        if let Some(tx) = own_tx {
            tx.commit()?;
        }
        Ok(data)
    }

    /// [`Store::neighbourhood`] of `cadre_ids`, and of `flagged` only as far as their policy
    /// flags and pair findings need: the cadres, their partners and all their secondments and
    /// pairs, but no review, vetting, evaluation, note or nomination (the Overview names a
    /// batch's findings; reading every review of its thousands of cadres took 50–70 ms).
    pub fn neighbourhood_with_flags(&self, cadre_ids: &[Id], flagged: &[Id]) -> Result<Data> {
        let own_tx = if self.conn.is_autocommit() { Some(self.conn.unchecked_transaction()?) } else { None };
        let data = self.read_neighbourhood(cadre_ids, flagged)?;
        if let Some(tx) = own_tx {
            tx.commit()?;
        }
        Ok(data)
    }

    fn partners(&self, cadres: &HashSet<Id>) -> Result<BTreeSet<Id>> {
        let mut stmt = self.conn.prepare_cached(PARTNER_CADRES)?;
        let partners = stmt.query_map([json(cadres.iter().copied())], |r| r.get::<_, Id>(0))?;
        Ok(partners.collect::<rusqlite::Result<_>>()?)
    }

    fn read_neighbourhood(&self, cadre_ids: &[Id], flagged: &[Id]) -> Result<Data> {
        let mut invalid = Vec::new();
        // The tables in `load`'s order, so that `invalid` comes in its order too.
        let policy = self.policy()?;
        let units = self.all("units", UNIT_COLS, "name", rows::unit, &mut invalid)?;
        let batches = self.all("batches", BATCH_COLS, "dispatch_date, id", rows::batch, &mut invalid)?;

        let given: HashSet<Id> = cadre_ids.iter().copied().collect();
        // Everything is read of `full`; of the rest of `people` only what flags need.
        let mut full: BTreeSet<Id> = self.partners(&given)?;
        full.extend(given.iter().copied());
        let context: HashSet<Id> = flagged.iter().copied().filter(|id| !given.contains(id)).collect();
        let mut people = full.clone();
        if !context.is_empty() {
            people.extend(self.partners(&context)?);
            people.extend(context.iter().copied());
        }
        let paired = |cadre: &Id| given.contains(cadre) || context.contains(cadre);
        let people_json = json(people.iter().copied());
        let cadres = self.select(&CADRES, &people_json, rows::cadre, &mut invalid)?;

        // The ids of every row read, unreadable ones too, to read what hangs off them.
        let mut read: Vec<(Id, Id)> = Vec::new();
        let secondment = |r: &Row<'_>| {
            if let (Ok(id), Ok(cadre)) = (r.get(0), r.get(1)) {
                read.push((id, cadre));
            }
            rows::secondment(r)
        };
        let secondments = self.select(&SECONDMENTS, &people_json, secondment, &mut invalid)?;
        let own = json(read.iter().filter(|(_, cadre)| paired(cadre)).map(|(id, _)| *id));
        let pairs = self.select(&PAIRS, &own, rows::pair, &mut invalid)?;
        let secs = json(read.iter().filter(|(_, cadre)| full.contains(cadre)).map(|(id, _)| *id));
        let reviews = self.select(&REVIEWS, &secs, rows::review, &mut invalid)?;
        let vettings = self.select(&VETTINGS, &secs, rows::vetting, &mut invalid)?;
        let evaluations = self.select(&EVALUATIONS, &secs, rows::evaluation, &mut invalid)?;
        let people = json(full.iter().copied());
        let notes = self.select(&NOTES, &people, rows::note, &mut invalid)?;

        let mut noms = Vec::new();
        let nomination = |r: &Row<'_>| {
            if let Ok(id) = r.get(0) {
                noms.push(id);
            }
            rows::nomination(r)
        };
        let nominations = self.select(&NOMINATIONS, &people, nomination, &mut invalid)?;
        let events = self.select(&EVENTS, &json(noms.into_iter()), rows::event, &mut invalid)?;
        Ok(Data {
            policy,
            units,
            batches,
            cadres,
            secondments,
            pairs,
            reviews,
            vettings,
            evaluations,
            notes,
            nominations,
            events,
            invalid,
            batch_earliest_start: Default::default(),
        })
    }

    fn select<T>(
        &self,
        what: &Select,
        ids: &str,
        convert: impl FnMut(&Row) -> rusqlite::Result<T>,
        invalid: &mut Vec<String>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(&what.sql())?;
        let rows = stmt.query([ids])?;
        convert_rows(rows, what.table, convert, invalid)
    }
}

/// `[1,2,3]`.
fn json(ids: impl Iterator<Item = Id>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled SQLite's plan for each statement: a search through an index for every
    /// table, whatever the number of ids (`reserve_nominations` by the index of migration 2).
    #[test]
    fn neighbourhood_reads_through_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("plan.db")).unwrap();
        let many = json(1..=100_000);
        let selects = [&CADRES, &SECONDMENTS, &PAIRS, &REVIEWS, &VETTINGS, &EVALUATIONS, &NOTES, &NOMINATIONS, &EVENTS];
        let mut statements: Vec<(&str, String)> = selects.iter().map(|s| (s.table, s.sql())).collect();
        statements.push(("partners", PARTNER_CADRES.to_string()));
        for (table, sql) in statements {
            let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> =
                stmt.query_map([&many], |r| r.get::<_, String>(3)).unwrap().map(|r| r.unwrap()).collect();
            let scans: Vec<&String> =
                plan.iter().filter(|l| l.starts_with("SCAN ") && !l.starts_with("SCAN json_each")).collect();
            assert!(scans.is_empty(), "{table}: {plan:?}");
            assert!(plan.iter().any(|l| l.starts_with("SEARCH ")), "{table}: {plan:?}");
        }
        // The header's counts read the open reviews up to the horizon through the partial index.
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {}", super::super::read::COUNTS)).unwrap();
        let plan: Vec<String> = stmt
            .query_map(["2026-11-27", "2026-12-11"], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        // Not a covering index: SQLite reads `done_date` and `cancelled` from the table, though
        // the index's own condition implies them.
        assert_eq!(plan, ["SEARCH reviews USING INDEX reviews_open_due (due_date<?)"]);
    }
}
