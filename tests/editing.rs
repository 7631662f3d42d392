//! Changing the fact base from a terminal and from code: the audit trail,
//! reloads under load, and writes that survive being killed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use talksbot::answers::{Knowledge, Response};
use talksbot::knowledge::edit::{Draft, Editor, Patch};
use talksbot::knowledge::reload::Reloader;

/// A copy of the bundled base and a config whose records live beside it.
struct Workspace {
    knowledge: tempfile::TempDir,
    data: tempfile::TempDir,
    config: PathBuf,
}

impl Workspace {
    fn new() -> Workspace {
        let knowledge = common::copy_of(&common::repo().join("knowledge"));
        let data = tempfile::tempdir().unwrap();
        let bundled = std::fs::read_to_string(common::repo().join("config/talksbot.toml")).unwrap();
        let config = data.path().join("talksbot.toml");
        let data_dir = data.path().join("records");
        std::fs::write(
            &config,
            bundled.replace(
                "data_dir = \"data\"",
                &format!("data_dir = {:?}", data_dir.to_str().unwrap()),
            ),
        )
        .unwrap();
        Workspace {
            knowledge,
            data,
            config,
        }
    }

    fn dir(&self) -> &Path {
        self.knowledge.path()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_talksbot"));
        command
            .arg("--knowledge")
            .arg(self.dir())
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .env("USER", "alice")
            .env_remove("TALKSBOT_ARTICLES")
            .env("RUST_LOG", "warn")
            .current_dir(self.data.path());
        command
    }

    fn talksbot(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn people(&self) -> PathBuf {
        self.dir().join("facts/people.toml")
    }

    fn read(&self, path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    fn all_toml(&self) -> String {
        let mut out = String::new();
        for entry in walk(self.dir()) {
            if entry.extension().is_some_and(|e| e == "toml") {
                out.push_str(&std::fs::read_to_string(entry).unwrap());
            }
        }
        out
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_command_line_adds_edits_and_removes_facts_and_keeps_their_history() {
    let ws = Workspace::new();
    let add = ws.talksbot(&[
        "fact",
        "add",
        "lighthouse-summit",
        "--question",
        "Where is the lighthouse summit?",
        "--answer",
        "At the old lighthouse.",
        "--source",
        "newsmax-2025-05-18",
        "--quote",
        "the lighthouse summit was agreed",
        "--date",
        "2025-05-20",
    ]);
    assert!(add.status.success(), "{}", text(&add));
    let asked = ws.talksbot(&["ask", "where's the lighthouse summit"]);
    assert!(text(&asked).contains("At the old lighthouse."), "{}", text(&asked));

    let edit = ws.talksbot(&[
        "fact",
        "edit",
        "lighthouse-summit",
        "--answer",
        "At the new lighthouse.",
    ]);
    assert!(edit.status.success(), "{}", text(&edit));
    let history = ws.talksbot(&["history", "lighthouse-summit"]);
    let history = text(&history);
    assert!(
        history.contains("add") && history.contains("edit") && history.contains("cli:alice"),
        "{history}"
    );
    assert!(history.contains("At the new lighthouse."), "{history}");

    let remove = ws.talksbot(&["fact", "remove", "lighthouse-summit"]);
    assert!(remove.status.success(), "{}", text(&remove));
    assert!(!ws.all_toml().contains("lighthouse-summit"));
    assert!(text(&ws.talksbot(&["history", "lighthouse-summit"])).contains("remove"));
}

#[test]
fn a_bad_change_from_the_command_line_names_the_field_and_changes_nothing() {
    let ws = Workspace::new();
    let before = ws.all_toml();
    let out = ws.talksbot(&["fact", "edit", "who-is-rubio", "--date", "2025-13-40"]);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains("2025-13-40") && said.contains("YYYY-MM-DD"), "{said}");
    let out = ws.talksbot(&["fact", "edit", "who-is-rubio", "--source", "no-such-paper"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no-such-paper"), "{}", text(&out));
    assert_eq!(ws.all_toml(), before, "nothing on disk changed");
}

#[test]
fn gaps_lists_the_most_asked_unanswered_questions_since_a_day() {
    let ws = Workspace::new();
    let records = talksbot::records::Records::open(&ws.data.path().join("records")).unwrap();
    let ask = |q: &str, outcome: &str| {
        records
            .record_question(&talksbot::records::QuestionRecord {
                at: chrono::Utc::now(),
                guild: Some(1),
                channel: Some(2),
                user: None,
                question: q.to_string(),
                outcome: outcome.to_string(),
                fact_id: None,
                confidence: 0.1,
                latency_us: 100,
            })
            .unwrap()
    };
    for _ in 0..3 {
        ask("what is the capital of australia", "abstain");
    }
    ask("who won the world cup", "suggest");
    ask("who met putin", "answer");
    let out = ws.talksbot(&["gaps", "--since", "2025-01-01"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    let (australia, cup) = (
        said.find("what is the capital of australia"),
        said.find("who won the world cup"),
    );
    assert!(australia.is_some() && cup.is_some() && australia < cup, "{said}");
    assert!(said.contains('3'), "{said}");
    assert!(!said.contains("who met putin"), "{said}");
    let future = ws.talksbot(&["gaps", "--since", "2999-01-01"]);
    assert!(!text(&future).contains("australia"), "{}", text(&future));
}

#[test]
fn questions_asked_while_the_base_reloads_all_get_their_answers() {
    let ws = Workspace::new();
    let config = common::bundled_config();
    let shared = Arc::new(ArcSwap::from_pointee(
        Knowledge::load(ws.dir(), &config.matcher).unwrap(),
    ));
    let reloader = Arc::new(Reloader::new(ws.dir(), config.matcher.clone(), Arc::clone(&shared)));
    let editor = Editor::new(ws.dir(), Path::new("facts/added.toml"));
    let stop = Arc::new(AtomicBool::new(false));

    let askers: Vec<_> = (0..4)
        .map(|_| {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut asked = 0;
                while !stop.load(Ordering::Relaxed) || asked < 50 {
                    let reply = shared.load().ask("who met Putin on March 13?").unwrap();
                    match reply.response {
                        Response::Answer(facts) => assert!(facts.iter().any(|f| f.answer.contains("Witkoff"))),
                        other => panic!("a question in flight went unanswered: {other:?}"),
                    }
                    asked += 1;
                }
                asked
            })
        })
        .collect();
    for i in 0..20 {
        let draft = Draft {
            id: format!("reload-test-{i}"),
            questions: vec![format!("What is reload test number {i}?")],
            answer: format!("Reload test {i}."),
            sources: vec!["newsmax-2025-05-18".into()],
            quotes: vec![(None, "a quote".into())],
            ..Default::default()
        };
        editor.add(&draft).unwrap();
        reloader.reload().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let asked: usize = askers.into_iter().map(|t| t.join().expect("no asker failed")).sum();
    assert!(asked >= 200);
    assert_eq!(
        shared.load().base.facts().len(),
        common::bundled().base.facts().len() + 20
    );
}

/// Run by `killing_a_writer_mid_write_never_leaves_a_broken_file` as a child
/// process: rewrites one fact as fast as it can until it is killed.
#[test]
#[ignore = "a helper process, started by another test"]
fn child_writer() {
    let Some(dir) = std::env::var_os("TALKSBOT_TEST_WRITER_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let editor = Editor::new(&dir, Path::new("facts/people.toml"));
    for i in 0.. {
        // A long answer makes each write take long enough to be interrupted;
        // the process id keeps it new after the last round's writes.
        let patch = Patch {
            answer: Some(format!(
                "Rewrite {i} by {}. {}",
                std::process::id(),
                "Marco Rubio is the U.S. secretary of state. ".repeat(400)
            )),
            ..Patch::new("who-is-rubio")
        };
        editor.edit(&patch, None).unwrap();
        println!("wrote {i}");
    }
}

#[test]
fn killing_a_writer_mid_write_never_leaves_a_broken_file() {
    let ws = Workspace::new();
    let config = common::bundled_config();
    for round in 0..15u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_writer", "--ignored", "--nocapture"])
            .env("TALKSBOT_TEST_WRITER_DIR", ws.dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Once it is writing, kill it at a different moment each round.
        let mut output = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.starts_with("wrote") {
            line.clear();
            let read = std::io::BufRead::read_line(&mut output, &mut line).unwrap();
            assert!(read > 0, "the writer stopped before writing");
        }
        std::thread::sleep(Duration::from_millis(round * 7 % 40));
        child.kill().unwrap();
        child.wait().unwrap();
        drop(output);
        let people = std::fs::read_to_string(ws.dir().join("facts/people.toml")).unwrap();
        assert!(
            people.trim_end().ends_with(']') || people.trim_end().ends_with('"'),
            "round {round}: whole file"
        );
        let loaded = Knowledge::load(ws.dir(), &config.matcher)
            .unwrap_or_else(|e| panic!("round {round}: the base no longer loads after a kill:\n{e}"));
        assert_eq!(loaded.base.facts().len(), common::bundled().base.facts().len());
    }
    let rewritten = std::fs::read_to_string(ws.dir().join("facts/people.toml")).unwrap();
    assert!(rewritten.contains("Rewrite "), "the child really was writing");
}

fn add_fact(ws: &Workspace, id: &str) -> Output {
    let question = format!("What is the fact called {id}?");
    ws.talksbot(&[
        "fact",
        "add",
        id,
        "--question",
        &question,
        "--answer",
        "A parallel fact.",
        "--source",
        "newsmax-2025-05-18",
        "--quote",
        "a quote",
    ])
}

#[test]
fn processes_adding_facts_at_once_on_a_fresh_data_folder_lose_nothing_on_disk_or_in_the_history() {
    // The records database is created and migrated by whichever process
    // comes first: each round starts from no database at all.
    for round in 0..20 {
        let ws = Arc::new(Workspace::new());
        let writers: Vec<_> = (0..3)
            .map(|w| {
                let ws = Arc::clone(&ws);
                std::thread::spawn(move || {
                    for i in 0..2 {
                        let id = format!("parallel-{w}-{i}");
                        let out = add_fact(&ws, &id);
                        assert!(out.status.success(), "round {round}, {id}: {}", text(&out));
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("a writer failed");
        }
        let all = ws.all_toml();
        let records = talksbot::records::Records::open(&ws.data.path().join("records")).unwrap();
        for w in 0..3 {
            for i in 0..2 {
                let id = format!("parallel-{w}-{i}");
                assert_eq!(all.matches(&format!("id = \"{id}\"")).count(), 1, "round {round}, {id}");
                assert_eq!(records.history(&id).unwrap().len(), 1, "round {round}, {id}");
            }
        }
        assert_eq!(records.change_count().unwrap(), 6, "round {round}");
    }
}

#[test]
fn a_change_the_audit_trail_cannot_record_fails_the_command_and_says_so() {
    let ws = Workspace::new();
    // The records database exists, but refuses every change record.
    let records = talksbot::records::Records::open(&ws.data.path().join("records")).unwrap();
    let conn = rusqlite::Connection::open(records.path()).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
    )
    .unwrap();
    let out = add_fact(&ws, "unrecorded");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("the change was saved, but it is NOT in the audit trail: ")
            && text(&out).contains("disk says no"),
        "{}",
        text(&out)
    );
    assert_eq!(ws.all_toml().matches("id = \"unrecorded\"").count(), 1);
}

#[test]
fn without_an_audit_trail_nothing_is_changed() {
    let ws = Workspace::new();
    // Where the records folder should be, a file: the database cannot be opened.
    std::fs::write(ws.data.path().join("records"), "not a folder").unwrap();
    let before = ws.all_toml();
    let out = add_fact(&ws, "unrecorded");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Nothing was changed"), "{}", text(&out));
    assert_eq!(ws.all_toml(), before);
}

#[test]
fn an_edit_from_the_command_line_changes_the_answer_and_not_one_other_byte() {
    let ws = Workspace::new();
    let people = ws.people();
    let before = format!("{}{}", ws.read(&people), common::HAND_WRITTEN_FACT);
    std::fs::write(&people, &before).unwrap();
    common::as_if_saved_long_ago(&people);

    let new_answer = "Rubio said the Vatican would suit all parties.";
    let out = ws.talksbot(&["fact", "edit", "vatican-venue", "--answer", new_answer]);
    assert!(out.status.success(), "{}", text(&out));

    assert_eq!(
        ws.read(&people),
        before.replace(common::HAND_WRITTEN_ANSWER, &format!("answer = {new_answer:?}")),
        "the two-line quote keeps its source, the values their commas, the note its lines"
    );
    let base = talksbot::knowledge::FactBase::load(ws.dir()).unwrap();
    let fact = base.fact("vatican-venue").unwrap();
    assert_eq!(fact.quotes[0].source, "newsmax-2025-05-18");
    assert_eq!(fact.entities, vec!["Washington, D.C."]);
}

#[test]
fn a_fact_added_from_the_command_line_keeps_the_commas_inside_its_values() {
    let ws = Workspace::new();
    let out = ws.talksbot(&[
        "fact",
        "add",
        "rubio-in-rome",
        "--question",
        "Where was Rubio for the inauguration of the pope?",
        "--answer",
        "In Rome.",
        "--source",
        "newsmax-2025-05-18",
        "--quote",
        "Rubio is in Rome for the inauguration of Pope Leo XIV",
        "--entity",
        "Rome, Italy",
        "--tag",
        "venues, capitals",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let base = talksbot::knowledge::FactBase::load(ws.dir()).unwrap();
    let fact = base.fact("rubio-in-rome").unwrap();
    assert_eq!(
        (fact.entities.as_slice(), fact.tags.as_slice()),
        (&["Rome, Italy".to_string()][..], &["venues, capitals".to_string()][..])
    );
}

/// Starts `talksbot fact edit` while the test holds the folder lock, and
/// returns once the command says it is waiting for it, with what it says
/// on standard error in the end.
fn edit_waiting_for_the_lock(ws: &Workspace, args: &[&str]) -> (std::process::Child, std::thread::JoinHandle<String>) {
    use std::io::{BufRead, Read};
    let mut child = ws
        .command(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    while !said.contains("waiting for another change") {
        if stderr.read_line(&mut said).unwrap() == 0 {
            panic!("the edit ended without waiting for the lock: {said}");
        }
    }
    let rest = std::thread::spawn(move || {
        let _ = stderr.read_to_string(&mut said);
        said
    });
    (child, rest)
}

#[test]
fn an_edit_that_waited_for_another_writer_refuses_when_that_writer_changed_the_fact() {
    let ws = Workspace::new();
    let people = ws.people();
    let other_writer = std::fs::File::open(ws.dir()).unwrap();
    other_writer.lock().unwrap();
    let (mut child, said) = edit_waiting_for_the_lock(
        &ws,
        &[
            "fact",
            "edit",
            "who-is-rubio",
            "--answer",
            "Rubio, from the command line.",
        ],
    );
    // Meanwhile the other writer changes the same fact, then lets go.
    let theirs = ws.read(&people).replacen(
        "answer = \"Marco Rubio is",
        "answer = \"(Their edit.) Marco Rubio is",
        1,
    );
    std::fs::write(&people, &theirs).unwrap();
    drop(other_writer);

    let status = child.wait().unwrap();
    let said = said.join().unwrap();
    assert!(!status.success(), "the edit must not report success: {said}");
    assert!(
        said.contains("\"who-is-rubio\" was changed by someone else") && said.contains("nothing was saved"),
        "{said}"
    );
    assert_eq!(ws.read(&people), theirs, "their change stands, untouched");
    let records = talksbot::records::Records::open(&ws.data.path().join("records")).unwrap();
    assert_eq!(records.change_count().unwrap(), 0);
}

#[test]
fn an_edit_that_waited_for_another_writer_builds_on_its_change_to_another_fact() {
    let ws = Workspace::new();
    let people = ws.people();
    let other_writer = std::fs::File::open(ws.dir()).unwrap();
    other_writer.lock().unwrap();
    let (mut child, said) = edit_waiting_for_the_lock(
        &ws,
        &[
            "fact",
            "edit",
            "who-is-rubio",
            "--answer",
            "Rubio, from the command line.",
        ],
    );
    let theirs = ws
        .read(&people)
        .replacen("# People, their roles", "# Their comment.\n# People, their roles", 1);
    std::fs::write(&people, &theirs).unwrap();
    drop(other_writer);

    let status = child.wait().unwrap();
    assert!(status.success(), "{}", said.join().unwrap());
    let now = ws.read(&people);
    assert!(now.starts_with("# Their comment.\n"), "their change stands");
    assert!(now.contains("answer = \"Rubio, from the command line.\""), "{now}");
}

#[test]
fn removing_the_first_fact_of_a_file_keeps_the_guide_at_its_top() {
    let ws = Workspace::new();
    let people = ws.people();
    let before = ws.read(&people);
    let guide: Vec<&str> = before.lines().take(18).collect();
    assert!(
        guide.iter().all(|l| l.starts_with('#')),
        "the guide is 18 comment lines"
    );

    let out = ws.talksbot(&["fact", "remove", "who-is-rubio"]);
    assert!(out.status.success(), "{}", text(&out));

    let start = before.find("[[fact]]\nid = \"who-is-rubio\"").unwrap();
    let next = start + 1 + before[start + 1..].find("[[fact]]").unwrap();
    assert_eq!(
        ws.read(&people),
        format!("{}{}", &before[..start], &before[next..]),
        "exactly the fact's table is gone"
    );
}

#[test]
fn an_edit_during_a_slow_upload_waits_for_the_whole_file_and_never_writes_back_a_cut_one() {
    use std::io::Write;
    use talksbot::knowledge::edit::{Unsettled, Wait};
    let ws = Workspace::new();
    let people = ws.people();
    let full = ws.read(&people);
    let facts = full.matches("[[fact]]").count();
    // The upload is paused after five facts: valid TOML, with fewer facts.
    let pause = full.match_indices("\n[[fact]]").nth(5).unwrap().0;
    let (first, rest) = full.split_at(pause);

    let (heard, waits) = std::sync::mpsc::channel();
    let editor = Editor::new(ws.dir(), Path::new("facts/people.toml"))
        .with_settle(Duration::from_millis(300), Duration::from_secs(120))
        .on_wait(move |w| {
            let _ = heard.send(w.clone());
        });
    // A moderator opens the fact: the whole file is read.
    let seen = editor.read("who-is-rubio").unwrap().unwrap().fingerprint();

    // The upload starts: the file is cut and written in place, chunk by chunk.
    let mut upload = std::fs::File::options()
        .write(true)
        .truncate(true)
        .open(&people)
        .unwrap();
    upload.write_all(first.as_bytes()).unwrap();
    let paused = talksbot::knowledge::FactBase::load(ws.dir()).expect("the paused upload is a valid base");
    assert_eq!(
        paused
            .facts()
            .iter()
            .filter(|f| f.location.file.ends_with("people.toml"))
            .count(),
        5
    );

    let edit = std::thread::spawn(move || {
        let patch = Patch {
            answer: Some("Rubio, edited during the upload.".into()),
            ..Patch::new("who-is-rubio")
        };
        editor.edit(&patch, Some(&seen))
    });
    let wait = waits.recv_timeout(Duration::from_secs(120)).expect("the edit waits");
    assert!(
        matches!(&wait, Wait::ForFile { file, why: Unsettled::Shorter { .. } } if file.ends_with("people.toml")),
        "{wait:?}"
    );
    for chunk in rest.as_bytes().chunks(rest.len() / 4 + 1) {
        upload.write_all(chunk).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(upload);

    let outcome = edit.join().unwrap();
    let now = ws.read(&people);
    assert_eq!(now.matches("[[fact]]").count(), facts, "no fact of the upload is lost");
    match outcome {
        Ok(_) => assert_eq!(
            now,
            full.replacen(
                "answer = \"Marco Rubio is the U.S. Secretary of State; both articles report his TV interviews about the ceasefire talks.\"",
                "answer = \"Rubio, edited during the upload.\"",
                1
            )
        ),
        Err(e) => {
            assert_eq!(now, full, "refused, and nothing written");
            assert!(e.to_string().contains("try again"), "{e}");
        }
    }
}
