//! Sets of row or text numbers, a bit each: what a search or a filter answers with.

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

    /// False for ids past the end (and so for `pool::NONE`).
    pub fn contains(&self, i: u32) -> bool {
        let i = i as usize;
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// How many members this set shares with `other`.
    pub fn count_with(&self, other: &BitSet) -> usize {
        self.words.iter().zip(&other.words).map(|(a, b)| (a & b).count_ones() as usize).sum()
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

    pub fn union_with(&mut self, other: &BitSet) {
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
        BitSet::select_two(len, within, |w| (test(w), 0)).0
    }

    /// [`BitSet::select`] with two tests answered in one pass (a search's rows, and the rows
    /// whose name matched): `test(w)` gives the bits of each.
    pub fn select_two(
        len: usize,
        within: Option<&BitSet>,
        test: impl Fn(usize) -> (u64, u64) + Sync,
    ) -> (BitSet, BitSet) {
        let words = len.div_ceil(64);
        let candidates = |w: usize| match within {
            Some(set) => set.words.get(w).copied().unwrap_or(0),
            None if w + 1 == words && !len.is_multiple_of(64) => (1u64 << (len % 64)) - 1,
            None => u64::MAX,
        };
        let fill = |from: usize, one: &mut [u64], two: &mut [u64]| {
            for ((w, a), b) in (from..).zip(one.iter_mut()).zip(two.iter_mut()) {
                let bits = candidates(w);
                (*a, *b) = if bits == 0 {
                    (0, 0)
                } else {
                    let (x, y) = test(w);
                    (bits & x, bits & y)
                };
            }
        };
        let (mut one, mut two) = (vec![0; words], vec![0; words]);
        if len < 1 << 16 {
            fill(0, &mut one, &mut two);
        } else {
            let cut = words / 2;
            let (one_left, one_right) = one.split_at_mut(cut);
            let (two_left, two_right) = two.split_at_mut(cut);
            std::thread::scope(|s| {
                s.spawn(|| fill(cut, one_right, two_right));
                fill(0, one_left, two_left);
            });
        }
        (BitSet { words: one }, BitSet { words: two })
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitsets_count_and_iterate() {
        let mut s = BitSet::new(130);
        for i in [0, 63, 64, 129] {
            s.insert(i);
        }
        assert_eq!(s.count(), 4);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 63, 64, 129]);
        assert!(!s.contains(u32::MAX));
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
