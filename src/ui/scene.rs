//! The scene: the visible (unfolded) nodes with their measured card sizes, their tidy
//! layout and a spatial index for culling, keyed on the document's generation and the fold
//! version and rebuilt only when that key changes (see [`super::derived`]). A card's rows
//! come from [`crate::look::card::card_size`] measured with cached glyph widths, so no text
//! is laid out for cards that are off screen. This module reads the map; it never edits or draws it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use egui::{Context, FontId};

use crate::layout::{self, Forest, GridIndex, Layout, Size, Spacing};
use crate::model::{LinkKind, Map, NodeId, Orientation};

use super::theme::strong_family;
use crate::look::card::{CARD_W, CardSize, Measure, TITLE_FONT, card_size};

/// Size the glyph widths are measured at (then divided down to ems).
const PROBE_SIZE: f32 = 64.0;

/// Measures card text with egui's fonts, as [`crate::look::card::Measure`] wants it: each
/// character's advance in ems, measured once per face and cached (ASCII in a table), so
/// sizing 100k cards lays out no text at all.
pub(crate) struct TextMeasure {
    ascii: RefCell<[[f32; 128]; 2]>,
    other: RefCell<HashMap<(char, bool), f32>>,
    line: [f32; 2],
    /// Height of one title line at zoom 1.
    pub line_height: f32,
}

impl TextMeasure {
    /// Measures with the fonts installed in `ctx`.
    pub fn new(ctx: &Context) -> Self {
        let (regular, strong) = (font(false), font(true));
        let mut ascii = [[0.0; 128]; 2];
        let line = ctx.fonts_mut(|f| {
            for (face, fid) in [&regular, &strong].into_iter().enumerate() {
                for (c, w) in ascii[face].iter_mut().enumerate().skip(32) {
                    *w = f.glyph_width(fid, char::from(c as u8)) / PROBE_SIZE;
                }
            }
            [
                f.row_height(&regular) / PROBE_SIZE,
                f.row_height(&strong) / PROBE_SIZE,
            ]
        });
        Self {
            ascii: RefCell::new(ascii),
            other: RefCell::new(HashMap::new()),
            line,
            line_height: line[1] * TITLE_FONT.size,
        }
    }

    fn advance(&self, ctx: &Context, c: char, strong: bool) -> f32 {
        let face = usize::from(strong);
        if let Some(w) = self.ascii.borrow()[face]
            .get(c as usize)
            .filter(|&&w| w > 0.0)
        {
            return *w;
        }
        if let Some(w) = self.other.borrow().get(&(c, strong)) {
            return *w;
        }
        let w = ctx.fonts_mut(|f| f.glyph_width(&font(strong), c)) / PROBE_SIZE;
        let mut other = self.other.borrow_mut();
        if other.len() > 100_000 {
            other.clear();
        }
        other.insert((c, strong), w);
        w
    }
}

fn font(strong: bool) -> FontId {
    if strong {
        FontId::new(PROBE_SIZE, strong_family())
    } else {
        FontId::proportional(PROBE_SIZE)
    }
}

/// [`TextMeasure`] with the context its fonts are in: what the card drawing measures with.
pub(crate) struct EguiMeasure<'a> {
    measure: &'a TextMeasure,
    ctx: &'a Context,
}

impl<'a> EguiMeasure<'a> {
    /// Measures through `measure`'s cache and `ctx`'s fonts.
    pub fn new(measure: &'a TextMeasure, ctx: &'a Context) -> Self {
        Self { measure, ctx }
    }
}

impl Measure for EguiMeasure<'_> {
    fn advance(&mut self, c: char, strong: bool) -> f32 {
        self.measure.advance(self.ctx, c, strong)
    }
    fn line_height(&mut self, strong: bool) -> f32 {
        self.measure.line[usize::from(strong)]
    }
}

/// The visible (unfolded) nodes, their card sizes and their layout.
pub(crate) struct Scene {
    generation: u64,
    fold_version: u64,
    /// Laid-out nodes, depth-first, trees in order.
    pub ids: Vec<NodeId>,
    /// Position of an id in `ids`.
    pub index: HashMap<NodeId, usize>,
    /// Each node's parent in `ids`.
    pub parent: Vec<Option<usize>>,
    /// The orientation of each node's tree.
    pub orientation: Vec<Orientation>,
    /// Number of children in the map (folded or not).
    pub child_count: Vec<u32>,
    /// Descendants hidden by folding this node (0 when unfolded).
    pub hidden: Vec<u32>,
    /// Title lines of each card.
    pub title_rows: Vec<u8>,
    /// Each card's rows (title lines, chip rows), which fix its height.
    pub card: Vec<CardSize>,
    /// Card sizes and structure handed to the layout.
    pub forest: Forest,
    /// Card positions (world units: points at zoom 1).
    pub layout: Layout,
    /// Spatial index over `layout` for culling.
    pub grid: GridIndex,
    /// Links whose both ends are laid out: (from, to, kind).
    pub links: Vec<(usize, usize, LinkKind)>,
}

impl Scene {
    /// Lays out every node of `map` not hidden under a node in `folded`.
    pub fn build(
        map: &Map,
        generation: u64,
        folded: &HashSet<NodeId>,
        fold_version: u64,
        measure: &TextMeasure,
        ctx: &Context,
    ) -> Self {
        let mut scene = Scene {
            generation,
            fold_version,
            ids: Vec::with_capacity(map.len()),
            index: HashMap::with_capacity(map.len()),
            parent: Vec::with_capacity(map.len()),
            orientation: Vec::with_capacity(map.len()),
            child_count: Vec::with_capacity(map.len()),
            hidden: Vec::with_capacity(map.len()),
            title_rows: Vec::with_capacity(map.len()),
            card: Vec::with_capacity(map.len()),
            forest: Forest::default(),
            layout: Layout::default(),
            grid: GridIndex::default(),
            links: Vec::new(),
        };
        let mut sizes = Vec::with_capacity(map.len());
        let mut children: Vec<Vec<usize>> = Vec::with_capacity(map.len());
        let mut roots = Vec::new();
        let mut m = EguiMeasure::new(measure, ctx);
        for root in map.roots() {
            let orientation = map
                .node(root.as_str())
                .and_then(|n| n.orientation)
                .unwrap_or_default();
            let mut stack: Vec<(&NodeId, Option<usize>)> = vec![(root, None)];
            while let Some((id, parent)) = stack.pop() {
                let Some(node) = map.node(id.as_str()) else {
                    continue;
                };
                let i = scene.ids.len();
                let kids = map.child_count(id.as_str());
                let is_folded = kids > 0 && folded.contains(id);
                let size = card_size(&mut m, map, id, node, None);
                sizes.push(Size::new(CARD_W, size.height(measure.line_height)));
                children.push(Vec::new());
                if let Some(p) = parent {
                    children[p].push(i);
                } else {
                    roots.push((i, layout_orientation(orientation)));
                }
                scene.index.insert(id.clone(), i);
                scene.ids.push(id.clone());
                scene.parent.push(parent);
                scene.orientation.push(orientation);
                scene.child_count.push(kids as u32);
                scene.title_rows.push(size.title_rows as u8);
                scene.card.push(size);
                if is_folded {
                    let hidden = map.subtree(id.as_str()).len().saturating_sub(1);
                    scene.hidden.push(hidden as u32);
                } else {
                    scene.hidden.push(0);
                    let kids: Vec<&NodeId> = map.children(id.as_str()).collect();
                    stack.extend(kids.into_iter().rev().map(|k| (k, Some(i))));
                }
            }
        }
        scene.forest = Forest {
            sizes,
            children,
            roots,
        };
        scene.layout = layout::layout(&scene.forest, &spacing());
        scene.grid = GridIndex::new(&scene.layout, &scene.forest);
        scene.links = map
            .links()
            .into_iter()
            .filter_map(|l| {
                let from = *scene.index.get(&l.from)?;
                let to = *scene.index.get(&l.to)?;
                Some((from, to, l.kind))
            })
            .collect();
        scene
    }

    /// Whether this scene is for this generation and fold state.
    pub fn is_for(&self, generation: u64, fold_version: u64) -> bool {
        self.generation == generation && self.fold_version == fold_version
    }

    /// The card rectangle of node `i` in world units.
    pub fn rect(&self, i: usize) -> egui::Rect {
        let r = self.layout.rect(&self.forest, i);
        egui::Rect::from_min_max(egui::pos2(r.min.x, r.min.y), egui::pos2(r.max.x, r.max.y))
    }

    /// The bounding box of every card in world units.
    pub fn bounds(&self) -> egui::Rect {
        let b = self.layout.bounds;
        egui::Rect::from_min_max(egui::pos2(b.min.x, b.min.y), egui::pos2(b.max.x, b.max.y))
    }

    /// The bounding box of the tree holding node `i`, in world units.
    pub fn tree_bounds(&self, i: usize) -> egui::Rect {
        let mut root = i;
        while let Some(p) = self.parent.get(root).copied().flatten() {
            root = p;
        }
        let k = self.forest.roots.iter().position(|(r, _)| *r == root);
        match k.and_then(|k| self.layout.tree_bounds.get(k)) {
            Some(b) => {
                egui::Rect::from_min_max(egui::pos2(b.min.x, b.min.y), egui::pos2(b.max.x, b.max.y))
            }
            None => self.bounds(),
        }
    }

    /// Indices of the cards that intersect `world` (a rectangle in world units).
    pub fn query(&self, world: egui::Rect) -> Vec<usize> {
        self.grid.query(layout::Rect {
            min: layout::Point::new(world.min.x, world.min.y),
            max: layout::Point::new(world.max.x, world.max.y),
        })
    }

    /// Whether the node's children are drawn below/right of it.
    pub fn is_left_right(&self, i: usize) -> bool {
        self.orientation.get(i) == Some(&Orientation::LeftRight)
    }

    /// The kind-independent fact that a node has children in the map.
    pub fn has_children(&self, i: usize) -> bool {
        self.child_count.get(i).is_some_and(|&c| c > 0)
    }
}

/// Gaps between cards (the exports use the same).
pub(crate) fn spacing() -> Spacing {
    crate::look::card::spacing()
}

fn layout_orientation(o: Orientation) -> layout::Orientation {
    match o {
        Orientation::TopDown => layout::Orientation::TopDown,
        Orientation::LeftRight => layout::Orientation::LeftRight,
    }
}
