//! Card marks drawn outside the full card: the far-zoom block (a coloured card with
//! skeleton title lines, batched into one mesh, no text) and the fold badge (`+N` hidden
//! nodes, or `−` to fold). Paints; no input.

use egui::epaint::{CornerRadius, Mesh};
use egui::{Align2, Color32, FontFamily, FontId, Painter, Rect, Stroke, StrokeKind};

use super::card_geometry::{CARD_W, HEADER, HEADER_GAP, PAD, TOP};
use super::theme::Palette;
use crate::engine::Rag;
use crate::model::NodeKind;

/// Paints a card as a block with skeleton title lines into `mesh` (far zoom, no text).
#[allow(clippy::too_many_arguments)]
pub fn block(
    mesh: &mut Mesh,
    palette: &Palette,
    kind: NodeKind,
    rag: Option<Rag>,
    rect: Rect,
    zoom: f32,
    title_rows: usize,
    selected: bool,
) {
    if rect.width() < 6.0 {
        mesh.add_colored_rect(rect, palette.kind(kind));
        return;
    }
    let border = if selected {
        palette.accent
    } else {
        palette.card_border
    };
    let b = if selected { 3.0 } else { 1.0 };
    mesh.add_colored_rect(rect.expand(b), border);
    mesh.add_colored_rect(rect, palette.card_for(kind));
    let header = Rect::from_min_size(rect.min, egui::vec2(rect.width(), (TOP + HEADER) * zoom));
    mesh.add_colored_rect(header, palette.kind(kind).gamma_multiply(0.55));
    if let Some(r) = rag {
        mesh.add_colored_rect(
            Rect::from_min_size(rect.min, egui::vec2((6.0 * zoom).max(1.5), rect.height())),
            palette.rag(r),
        );
    }
    let line_h = 19.0 * zoom;
    if line_h >= 2.0 {
        let skeleton = palette.muted.gamma_multiply(0.35);
        for k in 0..title_rows {
            let w = if k + 1 == title_rows { 0.6 } else { 0.9 };
            let y = rect.min.y + (TOP + HEADER + HEADER_GAP) * zoom + k as f32 * line_h;
            let bar = Rect::from_min_size(
                egui::pos2(rect.min.x + PAD * zoom, y + line_h * 0.25),
                egui::vec2((CARD_W - 2.0 * PAD) * zoom * w, line_h * 0.5),
            );
            mesh.add_colored_rect(bar, skeleton);
        }
    }
}

/// The small pill at a card's child side: `+N` when folded, `−` to fold when hovered.
pub fn fold_badge_rect(card: Rect, left_right: bool, zoom: f32) -> Rect {
    let size = egui::vec2(34.0, 20.0) * zoom.max(0.5);
    let center = if left_right {
        egui::pos2(card.max.x + size.x * 0.5 - 4.0 * zoom, card.center().y)
    } else {
        egui::pos2(card.center().x, card.max.y + size.y * 0.5 - 4.0 * zoom)
    };
    Rect::from_center_size(center, size)
}

/// Paints the fold badge.
pub fn fold_badge(
    painter: &Painter,
    palette: &Palette,
    kind: NodeKind,
    rect: Rect,
    hidden: u32,
    hovered: bool,
) {
    let color = palette.kind(kind);
    let cr = CornerRadius::same((rect.height() * 0.5).round().min(255.0) as u8);
    let text = if hidden > 0 {
        format!("+{hidden}")
    } else {
        "−".to_owned()
    };
    let (fill, fg) = if hidden > 0 || hovered {
        (color, Color32::WHITE)
    } else {
        (palette.card, color)
    };
    painter.rect(rect, cr, fill, Stroke::new(1.0, color), StrokeKind::Inside);
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        text,
        FontId::new(rect.height() * 0.62, FontFamily::Proportional),
        fg,
    );
}
