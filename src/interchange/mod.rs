//! Interchange with other tools: a map written as text that other tools read — a Markdown
//! outline (`.md`), a Mermaid flowchart (`.mmd`), OPML 2.0 (`.opml`, lossless for Fulcrum's
//! own fields) and CSV (`.csv`, a row per node) — and outlines read back from Markdown and
//! OPML ([`import`]).
//!
//! | file | job |
//! |---|---|
//! | `mod.rs` | [`ExportOptions`], [`Exported`], [`ExportError`], the nodes in scope and their figures |
//! | `markdown.rs` | [`to_markdown`]: a nested list with values and status, escaped for GitHub |
//! | `mermaid.rs` | [`to_mermaid`]: a `flowchart` with generated ids and escaped labels |
//! | `opml.rs` | [`to_opml`]: OPML 2.0 with every Fulcrum field in `fulcrum:` attributes |
//! | `csv.rs` | [`to_csv`]: id, parent, kind, title, value, unit, target, status, sensitivity, elasticity |
//! | `import/` | [`import`]: Markdown (lists, headings) and OPML (any outliner, Fulcrum's own) into a map |
//!
//! Writers are pure, deterministic functions of a map (the same map and options always give
//! the same bytes) and never recurse as deep as the tree. Readers refuse hostile input with a
//! clear error and its place (no DTDs or entities, bounded size, any depth without
//! recursion). Nothing here imports egui or touches files except [`import::import_file`].

mod csv;
pub mod import;
mod markdown;
mod mermaid;
mod opml;
pub mod templates;

pub use csv::to_csv;
pub use import::{
    ImportError, ImportOptions, KindRule, MAX_MARKDOWN_NESTING, MAX_OUTLINE_BYTES,
    MAX_OUTLINE_NODES,
};
pub use markdown::{MAX_MARKDOWN_DEPTH, to_markdown};
pub use mermaid::{MERMAID_MAX_EDGES, MERMAID_MAX_TEXT, to_mermaid};
pub use opml::{FULCRUM_NS, to_opml};

use crate::engine::{Analysis, EngineError, Rag, status};
use crate::model::{Map, Node, NodeId, NodeKind};

/// The shape of every text writer: the map and what to export, to the file's text.
pub type TextWriter = fn(&Map, &ExportOptions) -> Result<Exported, ExportError>;

/// What to export and under which figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Only this node's subtree (the whole map when `None`).
    pub root: Option<String>,
    /// Roll up under this scenario (the actuals when `None`).
    pub scenario: Option<String>,
    /// Roll up this period's values (the current values when `None`).
    pub period: Option<String>,
}

/// A written export: its text and what the user should know about it (stderr, not fatal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The file's whole text.
    pub text: String,
    /// Warnings, one sentence each (Mermaid's size limits, nesting flattened).
    pub warnings: Vec<String>,
}

/// Why an export could not be made. Nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    /// `--root` names no node.
    #[error("there is no node `{0}` to export from")]
    UnknownRoot(String),
    /// The scenario does not exist (or another roll-up problem).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// No metric has a value for this period.
    #[error("no metric has a value for period \"{period}\" (the map's periods: {known})")]
    UnknownPeriod {
        /// The period asked for.
        period: String,
        /// The periods in the map, comma-separated (`none` when there are none).
        known: String,
    },
}

/// One node in scope, in depth-first order.
pub(crate) struct Item<'a> {
    pub id: &'a NodeId,
    pub node: &'a Node,
    /// 0 for the exported roots.
    pub depth: usize,
    /// The parent, `None` for an exported root (even when it has one in the map).
    pub parent: Option<&'a NodeId>,
}

/// The nodes an export covers, depth-first (iterative), with the map's figures.
pub(crate) struct Scope<'a> {
    pub items: Vec<Item<'a>>,
    pub analysis: Analysis,
}

impl<'a> Scope<'a> {
    /// The nodes under `options.root` (every tree when `None`) rolled up as the options say.
    pub fn new(map: &'a Map, options: &ExportOptions) -> Result<Self, ExportError> {
        let items = items(map, options.root.as_deref())?;
        check_view(map, options)?;
        let analysis = Analysis::new(map, options.scenario.as_deref(), options.period.as_deref())?;
        Ok(Self { items, analysis })
    }

    /// A metric's value, or why it has none; `None` for other kinds.
    pub fn value(&self, id: &str) -> Option<Result<f64, &str>> {
        self.analysis.value(id)
    }

    /// A metric's red/amber/green status at its value.
    pub fn rag(&self, id: &str, node: &Node) -> Option<Rag> {
        match self.value(id)? {
            Ok(v) => status(node, v),
            Err(_) => None,
        }
    }
}

/// Checks that the options' scenario and period exist in the map.
pub(crate) fn check_view(map: &Map, options: &ExportOptions) -> Result<(), ExportError> {
    if let Some(name) = &options.scenario
        && map.scenario(name).is_none()
    {
        return Err(EngineError::UnknownScenario(name.clone()).into());
    }
    if let Some(period) = &options.period {
        let periods = Analysis::periods(map);
        if !periods.iter().any(|p| p == period) {
            let known = if periods.is_empty() {
                "none".to_owned()
            } else {
                periods.join(", ")
            };
            return Err(ExportError::UnknownPeriod {
                period: period.clone(),
                known,
            });
        }
    }
    Ok(())
}

/// The nodes under `root` (every tree when `None`) in depth-first pre-order, with depths:
/// one pass over the map's flat depth-first arrays (a subtree is a contiguous run of them),
/// no recursion and no id hashing per node.
pub(crate) fn items<'a>(map: &'a Map, root: Option<&str>) -> Result<Vec<Item<'a>>, ExportError> {
    let dense = map.dense();
    let n = dense.ids.len();
    let start = match root {
        Some(r) => {
            let id = map
                .id(r)
                .ok_or_else(|| ExportError::UnknownRoot(r.to_owned()))?;
            dense
                .ids
                .iter()
                .position(|i| *i == id)
                .ok_or_else(|| ExportError::UnknownRoot(r.to_owned()))?
        }
        None => 0,
    };
    let mut depth = vec![0usize; n];
    let mut out = Vec::with_capacity(n - start);
    for k in start..n {
        let parent = dense.parent[k].map(|p| p as usize);
        let inside = match (root, parent) {
            (Some(_), _) if k == start => true,
            (Some(_), Some(p)) => p >= start && (p == start || depth[p] > 0),
            (Some(_), None) => false,
            (None, _) => true,
        };
        if !inside {
            // Pre-order: once past the subtree, nothing later is in it.
            break;
        }
        let d = match parent {
            Some(p) if k != start || root.is_none() => depth[p] + 1,
            _ => 0,
        };
        depth[k] = d;
        out.push(Item {
            id: dense.ids[k],
            node: dense.nodes[k],
            depth: d,
            parent: parent
                .filter(|_| root.is_none() || k != start)
                .map(|p| dense.ids[p]),
        });
    }
    Ok(out)
}

/// The status a node shows in words: red/amber/green for a metric, the solution's or test's
/// status otherwise (`None` when it has neither).
pub(crate) fn status_word(scope: &Scope<'_>, item: &Item<'_>) -> Option<&'static str> {
    match item.node.kind {
        NodeKind::Metric => scope.rag(item.id.as_str(), item.node).map(Rag::name),
        _ => item.node.status.map(|s| s.name()),
    }
}
