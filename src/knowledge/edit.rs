//! Changing the fact base without losing anything: edits go through
//! `toml_edit`, so comments, order and layout of hand-edited files survive;
//! an edit is a partial update that rewrites only the fields it names, and
//! only where their value really changes; every change is checked exactly
//! as `talksbot check` checks before it is written; files are replaced
//! atomically (temporary file in the same folder, flushed, renamed over the
//! original); one writer at a time; a file that is still being written
//! (changed moments ago, or shorter than it was) is waited for, never
//! written over; and a change made on disk meanwhile is re-read and built
//! upon, never overwritten.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::{Duration, Instant, SystemTime};

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

/// A change to some of one fact's fields. A field left `None` is not
/// touched: its text, its comments and its layout stay byte for byte.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    pub id: String,
    pub questions: Option<Vec<String>>,
    pub answer: Option<String>,
    pub sources: Option<Vec<String>>,
    /// (source id, or `None` for the fact's first source once the patch is
    /// applied; verbatim text)
    pub quotes: Option<Vec<(Option<String>, String)>>,
    /// An empty list removes the key; the same for tags and entities.
    pub dates: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub entities: Option<Vec<String>>,
    /// `Some(None)` removes the note.
    pub note: Option<Option<String>>,
}

impl Patch {
    /// A patch of the fact `id` that changes nothing yet.
    pub fn new(id: &str) -> Patch {
        Patch {
            id: id.trim().to_string(),
            ..Default::default()
        }
    }

    /// Names no field at all.
    pub fn is_empty(&self) -> bool {
        self.questions.is_none()
            && self.answer.is_none()
            && self.sources.is_none()
            && self.quotes.is_none()
            && self.dates.is_none()
            && self.tags.is_none()
            && self.entities.is_none()
            && self.note.is_none()
    }
}

impl From<&Draft> for Patch {
    /// Every field of the draft. Fields equal to what is on disk are still
    /// left untouched when the patch is applied.
    fn from(d: &Draft) -> Patch {
        Patch {
            id: d.id.trim().to_string(),
            questions: Some(d.questions.clone()),
            answer: Some(d.answer.clone()),
            sources: Some(d.sources.clone()),
            quotes: Some(d.quotes.clone()),
            dates: Some(d.dates.clone()),
            tags: Some(d.tags.clone()),
            entities: Some(d.entities.clone()),
            note: Some(d.note.clone()),
        }
    }
}

/// A fact as it is written on disk now, read without checking it.
#[derive(Debug, Clone, PartialEq)]
pub struct OnDisk {
    /// Its file, relative to the knowledge folder.
    pub file: PathBuf,
    /// Its table's TOML, as [`Editor::current`] gives it.
    pub text: String,
    /// Its fields as written; a missing field is empty.
    pub fields: Draft,
    /// Keys whose value is not shaped like that field (a number for the
    /// answer, say): they are left empty in `fields`.
    pub unreadable: Vec<String>,
}

impl OnDisk {
    /// The mark to pass as `seen` when changing this fact.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.text)
    }
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

/// Why a file does not look finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsettled {
    /// It changed less than the settle window ago.
    Recent,
    /// It is shorter than when this editor last read or wrote it.
    Shorter { now: u64, was: u64 },
}

impl fmt::Display for Unsettled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsettled::Recent => write!(f, "kept changing moments ago"),
            Unsettled::Shorter { now, was } => {
                write!(f, "is shorter than it was ({now} bytes, was {was})")
            }
        }
    }
}

/// What a writer is waiting for, for whoever wants to tell the moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// Another change to the knowledge folder is being saved.
    ForOtherWriter,
    /// A file of the folder may still be being written.
    ForFile { file: PathBuf, why: Unsettled },
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wait::ForOtherWriter => write!(f, "waiting for another change to the fact base to be saved"),
            Wait::ForFile { file, why } => write!(
                f,
                "waiting for {} to settle: it {why}, so it may still be being written",
                file.display()
            ),
        }
    }
}

/// Why a change was not written. In every case, nothing on disk changed.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("the change was not saved, because the fact base would not pass the check:\n{}", list(.0))]
    Invalid(Vec<Problem>),
    #[error("there is no fact with the id {id:?}{hint}")]
    UnknownFact {
        id: String,
        /// "; did you mean ...?" when some id is close, else empty.
        hint: String,
    },
    #[error("a fact with the id {0:?} already exists; choose another id, or edit that fact")]
    AlreadyExists(String),
    #[error("fact {0:?} was changed by someone else after it was read for this change; nothing was saved, so their change stands. Look at the fact again, then make your change")]
    Conflict(String),
    #[error("fact {0:?} already reads that way; nothing was changed")]
    Unchanged(String),
    #[error("the {field} box: {message}")]
    Field { field: &'static str, message: String },
    #[error("nothing was saved: {} {why} and did not settle within {} seconds, so it may still be being written (an upload or a save in progress). Try again once it is complete{}", file.display(), waited.as_secs(), if matches!(why, Unsettled::Shorter { .. }) { "; if facts were taken out of it on purpose, try again now and the shorter file is taken as it is" } else { "" })]
    Unsettled {
        file: PathBuf,
        why: Unsettled,
        waited: Duration,
    },
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

/// How long a file must have been left alone before a writer trusts it is
/// complete: uploads and editors that write in place pause between chunks.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(2);
/// How long a writer waits for files to settle before it refuses.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(10);

type WaitHook = Arc<dyn Fn(&Wait) + Send + Sync>;

/// The one writer of a knowledge folder.
pub struct Editor {
    dir: PathBuf,
    /// Where new facts go, relative to the knowledge folder.
    new_facts_file: PathBuf,
    /// Where the article texts are: each quote a change touches must be in its article.
    articles: Option<PathBuf>,
    lock: Mutex<()>,
    settle: Duration,
    patience: Duration,
    /// The length of each file when this editor last read or wrote it: a
    /// file that is shorter now is likely being rewritten in place.
    lengths: Mutex<HashMap<PathBuf, u64>>,
    on_wait: WaitHook,
}

impl fmt::Debug for Editor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Editor")
            .field("dir", &self.dir)
            .field("new_facts_file", &self.new_facts_file)
            .field("settle", &self.settle)
            .field("patience", &self.patience)
            .finish_non_exhaustive()
    }
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
pub(crate) const ATTEMPTS: usize = 5;

impl Editor {
    pub fn new(dir: &Path, new_facts_file: &Path) -> Editor {
        Editor {
            dir: dir.to_path_buf(),
            new_facts_file: new_facts_file.to_path_buf(),
            articles: None,
            lock: Mutex::new(()),
            settle: DEFAULT_SETTLE,
            patience: DEFAULT_PATIENCE,
            lengths: Mutex::new(HashMap::new()),
            on_wait: Arc::new(|wait| tracing::info!(%wait, "a fact base change waits")),
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

    /// A file changed less than `settle` ago is waited for, at most
    /// `patience` in all, before the change is refused.
    pub fn with_settle(mut self, settle: Duration, patience: Duration) -> Editor {
        self.settle = settle;
        self.patience = patience;
        self
    }

    /// A settle window from the config; the patience is long enough for
    /// several such windows, and never under [`DEFAULT_PATIENCE`].
    pub fn with_settle_window(self, settle: Duration) -> Editor {
        self.with_settle(settle, DEFAULT_PATIENCE.max(settle * 5))
    }

    /// Hears each time a change has to wait, e.g. to tell the moderator.
    pub fn on_wait(mut self, hook: impl Fn(&Wait) + Send + Sync + 'static) -> Editor {
        self.on_wait = Arc::new(hook);
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The fact's TOML as it is on disk now, and its file.
    pub fn current(&self, id: &str) -> Result<Option<(PathBuf, String)>, EditError> {
        Ok(self.read(id)?.map(|f| (f.file, f.text)))
    }

    /// The fact as it is written on disk now, with its fields.
    pub fn read(&self, id: &str) -> Result<Option<OnDisk>, EditError> {
        let files = raw::read_dir(&self.dir)?;
        self.remember(&files);
        for (path, text) in &files {
            if !is_facts_file(path) || !text.contains(id.trim()) {
                continue;
            }
            let doc = parse(path, text)?;
            if let Some((_, table)) = find(&doc, id) {
                let (fields, unreadable) = read_fields(table);
                return Ok(Some(OnDisk {
                    file: self.relative(path),
                    text: render_table(table),
                    fields,
                    unreadable,
                }));
            }
        }
        Ok(None)
    }

    /// The ids of the facts on disk.
    pub fn ids(&self) -> Result<Vec<String>, EditError> {
        let mut ids = Vec::new();
        for (path, text) in raw::read_dir(&self.dir)? {
            if !is_facts_file(&path) {
                continue;
            }
            let doc = parse(&path, &text)?;
            if let Some(aot) = doc.get("fact").and_then(Item::as_array_of_tables) {
                ids.extend(
                    aot.iter()
                        .filter_map(|t| t.get("id").and_then(Item::as_str).map(|s| s.trim().to_string())),
                );
            }
        }
        Ok(ids)
    }

    /// "No such fact", with the ids close to the one asked for.
    pub fn unknown(&self, id: &str) -> EditError {
        let ids = self.ids().unwrap_or_default();
        EditError::UnknownFact {
            id: id.to_string(),
            hint: super::did_you_mean_hint(id, ids.iter().map(String::as_str)),
        }
    }

    pub fn add(&self, draft: &Draft) -> Result<Change, EditError> {
        self.change(Action::Add, &Patch::from(draft), None)
    }

    /// Changes the fields the patch names, and nothing else. With `seen`,
    /// the [`fingerprint`] of the fact as the moderator was shown it: if the
    /// fact differs on disk now, the edit is refused rather than overwrite
    /// a change the moderator has not seen.
    pub fn edit(&self, patch: &Patch, seen: Option<&str>) -> Result<Change, EditError> {
        self.change(Action::Edit, patch, seen)
    }

    pub fn remove(&self, id: &str, seen: Option<&str>) -> Result<Change, EditError> {
        self.change(Action::Remove, &Patch::new(id), seen)
    }

    /// The articles folder quotes are checked against, if one is set.
    pub fn articles(&self) -> Option<&Path> {
        self.articles.as_deref()
    }

    /// Holds off every other writer, in this process and in others, until dropped.
    pub(crate) fn exclusive(&self) -> Result<Exclusive<'_>, EditError> {
        let thread = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let process = lock_folder(&self.dir, || self.wait(&Wait::ForOtherWriter))?;
        Ok(Exclusive {
            _thread: thread,
            _process: process,
        })
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.dir).unwrap_or(path).to_path_buf()
    }

    fn wait(&self, wait: &Wait) {
        (self.on_wait)(wait);
    }

    fn remember(&self, files: &[(PathBuf, String)]) {
        let mut lengths = self.lengths.lock().unwrap_or_else(|e| e.into_inner());
        for (path, text) in files {
            lengths.insert(path.clone(), text.len() as u64);
        }
    }

    fn change(&self, action: Action, patch: &Patch, seen: Option<&str>) -> Result<Change, EditError> {
        let id = patch.id.trim();
        let _writer = match self.lock.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            Err(TryLockError::WouldBlock) => {
                self.wait(&Wait::ForOtherWriter);
                self.lock.lock().unwrap_or_else(|e| e.into_inner())
            }
        };
        let _across_processes = lock_folder(&self.dir, || self.wait(&Wait::ForOtherWriter))?;
        let mut attempts = 0;
        loop {
            // Nothing half-written is taken as the truth: not which facts
            // exist, not the text a change is built on.
            if self.settle()? {
                continue;
            }
            // Always start from what is on disk now, so an edit made by hand or
            // merged from git since the bot loaded the base is built upon.
            let mut files = raw::read_dir(&self.dir)?;
            let located = locate(&files, id)?;
            let (target, before) = match (action, &located) {
                (Action::Add, Some(_)) => return Err(EditError::AlreadyExists(id.to_string())),
                (Action::Add, None) => (self.dir.join(&self.new_facts_file), None),
                (_, None) => return Err(self.unknown(id)),
                (_, Some((path, text))) => (path.clone(), Some(text.clone())),
            };
            if let (Some(seen), Some(before)) = (seen, &before) {
                if seen != fingerprint(before) {
                    return Err(EditError::Conflict(id.to_string()));
                }
            }
            self.remember(&files);
            let original = files.iter().find(|(p, _)| *p == target).map(|(_, t)| t.clone());
            let mut doc = match &original {
                Some(text) => parse(&target, text)?,
                None => DocumentMut::new(),
            };
            let after = apply(&mut doc, action, patch);
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
            if action == Action::Edit && original.as_deref() == Some(new_text.as_str()) {
                return Err(EditError::Unchanged(id.to_string()));
            }
            match files.iter_mut().find(|(p, _)| *p == target) {
                Some(entry) => entry.1 = new_text.clone(),
                None => files.push((target.clone(), new_text.clone())),
            }
            match FactBase::from_files(&self.dir, &files) {
                Ok(base) => self.verify_quotes(&base, id).map_err(|e| not_on_disk(e, &target))?,
                Err(KnowledgeError::Invalid(problems)) => {
                    return Err(not_on_disk(EditError::Invalid(problems), &target));
                }
                Err(other) => return Err(other.into()),
            }
            // The file may have changed while we worked; if so, start over
            // from the new text rather than overwrite it.
            let now = std::fs::read_to_string(&target).ok();
            if now != original {
                attempts += 1;
                if attempts >= ATTEMPTS {
                    return Err(EditError::Busy {
                        file: self.relative(&target),
                    });
                }
                continue;
            }
            write_settled(&target, &new_text, self.settle)?;
            self.remember(&[(target.clone(), new_text)]);
            return Ok(Change {
                fact_id: id.to_string(),
                action,
                file: self.relative(&target),
                before,
                after,
            });
        }
    }

    /// The folder's files once none looks like it is still being written
    /// (waiting for them as [`Editor::edit`] does): what a change is built on.
    pub(crate) fn read_settled(&self) -> Result<Vec<(PathBuf, String)>, EditError> {
        while self.settle()? {}
        let files = raw::read_dir(&self.dir)?;
        self.remember(&files);
        Ok(files)
    }

    /// Puts `text` in place of `path` only if the file still holds
    /// `original` (`None`: it did not exist); false, and nothing written,
    /// if it changed meanwhile. Call with [`Editor::exclusive`] held.
    pub(crate) fn replace_if_unchanged(
        &self,
        path: &Path,
        original: Option<&str>,
        text: &str,
    ) -> Result<bool, EditError> {
        let now = std::fs::read_to_string(path).ok();
        if now.as_deref() != original {
            return Ok(false);
        }
        write_settled(path, text, self.settle)?;
        self.remember(&[(path.to_path_buf(), text.to_string())]);
        Ok(true)
    }

    /// Waits until no file of the folder looks like it is still being
    /// written; says whether it had to wait.
    fn settle(&self) -> Result<bool, EditError> {
        let started = Instant::now();
        let poll = (self.settle / 10).clamp(Duration::from_millis(5), Duration::from_millis(100));
        let mut waited = false;
        loop {
            let Some((path, why)) = self.unsettled()? else {
                return Ok(waited);
            };
            if started.elapsed() >= self.patience {
                if matches!(why, Unsettled::Shorter { .. }) {
                    // A file may have been shortened on purpose; after one
                    // refusal the next attempt takes it as it is.
                    self.lengths.lock().unwrap_or_else(|e| e.into_inner()).remove(&path);
                }
                return Err(EditError::Unsettled {
                    file: self.relative(&path),
                    why,
                    waited: started.elapsed(),
                });
            }
            if !waited {
                self.wait(&Wait::ForFile {
                    file: self.relative(&path),
                    why,
                });
                waited = true;
            }
            std::thread::sleep(poll.min(self.patience.saturating_sub(started.elapsed())));
        }
    }

    /// The first file of the folder that does not look finished, if any.
    fn unsettled(&self) -> Result<Option<(PathBuf, Unsettled)>, EditError> {
        let lengths = self.lengths.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let now = SystemTime::now();
        for path in raw::list_files(&self.dir)? {
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                // Removed meanwhile: nothing to wait for.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => return Err(EditError::Io { path, source }),
            };
            if let Some(&was) = lengths.get(&path) {
                if meta.len() < was {
                    return Ok(Some((path, Unsettled::Shorter { now: meta.len(), was })));
                }
            }
            let Ok(modified) = meta.modified() else {
                continue;
            };
            // A time in the future was set on purpose (an unpacked archive,
            // a clock ahead): a write in progress stamps the present. Only
            // the last window around now means "still being written".
            let recent = match now.duration_since(modified) {
                Ok(age) => age < self.settle,
                Err(ahead) => ahead.duration() < self.settle,
            };
            if recent {
                return Ok(Some((path, Unsettled::Recent)));
            }
        }
        Ok(None)
    }
}

fn is_facts_file(path: &Path) -> bool {
    raw::in_dir(path, FACTS_DIR)
}

fn parse(path: &Path, text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|e| EditError::Unparsable {
        file: path.to_path_buf(),
        message: e.message().trim().to_string(),
    })
}

fn find<'a>(doc: &'a DocumentMut, id: &str) -> Option<(usize, &'a Table)> {
    let id = id.trim();
    doc.get("fact")?
        .as_array_of_tables()?
        .iter()
        .enumerate()
        .find(|(_, t)| t.get("id").and_then(Item::as_str).map(str::trim) == Some(id))
}

/// The file and TOML text of the fact with this id, if any file has it.
fn locate(files: &[(PathBuf, String)], id: &str) -> Result<Option<(PathBuf, String)>, EditError> {
    for (path, text) in files {
        // Parsing every file is slow on a large base; a file that does not
        // even contain the id cannot hold the fact.
        if !is_facts_file(path) || !text.contains(id) {
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

/// Problems found in the text a change would write are in lines that are
/// not on disk: they are named by their file alone, not a line that does
/// not exist there.
fn not_on_disk(e: EditError, written: &Path) -> EditError {
    match e {
        EditError::Invalid(mut problems) => {
            for p in problems.iter_mut().filter(|p| p.location.file == written) {
                p.location.line = 0;
                p.location.column = 0;
            }
            EditError::Invalid(problems)
        }
        other => other,
    }
}

/// The comment a file of moderated facts starts with.
const NEW_FILE_HEADER: &str =
    "# Facts added and edited from Discord or `talksbot fact`.\n# Edit by hand freely: comments and layout are kept.\n\n";

/// The fields of a fact's table as written, and the keys that could not be
/// read as their field.
fn read_fields(table: &Table) -> (Draft, Vec<String>) {
    let mut unreadable = Vec::new();
    let mut text = |key: &str| -> Option<String> {
        let item = table.get(key)?;
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                unreadable.push(key.to_string());
                None
            }
        }
    };
    let id = text("id").unwrap_or_default();
    let answer = text("answer").unwrap_or_default();
    let note = text("note");
    let mut strings = |key: &str| -> Vec<String> {
        let Some(item) = table.get(key) else {
            return Vec::new();
        };
        let items: Option<Vec<String>> = item
            .as_array()
            .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
        items.unwrap_or_else(|| {
            unreadable.push(key.to_string());
            Vec::new()
        })
    };
    let questions = strings("questions");
    let sources = strings("sources");
    let dates = strings("dates");
    let tags = strings("tags");
    let entities = strings("entities");
    let quotes = match table.get("quotes") {
        None => Vec::new(),
        Some(item) => {
            let read: Option<Vec<_>> = match item {
                Item::Value(Value::Array(a)) => a.iter().map(quote_of).collect(),
                Item::ArrayOfTables(a) => a.iter().map(quote_of_table).collect(),
                _ => None,
            };
            read.unwrap_or_else(|| {
                unreadable.push("quotes".to_string());
                Vec::new()
            })
        }
    };
    let draft = Draft {
        id,
        questions,
        answer,
        sources,
        quotes,
        dates,
        tags,
        entities,
        note,
    };
    (draft, unreadable)
}

/// A quote as written: a plain string, or `{ source = "...", text = "..." }`.
fn quote_of(value: &Value) -> Option<(Option<String>, String)> {
    match value {
        Value::String(s) => Some((None, s.value().clone())),
        Value::InlineTable(t) => {
            let source = t.get("source")?.as_str()?;
            let text = t.get("text")?.as_str()?;
            (t.len() == 2).then(|| (Some(source.to_string()), text.to_string()))
        }
        _ => None,
    }
}

/// A quote written as a `[[fact.quotes]]` table.
fn quote_of_table(table: &Table) -> Option<(Option<String>, String)> {
    let source = table.get("source")?.as_str()?;
    let text = table.get("text")?.as_str()?;
    (table.len() == 2).then(|| (Some(source.to_string()), text.to_string()))
}

/// The source a quote is credited to, given the fact's first source.
fn credited(quote: &(Option<String>, String), first: Option<&str>) -> (Option<String>, String) {
    (quote.0.clone().or_else(|| first.map(str::to_string)), quote.1.clone())
}

/// Applies the change to the document; returns the fact's TOML after it.
fn apply(doc: &mut DocumentMut, action: Action, patch: &Patch) -> Option<String> {
    if doc.get("fact").and_then(Item::as_array_of_tables).is_none() {
        doc.insert("fact", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let index = find(doc, &patch.id).map(|(i, _)| i);
    if let (Action::Remove, Some(i)) = (action, index) {
        remove_table(doc, i);
        return None;
    }
    let aot = doc.get_mut("fact").and_then(Item::as_array_of_tables_mut)?;
    match (action, index) {
        (Action::Add, _) => {
            let mut table = Table::new();
            table.insert("id", toml_edit::value(patch.id.trim()));
            patch_table(&mut table, patch);
            // A blank line before the new table, as people write them.
            table.decor_mut().set_prefix("\n");
            aot.push(table);
            aot.iter().last().map(render_table)
        }
        (Action::Edit, Some(i)) => {
            let table = aot.get_mut(i)?;
            patch_table(table, patch);
            Some(render_table(table))
        }
        _ => None,
    }
}

/// Removes the `i`th fact and exactly its text: the comments above it that
/// are not attached to it (separated by a blank line), and above the first
/// fact all of them, are the file's or a section's and stay where they are.
fn remove_table(doc: &mut DocumentMut, i: usize) {
    let Some(aot) = doc.get_mut("fact").and_then(Item::as_array_of_tables_mut) else {
        return;
    };
    let Some(removed) = aot.get(i) else {
        return;
    };
    let prefix = raw_prefix(removed.decor().prefix());
    let kept = if i == 0 { prefix } else { detached(&prefix).to_string() };
    aot.remove(i);
    if kept.is_empty() {
        return;
    }
    match aot.get_mut(i) {
        Some(next) => {
            let joined = join_blank(&kept, &raw_prefix(next.decor().prefix()));
            next.decor_mut().set_prefix(joined);
        }
        None => {
            let trailing = doc.trailing().as_str().unwrap_or("").to_string();
            let joined = join_blank(&kept, &trailing);
            doc.set_trailing(joined);
        }
    }
}

fn raw_prefix(prefix: Option<&toml_edit::RawString>) -> String {
    prefix.and_then(|p| p.as_str()).unwrap_or("").to_string()
}

/// The part of a table's prefix up to and including its last blank line:
/// what is above the table but not attached to it.
fn detached(prefix: &str) -> &str {
    let mut end = 0;
    let mut at = 0;
    for line in prefix.split_inclusive('\n') {
        at += line.len();
        if line.trim().is_empty() && line.ends_with('\n') {
            end = at;
        }
    }
    &prefix[..end]
}

/// `a` then `b`, without doubling the blank line between them.
fn join_blank(a: &str, b: &str) -> String {
    let a_ends_blank = a.split_inclusive('\n').next_back().is_some_and(|l| l.trim().is_empty());
    let mut b = b;
    if a_ends_blank {
        while let Some(line) = b.split_inclusive('\n').next() {
            if !(line.ends_with('\n') && line.trim().is_empty()) {
                break;
            }
            b = &b[line.len()..];
        }
    }
    format!("{a}{b}")
}

/// Writes the patch's fields into the table. A field whose value is
/// already the same on disk is left as it is written; the table's other
/// keys, their order and comments are never touched.
fn patch_table(table: &mut Table, p: &Patch) {
    let old_first = first_source(table);
    if let Some(questions) = &p.questions {
        set_strings(table, "questions", questions, true);
    }
    if let Some(answer) = &p.answer {
        set_text(table, "answer", Some(answer));
    }
    let new_first = match &p.sources {
        Some(sources) => sources.first().map(|s| s.trim().to_string()),
        None => old_first.clone(),
    };
    // A plain quote is credited to the fact's first source. When that
    // changes and the quotes are not given anew, the quotes name their
    // source explicitly so that none moves to another outlet.
    let quotes: Option<Vec<(Option<String>, String)>> = match &p.quotes {
        Some(quotes) => Some(
            quotes
                .iter()
                .map(|q| credited(&(q.0.clone(), q.1.trim().to_string()), new_first.as_deref()))
                .collect(),
        ),
        None if new_first != old_first => {
            let (fields, _) = read_fields(table);
            Some(
                fields
                    .quotes
                    .iter()
                    .map(|q| credited(q, old_first.as_deref()))
                    .collect(),
            )
        }
        None => None,
    };
    if let Some(sources) = &p.sources {
        set_strings(table, "sources", sources, false);
    }
    if let Some(quotes) = quotes {
        set_quotes(table, &quotes, old_first.as_deref(), new_first.as_deref());
    }
    for (key, values) in [("dates", &p.dates), ("tags", &p.tags), ("entities", &p.entities)] {
        match values {
            Some(v) if v.iter().all(|s| s.trim().is_empty()) => {
                table.remove(key);
            }
            Some(v) => set_strings(table, key, v, false),
            None => {}
        }
    }
    match &p.note {
        Some(Some(note)) if !note.trim().is_empty() => set_text(table, "note", Some(note)),
        Some(_) => set_text(table, "note", None),
        None => {}
    }
}

fn first_source(table: &Table) -> Option<String> {
    let first = table.get("sources")?.as_array()?.get(0)?.as_str()?;
    Some(first.trim().to_string())
}

/// Sets a string field, keeping the comment and spacing around it; an
/// unchanged value keeps its exact text (its quoting, its line breaks).
fn set_text(table: &mut Table, key: &str, value: Option<&str>) {
    let Some(value) = value.map(str::trim) else {
        table.remove(key);
        return;
    };
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) if old.as_str() == Some(value) => {}
        Some(old) => {
            let decor = old.decor().clone();
            *old = value.into();
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(key, toml_edit::value(value));
        }
    }
}

/// Sets a list of strings, changing only the items that change.
fn set_strings(table: &mut Table, key: &str, items: &[String], one_per_line: bool) {
    let new: Vec<Value> = items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(Value::from)
        .collect();
    set_list(table, key, new, one_per_line, |old, new| old.as_str() == new.as_str());
}

fn set_quotes(
    table: &mut Table,
    quotes: &[(Option<String>, String)],
    old_first: Option<&str>,
    new_first: Option<&str>,
) {
    let new: Vec<Value> = quotes
        .iter()
        .map(|(source, text)| match source {
            Some(s) if Some(s.as_str()) != new_first => {
                let mut t = InlineTable::new();
                t.insert("source", s.as_str().into());
                t.insert("text", text.as_str().into());
                Value::InlineTable(t)
            }
            _ => Value::from(text.as_str()),
        })
        .collect();
    // An old quote may stay as it is written only if it is the same quote
    // from the same source, both as it was read and as it reads now.
    set_list(table, "quotes", new, true, |old, new| {
        let (Some(old), Some(new)) = (quote_of(old), quote_of(new)) else {
            return false;
        };
        let wanted = credited(&new, new_first);
        credited(&old, old_first) == wanted && credited(&old, new_first) == wanted
    });
}

/// Replaces a list value with `new`, in the old list's layout: items that
/// are `same` as an old one keep that one's exact text and comments; new
/// items take the layout of their neighbours. A list with no change at all
/// is not touched.
fn set_list(table: &mut Table, key: &str, new: Vec<Value>, one_per_line: bool, same: impl Fn(&Value, &Value) -> bool) {
    let Some(old) = table.get_mut(key).and_then(Item::as_value_mut) else {
        table.insert(key, Item::Value(Value::Array(fresh_list(new, one_per_line))));
        return;
    };
    let Value::Array(old_list) = &*old else {
        let decor = old.decor().clone();
        *old = Value::Array(fresh_list(new, one_per_line));
        *old.decor_mut() = decor;
        return;
    };
    if old_list.len() == new.len() && old_list.iter().zip(&new).all(|(o, n)| same(o, n)) {
        return;
    }
    if old_list.is_empty() {
        let decor = old.decor().clone();
        *old = Value::Array(fresh_list(new, one_per_line));
        *old.decor_mut() = decor;
        return;
    }
    let multiline = old_list.iter().any(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    let indent = old_list
        .iter()
        .next()
        .and_then(|v| v.decor().prefix().and_then(|p| p.as_str()))
        .and_then(|p| p.rsplit('\n').next().map(str::to_string))
        .unwrap_or_else(|| "  ".to_string());
    let olds: Vec<&Value> = old_list.iter().collect();
    let mut used = vec![false; olds.len()];
    let mut list = Array::new();
    for (i, item) in new.into_iter().enumerate() {
        let free_and_same = |j: usize| !used[j] && same(olds[j], &item);
        let reuse = (i < olds.len() && free_and_same(i))
            .then_some(i)
            .or_else(|| (0..olds.len()).find(|&j| free_and_same(j)));
        let mut value = match reuse {
            Some(j) => {
                used[j] = true;
                olds[j].clone()
            }
            None => item,
        };
        // A new item takes the place, spacing and comments of the old item
        // there; an item moved along a one-line list is spaced for its new
        // place; one kept in place keeps its own.
        match (reuse, olds.get(i)) {
            (None, Some(old)) => *value.decor_mut() = old.decor().clone(),
            (Some(j), _) if j == i || multiline => {}
            _ => {
                let prefix = match (multiline, i) {
                    (true, _) => format!("\n{indent}"),
                    (false, 0) => String::new(),
                    (false, _) => " ".to_string(),
                };
                value.decor_mut().set_prefix(prefix);
                value.decor_mut().set_suffix("");
            }
        }
        list.push_formatted(value);
    }
    list.set_trailing(old_list.trailing().clone());
    list.set_trailing_comma(old_list.trailing_comma());
    let decor = old.decor().clone();
    *old = Value::Array(list);
    *old.decor_mut() = decor;
}

/// A new list in the layout a person would write: long lists one item per line.
fn fresh_list(items: Vec<Value>, one_per_line: bool) -> Array {
    let multiline = one_per_line && items.len() > 1;
    let mut array = Array::new();
    for mut item in items {
        if multiline {
            item.decor_mut().set_prefix("\n  ");
        }
        array.push_formatted(item);
    }
    if multiline {
        array.set_trailing("\n");
        array.set_trailing_comma(true);
    }
    array
}

/// The bot and `talksbot fact` may run at once: an advisory lock on the
/// knowledge folder itself makes them take turns too, without adding a file.
/// It is released when the handle drops, and by the OS if the process dies.
#[cfg(unix)]
fn lock_folder(dir: &Path, on_wait: impl FnOnce()) -> Result<std::fs::File, EditError> {
    let io = |source| EditError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let handle = std::fs::File::open(dir).map_err(io)?;
    match handle.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            on_wait();
            handle.lock().map_err(io)?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    Ok(handle)
}

/// Elsewhere a folder cannot be opened as a file; one process at a time
/// is then up to whoever runs it.
#[cfg(not(unix))]
fn lock_folder(_dir: &Path, _on_wait: impl FnOnce()) -> Result<(), EditError> {
    Ok(())
}

/// Replaces `path` with `text` so that a crash at any moment leaves either
/// the old file or the new one, whole.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), EditError> {
    write_settled(path, text, DEFAULT_SETTLE)
}

/// [`write_atomically`], with the file's modification time set `settle` in
/// the past. A file put in place by a rename is whole the moment it
/// appears; dating it back tells every writer, in this process or another,
/// that it need not wait for it to settle the way it waits for a file
/// written in place by an upload or an editor. (Only that window's worth:
/// the audit trail keeps the exact time of each change.)
fn write_settled(path: &Path, text: &str, settle: Duration) -> Result<(), EditError> {
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
        if let Some(then) = SystemTime::now().checked_sub(settle) {
            f.set_modified(then)?;
        }
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

    const SOURCES: &str = "[[source]]\nid = \"paper\"\noutlet = \"The Paper\"\ndate = \"2025-03-16\"\n\n[[source]]\nid = \"other\"\noutlet = \"The Other\"\ndate = \"2025-03-17\"\n";
    const FACTS: &str = "# Hand-written facts.\n\n[[fact]]\nid = \"one\" # the first\nquestions = [\"Who met Putin?\"]\nanswer = \"Witkoff.\"\nsources = [\"paper\"]\nquotes = [\"Witkoff met Putin\"]\n\n# A comment between facts.\n\n[[fact]]\nid = \"two\"\nquestions = [\"Where?\"]\nanswer = \"Moscow.\"\nsources = [\"paper\"]\nquotes = [\"in Moscow\"]\n";
    /// Everything an edit must not disturb: a multi-line quote credited to
    /// the second source, commas inside values, a multi-line note, comments.
    const RICH: &str = r#"# Rich facts.

[[fact]]
id = "rich"
answer = 'In Washington.' # literal string, before the questions
questions = [
  "Where did they meet?", # the usual way
  "Which city?",
]
sources = ["paper", "other"]
quotes = [
  "they met",
  { source = "other", text = """
in Washington,
the capital""" },
]
entities = ["Washington, D.C."]
tags = ["venues, capitals"]
note = """
First line.
Second line."""
"#;

    fn setup() -> (tempfile::TempDir, Editor) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sources.toml"), SOURCES).unwrap();
        std::fs::create_dir(dir.path().join("facts")).unwrap();
        std::fs::write(dir.path().join("facts/hand.toml"), FACTS).unwrap();
        std::fs::write(dir.path().join("facts/rich.toml"), RICH).unwrap();
        for f in ["sources.toml", "facts/hand.toml", "facts/rich.toml"] {
            age(&dir.path().join(f));
        }
        let editor = Editor::new(dir.path(), Path::new("facts/moderated.toml"));
        (dir, editor)
    }

    /// Dates a file back, as if it was written long ago.
    fn age(path: &Path) {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(3600)).unwrap();
    }

    fn read(dir: &tempfile::TempDir, name: &str) -> String {
        std::fs::read_to_string(dir.path().join(name)).unwrap()
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

    fn answer(id: &str, text: &str) -> Patch {
        Patch {
            answer: Some(text.into()),
            ..Patch::new(id)
        }
    }

    #[test]
    fn adding_writes_a_new_file_that_loads() {
        let (dir, editor) = setup();
        let change = editor.add(&draft("three")).unwrap();
        assert_eq!(change.file, Path::new("facts/moderated.toml"));
        let text = read(&dir, "facts/moderated.toml");
        assert!(
            text.starts_with("# Facts added") && text.contains("\n\n[[fact]]\nid = \"three\"\nquestions = [\n"),
            "{text}"
        );
        let base = FactBase::load(dir.path()).unwrap();
        assert_eq!(base.fact("three").unwrap().questions.len(), 2);
        assert!(matches!(editor.add(&draft("three")), Err(EditError::AlreadyExists(_))));
    }

    #[test]
    fn editing_one_field_changes_that_value_and_not_one_other_byte() {
        let (dir, editor) = setup();
        let change = editor.edit(&answer("two", "In Moscow, Russia."), None).unwrap();
        assert_eq!(change.file, Path::new("facts/hand.toml"));
        assert_eq!(
            read(&dir, "facts/hand.toml"),
            FACTS.replace("answer = \"Moscow.\"", "answer = \"In Moscow, Russia.\"")
        );
        assert!(change.before.unwrap().contains("Moscow."));

        editor.edit(&answer("rich", "In Washington, D.C."), None).unwrap();
        assert_eq!(
            read(&dir, "facts/rich.toml"),
            RICH.replace("'In Washington.'", "\"In Washington, D.C.\""),
            "the quote keeps its source and lines, the values their commas, the note its lines"
        );
        assert!(FactBase::load(dir.path()).is_ok());
    }

    #[test]
    fn giving_every_field_as_it_already_reads_changes_nothing() {
        let (dir, editor) = setup();
        let rich = editor.read("rich").unwrap().unwrap();
        assert!(rich.unreadable.is_empty());
        assert_eq!(rich.fields.entities, vec!["Washington, D.C."]);
        assert_eq!(
            rich.fields.quotes[1],
            (Some("other".into()), "in Washington,\nthe capital".into())
        );
        assert!(matches!(
            editor.edit(&Patch::from(&rich.fields), Some(&rich.fingerprint())),
            Err(EditError::Unchanged(_))
        ));
        assert_eq!(read(&dir, "facts/rich.toml"), RICH);
    }

    #[test]
    fn changing_one_item_of_a_list_keeps_the_others_as_written() {
        let (dir, editor) = setup();
        let patch = Patch {
            questions: Some(vec!["Where did they meet?".into(), "In which city?".into()]),
            ..Patch::new("rich")
        };
        editor.edit(&patch, None).unwrap();
        assert_eq!(
            read(&dir, "facts/rich.toml"),
            RICH.replace("\"Which city?\"", "\"In which city?\"")
        );
    }

    #[test]
    fn a_new_first_source_does_not_move_any_quote_to_another_outlet() {
        let (dir, editor) = setup();
        let patch = Patch {
            sources: Some(vec!["other".into(), "paper".into()]),
            ..Patch::new("rich")
        };
        editor.edit(&patch, None).unwrap();
        let base = FactBase::load(dir.path()).unwrap();
        let quotes: Vec<(&str, &str)> = base
            .fact("rich")
            .unwrap()
            .quotes
            .iter()
            .map(|q| (q.source.as_str(), q.text.as_str()))
            .collect();
        assert_eq!(
            quotes,
            vec![("paper", "they met"), ("other", "in Washington,\nthe capital")]
        );
    }

    #[test]
    fn an_invalid_change_is_refused_and_nothing_changes() {
        let (dir, editor) = setup();
        let patch = Patch {
            dates: Some(vec!["2025-13-45".into()]),
            ..Patch::new("two")
        };
        let err = editor.edit(&patch, None).unwrap_err();
        assert!(
            err.problems().iter().any(|p| p.message.contains("is not a date")),
            "{err}"
        );
        assert_eq!(read(&dir, "facts/hand.toml"), FACTS);
        let mut d = draft("four");
        d.sources = vec!["nowhere".into()];
        assert!(editor.add(&d).is_err());
        assert!(!dir.path().join("facts/moderated.toml").exists());
    }

    #[test]
    fn a_fact_changed_on_disk_since_it_was_shown_is_not_overwritten() {
        let (dir, editor) = setup();
        let seen = editor.read("two").unwrap().unwrap().fingerprint();
        let path = dir.path().join("facts/hand.toml");
        let hand = FACTS.replace("Moscow.", "Moscow (hand edit).");
        std::fs::write(&path, &hand).unwrap();
        age(&path);
        assert!(matches!(
            editor.edit(&answer("two", "Bot edit."), Some(&seen)),
            Err(EditError::Conflict(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), hand);
        // Unchanged, the same mark is accepted.
        let seen = editor.read("two").unwrap().unwrap().fingerprint();
        editor.edit(&answer("two", "Bot edit."), Some(&seen)).unwrap();
        // An edit to another fact builds on the hand edit instead of losing it.
        editor.edit(&answer("one", "Steve Witkoff."), None).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("Bot edit.") && text.contains("Steve Witkoff."), "{text}");
    }

    #[test]
    fn removing_deletes_only_that_fact() {
        let (dir, editor) = setup();
        editor.remove("two", None).unwrap();
        assert_eq!(
            read(&dir, "facts/hand.toml"),
            "# Hand-written facts.\n\n[[fact]]\nid = \"one\" # the first\nquestions = [\"Who met Putin?\"]\nanswer = \"Witkoff.\"\nsources = [\"paper\"]\nquotes = [\"Witkoff met Putin\"]\n\n# A comment between facts.\n\n",
            "the comment between the facts was not the fact's"
        );
        let base = FactBase::load(dir.path()).unwrap();
        assert!(base.fact("two").is_none() && base.fact("one").is_some());
        assert!(matches!(editor.remove("two", None), Err(EditError::UnknownFact { .. })));
        let e = editor.remove("on", None).unwrap_err();
        assert!(e.to_string().contains("did you mean \"one\"?"), "{e}");
    }

    #[test]
    fn removing_the_first_fact_keeps_the_file_header() {
        let (dir, editor) = setup();
        editor.remove("one", None).unwrap();
        let start = FACTS.find("[[fact]]").unwrap();
        let next = FACTS[start + 1..].find("# A comment").unwrap() + start + 1;
        assert_eq!(
            read(&dir, "facts/hand.toml"),
            format!("{}{}", &FACTS[..start], &FACTS[next..])
        );
    }

    #[test]
    fn a_comment_attached_to_a_removed_fact_goes_with_it() {
        let (dir, editor) = setup();
        let text = FACTS.replace("\n[[fact]]\nid = \"two\"", "\n# About two.\n[[fact]]\nid = \"two\"");
        std::fs::write(dir.path().join("facts/hand.toml"), &text).unwrap();
        age(&dir.path().join("facts/hand.toml"));
        editor.remove("two", None).unwrap();
        let after = read(&dir, "facts/hand.toml");
        assert!(
            !after.contains("About two") && after.contains("# A comment between facts."),
            "{after}"
        );
    }

    #[test]
    fn a_file_shorter_than_it_was_is_waited_for_then_refused_once() {
        let (dir, editor) = setup();
        let editor = editor.with_settle(Duration::from_millis(50), Duration::from_millis(200));
        editor.read("one").unwrap();
        // Cut after the first fact: valid TOML, one fact fewer, dated back so
        // that only its length gives it away.
        let path = dir.path().join("facts/hand.toml");
        let cut = &FACTS[..FACTS.find("\n# A comment").unwrap()];
        std::fs::write(&path, cut).unwrap();
        age(&path);
        let err = editor.edit(&answer("one", "Steve Witkoff."), None).unwrap_err();
        assert!(
            matches!(
                &err,
                EditError::Unsettled {
                    why: Unsettled::Shorter { .. },
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("try again"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), cut, "nothing written");
        // Taken out on purpose: the next attempt takes the file as it is.
        editor.edit(&answer("one", "Steve Witkoff."), None).unwrap();
    }

    #[test]
    fn a_file_changed_moments_ago_is_left_to_settle_first() {
        let (dir, editor) = setup();
        let path = dir.path().join("facts/hand.toml");
        let waits = Arc::new(Mutex::new(Vec::new()));
        let heard = Arc::clone(&waits);
        let finished = path.clone();
        let editor = editor
            .with_settle(Duration::from_secs(60), Duration::from_secs(60))
            .on_wait(move |w| {
                heard.lock().unwrap().push(w.clone());
                // The upload finishes: the whole file, stamped when it began.
                std::fs::write(&finished, FACTS.replace("Moscow.", "Moscow, uploaded.")).unwrap();
                age(&finished);
            });
        std::fs::write(&path, "# Still uploading\n").unwrap();
        editor.edit(&answer("one", "Steve Witkoff."), None).unwrap();
        assert_eq!(
            *waits.lock().unwrap(),
            vec![Wait::ForFile {
                file: PathBuf::from("facts/hand.toml"),
                why: Unsettled::Recent
            }]
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("Moscow, uploaded.") && text.contains("Steve Witkoff."),
            "{text}"
        );
    }

    #[test]
    fn a_file_this_program_wrote_needs_no_settling() {
        let (dir, editor) = setup();
        editor.edit(&answer("one", "Steve Witkoff."), None).unwrap();
        let waited = Arc::new(Mutex::new(false));
        let heard = Arc::clone(&waited);
        let other =
            Editor::new(dir.path(), Path::new("facts/moderated.toml")).on_wait(move |_| *heard.lock().unwrap() = true);
        other.edit(&answer("one", "Witkoff, again."), None).unwrap();
        assert!(!*waited.lock().unwrap(), "the first write was whole when it appeared");
    }

    #[test]
    fn detached_is_what_a_blank_line_separates_from_the_table() {
        assert_eq!(detached("\n"), "\n");
        assert_eq!(detached("\n# about it\n"), "\n");
        assert_eq!(detached("# section\n\n# about it\n"), "# section\n\n");
        assert_eq!(detached("# about it\n"), "");
        assert_eq!(join_blank("# header\n\n", "\n\n# next\n"), "# header\n\n# next\n");
        assert_eq!(join_blank("# header\n", "\n"), "# header\n\n");
    }
}
