//! Finds the fact a question asks for, or says honestly that none does.
//!
//! A question is analysed into terms (see [`text`] and [`analyzer`]); each
//! term is looked up in the [`index::Index`], exactly or within a typo budget,
//! and only the stored texts holding one of those terms are scored. A stored
//! text scores by how much of the question's weight it covers and how much of
//! its own weight the question covers, with rare words weighing more than
//! common ones and words the fact base has never seen counting against it.

pub mod analyzer;
pub mod index;
pub mod text;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::knowledge::FactBase;
use analyzer::Synonyms;
use index::{FactText, Index, Resolved};

/// Tuning of the matcher; the `[matcher]` table of the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatcherConfig {
    /// At or above this confidence the bot answers.
    pub answer_threshold: f32,
    /// At or above this (and below `answer_threshold`) it offers close questions.
    pub suggest_threshold: f32,
    /// A second fact this close to the first, and above `answer_threshold`,
    /// is answered too (two facts equally right).
    pub tie_margin: f32,
    /// How many close questions to offer at most.
    pub max_suggestions: usize,
    /// Share of the score that comes from covering the question rather than
    /// the stored phrasing, between 0 and 1.
    pub question_coverage_weight: f32,
    /// How much a match on a fact's answer text counts next to a match on one
    /// of its questions.
    pub body_weight: f32,
    /// Weight of a word no fact uses, relative to the rarest word in the base.
    pub unknown_word_weight: f32,
    /// Words read from a question; the rest of a very long question is ignored.
    pub max_question_words: usize,
    /// Factor applied to a fact that cannot answer the kind of question asked:
    /// "when" to a fact with no time in it, "how many" to one with no number.
    pub answer_type_penalty: f32,
}

impl Default for MatcherConfig {
    fn default() -> Self {
        MatcherConfig {
            answer_threshold: 0.6,
            suggest_threshold: 0.3,
            tie_margin: 0.02,
            max_suggestions: 3,
            question_coverage_weight: 0.65,
            body_weight: 0.8,
            unknown_word_weight: 1.0,
            max_question_words: 64,
            answer_type_penalty: 0.8,
        }
    }
}

/// A fact the matcher considered, with its confidence in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Position of the fact in the base it was built from.
    pub fact: usize,
    pub confidence: f32,
    /// The stored question that matched best, if it was a question rather
    /// than the answer text.
    pub question: Option<usize>,
}

/// What to do with a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// One fact, or two equally right ones.
    Answer(Vec<Candidate>),
    /// Nothing certain enough; these are close questions to offer instead.
    Suggest(Vec<Candidate>),
    /// The sources don't say.
    Abstain,
}

/// The matcher's verdict on one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// The best candidates, best first (at most ten).
    pub candidates: Vec<Candidate>,
}

impl Verdict {
    /// Confidence of the best candidate, 0 when there was none.
    pub fn confidence(&self) -> f32 {
        self.candidates.first().map_or(0.0, |c| c.confidence)
    }
}

/// Why a question could not be matched at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("the question is empty: type a question after the command, e.g. \"who met Putin on March 13?\"")]
    Empty,
}

/// A question term after look-up: the index terms it may stand for and how
/// much it weighs.
struct QueryTerm {
    variants: Vec<(u32, f32)>,
    weight: f32,
}

/// The index of one fact base, ready to answer questions.
#[derive(Debug)]
pub struct Matcher {
    index: Index,
    synonyms: Synonyms,
    config: MatcherConfig,
    /// Per fact, the kinds of question its answer can answer.
    kinds: Vec<AnswerKinds>,
}

/// What a question asks for, as far as words tell: a time or a count.
#[derive(Debug, Default, Clone, Copy)]
struct AnswerKinds {
    time: bool,
    count: bool,
}

/// Words in an answer that say when, though not as a date.
const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "week",
    "month",
    "year",
    "soon",
    "day",
    "today",
    "tomorrow",
    "yesterday",
    "later",
    "after",
    "before",
    "recent",
    "time",
];

impl AnswerKinds {
    fn of_answer(answer: &str) -> AnswerKinds {
        let tokens = text::tokens(answer);
        AnswerKinds {
            time: tokens.iter().any(|t| match t {
                text::Token::Word(w) => TIME_WORDS.contains(&text::stem(w).as_str()),
                text::Token::Number(_) => false,
                _ => true,
            }),
            count: tokens
                .iter()
                .any(|t| matches!(t, text::Token::Number(n) if !(1900..=2100).contains(n))),
        }
    }

    /// What a question asks for: "when ..." wants a time, "how many/much" a count.
    fn of_question(terms: &[analyzer::Term]) -> AnswerKinds {
        let has = |w: &str| terms.iter().any(|t| t.text == w);
        AnswerKinds {
            time: has("when"),
            count: has("how") && (has("many") || has("much")),
        }
    }

    fn can_answer(self, asked: AnswerKinds) -> bool {
        (!asked.time || self.time) && (!asked.count || self.count)
    }
}

#[derive(Default, Clone, Copy)]
struct DocScore {
    question_covered: f32,
    doc_covered: f32,
}

impl Matcher {
    pub fn new(base: &FactBase, config: MatcherConfig) -> Matcher {
        let synonyms = Synonyms::new(base.synonyms());
        let facts = base.facts().iter().map(|f| {
            let dates = f
                .dates
                .iter()
                .map(|d| d.format(" %B %-d %Y in %B").to_string())
                .collect::<String>();
            FactText {
                questions: f.questions.iter().map(String::as_str).collect(),
                body: format!("{} {} {}{dates}", f.answer, f.entities.join(" "), f.tags.join(" ")),
            }
        });
        let index = Index::build(facts, &synonyms);
        let kinds = base.facts().iter().map(|f| AnswerKinds::of_answer(&f.answer)).collect();
        Matcher {
            index,
            synonyms,
            config,
            kinds,
        }
    }

    pub fn config(&self) -> &MatcherConfig {
        &self.config
    }

    /// Size of the index, for `/about` and benchmarks: (terms, stored texts).
    pub fn size(&self) -> (usize, usize) {
        (self.index.term_count(), self.index.doc_count())
    }

    fn query_terms(&self, analyzed: Vec<analyzer::Term>) -> Vec<QueryTerm> {
        let unknown = self.index.max_idf() * self.config.unknown_word_weight;
        let mut terms: Vec<QueryTerm> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for term in analyzed {
            if seen.contains(&term.text) {
                continue;
            }
            seen.push(term.text.clone());
            if let Some(id) = self.index.term(&term.text) {
                terms.push(QueryTerm {
                    variants: vec![(id, 1.0)],
                    weight: self.index.idf(id),
                });
                continue;
            }
            if term.stop {
                continue;
            }
            let resolved = if term.is_word && !term.canonical {
                self.index.resolve(&term.text)
            } else {
                Vec::new()
            };
            if resolved.contains(&Resolved::Stop) {
                continue;
            }
            let variants: Vec<(u32, f32)> = resolved
                .into_iter()
                .filter_map(|r| match r {
                    Resolved::Term(id, sim) => Some((id, sim)),
                    Resolved::Stop => None,
                })
                .collect();
            let weight = variants
                .iter()
                .map(|&(id, _)| self.index.idf(id))
                .fold(None, |acc: Option<f32>, w| Some(acc.map_or(w, |a| a.max(w))))
                .unwrap_or(unknown);
            terms.push(QueryTerm { variants, weight });
        }
        terms
    }

    /// Scores every stored text that shares a term with the question.
    fn score_docs(&self, terms: &[QueryTerm]) -> Vec<(u32, DocScore)> {
        let mut scores: HashMap<u32, DocScore> = HashMap::new();
        for term in terms {
            // A doc holding two spellings of the word counts it once.
            let mut best: HashMap<u32, (f32, f32)> = HashMap::new();
            for &(id, sim) in &term.variants {
                let idf = self.index.idf(id);
                for &doc in self.index.postings(id) {
                    let slot = best.entry(doc).or_insert((0.0, 0.0));
                    if sim > slot.0 {
                        *slot = (sim, idf);
                    }
                }
            }
            for (doc, (sim, idf)) in best {
                let s = scores.entry(doc).or_default();
                s.question_covered += term.weight * sim;
                s.doc_covered += idf * sim;
            }
        }
        let mut scored: Vec<(u32, DocScore)> = scores.into_iter().collect();
        scored.sort_unstable_by_key(|(doc, _)| *doc);
        scored
    }

    /// Matches a question against the fact base.
    pub fn ask(&self, question: &str) -> Result<Verdict, QuestionError> {
        if text::fold(question).trim().is_empty() {
            return Err(QuestionError::Empty);
        }
        let analyzed = analyzer::analyze(question, &self.synonyms, self.config.max_question_words);
        let asked = AnswerKinds::of_question(&analyzed);
        let terms = self.query_terms(analyzed);
        let total: f32 = terms.iter().map(|t| t.weight).sum();
        if total <= 0.0 {
            return Ok(Verdict {
                outcome: Outcome::Abstain,
                candidates: Vec::new(),
            });
        }
        let alpha = self.config.question_coverage_weight.clamp(0.0, 1.0);
        let mut best: Vec<Option<Candidate>> = vec![None; self.kinds.len()];
        for (doc_id, s) in self.score_docs(&terms) {
            let doc = self.index.doc(doc_id);
            let q_cov = (s.question_covered / total).min(1.0);
            let confidence = match doc.question {
                Some(_) => {
                    let d_cov = if doc.weight > 0.0 {
                        (s.doc_covered / doc.weight).min(1.0)
                    } else {
                        0.0
                    };
                    q_cov.powf(alpha) * d_cov.powf(1.0 - alpha)
                }
                None => q_cov * self.config.body_weight,
            };
            let confidence = if self.kinds[doc.fact as usize].can_answer(asked) {
                confidence
            } else {
                confidence * self.config.answer_type_penalty
            };
            let slot = &mut best[doc.fact as usize];
            if slot.is_none_or(|c| confidence > c.confidence) {
                *slot = Some(Candidate {
                    fact: doc.fact as usize,
                    confidence,
                    question: doc.question.map(|q| q as usize),
                });
            }
        }
        let mut candidates: Vec<Candidate> = best.into_iter().flatten().filter(|c| c.confidence > 0.0).collect();
        candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.fact.cmp(&b.fact)));
        candidates.truncate(10);
        let outcome = self.decide(&candidates);
        Ok(Verdict { outcome, candidates })
    }

    fn decide(&self, candidates: &[Candidate]) -> Outcome {
        let c = &self.config;
        match candidates {
            [top, rest @ ..] if top.confidence >= c.answer_threshold => {
                let mut answer = vec![*top];
                if let Some(second) = rest.first() {
                    if second.confidence >= c.answer_threshold && top.confidence - second.confidence <= c.tie_margin {
                        answer.push(*second);
                    }
                }
                Outcome::Answer(answer)
            }
            [top, ..] if top.confidence >= c.suggest_threshold => Outcome::Suggest(
                candidates
                    .iter()
                    .take_while(|x| x.confidence >= c.suggest_threshold)
                    .take(c.max_suggestions)
                    .copied()
                    .collect(),
            ),
            _ => Outcome::Abstain,
        }
    }
}
