//! The three-way merge of maps: by node id and field, scenarios by name, history entries and
//! overrides by key, links as a set, sibling order by the fewest moves; the named
//! presentations as one list (the side that changed it wins; both changing it differently
//! is one conflict, [`Subject::Presentations`]).
//!
//! A conflict is the same field changed two ways, a delete against an edit (a change to the
//! node, or something added under it or linked to it), one id added twice with different
//! content (any field or the parent), a node moved two ways, or a merge that would close a
//! cycle of parents or of formula references. Conflicts are listed, never resolved
//! silently: the merge works out the map with every conflict taken ours' way
//! ([`Merge::map`]) and the one with every conflict taken theirs' way
//! ([`Merge::theirs_way`]); the two differ exactly where the conflicts are, which is how
//! `format::merged_to_string` writes git conflict markers around each one.
//!
//! Both resolutions are valid maps: a kept node's parent is kept too, links and overrides
//! only name kept nodes, and no cycle of parents can form. Everything is iterative and about
//! linear in the size of the maps. Only reads maps; knows nothing of files or the UI.

mod resolve;

use std::collections::BTreeMap;
use std::sync::Arc;

use hashbrown::HashMap;

use super::diff::{Entries, Indexed};
use crate::model::{Field, FieldValue, Map, Node, NodeId, Presentation, Scenario, same_node};
use crate::threads::in_parallel;

/// One side of a merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The branch being merged into (git's `%A`, "ours").
    Ours,
    /// The branch being merged in (git's `%B`, "theirs").
    Theirs,
}

/// What a conflict is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// The map's title.
    Title,
    /// Whether a node is there at all (a delete against an edit).
    Node(NodeId),
    /// A node's parent (moved two ways, or a cycle of parents).
    Parent(NodeId),
    /// One field of a node (`history` is by entry: [`Subject::History`]).
    Field(NodeId, Field),
    /// One history entry of a node, by period.
    History(NodeId, String),
    /// Whether a scenario is there at all.
    Scenario(String),
    /// One override of a scenario, by metric id.
    Override(String, NodeId),
    /// The map's named presentations, merged as one list.
    Presentations,
}

impl Subject {
    /// The node this conflict is about, if any (for an override, the overridden metric).
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Subject::Node(id)
            | Subject::Parent(id)
            | Subject::Field(id, _)
            | Subject::History(id, _)
            | Subject::Override(_, id) => Some(id),
            Subject::Title | Subject::Scenario(_) | Subject::Presentations => None,
        }
    }
}

/// Why something is a conflict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Both sides changed it, in different ways.
    Changed,
    /// Both sides added the same id (or scenario name) with different content.
    Added,
    /// One side deleted it and the other changed it, or put something under it, linked to
    /// it or overrode it.
    Deleted,
    /// Both sides moved the node, under different parents.
    Moved,
    /// Taking both sides' changes would close a cycle of parents or of formula references.
    Cycle,
}

impl Reason {
    /// The reason as the JSON output names it: `changed`, `added`, `deleted`, `moved`,
    /// `cycle`.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Changed => "changed",
            Reason::Added => "added",
            Reason::Deleted => "deleted",
            Reason::Moved => "moved",
            Reason::Cycle => "cycle",
        }
    }
}

/// What one version (base, ours or theirs) holds for a conflict's subject.
#[derive(Clone, Debug, PartialEq)]
pub enum Version {
    /// Not there: no such node, scenario, history entry or override in this version.
    Absent,
    /// The node or scenario is there (for [`Subject::Node`] and [`Subject::Scenario`]).
    Present,
    /// A node's parent (`None`: a root).
    Parent(Option<NodeId>),
    /// A field's value.
    Field(FieldValue<'static>),
    /// A history entry's or an override's value.
    Number(f64),
    /// The map's title.
    Text(String),
}

/// One conflict: what, why, and what each version holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// What the conflict is about.
    pub subject: Subject,
    /// Why it is a conflict.
    pub reason: Reason,
    /// The base version.
    pub base: Version,
    /// Our version (taken in [`Merge::map`]).
    pub ours: Version,
    /// Their version (taken in [`Merge::theirs_way`]).
    pub theirs: Version,
}

impl Conflict {
    /// The same conflict seen from the other side (ours and theirs swapped).
    pub fn swapped(&self) -> Conflict {
        Conflict {
            ours: self.theirs.clone(),
            theirs: self.ours.clone(),
            ..self.clone()
        }
    }
}

/// The result of a three-way merge.
#[derive(Clone, Debug)]
pub struct Merge {
    /// The merged map, with every conflict taken ours' way. Without conflicts, the merge.
    pub map: Map,
    /// Every conflict, in the order of the merged file (title, nodes, scenarios).
    pub conflicts: Vec<Conflict>,
    /// The merged map with every conflict taken theirs' way, when it differs from `map`.
    theirs: Option<Map>,
}

impl Merge {
    /// Whether the merge is clean.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }

    /// The merged map with every conflict taken theirs' way (the same as [`Merge::map`]
    /// when there is no conflict, except where both sides moved one node among the same
    /// siblings to different places, which is no conflict: each way keeps its own side's
    /// place).
    pub fn theirs_way(&self) -> &Map {
        self.theirs.as_ref().unwrap_or(&self.map)
    }

    /// The merged map with every conflict taken `side`'s way.
    pub fn resolved(&self, side: Side) -> &Map {
        match side {
            Side::Ours => &self.map,
            Side::Theirs => self.theirs_way(),
        }
    }
}

/// Merges `ours` and `theirs`, two descendants of `base`. Never fails: what cannot be
/// merged is a [`Conflict`], and both ways of resolving them are valid maps.
pub fn merge(base: &Map, ours: &Map, theirs: &Map) -> Merge {
    let plan = Plan::new(base, ours, theirs);
    let mut found = Found::default();
    for c in &plan.conflicts {
        found.add(c.clone(), c.subject.clone());
    }
    let (map, depends) = resolve::resolve(&plan, Side::Ours, &mut found);
    let theirs_map = if found.list.is_empty() && !depends {
        None
    } else {
        Some(resolve::resolve(&plan, Side::Theirs, &mut found).0)
    };
    let conflicts = found.sorted(&plan);
    Merge {
        map,
        conflicts,
        theirs: theirs_map,
    }
}

/// Conflicts found so far, each subject once.
#[derive(Default)]
struct Found {
    list: Vec<Conflict>,
    seen: HashMap<Subject, usize>,
}

impl Found {
    fn add(&mut self, conflict: Conflict, subject: Subject) {
        if !self.seen.contains_key(&subject) {
            self.seen.insert(subject, self.list.len());
            self.list.push(conflict);
        }
    }

    /// In file order: the title, then nodes by their place in `ours` (then theirs, then
    /// base), fields in file order, then scenarios in `ours`' order.
    fn sorted(self, plan: &Plan<'_>) -> Vec<Conflict> {
        let scenario_rank: HashMap<&str, usize> = plan
            .scenario_names
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i))
            .collect();
        let mut list = self.list;
        list.sort_by_key(|c| {
            let node = |id: &NodeId| plan.g(id.as_str()).unwrap_or(u32::MAX);
            match &c.subject {
                Subject::Title => (0, 0, 0, String::new()),
                Subject::Node(id) => (1, node(id), 0, String::new()),
                Subject::Parent(id) => (1, node(id), 1, String::new()),
                Subject::Field(id, f) => (1, node(id), 2 + *f as u32, String::new()),
                Subject::History(id, p) => (1, node(id), 2 + Field::History as u32, p.clone()),
                Subject::Scenario(s) => (2, rank(&scenario_rank, s), 0, String::new()),
                Subject::Override(s, id) => (2, rank(&scenario_rank, s), 1, id.to_string()),
                Subject::Presentations => (3, 0, 0, String::new()),
            }
        });
        list
    }
}

fn rank(ranks: &HashMap<&str, usize>, name: &str) -> u32 {
    ranks.get(name).map_or(u32::MAX, |&r| r as u32)
}

/// "Not in this map", as a dense position.
const NONE: u32 = u32::MAX;

/// The maps, by index: base, ours, theirs.
const BASE: usize = 0;
const OURS: usize = 1;
const THEIRS: usize = 2;

/// The map index of a side.
fn map_of(side: Side) -> usize {
    match side {
        Side::Ours => OURS,
        Side::Theirs => THEIRS,
    }
}

/// The way index (0 ours' way, 1 theirs' way) of a side.
fn way_of(side: Side) -> usize {
    match side {
        Side::Ours => 0,
        Side::Theirs => 1,
    }
}

/// A node's data one way of the merge: one version's node as its map shares it (the
/// merged map holds the same node, not a copy), or a node merged from both sides' fields.
#[derive(Clone, Debug)]
pub(super) enum Data<'a> {
    Shared(&'a Arc<Node>),
    Merged(Arc<Node>),
}

impl Data<'_> {
    /// The node, shared.
    pub(super) fn shared(&self) -> Arc<Node> {
        match self {
            Data::Shared(node) => Arc::clone(node),
            Data::Merged(node) => Arc::clone(node),
        }
    }
}

impl std::ops::Deref for Data<'_> {
    type Target = Node;

    fn deref(&self) -> &Node {
        match self {
            Data::Shared(node) => node,
            Data::Merged(node) => node,
        }
    }
}

/// What the three versions say about each node, before either side is preferred: every id
/// of the three maps numbered (`g`), the data and parent each way, and the conflicts found
/// between the versions themselves.
pub(super) struct Plan<'a> {
    maps: [&'a Map; 3],
    ix: [Indexed<'a>; 3],
    /// g → id.
    ids: Vec<&'a NodeId>,
    /// g → dense position in base, ours, theirs (`NONE`: not there).
    at: Vec<[u32; 3]>,
    /// Dense position → g, per map.
    g_of: [Vec<u32>; 3],
    /// id → g.
    index: HashMap<&'a str, u32>,
    /// Per g, each way: whether the node is there before structural fixes.
    present: Vec<[bool; 2]>,
    /// Per g, each way: the parent (as g) before structural fixes.
    parent: Vec<[Option<u32>; 2]>,
    /// Per g, each way: the node's data when it is there (the field-by-field merge where
    /// both sides have it, else the side that has it).
    data: Vec<[Option<Data<'a>>; 2]>,
    /// Per map (ours, theirs; base unused): whether the node at each dense position was
    /// reordered among the same siblings as in base.
    reordered: [Vec<bool>; 3],
    conflicts: Vec<Conflict>,
    /// Every scenario name, ours' order first.
    scenario_names: Vec<&'a str>,
    scenarios: Vec<ScenarioPlan<'a>>,
    /// The presentations each way (ours' way, theirs' way), before steps lose scenarios
    /// that way does not keep.
    presentations: [&'a [Presentation]; 2],
}

/// A scenario's merge before the structural fixes: whether it is there and its overrides,
/// each way.
pub(super) struct ScenarioPlan<'a> {
    name: &'a str,
    present: [bool; 2],
    overrides: [BTreeMap<NodeId, f64>; 2],
}

/// Every id of the three versions numbered once (ours first, then theirs, then base): the
/// ids, where each is in each version, an index by id, and each version's numbers.
#[allow(clippy::type_complexity)]
fn number_ids<'a>(
    ix: &[Indexed<'a>; 3],
) -> (
    Vec<&'a NodeId>,
    Vec<[u32; 3]>,
    HashMap<&'a str, u32>,
    [Vec<u32>; 3],
) {
    let total = ix[OURS].len() + ix[THEIRS].len() / 8 + 16;
    let mut ids: Vec<&'a NodeId> = Vec::with_capacity(total);
    let mut at: Vec<[u32; 3]> = Vec::with_capacity(total);
    let mut index: HashMap<&'a str, u32> = HashMap::with_capacity(total);
    let mut g_of: [Vec<u32>; 3] = Default::default();
    for m in [OURS, THEIRS, BASE] {
        let mut map_g = Vec::with_capacity(ix[m].len());
        for k in 0..ix[m].len() as u32 {
            let id = ix[m].id(k);
            let g = *index.entry(id.as_str()).or_insert_with(|| {
                ids.push(id);
                at.push([NONE; 3]);
                ids.len() as u32 - 1
            });
            at[g as usize][m] = k;
            map_g.push(g);
        }
        g_of[m] = map_g;
    }
    (ids, at, index, g_of)
}

impl<'a> Plan<'a> {
    fn new(base: &'a Map, ours: &'a Map, theirs: &'a Map) -> Self {
        let maps = [base, ours, theirs];
        let ((b, o), t) = in_parallel(
            || (Indexed::new(base), Indexed::new(ours)),
            || Indexed::new(theirs),
        );
        let ix = [b, o, t];
        // Which nodes each side moved among their siblings, while the ids are numbered.
        let ((ours_moved, theirs_moved), (ids, at, index, g_of)) = in_parallel(
            || {
                (
                    super::diff::reordered(&ix[BASE], &ix[OURS]),
                    super::diff::reordered(&ix[BASE], &ix[THEIRS]),
                )
            },
            || number_ids(&ix),
        );
        let reordered = [Vec::new(), ours_moved, theirs_moved];
        let mut plan = Plan {
            maps,
            ix,
            ids,
            at,
            g_of,
            index,
            present: Vec::new(),
            parent: Vec::new(),
            data: Vec::new(),
            reordered,
            conflicts: Vec::new(),
            scenario_names: Vec::new(),
            scenarios: Vec::new(),
            presentations: [&[], &[]],
        };
        plan.plan_title();
        plan.plan_nodes();
        plan.plan_scenarios();
        plan.plan_presentations();
        plan
    }

    /// The number of ids.
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn g(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// Whether map `m` has node `g`.
    fn has(&self, m: usize, g: u32) -> bool {
        self.at[g as usize][m] != NONE
    }

    /// Node `g` in map `m`.
    fn node_in(&self, m: usize, g: u32) -> Option<&'a Arc<Node>> {
        let k = self.at[g as usize][m];
        (k != NONE).then(|| self.ix[m].node(k))
    }

    /// Node `g`'s parent in map `m` (as g): `None` when `m` does not have it, `Some(None)`
    /// for a root.
    fn parent_in(&self, m: usize, g: u32) -> Option<Option<u32>> {
        let k = self.at[g as usize][m];
        (k != NONE).then(|| self.ix[m].dense.parent[k as usize].map(|p| self.g_of[m][p as usize]))
    }

    fn parent_version(&self, m: usize, g: u32) -> Version {
        match self.parent_in(m, g) {
            None => Version::Absent,
            Some(p) => Version::Parent(p.map(|p| self.ids[p as usize].clone())),
        }
    }

    fn presence(&self, m: usize, g: u32) -> Version {
        if self.has(m, g) {
            Version::Present
        } else {
            Version::Absent
        }
    }

    fn plan_title(&mut self) {
        let [b, o, t] = self.maps.map(Map::title);
        if o != t && o != b && t != b {
            self.conflicts.push(Conflict {
                subject: Subject::Title,
                reason: Reason::Changed,
                base: Version::Text(b.to_owned()),
                ours: Version::Text(o.to_owned()),
                theirs: Version::Text(t.to_owned()),
            });
        }
    }

    fn plan_nodes(&mut self) {
        let n = self.len();
        let mut present = vec![[false; 2]; n];
        let mut parent = vec![[None; 2]; n];
        let mut data: Vec<[Option<Data<'a>>; 2]> = Vec::with_capacity(n);
        let mut conflicts = Vec::new();
        for g in 0..n as u32 {
            let nodes = [BASE, OURS, THEIRS].map(|m| self.node_in(m, g));
            let parents = [BASE, OURS, THEIRS].map(|m| self.parent_in(m, g));
            let id = self.ids[g as usize];
            let mut ways: [Option<Data<'a>>; 2] = [None, None];
            match nodes {
                [b, Some(o), Some(t)] => {
                    let (ours_way, theirs_way) = merge_fields(id, b, o, t, &mut conflicts);
                    ways = [Some(ours_way.clone()), Some(theirs_way)];
                    present[g as usize] = [true, true];
                    let (po, pt) = (parents[OURS].flatten(), parents[THEIRS].flatten());
                    let pick = three_way(parents[BASE], po, pt);
                    match pick {
                        Pick::One(p) => parent[g as usize] = [p, p],
                        Pick::Conflict => {
                            parent[g as usize] = [po, pt];
                            conflicts.push(Conflict {
                                subject: Subject::Parent(id.clone()),
                                reason: if b.is_some() {
                                    Reason::Moved
                                } else {
                                    Reason::Added
                                },
                                base: self.parent_version(BASE, g),
                                ours: self.parent_version(OURS, g),
                                theirs: self.parent_version(THEIRS, g),
                            });
                        }
                    }
                }
                [Some(b), Some(kept), None] | [Some(b), None, Some(kept)] => {
                    // One side deleted the node: clean when the other left it as it was.
                    let m = if nodes[OURS].is_some() { OURS } else { THEIRS };
                    let edited = !same_node(b, kept) || parents[m] != parents[BASE];
                    if edited {
                        let way = m - 1;
                        present[g as usize][way] = true;
                        parent[g as usize][way] = parents[m].flatten();
                        ways[way] = Some(Data::Shared(kept));
                        conflicts.push(self.presence_conflict(g, id));
                    }
                }
                [None, Some(o), None] => {
                    present[g as usize] = [true, true];
                    parent[g as usize] = [parents[OURS].flatten(); 2];
                    ways = [Some(Data::Shared(o)), Some(Data::Shared(o))];
                }
                [None, None, Some(t)] => {
                    present[g as usize] = [true, true];
                    parent[g as usize] = [parents[THEIRS].flatten(); 2];
                    ways = [Some(Data::Shared(t)), Some(Data::Shared(t))];
                }
                _ => {} // Deleted on both sides (or in no map at all).
            }
            data.push(ways);
        }
        self.present = present;
        self.parent = parent;
        self.data = data;
        self.conflicts.extend(conflicts);
    }

    fn presence_conflict(&self, g: u32, id: &NodeId) -> Conflict {
        Conflict {
            subject: Subject::Node(id.clone()),
            reason: Reason::Deleted,
            base: self.presence(BASE, g),
            ours: self.presence(OURS, g),
            theirs: self.presence(THEIRS, g),
        }
    }

    fn plan_scenarios(&mut self) {
        let [b, o, t] = self.maps.map(Map::scenarios);
        let find = |list: &'a [Scenario], name: &str| list.iter().find(|s| s.name == name);
        let mut names: Vec<&'a str> = Vec::new();
        for list in [o, t, b] {
            for s in list {
                if !names.contains(&s.name.as_str()) {
                    names.push(&s.name);
                }
            }
        }
        for &name in &names {
            let versions = [find(b, name), find(o, name), find(t, name)];
            let mut plan = ScenarioPlan {
                name,
                present: [false; 2],
                overrides: Default::default(),
            };
            match versions {
                [base, Some(os), Some(ts)] => {
                    plan.present = [true, true];
                    let empty = BTreeMap::new();
                    let bo = base.map(|s| &s.overrides);
                    let (ours_way, theirs_way) = merge_entries(
                        bo.unwrap_or(&empty),
                        base.is_some(),
                        &os.overrides,
                        &ts.overrides,
                        |key, reason, (vb, vo, vt)| Conflict {
                            subject: Subject::Override(name.to_owned(), key.clone()),
                            reason,
                            base: number_version(vb),
                            ours: number_version(vo),
                            theirs: number_version(vt),
                        },
                        &mut self.conflicts,
                    );
                    plan.overrides = [ours_way, theirs_way];
                }
                [Some(bs), Some(kept), None] | [Some(bs), None, Some(kept)] => {
                    let (kept_o, kept_t) = (versions[OURS], versions[THEIRS]);
                    let way = if kept_o.is_some() { 0 } else { 1 };
                    if !same_scenario(kept, bs) {
                        plan.present[way] = true;
                        plan.overrides[way] = kept.overrides.clone();
                        let has = |s: Option<&Scenario>| {
                            if s.is_some() {
                                Version::Present
                            } else {
                                Version::Absent
                            }
                        };
                        self.conflicts.push(Conflict {
                            subject: Subject::Scenario(name.to_owned()),
                            reason: Reason::Deleted,
                            base: Version::Present,
                            ours: has(kept_o),
                            theirs: has(kept_t),
                        });
                    }
                }
                [None, Some(s), None] | [None, None, Some(s)] => {
                    plan.present = [true, true];
                    plan.overrides = [s.overrides.clone(), s.overrides.clone()];
                }
                _ => {}
            }
            self.scenarios.push(plan);
        }
        self.scenario_names = names;
    }
}

impl<'a> Plan<'a> {
    /// The presentations as one list: the side that changed it wins; changed two ways, it
    /// is a conflict and each way keeps its own side's list.
    fn plan_presentations(&mut self) {
        let [b, o, t] = self.maps.map(Map::presentations);
        self.presentations = if o == b || o == t {
            [t, t]
        } else if t == b {
            [o, o]
        } else {
            let version = |list: &[Presentation]| {
                if list.is_empty() {
                    return Version::Absent;
                }
                let names: Vec<String> = list
                    .iter()
                    .map(|p| format!("{} ({} steps)", p.name, p.steps.len()))
                    .collect();
                Version::Text(names.join(", "))
            };
            self.conflicts.push(Conflict {
                subject: Subject::Presentations,
                reason: Reason::Changed,
                base: version(b),
                ours: version(o),
                theirs: version(t),
            });
            [o, t]
        };
    }
}

/// Whether two scenarios have the same name and overrides (values by bits).
fn same_scenario(a: &Scenario, b: &Scenario) -> bool {
    a.name == b.name
        && a.overrides.len() == b.overrides.len()
        && a.overrides
            .iter()
            .zip(&b.overrides)
            .all(|((ka, va), (kb, vb))| ka == kb && va.to_bits() == vb.to_bits())
}

fn number_version(v: Option<f64>) -> Version {
    v.map_or(Version::Absent, Version::Number)
}

/// The outcome of merging one value three ways.
enum Pick<T> {
    One(T),
    Conflict,
}

/// Three-way choice of a value: the sides agree, or only one side changed it from base.
/// Without a base (added on both sides) the sides must agree.
fn three_way<B: PartialEq<T>, T: PartialEq + Copy>(base: Option<B>, ours: T, theirs: T) -> Pick<T> {
    if ours == theirs {
        return Pick::One(ours);
    }
    match base {
        Some(b) if b == ours => Pick::One(theirs),
        Some(b) if b == theirs => Pick::One(ours),
        _ => Pick::Conflict,
    }
}

/// Merges one node's data field by field (history entry by entry): the node ours' way and
/// theirs' way, equal unless a field conflicts. `base` is `None` for a node both sides
/// added, where every field on which they differ is a conflict.
fn merge_fields<'a>(
    id: &NodeId,
    base: Option<&'a Arc<Node>>,
    ours: &'a Arc<Node>,
    theirs: &'a Arc<Node>,
    conflicts: &mut Vec<Conflict>,
) -> (Data<'a>, Data<'a>) {
    if same_node(ours, theirs) {
        return (Data::Shared(ours), Data::Shared(ours));
    }
    if let Some(b) = base {
        if same_node(b, ours) {
            return (Data::Shared(theirs), Data::Shared(theirs));
        }
        if same_node(b, theirs) {
            return (Data::Shared(ours), Data::Shared(ours));
        }
    }
    let reason = if base.is_some() {
        Reason::Changed
    } else {
        Reason::Added
    };
    let mut ours_way = Node::clone(ours);
    let mut theirs_way: Option<Node> = None;
    for field in Field::ALL {
        if field == Field::History {
            continue;
        }
        let (vo, vt) = (field.get(ours), field.get(theirs));
        let vb = base.map(|b| field.get(b));
        if vo == vt {
            continue;
        }
        match vb {
            Some(vb) if vb == vo => {
                let _ = field.set(&mut ours_way, vt.clone());
                if let Some(t) = theirs_way.as_mut() {
                    let _ = field.set(t, vt);
                }
            }
            Some(vb) if vb == vt => {}
            vb => {
                conflicts.push(Conflict {
                    subject: Subject::Field(id.clone(), field),
                    reason,
                    base: vb.map_or(Version::Absent, |v| Version::Field(v.into_owned())),
                    ours: Version::Field(vo.into_owned()),
                    theirs: Version::Field(vt.clone().into_owned()),
                });
                let t = theirs_way.get_or_insert_with(|| ours_way.clone());
                let _ = field.set(t, vt);
            }
        }
    }
    if !Field::History.same(ours, theirs) {
        let empty = crate::model::History::new();
        let (ho, ht) = merge_entries(
            base.map_or(&empty, |b| &b.history),
            base.is_some(),
            &ours.history,
            &theirs.history,
            |period: &str, reason, (vb, vo, vt)| Conflict {
                subject: Subject::History(id.clone(), period.to_owned()),
                reason,
                base: number_version(vb),
                ours: number_version(vo),
                theirs: number_version(vt),
            },
            conflicts,
        );
        if ho != ht {
            let t = theirs_way.get_or_insert_with(|| ours_way.clone());
            t.history = ht;
        } else if let Some(t) = theirs_way.as_mut() {
            t.history = ho.clone();
        }
        ours_way.history = ho;
    }
    let ours_way = Arc::new(ours_way);
    let theirs_way = theirs_way.map_or_else(|| Arc::clone(&ours_way), Arc::new);
    (Data::Merged(ours_way), Data::Merged(theirs_way))
}

/// Merges maps of numbers by key (history entries, overrides): each way's result, equal
/// unless a key conflicts. Values compare by bits. Without a base (`has_base` false), a key
/// on which the sides differ is a conflict (reason `Added`).
fn merge_entries<E: Entries>(
    base: &E,
    has_base: bool,
    ours: &E,
    theirs: &E,
    conflict: impl Fn(&E::Key, Reason, (Option<f64>, Option<f64>, Option<f64>)) -> Conflict,
    conflicts: &mut Vec<Conflict>,
) -> (E, E) {
    let bits = |v: Option<f64>| v.map(f64::to_bits);
    let mut ours_way = ours.clone();
    let mut theirs_way = ours.clone();
    let mut keys: Vec<&E::Key> = ours
        .entry_keys()
        .chain(theirs.entry_keys())
        .chain(base.entry_keys())
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (vb, vo, vt) = (base.entry(key), ours.entry(key), theirs.entry(key));
        if bits(vo) == bits(vt) {
            continue;
        }
        let set = |map: &mut E, v: Option<f64>| map.set_entry(key, v);
        if has_base && bits(vb) == bits(vo) {
            set(&mut ours_way, vt);
            set(&mut theirs_way, vt);
        } else if has_base && bits(vb) == bits(vt) {
            // Ours already.
        } else {
            let reason = if has_base {
                Reason::Changed
            } else {
                Reason::Added
            };
            conflicts.push(conflict(key, reason, (vb, vo, vt)));
            set(&mut theirs_way, vt);
        }
    }
    (ours_way, theirs_way)
}

#[cfg(test)]
mod tests;
