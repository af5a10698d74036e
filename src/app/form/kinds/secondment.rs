//! A new secondment (the planned end follows the batch's term until typed over), pairing it
//! with a partner (only valid partners are offered), and ending one early.

use super::*;
use crate::app::view::{TextLine, Tone};
use crate::domain::dates::term_end;
use crate::domain::flags::overlaps_any;
use crate::domain::pairing::{mirrors, validate_pair};
use crate::domain::plausible;
use crate::domain::schedule::{owed_reviews, term_changes, ScheduleChange};
use crate::store::NewSecondment;

fn zh(lk: &Lookup) -> bool {
    lk.lang == crate::lang::Lang::Zh
}

fn batch_opts(lk: &Lookup) -> Vec<Opt> {
    let months =
        |b: &Batch| if zh(lk) { format!("{} 个月", b.term_months) } else { format!("{} months", b.term_months) };
    lk.data
        .batches
        .iter()
        .map(|b| Opt::new(b.id, &b.name, &format!("{}{}{}", b.dispatch_date, lk.dot(), months(b))))
        .collect()
}

/// Down cadres go to grassroots units, up cadres to city organs.
fn host_opts(lk: &Lookup, direction: Option<Direction>) -> Vec<Opt> {
    unit_opts(lk, |u| match direction {
        Some(Direction::Down) => !u.kind.is_city_organ(),
        Some(Direction::Up) => u.kind.is_city_organ(),
        None => true,
    })
}

pub fn open_add(lk: &Lookup, kind: &FormKind, cadre: Id) -> Result<Form, String> {
    let c = lk.cadre(cadre).ok_or_else(|| lk.t("该干部已不存在", "that cadre no longer exists").to_string())?;
    let batch = lk.data.batches.iter().max_by_key(|b| (b.dispatch_date, b.id));
    let city = lk.unit(c.home_unit_id).is_some_and(|u| u.kind.is_city_organ());
    let direction = if city { Direction::Down } else { Direction::Up };
    let fields = vec![
        pick("batch", ("批次", "Batch"), ("批次", "batch"), batch_opts(lk), batch.map_or("", |b| &b.name)).required(),
        choice!("direction", "方向", "Direction", Direction, lk, Some(direction)).required(),
        pick("host unit", ("挂职单位", "Host unit"), ("单位", "unit"), host_opts(lk, Some(direction)), "").required(),
        text("host post", "挂任职务", "Host post", 100, "").required(),
        date("start", "开始日期", "Start", batch.map(|b| b.dispatch_date)).required(),
        date("planned end", "计划期满", "Planned end", None).required(),
    ];
    let title = format!("{} {}", lk.t("新增挂职", "Add a secondment for"), crate::text::display_safe(&c.name));
    Ok(Form::new(kind.clone(), title, fields, None, zh(lk)))
}

/// The planned end follows the batch's term and the start until the user types one; the
/// host units offered follow the direction; the notes say what the term will owe.
pub fn changed_add(form: &mut Form, lk: &Lookup) {
    let direction = chosen(form, "direction", Direction::ALL);
    if let Some(f) = form.get_mut("host unit") {
        f.kind = FieldKind::Pick { noun: ("单位", "unit"), options: host_opts(lk, direction) };
    }
    let batch = form.get("batch").and_then(Field::id).and_then(|b| lk.batch(b));
    let start = form.get("start").and_then(Field::date);
    let planned = batch.zip(start).map(|(b, s)| term_end(s, b.term_months));
    let in_chinese = form.zh;
    if let Some(f) = form.get_mut("planned end").filter(|f| !f.touched) {
        f.set(&planned.map(|d| d.to_string()).unwrap_or_default());
        // Filled in for the user: a message about what it held before ("required") is gone.
        if f.error.is_some() {
            f.error = f.check(in_chinese);
        }
    }
    form.notes.clear();
    let end = form.get("planned end").and_then(Field::date);
    if let (Some(b), Some(p)) = (batch, planned) {
        let line = if zh(lk) {
            format!("按批次期限 {} 个月，计划期满 {p}", b.term_months)
        } else {
            format!("The batch's term of {} months ends on {p}", b.term_months)
        };
        form.notes.push(TextLine { spans: vec![(line, Tone::Muted)], indent: 2 });
    }
    if let (Some(s), Some(e)) = (start, end.filter(|e| Some(*e) >= start)) {
        let owed = owed_reviews(s, e, &lk.data.policy);
        let count = |k: ReviewKind| owed.iter().filter(|p| p.kind == k).count();
        let (r, a) = (count(ReviewKind::Routine), count(ReviewKind::Annual));
        let line = if zh(lk) {
            format!("保存后生成 {} 项考核：平时 {r}、年度 {a}、期满 1", owed.len())
        } else {
            format!("Saving schedules {} reviews: {r} routine, {a} annual, 1 end of term", owed.len())
        };
        form.notes.push(TextLine { spans: vec![(line, Tone::Muted)], indent: 2 });
    }
}

/// The start: a date of the programme, the cadre's age then within the policy, no overlap
/// with the cadre's other terms; the planned end: not before the start.
pub fn problems_add(form: &Form, lk: &Lookup, cadre: Id) -> Vec<FieldError> {
    let mut found = Vec::new();
    let (start, end) = (date_of(form, "start"), date_of(form, "planned end"));
    if let Some(start) = start {
        let born = lk.cadre(cadre).map(|c| c.birth_date);
        let verdict = plausible::programme_date(start, lk.today)
            .and_then(|()| born.map_or(Ok(()), |b| plausible::age_at_start(b, start, &lk.data.policy)));
        found.extend(judged(form, "start", verdict));
    }
    if let Some(end) = end {
        found.extend(judged(form, "planned end", plausible::programme_date(end, lk.today)));
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            let m = say(form, format!("不能早于开始日期 {start}"), format!("before the start {start}"));
            found.push(FieldError("planned end", m));
        } else if let Some(o) = overlaps_any(start, end, &lk.secondments_of(cadre).cloned().collect::<Vec<_>>()) {
            let m = say(
                form,
                format!("与该干部 {} 至 {} 的挂职重叠", o.start, o.end()),
                format!("overlaps this cadre's secondment {} to {}", o.start, o.end()),
            );
            found.push(FieldError("start", m));
        }
    }
    found
}

pub fn command_add(form: &Form, _lk: &Lookup, cadre: Id) -> Checked<Operation> {
    let start = form.get("start").and_then(Field::date).expect("checked");
    let end = form.get("planned end").and_then(Field::date).expect("checked");
    let direction = chosen(form, "direction", Direction::ALL).expect("checked");
    let host = form.get("host unit").and_then(Field::id).expect("checked");
    Ok(Operation::AddSecondment(NewSecondment {
        cadre_id: cadre,
        batch_id: form.get("batch").and_then(Field::id).expect("checked"),
        direction,
        host_unit_id: host,
        host_post: form.get("host post").map(Field::text).unwrap_or_default(),
        start,
        planned_end: Some(end),
        ended_early: None,
    }))
}

/// Secondments `s` may be paired with: same batch, the other direction, nobody's partner yet.
fn partners<'a>(lk: &Lookup<'a>, s: &Secondment) -> Vec<&'a Secondment> {
    lk.data
        .secondments
        .iter()
        .filter(|o| {
            o.batch_id == s.batch_id
                && o.direction == s.direction.opposite()
                && o.cadre_id != s.cadre_id
                && lk.pair_of(o.id).is_none()
        })
        .collect()
}

fn partner_opt(lk: &Lookup, o: &Secondment) -> Opt {
    let home = lk.cadre(o.cadre_id).map_or("?", |c| lk.unit_name(c.home_unit_id));
    let label = format!("{} {home} {} {}", lk.cadre_name(o.cadre_id), lk.arrow(), lk.unit_name(o.host_unit_id));
    Opt::person(o.id, &label, &o.host_post)
}

pub fn open_pair(lk: &Lookup, kind: &FormKind, secondment: Id) -> Result<Form, String> {
    let s = lk.secondment(secondment).ok_or_else(|| lk.t("没有挂职记录", "no secondment on record").to_string())?;
    if let Some(p) = lk.partner_of(s) {
        let name = lk.cadre_name(p.cadre_id);
        return Err(if zh(lk) {
            format!("已与 {name} 互派；先按 M 解除")
        } else {
            format!("already paired with {name}; press M to unpair first")
        });
    }
    let options: Vec<Opt> = partners(lk, s).into_iter().map(|o| partner_opt(lk, o)).collect();
    if options.is_empty() {
        let other = lk.t(s.direction.opposite().zh(), s.direction.opposite().en());
        return Err(if zh(lk) {
            format!("{} 没有尚未配对的{other}干部", lk.batch_name(s.batch_id))
        } else {
            format!("{} has no unpaired {other} secondment", lk.batch_name(s.batch_id))
        });
    }
    let only = if options.len() == 1 { options[0].label.clone() } else { String::new() };
    let field = pick("partner", ("互派对象", "Partner"), ("人", "partner"), options, &only).required();
    let title = format!("{} {}", lk.t("配对互派", "Pair"), crate::text::display_safe(lk.cadre_name(s.cadre_id)));
    Ok(Form::new(kind.clone(), title, vec![field], None, zh(lk)))
}

pub fn changed_pair(form: &mut Form, lk: &Lookup, secondment: Id) {
    form.notes.clear();
    let (Some(s), Some(o)) =
        (lk.secondment(secondment), form.get("partner").and_then(Field::id).and_then(|p| lk.secondment(p)))
    else {
        let line = lk.t("只列出同批次、方向相反、尚未配对的挂职", "Only same batch, other direction, unpaired");
        form.notes.push(TextLine { spans: vec![(line.into(), Tone::Muted)], indent: 2 });
        return;
    };
    let (down, up) = if s.direction == Direction::Down { (s, o) } else { (o, s) };
    let home = |x: &Secondment| lk.cadre(x.cadre_id).map_or(0, |c| c.home_unit_id);
    let (line, tone) = if mirrors(down, home(down), up, home(up)) {
        (lk.t("两人单位对应（互派）", "The units mirror each other"), Tone::Good)
    } else {
        (lk.t("! 两人单位不完全对应（可以保存）", "! the units do not mirror (can still be saved)"), Tone::Warning)
    };
    form.notes.push(TextLine { spans: vec![(line.into(), tone)], indent: 2 });
}

pub fn command_pair(form: &Form, lk: &Lookup, secondment: Id) -> Checked<Operation> {
    let partner = form.get("partner").and_then(Field::id).expect("checked");
    let (Some(a), Some(b)) = (lk.secondment(secondment), lk.secondment(partner)) else {
        return Err(FieldError(
            "partner",
            say(form, "挂职记录已不存在".into(), "the secondment no longer exists".into()),
        ));
    };
    validate_pair(a, b, &lk.data.pairs).map_err(|m| FieldError("partner", m.get(lang(form)).to_string()))?;
    Ok(Operation::Pair { a: a.id, b: b.id })
}

pub fn open_end(lk: &Lookup, kind: &FormKind, secondment: Id) -> Result<Form, String> {
    let s = lk.secondment(secondment).ok_or_else(|| lk.t("没有挂职记录", "no secondment on record").to_string())?;
    let reviews: Vec<Review> = lk.reviews_of(s.id).cloned().collect();
    // A term that ran its course (or ended, or was evaluated) is history: say so at once.
    plausible::can_end_early(s, &reviews, lk.today).map_err(|m| m.get(lk.lang).to_string())?;
    let today = (lk.today >= s.start && lk.today < s.planned_end).then_some(lk.today);
    let fields = vec![
        date("end date", "结束日期", "Last day", today).required(),
        text("reason", "原因", "Reason", 500, "").required(),
    ];
    let title =
        format!("{} {}", lk.t("提前结束挂职", "End early:"), crate::text::display_safe(lk.cadre_name(s.cadre_id)));
    Ok(Form::new(kind.clone(), title, fields, Some(s.version), zh(lk)))
}

/// The last day: the rules of `plausible::early_end` (the store applies them again).
pub fn problems_end(form: &Form, lk: &Lookup, secondment: Id) -> Vec<FieldError> {
    let (Some(s), Some(end)) = (lk.secondment(secondment), date_of(form, "end date")) else { return Vec::new() };
    let reviews: Vec<Review> = lk.reviews_of(s.id).cloned().collect();
    judged(form, "end date", plausible::early_end(s, &reviews, end, lk.today)).into_iter().collect()
}

/// Says before saving exactly what the store will do to the reviews (the same
/// `schedule::term_changes` the store applies): which are cancelled, which fall due on
/// another day.
pub fn changed_end(form: &mut Form, lk: &Lookup, secondment: Id) {
    form.notes.clear();
    let Some(s) = lk.secondment(secondment) else { return };
    let term = if zh(lk) {
        format!("挂职 {} 至 {}（{}）", s.start, s.planned_end, lk.batch_name(s.batch_id))
    } else {
        format!("Serving {} to {} ({})", s.start, s.planned_end, lk.batch_name(s.batch_id))
    };
    form.notes.push(TextLine { spans: vec![(term, Tone::Muted)], indent: 2 });
    let reviews: Vec<Review> = lk.reviews_of(s.id).cloned().collect();
    let Some(end) = date_of(form, "end date").filter(|e| plausible::early_end(s, &reviews, *e, lk.today).is_ok())
    else {
        return;
    };
    for line in end_effects(lk, &reviews, &term_changes(&reviews, s.start, end, &lk.data.policy)) {
        form.notes.push(TextLine { spans: vec![(line, Tone::Warning)], indent: 2 });
    }
}

/// The schedule changes of an early end in words: one line for what is cancelled, one per
/// review that falls due on another day.
pub fn end_effects(lk: &Lookup, reviews: &[Review], changes: &[ScheduleChange]) -> Vec<String> {
    let name = |id: Id| {
        reviews.iter().find(|r| r.id == id).map_or_else(String::new, |r| {
            let kind = lk.t(r.kind.zh(), r.kind.en());
            if r.kind == ReviewKind::EndOfTerm {
                kind.to_string()
            } else {
                format!("{} {kind}", r.period)
            }
        })
    };
    let cancelled: Vec<String> = changes
        .iter()
        .filter_map(|c| if let ScheduleChange::Cancel { id } = c { Some(name(*id)) } else { None })
        .collect();
    let mut lines = Vec::new();
    if !cancelled.is_empty() {
        let (n, list) = (cancelled.len(), cancelled.join(lk.t("、", ", ")));
        lines.push(if zh(lk) {
            format!("保存后取消 {n} 项考核：{list}")
        } else {
            format!("Saving cancels {n} reviews: {list}")
        });
    }
    for c in changes {
        if let ScheduleChange::Reschedule { id, due } = c {
            let what = match reviews.iter().find(|r| r.id == *id) {
                Some(r) if r.kind == ReviewKind::EndOfTerm => {
                    lk.t("期满考察", "the end-of-term evaluation").to_string()
                }
                _ => name(*id),
            };
            lines.push(if zh(lk) {
                format!("{what}改为 {due} 到期")
            } else {
                capitalised(&format!("{what} falls due {due}"))
            });
        }
    }
    if lines.is_empty() {
        lines.push(lk.t("保存后考核安排不变", "Saving leaves the reviews as they are").to_string());
    }
    lines
}

/// An English line starting with a capital ("The end-of-term evaluation falls due …").
fn capitalised(line: &str) -> String {
    let mut chars = line.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

pub fn command_end(form: &Form, lk: &Lookup, secondment: Id) -> Checked<Operation> {
    if lk.secondment(secondment).is_none() {
        return Err(FieldError(
            "end date",
            say(form, "挂职记录已不存在".into(), "the secondment no longer exists".into()),
        ));
    }
    let end = form.get("end date").and_then(Field::date).expect("checked");
    Ok(Operation::EndEarly {
        secondment,
        version: form.version.unwrap_or_default(),
        end,
        reason: form.get("reason").map(Field::text).unwrap_or_default(),
    })
}
