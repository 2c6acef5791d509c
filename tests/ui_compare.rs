//! Headless UI test of File -> Compare with… (SPEC §5 Compare files): the open map against
//! another file and against its own last saved version — added, changed and moved cards are
//! marked, removed nodes listed, the list stepped through (selecting and centring each
//! card), the marks following an edit, Esc leaving.
#![cfg(feature = "app")]

mod common;

use common::{harness, press, press_mod};

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::edit::{Command, NewNode};
use fulcrum::format;
use fulcrum::model::{Map, Node, NodeId, NodeKind};
use fulcrum::ui::FulcrumApp;

fn id(s: &str) -> NodeId {
    NodeId::new(s).expect("id")
}

fn run(map: &mut Map, command: Command) {
    command.apply(map).expect("applies");
}

/// The other file: the open map without `guest_roles`, with an extra `old_idea`, another
/// owner on `upgrades`, and `digest_note` under `weekly_digest`.
fn other_version(open: &Map) -> Map {
    let mut other = open.clone();
    run(
        &mut other,
        Command::DeleteSubtree {
            id: id("guest_roles"),
        },
    );
    run(
        &mut other,
        Command::AddNode(Box::new(NewNode {
            id: id("old_idea"),
            node: Node::new(NodeKind::Opportunity, "Old idea"),
            parent: Some(id("grow_usage")),
            index: 0,
        })),
    );
    let mut upgrades = other.node("upgrades").cloned().expect("upgrades");
    upgrades.owner = Some("Someone else".to_owned());
    run(
        &mut other,
        Command::SetNode {
            id: id("upgrades"),
            node: Box::new(upgrades),
        },
    );
    run(
        &mut other,
        Command::Move {
            id: id("digest_note"),
            parent: Some(id("weekly_digest")),
            index: 0,
        },
    );
    other
}

fn type_over(h: &mut Harness<'_, FulcrumApp>, text: &str) {
    press_mod(h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text(text.to_owned()));
    h.run();
}

fn file_menu(h: &mut Harness<'_, FulcrumApp>, entry: &str) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label(entry).click();
    h.run();
}

fn retitle(h: &mut Harness<'_, FulcrumApp>, node: &str, title: &str) {
    let mut n = h.state().map().node(node).cloned().expect("node");
    n.title = title.to_owned();
    assert!(h.state_mut().apply(Command::SetNode {
        id: id(node),
        node: Box::new(n),
    }));
    h.run();
}

#[test]
fn compare_with_another_file_marks_lists_and_steps_through_the_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness(FulcrumApp::app_for_tests());
    let other = dir.path().join("colleague.ron");
    format::save(&other_version(h.state().map()), &other).expect("save other");
    file_menu(&mut h, "Compare with…");
    h.get_by_label("Compare with");
    type_over(&mut h, &other.display().to_string());
    press(&mut h, Key::Enter);
    h.get_by_label("Compare with colleague.ron");
    let state = h.state();
    assert_eq!(state.compare_mark("guest_roles"), Some("new"));
    assert_eq!(state.compare_mark("upgrades"), Some("changed"));
    assert_eq!(state.compare_mark("digest_note"), Some("moved"));
    assert_eq!(state.compare_mark("nrr"), None);
    let lines = state.compare_lines();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("removed: node old_idea from grow_usage")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l == "changed: upgrades.owner: \"Someone else\" -> \"Growth\""),
        "{lines:?}"
    );
    // The removed node is listed though it has no card.
    h.get_by_label_contains("node old_idea from grow_usage");
    // Stepping selects each change's card in turn (the removed one has none).
    let mut visited = Vec::new();
    for _ in 0..4 {
        h.get_by_label("Next change").click();
        h.run();
        visited.push(h.state().selected().map(ToString::to_string));
    }
    for node in ["guest_roles", "upgrades", "digest_note"] {
        assert!(visited.contains(&Some(node.to_owned())), "{visited:?}");
    }
    h.get_by_label("Previous change").click();
    h.run();
    assert_eq!(
        h.state().selected().map(ToString::to_string),
        visited[2].clone()
    );
    // An edit while comparing is marked at once.
    retitle(&mut h, "nrr", "NRR");
    assert_eq!(h.state().compare_mark("nrr"), Some("changed"));
    assert_eq!(h.state().compare_lines().len(), 5);
    h.get_by_label("Close compare").click();
    h.run();
    assert!(h.query_by_label("Compare with colleague.ron").is_none());
    assert!(h.state().compare_lines().is_empty());
}

#[test]
fn compare_with_the_saved_version_shows_unsaved_changes_and_esc_leaves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.ron");
    let mut h = harness(FulcrumApp::app_for_tests());
    assert!(h.state_mut().save_to(&path));
    h.run();
    retitle(&mut h, "churned", "Churn");
    file_menu(&mut h, "Compare with last saved version");
    h.get_by_label("Compare with the saved version");
    assert_eq!(h.state().compare_mark("churned"), Some("changed"));
    assert_eq!(
        h.state().compare_lines(),
        vec!["changed: churned.title: \"Churned MRR\" -> \"Churn\"".to_owned()]
    );
    press(&mut h, Key::Escape);
    assert!(h.state().compare_lines().is_empty(), "Esc leaves compare");
}
