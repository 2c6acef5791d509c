//! Fulcrum: opportunity solution trees and KPI driver trees, with exact roll-up and leverage.
//!
//! The layers, each importing only the ones above it in this list:
//! - [`model`]: the map — stable ids, nodes and their kinds, the petgraph graph behind a typed
//!   API that keeps the invariants (one parent, no cycles, unique well-formed ids).
//! - [`edit`]: the [`edit::Command`] enum through which every change goes; `apply` returns the
//!   inverse, and [`edit::History`] keeps undo/redo and the saved marker.
//! - [`engine`]: formulas (parse, evaluate, differentiate), roll-up, scenarios, periods, status,
//!   leverage and the OST roll-ups. Pure and deterministic.
//! - [`layout`]: tidy-tree layout over plain sizes and points; knows nothing of the map.
//! - [`format`]: the RON file format — file structs, load with validation, canonical atomic save.
//! - [`look`]: what a card shows, as plain values (number formats for now), for the app and
//!   the exporters alike.
//! - [`cli`]: the `fulcrum` subcommands over the library.
//! - [`ui`]: the egui desktop app, a thin layer that reads the model and emits commands.
//!
//! Nothing below `ui` imports egui or eframe.

pub mod cli;
pub mod edit;
pub mod engine;
pub mod format;
pub mod layout;
pub mod look;
pub mod model;
#[cfg(feature = "app")]
pub mod ui;
