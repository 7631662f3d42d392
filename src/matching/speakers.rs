//! Who says what: the people a fact's answer reports the words of ("Rubio
//! said", "which he called", "according to Putin"), and the one a question
//! asks the words of ("what did Zelensky say about ..."). A question about
//! what someone said is a near miss when the fact reports nobody's words,
//! or only another's: the fact that Pope Leo offered the Vatican does not
//! say what Zelensky made of it.

use super::analyzer::{self, Synonyms};
use super::lexicon::Lexicon;
use super::text::{self, Token};

/// Verbs that report speech, in an answer.
const REPORTING_VERBS: &[&str] = &[
    "say",
    "says",
    "said",
    "saying",
    "tell",
    "tells",
    "told",
    "telling",
    "call",
    "calls",
    "called",
    "warn",
    "warns",
    "warned",
    "describe",
    "describes",
    "described",
    "add",
    "adds",
    "added",
    "note",
    "notes",
    "noted",
    "state",
    "states",
    "stated",
    "argue",
    "argues",
    "argued",
    "suggest",
    "suggests",
    "suggested",
    "claim",
    "claims",
    "claimed",
    // Verbs of stance that news copy reports words with ("Rubio highlighted
    // the need for ...", "Graham thinks they could get 80").
    "think",
    "thinks",
    "believe",
    "believes",
    "believed",
    "hope",
    "hopes",
    "hoped",
    "expect",
    "expects",
    "expected",
    "acknowledge",
    "acknowledges",
    "acknowledged",
    "admit",
    "admits",
    "admitted",
    "conclude",
    "concludes",
    "concluded",
    "confirm",
    "confirms",
    "confirmed",
    "emphasize",
    "emphasizes",
    "emphasized",
    "emphasise",
    "emphasises",
    "emphasised",
    "explain",
    "explains",
    "explained",
    "express",
    "expresses",
    "expressed",
    "highlight",
    "highlights",
    "highlighted",
    "insist",
    "insists",
    "insisted",
    "outline",
    "outlines",
    "outlined",
    "stress",
    "stresses",
    "stressed",
    "report",
    "reports",
    "reported",
];

/// Verbs by which a question asks what someone said or thinks.
const ASKING_VERBS: &[&str] = &[
    "say",
    "says",
    "said",
    "tell",
    "tells",
    "told",
    "think",
    "thinks",
    "respond",
    "responds",
    "responded",
    "react",
    "reacts",
    "reacted",
    "reply",
    "replies",
    "replied",
    "feel",
    "feels",
    "believe",
    "believes",
];

/// Words that may stand between a speaker and the verb in an answer
/// ("Rubio has also said", "Lavrov did not say").
const ANSWER_GAP: &[&str] = &[
    "has", "had", "have", "also", "then", "already", "just", "actually", "really", "even", "not", "never", "did",
    "does",
];

/// Words that may stand between the speaker and the verb in a question
/// ("what did Putin actually say").
const QUESTION_GAP: &[&str] = &[
    "actually", "really", "just", "even", "ever", "already", "also", "never", "not", "then",
];

/// Events, which "tell" only as evidence does ("what did the Witkoff
/// meeting tell the US"): no one's words are asked.
const EVENT_NOUNS: &[&str] = &[
    "meeting",
    "meetings",
    "talks",
    "call",
    "visit",
    "trip",
    "interview",
    "conversation",
    "summit",
    "exchange",
    "negotiations",
    "vote",
    "sanctions",
];

/// Nouns for what someone thinks of something, after a possessive
/// ("Zelensky's reaction to the offer").
const STANCE_NOUNS: &[&str] = &[
    "take",
    "view",
    "views",
    "opinion",
    "reaction",
    "response",
    "position",
    "stance",
    "thoughts",
    "verdict",
    "assessment",
    "comment",
    "comments",
    "remarks",
    "words",
];

/// Titles before a name ("according to Mr Rubio").
const TITLES: &[&str] = &[
    "the",
    "mr",
    "mrs",
    "ms",
    "sen",
    "senator",
    "secretary",
    "president",
    "pope",
];

/// Nouns that name a speaker only with the word before them ("the Russian
/// side has expressed", "the Ukrainian government said").
const HEAD_NOUNS: &[&str] = &[
    "side",
    "government",
    "delegation",
    "team",
    "officials",
    "official",
    "administration",
    "president",
    "minister",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "leader",
    "leaders",
    "envoy",
];

/// The auxiliaries that open the subject of a question ("what did X say").
const AUXILIARIES: &[&str] = &["did", "does", "do", "has", "have", "had"];

/// Whether `word` is one of `list`, or a string that is no English word one
/// slip from one of its words of three letters or more: "dd", "idd" and "ddi"
/// are "did" typed in a hurry, "sai" is "say".
fn reads_as(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
        || (word.len() >= 2
            && !Lexicon::english().is_real_word(word)
            && list
                .iter()
                .any(|w| w.len() >= 3 && strsim::damerau_levenshtein(word, w) == 1))
}

/// Words that never stand in a question's subject before "say": past them,
/// the verb belongs to a clause of its own.
const CLAUSE_WORDS: &[&str] = &[
    "after", "before", "when", "while", "since", "until", "about", "on", "in", "at", "to", "for", "with", "from", "if",
    "that", "because", "do", "does", "did",
];

const PRONOUNS: &[&str] = &["he", "she", "they", "it"];

/// What stands before a reporting verb in place of its speaker.
const STAND_INS: &[&str] = &["he", "she", "they", "it", "and"];

/// Whose words an answer reports.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Speakers {
    /// The speakers named, as index terms.
    pub names: Vec<String>,
    /// A speaker is a pronoun ("he said"): whom it stands for is not known.
    pub pronoun: bool,
}

fn words(text: &str) -> Vec<String> {
    text::tokens(text)
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w),
            _ => None,
        })
        .collect()
}

impl Speakers {
    /// The speakers of an answer: the word before each reporting verb (past
    /// "has", "also", "not" and the like) and the word after "according to".
    /// "He" or "she" is someone the answer has named: a speaker named
    /// elsewhere in it ("Rubio said ..., which he called"), or else the
    /// name it opens with ("Witkoff spoke to CNN ...: he said").
    pub fn of_answer(answer: &str, synonyms: &Synonyms) -> Speakers {
        let words = words(answer);
        let mut out = Speakers::default();
        let mut person = false;
        let mut add = |word: &str, out: &mut Speakers| {
            if STAND_INS.contains(&word) {
                // "Rubio was in Rome and said ...": the subject is left out,
                // as a pronoun would stand for it.
                if matches!(word, "he" | "she" | "and") {
                    person = true;
                } else {
                    out.pronoun = true;
                }
            }
            for term in analyzer::index_terms(word, synonyms) {
                if !out.names.contains(&term) {
                    out.names.push(term);
                }
            }
        };
        for (i, w) in words.iter().enumerate() {
            if REPORTING_VERBS.contains(&w.as_str()) {
                let before = words[..i].iter().rposition(|x| !ANSWER_GAP.contains(&x.as_str()));
                if let Some(at) = before {
                    add(&words[at], &mut out);
                    if at > 0 && HEAD_NOUNS.contains(&words[at].as_str()) {
                        add(&words[at - 1], &mut out);
                    }
                }
            }
            if w == "according" && words.get(i + 1).is_some_and(|x| x == "to") {
                if let Some(speaker) = words.get(i + 2) {
                    add(speaker, &mut out);
                }
            }
        }
        if person && out.names.is_empty() {
            let opening = answer
                .split_whitespace()
                .next()
                .filter(|w| w.starts_with(|c: char| c.is_uppercase()))
                .map(|w| analyzer::index_terms(w, synonyms))
                .unwrap_or_default();
            match opening.first() {
                Some(name) => out.names.push(name.clone()),
                None => out.pronoun = true,
            }
        }
        out
    }

    /// True when the question asks what someone said (`asked`, from
    /// [`asked_speakers`]) and this answer reports none of it: nobody's
    /// words, or only others'. A pronoun speaker may be anyone.
    pub fn lack(&self, asked: &[String]) -> bool {
        !asked.is_empty() && !self.pronoun && !asked.iter().all(|a| self.names.contains(a))
    }
}

/// The people a question asks the words of, as index terms: the subject
/// between "did" (or "does", "has") and "say" (or "tell", "think"), "X" or
/// "X and Y", or the owner of "X's reaction" (or "view", "stance"); and
/// when it adds "per Y" or "according to Y", Y, who reported them. Empty
/// when it asks no such thing, or the subject is only words the matcher
/// leaves out ("the us", "you").
pub fn asked_speakers(question: &str, synonyms: &Synonyms) -> Vec<String> {
    let words = words(question);
    // "what's trump's stance on the war, per rubio": the words asked for are
    // what Rubio reported.
    let reporter = words.iter().enumerate().find_map(|(i, w)| {
        let after = match w.as_str() {
            "per" => i + 1,
            "according" if words.get(i + 1).is_some_and(|x| x == "to") => i + 2,
            _ => return None,
        };
        words[after..].iter().find(|x| !TITLES.contains(&x.as_str()))
    });
    let asked = asked_owner(question, &words, synonyms);
    let reported = match reporter {
        Some(reporter) if !asked.is_empty() && !PRONOUNS.contains(&reporter.as_str()) => name_terms(reporter, synonyms),
        _ => Vec::new(),
    };
    if reported.is_empty() {
        asked
    } else {
        reported
    }
}

/// Whom "he" or "she" stands for where a question asks what they said
/// ("rubio on face the nation, what did he say about witkoff"): the nearest
/// word before it that names someone whose words the base reports
/// (`speaks`), as an index term. Empty when no such question is asked.
pub fn asked_by_pronoun(question: &str, synonyms: &Synonyms, speaks: impl Fn(&str) -> bool) -> Vec<String> {
    let words = words(question);
    for (i, w) in words.iter().enumerate() {
        if !reads_as(w, ASKING_VERBS) {
            continue;
        }
        let Some(subject) = subject_span(&words, i) else {
            continue;
        };
        if !matches!(&words[subject.clone()], [p] if p == "he" || p == "she") {
            continue;
        }
        // Before the auxiliary that opens the subject.
        let named = words[..subject.start - 1]
            .iter()
            .rev()
            .find_map(|w| name_terms(w, synonyms).into_iter().find(|t| speaks(t)));
        if let Some(name) = named {
            return vec![name];
        }
    }
    Vec::new()
}

/// A name's index terms, each once, read together so that a name of
/// several words is one ("the Kyiv Independent").
fn name_terms(name: &str, synonyms: &Synonyms) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for term in analyzer::index_terms(name, synonyms) {
        if !out.contains(&term) {
            out.push(term);
        }
    }
    out
}

/// Whose words the question asks for, before any "according to".
fn asked_owner(question: &str, words: &[String], synonyms: &Synonyms) -> Vec<String> {
    // "zelensky's reaction", "in rubio's view": the words are the owner's.
    let folded = text::fold(question);
    let pieces: Vec<&str> = folded.split_whitespace().collect();
    for pair in pieces.windows(2) {
        let stance = pair[1].trim_matches(|c: char| !c.is_alphanumeric());
        if let Some(owner) = pair[0].strip_suffix("'s").filter(|_| STANCE_NOUNS.contains(&stance)) {
            let out = name_terms(owner, synonyms);
            if !out.is_empty() {
                return out;
            }
        }
    }
    for (i, w) in words.iter().enumerate() {
        let makes_of = matches!(w.as_str(), "make" | "makes" | "made") && words.get(i + 1).is_some_and(|x| x == "of");
        if !reads_as(w, ASKING_VERBS) && !makes_of {
            continue;
        }
        if let Some(out) = subject_of(words, i, synonyms) {
            return out;
        }
    }
    Vec::new()
}

/// Where the subject of the verb at `i` stands: the words between the
/// auxiliary before it ("did", "does", "has") and the verb, past "actually"
/// and the like. `None` with no auxiliary before it.
fn subject_span(words: &[String], i: usize) -> Option<std::ops::Range<usize>> {
    let mut j = i;
    while j > 0 && QUESTION_GAP.contains(&words[j - 1].as_str()) {
        j -= 1;
    }
    let start = words[..j].iter().rposition(|x| reads_as(x, AUXILIARIES))?;
    Some(start + 1..j)
}

/// The named subject of the verb at `i` in a question ("what did X say"),
/// as index terms: the words between the auxiliary before it and the verb.
fn subject_of(words: &[String], i: usize, synonyms: &Synonyms) -> Option<Vec<String>> {
    let subject = &words[subject_span(words, i)?];
    // "what did washington do after kyiv said yes": a clause, not a subject;
    // and to say yes or no is to agree or refuse, not to be quoted.
    if subject.is_empty()
        || subject.len() > 3
        || subject.iter().any(|x| CLAUSE_WORDS.contains(&x.as_str()))
        || subject.last().is_some_and(|x| EVENT_NOUNS.contains(&x.as_str()))
        || words.get(i + 1).is_some_and(|x| matches!(x.as_str(), "yes" | "no"))
    {
        return None;
    }
    let named: Vec<&str> = subject
        .iter()
        .map(String::as_str)
        .filter(|x| !matches!(*x, "and" | "n" | "the"))
        .collect();
    // "us" is a pronoun as often as the country ("what did he tell us").
    if named.iter().any(|x| NOT_NAMES.contains(x)) {
        return None;
    }
    let out = name_terms(&named.join(" "), synonyms);
    (!out.is_empty()).then_some(out)
}

/// Words that stand for someone without naming them.
const NOT_NAMES: &[&str] = &[
    "he", "she", "they", "it", "you", "u", "who", "us", "we", "i", "me", "him", "her", "them", "anyone", "someone",
];

/// Who a question has telling whom ("what did rubio tell lavrov": Rubio,
/// Lavrov), as index terms; `None` unless it names both.
pub fn asked_telling(question: &str, synonyms: &Synonyms) -> Option<(Vec<String>, Vec<String>)> {
    let words = words(question);
    words.iter().enumerate().find_map(|(i, w)| {
        if !matches!(w.as_str(), "tell" | "tells" | "told" | "telling") {
            return None;
        }
        let teller = subject_of(&words, i, synonyms)?;
        let listener = words[i + 1..].iter().find(|x| !TITLES.contains(&x.as_str()))?;
        if NOT_NAMES.contains(&listener.as_str()) {
            return None;
        }
        let listener = name_terms(listener, synonyms);
        (!listener.is_empty() && listener != teller).then_some((teller, listener))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Synonyms {
        Synonyms::new(&[])
    }

    #[test]
    fn an_answer_names_whose_words_it_reports() {
        let s = Speakers::of_answer(
            "Rubio has also said the talks went well, according to Putin; the article says nothing more.",
            &none(),
        );
        assert!(s.names.contains(&"rubio".to_string()) && s.names.contains(&"putin".to_string()));
        assert!(!s.pronoun);
        assert!(Speakers::of_answer("Which he called very positive.", &none()).pronoun);
        // News copy reports words with more verbs than "say", and names a
        // speaker by more than one word.
        let side = Speakers::of_answer(
            "Rubio thinks the Russian side has also expressed a willingness.",
            &none(),
        );
        assert!(side.names.contains(&"rubio".to_string()) && side.names.contains(&"russian".to_string()));
        assert_eq!(
            Speakers::of_answer("Trump was expected to speak with Putin.", &none()),
            Speakers::default()
        );
    }

    #[test]
    fn a_question_names_whose_words_it_asks() {
        let asked = |q: &str| asked_speakers(q, &none());
        assert_eq!(asked("what did zelensky say about the vatican offer"), ["zelenski"]);
        assert_eq!(
            asked("what did trump n putin actually say on the call"),
            ["trump", "putin"]
        );
        assert_eq!(asked("does Rubio think the gaps can be worked out?"), ["rubio"]);
        // Not a question about someone's words.
        assert!(asked("when did the envoy meet the leader").is_empty());
        assert!(asked("who said the war cannot continue").is_empty());
        assert!(asked("what did you say").is_empty());
        assert!(asked("what did the us say").is_empty());
        assert_eq!(asked("what has trump already said about it"), ["trump"]);
        assert_eq!(asked("what did rubio make of the vatican offer"), ["rubio"]);
        assert_eq!(asked("what was Zelensky’s reaction to the offer?"), ["zelenski"]);
        assert_eq!(asked("whats trump's stance on the war per rubio"), ["rubio"]);
        assert_eq!(asked("what did zelensky say, according to Mr Rubio?"), ["rubio"]);
        assert!(asked("what's rubio's job").is_empty());
        assert!(asked("what did washington do after kiev said yes to the truce").is_empty());
        assert!(asked("did kyiv say yes to the 30 day truce").is_empty());
        assert!(asked("what did the witkoff meeting tell the us about russia").is_empty());
        // "did" and "say" typed in a hurry, which are no words, still ask;
        // a real word one slip away ("kid") is meant as written.
        assert_eq!(asked("wat dd zelensky say about the vatican offer"), ["zelenski"]);
        assert_eq!(asked("what idd rubio sai about the offer"), ["rubio"]);
        assert!(asked("what kid rubio say about the offer").is_empty());
    }

    #[test]
    fn he_or_she_asked_about_is_the_speaker_named_before() {
        let speaks = |t: &str| ["rubio", "putin"].contains(&t);
        let asked = |q: &str| asked_by_pronoun(q, &none(), speaks);
        assert_eq!(
            asked("rubio on face the nation 3/16, what did he say about witkoff"),
            ["rubio"]
        );
        assert_eq!(
            asked("so putin met witkoff, what does he think of the truce"),
            ["putin"]
        );
        // Someone after the question, or nobody whose words are reported.
        assert!(asked("what did he say about rubio").is_empty());
        assert!(asked("graham in turkey, what did he say").is_empty());
        // A speaker named outright is asked_speakers' to find.
        assert!(asked("what did rubio say about witkoff").is_empty());
    }

    #[test]
    fn a_question_names_who_tells_whom() {
        let telling = |q: &str| asked_telling(q, &none());
        let pair = |a: &str, b: &str| Some((vec![a.to_string()], vec![b.to_string()]));
        assert_eq!(
            telling("what did rubio tell lavrov about the talks"),
            pair("rubio", "lavrov")
        );
        assert_eq!(
            telling("What did Lavrov tell Secretary Rubio?"),
            pair("lavrov", "rubio")
        );
        // Nobody named on one side or the other.
        assert_eq!(telling("who told rubio about the document"), None);
        assert_eq!(telling("what did rubio tell us"), None);
        assert_eq!(telling("what did rubio say to lavrov"), None);
    }

    #[test]
    fn a_fact_lacks_the_words_of_someone_it_does_not_report() {
        let rubio = Speakers::of_answer("Rubio said the offer was generous.", &none());
        let asked = |q: &str| asked_speakers(q, &none());
        assert!(!rubio.lack(&asked("what did rubio say about the offer")));
        assert!(rubio.lack(&asked("what did zelensky say about the offer")));
        assert!(!rubio.lack(&asked("when was the offer made")));
        let nobody = Speakers::of_answer("The Pope offered the Vatican.", &none());
        assert!(nobody.lack(&asked("what did the pope say about it")));
        // Asking how someone responded asks their words too.
        let putin = Speakers::of_answer("According to Putin, Russia demands guarantees.", &none());
        assert!(putin.lack(&asked("how did ukraine respond to russia's demands")));
        assert!(putin.lack(&asked("how does zelensky feel about the demands")));
        assert!(!putin.lack(&asked("how did putin react to the offer")));
        let he = Speakers::of_answer("He said it was generous.", &none());
        assert!(!he.lack(&asked("what did zelensky say")));
    }

    #[test]
    fn he_or_she_is_someone_the_answer_names() {
        let asked = |q: &str| asked_speakers(q, &none());
        let envoy = Speakers::of_answer(
            "Witkoff spoke to CNN after the meeting: he said a call was expected.",
            &none(),
        );
        assert!(!envoy.lack(&asked("what did witkoff say after the meeting")));
        assert!(envoy.lack(&asked("what did putin actually tell witkoff")));
        let rubio = Speakers::of_answer(
            "Rubio said 1,000 prisoners would be freed, which he called positive.",
            &none(),
        );
        assert_eq!(rubio.names, ["rubio"]);
        let and = Speakers::of_answer("Witkoff was in Moscow and said a call was expected.", &none());
        assert_eq!(and.names, ["witkoff"]);
        assert!(!rubio.pronoun);
        // Nobody named to stand for: anyone.
        let unnamed = Speakers::of_answer("On Sunday he said a call was expected.", &none());
        assert!(!unnamed.lack(&asked("what did putin say")));
    }
}
