//! `fulcrum export FILE -o OUT`: pictures of a map by OUT's extension — `.svg`, `.png`,
//! `.pdf` — through [`crate::export`], written atomically as maps are saved (a temp file
//! renamed over OUT, so a failed export never leaves half a file). Exit 0 when written; 1 when the map does not
//! load for a problem in it; 2 when it cannot be read, a flag names nothing in it, or OUT cannot
//! be written.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::export::{ExportOptions, PictureFormat, Scope, export_picture_compiled};
use crate::look::Theme;

/// The themes on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ThemeArg {
    /// Dark text on a pale canvas.
    #[default]
    Light,
    /// Light text on a dark canvas.
    Dark,
    /// High contrast for projectors.
    Projector,
}

impl From<ThemeArg> for Theme {
    fn from(t: ThemeArg) -> Self {
        match t {
            ThemeArg::Light => Theme::Light,
            ThemeArg::Dark => Theme::Dark,
            ThemeArg::Projector => Theme::Projector,
        }
    }
}

/// What `export` reads, writes and draws.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The map file.
    pub file: PathBuf,
    /// Where to write; the extension picks the format (.svg, .png, .pdf).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Export only this node and everything under it.
    #[arg(long)]
    pub root: Option<String>,
    /// Roll up under this scenario's overrides.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Show the values of this period (such as 2026-09).
    #[arg(long)]
    pub period: Option<String>,
    /// Colours.
    #[arg(long, value_enum, default_value_t)]
    pub theme: ThemeArg,
    /// PNG pixels per point (2 gives crisp slides).
    #[arg(long, default_value_t = 2.0)]
    pub scale: f32,
}

/// Runs `export`.
pub fn export(args: &ExportArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// A usage error or trouble: exit 2.
fn usage(message: String) -> super::Failure {
    super::Failure { message, code: 2 }
}

fn run(args: &ExportArgs) -> Result<(), super::Failure> {
    let format = PictureFormat::of_path(&args.output).ok_or_else(|| {
        usage(format!(
            "{}: cannot tell the format from the extension (use .svg, .png, .pdf, .md, .mmd, .opml or .csv)",
            args.output.display()
        ))
    })?;
    if !(args.scale.is_finite() && args.scale > 0.0 && args.scale <= 16.0) {
        return Err(usage(format!(
            "--scale {}: must be above 0 and at most 16",
            args.scale
        )));
    }
    // The faces are found (a scan of every installed font file, kept for the process) while
    // the map loads, rather than after.
    let fonts = std::thread::spawn(crate::export::fonts::FontSet::system);
    let loaded = super::load_for_use(&args.file)?;
    let _ = fonts.join();
    let options = ExportOptions {
        scope: args.root.clone().map_or(Scope::Whole, Scope::Subtree),
        scenario: args.scenario.clone(),
        period: args.period.clone(),
        theme: args.theme.into(),
        scale: args.scale,
    };
    // The loader compiled the formulas to check them: the picture's roll-up reuses them.
    let bytes = export_picture_compiled(&loaded.map, loaded.program, &options, format)
        .map_err(|e| usage(format!("{}: {e}", args.file.display())))?;
    let written =
        crate::format::write_atomic(&args.output, &bytes).map_err(|e| usage(e.to_string()));
    super::free_at_exit((loaded.map, bytes));
    written
}
