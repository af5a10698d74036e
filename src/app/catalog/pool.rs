//! Distinct texts shared by many rows (names repeat, units and posts repeat a great deal): each
//! is stored, keyed for search and ranked by pinyin once, and rows hold a `u32` id. A search
//! tests each distinct text once and answers with a [`BitSet`] of the texts that match.
//!
//! A catalog at a million cadres holds a few hundred thousand distinct texts, so they are packed:
//! the texts in one string, their search keys in one buffer, the index from text to id a table
//! of ids (the text itself is not kept twice).

use super::bitset::BitSet;
use crate::search::packed::PackedKeys;
use crate::search::{name_sort_key, pinyin_sort_key, Query};
use crate::text::display_safe;
use hashbrown::DefaultHashBuilder;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// The id of "no text" (a cadre without a secondment has no host).
pub const NONE: u32 = u32::MAX;

/// Distinct texts with their search keys and pinyin ranks. Texts are added while a catalog is
/// built (`intern`) and ranked once (`finish`); a text added later (a save) is ranked into the
/// gaps left between the others, or all are ranked again when there is no gap (`epoch` counts
/// those, so sorted orders by text know to be made again).
#[derive(Debug, Clone, Default)]
pub struct TextPool {
    /// Every text, one after the other: text `i` ends at `ends[i]`.
    bytes: String,
    ends: Vec<u32>,
    /// The ids, found by their text's hash: while the pool is built, in slots that hold short
    /// texts too (`Slot`); once it is finished, alone (a third of the memory, and a save adds
    /// a handful of texts).
    building: HashTable<Slot>,
    ids: HashTable<u32>,
    /// foldhash (hashbrown's): SipHash was a tenth of the lists' build time at a million cadres.
    hasher: DefaultHashBuilder,
    keys: PackedKeys,
    /// Per text, its position in pinyin order (spaced out, equal readings share one).
    ranks: Vec<u32>,
    /// Text ids in pinyin order (after `finish`).
    by_rank: Vec<u32>,
    /// Per text, whether it is a person's name (keyed and ordered with surname readings).
    person: Vec<bool>,
    finished: bool,
    epoch: u32,
}

/// A text's id in the hash table, with the text itself when it is short (a name, most posts'
/// short forms): finding a short text then reads the table alone, not the table, `ends` and
/// `bytes` at three places in memory (a tenth of the lists' build at a million cadres).
#[derive(Debug, Clone, Copy)]
struct Slot {
    id: u32,
    /// The text's length when it is in `short`, else `LONG`.
    len: u8,
    short: [u8; SHORT],
}

const SHORT: usize = 11;
const LONG: u8 = u8::MAX;

impl Slot {
    fn new(id: u32, text: &str) -> Slot {
        let mut short = [0; SHORT];
        let len = match text.len() {
            n if n <= SHORT => {
                short[..n].copy_from_slice(text.as_bytes());
                n as u8
            }
            _ => LONG,
        };
        Slot { id, len, short }
    }

    fn text<'a>(&'a self, bytes: &'a str, ends: &[u32]) -> &'a [u8] {
        match self.len {
            LONG => text_at(bytes, ends, self.id).as_bytes(),
            n => &self.short[..usize::from(n)],
        }
    }

    fn holds(&self, text: &str, bytes: &str, ends: &[u32]) -> bool {
        self.text(bytes, ends) == text.as_bytes()
    }
}

/// The hash of text `id` (as `add` hashes a text: its bytes), for the table of ids to grow by.
fn rehash<'a>(hasher: &'a DefaultHashBuilder, bytes: &'a str, ends: &'a [u32]) -> impl Fn(&u32) -> u64 + 'a {
    move |&id| hasher.hash_one(text_at(bytes, ends, id).as_bytes())
}

/// Text `id` of a pool's `bytes` and `ends`.
fn text_at<'a>(bytes: &'a str, ends: &[u32], id: u32) -> &'a str {
    let i = id as usize;
    match ends.get(i) {
        Some(&end) => &bytes[i.checked_sub(1).map_or(0, |p| ends[p] as usize)..end as usize],
        None => "",
    }
}

impl TextPool {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
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
        let hash = self.hasher.hash_one(safe.as_bytes());
        let (bytes, ends) = (&self.bytes, &self.ends);
        let found = match self.finished {
            true => self.ids.find(hash, |&id| text_at(bytes, ends, id) == safe).copied(),
            false => self.building.find(hash, |slot| slot.holds(&safe, bytes, ends)).map(|slot| slot.id),
        };
        if let Some(id) = found {
            if person && !self.person[id as usize] {
                self.person[id as usize] = true;
                if self.finished {
                    self.keys.replace(id as usize, text_at(&self.bytes, &self.ends, id), true);
                    self.by_rank.retain(|&o| o != id);
                    self.rank_new(id);
                }
            }
            return id;
        }
        let id = u32::try_from(self.ends.len()).expect("fewer than 4 billion distinct texts");
        self.bytes.push_str(&safe);
        self.ends.push(u32::try_from(self.bytes.len()).expect("under 4 GiB of distinct texts"));
        self.person.push(person);
        let TextPool { ids, building, bytes, ends, hasher, finished, .. } = self;
        if *finished {
            ids.insert_unique(hash, id, rehash(hasher, bytes, ends));
        } else {
            building.insert_unique(hash, Slot::new(id, &safe), |other| hasher.hash_one(other.text(bytes, ends)));
        }
        if self.finished {
            self.keys.push(&safe, person);
            self.ranks.push(0);
            self.rank_new(id);
        }
        id
    }

    fn sort_key_of(&self, id: u32) -> String {
        let text = self.text(id);
        if self.person[id as usize] {
            name_sort_key(text)
        } else {
            pinyin_sort_key(text)
        }
    }

    /// Keys and ranks every text, on two threads.
    pub fn finish(&mut self) {
        let (from, to) = (self.keys.len(), self.len());
        let cut = from + (to - from) / 2;
        let keys = |range: std::ops::Range<usize>| {
            let mut keys = PackedKeys::default();
            for id in range {
                keys.push(self.text(id as u32), self.person[id]);
            }
            keys
        };
        let (left, right) = std::thread::scope(|s| {
            let right = s.spawn(|| keys(cut..to));
            (keys(from..cut), right.join().expect("pool thread"))
        });
        self.keys.append(left);
        self.keys.append(right);
        self.rank_all();
        let TextPool { ids, building, bytes, ends, hasher, .. } = self;
        ids.reserve(building.len(), rehash(hasher, bytes, ends));
        for slot in std::mem::take(building) {
            let hash = hasher.hash_one(slot.text(bytes, ends));
            ids.insert_unique(hash, slot.id, rehash(hasher, bytes, ends));
        }
        self.finished = true;
    }

    fn rank_all(&mut self) {
        let all: Vec<u32> = (0..self.len() as u32).collect();
        let sort_keys = parallel_map(&all, |&id| self.sort_key_of(id));
        let by_rank = parallel_sort(all, |&a, &b| sort_keys[a as usize].cmp(&sort_keys[b as usize]).then(a.cmp(&b)));
        let distinct = 1 + by_rank.windows(2).filter(|w| sort_keys[w[0] as usize] != sort_keys[w[1] as usize]).count();
        // Room for texts added later between any two.
        let gap = (u32::MAX / (distinct as u32 + 1)).max(1);
        let mut ranks = vec![0u32; self.len()];
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
        let key = self.sort_key_of(id);
        let at = self.by_rank.partition_point(|&o| self.sort_key_of(o) <= key);
        let before = at.checked_sub(1).map(|i| self.by_rank[i]);
        let after = self.by_rank.get(at).copied();
        self.by_rank.insert(at, id);
        let low = before.map(|b| self.ranks[b as usize]);
        if let Some(b) = before.filter(|&b| self.sort_key_of(b) == key) {
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
        text_at(&self.bytes, &self.ends, id)
    }

    /// Position in pinyin order (equal readings share one); empty text is `None`, which sorts
    /// last as `SortKey::Empty` does.
    pub fn rank(&self, id: u32) -> Option<u32> {
        (!self.text(id).is_empty()).then(|| self.ranks[id as usize])
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
                if self.keys.get(i).is_match(query) {
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
                let wanted = |i: &usize| within.is_none_or(|p| p.contains(*i as u32));
                std::thread::scope(|s| {
                    let right = s.spawn(|| test(&mut (cut..n).filter(wanted)));
                    let mut left = test(&mut (0..cut).filter(wanted));
                    left.union_with(&right.join().expect("search thread"));
                    left
                })
            }
        }
    }

    /// Heap bytes held (for the memory budget in the benchmarks).
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + self.ends.capacity() * 4
            + self.ids.capacity() * 5
            + self.building.capacity() * (std::mem::size_of::<Slot>() + 1)
            + self.keys.heap_bytes()
            + (self.ranks.capacity() + self.by_rank.capacity()) * 4
            + self.person.capacity()
    }
}

/// `items` sorted by `cmp`: each half on its own thread, then merged.
fn parallel_sort<T: Copy + Send>(mut items: Vec<T>, cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync) -> Vec<T> {
    let cut = items.len() / 2;
    let (left, right) = items.split_at_mut(cut);
    std::thread::scope(|s| {
        s.spawn(|| right.sort_by(&cmp));
        left.sort_by(&cmp);
    });
    let (left, right) = items.split_at(cut);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        // Equal items keep the left one first, as one stable sort would.
        if cmp(&right[j], &left[i]).is_lt() {
            merged.push(right[j]);
            j += 1;
        } else {
            merged.push(left[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&left[i..]);
    merged.extend_from_slice(&right[j..]);
    merged
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
    fn parallel_sort_sorts_as_one_stable_sort() {
        let items: Vec<(u32, u32)> = (0..1001u32).map(|i| ((i * 7919) % 13, i)).collect();
        let by_key = |a: &(u32, u32), b: &(u32, u32)| a.0.cmp(&b.0);
        let mut want = items.clone();
        want.sort_by(by_key);
        assert_eq!(parallel_sort(items, by_key), want);
        assert_eq!(parallel_sort(Vec::<(u32, u32)>::new(), by_key), vec![]);
        assert_eq!(parallel_sort(vec![(1, 0)], by_key), vec![(1, 0)]);
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
}
