//! Time from a question reaching the bot over the gateway to its cited
//! answer existing in the channel, through the local Discord stand-in.
//!
//! `cargo bench --bench discord_latency` (add `-- N` for N questions;
//! default 200). Prints median, 95th percentile and worst case.
#![recursion_limit = "256"]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::bot::Bot;

const QUESTIONS: [&str; 4] = [
    "who met Putin on March 13?",
    "how many prisoners were exchanged?",
    "wen did kyiv agre to the ceasfire",
    "what is the capital of australia",
];

fn main() {
    // `cargo bench` passes `--bench`; the only argument we take is a count.
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(n));
}

async fn run(n: usize) {
    let bot = Bot::start().await;
    // The bot's own replies need not come back over the gateway here.
    bot.discord.echo_own_messages(false);

    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let question = QUESTIONS[i % QUESTIONS.len()];
        let before = bot.replies().len();
        let started = Instant::now();
        bot.mention(question).await;
        while bot.replies().len() == before {
            assert!(started.elapsed() < Duration::from_secs(10), "no answer to {question:?}");
            tokio::task::yield_now().await;
        }
        times.push(started.elapsed());
    }
    bot.finish();

    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "question over the gateway → cited reply in the channel, {n} questions: median {:.2?}, p95 {:.2?}, worst {:.2?}",
        at(0.5),
        at(0.95),
        times[times.len() - 1]
    );
}
