//! Headless UI tests of the discovery workshop views (issue 13): File → Combine maps… brings
//! a trio's maps in as one undo step and shows the proposed merges beside the canvas —
//! Accept (one undo step), Reject, merge by hand; File → New from template; interview
//! snapshots added in the inspector.
#![cfg(feature = "app")]

mod common;

use common::{harness, press, press_mod};

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::format;
use fulcrum::model::Map;
use fulcrum::ui::FulcrumApp;

fn maya() -> Map {
    format::load(std::path::Path::new("tests/fixtures/trio/maya.ron"))
        .expect("loads")
        .map
}

fn file_menu(h: &mut Harness<'_, FulcrumApp>, entry: &str) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label(entry).click();
    h.run();
}

fn combined() -> Harness<'static, FulcrumApp> {
    let mut h = harness(FulcrumApp::with_map(maya()));
    file_menu(&mut h, "Combine maps…");
    h.get_by_label("Combine maps (paths separated by ;)");
    press_mod(&mut h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text(
        "tests/fixtures/trio/leo.ron; tests/fixtures/trio/ana.ron".to_owned(),
    ));
    h.run();
    press(&mut h, Key::Enter);
    h
}

#[test]
fn combine_maps_proposes_merges_and_accepting_one_is_one_undo_step() {
    let mut h = combined();
    h.get_by_label("Combine maps");
    h.get_by_label("4 proposed merges:");
    assert_eq!(h.state().map().roots().count(), 3);
    assert_eq!(h.state().map().len(), 23);
    let proposals = h.state().combine_proposals();
    assert_eq!(proposals.len(), 4, "{proposals:?}");
    assert!(proposals.contains(&(
        "cant_find_export".to_owned(),
        vec![
            "export_button_hidden".to_owned(),
            "export_hard_to_find".to_owned()
        ]
    )));
    let reasons = h
        .get_all_by_label_contains("shared words: find, export")
        .count();
    assert_eq!(reasons, 2, "each merged node shows its reason");

    // Accept the first group: one undo step.
    let (keep, merged) = proposals[0].clone();
    h.get_all_by_label("Accept")
        .next()
        .expect("a button")
        .click();
    h.run();
    for m in &merged {
        assert!(!h.state().map().contains(m), "{m} merged away");
    }
    assert!(h.state().map().contains(&keep));
    assert_eq!(h.state().combine_proposals().len(), 3);
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    for m in &merged {
        assert!(h.state().map().contains(m), "{m} back after undo");
    }
    assert_eq!(h.state().combine_proposals().len(), 4, "proposed again");
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().map().len(), 8, "the import was one step too");
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(h.state().map().len(), 23);
}

#[test]
fn reject_drops_a_group_and_merge_by_hand_merges_any_two() {
    let mut h = combined();
    let first = h.state().combine_proposals()[0].clone();
    h.get_all_by_label("Reject")
        .next()
        .expect("a button")
        .click();
    h.run();
    let now = h.state().combine_proposals();
    assert_eq!(now.len(), 3);
    assert!(!now.contains(&first));
    assert!(h.state().map().contains(&first.0), "nothing merged");

    // By hand: Leo's phone charts into Maya's distrust (the person knows better).
    h.state_mut().select("charts_on_phone");
    h.run();
    h.get_by_label("Pick selected to merge").click();
    h.run();
    h.state_mut().select("manager_distrust");
    h.run();
    h.get_by_label("Merge into selected").click();
    h.run();
    let map = h.state().map();
    assert!(!map.contains("charts_on_phone"));
    let kids: Vec<&str> = map
        .children("manager_distrust")
        .map(|c| c.as_str())
        .collect();
    assert_eq!(kids, ["show_source", "responsive_charts"]);
    let kept = map.node("manager_distrust").expect("kept");
    assert_eq!(
        kept.evidence.len(),
        1,
        "Leo's usability snapshot came along"
    );
    h.get_by_label("Close review").click();
    h.run();
    assert!(h.state().combine_proposals().is_empty());
}

#[test]
fn new_from_template_opens_an_untitled_example() {
    let mut h = harness(FulcrumApp::with_map(maya()));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("New from template").click();
    h.run();
    h.get_by_label("Opportunity solution tree").click();
    h.run();
    let state = h.state();
    assert_eq!(state.map().title(), "Collaboration OST: seats per account");
    assert_eq!(state.document_name(), "ost.ron");
    assert!(state.path().is_none(), "Save asks where");
}

#[test]
fn an_interview_snapshot_is_added_in_the_inspector() {
    let mut h = harness(FulcrumApp::with_map(maya()));
    h.state_mut().select("monday_by_hand");
    h.run();
    h.get_by_label("Add evidence").click();
    h.run();
    let node = h.state().map().node("monday_by_hand").expect("node");
    assert_eq!(node.evidence.len(), 1);
    assert_eq!(node.evidence[0].source, "Interview");
}

#[test]
fn combining_one_map_at_a_time_keeps_each_map_apart() {
    let mut h = harness(FulcrumApp::with_map(maya()));
    h.state_mut()
        .combine_with_paths(&["tests/fixtures/trio/leo.ron".into()]);
    h.run();
    let pairs = h.state().combine_proposals();
    assert_eq!(pairs.len(), 4, "{pairs:?}");
    assert!(pairs.iter().all(|(_, merged)| merged.len() == 1));
    h.state_mut()
        .combine_with_paths(&["tests/fixtures/trio/ana.ron".into()]);
    h.run();
    let proposals = h.state().combine_proposals();
    assert_eq!(proposals.len(), 4, "{proposals:?}");
    assert!(
        proposals
            .iter()
            .any(|(keep, merged)| keep == "cant_find_export"
                && merged == &["export_button_hidden", "export_hard_to_find"])
    );
    h.get_by_label("Maps: Untitled, leo, ana. Nothing merges until you accept it.");
}

#[test]
fn a_kind_change_keeps_the_snapshots_and_says_so() {
    let mut h = harness(FulcrumApp::with_map(maya()));
    h.state_mut().select("cant_find_export");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND, Key::Num5);
    let node = h.state().map().node("cant_find_export").expect("node");
    assert_eq!(node.kind, fulcrum::model::NodeKind::Assumption);
    assert_eq!(node.evidence.len(), 1, "nothing dropped");
    h.get_by_label(
        "Also keeps 1 interview snapshot from when it was an opportunity (saved with it)",
    );
}
