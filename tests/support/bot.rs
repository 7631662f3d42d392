//! `Bot`: the real bot (`talksbot::discord::serve`) running against a
//! [`StandIn`], with helpers that make a test read like what a person does:
//! mention it, run a slash command, press a button, submit a form.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use talksbot::config::Config;
use talksbot::discord::courier::Token;
use talksbot::discord::{serve, ServeError, ServeOptions};
use tokio::task::JoinHandle;

use super::{bot_user, message_create, slash_command, user, StandIn};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub const WAIT: Duration = Duration::from_secs(10);

/// How long a bot may take to connect: it loads, checks and indexes its
/// base first, and a test base of 10,000 facts in a debug build, beside
/// other tests doing the same on two slow cores, has taken over `WAIT`.
/// Start-up speed is measured by the bench, not here; a bot that never
/// connects still fails.
pub const START_WAIT: Duration = Duration::from_secs(90);

/// A running bot and the Discord it talks to.
pub struct Bot {
    pub discord: StandIn,
    pub task: JoinHandle<Result<(), ServeError>>,
    data: tempfile::TempDir,
}

fn test_config(data: &std::path::Path) -> Config {
    let mut config = Config::load(Some(&repo().join("config/talksbot.toml"))).expect("the bundled config loads");
    // No rate limit unless a test sets one.
    config.discord.question_refill_secs = Some(0);
    config.discord.max_backoff_ms = 1_000;
    config.records.data_dir = data.to_path_buf();
    config.moderation.watch = false;
    // Whatever the environment says: a test that checks quotes names its folder.
    config.knowledge.articles = None;
    config
}

impl Bot {
    pub async fn start() -> Bot {
        Bot::start_with(|_| {}, repo().join("knowledge")).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config), knowledge: PathBuf) -> Bot {
        Bot::serve_on(StandIn::start().await, tweak, knowledge).await
    }

    /// Runs the bot against a stand-in the test has already set up (e.g.
    /// with failures arranged for start-up).
    pub async fn serve_on(discord: StandIn, tweak: impl FnOnce(&mut Config), knowledge: PathBuf) -> Bot {
        let data = tempfile::tempdir().unwrap();
        let mut config = test_config(data.path());
        tweak(&mut config);
        let options = ServeOptions {
            config,
            knowledge_dir: knowledge,
            token: Token::new(StandIn::TOKEN),
            api_base: Some(discord.base_url()),
        };
        let task = tokio::spawn(serve(options));
        assert!(discord.wait_for_ready(START_WAIT).await, "the bot never identified");
        assert!(
            discord.wait_until(WAIT, |d| !d.registered_commands().is_empty()).await,
            "the bot never registered its commands"
        );
        Bot { discord, task, data }
    }

    /// Someone mentions the bot with a question; returns the message id.
    pub async fn mention(&self, text: &str) -> u64 {
        self.message_from(
            user(7001, "asker", false),
            &format!("<@{}> {text}", StandIn::BOT_USER_ID),
            vec![bot_user()],
        )
        .await
    }

    pub async fn message_from(&self, author: Value, content: &str, mentions: Vec<Value>) -> u64 {
        let id = super::payloads::new_snowflake();
        self.discord
            .dispatch(
                "MESSAGE_CREATE",
                message_create(id, StandIn::CHANNEL_ID, author, content, mentions, vec![], false),
            )
            .await;
        id
    }

    /// The POSTs of channel messages the bot made, bodies in order.
    pub fn posted_messages(&self) -> Vec<Value> {
        self.discord
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with(&format!("/channels/{}/messages", StandIn::CHANNEL_ID)))
            .filter_map(|r| r.body)
            .collect()
    }

    /// Messages that really exist in the channel, from the bot.
    pub fn replies(&self) -> Vec<Value> {
        self.discord
            .messages(StandIn::CHANNEL_ID)
            .into_iter()
            .filter(|m| super::payloads::id_of(&m["author"]) == Some(StandIn::BOT_USER_ID))
            .collect()
    }

    pub async fn wait_for_replies(&self, n: usize) -> Vec<Value> {
        self.discord.wait_until(WAIT, |_| self.replies().len() >= n).await;
        // Give a duplicate the chance to show up, if there were to be one.
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.replies()
    }

    pub async fn slash(&self, name: &str, options: Value) -> u64 {
        let id = super::payloads::new_snowflake();
        self.discord
            .dispatch(
                "INTERACTION_CREATE",
                slash_command(id, name, options, user(7002, "slasher", false)),
            )
            .await;
        id
    }

    pub async fn response_to(&self, interaction: u64) -> Value {
        self.discord
            .wait_until(WAIT, |d| {
                d.interaction_responses().iter().any(|(i, _)| *i == interaction)
            })
            .await;
        let found: Vec<Value> = self
            .discord
            .interaction_responses()
            .into_iter()
            .filter(|(i, _)| *i == interaction)
            .map(|(_, b)| b)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected exactly one response to interaction {interaction}: {found:?}"
        );
        found.into_iter().next().unwrap()
    }

    /// The folder of the bot's question log and audit trail.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Dispatches an INTERACTION_CREATE; returns the interaction id.
    pub async fn interact(&self, payload: Value) -> u64 {
        let id = super::payloads::id_of(&payload).expect("an interaction payload has an id");
        self.discord.dispatch("INTERACTION_CREATE", payload).await;
        id
    }

    /// What the person who started an interaction ends up seeing: the
    /// original response after any deferral and edit, once it has content.
    pub async fn final_response_to(&self, interaction: u64) -> Value {
        self.final_response_within(interaction, WAIT).await
    }

    /// [`Bot::final_response_to`], waiting up to `wait` for it: for a
    /// command that loads a whole base, as a start does (see
    /// [`START_WAIT`]).
    pub async fn final_response_within(&self, interaction: u64, wait: Duration) -> Value {
        let has_content = |m: &Value| {
            m["embeds"].as_array().is_some_and(|e| !e.is_empty())
                || m["content"].as_str().is_some_and(|c| !c.is_empty())
        };
        self.discord
            .wait_until(wait, |d| {
                d.original_response(interaction).is_some_and(|m| has_content(&m))
            })
            .await;
        self.discord
            .original_response(interaction)
            .unwrap_or_else(|| panic!("no response to interaction {interaction}"))
    }

    /// How many requests the bot has made so far, to compare with later.
    pub fn mark(&self) -> usize {
        self.discord.requests().len()
    }

    /// "METHOD path" of every request since `mark`, in order.
    pub fn requests_since(&self, mark: usize) -> Vec<String> {
        self.discord
            .requests()
            .into_iter()
            .skip(mark)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// Stops the bot; every body it sent must have matched Discord's spec.
    pub fn finish(self) {
        self.task.abort();
        let violations = self.discord.spec_violations();
        assert!(
            violations.is_empty(),
            "requests that break Discord's OpenAPI spec:\n{}",
            violations.join("\n")
        );
        let unexpected = self.discord.unexpected_requests();
        assert!(
            unexpected.is_empty(),
            "requests to routes Discord does not have: {unexpected:?}"
        );
    }
}

pub fn embed_text(message: &Value) -> String {
    message["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let fields: Vec<String> = e["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    format!(
                        "{} {}",
                        f["name"].as_str().unwrap_or(""),
                        f["value"].as_str().unwrap_or("")
                    )
                })
                .collect();
            format!(
                "{} {} {} {}",
                e["title"].as_str().unwrap_or(""),
                e["description"].as_str().unwrap_or(""),
                fields.join(" "),
                e["footer"]["text"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn assert_pings_nobody(body: &Value) {
    let allowed = &body["allowed_mentions"];
    assert_eq!(allowed["parse"], json!([]), "{body}");
    assert!(allowed["users"].as_array().is_none_or(|u| u.is_empty()), "{body}");
    assert!(allowed["roles"].as_array().is_none_or(|r| r.is_empty()), "{body}");
}
