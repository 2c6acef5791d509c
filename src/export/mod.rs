//! Pictures of a map: the whole map, one subtree or a chosen set of cards laid out as on the
//! canvas (`layout`'s tidy tree, [`crate::look::card`]'s drawing of each card) and written as
//! SVG with the faces it uses embedded as subsets (`svg.rs`, `sfnt.rs`), rasterised to PNG
//! with resvg (`png.rs`) or to a vector PDF with searchable text through krilla
//! (`pdf.rs`). Fonts come from fontdb (`fonts.rs`). The CLI and the app's export dialog call
//! the same entry points: [`svg`], [`png`], [`pdf`]. Never imports egui; never writes files.

pub mod fonts;
mod pdf;
mod picture;
mod png;
mod sfnt;
mod svg;
mod text;
pub(crate) mod xml;

use std::collections::HashSet;

pub use pdf::pdf;
pub use picture::{Picture, picture};
pub use png::png;
pub use svg::svg;

use crate::look::Theme;
use crate::model::NodeId;

/// Which nodes a picture shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Scope {
    /// Every tree of the map.
    #[default]
    Whole,
    /// One node and everything under it.
    Subtree(String),
    /// These nodes only (what is on screen); a node whose parent is not among them starts a
    /// tree of its own.
    Nodes(HashSet<NodeId>),
}

/// What to export and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// Which nodes.
    pub scope: Scope,
    /// Roll up under this scenario (the actuals when `None`).
    pub scenario: Option<String>,
    /// Roll up for this period (the current values when `None`).
    pub period: Option<String>,
    /// Colours.
    pub theme: Theme,
    /// Pixels per world unit for PNG (1 = the canvas at 100 %; 2 for crisp slides).
    pub scale: f32,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            scope: Scope::Whole,
            scenario: None,
            period: None,
            theme: Theme::Light,
            scale: 2.0,
        }
    }
}

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ExportError {
    /// `--root` names no node of the map.
    #[error("no node with id `{0}` in the map")]
    UnknownRoot(String),
    /// The scenario or period could not be rolled up.
    #[error("{0}")]
    Rollup(String),
    /// The period is not in the map's history.
    #[error("no period `{0}` in the map's history")]
    UnknownPeriod(String),
    /// There is nothing to draw.
    #[error("nothing to export: the map has no nodes")]
    Empty,
    /// No font face could be found on this machine.
    #[error("no sans-serif font is installed (install fonts-dejavu-core or any TrueType font)")]
    NoFont,
    /// The picture is too large to rasterise.
    #[error(
        "the picture is too large for PNG ({0} × {1} pixels); lower --scale or export a subtree"
    )]
    TooLarge(u32, u32),
    /// The renderer failed.
    #[error("could not render the picture: {0}")]
    Render(String),
}

/// The file formats pictures are written in, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PictureFormat {
    /// `.svg`.
    Svg,
    /// `.png`.
    Png,
    /// `.pdf`.
    Pdf,
}

impl PictureFormat {
    /// The format of a file name's extension (case-insensitive), if it is a picture.
    pub fn of_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(Self::Svg),
            "png" => Some(Self::Png),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    /// Its extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Png => "png",
            Self::Pdf => "pdf",
        }
    }
}

/// The bytes of a map's picture in `format`.
pub fn export_picture(
    map: &crate::model::Map,
    options: &ExportOptions,
    format: PictureFormat,
) -> Result<Vec<u8>, ExportError> {
    picture_bytes(map, None, options, format)
}

/// [`export_picture`] of a map whose program was compiled already — the one the loader
/// compiled while checking its formulas ([`crate::format::Loaded::program`]) — so that its
/// formulas are not compiled a second time (a tenth of a 100k-node SVG export).
pub fn export_picture_compiled(
    map: &crate::model::Map,
    program: crate::engine::Program,
    options: &ExportOptions,
    format: PictureFormat,
) -> Result<Vec<u8>, ExportError> {
    picture_bytes(map, Some(program), options, format)
}

fn picture_bytes(
    map: &crate::model::Map,
    program: Option<crate::engine::Program>,
    options: &ExportOptions,
    format: PictureFormat,
) -> Result<Vec<u8>, ExportError> {
    match format {
        PictureFormat::Svg => svg::svg_compiled(map, program, options).map(text::Out::into_bytes),
        PictureFormat::Png => png::png_compiled(map, program, options),
        PictureFormat::Pdf => pdf::pdf_compiled(map, program, options),
    }
}
