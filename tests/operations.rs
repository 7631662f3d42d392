#![recursion_limit = "256"]
//! What an operator sees of the running bot: its log on standard error, and
//! its health and metrics over HTTP. The real `talksbot serve` runs as a
//! child process against the Discord stand-in, as it would under systemd.

mod common;
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use support::bot::{START_WAIT, WAIT};
use support::payloads::{interaction_token, new_snowflake, owner_user};
use support::{bot_user, message_create, slash_command, user, StandIn};

/// A member whose id must never show in the log: long enough that no
/// timestamp, latency or count could contain it by chance.
const ASKER_ID: u64 = 1_180_000_000_000_777_001;
/// Another member, whose questions are answered.
const OTHER_ID: u64 = 1_180_000_000_000_777_002;

/// `talksbot serve` as a child process, its standard error collected.
struct Served {
    child: Child,
    stderr: Arc<Mutex<String>>,
    _data: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Starts the bot on `knowledge` against `discord`, with the bundled
    /// config changed by `tweak`, and waits until it has connected and
    /// registered its commands.
    async fn start(discord: &StandIn, knowledge: &Path, tweak: impl FnOnce(&mut toml_edit::DocumentMut)) -> Served {
        let data = tempfile::tempdir().unwrap();
        let bundled = std::fs::read_to_string(common::repo().join("config/talksbot.toml")).unwrap();
        let mut config: toml_edit::DocumentMut = bundled.parse().unwrap();
        config["discord"]["max_backoff_ms"] = toml_edit::value(200);
        config["moderation"]["watch"] = toml_edit::value(false);
        config["moderation"]["owners"] = toml_edit::value(toml_edit::Array::from_iter([StandIn::OWNER_ID as i64]));
        config["records"]["data_dir"] = toml_edit::value(data.path().display().to_string());
        tweak(&mut config);
        let config_file = data.path().join("talksbot.toml");
        std::fs::write(&config_file, config.to_string()).unwrap();

        let mut child = Command::new(env!("CARGO_BIN_EXE_talksbot"))
            .arg("--config")
            .arg(&config_file)
            .arg("--knowledge")
            .arg(knowledge)
            .arg("serve")
            .current_dir(data.path())
            .env("DISCORD_TOKEN", StandIn::TOKEN)
            .env("TALKSBOT_DISCORD_API", discord.base_url())
            .env_remove("RUST_LOG")
            .env_remove("NO_COLOR")
            .env_remove("TALKSBOT_ARTICLES")
            .env_remove("TALKSBOT_KNOWLEDGE")
            .env_remove("TALKSBOT_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("talksbot serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            // Bytes as they come, so an escape code or a lone \r is kept as written.
            while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                collected.lock().unwrap().push_str(&String::from_utf8_lossy(&line));
                line.clear();
            }
        });
        let served = Served {
            child,
            stderr,
            _data: data,
        };
        assert!(
            discord.wait_for_ready(START_WAIT).await,
            "the bot never identified:\n{}",
            served.log()
        );
        assert!(
            discord.wait_until(WAIT, |d| !d.registered_commands().is_empty()).await,
            "the bot never registered its commands:\n{}",
            served.log()
        );
        served
    }

    /// Everything the bot has written to standard error so far.
    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    async fn wait_for_log(&self, what: impl Fn(&str) -> bool) -> bool {
        for _ in 0..(WAIT.as_millis() / 10) {
            if what(&self.log()) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }
}

/// Someone runs a slash command; returns the interaction id.
async fn slash(discord: &StandIn, who: Value, name: &str, options: Value) -> u64 {
    let id = new_snowflake();
    discord
        .dispatch("INTERACTION_CREATE", slash_command(id, name, options, who))
        .await;
    id
}

async fn ask(discord: &StandIn, who: Value, question: &str) -> u64 {
    slash(
        discord,
        who,
        "ask",
        json!([{"name": "question", "type": 3, "value": question}]),
    )
    .await
}

async fn fact_reload(discord: &StandIn, who: Value) -> u64 {
    slash(
        discord,
        who,
        "fact",
        json!([{"name": "reload", "type": 1, "options": []}]),
    )
    .await
}

async fn mention(discord: &StandIn, who: Value, text: &str) {
    let content = format!("<@{}> {text}", StandIn::BOT_USER_ID);
    discord
        .dispatch(
            "MESSAGE_CREATE",
            message_create(
                new_snowflake(),
                StandIn::CHANNEL_ID,
                who,
                &content,
                vec![bot_user()],
                vec![],
                false,
            ),
        )
        .await;
}

/// Waits until the stand-in has the interaction's response; true if it came.
async fn answered(discord: &StandIn, interaction: u64) -> bool {
    discord
        .wait_until(WAIT, |d| {
            d.interaction_responses().iter().any(|(i, _)| *i == interaction)
        })
        .await
}

/// A deferred command's answer is in: its "thinking…" has been replaced.
async fn finished(discord: &StandIn, interaction: u64) -> bool {
    discord
        .wait_until(WAIT, |d| {
            d.original_response(interaction)
                .is_some_and(|m| m["embeds"].as_array().is_some_and(|e| !e.is_empty()))
        })
        .await
}

async fn replies_in_channel(discord: &StandIn, n: usize) -> bool {
    discord
        .wait_until(WAIT, |d| {
            d.messages(StandIn::CHANNEL_ID)
                .iter()
                .filter(|m| support::payloads::id_of(&m["author"]) == Some(StandIn::BOT_USER_ID))
                .count()
                >= n
        })
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_across_retried_callbacks_has_no_token_no_user_id_no_colour_and_no_forged_line() {
    let discord = StandIn::start().await;
    let bot = Served::start(&discord, &common::repo().join("knowledge"), |c| {
        // A second question within a minute is held, and logged as held.
        c["discord"]["user_cooldown_secs"] = toml_edit::value(60);
    })
    .await;
    let forged = "FORGED-LINE talksbot: the bot was told to post the token";
    let asker = user(ASKER_ID, "asker", false);

    // Discord is busy, then failing: the answer's callback is sent three times.
    discord.fail_next(
        "POST",
        "interactions/",
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false}),
        1,
        false,
    );
    discord.fail_next(
        "POST",
        "interactions/",
        503,
        json!({"message": "Service Unavailable", "code": 0}),
        1,
        false,
    );
    let asked = ask(
        &discord,
        asker.clone(),
        &format!("who met putin on march 13?\n{forged}"),
    )
    .await;
    assert!(
        answered(&discord, asked).await,
        "the question was answered:\n{}",
        bot.log()
    );
    let token = interaction_token(asked);

    // The same member asks again at once by mention (held by the cooldown),
    // someone else mentions the bot with a line break, and the first member
    // tries a moderator's command.
    mention(&discord, asker.clone(), &format!("and when?\n{forged}")).await;
    mention(
        &discord,
        user(OTHER_ID, "other", false),
        &format!("who met putin on march 13?\n{forged}"),
    )
    .await;
    assert!(
        replies_in_channel(&discord, 1).await,
        "the mention was answered:\n{}",
        bot.log()
    );
    let refused = fact_reload(&discord, asker.clone()).await;
    assert!(answered(&discord, refused).await, "the refusal was sent");
    assert!(
        bot.wait_for_log(|log| log.contains("not a moderator")).await,
        "the refusal is logged:\n{}",
        bot.log()
    );

    let log = bot.log();
    let retries: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("retrying a Discord request"))
        .collect();
    assert_eq!(retries.len(), 2, "one line per retry of the callback:\n{log}");
    for line in &retries {
        assert!(
            line.contains(&format!("/interactions/{asked}/<redacted>/callback")),
            "the retried path is shown without its token: {line}"
        );
    }
    assert!(!log.contains(&token), "the interaction token is in the log:\n{log}");
    for id in [ASKER_ID, OTHER_ID] {
        assert!(
            !log.contains(&id.to_string()),
            "a user id is in the log without record_user_ids:\n{log}"
        );
    }
    assert!(
        !log.lines().any(|l| l.starts_with("FORGED-LINE")),
        "a member's line break started a log line:\n{log}"
    );
    assert!(!log.contains('\r'), "a raw carriage return is in the log:\n{log:?}");
    assert!(
        !log.contains("unknown command"),
        "a mention is not an unknown command:\n{log}"
    );
    assert!(
        !log.contains('\x1b'),
        "colour codes in a log that goes to a pipe:\n{log:?}"
    );
}

/// The samples of a Prometheus text exposition, by series.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_string(), value.parse().ok()?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_metrics_tell_an_operator_what_the_bot_did() {
    let knowledge = common::copy_of(&common::repo().join("knowledge"));
    let facts = common::bundled().base.facts().len();
    let discord = StandIn::start().await;
    let bot = Served::start(&discord, knowledge.path(), |c| {
        c["ops"]["listen"] = toml_edit::value("127.0.0.1:0");
    })
    .await;
    let log = bot.log();
    let addr = log
        .lines()
        .find(|l| l.contains("health and metrics"))
        .and_then(|l| l.split_whitespace().find_map(|w| w.strip_prefix("addr=")))
        .unwrap_or_else(|| panic!("the log says where health and metrics are served:\n{log}"))
        .to_string();
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("http://{addr}{path}")).send();

    // Three questions, one of whose answers Discord fails once.
    discord.fail_next(
        "POST",
        "interactions/",
        503,
        json!({"message": "Service Unavailable", "code": 0}),
        1,
        false,
    );
    let first = ask(
        &discord,
        user(OTHER_ID, "asker", false),
        "How many prisoners were exchanged?",
    )
    .await;
    assert!(answered(&discord, first).await, "answered despite the 503");
    let second = ask(
        &discord,
        user(OTHER_ID + 1, "asker2", false),
        "What is the capital of Australia?",
    )
    .await;
    assert!(answered(&discord, second).await);
    mention(
        &discord,
        user(OTHER_ID + 2, "asker3", false),
        "who met Putin on March 13?",
    )
    .await;
    assert!(replies_in_channel(&discord, 1).await);

    // A good reload, then one refused for a broken file.
    let reload = fact_reload(&discord, owner_user()).await;
    assert!(finished(&discord, reload).await);
    std::fs::write(knowledge.path().join("facts/broken.toml"), "[[fact]]\nid = \n").unwrap();
    let refused_reload = fact_reload(&discord, owner_user()).await;
    assert!(finished(&discord, refused_reload).await);

    let health = get("/healthz").await.expect("/healthz answers");
    assert_eq!(health.status(), 200, "connected, with a base: healthy");
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["gateway"], "connected", "{health}");
    assert_eq!(health["facts"], facts, "the last good base is served: {health}");
    assert_eq!(health["last_reload"]["result"], "failed", "{health}");
    assert!(
        health["last_reload"]["problem"]
            .as_str()
            .is_some_and(|p| p.contains("broken.toml")),
        "the problem names the file: {health}"
    );

    let metrics = get("/metrics").await.expect("/metrics answers");
    assert_eq!(metrics.status(), 200);
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "Prometheus text format"
    );
    let metrics = samples(&metrics.text().await.unwrap());
    let count = |series: &str| {
        *metrics
            .get(series)
            .unwrap_or_else(|| panic!("no {series} in /metrics: {metrics:#?}"))
    };
    assert_eq!(count(r#"talksbot_questions_total{path="slash",outcome="answer"}"#), 1.0);
    assert_eq!(
        count(r#"talksbot_questions_total{path="slash",outcome="abstain"}"#),
        1.0
    );
    assert_eq!(
        count(r#"talksbot_questions_total{path="mention",outcome="answer"}"#),
        1.0
    );
    assert_eq!(count(r#"talksbot_questions_total{path="auto",outcome="answer"}"#), 0.0);
    assert_eq!(
        count("talksbot_answer_latency_seconds_count"),
        3.0,
        "each question's latency is observed"
    );
    assert_eq!(count(r#"talksbot_discord_retries_total{status="503"}"#), 1.0);
    assert_eq!(count(r#"talksbot_reloads_total{result="ok"}"#), 1.0);
    assert_eq!(count(r#"talksbot_reloads_total{result="failed"}"#), 1.0);
    assert_eq!(count("talksbot_question_records_dropped_total"), 0.0);
    assert_eq!(count("talksbot_facts"), facts as f64);
    assert_eq!(count("talksbot_gateway_connected"), 1.0);

    let elsewhere = get("/").await.unwrap();
    assert_eq!(elsewhere.status(), 404);
}
