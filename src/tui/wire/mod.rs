//! What a frame sends down the line: ratatui's crossterm backend with a cheaper `draw`.
//!
//! The stock `draw` moves the cursor before every cell that does not follow the last one by
//! one column, and a Chinese character is two columns wide: each character after one cost a
//! move of 7–8 bytes (for its 3), and a search keystroke that rewrites the list sent 8 KB at
//! 120×40. It also set each changed attribute with a sequence of its own. Here the cursor is
//! followed across wide characters, a move within the row is `CSI n C` or `CSI n G` (or, over
//! a gap of up to three plain cells, the cells themselves, which the wire remembers), a change
//! of style is one SGR sequence, and the sixteen named colours have their short codes. Rows a
//! frame only moves up or down are moved by the terminal (`shifts`). The rest does what the
//! stock backend does.

mod shifts;

use ratatui::backend::{Backend, ClearType, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::cursor::{Hide, MoveTo, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::style::Colored;
use ratatui::crossterm::terminal::{self, Clear};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;
use std::io::{self, Write};

pub struct Wire<W: Write> {
    writer: W,
    /// What the terminal shows, as far as the frames drawn tell, row by row.
    shown: Vec<Vec<Seen>>,
    /// Where the terminal's cursor is and whether it shows, when known: a frame that changed
    /// nothing then sends nothing (ratatui places and shows the cursor after every frame).
    cursor: Option<Position>,
    cursor_shown: Option<bool>,
    /// The terminal's width, once ratatui has asked for its size (every frame): a cursor in
    /// a column left of the last is where the wire thinks, so a line feed keeps its column.
    width: std::cell::Cell<Option<u16>>,
    /// Its height, likewise: rows are moved (`shifts`) only when both are known.
    height: std::cell::Cell<Option<u16>>,
    /// What the cells no frame drew show: blank after a clear of the whole screen.
    fill: Seen,
    /// What ratatui's last frame holds, as its diffs told (blank where none drew, as ratatui's
    /// buffers start and restart after a clear): what a cell a frame does not send is to show.
    frame: Vec<Vec<Cell>>,
}

/// One cell of the terminal, as the wire knows it.
#[derive(Debug, Clone, Default, PartialEq)]
enum Seen {
    /// Before the first frame, after a clear, beside a character of unsure width.
    #[default]
    Unknown,
    Cell(Cell),
    /// The right half of a wide character.
    Half,
    /// A half of a wide character erased when a character was drawn over the other half: blank,
    /// in colours and attributes the terminal chose.
    Erased,
}

impl<W: Write> Wire<W> {
    pub fn new(writer: W) -> Wire<W> {
        Wire {
            writer,
            shown: Vec::new(),
            cursor: None,
            cursor_shown: None,
            width: Default::default(),
            height: Default::default(),
            fill: Seen::Unknown,
            frame: Vec::new(),
        }
    }

    /// The cell at (`x`, `y`) of ratatui's last frame.
    fn in_frame(&self, x: u16, y: u16) -> Option<&Cell> {
        self.frame.get(usize::from(y)).and_then(|r| r.get(usize::from(x)))
    }

    /// Notes the cells ratatui sent as its frame's. The columns a wide character covers are
    /// blank in ratatui's buffer, and its diff never sends them.
    fn note_frame(&mut self, cells: &[(u16, u16, &Cell)]) {
        for &(x, y, cell) in cells {
            let (x, y) = (usize::from(x), usize::from(y));
            let covers = usize::from(text_width(cell.symbol()).max(1));
            if self.frame.len() <= y {
                self.frame.resize(y + 1, Vec::new());
            }
            let row = &mut self.frame[y];
            if row.len() < x + covers {
                row.resize(x + covers, Cell::default());
            }
            row[x] = cell.clone();
            row[x + 1..x + covers].fill(Cell::default());
        }
    }

    /// A wire to a terminal whose screen was just cleared.
    pub fn on_blank_screen(writer: W) -> Wire<W> {
        Wire { fill: Seen::Cell(Cell::default()), ..Wire::new(writer) }
    }

    fn seen(&self, x: u16, y: u16) -> &Seen {
        self.shown.get(usize::from(y)).and_then(|r| r.get(usize::from(x))).unwrap_or(&self.fill)
    }

    fn see(&mut self, x: u16, y: u16, seen: Seen) {
        let (x, y) = (usize::from(x), usize::from(y));
        if self.shown.len() <= y {
            self.shown.resize(y + 1, Vec::new());
        }
        let row = &mut self.shown[y];
        if row.len() <= x {
            row.resize(x + 1, self.fill.clone());
        }
        row[x] = seen;
    }

    fn wide_at(&self, x: u16, y: u16) -> bool {
        matches!(self.seen(x, y), Seen::Cell(c) if text_width(c.symbol()) > 1)
    }

    /// Notes `cell` drawn at (`x`, `y`), `width` columns wide (0: unsure). Drawing over half of
    /// a wide character erases its other half.
    fn remember(&mut self, x: u16, y: u16, cell: &Cell, width: u16) {
        if *self.seen(x, y) == Seen::Half && x > 0 {
            self.see(x - 1, y, Seen::Erased);
        }
        match width {
            1 => {
                if self.wide_at(x, y) {
                    self.see(x + 1, y, Seen::Erased);
                }
                self.see(x, y, Seen::Cell(cell.clone()));
            }
            2 => {
                if self.wide_at(x + 1, y) {
                    self.see(x + 2, y, Seen::Erased);
                }
                self.see(x, y, Seen::Cell(cell.clone()));
                self.see(x + 1, y, Seen::Half);
            }
            _ => {
                for dx in 0..3 {
                    self.see(x + dx, y, Seen::Unknown);
                }
            }
        }
    }

    /// Where row `y` of the frame being drawn (noted first: `note_frame`) can be erased to its
    /// end (`ESC[K`): from the column `from` the row is blank, looking as the erase leaves
    /// it, up to its last `MAX_KEPT` cells or fewer (a list's right border), which are then
    /// drawn again. `None` when the width is unknown or no blank stretch ends the row.
    fn tail(&self, y: u16) -> Option<Tail> {
        let width = self.width.get()?;
        let blank_cell = Cell::default();
        let at = |x: u16| self.in_frame(x, y).unwrap_or(&blank_cell);
        // A blank whose pen shows nothing on it (no background, nothing drawn across it)
        // looks as the erase leaves it.
        let blank = |c: &Cell| c.symbol() == " " && invisible_on_blank(pen_of(c));
        // The kept cells: the row's last ones that are not blank, each one column wide.
        let mut kept = Vec::new();
        while kept.len() < MAX_KEPT {
            let x = width.checked_sub(kept.len() as u16 + 1)?;
            let cell = at(x).clone();
            if blank(&cell) {
                break;
            }
            // Box lines are ambiguous in width; the cursor is then placed absolutely after
            // them (`put`), which is all the next kept cell needs.
            if text_width(cell.symbol()) != 1 {
                return None;
            }
            kept.push(cell);
        }
        kept.reverse();
        let keep = width - kept.len() as u16;
        let mut from = keep;
        while from > 0 {
            let x = from - 1;
            // The erase makes the terminal show the frame's cells, whatever it showed there
            // (halves of wide characters, symbols of unsure width).
            if !blank(at(x)) {
                break;
            }
            from = x;
        }
        (from < keep).then_some(Tail { from, keep, kept })
    }

    /// Draws `cell` at (`x`, `y`): the cursor moved there (or the cells before it written
    /// again), the pen changed, the symbol, and what the terminal now shows noted.
    fn put(&mut self, out: &mut String, pen: &mut Pen, at: &mut Option<(u16, u16)>, x: u16, y: u16, cell: &Cell) {
        if *at != Some((x, y)) {
            match at.and_then(|(ax, ay)| if ay == y { self.refill(ax, x, y, *pen) } else { None }) {
                Some(cells) => out.push_str(&cells),
                None => cursor_move(*at, x, y, self.width.get(), out),
            }
        }
        let want = pen_of(cell);
        if want != *pen {
            pen_change(*pen, want, out);
            *pen = want;
        }
        let symbol = cell.symbol();
        out.push_str(symbol);
        let advanced = advance(symbol);
        self.remember(x, y, cell, advanced.unwrap_or(0));
        *at = advanced.map(|w| (x + w.max(1), y));
    }

    /// The cells from `from` up to `to` in row `y`, when writing them again in `pen` is how to
    /// step over them: at most three, each a known plain ASCII character in `pen`, or a blank
    /// that looks the same in `pen`.
    fn refill(&self, from: u16, to: u16, y: u16, pen: Pen) -> Option<String> {
        if to <= from || to - from > 3 {
            return None;
        }
        (from..to)
            .map(|x| match self.seen(x, y) {
                Seen::Cell(c) if c.symbol() == " " && invisible_on_blank(pen) && invisible_on_blank(pen_of(c)) => {
                    Some(' ')
                }
                Seen::Cell(c) if pen_of(c) == pen => {
                    let b = *c.symbol().as_bytes().first()?;
                    (c.symbol().len() == 1 && (b' '..=b'~').contains(&b)).then_some(char::from(b))
                }
                Seen::Erased if invisible_on_blank(pen) => Some(' '),
                _ => None,
            })
            .collect()
    }

    /// What to send for `cells` (a diff of ratatui's, in order), the terminal's cursor anywhere
    /// and its pen plain; what the terminal shows is noted.
    fn render(&mut self, cells: &[(u16, u16, &Cell)]) -> String {
        let mut out = String::new();
        let mut pen = PLAIN;
        let mut at: Option<(u16, u16)> = None;
        // Where the row being drawn ends in `cells`, and its blank tail until the first cell
        // in it is reached: the erase is worth most there, and is weighed once.
        let (mut row_end, mut tail) = (0, None);
        let mut i = 0;
        while i < cells.len() {
            let (x, y, cell) = cells[i];
            if i >= row_end {
                row_end = i + cells[i..].iter().take_while(|c| c.1 == y).count();
                tail = self.tail(y);
            }
            if let Some(t) = tail.take_if(|t| x >= t.from && x < t.keep) {
                // What the erase costs at most, against about a byte a column left to draw
                // (ratatui sends a blank over a wide character once; its right half is then
                // stepped over). Erased cells take the pen's colours: the plain pen, as
                // ratatui's blanks have.
                let mut reset = String::new();
                if pen != PLAIN {
                    pen_change(pen, PLAIN, &mut reset);
                }
                let cost = reset.len() + ERASE_BYTES + t.kept_cost();
                let columns: usize = cells[i..row_end].iter().map(|c| if self.wide_at(c.0, y) { 2 } else { 1 }).sum();
                if columns > cost && *self.seen(x, y) != Seen::Half {
                    if at != Some((x, y)) {
                        cursor_move(at, x, y, self.width.get(), &mut out);
                    }
                    out.push_str(&reset);
                    pen = PLAIN;
                    out.push_str("\x1b[K");
                    for blank in x..self.width.get().unwrap_or(x) {
                        self.see(blank, y, Seen::Cell(Cell::default()));
                    }
                    at = Some((x, y));
                    for (k, c) in (t.keep..).zip(&t.kept) {
                        self.put(&mut out, &mut pen, &mut at, k, y, c);
                    }
                    i = row_end;
                    continue;
                }
            }
            self.put(&mut out, &mut pen, &mut at, x, y, cell);
            i += 1;
        }
        if pen != PLAIN {
            out.push_str("\x1b[m");
        }
        out
    }

    /// The frame just noted, from `cells`, or from the last frame (`before`) with some of its
    /// rows moved first (`shifts`), whichever is shorter.
    fn cheapest(&mut self, before: Option<Vec<Vec<Cell>>>, cells: &[(u16, u16, &Cell)]) -> String {
        let (Some(before), Some(width), Some(height)) = (before, self.width.get(), self.height.get()) else {
            return self.render(cells);
        };
        let new = &self.frame;
        let weights: Vec<u32> = (0..height).map(|y| row_weight(new, y, width)).collect();
        let blocks =
            shifts::moved_blocks(&row_hashes(&before, width, height), &row_hashes(new, width, height), &weights);
        let chosen = shifts::choose(&blocks, height, |old, y| {
            row_cost(old.map_or(&[][..], |o| row_of(&before, o)), row_of(new, y), width)
        });
        if chosen.is_empty() {
            return self.render(cells);
        }
        let start = self.shown.clone();
        let shifted = self.shifted(before, &chosen, width, height);
        let shown = std::mem::replace(&mut self.shown, start);
        let plain = self.render(cells);
        if shifted.len() < plain.len() {
            self.shown = shown;
            return shifted;
        }
        plain
    }

    /// The frame with `blocks` of the last frame's rows (`before`) moved by the terminal, then
    /// the cells that still differ; what the terminal then shows is noted.
    fn shifted(&mut self, mut before: Vec<Vec<Cell>>, blocks: &[shifts::Block], width: u16, height: u16) -> String {
        let blank = vec![Seen::Cell(Cell::default()); usize::from(width)];
        let mut out = String::new();
        for shift in shifts::shifts(blocks) {
            shift.write(&mut out);
            shift.apply(&mut before, &Vec::new(), &Vec::new());
            shift.apply(&mut self.shown, &Vec::new(), &blank);
        }
        out.push_str(shifts::RESET);
        let cells = changed_cells(&before, &self.frame, width, height);
        let cells: Vec<(u16, u16, &Cell)> = cells.iter().map(|(x, y, c)| (*x, *y, c)).collect();
        out.push_str(&self.render(&cells));
        out
    }
}

/// `ESC[K`: erasing to the end of the row costs this many bytes, against one a blank cell.
const ERASE_BYTES: usize = 3;

/// A frame that touches fewer rows moves none (`shifts`): checking costs a copy of the frame.
const MIN_ROWS_TO_SHIFT: usize = 3;

/// Row `y` of `rows`, empty (blank) when not held.
fn row_of(rows: &[Vec<Cell>], y: u16) -> &[Cell] {
    rows.get(usize::from(y)).map_or(&[][..], |r| &r[..])
}

/// About what drawing the row `new` over the row `old` costs (`width` cells, blank past their
/// ends): the bytes of each cell that differs, a move before each run of them, a change of
/// style where it changes.
fn row_cost(old: &[Cell], new: &[Cell], width: u16) -> u32 {
    let blank = Cell::default();
    let (mut cost, mut in_run, mut pen) = (0, false, PLAIN);
    for x in 0..usize::from(width) {
        let (o, n) = (old.get(x).unwrap_or(&blank), new.get(x).unwrap_or(&blank));
        if o == n {
            in_run = false;
            continue;
        }
        cost += n.symbol().len() as u32 + if in_run { 0 } else { 4 } + if pen_of(n) == pen { 0 } else { 6 };
        (in_run, pen) = (true, pen_of(n));
    }
    cost
}

/// Each row of `rows` (`height` of them, `width` cells, blank where not held) as a hash of its
/// text: a row whose styles alone changed (a search's highlight, the selection) is the same
/// row moved, with those cells drawn again.
fn row_hashes(rows: &[Vec<Cell>], width: u16, height: u16) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let blank = Cell::default();
    (0..height)
        .map(|y| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            let row = rows.get(usize::from(y));
            for x in 0..usize::from(width) {
                row.and_then(|r| r.get(x)).unwrap_or(&blank).symbol().hash(&mut h);
            }
            h.finish()
        })
        .collect()
}

/// About what drawing row `y` of `rows` costs: its cells that are not blank, and one.
fn row_weight(rows: &[Vec<Cell>], y: u16, width: u16) -> u32 {
    let row = row_of(rows, y);
    1 + row[..row.len().min(usize::from(width))].iter().filter(|c| c.symbol() != " ").count() as u32
}

/// The cells of `next` that differ from `prev` (`width` × `height`, blank where not held), as
/// ratatui's diff gives them: a wide character's second column is not a cell of its own, and
/// where one whose style shows on blanks is replaced, both its columns are sent.
fn changed_cells(prev: &[Vec<Cell>], next: &[Vec<Cell>], width: u16, height: u16) -> Vec<(u16, u16, Cell)> {
    let blank = Cell::EMPTY;
    let mut out = Vec::new();
    for y in 0..height {
        let (p, n) = (row_of(prev, y), row_of(next, y));
        let (mut covered, mut forced) = (0, 0);
        for x in 0..width {
            let at = usize::from(x);
            let (old, new) = (p.get(at).unwrap_or(&blank), n.get(at).unwrap_or(&blank));
            if covered > 0 {
                covered -= 1;
                continue;
            }
            let (old_width, new_width) = (text_width(old.symbol()), text_width(new.symbol()));
            if old != new || forced > 0 {
                out.push((x, y, new.clone()));
            }
            forced = if old != new && old_width > new_width.max(1) && !invisible_on_blank(pen_of(old)) {
                old_width - 1
            } else {
                forced.saturating_sub(1)
            };
            covered = new_width.saturating_sub(1);
        }
    }
    out
}

/// At most this many cells at a row's end are drawn again after an erase (a border).
const MAX_KEPT: usize = 2;

/// A row's end that can be erased: blank from `from` to `keep`, then `kept`, drawn again.
#[derive(Debug)]
struct Tail {
    from: u16,
    keep: u16,
    kept: Vec<Cell>,
}

impl Tail {
    /// The most drawing the kept cells again costs: a move along the row (`ESC[nC`), an
    /// absolute one after a symbol of unsure width, and each cell's style and symbol.
    fn kept_cost(&self) -> usize {
        if self.kept.is_empty() {
            return 0;
        }
        let mut pen = PLAIN;
        let mut cost = "\x1b[999C".len();
        for (k, c) in self.kept.iter().enumerate() {
            if k > 0 && advance(self.kept[k - 1].symbol()).is_none() {
                cost += "\x1b[999;999H".len();
            }
            let mut change = String::new();
            if pen_of(c) != pen {
                pen_change(pen, pen_of(c), &mut change);
                pen = pen_of(c);
            }
            cost += change.len() + c.symbol().len();
        }
        cost
    }
}

/// Whether a blank drawn in `pen` looks like any other blank: no background, nothing drawn
/// across the cell.
fn invisible_on_blank(pen: Pen) -> bool {
    pen.bg == Color::Reset
        && !pen.modifier.intersects(Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT)
}

fn text_width(symbol: &str) -> u16 {
    unicode_width::UnicodeWidthStr::width(symbol) as u16
}

fn pen_of(cell: &Cell) -> Pen {
    Pen { fg: cell.fg, bg: cell.bg, modifier: cell.modifier }
}

/// The style a cell is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

/// The terminal's style after a reset (and after every frame).
const PLAIN: Pen = Pen { fg: Color::Reset, bg: Color::Reset, modifier: Modifier::empty() };

/// SGR codes of the modifiers, in the order they are set.
const MODIFIER_CODES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// One SGR sequence taking the terminal from `from` to `to`: a reset first when a modifier goes
/// (each has its own "off" code, some shared; one reset is shorter and sure).
fn pen_change(from: Pen, to: Pen, out: &mut String) {
    let reset = !(from.modifier - to.modifier).is_empty();
    let from = if reset { PLAIN } else { from };
    let mut params: Vec<String> = Vec::new();
    if reset {
        params.push("0".into());
    }
    let added = to.modifier - from.modifier;
    params.extend(MODIFIER_CODES.iter().filter(|(m, _)| added.contains(*m)).map(|(_, code)| code.to_string()));
    if to.fg != from.fg {
        params.push(colour(to.fg, false));
    }
    if to.bg != from.bg {
        params.push(colour(to.bg, true));
    }
    // A reset alone is the sequence's default: `ESC[m`.
    let params = if params == ["0"] { String::new() } else { params.join(";") };
    let _ = write!(out, "\x1b[{params}m");
}

/// A colour's SGR parameters: for the sixteen named colours the classic codes (30–37 and
/// 90–97, the palette entries crossterm writes as 38;5;0–15, 4 bytes shorter); crossterm's
/// for the rest.
fn colour(c: Color, background: bool) -> String {
    use ratatui::crossterm::style::Color as Term;
    let index = match c.into_crossterm() {
        Term::Black => 0,
        Term::DarkRed => 1,
        Term::DarkGreen => 2,
        Term::DarkYellow => 3,
        Term::DarkBlue => 4,
        Term::DarkMagenta => 5,
        Term::DarkCyan => 6,
        Term::Grey => 7,
        Term::DarkGrey => 8,
        Term::Red => 9,
        Term::Green => 10,
        Term::Yellow => 11,
        Term::Blue => 12,
        Term::Magenta => 13,
        Term::Cyan => 14,
        Term::White => 15,
        other if background => return Colored::BackgroundColor(other).to_string(),
        other => return Colored::ForegroundColor(other).to_string(),
    };
    let base = if background { 40 } else { 30 };
    (if index < 8 { base + index } else { base + 60 + index - 8 }).to_string()
}

/// How far the terminal's cursor moves when it prints `symbol`, when that is sure: ASCII and
/// the CJK blocks, whose widths every terminal agrees on. `None` for anything else (emoji,
/// ambiguous-width symbols): the next cell is then reached by an absolute move.
fn advance(symbol: &str) -> Option<u16> {
    let sure = symbol.chars().all(|c| {
        matches!(c, ' '..='~' | '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF60}')
    });
    sure.then(|| text_width(symbol))
}

/// The cheapest sequence that takes the cursor from `at` (when known) to (`x`, `y`); `width`:
/// the terminal's, when known.
///
/// Down a row, a line feed keeps the column (raw mode: no carriage return with it), and a
/// carriage return first makes the column sure even after the last column was written (where
/// terminals differ on whether the cursor has wrapped): `\n` or `\r\n` and a move along the
/// row cost 1–7 bytes against 7–9 for the absolute `ESC[y;xH`, some 100 bytes a search key.
fn cursor_move(at: Option<(u16, u16)>, x: u16, y: u16, width: Option<u16>, out: &mut String) {
    let absolute = format!("\x1b[{};{}H", y + 1, x + 1);
    let Some((ax, ay)) = at else { return out.push_str(&absolute) };
    // Left of the last column the cursor is surely where it seems.
    let sure = width.is_some_and(|w| ax < w);
    let best = match y.checked_sub(ay) {
        Some(0) => along(ax, x, sure),
        Some(d) => {
            let down = if d <= 3 { "\n".repeat(usize::from(d)) } else { format!("\x1b[{d}B") };
            let keep_column = sure.then(|| format!("{down}{}", along(ax, x, true)));
            let from_start = format!("\r{down}{}", along(0, x, true));
            // On a tie the carriage return: it is right whatever the terminal did at the edge.
            [from_start].into_iter().chain(keep_column).min_by_key(String::len).unwrap_or_default()
        }
        None => return out.push_str(&absolute),
    };
    out.push_str(if best.len() < absolute.len() { &best } else { &absolute });
}

/// Along a row from column `from` to `to`; `sure`: whether the cursor is surely at `from`
/// (else only absolute moves go left).
fn along(from: u16, to: u16, sure: bool) -> String {
    match to {
        t if t == from => String::new(),
        // One column is the sequence's default.
        t if t == from + 1 => "\x1b[C".into(),
        t if t > from => format!("\x1b[{}C", t - from),
        0 => "\r".into(),
        t => {
            let (back, column) = (format!("\x1b[{}D", from - t), format!("\x1b[{}G", t + 1));
            if sure && back.len() < column.len() {
                back
            } else {
                column
            }
        }
    }
}

impl<W: Write> Backend for Wire<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        // The last frame, when this one may only have moved some of its rows.
        let rows_touched = cells.windows(2).filter(|w| w[0].1 != w[1].1).count() + 1;
        let before = (rows_touched >= MIN_ROWS_TO_SHIFT && self.height.get().is_some()).then(|| self.frame.clone());
        self.note_frame(&cells);
        let out = self.cheapest(before, &cells);
        if !out.is_empty() {
            // Past a line's last column the cursor's place depends on the terminal. Whether it
            // shows is sent again too (6 bytes), so that every frame that drew something ends
            // with the cursor's two sequences: that is how the pty tests (`frame_complete`)
            // know a frame is whole.
            (self.cursor, self.cursor_shown) = (None, None);
        }
        self.writer.write_all(out.as_bytes())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown == Some(false) {
            return Ok(());
        }
        self.cursor_shown = Some(false);
        execute!(self.writer, Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown == Some(true) {
            return Ok(());
        }
        self.cursor_shown = Some(true);
        execute!(self.writer, Show)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        let (x, y) = ratatui::crossterm::cursor::position()?;
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        if self.cursor == Some(position) {
            return Ok(());
        }
        self.cursor = Some(position);
        execute!(self.writer, MoveTo(position.x, position.y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Also after a suspend or a resize: nothing about the terminal is taken as known but
        // what the clear made blank.
        self.shown.clear();
        self.frame.clear();
        self.fill = if clear_type == ClearType::All { Seen::Cell(Cell::default()) } else { Seen::Unknown };
        (self.cursor, self.cursor_shown) = (None, None);
        self.width.set(None);
        self.height.set(None);
        execute!(
            self.writer,
            Clear(match clear_type {
                ClearType::All => terminal::ClearType::All,
                ClearType::AfterCursor => terminal::ClearType::FromCursorDown,
                ClearType::BeforeCursor => terminal::ClearType::FromCursorUp,
                ClearType::CurrentLine => terminal::ClearType::CurrentLine,
                ClearType::UntilNewLine => terminal::ClearType::UntilNewLine,
            })
        )
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = terminal::size()?;
        self.width.set(Some(width));
        self.height.set(Some(height));
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let size = terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size { width: size.columns, height: size.rows },
            pixels: Size { width: size.width, height: size.height },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests;
