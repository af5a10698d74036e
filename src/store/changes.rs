//! What changed since a point of the audit trail, and which records the lists must read again
//! for it. Every write of the program leaves audit rows in its own transaction, with the whole
//! row before and after, so a save (this window's or a colleague's) names exactly what it
//! touched: the cadres, secondments, batches and units whose rows show it.

use super::lists::json_ids;
use super::{Result, Store, IMPORTED};
use crate::domain::Id;
use serde_json::Value;
use std::collections::BTreeSet;

/// The records whose rows show a change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Affected {
    /// The policy changed (or something no row names): everything is to be read again.
    pub all: bool,
    /// Cadres whose own rows change, with their pair partners (the pair checks of both sides).
    pub cadres: Vec<Id>,
    /// Every secondment of those cadres, and the ones the change touched (deleted ones too).
    pub secondments: Vec<Id>,
    /// Batches whose figures change.
    pub batches: Vec<Id>,
    /// Units whose counts change.
    pub units: Vec<Id>,
    /// The audit trail's last row read: the next look starts after it.
    pub mark: i64,
    /// Reviews added less reviews deleted.
    pub reviews_added: i64,
}

impl Affected {
    pub fn is_empty(&self) -> bool {
        !self.all
            && self.cadres.is_empty()
            && self.secondments.is_empty()
            && self.batches.is_empty()
            && self.units.is_empty()
    }
}

/// The ids a JSON row image holds in `column` (old and new).
fn ids<'a>(images: [&'a Option<Value>; 2], column: &str) -> impl Iterator<Item = Id> + 'a {
    let column = column.to_string();
    images.into_iter().flatten().filter_map(move |v| v.get(&column).and_then(Value::as_i64))
}

impl Store {
    /// The audit trail's last row id (0 for none).
    pub fn audit_mark(&self) -> Result<i64> {
        Ok(self.connection().query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?)
    }

    /// The records that changes after audit row `mark` touched. In the caller's read
    /// transaction when one is open, so that what is read next matches it.
    pub fn affected_since(&self, mark: i64) -> Result<Affected> {
        let conn = self.connection();
        let mut out = Affected { mark, ..Affected::default() };
        let mut cadres: BTreeSet<Id> = BTreeSet::new();
        let mut secondments: BTreeSet<Id> = BTreeSet::new();
        let mut batches: BTreeSet<Id> = BTreeSet::new();
        let mut units: BTreeSet<Id> = BTreeSet::new();
        let mut nominations: BTreeSet<Id> = BTreeSet::new();
        let mut renamed_units: BTreeSet<Id> = BTreeSet::new();
        let mut changed_batches: BTreeSet<Id> = BTreeSet::new();
        let mut imports: Vec<i64> = Vec::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT id, table_name, row_id, old_values, new_values FROM audit WHERE id > ?1 ORDER BY id",
            )?;
            let mut rows = stmt.query([mark])?;
            while let Some(r) = rows.next()? {
                out.mark = r.get(0)?;
                let table: String = r.get(1)?;
                let row: Option<Id> = r.get(2)?;
                let parse = |i: usize| -> rusqlite::Result<Option<Value>> {
                    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_str(&s).ok()))
                };
                let (old, new) = (parse(3)?, parse(4)?);
                let images = [&old, &new];
                let import =
                    table == "audit" && new.as_ref().and_then(|v| v.get("what")) == Some(&Value::from(IMPORTED));
                if import {
                    // A part of an import: its new rows are named by the digest's blocks.
                    imports.push(out.mark);
                    continue;
                }
                if row.is_none() {
                    // A bulk load names no row: it may have touched anything.
                    out.all = true;
                }
                match table.as_str() {
                    "policy" => out.all = true,
                    "units" => {
                        units.extend(row);
                        renamed_units.extend(row);
                    }
                    "batches" => {
                        batches.extend(row);
                        changed_batches.extend(row);
                    }
                    "cadres" => {
                        cadres.extend(row);
                        units.extend(ids(images, "home_unit_id"));
                    }
                    "secondments" => {
                        secondments.extend(row);
                        cadres.extend(ids(images, "cadre_id"));
                        batches.extend(ids(images, "batch_id"));
                        units.extend(ids(images, "host_unit_id"));
                    }
                    "pairs" => {
                        secondments.extend(ids(images, "down_id").chain(ids(images, "up_id")));
                        batches.extend(ids(images, "batch_id"));
                    }
                    "reviews" => {
                        secondments.extend(ids(images, "secondment_id"));
                        out.reviews_added += i64::from(new.is_some()) - i64::from(old.is_some());
                    }
                    "vettings" | "term_evaluations" => secondments.extend(ids(images, "secondment_id")),
                    "dossier_notes" => cadres.extend(ids(images, "cadre_id")),
                    "reserve_nominations" => {
                        nominations.extend(row);
                        cadres.extend(ids(images, "cadre_id"));
                        secondments.extend(ids(images, "secondment_id"));
                    }
                    "reserve_events" => nominations.extend(ids(images, "nomination_id")),
                    // A table the lists do not know: read everything again rather than miss it.
                    _ => out.all = true,
                }
            }
        }
        if out.all {
            return Ok(out);
        }
        for audit_id in imports {
            match self.imported_rows(audit_id, &mut cadres, &mut secondments)? {
                Some(reviews) => out.reviews_added += reviews,
                None => {
                    out.all = true;
                    return Ok(out);
                }
            }
        }
        let lookup = |sql: &str, keys: &BTreeSet<Id>, into: &mut BTreeSet<Id>| -> Result<()> {
            if keys.is_empty() {
                return Ok(());
            }
            let mut stmt = conn.prepare_cached(sql)?;
            let found = stmt.query_map([json_ids(keys.iter().copied())], |r| r.get::<_, Id>(0))?;
            for id in found {
                into.insert(id?);
            }
            Ok(())
        };
        const IN: &str = "(SELECT value FROM json_each(?1))";
        // A unit or batch renamed (or re-coded) shows in the rows of everyone it names.
        lookup(&format!("SELECT id FROM cadres WHERE home_unit_id IN {IN}"), &renamed_units, &mut cadres)?;
        lookup(&format!("SELECT cadre_id FROM secondments WHERE host_unit_id IN {IN}"), &renamed_units, &mut cadres)?;
        lookup(&format!("SELECT cadre_id FROM secondments WHERE batch_id IN {IN}"), &changed_batches, &mut cadres)?;
        lookup(&format!("SELECT cadre_id FROM reserve_nominations WHERE id IN {IN}"), &nominations, &mut cadres)?;
        lookup(&format!("SELECT cadre_id FROM secondments WHERE id IN {IN}"), &secondments.clone(), &mut cadres)?;
        // Both sides of every pair those cadres are in (a pair's check reads both).
        let own = cadres.clone();
        lookup(
            &format!(
                "SELECT o.cadre_id FROM secondments s JOIN pairs p ON p.down_id = s.id
                   JOIN secondments o ON o.id = p.up_id WHERE s.cadre_id IN {IN}
                 UNION SELECT o.cadre_id FROM secondments s JOIN pairs p ON p.up_id = s.id
                   JOIN secondments o ON o.id = p.down_id WHERE s.cadre_id IN {IN}"
            ),
            &own,
            &mut cadres,
        )?;
        lookup(&format!("SELECT id FROM secondments WHERE cadre_id IN {IN}"), &cadres, &mut secondments)?;
        lookup(&format!("SELECT batch_id FROM secondments WHERE id IN {IN}"), &secondments, &mut batches)?;
        lookup(&format!("SELECT host_unit_id FROM secondments WHERE id IN {IN}"), &secondments, &mut units)?;
        lookup(&format!("SELECT home_unit_id FROM cadres WHERE id IN {IN}"), &cadres, &mut units)?;
        out.cadres = cadres.into_iter().collect();
        out.secondments = secondments.into_iter().collect();
        out.batches = batches.into_iter().collect();
        out.units = units.into_iter().collect();
        Ok(out)
    }
}

/// The most rows of an import's part that the lists take in one by one. Each row taken in
/// costs the lists a few tens of microseconds at 100,000 cadres, where building them all again
/// in the background takes about a second: a window took a minute to take in a 100,000-line
/// import row by row, and did not answer meanwhile.
const READ_AT_MOST: i64 = 500;

impl Store {
    /// The new rows of the import part audited as `audit_id`, from its digest's blocks (each a
    /// range of ids the part inserted, with no other writer in between): its cadres and
    /// secondments, and those its reviews and pairs belong to. Returns the reviews it added;
    /// `None` for a part of more than [`READ_AT_MOST`] rows, which the lists build again.
    fn imported_rows(
        &self,
        audit_id: i64,
        cadres: &mut BTreeSet<Id>,
        secondments: &mut BTreeSet<Id>,
    ) -> Result<Option<i64>> {
        let conn = self.connection();
        let blocks: Vec<(String, Id, Id, i64)> = conn
            .prepare_cached("SELECT table_name, first_id, last_id, rows FROM audit_digest WHERE audit_id = ?1")?
            .query_map([audit_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if blocks.iter().map(|b| b.3).sum::<i64>() > READ_AT_MOST {
            return Ok(None);
        }
        let mut reviews = 0;
        for (table, first, last, rows) in blocks {
            let sql = match table.as_str() {
                "cadres" => {
                    cadres.extend(first..=last);
                    continue;
                }
                "secondments" => {
                    secondments.extend(first..=last);
                    continue;
                }
                "reviews" => {
                    reviews += rows;
                    "SELECT DISTINCT secondment_id FROM reviews WHERE id BETWEEN ?1 AND ?2"
                }
                "pairs" => "SELECT down_id FROM pairs WHERE id BETWEEN ?1 AND ?2 UNION SELECT up_id FROM pairs WHERE id BETWEEN ?1 AND ?2",
                _ => continue,
            };
            let found = conn
                .prepare_cached(sql)?
                .query_map([first, last], |r| r.get::<_, Id>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            secondments.extend(found);
        }
        Ok(Some(reviews))
    }
}
