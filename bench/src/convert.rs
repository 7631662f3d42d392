//! Turning other data into the bench's FAQ and query files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::data::{write_jsonl, Entry, Query};

/// CLINC150's `data_full.json`: each split a list of `[query, intent]`.
#[derive(Debug, Deserialize)]
pub struct Clinc {
    pub train: Vec<(String, String)>,
    pub val: Vec<(String, String)>,
    pub test: Vec<(String, String)>,
    pub oos_val: Vec<(String, String)>,
    pub oos_test: Vec<(String, String)>,
}

/// What a CLINC conversion produced.
#[derive(Debug, Default, PartialEq)]
pub struct ClincFiles {
    pub faq: Vec<Entry>,
    pub tune: Vec<Query>,
    pub queries: Vec<Query>,
    /// Phrasings dropped because an earlier intent already lists them.
    pub shared_dropped: usize,
    /// Phrasings dropped because their own intent lists them twice.
    pub repeated_dropped: usize,
}

/// One FAQ entry per `train` intent (in order of first appearance), each
/// phrasing kept under the first intent that lists it; `val` + `oos_val` to
/// tune on, `test` + `oos_test` to report. Out-of-scope queries expect null.
pub fn clinc(data: &Clinc) -> ClincFiles {
    let mut out = ClincFiles::default();
    let mut positions: HashMap<&str, usize> = HashMap::new();
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (query, intent) in &data.train {
        let position = *positions.entry(intent.as_str()).or_insert_with(|| {
            out.faq.push(Entry {
                id: intent.clone(),
                questions: Vec::new(),
            });
            out.faq.len() - 1
        });
        match owner.get(query.as_str()) {
            Some(&p) if p == position => out.repeated_dropped += 1,
            Some(_) => out.shared_dropped += 1,
            None => {
                owner.insert(query, position);
                out.faq[position].questions.push(query.clone());
            }
        }
    }
    let labelled = |pairs: &[(String, String)], in_scope: bool| -> Vec<Query> {
        pairs
            .iter()
            .map(|(query, intent)| Query {
                query: query.clone(),
                expected: (in_scope && intent != "oos").then(|| intent.clone()),
                also: Vec::new(),
            })
            .collect()
    };
    out.tune = [labelled(&data.val, true), labelled(&data.oos_val, false)].concat();
    out.queries = [labelled(&data.test, true), labelled(&data.oos_test, false)].concat();
    out
}

pub fn convert_clinc(path: &Path, outdir: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let data: Clinc =
        serde_json::from_str(&text).with_context(|| format!("{} is not CLINC150 data", path.display()))?;
    let files = clinc(&data);
    if files.faq.is_empty() {
        bail!("{}: the train split is empty", path.display());
    }
    write_jsonl(&outdir.join("faq.jsonl"), &files.faq)?;
    write_jsonl(&outdir.join("tune.jsonl"), &files.tune)?;
    write_jsonl(&outdir.join("queries.jsonl"), &files.queries)?;
    let oos = |qs: &[Query]| qs.iter().filter(|q| q.expected.is_none()).count();
    eprintln!(
        "faq.jsonl: {} entries, {} phrasings; dropped {} phrasing(s) already listed under another intent{}",
        files.faq.len(),
        files.faq.iter().map(|e| e.questions.len()).sum::<usize>(),
        files.shared_dropped,
        if files.repeated_dropped > 0 {
            format!(" and {} repeated within their own intent", files.repeated_dropped)
        } else {
            String::new()
        }
    );
    eprintln!(
        "tune.jsonl: {} queries ({} out of scope); queries.jsonl: {} queries ({} out of scope); in {}",
        files.tune.len(),
        oos(&files.tune),
        files.queries.len(),
        oos(&files.queries),
        outdir.display()
    );
    Ok(())
}

/// A knowledge folder's facts (id and stored questions) as an FAQ, and the
/// eval cases as queries: the first expected id is `expected`, the others
/// `also`; a case expecting nothing is out of scope.
pub fn export_knowledge(dir: &Path, evals: &[PathBuf], out: &Path) -> Result<()> {
    let mut base = talksbot::knowledge::FactBase::load(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    // The questions asked from an exported eval file are not stored: the
    // engines would otherwise be asked what they hold word for word.
    for name in evals.iter().filter_map(|p| p.file_stem().and_then(|s| s.to_str())) {
        if let Some(without) = base.without_asked(name) {
            base = without;
        }
    }
    let faq: Vec<Entry> = base
        .facts()
        .iter()
        .enumerate()
        .map(|(i, f)| Entry {
            id: f.id.clone(),
            questions: f.questions.iter().chain(base.asked(i)).cloned().collect(),
        })
        .collect();
    let mut queries = Vec::new();
    for path in evals {
        let file = talksbot::eval::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        for case in file.cases {
            for id in &case.expect {
                if base.fact(id).is_none() {
                    bail!(
                        "{}: the case {:?} expects fact {id:?}, which {} does not have",
                        path.display(),
                        case.question,
                        dir.display()
                    );
                }
            }
            let mut ids = case.expect.into_iter();
            queries.push(Query {
                query: case.question,
                expected: ids.next(),
                also: ids.collect(),
            });
        }
    }
    write_jsonl(&out.join("faq.jsonl"), &faq)?;
    write_jsonl(&out.join("queries.jsonl"), &queries)?;
    eprintln!(
        "faq.jsonl: {} entries, {} phrasings; queries.jsonl: {} queries ({} out of scope); in {}",
        faq.len(),
        faq.iter().map(|e| e.questions.len()).sum::<usize>(),
        queries.len(),
        queries.iter().filter(|q| q.expected.is_none()).count(),
        out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn clinc_becomes_an_faq_with_tune_and_test_queries() {
        let data = Clinc {
            train: pairs(&[
                ("what's my balance", "balance"),
                ("how much money do i have", "balance"),
                ("freeze my card", "freeze_account"),
                ("how much money do i have", "freeze_account"),
                ("freeze my card", "freeze_account"),
            ]),
            val: pairs(&[("balance please", "balance")]),
            test: pairs(&[("lock my card", "freeze_account")]),
            oos_val: pairs(&[("tell me a joke", "oos")]),
            oos_test: pairs(&[("who won the game", "oos"), ("what is love", "oos")]),
        };
        let files = clinc(&data);
        assert_eq!(files.faq.len(), 2);
        assert_eq!(files.faq[0].id, "balance");
        assert_eq!(files.faq[1].questions, vec!["freeze my card"]);
        assert_eq!((files.shared_dropped, files.repeated_dropped), (1, 1));
        assert_eq!(files.tune.len(), 2);
        assert_eq!(files.tune[0].expected.as_deref(), Some("balance"));
        assert_eq!(files.tune[1].expected, None);
        assert_eq!(files.queries.len(), 3);
        assert_eq!(files.queries.iter().filter(|q| q.expected.is_none()).count(), 2);
    }
}
