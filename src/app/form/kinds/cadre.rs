//! Adding and editing a cadre. (Archiving is not a form: it is one confirmed key.)

use super::*;
use crate::domain::plausible;
use crate::store::NewCadre;

pub fn open(lk: &Lookup, kind: &FormKind) -> Result<Form, String> {
    let c = match kind {
        FormKind::EditCadre { cadre } => Some(lk.cadre(*cadre).ok_or_else(|| gone(lk))?),
        _ => None,
    };
    let s = |f: fn(&Cadre) -> &str| c.map_or("", f);
    let years = c.map_or(String::new(), |c| c.grassroots_years.to_string());
    let home = c.map_or("", |c| lk.unit_name(c.home_unit_id));
    let fields = vec![
        text("name", "姓名", "Name", 50, s(|c| &c.name)).required(),
        choice!("gender", "性别", "Sex", Gender, lk, c.map(|c| c.gender)).required(),
        date("birth date", "出生日期", "Born", c.map(|c| c.birth_date)).required(),
        choice!("political", "政治面貌", "Politics", Political, lk, c.map(|c| c.political)).required(),
        text("education", "学历", "Education", 50, s(|c| &c.education)),
        text("speciality", "专业特长", "Speciality", 100, s(|c| &c.speciality)),
        number("grassroots years", "基层经历(年)", "Grassroots yrs", (0.0, 59.9), false, &years),
        pick("home unit", ("单位", "Home unit"), ("单位", "unit"), unit_opts(lk, |_| true), home).required(),
        text("home post", "职务", "Home post", 100, s(|c| &c.home_post)),
    ];
    let title = match c {
        Some(c) => format!("{} {}", lk.t("修改干部信息", "Edit cadre"), crate::text::display_safe(&c.name)),
        None => lk.t("新增干部", "Add a cadre").to_string(),
    };
    Ok(Form::new(kind.clone(), title, fields, c.map(|c| c.version), lk.lang == crate::lang::Lang::Zh))
}

fn gone(lk: &Lookup) -> String {
    lk.t("该干部已不存在", "that cadre no longer exists").into()
}

/// A name that can be a person's, the birth date today and at the start of each of the
/// cadre's secondments, and grassroots years that fit the age.
pub fn problems(form: &Form, lk: &Lookup) -> Vec<FieldError> {
    let mut found: Vec<FieldError> = Vec::new();
    let name = crate::text::normalise_name(form.value("name"));
    if !name.is_empty() {
        found.extend(judged(form, "name", plausible::person_name(&name)));
    }
    let Some(born) = date_of(form, "birth date") else { return found };
    let policy = &lk.data.policy;
    let starts: Vec<chrono::NaiveDate> = match form.kind {
        FormKind::EditCadre { cadre } => lk.secondments_of(cadre).map(|s| s.start).collect(),
        _ => Vec::new(),
    };
    let on_birth = plausible::birth_date(born, lk.today, policy)
        .and_then(|()| starts.iter().try_for_each(|start| plausible::age_at_start(born, *start, policy)));
    found.extend(judged(form, "birth date", on_birth));
    if let Some(years) = form.get("grassroots years").and_then(Field::number) {
        found.extend(judged(form, "grassroots years", plausible::grassroots_years(years, born, lk.today)));
    }
    found
}

pub fn command(form: &Form, lk: &Lookup) -> Checked<Operation> {
    let born = form.get("birth date").and_then(Field::date).expect("checked");
    let new = NewCadre {
        name: crate::text::normalise_name(form.value("name")),
        gender: chosen(form, "gender", Gender::ALL).expect("checked"),
        birth_date: born,
        political: chosen(form, "political", Political::ALL).expect("checked"),
        education: form.get("education").map(Field::text).unwrap_or_default(),
        speciality: form.get("speciality").map(Field::text).unwrap_or_default(),
        grassroots_years: form.get("grassroots years").and_then(Field::number).unwrap_or(0.0),
        home_unit_id: form.get("home unit").and_then(Field::id).expect("checked"),
        home_post: form.get("home post").map(Field::text).unwrap_or_default(),
    };
    match form.kind {
        FormKind::EditCadre { cadre } => {
            let archived = lk.cadre(cadre).is_some_and(|c| c.archived);
            Ok(Operation::UpdateCadre(Cadre {
                id: cadre,
                name: new.name,
                gender: new.gender,
                birth_date: new.birth_date,
                political: new.political,
                education: new.education,
                speciality: new.speciality,
                grassroots_years: new.grassroots_years,
                home_unit_id: new.home_unit_id,
                home_post: new.home_post,
                archived,
                version: form.version.unwrap_or_default(),
            }))
        }
        _ => Ok(Operation::AddCadre(new)),
    }
}
