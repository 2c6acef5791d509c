//! `engine::reads_change` against what the engine really reads: on small random driver trees
//! (formulas, values, targets, thresholds, history, scenarios, with OST nodes beside them),
//! change one field of one node; when `reads_change` says the engine does not read the
//! change, every figure the engine computes must come out the same, bit for bit.
//!
//! Changes are drawn more often for the fields the engine reads, so that dropping one of them
//! from `reads_change`'s list makes this test fail (checked by hand for each such field).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use fulcrum::engine::{self, Analysis, Program};
use fulcrum::model::{
    Category, Direction, Display, Evidence, Formula, Link, LinkKind, Map, Node, NodeId, NodeKind,
    Orientation, Scenario, Sizing, Status, Thresholds,
};
use proptest::prelude::*;

const PERIODS: [&str; 3] = ["2026-08", "2026-09", "2026-10"];

fn id(i: usize) -> NodeId {
    NodeId::new(&format!("n{i}")).unwrap()
}

/// One generated node before it is placed: its parent (`None`: a root; otherwise taken
/// modulo the node's own index, so it is an earlier node), its formula and its data.
#[derive(Debug, Clone)]
struct Spec {
    parent: Option<usize>,
    formula: FormulaSpec,
    node: Node,
}

/// A formula before the map's size is known.
#[derive(Debug, Clone)]
enum FormulaSpec {
    /// An input.
    Input,
    /// `Sum`, `Product`, … over the children (an input where there are none).
    Aggregate(Formula),
    /// An expression of one of a few shapes over three nodes picked among the later ones (so
    /// that formulas make a DAG), or, when `wild`, among all nodes (cycles, itself).
    Expr {
        shape: usize,
        vars: [usize; 3],
        k: i32,
        wild: bool,
    },
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => (-50i32..200).prop_map(f64::from),
        1 => Just(0.0),
        1 => -1e3f64..1e3,
    ]
}

fn expr_text(shape: usize, [a, b, c]: [String; 3], k: i32) -> String {
    match shape {
        0 => format!("{a} + {b} * {k}"),
        1 => format!("{a} / {b}"),
        2 => format!("if({a} > {b}, {a}, {c} - {k})"),
        3 => format!("min({a}, {b}) + max({b}, {c})"),
        4 => format!("{a} * {b} - {c}"),
        _ => format!("sqrt(abs({a})) + {k}"),
    }
}

fn formula_spec() -> impl Strategy<Value = FormulaSpec> {
    let aggregate = proptest::sample::select(vec![
        Formula::Sum,
        Formula::Product,
        Formula::Mean,
        Formula::Min,
        Formula::Max,
    ]);
    let expr = (
        0usize..6,
        [0usize..12, 0usize..12, 0usize..12],
        1i32..5,
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(shape, vars, k, wild)| FormulaSpec::Expr {
            shape,
            vars,
            k,
            wild,
        });
    prop_oneof![
        3 => Just(FormulaSpec::Input),
        4 => aggregate.prop_map(FormulaSpec::Aggregate),
        3 => expr,
    ]
}

/// The formula of node `i` of `count`.
fn resolve(spec: FormulaSpec, i: usize, count: usize) -> Option<Formula> {
    match spec {
        FormulaSpec::Input => None,
        FormulaSpec::Aggregate(f) => Some(f),
        FormulaSpec::Expr {
            shape,
            vars,
            k,
            wild,
        } => {
            let later = count - i - 1;
            if later == 0 && !wild {
                return None;
            }
            let name = |v: usize| {
                if wild {
                    format!("n{}", v % count)
                } else {
                    format!("n{}", i + 1 + v % later)
                }
            };
            Some(Formula::Expr(expr_text(shape, vars.map(name), k)))
        }
    }
}

/// Any formula over `n0`…`n11`, for a change.
fn formula() -> impl Strategy<Value = Option<Formula>> {
    formula_spec().prop_map(|spec| resolve(spec, 0, 12))
}

fn direction() -> impl Strategy<Value = Option<Direction>> {
    prop_oneof![
        Just(None),
        Just(Some(Direction::HigherIsBetter)),
        Just(Some(Direction::LowerIsBetter)),
    ]
}

fn thresholds() -> impl Strategy<Value = Option<Thresholds>> {
    proptest::option::of((number(), number()).prop_map(|(warn, alert)| Thresholds { warn, alert }))
}

fn history() -> impl Strategy<Value = BTreeMap<String, f64>> {
    proptest::collection::vec(proptest::option::of(number()), PERIODS.len()).prop_map(|vs| {
        PERIODS
            .iter()
            .zip(vs)
            .filter_map(|(p, v)| Some(((*p).to_owned(), v?)))
            .collect()
    })
}

fn kind() -> impl Strategy<Value = NodeKind> {
    prop_oneof![
        6 => Just(NodeKind::Metric),
        1 => proptest::sample::select(NodeKind::ALL.to_vec()),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        proptest::option::weighted(0.85, 0usize..12),
        kind(),
        formula_spec(),
        proptest::option::weighted(0.8, number()),
        proptest::option::of(number()),
        direction(),
        thresholds(),
        any::<bool>(),
        history(),
    )
        .prop_map(
            |(
                parent,
                kind,
                formula,
                value,
                target,
                direction,
                thresholds,
                controllable,
                history,
            )| {
                let mut node = Node::new(kind, "node");
                if kind == NodeKind::Metric {
                    node.value = value;
                    node.target = target;
                    node.direction = direction;
                    node.thresholds = thresholds;
                    node.controllable = controllable;
                    node.history = history.into_iter().collect();
                }
                Spec {
                    parent,
                    formula,
                    node,
                }
            },
        )
}

/// A map of 1–12 nodes `n0`, `n1`, … (each parent before its children), a link or two and up
/// to two scenarios.
fn map() -> impl Strategy<Value = Map> {
    (
        proptest::collection::vec(spec(), 1..12),
        proptest::collection::vec((0usize..12, 0usize..12), 0..3),
        proptest::collection::vec(
            proptest::collection::btree_map(0usize..12, number(), 0..3),
            0..3,
        ),
    )
        .prop_map(|(specs, links, scenarios)| {
            let mut map = Map::new("Reads");
            let count = specs.len();
            for (i, spec) in specs.into_iter().enumerate() {
                let parent = spec.parent.filter(|_| i > 0).map(|p| id(p % i));
                let mut node = spec.node;
                if node.kind == NodeKind::Metric {
                    node.formula = resolve(spec.formula, i, count);
                }
                map.insert(id(i), node, parent.as_ref().map(NodeId::as_str), usize::MAX)
                    .unwrap();
            }
            // An aggregate without metric children is an input instead (an error for every
            // metric above it would hide the rest).
            for i in 0..count {
                let node = map.node(id(i).as_str()).unwrap();
                let has_metric_child = map.children(id(i).as_str()).any(|c| {
                    map.node(c.as_str())
                        .is_some_and(|n| n.kind == NodeKind::Metric)
                });
                if !has_metric_child && !matches!(node.formula, None | Some(Formula::Expr(_))) {
                    let mut input = node.clone();
                    input.formula = None;
                    map.replace_node(id(i).as_str(), input).unwrap();
                }
            }
            for (from, to) in links {
                let _ = map.add_link(Link {
                    from: id(from),
                    to: id(to),
                    kind: LinkKind::Measures,
                });
            }
            for (k, overrides) in scenarios.into_iter().enumerate() {
                let overrides = overrides
                    .into_iter()
                    .filter(|(i, _)| map.contains(id(*i).as_str()))
                    .map(|(i, v)| (id(i), v))
                    .collect();
                let scenario = Scenario {
                    name: format!("S{k}"),
                    overrides,
                };
                map.insert_scenario(k, scenario).unwrap();
            }
            map
        })
}

/// A new value for one field of a node: one variant per field of [`Node`].
#[derive(Debug, Clone)]
enum Change {
    Kind(NodeKind),
    Title(String),
    Formula(Option<Formula>),
    Value(Option<f64>),
    Unit(Option<String>),
    Display(Option<Display>),
    Target(Option<f64>),
    Direction(Option<Direction>),
    Thresholds(Option<Thresholds>),
    Controllable(bool),
    History(BTreeMap<String, f64>),
    Source(Option<String>),
    Owner(Option<String>),
    Sizing(Option<Sizing>),
    Market(Option<u8>),
    Company(Option<u8>),
    Customer(Option<u8>),
    Evidence(Vec<Evidence>),
    Targeted(bool),
    Status(Option<Status>),
    Effort(Option<u8>),
    ExpectedLift(Option<f64>),
    Category(Option<Category>),
    Importance(Option<u8>),
    EvidenceStrength(Option<u8>),
    Method(Option<String>),
    SuccessCriterion(Option<String>),
    Result(Option<String>),
    Orientation(Option<Orientation>),
    Notes(Option<String>),
}

/// Every field of [`Node`] by name: adding a field to `Node` stops this from compiling,
/// so that the new field gets a [`Change`] (and a place in `reads_change` if the engine reads
/// it).
#[allow(dead_code)]
fn every_field_has_a_change(node: Node) {
    let Node {
        kind: _,
        title: _,
        formula: _,
        value: _,
        unit: _,
        display: _,
        target: _,
        direction: _,
        thresholds: _,
        controllable: _,
        history: _,
        source: _,
        owner: _,
        sizing: _,
        market: _,
        company: _,
        customer: _,
        evidence: _,
        targeted: _,
        status: _,
        effort: _,
        expected_lift: _,
        category: _,
        importance: _,
        evidence_strength: _,
        method: _,
        success_criterion: _,
        result: _,
        orientation: _,
        notes: _,
    } = node;
}

fn text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[a-z ]{0,6}")
}

fn scale() -> impl Strategy<Value = Option<u8>> {
    proptest::option::of(0u8..7)
}

fn change() -> impl Strategy<Value = Change> {
    let statuses: Vec<Status> = Status::SOLUTION.into_iter().chain(Status::TEST).collect();
    let categories = vec![
        Category::Desirability,
        Category::Viability,
        Category::Feasibility,
        Category::Usability,
        Category::Ethical,
    ];
    let displays = vec![
        Display::Number,
        Display::Percent,
        Display::Currency,
        Display::Integer,
        Display::Ratio,
    ];
    let evidence = ("[a-z]{0,4}", text(), text()).prop_map(|(source, date, quote)| Evidence {
        source,
        date,
        quote,
    });
    let sizing = (1u8..6, 1u8..6, 1u8..6).prop_map(|(reach, frequency, severity)| Sizing {
        reach,
        frequency,
        severity,
    });
    prop_oneof![
        // The fields the engine reads, drawn more often.
        3 => kind().prop_map(Change::Kind),
        3 => formula().prop_map(Change::Formula),
        3 => proptest::option::of(number()).prop_map(Change::Value),
        3 => proptest::option::of(number()).prop_map(Change::Target),
        3 => direction().prop_map(Change::Direction),
        3 => thresholds().prop_map(Change::Thresholds),
        // Only matters on a computed metric (an input is a lever anyway), so drawn most.
        8 => any::<bool>().prop_map(Change::Controllable),
        3 => history().prop_map(Change::History),
        // Everything else.
        1 => "[A-Za-z ]{0,8}".prop_map(Change::Title),
        1 => text().prop_map(Change::Unit),
        1 => proptest::option::of(proptest::sample::select(displays)).prop_map(Change::Display),
        1 => text().prop_map(Change::Source),
        1 => text().prop_map(Change::Owner),
        1 => proptest::option::of(sizing).prop_map(Change::Sizing),
        1 => scale().prop_map(Change::Market),
        1 => scale().prop_map(Change::Company),
        1 => scale().prop_map(Change::Customer),
        1 => proptest::collection::vec(evidence, 0..2).prop_map(Change::Evidence),
        1 => any::<bool>().prop_map(Change::Targeted),
        1 => proptest::option::of(proptest::sample::select(statuses)).prop_map(Change::Status),
        1 => scale().prop_map(Change::Effort),
        1 => proptest::option::of(-1.0f64..1.0).prop_map(Change::ExpectedLift),
        1 => proptest::option::of(proptest::sample::select(categories)).prop_map(Change::Category),
        1 => scale().prop_map(Change::Importance),
        1 => scale().prop_map(Change::EvidenceStrength),
        1 => text().prop_map(Change::Method),
        1 => text().prop_map(Change::SuccessCriterion),
        1 => text().prop_map(Change::Result),
        1 => proptest::option::of(proptest::sample::select(vec![
            Orientation::TopDown,
            Orientation::LeftRight,
        ]))
        .prop_map(Change::Orientation),
        1 => text().prop_map(Change::Notes),
    ]
}

fn changed(node: &Node, change: Change) -> Node {
    let mut n = node.clone();
    match change {
        Change::Kind(v) => n.kind = v,
        Change::Title(v) => n.title = v,
        Change::Formula(v) => n.formula = v,
        Change::Value(v) => n.value = v,
        Change::Unit(v) => n.unit = v,
        Change::Display(v) => n.display = v,
        Change::Target(v) => n.target = v,
        Change::Direction(v) => n.direction = v,
        Change::Thresholds(v) => n.thresholds = v,
        Change::Controllable(v) => n.controllable = v,
        Change::History(v) => n.history = v.into_iter().collect(),
        Change::Source(v) => n.source = v,
        Change::Owner(v) => n.owner = v,
        Change::Sizing(v) => n.sizing = v,
        Change::Market(v) => n.market = v,
        Change::Company(v) => n.company = v,
        Change::Customer(v) => n.customer = v,
        Change::Evidence(v) => n.evidence = v,
        Change::Targeted(v) => n.targeted = v,
        Change::Status(v) => n.status = v,
        Change::Effort(v) => n.effort = v,
        Change::ExpectedLift(v) => n.expected_lift = v,
        Change::Category(v) => n.category = v,
        Change::Importance(v) => n.importance = v,
        Change::EvidenceStrength(v) => n.evidence_strength = v,
        Change::Method(v) => n.method = v,
        Change::SuccessCriterion(v) => n.success_criterion = v,
        Change::Result(v) => n.result = v,
        Change::Orientation(v) => n.orientation = v,
        Change::Notes(v) => n.notes = v,
    }
    n
}

/// Everything the engine computes from a map (but the OST roll-ups), as text: formula issues;
/// under the actuals and every scenario, for the current period and every period, each
/// metric's value or reason, its actual value and its status, and the leverage of every
/// metric as the top (and of the default top); the series over all periods. Floats are
/// written in their shortest round-trip form, so equal text means equal bits.
fn engine_output(map: &Map) -> String {
    let mut out = String::new();
    let program = Program::compile(map);
    let _ = writeln!(out, "issues {:?}", program.issues());
    let _ = writeln!(out, "default top {:?}", engine::default_top(map));
    let periods = Analysis::periods(map);
    let scenarios =
        std::iter::once(None).chain(map.scenarios().iter().map(|s| Some(s.name.as_str())));
    for scenario in scenarios {
        let period_choices = std::iter::once(None).chain(periods.iter().map(|p| Some(p.as_str())));
        for period in period_choices {
            let _ = writeln!(out, "== {scenario:?} {period:?}");
            let analysis = match Analysis::new(map, scenario, period) {
                Ok(a) => a,
                Err(e) => {
                    let _ = writeln!(out, "error {e}");
                    continue;
                }
            };
            for i in 0..analysis.program.len() as u32 {
                let metric = analysis.program.id(i);
                let value = analysis.rollup.value(i);
                let status = value
                    .ok()
                    .and_then(|v| engine::status(map.node(metric.as_str())?, v));
                let actual = analysis.actual_value(metric.as_str());
                let _ = writeln!(out, "{metric} {value:?} actual {actual:?} {status:?}");
            }
            let tops = std::iter::once(None)
                .chain((0..analysis.program.len() as u32).map(|i| Some(analysis.program.id(i))));
            for top in tops {
                let top = top.map(NodeId::as_str);
                let leverage = engine::leverage(map, &analysis.program, &analysis.rollup, top);
                let _ = writeln!(out, "leverage {top:?} {leverage:?}");
            }
            if scenario.is_none() && period.is_none() {
                let _ = writeln!(out, "series {:?}", analysis.series(map, &periods));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_change_the_engine_does_not_read_leaves_every_figure_alone(
        map in map(),
        pick in 0usize..12,
        change in change(),
    ) {
        let target = map.dfs()[pick % map.len()].clone();
        let old = map.node(target.as_str()).unwrap();
        let new = changed(old, change);
        if !engine::reads_change(old, &new) {
            let mut after = map.clone();
            after.replace_node(target.as_str(), new).unwrap();
            prop_assert_eq!(engine_output(&map), engine_output(&after));
        }
    }
}
