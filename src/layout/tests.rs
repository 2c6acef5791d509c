//! Unit and property tests for the tidy-tree layout.

// Index loops over several parallel arrays read better here.
#![allow(clippy::needless_range_loop)]

use super::*;
use proptest::prelude::*;

fn sp() -> Spacing {
    Spacing::default()
}

/// Builds a forest from `(parent, size)` pairs (parent `None` = new root),
/// children in index order.
fn forest_from_parents(nodes: &[(Option<usize>, Size)], orient: &[Orientation]) -> Forest {
    let mut f = Forest {
        sizes: nodes.iter().map(|n| n.1).collect(),
        children: vec![Vec::new(); nodes.len()],
        roots: Vec::new(),
    };
    for (i, (p, _)) in nodes.iter().enumerate() {
        match p {
            Some(p) => f.children[*p].push(i),
            None => {
                let o = orient.get(f.roots.len()).copied().unwrap_or_default();
                f.roots.push((i, o));
            }
        }
    }
    f
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-3 * a.abs().max(b.abs()).max(1.0)
}

/// Tree index of every node reachable from the roots (BFS, first claim
/// wins), or `usize::MAX`.
fn tree_of(f: &Forest) -> Vec<usize> {
    let mut t = vec![usize::MAX; f.sizes.len()];
    for (ti, &(r, _)) in f.roots.iter().enumerate() {
        if r >= t.len() || t[r] != usize::MAX {
            continue;
        }
        t[r] = ti;
        let mut queue = vec![r];
        while let Some(v) = queue.pop() {
            for &c in f.children.get(v).map_or(&[][..], |c| &c[..]) {
                if c < t.len() && t[c] == usize::MAX {
                    t[c] = ti;
                    queue.push(c);
                }
            }
        }
    }
    t
}

/// Checks every documented guarantee of `layout` for a well-formed forest
/// (each node has at most one parent, no cycles).
fn check_invariants(f: &Forest, s: &Spacing, l: &Layout) -> Result<(), TestCaseError> {
    let n = f.sizes.len();
    prop_assert_eq!(l.positions.len(), n);
    prop_assert_eq!(l.placed.len(), n);
    prop_assert_eq!(l.tree_bounds.len(), f.roots.len());
    let tree = tree_of(f);
    let orient_of = |i: usize| f.roots[tree[i]].1;
    for i in 0..n {
        let p = l.positions[i];
        prop_assert!(p.x.is_finite() && p.y.is_finite(), "node {} at {:?}", i, p);
        prop_assert_eq!(l.placed[i], tree[i] != usize::MAX);
        if tree[i] == usize::MAX {
            prop_assert_eq!(p, Point::default());
        }
    }
    let rects: Vec<Rect> = (0..n).map(|i| l.rect(f, i)).collect();
    let eps = |v: f32| 1e-3 * v.abs().max(1.0);

    // No overlaps; within a tree, cards sharing depth are sibling_gap apart.
    for i in 0..n {
        for j in i + 1..n {
            if !l.placed[i] || !l.placed[j] {
                continue;
            }
            let (a, b) = (&rects[i], &rects[j]);
            prop_assert!(!a.intersects(b), "{} {:?} overlaps {} {:?}", i, a, j, b);
            if tree[i] == tree[j] {
                let (a0, a1, b0, b1, da0, da1, db0, db1) = match orient_of(i) {
                    Orientation::TopDown => (
                        a.min.x, a.max.x, b.min.x, b.max.x, a.min.y, a.max.y, b.min.y, b.max.y,
                    ),
                    Orientation::LeftRight => (
                        a.min.y, a.max.y, b.min.y, b.max.y, a.min.x, a.max.x, b.min.x, b.max.x,
                    ),
                };
                if da0 < db1 && db0 < da1 {
                    let gap = if a0 < b0 { b0 - a1 } else { a0 - b1 };
                    prop_assert!(
                        gap >= s.sibling_gap - eps(a1.max(b1)),
                        "gap {} between {} and {}",
                        gap,
                        i,
                        j
                    );
                }
            }
        }
    }

    for v in 0..n {
        if !l.placed[v] {
            continue;
        }
        let kids = &f.children[v];
        if kids.is_empty() {
            continue;
        }
        let o = orient_of(v);
        // (breadth centre, depth far edge) in orientation coordinates.
        let breadth_c = |r: &Rect| match o {
            Orientation::TopDown => r.center().x,
            Orientation::LeftRight => r.center().y,
        };
        let pr = &rects[v];
        let (first, last) = (&rects[kids[0]], &rects[kids[kids.len() - 1]]);
        let mid = 0.5 * (breadth_c(first) + breadth_c(last));
        prop_assert!(
            close(breadth_c(pr), mid),
            "parent {} centre {} vs children midpoint {}",
            v,
            breadth_c(pr),
            mid
        );
        for (k, &c) in kids.iter().enumerate() {
            let cr = &rects[c];
            let (depth_gap, order_gap) = match o {
                Orientation::TopDown => (
                    cr.min.y - pr.max.y,
                    (k > 0).then(|| cr.min.x - rects[kids[k - 1]].max.x),
                ),
                Orientation::LeftRight => (
                    cr.min.x - pr.max.x,
                    (k > 0).then(|| cr.min.y - rects[kids[k - 1]].max.y),
                ),
            };
            prop_assert!(
                depth_gap >= s.level_gap - eps(cr.max.x.max(cr.max.y)),
                "child {} of {} only {} deeper",
                c,
                v,
                depth_gap
            );
            if let Some(g) = order_gap {
                prop_assert!(
                    g >= s.sibling_gap - eps(cr.max.x.max(cr.max.y)),
                    "child {} of {} out of order (gap {})",
                    c,
                    v,
                    g
                );
            }
        }
    }

    // Trees side by side, top-aligned, containing their cards.
    let mut union: Option<Rect> = None;
    for (ti, tb) in l.tree_bounds.iter().enumerate() {
        prop_assert_eq!(tb.min.y, 0.0);
        if ti > 0 {
            let prev = &l.tree_bounds[ti - 1];
            prop_assert!(
                tb.min.x >= prev.max.x + s.tree_gap - eps(tb.min.x),
                "tree {} starts at {} after {}",
                ti,
                tb.min.x,
                prev.max.x
            );
        } else {
            prop_assert_eq!(tb.min.x, 0.0);
        }
        union = Some(union.map_or(*tb, |u| u.union(tb)));
    }
    for i in 0..n {
        if l.placed[i] {
            let tb = &l.tree_bounds[tree[i]];
            let r = &rects[i];
            prop_assert!(
                r.min.x >= tb.min.x
                    && r.min.y >= tb.min.y
                    && r.max.x <= tb.max.x
                    && r.max.y <= tb.max.y
            );
        }
    }
    prop_assert_eq!(l.bounds, union.unwrap_or_default());
    Ok(())
}

/// Random well-formed forests: `window` controls how far back a node's
/// parent may be (1 = chains, large = bushy trees).
fn arb_forest(max_nodes: usize) -> impl Strategy<Value = Forest> {
    (
        prop::sample::select(vec![1usize, 2, 3, 5, 10, 1000]),
        prop::collection::vec(
            (
                0u32..100,
                any::<u32>(),
                20f32..300.0,
                20f32..200.0,
                any::<bool>(),
            ),
            1..max_nodes,
        ),
    )
        .prop_map(|(window, raw)| {
            let mut nodes = Vec::with_capacity(raw.len());
            let mut orients = Vec::new();
            for (i, &(root_roll, pick, w, h, lr)) in raw.iter().enumerate() {
                let parent = if i == 0 || root_roll < 4 {
                    orients.push(if lr {
                        Orientation::LeftRight
                    } else {
                        Orientation::TopDown
                    });
                    None
                } else {
                    let win = window.min(i);
                    Some(i - 1 - (pick as usize % win))
                };
                nodes.push((parent, Size::new(w, h)));
            }
            forest_from_parents(&nodes, &orients)
        })
}

fn arb_spacing() -> impl Strategy<Value = Spacing> {
    prop_oneof![
        Just(Spacing::default()),
        (1f32..80.0, 1f32..120.0, 1f32..200.0).prop_map(|(a, b, c)| Spacing {
            sibling_gap: a,
            level_gap: b,
            tree_gap: c,
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn prop_invariants_hold(f in arb_forest(200), s in arb_spacing()) {
        let l = layout(&f, &s);
        check_invariants(&f, &s, &l)?;
    }

    #[test]
    fn prop_deterministic(f in arb_forest(200), s in arb_spacing()) {
        let a = layout(&f, &s);
        let b = layout(&f.clone(), &s);
        let bits = |l: &Layout| -> Vec<(u32, u32)> {
            l.positions.iter().map(|p| (p.x.to_bits(), p.y.to_bits())).collect()
        };
        prop_assert_eq!(bits(&a), bits(&b));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn prop_left_right_is_transposed_top_down(f in arb_forest(120)) {
        // Single tree: LeftRight == TopDown with swapped sizes, transposed.
        let mut lr = f.clone();
        lr.roots.truncate(1);
        lr.roots[0].1 = Orientation::LeftRight;
        let mut td = lr.clone();
        td.roots[0].1 = Orientation::TopDown;
        for s in &mut td.sizes {
            *s = Size::new(s.h, s.w);
        }
        let a = layout(&lr, &sp());
        let b = layout(&td, &sp());
        for i in 0..f.sizes.len() {
            prop_assert_eq!(a.positions[i], Point::new(b.positions[i].y, b.positions[i].x));
        }
    }

    #[test]
    fn prop_grid_index_matches_linear_scan(
        f in arb_forest(200),
        views in prop::collection::vec((-500f32..8000.0, -500f32..4000.0, 0f32..3000.0, 0f32..2000.0), 1..8),
    ) {
        let l = layout(&f, &sp());
        let index = GridIndex::new(&l, &f);
        for (x, y, w, h) in views {
            let view = Rect { min: Point::new(x, y), max: Point::new(x + w, y + h) };
            prop_assert_eq!(index.query(view), visible(&l, &f, view));
        }
        prop_assert_eq!(index.query(l.bounds), visible(&l, &f, l.bounds));
    }

    #[test]
    fn prop_malformed_input_never_panics(
        sizes in prop::collection::vec((-10f32..300.0, -10f32..200.0), 0..60),
        edges in prop::collection::vec(prop::collection::vec(0usize..70, 0..5), 0..70),
        roots in prop::collection::vec((0usize..70, any::<bool>()), 0..6),
    ) {
        let f = Forest {
            sizes: sizes.iter().map(|&(w, h)| Size::new(w, h)).collect(),
            children: edges,
            roots: roots
                .iter()
                .map(|&(r, lr)| (r, if lr { Orientation::LeftRight } else { Orientation::TopDown }))
                .collect(),
        };
        let l = layout(&f, &sp());
        prop_assert_eq!(l.positions.len(), f.sizes.len());
        prop_assert_eq!(l.tree_bounds.len(), f.roots.len());
        let rects: Vec<Rect> = (0..f.sizes.len()).map(|i| l.rect(&f, i)).collect();
        for i in 0..rects.len() {
            let p = l.positions[i];
            prop_assert!(p.x.is_finite() && p.y.is_finite());
            for j in i + 1..rects.len() {
                if l.placed[i] && l.placed[j] {
                    prop_assert!(!rects[i].intersects(&rects[j]));
                }
            }
        }
    }
}

#[test]
fn single_node_at_origin() {
    let f = Forest {
        sizes: vec![Size::new(120.0, 60.0)],
        children: vec![vec![]],
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &sp());
    assert_eq!(l.positions, vec![Point::new(0.0, 0.0)]);
    let r = Rect {
        min: Point::new(0.0, 0.0),
        max: Point::new(120.0, 60.0),
    };
    assert_eq!(l.rect(&f, 0), r);
    assert_eq!(l.tree_bounds, vec![r]);
    assert_eq!(l.bounds, r);
}

#[test]
fn empty_forest() {
    let l = layout(&Forest::default(), &sp());
    assert!(l.positions.is_empty());
    assert!(l.tree_bounds.is_empty());
    assert_eq!(l.bounds, Rect::default());
    assert!(visible(&l, &Forest::default(), l.bounds).is_empty());
    assert!(
        GridIndex::new(&l, &Forest::default())
            .query(l.bounds)
            .is_empty()
    );
}

#[test]
fn parent_centred_over_two_equal_children() {
    let s = sp();
    let f = Forest {
        sizes: vec![
            Size::new(100.0, 40.0),
            Size::new(80.0, 30.0),
            Size::new(80.0, 30.0),
        ],
        children: vec![vec![1, 2], vec![], vec![]],
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &s);
    let (p, a, b) = (l.rect(&f, 0), l.rect(&f, 1), l.rect(&f, 2));
    assert_eq!(p.center().x, 0.5 * (a.center().x + b.center().x));
    assert_eq!(b.min.x - a.max.x, s.sibling_gap);
    assert_eq!(a.min.y, p.max.y + s.level_gap);
    assert_eq!(b.min.y, a.min.y);
    // Children span 80 + 24 + 80 = 184; the parent (100) sits in the middle.
    assert_eq!(a.min.x, 0.0);
    assert_eq!(p.min.x, 42.0);
    assert_eq!(l.bounds.max, Point::new(184.0, 40.0 + 56.0 + 30.0));
}

#[test]
fn parent_centred_over_unequal_children() {
    let f = Forest {
        sizes: vec![
            Size::new(50.0, 40.0),
            Size::new(200.0, 30.0),
            Size::new(30.0, 30.0),
            Size::new(60.0, 30.0),
        ],
        children: vec![vec![1, 2, 3], vec![], vec![], vec![]],
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &sp());
    let mid = 0.5 * (l.rect(&f, 1).center().x + l.rect(&f, 3).center().x);
    assert!(close(l.rect(&f, 0).center().x, mid));
}

#[test]
fn small_subtree_tucks_next_to_wide_one() {
    // root -> [a, b]; a is narrow but has a very wide child; b is a small
    // leaf. b must sit right next to a (sibling gap), above a's wide child,
    // not beyond the wide child's right edge.
    let s = sp();
    let f = Forest {
        sizes: vec![
            Size::new(40.0, 40.0),  // 0 root
            Size::new(40.0, 40.0),  // 1 a
            Size::new(40.0, 40.0),  // 2 b
            Size::new(600.0, 40.0), // 3 wide child of a
        ],
        children: vec![vec![1, 2], vec![3], vec![], vec![]],
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &s);
    let (a, b, wide) = (l.rect(&f, 1), l.rect(&f, 2), l.rect(&f, 3));
    assert!(close(b.min.x - a.max.x, s.sibling_gap), "{a:?} {b:?}");
    assert!(
        b.max.x < wide.max.x,
        "b {b:?} did not tuck in (wide {wide:?})"
    );
    assert!(!b.intersects(&wide));
    assert!(close(a.center().x, wide.center().x));
}

#[test]
fn small_subtree_tucks_under_short_neighbour() {
    // Non-layered: a short sibling's children start right after it, even
    // when the sibling next to it is much taller; the contour walk must
    // still keep them apart from the tall card.
    let s = sp();
    let f = Forest {
        sizes: vec![
            Size::new(40.0, 40.0),  // 0 root
            Size::new(40.0, 300.0), // 1 tall leaf
            Size::new(40.0, 20.0),  // 2 short
            Size::new(200.0, 20.0), // 3 wide child of short
        ],
        children: vec![vec![1, 2], vec![], vec![3], vec![]],
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &s);
    let (tall, short, kid) = (l.rect(&f, 1), l.rect(&f, 2), l.rect(&f, 3));
    assert_eq!(kid.min.y, short.max.y + s.level_gap);
    assert!(kid.min.y < tall.max.y);
    assert!(
        close(kid.min.x - tall.max.x, s.sibling_gap),
        "{tall:?} {kid:?}"
    );
}

#[test]
fn intermediate_siblings_spread_evenly() {
    // root -> [a, s1, s2, s3, b]; a and b have wide grandchildren that
    // push b far right. The small leaves s1..s3 between them are spread
    // evenly instead of being packed against a.
    let s = sp();
    let sq = Size::new(40.0, 40.0);
    let f = Forest {
        sizes: vec![
            sq,                     // 0 root
            sq,                     // 1 a
            sq,                     // 2 s1
            sq,                     // 3 s2
            sq,                     // 4 s3
            sq,                     // 5 b
            sq,                     // 6 a1
            Size::new(600.0, 40.0), // 7 a2
            sq,                     // 8 b1
            Size::new(600.0, 40.0), // 9 b2
        ],
        children: vec![
            vec![1, 2, 3, 4, 5],
            vec![6],
            vec![],
            vec![],
            vec![],
            vec![8],
            vec![7],
            vec![],
            vec![9],
            vec![],
        ],
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &s);
    assert!(close(
        l.rect(&f, 9).min.x - l.rect(&f, 7).max.x,
        s.sibling_gap
    ));
    let gaps: Vec<f32> = (1..5)
        .map(|i| l.rect(&f, i + 1).min.x - l.rect(&f, i).max.x)
        .collect();
    assert!(gaps[0] > s.sibling_gap);
    for g in &gaps {
        assert!(close(*g, gaps[0]), "uneven gaps {gaps:?}");
    }
}

#[test]
fn left_right_tree_grows_to_the_right() {
    let s = sp();
    let f = Forest {
        sizes: vec![
            Size::new(100.0, 40.0),
            Size::new(80.0, 30.0),
            Size::new(80.0, 50.0),
        ],
        children: vec![vec![1, 2], vec![], vec![]],
        roots: vec![(0, Orientation::LeftRight)],
    };
    let l = layout(&f, &s);
    let (p, a, b) = (l.rect(&f, 0), l.rect(&f, 1), l.rect(&f, 2));
    assert_eq!(p.min.x, 0.0);
    assert_eq!(a.min.x, p.max.x + s.level_gap);
    assert_eq!(b.min.x, a.min.x);
    assert_eq!(b.min.y, a.max.y + s.sibling_gap);
    assert_eq!(a.min.y, 0.0);
    assert!(close(p.center().y, 0.5 * (a.center().y + b.center().y)));
}

#[test]
fn trees_side_by_side_top_aligned() {
    let s = sp();
    let f = Forest {
        sizes: vec![
            Size::new(100.0, 40.0),
            Size::new(60.0, 200.0),
            Size::new(50.0, 50.0),
        ],
        children: vec![vec![], vec![2], vec![]],
        roots: vec![(0, Orientation::TopDown), (1, Orientation::LeftRight)],
    };
    let l = layout(&f, &s);
    assert_eq!(l.positions[0], Point::new(0.0, 0.0));
    let t1 = l.tree_bounds[1];
    assert_eq!(t1.min, Point::new(100.0 + s.tree_gap, 0.0));
    // LeftRight: root 60 wide, child 50 wide after level gap.
    assert_eq!(t1.width(), 60.0 + s.level_gap + 50.0);
    assert_eq!(t1.height(), 200.0);
    assert_eq!(l.bounds.max, t1.max);
}

#[test]
fn unreachable_and_malformed_nodes() {
    // Node 3 is unreachable; 1 -> 0 is a back edge; 2 is listed twice and is
    // also a later root; 99 is out of range.
    let f = Forest {
        sizes: vec![Size::new(50.0, 50.0); 4],
        children: vec![vec![1, 2, 2, 99], vec![0]],
        roots: vec![
            (0, Orientation::TopDown),
            (2, Orientation::TopDown),
            (42, Orientation::TopDown),
        ],
    };
    let l = layout(&f, &sp());
    assert_eq!(l.placed, vec![true, true, true, false]);
    assert_eq!(l.positions[3], Point::default());
    assert_eq!(l.tree_bounds.len(), 3);
    assert_eq!(l.tree_bounds[1].width(), 0.0);
    assert_eq!(l.tree_bounds[1].height(), 0.0);
    assert_eq!(l.bounds, l.tree_bounds[0]);
    assert!(!visible(&l, &f, l.bounds).contains(&3));
}

#[test]
fn nan_and_negative_sizes_are_sanitised() {
    let f = Forest {
        sizes: vec![
            Size::new(f32::NAN, 10.0),
            Size::new(-5.0, f32::INFINITY),
            Size::new(10.0, 10.0),
        ],
        children: vec![vec![1, 2]],
        roots: vec![(0, Orientation::TopDown)],
    };
    let s = Spacing {
        sibling_gap: f32::NAN,
        level_gap: -3.0,
        tree_gap: f32::INFINITY,
    };
    let l = layout(&f, &s);
    for p in &l.positions {
        assert!(p.x.is_finite() && p.y.is_finite());
    }
}

#[test]
fn rect_helpers() {
    let a = Rect {
        min: Point::new(0.0, 0.0),
        max: Point::new(10.0, 20.0),
    };
    let touching = Rect {
        min: Point::new(10.0, 0.0),
        max: Point::new(20.0, 20.0),
    };
    let corner = Rect {
        min: Point::new(10.0, 20.0),
        max: Point::new(30.0, 30.0),
    };
    let overlapping = Rect {
        min: Point::new(9.0, 19.0),
        max: Point::new(30.0, 30.0),
    };
    assert!(!a.intersects(&touching));
    assert!(!a.intersects(&corner));
    assert!(a.intersects(&overlapping));
    assert!(overlapping.intersects(&a));
    assert!(a.intersects(&a));
    assert_eq!(a.width(), 10.0);
    assert_eq!(a.height(), 20.0);
    assert_eq!(a.center(), Point::new(5.0, 10.0));
    assert_eq!(Spacing::default().sibling_gap, 24.0);
    assert_eq!(Spacing::default().level_gap, 56.0);
    assert_eq!(Spacing::default().tree_gap, 96.0);
    assert_eq!(Orientation::default(), Orientation::TopDown);
}

#[test]
fn visible_returns_cards_in_view() {
    let f = Forest {
        sizes: vec![
            Size::new(100.0, 40.0),
            Size::new(80.0, 30.0),
            Size::new(80.0, 30.0),
        ],
        children: vec![vec![1, 2], vec![], vec![]],
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &sp());
    let everything = visible(&l, &f, l.bounds);
    assert_eq!(everything, vec![0, 1, 2]);
    // Just the left child.
    let left = Rect {
        min: Point::new(0.0, 90.0),
        max: Point::new(10.0, 100.0),
    };
    assert_eq!(visible(&l, &f, left), vec![1]);
    let index = GridIndex::new(&l, &f);
    assert_eq!(index.query(left), vec![1]);
    assert_eq!(index.query(l.bounds), everything);
    let nowhere = Rect {
        min: Point::new(-1e6, -1e6),
        max: Point::new(-1e5, -1e5),
    };
    assert!(visible(&l, &f, nowhere).is_empty());
    assert!(index.query(nowhere).is_empty());
}

#[test]
fn grid_index_handles_huge_cards() {
    // A huge root over many small children: the root spans far more cells
    // than the grid keeps per card and goes to the oversized list.
    let mut sizes = vec![Size::new(200_000.0, 50_000.0)];
    sizes.extend((0..400).map(|i| Size::new(30.0 + (i % 9) as f32 * 20.0, 40.0)));
    let f = Forest {
        children: {
            let mut c = vec![(1..sizes.len()).collect::<Vec<_>>()];
            c.resize(sizes.len(), Vec::new());
            c
        },
        sizes,
        roots: vec![(0, Orientation::TopDown)],
    };
    let l = layout(&f, &sp());
    let index = GridIndex::new(&l, &f);
    for k in 0..40 {
        let x = k as f32 * 6_000.0 - 1_000.0;
        for y in [-10.0, 100.0, 49_990.0, 50_050.0] {
            let view = Rect {
                min: Point::new(x, y),
                max: Point::new(x + 1_500.0, y + 80.0),
            };
            assert_eq!(index.query(view), visible(&l, &f, view), "{view:?}");
        }
    }
}

/// Runs `f` on a thread with a 2 MB stack.
fn on_small_stack<F: FnOnce() + Send + 'static>(f: F) {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn thread");
    handle.join().expect("small-stack thread panicked");
}

#[test]
fn deep_chain_100k_on_2mb_stack() {
    on_small_stack(|| {
        const N: usize = 100_000;
        let s = sp();
        let f = Forest {
            sizes: (0..N)
                .map(|i| Size::new(40.0 + (i % 7) as f32 * 20.0, 30.0))
                .collect(),
            children: (0..N)
                .map(|i| if i + 1 < N { vec![i + 1] } else { vec![] })
                .collect(),
            roots: vec![(0, Orientation::TopDown)],
        };
        let l = layout(&f, &s);
        let c0 = l.rect(&f, 0).center().x;
        for i in 1..N {
            let (p, c) = (l.rect(&f, i - 1), l.rect(&f, i));
            assert!(close(c.center().x, c0), "node {i}");
            assert!(c.min.y >= p.max.y + s.level_gap - 1e-3 * c.min.y);
        }
        let lr = Forest {
            roots: vec![(0, Orientation::LeftRight)],
            ..f
        };
        let l = layout(&lr, &s);
        assert!(l.bounds.width() > l.bounds.height());
        let index = GridIndex::new(&l, &lr);
        assert_eq!(index.query(l.bounds).len(), N);
        // `lr`, `l` and `index` are dropped here, on the small stack.
    });
}

#[test]
fn deep_combs_on_2mb_stack() {
    // Every chain node also has a leaf child, before or after the chain
    // child, so each level sets a thread.
    on_small_stack(|| {
        const LEVELS: usize = 50_000;
        for leaf_first in [false, true] {
            let mut sizes = Vec::with_capacity(2 * LEVELS);
            let mut children = Vec::with_capacity(2 * LEVELS);
            for i in 0..LEVELS {
                let chain = 2 * i;
                sizes.push(Size::new(
                    60.0 + (i % 5) as f32 * 30.0,
                    30.0 + (i % 3) as f32 * 20.0,
                ));
                sizes.push(Size::new(50.0, 25.0));
                let leaf = chain + 1;
                let kids = match (i + 1 < LEVELS, leaf_first) {
                    (false, _) => vec![leaf],
                    (true, false) => vec![chain + 2, leaf],
                    (true, true) => vec![leaf, chain + 2],
                };
                children.push(kids);
                children.push(vec![]);
            }
            let f = Forest {
                sizes,
                children,
                roots: vec![(0, Orientation::TopDown)],
            };
            let l = layout(&f, &sp());
            // Spot-check non-overlap between neighbouring levels.
            for i in 0..2 * LEVELS {
                for j in i + 1..(i + 6).min(2 * LEVELS) {
                    assert!(!l.rect(&f, i).intersects(&l.rect(&f, j)), "{i} {j}");
                }
            }
        }
    });
}

#[test]
fn wide_node_100k_children_on_2mb_stack() {
    on_small_stack(|| {
        const N: usize = 100_000;
        let s = sp();
        let f = Forest {
            sizes: (0..=N)
                .map(|i| Size::new(40.0 + (i % 5) as f32 * 10.0, 20.0 + (i % 3) as f32 * 10.0))
                .collect(),
            children: {
                let mut c = vec![(1..=N).collect::<Vec<_>>()];
                c.resize(N + 1, Vec::new());
                c
            },
            roots: vec![(0, Orientation::TopDown)],
        };
        let l = layout(&f, &s);
        let p = l.rect(&f, 0);
        for i in 2..=N {
            let (a, b) = (l.rect(&f, i - 1), l.rect(&f, i));
            assert!(b.min.x - a.max.x >= s.sibling_gap - 4.0, "child {i}");
            assert!(b.min.x > a.max.x);
            assert_eq!(b.min.y, p.max.y + s.level_gap);
        }
        let mid = 0.5 * (l.rect(&f, 1).center().x + l.rect(&f, N).center().x);
        assert!(close(p.center().x, mid));
    });
}
