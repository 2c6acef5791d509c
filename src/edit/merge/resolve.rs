//! One way of resolving a merge: every conflict taken the preferred side's way, then the
//! structure made whole — the preferred side decides what the versions alone cannot:
//!
//! - a kept node whose parent is gone: the parent comes back when the preferred side has it,
//!   else the node goes under its parent there, else (the other side added it) it goes too;
//! - a link or an override naming a node that is gone: the node comes back when the
//!   preferred side has it, else the link or override goes;
//! - a cycle of parents: its nodes go back to the preferred side's parents;
//! - a new cycle of formula references (one neither side had): its metrics go back to the
//!   preferred side's formulas.
//!
//! Each of these is recorded as a conflict. Then sibling order is merged by the fewest moves
//! and the map built. Iterative throughout.

use std::collections::BTreeSet;
use std::sync::Arc;

use hashbrown::{HashMap, HashSet};

use super::super::order::{Placer, longest_increasing, merge_order};
use super::{
    BASE, Conflict, Data, Found, NONE, OURS, Plan, Reason, Side, Subject, THEIRS, Version, map_of,
    way_of,
};
use crate::engine::Program;
use crate::model::{Field, Link, Map, Node, NodeId, Scenario};

/// At most this many rounds of reverting formulas on new cycles (each round reverts at
/// least one metric, and real merges need one).
const FORMULA_ROUNDS: usize = 8;

/// The state of one resolution.
struct Run<'p, 'a> {
    plan: &'p Plan<'a>,
    side: Side,
    /// The preferred side's map index, and the other's.
    s: usize,
    x: usize,
    present: Vec<bool>,
    parent: Vec<Option<u32>>,
    /// Data that differs from the plan's for this way (restored nodes, reverted formulas).
    local: HashMap<u32, Data<'a>>,
    /// The links of the three-way merge of the link sets.
    links: Vec<Link>,
    /// Whether this way took a decision that the other way takes differently without a
    /// conflict (both sides moved one node among the same siblings).
    tie: bool,
}

/// Resolves every conflict `side`'s way, adding the conflicts found on the way to `found`.
/// Returns the map and whether any choice depended on the preferred side.
pub(super) fn resolve(plan: &Plan<'_>, side: Side, found: &mut Found) -> (Map, bool) {
    let w = way_of(side);
    let mut run = Run {
        plan,
        side,
        s: map_of(side),
        x: map_of(match side {
            Side::Ours => Side::Theirs,
            Side::Theirs => Side::Ours,
        }),
        present: plan.present.iter().map(|p| p[w]).collect(),
        parent: plan.parent.iter().map(|p| p[w]).collect(),
        local: HashMap::new(),
        links: merged_links(plan),
        tie: false,
    };
    run.fix_structure(found);
    let mut map = run.build();
    for _ in 0..FORMULA_ROUNDS {
        if !run.formula_graph_may_be_new() || !run.revert_new_formula_cycles(&map, found) {
            break;
        }
        run.fix_structure(found);
        map = run.build();
    }
    let tie = run.tie;
    (map, tie)
}

/// The links of the three-way merge of the three link sets: a link is in when both sides
/// agree, or when the side that differs from base has it.
fn merged_links(plan: &Plan<'_>) -> Vec<Link> {
    let [b, o, t] = plan.maps.map(Map::links);
    let (b, o, t): (HashSet<&Link>, HashSet<&Link>, HashSet<&Link>) =
        (b.iter().collect(), o.iter().collect(), t.iter().collect());
    let mut all: BTreeSet<&Link> = BTreeSet::new();
    all.extend(o.iter().copied());
    all.extend(t.iter().copied());
    all.into_iter()
        .filter(|l| {
            let (in_b, in_o, in_t) = (b.contains(l), o.contains(l), t.contains(l));
            if in_o == in_b { in_t } else { in_o }
        })
        .cloned()
        .collect()
}

impl<'a> Run<'_, 'a> {
    fn way(&self) -> usize {
        way_of(self.side)
    }

    /// Node `g`'s data this way, when it is there.
    fn node(&self, g: u32) -> Option<&Node> {
        self.data(g).map(|d| &**d)
    }

    /// [`Run::node`], as the merged map will hold it.
    fn data(&self, g: u32) -> Option<&Data<'a>> {
        self.local
            .get(&g)
            .or_else(|| self.plan.data[g as usize][self.way()].as_ref())
    }

    fn conflict(&self, subject: Subject, reason: Reason, versions: [Version; 3]) -> Conflict {
        let [base, ours, theirs] = versions;
        Conflict {
            subject,
            reason,
            base,
            ours,
            theirs,
        }
    }

    fn versions(&self, f: impl Fn(usize) -> Version) -> [Version; 3] {
        [f(BASE), f(OURS), f(THEIRS)]
    }

    /// Brings back node `g` as the preferred side has it (it must have it).
    fn restore(&mut self, g: u32, found: &mut Found) {
        let plan = self.plan;
        let Some(node) = plan.node_in(self.s, g) else {
            return;
        };
        self.present[g as usize] = true;
        self.parent[g as usize] = plan.parent_in(self.s, g).flatten();
        self.local.insert(g, Data::Shared(node));
        let id = plan.ids[g as usize];
        found.add(plan.presence_conflict(g, id), Subject::Node(id.clone()));
    }

    /// Makes the structure whole (see the module doc); loops until nothing changes.
    fn fix_structure(&mut self, found: &mut Found) {
        loop {
            let mut changed = self.fix_orphans(found);
            changed |= self.fix_references(found);
            if !changed && !self.fix_parent_cycles(found) {
                break;
            }
        }
    }

    /// Kept nodes whose parent is gone.
    fn fix_orphans(&mut self, found: &mut Found) -> bool {
        let plan = self.plan;
        let n = plan.len();
        let orphan = |run: &Self, c: u32| {
            run.present[c as usize]
                && run.parent[c as usize].is_some_and(|p| !run.present[p as usize])
        };
        let mut stack: Vec<u32> = (0..n as u32).filter(|&c| orphan(self, c)).collect();
        if stack.is_empty() {
            return false;
        }
        // Children by parent, for the nodes that go with a dropped one. Dropped nodes are
        // never the preferred side's, and every new parent is, so this stays true.
        let mut kids: HashMap<u32, Vec<u32>> = HashMap::new();
        for c in 0..n as u32 {
            if let (true, Some(p)) = (self.present[c as usize], self.parent[c as usize]) {
                kids.entry(p).or_default().push(c);
            }
        }
        while let Some(c) = stack.pop() {
            if !orphan(self, c) {
                continue;
            }
            let Some(p) = self.parent[c as usize] else {
                continue;
            };
            let id = plan.ids[c as usize];
            if plan.has(self.s, p) {
                self.restore(p, found);
                stack.push(p);
            } else if plan.has(self.s, c) {
                self.parent[c as usize] = plan.parent_in(self.s, c).flatten();
                let versions = self.versions(|m| plan.parent_version(m, c));
                found.add(
                    self.conflict(Subject::Parent(id.clone()), Reason::Deleted, versions),
                    Subject::Parent(id.clone()),
                );
                stack.push(c);
            } else {
                self.present[c as usize] = false;
                found.add(plan.presence_conflict(c, id), Subject::Node(id.clone()));
                stack.extend(kids.get(&c).into_iter().flatten().copied());
            }
        }
        true
    }

    /// Links and overrides that name a node that is gone: it comes back when the preferred
    /// side has it; otherwise the link or override goes when the map is built, which is a
    /// conflict when the other side has the node (it keeps the node that way).
    fn fix_references(&mut self, found: &mut Found) -> bool {
        let plan = self.plan;
        let mut wanted: Vec<u32> = Vec::new();
        for link in &self.links {
            for end in [&link.from, &link.to] {
                if let Some(g) = plan.g(end.as_str()) {
                    wanted.push(g);
                }
            }
        }
        let w = self.way();
        for scenario in plan.scenarios.iter().filter(|s| s.present[w]) {
            wanted.extend(
                scenario.overrides[w]
                    .keys()
                    .filter_map(|id| plan.g(id.as_str())),
            );
        }
        let mut changed = false;
        for g in wanted {
            if self.present[g as usize] {
                continue;
            }
            if plan.has(self.s, g) {
                self.restore(g, found);
                changed = true;
            } else if plan.has(self.x, g) {
                // Dropping the link or override: the other way keeps the node for it.
                let id = plan.ids[g as usize];
                found.add(plan.presence_conflict(g, id), Subject::Node(id.clone()));
            }
        }
        changed
    }

    /// Cycles of parents: their nodes go back to the preferred side's parents.
    fn fix_parent_cycles(&mut self, found: &mut Found) -> bool {
        let plan = self.plan;
        let n = plan.len();
        // 0 unseen, 1 on the current walk, 2 done.
        let mut state = vec![0u8; n];
        let mut walk: Vec<u32> = Vec::new();
        let mut cycles: Vec<Vec<u32>> = Vec::new();
        for start in 0..n as u32 {
            if state[start as usize] != 0 || !self.present[start as usize] {
                continue;
            }
            walk.clear();
            let mut cur = Some(start);
            while let Some(c) = cur {
                if state[c as usize] != 0 || !self.present[c as usize] {
                    break;
                }
                state[c as usize] = 1;
                walk.push(c);
                cur = self.parent[c as usize];
            }
            if let Some(c) = cur
                && state[c as usize] == 1
            {
                let from = walk.iter().position(|&w| w == c).unwrap_or(0);
                cycles.push(walk[from..].to_vec());
            }
            for &w in &walk {
                state[w as usize] = 2;
            }
        }
        let mut changed = false;
        for cycle in cycles {
            for g in cycle {
                let theirs_parent = plan.parent_in(self.s, g);
                if let Some(p) = theirs_parent
                    && self.parent[g as usize] != p
                {
                    self.parent[g as usize] = p;
                    let id = plan.ids[g as usize];
                    let versions = self.versions(|m| plan.parent_version(m, g));
                    found.add(
                        self.conflict(Subject::Parent(id.clone()), Reason::Cycle, versions),
                        Subject::Parent(id.clone()),
                    );
                    changed = true;
                }
            }
        }
        changed
    }

    /// Whether the metrics' dependency graph this way may hold a cycle neither side had:
    /// only when it differs from each side's (in which nodes are there, their kinds,
    /// formulas or parents).
    fn formula_graph_may_be_new(&self) -> bool {
        let plan = self.plan;
        let differs_from = |m: usize| {
            (0..plan.len() as u32).any(|g| {
                if !self.present[g as usize] {
                    return false;
                }
                let (Some(here), Some(there)) = (self.node(g), plan.node_in(m, g)) else {
                    return true;
                };
                here.kind != there.kind
                    || here.formula != there.formula
                    || Some(self.parent[g as usize]) != plan.parent_in(m, g)
            })
        };
        differs_from(OURS) && differs_from(THEIRS)
    }

    /// Finds cycles of formula references in `map` that neither side has and sends their
    /// metrics back to the preferred side's formulas and parents. Whether anything changed.
    fn revert_new_formula_cycles(&mut self, map: &Map, found: &mut Found) -> bool {
        let plan = self.plan;
        let cycles_of = |m: &Map| -> HashSet<BTreeSet<NodeId>> {
            Program::compile(m)
                .cycles()
                .map(|c| c.into_iter().cloned().collect())
                .collect()
        };
        let here = cycles_of(map);
        if here.is_empty() {
            return false;
        }
        let (ours, theirs) = (cycles_of(plan.maps[OURS]), cycles_of(plan.maps[THEIRS]));
        let mut changed = false;
        for cycle in here {
            if ours.contains(&cycle) || theirs.contains(&cycle) {
                continue;
            }
            for id in &cycle {
                let Some(g) = plan.g(id.as_str()) else {
                    continue;
                };
                let Some(preferred) = plan.node_in(self.s, g) else {
                    continue;
                };
                let Some(current) = self.node(g) else {
                    continue;
                };
                if current.formula != preferred.formula {
                    let mut node = current.clone();
                    node.formula.clone_from(&preferred.formula);
                    self.local.insert(g, Data::Merged(Arc::new(node)));
                    let versions = self.versions(|m| {
                        plan.node_in(m, g).map_or(Version::Absent, |n| {
                            Version::Field(Field::Formula.get(n).into_owned())
                        })
                    });
                    let subject = Subject::Field(id.clone(), Field::Formula);
                    found.add(
                        self.conflict(subject.clone(), Reason::Cycle, versions),
                        subject,
                    );
                    changed = true;
                }
                if let Some(p) = plan.parent_in(self.s, g)
                    && self.parent[g as usize] != p
                {
                    self.parent[g as usize] = p;
                    let versions = self.versions(|m| plan.parent_version(m, g));
                    let subject = Subject::Parent(id.clone());
                    found.add(
                        self.conflict(subject.clone(), Reason::Cycle, versions),
                        subject,
                    );
                    changed = true;
                }
            }
        }
        changed
    }

    /// Builds the map: sibling order merged, nodes inserted parents first, then the links
    /// and scenarios that name only kept nodes.
    fn build(&mut self) -> Map {
        let plan = self.plan;
        let n = plan.len();
        let title = match super::three_way(
            Some(plan.maps[BASE].title()),
            plan.maps[OURS].title(),
            plan.maps[THEIRS].title(),
        ) {
            super::Pick::One(t) => t,
            super::Pick::Conflict => plan.maps[self.s].title(),
        };
        let mut map = Map::new(title);
        map.reserve(n);
        let mut kids: HashMap<Option<u32>, Vec<u32>> = HashMap::new();
        for g in 0..n as u32 {
            if self.present[g as usize] {
                kids.entry(self.parent[g as usize]).or_default().push(g);
            }
        }
        let mut ordered: HashMap<Option<u32>, Vec<u32>> = HashMap::with_capacity(kids.len());
        for (parent, members) in kids {
            let order = self.sibling_order(parent, members);
            ordered.insert(parent, order);
        }
        let mut inserted = vec![false; n];
        let mut stack: Vec<u32> = ordered
            .get(&None)
            .map(|r| r.iter().rev().copied().collect())
            .unwrap_or_default();
        let mut roots_later: Vec<u32> = Vec::new();
        loop {
            while let Some(g) = stack.pop() {
                let parent = self.parent[g as usize].map(|p| plan.ids[p as usize].as_str());
                if let Some(node) = self.data(g) {
                    // Ids are unique and parents come first: the insert cannot fail.
                    let _ = map.insert(
                        plan.ids[g as usize].clone(),
                        node.shared(),
                        parent,
                        usize::MAX,
                    );
                }
                inserted[g as usize] = true;
                if let Some(children) = ordered.get(&Some(g)) {
                    stack.extend(children.iter().rev().copied());
                }
            }
            // Structural fixes leave no cycle, so every kept node was reached; should one
            // not be, it becomes a root rather than be lost.
            if roots_later.is_empty() {
                roots_later = (0..n as u32)
                    .filter(|&g| self.present[g as usize] && !inserted[g as usize])
                    .collect();
                debug_assert!(roots_later.is_empty(), "a kept node was not reached");
                if roots_later.is_empty() {
                    break;
                }
                for &g in &roots_later {
                    self.parent[g as usize] = None;
                }
                stack.extend(roots_later.iter().rev().copied());
            } else {
                break;
            }
        }
        for link in &self.links {
            if map.contains(link.from.as_str()) && map.contains(link.to.as_str()) {
                let _ = map.add_link(link.clone());
            }
        }
        for scenario in self.scenarios() {
            let _ = map.insert_scenario(usize::MAX, scenario);
        }
        // A step keeps its node even when this way deleted it (a warning, as after a delete
        // in the app); a scenario this way does not keep is taken off the step.
        for presentation in self.plan.presentations[self.way()] {
            let mut presentation = presentation.clone();
            for step in &mut presentation.steps {
                if step
                    .scenario
                    .as_deref()
                    .is_some_and(|s| map.scenario(s).is_none())
                {
                    step.scenario = None;
                }
            }
            let _ = map.insert_presentation(usize::MAX, presentation);
        }
        map
    }

    /// The members of one sibling list (under `parent`, or the roots) in merged order.
    fn sibling_order(&mut self, parent: Option<u32>, members: Vec<u32>) -> Vec<u32> {
        let plan = self.plan;
        let list = |m: usize| -> Vec<u32> {
            let ix = &plan.ix[m];
            let kids: &[u32] = match parent {
                None => &ix.roots,
                Some(p) => match plan.at[p as usize][m] {
                    NONE => &[],
                    k => ix.dense.children(k as usize),
                },
            };
            kids.iter().map(|&k| plan.g_of[m][k as usize]).collect()
        };
        let (preferred, other) = (list(self.s), list(self.x));
        let member: HashSet<u32> = members.iter().copied().collect();
        let filtered =
            |l: &[u32]| -> Vec<u32> { l.iter().copied().filter(|g| member.contains(g)).collect() };
        let (pf, of) = (filtered(&preferred), filtered(&other));
        if pf.len() == members.len() && pf == of {
            return pf;
        }
        let base = list(BASE);
        let under = |m: usize, g: u32| plan.parent_in(m, g) == Some(parent);
        let moved =
            |m: usize, g: u32| under(m, g) && plan.reordered[m][plan.at[g as usize][m] as usize];
        let items: Vec<(u32, Placer)> = members
            .iter()
            .map(|&g| {
                let (in_s, in_x) = (under(self.s, g), under(self.x, g));
                let placer = if under(BASE, g) {
                    match (moved(self.s, g), moved(self.x, g)) {
                        (true, true) => {
                            self.tie = true;
                            Placer::Preferred
                        }
                        (true, false) => Placer::Preferred,
                        (false, true) => Placer::Other,
                        (false, false) => Placer::Base,
                    }
                } else if in_s {
                    self.tie |= in_x;
                    Placer::Preferred
                } else if in_x {
                    Placer::Other
                } else {
                    Placer::Preferred
                };
                (g, placer)
            })
            .collect();
        let (order, tie) = merge_order(&items, &base, &preferred, &other);
        self.tie |= tie;
        order
    }

    /// The scenarios this way, in merged order, each with the overrides of kept nodes.
    fn scenarios(&mut self) -> Vec<Scenario> {
        let plan = self.plan;
        let w = self.way();
        let index: HashMap<&str, u32> = plan
            .scenario_names
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i as u32))
            .collect();
        let names = |m: usize| -> Vec<u32> {
            plan.maps[m]
                .scenarios()
                .iter()
                .filter_map(|s| index.get(s.name.as_str()).copied())
                .collect()
        };
        let (base, preferred, other) = (names(BASE), names(self.s), names(self.x));
        let moved = |list: &[u32]| -> HashSet<u32> {
            let position: HashMap<u32, usize> =
                base.iter().enumerate().map(|(i, &k)| (k, i)).collect();
            let kept: Vec<u32> = list
                .iter()
                .copied()
                .filter(|k| position.contains_key(k))
                .collect();
            let seq: Vec<usize> = kept.iter().map(|k| position[k]).collect();
            kept.iter()
                .zip(longest_increasing(&seq))
                .filter(|(_, stayed)| !stayed)
                .map(|(&k, _)| k)
                .collect()
        };
        let (moved_s, moved_x) = (moved(&preferred), moved(&other));
        let items: Vec<(u32, Placer)> = plan
            .scenarios
            .iter()
            .enumerate()
            .filter(|(_, s)| s.present[w])
            .map(|(i, _)| {
                let k = i as u32;
                let placer = if base.contains(&k) {
                    match (moved_s.contains(&k), moved_x.contains(&k)) {
                        (true, true) => {
                            self.tie = true;
                            Placer::Preferred
                        }
                        (true, false) => Placer::Preferred,
                        (false, true) => Placer::Other,
                        (false, false) => Placer::Base,
                    }
                } else if preferred.contains(&k) {
                    Placer::Preferred
                } else {
                    Placer::Other
                };
                (k, placer)
            })
            .collect();
        let (order, tie) = merge_order(&items, &base, &preferred, &other);
        self.tie |= tie;
        order
            .into_iter()
            .map(|k| {
                let plan_s = &plan.scenarios[k as usize];
                let overrides = plan_s.overrides[w]
                    .iter()
                    .filter(|(id, _)| {
                        plan.g(id.as_str())
                            .is_some_and(|g| self.present[g as usize])
                    })
                    .map(|(id, v)| (id.clone(), *v))
                    .collect();
                Scenario {
                    name: plan_s.name.to_owned(),
                    overrides,
                }
            })
            .collect()
    }
}
