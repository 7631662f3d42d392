//! The fact base: sources, facts and synonyms, loaded from TOML in `knowledge/`
//! and checked as a whole before anything is allowed to answer from it.
//!
//! Layout of a knowledge folder:
//! - `sources.toml`: `[[source]]` tables, one per article or headline;
//! - `synonyms.toml` (optional): `[[synonyms]]` groups of words that mean the same;
//! - `facts/*.toml`: `[[fact]]` tables, in as many files as curators like.

mod check;
pub mod edit;
mod raw;
pub mod reload;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use check::{check_articles, Problem};

/// Where something was written: a file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Whether a source is a story itself or a headline printed beside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Article,
    Headline,
}

/// An article (or a headline on its page) that facts are drawn from.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    pub outlet: String,
    pub byline: Option<String>,
    pub title: Option<String>,
    pub context: Option<String>,
    pub date: NaiveDate,
    pub url: Option<String>,
    /// File name of the article's text, for verifying quotes.
    pub article: Option<String>,
    pub location: Location,
}

/// A short verbatim passage from a source that an answer rests on.
#[derive(Debug, Clone)]
pub struct Quote {
    pub source: String,
    pub text: String,
    pub location: Location,
}

/// One thing the sources say, with the questions it answers.
#[derive(Debug, Clone)]
pub struct Fact {
    pub id: String,
    pub questions: Vec<String>,
    pub answer: String,
    pub sources: Vec<String>,
    pub quotes: Vec<Quote>,
    pub dates: Vec<NaiveDate>,
    pub tags: Vec<String>,
    pub entities: Vec<String>,
    pub note: Option<String>,
    pub location: Location,
}

/// Words and phrases the matcher treats as one; the first names the group.
#[derive(Debug, Clone)]
pub struct SynonymGroup {
    pub terms: Vec<String>,
    pub location: Location,
}

/// A whole, checked fact base.
#[derive(Debug, Clone)]
pub struct FactBase {
    dir: PathBuf,
    sources: Vec<Source>,
    facts: Vec<Fact>,
    synonyms: Vec<SynonymGroup>,
    contrasts: Vec<SynonymGroup>,
    fact_index: HashMap<String, usize>,
    source_index: HashMap<String, usize>,
}

/// Why a fact base could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} problem(s) in the fact base:\n{}", .0.len(), ProblemList(.0))]
    Invalid(Vec<Problem>),
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl KnowledgeError {
    /// The individual problems, for callers that report them one by one.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            KnowledgeError::Invalid(problems) => problems.clone(),
            KnowledgeError::Io { path, source } => vec![Problem {
                location: Location {
                    file: path.clone(),
                    line: 0,
                    column: 0,
                },
                message: format!("cannot read the file: {source}"),
                fix: "check that the path exists and is readable by the bot".into(),
            }],
        }
    }
}

impl FactBase {
    /// Loads and checks every file of a knowledge folder. Any problem anywhere
    /// rejects the whole base, so a half-valid base is never served.
    pub fn load(dir: &Path) -> Result<FactBase, KnowledgeError> {
        let files = raw::read_dir(dir)?;
        Self::from_files(dir, &files)
    }

    /// Checks a set of files already in memory: (path, contents). Used by
    /// `load` and by editors that validate a change before writing it.
    pub fn from_files(dir: &Path, files: &[(PathBuf, String)]) -> Result<FactBase, KnowledgeError> {
        let check::Parts {
            sources,
            facts,
            synonyms,
            contrasts,
        } = check::build(dir, files)?;
        let fact_index = facts.iter().enumerate().map(|(i, f)| (f.id.clone(), i)).collect();
        let source_index = sources.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        Ok(FactBase {
            dir: dir.to_path_buf(),
            sources,
            facts,
            synonyms,
            contrasts,
            fact_index,
            source_index,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn synonyms(&self) -> &[SynonymGroup] {
        &self.synonyms
    }

    /// Groups of terms that name different things of one kind (the parties
    /// to the war, say): a question naming one is not answered by a text
    /// naming only another.
    pub fn contrasts(&self) -> &[SynonymGroup] {
        &self.contrasts
    }

    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.fact_index.get(id).map(|&i| &self.facts[i])
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index.get(id).map(|&i| &self.sources[i])
    }

    /// The fact's position in `facts()`, the matcher's handle for it.
    pub fn fact_position(&self, id: &str) -> Option<usize> {
        self.fact_index.get(id).copied()
    }
}

/// The files of a knowledge folder, in a stable order.
pub fn knowledge_files(dir: &Path) -> Result<Vec<PathBuf>, KnowledgeError> {
    raw::list_files(dir)
}
