//! Copy, cut and paste of subtrees.
//!
//! A copied subtree is kept as a small [`Map`] and also put on the system clipboard as map
//! text, so it can be pasted into another Fulcrum window. Pasting inserts it under the
//! selection with one `InsertNodes` command (one undo step), giving every node a fresh id
//! and rewriting the formulas and links inside the subtree to the new ids. Plain text (a
//! list, one title per line, nested by indentation) pastes as new nodes.

use std::collections::{HashMap, HashSet};

use crate::edit::{Command, NewNode};
use crate::engine::formula::Tape;
use crate::format;
use crate::model::{Formula, Link, Map, Node, NodeId, NodeKind};

use super::FulcrumApp;

/// A copied subtree.
pub(crate) struct Clip {
    map: Map,
}

impl FulcrumApp {
    /// Ctrl+C: copies the selected subtree.
    pub(crate) fn copy_selected(&mut self, ctx: &egui::Context) {
        let Some(id) = self.view.selection.clone() else {
            return;
        };
        let map = subtree_map(self.session.map(), &id);
        ctx.copy_text(format::to_string(&map));
        self.shell.clipboard = Some(Clip { map });
    }

    /// Ctrl+X: copies, then deletes, the selected subtree.
    pub(crate) fn cut_selected(&mut self, ctx: &egui::Context) {
        if self.view.selection.is_some() {
            self.copy_selected(ctx);
            self.delete_selected();
        }
    }

    /// Ctrl+V with Fulcrum's own clipboard.
    pub(crate) fn paste_clipboard(&mut self) {
        let Some(clip) = &self.shell.clipboard else {
            return;
        };
        let source = clip.map.clone();
        self.paste_map(&source);
    }

    /// A paste from the system clipboard: map text, or a list of titles.
    pub(crate) fn paste_text(&mut self, text: &str) {
        match format::parse_str(text) {
            Ok(loaded) => self.paste_map(&loaded.map),
            Err(_) => self.paste_outline(text),
        }
    }

    fn paste_map(&mut self, source: &Map) {
        self.commit_title_edit();
        let parent = self.view.selection.clone();
        let map = self.session.map();
        let index = parent
            .as_ref()
            .map_or(map.roots().len(), |p| map.child_count(p.as_str()));
        let (nodes, links) = remap(map, source, parent.as_ref(), index);
        let first = nodes.first().map(|n| n.id.clone());
        if nodes.is_empty() {
            return;
        }
        if self.apply(Command::InsertNodes { nodes, links }) {
            if let Some(p) = &parent {
                self.view.folds.unfold(p.as_str());
            }
            self.view.selection = first;
            self.view.canvas.reveal_selection = true;
        }
    }

    /// Pastes lines of text as nodes under the selection, nested by indentation.
    fn paste_outline(&mut self, text: &str) {
        self.commit_title_edit();
        let map = self.session.map();
        let parent = self.view.selection.clone();
        let parent_kind = parent
            .as_ref()
            .and_then(|p| map.node(p.as_str()))
            .map(|n| n.kind);
        let mut taken: HashSet<String> = HashSet::new();
        let mut nodes: Vec<NewNode> = Vec::new();
        // Stack of (indent, id, kind) of the open ancestors among the pasted lines.
        let mut stack: Vec<(usize, NodeId, NodeKind)> = Vec::new();
        let mut top_index = parent
            .as_ref()
            .map_or(map.roots().len(), |p| map.child_count(p.as_str()));
        for line in text.lines() {
            let indent = line.len() - line.trim_start().len();
            let title = line
                .trim()
                .trim_start_matches(['-', '*', '•'])
                .trim()
                .to_owned();
            if title.is_empty() {
                continue;
            }
            while stack.last().is_some_and(|(i, _, _)| *i >= indent) {
                stack.pop();
            }
            let (under, kind, index) = match stack.last() {
                Some((_, id, kind)) => (Some(id.clone()), kind.child_kind(), usize::MAX),
                None => {
                    let kind = parent_kind.map_or(NodeKind::Metric, NodeKind::child_kind);
                    top_index += 1;
                    (parent.clone(), kind, top_index - 1)
                }
            };
            let id = NodeId::from_title(&title, |s| map.contains(s) || taken.contains(s));
            taken.insert(id.as_str().to_owned());
            nodes.push(NewNode {
                id: id.clone(),
                node: Node::new(kind, title),
                parent: under,
                index,
            });
            stack.push((indent, id, kind));
        }
        if nodes.is_empty() {
            return;
        }
        let first = nodes.first().map(|n| n.id.clone());
        if self.apply(Command::InsertNodes {
            nodes,
            links: Vec::new(),
        }) {
            self.view.selection = first;
            self.view.canvas.reveal_selection = true;
        }
    }
}

/// The subtree under `id` as a map of one tree, with the links inside it.
fn subtree_map(map: &Map, id: &NodeId) -> Map {
    let mut out = Map::new(map.title());
    let ids = map.subtree(id.as_str());
    let inside: HashSet<&NodeId> = ids.iter().copied().collect();
    for node_id in &ids {
        let Some(node) = map.node(node_id.as_str()) else {
            continue;
        };
        let parent = if *node_id == id {
            None
        } else {
            map.parent(node_id.as_str()).map(NodeId::as_str)
        };
        let _ = out.insert((*node_id).clone(), node.clone(), parent, usize::MAX);
    }
    for node_id in &ids {
        for link in map.links_of(node_id.as_str()) {
            if link.from == **node_id && inside.contains(&link.to) {
                let _ = out.add_link(link);
            }
        }
    }
    out
}

/// The nodes and links of `source` with ids that are free in `target`, formulas and links
/// rewritten to them, placed under `parent` from `index` on.
fn remap(
    target: &Map,
    source: &Map,
    parent: Option<&NodeId>,
    index: usize,
) -> (Vec<NewNode>, Vec<Link>) {
    let order = source.dfs();
    let mut fresh: HashMap<&NodeId, NodeId> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for old in &order {
        let new = NodeId::from_title(old.as_str(), |s| target.contains(s) || taken.contains(s));
        taken.insert(new.as_str().to_owned());
        fresh.insert(old, new);
    }
    let mut nodes = Vec::with_capacity(order.len());
    let mut next_top = index;
    for old in &order {
        let Some(node) = source.node(old.as_str()) else {
            continue;
        };
        let mut node = node.clone();
        if let Some(Formula::Expr(src)) = &node.formula {
            node.formula = Some(Formula::Expr(rename_all(src, &fresh)));
        }
        let (new_parent, at) = match source.parent(old.as_str()) {
            Some(p) => (fresh.get(p).cloned(), usize::MAX),
            None => {
                next_top += 1;
                (parent.cloned(), next_top - 1)
            }
        };
        nodes.push(NewNode {
            id: fresh[old].clone(),
            node,
            parent: new_parent,
            index: at,
        });
    }
    let links = source
        .links()
        .into_iter()
        .filter_map(|l| {
            Some(Link {
                from: fresh.get(&l.from)?.clone(),
                to: fresh.get(&l.to)?.clone(),
                kind: l.kind,
            })
        })
        .collect();
    (nodes, links)
}

/// Renames every id of `renames` in a formula at once (through temporary names, so a new
/// id that equals another old id is not renamed twice).
fn rename_all(src: &str, renames: &HashMap<&NodeId, NodeId>) -> String {
    let changed: Vec<(&str, &str)> = renames
        .iter()
        .filter(|(old, new)| old.as_str() != new.as_str())
        .map(|(old, new)| (old.as_str(), new.as_str()))
        .collect();
    let mut text = src.to_owned();
    for (k, (old, _)) in changed.iter().enumerate() {
        text = Tape::rename_in_source(&text, old, &format!("__fulcrum_paste_{k}"));
    }
    for (k, (_, new)) in changed.iter().enumerate() {
        text = Tape::rename_in_source(&text, &format!("__fulcrum_paste_{k}"), new);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeKind;

    #[test]
    fn pasted_formulas_follow_new_ids() {
        let mut map = Map::new("t");
        let id = |s: &str| NodeId::new(s).unwrap_or_else(|e| panic!("{e}"));
        let mut top = Node::new(NodeKind::Metric, "Total");
        top.formula = Some(Formula::Expr("a * 2".into()));
        map.insert(id("total"), top, None, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        map.insert(id("a"), Node::new(NodeKind::Metric, "A"), Some("total"), 0)
            .unwrap_or_else(|e| panic!("{e}"));
        let clip = subtree_map(&map, &id("total"));
        let (nodes, _) = remap(&map, &clip, None, 1);
        assert_eq!(nodes[0].id.as_str(), "total_2");
        assert_eq!(nodes[1].id.as_str(), "a_2");
        assert_eq!(nodes[0].node.formula, Some(Formula::Expr("a_2 * 2".into())));
        assert_eq!(
            nodes[1].parent.as_ref().map(NodeId::as_str),
            Some("total_2")
        );
    }
}
