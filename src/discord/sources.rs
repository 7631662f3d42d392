//! `/source`: where an answer comes from, for everyone; adding the next
//! article, for moderators.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::all::{ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage};

use super::commands::{autocomplete_fact, defer_privately, finish_privately, respond, tell_privately};
use super::moderation::{aftermath, is_moderator};
use super::render::{self, clip};
use super::{Context, Data, Error};
use crate::knowledge::new_source::{ArticleText, SourceDraft, SourceError, MAX_ARTICLE_BYTES};

/// Where answers come from: the full citation behind a fact, or (moderators) a new article.
#[poise::command(slash_command, subcommands("show", "add"), subcommand_required)]
pub async fn source(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// The full citation and quotes behind one fact.
#[poise::command(slash_command)]
pub async fn show(
    ctx: Context<'_>,
    #[description = "The fact (start typing a question)"]
    #[autocomplete = "autocomplete_fact"]
    fact: String,
) -> Result<(), Error> {
    let knowledge = ctx.data().knowledge.load_full();
    // Accept a fact id (what autocomplete sends) or a question typed in full,
    // whose match score is shown with the fact id for moderators.
    let found = match knowledge.base.fact(fact.trim()) {
        Some(f) => Some((f.clone(), None)),
        None => knowledge.ask(&fact).ok().and_then(|r| {
            r.fact_id()
                .and_then(|id| knowledge.base.fact(id).cloned())
                .map(|f| (f, Some(r.confidence)))
        }),
    };
    match found {
        Some((f, score)) => {
            let rendered = render::source_view(&knowledge, &f, score);
            respond(ctx, CreateInteractionResponse::Message(rendered.message())).await
        }
        None => {
            tell_privately(
                ctx,
                "No such fact",
                "Pick a fact from the list that appears as you type, or use /ask with your question.",
            )
            .await
        }
    }
}

/// The "Full source" button under an answer: the fact's full citation, its
/// id and the answer's match score, privately to whoever pressed it.
pub async fn on_full_source_button(data: &Arc<Data>, press: &ComponentInteraction) -> Result<(), Error> {
    let knowledge = data.knowledge.load_full();
    let found = render::source_button_target(&press.data.custom_id)
        .and_then(|(fact_id, score)| knowledge.base.fact(fact_id).map(|f| (f, score)));
    let message = match found {
        Some((fact, score)) => render::source_view(&knowledge, fact, score).message(),
        // The fact was removed since the button was drawn, or the id was made up.
        None => CreateInteractionResponseMessage::new()
            .embed(render::notice(
                "Not found",
                "That fact is no longer in my sources. Try /ask.",
            ))
            .allowed_mentions(render::no_mentions()),
    };
    data.courier
        .respond(
            press.id,
            &press.token,
            &CreateInteractionResponse::Message(message.ephemeral(true)),
        )
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Kind {
    #[name = "article"]
    Article,
    #[name = "headline"]
    Headline,
}

/// Moderators: add a news article as a source, with its text attached as a .txt file.
#[poise::command(slash_command, check = "is_moderator", guild_only)]
#[allow(clippy::too_many_arguments)]
pub async fn add(
    ctx: Context<'_>,
    #[description = "Short id, lowercase-with-dashes (e.g. gazette-2025-06-01)"] id: String,
    #[description = "The publication, as readers know it"] outlet: String,
    #[description = "Date of publication, YYYY-MM-DD"] date: String,
    #[description = "The article's text, as a plain .txt file"] text: serenity::Attachment,
    #[description = "The author or desk, as printed"] byline: Option<String>,
    #[description = "The headline"] title: Option<String>,
    #[description = "Where it was published (only if known)"] url: Option<String>,
    #[description = "A story (article) or another story's headline printed on its page"] kind: Option<Kind>,
) -> Result<(), Error> {
    if text.size as usize > MAX_ARTICLE_BYTES {
        return tell_privately(
            ctx,
            "Nothing was saved",
            &format!(
                "The attached file is {} bytes; an article's text may be at most {MAX_ARTICLE_BYTES}.",
                text.size
            ),
        )
        .await;
    }
    defer_privately(ctx).await?;
    let body = match text.download().await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %crate::logging::Chain(&e), "could not fetch an attached article");
            return finish_privately(
                ctx,
                "Nothing was saved",
                "The attached file could not be fetched from Discord; try again in a moment.",
            )
            .await;
        }
    };
    let Ok(body) = String::from_utf8(body) else {
        return finish_privately(
            ctx,
            "Nothing was saved",
            "The attached file is not plain text (UTF-8); save the article as a .txt file and attach that.",
        )
        .await;
    };
    let draft = SourceDraft {
        id,
        kind: Some(
            match kind.unwrap_or(Kind::Article) {
                Kind::Article => "article",
                Kind::Headline => "headline",
            }
            .to_string(),
        ),
        outlet,
        date,
        byline,
        title,
        context: None,
        url,
    };
    let data: Arc<Data> = Arc::clone(ctx.data());
    let moderation = Arc::clone(&data.moderation);
    let moderator = ctx.author().id.get();
    let who = moderator.to_string();
    let outcome =
        tokio::task::spawn_blocking(move || moderation.add_source(&who, &draft, &ArticleText::New(body))).await?;
    match outcome {
        Ok(applied) => {
            let mut text = format!(
                "Added source `{}`; quote it in facts with `sources: {}`.",
                applied.added.source_id, applied.added.source_id
            );
            text.push_str(&aftermath(
                applied.reload_error.as_ref(),
                applied.audit_error.as_deref(),
            ));
            data.mod_log(
                "Source added",
                &format!("{text}\nBy <@{moderator}>."),
                &format!(
                    "src{}",
                    &crate::knowledge::edit::fingerprint(&format!(
                        "{}{:?}",
                        applied.added.table,
                        std::time::SystemTime::now()
                    ))[..16]
                ),
            )
            .await;
            finish_privately(ctx, "Saved", &text).await
        }
        Err(e) => {
            tracing::info!(user = ctx.data().loggable_user(moderator), error = ?e.to_string(), "a new source was refused");
            finish_privately(ctx, "Nothing was saved", &clip(&refusal(&e), 3900)).await
        }
    }
}

fn refusal(e: &SourceError) -> String {
    match e {
        SourceError::Edit(edit) if !edit.problems().is_empty() => edit
            .problems()
            .iter()
            .map(|p| format!("• {}\n  fix: {}", p.message, p.fix))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}
