//! Random valid maps for property tests, built through commands: every kind, every field,
//! hostile text (quotes, control characters, RON and XML specials), edge-case floats,
//! formulas, links and scenarios. Shared by the format and interchange round-trip tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

use fulcrum::edit::{Command, NewNode};
use fulcrum::model::{
    Category, Direction, Display, Evidence, Formula, Link, LinkKind, Map, Node, NodeId, NodeKind,
    Orientation, Scenario, Sizing, Status, Thresholds,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Random maps built through commands: save → load → save is the identity.

pub fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        Just(-0.0),
        Just(0.0),
        Just(5e-324),
        Just(-5e-324),
        Just(f64::MAX),
        Just(f64::MIN),
        Just(f64::MIN_POSITIVE),
        Just(1e16),
        Just(1e-7),
        Just(0.1),
        (-1_000_000i64..1_000_000).prop_map(|v| v as f64),
    ]
}

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        "\\PC{0,12}",
        prop::collection::vec(
            prop_oneof![
                Just("\"".to_owned()),
                Just("\\".to_owned()),
                Just("\n".to_owned()),
                Just("\r\n".to_owned()),
                Just("\t".to_owned()),
                Just("\u{0}".to_owned()),
                Just("é".to_owned()),
                Just("😀".to_owned()),
                Just("\u{2028}".to_owned()),
                Just("r#\"".to_owned()),
                Just("/*".to_owned()),
                Just("//".to_owned()),
                Just(")]}".to_owned()),
                "[a-z ]{1,4}",
            ],
            0..6
        )
        .prop_map(|parts| parts.concat()),
    ]
}

pub fn scale() -> impl Strategy<Value = Option<u8>> {
    prop::option::of(1u8..=5)
}

pub type Numbers = (Option<f64>, Option<f64>, Option<f64>, Option<(f64, f64)>);

/// One generated node: its parent among the nodes before it (or a root), its kind and data.
#[derive(Debug, Clone)]
pub struct Gen {
    parent: Option<prop::sample::Index>,
    kind: NodeKind,
    title: String,
    /// value, target, expected lift, thresholds.
    numbers: Numbers,
    history: Vec<(String, f64)>,
    strings: (Option<String>, Option<String>, Option<String>),
    scales: (Option<u8>, Option<u8>, Option<u8>, Option<u8>),
    flags: (bool, bool),
    evidence: Vec<(String, Option<String>, Option<String>)>,
    pick: prop::sample::Index,
    formula_choice: u8,
}

pub fn gen_node() -> impl Strategy<Value = Gen> {
    (
        prop::option::of(any::<prop::sample::Index>()),
        prop::sample::select(NodeKind::ALL.to_vec()),
        text(),
        (
            prop::option::of(finite_f64()),
            prop::option::of(finite_f64()),
            prop::option::of(finite_f64()),
            prop::option::of((finite_f64(), finite_f64())),
        ),
        prop::collection::vec((text(), finite_f64()), 0..4),
        (
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        (scale(), scale(), scale(), scale()),
        (any::<bool>(), any::<bool>()),
        prop::collection::vec(
            (text(), prop::option::of(text()), prop::option::of(text())),
            0..3,
        ),
        (any::<prop::sample::Index>(), 0u8..4),
    )
        .prop_map(
            |(
                parent,
                kind,
                title,
                numbers,
                history,
                strings,
                scales,
                flags,
                evidence,
                (pick, formula_choice),
            )| Gen {
                parent,
                kind,
                title,
                numbers,
                history,
                strings,
                scales,
                flags,
                evidence,
                pick,
                formula_choice,
            },
        )
}

/// Builds a valid map from generated nodes, links and scenarios, through commands.
pub fn build_map(
    title: String,
    gens: Vec<Gen>,
    links: Vec<(prop::sample::Index, prop::sample::Index, bool)>,
    scenarios: Vec<(String, Vec<(prop::sample::Index, f64)>)>,
) -> Map {
    let mut map = Map::new("");
    Command::SetMapTitle(title).apply(&mut map).unwrap();
    let mut ids: Vec<NodeId> = Vec::new();
    for g in &gens {
        let mut node = Node::new(g.kind, g.title.clone());
        let (value, target, lift, thresholds) = g.numbers;
        let (a, b, c) = g.strings.clone();
        let (s1, s2, s3, s4) = g.scales;
        match g.kind {
            NodeKind::Metric => {
                node.value = value;
                node.target = target;
                node.thresholds = thresholds.map(|(warn, alert)| Thresholds { warn, alert });
                node.history = g.history.iter().cloned().collect();
                node.unit = a;
                node.source = b;
                node.controllable = g.flags.0;
                node.display = Some(Display::Integer).filter(|_| g.flags.1);
                node.direction = Some(Direction::LowerIsBetter).filter(|_| g.flags.1);
            }
            NodeKind::Opportunity => {
                node.sizing = s4.map(|r| Sizing {
                    reach: r,
                    frequency: s1.unwrap_or(1),
                    severity: s2.unwrap_or(5),
                });
                node.market = s1;
                node.company = s2;
                node.customer = s3;
                node.evidence = g
                    .evidence
                    .iter()
                    .cloned()
                    .map(|(source, date, quote)| Evidence {
                        source,
                        date,
                        quote,
                    })
                    .collect();
                node.targeted = g.flags.0;
            }
            NodeKind::Solution => {
                node.status = Some(Status::SOLUTION[usize::from(s1.unwrap_or(1)) - 1]);
                node.effort = s2;
                node.expected_lift = lift;
            }
            NodeKind::Assumption => {
                node.category = Some(Category::Usability).filter(|_| g.flags.0);
                node.importance = s1;
                node.evidence_strength = s2;
            }
            NodeKind::Test => {
                node.method = a;
                node.success_criterion = b;
                node.result = c;
                node.status =
                    Some(Status::TEST[usize::from(s3.unwrap_or(2)) - 1]).filter(|_| g.flags.1);
            }
            NodeKind::Outcome | NodeKind::Note => {
                node.notes = a;
                node.orientation = Some(Orientation::LeftRight).filter(|_| g.flags.1);
            }
        }
        node.owner = c_owner(&g.strings.2, g.kind);
        let parent = g
            .parent
            .as_ref()
            .filter(|_| !ids.is_empty())
            .map(|i| i.get(&ids).clone());
        let new_id = map.fresh_id(&g.title);
        let index = g.pick.index(ids.len() + 1);
        Command::AddNode(Box::new(NewNode {
            id: new_id.clone(),
            node,
            parent,
            index,
        }))
        .apply(&mut map)
        .unwrap();
        ids.push(new_id);
    }

    // Formulas: inputs stay inputs; an aggregate needs a metric child; an expression uses
    // inputs only, so no cycle can form.
    let metric = |map: &Map, id: &NodeId| map.node(id.as_str()).unwrap().kind == NodeKind::Metric;
    let inputs: Vec<NodeId> = gens
        .iter()
        .zip(&ids)
        .filter(|(g, id)| metric(&map, id) && g.formula_choice == 0)
        .map(|(_, id)| id.clone())
        .collect();
    for (g, node_id) in gens.iter().zip(&ids) {
        if !metric(&map, node_id) || g.formula_choice == 0 {
            continue;
        }
        let has_metric_child = map.children(node_id.as_str()).any(|c| metric(&map, c));
        let formula = match g.formula_choice {
            1 if has_metric_child => Formula::Sum,
            2 if has_metric_child => Formula::Max,
            _ if !inputs.is_empty() => {
                let a = g.pick.get(&inputs);
                let b = &inputs[(g.pick.index(inputs.len()) + 1) % inputs.len()];
                Formula::Expr(format!("({a} + {b}) * 2.5 - min({a}, 1e-3)"))
            }
            _ => Formula::Expr("1 + 2 * 3".into()),
        };
        let mut node = map.node(node_id.as_str()).unwrap().clone();
        node.formula = Some(formula);
        Command::SetNode {
            id: node_id.clone(),
            node: Box::new(node),
        }
        .apply(&mut map)
        .unwrap();
    }

    if !ids.is_empty() {
        for (from, to, measures) in links {
            let (from, to) = (from.get(&ids).clone(), to.get(&ids).clone());
            let kind = if measures {
                LinkKind::Measures
            } else {
                LinkKind::Relates
            };
            // Self-links and duplicates are refused by the model; that is fine here.
            let _ = Command::AddLink(Link { from, to, kind }).apply(&mut map);
        }
    }
    for (k, (name, overrides)) in scenarios.into_iter().enumerate() {
        let overrides = if ids.is_empty() {
            BTreeMap::new()
        } else {
            overrides
                .into_iter()
                .map(|(i, v)| (i.get(&ids).clone(), v))
                .collect()
        };
        let _ = Command::AddScenario {
            index: k,
            scenario: Scenario { name, overrides },
        }
        .apply(&mut map);
    }
    map
}

pub fn c_owner(owner: &Option<String>, kind: NodeKind) -> Option<String> {
    owner.clone().filter(|_| kind != NodeKind::Note)
}
