//! The `fulcrum` binary: a subcommand runs the CLI; otherwise the desktop app opens.

use std::process::ExitCode;

use clap::Parser;
use fulcrum::cli::{self, Cli};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => cli::run(command),
        #[cfg(feature = "app")]
        None => fulcrum::ui::run(cli.file),
        #[cfg(not(feature = "app"))]
        None => {
            use clap::CommandFactory;
            let _ = (cli.file, Cli::command().print_help());
            ExitCode::from(2)
        }
    }
}
