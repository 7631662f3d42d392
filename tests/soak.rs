//! Soak: 10,000 questions from 2,000 people over a minute through the
//! Discord stand-in, with 429s and 5xx injected into the bot's answers;
//! every question must be answered exactly once and memory must stay flat.
//!
//! Not part of the default `cargo test` (it takes over a minute); run it
//! with:
//!
//!     cargo test --release --test soak -- --ignored --nocapture
#![recursion_limit = "256"]

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;
use support::bot::Bot;
use support::{bot_user, slash_command, user, Drained, StandIn};

const QUESTIONS: usize = 10_000;
const PEOPLE: usize = 2_000;
const SPREAD: Duration = Duration::from_secs(60);
/// One question in this many is a mention; the others are `/ask`.
const MENTION_EVERY: usize = 5;
/// What the stand-in keeps before handing it over: longer than any retry
/// of the bot's (5 attempts, back-off capped at 1 s in tests).
const KEEP: Duration = Duration::from_secs(10);
/// How much the process may grow between the start (after 10 s of warm-up,
/// when the stand-in's own window of recent traffic is full) and the end,
/// and between the middle and the end. Generous, because the allocator
/// keeps what it has had (runs here grow 4-9 MiB in the second half and
/// level off), but a leak of 4 KB a question would break the second.
const GROWTH_FROM_START: u64 = 64 * 1024 * 1024;
const GROWTH_FROM_MIDDLE: u64 = 20 * 1024 * 1024;

const ASKED: [&str; 6] = [
    "who met Putin on March 13?",
    "how many prisoners were exchanged?",
    "wen did kyiv agre to the ceasfire",
    "what is the capital of australia",
    "did russia agree to a 30 day ceasefire",
    "what did zelensky say about the energy truce",
];

/// The resident set of this process (bot and stand-in), in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc/self/status");
    kb * 1024
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Who answered what, counted across drains.
#[derive(Default)]
struct Tally {
    /// Accepted responses per interaction id.
    interactions: HashMap<u64, u32>,
    /// Replies per question message id.
    replies: HashMap<u64, u32>,
}

impl Tally {
    fn take(&mut self, drained: Drained) {
        for (id, body) in drained.responses {
            assert_eq!(body["type"], json!(4), "an answer to /ask: {body}");
            assert!(
                body["data"]["embeds"].as_array().is_some_and(|e| !e.is_empty()),
                "{body}"
            );
            *self.interactions.entry(id).or_default() += 1;
        }
        for m in drained.messages {
            let question = m["message_reference"]["message_id"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("a reply to a question: {m}"));
            assert!(m["embeds"].as_array().is_some_and(|e| !e.is_empty()), "{m}");
            *self.replies.entry(question).or_default() += 1;
        }
    }

    fn answered(&self) -> usize {
        self.interactions.len() + self.replies.len()
    }
}

/// How many failing answers [`arrange_failures`] arranges.
const FAILURES_PER_ROUND: usize = 7;

/// The failures Discord has on a bad day, arranged for the next requests:
/// rate limits, errors before and after the answer was taken.
fn arrange_failures(discord: &StandIn) {
    let limited = json!({"message": "You are being rate limited.", "retry_after": 0.2, "global": false});
    let broken = |code: u16| json!({"message": format!("{code}: upstream trouble"), "code": 0});
    discord.fail_next("POST", "/interactions/", 429, limited.clone(), 2, false);
    discord.fail_next("POST", "/interactions/", 503, broken(503), 1, false);
    // Taken, but the answer to it is lost: the retry finds it acknowledged.
    discord.fail_next("POST", "/interactions/", 502, broken(502), 1, true);
    discord.fail_next("POST", "/channels/", 429, limited, 1, false);
    // Posted, but the answer is lost: the retry's nonce finds the message.
    discord.fail_next("POST", "/channels/", 500, broken(500), 1, true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a minute-long soak; run with --ignored"]
async fn ten_thousand_questions_from_two_thousand_people_each_answered_once_in_flat_memory() {
    // Each question logged at info level, as in production; the log is
    // shown (its warnings and errors) if the run fails.
    let log = tempfile::NamedTempFile::new().expect("a temporary log file");
    let file = std::sync::Mutex::new(log.reopen().expect("the log file opens"));
    let _ = tracing::subscriber::set_global_default(talksbot::logging::subscriber(file, false));
    let bot = Bot::start_with(
        |config| {
            // Production's allowance: everyone asks every 12 s, well within it.
            config.discord.question_burst = 3;
            config.discord.question_refill_secs = Some(5);
        },
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
    )
    .await;

    let mut tally = Tally::default();
    let mut asked_slash = Vec::with_capacity(QUESTIONS);
    let mut asked_mention = Vec::with_capacity(QUESTIONS / MENTION_EVERY);
    let mut samples: Vec<(usize, u64)> = Vec::new();
    let mut failures_arranged = 0usize;

    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut sent = 0usize;
    let mut last_drain = Instant::now();
    while sent < QUESTIONS {
        tick.tick().await;
        let due = ((started.elapsed().as_secs_f64() / SPREAD.as_secs_f64()) * QUESTIONS as f64).ceil() as usize;
        while sent < due.min(QUESTIONS) {
            let person = 20_000_000 + (sent % PEOPLE) as u64;
            let who = user(person, &format!("person{person}"), false);
            let question = ASKED[sent % ASKED.len()];
            if sent % MENTION_EVERY == MENTION_EVERY - 1 {
                let id = bot
                    .message_from(
                        who,
                        &format!("<@{}> {question}", StandIn::BOT_USER_ID),
                        vec![bot_user()],
                    )
                    .await;
                asked_mention.push(id);
            } else {
                let id = support::payloads::new_snowflake();
                let payload = slash_command(
                    id,
                    "ask",
                    json!([{"name": "question", "type": 3, "value": question}]),
                    who,
                );
                // serenity must be able to read them: check the first only,
                // the rest are the same shape.
                if asked_slash.is_empty() {
                    bot.discord.dispatch("INTERACTION_CREATE", payload).await;
                } else {
                    bot.discord.dispatch_unchecked("INTERACTION_CREATE", payload).await;
                }
                asked_slash.push(id);
            }
            sent += 1;
        }
        if last_drain.elapsed() >= Duration::from_secs(1) {
            last_drain = Instant::now();
            arrange_failures(&bot.discord);
            failures_arranged += 1;
            tally.take(bot.discord.drain(KEEP));
            samples.push((sent, rss()));
        }
    }

    // The last answers and any retry of them (a duplicate would come from
    // a retry) are in well within KEEP; then everything is handed over.
    tokio::time::sleep(KEEP + Duration::from_secs(1)).await;
    let all_in = Instant::now();
    loop {
        tally.take(bot.discord.drain(Duration::ZERO));
        if tally.answered() >= QUESTIONS || all_in.elapsed() > Duration::from_secs(20) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    samples.push((sent, rss()));
    let took = started.elapsed();

    let unanswered_slash = asked_slash
        .iter()
        .filter(|id| !tally.interactions.contains_key(id))
        .count();
    let unanswered_mention = asked_mention
        .iter()
        .filter(|id| !tally.replies.contains_key(id))
        .count();
    let twice = tally
        .interactions
        .values()
        .chain(tally.replies.values())
        .filter(|&&n| n > 1)
        .count();
    let pending = bot.discord.failures_pending();

    // Start: after 10 s of warm-up (connections, caches, allocator arenas).
    let at = |fraction: f64| samples[((samples.len() - 1) as f64 * fraction).round() as usize].1;
    let (start, middle, end) = (at(10.0 / 60.0), at(0.5), samples[samples.len() - 1].1);
    println!(
        "soak: {QUESTIONS} questions ({} /ask, {} mentions) from {PEOPLE} people in {took:.1?}, {failures_arranged} rounds of injected 429/5xx",
        asked_slash.len(),
        asked_mention.len()
    );
    println!(
        "soak: answered once {}, unanswered {} /ask and {} mentions, answered twice {twice}",
        tally.answered() - twice,
        unanswered_slash,
        unanswered_mention
    );
    println!(
        "soak: RSS start {:.1} MiB, middle {:.1} MiB, end {:.1} MiB; every second: {:?}",
        mib(start),
        mib(middle),
        mib(end),
        samples
            .iter()
            .map(|(_, r)| (mib(*r) * 10.0).round() / 10.0)
            .collect::<Vec<f64>>()
    );

    if unanswered_slash + unanswered_mention + twice > 0 {
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        let unanswered: Vec<u64> = asked_slash
            .iter()
            .filter(|id| !tally.interactions.contains_key(id))
            .chain(asked_mention.iter().filter(|id| !tally.replies.contains_key(id)))
            .copied()
            .collect();
        eprintln!("unanswered: {unanswered:?}");
        let problems = text
            .lines()
            .filter(|l| !l.contains(" INFO ") && !l.contains("retrying a Discord request"));
        for line in problems.take(40) {
            eprintln!("log: {line}");
        }
    }
    assert_eq!(unanswered_slash + unanswered_mention, 0, "every question answered");
    assert_eq!(twice, 0, "no question answered twice");
    // Only the last round, arranged as the sending stopped, may be unmet.
    assert!(
        pending <= FAILURES_PER_ROUND,
        "the injected failures were met by the bot's requests ({pending} still waiting)"
    );
    assert!(
        end <= start + GROWTH_FROM_START,
        "memory grew from {:.1} MiB to {:.1} MiB",
        mib(start),
        mib(end)
    );
    assert!(
        end <= middle + GROWTH_FROM_MIDDLE,
        "memory kept growing: {:.1} MiB at the middle, {:.1} MiB at the end",
        mib(middle),
        mib(end)
    );
    bot.finish();
}
