//! One form field: a `tui_input::Input` holding text, what kind of value it must be, and the
//! message shown next to it. Every kind keeps its value as text, so a draft is just strings
//! and a value restored from a draft is validated like a typed one.

use crate::domain::dates::parse_date;
use crate::domain::Id;
use crate::search::{Query, SearchKey};
use crate::text::{
    hidden_name, is_blank, is_forbidden, is_refused, refused_char, refused_in_lines, sanitize_paste,
    sanitize_paste_lines,
};
use chrono::NaiveDate;
use tui_input::{Input, InputRequest};

/// A choice or picker option. `aliases` are other spellings a draft or a paste may hold
/// (the stored code, the other language's label).
#[derive(Debug, Clone)]
pub struct Opt {
    pub id: Id,
    pub label: String,
    /// Shown dimmed after the label in a picker list (kind, district, posts).
    pub detail: String,
    pub aliases: Vec<String>,
    pub key: SearchKey,
}

impl Opt {
    pub fn new(id: Id, label: &str, detail: &str) -> Opt {
        let label = crate::text::display_safe(label).into_owned();
        let key = SearchKey::new(&format!("{label} {detail}"));
        Opt { id, label, detail: crate::text::display_safe(detail).into_owned(), aliases: Vec::new(), key }
    }

    /// An option whose label starts with a person's name (a partner): searched with the
    /// surname readings of the name's first character (`SearchKey::name`).
    pub fn person(id: Id, label: &str, detail: &str) -> Opt {
        let opt = Opt::new(id, label, detail);
        Opt { key: SearchKey::name(&format!("{} {}", opt.label, opt.detail)), ..opt }
    }

    fn is(&self, text: &str) -> bool {
        let t = text.trim();
        self.label == t || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(t))
    }
}

/// Options for a coded enum: the id is the position in `all`, the label in the UI language.
pub fn enum_opts<T: Copy>(all: &[T], zh: bool, names: impl Fn(T) -> [&'static str; 3]) -> Vec<Opt> {
    all.iter()
        .enumerate()
        .map(|(i, v)| {
            let [code, z, e] = names(*v);
            let mut opt = Opt::new(i as Id, if zh { z } else { e }, "");
            opt.aliases = vec![code.into(), z.into(), e.into()];
            opt
        })
        .collect()
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text {
        max: usize,
    },
    /// `YYYY-MM-DD`, a real calendar date.
    Date,
    Number {
        min: f64,
        max: f64,
        integer: bool,
    },
    /// A few fixed values, shown side by side: ←/→ or a digit choose.
    Choice(Vec<Opt>),
    /// One of many records (units, batches, partners): typed text narrows, Enter lists them.
    Pick {
        noun: (&'static str, &'static str),
        options: Vec<Opt>,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Stable name: the key in drafts, and the field name the store's `Invalid` errors use.
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub input: Input,
    /// The value when the form opened: what "unsaved changes" and re-applying compare with.
    pub initial: String,
    pub error: Option<String>,
    /// Something the user should know that is not an error (characters removed from a paste).
    pub notice: Option<String>,
    /// Changed by the user (an untouched field may still be filled in from others).
    pub touched: bool,
    /// Left after a change: from then on the field says what is wrong with it, also when that
    /// depends on other fields (a birth date that makes the grassroots years impossible).
    pub left: bool,
    /// `error` comes from a check across fields (`kinds::problems`), not from the value alone:
    /// it is recomputed when any field changes.
    pub across: bool,
    /// The whole value is selected (on entering a filled-in field): typing replaces it, a
    /// deletion clears it, moving the caret keeps it. Without this a typed date was appended
    /// to the one filled in (`2026-11-272026-11-20`).
    pub selected: bool,
    /// Keeps line breaks (notes, vetting conclusions, evaluation summaries): Enter starts a
    /// new line, a paste keeps its lines.
    pub multiline: bool,
}

/// Chooses the message in the session's language.
pub fn say(zh: bool, z: String, e: String) -> String {
    if zh {
        z
    } else {
        e
    }
}

impl Field {
    pub fn new(key: &'static str, zh: &'static str, en: &'static str, kind: FieldKind, value: &str) -> Field {
        Field {
            key,
            zh,
            en,
            kind,
            required: false,
            input: Input::new(value.to_string()),
            initial: value.to_string(),
            error: None,
            notice: None,
            touched: false,
            left: false,
            across: false,
            selected: false,
            multiline: false,
        }
    }

    pub fn multiline(mut self) -> Field {
        self.multiline = true;
        self
    }

    /// Entering the field: a filled-in text, date, number or picker is selected whole.
    pub fn enter(&mut self) {
        // A long text is added to more often than replaced: the caret goes to its end instead.
        self.selected = !self.is_choice() && !self.multiline && !self.value().is_empty();
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn label(&self, zh: bool) -> &'static str {
        if zh {
            self.zh
        } else {
            self.en
        }
    }

    /// Replaces the value (not a user edit: `touched` stays as it was).
    pub fn set(&mut self, value: &str) {
        self.input = Input::new(value.to_string());
    }

    pub fn options(&self) -> &[Opt] {
        match &self.kind {
            FieldKind::Choice(o) | FieldKind::Pick { options: o, .. } => o,
            _ => &[],
        }
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.kind, FieldKind::Choice(_))
    }

    pub fn is_pick(&self) -> bool {
        matches!(self.kind, FieldKind::Pick { .. })
    }

    /// What the field says about its own value: `None` when it is acceptable.
    pub fn check(&self, zh: bool) -> Option<String> {
        let v = self.value();
        let refused = if self.multiline { refused_in_lines(v) } else { refused_char(v) };
        if let Some(m) = refused {
            return Some(say(zh, m.zh, m.en));
        }
        if is_blank(v) {
            return self.required.then(|| say(zh, "必填".into(), "required".into()));
        }
        let t = v.trim();
        match &self.kind {
            FieldKind::Text { max } => {
                let n = v.chars().count();
                (n > *max)
                    .then(|| say(zh, format!("{n} 个字，最多 {max} 个"), format!("{n} characters; at most {max}")))
            }
            FieldKind::Date => parse_date(t).err().map(|_| {
                if t.len() == 10 && t.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    say(zh, format!("{t} 不是真实的日期"), format!("{t} is not a real calendar date"))
                } else {
                    say(zh, "日期格式为 YYYY-MM-DD".into(), "a date is written YYYY-MM-DD".into())
                }
            }),
            FieldKind::Number { min, max, integer } => match t.parse::<f64>() {
                Err(_) => Some(say(zh, format!("“{t}”不是数字"), format!("'{t}' is not a number"))),
                Ok(n) if *integer && n.fract() != 0.0 => Some(say(zh, "应为整数".into(), "a whole number".into())),
                Ok(n) if !n.is_finite() || n < *min || n > *max => {
                    Some(say(zh, format!("应在 {min} 到 {max} 之间"), format!("between {min} and {max}")))
                }
                Ok(_) => None,
            },
            FieldKind::Choice(opts) => (!opts.iter().any(|o| o.is(t))).then(|| {
                let all: Vec<&str> = opts.iter().map(|o| o.label.as_str()).collect();
                say(
                    zh,
                    format!("“{t}”不是可选值（{}）", all.join("、")),
                    format!("'{t}' is not one of {}", all.join(", ")),
                )
            }),
            FieldKind::Pick { noun, .. } => self.resolve().err().map(|n| {
                if n == 0 {
                    say(zh, format!("没有与“{t}”相符的{}", noun.0), format!("no {} matches '{t}'", noun.1))
                } else {
                    say(
                        zh,
                        format!("有 {n} 个{}相符，按 Enter 选择", noun.0),
                        format!("{n} match; press Enter to choose"),
                    )
                }
            }),
        }
    }

    /// A picker's record: the option whose label is the text, else the only one matching the
    /// text as a search. `Err(n)`: none or `n` match.
    pub fn resolve(&self) -> Result<Option<Id>, usize> {
        let t = self.value().trim();
        if t.is_empty() {
            return Ok(None);
        }
        let opts = self.options();
        if let Some(o) = opts.iter().find(|o| o.is(t)) {
            return Ok(Some(o.id));
        }
        let q = Query::new(t);
        let hits: Vec<&Opt> = opts.iter().filter(|o| o.key.is_match(&q)).collect();
        match hits.as_slice() {
            [one] => Ok(Some(one.id)),
            _ => Err(hits.len()),
        }
    }

    /// The option whose label (or alias) the value is exactly.
    pub fn named(&self) -> Option<&Opt> {
        self.options().iter().find(|o| o.is(self.value()))
    }

    /// The chosen option's id (choice or picker), when the value names one.
    pub fn id(&self) -> Option<Id> {
        match &self.kind {
            FieldKind::Choice(opts) => opts.iter().find(|o| o.is(self.value())).map(|o| o.id),
            FieldKind::Pick { .. } => self.resolve().ok().flatten(),
            _ => None,
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        parse_date(self.value()).ok()
    }

    pub fn number(&self) -> Option<f64> {
        self.value().trim().parse().ok()
    }

    /// The text as it will be stored (`text::normalise`: NFC, trimmed of every kind of space).
    pub fn text(&self) -> String {
        if self.multiline {
            crate::text::normalise_lines(self.value())
        } else {
            crate::text::normalise(self.value())
        }
    }

    /// A key typed into the field; true when the value changed.
    pub fn edit(&mut self, req: InputRequest, zh: bool) -> bool {
        if let InputRequest::InsertChar(c) = req {
            if is_refused(c) && !(self.multiline && c == '\n') {
                let code = format!("U+{:04X}", c as u32);
                self.notice = Some(match hidden_name(c).filter(|_| !is_forbidden(c)) {
                    Some((z, e)) => say(
                        zh,
                        format!("不可见字符 {code}（{z}）不能输入"),
                        format!("the invisible character {code} ({e}) is not typed"),
                    ),
                    None => {
                        say(zh, format!("控制字符 {code} 不能输入"), format!("control character {code} is not typed"))
                    }
                });
                return false;
            }
        }
        let before = self.value().to_string();
        if std::mem::take(&mut self.selected) && !self.is_choice() {
            match req {
                InputRequest::InsertChar(_) => self.input = Input::default(),
                InputRequest::DeletePrevChar
                | InputRequest::DeleteNextChar
                | InputRequest::DeletePrevWord
                | InputRequest::DeleteNextWord
                | InputRequest::DeleteLine => {
                    self.input = Input::default();
                    return self.changed(&before);
                }
                _ => {}
            }
        }
        if let FieldKind::Choice(opts) = &self.kind {
            let pick = match req {
                InputRequest::InsertChar(c) => choose_by_key(opts, self.value(), c),
                InputRequest::DeletePrevChar | InputRequest::DeleteNextChar | InputRequest::DeleteLine => {
                    Some(String::new())
                }
                _ => None,
            };
            if let Some(v) = pick {
                self.set(&v);
            }
        } else {
            self.input.handle(req);
        }
        self.changed(&before)
    }

    fn changed(&mut self, before: &str) -> bool {
        let changed = self.value() != before;
        if changed {
            self.touched = true;
        }
        changed
    }

    /// ←/→: the previous or next option of a choice; the caret elsewhere.
    pub fn step(&mut self, forward: bool) -> bool {
        self.selected = false;
        let FieldKind::Choice(opts) = &self.kind else {
            self.input.handle(if forward { InputRequest::GoToNextChar } else { InputRequest::GoToPrevChar });
            return false;
        };
        if opts.is_empty() {
            return false;
        }
        let n = opts.len();
        let at = opts.iter().position(|o| o.is(self.value()));
        let next = match (at, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        let before = self.value().to_string();
        let label = opts[next].label.clone();
        self.set(&label);
        self.changed(&before)
    }

    /// A bracketed paste: one line, control, bidi and invisible characters removed (and said so,
    /// naming an invisible one: it would otherwise pass unseen).
    pub fn paste(&mut self, text: &str, zh: bool) -> bool {
        let clean = if self.multiline { sanitize_paste_lines(text) } else { sanitize_paste(text) };
        let breaks = text.trim().contains(['\n', '\r', '\u{2028}', '\u{2029}']);
        let removed = text.chars().any(|c| is_forbidden(c) && !c.is_whitespace());
        let hidden = text.chars().find(|c| !is_forbidden(*c) && hidden_name(*c).is_some());
        self.notice = match (removed, hidden, breaks) {
            (_, Some(c), _) => {
                let (z, e) = hidden_name(c).expect("found by name");
                let code = format!("U+{:04X}", c as u32);
                Some(say(
                    zh,
                    format!("已去掉粘贴内容中的不可见字符（如 {code} {z}）"),
                    format!("invisible characters (such as {code}, {e}) were removed from the paste"),
                ))
            }
            (true, _, _) => Some(say(
                zh,
                "已去掉粘贴内容中的控制或双向控制字符".into(),
                "control or bidi characters were removed from the paste".into(),
            )),
            (false, None, true) if !self.multiline => {
                Some(say(zh, "多行粘贴已合并为一行".into(), "the pasted lines were joined into one".into()))
            }
            _ => None,
        };
        let before = self.value().to_string();
        if let FieldKind::Choice(opts) = &self.kind {
            match opts.iter().find(|o| o.is(&clean)) {
                Some(o) => {
                    let label = o.label.clone();
                    self.set(&label);
                }
                None => self.set(&clean),
            }
        } else {
            if std::mem::take(&mut self.selected) {
                self.input = Input::default();
            }
            for c in clean.chars() {
                self.input.handle(InputRequest::InsertChar(c));
            }
        }
        self.changed(&before)
    }
}

/// A key pressed on a choice: a digit picks by position, a letter the next option whose
/// code or label starts with it.
fn choose_by_key(opts: &[Opt], current: &str, c: char) -> Option<String> {
    if let Some(d) = c.to_digit(10) {
        return opts.get((d as usize).checked_sub(1)?).map(|o| o.label.clone());
    }
    let starts = |o: &Opt| {
        o.label.starts_with(c) || o.aliases.iter().any(|a| a.chars().next().is_some_and(|f| f.eq_ignore_ascii_case(&c)))
    };
    let at = opts.iter().position(|o| o.is(current)).map_or(0, |i| i + 1);
    let n = opts.len();
    (0..n).map(|k| &opts[(at + k) % n]).find(|o| starts(o)).map(|o| o.label.clone())
}
