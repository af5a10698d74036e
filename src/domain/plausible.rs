//! Plausibility: values that parse but cannot be true of a person or a term (a 9-year-old
//! cadre, a name "1", a birth date in 9999, a vetting after the start, a review of a quarter not yet
//! begun, an early end of a term that ran its course). Each rule is a pure function that
//! returns why a value is refused, in both languages. The forms, the import, the store's
//! writes and `guazhi check` all call these, so a value is judged the same way wherever it
//! comes from; [`super::check`] runs them over rows already stored.

use super::dates::{age_on, quarter_end, quarter_start};
use super::model::*;
use super::schedule::END_OF_TERM_PERIOD;
use crate::lang::Message;
use chrono::{Datelike, Days, Months, NaiveDate};

/// The youngest age at which anyone may have worked (the Labour Law's 16): grassroots years
/// cannot reach back before it.
pub const WORKING_AGE: i32 = 16;
/// Nobody on record is older than this today: an older birth date is a typo (0001-01-01).
pub const OLDEST: i32 = 100;
/// The programme's dates (dispatch, terms, vettings, notes, reviews) fall between the start
/// of this year and `YEARS_AHEAD` years from today: others are typos (9999-12-31, 2107).
pub const FIRST_YEAR: i32 = 1980;
pub const YEARS_AHEAD: u32 = 10;
/// What the policy's age bounds may be set to.
pub const AGE_LIMITS: (u32, u32) = (16, 80);

/// `Err`: why the value cannot be true, to be shown under its field or by its line.
pub type Verdict = Result<(), Message>;

fn refuse(zh: String, en: String) -> Verdict {
    Err(Message::new(zh, en))
}

/// What a person's name may hold besides letters (Chinese characters count as letters): the
/// middle dots of transliterated names (阿依古丽·买买提, in the forms people type them), spaces,
/// hyphens, apostrophes and full stops of names in Latin letters.
const NAME_SEPARATORS: &[char] = &['·', '•', '・', '．', '.', ' ', '-', '‐', '\'', '’'];

/// A person's name (normalised): two letters or more, no digits, nothing but letters and the
/// separators names have. `1`, `j`, `张三2`, `@@` and `张三（借调）` are typos or notes, not names
/// (a surname and a given name are two characters at least).
pub fn person_name(name: &str) -> Verdict {
    if let Some(digit) = name.chars().find(|c| c.is_numeric()) {
        return refuse(format!("含数字“{digit}”：人名没有数字"), format!("has the digit '{digit}': no name does"));
    }
    match name.chars().filter(|c| c.is_alphabetic()).count() {
        0 => return refuse("没有文字：不是人名".into(), "has no letters: not a name".into()),
        1 => return refuse("只有一个字：人名至少两个字".into(), "one letter only: a name has two at least".into()),
        _ => {}
    }
    if let Some(odd) = name.chars().find(|c| !c.is_alphabetic() && !NAME_SEPARATORS.contains(c)) {
        return refuse(
            format!("含“{odd}”：人名只有文字、间隔号和空格"),
            format!("has '{odd}': a name has letters, middle dots and spaces only"),
        );
    }
    Ok(())
}

/// A name or post that must be given (a unit's, a batch's, a host post, a reason): a letter or
/// a digit at least. `---`, `。。。` and `！` fill the field without saying anything.
pub fn has_words(text: &str) -> Verdict {
    if text.trim().is_empty() {
        return refuse("空白：必须填写".into(), "blank: it must be given".into());
    }
    if !text.chars().any(char::is_alphanumeric) {
        return refuse("没有文字：只有标点或符号".into(), "has no letter or digit: punctuation or symbols only".into());
    }
    Ok(())
}

/// A birth date: not after today, old enough for the programme today, not impossibly old.
pub fn birth_date(birth: NaiveDate, today: NaiveDate, policy: &Policy) -> Verdict {
    if birth > today {
        return refuse(format!("{birth} 晚于今天（{today}）"), format!("{birth} is after today ({today})"));
    }
    let age = age_on(birth, today);
    let min = policy.min_age as i32;
    if age < min {
        return refuse(
            format!("今天只有 {age} 岁，挂职干部至少 {min} 岁"),
            format!("{age} years old today; a seconded cadre is at least {min}"),
        );
    }
    if age > OLDEST {
        return refuse(
            format!("今天已 {age} 岁，出生日期不可能"),
            format!("{age} years old today: not a possible birth date"),
        );
    }
    Ok(())
}

/// The cadre's age on the day a secondment starts is within the policy's bounds.
pub fn age_at_start(birth: NaiveDate, start: NaiveDate, policy: &Policy) -> Verdict {
    if start < birth {
        return refuse(
            format!("开始日期 {start} 早于出生日期 {birth}"),
            format!("the start ({start}) is before the birth date ({birth})"),
        );
    }
    let age = age_on(birth, start);
    let (min, max) = (policy.min_age as i32, policy.max_age as i32);
    if (min..=max).contains(&age) {
        return Ok(());
    }
    refuse(
        format!("{start} 开始挂职时 {age} 岁，规定为 {min} 至 {max} 岁"),
        format!("{age} years old at the start on {start}; the policy allows {min} to {max}"),
    )
}

/// Grassroots years fit the age: no more than the years since the working age.
pub fn grassroots_years(years: f64, birth: NaiveDate, today: NaiveDate) -> Verdict {
    let age = age_on(birth, today);
    let most = (age - WORKING_AGE).max(0);
    if years <= f64::from(most) {
        return Ok(());
    }
    refuse(
        format!("{years} 年基层经历超出年龄：今天 {age} 岁，从 {WORKING_AGE} 岁算起至多 {most} 年"),
        format!("{years} years of grassroots work, but at {age} there can be at most {most} (from age {WORKING_AGE})"),
    )
}

/// A date of the programme: not before [`FIRST_YEAR`], not more than [`YEARS_AHEAD`] years ahead.
pub fn programme_date(date: NaiveDate, today: NaiveDate) -> Verdict {
    if date.year() < FIRST_YEAR {
        return refuse(
            format!("{date} 早于 {FIRST_YEAR} 年，不是本项目的日期"),
            format!("{date} is before {FIRST_YEAR}: not a date of this programme"),
        );
    }
    let latest = today.checked_add_months(Months::new(12 * YEARS_AHEAD)).unwrap_or(NaiveDate::MAX);
    if date > latest {
        return refuse(
            format!("{date} 在 {YEARS_AHEAD} 年以后，不是本项目的日期"),
            format!("{date} is more than {YEARS_AHEAD} years ahead: not a date of this programme"),
        );
    }
    Ok(())
}

/// A record of something that happened (a review result, a vetting, a note, a reserve step):
/// not after today, and a programme date.
pub fn happened(date: NaiveDate, today: NaiveDate) -> Verdict {
    if date > today {
        return refuse(format!("{date} 晚于今天（{today}）"), format!("{date} is after today ({today})"));
    }
    programme_date(date, today)
}

/// The policy's age bounds: within [`AGE_LIMITS`], the youngest below the oldest.
pub fn age_bounds(min: u32, max: u32) -> Verdict {
    let (lo, hi) = AGE_LIMITS;
    if !(lo..=hi).contains(&min) || !(lo..=hi).contains(&max) {
        return refuse(format!("年龄应在 {lo} 至 {hi} 岁之间"), format!("ages are between {lo} and {hi}"));
    }
    if min >= max {
        return refuse(
            format!("最低年龄 {min} 应小于最高年龄 {max}"),
            format!("the youngest age ({min}) must be below the oldest ({max})"),
        );
    }
    Ok(())
}

/// A review's period: the quarter or the year it reviews. `None` for the end-of-term
/// evaluation (which comes after the last day) and for a period that cannot be read.
pub fn period_of(kind: ReviewKind, period: &str) -> Option<(NaiveDate, NaiveDate)> {
    match kind {
        ReviewKind::EndOfTerm => None,
        ReviewKind::Annual => {
            let year: i32 = period.parse().ok()?;
            Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
        }
        ReviewKind::Routine => {
            let (year, quarter) = period.split_once('Q')?;
            let (year, quarter): (i32, u32) = (year.parse().ok()?, quarter.parse().ok()?);
            (1..=4).contains(&quarter).then(|| (quarter_start(year, quarter), quarter_end(year, quarter)))
        }
    }
}

/// The kind and period of a review in words: "2018Q3 平时考核", "期满考察".
fn review_words(kind: ReviewKind, period: &str) -> (String, String) {
    if period == END_OF_TERM_PERIOD || kind == ReviewKind::EndOfTerm {
        return (kind.zh().to_string(), format!("the {} evaluation", kind.en()));
    }
    (format!("{period} {}", kind.zh()), format!("the {} review for {period}", kind.en()))
}

/// A review result's date: not after today; on or after its period begins; an end-of-term
/// evaluation after the term's `last` day.
pub fn review_done(kind: ReviewKind, period: &str, done: NaiveDate, last: NaiveDate, today: NaiveDate) -> Verdict {
    happened(done, today)?;
    let (zh, en) = review_words(kind, period);
    if kind == ReviewKind::EndOfTerm {
        if done <= last {
            return refuse(
                format!("{zh}应在挂职最后一天 {last} 之后"),
                format!("{en} comes after the term's last day ({last})"),
            );
        }
        return Ok(());
    }
    match period_of(kind, period) {
        Some((begins, _)) if done < begins => refuse(
            format!("{zh}不能在该期间开始（{begins}）之前完成"),
            format!("{en} cannot be done before its period begins ({begins})"),
        ),
        _ => Ok(()),
    }
}

/// A vetting comes on or before the secondment's start, within a year of it (a candidate is
/// vetted for this dispatch: a date years before is a typo, 1995 for 2025), and happened.
pub fn vetting_date(date: NaiveDate, start: NaiveDate, today: NaiveDate) -> Verdict {
    happened(date, today)?;
    if date > start {
        return refuse(
            format!("考察应在挂职开始（{start}）当天或之前"),
            format!("a vetting comes on or before the secondment's start ({start})"),
        );
    }
    let earliest = start.checked_sub_months(chrono::Months::new(12)).unwrap_or(start);
    if date < earliest {
        return refuse(
            format!("考察应在挂职开始（{start}）前一年之内，不早于 {earliest}"),
            format!("a vetting comes within a year before the secondment's start ({start}), not before {earliest}"),
        );
    }
    Ok(())
}

/// The reviews already done still fit a term from `start` to `last`: none of a period that
/// begins after the last day or ends before the start, and a done end-of-term evaluation after
/// the last day. Done reviews are history; a term that contradicts them is refused.
pub fn done_reviews_fit(start: NaiveDate, last: NaiveDate, reviews: &[Review]) -> Verdict {
    for r in reviews.iter().filter(|r| !r.cancelled) {
        let Some(done) = r.done else { continue };
        let (zh, en) = review_words(r.kind, &r.period);
        match period_of(r.kind, &r.period) {
            Some((begins, _)) if begins > last => {
                return refuse(
                    format!("{zh}已于 {done} 完成：最后一天不能早于 {begins}"),
                    format!("{en} was done on {done}: the last day cannot be before {begins}"),
                )
            }
            Some((_, ends)) if ends < start => {
                return refuse(
                    format!("{zh}已于 {done} 完成：开始不能晚于 {ends}"),
                    format!("{en} was done on {done}: the start cannot be after {ends}"),
                )
            }
            None if r.kind == ReviewKind::EndOfTerm && done <= last => {
                return refuse(
                    format!("{zh}已于 {done} 完成：最后一天应早于它"),
                    format!("{en} was done on {done}: the last day must come before it"),
                )
            }
            _ => {}
        }
    }
    Ok(())
}

/// Ending a secondment early on `end`: only one being served or planned (a term that ran its
/// course is history), not ended early already, with no end-of-term evaluation recorded; on or
/// after its start, before its planned end, and not before a period whose review is done.
pub fn early_end(s: &Secondment, reviews: &[Review], end: NaiveDate, today: NaiveDate) -> Verdict {
    can_end_early(s, reviews, today)?;
    if end < s.start {
        return refuse(format!("不能早于开始日期 {}", s.start), format!("before the start ({})", s.start));
    }
    if end >= s.planned_end {
        let p = s.planned_end;
        return refuse(format!("应早于计划期满 {p}"), format!("not before the planned end ({p})"));
    }
    done_reviews_fit(s.start, end, reviews)
}

/// Whether a secondment may end early at all, whatever the day: one being served or planned,
/// not ended early already, with no end-of-term evaluation recorded.
pub fn can_end_early(s: &Secondment, reviews: &[Review], today: NaiveDate) -> Verdict {
    if let Some(ended) = s.actual_end {
        return refuse(
            format!("该挂职已于 {ended} 提前结束"),
            format!("the secondment already ended early on {ended}"),
        );
    }
    if s.status(today) == SecondmentStatus::Completed {
        let p = s.planned_end;
        return refuse(
            format!("该挂职已于 {p} 期满，不能再提前结束"),
            format!("the term ran its course on {p}; it cannot end early now"),
        );
    }
    let evaluated = reviews.iter().find(|r| r.kind == ReviewKind::EndOfTerm && !r.cancelled && r.done.is_some());
    if let Some(done) = evaluated.and_then(|r| r.done) {
        return refuse(
            format!("期满考察已于 {done} 完成，不能再提前结束"),
            format!("the end-of-term evaluation was done on {done}; the term cannot end early now"),
        );
    }
    Ok(())
}

/// The day a rule proposal for the reserve pool arises: the day after the term's `last` day,
/// or the day its end-of-term evaluation was done (`evaluated`) if that came later.
pub fn proposal_day(last: NaiveDate, evaluated: Option<NaiveDate>) -> NaiveDate {
    let after = last + Days::new(1);
    evaluated.map_or(after, |d| d.max(after))
}

/// A secondment's start against its batch's dispatch date: a cadre may take up the post a few
/// days early (the demo's 解文杰, three), not a month or more before the batch is sent.
pub fn start_for_dispatch(start: NaiveDate, dispatch: NaiveDate) -> Verdict {
    let earliest = dispatch.checked_sub_months(Months::new(1)).unwrap_or(dispatch);
    if start < earliest {
        return refuse(
            format!("开始（{start}）早于批次派出日期（{dispatch}）一个月以上"),
            format!("the start ({start}) is more than a month before the batch's dispatch ({dispatch})"),
        );
    }
    Ok(())
}

/// A secondment's direction against its units' kinds: down (下挂) is a city organ's cadre to a
/// grassroots unit, up (上挂) a grassroots cadre to a city organ; anything else is no secondment
/// of this programme (`home`: the cadre's unit when the secondment is added).
pub fn direction_units(direction: Direction, home: UnitKind, host: UnitKind) -> Verdict {
    let city = |k: UnitKind| k == UnitKind::CityOrgan;
    // What the home unit should be: (city organ?, Chinese, English).
    let from = match direction {
        Direction::Down => (true, "市直机关", "a city organ"),
        Direction::Up => (false, "基层单位", "a grassroots unit"),
    };
    let (dzh, den) = (direction.zh(), direction.en());
    if city(home) != from.0 {
        return refuse(
            format!("{dzh}干部的原单位应是{}，这里是{}", from.1, home.zh()),
            format!("a cadre going {den} comes from {}; the home unit is a {}", from.2, home.en()),
        );
    }
    host_for_direction(direction, host)
}

/// The host unit's half of [`direction_units`]: what a stored secondment can be checked by (its
/// cadre's home unit may have changed since).
pub fn host_for_direction(direction: Direction, host: UnitKind) -> Verdict {
    let (to_city, zh, en) = match direction {
        Direction::Down => (false, "基层单位", "a grassroots unit"),
        Direction::Up => (true, "市直机关", "a city organ"),
    };
    if (host == UnitKind::CityOrgan) != to_city {
        return refuse(
            format!("{}的挂职单位应是{zh}，这里是{}", direction.zh(), host.zh()),
            format!("a secondment {} goes to {en}; the host unit is a {}", direction.en(), host.en()),
        );
    }
    Ok(())
}

/// [`start_for_dispatch`] said of the batch: its dispatch date against the earliest start of
/// its secondments.
pub fn dispatch_for_starts(dispatch: NaiveDate, earliest_start: NaiveDate) -> Verdict {
    start_for_dispatch(earliest_start, dispatch).map_err(|_| {
        let latest = earliest_start.checked_add_months(Months::new(1)).unwrap_or(earliest_start);
        Message::new(
            format!("本批最早的挂职于 {earliest_start} 开始，派出日期不能晚于 {latest}"),
            format!("the batch's first secondment started on {earliest_start}: dispatched {latest} at the latest"),
        )
    })
}

/// A nomination for the reserve pool tied to secondment `s`: a rule proposal (an excellent
/// end-of-term evaluation) not before the day it arises (`proposal_day`); a recommendation not
/// before the secondment began.
pub fn nomination_date(on: NaiveDate, origin: ReserveOrigin, s: &Secondment, reviews: &[Review]) -> Verdict {
    if origin == ReserveOrigin::Rule {
        let evaluated = reviews.iter().find(|r| r.kind == ReviewKind::EndOfTerm && !r.cancelled).and_then(|r| r.done);
        let day = proposal_day(s.end(), evaluated);
        if on < day {
            return refuse(
                format!("不能早于 {day}：期满考察优秀的提名在任期结束、期满考察完成之后"),
                format!(
                    "not before {day}: an excellent end-of-term evaluation comes after the term and its evaluation"
                ),
            );
        }
    } else if on < s.start {
        let start = s.start;
        return refuse(format!("不能早于挂职开始 {start}"), format!("not before the secondment began ({start})"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn names_have_letters_and_separators_only() {
        // Chinese numerals are characters of names too (张十一).
        let good = [
            "张三",
            "欧阳明远",
            "张十一",
            "阿依古丽·买买提",
            "阿依古丽•买买提",
            "John O'Neil",
            "Anne-Marie",
            "J. Smith",
            "Zoë",
        ];
        for name in good {
            assert_eq!(person_name(name), Ok(()), "{name}");
        }
        for name in ["1", "j", "张", "张三2", "张三２", "@@", "·", "张三（借调）", "张三#", ""] {
            assert!(person_name(name).is_err(), "{name}");
        }
        let why = person_name("张三2").unwrap_err();
        assert!(why.zh.contains('2') && why.en.contains("digit"), "{why:?}");
    }

    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    const TODAY: &str = "2026-11-27";

    fn secondment(start: &str, end: &str) -> Secondment {
        Secondment {
            id: 1,
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

    fn review(kind: ReviewKind, period: &str, done: Option<&str>) -> Review {
        Review {
            id: 1,
            secondment_id: 1,
            kind,
            period: period.into(),
            due: d("2019-04-30"),
            done: done.map(d),
            grade: done.map(|_| Grade::Competent),
            assessor: String::new(),
            note: String::new(),
            cancelled: false,
            version: 1,
        }
    }

    #[test]
    fn a_birth_date_is_past_adult_and_human() {
        let (p, today) = (Policy::default(), d(TODAY));
        assert!(birth_date(d("1985-06-01"), today, &p).is_ok());
        let nine = birth_date(d("2017-02-28"), today, &p).unwrap_err();
        assert!(nine.zh.contains("只有 9 岁") && nine.en.contains("9 years old"), "{nine:?}");
        assert!(birth_date(d("9999-12-31"), today, &p).unwrap_err().en.contains("after today"));
        assert!(birth_date(d("2026-11-28"), today, &p).is_err());
        assert!(birth_date(d("0001-01-01"), today, &p).unwrap_err().en.contains("2025 years old"));
        assert!(birth_date(d("2008-11-27"), today, &p).is_ok(), "18 today");
        assert!(birth_date(d("2008-11-28"), today, &p).is_err(), "18 tomorrow");
    }

    #[test]
    fn age_at_the_start_within_the_policy() {
        let p = Policy::default();
        assert!(age_at_start(d("1983-04-02"), d("2017-04-01"), &p).is_ok());
        assert!(age_at_start(d("1999-04-01"), d("2017-04-01"), &p).is_ok(), "18 that day");
        assert!(age_at_start(d("1999-04-02"), d("2017-04-01"), &p).unwrap_err().en.contains("17 years old"));
        assert!(age_at_start(d("1956-04-01"), d("2017-04-01"), &p).unwrap_err().zh.contains("61 岁"));
        assert!(age_at_start(d("2018-01-01"), d("2017-04-01"), &p).unwrap_err().en.contains("before the birth date"));
        let strict = Policy { min_age: 25, max_age: 45, ..Policy::default() };
        assert!(age_at_start(d("1995-01-01"), d("2017-04-01"), &strict).unwrap_err().en.contains("25 to 45"));
    }

    #[test]
    fn grassroots_years_fit_the_age() {
        let today = d(TODAY);
        assert!(grassroots_years(12.0, d("1985-01-01"), today).is_ok());
        assert!(grassroots_years(25.0, d("1985-01-01"), today).is_ok(), "41 − 16");
        let e = grassroots_years(25.5, d("1985-01-01"), today).unwrap_err();
        assert!(e.en.contains("at most 25") && e.zh.contains("至多 25 年"), "{e:?}");
        assert!(grassroots_years(0.0, d("2008-01-01"), today).is_ok());
        assert!(grassroots_years(3.0, d("2008-01-01"), today).is_err(), "18 leaves 2");
    }

    #[test]
    fn programme_dates_are_neither_ancient_nor_far_ahead() {
        let today = d(TODAY);
        assert!(programme_date(d("2017-04-01"), today).is_ok());
        assert!(programme_date(d("1980-01-01"), today).is_ok());
        assert!(programme_date(d("1979-12-31"), today).is_err());
        assert!(programme_date(d("2036-11-27"), today).is_ok());
        assert!(programme_date(d("2036-11-28"), today).is_err());
        assert!(programme_date(d("9999-12-31"), today).is_err());
        assert!(happened(d("2026-11-28"), today).unwrap_err().en.contains("after today"));
    }

    #[test]
    fn age_bounds_are_ordered_and_in_range() {
        assert!(age_bounds(18, 60).is_ok());
        assert!(age_bounds(60, 18).is_err() && age_bounds(30, 30).is_err());
        assert!(age_bounds(10, 60).is_err() && age_bounds(18, 90).is_err());
    }

    #[test]
    fn reviews_are_done_after_their_period_begins_and_evaluations_after_the_last_day() {
        let (today, last) = (d(TODAY), d("2019-03-31"));
        let routine = |done| review_done(ReviewKind::Routine, "2018Q3", d(done), last, today);
        assert!(routine("2018-07-01").is_ok() && routine("2018-10-10").is_ok());
        assert!(routine("2018-06-30").unwrap_err().en.contains("before its period begins (2018-07-01)"));
        assert!(review_done(ReviewKind::Annual, "2018", d("2017-12-31"), last, today).is_err());
        assert!(review_done(ReviewKind::Annual, "2018", d("2019-01-20"), last, today).is_ok());
        let term = |done| review_done(ReviewKind::EndOfTerm, "term", d(done), last, today);
        assert!(term("2019-04-01").is_ok());
        assert!(term("2019-03-31").unwrap_err().zh.contains("最后一天 2019-03-31 之后"));
        assert!(term("2026-11-28").unwrap_err().en.contains("after today"));
    }

    #[test]
    fn a_vetting_comes_on_or_before_the_start() {
        let today = d(TODAY);
        assert!(vetting_date(d("2017-03-01"), d("2017-04-01"), today).is_ok());
        assert!(vetting_date(d("2017-04-01"), d("2017-04-01"), today).is_ok());
        assert!(vetting_date(d("2017-04-02"), d("2017-04-01"), today).unwrap_err().en.contains("on or before"));
        assert!(vetting_date(d("2016-04-01"), d("2017-04-01"), today).is_ok(), "a year before, to the day");
        let e = vetting_date(d("2016-03-31"), d("2017-04-01"), today).unwrap_err();
        assert!(e.en.contains("within a year") && e.zh.contains("不早于 2016-04-01"), "{e:?}");
    }

    #[test]
    fn a_secondment_starts_at_most_a_month_before_its_batch_is_sent() {
        assert!(start_for_dispatch(d("2024-10-29"), d("2024-11-01")).is_ok(), "three days early");
        assert!(start_for_dispatch(d("2026-03-01"), d("2026-04-01")).is_ok(), "a month early, to the day");
        let e = start_for_dispatch(d("2026-04-01"), d("2027-04-01")).unwrap_err();
        assert!(e.en.contains("more than a month before") && e.zh.contains("2027-04-01"), "{e:?}");
        assert!(start_for_dispatch(d("2027-09-01"), d("2027-04-01")).is_ok(), "a late joiner");
        let e = dispatch_for_starts(d("2027-04-01"), d("2026-04-01")).unwrap_err();
        assert!(e.en.ends_with("dispatched 2026-05-01 at the latest"), "{e:?}");
        assert!(dispatch_for_starts(d("2026-05-01"), d("2026-04-01")).is_ok());
    }

    #[test]
    fn down_is_from_a_city_organ_to_the_grassroots_and_up_the_other_way() {
        use UnitKind::*;
        assert!(direction_units(Direction::Down, CityOrgan, Town).is_ok());
        assert!(direction_units(Direction::Down, CityOrgan, Enterprise).is_ok());
        assert!(direction_units(Direction::Up, Town, CityOrgan).is_ok());
        assert!(direction_units(Direction::Up, DistrictOrgan, CityOrgan).is_ok());
        let e = direction_units(Direction::Up, CityOrgan, CityOrgan).unwrap_err();
        assert_eq!(e.en, "a cadre going up comes from a grassroots unit; the home unit is a city organ");
        let e = direction_units(Direction::Down, CityOrgan, CityOrgan).unwrap_err();
        assert_eq!(e.zh, "下挂的挂职单位应是基层单位，这里是市直机关");
        assert!(direction_units(Direction::Down, Town, Town).unwrap_err().en.contains("home unit is a town"));
    }

    #[test]
    fn a_nomination_comes_after_what_it_rests_on() {
        let s = secondment("2017-04-01", "2019-03-31");
        let evaluated = [review(ReviewKind::EndOfTerm, "term", Some("2019-04-23"))];
        let e = nomination_date(d("2018-01-01"), ReserveOrigin::Rule, &s, &evaluated).unwrap_err();
        assert!(e.en.contains("not before 2019-04-23"), "{e:?}");
        assert!(nomination_date(d("2019-04-23"), ReserveOrigin::Rule, &s, &evaluated).is_ok());
        assert!(nomination_date(d("2019-04-01"), ReserveOrigin::Rule, &s, &[]).is_ok(), "the day after the term");
        assert!(nomination_date(d("2018-01-01"), ReserveOrigin::Unit, &s, &evaluated).is_ok(), "during the term");
        assert!(nomination_date(d("2017-03-31"), ReserveOrigin::Unit, &s, &[]).unwrap_err().en.contains("began"));
    }

    #[test]
    fn a_required_text_has_a_letter_or_a_digit() {
        for bad in ["---", "。。。", "！", "……", "·"] {
            assert!(has_words(bad).unwrap_err().en.contains("no letter or digit"), "{bad}");
        }
        for good in ["市审计局", "2026年第七批", "A", "副镇长（挂职）"] {
            assert!(has_words(good).is_ok(), "{good}");
        }
        assert!(has_words(" ").unwrap_err().en.contains("blank"), "a stored blank name is no name either");
    }

    #[test]
    fn an_early_end_only_for_a_term_being_served_or_planned() {
        let today = d(TODAY);
        // 谭嘉诚's 2017 term ran its course in 2019 (issue 12): no early end in 2018.
        let finished = secondment("2017-04-01", "2019-03-31");
        let e = early_end(&finished, &[], d("2018-05-10"), today).unwrap_err();
        assert!(e.en.contains("ran its course on 2019-03-31"), "{e:?}");
        let serving = secondment("2025-04-01", "2027-03-31");
        assert!(early_end(&serving, &[], d("2026-12-31"), today).is_ok());
        assert!(early_end(&serving, &[], d("2025-03-31"), today).unwrap_err().en.contains("before the start"));
        assert!(early_end(&serving, &[], d("2027-03-31"), today).is_err());
        let planned = secondment("2027-01-01", "2028-12-31");
        assert!(early_end(&planned, &[], d("2027-06-30"), today).is_ok());
        let mut ended = serving.clone();
        ended.actual_end = Some(d("2026-06-30"));
        assert!(early_end(&ended, &[], d("2026-05-01"), today).unwrap_err().en.contains("already ended early"));
    }

    #[test]
    fn an_early_end_is_not_before_a_period_already_reviewed() {
        let today = d(TODAY);
        let s = secondment("2025-04-01", "2027-03-31");
        let done = [review(ReviewKind::Routine, "2026Q3", Some("2026-10-10"))];
        let e = early_end(&s, &done, d("2026-06-30"), today).unwrap_err();
        assert!(e.en.contains("the routine review for 2026Q3 was done on 2026-10-10"), "{e:?}");
        assert!(e.zh.contains("不能早于 2026-07-01"), "{e:?}");
        assert!(early_end(&s, &done, d("2026-07-01"), today).is_ok(), "a day of the quarter served");
        let open = [review(ReviewKind::Routine, "2026Q3", None)];
        assert!(early_end(&s, &open, d("2026-06-30"), today).is_ok(), "an open review is cancelled");
        let evaluated = [review(ReviewKind::EndOfTerm, "term", Some("2026-11-01"))];
        assert!(early_end(&s, &evaluated, d("2026-12-31"), today).unwrap_err().en.contains("evaluation was done"));
    }

    #[test]
    fn a_term_change_keeps_done_reviews_inside() {
        let done = [review(ReviewKind::Routine, "2017Q2", Some("2017-07-10"))];
        assert!(done_reviews_fit(d("2017-04-01"), d("2019-03-31"), &done).is_ok());
        assert!(done_reviews_fit(d("2017-07-01"), d("2019-06-30"), &done).unwrap_err().en.contains("start"));
        let mut cancelled = done.clone();
        cancelled[0].cancelled = true;
        assert!(done_reviews_fit(d("2017-07-01"), d("2019-06-30"), &cancelled).is_ok());
    }

    #[test]
    fn periods_are_read_from_their_names() {
        assert_eq!(period_of(ReviewKind::Routine, "2018Q3"), Some((d("2018-07-01"), d("2018-09-30"))));
        assert_eq!(period_of(ReviewKind::Annual, "2018"), Some((d("2018-01-01"), d("2018-12-31"))));
        assert_eq!(period_of(ReviewKind::Routine, "2018Q5"), None);
        assert_eq!(period_of(ReviewKind::EndOfTerm, "term"), None);
    }

    #[test]
    fn a_rule_proposal_arises_after_the_term_and_its_evaluation() {
        assert_eq!(proposal_day(d("2019-03-31"), None), d("2019-04-01"));
        assert_eq!(proposal_day(d("2019-03-31"), Some(d("2019-04-20"))), d("2019-04-20"));
    }
}
