//! Changing the fact base, the same way from Discord and from a terminal:
//! one editor writes, the change is recorded in the audit trail, and the
//! base is reloaded so the next question is answered from it.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;

use crate::knowledge::edit::{Change, Draft, EditError, Editor, OnDisk, Patch};
use crate::knowledge::new_source::{ArticleText, SourceAdded, SourceDraft, SourceError};
use crate::knowledge::reload::Reloader;
use crate::knowledge::KnowledgeError;
use crate::records::{ChangeRecord, Records};

/// What a moderator asked for.
#[derive(Debug, Clone)]
pub enum Request {
    Add(Draft),
    /// The fields to change, and the fingerprint of the fact as the
    /// moderator saw it.
    Edit(Patch, Option<String>),
    /// A saved edit form: only the boxes that no longer read as they were
    /// shown change their fields. `seen` is the fingerprint of the fact the
    /// form was built from.
    EditForm {
        id: String,
        form: Form,
        seen: String,
    },
    Remove(String, Option<String>),
}

/// A change that was written, and whether the new base is being served.
#[derive(Debug)]
pub struct Applied {
    pub change: Change,
    /// `None` when the base reloaded; otherwise why it did not.
    pub reload_error: Option<KnowledgeError>,
    /// `None` when the audit trail has the change; otherwise why it does not.
    pub audit_error: Option<String>,
}

/// How many times a change's audit record is tried before the moderator is told.
const AUDIT_ATTEMPTS: u32 = 3;

/// A source that was added, and whether the new base is being served.
#[derive(Debug)]
pub struct SourceApplied {
    pub added: SourceAdded,
    pub reload_error: Option<KnowledgeError>,
    pub audit_error: Option<String>,
}

/// The editor, the reloader and the records together.
#[derive(Debug)]
pub struct Moderation {
    pub editor: Editor,
    pub reloader: Arc<Reloader>,
    pub records: Option<Arc<Records>>,
}

impl Moderation {
    /// Applies a change on behalf of `moderator` (a Discord id, or "cli:NAME").
    pub fn apply(&self, moderator: &str, request: Request) -> Result<Applied, EditError> {
        let change = match &request {
            Request::Add(d) => self.editor.add(d)?,
            Request::Edit(p, seen) => self.editor.edit(p, seen.as_deref())?,
            Request::EditForm { id, form, seen } => {
                let patch = self.form_changes(id, form, seen)?;
                self.editor.edit(&patch, Some(seen))?
            }
            Request::Remove(id, seen) => self.editor.remove(id, seen.as_deref())?,
        };
        let audit_error = self.audit(ChangeRecord {
            at: Utc::now(),
            moderator: moderator.to_string(),
            fact_id: change.fact_id.clone(),
            action: change.action.as_str().to_string(),
            file: change.file.display().to_string(),
            before: change.before.clone(),
            after: change.after.clone(),
        });
        // Who is in the audit trail; a log line carries no user ids (README).
        tracing::info!(fact = %change.fact_id, action = change.action.as_str(), file = %change.file.display(), "fact base changed");
        let reload_error = self.reloader.reload().err();
        Ok(Applied {
            change,
            reload_error,
            audit_error,
        })
    }

    /// Adds a source and its article text on behalf of `moderator`; the
    /// audit trail records it under the source's id.
    pub fn add_source(
        &self,
        moderator: &str,
        draft: &SourceDraft,
        text: &ArticleText,
    ) -> Result<SourceApplied, SourceError> {
        let added = self.editor.add_source(draft, text)?;
        let audit_error = self.audit(ChangeRecord {
            at: Utc::now(),
            moderator: moderator.to_string(),
            fact_id: added.source_id.clone(),
            action: "add source".to_string(),
            file: crate::knowledge::SOURCES_FILE.to_string(),
            before: None,
            after: Some(added.table.clone()),
        });
        tracing::info!(source = %added.source_id, article = %added.article.display(), "source added");
        let reload_error = self.reloader.reload().err();
        Ok(SourceApplied {
            added,
            reload_error,
            audit_error,
        })
    }

    /// Records a change in the audit trail, trying again a few times (another
    /// process may hold the database for longer than its busy timeout); the
    /// error when it still cannot, so the moderator is told.
    fn audit(&self, record: ChangeRecord) -> Option<String> {
        let Some(records) = &self.records else {
            return Some("there is no audit trail this run (the records database could not be opened)".into());
        };
        let mut last = None;
        for attempt in 0..AUDIT_ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(std::time::Duration::from_millis(100 << attempt));
            }
            match records.record_change(&record) {
                Ok(()) => return None,
                Err(e) => last = Some(e.to_string()),
            }
        }
        tracing::error!(error = ?last, id = %record.fact_id, "the change was saved but could not be recorded in the audit trail");
        last
    }

    /// What a saved form changes. The form was built from the fact on disk
    /// with the fingerprint `seen`; while that is still what is on disk,
    /// building the form again gives exactly what the moderator was shown.
    /// (The editor checks the fingerprint again inside its lock.)
    fn form_changes(&self, id: &str, form: &Form, seen: &str) -> Result<Patch, EditError> {
        let current = self.editor.read(id)?.ok_or_else(|| self.editor.unknown(id))?;
        if current.fingerprint() != seen {
            return Err(EditError::Conflict(id.to_string()));
        }
        let shown = Form::show(&current).map_err(|_| EditError::Conflict(id.to_string()))?;
        Ok(form.changes(&shown)?)
    }
}

/// The five text boxes of the fact form (Discord allows five per modal).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub id: String,
    /// One question per line.
    pub questions: String,
    pub answer: String,
    /// One quote per line; `source-id | text` names its source.
    pub quotes: String,
    /// `key: value` lines: sources, dates, tags, entities (comma-separated), note.
    pub details: String,
}

/// The most each box holds, in characters as Discord counts them (UTF-16
/// units; Discord allows at most 4000 in a text input).
pub mod limits {
    pub const ID: usize = 64;
    pub const QUESTIONS: usize = 4000;
    /// Answers are meant to be a sentence or two.
    pub const ANSWER: usize = 2000;
    pub const QUOTES: usize = 4000;
    pub const DETAILS: usize = 4000;
}

/// A form field that could not be read: which one, and how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FormError {
    pub field: &'static str,
    pub message: String,
}

impl From<FormError> for EditError {
    fn from(e: FormError) -> EditError {
        EditError::Field {
            field: e.field,
            message: e.message,
        }
    }
}

/// Why the form will not open for a fact: showing it would change it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("The form cannot show fact `{id}` without changing it: {reason}. Nothing was changed.\nEdit it from the command line, which changes only the fields you give, e.g. `talksbot fact edit {id} --answer \"...\"` (see `talksbot fact edit --help`), or edit `{file}` in the knowledge folder by hand.")]
pub struct Unshowable {
    pub id: String,
    pub file: String,
    pub reason: String,
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A quote as a moderator types it: `source-id | text` names one of the
/// fact's sources; anything else is a quote from the first source.
pub fn parse_quote(line: &str, sources: &[String]) -> (Option<String>, String) {
    match line.split_once(" | ") {
        Some((source, text)) if sources.iter().any(|s| s.trim() == source.trim()) => {
            (Some(source.trim().to_string()), text.trim().to_string())
        }
        _ => (None, line.trim().to_string()),
    }
}

/// A box's text as it compares: Discord may send line ends and trailing
/// spaces differently from how they were shown.
fn normal(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// How long a text is for Discord.
fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The details box's lines by field name. A key given twice: the last wins.
fn details_of(details: &str) -> Result<BTreeMap<&'static str, String>, FormError> {
    let mut out = BTreeMap::new();
    for line in details.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((key, value)) = line.split_once(':') else {
            return Err(FormError {
                field: "details",
                message: format!("{line:?} is not `key: value`; write e.g. `sources: newsmax-2025-05-18`"),
            });
        };
        let key = match key.trim().to_lowercase().as_str() {
            "sources" | "source" => "sources",
            "dates" | "date" => "dates",
            "tags" | "tag" => "tags",
            "entities" | "entity" => "entities",
            "note" => "note",
            other => {
                return Err(FormError {
                    field: "details",
                    message: format!("unknown key {other:?}; use sources, dates, tags, entities or note"),
                })
            }
        };
        out.insert(key, value.trim().to_string());
    }
    Ok(out)
}

impl Form {
    /// Reads the form into a draft; the draft is then checked like any edit.
    pub fn to_draft(&self) -> Result<Draft, FormError> {
        let details = details_of(&self.details)?;
        let list = |key: &str| details.get(key).map(|v| split_list(v)).unwrap_or_default();
        let sources = list("sources");
        let quotes = lines(&self.quotes).iter().map(|l| parse_quote(l, &sources)).collect();
        Ok(Draft {
            id: self.id.trim().to_string(),
            questions: lines(&self.questions),
            answer: self.answer.trim().to_string(),
            quotes,
            dates: list("dates"),
            tags: list("tags"),
            entities: list("entities"),
            note: details.get("note").filter(|n| !n.is_empty()).cloned(),
            sources,
        })
    }

    /// The form filled in from a fact as it is on disk, or why it cannot be
    /// shown without changing it: a value too long for its box (a cut value
    /// saved back would lose its end), or one the boxes would read back
    /// differently (a comma inside a tag, a quote over several lines).
    pub fn show(fact: &OnDisk) -> Result<Form, Unshowable> {
        let refuse = |reason: String| Unshowable {
            id: fact.fields.id.trim().to_string(),
            file: fact.file.display().to_string(),
            reason,
        };
        let f = &fact.fields;
        if let Some(key) = fact.unreadable.first() {
            return Err(refuse(format!("its `{key}` is not written the way the form reads it")));
        }
        if f.questions.iter().any(|q| q.contains('\n')) {
            return Err(refuse(
                "a question spans several lines, and the form takes one per line".into(),
            ));
        }
        if f.quotes.iter().any(|(_, q)| q.trim().contains('\n')) {
            return Err(refuse(
                "a quote spans several lines, and the form takes one per line".into(),
            ));
        }
        for (name, values) in [
            ("source", &f.sources),
            ("date", &f.dates),
            ("tag", &f.tags),
            ("entity", &f.entities),
        ] {
            if let Some(v) = values.iter().find(|v| v.contains(',') || v.contains('\n')) {
                return Err(refuse(format!(
                    "the {name} {v:?} contains a comma or a line break, which the details box would read as two"
                )));
            }
        }
        if f.note.as_deref().is_some_and(|n| n.trim().contains('\n')) {
            return Err(refuse(
                "the note spans several lines, and the details box takes it on one".into(),
            ));
        }
        let first = f.sources.first().map(|s| s.trim());
        let quotes = f
            .quotes
            .iter()
            .map(|(source, text)| match source {
                Some(s) if Some(s.trim()) != first => format!("{} | {}", s.trim(), text.trim()),
                _ => text.trim().to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mut details = vec![format!("sources: {}", f.sources.join(", "))];
        for (key, values) in [("dates", &f.dates), ("tags", &f.tags), ("entities", &f.entities)] {
            if !values.is_empty() {
                details.push(format!("{key}: {}", values.join(", ")));
            }
        }
        if let Some(note) = &f.note {
            details.push(format!("note: {}", note.trim()));
        }
        let form = Form {
            id: f.id.trim().to_string(),
            questions: f.questions.join("\n"),
            answer: f.answer.clone(),
            quotes,
            details: details.join("\n"),
        };
        for (name, text, max) in [
            ("id", &form.id, limits::ID),
            ("questions", &form.questions, limits::QUESTIONS),
            ("answer", &form.answer, limits::ANSWER),
            ("quotes", &form.quotes, limits::QUOTES),
            (
                "details (sources, dates, tags, entities and note)",
                &form.details,
                limits::DETAILS,
            ),
        ] {
            let len = discord_len(text);
            if len > max {
                return Err(refuse(format!(
                    "its {name} is {len} characters long, and the form's box holds {max}"
                )));
            }
        }
        // Whatever else would not read back as written (a quote that reads
        // like `source | text`, an empty item, a source that is not listed).
        let back = form
            .to_draft()
            .map_err(|e| refuse(format!("the {} box would not read back: {}", e.field, e.message)))?;
        let trimmed = |v: &[String]| lines(&v.join("\n"));
        let credited = |quotes: &[(Option<String>, String)], first: Option<&str>| -> Vec<(Option<String>, String)> {
            quotes
                .iter()
                .map(|(s, t)| {
                    (
                        s.as_deref().or(first).map(|s| s.trim().to_string()),
                        t.trim().to_string(),
                    )
                })
                .collect()
        };
        let differs = [
            ("questions", trimmed(&f.questions) != back.questions),
            ("answer", f.answer.trim() != back.answer),
            ("sources", trimmed(&f.sources) != back.sources),
            (
                "quotes",
                credited(&f.quotes, first) != credited(&back.quotes, back.sources.first().map(String::as_str)),
            ),
            ("dates", trimmed(&f.dates) != back.dates),
            ("tags", trimmed(&f.tags) != back.tags),
            ("entities", trimmed(&f.entities) != back.entities),
            (
                "note",
                f.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) != back.note.as_deref(),
            ),
        ];
        if let Some((name, _)) = differs.iter().find(|(_, d)| *d) {
            return Err(refuse(format!("its {name} would not read back exactly as written")));
        }
        Ok(form)
    }

    /// What this saved form changes from the form as it was shown: a box
    /// (or a line of the details box) that reads as shown leaves its field
    /// exactly as it is on disk.
    pub fn changes(&self, shown: &Form) -> Result<Patch, FormError> {
        let mut patch = Patch::new(&shown.id);
        if normal(&self.questions) != normal(&shown.questions) {
            patch.questions = Some(lines(&self.questions));
        }
        if normal(&self.answer) != normal(&shown.answer) {
            patch.answer = Some(self.answer.trim().to_string());
        }
        let now = details_of(&self.details)?;
        let was = details_of(&shown.details)?;
        let list_change = |key: &str| -> Option<Vec<String>> {
            match (now.get(key), was.get(key)) {
                (a, b) if a == b => None,
                (Some(v), _) => Some(split_list(v)),
                (None, _) => Some(Vec::new()),
            }
        };
        patch.sources = list_change("sources");
        patch.dates = list_change("dates");
        patch.tags = list_change("tags");
        patch.entities = list_change("entities");
        patch.note = match (now.get("note"), was.get("note")) {
            (a, b) if a == b => None,
            (a, _) => Some(a.filter(|n| !n.is_empty()).cloned()),
        };
        if normal(&self.quotes) != normal(&shown.quotes) {
            let sources = patch
                .sources
                .clone()
                .unwrap_or_else(|| was.get("sources").map(|v| split_list(v)).unwrap_or_default());
            patch.quotes = Some(lines(&self.quotes).iter().map(|l| parse_quote(l, &sources)).collect());
        }
        Ok(patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_reads_into_a_draft() {
        let form = Form {
            id: " new-fact ".into(),
            questions: "Who?\n\nWhen?\n".into(),
            answer: "Someone.".into(),
            quotes: "first quote\nother | second quote".into(),
            details: "sources: paper, other\ndates: 2025-03-13\ntags: a, b\nnote: check later".into(),
        };
        let d = form.to_draft().unwrap();
        assert_eq!(d.id, "new-fact");
        assert_eq!(d.questions, vec!["Who?", "When?"]);
        assert_eq!(d.sources, vec!["paper", "other"]);
        assert_eq!(
            d.quotes,
            vec![
                (None, "first quote".into()),
                (Some("other".into()), "second quote".into())
            ]
        );
        assert_eq!(d.note.as_deref(), Some("check later"));
    }

    #[test]
    fn a_bad_details_line_names_the_field_and_the_fix() {
        let form = Form {
            details: "source = paper".into(),
            ..Default::default()
        };
        let e = form.to_draft().unwrap_err();
        assert_eq!(e.field, "details");
        assert!(e.message.contains("key: value"));
    }

    fn on_disk(fields: Draft) -> OnDisk {
        OnDisk {
            file: "facts/people.toml".into(),
            text: String::new(),
            fields,
            unreadable: Vec::new(),
        }
    }

    fn fact() -> Draft {
        Draft {
            id: "rubio".into(),
            questions: vec!["Who is Rubio?".into(), "Rubio's job?".into()],
            answer: "Secretary of State.".into(),
            sources: vec!["paper".into(), "other".into()],
            quotes: vec![
                (Some("paper".into()), "first quote".into()),
                (Some("other".into()), "second quote".into()),
            ],
            dates: vec!["2025-03-13".into()],
            tags: vec!["people".into()],
            entities: vec![],
            note: Some("checked".into()),
        }
    }

    #[test]
    fn a_form_left_as_shown_changes_nothing() {
        let shown = Form::show(&on_disk(fact())).unwrap();
        assert_eq!(shown.quotes, "first quote\nother | second quote");
        assert_eq!(
            shown.details,
            "sources: paper, other\ndates: 2025-03-13\ntags: people\nnote: checked"
        );
        assert!(shown.changes(&shown).unwrap().is_empty());
        // Discord may send line ends and trailing spaces back differently.
        let mut back = shown.clone();
        back.questions = "Who is Rubio?  \r\nRubio's job?\n".into();
        assert!(back.changes(&shown).unwrap().is_empty());
    }

    #[test]
    fn only_the_boxes_and_detail_lines_that_changed_become_changes() {
        let shown = Form::show(&on_disk(fact())).unwrap();
        let mut saved = shown.clone();
        saved.answer = "U.S. Secretary of State.".into();
        saved.details = "sources: paper, other\ndates: 2025-03-14\ntags: people".into();
        let patch = saved.changes(&shown).unwrap();
        assert_eq!(
            patch,
            Patch {
                answer: Some("U.S. Secretary of State.".into()),
                dates: Some(vec!["2025-03-14".into()]),
                note: Some(None),
                ..Patch::new("rubio")
            }
        );
    }

    #[test]
    fn a_fact_the_form_cannot_show_as_written_is_refused_with_the_way_to_edit_it() {
        let refusal = |change: &dyn Fn(&mut Draft)| {
            let mut f = fact();
            change(&mut f);
            Form::show(&on_disk(f)).unwrap_err()
        };
        let long = refusal(&|f| f.answer = "word ".repeat(480));
        assert!(long.reason.contains("2400 characters"), "{long}");
        assert!(long.to_string().contains("talksbot fact edit rubio"), "{long}");
        for (what, change) in [
            (
                "comma",
                &(|f: &mut Draft| f.entities = vec!["Washington, D.C.".into()]) as &dyn Fn(&mut Draft),
            ),
            ("comma", &|f| f.tags = vec!["venues, capitals".into()]),
            ("note spans several lines", &|f| f.note = Some("one\ntwo".into())),
            ("quote spans several lines", &|f| f.quotes[1].1 = "one\ntwo".into()),
            // A plain quote that would read back as credited to `other`.
            ("quotes would not read back", &|f| {
                f.quotes[0] = (None, "other | words".into())
            }),
            ("quotes would not read back", &|f| {
                f.quotes[1].0 = Some("unlisted".into())
            }),
        ] {
            let r = refusal(change);
            assert!(r.reason.contains(what), "{what}: {r}");
        }
        let mut f = fact();
        f.answer = "a".repeat(limits::ANSWER);
        assert_eq!(
            Form::show(&on_disk(f)).unwrap().answer.len(),
            limits::ANSWER,
            "a full box is fine, uncut"
        );
    }
}
