//! Edits: the [`Command`] enum, its inverse, and undo/redo [`History`]; [`graft`] works out
//! the command that places one map's trees into another (paste, combine); [`values`] reads a
//! CSV of values and plans the one command that merges it into the metrics' history.
//!
//! Every change to a map goes through here. Knows nothing of files or the UI.

mod command;
pub mod graft;
mod history;
pub mod values;

pub use command::{Command, EditError, NewNode};
pub use history::{Document, History, StepId};
