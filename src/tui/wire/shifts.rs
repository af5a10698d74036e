//! Rows a frame only moves up or down: a list scrolled by a line, a search that keeps some of
//! the rows it showed. The terminal moves them itself, with a scroll region and a line delete
//! or insert (VT102: every terminal since), for some 15 bytes a block of rows instead of the
//! 50–120 each row costs to draw again.

use std::fmt::Write as _;

/// One step, within the rows `top..=bottom` (the scroll region): `count` lines deleted at `top`
/// (`up`: the rows below move up, blank ones come in at `bottom`) or inserted there (the rows
/// move down, those pushed past `bottom` are gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub top: u16,
    pub bottom: u16,
    pub count: u16,
    pub up: bool,
}

/// A moved block must spare at least this much drawing (its rows' weight) to be worth a shift.
const WORTH: u32 = 16;

impl Shift {
    /// The shift's sequences: the region, the cursor on its top row, the delete or insert. The
    /// region is left set: [`RESET`] ends the shifts.
    pub fn write(&self, out: &mut String) {
        let _ = write!(out, "\x1b[{};{}r\x1b[{}H", self.top + 1, self.bottom + 1, self.top + 1);
        let verb = if self.up { 'M' } else { 'L' };
        let _ = match self.count {
            1 => write!(out, "\x1b[{verb}"),
            n => write!(out, "\x1b[{n}{verb}"),
        };
    }

    /// Does to `rows` what the terminal does to its lines: `pad` stands for a row not held yet,
    /// `blank` is a line that comes in.
    pub fn apply<T: Clone>(&self, rows: &mut Vec<T>, pad: &T, blank: &T) {
        let (top, bottom) = (usize::from(self.top), usize::from(self.bottom));
        if rows.len() <= bottom {
            rows.resize(bottom + 1, pad.clone());
        }
        for _ in 0..self.count {
            if self.up {
                rows.remove(top);
                rows.insert(bottom, blank.clone());
            } else {
                rows.remove(bottom);
                rows.insert(top, blank.clone());
            }
        }
    }
}

/// Back to the whole screen as the region (the cursor goes to its top left).
pub const RESET: &str = "\x1b[r";

/// Blocks of rows of `old` that are rows of `new` elsewhere (each row as a hash of its cells),
/// in order: of the rows both have, in the same order, those that weigh most (`weight`: about
/// what drawing a row of `new` costs), less those that stay where they are and blocks too light
/// to be worth a shift.
pub fn moved_blocks(old: &[u64], new: &[u64], weight: &[u32]) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for (from, to) in kept(old, new, weight) {
        match blocks.last_mut() {
            Some(b) if b.from + b.len == from && b.to + b.len == to => b.len += 1,
            _ => blocks.push(Block { from, to, len: 1 }),
        }
    }
    let worth = |b: &Block| (b.to..b.to + b.len).map(|r| weight.get(usize::from(r)).copied().unwrap_or(1)).sum::<u32>();
    blocks.retain(|b| b.from != b.to && worth(b) >= WORTH);
    blocks
}

/// The shifts that move `blocks` (in order, as [`moved_blocks`] gives them, or fewer of them).
pub fn shifts(blocks: &[Block]) -> Vec<Shift> {
    // Up first, top down, then down, bottom up: no shift then touches a row another has
    // placed or is still to move (they keep their order, so their regions never overlap).
    let ups = blocks.iter().filter(|b| b.to < b.from).map(|b| Shift {
        top: b.to,
        bottom: b.from + b.len - 1,
        count: b.from - b.to,
        up: true,
    });
    let downs = blocks.iter().rev().filter(|b| b.to > b.from).map(|b| Shift {
        top: b.from,
        bottom: b.to + b.len - 1,
        count: b.to - b.from,
        up: false,
    });
    ups.chain(downs).collect()
}

/// Which of `blocks` (as [`moved_blocks`] gives them) to move. `cost(old, new)`: about what
/// drawing row `new` costs over the old screen's row `old` (`None`: a blank line a shift
/// brought in). A shift brings in blank lines, drawn whole where the rows they replace may have
/// differed from the new ones in a few cells (a list's columns repeat), and the shifts below
/// it may take them away again: a block is worth moving alone, or with the others. Both are
/// tried: blocks added one by one, the largest first, and taken away one by one from all of
/// them, the smallest first, each kept when the frame then costs less.
pub fn choose(blocks: &[Block], height: u16, mut cost: impl FnMut(Option<u16>, u16) -> u32) -> Vec<Block> {
    let mut memo = vec![None; (usize::from(height) + 1) * usize::from(height)];
    let mut frame_cost = |chosen: &[Block]| {
        let mut rows: Vec<Option<u16>> = (0..height).map(Some).collect();
        let mut sequences = String::new();
        for shift in shifts(chosen) {
            shift.write(&mut sequences);
            shift.apply(&mut rows, &None, &None);
        }
        let rows_cost: u32 = (0..height)
            .map(|y| {
                let old = rows[usize::from(y)];
                let slot = usize::from(old.unwrap_or(height)) * usize::from(height) + usize::from(y);
                *memo[slot].get_or_insert_with(|| cost(old, y))
            })
            .sum();
        rows_cost + sequences.len() as u32
    };
    let mut by_size: Vec<Block> = blocks.to_vec();
    by_size.sort_by_key(|b| std::cmp::Reverse(b.len));
    let mut added = (Vec::new(), frame_cost(&[]));
    for block in &by_size {
        let mut trial = added.0.clone();
        trial.push(*block);
        trial.sort_by_key(|b: &Block| b.from);
        let trial_cost = frame_cost(&trial);
        if trial_cost < added.1 {
            added = (trial, trial_cost);
        }
    }
    let mut taken = (blocks.to_vec(), frame_cost(blocks));
    for block in by_size.iter().rev() {
        let trial: Vec<Block> = taken.0.iter().filter(|b| *b != block).copied().collect();
        let trial_cost = frame_cost(&trial);
        if trial_cost <= taken.1 {
            taken = (trial, trial_cost);
        }
    }
    if taken.1 < added.1 {
        taken.0
    } else {
        added.0
    }
}

/// Rows `from..from + len` of the old screen that are rows `to..to + len` of the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub from: u16,
    pub to: u16,
    pub len: u16,
}

/// The rows kept, as (old row, new row) in order: the heaviest common subsequence, rows that
/// stay where they are counted a little heavier (moving costs a shift).
fn kept(old: &[u64], new: &[u64], weight: &[u32]) -> Vec<(u16, u16)> {
    let (n, m) = (old.len(), new.len());
    let gain = |i: usize, j: usize| u64::from(weight.get(j).copied().unwrap_or(1)) * 2 + u64::from(i == j);
    // best[i][j]: the most weight kept from old[i..] and new[j..].
    let mut best = vec![vec![0u64; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let take = if old[i] == new[j] { gain(i, j) + best[i + 1][j + 1] } else { 0 };
            best[i][j] = take.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if old[i] == new[j] && best[i][j] == gain(i, j) + best[i + 1][j + 1] {
            pairs.push((i as u16, j as u16));
            (i, j) = (i + 1, j + 1);
        } else if best[i + 1][j] >= best[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plan(old: &[u64], new: &[u64], weight: &[u32]) -> Vec<Shift> {
        shifts(&moved_blocks(old, new, weight))
    }

    /// `old` after the shifts that move every block towards `new` (0 for a line that came in
    /// blank).
    fn shifted(old: &[u64], new: &[u64]) -> Vec<u64> {
        let mut rows = old.to_vec();
        for s in plan(old, new, &vec![WORTH; new.len()]) {
            s.apply(&mut rows, &0, &0);
        }
        rows.truncate(old.len());
        rows
    }

    #[test]
    fn a_list_scrolled_by_a_line_is_one_delete() {
        let old = [1, 2, 3, 4, 5, 6];
        let new = [1, 3, 4, 5, 6, 7];
        let shifts = plan(&old, &new, &[WORTH; 6]);
        assert_eq!(shifts, vec![Shift { top: 1, bottom: 5, count: 1, up: true }]);
        let mut out = String::new();
        shifts[0].write(&mut out);
        assert_eq!(out, "\x1b[2;6r\x1b[2H\x1b[M");
        assert_eq!(shifted(&old, &new), vec![1, 3, 4, 5, 6, 0]);
    }

    #[test]
    fn a_list_scrolled_back_is_one_insert() {
        let old = [1, 3, 4, 5, 6, 9];
        let new = [1, 2, 3, 4, 5, 9];
        assert_eq!(plan(&old, &new, &[WORTH; 6]), vec![Shift { top: 1, bottom: 4, count: 1, up: false }]);
        assert_eq!(shifted(&old, &new), vec![1, 0, 3, 4, 5, 9]);
    }

    #[test]
    fn light_rows_and_rows_in_place_are_not_shifted() {
        assert!(plan(&[1, 2, 3], &[1, 2, 3], &[WORTH; 3]).is_empty());
        // Blank rows (weight 1) swapping places are not worth a shift; a full one is.
        assert!(plan(&[7, 1, 2], &[1, 7, 2], &[1, 1, WORTH]).is_empty());
        assert_eq!(plan(&[7, 1, 2], &[1, 7, 2], &[WORTH, 1, WORTH]).len(), 1);
    }

    #[test]
    fn a_block_is_moved_only_when_the_frame_then_costs_less() {
        // Rows 1..=4 moved up by one; the old row 0 differs from the new row 0 in a cell only.
        let (old, new) = ([9, 1, 2, 3, 4, 5], [8, 2, 3, 4, 5, 6]);
        let blocks = moved_blocks(&old, &new, &[WORTH; 6]);
        assert_eq!(blocks, vec![Block { from: 2, to: 1, len: 4 }]);
        // Drawing a row costs nothing over the same row, `over` over another, `blank` over a
        // blank line.
        let drawn = |over: u32, blank: u32| {
            move |o: Option<u16>, n: u16| match o {
                Some(o) if old[usize::from(o)] == new[usize::from(n)] => 0,
                Some(_) => over,
                None => blank,
            }
        };
        // Four rows saved (240) for a shift (15 bytes) and a blank line to draw: moved.
        assert_eq!(choose(&blocks, 6, drawn(60, 100)), blocks);
        // When rows cost little to draw over others, the blank line costs more than is saved.
        assert!(choose(&blocks, 6, drawn(10, 100)).is_empty());
    }

    #[test]
    fn blocks_worth_moving_only_together_are_moved_together() {
        // A search that left rows out: row 2 moves up by one, rows 6..=8 by four, and new rows
        // come in below them. Either block alone costs more than it saves (the lower one brings
        // in four blank lines, the upper one pushes rows off the ones they matched); together the
        // upper one's blank line is one of the four.
        let (old, new) = ([1, 90, 2, 91, 92, 93, 3, 4, 5, 99], [1, 2, 3, 4, 5, 20, 21, 22, 23, 24]);
        let blocks = moved_blocks(&old, &new, &[WORTH; 10]);
        assert_eq!(blocks, vec![Block { from: 2, to: 1, len: 1 }, Block { from: 6, to: 2, len: 3 }]);
        let cost = move |o: Option<u16>, n: u16| match o {
            Some(o) if old[usize::from(o)] == new[usize::from(n)] => 0,
            Some(_) => 60,
            None => 110,
        };
        for alone in &blocks {
            let mut rows: Vec<Option<u16>> = (0..10).map(Some).collect();
            for s in shifts(std::slice::from_ref(alone)) {
                s.apply(&mut rows, &None, &None);
            }
            let drawn: u32 = (0..10).map(|y| cost(rows[usize::from(y)], y)).sum();
            assert!(drawn + 12 > 9 * 60, "{alone:?} alone: {drawn}");
        }
        assert_eq!(choose(&blocks, 10, cost), blocks);
    }

    proptest! {
        /// Whatever the rows, and whichever of the blocks are moved, each moved row ends where
        /// the new frame has it, and the rows kept in place stay.
        #[test]
        fn moved_rows_land_where_the_new_frame_has_them(
            old in proptest::collection::vec(1u64..8, 1..14),
            new in proptest::collection::vec(1u64..8, 1..14),
            chosen in any::<u16>(),
        ) {
            let n = old.len().min(new.len());
            let (old, new) = (&old[..n], &new[..n]);
            let weight = vec![WORTH; n];
            let blocks: Vec<Block> =
                moved_blocks(old, new, &weight).into_iter().enumerate().filter(|(k, _)| chosen >> (k % 16) & 1 == 1).map(|(_, b)| b).collect();
            let mut rows = old.to_vec();
            for s in shifts(&blocks) {
                s.apply(&mut rows, &0, &0);
            }
            for b in &blocks {
                for k in 0..b.len {
                    prop_assert_eq!(rows[usize::from(b.to + k)], new[usize::from(b.to + k)]);
                }
            }
            for (i, j) in kept(old, new, &weight) {
                if i == j {
                    prop_assert_eq!(rows[usize::from(j)], new[usize::from(j)]);
                }
            }
        }
    }
}
