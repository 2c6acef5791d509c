//! "Why it moved" benchmarks (SPEC §7: attribution between two periods ≤ 20 ms in process at
//! 100k nodes): `engine::explain_with` on synthetic driver trees at 1k/10k/100k metrics.
//!
//! Two pairs of periods: the generator's own (2026-09 → 2026-10: every input grows by the
//! same factor, so the top moves along a straight line and one panel of 8 points is exact),
//! and 2026-10 → 2026-11, a period added here in which every input moves by its own random
//! −10 % … +10 % — so `Max` metrics switch branch on the way, and panels are split.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fulcrum::engine::{self, Basis, Program};
use fulcrum::model::synthetic;

#[path = "support/lumpy.rs"]
mod lumpy;

fn sizes() -> Vec<usize> {
    vec![1_000, 10_000, 100_000]
}

fn explain(c: &mut Criterion) {
    let mut group = c.benchmark_group("explain");
    group.sample_size(10);
    for n in sizes() {
        let map = lumpy::with_a_lumpy_period(synthetic::driver_tree(n, 1)).expect("a new period");
        let program = Program::compile(&map);
        for (name, from, to) in [
            ("straight", "2026-09", "2026-10"),
            ("lumpy", "2026-10", "2026-11"),
        ] {
            let (from, to) = (Basis::period(from), Basis::period(to));
            let a = engine::explain_with(&program, &map, &from, &to, None).expect("explains");
            eprintln!(
                "explain {name} n={n}: {} points, change {:e}, residual {:e}",
                a.points, a.change, a.residual
            );
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| black_box(engine::explain_with(&program, &map, &from, &to, None)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, explain);
criterion_main!(benches);
