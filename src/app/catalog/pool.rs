//! Distinct texts shared by many rows (names repeat, units and posts repeat a great deal): each
//! is stored, keyed for search and ranked by pinyin once, and rows hold a `u32` id. A search
//! tests each distinct text once and answers with a [`BitSet`] of the texts that match.

use crate::search::{name_sort_key, pinyin_sort_key, Query, SearchKey};
use crate::text::display_safe;
use std::collections::HashMap;

/// The id of "no text" (a cadre without a secondment has no host).
pub const NONE: u32 = u32::MAX;

/// A fixed-size set of small integers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    pub fn new(len: usize) -> BitSet {
        BitSet { words: vec![0; len.div_ceil(64)] }
    }

    pub fn full(len: usize) -> BitSet {
        let mut set = BitSet { words: vec![u64::MAX; len.div_ceil(64)] };
        if !len.is_multiple_of(64) {
            if let Some(last) = set.words.last_mut() {
                *last = (1u64 << (len % 64)) - 1;
            }
        }
        set
    }

    /// Adds `i`, growing the set when `i` is past its end.
    pub fn insert(&mut self, i: usize) {
        self.grow(i + 1);
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn remove(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w &= !(1 << (i % 64));
        }
    }

    /// Room for members below `len` (new ones absent).
    pub fn grow(&mut self, len: usize) {
        if self.words.len() < len.div_ceil(64) {
            self.words.resize(len.div_ceil(64), 0);
        }
    }

    /// False for ids past the end (and for [`NONE`]).
    pub fn contains(&self, i: u32) -> bool {
        let i = i as usize;
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let i = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + i
                })
            })
        })
    }

    fn union_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// The words of bits, 64 members a word (member `i` is bit `i % 64` of word `i / 64`).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The members of `within` (of `0..len` without it) that pass, tested a word at a time:
    /// `test(w)` gives the bits of `64 * w .. 64 * w + 64` that pass (it need not clear the bits
    /// past `len` or outside `within`, nor is it called for words with no candidate). On two
    /// threads when there are many.
    pub fn select(len: usize, within: Option<&BitSet>, test: impl Fn(usize) -> u64 + Sync) -> BitSet {
        let words = len.div_ceil(64);
        let candidates = |w: usize| match within {
            Some(set) => set.words.get(w).copied().unwrap_or(0),
            None if w + 1 == words && !len.is_multiple_of(64) => (1u64 << (len % 64)) - 1,
            None => u64::MAX,
        };
        let fill = |from: usize, out: &mut [u64]| {
            for (w, slot) in (from..).zip(out.iter_mut()) {
                let bits = candidates(w);
                *slot = if bits == 0 { 0 } else { bits & test(w) };
            }
        };
        let mut out = vec![0; words];
        if len < 1 << 16 {
            fill(0, &mut out);
        } else {
            let cut = words / 2;
            let (left, right) = out.split_at_mut(cut);
            std::thread::scope(|s| {
                s.spawn(|| fill(cut, right));
                fill(0, left);
            });
        }
        BitSet { words: out }
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

/// Distinct texts with their search keys and pinyin ranks. Texts are added while a catalog is
/// built (`intern`) and ranked once (`finish`); a text added later (a save) is ranked into the
/// gaps left between the others, or all are ranked again when there is no gap (`epoch` counts
/// those, so sorted orders by text know to be made again).
#[derive(Debug, Clone, Default)]
pub struct TextPool {
    texts: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
    keys: Vec<SearchKey>,
    /// Per text, its position in pinyin order (spaced out, equal readings share one).
    ranks: Vec<u32>,
    /// Text ids in pinyin order (after `finish`).
    by_rank: Vec<u32>,
    empty: Vec<bool>,
    /// Per text, whether it is a person's name (keyed and ordered with surname readings).
    person: Vec<bool>,
    finished: bool,
    epoch: u32,
}

impl TextPool {
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Times every text was ranked again (a text came with no room in pinyin order).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The id of `text` made display-safe (as `Cell::text` shows it), added if new.
    pub fn intern(&mut self, text: &str) -> u32 {
        self.add(text, false)
    }

    /// `intern` for a person's name: its first character is searched and ordered with its
    /// surname reading too (单 shàn).
    pub fn intern_name(&mut self, text: &str) -> u32 {
        self.add(text, true)
    }

    fn add(&mut self, text: &str, person: bool) -> u32 {
        let safe = display_safe(text);
        if let Some(&id) = self.ids.get(safe.as_ref()) {
            if person && !self.person[id as usize] {
                self.person[id as usize] = true;
                if self.finished {
                    self.keys[id as usize] = SearchKey::name(&self.texts[id as usize]);
                    self.by_rank.retain(|&o| o != id);
                    self.rank_new(id);
                }
            }
            return id;
        }
        let id = u32::try_from(self.texts.len()).expect("fewer than 4 billion distinct texts");
        let boxed: Box<str> = safe.into();
        self.ids.insert(boxed.clone(), id);
        self.empty.push(boxed.is_empty());
        self.person.push(person);
        self.texts.push(boxed);
        if self.finished {
            self.keys.push(self.key_of(id as usize));
            self.ranks.push(0);
            self.rank_new(id);
        }
        id
    }

    fn key_of(&self, i: usize) -> SearchKey {
        if self.person[i] {
            SearchKey::name(&self.texts[i])
        } else {
            SearchKey::new(&self.texts[i])
        }
    }

    fn sort_key_of(&self, i: usize) -> String {
        if self.person[i] {
            name_sort_key(&self.texts[i])
        } else {
            pinyin_sort_key(&self.texts[i])
        }
    }

    /// Keys and ranks every text, on two threads.
    pub fn finish(&mut self) {
        let fresh: Vec<usize> = (self.keys.len()..self.texts.len()).collect();
        let keys = parallel_map(&fresh, |&i| self.key_of(i));
        self.keys.extend(keys);
        self.rank_all();
        self.finished = true;
    }

    fn rank_all(&mut self) {
        let all: Vec<usize> = (0..self.texts.len()).collect();
        let sort_keys = parallel_map(&all, |&i| self.sort_key_of(i));
        let mut by_rank: Vec<u32> = (0..self.texts.len() as u32).collect();
        by_rank.sort_by(|&a, &b| sort_keys[a as usize].cmp(&sort_keys[b as usize]).then(a.cmp(&b)));
        let distinct = 1 + by_rank.windows(2).filter(|w| sort_keys[w[0] as usize] != sort_keys[w[1] as usize]).count();
        // Room for texts added later between any two.
        let gap = (u32::MAX / (distinct as u32 + 1)).max(1);
        let mut ranks = vec![0u32; self.texts.len()];
        let mut rank = 0u32;
        for (n, &id) in by_rank.iter().enumerate() {
            if n > 0 && sort_keys[id as usize] != sort_keys[by_rank[n - 1] as usize] {
                rank = rank.saturating_add(gap);
            }
            ranks[id as usize] = rank;
        }
        self.ranks = ranks;
        self.by_rank = by_rank;
    }

    /// Ranks one text added after `finish`: the rank of an equal reading, else one between its
    /// neighbours, else every text is ranked again.
    fn rank_new(&mut self, id: u32) {
        let key = self.sort_key_of(id as usize);
        let at = self.by_rank.partition_point(|&o| self.sort_key_of(o as usize) <= key);
        let before = at.checked_sub(1).map(|i| self.by_rank[i]);
        let after = self.by_rank.get(at).copied();
        self.by_rank.insert(at, id);
        let low = before.map(|b| self.ranks[b as usize]);
        if let Some(b) = before.filter(|&b| self.sort_key_of(b as usize) == key) {
            self.ranks[id as usize] = self.ranks[b as usize];
            return;
        }
        let high = after.map_or(u32::MAX, |a| self.ranks[a as usize]);
        let low_bound = low.map_or(0, |l| l.saturating_add(1));
        if low_bound < high {
            self.ranks[id as usize] = low_bound + (high - low_bound) / 2;
        } else {
            self.rank_all();
            self.epoch += 1;
        }
    }

    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", |t| t)
    }

    /// Position in pinyin order (equal readings share one); empty text is `None`, which sorts
    /// last as `SortKey::Empty` does.
    pub fn rank(&self, id: u32) -> Option<u32> {
        let i = id as usize;
        (i < self.texts.len() && !self.empty[i]).then(|| self.ranks[i])
    }

    /// The rank as a sort key: empty text (and no text) last.
    pub fn sort_key(&self, id: u32) -> u32 {
        self.rank(id).unwrap_or(u32::MAX)
    }

    /// The texts matching `query`. When the query narrows `previous` (one more letter typed),
    /// only `previous`'s hits are tested again.
    pub fn search(&self, query: &Query, previous: Option<(&Query, &BitSet)>) -> BitSet {
        if query.is_empty() {
            return BitSet::full(self.len());
        }
        let within = previous.filter(|(q, _)| query.narrows(q)).map(|(_, hits)| hits);
        let test = |ids: &mut dyn Iterator<Item = usize>| {
            let mut hits = BitSet::new(self.len());
            for i in ids {
                if self.keys[i].is_match(query) {
                    hits.insert(i);
                }
            }
            hits
        };
        match within {
            Some(prev) if prev.count() < 4096 => test(&mut prev.iter()),
            _ => {
                // Halves on two threads: a fresh search tests every distinct text.
                let n = self.len();
                let cut = n / 2;
                let mut left = std::thread::scope(|s| {
                    let right =
                        s.spawn(|| test(&mut (cut..n).filter(|&i| within.is_none_or(|p| p.contains(i as u32)))));
                    let mut left = test(&mut (0..cut).filter(|&i| within.is_none_or(|p| p.contains(i as u32))));
                    left.union_with(&right.join().expect("search thread"));
                    left
                });
                left.words.truncate(n.div_ceil(64));
                left
            }
        }
    }

    /// Heap bytes held (for the memory budget in the benchmarks).
    pub fn heap_bytes(&self) -> usize {
        self.texts.iter().map(|t| 2 * (t.len() + 16) + 12).sum::<usize>()
            + self.keys.iter().map(|k| k.heap_bytes() + std::mem::size_of::<SearchKey>()).sum::<usize>()
            + self.ranks.len() * 9
    }
}

/// `f` over `items` on two threads, results in order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cut = items.len() / 2;
    let (a, b) = items.split_at(cut);
    std::thread::scope(|s| {
        let right = s.spawn(|| b.iter().map(&f).collect::<Vec<R>>());
        let mut out: Vec<R> = a.iter().map(&f).collect();
        out.extend(right.join().expect("pool thread"));
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(texts: &[&str]) -> (TextPool, Vec<u32>) {
        let mut p = TextPool::default();
        let ids = texts.iter().map(|t| p.intern(t)).collect();
        p.finish();
        (p, ids)
    }

    #[test]
    fn equal_texts_share_an_id_and_ranks_follow_pinyin() {
        let (p, ids) = pool(&["张三", "陈一", "张三", "", "Li"]);
        assert_eq!(ids[0], ids[2]);
        assert_eq!(p.len(), 4);
        assert!(p.rank(ids[1]) < p.rank(ids[4]) && p.rank(ids[4]) < p.rank(ids[0]));
        assert_eq!(p.rank(ids[3]), None);
        assert_eq!(p.rank(NONE), None);
    }

    #[test]
    fn texts_added_later_rank_between_their_neighbours() {
        let (mut p, ids) = pool(&["张三", "陈一", "李四"]);
        let wang = p.intern("王五");
        assert!(p.rank(ids[2]) < p.rank(wang) && p.rank(wang) < p.rank(ids[0]), "li < wang < zhang");
        let again = p.intern("张三");
        assert_eq!(again, ids[0]);
        let first = p.intern("阿一");
        assert!(p.rank(first) < p.rank(ids[1]));
        // Many texts squeezed between two neighbours: ranks are made again, order kept.
        let epoch = p.epoch();
        let mut added = Vec::new();
        for i in 0..40 {
            added.push(p.intern(&format!("陈一{}", "a".repeat(40 - i))));
        }
        assert!(p.epoch() > epoch);
        for w in added.windows(2) {
            assert!(p.rank(w[1]) < p.rank(w[0]));
        }
        assert!(p.rank(ids[1]) < p.rank(*added.last().unwrap()));
    }

    #[test]
    fn search_finds_pinyin_and_narrows_on_the_previous_hits() {
        let (p, ids) = pool(&["张三", "赵六", "章程", "李四"]);
        let z = Query::new("z");
        let hits = p.search(&z, None);
        assert_eq!(hits.iter().collect::<Vec<_>>(), vec![ids[0] as usize, ids[1] as usize, ids[2] as usize]);
        let zh = Query::new("zhang");
        let narrowed = p.search(&zh, Some((&z, &hits)));
        assert_eq!(narrowed, p.search(&zh, None));
        assert_eq!(narrowed.iter().collect::<Vec<_>>(), vec![ids[0] as usize, ids[2] as usize]);
        // Not a narrowing: every text is tested again.
        let si = Query::new("si");
        assert_eq!(p.search(&si, Some((&zh, &narrowed))).iter().collect::<Vec<_>>(), vec![ids[3] as usize]);
    }

    #[test]
    fn bitsets_count_and_iterate() {
        let mut s = BitSet::new(130);
        for i in [0, 63, 64, 129] {
            s.insert(i);
        }
        assert_eq!(s.count(), 4);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 63, 64, 129]);
        assert!(!s.contains(NONE));
        assert_eq!(BitSet::full(130).count(), 130);
    }

    #[test]
    fn select_tests_the_candidates_only() {
        for len in [0, 1, 63, 64, 130, 200_001] {
            let bits = |test: fn(usize) -> bool| {
                move |w: usize| (0..64).filter(|&i| test(w * 64 + i)).fold(0u64, |m, i| m | 1 << i)
            };
            let odd = BitSet::select(len, None, bits(|i| i % 2 == 1));
            assert_eq!(odd.count(), len / 2, "{len}");
            assert!(odd.iter().all(|i| i % 2 == 1 && i < len));
            let by_three = BitSet::select(len, Some(&odd), bits(|i| i % 3 == 0));
            assert_eq!(by_three.iter().collect::<Vec<_>>(), (0..len).filter(|i| i % 6 == 3).collect::<Vec<_>>());
        }
    }
}
