//! From a matcher verdict to what people read: the answer in our words, and
//! for every answer the outlet, date and verbatim quote it rests on.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::knowledge::{Fact, FactBase, KnowledgeError, SourceKind};
use crate::matching::{Candidate, Matcher, MatcherConfig, Outcome, QuestionError};

/// A loaded fact base with its index: what the bot answers from. Built
/// whole and swapped whole, so a question never sees half of a reload.
#[derive(Debug)]
pub struct Knowledge {
    pub base: FactBase,
    pub matcher: Matcher,
    pub loaded_at: DateTime<Utc>,
}

/// Starts loading the English lexicon (once per process, tens of
/// milliseconds) on another thread, while the fact base is read and checked:
/// indexing waits for it, and finds it ready.
fn warm_lexicon() {
    let _ = std::thread::Builder::new()
        .name("talksbot-lexicon".into())
        .spawn(|| crate::matching::lexicon::Lexicon::english().warm());
}

/// Where an answer comes from, as shown to people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// The source's id in the fact base.
    pub source: String,
    pub outlet: String,
    pub date: NaiveDate,
    pub quote: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub kind: SourceKind,
}

impl Citation {
    /// "The Kyiv Independent, 16 March 2025", or for a related story's
    /// headline printed on a page, "The Kyiv Independent · related headline,
    /// 16 March 2025": the outlet first, as readers scan for it.
    pub fn attribution(&self) -> String {
        let outlet = match self.kind {
            SourceKind::Article => self.outlet.clone(),
            SourceKind::Headline => format!("{} · related headline", self.outlet),
        };
        format!("{outlet}, {}", human_date(self.date))
    }

    /// The quote as shown to readers (see [`quote_as_shown`]).
    pub fn shown_quote(&self) -> String {
        quote_as_shown(&self.quote)
    }
}

/// A verbatim quote as readers see it: on one line, and marked with "…"
/// when it starts mid-sentence (its first letter is lower case), so a
/// fragment is not mistaken for the speaker's whole sentence.
pub fn quote_as_shown(quote: &str) -> String {
    let quote = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    match quote.chars().find(|c| c.is_alphabetic()) {
        Some(first) if first.is_lowercase() && !quote.starts_with('…') => format!("…{quote}"),
        _ => quote,
    }
}

/// A score (a confidence, a weight, a similarity) as printed and
/// serialised: three decimals, as an `f64`. Rounding the `f32` itself is not
/// enough: 0.649 has no exact `f32`, and widened for JSON it reads
/// 0.6489999890327454.
pub fn rounded(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round() / 1000.0
}

pub fn human_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// One fact given as an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct AnsweredFact {
    pub fact_id: String,
    pub answer: String,
    pub citations: Vec<Citation>,
    pub confidence: f32,
}

/// A close question offered when no answer is certain enough.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub fact_id: String,
    pub question: String,
    pub confidence: f32,
    /// The question asked what this fact's sources leave open (its
    /// `unsaid`): offered as what they do say, not as what was meant.
    pub unsaid: bool,
}

/// What the bot says to a question, free of any chat platform.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Answer(Vec<AnsweredFact>),
    Suggest(Vec<Suggestion>),
    Abstain,
}

/// A question with the bot's response and the matcher's evidence.
#[derive(Debug, Clone)]
pub struct Reply {
    pub question: String,
    pub response: Response,
    pub confidence: f32,
    /// Best candidates, best first.
    pub ranking: Vec<Ranked>,
}

/// A fact the matcher considered, and the stored text that matched it best.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub fact_id: String,
    pub confidence: f32,
    /// The stored question that matched, or `None` when it was the answer text.
    pub matched: Option<String>,
    /// `matched` is a question someone asked (`asked/`), not one of the
    /// fact's own: fine to explain a match with, not to offer to people.
    pub asked: bool,
}

impl Reply {
    pub fn outcome_name(&self) -> &'static str {
        match self.response {
            Response::Answer(_) => "answer",
            Response::Suggest(_) => "suggest",
            Response::Abstain => "abstain",
        }
    }

    /// The first answered fact's id, if any.
    pub fn fact_id(&self) -> Option<&str> {
        match &self.response {
            Response::Answer(facts) => facts.first().map(|f| f.fact_id.as_str()),
            _ => None,
        }
    }

    /// The JSON line `talksbot ask --json` prints.
    pub fn to_json(&self) -> serde_json::Value {
        let (answer, citations, fact_ids): (Option<String>, Vec<&Citation>, Vec<&str>) = match &self.response {
            Response::Answer(facts) => (
                Some(facts.iter().map(|f| f.answer.as_str()).collect::<Vec<_>>().join("\n")),
                facts.iter().flat_map(|f| &f.citations).collect(),
                facts.iter().map(|f| f.fact_id.as_str()).collect(),
            ),
            _ => (None, Vec::new(), Vec::new()),
        };
        let suggestions: Vec<&str> = match &self.response {
            Response::Suggest(s) => s.iter().map(|s| s.question.as_str()).collect(),
            _ => Vec::new(),
        };
        serde_json::json!({
            "question": self.question,
            "answered": matches!(self.response, Response::Answer(_)),
            "outcome": self.outcome_name(),
            "answer": answer,
            "citations": citations,
            "confidence": rounded(self.confidence),
            "fact_id": self.fact_id(),
            "fact_ids": fact_ids,
            "suggestions": suggestions,
            "candidates": self.ranking.iter().take(5).map(|r| serde_json::json!({
                "fact_id": r.fact_id,
                "confidence": rounded(r.confidence),
                "matched": r.matched,
                "asked": r.asked,
            })).collect::<Vec<_>>(),
        })
    }
}

impl Knowledge {
    /// Loads, checks and indexes a knowledge folder.
    pub fn load(dir: &Path, config: &MatcherConfig) -> Result<Knowledge, KnowledgeError> {
        warm_lexicon();
        Ok(Knowledge::new(FactBase::load(dir)?, config))
    }

    /// `load`, with every quote checked against the articles in `articles`
    /// when it is given (see [`FactBase::load_verified`]).
    pub fn load_verified(
        dir: &Path,
        config: &MatcherConfig,
        articles: Option<&Path>,
    ) -> Result<Knowledge, KnowledgeError> {
        warm_lexicon();
        Ok(Knowledge::new(FactBase::load_verified(dir, articles)?, config))
    }

    pub fn new(base: FactBase, config: &MatcherConfig) -> Knowledge {
        let matcher = Matcher::new(&base, config.clone());
        Knowledge {
            base,
            matcher,
            loaded_at: Utc::now(),
        }
    }

    /// Answers a question: the fact(s), close questions, or an honest no.
    pub fn ask(&self, question: &str) -> Result<Reply, QuestionError> {
        let verdict = self.matcher.ask(question)?;
        let facts = self.base.facts();
        let response = match &verdict.outcome {
            Outcome::Answer(cands) => {
                Response::Answer(cands.iter().map(|c| self.answered(&facts[c.fact], c)).collect())
            }
            Outcome::Suggest(cands) => Response::Suggest(
                cands
                    .iter()
                    .map(|c| Suggestion {
                        fact_id: facts[c.fact].id.clone(),
                        question: facts[c.fact].questions[0].clone(),
                        confidence: c.confidence,
                        unsaid: c.unsaid,
                    })
                    .collect(),
            ),
            Outcome::Abstain => Response::Abstain,
        };
        Ok(Reply {
            question: question.to_string(),
            confidence: verdict.confidence(),
            ranking: verdict
                .candidates
                .iter()
                .map(|c| {
                    let fact = &facts[c.fact];
                    let own = fact.questions.len();
                    Ranked {
                        fact_id: fact.id.clone(),
                        confidence: c.confidence,
                        matched: c.question.and_then(|q| match q.checked_sub(own) {
                            None => Some(fact.questions[q].clone()),
                            Some(a) => self.base.asked(c.fact).get(a).cloned(),
                        }),
                        asked: c.question.is_some_and(|q| q >= own),
                    }
                })
                .collect(),
            response,
        })
    }

    fn answered(&self, fact: &Fact, c: &Candidate) -> AnsweredFact {
        AnsweredFact {
            fact_id: fact.id.clone(),
            answer: fact.answer.clone(),
            citations: self.citations(fact),
            confidence: c.confidence,
        }
    }

    /// One citation per quote, in the order the fact lists them.
    pub fn citations(&self, fact: &Fact) -> Vec<Citation> {
        fact.quotes
            .iter()
            .filter_map(|q| {
                let s = self.base.source(&q.source)?;
                Some(Citation {
                    source: s.id.clone(),
                    outlet: s.outlet.clone(),
                    date: s.date,
                    quote: q.text.clone(),
                    byline: s.byline.clone(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                    kind: s.kind,
                })
            })
            .collect()
    }

    /// A few questions the base answers well, to offer someone whose question
    /// it cannot answer: the first question of the first fact on each of the
    /// most covered topics, so the examples show the base's range.
    pub fn example_questions(&self, at_most: usize) -> Vec<String> {
        let facts = self.base.facts();
        let mut picked: Vec<&Fact> = Vec::new();
        for topic in self.topics(usize::MAX) {
            if picked.len() >= at_most {
                break;
            }
            if let Some(f) = facts
                .iter()
                .find(|f| f.tags.contains(&topic) && !picked.iter().any(|p| p.id == f.id))
            {
                picked.push(f);
            }
        }
        for f in facts {
            if picked.len() >= at_most {
                break;
            }
            if !picked.iter().any(|p| p.id == f.id) {
                picked.push(f);
            }
        }
        picked.iter().filter_map(|f| f.questions.first().cloned()).collect()
    }

    /// The outlets the base quotes, each once, as readers count them (a
    /// newspaper's article and the headlines printed on its page are one
    /// outlet), in the order of the sources file.
    pub fn outlets(&self) -> Vec<String> {
        let mut outlets: Vec<String> = Vec::new();
        for s in self.base.sources() {
            let name = s.outlet.trim();
            if !outlets.iter().any(|o| o.to_lowercase() == name.to_lowercase()) {
                outlets.push(name.to_string());
            }
        }
        outlets
    }

    /// The topics the base covers, most facts first: what an honest
    /// "I don't know" can point people to.
    pub fn topics(&self, at_most: usize) -> Vec<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for fact in self.base.facts() {
            for tag in &fact.tags {
                *counts.entry(tag.as_str()).or_default() += 1;
            }
        }
        let mut topics: Vec<(&str, usize)> = counts.into_iter().collect();
        topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        topics.into_iter().take(at_most).map(|(t, _)| t.to_string()).collect()
    }
}

/// The plain-text rendering used by the command line.
pub fn render_text(reply: &Reply, knowledge: &Knowledge) -> String {
    let mut out = String::new();
    match &reply.response {
        Response::Answer(facts) => {
            for (i, fact) in facts.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&fact.answer);
                out.push('\n');
                for c in &fact.citations {
                    out.push_str(&format!("  -- {}: \"{}\"\n", c.attribution(), c.quote));
                }
                out.push_str(&format!(
                    "  (fact {}, confidence {:.3})\n",
                    fact.fact_id,
                    rounded(fact.confidence)
                ));
            }
        }
        Response::Suggest(suggestions) if suggestions.first().is_some_and(|s| s.unsaid) => {
            out.push_str("My sources don't say that. They do answer:\n");
            for s in suggestions {
                out.push_str(&format!("  - {}\n", s.question));
            }
        }
        Response::Suggest(suggestions) => {
            out.push_str("I'm not sure what you're asking. Did you mean:\n");
            for s in suggestions {
                out.push_str(&format!("  - {}\n", s.question));
            }
        }
        Response::Abstain => {
            out.push_str("My sources don't say.");
            let topics = knowledge.topics(6);
            if !topics.is_empty() {
                out.push_str(&format!(" I can answer questions about: {}.", topics.join(", ")));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_is_written_with_three_decimals_in_json() {
        // 0.649 has no exact f32: widened as it is, JSON shows 0.6489999890327454.
        assert_eq!(serde_json::json!(rounded(0.649)).to_string(), "0.649");
        assert_eq!(serde_json::json!(rounded(0.97349)).to_string(), "0.973");
        assert_eq!(serde_json::json!(rounded(1.0)).to_string(), "1.0");
    }
}
