//! Changing the fact base without losing anything: edits go through
//! `toml_edit`, so comments, order and layout of hand-edited files survive;
//! every change is checked exactly as `talksbot check` checks before it is
//! written; files are replaced atomically (temporary file in the same
//! folder, flushed, renamed over the original); one writer at a time; and a
//! change made on disk meanwhile is re-read and built upon, never overwritten.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use super::raw::{self, FACTS_DIR};
use super::{FactBase, KnowledgeError, Problem};

/// A fact as a moderator writes it, before it is checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub id: String,
    pub questions: Vec<String>,
    pub answer: String,
    pub sources: Vec<String>,
    /// (source id, or `None` for the fact's first source; verbatim text)
    pub quotes: Vec<(Option<String>, String)>,
    pub dates: Vec<String>,
    pub tags: Vec<String>,
    pub entities: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Edit,
    Remove,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Edit => "edit",
            Action::Remove => "remove",
        }
    }
}

/// A change that was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub fact_id: String,
    pub action: Action,
    /// The file changed, relative to the knowledge folder.
    pub file: PathBuf,
    /// The fact's TOML before and after.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Why a change was not written. In every case, nothing on disk changed.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("the change was not saved, because the fact base would not pass the check:\n{}", list(.0))]
    Invalid(Vec<Problem>),
    #[error("there is no fact with the id {0:?}")]
    UnknownFact(String),
    #[error("a fact with the id {0:?} already exists; choose another id, or edit that fact")]
    AlreadyExists(String),
    #[error("fact {0:?} was changed by someone else since you opened it; nothing was saved. Open it again to see the current text, then make your change")]
    Conflict(String),
    #[error("{file} is not valid TOML right now ({message}); fix it by hand first (talksbot check shows where)")]
    Unparsable { file: PathBuf, message: String },
    #[error("the file {file} changed on disk while saving, again and again; nothing was saved; try again")]
    Busy { file: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

impl EditError {
    /// The individual problems of a rejected change, to name the field and fix.
    pub fn problems(&self) -> &[Problem] {
        match self {
            EditError::Invalid(p) => p,
            _ => &[],
        }
    }
}

/// The one writer of a knowledge folder.
#[derive(Debug)]
pub struct Editor {
    dir: PathBuf,
    /// Where new facts go, relative to the knowledge folder.
    new_facts_file: PathBuf,
    /// Where the article texts are: each quote a change touches must be in its article.
    articles: Option<PathBuf>,
    lock: Mutex<()>,
}

/// The right to write, held while it lives.
pub(crate) struct Exclusive<'a> {
    _thread: std::sync::MutexGuard<'a, ()>,
    #[cfg(unix)]
    _process: std::fs::File,
    #[cfg(not(unix))]
    _process: (),
}

/// How many times a change is rebuilt when the file keeps changing under it.
const ATTEMPTS: usize = 5;

impl Editor {
    pub fn new(dir: &Path, new_facts_file: &Path) -> Editor {
        Editor {
            dir: dir.to_path_buf(),
            new_facts_file: new_facts_file.to_path_buf(),
            articles: None,
            lock: Mutex::new(()),
        }
    }

    /// Refuses any change whose quotes are not word for word in their
    /// articles, found in this folder.
    pub fn with_articles(mut self, articles: Option<PathBuf>) -> Editor {
        self.articles = articles;
        self
    }

    /// The quotes of the fact a change writes, checked against their
    /// articles; the rest of the base is checked on every load.
    fn verify_quotes(&self, base: &FactBase, id: &str) -> Result<(), EditError> {
        let Some(folder) = &self.articles else {
            return Ok(());
        };
        let mut texts = super::articles::Articles::open(folder).map_err(KnowledgeError::from)?;
        let problems = super::articles::verify(base, &mut texts, Some(&[id]));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(EditError::Invalid(problems))
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The fact's TOML as it is on disk now, and its file.
    pub fn current(&self, id: &str) -> Result<Option<(PathBuf, String)>, EditError> {
        let files = raw::read_dir(&self.dir)?;
        for (path, text) in &files {
            if !is_facts_file(path) {
                continue;
            }
            let doc = parse(path, text)?;
            if let Some((_, table)) = find(&doc, id) {
                return Ok(Some((self.relative(path), render_table(table))));
            }
        }
        Ok(None)
    }

    pub fn add(&self, draft: &Draft) -> Result<Change, EditError> {
        self.change(Action::Add, &draft.id, Some(draft), None)
    }

    /// Replaces a fact. With `seen`, the [`fingerprint`] of the fact as the
    /// moderator was shown it: if the fact differs on disk now, the edit is
    /// refused rather than overwrite a change the moderator has not seen.
    pub fn edit(&self, draft: &Draft, seen: Option<&str>) -> Result<Change, EditError> {
        self.change(Action::Edit, &draft.id, Some(draft), seen)
    }

    pub fn remove(&self, id: &str, seen: Option<&str>) -> Result<Change, EditError> {
        self.change(Action::Remove, id, None, seen)
    }

    /// The articles folder quotes are checked against, if one is set.
    pub fn articles(&self) -> Option<&Path> {
        self.articles.as_deref()
    }

    /// Holds off every other writer, in this process and in others, until dropped.
    pub(crate) fn exclusive(&self) -> Result<Exclusive<'_>, EditError> {
        let thread = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let process = lock_folder(&self.dir)?;
        Ok(Exclusive {
            _thread: thread,
            _process: process,
        })
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.dir).unwrap_or(path).to_path_buf()
    }

    fn change(&self, action: Action, id: &str, draft: Option<&Draft>, seen: Option<&str>) -> Result<Change, EditError> {
        let _writer = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let _across_processes = lock_folder(&self.dir)?;
        for _ in 0..ATTEMPTS {
            // Always start from what is on disk now, so an edit made by hand or
            // merged from git since the bot loaded the base is built upon.
            let mut files = raw::read_dir(&self.dir)?;
            let located = locate(&files, id)?;
            let (target, before) = match (action, &located) {
                (Action::Add, Some(_)) => return Err(EditError::AlreadyExists(id.to_string())),
                (Action::Add, None) => (self.dir.join(&self.new_facts_file), None),
                (_, None) => return Err(EditError::UnknownFact(id.to_string())),
                (_, Some((path, text))) => (path.clone(), Some(text.clone())),
            };
            if let (Some(seen), Some(before)) = (seen, &before) {
                if seen != fingerprint(before) {
                    return Err(EditError::Conflict(id.to_string()));
                }
            }
            let original = files.iter().find(|(p, _)| *p == target).map(|(_, t)| t.clone());
            let mut doc = match &original {
                Some(text) => parse(&target, text)?,
                None => DocumentMut::new(),
            };
            let after = apply(&mut doc, action, id, draft);
            if original.is_none() {
                if let Some(first) = doc
                    .get_mut("fact")
                    .and_then(Item::as_array_of_tables_mut)
                    .and_then(|a| a.get_mut(0))
                {
                    first.decor_mut().set_prefix(NEW_FILE_HEADER);
                }
            }
            let new_text = doc.to_string();
            match files.iter_mut().find(|(p, _)| *p == target) {
                Some(entry) => entry.1 = new_text.clone(),
                None => files.push((target.clone(), new_text.clone())),
            }
            match FactBase::from_files(&self.dir, &files) {
                Ok(base) => self.verify_quotes(&base, id)?,
                Err(KnowledgeError::Invalid(problems)) => return Err(EditError::Invalid(problems)),
                Err(other) => return Err(other.into()),
            }
            // The file may have changed while we worked; if so, start over
            // from the new text rather than overwrite it.
            let now = std::fs::read_to_string(&target).ok();
            if now != original {
                continue;
            }
            write_atomically(&target, &new_text)?;
            return Ok(Change {
                fact_id: id.to_string(),
                action,
                file: self.relative(&target),
                before,
                after,
            });
        }
        Err(EditError::Busy {
            file: self.dir.join(&self.new_facts_file),
        })
    }
}

fn is_facts_file(path: &Path) -> bool {
    path.parent().and_then(Path::file_name).is_some_and(|p| p == FACTS_DIR)
}

fn parse(path: &Path, text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|e| EditError::Unparsable {
        file: path.to_path_buf(),
        message: e.message().trim().to_string(),
    })
}

fn find<'a>(doc: &'a DocumentMut, id: &str) -> Option<(usize, &'a Table)> {
    doc.get("fact")?
        .as_array_of_tables()?
        .iter()
        .enumerate()
        .find(|(_, t)| t.get("id").and_then(Item::as_str).map(str::trim) == Some(id))
}

/// The file and TOML text of the fact with this id, if any file has it.
fn locate(files: &[(PathBuf, String)], id: &str) -> Result<Option<(PathBuf, String)>, EditError> {
    for (path, text) in files {
        if !is_facts_file(path) {
            continue;
        }
        let doc = parse(path, text)?;
        if let Some((_, table)) = find(&doc, id) {
            return Ok(Some((path.clone(), render_table(table))));
        }
    }
    Ok(None)
}

/// A fact's table as it would read in its file.
fn render_table(table: &Table) -> String {
    let mut doc = DocumentMut::new();
    let mut aot = ArrayOfTables::new();
    let mut t = table.clone();
    t.decor_mut().clear();
    aot.push(t);
    doc.insert("fact", Item::ArrayOfTables(aot));
    doc.to_string().trim().to_string()
}

/// A short, stable mark of a fact's text (blank lines and indentation
/// aside), small enough to ride in a Discord button or modal id.
pub fn fingerprint(text: &str) -> String {
    let normal = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in normal.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The comment a file of moderated facts starts with.
const NEW_FILE_HEADER: &str =
    "# Facts added and edited from Discord or `talksbot fact`.\n# Edit by hand freely: comments and layout are kept.\n\n";

fn string_array(items: &[String], multiline: bool) -> Value {
    let mut array = Array::new();
    for item in items {
        array.push(item.as_str());
    }
    if multiline && items.len() > 1 {
        for v in array.iter_mut() {
            v.decor_mut().set_prefix("\n  ");
        }
        array.set_trailing("\n");
        array.set_trailing_comma(true);
    }
    Value::Array(array)
}

fn quotes_array(quotes: &[(Option<String>, String)]) -> Value {
    let mut array = Array::new();
    for (source, text) in quotes {
        match source {
            None => array.push(text.as_str()),
            Some(source) => {
                let mut t = InlineTable::new();
                t.insert("source", source.as_str().into());
                t.insert("text", text.as_str().into());
                array.push(Value::InlineTable(t));
            }
        }
    }
    if quotes.len() > 1 {
        for v in array.iter_mut() {
            v.decor_mut().set_prefix("\n  ");
        }
        array.set_trailing("\n");
        array.set_trailing_comma(true);
    }
    Value::Array(array)
}

/// Writes the draft's fields into a table, keeping the table's other keys,
/// their order and their comments.
fn fill(table: &mut Table, d: &Draft) {
    let mut set = |key: &str, value: Option<Value>| match value {
        Some(v) => {
            match table.get_mut(key).and_then(Item::as_value_mut) {
                // Keep the comment and spacing around an existing value.
                Some(old) => {
                    let decor = old.decor().clone();
                    *old = v;
                    *old.decor_mut() = decor;
                }
                None => {
                    table.insert(key, Item::Value(v));
                }
            }
        }
        None => {
            table.remove(key);
        }
    };
    set("id", Some(d.id.trim().into()));
    set("questions", Some(string_array(&d.questions, true)));
    set("answer", Some(d.answer.trim().into()));
    set("sources", Some(string_array(&d.sources, false)));
    set("quotes", Some(quotes_array(&d.quotes)));
    set("dates", (!d.dates.is_empty()).then(|| string_array(&d.dates, false)));
    set("tags", (!d.tags.is_empty()).then(|| string_array(&d.tags, false)));
    set(
        "entities",
        (!d.entities.is_empty()).then(|| string_array(&d.entities, false)),
    );
    set(
        "note",
        d.note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| n.trim().into()),
    );
}

/// Applies the change to the document; returns the fact's TOML after it.
fn apply(doc: &mut DocumentMut, action: Action, id: &str, draft: Option<&Draft>) -> Option<String> {
    if doc.get("fact").and_then(Item::as_array_of_tables).is_none() {
        doc.insert("fact", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let index = find(doc, id).map(|(i, _)| i);
    let aot = doc
        .get_mut("fact")
        .and_then(Item::as_array_of_tables_mut)
        .expect("inserted above");
    match (action, draft, index) {
        (Action::Add, Some(d), _) => {
            let mut table = Table::new();
            fill(&mut table, d);
            // A blank line before the new table, as people write them.
            table.decor_mut().set_prefix("\n");
            aot.push(table);
            aot.iter().last().map(render_table)
        }
        (Action::Edit, Some(d), Some(i)) => {
            let table = aot.get_mut(i).expect("found above");
            fill(table, d);
            Some(render_table(table))
        }
        (Action::Remove, _, Some(i)) => {
            aot.remove(i);
            None
        }
        _ => None,
    }
}

/// The bot and `talksbot fact` may run at once: an advisory lock on the
/// knowledge folder itself makes them take turns too, without adding a file.
/// It is released when the handle drops, and by the OS if the process dies.
#[cfg(unix)]
fn lock_folder(dir: &Path) -> Result<std::fs::File, EditError> {
    let io = |source| EditError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let handle = std::fs::File::open(dir).map_err(io)?;
    handle.lock().map_err(io)?;
    Ok(handle)
}

/// Elsewhere a folder cannot be opened as a file; one process at a time
/// is then up to whoever runs it.
#[cfg(not(unix))]
fn lock_folder(_dir: &Path) -> Result<(), EditError> {
    Ok(())
}

/// Replaces `path` with `text` so that a crash at any moment leaves either
/// the old file or the new one, whole.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), EditError> {
    use std::io::Write;
    let io = |source| EditError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("facts.toml");
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // A dot-name without .toml: the loader and the watcher ignore it.
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // The rename itself must reach the disk too.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &str = "[[source]]\nid = \"paper\"\noutlet = \"The Paper\"\ndate = \"2025-03-16\"\n";
    const FACTS: &str = "# Hand-written facts.\n\n[[fact]]\nid = \"one\" # the first\nquestions = [\"Who met Putin?\"]\nanswer = \"Witkoff.\"\nsources = [\"paper\"]\nquotes = [\"Witkoff met Putin\"]\n\n# A comment between facts.\n\n[[fact]]\nid = \"two\"\nquestions = [\"Where?\"]\nanswer = \"Moscow.\"\nsources = [\"paper\"]\nquotes = [\"in Moscow\"]\n";

    fn setup() -> (tempfile::TempDir, Editor) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sources.toml"), SOURCES).unwrap();
        std::fs::create_dir(dir.path().join("facts")).unwrap();
        std::fs::write(dir.path().join("facts/hand.toml"), FACTS).unwrap();
        let editor = Editor::new(dir.path(), Path::new("facts/moderated.toml"));
        (dir, editor)
    }

    fn draft(id: &str) -> Draft {
        Draft {
            id: id.into(),
            questions: vec!["When was it?".into(), "What date?".into()],
            answer: "On 13 March 2025.".into(),
            sources: vec!["paper".into()],
            quotes: vec![(None, "on March 13".into())],
            dates: vec!["2025-03-13".into()],
            ..Default::default()
        }
    }

    #[test]
    fn adding_writes_a_new_file_that_loads() {
        let (dir, editor) = setup();
        let change = editor.add(&draft("three")).unwrap();
        assert_eq!(change.file, Path::new("facts/moderated.toml"));
        let text = std::fs::read_to_string(dir.path().join("facts/moderated.toml")).unwrap();
        assert!(
            text.starts_with("# Facts added") && text.contains("\n\n[[fact]]\nid = \"three\""),
            "{text}"
        );
        let base = FactBase::load(dir.path()).unwrap();
        assert_eq!(base.fact("three").unwrap().questions.len(), 2);
        assert!(matches!(editor.add(&draft("three")), Err(EditError::AlreadyExists(_))));
    }

    #[test]
    fn editing_keeps_comments_and_other_facts_byte_for_byte() {
        let (dir, editor) = setup();
        let mut d = draft("two");
        d.answer = "In Moscow, Russia.".into();
        let change = editor.edit(&d, None).unwrap();
        assert_eq!(change.file, Path::new("facts/hand.toml"));
        let text = std::fs::read_to_string(dir.path().join("facts/hand.toml")).unwrap();
        let first_fact_and_comment = &FACTS[..FACTS.find("[[fact]]\nid = \"two\"").unwrap()];
        assert!(text.starts_with(first_fact_and_comment), "{text}");
        assert!(text.contains("answer = \"In Moscow, Russia.\""));
        assert!(change.before.unwrap().contains("Moscow."));
    }

    #[test]
    fn an_invalid_change_is_refused_and_nothing_changes() {
        let (dir, editor) = setup();
        let before = std::fs::read_to_string(dir.path().join("facts/hand.toml")).unwrap();
        let mut d = draft("two");
        d.dates = vec!["2025-13-45".into()];
        let err = editor.edit(&d, None).unwrap_err();
        assert!(
            err.problems().iter().any(|p| p.message.contains("is not a date")),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("facts/hand.toml")).unwrap(),
            before
        );
        let mut d = draft("four");
        d.sources = vec!["nowhere".into()];
        assert!(editor.add(&d).is_err());
        assert!(!dir.path().join("facts/moderated.toml").exists());
    }

    #[test]
    fn a_fact_changed_on_disk_since_it_was_shown_is_not_overwritten() {
        let (dir, editor) = setup();
        let (_, seen) = editor.current("two").unwrap().unwrap();
        let path = dir.path().join("facts/hand.toml");
        let hand = std::fs::read_to_string(&path)
            .unwrap()
            .replace("Moscow.", "Moscow (hand edit).");
        std::fs::write(&path, &hand).unwrap();
        assert!(matches!(
            editor.edit(&draft("two"), Some(&seen)),
            Err(EditError::Conflict(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), hand);
        // An edit to another fact builds on the hand edit instead of losing it.
        let mut d = draft("one");
        d.answer = "Steve Witkoff.".into();
        editor.edit(&d, None).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("Moscow (hand edit).") && text.contains("Steve Witkoff."),
            "{text}"
        );
    }

    #[test]
    fn removing_deletes_only_that_fact() {
        let (dir, editor) = setup();
        editor.remove("one", None).unwrap();
        let base = FactBase::load(dir.path()).unwrap();
        assert!(base.fact("one").is_none() && base.fact("two").is_some());
        assert!(matches!(editor.remove("one", None), Err(EditError::UnknownFact(_))));
    }
}
