use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match guazhi::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
            // clap calls the word after an unknown command (or after the database) a subcommand.
            let misread = e.kind() == clap::error::ErrorKind::ArgumentConflict;
            match guazhi::cli::unknown_command(&args).filter(|_| misread) {
                Some(message) => {
                    eprintln!("guazhi: {message}");
                    return ExitCode::from(2);
                }
                None => e.exit(),
            }
        }
    };
    match guazhi::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("guazhi: {}", guazhi::text::display_safe(&failure.message));
            }
            ExitCode::from(failure.code)
        }
    }
}
