//! Incremental search over names, units and posts: case-insensitive substring matching
//! plus pinyin (full syllables, syllable prefixes, initials, every heteronym reading).
//!
//! Each text field becomes a [`SearchKey`] once: its folded text plus one `u16` symbol per
//! character (the ASCII byte, or the character's *set of readings*, interned globally). Each
//! keystroke builds one [`Query`] that tabulates, per symbol, where a match can go; matching a
//! key is then two mask tests (which reject most rows) and one table lookup per character.
//! Highlights are **byte ranges into the original text**: folding never moves bytes ([`fold`]).

// `compute` runs in build.rs and in the tests only.
pub mod packed;
#[cfg_attr(not(test), allow(dead_code))]
mod pinyin_table;

use pinyin_table::{CJK, MAX_SYLLABLE};
use std::ops::Range;

/// Longest whitespace-free query (bytes) for pinyin matching: bit j of a `u64` means
/// "the first j query bytes are matched", so j runs over 0..=63. Longer queries still
/// match as substrings.
const MAX_PINYIN_QUERY: usize = 63;
/// Symbols of non-ASCII characters without pinyin: letters/digits (`é`, `Ω`) match only
/// themselves; anything else (spaces, `·`, emoji) may also be skipped inside a match.
const OTHER: u16 = 0xFFFE;
const PUNCT: u16 = 0xFFFF;

// `SYLLABLES`, `SETS`, `IDS` and `BY_CHAR`: [`pinyin_table::compute`] run by build.rs.
include!(concat!(env!("OUT_DIR"), "/pinyin_table.rs"));

/// Syllables and reading sets (see [`pinyin_table::Tables`]), computed from the `pinyin`
/// crate's own data at build time, so the first key or query costs no table building.
struct Table {
    syllables: &'static [[u8; MAX_SYLLABLE]],
    sets: &'static [u32],
    ids: &'static [u16],
    /// Per code point in `CJK`: its symbol as little-endian bytes, 0 when it has no pinyin.
    by_char: &'static [[u8; 2]],
    /// The symbols with a surname reading, for the first character of a person's name.
    surnames: &'static [(u32, u16)],
}

static TABLE: Table =
    Table { syllables: &SYLLABLES, sets: &SETS, ids: &IDS, by_char: BY_CHAR.as_chunks().0, surnames: &SURNAMES };

fn table() -> &'static Table {
    &TABLE
}

impl Table {
    /// Symbol of one character: its folded ASCII byte, its reading set, `OTHER` or `PUNCT`.
    fn symbol(&self, c: char) -> u16 {
        let set = (c as u32).checked_sub(CJK.start).and_then(|i| self.by_char.get(i as usize));
        match set.map(|&s| u16::from_le_bytes(s)) {
            _ if c.is_ascii() => u16::from(c.to_ascii_lowercase() as u8),
            Some(s) if s != 0 => s,
            _ if c.is_alphanumeric() => OTHER,
            _ => PUNCT,
        }
    }

    /// The symbol of a person's name's first character: its surname reading too (区 ōu).
    fn surname_symbol(&self, c: char) -> u16 {
        match self.surnames.iter().find(|(code, _)| *code == c as u32) {
            Some(&(_, symbol)) => symbol,
            None => self.symbol(c),
        }
    }

    /// Syllable ids of a symbol (empty unless it is a reading set).
    fn readings(&self, symbol: u16) -> &[u16] {
        match self.sets.get(usize::from(symbol).wrapping_sub(128)) {
            Some(&e) => &self.ids[(e >> 4) as usize..][..(e & 15) as usize],
            None => &[],
        }
    }
}

/// Mask bit of one folded byte: a–z and 0–9 get a bit each, other ASCII shares 26 bits,
/// every non-ASCII byte maps to bit 63. Feeds the "query bytes ⊆ key bytes" prefilter.
#[inline]
fn bit(b: u8) -> u64 {
    1 << match b {
        b'a'..=b'z' => b - b'a',
        b'0'..=b'9' => 26 + b - b'0',
        0x80.. => 63,
        _ => 36 + b % 26,
    }
}

/// Prefilter bits of a syllable's letters (`v` stands for `ü`, so `u` too).
fn syllable_mask(s: &[u8; MAX_SYLLABLE]) -> u64 {
    let m = s.iter().take_while(|&&b| b != 0).fold(0, |m, &b| m | bit(b));
    m | if s.contains(&b'v') { bit(b'u') } else { 0 }
}

/// Like [`bit`] in 32 bits: exact for a–z, everything else shares 6 bits.
#[inline]
fn head_bit(b: u8) -> u32 {
    let i = bit(b).trailing_zeros();
    1 << if i < 26 { i } else { 26 + i % 6 }
}

/// Lowercases `c` only when that keeps its UTF-8 length (true for all but a handful of
/// characters such as the Kelvin sign), so folded text shares byte offsets with the original.
fn fold(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
    }
}

/// Byte length of a UTF-8 sequence from its first byte.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// A user's query, folded and tabulated once per keystroke so per-row work is minimal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    /// Folded, trimmed query for the substring rule.
    folded: Box<[u8]>,
    /// Folded query without whitespace, for the pinyin rule.
    compact: Box<[u8]>,
    /// Prefilter bits of every byte of `compact`, and of its first byte.
    mask: u64,
    head: u32,
    /// `[symbol]`: positions reached by starting a match on a character with that symbol.
    /// Empty (like the tables below) when pinyin matching is off.
    start: Box<[u64]>,
    /// `[j * syllables + id]`: positions reached from position j by a non-empty prefix of
    /// syllable `id` (`v` also accepts `u`).
    reach: Box<[u64]>,
    /// `[b]`: positions holding ASCII byte `b`; `literals`: the same for non-ASCII
    /// characters (zero-padded UTF-8). Every character matches itself.
    by_byte: Box<[u64]>,
    literals: Box<[([u8; 4], u64)]>,
}

impl Query {
    pub fn new(query: &str) -> Self {
        let folded: String = query.trim().chars().map(fold).collect();
        let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
        let q = compact.as_bytes();
        let t = table();
        let (mut start, mut reach, mut by_byte, mut literals) = (vec![], vec![], vec![], vec![]);
        if !q.is_empty() && q.len() <= MAX_PINYIN_QUERY {
            by_byte = vec![0; 128];
            for (j, c) in compact.char_indices() {
                let mut utf8 = [0; 4];
                c.encode_utf8(&mut utf8);
                match literals.iter_mut().find(|(u, _)| *u == utf8) {
                    _ if c.is_ascii() => by_byte[c as usize] |= 1 << j,
                    Some((_, set)) => *set |= 1 << j,
                    None => literals.push((utf8, 1 << j)),
                }
            }
            let same = |(&s, &c): (&u8, &u8)| s == c || (s == b'v' && c == b'u');
            for j in 0..q.len() {
                reach.extend(t.syllables.iter().map(|s| {
                    let n = s.iter().zip(&q[j..]).take_while(|&p| same(p)).count();
                    ((1u64 << n) - 1) << (j + 1)
                }));
            }
            start = by_byte.iter().map(|&set| (set & 1) << 1).collect();
            let sets = (128..128 + t.sets.len() as u16).map(|s| t.readings(s));
            start.extend(sets.map(|ids| ids.iter().fold(0, |m, &id| m | reach[usize::from(id)])));
        }
        Query {
            // A key holding one of the query's CJK characters also holds its readings' letters.
            mask: compact.chars().fold(0, |m, c| {
                let readings = t.readings(t.symbol(c)).iter();
                let m = readings.fold(m, |m, &id| m | syllable_mask(&t.syllables[usize::from(id)]));
                m | c.encode_utf8(&mut [0; 4]).bytes().fold(0, |m, b| m | bit(b))
            }),
            head: q.first().map_or(0, |&b| head_bit(b)),
            folded: folded.into_bytes().into(),
            compact: compact.into_bytes().into(),
            start: start.into(),
            reach: reach.into(),
            by_byte: by_byte.into(),
            literals: literals.into(),
        }
    }

    /// True when the query is only whitespace: everything matches, nothing is highlighted.
    pub fn is_empty(&self) -> bool {
        self.compact.is_empty()
    }

    /// True when every key matching `self` also matches `previous` (e.g. one more letter
    /// typed), so the caller may rescan only `previous`'s hits instead of all rows.
    pub fn narrows(&self, previous: &Query) -> bool {
        self.compact.starts_with(&previous.compact)
            && (previous.compact.len() <= MAX_PINYIN_QUERY || self.folded.starts_with(&previous.folded))
    }
}

/// Precomputed search data for one text field: build once, match on every keystroke.
/// 32 bytes inline plus one heap block: the folded text, then one little-endian `u16`
/// symbol per character (a CJK character costs 3 + 2 bytes).
#[derive(Clone, Debug, Default)]
pub struct SearchKey {
    data: Box<[u8]>,
    text_len: u32,
    /// Prefilter: bits of every byte a match may start with, and of every byte a matching
    /// query may contain (text bytes and reading letters).
    heads: u32,
    mask: u64,
}

/// How a text matches a query, best first: for ranking, e.g. cadres whose name matches by
/// its initials before those matched somewhere in their unit or post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The whole text, letter for letter (spaces aside, case folded): `江国华`, `zhang wei`.
    Exact,
    /// The start of the text, letter for letter: `江国`.
    Prefix,
    /// From the first character, one initial per character: `jgh`, `jg`, `江g`.
    Initials,
    /// From the first character, whole syllables (the last one may be cut short as it is
    /// typed): `jiangguohua`, `jiangguoh`.
    FullPinyin,
    /// From the first character, syllables and initials mixed: `jianggh`, `zhangsf`.
    Pinyin,
    /// Only somewhere after the start: `guohua`, `规划` inside 市国土规划局.
    Inside,
}

/// How a pinyin match may use a character's readings (see [`SearchKey::match_kind`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Initial,
    Whole,
    Any,
}

impl SearchKey {
    /// Builds the key (text beyond 4 GiB is ignored, so offsets fit in `u32`). Surname readings
    /// (区 ōu) are not given: use [`SearchKey::name`] for a person's name.
    pub fn new(text: &str) -> Self {
        Self::build(text, false)
    }

    /// The key of a person's name: its first character also has its surname reading, so
    /// `ouzq` finds 区志强 (a unit such as 南海区 is read `qu` only).
    pub fn name(text: &str) -> Self {
        Self::build(text, true)
    }

    fn build(text: &str, person: bool) -> Self {
        let mut data = Vec::new();
        let (text_len, heads, mask) = encode(text, person, &mut data);
        SearchKey { data: data.into(), text_len, heads, mask }
    }

    /// The key as the matcher reads it.
    pub fn key(&self) -> KeyRef<'_> {
        KeyRef { data: &self.data, text_len: self.text_len, heads: self.heads, mask: self.mask }
    }

    /// Heap bytes owned by this key (for memory budgeting).
    pub fn heap_bytes(&self) -> usize {
        self.data.len()
    }

    /// Whether `query` matches, without allocating: filter rows with this and call
    /// [`SearchKey::matches`] only for rows on screen.
    pub fn is_match(&self, query: &Query) -> bool {
        self.key().is_match(query)
    }

    /// See [`KeyRef::matches`].
    pub fn matches(&self, query: &Query) -> Option<Vec<Range<usize>>> {
        self.key().matches(query)
    }

    /// See [`KeyRef::match_kind`].
    pub fn match_kind(&self, query: &Query) -> Option<MatchKind> {
        self.key().match_kind(query)
    }
}

/// The bytes `SearchKey::new` or `SearchKey::name` makes of `text`, appended to `out`: the folded
/// text, then one little-endian `u16` symbol per character. Returns the folded text's length and
/// the prefilter bits (`heads`, `mask`).
pub(crate) fn encode(text: &str, person: bool, out: &mut Vec<u8>) -> (u32, u32, u64) {
    let t = table();
    let mut end = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let at = out.len();
    out.resize(at + text.len() + 2 * text.chars().count(), 0);
    let (folded_text, symbols) = out[at..].split_at_mut(text.len());
    let (mut mask, mut heads) = (0, 0);
    let first = text.char_indices().find(|(_, c)| !c.is_whitespace()).map(|(at, _)| at);
    for ((pos, c), slot) in text.char_indices().zip(symbols.chunks_exact_mut(2)) {
        let symbol = if person && Some(pos) == first { t.surname_symbol(c) } else { t.symbol(c) };
        let readings = t.readings(symbol);
        // Characters with pinyin have no case: skip the (slow) lowercase lookup.
        let c = if readings.is_empty() { fold(c) } else { c };
        let folded = c.encode_utf8(&mut folded_text[pos..]).as_bytes();
        mask |= folded.iter().fold(0, |m, &b| m | bit(b));
        heads |= head_bit(folded[0]);
        for s in readings.iter().map(|&id| &t.syllables[usize::from(id)]) {
            heads |= head_bit(s[0]);
            mask |= syllable_mask(s);
        }
        slot.copy_from_slice(&symbol.to_le_bytes());
    }
    (text.len() as u32, heads, mask)
}

/// A search key wherever its bytes are kept: a [`SearchKey`]'s own, or a slice of many keys
/// packed together ([`packed::PackedKeys`]).
#[derive(Clone, Copy, Debug)]
pub struct KeyRef<'a> {
    data: &'a [u8],
    text_len: u32,
    heads: u32,
    mask: u64,
}

impl KeyRef<'_> {
    /// Whether `query` matches, without allocating: filter rows with this and call
    /// [`SearchKey::matches`] only for rows on screen.
    pub fn is_match(&self, query: &Query) -> bool {
        if query.is_empty() {
            return true;
        }
        if !self.may_match(query) {
            return false;
        }
        match query.compact[..] {
            // The prefilter is exact for one letter.
            [b] if b.is_ascii_lowercase() => true,
            _ if query.start.is_empty() => self.find_substring(&query.folded).is_some(),
            // A substring match is also a pinyin match (characters match themselves).
            _ if query.literals.is_empty() => self.scan::<false>(query, 0, 0, false).is_some(),
            _ => self.scan::<true>(query, 0, 0, false).is_some(),
        }
    }

    /// Byte ranges of the original text to highlight, or `None` when `query` does not match.
    /// An empty query matches with no ranges. A case-insensitive substring wins; otherwise
    /// the leftmost pinyin match over consecutive characters (see [`SearchKey::scan`]).
    pub fn matches(&self, query: &Query) -> Option<Vec<Range<usize>>> {
        if query.is_empty() {
            return Some(Vec::new());
        }
        if !self.may_match(query) {
            return None;
        }
        let range = match self.find_substring(&query.folded) {
            Some(at) => at..at + query.folded.len(),
            None if query.start.is_empty() => return None,
            None => {
                self.scan::<true>(query, 0, 0, false)?;
                // Rare path: a match exists; find its leftmost start with anchored scans.
                let text = &self.data[..self.text_len as usize];
                let mut starts = (0..text.len()).filter(|&p| text[p] & 0xC0 != 0x80);
                let (chars, pos) = starts
                    .by_ref()
                    .enumerate()
                    .find_map(|(i, pos)| self.scan::<true>(query, pos, i, true).map(|end| (end - i, pos)))?;
                pos..starts.nth(chars - 1).unwrap_or(text.len())
            }
        };
        Some(vec![range])
    }

    /// How `query` matches (`None` when it does not): see [`MatchKind`]. Costs a few anchored
    /// passes over the start of the text, so call it for rows that match, when ranking them.
    /// An empty query matches everything alike, as `Inside`.
    pub fn match_kind(&self, query: &Query) -> Option<MatchKind> {
        if query.is_empty() {
            return Some(MatchKind::Inside);
        }
        if !self.is_match(query) {
            return None;
        }
        let text = std::str::from_utf8(&self.data[..self.text_len as usize]).unwrap_or("");
        let compact_text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let compact_text = compact_text.as_bytes();
        if compact_text == &*query.compact {
            return Some(MatchKind::Exact);
        }
        if compact_text.starts_with(&query.compact) {
            return Some(MatchKind::Prefix);
        }
        if query.start.is_empty() {
            return Some(MatchKind::Inside);
        }
        let kind =
            [(Use::Initial, MatchKind::Initials), (Use::Whole, MatchKind::FullPinyin), (Use::Any, MatchKind::Pinyin)]
                .into_iter()
                .find(|&(using, _)| self.matches_at_start(query, using))
                .map_or(MatchKind::Inside, |(_, kind)| kind);
        Some(kind)
    }

    /// Whether `q` matches from the first character, each character taken literally, skipped
    /// (spaces and punctuation inside the match) or by its readings as `using` allows.
    fn matches_at_start(&self, q: &Query, using: Use) -> bool {
        let t = table();
        let (text, symbols) = self.data.split_at(self.text_len as usize);
        let (qb, n) = (&q.compact[..], q.compact.len());
        let same = |s: u8, c: u8| s == c || (s == b'v' && c == b'u');
        let mut live: u64 = 1;
        let mut pos = 0;
        for e in symbols.chunks_exact(2) {
            let symbol = u16::from_le_bytes([e[0], e[1]]);
            let len = utf8_len(text[pos]);
            let literal = &text[pos..pos + len];
            let skippable = matches!(symbol, 0..=127 if !(symbol as u8).is_ascii_alphanumeric()) || symbol == PUNCT;
            let mut next = 0u64;
            let mut bits = live;
            while bits != 0 {
                let j = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if qb[j..].starts_with(literal) {
                    next |= 1 << (j + len);
                }
                if j > 0 && skippable {
                    next |= 1 << j;
                }
                for s in t.readings(symbol).iter().map(|&id| &t.syllables[usize::from(id)]) {
                    let whole = s.iter().take_while(|&&b| b != 0).count();
                    let k = s.iter().zip(&qb[j..]).take_while(|&(&s, &c)| s != 0 && same(s, c)).count();
                    match using {
                        Use::Initial if k >= 1 => next |= 1 << (j + 1),
                        Use::Whole if k == whole || (k >= 1 && j + k == n) => next |= 1 << (j + k),
                        Use::Any => (1..=k).for_each(|m| next |= 1 << (j + m)),
                        _ => {}
                    }
                }
            }
            if next & (1 << n) != 0 {
                return true;
            }
            if next == 0 {
                return false;
            }
            live = next;
            pos += len;
        }
        false
    }

    /// Cheap necessary condition: query bytes ⊆ key bytes, and the first one can start.
    #[inline]
    fn may_match(&self, query: &Query) -> bool {
        query.mask & !self.mask == 0 && query.head & self.heads != 0
    }

    fn find_substring(&self, needle: &[u8]) -> Option<usize> {
        let text = &self.data[..self.text_len as usize];
        let last = text.len().checked_sub(needle.len())?;
        (0..=last).find(|&i| text[i] == needle[0] && text[i..].starts_with(needle))
    }

    /// Pinyin matcher from character `from` (at text byte `pos`, needed only when the query
    /// has non-ASCII `LITERAL`s); returns the end (a character index) of the first match.
    /// Bit j of `live` means "the first j query bytes are matched up to here"; each character
    /// maps it to every position reachable by any prefix (≥ 1 letter) of any reading, by the
    /// character itself, or — for spaces and punctuation inside a match — by skipping it.
    /// Keeping the whole set rather than choosing greedily is why `zhangsf` matches 张三丰
    /// although `zh` alone also fits 张; with no match in progress a character costs one
    /// lookup in `Query::start`. Unless `anchored`, a match may start at every character.
    fn scan<const LITERAL: bool>(&self, q: &Query, mut pos: usize, from: usize, anchored: bool) -> Option<usize> {
        let (text, symbols) = self.data.split_at(self.text_len as usize);
        let done = 1u64 << q.compact.len();
        let mut live = 0u64; // never bit 0: skipping cannot start a match
        for (i, e) in symbols.chunks_exact(2).enumerate().skip(from) {
            let symbol = u16::from_le_bytes([e[0], e[1]]);
            let fresh = !anchored || i == from;
            let mut next = match q.start.get(usize::from(symbol)) {
                Some(&s) if fresh => s,
                _ => 0,
            };
            if live != 0 {
                next |= step(q, live, symbol);
            }
            if LITERAL {
                let len = utf8_len(text[pos]);
                let mut utf8 = [0; 4];
                utf8[..len].copy_from_slice(&text[pos..pos + len]);
                for (_, set) in q.literals.iter().filter(|(u, _)| *u == utf8) {
                    next |= ((live | u64::from(fresh)) & set) << len;
                }
                pos += len;
            }
            live = next;
            if live & done != 0 {
                return Some(i + 1);
            }
            if anchored && live == 0 {
                return None;
            }
        }
        None
    }
}

/// Positions reached from a match in progress (`live`, bits ≥ 1) over one character: by
/// ASCII bytes, by prefixes of readings, or by skipping spaces and punctuation. Kept out
/// of line so the per-character loop in `scan` stays small.
#[inline(never)]
fn step(q: &Query, live: u64, symbol: u16) -> u64 {
    let t = table();
    let mut next = match symbol {
        0..=127 if (symbol as u8).is_ascii_alphanumeric() => 0,
        0..=127 | PUNCT => live,
        _ => 0,
    };
    if let Some(&set) = q.by_byte.get(usize::from(symbol)) {
        next |= (live & set) << 1;
    }
    for &id in t.readings(symbol) {
        let mut bits = live;
        while bits != 0 {
            next |= q.reach[bits.trailing_zeros() as usize * t.syllables.len() + usize::from(id)];
            bits &= bits - 1;
        }
    }
    next
}

/// A sort key that orders Chinese text by its pinyin, as people expect a name list ordered.
pub fn pinyin_sort_key(s: &str) -> String {
    sort_key(s, false)
}

/// [`pinyin_sort_key`] of a person's name: a surname is read as a surname (单 shàn with the S).
pub fn name_sort_key(s: &str) -> String {
    sort_key(s, true)
}

fn sort_key(s: &str, person: bool) -> String {
    use pinyin::ToPinyin;
    let mut out = String::with_capacity(s.len() * 2);
    for (n, c) in s.trim_start().chars().enumerate() {
        let surname = (person && n == 0)
            .then(|| pinyin_table::SURNAME_READINGS.iter().find(|(s, _)| *s == c).map(|(_, r)| *r))
            .flatten();
        if let Some(reading) = surname {
            out.push_str(reading);
            out.push(' ');
            continue;
        }
        match c.to_pinyin() {
            Some(p) => {
                out.push_str(p.plain());
                out.push(' ');
            }
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pinyin::ToPinyinMulti;

    /// The tables baked by build.rs are exactly what the `pinyin` crate gives at run time,
    /// for every code point.
    #[test]
    fn baked_table_matches_runtime_computation() {
        let (baked, fresh) = (table(), pinyin_table::compute());
        assert_eq!(baked.surnames, fresh.surnames);
        assert_eq!(baked.surnames.len(), pinyin_table::SURNAME_READINGS.len());
        assert_eq!(baked.syllables, fresh.syllables);
        assert_eq!(baked.sets, fresh.sets);
        assert_eq!(baked.ids, fresh.ids);
        assert_eq!(baked.by_char.len(), fresh.by_char.len());
        for (c, (&b, &f)) in CJK.zip(baked.by_char.iter().zip(&fresh.by_char)) {
            assert_eq!(u16::from_le_bytes(b), f, "U+{c:04X}");
        }
        assert_eq!(fresh.by_char.len(), CJK.len());
        assert!(fresh.by_char.iter().filter(|&&s| s != 0).count() > 40_000 && fresh.syllables.len() > 400);
    }

    /// Matches `text` against `query`, checking `is_match` agrees; ranges as tuples.
    fn m(text: &str, query: &str) -> Option<Vec<(usize, usize)>> {
        let (key, q) = (SearchKey::new(text), Query::new(query));
        let found = key.matches(&q);
        assert_eq!(found.is_some(), key.is_match(&q), "{text:?} / {query:?}");
        for r in found.iter().flatten() {
            assert!(text.get(r.clone()).is_some(), "{text:?} {query:?} {r:?}");
        }
        found.map(|rs| rs.into_iter().map(|r| (r.start, r.end)).collect())
    }

    fn hit(text: &str, query: &str) -> bool {
        m(text, query).is_some()
    }

    #[test]
    fn pinyin_full_prefix_and_initials() {
        for q in ["zsf", "zhangsanfeng", "zhangsf", "zhsanf", "sanf", "ZSF", "zhang san f", "张sf"] {
            assert!(hit("张三丰", q), "{q}");
        }
        for q in ["zf", "zsff", "hang", "x", "zhangsanfengx"] {
            assert!(!hit("张三丰", q), "{q}");
        }
    }

    #[test]
    fn heteronyms_match_any_reading() {
        for (text, q) in [("曾经", "cj"), ("单双", "ds"), ("单于", "cy")] {
            assert!(hit(text, q), "{text} {q}");
        }
        for q in ["zhang", "chang", "zh", "c", "zhangc", "cc"] {
            assert!(hit("长城", q), "{q}");
        }
        assert!(hit("解放", "jf") && hit("重庆", "cq") && hit("重庆", "zq"));
        assert!(hit("银行", "yh") && hit("步行", "bx") && hit("A区", "aq"));
        assert!(!hit("长城", "zz") && !hit("单双", "xs"));
    }

    /// Whether `query` matches `text` read as a person's name.
    fn name_hit(text: &str, query: &str) -> bool {
        SearchKey::name(text).is_match(&Query::new(query))
    }

    #[test]
    fn a_surname_reading_belongs_to_a_name_s_first_character_only() {
        for (name, q) in
            [("区志强", "ouzq"), ("单志远", "szy"), ("单志远", "shanzhiyuan"), ("解雨桐", "xyt"), ("曾凡宇", "zfy")]
        {
            assert!(name_hit(name, q), "{name} {q}");
            assert!(!hit(name, q), "{name} {q}: not outside a name");
        }
        // The everyday readings stay, in names too.
        assert!(name_hit("曾凡宇", "cfy") && name_hit("单志远", "dzy") && name_hit("区志强", "qzq"));
        // Inside unit names and after a name's first character: no surname reading.
        for (text, q) in [("南海区狮山镇", "ou"), ("南海区", "nho"), ("解放路", "xief"), ("曾经", "zj")] {
            assert!(!hit(text, q), "{text} {q}");
        }
        assert!(!name_hit("王区", "wo") && !name_hit("李曾", "lz") && name_hit("李曾", "lc"));
        assert!(name_hit(" 区志强", "ouzq"), "the first character, spaces aside");
    }

    #[test]
    fn a_name_sorts_by_its_surname_reading() {
        // 单 as a surname is Shàn: after 邓 (deng), before 沈 (shen).
        let mut names = ["沈一", "单志远", "邓二"];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(names, ["邓二", "单志远", "沈一"]);
        names.sort_by_key(|n| pinyin_sort_key(n));
        assert_eq!(names, ["单志远", "邓二", "沈一"], "outside names 单 is dān");
        assert_eq!(name_sort_key("王区"), pinyin_sort_key("王区"), "only the first character");
    }

    fn kind(text: &str, query: &str) -> Option<MatchKind> {
        SearchKey::name(text).match_kind(&Query::new(query))
    }

    #[test]
    fn how_a_text_matches() {
        use MatchKind::*;
        assert_eq!(kind("江国华", "江国华"), Some(Exact));
        assert_eq!(kind("Zhang Wei", "zhangwei"), Some(Exact));
        assert_eq!(kind("江国华", "江国"), Some(Prefix));
        assert_eq!(kind("江国华", "jgh"), Some(Initials));
        assert_eq!(kind("江国华", "jg"), Some(Initials));
        assert_eq!(kind("江国华", "江g"), Some(Initials));
        assert_eq!(kind("江国华", "jiangguohua"), Some(FullPinyin));
        assert_eq!(kind("江国华", "jiangguoh"), Some(FullPinyin));
        assert_eq!(kind("江国华", "jiang"), Some(FullPinyin));
        assert_eq!(kind("江国华", "jianggh"), Some(Pinyin));
        assert_eq!(kind("江国华", "guohua"), Some(Inside));
        assert_eq!(kind("江国华", "国华"), Some(Inside));
        assert_eq!(kind("江国华", "x"), None);
        assert_eq!(kind("区志强", "ozq"), Some(Initials));
        assert_eq!(kind("区志强", "ouzq"), Some(Pinyin));
        assert_eq!(kind("欧阳 明远", "oymy"), Some(Initials), "a space inside is skipped");
        assert_eq!(SearchKey::new("局 规划科").match_kind(&Query::new("jgh")), Some(Initials));
        assert_eq!(SearchKey::new("市国土规划局 规划科").match_kind(&Query::new("jgh")), Some(Inside));
        assert_eq!(kind("江国华", "  "), Some(Inside), "an empty query: all alike");
        assert!(Exact < Prefix && Prefix < Initials && Initials < FullPinyin && FullPinyin < Pinyin && Pinyin < Inside);
    }

    /// Issue 12: `jgh` found 谭嘉诚 first, through "…局 规划…" in his post; 江国华's own name
    /// is `jgh`. The kinds rank the name first.
    #[test]
    fn a_name_by_its_initials_ranks_before_a_post_that_contains_them() {
        let q = Query::new("jgh");
        let post = SearchKey::new("市国土资源局 规划科科长").match_kind(&q);
        let name = SearchKey::name("江国华").match_kind(&q);
        assert_eq!(post, Some(MatchKind::Inside));
        assert!(name < post, "{name:?} {post:?}");
    }

    #[test]
    fn two_character_surname_and_u_umlaut() {
        for q in ["oy", "ouyang", "ouy", "oyang", "oymh", "ou yang"] {
            assert!(hit("欧阳明华", q), "{q}");
        }
        for q in ["lv", "lu", "l", "lvb", "lub"] {
            assert!(hit("吕布", q), "{q}");
        }
        assert!(!hit("吕布", "lx") && hit("女", "nv") && hit("女", "nu"));
    }

    #[test]
    fn mixed_text_latin_and_separators() {
        assert_eq!(m("市国土规划局", "gtgh"), Some(vec![(3, 15)]));
        assert_eq!(m("市国土规划局", "国土"), Some(vec![(3, 9)]));
        assert!(hit("市国土规划局", "sgtghj") && hit("市国土规划局", "国tgh"));
        assert!(!hit("市国土规划局", "sgh") && !hit("市国土规划局", "土国"));
        assert_eq!(m("Zhang WEI", "wei"), Some(vec![(6, 9)]));
        assert!(hit("Zhang WEI", "zhangw") && hit("ÄRZTE Büro", "tebü") && hit("ÄRZTE", "ärz"));
        assert_eq!(m("A区zs", "aqz"), Some(vec![(0, 5)]));
        assert!(hit("A区zs", "aquzs") && !hit("A区zs", "zsa") && hit("A区zs", "a区Z"));
        assert!(hit("欧阳 明", "oym") && hit("阿卜杜·热合曼", "dr"));
        assert_eq!(m("·热", "r"), Some(vec![(2, 5)]));
    }

    #[test]
    fn highlight_is_leftmost_byte_range() {
        assert_eq!(m("北京张三丰", "zsf"), Some(vec![(6, 15)]));
        assert_eq!(m("张三张三丰", "zsf"), Some(vec![(6, 15)]));
        assert_eq!(m("局长张三", "zhangs"), Some(vec![(6, 12)]));
        assert_eq!(m("欧阳 明", "oym"), Some(vec![(0, 10)]));
        assert_eq!(m("办公室 Office", "OFF"), Some(vec![(10, 13)]));
    }

    #[test]
    fn empty_query_and_non_matches() {
        assert_eq!(m("张三", ""), Some(vec![]));
        assert_eq!(m("", "  \t"), Some(vec![]));
        assert!(Query::new(" \t").is_empty() && !Query::new("a").is_empty());
        assert_eq!(m("", "a"), None);
        assert_eq!(m("王五", "zs"), None);
        assert_eq!(m("王五", "wangwuu"), None);
    }

    #[test]
    fn long_queries_fall_back_to_substring() {
        let text = "x".repeat(100);
        assert!(hit(&text, &"X".repeat(80)) && !hit(&text, &"xy".repeat(40)));
        assert!(hit(&"张".repeat(30), &"张".repeat(25)));
    }

    #[test]
    fn narrows_allows_incremental_filtering() {
        let (q1, q2) = (Query::new("zha"), Query::new("zhang s"));
        assert!(q2.narrows(&q1) && !q1.narrows(&q2) && q1.narrows(&Query::new("")));
        for text in ["张三", "zhang san", "查", "长沙", "Zha", "王"] {
            let k = SearchKey::new(text);
            assert!(!k.is_match(&q2) || k.is_match(&q1), "{text}");
        }
    }

    #[test]
    fn weird_unicode_never_panics() {
        let weird = [
            "",
            "e\u{301}\u{301}",
            "😀张👨‍👩‍👧三",
            "\u{0}\u{7f}\u{1b}[31m",
            "İstanbul ẞ K Ω",
            "\u{FEFF}\u{200D}丰\u{3000}",
            "𠮷野家",
            "ǅ ῼ ﬃ",
            "\u{10FFFF}\u{FFFD}",
        ];
        for text in weird {
            for q in weird.iter().copied().chain(["z", "i", "e", "ffi", "丰", "k"]) {
                m(text, q);
            }
        }
        assert!(hit("😀张👨‍👩‍👧三", "zs") && hit("𠮷野家", "yj") && hit("İstanbul", "stan"));
    }

    /// Naive exponential matcher written straight from the rules, as a reference.
    fn reference(text: &str, query: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let q: String = query.chars().map(fold).filter(|c| !c.is_whitespace()).collect();
        fn at(text: &[char], q: &str, i: usize, inside: bool) -> bool {
            let Some(&c) = text.get(i) else { return q.is_empty() };
            let lit = fold(c).to_string();
            let surname = pinyin_table::SURNAME_READINGS.iter().find(|(s, _)| *s == c).map(|(_, r)| *r);
            let readings = c
                .to_pinyin_multi()
                .into_iter()
                .flatten()
                .map(|p| p.plain().replace('ü', "v"))
                .filter(|r| Some(r.as_str()) != surname);
            q.is_empty()
                || (q.starts_with(&lit) && at(text, &q[lit.len()..], i + 1, true))
                || (inside && !c.is_alphanumeric() && at(text, q, i + 1, true))
                || readings.into_iter().any(|r| {
                    let n = r.bytes().zip(q.bytes()).take_while(|&(s, c)| s == c || (s, c) == (b'v', b'u')).count();
                    (1..=n).any(|k| at(text, &q[k..], i + 1, true))
                })
        }
        q.is_empty() || (0..text.len()).any(|i| at(&text, &q, i, false))
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_reference(text in "[张三丰长单吕曾区欧阳行女 ·aZ1-]{0,6}", query in "[zhangsfeuoylvdcqxin 张aZ1-]{0,7}") {
            let found = m(&text, &query);
            proptest::prop_assert_eq!(found.is_some(), reference(&text, &query), "{:?} {:?}", text, query);
            for (a, b) in found.into_iter().flatten() {
                proptest::prop_assert!(reference(&text[a..b], &query), "highlight {:?}", &text[a..b]);
            }
        }

        #[test]
        fn arbitrary_unicode_never_panics(text in proptest::prelude::any::<String>(), query in "\\PC{0,6}") {
            m(&text, &query);
            proptest::prop_assert!(text.trim().is_empty() || hit(&text, &text));
        }
    }

    #[test]
    fn keys_are_compact() {
        assert!(std::mem::size_of::<SearchKey>() <= 32);
        assert!(128 + table().sets.len() < usize::from(OTHER), "reading sets must fit a u16 symbol");
        let text = "中华人民共和国国土资源部行政单位长沙重庆解放军".repeat(4);
        let per_char = SearchKey::new(&text).heap_bytes() / text.chars().count();
        assert!(per_char < 16, "{per_char} bytes per character");
    }
}
