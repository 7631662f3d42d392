//! The Discord bot: slash commands, mentions and buttons, answered from the
//! same core as the command line.
//!
//! Everything the bot sends goes through [`courier::Courier`] (retries,
//! nonces) and carries allowed mentions that ping nobody.

pub mod allowance;
pub mod commands;
pub mod courier;
pub mod events;
pub mod health;
pub mod moderation;
pub mod render;
pub mod sources;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use serenity::all::{
    ApplicationId, ChannelId, CreateInteractionResponse, CreateInteractionResponseMessage, GatewayIntents, UserId,
};

use crate::answers::{Knowledge, Reply};
use crate::config::{Config, DiscordConfig, ModerationConfig};
use crate::knowledge::edit::Editor;
use crate::knowledge::reload::Reloader;
use crate::logging::Chain;
use crate::moderation::Moderation;
use crate::ops::{ListenError, Ops};
use crate::records::{QuestionLog, QuestionRecord, Records};
use allowance::{Allowances, Repeats, Verdict};
use courier::{Courier, CourierError, Token, DISCORD_BASE};

/// Environment variable naming another API base (a proxy, or a test double).
pub const API_BASE_ENV: &str = "TALKSBOT_DISCORD_API";
/// Environment variable holding the bot token.
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Arc<Data>, Error>;

/// Shared state of the running bot.
pub struct Data {
    /// The fact base in use, swapped whole on reload.
    pub knowledge: Arc<ArcSwap<Knowledge>>,
    pub courier: Courier,
    pub config: DiscordConfig,
    pub moderation_config: ModerationConfig,
    pub moderation: Arc<Moderation>,
    /// Keep user ids with recorded questions.
    pub record_user_ids: bool,
    pub bot_id: UserId,
    pub application_id: ApplicationId,
    pub started: DateTime<Utc>,
    /// Health and metrics: count into it.
    pub ops: Arc<Ops>,
    /// Where question records go, off the answer path; `None` when the
    /// database could not be opened. Its counts are for operators.
    pub questions: Option<QuestionLog>,
    limits: std::sync::Mutex<Limits>,
}

/// Who may ask how often, and which facts were given unprompted lately.
struct Limits {
    people: Allowances<UserId>,
    facts: Repeats<(ChannelId, String)>,
}

impl Limits {
    fn new(config: &DiscordConfig) -> Limits {
        let (burst, refill) = config.question_rate();
        Limits {
            people: Allowances::new(burst, refill),
            facts: Repeats::new(Duration::from_secs(config.auto_answer_cooldown_secs)),
        }
    }
}

/// Who asked, where.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asker {
    pub guild: Option<u64>,
    pub channel: Option<u64>,
    pub user: u64,
}

/// How a question reached the bot, for the log.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    Slash,
    Mention,
    Unprompted,
    Button,
}

impl Via {
    /// The `path` label of the question metrics.
    pub fn label(self) -> &'static str {
        match self {
            Via::Slash => "slash",
            Via::Mention => "mention",
            Via::Unprompted => "auto",
            Via::Button => "button",
        }
    }
}

impl Data {
    /// A user id for a log line: only with `record_user_ids`, as the README
    /// promises; otherwise the field is left out.
    pub fn loggable_user(&self, user: u64) -> Option<u64> {
        self.record_user_ids.then_some(user)
    }

    fn limits(&self) -> std::sync::MutexGuard<'_, Limits> {
        self.limits.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A question someone put to the bot (slash command or mention): it
    /// uses one question of their allowance, or is held if none is left.
    pub fn take_allowance(&self, user: UserId) -> Verdict {
        self.limits().people.take(user, Instant::now())
    }

    /// An unprompted answer the bot would like to give: given only if none
    /// of its facts was given in this channel within the cooldown and the
    /// person has allowance left, which it then uses. A message the bot
    /// does not answer costs its author nothing.
    pub fn may_answer_unprompted(&self, user: UserId, channel: ChannelId, fact_ids: &[&str]) -> bool {
        let now = Instant::now();
        let mut limits = self.limits();
        let keys: Vec<(ChannelId, String)> = fact_ids.iter().map(|f| (channel, (*f).to_string())).collect();
        if !limits.facts.all_fresh(&keys, now) || !limits.people.would_grant(user, now) {
            return false;
        }
        limits.people.take(user, now);
        limits.facts.note(keys, now);
        true
    }

    /// Answers a question from the current base, trimmed to the configured
    /// length, and logs one line about it.
    pub fn answer(
        &self,
        question: &str,
        via: Via,
        asker: Asker,
    ) -> Result<(Arc<Knowledge>, Reply), crate::matching::QuestionError> {
        let started = Instant::now();
        let question = trim_question(question, self.config.max_question_chars);
        let knowledge = self.knowledge.load_full();
        let reply = knowledge.ask(&question)?;
        let latency_us = started.elapsed().as_micros() as u64;
        tracing::info!(
            via = ?via,
            outcome = reply.outcome_name(),
            fact = reply.fact_id().unwrap_or("-"),
            confidence = format!("{:.2}", reply.confidence),
            latency_us,
            "question"
        );
        self.ops.question(
            via.label(),
            reply.outcome_name(),
            Some(Duration::from_micros(latency_us)),
        );
        // Queued for the writer thread: answering never waits on the database.
        if let Some(log) = &self.questions {
            log.record(QuestionRecord {
                at: Utc::now(),
                guild: asker.guild,
                channel: asker.channel,
                user: self.record_user_ids.then_some(asker.user),
                question: crate::matching::text::normalize_question(&question),
                outcome: reply.outcome_name().to_string(),
                fact_id: reply.fact_id().map(str::to_string),
                confidence: reply.confidence,
                latency_us,
            });
        }
        Ok((knowledge, reply))
    }

    /// Tells the mod-log channel, if one is configured.
    pub async fn mod_log(&self, title: &str, text: &str, nonce: &str) {
        let Some(channel) = self.moderation_config.mod_log_channel else {
            return;
        };
        let message = serenity::all::CreateMessage::new()
            .embed(render::notice(title, text))
            .allowed_mentions(render::no_mentions())
            .nonce(serenity::all::Nonce::String(nonce.chars().take(25).collect()))
            .enforce_nonce(true);
        if let Err(e) = self.courier.create_message(ChannelId::new(channel), &message).await {
            tracing::warn!(error = %Chain(&e), "could not post to the mod-log channel");
        }
    }
}

/// The first `max` characters of a long question, cut at a word boundary.
pub fn trim_question(question: &str, max: usize) -> String {
    let q = question.trim();
    if q.chars().count() <= max {
        return q.to_string();
    }
    let head: String = q.chars().take(max).collect();
    match head.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => head[..i].to_string(),
        _ => head,
    }
}

/// Reads the token: `DISCORD_TOKEN` first, then the configured file.
pub fn read_token(config: &DiscordConfig) -> anyhow::Result<Token> {
    if let Ok(t) = std::env::var(TOKEN_ENV) {
        if !t.trim().is_empty() {
            return Ok(Token::new(t));
        }
    }
    let Some(path) = &config.token_file else {
        anyhow::bail!(
            "no Discord token: set the {TOKEN_ENV} environment variable, or name a private token file as token_file in the [discord] config"
        );
    };
    warn_if_readable_by_others(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the token file {}: {e}", path.display()))?;
    if text.trim().is_empty() {
        anyhow::bail!("the token file {} is empty", path.display());
    }
    Ok(Token::new(text))
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(file = %path.display(), "the token file can be read by other users; run chmod 600 on it");
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// Why `serve` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("Discord rejected the bot token: check {TOKEN_ENV} (or the token file) and reset the token in the Developer Portal if needed")]
    Rejected,
    #[error("cannot reach the Discord API at {base}: {reason}")]
    Unreachable { base: String, reason: String },
    #[error(transparent)]
    OpsListen(#[from] ListenError),
    #[error("{0}")]
    Other(#[from] anyhow::Error),
}

impl From<CourierError> for ServeError {
    fn from(e: CourierError) -> Self {
        match e {
            CourierError::Unauthorized => ServeError::Rejected,
            other => ServeError::Other(other.into()),
        }
    }
}

/// What `serve` needs, resolved from config and environment.
pub struct ServeOptions {
    pub config: Config,
    pub knowledge_dir: PathBuf,
    pub token: Token,
    /// `None` for Discord itself.
    pub api_base: Option<String>,
}

impl ServeOptions {
    pub fn from_env(config: Config, knowledge_dir: PathBuf) -> anyhow::Result<ServeOptions> {
        let token = read_token(&config.discord)?;
        let api_base = std::env::var(API_BASE_ENV).ok().filter(|s| !s.trim().is_empty());
        Ok(ServeOptions {
            config,
            knowledge_dir,
            token,
            api_base,
        })
    }
}

/// Connects to Discord and answers until the gateway ends the session for
/// good (a rejected token) or the process is asked to stop.
pub async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let knowledge = Knowledge::load_verified(
        &options.knowledge_dir,
        &options.config.matcher,
        options.config.knowledge.articles.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("the fact base cannot be loaded:\n{e}"))?;
    serve_with(options, Arc::new(ArcSwap::from_pointee(knowledge))).await
}

/// `serve` with a fact base already loaded (and perhaps shared with a reloader).
pub async fn serve_with(options: ServeOptions, knowledge: Arc<ArcSwap<Knowledge>>) -> Result<(), ServeError> {
    // Health and metrics: counted always, served only if configured; up
    // before Discord is reached, so a health check says "not yet" meanwhile.
    let ops = Arc::new(Ops::new());
    ops.base_loaded(knowledge.load().base.facts().len());
    let _ops_listener = match options.config.ops.listen {
        Some(addr) => Some(crate::ops::listen(addr, Arc::clone(&ops)).await?),
        None => None,
    };
    let discord = options.config.discord.clone();
    let moderation_config = options.config.moderation.clone();
    // Opening may wait for another process (busy timeout, retries): off the runtime.
    let data_dir = options.config.records.data_dir.clone();
    let opened = tokio::task::spawn_blocking(move || Records::open(&data_dir))
        .await
        .map_err(|e| anyhow::anyhow!("opening the records database failed: {e}"))?;
    let records = match opened {
        Ok(r) => Some(Arc::new(r)),
        Err(e) => {
            tracing::error!(error = %Chain(&e), "no question log or audit trail this run; the bot answers anyway");
            None
        }
    };
    let questions = records.as_ref().and_then(|r| {
        QuestionLog::start(r.path(), options.config.records.question_log())
            .map_err(|e| tracing::error!(error = %e, "no question log this run; the bot answers anyway"))
            .ok()
    });
    if let Some(log) = &questions {
        let counts = log.counts();
        ops.count_dropped_records_from(move || counts.dropped());
    }
    let articles = options.config.knowledge.articles.clone();
    let reloader = Arc::new(
        Reloader::new(
            &options.knowledge_dir,
            options.config.matcher.clone(),
            Arc::clone(&knowledge),
        )
        .with_articles(articles.clone())
        .observed({
            let ops = Arc::clone(&ops);
            move |result| ops.reload_finished(result.as_ref().map(|r| r.facts).map_err(|e| e.to_string()))
        }),
    );
    let moderation = Arc::new(Moderation {
        editor: Editor::new(&options.knowledge_dir, &moderation_config.new_facts_file)
            .with_articles(articles)
            .with_settle_window(Duration::from_millis(moderation_config.write_settle_ms)),
        reloader: Arc::clone(&reloader),
        records,
    });
    if let Some(warning) = discord.deprecation_warning() {
        tracing::warn!("{warning}");
    }
    let record_user_ids = options.config.records.record_user_ids;
    let base = options.api_base.clone().unwrap_or_else(|| DISCORD_BASE.to_string());
    let courier = Courier::new(
        &base,
        options.token.clone(),
        discord.max_attempts,
        Duration::from_millis(discord.max_backoff_ms),
    )
    .with_ops(Arc::clone(&ops));

    // Checking the token first gives one clear sentence instead of a
    // gateway retry loop when it is wrong.
    let me = courier.current_user().await.map_err(|e| match e {
        CourierError::Unauthorized => ServeError::Rejected,
        CourierError::GaveUp { last, .. } => ServeError::Unreachable {
            base: base.clone(),
            reason: last,
        },
        other => ServeError::Other(other.into()),
    })?;
    let bot_id = me
        .get("id")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<u64>().ok())
        .map(UserId::new)
        .ok_or_else(|| anyhow::anyhow!("Discord's answer to /users/@me has no user id"))?;

    // Behind a proxy (or in tests) the gateway address must come from that
    // base too: serenity would otherwise fall back to Discord's own.
    let gateway_url = match &options.api_base {
        Some(_) => Some(courier.gateway_url().await.map_err(|e| ServeError::Unreachable {
            base: base.clone(),
            reason: e.to_string(),
        })?),
        None => None,
    };

    let mut http = serenity::HttpBuilder::new(options.token.expose());
    if let Some(api) = &options.api_base {
        // serenity honours a proxy only with its own rate limiter off; the
        // courier does the retrying instead.
        http = http.proxy(api.as_str()).ratelimiter_disabled(true);
    }
    let http = http.build();

    let mut intents = GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if !discord.auto_answer_channels.is_empty() {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }

    let setup_courier = courier.clone();
    let setup_config = discord.clone();
    let setup_ops = Arc::clone(&ops);
    let limits = std::sync::Mutex::new(Limits::new(&discord));
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |error| Box::pin(commands::on_error(error)),
            event_handler: |ctx, event, _framework, data| Box::pin(events::handle(ctx, event, data)),
            allowed_mentions: Some(render::no_mentions()),
            // There are no prefix commands: a mention is a question, which
            // events.rs answers, not a command poise should call unknown.
            prefix_options: poise::PrefixFrameworkOptions {
                mention_as_prefix: false,
                ..Default::default()
            },
            // Owners are not needed for answering; skipping the lookup saves
            // a request at start.
            initialize_owners: false,
            ..Default::default()
        })
        .setup(move |_ctx, ready, framework| {
            Box::pin(async move {
                let application_id = ready.application.id;
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
                let data = Arc::new(Data {
                    knowledge,
                    courier: setup_courier,
                    config: setup_config,
                    moderation_config,
                    moderation,
                    record_user_ids,
                    bot_id,
                    application_id,
                    started: Utc::now(),
                    ops: setup_ops,
                    questions,
                    limits,
                });
                // Watch before announcing the commands, so no edit made from
                // then on can be missed.
                moderation::start_reloading(&data);
                commands::register(
                    &data.courier,
                    application_id,
                    &data.config.command_guilds,
                    &framework.options().commands,
                )
                .await?;
                Ok(data)
            })
        })
        .build();

    let mut client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .event_handler(health::GatewayWatch::new(Arc::clone(&ops)))
        .await
        .map_err(|e| anyhow::anyhow!("cannot set up the Discord client: {e}"))?;
    if let Some(url) = gateway_url {
        *client.ws_url.lock().await = url;
    }

    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        if shutdown_signal().await {
            tracing::info!("stopping");
            shards.shutdown_all().await;
        }
    });

    match client.start().await {
        Ok(()) => Ok(()),
        Err(serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication)) => Err(ServeError::Rejected),
        Err(e) => Err(ServeError::Other(anyhow::anyhow!("the Discord connection ended: {e}"))),
    }
}

/// Resolves true on Ctrl-C or SIGTERM.
async fn shutdown_signal() -> bool {
    #[cfg(unix)]
    {
        let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
            return tokio::signal::ctrl_c().await.is_ok();
        };
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.is_ok(),
            _ = term.recv() => true,
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.is_ok()
    }
}

/// An interaction response with the rendered reply, no pings, ephemeral
/// when it is only for the asker.
pub fn interaction_message(rendered: render::Rendered, force_ephemeral: bool) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .embeds(rendered.embeds)
            .components(rendered.components)
            .ephemeral(rendered.ephemeral || force_ephemeral)
            .allowed_mentions(render::no_mentions()),
    )
}

/// The invite link: the bot and its slash commands, with the least
/// permissions it needs: see channels, send messages (also in threads),
/// embed links, read message history (to reply to a message), add
/// reactions (the sign on a question held by the rate limit).
pub fn invite_url(application_id: u64) -> String {
    let permissions = serenity::Permissions::VIEW_CHANNEL
        | serenity::Permissions::SEND_MESSAGES
        | serenity::Permissions::ADD_REACTIONS
        | serenity::Permissions::SEND_MESSAGES_IN_THREADS
        | serenity::Permissions::EMBED_LINKS
        | serenity::Permissions::READ_MESSAGE_HISTORY;
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope=bot%20applications.commands&permissions={}",
        permissions.bits()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_questions_keep_their_first_part() {
        let q = format!("who met putin {}", "and then some more words ".repeat(50));
        let t = trim_question(&q, 100);
        assert!(t.starts_with("who met putin"));
        assert!(t.chars().count() <= 100);
    }

    #[test]
    fn the_invite_asks_for_little() {
        let url = invite_url(42);
        assert!(url.contains("client_id=42"));
        assert!(url.contains("scope=bot%20applications.commands"));
        assert!(url.contains("permissions=274877992000"), "{url}");
    }
}
