//! Combine benchmarks (SPEC §7: proposals over three 1k-node maps ≤ 0.2 s):
//! `edit::combine::propose` over three synthetic maps combined.
//!
//! Two sets of titles: the generator's own (`Metric 17` in every map, so each number makes a
//! group of three and `metric` is in every title), and workshop-like titles — four words
//! each from a vocabulary of 400, the second and third maps rewording every other title by
//! one word — so the inverted index meets realistic overlap.

use std::collections::HashSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fulcrum::edit::Command;
use fulcrum::edit::combine::{self, DEFAULT_THRESHOLD};
use fulcrum::model::{Map, NodeId, synthetic};

/// `map` with each title replaced by four words of a made-up vocabulary; `variant` > 0
/// changes one word of every other title.
fn reworded(mut map: Map, variant: u64) -> Map {
    let ids: Vec<NodeId> = map.dfs().into_iter().cloned().collect();
    let word = |k: u64| format!("w{}x", (k.wrapping_mul(2_654_435_761) >> 7) % 400);
    let mut steps = Vec::with_capacity(ids.len());
    for (i, id) in ids.into_iter().enumerate() {
        let i = i as u64;
        let mut words: Vec<String> = (0..4).map(|k| word(i * 4 + k)).collect();
        if variant > 0 && i.is_multiple_of(2) {
            words[(i % 4) as usize] = word(i * 7 + variant * 1_000_003);
        }
        let mut node = map.node(id.as_str()).expect("a node").clone();
        node.title = words.join(" ");
        steps.push(Command::SetNode {
            id,
            node: Box::new(node),
        });
    }
    Command::Batch(steps).apply(&mut map).expect("retitles");
    map
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("combine proposals, three 1k-node maps");
    for (name, words) in [("generator titles", false), ("workshop-like titles", true)] {
        let sources: Vec<(String, Map)> = (0..3u64)
            .map(|k| {
                let map = synthetic::driver_tree(1_000, 7 + k);
                let map = if words { reworded(map, k) } else { map };
                (format!("map{k}"), map)
            })
            .collect();
        let mut map = Map::new("combined");
        let import = combine::import(&map, None, &sources);
        import.command.apply(&mut map).expect("combines");
        let none = HashSet::new();
        let found = combine::propose(&map, &import.origins, DEFAULT_THRESHOLD, &none);
        eprintln!(
            "{name}: {} proposal groups over {} nodes",
            found.len(),
            map.len()
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(combine::propose(
                    &map,
                    &import.origins,
                    DEFAULT_THRESHOLD,
                    &none,
                ))
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
