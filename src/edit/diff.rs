//! What changed between two maps, by id: nodes added, removed, moved to another parent or
//! reordered among their siblings, node fields changed, history entries, links, scenarios
//! and their overrides, named presentations, the map's title.
//!
//! Maps are compared as loaded, never as text, so the layout of a file (line breaks, the
//! order of fields, a bare value or `Some(…)`) is never a change. A reorder is reported for
//! the fewest nodes that explain it: the nodes outside a longest increasing subsequence of
//! old positions ([`super::order`]). One pass over each map with hashed ids; no recursion.
//! Only reads maps; knows nothing of files or the UI.

use std::collections::BTreeMap;
use std::sync::Arc;

use hashbrown::HashMap;

use super::order::longest_increasing;
use crate::model::{
    Dense, Field, FieldValue, Link, Map, Node, NodeId, Presentation, Scenario, same_node,
};

/// One difference between an old map and a new one.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The map's title changed.
    Title {
        /// The old title.
        old: String,
        /// The new title.
        new: String,
    },
    /// A node that only the new map has.
    Added {
        /// Its id.
        id: NodeId,
        /// Its parent in the new map (`None`: a root).
        parent: Option<NodeId>,
        /// Its index among its siblings in the new map.
        index: usize,
        /// Its data.
        node: Box<Node>,
    },
    /// A node that only the old map has.
    Removed {
        /// Its id.
        id: NodeId,
        /// Its parent in the old map.
        parent: Option<NodeId>,
        /// Its index among its siblings in the old map.
        index: usize,
        /// Its data.
        node: Box<Node>,
    },
    /// A node under another parent (its subtree moves with it; the nodes inside are not
    /// reported as moved).
    Moved {
        /// Its id.
        id: NodeId,
        /// The old parent (`None`: a root).
        old_parent: Option<NodeId>,
        /// The new parent.
        new_parent: Option<NodeId>,
        /// Its old index among its siblings.
        old_index: usize,
        /// Its new index among its siblings.
        new_index: usize,
    },
    /// A node at another place among the same siblings, when it is one of the fewest nodes
    /// whose moves explain the new order.
    Reordered {
        /// Its id.
        id: NodeId,
        /// The parent of both lists of siblings (`None`: the roots).
        parent: Option<NodeId>,
        /// Its old index among its siblings.
        old_index: usize,
        /// Its new index.
        new_index: usize,
    },
    /// One field of a node changed (every field but `history`, whose entries are reported one
    /// by one).
    Field {
        /// The node.
        id: NodeId,
        /// The field.
        field: Field,
        /// The old value.
        old: FieldValue<'static>,
        /// The new value.
        new: FieldValue<'static>,
    },
    /// One history entry of a node added (`old` is `None`), removed (`new` is `None`) or
    /// changed.
    History {
        /// The node.
        id: NodeId,
        /// The period label.
        period: String,
        /// The old value.
        old: Option<f64>,
        /// The new value.
        new: Option<f64>,
    },
    /// A link only the new map has.
    LinkAdded(Link),
    /// A link only the old map has.
    LinkRemoved(Link),
    /// A scenario only the new map has.
    ScenarioAdded(Scenario),
    /// A scenario only the old map has.
    ScenarioRemoved(Scenario),
    /// A scenario at another place in the list (as for nodes, the fewest such).
    ScenarioReordered {
        /// Its name.
        name: String,
        /// Its old index.
        old_index: usize,
        /// Its new index.
        new_index: usize,
    },
    /// A named presentation added (`old` is `None`), removed (`new` is `None`), changed (its
    /// steps) or at another place in the list (both the same but their places).
    Presentation {
        /// Its name.
        name: String,
        /// The old presentation and its index.
        old: Option<(usize, Presentation)>,
        /// The new presentation and its index.
        new: Option<(usize, Presentation)>,
    },
    /// One override of a scenario both maps have added, removed or changed.
    Override {
        /// The scenario's name.
        scenario: String,
        /// The overridden metric.
        id: NodeId,
        /// The old value (`None`: not overridden).
        old: Option<f64>,
        /// The new value.
        new: Option<f64>,
    },
}

/// The five kinds of change, as the JSON output names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the new map.
    Added,
    /// Only in the old map.
    Removed,
    /// Under another parent.
    Moved,
    /// At another place among the same siblings.
    Reordered,
    /// A value changed.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed`, `moved`, `reordered` or `changed`.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Moved => "moved",
            ChangeKind::Reordered => "reordered",
            ChangeKind::Changed => "changed",
        }
    }
}

impl Change {
    /// Which of the five kinds this change is: an override or history entry that appears is
    /// `Added`, one that goes is `Removed`.
    pub fn kind(&self) -> ChangeKind {
        let entry = |old: &Option<f64>, new: &Option<f64>| match (old, new) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            _ => ChangeKind::Changed,
        };
        match self {
            Change::Added { .. } | Change::LinkAdded(_) | Change::ScenarioAdded(_) => {
                ChangeKind::Added
            }
            Change::Removed { .. } | Change::LinkRemoved(_) | Change::ScenarioRemoved(_) => {
                ChangeKind::Removed
            }
            Change::Moved { .. } => ChangeKind::Moved,
            Change::Reordered { .. } | Change::ScenarioReordered { .. } => ChangeKind::Reordered,
            Change::Title { .. } | Change::Field { .. } => ChangeKind::Changed,
            Change::History { old, new, .. } | Change::Override { old, new, .. } => entry(old, new),
            Change::Presentation { old, new, .. } => match (old, new) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                (Some((_, o)), Some((_, n))) if o == n => ChangeKind::Reordered,
                _ => ChangeKind::Changed,
            },
        }
    }

    /// The node the change is about, if it is about one (for an override, the overridden
    /// metric).
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Change::Added { id, .. }
            | Change::Removed { id, .. }
            | Change::Moved { id, .. }
            | Change::Reordered { id, .. }
            | Change::Field { id, .. }
            | Change::History { id, .. }
            | Change::Override { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// A map as flat arrays with its ids hashed, and each node's index among its siblings.
pub(crate) struct Indexed<'a> {
    pub dense: Dense<'a>,
    pub index: HashMap<&'a str, u32>,
    /// Each node's index among its siblings (or among the roots).
    pub position: Vec<u32>,
    /// The roots' positions in `dense`.
    pub roots: Vec<u32>,
}

impl<'a> Indexed<'a> {
    pub fn new(map: &'a Map) -> Self {
        let dense = map.dense();
        let n = dense.ids.len();
        let mut index = HashMap::with_capacity(n);
        for (k, id) in dense.ids.iter().enumerate() {
            index.insert(id.as_str(), k as u32);
        }
        let mut position = vec![0u32; n];
        let mut roots = Vec::new();
        for k in 0..n {
            for (i, &c) in dense.children(k).iter().enumerate() {
                position[c as usize] = i as u32;
            }
            if dense.parent[k].is_none() {
                position[k] = roots.len() as u32;
                roots.push(k as u32);
            }
        }
        Self {
            dense,
            index,
            position,
            roots,
        }
    }

    pub fn len(&self) -> usize {
        self.dense.ids.len()
    }

    pub fn id(&self, k: u32) -> &'a NodeId {
        self.dense.ids[k as usize]
    }

    pub fn node(&self, k: u32) -> &'a Arc<Node> {
        self.dense.nodes[k as usize]
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub fn parent(&self, k: u32) -> Option<&'a NodeId> {
        self.dense.parent[k as usize].map(|p| self.id(p))
    }

    /// The sibling lists: the roots first, then every node's children, in depth-first order.
    pub fn sibling_lists(&self) -> impl Iterator<Item = (Option<u32>, &[u32])> + '_ {
        std::iter::once((None, self.roots.as_slice())).chain(
            (0..self.len())
                .map(|k| (Some(k as u32), self.dense.children(k)))
                .filter(|(_, kids)| !kids.is_empty()),
        )
    }
}

/// Every change from `old` to `new`: the title, then removed nodes (in the old map's order),
/// then for each node of the new map in its order whether it was added, moved or reordered
/// and its changed fields and history entries, then links (sorted), then scenarios.
pub fn diff(old: &Map, new: &Map) -> Vec<Change> {
    let (a, b) = crate::threads::in_parallel(|| Indexed::new(old), || Indexed::new(new));
    let mut out = Vec::new();
    if old.title() != new.title() {
        out.push(Change::Title {
            old: old.title().to_owned(),
            new: new.title().to_owned(),
        });
    }
    for k in 0..a.len() as u32 {
        if b.get(a.id(k).as_str()).is_none() {
            out.push(Change::Removed {
                id: a.id(k).clone(),
                parent: a.parent(k).cloned(),
                index: a.position[k as usize] as usize,
                node: Box::new(Node::clone(a.node(k))),
            });
        }
    }
    let reordered = reordered(&a, &b);
    for kb in 0..b.len() as u32 {
        let id = b.id(kb);
        let Some(ka) = a.get(id.as_str()) else {
            out.push(Change::Added {
                id: id.clone(),
                parent: b.parent(kb).cloned(),
                index: b.position[kb as usize] as usize,
                node: Box::new(Node::clone(b.node(kb))),
            });
            continue;
        };
        let (old_parent, new_parent) = (a.parent(ka), b.parent(kb));
        let (old_index, new_index) = (
            a.position[ka as usize] as usize,
            b.position[kb as usize] as usize,
        );
        if old_parent != new_parent {
            out.push(Change::Moved {
                id: id.clone(),
                old_parent: old_parent.cloned(),
                new_parent: new_parent.cloned(),
                old_index,
                new_index,
            });
        } else if reordered[kb as usize] {
            out.push(Change::Reordered {
                id: id.clone(),
                parent: new_parent.cloned(),
                old_index,
                new_index,
            });
        }
        node_changes(id, a.node(ka), b.node(kb), &mut out);
    }
    link_changes(&old.links(), &new.links(), &mut out);
    scenario_changes(old.scenarios(), new.scenarios(), &mut out);
    presentation_changes(old.presentations(), new.presentations(), &mut out);
    out
}

/// Presentations removed, added, changed, or at another place among the ones both have.
fn presentation_changes(old: &[Presentation], new: &[Presentation], out: &mut Vec<Change>) {
    let find = |list: &[Presentation], name: &str| list.iter().position(|p| p.name == name);
    let common_old: Vec<&str> = old
        .iter()
        .filter(|p| find(new, &p.name).is_some())
        .map(|p| p.name.as_str())
        .collect();
    let common_new: Vec<&str> = new
        .iter()
        .filter(|p| find(old, &p.name).is_some())
        .map(|p| p.name.as_str())
        .collect();
    for (i, p) in old.iter().enumerate() {
        if find(new, &p.name).is_none() {
            out.push(Change::Presentation {
                name: p.name.clone(),
                old: Some((i, p.clone())),
                new: None,
            });
        }
    }
    for (j, p) in new.iter().enumerate() {
        let Some(i) = find(old, &p.name) else {
            out.push(Change::Presentation {
                name: p.name.clone(),
                old: None,
                new: Some((j, p.clone())),
            });
            continue;
        };
        let rank = |list: &[&str]| list.iter().position(|n| *n == p.name);
        if old[i] != *p || rank(&common_old) != rank(&common_new) {
            out.push(Change::Presentation {
                name: p.name.clone(),
                old: Some((i, old[i].clone())),
                new: Some((j, p.clone())),
            });
        }
    }
}

/// For each node of `b`, whether it is one of the fewest nodes whose moves among the same
/// siblings explain `b`'s order.
pub(crate) fn reordered(a: &Indexed<'_>, b: &Indexed<'_>) -> Vec<bool> {
    let mut out = vec![false; b.len()];
    let mut kept_here: Vec<u32> = Vec::new();
    let mut old_positions: Vec<usize> = Vec::new();
    for (parent, kids) in b.sibling_lists() {
        let parent_id = parent.map(|p| b.id(p));
        kept_here.clear();
        old_positions.clear();
        for &kb in kids {
            if let Some(ka) = a.get(b.id(kb).as_str())
                && a.parent(ka) == parent_id
            {
                kept_here.push(kb);
                old_positions.push(a.position[ka as usize] as usize);
            }
        }
        for (kb, stayed) in kept_here.iter().zip(longest_increasing(&old_positions)) {
            out[*kb as usize] = !stayed;
        }
    }
    out
}

/// The field and history changes of one node.
fn node_changes(id: &NodeId, old: &Node, new: &Node, out: &mut Vec<Change>) {
    if same_node(old, new) {
        return;
    }
    for field in Field::ALL {
        if field == Field::History || field.same(old, new) {
            continue;
        }
        out.push(Change::Field {
            id: id.clone(),
            field,
            old: field.get(old).into_owned(),
            new: field.get(new).into_owned(),
        });
    }
    if !Field::History.same(old, new) {
        for (period, (o, n)) in entry_changes(&old.history, &new.history) {
            out.push(Change::History {
                id: id.clone(),
                period: period.to_owned(),
                old: o,
                new: n,
            });
        }
    }
}

/// A key whose value differs, with the old and the new value.
type EntryChange<'k, K> = (&'k K, (Option<f64>, Option<f64>));

/// Numbers by sorted keys, as diff and merge compare them: a scenario's overrides by id, a
/// metric's history by period.
pub(crate) trait Entries: Clone {
    /// What the numbers are kept by.
    type Key: Ord + ?Sized;
    /// The keys in order.
    fn entry_keys(&self) -> impl Iterator<Item = &Self::Key>;
    /// The number kept by `key`.
    fn entry(&self, key: &Self::Key) -> Option<f64>;
    /// Keeps `value` by `key`, or removes `key` for `None`.
    fn set_entry(&mut self, key: &Self::Key, value: Option<f64>);
}

impl Entries for BTreeMap<NodeId, f64> {
    type Key = NodeId;
    fn entry_keys(&self) -> impl Iterator<Item = &NodeId> {
        self.keys()
    }
    fn entry(&self, key: &NodeId) -> Option<f64> {
        self.get(key).copied()
    }
    fn set_entry(&mut self, key: &NodeId, value: Option<f64>) {
        match value {
            Some(v) => self.insert(key.clone(), v),
            None => self.remove(key),
        };
    }
}

impl Entries for crate::model::History {
    type Key = str;
    fn entry_keys(&self) -> impl Iterator<Item = &str> {
        self.keys()
    }
    fn entry(&self, key: &str) -> Option<f64> {
        self.get(key).copied()
    }
    fn set_entry(&mut self, key: &str, value: Option<f64>) {
        match value {
            Some(v) => self.insert(key, v),
            None => self.remove(key),
        };
    }
}

/// The entries of two sorted maps of numbers that differ (by bits), in key order.
pub(crate) fn entry_changes<'k, E: Entries>(
    old: &'k E,
    new: &'k E,
) -> Vec<EntryChange<'k, E::Key>> {
    let mut keys: Vec<&E::Key> = old.entry_keys().chain(new.entry_keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (o, n) = (old.entry(k), new.entry(k));
            (o.map(f64::to_bits) != n.map(f64::to_bits)).then_some((k, (o, n)))
        })
        .collect()
}

/// Links removed and added; both lists are sorted.
fn link_changes(old: &[Link], new: &[Link], out: &mut Vec<Change>) {
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                out.push(Change::LinkRemoved(x.clone()));
                i += 1;
            }
            (Some(x), None) => {
                out.push(Change::LinkRemoved(x.clone()));
                i += 1;
            }
            (_, Some(y)) => {
                out.push(Change::LinkAdded(y.clone()));
                j += 1;
            }
            (None, None) => break,
        }
    }
}

/// Scenarios removed, added, reordered, and the overrides of those in both.
fn scenario_changes(old: &[Scenario], new: &[Scenario], out: &mut Vec<Change>) {
    let old_index: HashMap<&str, usize> = old
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let new_names: HashMap<&str, usize> = new
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    for s in old {
        if !new_names.contains_key(s.name.as_str()) {
            out.push(Change::ScenarioRemoved(s.clone()));
        }
    }
    let common: Vec<(usize, usize)> = new
        .iter()
        .enumerate()
        .filter_map(|(j, s)| old_index.get(s.name.as_str()).map(|&i| (i, j)))
        .collect();
    let positions: Vec<usize> = common.iter().map(|&(i, _)| i).collect();
    let stayed = longest_increasing(&positions);
    let mut moved: HashMap<usize, usize> = HashMap::new();
    for (&(i, j), stayed) in common.iter().zip(stayed) {
        if !stayed {
            moved.insert(j, i);
        }
    }
    for (j, s) in new.iter().enumerate() {
        let Some(&i) = old_index.get(s.name.as_str()) else {
            out.push(Change::ScenarioAdded(s.clone()));
            continue;
        };
        if moved.contains_key(&j) {
            out.push(Change::ScenarioReordered {
                name: s.name.clone(),
                old_index: i,
                new_index: j,
            });
        }
        for (id, (o, n)) in entry_changes(&old[i].overrides, &s.overrides) {
            out.push(Change::Override {
                scenario: s.name.clone(),
                id: id.clone(),
                old: o,
                new: n,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkKind, NodeKind};

    fn id(s: &str) -> NodeId {
        NodeId::new(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn map(children: &[&str]) -> Map {
        let mut m = Map::new("t");
        let _ = m.insert(id("root"), Node::new(NodeKind::Metric, "Root"), None, 0);
        for c in children {
            let _ = m.insert(
                id(c),
                Node::new(NodeKind::Metric, *c),
                Some("root"),
                usize::MAX,
            );
        }
        m
    }

    #[test]
    fn the_same_map_has_no_changes() {
        let m = crate::model::synthetic::driver_tree(300, 3);
        assert!(diff(&m, &m.clone()).is_empty());
    }

    #[test]
    fn one_node_moved_to_the_front_is_one_reorder() {
        let changes = diff(&map(&["a", "b", "c", "d"]), &map(&["d", "a", "b", "c"]));
        assert_eq!(
            changes,
            [Change::Reordered {
                id: id("d"),
                parent: Some(id("root")),
                old_index: 3,
                new_index: 0
            }]
        );
    }

    #[test]
    fn nodes_fields_links_and_scenarios() {
        let old = map(&["a", "b"]);
        let mut new = map(&["b", "c"]);
        let mut b = new
            .node("b")
            .cloned()
            .unwrap_or_else(|| Node::new(NodeKind::Note, ""));
        b.owner = Some("Ann".into());
        b.history.insert("2026-10", 1.0);
        let _ = new.replace_node("b", b);
        let _ = new.add_link(Link {
            from: id("b"),
            to: id("c"),
            kind: LinkKind::Relates,
        });
        let _ = new.insert_scenario(0, Scenario::default());
        let kinds: Vec<&str> = diff(&old, &new).iter().map(|c| c.kind().name()).collect();
        // a removed; c added; b's owner and one history entry; the link; the scenario.
        assert_eq!(
            kinds,
            ["removed", "changed", "added", "added", "added", "added"]
        );
    }
}
