//! Matcher speed on the bundled fact base and on a synthetic one of 20,000
//! facts (about 200,000 stored phrasings), to show that a question costs
//! what it shares with the base, not the size of the base.
//!
//!     cargo bench --bench matcher

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use talksbot::answers::Knowledge;
use talksbot::config::Config;
use talksbot::knowledge::FactBase;

const QUESTIONS: &[&str] = &[
    "Who met Putin on March 13?",
    "how many prisners were swapped",
    "wen did kyiv agre to the ceasfire",
    "What is the capital of Australia?",
];

fn bundled() -> Knowledge {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(Some(&root.join("config/talksbot.toml"))).expect("config");
    Knowledge::load(&root.join("knowledge"), &config.matcher).expect("bundled base")
}

/// Deterministic made-up facts: each draws words from a 30,000-word
/// vocabulary, so terms are spread the way a real, large base spreads them.
fn synthetic(facts: usize) -> Knowledge {
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let word = |i: u64| format!("w{}x{}", i % 977, i / 977);
    let mut text = String::new();
    for f in 0..facts {
        let mut questions = Vec::new();
        for _ in 0..10 {
            let q: Vec<String> = (0..6).map(|_| word(next(30_000))).collect();
            let opener = ["who", "what", "when", "where", "how many", "why"][next(6) as usize];
            questions.push(format!("\"{opener} {}?\"", q.join(" ")));
        }
        text.push_str(&format!(
            "[[fact]]\nid = \"f{f}\"\nquestions = [{}]\nanswer = \"answer {f}\"\nsources = [\"s\"]\nquotes = [\"q\"]\n\n",
            questions.join(", ")
        ));
    }
    let dir = PathBuf::from("synthetic");
    let sources = "[[source]]\nid = \"s\"\noutlet = \"Synthetic\"\ndate = \"2025-01-01\"\n".to_string();
    let base = FactBase::from_files(
        &dir,
        &[(dir.join("sources.toml"), sources), (dir.join("facts/all.toml"), text)],
    )
    .expect("synthetic base is valid");
    Knowledge::new(base, &Config::default().matcher)
}

fn bench(c: &mut Criterion) {
    let small = bundled();
    c.bench_function("ask/bundled base", |b| {
        b.iter(|| {
            for q in QUESTIONS {
                black_box(small.ask(q).ok());
            }
        })
    });

    // Tokenizing was quadratic on runs of digits and separators.
    let run = "1-2/3.4,5-".repeat(30_000);
    c.bench_function("ask/a 300k-character run of digits", |b| {
        b.iter(|| black_box(small.ask(&run).ok()))
    });

    let large = synthetic(20_000);
    let probes: Vec<String> = (0..4)
        .map(|i| format!("who w{}x3 w{}x7 w{}x1", 10 + i, 200 + i, 500 + i))
        .collect();
    c.bench_function("ask/20k facts", |b| {
        b.iter(|| {
            for q in QUESTIONS.iter().copied().chain(probes.iter().map(String::as_str)) {
                black_box(large.ask(q).ok());
            }
        })
    });

    let mut group = c.benchmark_group("index");
    group
        .sample_size(10)
        .measurement_time(std::time::Duration::from_secs(20));
    group.bench_function("build 20k facts", |b| b.iter(|| black_box(synthetic(20_000))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
