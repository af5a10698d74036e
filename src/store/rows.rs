//! Rows to domain values. A value that breaks the rules (a row typed by hand with an unknown
//! code or a bad date) becomes a conversion error naming the column, never a panic.

use crate::domain::*;
use chrono::NaiveDate;
use rusqlite::types::{Type, ValueRef};
use rusqlite::Row;

fn bad(idx: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, what.into())
}

/// A text column without copying it (lists read millions of them).
pub fn text<'a>(row: &'a Row<'_>, idx: usize) -> rusqlite::Result<&'a str> {
    match row.get_ref(idx)? {
        ValueRef::Text(t) => std::str::from_utf8(t).map_err(rusqlite::Error::Utf8Error),
        other => Err(rusqlite::Error::InvalidColumnType(idx, String::new(), other.data_type())),
    }
}

fn opt_text<'a>(row: &'a Row<'_>, idx: usize) -> rusqlite::Result<Option<&'a str>> {
    match row.get_ref(idx)? {
        ValueRef::Null => Ok(None),
        _ => text(row, idx).map(Some),
    }
}

pub fn date(row: &Row, idx: usize) -> rusqlite::Result<NaiveDate> {
    let s = text(row, idx)?;
    iso_date(s).ok_or_else(|| bad(idx, format!("bad date '{s}'")))
}

pub fn opt_date(row: &Row, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match opt_text(row, idx)? {
        None => Ok(None),
        Some(s) => iso_date(s).map(Some).ok_or_else(|| bad(idx, format!("bad date '{s}'"))),
    }
}

/// `YYYY-MM-DD` exactly (what the schema's CHECKs store), without chrono's format parser:
/// dates are most of what a large read converts.
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// Reads a coded enum column through its `parse`.
pub fn code<T>(row: &Row, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s = text(row, idx)?;
    parse(s).ok_or_else(|| bad(idx, format!("unknown value '{s}'")))
}

pub fn opt_code<T>(row: &Row, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<Option<T>> {
    match opt_text(row, idx)? {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or_else(|| bad(idx, format!("unknown value '{s}'"))),
    }
}

/// `cols` (a `*_COLS` list) with each name prefixed by `alias.`, for a join.
pub fn qualified(alias: &str, cols: &str) -> String {
    cols.split(',').map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

/// How many columns a `*_COLS` list names: where the next table's columns start in a join.
pub fn width(cols: &str) -> usize {
    cols.split(',').count()
}

pub const UNIT_COLS: &str = "id, name, kind, district, version";
pub fn unit(r: &Row) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: code(r, 2, UnitKind::parse)?,
        district: code(r, 3, District::parse)?,
        version: r.get(4)?,
    })
}

pub const BATCH_COLS: &str = "id, name, dispatch_date, term_months, version";
pub fn batch(r: &Row) -> rusqlite::Result<Batch> {
    Ok(Batch { id: r.get(0)?, name: r.get(1)?, dispatch_date: date(r, 2)?, term_months: r.get(3)?, version: r.get(4)? })
}

pub const CADRE_COLS: &str = "id, name, gender, birth_date, political, education, speciality, \
                              grassroots_years, home_unit_id, home_post, archived, version";
pub fn cadre(r: &Row) -> rusqlite::Result<Cadre> {
    cadre_at(r, 0)
}

/// `cadre` from the columns starting at `at` (a joined row).
pub fn cadre_at(r: &Row, at: usize) -> rusqlite::Result<Cadre> {
    Ok(Cadre {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        gender: code(r, at + 2, Gender::parse)?,
        birth_date: date(r, at + 3)?,
        political: code(r, at + 4, Political::parse)?,
        education: r.get(at + 5)?,
        speciality: r.get(at + 6)?,
        grassroots_years: r.get(at + 7)?,
        home_unit_id: r.get(at + 8)?,
        home_post: r.get(at + 9)?,
        archived: r.get(at + 10)?,
        version: r.get(at + 11)?,
    })
}

pub const SECONDMENT_COLS: &str = "id, cadre_id, batch_id, direction, host_unit_id, host_post, \
                                   start_date, planned_end, actual_end, end_reason, version";
pub fn secondment(r: &Row) -> rusqlite::Result<Secondment> {
    secondment_at(r, 0)
}

/// `secondment` from the columns starting at `at` (a joined row).
pub fn secondment_at(r: &Row, at: usize) -> rusqlite::Result<Secondment> {
    Ok(Secondment {
        id: r.get(at)?,
        cadre_id: r.get(at + 1)?,
        batch_id: r.get(at + 2)?,
        direction: code(r, at + 3, Direction::parse)?,
        host_unit_id: r.get(at + 4)?,
        host_post: r.get(at + 5)?,
        start: date(r, at + 6)?,
        planned_end: date(r, at + 7)?,
        actual_end: opt_date(r, at + 8)?,
        end_reason: r.get(at + 9)?,
        version: r.get(at + 10)?,
    })
}

pub const PAIR_COLS: &str = "id, batch_id, down_id, up_id, version";
pub fn pair(r: &Row) -> rusqlite::Result<Pair> {
    pair_at(r, 0)
}

/// `pair` from the columns starting at `at` (a joined row).
pub fn pair_at(r: &Row, at: usize) -> rusqlite::Result<Pair> {
    Ok(Pair {
        id: r.get(at)?,
        batch_id: r.get(at + 1)?,
        down_id: r.get(at + 2)?,
        up_id: r.get(at + 3)?,
        version: r.get(at + 4)?,
    })
}

pub const REVIEW_COLS: &str = "id, secondment_id, kind, period, due_date, done_date, grade, assessor, note, \
                               cancelled, version";
pub fn review(r: &Row) -> rusqlite::Result<Review> {
    review_at(r, 0)
}

/// `review` from the columns starting at `at` (a joined row).
pub fn review_at(r: &Row, at: usize) -> rusqlite::Result<Review> {
    Ok(Review {
        id: r.get(at)?,
        secondment_id: r.get(at + 1)?,
        kind: code(r, at + 2, ReviewKind::parse)?,
        period: r.get(at + 3)?,
        due: date(r, at + 4)?,
        done: opt_date(r, at + 5)?,
        grade: opt_code(r, at + 6, Grade::parse)?,
        assessor: r.get(at + 7)?,
        note: r.get(at + 8)?,
        cancelled: r.get(at + 9)?,
        version: r.get(at + 10)?,
    })
}

pub const VETTING_COLS: &str = "id, secondment_id, vet_date, political, moral, performance, duty, integrity, \
                                discipline_opinion, family_planning_opinion, conclusion, version";
pub fn vetting(r: &Row) -> rusqlite::Result<Vetting> {
    vetting_at(r, 0)
}

/// A vetting whose columns start at `at`.
pub fn vetting_at(r: &Row, at: usize) -> rusqlite::Result<Vetting> {
    Ok(Vetting {
        id: r.get(at)?,
        secondment_id: r.get(at + 1)?,
        date: date(r, at + 2)?,
        political: code(r, at + 3, VetResult::parse)?,
        moral: code(r, at + 4, VetResult::parse)?,
        performance: code(r, at + 5, VetResult::parse)?,
        duty: code(r, at + 6, VetResult::parse)?,
        integrity: code(r, at + 7, VetResult::parse)?,
        discipline_opinion: r.get(at + 8)?,
        family_planning_opinion: r.get(at + 9)?,
        conclusion: r.get(at + 10)?,
        version: r.get(at + 11)?,
    })
}

pub const EVALUATION_COLS: &str = "id, secondment_id, inspectors, talks, summary, version";
pub fn evaluation(r: &Row) -> rusqlite::Result<TermEvaluation> {
    Ok(TermEvaluation {
        id: r.get(0)?,
        secondment_id: r.get(1)?,
        inspectors: r.get(2)?,
        talks: r.get(3)?,
        summary: r.get(4)?,
        version: r.get(5)?,
    })
}

pub const NOTE_COLS: &str = "id, cadre_id, note_date, author, body";
pub fn note(r: &Row) -> rusqlite::Result<DossierNote> {
    Ok(DossierNote { id: r.get(0)?, cadre_id: r.get(1)?, date: date(r, 2)?, author: r.get(3)?, text: r.get(4)? })
}

pub const NOMINATION_COLS: &str =
    "id, cadre_id, secondment_id, origin, status, proposed_on, status_on, reason, version";
pub fn nomination(r: &Row) -> rusqlite::Result<ReserveNomination> {
    Ok(ReserveNomination {
        id: r.get(0)?,
        cadre_id: r.get(1)?,
        secondment_id: r.get(2)?,
        origin: code(r, 3, ReserveOrigin::parse)?,
        status: code(r, 4, ReserveStatus::parse)?,
        proposed_on: date(r, 5)?,
        status_on: date(r, 6)?,
        reason: r.get(7)?,
        version: r.get(8)?,
    })
}

pub const EVENT_COLS: &str = "id, nomination_id, event_date, from_status, to_status, reason, by_user";
pub fn event(r: &Row) -> rusqlite::Result<ReserveEvent> {
    Ok(ReserveEvent {
        id: r.get(0)?,
        nomination_id: r.get(1)?,
        on: date(r, 2)?,
        from: opt_code(r, 3, ReserveStatus::parse)?,
        to: code(r, 4, ReserveStatus::parse)?,
        reason: r.get(5)?,
        by: r.get(6)?,
    })
}

pub const POLICY_COLS: &str = "term_months, due_soon_days, routine_due_days, annual_due_month, annual_due_day, \
                               end_of_term_due_days, version, min_age, max_age";
pub fn policy(r: &Row) -> rusqlite::Result<Policy> {
    Ok(Policy {
        term_months: r.get(0)?,
        due_soon_days: r.get(1)?,
        routine_due_days: r.get(2)?,
        annual_due_month: r.get(3)?,
        annual_due_day: r.get(4)?,
        end_of_term_due_days: r.get(5)?,
        version: r.get(6)?,
        min_age: r.get(7)?,
        max_age: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::iso_date;
    use chrono::NaiveDate;

    #[test]
    fn iso_dates_parse_as_chrono_does_for_the_stored_form() {
        for s in ["2017-04-01", "2026-11-27", "2000-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(iso_date(s), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(), "{s}");
        }
        for s in [
            "2017-02-30",
            "2019-02-29",
            "2017-13-01",
            "2017-00-10",
            "2017-4-1",
            "17-04-01",
            "2017/04/01",
            "",
            "2017-04-01 ",
            "2017-04-0x",
            "２０１７-04-01",
        ] {
            assert_eq!(iso_date(s), None, "{s}");
        }
    }
}
