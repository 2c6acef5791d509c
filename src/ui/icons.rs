//! Node-kind icons in panels: the shapes of [`crate::look::icons`] (the ones cards and
//! exports draw) painted into a square of a `Ui`. Pure painting; no state.

use egui::{Color32, Vec2};

use super::cards::paint_shape;
use crate::look::draw::{Rgba, pt};
use crate::model::NodeKind;

/// Allocates a square in a `Ui` and paints the kind icon in it (for panels).
pub fn kind_icon_ui(ui: &mut egui::Ui, kind: NodeKind, color: Color32, size: f32) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(size), egui::Sense::hover());
    let inner = rect.shrink(size * 0.08);
    let [r, g, b, a] = color.to_srgba_unmultiplied();
    let shapes =
        crate::look::icons::kind_icon(pt(0.0, 0.0), inner.width(), kind, Rgba([r, g, b, a]));
    for shape in &shapes {
        paint_shape(ui.painter(), shape, inner.min, 1.0, None);
    }
}
