//! PNG: the picture's SVG (without embedded fonts) rasterised by resvg at `scale` pixels per
//! world unit, with exactly Fulcrum's faces in resvg's font database — resvg silently drops
//! text no font matches, so the faces are handed over rather than looked up again.
//!
//! Reading the SVG (usvg lays out every text) costs more than drawing it, so a picture of
//! many cards is cut in two strips along its long side, each read and drawn on its own
//! thread from an SVG of only the cards that reach into it; each strip's pixels are drawn
//! from the same shapes, in the same order and at the same coordinates as in one piece.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::fonts::{FontMeasure, FontSet};
use super::picture::{PlacedCard, fonts, picture_compiled};
use super::svg::write_svg;
use super::{ExportError, ExportOptions};
use crate::engine::Program;
use crate::look::card::CARD_W;
use crate::model::Map;

/// The most pixels a PNG may have (about 1 GB of RGBA while it is drawn).
const MAX_PIXELS: u64 = 250_000_000;
/// The longest side of a PNG, in pixels: many viewers and slide tools refuse larger images,
/// so a bigger picture is scaled down to fit (SVG and PDF keep every detail).
pub const MAX_SIDE_PX: f32 = 16_384.0;
/// Below this many cards a picture is drawn in one piece (a second thread would not pay).
const MIN_CARDS_TO_SPLIT: usize = 64;
/// Above this many pixels a picture is drawn in one piece: each strip is drawn into an
/// image of the whole size, and two of those must fit in memory (2 × 128 MB here).
const MAX_PIXELS_TO_SPLIT: u64 = 32_000_000;
/// How far a card's drawing reaches outside its box (its shadow, anti-aliasing), in world
/// units: a card this close to a strip is drawn in it too.
const CARD_BLEED: f32 = 8.0;

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

/// Reads an SVG this module wrote.
fn parse(svg: &str, set: &FontSet) -> Result<usvg::Tree, ExportError> {
    let opt = usvg::Options {
        fontdb: font_db(set),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &opt).map_err(|e| ExportError::Render(e.to_string()))
}

/// The parsed SVG of a map's picture, with its size in world units.
pub(super) fn tree(
    map: &Map,
    program: Option<Program>,
    options: &ExportOptions,
) -> Result<usvg::Tree, ExportError> {
    let set = fonts()?;
    let mut m = FontMeasure::new(set);
    let pic = picture_compiled(map, program, options, &mut m)?;
    let svg = write_svg(&pic, &mut m, map.title(), false, |_| true).into_string();
    parse(&svg, set)
}

/// The map as a PNG image at `options.scale` pixels per world unit, its longest side at most
/// [`MAX_SIDE_PX`].
pub fn png(map: &Map, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    png_compiled(map, None, options)
}

/// [`png`], over the map's `program` when it was compiled already.
pub(super) fn png_compiled(
    map: &Map,
    program: Option<Program>,
    options: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    let set = fonts()?;
    let mut m = FontMeasure::new(set);
    let pic = picture_compiled(map, program, options, &mut m)?;
    let scale = if options.scale.is_finite() && options.scale > 0.0 {
        options.scale
    } else {
        1.0
    };
    // The size the SVG states (usvg's `Tree::size`).
    let (width, height) = (pic.width.ceil(), pic.height.ceil());
    let scale = scale.min(MAX_SIDE_PX / width.max(height));
    let w = (width * scale).ceil().max(1.0) as u32;
    let h = (height * scale).ceil().max(1.0) as u32;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ExportError::TooLarge(w, h));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let split = threads > 1
        && pic.cards.len() >= MIN_CARDS_TO_SPLIT
        && u64::from(w) * u64::from(h) <= MAX_PIXELS_TO_SPLIT;
    // Strips across the long side: pixel ranges [from, to) and the SVG of what reaches them.
    let across = w >= h;
    let long = if across { w } else { h };
    let cuts: Vec<(u32, u32)> = if split {
        vec![(0, long / 2), (long / 2, long)]
    } else {
        vec![(0, long)]
    };
    let svgs: Vec<String> = cuts
        .iter()
        .map(|&(from, to)| {
            let (lo, hi) = (from as f32 / scale, to as f32 / scale);
            let reaches = |c: &PlacedCard<'_>| {
                let (start, end) = if across {
                    (c.at.x, c.at.x + CARD_W)
                } else {
                    (c.at.y, c.at.y + c.height)
                };
                start - CARD_BLEED < hi && end + CARD_BLEED > lo
            };
            write_svg(&pic, &mut m, map.title(), false, reaches).into_string()
        })
        .collect();
    // Each strip is drawn into an image of the whole size at the whole picture's transform
    // (only its own cards are in its SVG, so the rest of it stays empty): the same
    // coordinates as in one piece, so the same pixels, not merely close ones.
    let transform = tiny_skia::Transform::from_scale(scale, scale);
    let drawn: Vec<Result<tiny_skia::Pixmap, ExportError>> = std::thread::scope(|scope| {
        let jobs: Vec<_> = svgs
            .iter()
            .map(|svg| {
                scope.spawn(move || {
                    let tree = parse(svg, set)?;
                    let mut pixmap =
                        tiny_skia::Pixmap::new(w, h).ok_or(ExportError::TooLarge(w, h))?;
                    resvg::render(&tree, transform, &mut pixmap.as_mut());
                    Ok(pixmap)
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut drawn = drawn.into_iter();
    let mut pixmap = drawn.next().ok_or(ExportError::Empty)??;
    for (&(from, to), strip) in cuts.iter().skip(1).zip(drawn) {
        // The rest of the image is the other strips' pixels, copied from where they were
        // drawn (the strips do not overlap).
        let strip = strip?;
        let (from, to) = (from as usize, to as usize);
        let full = w as usize * 4;
        let data = pixmap.data_mut();
        if across {
            for (mine, theirs) in data
                .chunks_exact_mut(full)
                .zip(strip.data().chunks_exact(full))
            {
                mine[from * 4..to * 4].copy_from_slice(&theirs[from * 4..to * 4]);
            }
        } else {
            data[from * full..to * full].copy_from_slice(&strip.data()[from * full..to * full]);
        }
    }
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Render(e.to_string()))
}
