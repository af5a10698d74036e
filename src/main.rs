use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match guazhi::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
            // clap calls the word after an unknown command (or after the database) a subcommand.
            let misread = e.kind() == clap::error::ErrorKind::ArgumentConflict;
            match guazhi::cli::unknown_command(&args)
                .filter(|_| misread)
                .or_else(|| guazhi::cli::refused_in_chinese(&e))
            {
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
            // Line by line: each is made safe for the terminal, and the line breaks kept.
            for line in failure.message.lines() {
                eprintln!("guazhi: {}", guazhi::text::display_safe(line));
            }
            ExitCode::from(failure.code)
        }
    }
}
