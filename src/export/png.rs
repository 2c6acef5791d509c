//! PNG: the picture's SVG (without embedded fonts) rasterised by resvg at `scale` pixels per
//! world unit, with exactly Fulcrum's faces in resvg's font database — resvg silently drops
//! text no font matches, so the faces are handed over rather than looked up again.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::fonts::{FontMeasure, FontSet};
use super::picture::{fonts, picture};
use super::svg::write_svg;
use super::{ExportError, ExportOptions};
use crate::model::Map;

/// The most pixels a PNG may have (about 1 GB of RGBA while it is drawn).
const MAX_PIXELS: u64 = 250_000_000;
/// The longest side of a PNG, in pixels: many viewers and slide tools refuse larger images,
/// so a bigger picture is scaled down to fit (SVG and PDF keep every detail).
pub const MAX_SIDE_PX: f32 = 16_384.0;

/// A font database holding exactly the faces of `set`.
pub(super) fn font_db(set: &FontSet) -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for face in set.faces() {
            let data: Arc<dyn AsRef<[u8]> + Send + Sync> = face.data.clone();
            db.load_font_source(usvg::fontdb::Source::Binary(data));
        }
        db.set_sans_serif_family(set.regular.family.clone());
        Arc::new(db)
    })
    .clone()
}

/// The parsed SVG of a map's picture, with its size in world units.
pub(super) fn tree(map: &Map, options: &ExportOptions) -> Result<usvg::Tree, ExportError> {
    let set = fonts()?;
    let mut m = FontMeasure::new(set);
    let pic = picture(map, options, &mut m)?;
    let svg = write_svg(&pic, &mut m, map.title(), false);
    let opt = usvg::Options {
        fontdb: font_db(set),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(&svg, &opt).map_err(|e| ExportError::Render(e.to_string()))
}

/// The map as a PNG image at `options.scale` pixels per world unit, its longest side at most
/// [`MAX_SIDE_PX`].
pub fn png(map: &Map, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let tree = tree(map, options)?;
    let scale = if options.scale.is_finite() && options.scale > 0.0 {
        options.scale
    } else {
        1.0
    };
    let size = tree.size();
    let scale = scale.min(MAX_SIDE_PX / size.width().max(size.height()));
    let w = (size.width() * scale).ceil().max(1.0) as u32;
    let h = (size.height() * scale).ceil().max(1.0) as u32;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ExportError::TooLarge(w, h));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(ExportError::TooLarge(w, h))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Render(e.to_string()))
}
