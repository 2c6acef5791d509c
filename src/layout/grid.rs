//! Uniform-grid spatial index over a finished [`Layout`], for fast
//! viewport culling of large maps.

use super::{Forest, Layout, Point, Rect};

/// A card spanning more cells than this is kept in a side list that every
/// query scans, so huge cards cannot blow up the index.
const MAX_CELLS_PER_ITEM: usize = 64;

/// Uniform-grid index of the placed cards of a [`Layout`].
///
/// Build it once per layout with [`GridIndex::new`] and call
/// [`GridIndex::query`] per frame; it returns the same indices as
/// [`super::visible`] in roughly `O(cards near the view)` time.
#[derive(Clone, Debug, Default)]
pub struct GridIndex {
    /// Top-left corner of cell (0, 0).
    origin: Point,
    /// Cell width.
    cell_w: f32,
    /// Cell height.
    cell_h: f32,
    /// Number of columns (>= 1 unless empty).
    cols: usize,
    /// Number of rows (>= 1 unless empty).
    rows: usize,
    /// `cell_start[c]..cell_start[c + 1]` is the range of `items` in cell
    /// `c` (row-major).
    cell_start: Vec<u32>,
    /// Node indices, grouped by cell.
    items: Vec<u32>,
    /// Nodes too large for the grid, scanned on every query.
    oversized: Vec<u32>,
    /// Card rectangle of each node (empty for unplaced nodes).
    rects: Vec<Rect>,
}

impl GridIndex {
    /// Indexes the placed cards of `layout`.
    pub fn new(layout: &Layout, forest: &Forest) -> Self {
        let n = layout.positions.len().min(u32::MAX as usize);
        let mut rects = Vec::with_capacity(n);
        let mut ids: Vec<u32> = Vec::with_capacity(n);
        let (mut sum_w, mut sum_h) = (0.0f64, 0.0f64);
        for i in 0..n {
            let r = layout.rect(forest, i);
            rects.push(r);
            if layout.placed.get(i).copied().unwrap_or(false) {
                ids.push(i as u32);
                sum_w += f64::from(r.width());
                sum_h += f64::from(r.height());
            }
        }
        if ids.is_empty() {
            return Self {
                rects,
                ..Self::default()
            };
        }
        let bounds = ids
            .iter()
            .map(|&i| rects[i as usize])
            .reduce(|a, b| a.union(&b))
            .unwrap_or_default();

        // Cells about twice the average card size, but no more cells than
        // a small multiple of the card count.
        let count = ids.len() as f64;
        let bw = f64::from(bounds.width()).max(1.0);
        let bh = f64::from(bounds.height()).max(1.0);
        let mut cell_w = (2.0 * sum_w / count).clamp(1.0, bw);
        let mut cell_h = (2.0 * sum_h / count).clamp(1.0, bh);
        let max_cells = (4.0 * count).max(1.0);
        let cells = (bw / cell_w).ceil() * (bh / cell_h).ceil();
        if cells > max_cells {
            let scale = (cells / max_cells).sqrt();
            cell_w = (cell_w * scale).min(bw);
            cell_h = (cell_h * scale).min(bh);
        }
        let cols = ((bw / cell_w).ceil() as usize).max(1);
        // Clamping `cell_w` above may have left too many rows.
        let max_rows = (max_cells / cols as f64).floor().max(1.0);
        let cell_h = cell_h.max(bh / max_rows);
        let rows = ((bh / cell_h).ceil() as usize).max(1);

        let mut index = Self {
            origin: bounds.min,
            cell_w: cell_w as f32,
            cell_h: cell_h as f32,
            cols,
            rows,
            cell_start: Vec::new(),
            items: Vec::new(),
            oversized: Vec::new(),
            rects,
        };

        // Counting sort of (cell, node) pairs into CSR form.
        let mut counts = vec![0u32; cols * rows + 1];
        let mut gridded: Vec<u32> = Vec::with_capacity(ids.len());
        for &i in &ids {
            let (c0, r0, c1, r1) = index.cell_range(&index.rects[i as usize]);
            if (c1 - c0 + 1) * (r1 - r0 + 1) > MAX_CELLS_PER_ITEM {
                index.oversized.push(i);
                continue;
            }
            gridded.push(i);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    counts[r * cols + c + 1] += 1;
                }
            }
        }
        for c in 1..counts.len() {
            counts[c] += counts[c - 1];
        }
        let total = counts.last().copied().unwrap_or(0) as usize;
        let mut fill = counts.clone();
        let mut items = vec![0u32; total];
        for &i in &gridded {
            let (c0, r0, c1, r1) = index.cell_range(&index.rects[i as usize]);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    let slot = &mut fill[r * cols + c];
                    items[*slot as usize] = i;
                    *slot += 1;
                }
            }
        }
        index.cell_start = counts;
        index.items = items;
        index
    }

    /// Indices (ascending) of the placed nodes whose card rectangle
    /// intersects `view` (strictly, see [`Rect::intersects`]).
    pub fn query(&self, view: Rect) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .oversized
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| self.rects[i].intersects(&view))
            .collect();
        if self.cols > 0 && self.rows > 0 {
            let (qc0, qr0, qc1, qr1) = self.cell_range(&view);
            for r in qr0..=qr1 {
                for c in qc0..=qc1 {
                    let cell = r * self.cols + c;
                    let range = self.cell_start[cell] as usize..self.cell_start[cell + 1] as usize;
                    for &i in &self.items[range] {
                        let rect = &self.rects[i as usize];
                        if !rect.intersects(&view) {
                            continue;
                        }
                        // Report each card once: from the first cell shared
                        // by the card and the query range.
                        let (c0, r0, _, _) = self.cell_range(rect);
                        if c == c0.max(qc0) && r == r0.max(qr0) {
                            out.push(i as usize);
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Inclusive (col0, row0, col1, row1) of the cells touched by `r`,
    /// clamped to the grid.
    fn cell_range(&self, r: &Rect) -> (usize, usize, usize, usize) {
        // Truncation equals `floor` for the non-negative values kept here;
        // `as` saturates, and negative or NaN offsets map to cell 0.
        let cell = |offset: f32, size: f32, count: usize| -> usize {
            let v = offset / size;
            let v = if v > 0.0 { v as usize } else { 0 };
            v.min(count - 1)
        };
        let col = |x: f32| cell(x - self.origin.x, self.cell_w, self.cols);
        let row = |y: f32| cell(y - self.origin.y, self.cell_h, self.rows);
        let (c0, c1) = (col(r.min.x), col(r.max.x));
        let (r0, r1) = (row(r.min.y), row(r.max.y));
        (c0.min(c1), r0.min(r1), c0.max(c1), r0.max(r1))
    }
}
