//! Colours, fonts and egui style for Fulcrum's light and dark themes.
//!
//! One [`Palette`] per theme holds every colour the canvas and panels paint with, so no
//! other module hard-codes a colour. Fonts: the bundled egui fonts always work; on a desktop
//! run, a heavier system sans-serif (when one is installed) is preferred because thin type
//! washes out on a projector. This module must not know about maps beyond [`NodeKind`] and
//! [`Rag`].

use std::sync::Arc;

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, TextStyle};

use crate::engine::Rag;
use crate::model::NodeKind;

/// The light or dark look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark text on a pale canvas (the default: best on projectors).
    #[default]
    Light,
    /// Light text on a dark canvas.
    Dark,
    /// For a projector (presentation mode): white canvas, black text, strong edges and
    /// borders, so nothing washes out.
    Projector,
}

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
    /// Soft drop shadow under cards.
    pub shadow: Color32,
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
    /// Background of a sticky note card.
    pub note_card: Color32,
    dark: bool,
}

impl Palette {
    /// The palette of a theme.
    pub fn of(theme: Theme) -> Self {
        match theme {
            Theme::Light => Self {
                canvas: Color32::from_rgb(0xF3, 0xF4, 0xF7),
                card: Color32::WHITE,
                card_border: Color32::from_rgb(0xD5, 0xD9, 0xE0),
                shadow: Color32::from_black_alpha(28),
                text: Color32::from_rgb(0x15, 0x1B, 0x26),
                muted: Color32::from_rgb(0x5B, 0x64, 0x73),
                accent: Color32::from_rgb(0x25, 0x63, 0xEB),
                edge: Color32::from_rgb(0xA3, 0xAB, 0xB8),
                link: Color32::from_rgb(0x7C, 0x3A, 0xED),
                danger: Color32::from_rgb(0xDC, 0x26, 0x26),
                drop_ok: Color32::from_rgb(0x16, 0xA3, 0x4A),
                highlight: Color32::from_rgb(0xFA, 0xCC, 0x15),
                note_card: Color32::from_rgb(0xFF, 0xF7, 0xD6),
                dark: false,
            },
            Theme::Projector => Self {
                canvas: Color32::WHITE,
                card: Color32::WHITE,
                card_border: Color32::from_rgb(0x33, 0x3A, 0x45),
                shadow: Color32::TRANSPARENT,
                text: Color32::BLACK,
                muted: Color32::from_rgb(0x30, 0x36, 0x40),
                accent: Color32::from_rgb(0x1D, 0x4E, 0xD8),
                edge: Color32::from_rgb(0x44, 0x4B, 0x55),
                link: Color32::from_rgb(0x5B, 0x21, 0xB6),
                danger: Color32::from_rgb(0xB9, 0x1C, 0x1C),
                drop_ok: Color32::from_rgb(0x15, 0x80, 0x3D),
                highlight: Color32::from_rgb(0xCA, 0x8A, 0x04),
                note_card: Color32::from_rgb(0xFF, 0xF7, 0xD6),
                dark: false,
            },
            Theme::Dark => Self {
                canvas: Color32::from_rgb(0x14, 0x17, 0x1D),
                card: Color32::from_rgb(0x22, 0x27, 0x30),
                card_border: Color32::from_rgb(0x3A, 0x41, 0x4D),
                shadow: Color32::from_black_alpha(90),
                text: Color32::from_rgb(0xE8, 0xEB, 0xF0),
                muted: Color32::from_rgb(0x9A, 0xA3, 0xB2),
                accent: Color32::from_rgb(0x60, 0xA5, 0xFA),
                edge: Color32::from_rgb(0x55, 0x5E, 0x6C),
                link: Color32::from_rgb(0xA7, 0x8B, 0xFA),
                danger: Color32::from_rgb(0xF8, 0x71, 0x71),
                drop_ok: Color32::from_rgb(0x4A, 0xDE, 0x80),
                highlight: Color32::from_rgb(0xFA, 0xCC, 0x15),
                note_card: Color32::from_rgb(0x3A, 0x34, 0x22),
                dark: true,
            },
        }
    }

    /// The colour that identifies a node kind (header glyph, tint, fold badge).
    pub fn kind(&self, kind: NodeKind) -> Color32 {
        let (light, dark) = match kind {
            NodeKind::Metric => ((0x25, 0x63, 0xEB), (0x60, 0xA5, 0xFA)),
            NodeKind::Outcome => ((0x7C, 0x3A, 0xED), (0xA7, 0x8B, 0xFA)),
            NodeKind::Opportunity => ((0x08, 0x91, 0xB2), (0x22, 0xD3, 0xEE)),
            NodeKind::Solution => ((0x15, 0x80, 0x3D), (0x4A, 0xDE, 0x80)),
            NodeKind::Assumption => ((0xC2, 0x41, 0x0C), (0xFB, 0x92, 0x3C)),
            NodeKind::Test => ((0xBE, 0x18, 0x5D), (0xF4, 0x72, 0xB6)),
            NodeKind::Note => ((0x85, 0x6A, 0x0E), (0xFA, 0xCC, 0x15)),
        };
        let (r, g, b) = if self.dark { dark } else { light };
        Color32::from_rgb(r, g, b)
    }

    /// A faint wash of the kind colour, for card headers and far-zoom blocks.
    pub fn kind_tint(&self, kind: NodeKind) -> Color32 {
        let alpha = if self.dark { 0.22 } else { 0.10 };
        blend(self.card_for(kind), self.kind(kind), alpha)
    }

    /// The card surface of a kind (notes look like sticky notes).
    pub fn card_for(&self, kind: NodeKind) -> Color32 {
        if kind == NodeKind::Note {
            self.note_card
        } else {
            self.card
        }
    }

    /// Red/amber/green.
    pub fn rag(&self, rag: Rag) -> Color32 {
        match (rag, self.dark) {
            (Rag::Green, false) => Color32::from_rgb(0x16, 0xA3, 0x4A),
            (Rag::Amber, false) => Color32::from_rgb(0xE0, 0x8E, 0x0B),
            (Rag::Red, false) => Color32::from_rgb(0xDC, 0x26, 0x26),
            (Rag::Green, true) => Color32::from_rgb(0x4A, 0xDE, 0x80),
            (Rag::Amber, true) => Color32::from_rgb(0xFB, 0xBF, 0x24),
            (Rag::Red, true) => Color32::from_rgb(0xF8, 0x71, 0x71),
        }
    }
}

/// `a` mixed with `t` of `b` (0 = all `a`), opaque.
pub fn blend(a: Color32, b: Color32, t: f32) -> Color32 {
    let mix = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
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

/// Installs fonts: egui's bundled ones, plus (when `system` is true and one is installed) a
/// regular and a bold system sans-serif, preferred over the bundled light face. The
/// [`strong_family`] always exists.
pub fn install_fonts(ctx: &egui::Context, system: bool) {
    let mut fonts = FontDefinitions::default();
    let bundled: Vec<String> = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    let mut strong = bundled;
    if let Some((regular, bold)) = system.then(system_sans).flatten() {
        fonts.font_data.insert(
            "system-regular".into(),
            Arc::new(FontData::from_owned(regular)),
        );
        if let Some(list) = fonts.families.get_mut(&FontFamily::Proportional) {
            list.insert(0, "system-regular".into());
        }
        strong.insert(0, "system-regular".into());
        if let Some(bold) = bold {
            fonts
                .font_data
                .insert("system-bold".into(), Arc::new(FontData::from_owned(bold)));
            strong.insert(0, "system-bold".into());
        }
    }
    fonts.families.insert(strong_family(), strong);
    ctx.set_fonts(fonts);
}

/// Regular and bold faces of one installed sans-serif family, tried in order of preference.
const SYSTEM_SANS: &[(&str, &str)] = &[
    (
        "/usr/share/fonts/truetype/inter/Inter-Regular.ttf",
        "/usr/share/fonts/truetype/inter/Inter-SemiBold.ttf",
    ),
    (
        "/usr/share/fonts/opentype/inter/Inter-Regular.otf",
        "/usr/share/fonts/opentype/inter/Inter-SemiBold.otf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-SemiBold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
];

/// The first installed family of [`SYSTEM_SANS`]: its regular face and, if present, its bold.
fn system_sans() -> Option<(Vec<u8>, Option<Vec<u8>>)> {
    SYSTEM_SANS.iter().find_map(|(regular, bold)| {
        let regular = std::fs::read(regular).ok()?;
        Some((regular, std::fs::read(bold).ok()))
    })
}
