//! The figures the department reports for a batch (15 down, 15 up, 7 to Sanshui, ...).

use super::model::{Batch, Cadre, Direction, District, Gender, Id, Pair, Secondment, Unit};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchFigures {
    pub batch: String,
    pub dispatch_date: chrono::NaiveDate,
    pub down: usize,
    pub up: usize,
    pub pairs: usize,
    /// Down secondments by the host unit's district code; the five districts always appear.
    pub down_by_district: BTreeMap<String, usize>,
    /// Share of down secondments going to Sanshui and Gaoming, the districts the policy favours (0–1).
    pub sanshui_gaoming_share: f64,
    /// Mean age in whole years at the batch's dispatch date, to one decimal.
    pub average_age: f64,
    pub non_party: usize,
    pub women: usize,
}

/// What a batch's figures are made of, however they were counted: over records here, by SQL
/// aggregates in the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchCounts {
    pub down: usize,
    pub up: usize,
    pub pairs: usize,
    /// Down secondments by the host unit's district (`City` when the unit is not known).
    pub down_by_district: Vec<(District, usize)>,
    /// The batch's distinct cadres, the sum of their ages in whole years at the dispatch date,
    /// how many are non-Party and how many are women.
    pub people: usize,
    pub sum_of_ages: i64,
    pub non_party: usize,
    pub women: usize,
}

impl BatchFigures {
    /// The figures from the counts: the shares and the average, rounded as reported.
    pub fn from_counts(batch: &Batch, counts: BatchCounts) -> BatchFigures {
        let mut down_by_district: BTreeMap<String, usize> =
            District::grassroots().map(|d| (d.code().to_string(), 0)).collect();
        for (district, n) in counts.down_by_district {
            *down_by_district.entry(district.code().to_string()).or_default() += n;
        }
        let favoured = down_by_district["sanshui"] + down_by_district["gaoming"];
        let (ages, people) = (counts.sum_of_ages as f64, counts.people as f64);
        BatchFigures {
            batch: batch.name.clone(),
            dispatch_date: batch.dispatch_date,
            down: counts.down,
            up: counts.up,
            pairs: counts.pairs,
            down_by_district,
            sanshui_gaoming_share: if counts.down == 0 { 0.0 } else { favoured as f64 / counts.down as f64 },
            average_age: if counts.people == 0 { 0.0 } else { (ages * 10.0 / people).round() / 10.0 },
            non_party: counts.non_party,
            women: counts.women,
        }
    }
}

/// Figures for `batch`, counting each cadre of the batch once for age, party and gender.
pub fn batch_figures(
    batch: &Batch,
    secondments: &[Secondment],
    cadres: &[Cadre],
    units: &[Unit],
    pairs: &[Pair],
) -> BatchFigures {
    let in_batch: Vec<&Secondment> = secondments.iter().filter(|s| s.batch_id == batch.id).collect();
    let district_of: HashMap<Id, District> = units.iter().map(|u| (u.id, u.district)).collect();
    let down: Vec<&&Secondment> = in_batch.iter().filter(|s| s.direction == Direction::Down).collect();
    let down_by_district =
        down.iter().map(|s| (district_of.get(&s.host_unit_id).copied().unwrap_or(District::City), 1)).collect();
    let cadre_ids: HashSet<Id> = in_batch.iter().map(|s| s.cadre_id).collect();
    let people: Vec<&Cadre> = cadres.iter().filter(|c| cadre_ids.contains(&c.id)).collect();
    let counts = BatchCounts {
        down: down.len(),
        up: in_batch.len() - down.len(),
        pairs: pairs.iter().filter(|p| p.batch_id == batch.id).count(),
        down_by_district,
        people: people.len(),
        sum_of_ages: people.iter().map(|c| i64::from(c.age_on(batch.dispatch_date))).sum(),
        non_party: people.iter().filter(|c| c.political.is_non_party()).count(),
        women: people.iter().filter(|c| c.gender == Gender::Female).count(),
    };
    BatchFigures::from_counts(batch, counts)
}

/// A batch's open reviews falling due in each of the twelve months from today's: the workload
/// ahead. The first month counts from `from` (today) to its end; what is due before today is
/// overdue, which the header counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueByMonth {
    pub from: NaiveDate,
    pub counts: [usize; 12],
}

impl DueByMonth {
    pub fn new(from: NaiveDate) -> DueByMonth {
        DueByMonth { from, counts: [0; 12] }
    }

    /// The first day after the twelfth month: with `from`, the range counted.
    pub fn until(&self) -> NaiveDate {
        self.month_start(12)
    }

    /// The month (1–12) of the `i`th count.
    pub fn month(&self, i: usize) -> u32 {
        self.month_start(i).month()
    }

    /// Which count a due date falls in, if it is in the range.
    pub fn index_of(&self, due: NaiveDate) -> Option<usize> {
        if due < self.from || due >= self.until() {
            return None;
        }
        let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        usize::try_from(months(due) - months(self.from)).ok()
    }

    /// The first day of the `i`th month after `from`'s.
    fn month_start(&self, i: usize) -> NaiveDate {
        let first = self.from.with_day(1).expect("day 1 exists");
        first + Months::new(u32::try_from(i).unwrap_or(u32::MAX))
    }
}

/// What depends on a unit: the cadres whose home unit it is (archived ones included) and the
/// secondments it hosts (past, current and planned), as the Units tab shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UnitCounts {
    pub unit_id: Id,
    pub home_cadres: usize,
    pub hosted_secondments: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{Political, UnitKind};

    fn unit(id: Id, district: District) -> Unit {
        Unit { id, name: format!("单位{id}"), kind: UnitKind::Town, district, version: 1 }
    }

    fn cadre(id: Id, birth: &str, gender: Gender, political: Political) -> Cadre {
        Cadre {
            id,
            name: format!("干部{id}"),
            gender,
            birth_date: parse_date(birth).unwrap(),
            political,
            education: String::new(),
            speciality: String::new(),
            grassroots_years: 0.0,
            home_unit_id: 1,
            home_post: String::new(),
            archived: false,
            version: 1,
        }
    }

    fn sec(id: Id, cadre_id: Id, batch_id: Id, direction: Direction, host: Id) -> Secondment {
        Secondment {
            id,
            cadre_id,
            batch_id,
            direction,
            host_unit_id: host,
            host_post: String::new(),
            start: parse_date("2017-04-01").unwrap(),
            planned_end: parse_date("2019-03-31").unwrap(),
            actual_end: None,
            end_reason: None,
            version: 1,
        }
    }

    fn batch(id: Id) -> Batch {
        Batch {
            id,
            name: format!("第{id}批"),
            dispatch_date: parse_date("2017-04-01").unwrap(),
            term_months: 24,
            version: 1,
        }
    }

    #[test]
    fn counts_districts_ages_party_and_gender() {
        let units = [
            unit(1, District::City),
            unit(2, District::Sanshui),
            unit(3, District::Gaoming),
            unit(4, District::Nanhai),
        ];
        let cadres = [
            cadre(1, "1983-04-01", Gender::Male, Political::Party), // 34 on dispatch day
            cadre(2, "1983-04-02", Gender::Female, Political::Democratic), // 33
            cadre(3, "1990-01-01", Gender::Female, Political::Masses), // 27
            cadre(4, "1980-12-31", Gender::Male, Political::Party), // 36
        ];
        let secs = [
            sec(1, 1, 1, Direction::Down, 2),
            sec(2, 2, 1, Direction::Down, 3),
            sec(3, 3, 1, Direction::Down, 4),
            sec(4, 4, 1, Direction::Up, 1),
            sec(5, 4, 2, Direction::Up, 1), // another batch: not counted
        ];
        let pairs = [Pair { id: 1, batch_id: 1, down_id: 1, up_id: 4, version: 1 }];
        let f = batch_figures(&batch(1), &secs, &cadres, &units, &pairs);
        assert_eq!((f.down, f.up, f.pairs), (3, 1, 1));
        assert_eq!(f.down_by_district["sanshui"], 1);
        assert_eq!(f.down_by_district["gaoming"], 1);
        assert_eq!(f.down_by_district["nanhai"], 1);
        assert_eq!(f.down_by_district["shunde"], 0);
        assert!(!f.down_by_district.contains_key("city"));
        assert!((f.sanshui_gaoming_share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(f.average_age, 32.5); // (34 + 33 + 27 + 36) / 4
        assert_eq!((f.non_party, f.women), (2, 2));
    }

    #[test]
    fn a_batch_with_no_secondments_or_pairs_is_all_zero() {
        let f = batch_figures(&batch(3), &[], &[], &[], &[]);
        assert_eq!((f.down, f.up, f.pairs, f.non_party, f.women), (0, 0, 0, 0, 0));
        assert_eq!(f.average_age, 0.0);
        assert_eq!(f.sanshui_gaoming_share, 0.0);
    }

    #[test]
    fn average_age_rounds_to_one_decimal() {
        let cadres = [
            cadre(1, "1983-01-01", Gender::Male, Political::Party), // 34
            cadre(2, "1983-01-01", Gender::Male, Political::Party), // 34
            cadre(3, "1984-01-01", Gender::Male, Political::Party), // 33
        ];
        let secs = [sec(1, 1, 1, Direction::Up, 1), sec(2, 2, 1, Direction::Up, 1), sec(3, 3, 1, Direction::Up, 1)];
        assert_eq!(batch_figures(&batch(1), &secs, &cadres, &[], &[]).average_age, 33.7);
    }

    #[test]
    fn due_months_start_today_and_run_twelve_calendar_months() {
        let d = |s: &str| parse_date(s).unwrap();
        let due = DueByMonth::new(d("2026-12-03"));
        assert_eq!(due.until(), d("2027-12-01"));
        assert_eq!((due.month(0), due.month(1), due.month(11)), (12, 1, 11));
        assert_eq!(due.index_of(d("2026-12-02")), None, "overdue is not ahead");
        assert_eq!(due.index_of(d("2026-12-03")), Some(0));
        assert_eq!(due.index_of(d("2026-12-31")), Some(0));
        assert_eq!(due.index_of(d("2027-01-01")), Some(1));
        assert_eq!(due.index_of(d("2027-11-30")), Some(11));
        assert_eq!(due.index_of(d("2027-12-01")), None);
    }
}
