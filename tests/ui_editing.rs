//! Headless UI tests of keyboard editing: building a tree with Tab/Enter and typing, F2,
//! the inspector's formula field, undo and redo. They drive the real app with keys and
//! labels (egui_kittest) and check the map through `FulcrumApp::map`.
#![cfg(feature = "app")]

mod common;

use common::{harness, press, press_mod};

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::engine::Analysis;
use fulcrum::model::{Formula, Map};
use fulcrum::ui::FulcrumApp;

fn type_text(h: &mut Harness<'_, FulcrumApp>, text: &str) {
    h.event(Event::Text(text.to_owned()));
    h.run();
}

/// Selects `node`, focuses the inspector field labelled `field` and replaces its text.
fn replace_field(h: &mut Harness<'_, FulcrumApp>, node: &str, field: &str, text: &str) {
    h.state_mut().select(node);
    h.run();
    h.get_by_label(field).focus();
    h.run();
    press_mod(h, Modifiers::COMMAND, Key::A);
    type_text(h, text);
}

fn parent_of(map: &Map, id: &str) -> Option<String> {
    map.parent(id).map(|p| p.as_str().to_owned())
}

#[test]
fn tab_enter_and_typing_build_a_three_level_tree() {
    let mut h = harness(FulcrumApp::with_map(Map::new("Empty")));
    press(&mut h, Key::Tab);
    type_text(&mut h, "Revenue");
    press(&mut h, Key::Enter);
    press(&mut h, Key::Tab);
    type_text(&mut h, "Customers");
    press(&mut h, Key::Enter);
    press(&mut h, Key::Tab);
    type_text(&mut h, "Paying accounts");
    press(&mut h, Key::Enter);
    // Back up to Customers, then Enter adds a sibling of it.
    press(&mut h, Key::ArrowUp);
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("customers"));
    press(&mut h, Key::Enter);
    type_text(&mut h, "ARPA");
    press(&mut h, Key::Enter);

    let map = h.state().map();
    assert_eq!(map.len(), 4);
    assert_eq!(map.roots().next().map(|r| r.as_str()), Some("revenue"));
    assert_eq!(parent_of(map, "customers").as_deref(), Some("revenue"));
    assert_eq!(
        parent_of(map, "paying_accounts").as_deref(),
        Some("customers")
    );
    assert_eq!(parent_of(map, "arpa").as_deref(), Some("revenue"));
    assert_eq!(map.position("arpa"), Some(1));
    assert_eq!(
        map.node("paying_accounts").map(|n| n.title.as_str()),
        Some("Paying accounts")
    );

    // Each Tab/Enter + typing + Enter is one undo step.
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(!h.state().map().contains("arpa"));
    assert_eq!(h.state().map().len(), 3);
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert!(h.state().map().contains("arpa"));
    press_mod(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(h.state().map().len(), 4, "nothing left to redo");
}

#[test]
fn escape_removes_a_node_just_added() {
    let mut h = harness(FulcrumApp::app_for_tests());
    let before = h.state().map().len();
    h.state_mut().select("churned");
    press(&mut h, Key::Tab);
    assert_eq!(h.state().map().len(), before + 1);
    type_text(&mut h, "Never mind");
    press(&mut h, Key::Escape);
    assert_eq!(h.state().map().len(), before);
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("churned"));
    assert!(!h.state().document().history().can_redo() || h.state().map().len() == before);
}

#[test]
fn f2_edits_a_title_and_keeps_the_id() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("starting_mrr");
    h.run();
    press(&mut h, Key::F2);
    assert_eq!(
        h.state().editing().map(|s| s.as_str()),
        Some("starting_mrr")
    );
    press_mod(&mut h, Modifiers::COMMAND, Key::A);
    type_text(&mut h, "Opening MRR");
    press(&mut h, Key::Enter);
    let node = h.state().map().node("starting_mrr").expect("id unchanged");
    assert_eq!(node.title, "Opening MRR");
    assert!(h.state().editing().is_none());
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    let node = h.state().map().node("starting_mrr").expect("still there");
    assert_eq!(node.title, "Starting MRR");
}

#[test]
fn typing_on_a_selected_card_replaces_its_title() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("upgrades");
    h.run();
    type_text(&mut h, "U");
    type_text(&mut h, "pgrade MRR");
    press(&mut h, Key::Enter);
    let node = h.state().map().node("upgrades").expect("still there");
    assert_eq!(node.title, "Upgrade MRR");
}

#[test]
fn formula_set_in_the_inspector_changes_the_root_value() {
    let mut h = harness(FulcrumApp::app_for_tests());
    let value = |app: &FulcrumApp, id: &str| {
        let a = Analysis::new(app.map(), None, None).expect("rolls up");
        a.value(id).and_then(Result::ok)
    };
    let before = value(h.state(), "nrr").expect("nrr has a value");
    // The formula field shows the current expression; replace it.
    replace_field(
        &mut h,
        "churned",
        "formula",
        "churned_accounts * avg_churned_mrr / 2",
    );
    press(&mut h, Key::Enter);
    let node = h.state().map().node("churned").expect("exists");
    assert_eq!(
        node.formula,
        Some(Formula::Expr(
            "churned_accounts * avg_churned_mrr / 2".into()
        ))
    );
    let after = value(h.state(), "nrr").expect("still a value");
    assert!((after - before - 0.025).abs() < 1e-9, "{before} -> {after}");
    // …and the inspector shows the root's new value and status.
    h.state_mut().select("nrr");
    h.run();
    h.get_by_label("109.5% · on track");
    // One field edit is one undo step.
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    let back = value(h.state(), "nrr").expect("value");
    assert!((back - before).abs() < 1e-12);
}

#[test]
fn a_broken_formula_shows_its_error_and_is_not_applied() {
    let mut h = harness(FulcrumApp::app_for_tests());
    replace_field(
        &mut h,
        "churned",
        "formula",
        "churned_accounts * (avg_churned_mrr",
    );
    h.run();
    // The message names the problem and a caret line points under its position.
    assert!(h.query_by_label_contains("to close the `(`").is_some());
    let caret = format!("{}^", " ".repeat(19));
    assert!(
        h.query_by_label(&caret).is_some() || h.query_by_label_contains("^").is_some(),
        "a caret under the open parenthesis"
    );
    press(&mut h, Key::Enter);
    let node = h.state().map().node("churned").expect("exists");
    assert_eq!(
        node.formula,
        Some(Formula::Expr("churned_accounts * avg_churned_mrr".into()))
    );
}

#[test]
fn ctrl_digits_change_the_kind_and_delete_removes_a_subtree() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("digest_note");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND, Key::Num4);
    let kind = h.state().map().node("digest_note").map(|n| n.kind);
    assert_eq!(kind, Some(fulcrum::model::NodeKind::Solution));
    h.state_mut().select("churned");
    h.run();
    press(&mut h, Key::Delete);
    let map = h.state().map();
    assert!(!map.contains("churned") && !map.contains("churned_accounts"));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().map().contains("churned_accounts"));
}

#[test]
fn alt_arrows_reorder_siblings() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("churned");
    h.run();
    assert_eq!(h.state().map().position("churned"), Some(3));
    press_mod(&mut h, Modifiers::ALT, Key::ArrowUp);
    assert_eq!(h.state().map().position("churned"), Some(2));
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("churned"));
}

#[test]
fn copy_paste_inserts_a_subtree_with_fresh_ids() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("churned");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND, Key::C);
    h.state_mut().select("contraction");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND, Key::V);
    let map = h.state().map();
    assert_eq!(parent_of(map, "churned_2").as_deref(), Some("contraction"));
    assert_eq!(
        parent_of(map, "churned_accounts_2").as_deref(),
        Some("churned_2")
    );
    let formula = map.node("churned_2").and_then(|n| n.formula.clone());
    assert_eq!(
        formula,
        Some(Formula::Expr(
            "churned_accounts_2 * avg_churned_mrr_2".into()
        ))
    );
}

#[test]
fn rename_id_rewrites_the_formulas_that_use_it() {
    let mut h = harness(FulcrumApp::app_for_tests());
    replace_field(&mut h, "churned", "id", "churned_mrr");
    // Typing alone renames nothing: the rename is an explicit action.
    assert!(h.state().map().contains("churned"));
    h.get_by_label("Rename id").click();
    h.run();
    let map = h.state().map();
    assert!(map.contains("churned_mrr") && !map.contains("churned"));
    assert_eq!(
        h.state().selected().map(|s| s.as_str()),
        Some("churned_mrr")
    );
    let formula = map.node("nrr").and_then(|n| n.formula.clone());
    assert_eq!(
        formula,
        Some(Formula::Expr(
            "(starting_mrr + expansion - contraction - churned_mrr) / starting_mrr".into()
        ))
    );
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().map().contains("churned"));
}

#[test]
fn an_id_already_in_use_is_refused() {
    let mut h = harness(FulcrumApp::app_for_tests());
    replace_field(&mut h, "churned", "id", "expansion");
    h.get_by_label("the id `expansion` is already used");
    press(&mut h, Key::Enter);
    assert!(h.state().map().contains("churned"));
}
