//! Measures the matcher on CLINC150 (Larson et al., EMNLP 2019) used as an FAQ:
//! each intent is one fact whose questions are its `train` queries; in-scope
//! queries must find their intent and out-of-scope ones must be declined.
//!
//!     cargo run --release --example clinc150 -- ../shared/datasets/clinc150/data_full.json [val|test]
//!
//! Tune on `val` (with `oos_val`) only; report `test` (with `oos_test`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use talksbot::answers::{Knowledge, Response};
use talksbot::config::Config;
use talksbot::knowledge::FactBase;

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/datasets/clinc150/data_full.json".into()),
    );
    let split = args.next().unwrap_or_else(|| "val".into());
    let config_path = args.next().map(PathBuf::from);
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&data)?)?;
    let pairs = |key: &str| -> Vec<(String, String)> {
        json[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap_or("").to_string(),
                            p[1].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };

    let mut intents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (q, intent) in pairs("train") {
        intents.entry(intent).or_default().push(q);
    }
    let mut facts = String::new();
    for (intent, questions) in &intents {
        // Training queries repeat across intents now and then; the checker
        // rightly rejects that, so each phrasing is kept under its first intent.
        facts.push_str(&format!(
            "[[fact]]\nid = {}\nquestions = [{}]\nanswer = {}\nsources = [\"clinc\"]\nquotes = [\"clinc\"]\n\n",
            toml_string(&intent.replace('_', "-")),
            questions.iter().map(|q| toml_string(q)).collect::<Vec<_>>().join(", "),
            toml_string(&intent.replace('_', " ")),
        ));
    }
    let sources = "[[source]]\nid = \"clinc\"\noutlet = \"CLINC150\"\ndate = \"2019-11-01\"\n";
    let dir = Path::new("clinc150");
    let files = vec![
        (dir.join("sources.toml"), sources.to_string()),
        (dir.join("facts/intents.toml"), facts),
    ];
    let base = match FactBase::from_files(dir, &files) {
        Ok(base) => base,
        Err(e) => {
            // Duplicate phrasings across intents: drop the later copies and retry.
            let dupes: Vec<String> = e
                .problems()
                .iter()
                .filter_map(|p| p.message.split('"').nth(1).map(str::to_string))
                .collect();
            eprintln!("dropping {} phrasings listed under two intents", dupes.len());
            let mut facts = String::new();
            let mut seen = std::collections::HashSet::new();
            for (intent, questions) in &intents {
                let qs: Vec<String> = questions
                    .iter()
                    .filter(|q| {
                        seen.insert(
                            talksbot::matching::text::fold(q)
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" "),
                        )
                    })
                    .map(|q| toml_string(q))
                    .collect();
                facts.push_str(&format!(
                    "[[fact]]\nid = {}\nquestions = [{}]\nanswer = {}\nsources = [\"clinc\"]\nquotes = [\"clinc\"]\n\n",
                    toml_string(&intent.replace('_', "-")),
                    qs.join(", "),
                    toml_string(&intent.replace('_', " ")),
                ));
            }
            FactBase::from_files(
                dir,
                &[
                    (dir.join("sources.toml"), sources.to_string()),
                    (dir.join("facts/intents.toml"), facts),
                ],
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    let config = Config::load(config_path.as_deref())?;
    let started = Instant::now();
    let knowledge = Knowledge::new(base, &config.matcher);
    eprintln!(
        "indexed {} facts, {} phrasings in {:?}",
        knowledge.base.facts().len(),
        knowledge.base.facts().iter().map(|f| f.questions.len()).sum::<usize>(),
        started.elapsed()
    );

    let in_scope = pairs(&split);
    let oos = pairs(&format!("oos_{split}"));
    let started = Instant::now();
    let mut right = 0;
    let mut wrong = 0;
    let mut top1 = 0;
    for (q, intent) in &in_scope {
        let reply = knowledge.ask(q).map_err(|e| anyhow::anyhow!("{e}"))?;
        let want = intent.replace('_', "-");
        if reply.ranking.first().is_some_and(|r| r.fact_id == want) {
            top1 += 1;
        }
        match &reply.response {
            Response::Answer(f) if f[0].fact_id == want => right += 1,
            Response::Answer(_) => wrong += 1,
            _ => {}
        }
    }
    let mut declined = 0;
    for (q, _) in &oos {
        let reply = knowledge.ask(q).map_err(|e| anyhow::anyhow!("{e}"))?;
        if !matches!(reply.response, Response::Answer(_)) {
            declined += 1;
        }
    }
    let n = in_scope.len() + oos.len();
    println!(
        "split: {split} ({} in scope, {} out of scope)",
        in_scope.len(),
        oos.len()
    );
    println!(
        "in-scope accuracy (answered right): {:.1}%",
        100.0 * right as f64 / in_scope.len() as f64
    );
    println!(
        "in-scope answered wrongly:          {:.1}%",
        100.0 * wrong as f64 / in_scope.len() as f64
    );
    println!(
        "in-scope top-1 regardless of threshold: {:.1}%",
        100.0 * top1 as f64 / in_scope.len() as f64
    );
    println!(
        "out-of-scope recall (declined):     {:.1}%",
        100.0 * declined as f64 / oos.len() as f64
    );
    println!(
        "mean time per question: {:.1} µs",
        started.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    Ok(())
}
