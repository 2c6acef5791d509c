//! Editing gestures on the canvas: inline title editing, adding children and siblings,
//! deleting, reordering, changing kind, folding, reparenting and keyboard navigation.
//!
//! Every change goes through [`crate::edit::Document::apply`], and each gesture is one undo
//! step: `Tab`, typing, `Enter` first adds a placeholder node (so it shows at once), and on
//! commit replaces that step with a single `AddNode` whose id is made from the typed title.
//! `Esc` on a just-added node undoes it. This module decides what to do; the canvas draws
//! the editor.

use crate::edit::{Command, NewNode};
use crate::model::{Node, NodeId, NodeKind};

use super::FulcrumApp;

/// A title being edited in place.
pub(crate) struct TitleEdit {
    /// The node.
    pub id: NodeId,
    /// The text typed so far.
    pub text: String,
    /// Shown while the text is empty.
    pub hint: String,
    /// The node was just added by this gesture.
    fresh: Option<Fresh>,
    /// Focus must be given to the editor when it is next drawn.
    pub wants_focus: bool,
}

/// How a node added by Tab/Enter was added, to re-add it with its real title and id.
struct Fresh {
    /// The document generation right after the placeholder was added.
    generation: u64,
    parent: Option<NodeId>,
    index: usize,
    node: Node,
    /// The node selected before, to go back to on cancel.
    origin: Option<NodeId>,
}

/// A direction on screen, for arrow-key navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Up,
    Down,
    Left,
    Right,
}

impl FulcrumApp {
    /// Tab: adds a child of the selection's usual child kind and starts typing its title.
    pub(crate) fn add_child(&mut self) {
        self.commit_title_edit();
        let map = self.doc.map();
        let Some(parent) = self.selected.clone() else {
            self.add_root_if_empty();
            return;
        };
        let Some(node) = map.node(parent.as_str()) else {
            return;
        };
        let kind = node.kind.child_kind();
        let index = map.child_count(parent.as_str());
        if self.folded.remove(&parent) {
            self.fold_version += 1;
        }
        self.add_placeholder(Some(parent.clone()), index, kind, Some(parent));
    }

    /// Enter: adds a sibling after the selection (a new tree after a root) and starts typing.
    pub(crate) fn add_sibling(&mut self) {
        self.commit_title_edit();
        let map = self.doc.map();
        let Some(current) = self.selected.clone() else {
            self.add_root_if_empty();
            return;
        };
        let Some(node) = map.node(current.as_str()) else {
            return;
        };
        let kind = node.kind;
        let parent = map.parent(current.as_str()).cloned();
        let index = map.position(current.as_str()).map_or(0, |p| p + 1);
        self.add_placeholder(parent, index, kind, Some(current));
    }

    fn add_root_if_empty(&mut self) {
        if self.doc.map().is_empty() {
            self.add_placeholder(None, 0, NodeKind::Metric, None);
        }
    }

    fn add_placeholder(
        &mut self,
        parent: Option<NodeId>,
        index: usize,
        kind: NodeKind,
        origin: Option<NodeId>,
    ) {
        let hint = format!("New {}", kind.name().to_lowercase());
        let node = Node::new(kind, hint.clone());
        let id = self.doc.map().fresh_id(&hint);
        let new = NewNode {
            id: id.clone(),
            node: node.clone(),
            parent: parent.clone(),
            index,
        };
        if !self.apply(Command::AddNode(Box::new(new))) {
            return;
        }
        self.selected = Some(id.clone());
        self.editing = Some(TitleEdit {
            id,
            text: String::new(),
            hint,
            fresh: Some(Fresh {
                generation: self.doc.generation(),
                parent,
                index,
                node,
                origin,
            }),
            wants_focus: true,
        });
        self.canvas.reveal_selection = true;
    }

    /// F2 / double-click: edits the selection's title, starting from `initial` (typing
    /// over it) or from the current title.
    pub(crate) fn start_title_edit(&mut self, initial: Option<String>) {
        self.commit_title_edit();
        let Some(id) = self.selected.clone() else {
            return;
        };
        let Some(node) = self.doc.map().node(id.as_str()) else {
            return;
        };
        self.editing = Some(TitleEdit {
            text: initial.unwrap_or_else(|| node.title.clone()),
            hint: node.title.clone(),
            id,
            fresh: None,
            wants_focus: true,
        });
        self.canvas.reveal_selection = true;
    }

    /// Enter / focus lost: keeps the typed title (one undo step for the whole gesture).
    pub(crate) fn commit_title_edit(&mut self) {
        let Some(edit) = self.editing.take() else {
            return;
        };
        let typed = edit.text.trim().to_owned();
        match edit.fresh {
            Some(fresh) => self.commit_fresh(edit.id, typed, fresh),
            None => {
                let Some(node) = self.doc.map().node(edit.id.as_str()) else {
                    return;
                };
                if typed.is_empty() || typed == node.title {
                    return;
                }
                let mut node = node.clone();
                node.title = typed;
                self.apply(Command::SetNode {
                    id: edit.id,
                    node: Box::new(node),
                });
            }
        }
    }

    fn commit_fresh(&mut self, placeholder: NodeId, typed: String, fresh: Fresh) {
        let title = if typed.is_empty() {
            fresh.node.title.clone()
        } else {
            typed
        };
        if title == fresh.node.title {
            return;
        }
        if self.doc.generation() == fresh.generation && matches!(self.doc.undo(), Ok(true)) {
            let id = self.doc.map().fresh_id(&title);
            let mut node = fresh.node;
            node.title = title;
            let new = NewNode {
                id: id.clone(),
                node,
                parent: fresh.parent,
                index: fresh.index,
            };
            if self.apply(Command::AddNode(Box::new(new))) {
                self.selected = Some(id);
            }
            return;
        }
        // Something else changed the map meanwhile: rename in place (two steps, rare).
        let Some(node) = self.doc.map().node(placeholder.as_str()) else {
            return;
        };
        let mut node = node.clone();
        node.title = title.clone();
        let id = self.doc.map().fresh_id(&title);
        let batch = Command::Batch(vec![
            Command::SetNode {
                id: placeholder.clone(),
                node: Box::new(node),
            },
            Command::rename(placeholder, id.clone()),
        ]);
        if self.apply(batch) {
            self.selected = Some(id);
        }
    }

    /// Esc: drops the typed text; a node just added by this gesture is removed again.
    pub(crate) fn cancel_title_edit(&mut self) {
        let Some(edit) = self.editing.take() else {
            return;
        };
        if let Some(fresh) = edit.fresh
            && self.doc.generation() == fresh.generation
            && matches!(self.doc.undo(), Ok(true))
        {
            self.selected = fresh.origin;
        }
    }

    /// Delete: removes the selection's subtree and selects a neighbour.
    pub(crate) fn delete_selected(&mut self) {
        let Some(id) = self.selected.clone() else {
            return;
        };
        let map = self.doc.map();
        let siblings: Vec<NodeId> = match map.parent(id.as_str()) {
            Some(p) => map.children(p.as_str()).cloned().collect(),
            None => map.roots().cloned().collect(),
        };
        let at = siblings.iter().position(|s| s == &id).unwrap_or(0);
        let next = siblings
            .get(at + 1)
            .or_else(|| at.checked_sub(1).and_then(|k| siblings.get(k)))
            .cloned()
            .or_else(|| map.parent(id.as_str()).cloned());
        if self.apply(Command::DeleteSubtree { id }) {
            self.selected = next;
        }
    }

    /// Alt+Up/Down: moves the selection one place among its siblings.
    pub(crate) fn move_among_siblings(&mut self, later: bool) {
        let Some(id) = self.selected.clone() else {
            return;
        };
        let map = self.doc.map();
        let Some(pos) = map.position(id.as_str()) else {
            return;
        };
        let count = match map.parent(id.as_str()) {
            Some(p) => map.child_count(p.as_str()),
            None => map.roots().len(),
        };
        let index = if later {
            if pos + 1 >= count {
                return;
            }
            pos + 1
        } else {
            match pos.checked_sub(1) {
                Some(i) => i,
                None => return,
            }
        };
        let parent = map.parent(id.as_str()).cloned();
        self.apply(Command::Move { id, parent, index });
    }

    /// Ctrl+1…7: changes the selection's kind.
    pub(crate) fn set_kind(&mut self, kind: NodeKind) {
        let Some(id) = self.selected.clone() else {
            return;
        };
        let Some(node) = self.doc.map().node(id.as_str()) else {
            return;
        };
        if node.kind == kind {
            return;
        }
        let mut node = node.clone();
        node.kind = kind;
        self.apply(Command::SetNode {
            id,
            node: Box::new(node),
        });
    }

    /// Space: folds or unfolds a node's subtree (view state, not an edit).
    pub(crate) fn toggle_fold(&mut self, id: &NodeId) {
        if self.doc.map().child_count(id.as_str()) == 0 {
            return;
        }
        if !self.folded.remove(id) {
            self.folded.insert(id.clone());
        }
        self.fold_version += 1;
    }

    /// Unfolds every ancestor of `id` so its card is shown.
    pub(crate) fn unfold_to(&mut self, id: &str) {
        let mut cur = self.doc.map().parent(id).cloned();
        while let Some(p) = cur {
            if self.folded.remove(&p) {
                self.fold_version += 1;
            }
            cur = self.doc.map().parent(p.as_str()).cloned();
        }
    }

    /// Drag and drop: moves `id` to be the last child of `target`, refusing a drop into its
    /// own subtree.
    pub(crate) fn reparent(&mut self, id: &NodeId, target: &NodeId) {
        let map = self.doc.map();
        if map.is_ancestor_or_self(id.as_str(), target.as_str()) {
            self.dialogs
                .toast("Can't move a node into its own subtree".to_owned());
            return;
        }
        if map.parent(id.as_str()) == Some(target) {
            return;
        }
        let index = map.child_count(target.as_str());
        if self.apply(Command::Move {
            id: id.clone(),
            parent: Some(target.clone()),
            index,
        }) {
            if self.folded.remove(target) {
                self.fold_version += 1;
            }
            self.selected = Some(id.clone());
        }
    }

    /// Arrow keys: parent, child or sibling depending on the tree's orientation; at the end
    /// of a row, the nearest card in that direction.
    pub(crate) fn navigate(&mut self, dir: Dir) {
        let Some(scene) = self.scene.as_ref() else {
            return;
        };
        let Some(current) = self.selected.clone() else {
            self.select_first_root();
            return;
        };
        let Some(&i) = scene.index.get(&current) else {
            return;
        };
        let map = self.doc.map();
        let left_right = scene.is_left_right(i);
        let (to_parent, to_child, to_prev, to_next) = if left_right {
            (Dir::Left, Dir::Right, Dir::Up, Dir::Down)
        } else {
            (Dir::Up, Dir::Down, Dir::Left, Dir::Right)
        };
        let shown = |id: &NodeId| scene.index.contains_key(id);
        let structural = if dir == to_parent {
            map.parent(current.as_str()).cloned()
        } else if dir == to_child {
            map.children(current.as_str())
                .next()
                .filter(|c| shown(c))
                .cloned()
        } else {
            let siblings: Vec<&NodeId> = match map.parent(current.as_str()) {
                Some(p) => map.children(p.as_str()).collect(),
                None => map.roots().collect(),
            };
            let at = siblings.iter().position(|s| **s == current).unwrap_or(0);
            let k = if dir == to_prev {
                at.checked_sub(1)
            } else if dir == to_next {
                Some(at + 1)
            } else {
                None
            };
            k.and_then(|k| siblings.get(k)).map(|s| (*s).clone())
        };
        let target = structural.or_else(|| self.nearest_in_direction(i, dir));
        if let Some(t) = target {
            self.selected = Some(t);
            self.canvas.reveal_selection = true;
        }
    }

    /// The laid-out card nearest to card `i` in direction `dir` (within 45° of it).
    fn nearest_in_direction(&self, i: usize, dir: Dir) -> Option<NodeId> {
        let scene = self.scene.as_ref()?;
        let from = scene.rect(i).center();
        let mut best: Option<(f32, usize)> = None;
        for j in 0..scene.ids.len() {
            if j == i {
                continue;
            }
            let d = scene.rect(j).center() - from;
            let (along, across) = match dir {
                Dir::Up => (-d.y, d.x),
                Dir::Down => (d.y, d.x),
                Dir::Left => (-d.x, d.y),
                Dir::Right => (d.x, d.y),
            };
            if along <= 1.0 || across.abs() > along {
                continue;
            }
            let score = along + 2.0 * across.abs();
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, j));
            }
        }
        best.map(|(_, j)| scene.ids[j].clone())
    }

    /// Ctrl+Z.
    pub(crate) fn undo(&mut self) {
        self.commit_title_edit();
        if let Err(err) = self.doc.undo() {
            self.dialogs.toast(format!("Undo failed: {err}"));
        }
    }

    /// Ctrl+Shift+Z / Ctrl+Y.
    pub(crate) fn redo(&mut self) {
        self.commit_title_edit();
        if let Err(err) = self.doc.redo() {
            self.dialogs.toast(format!("Redo failed: {err}"));
        }
    }
}
