//! Words to terms: stemming, synonyms from the fact base, and the words that
//! carry no meaning in a question.

use std::collections::HashMap;

use super::hash::WordMap;

use super::text::{self, Token};
use crate::knowledge::SynonymGroup;

/// Words that say nothing about which fact is wanted. Question words that do
/// (who, when, where, how many) are kept: "who met Putin" and "when did
/// Witkoff meet Putin" ask different things (chat's "wen" is read as "when").
/// Chat shorthand ("pls", "abt") is here too, so that it is not mistaken for a word the sources don't know.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "abt",
    "according",
    "actually",
    "afaik",
    "after",
    "again",
    "against",
    "aint",
    "aka",
    "all",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "any",
    "anybody",
    "anyone",
    "anything",
    "anytime",
    "anyway",
    "anyways",
    "anywhere",
    "are",
    "aren",
    "arent",
    "around",
    "article",
    "as",
    "ask",
    "asking",
    "at",
    "basically",
    "bc",
    "be",
    "because",
    "been",
    "being",
    "bot",
    "bout",
    "boutta",
    "btw",
    "but",
    "by",
    "can",
    "can't",
    "cant",
    "could",
    "coulda",
    "couldnt",
    "coz",
    "cud",
    "curious",
    "currently",
    "cuz",
    "detail",
    "details",
    "did",
    "didn",
    "didnt",
    "do",
    "does",
    "doesn",
    "doesnt",
    "doing",
    "done",
    "dont",
    "down",
    "dunno",
    "during",
    "each",
    "eh",
    "either",
    "else",
    "etc",
    "even",
    "ever",
    "everybody",
    "everyone",
    "everything",
    "exactly",
    "explain",
    "fact",
    "facts",
    "find",
    "finna",
    "folks",
    "for",
    "fr",
    "from",
    "fyi",
    "get",
    "gimme",
    "give",
    "gonna",
    "gotta",
    "guy",
    "guys",
    "had",
    "hadnt",
    "hafta",
    "happen",
    "happened",
    "happening",
    "has",
    "hasn",
    "hasnt",
    "have",
    "havent",
    "having",
    "he",
    "hello",
    "her",
    "here",
    "hers",
    "herself",
    "hes",
    "hey",
    "hi",
    "him",
    "himself",
    "his",
    "hm",
    "hmm",
    "honestly",
    "i",
    "id",
    "idc",
    "idk",
    "if",
    "iirc",
    "im",
    "imma",
    "imo",
    "in",
    "info",
    "information",
    "into",
    "is",
    "isn",
    "isnt",
    "it",
    "itll",
    "its",
    "itself",
    "ive",
    "just",
    "k",
    "kind",
    "kinda",
    "know",
    "lemme",
    "let",
    "lets",
    "like",
    "literally",
    "lmao",
    "lol",
    "look",
    "me",
    "mean",
    "mention",
    "mentioned",
    "might",
    "more",
    "most",
    "must",
    "musta",
    "mustnt",
    "my",
    "myself",
    "n",
    "nah",
    "neednt",
    "news",
    "ngl",
    "nobody",
    "nope",
    "nor",
    "now",
    "nvm",
    "obv",
    "occur",
    "occurred",
    "of",
    "ofc",
    "off",
    "ok",
    "okay",
    "omg",
    "on",
    "one",
    "ones",
    "onto",
    "or",
    "other",
    "others",
    "our",
    "ourselves",
    "out",
    "outta",
    "over",
    "per",
    "pl",
    "please",
    "pls",
    "plz",
    "pretty",
    "probs",
    "question",
    "quick",
    "quickly",
    "quite",
    "r",
    "re",
    "really",
    "reckon",
    "regarding",
    "remember",
    "remind",
    "report",
    "reported",
    "reports",
    "rn",
    "shall",
    "she",
    "shes",
    "should",
    "shoulda",
    "shouldnt",
    "shud",
    "since",
    "smh",
    "smth",
    "so",
    "some",
    "somebody",
    "someone",
    "someone's",
    "something",
    "somewhere",
    "sorry",
    "sort",
    "sorta",
    "sth",
    "still",
    "story",
    "stuff",
    "such",
    "sure",
    "tbf",
    "tbh",
    "than",
    "thank",
    "thanks",
    "that",
    "thatll",
    "thats",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "therell",
    "theres",
    "these",
    "they",
    "theyd",
    "theyll",
    "theyre",
    "theyve",
    "thing",
    "things",
    "this",
    "tho",
    "those",
    "though",
    "thru",
    "thx",
    "to",
    "today",
    "too",
    "toward",
    "towards",
    "tryna",
    "ty",
    "u",
    "unless",
    "until",
    "unto",
    "up",
    "update",
    "updates",
    "upon",
    "ur",
    "versus",
    "very",
    "via",
    "vs",
    "w",
    "wanna",
    "want",
    "wanted",
    "was",
    "wasn",
    "wasnt",
    "wat",
    "we",
    "were",
    "weren",
    "werent",
    "weve",
    "what",
    "whatever",
    "whatll",
    "whats",
    "whenever",
    "whereas",
    "whether",
    "which",
    "while",
    "whilst",
    "wholl",
    "whom",
    "whose",
    "wht",
    "will",
    "with",
    "without",
    "won't",
    "wonder",
    "wondering",
    "wont",
    "would",
    "woulda",
    "wouldnt",
    "wrt",
    "wud",
    "wut",
    "y",
    "ya",
    "yall",
    "yea",
    "yeah",
    "yep",
    "yes",
    "yet",
    "yo",
    "you",
    "youd",
    "youll",
    "your",
    "youre",
    "yours",
    "yourself",
    "youve",
    "yup",
];

/// Stop words that are also stems of themselves, for fuzzy look-ups.
pub fn stop_words() -> impl Iterator<Item = &'static str> {
    STOP_WORDS
        .iter()
        .copied()
        .filter(|w| !w.contains(' ') && !w.contains('\''))
}

pub fn is_stop_word(stemmed_or_raw: &str) -> bool {
    // The list is in order (a test keeps it so).
    STOP_WORDS.binary_search(&stemmed_or_raw).is_ok()
}

/// Rewrites spans of terms that belong to a synonym group into the group's name.
#[derive(Debug, Default, Clone)]
pub struct Synonyms {
    /// Stemmed phrase (terms joined by spaces) to the group's name.
    phrases: HashMap<Vec<String>, String>,
    /// The phrases of one word, by that word: looked up without building a phrase.
    words: WordMap<String, String>,
    /// The groups whose phrases hold a word that is no group's member on its
    /// own ("steve" in "steve witkoff"). Every "Steve Witkoff" in the base
    /// becomes the group's name, so "steve" alone would be unknown to it.
    parts: WordMap<String, Vec<String>>,
    longest: usize,
    /// The phrases of more than one word with their group's name, longest
    /// first, for [`Synonyms::apply_misspelt`].
    multi: Vec<(Vec<PhraseWord>, String)>,
}

/// A word of a synonym phrase, read ahead for [`Synonyms::apply_misspelt`].
#[derive(Debug, Clone)]
struct PhraseWord {
    text: String,
    letters: Vec<char>,
    stop: bool,
}

impl Synonyms {
    pub fn new(groups: &[SynonymGroup]) -> Synonyms {
        let mut phrases = HashMap::new();
        let mut longest = 0;
        for group in groups {
            let Some(name) = group.terms.first().map(|t| stems(t).join("_")) else {
                continue;
            };
            for term in &group.terms {
                let key = stems(term);
                if key.is_empty() {
                    continue;
                }
                longest = longest.max(key.len());
                phrases.entry(key).or_insert_with(|| name.clone());
            }
        }
        let words: WordMap<String, String> = phrases
            .iter()
            .filter(|(k, _)| k.len() == 1)
            .map(|(k, v)| (k[0].clone(), v.clone()))
            .collect();
        let mut parts: WordMap<String, Vec<String>> = WordMap::default();
        for (key, name) in phrases.iter().filter(|(k, _)| k.len() > 1) {
            for word in key {
                if words.contains_key(word) || is_stop_word(word) || word.starts_with('@') {
                    continue;
                }
                let groups = parts.entry(word.clone()).or_default();
                if !groups.contains(name) {
                    groups.push(name.clone());
                }
            }
        }
        for groups in parts.values_mut() {
            groups.sort();
        }
        let mut sorted: Vec<(&Vec<String>, &String)> = phrases.iter().filter(|(k, _)| k.len() > 1).collect();
        sorted.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        let multi: Vec<(Vec<PhraseWord>, String)> = sorted
            .into_iter()
            .map(|(key, name)| {
                let words = key
                    .iter()
                    .map(|w| PhraseWord {
                        text: w.clone(),
                        letters: w.chars().collect(),
                        stop: is_stop_word(w),
                    })
                    .collect();
                (words, name.clone())
            })
            .collect();
        Synonyms {
            phrases,
            words,
            parts,
            longest,
            multi,
        }
    }

    /// The groups a word is part of only inside their phrases ("marco" of
    /// "marco rubio"), in order of their names; empty for any other word.
    pub fn groups_with_part(&self, stem: &str) -> &[String] {
        self.parts.get(stem).map_or(&[], Vec::as_slice)
    }

    /// Whether there is no group at all: no text is changed.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// The group name for a single stemmed word, if it belongs to one.
    pub fn name_of(&self, stem: &str) -> Option<&str> {
        self.words.get(stem).map(String::as_str)
    }

    /// Every single-word member with its group's name, for fuzzy look-ups.
    pub fn single_words(&self) -> impl Iterator<Item = (&str, &str)> {
        self.phrases
            .iter()
            .filter(|(k, _)| k.len() == 1)
            .map(|(k, v)| (k[0].as_str(), v.as_str()))
    }

    /// Replaces a phrase of several words typed with slips in it ("fcae te
    /// natio" for "face the nation") by its group's name, as [`Self::apply`]
    /// does the phrase typed right: broken up, its words would each mean
    /// something else ("face", a nation). Each word of four letters or more
    /// may be one edit off, as typed or stemmed; a shorter one must be
    /// exact, unless it is a stop word ("the", "of") in a phrase of three
    /// words or more, which may be one edit off too. At least one word must
    /// be exact or the phrase have three words, so that two slips do not
    /// make a phrase of two other words.
    /// Questions only: the fact base's own texts are spelt as curated.
    fn apply_misspelt(&self, terms: Vec<Term>) -> Vec<Term> {
        if self.multi.is_empty() {
            return terms;
        }
        // Each term's letters, stemmed and as typed, read once.
        let letters: Vec<(Vec<char>, Vec<char>)> = terms
            .iter()
            .map(|t| match t.is_word && !t.canonical {
                true => (t.text.chars().collect(), t.raw.chars().collect()),
                false => (Vec::new(), Vec::new()),
            })
            .collect();
        // Whether term `i` is the phrase's word: exactly (true), one slip
        // off (false), or not at all (None).
        let near = |i: usize, word: &PhraseWord, long_phrase: bool| -> Option<bool> {
            let t = &terms[i];
            if t.text == word.text || (t.is_word && t.raw == word.text) {
                return Some(true);
            }
            if !t.is_word || t.canonical {
                return None;
            }
            let (stemmed, typed) = &letters[i];
            let w = &word.letters;
            let off = |typed: &[char]| {
                // One edit leaves the first letter, or the second lands first.
                let starts_alike = match (typed, &w[..]) {
                    ([a, b, ..], [c, d, ..]) => a == c || b == d || a == d || b == c,
                    _ => true,
                };
                starts_alike && typed.len().abs_diff(w.len()) <= 1 && super::fuzzy::osa_within(typed, w, 1).is_some()
            };
            // A stop word one slip off only inside a phrase of three words
            // or more: "eet he press" is "meet the press", but "say hes"
            // (he's) is no "say yes".
            let may_slip = word.letters.len() >= 4 || (word.stop && typed.len() <= 4 && long_phrase);
            (may_slip && (off(stemmed) || off(typed))).then_some(false)
        };
        let found = |at: usize, key: &[PhraseWord]| -> bool {
            if at + key.len() > terms.len() {
                return false;
            }
            let mut exact = 0;
            for (k, word) in key.iter().enumerate() {
                match near(at + k, word, key.len() >= 3) {
                    Some(true) => exact += 1,
                    Some(false) => {}
                    None => return false,
                }
            }
            exact < key.len() && (exact > 0 || key.len() >= 3)
        };
        // Where phrases begin, how long they are and their names.
        let mut phrases: Vec<(usize, usize, &String)> = Vec::new();
        let mut i = 0;
        while i < terms.len() {
            match self.multi.iter().find(|(key, _)| found(i, key)) {
                Some((key, name)) => {
                    phrases.push((i, key.len(), name));
                    i += key.len();
                }
                None => i += 1,
            }
        }
        if phrases.is_empty() {
            return terms;
        }
        let mut out = Vec::with_capacity(terms.len());
        let mut phrases = phrases.into_iter().peekable();
        let mut skip = 0;
        for (i, term) in terms.into_iter().enumerate() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            match phrases.next_if(|&(start, _, _)| start == i) {
                Some((_, len, name)) => {
                    skip = len - 1;
                    out.push(Term::group(name));
                }
                None => out.push(term),
            }
        }
        out
    }

    /// Replaces the longest matching phrase at each position.
    fn apply(&self, terms: Vec<Term>) -> Vec<Term> {
        if self.phrases.is_empty() {
            return terms;
        }
        let mut out = Vec::with_capacity(terms.len());
        let mut i = 0;
        'outer: while i < terms.len() {
            for len in (1..=self.longest.min(terms.len() - i)).rev() {
                let span = &terms[i..i + len];
                // A number, date or ordinal is part of a phrase where the
                // phrase spells it ("phase one", "one on one", "leo 14").
                let key: Vec<String> = span.iter().map(|t| t.text.clone()).collect();
                if let Some(name) = self.phrases.get(&key) {
                    out.push(Term::group(name));
                    i += len;
                    continue 'outer;
                }
            }
            out.push(terms[i].clone());
            i += 1;
        }
        out
    }
}

/// The stems of a synonym entry, without stop-word removal: "prisoners of
/// war" must stay three words to be recognised in a question.
fn stems(text: &str) -> Vec<String> {
    text::tokens(text)
        .into_iter()
        .map(|t| match t {
            Token::Word(w) => text::stem(&w),
            other => other.special_term().unwrap_or_default(),
        })
        .collect()
}

/// A term on its way through analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub text: String,
    /// A word, as opposed to a number or date term; only words are fuzzy-matched.
    pub is_word: bool,
    /// Already the name of a synonym group: not to be fuzzy-corrected.
    pub canonical: bool,
    /// A stop word as written or once stemmed.
    pub stop: bool,
    /// The word as typed (folded), before stemming: a misspelt word is
    /// better compared unstemmed ("actualy" would stem to "actua").
    pub raw: String,
    /// The term of the other way of reading a day written in digits that
    /// reads either way round ("11/3").
    pub other_reading: Option<String>,
}

impl Term {
    /// A synonym group's name standing for the phrase that was read.
    fn group(name: &str) -> Term {
        Term {
            text: name.to_string(),
            is_word: true,
            canonical: true,
            stop: false,
            raw: name.to_string(),
            other_reading: None,
        }
    }
}

/// Text to terms, the same way for stored phrasings and for questions.
/// Stop words are kept here and dropped by the caller after any fuzzy
/// correction, so that "pls" can still be recognised as a stop word.
pub fn analyze(text: &str, synonyms: &Synonyms, max_tokens: usize) -> Vec<Term> {
    let terms = analyze_words(text, synonyms, max_tokens, read_word);
    synonyms.apply_misspelt(terms)
}

/// A word's stem, and whether it is a stop word as written or once stemmed.
fn read_word(word: &str) -> (String, bool) {
    let word = spelled_out(word);
    let stem = text::stem(word);
    let stop = is_stop_word(word) || is_stop_word(&stem);
    (stem, stop)
}

/// The word that chat's shorthand or a hurried spelling stands for ("ppl":
/// "people", "n": "and"), or the word itself.
pub fn spelled_out(word: &str) -> &str {
    // "who's" typed without its apostrophe, or "when" in chat: the question
    // word it is.
    match word {
        "wen" | "whn" => "when",
        // Question words as chat and hurried fingers spell them: read as
        // typed, "wat" and "hw" are unknown strings, and the question loses
        // what it asks ("wat time is the call" no longer asks a time).
        "wat" | "wut" | "wht" | "waht" | "whta" => "what",
        "hw" | "hpw" => "how",
        "wher" | "whr" => "where",
        "wy" => "why",
        "wich" | "whch" | "wihch" => "which",
        // Chat's shorthand for everyday words, which as typed read as
        // unknown names and outweigh the question.
        "ppl" | "ppls" => "people",
        "govt" | "gov" => "government",
        "pres" | "prez" => "president",
        "yr" => "year",
        "yrs" => "years",
        "hr" => "hour",
        "hrs" => "hours",
        "mins" => "minutes",
        "tmrw" | "tmr" => "tomorrow",
        "b4" => "before",
        "msg" => "message",
        "diff" => "different",
        "prob" | "probs" | "prolly" => "probably",
        "def" | "defo" | "deffo" => "definitely",
        "rly" | "rlly" => "really",
        "esp" => "especially",
        "approx" => "approximately",
        "pics" => "pictures",
        "dept" => "department",
        "intl" => "international",
        "natl" => "national",
        // "meet w/ trump": "with", not a letter weighed like a rare word.
        "w" => "with",
        // "trump n putin", "did u see", "r they talking": the function
        // words they stand for, which most texts hold and so weigh little;
        // as typed, few texts hold them and they outweigh a name.
        "n" => "and",
        "u" => "you",
        "r" => "are",
        "ur" => "your",
        "whos" => "who",
        "wheres" => "where",
        "whens" => "when",
        "hows" => "how",
        "whys" => "why",
        other => other,
    }
}

/// Words already read, for analysing many texts that share their words
/// (a fact base's): each word is stemmed once.
#[derive(Debug, Default)]
pub struct WordCache(WordMap<String, (String, bool)>);

impl WordCache {
    /// A word's stem and whether it is a stop word, read once.
    pub fn read_ref(&mut self, word: &str) -> &(String, bool) {
        if !self.0.contains_key(word) {
            self.0.insert(word.to_string(), read_word(word));
        }
        &self.0[word]
    }

    /// Every word read so far, with its stem and whether it is a stop word.
    pub fn words(&self) -> impl Iterator<Item = (&str, &str, bool)> {
        self.0
            .iter()
            .map(|(w, (stem, stop))| (w.as_str(), stem.as_str(), *stop))
    }

    fn read(&mut self, word: &str) -> (String, bool) {
        if let Some(read) = self.0.get(word) {
            return read.clone();
        }
        let read = read_word(word);
        self.0.insert(word.to_string(), read.clone());
        read
    }
}

/// [`analyze`], reading each word with `read`.
fn analyze_words(
    text: &str,
    synonyms: &Synonyms,
    max_tokens: usize,
    mut read: impl FnMut(&str) -> (String, bool),
) -> Vec<Term> {
    let mut toks = text::tokens(text);
    toks.truncate(max_tokens);
    let terms = toks
        .into_iter()
        .map(|t| match t {
            Token::Word(w) => {
                let (text, stop) = read(&w);
                Term {
                    stop,
                    text,
                    is_word: true,
                    canonical: false,
                    raw: w,
                    other_reading: None,
                }
            }
            other => Term {
                text: other.special_term().unwrap_or_default(),
                is_word: false,
                canonical: false,
                stop: false,
                raw: String::new(),
                other_reading: other.other_reading(),
            },
        })
        .collect();
    synonyms.apply(showing_as_revealing(calling_as_naming(in_as_contents(
        asking_politely_says_nothing(greetings_said_nothing(short_weekdays(terms))),
    ))))
}

/// "trump call mon", "what happened thurs": a weekday as chat shortens it,
/// which read as typed is a string no text holds, and so outweighs the
/// whole question. "sat", "sun" and "wed" are words too ("who sat down with
/// putin"), so they are read as days only where a day is said: after "on",
/// "last", "next" and the like, or ending a question ("rubio n lavrov spoke
/// sat?") after anything but who sat or "the".
fn short_weekdays(mut terms: Vec<Term>) -> Vec<Term> {
    const BEFORE_A_DAY: &[&str] = &[
        "on", "last", "this", "next", "by", "since", "until", "till", "til", "before", "after", "from", "past", "thru",
        "through",
    ];
    // Who sat, and "the sun": the word, not the day.
    const THE_WORD: &[&str] = &[
        "who", "he", "she", "they", "we", "i", "you", "u", "it", "where", "everyone", "the", "a", "an",
    ];
    let last = terms.len().saturating_sub(1);
    for i in 0..terms.len() {
        let day = match terms[i].raw.as_str() {
            "mon" => "monday",
            "tue" | "tues" => "tuesday",
            "weds" => "wednesday",
            "thu" | "thur" | "thurs" => "thursday",
            "fri" => "friday",
            short @ ("sat" | "sun" | "wed") => {
                let before = i.checked_sub(1).map_or("", |j| terms[j].raw.as_str());
                let said = BEFORE_A_DAY.contains(&before) || (i == last && i > 0 && !THE_WORD.contains(&before));
                match (short, said) {
                    (_, false) => continue,
                    ("sat", _) => "saturday",
                    ("sun", _) => "sunday",
                    _ => "wednesday",
                }
            }
            _ => continue,
        };
        terms[i] = read_as(&terms[i], day);
    }
    terms
}

/// "what's in the document", "what is actually in the bill": asked what
/// something contains, as "what are its contents" asks. With "in" a stop
/// word, the question asked only for the document, which a fact that says
/// the document exists (and that its contents are not given) answered.
fn in_as_contents(mut terms: Vec<Term>) -> Vec<Term> {
    const BE: &[&str] = &["is", "s", "was", "are", "were", "re"];
    const FOCUS: &[&str] = &["actually", "exactly", "really", "even", "all"];
    let mut contents = Vec::new();
    for i in 1..terms.len().saturating_sub(1) {
        if terms[i].raw != "in" {
            continue;
        }
        let before: Vec<&str> = terms[..i]
            .iter()
            .rev()
            .map(|t| t.raw.as_str())
            .filter(|w| !FOCUS.contains(w))
            .take(2)
            .collect();
        // "what's" may come as "what" alone, its "s" dropped.
        let asks = match before.as_slice() {
            ["whats" | "what", ..] => true,
            [be, "what", ..] => BE.contains(be),
            _ => false,
        };
        if asks {
            contents.push(i);
        }
    }
    // Beside "in", which "requirements in the document" asks with too.
    for &i in contents.iter().rev() {
        let read = read_as(&terms[i], "contents");
        terms.insert(i + 1, read);
    }
    terms
}

/// "What did the Moscow talks show", "has Russia shown any willingness":
/// "show" done by something reveals, as "reveal" does; "which show", "the
/// Sunday show" is a programme. Read as a programme, such a question was
/// matched to the facts about Rubio's TV shows. A verb is told by its form
/// ("showed", "shown", "showing") or by a word that leads a verb before it
/// ("did", "has", "to"), unless the word just before is one that leads a
/// noun ("did rubio do the sunday show"). Showing up is appearing.
fn showing_as_revealing(mut terms: Vec<Term>) -> Vec<Term> {
    const LEADS_VERB: &[&str] = &[
        "did", "didnt", "didn't", "does", "doesnt", "do", "dont", "has", "have", "had", "hasnt", "havent", "to",
        "will", "would", "could", "can", "might", "may",
    ];
    const LEADS_NOUN: &[&str] = &[
        "what",
        "which",
        "wat",
        "the",
        "a",
        "an",
        "this",
        "that",
        "his",
        "her",
        "their",
        "same",
        "tv",
        "television",
        "sunday",
        "morning",
        "news",
        "talk",
        "cbs",
        "nbc",
        "cnn",
        "fox",
        "abc",
        "two",
        "both",
        "whose",
    ];
    for i in 0..terms.len() {
        let raw = terms[i].raw.as_str();
        let previous = if i > 0 { terms[i - 1].raw.as_str() } else { "" };
        let verb = match raw {
            "showed" | "shown" | "showing" => true,
            "show" | "shows" => {
                !LEADS_NOUN.contains(&previous) && terms[..i].iter().any(|t| LEADS_VERB.contains(&t.raw.as_str()))
            }
            _ => false,
        };
        if verb {
            let up = terms.get(i + 1).is_some_and(|t| t.raw == "up");
            terms[i] = read_as(&terms[i], if up { "appear" } else { "reveal" });
        }
    }
    terms
}

/// "Rubio called the meeting promising", "did he call it a failure": "call"
/// before "the", "a" or "it" names what something is, as "describe" does,
/// unless what follows is a time or someone to ring ("call this week", "call
/// the ukrainian president"). Read as a phone call, such a question is
/// matched to the facts about calls.
fn calling_as_naming(mut terms: Vec<Term>) -> Vec<Term> {
    const CALL: &[&str] = &["call", "calls", "called", "calling"];
    const NAMING: &[&str] = &["the", "a", "an", "it", "this", "that", "his", "their", "its"];
    const RUNG: &[&str] = &[
        "week",
        "weekend",
        "day",
        "morning",
        "evening",
        "night",
        "month",
        "year",
        "time",
        "president",
        "pope",
        "leader",
        "leaders",
        "presidents",
        "next",
        "following",
        "previous",
        "last",
        "russian",
        "russians",
        "ukrainian",
        "ukrainians",
        "kremlin",
        "secretary",
        "envoy",
        "minister",
    ];
    for i in 0..terms.len().saturating_sub(1) {
        let next = terms[i + 1].raw.as_str();
        let after = terms.get(i + 2).map_or("", |t| t.raw.as_str());
        let rung = RUNG.contains(&after) || text::WEEKDAYS.contains(&after);
        if CALL.contains(&terms[i].raw.as_str()) && NAMING.contains(&next) && !rung {
            terms[i] = read_as(&terms[i], "describe");
        }
    }
    terms
}

/// `term`, read as `word` instead of what was typed: "call" read as
/// "describe", "show" as "reveal".
fn read_as(term: &Term, word: &str) -> Term {
    let (text, stop) = read_word(word);
    Term {
        text,
        stop,
        raw: word.to_string(),
        ..term.clone()
    }
}

/// "Could you tell me", "do you know", "I'd like to know": the words that
/// ask politely say nothing of what is asked, yet in a short question they
/// weigh as much as the rest ("could you tell me who met putin" read
/// "could" and "tell" as the question and found "Where could Zelensky sit
/// down with Putin?"). They are left out; "explain" and "summarise", which
/// ask for a kind of answer, are not among them. So are the idiom's words in
/// "what's the deal with ..." and "what's up with ...", which ask about what
/// follows: "deal" is no agreement there, and read as one it answered a
/// question about the sanctions exemption with the byline of a sanctions
/// story. And so is hearsay relayed ("my uncle keeps saying ...", "my cousin
/// says ..."): "uncle", a word the base has never seen, weighed more than
/// the rest of the question. And so are the words that ask which outlet ran
/// a story ("which outlet ran the story about ..."): see [`asks_outlet`].
fn asking_politely_says_nothing(terms: Vec<Term>) -> Vec<Term> {
    let raw: Vec<&str> = terms.iter().map(|t| t.raw.as_str()).collect();
    let polite = polite_words(&raw);
    terms
        .into_iter()
        .zip(polite)
        .filter(|(_, polite)| !polite)
        .map(|(t, _)| t)
        .collect()
}

/// Which of `words` (lower-case, as typed) only ask politely: see
/// [`asking_politely_says_nothing`]. The matcher also leaves them out when it
/// compares how a question reads with the stored questions.
pub fn polite_words(words: &[&str]) -> Vec<bool> {
    const MODAL: &[&str] = &["can", "could", "would", "will"];
    const ASKED: &[&str] = &["you", "u", "ya", "someone", "somebody", "anyone", "anybody"];
    const PLEASE: &[&str] = &["please", "pls", "plz"];
    const TELL: &[&str] = &["tell", "remind"];
    const TOLD: &[&str] = &["me", "us"];
    const KNOW: &[&str] = &["do", "does"];
    const RELAYS: &[&str] = &[
        "says", "said", "saying", "thinks", "thought", "claims", "claimed", "told", "reckons", "insists",
    ];
    const NEXT: &[&str] = &[
        "who", "whom", "whose", "what", "whats", "when", "where", "why", "how", "which", "if", "whether", "about",
    ];
    let mut polite = vec![false; words.len()];
    let mut i = 0;
    while i < words.len() {
        let at = |k: usize| words.get(i + k).copied().unwrap_or("");
        // "what's the deal with ...", "what's up with ...": an idiom that
        // asks about what follows; "deal" is no agreement there.
        let idiom = match (at(0), at(1), at(2)) {
            ("the", "deal", "with") if asks_what(&words[..i]) => 3,
            ("up", "with", _) if asks_what(&words[..i]) => 2,
            // "what is rubio hoping for when it comes to the vatican": about
            // the Vatican; no time is asked.
            ("when", "it", "comes" | "came") if at(3) == "to" => 4,
            ("in", "terms", "of") => 3,
            _ => 0,
        };
        // "my uncle keeps saying ...", "my cousin says ...": hearsay
        // relayed, whose teller is no part of what is asked.
        let keeps = usize::from(matches!(at(2), "keeps" | "kept"));
        let hearsay = at(0) == "my" && RELAYS.contains(&at(2 + keeps)) && !at(3 + keeps).is_empty();
        let mut k = 0;
        // "can you (please) tell me", "could someone remind us"
        if MODAL.contains(&at(0)) && ASKED.contains(&at(1)) {
            k = 2;
            if PLEASE.contains(&at(k)) {
                k += 1;
            }
            if TELL.contains(&at(k)) {
                k += 1;
                if TOLD.contains(&at(k)) {
                    k += 1;
                } else if !NEXT.contains(&at(k)) {
                    // "could you tell the difference": telling is asked.
                    k = 0;
                }
            } else {
                k = 0;
            }
        } else if idiom > 0 {
            k = idiom;
        } else if let Some(frame) = asks_outlet(&words[i..]) {
            k = frame;
        } else if hearsay {
            k = 3 + keeps;
        // "(please) tell me who ..."
        } else if TELL.contains(&at(0)) && at(1) == "me" && NEXT.contains(&at(2)) {
            k = 2;
        // "do you know who ...", "does anyone know if ..."
        } else if KNOW.contains(&at(0)) && ASKED.contains(&at(1)) && at(2) == "know" && NEXT.contains(&at(3)) {
            k = 3;
        // "i'd like to know"
        } else if matches!(at(0), "i'd" | "id") && at(1) == "like" && at(2) == "to" && at(3) == "know" {
            k = 4;
        // "i want to know", "i would like to know", "i wanna know"
        } else if at(0) == "i" {
            let want = match (at(1), at(2)) {
                ("want" | "need", "to") => 3,
                ("would" | "d", "like") if at(3) == "to" => 4,
                ("wanna", _) => 2,
                _ => 0,
            };
            if want > 0 && at(want) == "know" {
                k = want + 1;
            }
        }
        if k > 0 {
            polite[i..i + k].fill(true);
            i += k;
        } else {
            i += 1;
        }
    }
    // Numbers and dates have no word as typed: they are no part of a tag.
    let typed: Vec<usize> = (0..words.len()).filter(|&i| !words[i].is_empty()).collect();
    let typed_words: Vec<&str> = typed.iter().map(|&i| words[i]).collect();
    // Something must be left to confirm.
    if let Some(tag) = confirming_tag(&typed_words).filter(|tag| words.len() >= tag + 3) {
        for &i in &typed[typed.len() - tag..] {
            polite[i] = true;
        }
    }
    polite
}

/// How many words at the end of `words` only ask to have what came before
/// confirmed: "... right?", "... is that true?", "... correct?". "right"
/// weighed as much as a rare word ("zelenski accepted a ceasefire right?"
/// read as a question about being right); it is kept where it is asked
/// about ("who's right", "the right to", "is it right").
fn confirming_tag(words: &[&str]) -> Option<usize> {
    const CONFIRM: &[&str] = &["right", "true", "correct"];
    const NOT_A_TAG_AFTER: &[&str] = &[
        "the", "a", "an", "my", "your", "his", "her", "their", "its", "our", "who", "whos", "which", "whose", "all",
        "be", "been", "is", "was", "it", "not", "were", "are", "isnt", "wasnt",
    ];
    // "... isn't it", "... didn't he": a negative question tag, as typed
    // without its apostrophe.
    const NEGATIVE_AUXILIARIES: &[&str] = &[
        "isnt", "wasnt", "arent", "werent", "didnt", "doesnt", "dont", "hasnt", "havent", "hadnt", "wont", "wouldnt",
        "cant", "couldnt", "shouldnt", "aint",
    ];
    const TAG_SUBJECTS: &[&str] = &["it", "he", "she", "they", "we", "you", "there", "i", "that"];
    // "... i think": the asker's own doubt, closing what they ask about.
    const HEDGES: &[&str] = &["think", "guess", "believe", "reckon", "thought"];
    let tag = match words {
        [.., "yes", "or", "no"] => 3,
        [.., auxiliary, subject] if NEGATIVE_AUXILIARIES.contains(auxiliary) && TAG_SUBJECTS.contains(subject) => 2,
        [.., "i", hedge] if HEDGES.contains(hedge) => 2,
        [.., "is" | "was" | "isnt" | "wasnt", "that", last] if CONFIRM.contains(last) => 3,
        [.., "that", last] if CONFIRM.contains(last) => 2,
        [.., before, last] if CONFIRM.contains(last) && !NOT_A_TAG_AFTER.contains(before) => 1,
        _ => return None,
    };
    Some(tag)
}

/// News outlets as a question names them: "which outlet", "what paper".
const OUTLET_NOUNS: &[&str] = &[
    "outlet",
    "outlets",
    "publication",
    "paper",
    "newspaper",
    "site",
    "website",
    "agency",
    "org",
];

/// What an outlet does with a story.
const PUBLISHING: &[&str] = &[
    "ran",
    "run",
    "runs",
    "published",
    "publish",
    "publishes",
    "covered",
    "covers",
    "cover",
    "reported",
    "reports",
    "carried",
    "carries",
    "printed",
    "wrote",
    "writes",
    "said",
    "says",
];

/// "Which outlet ran ...", "what paper reported ...", "what outlet is ...
/// from": the words that ask which outlet published a story, when they
/// open these words, as many as they are. The outlet is in every answer's
/// citation, so the question is about the story that follows; read as
/// words, "outlet" and "ran" are missing from every fact and "published"
/// leads to the facts about who wrote the articles.
fn asks_outlet(words: &[&str]) -> Option<usize> {
    let at = |k: usize| words.get(k).copied().unwrap_or("");
    if !matches!(at(0), "which" | "what" | "whats") {
        return None;
    }
    let noun = 1 + usize::from(at(1) == "news" && OUTLET_NOUNS.contains(&at(2)));
    if !OUTLET_NOUNS.contains(&at(noun)) {
        return None;
    }
    let verb = noun + 1;
    if PUBLISHING.contains(&at(verb)) {
        Some(verb + 1 + usize::from(at(verb + 1) == "up"))
    } else if matches!(at(verb), "is" | "was") {
        Some(verb + 1)
    } else {
        None
    }
}

/// Whether a normalized question asks which outlet published a story
/// ("so which outlet ran the rubio story").
pub fn asks_which_outlet(question: &str) -> bool {
    let words: Vec<&str> = question.split(' ').collect();
    (0..words.len()).any(|i| asks_outlet(&words[i..]).is_some())
}

/// What a question may call the articles it asks across ("both articles",
/// "each story", "both interviews").
const ARTICLE_NOUNS: &[&str] = &[
    "article",
    "articles",
    "articel",
    "articels",
    "piece",
    "pieces",
    "story",
    "stories",
    "storys",
    "report",
    "reports",
    "interview",
    "interviews",
    "source",
    "sources",
    "outlet",
    "outlets",
];

/// Whether a normalized question asks across the articles, each of them
/// or the two together ("was a call expected in both articles", "who wrote
/// each of the two articles", "across these stories", "when was it
/// expected each time"): what one article's fact says answers it only in
/// part. Picking one of them ("which of the two articles ...") or any
/// ("did either article say") is not.
pub fn asks_across_articles(question: &str) -> bool {
    let words: Vec<&str> = question.split(' ').collect();
    let at = |k: usize| words.get(k).copied().unwrap_or("");
    // The article noun among the next few words, past "of", "the", "these".
    let names_articles = |from: usize, reach: usize| {
        (from..from + reach)
            .map(at)
            .find(|w| !matches!(*w, "of" | "the" | "these" | "those" | "two" | "2"))
            .is_some_and(|w| ARTICLE_NOUNS.contains(&w))
    };
    (0..words.len()).any(|i| {
        let picks_one = i >= 2 && matches!(at(i - 2), "which" | "what") && at(i - 1) == "of"
            || i >= 3 && matches!(at(i - 3), "which" | "what") && at(i - 2) == "of" && at(i - 1) == "the";
        match at(i) {
            "both" => !picks_one && (names_articles(i + 1, 3) || i + 1 == words.len()),
            "each" => names_articles(i + 1, 3) || at(i + 1) == "time",
            "two" | "2" => !picks_one && names_articles(i + 1, 1),
            "across" => names_articles(i + 1, 3),
            _ => false,
        }
    })
}

/// Whether these words end with "what", "whats" or "what is" ("what's" is
/// read "what" by the analyser, the "'s" dropped as a possessive's, and
/// "what s" where punctuation splits words).
fn asks_what(words: &[&str]) -> bool {
    match words {
        [.., "what", "is" | "s"] => true,
        [.., last] => matches!(*last, "what" | "whats"),
        [] => false,
    }
}

/// The times of day a greeting wishes a good one ("good afternoon").
const GREETING_TIMES: &[&str] = &["morning", "afternoon", "evening"];

/// "Good afternoon" opens a polite question and says nothing of what it
/// asks; read as words, "afternoon" is a noun the base has never seen and
/// would sink the question. Both words are left out.
fn greetings_said_nothing(mut terms: Vec<Term>) -> Vec<Term> {
    let mut i = 1;
    while i < terms.len() {
        if terms[i - 1].raw == "good" && GREETING_TIMES.contains(&terms[i].raw.as_str()) {
            terms.drain(i - 1..=i);
        } else {
            i += 1;
        }
    }
    terms
}

/// Terms to index for a stored text: analysed, stop words gone, each once.
pub fn index_terms(text: &str, synonyms: &Synonyms) -> Vec<String> {
    index_terms_and_stops(text, synonyms)
        .into_iter()
        .filter(|(_, stop)| !stop)
        .map(|(t, _)| t)
        .collect()
}

/// Every term of a stored text, each once, and whether it is a stop word:
/// stop words are indexed too, at a small weight, since in some questions
/// they are all there is ("hi", "what does it mean").
pub fn index_terms_and_stops(text: &str, synonyms: &Synonyms) -> Vec<(String, bool)> {
    index_terms_and_stops_cached(text, synonyms, &mut WordCache::default())
}

/// [`index_terms_and_stops`], reading words through `cache`.
pub fn index_terms_and_stops_cached(text: &str, synonyms: &Synonyms, cache: &mut WordCache) -> Vec<(String, bool)> {
    let mut seen: Vec<(String, bool)> = Vec::new();
    for t in analyze_words(text, synonyms, usize::MAX, |w| cache.read(w)) {
        if !seen.iter().any(|(s, _)| *s == t.text) {
            seen.push((t.text, t.stop));
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Location;

    fn groups(list: &[&[&str]]) -> Vec<SynonymGroup> {
        list.iter()
            .map(|terms| SynonymGroup {
                terms: terms.iter().map(|t| t.to_string()).collect(),
                location: Location {
                    file: "synonyms.toml".into(),
                    line: 1,
                    column: 1,
                },
            })
            .collect()
    }

    #[test]
    fn a_greeting_is_not_part_of_the_question() {
        let none = Synonyms::default();
        let texts = |q: &str| analyze(q, &none, 64).into_iter().map(|t| t.text).collect::<Vec<_>>();
        let asked = texts("What conditions has Russia set?");
        assert_eq!(texts("Good afternoon. What conditions has Russia set?"), asked);
        assert_eq!(texts("good morning, what conditions has Russia set?"), asked);
        // Good and a time of day apart are words like any other.
        assert!(texts("was the morning good for kyiv").contains(&"morn".to_string()));
    }

    #[test]
    fn synonyms_fold_words_and_phrases_into_one_term() {
        let syn = Synonyms::new(&groups(&[
            &["prisoner", "pow", "prisoners of war"],
            &["exchange", "swap"],
        ]));
        // A group is named by the stem of its first member.
        let named = vec![text::stem("prisoner"), text::stem("exchange")];
        assert_eq!(index_terms("POWs swapped", &syn), named);
        assert_eq!(index_terms("the prisoners of war exchanges", &syn), named);
    }

    #[test]
    fn the_words_that_ask_politely_are_left_out() {
        let syn = Synonyms::default();
        for (polite, bare) in [
            ("could you please tell me who met putin", "who met putin"),
            (
                "Good afternoon. Can someone remind me when the talks were?",
                "when the talks were?",
            ),
            ("tell me what rubio said", "what rubio said"),
            ("do you know if the senate voted", "if the senate voted"),
            ("i would like to know where they met", "where they met"),
            ("I'd like to know where they met", "where they met"),
            ("i wanna know who met putin", "who met putin"),
        ] {
            assert_eq!(index_terms(polite, &syn), index_terms(bare, &syn), "{polite}");
        }
        // Hearsay relayed: the teller is not asked about.
        for (relayed, bare) in [
            ("my uncle keeps saying the us cut ukraine off", "the us cut ukraine off"),
            (
                "my cousin says rubio called it a disaster",
                "rubio called it a disaster",
            ),
            ("my friend told me witkoff met putin", "witkoff met putin"),
        ] {
            assert_eq!(index_terms(relayed, &syn), index_terms(bare, &syn), "{relayed}");
        }
        assert!(index_terms("what did my uncle say", &syn).contains(&text::stem("uncle")));
        // An idiom asking about what follows.
        for (idiom, bare) in [
            ("whats the deal with the exemption", "whats the exemption"),
            ("what's the deal with the exemption", "what's the exemption"),
            ("what is up with the vatican", "what is the vatican"),
            // No time asked, nor terms.
            (
                "what does rubio hope for when it comes to the vatican",
                "what does rubio hope for the vatican",
            ),
            (
                "how is russia doing in terms of sanctions",
                "how is russia doing sanctions",
            ),
        ] {
            assert_eq!(index_terms(idiom, &syn), index_terms(bare, &syn), "{idiom}");
        }
        assert_eq!(
            polite_words(&["what", "s", "the", "deal", "with", "it"]),
            [false, false, true, true, true, false]
        );
        // Asking which outlet published a story: the story is what is asked
        // about, and the question still asks for an outlet.
        for (frame, bare) in [
            (
                "which outlet ran the story about rubio in rome",
                "the story about rubio in rome",
            ),
            (
                "what news site wrote up the face the nation interview",
                "the face the nation interview",
            ),
            (
                "so what paper is the face the nation article from",
                "so the face the nation article from",
            ),
        ] {
            assert_eq!(index_terms(frame, &syn), index_terms(bare, &syn), "{frame}");
            assert!(asks_which_outlet(frame), "{frame}");
        }
        // An outlet the story names is asked about as any word is.
        for kept in ["which outlet did witkoff talk to", "what network aired meet the press"] {
            assert!(!asks_which_outlet(kept), "{kept}");
            assert!(
                polite_words(&kept.split(' ').collect::<Vec<_>>()).iter().all(|p| !p),
                "{kept}"
            );
        }
        // A deal asked about.
        for kept in [
            "is the deal with russia done",
            "what deal did they make",
            "the deal with russia?",
        ] {
            assert!(index_terms(kept, &syn).contains(&text::stem("deal")), "{kept}");
        }
        // Telling as what someone did, and a request with nothing asked after it.
        for kept in [
            "what did putin tell trump",
            "could you tell the difference",
            "tell me a joke",
        ] {
            assert!(index_terms(kept, &syn).contains(&text::stem("tell")), "{kept}");
        }
    }

    #[test]
    fn calling_something_a_name_is_describing_it_not_a_phone_call() {
        let syn = Synonyms::new(&groups(&[&["phone call", "call", "phone"]]));
        let phone = "phone_call".to_string();
        let describe = text::stem("describe");
        for q in ["did rubio call the meeting promising", "who called it a failure"] {
            let terms = index_terms(q, &syn);
            assert!(terms.contains(&describe) && !terms.contains(&phone), "{q}: {terms:?}");
        }
        for q in [
            "will trump call putin",
            "a call this week",
            "is trump calling the ukrainian president",
            "the monday call",
        ] {
            let terms = index_terms(q, &syn);
            assert!(terms.contains(&phone) && !terms.contains(&describe), "{q}: {terms:?}");
        }
    }

    #[test]
    fn what_talks_show_is_what_they_reveal_and_a_sunday_show_is_a_programme() {
        let syn = Synonyms::default();
        let show = text::stem("show");
        let reveal = text::stem("reveal");
        for q in [
            "what did the witkoff talks show about russia",
            "has the russian side shown any willingness",
            "what did rubio say the moscow talks showed",
            "russia has to show it is serious",
        ] {
            let terms = index_terms(q, &syn);
            assert!(terms.contains(&reveal) && !terms.contains(&show), "{q}: {terms:?}");
        }
        let terms = index_terms("why didnt putin show up to the talks", &syn);
        assert!(
            terms.contains(&text::stem("appear")) && !terms.contains(&reveal),
            "{terms:?}"
        );
        for q in [
            "which show was rubio on",
            "what tv show did rubio go on",
            "did rubio do the sunday show",
            "rubio interviews which shows",
        ] {
            let terms = index_terms(q, &syn);
            assert!(terms.contains(&show) && !terms.contains(&reveal), "{q}: {terms:?}");
        }
    }

    #[test]
    fn a_phrase_that_spells_a_number_is_the_phrase_not_the_number() {
        let syn = Synonyms::new(&groups(&[
            &["plan a", "phase one", "first phase"],
            &["one-on-one", "one on one"],
        ]));
        let plan_a = vec![text::stem("plan") + "_" + &text::stem("a")];
        assert_eq!(index_terms("phase one", &syn), plan_a);
        assert_eq!(index_terms("the first phase", &syn), plan_a);
        let one_on_one = index_terms("one-on-one", &syn);
        assert_eq!(index_terms("talk one on one", &syn)[1..], one_on_one[..]);
        assert!(!one_on_one.contains(&"#1".to_string()), "{one_on_one:?}");
        // The number alone is still the number.
        assert_eq!(index_terms("one", &syn), vec!["#1".to_string()]);
    }

    #[test]
    fn a_phrase_typed_with_slips_is_still_the_phrase() {
        let syn = Synonyms::new(&groups(&[
            &["face the nation", "ftn"],
            &["rubio", "marco rubio"],
            &["cbs", "cbs news"],
            &["agree", "say yes"],
            &["meet the press"],
        ]));
        let read = |q: &str| -> Vec<String> { analyze(q, &syn, 64).into_iter().map(|t| t.text).collect() };
        // In a phrase of two words, a stop word must be exact: "hes" (he's)
        // is no slip for "yes".
        assert_eq!(read("did he say yes"), ["do", "he", "agre"]);
        assert!(!read("does rubio say hes sure").contains(&"agre".to_string()));
        // In a phrase of three words, a stop word one slip off is the phrase's.
        assert_eq!(read("eet he press"), [stems("meet the press").join("_")]);
        let ftn = stems("face the nation").join("_");
        assert_eq!(read("rubio on fcae te natio"), ["rubio", "on", ftn.as_str()]);
        assert_eq!(read("face the nationn"), [ftn.as_str()]);
        // Two words, both off: as likely two other words as the phrase.
        assert_eq!(read("marcp rubi").len(), 2);
        // A short word that is no stop word must be exact.
        assert_eq!(read("cbd news").len(), 2);
        assert_eq!(read("cbs newz"), [stems("cbs").join("_")]);
    }

    #[test]
    fn a_word_only_found_inside_phrases_leads_to_their_groups() {
        let syn = Synonyms::new(&groups(&[
            &["witkoff", "steve witkoff"],
            &["rubio", "marco rubio", "secretary rubio"],
            &["secretary of state", "us top diplomat"],
            &["prisoner", "prisoners of war"],
        ]));
        let part = |w: &str| syn.groups_with_part(&text::stem(w)).to_vec();
        assert_eq!(part("steve"), vec![text::stem("witkoff")]);
        assert_eq!(part("marco"), vec![text::stem("rubio")]);
        // In two groups' phrases: both.
        assert_eq!(part("secretary").len(), 2);
        // A member on its own, and stop words, are not parts.
        assert!(part("prisoners").is_empty());
        assert!(part("of").is_empty());
        assert!(part("putin").is_empty());
    }

    #[test]
    fn contractions_typed_without_apostrophes_read_as_what_they_stand_for() {
        let syn = Synonyms::default();
        assert_eq!(index_terms("whos rubio", &syn), index_terms("who's rubio", &syn));
        assert_eq!(index_terms("wheres rubio", &syn), index_terms("where is rubio", &syn));
        // Chat's "when" asks a time as "when" does.
        assert_eq!(
            index_terms("wen did kyiv agree", &syn),
            index_terms("when did kyiv agree", &syn)
        );
        // Negations are function words, like "not".
        assert_eq!(
            index_terms("didnt rubio meet lavrov", &syn),
            index_terms("did rubio meet lavrov", &syn)
        );
    }

    #[test]
    fn a_shortened_weekday_is_the_day_where_a_day_is_said() {
        let syn = Synonyms::default();
        let day = |q: &str, full: &str| assert_eq!(index_terms(q, &syn), index_terms(full, &syn), "{q}");
        day("trump call mon", "trump call monday");
        day("what happened thurs", "what happened thursday");
        day("talks on tues or fri", "talks on tuesday or friday");
        day("rubio n lavrov spoke sat?", "rubio and lavrov spoke saturday?");
        day(
            "did rubio speak to lavrov on sat",
            "did rubio speak to lavrov on saturday",
        );
        day("interview last sun", "interview last sunday");
        // "sat", "sun" and "wed" are words as well as days.
        let sat = index_terms("who sat down with putin", &syn);
        assert!(sat.contains(&text::stem("sit")), "{sat:?}");
        assert!(!index_terms("where they sat", &syn).contains(&text::stem("saturday")));
        assert!(!index_terms("the officials that sat down with witkoff", &syn).contains(&text::stem("saturday")));
        assert!(!index_terms("the sun", &syn).contains(&text::stem("sunday")));
    }

    #[test]
    fn chat_shorthand_reads_as_the_words_it_stands_for() {
        let syn = Synonyms::default();
        assert_eq!(
            index_terms("was the swap 1000 ppl", &syn),
            index_terms("was the swap 1000 people", &syn)
        );
        assert_eq!(
            index_terms("what did the govt do b4 the talks", &syn),
            index_terms("what did the government do before the talks", &syn)
        );
        assert_eq!(index_terms("how many yrs", &syn), index_terms("how many years", &syn));
        assert_eq!(
            index_terms("i keep seeing diff things, prob wrong", &syn),
            index_terms("i keep seeing different things, probably wrong", &syn)
        );
        // "n", "u", "r": the function words chat shortens them from.
        assert_eq!(
            index_terms("r u sure trump n putin spoke", &syn),
            index_terms("are you sure trump and putin spoke", &syn)
        );
        // "w" and "w/" are "with", a function word, not a name.
        assert_eq!(
            index_terms("did rubio speak w lavrov", &syn),
            index_terms("did rubio speak with lavrov", &syn)
        );
        assert_eq!(index_terms("meet w/ trump", &syn), index_terms("meet trump", &syn));
        // "would" typed as chat types it is the function word it stands for.
        assert_eq!(
            index_terms("what wud it take", &syn),
            index_terms("what would it take", &syn)
        );
        // Shorthand no word list has: not a word the sources lack.
        for (typed, plain) in [
            (
                "is the us tryna figure out if putin is serious",
                "is the us figure out if putin is serious",
            ),
            ("is trump finna call putin", "is trump call putin"),
            ("smh the senate shoulda voted", "the senate voted"),
        ] {
            assert_eq!(index_terms(typed, &syn), index_terms(plain, &syn), "{typed}");
        }
    }

    #[test]
    fn what_is_in_something_asks_for_its_contents() {
        let syn = Synonyms::default();
        let contents = text::stem("contents");
        for asked in [
            "whats actually in the document russia is preparing",
            "what's in the sanctions bill",
            "what exactly is in russia's list of requirements",
            "what was in the document",
        ] {
            assert!(index_terms(asked, &syn).contains(&contents), "{asked}");
        }
        for other in [
            "what did russia put in the document",
            "who was in moscow",
            "what happened in march",
            "what is russia preparing",
        ] {
            assert!(!index_terms(other, &syn).contains(&contents), "{other}");
        }
    }

    #[test]
    fn a_question_across_both_articles_is_told_from_one_asking_of_either() {
        for across in [
            "was a trump putin phone call expected in both articles",
            "in both articles is a trump putin phone call expected",
            "who wrote each of the two articles",
            "which russian officials did the americans talk to across both articles",
            "both articles talk about a call when was it expected each time",
            "does rubio sound urgent in both interviews",
            "which american oficials show up in these two articles",
            "what conditions has russia put on a ceasefire in both",
        ] {
            assert!(asks_across_articles(across), "{across}");
        }
        for one in [
            "which of the two articles mentions the vatican",
            "did either article say whether russia would go along",
            "whos the secretary of state in these articles",
            "rubio went on two different cbs shows which ones",
            "did both sides agree to the ceasefire",
            "what did each side give up",
        ] {
            assert!(!asks_across_articles(one), "{one}");
        }
    }

    #[test]
    fn a_tag_asking_to_have_it_confirmed_asks_nothing_more() {
        let syn = Synonyms::default();
        for (tagged, plain) in [
            ("zelenski accepted a ceasefire right", "zelenski accepted a ceasefire"),
            ("1000 prisoners swapped is that right", "1000 prisoners swapped"),
            (
                "rubio said patience is needed, correct?",
                "rubio said patience is needed",
            ),
            ("the senate has 77 votes, that true?", "the senate has 77 votes"),
            ("did russia agree to 30 days yes or no", "did russia agree to 30 days"),
            (
                "trumps call with putin is tuesday isnt it",
                "trumps call with putin is tuesday",
            ),
            ("witkoff met putin in march didnt he", "witkoff met putin in march"),
            (
                "rubio talked to lavrov friday i think?",
                "rubio talked to lavrov friday",
            ),
        ] {
            assert_eq!(index_terms(tagged, &syn), index_terms(plain, &syn), "{tagged}");
        }
        // Being right, asked about.
        for kept in [
            "who's right",
            "was rubio right",
            "is the us doing what is right",
            "did they get it right",
            "is that right",
            "the right to",
        ] {
            assert!(index_terms(kept, &syn).contains(&text::stem("right")), "{kept}");
        }
        // A tag needs something before it to confirm: this asks it.
        assert!(index_terms("what do i think", &syn).contains(&text::stem("think")));
    }

    #[test]
    fn stop_words_are_in_order_for_searching() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stop_words_are_dropped_but_question_words_stay() {
        let syn = Synonyms::default();
        assert_eq!(
            index_terms("Who did Putin meet on the 13th of March?", &syn),
            vec!["who", "putin", "meet", "@03-13"]
        );
        // Contractions typed without the apostrophe are the words they join:
        // a base that once wrote "they're" holds "theyre" as a rare word.
        for (contracted, bare) in [
            (
                "has russia said they're willing to meet",
                "has russia said willing to meet",
            ),
            ("theyll meet on monday", "meet on monday"),
            ("youve seen the headline", "seen the headline"),
            // "re" is "about" in chat, no word of its own.
            ("what did rubio say re the vatican", "what did rubio say the vatican"),
            // "even" as chat uses it stresses the question, like "actually":
            // rare in the base, it had weighed more than "want" or "putin".
            ("does trump even want to meet putin", "does trump want to meet putin"),
        ] {
            assert_eq!(index_terms(contracted, &syn), index_terms(bare, &syn), "{contracted}");
        }
    }
}
