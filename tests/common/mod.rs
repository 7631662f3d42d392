//! Helpers that let each test read like a sentence about the bot.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use talksbot::answers::{Knowledge, Reply, Response};
use talksbot::config::Config;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled config, with no articles folder whatever the environment
/// says: a test that checks quotes names its folder.
pub fn bundled_config() -> Config {
    let mut config = Config::load(Some(&repo().join("config/talksbot.toml"))).expect("bundled config loads");
    config.knowledge.articles = None;
    config
}

/// The texts of the two articles the bundled base quotes, where this
/// checkout has them beside it (they are third-party text, not in the
/// repository; CI and this repository's machines do).
pub fn shared_articles() -> Option<PathBuf> {
    let dir = repo().join("../shared/articles");
    dir.is_dir().then_some(dir)
}

/// The bundled fact base, loaded once per test binary.
pub fn bundled() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| {
        Knowledge::load(&repo().join("knowledge"), &bundled_config().matcher).expect("bundled fact base loads")
    })
}

pub fn ask(question: &str) -> Reply {
    bundled()
        .ask(question)
        .unwrap_or_else(|e| panic!("{question:?} was rejected: {e}"))
}

/// The answer text and the outlets cited, or a panic saying what happened instead.
pub fn answer_to(question: &str) -> (String, Vec<String>) {
    let reply = ask(question);
    match reply.response {
        Response::Answer(facts) => (
            facts.iter().map(|f| f.answer.as_str()).collect::<Vec<_>>().join(" "),
            facts
                .iter()
                .flat_map(|f| f.citations.iter().map(|c| c.outlet.clone()))
                .collect(),
        ),
        other => panic!(
            "{question:?} was not answered: {other:?} (confidence {})",
            reply.confidence
        ),
    }
}

pub fn declines(question: &str) -> bool {
    !matches!(ask(question).response, Response::Answer(_))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A copy of a fixture folder in a temporary directory, to change freely.
pub fn copy_of(dir: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(dir, tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            // Dated like the original, as `cp -p` does: a file changed
            // moments ago looks unfinished, and writers wait for it.
            let modified = entry.metadata().and_then(|m| m.modified()).unwrap();
            std::fs::File::options()
                .write(true)
                .open(&target)
                .and_then(|f| f.set_modified(modified))
                .unwrap();
        }
    }
}

/// A fact written by hand with every shape an edit must leave alone: a
/// quote over two lines credited to the fact's second source, commas inside
/// an entity and a tag, a note over two lines, comments. Its answer line is
/// [`HAND_WRITTEN_ANSWER`].
pub const HAND_WRITTEN_FACT: &str = r#"
# Added by hand: the Vatican as a venue.
[[fact]]
id = "vatican-venue"
questions = [
  "Would the Vatican suit everyone as a venue?",
  "Is the Vatican a comfortable site for all parties?", # Rubio's words
]
answer = "Rubio said the Vatican would be a site all parties would feel comfortable with."
sources = ["kyiv-independent-2025-03-16", "newsmax-2025-05-18"]
quotes = [
  { source = "newsmax-2025-05-18", text = """
I mean, it would be a site that all parties
would feel comfortable.""" },
]
dates = ["2025-05-18"]
entities = ["Washington, D.C."]
tags = ["venues, capitals"]
note = """
Checked against the Newsmax text.
Rubio spoke in Rome."""
unsaid = [
  "Has the Vatican, as a venue, been agreed?", # not in either article
]
"#;

pub const HAND_WRITTEN_ANSWER: &str =
    "answer = \"Rubio said the Vatican would be a site all parties would feel comfortable with.\"";

/// Dates a file back an hour, as a file saved well before now is: writers
/// wait for a file changed moments ago to settle.
pub fn as_if_saved_long_ago(path: &Path) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(then))
        .unwrap();
}
