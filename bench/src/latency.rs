//! Latency of the bot's own answering path on a real knowledge folder: the
//! time to load, check and index it (what a bot start waits for), and the
//! time per question, as percentiles over every question of the eval files.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::metrics::percentile_us;

/// Loads `dir` with the config, then asks every question of `evals` `rounds`
/// times, and prints the load time and the per-question percentiles.
pub fn run(dir: &Path, config: Option<&Path>, evals: &[PathBuf], rounds: usize) -> Result<()> {
    let config = talksbot::config::Config::load(config).context("loading the config")?;
    // The English lexicon is loaded once per process, whatever the base:
    // timed and counted apart.
    let started = Instant::now();
    talksbot::matching::lexicon::Lexicon::english().warm();
    let lexicon = started.elapsed();
    let before = crate::alloc::current();
    let started = Instant::now();
    let knowledge = talksbot::answers::Knowledge::load(dir, &config.matcher)
        .with_context(|| format!("loading the knowledge folder {}", dir.display()))?;
    let load = started.elapsed();
    let held = crate::alloc::current().saturating_sub(before);
    let mut questions = Vec::new();
    for path in evals {
        let file = talksbot::eval::load(path).with_context(|| format!("reading {}", path.display()))?;
        questions.extend(file.cases.into_iter().map(|c| c.question));
    }
    anyhow::ensure!(!questions.is_empty(), "no questions in the eval files");
    let mut latencies: Vec<Duration> = Vec::with_capacity(questions.len() * rounds);
    let mut per_question = vec![Duration::ZERO; questions.len()];
    for _ in 0..rounds.max(1) {
        for (i, q) in questions.iter().enumerate() {
            let t = Instant::now();
            let reply = knowledge.ask(q);
            let took = t.elapsed();
            latencies.push(took);
            per_question[i] += took;
            std::hint::black_box(reply.ok());
        }
    }
    let mut slowest: Vec<(Duration, &String)> = per_question.into_iter().zip(&questions).collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    latencies.sort();
    let total: Duration = latencies.iter().sum();
    let stored: usize = knowledge.base.facts().iter().map(|f| f.questions.len()).sum();
    let asked: usize = (0..knowledge.base.facts().len())
        .map(|f| knowledge.base.asked(f).len())
        .sum();
    println!(
        "load, check and index {}: {:.1} ms ({} facts, {stored} stored questions and {asked} asked; the English lexicon before it {:.1} ms); the base and its index hold {:.1} MB",
        dir.display(),
        load.as_secs_f64() * 1e3,
        knowledge.base.facts().len(),
        lexicon.as_secs_f64() * 1e3,
        held as f64 / (1024.0 * 1024.0)
    );
    println!(
        "{} questions x {} rounds: p50 {:.1} us, p99 {:.1} us, max {:.1} us, mean {:.1} us",
        questions.len(),
        rounds.max(1),
        percentile_us(&latencies, 0.5),
        percentile_us(&latencies, 0.99),
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e6),
        total.as_secs_f64() * 1e6 / latencies.len() as f64
    );
    println!("slowest questions (mean):");
    for (took, q) in slowest.iter().take(5) {
        println!("  {:>8.1} us  {q:?}", took.as_secs_f64() * 1e6 / rounds.max(1) as f64);
    }
    Ok(())
}
