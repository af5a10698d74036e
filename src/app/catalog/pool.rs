//! Distinct texts shared by many rows (names repeat, units and posts repeat a great deal): each
//! is stored, keyed for search and ranked by pinyin once, and rows hold a `u32` id. A search
//! tests each distinct text once and answers with a [`BitSet`] of the texts that match.

use crate::search::{pinyin_sort_key, Query, SearchKey};
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

    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
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

/// Interns texts while a catalog is built; `finish` turns it into a [`TextPool`].
#[derive(Debug, Default)]
pub struct PoolBuilder {
    ids: HashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl PoolBuilder {
    /// The id of `text` made display-safe (as `Cell::text` shows it).
    pub fn intern(&mut self, text: &str) -> u32 {
        let safe = display_safe(text);
        if let Some(&id) = self.ids.get(safe.as_ref()) {
            return id;
        }
        let id = u32::try_from(self.texts.len()).expect("fewer than 4 billion distinct texts");
        let boxed: Box<str> = safe.into();
        self.ids.insert(boxed.clone(), id);
        self.texts.push(boxed);
        id
    }

    /// Keys and ranks every text, on all cores.
    pub fn finish(self) -> TextPool {
        let texts = self.texts;
        drop(self.ids);
        let keys = parallel_map(&texts, |t| SearchKey::new(t));
        let sort_keys = parallel_map(&texts, |t| pinyin_sort_key(t));
        let mut by_key: Vec<u32> = (0..texts.len() as u32).collect();
        by_key.sort_unstable_by(|&a, &b| sort_keys[a as usize].cmp(&sort_keys[b as usize]));
        // Equal sort keys share a rank, so a stable sort by rank keeps their natural order.
        let mut ranks = vec![0u32; texts.len()];
        let mut rank = 0;
        for (n, &id) in by_key.iter().enumerate() {
            if n > 0 && sort_keys[id as usize] != sort_keys[by_key[n - 1] as usize] {
                rank = n as u32;
            }
            ranks[id as usize] = rank;
        }
        let empty = texts.iter().map(|t| t.is_empty()).collect();
        TextPool { texts, keys, ranks, empty }
    }
}

/// Distinct texts with their search keys and pinyin ranks.
#[derive(Debug, Default)]
pub struct TextPool {
    texts: Vec<Box<str>>,
    keys: Vec<SearchKey>,
    ranks: Vec<u32>,
    empty: Vec<bool>,
}

impl TextPool {
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", |t| t)
    }

    /// Position in pinyin order (equal texts by reading share one); empty text is
    /// `None`, which sorts last as `SortKey::Empty` does.
    pub fn rank(&self, id: u32) -> Option<u32> {
        let i = id as usize;
        (i < self.texts.len() && !self.empty[i]).then(|| self.ranks[i])
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
        self.texts.iter().map(|t| t.len() + 16).sum::<usize>()
            + self.keys.iter().map(|k| k.heap_bytes() + std::mem::size_of::<SearchKey>()).sum::<usize>()
            + self.ranks.len() * 5
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
        let mut b = PoolBuilder::default();
        let ids = texts.iter().map(|t| b.intern(t)).collect();
        (b.finish(), ids)
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
