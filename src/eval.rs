//! Measures the matcher on a labelled question file: how often the top
//! answer is right, how often unanswerable questions are declined.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::answers::{Knowledge, Response};
use crate::config::EvalConfig;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalFile {
    /// The file's name without `.toml`, when it was read from a file: the
    /// questions asked from it (`asked/<name>.toml`) are left out of the
    /// base it is measured on.
    #[serde(skip)]
    pub name: Option<String>,
    pub thresholds: Option<EvalThresholds>,
    #[serde(rename = "case", default)]
    pub cases: Vec<EvalCase>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalThresholds {
    pub min_precision_at_1: Option<f64>,
    pub min_decline_rate: Option<f64>,
    pub min_answered_right: Option<f64>,
    pub max_answered_wrong: Option<f64>,
    /// Share of near misses (kind = "near-miss") the bot must decline.
    pub min_near_miss_declined: Option<f64>,
}

/// One labelled question: the facts that would be a right answer, or none
/// when the sources don't answer it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalCase {
    pub question: String,
    #[serde(default)]
    pub expect: Vec<String>,
    /// What sort of question it is: "answerable", "off-topic", "near-miss"
    /// (names what the articles cover, asks what they don't say) or
    /// "uncovered"; optional, for reporting near misses apart.
    #[serde(default)]
    pub kind: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A question the matcher got wrong, with what it did instead.
#[derive(Debug, Clone)]
pub struct Miss {
    pub question: String,
    pub expected: Vec<String>,
    pub outcome: &'static str,
    pub got: Option<String>,
    pub confidence: f32,
}

#[derive(Debug, Clone)]
pub struct EvalReport {
    pub answerable: usize,
    pub unanswerable: usize,
    /// Answerable questions whose top-ranked fact is right, whatever the outcome.
    pub correct_at_1: usize,
    /// Answerable questions answered, with the right fact first.
    pub answered_right: usize,
    pub wrong_answers: usize,
    pub declined: usize,
    pub near_misses: usize,
    pub near_misses_declined: usize,
    pub min_near_miss_declined: Option<f64>,
    pub reciprocal_rank_sum: f64,
    /// Per question, the confidence of the top candidate and whether it was
    /// a right answer (answerable, top fact expected): for calibration.
    pub scored: Vec<(f32, bool)>,
    pub misses: Vec<Miss>,
    pub thresholds: EvalConfig,
}

impl EvalReport {
    pub fn precision_at_1(&self) -> f64 {
        ratio(self.correct_at_1, self.answerable)
    }

    pub fn decline_rate(&self) -> f64 {
        ratio(self.declined, self.unanswerable)
    }

    pub fn answered_right_rate(&self) -> f64 {
        ratio(self.answered_right, self.answerable)
    }

    pub fn answered_wrong_rate(&self) -> f64 {
        if self.answerable == 0 {
            0.0
        } else {
            self.wrong_answers as f64 / self.answerable as f64
        }
    }

    pub fn mrr(&self) -> f64 {
        if self.answerable == 0 {
            1.0
        } else {
            self.reciprocal_rank_sum / self.answerable as f64
        }
    }

    pub fn near_miss_decline_rate(&self) -> f64 {
        ratio(self.near_misses_declined, self.near_misses)
    }

    /// Mean squared error of the confidence as a probability that the top
    /// fact is right (lower is better; 0.25 is a coin toss).
    pub fn brier(&self) -> f64 {
        if self.scored.is_empty() {
            return 0.0;
        }
        let sum: f64 = self
            .scored
            .iter()
            .map(|&(c, right)| (c as f64 - if right { 1.0 } else { 0.0 }).powi(2))
            .sum();
        sum / self.scored.len() as f64
    }

    pub fn passed(&self) -> bool {
        let t = &self.thresholds;
        self.precision_at_1() >= t.min_precision_at_1
            && self.decline_rate() >= t.min_decline_rate
            && self.answered_right_rate() >= t.min_answered_right
            && self.answered_wrong_rate() <= t.max_answered_wrong
            && self
                .min_near_miss_declined
                .is_none_or(|m| self.near_miss_decline_rate() >= m)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let t = &self.thresholds;
        let _ = writeln!(
            out,
            "precision@1 (answerable, top-ranked fact): {:.3}  ({}/{})  pass mark {:.2}",
            self.precision_at_1(),
            self.correct_at_1,
            self.answerable,
            t.min_precision_at_1
        );
        let _ = writeln!(
            out,
            "answered right (answerable):              {:.3}  ({}/{})  pass mark {:.2}",
            self.answered_right_rate(),
            self.answered_right,
            self.answerable,
            t.min_answered_right
        );
        let _ = writeln!(
            out,
            "answered wrongly (answerable):            {:.3}  ({}/{})  at most {:.2}",
            self.answered_wrong_rate(),
            self.wrong_answers,
            self.answerable,
            t.max_answered_wrong
        );
        let _ = writeln!(
            out,
            "declined (unanswerable):                  {:.3}  ({}/{})  pass mark {:.2}",
            self.decline_rate(),
            self.declined,
            self.unanswerable,
            t.min_decline_rate
        );
        if self.near_misses > 0 {
            let _ = writeln!(
                out,
                "declined (near misses):                   {:.3}  ({}/{}){}",
                self.near_miss_decline_rate(),
                self.near_misses_declined,
                self.near_misses,
                self.min_near_miss_declined
                    .map_or(String::new(), |m| format!("  pass mark {m:.2}"))
            );
        }
        let _ = writeln!(out, "MRR (answerable):                         {:.3}", self.mrr());
        let _ = writeln!(out, "Brier score (confidence vs right):        {:.3}", self.brier());
        if !self.misses.is_empty() {
            let _ = writeln!(out, "\n{} miss(es):", self.misses.len());
            for m in &self.misses {
                let expected = if m.expected.is_empty() {
                    "a decline".to_string()
                } else {
                    m.expected.join(" | ")
                };
                let got = m.got.as_deref().unwrap_or("-");
                let _ = writeln!(
                    out,
                    "  {:?}\n    expected {expected}; got {} {got} ({:.3})",
                    m.question,
                    m.outcome,
                    crate::answers::rounded(m.confidence)
                );
            }
        }
        let _ = writeln!(
            out,
            "\n{}",
            if self.passed() {
                "PASS"
            } else {
                "FAIL: below the pass mark"
            }
        );
        out
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        1.0
    } else {
        n as f64 / d as f64
    }
}

pub fn load(path: &Path) -> Result<EvalFile, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut file: EvalFile = toml::from_str(&text).map_err(|e| EvalError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    file.name = path.file_stem().and_then(|s| s.to_str()).map(str::to_string);
    Ok(file)
}

/// The base `file` is measured on, when it is not `knowledge` itself: a
/// copy without the questions asked from that very file (`asked/dev7.toml`
/// for `dev7.toml`), which would otherwise be asked of a base that holds
/// them word for word. `None` when the base holds none of them.
pub fn without_own_asked(knowledge: &Knowledge, file: &EvalFile) -> Option<Knowledge> {
    let base = knowledge.base.without_asked(file.name.as_deref()?)?;
    Some(Knowledge::new(base, knowledge.matcher.config()))
}

/// The same questions with seeded keyboard typos in about `rate` of their
/// words of three letters or more (see [`crate::typos`]), and the same labels:
/// how the matcher copes with what people's thumbs do. The same seed gives
/// the same typos.
pub fn with_typos(file: &EvalFile, rate: f64, seed: u64) -> EvalFile {
    typed_by(file, crate::typos::Typist::new(rate, seed))
}

/// The same questions as typed by `typist`, in order, and the same labels.
fn typed_by(file: &EvalFile, mut typist: crate::typos::Typist) -> EvalFile {
    let mut typed = file.clone();
    for case in &mut typed.cases {
        case.question = typist.apply(&case.question);
    }
    typed
}

/// The calibration is fitted on each labelled question as written and on
/// copies of it typed with seeded slips ([`with_typos`] at this rate, one
/// copy per seed of [`FIT_TYPO_SEEDS`]): a typo breaks the letter pairs and
/// spellings the confidence weighs, and a fit that never saw one reads a
/// typed question as less sure than it is. Fitted on clean questions alone,
/// right answers typed with slips ranked first at 0.6 to 0.7 and were not
/// given; the typed copies also help the questions as written, whose own
/// wording strays from the phrasings in the same way.
pub const FIT_TYPO_RATE: f64 = 0.3;

/// Seeds of the typed copies the calibration is fitted on: fixed, so that a
/// refit gives the same weights, and unlike the 1 to 3 that typo measurements
/// use, so that those are not measured on the copies fitted on.
pub const FIT_TYPO_SEEDS: [u64; 2] = [1001, 1002];

/// How much the typed copies weigh together, next to the questions as
/// written (1): people type most of their words right.
pub const FIT_TYPED_SHARE: f64 = 0.5;

/// A typist for each typed copy the calibration is fitted on (see
/// [`FIT_TYPO_RATE`]), with the weight of each question it types: `talksbot
/// calibrate` and the bench's fit both type their questions with these.
pub fn fit_typists() -> impl Iterator<Item = (crate::typos::Typist, f64)> {
    let weight = FIT_TYPED_SHARE / FIT_TYPO_SEEDS.len() as f64;
    FIT_TYPO_SEEDS
        .into_iter()
        .map(move |seed| (crate::typos::Typist::new(FIT_TYPO_RATE, seed), weight))
}

/// What the calibration is fitted on from one labelled file: the
/// [`top_features`] of each question as written and of each typed copy (see
/// [`FIT_TYPO_RATE`]), with the weight of each, 1 for a question as written.
pub fn fit_examples(knowledge: &Knowledge, file: &EvalFile) -> Result<(Vec<Example>, Vec<f64>), String> {
    let own = without_own_asked(knowledge, file);
    let knowledge = own.as_ref().unwrap_or(knowledge);
    let mut examples = features_on(knowledge, file)?;
    let mut weights = vec![1.0; examples.len()];
    for (typist, weight) in fit_typists() {
        let typed = features_on(knowledge, &typed_by(file, typist))?;
        weights.extend(std::iter::repeat_n(weight, typed.len()));
        examples.extend(typed);
    }
    Ok((examples, weights))
}

/// Runs every case. Labels naming facts the base does not have are an
/// error: a renamed fact would otherwise quietly turn into misses.
pub fn run(knowledge: &Knowledge, file: &EvalFile, defaults: EvalConfig) -> Result<EvalReport, String> {
    let own = without_own_asked(knowledge, file);
    let knowledge = own.as_ref().unwrap_or(knowledge);
    let unknown: Vec<&str> = file
        .cases
        .iter()
        .flat_map(|c| &c.expect)
        .filter(|id| knowledge.base.fact(id).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "the question file expects facts the base does not have: {}",
            unknown.join(", ")
        ));
    }
    let t = file.thresholds;
    let mut report = EvalReport {
        answerable: 0,
        unanswerable: 0,
        correct_at_1: 0,
        answered_right: 0,
        wrong_answers: 0,
        declined: 0,
        near_misses: 0,
        near_misses_declined: 0,
        min_near_miss_declined: t.and_then(|t| t.min_near_miss_declined),
        reciprocal_rank_sum: 0.0,
        scored: Vec::new(),
        misses: Vec::new(),
        thresholds: EvalConfig {
            min_precision_at_1: t
                .and_then(|t| t.min_precision_at_1)
                .unwrap_or(defaults.min_precision_at_1),
            min_decline_rate: t.and_then(|t| t.min_decline_rate).unwrap_or(defaults.min_decline_rate),
            min_answered_right: t
                .and_then(|t| t.min_answered_right)
                .unwrap_or(defaults.min_answered_right),
            max_answered_wrong: t
                .and_then(|t| t.max_answered_wrong)
                .unwrap_or(defaults.max_answered_wrong),
        },
    };
    for case in &file.cases {
        let reply = match knowledge.ask(&case.question) {
            Ok(reply) => reply,
            Err(e) => return Err(format!("question {:?}: {e}", case.question)),
        };
        let top = match &reply.response {
            Response::Answer(facts) => facts.first().map(|f| f.fact_id.clone()),
            Response::Suggest(s) => s.first().map(|s| s.fact_id.clone()),
            Response::Abstain => None,
        };
        let answered = matches!(reply.response, Response::Answer(_));
        let miss = |report: &mut EvalReport| {
            report.misses.push(Miss {
                question: case.question.clone(),
                expected: case.expect.clone(),
                outcome: reply.outcome_name(),
                got: top.clone(),
                confidence: reply.confidence,
            })
        };
        let top_right = reply.ranking.first().is_some_and(|r| case.expect.contains(&r.fact_id));
        report.scored.push((reply.confidence, top_right));
        if case.expect.is_empty() {
            report.unanswerable += 1;
            if case.kind.as_deref() == Some("near-miss") {
                report.near_misses += 1;
                report.near_misses_declined += usize::from(!answered);
            }
            if answered {
                miss(&mut report);
            } else {
                report.declined += 1;
            }
            continue;
        }
        report.answerable += 1;
        let rank = reply.ranking.iter().position(|r| case.expect.contains(&r.fact_id));
        if let Some(rank) = rank {
            report.reciprocal_rank_sum += 1.0 / (rank + 1) as f64;
        }
        if rank == Some(0) {
            report.correct_at_1 += 1;
        }
        let right = answered && top.as_ref().is_some_and(|id| case.expect.contains(id));
        if right {
            report.answered_right += 1;
        } else {
            if answered {
                report.wrong_answers += 1;
            }
            miss(&mut report);
        }
    }
    Ok(report)
}

/// What the matcher measured about a question's best-scoring candidate, and
/// whether that candidate is right: what the calibration is fitted on.
pub type Example = (crate::matching::Features, bool);

/// For each case, what the matcher measured about its best-scoring candidate
/// and whether that candidate is right (one of `expect`; never, when `expect`
/// is empty): the examples the calibration is fitted on. (The bot's answer
/// is that candidate unless the confidence put a close one before it.)
pub fn top_features(knowledge: &Knowledge, file: &EvalFile) -> Result<Vec<Example>, String> {
    let own = without_own_asked(knowledge, file);
    features_on(own.as_ref().unwrap_or(knowledge), file)
}

/// [`top_features`] on `knowledge` as it is.
fn features_on(knowledge: &Knowledge, file: &EvalFile) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for case in &file.cases {
        let verdict = knowledge
            .matcher
            .ask(&case.question)
            .map_err(|e| format!("question {:?}: {e}", case.question))?;
        let Some(top) = verdict.best_scored() else {
            out.push((crate::matching::Features::default(), false));
            continue;
        };
        let id = &knowledge.base.facts()[top.fact].id;
        out.push((top.features, case.expect.contains(id)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_change_the_questions_not_the_labels() {
        let file: EvalFile = toml::from_str(
            "[[case]]\nquestion = \"when did kyiv agree to the ceasefire\"\nexpect = [\"a\"]\n[[case]]\nquestion = \"who won the cup\"\n",
        )
        .unwrap();
        let typed = with_typos(&file, 1.0, 1);
        for (a, b) in file.cases.iter().zip(&typed.cases) {
            assert_ne!(a.question, b.question);
            assert_eq!(a.expect, b.expect);
        }
        assert_eq!(with_typos(&file, 1.0, 1).cases[0].question, typed.cases[0].question);
        assert_eq!(with_typos(&file, 0.0, 1).cases[1].question, "who won the cup");
    }

    #[test]
    fn the_calibration_is_fitted_on_each_question_as_written_and_on_typed_copies_weighing_less() {
        let base = crate::matching::tests::base_of(
            r#"
[[fact]]
id = "kyiv-agreed"
questions = ["When did Kyiv agree to the ceasefire?", "Did Ukraine accept the truce?"]
answer = "Kyiv agreed to the 30-day ceasefire on 11 March 2025."
sources = ["s"]
quotes = ["q"]
"#,
        );
        let knowledge = Knowledge::new(base, &crate::matching::MatcherConfig::default());
        let file: EvalFile = toml::from_str(
            "[[case]]\nquestion = \"when did kyiv agree to the ceasefire\"\nexpect = [\"kyiv-agreed\"]\n\
             [[case]]\nquestion = \"who won the football cup final\"\n",
        )
        .unwrap();
        let (examples, weights) = fit_examples(&knowledge, &file).unwrap();
        let copies = FIT_TYPO_SEEDS.len();
        assert_eq!(examples.len(), 2 * (1 + copies));
        assert_eq!(weights.len(), examples.len());
        assert_eq!(&weights[..2], &[1.0, 1.0]);
        let typed: f64 = weights[2..].iter().sum();
        assert!((typed - 2.0 * FIT_TYPED_SHARE).abs() < 1e-9, "{weights:?}");
        // As written, the answerable question is right and the other never is;
        // the copies keep the labels but not the wording.
        assert!(examples[0].1 && !examples[1].1);
        assert!(examples.iter().skip(1).step_by(2).all(|e| !e.1));
        assert!((1..=copies).any(|k| examples[2 * k].0 != examples[0].0), "{examples:?}");
        // The same seeds give the same copies: a refit gives the same weights.
        assert_eq!(fit_examples(&knowledge, &file).unwrap().0, examples);
    }
}
