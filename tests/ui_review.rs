//! Headless UI tests of the weekly review in the app: the period picker rolls the whole map
//! up for a period, and the inspector's history table adds, changes and deletes periods,
//! each one undo step. Figures are checked against values computed by hand from
//! samples/nrr.ron.
#![cfg(feature = "app")]

mod common;

use common::{close, harness, press_mod, sample, type_and_enter};

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::ui::FulcrumApp;

fn shown(h: &Harness<'_, FulcrumApp>, id: &str) -> f64 {
    h.state()
        .shown_value(id)
        .unwrap_or_else(|| panic!("{id} has a value"))
}

fn history(h: &Harness<'_, FulcrumApp>, id: &str, period: &str) -> Option<f64> {
    h.state()
        .map()
        .node(id)
        .and_then(|n| n.history.get(period).copied())
}

#[test]
fn the_period_picker_rolls_the_map_up_for_a_period() {
    let mut h = harness(sample("nrr.ron"));
    assert!(close(shown(&h, "nrr"), 1.07));
    h.get_by_label("Period").click();
    h.run();
    h.get_by_label("2026-09").click();
    h.run();
    // September: (96 000 + 8 200 + 5 800 − 3 100 − 27 × 205) / 96 000.
    let september = (96_000.0 + 8_200.0 + 5_800.0 - 3_100.0 - 27.0 * 205.0) / 96_000.0;
    assert!(close(shown(&h, "nrr"), september), "{}", shown(&h, "nrr"));
    assert!(close(shown(&h, "churned"), 27.0 * 205.0));
    h.get_by_label("Period").click();
    h.run();
    h.get_by_label("Current").click();
    h.run();
    assert!(close(shown(&h, "nrr"), 1.07));
}

#[test]
fn the_history_table_adds_changes_and_deletes_periods() {
    let mut h = harness(sample("nrr.ron"));
    h.state_mut().select("starting_mrr");
    h.run();
    // Add a period.
    h.get_by_label("new period").focus();
    h.run();
    h.input_mut().events.push(Event::Text("2026-11".to_owned()));
    h.run();
    h.get_by_label("new period value").focus();
    h.run();
    h.input_mut().events.push(Event::Text("105000".to_owned()));
    h.run();
    h.get_by_label("Add period").click();
    h.run();
    assert_eq!(history(&h, "starting_mrr", "2026-11"), Some(105_000.0));
    // Change one.
    h.get_by_label("history 2026-09").focus();
    h.run();
    press_mod(&mut h, Modifiers::COMMAND, Key::A);
    type_and_enter(&mut h, "97000");
    assert_eq!(history(&h, "starting_mrr", "2026-09"), Some(97_000.0));
    // Delete the oldest.
    h.get_all_by_label("×")
        .next()
        .unwrap_or_else(|| panic!("a delete button"))
        .click();
    h.run();
    assert_eq!(history(&h, "starting_mrr", "2026-08"), None);
    // Each was one step.
    for _ in 0..3 {
        press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    }
    assert_eq!(history(&h, "starting_mrr", "2026-08"), Some(93_000.0));
    assert_eq!(history(&h, "starting_mrr", "2026-09"), Some(96_000.0));
    assert_eq!(history(&h, "starting_mrr", "2026-11"), None);
    assert!(!h.state().document().history().can_undo());
}
