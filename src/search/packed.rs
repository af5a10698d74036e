//! Many search keys in one buffer. A catalog keys hundreds of thousands of distinct texts; one
//! allocation per key would cost more than the keys' own bytes.

use super::{encode, KeyRef};

/// Search keys by number, their bytes packed in one buffer.
#[derive(Debug, Clone, Default)]
pub struct PackedKeys {
    bytes: Vec<u8>,
    keys: Vec<Packed>,
}

/// Where one key's bytes are, and its prefilter.
#[derive(Debug, Clone, Copy)]
struct Packed {
    start: u32,
    len: u32,
    text_len: u32,
    heads: u32,
    mask: u64,
}

impl PackedKeys {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Adds the key of `text` (a person's name when `person`, see `SearchKey::name`).
    pub fn push(&mut self, text: &str, person: bool) {
        let packed = self.encode(text, person);
        self.keys.push(packed);
    }

    /// Keys key `i` anew; its old bytes stay unused (this is rare: a text that turns out to be
    /// a name too).
    pub fn replace(&mut self, i: usize, text: &str, person: bool) {
        self.keys[i] = self.encode(text, person);
    }

    /// Appends `other`'s keys after these (keys made on two threads).
    pub fn append(&mut self, other: PackedKeys) {
        let shift = offset(self.bytes.len());
        self.bytes.extend_from_slice(&other.bytes);
        self.keys.extend(other.keys.into_iter().map(|k| Packed { start: k.start + shift, ..k }));
    }

    pub fn get(&self, i: usize) -> KeyRef<'_> {
        let k = self.keys[i];
        let data = &self.bytes[k.start as usize..(k.start + k.len) as usize];
        KeyRef { data, text_len: k.text_len, heads: k.heads, mask: k.mask }
    }

    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.keys.capacity() * std::mem::size_of::<Packed>()
    }

    fn encode(&mut self, text: &str, person: bool) -> Packed {
        let start = self.bytes.len();
        let (text_len, heads, mask) = encode(text, person, &mut self.bytes);
        Packed { start: offset(start), len: offset(self.bytes.len() - start), text_len, heads, mask }
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("under 4 GiB of search keys")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Query, SearchKey};

    #[test]
    fn packed_keys_match_as_their_own_keys_do() {
        let texts = ["单志远", "南海区狮山镇 党委委员", "Zhang Wei", "", "欧阳明远"];
        let (mut left, mut right) = (PackedKeys::default(), PackedKeys::default());
        for (n, t) in texts.iter().enumerate() {
            let person = n != 1;
            if n < 2 {
                left.push(t, person)
            } else {
                right.push(t, person)
            }
        }
        left.append(right);
        for q in ["szy", "dzy", "nhq", "zhang", "wei", "oymy", "狮山", "z", ""] {
            let query = Query::new(q);
            for (n, t) in texts.iter().enumerate() {
                let own = if n != 1 { SearchKey::name(t) } else { SearchKey::new(t) };
                assert_eq!(left.get(n).is_match(&query), own.is_match(&query), "{t} {q}");
                assert_eq!(left.get(n).matches(&query), own.matches(&query), "{t} {q}");
            }
        }
        left.replace(1, "单位", true);
        assert!(left.get(1).is_match(&Query::new("shanw")));
        assert!(left.get(4).is_match(&Query::new("oymy")), "the others stay");
    }
}
