use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = talksbot::cli::Cli::parse();
    match talksbot::cli::run(cli) {
        Ok(code) => code,
        // Output piped into `head` and closed early is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // `{e:#}` would repeat a cause that the message already quotes
            // ("...: No such file or directory (os error 2): No such file or
            // directory (os error 2)"); `Chain` says each cause once.
            eprintln!("talksbot: {}", talksbot::logging::Chain(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
