//! The dossier (挂职档案) of one cadre, as lines of toned text: built when it is opened.

use super::overview::finding;
use super::reviews::period;
use super::{cadres::political_short, status_text, Lookup, Tone};
use crate::domain::reserve::{eligibility, Eligibility};
use crate::domain::*;
use crate::text::{display_safe, pad_marked};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextLine {
    /// Display-safe pieces of text and what they mean.
    pub spans: Vec<(String, Tone)>,
    /// Cells to indent continuation lines by when the line wraps.
    pub indent: u16,
}

impl TextLine {
    fn new() -> TextLine {
        TextLine::default()
    }

    fn heading(s: &str) -> TextLine {
        TextLine::new().push(s, Tone::Heading)
    }

    fn push(mut self, s: &str, tone: Tone) -> TextLine {
        self.spans.push((display_safe(s).into_owned(), tone));
        self
    }

    fn indent(mut self, n: u16) -> TextLine {
        self.indent = n;
        self
    }

    /// The whole text, for tests.
    pub fn text(&self) -> String {
        self.spans.iter().map(|(s, _)| s.as_str()).collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dossier {
    pub cadre: Id,
    pub name: String,
    /// The partner of the current (or last) secondment that has one.
    pub partner: Option<Id>,
    /// Profile, secondments, the pair partner.
    pub head: Vec<TextLine>,
    /// The review timeline.
    pub reviews: Vec<TextLine>,
    /// Reserve status, vetting, evaluation, notes, flags.
    pub rest: Vec<TextLine>,
}

/// A "label  value" line; the label padded so values line up.
fn field(lk: &Lookup, zh: &'static str, en: &'static str, value: &str) -> TextLine {
    let w = if lk.lang == crate::lang::Lang::Zh { 10 } else { 14 };
    TextLine::new().push(&pad_marked(lk.t(zh, en), w, lk.ascii), Tone::Label).push(value, Tone::Normal).indent(w as u16)
}

/// A labelled multi-line text (a conclusion, a summary): its lines under one another.
fn field_lines(lk: &Lookup, zh: &'static str, en: &'static str, value: &str, out: &mut Vec<TextLine>) {
    let w = if lk.lang == crate::lang::Lang::Zh { 10 } else { 14 };
    for (i, line) in value.split('\n').enumerate() {
        let label = if i == 0 { lk.t(zh, en) } else { "" };
        out.push(
            TextLine::new()
                .push(&pad_marked(label, w, lk.ascii), Tone::Label)
                .push(line, Tone::Normal)
                .indent(w as u16),
        );
    }
}

pub fn dossier(lk: &Lookup, cadre: Id) -> Option<Dossier> {
    let c = lk.cadre(cadre)?;
    let t = |zh, en| lk.t(zh, en);
    let secs: Vec<&Secondment> = lk.secondments_of(cadre).collect();
    let current = lk.current(cadre);
    let mut left = Vec::new();

    let gender = t(c.gender.zh(), c.gender.en());
    let age = c.age_on(lk.today);
    let age = if lk.lang == crate::lang::Lang::Zh { format!("{age}岁") } else { format!("age {age}") };
    left.push(
        TextLine::heading(&c.name)
            .push("  ", Tone::Normal)
            .push(&[gender, &age, political_short(lk.lang, c.political), &c.education].join(lk.dot()), Tone::Normal),
    );
    left.push(field(lk, "单位职务", "Home post", &lk.home(c)));
    left.push(field(lk, "专业特长", "Speciality", &c.speciality));
    let years = if lk.lang == crate::lang::Lang::Zh {
        format!("{} 年", c.grassroots_years)
    } else {
        format!("{} years", c.grassroots_years)
    };
    left.push(field(lk, "基层经历", "Grassroots", &years));
    if c.archived {
        left.push(TextLine::new().push(t("已归档", "archived"), Tone::Muted));
    }

    left.push(TextLine::new());
    left.push(TextLine::heading(t("挂职经历", "Secondments")));
    if secs.is_empty() {
        left.push(TextLine::new().push(t("无挂职记录", "no secondment on record"), Tone::Muted));
    }
    for s in &secs {
        let status = s.status(lk.today);
        let tone = if Some(s.id) == current.map(|c| c.id) { Tone::Normal } else { Tone::Muted };
        left.push(
            TextLine::new()
                .push(&format!("{}  {}  ", lk.batch_name(s.batch_id), t(s.direction.zh(), s.direction.en())), tone)
                .push(&lk.host(s), tone)
                .indent(2),
        );
        let mut when = TextLine::new()
            .push(&format!("  {} {} {}  ", s.start, t("至", "to"), s.end()), Tone::Normal)
            .push(
                t(status.zh(), status.en()),
                if status == SecondmentStatus::EndedEarly { Tone::Warning } else { Tone::Normal },
            )
            .indent(4);
        if let Some(reason) = &s.end_reason {
            when = when.push(&format!("  {reason}"), Tone::Muted);
        }
        left.push(when);
    }

    left.push(TextLine::new());
    left.push(TextLine::heading(t("互派对象", "Pair partner")));
    let mut partner = None;
    for s in &secs {
        match lk.partner_of(s) {
            Some(p) => {
                if partner.is_none() || Some(s.id) == current.map(|c| c.id) {
                    partner = Some(p.cadre_id);
                }
                let home = lk.cadre(p.cadre_id).map_or("?", |c| lk.unit_name(c.home_unit_id));
                let line = TextLine::new()
                    .push(lk.cadre_name(p.cadre_id), Tone::Heading)
                    .push(
                        &format!("  {}  {home} {} {}", t(p.direction.zh(), p.direction.en()), lk.arrow(), lk.host(p)),
                        Tone::Normal,
                    )
                    .indent(2);
                left.push(line);
            }
            None => left.push(
                TextLine::new()
                    .push(&format!("{}: ", lk.batch_name(s.batch_id)), Tone::Normal)
                    .push(t("! 未配对", "! unpaired"), Tone::Warning),
            ),
        }
    }
    if partner.is_some() {
        left.push(TextLine::new().push(t("按 p 打开互派对象的档案", "press p for the partner's dossier"), Tone::Muted));
    }

    let head = left;
    let mut left = Vec::new();
    reserve_section(lk, c, &secs, &mut left);
    vetting_section(lk, &secs, &mut left);

    let notes: Vec<&DossierNote> = lk.data.notes.iter().filter(|n| n.cadre_id == cadre).collect();
    if !notes.is_empty() {
        left.push(TextLine::new());
        left.push(TextLine::heading(t("档案记录", "Notes")));
        for n in notes {
            let who = if n.author.is_empty() { String::new() } else { format!("{}{}", n.author, lk.t("：", ": ")) };
            // A note keeps its line breaks: each line under the first.
            for (i, line) in n.text.split('\n').enumerate() {
                let (date, who) = if i == 0 { (format!("{}  ", n.date), who.as_str()) } else { (" ".repeat(12), "") };
                left.push(
                    TextLine::new().push(&date, Tone::Label).push(&format!("{who}{line}"), Tone::Normal).indent(12),
                );
            }
        }
    }

    let flags: Vec<_> = secs.iter().flat_map(|s| lk.findings_of(s.id)).collect();
    if !flags.is_empty() {
        left.push(TextLine::new());
        left.push(TextLine::heading(t("提示", "Flags")));
        for f in flags {
            let f = finding(lk, f);
            let rule = format!("! {}{}", f.rule, lk.t("：", ": "));
            left.push(TextLine::new().push(&rule, f.tone).push(&f.text, Tone::Normal).indent(2));
        }
    }

    let reviews = review_section(lk, &secs);
    Some(Dossier { cadre, name: display_safe(&c.name).into_owned(), partner, head, reviews, rest: left })
}

fn review_section(lk: &Lookup, secs: &[&Secondment]) -> Vec<TextLine> {
    let t = |zh, en| lk.t(zh, en);
    let mut out = vec![TextLine::heading(t("考核记录", "Reviews"))];
    let kind_w = if lk.lang == crate::lang::Lang::Zh { 9 } else { 12 };
    for s in secs {
        if secs.len() > 1 {
            out.push(TextLine::new().push(lk.batch_name(s.batch_id), Tone::Label));
        }
        let mut any = false;
        for r in lk.reviews_of(s.id) {
            any = true;
            let status = lk.review_status(r);
            let tone = Tone::of(status);
            let grade = r.grade.map_or("", |g| t(g.zh(), g.en()));
            let mut line = TextLine::new()
                .push(
                    &format!(
                        "{}  {}{}  ",
                        r.due,
                        pad_marked(t(r.kind.zh(), r.kind.en()), kind_w, lk.ascii),
                        pad_marked(&period(lk, r), 6, lk.ascii)
                    ),
                    tone,
                )
                .push(&status_text(status, r.due, lk.today, lk.lang), tone)
                .indent(12);
            if !grade.is_empty() {
                let grade_tone = if r.grade.is_some_and(|g| g > Grade::Competent) { Tone::Warning } else { tone };
                line = line.push("  ", tone).push(grade, grade_tone);
            }
            if let Some(done) = r.done {
                line = line.push(&format!("  {done}"), Tone::Muted);
            }
            out.push(line);
            for line in r.note.split('\n').filter(|_| !r.note.is_empty()) {
                out.push(TextLine::new().push(&format!("            {line}"), Tone::Muted).indent(12));
            }
        }
        if !any {
            out.push(TextLine::new().push(t("尚无考核安排", "no reviews scheduled"), Tone::Muted));
        }
    }
    out
}

fn reserve_section(lk: &Lookup, c: &Cadre, secs: &[&Secondment], out: &mut Vec<TextLine>) {
    let t = |zh, en| lk.t(zh, en);
    out.push(TextLine::new());
    out.push(TextLine::heading(t("后备干部", "Reserve pool")));
    let noms: Vec<&ReserveNomination> = lk.data.nominations.iter().filter(|n| n.cadre_id == c.id).collect();
    for n in &noms {
        let tone = if n.status == ReserveStatus::Withdrawn { Tone::Muted } else { Tone::Good };
        out.push(
            TextLine::new()
                .push(t(n.status.zh(), n.status.en()), tone)
                .push(
                    &format!(
                        "  {}  {} {}  {} {}",
                        t(n.origin.zh(), n.origin.en()),
                        t("提名", "proposed"),
                        n.proposed_on,
                        t("状态日期", "since"),
                        n.status_on
                    ),
                    Tone::Normal,
                )
                .indent(2),
        );
        for e in lk.data.events.iter().filter(|e| e.nomination_id == n.id) {
            let from = e.from.map_or("", |f| t(f.zh(), f.en()));
            let arrow = if from.is_empty() { String::new() } else { format!("{from} {} ", lk.arrow()) };
            out.push(
                TextLine::new()
                    .push(&format!("  {}  {arrow}{}  ", e.on, t(e.to.zh(), e.to.en())), Tone::Muted)
                    .push(&e.reason, Tone::Muted)
                    .indent(14),
            );
        }
    }
    if noms.is_empty() {
        let last = secs.iter().rev().find(|s| s.term_over(lk.today)).or(secs.last());
        let text = match last {
            None => t("无", "none").to_string(),
            Some(s) => {
                let reviews: Vec<Review> = lk.reviews_of(s.id).cloned().collect();
                match eligibility(s, &reviews, lk.today) {
                    Eligibility::Eligible => {
                        out.push(TextLine::new().push(
                            t(
                                "规则建议：符合入库条件（期满考察优秀）",
                                "proposed by rule: eligible (excellent final evaluation)",
                            ),
                            Tone::Good,
                        ));
                        return;
                    }
                    Eligibility::NotYet(why) | Eligibility::NotEligible(why) => {
                        format!("{}{}", t("未入库：", "not in the pool: "), reason(lk, why))
                    }
                }
            }
        };
        out.push(TextLine::new().push(&text, Tone::Muted));
    }
}

/// The reserve rule's reasons, in the user's language.
fn reason(lk: &Lookup, why: &str) -> String {
    let zh = match why {
        "term not over" => "挂职未期满",
        "an annual review below 称职" => "有年度考核低于称职",
        "end-of-term grade not 优秀" => "期满考察不是优秀",
        "end-of-term evaluation not recorded" => "期满考察尚未记录",
        other => return other.to_string(),
    };
    match lk.lang {
        crate::lang::Lang::Zh => zh.to_string(),
        crate::lang::Lang::En => why.to_string(),
    }
}

fn vetting_section(lk: &Lookup, secs: &[&Secondment], out: &mut Vec<TextLine>) {
    let t = |zh, en| lk.t(zh, en);
    for s in secs.iter().rev() {
        if let Some(v) = lk.vetting(s.id) {
            out.push(TextLine::new());
            out.push(
                TextLine::heading(t("选派考察", "Vetting"))
                    .push(&format!("  {}  {}", v.date, lk.batch_name(s.batch_id)), Tone::Muted),
            );
            let dims = [
                (t("政治品质", "political"), v.political),
                (t("道德品质", "moral"), v.moral),
                (t("工作实绩", "performance"), v.performance),
                (t("履职尽责", "duty"), v.duty),
                (t("勤政廉政", "integrity"), v.integrity),
            ];
            let mut line = TextLine::new().indent(2);
            for (i, (label, result)) in dims.iter().enumerate() {
                let tone = if *result == VetResult::Concern { Tone::Warning } else { Tone::Normal };
                let sep = if i == 0 { "" } else { lk.dot() };
                line = line.push(&format!("{sep}{label} "), Tone::Label).push(t(result.zh(), result.en()), tone);
            }
            out.push(line);
            out.push(field(lk, "纪检意见", "Discipline", &v.discipline_opinion));
            out.push(field(lk, "计生意见", "Family plan.", &v.family_planning_opinion));
            field_lines(lk, "考察结论", "Conclusion", &v.conclusion, out);
        }
        if let Some(e) = lk.evaluation(s.id) {
            out.push(TextLine::new());
            out.push(TextLine::heading(t("期满考察", "End-of-term evaluation")));
            let talks = if lk.lang == crate::lang::Lang::Zh {
                format!("谈话 {} 人次", e.talks)
            } else {
                format!("{} interviews", e.talks)
            };
            out.push(field(lk, "考察组", "Inspectors", &format!("{}{}{talks}", e.inspectors, lk.t("，", ", "))));
            field_lines(lk, "考察结论", "Summary", &e.summary, out);
        }
    }
}
