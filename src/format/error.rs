//! What can go wrong reading or writing a map file: [`FormatError`] and the [`Problem`]s it
//! carries, each with the 1-based line and column where it is known.
//!
//! This module only describes and renders problems; it never reads files or decides what is a
//! problem (that is `validate`'s job).

use std::fmt;
use std::path::PathBuf;

use super::conflicts::ConflictBlock;
use super::{FORMAT_VERSION, OLDEST_FORMAT};

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Severity {
    /// The file cannot be opened as it is.
    Error,
    /// The file opens, but something looks unintended (an unusual child kind, two targeted
    /// opportunities among siblings).
    Warning,
}

/// One problem in a file: 1-based line and column where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, `None` when the problem has no place in the text.
    pub line: Option<usize>,
    /// 1-based column in characters (not bytes), `None` when unknown.
    pub col: Option<usize>,
    /// What is wrong, in words, starting with a lowercase letter.
    pub message: String,
    /// Whether this stops the file from loading.
    pub severity: Severity,
}

impl Problem {
    /// An error without a place in the text.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            line: None,
            col: None,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A problem at a 1-based line and column (or nowhere in particular when `at` is `None`).
    pub fn at(at: Option<(usize, usize)>, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            line: at.map(|(line, _)| line),
            col: at.map(|(_, col)| col),
            message: message.into(),
            severity,
        }
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The problem as one line for a terminal: `file:3:5: message`, `file: message` when it
    /// has no position, and `file:3:5: warning: message` for a warning.
    pub fn render(&self, file: &str) -> String {
        let place = match (self.line, self.col) {
            (Some(line), Some(col)) => format!("{file}:{line}:{col}"),
            (Some(line), None) => format!("{file}:{line}"),
            _ => file.to_owned(),
        };
        match self.severity {
            Severity::Error => format!("{place}: {}", self.message),
            Severity::Warning => format!("{place}: warning: {}", self.message),
        }
    }

    /// Sort key: by position, problems without one last.
    pub(crate) fn sort_key(&self) -> (usize, usize) {
        (
            self.line.unwrap_or(usize::MAX),
            self.col.unwrap_or(usize::MAX),
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(line), Some(col)) = (self.line, self.col) {
            write!(f, "{line}:{col}: ")?;
        }
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Why a map file could not be read or written. Reading never changes the file on disk.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The operating system refused to read or write `path` (missing file, permissions, a
    /// directory in the way, a full disk). On a failed save the old file is intact.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file being read or written.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The map file to be saved exists and may not be written (no write permission for this
    /// user, such as a 0444 file): it was left as it is, not replaced. Save under another name
    /// or make it writable first.
    #[error("{} is read-only; Fulcrum leaves it as it is", path.display())]
    ReadOnly {
        /// The file that was not written.
        path: PathBuf,
    },
    /// The file is larger than [`super::MAX_FILE_BYTES`]; it was refused without being read.
    #[error("the file is {bytes} bytes; Fulcrum opens map files of at most {limit} bytes")]
    TooLarge {
        /// The file's size in bytes.
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file was written by a newer Fulcrum, in a format this one cannot read. The file
    /// must not be overwritten.
    #[error(
        "this file is format {found}; this Fulcrum reads formats up to {supported} — update \
         Fulcrum to open it"
    )]
    NewerFormat {
        /// The `format` number found in the file.
        found: u64,
        /// The newest format this build reads ([`FORMAT_VERSION`]).
        supported: u32,
    },
    /// The file's `format` field holds something that is no Fulcrum format (`0`, `-1`, `"1"`).
    #[error(
        "`format: {found}` is not a Fulcrum file format (this Fulcrum reads formats {} to {})",
        OLDEST_FORMAT,
        FORMAT_VERSION
    )]
    UnknownFormat {
        /// The text of the `format` value.
        found: String,
    },
    /// The file holds git conflict markers: a merge left conflicts for a person to resolve.
    /// It is not loaded with either side; each block is listed, in file order, with its
    /// line, both sides' text and, where the layout tells, its node and field (see
    /// [`super::resolve_conflicts`] to take one side of each). Never empty.
    #[error("{}", render_conflicts(.0))]
    Conflicted(Vec<ConflictBlock>),
    /// The file could not be turned into a valid map: every error found, sorted by position
    /// (problems without a position last). Never empty.
    #[error("{}", render_list(.0))]
    Invalid(Vec<Problem>),
}

fn render_conflicts(blocks: &[ConflictBlock]) -> String {
    let problems: Vec<Problem> = blocks.iter().map(ConflictBlock::problem).collect();
    render_list(&problems)
}

fn render_list(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\n")
}

impl FormatError {
    /// Whether this is trouble with the file rather than a problem in its text: it could
    /// not be read or written at all (the system refused, it is not a regular file, it is
    /// over the size limit, it is read-only). The command line exits 2 for these, 1 for a
    /// problem in the input (SPEC §6).
    pub fn is_trouble(&self) -> bool {
        matches!(
            self,
            FormatError::Io { .. } | FormatError::ReadOnly { .. } | FormatError::TooLarge { .. }
        )
    }

    /// The error as a list of problems, never empty: an [`FormatError::Invalid`]'s problems,
    /// or any other variant as one problem without a position.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            FormatError::Invalid(problems) if !problems.is_empty() => problems.clone(),
            FormatError::Conflicted(blocks) if !blocks.is_empty() => {
                blocks.iter().map(ConflictBlock::problem).collect()
            }
            other => vec![Problem::error(other.to_string())],
        }
    }

    /// An [`FormatError::Invalid`] with the problems sorted by position.
    pub(crate) fn invalid(mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(Problem::sort_key);
        FormatError::Invalid(problems)
    }
}
