//! Property tests of the edit layer: any command sequence keeps the map valid; applying a
//! command then its inverse gives back a map that saves byte-identical; undo all / redo all;
//! a grafted subtree gets ids unique in the target and rolls up as the original does.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashSet;

use fulcrum::edit::{Command, Document, NewNode, graft};
use fulcrum::engine::Analysis;
use fulcrum::format;
use fulcrum::model::{
    Field, Formula, Link, LinkKind, Map, Node, NodeId, NodeKind, Presentation, PresentationStep,
    Scenario, synthetic,
};
use proptest::prelude::*;

/// An abstract edit; indices pick nodes of the map as it is when the edit runs.
#[derive(Debug, Clone)]
enum Op {
    Add {
        parent: Option<usize>,
        kind: usize,
        title: String,
        index: usize,
    },
    Delete(usize),
    Move {
        node: usize,
        parent: Option<usize>,
        index: usize,
    },
    SetTitle(usize, String),
    SetValue(usize, f64),
    SetFormula(usize, usize),
    Rename(usize, String),
    Link(usize, usize),
    Unlink(usize),
    Scenario(String, usize, f64),
    Batch(Vec<(usize, String)>),
    /// `Command::SetField` of field `Field::ALL[field]` to a value made from `seed`.
    SetField {
        node: usize,
        field: usize,
        seed: u64,
    },
    /// A command on the named presentations (or on a scenario, which steps may name).
    Present(PresentOp),
}

/// An abstract edit of presentations; indices pick presentations, steps, nodes and
/// scenarios of the map as it is.
#[derive(Debug, Clone)]
enum PresentOp {
    Add(String),
    AddStep {
        presentation: usize,
        index: usize,
        node: usize,
        scenario: Option<usize>,
        period: bool,
    },
    RemoveStep(usize, usize),
    MoveStep(usize, usize, usize),
    SetStep(usize, usize, Option<usize>),
    Rename(usize, String),
    Remove(usize),
    RenameScenario(usize, String),
    RemoveScenario(usize),
}

fn present_op() -> impl Strategy<Value = PresentOp> {
    let name = "[A-Z][a-z]{0,5}";
    prop_oneof![
        name.prop_map(PresentOp::Add),
        (
            0usize..4,
            0usize..6,
            0usize..64,
            proptest::option::of(0usize..4),
            any::<bool>()
        )
            .prop_map(
                |(presentation, index, node, scenario, period)| PresentOp::AddStep {
                    presentation,
                    index,
                    node,
                    scenario,
                    period
                }
            ),
        (0usize..4, 0usize..6).prop_map(|(p, k)| PresentOp::RemoveStep(p, k)),
        (0usize..4, 0usize..6, 0usize..6).prop_map(|(p, a, b)| PresentOp::MoveStep(p, a, b)),
        (0usize..4, 0usize..6, proptest::option::of(0usize..4))
            .prop_map(|(p, k, s)| PresentOp::SetStep(p, k, s)),
        (0usize..4, name).prop_map(|(p, n)| PresentOp::Rename(p, n)),
        (0usize..4).prop_map(PresentOp::Remove),
        (0usize..4, name).prop_map(|(k, n)| PresentOp::RenameScenario(k, n)),
        (0usize..4).prop_map(PresentOp::RemoveScenario),
    ]
}

fn pick_presentation(map: &Map, i: usize) -> Option<String> {
    let list = map.presentations();
    (!list.is_empty()).then(|| list[i % list.len()].name.clone())
}

fn pick_scenario(map: &Map, i: usize) -> Option<String> {
    let list = map.scenarios();
    (!list.is_empty()).then(|| list[i % list.len()].name.clone())
}

fn present_command(map: &Map, op: &PresentOp) -> Option<Command> {
    let len = |name: &str| map.presentation(name).map_or(0, |p| p.steps.len());
    Some(match op {
        PresentOp::Add(name) => Command::AddPresentation {
            index: 0,
            presentation: Presentation {
                name: name.clone(),
                steps: Vec::new(),
            },
        },
        PresentOp::AddStep {
            presentation,
            index,
            node,
            scenario,
            period,
        } => Command::AddStep {
            presentation: pick_presentation(map, *presentation)?,
            index: *index,
            step: PresentationStep {
                node: pick(map, *node)?,
                scenario: scenario.and_then(|s| pick_scenario(map, s)),
                period: period.then(|| "2026-10".to_owned()),
            },
        },
        PresentOp::RemoveStep(p, k) => {
            let presentation = pick_presentation(map, *p)?;
            let index = *k % len(&presentation).max(1);
            Command::RemoveStep {
                presentation,
                index,
            }
        }
        PresentOp::MoveStep(p, a, b) => {
            let presentation = pick_presentation(map, *p)?;
            let n = len(&presentation).max(1);
            Command::MoveStep {
                presentation,
                from: *a % n,
                to: *b % n,
            }
        }
        PresentOp::SetStep(p, k, s) => {
            let presentation = pick_presentation(map, *p)?;
            let index = *k % len(&presentation).max(1);
            let mut step = map.presentation(&presentation)?.steps.get(index)?.clone();
            step.scenario = s.and_then(|s| pick_scenario(map, s));
            Command::SetStep {
                presentation,
                index,
                step,
            }
        }
        PresentOp::Rename(p, to) => Command::RenamePresentation {
            from: pick_presentation(map, *p)?,
            to: to.clone(),
        },
        PresentOp::Remove(p) => Command::RemovePresentation {
            name: pick_presentation(map, *p)?,
        },
        PresentOp::RenameScenario(k, to) => Command::RenameScenario {
            from: pick_scenario(map, *k)?,
            to: to.clone(),
        },
        PresentOp::RemoveScenario(k) => Command::RemoveScenario {
            name: pick_scenario(map, *k)?,
        },
    })
}

fn op() -> impl Strategy<Value = Op> {
    let title = "[A-Za-z é\"\\\\]{0,12}";
    prop_oneof![
        4 => (proptest::option::of(0usize..64), 0usize..7, title, 0usize..5)
            .prop_map(|(parent, kind, title, index)| Op::Add { parent, kind, title, index }),
        1 => (0usize..64).prop_map(Op::Delete),
        2 => (0usize..64, proptest::option::of(0usize..64), 0usize..5)
            .prop_map(|(node, parent, index)| Op::Move { node, parent, index }),
        1 => (0usize..64, title).prop_map(|(n, t)| Op::SetTitle(n, t)),
        1 => (0usize..64, -1e9f64..1e9).prop_map(|(n, v)| Op::SetValue(n, v)),
        1 => (0usize..64, 0usize..64).prop_map(|(n, m)| Op::SetFormula(n, m)),
        1 => (0usize..64, "[a-z_][a-z0-9_]{0,8}").prop_map(|(n, s)| Op::Rename(n, s)),
        1 => (0usize..64, 0usize..64).prop_map(|(a, b)| Op::Link(a, b)),
        1 => (0usize..8).prop_map(Op::Unlink),
        1 => ("[A-Z][a-z]{0,6}", 0usize..64, -100f64..100.0).prop_map(|(s, n, v)| Op::Scenario(s, n, v)),
        1 => proptest::collection::vec((0usize..64, title), 0..4).prop_map(Op::Batch),
        3 => (0usize..64, 0usize..Field::ALL.len(), any::<u64>())
            .prop_map(|(node, field, seed)| Op::SetField { node, field, seed }),
        3 => present_op().prop_map(Op::Present),
    ]
}

fn pick(map: &Map, i: usize) -> Option<NodeId> {
    let ids = map.dfs();
    (!ids.is_empty()).then(|| ids[i % ids.len()].clone())
}

fn to_command(map: &Map, op: &Op) -> Option<Command> {
    Some(match op {
        Op::Add {
            parent,
            kind,
            title,
            index,
        } => {
            let parent = parent.and_then(|p| pick(map, p));
            Command::AddNode(Box::new(NewNode {
                id: map.fresh_id(title),
                node: Node::new(NodeKind::ALL[*kind], title.clone()),
                parent,
                index: *index,
            }))
        }
        Op::Delete(n) => Command::DeleteSubtree { id: pick(map, *n)? },
        Op::Move {
            node,
            parent,
            index,
        } => Command::Move {
            id: pick(map, *node)?,
            parent: parent.and_then(|p| pick(map, p)),
            index: *index,
        },
        Op::SetTitle(n, t) => {
            let id = pick(map, *n)?;
            let mut node = map.node(id.as_str())?.clone();
            node.title = t.clone();
            Command::SetNode {
                id,
                node: Box::new(node),
            }
        }
        Op::SetValue(n, v) => {
            let id = pick(map, *n)?;
            let mut node = map.node(id.as_str())?.clone();
            node.value = Some(*v);
            node.history.insert("2026-10", *v / 3.0);
            Command::SetNode {
                id,
                node: Box::new(node),
            }
        }
        Op::SetFormula(n, m) => {
            let id = pick(map, *n)?;
            let other = pick(map, *m)?;
            let mut node = map.node(id.as_str())?.clone();
            node.formula = Some(Formula::Expr(format!("{other} * 2 + {id}_x")));
            Command::SetNode {
                id,
                node: Box::new(node),
            }
        }
        Op::Rename(n, to) => Command::rename(pick(map, *n)?, NodeId::new(to).ok()?),
        Op::Link(a, b) => Command::AddLink(Link {
            from: pick(map, *a)?,
            to: pick(map, *b)?,
            kind: LinkKind::Measures,
        }),
        Op::Unlink(k) => {
            let links = map.links();
            Command::RemoveLink(links.get(k % links.len().max(1))?.clone())
        }
        Op::Scenario(name, n, v) => {
            let id = pick(map, *n)?;
            let mut scenario = map.scenario(name).cloned().unwrap_or(Scenario {
                name: name.clone(),
                ..Scenario::default()
            });
            scenario.overrides.insert(id, *v);
            if map.scenario(name).is_some() {
                Command::SetScenario(scenario)
            } else {
                Command::AddScenario { index: 0, scenario }
            }
        }
        Op::SetField { node, field, seed } => {
            let id = pick(map, *node)?;
            let others: Vec<&str> = map.dfs().into_iter().map(NodeId::as_str).collect();
            let field = Field::ALL[*field];
            Command::SetField {
                id,
                field,
                value: support::field_value(field, *seed, &others),
            }
        }
        Op::Present(op) => present_command(map, op)?,
        Op::Batch(items) => Command::Batch(
            items
                .iter()
                .filter_map(|(n, t)| to_command(map, &Op::SetTitle(*n, t.clone())))
                .collect(),
        ),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn commands_keep_invariants_and_inverses_restore_exactly(ops in proptest::collection::vec(op(), 1..40)) {
        let mut map = Map::new("Property map");
        for op in &ops {
            let Some(command) = to_command(&map, op) else { continue };
            let before = format::to_string(&map);
            let before_map = map.clone();
            match command.clone().apply(&mut map) {
                Ok(inverse) => {
                    prop_assert!(map.check_invariants().is_ok(), "{:?}", map.check_invariants());
                    // Whatever commands built, it saves and reopens.
                    prop_assert!(format::save_problems(&map).is_empty(), "{:?}", format::save_problems(&map));
                    prop_assert!(format::parse_str(&format::to_string(&map)).is_ok());
                    let after = format::to_string(&map);
                    let mut undone = map.clone();
                    let redo = inverse.apply(&mut undone).unwrap();
                    prop_assert_eq!(&format::to_string(&undone), &before);
                    // Exactly, even a field the file does not write (an opportunity's
                    // evidence score beside its evidence list).
                    prop_assert!(same_data(&undone, &before_map));
                    redo.apply(&mut undone).unwrap();
                    prop_assert_eq!(&format::to_string(&undone), &after);
                }
                Err(_) => prop_assert_eq!(&format::to_string(&map), &before, "a refused command changed the map"),
            }
        }
    }

    #[test]
    fn undo_all_then_redo_all(ops in proptest::collection::vec(op(), 1..30)) {
        let mut doc = Document::new(Map::new("History"));
        let mut states = vec![format::to_string(doc.map())];
        for op in &ops {
            if let Some(command) = to_command(doc.map(), op)
                && doc.apply(command).is_ok()
            {
                states.push(format::to_string(doc.map()));
            }
        }
        prop_assert_eq!(doc.is_dirty(), states.len() > 1);
        for expected in states.iter().rev().skip(1) {
            prop_assert!(doc.undo().unwrap());
            prop_assert_eq!(&format::to_string(doc.map()), expected);
        }
        prop_assert!(!doc.is_dirty());
        prop_assert!(!doc.undo().unwrap());
        for expected in states.iter().skip(1) {
            prop_assert!(doc.redo().unwrap());
            prop_assert_eq!(&format::to_string(doc.map()), expected);
        }
    }
}

/// Whether two maps hold the same nodes with the same data in every field.
fn same_data(a: &Map, b: &Map) -> bool {
    a.len() == b.len()
        && a.iter().all(|(id, node)| {
            b.node(id.as_str())
                .is_some_and(|other| fulcrum::model::same_node(node, other))
        })
}

/// The value of every metric of `map`, by id, as bits (`None`: no value).
fn values(map: &Map) -> Vec<(NodeId, Option<u64>)> {
    let analysis = Analysis::new(map, None, None).unwrap();
    map.dfs()
        .into_iter()
        .filter_map(|id| {
            let value = analysis.value(id.as_str())?;
            Some((id.clone(), value.ok().map(f64::to_bits)))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_grafted_subtree_is_valid_uniquely_named_and_rolls_up_as_the_original(
        source_size in 1usize..40,
        source_seed in any::<u64>(),
        target_size in 0usize..30,
        target_seed in any::<u64>(),
        into_itself in any::<bool>(),
        root_pick in any::<usize>(),
        under in proptest::option::of(any::<usize>()),
        index in 0usize..4,
        links in proptest::collection::vec((any::<usize>(), any::<usize>()), 0..6),
    ) {
        let mut source = synthetic::driver_tree(source_size, source_seed);
        for (a, b) in links {
            let (a, b) = (pick_id(&source, a), pick_id(&source, b));
            let _ = source.add_link(Link { from: a, to: b, kind: LinkKind::Relates });
        }
        let target = match (into_itself, target_size) {
            (true, _) => source.clone(),
            (false, 0) => Map::new("Empty"),
            (false, n) => synthetic::driver_tree(n, target_seed),
        };
        let root = pick_id(&source, root_pick);
        let clip = graft::extract_subtree(&source, root.as_str());
        prop_assert_eq!(clip.len(), source.subtree(root.as_str()).len());
        let parent = under.and_then(|k| pick(&target, k));
        let grafted = graft::graft(&target, &clip, parent.as_ref(), index);
        let mut after = target.clone();
        grafted.command.clone().apply(&mut after).unwrap();
        prop_assert!(after.check_invariants().is_ok(), "{:?}", after.check_invariants());
        prop_assert_eq!(after.len(), target.len() + clip.len());

        // Every node of the clip has a new id, free in the target and unique.
        let mut clip_ids = clip.dfs();
        clip_ids.sort();
        prop_assert_eq!(grafted.ids.keys().collect::<Vec<_>>(), clip_ids);
        let new: HashSet<&NodeId> = grafted.ids.values().collect();
        prop_assert_eq!(new.len(), clip.len());
        prop_assert!(new.iter().all(|id| !target.contains(id.as_str()) && after.contains(id.as_str())));

        // The copy sits where it was asked to.
        let top = &grafted.ids[&root];
        prop_assert_eq!(&grafted.roots, &vec![top.clone()]);
        prop_assert_eq!(after.parent(top.as_str()), parent.as_ref());
        let siblings = parent.as_ref().map_or(target.roots().len(), |p| target.child_count(p.as_str()));
        prop_assert_eq!(after.position(top.as_str()), Some(index.min(siblings)));

        // The links inside the clip come along, renamed; no other link is added.
        let renamed = |l: &Link| Link {
            from: grafted.ids[&l.from].clone(),
            to: grafted.ids[&l.to].clone(),
            kind: l.kind,
        };
        let expected: Vec<Link> = clip.links().iter().map(renamed).collect();
        let carried: Vec<Link> = after
            .links()
            .into_iter()
            .filter(|l| new.contains(&l.from) || new.contains(&l.to))
            .collect();
        prop_assert_eq!(carried.len(), expected.len());
        prop_assert!(expected.iter().all(|l| carried.contains(l)));
        prop_assert_eq!(after.links().len(), target.links().len() + expected.len());

        // The copy rolls up to the original's values, bit for bit.
        let before: Vec<(NodeId, Option<u64>)> = values(&source)
            .into_iter()
            .filter(|(id, _)| clip.contains(id.as_str()))
            .map(|(id, v)| (grafted.ids[&id].clone(), v))
            .collect();
        let copied: Vec<(NodeId, Option<u64>)> = values(&after)
            .into_iter()
            .filter(|(id, _)| new.contains(id))
            .collect();
        prop_assert_eq!(copied, before);
    }
}

fn pick_id(map: &Map, i: usize) -> NodeId {
    pick(map, i).unwrap()
}

#[test]
fn rename_rewrites_formulas_links_and_scenarios_and_undoes_exactly() {
    let text = r#"Map(format: 1, title: "t", nodes: [
        (id: "total", kind: Metric, title: "Total", formula: Expr("churn + churn_rate * 2")),
        (id: "churn", parent: "total", kind: Metric, title: "Churn", value: 3.0),
        (id: "churn_rate", parent: "total", kind: Metric, title: "Churn rate", value: 0.1),
        (id: "goal", kind: Outcome, title: "Keep customers"),
    ],
    links: [(from: "goal", to: "churn", kind: Measures)],
    scenarios: [(name: "S", overrides: {"churn": 1.0})])"#;
    let mut doc = Document::new(format::parse_str(text).unwrap().map);
    let before = format::to_string(doc.map());
    doc.apply(Command::rename(
        NodeId::new("churn").unwrap(),
        NodeId::new("lost").unwrap(),
    ))
    .unwrap();
    let map = doc.map();
    assert_eq!(
        map.node("total").unwrap().formula,
        Some(Formula::Expr("lost + churn_rate * 2".into()))
    );
    assert_eq!(map.links()[0].to.as_str(), "lost");
    assert!(map.scenario("S").unwrap().overrides.contains_key("lost"));
    doc.undo().unwrap();
    assert_eq!(format::to_string(doc.map()), before);
    // A clash or a malformed id is refused and changes nothing.
    assert!(
        doc.apply(Command::rename(
            NodeId::new("churn").unwrap(),
            NodeId::new("churn_rate").unwrap()
        ))
        .is_err()
    );
    assert_eq!(format::to_string(doc.map()), before);
}

#[test]
fn deleting_a_node_drops_its_scenario_overrides_and_undo_restores_them() {
    let text = r#"Map(format: 1, title: "t", nodes: [
        (id: "total", kind: Metric, title: "Total", formula: Sum),
        (id: "churn", parent: "total", kind: Metric, title: "Churn", value: 3.0),
    ],
    scenarios: [(name: "S", overrides: {"churn": 1.0})])"#;
    let mut doc = Document::new(format::parse_str(text).unwrap().map);
    let before = format::to_string(doc.map());
    doc.apply(Command::DeleteSubtree {
        id: NodeId::new("churn").unwrap(),
    })
    .unwrap();
    assert!(doc.map().scenario("S").unwrap().overrides.is_empty());
    // The map saves and reopens.
    assert!(format::save_problems(doc.map()).is_empty());
    assert!(format::parse_str(&format::to_string(doc.map())).is_ok());
    doc.undo().unwrap();
    assert_eq!(format::to_string(doc.map()), before);
}

#[test]
fn moving_a_node_under_its_own_descendant_is_refused() {
    let mut doc = Document::new(fulcrum::model::synthetic::chain(5));
    let err = doc
        .apply(Command::Move {
            id: NodeId::new("m1").unwrap(),
            parent: Some(NodeId::new("m3").unwrap()),
            index: 0,
        })
        .unwrap_err();
    assert!(err.to_string().contains("inside it"), "{err}");
    assert!(!doc.is_dirty());
}

#[test]
fn saved_marker_follows_undo_and_redo() {
    let mut doc = Document::new(Map::new("t"));
    let add = |title: &str, map: &Map| {
        Command::AddNode(Box::new(NewNode {
            id: map.fresh_id(title),
            node: Node::new(NodeKind::Metric, title),
            parent: None,
            index: 0,
        }))
    };
    doc.apply(add("A", doc.map())).unwrap();
    doc.mark_saved();
    assert!(!doc.is_dirty());
    doc.apply(add("B", doc.map())).unwrap();
    assert!(doc.is_dirty());
    doc.undo().unwrap();
    assert!(!doc.is_dirty());
    doc.undo().unwrap();
    assert!(doc.is_dirty());
    doc.redo().unwrap();
    assert!(!doc.is_dirty());
    // Branching away from the saved state after undoing it can never be clean again by redo.
    doc.undo().unwrap();
    doc.apply(add("C", doc.map())).unwrap();
    assert!(doc.is_dirty());
}
