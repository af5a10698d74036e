//! The audit trail in words: who (OS account), when (local time), what, and each changed
//! field as "label: old → new", with ids shown as names and codes as labels.

use super::{Lookup, TextLine, Tone};
use crate::domain::*;
use crate::store::{changes, AuditEntry, Change};
use crate::text::display_safe;

/// A column's label in the user's language (the column name when it has none).
pub fn column_label(lk: &Lookup, table: &str, column: &str) -> String {
    let (zh, en) = match (table, column) {
        ("units" | "batches", "name") => ("名称", "name"),
        (_, "name") => ("姓名", "name"),
        (_, "gender") => ("性别", "sex"),
        (_, "birth_date") => ("出生日期", "born"),
        ("vettings", "political") => ("政治品质", "political quality"),
        (_, "political") => ("政治面貌", "politics"),
        (_, "education") => ("学历", "education"),
        (_, "speciality") => ("专业特长", "speciality"),
        (_, "grassroots_years") => ("基层经历", "grassroots years"),
        (_, "home_unit_id") => ("单位", "home unit"),
        (_, "home_post") => ("职务", "home post"),
        (_, "archived") => ("已归档", "archived"),
        (_, "batch_id") => ("批次", "batch"),
        (_, "cadre_id") => ("干部", "cadre"),
        (_, "secondment_id") => ("挂职", "secondment"),
        (_, "direction") => ("方向", "direction"),
        (_, "host_unit_id") => ("挂职单位", "host unit"),
        (_, "host_post") => ("挂任职务", "host post"),
        (_, "start_date") => ("开始日期", "start"),
        (_, "planned_end") => ("计划期满", "planned end"),
        (_, "actual_end") => ("实际结束", "ended"),
        (_, "end_reason") => ("结束原因", "end reason"),
        (_, "down_id") => ("下挂", "down"),
        (_, "up_id") => ("上挂", "up"),
        (_, "kind") => ("类别", "kind"),
        (_, "period") => ("期间", "period"),
        (_, "due_date") => ("到期", "due"),
        (_, "done_date") => ("完成日期", "done"),
        (_, "grade") => ("等级", "grade"),
        (_, "assessor") => ("考核人", "assessor"),
        (_, "note") => ("备注", "note"),
        (_, "cancelled") => ("已取消", "cancelled"),
        (_, "vet_date") => ("考察日期", "vetted on"),
        (_, "moral") => ("道德品质", "moral"),
        (_, "performance") => ("工作实绩", "performance"),
        (_, "duty") => ("履职尽责", "duty"),
        (_, "integrity") => ("勤政廉政", "integrity"),
        (_, "discipline_opinion") => ("纪检意见", "discipline"),
        (_, "family_planning_opinion") => ("计生意见", "family planning"),
        (_, "conclusion") => ("考察结论", "conclusion"),
        (_, "inspectors") => ("考察组", "inspectors"),
        (_, "talks") => ("谈话人次", "interviews"),
        (_, "summary") => ("考察结论", "summary"),
        (_, "note_date") => ("日期", "date"),
        (_, "author") => ("记录人", "author"),
        (_, "body") => ("记录", "note"),
        (_, "status") => ("状态", "status"),
        (_, "origin") => ("来源", "origin"),
        (_, "reason") => ("理由", "reason"),
        (_, "district") => ("区", "district"),
        (_, "dispatch_date") => ("派出日期", "dispatched"),
        ("policy", "term_months") => ("标准期限(月)", "term (months)"),
        (_, "term_months") => ("期限(月)", "term months"),
        (_, "due_soon_days") => ("即将到期(天)", "due soon (days)"),
        (_, "routine_due_days") => ("平时考核到期(天)", "routine due (days after the quarter)"),
        (_, "annual_due_month") => ("年度考核到期(月)", "annual review due (month)"),
        (_, "annual_due_day") => ("年度考核到期(日)", "annual review due (day)"),
        (_, "end_of_term_due_days") => ("期满考察到期(天)", "end-of-term due (days after the end)"),
        (_, "min_age") => ("最低年龄", "youngest age"),
        (_, "max_age") => ("最高年龄", "oldest age"),
        (_, "proposed_on") => ("提名日期", "proposed on"),
        (_, "status_on") => ("状态日期", "since"),
        (_, "event_date") => ("日期", "date"),
        (_, "from_status") => ("原状态", "from"),
        (_, "to_status") => ("新状态", "to"),
        (_, "by_user") => ("操作人", "by"),
        (_, "nomination_id") => ("提名", "nomination"),
        _ => return column.to_string(),
    };
    lk.t(zh, en).to_string()
}

/// A stored value as a person reads it: names for ids, labels for codes, 是/否 for flags.
pub fn value_text(lk: &Lookup, table: &str, column: &str, value: &str) -> String {
    let id = || value.parse::<Id>().ok();
    let label = |zh: Option<&'static str>, en: Option<&'static str>| zh.zip(en).map(|(z, e)| lk.t(z, e).to_string());
    let shown = match column {
        "home_unit_id" | "host_unit_id" => id().and_then(|i| lk.unit(i)).map(|u| u.name.clone()),
        "batch_id" => id().and_then(|i| lk.batch(i)).map(|b| b.name.clone()),
        "cadre_id" => id().and_then(|i| lk.cadre(i)).map(|c| c.name.clone()),
        "secondment_id" | "down_id" | "up_id" => id()
            .and_then(|i| lk.secondment(i))
            .map(|s| format!("{} {}", lk.cadre_name(s.cadre_id), lk.batch_name(s.batch_id))),
        "period" if value == crate::domain::schedule::END_OF_TERM_PERIOD => Some(lk.t("期满", "term").to_string()),
        // JSON writes a whole number of years as 12.0; people write 12.
        "grassroots_years" => value.parse::<f64>().ok().map(|x| x.to_string()),
        "archived" | "cancelled" => {
            Some(lk.t(if value == "1" { "是" } else { "否" }, if value == "1" { "yes" } else { "no" }).into())
        }
        "gender" => Gender::parse(value).and_then(|g| label(Some(g.zh()), Some(g.en()))),
        "political" if table == "cadres" => Political::parse(value).and_then(|p| label(Some(p.zh()), Some(p.en()))),
        "political" | "moral" | "performance" | "duty" | "integrity" => {
            VetResult::parse(value).and_then(|v| label(Some(v.zh()), Some(v.en())))
        }
        "direction" => Direction::parse(value).and_then(|d| label(Some(d.zh()), Some(d.en()))),
        "grade" => Grade::parse(value).and_then(|g| label(Some(g.zh()), Some(g.en()))),
        "kind" if table == "units" => UnitKind::parse(value).and_then(|k| label(Some(k.zh()), Some(k.en()))),
        "kind" => ReviewKind::parse(value).and_then(|k| label(Some(k.zh()), Some(k.en()))),
        "district" => District::parse(value).and_then(|d| label(Some(d.zh()), Some(d.en()))),
        "status" | "from_status" | "to_status" => {
            ReserveStatus::parse(value).and_then(|s| label(Some(s.zh()), Some(s.en())))
        }
        "origin" => ReserveOrigin::parse(value).and_then(|o| label(Some(o.zh()), Some(o.en()))),
        _ => None,
    };
    display_safe(&shown.unwrap_or_else(|| value.to_string())).into_owned()
}

/// Columns in the order a form shows them (snapshots come in alphabetical order).
const ORDER: &[&str] = &[
    "name",
    "gender",
    "birth_date",
    "political",
    "education",
    "speciality",
    "grassroots_years",
    "home_unit_id",
    "home_post",
    "archived",
    "cadre_id",
    "secondment_id",
    "batch_id",
    "direction",
    "host_unit_id",
    "host_post",
    "start_date",
    "planned_end",
    "actual_end",
    "end_reason",
    "kind",
    "period",
    "due_date",
    "grade",
    "done_date",
    "assessor",
    "note",
    "cancelled",
    "status",
    "origin",
    "reason",
];

/// "label: old → new" lines, indented by `indent` cells.
pub fn change_lines(lk: &Lookup, table: &str, list: &[Change], indent: u16) -> Vec<TextLine> {
    let pad = " ".repeat(usize::from(indent));
    let mut list: Vec<&Change> = list.iter().collect();
    list.sort_by_key(|c| ORDER.iter().position(|o| *o == c.column).unwrap_or(ORDER.len()));
    list.into_iter()
        // A new row's empty columns say nothing.
        .filter(|c| c.old.is_some() || c.new.as_deref().is_some_and(|n| !n.is_empty()))
        .map(|c| {
            let v = |x: &Option<String>| x.as_deref().map_or(String::new(), |s| value_text(lk, table, &c.column, s));
            let (old, new) = (v(&c.old), v(&c.new));
            let mut spans =
                vec![(format!("{pad}{}{}", column_label(lk, table, &c.column), lk.t("：", ": ")), Tone::Label)];
            match (&c.old, &c.new) {
                (None, _) => spans.push((new, Tone::Normal)),
                (_, None) => spans.push((old, Tone::Muted)),
                _ => {
                    spans.push((if old.is_empty() { lk.t("（空）", "(empty)").into() } else { old }, Tone::Muted));
                    spans.push((format!(" {} ", lk.arrow()), Tone::Muted));
                    spans.push((if new.is_empty() { lk.t("（空）", "(empty)").into() } else { new }, Tone::Normal));
                }
            }
            TextLine { spans, indent: indent + 2 }
        })
        .collect()
}

/// An audit timestamp (UTC, `…Z`) in local time, to the minute.
pub fn local_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn action_words(lk: &Lookup, action: &str) -> String {
    let (zh, en) = match action {
        "insert" => ("新增", "added"),
        "update" => ("修改", "changed"),
        "delete" => ("删除", "deleted"),
        "record" => ("记录结果", "recorded a result"),
        "end_early" => ("提前结束", "ended early"),
        "change_term" => ("调整期限", "changed the term"),
        "cancel" => ("取消", "cancelled"),
        "reschedule" => ("改期", "rescheduled"),
        "move" => ("变更状态", "moved"),
        "undo" => ("撤销", "undid"),
        other => return other.to_string(),
    };
    lk.t(zh, en).to_string()
}

/// What a table's row is called.
pub fn table_words(lk: &Lookup, table: &str) -> String {
    crate::store::table_label(table).get(lk.lang).to_string()
}

/// Which stored record `table` row `id` is, in words (a cadre's or unit's name, the cadre of
/// a secondment), as the data on screen knows it.
pub fn record_words(lk: &Lookup, table: &str, id: Id) -> Option<String> {
    let words = match table {
        "cadres" => lk.cadre(id)?.name.clone(),
        "units" => lk.unit(id)?.name.clone(),
        "batches" => lk.batch(id)?.name.clone(),
        "secondments" => {
            let s = lk.secondment(id)?;
            format!("{} {}", lk.cadre_name(s.cadre_id), lk.batch_name(s.batch_id))
        }
        "reviews" => {
            let r = lk.data.reviews.iter().find(|r| r.id == id)?;
            let period = if r.period == "term" { String::new() } else { format!(" {}", r.period) };
            let who = lk.secondment(r.secondment_id).map_or("?", |s| lk.cadre_name(s.cadre_id));
            format!("{who} {}{period}", lk.t(r.kind.zh(), r.kind.en()))
        }
        "reserve_nominations" => lk.cadre_name(lk.data.nominations.iter().find(|n| n.id == id)?.cadre_id).to_string(),
        "policy" => return None,
        _ => return None,
    };
    Some(display_safe(&words).into_owned())
}

/// Which record a row is, in words: a review's kind and period, a cadre's name, a batch's…
fn describe(lk: &Lookup, table: &str, json: Option<&str>) -> Option<String> {
    let row: serde_json::Value = serde_json::from_str(json?).ok()?;
    let text = |k: &str| row.get(k).map(crate::store::cell_text).unwrap_or_default();
    let shown = |column: &str| value_text(lk, table, column, &text(column));
    let d = match table {
        "reviews" => {
            let period = text("period");
            let period = if period == "term" { lk.t("期满", "term").to_string() } else { period };
            // Whose review, when the secondment is at hand: "考核 #692" alone says nothing.
            let term = row.get("secondment_id").and_then(|v| v.as_i64()).and_then(|s| lk.secondment(s));
            let who = term.map(|s| format!("{} ", lk.cadre_name(s.cadre_id))).unwrap_or_default();
            format!("{who}{} {period}", shown("kind"))
        }
        "cadres" | "units" | "batches" => text("name"),
        "secondments" | "dossier_notes" | "reserve_nominations" => {
            let who = row.get("cadre_id").and_then(|v| v.as_i64()).map_or("?", |c| lk.cadre_name(c));
            format!("{who} {}", if table == "secondments" { shown("batch_id") } else { String::new() })
        }
        "pairs" => format!("{} {} {}", shown("down_id"), lk.both_ways(), shown("up_id")),
        _ => return None,
    };
    Some(display_safe(d.trim()).into_owned())
}

/// One change in a line: what was done to which record (`added cadre #12 (张三)`).
pub fn entry_words(lk: &Lookup, e: &AuditEntry) -> String {
    let mut what =
        format!("{} {} #{}", action_words(lk, &e.action), table_words(lk, &e.table), e.row_id.unwrap_or_default());
    if let Some(d) = describe(lk, &e.table, e.new_values.as_deref().or(e.old_values.as_deref())) {
        what.push_str(&format!(" ({d})"));
    }
    what
}

/// The history of a record (entries newest first): one heading line per change, then its fields.
pub fn history_lines(lk: &Lookup, entries: &[AuditEntry]) -> Vec<TextLine> {
    let mut out = Vec::new();
    if entries.is_empty() {
        out.push(TextLine {
            spans: vec![(lk.t("没有修改记录", "no changes on record").into(), Tone::Muted)],
            indent: 0,
        });
    }
    for e in entries {
        let what = entry_words(lk, e);
        out.push(TextLine {
            spans: vec![
                (format!("{}  ", local_time(&e.at)), Tone::Label),
                (format!("{}  ", display_safe(&e.os_user)), Tone::Heading),
                (what, Tone::Normal),
            ],
            indent: 4,
        });
        let list = changes(e.old_values.as_deref(), e.new_values.as_deref());
        out.extend(change_lines(lk, &e.table, &list, 2));
    }
    out
}
