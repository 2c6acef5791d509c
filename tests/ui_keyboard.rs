//! Headless UI tests of the keyboard at a person's typing speed: several keys in one frame
//! (a title and its Enter, Tab after Tab, three arrow presses, a value and its Tab), Tab and
//! Esc over an open drop-down, F6 into the inspector and back, and the kind a new child
//! takes. Each test queues all of its keys before a single frame, as a fast typist or a busy
//! machine does, and checks that none was lost or went to the wrong place.
#![cfg(feature = "app")]

mod common;

use common::{harness, key, key_with, one_frame, press, press_mod};

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::model::{Formula, Map, Node, NodeId, NodeKind};
use fulcrum::ui::FulcrumApp;

/// `text` the way a keyboard sends it: a key press, a text event and a release per
/// character.
fn typing(text: &str) -> Vec<Event> {
    let mut out = Vec::new();
    for c in text.chars() {
        let k = Key::from_name(&c.to_ascii_uppercase().to_string());
        if let Some(k) = k {
            out.push(key(k)[0].clone());
        }
        out.push(Event::Text(c.to_string()));
        if let Some(k) = k {
            out.push(key(k)[1].clone());
        }
    }
    out
}

fn id(s: &str) -> NodeId {
    NodeId::new(s).unwrap_or_else(|e| panic!("{e}"))
}

fn title(h: &Harness<'_, FulcrumApp>, node: &str) -> Option<String> {
    h.state().map().node(node).map(|n| n.title.clone())
}

fn selected(h: &Harness<'_, FulcrumApp>) -> Option<String> {
    h.state().selected().map(|s| s.as_str().to_owned())
}

/// A top-down chain a → b → c → d of metrics.
fn chain() -> Map {
    let mut map = Map::new("Chain");
    let mut parent: Option<&str> = None;
    for name in ["a", "b", "c", "d"] {
        map.insert(
            id(name),
            Node::new(NodeKind::Metric, name.to_uppercase()),
            parent,
            0,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        parent = Some(name);
    }
    map
}

#[test]
fn a_title_and_its_enter_in_one_frame_keep_every_letter() {
    let mut h = harness(FulcrumApp::with_map(Map::new("Empty")));
    // Everything in one frame: Tab, a title, Enter, Tab, another title, Enter.
    one_frame(
        &mut h,
        vec![
            key(Key::Tab),
            typing("Quick title numbers"),
            key(Key::Enter),
            key(Key::Tab),
            typing("Second level"),
            key(Key::Enter),
        ],
    );
    let map = h.state().map();
    assert_eq!(map.len(), 2, "two nodes: {:?}", map.dfs());
    assert_eq!(
        title(&h, "quick_title_numbers").as_deref(),
        Some("Quick title numbers")
    );
    assert_eq!(title(&h, "second_level").as_deref(), Some("Second level"));
    assert_eq!(
        h.state().map().parent("second_level").map(|p| p.as_str()),
        Some("quick_title_numbers")
    );
    assert!(h.state().editing().is_none());
}

#[test]
fn typing_over_a_card_and_enter_in_one_frame_keep_every_letter() {
    let mut h = harness(FulcrumApp::with_map(chain()));
    h.state_mut().select("b");
    h.run();
    one_frame(&mut h, vec![typing("Bookings"), key(Key::Enter)]);
    assert_eq!(title(&h, "b").as_deref(), Some("Bookings"));
    assert!(h.state().editing().is_none());
}

#[test]
fn three_arrow_presses_in_one_frame_move_three_times() {
    let mut h = harness(FulcrumApp::with_map(chain()));
    h.state_mut().select("d");
    h.run();
    let up = || key(Key::ArrowUp);
    one_frame(&mut h, vec![up(), up(), up()]);
    assert_eq!(selected(&h).as_deref(), Some("a"));
    one_frame(&mut h, vec![key(Key::ArrowDown), key(Key::ArrowDown)]);
    assert_eq!(selected(&h).as_deref(), Some("c"));
}

#[test]
fn a_value_typed_in_the_inspector_then_tab_is_kept() {
    let mut h = harness(FulcrumApp::with_map(chain()));
    h.state_mut().select("d");
    h.run();
    h.get_by_label("value").focus();
    h.run();
    one_frame(
        &mut h,
        vec![
            key_with(Modifiers::COMMAND, Key::A),
            typing("1234"),
            key(Key::Tab),
        ],
    );
    let node = h.state().map().node("d").cloned();
    assert_eq!(node.and_then(|n| n.value), Some(1234.0));
    assert_eq!(h.state().map().len(), 4, "Tab in a field adds no node");
}

#[test]
fn tab_over_an_open_drop_down_adds_nothing_and_esc_closes_it() {
    let mut h = harness(FulcrumApp::with_map(chain()));
    h.state_mut().select("b");
    h.run();
    h.get_by_label("Kind").click();
    h.run();
    assert!(egui::Popup::is_any_open(&h.ctx), "the kind list is open");
    press(&mut h, Key::Tab);
    assert_eq!(h.state().map().len(), 4, "Tab reached the canvas");
    assert!(h.state().editing().is_none());
    press(&mut h, Key::Escape);
    assert!(!egui::Popup::is_any_open(&h.ctx), "Esc closes the list");
    assert_eq!(h.state().map().len(), 4);
    // The canvas has the keyboard again.
    press(&mut h, Key::ArrowUp);
    assert_eq!(selected(&h).as_deref(), Some("a"));
}

#[test]
fn f6_moves_the_keyboard_into_the_inspector_and_back() {
    let mut h = harness(FulcrumApp::with_map(chain()));
    h.state_mut().select("c");
    h.run();
    one_frame(
        &mut h,
        vec![
            key(Key::F6),
            key_with(Modifiers::COMMAND, Key::A),
            typing("Churned"),
            key(Key::Enter),
        ],
    );
    assert_eq!(title(&h, "c").as_deref(), Some("Churned"));
    assert!(h.state().editing().is_none(), "not typed on the canvas");
    assert!(
        !h.state().document().history().can_redo() && h.state().is_dirty(),
        "one inspector edit"
    );
    // Into the field again, and F6 gives the keyboard back to the canvas.
    press(&mut h, Key::F6);
    press(&mut h, Key::F6);
    press(&mut h, Key::ArrowUp);
    assert_eq!(selected(&h).as_deref(), Some("b"));
}

#[test]
fn tab_under_an_opportunity_adds_a_solution() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("cant_invite");
    h.run();
    one_frame(
        &mut h,
        vec![key(Key::Tab), typing("Bulk invite"), key(Key::Enter)],
    );
    let node = h.state().map().node("bulk_invite").cloned();
    assert_eq!(node.map(|n| n.kind), Some(NodeKind::Solution));
    // Ctrl+3 still makes it an opportunity.
    press_mod(&mut h, Modifiers::COMMAND, Key::Num3);
    let node = h.state().map().node("bulk_invite").cloned();
    assert_eq!(node.map(|n| n.kind), Some(NodeKind::Opportunity));
}

#[test]
fn a_metric_that_gets_its_first_child_becomes_their_sum_in_one_step() {
    let mut h = harness(FulcrumApp::with_map(Map::new("Empty")));
    one_frame(
        &mut h,
        vec![
            key(Key::Tab),
            typing("Revenue"),
            key(Key::Enter),
            key(Key::Tab),
            typing("Customers"),
            key(Key::Enter),
        ],
    );
    let formula = |h: &Harness<'_, FulcrumApp>| {
        h.state()
            .map()
            .node("revenue")
            .and_then(|n| n.formula.clone())
    };
    assert_eq!(formula(&h), Some(Formula::Sum));
    // One undo takes the child and the Sum away together.
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(!h.state().map().contains("customers"));
    assert_eq!(formula(&h), None);
    assert_eq!(h.state().map().len(), 1);
}

#[test]
fn the_typed_title_amends_the_step_that_added_the_node() {
    let mut h = harness(FulcrumApp::with_map(chain()));
    h.state_mut().select("a");
    h.run();
    one_frame(
        &mut h,
        vec![key(Key::Tab), typing("New metric"), key(Key::Enter)],
    );
    // The typed title equals the placeholder's: the id stays the placeholder's own.
    assert_eq!(title(&h, "new_metric").as_deref(), Some("New metric"));
    press(&mut h, Key::ArrowUp);
    one_frame(
        &mut h,
        vec![key(Key::Tab), typing("Net new"), key(Key::Enter)],
    );
    assert!(h.state().map().contains("net_new"));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(!h.state().map().contains("net_new"));
    assert!(
        !h.state().map().contains("new_metric_2"),
        "no placeholder left"
    );
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(title(&h, "net_new").as_deref(), Some("Net new"));
}
