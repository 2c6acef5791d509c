//! Edits: the [`Command`] enum, its inverse, and undo/redo [`History`]; [`graft`] works out
//! the command that places one map's trees into another (paste, combine); [`values`] reads a
//! CSV of values and plans the one command that merges it into the metrics' history;
//! [`diff`](mod@diff) lists what changed between two maps by id; [`merge`](mod@merge) merges
//! two descendants of one map three ways, listing the conflicts; [`combine`] brings several
//! maps together and proposes and performs merges of their similar nodes; [`ost`] builds the
//! opportunity-tree edits that span fields or siblings (the target mark, an assumption's place).
//!
//! Every change to a map goes through here. Knows nothing of files or the UI.

pub mod combine;
mod command;
pub mod diff;
pub mod graft;
mod history;
pub mod merge;
mod order;
pub mod ost;
pub mod values;

pub use command::{Command, EditError, NewNode, WholeMap};
pub use diff::{Change, ChangeKind, diff};
pub use history::{Document, History, StepId};
pub use merge::{Conflict, Merge, Reason, Side, Subject, Version, merge};
