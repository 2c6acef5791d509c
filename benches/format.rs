//! Benchmarks of `format`: load (parse + validate) and save of the shared synthetic driver
//! trees of 1k, 10k and 100k nodes, and 1M with `FULCRUM_BENCH_1M=1`. SPEC §7 targets: load
//! ≤ 0.15 s and save ≤ 0.15 s at 100k; load ≤ 1.5 s at 1M. `ron_reader` is the same load
//! with `ron` alone (the reference the fast reader is tested against). `load_map_like` reads
//! a later version sharing the first's unchanged nodes (as `diff` and `merge` do), beside
//! `load_map_alone`, the same text read alone. Dropping the loaded map is not counted.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fulcrum::format;
use fulcrum::model::synthetic;

fn bench_format(c: &mut Criterion) {
    let mut group = c.benchmark_group("format");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sizes = vec![1_000usize, 10_000, 100_000];
    if std::env::var_os("FULCRUM_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    for n in sizes {
        let map = synthetic::driver_tree(n, 7);
        let text = format::to_string(&map);
        let path = dir.path().join(format!("map_{n}.ron"));
        format::save(&map, &path).expect("generated map saves");
        group.bench_with_input(BenchmarkId::new("load", n), &path, |b, path| {
            b.iter_with_large_drop(|| format::load(black_box(path)).expect("loads"))
        });
        group.bench_with_input(BenchmarkId::new("parse_str", n), &text, |b, text| {
            b.iter_with_large_drop(|| format::parse_str(black_box(text)).expect("parses"))
        });
        group.bench_with_input(BenchmarkId::new("ron_reader", n), &text, |b, text| {
            b.iter_with_large_drop(|| format::parse_str_by(black_box(text), format::Reader::Ron))
        });
        // The reference SPEC §7 compares against: ron alone, parsing into its own `Value`.
        group.bench_with_input(BenchmarkId::new("ron_alone", n), &text, |b, text| {
            b.iter_with_large_drop(|| {
                ron::from_str::<ron::Value>(black_box(text)).expect("ron parses")
            })
        });
        // A later version of the map (every 1000th title changed) read sharing the first's
        // nodes, as `diff` and `merge` read theirs; `load_map` is the same read alone.
        let (first, kept) = format::parse_map_kept(text.clone()).expect("loads");
        let kept = kept.expect("a canonical text is kept");
        let earlier = kept.earlier(&first);
        let later = later_version(&text);
        group.bench_with_input(BenchmarkId::new("load_map_like", n), &later, |b, later| {
            b.iter_with_large_drop(|| format::parse_map_like(black_box(later), &earlier))
        });
        group.bench_with_input(BenchmarkId::new("load_map_alone", n), &later, |b, later| {
            b.iter_with_large_drop(|| format::parse_map(black_box(later)))
        });
        group.bench_with_input(BenchmarkId::new("to_string", n), &map, |b, map| {
            b.iter_with_large_drop(|| format::to_string(black_box(map)))
        });
        group.bench_with_input(BenchmarkId::new("save", n), &map, |b, map| {
            b.iter(|| format::save(black_box(map), &path).expect("saves"))
        });
    }
    group.finish();
}

/// `text` with every 1000th node's title changed.
fn later_version(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 1000);
    for (i, piece) in text.split("title: \"").enumerate() {
        if i > 0 {
            out.push_str("title: \"");
            if i % 1000 == 0 {
                out.push_str("New ");
            }
        }
        out.push_str(piece);
    }
    out
}

/// Many problems on one line: each position comes from one line index, so the time grows
/// linearly with the number of problems (it was quadratic: 100k took 15 s).
fn bench_problems_on_one_line(c: &mut Criterion) {
    let mut group = c.benchmark_group("problems_on_one_line");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        let nodes: String = (0..n)
            .map(|i| format!("(id: \"a{i}\", parent: \"zz\", kind: Note), "))
            .collect();
        let text = format!("Map(format: 1, nodes: [{nodes}])");
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter_with_large_drop(|| format::parse_str(black_box(text)).expect_err("invalid"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_format, bench_problems_on_one_line);
criterion_main!(benches);
