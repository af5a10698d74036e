//! The forms there are: what each one holds, the checks across its fields, and the store
//! command its values become. `FormKind` names a form and its record; it is all a draft needs
//! (with the typed values) to build the form again at the next start.

mod cadre;
mod record;
mod reference;
mod reserve;
mod secondment;

use super::field::{enum_opts, Field, FieldKind, Opt};
use super::Form;
use crate::app::operation::Operation;
use crate::app::view::Lookup;
use crate::domain::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum FormKind {
    AddCadre,
    EditCadre { cadre: Id },
    AddSecondment { cadre: Id },
    Pair { secondment: Id },
    EndEarly { secondment: Id },
    Review { review: Id },
    Vetting { secondment: Id },
    Evaluation { secondment: Id },
    Note { cadre: Id },
    Admit { secondment: Id },
    Move { nomination: Id, withdraw: bool },
    AddUnit,
    EditUnit { unit: Id },
    AddBatch,
    EditBatch { batch: Id },
    Policy,
}

impl FormKind {
    /// The cadre the form is about, if any (the list keeps them selected after a save).
    pub fn cadre(&self, lk: &Lookup) -> Option<Id> {
        use FormKind::*;
        match self {
            EditCadre { cadre } | AddSecondment { cadre } | Note { cadre } => Some(*cadre),
            Pair { secondment } | EndEarly { secondment } | Vetting { secondment } | Evaluation { secondment } => {
                lk.secondment(*secondment).map(|s| s.cadre_id)
            }
            Admit { secondment } => lk.secondment(*secondment).map(|s| s.cadre_id),
            Review { review } => lk
                .data
                .reviews
                .iter()
                .find(|r| r.id == *review)
                .and_then(|r| lk.secondment(r.secondment_id))
                .map(|s| s.cadre_id),
            Move { nomination, .. } => lk.data.nominations.iter().find(|n| n.id == *nomination).map(|n| n.cadre_id),
            AddCadre | AddUnit | EditUnit { .. } | AddBatch | EditBatch { .. } | Policy => None,
        }
    }
}

/// Builds the form for `kind` from the data, or says why it cannot be filled in.
pub fn open(lk: &Lookup, kind: &FormKind) -> Result<Form, String> {
    use FormKind::*;
    match kind {
        AddCadre | EditCadre { .. } => cadre::open(lk, kind),
        AddSecondment { cadre } => secondment::open_add(lk, kind, *cadre),
        Pair { secondment } => secondment::open_pair(lk, kind, *secondment),
        EndEarly { secondment } => secondment::open_end(lk, kind, *secondment),
        Review { review } => record::open_review(lk, kind, *review),
        Vetting { secondment } => record::open_vetting(lk, kind, *secondment),
        Evaluation { secondment } => record::open_evaluation(lk, kind, *secondment),
        Note { cadre } => record::open_note(lk, kind, *cadre),
        Admit { secondment } => reserve::open_admit(lk, kind, *secondment),
        Move { nomination, withdraw } => reserve::open_move(lk, kind, *nomination, *withdraw),
        AddUnit | EditUnit { .. } => reference::open_unit(lk, kind),
        AddBatch | EditBatch { .. } => reference::open_batch(lk, kind),
        Policy => reference::open_policy(lk, kind),
    }
}

/// The whole form's checks: each field on its own, then across fields. `Some`: the command to
/// run; `None`: the messages are on the fields and nothing may be written.
pub fn command(form: &mut Form, lk: &Lookup) -> Option<Operation> {
    form.message = None;
    // Every message at once: the checks across fields too when a field is wrong on its own
    // (a field's own message stays; checks that need its value skip it).
    let each_ok = form.check_fields();
    let found = problems(form, lk);
    if !each_ok || !found.is_empty() {
        form.show_problems(&found, true);
        form.focus_first_error();
        return None;
    }
    use FormKind::*;
    let result = match form.kind.clone() {
        AddCadre | EditCadre { .. } => cadre::command(form, lk),
        AddSecondment { cadre } => secondment::command_add(form, lk, cadre),
        Pair { secondment } => secondment::command_pair(form, lk, secondment),
        EndEarly { secondment } => secondment::command_end(form, lk, secondment),
        Review { review } => record::command_review(form, lk, review),
        Vetting { secondment } => record::command_vetting(form, lk, secondment),
        Evaluation { secondment } => record::command_evaluation(form, lk, secondment),
        Note { cadre } => record::command_note(form, lk, cadre),
        Admit { secondment } => reserve::command_admit(form, lk, secondment),
        Move { nomination, .. } => reserve::command_move(form, lk, nomination),
        AddUnit | EditUnit { .. } => reference::command_unit(form, lk),
        AddBatch | EditBatch { .. } => reference::command_batch(form, lk),
        Policy => reference::command_policy(form),
    };
    match result {
        Ok(cmd) => Some(cmd),
        Err(FieldError(key, message)) => {
            form.set_error(key, message);
            None
        }
    }
}

/// Fills in what follows from the values, recomputes the notes, and shows what is implausible
/// about the fields already left.
pub fn changed(form: &mut Form, lk: &Lookup) {
    match form.kind.clone() {
        FormKind::AddSecondment { .. } => secondment::changed_add(form, lk),
        FormKind::Pair { secondment } => secondment::changed_pair(form, lk, secondment),
        FormKind::EndEarly { secondment } => secondment::changed_end(form, lk, secondment),
        FormKind::Policy => reference::changed_policy(form),
        _ => {}
    }
    let found = problems(form, lk);
    form.show_problems(&found, false);
}

/// What the values say that cannot be true, field by field (the rules of
/// `domain::plausible`, which the store applies again on save). Only fields whose own value
/// is acceptable are judged.
pub fn problems(form: &Form, lk: &Lookup) -> Vec<(&'static str, String)> {
    use FormKind::*;
    let found: Vec<FieldError> = match form.kind.clone() {
        AddCadre | EditCadre { .. } => cadre::problems(form, lk),
        AddSecondment { cadre } => secondment::problems_add(form, lk, cadre),
        EndEarly { secondment } => secondment::problems_end(form, lk, secondment),
        Review { review } => record::problems_review(form, lk, review),
        Vetting { secondment } => record::problems_vetting(form, lk, secondment),
        Note { .. } | Admit { .. } => record::problems_happened(form, lk, "date"),
        Move { nomination, .. } => reserve::problems_move(form, lk, nomination),
        AddBatch | EditBatch { .. } => reference::problems_batch(form, lk),
        Policy => reference::problems_policy(form),
        Evaluation { secondment } => record::problems_evaluation(form, lk, secondment),
        Pair { .. } | AddUnit | EditUnit { .. } => Vec::new(),
    };
    found
        .into_iter()
        .filter(|FieldError(key, _)| form.get(key).is_some_and(|f| f.check(form.zh).is_none()))
        .map(|FieldError(k, m)| (k, m))
        .collect()
}

/// The date a field holds, when it holds one.
fn date_of(form: &Form, key: &str) -> Option<chrono::NaiveDate> {
    form.get(key).and_then(Field::date)
}

/// A plausibility verdict as a problem of field `key`, in the form's language.
fn judged(form: &Form, key: &'static str, verdict: crate::domain::plausible::Verdict) -> Option<FieldError> {
    verdict.err().map(|m| FieldError(key, m.get(lang(form)).to_string()))
}

/// A check across fields failed: the field it belongs to and the message.
pub struct FieldError(pub &'static str, pub String);

type Checked<T> = Result<T, FieldError>;

/// The message in the form's language.
fn say(form: &Form, zh: String, en: String) -> String {
    super::field::say(form.zh, zh, en)
}

/// The form's language.
fn lang(form: &Form) -> crate::lang::Lang {
    if form.zh {
        crate::lang::Lang::Zh
    } else {
        crate::lang::Lang::En
    }
}

fn text(key: &'static str, zh: &'static str, en: &'static str, max: usize, value: &str) -> Field {
    Field::new(key, zh, en, FieldKind::Text { max }, value)
}

fn date(key: &'static str, zh: &'static str, en: &'static str, value: Option<chrono::NaiveDate>) -> Field {
    Field::new(key, zh, en, FieldKind::Date, &value.map(|d| d.to_string()).unwrap_or_default())
}

fn number(key: &'static str, zh: &'static str, en: &'static str, range: (f64, f64), integer: bool, v: &str) -> Field {
    Field::new(key, zh, en, FieldKind::Number { min: range.0, max: range.1, integer }, v)
}

fn pick(
    key: &'static str,
    label: (&'static str, &'static str),
    noun: (&'static str, &'static str),
    options: Vec<Opt>,
    value: &str,
) -> Field {
    Field::new(key, label.0, label.1, FieldKind::Pick { noun, options }, value)
}

/// A choice over a coded enum, set to `value`'s label.
macro_rules! choice {
    ($key:expr, $zh:expr, $en:expr, $ty:ty, $lk:expr, $value:expr) => {{
        let zh = $lk.lang == crate::lang::Lang::Zh;
        let opts = enum_opts(<$ty>::ALL, zh, |v| [v.code(), v.zh(), v.en()]);
        let value: Option<$ty> = $value;
        let label = value.map_or("", |v| if zh { v.zh() } else { v.en() });
        Field::new($key, $zh, $en, FieldKind::Choice(opts), label)
    }};
}
use choice;

/// The enum value a choice field names (fields are checked before this is called).
fn chosen<T: Copy>(form: &Form, key: &str, all: &[T]) -> Option<T> {
    form.get(key).and_then(Field::id).and_then(|i| all.get(usize::try_from(i).ok()?).copied())
}

/// Every unit as a picker option: its name, with kind and district.
fn unit_opts(lk: &Lookup, keep: impl Fn(&Unit) -> bool) -> Vec<Opt> {
    lk.data
        .units
        .iter()
        .filter(|u| keep(u))
        .map(|u| {
            let detail =
                format!("{}{}{}", lk.t(u.kind.zh(), u.kind.en()), lk.dot(), lk.t(u.district.zh(), u.district.en()));
            Opt::new(u.id, &u.name, &detail)
        })
        .collect()
}

fn today_or(lk: &Lookup, d: Option<chrono::NaiveDate>) -> Option<chrono::NaiveDate> {
    Some(d.unwrap_or(lk.today))
}
