//! Pure tidy-tree layout for KPI driver trees and opportunity solution trees.
//!
//! This module turns a [`Forest`] — card sizes plus ordered child lists — into
//! card positions ([`Layout`]). It implements A. van der Ploeg's *non-layered*
//! tidy tree ("Drawing non-layered tidy trees in linear time", Software:
//! Practice and Experience, 2014): every child starts [`Spacing::level_gap`]
//! after its own parent's far edge (rather than on a shared per-depth row),
//! so cards of very different heights do not waste space, and neighbouring
//! subtrees are packed along their contours with at least
//! [`Spacing::sibling_gap`] between cards, so a small subtree can tuck in
//! next to the narrow part of a wide neighbour.
//!
//! Properties the implementation guarantees (and the tests check):
//! * no two cards overlap;
//! * every parent is centred over its first and last child;
//! * every child is at least `level_gap` below (top-down) or to the right
//!   (left-right) of its parent, and children keep their order;
//! * trees are placed side by side along x, `tree_gap` apart, top-aligned at
//!   `y = 0` (left-right trees too);
//! * output is deterministic (bit-identical for identical input);
//! * `O(n)` time and no recursion anywhere, so a 100 000-level chain or a
//!   node with 100 000 children lays out on a 2 MB stack.
//!
//! This module is deliberately self-contained: it must **not** import `egui`
//! or the map model (or any other `fulcrum` module). Callers convert their
//! model into a [`Forest`] and convert [`Point`]/[`Rect`] back into their own
//! geometry types.

mod grid;
mod tidy;

#[cfg(test)]
mod tests;

pub use grid::GridIndex;

/// Width and height of a card, in layout units (logical pixels).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Size {
    /// Width (extent along x).
    pub w: f32,
    /// Height (extent along y).
    pub h: f32,
}

impl Size {
    /// Creates a size from width and height.
    pub const fn new(w: f32, h: f32) -> Self {
        Self { w, h }
    }
}

/// A point in layout space; x grows to the right, y grows downwards.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    /// Horizontal coordinate.
    pub x: f32,
    /// Vertical coordinate (down is positive).
    pub y: f32,
}

impl Point {
    /// Creates a point from its coordinates.
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned rectangle given by its top-left (`min`) and bottom-right
/// (`max`) corners.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Rect {
    /// Top-left corner.
    pub min: Point,
    /// Bottom-right corner.
    pub max: Point,
}

impl Rect {
    /// Creates a rectangle from its top-left corner and its size.
    pub fn from_min_size(min: Point, size: Size) -> Self {
        Self {
            min,
            max: Point::new(min.x + size.w, min.y + size.h),
        }
    }

    /// Whether the interiors of `self` and `other` overlap.
    ///
    /// This is strict: rectangles that merely touch along an edge or at a
    /// corner do not intersect.
    pub fn intersects(&self, other: &Rect) -> bool {
        self.min.x < other.max.x
            && other.min.x < self.max.x
            && self.min.y < other.max.y
            && other.min.y < self.max.y
    }

    /// Extent along x (`max.x - min.x`).
    pub fn width(&self) -> f32 {
        self.max.x - self.min.x
    }

    /// Extent along y (`max.y - min.y`).
    pub fn height(&self) -> f32 {
        self.max.y - self.min.y
    }

    /// The centre point.
    pub fn center(&self) -> Point {
        Point::new(
            (self.min.x + self.max.x) * 0.5,
            (self.min.y + self.max.y) * 0.5,
        )
    }

    /// Smallest rectangle containing both `self` and `other`.
    pub fn union(&self, other: &Rect) -> Rect {
        Rect {
            min: Point::new(self.min.x.min(other.min.x), self.min.y.min(other.min.y)),
            max: Point::new(self.max.x.max(other.max.x), self.max.y.max(other.max.y)),
        }
    }
}

/// Direction in which a tree grows from its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Root at the top, children below, siblings ordered left to right.
    #[default]
    TopDown,
    /// Root at the left, children to the right, siblings ordered top to
    /// bottom.
    LeftRight,
}

/// Gaps between cards, in layout units.
///
/// Negative or non-finite values are treated as `0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spacing {
    /// Minimum gap, across the breadth axis, between cards of neighbouring
    /// subtrees (x for top-down trees, y for left-right trees).
    pub sibling_gap: f32,
    /// Gap along the depth axis between a parent's far edge and its
    /// children (y for top-down trees, x for left-right trees).
    pub level_gap: f32,
    /// Horizontal gap between the bounding boxes of consecutive trees.
    pub tree_gap: f32,
}

impl Default for Spacing {
    fn default() -> Self {
        Self {
            sibling_gap: 24.0,
            level_gap: 56.0,
            tree_gap: 96.0,
        }
    }
}

/// A forest to lay out: node `i` has size `sizes[i]` and ordered children
/// `children[i]` (indices into `sizes`).
///
/// The layout is forgiving about malformed input and never panics on it:
/// * `children` may be shorter than `sizes` (missing entries mean "no
///   children"); child indices `>= sizes.len()` are ignored;
/// * a node is claimed by the first root (in `roots` order) from which it
///   is reachable, and within that tree by the first of its parents to be
///   visited (depth-first, children in order); other references to it —
///   shared children, back edges of cycles, repeated roots — are ignored;
/// * negative or non-finite sizes are treated as `0`, and sizes are clamped
///   to at most `1e9`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Forest {
    /// Card size of each node.
    pub sizes: Vec<Size>,
    /// Ordered children of each node.
    pub children: Vec<Vec<usize>>,
    /// Tree roots, in left-to-right placement order, each with its
    /// orientation.
    pub roots: Vec<(usize, Orientation)>,
}

impl Forest {
    /// Sanitised size of node `i` (`Size::default()` when out of range), as
    /// used by the layout.
    pub fn size(&self, i: usize) -> Size {
        self.sizes.get(i).map_or(Size::default(), |s| {
            Size::new(sanitize_f32(s.w), sanitize_f32(s.h))
        })
    }
}

/// Result of [`layout`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Top-left corner of each node's card (one per entry of
    /// [`Forest::sizes`]); never NaN. Nodes not reachable from any root are
    /// at `(0, 0)` and have `placed[i] == false`.
    pub positions: Vec<Point>,
    /// Whether node `i` was reached from a root and positioned.
    pub placed: Vec<bool>,
    /// Bounding box of each tree, one per entry of [`Forest::roots`]. A root
    /// that is out of range or already claimed by an earlier tree gets an
    /// empty rectangle at the position where its tree would have started.
    pub tree_bounds: Vec<Rect>,
    /// Bounding box of all trees (`Rect::default()` for an empty forest).
    pub bounds: Rect,
}

impl Layout {
    /// The card rectangle of node `i` (`Rect::default()` when out of range).
    pub fn rect(&self, forest: &Forest, i: usize) -> Rect {
        match self.positions.get(i) {
            Some(&p) => Rect::from_min_size(p, forest.size(i)),
            None => Rect::default(),
        }
    }
}

/// Lays out every tree of `forest`.
///
/// Runs in `O(n)` time and `O(n)` memory without recursion. See the module
/// documentation for the guarantees.
pub fn layout(forest: &Forest, spacing: &Spacing) -> Layout {
    tidy::layout_forest(forest, spacing)
}

/// Indices (ascending) of the placed nodes whose card rectangle intersects
/// `view` (strictly, see [`Rect::intersects`]).
///
/// This is a linear scan; for repeated queries on a large, unchanged layout
/// build a [`GridIndex`] instead.
pub fn visible(layout: &Layout, forest: &Forest, view: Rect) -> Vec<usize> {
    (0..layout.positions.len())
        .filter(|&i| layout.placed.get(i).copied().unwrap_or(false))
        .filter(|&i| layout.rect(forest, i).intersects(&view))
        .collect()
}

/// Largest card size or gap accepted; larger values are clamped to it.
const MAX_EXTENT: f32 = 1e9;

/// Maps negative, NaN and infinite values to `0` and clamps to
/// [`MAX_EXTENT`].
fn sanitize_f32(v: f32) -> f32 {
    if v.is_finite() && v > 0.0 {
        v.min(MAX_EXTENT)
    } else {
        0.0
    }
}
