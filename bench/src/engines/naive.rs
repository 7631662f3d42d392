//! The simplest lookup a chatbot library does: compare the question with
//! every stored phrasing by normalised Levenshtein similarity and take the
//! entry of the closest one.

use anyhow::Result;

use super::{lower, top_k, Engine};
use crate::data::Entry;

#[derive(Debug, Default)]
pub struct NaiveStrsim {
    /// (entry position, lower-cased phrasing) for every stored question.
    questions: Vec<(usize, String)>,
    entries: usize,
}

impl Engine for NaiveStrsim {
    fn name(&self) -> &'static str {
        "naive-strsim"
    }

    fn build(&mut self, entries: &[Entry]) -> Result<()> {
        self.entries = entries.len();
        self.questions = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.questions.iter().map(move |q| (i, lower(q))))
            .collect();
        Ok(())
    }

    fn query(&self, q: &str) -> Vec<(usize, f64)> {
        let q = lower(q);
        let mut best = vec![f64::NEG_INFINITY; self.entries];
        for (entry, question) in &self.questions {
            let s = strsim::normalized_levenshtein(&q, question);
            if s > best[*entry] {
                best[*entry] = s;
            }
        }
        let scored = best.into_iter().enumerate().filter(|(_, s)| s.is_finite()).collect();
        top_k(scored, 10)
    }

    fn default_threshold(&self) -> f64 {
        0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_phrasing_wins() {
        let mut e = NaiveStrsim::default();
        e.build(&[
            Entry {
                id: "hours".into(),
                questions: vec!["When do you open?".into(), "Opening hours?".into()],
            },
            Entry {
                id: "parking".into(),
                questions: vec!["Where can I park?".into()],
            },
        ])
        .unwrap();
        let r = e.query("where can i park");
        assert_eq!(r[0].0, 1);
        assert!(r[0].1 > 0.9 && r[0].1 <= 1.0);
        assert_eq!(e.query("OPENING HOURS?")[0], (0, 1.0));
    }
}
