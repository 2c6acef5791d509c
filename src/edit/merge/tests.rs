//! Unit tests of the three-way merge on small hand-made maps.

use super::*;
use crate::engine::Program;
use crate::model::{Formula, Link, LinkKind, NodeKind};

fn id(s: &str) -> NodeId {
    NodeId::new(s).unwrap_or_else(|e| panic!("{e}"))
}

/// `root` with metric children, each `(id, parent)`; parents listed first.
fn map(nodes: &[(&str, Option<&str>)]) -> Map {
    let mut m = Map::new("t");
    for (n, parent) in nodes {
        let _ = m.insert(id(n), Node::new(NodeKind::Metric, *n), *parent, usize::MAX);
    }
    m
}

fn edit(m: &Map, n: &str, f: impl FnOnce(&mut Node)) -> Map {
    let mut m = m.clone();
    let mut node = m.node(n).cloned().unwrap_or_else(|| panic!("no {n}"));
    f(&mut node);
    let _ = m.replace_node(n, node);
    m
}

fn base() -> Map {
    map(&[
        ("root", None),
        ("a", Some("root")),
        ("b", Some("root")),
        ("c", Some("root")),
    ])
}

fn text(m: &Map) -> Vec<String> {
    m.iter()
        .map(|(id, n)| {
            format!(
                "{id}<{}> {:?} {:?} {:?}",
                m.parent(id.as_str()).map_or("", NodeId::as_str),
                n.target,
                n.owner,
                n.formula
            )
        })
        .collect()
}

#[test]
fn edits_of_different_fields_of_one_node_merge_cleanly() {
    let b = base();
    let ours = edit(&b, "a", |n| n.target = Some(1.12));
    let theirs = edit(&b, "a", |n| n.owner = Some("Ann".into()));
    let m = merge(&b, &ours, &theirs);
    assert!(m.is_clean(), "{:?}", m.conflicts);
    let a = m
        .map
        .node("a")
        .cloned()
        .unwrap_or_else(|| Node::new(NodeKind::Note, ""));
    assert_eq!((a.target, a.owner.as_deref()), (Some(1.12), Some("Ann")));
}

#[test]
fn one_field_changed_two_ways_is_a_conflict_with_both_ways() {
    let b = edit(&base(), "a", |n| n.target = Some(1.1));
    let ours = edit(&b, "a", |n| n.target = Some(1.12));
    let theirs = edit(&b, "a", |n| n.target = Some(1.15));
    let m = merge(&b, &ours, &theirs);
    assert_eq!(
        m.conflicts,
        [Conflict {
            subject: Subject::Field(id("a"), Field::Target),
            reason: Reason::Changed,
            base: Version::Field(FieldValue::Number(1.1)),
            ours: Version::Field(FieldValue::Number(1.12)),
            theirs: Version::Field(FieldValue::Number(1.15)),
        }]
    );
    assert_eq!(m.map.node("a").and_then(|n| n.target), Some(1.12));
    assert_eq!(m.theirs_way().node("a").and_then(|n| n.target), Some(1.15));
}

#[test]
fn a_delete_against_an_edit_is_a_conflict() {
    let b = base();
    let mut ours = b.clone();
    let _ = ours.remove_leaf("b");
    let theirs = edit(&b, "b", |n| n.owner = Some("Ann".into()));
    let m = merge(&b, &ours, &theirs);
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].subject, Subject::Node(id("b")));
    assert!(!m.map.contains("b"));
    assert!(m.theirs_way().contains("b"));
    // A delete of an untouched node is clean.
    let m = merge(&b, &ours, &b);
    assert!(m.is_clean() && !m.map.contains("b"));
}

#[test]
fn a_child_added_under_a_deleted_node_brings_it_back_theirs_way() {
    let b = base();
    let mut ours = b.clone();
    let _ = ours.remove_leaf("c");
    let mut theirs = b.clone();
    let _ = theirs.insert(id("d"), Node::new(NodeKind::Metric, "d"), Some("c"), 0);
    let m = merge(&b, &ours, &theirs);
    let subjects: Vec<&Subject> = m.conflicts.iter().map(|c| &c.subject).collect();
    assert_eq!(subjects, [&Subject::Node(id("c")), &Subject::Node(id("d"))]);
    assert!(!m.map.contains("c") && !m.map.contains("d"));
    assert!(m.theirs_way().contains("c") && m.theirs_way().contains("d"));
    assert!(m.map.check_invariants().is_ok() && m.theirs_way().check_invariants().is_ok());
}

#[test]
fn moves_that_close_a_cycle_of_parents_conflict() {
    let b = map(&[("root", None), ("x", Some("root")), ("p", Some("root"))]);
    let mut ours = b.clone();
    let _ = ours.move_node("x", Some("p"), 0);
    let mut theirs = b.clone();
    let _ = theirs.move_node("p", Some("x"), 0);
    let m = merge(&b, &ours, &theirs);
    assert_eq!(m.conflicts.len(), 2, "{:?}", m.conflicts);
    assert!(m.conflicts.iter().all(|c| c.reason == Reason::Cycle));
    assert_eq!(m.map.parent("x").map(NodeId::as_str), Some("p"));
    assert_eq!(m.map.parent("p").map(NodeId::as_str), Some("root"));
    assert_eq!(m.theirs_way().parent("p").map(NodeId::as_str), Some("x"));
}

#[test]
fn formulas_that_close_a_cycle_conflict() {
    let b = base();
    let ours = edit(&b, "a", |n| n.formula = Some(Formula::Expr("b + 1".into())));
    let theirs = edit(&b, "b", |n| n.formula = Some(Formula::Expr("a + 1".into())));
    let m = merge(&b, &ours, &theirs);
    let subjects: Vec<&Subject> = m.conflicts.iter().map(|c| &c.subject).collect();
    assert_eq!(
        subjects,
        [
            &Subject::Field(id("a"), Field::Formula),
            &Subject::Field(id("b"), Field::Formula)
        ]
    );
    assert!(Program::compile(&m.map).cycles().next().is_none());
    assert!(Program::compile(m.theirs_way()).cycles().next().is_none());
}

#[test]
fn sibling_orders_merge_by_the_fewest_moves() {
    let b = base();
    let mut ours = b.clone();
    let _ = ours.move_node("c", Some("root"), 0); // c a b
    let mut theirs = b.clone();
    let _ = theirs.insert(id("d"), Node::new(NodeKind::Metric, "d"), Some("root"), 2); // a b d c
    let m = merge(&b, &ours, &theirs);
    assert!(m.is_clean());
    let kids: Vec<&str> = m.map.children("root").map(NodeId::as_str).collect();
    assert_eq!(kids, ["c", "a", "b", "d"]);
}

#[test]
fn links_and_scenarios_merge_by_key() {
    let b = base();
    let mut ours = b.clone();
    let link = Link {
        from: id("a"),
        to: id("b"),
        kind: LinkKind::Relates,
    };
    let _ = ours.add_link(link.clone());
    let mut theirs = b.clone();
    let mut s = Scenario {
        name: "S".into(),
        ..Scenario::default()
    };
    s.overrides.insert(id("c"), 2.0);
    let _ = theirs.insert_scenario(0, s);
    let m = merge(&b, &ours, &theirs);
    assert!(m.is_clean());
    assert_eq!(m.map.links(), [link]);
    assert_eq!(m.map.scenario("S").map(|s| s.overrides.len()), Some(1));
}

#[test]
fn merging_a_side_with_base_gives_that_side() {
    let b = crate::model::synthetic::driver_tree(200, 5);
    let mut x = b.clone();
    let _ = x.move_node("m7", Some("m3"), 0);
    let _ = x.move_node("m1", None, 0);
    let x = edit(&x, "m9", |n| n.owner = Some("Ann".into()));
    for (ours, theirs) in [(&x, &b), (&b, &x)] {
        let m = merge(&b, ours, theirs);
        assert!(m.is_clean());
        assert_eq!(text(&m.map), text(&x));
    }
}
