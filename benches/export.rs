//! Benchmarks of picture exports (`fulcrum::export`) on the shared synthetic driver trees:
//! SVG of 1k, 10k and 100k nodes (layout, every card drawn, the text written, the faces
//! subset) and PNG of 1k (the SVG read and rasterised by resvg). SPEC §7 targets, as whole
//! processes with the map loaded: SVG of 100k ≤ 0.5 s, PNG of 1k ≤ 1 s; the font lookup is
//! done once before timing, as a process does it once.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fulcrum::export::{self, ExportOptions, fonts::FontSet};
use fulcrum::model::synthetic;

fn bench_export(c: &mut Criterion) {
    if FontSet::system().is_none() {
        eprintln!("no font installed: nothing to export");
        return;
    }
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    let options = ExportOptions::default();
    for n in [1_000usize, 10_000, 100_000] {
        let map = synthetic::driver_tree(n, 1);
        group.bench_with_input(BenchmarkId::new("svg", n), &map, |b, map| {
            b.iter_with_large_drop(|| export::svg(black_box(map), &options).expect("exports"))
        });
        if n == 1_000 {
            group.bench_with_input(BenchmarkId::new("png", n), &map, |b, map| {
                b.iter_with_large_drop(|| export::png(black_box(map), &options).expect("exports"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_export);
criterion_main!(benches);
