//! Helpers shared by the headless UI tests: a harness around the real app, and key presses
//! that let the app settle afterwards.
// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use egui::{Event, Key, Modifiers};
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

/// Types `text` and presses Enter, all in one frame (as a fast typist's keys arrive), then
/// lets the app settle.
pub fn type_and_enter(h: &mut Harness<'_, FulcrumApp>, text: &str) {
    h.input_mut()
        .events
        .push(egui::Event::Text(text.to_owned()));
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::Key {
            key: Key::Enter,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: Modifiers::NONE,
        });
    }
    h.run();
}

/// Equal to 1e-9 relative (figures computed two ways).
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// A bundled sample, loaded from `samples/`, untitled, headless.
pub fn sample(name: &str) -> FulcrumApp {
    let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    let loaded = fulcrum::format::load(std::path::Path::new(&path))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    FulcrumApp::new(
        fulcrum::edit::Document::new(loaded.map),
        None,
        fulcrum::ui::Options::headless(),
    )
}

/// A key press and release, as a keyboard sends them.
pub fn key(key: Key) -> Vec<Event> {
    key_with(Modifiers::NONE, key)
}

/// A key press and release with `modifiers` held.
pub fn key_with(modifiers: Modifiers, key: Key) -> Vec<Event> {
    [true, false]
        .into_iter()
        .map(|pressed| Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers,
        })
        .collect()
}

/// Delivers all of `events` in ONE frame, as a fast typist's keys arrive (kittest's own
/// `key_press` gives each event a frame of its own, which hides lost keystrokes), then lets
/// the app settle.
pub fn one_frame(h: &mut Harness<'_, FulcrumApp>, events: Vec<Vec<Event>>) {
    h.input_mut().events.extend(events.into_iter().flatten());
    h.run();
}
