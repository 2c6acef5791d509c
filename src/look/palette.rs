//! Colours as plain values for Fulcrum's three themes (light, dark, projector): every colour
//! the canvas, the panels and the exports paint with, so no other module hard-codes one. The
//! app turns these into egui colours (`ui/theme.rs`); the SVG writer writes them as hex.

use super::draw::Rgba;
use crate::engine::Rag;
use crate::model::NodeKind;

/// The light, dark or projector look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark text on a pale canvas (the default).
    #[default]
    Light,
    /// Light text on a dark canvas.
    Dark,
    /// For a projector (presentation mode): white canvas, black text, strong edges and
    /// borders, so nothing washes out.
    Projector,
}

impl Theme {
    /// Every theme, in menu order.
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::Projector];

    /// Its name on the command line and in menus: `light`, `dark`, `projector`.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Projector => "projector",
        }
    }

    /// The theme of a name (`light`, `dark`, `projector`).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Every colour Fulcrum paints with, for one theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// Canvas background.
    pub canvas: Rgba,
    /// Card surface.
    pub card: Rgba,
    /// Card outline.
    pub card_border: Rgba,
    /// Soft drop shadow under cards.
    pub shadow: Rgba,
    /// Main text.
    pub text: Rgba,
    /// Secondary text (labels, targets, owners).
    pub muted: Rgba,
    /// Selection outline and focus accents.
    pub accent: Rgba,
    /// Tree edges.
    pub edge: Rgba,
    /// Dashed links between trees.
    pub link: Rgba,
    /// Errors, invalid drops.
    pub danger: Rgba,
    /// Valid drop target outline.
    pub drop_ok: Rgba,
    /// Search hit highlight.
    pub highlight: Rgba,
    /// Background of a sticky note card.
    pub note_card: Rgba,
    /// Whether this is a dark theme (light text on dark).
    pub dark: bool,
}

impl Palette {
    /// The palette of a theme.
    pub fn of(theme: Theme) -> Self {
        match theme {
            Theme::Light => Self {
                canvas: Rgba::rgb(0xF3, 0xF4, 0xF7),
                card: Rgba::WHITE,
                card_border: Rgba::rgb(0xD5, 0xD9, 0xE0),
                shadow: Rgba::black_alpha(28),
                text: Rgba::rgb(0x15, 0x1B, 0x26),
                muted: Rgba::rgb(0x5B, 0x64, 0x73),
                accent: Rgba::rgb(0x25, 0x63, 0xEB),
                edge: Rgba::rgb(0xA3, 0xAB, 0xB8),
                link: Rgba::rgb(0x7C, 0x3A, 0xED),
                danger: Rgba::rgb(0xDC, 0x26, 0x26),
                drop_ok: Rgba::rgb(0x16, 0xA3, 0x4A),
                highlight: Rgba::rgb(0xFA, 0xCC, 0x15),
                note_card: Rgba::rgb(0xFF, 0xF7, 0xD6),
                dark: false,
            },
            Theme::Projector => Self {
                canvas: Rgba::WHITE,
                card: Rgba::WHITE,
                card_border: Rgba::rgb(0x33, 0x3A, 0x45),
                shadow: Rgba::TRANSPARENT,
                text: Rgba::BLACK,
                muted: Rgba::rgb(0x30, 0x36, 0x40),
                accent: Rgba::rgb(0x1D, 0x4E, 0xD8),
                edge: Rgba::rgb(0x44, 0x4B, 0x55),
                link: Rgba::rgb(0x5B, 0x21, 0xB6),
                danger: Rgba::rgb(0xB9, 0x1C, 0x1C),
                drop_ok: Rgba::rgb(0x15, 0x80, 0x3D),
                highlight: Rgba::rgb(0xCA, 0x8A, 0x04),
                note_card: Rgba::rgb(0xFF, 0xF7, 0xD6),
                dark: false,
            },
            Theme::Dark => Self {
                canvas: Rgba::rgb(0x14, 0x17, 0x1D),
                card: Rgba::rgb(0x22, 0x27, 0x30),
                card_border: Rgba::rgb(0x3A, 0x41, 0x4D),
                shadow: Rgba::black_alpha(90),
                text: Rgba::rgb(0xE8, 0xEB, 0xF0),
                muted: Rgba::rgb(0x9A, 0xA3, 0xB2),
                accent: Rgba::rgb(0x60, 0xA5, 0xFA),
                edge: Rgba::rgb(0x55, 0x5E, 0x6C),
                link: Rgba::rgb(0xA7, 0x8B, 0xFA),
                danger: Rgba::rgb(0xF8, 0x71, 0x71),
                drop_ok: Rgba::rgb(0x4A, 0xDE, 0x80),
                highlight: Rgba::rgb(0xFA, 0xCC, 0x15),
                note_card: Rgba::rgb(0x3A, 0x34, 0x22),
                dark: true,
            },
        }
    }

    /// The colour that identifies a node kind (header glyph, tint, fold badge).
    pub fn kind(&self, kind: NodeKind) -> Rgba {
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
        Rgba::rgb(r, g, b)
    }

    /// A faint wash of the kind colour, for card headers and far-zoom blocks.
    pub fn kind_tint(&self, kind: NodeKind) -> Rgba {
        let alpha = if self.dark { 0.22 } else { 0.10 };
        self.card_for(kind).blend(self.kind(kind), alpha)
    }

    /// The card surface of a kind (notes look like sticky notes).
    pub fn card_for(&self, kind: NodeKind) -> Rgba {
        if kind == NodeKind::Note {
            self.note_card
        } else {
            self.card
        }
    }

    /// Red/amber/green.
    pub fn rag(&self, rag: Rag) -> Rgba {
        match (rag, self.dark) {
            (Rag::Green, false) => Rgba::rgb(0x16, 0xA3, 0x4A),
            (Rag::Amber, false) => Rgba::rgb(0xE0, 0x8E, 0x0B),
            (Rag::Red, false) => Rgba::rgb(0xDC, 0x26, 0x26),
            (Rag::Green, true) => Rgba::rgb(0x4A, 0xDE, 0x80),
            (Rag::Amber, true) => Rgba::rgb(0xFB, 0xBF, 0x24),
            (Rag::Red, true) => Rgba::rgb(0xF8, 0x71, 0x71),
        }
    }
}
