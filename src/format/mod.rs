//! The map file format (RON, format 1): load with full validation, canonical atomic save.
//!
//! Loading runs in two steps, as the style guide asks: the text is parsed into plain file
//! structs ([`file`]), then validated into a [`Map`] ([`validate`]), collecting every problem
//! with its line and column ([`scan`] finds positions). The `format` number is found first, by
//! a light scan, so a file from a newer Fulcrum is refused with a message naming both versions
//! even when the rest of it is unreadable here. Saving writes canonical text ([`write`]) —
//! byte-identical for the same map, one line per field — through an atomic rename ([`save`]).
//!
//! | file | job |
//! |---|---|
//! | `error.rs` | [`FormatError`], [`Problem`], [`Severity`] |
//! | `file.rs` | the serde structs of format 1 (flat nodes with `parent` ids) |
//! | `scan.rs` | iterative tokenizer: the `format` field, positions of nodes and fields |
//! | `validate.rs` | file structs → [`Map`], every problem; the pre-save check of a [`Map`] |
//! | `write.rs` | the canonical writer |
//! | `save.rs` | temp file, fsync, rename, fsync folder |
//!
//! Nothing here recurses as deep as the tree or as deep as the text nests (RON's recursion
//! limit stays on), reads a file over [`MAX_FILE_BYTES`], panics on any input, or writes to
//! a file it was asked to read. This module does not import egui and knows nothing of undo.

mod error;
mod file;
mod save;
mod scan;
mod validate;
mod write;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;

use crate::model::Map;

pub use error::{FormatError, Problem, Severity};

/// The newest file format this build reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

/// The largest file [`load`] reads, in bytes (512 MiB); larger ones are refused before being
/// read.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A map read from a file, with the warnings found on the way (unusual OST shapes, several
/// targeted opportunities among siblings).
#[derive(Debug)]
pub struct Loaded {
    /// The validated map.
    pub map: Map,
    /// Problems that do not stop the file from opening, sorted by position.
    pub warnings: Vec<Problem>,
}

/// Reads a map from format-1 text (an optional byte-order mark is ignored).
///
/// Errors: [`FormatError::NewerFormat`] or [`FormatError::UnknownFormat`] for a `format` this
/// build does not read, otherwise [`FormatError::Invalid`] with every error found.
pub fn parse_str(text: &str) -> Result<Loaded, FormatError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_format(text)?;
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let file: file::FileMap = options
        .from_str(text)
        .map_err(|err| FormatError::Invalid(vec![ron_problem(&err)]))?;
    match file.format {
        Some(n) if n == u64::from(FORMAT_VERSION) => {}
        Some(n) if n > u64::from(FORMAT_VERSION) => {
            return Err(FormatError::NewerFormat {
                found: n,
                supported: FORMAT_VERSION,
            });
        }
        Some(n) => {
            return Err(FormatError::UnknownFormat {
                found: n.to_string(),
            });
        }
        None => return Err(missing_format(text, scan::scan(text).map_start)),
    }
    let (map, findings) = validate::build(file);
    let problems = validate::resolve(text, findings);
    let (errors, warnings): (Vec<Problem>, Vec<Problem>) =
        problems.into_iter().partition(Problem::is_error);
    if errors.is_empty() {
        Ok(Loaded { map, warnings })
    } else {
        Err(FormatError::invalid(errors))
    }
}

/// Reads a map file. Its size is checked before reading, so a file over [`MAX_FILE_BYTES`]
/// is refused at once; the file is never written to.
pub fn load(path: &Path) -> Result<Loaded, FormatError> {
    let io_error = |source| FormatError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let bytes = file.metadata().map_err(io_error)?.len();
    if bytes > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge {
            bytes,
            limit: MAX_FILE_BYTES,
        });
    }
    let mut buf = Vec::with_capacity(usize::try_from(bytes).unwrap_or(0));
    // `take` guards against a file that grows while it is read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(io_error)?;
    let read = buf.len() as u64;
    if read > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge {
            bytes: read,
            limit: MAX_FILE_BYTES,
        });
    }
    parse_bytes(&buf)
}

/// Reads a map from bytes that should be UTF-8 format-1 text.
pub fn parse_bytes(bytes: &[u8]) -> Result<Loaded, FormatError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_str(text),
        Err(err) => {
            let valid = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
            let valid = valid.strip_prefix('\u{feff}').unwrap_or(valid);
            // A newer file is reported as such even if it holds bytes this build cannot read.
            if let Err(newer @ FormatError::NewerFormat { .. }) = check_format(valid) {
                return Err(newer);
            }
            let at = scan::LineIndex::new(valid).position(valid.len());
            let byte = bytes.get(err.valid_up_to()).copied().unwrap_or(0);
            Err(FormatError::Invalid(vec![Problem::at(
                Some(at),
                Severity::Error,
                format!(
                    "the file is not UTF-8 text (byte 0x{byte:02x} here); is it a Fulcrum map?"
                ),
            )]))
        }
    }
}

/// The canonical text of a map: the same map always gives the same bytes. Does not validate
/// (a non-finite number is written as `NaN` or `inf`, which [`parse_str`] refuses); [`save`]
/// does.
pub fn to_string(map: &Map) -> String {
    write::to_string(map)
}

/// Every error that would stop `map` from reopening once saved (non-finite numbers, 1–5
/// fields out of range, a status of the wrong kind, broken formulas, overrides of missing
/// ids), without positions. Empty when the map can be saved.
pub fn save_problems(map: &Map) -> Vec<Problem> {
    validate::map_problems(map)
}

/// Validates the map, then writes its canonical text to `path` atomically: a temp file in the
/// same folder, flushed, renamed over the target, then the folder flushed. On any error the
/// old file is intact and no temp file is left behind.
///
/// Errors: [`FormatError::Invalid`] when the map would not reopen (nothing is written),
/// [`FormatError::Io`] naming `path` when the system refuses.
pub fn save(map: &Map, path: &Path) -> Result<(), FormatError> {
    let problems = validate::map_problems(map);
    if !problems.is_empty() {
        return Err(FormatError::Invalid(problems));
    }
    save::write_atomic(path, write::to_string(map).as_bytes())
}

/// Checks the `format` field found by the light scan: a newer or unknown format is refused
/// here, before the body is parsed; a complete map without one is refused as not ours.
fn check_format(text: &str) -> Result<(), FormatError> {
    match scan::find_format(text) {
        scan::FormatField::Found(value) => match value.parse::<u64>() {
            Ok(n) if n == u64::from(FORMAT_VERSION) => Ok(()),
            Ok(n) if n > u64::from(FORMAT_VERSION) => Err(FormatError::NewerFormat {
                found: n,
                supported: FORMAT_VERSION,
            }),
            _ => Err(FormatError::UnknownFormat {
                found: value.chars().take(40).collect(),
            }),
        },
        scan::FormatField::Missing { map_start } => Err(missing_format(text, map_start)),
        // Too broken to tell: parsing will say where.
        scan::FormatField::Unknown => Ok(()),
    }
}

fn missing_format(text: &str, map_start: usize) -> FormatError {
    let at = scan::LineIndex::new(text).position(map_start);
    FormatError::Invalid(vec![Problem::at(
        Some(at),
        Severity::Error,
        format!(
            "the map has no `format` field; a Fulcrum map starts `Map(format: {FORMAT_VERSION}, …`"
        ),
    )])
}

/// A RON parse error as a problem at RON's position, in Fulcrum's words where they help.
fn ron_problem(err: &SpannedError) -> Problem {
    let at = (err.span.start.line, err.span.start.col);
    Problem::at(Some(at), Severity::Error, describe(&err.code))
}

fn in_what(outer: Option<&String>) -> String {
    match outer.map(String::as_str) {
        Some("Map") => " in the map".to_owned(),
        Some("Node") => " in a node".to_owned(),
        Some("Link") => " in a link".to_owned(),
        Some("Scenario") => " in a scenario".to_owned(),
        Some("Evidence") => " in an evidence entry".to_owned(),
        Some("Thresholds") => " in `thresholds`".to_owned(),
        Some("Sizing") => " in `sizing`".to_owned(),
        Some(other) => format!(" in `{other}`"),
        None => String::new(),
    }
}

fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// The closest name to `found` among `names`, when it is close enough to be a typo.
fn closest<'n>(found: &str, names: &[&'n str]) -> Option<&'n str> {
    names
        .iter()
        .map(|n| (edit_distance(found, n), *n))
        .filter(|&(d, n)| d <= 2.max(n.len() / 4))
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn describe(code: &RonError) -> String {
    match code {
        RonError::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let hint = match closest(found, expected) {
                Some(near) => format!(" — did you mean `{near}`?"),
                None => format!("; expected one of {}", one_of(expected)),
            };
            format!("unknown field `{found}`{}{hint}", in_what(outer.as_ref()))
        }
        RonError::MissingStructField { field, outer } => {
            format!("missing field `{field}`{}", in_what(outer.as_ref()))
        }
        RonError::DuplicateStructField { field, outer } => {
            format!(
                "the field `{field}` is written twice{}",
                in_what(outer.as_ref())
            )
        }
        RonError::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let what = outer.as_deref().unwrap_or("value");
            format!(
                "unknown {what} `{found}`; expected one of {}",
                one_of(expected)
            )
        }
        RonError::ExpectedDifferentStructName { expected, found } => {
            format!("expected `{expected}(…)` here, found `{found}(…)`")
        }
        RonError::ExceededRecursionLimit => "nested too deeply (more than 128 levels); map \
                                             files are flat, so this is not a Fulcrum map"
            .to_owned(),
        RonError::Eof => "the file ends too early — is it truncated?".to_owned(),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}
