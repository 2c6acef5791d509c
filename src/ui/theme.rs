//! Colours, fonts and egui style for Fulcrum's themes.
//!
//! One [`Palette`] per theme holds every colour the canvas and panels paint with, as egui
//! colours made from [`crate::look::Palette`] (the plain values the exports use too), so no
//! other module hard-codes a colour. Fonts: the bundled egui fonts always work; on a desktop
//! run, a heavier system sans-serif (when one is installed) is preferred because thin type
//! washes out on a projector. This module must not know about maps beyond [`NodeKind`] and
//! [`Rag`].

use std::sync::Arc;

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, TextStyle};

use crate::engine::Rag;
use crate::export::fonts::{Face, FontSet};
use crate::look::{self, draw::Rgba};
use crate::model::NodeKind;

pub use crate::look::Theme;

/// The family used for card titles, values and headings (a bolder face when available).
pub fn strong_family() -> FontFamily {
    FontFamily::Name("strong".into())
}

/// Every colour Fulcrum paints with, for one theme.
#[derive(Clone, Debug)]
pub struct Palette {
    /// Canvas background.
    pub canvas: Color32,
    /// Card surface.
    pub card: Color32,
    /// Card outline.
    pub card_border: Color32,
    /// Main text.
    pub text: Color32,
    /// Secondary text (labels, targets, owners).
    pub muted: Color32,
    /// Selection outline and focus accents.
    pub accent: Color32,
    /// Tree edges.
    pub edge: Color32,
    /// Dashed links between trees.
    pub link: Color32,
    /// Errors, invalid drops.
    pub danger: Color32,
    /// Valid drop target outline.
    pub drop_ok: Color32,
    /// Search hit highlight.
    pub highlight: Color32,
    /// The same colours as plain values, for the card drawing.
    pub look: look::Palette,
}

impl Palette {
    /// The palette of a theme.
    pub fn of(theme: Theme) -> Self {
        let look = look::Palette::of(theme);
        Self {
            canvas: color(look.canvas),
            card: color(look.card),
            card_border: color(look.card_border),
            text: color(look.text),
            muted: color(look.muted),
            accent: color(look.accent),
            edge: color(look.edge),
            link: color(look.link),
            danger: color(look.danger),
            drop_ok: color(look.drop_ok),
            highlight: color(look.highlight),
            look,
        }
    }

    /// The colour that identifies a node kind (header glyph, tint, fold badge).
    pub fn kind(&self, kind: NodeKind) -> Color32 {
        color(self.look.kind(kind))
    }

    /// The card surface of a kind (notes look like sticky notes).
    pub fn card_for(&self, kind: NodeKind) -> Color32 {
        color(self.look.card_for(kind))
    }

    /// Red/amber/green.
    pub fn rag(&self, rag: Rag) -> Color32 {
        color(self.look.rag(rag))
    }
}

/// An egui colour of a plain one.
pub fn color(c: Rgba) -> Color32 {
    let [r, g, b, a] = c.0;
    Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// Applies the theme's egui visuals and Fulcrum's text sizes (14–16 px body text).
pub fn apply_style(ctx: &egui::Context, theme: Theme) {
    let palette = Palette::of(theme);
    let mut visuals = match theme {
        Theme::Light | Theme::Projector => egui::Visuals::light(),
        Theme::Dark => egui::Visuals::dark(),
    };
    visuals.selection.bg_fill = palette.accent.gamma_multiply(0.35);
    visuals.selection.stroke.color = palette.accent;
    visuals.hyperlink_color = palette.accent;
    if theme == Theme::Light {
        visuals.panel_fill = Color32::from_rgb(0xFB, 0xFB, 0xFC);
        visuals.window_fill = Color32::WHITE;
        visuals.extreme_bg_color = Color32::WHITE;
    }
    ctx.set_visuals(visuals);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::new(19.0, strong_family())),
            (TextStyle::Body, FontId::proportional(14.0)),
            (TextStyle::Button, FontId::proportional(14.0)),
            (TextStyle::Small, FontId::proportional(11.5)),
            (TextStyle::Monospace, FontId::monospace(13.0)),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 22.0;
    });
}

/// Installs fonts: egui's bundled ones, plus (when `system` is true and one is installed) the
/// faces [`FontSet::system`] finds through fontdb — a regular and a strong sans-serif,
/// preferred over the bundled light face, and fallbacks for the scripts they lack (CJK,
/// Cyrillic, Greek, emoji…), tried before the bundled faces so a Japanese title is drawn
/// with glyphs. The [`strong_family`] always exists. Exports use the same faces.
pub fn install_fonts(ctx: &egui::Context, system: bool) {
    ctx.set_fonts(font_definitions(system.then(FontSet::system).flatten()));
}

/// egui's font definitions with the faces of `set` first (bundled faces only without one).
pub fn font_definitions(set: Option<&FontSet>) -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    let bundled: Vec<String> = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    let mut regular = bundled.clone();
    let mut strong = bundled;
    if let Some(set) = set {
        let mut add = |name: String, face: &Face| {
            let mut data = FontData::from_owned(face.data.as_ref().clone());
            data.index = face.index;
            fonts.font_data.insert(name.clone(), Arc::new(data));
            name
        };
        let fallbacks: Vec<String> = set
            .fallbacks()
            .iter()
            .enumerate()
            .map(|(k, f)| add(format!("fallback-{k}"), f))
            .collect();
        let main = add("system-regular".into(), &set.regular);
        let bold = add("system-strong".into(), &set.strong);
        regular.splice(0..0, std::iter::once(main).chain(fallbacks.iter().cloned()));
        strong.splice(0..0, std::iter::once(bold).chain(fallbacks));
    }
    fonts.families.insert(FontFamily::Proportional, regular);
    fonts.families.insert(strong_family(), strong);
    fonts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether text in `family` has a glyph for every character of `s` once `defs` are in.
    fn has_glyphs(defs: FontDefinitions, family: FontFamily, s: &str) -> bool {
        let ctx = egui::Context::default();
        ctx.set_fonts(defs);
        let mut out = ctx.run_pass(egui::RawInput::default(), |_| {});
        let has = ctx.fonts_mut(|f| f.has_glyphs(&FontId::new(14.0, family), s));
        out.textures_delta.clear();
        has
    }

    #[test]
    fn a_japanese_title_is_drawn_with_glyphs_not_boxes() {
        let japanese = "日本語のタイトル";
        // egui's bundled faces have no CJK: this is what drew boxes before.
        assert!(!has_glyphs(
            font_definitions(None),
            FontFamily::Proportional,
            japanese
        ));
        let set = FontSet::system().expect("a font is installed (see .ci/run)");
        for family in [FontFamily::Proportional, strong_family()] {
            assert!(has_glyphs(font_definitions(Some(set)), family, japanese));
        }
    }
}
