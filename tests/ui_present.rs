//! Headless UI tests of presentation mode: F5 starts at the top with the chrome gone,
//! clicker keys step along the top and its levers level by level, Enter and Backspace move
//! the path down and up, B blanks, Esc returns to the editor exactly as it was.
#![cfg(feature = "app")]

mod common;

use common::{harness, press, sample};

use egui::Key;
use egui_kittest::kittest::Queryable;

#[test]
fn f5_steps_through_the_top_and_its_levers_and_esc_puts_everything_back() {
    let mut h = harness(sample("nrr.ron"));
    h.state_mut().set_zoom(0.7);
    h.run();
    let zoom = h.state().zoom();
    press(&mut h, Key::F5);
    assert!(h.state().is_presenting());
    assert!(h.query_by_label("File").is_none(), "the menu bar is hidden");
    // NRR, then its four children, then the four below — 3 cards a step at most.
    assert_eq!(h.state().presentation_step(), Some((0, 5)));
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("nrr"));
    press(&mut h, Key::ArrowRight);
    assert_eq!(h.state().presentation_step(), Some((1, 5)));
    press(&mut h, Key::PageDown);
    press(&mut h, Key::Space);
    press(&mut h, Key::ArrowRight);
    assert_eq!(h.state().presentation_step(), Some((4, 5)));
    press(&mut h, Key::Space);
    assert_eq!(
        h.state().presentation_step(),
        Some((4, 5)),
        "the last step stays"
    );
    for _ in 0..4 {
        press(&mut h, Key::PageUp);
    }
    assert_eq!(h.state().presentation_step(), Some((0, 5)));
    // Typing and Delete do nothing while presenting.
    let before = fulcrum::format::to_string(h.state().map());
    press(&mut h, Key::Delete);
    press(&mut h, Key::Tab);
    assert_eq!(fulcrum::format::to_string(h.state().map()), before);
    // Enter on a card focuses its subtree; Backspace goes back up.
    press(&mut h, Key::ArrowRight);
    assert_eq!(
        h.state().selected().map(|s| s.as_str()),
        Some("starting_mrr")
    );
    h.state_mut().select("churned");
    press(&mut h, Key::Enter);
    assert_eq!(
        h.state().presentation_step(),
        Some((0, 2)),
        "churned, then its inputs"
    );
    press(&mut h, Key::Backspace);
    assert_eq!(h.state().presentation_step(), Some((0, 5)));
    press(&mut h, Key::B);
    press(&mut h, Key::B);
    press(&mut h, Key::Escape);
    assert!(!h.state().is_presenting());
    h.get_by_label("File");
    assert!((h.state().zoom() - zoom).abs() < 1e-6, "the camera is back");
    assert!(!h.state().is_dirty());
}

/// Ctrl+Shift+A as the tests press it.
fn add_view_as_step(h: &mut egui_kittest::Harness<'_, fulcrum::ui::FulcrumApp>) {
    common::press_mod(h, egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::A);
}

/// Drags the row labelled `from` onto the row labelled `onto`, a few frames a move.
fn drag_onto(h: &mut egui_kittest::Harness<'_, fulcrum::ui::FulcrumApp>, from: &str, onto: &str) {
    let (a, b) = (
        h.get_by_label(from).rect().center(),
        h.get_by_label(onto).rect().center(),
    );
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(a));
    h.step();
    h.event(button(a, true));
    h.step();
    for t in [0.2f32, 0.5, 0.8, 1.0] {
        h.event(egui::Event::PointerMoved(a + (b - a) * t));
        h.step();
    }
    h.event(button(b, false));
    h.run();
}

fn steps(h: &egui_kittest::Harness<'_, fulcrum::ui::FulcrumApp>) -> Vec<(String, Option<String>)> {
    h.state().map().presentations()[0]
        .steps
        .iter()
        .map(|s| (s.node.to_string(), s.scenario.clone()))
        .collect()
}

#[test]
fn a_named_presentation_is_authored_saved_reopened_and_presented_under_its_scenarios() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("board.ron");
    let mut h = harness(sample("nrr.ron"));
    // Step 1: the North Star, in the actuals.
    h.state_mut().select("nrr");
    add_view_as_step(&mut h);
    assert_eq!(h.state().map().presentations().len(), 1);
    assert_eq!(h.state().map().presentations()[0].name, "Presentation");
    h.get_by_label("Presentations");
    // Step 2: churn, under the Save desk scenario picked in the status bar.
    h.get_by_label("Scenario").click();
    h.run();
    h.get_by_label("Save desk").click();
    h.run();
    h.state_mut().select("churned");
    add_view_as_step(&mut h);
    // Step 3: the North Star again, under Save desk too.
    h.state_mut().select("nrr");
    add_view_as_step(&mut h);
    assert_eq!(
        steps(&h),
        [
            ("nrr".to_owned(), None),
            ("churned".to_owned(), Some("Save desk".to_owned())),
            ("nrr".to_owned(), Some("Save desk".to_owned())),
        ]
    );
    // Reorder: the clicked step takes the keyboard and moves with Alt+Up; each change is
    // one undo step, and Ctrl+Z there undoes it.
    h.get_by_label("3. Net revenue retention · Save desk")
        .click();
    h.run();
    common::press_mod(&mut h, egui::Modifiers::ALT, Key::ArrowUp);
    assert_eq!(
        steps(&h)[1],
        ("nrr".to_owned(), Some("Save desk".to_owned()))
    );
    common::press_mod(&mut h, egui::Modifiers::COMMAND, Key::Z);
    assert_eq!(
        steps(&h)[2],
        ("nrr".to_owned(), Some("Save desk".to_owned()))
    );
    // The up button does the same.
    h.get_all_by_label("Move up")
        .nth(2)
        .unwrap_or_else(|| panic!("no up button"))
        .click();
    h.run();
    assert_eq!(
        steps(&h)[1],
        ("nrr".to_owned(), Some("Save desk".to_owned()))
    );
    // Dragging a step onto another moves it there, and back.
    drag_onto(
        &mut h,
        "1. Net revenue retention",
        "3. Churned MRR · Save desk",
    );
    assert_eq!(steps(&h)[2], ("nrr".to_owned(), None));
    drag_onto(
        &mut h,
        "3. Net revenue retention",
        "1. Net revenue retention · Save desk",
    );
    assert_eq!(steps(&h)[0], ("nrr".to_owned(), None));
    // Back to the actuals in the editor; save and reopen.
    h.get_by_label("Scenario").click();
    h.run();
    h.get_by_label("Actuals").click();
    h.run();
    assert_eq!(h.state().scenario(), None);
    assert!(h.state_mut().save_to(&path));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text.contains("format: 2,"), "{text}");
    let mut reopened = fulcrum::ui::FulcrumApp::app_for_tests();
    reopened.open_path(&path);
    let mut h = harness(reopened);
    assert_eq!(
        steps(&h),
        [
            ("nrr".to_owned(), None),
            ("nrr".to_owned(), Some("Save desk".to_owned())),
            ("churned".to_owned(), Some("Save desk".to_owned())),
        ]
    );
    // Shift+F5 presents it: the first step in the actuals (107%), the second under Save desk
    // (109%), the third frames churn with its inputs; Esc restores the editor's actuals.
    common::press_mod(&mut h, egui::Modifiers::SHIFT, Key::F5);
    assert!(h.state().is_presenting());
    assert_eq!(h.state().presentation_name(), Some("Presentation"));
    assert_eq!(h.state().presentation_step(), Some((0, 3)));
    assert_eq!(h.state().scenario(), None);
    let nrr_under = |scenario: Option<&str>| {
        let map = fulcrum::format::load(&path)
            .unwrap_or_else(|e| panic!("{e}"))
            .map;
        fulcrum::engine::Analysis::new(&map, scenario, None)
            .unwrap_or_else(|e| panic!("{e}"))
            .value("nrr")
            .and_then(Result::ok)
    };
    let (actual, save_desk) = (nrr_under(None), nrr_under(Some("Save desk")));
    assert_ne!(actual, save_desk);
    assert_eq!(h.state().shown_value("nrr"), actual, "107%");
    press(&mut h, Key::ArrowRight);
    assert_eq!(h.state().scenario(), Some("Save desk"));
    assert_eq!(h.state().shown_value("nrr"), save_desk, "109%");
    press(&mut h, Key::PageDown);
    assert_eq!(h.state().presentation_step(), Some((2, 3)));
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("churned"));
    press(&mut h, Key::PageUp);
    press(&mut h, Key::PageUp);
    assert_eq!(h.state().scenario(), None, "back in the actuals");
    press(&mut h, Key::Escape);
    assert!(!h.state().is_presenting());
    assert_eq!(h.state().scenario(), None);
    assert!(!h.state().is_dirty());
}
