//! Helpers shared by the headless UI tests: a harness around the real app, and key presses
//! that let the app settle afterwards.
// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use fulcrum::ui::FulcrumApp;

/// The app in a 1400×900 headless window, after its first frames.
pub fn harness(app: FulcrumApp) -> Harness<'static, FulcrumApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(200)
        .build_eframe(|_cc| app);
    h.run();
    h
}

/// Presses a key and lets the app settle.
pub fn press(h: &mut Harness<'_, FulcrumApp>, key: Key) {
    h.key_press(key);
    h.run();
}

/// Presses a key with modifiers and lets the app settle.
pub fn press_mod(h: &mut Harness<'_, FulcrumApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}
