//! The inverted index: which stored texts hold which term, how informative
//! each term is, and a fuzzy look-up of misspelt words that touches only the
//! words sharing letter pairs with it, never the whole vocabulary.

use std::collections::HashMap;

use super::analyzer::{self, Synonyms};

/// What a word in a question turned out to be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved {
    /// A term of the index, with how sure the match is (1.0 when exact).
    Term(u32, f32),
    /// A stop word, perhaps misspelt.
    Stop,
}

#[derive(Debug)]
enum Target {
    Term(u32),
    Stop,
}

#[derive(Debug)]
struct Entry {
    text: String,
    chars: usize,
    target: Target,
}

/// Words the fuzzy look-up can land on: every indexed word, every one-word
/// synonym (pointing at its group's term) and every stop word.
#[derive(Debug, Default)]
struct Lexicon {
    entries: Vec<Entry>,
    exact: HashMap<String, u32>,
    grams: HashMap<(char, char), Vec<u32>>,
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

/// How many edits a word of this length may carry and still be recognised.
fn typo_budget(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=5 => 1,
        6..=11 => 2,
        _ => 3,
    }
}

impl Lexicon {
    fn add(&mut self, text: &str, target: Target) {
        if self.exact.contains_key(text) {
            return;
        }
        let id = self.entries.len() as u32;
        for g in bigrams(text) {
            self.grams.entry(g).or_default().push(id);
        }
        self.exact.insert(text.to_string(), id);
        self.entries.push(Entry {
            text: text.to_string(),
            chars: text.chars().count(),
            target,
        });
    }

    fn resolve(&self, word: &str) -> Vec<(&Entry, f32)> {
        if let Some(&id) = self.exact.get(word) {
            return vec![(&self.entries[id as usize], 1.0)];
        }
        let chars = word.chars().count();
        let budget = typo_budget(chars);
        if budget == 0 {
            return Vec::new();
        }
        let grams = bigrams(word);
        // Each edit destroys at most two letter pairs, so a word within the
        // budget shares at least this many pairs with the typed one.
        let needed = grams.len().saturating_sub(2 * budget).max(1);
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for g in &grams {
            if let Some(ids) = self.grams.get(g) {
                for &id in ids {
                    *shared.entry(id).or_default() += 1;
                }
            }
        }
        let mut best: Vec<(usize, u32)> = Vec::new();
        for (id, count) in shared {
            let entry = &self.entries[id as usize];
            if count < needed || entry.chars.abs_diff(chars) > budget {
                continue;
            }
            // The first letter is rarely the typo; words that differ there
            // need a closer match.
            let first_differs = entry.text.chars().next() != word.chars().next();
            let allowed = if first_differs {
                budget.saturating_sub(1)
            } else {
                budget
            };
            let distance = strsim::damerau_levenshtein(word, &entry.text);
            if distance <= allowed {
                best.push((distance, id));
            }
        }
        let Some(min) = best.iter().map(|(d, _)| *d).min() else {
            return Vec::new();
        };
        let mut found: Vec<u32> = best.into_iter().filter(|(d, _)| *d == min).map(|(_, id)| id).collect();
        found.sort_unstable_by(|a, b| self.entries[*a as usize].text.cmp(&self.entries[*b as usize].text));
        found.truncate(3);
        found
            .into_iter()
            .map(|id| {
                let entry = &self.entries[id as usize];
                let sim = strsim::normalized_damerau_levenshtein(word, &entry.text) as f32;
                (entry, sim)
            })
            .collect()
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
    /// Per term, how many facts use it.
    df: Vec<u32>,
    /// Per doc, its terms, sorted.
    doc_terms: Vec<Vec<u32>>,
}

/// What the index is built from: per fact, its questions and its body text.
pub struct FactText<'a> {
    pub questions: Vec<&'a str>,
    pub body: String,
}

impl Index {
    pub fn build<'a>(facts: impl IntoIterator<Item = FactText<'a>>, synonyms: &Synonyms) -> Index {
        let mut index = Index::default();
        let mut doc_terms: Vec<Vec<u32>> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let mut fact_count = 0u32;
        for (fact_no, fact) in facts.into_iter().enumerate() {
            fact_count += 1;
            let mut fact_terms: Vec<u32> = Vec::new();
            let texts = fact
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| (Some(i as u32), *q))
                .chain(std::iter::once((None, fact.body.as_str())));
            for (question, text) in texts {
                let mut ids = Vec::new();
                for term in analyzer::index_terms(text, synonyms) {
                    let next = index.terms.len() as u32;
                    let id = *index.terms.entry(term).or_insert(next);
                    if id == next {
                        index.postings.push(Vec::new());
                        df.push(0);
                    }
                    ids.push(id);
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
            index.fact_terms.push(fact_terms);
        }
        // Rare words tell facts apart; words every fact shares tell nothing.
        let n = fact_count.max(1) as f32;
        index.idf = df
            .iter()
            .map(|&df| (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln())
            .collect();
        index.max_idf = (1.0 + (n + 0.5) / 0.5).ln();
        index.df = df;
        index.term_texts = vec![String::new(); index.terms.len()];
        for (text, &id) in &index.terms {
            index.term_texts[id as usize] = text.clone();
        }
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

    /// Exact index term, else the closest words within the typo budget.
    pub fn resolve(&self, word: &str) -> Vec<Resolved> {
        self.lexicon
            .resolve(word)
            .into_iter()
            .map(|(entry, sim)| match entry.target {
                Target::Term(id) => Resolved::Term(id, sim),
                Target::Stop => Resolved::Stop,
            })
            .collect()
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
    use super::*;

    fn index(texts: &[&str]) -> Index {
        Index::build(
            texts.iter().map(|t| FactText {
                questions: vec![*t],
                body: String::new(),
            }),
            &Synonyms::default(),
        )
    }

    #[test]
    fn misspelt_words_find_the_indexed_word() {
        let idx = index(&["When was the ceasefire agreed?", "How many prisoners were exchanged?"]);
        let ceasefire = idx.term("ceasefir").unwrap();
        assert!(matches!(idx.resolve("ceasfir")[..], [Resolved::Term(id, sim)] if id == ceasefire && sim > 0.8));
        let prisoner = idx.term("prisoner").unwrap();
        assert!(matches!(idx.resolve("prisner")[..], [Resolved::Term(id, _)] if id == prisoner));
        assert!(idx.resolve("australia").is_empty());
        assert_eq!(idx.resolve("whta"), vec![Resolved::Stop]);
    }

    #[test]
    fn short_words_must_be_exact() {
        let idx = index(&["Who met Putin?"]);
        assert!(idx.resolve("mat").is_empty());
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        let idx = index(&["Putin Moscow", "Putin Jeddah", "Putin Rome"]);
        assert!(idx.idf(idx.term("jeddah").unwrap()) > idx.idf(idx.term("putin").unwrap()));
    }
}
