//! The handlers of editing commands: inline title editing, adding children and siblings,
//! deleting, reordering, changing kind, folding, reparenting, renaming ids and keyboard
//! navigation. `dispatch.rs` calls them when it drains the frame's commands.
//!
//! Every change goes through [`crate::edit::Document`], and each gesture is one undo step:
//! `Tab`, typing, `Enter` first adds a placeholder node (so it shows at once), and on commit
//! *amends* that step with the typed title and the id made from it
//! ([`crate::edit::Document::amend`]) — nothing is undone and reapplied. `Esc` on a
//! just-added node undoes it. This module decides what to do; the canvas draws the editor.

use crate::edit::{Command, NewNode};
use crate::model::{Formula, Node, NodeId, NodeKind};

use super::FulcrumApp;
use super::scene::Scene;
use super::view::{Fresh, TitleEdit};

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
    /// A metric that gets its first metric child becomes their sum (it was an input).
    pub(crate) fn add_child(&mut self) {
        self.commit_title_edit();
        let map = self.session.map();
        let Some(parent) = self.view.selection.clone() else {
            self.add_root_if_empty();
            return;
        };
        let Some(node) = map.node(parent.as_str()) else {
            return;
        };
        let kind = node.kind.child_kind();
        let index = map.child_count(parent.as_str());
        let becomes_sum = node.kind == NodeKind::Metric
            && kind == NodeKind::Metric
            && node.formula.is_none()
            && index == 0;
        let before = becomes_sum.then(|| {
            let mut sum = node.clone();
            sum.formula = Some(Formula::Sum);
            Command::SetNode {
                id: parent.clone(),
                node: Box::new(sum),
            }
        });
        self.view.folds.unfold(parent.as_str());
        self.add_placeholder(Some(parent.clone()), index, kind, Some(parent), before);
    }

    /// Enter: adds a sibling after the selection (a new tree after a root) and starts typing.
    pub(crate) fn add_sibling(&mut self) {
        self.commit_title_edit();
        let map = self.session.map();
        let Some(current) = self.view.selection.clone() else {
            self.add_root_if_empty();
            return;
        };
        let Some(node) = map.node(current.as_str()) else {
            return;
        };
        let kind = node.kind;
        let parent = map.parent(current.as_str()).cloned();
        let index = map.position(current.as_str()).map_or(0, |p| p + 1);
        self.add_placeholder(parent, index, kind, Some(current), None);
    }

    fn add_root_if_empty(&mut self) {
        if self.session.map().is_empty() {
            self.add_placeholder(None, 0, NodeKind::Metric, None, None);
        }
    }

    /// Adds a node titled "New …" (after `before`, in the same step) and opens its title
    /// editor; the typed title will amend this step.
    fn add_placeholder(
        &mut self,
        parent: Option<NodeId>,
        index: usize,
        kind: NodeKind,
        origin: Option<NodeId>,
        before: Option<Command>,
    ) {
        let hint = format!("New {}", kind.name().to_lowercase());
        let node = Node::new(kind, hint.clone());
        let id = self.session.map().fresh_id(&hint);
        let add = Command::AddNode(Box::new(NewNode {
            id: id.clone(),
            node: node.clone(),
            parent,
            index,
        }));
        let command = match before {
            Some(first) => Command::Batch(vec![first, add]),
            None => add,
        };
        if !self.apply(command) {
            return;
        }
        let Some(step) = self.session.doc.last_step() else {
            return;
        };
        self.view.selection = Some(id.clone());
        self.view.start_title_edit(TitleEdit {
            id,
            text: String::new(),
            hint,
            fresh: Some(Fresh { step, node, origin }),
            wants_focus: true,
        });
        self.view.canvas.reveal_selection = true;
    }

    /// F2 / double-click / typing: edits the selection's title, starting from `initial`
    /// (typing over it) or from the current title.
    pub(crate) fn start_title_edit(&mut self, initial: Option<String>) {
        self.commit_title_edit();
        let Some(id) = self.view.selection.clone() else {
            return;
        };
        let Some(node) = self.session.map().node(id.as_str()) else {
            return;
        };
        self.view.start_title_edit(TitleEdit {
            text: initial.unwrap_or_else(|| node.title.clone()),
            hint: node.title.clone(),
            id,
            fresh: None,
            wants_focus: true,
        });
        self.view.canvas.reveal_selection = true;
    }

    /// Enter / focus lost: keeps the typed title (one undo step for the whole gesture).
    pub(crate) fn commit_title_edit(&mut self) {
        let Some(edit) = self.view.take_title_edit() else {
            return;
        };
        let typed = edit.text.trim().to_owned();
        match edit.fresh {
            Some(fresh) => self.commit_fresh(edit.id, typed, fresh),
            None => {
                let Some(node) = self.session.map().node(edit.id.as_str()) else {
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

    /// The typed title of a node added by Tab/Enter, and the id made from it, amend the
    /// step that added it.
    fn commit_fresh(&mut self, placeholder: NodeId, typed: String, fresh: Fresh) {
        let title = if typed.is_empty() {
            fresh.node.title.clone()
        } else {
            typed
        };
        if title == fresh.node.title {
            return;
        }
        let map = self.session.map();
        let Some(node) = map.node(placeholder.as_str()) else {
            return;
        };
        let mut node = node.clone();
        node.title = title.clone();
        // The placeholder's own id is free for the typed title.
        let id = NodeId::from_title(&title, |s| s != placeholder.as_str() && map.contains(s));
        let mut changes = vec![Command::SetNode {
            id: placeholder.clone(),
            node: Box::new(node),
        }];
        if id != placeholder {
            changes.push(Command::rename(placeholder, id.clone()));
        }
        match self.session.doc.amend(fresh.step, Command::Batch(changes)) {
            Ok(_) => self.view.selection = Some(id),
            Err(err) => self.shell.dialogs.toast(format!("Can't do that: {err}")),
        }
    }

    /// Esc: drops the typed text; a node just added by this gesture is removed again.
    pub(crate) fn cancel_title_edit(&mut self) {
        let Some(edit) = self.view.take_title_edit() else {
            return;
        };
        if let Some(fresh) = edit.fresh
            && self.session.doc.last_step() == Some(fresh.step)
            && matches!(self.session.doc.undo(), Ok(true))
        {
            self.view.selection = fresh.origin;
        }
    }

    /// Delete: removes the selection's subtree and selects a neighbour.
    pub(crate) fn delete_selected(&mut self) {
        let Some(id) = self.view.selection.clone() else {
            return;
        };
        let map = self.session.map();
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
            self.view.selection = next;
        }
    }

    /// Alt+Up/Down: moves the selection one place among its siblings.
    pub(crate) fn move_among_siblings(&mut self, later: bool) {
        let Some(id) = self.view.selection.clone() else {
            return;
        };
        let map = self.session.map();
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
        let Some(id) = self.view.selection.clone() else {
            return;
        };
        let Some(node) = self.session.map().node(id.as_str()) else {
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
        if self.session.map().child_count(id.as_str()) > 0 {
            self.view.folds.toggle(id);
        }
    }

    /// Drag and drop: moves `id` to be the last child of `target`, refusing a drop into its
    /// own subtree.
    pub(crate) fn reparent(&mut self, id: &NodeId, target: &NodeId) {
        let map = self.session.map();
        if map.is_ancestor_or_self(id.as_str(), target.as_str()) {
            self.shell
                .dialogs
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
            self.view.folds.unfold(target.as_str());
            self.view.selection = Some(id.clone());
        }
    }

    /// The inspector's "Rename id": rewrites formulas and links, keeps selection and fold.
    pub(crate) fn rename_id(&mut self, old: &NodeId, new: NodeId) {
        if self.apply(Command::rename(old.clone(), new.clone())) {
            self.view.folds.rename(old.as_str(), &new);
            if self.view.selection.as_ref() == Some(old) {
                self.view.selection = Some(new);
            }
        }
    }

    /// Arrow keys: parent, child or sibling depending on the tree's orientation; at the end
    /// of a row, the nearest card in that direction. In the outline, rows instead
    /// ([`FulcrumApp::navigate_outline`]).
    pub(crate) fn navigate(&mut self, dir: Dir) {
        if self.view.outline_has_keyboard() {
            self.navigate_outline(dir);
            return;
        }
        let Some(derived) = self.derived.as_ref() else {
            return;
        };
        let scene = &derived.scene;
        let Some(current) = self.view.selection.clone() else {
            self.view.selection = self.session.map().roots().next().cloned();
            return;
        };
        let Some(&i) = scene.index.get(&current) else {
            return;
        };
        let map = self.session.map();
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
        let target = structural.or_else(|| nearest_in_direction(scene, i, dir));
        if let Some(t) = target {
            self.view.select_and_reveal(t);
        }
    }

    /// Ctrl+Z.
    pub(crate) fn undo(&mut self) {
        self.commit_title_edit();
        if let Err(err) = self.session.doc.undo() {
            self.shell.dialogs.toast(format!("Undo failed: {err}"));
        }
    }

    /// Ctrl+Shift+Z / Ctrl+Y.
    pub(crate) fn redo(&mut self) {
        self.commit_title_edit();
        if let Err(err) = self.session.doc.redo() {
            self.shell.dialogs.toast(format!("Redo failed: {err}"));
        }
    }
}

/// The laid-out card nearest to card `i` in direction `dir` (within 45° of it).
fn nearest_in_direction(scene: &Scene, i: usize, dir: Dir) -> Option<NodeId> {
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
