//! The list a picker field opens: its options filtered as you type (pinyin too, the same
//! search as `/`), ↑/↓ to move, Enter to take one.

use super::field::Opt;
use crate::search::Query;
use crate::text::{is_forbidden, sanitize_paste};
use tui_input::{Input, InputRequest};

#[derive(Debug, Clone)]
pub struct Picker {
    /// The field (position in the form) it fills.
    pub field: usize,
    pub input: Input,
    /// Positions of the options left by the search.
    pub visible: Vec<usize>,
    pub selected: usize,
}

impl Picker {
    /// Opens on `opts`; `text` is what the field held: an exact option is preselected with
    /// the whole list shown, anything else becomes the search.
    pub fn open(field: usize, opts: &[Opt], text: &str) -> Picker {
        let exact = opts.iter().position(|o| o.label == text.trim());
        let query = if exact.is_some() { String::new() } else { sanitize_paste(text) };
        let mut p = Picker { field, input: Input::new(query), visible: Vec::new(), selected: 0 };
        p.refresh(opts);
        if let Some(i) = exact {
            p.selected = p.visible.iter().position(|&v| v == i).unwrap_or(0);
        }
        p
    }

    pub fn refresh(&mut self, opts: &[Opt]) {
        let q = Query::new(self.input.value());
        self.visible = (0..opts.len()).filter(|&i| opts[i].key.is_match(&q)).collect();
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn edit(&mut self, req: InputRequest, opts: &[Opt]) {
        if matches!(req, InputRequest::InsertChar(c) if is_forbidden(c)) {
            return;
        }
        if self.input.handle(req).is_some_and(|c| c.value) {
            self.selected = 0;
            self.refresh(opts);
        }
    }

    pub fn paste(&mut self, text: &str, opts: &[Opt]) {
        for c in sanitize_paste(text).chars() {
            self.input.handle(InputRequest::InsertChar(c));
        }
        self.selected = 0;
        self.refresh(opts);
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// The option under the selection.
    pub fn chosen(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }
}
