//! The engines compared: each builds from the same FAQ entries and ranks
//! entries for a query, best first, at most ten.

use anyhow::Result;

use crate::data::{Entry, LabelledQuery};

pub mod bm25;
pub mod naive;
pub mod talksbot;

/// What one query got from an engine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    /// (entry position, score), best first, at most ten.
    pub ranking: Vec<(usize, f64)>,
    /// The engine's own decision where it makes one: `Some(Some(entry))` when
    /// it answers with that entry, `Some(None)` when it declines.
    pub own: Option<Option<usize>>,
}

pub trait Engine {
    /// The name used on the command line and in reports.
    fn name(&self) -> &'static str;

    /// Indexes the entries; called once before any query.
    fn build(&mut self, entries: &[Entry]) -> Result<()>;

    /// The top ten entries for a query, best first, with bounded scores
    /// (0 to 1) that a threshold applies to.
    fn query(&self, q: &str) -> Vec<(usize, f64)>;

    /// The ranking with the engine's own answer-or-decline decision, for
    /// engines that make one. One call per query, so it is what gets timed.
    fn ask(&self, q: &str) -> Found {
        Found {
            ranking: self.query(q),
            own: None,
        }
    }

    /// Fits what the engine fits on labelled queries, after `build` and
    /// before any query, when there is a tuning set (talksbot: its
    /// confidence model, as `talksbot calibrate` fits it on a fact base's
    /// dev questions). The threshold is tuned afterwards, on the same set.
    fn calibrate(&mut self, _tune: &[LabelledQuery]) -> Result<()> {
        Ok(())
    }

    /// The threshold used when there is no tuning set.
    fn default_threshold(&self) -> f64;

    /// The report rows this engine gives, each a way of reading its results.
    fn views(&self) -> Vec<View> {
        vec![View::Ranked(self.name())]
    }
}

/// A way of turning an engine's results into a report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The ranking as returned; answers when the top score reaches the threshold.
    Ranked(&'static str),
    /// The ranking re-ordered by its (bounded) scores, stable for ties.
    Rescored(&'static str),
    /// The engine's own answer-or-decline decision; ranking as returned.
    Own(&'static str),
}

impl View {
    pub fn name(self) -> &'static str {
        match self {
            View::Ranked(n) | View::Rescored(n) | View::Own(n) => n,
        }
    }

    /// The ranking this view reads.
    pub fn ranking(self, found: &Found) -> Vec<(usize, f64)> {
        let mut ranking = found.ranking.clone();
        if let View::Rescored(_) = self {
            ranking.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        ranking
    }
}

/// Engines by name, in the order given; an unknown name is an error.
pub fn by_names(names: &[String], talksbot: talksbot::Options) -> Result<Vec<Box<dyn Engine>>> {
    let mut out: Vec<Box<dyn Engine>> = Vec::new();
    for name in names {
        match name.as_str() {
            "talksbot" => out.push(Box::new(talksbot::Talksbot::new(talksbot.clone())?)),
            "naive-strsim" => out.push(Box::new(naive::NaiveStrsim::default())),
            "tantivy" => out.push(Box::new(bm25::Bm25::default())),
            other => anyhow::bail!("unknown engine {other:?}: use talksbot, naive-strsim or tantivy"),
        }
    }
    Ok(out)
}

/// Lower case, for the string-similarity engines.
pub fn lower(text: &str) -> String {
    text.to_lowercase()
}

/// Keeps the best `k` (entry, score) pairs, best first; ties go to the
/// earlier entry so results do not depend on hashing.
pub fn top_k(mut scored: Vec<(usize, f64)>, k: usize) -> Vec<(usize, f64)> {
    let cmp = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if scored.len() > k {
        scored.select_nth_unstable_by(k - 1, cmp);
        scored.truncate(k);
    }
    scored.sort_by(cmp);
    scored
}

/// The small shop FAQ the engines' tests ask: opening hours (0), parking
/// (1) and refunds (2), two phrasings each.
#[cfg(test)]
pub(crate) fn shop_faq() -> Vec<Entry> {
    let entry = |id: &str, questions: [&str; 2]| Entry {
        id: id.into(),
        questions: questions.map(String::from).to_vec(),
    };
    vec![
        entry("hours", ["When do you open?", "What are your opening hours?"]),
        entry("parking", ["Where can I park my car?", "Is there parking nearby?"]),
        entry("refunds", ["Can I get my money back?", "How do refunds work?"]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_keeps_the_best_in_order() {
        let scored = vec![(0, 0.1), (1, 0.9), (2, 0.5), (3, 0.9), (4, 0.7)];
        assert_eq!(top_k(scored.clone(), 3), vec![(1, 0.9), (3, 0.9), (4, 0.7)]);
        assert_eq!(top_k(scored, 10).len(), 5);
    }

    #[test]
    fn rescored_view_reorders_by_score() {
        let found = Found {
            ranking: vec![(5, 0.2), (6, 0.8), (7, 0.8)],
            own: None,
        };
        assert_eq!(View::Ranked("x").ranking(&found), found.ranking);
        assert_eq!(View::Rescored("x").ranking(&found), vec![(6, 0.8), (7, 0.8), (5, 0.2)]);
    }
}
