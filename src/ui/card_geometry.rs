//! A card's geometry on screen: the constants and sizes of [`crate::look::card`] (where a
//! card's rows and height are decided, for the canvas and the exports alike) turned into
//! egui fonts and screen rectangles for the painters and the inline title editor. It neither
//! paints nor reads figures.

use egui::{FontId, Rect};

use super::theme::strong_family;
pub use crate::look::card::{CARD_W, PAD};
use crate::look::card::{CardSize, TITLE_FONT};
use crate::look::draw::Box2;

/// Below this zoom, cards are drawn as blocks without text.
pub const DETAIL_ZOOM: f32 = 0.42;
pub use crate::look::card::{HEADER, HEADER_GAP, TOP};

/// The title font at a zoom.
pub fn title_font(zoom: f32) -> FontId {
    FontId::new(TITLE_FONT.size * zoom, strong_family())
}

/// A card-local box on screen, for a card drawn at `card` with `zoom`.
fn on_screen(card: Rect, zoom: f32, b: Box2) -> Rect {
    Rect::from_min_max(
        card.min + egui::vec2(b.min.x, b.min.y) * zoom,
        card.min + egui::vec2(b.max.x, b.max.y) * zoom,
    )
}

/// Where a metric card's sparkline sits (screen coordinates): the right of its value row.
pub fn spark_rect(card: Rect, zoom: f32, size: CardSize, line_height: f32) -> Rect {
    on_screen(card, zoom, size.spark_box(line_height))
}

/// Where the title sits inside a card (screen coordinates), for the inline editor.
pub fn title_rect(card: Rect, zoom: f32, size: CardSize, line_height: f32) -> Rect {
    on_screen(card, zoom, size.title_box(line_height))
}
