#![recursion_limit = "256"]
//! The real bot against a local stand-in for Discord: what people see when
//! they ask, and what the bot does when Discord misbehaves.

mod common;
mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::bot::{assert_pings_nobody, embed_text, Bot, WAIT};
use support::{autocomplete, bot_user, button_press, user, StandIn};
use talksbot::answers::Response;
use talksbot::discord::ServeError;

/// A question the bundled base is unsure about, found rather than assumed.
fn an_unsure_question() -> String {
    let candidates = [
        "how hard is it to set up a face to face meeting with putin",
        "russia demands no mobilization during truce?",
        "is russia serious",
        "what did the witkoff meeting tell the us about russias intentions",
        // A bare topic gets the close questions on it by design.
        "rubio",
        "putin",
    ];
    candidates
        .iter()
        .find(|q| matches!(common::ask(q).response, Response::Suggest(s) if !s[0].unsaid))
        .expect("one of the candidates gets close questions")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_gets_exactly_one_cited_reply_that_pings_nobody() {
    let bot = Bot::start().await;
    let mark = bot.mark();
    let question_id = bot.mention("who met Putin on March 13?").await;
    let replies = bot.wait_for_replies(1).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(
        bot.requests_since(mark),
        [format!("POST /api/v10/channels/{}/messages", StandIn::CHANNEL_ID)],
        "one request: the reply"
    );
    let text = embed_text(&replies[0]);
    assert!(
        text.contains("Witkoff") && text.contains("The Kyiv Independent"),
        "{text}"
    );
    let footer = replies[0]["embeds"][0]["footer"]["text"].as_str().unwrap_or("");
    assert!(
        footer.contains("The Kyiv Independent, 16 March 2025") && !footer.contains("witkoff-met-putin"),
        "the footer says where the answer comes from, not which fact it is: {footer}"
    );
    assert!(
        text.contains("The Kyiv Independent · related headline, 16 March 2025"),
        "a related story's headline is cited as one, outlet first: {text}"
    );
    assert!(
        text.contains("> …a recent meeting between"),
        "a quote that starts mid-sentence is marked: {text}"
    );
    let sent = bot.posted_messages();
    assert_eq!(sent.len(), 1);
    assert_pings_nobody(&sent[0]);
    assert_eq!(sent[0]["allowed_mentions"]["replied_user"], false);
    assert_eq!(
        sent[0]["message_reference"]["message_id"],
        question_id.to_string(),
        "it replies to the question"
    );
    assert!(sent[0]["nonce"]
        .as_str()
        .is_some_and(|n| !n.is_empty() && n.len() <= 25));
    assert_eq!(sent[0]["enforce_nonce"], true);
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_ask_gets_one_interaction_response_with_the_answer() {
    let bot = Bot::start().await;
    let names: Vec<String> = bot
        .discord
        .registered_commands()
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    for name in ["ask", "timeline", "source", "about", "fact"] {
        assert!(names.iter().any(|n| n == name), "{name} not registered: {names:?}");
    }
    let id = bot
        .slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": "How many prisoners were exchanged?"}]),
        )
        .await;
    let response = bot.response_to(id).await;
    assert_eq!(response["type"], 4);
    assert_pings_nobody(&response["data"]);
    let text = embed_text(&response["data"]);
    assert!(text.contains("1,000") && text.contains("Newsmax"), "{text}");
    assert_eq!(
        response["data"]["embeds"][0]["title"], "How many prisoners were exchanged?",
        "others in the channel see only \"used /ask\", so the reply shows the question"
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_question_above_an_answer_shows_markdown_as_typed_and_pings_nobody() {
    let bot = Bot::start().await;
    let id = bot
        .slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": "who met **Putin** on March 13? @everyone"}]),
        )
        .await;
    let response = bot.response_to(id).await;
    assert_pings_nobody(&response["data"]);
    let title = response["data"]["embeds"][0]["title"].as_str().unwrap_or("");
    assert!(
        title.contains("\\*\\*Putin\\*\\*"),
        "markdown is shown as typed: {title}"
    );
    assert!(!title.contains("@everyone"), "the quoted question cannot ping: {title}");
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_at_most_25_valid_choices() {
    let bot = Bot::start().await;
    for partial in [
        "",
        "put",
        "who met putin on march 13 and what did they discuss in moscow that day exactly",
    ] {
        let id = support::payloads::new_snowflake();
        bot.discord
            .dispatch(
                "INTERACTION_CREATE",
                autocomplete(
                    id,
                    "ask",
                    json!([{"name": "question", "type": 3, "value": partial, "focused": true}]),
                    user(7003, "typist", false),
                ),
            )
            .await;
        let response = bot.response_to(id).await;
        assert_eq!(response["type"], 8, "{response}");
        let choices = response["data"]["choices"].as_array().expect("choices");
        assert!(
            !choices.is_empty() && choices.len() <= 25,
            "{partial:?}: {} choices",
            choices.len()
        );
        for c in choices {
            let (name, value) = (c["name"].as_str().unwrap(), c["value"].as_str().unwrap());
            assert!(
                (1..=100).contains(&name.chars().count()) && (1..=100).contains(&value.chars().count()),
                "{c}"
            );
        }
    }
    bot.finish();
}

/// The close-question buttons under the reply to `question`, and the reply.
async fn suggestions_for(bot: &Bot, question: &str) -> (Value, Vec<String>) {
    bot.mention(question).await;
    let replies = bot.wait_for_replies(1).await;
    let suggestion = replies[0].clone();
    let buttons: Vec<String> = suggestion["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .map(|b| b["custom_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!buttons.is_empty() && buttons.len() <= 3, "{suggestion}");
    (suggestion, buttons)
}

async fn press(bot: &Bot, custom_id: &str, message: &Value, who: Value) -> Value {
    let press = support::payloads::new_snowflake();
    bot.discord
        .dispatch(
            "INTERACTION_CREATE",
            button_press(press, custom_id, message.clone(), who),
        )
        .await;
    bot.response_to(press).await
}

fn fact_of_button(custom_id: &str) -> &str {
    custom_id.rsplit(':').next().unwrap()
}

fn answer_of_button(custom_id: &str) -> String {
    common::bundled()
        .base
        .fact(fact_of_button(custom_id))
        .expect("a button names a fact")
        .answer
        .clone()
}

fn question_of_button(custom_id: &str) -> String {
    common::bundled()
        .base
        .fact(fact_of_button(custom_id))
        .expect("a button names a fact")
        .questions[0]
        .clone()
}

/// The custom ids of a message's buttons, in order.
fn button_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_asker_pressing_a_close_question_gets_it_answered_in_place() {
    let bot = Bot::start().await;
    let (suggestion, buttons) = suggestions_for(&bot, &an_unsure_question()).await;
    assert_eq!(suggestion["embeds"][0]["title"], "Did you mean…?", "{suggestion}");
    let response = press(&bot, &buttons[0], &suggestion, user(7001, "asker", false)).await;
    assert_eq!(response["type"], 7, "the answer replaces the suggestions: {response}");
    assert!(embed_text(&response["data"]).contains(answer_of_button(&buttons[0]).as_str()));
    assert_eq!(
        response["data"]["embeds"][0]["title"].as_str(),
        Some(question_of_button(&buttons[0]).as_str()),
        "the answer shows the question picked, which the reply it replaces did not"
    );
    assert_eq!(
        button_ids(&response["data"]),
        [format!("src:{}", fact_of_button(&buttons[0]))],
        "the close questions are gone; the full source is a press away"
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_the_sources_leave_open_is_told_so_and_offered_what_they_do_say() {
    let bot = Bot::start().await;
    let (reply, buttons) = suggestions_for(&bot, "which city in turkey hosted the talks").await;
    assert_eq!(reply["embeds"][0]["title"], "My sources don't say", "{reply}");
    assert!(embed_text(&reply).contains("My sources don't say that"), "{reply}");
    assert_eq!(fact_of_button(&buttons[0]), "talks-in-turkey", "{buttons:?}");
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_else_pressing_a_close_question_gets_the_answer_privately_and_the_reply_stays() {
    let bot = Bot::start().await;
    let (suggestion, buttons) = suggestions_for(&bot, &an_unsure_question()).await;
    let response = press(&bot, &buttons[0], &suggestion, user(7004, "stranger", false)).await;
    assert_eq!(
        response["type"], 4,
        "a new message, not an update of the asker's: {response}"
    );
    assert_eq!(response["data"]["flags"], 64, "only the stranger sees it");
    assert!(embed_text(&response["data"]).contains(answer_of_button(&buttons[0]).as_str()));
    let reply = bot.replies().pop().unwrap();
    assert_eq!(
        reply["components"], suggestion["components"],
        "the buttons are still there for the asker"
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_pings_role_mentions_and_markdown_in_a_question_ping_nobody_and_show_as_typed() {
    let bot = Bot::start().await;
    bot.mention("@everyone <@&1180000000000000300> what is the **capital** of australia?")
        .await;
    let replies = bot.wait_for_replies(1).await;
    assert_eq!(replies.len(), 1);
    let sent = bot.posted_messages();
    assert_pings_nobody(&sent[0]);
    let text = embed_text(&sent[0]);
    assert!(text.contains("My sources don't say"), "an honest no-answer: {text}");
    assert!(!text.contains("@everyone"), "the quoted question cannot ping: {text}");
    assert!(
        text.contains("\\*\\*capital\\*\\*"),
        "markdown is shown as typed: {text}"
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_bots_are_ignored() {
    let bot = Bot::start().await;
    bot.message_from(
        user(7005, "otherbot", true),
        &format!("<@{}> who met putin on march 13?", StandIn::BOT_USER_ID),
        vec![bot_user()],
    )
    .await;
    // And a real person afterwards, so we know the bot was listening.
    bot.mention("how many prisoners were exchanged").await;
    let replies = bot.wait_for_replies(1).await;
    assert_eq!(replies.len(), 1, "only the person gets a reply: {replies:?}");
    assert!(embed_text(&replies[0]).contains("1,000"));
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_scope_slash_question_gets_a_private_honest_no() {
    let bot = Bot::start().await;
    let id = bot
        .slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": "What is the capital of Australia?"}]),
        )
        .await;
    let response = bot.response_to(id).await;
    assert_eq!(response["data"]["flags"], 64, "ephemeral: {response}");
    let text = embed_text(&response["data"]);
    assert!(text.contains("My sources don't say"), "{text}");
    let examples: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("• ")).collect();
    assert!(
        (2..=3).contains(&examples.len()),
        "two or three example questions: {text}"
    );
    for example in examples {
        assert!(
            common::bundled()
                .base
                .facts()
                .iter()
                .any(|f| f.questions.iter().any(|q| q == example)),
            "an example is a question the base answers: {example}"
        );
    }
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_dropped_connection_the_bot_resumes_and_answers_once() {
    let bot = Bot::start().await;
    bot.discord.close_gateway(4000).await;
    assert!(
        bot.discord.wait_until(WAIT, |d| d.resume_count() >= 1).await,
        "no RESUME after close 4000"
    );
    bot.mention("who met putin on march 13").await;
    assert_eq!(bot.wait_for_replies(1).await.len(), 1);

    bot.discord.send_reconnect().await;
    assert!(
        bot.discord.wait_until(WAIT, |d| d.resume_count() >= 2).await,
        "no RESUME after op 7"
    );
    bot.mention("how many prisoners were exchanged").await;
    assert_eq!(bot.wait_for_replies(2).await.len(), 2, "one more reply, not two");
    assert_eq!(
        bot.discord.identify_count(),
        1,
        "it resumed rather than starting a new session"
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_failure_on_the_gateway_ends_the_bot_with_a_clear_error() {
    let bot = Bot::start().await;
    bot.discord.close_gateway(4004).await;
    let ended = tokio::time::timeout(WAIT, &mut { bot.task }).await;
    match ended {
        Ok(Ok(Err(e))) => {
            assert!(matches!(e, ServeError::Rejected), "{e}");
            assert!(e.to_string().contains("rejected the bot token"), "{e}");
        }
        other => panic!("expected the bot to stop with a rejected-token error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_stops_serve_with_one_sentence_and_a_failing_exit() {
    let discord = StandIn::start().await;
    discord.reject_token(true);
    let data = tempfile::tempdir().unwrap();
    // Run from a temporary folder: serve opens its records database (in
    // `data/` under the working directory) before it learns the token is bad,
    // and a test must not leave one in the repository.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_talksbot"))
        .arg("serve")
        .current_dir(data.path())
        .env("TALKSBOT_KNOWLEDGE", common::repo().join("knowledge"))
        // A relative articles folder would not be found from there; quotes are not the point here.
        .env_remove("TALKSBOT_ARTICLES")
        .env("DISCORD_TOKEN", "not-a-valid-token")
        .env("TALKSBOT_DISCORD_API", discord.base_url())
        .env("TALKSBOT_CONFIG", common::repo().join("config/talksbot.toml"))
        .env("RUST_LOG", "warn")
        .env("HOME", data.path())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(WAIT, out)
        .await
        .expect("serve gives up at once")
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Discord rejected the bot token"), "{stderr}");
    assert!(
        !stderr.contains("not-a-valid-token"),
        "the token is never printed: {stderr}"
    );
    let attempts = discord
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/users/@me"))
        .count();
    assert_eq!(attempts, 1, "no retry loop");
}

async fn one_reply_despite(status: u16, body: Value, deliver_anyway: bool) {
    let bot = Bot::start().await;
    bot.discord
        .fail_next("POST", "channels/", status, body, 1, deliver_anyway);
    bot.mention("who met putin on march 13").await;
    assert!(
        bot.discord.wait_until(WAIT, |_| bot.posted_messages().len() >= 2).await,
        "the bot retried after a {status}"
    );
    let replies = bot.wait_for_replies(1).await;
    assert_eq!(replies.len(), 1, "exactly one answer after a {status}: {replies:?}");
    let posts = bot.posted_messages();
    assert_eq!(posts.len(), 2, "one failed attempt and one retry");
    assert_eq!(posts[0]["nonce"], posts[1]["nonce"], "the retry carries the same nonce");
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_and_answered_once() {
    one_reply_despite(
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.3, "global": false}),
        false,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_502_is_retried_and_answered_once() {
    one_reply_despite(502, json!({"message": "Bad Gateway", "code": 0}), false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_after_which_the_message_was_delivered_still_gives_one_answer() {
    one_reply_despite(503, json!({"message": "Service Unavailable", "code": 0}), true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_source_and_about_answer() {
    let bot = Bot::start().await;
    let id = bot
        .slash("timeline", json!([{"name": "from", "type": 3, "value": "2025-03-01"}, {"name": "to", "type": 3, "value": "2025-03-31"}]))
        .await;
    let text = embed_text(&bot.response_to(id).await["data"]);
    let (march_11, march_13) = (text.find("11 March 2025").unwrap(), text.find("13 March 2025").unwrap());
    assert!(march_11 < march_13, "in order: {text}");
    let event_dates: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("**").nth(1))
        .filter(|d| d.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect();
    assert!(!event_dates.is_empty(), "{text}");
    assert!(
        event_dates.iter().all(|d| d.ends_with("March 2025")),
        "only the range asked for: {event_dates:?}"
    );

    let id = bot
        .slash(
            "source",
            json!([{"name": "show", "type": 1, "options": [{"name": "fact", "type": 3, "value": "witkoff-met-putin"}]}]),
        )
        .await;
    let text = embed_text(&bot.response_to(id).await["data"]);
    assert!(
        text.contains("The Kyiv Independent") && text.contains("Quote"),
        "{text}"
    );
    let id = bot
        .slash(
            "source",
            json!([{"name": "show", "type": 1, "options": [{"name": "fact", "type": 3, "value": "talks-in-turkey"}]}]),
        )
        .await;
    let text = embed_text(&bot.response_to(id).await["data"]);
    assert!(
        text.contains("The sources don't say") && text.contains("Which city in Turkey hosted the talks?"),
        "the questions its article leaves open: {text}"
    );

    let id = bot.slash("about", json!(null)).await;
    let text = embed_text(&bot.response_to(id).await["data"]);
    let facts = common::bundled().base.facts().len();
    assert!(text.contains(&format!("**Facts:** {facts}")), "{text}");
    assert!(
        text.contains("**Outlets:** 2 (The Kyiv Independent, Newsmax)"),
        "outlets counted as readers count them, not the four source records: {text}"
    );

    let id = bot
        .slash("timeline", json!([{"name": "from", "type": 3, "value": "March 1"}]))
        .await;
    let response = bot.response_to(id).await;
    assert_eq!(response["data"]["flags"], 64);
    assert!(embed_text(&response["data"]).contains("YYYY-MM-DD"));
    bot.finish();
}

fn bundled_knowledge() -> std::path::PathBuf {
    common::repo().join("knowledge")
}

const MESSAGE_CONTENT_INTENT: u64 = 1 << 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unprompted_answers_come_only_when_sure_and_once_per_fact_per_cooldown() {
    let bot = Bot::start_with(
        |c| {
            c.discord.auto_answer_channels = vec![StandIn::CHANNEL_ID];
            c.discord.auto_answer_cooldown_secs = 600;
        },
        bundled_knowledge(),
    )
    .await;
    let intents = bot.discord.identifies()[0]["intents"].as_u64().unwrap();
    assert_ne!(
        intents & MESSAGE_CONTENT_INTENT,
        0,
        "reading unprompted questions needs Message Content"
    );

    bot.message_from(user(7101, "curious", false), "who met putin on march 13?", vec![])
        .await;
    assert_eq!(bot.wait_for_replies(1).await.len(), 1, "a confident answer, unprompted");
    let unsure = format!("{}?", an_unsure_question());
    for (who, text) in [
        (7102, "Who did Putin meet on 13 March?"),
        (7103, "what is the capital of australia?"),
        (7104, "nice weather in kyiv today"),
        (7105, unsure.as_str()),
    ] {
        bot.message_from(user(who, "chatter", false), text, vec![]).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let replies = bot.replies();
    assert_eq!(
        replies.len(),
        1,
        "no repeat of the same fact, no guesses, no answers to chat: {:?}",
        replies.iter().map(embed_text).collect::<Vec<_>>()
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_unprompted_channels_the_bot_asks_for_no_message_content() {
    let bot = Bot::start().await;
    let intents = bot.discord.identifies()[0]["intents"].as_u64().unwrap();
    assert_eq!(intents & MESSAGE_CONTENT_INTENT, 0);
    bot.finish();
}

/// The ⏳ the bot puts on a question it holds back.
const HELD: &str = "\u{23f3}";

fn mention_text(q: &str) -> String {
    format!("<@{}> {q}", StandIn::BOT_USER_ID)
}

/// The rate limit as the bundled config sets it, with `burst`.
fn rate_limit(burst: u32, refill_secs: u64) -> impl FnOnce(&mut talksbot::config::Config) {
    move |c| {
        c.discord.question_burst = burst;
        c.discord.question_refill_secs = Some(refill_secs);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_and_a_typo_fix_a_second_apart_are_both_answered() {
    let defaults = talksbot::config::Config::load(Some(&common::repo().join("config/talksbot.toml")))
        .unwrap()
        .discord;
    let (burst, refill) = defaults.question_rate();
    let bot = Bot::start_with(rate_limit(burst, refill.as_secs()), bundled_knowledge()).await;
    let person = user(7201, "curious", false);
    let mut asked = Vec::new();
    for q in [
        "who met putin on march 13",
        "how many prisoners were exchanged",
        "how many prisoners were exchnaged?",
    ] {
        asked.push(
            bot.message_from(person.clone(), &mention_text(q), vec![bot_user()])
                .await,
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let replies = bot.wait_for_replies(3).await;
    assert_eq!(replies.len(), 3, "every question answered: {replies:?}");
    for id in asked {
        assert!(bot.discord.reactions(id).is_empty(), "nothing held");
    }
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_over_the_limit_is_visibly_held_and_a_flood_gets_one_sign_not_one_each() {
    let bot = Bot::start_with(rate_limit(2, 600), bundled_knowledge()).await;
    let flooder = user(7201, "flooder", false);
    let mut asked = Vec::new();
    for q in [
        "who met putin on march 13",
        "how many prisoners were exchanged",
        "who is rubio",
    ] {
        asked.push(
            bot.message_from(flooder.clone(), &mention_text(q), vec![bot_user()])
                .await,
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(bot.wait_for_replies(2).await.len(), 2, "the first two are answered");
    let third = asked[2];
    assert!(
        bot.discord.wait_until(WAIT, |d| d.reactions(third) == [HELD]).await,
        "the third is held, and shows it"
    );

    // Flooding on: no more replies, and no sign on every message either.
    for q in ["what about now", "and now?", "hello??"] {
        asked.push(
            bot.message_from(flooder.clone(), &mention_text(q), vec![bot_user()])
                .await,
        );
    }
    bot.message_from(
        user(7202, "someone else", false),
        &mention_text("who is rubio"),
        vec![bot_user()],
    )
    .await;
    let replies = bot.wait_for_replies(3).await;
    assert_eq!(replies.len(), 3, "the other person is answered; the flooder no more");
    let signs: usize = asked.iter().map(|id| bot.discord.reactions(*id).len()).sum();
    assert_eq!(signs, 1, "one sign per window");
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_the_bot_may_not_react_a_held_question_gets_a_short_reply_instead() {
    let bot = Bot::start_with(rate_limit(1, 600), bundled_knowledge()).await;
    bot.discord.fail_next(
        "PUT",
        "channels/",
        403,
        json!({"message": "Missing Permissions", "code": 50013}),
        1,
        false,
    );
    let flooder = user(7201, "flooder", false);
    bot.message_from(
        flooder.clone(),
        &mention_text("who met putin on march 13"),
        vec![bot_user()],
    )
    .await;
    assert_eq!(bot.wait_for_replies(1).await.len(), 1);
    let held = bot
        .message_from(
            flooder,
            &mention_text("how many prisoners were exchanged"),
            vec![bot_user()],
        )
        .await;
    let replies = bot.wait_for_replies(2).await;
    assert_eq!(replies.len(), 2, "{replies:?}");
    assert_eq!(replies[1]["message_reference"]["message_id"], held.to_string());
    assert!(
        embed_text(&replies[1]).contains("Ask me this again in"),
        "{}",
        embed_text(&replies[1])
    );
    assert_pings_nobody(&bot.posted_messages()[1]);
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_ask_over_the_limit_is_told_privately_with_its_question() {
    let bot = Bot::start_with(rate_limit(1, 600), bundled_knowledge()).await;
    let ask = |q: &str| json!([{"name": "question", "type": 3, "value": q}]);
    let first = bot.slash("ask", ask("who met putin on march 13")).await;
    assert!(embed_text(&bot.response_to(first).await["data"]).contains("Witkoff"));
    for q in ["how many prisoners were exchanged", "who is rubio"] {
        let id = bot.slash("ask", ask(q)).await;
        let response = bot.response_to(id).await;
        assert_eq!(response["data"]["flags"], 64, "only the asker sees it: {response}");
        assert_pings_nobody(&response["data"]);
        let text = embed_text(&response["data"]);
        assert!(text.contains("Ask again in") && text.contains(q), "{text}");
    }
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unprompted_message_the_bot_does_not_answer_costs_its_author_nothing() {
    let bot = Bot::start_with(
        |c| {
            rate_limit(1, 600)(c);
            c.discord.auto_answer_channels = vec![StandIn::CHANNEL_ID];
        },
        bundled_knowledge(),
    )
    .await;
    let person = user(7301, "chatter", false);
    bot.message_from(person.clone(), "what is the capital of australia?", vec![])
        .await;
    bot.message_from(person.clone(), "is anyone watching the match tonight?", vec![])
        .await;
    let asked = bot
        .message_from(
            person.clone(),
            &mention_text("who met putin on march 13"),
            vec![bot_user()],
        )
        .await;
    let replies = bot.wait_for_replies(1).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert!(embed_text(&replies[0]).contains("Witkoff"));
    assert_eq!(
        replies[0]["message_reference"]["message_id"],
        asked.to_string(),
        "the question put to the bot is the one answered"
    );
    bot.finish();
}

/// Another connection holds the bot's records database as a backup or a
/// second process would: the write lock, until dropped.
fn hold_records_database(data_dir: &std::path::Path) -> rusqlite::Connection {
    let holder = rusqlite::Connection::open(talksbot::records::database_path(data_dir)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    holder
}

/// Discord's deadline for an interaction response. Writing the question
/// record used to wait out a 5-second busy timeout first.
const INTERACTION_DEADLINE: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_is_answered_before_a_lock_on_the_records_database_is_released() {
    let bot = Bot::start().await;
    let lock = hold_records_database(bot.data_dir());
    let id = bot
        .slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": "How many prisoners were exchanged?"}]),
        )
        .await;
    let response = tokio::time::timeout(INTERACTION_DEADLINE, bot.response_to(id))
        .await
        .expect("answered within Discord's deadline while the database is locked");
    assert!(embed_text(&response["data"]).contains("1,000"));

    bot.mention("who met putin on march 13").await;
    let answered = bot
        .discord
        .wait_until(INTERACTION_DEADLINE, |_| bot.replies().len() == 1)
        .await;
    assert!(answered, "a mention is answered while the database is locked");
    drop(lock);

    // Once the lock is gone the questions are recorded again.
    bot.mention("what is the capital of peru").await;
    let records = talksbot::records::Records::open(bot.data_dir()).unwrap();
    let recorded = bot
        .discord
        .wait_until(WAIT, |_| {
            records
                .gaps(None, 10)
                .is_ok_and(|g| g.iter().any(|g| g.question.contains("peru")))
        })
        .await;
    assert!(recorded, "the question log writes again after the lock");
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn about_answers_during_six_questions_while_the_records_database_is_locked() {
    let bot = Bot::start().await;
    let lock = hold_records_database(bot.data_dir());
    for n in 0..6u64 {
        bot.message_from(
            user(7400 + n, "asker", false),
            &mention_text("how many prisoners were exchanged"),
            vec![bot_user()],
        )
        .await;
    }
    let id = bot.slash("about", json!(null)).await;
    let about = tokio::time::timeout(INTERACTION_DEADLINE, bot.response_to(id))
        .await
        .expect("/about answered within Discord's deadline");
    assert!(embed_text(&about["data"]).contains("**Facts:**"));
    let answered = bot
        .discord
        .wait_until(INTERACTION_DEADLINE, |_| bot.replies().len() == 6)
        .await;
    assert!(answered, "all six answered before the lock is released");
    drop(lock);
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_very_long_question_is_answered_from_its_first_part() {
    let bot = Bot::start().await;
    let long = format!("who met putin on march 13? {}", "and so on ".repeat(1_000));
    bot.mention(&long).await;
    let replies = bot.wait_for_replies(1).await;
    assert_eq!(replies.len(), 1);
    assert!(
        embed_text(&replies[0]).contains("Witkoff"),
        "{}",
        embed_text(&replies[0])
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_address_is_asked_of_the_configured_base_until_it_answers() {
    let discord = StandIn::start().await;
    discord.fail_next(
        "GET",
        "gateway",
        503,
        json!({"message": "Service Unavailable", "code": 0}),
        2,
        false,
    );
    let bot = Bot::serve_on(discord, |c| c.discord.max_backoff_ms = 200, bundled_knowledge()).await;
    assert_eq!(
        bot.discord.identify_count(),
        1,
        "it connected to the stand-in's gateway, not Discord's"
    );
    let asked = bot
        .discord
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v10/gateway")
        .count();
    assert!(asked >= 3, "two failures, then the address: {asked} requests");
    bot.finish();
}

/// Every body the bot sent is one Discord accepts for its size.
fn assert_every_body_fits(bot: &Bot) {
    for r in bot.discord.requests() {
        if let Some(body) = &r.body {
            let problems = talksbot::discord::render::limits::problems(body);
            assert!(problems.is_empty(), "{} {}: {problems:?}", r.method, r.path);
        }
    }
}

fn footers(message: &Value) -> Vec<String> {
    message["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["footer"]["text"].as_str().map(str::to_string))
        .collect()
}

/// "0.87", "1.00": a score as the matcher gives it.
fn has_raw_score(text: &str) -> bool {
    let c: Vec<char> = text.chars().collect();
    c.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == '.' && w[2].is_ascii_digit())
}

/// A question the bundled base answers with its closest match rather than
/// a sure one, found rather than assumed.
fn a_close_match_question() -> String {
    let candidates = [
        "what did lavrov tell rubio",
        "did witkoff and putin talk",
        "ceasefire jeddah",
        "rubio on the russian document",
        "what did rubio say about lavrov",
    ];
    candidates
        .iter()
        .find(|q| matches!(&common::ask(q).response, Response::Answer(f) if f[0].confidence < 0.9))
        .expect("one of the candidates is answered as a close match")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_footers_speak_to_readers_with_no_fact_ids_or_scores() {
    let bot = Bot::start().await;
    let close = a_close_match_question();
    let mut answers = Vec::new();
    for question in ["Who met Putin on March 13?", close.as_str()] {
        let id = bot
            .slash("ask", json!([{"name": "question", "type": 3, "value": question}]))
            .await;
        answers.push(bot.response_to(id).await["data"].clone());
    }
    bot.mention("how many prisoners were exchanged").await;
    answers.extend(bot.wait_for_replies(1).await);
    let fact_ids: Vec<String> = common::bundled().base.facts().iter().map(|f| f.id.clone()).collect();
    for answer in &answers {
        let footers = footers(answer);
        assert!(!footers.is_empty(), "{answer}");
        for footer in footers {
            assert!(
                !fact_ids.iter().any(|id| footer.contains(id.as_str())),
                "no fact id in a reader's footer: {footer}"
            );
            assert!(
                !has_raw_score(&footer) && !footer.contains("confidence"),
                "no raw score in a reader's footer: {footer}"
            );
            assert!(footer.contains("Source"), "it names the source: {footer}");
        }
    }
    assert!(
        !footers(&answers[0])[0].contains("closest match"),
        "a sure answer just names its source: {:?}",
        footers(&answers[0])
    );
    assert!(
        footers(&answers[1])[0].contains("closest match"),
        "a close match says so in words: {:?}",
        footers(&answers[1])
    );
    assert_every_body_fits(&bot);
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_source_shows_whoever_presses_it_the_fact_id_and_match_score_privately() {
    let bot = Bot::start().await;
    bot.mention("who met putin on march 13").await;
    let reply = bot.wait_for_replies(1).await.remove(0);
    let buttons = button_ids(&reply);
    assert_eq!(buttons.len(), 1, "{reply}");
    assert!(buttons[0].starts_with("src:witkoff-met-putin:"), "{buttons:?}");

    let response = press(&bot, &buttons[0], &reply, user(7004, "moderator", false)).await;
    assert_eq!(response["type"], 4, "{response}");
    assert_eq!(response["data"]["flags"], 64, "only whoever pressed sees it");
    let footer = &footers(&response["data"])[0];
    assert!(
        footer.starts_with("fact witkoff-met-putin · match score ") && has_raw_score(footer),
        "moderators see which fact and how sure: {footer}"
    );
    assert!(embed_text(&response["data"]).contains("Quote (The Kyiv Independent)"));

    let forged = press(&bot, "src:no-such-fact", &reply, user(7004, "moderator", false)).await;
    assert_eq!(forged["data"]["flags"], 64);
    assert!(
        embed_text(&forged["data"]).contains("no longer in my sources"),
        "{forged}"
    );
    assert_every_body_fits(&bot);
    bot.finish();
}

/// The (date heading, event line) pairs of a timeline page.
fn timeline_lines(message: &Value) -> Vec<(String, String)> {
    let description = message["embeds"][0]["description"].as_str().unwrap_or("");
    let mut date = String::new();
    let mut lines = Vec::new();
    for line in description.lines() {
        if let Some(d) = line.strip_prefix("**").and_then(|l| l.strip_suffix("**")) {
            date = d.to_string();
        } else if let Some(event) = line.strip_prefix("• ") {
            lines.push((date.clone(), event.to_string()));
        }
    }
    lines
}

/// The button of a message whose label contains `label`.
fn button(message: &Value, label: &str) -> Value {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .find(|b| b["label"].as_str().is_some_and(|l| l.contains(label)))
        .unwrap_or_else(|| panic!("no {label} button: {message}"))
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_of_the_bundled_base_is_paged_and_without_duplicates() {
    let bot = Bot::start().await;
    let owner = || user(7002, "slasher", false);
    let id = bot.slash("timeline", json!(null)).await;
    let first = bot.response_to(id).await;
    assert_eq!(first["type"], 4);
    assert_eq!(
        first["data"]["flags"].as_u64().unwrap_or(0) & 64,
        0,
        "the timeline is for everyone"
    );
    assert_eq!(
        first["data"]["embeds"][0]["title"], "Timeline: 11 March 2025 to 19 May 2025",
        "its range in the title"
    );
    assert_eq!(
        button(&first["data"], "Earlier")["disabled"],
        true,
        "no page before the first"
    );

    // Whoever ran /timeline turns its pages, in place, to the last.
    let mut message = bot.discord.original_response(id).expect("the timeline was posted");
    let mut pages = vec![message.clone()];
    while button(&message, "Later")["disabled"] != true {
        let later = button(&message, "Later")["custom_id"].as_str().unwrap().to_string();
        let turned = press(&bot, &later, &message, owner()).await;
        assert_eq!(turned["type"], 7, "the page turns in place: {turned}");
        message["embeds"] = turned["data"]["embeds"].clone();
        message["components"] = turned["data"]["components"].clone();
        pages.push(message.clone());
        assert!(pages.len() <= 20, "the Later button ends");
    }
    assert!(pages.len() >= 2, "the bundled timeline is more than one page");
    let lines: Vec<(String, String)> = pages.iter().flat_map(timeline_lines).collect();
    for (n, page) in pages.iter().enumerate() {
        assert!(
            (1..=5).contains(&timeline_lines(page).len()),
            "a screenful a page: {page}"
        );
        let footer = &footers(page)[0];
        assert!(
            footer.starts_with(&format!("Page {} of {} · {} events", n + 1, pages.len(), lines.len())),
            "{footer}"
        );
    }

    let mut seen = std::collections::HashSet::new();
    for (date, line) in &lines {
        assert!(seen.insert(line.clone()), "listed twice: {line}");
        assert!(line.chars().count() <= 200, "one short line an event: {line}");
        assert!(date.ends_with("2025"), "under its date: {date} {line}");
    }
    let parsed: Vec<chrono::NaiveDate> = lines
        .iter()
        .map(|(d, _)| chrono::NaiveDate::parse_from_str(d, "%d %B %Y").unwrap())
        .collect();
    assert!(parsed.windows(2).all(|w| w[0] <= w[1]), "in order of date: {lines:?}");
    assert_eq!(
        lines.iter().filter(|(d, _)| d == "16 March 2025").count(),
        1,
        "what was said in the 16 March interview is one event, not one per statement: {lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|(_, l)| l.contains("Jeddah")).count(),
        1,
        "two facts about the Jeddah talks are one line: {lines:?}"
    );

    // Someone else's press shows them the page privately; the timeline stays.
    let last = pages.last().unwrap();
    let earlier = button(last, "Earlier")["custom_id"].as_str().unwrap().to_string();
    let theirs = press(&bot, &earlier, last, user(7004, "stranger", false)).await;
    assert_eq!(theirs["type"], 4, "{theirs}");
    assert_eq!(theirs["data"]["flags"], 64);
    assert!(footers(&theirs["data"])[0].starts_with(&format!("Page {} of", pages.len() - 1)));

    // Pages come from the current base: one past the end shows the last;
    // an id the bot never drew is refused in words.
    let past_end = press(&bot, "tl:7002:::99", last, owner()).await;
    assert_eq!(past_end["data"]["embeds"], last["embeds"]);
    let forged = press(&bot, "tl:7002:::1:extra", last, owner()).await;
    assert_eq!(forged["data"]["flags"], 64);
    assert!(embed_text(&forged["data"]).contains("/timeline again"), "{forged}");
    assert_every_body_fits(&bot);
    bot.finish();
}
