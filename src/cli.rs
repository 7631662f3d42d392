//! The command line: `ask`, `chat`, `eval` and `check` work offline from the
//! bundled fact base; `serve` runs the Discord bot.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::answers::{render_text, Knowledge};
use crate::config::Config;
use crate::knowledge::{check_articles, FactBase};

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
        /// Also show how the question was read: each word, what it matched and its weight.
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
    },
    /// Run the Discord bot (token from DISCORD_TOKEN or the configured token file).
    Serve,
    /// Print the link that adds the bot to a server, with the permissions it needs.
    Invite {
        /// The application (client) id; defaults to application_id in the config.
        #[arg(long)]
        application_id: Option<u64>,
    },
    /// Validate the whole fact base; exits non-zero on any problem.
    Check {
        /// Also verify every quote word for word against the article texts in this folder.
        #[arg(long)]
        articles: Option<PathBuf>,
    },
}

fn load_knowledge(dir: &Path, config: &Config) -> anyhow::Result<Knowledge> {
    if !dir.is_dir() {
        anyhow::bail!(
            "there is no knowledge folder at {}: run talksbot from the repository root, or pass --knowledge DIR",
            dir.display()
        );
    }
    Knowledge::load(dir, &config.matcher).map_err(|e| anyhow::anyhow!("{e}\nRun `talksbot check` for the full list."))
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
            if explain && !question.is_empty() {
                print_explanation(&knowledge, &question.join(" "))?;
            }
            if question.is_empty() {
                ask_stdin(&knowledge, json)
            } else {
                ask_one(&knowledge, &question.join(" "), json)
            }
        }
        Command::Chat => {
            let knowledge = load_knowledge(&cli.knowledge, &config)?;
            chat(&knowledge)
        }
        Command::Eval { file } => {
            let knowledge = load_knowledge(&cli.knowledge, &config)?;
            let cases = crate::eval::load(&file)?;
            let report = crate::eval::run(&knowledge, &cases, config.eval).map_err(anyhow::Error::msg)?;
            write!(std::io::stdout().lock(), "{}", report.render())?;
            Ok(if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Check { articles } => check(&cli.knowledge, articles.as_deref()),
        Command::Serve => serve(config, cli.knowledge),
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

/// Logs go to standard error; `RUST_LOG` sets the level (default: info).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,serenity=warn,poise=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
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
            eprintln!("talksbot: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn ask_one(knowledge: &Knowledge, question: &str, json: bool) -> anyhow::Result<ExitCode> {
    match knowledge.ask(question) {
        Ok(reply) if json => writeln!(std::io::stdout().lock(), "{}", reply.to_json())?,
        Ok(reply) => write!(std::io::stdout().lock(), "{}", render_text(&reply, knowledge))?,
        Err(e) => {
            eprintln!("talksbot: {e}");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_explanation(knowledge: &Knowledge, question: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "How the question was read (term: matches in the fact base, weight):"
    )?;
    for reading in knowledge.matcher.explain(question) {
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
        writeln!(out, "  {}: {matches}, weight {:.2}", reading.term, reading.weight)?;
    }
    if let Ok(reply) = knowledge.ask(question) {
        writeln!(out, "Best candidates:")?;
        for r in reply.ranking.iter().take(5) {
            let matched = r.matched.as_deref().unwrap_or("(its answer text)");
            writeln!(out, "  {:.2} {}  via {matched:?}", r.confidence, r.fact_id)?;
        }
    }
    writeln!(out)
}

fn ask_stdin(knowledge: &Knowledge, json: bool) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.context("reading questions from standard input")?;
        match knowledge.ask(&line) {
            Ok(reply) if json => writeln!(out, "{}", reply.to_json())?,
            Ok(reply) => writeln!(out, "> {line}\n{}", render_text(&reply, knowledge))?,
            // Keep one line per question so scripts can zip input and output.
            Err(e) if json => writeln!(
                out,
                "{}",
                serde_json::json!({
                    "question": line, "answered": false, "outcome": "error", "error": e.to_string(),
                    "answer": null, "citations": [], "confidence": 0.0, "fact_id": null, "fact_ids": [], "suggestions": [],
                })
            )?,
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
    if let Some(articles) = articles {
        let problems = check_articles(&base, articles);
        if !problems.is_empty() {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("talksbot check: {} quote problem(s)", problems.len());
            return Ok(ExitCode::FAILURE);
        }
    }
    writeln!(
        std::io::stdout().lock(),
        "ok: {} facts, {} sources, {} synonym groups{}",
        base.facts().len(),
        base.sources().len(),
        base.synonyms().len(),
        if articles.is_some() {
            "; every quote found verbatim in its article"
        } else {
            ""
        }
    )?;
    Ok(ExitCode::SUCCESS)
}
