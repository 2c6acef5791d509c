//! The `fulcrum` binary: a subcommand runs the CLI; otherwise the desktop app opens.

use std::process::ExitCode;

use clap::Parser;
use fulcrum::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => cli::run(command),
        None => fulcrum::ui::run(cli.file),
    }
}
