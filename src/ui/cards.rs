//! Cards: their size (from the title's line count and the kind's rows) and how they are
//! painted at each level of detail.
//!
//! Geometry is in world units (points at zoom 1) and scaled by the zoom when painted. A
//! card is ~232 wide with a 15.5 px title so a projector audience can read it. Above
//! [`DETAIL_ZOOM`] a card is drawn in full (kind header, wrapped title, value with unit and
//! status, sparkline, leverage bar, OST chips); below it, as a coloured block with skeleton
//! title lines, batched into one mesh, with no text at all (see `blocks.rs`; the OST chips
//! are in `chips.rs`). This module paints; it never edits the map or handles input.

use std::sync::Arc;

use egui::epaint::{CornerRadius, Shadow};
use egui::text::LayoutJob;
use egui::{Color32, FontId, Galley, Painter, Pos2, Rect, Stroke, StrokeKind};

use super::card_geometry::{
    BODY_GAP, BOTTOM, DETAIL_ROW, HEADER, HEADER_GAP, LEVER_ROW, PAD, RADIUS, TITLE_WRAP_WIDTH,
    TOP, VALUE_ROW, title_font,
};
use super::figures::Figures;
use super::icons;
use super::theme::{Palette, strong_family};
use crate::engine::{self, Rag};
use crate::look::{Width, format_delta, format_value, target_gap};
use crate::model::{Display, Map, Node, NodeId, NodeKind};

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
    /// Height of a title line at zoom 1.
    pub line_height: f32,
    /// "Why it moved", while its panel is open: each card's contribution in the header.
    pub why: Option<&'a super::why::WhyView>,
}

impl CardPaint<'_> {
    /// Paints one card in full detail at `rect` (screen coordinates).
    pub fn card(&mut self, id: &NodeId, node: &Node, rect: Rect, rows: usize, state: CardState) {
        let z = self.zoom;
        let p = self.palette;
        let radius = CornerRadius::same((RADIUS * z).round().clamp(0.0, 255.0) as u8);
        let shadow = Shadow {
            offset: [0, (2.0 * z).round() as i8],
            blur: (10.0 * z).round().clamp(0.0, 255.0) as u8,
            spread: 0,
            color: p.shadow,
        };
        self.painter.add(shadow.as_shape(rect, radius));
        let border = if state.hovered {
            p.kind(node.kind).gamma_multiply(0.7)
        } else {
            p.card_border
        };
        self.painter.rect(
            rect,
            radius,
            p.card_for(node.kind),
            Stroke::new(1.0, border),
            StrokeKind::Inside,
        );
        let header = Rect::from_min_size(rect.min, egui::vec2(rect.width(), (TOP + HEADER) * z));
        let top_radius = CornerRadius {
            nw: radius.nw,
            ne: radius.ne,
            sw: 0,
            se: 0,
        };
        self.painter
            .rect_filled(header.shrink(0.5), top_radius, p.kind_tint(node.kind));
        let value = self.figures.value(id.as_str());
        let rag = match value {
            Some(Ok(v)) => engine::status(node, v),
            _ => None,
        };
        if let Some(rag) = rag {
            let strip = Rect::from_min_size(rect.min, egui::vec2(5.0 * z, rect.height()));
            let left = CornerRadius {
                nw: radius.nw,
                sw: radius.sw,
                ne: 0,
                se: 0,
            };
            self.painter.rect_filled(strip, left, p.rag(rag));
        }
        self.header(id, node, rect);
        if !state.editing {
            let title = self.text(
                node.title.clone(),
                title_font(z),
                p.text,
                TITLE_WRAP_WIDTH * z * 1.02,
                rows,
            );
            let at = rect.min + egui::vec2(PAD, TOP + HEADER + HEADER_GAP) * z;
            self.painter.galley(at, title, p.text);
        }
        let body_top =
            rect.min.y + (TOP + HEADER + HEADER_GAP + rows as f32 * self.line_height) * z;
        let inner = Rect::from_min_max(
            egui::pos2(rect.min.x + PAD * z, body_top + BODY_GAP * z),
            egui::pos2(rect.max.x - PAD * z, rect.max.y - BOTTOM * z),
        );
        match node.kind {
            NodeKind::Metric => self.metric_body(
                id,
                node,
                inner,
                value.map(|v| v.map_err(str::to_owned)),
                rag,
            ),
            _ => self.chips(id, node, inner),
        }
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

    fn header(&self, id: &NodeId, node: &Node, rect: Rect) {
        let z = self.zoom;
        let p = self.palette;
        let color = p.kind(node.kind);
        let mid_y = rect.min.y + (TOP + HEADER * 0.5) * z;
        let mut x = rect.min.x + PAD * z;
        let icon = Rect::from_min_size(egui::pos2(x, mid_y - 6.0 * z), egui::vec2(12.0, 12.0) * z);
        icons::kind_icon(self.painter, icon, node.kind, color);
        x += 17.0 * z;
        let label = self.painter.layout_no_wrap(
            node.kind.name().to_uppercase(),
            FontId::new(10.5 * z, strong_family()),
            color,
        );
        self.painter.galley(
            egui::pos2(x, mid_y - label.size().y * 0.5),
            label.clone(),
            color,
        );
        x += label.size().x + 10.0 * z;
        // While "Why it moved" is open, the header's right side says how much of the top's
        // change came from (or through) this metric.
        if let Some((contribution, (display, unit))) = self
            .why
            .and_then(|w| Some((w.contribution(id.as_str())?, w.top_looks(self.map)?)))
        {
            let color = if contribution >= 0.0 {
                p.rag(Rag::Green)
            } else {
                p.rag(Rag::Red)
            };
            let text = format_delta(contribution, display, unit.as_deref());
            let g =
                self.painter
                    .layout_no_wrap(text, FontId::new(11.5 * z, strong_family()), color);
            let right = rect.max.x - PAD * z;
            let pill = Rect::from_min_max(
                egui::pos2(
                    right - g.size().x - 8.0 * z,
                    mid_y - g.size().y * 0.5 - 1.0 * z,
                ),
                egui::pos2(right, mid_y + g.size().y * 0.5 + 1.0 * z),
            );
            self.painter
                .rect_filled(pill, 6.0 * z, color.gamma_multiply(0.12));
            self.painter.galley(
                egui::pos2(pill.min.x + 4.0 * z, mid_y - g.size().y * 0.5),
                g,
                color,
            );
            return;
        }
        if let Some(owner) = node.owner.as_deref().filter(|o| !o.is_empty()) {
            let right = rect.max.x - PAD * z;
            if right - x > 30.0 * z {
                let g = self.text(
                    owner.to_owned(),
                    FontId::proportional(11.0 * z),
                    p.muted,
                    right - x,
                    1,
                );
                let pos = egui::pos2(right - g.size().x, mid_y - g.size().y * 0.5);
                self.painter.galley(pos, g, p.muted);
            }
        }
    }

    fn metric_body(
        &mut self,
        id: &NodeId,
        node: &Node,
        inner: Rect,
        value: Option<Result<f64, String>>,
        rag: Option<Rag>,
    ) {
        let z = self.zoom;
        let p = self.palette;
        let display = node.display.unwrap_or_default();
        let unit = node.unit.as_deref();
        let value_row = Rect::from_min_size(inner.min, egui::vec2(inner.width(), VALUE_ROW * z));
        let spark_w = 72.0 * z;
        match &value {
            Some(Ok(v)) => {
                // A worded unit ("accounts") is set smaller after the number.
                let (number, suffix) = split_unit(*v, display, unit);
                let room = value_row.width() - spark_w - 6.0 * z;
                let font = FontId::new(22.0 * z, strong_family());
                let g = self.text(number, font, p.text, room, 1);
                let pos = egui::pos2(value_row.min.x, value_row.center().y - g.size().y * 0.5);
                let after = pos.x + g.size().x + 4.0 * z;
                let baseline = pos.y + g.size().y;
                self.painter.galley(pos, g, p.text);
                if let Some(suffix) = suffix {
                    let left = value_row.min.x + room - after;
                    if left > 12.0 * z {
                        let s = self.text(suffix, FontId::proportional(13.0 * z), p.muted, left, 1);
                        let at = egui::pos2(after, baseline - s.size().y - 2.0 * z);
                        self.painter.galley(at, s, p.muted);
                    }
                }
            }
            Some(Err(_)) if node.formula.is_none() && node.value.is_none() => {
                let g = self.text(
                    "no value yet".to_owned(),
                    FontId::proportional(13.0 * z),
                    p.muted,
                    value_row.width(),
                    1,
                );
                let pos = egui::pos2(value_row.min.x, value_row.center().y - g.size().y * 0.5);
                self.painter.galley(pos, g, p.muted);
            }
            Some(Err(reason)) => {
                let g = self.text(
                    format!("no value: {reason}"),
                    FontId::proportional(12.5 * z),
                    p.danger,
                    value_row.width(),
                    2,
                );
                let pos = egui::pos2(value_row.min.x, value_row.center().y - g.size().y * 0.5);
                self.painter.galley(pos, g, p.danger);
            }
            None => {}
        }
        if matches!(value, Some(Ok(_))) {
            let map = self.map;
            let spark = self.figures.spark(map, id.as_str());
            let change = self.figures.change_since_previous(map, id.as_str());
            // With a change to show, the sparkline takes the top of the row and the change
            // (▲/▼ and %) the bottom.
            let bottom = if change.is_some() { 14.0 } else { 6.0 };
            let area = Rect::from_min_max(
                egui::pos2(value_row.max.x - spark_w, value_row.min.y + 4.0 * z),
                egui::pos2(value_row.max.x, value_row.max.y - bottom * z),
            );
            self.sparkline(&spark, area, rag);
            if let Some((_, rel)) = change {
                let corner = egui::pos2(value_row.max.x, value_row.max.y);
                self.period_change(node, rel, corner);
            }
        }
        let detail = Rect::from_min_size(
            egui::pos2(inner.min.x, value_row.max.y),
            egui::vec2(inner.width(), DETAIL_ROW * z),
        );
        self.detail_line(
            id,
            node,
            detail,
            value.as_ref().and_then(|v| v.as_ref().ok().copied()),
            rag,
        );
        let lever = Rect::from_min_size(
            egui::pos2(inner.min.x, detail.max.y),
            egui::vec2(inner.width(), LEVER_ROW * z),
        );
        self.leverage_bar(id, lever);
    }

    fn detail_line(
        &self,
        id: &NodeId,
        node: &Node,
        row: Rect,
        value: Option<f64>,
        rag: Option<Rag>,
    ) {
        let z = self.zoom;
        let p = self.palette;
        let display = node.display.unwrap_or_default();
        let unit = node.unit.as_deref();
        let font = FontId::proportional(12.5 * z);
        // Under a scenario or a what-if, metrics it moves show what they were and the
        // difference.
        let moved = self
            .figures
            .baseline(id.as_str())
            .zip(value)
            .filter(|(base, v)| (v - base).abs() > 1e-9 * base.abs().max(1.0));
        let was = if self.figures.has_what_if() {
            "was"
        } else {
            "actual"
        };
        let left = if let Some((base, v)) = moved {
            format!(
                "{was} {} · {}",
                format_value(base, display, unit, Width::Compact),
                format_delta(v - base, display, unit)
            )
        } else if let (Some(reported), true, Some(v)) = (node.value, node.formula.is_some(), value)
        {
            format!(
                "reported {} · {}",
                format_value(reported, display, unit, Width::Compact),
                format_delta(reported - v, display, unit)
            )
        } else if let Some(t) = node.target {
            // Off target, the card says how far: "2 pts below target" (green can still mean
            // "within the warn threshold").
            let direction = node.direction.unwrap_or_default();
            value
                .and_then(|v| target_gap(v, t, direction, display, unit))
                .unwrap_or_else(|| {
                    format!("target {}", format_value(t, display, unit, Width::Compact))
                })
        } else if node.formula.is_none() {
            "input".to_owned()
        } else {
            String::new()
        };
        let status = rag.map(|r| match r {
            Rag::Green => "on track",
            Rag::Amber => "at risk",
            Rag::Red => "off track",
        });
        let mut right_w = 0.0;
        if let (Some(text), Some(r)) = (status, rag) {
            let g = self
                .painter
                .layout_no_wrap(text.to_owned(), font.clone(), p.rag(r));
            right_w = g.size().x + 12.0 * z;
            let pos = egui::pos2(row.max.x - g.size().x, row.center().y - g.size().y * 0.5);
            self.painter.circle_filled(
                egui::pos2(pos.x - 7.0 * z, row.center().y),
                3.5 * z,
                p.rag(r),
            );
            self.painter.galley(pos, g, p.rag(r));
        }
        if !left.is_empty() {
            let g = self.text(left, font, p.muted, row.width() - right_w - 4.0 * z, 1);
            let pos = egui::pos2(row.min.x, row.center().y - g.size().y * 0.5);
            self.painter.galley(pos, g, p.muted);
        }
    }

    fn leverage_bar(&self, id: &NodeId, row: Rect) {
        let Some(e) = self.figures.elasticity(id.as_str()) else {
            return;
        };
        let z = self.zoom;
        let p = self.palette;
        let font = FontId::proportional(11.0 * z);
        let label = self
            .painter
            .layout_no_wrap("leverage".to_owned(), font.clone(), p.muted);
        let value = self
            .painter
            .layout_no_wrap(format!("{e:+.2}"), font, p.muted);
        let y = row.center().y;
        self.painter.galley(
            egui::pos2(row.min.x, y - label.size().y * 0.5),
            label.clone(),
            p.muted,
        );
        self.painter.galley(
            egui::pos2(row.max.x - value.size().x, y - value.size().y * 0.5),
            value.clone(),
            p.muted,
        );
        let bar = Rect::from_min_max(
            egui::pos2(row.min.x + label.size().x + 8.0 * z, y - 2.5 * z),
            egui::pos2(row.max.x - value.size().x - 8.0 * z, y + 2.5 * z),
        );
        if bar.width() <= 0.0 {
            return;
        }
        let cr = CornerRadius::same((2.5 * z).round() as u8);
        self.painter
            .rect_filled(bar, cr, p.muted.gamma_multiply(0.18));
        let max = self.figures.dense().map_or(0.0, |d| d.max_elasticity);
        let frac = if max > 0.0 {
            (e.abs() / max).clamp(0.0, 1.0) as f32
        } else {
            0.0
        };
        let fill = Rect::from_min_size(bar.min, egui::vec2(bar.width() * frac, bar.height()));
        let color = if e < 0.0 {
            p.kind(NodeKind::Assumption)
        } else {
            p.accent
        };
        self.painter.rect_filled(fill, cr, color);
    }

    /// The change since the previous period at the bottom-right `corner`: a triangle up or
    /// down (green when it is the good way for the metric, red when not) and the percent.
    fn period_change(&self, node: &Node, rel: f64, corner: Pos2) {
        let z = self.zoom;
        let p = self.palette;
        let up = rel > 0.0;
        let flat = rel.abs() < 0.0005;
        let good = match node.direction.unwrap_or_default() {
            crate::model::Direction::HigherIsBetter => up,
            crate::model::Direction::LowerIsBetter => !up,
        };
        let color = if flat {
            p.muted
        } else if good {
            p.rag(Rag::Green)
        } else {
            p.rag(Rag::Red)
        };
        let text = format!("{:.1}%", rel.abs() * 100.0);
        let g = self
            .painter
            .layout_no_wrap(text, FontId::proportional(10.5 * z), color);
        let pos = egui::pos2(corner.x - g.size().x, corner.y - g.size().y);
        let tri = 7.0 * z;
        let cx = pos.x - tri * 0.5 - 3.0 * z;
        let cy = pos.y + g.size().y * 0.5;
        if !flat {
            let (tip, base) = if up {
                (cy - tri * 0.45, cy + tri * 0.35)
            } else {
                (cy + tri * 0.45, cy - tri * 0.35)
            };
            self.painter.add(egui::Shape::convex_polygon(
                vec![
                    egui::pos2(cx, tip),
                    egui::pos2(cx + tri * 0.5, base),
                    egui::pos2(cx - tri * 0.5, base),
                ],
                color,
                Stroke::NONE,
            ));
        }
        self.painter.galley(pos, g, color);
    }

    fn sparkline(&self, values: &[f64], area: Rect, rag: Option<Rag>) {
        if values.len() < 2 || area.width() <= 2.0 {
            return;
        }
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let span = if hi > lo { hi - lo } else { 1.0 };
        let n = values.len() - 1;
        let points: Vec<Pos2> = values
            .iter()
            .enumerate()
            .map(|(k, &v)| {
                let x = area.min.x + area.width() * k as f32 / n as f32;
                let t = if hi > lo {
                    ((v - lo) / span) as f32
                } else {
                    0.5
                };
                egui::pos2(x, area.max.y - area.height() * t)
            })
            .collect();
        let p = self.palette;
        let line = p.muted.gamma_multiply(0.8);
        self.painter.add(egui::Shape::line(
            points.clone(),
            Stroke::new(1.6 * self.zoom, line),
        ));
        if let Some(last) = points.last() {
            let dot = rag.map_or(p.accent, |r| p.rag(r));
            self.painter.circle_filled(*last, 2.8 * self.zoom, dot);
        }
    }

    /// Lays out `text` wrapped at `width`, elided after `rows` lines.
    pub(super) fn text(
        &self,
        text: String,
        font: FontId,
        color: Color32,
        width: f32,
        rows: usize,
    ) -> Arc<Galley> {
        let mut job = LayoutJob::simple(text, font, color, width.max(1.0));
        job.wrap.max_rows = rows.max(1);
        job.wrap.break_anywhere = rows == 1;
        self.painter.layout_job(job)
    }
}

/// A value as (number, worded unit): `25 accounts` → (`25`, `accounts`); symbols stay
/// with the number (`$100,000`, `107%`).
fn split_unit(value: f64, display: Display, unit: Option<&str>) -> (String, Option<String>) {
    let worded = unit
        .map(str::trim)
        .filter(|u| !u.is_empty() && u.chars().any(char::is_alphabetic));
    match (display, worded) {
        (Display::Number | Display::Integer, Some(u)) => (
            format_value(value, display, None, Width::Compact),
            Some(u.to_owned()),
        ),
        _ => (format_value(value, display, unit, Width::Compact), None),
    }
}
