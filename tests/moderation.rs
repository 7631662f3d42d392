#![recursion_limit = "256"]
//! Moderators keep the fact base current: through the Discord stand-in with
//! the real bot, against a temporary copy of `knowledge/`.

mod common;
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use support::bot::{embed_text, Bot, START_WAIT, WAIT};
use support::{modal_submit, modal_text_row, payloads, slash_command, user, with_member_roles, StandIn};
use talksbot::answers::Knowledge;
use talksbot::knowledge::edit::fingerprint;
use talksbot::records::Records;

/// A moderator: a member holding the configured Moderator role.
fn moderator(n: u64) -> (Value, Vec<u64>) {
    (user(8000 + n, &format!("mod{n}"), false), vec![StandIn::MOD_ROLE_ID])
}

/// A member without any role.
fn member(n: u64) -> (Value, Vec<u64>) {
    (user(9000 + n, &format!("member{n}"), false), vec![])
}

/// A bundled knowledge folder to change freely, and the bot serving it with
/// the Moderator role of the stand-in's guild configured.
struct Server {
    bot: Bot,
    knowledge: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
        Server::start_with(|_| {}).await
    }

    async fn start_with(tweak: impl FnOnce(&mut talksbot::config::Config)) -> Server {
        let knowledge = common::copy_of(&common::repo().join("knowledge"));
        let bot = Bot::start_with(
            |c| {
                c.moderation
                    .roles
                    .insert(StandIn::GUILD_ID.to_string(), vec![StandIn::MOD_ROLE_ID]);
                c.moderation.new_facts_file = PathBuf::from("facts/people.toml");
                // The tests change files by hand just before saving; writers
                // wait this long for such a file to settle.
                c.moderation.write_settle_ms = 200;
                tweak(c);
            },
            knowledge.path().to_path_buf(),
        )
        .await;
        Server { bot, knowledge }
    }

    fn dir(&self) -> &Path {
        self.knowledge.path()
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir().join(name)).unwrap()
    }

    /// Runs `/fact <sub> [fact:<id>]` as `who`; returns the interaction id.
    async fn fact_command(&self, who: &(Value, Vec<u64>), sub: &str, fact: Option<&str>) -> u64 {
        fact_command(&self.bot, who, sub, fact).await
    }

    /// Opens the form for `sub` (`add` or `edit`) and returns its custom id
    /// and prefilled boxes.
    async fn open_form(
        &self,
        who: &(Value, Vec<u64>),
        sub: &str,
        fact: Option<&str>,
    ) -> (String, BTreeMap<String, String>) {
        let id = self.fact_command(who, sub, fact).await;
        let response = self.bot.response_to(id).await;
        assert_eq!(response["type"], 9, "a form opens: {response}");
        let boxes = response["data"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row["components"].as_array().unwrap().iter())
            .map(|c| {
                (
                    c["custom_id"].as_str().unwrap().to_string(),
                    c["value"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        (response["data"]["custom_id"].as_str().unwrap().to_string(), boxes)
    }

    /// Submits a form as `who`; returns the interaction id.
    async fn submit(&self, who: &(Value, Vec<u64>), custom_id: &str, boxes: &BTreeMap<String, String>) -> u64 {
        let rows: Vec<Value> = boxes.iter().map(|(k, v)| modal_text_row(k, v)).collect();
        let payload = modal_submit(payloads::new_snowflake(), custom_id, json!(rows), who.0.clone());
        self.bot.interact(with_member_roles(payload, &who.1)).await
    }

    /// A deferred private answer, once it is there: the message, which only
    /// the moderator sees.
    async fn private_outcome(&self, interaction: u64) -> Value {
        let message = self.bot.final_response_to(interaction).await;
        assert_eq!(message["flags"], 64, "only the moderator sees it: {message}");
        message
    }

    /// What the person sees in the end, as text.
    async fn outcome_of(&self, interaction: u64) -> String {
        embed_text(&self.bot.final_response_to(interaction).await)
    }

    /// Asks with `/ask` and returns the reply's text.
    async fn ask(&self, question: &str) -> String {
        let id = self
            .bot
            .slash("ask", json!([{"name": "question", "type": 3, "value": question}]))
            .await;
        embed_text(&self.bot.response_to(id).await["data"])
    }
}

fn new_fact_form(id: &str, question: &str, answer: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("id".to_string(), id.to_string()),
        (
            "questions".to_string(),
            format!("{question}\nAnother way to ask about the lighthouse summit?"),
        ),
        ("answer".to_string(), answer.to_string()),
        ("quotes".to_string(), "the lighthouse summit was agreed".to_string()),
        (
            "details".to_string(),
            "sources: newsmax-2025-05-18\ndates: 2025-05-20\ntags: test".to_string(),
        ),
    ])
}

/// Every file under `dir`, byte for byte.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

fn check_passes(dir: &Path) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_talksbot"))
        .args(["--knowledge", dir.to_str().unwrap(), "check"])
        .current_dir(common::repo())
        .env_remove("TALKSBOT_ARTICLES")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "talksbot check fails on the result:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_adds_a_fact_with_the_form_and_the_next_ask_answers_from_it() {
    let server = Server::start().await;
    let before = server.file("facts/people.toml");
    assert!(
        server.ask("where is the lighthouse summit").await.contains("don't"),
        "not known yet"
    );

    let (form_id, boxes) = server.open_form(&moderator(1), "add", None).await;
    assert!(boxes["questions"].is_empty(), "an empty form for a new fact");
    let form = new_fact_form(
        "lighthouse-summit",
        "Where is the lighthouse summit?",
        "At the old lighthouse, according to the test article.",
    );
    let submitted = server.submit(&moderator(1), &form_id, &form).await;
    let outcome = server.outcome_of(submitted).await;
    assert!(
        outcome.contains("Added") && outcome.contains("lighthouse-summit"),
        "{outcome}"
    );

    let reply = server.ask("where's the lighthouse summit?").await;
    assert!(
        reply.contains("At the old lighthouse") && reply.contains("the lighthouse summit was agreed"),
        "answered from the new fact, with its quote: {reply}"
    );

    let after = server.file("facts/people.toml");
    assert!(
        after.starts_with(&before),
        "every comment, blank line and fact the file had is still there, unchanged"
    );
    assert!(after[before.len()..].contains("id = \"lighthouse-summit\""));
    check_passes(server.dir());
    let history = Records::open(server.bot.data_dir())
        .unwrap()
        .history("lighthouse-summit")
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].moderator, "8001");
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_who_are_not_moderators_cannot_change_the_facts() {
    let server = Server::start().await;
    let files = snapshot(server.dir());
    let fact = server
        .bot
        .discord
        .registered_commands()
        .into_iter()
        .find(|c| c["name"] == "fact")
        .expect("/fact is registered");
    assert_eq!(
        fact["default_member_permissions"],
        json!(1u64 << 13),
        "Discord shows /fact only to members who can manage messages"
    );

    // An ordinary member: the command itself is refused.
    let id = server.fact_command(&member(1), "add", None).await;
    let response = server.bot.response_to(id).await;
    assert_eq!(response["type"], 4, "a message, not a form: {response}");
    assert_eq!(response["data"]["flags"], 64, "only they see it");
    assert!(embed_text(&response["data"]).contains("Only the fact base's moderators"));

    // A member holding a role with the Moderator role's id, in another server.
    let elsewhere = {
        let (u, roles) = moderator(2);
        let mut p = with_member_roles(
            slash_command(
                payloads::new_snowflake(),
                "fact",
                json!([{"name": "remove", "type": 1, "options": [{"name": "fact", "type": 3, "value": "who-is-rubio"}]}]),
                u,
            ),
            &roles,
        );
        p["guild_id"] = json!("1180000000000000999");
        p["guild"]["id"] = json!("1180000000000000999");
        p["channel"]["guild_id"] = json!("1180000000000000999");
        server.bot.interact(p).await
    };
    let response = server.bot.response_to(elsewhere).await;
    assert!(
        embed_text(&response["data"]).contains("Only the fact base's moderators"),
        "{response}"
    );

    // Forged form submissions and a forged confirm button, with real ids and fingerprints.
    let rubio = talksbot::knowledge::edit::Editor::new(server.dir(), Path::new("facts/people.toml"))
        .current("who-is-rubio")
        .unwrap()
        .unwrap()
        .1;
    let seen = fingerprint(&rubio);
    let form = new_fact_form("forged", "Who forged this?", "Nobody.");
    for custom_id in ["fact:add".to_string(), format!("fact:edit:who-is-rubio:{seen}")] {
        let id = server.submit(&member(3), &custom_id, &form).await;
        let text = server.outcome_of(id).await;
        assert!(text.contains("Only the fact base's moderators"), "{custom_id}: {text}");
    }
    // A message of the bot's to hang the forged button on.
    let message = support::message_create(
        payloads::new_snowflake(),
        StandIn::CHANNEL_ID,
        support::bot_user(),
        "Remove who-is-rubio?",
        vec![],
        vec![],
        false,
    );
    let press = support::button_press(
        payloads::new_snowflake(),
        &format!("fact:remove:who-is-rubio:{seen}"),
        message,
        member(4).0,
    );
    let id = server.bot.interact(press).await;
    let text = embed_text(&server.bot.response_to(id).await["data"]);
    assert!(text.contains("Only the fact base's moderators"), "{text}");

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(snapshot(server.dir()), files, "the files are byte-identical");
    assert_eq!(Records::open(server.bot.data_dir()).unwrap().change_count().unwrap(), 0);
    assert!(server.ask("who is rubio").await.contains("Secretary of State"));
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_edits_from_several_moderators_all_land_once() {
    let server = Server::start().await;
    let facts: Vec<String> = Knowledge::load(server.dir(), &common::bundled_config().matcher)
        .unwrap()
        .base
        .facts()
        .iter()
        .take(50)
        .map(|f| f.id.clone())
        .collect();
    assert_eq!(facts.len(), 50, "the bundled base has at least 50 facts");

    // Five moderators open the forms, then all save at once.
    let mut forms = Vec::new();
    for (i, fact) in facts.iter().enumerate() {
        let who = moderator(i as u64 % 5);
        let (custom_id, mut boxes) = server.open_form(&who, "edit", Some(fact)).await;
        let answer = boxes["answer"].clone();
        boxes.insert("answer".into(), format!("{answer} [revision {fact}]"));
        forms.push((who, custom_id, boxes));
    }
    let mut submitted = Vec::new();
    for (who, custom_id, boxes) in &forms {
        submitted.push(server.submit(who, custom_id, boxes).await);
    }
    // The saves queue behind one another in no set order, so the last one
    // may come long after the first: wait for all of them together. Saves
    // queued behind a reload share the next one, but each reload builds two
    // indexes (the curated one reads the slips of asked questions), slow in
    // an unoptimised build on a busy two-core machine. The wait is a guard
    // against a save never answered, not a speed target.
    let all_answered = |d: &StandIn| {
        submitted.iter().all(|&id| {
            d.original_response(id)
                .is_some_and(|m| m["embeds"].as_array().is_some_and(|e| !e.is_empty()))
        })
    };
    assert!(
        server
            .bot
            .discord
            .wait_until(Duration::from_secs(300), all_answered)
            .await,
        "every save was answered"
    );
    for (id, fact) in submitted.iter().zip(&facts) {
        let text = server.outcome_of(*id).await;
        assert!(
            text.contains("Edited") && text.contains(fact.as_str()),
            "{fact}: {text}"
        );
    }

    let all_text: String = snapshot(server.dir())
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "toml"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect();
    for fact in &facts {
        let marker = format!("[revision {fact}]");
        assert_eq!(
            all_text.matches(&marker).count(),
            1,
            "{fact}'s edit is on disk exactly once"
        );
    }
    check_passes(server.dir());
    let records = Records::open(server.bot.data_dir()).unwrap();
    assert_eq!(records.change_count().unwrap(), 50, "one audit entry per edit");
    for fact in &facts {
        assert_eq!(records.history(fact).unwrap().len(), 1, "{fact}");
    }
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_edit_made_after_the_form_opened_is_never_lost() {
    let server = Server::start().await;
    let people = server.dir().join("facts/people.toml");

    // The same fact changed by hand while the form was open: refused.
    let (custom_id, mut boxes) = server.open_form(&moderator(1), "edit", Some("who-is-rubio")).await;
    let text = std::fs::read_to_string(&people).unwrap();
    let hand = text.replacen("answer = \"", "answer = \"(Hand edit.) ", 1);
    assert!(hand.contains("(Hand edit.)") && hand.find("(Hand edit.)") > hand.find("who-is-rubio"));
    std::fs::write(&people, &hand).unwrap();
    boxes.insert("answer".into(), "Bot edit of Rubio.".into());
    let outcome = server
        .outcome_of(server.submit(&moderator(1), &custom_id, &boxes).await)
        .await;
    assert!(
        outcome.contains("Not saved") && outcome.contains("changed"),
        "{outcome}"
    );
    assert_eq!(
        std::fs::read_to_string(&people).unwrap(),
        hand,
        "the hand edit stands, untouched"
    );

    // Another fact in the same file changed by hand: both changes kept.
    let (custom_id, mut boxes) = server.open_form(&moderator(1), "edit", Some("who-is-witkoff")).await;
    let text = std::fs::read_to_string(&people).unwrap();
    let hand = text.replace("# People, their roles", "# Hand-edited comment.\n# People, their roles");
    std::fs::write(&people, &hand).unwrap();
    boxes.insert("answer".into(), "Steve Witkoff, edited from Discord.".into());
    let outcome = server
        .outcome_of(server.submit(&moderator(1), &custom_id, &boxes).await)
        .await;
    assert!(outcome.contains("Edited"), "{outcome}");
    let now = std::fs::read_to_string(&people).unwrap();
    assert!(
        now.contains("# Hand-edited comment.") && now.contains("(Hand edit.)"),
        "the hand edits survive"
    );
    assert!(now.contains("Steve Witkoff, edited from Discord."));
    check_passes(server.dir());
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_file_keeps_the_last_good_base_and_the_fix_loads_without_a_restart() {
    let server = Server::start_with(|c| {
        c.moderation.watch = true;
        c.moderation.watch_settle_ms = 100;
        c.moderation.mod_log_channel = Some(StandIn::OTHER_CHANNEL_ID);
    })
    .await;
    let broken = server.dir().join("facts/hand-written.toml");
    std::fs::write(
        &broken,
        "# Written by hand.\n\n[[fact]]\nid = \"lighthouse-summit\"\nquestions = [\"Where is the lighthouse summit?\" \"Where?\"]\nanswer = \"At the old lighthouse.\"\n",
    )
    .unwrap();
    let logged = server
        .bot
        .discord
        .wait_until(WAIT, |d| !d.messages(StandIn::OTHER_CHANNEL_ID).is_empty())
        .await;
    assert!(
        logged,
        "the mod log hears about the broken file: {:?}",
        server.bot.requests_since(0)
    );
    let report = embed_text(&server.bot.discord.messages(StandIn::OTHER_CHANNEL_ID)[0]);
    assert!(report.contains("hand-written.toml:5:"), "the exact line: {report}");
    assert!(
        server.ask("who met putin on march 13").await.contains("Witkoff"),
        "still answering"
    );

    std::fs::write(
        &broken,
        "# Written by hand.\n\n[[fact]]\nid = \"lighthouse-summit\"\nquestions = [\"Where is the lighthouse summit?\"]\nanswer = \"At the old lighthouse.\"\nsources = [\"newsmax-2025-05-18\"]\nquotes = [\"the lighthouse summit was agreed\"]\n",
    )
    .unwrap();
    let mut answered = String::new();
    for _ in 0..50 {
        answered = server.ask("where is the lighthouse summit").await;
        if answered.contains("At the old lighthouse") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        answered.contains("At the old lighthouse"),
        "the fixed file is served: {answered}"
    );
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_questions_show_up_in_fact_gaps_with_their_counts() {
    let server = Server::start().await;
    for q in [
        "What is the capital of Australia?",
        "what is the capital of australia",
        "WHAT IS THE CAPITAL OF AUSTRALIA??",
        "who won the 2018 world cup",
        "who met putin on march 13",
    ] {
        server.bot.mention(q).await;
    }
    server.bot.wait_for_replies(5).await;
    let records = Records::open(server.bot.data_dir()).unwrap();
    server
        .bot
        .discord
        .wait_until(WAIT, |_| {
            records.gaps(None, 10).unwrap().iter().map(|g| g.count).sum::<u64>() >= 4
        })
        .await;

    let id = server.fact_command(&moderator(1), "gaps", None).await;
    assert_eq!(
        server.bot.response_to(id).await["data"]["flags"],
        64,
        "acknowledged at once, privately"
    );
    let text = embed_text(&server.bot.final_response_to(id).await);
    let australia = text.find("**3**: what is the capital of australia").expect(&text);
    let world_cup = text.find("**1**: who won the 2018 world cup").expect(&text);
    assert!(australia < world_cup, "most asked first: {text}");
    assert!(!text.contains("putin"), "answered questions are not gaps: {text}");
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_change_names_the_field_and_the_fix_and_writes_nothing() {
    let server = Server::start().await;
    let files = snapshot(server.dir());
    let (form_id, _) = server.open_form(&moderator(1), "add", None).await;
    let mut form = new_fact_form("bad-date", "When is the lighthouse summit?", "Soon.");
    form.insert(
        "details".into(),
        "sources: newsmax-2025-05-18\ndates: 2025-02-30".into(),
    );
    let text = server
        .outcome_of(server.submit(&moderator(1), &form_id, &form).await)
        .await;
    assert!(
        text.contains("Not saved") && text.contains("2025-02-30") && text.contains("fix:"),
        "{text}"
    );

    let (form_id, _) = server.open_form(&moderator(1), "add", None).await;
    let form = new_fact_form("who-is-rubio", "Who is Rubio really?", "Someone.");
    let text = server
        .outcome_of(server.submit(&moderator(1), &form_id, &form).await)
        .await;
    assert!(
        text.contains("Not saved") && text.contains("who-is-rubio"),
        "an id already taken: {text}"
    );

    assert_eq!(snapshot(server.dir()), files, "nothing on disk changed");
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_can_show_list_remove_and_trace_facts_and_the_mod_log_hears_of_changes() {
    let server = Server::start_with(|c| c.moderation.mod_log_channel = Some(StandIn::OTHER_CHANNEL_ID)).await;
    let private_text = |r: &Value| {
        assert_eq!(r["data"]["flags"], 64, "only the moderator sees it: {r}");
        embed_text(&r["data"])
    };

    let shown = server
        .private_outcome(server.fact_command(&moderator(1), "show", Some("who-is-rubio")).await)
        .await;
    let shown = embed_text(&shown);
    assert!(
        shown.contains("people.toml") && shown.contains("id = \"who-is-rubio\""),
        "{shown}"
    );

    let listed = server
        .bot
        .response_to(server.fact_command(&moderator(1), "list", None).await)
        .await;
    assert!(private_text(&listed).contains("`witkoff-met-putin`"));

    // Remove, confirmed with the button on the private confirmation.
    let asked = server.fact_command(&moderator(1), "remove", Some("who-is-rubio")).await;
    let confirm = server.private_outcome(asked).await;
    let button = confirm["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut message = server.bot.discord.original_response(asked).unwrap();
    message["flags"] = json!(64);
    let press = support::button_press(payloads::new_snowflake(), &button, message, moderator(1).0);
    let pressed = server
        .bot
        .interact(with_member_roles(press, &[StandIn::MOD_ROLE_ID]))
        .await;
    // The confirmation itself turns into the outcome.
    let edited = |d: &StandIn| {
        d.original_response(pressed)
            .is_some_and(|m| !embed_text(&m).contains("Remove who-is-rubio?"))
    };
    assert!(
        server.bot.discord.wait_until(WAIT, edited).await,
        "the confirmation was updated"
    );
    let updated = server.bot.discord.original_response(pressed).unwrap();
    let outcome = embed_text(&updated);
    assert!(
        outcome.contains("Removed") && outcome.contains("who-is-rubio"),
        "{outcome}"
    );
    assert_eq!(updated["components"], json!([]), "the button is gone");
    assert!(!server.file("facts/people.toml").contains("id = \"who-is-rubio\""));
    let removed_answer = &common::bundled().base.fact("who-is-rubio").unwrap().answer;
    assert!(
        !server.ask("who is marco rubio").await.contains(removed_answer.as_str()),
        "no longer answered from it"
    );

    let asked = server
        .fact_command(&moderator(1), "history", Some("who-is-rubio"))
        .await;
    assert_eq!(server.bot.response_to(asked).await["data"]["flags"], 64);
    let history = embed_text(&server.bot.final_response_to(asked).await);
    assert!(
        history.contains("remove") && history.contains(&format!("<@{}>", 8001)),
        "{history}"
    );

    let logged = server
        .bot
        .discord
        .wait_until(WAIT, |d| {
            d.messages(StandIn::OTHER_CHANNEL_ID)
                .iter()
                .any(|m| embed_text(m).contains("Removed"))
        })
        .await;
    assert!(logged, "the mod log hears of the change");
    let reloaded = server
        .private_outcome(server.fact_command(&moderator(1), "reload", None).await)
        .await;
    assert!(embed_text(&reloaded).contains("facts from"));
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_its_database_the_bot_still_answers() {
    let blocked = tempfile::NamedTempFile::new().unwrap();
    let server = Server::start_with(|c| c.records.data_dir = blocked.path().join("records")).await;
    assert!(server.ask("who met putin on march 13").await.contains("Witkoff"));
    server.bot.mention("how many prisoners were exchanged").await;
    assert_eq!(server.bot.wait_for_replies(1).await.len(), 1);
    server.bot.finish();
}

/// A fact laid out its own way by hand: the answer first, as a literal
/// string with a comment; a quote credited explicitly to the first source,
/// another to the second; a comment inside the questions.
const LAID_OUT_BY_HAND: &str = r#"
# Added by hand, laid out its own way.
[[fact]]
answer = 'Rubio called the Vatican a site all parties would feel comfortable with.' # literal, and first
id = "vatican-comfortable"
questions = [
  "Did Rubio call the Vatican a comfortable site?", # his word
  "Would every party be at ease meeting at the Vatican?",
]
sources = ["newsmax-2025-05-18", "kyiv-independent-2025-03-16"]
quotes = [
  { source = "newsmax-2025-05-18", text = "it would be a site that all parties would feel comfortable" },
  { source = "kyiv-independent-2025-03-16", text = "the complexities of ending the ongoing war" },
]
tags = ["venues"]
unsaid = ['Has a Vatican meeting been agreed?'] # edited in the file only
note = "Checked against both articles."
"#;

impl Server {
    /// Adds `toml` to the end of `facts/people.toml`, as saved a while ago.
    fn append_to_people(&self, toml: &str) -> String {
        let people = self.dir().join("facts/people.toml");
        let text = format!("{}{toml}", self.file("facts/people.toml"));
        std::fs::write(&people, &text).unwrap();
        common::as_if_saved_long_ago(&people);
        text
    }

    /// Runs `/fact edit` for a fact the form must not open for; returns what
    /// the moderator is told instead.
    async fn form_refused(&self, fact: &str) -> String {
        let id = self.fact_command(&moderator(1), "edit", Some(fact)).await;
        let response = self.bot.response_to(id).await;
        assert_eq!(response["type"], 4, "a message, not a form: {response}");
        assert_eq!(response["data"]["flags"], 64, "only the moderator sees it");
        embed_text(&response["data"])
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_from_the_form_changes_the_answer_and_not_one_other_byte() {
    let server = Server::start().await;
    let before = server.append_to_people(LAID_OUT_BY_HAND);

    let (custom_id, mut boxes) = server
        .open_form(&moderator(1), "edit", Some("vatican-comfortable"))
        .await;
    assert_eq!(
        boxes["quotes"],
        "it would be a site that all parties would feel comfortable\nkyiv-independent-2025-03-16 | the complexities of ending the ongoing war"
    );
    boxes.insert(
        "answer".into(),
        "Rubio said all parties would be comfortable at the Vatican.".into(),
    );
    let outcome = server
        .outcome_of(server.submit(&moderator(1), &custom_id, &boxes).await)
        .await;
    assert!(outcome.contains("Edited"), "{outcome}");

    assert_eq!(
        server.file("facts/people.toml"),
        before.replace(
            "answer = 'Rubio called the Vatican a site all parties would feel comfortable with.'",
            "answer = \"Rubio said all parties would be comfortable at the Vatican.\""
        ),
        "every other byte of the file is as it was"
    );
    check_passes(server.dir());
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_does_not_open_for_a_fact_it_would_change_and_points_to_the_command_line() {
    let server = Server::start().await;
    server.append_to_people(common::HAND_WRITTEN_FACT);
    let files = snapshot(server.dir());

    let told = server.form_refused("vatican-venue").await;
    assert!(
        told.contains("cannot show fact `vatican-venue`") && told.contains("talksbot fact edit vatican-venue"),
        "{told}"
    );
    assert_eq!(snapshot(server.dir()), files, "nothing changed");
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_too_long_for_its_box_is_never_cut_and_saved() {
    let server = Server::start().await;
    let people = server.dir().join("facts/people.toml");
    let witkoff = talksbot::knowledge::edit::Editor::new(server.dir(), Path::new("facts/people.toml"))
        .read("who-is-witkoff")
        .unwrap()
        .unwrap()
        .fields
        .answer;
    let text = server.file("facts/people.toml");

    // 2,400 characters: the form would have to cut it, so it does not open.
    let mut long = format!("{witkoff} {}", "Witkoff is the U.S. special envoy. ".repeat(80));
    long.truncate(2399);
    long.push('.');
    std::fs::write(&people, text.replacen(&witkoff, &long, 1)).unwrap();
    common::as_if_saved_long_ago(&people);
    let files = snapshot(server.dir());
    let told = server.form_refused("who-is-witkoff").await;
    assert!(
        told.contains("2400 characters") && told.contains("talksbot fact edit"),
        "{told}"
    );
    assert_eq!(snapshot(server.dir()), files, "nothing changed");

    // 2,000 characters fill the box exactly: shown whole, and kept whole
    // when another box is what changes.
    let mut full = format!("{witkoff} {}", "Witkoff is the U.S. special envoy. ".repeat(80));
    full.truncate(1999);
    full.push('.');
    std::fs::write(&people, text.replacen(&witkoff, &full, 1)).unwrap();
    common::as_if_saved_long_ago(&people);
    let (custom_id, mut boxes) = server.open_form(&moderator(1), "edit", Some("who-is-witkoff")).await;
    assert_eq!(boxes["answer"], full, "the whole answer, not cut");
    let questions = format!("{}\nWho is the envoy Witkoff, in full?", boxes["questions"]);
    boxes.insert("questions".into(), questions);
    let outcome = server
        .outcome_of(server.submit(&moderator(1), &custom_id, &boxes).await)
        .await;
    assert!(outcome.contains("Edited"), "{outcome}");
    let now = server.file("facts/people.toml");
    assert!(
        now.contains(&format!("answer = {full:?}")),
        "the answer is whole on disk"
    );
    assert!(now.contains("Who is the envoy Witkoff, in full?"));
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_shows_the_fact_as_it_is_on_disk_even_after_a_failed_reload() {
    let server = Server::start().await;
    let people = server.dir().join("facts/people.toml");
    // A curator's hand edit: a new answer, and a date that does not exist.
    let answer = "answer = \"Marco Rubio is the U.S. Secretary of State;";
    let hand = server.file("facts/people.toml").replacen(
        answer,
        "dates = [\"2025-02-30\"]\nanswer = \"(Curator's edit.) Marco Rubio is the U.S. Secretary of State;",
        1,
    );
    assert_ne!(hand, server.file("facts/people.toml"));
    std::fs::write(&people, &hand).unwrap();
    let reloaded = server
        .private_outcome(server.fact_command(&moderator(1), "reload", None).await)
        .await;
    assert!(
        embed_text(&reloaded).contains("2025-02-30"),
        "the reload fails: {reloaded}"
    );

    // The form shows the file, not the base still being served.
    let (custom_id, mut boxes) = server.open_form(&moderator(1), "edit", Some("who-is-rubio")).await;
    assert!(boxes["answer"].starts_with("(Curator's edit.)"), "{boxes:?}");
    assert!(boxes["details"].contains("dates: 2025-02-30"), "{boxes:?}");
    let fixed = boxes["details"].replace("2025-02-30", "2025-03-16");
    boxes.insert("details".into(), fixed);
    let outcome = server
        .outcome_of(server.submit(&moderator(1), &custom_id, &boxes).await)
        .await;
    assert!(
        outcome.contains("Edited") && outcome.contains("answers from it now"),
        "{outcome}"
    );

    assert_eq!(
        server.file("facts/people.toml"),
        hand.replace("2025-02-30", "2025-03-16"),
        "the date is fixed and the curator's answer stands"
    );
    assert!(server.ask("who is marco rubio").await.contains("Curator's edit."));
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_edits_of_one_fact_by_one_moderator_are_two_entries_in_the_mod_log() {
    let server = Server::start_with(|c| c.moderation.mod_log_channel = Some(StandIn::OTHER_CHANNEL_ID)).await;
    for answer in [
        "Marco Rubio is the U.S. Secretary of State (first edit).",
        "Marco Rubio is the U.S. Secretary of State (second edit).",
    ] {
        let (custom_id, mut boxes) = server.open_form(&moderator(1), "edit", Some("who-is-rubio")).await;
        boxes.insert("answer".into(), answer.into());
        let outcome = server
            .outcome_of(server.submit(&moderator(1), &custom_id, &boxes).await)
            .await;
        assert!(outcome.contains("Edited"), "{outcome}");
    }
    let logged = |d: &StandIn| {
        d.messages(StandIn::OTHER_CHANNEL_ID)
            .iter()
            .filter(|m| embed_text(m).contains("Edited `who-is-rubio`"))
            .count()
    };
    server.bot.discord.wait_until(WAIT, |d| logged(d) >= 2).await;
    assert_eq!(logged(&server.bot.discord), 2, "one entry for each change");
    server.bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misspelt_fact_gets_a_did_you_mean() {
    let server = Server::start().await;
    let shown = server
        .private_outcome(
            server
                .fact_command(&moderator(1), "show", Some("witkof-met-putin"))
                .await,
        )
        .await;
    assert!(
        embed_text(&shown).contains("did you mean \"witkoff-met-putin\"?"),
        "{}",
        embed_text(&shown)
    );
    server.bot.finish();
}

/// Runs `/fact <sub> [fact:<id>]` as `who` on `bot`; returns the interaction id.
async fn fact_command(bot: &Bot, who: &(Value, Vec<u64>), sub: &str, fact: Option<&str>) -> u64 {
    let mut option = json!({"name": sub, "type": 1, "options": []});
    if let Some(f) = fact {
        option["options"] = json!([{"name": "fact", "type": 3, "value": f}]);
    }
    let payload = slash_command(payloads::new_snowflake(), "fact", json!([option]), who.0.clone());
    bot.interact(with_member_roles(payload, &who.1)).await
}

/// The bot on the knowledge folder `base`, the moderator role set, and
/// Discord's deadline: an interaction not acknowledged in 3 s is lost, and
/// the stand-in refuses a late response as Discord does.
async fn moderated_bot(base: &Path) -> Bot {
    let bot = Bot::start_with(
        |c| {
            c.moderation
                .roles
                .insert(StandIn::GUILD_ID.to_string(), vec![StandIn::MOD_ROLE_ID]);
        },
        base.to_path_buf(),
    )
    .await;
    bot.discord.set_interaction_deadline(Some(Duration::from_secs(3)));
    bot
}

/// A knowledge folder with the bundled sources and an empty `facts/`.
fn bundled_sources_only() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::repo().join("knowledge/sources.toml"),
        dir.path().join("sources.toml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("facts")).unwrap();
    dir
}

/// A knowledge folder of `n` made-up facts citing the bundled sources.
fn large_base(n: usize) -> tempfile::TempDir {
    let dir = bundled_sources_only();
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "[[fact]]\nid = \"made-up-{i}\"\nquestions = [\"What happened at made-up meeting number {i}?\", \"Who attended gathering {i}?\"]\nanswer = \"Meeting {i} took place.\"\nsources = [\"newsmax-2025-05-18\"]\nquotes = [\"Rubio said\"]\n\n"
        ));
    }
    std::fs::write(dir.path().join("facts/many.toml"), text).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloading_a_ten_thousand_fact_base_answers_within_discords_deadline() {
    let base = large_base(10_000);
    let bot = moderated_bot(base.path()).await;
    let id = fact_command(&bot, &moderator(1), "reload", None).await;
    let first = bot.response_to(id).await;
    assert_eq!(first["type"], 5, "acknowledged at once: {first}");
    // The reload itself indexes the whole base again, as a start does: in a
    // debug build on two busy cores that has taken over ten seconds.
    let outcome = bot.final_response_within(id, START_WAIT).await;
    assert!(embed_text(&outcome).contains("10000 facts"), "{}", embed_text(&outcome));
    assert!(
        bot.discord.unexpected_requests().is_empty(),
        "{:?}",
        bot.discord.unexpected_requests()
    );
    bot.finish();
}

/// Fact `i` of [`news_base`]: who, the kind of summit and where.
fn news_fact(i: usize) -> (String, &'static str, String) {
    let syllables = ["ru", "ben", "ko", "vas", "del", "mir", "tan", "gor", "lis", "pet"];
    let name = |i: usize, end: &str| {
        format!(
            "{}{}{}{end}",
            syllables[i % 10],
            syllables[i / 10 % 10],
            syllables[i / 100 % 10]
        )
    };
    let topics = ["trade", "energy", "grain", "security", "water", "arms", "debt"];
    (name(i % 400, "ov"), topics[i % 7], name(i / 400, "grad"))
}

/// A news-shaped base of `n` facts: people at summits in places, five
/// phrasings a fact, the words of summits shared by thousands of them.
fn news_base(n: usize) -> tempfile::TempDir {
    let dir = bundled_sources_only();
    for file in 0..n.div_ceil(2_000) {
        let mut text = String::new();
        for i in file * 2_000..((file + 1) * 2_000).min(n) {
            let (who, topic, place) = news_fact(i);
            text.push_str(&format!(
                "[[fact]]\nid = \"meeting-{i}\"\nquestions = [\"What did {who} say at the {topic} summit in {place}?\", \"When was {who} in {place}?\", \"{who} {place} {topic} summit\", \"Who met {who} at the {place} summit?\", \"Did {who} sign anything in {place}?\"]\nanswer = \"Meeting {i}: {who} said at the {topic} summit in {place} that the talks would go on.\"\nsources = [\"newsmax-2025-05-18\"]\nquotes = [\"Rubio said\"]\n\n"
            ));
        }
        std::fs::write(dir.path().join(format!("facts/news-{file}.toml")), text).unwrap();
    }
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_asked_while_a_large_base_reloads_are_all_answered_within_discords_deadline() {
    let n = 10_000;
    let base = news_base(n);
    let bot = moderated_bot(base.path()).await;
    std::fs::write(
        base.path().join("facts/late.toml"),
        "[[fact]]\nid = \"late-addition\"\nquestions = [\"Who chaired the closing session in Vostrigrad?\"]\nanswer = \"Zelmira Ostrova chaired it.\"\nsources = [\"newsmax-2025-05-18\"]\nquotes = [\"Rubio said\"]\n",
    )
    .unwrap();
    let who = moderator(1);
    let reload = fact_command(&bot, &who, "reload", None).await;
    let reloaded = |bot: &Bot| {
        bot.discord
            .original_response(reload)
            .is_some_and(|m| !embed_text(&m).trim().is_empty())
    };
    // A moderator's command during the reload is not held up by it either:
    // acknowledged in time, and it shows the fact as it is on disk.
    let show = fact_command(&bot, &who, "show", Some("meeting-4321")).await;
    // One question after another until the reload is over: each gets its
    // one response in time, answered from the base being served.
    let (mut during, mut asked) = (0, 0);
    let started = std::time::Instant::now();
    loop {
        let reloading = !reloaded(&bot);
        let i = (asked * 37) % n;
        let (who, topic, place) = news_fact(i);
        let question = format!("What did {who} say at the {topic} summit in {place}?");
        let id = bot
            .slash("ask", json!([{"name": "question", "type": 3, "value": question}]))
            .await;
        let response = bot.response_to(id).await;
        assert_eq!(response["type"], 4, "{response}");
        let text = embed_text(&response["data"]);
        assert!(text.contains(&format!("Meeting {i}:")), "{question:?} got {text}");
        asked += 1;
        if !reloading {
            break;
        }
        during += 1;
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the reload never finished"
        );
    }
    assert!(during >= 1, "no question was asked while the base reloaded");
    let shown = embed_text(&bot.final_response_to(show).await);
    let (person, _, place) = news_fact(4321);
    assert!(
        shown.contains("meeting-4321") && shown.contains(&person) && shown.contains(&place),
        "{shown}"
    );
    let outcome = bot.final_response_to(reload).await;
    assert!(
        embed_text(&outcome).contains(&format!("{} facts", n + 1)),
        "{}",
        embed_text(&outcome)
    );
    // The new base answers now.
    let id = bot
        .slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": "who chaired the closing session in vostrigrad"}]),
        )
        .await;
    assert!(embed_text(&bot.response_to(id).await["data"]).contains("Zelmira Ostrova"));
    assert!(
        bot.discord.unexpected_requests().is_empty(),
        "{:?}",
        bot.discord.unexpected_requests()
    );
    bot.finish();
}
