//! The command line: `ask`, `chat`, `eval` and `check` work offline from the
//! bundled fact base; `serve` runs the Discord bot.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::answers::{render_text, Knowledge};
use crate::config::Config;
use crate::config::ARTICLES_ENV;
use crate::knowledge::articles::{self, Articles};
use crate::knowledge::FactBase;

#[derive(Debug, Parser)]
#[command(
    name = "talksbot",
    version,
    about = "Answers questions about the Russia-Ukraine ceasefire talks from a cited fact base"
)]
pub struct Cli {
    /// The knowledge folder (sources.toml, synonyms.toml, facts/).
    #[arg(long, global = true, env = "TALKSBOT_KNOWLEDGE", default_value = "knowledge")]
    pub knowledge: PathBuf,
    /// The config file [default: config/talksbot.toml if present, else built-in defaults].
    #[arg(long, global = true, env = "TALKSBOT_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer a question (or one per line from standard input) with its sources.
    Ask {
        /// Print one JSON object per question instead of text.
        #[arg(long)]
        json: bool,
        /// Also show how each question was read: each word, what it matched and its
        /// weight (with --json, as each line's `explain` field).
        #[arg(long)]
        explain: bool,
        /// The question; without it, questions are read from standard input, one per line.
        question: Vec<String>,
    },
    /// Try questions at an interactive prompt (Ctrl-D to quit).
    Chat,
    /// Measure the matcher on a labelled question file.
    Eval {
        /// The question file.
        #[arg(default_value = "tests/eval/questions.toml")]
        file: PathBuf,
        /// Ask each question with seeded keyboard typos in this share of its
        /// words (0 to 1) instead: a measurement, so the file's pass marks,
        /// set for the questions as written, are shown but not enforced.
        #[arg(long, value_name = "RATE")]
        typos: Option<f64>,
        /// Seed for --typos: the same seed gives the same typos.
        #[arg(long, default_value_t = 1, requires = "typos")]
        seed: u64,
    },
    /// Fit the confidence calibration to labelled questions (dev sets only, never
    /// the test set) and show how well confidence matches being right.
    Calibrate {
        /// Labelled question files to fit on.
        #[arg(default_values = [
            "tests/eval/questions.toml",
            "tests/eval/dev.toml",
            "tests/eval/dev2.toml",
            "tests/eval/dev3.toml",
            "tests/eval/dev4.toml",
            "tests/eval/dev5.toml",
            "tests/eval/dev6.toml",
            "tests/eval/dev7.toml",
            "tests/eval/dev8.toml",
            "tests/eval/dev9.toml",
            "tests/eval/dev10.toml",
            "tests/eval/dev11.toml",
            "tests/eval/dev12.toml",
            "tests/eval/dev13.toml",
            "tests/eval/dev14.toml",
            "tests/eval/dev15.toml",
            "tests/eval/dev16.toml",
            "tests/eval/dev17.toml",
            "tests/eval/dev18.toml",
            "tests/eval/dev19.toml",
            "tests/eval/dev20.toml"
        ])]
        files: Vec<PathBuf>,
        /// Write the fitted weights into the config file's [matcher.calibration].
        #[arg(long)]
        write: bool,
        /// Draw the reliability diagram, as SVG, of the files given with --plot-on
        /// (or the fitted ones) under the fitted weights, to this path.
        #[arg(long)]
        plot: Option<PathBuf>,
        /// The labelled file(s) to draw and report; fitting never reads them.
        #[arg(long = "plot-on")]
        plot_on: Vec<PathBuf>,
        /// Cross-validate instead of fitting once: leave each of these files out of
        /// the fit in turn (the others and FILES stay in) and score it with the
        /// weights fitted without it. Writes and draws nothing.
        #[arg(long = "leave-out", conflicts_with_all = ["write", "plot", "plot_on"])]
        leave_out: Vec<PathBuf>,
        /// L2 shrinkage of the feature weights [default: the one the bundled
        /// weights were fitted with].
        #[arg(long)]
        shrinkage: Option<f64>,
    },
    /// Run the Discord bot (token from DISCORD_TOKEN or the configured token file).
    Serve,
    /// Print the link that adds the bot to a server, with the permissions it needs.
    Invite {
        /// The application (client) id; defaults to application_id in the config.
        #[arg(long)]
        application_id: Option<u64>,
    },
    /// The most frequent questions the bot could not answer.
    Gaps {
        /// Only questions asked on or after this day (YYYY-MM-DD).
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        /// How many to list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Who changed a fact, when, and what.
    History {
        /// The fact's id.
        fact_id: String,
    },
    /// Add, edit or remove a fact, checked and recorded exactly as from Discord.
    #[command(subcommand)]
    Fact(FactCommand),
    /// Add a source: an article's text and its citation, for facts to quote.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Find an article's passages closest to some words, to copy a quote verbatim.
    #[command(subcommand)]
    Quote(QuoteCommand),
    /// Validate the whole fact base; exits non-zero on any problem.
    Check {
        /// Also verify every quote word for word against the article texts in this
        /// folder [default: [knowledge] articles in the config, or TALKSBOT_ARTICLES].
        #[arg(long)]
        articles: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FactCommand {
    /// Add a new fact.
    Add(FactArgs),
    /// Change the fields given, and only those: everything else in the file stays byte for byte.
    Edit(FactArgs),
    /// Remove a fact.
    Remove {
        /// The fact's id.
        id: String,
    },
}

/// A date flag, checked where it is typed, so the error names the flag and
/// the format rather than a line of a file that is not written yet.
fn date_flag(text: &str) -> Result<String, String> {
    let text = text.trim();
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(_) if text.len() == 10 => Ok(text.to_string()),
        _ => Err("not a date: write it as YYYY-MM-DD, e.g. 2025-05-18".into()),
    }
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Store an article's text in the articles folder and its [[source]] in
    /// sources.toml, checked and recorded like any change.
    Add(SourceArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SourceKindArg {
    /// The story itself.
    Article,
    /// The headline of another story printed on an article's page.
    Headline,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("text_or_article").required(true).args(["text", "article"])))]
pub struct SourceArgs {
    /// The source's id (lowercase-with-dashes, e.g. gazette-2025-06-01).
    pub id: String,
    /// The publication, as readers know it.
    #[arg(long)]
    pub outlet: String,
    /// The date of publication, YYYY-MM-DD.
    #[arg(long, value_parser = date_flag)]
    pub date: String,
    /// The author or desk, as printed.
    #[arg(long)]
    pub byline: Option<String>,
    /// The headline.
    #[arg(long)]
    pub title: Option<String>,
    /// What the article reports on, in one line.
    #[arg(long)]
    pub context: Option<String>,
    /// Where it was published, only where known.
    #[arg(long)]
    pub url: Option<String>,
    #[arg(long, value_enum, default_value = "article")]
    pub kind: SourceKindArg,
    /// A plain-text file with the article's text, as published.
    #[arg(long)]
    pub text: Option<PathBuf>,
    /// Or: the name of a file already in the articles folder (a headline
    /// printed on a page whose text is stored).
    #[arg(long)]
    pub article: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum QuoteCommand {
    /// Print the passages of a source's article closest to some words.
    Find {
        /// The source's id in sources.toml.
        source: String,
        /// Words of the passage, as remembered.
        #[arg(required = true)]
        words: Vec<String>,
        /// How many passages to show.
        #[arg(long, default_value_t = 3)]
        count: usize,
    },
}

#[derive(Debug, clap::Args)]
pub struct FactArgs {
    /// The fact's id (lowercase-with-dashes).
    pub id: String,
    /// A question the fact answers (repeat for several).
    #[arg(long = "question")]
    pub questions: Vec<String>,
    /// The answer, in our own words.
    #[arg(long)]
    pub answer: Option<String>,
    /// A source id from sources.toml (repeat for several).
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// A verbatim quote; `SOURCE-ID | text` names its source (repeat for several).
    #[arg(long = "quote")]
    pub quotes: Vec<String>,
    /// An event date, YYYY-MM-DD (repeat for several).
    #[arg(long = "date", value_parser = date_flag)]
    pub dates: Vec<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// A person, place or organisation (repeat for several).
    #[arg(long = "entity")]
    pub entities: Vec<String>,
    /// A note for curators (`--note ""` takes it away).
    #[arg(long)]
    pub note: Option<String>,
}

impl FactArgs {
    /// The new fact these arguments describe. Values are taken as given:
    /// a comma inside `--entity "Washington, D.C."` is part of the value.
    fn draft(&self) -> crate::knowledge::edit::Draft {
        use crate::moderation::parse_quote;
        crate::knowledge::edit::Draft {
            id: self.id.trim().to_string(),
            questions: self.questions.clone(),
            answer: self.answer.clone().unwrap_or_default(),
            quotes: self.quotes.iter().map(|q| parse_quote(q, &self.sources)).collect(),
            sources: self.sources.clone(),
            dates: self.dates.clone(),
            tags: self.tags.clone(),
            entities: self.entities.clone(),
            note: self.note.clone().filter(|n| !n.trim().is_empty()),
        }
    }

    /// The fields these arguments change, and only those. `current` is the
    /// fact as it is on disk, to tell which source a `--quote` names.
    fn patch(&self, current: Option<&crate::knowledge::edit::Draft>) -> crate::knowledge::edit::Patch {
        use crate::moderation::parse_quote;
        let given = |values: &Vec<String>| (!values.is_empty()).then(|| values.clone());
        let sources = given(&self.sources);
        let quote_sources = sources
            .clone()
            .or_else(|| current.map(|c| c.sources.clone()))
            .unwrap_or_default();
        crate::knowledge::edit::Patch {
            questions: given(&self.questions),
            answer: self.answer.clone(),
            quotes: (!self.quotes.is_empty())
                .then(|| self.quotes.iter().map(|q| parse_quote(q, &quote_sources)).collect()),
            sources,
            dates: given(&self.dates),
            tags: given(&self.tags),
            entities: given(&self.entities),
            // `--note ""` takes the note away.
            note: self.note.clone().map(|n| Some(n).filter(|n| !n.trim().is_empty())),
            ..crate::knowledge::edit::Patch::new(&self.id)
        }
    }
}

fn open_records(config: &Config) -> anyhow::Result<crate::records::Records> {
    Ok(crate::records::Records::open(&config.records.data_dir)?)
}

/// The records database for a command that only reads it, or `None` after
/// saying there is nothing recorded yet: reading never creates the
/// database or its folder.
fn existing_records(config: &Config, out: &mut impl Write) -> anyhow::Result<Option<crate::records::Records>> {
    let records = crate::records::Records::open_existing(&config.records.data_dir)?;
    if records.is_none() {
        writeln!(
            out,
            "No records yet: there is no records database at {} (the bot creates it when it first records a question or a change).",
            crate::records::database_path(&config.records.data_dir).display()
        )?;
    }
    Ok(records)
}

fn fact_command(dir: &Path, config: &Config, command: FactCommand) -> anyhow::Result<ExitCode> {
    use crate::knowledge::edit::EditError;
    use crate::moderation::Request;
    require_folder(dir)?;
    let editor = editor(dir, config);
    // The fact is read now, before waiting for any other writer: its
    // fingerprint makes the change refuse if someone changes the fact
    // meanwhile, rather than overwrite their change.
    let request = match &command {
        FactCommand::Add(args) => Request::Add(args.draft()),
        FactCommand::Edit(args) => {
            let current = editor.read(&args.id)?;
            let patch = args.patch(current.as_ref().map(|c| &c.fields));
            if patch.is_empty() {
                anyhow::bail!(
                    "nothing to change: give the fields to change, e.g. --answer \"...\" (see talksbot fact edit --help)"
                );
            }
            Request::Edit(patch, current.map(|c| c.fingerprint()))
        }
        FactCommand::Remove { id } => {
            let seen = editor.read(id)?.map(|c| c.fingerprint());
            Request::Remove(id.clone(), seen)
        }
    };
    let moderation = moderation(config, editor)?;
    let who = cli_user();
    match moderation.apply(&who, request) {
        Ok(applied) => {
            let c = &applied.change;
            writeln!(
                std::io::stdout().lock(),
                "{} {} in {}",
                c.action.as_str(),
                c.fact_id,
                c.file.display()
            )?;
            Ok(after_change(applied.reload_error, applied.audit_error))
        }
        // Already as asked: nothing to do is not a failure.
        Err(e @ EditError::Unchanged(_)) => {
            eprintln!("talksbot: {}", crate::logging::Chain(&e));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("talksbot: {}", crate::logging::Chain(&e));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The one writer, as the config sets it up, telling the terminal while it
/// waits for a file still being written.
fn editor(dir: &Path, config: &Config) -> crate::knowledge::edit::Editor {
    crate::knowledge::edit::Editor::new(dir, &config.moderation.new_facts_file)
        .with_articles(config.knowledge.articles.clone())
        .with_settle_window(std::time::Duration::from_millis(config.moderation.write_settle_ms))
        .on_wait(|wait| eprintln!("talksbot: {wait}..."))
}

/// The editor, reloader and audit trail for one change from the terminal.
/// Without an audit trail nothing is changed: every change must be in it.
fn moderation(
    config: &Config,
    editor: crate::knowledge::edit::Editor,
) -> anyhow::Result<crate::moderation::Moderation> {
    let records = open_records(config).map_err(|e| {
        anyhow::anyhow!(
            "{e}\nNothing was changed: every change must be recorded in the audit trail (the records database in {}).",
            config.records.data_dir.display()
        )
    })?;
    let records = Some(std::sync::Arc::new(records));
    let dir = editor.dir().to_path_buf();
    Ok(crate::moderation::Moderation {
        editor,
        reloader: std::sync::Arc::new(
            crate::knowledge::reload::Reloader::checking(&dir).with_articles(config.knowledge.articles.clone()),
        ),
        records,
    })
}

/// What is left to say after a change was written: whether the base serves
/// it and whether the audit trail has it. Either failing fails the command.
fn after_change(reload_error: Option<crate::knowledge::KnowledgeError>, audit_error: Option<String>) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    if let Some(e) = audit_error {
        eprintln!(
            "talksbot: the change was saved, but it is NOT in the audit trail: {e}\nRecord it by hand (who, what, when) and tell whoever looks after the records database."
        );
        code = ExitCode::FAILURE;
    }
    if let Some(e) = reload_error {
        eprintln!("talksbot: the change was saved, but the base does not load:\n{e}");
        code = ExitCode::FAILURE;
    }
    code
}

fn cli_user() -> String {
    format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".into()))
}

fn source_add(dir: &Path, config: &Config, args: SourceArgs) -> anyhow::Result<ExitCode> {
    use crate::knowledge::new_source::{ArticleText, SourceDraft};
    let text = match (&args.text, &args.article) {
        (Some(file), _) => {
            ArticleText::New(std::fs::read_to_string(file).with_context(|| format!("--text {}", file.display()))?)
        }
        (None, Some(name)) => ArticleText::Existing(name.clone()),
        (None, None) => anyhow::bail!("give the article's text with --text FILE, or --article NAME"),
    };
    let draft = SourceDraft {
        id: args.id,
        kind: Some(
            match args.kind {
                SourceKindArg::Article => "article",
                SourceKindArg::Headline => "headline",
            }
            .to_string(),
        ),
        outlet: args.outlet,
        date: args.date,
        byline: args.byline,
        title: args.title,
        context: args.context,
        url: args.url,
    };
    require_folder(dir)?;
    let moderation = moderation(config, editor(dir, config))?;
    match moderation.add_source(&cli_user(), &draft, &text) {
        Ok(applied) => {
            writeln!(
                std::io::stdout().lock(),
                "added source {} in {}; its text is {}",
                applied.added.source_id,
                crate::knowledge::SOURCES_FILE,
                applied.added.article.display()
            )?;
            Ok(after_change(applied.reload_error, applied.audit_error))
        }
        Err(e) => {
            eprintln!("talksbot: {}", crate::logging::Chain(&e));
            Ok(ExitCode::FAILURE)
        }
    }
}

fn quote_find(dir: &Path, config: &Config, source: &str, words: &str, count: usize) -> anyhow::Result<ExitCode> {
    let base = FactBase::load(dir).map_err(|e| anyhow::anyhow!("{e}\nRun `talksbot check` for the full list."))?;
    let Some(found) = base.source(source.trim()) else {
        let hint = crate::knowledge::did_you_mean_hint(source, base.sources().iter().map(|s| s.id.as_str()));
        anyhow::bail!("there is no source with the id {source:?}{hint}");
    };
    let Some(folder) = config.knowledge.articles.as_deref() else {
        anyhow::bail!(
            "no articles folder: set [knowledge] articles in the config or {ARTICLES_ENV} to the folder of article texts"
        );
    };
    let mut texts = Articles::open(folder)?;
    let article = texts.article(found)?;
    let passages = article.closest(words, count);
    let mut out = std::io::stdout().lock();
    if passages.is_empty() {
        writeln!(out, "No passage of {} is like those words.", found.id)?;
        return Ok(ExitCode::FAILURE);
    }
    writeln!(
        out,
        "Closest passages of {} ({}), to quote word for word:",
        found.id,
        found.article.as_deref().unwrap_or_default()
    )?;
    for p in passages {
        writeln!(out, "  {:.2}  {:?}", p.likeness, p.text)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn require_folder(dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        anyhow::bail!(
            "there is no knowledge folder at {}: run talksbot from the repository root, or pass --knowledge DIR",
            dir.display()
        );
    }
    Ok(())
}

fn load_knowledge(dir: &Path, config: &Config) -> anyhow::Result<Knowledge> {
    require_folder(dir)?;
    Knowledge::load_verified(dir, &config.matcher, config.knowledge.articles.as_deref())
        .map_err(|e| anyhow::anyhow!("{e}\nRun `talksbot check` for the full list."))
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Ask {
            json,
            explain,
            question,
        } => {
            let knowledge = load_knowledge(&cli.knowledge, &config)?;
            let how = AskOutput { json, explain };
            if question.is_empty() {
                ask_stdin(&knowledge, how)
            } else {
                ask_one(&knowledge, &question.join(" "), how)
            }
        }
        Command::Chat => {
            let knowledge = load_knowledge(&cli.knowledge, &config)?;
            chat(&knowledge)
        }
        Command::Eval { file, typos, seed } => {
            if let Some(rate) = typos {
                if !(0.0..=1.0).contains(&rate) {
                    anyhow::bail!("--typos takes the share of words to misspell, from 0 to 1, not {rate}");
                }
            }
            let knowledge = load_knowledge(&cli.knowledge, &config)?;
            let mut cases = crate::eval::load(&file)?;
            if let Some(rate) = typos {
                cases = crate::eval::with_typos(&cases, rate, seed);
            }
            let report = crate::eval::run(&knowledge, &cases, config.eval).map_err(anyhow::Error::msg)?;
            let mut out = std::io::stdout().lock();
            if let Some(rate) = typos {
                writeln!(
                    out,
                    "with seeded typos in {:.0}% of words (seed {seed}); pass marks not enforced",
                    rate * 100.0
                )?;
            }
            write!(out, "{}", report.render())?;
            Ok(if typos.is_some() || report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Calibrate {
            ref files,
            write,
            ref plot,
            ref plot_on,
            ref leave_out,
            shrinkage,
        } => {
            let shrinkage = shrinkage.unwrap_or(crate::matching::calibrate::SHRINKAGE);
            if !(shrinkage.is_finite() && shrinkage >= 0.0) {
                anyhow::bail!("--shrinkage takes a number of 0 or more, not {shrinkage}");
            }
            if leave_out.is_empty() {
                calibrate(&cli, config, files, shrinkage, write, plot.as_deref(), plot_on)
            } else {
                cross_validate(&cli, config, files, leave_out, shrinkage)
            }
        }
        Command::Check { articles } => check(
            &cli.knowledge,
            articles.as_deref().or(config.knowledge.articles.as_deref()),
        ),
        Command::Serve => serve(config, cli.knowledge),
        Command::Gaps { since, limit } => {
            let mut out = std::io::stdout().lock();
            let Some(records) = existing_records(&config, &mut out)? else {
                return Ok(ExitCode::SUCCESS);
            };
            let gaps = records.gaps(since, limit)?;
            if gaps.is_empty() {
                writeln!(out, "No unanswered questions recorded.")?;
            }
            for g in gaps {
                writeln!(
                    out,
                    "{:>5}  {}  (last {})",
                    g.count,
                    g.question,
                    g.last_asked.format("%Y-%m-%d")
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::History { fact_id } => {
            let mut out = std::io::stdout().lock();
            let Some(records) = existing_records(&config, &mut out)? else {
                return Ok(ExitCode::SUCCESS);
            };
            let changes = records.history(&fact_id)?;
            if changes.is_empty() {
                writeln!(out, "No recorded changes to {fact_id}.")?;
            }
            for c in changes {
                writeln!(
                    out,
                    "{}  {}  by {}  in {}",
                    c.at.format("%Y-%m-%d %H:%M:%S UTC"),
                    c.action,
                    c.moderator,
                    c.file
                )?;
                if let Some(before) = &c.before {
                    writeln!(out, "  before:\n{}", indent(before))?;
                }
                if let Some(after) = &c.after {
                    writeln!(out, "  after:\n{}", indent(after))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fact(command) => fact_command(&cli.knowledge, &config, command),
        Command::Source(SourceCommand::Add(args)) => source_add(&cli.knowledge, &config, args),
        Command::Quote(QuoteCommand::Find { source, words, count }) => {
            quote_find(&cli.knowledge, &config, &source, &words.join(" "), count)
        }
        Command::Invite { application_id } => {
            let Some(id) = application_id.or(config.discord.application_id) else {
                anyhow::bail!(
                    "no application id: pass --application-id (from the Developer Portal) or set application_id under [discord] in the config"
                );
            };
            writeln!(std::io::stdout().lock(), "{}", crate::discord::invite_url(id))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// Logs go to standard error; `RUST_LOG` sets the level (default: info).
fn init_logging() {
    crate::logging::init();
}

fn serve(config: Config, knowledge: PathBuf) -> anyhow::Result<ExitCode> {
    init_logging();
    if !knowledge.is_dir() {
        anyhow::bail!(
            "there is no knowledge folder at {}: run talksbot from the repository root, or pass --knowledge DIR",
            knowledge.display()
        );
    }
    let options = crate::discord::ServeOptions::from_env(config, knowledge)?;
    let runtime = tokio::runtime::Runtime::new()?;
    match runtime.block_on(crate::discord::serve(options)) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("talksbot: {}", crate::logging::Chain(&e));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// How `ask` prints its replies.
#[derive(Debug, Clone, Copy)]
struct AskOutput {
    /// One JSON object per question, and nothing else on standard output.
    json: bool,
    /// Also how each question was read: in text, before the answer; in
    /// JSON, as the object's `explain` field, so every line still parses.
    explain: bool,
}

/// The exit code of `ask` given an empty question (see the README).
const EMPTY_QUESTION_EXIT: u8 = 2;

fn ask_one(knowledge: &Knowledge, question: &str, how: AskOutput) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match knowledge.ask(question) {
        Ok(reply) => {
            if how.json {
                writeln!(out, "{}", reply_json(knowledge, &reply, how))?;
            } else {
                if how.explain {
                    writeln!(out, "{}", explanation_text(knowledge, &reply))?;
                }
                write!(out, "{}", render_text(&reply, knowledge))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            // A script asked for JSON reads JSON, errors included.
            if how.json {
                writeln!(out, "{}", error_json(question, &e))?;
            } else {
                eprintln!("talksbot: {}", crate::logging::Chain(&e));
            }
            Ok(ExitCode::from(EMPTY_QUESTION_EXIT))
        }
    }
}

/// The JSON line for one answered question, with `explain` when asked for.
fn reply_json(knowledge: &Knowledge, reply: &crate::answers::Reply, how: AskOutput) -> serde_json::Value {
    let mut json = reply.to_json();
    if how.explain {
        json["explain"] = explanation_json(knowledge, &reply.question);
    }
    json
}

/// The JSON line for a question that could not be asked: the same keys as
/// an answer's, so a script reads every line alike.
fn error_json(question: &str, e: &crate::matching::QuestionError) -> serde_json::Value {
    serde_json::json!({
        "question": question, "answered": false, "outcome": "error", "error": e.to_string(),
        "answer": null, "citations": [], "confidence": 0.0, "fact_id": null, "fact_ids": [], "suggestions": [],
        "candidates": [],
    })
}

/// How the question was read, term by term, for `--explain --json`. The
/// best candidates are the line's own `candidates`.
fn explanation_json(knowledge: &Knowledge, question: &str) -> serde_json::Value {
    use crate::answers::rounded;
    let terms: Vec<serde_json::Value> = knowledge
        .matcher
        .explain(question)
        .into_iter()
        .map(|reading| {
            serde_json::json!({
                "term": reading.term,
                "matches": reading.matches.iter().map(|(term, similarity)| serde_json::json!({
                    "term": term, "similarity": rounded(*similarity),
                })).collect::<Vec<_>>(),
                "weight": rounded(reading.weight),
            })
        })
        .collect();
    serde_json::json!({ "terms": terms })
}

/// How the question was read and the best candidates, as text.
fn explanation_text(knowledge: &Knowledge, reply: &crate::answers::Reply) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("How the question was read (term: matches in the fact base, weight):\n");
    for reading in knowledge.matcher.explain(&reply.question) {
        let matches = if reading.matches.is_empty() {
            "unknown to the fact base".to_string()
        } else {
            reading
                .matches
                .iter()
                .map(|(t, sim)| format!("{t} ({sim:.2})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(out, "  {}: {matches}, weight {:.2}", reading.term, reading.weight);
    }
    out.push_str("Best candidates:\n");
    for r in reply.ranking.iter().take(5) {
        let matched = match (&r.matched, r.asked) {
            (Some(q), false) => format!("{q:?}"),
            (Some(q), true) => format!("{q:?} (asked)"),
            (None, _) => "(its answer text)".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:.3} {}  via {matched}",
            crate::answers::rounded(r.confidence),
            r.fact_id
        );
    }
    out
}

fn ask_stdin(knowledge: &Knowledge, how: AskOutput) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.context("reading questions from standard input")?;
        match knowledge.ask(&line) {
            Ok(reply) if how.json => writeln!(out, "{}", reply_json(knowledge, &reply, how))?,
            Ok(reply) => {
                writeln!(out, "> {line}")?;
                if how.explain {
                    writeln!(out, "{}", explanation_text(knowledge, &reply))?;
                }
                writeln!(out, "{}", render_text(&reply, knowledge))?;
            }
            // Keep one line per question so scripts can zip input and output;
            // an empty line does not stop the rest, nor fail the run.
            Err(e) if how.json => writeln!(out, "{}", error_json(&line, &e))?,
            Err(e) => writeln!(out, "> {line}\n{e}\n")?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn chat(knowledge: &Knowledge) -> anyhow::Result<ExitCode> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "talksbot: {} facts from {} sources. Ask a question; Ctrl-D to quit.",
        knowledge.base.facts().len(),
        knowledge.base.sources().len()
    )?;
    loop {
        match editor.readline("> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                match knowledge.ask(&line) {
                    Ok(reply) => writeln!(out, "{}", render_text(&reply, knowledge))?,
                    Err(e) => writeln!(out, "{e}")?,
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(e.into()),
        }
    }
}

fn check(dir: &Path, articles: Option<&Path>) -> anyhow::Result<ExitCode> {
    let base = match FactBase::load(dir) {
        Ok(base) => base,
        Err(e) => {
            for p in e.problems() {
                eprintln!("{p}");
            }
            eprintln!(
                "talksbot check: the fact base in {} has problems; nothing was served from it",
                dir.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    if let Some(folder) = articles {
        let mut texts = match Articles::open(folder) {
            Ok(texts) => texts,
            Err(e) => {
                eprintln!("talksbot check: {}", crate::logging::Chain(&e));
                return Ok(ExitCode::FAILURE);
            }
        };
        let problems = articles::verify(&base, &mut texts, None);
        if !problems.is_empty() {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("talksbot check: {} quote problem(s)", problems.len());
            return Ok(ExitCode::FAILURE);
        }
    }
    let quotes: usize = base.facts().iter().map(|f| f.quotes.len()).sum();
    writeln!(
        std::io::stdout().lock(),
        "ok: {} facts, {} sources, {} synonym groups; {}",
        base.facts().len(),
        base.sources().len(),
        base.synonyms().len(),
        if articles.is_some() {
            format!("every quote ({quotes}) found verbatim in its article")
        } else {
            format!(
                "{quotes} quotes unverified: no articles folder (set [knowledge] articles or {ARTICLES_ENV}, or pass --articles)"
            )
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Leaves each of `leave_out` out of the fit in turn (fitting on `files` and
/// the rest of `leave_out`), scores it under the weights fitted without it,
/// and prints how each did and the sum: the measure the shrinkage, a new
/// feature or a new dev file is judged by, on questions the fit never saw.
fn cross_validate(
    cli: &Cli,
    config: Config,
    files: &[PathBuf],
    leave_out: &[PathBuf],
    shrinkage: f64,
) -> anyhow::Result<ExitCode> {
    if let Some(twice) = leave_out.iter().find(|p| files.contains(p)) {
        anyhow::bail!(
            "{} is both fitted on and left out: name it only after --leave-out",
            twice.display()
        );
    }
    let mut knowledge = load_knowledge(&cli.knowledge, &config)?;
    let fixed: Vec<FitFile> = files
        .iter()
        .map(|path| fit_file(&knowledge, path))
        .collect::<anyhow::Result<_>>()?;
    let rotated: Vec<FitFile> = leave_out
        .iter()
        .map(|path| fit_file(&knowledge, path))
        .collect::<anyhow::Result<_>>()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "each file scored under weights fitted without it (shrinkage {shrinkage}, answer threshold {}):\n",
        config.matcher.answer_threshold
    )?;
    writeln!(
        out,
        "{:<32} {:>10} {:>6} {:>8} {:>12} {:>9}",
        "left out", "answerable", "right", "wrongly", "unanswerable", "answered"
    )?;
    let row_line = |name: &str, row: [usize; 5]| {
        format!(
            "{name:<32} {:>10} {:>6} {:>8} {:>12} {:>9}",
            row[0], row[1], row[2], row[3], row[4]
        )
    };
    let mut total = [0usize; 5];
    for (i, (path, left_out)) in leave_out.iter().zip(&rotated).enumerate() {
        let fit: Vec<&FitFile> = fixed
            .iter()
            .chain(rotated.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, f)| f))
            .collect();
        let (fitted, _) = fit_on(&fit, shrinkage);
        knowledge.matcher.set_calibration(fitted);
        let report = crate::eval::run(&knowledge, &left_out.file, config.eval).map_err(anyhow::Error::msg)?;
        let row = [
            report.answerable,
            report.answered_right,
            report.wrong_answers,
            report.unanswerable,
            report.unanswerable - report.declined,
        ];
        for (t, r) in total.iter_mut().zip(row) {
            *t += r;
        }
        writeln!(out, "{}", row_line(&path.display().to_string(), row))?;
    }
    writeln!(out, "{}", row_line("all", total))?;
    let wrong = total[2] + total[4];
    writeln!(
        out,
        "\nright - 2 x wrong: {} ({} right; {wrong} wrong: answered with another fact, or answered though unanswerable)",
        total[1] as i64 - 2 * wrong as i64,
        total[1]
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A labelled file with its calibration examples and the weight of each
/// (see [`crate::eval::fit_examples`]).
struct FitFile {
    file: crate::eval::EvalFile,
    examples: Vec<crate::eval::Example>,
    weights: Vec<f64>,
}

impl FitFile {
    fn questions(&self) -> usize {
        self.file.cases.len()
    }
}

fn fit_file(knowledge: &Knowledge, path: &Path) -> anyhow::Result<FitFile> {
    let file = crate::eval::load(path)?;
    let (examples, weights) = crate::eval::fit_examples(knowledge, &file).map_err(anyhow::Error::msg)?;
    Ok(FitFile {
        file,
        examples,
        weights,
    })
}

/// Fits the calibration on these files. Each file counts as much as the
/// largest, however many questions it holds: the blind dev sets are half
/// the size of the fact writer's own questions, which match the facts'
/// phrasings closely and would otherwise teach the fit that only such
/// questions are answered right. Also returns how many examples it read.
fn fit_on(files: &[&FitFile], shrinkage: f64) -> (crate::matching::Calibration, usize) {
    let largest = files.iter().map(|f| f.questions()).max().unwrap_or(0);
    let mut examples = Vec::new();
    let mut counts = Vec::new();
    for file in files {
        let scale = largest as f64 / file.questions().max(1) as f64;
        counts.extend(file.weights.iter().map(|w| w * scale));
        examples.extend_from_slice(&file.examples);
    }
    (
        crate::matching::Calibration::fit_weighted(&examples, &counts, shrinkage),
        examples.len(),
    )
}

/// Fits the calibration on `files`, prints it (and writes it with `--write`),
/// then reports, and draws with `--plot`, how it does on `plot_on`.
fn calibrate(
    cli: &Cli,
    config: Config,
    files: &[PathBuf],
    shrinkage: f64,
    write: bool,
    plot: Option<&Path>,
    plot_on: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    use crate::matching::calibrate::{reliability, reliability_svg};
    let examples_of = |knowledge: &Knowledge, paths: &[PathBuf]| -> anyhow::Result<Vec<_>> {
        let mut examples = Vec::new();
        for path in paths {
            let file = crate::eval::load(path)?;
            examples.extend(crate::eval::top_features(knowledge, &file).map_err(anyhow::Error::msg)?);
        }
        Ok(examples)
    };
    let knowledge = load_knowledge(&cli.knowledge, &config)?;
    let per_file: Vec<FitFile> = files
        .iter()
        .map(|path| fit_file(&knowledge, path))
        .collect::<anyhow::Result<_>>()?;
    let written: usize = per_file.iter().map(FitFile::questions).sum();
    let (fitted, fitted_on) = fit_on(&per_file.iter().collect::<Vec<_>>(), shrinkage);
    let mut out = std::io::stdout().lock();
    let weights = fitted.named_weights();
    writeln!(
        out,
        "fitted on {written} questions and {} typed copies of them (each file weighing as much as the largest, \
         its copies together {} of it):\n\n[matcher.calibration]",
        fitted_on - written,
        crate::eval::FIT_TYPED_SHARE
    )?;
    for (name, weight) in &weights {
        writeln!(out, "{name} = {weight}")?;
    }
    writeln!(out)?;
    if write {
        let path = cli
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from(crate::config::DEFAULT_CONFIG));
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", path.display()))?;
        let matcher = doc["matcher"].or_insert(toml_edit::table());
        // Values are set in place, so the table keeps its comments and place.
        let table = matcher["calibration"].or_insert(toml_edit::table());
        for (name, weight) in &weights {
            table[name] = toml_edit::value(*weight);
        }
        std::fs::write(&path, doc.to_string()).with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "written to {}", path.display())?;
    }
    // Features do not depend on the calibration, so the base loaded for
    // fitting serves for the report too.
    let shown = if plot_on.is_empty() { files } else { plot_on };
    let scored: Vec<(f32, bool)> = examples_of(&knowledge, shown)?
        .into_iter()
        .map(|(f, right)| (fitted.confidence(&f), right))
        .collect();
    let names: Vec<String> = shown.iter().map(|p| p.display().to_string()).collect();
    writeln!(out, "reliability on {} ({} questions):", names.join(", "), scored.len())?;
    writeln!(out, "  confidence   questions   mean confidence   share right")?;
    for (i, (n, mean, right)) in reliability(&scored, 10).into_iter().enumerate() {
        if n > 0 {
            writeln!(
                out,
                "  {:.1}-{:.1}      {n:>5}        {mean:.2}              {right:.2}",
                i as f64 / 10.0,
                (i + 1) as f64 / 10.0
            )?;
        }
    }
    if let Some(path) = plot {
        let title = format!("Calibration on {}", names.join(", "));
        std::fs::write(path, reliability_svg(&title, &scored, 10))
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "diagram written to {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
