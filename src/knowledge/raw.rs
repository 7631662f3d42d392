//! The TOML files as written, with the position of every value, before any
//! checking. Unknown fields are rejected so that a misspelt key is an error
//! rather than a silently ignored line.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::KnowledgeError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    #[serde(default)]
    pub source: Vec<Spanned<RawSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Spanned<String>,
    pub kind: Option<Spanned<String>>,
    pub outlet: Spanned<String>,
    pub byline: Option<String>,
    pub title: Option<String>,
    pub context: Option<String>,
    pub date: Spanned<String>,
    pub url: Option<Spanned<String>>,
    pub article: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsFile {
    #[serde(default)]
    pub fact: Vec<Spanned<RawFact>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub id: Spanned<String>,
    pub questions: Spanned<Vec<Spanned<String>>>,
    pub answer: Spanned<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
    pub quotes: Spanned<Vec<Spanned<RawQuote>>>,
    #[serde(default)]
    pub dates: Vec<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub entities: Vec<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub unsaid: Vec<Spanned<String>>,
}

/// `asked/*.toml`: questions people typed, each group with the fact that
/// answers them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskedFile {
    #[serde(default)]
    pub asked: Vec<Spanned<RawAsked>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAsked {
    pub fact: Spanned<String>,
    #[serde(default)]
    pub questions: Vec<Spanned<String>>,
    #[serde(default)]
    pub unsaid: Vec<Spanned<String>>,
}

/// A quote is a plain string (from the fact's first source) or names its source.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawQuote {
    Text(String),
    Attributed { source: String, text: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymsFile {
    #[serde(default)]
    pub synonyms: Vec<Spanned<RawSynonyms>>,
    #[serde(default)]
    pub contrast: Vec<Spanned<RawSynonyms>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSynonyms {
    pub terms: Vec<Spanned<String>>,
}

pub const SOURCES_FILE: &str = "sources.toml";
pub const SYNONYMS_FILE: &str = "synonyms.toml";
pub const FACTS_DIR: &str = "facts";
pub const ASKED_DIR: &str = "asked";

/// `sources.toml`, `synonyms.toml` if present, then `facts/*.toml` by name,
/// then `asked/*.toml` by name if that folder is there.
pub fn list_files(dir: &Path) -> Result<Vec<PathBuf>, KnowledgeError> {
    let mut files = vec![dir.join(SOURCES_FILE)];
    let synonyms = dir.join(SYNONYMS_FILE);
    if synonyms.exists() {
        files.push(synonyms);
    }
    files.extend(toml_files_in(&dir.join(FACTS_DIR))?);
    let asked_dir = dir.join(ASKED_DIR);
    if asked_dir.is_dir() {
        files.extend(toml_files_in(&asked_dir)?);
    }
    Ok(files)
}

/// The `.toml` files of a folder, by name.
fn toml_files_in(folder: &Path) -> Result<Vec<PathBuf>, KnowledgeError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|source| KnowledgeError::Io {
            path: folder.to_path_buf(),
            source: source.into(),
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Whether `path` is a file of the folder `name` of a knowledge folder.
pub fn in_dir(path: &Path, name: &str) -> bool {
    path.parent().and_then(Path::file_name).is_some_and(|p| p == name)
}

pub fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, String)>, KnowledgeError> {
    list_files(dir)?
        .into_iter()
        .map(|path| match std::fs::read_to_string(&path) {
            Ok(text) => Ok((path, text)),
            Err(source) => Err(KnowledgeError::Io {
                path,
                source: source.into(),
            }),
        })
        .collect()
}
