//! Fulcrum: opportunity solution trees and KPI driver trees, with exact roll-up and leverage.
//!
//! The layers, in import order: each imports only layers listed before it (named in
//! brackets), never one after it.
//! - [`model`] (imports no other layer): the map — stable ids, nodes and their kinds, the
//!   petgraph graph behind a typed API that keeps the invariants (one parent, no cycles,
//!   unique well-formed ids).
//! - `threads` (none): two pieces of work side by side, for the big passes of the layers
//!   below, in fixed parts joined in a fixed order.
//! - [`layout`] (none): tidy-tree layout over plain sizes and points; knows nothing of the map.
//! - [`engine`] (model): formulas (parse, evaluate, differentiate, rename ids), roll-up,
//!   scenarios, periods, status, leverage, attribution ("why it moved"), the OST roll-ups, and
//!   which node fields it reads.
//!   Pure and deterministic.
//! - [`edit`] (model, engine's formulas): the [`edit::Command`] enum through which every
//!   change goes — `apply` returns the inverse, [`edit::History`] keeps undo/redo and the
//!   saved marker — [`edit::graft`], which works out the command that places one map's
//!   trees into another (paste, combine), and [`edit::values`], which reads a CSV of values
//!   and plans the one command that merges it into the metrics' history.
//! - [`format`](mod@format) (model, engine): the RON file format — file structs, load with
//!   validation (formulas checked by the engine), canonical atomic save.
//! - [`look`] (model, layout, engine): what a card shows, as plain values — number formats,
//!   the figures for the values shown, colours per theme, and one drawing of a card as plain
//!   shapes with text measured through a trait — for the app and the exporters alike.
//! - [`export`] (model, layout, engine, look): pictures of a map — SVG with embedded font
//!   subsets, PNG (resvg), PDF (krilla) — and the fonts found through fontdb.
//! - [`interchange`] (model, engine, format, look): text for other tools — Markdown, Mermaid, OPML
//!   (lossless), CSV — and import of Markdown and OPML outlines into a map.
//! - [`cli`] (model, engine, edit, format, export, interchange): the `fulcrum` subcommands over
//!   the library.
//! - `ui` (all but cli; only with the `app` feature): the egui desktop app, a thin layer
//!   that reads the model and emits commands.
//!
//! Only `ui` imports egui or eframe, so the library and the CLI build without the `app`
//! feature.

pub mod cli;
pub mod edit;
pub mod engine;
pub mod export;
pub mod format;
pub mod interchange;
pub mod layout;
pub mod look;
pub mod model;
mod threads;
#[cfg(feature = "app")]
pub mod ui;
