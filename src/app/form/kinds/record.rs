//! Records kept against a secondment or a cadre: a review result (recorded or corrected), the
//! vetting, the end-of-term evaluation's details, and dossier notes.

use super::*;
use crate::app::operation::Graded;
use crate::domain::ReviewKind;
use crate::store::ReviewResult;

fn zh(lk: &Lookup) -> bool {
    lk.lang == crate::lang::Lang::Zh
}

fn name_of(lk: &Lookup, secondment: Id) -> String {
    crate::text::display_safe(lk.secondment(secondment).map_or("?", |s| lk.cadre_name(s.cadre_id))).into_owned()
}

fn gone(lk: &Lookup) -> String {
    lk.t("记录已不存在（同事可能已删除）", "the record no longer exists (a colleague may have removed it)").into()
}

/// A date of something that happened (a note, an admission): not after today.
pub fn problems_happened(form: &Form, lk: &Lookup, key: &'static str) -> Vec<FieldError> {
    let Some(d) = date_of(form, key) else { return Vec::new() };
    judged(form, key, crate::domain::plausible::happened(d, lk.today)).into_iter().collect()
}

/// A review's result date: within what the review is about (`plausible::review_done`).
pub fn problems_review(form: &Form, lk: &Lookup, review: Id) -> Vec<FieldError> {
    let Some(r) = lk.data.reviews.iter().find(|r| r.id == review) else { return Vec::new() };
    let (Some(done), Some(s)) = (date_of(form, "done"), lk.secondment(r.secondment_id)) else { return Vec::new() };
    let verdict = crate::domain::plausible::review_done(r.kind, &r.period, done, s.end(), lk.today);
    judged(form, "done", verdict).into_iter().collect()
}

/// A vetting's date: on or before the start, and not after today.
pub fn problems_vetting(form: &Form, lk: &Lookup, secondment: Id) -> Vec<FieldError> {
    let (Some(date), Some(s)) = (date_of(form, "date"), lk.secondment(secondment)) else { return Vec::new() };
    judged(form, "date", crate::domain::plausible::vetting_date(date, s.start, lk.today)).into_iter().collect()
}

pub fn open_review(lk: &Lookup, kind: &FormKind, review: Id) -> Result<Form, String> {
    let r = lk.data.reviews.iter().find(|r| r.id == review).ok_or_else(|| gone(lk))?;
    if r.cancelled {
        return Err(lk.t("该考核已取消，不能记录结果", "this review was cancelled; no result can be recorded").into());
    }
    let fields = vec![
        choice!("grade", "等级", "Grade", Grade, lk, r.grade).required(),
        date("done", "完成日期", "Done on", today_or(lk, r.done)).required(),
        text("assessor", "考核人", "Assessor", 100, &r.assessor),
        text("note", "备注", "Note", 2000, &r.note).multiline(),
    ];
    let what = format!(
        "{} {} {}",
        name_of(lk, r.secondment_id),
        lk.t(r.kind.zh(), r.kind.en()),
        crate::app::view::reviews::period(lk, r)
    );
    let verb = if r.done.is_some() {
        lk.t("更正考核结果", "Correct the result:")
    } else {
        lk.t("记录考核结果", "Record the result:")
    };
    let mut form = Form::new(kind.clone(), format!("{verb} {what}"), fields, Some(r.version), zh(lk));
    let due = if zh(lk) { format!("应于 {} 完成", r.due) } else { format!("Due {}", r.due) };
    form.notes.push(crate::app::view::TextLine { spans: vec![(due, crate::app::view::Tone::Muted)], indent: 2 });
    Ok(form)
}

pub fn command_review(form: &Form, _lk: &Lookup, review: Id) -> Checked<Operation> {
    let done = form.get("done").and_then(Field::date).expect("checked");
    Ok(Operation::RecordReview {
        review,
        version: form.version.unwrap_or_default(),
        result: ReviewResult {
            done,
            grade: chosen(form, "grade", Grade::ALL).expect("checked"),
            assessor: form.get("assessor").map(Field::text).unwrap_or_default(),
            note: form.get("note").map(Field::text).unwrap_or_default(),
        },
    })
}

const DIMENSIONS: [(&str, &str, &str); 5] = [
    ("political", "政治品质", "Political"),
    ("moral", "道德品质", "Moral"),
    ("performance", "工作实绩", "Performance"),
    ("duty", "履职尽责", "Duty"),
    ("integrity", "勤政廉政", "Integrity"),
];

pub fn open_vetting(lk: &Lookup, kind: &FormKind, secondment: Id) -> Result<Form, String> {
    lk.secondment(secondment).ok_or_else(|| gone(lk))?;
    let v = lk.vetting(secondment);
    let mut fields = vec![date("date", "考察日期", "Vetted on", today_or(lk, v.map(|v| v.date))).required()];
    for (i, (key, z, e)) in DIMENSIONS.into_iter().enumerate() {
        let value = v.map(|v| [v.political, v.moral, v.performance, v.duty, v.integrity][i]);
        fields.push(choice!(key, z, e, VetResult, lk, value).required());
    }
    let s = |f: fn(&Vetting) -> &str| v.map_or("", f);
    fields.extend([
        text("discipline opinion", "纪检意见", "Discipline", 500, s(|v| &v.discipline_opinion)),
        text("family planning opinion", "计生意见", "Family plan.", 500, s(|v| &v.family_planning_opinion)),
        text("conclusion", "考察结论", "Conclusion", 2000, s(|v| &v.conclusion)).multiline(),
    ]);
    let title = format!("{} {}", lk.t("选派考察", "Vetting:"), name_of(lk, secondment));
    Ok(Form::new(kind.clone(), title, fields, Some(v.map_or(0, |v| v.version)), zh(lk)))
}

pub fn command_vetting(form: &Form, lk: &Lookup, secondment: Id) -> Checked<Operation> {
    let date = form.get("date").and_then(Field::date).expect("checked");
    let dim = |i: usize| chosen(form, DIMENSIONS[i].0, VetResult::ALL).expect("checked");
    let t = |key: &str| form.get(key).map(Field::text).unwrap_or_default();
    Ok(Operation::Vetting(Vetting {
        id: lk.vetting(secondment).map_or(0, |v| v.id),
        secondment_id: secondment,
        date,
        political: dim(0),
        moral: dim(1),
        performance: dim(2),
        duty: dim(3),
        integrity: dim(4),
        discipline_opinion: t("discipline opinion"),
        family_planning_opinion: t("family planning opinion"),
        conclusion: t("conclusion"),
        version: form.version.unwrap_or_default(),
    }))
}

/// The term's end-of-term review (not cancelled): where the evaluation's grade is kept.
fn end_of_term<'a>(lk: &Lookup<'a>, secondment: Id) -> Option<&'a crate::domain::Review> {
    lk.data.reviews.iter().find(|r| r.secondment_id == secondment && r.kind == ReviewKind::EndOfTerm && !r.cancelled)
}

/// With a grade chosen: the date must fit the end-of-term review, as on the Reviews tab.
pub fn problems_evaluation(form: &Form, lk: &Lookup, secondment: Id) -> Vec<FieldError> {
    match end_of_term(lk, secondment) {
        Some(r) if !form.value("grade").trim().is_empty() => problems_review(form, lk, r.id),
        _ => Vec::new(),
    }
}

pub fn open_evaluation(lk: &Lookup, kind: &FormKind, secondment: Id) -> Result<Form, String> {
    lk.secondment(secondment).ok_or_else(|| gone(lk))?;
    let e = lk.evaluation(secondment);
    let talks = e.map_or(String::new(), |e| e.talks.to_string());
    let mut fields = vec![
        text("inspectors", "考察组", "Inspectors", 200, e.map_or("", |e| &e.inspectors)),
        number("talks", "谈话人次", "Interviews", (0.0, 9999.0), true, &talks),
        text("summary", "考察结论", "Summary", 4000, e.map_or("", |e| &e.summary)).multiline(),
    ];
    let review = end_of_term(lk, secondment);
    if let Some(r) = review {
        fields.push(choice!("grade", "等级", "Grade", Grade, lk, r.grade));
        fields.push(date("done", "评定日期", "Graded on", today_or(lk, r.done)));
    }
    let title = format!("{} {}", lk.t("期满考察情况", "End-of-term evaluation:"), name_of(lk, secondment));
    let mut form = Form::new(kind.clone(), title, fields, Some(e.map_or(0, |e| e.version)), zh(lk));
    let hint = match review {
        Some(r) if zh(lk) => format!("等级即考核页上期满考察一行的结果（应于 {} 完成）", r.due),
        Some(r) => format!("The grade is the end-of-term row's result on the Reviews tab (due {})", r.due),
        None => {
            lk.t("本任期没有期满考察，不能在此记录等级", "This term has no end-of-term review: no grade here").into()
        }
    };
    form.notes.push(crate::app::view::TextLine { spans: vec![(hint, crate::app::view::Tone::Muted)], indent: 2 });
    Ok(form)
}

pub fn command_evaluation(form: &Form, lk: &Lookup, secondment: Id) -> Checked<Operation> {
    let talks = form.get("talks").and_then(Field::number).unwrap_or(0.0);
    // A grade left empty leaves the review as it is; one unchanged is not written again.
    let graded = end_of_term(lk, secondment).and_then(|r| {
        let grade = chosen(form, "grade", Grade::ALL)?;
        let done = form.get("done").and_then(Field::date)?;
        (r.grade != Some(grade) || r.done != Some(done)).then(|| Graded {
            review: r.id,
            version: r.version,
            result: ReviewResult { done, grade, assessor: r.assessor.clone(), note: r.note.clone() },
        })
    });
    Ok(Operation::Evaluation {
        evaluation: TermEvaluation {
            id: lk.evaluation(secondment).map_or(0, |e| e.id),
            secondment_id: secondment,
            inspectors: form.get("inspectors").map(Field::text).unwrap_or_default(),
            talks: talks as u32,
            summary: form.get("summary").map(Field::text).unwrap_or_default(),
            version: form.version.unwrap_or_default(),
        },
        graded,
    })
}

pub fn open_note(lk: &Lookup, kind: &FormKind, cadre: Id) -> Result<Form, String> {
    let c = lk.cadre(cadre).ok_or_else(|| gone(lk))?;
    let fields = vec![
        date("date", "日期", "Date", Some(lk.today)).required(),
        text("note", "记录", "Note", 4000, "").required().multiline(),
    ];
    let title = format!("{} {}", lk.t("添加档案记录", "Add a dossier note:"), crate::text::display_safe(&c.name));
    Ok(Form::new(kind.clone(), title, fields, None, zh(lk)))
}

pub fn command_note(form: &Form, _lk: &Lookup, cadre: Id) -> Checked<Operation> {
    let date = form.get("date").and_then(Field::date).expect("checked");
    Ok(Operation::AddNote { cadre, date, text: form.get("note").map(Field::text).unwrap_or_default() })
}
