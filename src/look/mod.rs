//! What a card shows, as plain values: the texts, figures, shapes and colours that the app's
//! canvas and the exporters both paint, decided once here so that they agree.
//!
//! How a metric's numbers read ([`format_value`] and its kin, `value.rs`); the engine's
//! figures for a map as shown (`figures.rs`); colours per theme (`palette.rs`); plain shapes
//! (`draw.rs`) and icons made of them (`icons.rs`); and one drawing of a card (`card.rs`,
//! with its chips in `chips.rs`), text measured through the [`card::Measure`] trait. Pure
//! functions of the model's data: this module never imports egui or eframe, never touches
//! files and never edits a map.

pub mod card;
mod chips;
pub mod draw;
pub(crate) mod figures;
pub mod icons;
pub mod palette;
mod value;

pub use chips::{Chip, ChipIcon};
pub use palette::{Palette, Theme};
pub use value::{
    Width, editable_number, format_delta, format_lift, format_value, parse_number, target_gap,
};
