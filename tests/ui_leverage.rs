//! Headless UI tests of leverage in the app: the panel (Ctrl+L) ranked by elasticity, a
//! typed what-if that re-rolls the tree, goal seek to the target, the what-if saved as a
//! scenario in one undo step, "Make top", links made in the app and the bridge, and the
//! scenario manager. Figures are checked against values computed by hand from
//! samples/nrr.ron: NRR = (starting 100 000 + expansion 15 000 − contraction 3 000 − churned
//! 25 × 200) / 100 000 = 1.07, target 1.10.
#![cfg(feature = "app")]

mod common;

use common::{close, harness, press, press_mod, sample, type_and_enter};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::model::LinkKind;
use fulcrum::ui::FulcrumApp;

fn nrr(h: &Harness<'_, FulcrumApp>) -> f64 {
    h.state()
        .shown_value("nrr")
        .unwrap_or_else(|| panic!("nrr has a value"))
}

fn opened(app: FulcrumApp) -> Harness<'static, FulcrumApp> {
    let mut h = harness(app);
    press_mod(&mut h, Modifiers::COMMAND, Key::L);
    h.get_by_label("Leverage");
    h
}

#[test]
fn ctrl_l_ranks_the_levers_by_elasticity() {
    let h = opened(sample("nrr.ron"));
    let y = |title: &str| h.get_by_label(&format!("what-if {title}")).rect().min.y;
    // |elasticity|: seat expansion 9000e-5/1.07 > starting MRR 0.07/1.07 > plan upgrade
    // 0.06/1.07 > churn levers 0.05/1.07 > contraction 0.03/1.07.
    assert!(y("Seat expansion MRR") < y("Starting MRR"));
    assert!(y("Starting MRR") < y("Plan upgrade MRR"));
    assert!(y("Plan upgrade MRR") < y("Accounts churned"));
    assert!(y("Accounts churned") < y("Contraction MRR"));
    h.get_by_label("elasticity +0.084");
    // Contraction's impact to target (2 500): NRR rises by 500 / 100 000.
    h.get_by_label("on target: +0.5 pts of Net revenue retention");
    assert!(close(nrr(&h), 1.07));
}

#[test]
fn a_typed_relative_value_re_rolls_the_tree_and_reset_drops_it() {
    let mut h = opened(sample("nrr.ron"));
    h.get_by_label("what-if Accounts churned").focus();
    h.run();
    type_and_enter(&mut h, "+10%");
    // 27.5 accounts × $200 = 5 500 churned.
    assert!(close(
        h.state().shown_value("churned").unwrap_or(0.0),
        5_500.0
    ));
    assert!(close(nrr(&h), 1.065));
    assert!(!h.state().is_dirty(), "a what-if is not an edit");
    h.get_by_label("Reset").click();
    h.run();
    assert!(close(nrr(&h), 1.07));
}

#[test]
fn goal_seek_finds_the_expansion_that_reaches_the_target() {
    let mut h = opened(sample("nrr.ron"));
    // The first row is seat expansion: NRR 1.07 → 1.10 needs 3 000 more.
    h.get_all_by_label("Goal seek")
        .next()
        .unwrap_or_else(|| panic!("a goal seek button"))
        .click();
    h.run();
    h.get_by_label("reaches the target at $12,000");
    h.get_by_label("Try it").click();
    h.run();
    assert!(close(nrr(&h), 1.10), "{}", nrr(&h));
    assert!(close(
        h.state().shown_value("seat_expansion").unwrap_or(0.0),
        12_000.0
    ));
}

#[test]
fn a_what_if_saved_as_a_scenario_is_one_undo_step() {
    let mut h = opened(sample("nrr.ron"));
    let scenarios_before = h.state().map().scenarios().len();
    h.get_by_label("what-if Seat expansion MRR").focus();
    h.run();
    type_and_enter(&mut h, "12000");
    h.get_by_label("what-if Accounts churned").focus();
    h.run();
    type_and_enter(&mut h, "20");
    h.get_by_label("Save as scenario…").click();
    h.run();
    h.get_by_label("Save").click();
    h.run();
    let map = h.state().map();
    assert_eq!(map.scenarios().len(), scenarios_before + 1);
    let saved = map.scenarios().last().unwrap_or_else(|| panic!("saved"));
    let get = |id: &str| {
        saved
            .overrides
            .iter()
            .find(|(k, _)| k.as_str() == id)
            .map(|(_, v)| *v)
    };
    assert_eq!(get("seat_expansion"), Some(12_000.0));
    assert_eq!(get("churned_accounts"), Some(20.0));
    // The map is shown under it: (100 000 + 18 000 − 3 000 − 4 000) / 100 000.
    assert_eq!(h.state().scenario(), Some(saved.name.as_str()));
    assert!(close(nrr(&h), 1.11));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().map().scenarios().len(), scenarios_before);
    assert!(close(nrr(&h), 1.07));
}

#[test]
fn make_top_measures_leverage_against_another_metric() {
    let mut h = opened(sample("nrr.ron"));
    h.state_mut().select("churned");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND, Key::T);
    assert_eq!(
        h.state().leverage_top().map(|t| t.as_str()),
        Some("churned")
    );
    // churned = accounts × MRR each: both have elasticity 1.
    assert_eq!(h.get_all_by_label("elasticity +1.000").count(), 2);
    h.get_by_label("First root").click();
    h.run();
    assert_eq!(h.state().leverage_top(), None);
}

#[test]
fn an_outcome_linked_in_the_app_ranks_its_solutions_on_the_bridge() {
    let mut h = harness(sample("workshop.ron"));
    // Drop the sample's link, then make it again in the app.
    h.state_mut().select("grow_usage");
    h.run();
    h.get_by_label("×").click();
    h.run();
    assert!(h.state().map().links().is_empty());
    h.get_by_label("Measures…").click();
    h.run();
    h.get_by_label("Seat expansion MRR  ·  Metric · seat_expansion")
        .click();
    h.run();
    let links = h.state().map().links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].kind, LinkKind::Measures);
    assert_eq!(links[0].to.as_str(), "seat_expansion");
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::B);
    h.get_by_label("Bridge");
    // Seat expansion's elasticity of NRR is 9 000e-5 / 1.07; the biggest lift is 0.08.
    let effect = 0.08 * 0.09 / 1.07;
    h.get_by_label(&format!("+{:.1}%", effect * 100.0));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().map().links().is_empty(), "one undo step");
}

#[test]
fn the_scenario_manager_adds_renames_and_deletes() {
    let mut h = harness(sample("nrr.ron"));
    let before = h.state().map().scenarios().len();
    h.state_mut().select("nrr");
    h.run();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Scenarios…").click();
    h.run();
    h.get_by_label("New scenario").click();
    h.run();
    assert_eq!(h.state().map().scenarios().len(), before + 1);
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().map().scenarios().len(), before);
    press(&mut h, Key::Escape);
}

#[test]
fn an_input_edited_under_a_what_if_updates_both_roll_ups_exactly() {
    let mut h = opened(sample("nrr.ron"));
    h.get_by_label("what-if Seat expansion MRR").focus();
    h.run();
    let rebuilds = h.state().figure_rebuilds();
    type_and_enter(&mut h, "12000");
    assert!(close(nrr(&h), 1.10));
    assert_eq!(
        h.state().figure_rebuilds(),
        rebuilds,
        "a what-if re-rolls in place"
    );
    // A new starting MRR in the inspector: updated in place, in the actuals and the what-if.
    h.state_mut().select("starting_mrr");
    h.run();
    h.get_by_label("value").focus();
    h.run();
    press_mod(&mut h, Modifiers::COMMAND, Key::A);
    let rebuilds = h.state().figure_rebuilds();
    type_and_enter(&mut h, "80000");
    assert_eq!(
        h.state().figure_rebuilds(),
        rebuilds,
        "no recompile for a value"
    );
    assert_eq!(
        h.state().map().node("starting_mrr").and_then(|n| n.value),
        Some(80_000.0)
    );
    assert!(close(
        nrr(&h),
        (80_000.0 + 18_000.0 - 3_000.0 - 5_000.0) / 80_000.0
    ));
    h.get_by_label("Reset").click();
    h.run();
    assert!(close(
        nrr(&h),
        (80_000.0 + 15_000.0 - 3_000.0 - 5_000.0) / 80_000.0
    ));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(close(nrr(&h), 1.07));
}
