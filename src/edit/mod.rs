//! Edits: the [`Command`] enum, its inverse, and undo/redo [`History`].
//!
//! Every change to a map goes through here. Knows nothing of files or the UI.

mod command;
mod history;

pub use command::{Command, EditError, NewNode};
pub use history::{Document, History, StepId};
