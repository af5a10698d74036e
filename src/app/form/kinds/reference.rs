//! The reference records: units, batches and the review policy.

use super::*;
use crate::app::view::{TextLine, Tone};

fn zh(lk: &Lookup) -> bool {
    lk.lang == crate::lang::Lang::Zh
}

pub fn open_unit(lk: &Lookup, kind: &FormKind) -> Result<Form, String> {
    let u = match kind {
        FormKind::EditUnit { unit } => {
            Some(lk.unit(*unit).ok_or_else(|| lk.t("该单位已不存在", "that unit no longer exists").to_string())?)
        }
        _ => None,
    };
    let fields = vec![
        text("unit name", "单位名称", "Name", 100, u.map_or("", |u| &u.name)).required(),
        choice!("kind", "类别", "Kind", UnitKind, lk, u.map(|u| u.kind)).required(),
        choice!("district", "区", "District", District, lk, u.map(|u| u.district)).required(),
    ];
    let title = match u {
        Some(u) => format!("{} {}", lk.t("修改单位", "Edit unit"), crate::text::display_safe(&u.name)),
        None => lk.t("新增单位", "Add a unit").into(),
    };
    Ok(Form::new(kind.clone(), title, fields, u.map(|u| u.version), zh(lk)))
}

/// Names are unique; saying so here names the field (the store would refuse it too).
fn unique<'a>(
    form: &Form,
    key: &'static str,
    mut names: impl Iterator<Item = (Id, &'a str)>,
    me: Option<Id>,
) -> Checked<String> {
    let name = form.get(key).map(Field::text).unwrap_or_default();
    if names.any(|(id, n)| n.trim() == name && Some(id) != me) {
        return Err(FieldError(key, say(form, format!("已有“{name}”"), format!("'{name}' already exists"))));
    }
    Ok(name)
}

pub fn command_unit(form: &Form, lk: &Lookup) -> Checked<Operation> {
    let me = match form.kind {
        FormKind::EditUnit { unit } => Some(unit),
        _ => None,
    };
    let name = unique(form, "unit name", lk.data.units.iter().map(|u| (u.id, u.name.as_str())), me)?;
    let kind = chosen(form, "kind", UnitKind::ALL).expect("checked");
    let district = chosen(form, "district", District::ALL).expect("checked");
    // A city organ is city level and a town is in a district: the figures count on it.
    if (kind == UnitKind::CityOrgan) != (district == District::City)
        && matches!(kind, UnitKind::CityOrgan | UnitKind::Town)
    {
        let m = say(
            form,
            "市直机关属市级，镇街属所在区".into(),
            "a city organ is city level; a town is in a district".into(),
        );
        return Err(FieldError("district", m));
    }
    Ok(match me {
        Some(id) => Operation::UpdateUnit(Unit { id, name, kind, district, version: form.version.unwrap_or_default() }),
        None => Operation::AddUnit { name, kind, district },
    })
}

pub fn open_batch(lk: &Lookup, kind: &FormKind) -> Result<Form, String> {
    let b = match kind {
        FormKind::EditBatch { batch } => {
            Some(lk.batch(*batch).ok_or_else(|| lk.t("该批次已不存在", "that batch no longer exists").to_string())?)
        }
        _ => None,
    };
    let term = b.map_or(lk.data.policy.term_months, |b| b.term_months).to_string();
    let fields = vec![
        text("batch name", "批次名称", "Name", 100, b.map_or("", |b| &b.name)).required(),
        date("dispatch date", "派出日期", "Dispatched", b.map(|b| b.dispatch_date)).required(),
        number("term months", "期限(月)", "Term (months)", (1.0, 120.0), true, &term).required(),
    ];
    let title = match b {
        Some(b) => format!("{} {}", lk.t("修改批次", "Edit batch"), crate::text::display_safe(&b.name)),
        None => lk.t("新增批次", "Add a batch").into(),
    };
    let mut form = Form::new(kind.clone(), title, fields, b.map(|b| b.version), zh(lk));
    if b.is_some() {
        let line = lk.t(
            "改期限只影响今后新增的挂职；已有挂职的期满日期不变",
            "A new term applies to secondments added from now on; existing terms stay",
        );
        form.notes.push(TextLine { spans: vec![(line.into(), Tone::Muted)], indent: 2 });
    }
    Ok(form)
}

/// The dispatch date: a date of the programme.
pub fn problems_batch(form: &Form, lk: &Lookup) -> Vec<FieldError> {
    let Some(d) = date_of(form, "dispatch date") else { return Vec::new() };
    judged(form, "dispatch date", crate::domain::plausible::programme_date(d, lk.today)).into_iter().collect()
}

/// The age bounds: in range, the youngest below the oldest.
pub fn problems_policy(form: &Form) -> Vec<FieldError> {
    let n = |k: &str| form.get(k).and_then(Field::number);
    let (Some(min), Some(max)) = (n("min age"), n("max age")) else { return Vec::new() };
    judged(form, "max age", crate::domain::plausible::age_bounds(min as u32, max as u32)).into_iter().collect()
}

pub fn command_batch(form: &Form, lk: &Lookup) -> Checked<Operation> {
    let me = match form.kind {
        FormKind::EditBatch { batch } => Some(batch),
        _ => None,
    };
    let name = unique(form, "batch name", lk.data.batches.iter().map(|b| (b.id, b.name.as_str())), me)?;
    let dispatch = form.get("dispatch date").and_then(Field::date).expect("checked");
    let term = form.get("term months").and_then(Field::number).expect("checked") as u32;
    Ok(match me {
        Some(id) => Operation::UpdateBatch(Batch {
            id,
            name,
            dispatch_date: dispatch,
            term_months: term,
            version: form.version.unwrap_or_default(),
        }),
        None => Operation::AddBatch { name, dispatch, term },
    })
}

const AGES: (f64, f64) = (crate::domain::plausible::AGE_LIMITS.0 as f64, crate::domain::plausible::AGE_LIMITS.1 as f64);

const POLICY: [(&str, &str, &str, f64, f64); 8] = [
    ("term months", "标准期限(月)", "Term (months)", 1.0, 120.0),
    ("due soon days", "即将到期(天)", "Due soon (days)", 0.0, 366.0),
    ("routine due days", "平时考核(天)", "Routine due +days", 0.0, 366.0),
    ("annual due month", "年度考核(月)", "Annual due month", 1.0, 12.0),
    ("annual due day", "年度考核(日)", "Annual due day", 1.0, 31.0),
    ("end-of-term due days", "期满考察(天)", "End-of-term +days", 0.0, 366.0),
    ("min age", "最低年龄(岁)", "Youngest (age)", AGES.0, AGES.1),
    ("max age", "最高年龄(岁)", "Oldest (age)", AGES.0, AGES.1),
];

pub fn open_policy(lk: &Lookup, kind: &FormKind) -> Result<Form, String> {
    let p = &lk.data.policy;
    let values = [
        p.term_months,
        p.due_soon_days,
        p.routine_due_days,
        p.annual_due_month,
        p.annual_due_day,
        p.end_of_term_due_days,
        p.min_age,
        p.max_age,
    ];
    let fields = POLICY
        .iter()
        .zip(values)
        .map(|(&(key, z, e, lo, hi), v)| number(key, z, e, (lo, hi), true, &v.to_string()).required())
        .collect();
    let title = lk.t("考核规则", "Review policy").to_string();
    Ok(Form::new(kind.clone(), title, fields, Some(p.version), zh(lk)))
}

/// The policy in words, as it stands in the form.
pub fn changed_policy(form: &mut Form) {
    let n = |k: &str| form.get(k).and_then(Field::number).map_or("?".into(), |v| (v as i64).to_string());
    let (due_soon, routine, month, day, end) = (
        n("due soon days"),
        n("routine due days"),
        n("annual due month"),
        n("annual due day"),
        n("end-of-term due days"),
    );
    let (min, max) = (n("min age"), n("max age"));
    let lines = if form.zh {
        vec![
            format!("平时考核：每季度一次，季度结束后 {routine} 天到期"),
            format!("年度考核：次年 {month} 月 {day} 日到期；期满考察：期满后 {end} 天到期"),
            format!("到期前 {due_soon} 天内显示为即将到期（立即生效）；其余规则用于今后新增的挂职"),
            format!("挂职开始时年龄须在 {min} 至 {max} 岁之间（用于今后的保存和导入）"),
        ]
    } else {
        vec![
            format!("Routine: each quarter, due {routine} days after it ends"),
            format!("Annual: due {month}/{day} of the next year; end of term: {end} days after the end"),
            format!("Due soon: {due_soon} days ahead (at once); the rest applies to secondments added from now"),
            format!("A cadre is {min} to {max} years old at a secondment's start (checked from now on)"),
        ]
    };
    form.notes = lines.into_iter().map(|l| TextLine { spans: vec![(l, Tone::Muted)], indent: 2 }).collect();
}

pub fn command_policy(form: &Form) -> Checked<Operation> {
    let n = |k: &str| form.get(k).and_then(Field::number).expect("checked") as u32;
    let (month, day) = (n("annual due month"), n("annual due day"));
    if chrono::NaiveDate::from_ymd_opt(2000, month, day).is_none() {
        return Err(FieldError(
            "annual due day",
            say(form, format!("{month} 月没有 {day} 日"), format!("month {month} has no day {day}")),
        ));
    }
    let (min_age, max_age) = (n("min age"), n("max age"));
    Ok(Operation::Policy(Policy {
        min_age,
        max_age,
        term_months: n("term months"),
        due_soon_days: n("due soon days"),
        routine_due_days: n("routine due days"),
        annual_due_month: month,
        annual_due_day: day,
        end_of_term_due_days: n("end-of-term due days"),
        version: form.version.unwrap_or_default(),
    }))
}
