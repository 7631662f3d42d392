use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = talksbot::cli::Cli::parse();
    match talksbot::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("talksbot: {e:#}");
            ExitCode::FAILURE
        }
    }
}
