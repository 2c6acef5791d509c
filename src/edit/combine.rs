//! Combining maps: each member of a trio maps alone, then the maps come together and similar
//! nodes are merged (SPEC §5 Combine maps, §6 `combine`).
//!
//! Three steps, each a function over maps that returns commands, shared by `fulcrum
//! combine` and File → Combine maps…:
//! - [`import`]: every map's trees grafted side by side into a target (through
//!   [`super::graft`], so clashing ids are made unique and formulas and links rewritten) with
//!   their scenarios and presentations, as one [`Command`]; [`Origins`] remembers which map
//!   each node came from.
//! - [`propose`]: groups of nodes of one kind from different maps whose titles mean the same,
//!   each pair with its score and a reason (`propose.rs`, words in `words.rs`).
//! - [`merge_into`]: one group merged — one node kept, the others' children moved under it,
//!   their evidence, notes (each labelled with the map it came from) and the fields the kept
//!   node lacks (sizing, factors, owner…) taken over, and their ids rewritten everywhere
//!   (formulas, links, scenario overrides, presentation steps) — as one [`Command::Batch`].
//!
//! Nothing merges unless asked: proposals are only data. Knows nothing of files or the UI.

mod propose;
mod words;

use std::collections::{BTreeMap, HashMap};

pub use propose::{DEFAULT_THRESHOLD, Member, Proposal, propose};

use super::graft::graft;
use super::{Command, EditError};
use crate::engine::formula::Tape;
use crate::model::{
    Field, FieldValue, Formula, Link, Map, Node, NodeId, Presentation, PresentationStep, Scenario,
};

/// Which map each node came from: the maps' labels (file names without `.ron`, say) and each
/// node's map by index. Nodes added later have none and are never proposed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origins {
    /// The maps' labels, in the order they were combined.
    pub labels: Vec<String>,
    of: HashMap<NodeId, usize>,
}

impl Origins {
    /// The index of the map `id` came from.
    pub fn of(&self, id: &str) -> Option<usize> {
        self.of.get(id).copied()
    }

    /// The label of the map `id` came from.
    pub fn label(&self, id: &str) -> Option<&str> {
        self.of(id)
            .and_then(|i| self.labels.get(i))
            .map(String::as_str)
    }

    /// Records that `id` came from the map labelled `labels[map]`.
    pub fn set(&mut self, id: NodeId, map: usize) {
        self.of.insert(id, map);
    }

    /// Adds the maps of a later combine (its labels after these, its nodes by them).
    pub fn extend(&mut self, later: Origins) {
        let offset = self.labels.len();
        self.labels.extend(later.labels);
        for (id, i) in later.of {
            self.of.insert(id, i + offset);
        }
    }
}

/// The result of [`import`]: the one command that brings the maps in, and where every node
/// came from.
#[derive(Clone, Debug)]
pub struct Import {
    /// Apply it to the target: the grafts, then the scenarios and presentations.
    pub command: Command,
    /// Every node of the combined map by its map (the target's own nodes included when it
    /// was given a label).
    pub origins: Origins,
}

/// Grafts every tree of each of `sources` (label, map) into `target` as new roots after its
/// own, side by side. The target's nodes count as a map of their own when `target_label`
/// is given. Scenarios and presentations come along, their ids rewritten; a name the
/// combined map already has gets the source's label (`Stretch (sam)`).
pub fn import(target: &Map, target_label: Option<&str>, sources: &[(String, Map)]) -> Import {
    let mut origins = Origins::default();
    if let Some(label) = target_label {
        origins.labels.push(label.to_owned());
        for (id, _) in target.iter() {
            origins.set(id.clone(), 0);
        }
    }
    let mut scratch = target.clone();
    let mut steps = Vec::new();
    for (label, source) in sources {
        let index = origins.labels.len();
        origins.labels.push(label.clone());
        let grafted = graft(&scratch, source, None, usize::MAX);
        for new in grafted.ids.values() {
            origins.set(new.clone(), index);
        }
        let mut commands = vec![grafted.command];
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for s in source.scenarios() {
            let name = free_name(&s.name, label, |n| {
                scratch.scenario(n).is_some() || names.values().any(|v| v == n)
            });
            names.insert(s.name.clone(), name.clone());
            let overrides = s
                .overrides
                .iter()
                .filter_map(|(id, v)| Some((grafted.ids.get(id)?.clone(), *v)))
                .collect();
            commands.push(Command::AddScenario {
                index: usize::MAX,
                scenario: Scenario { name, overrides },
            });
        }
        let mut taken: Vec<String> = Vec::new();
        for p in source.presentations() {
            let name = free_name(&p.name, label, |n| {
                scratch.presentation(n).is_some() || taken.iter().any(|t| t == n)
            });
            taken.push(name.clone());
            let steps = p
                .steps
                .iter()
                .map(|s| PresentationStep {
                    node: grafted.ids.get(&s.node).cloned().unwrap_or(s.node.clone()),
                    scenario: s
                        .scenario
                        .as_ref()
                        .map(|n| names.get(n).unwrap_or(n).clone()),
                    period: s.period.clone(),
                })
                .collect();
            commands.push(Command::AddPresentation {
                index: usize::MAX,
                presentation: Presentation { name, steps },
            });
        }
        for command in commands {
            // Worked out against `scratch`, so each applies; keep the map in step for the
            // next source's ids and names.
            if command.clone().apply(&mut scratch).is_ok() {
                steps.push(command);
            }
        }
    }
    Import {
        command: Command::Batch(steps),
        origins,
    }
}

/// A map's label: `stem` (a file's name without `.ron`), or `stem 2`, `stem 3`, … — the
/// first that `taken` does not hold, so two files of one name are told apart.
pub fn unique_label(stem: &str, taken: &[String]) -> String {
    let mut label = stem.to_owned();
    let mut n = 2;
    while taken.contains(&label) {
        label = format!("{stem} {n}");
        n += 1;
    }
    label
}

/// `name`, or `name (label)`, `name (label 2)`, … — the first that `taken` says is free.
fn free_name(name: &str, label: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_owned();
    }
    let mut candidate = format!("{name} ({label})");
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{name} ({label} {n})");
        n += 1;
    }
    candidate
}

/// Why a merge was refused. The map is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CombineError {
    /// No node has this id.
    #[error("no node `{0}` in the map")]
    UnknownId(String),
    /// A node cannot be merged into itself.
    #[error("`{0}` cannot be merged into itself")]
    Same(String),
    /// Only nodes of one kind merge.
    #[error("`{merge}` is {merge_kind} and `{keep}` is {keep_kind}: only nodes of one kind merge")]
    KindsDiffer {
        /// The node kept.
        keep: String,
        /// Its kind's name.
        keep_kind: &'static str,
        /// The node merged.
        merge: String,
        /// Its kind's name.
        merge_kind: &'static str,
    },
    /// The kept node lies under the merged one, so its children cannot move under it.
    #[error("`{keep}` is under `{merge}`: merge them the other way round")]
    Inside {
        /// The node kept.
        keep: String,
        /// The node merged.
        merge: String,
    },
    /// A step of the merge was refused.
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// Merges each of `merged` into `keep` on `map` and returns the command that does it (one
/// [`Command::Batch`]; apply it to an equal map to do the same, e.g. through an undo
/// history). On an error, `map` is left as it was.
///
/// Each merged node's children become `keep`'s last children, in order; its links, formula
/// references, scenario overrides and presentation steps move to `keep` (an override `keep`
/// has already wins; a link that would join `keep` to itself goes); `keep` gains its
/// evidence entries, its notes (labelled `From LABEL` with the map `origins` gives, and its
/// title when that differs) and every field `keep` leaves empty; then it is deleted.
pub fn merge_into(
    map: &mut Map,
    keep: &NodeId,
    merged: &[NodeId],
    origins: &Origins,
) -> Result<Command, CombineError> {
    let mut done: Vec<Command> = Vec::new();
    let mut inverses: Vec<Command> = Vec::new();
    for m in merged {
        if let Err(err) = merge_one(map, keep, m, origins, &mut done, &mut inverses) {
            for inverse in inverses.into_iter().rev() {
                // Inverses of steps that just applied always apply.
                let _ = inverse.apply(map);
            }
            return Err(err);
        }
    }
    Ok(Command::Batch(done))
}

/// One merge, each step applied as it is worked out (so the next is worked out on the map
/// as it then is) and recorded with its inverse.
fn merge_one(
    map: &mut Map,
    keep: &NodeId,
    m: &NodeId,
    origins: &Origins,
    done: &mut Vec<Command>,
    inverses: &mut Vec<Command>,
) -> Result<(), CombineError> {
    let (Some(k_node), Some(m_node)) = (map.node(keep.as_str()), map.node(m.as_str())) else {
        let missing = if map.contains(keep.as_str()) { m } else { keep };
        return Err(CombineError::UnknownId(missing.to_string()));
    };
    if keep == m {
        return Err(CombineError::Same(m.to_string()));
    }
    if k_node.kind != m_node.kind {
        return Err(CombineError::KindsDiffer {
            keep: keep.to_string(),
            keep_kind: k_node.kind.name(),
            merge: m.to_string(),
            merge_kind: m_node.kind.name(),
        });
    }
    if map.is_ancestor_or_self(m.as_str(), keep.as_str()) {
        return Err(CombineError::Inside {
            keep: keep.to_string(),
            merge: m.to_string(),
        });
    }
    let node = merged_node(
        k_node,
        origins.label(keep.as_str()),
        m_node,
        origins.label(m.as_str()),
    );
    let mut step = |map: &mut Map, command: Command| -> Result<(), CombineError> {
        let inverse = command.clone().apply(map)?;
        done.push(command);
        inverses.push(inverse);
        Ok(())
    };
    let children: Vec<NodeId> = map.children(m.as_str()).cloned().collect();
    for child in children {
        let to = Command::Move {
            id: child,
            parent: Some(keep.clone()),
            index: usize::MAX,
        };
        step(map, to)?;
    }
    for link in map.links_of(m.as_str()) {
        step(map, Command::RemoveLink(link.clone()))?;
        let swap = |id: &NodeId| if id == m { keep.clone() } else { id.clone() };
        let moved = Link {
            from: swap(&link.from),
            to: swap(&link.to),
            kind: link.kind,
        };
        if moved.from != moved.to && !map.links_of(keep.as_str()).contains(&moved) {
            step(map, Command::AddLink(moved))?;
        }
    }
    let formulas: Vec<(NodeId, String)> = map
        .iter()
        .filter_map(|(id, n)| match &n.formula {
            Some(Formula::Expr(src)) if src.contains(m.as_str()) => {
                let new = Tape::rename_in_source(src, m.as_str(), keep.as_str());
                (new != *src).then(|| (id.clone(), new))
            }
            _ => None,
        })
        .collect();
    for (id, src) in formulas {
        let value = FieldValue::Formula(std::borrow::Cow::Owned(Formula::Expr(src)));
        step(
            map,
            Command::SetField {
                id,
                field: Field::Formula,
                value,
            },
        )?;
    }
    let scenarios: Vec<Scenario> = map
        .scenarios()
        .iter()
        .filter(|s| s.overrides.contains_key(m))
        .cloned()
        .collect();
    for mut s in scenarios {
        if let Some(v) = s.overrides.remove(m) {
            s.overrides.entry(keep.clone()).or_insert(v);
        }
        step(map, Command::SetScenario(s))?;
    }
    let mut steps: Vec<(String, usize, PresentationStep)> = Vec::new();
    for p in map.presentations() {
        for (k, s) in p.steps.iter().enumerate() {
            if &s.node == m {
                let mut s = s.clone();
                s.node = keep.clone();
                steps.push((p.name.clone(), k, s));
            }
        }
    }
    for (presentation, index, s) in steps {
        let set = Command::SetStep {
            presentation,
            index,
            step: s,
        };
        step(map, set)?;
    }
    let set = Command::SetNode {
        id: keep.clone(),
        node: Box::new(node),
    };
    step(map, set)?;
    step(map, Command::DeleteSubtree { id: m.clone() })?;
    Ok(())
}

/// `keep` with what `other` adds: evidence entries it lacks, notes, and every field it
/// leaves empty.
fn merged_node(
    keep: &Node,
    keep_label: Option<&str>,
    other: &Node,
    other_label: Option<&str>,
) -> Node {
    let mut out = keep.clone();
    let empty = |v: &FieldValue<'_>| matches!(v, FieldValue::Absent | FieldValue::Bool(false));
    for field in Field::ALL {
        if matches!(
            field,
            Field::Kind | Field::Title | Field::Notes | Field::Evidence
        ) {
            continue;
        }
        let theirs = field.get(other);
        if empty(&field.get(keep)) && !empty(&theirs) {
            // Same field, same type: cannot fail.
            let _ = field.set(&mut out, theirs.into_owned());
        }
    }
    for e in &other.evidence {
        if !out.evidence.contains(e) {
            out.evidence.push(e.clone());
        }
    }
    out.notes = merged_notes(keep, keep_label, other, other_label);
    out
}

/// The kept node's notes with the other's after them, each labelled with its map; the other
/// node's title goes in too when it differs, so no one's wording is lost.
fn merged_notes(
    keep: &Node,
    keep_label: Option<&str>,
    other: &Node,
    other_label: Option<&str>,
) -> Option<String> {
    let theirs = other
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let same_title = keep.title.trim().to_lowercase() == other.title.trim().to_lowercase();
    if theirs.is_none() && same_title {
        return keep.notes.clone();
    }
    let mut parts: Vec<String> = Vec::new();
    if let Some(own) = keep
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        parts.push(match keep_label {
            Some(label) if !own.starts_with("From ") => format!("From {label}: {own}"),
            _ => own.to_owned(),
        });
    }
    let mut head = match other_label {
        Some(label) => format!("From {label}"),
        None => "Merged".to_owned(),
    };
    if !same_title {
        head.push_str(&format!(" as “{}”", other.title.trim()));
    }
    parts.push(match theirs {
        Some(text) => format!("{head}: {text}"),
        None => format!("{head}."),
    });
    Some(parts.join("\n\n"))
}
