//! `guazhi import` of a sheet, the terms: each line's secondment (stored, or new and not
//! overlapping the cadre's other terms) and the pairs the partner columns name.

use super::columns::Key;
use super::import::{RowIn, UnitIn, UnitsOf};
use super::plan::*;
use super::resolve::{line, CadreKey, Ctx, Placed};
use super::{normalise_name, say};
use crate::domain::dates::term_end;
use crate::domain::plausible;
use crate::domain::*;
use crate::store::Data;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// Each line's secondment: stored (maybe with a new planned end or an early end) or new.
pub(super) fn secondments(
    cx: &mut Ctx,
    plan: &mut Plan,
    rows: &[RowIn],
    data: &Data,
    batches: &HashMap<String, (NaiveDate, u32)>,
    cadres: &HashMap<CadreKey, CadreRef>,
) -> Vec<Option<Placed>> {
    let batch_id: HashMap<&str, Id> = data.batches.iter().map(|b| (b.name.as_str(), b.id)).collect();
    let unit_name: HashMap<Id, &str> = data.units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let unit_kind: HashMap<&str, UnitKind> = data.units.iter().map(|u| (u.name.as_str(), u.kind)).collect();
    // A unit's kind as the import leaves it: stored, or given by the line that makes it.
    let kind_of = |u: &UnitIn| unit_kind.get(u.name.as_str()).copied().or(u.kind);
    // (cadre, start, end, where) of every term the cadre will have, for the overlap check.
    let mut terms: HashMap<CadreRef, Vec<(NaiveDate, NaiveDate, crate::lang::Message)>> = HashMap::new();
    let reviews_of =
        |id: Id| -> Vec<Review> { data.reviews.iter().filter(|r| r.secondment_id == id).cloned().collect() };
    let mut seen: HashMap<(CadreKey, String, NaiveDate), usize> = HashMap::new();
    let mut placed = Vec::with_capacity(rows.len());
    for row in rows {
        placed.push(None);
        let (Some(&(dispatch, term)), Some(&cadre)) =
            (batches.get(&row.batch), cadres.get(&(row.name.clone(), row.birth)))
        else {
            continue;
        };
        let start = row.start.unwrap_or(dispatch);
        let planned_end = row.planned_end.unwrap_or_else(|| term_end(start, term));
        if planned_end < start {
            cx.bad(
                row.line,
                Key::PlannedEnd,
                say(
                    format!("计划期满 {planned_end} 早于开始日期 {start}"),
                    format!("planned end {planned_end} is before the start {start}"),
                ),
            );
            continue;
        }
        if let Err(m) = plausible::age_at_start(row.birth, start, &data.policy) {
            cx.bad(row.line, Key::BirthDate, m);
            continue;
        }
        if let Err(m) = plausible::start_for_dispatch(start, dispatch) {
            cx.bad(row.line, Key::Start, m);
            continue;
        }
        if let (Some(home), Some(host)) = (kind_of(&row.home), kind_of(&row.host)) {
            if let Err(m) = plausible::direction_units(row.direction, home, host) {
                cx.bad(row.line, Key::HostUnit, m);
                continue;
            }
        }
        let early = match (row.actual_end, &row.end_reason) {
            (None, None) => None,
            (None, Some(_)) => {
                cx.bad(
                    row.line,
                    Key::EndReason,
                    say("填了提前结束原因，却没有实际结束日期", "a reason without 实际结束日期 (the early end date)"),
                );
                continue;
            }
            (Some(end), _) if end < start => {
                cx.bad(
                    row.line,
                    Key::ActualEnd,
                    say(
                        format!("实际结束 {end} 早于开始日期 {start}"),
                        format!("actual end {end} is before the start {start}"),
                    ),
                );
                continue;
            }
            (Some(end), _) if end >= planned_end => {
                let message = say(
                    format!("实际结束 {end} 不早于计划期满 {planned_end}；期满结束的请留空"),
                    format!("actual end {end} is not before the planned end {planned_end}; leave it blank when the term ran its course"),
                );
                cx.bad(row.line, Key::ActualEnd, message);
                continue;
            }
            (Some(_), None) => {
                cx.bad(
                    row.line,
                    Key::EndReason,
                    say("有实际结束日期时，提前结束原因必填", "提前结束原因 is required with 实际结束日期"),
                );
                continue;
            }
            (Some(end), Some(reason)) => Some((end, reason.clone())),
        };
        let key = ((row.name.clone(), row.birth), row.batch.clone(), start);
        if let Some(first) = seen.get(&key) {
            cx.bad(
                row.line,
                Key::Name,
                say(
                    format!("与第 {first} 行重复：同一干部、同一批次、同一开始日期"),
                    format!("duplicate of line {first}: the same cadre, batch and start"),
                ),
            );
            continue;
        }
        seen.insert(key, row.line);
        let stored_terms = || -> Vec<&Secondment> {
            match cadre {
                CadreRef::Stored(id) => data.secondments.iter().filter(|s| s.cadre_id == id).collect(),
                CadreRef::New(_) => Vec::new(),
            }
        };
        let existing = stored_terms()
            .into_iter()
            .find(|s| batch_id.get(row.batch.as_str()) == Some(&s.batch_id) && s.start == start);
        let list = terms.entry(cadre).or_insert_with(|| {
            stored_terms()
                .iter()
                .map(|s| {
                    let (a, b) = (s.start, s.end());
                    (a, b, say(format!("库中 {a} 至 {b}"), format!("stored {a} to {b}")))
                })
                .collect()
        });
        let sec = if let Some(s) = existing {
            let host = unit_name.get(&s.host_unit_id).copied().unwrap_or("?");
            let mut differs = false;
            for (key, stored, given) in [
                (Key::Direction, s.direction.zh(), row.direction.zh()),
                (Key::HostUnit, host, row.host.name.as_str()),
                (Key::HostPost, s.host_post.as_str(), row.host_post.as_str()),
            ] {
                if stored != given {
                    differs = true;
                    let message = say(
                        format!("库中 {start} 起的挂职是“{stored}”；导入不修改挂职的方向、挂职单位和职务（请在程序里修改）"),
                        format!("the stored secondment from {start} has '{stored}'; the import does not change a secondment's direction, host unit or post (do it in the program)"),
                    );
                    cx.bad(row.line, key, message);
                }
            }
            if differs {
                continue;
            }
            if s.planned_end != planned_end {
                let origin = line(row.line);
                plan.term_changes.push(TermChange {
                    secondment: s.clone(),
                    cadre_name: row.name.clone(),
                    planned_end,
                    origin,
                });
            }
            match (&early, s.actual_end) {
                (Some((end, _)), Some(stored)) if *end != stored => {
                    let message = say(
                        format!("库中该挂职已于 {stored} 提前结束；导入不修改这一点"),
                        format!("the stored secondment ended early on {stored}; the import does not change that"),
                    );
                    cx.bad(row.line, Key::ActualEnd, message);
                    continue;
                }
                (Some((end, reason)), None) => {
                    // The rule the screens' "end early" follows: only a term being served or planned.
                    if let Err(m) = plausible::early_end(s, &reviews_of(s.id), *end, cx.today) {
                        cx.bad(row.line, Key::ActualEnd, m);
                        continue;
                    }
                    plan.early_ends.push(EarlyEnd {
                        secondment: s.clone(),
                        cadre_name: row.name.clone(),
                        end: *end,
                        reason: reason.clone(),
                        origin: line(row.line),
                    })
                }
                _ => {}
            }
            SecRef::Stored(s.id)
        } else {
            let end = early.as_ref().map_or(planned_end, |(e, _)| *e);
            if let Some((_, _, what)) = list.iter().find(|(a, b, _)| start <= *b && *a <= end) {
                let name = &row.name;
                cx.bad(
                    row.line,
                    Key::Start,
                    say(
                        format!("{start} 至 {end} 与{name}的挂职（{}）重叠", what.zh),
                        format!("{start} to {end} overlaps {name}'s secondment ({})", what.en),
                    ),
                );
                continue;
            }
            let n = row.line;
            list.push((start, end, say(format!("第 {n} 行"), format!("line {n}"))));
            plan.secondments.push(SecondmentIn {
                cadre,
                cadre_name: row.name.clone(),
                batch: row.batch.clone(),
                direction: row.direction,
                host_unit: row.host.name.clone(),
                host_post: row.host_post.clone(),
                start,
                planned_end,
                early_end: early,
                origin: line(row.line),
            });
            SecRef::New(plan.secondments.len() - 1)
        };
        let last = placed.last_mut().expect("pushed above");
        *last = Some(Placed {
            sec,
            direction: row.direction,
            name: row.name.clone(),
            birth: row.birth,
            batch: row.batch.clone(),
        });
    }
    placed
}

/// The pairs the partner columns name, checked: one down and one up of the same batch, each
/// secondment in one pair only, agreeing with what both lines and the database say.
pub(super) fn pairs(
    cx: &mut Ctx,
    plan: &mut Plan,
    rows: &[RowIn],
    partial: &[UnitsOf],
    data: &Data,
    placed: &[Option<Placed>],
) {
    // The lines left out (a bad cell, or a problem found above), by the name on them.
    let left_out: Vec<(usize, &str)> = rows
        .iter()
        .zip(placed)
        .filter(|(_, p)| p.is_none())
        .map(|(r, _)| (r.line, r.name.as_str()))
        .chain(partial.iter().filter_map(|u| Some((u.line, u.name.as_deref()?))))
        .collect();
    let cadre: HashMap<Id, &Cadre> = data.cadres.iter().map(|c| (c.id, c)).collect();
    let batch_name: HashMap<Id, &str> = data.batches.iter().map(|b| (b.id, b.name.as_str())).collect();
    let stored_pair: HashMap<Id, (Id, Id)> =
        data.pairs.iter().flat_map(|p| [(p.down_id, (p.down_id, p.up_id)), (p.up_id, (p.down_id, p.up_id))]).collect();
    let mut chosen: BTreeMap<SecRef, (SecRef, usize)> = BTreeMap::new();
    for (row, me) in rows.iter().zip(placed) {
        let (Some((pname, pbirth)), Some(me)) = (&row.partner, me) else { continue };
        let fits = |name: &str, birth: NaiveDate| name == pname && pbirth.is_none_or(|b| b == birth);
        let mut found: Vec<Placed> =
            placed.iter().flatten().filter(|p| p.batch == row.batch && fits(&p.name, p.birth)).cloned().collect();
        for s in &data.secondments {
            let Some(c) = cadre.get(&s.cadre_id) else { continue };
            let in_batch = batch_name.get(&s.batch_id) == Some(&row.batch.as_str());
            if in_batch
                && fits(&normalise_name(&c.name), c.birth_date)
                && !found.iter().any(|p| p.sec == SecRef::Stored(s.id))
            {
                let (name, birth) = (normalise_name(&c.name), c.birth_date);
                found.push(Placed {
                    sec: SecRef::Stored(s.id),
                    direction: s.direction,
                    name,
                    birth,
                    batch: row.batch.clone(),
                });
            }
        }
        let other = match found.as_slice() {
            [] => {
                let b = &row.batch;
                let message = match left_out.iter().find(|(_, name)| name == pname) {
                    Some((line, _)) => say(
                        format!("“{pname}”在第 {line} 行，该行有问题，先改正它"),
                        format!("'{pname}' is on line {line}, which has a problem: correct it first"),
                    ),
                    None => say(
                        format!("批次{b}中没有“{pname}”的挂职（表中和库中都没有）"),
                        format!("no secondment of '{pname}' in batch {b} (in this sheet or the database)"),
                    ),
                };
                cx.bad(row.line, Key::PartnerName, message);
                continue;
            }
            [one] => one.clone(),
            many => {
                let (n, b) = (many.len(), &row.batch);
                let message = say(
                    format!("批次{b}中有 {n} 项“{pname}”的挂职；请填互派对象出生日期"),
                    format!("{n} secondments of '{pname}' in batch {b}; give 互派对象出生日期"),
                );
                cx.bad(row.line, Key::PartnerName, message);
                continue;
            }
        };
        if other.sec == me.sec || (other.name == me.name && other.birth == me.birth) {
            cx.bad(row.line, Key::PartnerName, say("不能与本人互派", "a cadre cannot be paired with themselves"));
            continue;
        }
        if other.direction == me.direction {
            let (name, dir) = (&row.name, me.direction.zh());
            let message = say(
                format!("互派需要一下挂、一上挂；{name}和{pname}都是{dir}"),
                format!("a pair needs one 下挂 (down) and one 上挂 (up); {name} and {pname} are both {dir}"),
            );
            cx.bad(row.line, Key::PartnerName, message);
            continue;
        }
        let mut clash = false;
        for (a, b) in [(me.sec, other.sec), (other.sec, me.sec)] {
            if let Some((partner, first)) = chosen.get(&a) {
                if *partner != b {
                    cx.bad(
                        row.line,
                        Key::PartnerName,
                        say(
                            format!("第 {first} 行把这项挂职与别人配对"),
                            format!("line {first} pairs this secondment with someone else"),
                        ),
                    );
                    clash = true;
                    break;
                }
            }
        }
        if clash {
            continue;
        }
        let (down, up) = if me.direction == Direction::Down { (me.sec, other.sec) } else { (other.sec, me.sec) };
        let stored_as = |r: SecRef| match r {
            SecRef::Stored(id) => stored_pair.get(&id).copied(),
            SecRef::New(_) => None,
        };
        if let (SecRef::Stored(d), SecRef::Stored(u)) = (down, up) {
            if stored_as(down) == Some((d, u)) {
                chosen.insert(down, (up, row.line));
                chosen.insert(up, (down, row.line));
                continue;
            }
        }
        if [down, up].into_iter().any(|r| stored_as(r).is_some()) {
            cx.bad(
                row.line,
                Key::PartnerName,
                say(
                    "两人中有一人在库中已与别人互派",
                    "one of the two is already paired with someone else in the database",
                ),
            );
            continue;
        }
        if chosen.contains_key(&down) {
            continue;
        }
        chosen.insert(down, (up, row.line));
        chosen.insert(up, (down, row.line));
        let names =
            if me.direction == Direction::Down { (me.name.clone(), other.name) } else { (other.name, me.name.clone()) };
        plan.pairs.push(PairIn { down, up, names, batch: row.batch.clone(), origin: line(row.line) });
    }
}
