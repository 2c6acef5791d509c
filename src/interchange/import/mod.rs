//! Outlines from other tools into a map: Markdown (nested lists and headings, from any tool)
//! and OPML (any outliner; Fulcrum's own OPML comes back as the same map).
//!
//! Both readers turn their input into a flat list of [`Pending`] nodes in document order,
//! each naming its parent by position, with an explicit stack instead of recursion — so any
//! depth is fine — and [`build`] makes the map: ids from titles (as the app makes them:
//! `Starting MRR` → `starting_mrr`, `_2` on a clash) unless the file names them, kinds from
//! Fulcrum's attributes or else by the [`KindRule`], then the links and scenarios, and the
//! checks a save runs, so an imported map always saves and reopens.
//!
//! Hostile input gets an error with its place, never a panic, a hang or a stack overflow: a
//! file over [`MAX_OUTLINE_BYTES`] is refused before it is read, more than
//! [`MAX_OUTLINE_NODES`] nodes are refused while reading, and OPML with a DOCTYPE (where
//! entity definitions and "billion laughs" live) or an undefined entity is refused.

mod markdown;
mod opml;

use std::collections::HashMap;
use std::path::Path;

use crate::format::{Problem, ReadError, Severity, read_file, save_problems};
use crate::model::{Link, Map, Node, NodeId, NodeKind, Scenario};

pub use markdown::{MAX_MARKDOWN_NESTING, import_markdown};
pub use opml::import_opml;

/// The largest outline file read, in bytes (64 MiB).
pub const MAX_OUTLINE_BYTES: u64 = 64 * 1024 * 1024;

/// The most nodes an outline may make (a million, the largest maps Fulcrum is built for).
pub const MAX_OUTLINE_NODES: usize = 1_000_000;

/// Which kinds the nodes of an outline take when the file does not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KindRule {
    /// Along the opportunity solution tree by depth: Outcome, Opportunity, Solution,
    /// Assumption, Test, then Note (each child the kind that usually follows its parent's).
    #[default]
    Ost,
    /// Every node a `Note`.
    Note,
    /// Every node a `Metric` (a driver tree to fill in).
    Metric,
}

/// How to read an outline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Kinds for nodes the file does not give one.
    pub kinds: KindRule,
    /// The map's title when the outline has none (the CLI passes the file's name).
    pub fallback_title: Option<String>,
}

/// Why an outline could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read (missing, not a regular file, over the size limit).
    #[error("{0}")]
    Read(#[from] ReadError),
    /// The file's extension is neither `.md` nor `.opml`.
    #[error("cannot import `{0}`: the file must end in .md (or .markdown) or .opml")]
    UnknownExtension(String),
    /// The outline has problems, each with its place where it has one.
    #[error("the outline has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
}

/// Reads an outline file (`.md`/`.markdown` or `.opml`, by extension) into a map.
///
/// Errors: [`ImportError::UnknownExtension`]; [`ImportError::Read`] for a file that cannot
/// be read or is over [`MAX_OUTLINE_BYTES`]; [`ImportError::Invalid`] with every problem.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Map, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let reader: fn(&str, &ImportOptions) -> Result<Map, Vec<Problem>> = match ext.as_str() {
        "md" | "markdown" => import_markdown,
        "opml" => import_opml,
        _ => return Err(ImportError::UnknownExtension(path.display().to_string())),
    };
    let bytes = read_file(path, MAX_OUTLINE_BYTES)?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            let hint = if utf16 {
                "the file is UTF-16; save it as UTF-8"
            } else {
                "the file is not UTF-8 text"
            };
            return Err(ImportError::Invalid(vec![Problem::at(
                Some(line_col(valid, valid.len())),
                Severity::Error,
                hint,
            )]));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    reader(text, options).map_err(ImportError::Invalid)
}

/// A node read from an outline, before ids and kinds are settled.
#[derive(Debug)]
pub(crate) struct Pending {
    /// Byte offset of where it starts in the text, for messages.
    pub pos: usize,
    /// Index of its parent among the pending nodes (always an earlier one).
    pub parent: Option<usize>,
    /// The node's data; its kind is settled by [`build`] unless `kind` is set.
    pub node: Node,
    /// The kind the file gives.
    pub kind: Option<NodeKind>,
    /// The id the file gives, with its place.
    pub id: Option<(String, usize)>,
}

impl Pending {
    pub fn new(pos: usize, parent: Option<usize>, title: String) -> Self {
        Self {
            pos,
            parent,
            node: Node::new(NodeKind::Note, title),
            kind: None,
            id: None,
        }
    }
}

/// A link read from the file, with its place.
pub(crate) struct PendingLink {
    pub pos: usize,
    pub link: Result<Link, String>,
}

/// What a reader found besides the nodes.
#[derive(Default)]
pub(crate) struct Extras {
    pub title: Option<String>,
    pub links: Vec<PendingLink>,
    pub scenarios: Vec<(usize, Scenario)>,
}

/// The problem "too many nodes", at `pos`.
pub(crate) fn too_many(text: &str, pos: usize) -> Problem {
    Problem::at(
        Some(line_col(text, pos)),
        Severity::Error,
        format!("the outline has more than {MAX_OUTLINE_NODES} nodes; Fulcrum stops here"),
    )
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// The id the app would make for `title` (`NodeId::from_title`: the slug, then `_2`, `_3`,
/// … on a clash), in constant time per node however many share a title: `next` remembers
/// the next suffix to try for each slug (ids are only ever added, so every smaller suffix
/// is taken).
fn fresh_id(
    title: &str,
    next: &mut HashMap<NodeId, usize>,
    taken: impl Fn(&str) -> bool,
) -> NodeId {
    let base = NodeId::from_title(title, |_| false);
    if !taken(base.as_str()) {
        return base;
    }
    let n = next.entry(base.clone()).or_insert(2);
    loop {
        let candidate = format!("{base}_{n}");
        *n += 1;
        if !taken(&candidate)
            && let Ok(id) = NodeId::new(&candidate)
        {
            return id;
        }
    }
}

/// Makes the map: ids, kinds, tree, links, scenarios; then the checks a save runs.
pub(crate) fn build(
    text: &str,
    pending: Vec<Pending>,
    extras: Extras,
    options: &ImportOptions,
) -> Result<Map, Vec<Problem>> {
    let at = |pos: usize, message: String| {
        Problem::at(Some(line_col(text, pos)), Severity::Error, message)
    };
    let mut problems = Vec::new();
    let title = extras
        .title
        .or_else(|| options.fallback_title.clone())
        .unwrap_or_else(|| "Imported outline".to_owned());
    let mut map = Map::new(title);
    // Ids the file gives come first, so a generated id never takes one of them.
    let mut ids: Vec<Option<NodeId>> = Vec::with_capacity(pending.len());
    let mut given = HashMap::new();
    for p in &pending {
        let id = match &p.id {
            Some((raw, pos)) => match NodeId::new(raw) {
                Ok(id) => {
                    if let Some(first) = given.insert(id.clone(), *pos) {
                        let (line, _) = line_col(text, first);
                        problems.push(at(
                            *pos,
                            format!("the id `{id}` is already used by the node on line {line}"),
                        ));
                    }
                    Some(id)
                }
                Err(why) => {
                    problems.push(at(*pos, why));
                    None
                }
            },
            None => None,
        };
        ids.push(id);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut kinds: Vec<NodeKind> = Vec::with_capacity(pending.len());
    let mut placed: Vec<NodeId> = Vec::with_capacity(pending.len());
    let mut next_suffix: HashMap<NodeId, usize> = HashMap::new();
    for (k, mut p) in pending.into_iter().enumerate() {
        let kind = p.kind.unwrap_or_else(|| match p.parent {
            Some(parent) => kinds[parent].child_kind(),
            None => match options.kinds {
                KindRule::Ost => NodeKind::Outcome,
                KindRule::Note => NodeKind::Note,
                KindRule::Metric => NodeKind::Metric,
            },
        });
        kinds.push(kind);
        p.node.kind = kind;
        let id = match ids[k].take() {
            Some(id) => id,
            None => fresh_id(&p.node.title, &mut next_suffix, |s| {
                map.contains(s) || given.contains_key(s)
            }),
        };
        let parent = p.parent.map(|i| placed[i].as_str());
        if let Err(err) = map.insert(id.clone(), p.node, parent, usize::MAX) {
            problems.push(at(p.pos, err.to_string()));
        }
        placed.push(id);
    }
    for PendingLink { pos, link } in extras.links {
        match link {
            Ok(link) => {
                if let Err(err) = map.add_link(link) {
                    problems.push(at(pos, err.to_string()));
                }
            }
            Err(why) => problems.push(at(pos, why)),
        }
    }
    for (k, (pos, scenario)) in extras.scenarios.into_iter().enumerate() {
        if let Err(err) = map.insert_scenario(k, scenario) {
            problems.push(at(pos, err.to_string()));
        }
    }
    if problems.is_empty() {
        // What a save would refuse (scores out of range, a status of the wrong kind,
        // non-finite numbers, overrides of missing metrics): the file cannot be saved.
        problems.extend(save_problems(&map));
    }
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(problems)
    }
}
