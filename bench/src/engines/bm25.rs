//! A plain search-engine baseline: one tantivy document per entry holding all
//! its questions, ranked by BM25 with fuzzy matches for longer words.
//!
//! BM25 scores have no upper bound, so they cannot carry a threshold. Each of
//! the top ten is re-scored with the best Sørensen–Dice similarity between
//! the query and the entry's stored questions, a score in 0..=1 that the
//! threshold applies to. The ranking stays by BM25; the `tantivy-rescored`
//! view re-orders the same ten by the bounded score.

use anyhow::{Context, Result};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::{lower, Engine, View};
use crate::data::Entry;

/// Tantivy's English analyser: split on non-alphanumerics, drop tokens over
/// 40 bytes, lower case, Snowball English stemmer.
const TOKENIZER: &str = "en_stem";

struct Built {
    searcher: Searcher,
    analyzer: TextAnalyzer,
    text: Field,
    /// Lower-cased questions per entry, for the bounded re-score.
    questions: Vec<Vec<String>>,
}

#[derive(Default)]
pub struct Bm25 {
    built: Option<Built>,
}

/// Edit distance allowed for a fuzzy match of a query word of this many letters.
pub fn fuzzy_distance(letters: usize) -> Option<u8> {
    match letters {
        0..=4 => None,
        5..=8 => Some(1),
        _ => Some(2),
    }
}

impl Bm25 {
    fn built(&self) -> &Built {
        self.built.as_ref().expect("the engine is built before it is queried")
    }

    /// The BooleanQuery for a question: for every token, a BM25 term query
    /// and, for words of five letters or more, a fuzzy one (transpositions
    /// cost one). `None` when the question has no token.
    fn parse(&self, q: &str) -> Option<BooleanQuery> {
        let built = self.built();
        let mut analyzer = built.analyzer.clone();
        let mut stream = analyzer.token_stream(q);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        while let Some(token) = stream.next() {
            let term = Term::from_field_text(built.text, &token.text);
            // The distance follows the word as typed, before stemming.
            let letters = q
                .get(token.offset_from..token.offset_to)
                .map_or(0, |w| w.chars().count());
            if let Some(d) = fuzzy_distance(letters) {
                clauses.push((Occur::Should, Box::new(FuzzyTermQuery::new(term.clone(), d, true))));
            }
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            ));
        }
        (!clauses.is_empty()).then(|| BooleanQuery::new(clauses))
    }

    /// The best Sørensen–Dice similarity between the query and an entry's questions.
    fn bounded(&self, q_lower: &str, entry: usize) -> f64 {
        self.built().questions[entry]
            .iter()
            .map(|s| strsim::sorensen_dice(q_lower, s))
            .fold(0.0, f64::max)
    }

    fn search(&self, q: &str) -> Result<Vec<(usize, f64)>> {
        let Some(query) = self.parse(q) else {
            return Ok(Vec::new());
        };
        let built = self.built();
        let top = built
            .searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())?;
        let q_lower = lower(q);
        let mut out = Vec::with_capacity(top.len());
        for (_bm25, address) in top {
            let entries = built
                .searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("entry")?;
            let entry = entries.first(address.doc_id).context("a document without its entry")? as usize;
            out.push((entry, self.bounded(&q_lower, entry)));
        }
        Ok(out)
    }
}

impl Engine for Bm25 {
    fn name(&self) -> &'static str {
        "tantivy"
    }

    fn build(&mut self, entries: &[Entry]) -> Result<()> {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs);
        let text = schema.add_text_field("questions", TextOptions::default().set_indexing_options(indexing));
        let entry = schema.add_u64_field("entry", FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(1, 64 << 20)?;
        for (i, e) in entries.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            for q in &e.questions {
                doc.add_text(text, q);
            }
            doc.add_u64(entry, i as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let analyzer = index.tokenizer_for_field(text)?;
        self.built = Some(Built {
            searcher: reader.searcher(),
            analyzer,
            text,
            questions: entries
                .iter()
                .map(|e| e.questions.iter().map(|q| lower(q)).collect())
                .collect(),
        });
        Ok(())
    }

    fn query(&self, q: &str) -> Vec<(usize, f64)> {
        // A failed search (it reads an in-memory index) is reported as no
        // candidate rather than ending the run.
        self.search(q).unwrap_or_else(|e| {
            eprintln!("tantivy: {q:?}: {e}");
            Vec::new()
        })
    }

    fn default_threshold(&self) -> f64 {
        0.5
    }

    fn views(&self) -> Vec<View> {
        vec![View::Ranked("tantivy"), View::Rescored("tantivy-rescored")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Bm25 {
        let mut e = Bm25::default();
        e.build(&super::super::shop_faq()).unwrap();
        e
    }

    #[test]
    fn fuzzy_distance_follows_word_length() {
        assert_eq!(fuzzy_distance(4), None);
        assert_eq!(fuzzy_distance(5), Some(1));
        assert_eq!(fuzzy_distance(8), Some(1));
        assert_eq!(fuzzy_distance(9), Some(2));
    }

    #[test]
    fn finds_entries_by_words_stems_and_typos() {
        let e = engine();
        assert_eq!(e.query("parking near me")[0].0, 1);
        // "refund" stems like "refunds"; "hourz" is one edit from "hour".
        assert_eq!(e.query("refund please")[0].0, 2);
        assert_eq!(e.query("opening hourz")[0].0, 0);
        // A swap of two letters is one edit: "pakring" stems to "pakr",
        // one transposition from "park".
        assert_eq!(e.query("pakring")[0].0, 1);
        let top = e.query("when do you open")[0];
        assert_eq!(top.0, 0);
        assert!((0.0..=1.0).contains(&top.1));
        assert!(e.query("?!").is_empty());
        assert!(e.query("zebra xylophone").is_empty());
    }
}
