//! talksbot-bench: talksbot's matcher against simple baselines on the same
//! FAQ data, in one process, with the same metrics.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};

use metrics::Objective;
use talksbot::typos;

mod alloc;
mod convert;
mod data;
mod engines;
mod latency;
mod metrics;
mod report;
mod scale;
mod synthetic;

/// Counts heap bytes, for the memory columns of `scale`.
#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

#[derive(Debug, Parser)]
#[command(name = "talksbot-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs engines over an FAQ and a labelled query file; prints one row per engine.
    Retrieval(Retrieval),
    /// Converts CLINC150's data_full.json into faq.jsonl, tune.jsonl and queries.jsonl.
    ConvertClinc {
        /// CLINC150 `data_full.json`.
        path: PathBuf,
        /// Folder to write the three files to.
        outdir: PathBuf,
    },
    /// Times the bot's own answering path on a knowledge folder: load, check and
    /// index once, then every question of the eval files, per question.
    Latency {
        /// The knowledge folder.
        #[arg(long, default_value = "knowledge")]
        knowledge: PathBuf,
        /// talksbot's config file (default: config/talksbot.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Eval question files to ask; repeat or separate with commas.
        #[arg(
            long = "eval",
            value_delimiter = ',',
            default_value = "tests/eval/questions.toml,tests/eval/dev.toml,tests/eval/test.toml"
        )]
        evals: Vec<PathBuf>,
        /// How many times to ask each question.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Runs engines on deterministic synthetic news-shaped bases of several sizes:
    /// quality, time per question, build time and memory.
    Scale(scale::Args),
    /// Exports a talksbot knowledge folder and its eval questions as faq.jsonl and queries.jsonl.
    ExportKnowledge {
        /// The knowledge folder (with sources.toml and facts/).
        dir: PathBuf,
        /// Folder to write the files to.
        out: PathBuf,
        /// Eval question files ([[case]] question/expect); repeat or separate with commas.
        #[arg(long = "eval", value_delimiter = ',', default_value = "tests/eval/questions.toml")]
        evals: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct Retrieval {
    /// FAQ entries, JSON lines: {"id": ..., "questions": [...]}.
    #[arg(long)]
    faq: PathBuf,
    /// Queries to report on, JSON lines: {"query": ..., "expected": id or null, "also": [ids]}.
    #[arg(long)]
    queries: PathBuf,
    /// Queries to tune each engine's threshold on (same format); without it
    /// each engine uses its default threshold.
    #[arg(long)]
    tune: Option<PathBuf>,
    /// Keep only the first N stored questions of each entry: an FAQ written
    /// by hand has a few ways of asking per entry, where CLINC150 has a hundred.
    #[arg(long, value_name = "N")]
    per_entry: Option<usize>,
    /// Share of words (3+ letters) in every tune and report query that get a keyboard typo.
    #[arg(long, value_name = "RATE")]
    typos: Option<f64>,
    /// Seed for --typos.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Engines to run, in order.
    #[arg(long, value_delimiter = ',', default_value = "talksbot,naive-strsim,tantivy")]
    engines: Vec<String>,
    /// talksbot's config file (default: config/talksbot.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// A synonyms.toml for talksbot's fact base, as a knowledge folder has one.
    #[arg(long)]
    synonyms: Option<PathBuf>,
    /// One JSON object per engine a line instead of a table.
    #[arg(long)]
    json: bool,
    /// Print the first N in-scope queries each engine ranks wrongly (to stderr).
    #[arg(long, default_value_t = 0, value_name = "N")]
    misses: usize,
    /// Tune each threshold to answer the most in-scope queries while
    /// declining at least this share of the tune file's out-of-scope ones,
    /// instead of weighing the two alike.
    #[arg(long, value_name = "SHARE", conflicts_with = "objective")]
    decline_target: Option<f64>,
    /// What each threshold is tuned for on the tune file: `balanced`, the
    /// mean of in-scope accuracy and out-of-scope recall; `weakest`, the
    /// lower of the two (neither given up for the other).
    #[arg(long, value_enum, default_value_t = TuneFor::Balanced)]
    objective: TuneFor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TuneFor {
    Balanced,
    Weakest,
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Retrieval(args) => retrieval(args),
        Command::ConvertClinc { path, outdir } => convert::convert_clinc(&path, &outdir),
        Command::Latency {
            knowledge,
            config,
            evals,
            rounds,
        } => latency::run(&knowledge, config.as_deref(), &evals, rounds),
        Command::ExportKnowledge { dir, out, evals } => convert::export_knowledge(&dir, &evals, &out),
        Command::Scale(args) => scale::run(args),
    }
}

/// Seeds of the two typo streams, so tune and report queries get different
/// (but each reproducible) typos.
const TUNE_STREAM: u64 = 0x7475_6e65;
const QUERY_STREAM: u64 = 0x7175_6572;

fn with_typos(queries: &mut [data::LabelledQuery], rate: f64, seed: u64, stream: u64) {
    let mut typist = typos::Typist::new(rate, seed ^ stream);
    for q in queries {
        q.text = typist.apply(&q.text);
    }
}

fn describe(name: &Path, queries: &[data::LabelledQuery]) -> String {
    let oos = queries.iter().filter(|q| !q.in_scope()).count();
    format!("{}: {} queries ({oos} out of scope)", name.display(), queries.len())
}

fn retrieval(args: Retrieval) -> Result<()> {
    if let Some(rate) = args.typos {
        if !(0.0..=1.0).contains(&rate) {
            bail!("--typos takes a share of words from 0 to 1, not {rate}");
        }
    }
    if args.per_entry == Some(0) {
        bail!("--per-entry takes how many stored questions to keep per entry, at least 1");
    }
    let objective = match args.decline_target {
        Some(share) if !(0.0..=1.0).contains(&share) => {
            bail!("--decline-target takes a share of out-of-scope queries from 0 to 1, not {share}")
        }
        Some(share) => Objective::DeclineAtLeast(share),
        None if args.objective == TuneFor::Weakest => Objective::Weakest,
        None => Objective::Balanced,
    };
    let mut entries = data::read_faq(&args.faq)?;
    if let Some(n) = args.per_entry {
        entries.iter_mut().for_each(|e| e.questions.truncate(n));
    }
    let mut queries = data::read_queries(&args.queries, &entries)?;
    let mut tune = args
        .tune
        .as_deref()
        .map(|p| data::read_queries(p, &entries))
        .transpose()?;
    if queries.is_empty() {
        bail!("{}: no queries", args.queries.display());
    }
    if let Some(rate) = args.typos {
        with_typos(&mut queries, rate, args.seed, QUERY_STREAM);
        if let Some(t) = &mut tune {
            with_typos(t, rate, args.seed, TUNE_STREAM);
        }
    }
    eprintln!(
        "{}: {} entries, {} phrasings",
        args.faq.display(),
        entries.len(),
        entries.iter().map(|e| e.questions.len()).sum::<usize>()
    );
    if let (Some(p), Some(t)) = (&args.tune, &tune) {
        eprintln!("tune on {}", describe(p, t));
    }
    eprintln!("report on {}", describe(&args.queries, &queries));
    if let Some(rate) = args.typos {
        eprintln!("typos in {rate} of words, seed {}", args.seed);
    }

    let options = engines::talksbot::Options {
        config: args.config.clone(),
        synonyms: args.synonyms.clone(),
        tune_typed: args.typos.is_some(),
    };
    let mut engines = engines::by_names(&args.engines, options)?;
    let mut rows = Vec::new();
    let mut no_candidate = Vec::new();
    for engine in &mut engines {
        let started = std::time::Instant::now();
        let engine_rows = report::run(
            engine.as_mut(),
            &entries,
            tune.as_deref(),
            objective,
            &queries,
            args.misses,
        )?;
        eprintln!("{}: done in {:.1} s", engine.name(), started.elapsed().as_secs_f64());
        no_candidate.push((engine.name(), engine_rows[0].no_candidate_in_scope));
        for row in engine_rows {
            if args.json {
                println!("{}", serde_json::to_string(&row)?);
            }
            rows.push(row);
        }
    }
    if !args.json {
        print!("{}", report::table(&rows));
    }
    let in_scope = queries.iter().filter(|q| q.in_scope()).count();
    eprintln!(
        "in-scope queries with no candidate at all (of {in_scope}): {}",
        no_candidate
            .iter()
            .map(|(n, c)| format!("{n} {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
