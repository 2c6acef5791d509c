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
