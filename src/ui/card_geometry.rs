//! A card's geometry: its width, the rows its body has, its height for a title of so many
//! lines, and where the title sits — in world units (points at zoom 1). The layout (through
//! [`super::scene`]) sizes cards with it and the painters (`cards.rs`, `blocks.rs`,
//! `chips.rs`) draw inside it, so the two always agree. It neither paints nor reads figures.

use egui::{FontId, Rect};

use super::theme::strong_family;
use crate::model::{LinkKind, Map, Node, NodeId, NodeKind};

/// Card width in world units.
pub const CARD_W: f32 = 232.0;
/// Horizontal padding inside a card.
pub const PAD: f32 = 12.0;
/// Width titles are measured at (zoom 1). They are drawn 2% wider so that rounding at other
/// zooms never needs an extra line.
pub const TITLE_WRAP_WIDTH: f32 = CARD_W - 2.0 * PAD;
/// Titles longer than this many lines are elided.
pub const MAX_TITLE_ROWS: usize = 5;
/// Below this zoom, cards are drawn as blocks without text.
pub const DETAIL_ZOOM: f32 = 0.42;

pub const TOP: f32 = 9.0;
pub const HEADER: f32 = 18.0;
pub const HEADER_GAP: f32 = 5.0;
pub const BODY_GAP: f32 = 6.0;
pub const VALUE_ROW: f32 = 32.0;
pub const DETAIL_ROW: f32 = 18.0;
pub const LEVER_ROW: f32 = 16.0;
pub const CHIP_ROW: f32 = 24.0;
pub const BOTTOM: f32 = 10.0;
pub const RADIUS: f32 = 9.0;

/// What a card shows below its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Value, target/status line, leverage bar.
    Metric,
    /// A row of chips (sizing, status, badges).
    Chips,
    /// Nothing.
    Plain,
}

/// The body of a node's card.
pub fn body_of(map: &Map, id: &NodeId, node: &Node) -> Body {
    match node.kind {
        NodeKind::Metric => Body::Metric,
        NodeKind::Opportunity | NodeKind::Solution | NodeKind::Assumption | NodeKind::Test => {
            Body::Chips
        }
        NodeKind::Outcome => {
            let measures = map
                .links_of(id.as_str())
                .iter()
                .any(|l| l.kind == LinkKind::Measures && &l.from == id);
            if measures { Body::Chips } else { Body::Plain }
        }
        NodeKind::Note => Body::Plain,
    }
}

/// A card's height for its body and title line count.
pub fn card_height(body: Body, title_rows: usize, line_height: f32) -> f32 {
    let body_h = match body {
        Body::Metric => BODY_GAP + VALUE_ROW + DETAIL_ROW + LEVER_ROW,
        Body::Chips => BODY_GAP + CHIP_ROW,
        Body::Plain => 0.0,
    };
    TOP + HEADER + HEADER_GAP + title_rows as f32 * line_height + body_h + BOTTOM
}

/// The title font at a zoom.
pub fn title_font(zoom: f32) -> FontId {
    FontId::new(15.5 * zoom, strong_family())
}

/// Where a metric card's sparkline sits (screen coordinates): the right of its value row.
pub fn spark_rect(card: Rect, zoom: f32, rows: usize, line_height: f32) -> Rect {
    let top =
        card.min.y + (TOP + HEADER + HEADER_GAP + rows as f32 * line_height + BODY_GAP) * zoom;
    Rect::from_min_max(
        egui::pos2(card.max.x - (PAD + 72.0) * zoom, top),
        egui::pos2(card.max.x - PAD * zoom, top + VALUE_ROW * zoom),
    )
}

/// Where the title sits inside a card (screen coordinates), for the inline editor.
pub fn title_rect(card: Rect, zoom: f32, rows: usize, line_height: f32) -> Rect {
    let min = card.min + egui::vec2(PAD, TOP + HEADER + HEADER_GAP) * zoom;
    Rect::from_min_size(
        min,
        egui::vec2(CARD_W - 2.0 * PAD, rows.max(1) as f32 * line_height) * zoom,
    )
}
