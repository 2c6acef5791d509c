//! PDF: the picture's SVG drawn onto one page by krilla-svg (krilla is the maintained PDF
//! writer now that svg2pdf is archived): vector shapes, and text as real text in embedded
//! subset fonts, so it is searchable and selectable. Pages are capped at 14,400 pt a side,
//! the largest PDF viewers accept; a larger map is scaled down to fit.

use krilla::Document;
use krilla::geom::Size;
use krilla::page::PageSettings;
use krilla_svg::{SurfaceExt, SvgSettings};

use super::png::tree;
use super::{ExportError, ExportOptions};
use crate::engine::Program;
use crate::model::Map;

/// The largest page side PDF viewers accept, in points.
const MAX_SIDE_PT: f32 = 14_400.0;

/// The map as a one-page vector PDF with searchable text.
pub fn pdf(map: &Map, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    pdf_compiled(map, None, options)
}

/// [`pdf`], over the map's `program` when it was compiled already.
pub(super) fn pdf_compiled(
    map: &Map,
    program: Option<Program>,
    options: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    let tree = tree(map, program, options)?;
    let size = tree.size();
    let fit = (MAX_SIDE_PT / size.width().max(size.height())).min(1.0);
    let (w, h) = (size.width() * fit, size.height() * fit);
    let page_size = Size::from_wh(w, h).ok_or(ExportError::Empty)?;
    let mut document = Document::new();
    {
        let mut page = document.start_page_with(PageSettings::new(page_size));
        let mut surface = page.surface();
        surface
            .draw_svg(&tree, page_size, SvgSettings::default())
            .ok_or_else(|| ExportError::Render("the SVG could not be drawn to PDF".into()))?;
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| ExportError::Render(format!("{e:?}")))
}
