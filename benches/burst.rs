//! A burst of 300 `/ask` from 300 different people, through the local
//! Discord stand-in: how many are answered per second.
//!
//!     cargo bench --bench burst              # a cold burst, then 7, and the median of the 7
//!     cargo bench --bench burst -- 15        # a cold burst, then 15
//!
//! One run: the 300 INTERACTION_CREATEs go out over the gateway back to back;
//! the clock runs from the first until the stand-in has accepted the 300th
//! interaction response. Then every interaction must have exactly one
//! response, a message with an embed, and no request may break Discord's
//! spec. The bot runs as in production: the bundled config's per-person
//! allowance, question records going to SQLite, and each question logged at
//! info level (to a file, as journald would take it).
//!
//! The stand-in shares the process (and the machine's cores) with the bot,
//! so the figure is for both; the stand-in's own share is printed beside it.
#![recursion_limit = "256"]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;
use support::bot::Bot;
use support::{slash_command, user};

const PEOPLE: usize = 300;

const QUESTIONS: [&str; 4] = [
    "who met Putin on March 13?",
    "how many prisoners were exchanged?",
    "wen did kyiv agre to the ceasfire",
    "what is the capital of australia",
];

fn main() {
    // `cargo bench` passes `--bench`; the only argument we take is a count.
    let runs: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(7);
    let log = tempfile::NamedTempFile::new().expect("a temporary log file");
    let file = log.reopen().expect("the log file opens");
    // The bot's own subscriber: filter, redaction, one line per event.
    let subscriber = talksbot::logging::subscriber(std::sync::Mutex::new(file), false);
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut rates: Vec<f64> = runtime.block_on(async {
        let bot = Bot::start_with(
            |config| {
                // Production's allowance, not the tests' unlimited one: each
                // person asks once, well within it.
                config.discord.question_burst = 3;
                config.discord.question_refill_secs = Some(5);
            },
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
        )
        .await;
        bot.discord.echo_own_messages(false);
        // The first burst is cold: the bot opens its connections to the
        // stand-in as the answers go out. Reported, not in the median.
        burst(&bot, 0, PEOPLE).await;
        let mut rates = Vec::with_capacity(runs);
        for run in 1..=runs {
            // New people every run, so nobody's allowance carries over.
            rates.push(burst(&bot, run, PEOPLE).await);
        }
        bot.finish();
        rates
    });
    let lines = std::fs::read_to_string(log.path()).unwrap_or_default();
    let questions_logged = lines.lines().filter(|l| l.contains(" question ")).count();

    rates.sort_by(f64::total_cmp);
    println!(
        "{PEOPLE} /ask from {PEOPLE} people, {runs} warm bursts: median {:.0}/s (min {:.0}/s, max {:.0}/s); {questions_logged} question lines logged",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1]
    );
}

/// One burst of `n` questions from `n` new people; returns answered per second.
async fn burst(bot: &Bot, run: usize, n: usize) -> f64 {
    let payloads: Vec<(u64, serde_json::Value)> = (0..n)
        .map(|i| {
            let id = support::payloads::new_snowflake();
            let person = 10_000_000 + (run * 1_000 + i) as u64;
            let question = QUESTIONS[i % QUESTIONS.len()];
            let payload = slash_command(
                id,
                "ask",
                json!([{"name": "question", "type": 3, "value": question}]),
                user(person, &format!("person{person}"), false),
            );
            (id, payload)
        })
        .collect();
    // serenity must be able to read the payload (it drops what it cannot);
    // one check covers them all, and keeps the check out of the timing.
    let (_, first) = &payloads[0];
    let check = json!({"op": 0, "s": 1, "t": "INTERACTION_CREATE", "d": first});
    serde_json::from_value::<serenity::model::event::GatewayEvent>(check).expect("serenity reads the payload");

    let before = bot.discord.interaction_response_count();
    let started = Instant::now();
    for (_, payload) in &payloads {
        bot.discord
            .dispatch_unchecked("INTERACTION_CREATE", payload.clone())
            .await;
    }
    while bot.discord.interaction_response_count() < before + n {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "only {} of {n} answered",
            bot.discord.interaction_response_count() - before
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = started.elapsed();
    let rate = n as f64 / elapsed.as_secs_f64();

    // Exactly one response each, and each is an answer message with an embed.
    let ids: HashMap<u64, ()> = payloads.iter().map(|(id, _)| (*id, ())).collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for (id, body) in bot.discord.interaction_responses() {
        if ids.contains_key(&id) {
            *seen.entry(id).or_default() += 1;
            assert_eq!(body["type"], json!(4), "an answer, not a deferral: {body}");
            assert!(
                body["data"]["embeds"].as_array().is_some_and(|e| !e.is_empty()),
                "{body}"
            );
        }
    }
    assert_eq!(seen.len(), n, "every interaction answered");
    assert!(seen.values().all(|&c| c == 1), "none answered twice");
    let busy = bot.discord.take_busy();
    let name = if run == 0 {
        "cold burst".to_string()
    } else {
        format!("burst {run}")
    };
    println!("{name}: {n} answered in {elapsed:.2?}: {rate:.0}/s (the stand-in's REST handler took {busy:.2?} of it)");
    rate
}
