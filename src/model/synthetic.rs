//! Synthetic maps of any size, for tests and benchmarks: a driver tree with a mix of
//! formulas, deterministic for a given size and seed. Not used by the app itself.

use super::{Formula, Map, Node, NodeId, NodeKind, Thresholds};

/// A small deterministic pseudo-random generator (64-bit LCG), so generated maps are the same
/// on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }
}

fn id(i: usize) -> NodeId {
    // `m` + digits is always a well-formed id.
    NodeId::new(&format!("m{i}")).unwrap_or_else(|_| NodeId::from_title("m", |_| false))
}

/// A driver tree of `n` metrics (n ≥ 1): branching 1–6, computed metrics using `Sum`, `Mean`,
/// `Max` or an `Expr` over their children, inputs with values between 10 and 1010, a target
/// on every fifth metric and three periods of history on every input.
pub fn driver_tree(n: usize, seed: u64) -> Map {
    let mut rng = Lcg(seed ^ 0x9E37_79B9_7F4A_7C15);
    let mut map = Map::new(format!("Synthetic driver tree of {n} metrics"));
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut parent: Vec<Option<usize>> = vec![None; n];
    // Breadth-first: node k's children are the next unassigned nodes.
    let mut next = 1;
    let mut k = 0;
    while next < n {
        let count = (1 + rng.below(6) as usize).min(n - next);
        for (c, slot) in parent.iter_mut().enumerate().skip(next).take(count) {
            children[k].push(c);
            *slot = Some(k);
        }
        next += count;
        k += 1;
    }
    for i in 0..n {
        let kids = &children[i];
        let mut node = Node::new(NodeKind::Metric, format!("Metric {i}"));
        if kids.is_empty() {
            let v = 10.0 + (rng.unit() * 1000.0).round();
            node.value = Some(v);
            for (p, period) in ["2026-08", "2026-09", "2026-10"].iter().enumerate() {
                node.history.insert(period, v * (0.9 + 0.05 * p as f64));
            }
        } else {
            node.formula = Some(match rng.below(4) {
                0 if kids.len() >= 2 => Formula::Expr(format!(
                    "{} * 0.5 + {} - {}",
                    id(kids[0]),
                    id(kids[kids.len() - 1]),
                    kids.iter()
                        .skip(1)
                        .map(|&c| format!("{} * 0.01", id(c)))
                        .collect::<Vec<_>>()
                        .join(" - ")
                        .trim_start_matches("- ")
                )),
                1 => Formula::Mean,
                2 if rng.below(4) == 0 => Formula::Max,
                _ => Formula::Sum,
            });
        }
        if i % 5 == 0 {
            node.target = Some(1000.0);
            node.thresholds = Some(Thresholds {
                warn: 900.0,
                alert: 500.0,
            });
        }
        let parent_id = parent[i].map(id);
        // Parents come before children (breadth-first numbering), so the insert cannot fail.
        let _ = map.insert(
            id(i),
            node,
            parent_id.as_ref().map(NodeId::as_str),
            usize::MAX,
        );
    }
    map
}

/// A chain of `n` metrics, each the only child of the one before, summed up to the root.
pub fn chain(n: usize) -> Map {
    let mut map = Map::new(format!("Chain of {n}"));
    for i in 0..n {
        let mut node = Node::new(NodeKind::Metric, format!("Level {i}"));
        if i + 1 == n {
            node.value = Some(1.0);
        } else {
            node.formula = Some(Formula::Sum);
        }
        let parent = (i > 0).then(|| id(i - 1));
        let _ = map.insert(id(i), node, parent.as_ref().map(NodeId::as_str), usize::MAX);
    }
    map
}

/// A root summing `n` input children.
pub fn wide(n: usize) -> Map {
    let mut map = Map::new(format!("Root with {n} children"));
    let mut root = Node::new(NodeKind::Metric, "Total");
    root.formula = Some(Formula::Sum);
    let _ = map.insert(id(0), root, None, 0);
    for i in 1..=n {
        let mut node = Node::new(NodeKind::Metric, format!("Part {i}"));
        node.value = Some(i as f64);
        let _ = map.insert(id(i), node, Some("m0"), usize::MAX);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_determinism() {
        let a = driver_tree(1000, 7);
        assert_eq!(a.len(), 1000);
        assert!(a.check_invariants().is_ok());
        let b = driver_tree(1000, 7);
        assert_eq!(a.dfs(), b.dfs());
        assert_eq!(chain(50).depth("m49"), 49);
        assert_eq!(wide(20).child_count("m0"), 20);
    }
}
