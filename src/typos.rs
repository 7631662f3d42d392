//! Seeded keyboard typos: what people's thumbs do to a question.
//!
//! Each word of three letters or more is picked with probability `rate` and
//! gets exactly one edit, chosen uniformly among: a letter replaced by a
//! neighbouring QWERTY key, a letter dropped, a neighbouring key inserted next
//! to a letter, and two adjacent (different) letters swapped. The same seed
//! always gives the same typos. `talksbot eval --typos` and the bench use it
//! to measure how the matcher copes with them.

use crate::matching::fuzzy::keyboard_neighbours;

/// A small, fast, seeded generator (SplitMix64). Not for cryptography; its
/// only job here is to be the same on every machine for a given seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // The modulo bias is below 2^-40 for the small n used here.
        (self.next_u64() % n as u64) as usize
    }
}

/// The keys next to a letter on a QWERTY keyboard (same row, and the
/// touching keys of the staggered rows above and below), in its case.
pub fn neighbours(c: char) -> Vec<char> {
    keyboard_neighbours(c.to_ascii_lowercase())
        .chars()
        .map(|k| if c.is_uppercase() { k.to_ascii_uppercase() } else { k })
        .collect()
}

/// Applies typos to texts, drawing from one seeded stream in order.
#[derive(Debug, Clone)]
pub struct Typist {
    rng: Rng,
    rate: f64,
}

impl Typist {
    pub fn new(rate: f64, seed: u64) -> Typist {
        Typist {
            rng: Rng::new(seed),
            rate: rate.clamp(0.0, 1.0),
        }
    }

    /// The text with typos in about `rate` of its words of three letters or more.
    pub fn apply(&mut self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len() + 4);
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_alphabetic() {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let word = &chars[start..i];
            if word.len() >= 3 && self.rate > 0.0 && self.rng.next_f64() < self.rate {
                out.extend(self.misspell(word));
            } else {
                out.extend(word);
            }
        }
        out
    }

    /// One edit to a word of at least three letters; the result always differs.
    fn misspell(&mut self, word: &[char]) -> Vec<char> {
        let mut w = word.to_vec();
        let keyed: Vec<usize> = (0..w.len()).filter(|&i| !neighbours(w[i]).is_empty()).collect();
        let swappable: Vec<usize> = (0..w.len() - 1).filter(|&i| w[i] != w[i + 1]).collect();
        match self.rng.below(4) {
            0 if !keyed.is_empty() => {
                let i = keyed[self.rng.below(keyed.len())];
                let keys = neighbours(w[i]);
                w[i] = keys[self.rng.below(keys.len())];
            }
            2 if !keyed.is_empty() => {
                let i = keyed[self.rng.below(keyed.len())];
                let keys = neighbours(w[i]);
                let key = keys[self.rng.below(keys.len())];
                // Before or after the letter whose neighbour was hit.
                let at = i + self.rng.below(2);
                w.insert(at, key);
            }
            3 if !swappable.is_empty() => {
                let i = swappable[self.rng.below(swappable.len())];
                w.swap(i, i + 1);
            }
            // Deletion, and the fallback when the chosen edit cannot change
            // this word (letters off the keyboard, or all letters alike).
            _ => {
                w.remove(self.rng.below(w.len()));
            }
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "How do I reset my password? Where's the nearest branch, and when does it open on Sunday?";

    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_typos() {
        let a: Vec<String> = (0..20)
            .map(|_| TEXT)
            .scan(Typist::new(0.5, 7), |t, s| Some(t.apply(s)))
            .collect();
        let b: Vec<String> = (0..20)
            .map(|_| TEXT)
            .scan(Typist::new(0.5, 7), |t, s| Some(t.apply(s)))
            .collect();
        assert_eq!(a, b);
        let c: Vec<String> = (0..20)
            .map(|_| TEXT)
            .scan(Typist::new(0.5, 8), |t, s| Some(t.apply(s)))
            .collect();
        assert_ne!(a, c, "another seed should give other typos");
    }

    #[test]
    fn rate_zero_changes_nothing() {
        let mut t = Typist::new(0.0, 1);
        for _ in 0..10 {
            assert_eq!(t.apply(TEXT), TEXT);
        }
    }

    #[test]
    fn rate_one_changes_every_eligible_word_and_only_those() {
        for seed in 0..200 {
            let typed = Typist::new(1.0, seed).apply(TEXT);
            let before = words(TEXT);
            let after = words(&typed);
            // Word boundaries survive: edits only touch letters within a word.
            assert_eq!(before.len(), after.len(), "{typed}");
            for (b, a) in before.iter().zip(&after) {
                if b.chars().count() >= 3 {
                    assert_ne!(b, a, "seed {seed}: {typed}");
                    let (lb, la) = (b.chars().count() as isize, a.chars().count() as isize);
                    assert!((lb - la).abs() <= 1, "one edit only: {b} -> {a}");
                } else {
                    assert_eq!(b, a, "short words are left alone");
                }
            }
            // Punctuation and spacing are untouched.
            let skeleton = |s: &str| s.chars().filter(|c| !c.is_alphabetic()).collect::<String>();
            assert_eq!(skeleton(TEXT), skeleton(&typed));
        }
    }

    #[test]
    fn words_without_a_possible_swap_or_key_still_change() {
        for seed in 0..50 {
            assert_ne!(Typist::new(1.0, seed).apply("aaa"), "aaa");
            assert_ne!(Typist::new(1.0, seed).apply("ééé"), "ééé");
        }
    }

    #[test]
    fn about_the_rate_of_words_change() {
        let text = "alpha bravo charlie delta hotel india juliet kilo lima mike ".repeat(100);
        let typed = Typist::new(0.3, 3).apply(&text);
        let changed = words(&text).iter().zip(words(&typed)).filter(|(a, b)| *a != b).count();
        assert!((240..360).contains(&changed), "{changed} of 1000 changed");
    }

    #[test]
    fn neighbours_follow_the_keyboard() {
        let mut s = neighbours('s');
        s.sort();
        assert_eq!(s, vec!['a', 'd', 'e', 'w', 'x', 'z']);
        let mut q = neighbours('Q');
        q.sort();
        assert_eq!(q, vec!['A', 'W']);
        assert!(neighbours('1').is_empty());
    }
}
