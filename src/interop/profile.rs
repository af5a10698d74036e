//! `guazhi import` of .lrmx files: each [`Profile`] matched to a stored cadre (the same name,
//! spaces inside dropped, and the same birth month) and turned into a create or a field-by-field
//! update in a [`Plan`].
//!
//! XianRenZhiWu holds unit and post in one text ("佛山市国土规划局三旧改造科科长"). The unit is
//! the longest stored unit name the text starts with, also trying it without a leading 佛山市
//! and with 佛山市 shortened to 市; the rest is the post. A new cadre whose text starts with no
//! known unit is refused (add the unit first); for a stored cadre, home unit and post are then
//! left as they are, with a warning.

use super::lrmx::Profile;
use super::plan::{CadreIn, FieldChange, Origin, Plan, Update};
use super::{normalise_name, say, Problem};
use crate::domain::*;
use crate::lang::Message;
use crate::store::{Data, NewCadre};
use chrono::Datelike;
use std::collections::HashMap;

/// The unit a post text starts with, and the post after it.
pub fn split_post<'a>(text: &str, units: &'a [Unit]) -> Option<(&'a Unit, String)> {
    let text = text.trim();
    let mut variants = vec![text.to_string()];
    if let Some(rest) = text.strip_prefix("佛山市") {
        variants.push(format!("市{rest}"));
        variants.push(rest.to_string());
    }
    let mut by_length: Vec<&Unit> = units.iter().collect();
    by_length.sort_by_key(|u| std::cmp::Reverse(u.name.chars().count()));
    by_length.into_iter().find_map(|u| {
        variants.iter().find_map(|v| v.strip_prefix(u.name.as_str())).map(|post| {
            let post = post.trim_start_matches([' ', '、', '，', ',', '　']).trim();
            (u, post.to_string())
        })
    })
}

fn problem(p: &Profile, tag: &str, message: Message) -> Problem {
    Problem { file: Some(p.source.clone()), line: 0, column: Some(tag.to_string()), message }
}

fn too_long(p: &Profile, tag: &str, value: &str, max: usize, problems: &mut Vec<Problem>) -> bool {
    let n = value.chars().count();
    if n > max {
        problems.push(problem(
            p,
            tag,
            say(format!("{n} 个字，最多只能保存 {max} 个"), format!("{n} characters; at most {max} are kept")),
        ));
    }
    n > max
}

pub fn plan(profiles: &[Profile], data: &Data, today: chrono::NaiveDate, problems: &mut Vec<Problem>) -> Plan {
    let mut plan = Plan::default();
    let unit_name: HashMap<Id, &str> = data.units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let mut seen: HashMap<(String, i32, u32), &str> = HashMap::new();
    for p in profiles {
        let before = problems.len();
        if let Err(m) = crate::domain::plausible::person_name(&p.name) {
            problems.push(problem(p, "XingMing", m));
            continue;
        }
        let Some(birth) = p.birth else {
            problems.push(problem(p, "ChuShengNianYue", say("缺少出生年月", "the birth month is missing")));
            continue;
        };
        if let Err(m) = crate::domain::plausible::birth_date(birth.date, today, &data.policy) {
            problems.push(problem(p, "ChuShengNianYue", m));
            continue;
        }
        let (year, month) = (birth.date.year(), birth.date.month());
        if let Some(first) = seen.insert((p.name.clone(), year, month), &p.source) {
            problems.push(problem(
                p,
                "XingMing",
                say(format!("与 {first} 是同一人"), format!("the same person as {first}")),
            ));
            continue;
        }
        for (tag, value, max) in
            [("QuanRiZhiJiaoYu_XueLi", &p.education, 50), ("ShuXiZhuanYeYouHeZhuanChang", &p.speciality, 100)]
        {
            if let Some(v) = value {
                too_long(p, tag, v, max, problems);
            }
        }
        let home = p.current_post.as_deref().map(|t| (t, split_post(t, &data.units)));
        if let Some((_, Some((_, post)))) = &home {
            too_long(p, "XianRenZhiWu", post, 100, problems);
        }
        let matches: Vec<&Cadre> = data
            .cadres
            .iter()
            .filter(|c| {
                normalise_name(&c.name) == p.name && c.birth_date.year() == year && c.birth_date.month() == month
            })
            .collect();
        let origin = Origin(say(p.source.clone(), p.source.clone()));
        match matches.as_slice() {
            [] => {
                let Some(gender) = p.gender else {
                    problems.push(problem(p, "XingBie", say("缺少性别", "the gender is missing")));
                    continue;
                };
                let (unit, post) = match home {
                    Some((_, Some((u, post)))) => (u, post),
                    Some((text, None)) => {
                        let message = say(
                            format!("“{text}”开头不是已知的单位；请先新增该单位"),
                            format!("'{text}' does not start with a known unit; add the unit first"),
                        );
                        problems.push(problem(p, "XianRenZhiWu", message));
                        continue;
                    }
                    None => {
                        problems.push(problem(
                            p,
                            "XianRenZhiWu",
                            say("现任职务（及单位）为空", "the current post (and so the unit) is empty"),
                        ));
                        continue;
                    }
                };
                if problems.len() > before {
                    continue;
                }
                plan.cadres.push(CadreIn {
                    cadre: NewCadre {
                        name: p.name.clone(),
                        gender,
                        birth_date: birth.date,
                        political: p.political.unwrap_or(Political::Masses),
                        education: p.education.clone().unwrap_or_default(),
                        speciality: p.speciality.clone().unwrap_or_default(),
                        grassroots_years: 0.0,
                        home_unit_id: unit.id,
                        home_post: post,
                    },
                    home_unit: unit.name.clone(),
                    origin,
                });
            }
            [c] => {
                let home_now = unit_name.get(&c.home_unit_id).copied().unwrap_or("?");
                if let Some((text, None)) = home {
                    let (source, name) = (&p.source, &c.name);
                    plan.warnings.push(say(
                        format!("{source}：“{text}”开头不是已知的单位；{name}的单位和职务保持不变"),
                        format!("{source}: '{text}' does not start with a known unit; {name}'s home unit and post are left as they are"),
                    ));
                }
                let home = home.and_then(|(_, split)| split);
                if let Some(update) = update(c, home_now, p, home, origin) {
                    plan.cadre_updates.push(update);
                }
            }
            many => {
                let (n, name) = (many.len(), &p.name);
                let message = say(
                    format!("库中已有 {n} 名 {year}-{month:02} 出生的{name}，请先处理"),
                    format!("{n} stored cadres are named {name} and born {year}-{month:02}; fix that first"),
                );
                problems.push(problem(p, "XingMing", message));
            }
        }
    }
    plan
}

/// The fields the form changes; what it leaves blank keeps the stored value. The stored birth
/// date is kept (the form gives only the month it was matched on).
fn update(
    c: &Cadre,
    home_now: &str,
    p: &Profile,
    home: Option<(&Unit, String)>,
    origin: Origin,
) -> Option<Update<Cadre>> {
    let mut record = c.clone();
    let mut changes = Vec::new();
    let mut change = |field: &'static str, old: &str, new: &str| {
        if old != new {
            changes.push(FieldChange::new(field, old.to_string(), new.to_string()));
        }
    };
    if let Some(g) = p.gender {
        change("性别", c.gender.zh(), g.zh());
        record.gender = g;
    }
    if let Some(pol) = p.political {
        change("政治面貌", c.political.zh(), pol.zh());
        record.political = pol;
    }
    if let Some(e) = &p.education {
        change("学历", &c.education, e);
        record.education = e.clone();
    }
    if let Some(s) = &p.speciality {
        change("专业特长", &c.speciality, s);
        record.speciality = s.clone();
    }
    let mut home_unit = None;
    if let Some((unit, post)) = home {
        change("原单位", home_now, &unit.name);
        change("原职务", &c.home_post, &post);
        if unit.id != c.home_unit_id {
            home_unit = Some(unit.name.clone());
        }
        record.home_post = post;
    }
    (!changes.is_empty()).then_some(Update { record, home_unit, changes, origin })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: Id, name: &str) -> Unit {
        Unit { id, name: name.into(), kind: UnitKind::CityOrgan, district: District::City, version: 1 }
    }

    #[test]
    fn post_splits_at_the_longest_known_unit() {
        let units = [unit(1, "市国土规划局"), unit(2, "南海区狮山镇"), unit(3, "南海区")];
        let (u, post) = split_post("佛山市国土规划局三旧改造科科长", &units).unwrap();
        assert_eq!((u.id, post.as_str()), (1, "三旧改造科科长"));
        let (u, post) = split_post("佛山市南海区狮山镇党委委员、副镇长", &units).unwrap();
        assert_eq!((u.id, post.as_str()), (2, "党委委员、副镇长"));
        let (u, post) = split_post("南海区狮山镇 党委委员", &units).unwrap();
        assert_eq!((u.id, post.as_str()), (2, "党委委员"));
        assert!(split_post("广州市某局科员", &units).is_none());
    }
}
