//! Which of a node's fields the engine reads, listed once, next to the engine.
//!
//! A cache of engine figures (the app's) keeps them across an edit of a field the engine
//! never reads — a title, an owner, notes — and recomputes them after any other. This list
//! must stay in step with what [`super::Program`], [`super::Rollup`], [`super::status`],
//! [`super::leverage`] and [`super::Analysis::series`] read; `tests/engine_reads.rs` checks
//! it against them by changing every field of [`Node`] in turn. The OST roll-ups
//! ([`super::ost`]) read other fields (statuses, lifts, links) and are not covered: a cache
//! recomputes them after every edit. Pure; never imports egui.

use crate::model::Node;

/// Whether changing a node's data from `old` to `new` can change a roll-up value or its
/// reason, a status, a leverage figure or a value over periods: `false` only when every field
/// the engine reads is equal (kind, formula, value, target, direction, thresholds,
/// controllable, history). Says nothing of the tree's shape, links or scenarios, which are
/// not a node's data.
pub fn reads_change(old: &Node, new: &Node) -> bool {
    old.kind != new.kind
        || old.formula != new.formula
        || old.value != new.value
        || old.target != new.target
        || old.direction != new.direction
        || old.thresholds != new.thresholds
        || old.controllable != new.controllable
        || old.history != new.history
}
