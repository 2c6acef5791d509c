//! Small vector icons: one per node kind, plus the warning, target and link marks used in
//! card chips. Drawn with shapes rather than font glyphs, so they are crisp at any zoom and
//! need no emoji font. Pure painting; no state.

use egui::{Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use crate::model::NodeKind;

/// Paints the icon of `kind` inside the square `rect`.
pub fn kind_icon(painter: &Painter, rect: Rect, kind: NodeKind, color: Color32) {
    let s = rect.width().min(rect.height());
    let r = Rect::from_center_size(rect.center(), Vec2::splat(s));
    let w = (s * 0.11).max(1.0);
    let stroke = Stroke::new(w, color);
    let at = |x: f32, y: f32| pos2(r.min.x + x * s, r.min.y + y * s);
    match kind {
        NodeKind::Metric => {
            for (k, h) in [0.35f32, 0.6, 0.9].iter().enumerate() {
                let x = 0.1 + k as f32 * 0.3;
                painter.rect_filled(
                    Rect::from_min_max(at(x, 0.95 - h), at(x + 0.2, 0.95)),
                    0.0,
                    color,
                );
            }
        }
        NodeKind::Outcome => {
            painter.circle_stroke(r.center(), s * 0.44, stroke);
            painter.circle_stroke(r.center(), s * 0.26, stroke);
            painter.circle_filled(r.center(), s * 0.1, color);
        }
        NodeKind::Opportunity => {
            let bubble = Rect::from_min_max(at(0.05, 0.08), at(0.95, 0.7));
            painter.rect_stroke(bubble, s * 0.15, stroke, egui::StrokeKind::Middle);
            painter.add(Shape::convex_polygon(
                vec![at(0.25, 0.68), at(0.5, 0.68), at(0.22, 0.95)],
                color,
                Stroke::NONE,
            ));
        }
        NodeKind::Solution => {
            painter.circle_stroke(at(0.5, 0.4), s * 0.32, stroke);
            painter.rect_filled(
                Rect::from_min_max(at(0.35, 0.74), at(0.65, 0.95)),
                s * 0.05,
                color,
            );
            painter.line_segment([at(0.5, 0.55), at(0.5, 0.35)], stroke);
        }
        NodeKind::Assumption => {
            painter.circle_stroke(r.center(), s * 0.45, stroke);
            painter.text(
                r.center() + vec2(0.0, s * 0.03),
                egui::Align2::CENTER_CENTER,
                "?",
                FontId::proportional(s * 0.8),
                color,
            );
        }
        NodeKind::Test => {
            painter.add(Shape::convex_polygon(
                vec![at(0.38, 0.4), at(0.62, 0.4), at(0.92, 0.95), at(0.08, 0.95)],
                color,
                Stroke::NONE,
            ));
            painter.rect_filled(
                Rect::from_min_max(at(0.38, 0.05), at(0.62, 0.42)),
                0.0,
                color,
            );
            painter.line_segment([at(0.28, 0.06), at(0.72, 0.06)], stroke);
        }
        NodeKind::Note => {
            let page = [
                at(0.15, 0.05),
                at(0.62, 0.05),
                at(0.85, 0.3),
                at(0.85, 0.95),
                at(0.15, 0.95),
            ];
            painter.add(Shape::closed_line(page.to_vec(), stroke));
            painter.line_segment([at(0.3, 0.55), at(0.7, 0.55)], stroke);
            painter.line_segment([at(0.3, 0.75), at(0.7, 0.75)], stroke);
        }
    }
}

/// A warning triangle with an exclamation mark.
pub fn warning(painter: &Painter, rect: Rect, color: Color32, mark: Color32) {
    let s = rect.width().min(rect.height());
    let c = rect.center();
    let top = Pos2::new(c.x, c.y - s * 0.48);
    let left = Pos2::new(c.x - s * 0.52, c.y + s * 0.42);
    let right = Pos2::new(c.x + s * 0.52, c.y + s * 0.42);
    painter.add(Shape::convex_polygon(
        vec![top, right, left],
        color,
        Stroke::NONE,
    ));
    let w = (s * 0.12).max(1.0);
    painter.line_segment(
        [
            Pos2::new(c.x, c.y - s * 0.18),
            Pos2::new(c.x, c.y + s * 0.12),
        ],
        Stroke::new(w, mark),
    );
    painter.circle_filled(Pos2::new(c.x, c.y + s * 0.27), w * 0.6, mark);
}

/// A small arrow pointing right (links).
pub fn arrow(painter: &Painter, rect: Rect, color: Color32) {
    let s = rect.width().min(rect.height());
    let c = rect.center();
    let w = (s * 0.12).max(1.0);
    painter.line_segment(
        [
            Pos2::new(c.x - s * 0.45, c.y),
            Pos2::new(c.x + s * 0.2, c.y),
        ],
        Stroke::new(w, color),
    );
    painter.add(Shape::convex_polygon(
        vec![
            Pos2::new(c.x + s * 0.5, c.y),
            Pos2::new(c.x + s * 0.1, c.y - s * 0.3),
            Pos2::new(c.x + s * 0.1, c.y + s * 0.3),
        ],
        color,
        Stroke::NONE,
    ));
}

/// Allocates a square in a `Ui` and paints the kind icon in it (for panels).
pub fn kind_icon_ui(ui: &mut egui::Ui, kind: NodeKind, color: Color32, size: f32) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(size), egui::Sense::hover());
    kind_icon(ui.painter(), rect.shrink(size * 0.08), kind, color);
}
