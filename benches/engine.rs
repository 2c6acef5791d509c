//! Engine benchmarks (SPEC §7): full roll-up + leverage of every node, the incremental update
//! after one input edit, and compiling a map, at 1k/10k/100k (and 1M) metrics.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fulcrum::engine::{self, Program};
use fulcrum::model::synthetic;

fn sizes() -> Vec<usize> {
    let mut sizes = vec![1_000, 10_000, 100_000];
    if std::env::var_os("FULCRUM_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    sizes
}

fn rollup_and_leverage(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    for n in sizes() {
        let map = synthetic::driver_tree(n, 1);
        let program = Program::compile(&map);
        let inputs = program.inputs(&map, None, None).expect("actuals");
        let top = program.metric("m0").expect("root");
        let mut scratch = program.evaluate(inputs.clone());
        group.bench_with_input(
            BenchmarkId::new("rollup_plus_sensitivities", n),
            &n,
            |b, _| {
                b.iter(|| {
                    program.reevaluate(&mut scratch);
                    black_box(engine::sensitivities(&program, &scratch, top))
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("rollup_only", n), &n, |b, _| {
            b.iter(|| program.reevaluate(black_box(&mut scratch)))
        });
        let mut rollup = program.evaluate(inputs.clone());
        let input = (0..program.len() as u32)
            .rev()
            .find(|&i| program.is_input(i))
            .expect("an input");
        let mut flip = false;
        group.bench_with_input(BenchmarkId::new("update_one_input", n), &n, |b, _| {
            b.iter(|| {
                flip = !flip;
                program.update(&mut rollup, input, Some(if flip { 5.0 } else { 7.0 }));
            })
        });
        group.bench_with_input(BenchmarkId::new("compile", n), &n, |b, _| {
            b.iter(|| black_box(Program::compile(&map)))
        });
        let rollup = program.evaluate(inputs.clone());
        group.bench_with_input(BenchmarkId::new("leverage_report", n), &n, |b, _| {
            b.iter(|| black_box(engine::leverage(&map, &program, &rollup, None)))
        });
    }
    group.finish();
}

criterion_group!(benches, rollup_and_leverage);
criterion_main!(benches);
