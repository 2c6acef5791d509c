//! Painting the lines between cards: tree edges (smooth curves up close, straight segments
//! batched into one mesh far out) and dashed links between trees with their label.
//!
//! Only lines near the view are painted. This module paints; it handles no input.

use egui::epaint::{CubicBezierShape, Mesh, PathStroke};
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, Vec2};

use crate::model::LinkKind;

/// Where an edge leaves a parent card and enters a child card.
pub fn edge_ends(parent: Rect, child: Rect, left_right: bool) -> (Pos2, Pos2) {
    if left_right {
        (parent.right_center(), child.left_center())
    } else {
        (parent.center_bottom(), child.center_top())
    }
}

/// A smooth parent → child curve.
pub fn curve(painter: &Painter, a: Pos2, b: Pos2, left_right: bool, stroke: Stroke) {
    let (c1, c2) = if left_right {
        let dx = (b.x - a.x) * 0.5;
        (a + Vec2::new(dx, 0.0), b - Vec2::new(dx, 0.0))
    } else {
        let dy = (b.y - a.y) * 0.5;
        (a + Vec2::new(0.0, dy), b - Vec2::new(0.0, dy))
    };
    painter.add(CubicBezierShape::from_points_stroke(
        [a, c1, c2, b],
        false,
        Color32::TRANSPARENT,
        PathStroke::from(stroke),
    ));
}

/// A straight segment of `width` into a mesh (far zoom: thousands of edges in one shape).
pub fn segment(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, color: Color32) {
    let d = b - a;
    let len = d.length();
    if len < 0.01 {
        return;
    }
    let n = Vec2::new(-d.y, d.x) / len * (width * 0.5);
    let base = mesh.vertices.len() as u32;
    for p in [a + n, a - n, b - n, b + n] {
        mesh.colored_vertex(p, color);
    }
    mesh.add_triangle(base, base + 1, base + 2);
    mesh.add_triangle(base, base + 2, base + 3);
}

/// How links are drawn this frame.
#[derive(Clone, Copy)]
pub struct LinkStyle {
    /// Canvas zoom.
    pub zoom: f32,
    /// Line and label colour.
    pub color: Color32,
    /// Label background.
    pub label_bg: Color32,
    /// Whether the label ("measures") is drawn.
    pub show_label: bool,
}

/// A dashed link from card `from` to card `to` with an arrowhead and a small label.
pub fn link(painter: &Painter, from: Rect, to: Rect, kind: LinkKind, style: &LinkStyle) {
    let LinkStyle {
        zoom,
        color,
        label_bg,
        show_label,
    } = *style;
    let d = to.center() - from.center();
    let horizontal = d.x.abs() > d.y.abs();
    let (a, b, ta, tb) = if horizontal {
        let s = d.x.signum();
        let a = if s > 0.0 {
            from.right_center()
        } else {
            from.left_center()
        };
        let b = if s > 0.0 {
            to.left_center()
        } else {
            to.right_center()
        };
        (a, b, Vec2::new(s, 0.0), Vec2::new(-s, 0.0))
    } else {
        let s = d.y.signum();
        let a = if s > 0.0 {
            from.center_bottom()
        } else {
            from.center_top()
        };
        let b = if s > 0.0 {
            to.center_top()
        } else {
            to.center_bottom()
        };
        (a, b, Vec2::new(0.0, s), Vec2::new(0.0, -s))
    };
    let reach = (b - a).length() * 0.4;
    let bezier = CubicBezierShape::from_points_stroke(
        [a, a + ta * reach, b + tb * reach, b],
        false,
        Color32::TRANSPARENT,
        PathStroke::NONE,
    );
    let samples: Vec<Pos2> = (0..=40).map(|k| bezier.sample(k as f32 / 40.0)).collect();
    let width = (2.0 * zoom).clamp(1.0, 3.0);
    let stroke = Stroke::new(width, color);
    painter.extend(Shape::dashed_line(
        &samples,
        stroke,
        (9.0 * zoom).max(3.0),
        (6.0 * zoom).max(2.0),
    ));
    // Arrowhead at `b`, pointing into the target card.
    let dir = -tb;
    let side = Vec2::new(-dir.y, dir.x);
    let size = (9.0 * zoom).clamp(4.0, 14.0);
    painter.add(Shape::convex_polygon(
        vec![
            b,
            b - dir * size + side * size * 0.5,
            b - dir * size - side * size * 0.5,
        ],
        color,
        Stroke::NONE,
    ));
    if show_label {
        let text = match kind {
            LinkKind::Measures => "measures",
            LinkKind::Relates => "relates to",
        };
        let mid = bezier.sample(0.5);
        let font = FontId::proportional((12.0 * zoom).clamp(9.0, 16.0));
        let galley = painter.layout_no_wrap(text.to_owned(), font, color);
        let pill = Rect::from_center_size(mid, galley.size() + Vec2::new(12.0, 4.0));
        painter.rect(
            pill,
            pill.height() * 0.5,
            label_bg,
            Stroke::new(1.0, color.gamma_multiply(0.6)),
            egui::StrokeKind::Inside,
        );
        painter.galley(
            Align2::CENTER_CENTER.anchor_size(mid, galley.size()).min,
            galley,
            color,
        );
    }
}
