//! Leverage exact in every corner (issue 14, item 1): each test is named after a class of
//! wrong figure an independent 320-bit check found, with an example of its kind.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use fulcrum::engine::{self, Analysis, Lever, Leverage};
use fulcrum::model::{Formula, Map, NodeId, Scenario};

mod metric_maps;
use metric_maps::{expr, metric};

/// A map whose top `top` is `formula` over the given inputs (children of the top).
fn formula_map(formula: &str, inputs: &[(&str, Option<f64>)]) -> Map {
    let mut map = Map::new("t");
    metric(&mut map, "top", None, expr(formula), None);
    for &(id, v) in inputs {
        metric(&mut map, id, Some("top"), None, v);
    }
    map
}

fn leverage_of(map: &Map) -> Leverage {
    let a = Analysis::new(map, None, None).unwrap();
    engine::leverage(map, &a.program, &a.rollup, None).unwrap()
}

fn lever<'a>(lev: &'a Leverage, id: &str) -> &'a Lever {
    lev.levers
        .iter()
        .find(|l| l.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} is not listed"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(f64::MIN_POSITIVE)
}

fn cli(map: &Map, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.ron");
    std::fs::write(&path, fulcrum::format::to_string(map)).unwrap();
    let out: Output = Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .arg("leverage")
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_no_nan_or_inf(text: &str) {
    let lower = text.to_lowercase();
    assert!(
        !lower.contains("nan") && !lower.contains("inf"),
        "NaN or inf printed:\n{text}"
    );
}

#[test]
fn sqrt_at_zero_nulls_only_its_own_path() {
    let map = formula_map(
        "sqrt(x) + y * 3 + max(z, 0)",
        &[("x", Some(0.0)), ("y", Some(2.0)), ("z", Some(4.0))],
    );
    let lev = leverage_of(&map);
    assert_eq!(lev.value, 10.0);
    let x = lever(&lev, "x");
    assert_eq!((x.sensitivity, x.elasticity), (None, None));
    let y = lever(&lev, "y");
    assert_eq!(y.sensitivity, Some(3.0));
    assert_eq!(y.elasticity, Some(0.6));
    assert!(!y.approximate);
    let z = lever(&lev, "z");
    assert_eq!(z.sensitivity, Some(1.0));
    assert!(z.approximate, "z is read through max");
}

#[test]
fn sqrt_of_a_constant_at_zero_leaves_every_input_exact() {
    let lev = leverage_of(&formula_map("sqrt(0) + x * 2", &[("x", Some(5.0))]));
    assert_eq!(lever(&lev, "x").sensitivity, Some(2.0));
    assert_eq!(lever(&lev, "x").elasticity, Some(1.0));
}

#[test]
fn huge_constant_whose_intermediate_adjoint_overflows() {
    // The adjoint of `x * 1e-300` is 1e10 / 1e-300 = 1e310, past f64; dR/dx is 1e10.
    let lev = leverage_of(&formula_map(
        "x * 1e-300 / 1e-300 / 1e-10 + y",
        &[("x", Some(1.0)), ("y", Some(1.0))],
    ));
    let x = lever(&lev, "x");
    assert!(close(x.sensitivity.unwrap(), 1e10), "{x:?}");
    assert_eq!(lever(&lev, "y").sensitivity, Some(1.0));
}

#[test]
fn tiny_constant_whose_intermediate_adjoint_underflows() {
    // The adjoint of `x * 1e200 * 1e200` is 1e-400, below f64; dR/dx is 1.
    let lev = leverage_of(&formula_map(
        "x * 1e200 * 1e200 / 1e300 / 1e100",
        &[("x", Some(1e-300))],
    ));
    let x = lever(&lev, "x");
    assert!(close(x.sensitivity.unwrap(), 1.0), "{x:?}");
    assert!(close(x.elasticity.unwrap(), 1.0), "{x:?}");
}

/// A `Product` of [a, z, b, c] with z = 0 and a, b, c huge: prefix·suffix would be 0·∞.
fn zero_beside_huge_factors() -> Map {
    let mut map = Map::new("t");
    metric(&mut map, "top", None, Some(Formula::Sum), None);
    metric(&mut map, "p", Some("top"), Some(Formula::Product), None);
    metric(&mut map, "a", Some("p"), None, Some(1e200));
    metric(&mut map, "z", Some("p"), None, Some(0.0));
    metric(&mut map, "b", Some("p"), None, Some(1e200));
    metric(&mut map, "c", Some("p"), None, Some(1e200));
    metric(&mut map, "w", Some("top"), None, Some(2.0));
    map
}

#[test]
fn product_zero_factor_beside_huge_factors() {
    let map = zero_beside_huge_factors();
    let lev = leverage_of(&map);
    assert_eq!(lev.value, 2.0);
    for id in ["a", "b", "c"] {
        let l = lever(&lev, id);
        assert_eq!(
            (l.sensitivity, l.elasticity),
            (Some(0.0), Some(0.0)),
            "{id}"
        );
    }
    // dR/dz = 1e600: too large for f64, so null; its elasticity (dR/dz · 0 / R) is 0.
    let z = lever(&lev, "z");
    assert_eq!((z.sensitivity, z.elasticity), (None, Some(0.0)));
    for format in ["table", "csv", "json"] {
        assert_no_nan_or_inf(&cli(&map, &["--format", format]));
    }
}

#[test]
fn sensitivity_too_large_is_null_while_elasticity_is_exact() {
    let lev = leverage_of(&formula_map(
        "x * y * z",
        &[("x", Some(1e-300)), ("y", Some(1e300)), ("z", Some(1e300))],
    ));
    let x = lever(&lev, "x");
    assert_eq!(x.sensitivity, None, "dR/dx = 1e600");
    assert!(close(x.elasticity.unwrap(), 1.0), "{x:?}");
    assert!(close(lever(&lev, "y").sensitivity.unwrap(), 1e-300 * 1e300));
}

#[test]
fn elasticity_survives_s_times_v_overflowing() {
    // R = x^10 · c = 1e308; s·v = 10·R overflows, the elasticity is 10.
    let lev = leverage_of(&formula_map(
        "x ^ 10 * c",
        &[("x", Some(1e30)), ("c", Some(1e8))],
    ));
    let x = lever(&lev, "x");
    assert!(close(x.elasticity.unwrap(), 10.0), "{x:?}");
    assert!(close(lever(&lev, "c").elasticity.unwrap(), 1.0));
}

#[test]
fn elasticity_survives_s_times_v_underflowing() {
    // R = 1e-300; s·v = 1e-20 · 1e-300 is subnormal; the elasticity is 1e-20 exactly.
    let lev = leverage_of(&formula_map(
        "y + x * 1e-20",
        &[("x", Some(1e-300)), ("y", Some(1e-300))],
    ));
    let x = lever(&lev, "x");
    assert!(close(x.elasticity.unwrap(), 1e-20), "{x:?}");
    // s·v = 1e-307 · 1e-297 is 0 in f64; the elasticity is 1e-304.
    let lev = leverage_of(&formula_map(
        "x * 1e-307 + y",
        &[("x", Some(1e-297)), ("y", Some(1e-300))],
    ));
    let x = lever(&lev, "x");
    assert!(close(x.elasticity.unwrap(), 1e-304), "{x:?}");
}

#[test]
fn approximate_marks_only_the_path_through_max() {
    let lev = leverage_of(&formula_map(
        "x + max(y, 0)",
        &[("x", Some(3.0)), ("y", Some(2.0))],
    ));
    assert!(!lever(&lev, "x").approximate, "x is exact");
    assert!(lever(&lev, "y").approximate);
    // Through an `if`: the condition and the taken branch; not a plain term beside it.
    let lev = leverage_of(&formula_map(
        "if(c > 0, a, b) + d",
        &[
            ("a", Some(1.0)),
            ("b", Some(2.0)),
            ("c", Some(1.0)),
            ("d", Some(4.0)),
        ],
    ));
    for id in ["a", "b", "c"] {
        assert!(lever(&lev, id).approximate, "{id}");
    }
    assert!(!lever(&lev, "d").approximate);
    assert_eq!(lever(&lev, "a").sensitivity, Some(1.0));
    assert_eq!(lever(&lev, "b").sensitivity, Some(0.0));
}

#[test]
fn target_unused_by_the_top_has_impact_zero() {
    let mut map = formula_map("a * 2", &[("a", Some(3.0)), ("b", Some(1.0))]);
    let mut b = map.node("b").unwrap().clone();
    b.target = Some(10.0);
    map.replace_node("b", b).unwrap();
    let lev = leverage_of(&map);
    let b = lever(&lev, "b");
    assert_eq!(b.impact_to_target, Some(0.0));
    assert_eq!(b.sensitivity, Some(0.0));
}

#[test]
fn pow_at_negative_base_has_no_derivative_along_the_exponent() {
    let lev = leverage_of(&formula_map(
        "x ^ y",
        &[("x", Some(-2.0)), ("y", Some(2.0))],
    ));
    assert_eq!(lev.value, 4.0);
    assert_eq!(lever(&lev, "y").sensitivity, None);
    assert_eq!(lever(&lev, "y").elasticity, None);
    assert_eq!(lever(&lev, "x").sensitivity, Some(-4.0));
    assert!(!lever(&lev, "x").approximate);
}

#[test]
fn if_is_lazy_for_a_metric_without_value() {
    let map = formula_map(
        "if(c, a, m) * 2",
        &[("c", Some(1.0)), ("a", Some(5.0)), ("m", None)],
    );
    let a = Analysis::new(&map, None, None).unwrap();
    assert_eq!(a.value("top").unwrap(), Ok(10.0));
    // The incremental path agrees with the full pass, both ways.
    let p = &a.program;
    let (c, top) = (p.metric("c").unwrap(), p.metric("top").unwrap());
    let mut rollup = a.rollup.clone();
    p.update(&mut rollup, c, Some(0.0));
    assert_eq!(rollup.value(top), Err("m has no value"));
    assert_eq!(
        p.what_if(&a.rollup, c, 0.0, top),
        Err("m has no value".into())
    );
    p.update(&mut rollup, c, Some(1.0));
    assert_eq!(rollup.value(top), Ok(10.0));
    assert_eq!(p.what_if(&a.rollup, c, 2.0, top), Ok(10.0));
    // A computed metric without a value in the untaken branch, too.
    let mut map = formula_map("if(c, a, m)", &[("c", Some(1.0)), ("a", Some(5.0))]);
    metric(&mut map, "m", Some("top"), expr("n / 0"), None);
    metric(&mut map, "n", Some("m"), None, Some(1.0));
    let a = Analysis::new(&map, None, None).unwrap();
    assert_eq!(a.value("top").unwrap(), Ok(5.0));
    assert_eq!(a.value("m").unwrap(), Err("division by zero"));
}

#[test]
fn leverage_lists_metrics_without_value() {
    let map = formula_map(
        "if(c, a, m) * 2",
        &[("c", Some(1.0)), ("a", Some(5.0)), ("m", None)],
    );
    let lev = leverage_of(&map);
    let m = lever(&lev, "m");
    assert_eq!(m.value, None);
    assert_eq!(m.sensitivity, Some(0.0));
    assert!(m.approximate, "m is under an `if`");
    let json: serde_json::Value = serde_json::from_str(&cli(&map, &["--format", "json"])).unwrap();
    let m = json["levers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "m")
        .unwrap();
    assert!(m["value"].is_null());
    assert_eq!(m["sensitivity"], 0.0);
}

#[test]
fn scenario_override_of_a_computed_metric_replaces_its_value() {
    let mut map = Map::new("t");
    metric(&mut map, "top", None, expr("lever * 3"), None);
    metric(&mut map, "lever", Some("top"), Some(Formula::Sum), None);
    metric(&mut map, "x", Some("lever"), None, Some(2.0));
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert(NodeId::new("lever").unwrap(), 7.0);
    map.insert_scenario(
        0,
        Scenario {
            name: "What if".into(),
            overrides,
        },
    )
    .unwrap();
    let a = Analysis::new(&map, Some("What if"), None).unwrap();
    assert_eq!(a.value("lever").unwrap(), Ok(7.0));
    assert_eq!(a.value("top").unwrap(), Ok(21.0));
    assert_eq!(a.actual_value("top").unwrap(), Ok(6.0));
}

#[test]
fn table_writes_huge_and_tiny_numbers_in_exponent_form() {
    let map = formula_map("x * y", &[("x", Some(1.5e300)), ("y", Some(2e-12))]);
    let table = cli(&map, &[]);
    assert!(table.contains("3e288"), "{table}");
    assert!(
        table.contains("1.5e300") && table.contains("2e-12"),
        "{table}"
    );
    assert!(
        !table.contains("000000000000000000"),
        "a number cut to digits:\n{table}"
    );
    assert_no_nan_or_inf(&table);
}

#[test]
fn json_shape_is_the_documented_one() {
    let map = formula_map("x * 2", &[("x", Some(3.0))]);
    let json: serde_json::Value = serde_json::from_str(&cli(&map, &["--format", "json"])).unwrap();
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&json), ["top", "value", "levers"]);
    assert_eq!(json["top"], "top");
    assert_eq!(json["value"], 6.0);
    let x = &json["levers"][0];
    assert_eq!(
        keys(x),
        [
            "id",
            "title",
            "value",
            "sensitivity",
            "elasticity",
            "impact_to_target",
            "approximate",
            "lever"
        ]
    );
    assert_eq!(
        (&x["id"], &x["value"], &x["sensitivity"], &x["elasticity"]),
        (
            &serde_json::json!("x"),
            &serde_json::json!(3.0),
            &serde_json::json!(2.0),
            &serde_json::json!(1.0)
        )
    );
    assert!(x["impact_to_target"].is_null());
    assert_eq!(
        (&x["approximate"], &x["lever"]),
        (&serde_json::json!(false), &serde_json::json!(true))
    );
}
