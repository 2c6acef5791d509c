//! The flat straight-line code against the traced tapes it stands in for: the same program
//! with its code taken away evaluates and differentiates every formula through
//! `Tape::eval` / `Tape::eval_partials` / `Tape::eval_grad`, and must give the same values,
//! reasons, sensitivities, flags and attributions, bit for bit — on the synthetic trees the
//! benches use, and on formulas whose values and adjoints leave f64's range, have no
//! derivative or no value, or are pinned by a scenario.
#![allow(clippy::unwrap_used)]

use super::{Program, attribute, sensitivities};
use crate::model::{Formula, Map, Node, NodeId, NodeKind, Scenario, synthetic};

/// The same program, every formula through its traced tape.
fn traced(program: &Program) -> Program {
    let mut p = program.clone();
    p.code.clear();
    p.code_start = vec![0; p.len() + 1];
    p
}

fn metric(map: &mut Map, id: &str, parent: Option<&str>, formula: Option<&str>, v: Option<f64>) {
    let mut node = Node::new(NodeKind::Metric, id);
    node.formula = formula.map(|f| match f {
        "Sum" => Formula::Sum,
        "Product" => Formula::Product,
        "Max" => Formula::Max,
        f => Formula::Expr(f.to_owned()),
    });
    node.value = v;
    if let Some(v) = v {
        node.history.insert("P", v * 0.5);
        node.history.insert("Q", v * 1.25);
    }
    map.insert(NodeId::new(id).unwrap(), node, parent, usize::MAX)
        .unwrap();
}

/// Formulas in every corner the flat code must agree on.
fn corners() -> Map {
    let mut map = Map::new("corners");
    metric(&mut map, "top", None, Some("Sum"), None);
    let formulas = [
        "a * b + c / d - e",
        "a * 1e-200 * b * 1e300",
        "a * 1e300 * 1e300 / 1e300",
        "1e-300 * a * 1e-300 * 1e300 * 1e300",
        "sqrt(a - a) + b",
        "sqrt(0) + a",
        "a ^ b + b ^ 0.5",
        "(a - 5) ^ 2 + (0 - a) ^ c",
        "ln(a) * exp(b / 100) - a / (b - b)",
        "exp(a * 800) * exp(0 - a * 800)",
        "c / (a - a)",
        "missing + a",
        "if(a > 1, b, missing)",
        "max(a, b) * c + abs(d - d)",
        "-a * -b - -c",
        "a * a * a / (b * b)",
    ];
    for (k, f) in formulas.iter().enumerate() {
        let id = format!("f{k}");
        metric(&mut map, &id, Some("top"), Some(f), None);
    }
    for (id, v) in [("a", 3.0), ("b", 2.0), ("c", 1.5), ("d", 7.0), ("e", 0.25)] {
        metric(&mut map, id, Some("top"), None, Some(v));
    }
    metric(&mut map, "missing", Some("top"), None, None);
    metric(&mut map, "pinned", Some("top"), Some("a * b"), None);
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert(NodeId::new("pinned").unwrap(), 4.0);
    let scenario = Scenario {
        name: "pin".to_owned(),
        overrides,
    };
    map.insert_scenario(0, scenario).unwrap();
    map
}

fn assert_same(map: &Map, scenario: Option<&str>) {
    let flat = Program::compile(map);
    let slow = traced(&flat);
    let inputs = flat.inputs(map, scenario, None).unwrap();
    let (a, b) = (flat.evaluate(inputs.clone()), slow.evaluate(inputs));
    for i in 0..flat.len() as u32 {
        assert_eq!(
            a.value(i).map(f64::to_bits),
            b.value(i).map(f64::to_bits),
            "value of {}",
            flat.id(i)
        );
    }
    for top in 0..flat.len() as u32 {
        let (s, t) = (sensitivities(&flat, &a, top), sensitivities(&slow, &b, top));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&s.sensitivity),
            bits(&t.sensitivity),
            "top {}",
            flat.id(top)
        );
        // Debug prints each f64 so that it reads back to the same bits (and NaN as NaN,
        // which `==` would not equate): the flags and the Wide figures alike.
        assert_eq!(format!("{s:?}"), format!("{t:?}"), "top {}", flat.id(top));
    }
}

#[test]
fn an_update_keeps_the_slots_the_reverse_pass_reads() {
    for (map, top) in [(synthetic::driver_tree(3_000, 2), "m0"), (corners(), "top")] {
        let program = Program::compile(&map);
        let inputs = program.inputs(&map, None, None).unwrap();
        let top = program.metric(top).unwrap();
        let mut rollup = program.evaluate(inputs);
        let changed: Vec<u32> = (0..program.len() as u32)
            .filter(|&i| program.is_input(i))
            .step_by(7)
            .collect();
        for (k, &i) in changed.iter().enumerate() {
            program.update(&mut rollup, i, Some(3.0 + k as f64));
        }
        let fresh = program.evaluate(rollup.inputs().clone());
        assert_eq!(
            format!("{:?}", sensitivities(&program, &rollup, top)),
            format!("{:?}", sensitivities(&program, &fresh, top))
        );
    }
}

#[test]
fn flat_code_gives_the_traced_values_and_sensitivities_bit_for_bit() {
    for seed in 1..4 {
        assert_same(&synthetic::driver_tree(3_000, seed), None);
    }
    let map = corners();
    assert_same(&map, None);
    assert_same(&map, Some("pin"));
}

#[test]
fn flat_code_gives_the_traced_attribution_bit_for_bit() {
    let mut cases: Vec<(Map, &str, &str)> = (1..3)
        .map(|seed| (synthetic::driver_tree(3_000, seed), "2026-08", "2026-10"))
        .collect();
    cases.push((corners_without_trouble(), "P", "Q"));
    for (map, from, to) in cases {
        let flat = Program::compile(&map);
        let slow = traced(&flat);
        let top = flat.metric(map.roots().next().unwrap().as_str()).unwrap();
        let side = |p: &str| flat.inputs(&map, None, Some(p)).unwrap();
        let (from, to) = (side(from), side(to));
        let (a, b) = (
            attribute(&flat, &from, &to, top),
            attribute(&slow, &from, &to, top),
        );
        assert_eq!(a, b);
    }
}

/// The corners a path can be followed through (every formula defined all along it).
fn corners_without_trouble() -> Map {
    let mut map = Map::new("smooth corners");
    metric(&mut map, "top", None, Some("Sum"), None);
    for (k, f) in [
        "a * b + c / d - e",
        "a * 1e-200 * b * 1e300",
        "a ^ b + b ^ 0.5",
        "ln(a) * exp(b / 100)",
        "-a * -b - -c",
        "a * a * a / (b * b)",
        "max(a, b) * c",
    ]
    .iter()
    .enumerate()
    {
        metric(&mut map, &format!("f{k}"), Some("top"), Some(f), None);
    }
    for (id, v) in [("a", 3.0), ("b", 2.0), ("c", 1.5), ("d", 7.0), ("e", 0.25)] {
        metric(&mut map, id, Some("top"), None, Some(v));
    }
    map
}
