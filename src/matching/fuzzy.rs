//! Finding the words closest to a misspelt one without comparing it to every
//! word: candidates must share enough letter pairs with it to be within the
//! typo budget, and only those are compared with strsim.

use super::hash::WordMap;

/// A set of words searchable by edit distance.
#[derive(Debug, Default)]
pub struct FuzzyWords {
    words: Vec<String>,
    chars: Vec<usize>,
    exact: WordMap<String, u32>,
    /// Letter pair and word length (capped) to the words holding the pair:
    /// a look-up reads only the lengths within its typo budget.
    grams: WordMap<(char, char, u8), Vec<u32>>,
}

fn length_key(chars: usize) -> u8 {
    chars.min(u8::MAX as usize) as u8
}

/// A word of the set near the one looked up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub id: u32,
    /// Edits from the word looked up (a swap of neighbouring letters is one).
    pub edits: usize,
    /// Normalised similarity in [0, 1]: 1 less [`TYPO_COST`] of the share
    /// of the word the edits change.
    pub similarity: f32,
}

fn bigrams(word: &str) -> Vec<(char, char)> {
    let padded: Vec<char> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .collect();
    let mut grams: Vec<(char, char)> = padded.windows(2).map(|w| (w[0], w[1])).collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Share of a word's length that one edit takes off its similarity. A word
/// found within the typo budget, and not a real word of its own, was almost
/// always meant: counted at 1 − edits/length, three slips in a question
/// left it too unsure to answer although the right fact led (on the dev
/// sets with seeded typos in 30% of the words, 0.25 answered about 20 more
/// of 375 questions right than 1.0, with as many declined).
const TYPO_COST: f32 = 0.25;

/// [`TYPO_COST`] of an edit no slip of the fingers makes: a letter changed
/// for one far from it on the keyboard, or a far key struck in between.
const FAR_KEY_COST: f32 = 1.0;

/// Whether one slip of the fingers turns `meant` into `typed`: a key
/// replaced by its neighbour, a letter left out, a neighbouring key (or the
/// same one again) struck beside a letter, or two letters swapped.
pub fn is_keyboard_slip(typed: &[char], meant: &[char]) -> bool {
    let near = |a: char, b: char| a == b || keyboard_neighbours(a).contains(b);
    match typed.len() as isize - meant.len() as isize {
        0 => {
            let diff: Vec<usize> = (0..typed.len()).filter(|&i| typed[i] != meant[i]).collect();
            match diff[..] {
                [i] => near(meant[i], typed[i]),
                [i, j] => j == i + 1 && typed[i] == meant[j] && typed[j] == meant[i],
                _ => false,
            }
        }
        -1 => (0..meant.len()).any(|i| meant[..i] == typed[..i] && meant[i + 1..] == typed[i..]),
        1 => (0..typed.len()).any(|i| {
            typed[..i] == meant[..i]
                && typed[i + 1..] == meant[i..]
                && ((i > 0 && near(typed[i - 1], typed[i])) || typed.get(i + 1).is_some_and(|&c| near(c, typed[i])))
        }),
        _ => false,
    }
}

/// How many edits a word of this length may carry and still be recognised.
pub fn typo_budget(chars: usize) -> usize {
    match chars {
        0..=2 => 0,
        3..=5 => 1,
        6..=11 => 2,
        _ => 3,
    }
}

impl FuzzyWords {
    /// Adds a word and returns its id; a word already there keeps its id.
    pub fn add(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.exact.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        let len = length_key(word.chars().count());
        for (a, b) in bigrams(word) {
            self.grams.entry((a, b, len)).or_default().push(id);
        }
        self.exact.insert(word.to_string(), id);
        self.words.push(word.to_string());
        self.chars.push(word.chars().count());
        id
    }

    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    pub fn id(&self, word: &str) -> Option<u32> {
        self.exact.get(word).copied()
    }

    /// The words within the typo budget of `word` at the fewest edits, in
    /// the order they were added. A different first letter costs an edit
    /// more, since it is rarely the typo, unless the first two letters are
    /// swapped ("hwat"). A three-letter word may only have
    /// two letters swapped ("teh") or one left out ("wer"): a changed letter
    /// there makes another word as often as a typo ("mat", "met").
    pub fn nearest(&self, word: &str) -> Vec<Near> {
        self.nearest_within(word, usize::MAX)
    }

    /// [`FuzzyWords::nearest`], with the typo budget capped at `max_edits`.
    pub fn nearest_within(&self, word: &str, max_edits: usize) -> Vec<Near> {
        let chars = word.chars().count();
        let budget = typo_budget(chars).min(max_edits);
        if budget == 0 {
            return Vec::new();
        }
        let grams = bigrams(word);
        // Each edit destroys at most two letter pairs, and a swap of two
        // letters one more ("teh" keeps only "^t" of "the"), so a word within
        // the budget shares at least this many pairs with the typed one
        // (a word with two swaps at the edge of its budget can slip through).
        let needed = grams.len().saturating_sub(2 * budget + 1).max(1);
        let typed: Vec<char> = word.chars().collect();
        let mut touched: Vec<u32> = Vec::new();
        SHARED.with_borrow_mut(|shared| {
            // A dense counter: a large word set shares common letter pairs
            // ("^s", "e$") with thousands of words, too many for a hash map.
            // Kept between look-ups, and left all zero by each.
            if shared.len() < self.words.len() {
                shared.resize(self.words.len(), 0);
            }
            for len in chars.saturating_sub(budget)..=chars + budget {
                for &(a, b) in &grams {
                    let Some(ids) = self.grams.get(&(a, b, length_key(len))) else {
                        continue;
                    };
                    for &id in ids {
                        let count = &mut shared[id as usize];
                        if *count == 0 {
                            touched.push(id);
                        }
                        *count += 1;
                    }
                }
            }
            touched.retain(|&id| {
                let enough = shared[id as usize] as usize >= needed;
                shared[id as usize] = 0;
                enough
            });
        });
        let mut found: Vec<Near> = Vec::new();
        let mut other: Vec<char> = Vec::new();
        for id in touched {
            let other_chars = self.chars[id as usize];
            if other_chars.abs_diff(chars) > budget {
                continue;
            }
            other.clear();
            other.extend(self.words[id as usize].chars());
            // Two first letters swapped ("ohw", "hwat") are one slip of the
            // fingers like any other swap, not a word begun differently.
            let first_swapped = typed.len() > 1 && other.len() > 1 && typed[0] == other[1] && typed[1] == other[0];
            let first_differs = other.first() != typed.first() && !first_swapped;
            // Optimal string alignment: edits, with a swap of neighbours as
            // one; unlike full Damerau it needs no table of the alphabet,
            // which matters when thousands of candidates pass the filter.
            let Some(edits) = osa_within(&typed, &other, budget) else {
                continue;
            };
            let slip = edits == 1 && is_keyboard_slip(&typed, &other);
            // A word begun otherwise is another word more often than a typo,
            // unless one slip of the fingers made the difference: a key
            // beside the first ("bame" for "name"), the first left out.
            if first_differs && edits == budget && !slip {
                continue;
            }
            let other = &self.words[id as usize];
            if chars <= 3 && !(is_transposition(word, other) || other_chars == chars + 1) {
                continue;
            }
            if found.first().is_some_and(|f| f.edits < edits) {
                continue;
            }
            if found.first().is_some_and(|f| f.edits > edits) {
                found.clear();
            }
            // An edit no slip of the fingers makes (a key far from the one
            // meant) is less likely a typo of this word than one that is.
            let cost = if edits == 1 && !slip { FAR_KEY_COST } else { TYPO_COST };
            found.push(Near {
                id,
                edits,
                similarity: 1.0 - cost * edits as f32 / chars.max(other_chars) as f32,
            });
        }
        found.sort_unstable_by_key(|n| n.id);
        found
    }
}

thread_local! {
    /// Per word of the set being searched, how many letter pairs it shares
    /// with the word looked up.
    static SHARED: std::cell::RefCell<Vec<u16>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The optimal string alignment distance between two words (edits, a swap
/// of neighbouring letters counting one), when it is at most `max`.
/// Each row of the table holds the distances from a prefix of `a`; a row's
/// least value never falls below the row before's, so the look stops at the
/// first row wholly above `max`.
pub fn osa_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    const ROW: usize = 64;
    if b.len() >= ROW {
        let (a, b): (String, String) = (a.iter().collect(), b.iter().collect());
        return Some(strsim::osa_distance(&a, &b)).filter(|&d| d <= max);
    }
    let mut two_back = [0usize; ROW];
    let mut back = [0usize; ROW];
    let mut row = [0usize; ROW];
    for (j, cell) in back.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 0..a.len() {
        row[0] = i + 1;
        let mut least = row[0];
        for j in 0..b.len() {
            let cost = usize::from(a[i] != b[j]);
            let mut d = (row[j] + 1).min(back[j + 1] + 1).min(back[j] + cost);
            if i > 0 && j > 0 && a[i] != b[j] && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(two_back[j - 1] + 1);
            }
            row[j + 1] = d;
            least = least.min(d);
        }
        if least > max {
            return None;
        }
        two_back = back;
        back = row;
    }
    Some(back[b.len()]).filter(|&d| d <= max)
}

/// The keys touching a letter's on a QWERTY keyboard (same row, and the
/// staggered rows above and below); empty for anything but a-z.
pub fn keyboard_neighbours(c: char) -> &'static str {
    match c {
        'q' => "wa",
        'w' => "qeas",
        'e' => "wrsd",
        'r' => "etdf",
        't' => "ryfg",
        'y' => "tugh",
        'u' => "yihj",
        'i' => "uojk",
        'o' => "ipkl",
        'p' => "ol",
        'a' => "sqwz",
        's' => "adwezx",
        'd' => "sferxc",
        'f' => "dgrtcv",
        'g' => "fhtyvb",
        'h' => "gjyubn",
        'j' => "hkuinm",
        'k' => "jliom",
        'l' => "kop",
        'z' => "xas",
        'x' => "zcsd",
        'c' => "xvdf",
        'v' => "cbfg",
        'b' => "vngh",
        'n' => "bmhj",
        'm' => "njk",
        _ => "",
    }
}

/// The words one slip of the fingers from `typed` that the budgeted look-up
/// does not try, because they are as often another word as a typo when
/// nothing else is known: a key next to the right one, in a short word or
/// at the start ("hpw", "kights"); a key next to the first letter struck
/// before it ("xsay", "gthem"); the first letter left out ("ime", "otel").
/// Only for a word that is no word at all: then some slip made it.
pub fn slips(typed: &str) -> Vec<String> {
    let chars: Vec<char> = typed.chars().collect();
    if chars.len() < 3 || !chars.iter().all(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        for n in keyboard_neighbours(c).chars() {
            let mut w = chars.clone();
            w[i] = n;
            out.push(w.into_iter().collect());
        }
    }
    if keyboard_neighbours(chars[1]).contains(chars[0]) {
        out.push(chars[1..].iter().collect());
    }
    for first in 'a'..='z' {
        out.push(std::iter::once(first).chain(chars.iter().copied()).collect());
    }
    out
}

/// Vowels, any of which is written for another in a word spelt by ear.
const VOWELS: &str = "aeiou";

/// The words that one keyboard slip turns into `typed`: a key replaced by
/// its neighbour, a letter left out, a neighbouring key struck beside a
/// letter or a key struck twice, two letters swapped, a vowel for another.
/// For a real word that the fact base does not know: "dare" typed for
/// "date", "bud" for "bus", "meat" for "meet".
pub fn slipped_from(typed: &str) -> Vec<String> {
    let chars: Vec<char> = typed.chars().collect();
    if chars.len() < 2 || !chars.iter().all(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        for n in keyboard_neighbours(c).chars() {
            let mut w = chars.clone();
            w[i] = n;
            out.push(w.into_iter().collect());
        }
        // A vowel written for another, as the word sounds: "meat" for
        // "meet", "pease" for "peace".
        if VOWELS.contains(c) {
            for v in VOWELS.chars().filter(|&v| v != c) {
                let mut w = chars.clone();
                w[i] = v;
                out.push(w.into_iter().collect());
            }
        }
        let beside = |j: usize| chars.get(j).is_some_and(|&d| keyboard_neighbours(d).contains(c));
        // A key struck twice ("thee" for "the") is a slip as one beside it is.
        let again = i > 0 && chars[i - 1] == c;
        if (i > 0 && beside(i - 1)) || beside(i + 1) || again {
            let mut w = chars.clone();
            w.remove(i);
            out.push(w.into_iter().collect());
        }
        if i + 1 < chars.len() && chars[i] != chars[i + 1] {
            let mut w = chars.clone();
            w.swap(i, i + 1);
            out.push(w.into_iter().collect());
        }
    }
    for at in 0..=chars.len() {
        for letter in 'a'..='z' {
            let mut w = chars.clone();
            w.insert(at, letter);
            out.push(w.into_iter().collect());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether two words differ by one swap of neighbouring letters.
fn is_transposition(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(diff[..], [i, j] if j == i + 1 && a[i] == b[j] && a[j] == b[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> FuzzyWords {
        let mut s = FuzzyWords::default();
        for w in words {
            s.add(w);
        }
        s
    }

    #[test]
    fn a_misspelling_finds_the_word_it_was_meant_to_be() {
        let s = set(&["ceasefire", "prisoner", "putin"]);
        let near = s.nearest("ceasfire");
        assert_eq!(near.len(), 1);
        assert_eq!(s.word(near[0].id), "ceasefire");
        assert_eq!(near[0].edits, 1);
        assert!(s.nearest("australia").is_empty());
    }

    #[test]
    fn only_the_closest_words_are_returned() {
        let s = set(&["were", "where", "war"]);
        let near: Vec<&str> = s.nearest("wer").iter().map(|n| s.word(n.id)).collect();
        assert_eq!(near, ["were"], "a letter left out, not one changed");
        let near: Vec<&str> = s.nearest("whree").iter().map(|n| s.word(n.id)).collect();
        assert_eq!(near, ["where"]);
    }

    #[test]
    fn the_bounded_distance_is_strsims_where_it_is_within_bounds() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "teh",
            "the",
            "ceasfire",
            "ceasefire",
            "rubenko",
            "rubneko",
            "kyiv",
            "kiev",
            "ékran",
        ];
        for a in words {
            for b in words {
                let exact = strsim::osa_distance(a, b);
                let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for max in 0..4 {
                    assert_eq!(
                        osa_within(&ca, &cb, max),
                        Some(exact).filter(|&d| d <= max),
                        "{a} {b} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn two_first_letters_swapped_are_one_slip_but_another_first_letter_is_two() {
        let s = set(&["what", "kind", "bank"]);
        for (typed, meant) in [("hwat", "what"), ("iknd", "kind"), ("abnk", "bank")] {
            let near: Vec<&str> = s.nearest(typed).iter().map(|n| s.word(n.id)).collect();
            assert_eq!(near, [meant], "{typed}");
        }
        // "kank" is one letter from "bank" but begins otherwise: two edits
        // in all, over the budget of a four-letter word.
        assert!(s.nearest("kank").is_empty());
    }

    #[test]
    fn slips_are_a_neighbouring_key_a_key_struck_first_or_a_first_letter_left_out() {
        for (typed, meant) in [("hpw", "how"), ("kights", "lights"), ("xsay", "say"), ("ime", "time")] {
            assert!(slips(typed).iter().any(|w| w == meant), "{typed}");
        }
        // "p" is nowhere near "h": not a slip.
        assert!(!slips("pow").iter().any(|w| w == "how"));
        assert!(!slips("psay").iter().any(|w| w == "say"));
        assert!(slips("ab").is_empty());
    }

    #[test]
    fn a_first_letter_one_slip_off_is_still_the_word() {
        let s = set(&["name", "joke", "uber", "bank"]);
        // "b" beside "n", "m" beside "j"; the first letter left out.
        for (typed, meant) in [("bame", "name"), ("moke", "joke"), ("ber", "uber")] {
            let near: Vec<&str> = s.nearest(typed).iter().map(|n| s.word(n.id)).collect();
            assert_eq!(near, [meant], "{typed}");
        }
        // "p" is nowhere near "n": another word, not a slip.
        assert!(s.nearest("pame").is_empty());
    }

    #[test]
    fn a_real_word_is_known_to_come_from_the_words_one_slip_away() {
        for (typed, meant) in [
            ("dare", "date"),
            ("bud", "bus"),
            ("form", "from"),
            ("hopping", "shopping"),
            // A key struck twice.
            ("thee", "the"),
            // A vowel spelt by ear.
            ("meat", "meet"),
        ] {
            assert!(slipped_from(typed).iter().any(|w| w == meant), "{typed}");
        }
        // "p" is nowhere near "d", and "x" nowhere near "o" or "d".
        assert!(!slipped_from("pare").iter().any(|w| w == "date"));
        assert!(!slipped_from("doxg").iter().any(|w| w == "dog"));
    }

    #[test]
    fn a_slip_of_the_fingers_is_told_from_an_edit_no_finger_makes() {
        let chars = |w: &str| w.chars().collect::<Vec<char>>();
        let slip = |typed: &str, meant: &str| is_keyboard_slip(&chars(typed), &chars(meant));
        for (typed, meant) in [
            ("bqank", "bank"),
            ("takl", "talk"),
            ("tije", "time"),
            ("ime", "time"),
            ("meeet", "meet"),
        ] {
            assert!(slip(typed, meant), "{typed} for {meant}");
        }
        for (typed, meant) in [
            ("bqank", "blank"),
            ("takl", "take"),
            ("tipe", "time"),
            ("time", "time"),
            ("tm", "time"),
        ] {
            assert!(!slip(typed, meant), "{typed} for {meant}");
        }
        // Found within the budget, the slip is the closer of the two.
        let s = set(&["bank", "blank"]);
        let near = s.nearest("bqank");
        let sim = |w: &str| near.iter().find(|n| s.word(n.id) == w).map(|n| n.similarity);
        assert!(sim("bank") > sim("blank"), "{near:?}");
    }

    #[test]
    fn short_words_allow_only_a_swap_of_letters() {
        let s = set(&["met", "the"]);
        assert!(s.nearest("mat").is_empty());
        assert_eq!(s.nearest("teh").len(), 1);
    }
}
