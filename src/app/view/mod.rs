//! View models: each tab's rows, built once from `Data` with their display strings (already
//! display-safe), sort keys and search keys. Filtering and sorting work on indices into these.

pub mod cadres;
mod dossier;
pub mod history;
pub mod index;
pub mod overview;
pub mod pairs;
pub mod reserve;
pub mod reviews;
pub mod units;

pub use dossier::{dossier, Dossier, TextLine};
pub use index::{Index, Lookup};
pub use overview::Finding;

use super::Tab;
use crate::domain::review::ReviewStatus;
use crate::domain::{District, Id, ReviewKind, SecondmentStatus};
use crate::lang::Lang;
use crate::search::SearchKey;
use crate::text::{display_safe, width};

/// Display width as u16, saturating.
fn cells(s: &str) -> u16 {
    u16::try_from(width(s)).unwrap_or(u16::MAX)
}
use chrono::NaiveDate;
use std::cmp::Ordering;
use std::ops::Range;

/// What a piece of text means, for the theme to colour. No colours here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Tone {
    #[default]
    Normal,
    Overdue,
    DueToday,
    DueSoon,
    Done,
    Cancelled,
    Warning,
    Error,
    Good,
    Muted,
    Heading,
    Label,
}

impl Tone {
    pub fn of(status: ReviewStatus) -> Tone {
        match status {
            ReviewStatus::Overdue => Tone::Overdue,
            ReviewStatus::DueToday => Tone::DueToday,
            ReviewStatus::DueSoon => Tone::DueSoon,
            ReviewStatus::Upcoming => Tone::Normal,
            ReviewStatus::Done => Tone::Done,
            ReviewStatus::Cancelled => Tone::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column's measures (`Column`'s fields of the same names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Widths {
    pub ideal: u16,
    pub need: u16,
    pub full: u16,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub label: &'static str,
    /// The header when the column shows its cells' short forms (`挂职单位` for `派出 → 挂职`).
    pub short: Option<&'static str>,
    /// What the detail strip calls the column (the header, unless two columns share it).
    pub detail: &'static str,
    /// The names of a compound column's two parts (`挂职单位`, `挂任职务`), for an export of
    /// every field; the cells split at their short form (`Cell::parts`).
    pub parts: Option<(&'static str, &'static str)>,
    /// Narrowest useful width, and the width the content wants (computed by `finish`), in cells.
    pub min: u16,
    pub ideal: u16,
    /// The width that shows every cell's key fact whole: its short form where it has one, else
    /// its text (capped). Narrow screens give each column this or nothing (`ui::table`).
    pub need: u16,
    pub cap: u16,
    /// The widest content, uncapped: what spare room on a wide screen goes to.
    pub full: u16,
    /// Lower is more important: narrow screens drop the highest numbers first.
    pub priority: u8,
    pub align: Align,
}

impl Column {
    pub fn widths(&self) -> Widths {
        Widths { ideal: self.ideal, need: self.need, full: self.full }
    }

    fn set_widths(&mut self, w: Widths) {
        (self.ideal, self.need, self.full) = (w.ideal, w.need, w.full);
    }

    /// Whether the column shows short forms at width `w`: narrower than its whole texts.
    pub fn is_short(&self, w: u16) -> bool {
        self.short.is_some() && w < self.ideal
    }

    /// The header at width `w`.
    pub fn label_at(&self, w: u16) -> &'static str {
        match self.short {
            Some(short) if self.is_short(w) => short,
            _ => self.label,
        }
    }
}

/// How a cell sorts: by pinyin for Chinese text, by value for numbers and dates; empty last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Text(String),
    Num(i64),
    Date(NaiveDate),
    Empty,
}

impl SortKey {
    fn rank(&self) -> u8 {
        match self {
            SortKey::Num(_) => 0,
            SortKey::Date(_) => 1,
            SortKey::Text(_) => 2,
            SortKey::Empty => 3,
        }
    }

    pub fn compare(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Num(a), SortKey::Num(b)) => a.cmp(b),
            (SortKey::Date(a), SortKey::Date(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cell {
    /// Display-safe text.
    pub text: String,
    /// The part of `text` a narrow column shows (bytes): the host unit of "unit post", the host
    /// of "home → host", the `!` of a warning. The detail strip shows the whole text.
    pub short: Option<Range<usize>>,
    /// The value an export writes when it is not the text: a status's word without its marker.
    pub data: Option<String>,
    pub sort: SortKey,
    /// Present on searchable cells (names, units, posts); ranges index `text`.
    pub key: Option<SearchKey>,
    pub tone: Tone,
}

impl Cell {
    /// Plain text, sorted by its pinyin.
    pub fn text(s: &str) -> Cell {
        let text = display_safe(s).into_owned();
        let sort = if text.is_empty() { SortKey::Empty } else { SortKey::Text(crate::search::pinyin_sort_key(&text)) };
        Cell { text, short: None, data: None, sort, key: None, tone: Tone::Normal }
    }

    /// Text that `/` searches (pinyin and all).
    pub fn search(s: &str) -> Cell {
        let mut cell = Cell::text(s);
        cell.key = Some(SearchKey::new(&cell.text));
        cell
    }

    /// A person's name: searched and sorted with the surname reading of its first character.
    pub fn name(s: &str) -> Cell {
        let mut cell = Cell::text(s);
        if !cell.text.is_empty() {
            cell.sort = SortKey::Text(crate::search::name_sort_key(&cell.text));
        }
        cell.key = Some(SearchKey::name(&cell.text));
        cell
    }

    pub fn num(n: i64, shown: String) -> Cell {
        Cell { text: shown, short: None, data: None, sort: SortKey::Num(n), key: None, tone: Tone::Normal }
    }

    pub fn date(d: Option<NaiveDate>) -> Cell {
        match d {
            Some(d) => Cell {
                text: d.to_string(),
                short: None,
                data: None,
                sort: SortKey::Date(d),
                key: None,
                tone: Tone::Normal,
            },
            None => Cell::empty(),
        }
    }

    pub fn empty() -> Cell {
        Cell { text: String::new(), short: None, data: None, sort: SortKey::Empty, key: None, tone: Tone::Normal }
    }

    /// What a narrow column shows of the cell: the first `len` bytes of its text.
    pub fn short_head(mut self, len: usize) -> Cell {
        self.short = Some(0..len.min(self.text.len()));
        self
    }

    /// What a narrow column shows of the cell: its text from byte `from` on.
    pub fn short_tail(mut self, from: usize) -> Cell {
        self.short = Some(from.min(self.text.len())..self.text.len());
        self
    }

    /// What an export writes instead of the text.
    pub fn data(mut self, word: &str) -> Cell {
        self.data = Some(display_safe(word).into_owned());
        self
    }

    /// A compound cell's two parts in reading order, split at its short form: (`unit`, `post`)
    /// of "unit post", (`home`, `host`) of "home → host".
    pub fn parts(&self) -> (&str, &str) {
        let Some(r) = self.short.clone().filter(|r| self.text.get(r.clone()).is_some()) else {
            return (&self.text, "");
        };
        let link = |c: char| c == ' ' || c == '→' || c == '-' || c == '>';
        if r.start == 0 {
            (&self.text[r.clone()], self.text[r.end..].trim_start_matches(link))
        } else {
            (self.text[..r.start].trim_end_matches(link), &self.text[r])
        }
    }

    /// The text a column shows in short form.
    pub fn short_text(&self) -> &str {
        match &self.short {
            Some(r) => self.text.get(r.clone()).unwrap_or(&self.text),
            None => &self.text,
        }
    }

    pub fn sorted(mut self, sort: SortKey) -> Cell {
        self.sort = sort;
        self
    }

    pub fn tone(mut self, tone: Tone) -> Cell {
        self.tone = tone;
        self
    }
}

/// What the review filters look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tags {
    pub status: Option<ReviewStatus>,
    pub kind: Option<ReviewKind>,
    pub batch: Option<Id>,
    pub district: Option<District>,
    /// An archived cadre's row (hidden unless asked for).
    pub archived: bool,
    /// A cadre's place in the programme (`Term::phase`).
    pub phase: Option<SecondmentStatus>,
}

/// The record a row stands for: what the edit keys and the history act on, and what keeps the
/// selection in place when the data is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rec {
    Cadre(Id),
    Review(Id),
    Pair(Id),
    /// A secondment nobody is paired with (the Pairs tab).
    Secondment(Id),
    Nomination(Id),
    /// A secondment the reserve rule proposes.
    Candidate(Id),
    Batch(Id),
    Unit(Id),
}

#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// The whole row's tone (a cell's own tone wins when it has one).
    pub tone: Tone,
    /// The cadre Enter opens.
    pub cadre: Option<Id>,
    pub tags: Tags,
    /// Searchable text that is not a cell (the names in an overview row's findings).
    pub hidden: Vec<SearchKey>,
    pub rec: Option<Rec>,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row { cells, tone: Tone::Normal, cadre: None, tags: Tags::default(), hidden: Vec::new(), rec: None }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A tab's column as defined once, for its view and its catalog: labels, widths, priority.
///
/// Priorities: 0 is what identifies the row (always shown), 1 the facts a user looks for at
/// 80 columns (shown whole there), higher numbers go first on narrow screens, to the detail
/// strip under the list.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub zh: &'static str,
    pub en: &'static str,
    /// The header over short forms (`Cell::short`), Chinese and English.
    pub short: Option<(&'static str, &'static str)>,
    /// The name in the detail strip, when the header is shared with another column.
    pub detail: Option<(&'static str, &'static str)>,
    /// A compound column's parts' names, Chinese and English (`Column::parts`).
    pub parts: Option<[(&'static str, &'static str); 2]>,
    /// Narrowest useful width (cells) in Chinese and in English.
    pub min: (u16, u16),
    pub cap: u16,
    /// Lower is more important: narrow screens drop the highest numbers first.
    pub priority: u8,
    pub align: Align,
}

impl ColumnSpec {
    pub const fn new(zh: &'static str, en: &'static str, min: u16, cap: u16, priority: u8, align: Align) -> Self {
        ColumnSpec { zh, en, short: None, detail: None, parts: None, min: (min, min), cap, priority, align }
    }

    /// The column's name in the detail strip.
    pub const fn detail(mut self, zh: &'static str, en: &'static str) -> Self {
        self.detail = Some((zh, en));
        self
    }

    /// The names of a compound column's parts, (Chinese, English) each.
    pub const fn parts(mut self, head: (&'static str, &'static str), tail: (&'static str, &'static str)) -> Self {
        self.parts = Some([head, tail]);
        self
    }

    /// The header when the cells show their short forms.
    pub const fn short(mut self, zh: &'static str, en: &'static str) -> Self {
        self.short = Some((zh, en));
        self
    }

    /// A different narrowest width in English.
    pub const fn min_en(mut self, min: u16) -> Self {
        self.min.1 = min;
        self
    }
}

/// A tab's columns: an enum whose values are the columns, in their order on screen.
pub trait Columns: Copy + Eq + std::fmt::Debug + 'static {
    const ALL: &'static [Self];

    fn spec(self) -> ColumnSpec;

    /// The column at a position (a sort column is kept as a position).
    fn at(i: usize) -> Option<Self> {
        Self::ALL.get(i).copied()
    }

    fn position(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

impl Table {
    /// A tab's columns, labelled in `lang`, with no rows yet.
    pub fn of<C: Columns>(lang: Lang) -> Table {
        let columns = C::ALL
            .iter()
            .map(|c| {
                let s = c.spec();
                let pick = |pair: (&'static str, &'static str)| lang.pick(pair.0, pair.1);
                let label = pick((s.zh, s.en));
                let short = s.short.map(pick);
                let detail = s.detail.map_or(label, pick);
                let parts = s.parts.map(|[a, b]| (pick(a), pick(b)));
                // A column is never narrower than its header (the short one, when it has one).
                let min = lang.pick(s.min.0, s.min.1).max(cells(short.unwrap_or(label)));
                let (cap, priority, align) = (s.cap, s.priority, s.align);
                Column { label, short, detail, parts, min, ideal: min, need: min, cap, full: min, priority, align }
            })
            .collect();
        Table { columns, rows: Vec::new() }
    }

    /// Each column's measures.
    pub fn measures(&self) -> Vec<Widths> {
        self.columns.iter().map(Column::widths).collect()
    }

    /// Sets the columns' measures to `measures` (this tab's as a frame drew them), so that the
    /// layout stays.
    pub fn keep_measures(&mut self, measures: &[Widths]) {
        if measures.len() == self.columns.len() {
            for (col, w) in self.columns.iter_mut().zip(measures) {
                col.set_widths(*w);
            }
        }
    }

    /// Widens each column's measures to the widest in `widest` (this tab's, as measured on
    /// the rows drawn before) and keeps the result there. Measured on each new set of rows
    /// alone, a column that fits one page would be left out on the next and back on the one
    /// after: the columns would move under the user while typing a search, and every such
    /// frame rewrites the whole list (twice the bytes of a search key). Widths only grow, so
    /// the layout settles within a few pages.
    pub fn widen_to(&mut self, widest: &mut Vec<Widths>) {
        if self.rows.is_empty() {
            return;
        }
        if widest.len() != self.columns.len() {
            *widest = vec![Widths::default(); self.columns.len()];
        }
        for (col, w) in self.columns.iter_mut().zip(widest.iter_mut()) {
            let now = col.widths();
            *w = Widths { ideal: w.ideal.max(now.ideal), need: w.need.max(now.need), full: w.full.max(now.full) };
            col.set_widths(*w);
        }
    }

    /// Measures the content once: each column's ideal width, and what shows its key facts whole.
    pub fn finish(mut self) -> Table {
        for (i, col) in self.columns.iter_mut().enumerate() {
            let cells_of = self.rows.iter().filter_map(|r| r.cells.get(i));
            let content = cells_of.clone().map(|c| width(&c.text)).max().unwrap_or(0);
            let wanted = u16::try_from(content.max(width(col.label) + 1)).unwrap_or(u16::MAX);
            let cap = col.cap.max(col.min);
            col.ideal = wanted.clamp(col.min, cap);
            col.full = wanted.max(col.ideal);
            // Whole: every cell's key part, and the header (which a sort marker may cut by one).
            let part = |c: &Cell| width(if col.short.is_some() { c.short_text() } else { &c.text });
            let whole = u16::try_from(cells_of.map(part).max().unwrap_or(0)).unwrap_or(u16::MAX);
            col.need = whole.clamp(col.min, col.ideal);
        }
        self
    }
}

/// The rows of the window for the list tabs whose records are in catalogs (the Overview's and
/// the Units' rows are held whole in theirs).
#[derive(Debug, Clone, Default)]
pub struct Views {
    pub cadres: Table,
    pub pairs: Table,
    pub reviews: Table,
    pub reserve: Table,
    /// The columns of the other two tabs, for a table with no rows.
    empty: Table,
}

impl Views {
    pub fn table(&self, tab: Tab) -> &Table {
        match tab {
            Tab::Cadres => &self.cadres,
            Tab::Pairs => &self.pairs,
            Tab::Reviews => &self.reviews,
            Tab::Reserve => &self.reserve,
            Tab::Overview | Tab::Units => &self.empty,
        }
    }

    pub fn table_mut(&mut self, tab: Tab) -> &mut Table {
        match tab {
            Tab::Cadres => &mut self.cadres,
            Tab::Pairs => &mut self.pairs,
            Tab::Reviews => &mut self.reviews,
            Tab::Reserve => &mut self.reserve,
            Tab::Overview | Tab::Units => &mut self.empty,
        }
    }

    /// The rows of `tab` (a list tab) over the window; the others keep only their columns.
    pub fn build_for(lk: &Lookup, tab: Tab) -> Views {
        let mut views = Views {
            cadres: Table::of::<cadres::Col>(lk.lang),
            pairs: pairs::columns(lk),
            reviews: Table::of::<reviews::Col>(lk.lang),
            reserve: Table::of::<reserve::Col>(lk.lang),
            empty: Table::default(),
        };
        match tab {
            Tab::Cadres => views.cadres = cadres::build(lk).finish(),
            Tab::Pairs => views.pairs = pairs::build(lk).finish(),
            Tab::Reviews => views.reviews = reviews::build(lk).finish(),
            Tab::Reserve => views.reserve = reserve::build(lk).finish(),
            Tab::Overview | Tab::Units => {}
        }
        views
    }
}

/// "n天" / "nd" and the other small words of status cells.
pub fn status_text(status: ReviewStatus, due: NaiveDate, today: NaiveDate, lang: Lang) -> String {
    let days = (due - today).num_days().abs();
    match (status, lang) {
        (ReviewStatus::Overdue, Lang::Zh) => format!("!逾期 {days}天"),
        (ReviewStatus::Overdue, Lang::En) => format!("! {days}d overdue"),
        (ReviewStatus::DueToday, Lang::Zh) => "今日到期".into(),
        (ReviewStatus::DueToday, Lang::En) => "due today".into(),
        (ReviewStatus::DueSoon, Lang::Zh) => format!("{days}天后到期"),
        (ReviewStatus::DueSoon, Lang::En) => format!("due in {days}d"),
        (ReviewStatus::Upcoming, Lang::Zh) => format!("{days}天后"),
        (ReviewStatus::Upcoming, Lang::En) => format!("in {days}d"),
        (s, Lang::Zh) => s.zh().into(),
        (s, Lang::En) => s.en().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_sort_key_orders_chinese_by_reading() {
        let mut names = ["张三", "欧阳明远", "陈一", "Li"];
        names.sort_by_key(|n| crate::search::pinyin_sort_key(n));
        assert_eq!(names, ["陈一", "Li", "欧阳明远", "张三"]);
    }

    #[test]
    fn empty_sorts_last_and_numbers_by_value() {
        assert_eq!(SortKey::Num(9).compare(&SortKey::Num(10)), Ordering::Less);
        assert_eq!(SortKey::Empty.compare(&SortKey::Num(1)), Ordering::Greater);
    }

    #[test]
    fn cells_are_display_safe() {
        let c = Cell::search("a\x1b]0;x\x07b");
        assert!(!c.text.contains('\x1b'));
        assert!(c.text.contains("\\x1b"));
    }
}
