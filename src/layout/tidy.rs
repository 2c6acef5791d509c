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
//! Nodes are renumbered in depth-first pre-order (built with an explicit
//! stack), so every subtree is a contiguous index range following its root.
//! The first walk (post-order in the paper) is therefore a plain reverse
//! loop, and the second walk (pre-order) a forward loop: no recursion,
//! `O(n)` time. Pre-order also keeps each subtree contiguous in memory.
//! Children lists are stored in one flat array (`kids`), each node owning a
//! slice of it.

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
    /// Start of this node's children in the flat `kids` array.
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

    /// This node's children in the flat `kids` array.
    #[inline]
    fn children<'a>(&self, kids: &'a [u32]) -> &'a [u32] {
        let first = self.first as usize;
        &kids[first..first + self.cs as usize]
    }

    #[inline]
    fn next_left_contour(&self, kids: &[u32]) -> u32 {
        if self.cs == 0 {
            self.tl
        } else {
            kids[self.first as usize]
        }
    }

    #[inline]
    fn next_right_contour(&self, kids: &[u32]) -> u32 {
        if self.cs == 0 {
            self.tr
        } else {
            kids[(self.first + self.cs - 1) as usize]
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

    let Flat {
        mut nodes,
        kids,
        order,
        trees,
    } = build(forest, n, &gaps);

    let mut low = Vec::new();
    for k in (0..nodes.len()).rev() {
        first_walk(&mut nodes, &kids, k, &mut low);
    }
    for tree in trees.iter().flatten() {
        second_walk(&mut nodes, &kids, tree);
    }

    place(forest, n_all, &nodes, &order, &trees, gaps.tree)
}

/// The forest renumbered for the algorithm.
struct Flat {
    /// Working state, indexed by flat (pre-order) index.
    nodes: Vec<Node>,
    /// Children lists of all nodes, as flat indices (see [`Node::first`]).
    kids: Vec<u32>,
    /// Forest index of each flat index.
    order: Vec<u32>,
    /// One entry per root; `None` for a root that is out of range or
    /// already claimed.
    trees: Vec<Option<TreeRange>>,
}

/// A node waiting on the depth-first stack of [`build`].
struct Pending {
    /// Forest index.
    node: usize,
    /// Slot in `kids` to receive its flat index (`usize::MAX` for a root).
    slot: usize,
    /// Depth coordinate of its card's near edge.
    y: f64,
}

/// Depth-first pre-order numbering of every tree (explicit stack); computes
/// depth coordinates and the flat children lists.
fn build(forest: &Forest, n: usize, gaps: &Gaps) -> Flat {
    let mut visited = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut nodes: Vec<Node> = Vec::with_capacity(n);
    let mut kids: Vec<u32> = Vec::with_capacity(n);
    let mut trees = Vec::with_capacity(forest.roots.len());
    let mut stack: Vec<Pending> = Vec::new();
    let mut claimed: Vec<usize> = Vec::new();

    for &(root, orientation) in &forest.roots {
        if root >= n || visited[root] {
            trees.push(None);
            continue;
        }
        let start = order.len();
        visited[root] = true;
        stack.push(Pending {
            node: root,
            slot: usize::MAX,
            y: 0.0,
        });
        while let Some(Pending { node: v, slot, y }) = stack.pop() {
            let k = order.len();
            if let Some(s) = kids.get_mut(slot) {
                *s = k as u32;
            }
            let (breadth, depth) = breadth_depth(forest, v, orientation);
            let mut node = Node::new(breadth, depth, y, gaps);
            let child_y = node.bottom();

            // Claim the children now (the first parent expanded wins),
            // reserve their slots, and push them so the first child pops
            // first.
            claimed.clear();
            if let Some(children) = forest.children.get(v) {
                for &c in children {
                    if c < n && !visited[c] {
                        visited[c] = true;
                        claimed.push(c);
                    }
                }
            }
            let first = kids.len();
            node.first = first as u32;
            node.cs = claimed.len() as u32;
            kids.resize(first + claimed.len(), NONE);
            for (j, &c) in claimed.iter().enumerate().rev() {
                stack.push(Pending {
                    node: c,
                    slot: first + j,
                    y: child_y,
                });
            }
            order.push(v as u32);
            nodes.push(node);
        }
        trees.push(Some(TreeRange {
            start,
            end: order.len(),
            orientation,
        }));
    }
    Flat {
        nodes,
        kids,
        order,
        trees,
    }
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

/// The paper's `firstWalk` for node `k`, whose descendants are all done.
fn first_walk(nodes: &mut [Node], kids: &[u32], k: usize, low: &mut Vec<LowEntry>) {
    let c = nodes[k].children(kids);
    let Some((&c0, &cl)) = c.first().zip(c.last()) else {
        let node = &mut nodes[k];
        node.el = k as u32;
        node.er = k as u32;
        node.msel = 0.0;
        node.mser = 0.0;
        return;
    };
    let (c0, cl) = (c0 as usize, cl as usize);

    low.clear();
    let el0 = nodes[c0].el as usize;
    update_low(low, nodes[el0].bottom(), 0);
    for i in 1..c.len() {
        // Lowest depth of subtree i, read while its extremes still point
        // into it.
        let er = nodes[c[i] as usize].er as usize;
        let min_y = nodes[er].bottom();
        separate(nodes, kids, c, i, low);
        update_low(low, min_y, i);
    }

    // Centre the parent between the centres of its first and last child.
    let (a, b) = (&nodes[c0], &nodes[cl]);
    let mid = 0.5 * ((a.prelim + a.modf + 0.5 * a.w) + (b.prelim + b.modf + 0.5 * b.w));
    let (el, msel, er, mser) = (a.el, a.msel, b.er, b.mser);
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

/// Pushes child `c[i]` (and its subtree) far enough from its left siblings
/// `c[..i]`, walking the right contour of the siblings and the left contour
/// of subtree `i` together, then threads the shorter contour onto the
/// longer one.
fn separate(nodes: &mut [Node], kids: &[u32], c: &[u32], i: usize, low: &[LowEntry]) {
    let mut sr = c[i - 1] as usize;
    let mut mssr = nodes[sr].modf;
    let mut cl = c[i] as usize;
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
            move_subtree(nodes, c, i, si, dist);
        }
        let cy = nodes[cl].bottom();

        let mut next_sr = sr as u32;
        let mut next_cl = cl as u32;
        if sy <= cy {
            next_sr = nodes[sr].next_right_contour(kids);
            if next_sr != NONE {
                mssr += nodes[next_sr as usize].modf;
            }
        }
        if sy >= cy {
            next_cl = nodes[cl].next_left_contour(kids);
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
                set_left_thread(nodes, c, i, next_cl as usize, mscl);
                return;
            }
            // The left siblings are deeper than the current subtree.
            (false, true) => {
                set_right_thread(nodes, c, i, next_sr as usize, mssr);
                return;
            }
            (true, true) => return,
        }
    }
}

/// Moves subtree `c[i]` by `dist` and records how to spread the move over
/// the intermediate siblings `c[si + 1 .. i]`.
fn move_subtree(nodes: &mut [Node], c: &[u32], i: usize, si: usize, dist: f64) {
    let t = &mut nodes[c[i] as usize];
    t.modf += dist;
    t.msel += dist;
    t.mser += dist;
    distribute_extra(nodes, c, i, si, dist);
}

/// Spreads `dist` evenly over the siblings strictly between `c[si]` and
/// `c[i]` (applied lazily by the second walk).
fn distribute_extra(nodes: &mut [Node], c: &[u32], i: usize, si: usize, dist: f64) {
    if si + 1 < i {
        let nr = (i - si) as f64;
        let step = dist / nr;
        nodes[c[si + 1] as usize].shift += step;
        let t = &mut nodes[c[i] as usize];
        t.shift -= step;
        t.change -= dist - step;
    }
}

/// Threads the extreme left node of the siblings `c[..i]` to `cl`, the next
/// node of subtree `i`'s left contour.
fn set_left_thread(nodes: &mut [Node], c: &[u32], i: usize, cl: usize, modsum_cl: f64) {
    let (c0, ci) = (c[0] as usize, c[i] as usize);
    let li = nodes[c0].el as usize;
    let diff = (modsum_cl - nodes[cl].modf) - nodes[c0].msel;
    let leaf = &mut nodes[li];
    leaf.tl = cl as u32;
    // Make the modifier sum correct after following the thread, without
    // moving the leaf itself.
    leaf.modf += diff;
    leaf.prelim -= diff;
    let (el, msel) = (nodes[ci].el, nodes[ci].msel);
    nodes[c0].el = el;
    nodes[c0].msel = msel;
}

/// Threads the extreme right node of subtree `c[i]` to `sr`, the next node
/// of the right contour of the siblings `c[..i]`.
fn set_right_thread(nodes: &mut [Node], c: &[u32], i: usize, sr: usize, modsum_sr: f64) {
    let (cp, ci) = (c[i - 1] as usize, c[i] as usize);
    let ri = nodes[ci].er as usize;
    let diff = (modsum_sr - nodes[sr].modf) - nodes[ci].mser;
    let leaf = &mut nodes[ri];
    leaf.tr = sr as u32;
    leaf.modf += diff;
    leaf.prelim -= diff;
    let (er, mser) = (nodes[cp].er, nodes[cp].mser);
    nodes[ci].er = er;
    nodes[ci].mser = mser;
}

/// The paper's `secondWalk` as a forward loop over pre-order: turns
/// `prelim` into absolute breadth coordinates, applying the
/// intermediate-sibling spacing.
fn second_walk(nodes: &mut [Node], kids: &[u32], tree: &TreeRange) {
    if tree.start >= tree.end {
        return;
    }
    {
        let root = &mut nodes[tree.start];
        root.prelim += root.modf;
    }
    for k in tree.start..tree.end {
        let modsum = nodes[k].modf;
        let mut d = 0.0;
        let mut delta = 0.0;
        for &c in nodes[k].children(kids) {
            let c = &mut nodes[c as usize];
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
