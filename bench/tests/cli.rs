//! The binary end to end: retrieval on the bundled fixture, and the two
//! converters on small inputs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_talksbot-bench"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the bench runs");
    assert!(
        out.status.success(),
        "{:?} failed:\n{}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const KEYS: [&str; 14] = [
    "engine",
    "entries",
    "queries",
    "p_at_1",
    "mrr",
    "in_scope_accuracy",
    "oos_recall",
    "answered_precision",
    "auroc",
    "threshold",
    "p50_us",
    "p99_us",
    "qps",
    "build_ms",
];

fn rows(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn retrieval_keeps_as_many_stored_questions_per_entry_as_asked() {
    let retrieval = |per_entry: &str| {
        let mut cmd = bench();
        cmd.arg("retrieval")
            .arg("--faq")
            .arg(fixture("faq.jsonl"))
            .arg("--queries")
            .arg(fixture("queries.jsonl"))
            .args(["--engines", "naive-strsim", "--json", "--per-entry", per_entry]);
        cmd.output().expect("the bench runs")
    };
    let one = retrieval("1");
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert!(stderr.contains("8 entries, 8 phrasings"), "{stderr}");
    let all = retrieval("100");
    assert!(String::from_utf8_lossy(&all.stderr).contains("8 entries, 32 phrasings"));
    let none = retrieval("0");
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("--per-entry"));
}

#[test]
fn retrieval_on_the_fixture_reports_every_engine() {
    let stdout = run(bench()
        .arg("retrieval")
        .arg("--faq")
        .arg(fixture("faq.jsonl"))
        .arg("--tune")
        .arg(fixture("tune.jsonl"))
        .arg("--queries")
        .arg(fixture("queries.jsonl"))
        .args(["--engines", "talksbot,naive-strsim,tantivy", "--json"]));
    let rows = rows(&stdout);
    let names: Vec<&str> = rows.iter().map(|r| r["engine"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "talksbot",
            "talksbot-own",
            "naive-strsim",
            "tantivy",
            "tantivy-rescored"
        ]
    );
    for row in &rows {
        for key in KEYS {
            assert!(row.get(key).is_some(), "{key} missing: {row}");
        }
        assert_eq!(row["entries"], 8, "{row}");
        assert_eq!(row["queries"], 12, "{row}");
        for key in ["p_at_1", "mrr", "in_scope_accuracy", "oos_recall", "auroc"] {
            let v = row[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{key} is not a number: {row}"));
            assert!((0.0..=1.0).contains(&v), "{key}: {row}");
        }
        assert!(row["qps"].as_f64().unwrap() > 0.0);
    }
    let p_at_1 = |name: &str| {
        rows.iter().find(|r| r["engine"] == name).unwrap()["p_at_1"]
            .as_f64()
            .unwrap()
    };
    assert!(p_at_1("talksbot") > 0.5, "{stdout}");
    assert!(p_at_1("tantivy") > 0.5, "{stdout}");
}

#[test]
fn the_table_has_a_row_per_engine_and_typos_are_reproducible() {
    let args = |cmd: &mut Command| {
        cmd.arg("retrieval")
            .arg("--faq")
            .arg(fixture("faq.jsonl"))
            .arg("--queries")
            .arg(fixture("queries.jsonl"))
            .args(["--engines", "naive-strsim,tantivy", "--typos", "0.5"]);
    };
    let mut a = bench();
    args(&mut a);
    let table = run(a.args(["--seed", "3"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("engine"));
    assert!(lines[1].starts_with("naive-strsim"));
    // Without a tuning file the defaults apply.
    assert!(lines[1].contains("0.500"), "{table}");
    let json = |seed: &str| {
        let mut c = bench();
        args(&mut c);
        c.args(["--json", "--seed", seed]);
        rows(&run(&mut c))
            .into_iter()
            .map(|r| (r["p_at_1"].clone(), r["mrr"].clone(), r["auroc"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(json("3"), json("3"));
}

#[test]
fn an_unknown_engine_or_label_is_refused() {
    let out = bench()
        .arg("retrieval")
        .arg("--faq")
        .arg(fixture("faq.jsonl"))
        .arg("--queries")
        .arg(fixture("queries.jsonl"))
        .args(["--engines", "grep"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown engine"));

    let dir = scratch("bad-label");
    std::fs::write(
        dir.join("q.jsonl"),
        "{\"query\": \"hi\", \"expected\": \"no-such-entry\"}\n",
    )
    .unwrap();
    let out = bench()
        .arg("retrieval")
        .arg("--faq")
        .arg(fixture("faq.jsonl"))
        .arg("--queries")
        .arg(dir.join("q.jsonl"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-entry"));
}

#[test]
fn convert_clinc_writes_three_files() {
    let dir = scratch("clinc");
    let data = serde_json::json!({
        "train": [["what is my balance", "balance"], ["money left in my account", "balance"],
                  ["freeze my card", "freeze_account"], ["what is my balance", "freeze_account"]],
        "val": [["balance please", "balance"]],
        "test": [["lock my card", "freeze_account"], ["how much have i got", "balance"]],
        "oos_train": [["sing a song", "oos"]],
        "oos_val": [["tell me a joke", "oos"]],
        "oos_test": [["who won the game", "oos"]]
    });
    std::fs::write(dir.join("data_full.json"), data.to_string()).unwrap();
    let out = bench()
        .arg("convert-clinc")
        .arg(dir.join("data_full.json"))
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dropped 1 phrasing"));
    let lines = |f: &str| rows(&std::fs::read_to_string(dir.join("out").join(f)).unwrap());
    let faq = lines("faq.jsonl");
    assert_eq!(faq.len(), 2);
    assert_eq!(faq[1]["id"], "freeze_account");
    assert_eq!(faq[1]["questions"], serde_json::json!(["freeze my card"]));
    assert_eq!(lines("tune.jsonl").len(), 2);
    let queries = lines("queries.jsonl");
    assert_eq!(queries.len(), 3);
    assert!(queries[2]["expected"].is_null());
    // The output feeds the retrieval command as is.
    run(bench()
        .arg("retrieval")
        .arg("--faq")
        .arg(dir.join("out/faq.jsonl"))
        .arg("--tune")
        .arg(dir.join("out/tune.jsonl"))
        .arg("--queries")
        .arg(dir.join("out/queries.jsonl")));
}

#[test]
fn export_knowledge_keeps_every_acceptable_id() {
    let dir = scratch("export");
    let kb = dir.join("kb");
    std::fs::create_dir_all(kb.join("facts")).unwrap();
    std::fs::write(
        kb.join("sources.toml"),
        "[[source]]\nid = \"s\"\noutlet = \"Gazette\"\ndate = \"2025-01-02\"\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("facts/f.toml"),
        r#"
[[fact]]
id = "market-day"
questions = ["When is market day?", "What day is the market?"]
answer = "Saturday."
sources = ["s"]
quotes = ["The market is held on Saturdays."]

[[fact]]
id = "market-place"
questions = ["Where is the market?"]
answer = "On the square."
sources = ["s"]
quotes = ["on the square"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("eval.toml"),
        r#"
[thresholds]
min_precision_at_1 = 0.5

[[case]]
question = "market when"
expect = ["market-day", "market-place"]

[[case]]
question = "who is the mayor"
expect = []
"#,
    )
    .unwrap();
    run(bench()
        .arg("export-knowledge")
        .arg(&kb)
        .arg(dir.join("out"))
        .arg("--eval")
        .arg(dir.join("eval.toml")));
    let faq = rows(&std::fs::read_to_string(dir.join("out/faq.jsonl")).unwrap());
    assert_eq!(faq.len(), 2);
    assert_eq!(faq[0]["questions"].as_array().unwrap().len(), 2);
    let queries = rows(&std::fs::read_to_string(dir.join("out/queries.jsonl")).unwrap());
    assert_eq!(queries[0]["expected"], "market-day");
    assert_eq!(queries[0]["also"], serde_json::json!(["market-place"]));
    assert!(queries[1]["expected"].is_null());
    assert!(queries[1].get("also").is_none());
}

#[test]
fn scale_runs_engines_at_each_size_and_writes_a_knowledge_folder_the_bot_loads() {
    let dir = scratch("scale");
    let stdout = run(bench()
        .arg("scale")
        .args([
            "--questions",
            "300,600",
            "--queries",
            "40",
            "--engines",
            "talksbot,tantivy",
            "--json",
        ])
        .arg("--write-knowledge")
        .arg(&dir));
    let rows = rows(&stdout);
    let at = |n: u64| -> Vec<&str> {
        rows.iter()
            .filter(|r| r["questions"] == n)
            .map(|r| r["engine"].as_str().unwrap())
            .collect()
    };
    let engines = ["talksbot", "talksbot-own", "tantivy", "tantivy-rescored"];
    assert_eq!(at(300), engines, "{stdout}");
    assert_eq!(at(600), engines, "{stdout}");
    for row in &rows {
        for key in [
            "p_at_1",
            "p50_us",
            "p99_us",
            "mean_us",
            "build_ms",
            "index_mb",
            "build_peak_mb",
        ] {
            assert!(row[key].as_f64().is_some_and(|v| v >= 0.0), "{key}: {row}");
        }
        assert_eq!(row["facts"], row["questions"].as_u64().unwrap() / 5, "{row}");
    }
    // The folder is a fact base the bot accepts, with its queries as an eval file.
    let base = talksbot::knowledge::FactBase::load(&dir.join("600")).unwrap();
    assert_eq!(base.facts().len(), 120);
    assert_eq!(base.facts().iter().map(|f| f.questions.len()).sum::<usize>(), 600);
    let eval = talksbot::eval::load(&dir.join("600/eval.toml")).unwrap();
    assert_eq!(eval.cases.len(), 40);
    assert!(eval.cases.iter().any(|c| c.expect.is_empty()));
    assert!(eval
        .cases
        .iter()
        .all(|c| c.expect.iter().all(|id| base.fact(id).is_some())));
}
