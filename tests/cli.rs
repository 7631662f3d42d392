//! The command line, run as a user would run it.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{copy_of, fixture, repo};

fn talksbot(args: &[&str], stdin: Option<&str>) -> Output {
    talksbot_in(repo(), args, stdin)
}

/// Runs talksbot from another folder, as someone would with the binary
/// installed: the bundled knowledge and config are named by path.
fn talksbot_elsewhere(dir: &std::path::Path, args: &[&str]) -> Output {
    let knowledge = repo().join("knowledge");
    let config = repo().join("config/talksbot.toml");
    let mut all = vec![
        "--knowledge",
        knowledge.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    talksbot_in(dir, &all, None)
}

fn talksbot_in(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_talksbot"))
        .args(args)
        .current_dir(dir)
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
fn eval_with_typos_measures_misspelt_questions_and_says_the_marks_are_not_enforced() {
    let kb = fixture("kb");
    let file = fixture("eval.toml");
    let args = |rate: &'static str| -> Vec<String> {
        [
            "--knowledge",
            kb.to_str().unwrap(),
            "eval",
            file.to_str().unwrap(),
            "--typos",
            rate,
            "--seed",
            "3",
        ]
        .map(str::to_string)
        .to_vec()
    };
    let run = |rate: &'static str| {
        let a = args(rate);
        talksbot(&a.iter().map(String::as_str).collect::<Vec<_>>(), None)
    };
    let out = run("1");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(
        text.starts_with("with seeded typos in 100% of words (seed 3)"),
        "{text}"
    );
    assert!(text.contains("precision@1"), "{text}");
    // The same seed gives the same typos, so the same report.
    assert_eq!(stdout(&run("1")), text);
    let out = run("1.5");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("from 0 to 1"), "{}", stderr(&out));
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
    let out = talksbot(&["ask", "--explain", "how many prissoners were swapped"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("prisson: prison"),
        "a typo is shown with what it matched: {text}"
    );
    assert!(text.contains("Best candidates"), "{text}");
}

/// Every line of standard output, each of which must be a JSON object.
fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}")))
        .collect()
}

#[test]
fn ask_json_with_explain_prints_only_json_with_the_explanation_inside() {
    let question = "how many prissoners were swapped";
    let from_argument = talksbot(&["ask", "--json", "--explain", question], None);
    let from_stdin = talksbot(&["ask", "--json", "--explain"], Some(&format!("{question}\n")));
    for out in [from_argument, from_stdin] {
        assert!(out.status.success(), "{}", stderr(&out));
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "{}", stdout(&out));
        let terms = lines[0]["explain"]["terms"].as_array().expect("explain.terms");
        let typo = terms
            .iter()
            .find(|t| t["term"] == "prisson")
            .unwrap_or_else(|| panic!("the typo is explained: {terms:?}"));
        assert_eq!(typo["matches"][0]["term"], "prison");
        assert!(typo["weight"].as_f64().unwrap() > 0.0);
        assert_eq!(lines[0]["answered"], true);
    }
}

#[test]
fn json_lines_carry_no_explanation_unless_asked() {
    let out = talksbot(&["ask", "--json", "who met putin on march 13"], None);
    assert!(json_lines(&out)[0].get("explain").is_none(), "{}", stdout(&out));
}

#[test]
fn explain_shows_how_each_question_from_standard_input_was_read() {
    let out = talksbot(
        &["ask", "--explain"],
        Some("how many prissoners were swapped\nwho met putin on march 13\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("How the question was read").count(), 2, "{text}");
    assert_eq!(text.matches("Best candidates").count(), 2, "{text}");
    assert!(text.contains("prisson: prison"), "{text}");
    assert!(
        text.contains("1,000") && text.contains("Witkoff"),
        "both answered: {text}"
    );
}

#[test]
fn ask_json_with_an_empty_question_prints_a_json_error_line_and_exits_2() {
    for empty in ["", "   "] {
        let out = talksbot(&["ask", "--json", empty], None);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "{}", stdout(&out));
        assert_eq!(lines[0]["outcome"], "error");
        assert_eq!(lines[0]["answered"], false);
        assert_eq!(lines[0]["question"], empty);
        assert!(lines[0]["error"].as_str().unwrap().contains("empty"), "{}", lines[0]);
    }
}

/// The digits after the decimal point of each number that follows `key`
/// in raw output, as printed (parsing would hide how it was written).
fn decimals_after(text: &str, key: &str) -> Vec<String> {
    text.split(key)
        .skip(1)
        .map(|rest| {
            let number: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                .collect();
            number.split_once('.').map_or(String::new(), |(_, d)| d.to_string())
        })
        .collect()
}

#[test]
fn confidences_are_printed_with_three_decimals_in_json_and_text() {
    let questions = "how many prissoners were swapped\nwho met putin on march 13\nwhat did rubio say\n";
    let out = talksbot(&["ask", "--json", "--explain"], Some(questions));
    let text = stdout(&out);
    for key in ["\"confidence\":", "\"similarity\":", "\"weight\":"] {
        let numbers = decimals_after(&text, key);
        assert!(!numbers.is_empty(), "{key} is in the output: {text}");
        for decimals in numbers {
            assert!(
                decimals.len() <= 3,
                "{key} printed with {decimals:?} as decimals: {text}"
            );
        }
    }

    let out = talksbot(&["ask", "--explain", "how many prisoners were exchanged"], None);
    let text = stdout(&out);
    let shown = decimals_after(&text, "confidence ");
    assert_eq!(shown.len(), 1, "{text}");
    assert_eq!(shown[0].len(), 3, "{text}");
    let candidate = text
        .lines()
        .find(|l| l.contains("prisoner-exchange-1000  via"))
        .unwrap_or_else(|| panic!("{text}"));
    let score = candidate.split_whitespace().next().unwrap();
    assert_eq!(score.split_once('.').unwrap().1.len(), 3, "{candidate}");
}

#[test]
fn a_missing_config_file_is_reported_with_its_cause_once() {
    let out = talksbot(&["--config", "/nonexistent/talksbot.toml", "ask", "hello"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("/nonexistent/talksbot.toml"), "{err}");
    assert_eq!(err.matches("(os error 2)").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn config_values_out_of_range_stop_the_command_with_one_sentence_each() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("talksbot.toml");
    std::fs::write(
        &config,
        "[matcher]\nanswer_threshold = 7\nsuggest_threshold = 0.3\n[discord]\nmax_attempts = 0\n",
    )
    .unwrap();
    let out = talksbot(&["--config", config.to_str().unwrap(), "ask", "who met putin"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "nothing is answered: {}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("2 value(s) out of range"), "{err}");
    assert!(
        err.contains("[matcher] answer_threshold = 7 is not between 0 and 1: set it to a value from 0 to 1"),
        "{err}"
    );
    assert!(
        err.contains("[discord] max_attempts = 0 is too few: set it to 1 or more"),
        "{err}"
    );

    std::fs::write(&config, "[matcher]\nanswer_threshold = 0.5\nsuggest_threshold = 0.6\n").unwrap();
    let out = talksbot(&["--config", config.to_str().unwrap(), "ask", "who met putin"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("suggest_threshold = 0.6 is above answer_threshold = 0.5"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gaps_and_history_without_a_database_say_no_records_yet_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["gaps"][..], &["history", "witkoff-met-putin"][..]] {
        let out = talksbot_elsewhere(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).starts_with("No records yet"), "{args:?}: {}", stdout(&out));
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{args:?} created {left:?}");
    }
}

#[test]
fn the_bundled_calibration_is_what_calibrating_the_dev_sets_gives_and_calibrating_again_changes_nothing() {
    // The fit reads the facts each question finds first by score, which the
    // weights being fitted do not change: so it lands where it started.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("talksbot.toml");
    std::fs::copy(repo().join("config/talksbot.toml"), &config).unwrap();
    let before = std::fs::read_to_string(&config).unwrap();
    let mut args = vec!["--config", config.to_str().unwrap(), "calibrate", "--write"];
    let files: Vec<String> = [
        "questions",
        "dev",
        "dev2",
        "dev3",
        "dev4",
        "dev5",
        "dev6",
        "dev7",
        "dev8",
        "dev9",
        "dev10",
        "dev11",
        "dev12",
        "dev13",
        "dev14",
        "dev15",
        "dev16",
        "dev17",
        "dev18",
        "dev19",
        "dev20",
    ]
    .iter()
    .map(|f| repo().join(format!("tests/eval/{f}.toml")).display().to_string())
    .collect();
    args.extend(files.iter().map(String::as_str));
    let out = talksbot(&args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        before,
        "config/talksbot.toml holds other weights than `talksbot calibrate --write` fits: {}",
        stdout(&out)
    );
}

fn calibrate_on_the_fixture(args: &[&str]) -> Output {
    let kb = fixture("kb");
    let mut all = vec!["--knowledge", kb.to_str().unwrap(), "calibrate"];
    all.extend_from_slice(args);
    talksbot(&all, None)
}

/// The numbers of a table row that begins with `label`.
fn row_of(text: &str, label: &str) -> Vec<usize> {
    let line = text
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no row for {label}: {text}"));
    line[label.len()..]
        .split_whitespace()
        .map(|n| n.parse().unwrap_or_else(|_| panic!("{line}")))
        .collect()
}

#[test]
fn calibrate_leave_out_scores_each_file_under_weights_fitted_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.toml");
    let second = dir.path().join("second.toml");
    std::fs::write(
        &first,
        "[[case]]\nquestion = \"when did the bridge open\"\nexpect = [\"bridge-opened\"]\n\
         [[case]]\nquestion = \"what is the capital of australia\"\n",
    )
    .unwrap();
    std::fs::write(
        &second,
        "[[case]]\nquestion = \"who is elmwick's mayor\"\nexpect = [\"mayor-name\"]\n\
         [[case]]\nquestion = \"when was the bridge opened\"\nexpect = [\"bridge-opened\"]\n\
         [[case]]\nquestion = \"who won the cup final\"\n",
    )
    .unwrap();
    let always = fixture("eval.toml");
    let out = calibrate_on_the_fixture(&[
        always.to_str().unwrap(),
        "--leave-out",
        first.to_str().unwrap(),
        "--leave-out",
        second.to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    // answerable, right, wrongly, unanswerable, answered
    let a = row_of(&text, &first.display().to_string());
    let b = row_of(&text, &second.display().to_string());
    assert_eq!((a[0], a[3]), (1, 1), "{text}");
    assert_eq!((b[0], b[3]), (2, 1), "{text}");
    let all = row_of(&text, "all");
    let summed: Vec<usize> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
    assert_eq!(all, summed, "{text}");
    let score = format!("right - 2 x wrong: {}", all[1] as i64 - 2 * (all[2] + all[4]) as i64);
    assert!(text.contains(&score), "{text}");
    assert!(
        !text.contains("[matcher.calibration]"),
        "nothing is fitted once and shown: {text}"
    );
}

#[test]
fn calibrate_refuses_to_leave_out_a_file_it_fits_on_or_to_write_while_cross_validating() {
    let eval = fixture("eval.toml");
    let eval = eval.to_str().unwrap();
    let out = calibrate_on_the_fixture(&[eval, "--leave-out", eval]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("both fitted on and left out"), "{}", stderr(&out));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("talksbot.toml");
    std::fs::write(&config, "").unwrap();
    let kb = fixture("kb");
    let out = talksbot(
        &[
            "--knowledge",
            kb.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "calibrate",
            "--write",
            "--leave-out",
            eval,
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--write"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "", "nothing is written");

    let out = calibrate_on_the_fixture(&[eval, "--shrinkage=-1"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--shrinkage takes a number of 0 or more"),
        "{}",
        stderr(&out)
    );
}
