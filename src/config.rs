//! Settings from `config/talksbot.toml`. Every key has a default, so a
//! missing table or key is fine; an unknown key is an error, so a typo is
//! never silently ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::matching::MatcherConfig;

/// Where the bundled config lives, relative to the working directory.
pub const DEFAULT_CONFIG: &str = "config/talksbot.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub knowledge: KnowledgeConfig,
    pub matcher: MatcherConfig,
    pub eval: EvalConfig,
    pub discord: DiscordConfig,
    pub moderation: ModerationConfig,
    pub records: RecordsConfig,
    pub ops: OpsConfig,
}

/// The `[ops]` table: health checks and metrics for operators.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpsConfig {
    /// Where to serve `/healthz` and `/metrics` over plain HTTP, e.g.
    /// `127.0.0.1:9184`. Unset (the default): not served.
    pub listen: Option<std::net::SocketAddr>,
}

/// The `[knowledge]` table: where the fact base's sources are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KnowledgeConfig {
    /// The folder of article texts every quote is checked against on each
    /// load, reload and edit; `TALKSBOT_ARTICLES` overrides it. Unset, quotes
    /// are served but shown to moderators as unverified.
    pub articles: Option<PathBuf>,
}

/// The environment variable naming the articles folder.
pub const ARTICLES_ENV: &str = "TALKSBOT_ARTICLES";

/// The `[moderation]` table: who may change the fact base from Discord.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModerationConfig {
    /// Discord user ids that may always edit.
    pub owners: Vec<u64>,
    /// Per guild id (written as a string key), the role ids whose members may edit.
    pub roles: std::collections::BTreeMap<String, Vec<u64>>,
    /// Channel that hears about every change and every failed reload.
    pub mod_log_channel: Option<u64>,
    /// Where facts added from Discord or `talksbot fact add` are written,
    /// relative to the knowledge folder.
    pub new_facts_file: PathBuf,
    /// Reload after files in the knowledge folder change.
    pub watch: bool,
    /// Quiet time after the last change before reloading, in milliseconds.
    pub watch_settle_ms: u64,
    /// Before writing, how long files must have been left alone to be
    /// trusted as whole (an upload or an editor may pause mid-file), in
    /// milliseconds.
    pub write_settle_ms: u64,
}

impl Default for ModerationConfig {
    fn default() -> Self {
        ModerationConfig {
            owners: Vec::new(),
            roles: Default::default(),
            mod_log_channel: None,
            new_facts_file: PathBuf::from("facts/moderated.toml"),
            watch: true,
            watch_settle_ms: 300,
            write_settle_ms: 2000,
        }
    }
}

impl ModerationConfig {
    /// May this person, in this guild with these roles, change the fact base?
    /// A role counts only in the guild it is listed for.
    pub fn may_moderate(&self, user: u64, guild: Option<u64>, roles: &[u64]) -> bool {
        self.owners.contains(&user)
            || guild.is_some_and(|g| {
                self.roles
                    .get(&g.to_string())
                    .is_some_and(|allowed| roles.iter().any(|r| allowed.contains(r)))
            })
    }
}

/// The `[records]` table: the question log and audit trail.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecordsConfig {
    /// Folder for the SQLite database.
    pub data_dir: PathBuf,
    /// Keep the Discord user id with each question (off: no user ids are stored).
    pub record_user_ids: bool,
    /// Question records older than this many days are deleted (0: kept
    /// for ever). The audit trail of changes is always kept.
    pub question_retention_days: u32,
}

impl Default for RecordsConfig {
    fn default() -> Self {
        RecordsConfig {
            data_dir: PathBuf::from("data"),
            record_user_ids: false,
            question_retention_days: 90,
        }
    }
}

impl RecordsConfig {
    /// The question log's settings: the defaults, with this retention.
    pub fn question_log(&self) -> crate::records::QuestionLogOptions {
        crate::records::QuestionLogOptions {
            retention: (self.question_retention_days > 0)
                .then(|| chrono::Duration::days(i64::from(self.question_retention_days))),
            ..Default::default()
        }
    }
}

/// The `[discord]` table: how `talksbot serve` behaves in a server.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// A private file holding the bot token, used when `DISCORD_TOKEN` is not set.
    pub token_file: Option<PathBuf>,
    /// The application (client) id, for `talksbot invite`.
    pub application_id: Option<u64>,
    /// Guilds to register the slash commands in directly (instant); when
    /// empty, they are registered globally (may take up to an hour to show).
    pub command_guilds: Vec<u64>,
    /// Answer when someone mentions the bot with a question.
    pub answer_mentions: bool,
    /// Channels where the bot answers question-shaped messages unprompted,
    /// only when confident. Needs the Message Content intent.
    pub auto_answer_channels: Vec<u64>,
    /// In those channels, the same fact is given at most once per this many seconds.
    pub auto_answer_cooldown_secs: u64,
    /// Questions one person may ask in a row before the steady rate applies.
    pub question_burst: u32,
    /// After the burst, one more question per this many seconds (0: no
    /// limit). Unset: `user_cooldown_secs` if that is set, else 5.
    pub question_refill_secs: Option<u64>,
    /// The old name of `question_refill_secs`, from when one question per
    /// this many seconds was the whole rule; still read, with a warning.
    pub user_cooldown_secs: Option<u64>,
    /// Longer questions are answered from their first this-many characters.
    pub max_question_chars: usize,
    /// Attempts for a request Discord answers with 429 or a 5xx, in all.
    pub max_attempts: u32,
    /// Longest wait between attempts, in milliseconds.
    pub max_backoff_ms: u64,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token_file: None,
            application_id: None,
            command_guilds: Vec::new(),
            answer_mentions: true,
            auto_answer_channels: Vec::new(),
            auto_answer_cooldown_secs: 3600,
            question_burst: 3,
            question_refill_secs: None,
            user_cooldown_secs: None,
            max_question_chars: 300,
            max_attempts: 5,
            max_backoff_ms: 10_000,
        }
    }
}

/// One question more per this many seconds, unless the config says otherwise.
pub const DEFAULT_QUESTION_REFILL_SECS: u64 = 5;

impl DiscordConfig {
    /// How many questions one person may ask in a row, and how often one
    /// more after that (zero: no limit).
    pub fn question_rate(&self) -> (u32, std::time::Duration) {
        let refill = self
            .question_refill_secs
            .or(self.user_cooldown_secs)
            .unwrap_or(DEFAULT_QUESTION_REFILL_SECS);
        (self.question_burst.max(1), std::time::Duration::from_secs(refill))
    }

    /// A sentence for the log when the config still uses the old key.
    pub fn deprecation_warning(&self) -> Option<String> {
        let old = self.user_cooldown_secs?;
        Some(match self.question_refill_secs {
            Some(new) => format!(
                "[discord] user_cooldown_secs = {old} is ignored: question_refill_secs = {new} is set; remove user_cooldown_secs"
            ),
            None => format!(
                "[discord] user_cooldown_secs is now question_refill_secs (one more question per {old} s after a burst of question_burst = {}); rename it",
                self.question_burst.max(1)
            ),
        })
    }
}

/// Pass marks for `talksbot eval`; a question file may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvalConfig {
    /// Share of answerable questions whose top-ranked fact is right.
    pub min_precision_at_1: f64,
    /// Share of unanswerable questions not answered.
    pub min_decline_rate: f64,
    /// Share of answerable questions actually answered, and rightly.
    pub min_answered_right: f64,
    /// Share of answerable questions answered with a wrong fact, at most.
    pub max_answered_wrong: f64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            min_precision_at_1: 0.95,
            min_decline_rate: 0.95,
            min_answered_right: 0.9,
            max_answered_wrong: 0.03,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}\n  fix: correct the key or value there; every key is described in the bundled config/talksbot.toml")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// Values that parse but mean nothing (a threshold of 7): all of them,
    /// one sentence each, so one edit fixes the file.
    #[error("{path}: {} value(s) out of range, nothing loaded:\n  {}", .problems.len(), .problems.join("\n  "))]
    OutOfRange { path: PathBuf, problems: Vec<String> },
}

/// Range checks of numeric settings, gathered so that one load reports
/// every value out of range, each as one sentence naming the key and the fix.
#[derive(Debug, Default)]
pub struct RangeCheck {
    problems: Vec<String>,
}

impl RangeCheck {
    /// A threshold, share, weight or factor: from 0 to 1.
    pub fn unit(&mut self, table: &str, key: &str, value: f32, default: f32) {
        if !(0.0..=1.0).contains(&value) {
            self.problem(format!(
                "[{table}] {key} = {value} is not between 0 and 1: set it to a value from 0 to 1 (the default is {default})."
            ));
        }
    }

    /// A weight with no upper bound.
    pub fn non_negative(&mut self, table: &str, key: &str, value: f32, default: f32) {
        if !(value >= 0.0 && value.is_finite()) {
            self.problem(format!(
                "[{table}] {key} = {value} is not a number of 0 or more: set it to 0 or more (the default is {default})."
            ));
        }
    }

    /// A count where 0 makes no sense; `hint` says what 0 was perhaps meant to do.
    pub fn at_least_one(&mut self, table: &str, key: &str, value: u64, default: u64, hint: &str) {
        if value == 0 {
            self.problem(format!(
                "[{table}] {key} = 0 is too few: set it to 1 or more (the default is {default}); {hint}."
            ));
        }
    }

    /// A problem that is not one value alone, already a sentence.
    pub fn problem(&mut self, sentence: String) {
        self.problems.push(sentence);
    }

    pub fn into_problems(self) -> Vec<String> {
        self.problems
    }
}

impl EvalConfig {
    fn check_ranges(&self, check: &mut RangeCheck) {
        let d = EvalConfig::default();
        // Shares of questions: f64 here, shown as the file wrote them.
        for (key, value, default) in [
            ("min_precision_at_1", self.min_precision_at_1, d.min_precision_at_1),
            ("min_decline_rate", self.min_decline_rate, d.min_decline_rate),
            ("min_answered_right", self.min_answered_right, d.min_answered_right),
            ("max_answered_wrong", self.max_answered_wrong, d.max_answered_wrong),
        ] {
            if !(0.0..=1.0).contains(&value) {
                check.problem(format!(
                    "[eval] {key} = {value} is not between 0 and 1: set it to a share from 0 to 1 (the default is {default})."
                ));
            }
        }
    }
}

impl DiscordConfig {
    fn check_ranges(&self, check: &mut RangeCheck) {
        let d = DiscordConfig::default();
        check.at_least_one(
            "discord",
            "question_burst",
            u64::from(self.question_burst),
            u64::from(d.question_burst),
            "to lift the limit on questions, set question_refill_secs = 0",
        );
        check.at_least_one(
            "discord",
            "max_question_chars",
            self.max_question_chars as u64,
            d.max_question_chars as u64,
            "0 would answer every question as an empty one",
        );
        check.at_least_one(
            "discord",
            "max_attempts",
            u64::from(self.max_attempts),
            u64::from(d.max_attempts),
            "1 sends each request once, without retrying",
        );
    }
}

impl Config {
    /// Reads the named file, or the bundled one if none is named; with no
    /// file named and none bundled, the defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => return Err(ConfigError::Io { path, source }),
        };
        let mut config = Config::parse(&path, &text)?;
        config.knowledge.articles = articles_setting(std::env::var_os(ARTICLES_ENV), config.knowledge.articles);
        Ok(config)
    }

    /// The config a file's text describes, every value in its range.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line: before.matches('\n').count() + 1,
                column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                message: e.message().trim().to_string(),
            }
        })?;
        let problems = config.out_of_range();
        if !problems.is_empty() {
            return Err(ConfigError::OutOfRange {
                path: path.to_path_buf(),
                problems,
            });
        }
        Ok(config)
    }

    /// One sentence for each value out of its range; empty when all are in.
    pub fn out_of_range(&self) -> Vec<String> {
        let mut check = RangeCheck::default();
        self.matcher.check_ranges(&mut check);
        self.eval.check_ranges(&mut check);
        self.discord.check_ranges(&mut check);
        check.into_problems()
    }
}

/// The environment wins over the file; set but empty, it turns checking off.
fn articles_setting(env: Option<std::ffi::OsString>, file: Option<PathBuf>) -> Option<PathBuf> {
    match env {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_articles_folder_comes_from_the_environment_before_the_file() {
        let c = Config::parse(Path::new("c.toml"), "[knowledge]\narticles = \"texts\"\n").unwrap();
        let file = c.knowledge.articles;
        assert_eq!(file.as_deref(), Some(Path::new("texts")));
        assert_eq!(
            articles_setting(Some("other".into()), file.clone()),
            Some(PathBuf::from("other"))
        );
        assert_eq!(articles_setting(Some("".into()), file.clone()), None);
        assert_eq!(articles_setting(None, file.clone()), file);
    }

    #[test]
    fn missing_keys_take_defaults() {
        let c = Config::parse(Path::new("c.toml"), "[matcher]\nanswer_threshold = 0.7\n").unwrap();
        assert_eq!(c.matcher.answer_threshold, 0.7);
        assert_eq!(c.matcher.max_suggestions, MatcherConfig::default().max_suggestions);
    }

    #[test]
    fn moderators_are_owners_or_hold_a_listed_role_in_that_guild() {
        let c = Config::parse(
            Path::new("c.toml"),
            "[moderation]\nowners = [1]\n[moderation.roles]\n\"100\" = [7]\n",
        )
        .unwrap()
        .moderation;
        assert!(c.may_moderate(1, None, &[]));
        assert!(c.may_moderate(2, Some(100), &[7]));
        assert!(!c.may_moderate(2, Some(100), &[8]));
        assert!(
            !c.may_moderate(2, Some(200), &[7]),
            "a role counts only in its own guild"
        );
        assert!(!c.may_moderate(2, None, &[7]));
    }

    #[test]
    fn health_and_metrics_are_off_unless_an_address_is_given() {
        assert_eq!(Config::default().ops.listen, None);
        let c = Config::parse(Path::new("c.toml"), "[ops]\nlisten = \"127.0.0.1:9184\"\n").unwrap();
        assert_eq!(c.ops.listen, Some("127.0.0.1:9184".parse().unwrap()));
        let err = Config::parse(Path::new("c.toml"), "[ops]\nlisten = \"localhost\"\n").unwrap_err();
        assert!(err.to_string().starts_with("c.toml:2:"), "{err}");
    }

    #[test]
    fn the_question_rate_reads_the_old_cooldown_key_when_the_new_one_is_unset() {
        let parse = |text: &str| Config::parse(Path::new("c.toml"), text).unwrap().discord;
        let secs = std::time::Duration::from_secs;
        let defaults = parse("");
        assert_eq!(defaults.question_rate(), (3, secs(5)));
        assert_eq!(defaults.deprecation_warning(), None);

        let old = parse("[discord]\nuser_cooldown_secs = 60\n");
        assert_eq!(old.question_rate(), (3, secs(60)));
        assert!(old.deprecation_warning().unwrap().contains("rename it"));

        let both = parse("[discord]\nuser_cooldown_secs = 60\nquestion_refill_secs = 10\n");
        assert_eq!(both.question_rate(), (3, secs(10)), "the new key wins");
        assert!(both.deprecation_warning().unwrap().contains("is ignored"));
    }

    #[test]
    fn question_retention_defaults_to_90_days_and_0_keeps_everything() {
        let parse = |text: &str| Config::parse(Path::new("c.toml"), text).unwrap().records;
        assert_eq!(parse("").question_log().retention, Some(chrono::Duration::days(90)));
        assert_eq!(
            parse("[records]\nquestion_retention_days = 0\n")
                .question_log()
                .retention,
            None
        );
    }

    #[test]
    fn a_config_built_in_code_with_no_burst_still_allows_one_question() {
        // A file cannot say question_burst = 0 (see the range checks); a
        // config made in code still never locks everyone out.
        let c = DiscordConfig {
            question_burst: 0,
            ..DiscordConfig::default()
        };
        assert_eq!(c.question_rate().0, 1);
    }

    #[test]
    fn the_bundled_config_is_in_range() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_CONFIG);
        let text = std::fs::read_to_string(&path).unwrap();
        let config = Config::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.out_of_range(), Vec::<String>::new());
    }

    #[test]
    fn a_threshold_outside_0_to_1_is_refused_with_its_key_and_the_fix() {
        let err = Config::parse(Path::new("c.toml"), "[matcher]\nanswer_threshold = 7\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.toml: 1 value(s) out of range, nothing loaded:\n  [matcher] answer_threshold = 7 is not between 0 and 1: set it to a value from 0 to 1 (the default is 0.69)."
        );
    }

    #[test]
    fn a_suggest_threshold_above_the_answer_threshold_is_refused() {
        let err = Config::parse(
            Path::new("c.toml"),
            "[matcher]\nanswer_threshold = 0.5\nsuggest_threshold = 0.6\n",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("suggest_threshold = 0.6 is above answer_threshold = 0.5")
                && text.contains("set it at or below answer_threshold"),
            "{text}"
        );
        // Equal is the way to turn suggestions off, so it is allowed.
        Config::parse(
            Path::new("c.toml"),
            "[matcher]\nanswer_threshold = 0.5\nsuggest_threshold = 0.5\n",
        )
        .unwrap();
    }

    #[test]
    fn every_value_out_of_range_is_reported_at_once_one_line_each() {
        let text = "[matcher]\nanswer_threshold = -0.1\ntie_margin = 2.0\nbody_weight = nan\n\
                    unknown_word_weight = -1.0\nmax_suggestions = 0\nmax_question_words = 0\n\
                    contrast_penalty = 1.5\n\
                    [matcher.calibration]\nbias = inf\n\
                    [eval]\nmin_decline_rate = 95.0\n\
                    [discord]\nquestion_burst = 0\nmax_attempts = 0\nmax_question_chars = 0\n";
        let Err(ConfigError::OutOfRange { problems, .. }) = Config::parse(Path::new("c.toml"), text) else {
            panic!("out-of-range values were accepted");
        };
        let keys = [
            "[matcher] answer_threshold = -0.1 ",
            "[matcher] tie_margin = 2 ",
            "[matcher] body_weight = NaN ",
            "[matcher] unknown_word_weight = -1 ",
            "[matcher] max_suggestions = 0 ",
            "[matcher] max_question_words = 0 ",
            "[matcher] contrast_penalty = 1.5 ",
            "[matcher.calibration] bias = inf ",
            "[eval] min_decline_rate = 95 ",
            "[discord] question_burst = 0 ",
            "[discord] max_attempts = 0 ",
            "[discord] max_question_chars = 0 ",
        ];
        assert_eq!(problems.len(), keys.len(), "{problems:#?}");
        for key in keys {
            let problem = problems
                .iter()
                .find(|p| p.starts_with(key))
                .unwrap_or_else(|| panic!("no problem for {key}: {problems:#?}"));
            assert!(problem.contains(": set it to "), "the fix is given: {problem}");
            assert!(
                problem.ends_with('.') && !problem.contains('\n'),
                "one sentence: {problem}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_reported_with_their_position() {
        let err = Config::parse(Path::new("c.toml"), "[matcher]\nanswer_treshold = 0.7\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("c.toml:2:1: unknown field `answer_treshold`"),
            "{text}"
        );
    }
}
