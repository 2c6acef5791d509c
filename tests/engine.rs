//! The engine on small hand-built maps and on synthetic ones: errors as values, cycles,
//! incremental updates, and exact leverage checked against finite differences.
#![allow(clippy::unwrap_used)]

use fulcrum::edit::Command;
use fulcrum::engine::{self, Analysis, Program};
use fulcrum::model::{Formula, Map, NodeId, synthetic};
use proptest::prelude::*;

mod metric_maps;
use metric_maps::{expr, metric};

#[test]
fn division_by_zero_is_a_value_and_its_reason_travels_up() {
    let mut map = Map::new("t");
    metric(&mut map, "signups", None, expr("conversions * 10"), None);
    metric(
        &mut map,
        "conversions",
        Some("signups"),
        expr("paid / trials"),
        None,
    );
    metric(&mut map, "paid", Some("conversions"), None, Some(5.0));
    metric(&mut map, "trials", Some("conversions"), None, Some(0.0));
    let a = Analysis::new(&map, None, None).unwrap();
    assert_eq!(a.value("conversions").unwrap(), Err("trials is 0"));
    assert_eq!(a.value("signups").unwrap(), Err("conversions has no value"));
    // Leverage of a top without a value is an error naming the reason, not a NaN.
    let err = engine::leverage(&map, &a.program, &a.rollup, None).unwrap_err();
    assert!(
        err.to_string().contains("conversions has no value"),
        "{err}"
    );
}

#[test]
fn missing_inputs_domain_errors_and_overflow_are_reasons() {
    let mut map = Map::new("t");
    metric(&mut map, "top", None, Some(Formula::Sum), None);
    metric(&mut map, "empty", Some("top"), None, None);
    metric(&mut map, "log", None, expr("ln(neg)"), None);
    metric(&mut map, "neg", Some("log"), None, Some(-2.0));
    metric(&mut map, "big", None, expr("huge * huge"), None);
    metric(&mut map, "huge", Some("big"), None, Some(1e300));
    let a = Analysis::new(&map, None, None).unwrap();
    assert_eq!(a.value("empty").unwrap(), Err("no value entered"));
    assert_eq!(a.value("top").unwrap(), Err("empty has no value"));
    assert!(
        a.value("log")
            .unwrap()
            .unwrap_err()
            .contains("ln of a non-positive number")
    );
    assert!(a.value("big").unwrap().unwrap_err().contains("overflows"));
}

#[test]
fn cycles_are_reported_with_their_nodes_and_give_no_value() {
    let mut map = Map::new("t");
    metric(&mut map, "a", None, expr("b + 1"), None);
    metric(&mut map, "b", Some("a"), expr("c * 2"), None);
    metric(&mut map, "c", Some("b"), expr("a - 1"), None);
    metric(&mut map, "d", None, expr("a + 1"), None);
    metric(&mut map, "e", None, None, Some(3.0));
    let issues = engine::check_formulas(&map);
    assert_eq!(issues.len(), 1, "{issues:?}");
    let msg = &issues[0].message;
    assert!(
        msg.contains("formula cycle")
            && msg.contains('a')
            && msg.contains('b')
            && msg.contains('c'),
        "{msg}"
    );
    let a = Analysis::new(&map, None, None).unwrap();
    assert!(a.value("a").unwrap().is_err());
    assert_eq!(a.value("d").unwrap(), Err("a has no value"));
    assert_eq!(a.value("e").unwrap(), Ok(3.0));
}

/// Regression: a roll-up of one formula cycle through N metrics gave each of them its own
/// copy of a message naming all N (5 GB for 10k metrics). Now the message is short and the
/// roll-up of 100k metrics on a cycle is linear.
#[test]
fn a_roll_up_of_a_100k_metric_cycle_gives_each_a_short_reason() {
    const N: usize = 100_000;
    let mut map = Map::new("t");
    for i in 0..N {
        metric(
            &mut map,
            &format!("m{i}"),
            None,
            expr(&format!("m{} + 1", (i + 1) % N)),
            None,
        );
    }
    let issues = engine::check_formulas(&map);
    assert_eq!(issues.len(), 1);
    assert!(issues[0].message.len() < 300, "{}", issues[0].message);
    assert!(
        issues[0]
            .message
            .ends_with("→ m99999 → m0 (100000 metrics)")
    );
    let a = Analysis::new(&map, None, None).unwrap();
    for i in [0, 1, N / 2, N - 1] {
        assert_eq!(
            a.value(&format!("m{i}")).unwrap(),
            Err(issues[0].message.as_str())
        );
    }
}

/// Regression: cycles were broken one at a time, re-sorting the whole map after each, so a
/// ladder of N/2 two-metric cycles (each rung also using the next) took N/2 sorts — quadratic
/// time. Every cycle is now found in one pass: the ladder is one knot, named once.
#[test]
fn a_ladder_of_cycles_is_broken_in_one_pass() {
    const N: usize = 20_000;
    let mut map = Map::new("t");
    for i in 0..N {
        let uses = match i {
            0 => "x1".to_owned(),
            _ if i == N - 1 => format!("x{}", i - 1),
            _ => format!("x{} + x{}", i - 1, i + 1),
        };
        metric(&mut map, &format!("x{i}"), None, expr(&uses), None);
    }
    metric(&mut map, "behind", None, expr("x7 * 2"), None);
    let issues = engine::check_formulas(&map);
    assert_eq!(issues.len(), 1, "{:?}", &issues[..issues.len().min(3)]);
    assert!(
        issues[0].message.starts_with("formula cycle: "),
        "{}",
        issues[0].message
    );
    let a = Analysis::new(&map, None, None).unwrap();
    assert!(a.value("x12345").unwrap().is_err());
    assert_eq!(a.value("behind").unwrap(), Err("x7 has no value"));
}

#[test]
fn unknown_ids_and_empty_aggregates_are_issues() {
    let mut map = Map::new("t");
    metric(&mut map, "a", None, expr("b + ghost"), None);
    metric(&mut map, "b", Some("a"), Some(Formula::Sum), None);
    let issues = engine::check_formulas(&map);
    assert!(
        issues
            .iter()
            .any(|i| i.message.contains("`ghost`") && i.offset == Some(4)),
        "{issues:?}"
    );
    assert!(
        issues
            .iter()
            .any(|i| i.node.as_str() == "b" && i.message.contains("Sum needs"))
    );
}

#[test]
fn product_sensitivity_is_exact_with_a_zero_factor() {
    let mut map = Map::new("t");
    metric(&mut map, "p", None, Some(Formula::Product), None);
    metric(&mut map, "x", Some("p"), None, Some(0.0));
    metric(&mut map, "y", Some("p"), None, Some(3.0));
    metric(&mut map, "z", Some("p"), None, Some(4.0));
    let a = Analysis::new(&map, None, None).unwrap();
    let sens = engine::sensitivities(&a.program, &a.rollup, a.program.metric("p").unwrap());
    assert_eq!(sens.get(a.program.metric("x").unwrap()), Some(12.0));
    assert_eq!(sens.get(a.program.metric("y").unwrap()), Some(0.0));
}

#[test]
fn min_max_and_if_are_flagged_approximate() {
    let mut map = Map::new("t");
    metric(&mut map, "top", None, expr("lo + safe"), None);
    metric(&mut map, "lo", Some("top"), Some(Formula::Min), None);
    metric(&mut map, "a", Some("lo"), None, Some(2.0));
    metric(&mut map, "b", Some("lo"), None, Some(5.0));
    metric(&mut map, "safe", Some("top"), expr("if(c > 0, c, 1)"), None);
    metric(&mut map, "c", Some("safe"), None, Some(3.0));
    metric(&mut map, "plain", Some("top"), None, Some(1.0));
    let a = Analysis::new(&map, None, None).unwrap();
    let lev = engine::leverage(&map, &a.program, &a.rollup, None).unwrap();
    let get = |id: &str| lev.levers.iter().find(|l| l.id.as_str() == id).unwrap();
    assert_eq!(get("a").sensitivity, Some(1.0));
    assert_eq!(get("b").sensitivity, Some(0.0));
    assert!(get("a").approximate && get("b").approximate && get("c").approximate);
    assert_eq!(get("c").sensitivity, Some(1.0));
    // `plain` is in the top's subtree but unused by its formula: listed with zeros.
    assert_eq!(get("plain").sensitivity, Some(0.0));
    assert!(!get("plain").approximate);
}

#[test]
fn deep_chain_rolls_up_without_recursion() {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let map = synthetic::chain(100_000);
            let a = Analysis::new(&map, None, None).unwrap();
            assert_eq!(a.value("m0").unwrap(), Ok(1.0));
            let lev = engine::leverage(&map, &a.program, &a.rollup, None).unwrap();
            assert_eq!(lev.levers.len(), 99_999);
            assert!(lev.levers.iter().all(|l| l.sensitivity == Some(1.0)));
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn synthetic_maps_roll_up_without_errors() {
    let map = synthetic::driver_tree(5_000, 3);
    assert!(engine::check_formulas(&map).is_empty());
    let a = Analysis::new(&map, None, None).unwrap();
    for id in map.dfs() {
        assert!(a.value(id.as_str()).unwrap().is_ok(), "{id}");
    }
}

fn inputs_of(program: &Program) -> Vec<u32> {
    (0..program.len() as u32)
        .filter(|&i| program.is_input(i))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Editing one input and updating incrementally gives exactly the full recompute, and only
    /// the input's dependents change.
    #[test]
    fn incremental_update_matches_full_recompute(seed in 0u64..1000, pick in 0usize..10_000, value in -1e6f64..1e6) {
        let mut map = synthetic::driver_tree(400, seed);
        let program = Program::compile(&map);
        let before = program.evaluate(program.inputs(&map, None, None).unwrap());
        let ins = inputs_of(&program);
        let x = ins[pick % ins.len()];
        let mut updated = before.clone();
        program.update(&mut updated, x, Some(value));
        // The same edit made to the map through a command, then a full recompute.
        let id = program.id(x).clone();
        let mut node = map.node(id.as_str()).unwrap().clone();
        node.value = Some(value);
        Command::SetNode { id, node: Box::new(node) }.apply(&mut map).unwrap();
        let fresh = program.evaluate(program.inputs(&map, None, None).unwrap());
        let ancestors: Vec<u32> = {
            let mut out = vec![];
            let mut cur = Some(program.id(x).clone());
            while let Some(c) = cur {
                out.push(program.metric(c.as_str()).unwrap());
                cur = map.parent(c.as_str()).cloned();
            }
            out
        };
        for i in 0..program.len() as u32 {
            prop_assert_eq!(updated.value(i).ok(), fresh.value(i).ok());
            if !ancestors.contains(&i) {
                prop_assert_eq!(updated.value(i).ok(), before.value(i).ok());
            }
        }
    }

    /// Sensitivities from the reverse pass agree with central finite differences.
    #[test]
    fn sensitivities_match_finite_differences(seed in 0u64..1000, pick in 0usize..10_000) {
        let map = synthetic::driver_tree(200, seed);
        let program = Program::compile(&map);
        let rollup = program.evaluate(program.inputs(&map, None, None).unwrap());
        let top = program.metric("m0").unwrap();
        let sens = engine::sensitivities(&program, &rollup, top);
        let ins = inputs_of(&program);
        let x = ins[pick % ins.len()];
        prop_assume!(!sens.approximate[x as usize]);
        let v = rollup.value(x).unwrap();
        let h = 1e-3 * v.abs().max(1.0);
        let up = program.what_if(&rollup, x, v + h, top).unwrap();
        let down = program.what_if(&rollup, x, v - h, top).unwrap();
        let fd = (up - down) / (2.0 * h);
        let s = sens.get(x).unwrap();
        prop_assert!((fd - s).abs() <= 1e-6 * s.abs().max(1.0), "fd {} vs {}", fd, s);
    }
}

/// A scenario's override of a computed (controllable) metric pins it: its value replaces the
/// computed one in the roll-up, what it is computed from no longer moves the top, and the
/// incremental update pins and unpins it the same way.
#[test]
fn an_override_of_a_computed_metric_pins_it() {
    use fulcrum::model::Scenario;
    let mut map = Map::new("t");
    metric(&mut map, "top", None, Some(Formula::Sum), None);
    metric(&mut map, "a", Some("top"), None, Some(5.0));
    metric(&mut map, "b", Some("top"), expr("c * 2"), None);
    metric(&mut map, "c", Some("b"), None, Some(3.0));
    let mut b = map.node("b").unwrap().clone();
    b.controllable = true;
    map.replace_node("b", b).unwrap();
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert(NodeId::new("b").unwrap(), 10.0);
    map.insert_scenario(
        0,
        Scenario {
            name: "Pinned".into(),
            overrides,
        },
    )
    .unwrap();
    let actual = Analysis::new(&map, None, None).unwrap();
    assert_eq!(actual.value("top").unwrap(), Ok(11.0));
    let a = Analysis::new(&map, Some("Pinned"), None).unwrap();
    assert_eq!(a.value("b").unwrap(), Ok(10.0));
    assert_eq!(a.value("top").unwrap(), Ok(15.0));
    let lev = engine::leverage(&map, &a.program, &a.rollup, None).unwrap();
    let sens = |id: &str| {
        lev.levers
            .iter()
            .find(|l| l.id.as_str() == id)
            .and_then(|l| l.sensitivity)
    };
    assert_eq!(sens("b"), Some(1.0));
    assert_eq!(sens("c").unwrap_or(0.0), 0.0, "c no longer moves the top");
    // Incremental: pin b in the actuals, then unpin it.
    let mut rollup = actual.rollup.clone();
    let (ib, itop) = (
        actual.program.metric("b").unwrap(),
        actual.program.metric("top").unwrap(),
    );
    actual.program.update(&mut rollup, ib, Some(20.0));
    assert_eq!(rollup.value(itop), Ok(25.0));
    actual.program.update(&mut rollup, ib, None);
    assert_eq!(rollup.value(itop), Ok(11.0));
}

fn questions_map() -> Map {
    let mut map = Map::new("t");
    metric(
        &mut map,
        "nrr",
        None,
        expr("(start + expansion - churn) / start"),
        None,
    );
    metric(&mut map, "start", Some("nrr"), None, Some(100_000.0));
    metric(&mut map, "expansion", Some("nrr"), None, Some(9_000.0));
    metric(&mut map, "churn", Some("nrr"), None, Some(2_000.0));
    metric(&mut map, "square", None, expr("x ^ 2"), None);
    metric(&mut map, "x", Some("square"), None, Some(1.0));
    metric(&mut map, "unused", Some("square"), None, Some(3.0));
    map
}

fn ask<'a>(a: &'a Analysis, lever: &str, top: &str) -> engine::LeverQuestions<'a> {
    let i = a.program.metric(lever).unwrap();
    let t = a.program.metric(top).unwrap();
    engine::LeverQuestions::new(&a.program, &a.rollup, i, t)
}

#[test]
fn goal_seek_finds_the_exact_lever_value() {
    let map = questions_map();
    let a = Analysis::new(&map, None, None).unwrap();
    // NRR 1.07 → 1.10 needs 3 000 more expansion.
    let v = ask(&a, "expansion", "nrr").goal_seek(1.10).unwrap();
    assert!((v - 12_000.0).abs() < 1e-6, "{v}");
    // Churn has to fall to -1 000: below 0, so out of reach.
    let err = ask(&a, "churn", "nrr").goal_seek(1.10).unwrap_err();
    assert!(
        matches!(
            err,
            engine::Unreachable::PastBound {
                needs_negative: true,
                ..
            }
        ),
        "{err:?}"
    );
    // Nonlinear: x² = 16 from x = 1.
    let v = ask(&a, "x", "square").goal_seek(16.0).unwrap();
    assert!((v - 4.0).abs() < 1e-9, "{v}");
    // A lever the top does not read.
    let err = ask(&a, "unused", "square").goal_seek(16.0).unwrap_err();
    assert_eq!(err, engine::Unreachable::Flat);
    // x² never reaches -1.
    let err = ask(&a, "x", "square").goal_seek(-1.0).unwrap_err();
    assert!(
        matches!(err, engine::Unreachable::PastBound { .. }),
        "{err:?}"
    );
}

#[test]
fn the_tornado_is_the_top_at_minus_and_plus_ten_percent() {
    let map = questions_map();
    let a = Analysis::new(&map, None, None).unwrap();
    let (low, high) = ask(&a, "expansion", "nrr").tornado().unwrap();
    assert!((low - (100_000.0 + 8_100.0 - 2_000.0) / 100_000.0).abs() < 1e-12);
    assert!((high - (100_000.0 + 9_900.0 - 2_000.0) / 100_000.0).abs() < 1e-12);
    let (low, high) = ask(&a, "start", "nrr").tornado().unwrap();
    assert!((low - (90_000.0 + 7_000.0) / 90_000.0).abs() < 1e-12);
    assert!((high - (110_000.0 + 7_000.0) / 110_000.0).abs() < 1e-12);
}
