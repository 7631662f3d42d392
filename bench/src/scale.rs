//! `talksbot-bench scale`: the engines side by side on synthetic news-shaped
//! bases of several sizes (see [`crate::synthetic`]): ranking quality, time
//! per question on one thread, index build time and memory.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use serde::Serialize;

use crate::alloc;
use crate::engines;
use crate::metrics::Objective;
use crate::report::{self, fixed, ratio, Row};
use crate::synthetic::Synthetic;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Stored questions in the base; several (comma-separated) run one after another.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    pub questions: Vec<usize>,
    /// Stored questions per fact.
    #[arg(long, default_value_t = 5)]
    pub per_fact: usize,
    /// Queries to report on (about a fifth unanswerable), and as many to tune thresholds on.
    #[arg(long, default_value_t = 1000)]
    pub queries: usize,
    /// Seed of the base and the queries.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Engines to run, in order (naive-strsim compares every stored question: slow at scale).
    #[arg(long, value_delimiter = ',', default_value = "talksbot,tantivy")]
    pub engines: Vec<String>,
    /// talksbot's config file (default: config/talksbot.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Also write each base as a knowledge folder (sources.toml, facts/, and
    /// the queries as eval.toml): into DIR for one size, DIR/<N> for several.
    #[arg(long, value_name = "DIR")]
    pub write_knowledge: Option<PathBuf>,
    /// Only write the knowledge folders; run no engine.
    #[arg(long, requires = "write_knowledge")]
    pub write_only: bool,
    /// One JSON object per row a line instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Times to ask each query; its time is the median (one thread).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Print each engine's N slowest queries at each size (to stderr).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub slowest: usize,
}

/// One engine view at one size.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleRow {
    pub questions: usize,
    pub facts: usize,
    #[serde(flatten)]
    pub row: Row,
    /// Mean time per question, microseconds.
    pub mean_us: f64,
    /// Heap the built engine holds (for talksbot: the checked fact base and its index).
    pub index_mb: f64,
    /// Most heap held above the start while building.
    pub build_peak_mb: f64,
}

/// Seeds of the two query streams.
const TUNE_STREAM: u64 = 0x7475_6e65;
const QUERY_STREAM: u64 = 0x7175_6572;

const MB: f64 = 1024.0 * 1024.0;

pub fn run(args: Args) -> Result<()> {
    if args.questions.is_empty() || args.questions.contains(&0) {
        bail!("--questions takes sizes above zero");
    }
    // The English lexicon is loaded once per process and shared by every
    // base: loaded here, it is not counted in the first base's index.
    talksbot::matching::lexicon::Lexicon::english().warm();
    let mut rows: Vec<ScaleRow> = Vec::new();
    for &n in &args.questions {
        let started = Instant::now();
        let base = Synthetic::generate(n, args.per_fact, args.seed);
        let entries = base.entries();
        let tune: Vec<_> = base
            .queries(args.queries, TUNE_STREAM)
            .into_iter()
            .map(|q| q.1)
            .collect();
        let (report_queries, labelled): (Vec<_>, Vec<_>) = base.queries(args.queries, QUERY_STREAM).into_iter().unzip();
        let stored: usize = entries.iter().map(|e| e.questions.len()).sum();
        eprintln!(
            "{stored} stored questions, {} facts; {} queries ({} unanswerable); generated in {:.1} s",
            entries.len(),
            labelled.len(),
            labelled.iter().filter(|q| !q.in_scope()).count(),
            started.elapsed().as_secs_f64()
        );
        if let Some(dir) = &args.write_knowledge {
            let dir = if args.questions.len() > 1 {
                dir.join(n.to_string())
            } else {
                dir.clone()
            };
            base.write_knowledge(&dir, &report_queries)?;
            eprintln!("wrote {}", dir.display());
        }
        if args.write_only {
            continue;
        }
        drop(base);
        let options = engines::talksbot::Options {
            config: args.config.clone(),
            ..Default::default()
        };
        for mut engine in engines::by_names(&args.engines, options)? {
            let before = alloc::reset_peak();
            let started = Instant::now();
            engine.build(&entries)?;
            let build_ms = started.elapsed().as_secs_f64() * 1e3;
            let index_mb = alloc::current().saturating_sub(before) as f64 / MB;
            let build_peak_mb = alloc::peak().saturating_sub(before) as f64 / MB;
            for row in report::measure(
                engine.as_ref(),
                &entries,
                Some(&tune),
                Objective::Balanced,
                &labelled,
                0,
                args.rounds,
                args.slowest,
                build_ms,
            ) {
                let row = ScaleRow {
                    questions: stored,
                    facts: entries.len(),
                    mean_us: 1e6 / row.qps,
                    index_mb,
                    build_peak_mb,
                    row,
                };
                if args.json {
                    println!("{}", serde_json::to_string(&row)?);
                }
                rows.push(row);
            }
        }
    }
    if !args.json && !rows.is_empty() {
        print!("{}", table(&rows));
        for line in growth(&rows) {
            println!("{line}");
        }
    }
    Ok(())
}

fn table(rows: &[ScaleRow]) -> String {
    let header = [
        "engine",
        "questions",
        "facts",
        "p_at_1",
        "mrr",
        "in_scope_acc",
        "oos_recall",
        "auroc",
        "p50_us",
        "p99_us",
        "mean_us",
        "build_ms",
        "index_mb",
        "build_peak_mb",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.row.engine.clone(),
                r.questions.to_string(),
                r.facts.to_string(),
                ratio(r.row.p_at_1),
                ratio(r.row.mrr),
                ratio(r.row.in_scope_accuracy),
                ratio(r.row.oos_recall),
                ratio(r.row.auroc),
                fixed(r.row.p50_us, 1),
                fixed(r.row.p99_us, 1),
                fixed(r.mean_us, 1),
                fixed(r.row.build_ms, 0),
                fixed(r.index_mb, 1),
                fixed(r.build_peak_mb, 1),
            ]
        })
        .collect();
    report::aligned(&header, &cells)
}

/// Per engine, how its mean time per question grew from the smallest base
/// to the largest.
fn growth(rows: &[ScaleRow]) -> Vec<String> {
    let mut engines: Vec<&str> = Vec::new();
    for r in rows {
        if !engines.contains(&r.row.engine.as_str())
            && !r.row.engine.ends_with("-own")
            && !r.row.engine.ends_with("-rescored")
        {
            engines.push(&r.row.engine);
        }
    }
    engines
        .into_iter()
        .filter_map(|name| {
            let of: Vec<&ScaleRow> = rows.iter().filter(|r| r.row.engine == name).collect();
            let (first, last) = (of.first()?, of.last()?);
            (of.len() > 1).then(|| {
                format!(
                    "{name}: mean time per question {:.1} us at {} stored questions, {:.1} us at {}: {:.1}x",
                    first.mean_us,
                    first.questions,
                    last.mean_us,
                    last.questions,
                    last.mean_us / first.mean_us
                )
            })
        })
        .collect()
}
