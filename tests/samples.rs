//! Every sample loads clean, and its roll-up and leverage match figures computed by hand.
#![allow(clippy::unwrap_used)]

use fulcrum::engine::{self, Analysis, Rag, ost};
use fulcrum::format;
use fulcrum::model::Map;

fn load(name: &str) -> Map {
    let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    let loaded = format::load(std::path::Path::new(&path)).unwrap();
    assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
    loaded.map
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[track_caller]
fn assert_value(analysis: &Analysis, id: &str, expected: f64) {
    let got = analysis.value(id).unwrap().unwrap();
    assert!(close(got, expected), "{id}: got {got}, expected {expected}");
}

#[test]
fn every_sample_loads_and_saves_canonically() {
    for name in ["nrr.ron", "saas_revenue.ron", "ost.ron", "workshop.ron"] {
        let map = load(name);
        let text = format::to_string(&map);
        let again = format::parse_str(&text).unwrap();
        assert_eq!(format::to_string(&again.map), text, "{name}");
    }
}

#[test]
fn nrr_rolls_up() {
    let map = load("nrr.ron");
    let a = Analysis::new(&map, None, None).unwrap();
    // expansion = 9000 + 6000; churned = 25 × 200; nrr = (100000 + 15000 − 3000 − 5000) / 100000.
    assert_value(&a, "expansion", 15_000.0);
    assert_value(&a, "churned", 5_000.0);
    assert_value(&a, "nrr", 1.07);
    let nrr = map.node("nrr").unwrap();
    // Thresholds warn 1.08, alert 1.00: 1.07 is past warn but not alert.
    assert_eq!(engine::status(nrr, 1.07), Some(Rag::Amber));
}

#[test]
fn nrr_leverage() {
    let map = load("nrr.ron");
    let a = Analysis::new(&map, None, None).unwrap();
    let lev = engine::leverage(&map, &a.program, &a.rollup, None).unwrap();
    assert_eq!(lev.top.as_str(), "nrr");
    let get = |id: &str| lev.levers.iter().find(|l| l.id.as_str() == id).unwrap();
    // dR/dE = 1 / 100000; elasticity = 1e-5 × 15000 / 1.07.
    let e = get("expansion");
    assert!(close(e.sensitivity.unwrap(), 1e-5));
    assert!(close(e.elasticity.unwrap(), 0.15 / 1.07));
    // Expansion at its 20000 target: (100000 + 20000 − 8000) / 100000 − 1.07 = 0.05.
    assert!(close(e.impact_to_target.unwrap(), 0.05));
    // dR/ds = (C + Ch − E) / s² = (3000 + 5000 − 15000) / 1e10.
    assert!(close(get("starting_mrr").sensitivity.unwrap(), -7e-7));
    // churned_accounts: −1e-5 × 200 per account.
    let ca = get("churned_accounts");
    assert!(close(ca.sensitivity.unwrap(), -0.002));
    assert!(close(ca.elasticity.unwrap(), -0.002 * 25.0 / 1.07));
    assert!(ca.is_lever);
    assert!(!get("churned").is_lever);
    assert!(close(get("contraction").impact_to_target.unwrap(), 0.005));
    assert!(close(get("churned").impact_to_target.unwrap(), 0.01));
    // Sorted by |elasticity|: expansion first.
    assert_eq!(lev.levers[0].id.as_str(), "expansion");
    let mags: Vec<f64> = lev
        .levers
        .iter()
        .map(|l| l.elasticity.unwrap().abs())
        .collect();
    assert!(mags.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn nrr_scenario_and_period() {
    let map = load("nrr.ron");
    // Save desk: 15 churned accounts → churned 3000 → (100000 + 15000 − 3000 − 3000) / 100000.
    let a = Analysis::new(&map, Some("Save desk"), None).unwrap();
    assert_value(&a, "nrr", 1.09);
    assert!(close(a.actual_value("nrr").unwrap().unwrap(), 1.07));
    // 2026-09: (96000 + 8200 + 5800 − 3100 − 27 × 205) / 96000.
    let p = Analysis::new(&map, None, Some("2026-09")).unwrap();
    assert_value(
        &p,
        "nrr",
        (96_000.0 + 14_000.0 - 3_100.0 - 5_535.0) / 96_000.0,
    );
}

#[test]
fn saas_revenue_rolls_up() {
    let map = load("saas_revenue.ron");
    let a = Analysis::new(&map, None, None).unwrap();
    // customers = 480 + 600 × 0.08 − 480 × 0.025 = 516; arr = 516 × 450 × 12.
    assert_value(&a, "new_customers", 48.0);
    assert_value(&a, "churned_customers", 12.0);
    assert_value(&a, "customers", 516.0);
    assert_value(&a, "arr", 2_786_400.0);
    assert_eq!(
        engine::status(map.node("arr").unwrap(), 2_786_400.0),
        Some(Rag::Amber)
    );
    let s = Analysis::new(&map, Some("Pricing refresh"), None).unwrap();
    assert_value(&s, "arr", 516.0 * 495.0 * 12.0);
    // 2026-09: 470 + 580 × 0.075 − 470 × 0.026 = 501.28 customers at 445.
    let p = Analysis::new(&map, None, Some("2026-09")).unwrap();
    assert_value(&p, "customers", 501.28);
    assert_value(&p, "arr", 501.28 * 445.0 * 12.0);
    // Six months of history give six computed values for every metric.
    let periods = Analysis::periods(&map);
    assert_eq!(periods.len(), 6);
    let series = a.series(&map, &periods);
    let arr = a.program.metric("arr").unwrap() as usize;
    assert!(series[arr].iter().all(Option::is_some));
}

#[test]
fn saas_revenue_leverage() {
    let map = load("saas_revenue.ron");
    let a = Analysis::new(&map, None, None).unwrap();
    let lev = engine::leverage(&map, &a.program, &a.rollup, None).unwrap();
    let get = |id: &str| lev.levers.iter().find(|l| l.id.as_str() == id).unwrap();
    // arr = customers × arpa × 12: both have elasticity 1.
    assert!(close(get("arpa").elasticity.unwrap(), 1.0));
    assert!(close(get("arpa").sensitivity.unwrap(), 516.0 * 12.0));
    assert!(close(get("customers").elasticity.unwrap(), 1.0));
    // starting_customers appears twice (customers and churn): d/ds = 5400 × (1 − 0.025).
    assert!(close(
        get("starting_customers").sensitivity.unwrap(),
        5_265.0
    ));
    assert!(close(
        get("starting_customers").elasticity.unwrap(),
        0.975 * 480.0 / 516.0
    ));
    assert!(close(
        get("trial_conversion").sensitivity.unwrap(),
        5_400.0 * 600.0
    ));
    assert!(close(
        get("logo_churn_rate").elasticity.unwrap(),
        -12.0 / 516.0
    ));
    // Impact to target by exact re-evaluation.
    assert!(close(get("arpa").impact_to_target.unwrap(), 309_600.0));
    assert!(close(get("trials").impact_to_target.unwrap(), 43_200.0));
    assert!(close(
        get("trial_conversion").impact_to_target.unwrap(),
        64_800.0
    ));
    assert!(close(
        get("logo_churn_rate").impact_to_target.unwrap(),
        12_960.0
    ));
    // A different top.
    let lev = engine::leverage(&map, &a.program, &a.rollup, Some("customers")).unwrap();
    assert_eq!(lev.value, 516.0);
    assert!(lev.levers.iter().all(|l| l.id.as_str() != "arpa"));
}

#[test]
fn ost_rollups() {
    let map = load("ost.ron");
    let leaps = |s: &str| ost::untested_leaps(&map, s);
    // teams_use_slack (5, 2; its test is still running) and slack_approval (4, 1).
    assert_eq!(leaps("slack_invite").len(), 2);
    // copy_is_useful has evidence 4: no leap.
    assert!(leaps("starter_board").is_empty());
    assert_eq!(leaps("viewer_seats").len(), 1);
    let o = ost::opportunity_summary(&map, "cant_invite").unwrap();
    assert_eq!(o.solutions.len(), 3);
    assert_eq!(o.best_expected_lift, Some(0.06));
    // guest_roles (0.03) is dropped, so the best is role_preview's 0.02.
    let o = ost::opportunity_summary(&map, "permissions_confusing").unwrap();
    assert_eq!(o.best_expected_lift, Some(0.02));
}

#[test]
fn workshop_bridges_discovery_to_the_north_star() {
    let map = load("workshop.ron");
    let a = Analysis::new(&map, None, None).unwrap();
    let lev = engine::leverage(&map, &a.program, &a.rollup, None).unwrap();
    let s = ost::solution_summary(&map, "slack_invite", Some(&lev)).unwrap();
    // grow_usage measures seat_expansion, whose elasticity on nrr is 9000e-5 / 1.07.
    let effect = s.north_star_effect.unwrap();
    assert!(close(effect, 0.06 * 0.09 / 1.07), "{effect}");
}

/// `load_map` (what diff and merge use) gives the map `load` gives, refuses what `load`
/// refuses with the same problems, and a formula's problem does not stop either.
#[test]
fn load_map_is_load_without_the_formulas() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["nrr.ron", "saas_revenue.ron", "ost.ron", "workshop.ron"] {
        let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
        let path = std::path::Path::new(&path);
        let full = format::load(path).unwrap().map;
        let alone = format::load_map(path).unwrap();
        assert_eq!(
            format::to_string(&alone),
            format::to_string(&full),
            "{name}"
        );
    }
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let duplicate = write(
        "dup.ron",
        "Map(format: 1, title: \"t\", nodes: [(id: \"a\", kind: Metric, title: \"A\"), \
         (id: \"a\", kind: Metric, title: \"B\")])",
    );
    let (Err(full), Err(alone)) = (format::load(&duplicate), format::load_map(&duplicate)) else {
        panic!("a duplicate id is refused by both");
    };
    assert_eq!(full.problems(), alone.problems());
    let bad_formula = write(
        "formula.ron",
        "Map(format: 1, title: \"t\", nodes: [(id: \"a\", kind: Metric, title: \"A\", \
         formula: Expr(\"b +\"))])",
    );
    assert!(!format::load(&bad_formula).unwrap().warnings.is_empty());
    assert_eq!(format::load_map(&bad_formula).unwrap().len(), 1);
}
