//! What an import will do, shown before it is done (`--dry-run`, the confirmation) and then
//! applied in short transactions through the store's writes (`parts`), so every change is
//! validated again as a change made on screen. Changes to stored records are audited row by row like one;
//! new cadres, secondments and pairs are written as a block under one digest
//! (`Writer::new_rows`).

use crate::domain::*;
use crate::lang::{Lang, Message};
use crate::store::{NewCadre, StoreError};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// Where a change comes from: a line of a sheet, or a file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(pub Message);

#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub district: District,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewBatch {
    pub name: String,
    pub dispatch: NaiveDate,
    pub term_months: u32,
    pub origin: Origin,
}

/// A cadre to create; `home_unit` by name (it may be created by the same import).
#[derive(Debug, Clone, PartialEq)]
pub struct CadreIn {
    pub cadre: NewCadre,
    pub home_unit: String,
    pub origin: Origin,
}

/// One field that changes: its label, the old and the new value as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: Message,
    pub old: String,
    pub new: String,
}

impl FieldChange {
    /// A change of the field the sheet's columns call `zh` (性别, 派出日期 …).
    pub fn new(zh: &'static str, old: String, new: String) -> FieldChange {
        let en = match zh {
            "性别" => "sex",
            "政治面貌" => "political status",
            "学历" => "education",
            "专业特长" => "speciality",
            "基层工作年限" => "grassroots years",
            "原单位" => "home unit",
            "原职务" => "home post",
            "派出日期" => "dispatch date",
            "挂职期限" => "term",
            other => other,
        };
        FieldChange { field: Message::new(zh, en), old, new }
    }
}

/// A stored record read at some version, the values to save, and what changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Update<T> {
    pub record: T,
    pub home_unit: Option<String>,
    pub changes: Vec<FieldChange>,
    pub origin: Origin,
}

/// A cadre: one already stored, or the n-th of `Plan::cadres`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CadreRef {
    Stored(Id),
    New(usize),
}

/// A secondment: one already stored, or the n-th of `Plan::secondments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecRef {
    Stored(Id),
    New(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecondmentIn {
    pub cadre: CadreRef,
    pub cadre_name: String,
    pub batch: String,
    pub direction: Direction,
    pub host_unit: String,
    pub host_post: String,
    pub start: NaiveDate,
    pub planned_end: NaiveDate,
    pub early_end: Option<(NaiveDate, String)>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TermChange {
    pub secondment: Secondment,
    pub cadre_name: String,
    pub planned_end: NaiveDate,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EarlyEnd {
    pub secondment: Secondment,
    pub cadre_name: String,
    pub end: NaiveDate,
    pub reason: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PairIn {
    pub down: SecRef,
    pub up: SecRef,
    pub names: (String, String),
    pub batch: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub units: Vec<NewUnit>,
    pub batches: Vec<NewBatch>,
    pub batch_updates: Vec<Update<Batch>>,
    pub cadres: Vec<CadreIn>,
    pub cadre_updates: Vec<Update<Cadre>>,
    pub secondments: Vec<SecondmentIn>,
    pub term_changes: Vec<TermChange>,
    pub early_ends: Vec<EarlyEnd>,
    pub pairs: Vec<PairIn>,
    /// Said but not refused: a stored unit whose kind differs from the sheet's, ignored columns.
    pub warnings: Vec<Message>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
            && self.batches.is_empty()
            && self.batch_updates.is_empty()
            && self.cadres.is_empty()
            && self.cadre_updates.is_empty()
            && self.secondments.is_empty()
            && self.term_changes.is_empty()
            && self.early_ends.is_empty()
            && self.pairs.is_empty()
    }

    /// One line of counts: "create 3 units, 30 cadres …; update 1 cadre".
    pub fn summary(&self, lang: Lang) -> String {
        let count = |n: usize, zh: &str, one: &str, many: &str| match n {
            0 => None,
            1 => Some(lang.pick(format!("1 {zh}"), format!("1 {one}"))),
            n => Some(lang.pick(format!("{n} {zh}"), format!("{n} {many}"))),
        };
        let create: Vec<String> = [
            count(self.units.len(), "个单位", "unit", "units"),
            count(self.batches.len(), "个批次", "batch", "batches"),
            count(self.cadres.len(), "名干部", "cadre", "cadres"),
            count(self.secondments.len(), "项挂职", "secondment", "secondments"),
            count(self.pairs.len(), "对互派", "pair", "pairs"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let update: Vec<String> = [
            count(self.batch_updates.len(), "个批次", "batch", "batches"),
            count(self.cadre_updates.len(), "名干部", "cadre", "cadres"),
            count(self.term_changes.len(), "个计划期满日期", "planned end", "planned ends"),
            count(self.early_ends.len(), "项提前结束", "early end", "early ends"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let sep = lang.pick("、", ", ");
        let (create, update) = (create.join(sep), update.join(sep));
        match (create.is_empty(), update.is_empty()) {
            (true, true) => lang
                .pick("没有要改的：数据库里已经都有了", "nothing to change: the database already holds all of it")
                .into(),
            (false, true) => lang.pick(format!("新增 {create}"), format!("create {create}")),
            (true, false) => lang.pick(format!("修改 {update}"), format!("update {update}")),
            (false, false) => {
                lang.pick(format!("新增 {create}；修改 {update}"), format!("create {create}; update {update}"))
            }
        }
    }

    /// Every change, one per line (`+` create, `~` update), with where it came from.
    pub fn details(&self, lang: Lang) -> String {
        let mut out = String::new();
        let mut line = |mark: char, zh: String, en: String, origin: &Origin| {
            let _ = writeln!(out, "  {mark} {}  [{}]", lang.pick(zh, en), origin.0.get(lang));
        };
        for u in &self.units {
            let (n, k, d) = (&u.name, u.kind.zh(), u.district.zh());
            line('+', format!("单位 {n}（{k}，{d}）"), format!("unit {n} ({k}, {d})"), &u.origin);
        }
        for b in &self.batches {
            let (n, d, t) = (&b.name, b.dispatch, b.term_months);
            line(
                '+',
                format!("批次 {n}（{d} 派出，{t} 个月）"),
                format!("batch {n} (dispatched {d}, {t} months)"),
                &b.origin,
            );
        }
        for u in &self.batch_updates {
            let n = &u.record.name;
            line(
                '~',
                format!("批次 {n}：{}", changes(&u.changes, lang)),
                format!("batch {n}: {}", changes(&u.changes, lang)),
                &u.origin,
            );
        }
        for c in &self.cadres {
            let n = &c.cadre;
            let (name, birth, gender, unit, post) = (&n.name, n.birth_date, n.gender.zh(), &c.home_unit, &n.home_post);
            line(
                '+',
                format!("干部 {name}（{birth}，{gender}，{unit} {post}）"),
                format!("cadre {name} ({birth}, {gender}, {unit} {post})"),
                &c.origin,
            );
        }
        for u in &self.cadre_updates {
            let (name, birth, what) = (&u.record.name, u.record.birth_date, changes(&u.changes, lang));
            line('~', format!("干部 {name}（{birth}）：{what}"), format!("cadre {name} ({birth}): {what}"), &u.origin);
        }
        for s in &self.secondments {
            let (zh_end, en_end) = match &s.early_end {
                Some((d, r)) => (format!("，{d} 提前结束：{r}"), format!(", ended early {d}: {r}")),
                None => (String::new(), String::new()),
            };
            let (name, dir, unit, post, batch, start, end) =
                (&s.cadre_name, s.direction.zh(), &s.host_unit, &s.host_post, &s.batch, s.start, s.planned_end);
            line(
                '+',
                format!("挂职 {name} {dir} {unit} {post}（{batch}，{start} 至 {end}{zh_end}）"),
                format!("secondment {name} {dir} {unit} {post} ({batch}, {start} to {end}{en_end})"),
                &s.origin,
            );
        }
        for t in &self.term_changes {
            let (name, start, old, new) = (&t.cadre_name, t.secondment.start, t.secondment.planned_end, t.planned_end);
            line(
                '~',
                format!("挂职 {name}（{start} 起）：计划期满 {old} → {new}"),
                format!("secondment {name} from {start}: planned end {old} → {new}"),
                &t.origin,
            );
        }
        for e in &self.early_ends {
            let (name, start, end, reason) = (&e.cadre_name, e.secondment.start, e.end, &e.reason);
            line(
                '~',
                format!("挂职 {name}（{start} 起）：{end} 提前结束（{reason}）"),
                format!("secondment {name} from {start}: ended early {end} ({reason})"),
                &e.origin,
            );
        }
        for p in &self.pairs {
            let (a, b, batch) = (&p.names.0, &p.names.1, &p.batch);
            line('+', format!("互派 {a} ↔ {b}（{batch}）"), format!("pair {a} ↔ {b} ({batch})"), &p.origin);
        }
        out
    }
}

fn changes(list: &[FieldChange], lang: Lang) -> String {
    let show = |s: &str| if s.is_empty() { lang.pick("（空）", "(blank)").to_string() } else { s.to_string() };
    let parts: Vec<String> =
        list.iter().map(|c| format!("{} {} → {}", c.field.get(lang), show(&c.old), show(&c.new))).collect();
    parts.join(lang.pick("；", "; "))
}

/// Prefixes a store error with where its change came from.
pub(super) fn at(origin: &Origin) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| match e {
        StoreError::Invalid { field, message } => {
            let (o, f) = (&origin.0, crate::store::field_label(&field));
            StoreError::invalid(
                "import",
                Message::new(
                    format!("{}，{}：{}", o.zh, f.zh, message.zh),
                    format!("{}, {}: {}", o.en, f.en, message.en),
                ),
            )
        }
        other => other,
    }
}
