//! Graft: one map's trees placed into another as one [`Command::InsertNodes`] (one undo
//! step), every node under an id free in the target, with the formulas and links inside the
//! graft rewritten to the new ids.
//!
//! Paste is a graft of a copied subtree ([`extract_subtree`]); combining maps grafts each
//! map's trees side by side. Pasting a plain-text outline makes its nodes with
//! [`outline_nodes`]. Everything here only reads maps and returns commands; nothing is
//! applied, and nothing here knows of the UI or of files.

use std::collections::{BTreeMap, HashSet};

use super::{Command, NewNode};
use crate::engine::formula::Tape;
use crate::model::{Formula, Link, Map, Node, NodeId, NodeKind};

/// The subtree of `map` under `root` (itself included) as a map of one tree, with the links
/// whose both ends are inside it; links to nodes outside are dropped. The map's title is
/// kept; its scenarios are not. Empty when `root` is not in `map`.
pub fn extract_subtree(map: &Map, root: &str) -> Map {
    let mut out = Map::new(map.title());
    let ids = map.subtree(root);
    for &id in &ids {
        let Some(node) = map.node(id.as_str()) else {
            continue;
        };
        let parent = if id.as_str() == root {
            None
        } else {
            map.parent(id.as_str()).map(NodeId::as_str)
        };
        // Depth-first order puts each parent before its children, and the ids come from a
        // map, so they are unique: the insert cannot fail.
        let _ = out.insert(id.clone(), node.clone(), parent, usize::MAX);
    }
    for &id in &ids {
        for link in map.links_of(id.as_str()) {
            if link.from == *id && out.contains(link.to.as_str()) {
                let _ = out.add_link(link);
            }
        }
    }
    out
}

/// A graft worked out against a target map, ready to apply.
#[derive(Clone, Debug, PartialEq)]
pub struct Graft {
    /// The [`Command::InsertNodes`] that makes the copy: apply it to the target map (it
    /// inserts nothing when the source is empty).
    pub command: Command,
    /// Every node of the source by its id there, with its id in the target.
    pub ids: BTreeMap<NodeId, NodeId>,
    /// The new ids of the source's roots, in order (empty when the source is empty).
    pub roots: Vec<NodeId>,
}

/// Grafts every tree of `source` into `target`: the source's roots go under `parent` (as
/// roots when `None`) at `index`, `index + 1`, … among its children (clamped to the end),
/// each with its subtree.
///
/// Each node keeps its id when that is free in `target`, and otherwise gets the id with a
/// suffix (`churn` → `churn_2`); new ids also avoid every id the source's formulas name
/// outside the source, so such a reference never comes to name a grafted node. Formulas are
/// rewritten in one pass to the new ids of the source's nodes; ids they name outside the
/// source are left as they are (they name the target's node of that id, if any). The
/// source's links are carried with their new ends; its scenarios are not.
pub fn graft(target: &Map, source: &Map, parent: Option<&NodeId>, index: usize) -> Graft {
    let order = source.dfs();
    let outside = names_outside(source);
    let mut ids: BTreeMap<NodeId, NodeId> = BTreeMap::new();
    let mut taken: HashSet<NodeId> = HashSet::new();
    let is_taken = |s: &str, taken: &HashSet<NodeId>| {
        target.contains(s) || taken.contains(s) || outside.contains(s)
    };
    for &old in &order {
        let new = if is_taken(old.as_str(), &taken) {
            NodeId::from_title(old.as_str(), |s| is_taken(s, &taken))
        } else {
            old.clone()
        };
        taken.insert(new.clone());
        ids.insert(old.clone(), new);
    }
    let rename = |id: &str| ids.get(id).map(NodeId::as_str);
    let mut nodes = Vec::with_capacity(order.len());
    let mut roots = Vec::new();
    let mut next_top = index;
    for &old in &order {
        let Some(node) = source.node(old.as_str()) else {
            continue;
        };
        let mut node = node.clone();
        if let Some(Formula::Expr(src)) = &node.formula {
            node.formula = Some(Formula::Expr(Tape::rename_many_in_source(src, rename)));
        }
        let id = ids[old].clone();
        let (under, at) = match source.parent(old.as_str()) {
            Some(p) => (Some(ids[p].clone()), usize::MAX),
            None => {
                roots.push(id.clone());
                let at = next_top;
                next_top = next_top.saturating_add(1);
                (parent.cloned(), at)
            }
        };
        nodes.push(NewNode {
            id,
            node,
            parent: under,
            index: at,
        });
    }
    let links = source
        .links()
        .into_iter()
        .filter_map(|l| {
            Some(Link {
                from: ids.get(&l.from)?.clone(),
                to: ids.get(&l.to)?.clone(),
                kind: l.kind,
            })
        })
        .collect();
    Graft {
        command: Command::InsertNodes { nodes, links },
        ids,
        roots,
    }
}

/// The ids that the formulas of `source` name but that are not nodes of `source`.
fn names_outside(source: &Map) -> HashSet<String> {
    let mut outside = HashSet::new();
    for (_, node) in source.iter() {
        if let Some(Formula::Expr(src)) = &node.formula
            && let Ok(tape) = Tape::parse(src)
        {
            let names = tape.vars().iter().filter(|v| !source.contains(v));
            outside.extend(names.map(str::to_owned));
        }
    }
    outside
}

/// The nodes of a plain-text outline, to insert under `parent` (as roots when `None`) from
/// `index` on: one node per non-blank line, titled by the line without its indent and list
/// marker (`-`, `*`, `•`), nested by indentation. Top lines take the kind a child of
/// `parent` usually takes (a metric at the top of the map), nested lines the kind a child of
/// their line usually takes. Ids are made from the titles, free in `map` and among the new
/// nodes. Parents come before their children, as [`Command::InsertNodes`] wants them.
pub fn outline_nodes(map: &Map, text: &str, parent: Option<&NodeId>, index: usize) -> Vec<NewNode> {
    let parent_kind = parent.and_then(|p| map.node(p.as_str())).map(|n| n.kind);
    let top_kind = parent_kind.map_or(NodeKind::Metric, NodeKind::child_kind);
    let mut taken: HashSet<String> = HashSet::new();
    let mut nodes: Vec<NewNode> = Vec::new();
    // The open ancestors among the lines read so far: (indent, id, kind).
    let mut stack: Vec<(usize, NodeId, NodeKind)> = Vec::new();
    let mut next_top = index;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let title = line.trim().trim_start_matches(['-', '*', '•']).trim();
        if title.is_empty() {
            continue;
        }
        while stack.last().is_some_and(|(i, _, _)| *i >= indent) {
            stack.pop();
        }
        let (under, kind, at) = match stack.last() {
            Some((_, id, kind)) => (Some(id.clone()), kind.child_kind(), usize::MAX),
            None => {
                let at = next_top;
                next_top = next_top.saturating_add(1);
                (parent.cloned(), top_kind, at)
            }
        };
        let id = NodeId::from_title(title, |s| map.contains(s) || taken.contains(s));
        taken.insert(id.as_str().to_owned());
        nodes.push(NewNode {
            id: id.clone(),
            node: Node::new(kind, title),
            parent: under,
            index: at,
        });
        stack.push((indent, id, kind));
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LinkKind;

    fn id(s: &str) -> NodeId {
        NodeId::new(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn add(map: &mut Map, name: &str, kind: NodeKind, parent: Option<&str>, formula: &str) {
        let mut node = Node::new(kind, name);
        if !formula.is_empty() {
            node.formula = Some(Formula::Expr(formula.into()));
        }
        map.insert(id(name), node, parent, usize::MAX)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn metric(map: &mut Map, name: &str, parent: Option<&str>, formula: &str) {
        add(map, name, NodeKind::Metric, parent, formula);
    }

    fn link(map: &mut Map, from: &str, to: &str, kind: LinkKind) {
        let link = Link {
            from: id(from),
            to: id(to),
            kind,
        };
        map.add_link(link).unwrap_or_else(|e| panic!("{e}"));
    }

    /// `target` with the graft applied.
    fn applied(target: &Map, graft: &Graft) -> Map {
        let mut map = target.clone();
        graft
            .command
            .clone()
            .apply(&mut map)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(map.check_invariants().is_ok());
        map
    }

    fn formula<'m>(map: &'m Map, name: &str) -> Option<&'m str> {
        match &map.node(name)?.formula {
            Some(Formula::Expr(src)) => Some(src),
            _ => None,
        }
    }

    fn children(map: &Map, name: &str) -> Vec<String> {
        map.children(name).map(|c| c.to_string()).collect()
    }

    #[test]
    fn pasted_formulas_follow_new_ids() {
        let mut map = Map::new("t");
        metric(&mut map, "total", None, "a * 2");
        metric(&mut map, "a", Some("total"), "");
        let clip = extract_subtree(&map, "total");
        let graft = graft(&map, &clip, None, 1);
        assert_eq!(graft.roots, [id("total_2")]);
        assert_eq!(graft.ids.get("a"), Some(&id("a_2")));
        let map = applied(&map, &graft);
        assert_eq!(formula(&map, "total_2"), Some("a_2 * 2"));
        assert_eq!(formula(&map, "total"), Some("a * 2"));
        assert_eq!(children(&map, "total_2"), ["a_2"]);
        let roots: Vec<&str> = map.roots().map(NodeId::as_str).collect();
        assert_eq!(roots, ["total", "total_2"]);
    }

    #[test]
    fn ids_keep_their_names_when_free_and_others_are_left_alone() {
        let mut source = Map::new("s");
        // `a_2` is a node of the source; `ab` and `x` are named but are not its nodes.
        metric(&mut source, "total", None, "a + a_2 * 2 + ab + x");
        metric(&mut source, "a", Some("total"), "");
        metric(&mut source, "a_2", Some("total"), "");
        let mut target = Map::new("t");
        metric(&mut target, "a", None, "");
        metric(&mut target, "ab", None, "");
        let graft = graft(&target, &source, None, 0);
        // `a` is taken, so it becomes `a_2`; the source's own `a_2` then moves on to `a_2_2`:
        // one pass renames each token once (`a` is not renamed twice to `a_2_2`).
        let expect = [("a", "a_2"), ("a_2", "a_2_2"), ("total", "total")];
        let got: Vec<(&str, &str)> = graft
            .ids
            .iter()
            .map(|(old, new)| (old.as_str(), new.as_str()))
            .collect();
        assert_eq!(got, expect);
        let map = applied(&target, &graft);
        assert_eq!(formula(&map, "total"), Some("a_2 + a_2_2 * 2 + ab + x"));
    }

    #[test]
    fn new_ids_never_take_a_name_the_source_uses_outside_itself() {
        let mut source = Map::new("s");
        // `a_2` is named but is not a node of the source, nor of the target.
        metric(&mut source, "total", None, "a + a_2");
        metric(&mut source, "a", Some("total"), "");
        let mut target = Map::new("t");
        metric(&mut target, "a", None, "");
        let graft = graft(&target, &source, None, 0);
        assert_eq!(graft.ids.get("a"), Some(&id("a_3")));
        let map = applied(&target, &graft);
        assert_eq!(formula(&map, "total"), Some("a_3 + a_2"));
    }

    #[test]
    fn links_inside_the_subtree_are_carried_and_links_out_of_it_dropped() {
        let mut map = Map::new("t");
        metric(&mut map, "total", None, "");
        metric(&mut map, "a", Some("total"), "");
        metric(&mut map, "b", Some("total"), "");
        add(&mut map, "goal", NodeKind::Outcome, None, "");
        link(&mut map, "goal", "a", LinkKind::Measures);
        link(&mut map, "a", "b", LinkKind::Relates);
        let clip = extract_subtree(&map, "total");
        assert_eq!(clip.len(), 3);
        assert_eq!(clip.links().len(), 1);
        let graft = graft(&map, &clip, None, usize::MAX);
        let Command::InsertNodes { links, .. } = &graft.command else {
            panic!("a graft inserts nodes");
        };
        let expect = Link {
            from: id("a_2"),
            to: id("b_2"),
            kind: LinkKind::Relates,
        };
        assert_eq!(links, std::slice::from_ref(&expect));
        let map = applied(&map, &graft);
        assert_eq!(map.links().len(), 3);
        assert!(map.links().contains(&expect));
    }

    #[test]
    fn roots_go_under_the_parent_side_by_side_from_the_index_on() {
        let mut target = Map::new("t");
        metric(&mut target, "p", None, "");
        metric(&mut target, "c0", Some("p"), "");
        metric(&mut target, "c1", Some("p"), "");
        // Two trees, as a combine grafts them.
        let mut source = Map::new("s");
        metric(&mut source, "r", None, "");
        metric(&mut source, "r_child", Some("r"), "");
        metric(&mut source, "s", None, "");
        let graft = graft(&target, &source, Some(&id("p")), 1);
        assert_eq!(graft.roots, [id("r"), id("s")]);
        let map = applied(&target, &graft);
        assert_eq!(children(&map, "p"), ["c0", "r", "s", "c1"]);
        assert_eq!(children(&map, "r"), ["r_child"]);
    }

    #[test]
    fn an_empty_source_grafts_nothing() {
        let mut map = Map::new("t");
        metric(&mut map, "a", None, "");
        let clip = extract_subtree(&map, "missing");
        assert!(clip.is_empty());
        let graft = graft(&map, &clip, None, 0);
        assert!(graft.roots.is_empty() && graft.ids.is_empty());
        assert_eq!(applied(&map, &graft).len(), 1);
    }

    #[test]
    fn outline_lines_nest_by_indentation_with_the_usual_child_kinds() {
        let mut map = Map::new("t");
        add(&mut map, "goal", NodeKind::Outcome, None, "");
        add(&mut map, "first", NodeKind::Opportunity, Some("goal"), "");
        let text = "- First\n  * Idea\n    Risk\n\n• Second\n";
        let nodes = outline_nodes(&map, text, Some(&id("goal")), 1);
        let got: Vec<(&str, NodeKind, Option<&str>, usize)> = nodes
            .iter()
            .map(|n| {
                let parent = n.parent.as_ref().map(NodeId::as_str);
                (n.id.as_str(), n.node.kind, parent, n.index)
            })
            .collect();
        use NodeKind::*;
        let end = usize::MAX;
        let expect = [
            ("first_2", Opportunity, Some("goal"), 1),
            ("idea", Solution, Some("first_2"), end),
            ("risk", Assumption, Some("idea"), end),
            ("second", Opportunity, Some("goal"), 2),
        ];
        assert_eq!(got, expect);
        assert_eq!(nodes[0].node.title, "First");
        // At the top of the map, lines become metrics.
        let nodes = outline_nodes(&Map::new("t"), "Revenue\n  Price", None, 0);
        assert!(nodes.iter().all(|n| n.node.kind == Metric));
    }
}
