//! Van der Ploeg's non-layered tidy tree algorithm on flat arrays.
//!
//! Coordinates here are *breadth* (`x`, the axis along which siblings are
//! packed) and *depth* (`y`, the axis along which a tree grows). Left-right
//! trees are laid out with width and height swapped and transposed at the
//! end.
//!
//! Every node carries a padded box: its breadth plus `sibling_gap` and its
//! depth plus `level_gap`. Packing padded boxes edge to edge leaves exactly
//! the required gaps between the cards, and a child's depth coordinate is
//! its parent's padded bottom.
//!
//! Nodes are numbered in breadth-first order per tree, so the children of a
//! node occupy a contiguous index range and every child has a larger index
//! than its parent. The first walk (post-order in the paper) is therefore a
//! plain reverse loop, and the second walk (pre-order) a forward loop: no
//! recursion, `O(n)` time.

use super::{Forest, Layout, Orientation, Point, Rect, Spacing, sanitize_f32};

/// "No node" marker for thread and extreme links.
const NONE: u32 = u32::MAX;

/// Working state of one node (names follow the paper).
#[derive(Clone, Copy, Debug)]
struct Node {
    /// Padded breadth: card breadth + sibling gap.
    w: f64,
    /// Padded depth: card depth + level gap.
    h: f64,
    /// Depth coordinate of the card's near edge.
    y: f64,
    /// Preliminary breadth coordinate relative to the parent's frame; after
    /// the second walk, the absolute breadth coordinate.
    prelim: f64,
    /// Modifier applied to the whole subtree; after the second walk, the
    /// cumulative modifier sum from the root.
    modf: f64,
    /// Intermediate-sibling spacing bookkeeping (see `distribute_extra`).
    shift: f64,
    /// Intermediate-sibling spacing bookkeeping (see `distribute_extra`).
    change: f64,
    /// Sum of modifiers from this node to its extreme left node.
    msel: f64,
    /// Sum of modifiers from this node to its extreme right node.
    mser: f64,
    /// Left thread (next node of the left contour of a leaf), or `NONE`.
    tl: u32,
    /// Right thread, or `NONE`.
    tr: u32,
    /// Extreme (deepest) node of the left contour of this subtree.
    el: u32,
    /// Extreme (deepest) node of the right contour of this subtree.
    er: u32,
    /// Index of the first child.
    first: u32,
    /// Number of children.
    cs: u32,
}

impl Node {
    fn new(breadth: f64, depth: f64, y: f64, spacing: &Gaps) -> Self {
        Self {
            w: breadth + spacing.sibling,
            h: depth + spacing.level,
            y,
            prelim: 0.0,
            modf: 0.0,
            shift: 0.0,
            change: 0.0,
            msel: 0.0,
            mser: 0.0,
            tl: NONE,
            tr: NONE,
            el: NONE,
            er: NONE,
            first: 0,
            cs: 0,
        }
    }

    #[inline]
    fn bottom(&self) -> f64 {
        self.y + self.h
    }

    #[inline]
    fn next_left_contour(&self) -> u32 {
        if self.cs == 0 { self.tl } else { self.first }
    }

    #[inline]
    fn next_right_contour(&self) -> u32 {
        if self.cs == 0 {
            self.tr
        } else {
            self.first + self.cs - 1
        }
    }
}

/// Sanitised spacing in `f64`.
struct Gaps {
    sibling: f64,
    level: f64,
    tree: f64,
}

/// One tree of the forest in the flat node array.
struct TreeRange {
    start: usize,
    end: usize,
    orientation: Orientation,
}

/// Entry of the paper's "IYL" list: a left sibling's index and the lowest
/// depth coordinate of its subtree. Kept as a stack whose top is the head.
#[derive(Clone, Copy)]
struct LowEntry {
    low_y: f64,
    index: u32,
}

/// Lays out the forest; see [`super::layout`].
pub(super) fn layout_forest(forest: &Forest, spacing: &Spacing) -> Layout {
    let gaps = Gaps {
        sibling: f64::from(sanitize_f32(spacing.sibling_gap)),
        level: f64::from(sanitize_f32(spacing.level_gap)),
        tree: f64::from(sanitize_f32(spacing.tree_gap)),
    };
    let n_all = forest.sizes.len();
    // Node ids must fit in `u32` below `NONE`; anything beyond is unplaced.
    let n = n_all.min(NONE as usize);

    let (nodes, order, trees) = build(forest, n, &gaps);
    let mut nodes = nodes;

    let mut low = Vec::new();
    for k in (0..nodes.len()).rev() {
        first_walk(&mut nodes, k, &mut low);
    }
    for tree in trees.iter().flatten() {
        second_walk(&mut nodes, tree);
    }

    place(forest, n_all, &nodes, &order, &trees, gaps.tree)
}

/// Breadth-first numbering of every tree; computes depth coordinates.
///
/// Returns the node array, the map from flat index to forest index, and one
/// entry per root (`None` for a root that is out of range or already
/// claimed).
fn build(forest: &Forest, n: usize, gaps: &Gaps) -> (Vec<Node>, Vec<u32>, Vec<Option<TreeRange>>) {
    let mut visited = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut nodes: Vec<Node> = Vec::with_capacity(n);
    let mut trees = Vec::with_capacity(forest.roots.len());

    for &(root, orientation) in &forest.roots {
        if root >= n || visited[root] {
            trees.push(None);
            continue;
        }
        let (breadth, depth) = breadth_depth(forest, root, orientation);
        let start = order.len();
        visited[root] = true;
        order.push(root as u32);
        nodes.push(Node::new(breadth, depth, 0.0, gaps));

        let mut k = start;
        while k < order.len() {
            let v = order[k] as usize;
            let first = order.len();
            let child_y = nodes[k].bottom();
            if let Some(children) = forest.children.get(v) {
                for &c in children {
                    if c < n && !visited[c] {
                        visited[c] = true;
                        let (b, d) = breadth_depth(forest, c, orientation);
                        order.push(c as u32);
                        nodes.push(Node::new(b, d, child_y, gaps));
                    }
                }
            }
            nodes[k].first = first as u32;
            nodes[k].cs = (order.len() - first) as u32;
            k += 1;
        }
        trees.push(Some(TreeRange {
            start,
            end: order.len(),
            orientation,
        }));
    }
    (nodes, order, trees)
}

/// Card extent along the breadth and depth axes of `orientation`.
fn breadth_depth(forest: &Forest, i: usize, orientation: Orientation) -> (f64, f64) {
    let s = forest.size(i);
    let (w, h) = (f64::from(s.w), f64::from(s.h));
    match orientation {
        Orientation::TopDown => (w, h),
        Orientation::LeftRight => (h, w),
    }
}

/// The paper's `firstWalk` for node `k`, whose children are all done.
fn first_walk(nodes: &mut [Node], k: usize, low: &mut Vec<LowEntry>) {
    let cs = nodes[k].cs as usize;
    if cs == 0 {
        let node = &mut nodes[k];
        node.el = k as u32;
        node.er = k as u32;
        node.msel = 0.0;
        node.mser = 0.0;
        return;
    }
    let first = nodes[k].first as usize;
    let last = first + cs - 1;

    low.clear();
    let el0 = nodes[first].el as usize;
    update_low(low, nodes[el0].bottom(), 0);
    for i in 1..cs {
        // Lowest depth of subtree i, read while its extremes still point
        // into it.
        let er = nodes[first + i].er as usize;
        let min_y = nodes[er].bottom();
        separate(nodes, first, i, low);
        update_low(low, min_y, i);
    }

    // Centre the parent between the centres of its first and last child.
    let c0 = &nodes[first];
    let cl = &nodes[last];
    let mid = 0.5 * ((c0.prelim + c0.modf + 0.5 * c0.w) + (cl.prelim + cl.modf + 0.5 * cl.w));
    let (el, msel, er, mser) = (c0.el, c0.msel, cl.er, cl.mser);
    let node = &mut nodes[k];
    node.prelim = mid - 0.5 * node.w;
    node.el = el;
    node.msel = msel;
    node.er = er;
    node.mser = mser;
}

/// Drops left siblings hidden by a subtree reaching `min_y`, then pushes it.
fn update_low(low: &mut Vec<LowEntry>, min_y: f64, i: usize) {
    while low.last().is_some_and(|e| min_y >= e.low_y) {
        low.pop();
    }
    low.push(LowEntry {
        low_y: min_y,
        index: i as u32,
    });
}

/// Pushes child `i` (and its subtree) far enough from its left siblings
/// `0..i`, walking the right contour of the siblings and the left contour
/// of subtree `i` together, then threads the shorter contour onto the
/// longer one.
fn separate(nodes: &mut [Node], first: usize, i: usize, low: &[LowEntry]) {
    let mut sr = first + i - 1;
    let mut mssr = nodes[sr].modf;
    let mut cl = first + i;
    let mut mscl = nodes[cl].modf;
    let mut cursor = low.len().saturating_sub(1);

    loop {
        let sy = nodes[sr].bottom();
        while cursor > 0 && sy > low[cursor].low_y {
            cursor -= 1;
        }
        let dist = (mssr + nodes[sr].prelim + nodes[sr].w) - (mscl + nodes[cl].prelim);
        if dist > 0.0 {
            mscl += dist;
            let si = low.get(cursor).map_or(i - 1, |e| e.index as usize);
            move_subtree(nodes, first, i, si, dist);
        }
        let cy = nodes[cl].bottom();

        let mut next_sr = sr as u32;
        let mut next_cl = cl as u32;
        if sy <= cy {
            next_sr = nodes[sr].next_right_contour();
            if next_sr != NONE {
                mssr += nodes[next_sr as usize].modf;
            }
        }
        if sy >= cy {
            next_cl = nodes[cl].next_left_contour();
            if next_cl != NONE {
                mscl += nodes[next_cl as usize].modf;
            }
        }
        match (next_sr == NONE, next_cl == NONE) {
            (false, false) => {
                sr = next_sr as usize;
                cl = next_cl as usize;
            }
            // The current subtree is deeper than its left siblings.
            (true, false) => {
                set_left_thread(nodes, first, i, next_cl as usize, mscl);
                return;
            }
            // The left siblings are deeper than the current subtree.
            (false, true) => {
                set_right_thread(nodes, first, i, next_sr as usize, mssr);
                return;
            }
            (true, true) => return,
        }
    }
}

/// Moves subtree `i` by `dist` and records how to spread the move over the
/// intermediate siblings `si + 1 .. i`.
fn move_subtree(nodes: &mut [Node], first: usize, i: usize, si: usize, dist: f64) {
    let c = &mut nodes[first + i];
    c.modf += dist;
    c.msel += dist;
    c.mser += dist;
    distribute_extra(nodes, first, i, si, dist);
}

/// Spreads `dist` evenly over the siblings strictly between `si` and `i`
/// (applied lazily by the second walk).
fn distribute_extra(nodes: &mut [Node], first: usize, i: usize, si: usize, dist: f64) {
    if si + 1 < i {
        let nr = (i - si) as f64;
        let step = dist / nr;
        nodes[first + si + 1].shift += step;
        let c = &mut nodes[first + i];
        c.shift -= step;
        c.change -= dist - step;
    }
}

/// Threads the extreme left node of the siblings `0..i` to `cl`, the next
/// node of subtree `i`'s left contour.
fn set_left_thread(nodes: &mut [Node], first: usize, i: usize, cl: usize, modsum_cl: f64) {
    let li = nodes[first].el as usize;
    let diff = (modsum_cl - nodes[cl].modf) - nodes[first].msel;
    let leaf = &mut nodes[li];
    leaf.tl = cl as u32;
    // Make the modifier sum correct after following the thread, without
    // moving the leaf itself.
    leaf.modf += diff;
    leaf.prelim -= diff;
    let (el, msel) = (nodes[first + i].el, nodes[first + i].msel);
    nodes[first].el = el;
    nodes[first].msel = msel;
}

/// Threads the extreme right node of subtree `i` to `sr`, the next node of
/// the right contour of the siblings `0..i`.
fn set_right_thread(nodes: &mut [Node], first: usize, i: usize, sr: usize, modsum_sr: f64) {
    let ri = nodes[first + i].er as usize;
    let diff = (modsum_sr - nodes[sr].modf) - nodes[first + i].mser;
    let leaf = &mut nodes[ri];
    leaf.tr = sr as u32;
    leaf.modf += diff;
    leaf.prelim -= diff;
    let (er, mser) = (nodes[first + i - 1].er, nodes[first + i - 1].mser);
    nodes[first + i].er = er;
    nodes[first + i].mser = mser;
}

/// The paper's `secondWalk` as a forward loop: turns `prelim` into absolute
/// breadth coordinates, applying the intermediate-sibling spacing.
fn second_walk(nodes: &mut [Node], tree: &TreeRange) {
    if tree.start >= tree.end {
        return;
    }
    {
        let root = &mut nodes[tree.start];
        root.prelim += root.modf;
    }
    for k in tree.start..tree.end {
        let (first, cs, modsum) = {
            let n = &nodes[k];
            (n.first as usize, n.cs as usize, n.modf)
        };
        let mut d = 0.0;
        let mut delta = 0.0;
        for c in &mut nodes[first..first + cs] {
            d += c.shift;
            delta += d + c.change;
            c.modf += delta + modsum;
            c.prelim += c.modf;
        }
    }
}

/// Transposes, normalises and places the trees side by side; builds the
/// public [`Layout`].
fn place(
    forest: &Forest,
    n_all: usize,
    nodes: &[Node],
    order: &[u32],
    trees: &[Option<TreeRange>],
    tree_gap: f64,
) -> Layout {
    let mut positions = vec![Point::default(); n_all];
    let mut placed = vec![false; n_all];
    let mut tree_bounds = Vec::with_capacity(trees.len());
    let mut bounds: Option<Rect> = None;
    let mut offset = 0.0f64;

    // Top-left corner of flat node k's card in final orientation, before
    // normalisation.
    let corner = |k: usize, orientation: Orientation| -> (f64, f64) {
        let n = &nodes[k];
        match orientation {
            Orientation::TopDown => (n.prelim, n.y),
            Orientation::LeftRight => (n.y, n.prelim),
        }
    };

    for tree in trees {
        let Some(tree) = tree else {
            let p = Point::new(offset as f32, 0.0);
            tree_bounds.push(Rect { min: p, max: p });
            continue;
        };
        let (mut min_x, mut min_y) = (f64::INFINITY, f64::INFINITY);
        for k in tree.start..tree.end {
            let (x, y) = corner(k, tree.orientation);
            min_x = min_x.min(x);
            min_y = min_y.min(y);
        }
        let dx = offset - min_x;
        let dy = -min_y;

        let mut rect: Option<Rect> = None;
        for (k, &i) in order.iter().enumerate().take(tree.end).skip(tree.start) {
            let (x, y) = corner(k, tree.orientation);
            let i = i as usize;
            let p = Point::new((x + dx) as f32, (y + dy) as f32);
            positions[i] = p;
            placed[i] = true;
            let r = Rect::from_min_size(p, forest.size(i));
            rect = Some(rect.map_or(r, |acc| acc.union(&r)));
        }
        let rect = rect.unwrap_or_default();
        tree_bounds.push(rect);
        bounds = Some(bounds.map_or(rect, |b| b.union(&rect)));
        offset = f64::from(rect.max.x) + tree_gap;
    }

    Layout {
        positions,
        placed,
        tree_bounds,
        bounds: bounds.unwrap_or_default(),
    }
}
