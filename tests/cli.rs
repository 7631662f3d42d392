//! The command line, run as a user would run it.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{copy_of, fixture, repo};

fn talksbot(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_talksbot"))
        .args(args)
        .current_dir(repo())
        .env_remove("TALKSBOT_KNOWLEDGE")
        .env_remove("TALKSBOT_CONFIG")
        .env_remove("TALKSBOT_ARTICLES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("talksbot runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn ask_answers_from_the_bundled_fact_base_with_its_source() {
    let out = talksbot(&["ask", "Who met Putin on March 13?"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Witkoff") && text.contains("The Kyiv Independent"),
        "{text}"
    );
}

#[test]
fn ask_json_reads_one_question_per_line_and_prints_one_object_per_line_in_order() {
    let questions = [
        "How many prisoners were exchanged?",
        "",
        "What is the capital of Australia?",
        "who met putin on march 13",
    ];
    let out = talksbot(&["ask", "--json"], Some(&questions.join("\n")));
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), questions.len());
    for (line, q) in lines.iter().zip(questions) {
        assert_eq!(line["question"], q);
        for key in [
            "answered",
            "answer",
            "citations",
            "confidence",
            "fact_id",
            "suggestions",
        ] {
            assert!(line.get(key).is_some(), "{key} missing in {line}");
        }
    }
    assert_eq!(lines[0]["answered"], true);
    assert!(lines[0]["answer"].as_str().unwrap().contains("1,000"));
    let cite = &lines[0]["citations"][0];
    assert_eq!(cite["outlet"], "Newsmax");
    assert!(cite["date"].as_str().unwrap().starts_with("2025-"));
    assert!(!cite["quote"].as_str().unwrap().is_empty() && !cite["source"].as_str().unwrap().is_empty());
    assert_eq!(lines[1]["answered"], false);
    assert_eq!(lines[2]["answered"], false);
    assert!(lines[2]["answer"].is_null() && lines[2]["fact_id"].is_null());
    assert_eq!(lines[3]["answered"], true);
}

#[test]
fn an_empty_question_is_a_clear_error_and_a_failing_exit() {
    let out = talksbot(&["ask", "  "], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
}

#[test]
fn check_passes_on_a_good_base_and_verifies_quotes_against_articles() {
    let kb = fixture("kb");
    let out = talksbot(
        &[
            "--knowledge",
            kb.to_str().unwrap(),
            "check",
            "--articles",
            fixture("articles").to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ok: 2 facts"), "{}", stdout(&out));
}

#[test]
fn check_the_bundled_base() {
    let out = talksbot(&["check"], None);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn check_reports_each_problem_with_file_line_column_and_a_fix() {
    let kb = copy_of(&fixture("kb"));
    let facts = kb.path().join("facts/town.toml");
    let text = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(
        &facts,
        text.replace("dates = [\"2024-05-28\"]", "dates = [\"2024-05-32\"]"),
    )
    .unwrap();
    let out = talksbot(&["--knowledge", kb.path().to_str().unwrap(), "check"], None);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:9:10: \"2024-05-32\" is not a date", facts.display())),
        "{err}"
    );
    assert!(err.contains("fix: write dates as \"YYYY-MM-DD\""), "{err}");

    std::fs::write(&facts, text.replace("answer =", "answr =")).unwrap();
    let out = talksbot(&["--knowledge", kb.path().to_str().unwrap(), "check"], None);
    assert!(
        stderr(&out).contains("town.toml:6:1: unknown field `answr`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_with_articles_rejects_a_quote_that_is_not_verbatim() {
    let kb = copy_of(&fixture("kb"));
    let facts = kb.path().join("facts/town.toml");
    let text = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(&facts, text.replace("cut the ribbon", "cut the cake")).unwrap();
    let articles = fixture("articles");
    let args = [
        "--knowledge",
        kb.path().to_str().unwrap(),
        "check",
        "--articles",
        articles.to_str().unwrap(),
    ];
    let out = talksbot(&args, None);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is not in the article")
            && stderr(&out).contains("the closest passage is \"Mayor Ada Quill cut the ribbon\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn eval_prints_its_measures_and_fails_below_the_pass_mark() {
    let kb = fixture("kb");
    let out = talksbot(
        &[
            "--knowledge",
            kb.to_str().unwrap(),
            "eval",
            fixture("eval.toml").to_str().unwrap(),
        ],
        None,
    );
    let text = stdout(&out);
    assert!(text.contains("precision@1") && text.contains("MRR"), "{text}");
    assert!(out.status.success(), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let hard = dir.path().join("hard.toml");
    std::fs::write(
        &hard,
        "[[case]]\nquestion = \"who opened the ribbon factory in 1850\"\nexpect = [\"mayor-name\"]\n",
    )
    .unwrap();
    let out = talksbot(
        &["--knowledge", kb.to_str().unwrap(), "eval", hard.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("who opened the ribbon factory"),
        "misses are listed: {}",
        stdout(&out)
    );
}

#[test]
fn a_missing_knowledge_folder_is_explained() {
    let out = talksbot(&["--knowledge", "/nonexistent/kb", "ask", "hello"], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--knowledge"), "{}", stderr(&out));
}

#[test]
fn chat_answers_each_line_and_ends_at_end_of_input() {
    let out = talksbot(
        &["chat"],
        Some("how many prisoners were exchanged\nwhat is the capital of australia\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("1,000"), "{text}");
    assert!(text.contains("My sources don't say"), "{text}");
}

#[test]
fn explain_shows_how_a_question_was_read() {
    let out = talksbot(&["ask", "--explain", "how many prisners were swapped"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("prisner: prison"),
        "a typo is shown with what it matched: {text}"
    );
    assert!(text.contains("Best candidates"), "{text}");
}
