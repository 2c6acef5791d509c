//! Property tests of the three-way merge over synthetic maps and random edits made of
//! `Command`s: merging a side with base gives that side; the merge is symmetric up to which
//! side is ours; edits of disjoint fields never conflict; the merged file always loads once
//! one side of each conflict is taken, and taking ours gives exactly the merge ours' way.
#![allow(clippy::unwrap_used)]

mod support;

use fulcrum::edit::{Conflict, Subject, merge};
use fulcrum::format::{self, FormatError, Pick};
use fulcrum::model::{Field, Link, LinkKind, Map, NodeId, same_node, synthetic};
use proptest::prelude::*;
use support::{Edit, edited};

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (proptest::option::of(0usize..64), 0usize..7, "[A-Z][a-z]{0,5}", 0usize..4)
            .prop_map(|(parent, kind, title, index)| Edit::Add { parent, kind, title, index }),
        1 => (0usize..64).prop_map(Edit::Delete),
        2 => (0usize..64, proptest::option::of(0usize..64), 0usize..4)
            .prop_map(|(node, parent, index)| Edit::Move { node, parent, index }),
        6 => (0usize..64, 0usize..Field::ALL.len(), any::<u64>())
            .prop_map(|(node, field, seed)| Edit::SetField { node, field, seed }),
        1 => (0usize..64, 0usize..64).prop_map(|(a, b)| Edit::Link(a, b)),
        1 => (0usize..8).prop_map(Edit::Unlink),
        1 => ("[AB]", 0usize..64, -50f64..50.0).prop_map(|(s, n, v)| Edit::Override(s, n, v)),
    ]
}

/// A synthetic driver tree with a few links and a scenario.
fn base(size: usize, seed: u64) -> Map {
    let mut map = synthetic::driver_tree(size, seed);
    let ids: Vec<NodeId> = map.dfs().into_iter().cloned().collect();
    for k in 1..ids.len().min(4) {
        let _ = map.add_link(Link {
            from: ids[0].clone(),
            to: ids[k].clone(),
            kind: LinkKind::Measures,
        });
    }
    let mut scenario = fulcrum::model::Scenario {
        name: "A".into(),
        ..Default::default()
    };
    scenario.overrides.insert(ids[ids.len() - 1].clone(), 7.0);
    let _ = map.insert_scenario(0, scenario);
    map
}

fn text(map: &Map) -> String {
    format::to_string(map)
}

/// Conflicts in a side-independent order.
fn sorted(mut conflicts: Vec<Conflict>) -> Vec<Conflict> {
    conflicts.sort_by(|a, b| a.subject.cmp(&b.subject));
    conflicts
}

/// Whether two maps hold the same nodes (data and parents), links and scenarios, whatever
/// the order of siblings.
fn same_content(a: &Map, b: &Map) -> bool {
    a.len() == b.len()
        && a.title() == b.title()
        && a.iter().all(|(id, node)| {
            b.node(id.as_str())
                .is_some_and(|other| same_node(node, other))
                && a.parent(id.as_str()) == b.parent(id.as_str())
        })
        && a.links() == b.links()
        && a.scenarios().len() == b.scenarios().len()
        && a.scenarios().iter().all(|s| b.scenario(&s.name) == Some(s))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn merging_a_side_with_base_gives_that_side(
        size in 1usize..30,
        seed in any::<u64>(),
        edits in proptest::collection::vec(edit(), 0..12),
    ) {
        let b = base(size, seed);
        let x = edited(&b, &edits);
        for m in [merge(&b, &x, &b), merge(&b, &b, &x)] {
            prop_assert!(m.is_clean(), "{:?}", m.conflicts);
            prop_assert_eq!(text(&m.map), text(&x));
        }
        prop_assert_eq!(text(&merge(&b, &x, &x).map), text(&x));
    }

    #[test]
    fn the_merge_is_symmetric_up_to_which_side_is_ours(
        size in 1usize..30,
        seed in any::<u64>(),
        ours in proptest::collection::vec(edit(), 0..10),
        theirs in proptest::collection::vec(edit(), 0..10),
    ) {
        let b = base(size, seed);
        let (x, y) = (edited(&b, &ours), edited(&b, &theirs));
        let (xy, yx) = (merge(&b, &x, &y), merge(&b, &y, &x));
        prop_assert_eq!(text(&xy.map), text(yx.theirs_way()));
        prop_assert_eq!(text(xy.theirs_way()), text(&yx.map));
        let swapped: Vec<Conflict> = yx.conflicts.iter().map(Conflict::swapped).collect();
        prop_assert_eq!(sorted(xy.conflicts.clone()), sorted(swapped));
    }

    #[test]
    fn edits_of_disjoint_fields_never_conflict(
        size in 2usize..30,
        seed in any::<u64>(),
        picks in proptest::collection::vec((0usize..64, 0usize..Field::ALL.len(), any::<u64>(), any::<bool>()), 1..16),
    ) {
        let b = base(size, seed);
        let ids: Vec<NodeId> = b.dfs().into_iter().cloned().collect();
        // Each (node, field) goes to one side only. Formulas are left out: two formulas
        // that each name the other's node are disjoint fields, yet taking both closes a
        // cycle, which SPEC §6 makes a conflict.
        let mut taken = std::collections::HashSet::new();
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for (node, field, seed, to_ours) in picks {
            let field = field % Field::ALL.len();
            let node = node % ids.len();
            if Field::ALL[field] == Field::Formula || !taken.insert((node, field)) {
                continue;
            }
            let edit = Edit::SetField { node, field, seed };
            if to_ours { ours.push(edit) } else { theirs.push(edit) }
        }
        let (x, y) = (edited(&b, &ours), edited(&b, &theirs));
        let m = merge(&b, &x, &y);
        prop_assert!(m.is_clean(), "{:?}", m.conflicts);
        // Every field holds the value of the side that set it.
        for (id, node) in m.map.iter() {
            for f in Field::ALL {
                let (vb, vx, vy) = (
                    f.get(b.node(id.as_str()).unwrap()),
                    f.get(x.node(id.as_str()).unwrap()),
                    f.get(y.node(id.as_str()).unwrap()),
                );
                let expected = if vx != vb { vx } else { vy };
                prop_assert!(f.get(node) == expected, "{id}.{}", f.name());
            }
        }
    }

    #[test]
    fn the_merged_file_loads_once_one_side_of_each_conflict_is_taken(
        size in 1usize..30,
        seed in any::<u64>(),
        ours in proptest::collection::vec(edit(), 0..10),
        theirs in proptest::collection::vec(edit(), 0..10),
    ) {
        let b = base(size, seed);
        let (x, y) = (edited(&b, &ours), edited(&b, &theirs));
        let m = merge(&b, &x, &y);
        for way in [&m.map, m.theirs_way()] {
            prop_assert!(way.check_invariants().is_ok(), "{:?}", way.check_invariants());
            prop_assert!(format::save_problems(way).is_empty(), "{:?}", format::save_problems(way));
        }
        let merged = format::merged_to_string(&m);
        match format::parse_str(&merged) {
            Ok(loaded) => {
                prop_assert!(m.is_clean());
                prop_assert_eq!(text(&loaded.map), text(&m.map));
            }
            Err(FormatError::Conflicted(blocks)) => {
                prop_assert!(!m.is_clean());
                prop_assert!(blocks.iter().all(|b| b.complete));
            }
            Err(other) => prop_assert!(false, "{other}\n{merged}"),
        }
        let ours_text = format::resolve_conflicts(&merged, |_| Pick::Ours);
        let loaded = format::parse_str(&ours_text);
        prop_assert!(loaded.is_ok(), "{:?}\n{}", loaded.err(), ours_text);
        prop_assert_eq!(text(&loaded.unwrap().map), text(&m.map));
        let theirs_text = format::resolve_conflicts(&merged, |_| Pick::Theirs);
        let loaded = format::parse_str(&theirs_text);
        prop_assert!(loaded.is_ok(), "{:?}\n{}", loaded.err(), theirs_text);
        // The same content as theirs' way once saved (a node the API gave both an evidence
        // list and an evidence score keeps one in the file).
        let theirs_saved = format::parse_str(&text(m.theirs_way())).unwrap().map;
        prop_assert!(same_content(&loaded.unwrap().map, &theirs_saved));
        // Every conflict's node is one the text marks.
        for c in &m.conflicts {
            if let Some(id) = c.subject.node() {
                prop_assert!(m.map.contains(id.as_str()) || m.theirs_way().contains(id.as_str())
                    || matches!(c.subject, Subject::Override(..)));
            }
        }
    }
}

/// The merge's result holds the very node a version holds wherever that node is taken as it
/// is (no copy of an unchanged 100k-node map), and a new node only where fields of both
/// sides were merged.
#[test]
fn the_merged_map_shares_the_nodes_taken_as_they_are() {
    let base = synthetic::driver_tree(300, 5);
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let retitle = |map: &mut Map, id: &str, title: &str| {
        let mut node = map.node(id).unwrap().clone();
        node.title = title.to_owned();
        map.replace_node(id, node).unwrap();
    };
    let set_value = |map: &mut Map, id: &str| {
        let mut node = map.node(id).unwrap().clone();
        node.target = Some(5.0);
        map.replace_node(id, node).unwrap();
    };
    retitle(&mut ours, "m3", "Ours' title");
    set_value(&mut theirs, "m4");
    // Both sides change one node, in different fields: merged field by field.
    retitle(&mut ours, "m5", "Ours' m5");
    set_value(&mut theirs, "m5");
    let merged = merge(&base, &ours, &theirs);
    assert!(merged.is_clean());
    let same = |a: &Map, id: &str| std::ptr::eq(merged.map.node(id).unwrap(), a.node(id).unwrap());
    assert!(same(&ours, "m3"), "ours' edit taken as ours holds it");
    assert!(same(&theirs, "m4"), "theirs' edit taken as theirs holds it");
    assert!(!same(&ours, "m5") && !same(&theirs, "m5"));
    assert_eq!(merged.map.node("m5").unwrap().title, "Ours' m5");
    assert_eq!(merged.map.node("m5").unwrap().target, Some(5.0));
    for (id, _) in base
        .iter()
        .filter(|(id, _)| !["m3", "m4", "m5"].contains(&id.as_str()))
    {
        assert!(same(&ours, id.as_str()), "{id} is shared");
    }
}
