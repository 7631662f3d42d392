//! Changing the fact base, the same way from Discord and from a terminal:
//! one editor writes, the change is recorded in the audit trail, and the
//! base is reloaded so the next question is answered from it.

use std::sync::Arc;

use chrono::Utc;

use crate::knowledge::edit::{Change, Draft, EditError, Editor};
use crate::knowledge::new_source::{ArticleText, SourceAdded, SourceDraft, SourceError};
use crate::knowledge::reload::Reloader;
use crate::knowledge::{Fact, KnowledgeError};
use crate::records::{ChangeRecord, Records};

/// What a moderator asked for.
#[derive(Debug, Clone)]
pub enum Request {
    Add(Draft),
    /// The draft, and the fingerprint of the fact as the moderator saw it.
    Edit(Draft, Option<String>),
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
            Request::Edit(d, seen) => self.editor.edit(d, seen.as_deref())?,
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

/// A form field that could not be read: which one, and how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FormError {
    pub field: &'static str,
    pub message: String,
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Form {
    /// Reads the form into a draft; the draft is then checked like any edit.
    pub fn to_draft(&self) -> Result<Draft, FormError> {
        let mut draft = Draft {
            id: self.id.trim().to_string(),
            questions: self
                .questions
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            answer: self.answer.trim().to_string(),
            ..Default::default()
        };
        for line in self.details.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let Some((key, value)) = line.split_once(':') else {
                return Err(FormError {
                    field: "details",
                    message: format!("{line:?} is not `key: value`; write e.g. `sources: newsmax-2025-05-18`"),
                });
            };
            match key.trim().to_lowercase().as_str() {
                "sources" | "source" => draft.sources = split_list(value),
                "dates" | "date" => draft.dates = split_list(value),
                "tags" | "tag" => draft.tags = split_list(value),
                "entities" | "entity" => draft.entities = split_list(value),
                "note" => draft.note = Some(value.trim().to_string()).filter(|n| !n.is_empty()),
                other => {
                    return Err(FormError {
                        field: "details",
                        message: format!("unknown key {other:?}; use sources, dates, tags, entities or note"),
                    })
                }
            }
        }
        for line in self.quotes.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.split_once(" | ") {
                Some((source, text)) if draft.sources.iter().any(|s| s == source.trim()) => draft
                    .quotes
                    .push((Some(source.trim().to_string()), text.trim().to_string())),
                _ => draft.quotes.push((None, line.to_string())),
            }
        }
        Ok(draft)
    }

    /// The form filled in from a fact, for editing.
    pub fn from_fact(fact: &Fact) -> Form {
        let first = fact.sources.first();
        let quotes = fact
            .quotes
            .iter()
            .map(|q| {
                if Some(&q.source) == first {
                    q.text.clone()
                } else {
                    format!("{} | {}", q.source, q.text)
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mut details = vec![format!("sources: {}", fact.sources.join(", "))];
        if !fact.dates.is_empty() {
            let dates: Vec<String> = fact.dates.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect();
            details.push(format!("dates: {}", dates.join(", ")));
        }
        if !fact.tags.is_empty() {
            details.push(format!("tags: {}", fact.tags.join(", ")));
        }
        if !fact.entities.is_empty() {
            details.push(format!("entities: {}", fact.entities.join(", ")));
        }
        if let Some(note) = &fact.note {
            details.push(format!("note: {}", note.replace('\n', " ")));
        }
        Form {
            id: fact.id.clone(),
            questions: fact.questions.join("\n"),
            answer: fact.answer.clone(),
            quotes,
            details: details.join("\n"),
        }
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
}
