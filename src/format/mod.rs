//! The map file format (RON, formats 1 to 3): load with full validation, canonical atomic
//! save. Format 2 adds named `presentations`; format 3 lets a node keep both evidence
//! entries (`evidence: [...]`) and an evidence score (`evidence_strength: N`), which
//! formats 1 and 2 write in the one field `evidence`. Older formats are still read, and the
//! writer writes the lowest format that holds the map ([`format_of`]), so a map without
//! presentations or such nodes is format 1, byte for byte as before.
//!
//! Loading runs in two steps, as the style guide asks: the text is parsed into plain file
//! structs (`file.rs`, `parse.rs`), then validated into a [`Map`] (`convert.rs`,
//! `validate.rs`), collecting every problem with its line and column. The `format` number is
//! found first, by a light scan, so a file from a newer Fulcrum is refused with a message
//! naming both versions even when the rest of it is unreadable here. Saving writes canonical
//! text — byte-identical for the same map, one line per field — through an atomic rename.
//!
//! | file | job |
//! |---|---|
//! | `error.rs` | [`FormatError`], [`Problem`], [`Severity`] |
//! | `conflicts.rs` | git conflict markers: each block, what it is about, taking a side |
//! | `file.rs` | the serde structs of formats 1 and 2 (flat nodes with `parent` ids) |
//! | `fast.rs` | a fast reader for the subset of RON Fulcrum writes; gives up on anything else |
//! | `parse.rs` | text → file structs: the fast reader, else RON (big files in two halves on two threads) |
//! | `convert.rs` | file nodes → model nodes, with the checks of a node alone |
//! | `validate.rs` | ids, parents, cycles, shape, links, scenarios, presentations, formulas → [`Map`] |
//! | `place.rs` | problems found without positions → line and column |
//! | `lex.rs` | a tokenizer that skips strings, chars and comments |
//! | `scan.rs` | the `format` field, positions of nodes and fields, how a text ends |
//! | `syntax.rs` | RON's parse errors in Fulcrum's words |
//! | `write.rs` | the canonical writer, its fields from the model's table |
//! | `write_merge.rs` | a merge's text: canonical, with markers around each conflict |
//! | `save.rs` | exclusive temp file with the map's mode, fsync, rename, fsync folder; read-only maps refused, stale temp files swept |
//! | `read.rs` | reading a regular file up to a size limit (maps and CSVs of values) |
//!
//! Nothing here recurses as deep as the tree or as deep as the text nests (RON's recursion
//! limit stays on), reads a file over [`MAX_FILE_BYTES`], panics on any input, or writes to
//! a file it was asked to read. This module does not import egui and knows nothing of undo.

mod conflicts;
mod convert;
mod error;
mod fast;
mod file;
mod lex;
mod parse;
mod place;
mod read;
mod save;
mod scan;
mod syntax;
mod validate;
mod write;
mod write_merge;

use std::path::Path;

use crate::model::Map;
use convert::{Converted, SharedNodes};

pub use conflicts::{ConflictBlock, Pick, resolve_conflicts};
pub use error::{FormatError, Problem, Severity};
pub use parse::Reader;
pub use read::{ReadError, read_file};
pub use save::write_atomic;

/// The newest file format this build reads (and writes, for a map that needs it).
pub const FORMAT_VERSION: u32 = 3;

/// The oldest file format this build reads (and writes, for a map that needs nothing newer).
pub const OLDEST_FORMAT: u32 = 1;

/// The lowest format that holds `map`: 3 when a node holds both evidence entries and an
/// evidence score (the score is then written `evidence_strength`), 2 when it has named
/// presentations, else 1 — so a map that uses nothing newer stays readable by older
/// versions.
pub fn format_of(map: &Map) -> u32 {
    if map
        .iter()
        .any(|(_, n)| crate::model::holds_both_evidence(n))
    {
        3
    } else if map.presentations().is_empty() {
        1
    } else {
        2
    }
}

/// Whether this build reads format `n`.
fn is_read(n: u64) -> bool {
    (u64::from(OLDEST_FORMAT)..=u64::from(FORMAT_VERSION)).contains(&n)
}

/// The largest file [`load`] reads, in bytes (512 MiB); larger ones are refused before being
/// read.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A map read from a file, with the warnings found on the way (unusual OST shapes, several
/// targeted opportunities among siblings).
#[derive(Debug)]
pub struct Loaded {
    /// The validated map.
    pub map: Map,
    /// Problems that do not stop the file from opening, sorted by position: warnings
    /// (unusual OST shapes), and formula errors (severity `Error`: a syntax error, an unknown
    /// id, a cycle), whose metrics roll up to "no value". `check` fails on the latter.
    pub warnings: Vec<Problem>,
    /// The map's metrics compiled while validating its formulas (for
    /// [`crate::engine::Analysis::with_program`], so a roll-up does not compile them again).
    pub program: crate::engine::Program,
    /// How many `//` and `/* */` comments the text holds. Saving writes the map, not the
    /// text, so they are not kept: a warning among `warnings` says so, at the first one, and
    /// `fulcrum fmt` refuses to rewrite such a file unless told to drop them.
    pub comments: usize,
}

/// Reads a map from format-1 or format-2 text (an optional byte-order mark is ignored).
///
/// Errors: [`FormatError::NewerFormat`] or [`FormatError::UnknownFormat`] for a `format` this
/// build does not read, [`FormatError::Conflicted`] for a file with git conflict markers,
/// otherwise [`FormatError::Invalid`] with every error found.
pub fn parse_str(text: &str) -> Result<Loaded, FormatError> {
    parse_str_with(text, Formulas::Compile)
}

/// Whether a load compiles the map's formulas. Their problems never stop a file from
/// loading (they are warnings, and the metrics have no value), so a caller that wants the
/// map alone — `diff`, `merge` — skips them: a ninth of the work of loading 100k nodes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Formulas {
    Compile,
    Skip,
}

fn parse_str_with(text: &str, formulas: Formulas) -> Result<Loaded, FormatError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    before_parsing(text)?;
    let parsed = parse::parse(text)
        .map_err(|err| FormatError::Invalid(vec![syntax::problem(text, &err)]))?;
    after_parsing(text, parsed, formulas)
}

/// [`parse_str`] with a chosen reader, for tests that hold the fast reader to `ron`: `None`
/// when [`Reader::Fast`] gave up on the text (it never reports a problem of its own).
pub fn parse_str_by(text: &str, reader: Reader) -> Option<Result<Loaded, FormatError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Err(err) = before_parsing(text) {
        return Some(Err(err));
    }
    Some(match parse::parse_by(text, reader)? {
        Ok(parsed) => after_parsing(text, parsed, Formulas::Compile),
        Err(err) => Err(FormatError::Invalid(vec![syntax::problem(text, &err)])),
    })
}

/// What is refused before the body is parsed: a newer or unknown format, conflict markers.
fn before_parsing(text: &str) -> Result<(), FormatError> {
    match check_format(text) {
        Err(newer @ FormatError::NewerFormat { .. }) => Err(newer),
        result => {
            if let Some(blocks) = conflicts::find(text) {
                return Err(FormatError::Conflicted(blocks));
            }
            result
        }
    }
}

/// The format number, then validation into a map, with every problem placed in `text`.
fn after_parsing(
    text: &str,
    parsed: parse::Parsed,
    formulas: Formulas,
) -> Result<Loaded, FormatError> {
    match parsed.format {
        Some(n) if is_read(n) => {}
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
    let format = parsed.format.unwrap_or(u64::from(OLDEST_FORMAT));
    let (map, findings, formula_findings, program) = validate::build(
        parsed.title,
        parsed.nodes,
        &parsed.links,
        &parsed.scenarios,
        parsed.presentations.as_deref(),
        format,
        formulas == Formulas::Compile,
    );
    let (errors, mut warnings): (Vec<Problem>, Vec<Problem>) = place::resolve(text, findings)
        .into_iter()
        .partition(Problem::is_error);
    if errors.is_empty() {
        warnings.extend(place::resolve(text, formula_findings));
        let (comments, first) = lex::comments(text);
        if let Some(first) = first {
            let at = scan::LineIndex::new(text).position(first);
            let n = if comments == 1 {
                "1 comment".to_owned()
            } else {
                format!("{comments} comments")
            };
            warnings.push(Problem::at(
                Some(at),
                Severity::Warning,
                format!(
                    "{n} will not be kept when this file is saved (the first on line {})",
                    at.0
                ),
            ));
        }
        warnings.sort_by_key(|p| (p.line, p.col));
        Ok(Loaded {
            map,
            warnings,
            program,
            comments,
        })
    } else {
        Err(FormatError::invalid(errors))
    }
}

/// Reads a map file. Its kind and size are checked before reading, so a folder, a FIFO or a
/// device is refused at once (it would hang or never end), and a file over
/// [`MAX_FILE_BYTES`] too; the file is never written to.
pub fn load(path: &Path) -> Result<Loaded, FormatError> {
    load_with(path, Formulas::Compile)
}

/// [`load`] for a caller that needs the map alone: every error refuses the file exactly as
/// [`load`] does, but formulas are not compiled, so their problems (warnings, never errors)
/// are not looked for.
pub fn load_map(path: &Path) -> Result<Map, FormatError> {
    load_with(path, Formulas::Skip).map(|loaded| loaded.map)
}

/// A map file's text kept after loading it, so that later versions of the same map — a
/// merge's ours and theirs beside its base, the new side of a diff — share its nodes: a node
/// whose bytes are the very same in the later version is taken from the map already loaded
/// instead of being read again. Kept only when the fast reader read the text (it records
/// where each node lies) and no node of it had a problem of its own.
pub struct KeptText {
    text: String,
    /// The length of a byte-order mark before the map's text.
    bom: usize,
    spans: Vec<fast::Span>,
}

/// A kept text with the map loaded from it, indexed once for the later versions to share
/// (from several threads at once).
pub struct Earlier<'a> {
    nodes: fast::Earlier<'a>,
    text: &'a str,
    map: &'a Map,
}

impl KeptText {
    /// The text's nodes by id, with `map`, the map loaded from it.
    pub fn earlier<'a>(&'a self, map: &'a Map) -> Earlier<'a> {
        let text = &self.text[self.bom..];
        Earlier {
            nodes: fast::Earlier::new(text, &self.spans),
            text,
            map,
        }
    }
}

/// [`load_map`], keeping the text for later versions of the map to share
/// ([`load_map_like`]) when it can be shared.
pub fn load_map_kept(path: &Path) -> Result<(Map, Option<KeptText>), FormatError> {
    match String::from_utf8(read_map_file(path)?) {
        Ok(text) => parse_map_kept(text),
        Err(err) => parse_bytes_with(err.as_bytes(), Formulas::Skip).map(|l| (l.map, None)),
    }
}

/// [`load_map`] of a text.
pub fn parse_map(text: &str) -> Result<Map, FormatError> {
    parse_str_with(text, Formulas::Skip).map(|loaded| loaded.map)
}

/// [`load_map_kept`] of a text: the map, as [`parse_str`] gives it (its formulas not
/// compiled), and the text kept when it can be shared.
pub fn parse_map_kept(text: String) -> Result<(Map, Option<KeptText>), FormatError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    before_parsing(body)?;
    let recording = fast::Sharing {
        record: true,
        earlier: None,
    };
    let Some((parsed, spans)) = parse::parse_fast_sharing::<Converted>(body, recording) else {
        let parsed = parse::parse_ron(body)
            .map_err(|err| FormatError::Invalid(vec![syntax::problem(body, &err)]))?;
        return after_parsing(body, parsed, Formulas::Skip).map(|l| (l.map, None));
    };
    let clean = parsed.nodes.findings.is_empty();
    let map = after_parsing(body, parsed, Formulas::Skip)?.map;
    let bom = text.len() - body.len();
    Ok((map, clean.then_some(KeptText { text, bom, spans })))
}

/// [`load_map`] of a later version of `earlier`'s map: the same map and the same problems,
/// with every node whose bytes are the earlier version's taken from its map.
pub fn load_map_like(path: &Path, earlier: &Earlier<'_>) -> Result<Map, FormatError> {
    let buf = read_map_file(path)?;
    match std::str::from_utf8(&buf) {
        Ok(text) => parse_map_like(text, earlier),
        Err(_) => parse_bytes_with(&buf, Formulas::Skip).map(|l| l.map),
    }
}

/// [`load_map_like`] of a text.
pub fn parse_map_like(text: &str, earlier: &Earlier<'_>) -> Result<Map, FormatError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    before_parsing(text)?;
    let sharing = fast::Sharing {
        record: false,
        earlier: Some(&earlier.nodes),
    };
    let shared =
        parse::parse_fast_sharing::<SharedNodes>(text, sharing).and_then(|(mut parsed, _)| {
            let nodes = std::mem::take(&mut parsed.nodes).fill(earlier.text, earlier.map)?;
            Some(parsed.with_nodes(nodes))
        });
    let parsed = match shared {
        Some(parsed) => parsed,
        None => parse::parse(text)
            .map_err(|err| FormatError::Invalid(vec![syntax::problem(text, &err)]))?,
    };
    after_parsing(text, parsed, Formulas::Skip).map(|l| l.map)
}

/// The bytes of a map file, read as [`read_file`] reads (its kind and size checked first).
fn read_map_file(path: &Path) -> Result<Vec<u8>, FormatError> {
    read_file(path, MAX_FILE_BYTES).map_err(|err| match err {
        ReadError::Io(source) => FormatError::Io {
            path: path.to_path_buf(),
            source,
        },
        ReadError::NotAFile => FormatError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, err.to_string()),
        },
        ReadError::TooLarge { bytes, limit } => FormatError::TooLarge { bytes, limit },
    })
}

fn load_with(path: &Path, formulas: Formulas) -> Result<Loaded, FormatError> {
    parse_bytes_with(&read_map_file(path)?, formulas)
}

/// Reads a map from bytes that should be UTF-8 map text (format 1 or 2).
pub fn parse_bytes(bytes: &[u8]) -> Result<Loaded, FormatError> {
    parse_bytes_with(bytes, Formulas::Compile)
}

fn parse_bytes_with(bytes: &[u8], formulas: Formulas) -> Result<Loaded, FormatError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_str_with(text, formulas),
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

/// A field's value as the file writes it, on one line (`1.1`, `"Head of Sales"`,
/// `Expr("a + b")`, `{"2026-09": 1.0}`); `None` for an absent value. For messages, the diff
/// and the merge's conflict reports, so they quote values as the file does.
pub fn value_text(value: &crate::model::FieldValue<'_>) -> String {
    write::value_text(value)
}

/// A number as the file writes it: Rust's shortest form that reads back bit-identical
/// (`1.0`, `0.1`, `1e-7`).
pub fn number_text(value: f64) -> String {
    let mut out = String::new();
    write::push_f64(&mut out, value);
    out
}

/// A string literal as the file writes it: quoted, escaped onto one line.
pub fn string_text(value: &str) -> String {
    let mut out = String::new();
    write::push_str_lit(&mut out, value);
    out
}

/// The text of a merge: the canonical text of the merged map, with each conflict between
/// git conflict markers (`<<<<<<< ours` / `=======` / `>>>>>>> theirs`) around its own
/// field line (a node's `parent` line for a move, whole node blocks for a node only one way
/// keeps). Keeping one side of every block gives that side's resolution. A clean merge's
/// text is [`to_string`] of [`crate::edit::Merge::map`].
pub fn merged_to_string(merge: &crate::edit::Merge) -> String {
    write_merge::merged_to_string(merge)
}

/// Writes text to `path` atomically, as [`save`] does (temp file, fsync, rename, fsync of
/// the folder), without validating it: for a merge's text, which may hold conflict markers.
pub fn save_text(text: &str, path: &Path) -> Result<(), FormatError> {
    save::write_atomic(path, text.as_bytes())
}

/// Every error that would stop `map` from reopening once saved (non-finite numbers, 1–5
/// fields out of range, a status of the wrong kind, overrides of missing ids), without
/// positions. Empty when the map can be saved. Broken formulas do not stop a map from
/// reopening, so they are not listed.
pub fn save_problems(map: &Map) -> Vec<Problem> {
    validate::map_problems(map)
}

/// Validates the map, then writes its canonical text to `path` atomically: a temp file in the
/// same folder — created exclusively under an unpredictable name `.NAME.fulcrum-tmp-XXXXXXXX`,
/// with no more permissions than the file it replaces and then exactly its mode — flushed,
/// renamed over the target, then the folder flushed (best effort: once the rename is done
/// the save has succeeded). Temp files a killed save of the same file left, a minute old or
/// more, are removed first. On any error the old file is intact and no temp file is left
/// behind.
///
/// Errors: [`FormatError::Invalid`] when the map would not reopen (nothing is written),
/// [`FormatError::ReadOnly`] when `path` exists and may not be written (it is not replaced),
/// [`FormatError::Io`] naming `path` when the system refuses (a folder or a device in the
/// way, a missing folder, a full disk).
pub fn save(map: &Map, path: &Path) -> Result<(), FormatError> {
    // Checking and writing the text are independent; on two cores they overlap.
    let (text, problems) =
        crate::threads::in_parallel(|| write::to_string(map), || validate::map_problems(map));
    if !problems.is_empty() {
        return Err(FormatError::Invalid(problems));
    }
    save::write_atomic(path, text.as_bytes())
}

/// Checks the `format` field found by the light scan: a newer or unknown format is refused
/// here, before the body is parsed; a complete map without one is refused as not ours.
fn check_format(text: &str) -> Result<(), FormatError> {
    match scan::find_format(text) {
        scan::FormatField::Found(value) => match value.parse::<u64>() {
            Ok(n) if is_read(n) => Ok(()),
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
            "the map has no `format` field; a Fulcrum map starts `Map(format: {OLDEST_FORMAT}, …`"
        ),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many nodes a later version took from the earlier one.
    fn shared(earlier: &Earlier<'_>, text: &str) -> usize {
        let sharing = fast::Sharing {
            record: false,
            earlier: Some(&earlier.nodes),
        };
        parse::parse_fast_sharing::<SharedNodes>(text, sharing)
            .map_or(0, |(parsed, _)| parsed.nodes.shared())
    }

    #[test]
    fn a_later_version_takes_every_node_it_did_not_change() {
        let map = crate::model::synthetic::driver_tree(5_000, 3);
        let text = to_string(&map);
        // Over 1 MiB: read on two threads, both recording and both sharing.
        assert!(text.len() > 1 << 20);
        let Ok((loaded, Some(kept))) = parse_map_kept(text.clone()) else {
            panic!("a canonical text is kept");
        };
        let earlier = kept.earlier(&loaded);
        assert_eq!(shared(&earlier, &text), 5_000);
        let first = text.find("title: \"Metric 1\"").unwrap_or(0);
        let last = text.rfind("title: \"Metric").unwrap_or(0);
        let mut edited = text.clone();
        edited.insert(last + 8, 'x');
        edited.insert(first + 8, 'x');
        assert_eq!(shared(&earlier, &edited), 4_998);
        // The same text written otherwise (a comment, other line breaks) is read alone.
        assert_eq!(shared(&earlier, &text.replace("\n", "\r\n")), 0);
    }
}
