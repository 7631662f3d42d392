//! Adding an article to the fact base: its text goes into the articles
//! folder and its `[[source]]` table into `sources.toml`, checked like any
//! other change, written atomically, one writer at a time.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table};

use super::articles::ArticleError;
use super::edit::{write_atomically, EditError, Editor};
use super::raw::SOURCES_FILE;
use super::{FactBase, KnowledgeError};

/// The longest article text accepted, in bytes: far above any news story,
/// far below what would slow every load that checks quotes against it.
pub const MAX_ARTICLE_BYTES: usize = 1 << 20;

/// A new source as a moderator describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceDraft {
    pub id: String,
    /// "article" or "headline".
    pub kind: Option<String>,
    pub outlet: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub byline: Option<String>,
    pub title: Option<String>,
    pub context: Option<String>,
    pub url: Option<String>,
}

/// Where the new source's quotes are to be found.
#[derive(Debug, Clone, PartialEq)]
pub enum ArticleText {
    /// A new text, stored in the articles folder as `ID.txt`.
    New(String),
    /// A file already in the articles folder (a headline printed on a page
    /// whose text is there already).
    Existing(String),
}

/// A source that was added.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceAdded {
    pub source_id: String,
    /// The `[[source]]` table as written.
    pub table: String,
    /// The article file, in the articles folder.
    pub article: PathBuf,
}

/// Why a source could not be added. Nothing on disk changed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "adding a source needs the articles folder, where its text is kept: set [knowledge] articles in the config or TALKSBOT_ARTICLES"
    )]
    NoArticlesFolder,
    #[error(transparent)]
    Articles(#[from] ArticleError),
    #[error("a source with the id {0:?} already exists; choose another id")]
    AlreadyExists(String),
    #[error(
        "the article file {0} already exists with another text; choose another id, or name that file with --article"
    )]
    ArticleExists(PathBuf),
    #[error("there is no article file {0} in the articles folder")]
    NoSuchArticle(PathBuf),
    #[error("date {0:?} is not a date: write it as YYYY-MM-DD, e.g. 2025-05-18")]
    BadDate(String),
    #[error("id {0:?} is not lowercase-with-dashes: use a-z, 0-9 and -, e.g. gazette-2025-06-01")]
    BadId(String),
    #[error("the article text is empty")]
    EmptyText,
    #[error("the article text is {0} bytes; at most {MAX_ARTICLE_BYTES} are accepted")]
    TooLong(usize),
    #[error(transparent)]
    Edit(#[from] EditError),
}

impl From<KnowledgeError> for SourceError {
    fn from(e: KnowledgeError) -> Self {
        SourceError::Edit(match e {
            KnowledgeError::Invalid(problems) => EditError::Invalid(problems),
            other => EditError::Knowledge(other),
        })
    }
}

fn table_for(d: &SourceDraft, article: &str) -> Table {
    let mut t = Table::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            t.insert(key, toml_edit::value(v));
        }
    };
    put("id", Some(&d.id));
    put("kind", Some(d.kind.as_deref().unwrap_or("article")));
    put("outlet", Some(&d.outlet));
    put("byline", d.byline.as_deref());
    put("title", d.title.as_deref());
    put("context", d.context.as_deref());
    put("date", Some(&d.date));
    put("url", d.url.as_deref());
    put("article", Some(article));
    // A blank line before the new table, as the file's own are written.
    t.decor_mut().set_prefix("\n");
    t
}

/// The file the source's text is stored in; ids are checked to be
/// lowercase-with-dashes first, so it stays inside the articles folder.
fn article_name(id: &str) -> String {
    format!("{}.txt", id.trim())
}

impl Editor {
    /// Stores the article text and appends the source to `sources.toml`.
    /// The source is checked with the whole base first; the article is
    /// written before the table that names it, so a crash between the two
    /// leaves only an unused text file, never a source without its text.
    pub fn add_source(&self, draft: &SourceDraft, text: &ArticleText) -> Result<SourceAdded, SourceError> {
        let id = draft.id.trim();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(SourceError::BadId(id.to_string()));
        }
        if chrono::NaiveDate::parse_from_str(draft.date.trim(), "%Y-%m-%d").is_err() {
            return Err(SourceError::BadDate(draft.date.clone()));
        }
        let folder = self.articles().ok_or(SourceError::NoArticlesFolder)?.to_path_buf();
        if !folder.is_dir() {
            return Err(ArticleError::NoFolder(folder).into());
        }
        let (name, new_text) = match text {
            ArticleText::New(t) => {
                if t.trim().is_empty() {
                    return Err(SourceError::EmptyText);
                }
                if t.len() > MAX_ARTICLE_BYTES {
                    return Err(SourceError::TooLong(t.len()));
                }
                (article_name(&draft.id), Some(t))
            }
            ArticleText::Existing(name) => {
                let path = folder.join(name);
                // Only a plain file name: the text stays inside the folder.
                if Path::new(name).file_name() != Some(name.as_ref()) || !path.is_file() {
                    return Err(SourceError::NoSuchArticle(path));
                }
                (name.clone(), None)
            }
        };
        let article = folder.join(&name);

        let _writer = self.exclusive()?;
        let sources_path = self.dir().join(SOURCES_FILE);
        let mut created = false;
        let mut put = || -> Result<String, SourceError> {
            for _ in 0..super::edit::ATTEMPTS {
                // Built on sources.toml as it is on disk once nothing is
                // being written, and put back only if no one changed it since.
                let mut files = self.read_settled()?;
                let original = files.iter().find(|(p, _)| *p == sources_path).map(|(_, t)| t.clone());
                let (new_sources, shown) =
                    with_source(&sources_path, original.as_deref().unwrap_or_default(), draft, &name)?;
                match files.iter_mut().find(|(p, _)| *p == sources_path) {
                    Some(entry) => entry.1 = new_sources.clone(),
                    None => files.push((sources_path.clone(), new_sources.clone())),
                }
                FactBase::from_files(self.dir(), &files)?;
                if let (Some(t), false) = (new_text, created) {
                    match std::fs::read_to_string(&article) {
                        Ok(existing) if existing == *t => {}
                        Ok(_) => return Err(SourceError::ArticleExists(article.clone())),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            write_atomically(&article, t)?;
                            created = true;
                        }
                        Err(source) => {
                            return Err(ArticleError::Unreadable {
                                path: article.clone(),
                                source: source.into(),
                            }
                            .into());
                        }
                    }
                }
                if self.replace_if_unchanged(&sources_path, original.as_deref(), &new_sources)? {
                    return Ok(shown);
                }
            }
            Err(EditError::Busy {
                file: PathBuf::from(SOURCES_FILE),
            }
            .into())
        };
        let shown = put();
        if shown.is_err() && created {
            // Nothing of a change that did not happen is left behind.
            let _ = std::fs::remove_file(&article);
        }
        let shown = shown?;
        Ok(SourceAdded {
            source_id: id.to_string(),
            table: shown,
            article,
        })
    }
}

/// `sources` (the text of `path`) with the draft's `[[source]]` table
/// added at the end, its comments and layout kept; and the table alone, as
/// the moderator is shown it.
fn with_source(
    path: &Path,
    sources: &str,
    draft: &SourceDraft,
    article: &str,
) -> Result<(String, String), SourceError> {
    let id = draft.id.trim();
    let mut doc: DocumentMut = sources
        .parse()
        .map_err(|e: toml_edit::TomlError| EditError::Unparsable {
            file: path.to_path_buf(),
            message: e.message().trim().to_string(),
        })?;
    let exists = doc
        .get("source")
        .and_then(Item::as_array_of_tables)
        .is_some_and(|a| a.iter().any(|t| t.get("id").and_then(Item::as_str) == Some(id)));
    if exists {
        return Err(SourceError::AlreadyExists(id.to_string()));
    }
    if doc.get("source").is_none() {
        doc.insert("source", Item::ArrayOfTables(Default::default()));
    }
    let table = table_for(draft, article);
    let mut shown = DocumentMut::new();
    let mut one = toml_edit::ArrayOfTables::new();
    let mut plain = table.clone();
    plain.decor_mut().clear();
    one.push(plain);
    shown.insert("source", Item::ArrayOfTables(one));
    doc.get_mut("source")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| EditError::Unparsable {
            file: path.to_path_buf(),
            message: "`source` is not an array of [[source]] tables".into(),
        })?
        .push(table);
    Ok((doc.to_string(), shown.to_string().trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &str = "# Sources.\n\n[[source]]\nid = \"paper\" # the first\noutlet = \"The Paper\"\ndate = \"2025-03-16\"\narticle = \"paper.txt\"\n";

    fn setup() -> (tempfile::TempDir, Editor) {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path().join("kb");
        std::fs::create_dir_all(kb.join("facts")).unwrap();
        std::fs::create_dir(dir.path().join("articles")).unwrap();
        std::fs::write(kb.join("sources.toml"), SOURCES).unwrap();
        std::fs::write(
            kb.join("facts/a.toml"),
            "[[fact]]\nid = \"one\"\nquestions = [\"Who met Putin?\"]\nanswer = \"Witkoff.\"\nsources = [\"paper\"]\nquotes = [\"Witkoff met Putin\"]\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("articles/paper.txt"), "Witkoff met Putin.").unwrap();
        let editor =
            Editor::new(&kb, Path::new("facts/moderated.toml")).with_articles(Some(dir.path().join("articles")));
        (dir, editor)
    }

    fn draft(id: &str) -> SourceDraft {
        SourceDraft {
            id: id.into(),
            outlet: "The Gazette".into(),
            date: "2025-06-01".into(),
            title: Some("Talks resume".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_new_source_is_appended_and_its_text_stored() {
        let (dir, editor) = setup();
        let added = editor
            .add_source(
                &draft("gazette-2025-06-01"),
                &ArticleText::New("Talks resumed on Monday.".into()),
            )
            .unwrap();
        let sources = std::fs::read_to_string(dir.path().join("kb/sources.toml")).unwrap();
        assert!(sources.starts_with(SOURCES), "the file's own text is kept: {sources}");
        assert!(sources.ends_with("article = \"gazette-2025-06-01.txt\"\n"), "{sources}");
        assert!(added.table.contains("outlet = \"The Gazette\""));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("articles/gazette-2025-06-01.txt")).unwrap(),
            "Talks resumed on Monday."
        );
        let base = FactBase::load(&dir.path().join("kb")).unwrap();
        assert_eq!(base.source("gazette-2025-06-01").unwrap().outlet, "The Gazette");
    }

    #[test]
    fn a_bad_source_changes_nothing() {
        let (dir, editor) = setup();
        let before = std::fs::read_to_string(dir.path().join("kb/sources.toml")).unwrap();
        let mut bad = draft("gazette");
        bad.date = "01/06/2025".into();
        let e = editor.add_source(&bad, &ArticleText::New("Text.".into())).unwrap_err();
        assert!(e.to_string().contains("write it as YYYY-MM-DD"), "{e}");
        let e = editor
            .add_source(&draft("../escape"), &ArticleText::New("Text.".into()))
            .unwrap_err();
        assert!(matches!(e, SourceError::BadId(_)), "{e}");
        assert!(matches!(
            editor.add_source(&draft("paper"), &ArticleText::New("Text.".into())),
            Err(SourceError::AlreadyExists(_))
        ));
        assert!(matches!(
            editor.add_source(&draft("x"), &ArticleText::New("  ".into())),
            Err(SourceError::EmptyText)
        ));
        assert!(matches!(
            editor.add_source(&draft("x"), &ArticleText::Existing("../kb/sources.toml".into())),
            Err(SourceError::NoSuchArticle(_))
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("kb/sources.toml")).unwrap(),
            before
        );
        assert!(!dir.path().join("articles/gazette.txt").exists());
    }

    #[test]
    fn without_an_articles_folder_a_source_cannot_be_added() {
        let (dir, _) = setup();
        let editor = Editor::new(&dir.path().join("kb"), Path::new("facts/moderated.toml"));
        assert!(matches!(
            editor.add_source(&draft("x"), &ArticleText::New("Text.".into())),
            Err(SourceError::NoArticlesFolder)
        ));
    }
}
