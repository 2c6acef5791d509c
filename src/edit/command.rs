//! The [`Command`] enum: every change to a map, as data.
//!
//! `apply` changes the map and returns the command that undoes it, or changes nothing and
//! returns why not. Undo/redo, the CLI, paste, merge and the tests all go through this one
//! path. This module knows nothing of the UI or of files.

use crate::engine::formula::Tape;
use crate::model::{
    Field, FieldError, FieldValue, Formula, Link, Map, ModelError, Node, NodeId, Presentation,
    PresentationStep, Scenario,
};

/// Why a command was refused. The map is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The model refused the change (unknown id, duplicate id, a cycle, …).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A new id is not well-formed.
    #[error("{0}")]
    BadId(String),
    /// A field was given a value of another type.
    #[error(transparent)]
    Field(#[from] FieldError),
}

/// A node to insert, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct NewNode {
    /// The node's id (must be free).
    pub id: NodeId,
    /// The node's data.
    pub node: Node,
    /// Its parent, `None` for a new root.
    pub parent: Option<NodeId>,
    /// Its index among its siblings (clamped to the end).
    pub index: usize,
}

/// One change to a map. Every variant's `apply` returns its exact inverse.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Adds one node.
    AddNode(Box<NewNode>),
    /// Inserts several nodes at once (a pasted or restored subtree), parents before children,
    /// then the links.
    InsertNodes {
        /// The nodes, each parent listed before its children.
        nodes: Vec<NewNode>,
        /// Links to add once the nodes are in.
        links: Vec<Link>,
    },
    /// Deletes a node with its whole subtree and every link touching it.
    DeleteSubtree {
        /// The top of the subtree.
        id: NodeId,
    },
    /// Moves a node with its subtree under another parent (a root when `None`) or to another
    /// place among its siblings. `index` counts the new siblings without the node itself.
    Move {
        /// The node to move.
        id: NodeId,
        /// The new parent.
        parent: Option<NodeId>,
        /// The new index among the new siblings.
        index: usize,
    },
    /// Replaces a node's data (title, kind, formula, any field).
    SetNode {
        /// The node.
        id: NodeId,
        /// Its new data.
        node: Box<Node>,
    },
    /// Sets one field of one node to a value (see [`Field`]); the inverse sets the old value
    /// back. Refused when the value is of another type than the field holds.
    SetField {
        /// The node.
        id: NodeId,
        /// Which of its fields.
        field: Field,
        /// The new value (`FieldValue::Absent` clears an optional field).
        value: FieldValue<'static>,
    },
    /// Renames an id, rewriting links, scenario overrides and (when `rewrite_formulas`) every
    /// formula and presentation step that uses it.
    RenameId {
        /// The current id.
        from: NodeId,
        /// The new id.
        to: NodeId,
        /// Whether to rewrite formulas and presentation steps too (always true for a user's
        /// rename; the inverse restores them exactly instead).
        rewrite_formulas: bool,
    },
    /// Adds a link.
    AddLink(Link),
    /// Removes a link.
    RemoveLink(Link),
    /// Sets the map's title.
    SetMapTitle(String),
    /// Adds a scenario at an index.
    AddScenario {
        /// Where among the scenarios.
        index: usize,
        /// The scenario.
        scenario: Scenario,
    },
    /// Removes a scenario by name; presentation steps shown under it lose their scenario
    /// (the inverse gives it back to them).
    RemoveScenario {
        /// Its name.
        name: String,
    },
    /// Replaces a scenario's overrides (matched by name).
    SetScenario(Scenario),
    /// Renames a scenario, and the scenario of every presentation step that names it.
    RenameScenario {
        /// The current name.
        from: String,
        /// The new name (must be free).
        to: String,
    },
    /// Adds a named presentation at an index (clamped).
    AddPresentation {
        /// Where among the presentations.
        index: usize,
        /// The presentation (a free, non-blank name; its steps' scenarios must exist).
        presentation: Presentation,
    },
    /// Removes a presentation by name.
    RemovePresentation {
        /// Its name.
        name: String,
    },
    /// Renames a presentation.
    RenamePresentation {
        /// The current name.
        from: String,
        /// The new name (free and not blank).
        to: String,
    },
    /// Inserts a step into a presentation at an index (clamped to the end).
    AddStep {
        /// The presentation's name.
        presentation: String,
        /// Where among its steps.
        index: usize,
        /// The step (its scenario, if any, must exist).
        step: PresentationStep,
    },
    /// Removes a step of a presentation.
    RemoveStep {
        /// The presentation's name.
        presentation: String,
        /// The step's index.
        index: usize,
    },
    /// Moves a step of a presentation from one index to another (both in range).
    MoveStep {
        /// The presentation's name.
        presentation: String,
        /// The step's index now.
        from: usize,
        /// Its index afterwards.
        to: usize,
    },
    /// Replaces a step of a presentation (its node, scenario or period).
    SetStep {
        /// The presentation's name.
        presentation: String,
        /// The step's index.
        index: usize,
        /// The new step.
        step: PresentationStep,
    },
    /// Several commands as one step; all or nothing.
    Batch(Vec<Command>),
    /// Replaces the whole map (the result of a three-way merge, or of resolving its
    /// conflicts); the inverse puts the old map back.
    ReplaceMap(WholeMap),
}

/// A whole map as a command's payload, compared by content: two are equal when
/// [`super::diff`] finds no difference between them.
#[derive(Clone, Debug)]
pub struct WholeMap(pub Box<Map>);

impl PartialEq for WholeMap {
    fn eq(&self, other: &Self) -> bool {
        super::diff::diff(&self.0, &other.0).is_empty()
    }
}

impl Command {
    /// A command that renames an id the way a user means it: formulas included.
    pub fn rename(from: NodeId, to: NodeId) -> Self {
        Command::RenameId {
            from,
            to,
            rewrite_formulas: true,
        }
    }

    /// Applies the command, returning its inverse. On error the map is unchanged.
    pub fn apply(self, map: &mut Map) -> Result<Command, EditError> {
        match self {
            Command::AddNode(new) => {
                let NewNode {
                    id,
                    node,
                    parent,
                    index,
                } = *new;
                map.insert(id.clone(), node, parent.as_ref().map(NodeId::as_str), index)?;
                Ok(Command::DeleteSubtree { id })
            }
            Command::InsertNodes { nodes, links } => insert_nodes(map, nodes, links),
            Command::DeleteSubtree { id } => delete_subtree(map, id.as_str()),
            Command::Move { id, parent, index } => {
                let (old_parent, old_index) =
                    map.move_node(id.as_str(), parent.as_ref().map(NodeId::as_str), index)?;
                Ok(Command::Move {
                    id,
                    parent: old_parent,
                    index: old_index,
                })
            }
            Command::SetNode { id, node } => {
                let old = map.replace_node(id.as_str(), *node)?;
                Ok(Command::SetNode {
                    id,
                    node: Box::new(old),
                })
            }
            Command::SetField { id, field, value } => {
                let mut node = map
                    .node(id.as_str())
                    .ok_or_else(|| ModelError::UnknownId(id.to_string()))?
                    .clone();
                let old = field.set(&mut node, value)?;
                map.replace_node(id.as_str(), node)?;
                Ok(Command::SetField {
                    id,
                    field,
                    value: old,
                })
            }
            Command::RenameId {
                from,
                to,
                rewrite_formulas,
            } => rename(map, from, to, rewrite_formulas),
            Command::AddLink(link) => {
                map.add_link(link.clone())?;
                Ok(Command::RemoveLink(link))
            }
            Command::RemoveLink(link) => {
                map.remove_link(&link)?;
                Ok(Command::AddLink(link))
            }
            Command::SetMapTitle(title) => Ok(Command::SetMapTitle(map.set_title(title))),
            Command::AddScenario { index, scenario } => {
                let name = scenario.name.clone();
                map.insert_scenario(index, scenario)?;
                Ok(Command::RemoveScenario { name })
            }
            Command::RemoveScenario { name } => remove_scenario(map, &name),
            Command::SetScenario(scenario) => {
                Ok(Command::SetScenario(map.replace_scenario(scenario)?))
            }
            Command::RenameScenario { from, to } => {
                map.rename_scenario(&from, to.clone())?;
                Ok(Command::RenameScenario { from: to, to: from })
            }
            Command::AddPresentation {
                index,
                presentation,
            } => {
                let name = presentation.name.clone();
                map.insert_presentation(index, presentation)?;
                Ok(Command::RemovePresentation { name })
            }
            Command::RemovePresentation { name } => {
                let (index, presentation) = map.remove_presentation(&name)?;
                Ok(Command::AddPresentation {
                    index,
                    presentation,
                })
            }
            Command::RenamePresentation { from, to } => {
                map.rename_presentation(&from, to.clone())?;
                Ok(Command::RenamePresentation { from: to, to: from })
            }
            Command::AddStep {
                presentation,
                index,
                step,
            } => {
                let len = map.presentation(&presentation).map_or(0, |p| p.steps.len());
                map.insert_step(&presentation, index, step)?;
                Ok(Command::RemoveStep {
                    presentation,
                    index: index.min(len),
                })
            }
            Command::RemoveStep {
                presentation,
                index,
            } => {
                let step = map.remove_step(&presentation, index)?;
                Ok(Command::AddStep {
                    presentation,
                    index,
                    step,
                })
            }
            Command::MoveStep {
                presentation,
                from,
                to,
            } => move_step(map, presentation, from, to),
            Command::SetStep {
                presentation,
                index,
                step,
            } => {
                let old = map.replace_step(&presentation, index, step)?;
                Ok(Command::SetStep {
                    presentation,
                    index,
                    step: old,
                })
            }
            Command::Batch(commands) => apply_batch(map, commands),
            Command::ReplaceMap(WholeMap(new)) => {
                let old = std::mem::replace(map, *new);
                Ok(Command::ReplaceMap(WholeMap(Box::new(old))))
            }
        }
    }
}

/// Applies commands in order; on the first error, undoes the ones applied and fails.
fn apply_batch(map: &mut Map, commands: Vec<Command>) -> Result<Command, EditError> {
    let mut inverses = Vec::with_capacity(commands.len());
    for command in commands {
        match command.apply(map) {
            Ok(inverse) => inverses.push(inverse),
            Err(err) => {
                roll_back(map, inverses);
                return Err(err);
            }
        }
    }
    inverses.reverse();
    Ok(Command::Batch(inverses))
}

/// Undoes already-applied steps, newest first. Inverses of successful steps always apply.
fn roll_back(map: &mut Map, inverses: Vec<Command>) {
    for inverse in inverses.into_iter().rev() {
        // An inverse of a step that just succeeded cannot fail; if it ever did, carrying on
        // with the remaining inverses restores as much as possible.
        let _ = inverse.apply(map);
    }
}

fn insert_nodes(
    map: &mut Map,
    nodes: Vec<NewNode>,
    links: Vec<Link>,
) -> Result<Command, EditError> {
    // Parents come before children, so the batch's inverse (newest first) removes the links,
    // then deletes children before their parents: each delete is of a leaf.
    let mut steps: Vec<Command> = nodes
        .into_iter()
        .map(|n| Command::AddNode(Box::new(n)))
        .collect();
    steps.extend(links.into_iter().map(Command::AddLink));
    apply_batch(map, steps)
}

/// Deletes a subtree leaves-first; the inverse re-inserts it parents-first with its links.
fn delete_subtree(map: &mut Map, id: &str) -> Result<Command, EditError> {
    let order: Vec<NodeId> = map.subtree(id).into_iter().cloned().collect();
    if order.is_empty() {
        return Err(ModelError::UnknownId(id.to_owned()).into());
    }
    let mut removed = Vec::with_capacity(order.len());
    let mut links: Vec<Link> = Vec::new();
    for node_id in order.iter().rev() {
        let gone = map.remove_leaf(node_id.as_str())?;
        links.extend(gone.links.iter().cloned());
        removed.push(NewNode {
            id: gone.id,
            node: gone.node,
            parent: gone.parent,
            index: gone.index,
        });
    }
    removed.reverse();
    links.sort();
    links.dedup();
    let restore = Command::InsertNodes {
        nodes: removed,
        links,
    };
    // Scenario overrides of the deleted metrics go too (an override of a missing id would
    // not reopen); undo puts them back after the nodes.
    let gone: std::collections::HashSet<&NodeId> = order.iter().collect();
    let mut old_scenarios = Vec::new();
    for scenario in map.scenarios().to_vec() {
        if scenario.overrides.keys().any(|id| gone.contains(id)) {
            let mut trimmed = scenario.clone();
            trimmed.overrides.retain(|id, _| !gone.contains(id));
            old_scenarios.push(Command::SetScenario(map.replace_scenario(trimmed)?));
        }
    }
    if old_scenarios.is_empty() {
        return Ok(restore);
    }
    let mut undo = vec![restore];
    undo.extend(old_scenarios);
    Ok(Command::Batch(undo))
}

/// Removes a scenario after taking it off the presentation steps shown under it; the
/// inverse adds it back, then gives the steps their scenario again.
fn remove_scenario(map: &mut Map, name: &str) -> Result<Command, EditError> {
    if map.scenario(name).is_none() {
        return Err(ModelError::UnknownScenario(name.to_owned()).into());
    }
    let mut restore_steps = Vec::new();
    for (i, k) in map.steps_with_scenario(name) {
        let presentation = map.presentations()[i].name.clone();
        let mut step = map.presentations()[i].steps[k].clone();
        step.scenario = None;
        let old = map.replace_step(&presentation, k, step)?;
        restore_steps.push(Command::SetStep {
            presentation,
            index: k,
            step: old,
        });
    }
    let (index, scenario) = map.remove_scenario(name)?;
    let add = Command::AddScenario { index, scenario };
    if restore_steps.is_empty() {
        return Ok(add);
    }
    let mut undo = vec![add];
    undo.extend(restore_steps);
    Ok(Command::Batch(undo))
}

/// Moves a step; both indices must be steps of the presentation.
fn move_step(
    map: &mut Map,
    presentation: String,
    from: usize,
    to: usize,
) -> Result<Command, EditError> {
    let len = map
        .presentation(&presentation)
        .ok_or_else(|| ModelError::UnknownPresentation(presentation.clone()))?
        .steps
        .len();
    if let Some(index) = [from, to].into_iter().find(|&i| i >= len) {
        return Err(ModelError::UnknownStep {
            presentation,
            index,
        }
        .into());
    }
    let step = map.remove_step(&presentation, from)?;
    map.insert_step(&presentation, to, step)?;
    Ok(Command::MoveStep {
        presentation,
        from: to,
        to: from,
    })
}

fn rename(
    map: &mut Map,
    from: NodeId,
    to: NodeId,
    rewrite_formulas: bool,
) -> Result<Command, EditError> {
    if let Some(problem) = crate::model::id_problem(to.as_str()) {
        return Err(EditError::BadId(problem));
    }
    map.rename(from.as_str(), to.clone())?;
    let mut restore = vec![Command::RenameId {
        from: to.clone(),
        to: from.clone(),
        rewrite_formulas: false,
    }];
    if rewrite_formulas {
        let ids: Vec<NodeId> = map.dfs().into_iter().cloned().collect();
        for id in ids {
            let Some(node) = map.node(id.as_str()) else {
                continue;
            };
            let Some(Formula::Expr(src)) = &node.formula else {
                continue;
            };
            let rewritten = Tape::rename_in_source(src, from.as_str(), to.as_str());
            if &rewritten != src {
                let mut new_node = node.clone();
                new_node.formula = Some(Formula::Expr(rewritten));
                let old = map.replace_node(id.as_str(), new_node)?;
                restore.push(Command::SetNode {
                    id,
                    node: Box::new(old),
                });
            }
        }
        // Steps that showed the node show it under its new id; steps of a node deleted
        // earlier that happen to name the new id are left as they are, so undo is exact.
        for p in map.presentations().to_vec() {
            for (k, step) in p.steps.into_iter().enumerate() {
                if step.node == from {
                    let renamed = PresentationStep {
                        node: to.clone(),
                        ..step.clone()
                    };
                    map.replace_step(&p.name, k, renamed)?;
                    restore.push(Command::SetStep {
                        presentation: p.name.clone(),
                        index: k,
                        step,
                    });
                }
            }
        }
    }
    // Undo: put the old formulas back (under the new id), then rename back without rewriting.
    restore.rotate_left(1);
    Ok(Command::Batch(restore))
}
