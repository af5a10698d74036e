//! Every style and symbol of the screens, in one place. Only the 16 basic ANSI colours are used,
//! and nothing depends on colour alone: overdue carries the word 逾期 / overdue and a `!`, in
//! bold; under `NO_COLOR` (or `color: false`) the colours go and the words, bold, dim and
//! reverse video stay.

use crate::app::view::Tone;
use crate::app::Display;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::{bar, border};

/// A border of `+ - |` for terminals that draw box lines double-width.
pub const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Bars of `#` for `--ascii`: the block elements' widths are ambiguous too. A cell less than
/// half full shows `_`, so a short bar still shows.
pub const ASCII_BARS: bar::Set = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "#",
    five_eighths: "#",
    half: "#",
    three_eighths: "_",
    one_quarter: "_",
    one_eighth: "_",
    empty: " ",
};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    pub fn new(opts: &Display) -> Theme {
        Theme { color: opts.color, ascii: opts.ascii }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Normal => Style::new(),
            Tone::Overdue => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Tone::DueToday => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Tone::DueSoon => self.fg(Color::Yellow),
            Tone::Done => Style::new().add_modifier(Modifier::DIM),
            Tone::Cancelled => Style::new().add_modifier(Modifier::DIM | Modifier::CROSSED_OUT),
            Tone::Warning => self.fg(Color::Yellow),
            Tone::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Tone::Good => self.fg(Color::Green),
            Tone::Muted => Style::new().add_modifier(Modifier::DIM),
            Tone::Heading => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Tone::Label => self.fg(Color::Cyan),
        }
    }

    /// A cell's style: the row's tone, then the cell's own on top.
    pub fn cell(&self, row: Tone, cell: Tone) -> Style {
        self.tone(row).patch(self.tone(cell))
    }

    /// The selection: reverse video, one attribute, so it shows without colour (and with
    /// `--ascii`) and costs one SGR sequence each way. In lists only the selected row's first
    /// cell takes it, not the whole row (docs/SCREENS.md, "The selected row").
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// A search match inside a cell: underlined, and coloured when colours are on. Not bold:
    /// most terminals draw bold Chinese as they draw it plain, and a search key on a long list
    /// writes some fifty matches, each paying for the attribute twice.
    pub fn matched(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::UNDERLINED)
    }

    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn app_name(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn table_header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn sorted_header(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn tab(&self, active: bool) -> Style {
        if active {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        }
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn muted(&self) -> Style {
        self.tone(Tone::Muted)
    }

    /// A header count: overdue in red (reversed without colour, so it still stands out).
    pub fn count(&self, tone: Tone, n: usize) -> Style {
        if n == 0 {
            return self.muted();
        }
        match (tone, self.color) {
            (Tone::Overdue, false) => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            _ => self.tone(tone),
        }
    }

    /// A form field's input area: underlined where the caret is, so its extent shows even
    /// without colour.
    pub fn input(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::new()
        }
    }

    /// The label of the field being filled in.
    pub fn focused_label(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The chosen option of a choice field (reverse video: visible without colour).
    pub fn chosen(&self, focused: bool) -> Style {
        let s = Style::new().add_modifier(Modifier::REVERSED);
        if focused {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    /// The read-only banner in the header.
    pub fn banner(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub fn sort_marker(&self, reverse: bool) -> &'static str {
        match (self.ascii, reverse) {
            (true, false) => "^",
            (true, true) => "v",
            (false, false) => "▲",
            (false, true) => "▼",
        }
    }

    /// The program's own words with no ambiguous-width symbol in ASCII mode (`…` as `...`).
    pub fn plain<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if self.ascii && text.contains('…') {
            text.replace('…', "...").into()
        } else {
            text.into()
        }
    }

    /// A chart's bars; the highlighted ones (Sanshui and Gaoming, where the policy steers
    /// cadres) in colour, the others in the text's.
    pub fn bar(&self, highlight: bool) -> Style {
        if highlight {
            self.fg(Color::Cyan)
        } else {
            Style::new()
        }
    }

    /// The count written on a bar: reverse video, so it reads as part of the bar with or
    /// without colour.
    pub fn bar_value(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn bar_set(&self) -> bar::Set<'static> {
        if self.ascii {
            ASCII_BARS
        } else {
            bar::NINE_LEVELS
        }
    }

    /// Separates parts of a title or the header.
    pub fn dot(&self) -> &'static str {
        if self.ascii {
            " | "
        } else {
            " · "
        }
    }

    /// What a cut cell ends with (`…` is ambiguous-width, so ASCII mode uses `~`).
    pub fn ellipsis(&self) -> Option<&'static str> {
        self.ascii.then_some("~")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn without_colour_overdue_is_still_bold_and_nothing_is_coloured() {
        let theme = Theme { color: false, ascii: false };
        let s = theme.tone(Tone::Overdue);
        assert_eq!(s.fg, None);
        assert!(s.add_modifier.contains(Modifier::BOLD));
        for tone in [Tone::DueSoon, Tone::Warning, Tone::Good, Tone::Heading] {
            assert_eq!(theme.tone(tone).fg, None);
        }
        assert!(theme.count(Tone::Overdue, 3).add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn ascii_border_is_plain_ascii() {
        let theme = Theme::new(&Display { ascii: true, ..Display::new(Lang::En) });
        let set = theme.border_set();
        for s in [set.top_left, set.vertical_left, set.horizontal_top] {
            assert!(s.is_ascii());
        }
    }
}
