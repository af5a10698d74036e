//! `guazhi import` of a sheet, second step: the lines checked against each other and against
//! the database (units, batches, cadres by name and birth date, secondments by cadre, batch
//! and start, partners), and turned into a [`Plan`].

use super::columns::Key;
use super::import::{Layout, RowIn, UnitIn, UnitsOf};
use super::plan::*;
use super::{normalise_name, say, Problem};
use crate::domain::*;
use crate::lang::Message;
use crate::store::{Data, NewCadre};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Create units the database does not know, from the kind and district columns.
    pub create_units: bool,
}

pub(super) struct Ctx<'a> {
    pub layout: &'a Layout,
    pub problems: Vec<Problem>,
    /// What dates are judged by.
    pub today: NaiveDate,
}

impl Ctx<'_> {
    pub fn bad(&mut self, line: usize, key: Key, message: Message) {
        let column = self.layout.describe(key).or_else(|| self.layout.describe(Key::Name));
        self.problems.push(Problem { file: None, line, column, message });
    }
}

/// What a line resolved to, for the pairing step.
#[derive(Clone)]
pub(super) struct Placed {
    pub sec: SecRef,
    pub direction: Direction,
    pub name: String,
    pub birth: NaiveDate,
    pub batch: String,
}

/// The lines that read cleanly (`rows`) checked against each other and the database; the units
/// of the lines that did not (`partial`) are checked too, so every problem shows in one pass.
pub fn resolve(
    rows: &[RowIn],
    partial: &[UnitsOf],
    layout: &Layout,
    data: &Data,
    opts: ImportOptions,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
) -> Plan {
    let mut cx = Ctx { layout, problems: Vec::new(), today };
    let mut plan = Plan::default();
    let lines: Vec<UnitsOf> = rows
        .iter()
        .map(|r| UnitsOf { line: r.line, home: Some(r.home.clone()), host: Some(r.host.clone()), name: None })
        .chain(partial.iter().cloned())
        .collect();
    units(&mut cx, &mut plan, &lines, data, opts);
    let batches = batches(&mut cx, &mut plan, rows, data);
    let cadres = cadres(&mut cx, &mut plan, rows, data);
    let placed = super::resolve_terms::secondments(&mut cx, &mut plan, rows, data, &batches, &cadres);
    super::resolve_terms::pairs(&mut cx, &mut plan, rows, partial, data, &placed);
    problems.append(&mut cx.problems);
    plan
}

fn units(cx: &mut Ctx, plan: &mut Plan, lines: &[UnitsOf], data: &Data, opts: ImportOptions) {
    let stored: HashMap<&str, &Unit> = data.units.iter().map(|u| (u.name.as_str(), u)).collect();
    let mut new: HashMap<String, (UnitKind, District, usize)> = HashMap::new();
    let mut warned = std::collections::HashSet::new();
    // Each unknown unit once, at its first use, with the other lines that use it.
    let mut unknown: BTreeMap<String, (usize, Key, Vec<usize>)> = BTreeMap::new();
    let mut lines: Vec<&UnitsOf> = lines.iter().collect();
    lines.sort_by_key(|l| l.line);
    for row in lines {
        let sides: [(&Option<UnitIn>, Key, Key, Key); 2] = [
            (&row.home, Key::HomeUnit, Key::HomeUnitKind, Key::HomeUnitDistrict),
            (&row.host, Key::HostUnit, Key::HostUnitKind, Key::HostUnitDistrict),
        ];
        for (u, name_key, kind_key, district_key) in sides {
            let Some(u) = u else { continue };
            if let Some(s) = stored.get(u.name.as_str()) {
                let differs = u.kind.is_some_and(|k| k != s.kind) || u.district.is_some_and(|d| d != s.district);
                if differs && warned.insert(u.name.clone()) {
                    let (line, name, kind, district) = (row.line, &u.name, s.kind.zh(), s.district.zh());
                    plan.warnings.push(say(
                        format!("第 {line} 行：单位{name}已存为{district}的{kind}；表中的类型和所在区不予采用"),
                        format!(
                            "line {line}: unit {name} is stored as {kind} in {district}; the sheet's kind and district are ignored"
                        ),
                    ));
                }
            } else if let Some(&(kind, district, line)) = new.get(&u.name) {
                if u.kind.is_some_and(|k| k != kind) {
                    cx.bad(row.line, kind_key, differs_from(&u.name, line, kind.zh()));
                }
                if u.district.is_some_and(|d| d != district) {
                    cx.bad(row.line, district_key, differs_from(&u.name, line, district.zh()));
                }
            } else if !opts.create_units {
                unknown.entry(u.name.clone()).or_insert_with(|| (row.line, name_key, Vec::new())).2.push(row.line);
            } else if let (Some(kind), Some(district)) = (u.kind, u.district) {
                new.insert(u.name.clone(), (kind, district, row.line));
                plan.units.push(NewUnit { name: u.name.clone(), kind, district, origin: line(row.line) });
            } else {
                let (k, d) = if name_key == Key::HomeUnit {
                    ("原单位类型", "原单位所在区")
                } else {
                    ("挂职单位类型", "挂职单位所在区")
                };
                let n = &u.name;
                cx.bad(
                    row.line,
                    name_key,
                    say(format!("新单位“{n}”需要填{k}和{d}"), format!("new unit '{n}' needs {k} and {d}")),
                );
            }
        }
    }
    for (name, (line, key, mut lines)) in unknown {
        lines.dedup();
        lines.retain(|l| *l != line);
        let list = lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ");
        let (also_zh, also_en) = if lines.is_empty() {
            (String::new(), String::new())
        } else {
            (format!("；第 {list} 行也用到"), format!("; also on line {list}"))
        };
        cx.bad(
            line,
            key,
            say(
                format!("没有“{name}”这个单位（先新增该单位，或加 --create-units 导入）{also_zh}"),
                format!("unknown unit '{name}' (add it first, or import with --create-units){also_en}"),
            ),
        );
    }
}

pub(super) fn line(n: usize) -> Origin {
    Origin(say(format!("第 {n} 行"), format!("line {n}")))
}

/// "广州局 differs from line 3 (镇街)".
fn differs_from(name: &str, line: usize, stored: &str) -> Message {
    say(format!("{name}与第 {line} 行不同（{stored}）"), format!("{name} differs from line {line} ({stored})"))
}

/// Each batch's dispatch date and term as the import leaves them.
fn batches(cx: &mut Ctx, plan: &mut Plan, rows: &[RowIn], data: &Data) -> HashMap<String, (NaiveDate, u32)> {
    let stored: HashMap<&str, &Batch> = data.batches.iter().map(|b| (b.name.as_str(), b)).collect();
    let mut seen: BTreeMap<String, (NaiveDate, u32, usize)> = BTreeMap::new();
    for row in rows {
        if let Some(&(dispatch, term, first)) = seen.get(&row.batch) {
            if row.dispatch.is_some_and(|d| d != dispatch) {
                let b = &row.batch;
                cx.bad(
                    row.line,
                    Key::DispatchDate,
                    say(
                        format!("第 {first} 行中批次{b}的派出日期是 {dispatch}"),
                        format!("batch {b} is dispatched {dispatch} on line {first}"),
                    ),
                );
            }
            if row.term_months.is_some_and(|t| t != term) {
                let b = &row.batch;
                cx.bad(
                    row.line,
                    Key::TermMonths,
                    say(
                        format!("第 {first} 行中批次{b}的期限是 {term} 个月"),
                        format!("batch {b} has a {term}-month term on line {first}"),
                    ),
                );
            }
            continue;
        }
        match stored.get(row.batch.as_str()) {
            Some(b) => {
                let dispatch = row.dispatch.unwrap_or(b.dispatch_date);
                let term = row.term_months.unwrap_or(b.term_months);
                let mut changes = Vec::new();
                if dispatch != b.dispatch_date {
                    changes.push(FieldChange::new("派出日期", b.dispatch_date.to_string(), dispatch.to_string()));
                    // The batch's secondments already stored must still fit the new date.
                    if let Some(&start) = data.batch_earliest_start.get(&b.id) {
                        if let Err(m) = plausible::dispatch_for_starts(dispatch, start) {
                            cx.bad(row.line, Key::DispatchDate, m);
                        }
                    }
                }
                if term != b.term_months {
                    changes.push(FieldChange::new("挂职期限", b.term_months.to_string(), term.to_string()));
                }
                if !changes.is_empty() {
                    let record = Batch { dispatch_date: dispatch, term_months: term, ..(*b).clone() };
                    plan.batch_updates.push(Update { record, home_unit: None, changes, origin: line(row.line) });
                }
                seen.insert(row.batch.clone(), (dispatch, term, row.line));
            }
            None => match row.dispatch {
                Some(dispatch) => {
                    let term = row.term_months.unwrap_or(data.policy.term_months);
                    let origin = line(row.line);
                    plan.batches.push(NewBatch { name: row.batch.clone(), dispatch, term_months: term, origin });
                    seen.insert(row.batch.clone(), (dispatch, term, row.line));
                }
                None => {
                    let key = if cx.layout.has(Key::DispatchDate) { Key::DispatchDate } else { Key::Batch };
                    let b = &row.batch;
                    cx.bad(
                        row.line,
                        key,
                        say(
                            format!("新批次“{b}”需要填派出日期"),
                            format!("new batch '{b}' needs 派出日期 (its dispatch date)"),
                        ),
                    );
                }
            },
        }
    }
    seen.into_iter().map(|(k, (d, t, _))| (k, (d, t))).collect()
}

pub(super) type CadreKey = (String, NaiveDate);

/// Each line's cadre: stored (maybe updated) or new.
fn cadres(cx: &mut Ctx, plan: &mut Plan, rows: &[RowIn], data: &Data) -> HashMap<CadreKey, CadreRef> {
    let mut stored: HashMap<CadreKey, Vec<&Cadre>> = HashMap::new();
    for c in &data.cadres {
        stored.entry((normalise_name(&c.name), c.birth_date)).or_default().push(c);
    }
    let unit_name: HashMap<Id, &str> = data.units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let mut refs: HashMap<CadreKey, CadreRef> = HashMap::new();
    let mut first: HashMap<CadreKey, &RowIn> = HashMap::new();
    for row in rows {
        let key = (row.name.clone(), row.birth);
        if let Some(prev) = first.get(&key) {
            same_person(cx, prev, row);
            continue;
        }
        first.insert(key.clone(), row);
        match stored.get(&key).map(Vec::as_slice) {
            Some([c]) => {
                refs.insert(key, CadreRef::Stored(c.id));
                let home = unit_name.get(&c.home_unit_id).copied().unwrap_or("?");
                if let Some(update) = cadre_update(c, home, row, line(row.line)) {
                    plan.cadre_updates.push(update);
                }
            }
            Some(many) if many.len() > 1 => {
                let (n, name, birth) = (many.len(), &row.name, row.birth);
                let message = say(
                    format!("库中已有 {n} 名{birth}出生的{name}，请先处理"),
                    format!("{n} cadres named {name} born {birth} are stored; fix that first"),
                );
                cx.bad(row.line, Key::Name, message);
            }
            _ => {
                refs.insert(key, CadreRef::New(plan.cadres.len()));
                plan.cadres.push(CadreIn {
                    cadre: NewCadre {
                        name: row.name.clone(),
                        gender: row.gender,
                        birth_date: row.birth,
                        political: row.political,
                        education: row.education.clone().unwrap_or_default(),
                        speciality: row.speciality.clone().unwrap_or_default(),
                        grassroots_years: row.grassroots_years.unwrap_or(0.0),
                        home_unit_id: 0,
                        home_post: row.home_post.clone().unwrap_or_default(),
                    },
                    home_unit: row.home.name.clone(),
                    origin: line(row.line),
                });
            }
        }
    }
    refs
}

/// Two lines of one cadre must agree on the cadre's fields they both give.
fn same_person(cx: &mut Ctx, a: &RowIn, b: &RowIn) {
    let opt = |x: &Option<String>| x.clone().unwrap_or_default();
    let checks: [(Key, String, String, bool); 7] = [
        (Key::Gender, a.gender.zh().into(), b.gender.zh().into(), true),
        (Key::Political, a.political.zh().into(), b.political.zh().into(), true),
        (Key::Education, opt(&a.education), opt(&b.education), a.education.is_some() && b.education.is_some()),
        (Key::Speciality, opt(&a.speciality), opt(&b.speciality), a.speciality.is_some() && b.speciality.is_some()),
        (
            Key::GrassrootsYears,
            a.grassroots_years.map_or(String::new(), |x| x.to_string()),
            b.grassroots_years.map_or(String::new(), |x| x.to_string()),
            a.grassroots_years.is_some() && b.grassroots_years.is_some(),
        ),
        (Key::HomeUnit, a.home.name.clone(), b.home.name.clone(), true),
        (Key::HomePost, opt(&a.home_post), opt(&b.home_post), a.home_post.is_some() && b.home_post.is_some()),
    ];
    for (key, x, y, both) in checks {
        if both && x != y {
            let (line, name) = (a.line, &b.name);
            cx.bad(
                b.line,
                key,
                say(
                    format!("同一干部{name}：“{y}”与第 {line} 行（“{x}”）不同"),
                    format!("'{y}' differs from line {line} ('{x}') for the same cadre {name}"),
                ),
            );
        }
    }
}

/// The fields of a stored cadre that the line changes; blank cells keep the stored value.
fn cadre_update(c: &Cadre, home: &str, row: &RowIn, origin: Origin) -> Option<Update<Cadre>> {
    let mut changes = Vec::new();
    let mut record = c.clone();
    let mut change = |field: &'static str, old: String, new: String| {
        if old != new {
            changes.push(FieldChange::new(field, old, new));
        }
    };
    change("性别", c.gender.zh().into(), row.gender.zh().into());
    change("政治面貌", c.political.zh().into(), row.political.zh().into());
    record.gender = row.gender;
    record.political = row.political;
    if let Some(e) = &row.education {
        change("学历", c.education.clone(), e.clone());
        record.education = e.clone();
    }
    if let Some(s) = &row.speciality {
        change("专业特长", c.speciality.clone(), s.clone());
        record.speciality = s.clone();
    }
    if let Some(y) = row.grassroots_years.filter(|y| (y - c.grassroots_years).abs() > 1e-9) {
        change("基层工作年限", c.grassroots_years.to_string(), y.to_string());
        record.grassroots_years = y;
    }
    change("原单位", home.to_string(), row.home.name.clone());
    if let Some(p) = &row.home_post {
        change("原职务", c.home_post.clone(), p.clone());
        record.home_post = p.clone();
    }
    let home_unit = (home != row.home.name).then(|| row.home.name.clone());
    (!changes.is_empty()).then_some(Update { record, home_unit, changes, origin })
}
