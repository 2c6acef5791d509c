//! Undo/redo history and the saved marker, over [`Command`]s.
//!
//! [`Document`] pairs a map with its history so that every change — from the UI, the CLI or a
//! test — goes through [`Document::apply`], is one undo step, and bumps the generation counter
//! that caches (roll-up, layout) key on.
//!
//! A gesture that lasts (a title typed after Tab, a drag, a what-if slider) stays one step
//! without undoing and reapplying: it starts with [`Document::apply`], remembers the
//! [`StepId`] of that step, and folds each later change into it with [`Document::amend`].

use super::{Command, EditError};
use crate::model::Map;

/// One undoable step.
#[derive(Clone, Debug)]
struct Step {
    /// A serial unique in this history, to recognise the saved state.
    serial: u64,
    /// What the user asked for (applied again on redo).
    forward: Command,
    /// What undoes it.
    inverse: Command,
}

/// Names one undo step, so that a gesture can amend the step it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StepId(u64);

/// The undo and redo stacks, with a marker for the state last saved.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    next_serial: u64,
    /// Serial of the top undo step when last saved (`None`: the empty history).
    saved: Option<u64>,
    /// Whether the saved state can no longer be reached (it was on a dropped redo branch).
    saved_lost: bool,
}

impl History {
    /// Applies a command as a new undo step, dropping the redo stack.
    pub fn apply(&mut self, map: &mut Map, command: Command) -> Result<(), EditError> {
        let inverse = command.clone().apply(map)?;
        if self.redo.iter().any(|s| Some(s.serial) == self.saved) {
            self.saved_lost = true;
        }
        self.redo.clear();
        self.next_serial += 1;
        self.undo.push(Step {
            serial: self.next_serial,
            forward: command,
            inverse,
        });
        Ok(())
    }

    /// The newest undo step, if any.
    pub fn last_step(&self) -> Option<StepId> {
        self.undo.last().map(|s| StepId(s.serial))
    }

    /// Applies `command` and folds it into the newest step when that is `step` (so the whole
    /// gesture stays one undo step); when another step came after it, or it was undone, the
    /// command becomes a step of its own. Returns the step that now holds the change.
    pub fn amend(
        &mut self,
        map: &mut Map,
        step: StepId,
        command: Command,
    ) -> Result<StepId, EditError> {
        let amendable = self.redo.is_empty() && self.last_step() == Some(step);
        if !amendable {
            self.apply(map, command)?;
            return Ok(StepId(self.next_serial));
        }
        let inverse = command.clone().apply(map)?;
        let Some(top) = self.undo.pop() else {
            return Ok(step);
        };
        if self.saved == Some(top.serial) {
            // The saved state was this step before it grew: nothing reaches it any more.
            self.saved_lost = true;
        }
        self.next_serial += 1;
        self.undo.push(Step {
            serial: self.next_serial,
            forward: Command::Batch(flatten(vec![top.forward, command])),
            inverse: Command::Batch(flatten(vec![inverse, top.inverse])),
        });
        Ok(StepId(self.next_serial))
    }

    /// Undoes the last step. Returns whether there was one.
    pub fn undo(&mut self, map: &mut Map) -> Result<bool, EditError> {
        let Some(mut step) = self.undo.pop() else {
            return Ok(false);
        };
        match step.inverse.clone().apply(map) {
            Ok(forward) => {
                step.forward = forward;
                self.redo.push(step);
                Ok(true)
            }
            Err(err) => {
                self.undo.push(step);
                Err(err)
            }
        }
    }

    /// Redoes the last undone step. Returns whether there was one.
    pub fn redo(&mut self, map: &mut Map) -> Result<bool, EditError> {
        let Some(mut step) = self.redo.pop() else {
            return Ok(false);
        };
        match step.forward.clone().apply(map) {
            Ok(inverse) => {
                step.inverse = inverse;
                self.undo.push(step);
                Ok(true)
            }
            Err(err) => {
                self.redo.push(step);
                Err(err)
            }
        }
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self) {
        self.saved = self.undo.last().map(|s| s.serial);
        self.saved_lost = false;
    }

    /// Whether the map differs from the state last saved.
    pub fn is_dirty(&self) -> bool {
        self.saved_lost || self.saved != self.undo.last().map(|s| s.serial)
    }
}

/// Commands in order, with nested batches opened (a batch applies its parts in order, so
/// this changes nothing but the depth of the step).
fn flatten(commands: Vec<Command>) -> Vec<Command> {
    let mut out = Vec::with_capacity(commands.len());
    for c in commands {
        match c {
            Command::Batch(inner) => out.extend(inner),
            other => out.push(other),
        }
    }
    out
}

/// A map with its history: the one place where a map changes.
#[derive(Clone, Debug, Default)]
pub struct Document {
    map: Map,
    history: History,
    generation: u64,
}

impl Document {
    /// A document over a map just loaded or created: clean, nothing to undo.
    pub fn new(map: Map) -> Self {
        Self {
            map,
            history: History::default(),
            generation: 0,
        }
    }

    /// The map, read-only: changes go through [`Document::apply`].
    pub fn map(&self) -> &Map {
        &self.map
    }

    /// Applies a command as one undo step.
    pub fn apply(&mut self, command: Command) -> Result<(), EditError> {
        self.history.apply(&mut self.map, command)?;
        self.generation += 1;
        Ok(())
    }

    /// Applies a command and folds it into `step` while that is still the newest step (see
    /// [`History::amend`]); returns the step that holds the change.
    pub fn amend(&mut self, step: StepId, command: Command) -> Result<StepId, EditError> {
        let step = self.history.amend(&mut self.map, step, command)?;
        self.generation += 1;
        Ok(step)
    }

    /// The newest undo step, for a gesture that will amend it.
    pub fn last_step(&self) -> Option<StepId> {
        self.history.last_step()
    }

    /// Undoes the last step; returns whether anything changed.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        let changed = self.history.undo(&mut self.map)?;
        self.generation += u64::from(changed);
        Ok(changed)
    }

    /// Redoes the last undone step; returns whether anything changed.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        let changed = self.history.redo(&mut self.map)?;
        self.generation += u64::from(changed);
        Ok(changed)
    }

    /// The history (for can_undo / can_redo / is_dirty).
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self) {
        self.history.mark_saved();
    }

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// A counter bumped by every change, for caches to key on.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::NewNode;
    use crate::model::{Node, NodeId, NodeKind};

    fn id(s: &str) -> NodeId {
        NodeId::new(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn add(name: &str) -> Command {
        Command::AddNode(Box::new(NewNode {
            id: id(name),
            node: Node::new(NodeKind::Metric, name),
            parent: None,
            index: usize::MAX,
        }))
    }

    fn titled(doc: &Document, name: &str, title: &str) -> Command {
        let mut node = doc
            .map()
            .node(name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name}"));
        node.title = title.to_owned();
        Command::SetNode {
            id: id(name),
            node: Box::new(node),
        }
    }

    fn ok<T>(r: Result<T, EditError>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn replacing_the_whole_map_is_one_step_that_undoes_exactly() {
        let mut doc = Document::new(Map::new("m"));
        ok(doc.apply(add("a")));
        let mut other = Map::new("other");
        ok(add("b").apply(&mut other));
        ok(doc.apply(Command::ReplaceMap(crate::edit::WholeMap(Box::new(other)))));
        assert!(doc.map().contains("b") && !doc.map().contains("a"));
        assert_eq!(doc.map().title(), "other");
        assert!(ok(doc.undo()));
        assert!(doc.map().contains("a") && !doc.map().contains("b"));
        assert_eq!(doc.map().title(), "m");
        assert!(ok(doc.redo()));
        assert!(doc.map().contains("b"));
    }

    #[test]
    fn amending_keeps_a_gesture_one_step() {
        let mut doc = Document::new(Map::new("t"));
        ok(doc.apply(add("a")));
        let step = doc.last_step().unwrap_or_else(|| panic!("a step"));
        let c = titled(&doc, "a", "Typed");
        let step = ok(doc.amend(step, c));
        let c = Command::rename(id("a"), id("typed"));
        ok(doc.amend(step, c));
        assert_eq!(
            doc.map().node("typed").map(|n| n.title.as_str()),
            Some("Typed")
        );
        assert!(ok(doc.undo()), "one step to undo");
        assert!(doc.map().is_empty(), "the whole gesture is undone");
        assert!(!doc.history().can_undo());
        assert!(ok(doc.redo()));
        assert_eq!(
            doc.map().node("typed").map(|n| n.title.as_str()),
            Some("Typed")
        );
        assert!(!doc.map().contains("a"));
    }

    #[test]
    fn a_step_after_the_gesture_makes_the_amendment_a_step_of_its_own() {
        let mut doc = Document::new(Map::new("t"));
        ok(doc.apply(add("a")));
        let step = doc.last_step().unwrap_or_else(|| panic!("a step"));
        ok(doc.apply(add("b")));
        let c = titled(&doc, "a", "Later");
        let own = ok(doc.amend(step, c));
        assert_ne!(own, step);
        assert!(ok(doc.undo()));
        assert_eq!(doc.map().node("a").map(|n| n.title.as_str()), Some("a"));
        assert!(doc.map().contains("b"), "the step in between is untouched");
    }

    #[test]
    fn an_undone_step_is_not_amended() {
        let mut doc = Document::new(Map::new("t"));
        ok(doc.apply(add("a")));
        let step = doc.last_step().unwrap_or_else(|| panic!("a step"));
        ok(doc.apply(add("b")));
        assert!(ok(doc.undo()));
        assert!(ok(doc.undo()));
        assert!(doc.amend(step, add("c")).is_ok());
        assert!(doc.map().contains("c") && !doc.map().contains("a"));
        assert!(
            !doc.history().can_redo(),
            "a new step drops the redo branch"
        );
    }

    #[test]
    fn amending_the_saved_step_makes_the_map_dirty_for_good() {
        let mut doc = Document::new(Map::new("t"));
        ok(doc.apply(add("a")));
        let step = doc.last_step().unwrap_or_else(|| panic!("a step"));
        doc.mark_saved();
        assert!(!doc.is_dirty());
        let c = titled(&doc, "a", "Changed");
        ok(doc.amend(step, c));
        assert!(doc.is_dirty());
        assert!(ok(doc.undo()));
        assert!(doc.is_dirty(), "the saved state is gone, not the empty map");
    }
}
