//! The inverted index: which stored texts hold which term, how informative
//! each term is, and a fuzzy look-up of misspelt words that touches only the
//! words sharing letter pairs with it, never the whole vocabulary.

use std::collections::HashMap;

use super::analyzer::{self, Synonyms};
use super::fuzzy::FuzzyWords;

/// What a word in a question turned out to be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved {
    /// A term of the index, with how sure the match is (1.0 when exact).
    Term(u32, f32),
    /// A stop word, perhaps misspelt.
    Stop,
}

/// Where a word of the fuzzy look-up leads.
#[derive(Debug, Clone, Copy)]
enum Target {
    Term(u32),
    Stop,
}

/// Words the fuzzy look-up can land on: every indexed word, every one-word
/// synonym (pointing at its group's term) and every stop word.
#[derive(Debug, Default)]
struct Lexicon {
    words: FuzzyWords,
    targets: Vec<Target>,
}

impl Lexicon {
    fn add(&mut self, text: &str, target: Target) {
        if self.words.add(text) as usize == self.targets.len() {
            self.targets.push(target);
        }
    }
}

fn resolved(target: Target, similarity: f32) -> Resolved {
    match target {
        Target::Term(id) => Resolved::Term(id, similarity),
        Target::Stop => Resolved::Stop,
    }
}

/// One stored text: a phrasing of a fact's question, or the fact's body
/// (answer, entities, tags and dates).
#[derive(Debug, Clone)]
pub struct Doc {
    pub fact: u32,
    /// Which of the fact's questions this is; `None` for the body.
    pub question: Option<u32>,
    /// Sum of the weights of its terms.
    pub weight: f32,
}

#[derive(Debug, Default)]
pub struct Index {
    terms: HashMap<String, u32>,
    term_texts: Vec<String>,
    idf: Vec<f32>,
    postings: Vec<Vec<u32>>,
    docs: Vec<Doc>,
    lexicon: Lexicon,
    max_idf: f32,
    /// Per fact, every term in any of its texts, sorted.
    fact_terms: Vec<Vec<u32>>,
    /// Per fact, beside `fact_terms`: how many of its texts hold each term.
    fact_counts: Vec<Vec<u32>>,
    /// Per term, how many facts use it.
    df: Vec<u32>,
    /// Per doc, its terms, sorted.
    doc_terms: Vec<Vec<u32>>,
    /// Per fact, how many stored texts it has.
    fact_texts: Vec<u32>,
    /// Per term, whether it is a stop word.
    stops: Vec<bool>,
}

/// What the index is built from: per fact, its questions and its body text.
pub struct FactText<'a> {
    pub questions: Vec<&'a str>,
    pub body: String,
}

impl Index {
    /// Indexes the facts. Stop words weigh `stop_weight` of what their
    /// rarity alone would give (0 leaves them out).
    pub fn build<'a>(facts: impl IntoIterator<Item = FactText<'a>>, synonyms: &Synonyms, stop_weight: f32) -> Index {
        let mut index = Index::default();
        let mut stops: Vec<bool> = Vec::new();
        let mut doc_terms: Vec<Vec<u32>> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let mut fact_count = 0u32;
        for (fact_no, fact) in facts.into_iter().enumerate() {
            fact_count += 1;
            let mut fact_terms: Vec<u32> = Vec::new();
            let mut texts_with: HashMap<u32, u32> = HashMap::new();
            let texts = fact
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| (Some(i as u32), *q))
                .chain(std::iter::once((None, fact.body.as_str())));
            for (question, text) in texts {
                let mut ids = Vec::new();
                for (term, stop) in analyzer::index_terms_and_stops(text, synonyms) {
                    if stop && stop_weight <= 0.0 {
                        continue;
                    }
                    let next = index.terms.len() as u32;
                    let id = *index.terms.entry(term).or_insert(next);
                    if id == next {
                        index.postings.push(Vec::new());
                        df.push(0);
                        stops.push(stop);
                    }
                    ids.push(id);
                    *texts_with.entry(id).or_default() += 1;
                    if !fact_terms.contains(&id) {
                        fact_terms.push(id);
                        df[id as usize] += 1;
                    }
                }
                let doc = index.docs.len() as u32;
                for &id in &ids {
                    index.postings[id as usize].push(doc);
                }
                index.docs.push(Doc {
                    fact: fact_no as u32,
                    question,
                    weight: 0.0,
                });
                doc_terms.push(ids);
            }
            fact_terms.sort_unstable();
            index
                .fact_counts
                .push(fact_terms.iter().map(|id| texts_with[id]).collect());
            index.fact_terms.push(fact_terms);
            index.fact_texts.push(fact.questions.len() as u32 + 1);
        }
        index.term_texts = vec![String::new(); index.terms.len()];
        for (text, &id) in &index.terms {
            index.term_texts[id as usize] = text.clone();
        }
        // Rare words tell facts apart; words every fact shares tell nothing.
        let n = fact_count.max(1) as f32;
        index.idf = df
            .iter()
            .zip(&stops)
            .map(|(&df, &stop)| {
                let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
                if stop {
                    idf * stop_weight
                } else {
                    idf
                }
            })
            .collect();
        index.stops = stops;
        index.max_idf = (1.0 + (n + 0.5) / 0.5).ln();
        index.df = df;
        for (doc, ids) in index.docs.iter_mut().zip(&mut doc_terms) {
            doc.weight = ids.iter().map(|&id| index.idf[id as usize]).sum();
            ids.sort_unstable();
        }
        index.doc_terms = doc_terms;
        let mut words: Vec<(&String, u32)> = index.terms.iter().map(|(t, &id)| (t, id)).collect();
        words.sort();
        for (text, id) in words {
            if !text.starts_with(['#', '@']) && !text.contains('_') {
                index.lexicon.add(text, Target::Term(id));
            }
        }
        let mut members: Vec<(&str, &str)> = synonyms.single_words().collect();
        members.sort();
        for (member, name) in members {
            if let Some(&id) = index.terms.get(name) {
                index.lexicon.add(member, Target::Term(id));
            }
        }
        for stop in analyzer::stop_words() {
            index.lexicon.add(stop, Target::Stop);
        }
        index
    }

    pub fn term_text(&self, id: u32) -> &str {
        &self.term_texts[id as usize]
    }

    pub fn term(&self, text: &str) -> Option<u32> {
        self.terms.get(text).copied()
    }

    /// Exact index term, else the closest words within the typo budget,
    /// with the edits it took (0 when exact).
    pub fn resolve(&self, word: &str) -> (Vec<Resolved>, usize) {
        let lex = &self.lexicon;
        if let Some(id) = lex.words.id(word) {
            return (vec![resolved(lex.targets[id as usize], 1.0)], 0);
        }
        let near = lex.words.nearest(word);
        let edits = near.first().map_or(0, |n| n.edits);
        let found = near
            .iter()
            .take(3)
            .map(|n| resolved(lex.targets[n.id as usize], n.similarity))
            .collect();
        (found, edits)
    }

    pub fn idf(&self, term: u32) -> f32 {
        self.idf[term as usize]
    }

    /// The weight of a word no fact uses: as informative as the rarest word.
    pub fn max_idf(&self) -> f32 {
        self.max_idf
    }

    pub fn postings(&self, term: u32) -> &[u32] {
        &self.postings[term as usize]
    }

    pub fn doc(&self, doc: u32) -> &Doc {
        &self.docs[doc as usize]
    }

    /// Whether the stored text holds the term.
    pub fn doc_has(&self, doc: u32, term: u32) -> bool {
        self.doc_terms[doc as usize].binary_search(&term).is_ok()
    }

    /// Whether any text of the fact holds the term.
    pub fn fact_has(&self, fact: u32, term: u32) -> bool {
        self.fact_terms[fact as usize].binary_search(&term).is_ok()
    }

    /// Whether the term is a stop word (indexed at a small weight).
    pub fn is_stop(&self, term: u32) -> bool {
        self.stops[term as usize]
    }

    /// How many stored texts (phrasings and the body) the fact has.
    pub fn fact_texts(&self, fact: u32) -> u32 {
        self.fact_texts[fact as usize]
    }

    /// How many of the fact's stored texts hold the term.
    pub fn texts_with(&self, fact: u32, term: u32) -> u32 {
        let terms = &self.fact_terms[fact as usize];
        terms
            .binary_search(&term)
            .map_or(0, |i| self.fact_counts[fact as usize][i])
    }

    /// Share of facts that use the term, in [0, 1].
    pub fn fact_share(&self, term: u32) -> f32 {
        self.df[term as usize] as f32 / self.fact_terms.len().max(1) as f32
    }

    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    pub fn doc_count(&self) -> usize {
        self.docs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::text;
    use super::*;

    fn index(texts: &[&str]) -> Index {
        Index::build(
            texts.iter().map(|t| FactText {
                questions: vec![*t],
                body: String::new(),
            }),
            &Synonyms::default(),
            0.0,
        )
    }

    #[test]
    fn misspelt_words_find_the_indexed_word() {
        let idx = index(&["When was the ceasefire agreed?", "How many prisoners were exchanged?"]);
        let ceasefire = idx.term(&text::stem("ceasefire")).unwrap();
        assert!(
            matches!(idx.resolve(&text::stem("ceasfire")).0[..], [Resolved::Term(id, sim)] if id == ceasefire && sim > 0.8)
        );
        let prisoner = idx.term(&text::stem("prisoners")).unwrap();
        assert!(matches!(idx.resolve("prsion").0[..], [Resolved::Term(id, _)] if id == prisoner));
        assert!(idx.resolve("australia").0.is_empty());
        let stop = idx.resolve("whta").0;
        assert!(
            !stop.is_empty() && stop.iter().all(|r| *r == Resolved::Stop),
            "{stop:?}"
        );
    }

    #[test]
    fn short_words_must_be_exact() {
        let idx = index(&["Who met Putin?"]);
        assert!(idx.resolve("mat").0.is_empty());
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        let idx = index(&["Putin Moscow", "Putin Jeddah", "Putin Rome"]);
        assert!(idx.idf(idx.term("jeddah").unwrap()) > idx.idf(idx.term("putin").unwrap()));
    }
}
