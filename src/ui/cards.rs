//! Cards on the canvas: paints [`crate::look::card`]'s drawing of a card (the same drawing
//! the exports write) at a zoom, and the interaction outlines only the app has (selection,
//! hover, search hit, drop target).
//!
//! Geometry is in world units (points at zoom 1) and scaled by the zoom when painted. Above
//! [`super::card_geometry::DETAIL_ZOOM`] a card is drawn in full; below it, as a coloured
//! block (see `blocks.rs`). This module paints; it never edits the map or handles input.

use egui::epaint::{CornerRadius, Shadow};
use egui::{Align2, Color32, FontFamily, FontId, Painter, Pos2, Rect, Stroke, StrokeKind};

use super::figures::Figures;
use super::scene::{EguiMeasure, TextMeasure};
use super::theme::{Palette, color, strong_family};
use crate::look::card::{CardContext, CardSize, draw_card};
use crate::look::draw::{Corners, Font, Pt, Shape};
use crate::model::{Map, Node, NodeId};

/// How a card is being interacted with, for its outline.
#[derive(Clone, Copy, Debug, Default)]
pub struct CardState {
    /// It is the selection.
    pub selected: bool,
    /// The pointer is over it.
    pub hovered: bool,
    /// It is the current search hit.
    pub search_hit: bool,
    /// It is under a dragged card: `Some(true)` a valid drop, `Some(false)` refused.
    pub drop: Option<bool>,
    /// Its title is being edited (the editor draws the title).
    pub editing: bool,
}

/// Everything a card needs to paint itself.
pub struct CardPaint<'a> {
    /// The painter (already clipped to the canvas).
    pub painter: &'a Painter,
    /// Colours.
    pub palette: &'a Palette,
    /// The map.
    pub map: &'a Map,
    /// Engine results.
    pub figures: &'a Figures,
    /// Zoom (screen points per world unit).
    pub zoom: f32,
    /// Text measurement (the same the layout sized the cards with).
    pub measure: &'a TextMeasure,
    /// "Why it moved", while its panel is open: each card's contribution in the header.
    pub why: Option<&'a super::why::WhyView>,
}

impl CardPaint<'_> {
    /// Paints one card in full detail at `rect` (screen coordinates).
    pub fn card(&mut self, id: &NodeId, node: &Node, rect: Rect, size: CardSize, state: CardState) {
        let why = self.why.and_then(|w| {
            let (display, unit) = w.top_looks(self.map)?;
            Some((w.contribution(id.as_str())?, display, unit))
        });
        let cx = CardContext {
            map: self.map,
            figures: self.figures,
            palette: &self.palette.look,
            why,
        };
        let mut m = EguiMeasure::new(self.measure, self.painter.ctx());
        let drawing = draw_card(&mut m, &cx, id, node, size);
        let hovered_border = state
            .hovered
            .then(|| self.palette.kind(node.kind).gamma_multiply(0.7));
        for (k, shape) in drawing.shapes.iter().enumerate() {
            if state.editing && drawing.title.contains(&k) {
                continue;
            }
            paint_shape(
                self.painter,
                shape,
                rect.min,
                self.zoom,
                hovered_border.filter(|_| k == 1),
            );
        }
        let radius = corner_radius(Corners::same(crate::look::card::RADIUS), self.zoom);
        self.outline(rect, radius, state);
    }

    fn outline(&self, rect: Rect, radius: CornerRadius, state: CardState) {
        let p = self.palette;
        let grow = |by: f32| {
            let r = radius.nw.saturating_add(by as u8);
            (rect.expand(by), CornerRadius::same(r))
        };
        if let Some(ok) = state.drop {
            let (r, cr) = grow(4.0);
            let color = if ok { p.drop_ok } else { p.danger };
            self.painter
                .rect_stroke(r, cr, Stroke::new(3.0, color), StrokeKind::Outside);
        } else if state.selected {
            let (r, cr) = grow(3.0);
            self.painter.rect_stroke(
                r.expand(2.0),
                cr,
                Stroke::new(4.0, p.accent.gamma_multiply(0.18)),
                StrokeKind::Outside,
            );
            self.painter
                .rect_stroke(r, cr, Stroke::new(2.5, p.accent), StrokeKind::Outside);
        }
        if state.search_hit && state.drop.is_none() {
            let (r, cr) = grow(if state.selected { 8.0 } else { 3.0 });
            self.painter
                .rect_stroke(r, cr, Stroke::new(2.5, p.highlight), StrokeKind::Outside);
        }
    }
}

fn corner_radius(c: Corners, zoom: f32) -> CornerRadius {
    let r = |v: f32| (v * zoom).round().clamp(0.0, 255.0) as u8;
    CornerRadius {
        nw: r(c.nw),
        ne: r(c.ne),
        sw: r(c.sw),
        se: r(c.se),
    }
}

/// The egui font of a plain one at a zoom.
pub fn font_id(font: Font, zoom: f32) -> FontId {
    let family = if font.strong {
        strong_family()
    } else {
        FontFamily::Proportional
    };
    FontId::new(font.size * zoom, family)
}

/// Paints one plain shape whose local origin is at `origin` (screen), scaled by `zoom`;
/// `border` replaces a rectangle's outline colour (hover).
pub fn paint_shape(
    painter: &Painter,
    shape: &Shape,
    origin: Pos2,
    zoom: f32,
    border: Option<Color32>,
) {
    let at = |p: Pt| origin + egui::vec2(p.x, p.y) * zoom;
    match shape {
        Shape::Shadow {
            rect,
            radius,
            blur,
            offset_y,
            color: c,
        } => {
            if c.0[3] == 0 {
                return;
            }
            let shadow = Shadow {
                offset: [0, (offset_y * zoom).round() as i8],
                blur: (blur * zoom).round().clamp(0.0, 255.0) as u8,
                spread: 0,
                color: color(*c),
            };
            let r = Rect::from_min_max(at(rect.min), at(rect.max));
            painter.add(shadow.as_shape(r, corner_radius(Corners::same(*radius), zoom)));
        }
        Shape::Rect {
            rect,
            corners,
            fill,
            stroke,
        } => {
            let r = Rect::from_min_max(at(rect.min), at(rect.max));
            let cr = corner_radius(*corners, zoom);
            let stroke = stroke.map_or(Stroke::NONE, |(w, c)| {
                Stroke::new(w, border.unwrap_or_else(|| color(c)))
            });
            painter.rect(
                r,
                cr,
                fill.map_or(Color32::TRANSPARENT, color),
                stroke,
                StrokeKind::Inside,
            );
        }
        Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        } => {
            let c = at(*center);
            if let Some(f) = fill {
                painter.circle_filled(c, radius * zoom, color(*f));
            }
            if let Some((w, s)) = stroke {
                painter.circle_stroke(
                    c,
                    radius * zoom,
                    Stroke::new((w * zoom).max(1.0), color(*s)),
                );
            }
        }
        Shape::Line {
            points,
            closed,
            width,
            color: c,
        } => {
            let pts: Vec<Pos2> = points.iter().map(|p| at(*p)).collect();
            let stroke = Stroke::new((width * zoom).max(1.0), color(*c));
            if *closed {
                painter.add(egui::Shape::closed_line(pts, stroke));
            } else {
                painter.add(egui::Shape::line(pts, stroke));
            }
        }
        Shape::Polygon { points, fill } => {
            let pts: Vec<Pos2> = points.iter().map(|p| at(*p)).collect();
            painter.add(egui::Shape::convex_polygon(pts, color(*fill), Stroke::NONE));
        }
        Shape::Text {
            pos,
            text,
            font,
            color: c,
            centered,
            ..
        } => {
            let align = if *centered {
                Align2::CENTER_TOP
            } else {
                Align2::LEFT_TOP
            };
            painter.text(at(*pos), align, text, font_id(*font, zoom), color(*c));
        }
    }
}
