//! What the matcher knows of English beyond the fact base: how common a word
//! is, what part of speech it usually is, its base form, and which words mean
//! nearly the same.
//!
//! The data ships inside the binary (`english.tsv`, `related.txt`, made by
//! `make-data.py` from SymSpell's frequency list and WordNet 3.0; see
//! `LICENSES.md`). Parsing it takes a few milliseconds, once per process.
//! The logic takes plain text, so tests build small lexicons inline.

use std::sync::OnceLock;

use super::fuzzy::FuzzyWords;
use super::hash::WordMap;

/// One English word: how common it is and how it is used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordInfo {
    /// log10 of its count in the frequency list (about 10 for "the", 4.6 for
    /// the rarest words kept).
    pub log_count: f32,
    /// Tagged senses per part of speech in WordNet (noun, verb, adjective,
    /// adverb), each `None` when the word is never that part of speech.
    pub noun: Option<u16>,
    pub verb: Option<u16>,
    pub adjective: Option<u16>,
    pub adverb: Option<u16>,
    /// Its base form when it is an inflection ("went" -> "go").
    pub base: Option<String>,
    /// Synonym sets it belongs to (indexes into the lexicon's sets).
    sets: Vec<u32>,
}

impl WordInfo {
    /// Share of the word's use that is as a noun, in [0, 1]; 0 for words
    /// with no content sense at all ("the", "gonna").
    pub fn noun_share(&self) -> f32 {
        let weigh = |n: Option<u16>| n.map_or(0.0, |n| n as f32 + 0.5);
        let total = weigh(self.noun) + weigh(self.verb) + weigh(self.adjective) + weigh(self.adverb);
        if total == 0.0 {
            0.0
        } else {
            weigh(self.noun) / total
        }
    }

    /// Whether the word has any sense in WordNet (function words and chat
    /// shorthand have none).
    pub fn is_content_word(&self) -> bool {
        self.noun.is_some() || self.verb.is_some() || self.adjective.is_some() || self.adverb.is_some()
    }
}

/// What a word that is never a noun ("reckon", "eat") says, as a share of
/// what a noun as rare says. Chosen on the dev question sets: 0.15 let a
/// near miss whose asked verb the base lacks ("what did witkoff eat in
/// moscow") through; 0.45 and above did equally well (right answers minus
/// twice the wrong ones over the dev sets 241 at 0.15, 246 at 0.3, 247 at
/// 0.45, 0.6 and 1.0), and CLINC150 `val` was level.
const VERB_SHARE: f32 = 0.45;

/// How much a lone letter unknown to the fact base says.
const LONE_LETTER_INFORMATIVENESS: f32 = 0.05;

/// A word with no sense in WordNet that English uses at least 10^8 times
/// (in SymSpell's counts) is a function word, not a name. Below that the
/// words without a sense are names ("steve" 10^7.6, "vladimir" 10^6.5,
/// "biden" 10^5.7), brands and abbreviations: the function and chat words
/// among them ("per", "via", "nah", "outta") are stop words instead. 10^6
/// made "steve" and "vladimir" weigh as little as a verb.
const COMMON_NO_SENSE_LOG: f32 = 8.0;

/// English words, their frequencies and synonym sets.
#[derive(Debug, Default)]
pub struct Lexicon {
    words: WordMap<String, WordInfo>,
    sets: Vec<Vec<String>>,
    /// The real words, for correcting misspellings; built on first use.
    real: OnceLock<FuzzyWords>,
}

/// Count (log10) above which a word is common enough that, when it appears
/// in a question, it is taken as written rather than as a misspelling of a
/// fact-base word: "tanks" is not "thanks".
const REAL_WORD_LOG_COUNT: f32 = 5.0;

impl Lexicon {
    /// The English lexicon bundled with the binary.
    pub fn english() -> &'static Lexicon {
        static ENGLISH: OnceLock<Lexicon> = OnceLock::new();
        ENGLISH.get_or_init(|| Lexicon::from_data(include_str!("english.tsv"), include_str!("related.txt")))
    }

    /// Builds a lexicon from the two data files' text (lines starting with
    /// `#` are comments). Malformed lines are skipped: the data is generated.
    pub fn from_data(english: &str, related: &str) -> Lexicon {
        let mut words = WordMap::default();
        for line in english.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let (Some(word), Some(count)) = (fields.next(), fields.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u32>() else {
                continue;
            };
            let mut info = WordInfo {
                log_count: count as f32 / 100.0,
                ..WordInfo::default()
            };
            for tag in fields.next().unwrap_or("").split_whitespace() {
                let (kind, n) = tag.split_at(1);
                let n = n.parse::<u16>().ok();
                match kind {
                    "n" => info.noun = n,
                    "v" => info.verb = n,
                    "a" => info.adjective = n,
                    "r" => info.adverb = n,
                    _ => {}
                }
            }
            info.base = fields.next().filter(|b| !b.is_empty()).map(str::to_string);
            words.insert(word.to_string(), info);
        }
        let mut sets = Vec::new();
        for line in related.lines().filter(|l| !l.starts_with('#')) {
            let set: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            if set.len() < 2 {
                continue;
            }
            let id = sets.len() as u32;
            for w in &set {
                if let Some(info) = words.get_mut(w) {
                    info.sets.push(id);
                }
            }
            sets.push(set);
        }
        Lexicon {
            words,
            sets,
            real: OnceLock::new(),
        }
    }

    pub fn get(&self, word: &str) -> Option<&WordInfo> {
        self.words.get(word)
    }

    /// Whether a word, as typed, is an English word common enough to be
    /// meant as written.
    pub fn is_real_word(&self, word: &str) -> bool {
        self.words.get(word).is_some_and(|w| w.log_count >= REAL_WORD_LOG_COUNT)
    }

    /// The real words one edit from a misspelt one, with the edits it takes
    /// and the similarity. Only one: a word two edits from English is more
    /// often a name or a word of the fact base than a slip.
    pub fn nearest_real(&self, word: &str) -> Vec<(&str, usize, f32)> {
        let real = self.real_words();
        real.nearest_within(word, 1)
            .into_iter()
            .map(|n| (real.word(n.id), n.edits, n.similarity))
            .collect()
    }

    /// What a string that is no English word at all most likely was, by one
    /// of the slips [`super::fuzzy::slips`] lists: the commonest real word
    /// among them, or failing any, a word `known` (the fact base's) accepts.
    /// `None` for a word the lexicon has (a name, or a word meant as typed).
    pub fn slip_reading(&self, typed: &str, known: impl Fn(&str) -> bool) -> Option<String> {
        if self.is_real_word(typed) {
            return None;
        }
        let slips = super::fuzzy::slips(typed);
        let real = slips.iter().filter(|w| self.is_real_word(w)).max_by(|a, b| {
            self.words[a.as_str()]
                .log_count
                .total_cmp(&self.words[b.as_str()].log_count)
                .then(b.cmp(a))
        });
        real.or_else(|| slips.iter().find(|w| known(w))).cloned()
    }

    /// The look-up of real words, built on first use (tens of milliseconds):
    /// [`Lexicon::warm`] builds it ahead, so no question waits for it.
    fn real_words(&self) -> &FuzzyWords {
        self.real.get_or_init(|| {
            let mut words: Vec<&String> = self
                .words
                .iter()
                .filter(|(_, i)| i.log_count >= REAL_WORD_LOG_COUNT)
                .map(|(w, _)| w)
                .collect();
            words.sort();
            let mut set = FuzzyWords::default();
            for w in words {
                set.add(w);
            }
            set
        })
    }

    /// Builds everything built on first use, so that the first question
    /// costs what any other does.
    pub fn warm(&self) {
        self.real_words();
    }

    /// log10 count of a word, for choosing between corrections; `None` when
    /// the lexicon does not have it.
    pub fn log_count(&self, word: &str) -> Option<f32> {
        self.words.get(word).map(|w| w.log_count)
    }

    /// How much a word the fact base has never seen says about what the
    /// question is about, in [0, 1]: rare nouns a lot ("tanks", "australia"),
    /// everyday verbs and adverbs little ("reckon", "supposed"). `None` when
    /// the word has no sense in WordNet: a name ("biden") most likely, since
    /// function words and chat shorthand ("gonna") are stop words.
    pub fn informativeness(&self, word: &str) -> Option<f32> {
        let Some(info) = self.words.get(word) else {
            // A lone letter ("w" for "with") names nothing.
            return (word.chars().count() == 1).then_some(LONE_LETTER_INFORMATIVENESS);
        };
        // Counts run from about 10^4.6 (rare) to 10^10 ("the").
        let rarity = ((9.0 - info.log_count) / 4.0).clamp(0.05, 1.0).sqrt();
        if !info.is_content_word() {
            // No sense in WordNet: a name, unless English uses it
            // everywhere, as it does function and chat words ("per",
            // "via", "outta", "nah"); those say as little as a verb.
            return (info.log_count >= COMMON_NO_SENSE_LOG).then_some(rarity * 0.15);
        }
        Some(rarity * (VERB_SHARE + (1.0 - VERB_SHARE) * info.noun_share()))
    }

    /// Words that share a synonym set with this one (never the word itself).
    pub fn related<'a>(&'a self, word: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let info = self.words.get(word);
        info.into_iter()
            .flat_map(|i| i.sets.iter())
            .flat_map(move |&s| self.sets[s as usize].iter().map(String::as_str))
            .filter(move |w| *w != word)
    }

    /// The base form of an irregular inflection ("went" -> "go").
    pub fn base_form(&self, word: &str) -> Option<&str> {
        self.words.get(word).and_then(|w| w.base.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Lexicon {
        Lexicon::from_data(
            "# comment\nthe\t1036\t\t\nwhence\t810\t\t\nper\t834\t\t\nsteve\t762\t\t\nbiden\t568\t\t\ntanks\t693\tn2 v0\ttank\nreckon\t606\tv4\t\nwent\t783\tv21\tgo\ntruce\t595\tn0\t\n",
            "armistice ceasefire truce\n",
        )
    }

    #[test]
    fn nouns_say_more_than_verbs_and_chat_words_say_little() {
        let lex = small();
        let tanks = lex.informativeness("tanks").unwrap();
        let reckon = lex.informativeness("reckon").unwrap();
        assert!(tanks > 1.5 * reckon, "tanks {tanks} reckon {reckon}");
        // No sense in WordNet but said everywhere: function words.
        for function in ["whence", "per"] {
            let info = lex.informativeness(function).expect("a common word");
            assert!(info < 0.2 * tanks, "{function} {info} tanks {tanks}");
        }
        // No sense and rarer, or not English at all: a name, even a common one.
        assert_eq!(lex.informativeness("steve"), None);
        assert_eq!(lex.informativeness("biden"), None);
        assert_eq!(lex.informativeness("witkoff"), None);
        // "w" for "with".
        assert_eq!(lex.informativeness("w"), Some(LONE_LETTER_INFORMATIVENESS));
    }

    #[test]
    fn common_words_are_real_and_unknown_ones_are_not() {
        let lex = small();
        assert!(lex.is_real_word("tanks"));
        assert!(!lex.is_real_word("wer"));
        assert_eq!(lex.base_form("went"), Some("go"));
        let near: Vec<&str> = lex.nearest_real("tankss").iter().map(|n| n.0).collect();
        assert_eq!(near, ["tanks"]);
    }

    #[test]
    fn a_non_word_reads_as_the_commonest_word_one_slip_away() {
        let lex = Lexicon::from_data("how\t1000\t\t\nhew\t600\tv1\t\ntime\t900\tn5\t\nthu\t700\t\t\n", "");
        let nothing = |_: &str| false;
        assert_eq!(lex.slip_reading("hpw", nothing).as_deref(), Some("how"));
        assert_eq!(lex.slip_reading("ime", nothing).as_deref(), Some("time"));
        // A real word, so typed as meant; and no slip of "zzq" is a word.
        assert_eq!(lex.slip_reading("thu", nothing), None);
        assert_eq!(lex.slip_reading("zzq", nothing), None);
        // A word only the fact base has, when English has none.
        assert_eq!(lex.slip_reading("kyib", |w| w == "kyiv").as_deref(), Some("kyiv"));
    }

    #[test]
    fn synonym_sets_relate_their_members() {
        let lex = small();
        let mut related: Vec<&str> = lex.related("truce").collect();
        related.sort();
        assert_eq!(related, ["armistice", "ceasefire"]);
        assert_eq!(lex.related("tanks").count(), 0);
    }

    #[test]
    fn the_bundled_lexicon_knows_everyday_english() {
        let lex = Lexicon::english();
        assert!(lex.is_real_word("tanks") && lex.is_real_word("were"));
        assert!(!lex.is_real_word("wer"));
        assert!(lex.related("truce").any(|w| w == "ceasefire"));
        assert!(lex.informativeness("australia").unwrap() > lex.informativeness("supposed").unwrap());
    }

    #[test]
    fn the_bundled_lexicon_relates_words_only_as_they_are_commonly_used() {
        let lex = Lexicon::english();
        // "Father" is a noun far more often than the verb of "beget": a
        // question about the pope's father is not one about getting.
        assert!(
            !lex.related("father").any(|w| w == "get"),
            "{:?}",
            lex.related("father").collect::<Vec<_>>()
        );
        // "Went to see" is met: both verbs, both commonly so.
        assert!(lex.related("see").any(|w| w == "meet"));
    }
}
