//! The first step of loading: text → file structs (with RON's `implicit_some` on and its
//! recursion limit kept), converted node by node into model data.
//!
//! The text is read first by the fast reader for Fulcrum's own subset of RON (`fast.rs`);
//! when it gives up — the text holds a comment, `Some(…)`, an escape it does not know, an
//! error — `ron` reads the text, and every error and its position is `ron`'s.
//!
//! With `ron`, a big file is parsed as two halves on two threads: the text is cut after a node near its
//! middle, the first half closed with `])` and the second opened with `Map(nodes: [`. If
//! either half fails to parse — the cut was not between two nodes, or the file has an error —
//! or a top-level field turns up in both, the whole text is parsed again in one piece, so
//! results and error positions are exactly those of a plain parse. A cut inside a string or a
//! comment cannot go unnoticed: the first half is then left unterminated and fails.
//!
//! Nothing here validates meaning or touches files.

use ron::error::SpannedError;
use ron::extensions::Extensions;

use super::convert::{Converted, SharedNodes};
use super::fast::{self, Sharing, Span};
use super::file::{FileLink, FileMap, FilePresentation, FileScenario};

/// Texts at least this long are parsed in two halves when the machine has two cores.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// The attribute Fulcrum writes at the top of every file.
const HEADER: &str = "#![enable(implicit_some)]";

/// The file as parsed here: its nodes converted into model data as they are read.
type ConvertingMap = FileMap<Converted>;

/// What a reading collects the `nodes` list into: [`Converted`] nodes, or the
/// [`SharedNodes`] of a reading that shares an earlier version's nodes.
pub(crate) trait NodesList: for<'de> serde::Deserialize<'de> + Default + Send {
    /// Appends the nodes read separately after these (the second half of a file).
    fn append(&mut self, other: Self);
}

impl NodesList for Converted {
    fn append(&mut self, other: Self) {
        Converted::append(self, other);
    }
}

impl NodesList for SharedNodes {
    fn append(&mut self, other: Self) {
        SharedNodes::append(self, other);
    }
}

/// How Fulcrum reads RON: `implicit_some` on, the default recursion limit (128) kept.
fn options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// A parsed file: its top-level fields, with the nodes already converted.
pub(crate) struct Parsed<N = Converted> {
    pub format: Option<u64>,
    pub title: String,
    pub nodes: N,
    pub links: Vec<FileLink>,
    pub scenarios: Vec<FileScenario>,
    /// `None` when the file has no `presentations` field (format 1 may not have one).
    pub presentations: Option<Vec<FilePresentation>>,
}

impl<N> Parsed<N> {
    /// The same file with its nodes collected otherwise.
    pub fn with_nodes<M>(self, nodes: M) -> Parsed<M> {
        Parsed {
            format: self.format,
            title: self.title,
            nodes,
            links: self.links,
            scenarios: self.scenarios,
            presentations: self.presentations,
        }
    }
}

/// Which reader parses a text (for tests that hold the fast reader to `ron`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// The fast reader, then `ron` if it gives up: what loading uses.
    Both,
    /// The fast reader alone.
    Fast,
    /// `ron` alone, the reference.
    Ron,
}

/// Parses a whole map file, or returns RON's first error.
pub(crate) fn parse(text: &str) -> Result<Parsed, SpannedError> {
    parse_by(text, Reader::Both).unwrap_or_else(|| parse_ron(text))
}

/// Parses with the chosen reader; `None` when the fast reader alone gave up.
pub(crate) fn parse_by(text: &str, reader: Reader) -> Option<Result<Parsed, SpannedError>> {
    if reader != Reader::Ron
        && let Some(parsed) = parse_fast(text)
    {
        return Some(Ok(parsed));
    }
    match reader {
        Reader::Fast => None,
        Reader::Both | Reader::Ron => Some(parse_ron(text)),
    }
}

/// Parses with the fast reader — a big text on two threads, the second reading the nodes
/// from one near the middle — or `None` when it gives up.
fn parse_fast(text: &str) -> Option<Parsed> {
    parse_fast_sharing(text, Sharing::default()).map(|(parsed, _)| parsed)
}

/// [`parse_fast`] with `sharing`: the nodes' spans when they are recorded, and an earlier
/// version's nodes taken where the bytes are the same (the caller puts them in place).
pub(crate) fn parse_fast_sharing<N: NodesList>(
    text: &str,
    sharing: Sharing<'_>,
) -> Option<(Parsed<N>, Vec<Span>)> {
    let parallel = crate::threads::two_cores();
    let resume = split_point(text)
        .filter(|_| parallel && text.len() >= PARALLEL_MIN_BYTES)
        .map(|split| split + text[split..].len() - text[split..].trim_start().len());
    match resume {
        Some(resume) => parse_fast_joined(text, resume, sharing),
        None => {
            let (file, spans): (FileMap<N>, _) = fast::from_str_sharing(text, sharing).ok()?;
            Some((Half::from(file).into_parsed(), spans))
        }
    }
}

/// The fast reader on two threads, the second reading the nodes from `resume` on.
fn parse_fast_joined<N: NodesList>(
    text: &str,
    resume: usize,
    sharing: Sharing<'_>,
) -> Option<(Parsed<N>, Vec<Span>)> {
    std::thread::scope(|scope| {
        let tail = std::thread::Builder::new()
            .spawn_scoped(scope, || fast::nodes_from::<N>(text, resume, sharing).ok())
            .ok()?;
        let mut tail = Some(tail);
        let mut tail_nodes = None;
        let mut join = || {
            let (nodes, end, spans) = tail.take()?.join().ok()??;
            tail_nodes = Some((nodes, spans));
            Some(end)
        };
        let file: Option<(FileMap<N>, Vec<Span>)> =
            fast::from_str_joining(text, resume, &mut join, sharing).ok();
        // Not handed over (the cut was not between two nodes): the tail is not needed.
        if let Some(unused) = tail {
            let _ = unused.join();
        }
        let (file, mut spans) = file?;
        let mut parsed = Half::from(file).into_parsed();
        if let Some((nodes, tail_spans)) = tail_nodes {
            parsed.nodes.append(nodes);
            spans.extend(tail_spans);
        }
        Some((parsed, spans))
    })
}

/// Parses with `ron`, in two halves on two threads when the text is big.
pub(crate) fn parse_ron(text: &str) -> Result<Parsed, SpannedError> {
    if crate::threads::two_cores()
        && text.len() >= PARALLEL_MIN_BYTES
        && let Some(parsed) = parse_halves(text)
    {
        return Ok(parsed);
    }
    let file: ConvertingMap = options().from_str(text)?;
    Ok(Half::from(file).into_parsed())
}

/// One parsed piece of a file, remembering which top-level fields it held.
struct Half<N = Converted> {
    format: Option<u64>,
    title: Option<String>,
    nodes: Option<N>,
    links: Option<Vec<FileLink>>,
    scenarios: Option<Vec<FileScenario>>,
    presentations: Option<Vec<FilePresentation>>,
}

impl<N> From<FileMap<N>> for Half<N> {
    fn from(file: FileMap<N>) -> Self {
        Self {
            format: file.format,
            title: file.title,
            nodes: file.nodes,
            links: file.links,
            scenarios: file.scenarios,
            presentations: file.presentations,
        }
    }
}

impl<N: Default> Half<N> {
    fn into_parsed(self) -> Parsed<N> {
        Parsed {
            format: self.format,
            title: self.title.unwrap_or_default(),
            nodes: self.nodes.unwrap_or_default(),
            links: self.links.unwrap_or_default(),
            scenarios: self.scenarios.unwrap_or_default(),
            presentations: self.presentations,
        }
    }
}

/// Where to cut: right after a node that ends near the middle, as Fulcrum writes them
/// (`),` at the end of a line, the next node's `(` at the nodes' indent).
fn split_point(text: &str) -> Option<usize> {
    const BOUNDARY: &str = "),\n        (";
    let mut mid = text.len() / 2;
    while !text.is_char_boundary(mid) {
        mid -= 1;
    }
    let at = text[mid..].find(BOUNDARY)? + mid;
    Some(at + 3)
}

/// Parses the two halves on two threads; `None` when the halves do not make a whole (the
/// caller then parses in one piece).
fn parse_halves(text: &str) -> Option<Parsed> {
    // The second half does not repeat the file's `#![enable(…)]` attributes, so halves are
    // only used when the file enables nothing beyond what Fulcrum always enables.
    let body = text.trim_start();
    let body = body
        .strip_prefix(HEADER)
        .map_or(body, |rest| rest.trim_start());
    if body.starts_with('#') {
        return None;
    }
    let split = split_point(text)?;
    let head = format!("{}])", &text[..split]);
    let tail = format!("Map(nodes: [{}", &text[split..]);
    let parse_half = |half: &str| {
        options()
            .from_str::<ConvertingMap>(half)
            .ok()
            .map(Half::from)
    };
    let (second, first) = crate::threads::in_parallel(|| parse_half(&tail), || parse_half(&head));
    merge(first?, second?)
}

/// Joins two halves; `None` when a top-level field appears in both or the cut was not in the
/// node list.
fn merge(first: Half, second: Half) -> Option<Parsed> {
    fn one<T>(a: Option<T>, b: Option<T>) -> Option<Option<T>> {
        match (a, b) {
            (Some(_), Some(_)) => None,
            (a, b) => Some(a.or(b)),
        }
    }
    let mut nodes = first.nodes?;
    nodes.append(second.nodes?);
    Some(
        Half {
            format: one(first.format, second.format)?,
            title: one(first.title, second.title)?,
            nodes: Some(nodes),
            links: one(first.links, second.links)?,
            scenarios: one(first.scenarios, second.scenarios)?,
            presentations: one(first.presentations, second.presentations)?,
        }
        .into_parsed(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(i: usize) -> String {
        format!("        (\n            id: \"n{i}\",\n            kind: Note,\n        ),\n")
    }

    fn file(nodes: usize, middle: &str) -> String {
        let mut text = String::from("Map(\n    format: 1,\n    title: \"t\",\n    nodes: [\n");
        for i in 0..nodes {
            text.push_str(&node(i));
            if i == nodes / 2 {
                text.push_str(middle);
            }
        }
        text.push_str("    ],\n    links: [],\n)\n");
        text
    }

    fn ids(parsed: &Parsed) -> Vec<String> {
        let ids = parsed.nodes.placements.iter();
        ids.map(|p| p.id.clone().unwrap_or_default()).collect()
    }

    fn read_joined(text: &str, resume: usize) -> Option<Parsed> {
        parse_fast_joined(text, resume, Sharing::default()).map(|(parsed, _)| parsed)
    }

    /// Where the second thread of the fast reader starts for a cut at `split`.
    fn resume(text: &str) -> usize {
        let split = split_point(text).unwrap_or(0);
        split + text[split..].len() - text[split..].trim_start().len()
    }

    #[test]
    fn fast_halves_make_the_whole() {
        let text = file(100, "");
        let whole = parse_by(&text, Reader::Ron)
            .and_then(Result::ok)
            .map(|p| ids(&p));
        assert_eq!(whole.as_ref().map(Vec::len), Some(100));
        let joined = read_joined(&text, resume(&text)).map(|p| ids(&p));
        assert_eq!(joined, whole);
    }

    #[test]
    fn fast_halves_cut_inside_a_string_or_comment_read_whole() {
        // The cut is inside a string: the first thread never meets it between two nodes and
        // reads every node itself.
        let text = compact(
            100,
            "(id: \"s\", kind: Note, notes: \"x),\n        (id: \\\"q\"), ",
        );
        let joined = read_joined(&text, resume(&text)).map(|p| ids(&p));
        let whole = parse_by(&text, Reader::Ron)
            .and_then(Result::ok)
            .map(|p| ids(&p));
        assert_eq!(joined.as_ref().map(Vec::len), Some(101));
        assert_eq!(joined, whole);
        // A comment: the fast reader gives up, whoever reads it.
        let text = compact(100, "/* ),\n        ( */ ");
        assert!(read_joined(&text, resume(&text)).is_none());
    }

    /// A cut in the `links` list, before items that would read as empty nodes, is not taken
    /// for the `nodes` list.
    #[test]
    fn fast_halves_only_hand_over_the_nodes_list() {
        // Real links on one line, then empty items from the only place a cut can be.
        let link = "(from: \"a\", to: \"a\", kind: Measures)";
        let mut text = String::from("Map(format: 1, nodes: [(id: \"a\", kind: Note)], links: [");
        text.push_str(&vec![link; 60].join(", "));
        text.push_str(&",\n        ()".repeat(20));
        text.push_str("])");
        let cut = resume(&text);
        assert!(text[cut..].starts_with('('), "{}", &text[cut..]);
        // Read alike with or without the second thread: as `ron` reads it.
        let joined = read_joined(&text, cut).map(|p| p.links.len());
        let plain = fast::from_str_sharing::<ConvertingMap>(&text, Sharing::default())
            .ok()
            .map(|(f, _)| f.links.map_or(0, |l| l.len()));
        assert_eq!(joined, plain);
        assert_eq!(
            joined.is_some(),
            parse_by(&text, Reader::Ron).is_some_and(|r| r.is_ok())
        );
    }

    #[test]
    fn halves_make_the_whole() {
        let text = file(100, "");
        let parsed = parse_halves(&text).map(|p| p.nodes.placements.len());
        assert_eq!(parsed, Some(100));
    }

    /// Nodes on one line, so the only place that looks like a cut between two nodes is the
    /// one hidden in `late`, written three quarters of the way in.
    fn compact(nodes: usize, late: &str) -> String {
        let mut text = String::from("Map(format: 1, nodes: [");
        for i in 0..nodes {
            text.push_str(&format!("(id: \"n{i}\", kind: Note), "));
            if i == nodes * 3 / 4 {
                text.push_str(late);
            }
        }
        text.push_str("])");
        text
    }

    #[test]
    fn a_cut_inside_a_string_or_comment_is_refused() {
        let text = compact(100, "(id: \"s\", kind: Note, notes: \"x),\n        (\"), ");
        let cut = split_point(&text).unwrap_or(0);
        assert!(text[..cut].ends_with("notes: \"x),\n"), "{}", &text[..cut]);
        assert!(parse_halves(&text).is_none());
        assert_eq!(
            parse(&text).map(|p| p.nodes.placements.len()).ok(),
            Some(101)
        );

        let text = compact(100, "/* ),\n        ( */ ");
        assert!(split_point(&text).is_some());
        assert!(parse_halves(&text).is_none());
        assert_eq!(
            parse(&text).map(|p| p.nodes.placements.len()).ok(),
            Some(100)
        );
    }

    #[test]
    fn other_attributes_are_left_to_the_plain_parse() {
        let text = format!("#![enable(implicit_some)]\n{}", file(100, ""));
        assert!(parse_halves(&text).is_some());
        let text = format!("#![enable(explicit_struct_names)]\n{}", file(100, ""));
        assert!(parse_halves(&text).is_none());
        assert!(parse(&text).is_err());
    }

    #[test]
    fn a_field_in_both_halves_is_left_to_the_plain_parse() {
        let text = file(100, "").replace("    links: [],\n", "    title: \"again\",\n");
        assert!(parse_halves(&text).is_none());
        assert!(parse(&text).is_err());
    }
}
