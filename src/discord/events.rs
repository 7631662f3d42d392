//! Gateway events the commands don't cover: mentions, unprompted answers in
//! chosen channels, and presses of the close-question buttons.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::all::{
    ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, FullEvent,
    Interaction, Message, Nonce,
};

use super::allowance::{seconds, Verdict};
use super::{render, Asker, Data, Error, Via};
use crate::answers::Response;

pub async fn handle(_ctx: &serenity::Context, event: &FullEvent, data: &Arc<Data>) -> Result<(), Error> {
    match event {
        FullEvent::Message { new_message } => on_message(data, new_message).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(press),
        } if press.data.custom_id.starts_with(super::moderation::PREFIX) => {
            super::moderation::on_button(data, press).await
        }
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(press),
        } if press.data.custom_id.starts_with(render::TIMELINE_PREFIX) => {
            super::commands::on_timeline_button(data, press).await
        }
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(press),
        } if press.data.custom_id.starts_with(render::SOURCE_PREFIX) => {
            super::sources::on_full_source_button(data, press).await
        }
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(press),
        } => on_button(data, press).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Modal(submit),
        } => super::moderation::on_modal(data, submit).await,
        _ => Ok(()),
    }
}

/// The question in a message that mentions the bot, without the mention.
fn strip_mention(content: &str, bot: u64) -> String {
    content
        .replace(&format!("<@{bot}>"), " ")
        .replace(&format!("<@!{bot}>"), " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Looks like a question: ends with "?" or starts with a question word.
fn question_shaped(text: &str) -> bool {
    let t = text.trim();
    let first = t.split_whitespace().next().unwrap_or("").to_lowercase();
    t.ends_with('?')
        || [
            "who", "what", "when", "where", "why", "how", "which", "did", "does", "is", "are", "was", "were", "will",
        ]
        .contains(&first.as_str())
}

/// A nonce for the reply to one message: the same question in the same
/// message always gives the same nonce, so a retried post is not doubled.
pub fn nonce_for(message_id: u64, question: &str) -> String {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in question.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let n = format!("{:x}{:x}", message_id, h);
    n.chars().take(25).collect()
}

async fn on_message(data: &Arc<Data>, msg: &Message) -> Result<(), Error> {
    if msg.author.bot || msg.author.id == data.bot_id || msg.webhook_id.is_some() {
        return Ok(());
    }
    let bot = data.bot_id.get();
    let mentioned = msg.mentions.iter().any(|u| u.id == data.bot_id)
        || msg.content.contains(&format!("<@{bot}>"))
        || msg.content.contains(&format!("<@!{bot}>"));
    let via = if mentioned && data.config.answer_mentions {
        Via::Mention
    } else if data.config.auto_answer_channels.contains(&msg.channel_id.get()) && question_shaped(&msg.content) {
        Via::Unprompted
    } else {
        return Ok(());
    };
    let question = strip_mention(&msg.content, bot);
    // Someone who asked the bot is answered or shown why not; an unprompted
    // answer uses the allowance only if the bot decides to give it.
    if let Via::Mention = via {
        if let Verdict::Held { again_in, sign } = data.take_allowance(msg.author.id) {
            tracing::info!(via = ?via, again_in_s = seconds(again_in), sign, "question held: over the asker's allowance");
            if sign {
                show_held(data, msg, again_in).await;
            }
            return Ok(());
        }
    }
    let asker = Asker {
        guild: msg.guild_id.map(|g| g.get()),
        channel: Some(msg.channel_id.get()),
        user: msg.author.id.get(),
    };
    let rendered = match data.answer(&question, via, asker) {
        Ok((knowledge, reply)) => {
            if let Via::Unprompted = via {
                // Unprompted, the bot speaks only when sure, and not twice
                // about the same thing in a while.
                let Response::Answer(facts) = &reply.response else {
                    return Ok(());
                };
                let ids: Vec<&str> = facts.iter().map(|f| f.fact_id.as_str()).collect();
                if !data.may_answer_unprompted(msg.author.id, msg.channel_id, &ids) {
                    return Ok(());
                }
            }
            render::reply(&knowledge, &reply, msg.author.id.get())
        }
        // Unprompted, nothing to answer is nothing to say.
        Err(_) if matches!(via, Via::Unprompted) => return Ok(()),
        Err(_) => render::Rendered {
            embeds: vec![render::notice(
                "Ask me something",
                "Mention me with a question, e.g. \u{201c}who met Putin on March 13?\u{201d}",
            )],
            ..Default::default()
        },
    };
    let message = CreateMessage::new()
        .embeds(rendered.embeds)
        .components(rendered.components)
        .reference_message(msg)
        .allowed_mentions(render::no_mentions())
        .nonce(Nonce::String(nonce_for(msg.id.get(), &question)))
        .enforce_nonce(true);
    data.courier.create_message(msg.channel_id, &message).await?;
    Ok(())
}

/// The reaction on a question held by the rate limit.
pub const HELD: &str = "\u{23f3}";

/// Shows someone that their question was seen but is held: a reaction on
/// it, or, where the bot may not react, a short reply.
async fn show_held(data: &Data, msg: &Message, again_in: std::time::Duration) {
    let reacted = match data.courier.react(msg.channel_id, msg.id, HELD).await {
        Ok(()) => return,
        Err(e) => e,
    };
    tracing::debug!(error = %reacted, "could not react to a held question; replying instead");
    let text = format!(
        "You've asked a few questions in a row. Ask me this again in {} s.",
        seconds(again_in)
    );
    let message = CreateMessage::new()
        .embed(render::notice("One moment", &text))
        .reference_message(msg)
        .allowed_mentions(render::no_mentions())
        .nonce(Nonce::String(nonce_for(msg.id.get(), "held")))
        .enforce_nonce(true);
    if let Err(e) = data.courier.create_message(msg.channel_id, &message).await {
        tracing::warn!(error = %e, "could not tell someone their question is held");
    }
}

/// A close-question button: for the person who asked, the answer replaces
/// the suggestions in place; anyone else gets it privately, and the reply
/// everyone sees stays as it was.
async fn on_button(data: &Arc<Data>, press: &ComponentInteraction) -> Result<(), Error> {
    let Some((asker, fact_id)) = render::ask_button_target(&press.data.custom_id) else {
        return Ok(());
    };
    let is_asker = asker == Some(press.user.id.get());
    let knowledge = data.knowledge.load_full();
    let response = match knowledge.base.fact(fact_id) {
        Some(fact) => {
            tracing::info!(via = ?Via::Button, outcome = "answer", fact = fact_id, "question");
            data.ops.question(Via::Button.label(), "answer", None);
            // Headed by the question picked; its buttons replace the suggestions.
            let message = render::chosen_answer(&knowledge, fact).message();
            if is_asker {
                CreateInteractionResponse::UpdateMessage(message)
            } else {
                CreateInteractionResponse::Message(message.ephemeral(true))
            }
        }
        // The fact was removed since the buttons were drawn, or the id was made up.
        None => {
            data.ops.question(Via::Button.label(), "abstain", None);
            CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new()
                    .embed(render::notice(
                        "Not found",
                        "That fact is no longer in my sources. Try /ask.",
                    ))
                    .ephemeral(true)
                    .allowed_mentions(render::no_mentions()),
            )
        }
    };
    data.courier.respond(press.id, &press.token, &response).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_stripped_from_the_question() {
        assert_eq!(strip_mention("<@42> who met putin?", 42), "who met putin?");
        assert_eq!(strip_mention("hey <@!42>   when   ", 42), "hey when");
    }

    #[test]
    fn nonces_are_stable_short_and_distinct() {
        let a = nonce_for(1234567890123456789, "who met putin");
        assert_eq!(a, nonce_for(1234567890123456789, "who met putin"));
        assert_ne!(a, nonce_for(1234567890123456789, "who met zelenskyy"));
        assert!(a.len() <= 25);
    }

    #[test]
    fn question_shape() {
        assert!(question_shaped("who met putin"));
        assert!(question_shaped("the prisoner swap?"));
        assert!(!question_shaped("good morning all"));
    }
}
