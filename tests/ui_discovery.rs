//! Headless UI tests of the discovery workshop's views (SPEC §5): the compare tables (edit a
//! cell, mark the target, sort), the assumption map (drag a dot to rescore it, click to
//! select) and the outline (the canvas's keyboard map over rows, selection shared, only
//! the visible rows built at 100k nodes). Each edit is checked to be one undo step.
#![cfg(feature = "app")]

mod common;

use common::{harness, key, key_with, one_frame, press_mod};

use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::model::synthetic;
use fulcrum::ui::FulcrumApp;

fn typing(text: &str) -> Vec<Event> {
    vec![Event::Text(text.to_owned())]
}

fn title(h: &Harness<'_, FulcrumApp>, id: &str) -> String {
    h.state()
        .map()
        .node(id)
        .map(|n| n.title.clone())
        .unwrap_or_else(|| panic!("{id} is in the map"))
}

fn selected(h: &Harness<'_, FulcrumApp>) -> Option<String> {
    h.state().selected().map(|s| s.as_str().to_owned())
}

fn undo(h: &mut Harness<'_, FulcrumApp>) {
    press_mod(h, Modifiers::COMMAND, Key::Z);
}

/// The workshop sample with the outcome selected and the compare tables open.
fn tables() -> Harness<'static, FulcrumApp> {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("grow_usage");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    h
}

#[test]
fn a_score_picked_in_the_opportunity_table_is_one_undo_step() {
    let mut h = tables();
    let name = title(&h, "permissions_confusing");
    let before = h
        .state()
        .map()
        .node("permissions_confusing")
        .and_then(|n| n.sizing);
    h.get_by_label(&format!("reach of {name}")).click();
    h.run();
    h.get_by_label("reach 5").click();
    h.run();
    let sizing = h
        .state()
        .map()
        .node("permissions_confusing")
        .and_then(|n| n.sizing);
    assert_eq!(sizing.map(|s| s.reach), Some(5));
    assert_eq!(
        sizing.map(|s| (s.frequency, s.severity)),
        before.map(|s| (s.frequency, s.severity)),
        "the other sizing scores stay"
    );
    h.get_by_label(&format!("market of {name}")).click();
    h.run();
    h.get_by_label("market none").click();
    h.run();
    assert_eq!(
        h.state()
            .map()
            .node("permissions_confusing")
            .and_then(|n| n.market),
        None
    );
    undo(&mut h);
    assert!(
        h.state()
            .map()
            .node("permissions_confusing")
            .and_then(|n| n.market)
            .is_some()
    );
    undo(&mut h);
    assert_eq!(
        h.state()
            .map()
            .node("permissions_confusing")
            .and_then(|n| n.sizing),
        before
    );
}

/// The outcome's children marked as the target opportunity.
fn targeted(h: &Harness<'_, FulcrumApp>) -> Vec<String> {
    h.state()
        .map()
        .children("grow_usage")
        .filter(|c| h.state().map().node(c.as_str()).is_some_and(|n| n.targeted))
        .map(|c| c.as_str().to_owned())
        .collect()
}

#[test]
fn marking_the_target_in_the_table_unmarks_its_sibling_in_the_same_step() {
    let mut h = tables();
    assert_eq!(targeted(&h), vec!["cant_invite"]);
    let name = title(&h, "pricing_per_seat");
    h.get_by_label(&format!("target {name}")).click();
    h.run();
    assert_eq!(
        targeted(&h),
        vec!["pricing_per_seat"],
        "at most one among siblings"
    );
    undo(&mut h);
    assert_eq!(
        targeted(&h),
        vec!["cant_invite"],
        "one undo step restores both"
    );
}

/// The inspector's "Target opportunity" keeps at most one target among siblings too.
#[test]
fn marking_the_target_in_the_inspector_unmarks_its_sibling_in_the_same_step() {
    let mut h = harness(FulcrumApp::app_for_tests());
    assert_eq!(targeted(&h), vec!["cant_invite"]);
    h.state_mut().select("pricing_per_seat");
    h.run();
    h.get_by_label("Target opportunity").click();
    h.run();
    assert_eq!(targeted(&h), vec!["pricing_per_seat"]);
    undo(&mut h);
    assert_eq!(
        targeted(&h),
        vec!["cant_invite"],
        "one undo step restores both"
    );
}

#[test]
fn a_header_sorts_the_rows_and_a_second_click_reverses_them() {
    let mut h = tables();
    let names: Vec<String> = ["cant_invite", "permissions_confusing", "pricing_per_seat"]
        .iter()
        .map(|id| title(&h, id))
        .collect();
    let top = |h: &Harness<'_, FulcrumApp>, name: &str| {
        h.get_by_label(&format!("reach of {name}")).rect().top()
    };
    let reach = |h: &Harness<'_, FulcrumApp>, id: &str| {
        h.state()
            .map()
            .node(id)
            .and_then(|n| n.sizing)
            .map(|s| s.reach)
    };
    // Largest reach first.
    h.get_by_label("Reach").click();
    h.run();
    let mut by_y: Vec<(f32, Option<u8>)> =
        ["cant_invite", "permissions_confusing", "pricing_per_seat"]
            .iter()
            .zip(&names)
            .map(|(id, name)| (top(&h, name), reach(&h, id)))
            .collect();
    by_y.sort_by(|a, b| a.0.total_cmp(&b.0));
    let shown: Vec<Option<u8>> = by_y.iter().map(|(_, r)| *r).collect();
    let mut expected = shown.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(shown, expected, "rows by reach, largest first");
    h.get_by_label("Reach").click();
    h.run();
    let a = top(&h, &names[0]);
    let b = top(&h, &names[1]);
    let (ra, rb) = (reach(&h, "cant_invite"), reach(&h, "permissions_confusing"));
    if ra != rb {
        assert_eq!(a < b, ra < rb, "reversed: smallest first");
    }
}

#[test]
fn an_expected_lift_typed_in_the_solution_table_is_kept() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("slack_invite");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    h.get_by_label("Solutions");
    h.get_by_label("lift slack invite").focus();
    h.run();
    one_frame(
        &mut h,
        vec![
            key_with(Modifiers::COMMAND, Key::A),
            typing("0.25"),
            key(Key::Enter),
        ],
    );
    let lift = h
        .state()
        .map()
        .node("slack_invite")
        .and_then(|n| n.expected_lift);
    assert_eq!(lift, Some(0.25));
    let name = title(&h, "slack_invite");
    h.get_by_label(&format!("status of {name}")).click();
    h.run();
    h.get_by_label("status Building").click();
    h.run();
    assert_eq!(
        h.state()
            .map()
            .node("slack_invite")
            .and_then(|n| n.status)
            .map(|s| s.name()),
        Some("Building")
    );
}

/// Presses on `from`, moves in small steps to `to` and releases there.
fn drag(h: &mut Harness<'_, FulcrumApp>, from: Pos2, to: Pos2) {
    h.event(Event::PointerMoved(from));
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    for k in 1..=8 {
        let t = k as f32 / 8.0;
        h.event(Event::PointerMoved(from + (to - from) * t));
        h.run();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
}

/// The workshop sample with the outcome selected and the assumption map open on its tree.
fn assumption_map() -> Harness<'static, FulcrumApp> {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("grow_usage");
    h.run();
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    h
}

fn scores(h: &Harness<'_, FulcrumApp>, id: &str) -> (Option<u8>, Option<u8>) {
    let n = h.state().map().node(id);
    (
        n.and_then(|n| n.importance),
        n.and_then(|n| n.evidence_strength),
    )
}

#[test]
fn dragging_a_dot_sets_both_scores_in_one_undo_step() {
    let mut h = assumption_map();
    assert_eq!(scores(&h, "admins_share_links"), (Some(3), Some(3)));
    let name = title(&h, "admins_share_links");
    let from = h
        .get_by_label(&format!("{name}, importance 3, evidence 3"))
        .rect()
        .center();
    let to = h.get_by_label("importance 5, evidence 1").rect().center();
    drag(&mut h, from, to);
    assert_eq!(scores(&h, "admins_share_links"), (Some(5), Some(1)));
    // Now a leap of faith, and shown in the quadrant's cell.
    h.get_by_label(&format!("{name}, importance 5, evidence 1"));
    undo(&mut h);
    assert_eq!(scores(&h, "admins_share_links"), (Some(3), Some(3)));
}

#[test]
fn clicking_a_dot_selects_its_assumption_and_the_map_counts_the_leaps() {
    let mut h = assumption_map();
    let leaps = [
        "teams_use_slack",
        "slack_approval",
        "preview_trust",
        "viewers_convert",
    ];
    for id in leaps {
        let n = h.state().map().node(id).unwrap_or_else(|| panic!("{id}"));
        assert!(n.is_leap_of_faith(), "{id}");
    }
    h.get_by_label_contains(&format!("{} leaps of faith", leaps.len()));
    let name = title(&h, "copy_is_useful");
    h.get_by_label(&format!("{name}, importance 4, evidence 4"))
        .click();
    h.run();
    assert_eq!(selected(&h).as_deref(), Some("copy_is_useful"));
    // The solution's own assumptions are one choice away.
    h.get_by_label_contains("Solution: ").click();
    h.run();
    assert!(
        h.query_by_label(&format!(
            "{}, importance 5, evidence 2",
            title(&h, "teams_use_slack")
        ))
        .is_none(),
        "only the selected solution's assumptions"
    );
    h.get_by_label(&format!("{name}, importance 4, evidence 4"));
}

/// Whether the outline has built a row for `id`.
fn has_row(h: &Harness<'_, FulcrumApp>, id: &str) -> bool {
    let name = title(h, id);
    h.query_by_role_and_label(egui::accesskit::Role::TreeItem, &name)
        .is_some()
}

fn click_row(h: &mut Harness<'_, FulcrumApp>, id: &str) {
    let name = title(h, id);
    h.get_by_role_and_label(egui::accesskit::Role::TreeItem, &name)
        .click();
    h.run();
}

/// The workshop sample with the outline open (it has the keyboard) on `id`.
fn outline_on(id: &str) -> Harness<'static, FulcrumApp> {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select(id);
    h.run();
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    assert!(h.state().outline_has_keyboard());
    h
}

#[test]
fn arrows_in_the_outline_follow_the_rows_and_the_selection_is_the_canvas_s() {
    let mut h = outline_on("nrr");
    // Down three times in one frame: nrr → starting_mrr → expansion → seat_expansion.
    one_frame(
        &mut h,
        vec![
            key(Key::ArrowDown),
            key(Key::ArrowDown),
            key(Key::ArrowDown),
        ],
    );
    assert_eq!(selected(&h).as_deref(), Some("seat_expansion"));
    one_frame(&mut h, vec![key(Key::ArrowLeft)]);
    assert_eq!(selected(&h).as_deref(), Some("expansion"));
    one_frame(&mut h, vec![key(Key::ArrowUp)]);
    assert_eq!(selected(&h).as_deref(), Some("starting_mrr"));
    // A click on a row selects it; a click on its card gives the keyboard to the canvas.
    click_row(&mut h, "churned");
    assert_eq!(selected(&h).as_deref(), Some("churned"));
    let name = title(&h, "churned");
    // (The inspector off, so that the card is not under it.)
    press_mod(&mut h, Modifiers::COMMAND, Key::I);
    h.get_by_role_and_label(egui::accesskit::Role::Button, &name)
        .click();
    h.run();
    assert!(!h.state().outline_has_keyboard());
}

#[test]
fn tab_a_title_and_enter_in_one_frame_add_a_named_child_in_the_outline() {
    let mut h = outline_on("expansion");
    one_frame(
        &mut h,
        vec![key(Key::Tab), typing("Add-on revenue"), key(Key::Enter)],
    );
    let map = h.state().map();
    assert_eq!(
        map.node("add_on_revenue").map(|n| n.title.as_str()),
        Some("Add-on revenue")
    );
    assert_eq!(
        map.parent("add_on_revenue").map(|p| p.as_str()),
        Some("expansion")
    );
    assert!(h.state().editing().is_none());
    assert!(
        h.state().outline_has_keyboard(),
        "the outline keeps the keyboard"
    );
    assert!(has_row(&h, "add_on_revenue"));
    undo(&mut h);
    assert!(!h.state().map().contains("add_on_revenue"), "one undo step");
    assert!(!h.state().map().contains("new_metric"));
    one_frame(
        &mut h,
        vec![key(Key::Tab), typing("Add-on revenue"), key(Key::Enter)],
    );
    // F2, a new title and Enter rename it in its row.
    one_frame(
        &mut h,
        vec![
            key(Key::F2),
            key_with(Modifiers::COMMAND, Key::A),
            typing("Add-ons"),
            key(Key::Enter),
        ],
    );
    assert_eq!(title(&h, "add_on_revenue"), "Add-ons");
}

#[test]
fn space_alt_arrows_and_delete_in_the_outline_fold_reorder_and_delete() {
    let mut h = outline_on("churned");
    one_frame(&mut h, vec![key(Key::Space)]);
    assert!(h.state().is_folded("churned"));
    assert!(!has_row(&h, "churned_accounts"));
    assert!(
        !h.state().is_shown("churned_accounts"),
        "the canvas folds it too"
    );
    one_frame(&mut h, vec![key(Key::Space)]);
    assert!(has_row(&h, "churned_accounts"));
    let position = |h: &Harness<'_, FulcrumApp>| h.state().map().position("churned");
    let at = position(&h).unwrap_or(0);
    one_frame(&mut h, vec![key_with(Modifiers::ALT, Key::ArrowUp)]);
    assert_eq!(position(&h), Some(at - 1));
    one_frame(&mut h, vec![key(Key::Delete)]);
    assert!(!h.state().map().contains("churned"));
    assert!(!h.state().map().contains("churned_accounts"));
}

#[test]
fn typing_over_a_row_and_enter_in_one_frame_retitle_it_and_right_unfolds() {
    let mut h = outline_on("churned");
    one_frame(&mut h, vec![typing("Lost MRR"), key(Key::Enter)]);
    assert_eq!(title(&h, "churned"), "Lost MRR");
    assert!(h.state().editing().is_none());
    one_frame(&mut h, vec![key(Key::Space)]);
    assert!(h.state().is_folded("churned"));
    // Right goes to the first child, unfolding its parent.
    one_frame(&mut h, vec![key(Key::ArrowRight), key(Key::ArrowDown)]);
    assert!(!h.state().is_folded("churned"));
    assert_eq!(selected(&h).as_deref(), Some("avg_churned_mrr"));
}

#[test]
fn an_unscored_assumption_is_scored_by_dragging_it_into_the_grid() {
    use fulcrum::edit::{Command, NewNode};
    use fulcrum::model::{Node, NodeId, NodeKind};
    let mut h = assumption_map();
    let id = NodeId::new("fresh_risk").unwrap_or_else(|e| panic!("{e}"));
    let added = h.state_mut().apply(Command::AddNode(Box::new(NewNode {
        id,
        node: Node::new(NodeKind::Assumption, "Admins read the digest"),
        parent: Some(NodeId::new("weekly_digest").unwrap_or_else(|e| panic!("{e}"))),
        index: 0,
    })));
    assert!(added);
    h.run();
    let from = h
        .get_by_label("Admins read the digest, not scored")
        .rect()
        .center();
    let to = h.get_by_label("importance 4, evidence 2").rect().center();
    drag(&mut h, from, to);
    assert_eq!(scores(&h, "fresh_risk"), (Some(4), Some(2)));
    h.get_by_label("Admins read the digest, importance 4, evidence 2");
}

#[test]
fn the_outline_of_a_100k_node_map_builds_only_the_rows_in_view() {
    let map = synthetic::driver_tree(100_000, 1);
    let mut h = harness(FulcrumApp::with_map(map));
    h.state_mut().show_outline(true);
    h.run();
    assert_eq!(h.state().outline_row_count(), 100_000);
    let built = h.get_all_by_role(egui::accesskit::Role::TreeItem).count();
    assert!(built > 5 && built < 100, "{built} rows built");
}
