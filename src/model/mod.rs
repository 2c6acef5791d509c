//! The map model: stable ids, nodes and their kinds, and the [`Map`] graph.
//!
//! Knows nothing of files, formulas' meaning, undo or the UI.

mod id;
mod map;
mod node;
pub mod synthetic;

pub use id::{MAX_ID_LEN, NodeId, RESERVED, id_problem};
pub use map::{Dense, Map, ModelError, RemovedNode};
pub use node::{
    Category, Direction, Display, Evidence, Formula, Link, LinkKind, Node, NodeKind, Orientation,
    Scenario, Sizing, Status, Thresholds,
};
