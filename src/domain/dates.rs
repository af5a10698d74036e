//! Calendar arithmetic the programme needs: terms in months, quarters, ages, strict date parsing.

use chrono::{Datelike, Days, Months, NaiveDate};

/// Parses `YYYY-MM-DD` strictly: real calendar dates only (2017-02-30 is refused).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let ok_shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !ok_shape {
        return Err(format!("'{s}' is not a date in the form YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("'{s}' is not a real calendar date"))
}

/// The last day of a term of `months` starting on `start` (inclusive). A term from 29 February
/// reaches its anniversary on 1 March of a common year, so it ends on 28 February.
pub fn term_end(start: NaiveDate, months: u32) -> NaiveDate {
    let anniversary = add_months_rolling(start, months);
    anniversary - Days::new(1)
}

/// `date` plus `months`; a day that does not exist in the target month rolls to the 1st of the next.
fn add_months_rolling(date: NaiveDate, months: u32) -> NaiveDate {
    let clamped = date + Months::new(months);
    if clamped.day() == date.day() {
        clamped
    } else {
        clamped + Days::new(1)
    }
}

/// Whole months from `start` to the day after `end`, when the term is a whole number of months.
pub fn term_months(start: NaiveDate, end: NaiveDate) -> Option<u32> {
    (0..=240).find(|&m| term_end(start, m) == end)
}

pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Calendar quarter 1–4.
pub fn quarter_of(date: NaiveDate) -> u32 {
    (date.month() - 1) / 3 + 1
}

pub fn quarter_start(year: i32, quarter: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1).expect("quarter 1-4")
}

pub fn quarter_end(year: i32, quarter: u32) -> NaiveDate {
    let next = if quarter == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, quarter * 3 + 1, 1)
    };
    next.expect("valid quarter") - Days::new(1)
}

/// Signed days from `from` to `to`.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn parse_refuses_impossible_and_malformed_dates() {
        assert!(parse_date("2017-02-30").is_err());
        assert!(parse_date("2017-2-3").is_err());
        assert!(parse_date("2017/02/03").is_err());
        assert!(parse_date("").is_err());
        assert_eq!(d("2020-02-29"), NaiveDate::from_ymd_opt(2020, 2, 29).unwrap());
        assert!(parse_date("2021-02-29").is_err());
    }

    #[test]
    fn two_year_term_ends_the_day_before_the_anniversary() {
        assert_eq!(term_end(d("2017-04-01"), 24), d("2019-03-31"));
        assert_eq!(term_end(d("2017-04-15"), 24), d("2019-04-14"));
        assert_eq!(term_end(d("2017-01-31"), 1), d("2017-02-28"));
    }

    #[test]
    fn term_from_29_february_ends_28_february() {
        assert_eq!(term_end(d("2020-02-29"), 24), d("2022-02-28"));
        assert_eq!(term_end(d("2020-02-29"), 48), d("2024-02-28"));
        assert_eq!(term_months(d("2020-02-29"), d("2022-02-28")), Some(24));
    }

    #[test]
    fn term_months_recognises_whole_terms_only() {
        assert_eq!(term_months(d("2017-04-01"), d("2019-03-31")), Some(24));
        assert_eq!(term_months(d("2017-04-01"), d("2018-03-31")), Some(12));
        assert_eq!(term_months(d("2017-04-01"), d("2019-03-30")), None);
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d("1983-04-01"), d("2017-04-01")), 34);
        assert_eq!(age_on(d("1983-04-02"), d("2017-04-01")), 33);
        assert_eq!(age_on(d("2000-02-29"), d("2017-02-28")), 16);
        assert_eq!(age_on(d("2000-02-29"), d("2017-03-01")), 17);
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter_of(d("2017-03-31")), 1);
        assert_eq!(quarter_of(d("2017-04-01")), 2);
        assert_eq!(quarter_end(2017, 4), d("2017-12-31"));
        assert_eq!(quarter_end(2020, 1), d("2020-03-31"));
        assert_eq!(quarter_start(2017, 3), d("2017-07-01"));
    }
}
