//! Time from a question reaching the bot over the gateway to its cited
//! answer existing in the channel, through the local Discord stand-in.
//!
//! `cargo bench --bench discord_latency` (add `-- N` for N questions;
//! default 200). Prints median, 95th percentile and worst case.
#![recursion_limit = "256"]

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::{bot_user, message_create, user, StandIn};
use talksbot::config::Config;
use talksbot::discord::courier::Token;
use talksbot::discord::{serve, ServeOptions};

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
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let discord = StandIn::start().await;
    discord.echo_own_messages(false);
    let data = tempfile::tempdir().expect("a temporary data directory");
    let mut config = Config::load(Some(&repo.join("config/talksbot.toml"))).expect("the bundled config loads");
    config.discord.user_cooldown_secs = 0;
    config.records.data_dir = data.path().to_path_buf();
    config.moderation.watch = false;
    let bot = tokio::spawn(serve(ServeOptions {
        config,
        knowledge_dir: repo.join("knowledge"),
        token: Token::new(StandIn::TOKEN),
        api_base: Some(discord.base_url()),
    }));
    assert!(
        discord.wait_for_ready(Duration::from_secs(10)).await,
        "the bot connects to the stand-in"
    );

    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let question = QUESTIONS[i % QUESTIONS.len()];
        let before = discord.messages(StandIn::CHANNEL_ID).len();
        let content = format!("<@{}> {question}", StandIn::BOT_USER_ID);
        let author = user(7100 + (i as u64 % 50), "bencher", false);
        let event = message_create(
            support::payloads::new_snowflake(),
            StandIn::CHANNEL_ID,
            author,
            &content,
            vec![bot_user()],
            vec![],
            false,
        );
        let started = Instant::now();
        discord.dispatch("MESSAGE_CREATE", event).await;
        loop {
            if discord.messages(StandIn::CHANNEL_ID).len() > before {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "no answer to {question:?}");
            tokio::task::yield_now().await;
        }
        times.push(started.elapsed());
    }
    bot.abort();
    let violations = discord.spec_violations();
    assert!(violations.is_empty(), "{violations:?}");

    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "question over the gateway → cited reply in the channel, {n} questions: median {:.2?}, p95 {:.2?}, worst {:.2?}",
        at(0.5),
        at(0.95),
        times[times.len() - 1]
    );
}
