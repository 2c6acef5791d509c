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

/// The smallest title drawn on a block, in points (smaller would not read).
pub const MIN_TITLE_PX: f32 = 8.5;

/// The largest title size on a block at `zoom` (a short title is set this large).
pub fn title_font_size(zoom: f32) -> f32 {
    (zoom * 34.0).min(15.5)
}

/// Whether blocks at `zoom` can hold a title of at least [`MIN_TITLE_PX`].
pub fn can_hold_titles(zoom: f32) -> bool {
    zoom * (CARD_W - 2.0 * PAD) >= 40.0 && title_font_size(zoom) >= MIN_TITLE_PX
}

/// A block's title (semantic zoom): as large as the card allows — the largest size, down to
/// [`MIN_TITLE_PX`], at which the whole title fits the block (estimated from its length) —
/// cut with an ellipsis only when even that does not fit.
pub fn block_title(painter: &Painter, palette: &Palette, title: &str, rect: Rect, zoom: f32) {
    let top = rect.min.y + (TOP + HEADER) * zoom + 2.0;
    let area = Rect::from_min_max(
        egui::pos2(rect.min.x + 4.0 + 4.0 * zoom, top),
        egui::pos2(rect.max.x - 4.0, rect.max.y - 2.0),
    );
    let largest = title_font_size(zoom);
    if area.width() < 12.0 || area.height() < MIN_TITLE_PX {
        return;
    }
    let chars = title.chars().count().max(1) as f32;
    let fits = |size: f32| {
        // An average glyph of the strong face is about 0.56 em wide; words wrap whole.
        let per_line = (area.width() / (0.56 * size)).floor().max(1.0);
        let lines = (chars / (per_line * 0.85)).ceil();
        lines * size * 1.2 <= area.height()
    };
    let mut size = largest;
    while size > MIN_TITLE_PX && !fits(size) {
        size -= 0.5;
    }
    let size = size.max(MIN_TITLE_PX);
    let rows = ((area.height() / (size * 1.2)).floor() as usize).max(1);
    let mut job = egui::text::LayoutJob::simple(
        title.to_owned(),
        FontId::new(size, super::theme::strong_family()),
        palette.text,
        area.width(),
    );
    job.wrap.max_rows = rows;
    job.wrap.break_anywhere = false;
    job.wrap.overflow_character = Some('…');
    let galley = painter.layout_job(job);
    painter.galley(area.min, galley, palette.text);
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
