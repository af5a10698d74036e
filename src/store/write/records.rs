//! The reference records: the policy, units, batches and cadres.

use super::super::rows::{self, BATCH_COLS, CADRE_COLS, POLICY_COLS, SECONDMENT_COLS, UNIT_COLS};
use super::{clean_text, judged, NewCadre, Writer};
use crate::domain::plausible;
use crate::domain::*;
use crate::lang::Message;
use crate::store::{Result, StoreError};
use chrono::NaiveDate;
use rusqlite::params;

fn check_term(term_months: u32) -> Result<()> {
    if !(1..=120).contains(&term_months) {
        return Err(StoreError::invalid("term months", Message::new("应在 1 到 120 之间", "between 1 and 120")));
    }
    Ok(())
}

pub(super) const INSERT_CADRE: &str = "INSERT INTO cadres (name, gender, birth_date, political, education, speciality,
     grassroots_years, home_unit_id, home_post) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// A cadre's values as they are stored: texts normalised, dates and years plausible.
struct CleanCadre {
    name: String,
    education: String,
    speciality: String,
    home_post: String,
}

impl Writer<'_> {
    pub fn set_policy(&self, new: &Policy) -> Result<()> {
        let (_, before) = self.expect_version("policy", POLICY_COLS, 1, new.version, rows::policy)?;
        check_term(new.term_months)?;
        if !(1..=12).contains(&new.annual_due_month) || !(1..=31).contains(&new.annual_due_day) {
            return Err(StoreError::invalid(
                "annual due date",
                Message::new("月份 1–12，日 1–31", "month 1–12 and day 1–31"),
            ));
        }
        for (field, days) in [
            ("due soon days", new.due_soon_days),
            ("routine due days", new.routine_due_days),
            ("end-of-term due days", new.end_of_term_due_days),
        ] {
            if days > 366 {
                return Err(StoreError::invalid(field, Message::new("最多 366", "at most 366")));
            }
        }
        judged("max age", plausible::age_bounds(new.min_age, new.max_age))?;
        self.tx.execute(
            "UPDATE policy SET term_months=?1, due_soon_days=?2, routine_due_days=?3, annual_due_month=?4,
             annual_due_day=?5, end_of_term_due_days=?6, min_age=?7, max_age=?8, version = version + 1
             WHERE id = 1",
            params![
                new.term_months,
                new.due_soon_days,
                new.routine_due_days,
                new.annual_due_month,
                new.annual_due_day,
                new.end_of_term_due_days,
                new.min_age,
                new.max_age
            ],
        )?;
        self.log("update", "policy", 1, Some(before))
    }

    pub fn add_unit(&self, name: &str, kind: UnitKind, district: District) -> Result<Id> {
        let name = clean_text("unit name", name, 100, true)?;
        self.unique_name("units", "unit name", &name, None)?;
        self.tx.execute(
            "INSERT INTO units (name, kind, district) VALUES (?1, ?2, ?3)",
            params![name, kind.code(), district.code()],
        )?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "units", id, None)?;
        Ok(id)
    }

    pub fn update_unit(&self, unit: &Unit) -> Result<()> {
        let (old, before) = self.expect_version("units", UNIT_COLS, unit.id, unit.version, rows::unit)?;
        let name = clean_text("unit name", &unit.name, 100, true)?;
        self.unique_name("units", "unit name", &name, Some(unit.id))?;
        if old.kind != unit.kind {
            // The secondments it hosts must still go the way their direction says.
            let mut stmt = self.tx.prepare("SELECT DISTINCT direction FROM secondments WHERE host_unit_id = ?1")?;
            let hosted: Vec<String> = stmt.query_map([unit.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for direction in hosted.iter().filter_map(|d| Direction::parse(d)) {
                if let Err(m) = plausible::host_for_direction(direction, unit.kind) {
                    let (zh, en) = (direction.zh(), direction.en());
                    let m = Message::new(
                        format!("该单位接收了{zh}干部：{}", m.zh),
                        format!("it hosts a secondment {en}: {}", m.en),
                    );
                    return Err(StoreError::invalid("kind", m));
                }
            }
        }
        self.tx.execute(
            "UPDATE units SET name = ?1, kind = ?2, district = ?3, version = version + 1 WHERE id = ?4",
            params![name, unit.kind.code(), unit.district.code(), unit.id],
        )?;
        self.log("update", "units", unit.id, Some(before))
    }

    /// A name that another row of `table` already has is refused by name, not by a constraint error.
    fn unique_name(&self, table: &'static str, field: &str, name: &str, except: Option<Id>) -> Result<()> {
        let taken: Option<Id> = rusqlite::OptionalExtension::optional(self.tx.query_row(
            &format!("SELECT id FROM {table} WHERE name = ?1 AND id IS NOT ?2"),
            params![name, except],
            |r| r.get(0),
        ))?;
        match taken {
            Some(_) => Err(StoreError::invalid(
                field,
                Message::new(format!("已有“{name}”"), format!("'{name}' already exists")),
            )),
            None => Ok(()),
        }
    }

    pub fn add_batch(&self, name: &str, dispatch_date: NaiveDate, term_months: u32) -> Result<Id> {
        let name = clean_text("batch name", name, 100, true)?;
        check_term(term_months)?;
        judged("dispatch date", plausible::programme_date(dispatch_date, self.today))?;
        self.unique_name("batches", "batch name", &name, None)?;
        self.tx.execute(
            "INSERT INTO batches (name, dispatch_date, term_months) VALUES (?1, ?2, ?3)",
            params![name, dispatch_date.to_string(), term_months],
        )?;
        let id = self.tx.last_insert_rowid();
        self.log("insert", "batches", id, None)?;
        Ok(id)
    }

    pub fn update_batch(&self, batch: &Batch) -> Result<()> {
        let (_, before) = self.expect_version("batches", BATCH_COLS, batch.id, batch.version, rows::batch)?;
        let name = clean_text("batch name", &batch.name, 100, true)?;
        check_term(batch.term_months)?;
        judged("dispatch date", plausible::programme_date(batch.dispatch_date, self.today))?;
        if let Some(start) = super::super::report::earliest_start(self.tx, batch.id)? {
            judged("dispatch date", plausible::dispatch_for_starts(batch.dispatch_date, start))?;
        }
        self.unique_name("batches", "batch name", &name, Some(batch.id))?;
        self.tx.execute(
            "UPDATE batches SET name = ?1, dispatch_date = ?2, term_months = ?3, version = version + 1 WHERE id = ?4",
            params![name, batch.dispatch_date.to_string(), batch.term_months, batch.id],
        )?;
        self.log("update", "batches", batch.id, Some(before))
    }

    /// Deletes a unit or batch nothing refers to; otherwise says what depends on it.
    pub fn delete_reference(&self, table: &'static str, id: Id, version: i64) -> Result<()> {
        type Uses = fn(i64) -> Message;
        let dependants: &[(&str, &str, Uses)] = match table {
            "units" => &[
                ("cadres", "home_unit_id", |n| {
                    Message::new(
                        format!("有 {n} 名干部在该单位工作"),
                        format!(
                            "{} {} there",
                            crate::lang::count(n as usize, "cadre", "cadres"),
                            if n == 1 { "works" } else { "work" }
                        ),
                    )
                }),
                ("secondments", "host_unit_id", |n| {
                    Message::new(
                        format!("有 {n} 项挂职在该单位"),
                        format!(
                            "{} {} hosted there",
                            crate::lang::count(n as usize, "secondment", "secondments"),
                            if n == 1 { "is" } else { "are" }
                        ),
                    )
                }),
            ],
            "batches" => &[("secondments", "batch_id", |n| {
                Message::new(
                    format!("该批次下有 {n} 项挂职"),
                    format!(
                        "{} {} to it",
                        crate::lang::count(n as usize, "secondment", "secondments"),
                        if n == 1 { "belongs" } else { "belong" }
                    ),
                )
            })],
            _ => {
                return Err(StoreError::invalid(
                    "table",
                    Message::new(format!("{table} 的记录不能删除"), format!("{table} records are not deleted")),
                ))
            }
        };
        let before = self.snapshot(table, id)?.ok_or(StoreError::NotFound { table, id })?;
        if before["version"].as_i64() != Some(version) {
            return Err(StoreError::Conflict { table, id, current: Some(before) });
        }
        let mut uses: Vec<Message> = Vec::new();
        for (child, column, words) in dependants {
            let n: i64 =
                self.tx.query_row(&format!("SELECT count(*) FROM {child} WHERE {column} = ?1"), [id], |r| r.get(0))?;
            if n > 0 {
                uses.push(words(n));
            }
        }
        if !uses.is_empty() {
            let zh: Vec<&str> = uses.iter().map(|m| m.zh.as_str()).collect();
            let en: Vec<&str> = uses.iter().map(|m| m.en.as_str()).collect();
            return Err(StoreError::InUse { what: Message::new(zh.join("；"), en.join("; ")) });
        }
        self.tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
        self.log("delete", table, id, Some(before))
    }

    /// Texts normalised and checked, the birth date and grassroots years plausible today, and
    /// the age at the start of each of the cadre's secondments (`id`: a stored cadre) within
    /// the policy.
    fn clean_cadre(&self, c: &NewCadre, id: Option<Id>, policy: &Policy) -> Result<CleanCadre> {
        let clean = CleanCadre {
            name: clean_text("name", &crate::text::normalise_name(&c.name), 50, true)?,
            education: clean_text("education", &c.education, 50, false)?,
            speciality: clean_text("speciality", &c.speciality, 100, false)?,
            home_post: clean_text("home post", &c.home_post, 100, false)?,
        };
        if !(0.0..60.0).contains(&c.grassroots_years) {
            return Err(StoreError::invalid("grassroots years", Message::new("应在 0 到 60 之间", "between 0 and 60")));
        }
        judged("name", plausible::person_name(&clean.name))?;
        judged("birth date", plausible::birth_date(c.birth_date, self.today, policy))?;
        judged("grassroots years", plausible::grassroots_years(c.grassroots_years, c.birth_date, self.today))?;
        if let Some(id) = id {
            let mut stmt =
                self.tx.prepare_cached(&format!("SELECT {SECONDMENT_COLS} FROM secondments WHERE cadre_id = ?1"))?;
            let terms: Vec<Secondment> = stmt.query_map([id], rows::secondment)?.collect::<rusqlite::Result<_>>()?;
            for s in &terms {
                judged("birth date", plausible::age_at_start(c.birth_date, s.start, policy))?;
            }
        }
        Ok(clean)
    }

    pub fn add_cadre(&self, c: &NewCadre) -> Result<Id> {
        let mut insert = self.tx.prepare_cached(INSERT_CADRE)?;
        let id = self.insert_cadre(&mut insert, c, &self.policy()?)?;
        self.log("insert", "cadres", id, None)?;
        Ok(id)
    }

    /// Checks `c` as [`Writer::add_cadre`] does and inserts it with `insert` ([`INSERT_CADRE`]),
    /// without an audit row.
    pub(super) fn insert_cadre(&self, insert: &mut rusqlite::Statement, c: &NewCadre, policy: &Policy) -> Result<Id> {
        let clean = self.clean_cadre(c, None, policy)?;
        Ok(insert.insert(params![
            clean.name,
            c.gender.code(),
            super::super::bulk::Ymd::new(c.birth_date).as_str(),
            c.political.code(),
            clean.education,
            clean.speciality,
            c.grassroots_years,
            c.home_unit_id,
            clean.home_post
        ])?)
    }

    /// Saves `cadre` (archiving included) if nobody changed it since it was read at `cadre.version`.
    pub fn update_cadre(&self, cadre: &Cadre) -> Result<()> {
        let (_, before) = self.expect_version("cadres", CADRE_COLS, cadre.id, cadre.version, rows::cadre)?;
        let new = NewCadre {
            name: cadre.name.clone(),
            gender: cadre.gender,
            birth_date: cadre.birth_date,
            political: cadre.political,
            education: cadre.education.clone(),
            speciality: cadre.speciality.clone(),
            grassroots_years: cadre.grassroots_years,
            home_unit_id: cadre.home_unit_id,
            home_post: cadre.home_post.clone(),
        };
        let clean = self.clean_cadre(&new, Some(cadre.id), &self.policy()?)?;
        self.tx.execute(
            "UPDATE cadres SET name=?1, gender=?2, birth_date=?3, political=?4, education=?5, speciality=?6,
             grassroots_years=?7, home_unit_id=?8, home_post=?9, archived=?10, version = version + 1
             WHERE id = ?11",
            params![
                clean.name,
                cadre.gender.code(),
                cadre.birth_date.to_string(),
                cadre.political.code(),
                clean.education,
                clean.speciality,
                cadre.grassroots_years,
                cadre.home_unit_id,
                clean.home_post,
                cadre.archived,
                cadre.id
            ],
        )?;
        self.log("update", "cadres", cadre.id, Some(before))
    }
}
