use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = guazhi::cli::Cli::parse();
    match guazhi::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("guazhi: {}", guazhi::text::display_safe(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}
