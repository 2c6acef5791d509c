//! Benchmarks for the tidy-tree layout (`fulcrum::layout`).
//!
//! Forests are generated deterministically with a small LCG: branching
//! factor 1–6, card sizes 120–260 × 50–120, a few trees of mixed
//! orientation; plus a 100 000-level chain.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fulcrum::layout::{Forest, GridIndex, Orientation, Point, Rect, Size, Spacing, layout};

/// Minimal linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    /// Uniform-ish integer in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// A forest of exactly `n` nodes: breadth-first growth where each expanded
/// node gets 1–6 children; a new tree is started every ~n/4 nodes.
fn random_forest(n: usize, seed: u64) -> Forest {
    let mut rng = Lcg(seed);
    let mut sizes = Vec::with_capacity(n);
    let mut children: Vec<Vec<usize>> = Vec::with_capacity(n);
    let mut roots = Vec::new();
    let trees = 4.min(n.max(1));
    let per_tree = n.div_ceil(trees);
    let new_node = |sizes: &mut Vec<Size>, children: &mut Vec<Vec<usize>>, rng: &mut Lcg| {
        sizes.push(Size::new(
            rng.range(120, 260) as f32,
            rng.range(50, 120) as f32,
        ));
        children.push(Vec::new());
        sizes.len() - 1
    };
    let mut t = 0;
    while sizes.len() < n {
        let root = new_node(&mut sizes, &mut children, &mut rng);
        let orientation = if t % 2 == 0 {
            Orientation::TopDown
        } else {
            Orientation::LeftRight
        };
        roots.push((root, orientation));
        t += 1;
        let limit = (sizes.len() - 1 + per_tree).min(n);
        // Expand nodes in creation order; skip some to vary the shape.
        let mut next = root;
        while sizes.len() < limit && next < sizes.len() {
            let k = if rng.range(0, 3) == 0 && next != root {
                0
            } else {
                rng.range(1, 6) as usize
            };
            for _ in 0..k {
                if sizes.len() >= limit {
                    break;
                }
                let c = new_node(&mut sizes, &mut children, &mut rng);
                children[next].push(c);
            }
            next += 1;
        }
        if next >= sizes.len() && sizes.len() < limit {
            // Every node was skipped: force growth from the last node.
            let last = sizes.len() - 1;
            let c = new_node(&mut sizes, &mut children, &mut rng);
            children[last].push(c);
        }
    }
    Forest {
        sizes,
        children,
        roots,
    }
}

/// A single chain `n` levels deep.
fn chain(n: usize) -> Forest {
    let mut rng = Lcg(7);
    Forest {
        sizes: (0..n)
            .map(|_| Size::new(rng.range(120, 260) as f32, rng.range(50, 120) as f32))
            .collect(),
        children: (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { Vec::new() })
            .collect(),
        roots: vec![(0, Orientation::TopDown)],
    }
}

fn bench_layout(c: &mut Criterion) {
    let spacing = Spacing::default();
    let mut group = c.benchmark_group("layout");
    for n in [1_000usize, 10_000, 100_000] {
        let forest = random_forest(n, 0x5eed + n as u64);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("random", n), &forest, |b, f| {
            b.iter(|| layout(black_box(f), black_box(&spacing)))
        });
    }
    let deep = chain(100_000);
    group.throughput(Throughput::Elements(100_000));
    group.bench_with_input(BenchmarkId::new("chain", 100_000), &deep, |b, f| {
        b.iter(|| layout(black_box(f), black_box(&spacing)))
    });
    group.finish();
}

fn bench_visible(c: &mut Criterion) {
    let forest = random_forest(100_000, 0x5eed + 100_000);
    let l = layout(&forest, &Spacing::default());
    // A 1920×1080 view around the last node, in a densely packed deep level.
    let c0 = l.rect(&forest, forest.sizes.len() - 1).center();
    let view = Rect {
        min: Point::new(c0.x - 960.0, c0.y - 540.0),
        max: Point::new(c0.x + 960.0, c0.y + 540.0),
    };
    let mut group = c.benchmark_group("visible");
    group.bench_function("linear_100000", |b| {
        b.iter(|| fulcrum::layout::visible(black_box(&l), black_box(&forest), black_box(view)))
    });
    group.bench_function("grid_build_100000", |b| {
        b.iter(|| GridIndex::new(black_box(&l), black_box(&forest)))
    });
    let index = GridIndex::new(&l, &forest);
    group.bench_function("grid_query_100000", |b| {
        b.iter(|| index.query(black_box(view)))
    });
    group.finish();
}

criterion_group!(benches, bench_layout, bench_visible);
criterion_main!(benches);
