//! The fact base: sources, facts and synonyms, loaded from TOML in `knowledge/`
//! and checked as a whole before anything is allowed to answer from it.
//!
//! Layout of a knowledge folder:
//! - `sources.toml`: `[[source]]` tables, one per article or headline;
//! - `synonyms.toml` (optional): `[[synonyms]]` groups of words that mean the same;
//! - `facts/*.toml`: `[[fact]]` tables, in as many files as curators like;
//! - `asked/*.toml` (optional): `[[asked]]` groups of questions people typed,
//!   each with the fact that answers them (see [`AskedQuestion`]).

pub mod articles;
mod check;
pub mod edit;
pub mod new_source;
mod raw;
pub mod reload;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use check::Problem;
pub use raw::SOURCES_FILE;

/// Where something was written: a file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0: the whole file, or text that is not on disk.
        if self.line == 0 {
            write!(f, "{}", self.file.display())
        } else {
            write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
        }
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
    /// Questions about this fact's subject that its sources leave open
    /// ("Which city hosted the talks?"): asked one of these, the bot says
    /// its sources don't say instead of answering with this fact.
    pub unsaid: Vec<String>,
    pub location: Location,
}

/// A question someone typed, labelled with the fact that answers it (or,
/// `open`, on whose subject it asks what the sources leave out), from
/// `asked/<file>.toml`. The matcher reads it as one more way of asking for
/// that fact (or as one more of its open questions); it is never shown as
/// one of the fact's own questions. Its
/// file's name ties it to the labelled question set it came from, so that
/// measuring on that set can leave its own questions out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedQuestion {
    /// The file's name without `.toml`.
    pub file: String,
    pub fact: String,
    pub question: String,
    /// Asked of the fact's subject, but not answered by it: labelled
    /// unanswerable, it stands with the fact's open questions (`unsaid`).
    pub open: bool,
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
    asked: Vec<AskedQuestion>,
    /// Per fact, the asked questions naming it that none of its own
    /// questions, nor an earlier asked one, already says.
    asked_by_fact: Vec<Vec<String>>,
    /// Per fact, the open ones likewise, apart from its `unsaid`.
    asked_open_by_fact: Vec<Vec<String>>,
    /// The articles folder every quote was found in, if it was checked.
    verified_against: Option<PathBuf>,
}

/// Why a fact base could not be loaded. Cloned for every save whose
/// reload it was (see [`reload::Reloader::reload`]).
#[derive(Debug, Clone, thiserror::Error)]
pub enum KnowledgeError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::sync::Arc<std::io::Error>,
    },
    #[error("{} problem(s) in the fact base:\n{}", .0.len(), ProblemList(.0))]
    Invalid(Vec<Problem>),
    #[error(transparent)]
    Articles(#[from] articles::ArticleError),
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
            KnowledgeError::Articles(e) => vec![Problem {
                location: Location {
                    file: e.path().map(Path::to_path_buf).unwrap_or_default(),
                    line: 0,
                    column: 0,
                },
                message: e.to_string(),
                fix: "point the articles setting at the folder of article texts, or unset it to load with quotes unverified"
                    .into(),
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
            asked,
        } = check::build(dir, files)?;
        let fact_index = facts.iter().enumerate().map(|(i, f)| (f.id.clone(), i)).collect();
        let source_index = sources.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        let mut base = FactBase {
            dir: dir.to_path_buf(),
            sources,
            facts,
            synonyms,
            contrasts,
            fact_index,
            source_index,
            asked: Vec::new(),
            asked_by_fact: Vec::new(),
            asked_open_by_fact: Vec::new(),
            verified_against: None,
        };
        base.set_asked(asked);
        Ok(base)
    }

    fn set_asked(&mut self, asked: Vec<AskedQuestion>) {
        let key = |q: &str| q.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
        let mut seen: Vec<std::collections::HashSet<String>> = self
            .facts
            .iter()
            .map(|f| f.questions.iter().chain(&f.unsaid).map(|q| key(q)).collect())
            .collect();
        let mut by_fact = vec![Vec::new(); self.facts.len()];
        let mut open_by_fact = vec![Vec::new(); self.facts.len()];
        for a in &asked {
            if let Some(&f) = self.fact_index.get(&a.fact) {
                if seen[f].insert(key(&a.question)) {
                    let into = if a.open { &mut open_by_fact } else { &mut by_fact };
                    into[f].push(a.question.clone());
                }
            }
        }
        self.asked = asked;
        self.asked_by_fact = by_fact;
        self.asked_open_by_fact = open_by_fact;
    }

    /// The open questions people asked of the fact at `position`, after
    /// its own `unsaid`.
    pub fn asked_open(&self, position: usize) -> &[String] {
        self.asked_open_by_fact.get(position).map_or(&[], Vec::as_slice)
    }

    /// The questions people asked of the fact at `position` (see
    /// [`AskedQuestion`]), after its own.
    pub fn asked(&self, position: usize) -> &[String] {
        self.asked_by_fact.get(position).map_or(&[], Vec::as_slice)
    }

    /// Every asked question as loaded, facts gone or not.
    pub fn asked_questions(&self) -> &[AskedQuestion] {
        &self.asked
    }

    /// This base without the asked questions of `asked/<file>.toml`, or
    /// `None` when it has none: a labelled set is measured on a base that
    /// never read its own questions.
    pub fn without_asked(&self, file: &str) -> Option<FactBase> {
        if !self.asked.iter().any(|a| a.file == file) {
            return None;
        }
        let mut base = self.clone();
        let kept = self.asked.iter().filter(|a| a.file != file).cloned().collect();
        base.set_asked(kept);
        Some(base)
    }

    /// Loads the folder and, given an articles folder, checks every quote
    /// word for word against its source's article: a base with a quote
    /// that is not in its article is refused like any other problem.
    pub fn load_verified(dir: &Path, articles: Option<&Path>) -> Result<FactBase, KnowledgeError> {
        let base = Self::load(dir)?;
        match articles {
            Some(folder) => base.verified(folder),
            None => Ok(base),
        }
    }

    /// This base, once every quote is found in its article in `folder`.
    pub fn verified(mut self, folder: &Path) -> Result<FactBase, KnowledgeError> {
        let mut texts = articles::Articles::open(folder)?;
        let problems = articles::verify(&self, &mut texts, None);
        if !problems.is_empty() {
            return Err(KnowledgeError::Invalid(problems));
        }
        self.verified_against = Some(folder.to_path_buf());
        Ok(self)
    }

    /// The articles folder every quote was checked against; `None` means
    /// the quotes are unverified and are shown to moderators as such.
    pub fn verified_against(&self) -> Option<&Path> {
        self.verified_against.as_deref()
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

/// The ids most like a misspelt one, closest first, for "did you mean".
pub fn did_you_mean<'a>(wanted: &str, ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = wanted.trim().to_lowercase();
    let mut close: Vec<(f64, &str)> = ids
        .into_iter()
        .map(|id| {
            let likeness = strsim::jaro_winkler(&wanted, id);
            // A part of the id ("witkoff" for "witkoff-met-putin") counts too.
            let part = wanted.len() >= 4 && id.contains(wanted.as_str());
            (if part { likeness.max(0.9) } else { likeness }, id)
        })
        .filter(|(likeness, _)| *likeness >= 0.85)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    close.into_iter().take(3).map(|(_, id)| id).collect()
}

/// " Did you mean ...?" for a message, or nothing when no id is close.
pub fn did_you_mean_hint<'a>(wanted: &str, ids: impl IntoIterator<Item = &'a str>) -> String {
    let close = did_you_mean(wanted, ids);
    if close.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = close.iter().map(|id| format!("{id:?}")).collect();
        format!("; did you mean {}?", list.join(" or "))
    }
}

/// The files of a knowledge folder, in a stable order.
pub fn knowledge_files(dir: &Path) -> Result<Vec<PathBuf>, KnowledgeError> {
    raw::list_files(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_id_gets_the_close_ones() {
        let ids = ["witkoff-met-putin", "rubio-meet-the-press", "talks-in-turkey"];
        assert_eq!(did_you_mean("witkof-met-putin", ids), vec!["witkoff-met-putin"]);
        assert_eq!(did_you_mean("turkey", ids), vec!["talks-in-turkey"]);
        assert!(did_you_mean("sanctions", ids).is_empty());
        assert_eq!(did_you_mean_hint("nothing-like", ids), "");
        assert!(did_you_mean_hint("rubio-met-the-press", ids).contains("did you mean \"rubio-meet-the-press\"?"));
    }

    const SOURCES: &str = "[[source]]\nid = \"paper\"\noutlet = \"The Paper\"\ndate = \"2025-03-16\"\n";
    const FACTS: &str = r#"
[[fact]]
id = "talks"
questions = ["Where were the talks?", "Talks in Turkey?"]
answer = "The talks were in Turkey."
sources = ["paper"]
quotes = ["in Turkey"]
unsaid = ["Which city hosted the talks?"]
"#;

    fn with_asked(asked: &[(&str, &str)]) -> Result<FactBase, KnowledgeError> {
        let mut files = vec![
            (PathBuf::from("kb/sources.toml"), SOURCES.to_string()),
            (PathBuf::from("kb/facts/a.toml"), FACTS.to_string()),
        ];
        files.extend(
            asked
                .iter()
                .map(|(name, text)| (PathBuf::from(format!("kb/asked/{name}.toml")), text.to_string())),
        );
        FactBase::from_files(Path::new("kb"), &files)
    }

    #[test]
    fn questions_people_asked_widen_a_fact_without_becoming_its_own() {
        let base = with_asked(&[
            (
                "dev1",
                "[[asked]]\nfact = \"talks\"\nquestions = [\"where did they talk\", \"Talks in  turkey?\"]\nunsaid = [\"what date were the talks\"]\n",
            ),
            ("dev2", "[[asked]]\nfact = \"talks\"\nquestions = [\"turkey talks?\"]\n"),
        ])
        .unwrap();
        let talks = base.fact_position("talks").unwrap();
        // A fact's own questions stay as written; one it already has, however
        // spaced or cased, is not asked again.
        assert_eq!(base.facts()[talks].questions.len(), 2);
        assert_eq!(base.asked(talks), ["where did they talk", "turkey talks?"]);
        assert_eq!(base.asked_open(talks), ["what date were the talks"]);
        // Measured on dev1, the base leaves dev1's questions out, and only those.
        let without = base.without_asked("dev1").unwrap();
        assert_eq!(without.asked(talks), ["turkey talks?"]);
        assert!(without.asked_open(talks).is_empty());
        assert!(base.without_asked("dev3").is_none());
    }

    #[test]
    fn a_question_asked_of_a_fact_since_removed_is_left_out_not_refused() {
        let base = with_asked(&[("dev1", "[[asked]]\nfact = \"gone\"\nquestions = [\"who went\"]\n")]).unwrap();
        assert!(base.asked(0).is_empty());
        assert_eq!(base.asked_questions().len(), 1);
    }

    #[test]
    fn a_broken_asked_file_is_a_problem_with_its_place() {
        let err = with_asked(&[("dev1", "[[asked]]\nfact = \"talks\"\nquestions = [\"  \"]\n")]).unwrap_err();
        let problems = err.problems();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("empty"), "{}", problems[0]);
        assert_eq!(problems[0].location.file, PathBuf::from("kb/asked/dev1.toml"));
        let err = with_asked(&[("dev1", "[[asked]]\nfact = \"talks\"\nquestion = [\"where\"]\n")]).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }
}
