//! A map as a picture: the nodes in scope laid out as on the canvas (the tidy tree of
//! `layout`, cards sized and drawn by [`crate::look::card`] with the fonts' own metrics) and
//! the edges and links between them, as plain shapes in world units. The SVG writer writes
//! it; PNG and PDF render that SVG.

use std::collections::BTreeMap;

use super::fonts::FontSet;
use super::{ExportError, ExportOptions, Scope};
use crate::engine::Program;
use crate::layout::{self, Forest, Size};
use crate::look::card::{self, CardContext, CardSize, card_size, draw_card};
use crate::look::draw::{Box2, Font, Pt, Rgba, Shape, pt};
use crate::look::figures::Figures;
use crate::look::{Palette, card::Measure};
use crate::model::{LinkKind, Map, Node, NodeId, Orientation};

/// Margin around the cards, in world units.
const MARGIN: f32 = 32.0;

/// A laid-out picture of a map: the edges and links drawn, the cards placed and sized and
/// drawn on demand ([`Picture::draw_card`]), so a writer turns each card into text as it
/// goes rather than holding every card's shapes at once (a 100k-node map has millions).
pub struct Picture<'a> {
    /// Width in world units.
    pub width: f32,
    /// Height in world units.
    pub height: f32,
    /// Background colour.
    pub background: Rgba,
    /// Tree edges: cubic Béziers (start, control 1, control 2, end) and their colour.
    pub edges: Vec<[Pt; 4]>,
    /// Edge colour and width.
    pub edge_style: (Rgba, f32),
    /// Links between trees: the curve, its colour, and its label.
    pub links: Vec<([Pt; 4], Rgba, &'static str)>,
    /// Each card, in drawing order: where it goes and how big it is.
    pub cards: Vec<PlacedCard<'a>>,
    /// Shapes over everything (link arrowheads and labels).
    pub overlay: Vec<Shape>,
    map: &'a Map,
    figures: Figures,
    palette: Palette,
}

/// A card of a [`Picture`], placed.
pub struct PlacedCard<'a> {
    /// Its node's id.
    pub id: &'a NodeId,
    /// Its node.
    pub node: &'a Node,
    /// Its top-left corner.
    pub at: Pt,
    /// Its rows, which fix its height.
    pub size: CardSize,
    /// Its height in world units (its width is [`card::CARD_W`]).
    pub height: f32,
}

impl Picture<'_> {
    /// The shapes of `card` (card-local), measured with `m`.
    pub fn draw_card(&self, m: &mut dyn Measure, card: &PlacedCard<'_>) -> Vec<Shape> {
        let cx = CardContext {
            map: self.map,
            figures: &self.figures,
            palette: &self.palette,
            why: None,
        };
        draw_card(m, &cx, card.id, card.node, card.size).shapes
    }
}

/// Lays out and draws the nodes of `map` in `options.scope`, measuring text with `m`.
pub fn picture<'a>(
    map: &'a Map,
    options: &ExportOptions,
    m: &mut dyn Measure,
) -> Result<Picture<'a>, ExportError> {
    picture_compiled(map, None, options, m)
}

/// [`picture`], over the map's `program` when it was compiled already.
pub(super) fn picture_compiled<'a>(
    map: &'a Map,
    program: Option<Program>,
    options: &ExportOptions,
    m: &mut dyn Measure,
) -> Result<Picture<'a>, ExportError> {
    if let Some(p) = &options.period
        && !crate::engine::Analysis::periods(map).contains(p)
    {
        return Err(ExportError::UnknownPeriod(p.clone()));
    }
    let shown = (options.scenario.as_deref(), options.period.as_deref());
    let figures = match program {
        Some(program) => Figures::with_program(map, program, shown),
        None => Figures::compute(map, 0, shown, None, &BTreeMap::new()),
    };
    if let Some(e) = &figures.error
        && (options.scenario.is_some() || options.period.is_some())
    {
        return Err(ExportError::Rollup(e.clone()));
    }
    let roots: Vec<&NodeId> = match &options.scope {
        Scope::Whole => map.roots().collect(),
        Scope::Subtree(id) => vec![
            map.id(id)
                .ok_or_else(|| ExportError::UnknownRoot(id.clone()))?,
        ],
        Scope::Nodes(set) => {
            // Depth-first over the map so trees keep their order; a node whose parent is
            // not in the set starts a tree.
            let mut out = Vec::new();
            for root in map.roots() {
                for id in map.subtree(root.as_str()) {
                    let parent_in = map.parent(id.as_str()).is_some_and(|p| set.contains(p));
                    if set.contains(id) && !parent_in {
                        out.push(id);
                    }
                }
            }
            out
        }
    };
    let keep = |id: &NodeId| match &options.scope {
        Scope::Nodes(set) => set.contains(id),
        _ => true,
    };
    let palette = Palette::of(options.theme);
    // Every metric's value in every period (for the sparklines) is rolled up beside the
    // sizing and the layout, rather than for the first card drawn while the others wait.
    let Sized {
        title_line,
        ids,
        index,
        parent,
        left_right,
        card_sizes,
        forest,
        laid,
    } = crate::threads::in_parallel(
        || figures.prepare_series(map),
        || size_and_lay_out(map, &roots, keep, &figures, m),
    )
    .1?;
    let b = laid.bounds;
    let (ox, oy) = (MARGIN - b.min.x, MARGIN - b.min.y);
    let rect = |i: usize| {
        let r = laid.rect(&forest, i);
        Box2 {
            min: pt(r.min.x + ox, r.min.y + oy),
            max: pt(r.max.x + ox, r.max.y + oy),
        }
    };
    let mut edges = Vec::with_capacity(ids.len());
    for (i, up) in parent.iter().enumerate() {
        if let Some(p) = *up {
            edges.push(edge_curve(rect(p), rect(i), left_right[i]));
        }
    }
    let mut links = Vec::new();
    let mut overlay = Vec::new();
    for l in map.links() {
        let (Some(&a), Some(&b)) = (index.get(&&l.from), index.get(&&l.to)) else {
            continue;
        };
        let (curve, tip_dir) = link_curve(rect(a), rect(b));
        let label = match l.kind {
            LinkKind::Measures => "measures",
            LinkKind::Relates => "relates to",
        };
        links.push((curve, palette.link, label));
        link_marks(m, &palette, curve, tip_dir, label, &mut overlay);
    }
    let cards = ids
        .iter()
        .zip(card_sizes)
        .enumerate()
        .map(|(i, (&(id, node), size))| PlacedCard {
            id,
            node,
            at: rect(i).min,
            size,
            height: size.height(title_line),
        })
        .collect();
    Ok(Picture {
        width: b.max.x - b.min.x + 2.0 * MARGIN,
        height: b.max.y - b.min.y + 2.0 * MARGIN,
        background: palette.canvas,
        edges,
        edge_style: (palette.edge, 1.6),
        links,
        cards,
        overlay,
        map,
        figures,
        palette,
    })
}

/// The nodes of a picture in drawing order, their cards sized and laid out.
struct Sized<'a> {
    title_line: f32,
    ids: Vec<(&'a NodeId, &'a Node)>,
    index: hashbrown::HashMap<&'a NodeId, usize>,
    parent: Vec<Option<usize>>,
    left_right: Vec<bool>,
    card_sizes: Vec<CardSize>,
    forest: Forest,
    laid: layout::Layout,
}

/// Sizes the cards of the trees under `roots` (the nodes `keep` keeps) and lays them out.
fn size_and_lay_out<'a>(
    map: &'a Map,
    roots: &[&'a NodeId],
    keep: impl Fn(&NodeId) -> bool,
    figures: &Figures,
    m: &mut dyn Measure,
) -> Result<Sized<'a>, ExportError> {
    let title_line = card::line_height(m, card::TITLE_FONT);
    let mut ids: Vec<(&NodeId, &Node)> = Vec::new();
    let mut index: hashbrown::HashMap<&NodeId, usize> = hashbrown::HashMap::new();
    let mut parent: Vec<Option<usize>> = Vec::new();
    let mut left_right: Vec<bool> = Vec::new();
    let mut sizes = Vec::new();
    let mut children: Vec<Vec<usize>> = Vec::new();
    let mut forest_roots = Vec::new();
    let mut card_sizes = Vec::new();
    for &root in roots {
        let orientation = map
            .node(root.as_str())
            .and_then(|n| n.orientation)
            .unwrap_or_default();
        let lr = orientation == Orientation::LeftRight;
        let mut stack: Vec<(&NodeId, Option<usize>)> = vec![(root, None)];
        while let Some((id, up)) = stack.pop() {
            let Some(node) = map.node(id.as_str()) else {
                continue;
            };
            let i = ids.len();
            let size = card_size(m, map, id, node, Some(figures));
            sizes.push(Size::new(card::CARD_W, size.height(title_line)));
            card_sizes.push(size);
            children.push(Vec::new());
            match up {
                Some(p) => children[p].push(i),
                None => forest_roots.push((
                    i,
                    if lr {
                        layout::Orientation::LeftRight
                    } else {
                        layout::Orientation::TopDown
                    },
                )),
            }
            index.insert(id, i);
            ids.push((id, node));
            parent.push(up);
            left_right.push(lr);
            let kids: Vec<&NodeId> = map.children(id.as_str()).filter(|k| keep(k)).collect();
            stack.extend(kids.into_iter().rev().map(|k| (k, Some(i))));
        }
    }
    if ids.is_empty() {
        return Err(ExportError::Empty);
    }
    let forest = Forest {
        sizes,
        children,
        roots: forest_roots,
    };
    let laid = layout::layout(&forest, &card::spacing());
    Ok(Sized {
        title_line,
        ids,
        index,
        parent,
        left_right,
        card_sizes,
        forest,
        laid,
    })
}

/// The faces to draw with, or why there are none.
pub(super) fn fonts() -> Result<&'static FontSet, ExportError> {
    FontSet::system().ok_or(ExportError::NoFont)
}

/// A smooth parent → child curve, as on the canvas.
fn edge_curve(parent: Box2, child: Box2, left_right: bool) -> [Pt; 4] {
    if left_right {
        let a = pt(parent.max.x, parent.center().y);
        let b = pt(child.min.x, child.center().y);
        let dx = (b.x - a.x) * 0.5;
        [a, pt(a.x + dx, a.y), pt(b.x - dx, b.y), b]
    } else {
        let a = pt(parent.center().x, parent.max.y);
        let b = pt(child.center().x, child.min.y);
        let dy = (b.y - a.y) * 0.5;
        [a, pt(a.x, a.y + dy), pt(b.x, b.y - dy), b]
    }
}

/// A link's curve between the facing sides of two cards, and the direction it enters the
/// target.
fn link_curve(from: Box2, to: Box2) -> ([Pt; 4], Pt) {
    let (fc, tc) = (from.center(), to.center());
    let (dx, dy) = (tc.x - fc.x, tc.y - fc.y);
    let (a, b, ta, tb) = if dx.abs() > dy.abs() {
        let s = dx.signum();
        let a = pt(if s > 0.0 { from.max.x } else { from.min.x }, fc.y);
        let b = pt(if s > 0.0 { to.min.x } else { to.max.x }, tc.y);
        (a, b, pt(s, 0.0), pt(-s, 0.0))
    } else {
        let s = dy.signum();
        let a = pt(fc.x, if s > 0.0 { from.max.y } else { from.min.y });
        let b = pt(tc.x, if s > 0.0 { to.min.y } else { to.max.y });
        (a, b, pt(0.0, s), pt(0.0, -s))
    };
    let reach = ((b.x - a.x).hypot(b.y - a.y)) * 0.4;
    (
        [
            a,
            pt(a.x + ta.x * reach, a.y + ta.y * reach),
            pt(b.x + tb.x * reach, b.y + tb.y * reach),
            b,
        ],
        pt(-tb.x, -tb.y),
    )
}

fn bezier(c: [Pt; 4], t: f32) -> Pt {
    let u = 1.0 - t;
    let (a, b, d, e) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    pt(
        a * c[0].x + b * c[1].x + d * c[2].x + e * c[3].x,
        a * c[0].y + b * c[1].y + d * c[2].y + e * c[3].y,
    )
}

/// A link's arrowhead into the target and its label in a pill at the middle.
fn link_marks(
    m: &mut dyn Measure,
    p: &Palette,
    curve: [Pt; 4],
    dir: Pt,
    label: &str,
    out: &mut Vec<Shape>,
) {
    let b = curve[3];
    let side = pt(-dir.y, dir.x);
    let size = 9.0;
    out.push(Shape::Polygon {
        points: vec![
            b,
            pt(
                b.x - dir.x * size + side.x * size * 0.5,
                b.y - dir.y * size + side.y * size * 0.5,
            ),
            pt(
                b.x - dir.x * size - side.x * size * 0.5,
                b.y - dir.y * size - side.y * size * 0.5,
            ),
        ],
        fill: p.link,
    });
    let mid = bezier(curve, 0.5);
    let font = Font::regular(12.0);
    let w = card::text_width(m, label, font);
    let h = card::line_height(m, font);
    out.push(Shape::Rect {
        rect: Box2::new(
            mid.x - w * 0.5 - 6.0,
            mid.y - h * 0.5 - 2.0,
            w + 12.0,
            h + 4.0,
        ),
        corners: crate::look::draw::Corners::same(h * 0.5 + 2.0),
        fill: Some(p.card),
        stroke: Some((1.0, p.link.faded(0.6))),
    });
    out.push(Shape::Text {
        pos: pt(mid.x - w * 0.5, mid.y - h * 0.5),
        text: label.to_owned(),
        font,
        color: p.link,
        width: w,
        centered: false,
    });
}
