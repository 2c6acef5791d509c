//! The map model: stable ids, nodes and their kinds, the table of node fields ([`Field`]),
//! the [`Map`] graph, and the named [`Presentation`]s saved in it.
//!
//! Knows nothing of files, formulas' meaning, undo or the UI.

mod clip;
mod field;
mod history;
mod id;
mod map;
mod node;
mod presentation;
pub mod synthetic;

pub use clip::{CLIP_AFTER_CHARS, CLIP_KEEP_CHARS, clip};
pub use field::{Field, FieldError, FieldValue, holds_both_evidence, same_node};
pub use history::History;
pub use id::{MAX_ID_LEN, NodeId, RESERVED, id_problem};
pub use map::{Dense, Map, ModelError, NodeKey, RemovedNode};
pub use node::{
    Category, Direction, Display, Evidence, Formula, Link, LinkKind, Node, NodeKind, Orientation,
    Scenario, Sizing, Status, Thresholds,
};
pub use presentation::{Presentation, PresentationStep};
