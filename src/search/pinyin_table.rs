//! The pinyin tables behind `search::Table`, computed from the `pinyin` crate's own data (no
//! hand-written table). Written once, used twice: `build.rs` runs [`compute`] at build time
//! and bakes the result into the binary; the unit tests run it again and compare.

use pinyin::ToPinyinMulti;
use std::collections::HashMap;
use std::ops::Range;

/// Longest toneless syllable (`zhuang`).
pub const MAX_SYLLABLE: usize = 6;
/// The `pinyin` crate (pinyin-data 0.15) knows characters in U+3007..=U+32389 only.
pub const CJK: Range<u32> = 0x3000..0x32400;

/// Readings a character has only as a surname (区 ōu, 单 shàn, 解 xiè, 曾 zēng): a key gives
/// them to the first character of a person's name and to no other character, so `ou` does
/// not find every 南海区 and `xie` every 解放路.
pub const SURNAME_READINGS: [(char, &str); 4] = [('区', "ou"), ('单', "shan"), ('解', "xie"), ('曾', "zeng")];

/// Syllables and reading sets as flat arrays, so building a key is a few array reads.
pub struct Tables {
    /// Toneless syllables as ASCII (`ü` → `v`, `ê` → `e`), zero-padded.
    pub syllables: Vec<[u8; MAX_SYLLABLE]>,
    /// Per reading set (symbol − 128): `start << 4 | count` of its syllable ids in `ids`.
    pub sets: Vec<u32>,
    pub ids: Vec<u16>,
    /// Per code point in `CJK`: its symbol, 0 when it has no pinyin (a surname reading left out).
    pub by_char: Vec<u16>,
    /// (code point, symbol with every reading) of the characters in [`SURNAME_READINGS`].
    pub surnames: Vec<(u32, u16)>,
}

/// The symbol of a reading set, adding the set when it is new.
fn intern(t: &mut Tables, set_ids: &mut HashMap<Vec<u16>, u16>, set: Vec<u16>) -> u16 {
    *set_ids.entry(set).or_insert_with_key(|set: &Vec<u16>| {
        t.sets.push((t.ids.len() as u32) << 4 | set.len() as u32);
        t.ids.extend_from_slice(set);
        127 + t.sets.len() as u16
    })
}

/// Walks every code point in `CJK` (~200,000 lookups: tens of milliseconds).
pub fn compute() -> Tables {
    let mut t = Tables { syllables: vec![], sets: vec![], ids: vec![], by_char: vec![0; CJK.len()], surnames: vec![] };
    let (mut syllable_ids, mut set_ids) = (HashMap::new(), HashMap::new());
    for (i, c) in CJK.enumerate() {
        let mut set = Vec::new();
        for p in char::from_u32(c).and_then(|c| c.to_pinyin_multi()).into_iter().flatten() {
            let mut s = [0; MAX_SYLLABLE];
            let ascii = p.plain().chars().filter_map(|c| match c {
                'ü' => Some(b'v'),
                'ê' => Some(b'e'),
                c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase() as u8),
                _ => None,
            });
            s.iter_mut().zip(ascii).for_each(|(d, b)| *d = b);
            let next = t.syllables.len() as u16;
            let id = *syllable_ids.entry(s).or_insert(next);
            if id == next {
                t.syllables.push(s);
            }
            if s[0] != 0 && !set.contains(&id) && set.len() < 15 {
                set.push(id);
            }
        }
        if set.is_empty() {
            continue;
        }
        let surname = SURNAME_READINGS.iter().find(|(s, _)| *s as u32 == c).map(|(_, reading)| {
            let mut s = [0; MAX_SYLLABLE];
            s.iter_mut().zip(reading.bytes()).for_each(|(d, b)| *d = b);
            syllable_ids[&s]
        });
        if let Some(reading) = surname {
            let full = intern(&mut t, &mut set_ids, set.clone());
            t.surnames.push((c, full));
            set.retain(|id| *id != reading);
        }
        t.by_char[i] = intern(&mut t, &mut set_ids, set);
    }
    t
}
