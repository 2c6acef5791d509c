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

fn import(h: &mut Harness<'_, FulcrumApp>, csv: &std::path::Path) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import values…").click();
    h.run();
    h.get_by_label("Import values");
    press_mod(h, Modifiers::COMMAND, Key::A);
    h.input_mut()
        .events
        .push(Event::Text(csv.display().to_string()));
    h.run();
    h.get_by_label("Preview").click();
    h.run();
}

#[test]
fn next_months_values_are_previewed_imported_in_one_step_and_undone() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let csv = dir.path().join("november.csv");
    std::fs::write(
        &csv,
        "\u{feff}id;period;value\r\nstarting_mrr;2026-11;104000\r\nseat_expansion;2026-11;9500\r\nchurned_accounts;2026-10;25\r\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness(sample("nrr.ron"));
    import(&mut h, &csv);
    h.get_by_label("2 added · 0 changed · 1 unchanged · 2 current values move");
    assert_eq!(
        history(&h, "starting_mrr", "2026-11"),
        None,
        "a preview changes nothing"
    );
    h.get_by_label("Import").click();
    h.run();
    assert_eq!(history(&h, "starting_mrr", "2026-11"), Some(104_000.0));
    let value =
        |h: &Harness<'_, FulcrumApp>, id: &str| h.state().map().node(id).and_then(|n| n.value);
    assert_eq!(
        value(&h, "starting_mrr"),
        Some(104_000.0),
        "the newest period is current"
    );
    // (104 000 + 9 500 + 6 000 − 3 000 − 25 × 200) / 104 000
    let nrr = (104_000.0 + 9_500.0 + 6_000.0 - 3_000.0 - 5_000.0) / 104_000.0;
    assert!(close(shown(&h, "nrr"), nrr));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(history(&h, "starting_mrr", "2026-11"), None);
    assert_eq!(value(&h, "starting_mrr"), Some(100_000.0));
}

#[test]
fn a_csv_with_bad_rows_names_them_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "id,period,value\nstarting_mrr,2026-11,lots\nnope,2026-11,1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness(sample("nrr.ron"));
    let before = fulcrum::format::to_string(h.state().map());
    import(&mut h, &csv);
    h.get_by_label("2 bad rows: nothing will be imported.");
    h.get_by_label_contains("bad.csv:2:");
    h.get_by_label_contains("bad.csv:3:");
    h.get_by_label("Close").click();
    h.run();
    assert_eq!(fulcrum::format::to_string(h.state().map()), before);
}

#[test]
fn why_it_moved_splits_the_change_since_the_previous_period() {
    let mut h = harness(sample("nrr.ron"));
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::W);
    // September → October: (101 365 / 96 000) → 1.07.
    h.get_by_label("Net revenue retention moved from 105.6% to 107% (+1.4 pts)");
    // A row per metric under the top, with its values on both sides.
    assert!(h.get_all_by_label_contains(" to ").count() >= 8);
    // Between two periods.
    h.get_by_label("between two periods").click();
    h.run();
    h.get_by_label("Net revenue retention moved from 105.6% to 107% (+1.4 pts)");
}
