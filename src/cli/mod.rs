//! The `fulcrum` command line: subcommands over the library.
//!
//! Exit codes: 0 fine, 1 a problem in the input (for `diff` and `merge`: a difference or a
//! conflict), 2 a usage error (clap's) or trouble (for `values`, `explain`, `diff` and
//! `merge`, `combine`: a file that cannot be read or a map that does not load; `fmt` of a read-only
//! map). Output goes to stdout; failures are reported on stderr as `FILE:LINE:COL:
//! message`. Never panics on input.

/// `print!` that a closed pipe does not stop: `fulcrum diff A B | head` reads what it wants
/// and the command still ends with its own exit code (std's `print!` panics there).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))
    };
}

/// [`out!`] with a line break.
macro_rules! outln {
    () => {
        $crate::cli::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod combine;
mod compare;
mod explain;
mod export;
mod git;
mod interchange;
mod output;
mod values;

#[cfg(feature = "app")]
pub(crate) use compare::change_line;
pub use export::{ExportArgs, ThemeArg};
pub use git::{ATTRIBUTES_LINE, flat_text};
pub use interchange::Kinds;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::{self, Analysis};
use crate::format::{self, Problem, Severity};
use crate::model::Map;

/// Fulcrum: opportunity solution trees and KPI driver trees.
#[derive(Debug, Parser)]
#[command(
    name = "fulcrum",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A map to open in the app (the bundled sample when omitted).
    pub file: Option<PathBuf>,
    /// What to do instead of opening the app.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output formats for `rollup` and `leverage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Aligned columns for people.
    #[default]
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// JSON, in the shapes documented in the README.
    Json,
}

/// Output formats for summaries that have no CSV form (`values`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SummaryFormat {
    /// Aligned columns for people.
    #[default]
    Table,
    /// JSON, in the shapes documented in the README.
    Json,
}

/// Output formats for `diff` and `merge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// One line per change or conflict, for people.
    #[default]
    Table,
    /// JSON, in the shapes documented in the README.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate maps; list every problem as FILE:LINE:COL: message.
    Check {
        /// Map files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Rewrite maps in canonical form (atomically).
    Fmt {
        /// Map files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing; exit 1 if a file is not in canonical form.
        #[arg(long)]
        check: bool,
        /// Rewrite files that hold `//` or `/* */` comments too, dropping them (without it,
        /// such a file is left as it is and fmt exits 1).
        #[arg(long)]
        drop_comments: bool,
    },
    /// Roll metric values up the driver trees.
    Rollup {
        /// The map file.
        file: PathBuf,
        /// Scenario, period and output format.
        #[command(flatten)]
        options: RunOptions,
    },
    /// Rank every metric under the top by leverage (|elasticity|).
    Leverage {
        /// The map file.
        file: PathBuf,
        /// The metric whose leverage to compute (default: the first metric root).
        #[arg(long)]
        top: Option<String>,
        /// Scenario, period and output format.
        #[command(flatten)]
        options: RunOptions,
    },
    /// Why the top moved between two periods, or between the actuals and a scenario.
    Explain {
        /// The map file.
        file: PathBuf,
        /// The period to explain from (default: the one before --to).
        #[arg(long, conflicts_with_all = ["scenario", "period"])]
        from: Option<String>,
        /// The period to explain to (default: the newest in the map's history).
        #[arg(long, conflicts_with_all = ["scenario", "period"])]
        to: Option<String>,
        /// The metric whose change to explain (default: the first metric root).
        #[arg(long)]
        top: Option<String>,
        /// Explain this scenario against the actuals instead of two periods.
        #[arg(long)]
        scenario: Option<String>,
        /// With --scenario: compare in this period's values.
        #[arg(long, requires = "scenario")]
        period: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Merge a CSV of id,period,value rows into the metrics' history (all or nothing).
    Values {
        /// The map file; saved in place (atomically) unless --dry-run.
        map: PathBuf,
        /// The CSV: a header row naming id, period and value; `,` or `;` between fields.
        csv: PathBuf,
        /// Print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: SummaryFormat,
    },
    /// What changed from OLD to NEW, by id (exit 0 the same, 1 different, 2 trouble).
    Diff {
        /// The old map.
        old: PathBuf,
        /// The new map.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
    },
    /// Three-way merge of two descendants of BASE into OUT, always written; conflicts sit
    /// between git conflict markers (exit 0 clean, 1 conflicts, 2 trouble: nothing written).
    Merge {
        /// The common ancestor (an empty file: none).
        base: PathBuf,
        /// Our version.
        ours: PathBuf,
        /// Their version.
        theirs: PathBuf,
        /// Where to write the merged map.
        #[arg(short, long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Output format of the conflict list.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
    },
    /// The merge as a git merge driver: `fulcrum merge-driver %O %A %B %P` (the result
    /// replaces %A; exit 0 clean, 1 conflicts left in %A, 2 a version that does not load).
    MergeDriver {
        /// %O: the common ancestor.
        base: PathBuf,
        /// %A: our version, replaced by the result.
        ours: PathBuf,
        /// %B: their version.
        theirs: PathBuf,
        /// %P: the path of the file in the repository, for messages.
        path: String,
    },
    /// Combine maps: every file's trees side by side in OUT (clashing ids made unique), the
    /// merges of similar nodes proposed, and the accepted ones merged (exit 0 written, 2 a
    /// usage error or trouble: nothing written).
    Combine {
        /// The maps to combine (two or more).
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        /// Where to write the combined map.
        #[arg(short, long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Which proposals to merge: `all`, `none`, or KEEP=MERGE pairs separated by
        /// commas (ids of the combined map, as listed).
        #[arg(long, default_value = "none", value_name = "all|none|KEEP=MERGE,…")]
        accept: String,
        /// The lowest score (0–1) a pair needs to be proposed.
        #[arg(long, default_value_t = crate::edit::combine::DEFAULT_THRESHOLD)]
        threshold: f64,
        /// Output format of the proposals.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
    },
    /// Route `*.ron` files through Fulcrum in git: writes `*.ron merge=fulcrum diff=fulcrum`
    /// to .gitattributes and the merge driver and diff text conversion to the git config.
    GitSetup {
        /// The global attributes file and config instead of this repository's.
        #[arg(long)]
        global: bool,
    },
    /// Export a map in the format OUT's extension names: .svg, .png, .pdf (pictures as on
    /// the canvas), .md (a Markdown outline), .mmd (a Mermaid flowchart), .opml (OPML 2.0,
    /// lossless), .csv (a row per node).
    Export(ExportArgs),
    /// Make a map from an outline: a Markdown file (.md: nested lists or headings) or OPML
    /// (.opml, from any outliner; Fulcrum's own comes back unchanged).
    Import {
        /// The outline file.
        file: PathBuf,
        /// The map to write (.ron).
        #[arg(short, long = "output", value_name = "MAP")]
        output: PathBuf,
        /// Kinds for nodes the outline does not give one.
        #[arg(long, value_enum, default_value_t)]
        kinds: Kinds,
        /// Replace MAP if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print a map as one line per field (the text `git diff` compares).
    #[command(hide = true)]
    Textconv {
        /// The map file.
        file: PathBuf,
    },
}

/// What a roll-up runs on and how its result is printed.
#[derive(Debug, clap::Args)]
pub struct RunOptions {
    /// Run under this scenario's overrides.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Use inputs' history values for this period (such as 2026-09).
    #[arg(long)]
    pub period: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs a subcommand, printing its output; returns the exit code.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Check { files } => check(&files),
        Command::Fmt {
            files,
            check,
            drop_comments,
        } => fmt(&files, check, drop_comments),
        Command::Rollup { file, options } => rollup(&file, &options),
        Command::Leverage { file, top, options } => leverage(&file, top.as_deref(), &options),
        Command::Explain {
            file,
            from,
            to,
            top,
            scenario,
            period,
            format,
        } => {
            let sides = explain::Sides {
                from,
                to,
                scenario,
                period,
            };
            return explain::run(&file, sides, top.as_deref(), format);
        }
        Command::Values {
            map,
            csv,
            dry_run,
            format,
        } => return values::run(&map, &csv, dry_run, format),
        Command::Diff { old, new, format } => Ok(compare::diff(&old, &new, format)),
        Command::Merge {
            base,
            ours,
            theirs,
            output,
            format,
        } => Ok(compare::merge(&base, &ours, &theirs, &output, format)),
        Command::MergeDriver {
            base,
            ours,
            theirs,
            path,
        } => Ok(git::merge_driver(&base, &ours, &theirs, &path)),
        Command::GitSetup { global } => Ok(git::git_setup(global)),
        Command::Combine {
            files,
            output,
            accept,
            threshold,
            format,
        } => Ok(combine::run(&files, &output, &accept, threshold, format)),
        Command::Textconv { file } => Ok(git::textconv(&file)),
        Command::Export(args) => {
            if interchange::text_writer(&interchange::extension(&args.output)).is_some() {
                let options = crate::interchange::ExportOptions {
                    root: args.root.clone(),
                    scenario: args.scenario.clone(),
                    period: args.period.clone(),
                };
                Ok(interchange::export(&args.file, &args.output, &options))
            } else {
                Ok(export::export(&args))
            }
        }
        Command::Import {
            file,
            output,
            kinds,
            force,
        } => Ok(interchange::import(&file, &output, kinds, force)),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("{}", output::terminal(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}

/// Why a subcommand stopped: the message to print and the exit code (1 a problem in the
/// input, 2 trouble such as a file that cannot be read; SPEC §6).
#[derive(Debug)]
struct Failure {
    message: String,
    code: u8,
}

impl From<String> for Failure {
    /// A problem in the input: exit 1.
    fn from(message: String) -> Failure {
        Failure { message, code: 1 }
    }
}

/// Problems rendered one per line for a file, safe for a terminal (controls escaped).
fn render(path: &Path, problems: &[Problem]) -> String {
    let name = path.display().to_string();
    problems
        .iter()
        .map(|p| output::terminal(&p.render(&name)).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A path as printed, safe for a terminal.
fn shown(path: &Path) -> String {
    output::terminal(&path.display().to_string()).into_owned()
}

/// Loads a map for a command that needs a valid one; errors become the message to print.
fn load_for_use(path: &Path) -> Result<format::Loaded, Failure> {
    match format::load(path) {
        Ok(loaded) => {
            let errors: Vec<Problem> = loaded
                .warnings
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .cloned()
                .collect();
            if !errors.is_empty() {
                // Formula problems do not stop a roll-up: those metrics show "no value".
                eprintln!("{}", render(path, &errors));
            }
            Ok(loaded)
        }
        Err(err) => Err(Failure {
            message: render(path, &err.problems()),
            code: if err.is_trouble() { 2 } else { 1 },
        }),
    }
}

/// Leaves a command's big data for the system to free when the process ends, all at once,
/// instead of one allocation at a time (dropping a 100k-node map costs ~20 ms). Only for
/// what a command holds until it returns, right before the process exits.
/// Writes to standard output. When the reader has gone (a closed pipe) the rest is dropped
/// silently; any other failure is said once on standard error.
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static SAID: AtomicBool = AtomicBool::new(false);
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_fmt(args).and_then(|()| stdout.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
        && !SAID.swap(true, Ordering::Relaxed)
    {
        eprintln!("fulcrum: cannot write the output: {err}");
    }
}

pub(super) fn free_at_exit<T>(data: T) {
    std::mem::forget(data);
}

fn check(files: &[PathBuf]) -> Result<ExitCode, Failure> {
    let mut failed = false;
    // A file that cannot be read is trouble, not a problem in its text: exit 2.
    let mut trouble = false;
    for path in files {
        match format::load(path) {
            Ok(loaded) => {
                if !loaded.warnings.is_empty() {
                    outln!("{}", render(path, &loaded.warnings));
                }
                if loaded
                    .warnings
                    .iter()
                    .any(|p| p.severity == Severity::Error)
                {
                    failed = true;
                } else {
                    outln!("{}: ok ({} nodes)", shown(path), loaded.map.len());
                }
                free_at_exit(loaded);
            }
            Err(err) => {
                failed = true;
                trouble |= err.is_trouble();
                outln!("{}", render(path, &err.problems()));
            }
        }
    }
    Ok(if trouble {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn fmt(files: &[PathBuf], check_only: bool, drop_comments: bool) -> Result<ExitCode, Failure> {
    let mut failed = false;
    // A map that cannot be read or may not be written is trouble, not a problem in its
    // text: exit 2.
    let mut trouble = false;
    for path in files {
        let loaded = match format::load(path) {
            Ok(loaded) => loaded,
            Err(err) => {
                failed = true;
                trouble |= err.is_trouble();
                eprintln!("{}", render(path, &err.problems()));
                continue;
            }
        };
        let canonical = format::to_string(&loaded.map);
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current == canonical {
            continue;
        }
        if check_only {
            failed = true;
            outln!("{}: not in canonical form", shown(path));
        } else if loaded.comments > 0 && !drop_comments {
            // The canonical text is written from the map, which holds no comments.
            failed = true;
            let n = loaded.comments;
            eprintln!(
                "{}: not rewritten: its {n} comment{} would be lost; `fulcrum fmt \
                 --drop-comments` rewrites it without them",
                shown(path),
                if n == 1 { "" } else { "s" }
            );
        } else if let Err(err) = format::save(&loaded.map, path) {
            trouble |= err.is_trouble();
            failed = true;
            eprintln!("{}", render(path, &err.problems()));
        } else {
            outln!("formatted {}", shown(path));
        }
    }
    Ok(if trouble {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Loads a map and rolls it up as the options say.
fn analyse(path: &Path, options: &RunOptions) -> Result<(Map, Analysis), Failure> {
    let loaded = load_for_use(path)?;
    let (map, program) = (loaded.map, loaded.program);
    let analysis = Analysis::with_program(
        program,
        &map,
        options.scenario.as_deref(),
        options.period.as_deref(),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((map, analysis))
}

fn rollup(path: &Path, options: &RunOptions) -> Result<ExitCode, Failure> {
    let (map, analysis) = analyse(path, options)?;
    let rows = output::rollup_rows(&map, &analysis);
    out!(
        "{}",
        output::rollup(&rows, options.scenario.is_some(), options.format)
    );
    free_at_exit(rows);
    free_at_exit((map, analysis));
    Ok(ExitCode::SUCCESS)
}

fn leverage(path: &Path, top: Option<&str>, options: &RunOptions) -> Result<ExitCode, Failure> {
    let (map, analysis) = analyse(path, options)?;
    let format = options.format;
    let leverage = engine::leverage(&map, &analysis.program, &analysis.rollup, top)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    out!("{}", output::leverage(&map, &leverage, format));
    free_at_exit((map, analysis, leverage));
    Ok(ExitCode::SUCCESS)
}
