//! What a card shows, as plain values: the texts and figures that the app's canvas and the
//! exporters both paint, decided once here so that they agree.
//!
//! For now this is how a metric's numbers read ([`format_value`] and its kin); the card
//! description (texts, figures, colours as plain values, text measured through a trait) is
//! to follow. Pure functions of the model's data: this module never imports egui or eframe,
//! never touches files and never edits a map.

mod value;

pub use value::{
    Width, editable_number, format_delta, format_lift, format_value, parse_number, target_gap,
};
