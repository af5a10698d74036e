//! `guazhi check` over rows already stored (written by an older version, or typed into the
//! sqlite3 shell): the plausibility rules of [`super::plausible`], text as the program would
//! store it, and one identity per person. Each function takes one group of rows, so a caller
//! can stream the database a cadre at a time; every finding names its table and row.

use super::flags::Severity;
use super::model::*;
use super::plausible;
use crate::lang::Message;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// What a stored row can get wrong (the policy flags across records are `flags::Rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    PersonName,
    BirthDate,
    AgeAtStart,
    GrassrootsOverAge,
    EarlyEndBeforeReview,
    VettingDate,
    ReviewDate,
    ProgrammeDate,
    StartBeforeDispatch,
    HostForDirection,
    HiddenCharacter,
    UnnormalisedText,
    NoWords,
    LikelyDuplicate,
}

impl Rule {
    /// Stable name for reports.
    pub fn code(self) -> &'static str {
        match self {
            Rule::PersonName => "person_name",
            Rule::BirthDate => "birth_date",
            Rule::AgeAtStart => "age_at_start",
            Rule::GrassrootsOverAge => "grassroots_over_age",
            Rule::EarlyEndBeforeReview => "early_end_before_review",
            Rule::VettingDate => "vetting_date",
            Rule::ReviewDate => "review_date",
            Rule::ProgrammeDate => "programme_date",
            Rule::StartBeforeDispatch => "start_before_dispatch",
            Rule::HostForDirection => "host_for_direction",
            Rule::HiddenCharacter => "hidden_character",
            Rule::UnnormalisedText => "unnormalised_text",
            Rule::NoWords => "no_words",
            Rule::LikelyDuplicate => "likely_duplicate",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Rule::PersonName => "不是人名",
            Rule::BirthDate => "出生日期不可能",
            Rule::AgeAtStart => "挂职年龄超出规定",
            Rule::GrassrootsOverAge => "基层经历超出年龄",
            Rule::EarlyEndBeforeReview => "提前结束早于已完成的考核",
            Rule::VettingDate => "考察日期不合理",
            Rule::ReviewDate => "考核完成日期不可能",
            Rule::ProgrammeDate => "日期超出范围",
            Rule::StartBeforeDispatch => "挂职早于批次派出",
            Rule::HostForDirection => "挂职单位与方向不符",
            Rule::HiddenCharacter => "含不可见字符",
            Rule::UnnormalisedText => "文字未规范",
            Rule::NoWords => "没有文字",
            Rule::LikelyDuplicate => "疑似重复",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Rule::PersonName => "not a person's name",
            Rule::BirthDate => "impossible birth date",
            Rule::AgeAtStart => "age at start outside the policy",
            Rule::GrassrootsOverAge => "grassroots years exceed the age",
            Rule::EarlyEndBeforeReview => "early end before a done review",
            Rule::VettingDate => "vetting date",
            Rule::ReviewDate => "impossible review date",
            Rule::ProgrammeDate => "date out of range",
            Rule::StartBeforeDispatch => "start before the batch's dispatch",
            Rule::HostForDirection => "host unit against the direction",
            Rule::HiddenCharacter => "invisible character",
            Rule::UnnormalisedText => "text not normalised",
            Rule::NoWords => "no letter or digit",
            Rule::LikelyDuplicate => "likely duplicate",
        }
    }

    /// A likely duplicate and untidy text are for someone to look at; the rest cannot be true.
    pub fn severity(self) -> Severity {
        match self {
            Rule::UnnormalisedText | Rule::LikelyDuplicate => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One stored row that breaks a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowFinding {
    pub rule: Rule,
    pub severity: Severity,
    pub table: &'static str,
    pub id: Id,
    pub message: Message,
}

impl RowFinding {
    fn new(rule: Rule, table: &'static str, id: Id, message: Message) -> RowFinding {
        RowFinding { rule, severity: rule.severity(), table, id, message }
    }
}

/// One cadre and what is recorded against their secondments: the unit `check_cadre` reads.
pub struct CadreRecords<'a> {
    pub cadre: &'a Cadre,
    pub secondments: &'a [Secondment],
    /// The reviews of those secondments (others are ignored).
    pub reviews: &'a [Review],
    pub vettings: &'a [Vetting],
}

/// "邱志远：" before a message, so a listed row says whose it is.
fn about(who: &str, m: Message) -> Message {
    let who = crate::text::display_safe(who);
    Message::new(format!("{who}：{}", m.zh), format!("{who}: {}", m.en))
}

/// Texts of one row as the program stores text: no invisible or control characters (an error:
/// such a name is another person to the database), NFC and trimmed (a warning).
fn texts(out: &mut Vec<RowFinding>, table: &'static str, id: Id, who: &str, fields: &[(&str, &str, &str)]) {
    for &(zh, en, value) in fields {
        let label = |m: Message| about(who, Message::new(format!("{zh}{}", m.zh), format!("{en}: {}", m.en)));
        if let Some(m) = crate::text::refused_char(value) {
            let m = Message::new(format!("中{}", m.zh), m.en);
            out.push(RowFinding::new(Rule::HiddenCharacter, table, id, label(m)));
        } else if !crate::text::is_normalised(value) {
            let m = Message::new("首尾有空白或不是 NFC 规范形式", "spaces at either end, or not in Unicode NFC");
            out.push(RowFinding::new(Rule::UnnormalisedText, table, id, label(m)));
        }
    }
}

/// A text that must be given (`zh`, `en`: its field) with a letter or a digit in it.
fn has_words(out: &mut Vec<RowFinding>, table: &'static str, id: Id, who: &str, field: (&str, &str, &str)) {
    let (zh, en, value) = field;
    if let Err(m) = plausible::has_words(value) {
        let m = Message::new(format!("{zh}{}", m.zh), format!("{en}: {}", m.en));
        out.push(RowFinding::new(Rule::NoWords, table, id, about(who, m)));
    }
}

/// Every rule for one cadre's rows, as of `today` under `policy`.
pub fn check_cadre(r: &CadreRecords, policy: &Policy, today: NaiveDate) -> Vec<RowFinding> {
    let c = r.cadre;
    let mut out = Vec::new();
    texts(
        &mut out,
        "cadres",
        c.id,
        &c.name,
        &[
            ("姓名", "name", &c.name),
            ("学历", "education", &c.education),
            ("专业特长", "speciality", &c.speciality),
            ("职务", "home post", &c.home_post),
        ],
    );
    let mut on_cadre = |rule, verdict: plausible::Verdict| {
        if let Err(m) = verdict {
            out.push(RowFinding::new(rule, "cadres", c.id, about(&c.name, m)));
        }
    };
    // A hidden character in the name is reported once, by its own rule.
    if crate::text::refused_char(&c.name).is_none() {
        on_cadre(Rule::PersonName, plausible::person_name(&c.name));
    }
    on_cadre(Rule::BirthDate, plausible::birth_date(c.birth_date, today, policy));
    on_cadre(Rule::GrassrootsOverAge, plausible::grassroots_years(c.grassroots_years, c.birth_date, today));
    for s in r.secondments.iter().filter(|s| s.cadre_id == c.id) {
        let mut on = |rule, table, id, verdict: plausible::Verdict| {
            if let Err(m) = verdict {
                out.push(RowFinding::new(rule, table, id, about(&c.name, m)));
            }
        };
        on(Rule::AgeAtStart, "secondments", s.id, plausible::age_at_start(c.birth_date, s.start, policy));
        on(Rule::ProgrammeDate, "secondments", s.id, plausible::programme_date(s.start, today));
        on(Rule::ProgrammeDate, "secondments", s.id, plausible::programme_date(s.planned_end, today));
        let reviews: Vec<Review> = r.reviews.iter().filter(|x| x.secondment_id == s.id).cloned().collect();
        if let Some(end) = s.actual_end {
            // The evaluation's own date is judged below, by `review_done`.
            let periods: Vec<Review> = reviews.iter().filter(|x| x.kind != ReviewKind::EndOfTerm).cloned().collect();
            on(Rule::EarlyEndBeforeReview, "secondments", s.id, plausible::done_reviews_fit(s.start, end, &periods));
        }
        for x in &reviews {
            if let (Some(done), false) = (x.done, x.cancelled) {
                let verdict = plausible::review_done(x.kind, &x.period, done, s.end(), today);
                on(Rule::ReviewDate, "reviews", x.id, verdict);
            }
        }
        for v in r.vettings.iter().filter(|v| v.secondment_id == s.id) {
            on(Rule::VettingDate, "vettings", v.id, plausible::vetting_date(v.date, s.start, today));
        }
        let host_post = ("挂任职务", "host post", s.host_post.as_str());
        texts(&mut out, "secondments", s.id, &c.name, &[host_post]);
        has_words(&mut out, "secondments", s.id, &c.name, host_post);
    }
    out
}

/// Each secondment of `r` against its host unit's kind (`kinds`, by unit id): down goes to a
/// grassroots unit, up to a city organ.
pub fn check_host_units(r: &CadreRecords, kinds: &HashMap<Id, UnitKind>) -> Vec<RowFinding> {
    let mut out = Vec::new();
    for s in r.secondments.iter().filter(|s| s.cadre_id == r.cadre.id) {
        if let Some(Err(m)) = kinds.get(&s.host_unit_id).map(|k| plausible::host_for_direction(s.direction, *k)) {
            out.push(RowFinding::new(Rule::HostForDirection, "secondments", s.id, about(&r.cadre.name, m)));
        }
    }
    out
}

/// A unit's name as the program stores text.
pub fn check_unit(u: &Unit) -> Vec<RowFinding> {
    let mut out = Vec::new();
    texts(&mut out, "units", u.id, &u.name, &[("名称", "name", &u.name)]);
    has_words(&mut out, "units", u.id, &u.name, ("名称", "name", &u.name));
    out
}

/// A batch's name, and its dispatch date as a date of the programme.
pub fn check_batch(b: &Batch, earliest_start: Option<NaiveDate>, today: NaiveDate) -> Vec<RowFinding> {
    let mut out = Vec::new();
    texts(&mut out, "batches", b.id, &b.name, &[("名称", "name", &b.name)]);
    has_words(&mut out, "batches", b.id, &b.name, ("名称", "name", &b.name));
    if let Err(m) = plausible::programme_date(b.dispatch_date, today) {
        out.push(RowFinding::new(Rule::ProgrammeDate, "batches", b.id, about(&b.name, m)));
    }
    if let Some(Err(m)) = earliest_start.map(|start| plausible::dispatch_for_starts(b.dispatch_date, start)) {
        out.push(RowFinding::new(Rule::StartBeforeDispatch, "batches", b.id, about(&b.name, m)));
    }
    out
}

/// Likely duplicates, fed one cadre at a time: the same name (as [`crate::text::identity`]
/// reads it: invisible characters and inner spaces do not count) and birth date, or the same
/// name, birth year and home unit. Each later cadre of a group is one finding naming the first.
/// Holds two hashes per cadre, not the names, so it streams a large database.
#[derive(Default)]
pub struct Duplicates {
    by_birth: HashMap<(u64, NaiveDate), Id>,
    by_year_unit: HashMap<(u64, i32, Id), Id>,
    found: Vec<RowFinding>,
}

impl Duplicates {
    pub fn add(&mut self, c: &Cadre) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        crate::text::identity(&c.name).hash(&mut h);
        let name = h.finish();
        let birth = c.birth_date;
        let same_birth = *self.by_birth.entry((name, birth)).or_insert(c.id);
        let same_unit = *self.by_year_unit.entry((name, birth.year(), c.home_unit_id)).or_insert(c.id);
        let message = if same_birth != c.id {
            Message::new(
                format!("与干部 #{same_birth} 同名、同出生日期（{birth}），可能是同一人"),
                format!("same name and birth date ({birth}) as cadre #{same_birth}: likely the same person"),
            )
        } else if same_unit != c.id {
            Message::new(
                format!("与干部 #{same_unit} 同名、同出生年份（{}）、同单位，可能是同一人", birth.year()),
                format!(
                    "same name, birth year ({}) and home unit as cadre #{same_unit}: likely the same person",
                    birth.year()
                ),
            )
        } else {
            return;
        };
        self.found.push(RowFinding::new(Rule::LikelyDuplicate, "cadres", c.id, about(&c.name, message)));
    }

    pub fn findings(self) -> Vec<RowFinding> {
        self.found
    }
}

/// All of it over records held in memory (a caller that streams calls the parts): every
/// cadre's rows, every unit and batch, and the likely duplicates, in that order.
pub struct Records<'a> {
    pub cadres: &'a [Cadre],
    pub secondments: &'a [Secondment],
    pub reviews: &'a [Review],
    pub vettings: &'a [Vetting],
    pub units: &'a [Unit],
    pub batches: &'a [Batch],
}

/// The rows kept by secondment that belong to `terms`.
fn of_terms<T: Clone>(by_term: &HashMap<Id, Vec<T>>, terms: &[Secondment]) -> Vec<T> {
    terms.iter().filter_map(|s| by_term.get(&s.id)).flatten().cloned().collect()
}

pub fn check_records(r: &Records, policy: &Policy, today: NaiveDate) -> Vec<RowFinding> {
    let mut terms: HashMap<Id, Vec<Secondment>> = HashMap::new();
    for s in r.secondments {
        terms.entry(s.cadre_id).or_default().push(s.clone());
    }
    let mut reviews: HashMap<Id, Vec<Review>> = HashMap::new();
    for x in r.reviews {
        reviews.entry(x.secondment_id).or_default().push(x.clone());
    }
    let mut vettings: HashMap<Id, Vec<Vetting>> = HashMap::new();
    for v in r.vettings {
        vettings.entry(v.secondment_id).or_default().push(v.clone());
    }
    let kinds: HashMap<Id, UnitKind> = r.units.iter().map(|u| (u.id, u.kind)).collect();
    let mut out = Vec::new();
    let mut duplicates = Duplicates::default();
    for c in r.cadres {
        let secondments = terms.remove(&c.id).unwrap_or_default();
        let their_reviews: Vec<Review> = of_terms(&reviews, &secondments);
        let their_vettings: Vec<Vetting> = of_terms(&vettings, &secondments);
        let group =
            CadreRecords { cadre: c, secondments: &secondments, reviews: &their_reviews, vettings: &their_vettings };
        out.extend(check_cadre(&group, policy, today));
        out.extend(check_host_units(&group, &kinds));
        duplicates.add(c);
    }
    out.extend(r.units.iter().flat_map(check_unit));
    let earliest = |b: &Batch| r.secondments.iter().filter(|s| s.batch_id == b.id).map(|s| s.start).min();
    out.extend(r.batches.iter().flat_map(|b| check_batch(b, earliest(b), today)));
    out.extend(duplicates.findings());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn cadre(id: Id, name: &str, birth: &str) -> Cadre {
        Cadre {
            id,
            name: name.into(),
            gender: Gender::Male,
            birth_date: d(birth),
            political: Political::Party,
            education: "大学".into(),
            speciality: "规划".into(),
            grassroots_years: 1.0,
            home_unit_id: 1,
            home_post: "科员".into(),
            archived: false,
            version: 1,
        }
    }

    fn secondment(id: Id, start: &str, end: &str) -> Secondment {
        Secondment {
            id,
            cadre_id: 1,
            batch_id: 1,
            direction: Direction::Down,
            host_unit_id: 2,
            host_post: "副镇长".into(),
            start: d(start),
            planned_end: d(end),
            actual_end: None,
            end_reason: None,
            version: 1,
        }
    }

    fn done(id: Id, kind: ReviewKind, period: &str, on: &str) -> Review {
        Review {
            id,
            secondment_id: 1,
            kind,
            period: period.into(),
            due: d(on),
            done: Some(d(on)),
            grade: Some(Grade::Competent),
            assessor: String::new(),
            note: String::new(),
            cancelled: false,
            version: 1,
        }
    }

    fn vetting(date: &str) -> Vetting {
        Vetting {
            id: 9,
            secondment_id: 1,
            date: d(date),
            political: VetResult::Good,
            moral: VetResult::Good,
            performance: VetResult::Good,
            duty: VetResult::Good,
            integrity: VetResult::Good,
            discipline_opinion: String::new(),
            family_planning_opinion: String::new(),
            conclusion: String::new(),
            version: 1,
        }
    }

    fn run(c: &Cadre, secs: &[Secondment], reviews: &[Review], vettings: &[Vetting]) -> Vec<(Rule, &'static str, Id)> {
        let r = CadreRecords { cadre: c, secondments: secs, reviews, vettings };
        check_cadre(&r, &Policy::default(), d("2026-11-27")).into_iter().map(|f| (f.rule, f.table, f.id)).collect()
    }

    #[test]
    fn a_plausible_cadre_has_no_findings() {
        let c = cadre(1, "邱志远", "1985-06-01");
        let s = [secondment(1, "2017-04-01", "2019-03-31")];
        let reviews = [
            done(1, ReviewKind::Routine, "2017Q2", "2017-07-10"),
            done(2, ReviewKind::EndOfTerm, "term", "2019-04-20"),
        ];
        assert_eq!(run(&c, &s, &reviews, &[vetting("2017-03-01")]), vec![]);
    }

    #[test]
    fn the_rows_the_sqlite3_shell_can_write_are_found() {
        // A 9-year-old (issue 12), with a vetting after the start and an early end before a
        // review already done.
        let c = Cadre { grassroots_years: 0.0, ..cadre(1, "邱\u{200b}志远", "2017-02-28") };
        let mut s = secondment(4, "2025-04-01", "2027-03-31");
        s.actual_end = Some(d("2025-05-10"));
        let reviews = [Review { secondment_id: 4, ..done(7, ReviewKind::Routine, "2025Q3", "2025-10-10") }];
        let found = run(&c, &[s.clone()], &reviews, &[Vetting { secondment_id: 4, ..vetting("2025-04-02") }]);
        assert_eq!(
            found,
            vec![
                (Rule::HiddenCharacter, "cadres", 1),
                (Rule::BirthDate, "cadres", 1),
                (Rule::AgeAtStart, "secondments", 4),
                (Rule::EarlyEndBeforeReview, "secondments", 4),
                (Rule::VettingDate, "vettings", 9),
            ]
        );
        let r = CadreRecords { cadre: &c, secondments: &[s], reviews: &reviews, vettings: &[] };
        let all = check_cadre(&r, &Policy::default(), d("2026-11-27"));
        assert!(all.iter().all(|f| f.severity == Severity::Error));
        assert!(all[0].message.zh.contains("U+200B") && all[0].message.en.contains("zero width space"));
        assert!(all[0].message.en.starts_with("邱\\u{200b}志远: name: "), "{}", all[0].message.en);
    }

    #[test]
    fn impossible_review_dates_and_far_dates_are_found() {
        let c = cadre(1, "邱志远", "1985-06-01");
        let s = [secondment(1, "2017-04-01", "9999-12-31")];
        let reviews = [
            done(1, ReviewKind::Routine, "2017Q3", "2017-06-30"),
            done(2, ReviewKind::EndOfTerm, "term", "2018-01-01"),
            done(3, ReviewKind::Annual, "2017", "2027-01-01"),
        ];
        let found = run(&c, &s, &reviews, &[]);
        assert!(found.contains(&(Rule::ProgrammeDate, "secondments", 1)));
        for id in [1, 2, 3] {
            assert!(found.contains(&(Rule::ReviewDate, "reviews", id)), "review {id}: {found:?}");
        }
    }

    #[test]
    fn grassroots_years_beyond_the_age_and_untidy_text() {
        let mut c = cadre(1, " 邱志远", "1995-06-01");
        c.grassroots_years = 20.0;
        let found = run(&c, &[], &[], &[]);
        assert_eq!(found, vec![(Rule::UnnormalisedText, "cadres", 1), (Rule::GrassrootsOverAge, "cadres", 1)]);
    }

    #[test]
    fn likely_duplicates_see_through_invisible_characters() {
        let mut dup = Duplicates::default();
        dup.add(&cadre(1, "邱志远", "1985-06-01"));
        dup.add(&cadre(2, "邱\u{200b}志远", "1985-06-01"));
        dup.add(&Cadre { home_unit_id: 1, ..cadre(3, "邱 志远", "1985-12-31") });
        dup.add(&Cadre { home_unit_id: 2, ..cadre(4, "邱志远", "1985-03-01") });
        dup.add(&cadre(5, "邱志达", "1985-06-01"));
        let found = dup.findings();
        let ids: Vec<Id> = found.iter().map(|f| f.id).collect();
        assert_eq!(ids, vec![2, 3]);
        assert!(found[0].message.en.contains("same name and birth date (1985-06-01) as cadre #1"));
        assert!(found[1].message.zh.contains("同出生年份（1985）、同单位"));
        assert!(found.iter().all(|f| f.rule == Rule::LikelyDuplicate && f.severity == Severity::Warning));
    }

    #[test]
    fn units_and_batches() {
        let u = Unit {
            id: 3,
            name: "南海区\u{feff}狮山镇".into(),
            kind: UnitKind::Town,
            district: District::Nanhai,
            version: 1,
        };
        assert_eq!(check_unit(&u)[0].rule, Rule::HiddenCharacter);
        let b = Batch { id: 2, name: "第一批".into(), dispatch_date: d("0001-01-01"), term_months: 24, version: 1 };
        assert_eq!(check_batch(&b, None, d("2026-11-27"))[0].rule, Rule::ProgrammeDate);
        let b = Batch { dispatch_date: d("2027-04-01"), ..b };
        let found = check_batch(&b, Some(d("2026-04-01")), d("2026-11-27"));
        assert_eq!(found.iter().map(|f| f.rule).collect::<Vec<_>>(), vec![Rule::StartBeforeDispatch]);
    }
}
