//! A fast hash for maps keyed by words, after the one rustc uses (FxHash).
//!
//! The standard SipHash resists keys chosen to collide, which costs several
//! times more per short key; loading a large base looks up millions of
//! words. The maps using this one hold words of the curated fact base and of
//! the bundled English lexicon, never words people send, so nobody chooses
//! their keys; questions only look words up in them.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by words of the fact base or the lexicon.
pub type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// A set of words of the fact base or the lexicon.
pub type WordSet<K> = HashSet<K, BuildHasherDefault<WordHasher>>;

#[derive(Debug, Default, Clone, Copy)]
pub struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_differ_hash_apart() {
        let hash = |w: &str| {
            let mut h = WordHasher::default();
            h.write(w.as_bytes());
            h.finish()
        };
        let words = [
            "putin",
            "putim",
            "witkoff",
            "witkof",
            "a",
            "b",
            "ceasefire",
            "ceasefirf",
            "",
        ];
        let hashes: WordSet<u64> = words.iter().map(|w| hash(w)).collect();
        assert_eq!(hashes.len(), words.len());
        let mut map: WordMap<String, usize> = WordMap::default();
        for (i, w) in words.iter().enumerate() {
            map.insert(w.to_string(), i);
        }
        assert_eq!(map.get("witkof"), Some(&3));
    }
}
