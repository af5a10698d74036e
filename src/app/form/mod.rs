//! Forms: a list of fields, the focus, and what the form says about itself. What each form
//! holds and how its values become a store command lives in `kinds`; this file is the part
//! every form shares (moving between fields, typing, pasting, messages, drafts).
//!
//! Messages are calm: a field is checked when the user leaves it (if they changed it) and
//! re-checked on every key once it shows a message, so the message goes as soon as it is
//! fixed; the whole form is checked on save. What depends on other fields (an age at the
//! start, grassroots years against the birth date) is checked the same way: shown once the
//! field has been left, recomputed whenever any field changes (`kinds::problems`).

pub mod field;
mod kinds;
pub mod picker;
#[cfg(test)]
mod tests;

pub use field::{enum_opts, Field, FieldKind, Opt};
pub use kinds::{command, open, FormKind};
pub use picker::Picker;

use super::view::{Lookup, TextLine, Tone};
use tui_input::InputRequest;

#[derive(Debug, Clone)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The record's version when the form was filled (`None` for a new record).
    pub version: Option<i64>,
    /// What the form works out from the values (the planned end, what ending early does).
    pub notes: Vec<TextLine>,
    /// About the last save attempt (busy, disk full, a conflict, a store message).
    pub message: Option<(Tone, String)>,
    pub picker: Option<Picker>,
    pub zh: bool,
    /// Restored from a draft file: the file goes once the form is saved or discarded.
    pub from_draft: bool,
}

impl Form {
    pub fn new(kind: FormKind, title: String, mut fields: Vec<Field>, version: Option<i64>, zh: bool) -> Form {
        if let Some(first) = fields.first_mut() {
            first.enter();
        }
        Form {
            kind,
            title,
            fields,
            focus: 0,
            version,
            notes: Vec::new(),
            message: None,
            picker: None,
            zh,
            from_draft: false,
        }
    }

    /// The title as it reads once saved. An edit form names its record by the name it was
    /// opened with; after a rename the message names the record by its new name.
    pub fn saved_title(&self) -> String {
        let key = match self.kind {
            FormKind::EditCadre { .. } => "name",
            FormKind::EditUnit { .. } => "unit name",
            FormKind::EditBatch { .. } => "batch name",
            _ => return self.title.clone(),
        };
        let Some(f) = self.get(key) else { return self.title.clone() };
        let old = crate::text::display_safe(&f.initial).into_owned();
        let new = crate::text::display_safe(&f.text()).into_owned();
        match self.title.strip_suffix(old.as_str()) {
            Some(head) => format!("{head}{new}"),
            None => self.title.clone(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    /// The field's text ("" for a field the form does not have).
    pub fn value(&self, key: &str) -> &str {
        self.get(key).map_or("", Field::value)
    }

    /// Sets a field's text as if typed (tests, drafts, re-applying after a conflict).
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match self.get_mut(key) {
            Some(f) => {
                f.set(value);
                f.touched = true;
                true
            }
            None => false,
        }
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Whether anything differs from what the form opened with.
    pub fn dirty(&self) -> bool {
        self.fields.iter().any(|f| f.value() != f.initial)
    }

    /// Moves the focus by `delta` fields (wrapping), checking the field left behind.
    pub fn go(&mut self, delta: isize) {
        let n = self.fields.len();
        if n == 0 {
            return;
        }
        self.leave(self.focus);
        self.focus = (self.focus as isize + delta).rem_euclid(n as isize) as usize;
        self.fields[self.focus].enter();
    }

    pub fn focus_key(&mut self, key: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.key == key) {
            self.focus = i;
            self.fields[i].enter();
        }
    }

    /// Leaving a field: a picker's text that names exactly one record becomes its label, and
    /// a changed field says what is wrong with it.
    fn leave(&mut self, i: usize) {
        let zh = self.zh;
        let Some(f) = self.fields.get_mut(i) else { return };
        f.selected = false;
        if f.is_pick() {
            if let Ok(Some(id)) = f.resolve() {
                if let Some(label) = f.options().iter().find(|o| o.id == id).map(|o| o.label.clone()) {
                    f.set(&label);
                }
            }
        }
        if f.touched {
            f.error = f.check(zh);
            f.across = false;
            f.left = true;
        }
        f.notice = None;
    }

    /// A key for the focused field; true when its value changed.
    pub fn edit(&mut self, req: InputRequest) -> bool {
        let zh = self.zh;
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        // A notice stays while the field is being typed in: a refused character arrives with
        // the keys after it (an IME, a terminal that types a paste), and would vanish unseen.
        let changed = f.edit(req, zh);
        if changed && f.error.is_some() {
            f.error = f.check(zh);
            f.across = false;
        }
        changed
    }

    pub fn paste(&mut self, text: &str) -> bool {
        let zh = self.zh;
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        let changed = f.paste(text, zh);
        if changed && f.error.is_some() {
            f.error = f.check(zh);
            f.across = false;
        }
        changed
    }

    /// ←/→ on the focused field.
    pub fn step(&mut self, forward: bool) -> bool {
        let zh = self.zh;
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        let changed = f.step(forward);
        if changed {
            f.notice = None;
            f.error = f.error.as_ref().and_then(|_| f.check(zh));
            f.across = false;
        }
        changed
    }

    /// Checks every field on its own; true when all are acceptable. The focus goes to the
    /// first one with a message.
    pub fn check_fields(&mut self) -> bool {
        let zh = self.zh;
        for f in &mut self.fields {
            f.error = f.check(zh);
            f.across = false;
        }
        self.focus_first_error()
    }

    /// Puts `message` next to the field called `key` (the store's field names are the keys);
    /// a message for no field of the form goes to the form's own message line.
    pub fn set_error(&mut self, key: &str, message: String) {
        match self.get_mut(key) {
            Some(f) => {
                f.error = Some(message);
                f.across = false;
            }
            None => self.message = Some((Tone::Error, message)),
        }
        self.focus_first_error();
    }

    /// Shows the checks across fields (`problems`: field key and message) on the fields the
    /// user has left, or on every field (`all`, on save); clears those that no longer apply.
    /// A field's message about its own value stays first.
    pub fn show_problems(&mut self, problems: &[(&'static str, String)], all: bool) {
        for f in &mut self.fields {
            if !(all || f.left) || (f.error.is_some() && !f.across) {
                continue;
            }
            let found = problems.iter().find(|(key, _)| *key == f.key).map(|(_, m)| m.clone());
            f.across = found.is_some();
            f.error = found;
        }
    }

    fn focus_first_error(&mut self) -> bool {
        match self.fields.iter().position(|f| f.error.is_some()) {
            Some(i) => {
                // Reached from another field, its text is selected as on Tab: what is typed next
                // replaces the refused value instead of adding to it.
                if i != self.focus {
                    self.fields[self.focus].selected = false;
                    self.focus = i;
                    self.fields[i].enter();
                }
                false
            }
            None => true,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Opens the list of the focused picker field; false when it is not a picker.
    pub fn open_picker(&mut self) -> bool {
        match self.fields.get(self.focus) {
            Some(f) if f.is_pick() => {
                self.picker = Some(Picker::open(self.focus, f.options(), f.value()));
                true
            }
            _ => false,
        }
    }

    /// Takes the option under the picker's selection into its field.
    pub fn pick(&mut self) -> bool {
        let Some(p) = self.picker.take() else { return false };
        let Some(f) = self.fields.get_mut(p.field) else { return false };
        let Some(label) = p.chosen().and_then(|i| f.options().get(i)).map(|o| o.label.clone()) else {
            self.picker = Some(p);
            return false;
        };
        f.set(&label);
        f.touched = true;
        f.left = true;
        f.error = None;
        f.across = false;
        f.notice = None;
        true
    }

    /// (key, value) of every field, for a draft.
    pub fn values(&self) -> Vec<(String, String)> {
        self.fields.iter().map(|f| (f.key.to_string(), f.value().to_string())).collect()
    }

    pub fn initial_values(&self) -> Vec<(String, String)> {
        self.fields.iter().map(|f| (f.key.to_string(), f.initial.clone())).collect()
    }

    /// Recomputes what depends on the values (filled-in fields, notes).
    pub fn recompute(&mut self, lk: &Lookup) {
        kinds::changed(self, lk);
    }
}

/// Builds a form and fills in what depends on its values.
pub fn build(lk: &Lookup, kind: &FormKind) -> Result<Form, String> {
    let mut form = open(lk, kind)?;
    form.recompute(lk);
    Ok(form)
}
