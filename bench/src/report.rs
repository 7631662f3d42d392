//! Running engines over a query set and printing one row per engine view.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use crate::data::{Entry, LabelledQuery};
use crate::engines::{Engine, Found, View};
use crate::metrics::{auroc, mrr, p_at_1, percentile_us, tune_threshold, Answering, Judged, Objective};

/// One report row; `--json` prints it as is, one object a line.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub engine: String,
    pub entries: usize,
    pub queries: usize,
    pub p_at_1: f64,
    pub mrr: f64,
    pub in_scope_accuracy: f64,
    pub oos_recall: f64,
    pub answered_precision: f64,
    pub auroc: f64,
    pub threshold: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub qps: f64,
    pub build_ms: f64,
    /// In-scope queries for which the engine returned no candidate at all.
    pub no_candidate_in_scope: usize,
}

/// Builds one engine, tunes its thresholds on `tune` (if any) and measures it
/// on `queries`: one row per view of its results.
pub fn run(
    engine: &mut dyn Engine,
    entries: &[Entry],
    tune: Option<&[LabelledQuery]>,
    objective: Objective,
    queries: &[LabelledQuery],
    misses: usize,
) -> Result<Vec<Row>> {
    let started = Instant::now();
    engine.build(entries)?;
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    if let Some(t) = tune {
        engine.calibrate(t)?;
    }
    Ok(measure(
        engine, entries, tune, objective, queries, misses, 1, 0, build_ms,
    ))
}

/// [`run`] for an engine already built (in `build_ms`), timing each query
/// by the median of `rounds` asks and printing the `slowest` (to stderr).
#[allow(clippy::too_many_arguments)]
pub fn measure(
    engine: &dyn Engine,
    entries: &[Entry],
    tune: Option<&[LabelledQuery]>,
    objective: Objective,
    queries: &[LabelledQuery],
    misses: usize,
    rounds: usize,
    slowest: usize,
    build_ms: f64,
) -> Vec<Row> {
    let tuned: Option<Vec<Found>> = tune.map(|t| t.iter().map(|q| engine.ask(&q.text)).collect());

    // Every query is asked `rounds` times, one round of all after another,
    // and takes the median of its times: on a shared machine one ask in a
    // hundred can wait milliseconds for the CPU, which says nothing of the
    // engine.
    let rounds = rounds.max(1);
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); queries.len()];
    let mut found = Vec::with_capacity(queries.len());
    for round in 0..rounds {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let f = engine.ask(&q.text);
            times[i].push(t.elapsed());
            if round == 0 {
                found.push(f);
            }
        }
    }
    let mut latencies: Vec<Duration> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect();
    let total: Duration = latencies.iter().sum();
    if slowest > 0 {
        let mut by_time: Vec<(Duration, &str)> = latencies
            .iter()
            .copied()
            .zip(queries.iter().map(|q| q.text.as_str()))
            .collect();
        by_time.sort_by_key(|t| std::cmp::Reverse(t.0));
        for (took, q) in by_time.into_iter().take(slowest) {
            eprintln!("{} slow: {:>9.1} us  {q:?}", engine.name(), took.as_secs_f64() * 1e6);
        }
    }
    latencies.sort();
    print_misses(engine.name(), entries, queries, &found, misses);

    let mut rows = Vec::new();
    for view in engine.views() {
        let judge = |qs: &[LabelledQuery], fs: &[Found]| -> Vec<Judged> {
            qs.iter()
                .zip(fs)
                .map(|(q, f)| Judged::new(&view.ranking(f), &q.right))
                .collect()
        };
        let judged = judge(queries, &found);
        let (threshold, answering) = match view {
            View::Own(_) => {
                let answers: Vec<Option<bool>> = queries
                    .iter()
                    .zip(&found)
                    .map(|(q, f)| f.own.flatten().map(|e| q.right.contains(&e)))
                    .collect();
                (engine.default_threshold(), Answering::of(&judged, &answers))
            }
            View::Ranked(_) | View::Rescored(_) => {
                let threshold = match (tune, &tuned) {
                    (Some(t), Some(f)) => tune_threshold(&judge(t, f), objective),
                    _ => None,
                }
                .unwrap_or_else(|| engine.default_threshold());
                (threshold, Answering::at(&judged, threshold))
            }
        };
        rows.push(Row {
            engine: view.name().to_string(),
            entries: entries.len(),
            queries: queries.len(),
            p_at_1: p_at_1(&judged),
            mrr: mrr(&judged),
            in_scope_accuracy: answering.in_scope_accuracy,
            oos_recall: answering.oos_recall,
            answered_precision: answering.answered_precision,
            auroc: auroc(&judged),
            threshold,
            p50_us: percentile_us(&latencies, 0.5),
            p99_us: percentile_us(&latencies, 0.99),
            qps: queries.len() as f64 / total.as_secs_f64().max(1e-9),
            build_ms,
            no_candidate_in_scope: judged.iter().filter(|j| j.in_scope && !j.has_candidate).count(),
        });
    }
    rows
}

/// Prints, to standard error, the first `limit` in-scope queries whose top
/// entry is wrong, with what the engine ranked first: for reading, not scoring.
fn print_misses(engine: &str, entries: &[Entry], queries: &[LabelledQuery], found: &[Found], limit: usize) {
    let misses = queries
        .iter()
        .zip(found)
        .filter(|(q, f)| q.in_scope() && !f.ranking.first().is_some_and(|(e, _)| q.right.contains(e)));
    for (q, f) in misses.take(limit) {
        let got: Vec<String> = f
            .ranking
            .iter()
            .take(2)
            .map(|(e, s)| format!("{} {s:.2}", entries[*e].id))
            .collect();
        eprintln!(
            "{engine} miss: {:?} want {} got [{}]",
            q.text,
            entries[q.right[0]].id,
            got.join(", ")
        );
    }
}

pub fn ratio(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.3}")
    }
}

pub fn fixed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.decimals$}")
    }
}

/// Rows as an aligned table: names left, numbers right.
pub fn table(rows: &[Row]) -> String {
    let header = [
        "engine",
        "entries",
        "queries",
        "p_at_1",
        "mrr",
        "in_scope_accuracy",
        "oos_recall",
        "answered_precision",
        "auroc",
        "threshold",
        "p50_us",
        "p99_us",
        "qps",
        "build_ms",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.engine.clone(),
                r.entries.to_string(),
                r.queries.to_string(),
                ratio(r.p_at_1),
                ratio(r.mrr),
                ratio(r.in_scope_accuracy),
                ratio(r.oos_recall),
                ratio(r.answered_precision),
                ratio(r.auroc),
                ratio(r.threshold),
                fixed(r.p50_us, 1),
                fixed(r.p99_us, 1),
                fixed(r.qps, 0),
                fixed(r.build_ms, 1),
            ]
        })
        .collect();
    aligned(&header, &cells)
}

/// Cells as an aligned table under a header: the first column left, the
/// rest right.
pub fn aligned(header: &[&str], cells: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            cells
                .iter()
                .map(|r| r[c].len())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String]| -> String {
        row.iter()
            .enumerate()
            .map(|(c, s)| {
                if c == 0 {
                    format!("{s:<w$}", w = widths[c])
                } else {
                    format!("{s:>w$}", w = widths[c])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    out.push('\n');
    for r in cells {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(engine: &str, p: f64) -> Row {
        Row {
            engine: engine.into(),
            entries: 8,
            queries: 12,
            p_at_1: p,
            mrr: 0.5,
            in_scope_accuracy: 0.25,
            oos_recall: f64::NAN,
            answered_precision: 1.0,
            auroc: 0.75,
            threshold: 0.72,
            p50_us: 12.34,
            p99_us: 100.0,
            qps: 5000.4,
            build_ms: 3.0,
            no_candidate_in_scope: 0,
        }
    }

    #[test]
    fn the_table_is_aligned_with_three_decimals() {
        let t = table(&[row("talksbot", 0.9), row("naive-strsim", 1.0 / 3.0)]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("engine        entries"), "{t}");
        assert!(lines[1].contains("0.900") && lines[2].contains("0.333"), "{t}");
        // Right-aligned numbers end at the same column.
        let end = |l: &str, s: &str| l.find(s).unwrap() + s.len();
        assert_eq!(end(lines[1], "0.900"), end(lines[2], "0.333"));
        assert!(lines[1].contains(" - "), "NaN prints as a dash: {t}");
    }

    #[test]
    fn json_rows_use_null_for_undefined_ratios() {
        let v: serde_json::Value = serde_json::to_value(row("tantivy", 0.5)).unwrap();
        assert_eq!(v["engine"], "tantivy");
        assert!(v["oos_recall"].is_null());
        assert_eq!(v["p_at_1"], 0.5);
    }
}
