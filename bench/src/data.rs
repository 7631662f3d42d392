//! The bench's generic data: an FAQ (entries with the ways people ask for
//! them) and labelled queries, both as JSON lines.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One FAQ entry: `{"id": "...", "questions": ["...", ...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub questions: Vec<String>,
}

/// One labelled query: the entry that answers it, or `null` when none does.
/// `also` lists further entries that are equally right as the top answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub query: String,
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

/// A query with its acceptable entries resolved to positions in the FAQ.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledQuery {
    pub text: String,
    /// Entry positions any of which is a right top answer; empty when the
    /// query is out of scope.
    pub right: Vec<usize>,
}

impl LabelledQuery {
    pub fn in_scope(&self) -> bool {
        !self.right.is_empty()
    }
}

/// Reads a JSON-lines file; blank lines are skipped, any other bad line is an
/// error naming its line number.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let item =
            serde_json::from_str(&line).with_context(|| format!("{}:{}: not a valid line", path.display(), i + 1))?;
        out.push(item);
    }
    Ok(out)
}

pub fn write_jsonl<T: Serialize>(path: &Path, items: &[T]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    for item in items {
        serde_json::to_writer(&mut out, item)?;
        out.write_all(b"\n")?;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Reads an FAQ and checks that ids are unique and every entry has a question.
pub fn read_faq(path: &Path) -> Result<Vec<Entry>> {
    let entries: Vec<Entry> = read_jsonl(path)?;
    let mut seen = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(first) = seen.insert(e.id.as_str(), i) {
            bail!(
                "{}: entry id {:?} is used by entries {} and {}",
                path.display(),
                e.id,
                first + 1,
                i + 1
            );
        }
        if e.questions.iter().all(|q| q.trim().is_empty()) {
            bail!("{}: entry {:?} has no question", path.display(), e.id);
        }
    }
    if entries.is_empty() {
        bail!("{}: no entries", path.display());
    }
    Ok(entries)
}

/// Reads queries and resolves their ids against the FAQ; an id the FAQ does
/// not have is an error (a label that can never be met is a data bug).
pub fn read_queries(path: &Path, entries: &[Entry]) -> Result<Vec<LabelledQuery>> {
    let queries: Vec<Query> = read_jsonl(path)?;
    resolve(&queries, entries).with_context(|| format!("in {}", path.display()))
}

pub fn resolve(queries: &[Query], entries: &[Entry]) -> Result<Vec<LabelledQuery>> {
    let index: HashMap<&str, usize> = entries.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let mut out = Vec::with_capacity(queries.len());
    for (n, q) in queries.iter().enumerate() {
        let mut right = Vec::new();
        match &q.expected {
            Some(id) => {
                for id in std::iter::once(id).chain(&q.also) {
                    let Some(&i) = index.get(id.as_str()) else {
                        bail!(
                            "query {} ({:?}) expects {:?}, which the FAQ does not have",
                            n + 1,
                            q.query,
                            id
                        );
                    };
                    if !right.contains(&i) {
                        right.push(i);
                    }
                }
            }
            None if !q.also.is_empty() => {
                bail!("query {} ({:?}) has `also` ids but no `expected` one", n + 1, q.query)
            }
            None => {}
        }
        out.push(LabelledQuery {
            text: q.query.clone(),
            right,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Entry {
        Entry {
            id: id.into(),
            questions: vec![format!("about {id}?")],
        }
    }

    #[test]
    fn queries_resolve_expected_and_also() {
        let entries = [entry("a"), entry("b"), entry("c")];
        let qs: Vec<Query> = [
            r#"{"query": "x", "expected": "b"}"#,
            r#"{"query": "y", "expected": null}"#,
            r#"{"query": "z", "expected": "c", "also": ["a", "c"]}"#,
            r#"{"query": "w"}"#,
        ]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
        let resolved = resolve(&qs, &entries).unwrap();
        assert_eq!(resolved[0].right, vec![1]);
        assert!(!resolved[1].in_scope());
        assert_eq!(resolved[2].right, vec![2, 0]);
        assert!(!resolved[3].in_scope());
    }

    #[test]
    fn an_unknown_id_is_an_error() {
        let entries = [entry("a")];
        let q: Query = serde_json::from_str(r#"{"query": "x", "expected": "nope"}"#).unwrap();
        let err = resolve(&[q], &entries).unwrap_err().to_string();
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn out_of_scope_queries_serialise_with_null_and_no_also() {
        let q = Query {
            query: "hi".into(),
            expected: None,
            also: vec![],
        };
        assert_eq!(serde_json::to_string(&q).unwrap(), r#"{"query":"hi","expected":null}"#);
    }
}
