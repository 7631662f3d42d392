#![recursion_limit = "256"]
//! Every quote is checked against its article, and a new article can be
//! added end to end: from the command line and from Discord, against a
//! small made-up base (`tests/fixtures/kb`) and its article text.

mod common;
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};
use support::bot::{embed_text, Bot};
use support::payloads::with_attachment;
use support::{modal_submit, modal_text_row, payloads, slash_command, user, with_member_roles, StandIn};

/// A copy of the made-up base and of its articles folder, to change freely.
struct Newsroom {
    root: tempfile::TempDir,
}

const NEW_ARTICLE: &str = "RIVERTON — Talks between the two towns resumed on Monday in the old mill. \
The ferry will run again from June 10, officials said, after a winter of repairs.\n";

impl Newsroom {
    fn new() -> Newsroom {
        let root = tempfile::tempdir().unwrap();
        let kb = common::copy_of(&common::fixture("kb"));
        copy_dir(kb.path(), &root.path().join("kb"));
        copy_dir(&common::fixture("articles"), &root.path().join("articles"));
        Newsroom { root }
    }

    fn kb(&self) -> PathBuf {
        self.root.path().join("kb")
    }

    fn articles(&self) -> PathBuf {
        self.root.path().join("articles")
    }

    /// Runs the command line here, with the articles folder set or not.
    fn talksbot(&self, with_articles: bool, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_talksbot"));
        command
            .arg("--knowledge")
            .arg(self.kb())
            .args(args)
            .current_dir(self.root.path())
            .env_remove("TALKSBOT_CONFIG")
            .env("USER", "editor")
            .env("RUST_LOG", "warn");
        if with_articles {
            command.env("TALKSBOT_ARTICLES", self.articles());
        } else {
            command.env_remove("TALKSBOT_ARTICLES");
        }
        command.output().unwrap()
    }

    fn every_file(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        for dir in [self.kb(), self.kb().join("facts"), self.articles()] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    out.insert(path.clone(), std::fs::read(&path).unwrap());
                }
            }
        }
        out
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const MADE_UP: &[&str] = &[
    "fact",
    "add",
    "bridge-cost",
    "--question",
    "How much did the Elmwick bridge cost?",
    "--answer",
    "Ten million.",
    "--source",
    "gazette-2024-06-01",
    "--quote",
    "The new bridge cost ten million after two years",
];

#[test]
fn a_made_up_quote_is_refused_naming_the_closest_real_passage_and_nothing_changes() {
    let room = Newsroom::new();
    let before = room.every_file();
    let out = room.talksbot(true, MADE_UP);
    assert!(!out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("is not in the article"), "{said}");
    assert!(
        said.contains("the closest passage is \"The new bridge opened on May 28 after two years"),
        "the fix is a passage to copy: {said}"
    );
    assert_eq!(room.every_file(), before, "nothing on disk changed");

    let asked = room.talksbot(true, &["ask", "How much did the bridge cost?"]);
    assert!(!text(&asked).contains("Ten million"), "{}", text(&asked));
}

#[test]
fn without_an_articles_folder_the_same_quote_is_accepted_and_shown_as_unverified() {
    let room = Newsroom::new();
    let out = room.talksbot(false, MADE_UP);
    assert!(out.status.success(), "{}", text(&out));
    let check = room.talksbot(false, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(text(&check).contains("3 quotes unverified"), "{}", text(&check));

    // Once the folder is set, the base that holds it does not load.
    let check = room.talksbot(true, &["check"]);
    assert!(!check.status.success(), "{}", text(&check));
    let ask = room.talksbot(true, &["ask", "When did the bridge open?"]);
    assert!(!ask.status.success(), "{}", text(&ask));
    assert!(text(&ask).contains("bridge-cost"), "{}", text(&ask));
}

#[test]
fn a_missing_articles_folder_is_one_sentence() {
    let room = Newsroom::new();
    let out = room.talksbot(false, &["check", "--articles", "/no/such/folder"]);
    assert!(!out.status.success());
    let said = text(&out);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(said.contains("/no/such/folder does not exist"), "{said}");
}

#[test]
fn an_article_added_while_sources_toml_is_being_uploaded_waits_for_it_and_keeps_every_source() {
    use std::io::Write;
    use std::time::Duration;
    use talksbot::knowledge::edit::{Editor, Wait};
    use talksbot::knowledge::new_source::{ArticleText, SourceDraft};
    let room = Newsroom::new();
    let sources = room.kb().join("sources.toml");
    let before = std::fs::read_to_string(&sources).unwrap();
    let uploaded = format!(
        "{before}\n[[source]]\nid = \"upload-one\"\noutlet = \"The Test Gazette\"\ndate = \"2024-06-02\"\narticle = \"gazette.txt\"\n\n[[source]]\nid = \"upload-two\"\noutlet = \"The Test Gazette\"\ndate = \"2024-06-03\"\narticle = \"gazette.txt\"\n"
    );
    let (heard, waits) = std::sync::mpsc::channel();
    let editor = Editor::new(&room.kb(), Path::new("facts/moderated.toml"))
        .with_articles(Some(room.articles()))
        .with_settle(Duration::from_millis(300), Duration::from_secs(120))
        .on_wait(move |w| {
            let _ = heard.send(w.clone());
        });
    // A moderator uploads a new sources.toml in place: so far only the
    // old text is written, a valid file that lacks the two new sources.
    let mut upload = std::fs::File::options()
        .write(true)
        .truncate(true)
        .open(&sources)
        .unwrap();
    upload.write_all(before.as_bytes()).unwrap();
    let add = std::thread::spawn(move || {
        let draft = SourceDraft {
            id: "riverton-2024-06-10".into(),
            outlet: "The Riverton Post".into(),
            date: "2024-06-10".into(),
            ..SourceDraft::default()
        };
        editor.add_source(&draft, &ArticleText::New(NEW_ARTICLE.into()))
    });
    let wait = waits
        .recv_timeout(Duration::from_secs(120))
        .expect("the new source waits");
    assert!(
        matches!(&wait, Wait::ForFile { file, .. } if file.ends_with("sources.toml")),
        "{wait:?}"
    );
    let rest = &uploaded[before.len()..];
    for chunk in rest.as_bytes().chunks(rest.len() / 3 + 1) {
        upload.write_all(chunk).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(upload);
    add.join()
        .unwrap()
        .expect("the source is added once the upload is complete");
    let now = std::fs::read_to_string(&sources).unwrap();
    assert!(now.starts_with(&uploaded), "the upload is kept whole:\n{now}");
    for id in ["upload-one", "upload-two", "riverton-2024-06-10"] {
        assert_eq!(now.matches(&format!("id = \"{id}\"")).count(), 1, "{id}:\n{now}");
    }
}

#[test]
fn a_new_article_added_from_the_command_line_is_quoted_and_cited_by_the_next_answer() {
    let room = Newsroom::new();
    let article = room.root.path().join("riverton.txt");
    std::fs::write(&article, NEW_ARTICLE).unwrap();
    let out = room.talksbot(
        true,
        &[
            "source",
            "add",
            "courier-2024-06-05",
            "--outlet",
            "The Riverton Courier",
            "--date",
            "2024-06-05",
            "--title",
            "Ferry to run again",
            "--text",
            article.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(room.articles().join("courier-2024-06-05.txt")).unwrap(),
        NEW_ARTICLE,
        "the text is stored in the articles folder as given"
    );

    let found = room.talksbot(
        true,
        &["quote", "find", "courier-2024-06-05", "ferry runs again June 10"],
    );
    assert!(found.status.success(), "{}", text(&found));
    assert!(
        text(&found).contains("\"ferry will run again from June 10\""),
        "{}",
        text(&found)
    );

    let added = room.talksbot(
        true,
        &[
            "fact",
            "add",
            "ferry-returns",
            "--question",
            "When will the ferry run again?",
            "--question",
            "When does the Riverton ferry restart?",
            "--answer",
            "From 10 June 2024, after a winter of repairs.",
            "--source",
            "courier-2024-06-05",
            "--quote",
            "The ferry will run again from June 10",
            "--date",
            "2024-06-10",
        ],
    );
    assert!(added.status.success(), "{}", text(&added));
    let answer = room.talksbot(true, &["ask", "when does the ferry run again?"]);
    let said = text(&answer);
    assert!(said.contains("From 10 June 2024"), "{said}");
    assert!(
        said.contains("The Riverton Courier") && said.contains("5 June 2024"),
        "cited with the new outlet and date: {said}"
    );

    let again = room.talksbot(
        true,
        &[
            "source",
            "add",
            "courier-2024-06-05",
            "--outlet",
            "X",
            "--date",
            "2024-06-05",
            "--text",
            article.to_str().unwrap(),
        ],
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    let bad_date = room.talksbot(
        true,
        &[
            "source",
            "add",
            "other",
            "--outlet",
            "X",
            "--date",
            "05/06/2024",
            "--text",
            article.to_str().unwrap(),
        ],
    );
    assert!(
        text(&bad_date).contains("'05/06/2024' for '--date <DATE>': not a date: write it as YYYY-MM-DD"),
        "{}",
        text(&bad_date)
    );
}

/// A moderator of the stand-in's guild.
fn moderator() -> (Value, Vec<u64>) {
    (user(8101, "editor", false), vec![StandIn::MOD_ROLE_ID])
}

async fn serve(room: &Newsroom) -> Bot {
    let articles = room.articles();
    Bot::start_with(
        |c| {
            c.moderation
                .roles
                .insert(StandIn::GUILD_ID.to_string(), vec![StandIn::MOD_ROLE_ID]);
            c.knowledge.articles = Some(articles);
        },
        room.kb(),
    )
    .await
}

async fn source_add(bot: &Bot, who: &(Value, Vec<u64>), id: &str, file: &str, content: &str) -> u64 {
    let attachment = bot.discord.attach(file, content.as_bytes());
    let options = json!([{"name": "add", "type": 1, "options": [
        {"name": "id", "type": 3, "value": id},
        {"name": "outlet", "type": 3, "value": "The Riverton Courier"},
        {"name": "date", "type": 3, "value": "2024-06-05"},
        {"name": "text", "type": 11, "value": attachment["id"]},
    ]}]);
    let payload = slash_command(payloads::new_snowflake(), "source", options, who.0.clone());
    bot.interact(with_attachment(with_member_roles(payload, &who.1), attachment))
        .await
}

async fn add_fact_with_the_form(bot: &Bot, quote: &str) -> String {
    let who = moderator();
    let options = json!([{"name": "add", "type": 1, "options": []}]);
    let opened = bot
        .interact(with_member_roles(
            slash_command(payloads::new_snowflake(), "fact", options, who.0.clone()),
            &who.1,
        ))
        .await;
    let form = bot.response_to(opened).await;
    assert_eq!(form["type"], 9, "a form opens: {form}");
    let rows = json!([
        modal_text_row("id", "ferry-returns"),
        modal_text_row(
            "questions",
            "When will the ferry run again?\nWhen does the Riverton ferry restart?"
        ),
        modal_text_row("answer", "From 10 June 2024, after a winter of repairs."),
        modal_text_row("quotes", quote),
        modal_text_row("details", "sources: courier-2024-06-05\ndates: 2024-06-10"),
    ]);
    let submitted = bot
        .interact(with_member_roles(
            modal_submit(
                payloads::new_snowflake(),
                form["data"]["custom_id"].as_str().unwrap(),
                rows,
                who.0.clone(),
            ),
            &who.1,
        ))
        .await;
    embed_text(&bot.final_response_to(submitted).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_adds_an_article_from_discord_and_the_next_ask_cites_it() {
    let room = Newsroom::new();
    let bot = serve(&room).await;

    let added = source_add(&bot, &moderator(), "courier-2024-06-05", "riverton.txt", NEW_ARTICLE).await;
    let outcome = embed_text(&bot.final_response_to(added).await);
    assert!(outcome.contains("Added source `courier-2024-06-05`"), "{outcome}");
    assert_eq!(
        std::fs::read_to_string(room.articles().join("courier-2024-06-05.txt")).unwrap(),
        NEW_ARTICLE
    );

    let refused = add_fact_with_the_form(&bot, "The ferry runs again from 10 June").await;
    assert!(
        refused.contains("is not in the article")
            && refused.contains("closest passage is \"The ferry will run again from June"),
        "a made-up quote is refused from the form too, naming the passage: {refused}"
    );
    let saved = add_fact_with_the_form(&bot, "The ferry will run again from June 10").await;
    assert!(saved.contains("Added"), "{saved}");

    let asked = bot
        .slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": "when does the ferry run again"}]),
        )
        .await;
    let reply = embed_text(&bot.response_to(asked).await["data"]);
    assert!(
        reply.contains("From 10 June 2024") && reply.contains("The Riverton Courier") && reply.contains("5 June 2024"),
        "{reply}"
    );
    assert!(
        bot.discord.spec_violations().is_empty(),
        "{:?}",
        bot.discord.spec_violations()
    );
    bot.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_moderators_can_add_an_article_from_discord() {
    let room = Newsroom::new();
    let bot = serve(&room).await;
    let before = room.every_file();
    let member = (user(9101, "member", false), vec![]);
    let id = source_add(&bot, &member, "courier-2024-06-05", "riverton.txt", NEW_ARTICLE).await;
    let response = bot.response_to(id).await;
    assert_eq!(response["data"]["flags"], 64, "only they see it: {response}");
    assert!(
        embed_text(&response["data"]).contains("Only the fact base's moderators"),
        "{response}"
    );
    assert_eq!(room.every_file(), before, "nothing on disk changed");
    bot.finish();
}
