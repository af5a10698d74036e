//! What every catalog's `order` is made of: sorted orders kept per column and patched when rows
//! change ([`Sorts`]), the searchable texts of each row ([`Texts`]), and the composition of an
//! order, a filter and a search into the rows shown ([`compose`]).

use super::bitset::BitSet;
use super::pool::{TextPool, NONE};
use super::Visible;
use crate::search::Query;
use std::sync::{Arc, Mutex, MutexGuard};

/// Below this many rows, work stays on one thread.
pub const PARALLEL_ROWS: usize = 1 << 16;

/// Sort key of an empty cell: after everything (`SortKey::Empty`).
pub const EMPTY: u32 = u32::MAX;

/// Sorted orders kept: the current sort column and the one before it.
const KEEP_SORTED: usize = 2;

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Rows stably sorted by a column's key, ascending, one order per column recently used. Only
/// live rows are in them.
#[derive(Debug, Default)]
pub struct Sorts {
    cache: Mutex<Vec<(usize, Arc<[u32]>)>>,
}

impl Clone for Sorts {
    fn clone(&self) -> Sorts {
        Sorts { cache: Mutex::new(lock(&self.cache).clone()) }
    }
}

impl Sorts {
    /// The rows of `natural` (the live rows in natural order) stably sorted by `key`, made once
    /// and kept.
    pub fn get(&self, col: usize, natural: impl Iterator<Item = u32>, key: impl Fn(usize) -> u32 + Sync) -> Arc<[u32]> {
        let mut cache = lock(&self.cache);
        if let Some(at) = cache.iter().position(|(c, _)| *c == col) {
            let hit = cache.remove(at);
            let rows = hit.1.clone();
            cache.insert(0, hit);
            return rows;
        }
        let rows: Vec<u32> = natural.collect();
        let mut keyed: Vec<u64> =
            rows.iter().enumerate().map(|(pos, &r)| (u64::from(key(r as usize)) << 32) | pos as u64).collect();
        sort_u64(&mut keyed);
        let sorted: Arc<[u32]> = keyed.into_iter().map(|k| rows[k as u32 as usize]).collect();
        cache.insert(0, (col, sorted.clone()));
        cache.truncate(KEEP_SORTED);
        sorted
    }

    /// Puts `changed` rows (sorted, deduplicated) where their keys now sort them: out of every
    /// kept order, then back in unless they are gone (`live` false), ties in natural order
    /// (`rank`: a row's position in it). O(rows) per kept order.
    pub fn patch(
        &mut self,
        changed: &[u32],
        live: impl Fn(u32) -> bool,
        key: impl Fn(usize, usize) -> u32,
        rank: impl Fn(u32) -> u32,
    ) {
        if changed.is_empty() {
            return;
        }
        let cache = self.cache.get_mut().unwrap_or_else(|e| e.into_inner());
        let max = changed.last().copied().unwrap_or(0) as usize + 1;
        let mut is_changed = BitSet::new(max);
        for &r in changed {
            is_changed.insert(r as usize);
        }
        for (col, rows) in cache.iter_mut() {
            let order = |r: u32| (key(*col, r as usize), rank(r));
            let mut back: Vec<u32> = changed.iter().copied().filter(|&r| live(r)).collect();
            back.sort_unstable_by_key(|&r| order(r));
            let unchanged = |i: usize| !is_changed.contains(rows[i]);
            let stays = (0..rows.len()).filter(|&i| unchanged(i)).count();
            let merged = new_order(stays + back.len(), |out| {
                let mut from = 0;
                for &b in &back {
                    let ob = order(b);
                    // Each changed row goes after the unchanged rows that do not sort after it,
                    // found by halving: keys are made for a few dozen rows, not for every row (a
                    // million at 1M). The changed rows, still at their old places, are stepped over.
                    let (mut low, mut high) = (from, rows.len());
                    while low < high {
                        let mid = low + (high - low) / 2;
                        match (mid..high).find(|&i| unchanged(i)) {
                            Some(i) if order(rows[i]) <= ob => low = i + 1,
                            _ => high = mid,
                        }
                    }
                    (from..low).filter(|&i| unchanged(i)).for_each(|i| out.push(rows[i]));
                    out.push(b);
                    from = low;
                }
                (from..rows.len()).filter(|&i| unchanged(i)).for_each(|i| out.push(rows[i]));
            });
            *rows = merged;
        }
    }

    /// Forgets the kept orders of the columns `which` names (all when it says so).
    pub fn forget(&mut self, which: impl Fn(usize) -> bool) {
        self.cache.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|(c, _)| !which(*c));
    }

    pub fn heap_bytes(&self) -> usize {
        lock(&self.cache).iter().map(|(_, r)| r.len() * 4).sum()
    }
}

/// Where a new order's rows are written, one after the other.
struct OrderOut<'a> {
    rows: &'a mut [u32],
    at: usize,
}

impl OrderOut<'_> {
    fn push(&mut self, row: u32) {
        self.rows[self.at] = row;
        self.at += 1;
    }
}

/// An order of `len` rows, written by `write` straight into its `Arc`: one block of the order's
/// size, not a vector and then its copy (at a million rows each block is a fresh mapping, see
/// `tui::loader`).
fn new_order(len: usize, write: impl FnOnce(&mut OrderOut)) -> Arc<[u32]> {
    let mut rows: Arc<[u32]> = std::iter::repeat_n(0, len).collect();
    let mut out = OrderOut { rows: Arc::get_mut(&mut rows).expect("made just above"), at: 0 };
    write(&mut out);
    debug_assert_eq!(out.at, len, "every row written");
    rows
}

/// A catalog's natural order once its rows are no longer in it (a save adds a row, or gives
/// one a new place): the live rows in natural order and each row's position in it. Until
/// then the rows are in natural order and a row's number is its position.
#[derive(Debug, Clone, Default)]
pub struct Natural {
    order: Option<(Arc<[u32]>, Vec<u32>)>,
}

impl Natural {
    /// A row's position in natural order (any order-preserving number).
    pub fn rank(&self, row: u32) -> u32 {
        match &self.order {
            None => row,
            Some((_, rank)) => rank.get(row as usize).copied().unwrap_or(u32::MAX),
        }
    }

    /// The live rows in natural order, when they are not simply the rows in order.
    pub fn rows(&self) -> Option<Arc<[u32]>> {
        self.order.as_ref().map(|(rows, _)| rows.clone())
    }

    /// Places the `changed` rows again: out of the order, then back in by `key` (ties by row)
    /// unless gone (`live` false). `len` is the number of rows now.
    pub fn update(&mut self, len: usize, changed: &[u32], live: impl Fn(u32) -> bool, key: impl Fn(u32) -> u64) {
        if changed.is_empty() {
            return;
        }
        let mut is_changed = BitSet::new(len);
        for &r in changed {
            is_changed.insert(r as usize);
        }
        let (old_rows, mut rank) = match self.order.take() {
            Some((rows, rank)) => (Some(rows), rank),
            None => (None, Vec::new()),
        };
        // Without an order of their own the rows are in natural order, the dead ones among them.
        let row_at = |i: usize| old_rows.as_ref().map_or(i as u32, |rows| rows[i]);
        let stays = |r: u32| !is_changed.contains(r) && (old_rows.is_some() || live(r));
        let old = || (0..old_rows.as_ref().map_or(len, |rows| rows.len())).map(row_at).filter(|&r| stays(r));
        let mut back: Vec<u32> = changed.iter().copied().filter(|&r| live(r)).collect();
        back.sort_unstable_by_key(|&r| (key(r), r));
        let rows = new_order(old().count() + back.len(), |out| {
            let mut next = back.iter().peekable();
            for r in old() {
                let k = (key(r), r);
                while let Some(&b) = next.next_if(|&&b| (key(b), b) < k) {
                    out.push(b);
                }
                out.push(r);
            }
            next.for_each(|&b| out.push(b));
        });
        // The ranks go into the old ranks' block.
        rank.clear();
        rank.resize(len, u32::MAX);
        for (pos, &r) in rows.iter().enumerate() {
            rank[r as usize] = pos as u32;
        }
        self.order = Some((rows, rank));
    }
}

/// The rows in the order asked: sorted by column `sort` (stably over the natural order, kept in
/// `sorts`), or in natural order (`None` when that is simply the rows in order).
pub fn ordered(
    sorts: &Sorts,
    natural: &Natural,
    len: usize,
    dead: &BitSet,
    sort: Option<usize>,
    key: impl Fn(usize, usize) -> u32 + Sync,
) -> Option<Arc<[u32]>> {
    let rows = natural.rows();
    match sort {
        Some(col) => {
            let live: Box<dyn Iterator<Item = u32>> = match &rows {
                Some(rows) => Box::new(rows.iter().copied()),
                None => Box::new((0..len as u32).filter(|&r| !dead.contains(r))),
            };
            Some(sorts.get(col, live, |r| key(col, r)))
        }
        None => rows,
    }
}

/// After a save: the `changed` rows (sorted: rows changed in place, gone or added) put where
/// their keys now place them, in the natural order and in every kept sort.
pub fn replace(
    natural: &mut Natural,
    sorts: &mut Sorts,
    len: usize,
    changed: &[u32],
    dead: &BitSet,
    natural_key: impl Fn(u32) -> u64,
    key: impl Fn(usize, usize) -> u32,
) {
    natural.update(len, changed, |r| !dead.contains(r), natural_key);
    sorts.patch(changed, |r| !dead.contains(r), key, |r| natural.rank(r));
}

/// Sorts, on two threads (halves, then a merge) when there are many.
pub fn sort_u64(v: &mut Vec<u64>) {
    if v.len() < PARALLEL_ROWS {
        v.sort_unstable();
        return;
    }
    let cut = v.len() / 2;
    let (a, b) = v.split_at_mut(cut);
    std::thread::scope(|s| {
        s.spawn(|| b.sort_unstable());
        a.sort_unstable();
    });
    let mut out = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, cut);
    while i < cut && j < v.len() {
        if v[i] <= v[j] {
            out.push(v[i]);
            i += 1;
        } else {
            out.push(v[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&v[i..cut]);
    out.extend_from_slice(&v[j..]);
    *v = out;
}

/// The searchable texts of each row (`K` of them, pool ids, `NONE` for none), the first one a
/// person's name: a search shows the rows whose name matches first.
#[derive(Debug)]
pub struct Texts<const K: usize> {
    pub pool: TextPool,
    pub of: Vec<[u32; K]>,
    /// Which of a row's texts are people's names (the first by default).
    pub names: [bool; K],
    /// The last search: its query, the texts it matched, the rows any of whose texts matched and
    /// the rows whose name matched. The next keystroke (usually a narrowing) starts from them.
    last: Mutex<Option<Hits>>,
}

/// What a search matched.
#[derive(Debug, Clone)]
pub struct Hits {
    query: Query,
    texts: Arc<BitSet>,
    pub rows: Arc<BitSet>,
    pub names: Arc<BitSet>,
}

impl<const K: usize> Clone for Texts<K> {
    fn clone(&self) -> Self {
        Texts {
            pool: self.pool.clone(),
            of: self.of.clone(),
            names: self.names,
            last: Mutex::new(lock(&self.last).clone()),
        }
    }
}

impl<const K: usize> Default for Texts<K> {
    fn default() -> Self {
        let mut names = [false; K];
        if K > 0 {
            names[0] = true;
        }
        Texts { pool: TextPool::default(), of: Vec::new(), names, last: Mutex::new(None) }
    }
}

impl<const K: usize> Texts<K> {
    /// Appends a row's texts; returns the row.
    pub fn push(&mut self, texts: [&str; K]) -> usize {
        let ids = self.intern(texts);
        self.of.push(ids);
        self.of.len() - 1
    }

    /// Sets a row's texts (a row that changed).
    pub fn set(&mut self, row: usize, texts: [&str; K]) {
        let ids = self.intern(texts);
        self.of[row] = ids;
        *self.last.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The ids of a row's texts (names interned as names).
    fn intern(&mut self, texts: [&str; K]) -> [u32; K] {
        let mut k = 0;
        texts.map(|t| {
            let id = if self.names[k] { self.pool.intern_name(t) } else { self.pool.intern(t) };
            k += 1;
            id
        })
    }

    /// Appends a row with no texts (a placeholder), or clears a row's.
    pub fn clear(&mut self, row: usize) {
        self.of[row] = [NONE; K];
        *self.last.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The rows matching `query` (not empty): any text, and the name. A query narrowing the
    /// last one tests only the last one's rows.
    pub fn search(&self, query: &Query) -> Hits {
        let mut last = lock(&self.last);
        if let Some(hit) = last.as_ref().filter(|h| h.query == *query) {
            return hit.clone();
        }
        let previous = last.as_ref().filter(|h| query.narrows(&h.query));
        let texts = Arc::new(self.pool.search(query, previous.map(|h| (&h.query, h.texts.as_ref()))));
        let within = previous.map(|h| h.rows.clone());
        let hit = texts.words();
        let n = self.of.len();
        // Each row's texts tested once: any of them, and its names.
        let test = |w: usize| {
            let rows = &self.of[w * 64..(w * 64 + 64).min(n)];
            rows.iter().enumerate().fold((0u64, 0u64), |(any, named), (i, ids)| {
                let (mut a, mut m) = (0, 0);
                for (&t, &name) in ids.iter().zip(&self.names) {
                    let b = bit(hit, t);
                    a |= b;
                    m |= b & u64::from(name);
                }
                (any | ((a & 1) << i), named | ((m & 1) << i))
            })
        };
        let (rows, names) = BitSet::select_two(n, within.as_deref(), test);
        let (rows, names) = (Arc::new(rows), Arc::new(names));
        let found = Hits { query: query.clone(), texts, rows, names };
        *last = Some(found.clone());
        found
    }

    pub fn heap_bytes(&self) -> usize {
        self.pool.heap_bytes() + self.of.capacity() * 4 * K
    }
}

/// Bit `t` of a text bitset's words, in the lowest bit (0 for `NONE` and past the end).
fn bit(words: &[u64], t: u32) -> u64 {
    words.get(t as usize / 64).map_or(0, |w| w >> (t % 64))
}

/// The rows shown: `order` (a sorted order of live rows, or every row `0..len` in row order when
/// `None`) kept to the rows of `keep` (every row of `order` when `None`), the rows of `first`
/// moved ahead of the others (a search's name matches), then reversed when asked.
pub fn compose(
    len: usize,
    order: Option<Arc<[u32]>>,
    keep: Option<&BitSet>,
    first: Option<&BitSet>,
    reverse: bool,
) -> Visible {
    let Some(keep) = keep else {
        return match order {
            None => Visible::All { len, reversed: reverse },
            Some(rows) => Visible::Sorted { rows, reversed: reverse },
        };
    };
    let kw = keep.words();
    let fw = first.map(BitSet::words);
    let natural: Vec<u32>;
    let order: &[u32] = match &order {
        Some(order) => order,
        None => {
            natural = keep.iter().map(|r| r as u32).collect();
            &natural
        }
    };
    // Halves of the order on two threads: each counts its kept rows (those of `first`, the
    // others), then writes them into its parts of the one list they make. A fresh list at
    // each keystroke costs page faults, so nothing else of the order's size is allocated.
    let parallel = order.len() >= PARALLEL_ROWS;
    let (left, right) = order.split_at(if parallel { order.len() / 2 } else { order.len() });
    let count = |part: &[u32]| {
        part.iter().fold((0, 0), |(a, b), &r| {
            let (k, f) = kept_first(kw, fw, r);
            (a + (k & f), b + (k & (1 - f)))
        })
    };
    let ((left_firsts, left_others), (right_firsts, right_others)) = on_two(parallel, || count(left), || count(right));
    let mut rows = vec![0u32; keep.count()];
    let (lf, rest) = rows.split_at_mut(left_firsts);
    let (rf, rest) = rest.split_at_mut(right_firsts);
    let (lo, ro) = rest.split_at_mut(left_others);
    on_two(parallel, || place(left, kw, fw, lf, lo), || place(right, kw, fw, rf, ro));
    // Kept rows the order leaves out (deleted ones) leave room unused at the end.
    rows.truncate(left_firsts + right_firsts + left_others + right_others);
    if reverse {
        rows.reverse();
    }
    Visible::Rows(rows)
}

/// Whether `keep` holds row `r`, and whether `first` does: 1 or 0 each.
fn kept_first(keep: &[u64], first: Option<&[u64]>, r: u32) -> (usize, usize) {
    ((bit(keep, r) & 1) as usize, first.map_or(0, |fw| bit(fw, r) & 1) as usize)
}

/// Writes the rows of `order` that `keep` holds into `firsts` (those `first` holds) and
/// `others`, in order. Every row is written at both parts' next place, and kept there by moving
/// that place on: no branch on the bits, which are as good as random.
fn place(order: &[u32], keep: &[u64], first: Option<&[u64]>, firsts: &mut [u32], others: &mut [u32]) {
    let (mut a, mut b) = (0, 0);
    for &r in order {
        let (k, f) = kept_first(keep, first, r);
        if let Some(slot) = firsts.get_mut(a) {
            *slot = r;
        }
        if let Some(slot) = others.get_mut(b) {
            *slot = r;
        }
        a += k & f;
        b += k & (1 - f);
    }
}

/// `left` and `right`, at once on two threads when `parallel`.
fn on_two<L: Send, R: Send>(
    parallel: bool,
    left: impl FnOnce() -> L + Send,
    right: impl FnOnce() -> R + Send,
) -> (L, R) {
    if !parallel {
        return (left(), right());
    }
    std::thread::scope(|s| {
        let right = s.spawn(right);
        (left(), right.join().expect("compose thread"))
    })
}

/// A set of rows from per-row tests a word at a time: `accept(row)`.
pub fn rows_where(len: usize, within: Option<&BitSet>, accept: impl Fn(usize) -> bool + Sync) -> BitSet {
    BitSet::select(len, within, |w| {
        let end = (w * 64 + 64).min(len);
        (w * 64..end).fold(0u64, |bits, r| bits | (u64::from(accept(r)) << (r - w * 64)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Repeatable pseudo-random numbers below `n` (a linear congruential generator).
    fn numbers(mut seed: u64) -> impl FnMut(u64) -> u32 {
        move |n| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as u32
        }
    }

    fn sorted(s: &Sorts, col: usize, keys: &[u32]) -> Vec<u32> {
        s.get(col, 0..keys.len() as u32, |r| keys[r]).to_vec()
    }

    #[test]
    fn sorts_are_stable_and_patched_in_place() {
        let mut keys = vec![5, 1, 5, 0, 3];
        let mut s = Sorts::default();
        assert_eq!(sorted(&s, 0, &keys), vec![3, 1, 4, 0, 2]);
        // Row 1 moves to the end, row 5 is new, row 3 is gone.
        keys[1] = 9;
        keys.push(4);
        let live = |r: u32| r != 3;
        let k = keys.clone();
        s.patch(&[1, 3, 5], live, |_, r| k[r], |r| r);
        assert_eq!(sorted(&s, 0, &keys), vec![4, 5, 0, 2, 1]);
        let fresh = Sorts::default();
        let all: Vec<u32> = fresh.get(0, (0..6).filter(|&r| r != 3), |r| keys[r]).to_vec();
        assert_eq!(all, vec![4, 5, 0, 2, 1]);
    }

    /// Patched many times over, with ties, new rows and dead ones: always what a fresh sort gives.
    #[test]
    fn a_patched_sort_equals_a_fresh_one() {
        let mut next = numbers(7);
        let mut keys: Vec<u32> = (0..500).map(|_| next(20)).collect();
        let mut dead = vec![false; 500];
        let mut s = Sorts::default();
        sorted(&s, 0, &keys);
        for _ in 0..40 {
            let mut changed: Vec<u32> = (0..12).map(|_| next(keys.len() as u64)).collect();
            for &r in &changed {
                keys[r as usize] = next(20);
                dead[r as usize] = next(5) == 0;
            }
            for _ in 0..next(3) {
                changed.push(keys.len() as u32);
                keys.push(next(20));
                dead.push(false);
            }
            changed.sort_unstable();
            changed.dedup();
            let (k, d) = (keys.clone(), dead.clone());
            s.patch(&changed, |r| !d[r as usize], |_, r| k[r], |r| r);
            let fresh = Sorts::default();
            let want = fresh.get(0, (0..keys.len() as u32).filter(|&r| !dead[r as usize]), |r| keys[r]).to_vec();
            assert_eq!(s.get(0, 0..0, |r| keys[r]).to_vec(), want);
        }
    }

    /// Updated many times over, with new rows and dead ones: always the live rows by key, then
    /// row, and each row's rank its position there.
    #[test]
    fn an_updated_natural_order_equals_a_fresh_one() {
        let mut next = numbers(11);
        // A catalog is built in natural order: before any update, the keys follow the rows.
        let mut keys: Vec<u64> = (0..300).map(|_| u64::from(next(15))).collect();
        keys.sort_unstable();
        let mut dead = vec![false; 300];
        let mut natural = Natural::default();
        for _ in 0..40 {
            let mut changed: Vec<u32> = (0..9).map(|_| next(keys.len() as u64)).collect();
            for &r in &changed {
                keys[r as usize] = u64::from(next(15));
                dead[r as usize] = next(4) == 0;
            }
            for _ in 0..next(3) {
                changed.push(keys.len() as u32);
                keys.push(u64::from(next(15)));
                dead.push(false);
            }
            changed.sort_unstable();
            changed.dedup();
            let (k, d) = (keys.clone(), dead.clone());
            natural.update(keys.len(), &changed, |r| !d[r as usize], |r| k[r as usize]);
            let mut want: Vec<u32> = (0..keys.len() as u32).filter(|&r| !dead[r as usize]).collect();
            want.sort_by_key(|&r| (keys[r as usize], r));
            assert_eq!(natural.rows().unwrap().to_vec(), want);
            for (pos, &r) in want.iter().enumerate() {
                assert_eq!(natural.rank(r), pos as u32);
            }
            assert!((0..keys.len() as u32).filter(|&r| dead[r as usize]).all(|r| natural.rank(r) == u32::MAX));
        }
    }

    #[test]
    fn compose_filters_ranks_and_reverses() {
        let mut keep = BitSet::new(6);
        for r in [0, 2, 3, 5] {
            keep.insert(r);
        }
        let mut names = BitSet::new(6);
        names.insert(3);
        let order: Arc<[u32]> = vec![5, 4, 3, 2, 1, 0].into();
        let v = compose(6, Some(order.clone()), Some(&keep), Some(&names), false);
        assert_eq!(v.iter().collect::<Vec<_>>(), vec![3, 5, 2, 0]);
        let v = compose(6, None, Some(&keep), None, true);
        assert_eq!(v.iter().collect::<Vec<_>>(), vec![5, 3, 2, 0]);
        let v = compose(6, Some(order), None, None, true);
        assert_eq!(v.iter().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(v.position(4), Some(4));
        let all = compose(3, None, None, None, true);
        assert_eq!((all.get(0), all.position(0)), (Some(2), Some(2)));
    }

    /// Above `PARALLEL_ROWS` the order is split in halves on two threads: the same rows as
    /// filtering it in one go, names first, with rows the order leaves out (deleted) absent.
    #[test]
    fn compose_in_halves_equals_a_plain_filter() {
        let n = PARALLEL_ROWS * 2 + 37;
        let order: Arc<[u32]> = (0..n as u32).map(|i| (i * 7919) % n as u32).filter(|r| r % 11 != 0).collect();
        let (mut keep, mut names) = (BitSet::new(n), BitSet::new(n));
        for r in (0..n).filter(|r| r % 3 != 0) {
            keep.insert(r);
            if r % 5 == 0 {
                names.insert(r);
            }
        }
        let kept: Vec<u32> = order.iter().copied().filter(|&r| keep.contains(r)).collect();
        let mut want: Vec<usize> = kept.iter().filter(|&&r| names.contains(r)).map(|&r| r as usize).collect();
        want.extend(kept.iter().filter(|&&r| !names.contains(r)).map(|&r| r as usize));
        let got = compose(n, Some(order.clone()), Some(&keep), Some(&names), false);
        assert_eq!(got.iter().collect::<Vec<_>>(), want);
        want.reverse();
        let reversed = compose(n, Some(order), Some(&keep), Some(&names), true);
        assert_eq!(reversed.iter().collect::<Vec<_>>(), want);
    }

    #[test]
    fn texts_find_names_first_and_narrow() {
        let mut t: Texts<2> = Texts::default();
        t.push(["张三", "南海区狮山镇"]);
        t.push(["李四", "张槎街道"]);
        t.push(["王五", "高明区"]);
        t.pool.finish();
        let hits = t.search(&Query::new("zh"));
        assert_eq!(hits.rows.iter().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(hits.names.iter().collect::<Vec<_>>(), vec![0]);
        let narrower = t.search(&Query::new("zhang"));
        assert_eq!(narrower.rows.iter().collect::<Vec<_>>(), vec![0, 1]);
        t.set(2, ["张五", "高明区"]);
        assert_eq!(t.search(&Query::new("zhang")).rows.iter().collect::<Vec<_>>(), vec![0, 1, 2]);
    }
}
