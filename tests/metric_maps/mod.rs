//! Small hand-built maps for the engine tests: a metric with a formula or a value, in one
//! line each. Shared by `tests/engine.rs` and `tests/leverage_exact.rs`.
#![allow(dead_code, clippy::unwrap_used)]

use fulcrum::model::{Formula, Map, Node, NodeId, NodeKind};

/// Inserts metric `id` under `parent` with `formula` or `value`.
pub fn metric(
    map: &mut Map,
    id: &str,
    parent: Option<&str>,
    formula: Option<Formula>,
    value: Option<f64>,
) {
    let mut node = Node::new(NodeKind::Metric, id);
    node.formula = formula;
    node.value = value;
    map.insert(NodeId::new(id).unwrap(), node, parent, usize::MAX)
        .unwrap();
}

/// `Some(Formula::Expr(s))`.
pub fn expr(s: &str) -> Option<Formula> {
    Some(Formula::Expr(s.to_owned()))
}
