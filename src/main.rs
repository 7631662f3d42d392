use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = talksbot::cli::Cli::parse();
    match talksbot::cli::run(cli) {
        Ok(code) => code,
        // Output piped into `head` and closed early is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talksbot: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
