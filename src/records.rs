//! What the bot keeps a record of, in an embedded SQLite database: every
//! question asked (to find what people want that the sources don't cover)
//! and every change to the fact base (who, when, before and after).
//!
//! The schema is versioned here and migrated on open. The database is a
//! convenience: when it cannot be opened or written, the bot keeps
//! answering and says so in the log.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Schema migrations, in order; entry N brings the schema to version N + 1.
const MIGRATIONS: &[&str] = &[
    // 1: questions and fact-base changes.
    "CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        guild INTEGER,
        channel INTEGER,
        user INTEGER,
        question TEXT NOT NULL,
        outcome TEXT NOT NULL,
        fact_id TEXT,
        confidence REAL NOT NULL,
        latency_us INTEGER NOT NULL
    );
    CREATE INDEX questions_at ON questions(at);
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        moderator TEXT NOT NULL,
        fact_id TEXT NOT NULL,
        action TEXT NOT NULL,
        file TEXT NOT NULL,
        before TEXT,
        after TEXT
    );
    CREATE INDEX changes_fact ON changes(fact_id, at);",
];

/// Why the records could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("cannot open the records database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the data directory {path}: {source}")]
    Dir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("records database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "the records database is version {found}, newer than this talksbot understands ({known}); upgrade talksbot"
    )]
    TooNew { found: i64, known: i64 },
}

/// One question as asked.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionRecord {
    pub at: DateTime<Utc>,
    pub guild: Option<u64>,
    pub channel: Option<u64>,
    /// Kept only when the config asks for it.
    pub user: Option<u64>,
    /// The question folded for grouping (case, accents, punctuation).
    pub question: String,
    pub outcome: String,
    pub fact_id: Option<String>,
    pub confidence: f32,
    pub latency_us: u64,
}

/// One change to the fact base.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    pub at: DateTime<Utc>,
    /// A Discord user id, or "cli:USER" for edits from a terminal.
    pub moderator: String,
    pub fact_id: String,
    /// "add", "edit" or "remove".
    pub action: String,
    pub file: String,
    /// The fact's TOML before and after; `None` when it did not exist.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A question people asked that the bot could not answer, with how often.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub question: String,
    pub count: u64,
    pub last_asked: DateTime<Utc>,
}

pub struct Records {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records").field("path", &self.path).finish()
    }
}

/// The database file inside a data directory.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("talksbot.sqlite3")
}

impl Records {
    /// Opens (creating if needed) the database in `data_dir`, in WAL mode,
    /// and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Records, RecordsError> {
        std::fs::create_dir_all(data_dir).map_err(|source| RecordsError::Dir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = database_path(data_dir);
        // Processes starting together on a new database race to create it
        // and switch it to WAL; in some of those moments SQLite answers
        // "locked" at once rather than wait, so the loser tries again.
        let mut attempt = 0;
        loop {
            match Self::open_once(&path) {
                Err(e) if attempt < OPEN_ATTEMPTS && is_busy(&e) => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20 * u64::from(attempt)));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Records, RecordsError> {
        let conn = Connection::open(path).map_err(|source| RecordsError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        // WAL lets `talksbot gaps` read while the bot writes; a busy timeout
        // rides out the moments when both write.
        // Wait for other processes before anything else, switching to WAL included.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrate(&conn)?;
        Ok(Records {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn record_question(&self, q: &QuestionRecord) -> Result<(), RecordsError> {
        self.conn().execute(
            "INSERT INTO questions (at, guild, channel, user, question, outcome, fact_id, confidence, latency_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                q.at.to_rfc3339(),
                q.guild.map(|g| g as i64),
                q.channel.map(|c| c as i64),
                q.user.map(|u| u as i64),
                q.question,
                q.outcome,
                q.fact_id,
                q.confidence as f64,
                q.latency_us as i64
            ],
        )?;
        Ok(())
    }

    pub fn record_change(&self, c: &ChangeRecord) -> Result<(), RecordsError> {
        self.conn().execute(
            "INSERT INTO changes (at, moderator, fact_id, action, file, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                c.at.to_rfc3339(),
                c.moderator,
                c.fact_id,
                c.action,
                c.file,
                c.before,
                c.after
            ],
        )?;
        Ok(())
    }

    /// The most frequent unanswered questions (suggested or declined) since
    /// a day, most asked first.
    pub fn gaps(&self, since: Option<NaiveDate>, limit: usize) -> Result<Vec<Gap>, RecordsError> {
        let since = since
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().to_rfc3339())
            .unwrap_or_default();
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT question, COUNT(*) AS n, MAX(at) FROM questions
             WHERE outcome != 'answer' AND at >= ?1
             GROUP BY question ORDER BY n DESC, MAX(at) DESC, question LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![since, limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut gaps = Vec::new();
        for row in rows {
            let (question, count, last) = row?;
            gaps.push(Gap {
                question,
                count: count as u64,
                last_asked: parse_time(&last),
            });
        }
        Ok(gaps)
    }

    /// Every change to a fact, oldest first.
    pub fn history(&self, fact_id: &str) -> Result<Vec<ChangeRecord>, RecordsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at, moderator, fact_id, action, file, before, after FROM changes
             WHERE fact_id = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map(params![fact_id], |r| {
            Ok(ChangeRecord {
                at: parse_time(&r.get::<_, String>(0)?),
                moderator: r.get(1)?,
                fact_id: r.get(2)?,
                action: r.get(3)?,
                file: r.get(4)?,
                before: r.get(5)?,
                after: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// How many changes are recorded in all.
    pub fn change_count(&self) -> Result<u64, RecordsError> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM changes", [], |r| r.get::<_, i64>(0))? as u64)
    }
}

fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn migrate(conn: &Connection) -> Result<(), RecordsError> {
    // The write lock is taken before the version is read: two processes
    // opening a new database at once would otherwise both read version 0 and
    // the second would fail creating tables the first had just made.
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(RecordsError::TooNew { found: version, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

/// How many times opening a database another process is creating is tried.
const OPEN_ATTEMPTS: u32 = 10;

fn is_busy(e: &RecordsError) -> bool {
    let code = match e {
        RecordsError::Open { source, .. } | RecordsError::Sql(source) => source.sqlite_error_code(),
        _ => None,
    };
    matches!(
        code,
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The last change recorded for a fact, if any (for `/fact show`).
pub fn last_change(records: &Records, fact_id: &str) -> Result<Option<ChangeRecord>, RecordsError> {
    let conn = records.conn();
    Ok(conn
        .query_row(
            "SELECT at, moderator, fact_id, action, file, before, after FROM changes
             WHERE fact_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
            params![fact_id],
            |r| {
                Ok(ChangeRecord {
                    at: parse_time(&r.get::<_, String>(0)?),
                    moderator: r.get(1)?,
                    fact_id: r.get(2)?,
                    action: r.get(3)?,
                    file: r.get(4)?,
                    before: r.get(5)?,
                    after: r.get(6)?,
                })
            },
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(text: &str, outcome: &str, at: &str) -> QuestionRecord {
        QuestionRecord {
            at: DateTime::parse_from_rfc3339(at).unwrap().with_timezone(&Utc),
            guild: Some(1),
            channel: Some(2),
            user: None,
            question: text.into(),
            outcome: outcome.into(),
            fact_id: None,
            confidence: 0.1,
            latency_us: 40,
        }
    }

    #[test]
    fn gaps_count_unanswered_questions_since_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let r = Records::open(dir.path()).unwrap();
        for (q, o, at) in [
            ("who won", "abstain", "2025-05-01T10:00:00Z"),
            ("who won", "suggest", "2025-05-02T10:00:00Z"),
            ("who won", "abstain", "2025-05-03T10:00:00Z"),
            ("capital of peru", "abstain", "2025-05-03T11:00:00Z"),
            ("who met putin", "answer", "2025-05-03T12:00:00Z"),
            ("old question", "abstain", "2024-01-01T00:00:00Z"),
        ] {
            r.record_question(&question(q, o, at)).unwrap();
        }
        let gaps = r.gaps(NaiveDate::from_ymd_opt(2025, 1, 1), 10).unwrap();
        assert_eq!(gaps.len(), 2);
        assert_eq!((gaps[0].question.as_str(), gaps[0].count), ("who won", 3));
        assert_eq!((gaps[1].question.as_str(), gaps[1].count), ("capital of peru", 1));
    }

    #[test]
    fn the_schema_is_migrated_once_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let r = Records::open(dir.path()).unwrap();
            r.record_change(&ChangeRecord {
                at: Utc::now(),
                moderator: "42".into(),
                fact_id: "f".into(),
                action: "add".into(),
                file: "facts/x.toml".into(),
                before: None,
                after: Some("[[fact]]".into()),
            })
            .unwrap();
        }
        let r = Records::open(dir.path()).unwrap();
        assert_eq!(r.history("f").unwrap().len(), 1);
        let mode: String = r
            .conn()
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_newer_schema_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(database_path(dir.path())).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = Records::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("upgrade talksbot"), "{err}");
    }
}
