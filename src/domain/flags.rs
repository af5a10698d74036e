//! Policy flags: what the department's rules say should not happen, or should be looked at.

use super::dates::term_months;
use super::model::{Cadre, Direction, Id, Secondment};
use super::term::Term;
use crate::lang::Message;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A down cadre should have under two years of grassroots experience.
    GrassrootsExperience,
    NonStandardTerm,
    OverlappingSecondments,
    PairNotMirrored,
    PairInvalid,
    Unpaired,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::GrassrootsExperience,
        Rule::NonStandardTerm,
        Rule::OverlappingSecondments,
        Rule::PairNotMirrored,
        Rule::PairInvalid,
        Rule::Unpaired,
    ];

    /// Stable name for reports.
    pub fn code(self) -> &'static str {
        match self {
            Rule::GrassrootsExperience => "grassroots_experience",
            Rule::NonStandardTerm => "non_standard_term",
            Rule::OverlappingSecondments => "overlapping_secondments",
            Rule::PairNotMirrored => "pair_not_mirrored",
            Rule::PairInvalid => "pair_invalid",
            Rule::Unpaired => "unpaired",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Rule::GrassrootsExperience => "基层经历满两年",
            Rule::NonStandardTerm => "挂职期限非两年",
            Rule::OverlappingSecondments => "挂职时间重叠",
            Rule::PairNotMirrored => "互派单位不对应",
            Rule::PairInvalid => "互派无效",
            Rule::Unpaired => "未配对",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Rule::GrassrootsExperience => "2+ years grassroots",
            Rule::NonStandardTerm => "term not standard",
            Rule::OverlappingSecondments => "overlapping secondments",
            Rule::PairNotMirrored => "pair not mirrored",
            Rule::PairInvalid => "invalid pair",
            Rule::Unpaired => "unpaired",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::OverlappingSecondments | Rule::PairInvalid => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// The secondments the finding is about.
    pub secondments: Vec<Id>,
    /// What a report prints, in both languages.
    pub detail: Message,
}

impl Finding {
    pub fn new(rule: Rule, secondments: Vec<Id>, detail: Message) -> Finding {
        Finding { rule, severity: rule.severity(), secondments, detail }
    }
}

/// The policy rules over one cadre's terms (in any order): for each term, two or more years
/// of grassroots experience going down, then a planned term other than the standard one; then
/// every two terms whose days intersect (ordered by their ids). Each with the terms it names.
pub fn term_rules(grassroots_years: f64, terms: &[Term], standard_term_months: u32) -> Vec<(Rule, Vec<Id>)> {
    let mut out = Vec::new();
    for t in terms {
        if t.direction == Direction::Down && grassroots_years >= 2.0 {
            out.push((Rule::GrassrootsExperience, vec![t.id]));
        }
        if term_months(t.start, t.planned_end) != Some(standard_term_months) {
            out.push((Rule::NonStandardTerm, vec![t.id]));
        }
    }
    let mut sorted = terms.to_vec();
    sorted.sort_by_key(|t| (t.start, t.id));
    let mut overlaps = Vec::new();
    for (i, a) in sorted.iter().enumerate() {
        for b in &sorted[i + 1..] {
            if b.start <= a.end() {
                overlaps.push((Rule::OverlappingSecondments, vec![a.id, b.id]));
            }
        }
    }
    overlaps.sort_by(|a, b| a.1.cmp(&b.1));
    out.extend(overlaps);
    out
}

/// The policy flags on one cadre's secondments (in any order), with the details a report
/// prints: `term_rules` over their terms, the cadre named `name`. In `term_rules`' order.
pub fn cadre_flags(name: &str, grassroots_years: f64, secondments: &[&Secondment], standard: u32) -> Vec<Finding> {
    let terms: Vec<Term> = secondments.iter().map(|s| s.term()).collect();
    let by_id: HashMap<Id, &Secondment> = secondments.iter().map(|s| (s.id, *s)).collect();
    term_rules(grassroots_years, &terms, standard)
        .into_iter()
        .map(|(rule, ids)| {
            let s = by_id[&ids[0]];
            let detail = match rule {
                Rule::GrassrootsExperience => Message::new(
                    format!("{name}：下挂前基层工作经历 {grassroots_years} 年（应不满两年）"),
                    format!("{name}: {grassroots_years} years of grassroots experience (policy: under 2)"),
                ),
                Rule::NonStandardTerm => {
                    let months = term_months(s.start, s.planned_end);
                    let (zh, en) = months.map_or_else(
                        || ("不是整月".to_string(), "not whole months".to_string()),
                        |m| (format!("{m} 个月"), format!("{m} months")),
                    );
                    Message::new(
                        format!("{name}：计划挂职期限 {} 至 {}，{zh}", s.start, s.planned_end),
                        format!("{name}: planned term {} to {} is {en}", s.start, s.planned_end),
                    )
                }
                _ => {
                    let b = by_id[&ids[1]];
                    Message::new(
                        format!("{name}：{}–{} 与 {}–{} 重叠", s.start, s.end(), b.start, b.end()),
                        format!("{name}: {}–{} overlaps {}–{}", s.start, s.end(), b.start, b.end()),
                    )
                }
            };
            Finding::new(rule, ids, detail)
        })
        .collect()
}

/// Flags on individual secondments and on each cadre's secondments taken together
/// (`cadre_flags` per cadre that can be read), in the order they were always listed: the flags
/// on one secondment in the secondments' order, then the overlaps by their ids.
pub fn policy_flags(cadres: &[Cadre], secondments: &[Secondment], standard_term_months: u32) -> Vec<Finding> {
    let by_id: HashMap<Id, &Cadre> = cadres.iter().map(|c| (c.id, c)).collect();
    let mut per_cadre: HashMap<Id, Vec<&Secondment>> = HashMap::new();
    for s in secondments.iter().filter(|s| by_id.contains_key(&s.cadre_id)) {
        per_cadre.entry(s.cadre_id).or_default().push(s);
    }
    let (mut single, mut overlaps): (Vec<Finding>, Vec<Finding>) = per_cadre
        .iter()
        .flat_map(|(cadre, list)| {
            let c = by_id[cadre];
            cadre_flags(&c.name, c.grassroots_years, list, standard_term_months)
        })
        .partition(|f| f.rule != Rule::OverlappingSecondments);
    let position: HashMap<Id, usize> = secondments.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    single.sort_by_key(|f| (position[&f.secondments[0]], f.rule == Rule::NonStandardTerm));
    overlaps.sort_by_key(|f| f.secondments.clone());
    single.extend(overlaps);
    single
}

/// Whether a new term from `start` to `end` would overlap one of the cadre's other secondments.
pub fn overlaps_any(start: chrono::NaiveDate, end: chrono::NaiveDate, others: &[Secondment]) -> Option<&Secondment> {
    others.iter().find(|s| start <= s.end() && s.start <= end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{Gender, Political};
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn cadre(id: Id, years: f64) -> Cadre {
        Cadre {
            id,
            name: format!("干部{id}"),
            gender: Gender::Male,
            birth_date: d("1985-01-01"),
            political: Political::Party,
            education: "大学".into(),
            speciality: "规划".into(),
            grassroots_years: years,
            home_unit_id: 1,
            home_post: "科员".into(),
            archived: false,
            version: 1,
        }
    }

    fn sec(id: Id, cadre_id: Id, direction: Direction, start: &str, end: &str) -> Secondment {
        Secondment {
            id,
            cadre_id,
            batch_id: 1,
            direction,
            host_unit_id: 2,
            host_post: "副镇长".into(),
            start: d(start),
            planned_end: d(end),
            actual_end: None,
            end_reason: None,
            version: 1,
        }
    }

    fn rules(findings: &[Finding]) -> Vec<Rule> {
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn down_cadre_with_two_years_of_grassroots_is_flagged_but_up_is_not() {
        let cadres = [cadre(1, 2.0), cadre(2, 1.9), cadre(3, 5.0)];
        let secs = [
            sec(1, 1, Direction::Down, "2017-04-01", "2019-03-31"),
            sec(2, 2, Direction::Down, "2017-04-01", "2019-03-31"),
            sec(3, 3, Direction::Up, "2017-04-01", "2019-03-31"),
        ];
        let found = policy_flags(&cadres, &secs, 24);
        assert_eq!(rules(&found), vec![Rule::GrassrootsExperience]);
        assert_eq!(found[0].secondments, vec![1]);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn terms_other_than_two_years_are_flagged() {
        let cadres = [cadre(1, 0.0), cadre(2, 0.0)];
        let secs = [
            sec(1, 1, Direction::Up, "2017-04-01", "2018-03-31"),
            sec(2, 2, Direction::Up, "2017-04-01", "2019-04-03"),
        ];
        let found = policy_flags(&cadres, &secs, 24);
        assert_eq!(rules(&found), vec![Rule::NonStandardTerm, Rule::NonStandardTerm]);
        assert!(found[0].detail.en.contains("12 months") && found[0].detail.zh.contains("12 个月"));
        assert!(found[1].detail.en.contains("not whole months") && found[1].detail.zh.contains("不是整月"));
    }

    #[test]
    fn overlapping_secondments_are_an_error_and_touching_ones_are_not() {
        let cadres = [cadre(1, 0.0)];
        let secs = [
            sec(1, 1, Direction::Up, "2017-04-01", "2019-03-31"),
            sec(2, 1, Direction::Up, "2019-04-01", "2021-03-31"),
            sec(3, 1, Direction::Up, "2021-03-31", "2023-03-30"),
        ];
        let found = policy_flags(&cadres, &secs, 24);
        assert_eq!(rules(&found), vec![Rule::OverlappingSecondments]);
        assert_eq!(found[0].secondments, vec![2, 3]);
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn an_early_end_shortens_the_overlap_window() {
        let mut first = sec(1, 1, Direction::Up, "2017-04-01", "2019-03-31");
        first.actual_end = Some(d("2018-01-31"));
        let second = sec(2, 1, Direction::Up, "2018-02-01", "2020-01-31");
        assert!(policy_flags(&[cadre(1, 0.0)], &[first.clone(), second.clone()], 24)
            .iter()
            .all(|f| f.rule != Rule::OverlappingSecondments));
        assert!(overlaps_any(d("2018-01-01"), d("2018-03-01"), &[first]).is_some());
        assert!(overlaps_any(d("2020-02-01"), d("2022-01-31"), &[second]).is_none());
    }
}
