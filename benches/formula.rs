//! Benchmarks of `engine::formula`: parsing a 1 000-operator formula and the value-and-gradient
//! pass of a 50-op formula.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fulcrum::engine::formula::{Scratch, Tape};

/// A formula of `terms` terms of 4 operators each (`+`, `*`, `/`, `-`), over 8 ids.
fn formula(terms: usize) -> String {
    let ids = [
        "visits", "conv", "price", "churn", "cost", "margin", "trials", "seats",
    ];
    let mut s = String::from("1");
    for i in 0..terms {
        let (a, b, c) = (ids[i % 8], ids[(i + 3) % 8], ids[(i + 5) % 8]);
        s.push_str(&format!(" + {a} * {b} / ({c} - 0.5)"));
    }
    s
}

fn bench_parse(c: &mut Criterion) {
    let src = formula(250); // 1 000 binary operators
    c.bench_function("formula/parse_1000_ops", |b| {
        b.iter(|| Tape::parse(black_box(&src)))
    });
}

fn bench_eval_grad(c: &mut Criterion) {
    // 50 ops: sum of terms, a min, an if, sqrt/ln/exp and a power.
    let src = "visits * conv * price * (1 - churn) - cost * seats \
               + min(margin, 0.3) * max(trials, 1) / sqrt(seats + 1) \
               + if(trials > 100, ln(trials) * 2, 0) + exp(-churn) * price ^ 2 \
               - margin / (cost + 1)";
    let tape = Tape::parse(src).expect("bench formula parses");
    assert!((45..=55).contains(&tape.len()), "{} ops", tape.len());
    let values: Vec<f64> = (0..tape.vars().len()).map(|i| 1.5 + i as f64).collect();
    let mut grad = vec![0.0; values.len()];
    let mut scratch = Scratch::new();
    c.bench_function("formula/eval_grad_50_ops", |b| {
        b.iter(|| {
            tape.eval_grad(black_box(&values), 1.0, &mut grad, &mut scratch)
                .expect("evaluates")
        })
    });
    let mut stack = Vec::new();
    c.bench_function("formula/eval_50_ops", |b| {
        b.iter(|| {
            tape.eval(black_box(&values), &mut stack)
                .expect("evaluates")
        })
    });
}

criterion_group!(benches, bench_parse, bench_eval_grad);
criterion_main!(benches);
