//! The slash commands. Their doc comments are the help people see in
//! Discord.

use std::sync::Arc;

use chrono::NaiveDate;
use poise::serenity_prelude as serenity;
use serenity::all::{ApplicationId, ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage};

use super::allowance::{seconds, Verdict};
use super::courier::Courier;
use super::{interaction_message, render, Asker, Context, Data, Error, Via};
use crate::logging::Chain;
use crate::matching::QuestionError;

pub fn all() -> Vec<poise::Command<Arc<Data>, Error>> {
    vec![
        ask(),
        timeline(),
        super::sources::source(),
        about(),
        super::moderation::fact(),
    ]
}

/// serenity writes `default_member_permissions` as a string, the form
/// Discord sends back; Discord's API description asks for an integer, which
/// Discord accepts too, so the request matches its own spec.
fn permissions_as_integers(commands: &mut serde_json::Value) {
    for command in commands.as_array_mut().into_iter().flatten() {
        let field = &mut command["default_member_permissions"];
        if let Some(bits) = field.as_str().and_then(|s| s.parse::<u64>().ok()) {
            *field = serde_json::Value::from(bits);
        }
    }
}

/// Registers the commands in the configured guilds, or globally.
pub async fn register(
    courier: &Courier,
    application: ApplicationId,
    guilds: &[u64],
    commands: &[poise::Command<Arc<Data>, Error>],
) -> Result<(), Error> {
    let mut body = serde_json::to_value(poise::builtins::create_application_commands(commands))?;
    permissions_as_integers(&mut body);
    if guilds.is_empty() {
        let path = format!("/applications/{application}/commands");
        courier.request(reqwest::Method::PUT, &path, Some(&body)).await?;
    }
    for guild in guilds {
        let path = format!("/applications/{application}/guilds/{guild}/commands");
        courier.request(reqwest::Method::PUT, &path, Some(&body)).await?;
    }
    tracing::info!(
        commands = commands.len(),
        guilds = guilds.len(),
        "slash commands registered"
    );
    Ok(())
}

/// Sends the interaction response through the courier, and tells poise
/// that the interaction has been answered.
pub(super) async fn respond(ctx: Context<'_>, response: CreateInteractionResponse) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        anyhow::bail!("these commands are slash commands only");
    };
    ctx.data()
        .courier
        .respond(app.interaction.id, &app.interaction.token, &response)
        .await?;
    app.has_sent_initial_response
        .store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}

/// A short message only the person who asked can see.
pub(super) async fn tell_privately(ctx: Context<'_>, title: &str, text: &str) -> Result<(), Error> {
    respond(
        ctx,
        CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .embed(render::notice(title, text))
                .ephemeral(true)
                .allowed_mentions(render::no_mentions()),
        ),
    )
    .await
}

/// Acknowledges at once, privately, so that slow work (a download, a write
/// queued behind another, a reload) never misses Discord's 3-second limit;
/// [`finish_privately`] then replaces the "thinking…" message.
pub(super) async fn defer_privately(ctx: Context<'_>) -> Result<(), Error> {
    respond(
        ctx,
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true)),
    )
    .await
}

/// The answer to a deferred command.
pub(super) async fn finish_privately(ctx: Context<'_>, title: &str, text: &str) -> Result<(), Error> {
    finish_with(
        ctx,
        serenity::all::EditInteractionResponse::new()
            .embed(render::notice(title, text))
            .allowed_mentions(render::no_mentions()),
    )
    .await
}

/// Replaces a deferred command's "thinking…" message with `edit`.
pub(super) async fn finish_with(ctx: Context<'_>, edit: serenity::all::EditInteractionResponse) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        anyhow::bail!("these commands are slash commands only");
    };
    ctx.data()
        .courier
        .edit_original(ctx.data().application_id, &app.interaction.token, &edit)
        .await?;
    Ok(())
}

async fn autocomplete_question(ctx: Context<'_>, partial: &str) -> Vec<serenity::AutocompleteChoice> {
    render::question_choices(&ctx.data().knowledge.load(), partial, false)
}

pub(super) async fn autocomplete_fact(ctx: Context<'_>, partial: &str) -> Vec<serenity::AutocompleteChoice> {
    render::question_choices(&ctx.data().knowledge.load(), partial, true)
}

/// Ask about the Russia–Ukraine ceasefire talks; the answer shows its source.
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, in your own words"]
    #[autocomplete = "autocomplete_question"]
    question: String,
) -> Result<(), Error> {
    if let Verdict::Held { again_in, .. } = ctx.data().take_allowance(ctx.author().id) {
        // An interaction must be answered anyway, and privately costs the
        // channel nothing, so every held /ask is told (with its question,
        // so nothing typed is lost).
        tracing::info!(via = ?Via::Slash, again_in_s = seconds(again_in), "question held: over the asker's allowance");
        return tell_privately(
            ctx,
            "One moment",
            &format!(
                "You've asked a few questions in a row. Ask again in {} s:\n> {}",
                seconds(again_in),
                render::clip(&render::escape(&question), 500)
            ),
        )
        .await;
    }
    let asker = Asker {
        guild: ctx.guild_id().map(|g| g.get()),
        channel: Some(ctx.channel_id().get()),
        user: ctx.author().id.get(),
    };
    match ctx.data().answer(&question, Via::Slash, asker) {
        Ok((knowledge, reply)) => {
            respond(
                ctx,
                interaction_message(render::reply(&knowledge, &reply, ctx.author().id.get()), false),
            )
            .await
        }
        Err(QuestionError::Empty) => {
            tell_privately(
                ctx,
                "Ask me something",
                "Type a question, e.g. \u{201c}who met Putin on March 13?\u{201d}",
            )
            .await
        }
    }
}

fn parse_day(text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("{text:?} is not a date: write it as YYYY-MM-DD, e.g. 2025-03-11"))
}

/// The dated events the sources report, in order, each with its source.
#[poise::command(slash_command)]
pub async fn timeline(
    ctx: Context<'_>,
    #[description = "First day to show, as YYYY-MM-DD"] from: Option<String>,
    #[description = "Last day to show, as YYYY-MM-DD"] to: Option<String>,
) -> Result<(), Error> {
    let (from, to) = match (
        from.as_deref().map(parse_day).transpose(),
        to.as_deref().map(parse_day).transpose(),
    ) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return tell_privately(ctx, "That date didn't work", &e.to_string()).await,
    };
    let first = render::TimelinePage {
        owner: ctx.author().id.get(),
        from,
        to,
        page: 0,
    };
    let rendered = render::timeline(&ctx.data().knowledge.load(), first);
    respond(ctx, CreateInteractionResponse::Message(rendered.message())).await
}

/// A timeline page button: the page is drawn from the current base. The
/// person who ran `/timeline` turns the page everyone sees; anyone else
/// gets the page privately, with buttons of their own.
pub async fn on_timeline_button(data: &Arc<Data>, press: &ComponentInteraction) -> Result<(), Error> {
    let presser = press.user.id.get();
    let response = match render::timeline_button_target(&press.data.custom_id) {
        Some(asked) => {
            let rendered = render::timeline(
                &data.knowledge.load(),
                render::TimelinePage {
                    owner: presser,
                    ..asked
                },
            );
            if asked.owner == presser {
                CreateInteractionResponse::UpdateMessage(rendered.message())
            } else {
                CreateInteractionResponse::Message(rendered.message().ephemeral(true))
            }
        }
        None => CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .embed(render::notice(
                    "That button is out of date",
                    "Run /timeline again to see the timeline.",
                ))
                .ephemeral(true)
                .allowed_mentions(render::no_mentions()),
        ),
    };
    data.courier.respond(press.id, &press.token, &response).await?;
    Ok(())
}

/// What this bot is, and what it knows.
#[poise::command(slash_command)]
pub async fn about(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let k = data.knowledge.load();
    // Readers count outlets, not the records behind them: a newspaper's
    // article and a headline printed on its page are one outlet.
    let outlets = k.outlets();
    let text = format!(
        "I answer questions about the Russia–Ukraine ceasefire talks from a curated fact base, and show the \
         source of every answer: outlet, date and the quote it rests on. When my sources don't say, I say so.\n\n\
         **Facts:** {}\n**Outlets:** {} ({})\n**Fact base loaded:** <t:{}:R>\n**Version:** {}\n\n\
         Ask with /ask, or mention me with a question. /timeline lists the dated events; /source shows a fact's sources.",
        k.base.facts().len(),
        outlets.len(),
        render::clip(&outlets.join(", "), 1000),
        k.loaded_at.timestamp(),
        env!("CARGO_PKG_VERSION"),
    );
    respond(
        ctx,
        CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .embed(render::notice("About talksbot", &text))
                .ephemeral(true)
                .allowed_mentions(render::no_mentions()),
        ),
    )
    .await
}

/// The one place errors end up: logged, and told to the person privately.
pub async fn on_error(error: poise::FrameworkError<'_, Arc<Data>, Error>) {
    let (ctx, text) = match &error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, error = %Chain(error.as_ref()), "command failed");
            (
                Some(*ctx),
                "Something went wrong answering that. Please try again in a moment.".to_string(),
            )
        }
        poise::FrameworkError::ArgumentParse { error, ctx, .. } => {
            (Some(*ctx), format!("I couldn't read that: {error}"))
        }
        poise::FrameworkError::CommandPanic { ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, "command panicked");
            (Some(*ctx), "Something went wrong answering that.".to_string())
        }
        poise::FrameworkError::CommandCheckFailed { ctx, .. } => (
            Some(*ctx),
            "Only the fact base's moderators can do that. Ask a server admin to give you the moderator role."
                .to_string(),
        ),
        poise::FrameworkError::GuildOnly { ctx, .. } => (Some(*ctx), "That works only in a server.".to_string()),
        poise::FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %Chain(error.as_ref()), "setting up the bot failed");
            (None, String::new())
        }
        // A message poise took for a prefix command: there are none, and its
        // text is a member's, not a problem for the log.
        poise::FrameworkError::UnknownCommand { .. } => (None, String::new()),
        other => {
            // Escaped: the text may quote what a member typed.
            tracing::warn!(error = ?other.to_string(), "interaction not handled");
            (None, String::new())
        }
    };
    if let Some(ctx) = ctx {
        if let Err(e) = tell_privately(ctx, "Sorry", &text).await {
            tracing::error!(error = %Chain(e.as_ref()), "could not tell the user about an error");
        }
    }
}
