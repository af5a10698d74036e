//! A search's rows over a large sorted order, composed only as far as the screen needs. A key
//! typed at a million cadres spent about 3 ms writing the whole visible list (every kept row of
//! the order, in two passes), of which a frame shows some fifty. The count comes from the
//! bitsets at once, the first `HEAD` rows from a scan that stops when it has them, and the whole
//! list is composed the first time a row past them is asked for (a jump to the end, an export).

use super::bitset::BitSet;
use super::order::compose;
use super::Visible;
use std::sync::{Arc, OnceLock};

/// Rows composed at once: pages and the rows read around them, many times over.
const HEAD: usize = 1024;

#[derive(Debug)]
pub struct Lazy {
    len: usize,
    head: Vec<u32>,
    order: Arc<[u32]>,
    keep: BitSet,
    first: Option<Arc<BitSet>>,
    whole: OnceLock<Vec<u32>>,
}

/// The rows of `order` that `keep` holds, those of `first` ahead of the others, as `compose`
/// gives them. Every row of `keep` must be in `order` (a catalog's live rows): the count is
/// taken from `keep` alone.
pub fn compose_lazy(order: Arc<[u32]>, keep: BitSet, first: Option<Arc<BitSet>>) -> Visible {
    let len = keep.count();
    let firsts = first.as_deref().map_or(0, |f| keep.count_with(f));
    let is_first = |r: u32| first.as_deref().is_some_and(|f| f.contains(r));
    let mut head = Vec::with_capacity(HEAD.min(len));
    // The first rows are the first `first` rows of the order, then (when they are fewer) the
    // others from the start: each scan stops once it has what the head takes of its kind.
    let scan = |head: &mut Vec<u32>, want_first: bool, wanted: usize| {
        let stop = head.len() + wanted;
        for &r in order.iter() {
            if head.len() == stop {
                break;
            }
            if keep.contains(r) && is_first(r) == want_first {
                head.push(r);
            }
        }
    };
    scan(&mut head, true, firsts.min(HEAD));
    if head.len() == firsts {
        let others = (HEAD - firsts).min(len - firsts);
        scan(&mut head, false, others);
    }
    Visible::Lazy(Arc::new(Lazy { len, head, order, keep, first, whole: OnceLock::new() }))
}

impl Lazy {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<u32> {
        match self.head.get(i) {
            Some(&r) => Some(r),
            None => self.whole().get(i).copied(),
        }
    }

    pub fn position(&self, row: usize) -> Option<usize> {
        let row = u32::try_from(row).ok()?;
        if !self.keep.contains(row) {
            return None;
        }
        match self.head.iter().position(|&r| r == row) {
            Some(p) => Some(p),
            None if self.head.len() == self.len => None,
            None => self.whole().iter().position(|&r| r == row),
        }
    }

    fn whole(&self) -> &[u32] {
        self.whole.get_or_init(|| {
            let rows = match compose(
                self.order.len(),
                Some(self.order.clone()),
                Some(&self.keep),
                self.first.as_deref(),
                false,
            ) {
                Visible::Rows(rows) => rows,
                other => other.iter().map(|r| r as u32).collect(),
            };
            debug_assert_eq!(rows.len(), self.len, "every kept row is in the order");
            rows
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row, every position and the count are those of the whole composition, for heads
    /// that end among the first rows, among the others, and lists shorter than the head.
    #[test]
    fn a_lazy_list_reads_as_the_whole_composition() {
        let n = 5000u32;
        let order: Arc<[u32]> = (0..n).map(|i| (i * 2903) % n).collect();
        for (keep_every, first_every) in [(1, 2), (2, 3), (3, 1000), (7, 1), (1, 0), (997, 5)] {
            let (mut keep, mut first) = (BitSet::new(n as usize), BitSet::new(n as usize));
            for r in 0..n {
                if r % keep_every == 0 {
                    keep.insert(r as usize);
                }
                if first_every > 0 && r % first_every == 0 {
                    first.insert(r as usize);
                }
            }
            let first = (first_every > 0).then(|| Arc::new(first));
            let want: Vec<usize> =
                compose(n as usize, Some(order.clone()), Some(&keep), first.as_deref(), false).iter().collect();
            let lazy = compose_lazy(order.clone(), keep.clone(), first.clone());
            let label = format!("keep every {keep_every}, first every {first_every}");
            assert_eq!(lazy.len(), want.len(), "{label}");
            // Positions first, before anything composes the whole list.
            for (p, &r) in want.iter().enumerate().step_by(97) {
                assert_eq!(lazy.position(r), Some(p), "{label}: row {r}");
            }
            assert_eq!(lazy.position(1), want.iter().position(|&r| r == 1), "{label}");
            assert_eq!(lazy.iter().collect::<Vec<_>>(), want, "{label}");
            assert_eq!(lazy.get(want.len()), None, "{label}");
        }
    }
}
