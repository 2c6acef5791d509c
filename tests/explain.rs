//! Why it moved (SPEC §4.2b): Aumann–Shapley attribution checked against figures derived
//! independently — closed forms for sums, products and ratios, and for the NRR sample a
//! fine Simpson integration of hand-written partial derivatives.
#![allow(clippy::unwrap_used)]

use fulcrum::engine::{self, Attribution, AttributionError, Basis, MAX_POINTS, Program};
use fulcrum::format;
use fulcrum::model::Map;

/// A map from its node list (RON), with an optional scenarios list.
fn map(nodes: &str, scenarios: &str) -> Map {
    let text = format!(
        "#![enable(implicit_some)]\nMap(format: 1, title: \"t\", nodes: [\n{nodes}\n], scenarios: [{scenarios}])\n"
    );
    match format::parse_str(&text) {
        Ok(loaded) => loaded.map,
        Err(err) => panic!("{err}\n{text}"),
    }
}

fn sample(name: &str) -> Map {
    let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    format::load(std::path::Path::new(&path)).unwrap().map
}

/// An input with a value in P and Q.
fn input(id: &str, parent: &str, p: f64, q: f64) -> String {
    format!(
        "(id: \"{id}\", parent: \"{parent}\", kind: Metric, title: \"{id}\", value: {q:?}, history: {{\"P\": {p:?}, \"Q\": {q:?}}}),"
    )
}

fn between_p_and_q(map: &Map) -> Attribution {
    engine::explain(map, &Basis::period("P"), &Basis::period("Q"), None).unwrap()
}

fn share(a: &Attribution, id: &str) -> f64 {
    a.contribution(id)
        .unwrap_or_else(|| panic!("no {id} in {a:?}"))
        .contribution
}

fn close(got: f64, want: f64, rel: f64) {
    let tol = rel * want.abs().max(1e-300);
    assert!(
        (got - want).abs() <= tol,
        "got {got}, want {want} (off by {:e})",
        got - want
    );
}

/// The inputs' contributions plus the residual are the change, and the residual is tiny.
fn adds_up(a: &Attribution) {
    let inputs: f64 = a
        .contributions
        .iter()
        .filter(|c| c.input)
        .map(|c| c.contribution)
        .sum();
    close(inputs + a.residual, a.change, 1e-14);
    close(a.change, a.value_to - a.value_from, 0.0);
    assert!(
        a.residual.abs() <= 1e-9 * a.change.abs(),
        "residual {} of a change of {}",
        a.residual,
        a.change
    );
}

#[test]
fn a_plain_sum_gives_each_input_exactly_its_own_change() {
    let nodes = format!(
        "(id: \"r\", kind: Metric, title: \"R\", formula: Sum),\n{}\n{}\n{}",
        input("a", "r", 1.0, 4.0),
        input("b", "r", 2.0, 1.0),
        input("c", "r", 3.0, 3.0)
    );
    let a = between_p_and_q(&map(&nodes, ""));
    assert_eq!((a.value_from, a.value_to, a.change), (6.0, 8.0, 2.0));
    assert_eq!(share(&a, "a"), 3.0);
    assert_eq!(share(&a, "b"), -1.0);
    assert_eq!(share(&a, "c"), 0.0);
    assert_eq!(a.residual, 0.0);
    assert_eq!(a.points, 4);
    // Sorted by |contribution|.
    let ids: Vec<&str> = a.contributions.iter().map(|c| a.id(c).as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert!(a.contributions.iter().all(|c| c.input));
    let b = &a.contributions[1];
    assert_eq!((b.from, b.to), (Some(2.0), Some(1.0)));
}

#[test]
fn a_product_splits_the_cross_term_evenly() {
    // R = a·b on the straight path: dR/da = b(t), so a's share is Δa·∫ b(t) dt =
    // Δa·(b_P + Δb/2); likewise b's is Δb·(a_P + Δa/2). They add up to a_Q·b_Q − a_P·b_P.
    let (ap, aq, bp, bq) = (200.0, 300.0, 0.05, 0.065);
    for formula in ["Product", "Expr(\"a * b\")"] {
        let nodes = format!(
            "(id: \"r\", kind: Metric, title: \"R\", formula: {formula}),\n{}\n{}",
            input("a", "r", ap, aq),
            input("b", "r", bp, bq)
        );
        let a = between_p_and_q(&map(&nodes, ""));
        close(share(&a, "a"), (aq - ap) * (bp + (bq - bp) / 2.0), 1e-14);
        close(share(&a, "b"), (bq - bp) * (ap + (aq - ap) / 2.0), 1e-14);
        adds_up(&a);
    }
}

#[test]
fn a_ratio_matches_its_closed_form() {
    // R = a / b. a's share: Δa·∫ dt / (b_P + tΔb) = Δa·ln(b_Q/b_P)/Δb. b's share: with
    // k = Δa/Δb and u = b(t), ∫ −a/u² du = (a_P − k·b_P)(1/b_Q − 1/b_P) − k·ln(b_Q/b_P).
    let cases = [
        (1.0, 1.07, 100.0, 96.0),
        (30.0, 12.0, 2.0, 5.0),
        // A denominator that grows a hundredfold: the pole of 1/b(t) sits just before t = 0,
        // so the first panel is not enough and panels are halved.
        (1.0, 1.0, 1.0, 100.0),
    ];
    for (ap, aq, bp, bq) in cases {
        let nodes = format!(
            "(id: \"r\", kind: Metric, title: \"R\", formula: Expr(\"a / b\")),\n{}\n{}",
            input("a", "r", ap, aq),
            input("b", "r", bp, bq)
        );
        let a = between_p_and_q(&map(&nodes, ""));
        let (da, db) = (aq - ap, bq - bp);
        let k = da / db;
        let want_a = da * (bq / bp).ln() / db;
        let want_b = (ap - k * bp) * (1.0 / bq - 1.0 / bp) - k * (bq / bp).ln();
        close(share(&a, "a"), want_a, 1e-9);
        close(share(&a, "b"), want_b, 1e-9);
        close(want_a + want_b, aq / bq - ap / bp, 1e-12);
        adds_up(&a);
    }
}

#[test]
fn the_nrr_sample_between_two_months_matches_hand_derived_integrals() {
    let nrr = sample("nrr.ron");
    let a = engine::explain(
        &nrr,
        &Basis::period("2026-09"),
        &Basis::period("2026-10"),
        None,
    )
    .unwrap();
    assert_eq!(a.top.as_str(), "nrr");
    // 2026-09: (96000 + 8200 + 5800 − 3100 − 27·205) / 96000; 2026-10: (100000 + 9000 + 6000
    // − 3000 − 25·200) / 100000 = 1.07.
    close(
        a.value_from,
        (96000.0 + 8200.0 + 5800.0 - 3100.0 - 27.0 * 205.0) / 96000.0,
        1e-15,
    );
    close(a.value_to, 1.07, 1e-15);
    adds_up(&a);
    // The straight path, and the partials of NRR = (s + e1 + e2 − c − n·m) / s written out.
    let lerp = |p: f64, q: f64, t: f64| p + t * (q - p);
    let at = |t: f64| {
        (
            lerp(96000.0, 100000.0, t), // s
            lerp(8200.0, 9000.0, t),    // seat_expansion
            lerp(5800.0, 6000.0, t),    // upgrades
            lerp(3100.0, 3000.0, t),    // contraction
            lerp(27.0, 25.0, t),        // churned_accounts
            lerp(205.0, 200.0, t),      // avg_churned_mrr
        )
    };
    // Composite Simpson over [0, 1] with 2000 intervals: error far below 1e-12 here.
    let simpson = |f: &dyn Fn(f64) -> f64| {
        let n = 2000;
        let h = 1.0 / n as f64;
        let mut sum = f(0.0) + f(1.0);
        for k in 1..n {
            sum += f(k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
        }
        sum * h / 3.0
    };
    let want = |id: &str| -> f64 {
        match id {
            "seat_expansion" => 800.0 * simpson(&|t| 1.0 / at(t).0),
            "upgrades" => 200.0 * simpson(&|t| 1.0 / at(t).0),
            "contraction" => -100.0 * simpson(&|t| -1.0 / at(t).0),
            "churned_accounts" => -2.0 * simpson(&|t| -at(t).5 / at(t).0),
            "avg_churned_mrr" => -5.0 * simpson(&|t| -at(t).4 / at(t).0),
            "starting_mrr" => {
                4000.0
                    * simpson(&|t| {
                        let (s, e1, e2, c, n, m) = at(t);
                        -(e1 + e2 - c - n * m) / (s * s)
                    })
            }
            other => panic!("{other}"),
        }
    };
    for id in [
        "seat_expansion",
        "upgrades",
        "contraction",
        "churned_accounts",
        "avg_churned_mrr",
        "starting_mrr",
    ] {
        close(share(&a, id), want(id), 1e-10);
    }
    // For a tree of formulas a computed metric carries the sum of its inputs' shares.
    close(
        share(&a, "expansion"),
        share(&a, "seat_expansion") + share(&a, "upgrades"),
        1e-12,
    );
    close(
        share(&a, "churned"),
        share(&a, "churned_accounts") + share(&a, "avg_churned_mrr"),
        1e-12,
    );
    // Every metric under the top, computed ones marked.
    assert_eq!(a.contributions.len(), 8);
    let expansion = a.contribution("expansion");
    assert!(!expansion.unwrap().input);
    let mags: Vec<f64> = a
        .contributions
        .iter()
        .map(|c| c.contribution.abs())
        .collect();
    assert!(mags.windows(2).all(|w| w[0] >= w[1]), "{mags:?}");
}

#[test]
fn a_shared_driver_in_a_dag_flows_through_each_metric_that_uses_it() {
    // R = m1 + m2 with m1 = x·y and m2 = x + z: x reaches R two ways. Each computed metric
    // carries its own change (dR/dm = 1); x's share is Δx·(y_P + Δy/2 + 1).
    let nodes = "(id: \"r\", kind: Metric, title: \"R\", formula: Expr(\"m1 + m2\")),\n\
        (id: \"m1\", parent: \"r\", kind: Metric, title: \"m1\", formula: Expr(\"x * y\")),\n\
        (id: \"m2\", parent: \"r\", kind: Metric, title: \"m2\", formula: Expr(\"x + z\")),\n"
        .to_owned()
        + &input("x", "m1", 2.0, 5.0)
        + "\n"
        + &input("y", "m1", 10.0, 14.0)
        + "\n"
        + &input("z", "m2", 1.0, -1.0);
    let a = between_p_and_q(&map(&nodes, ""));
    close(share(&a, "m1"), 5.0 * 14.0 - 2.0 * 10.0, 1e-14);
    close(share(&a, "m2"), (5.0 - 1.0) - (2.0 + 1.0), 1e-14);
    close(share(&a, "x"), 3.0 * (10.0 + 2.0 + 1.0), 1e-14);
    close(share(&a, "y"), 4.0 * (2.0 + 1.5), 1e-14);
    close(share(&a, "z"), -2.0, 1e-14);
    adds_up(&a);
}

#[test]
fn the_result_does_not_depend_on_the_order_of_the_levers() {
    let figures = [
        ("a", 3.0, 4.0),
        ("b", 0.5, 0.25),
        ("c", 7.0, 9.0),
        ("d", 2.0, 2.5),
    ];
    let expr = "(a * b + c) / d - a";
    let build = |order: &[usize], rename: &dyn Fn(&str) -> String| {
        let formula = figures.iter().fold(expr.to_owned(), |f, (id, _, _)| {
            f.replace(id, &rename(id).to_uppercase())
        });
        let mut nodes = format!(
            "(id: \"r\", kind: Metric, title: \"R\", formula: Expr(\"{}\")),\n",
            formula.to_lowercase()
        );
        for &k in order {
            let (id, p, q) = figures[k];
            nodes += &input(&rename(id), "r", p, q);
            nodes.push('\n');
        }
        between_p_and_q(&map(&nodes, ""))
    };
    let base = build(&[0, 1, 2, 3], &|id| id.to_owned());
    adds_up(&base);
    let orders: [&[usize]; 3] = [&[3, 2, 1, 0], &[1, 3, 0, 2], &[2, 0, 3, 1]];
    let renames: [&dyn Fn(&str) -> String; 2] =
        [&|id| format!("z_{id}"), &|id| format!("{id}{id}")];
    for order in orders {
        for rename in renames {
            let other = build(order, rename);
            for (id, _, _) in figures {
                close(share(&other, &rename(id)), share(&base, id), 1e-14);
            }
            close(other.change, base.change, 1e-15);
        }
    }
}

#[test]
fn a_scenario_against_the_actuals_lever_by_lever() {
    let nrr = sample("nrr.ron");
    // "Save desk" overrides churned_accounts: 25 → 15.
    let a = engine::explain(&nrr, &Basis::actuals(), &Basis::scenario("Save desk"), None).unwrap();
    close(a.value_from, 1.07, 1e-15);
    close(a.value_to, 1.09, 1e-14);
    adds_up(&a);
    // NRR is linear in churned_accounts: all of the change is its own, and flows through
    // churned; nothing else moved.
    close(share(&a, "churned_accounts"), 0.02, 1e-12);
    close(share(&a, "churned"), 0.02, 1e-12);
    for id in ["starting_mrr", "upgrades", "avg_churned_mrr", "expansion"] {
        assert_eq!(share(&a, id), 0.0, "{id}");
    }
    // The same in a period: a scenario over 2026-09's values.
    let a = engine::explain(
        &nrr,
        &Basis::period("2026-09"),
        &Basis::scenario("Save desk").in_period(Some("2026-09".into())),
        None,
    )
    .unwrap();
    close(share(&a, "churned_accounts"), 12.0 * 205.0 / 96000.0, 1e-12);
}

#[test]
fn a_scenario_that_pins_a_computed_metric_makes_it_an_input_of_the_path() {
    let nrr = sample("nrr.ron");
    let mut pinned = nrr.clone();
    fulcrum::edit::Command::AddScenario {
        index: 0,
        scenario: fulcrum::model::Scenario {
            name: "Pinned".into(),
            overrides: [(fulcrum::model::NodeId::new("churned").unwrap(), 2000.0)].into(),
        },
    }
    .apply(&mut pinned)
    .unwrap();
    let a = engine::explain(&pinned, &Basis::actuals(), &Basis::scenario("Pinned"), None).unwrap();
    adds_up(&a);
    close(a.value_to - a.value_from, 0.03, 1e-12);
    let churned = a.contribution("churned").unwrap();
    assert!(churned.input);
    close(churned.contribution, 0.03, 1e-12);
    assert_eq!((churned.from, churned.to), (Some(5000.0), Some(2000.0)));
    // What it is computed from moves nothing through it.
    assert_eq!(share(&a, "churned_accounts"), 0.0);
}

#[test]
fn an_input_without_a_value_in_a_period_is_named() {
    let nodes = format!(
        "(id: \"r\", kind: Metric, title: \"R\", formula: Sum),\n{}\n\
         (id: \"b\", parent: \"r\", kind: Metric, title: \"b\", history: {{\"P\": 1.0}}),\n\
         (id: \"c\", parent: \"r\", kind: Metric, title: \"c\", history: {{\"Q\": 1.0}}),",
        input("a", "r", 1.0, 2.0)
    );
    let err = engine::explain(
        &map(&nodes, ""),
        &Basis::period("P"),
        &Basis::period("Q"),
        None,
    )
    .unwrap_err();
    assert!(matches!(err, AttributionError::MissingValues { .. }));
    assert_eq!(
        err.to_string(),
        "no value for P: `c`; no value for Q: `b` (every input the top depends on needs a value \
         on both sides)"
    );
}

#[test]
fn unknown_periods_scenarios_and_tops_are_errors() {
    let nrr = sample("nrr.ron");
    let err = engine::explain(
        &nrr,
        &Basis::period("2026-13"),
        &Basis::period("2026-10"),
        None,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "there is no period `2026-13` in the map's history (it has 2026-08, 2026-09, 2026-10)"
    );
    let err = engine::explain(&nrr, &Basis::actuals(), &Basis::scenario("Nope"), None).unwrap_err();
    assert_eq!(err.to_string(), "there is no scenario named \"Nope\"");
    let err =
        engine::explain(&nrr, &Basis::actuals(), &Basis::actuals(), Some("nobody")).unwrap_err();
    assert_eq!(err.to_string(), "`nobody` is not a metric in this map");
}

#[test]
fn another_top_explains_its_own_subtree() {
    let nrr = sample("nrr.ron");
    let a = engine::explain(
        &nrr,
        &Basis::period("2026-09"),
        &Basis::period("2026-10"),
        Some("churned"),
    )
    .unwrap();
    // churned = n·m: the product's closed form, in dollars.
    close(a.change, 25.0 * 200.0 - 27.0 * 205.0, 1e-14);
    close(share(&a, "churned_accounts"), -2.0 * (205.0 - 2.5), 1e-14);
    close(share(&a, "avg_churned_mrr"), -5.0 * (27.0 - 1.0), 1e-14);
    assert_eq!(a.contributions.len(), 2);
}

#[test]
fn a_kink_on_the_way_is_found_and_split_at() {
    // R = max(a, b) with a: 10 → 20 and b: 13 throughout: a takes over at t = 0.3. Exactly,
    // a's share is R_Q − R_P = 7 and b's is 0; 8 points alone would be off by a lot.
    let nodes = format!(
        "(id: \"r\", kind: Metric, title: \"R\", formula: Max),\n{}\n{}",
        input("a", "r", 10.0, 20.0),
        input("b", "r", 13.0, 13.0)
    );
    let a = between_p_and_q(&map(&nodes, ""));
    // 4 points err, 8 too; one split at the kink its two end slopes give away: 4 + 8 + 16.
    assert_eq!(a.points, 28);
    close(share(&a, "a"), 7.0, 1e-12);
    assert_eq!(share(&a, "b"), 0.0);
    assert!(a.residual.abs() < 1e-12, "{}", a.residual);
}

#[test]
fn a_jump_of_the_top_stays_in_the_residual() {
    // if() jumps by 100 where a crosses 5: no derivative sees it, so it is the residual.
    let nodes = format!(
        "(id: \"r\", kind: Metric, title: \"R\", formula: Expr(\"if(a > 5, 100, 0) + a\")),\n{}",
        input("a", "r", 0.0, 10.0)
    );
    let a = between_p_and_q(&map(&nodes, ""));
    close(a.change, 110.0, 0.0);
    close(share(&a, "a"), 10.0, 1e-12);
    close(a.residual, 100.0, 1e-12);
    assert!(a.points > MAX_POINTS - 16, "{}", a.points);
}

#[test]
fn a_formula_undefined_part_of_the_way_is_an_error() {
    // sqrt(x·x − 1) is defined at x = −2 and x = 2 but not in between.
    let nodes = format!(
        "(id: \"r\", kind: Metric, title: \"R\", formula: Expr(\"sqrt(x * x - 1)\")),\n{}",
        input("x", "r", -2.0, 2.0)
    );
    let err = engine::explain(
        &map(&nodes, ""),
        &Basis::period("P"),
        &Basis::period("Q"),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, AttributionError::NoValueOnPath { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("between P and Q, `r` has no value part of the way"),
        "{text}"
    );
}

#[test]
fn attribute_works_on_inputs_directly() {
    let nrr = sample("nrr.ron");
    let program = Program::compile(&nrr);
    let from = program.inputs(&nrr, None, Some("2026-08")).unwrap();
    let to = program.inputs(&nrr, None, Some("2026-10")).unwrap();
    let top = program.metric("nrr").unwrap();
    let a = engine::attribute(&program, &from, &to, top).unwrap();
    adds_up(&a);
    let b = engine::explain(
        &nrr,
        &Basis::period("2026-08"),
        &Basis::period("2026-10"),
        None,
    )
    .unwrap();
    assert_eq!(a, b);
    // A period nobody has: every input is missing on the starting side.
    let empty = program.inputs(&nrr, None, Some("2026-07")).unwrap();
    let err = engine::attribute(&program, &empty, &to, top).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no value for the starting inputs: "),
        "{err}"
    );
}

#[test]
fn a_kink_between_curved_pieces_is_closed_in_on() {
    // R = max(a², b) with a: 5 → 10 and b: 50: a² takes over at a = √50. a's share is the
    // whole change, 100 − 50.
    let nodes = format!(
        "(id: \"r\", kind: Metric, title: \"R\", formula: Expr(\"max(a * a, b)\")),\n{}\n{}",
        input("a", "r", 5.0, 10.0),
        input("b", "r", 50.0, 50.0)
    );
    let a = between_p_and_q(&map(&nodes, ""));
    close(share(&a, "a"), 50.0, 1e-9);
    assert!(a.residual.abs() < 1e-9 * 50.0, "{}", a.residual);
    assert!(a.points <= MAX_POINTS);
}
