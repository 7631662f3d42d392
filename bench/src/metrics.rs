//! How an engine's rankings score against the labels: ranking quality
//! (p@1, MRR), answering with a threshold (in-scope accuracy, out-of-scope
//! recall, precision of the answers given), how well the top score separates
//! right from wrong (AUROC), and latency.

use std::time::Duration;

/// One query as an engine handled it, reduced to what the metrics need.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub in_scope: bool,
    /// 1-based rank of the first right entry within the ranking (top 10).
    pub rank: Option<usize>,
    /// The top score; 0 when the engine returned no candidate.
    pub top_score: f64,
    pub has_candidate: bool,
}

impl Judged {
    /// `ranking` is best first; `right` the acceptable entries (empty: out of scope).
    pub fn new(ranking: &[(usize, f64)], right: &[usize]) -> Judged {
        Judged {
            in_scope: !right.is_empty(),
            rank: ranking
                .iter()
                .take(10)
                .position(|(e, _)| right.contains(e))
                .map(|p| p + 1),
            top_score: ranking.first().map_or(0.0, |&(_, s)| s),
            has_candidate: !ranking.is_empty(),
        }
    }

    pub fn top_right(&self) -> bool {
        self.rank == Some(1)
    }

    /// What answering with this threshold does: `None` declines, `Some(right)`
    /// answers with the top entry. No candidate is never an answer.
    pub fn answer_at(&self, threshold: f64) -> Option<bool> {
        (self.has_candidate && self.top_score >= threshold).then(|| self.top_right())
    }
}

/// Share of in-scope queries whose top entry is right.
pub fn p_at_1(judged: &[Judged]) -> f64 {
    ratio(
        judged.iter().filter(|j| j.in_scope && j.top_right()).count(),
        judged.iter().filter(|j| j.in_scope).count(),
    )
}

/// Mean reciprocal rank of the first right entry over in-scope queries
/// (0 when it is not in the top 10).
pub fn mrr(judged: &[Judged]) -> f64 {
    let n = judged.iter().filter(|j| j.in_scope).count();
    if n == 0 {
        return f64::NAN;
    }
    judged
        .iter()
        .filter(|j| j.in_scope)
        .map(|j| j.rank.map_or(0.0, |r| 1.0 / r as f64))
        .sum::<f64>()
        / n as f64
}

/// What answering does over a query set: `answers[i]` is `None` when query
/// `i` was declined, `Some(right)` when it was answered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answering {
    pub in_scope_accuracy: f64,
    pub oos_recall: f64,
    pub answered_precision: f64,
}

impl Answering {
    pub fn of(judged: &[Judged], answers: &[Option<bool>]) -> Answering {
        assert_eq!(judged.len(), answers.len());
        let mut counts = [0usize; 5]; // in scope, in scope right, oos, oos declined, answered
        let mut right = 0;
        for (j, a) in judged.iter().zip(answers) {
            if j.in_scope {
                counts[0] += 1;
                counts[1] += usize::from(*a == Some(true));
            } else {
                counts[2] += 1;
                counts[3] += usize::from(a.is_none());
            }
            if let Some(r) = a {
                counts[4] += 1;
                right += usize::from(*r && j.in_scope);
            }
        }
        Answering {
            in_scope_accuracy: ratio(counts[1], counts[0]),
            oos_recall: ratio(counts[3], counts[2]),
            answered_precision: ratio(right, counts[4]),
        }
    }

    pub fn at(judged: &[Judged], threshold: f64) -> Answering {
        let answers: Vec<Option<bool>> = judged.iter().map(|j| j.answer_at(threshold)).collect();
        Answering::of(judged, &answers)
    }

    /// The tuning objective: the mean of in-scope accuracy and out-of-scope
    /// recall, or whichever of the two exists when the set has one kind only.
    pub fn balanced(&self) -> f64 {
        match (self.in_scope_accuracy.is_nan(), self.oos_recall.is_nan()) {
            (false, false) => (self.in_scope_accuracy + self.oos_recall) / 2.0,
            (false, true) => self.in_scope_accuracy,
            (true, false) => self.oos_recall,
            (true, true) => f64::NAN,
        }
    }

    /// The lower of in-scope accuracy and out-of-scope recall, or whichever
    /// of the two exists when the set has one kind only.
    pub fn weakest(&self) -> f64 {
        match (self.in_scope_accuracy.is_nan(), self.oos_recall.is_nan()) {
            (false, false) => self.in_scope_accuracy.min(self.oos_recall),
            (false, true) => self.in_scope_accuracy,
            (true, false) => self.oos_recall,
            (true, true) => f64::NAN,
        }
    }
}

/// What a threshold is tuned for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// The most [`Answering::balanced`]: in-scope accuracy and
    /// out-of-scope recall weigh the same, however many of each there are.
    Balanced,
    /// The most of the weaker of in-scope accuracy and out-of-scope recall:
    /// the threshold at which neither is given up for the other, for a
    /// product that must be good at both (answer at least x% while declining
    /// at least x%).
    Weakest,
    /// The most in-scope accuracy among thresholds that decline at least
    /// this share of the out-of-scope queries: the operating point of a
    /// product that must stay quiet on most off-topic questions. Without
    /// out-of-scope queries every threshold qualifies.
    DeclineAtLeast(f64),
}

/// The threshold that best meets `objective` on a tuning set, scanning
/// every distinct top score (answer when score >= threshold) and one just
/// above the highest (answer nothing). Ties go to the lowest threshold.
/// `None` when the set is empty.
pub fn tune_threshold(judged: &[Judged], objective: Objective) -> Option<f64> {
    let mut candidates: Vec<f64> = judged.iter().filter(|j| j.has_candidate).map(|j| j.top_score).collect();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    if let Some(&max) = candidates.last() {
        candidates.push(next_up(max));
    }
    let mut best: Option<(f64, f64)> = None;
    for t in candidates {
        let answering = Answering::at(judged, t);
        let value = match objective {
            Objective::Balanced => answering.balanced(),
            Objective::Weakest => answering.weakest(),
            // Declining everything meets any share, so some threshold always qualifies.
            Objective::DeclineAtLeast(share) if answering.oos_recall.is_nan() || answering.oos_recall >= share => {
                if answering.in_scope_accuracy.is_nan() {
                    answering.oos_recall
                } else {
                    answering.in_scope_accuracy
                }
            }
            Objective::DeclineAtLeast(_) => continue,
        };
        if value.is_nan() {
            continue;
        }
        if best.is_none_or(|(_, b)| value > b) {
            best = Some((t, value));
        }
    }
    best.map(|(t, _)| t)
}

/// The smallest float above `x` (x finite).
fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let bits = x.to_bits();
    f64::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

/// Area under the ROC curve of the top score as a detector of "in scope and
/// top-1 right" against everything else, by Mann–Whitney: the chance that a
/// right query outscores a wrong or out-of-scope one, ties counting half.
/// NaN when either side is empty.
pub fn auroc(judged: &[Judged]) -> f64 {
    let mut scored: Vec<(f64, bool)> = judged
        .iter()
        .map(|j| (j.top_score, j.in_scope && j.top_right()))
        .collect();
    let positives = scored.iter().filter(|s| s.1).count();
    let negatives = scored.len() - positives;
    if positives == 0 || negatives == 0 {
        return f64::NAN;
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the positives' ranks, ties sharing their mean rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < scored.len() {
        let mut k = i;
        while k < scored.len() && scored[k].0 == scored[i].0 {
            k += 1;
        }
        let mean_rank = (i + 1 + k) as f64 / 2.0;
        rank_sum += mean_rank * scored[i..k].iter().filter(|s| s.1).count() as f64;
        i = k;
    }
    let p = positives as f64;
    (rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64)
}

/// Nearest-rank percentile (0 < p <= 1) in microseconds.
pub fn percentile_us(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e6
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(right: &[usize], ranking: &[(usize, f64)]) -> Judged {
        Judged::new(ranking, right)
    }

    /// A query whose only evidence is its top score and whether it was right.
    fn scored(in_scope: bool, right: bool, score: f64) -> Judged {
        Judged {
            in_scope,
            rank: (in_scope && right).then_some(1).or(in_scope.then_some(3)),
            top_score: score,
            has_candidate: true,
        }
    }

    #[test]
    fn p_at_1_and_mrr_count_in_scope_queries_only() {
        let judged = [
            j(&[0], &[(0, 0.9), (1, 0.5)]),           // rank 1
            j(&[1], &[(0, 0.9), (1, 0.5)]),           // rank 2
            j(&[2], &[(0, 0.9), (1, 0.5), (2, 0.1)]), // rank 3
            j(&[3], &[(0, 0.9)]),                     // not found
            j(&[], &[(0, 0.9)]),                      // out of scope: ignored
            j(&[4, 1], &[(1, 0.4)]),                  // `also` counts: rank 1
        ];
        assert!((p_at_1(&judged) - 2.0 / 5.0).abs() < 1e-12);
        let want = (1.0 + 0.5 + 1.0 / 3.0 + 0.0 + 1.0) / 5.0;
        assert!((mrr(&judged) - want).abs() < 1e-12);
    }

    #[test]
    fn ranks_beyond_ten_do_not_count() {
        let ranking: Vec<(usize, f64)> = (0..12).map(|e| (e, 1.0 - e as f64 / 20.0)).collect();
        assert_eq!(j(&[10], &ranking).rank, None);
        assert_eq!(j(&[9], &ranking).rank, Some(10));
    }

    #[test]
    fn answering_at_a_threshold() {
        let judged = [
            scored(true, true, 0.9),   // answered right
            scored(true, false, 0.8),  // answered wrong
            scored(true, true, 0.3),   // declined
            scored(false, false, 0.7), // answered: wrong
            scored(false, false, 0.2), // declined
            j(&[], &[]),               // no candidate: declined
        ];
        let a = Answering::at(&judged, 0.5);
        assert!((a.in_scope_accuracy - 1.0 / 3.0).abs() < 1e-12);
        assert!((a.oos_recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((a.answered_precision - 1.0 / 3.0).abs() < 1e-12);
        // A zero threshold still never "answers" without a candidate.
        assert!((Answering::at(&judged, 0.0).oos_recall - 1.0 / 3.0).abs() < 1e-12);
    }

    /// Right answers score 0.6 and up, out-of-scope 0.5 and below, except
    /// one loud out-of-scope query at 0.95 and one weak right one at 0.4.
    fn loud_and_weak() -> [Judged; 8] {
        [
            scored(true, true, 0.9),
            scored(true, true, 0.8),
            scored(true, true, 0.6),
            scored(true, true, 0.4),
            scored(false, false, 0.95),
            scored(false, false, 0.5),
            scored(false, false, 0.3),
            scored(false, false, 0.1),
        ]
    }

    #[test]
    fn tuning_picks_the_best_balanced_threshold() {
        let judged = loud_and_weak();
        // At 0.6: in-scope 3/4, oos 3/4 -> 0.75. At 0.4: 4/4 and 2/4 -> 0.75
        // too; at 0.8: 2/4 and 3/4. Ties go to the lowest threshold.
        assert_eq!(tune_threshold(&judged, Objective::Balanced), Some(0.4));
        let best = Answering::at(&judged, 0.4).balanced();
        for t in [0.0, 0.1, 0.3, 0.5, 0.6, 0.8, 0.9, 0.95, 1.0] {
            assert!(Answering::at(&judged, t).balanced() <= best + 1e-12, "{t}");
        }
    }

    #[test]
    fn tuning_for_a_share_declined_answers_the_most_that_keeps_it() {
        let judged = loud_and_weak();
        // Declining half the out-of-scope queries allows 0.4 (0.3 and 0.1
        // declined); three quarters needs 0.6; all of them, above 0.95.
        assert_eq!(tune_threshold(&judged, Objective::DeclineAtLeast(0.5)), Some(0.4));
        assert_eq!(tune_threshold(&judged, Objective::DeclineAtLeast(0.75)), Some(0.6));
        let t = tune_threshold(&judged, Objective::DeclineAtLeast(1.0)).unwrap();
        assert!(t > 0.95);
        assert_eq!(Answering::at(&judged, t).oos_recall, 1.0);
        // In scope only: nothing to decline, so answer all.
        assert_eq!(tune_threshold(&judged[..4], Objective::DeclineAtLeast(0.8)), Some(0.4));
    }

    #[test]
    fn tuning_for_the_weaker_side_gives_neither_up_for_the_other() {
        let judged = loud_and_weak();
        // 0.4 and 0.6 tie on the mean (4/4 + 2/4, 3/4 + 3/4); only 0.6 keeps
        // both at 3/4.
        assert_eq!(tune_threshold(&judged, Objective::Weakest), Some(0.6));
        let at = Answering::at(&judged, 0.6);
        assert_eq!((at.in_scope_accuracy, at.oos_recall), (0.75, 0.75));
        for t in [0.0, 0.1, 0.3, 0.4, 0.5, 0.8, 0.9, 0.95, 1.0] {
            assert!(Answering::at(&judged, t).weakest() < 0.75, "{t}");
        }
        // In scope only: the weaker side is the only one.
        assert_eq!(tune_threshold(&judged[..4], Objective::Weakest), Some(0.4));
    }

    #[test]
    fn tuning_can_decline_everything() {
        // Every answer would be wrong: answering nothing is best.
        let judged = [scored(true, false, 0.8), scored(false, false, 0.9)];
        let t = tune_threshold(&judged, Objective::Balanced).unwrap();
        assert!(t > 0.9);
        assert_eq!(Answering::at(&judged, t).oos_recall, 1.0);
        assert_eq!(tune_threshold(&[], Objective::Balanced), None);
    }

    #[test]
    fn auroc_on_a_hand_example() {
        // Positives 0.9, 0.8, 0.4; negatives 0.7, 0.4, 0.1 (one a wrong in-scope
        // answer). Pairs won: 3 + 3 + (0 + 0.5 tie + 1) = 7.5 of 9.
        let judged = [
            scored(true, true, 0.9),
            scored(true, true, 0.8),
            scored(true, true, 0.4),
            scored(false, false, 0.7),
            scored(true, false, 0.4),
            scored(false, false, 0.1),
        ];
        assert!((auroc(&judged) - 7.5 / 9.0).abs() < 1e-12);
        // Perfect separation and its reverse.
        assert_eq!(auroc(&[scored(true, true, 0.9), scored(false, false, 0.1)]), 1.0);
        assert_eq!(auroc(&[scored(true, true, 0.1), scored(false, false, 0.9)]), 0.0);
        assert_eq!(auroc(&[scored(true, true, 0.5), scored(false, false, 0.5)]), 0.5);
        assert!(auroc(&[scored(true, true, 0.5)]).is_nan());
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile_us(&d, 0.5), 50.0);
        assert_eq!(percentile_us(&d, 0.99), 99.0);
        assert_eq!(percentile_us(&d[..1], 0.99), 1.0);
    }
}
