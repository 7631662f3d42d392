//! `/fact`: moderators keep the fact base current from Discord.
//!
//! Who may: the configured owners, and members holding a configured role in
//! the guild it is configured for. Discord hides the commands from others
//! (`default_member_permissions`), but that is only a convenience: the
//! permission is checked here, on the server side, on every path: the
//! command, the confirm button and the form submission, whose ids anyone
//! could forge.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use poise::serenity_prelude as serenity;
use serenity::all::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton, CreateInputText,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateModal, EditInteractionResponse, InputTextStyle,
    ModalInteraction,
};

use super::commands::{defer_privately, finish_privately, finish_with, respond, tell_privately};
use super::render::{self, clip};
use super::{Context, Data, Error};
use crate::knowledge::edit::{fingerprint, EditError};
use crate::knowledge::reload::watch;
use crate::moderation::{limits, Applied, Form, Request};

/// How long `/fact edit` may spend reading the fact before it must answer:
/// a form has to be Discord's first answer, within 3 seconds.
const FORM_READ_LIMIT: Duration = Duration::from_millis(2_000);

/// Ids of the buttons and forms this module answers: `fact:add`,
/// `fact:edit:ID:FINGERPRINT`, `fact:remove:ID:FINGERPRINT`.
pub const PREFIX: &str = "fact:";

fn may_moderate(data: &Data, user: u64, guild: Option<u64>, roles: &[u64]) -> bool {
    data.moderation_config.may_moderate(user, guild, roles)
}

/// The poise check for every `/fact` command.
pub(super) async fn is_moderator(ctx: Context<'_>) -> Result<bool, Error> {
    let poise::Context::Application(app) = ctx else {
        return Ok(false);
    };
    let roles: Vec<u64> = app
        .interaction
        .member
        .as_ref()
        .map(|m| m.roles.iter().map(|r| r.get()).collect())
        .unwrap_or_default();
    let allowed = may_moderate(
        ctx.data(),
        ctx.author().id.get(),
        app.interaction.guild_id.map(|g| g.get()),
        &roles,
    );
    if !allowed {
        tracing::warn!(user = ctx.data().loggable_user(ctx.author().id.get()), command = %ctx.command().qualified_name, "refused: not a moderator");
    }
    Ok(allowed)
}

async fn autocomplete_fact(ctx: Context<'_>, partial: &str) -> Vec<serenity::AutocompleteChoice> {
    render::question_choices(&ctx.data().knowledge.load(), partial, true)
}

/// Moderators: add, correct and review the facts the bot answers from.
#[poise::command(
    slash_command,
    subcommands("add", "edit", "remove", "show", "list", "reload", "gaps", "history"),
    subcommand_required,
    default_member_permissions = "MANAGE_MESSAGES",
    guild_only
)]
pub async fn fact(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// A text box showing `value` in full: the form is only built for values
/// that fit (see [`Form::show`]), since a cut value saved back would lose
/// its end.
fn text_input(
    id: &str,
    label: &str,
    style: InputTextStyle,
    value: &str,
    required: bool,
    max: usize,
) -> CreateActionRow {
    let mut input = CreateInputText::new(style, label, id)
        .required(required)
        .max_length(u16::try_from(max).unwrap_or(4000));
    if !value.is_empty() {
        input = input.value(value);
    }
    CreateActionRow::InputText(input)
}

/// The fact form: Discord allows five boxes, so sources, dates and the rest
/// share the last one as `key: value` lines.
fn fact_modal(custom_id: &str, title: &str, form: &Form, id_editable: bool) -> CreateInteractionResponse {
    let mut rows = Vec::new();
    if id_editable {
        rows.push(text_input(
            "id",
            "Id (lowercase-with-dashes)",
            InputTextStyle::Short,
            &form.id,
            true,
            limits::ID,
        ));
    }
    rows.push(text_input(
        "questions",
        "Questions, one per line",
        InputTextStyle::Paragraph,
        &form.questions,
        true,
        limits::QUESTIONS,
    ));
    rows.push(text_input(
        "answer",
        "Answer, in our own words",
        InputTextStyle::Paragraph,
        &form.answer,
        true,
        limits::ANSWER,
    ));
    rows.push(text_input(
        "quotes",
        "Verbatim quotes, one per line",
        InputTextStyle::Paragraph,
        &form.quotes,
        true,
        limits::QUOTES,
    ));
    let details = if form.details.is_empty() {
        "sources: \ndates: \ntags: "
    } else {
        &form.details
    };
    rows.push(text_input(
        "details",
        "sources: / dates: / tags: / entities: / note:",
        InputTextStyle::Paragraph,
        details,
        true,
        limits::DETAILS,
    ));
    CreateInteractionResponse::Modal(
        CreateModal::new(clip(custom_id, render::limits::CUSTOM_ID), clip(title, 45)).components(rows),
    )
}

/// Add a fact with a form.
#[poise::command(slash_command, check = "is_moderator")]
pub async fn add(ctx: Context<'_>) -> Result<(), Error> {
    respond(
        ctx,
        fact_modal(&format!("{PREFIX}add"), "Add a fact", &Form::default(), true),
    )
    .await
}

/// Correct a fact with a form filled in with its current text.
#[poise::command(slash_command, check = "is_moderator")]
pub async fn edit(
    ctx: Context<'_>,
    #[description = "The fact to edit"]
    #[autocomplete = "autocomplete_fact"]
    fact: String,
) -> Result<(), Error> {
    let id = fact.trim().to_string();
    // The form shows the fact as it is on disk now, not as the base being
    // served has it (which may be older, after a reload failed); the
    // fingerprint lets the save notice if the disk changes meanwhile.
    // A form must be Discord's first answer, so it cannot wait behind a
    // deferral: the read is bounded instead, off the async runtime.
    let moderation = Arc::clone(&ctx.data().moderation);
    let read = {
        let id = id.clone();
        tokio::task::spawn_blocking(move || {
            let found = moderation.editor.read(&id)?;
            Ok::<_, EditError>(found.ok_or_else(|| moderation.editor.unknown(&id)))
        })
    };
    let current = match tokio::time::timeout(FORM_READ_LIMIT, read).await {
        Ok(read) => match read?? {
            Ok(current) => current,
            Err(unknown) => return tell_privately(ctx, "No such fact", &unknown.to_string()).await,
        },
        Err(_) => {
            return tell_privately(
                ctx,
                "Try again in a moment",
                "The fact base is busy (a large write or reload), so the form could not be filled in time. Nothing was changed.",
            )
            .await
        }
    };
    let id = id.as_str();
    let form = match Form::show(&current) {
        Ok(form) => form,
        Err(refused) => return tell_privately(ctx, "Use the command line for this one", &refused.to_string()).await,
    };
    let custom_id = format!("{PREFIX}edit:{id}:{}", current.fingerprint());
    respond(ctx, fact_modal(&custom_id, &format!("Edit {id}"), &form, false)).await
}

/// Remove a fact (asks to confirm).
#[poise::command(slash_command, check = "is_moderator")]
pub async fn remove(
    ctx: Context<'_>,
    #[description = "The fact to remove"]
    #[autocomplete = "autocomplete_fact"]
    fact: String,
) -> Result<(), Error> {
    defer_privately(ctx).await?;
    let id = fact.trim().to_string();
    let moderation = Arc::clone(&ctx.data().moderation);
    let found = {
        let id = id.clone();
        tokio::task::spawn_blocking(move || match moderation.editor.current(&id) {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(moderation.editor.unknown(&id)),
            Err(e) => Err(e),
        })
        .await?
    };
    let text = match found {
        Ok((_, text)) => text,
        Err(e) => return finish_privately(ctx, "No such fact", &e.to_string()).await,
    };
    let confirm = CreateButton::new(format!("{PREFIX}remove:{id}:{}", fingerprint(&text)))
        .label("Remove it")
        .style(ButtonStyle::Danger);
    finish_with(
        ctx,
        EditInteractionResponse::new()
            .embed(render::notice(
                &format!("Remove {id}?"),
                &format!("```toml\n{}\n```", clip(&text, 3800)),
            ))
            .components(vec![CreateActionRow::Buttons(vec![confirm])])
            .allowed_mentions(render::no_mentions()),
    )
    .await
}

/// Show a fact as it is written in the fact base, and its last change.
#[poise::command(slash_command, check = "is_moderator")]
pub async fn show(
    ctx: Context<'_>,
    #[description = "The fact to show"]
    #[autocomplete = "autocomplete_fact"]
    fact: String,
) -> Result<(), Error> {
    defer_privately(ctx).await?;
    let id = fact.trim().to_string();
    let moderation = Arc::clone(&ctx.data().moderation);
    let found = {
        let id = id.clone();
        tokio::task::spawn_blocking(move || {
            let found = match moderation.editor.current(&id) {
                Ok(Some(found)) => found,
                Ok(None) => return Err(moderation.editor.unknown(&id)),
                Err(e) => return Err(e),
            };
            let last = moderation
                .records
                .as_ref()
                .and_then(|r| crate::records::last_change(r, &id).ok().flatten());
            Ok((found, last))
        })
        .await?
    };
    let ((file, text), last) = match found {
        Ok(found) => found,
        Err(e) => return finish_privately(ctx, "No such fact", &e.to_string()).await,
    };
    let last = last
        .map(|c| {
            format!(
                "\nLast change: {} by {} ({}).",
                c.at.format("%Y-%m-%d %H:%M UTC"),
                who(&c.moderator),
                c.action
            )
        })
        .unwrap_or_default();
    let quotes = match ctx.data().knowledge.load().base.verified_against() {
        Some(_) => "Quotes: found word for word in their articles when the base was loaded.",
        None => "Quotes: **unverified**. No articles folder is set, so nothing has checked them against the article texts (see the README's moderator guide).",
    };
    let body = format!(
        "In `{}`{last}\n{quotes}\n```toml\n{}\n```",
        file.display(),
        clip(&text, 3400)
    );
    finish_privately(ctx, &id, &body).await
}

/// How a moderator is shown: a Discord mention (which never pings) or the CLI user.
fn who(moderator: &str) -> String {
    if moderator.chars().all(|c| c.is_ascii_digit()) {
        format!("<@{moderator}>")
    } else {
        moderator.to_string()
    }
}

/// List the facts, or those with a tag.
#[poise::command(slash_command, check = "is_moderator")]
pub async fn list(
    ctx: Context<'_>,
    #[description = "Only facts with this tag"] tag: Option<String>,
) -> Result<(), Error> {
    let knowledge = ctx.data().knowledge.load();
    let tag = tag.map(|t| t.trim().to_lowercase());
    let facts: Vec<String> = knowledge
        .base
        .facts()
        .iter()
        .filter(|f| {
            tag.as_ref()
                .is_none_or(|t| f.tags.iter().any(|x| x.to_lowercase() == *t))
        })
        .map(|f| format!("`{}`: {}", f.id, clip(&f.questions[0], 80)))
        .collect();
    let mut text = String::new();
    for (i, line) in facts.iter().enumerate() {
        if text.len() + line.len() > 3900 {
            text.push_str(&format!("…and {} more", facts.len() - i));
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    if facts.is_empty() {
        text = "No facts with that tag.".into();
    }
    tell_privately(ctx, &format!("{} facts", facts.len()), &text).await
}

/// Reload the fact base from disk now.
#[poise::command(slash_command, check = "is_moderator")]
pub async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    // A large base takes longer to check and index than Discord waits for
    // a first answer.
    defer_privately(ctx).await?;
    let reloader = Arc::clone(&ctx.data().moderation.reloader);
    match tokio::task::spawn_blocking(move || reloader.reload()).await? {
        Ok(r) => {
            finish_privately(
                ctx,
                "Reloaded",
                &format!("{} facts from {} sources.", r.facts, r.sources),
            )
            .await
        }
        Err(e) => {
            let text = format!(
                "Still answering from the last good base.\n```\n{}\n```",
                clip(&e.to_string(), 3600)
            );
            finish_privately(ctx, "The fact base has problems", &text).await
        }
    }
}

/// The questions people asked most that the bot could not answer.
#[poise::command(slash_command, check = "is_moderator")]
pub async fn gaps(
    ctx: Context<'_>,
    #[description = "Since this day, as YYYY-MM-DD"] since: Option<String>,
) -> Result<(), Error> {
    let since = match since
        .as_deref()
        .map(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
    {
        Some(Err(_)) => {
            return tell_privately(ctx, "That date didn't work", "Write it as YYYY-MM-DD, e.g. 2025-05-01.").await
        }
        Some(Ok(d)) => Some(d),
        None => None,
    };
    let Some(records) = &ctx.data().moderation.records else {
        return tell_privately(
            ctx,
            "No records",
            "The question log is not available (see the bot's log).",
        )
        .await;
    };
    // The database may be busy or large: acknowledge first, read off the runtime.
    super::commands::defer_privately(ctx).await?;
    let records = Arc::clone(records);
    let gaps = match tokio::task::spawn_blocking(move || records.gaps(since, 20)).await? {
        Ok(gaps) => gaps,
        Err(e) => {
            return super::commands::finish_privately(ctx, "The question log could not be read", &e.to_string()).await
        }
    };
    let text = if gaps.is_empty() {
        "No unanswered questions.".to_string()
    } else {
        gaps.iter()
            .map(|g| format!("**{}**: {}", g.count, clip(&render::escape(&g.question), 150)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    super::commands::finish_privately(ctx, "Most asked, not answered", &text).await
}

/// Who changed a fact, when, and what.
#[poise::command(slash_command, check = "is_moderator")]
pub async fn history(
    ctx: Context<'_>,
    #[description = "The fact"]
    #[autocomplete = "autocomplete_fact"]
    fact: String,
) -> Result<(), Error> {
    let Some(records) = &ctx.data().moderation.records else {
        return tell_privately(
            ctx,
            "No records",
            "The audit trail is not available (see the bot's log).",
        )
        .await;
    };
    super::commands::defer_privately(ctx).await?;
    let (records, id) = (Arc::clone(records), fact.trim().to_string());
    let changes = match tokio::task::spawn_blocking(move || records.history(&id)).await? {
        Ok(changes) => changes,
        Err(e) => {
            return super::commands::finish_privately(ctx, "The audit trail could not be read", &e.to_string()).await
        }
    };
    let text = if changes.is_empty() {
        "No recorded changes: it has only been edited by hand, if at all.".to_string()
    } else {
        changes
            .iter()
            .rev()
            .take(10)
            .map(|c| {
                let after = c
                    .after
                    .as_deref()
                    .map(|a| clip(a, 300))
                    .unwrap_or_else(|| "(removed)".into());
                format!(
                    "**{}** {} by {}\n```toml\n{after}\n```",
                    c.at.format("%Y-%m-%d %H:%M UTC"),
                    c.action,
                    who(&c.moderator)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    super::commands::finish_privately(ctx, &format!("History of {}", fact.trim()), &text).await
}

async fn reply_ephemeral(
    data: &Data,
    id: serenity::InteractionId,
    token: &str,
    title: &str,
    text: &str,
) -> Result<(), Error> {
    let response = CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .embed(render::notice(title, text))
            .ephemeral(true)
            .allowed_mentions(render::no_mentions()),
    );
    data.courier.respond(id, token, &response).await?;
    Ok(())
}

/// What follows a saved change: whether the bot answers from it, and
/// whether the audit trail has it, for the moderator and the mod log.
pub(super) fn aftermath(reload_error: Option<&crate::knowledge::KnowledgeError>, audit_error: Option<&str>) -> String {
    let mut text = match reload_error {
        None => " The bot answers from it now.".to_string(),
        Some(e) => format!(
            "\nBut the base did not reload (still answering from the last good one):\n```\n{}\n```",
            clip(&e.to_string(), 1500)
        ),
    };
    if let Some(e) = audit_error {
        text.push_str(&format!(
            "\n**Not in the audit trail**: {}. Tell whoever looks after the bot.",
            clip(e, 300)
        ));
    }
    text
}

/// What a saved change says to the moderator and to the mod log.
async fn report_applied(data: &Data, moderator: u64, applied: &Applied) -> String {
    let c = &applied.change;
    let mut text = format!(
        "{} `{}` in `{}`.",
        capitalised(c.action.as_str()),
        c.fact_id,
        c.file.display()
    );
    text.push_str(&aftermath(
        applied.reload_error.as_ref(),
        applied.audit_error.as_deref(),
    ));
    let log = format!("{text}\nBy <@{moderator}>.");
    data.mod_log("Fact base changed", &log, &change_nonce(&log, c)).await;
    text
}

/// The mod-log post's nonce: one per change, so that a retried post is
/// not posted twice, while two changes never share one, even when they read
/// the same (the same moderator editing the same fact twice).
fn change_nonce(log: &str, change: &crate::knowledge::edit::Change) -> String {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let what = format!("{log}\n{:?}\n{:?}\n{at}", change.before, change.after);
    format!("chg{}", &fingerprint(&what)[..16])
}

fn capitalised(action: &str) -> String {
    match action {
        "add" => "Added".into(),
        "edit" => "Edited".into(),
        "remove" => "Removed".into(),
        other => other.into(),
    }
}

/// What a refused change says: the field and the fix, for each problem.
fn explain_refusal(e: &EditError) -> String {
    match e {
        EditError::Invalid(problems) => {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| format!("• {}\n  fix: {}", p.message, p.fix))
                .collect();
            clip(&format!("Nothing was saved.\n{}", lines.join("\n")), 3900)
        }
        other => clip(&other.to_string(), 3900),
    }
}

/// A submitted fact form.
pub async fn on_modal(data: &Arc<Data>, submit: &ModalInteraction) -> Result<(), Error> {
    let Some(rest) = submit.data.custom_id.strip_prefix(PREFIX) else {
        return Ok(());
    };
    let user = submit.user.id.get();
    let roles: Vec<u64> = submit
        .member
        .as_ref()
        .map(|m| m.roles.iter().map(|r| r.get()).collect())
        .unwrap_or_default();
    if !may_moderate(data, user, submit.guild_id.map(|g| g.get()), &roles) {
        tracing::warn!(user = data.loggable_user(user), custom_id = ?submit.data.custom_id, "refused a fact form from a non-moderator");
        return reply_ephemeral(
            data,
            submit.id,
            &submit.token,
            "Not allowed",
            "Only the fact base's moderators can change it.",
        )
        .await;
    }
    let mut form = Form::default();
    for row in &submit.data.components {
        for component in &row.components {
            if let ActionRowComponent::InputText(input) = component {
                let value = input.value.clone().unwrap_or_default();
                match input.custom_id.as_str() {
                    "id" => form.id = value,
                    "questions" => form.questions = value,
                    "answer" => form.answer = value,
                    "quotes" => form.quotes = value,
                    "details" => form.details = value,
                    _ => {}
                }
            }
        }
    }
    let request = match rest.split(':').collect::<Vec<_>>().as_slice() {
        ["add"] => form.to_draft().map(Request::Add),
        ["edit", id, seen] => {
            form.id = id.to_string();
            Ok(Request::EditForm {
                id: id.to_string(),
                form,
                seen: seen.to_string(),
            })
        }
        _ => {
            return reply_ephemeral(
                data,
                submit.id,
                &submit.token,
                "Unknown form",
                "That form is not one of mine.",
            )
            .await;
        }
    };
    let request = match request {
        Ok(r) => r,
        Err(e) => {
            return reply_ephemeral(
                data,
                submit.id,
                &submit.token,
                "Nothing was saved",
                &format!("The {} box: {}", e.field, e.message),
            )
            .await
        }
    };
    // Writes queue behind each other and a large base takes a while to
    // reload, so acknowledge now rather than risk Discord's 3-second limit.
    let defer = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    data.courier.respond(submit.id, &submit.token, &defer).await?;
    let moderation = Arc::clone(&data.moderation);
    let who = user.to_string();
    let (title, text) = match tokio::task::spawn_blocking(move || moderation.apply(&who, request)).await? {
        Ok(applied) => ("Saved", report_applied(data, user, &applied).await),
        Err(e) => {
            tracing::info!(user = data.loggable_user(user), error = ?e.to_string(), "a fact change was refused");
            ("Not saved", explain_refusal(&e))
        }
    };
    let edit = EditInteractionResponse::new()
        .embed(render::notice(title, &text))
        .allowed_mentions(render::no_mentions());
    data.courier
        .edit_original(data.application_id, &submit.token, &edit)
        .await?;
    Ok(())
}

/// The remove confirmation button.
pub async fn on_button(data: &Arc<Data>, press: &ComponentInteraction) -> Result<(), Error> {
    let user = press.user.id.get();
    let roles: Vec<u64> = press
        .member
        .as_ref()
        .map(|m| m.roles.iter().map(|r| r.get()).collect())
        .unwrap_or_default();
    if !may_moderate(data, user, press.guild_id.map(|g| g.get()), &roles) {
        tracing::warn!(user = data.loggable_user(user), custom_id = ?press.data.custom_id, "refused a fact button from a non-moderator");
        return reply_ephemeral(
            data,
            press.id,
            &press.token,
            "Not allowed",
            "Only the fact base's moderators can change it.",
        )
        .await;
    }
    let rest = press.data.custom_id.strip_prefix(PREFIX).unwrap_or_default();
    let parts: Vec<&str> = rest.split(':').collect();
    let ["remove", id, seen] = parts.as_slice() else {
        return reply_ephemeral(
            data,
            press.id,
            &press.token,
            "Unknown button",
            "That button is not one of mine.",
        )
        .await;
    };
    let request = Request::Remove(id.to_string(), Some(seen.to_string()));
    data.courier
        .respond(press.id, &press.token, &CreateInteractionResponse::Acknowledge)
        .await?;
    let moderation = Arc::clone(&data.moderation);
    let who = user.to_string();
    let text = match tokio::task::spawn_blocking(move || moderation.apply(&who, request)).await? {
        Ok(applied) => report_applied(data, user, &applied).await,
        Err(e) => explain_refusal(&e),
    };
    // The confirmation message becomes the outcome, without its button.
    let edit = EditInteractionResponse::new()
        .embed(render::notice("Remove", &text))
        .components(Vec::new())
        .allowed_mentions(render::no_mentions());
    data.courier
        .edit_original(data.application_id, &press.token, &edit)
        .await?;
    Ok(())
}

/// Reloads on file changes (when configured) and on SIGHUP; a failed reload
/// is logged with every problem's file:line:column and told to the mod log.
pub fn start_reloading(data: &Arc<Data>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let reloader = Arc::clone(&data.moderation.reloader);
    let watcher = if data.moderation_config.watch {
        let tx = tx.clone();
        let settle = Duration::from_millis(data.moderation_config.watch_settle_ms);
        match watch(Arc::clone(&reloader), settle, move |result| {
            let _ = tx.send(result.map(|r| r.facts));
        }) {
            Ok(w) => Some(w),
            Err(e) => {
                tracing::error!(error = %crate::logging::Chain(&e), "cannot watch the knowledge folder; use /fact reload or SIGHUP");
                None
            }
        }
    } else {
        None
    };
    #[cfg(unix)]
    {
        let reloader = Arc::clone(&reloader);
        let tx = tx.clone();
        tokio::spawn(async move {
            let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
                return;
            };
            while hup.recv().await.is_some() {
                let r = Arc::clone(&reloader);
                if let Ok(result) = tokio::task::spawn_blocking(move || r.reload()).await {
                    let _ = tx.send(result.map(|r| r.facts));
                }
            }
        });
    }
    let data = Arc::clone(data);
    tokio::spawn(async move {
        // The watcher lives as long as this task.
        let _watcher = watcher;
        while let Some(result) = rx.recv().await {
            match result {
                Ok(facts) => tracing::info!(facts, "fact base reloaded"),
                Err(e) => {
                    for p in e.problems() {
                        tracing::error!(problem = %p.to_string().replace('\n', " "), "fact base not reloaded; still answering from the last good one");
                    }
                    let text = format!(
                        "Still answering from the last good base.\n```\n{}\n```",
                        clip(&e.to_string(), 3600)
                    );
                    data.mod_log(
                        "The fact base has problems",
                        &text,
                        &format!("rl{}", &fingerprint(&text)[..16]),
                    )
                    .await;
                }
            }
        }
    });
}
