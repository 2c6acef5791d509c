//! The map: a petgraph `StableGraph` of nodes with ordered tree edges and links, behind a typed
//! API keyed by stable [`NodeId`]s.
//!
//! The API keeps the invariants — every node has at most one parent, parents form no cycle,
//! ids are unique and well-formed — so no caller can build a broken map. Graph indices never
//! leave this module. Changes should come through `edit::Command`, which calls these methods
//! and records the inverse; this module itself knows nothing of undo, files or the UI.

use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::{DefaultHashBuilder, HashTable};

use petgraph::Direction as GraphDirection;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};

use super::{Link, LinkKind, Node, NodeId, Presentation, Scenario};

/// What an edge of the graph means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    /// Parent → child. The children's order lives in [`Slot::children`].
    Child,
    /// A link between nodes, usually of different trees.
    Link(LinkKind),
}

/// Where a node is kept in a map: an opaque handle from [`Map::dense`], for
/// [`Map::node_at`]. Only a hint — a key of another map, or of a removed node, finds the
/// node by id instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeKey(NodeIndex);

/// One node in the graph with its place in the tree. The node's data is shared, not held
/// inline: a loaded node is made once and never moved again (into the map, between the
/// halves of a big file, as the graph grows), the graph's own table stays small to walk, and
/// versions of one map (a diff's sides, a merge's three) and a map's copies hold one node
/// where it is the same. A change replaces the node, never writes into a shared one.
#[derive(Clone, Debug)]
struct Slot {
    id: NodeId,
    node: Arc<Node>,
    parent: Option<NodeIndex>,
    children: Vec<NodeIndex>,
}

/// Why a change to the map was refused. The map is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// No node has this id.
    #[error("there is no node `{0}`")]
    UnknownId(String),
    /// The id is already used by another node.
    #[error("the id `{0}` is already used")]
    DuplicateId(NodeId),
    /// Moving the node under that parent would make it its own ancestor.
    #[error("`{node}` cannot move under `{parent}`, which is inside it")]
    WouldCycle {
        /// The node being moved.
        node: NodeId,
        /// The requested new parent.
        parent: NodeId,
    },
    /// Only a node without children can be removed on its own.
    #[error("`{0}` still has children")]
    HasChildren(NodeId),
    /// This exact link already exists.
    #[error("a {kind} link from `{from}` to `{to}` already exists", kind = .0.kind.name(), from = .0.from, to = .0.to)]
    LinkExists(Link),
    /// There is no such link.
    #[error("there is no {kind} link from `{from}` to `{to}`", kind = .0.kind.name(), from = .0.from, to = .0.to)]
    NoSuchLink(Link),
    /// A link cannot join a node to itself.
    #[error("a link cannot join `{0}` to itself")]
    SelfLink(NodeId),
    /// No scenario has this name.
    #[error("there is no scenario named \"{0}\"")]
    UnknownScenario(String),
    /// Another scenario has this name.
    #[error("a scenario named \"{0}\" already exists")]
    DuplicateScenario(String),
    /// No presentation has this name.
    #[error("there is no presentation named \"{0}\"")]
    UnknownPresentation(String),
    /// Another presentation has this name.
    #[error("a presentation named \"{0}\" already exists")]
    DuplicatePresentation(String),
    /// A presentation's name is empty or only spaces.
    #[error("a presentation needs a name")]
    BlankPresentationName,
    /// A presentation step's period is empty or only spaces.
    #[error("a step's period cannot be empty")]
    BlankPeriod,
    /// The presentation has no step at this index.
    #[error("presentation \"{presentation}\" has no step {}", index + 1)]
    UnknownStep {
        /// The presentation's name.
        presentation: String,
        /// The 0-based index asked for.
        index: usize,
    },
}

/// The nodes by id: each node's graph index, hashed by the id its slot holds, so an id is
/// kept once (in its slot) rather than again as a key — a map of 100k nodes loads without
/// 100k copies of its ids. The graph is passed in to compare ids.
#[derive(Clone, Debug, Default)]
struct Ids {
    table: HashTable<NodeIndex>,
    hasher: DefaultHashBuilder,
}

type Graph = StableGraph<Slot, Edge>;

impl Ids {
    fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    fn get(&self, graph: &Graph, id: &str) -> Option<&NodeIndex> {
        self.table
            .find(self.hash(id), |&ix| graph[ix].id.as_str() == id)
    }

    fn contains(&self, graph: &Graph, id: &str) -> bool {
        self.get(graph, id).is_some()
    }

    /// Indexes the node at `ix` under the id its slot holds (not already indexed).
    fn insert(&mut self, graph: &Graph, ix: NodeIndex) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(graph[ix].id.as_str());
        self.table
            .insert_unique(hash, ix, |&other| hasher.hash_one(graph[other].id.as_str()));
    }

    /// Stops indexing the node at `ix`, indexed under `id`.
    fn remove(&mut self, id: &str, ix: NodeIndex) {
        if let Ok(entry) = self.table.find_entry(self.hash(id), |&other| other == ix) {
            entry.remove();
        }
    }

    fn reserve(&mut self, graph: &Graph, additional: usize) {
        let hasher = &self.hasher;
        self.table
            .reserve(additional, |&ix| hasher.hash_one(graph[ix].id.as_str()));
    }

    fn len(&self) -> usize {
        self.table.len()
    }

    fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// A Fulcrum map: one or more trees of nodes, links between them, named scenarios and named
/// presentations.
#[derive(Clone, Debug, Default)]
pub struct Map {
    title: String,
    graph: Graph,
    index: Ids,
    roots: Vec<NodeIndex>,
    scenarios: Vec<Scenario>,
    /// Kept by `presentation.rs`.
    pub(super) presentations: Vec<Presentation>,
}

impl Map {
    /// An empty map with this title.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            ..Self::default()
        }
    }

    /// The map's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Sets the map's title, returning the old one.
    pub fn set_title(&mut self, title: String) -> String {
        std::mem::replace(&mut self.title, title)
    }

    /// Makes room for `additional` more nodes (and their tree edges), so building a big map
    /// does not grow its tables step by step.
    pub fn reserve(&mut self, additional: usize) {
        self.graph.reserve_nodes(additional);
        self.graph.reserve_edges(additional);
        self.index.reserve(&self.graph, additional);
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the map has no nodes.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Whether a node has this id.
    pub fn contains(&self, id: &str) -> bool {
        self.index.contains(&self.graph, id)
    }

    fn idx(&self, id: &str) -> Result<NodeIndex, ModelError> {
        self.index
            .get(&self.graph, id)
            .copied()
            .ok_or_else(|| ModelError::UnknownId(id.to_owned()))
    }

    fn slot(&self, ix: NodeIndex) -> &Slot {
        &self.graph[ix]
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index
            .get(&self.graph, id)
            .map(|&ix| &*self.slot(ix).node)
    }

    /// The node kept at `key` if it still has the id `id`, else the node with that id found
    /// by its id: a lookup without hashing for code that holds many keys from one
    /// [`Map::dense`] view (an engine program reading its inputs), still right for a map that
    /// changed since.
    pub fn node_at(&self, key: NodeKey, id: &NodeId) -> Option<&Node> {
        match self.graph.node_weight(key.0) {
            Some(slot) if slot.id == *id => Some(&slot.node),
            _ => self.node(id.as_str()),
        }
    }

    /// The id as stored in the map (useful to borrow an id with the map's lifetime).
    pub fn id(&self, id: &str) -> Option<&NodeId> {
        self.index.get(&self.graph, id).map(|&ix| &self.slot(ix).id)
    }

    /// The node with this id and its parent (`None` for a root), found once.
    pub fn node_and_parent(&self, id: &str) -> Option<(&Node, Option<&NodeId>)> {
        let slot = self.slot(*self.index.get(&self.graph, id)?);
        Some((&slot.node, slot.parent.map(|p| &self.slot(p).id)))
    }

    /// [`Map::node_and_parent`] with the node as this map shares it, for another map to hold
    /// the same node without copying it.
    pub fn shared_node_and_parent(&self, id: &str) -> Option<(&Arc<Node>, Option<&NodeId>)> {
        let slot = self.slot(*self.index.get(&self.graph, id)?);
        Some((&slot.node, slot.parent.map(|p| &self.slot(p).id)))
    }

    /// The node's parent, `None` for a root or an unknown id.
    pub fn parent(&self, id: &str) -> Option<&NodeId> {
        let ix = *self.index.get(&self.graph, id)?;
        self.slot(ix).parent.map(|p| &self.slot(p).id)
    }

    /// The node's children in order (empty for an unknown id).
    pub fn children(&self, id: &str) -> impl ExactSizeIterator<Item = &NodeId> + '_ {
        let kids: &[NodeIndex] = match self.index.get(&self.graph, id) {
            Some(&ix) => &self.slot(ix).children,
            None => &[],
        };
        kids.iter().map(|&c| &self.slot(c).id)
    }

    /// The number of children of a node.
    pub fn child_count(&self, id: &str) -> usize {
        self.index
            .get(&self.graph, id)
            .map_or(0, |&ix| self.slot(ix).children.len())
    }

    /// The node's position among its siblings (or among the roots).
    pub fn position(&self, id: &str) -> Option<usize> {
        let ix = *self.index.get(&self.graph, id)?;
        let siblings = match self.slot(ix).parent {
            Some(p) => &self.slot(p).children,
            None => &self.roots,
        };
        siblings.iter().position(|&s| s == ix)
    }

    /// The tree roots in order.
    pub fn roots(&self) -> impl ExactSizeIterator<Item = &NodeId> + '_ {
        self.roots.iter().map(|&r| &self.slot(r).id)
    }

    /// The root of the tree holding this node.
    pub fn root_of(&self, id: &str) -> Option<&NodeId> {
        let mut ix = *self.index.get(&self.graph, id)?;
        while let Some(p) = self.slot(ix).parent {
            ix = p;
        }
        Some(&self.slot(ix).id)
    }

    /// Whether `ancestor` is `id` or one of its ancestors.
    pub fn is_ancestor_or_self(&self, ancestor: &str, id: &str) -> bool {
        let (Some(&a), Some(&n)) = (
            self.index.get(&self.graph, ancestor),
            self.index.get(&self.graph, id),
        ) else {
            return false;
        };
        let mut cur = Some(n);
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            cur = self.slot(c).parent;
        }
        false
    }

    /// The depth of a node (0 for a root).
    pub fn depth(&self, id: &str) -> usize {
        let Some(&ix) = self.index.get(&self.graph, id) else {
            return 0;
        };
        let mut depth = 0;
        let mut cur = self.slot(ix).parent;
        while let Some(c) = cur {
            depth += 1;
            cur = self.slot(c).parent;
        }
        depth
    }

    /// Every node in depth-first pre-order, trees in root order, children in order — the
    /// order the file format writes. Iterative, so any depth is fine.
    pub fn dfs(&self) -> Vec<&NodeId> {
        self.dfs_from_indices(self.roots.iter().rev().copied().collect())
    }

    /// The subtree under `id` (itself first) in depth-first pre-order.
    pub fn subtree(&self, id: &str) -> Vec<&NodeId> {
        match self.index.get(&self.graph, id) {
            Some(&ix) => self.dfs_from_indices(vec![ix]),
            None => Vec::new(),
        }
    }

    fn dfs_from_indices(&self, mut stack: Vec<NodeIndex>) -> Vec<&NodeId> {
        let mut out = Vec::with_capacity(self.len());
        while let Some(ix) = stack.pop() {
            let slot = self.slot(ix);
            out.push(&slot.id);
            stack.extend(slot.children.iter().rev().copied());
        }
        out
    }

    /// A flat, index-based view of the whole map in depth-first order, for code that walks
    /// every node (the engine's compiler, the layout): no id hashing per node.
    pub fn dense(&self) -> Dense<'_> {
        let order: Vec<NodeIndex> = {
            let mut out = Vec::with_capacity(self.len());
            let mut stack: Vec<NodeIndex> = self.roots.iter().rev().copied().collect();
            while let Some(ix) = stack.pop() {
                out.push(ix);
                stack.extend(self.slot(ix).children.iter().rev().copied());
            }
            out
        };
        let bound = self.graph.node_bound();
        let mut position = vec![u32::MAX; bound];
        for (k, ix) in order.iter().enumerate() {
            position[ix.index()] = k as u32;
        }
        let mut child_start = Vec::with_capacity(order.len() + 1);
        let mut child_list = Vec::with_capacity(order.len());
        let mut parent = Vec::with_capacity(order.len());
        child_start.push(0u32);
        for &ix in &order {
            let slot = self.slot(ix);
            child_list.extend(slot.children.iter().map(|c| position[c.index()]));
            child_start.push(child_list.len() as u32);
            parent.push(slot.parent.map(|p| position[p.index()]));
        }
        Dense {
            keys: order.iter().map(|&ix| NodeKey(ix)).collect(),
            ids: order.iter().map(|&ix| &self.slot(ix).id).collect(),
            nodes: order.iter().map(|&ix| &self.slot(ix).node).collect(),
            parent,
            child_start,
            child_list,
        }
    }

    /// Every node with its id, in depth-first order.
    pub fn iter(&self) -> impl Iterator<Item = (&NodeId, &Node)> + '_ {
        let dense = self.dense();
        dense
            .ids
            .into_iter()
            .zip(dense.nodes.into_iter().map(|n| &**n))
    }

    /// Adds a node under `parent` (a new root when `None`) at `index` among its siblings
    /// (clamped to the end).
    pub fn insert(
        &mut self,
        id: NodeId,
        node: impl Into<Arc<Node>>,
        parent: Option<&str>,
        index: usize,
    ) -> Result<(), ModelError> {
        if self.index.contains(&self.graph, id.as_str()) {
            return Err(ModelError::DuplicateId(id));
        }
        let parent_ix = parent.map(|p| self.idx(p)).transpose()?;
        let ix = self.graph.add_node(Slot {
            id,
            node: node.into(),
            parent: parent_ix,
            children: Vec::new(),
        });
        self.index.insert(&self.graph, ix);
        match parent_ix {
            Some(p) => {
                self.graph.add_edge(p, ix, Edge::Child);
                let kids = &mut self.graph[p].children;
                kids.insert(index.min(kids.len()), ix);
            }
            None => self.roots.insert(index.min(self.roots.len()), ix),
        }
        Ok(())
    }

    /// Removes a node that has no children, with every link touching it. Returns the node,
    /// its parent, its index among its siblings and the removed links.
    pub fn remove_leaf(&mut self, id: &str) -> Result<RemovedNode, ModelError> {
        let ix = self.idx(id)?;
        if !self.slot(ix).children.is_empty() {
            return Err(ModelError::HasChildren(self.slot(ix).id.clone()));
        }
        let links = self.links_of(id);
        let parent = self.slot(ix).parent;
        let siblings = match parent {
            Some(p) => &mut self.graph[p].children,
            None => &mut self.roots,
        };
        let index = siblings.iter().position(|&s| s == ix).unwrap_or(0);
        siblings.retain(|&s| s != ix);
        let parent_id = parent.map(|p| self.slot(p).id.clone());
        self.index.remove(id, ix);
        let Some(slot) = self.graph.remove_node(ix) else {
            return Err(ModelError::UnknownId(id.to_owned()));
        };
        Ok(RemovedNode {
            id: slot.id,
            node: Arc::unwrap_or_clone(slot.node),
            parent: parent_id,
            index,
            links,
        })
    }

    /// Moves a node (with its subtree) under `new_parent` (a root when `None`) at `index`
    /// among its new siblings, counted after the node has left its old place. Returns the old
    /// parent and index.
    pub fn move_node(
        &mut self,
        id: &str,
        new_parent: Option<&str>,
        index: usize,
    ) -> Result<(Option<NodeId>, usize), ModelError> {
        let ix = self.idx(id)?;
        let new_parent_ix = new_parent.map(|p| self.idx(p)).transpose()?;
        if let Some(np) = new_parent_ix
            && self.is_ancestor_or_self(id, self.slot(np).id.as_str())
        {
            return Err(ModelError::WouldCycle {
                node: self.slot(ix).id.clone(),
                parent: self.slot(np).id.clone(),
            });
        }
        let old_parent = self.slot(ix).parent;
        let old_index = self.position(id).unwrap_or(0);
        match old_parent {
            Some(p) => {
                self.graph[p].children.retain(|&c| c != ix);
                if let Some(e) = self.child_edge(p, ix) {
                    self.graph.remove_edge(e);
                }
            }
            None => self.roots.retain(|&r| r != ix),
        }
        match new_parent_ix {
            Some(np) => {
                self.graph.add_edge(np, ix, Edge::Child);
                let kids = &mut self.graph[np].children;
                kids.insert(index.min(kids.len()), ix);
            }
            None => self.roots.insert(index.min(self.roots.len()), ix),
        }
        self.graph[ix].parent = new_parent_ix;
        Ok((old_parent.map(|p| self.slot(p).id.clone()), old_index))
    }

    fn child_edge(&self, parent: NodeIndex, child: NodeIndex) -> Option<EdgeIndex> {
        self.graph
            .edges_connecting(parent, child)
            .find(|e| *e.weight() == Edge::Child)
            .map(|e| e.id())
    }

    /// Replaces a node's data, returning the old data.
    pub fn replace_node(&mut self, id: &str, node: Node) -> Result<Node, ModelError> {
        let ix = self.idx(id)?;
        let old = std::mem::replace(&mut self.graph[ix].node, Arc::new(node));
        Ok(Arc::unwrap_or_clone(old))
    }

    /// Changes a node's id in the index, its links and the scenarios' overrides. Formulas are
    /// text and are rewritten by the caller (the edit layer), which knows the formula language.
    pub fn rename(&mut self, old: &str, new: NodeId) -> Result<(), ModelError> {
        let ix = self.idx(old)?;
        if old == new.as_str() {
            return Ok(());
        }
        if self.index.contains(&self.graph, new.as_str()) {
            return Err(ModelError::DuplicateId(new));
        }
        self.index.remove(old, ix);
        self.graph[ix].id = new.clone();
        self.index.insert(&self.graph, ix);
        for scenario in &mut self.scenarios {
            if let Some(v) = scenario.overrides.remove(old) {
                scenario.overrides.insert(new.clone(), v);
            }
        }
        Ok(())
    }

    /// Adds a link between two existing nodes.
    pub fn add_link(&mut self, link: Link) -> Result<(), ModelError> {
        let from = self.idx(link.from.as_str())?;
        let to = self.idx(link.to.as_str())?;
        if from == to {
            return Err(ModelError::SelfLink(link.from));
        }
        let exists = self
            .graph
            .edges_connecting(from, to)
            .any(|e| *e.weight() == Edge::Link(link.kind));
        if exists {
            return Err(ModelError::LinkExists(link));
        }
        self.graph.add_edge(from, to, Edge::Link(link.kind));
        Ok(())
    }

    /// Removes a link.
    pub fn remove_link(&mut self, link: &Link) -> Result<(), ModelError> {
        let (Ok(from), Ok(to)) = (self.idx(link.from.as_str()), self.idx(link.to.as_str())) else {
            return Err(ModelError::NoSuchLink(link.clone()));
        };
        let edge = self
            .graph
            .edges_connecting(from, to)
            .find(|e| *e.weight() == Edge::Link(link.kind))
            .map(|e| e.id())
            .ok_or_else(|| ModelError::NoSuchLink(link.clone()))?;
        self.graph.remove_edge(edge);
        Ok(())
    }

    /// Every link, sorted (the order the file format writes).
    pub fn links(&self) -> Vec<Link> {
        let mut links: Vec<Link> = (&self.graph)
            .edge_references()
            .filter_map(|e| match *e.weight() {
                Edge::Link(kind) => Some(Link {
                    from: self.slot(e.source()).id.clone(),
                    to: self.slot(e.target()).id.clone(),
                    kind,
                }),
                Edge::Child => None,
            })
            .collect();
        links.sort();
        links
    }

    /// The links that start or end at this node, sorted.
    pub fn links_of(&self, id: &str) -> Vec<Link> {
        let Some(&ix) = self.index.get(&self.graph, id) else {
            return Vec::new();
        };
        let mut links: Vec<Link> = self
            .graph
            .edges_directed(ix, GraphDirection::Outgoing)
            .chain(self.graph.edges_directed(ix, GraphDirection::Incoming))
            .filter_map(|e| match e.weight() {
                Edge::Link(kind) => Some(Link {
                    from: self.slot(e.source()).id.clone(),
                    to: self.slot(e.target()).id.clone(),
                    kind: *kind,
                }),
                Edge::Child => None,
            })
            .collect();
        links.sort();
        links.dedup();
        links
    }

    /// The named scenarios, in order.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The scenario with this name.
    pub fn scenario(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// Adds a scenario at `index` (clamped).
    pub fn insert_scenario(&mut self, index: usize, scenario: Scenario) -> Result<(), ModelError> {
        if self.scenario(&scenario.name).is_some() {
            return Err(ModelError::DuplicateScenario(scenario.name));
        }
        self.scenarios
            .insert(index.min(self.scenarios.len()), scenario);
        Ok(())
    }

    /// Removes a scenario, returning it and its index.
    pub fn remove_scenario(&mut self, name: &str) -> Result<(usize, Scenario), ModelError> {
        let index = self
            .scenarios
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| ModelError::UnknownScenario(name.to_owned()))?;
        Ok((index, self.scenarios.remove(index)))
    }

    /// Replaces a scenario's overrides, returning the old ones.
    pub fn replace_scenario(&mut self, scenario: Scenario) -> Result<Scenario, ModelError> {
        let slot = self
            .scenarios
            .iter_mut()
            .find(|s| s.name == scenario.name)
            .ok_or_else(|| ModelError::UnknownScenario(scenario.name.clone()))?;
        Ok(std::mem::replace(slot, scenario))
    }

    /// Replaces the scenario called `name` by `scenario` (which may have another name), in
    /// place; for `rename_scenario`, which checks the names.
    pub(super) fn replace_scenario_named(&mut self, name: &str, scenario: Scenario) {
        if let Some(slot) = self.scenarios.iter_mut().find(|s| s.name == name) {
            *slot = scenario;
        }
    }

    /// A fresh id for a node titled `title`.
    pub fn fresh_id(&self, title: &str) -> NodeId {
        NodeId::from_title(title, |s| self.index.contains(&self.graph, s))
    }

    /// Checks every invariant; used by tests. Returns the first violation found.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.index.len() != self.graph.node_count() {
            return Err("index and graph disagree on the node count".into());
        }
        let mut seen = 0usize;
        for &ix in self.index.table.iter() {
            let slot = self.slot(ix);
            let id = &slot.id;
            if self.index.get(&self.graph, id.as_str()) != Some(&ix) {
                return Err(format!("the index does not find {id} where its slot is"));
            }
            if let Some(problem) = super::id::id_problem(id.as_str()) {
                return Err(problem);
            }
            let parent_edges = self
                .graph
                .edges_directed(ix, GraphDirection::Incoming)
                .filter(|e| *e.weight() == Edge::Child)
                .count();
            if parent_edges != usize::from(slot.parent.is_some()) {
                return Err(format!("{id} has {parent_edges} parent edges"));
            }
            let listed = match slot.parent {
                Some(p) => self.slot(p).children.iter().filter(|&&c| c == ix).count(),
                None => self.roots.iter().filter(|&&r| r == ix).count(),
            };
            if listed != 1 {
                return Err(format!("{id} is listed {listed} times among its siblings"));
            }
        }
        // Every node reachable from the roots exactly once means no cycle of parents.
        for _ in self.dfs() {
            seen += 1;
            if seen > self.len() {
                return Err("a cycle of parents".into());
            }
        }
        if seen != self.len() {
            return Err(format!(
                "{} nodes unreachable from the roots",
                self.len() - seen
            ));
        }
        Ok(())
    }
}

/// The map as flat arrays in depth-first order (see [`Map::dense`]). Position `k` is the
/// k-th node of [`Map::dfs`].
#[derive(Debug)]
pub struct Dense<'a> {
    /// Where each node is kept, by position (see [`Map::node_at`]).
    pub keys: Vec<NodeKey>,
    /// Ids by position.
    pub ids: Vec<&'a NodeId>,
    /// Nodes by position, as the map shares them (another map can hold the same node).
    pub nodes: Vec<&'a Arc<Node>>,
    /// Parent position of each node.
    pub parent: Vec<Option<u32>>,
    /// Children of node k: `child_list[child_start[k]..child_start[k + 1]]`, in order.
    pub child_start: Vec<u32>,
    /// See `child_start`.
    pub child_list: Vec<u32>,
}

impl Dense<'_> {
    /// The children positions of node `k`.
    pub fn children(&self, k: usize) -> &[u32] {
        &self.child_list[self.child_start[k] as usize..self.child_start[k + 1] as usize]
    }
}

/// A node taken out of the map, with what is needed to put it back.
#[derive(Clone, Debug, PartialEq)]
pub struct RemovedNode {
    /// Its id.
    pub id: NodeId,
    /// Its data.
    pub node: Node,
    /// Its parent, `None` for a root.
    pub parent: Option<NodeId>,
    /// Its index among its siblings.
    pub index: usize,
    /// The links that touched it.
    pub links: Vec<Link>,
}
