//! Pairs (双向互派): one down and one up secondment of the same batch, ideally mirroring units.

use super::flags::{Finding, Rule};
use super::model::{Cadre, Direction, Id, Pair, Secondment};
use super::term::Term;
use crate::lang::Message;
use std::collections::{HashMap, HashSet};

/// Why two secondments cannot be paired, or `Ok` with the pair ordered (down, up).
pub fn validate_pair<'a>(
    a: &'a Secondment,
    b: &'a Secondment,
    pairs: &[Pair],
) -> Result<(&'a Secondment, &'a Secondment), Message> {
    if a.id == b.id || a.cadre_id == b.cadre_id {
        return Err(Message::new("不能与本人互派", "a cadre cannot be paired with themselves"));
    }
    if a.batch_id != b.batch_id {
        return Err(Message::new("互派的两项挂职应属同一批次", "paired secondments must belong to the same batch"));
    }
    let (down, up) = match (a.direction, b.direction) {
        (Direction::Down, Direction::Up) => (a, b),
        (Direction::Up, Direction::Down) => (b, a),
        _ => {
            return Err(Message::new(
                format!("互派需要一下挂、一上挂，不能两个都是{}", a.direction.zh()),
                format!("a pair needs one down and one up secondment, not two {}", a.direction.en()),
            ))
        }
    };
    let paired: HashSet<Id> = pairs.iter().flat_map(|p| [p.down_id, p.up_id]).collect();
    for s in [down, up] {
        if paired.contains(&s.id) {
            return Err(Message::new(
                format!("挂职 #{} 已有互派对象", s.id),
                format!("secondment {} is already paired", s.id),
            ));
        }
    }
    Ok((down, up))
}

/// A mirror pair swaps units: the down cadre goes to the up cadre's home unit and vice versa.
pub fn mirrors(down: &Secondment, down_home: Id, up: &Secondment, up_home: Id) -> bool {
    down.host_unit_id == up_home && up.host_unit_id == down_home
}

/// What is wrong with a stored pair, if anything: a side missing, not one down and one up, or
/// sides of another batch (invalid), else units that do not swap (not mirrored). `*_home` is
/// the home unit of each side's cadre.
pub fn pair_rule(pair_batch: Id, down: Option<&Term>, up: Option<&Term>, down_home: Id, up_home: Id) -> Option<Rule> {
    let (Some(down), Some(up)) = (down, up) else { return Some(Rule::PairInvalid) };
    if down.direction != Direction::Down || up.direction != Direction::Up {
        return Some(Rule::PairInvalid);
    }
    if down.batch_id != up.batch_id || down.batch_id != pair_batch {
        return Some(Rule::PairInvalid);
    }
    let mirrored = down.host_unit_id == up_home && up.host_unit_id == down_home;
    (!mirrored).then_some(Rule::PairNotMirrored)
}

/// One side of a stored pair as a report names it: its secondment, and its cadre's name and
/// home unit when the cadre can be read.
#[derive(Debug, Clone, Copy)]
pub struct PairSide<'a> {
    pub secondment: &'a Secondment,
    pub cadre: Option<(&'a str, Id)>,
}

impl PairSide<'_> {
    fn name(&self) -> &str {
        self.cadre.map_or("?", |c| c.0)
    }

    /// The cadre's home unit; 0 (no unit) when the cadre cannot be read.
    fn home(&self) -> Id {
        self.cadre.map_or(0, |c| c.1)
    }
}

/// `pair_rule` for one stored pair, with the detail a report prints (a side is `None` when its
/// secondment is missing or cannot be read).
pub fn pair_finding(p: &Pair, down: Option<PairSide>, up: Option<PairSide>) -> Option<Finding> {
    let term = |s: Option<PairSide>| s.map(|s| s.secondment.term());
    let home = |s: Option<PairSide>| s.map_or(0, |s| s.home());
    let rule = pair_rule(p.batch_id, term(down).as_ref(), term(up).as_ref(), home(down), home(up))?;
    let (Some(d), Some(u)) = (down, up) else {
        let detail = Message::new(
            format!("互派 #{}：所指的挂职记录不存在", p.id),
            format!("pair {} names a missing secondment", p.id),
        );
        return Some(Finding::new(rule, vec![p.down_id, p.up_id], detail));
    };
    let (names, ids) = ((d.name(), u.name()), vec![d.secondment.id, u.secondment.id]);
    let (id, a, b) = (p.id, names.0, names.1);
    let detail = if rule == Rule::PairNotMirrored {
        Message::new(
            format!("互派 #{id}：{a} 与 {b} 的单位不对应"),
            format!("pair {id}: {a} and {b} do not swap units"),
        )
    } else if d.secondment.direction != Direction::Down || u.secondment.direction != Direction::Up {
        Message::new(
            format!("互派 #{id}：{a} 与 {b} 不是一下挂、一上挂"),
            format!("pair {id}: {a} and {b} are not one down and one up"),
        )
    } else {
        Message::new(
            format!("互派 #{id}：{a} 与 {b} 不在同一批次"),
            format!("pair {id}: {a} and {b} are in different batches"),
        )
    };
    Some(Finding::new(rule, ids, detail))
}

/// The finding on a secondment no pair names; `cadre_name` is `None` when the cadre cannot
/// be read.
pub fn unpaired(s: &Secondment, cadre_name: Option<&str>) -> Finding {
    Finding::new(
        Rule::Unpaired,
        vec![s.id],
        Message::new(
            format!("{}（{}）没有互派对象", cadre_name.unwrap_or("?"), s.direction.zh()),
            format!("{} ({}) has no partner", cadre_name.unwrap_or("?"), s.direction.en()),
        ),
    )
}

/// Problems with the stored pairs, mirror warnings, and secondments left without a partner.
pub fn check_pairs(pairs: &[Pair], secondments: &[Secondment], cadres: &[Cadre]) -> Vec<Finding> {
    let by_id: HashMap<Id, &Secondment> = secondments.iter().map(|s| (s.id, s)).collect();
    let by_cadre: HashMap<Id, &Cadre> = cadres.iter().map(|c| (c.id, c)).collect();
    let side = |id: Id| {
        by_id.get(&id).map(|s| PairSide {
            secondment: s,
            cadre: by_cadre.get(&s.cadre_id).map(|c| (c.name.as_str(), c.home_unit_id)),
        })
    };
    let mut out: Vec<Finding> = pairs.iter().filter_map(|p| pair_finding(p, side(p.down_id), side(p.up_id))).collect();
    let paired: HashSet<Id> = pairs.iter().flat_map(|p| [p.down_id, p.up_id]).collect();
    for s in secondments.iter().filter(|s| !paired.contains(&s.id)) {
        out.push(unpaired(s, by_cadre.get(&s.cadre_id).map(|c| c.name.as_str())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::flags::Severity;
    use crate::domain::model::{Gender, Political};

    fn cadre(id: Id, home: Id) -> Cadre {
        Cadre {
            id,
            name: format!("干部{id}"),
            gender: Gender::Female,
            birth_date: parse_date("1985-06-01").unwrap(),
            political: Political::Party,
            education: String::new(),
            speciality: String::new(),
            grassroots_years: 0.0,
            home_unit_id: home,
            home_post: String::new(),
            archived: false,
            version: 1,
        }
    }

    fn sec(id: Id, cadre_id: Id, batch: Id, direction: Direction, host: Id) -> Secondment {
        Secondment {
            id,
            cadre_id,
            batch_id: batch,
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

    fn pair(id: Id, down: Id, up: Id) -> Pair {
        Pair { id, batch_id: 1, down_id: down, up_id: up, version: 1 }
    }

    // Units: 10 = 市国土规划局, 20 = 狮山镇, 30 = 北滘镇, 40 = 陈村镇, 50 = 市发展改革局.
    #[test]
    fn a_mirror_pair_is_clean_and_an_inexact_one_is_a_warning() {
        let cadres = [cadre(1, 10), cadre(2, 20), cadre(3, 50), cadre(4, 40)];
        let secs = [
            sec(1, 1, 1, Direction::Down, 20),
            sec(2, 2, 1, Direction::Up, 10),
            sec(3, 3, 1, Direction::Down, 30),
            sec(4, 4, 1, Direction::Up, 50),
        ];
        let found = check_pairs(&[pair(1, 1, 2), pair(2, 3, 4)], &secs, &cadres);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::PairNotMirrored);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].secondments, vec![3, 4]);
    }

    #[test]
    fn unpaired_secondments_are_listed_and_a_batch_with_no_pairs_lists_all() {
        let cadres = [cadre(1, 10), cadre(2, 20)];
        let secs = [sec(1, 1, 1, Direction::Down, 20), sec(2, 2, 1, Direction::Up, 10)];
        let found = check_pairs(&[], &secs, &cadres);
        assert_eq!(found.iter().map(|f| f.rule).collect::<Vec<_>>(), vec![Rule::Unpaired, Rule::Unpaired]);
    }

    #[test]
    fn stored_pairs_that_break_the_rules_are_errors() {
        let cadres = [cadre(1, 10), cadre(2, 20), cadre(3, 20)];
        let secs =
            [sec(1, 1, 1, Direction::Down, 20), sec(2, 2, 1, Direction::Down, 10), sec(3, 3, 2, Direction::Up, 10)];
        let found = check_pairs(&[pair(1, 1, 2), pair(2, 1, 3)], &secs, &cadres);
        assert!(found.iter().all(|f| f.rule == Rule::PairInvalid && f.severity == Severity::Error));
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn validate_pair_orders_and_refuses() {
        let s_down = sec(1, 1, 1, Direction::Down, 20);
        let s_up = sec(2, 2, 1, Direction::Up, 10);
        let (down, up) = validate_pair(&s_up, &s_down, &[]).unwrap();
        assert_eq!((down.id, up.id), (1, 2));
        assert!(validate_pair(&s_down, &s_down, &[]).unwrap_err().en.contains("themselves"));
        let two_down = sec(3, 3, 1, Direction::Down, 30);
        assert!(validate_pair(&s_down, &two_down, &[]).unwrap_err().en.contains("one down and one up"));
        let other_batch = sec(4, 4, 2, Direction::Up, 10);
        assert!(validate_pair(&s_down, &other_batch, &[]).unwrap_err().en.contains("same batch"));
        assert!(validate_pair(&s_down, &s_up, &[pair(9, 1, 7)]).unwrap_err().en.contains("already paired"));
    }
}
