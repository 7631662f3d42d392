//! The inverted index: which stored texts hold which term, how informative
//! each term is, and a fuzzy look-up of misspelt words that touches only the
//! words sharing letter pairs with it, never the whole vocabulary.

use super::analyzer::{self, Synonyms};
use super::fuzzy::FuzzyWords;
use super::hash::WordMap;
use super::text;

/// The most a stop word weighs, as a share of the most any word can weigh
/// (one that no fact holds). Chosen on the dev question sets and CLINC150's validation
/// split: 0.4 to 0.5 answered a few more blind questions right and lost
/// nothing anywhere; 0.3 began to cost declines.
const STOP_WORD_CAP: f32 = 0.45;

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

/// Lists of ids, one after another in one vector: list `i` is
/// `items[starts[i]..starts[i + 1]]`. A large base has hundreds of
/// thousands of short lists; one allocation each would cost a header and
/// slack apiece, and scatter them over memory.
#[derive(Debug, Clone)]
struct Lists<T = u32> {
    items: Vec<T>,
    starts: Vec<u32>,
}

impl<T> Default for Lists<T> {
    fn default() -> Lists<T> {
        Lists {
            items: Vec::new(),
            starts: vec![0],
        }
    }
}

impl<T: Copy + Default> Lists<T> {
    fn get(&self, i: usize) -> &[T] {
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    fn get_mut(&mut self, i: usize) -> &mut [T] {
        &mut self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    fn push(&mut self, list: impl IntoIterator<Item = T>) {
        self.items.extend(list);
        self.starts.push(self.items.len() as u32);
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Lists of `(list, item)` pairs, each list's items in the order given.
    fn from_pairs(lists: usize, pairs: &[(u32, T)]) -> Lists<T> {
        let mut starts = vec![0u32; lists + 1];
        for &(list, _) in pairs {
            starts[list as usize + 1] += 1;
        }
        for i in 0..lists {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut items = vec![T::default(); pairs.len()];
        for &(list, item) in pairs {
            items[next[list as usize] as usize] = item;
            next[list as usize] += 1;
        }
        Lists { items, starts }
    }
}

/// A fact holding a term, in the term's postings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Posting {
    pub fact: u32,
    /// The share of the fact's stored texts that hold the term.
    pub share: f32,
}

/// A term of a fact, in the fact's terms.
#[derive(Debug, Clone, Copy, Default)]
pub struct FactTerm {
    pub term: u32,
    /// How many of the fact's stored texts hold it.
    pub texts: u32,
}

#[derive(Debug, Default)]
pub struct Index {
    terms: WordMap<String, u32>,
    term_texts: Vec<String>,
    idf: Vec<f32>,
    /// Per term, the facts with a text holding it, in order.
    postings: Lists<Posting>,
    /// Per term, how many stored texts hold it.
    texts_holding: Vec<u32>,
    /// Per term, the least weight of a text holding it.
    lightest: Vec<f32>,
    /// Per term, the largest share of a fact's texts that hold it.
    widest: Vec<f32>,
    docs: Vec<Doc>,
    lexicon: Lexicon,
    max_idf: f32,
    /// Per fact, every term in any of its texts, sorted.
    fact_terms: Lists<FactTerm>,
    /// Per term of a fact with many texts, the texts holding it, in order:
    /// a fact's lists are numbered in a run, from `term_docs_first`.
    term_docs: Lists,
    /// Per fact, the number of its first list in `term_docs`; `u32::MAX`
    /// for a fact with [`FEW_TEXTS`] texts or fewer, which has none.
    term_docs_first: Vec<u32>,
    /// Per fact, the least weight of its texts that hold a term.
    fact_lightest: Vec<f32>,
    /// Per term, how many facts use it.
    df: Vec<u32>,
    /// Per doc, its terms, sorted.
    doc_terms: Lists,
    /// Per term, whether it is a stop word.
    stops: Vec<bool>,
    /// Per fact, its first stored text; a fact's texts are numbered in a
    /// run, and one more entry ends the last run.
    fact_first_doc: Vec<u32>,
}

/// Up to how many texts a fact has for its texts to be read for a term,
/// rather than found from lists of the texts holding each of its terms
/// (which cost memory, and save nothing on a fact with few texts).
pub const FEW_TEXTS: usize = 8;

/// Facts whose texts are analysed together, split among the workers.
const ANALYSED_TOGETHER: usize = 4096;

/// Most threads analysing texts at once.
const MAX_WORKERS: usize = 8;

/// A worker's terms, numbered as it first meets them: a text's terms come
/// back as these numbers, so that no word is copied per text.
#[derive(Debug, Default)]
struct LocalTerms {
    words: analyzer::WordCache,
    ids: WordMap<String, u32>,
    texts: Vec<String>,
}

/// A text's terms: each once, in order, with whether it is a stop word there.
type TextTerms = Vec<(u32, bool)>;

impl LocalTerms {
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(term.to_string());
        self.ids.insert(term.to_string(), id);
        id
    }

    /// The terms [`analyzer::index_terms_and_stops`] finds in a text.
    fn analyse(&mut self, text: &str, synonyms: &Synonyms) -> TextTerms {
        let mut out: TextTerms = Vec::new();
        let mut add = |id: u32, stop: bool| {
            if !out.iter().any(|&(seen, _)| seen == id) {
                out.push((id, stop));
            }
        };
        if synonyms.is_empty() {
            // What `analyze` does when no phrase can be replaced, without
            // building its terms.
            for token in text::tokens(text) {
                match token {
                    text::Token::Word(w) => {
                        let (stem, stop) = self.words.read_ref(&w);
                        let stop = *stop;
                        let id = match self.ids.get(stem.as_str()) {
                            Some(&id) => id,
                            None => {
                                let stem = stem.clone();
                                self.id(&stem)
                            }
                        };
                        add(id, stop);
                    }
                    other => add(self.id(&other.special_term().unwrap_or_default()), false),
                }
            }
        } else {
            for (term, stop) in analyzer::index_terms_and_stops_cached(text, synonyms, &mut self.words) {
                add(self.id(&term), stop);
            }
        }
        out
    }
}

/// Per fact, the terms of each of its texts (its questions, then its body),
/// analysed on as many threads as there are `workers`, each with its own
/// numbering, with the worker that numbered them.
fn analyse(facts: &[FactText], synonyms: &Synonyms, workers: &mut [LocalTerms]) -> Vec<(usize, Vec<TextTerms>)> {
    let one = |fact: &FactText, terms: &mut LocalTerms| -> Vec<TextTerms> {
        fact.questions
            .iter()
            .copied()
            .chain(std::iter::once(fact.body.as_str()))
            .map(|text| terms.analyse(text, synonyms))
            .collect()
    };
    if workers.len() <= 1 || facts.len() < 64 {
        let terms = &mut workers[0];
        return facts.iter().map(|f| (0, one(f, terms))).collect();
    }
    let per = facts.len().div_ceil(workers.len());
    std::thread::scope(|scope| {
        let parts: Vec<_> = facts
            .chunks(per)
            .zip(workers.iter_mut())
            .enumerate()
            .map(|(w, (part, terms))| scope.spawn(move || part.iter().map(|f| (w, one(f, terms))).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
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
        Index::build_in_order(facts, synonyms, stop_weight).0
    }

    /// [`Index::build`], with each stored text's terms as the text has them
    /// (each once, in order), which the index keeps only sorted: what reads
    /// a text's word order need not analyse it again.
    pub fn build_in_order<'a>(
        facts: impl IntoIterator<Item = FactText<'a>>,
        synonyms: &Synonyms,
        stop_weight: f32,
    ) -> (Index, Vec<Vec<u32>>) {
        let mut index = Index::default();
        let mut stops: Vec<bool> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        // (term, fact) for every term of every fact, in the order of facts.
        let mut postings: Vec<(u32, Posting)> = Vec::new();
        let mut fact_count = 0u32;
        let mut fact_terms: Vec<(u32, u32)> = Vec::new();
        let facts: Vec<FactText> = facts.into_iter().collect();
        let texts: usize = facts.iter().map(|f| f.questions.len() + 1).sum();
        index.docs.reserve_exact(texts);
        index.doc_terms.starts.reserve_exact(texts);
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_WORKERS);
        let mut locals: Vec<LocalTerms> = (0..workers).map(|_| LocalTerms::default()).collect();
        // Per worker, the index's number for each of its numbers.
        let mut global: Vec<Vec<u32>> = vec![Vec::new(); workers];
        // Texts are analysed a chunk of facts at a time, in parallel, and
        // numbered here in order: the index is the same whatever the workers.
        let mut chunks = facts.chunks(ANALYSED_TOGETHER);
        let mut analysed = Vec::new().into_iter();
        for (fact_no, fact) in facts.iter().enumerate() {
            let (worker, texts) = match analysed.next() {
                Some(next) => next,
                None => {
                    let chunk = chunks.next().unwrap_or_default();
                    analysed = analyse(chunk, synonyms, &mut locals).into_iter();
                    analysed.next().unwrap_or_default()
                }
            };
            fact_count += 1;
            index.fact_first_doc.push(index.docs.len() as u32);
            // The fact's terms with how many of its texts hold each.
            fact_terms.clear();
            let questions = (0..fact.questions.len() as u32).map(Some).chain(std::iter::once(None));
            for (question, terms) in questions.zip(texts) {
                for (local, stop) in terms {
                    if stop && stop_weight <= 0.0 {
                        continue;
                    }
                    let known = &mut global[worker];
                    if known.len() <= local as usize {
                        known.resize(locals[worker].texts.len(), u32::MAX);
                    }
                    let next = index.terms.len() as u32;
                    let id = match known[local as usize] {
                        u32::MAX => {
                            let text = &locals[worker].texts[local as usize];
                            let id = match index.terms.get(text.as_str()) {
                                Some(&id) => id,
                                None => {
                                    index.terms.insert(text.clone(), next);
                                    next
                                }
                            };
                            known[local as usize] = id;
                            id
                        }
                        id => id,
                    };
                    if id == next {
                        df.push(0);
                        stops.push(stop);
                        index.texts_holding.push(0);
                    }
                    index.doc_terms.items.push(id);
                    index.texts_holding[id as usize] += 1;
                    match fact_terms.iter_mut().find(|(t, _)| *t == id) {
                        Some((_, texts)) => *texts += 1,
                        None => {
                            fact_terms.push((id, 1));
                            df[id as usize] += 1;
                        }
                    }
                }
                index.doc_terms.starts.push(index.doc_terms.items.len() as u32);
                index.docs.push(Doc {
                    fact: fact_no as u32,
                    question,
                    weight: 0.0,
                });
            }
            fact_terms.sort_unstable();
            let texts = (index.docs.len() as u32 - index.fact_first_doc[fact_no]) as f32;
            postings.extend(fact_terms.iter().map(|&(term, count)| {
                let share = count as f32 / texts;
                (
                    term,
                    Posting {
                        fact: fact_no as u32,
                        share,
                    },
                )
            }));
            index
                .fact_terms
                .push(fact_terms.iter().map(|&(term, texts)| FactTerm { term, texts }));
        }
        index.postings = Lists::from_pairs(df.len(), &postings);
        drop(postings);
        index.fact_first_doc.push(index.docs.len() as u32);
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
                    // A stop word that few texts happen to use ("again",
                    // "else") still says little about what is asked.
                    (idf * stop_weight).min(STOP_WORD_CAP * (1.0 + (n + 0.5) / 0.5).ln())
                } else {
                    idf
                }
            })
            .collect();
        index.stops = stops;
        index.max_idf = (1.0 + (n + 0.5) / 0.5).ln();
        index.df = df;
        let in_order: Vec<Vec<u32>> = (0..index.docs.len()).map(|i| index.doc_terms.get(i).to_vec()).collect();
        for (i, doc) in index.docs.iter_mut().enumerate() {
            // Summed in the order the text has its words, then sorted.
            let ids = index.doc_terms.get_mut(i);
            doc.weight = ids.iter().map(|&id| index.idf[id as usize]).sum();
            ids.sort_unstable();
        }
        index.lightest = vec![f32::INFINITY; index.terms.len()];
        for (i, doc) in index.docs.iter().enumerate() {
            for &id in index.doc_terms.get(i) {
                let lightest = &mut index.lightest[id as usize];
                *lightest = lightest.min(doc.weight);
            }
        }
        index.widest = vec![0.0; index.terms.len()];
        for (id, widest) in index.widest.iter_mut().enumerate() {
            *widest = index.postings.get(id).iter().map(|p| p.share).fold(0.0, f32::max);
        }
        let mut holding: Vec<(u32, u32)> = Vec::new();
        let mut lists = 0u32;
        for fact in 0..index.fact_count() {
            let docs = index.fact_first_doc[fact]..index.fact_first_doc[fact + 1];
            if docs.len() <= FEW_TEXTS {
                index.term_docs_first.push(u32::MAX);
                continue;
            }
            index.term_docs_first.push(lists);
            let terms = index.fact_terms.get(fact);
            for doc in docs {
                for &id in index.doc_terms.get(doc as usize) {
                    if let Ok(at) = terms.binary_search_by_key(&id, |t| t.term) {
                        holding.push((lists + at as u32, doc));
                    }
                }
            }
            lists += terms.len() as u32;
        }
        index.term_docs = Lists::from_pairs(lists as usize, &holding);
        drop(holding);
        index.fact_lightest = (0..index.fact_count())
            .map(|fact| {
                let docs = index.fact_first_doc[fact] as usize..index.fact_first_doc[fact + 1] as usize;
                index.docs[docs]
                    .iter()
                    .map(|d| d.weight)
                    .filter(|&w| w > 0.0)
                    .fold(f32::INFINITY, f32::min)
            })
            .collect();
        let mut words: Vec<(&String, u32)> = index.terms.iter().map(|(t, &id)| (t, id)).collect();
        words.sort();
        for (text, id) in words {
            if !text.starts_with(['#', '@']) && !text.contains('_') {
                index.lexicon.add(text, Target::Term(id));
            }
        }
        // The words as the texts spell them ("many" of the term "mani"): a
        // slip in a word is a slip in its spelling, not in its stem.
        let mut spelt: Vec<(&str, u32)> = locals
            .iter()
            .flat_map(|l| l.words.words())
            .filter(|&(word, stem, stop)| !stop && word != stem && !word.contains('_'))
            .filter_map(|(word, stem, _)| {
                let name = synonyms.name_of(stem).unwrap_or(stem);
                index.terms.get(name).map(|&id| (word, id))
            })
            .collect();
        spelt.sort_unstable();
        spelt.dedup();
        for (word, id) in spelt {
            index.lexicon.add(word, Target::Term(id));
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
        (index, in_order)
    }

    pub fn term_text(&self, id: u32) -> &str {
        &self.term_texts[id as usize]
    }

    pub fn term(&self, text: &str) -> Option<u32> {
        self.terms.get(text).copied()
    }

    /// Whether a word, as spelt, is one the fuzzy look-up can land on.
    pub fn spells(&self, word: &str) -> bool {
        self.lexicon.words.id(word).is_some()
    }

    /// Exact index term, else the closest words within the typo budget,
    /// with the edits it took (0 when exact).
    pub fn resolve(&self, word: &str) -> (Vec<Resolved>, usize) {
        let lex = &self.lexicon;
        if let Some(id) = lex.words.id(word) {
            return (vec![resolved(lex.targets[id as usize], 1.0)], 0);
        }
        let near = self.likeliest_near(word);
        let edits = near.first().map_or(0, |n| n.edits);
        let found = near
            .iter()
            .take(3)
            .map(|n| resolved(lex.targets[n.id as usize], n.similarity))
            .collect();
        (found, edits)
    }

    /// The word, as the texts spell it, that [`Index::resolve`] reads a
    /// word it does not spell as first, with the edits it took.
    pub fn likeliest_spelling(&self, word: &str) -> Option<(&str, usize)> {
        let near = self.likeliest_near(word);
        near.first().map(|n| (self.lexicon.words.word(n.id), n.edits))
    }

    fn likeliest_near(&self, word: &str) -> Vec<super::fuzzy::Near> {
        let lex = &self.lexicon;
        let mut near = lex.words.nearest(word);
        // The likeliest first: slips of the fingers before far keys, and
        // then the word English uses most ("hwat" is "what" before "heat").
        let english = super::lexicon::Lexicon::english();
        let count = |n: &super::fuzzy::Near| english.log_count(lex.words.word(n.id)).unwrap_or(0.0);
        near.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(count(b).total_cmp(&count(a)))
                .then(a.id.cmp(&b.id))
        });
        near
    }

    pub fn idf(&self, term: u32) -> f32 {
        self.idf[term as usize]
    }

    /// The weight of a word no fact uses: as informative as the rarest word.
    pub fn max_idf(&self) -> f32 {
        self.max_idf
    }

    /// The facts with a stored text holding the term, in order.
    pub fn facts_with(&self, term: u32) -> &[Posting] {
        self.postings.get(term as usize)
    }

    /// The least weight of the fact's stored texts that hold any term.
    pub fn fact_lightest(&self, fact: u32) -> f32 {
        self.fact_lightest[fact as usize]
    }

    /// The least weight of a stored text holding the term.
    pub fn lightest_text(&self, term: u32) -> f32 {
        self.lightest[term as usize]
    }

    /// The largest share of a fact's stored texts that hold the term.
    pub fn widest_share(&self, term: u32) -> f32 {
        self.widest[term as usize]
    }

    /// How many stored texts hold the term.
    pub fn texts_holding(&self, term: u32) -> usize {
        self.texts_holding[term as usize] as usize
    }

    pub fn doc(&self, doc: u32) -> &Doc {
        &self.docs[doc as usize]
    }

    /// The stored text's terms, sorted.
    pub fn doc_terms(&self, doc: u32) -> &[u32] {
        self.doc_terms.get(doc as usize)
    }

    /// Every term in any of the fact's texts, sorted, with how many of its
    /// texts hold it.
    pub fn fact_terms(&self, fact: u32) -> &[FactTerm] {
        self.fact_terms.get(fact as usize)
    }

    /// Whether the stored text holds the term.
    pub fn doc_has(&self, doc: u32, term: u32) -> bool {
        self.doc_terms(doc).binary_search(&term).is_ok()
    }

    /// The texts of the fact holding its `at`th term (of
    /// [`Index::fact_terms`]), in order; `None` for a fact with
    /// [`FEW_TEXTS`] texts or fewer, whose texts are read instead.
    pub fn fact_term_docs(&self, fact: u32, at: usize) -> Option<&[u32]> {
        match self.term_docs_first[fact as usize] {
            u32::MAX => None,
            first => Some(self.term_docs.get(first as usize + at)),
        }
    }

    /// Whether [`Index::fact_term_docs`] knows the fact's texts.
    pub fn knows_term_docs(&self, fact: u32) -> bool {
        self.term_docs_first[fact as usize] != u32::MAX
    }

    /// Whether any text of the fact holds the term.
    pub fn fact_has(&self, fact: u32, term: u32) -> bool {
        self.fact_terms(fact).binary_search_by_key(&term, |t| t.term).is_ok()
    }

    /// Whether the term is a stop word (indexed at a small weight).
    pub fn is_stop(&self, term: u32) -> bool {
        self.stops[term as usize]
    }

    /// The fact's stored texts (its phrasings, then its body).
    pub fn fact_docs(&self, fact: u32) -> std::ops::Range<u32> {
        self.fact_first_doc[fact as usize]..self.fact_first_doc[fact as usize + 1]
    }

    pub fn fact_count(&self) -> usize {
        self.fact_terms.len()
    }

    /// How many stored texts (phrasings and the body) the fact has.
    pub fn fact_texts(&self, fact: u32) -> u32 {
        self.fact_first_doc[fact as usize + 1] - self.fact_first_doc[fact as usize]
    }

    /// How many of the fact's stored texts hold the term.
    pub fn texts_with(&self, fact: u32, term: u32) -> u32 {
        let terms = self.fact_terms(fact);
        terms
            .binary_search_by_key(&term, |t| t.term)
            .map_or(0, |i| terms[i].texts)
    }

    /// Share of facts that use the term, in [0, 1].
    pub fn fact_share(&self, term: u32) -> f32 {
        self.df[term as usize] as f32 / self.fact_count().max(1) as f32
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
    fn a_slip_is_measured_against_the_word_as_spelt_not_its_stem() {
        // "mnay" is one swap from "many" but two edits from its stem "mani",
        // and one from "may".
        let idx = index(&["How many prisoners?", "What may happen?"]);
        let many = idx.term(&text::stem("many")).unwrap();
        let (found, edits) = idx.resolve("mnay");
        assert_eq!(edits, 1);
        assert!(
            found.iter().any(|r| matches!(r, Resolved::Term(id, _) if *id == many)),
            "{found:?}"
        );
    }

    #[test]
    fn a_stop_word_one_fact_happens_to_use_weighs_less_than_a_word_it_alone_holds() {
        let idx = Index::build(
            [
                "Is the US sharing intelligence again?",
                "Who is the president?",
                "Who met Putin?",
            ]
            .iter()
            .map(|t| FactText {
                questions: vec![*t],
                body: String::new(),
            }),
            &Synonyms::default(),
            1.0,
        );
        let weight = |w: &str| idx.idf(idx.term(&text::stem(w)).unwrap());
        assert_eq!(weight("intelligence"), weight("putin"));
        assert!(weight("again") <= STOP_WORD_CAP * idx.max_idf() + 1e-6);
        assert!(weight("again") < weight("intelligence"));
        assert!(weight("again") > weight("the"), "rarer stop words still weigh more");
    }

    #[test]
    fn short_words_must_be_exact() {
        let idx = index(&["Who met Putin?"]);
        assert!(idx.resolve("mat").0.is_empty());
    }

    #[test]
    fn texts_read_without_synonyms_get_the_analyzers_terms() {
        let mut local = LocalTerms::default();
        for text in [
            "Who met Putin on March 13th, 2025?",
            "in May, 1,000 prisoners were swapped; two hundred and fifty came home",
            "What did the U.S. say — about the 3/13 talks?",
            "hi",
            "",
        ] {
            let terms: Vec<(String, bool)> = local
                .analyse(text, &Synonyms::default())
                .into_iter()
                .map(|(id, stop)| (local.texts[id as usize].clone(), stop))
                .collect();
            assert_eq!(
                terms,
                analyzer::index_terms_and_stops(text, &Synonyms::default()),
                "{text}"
            );
        }
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        let idx = index(&["Putin Moscow", "Putin Jeddah", "Putin Rome"]);
        assert!(idx.idf(idx.term("jeddah").unwrap()) > idx.idf(idx.term("putin").unwrap()));
    }
}
