//! The article texts that quotes are checked against.
//!
//! A quote is only as good as the passage it claims to copy. When the bot
//! knows where the article texts are (`[knowledge] articles` in the config,
//! or `TALKSBOT_ARTICLES`), every load, reload and write checks each quote
//! of the facts it touches word for word against its source's text, and a
//! quote that is not there is refused with the closest passage of that
//! article as the fix. Without the folder, quotes are shown to moderators as
//! unverified, never silently trusted.
//!
//! Article texts are third-party text: they live in their own folder beside
//! the fact base and are not committed with it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{FactBase, Location, Problem};

/// Why an article text could not be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ArticleError {
    #[error(
        "the articles folder {0} does not exist; set [knowledge] articles in the config, TALKSBOT_ARTICLES, or --articles to the folder that holds the article texts"
    )]
    NoFolder(PathBuf),
    #[error("source {0:?} names no article file, so its quotes cannot be checked; add article = \"FILE\" to its [[source]] table")]
    NoArticle(String),
    #[error("cannot read the article {path}: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::sync::Arc<std::io::Error>,
    },
}

impl ArticleError {
    /// The folder or file the error is about, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ArticleError::NoFolder(path) | ArticleError::Unreadable { path, .. } => Some(path),
            ArticleError::NoArticle(_) => None,
        }
    }
}

/// Quote text compared as the article prints it, up to spacing and the
/// shape of quote marks and apostrophes.
pub fn quote_key(text: &str) -> String {
    text.chars()
        .map(fold_mark)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn fold_mark(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        c => c,
    }
}

/// A word of an article, for fuzzy search: where it is and how it compares.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    /// Lowercase, quote marks folded, punctuation at the edges dropped.
    folded: String,
}

/// One article's text, ready to be searched.
#[derive(Debug, Clone)]
pub struct Article {
    text: String,
    key: String,
    words: Vec<Word>,
}

/// A passage of an article close to some words, verbatim (spacing aside).
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub text: String,
    /// 0..1, how close it is to the words searched for.
    pub likeness: f64,
}

fn fold_word(word: &str) -> String {
    word.chars()
        .map(fold_mark)
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

fn words_of(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let folded = fold_word(&text[s..i]);
                if !folded.is_empty() {
                    words.push(Word {
                        start: s,
                        end: i,
                        folded,
                    });
                }
                start = None;
            }
            _ => {}
        }
    }
    words
}

impl Article {
    pub fn new(text: String) -> Article {
        let key = quote_key(&text);
        let words = words_of(&text);
        Article { text, key, words }
    }

    pub fn read(path: &Path) -> Result<Article, ArticleError> {
        std::fs::read_to_string(path)
            .map(Article::new)
            .map_err(|source| ArticleError::Unreadable {
                path: path.to_path_buf(),
                source: source.into(),
            })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Is the quote in the article word for word (spacing and the shape of
    /// quote marks aside)?
    pub fn contains(&self, quote: &str) -> bool {
        let key = quote_key(quote);
        !key.is_empty() && self.key.contains(&key)
    }

    /// The words `from..to` as printed, without the punctuation at either
    /// edge (an opening quote mark, a closing comma), so it can be quoted.
    fn passage(&self, from: usize, to: usize) -> String {
        self.text[self.words[from].start..self.words[to - 1].end]
            .trim_matches(|c: char| !c.is_alphanumeric())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The passages most like `words`, best first, at most `n` and none
    /// overlapping another: runs of about as many words as were given,
    /// compared by edit distance after folding case and punctuation. What a
    /// moderator copies to make a quote verbatim.
    pub fn closest(&self, words: &str, n: usize) -> Vec<Passage> {
        let wanted: Vec<String> = words_of(words).into_iter().map(|w| w.folded).collect();
        if wanted.is_empty() || self.words.is_empty() || n == 0 {
            return Vec::new();
        }
        let target = wanted.join(" ");
        let len = wanted.len();
        // Edit distance over every window is quadratic in the quote's
        // length; windows that share words with the quote go first, and only
        // the best of them are measured exactly.
        let wanted_set: std::collections::HashSet<&str> = wanted.iter().map(String::as_str).collect();
        let shared: Vec<usize> = self
            .words
            .iter()
            .map(|w| usize::from(wanted_set.contains(w.folded.as_str())))
            .collect();
        let mut windows = Vec::new();
        for size in len.saturating_sub(2).max(1)..=len + 2 {
            if size > self.words.len() {
                break;
            }
            let mut overlap: usize = shared[..size].iter().sum();
            for start in 0..=self.words.len() - size {
                if start > 0 {
                    overlap = overlap + shared[start + size - 1] - shared[start - 1];
                }
                windows.push((overlap, start, start + size));
            }
        }
        windows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        windows.truncate(64 * n.max(1));
        // Words first (a changed word is one edit, whatever its length),
        // then how near the window's length is to the words given, then
        // letters: "cut the cake" is closer to "cut the ribbon" than to
        // "cut the", though fewer letters differ from the latter.
        let mut scored: Vec<(f64, usize, f64, usize, usize)> = windows
            .into_iter()
            .map(|(_, from, to)| {
                let window: Vec<&str> = self.words[from..to].iter().map(|w| w.folded.as_str()).collect();
                let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
                let distance = strsim::generic_levenshtein(&window, &wanted);
                let likeness = 1.0 - distance as f64 / window.len().max(wanted.len()) as f64;
                let letters = strsim::normalized_levenshtein(&window.join(" "), &target);
                (likeness, (to - from).abs_diff(len), letters, from, to)
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(b.2.total_cmp(&a.2))
                .then(a.3.cmp(&b.3))
        });
        let mut chosen: Vec<(f64, usize, usize)> = Vec::new();
        for (likeness, _, _, from, to) in scored {
            if chosen.len() == n {
                break;
            }
            if chosen.iter().all(|&(_, f, t)| to <= f || from >= t) {
                chosen.push((likeness, from, to));
            }
        }
        chosen
            .into_iter()
            .map(|(likeness, from, to)| Passage {
                text: self.passage(from, to),
                likeness,
            })
            .collect()
    }
}

/// The article texts of a folder, read once per check.
#[derive(Debug)]
pub struct Articles {
    dir: PathBuf,
    /// By file name; a file that could not be read is remembered as such.
    read: HashMap<String, Result<Article, (std::io::ErrorKind, String)>>,
}

impl Articles {
    /// The folder must exist; the files in it are read when first needed.
    pub fn open(dir: &Path) -> Result<Articles, ArticleError> {
        if !dir.is_dir() {
            return Err(ArticleError::NoFolder(dir.to_path_buf()));
        }
        Ok(Articles {
            dir: dir.to_path_buf(),
            read: HashMap::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The article of a source, by the file name its `article` field gives.
    pub fn article(&mut self, source: &super::Source) -> Result<&Article, ArticleError> {
        let Some(name) = &source.article else {
            return Err(ArticleError::NoArticle(source.id.clone()));
        };
        let path = self.dir.join(name);
        let entry = self.read.entry(name.clone()).or_insert_with(|| {
            std::fs::read_to_string(&path)
                .map(Article::new)
                .map_err(|e| (e.kind(), e.to_string()))
        });
        match entry {
            Ok(article) => Ok(article),
            Err((kind, message)) => Err(ArticleError::Unreadable {
                path,
                source: std::io::Error::new(*kind, message.clone()).into(),
            }),
        }
    }
}

/// Checks the quotes of the facts `only` names (every fact when `None`)
/// against their sources' articles. A source whose article is missing is
/// reported once, at the source, not once per quote.
pub fn verify(base: &FactBase, articles: &mut Articles, only: Option<&[&str]>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut reported_sources = std::collections::HashSet::new();
    for fact in base.facts() {
        if only.is_some_and(|ids| !ids.contains(&fact.id.as_str())) {
            continue;
        }
        for quote in &fact.quotes {
            let Some(source) = base.source(&quote.source) else {
                continue; // the check has reported the unknown source already
            };
            let article = match articles.article(source) {
                Ok(article) => article,
                Err(e) => {
                    if reported_sources.insert(source.id.clone()) {
                        problems.push(Problem {
                            location: source.location.clone(),
                            message: e.to_string(),
                            fix:
                                "put the article's text in the articles folder under the name its `article` field gives"
                                    .into(),
                        });
                    }
                    continue;
                }
            };
            if !article.contains(&quote.text) {
                problems.push(quote_problem(
                    &fact.id,
                    &quote.source,
                    &quote.text,
                    &quote.location,
                    article,
                ));
            }
        }
    }
    problems
}

/// A quote not found in its article, with the closest passage as the fix.
fn quote_problem(fact: &str, source: &str, quote: &str, location: &Location, article: &Article) -> Problem {
    let fix = match article.closest(quote, 1).first() {
        Some(p) => format!(
            "copy the passage word for word from the article; the closest passage is {:?}",
            p.text
        ),
        None => "copy the passage word for word from the article".to_string(),
    };
    Problem {
        location: location.clone(),
        message: format!("fact {fact:?}: the quote {quote:?} is not in the article of {source:?}"),
        fix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Secretary of State Marco Rubio said Sunday that \u{201C}we\u{2019}re making progress\u{201D} in talks.\n\nHe added that the sides   remain far apart on key issues, and that talks would continue.";

    #[test]
    fn quotes_match_up_to_spacing_and_quote_marks() {
        let a = Article::new(TEXT.into());
        assert!(a.contains("\"we're making progress\""));
        assert!(a.contains("the sides remain far apart"));
        assert!(!a.contains("the sides remain close"));
        assert!(!a.contains("   "));
    }

    #[test]
    fn the_closest_passage_is_the_verbatim_one_a_misquote_came_from() {
        let a = Article::new(TEXT.into());
        let best = a.closest("the two sides remain very far apart", 1);
        assert!(best[0].text.ends_with("the sides remain far apart"), "{best:?}");
        assert!(best[0].likeness > 0.6, "{best:?}");
        let two = a.closest("Rubio said talks would continue", 2);
        assert_eq!(two.len(), 2);
        assert!(two[0].likeness >= two[1].likeness);
        assert!(a.closest("", 3).is_empty());
    }

    #[test]
    fn a_missing_folder_is_one_clear_error() {
        let e = Articles::open(Path::new("/no/such/articles")).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
