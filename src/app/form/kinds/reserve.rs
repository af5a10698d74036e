//! The reserve pool: taking a rule proposal in (nominated and admitted in one save), moving a
//! nomination along its lifecycle, withdrawing it (a reason is required).

use super::*;
use crate::app::view::reserve::candidates;
use crate::domain::plausible::{nomination_date, proposal_day};
use crate::domain::reserve::Grades;

fn zh(lk: &Lookup) -> bool {
    lk.lang == crate::lang::Lang::Zh
}

pub fn open_admit(lk: &Lookup, kind: &FormKind, secondment: Id) -> Result<Form, String> {
    let s = lk.secondment(secondment).ok_or_else(|| lk.t("没有挂职记录", "no secondment on record").to_string())?;
    let reason =
        lk.t("期满考察优秀，年度考核均称职以上", "excellent end-of-term evaluation, every year competent or better");
    let fields = vec![
        date("date", "入库日期", "Admitted on", Some(lk.today)).required(),
        text("reason", "说明", "Reason", 500, reason),
    ];
    let title = format!(
        "{} {}",
        lk.t("纳入后备干部库", "Admit to the reserve pool:"),
        crate::text::display_safe(lk.cadre_name(s.cadre_id))
    );
    Ok(Form::new(kind.clone(), title, fields, None, zh(lk)))
}

pub fn command_admit(form: &Form, lk: &Lookup, secondment: Id) -> Checked<Operation> {
    let Some(s) = candidates(lk).into_iter().find(|s| s.id == secondment) else {
        let m = say(
            form,
            "已不是规则建议的人选（同事可能已提名）".into(),
            "no longer a rule proposal (a colleague may have nominated)".into(),
        );
        return Err(FieldError("date", m));
    };
    let on = form.get("date").and_then(Field::date).expect("checked");
    let reviews: Vec<Review> = lk.reviews_of(s.id).cloned().collect();
    if let Err(m) = nomination_date(on, ReserveOrigin::Rule, s, &reviews) {
        return Err(FieldError("date", say(form, m.zh, m.en)));
    }
    let proposed = proposal_day(s.end(), Grades::of(reviews.iter()).evaluated);
    Ok(Operation::Admit {
        cadre: s.cadre_id,
        secondment,
        proposed,
        on,
        reason: form.get("reason").map(Field::text).unwrap_or_default(),
    })
}

pub fn open_move(lk: &Lookup, kind: &FormKind, nomination: Id, withdraw: bool) -> Result<Form, String> {
    let n = lk
        .data
        .nominations
        .iter()
        .find(|n| n.id == nomination)
        .ok_or_else(|| lk.t("该提名已不存在", "that nomination no longer exists").to_string())?;
    let next: Vec<ReserveStatus> = ReserveStatus::ALL
        .iter()
        .copied()
        .filter(|to| n.status.can_move_to(*to) && (*to == ReserveStatus::Withdrawn) == withdraw)
        .collect();
    if next.is_empty() {
        let now = lk.t(n.status.zh(), n.status.en());
        return Err(if zh(lk) {
            format!("当前状态为{now}，不能再变动")
        } else {
            format!("the nomination is {now}; it cannot move")
        });
    }
    let z = zh(lk);
    let opts = enum_opts(&next, z, |s| [s.code(), s.zh(), s.en()]);
    let first = opts[0].label.clone();
    let reason = text("reason", "理由", "Reason", 500, "");
    let fields = vec![
        Field::new("status", "变为", "Move to", FieldKind::Choice(opts), &first).required(),
        date("date", "日期", "Date", Some(lk.today)).required(),
        if withdraw { reason.required() } else { reason },
    ];
    let verb =
        if withdraw { lk.t("退出后备库", "Withdraw:") } else { lk.t("后备干部状态", "Reserve status:") };
    let title = format!("{verb} {}", crate::text::display_safe(lk.cadre_name(n.cadre_id)));
    let mut form = Form::new(kind.clone(), title, fields, Some(n.version), z);
    let now = if z {
        format!("现为{}（{} 起）", n.status.zh(), n.status_on)
    } else {
        format!("Now {} (since {})", n.status.en(), n.status_on)
    };
    form.notes.push(crate::app::view::TextLine { spans: vec![(now, crate::app::view::Tone::Muted)], indent: 2 });
    Ok(form)
}

/// The date of a move: not before the last one, not after today.
pub fn problems_move(form: &Form, lk: &Lookup, nomination: Id) -> Vec<FieldError> {
    let (Some(on), Some(n)) = (date_of(form, "date"), lk.data.nominations.iter().find(|n| n.id == nomination)) else {
        return Vec::new();
    };
    if on < n.status_on {
        let d = n.status_on;
        return vec![FieldError(
            "date",
            say(form, format!("不能早于上次变动 {d}"), format!("before the last change on {d}")),
        )];
    }
    judged(form, "date", crate::domain::plausible::happened(on, lk.today)).into_iter().collect()
}

pub fn command_move(form: &Form, lk: &Lookup, nomination: Id) -> Checked<Operation> {
    if !lk.data.nominations.iter().any(|n| n.id == nomination) {
        return Err(FieldError(
            "status",
            say(form, "该提名已不存在".into(), "that nomination no longer exists".into()),
        ));
    }
    let opts = form.get("status").map(|f| f.options().to_vec()).unwrap_or_default();
    let label = form.value("status");
    let to = opts
        .iter()
        .find(|o| o.label == label.trim() || o.aliases.iter().any(|a| a.eq_ignore_ascii_case(label.trim())))
        .and_then(|o| ReserveStatus::parse(&o.aliases[0]))
        .expect("checked");
    let on = form.get("date").and_then(Field::date).expect("checked");
    let reason = form.get("reason").map(Field::text).unwrap_or_default();
    if to == ReserveStatus::Withdrawn && reason.is_empty() {
        return Err(FieldError("reason", say(form, "退出须说明理由".into(), "withdrawing needs a reason".into())));
    }
    Ok(Operation::Move { nomination, version: form.version.unwrap_or_default(), to, on, reason })
}
