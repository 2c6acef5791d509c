//! Headless UI tests of files: Save As through the in-app path field and reading the file
//! back, opening a broken file, the unsaved-changes prompt, dropped files, the close gate,
//! and autosave with crash recovery.
#![cfg(feature = "app")]

mod common;

use common::{harness, press_mod};

use std::path::Path;

use egui::{Event, Key, Modifiers, ViewportEvent, ViewportId};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::edit::Document;
use fulcrum::format;
use fulcrum::model::Map;
use fulcrum::ui::{FulcrumApp, Options};

/// Replaces the text of the focused field.
fn type_over(h: &mut Harness<'_, FulcrumApp>, text: &str) {
    press_mod(h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text(text.to_owned()));
    h.run();
}

/// A file dropped on the window.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn rename_a_node(h: &mut Harness<'_, FulcrumApp>, title: &str) {
    h.state_mut().select("upgrades");
    h.run();
    h.key_press(Key::F2);
    h.run();
    type_over(h, title);
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().is_dirty());
}

#[test]
fn save_as_through_the_path_field_then_load_back_identical() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("saved");
    let mut h = harness(FulcrumApp::app_for_tests());
    rename_a_node(&mut h, "Upgrade MRR");
    assert_eq!(h.state().title(), "● workshop.ron — Fulcrum");
    // Untitled: Ctrl+S asks for a path in-app (no native dialogs in tests).
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("Save map as");
    type_over(&mut h, &path.display().to_string());
    h.get_by_label("Save").click();
    h.run();
    let saved = path.with_extension("ron");
    assert_eq!(h.state().path(), Some(saved.as_path()));
    assert!(!h.state().is_dirty());
    assert_eq!(h.state().title(), "saved.ron — Fulcrum");
    let loaded = format::load(&saved).expect("saved file loads");
    assert_eq!(
        format::to_string(&loaded.map),
        format::to_string(h.state().map())
    );
    assert_eq!(
        loaded.map.node("upgrades").map(|n| n.title.as_str()),
        Some("Upgrade MRR")
    );
    // Ctrl+S now saves to the same file without asking.
    rename_a_node(&mut h, "Upgrades");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    assert!(h.query_by_label("Save map as").is_none());
    assert!(!h.state().is_dirty());
}

#[test]
fn a_broken_file_shows_its_problems_and_keeps_the_open_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.ron");
    let text = "#![enable(implicit_some)]\nMap(\n    format: 1,\n    title: \"x\",\n    nodes: [\n        (id: \"a\", kind: Metric, title: \"A\", valu: 3.0),\n    ],\n)\n";
    std::fs::write(&path, text).expect("write");
    let mut h = harness(FulcrumApp::app_for_tests());
    let before = format::to_string(h.state().map());
    press_mod(&mut h, Modifiers::COMMAND, Key::O);
    type_over(&mut h, &path.display().to_string());
    h.get_by_label("Open").click();
    h.run();
    h.get_by_label("Couldn't open broken.ron");
    h.get_by_label_contains("unknown field `valu`");
    h.get_by_label_contains("did you mean `value`");
    let line = text.lines().nth(5).expect("line 6");
    let col = line.find("valu").expect("field") + 1;
    h.get_by_label(&format!("6:{col}"));
    assert_eq!(format::to_string(h.state().map()), before);
    assert_eq!(h.state().path(), None);
    h.get_by_label("OK").click();
    h.run();
    assert!(h.query_by_label("Couldn't open broken.ron").is_none());
}

#[test]
fn new_asks_to_save_unsaved_changes() {
    let mut h = harness(FulcrumApp::app_for_tests());
    rename_a_node(&mut h, "Upgrade MRR");
    press_mod(&mut h, Modifiers::COMMAND, Key::N);
    h.get_by_label("Save changes to workshop.ron?");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().map().contains("upgrades"), "cancel keeps the map");
    press_mod(&mut h, Modifiers::COMMAND, Key::N);
    h.get_by_label("Discard").click();
    h.run();
    assert!(h.state().map().is_empty());
    assert!(!h.state().is_dirty());
}

#[test]
fn closing_with_unsaved_changes_is_held_back_by_the_prompt() {
    let mut h = harness(FulcrumApp::app_for_tests());
    rename_a_node(&mut h, "Upgrade MRR");
    h.input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(ViewportEvent::Close);
    h.step();
    let commands = &h.output().viewport_output[&ViewportId::ROOT].commands;
    assert!(commands.contains(&egui::ViewportCommand::CancelClose));
    h.run();
    h.get_by_label("Save changes to workshop.ron?");
}

#[test]
fn dropping_a_ron_file_opens_it() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut h = harness(FulcrumApp::with_map(Map::new("Empty")));
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(samples.join("nrr.ron"))));
    h.run();
    assert!(h.state().map().contains("churned_accounts"));
    assert_eq!(h.state().title(), "nrr.ron — Fulcrum");
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("nrr"));
}

#[test]
fn unsaved_work_is_autosaved_and_offered_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = Options {
        autosave_dir: Some(dir.path().to_path_buf()),
        ..Options::headless()
    };
    let sample = format::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/nrr.ron"))
        .expect("sample")
        .map;
    let mut app = FulcrumApp::new(Document::new(sample.clone()), None, options.clone());
    let mut h = harness(FulcrumApp::new(
        Document::new(Map::new("x")),
        None,
        options.clone(),
    ));
    // Writing: an edit, then an autosave on the worker thread.
    app.apply(fulcrum::edit::Command::SetMapTitle("Edited".into()));
    app.autosave_now();
    app.flush_autosave();
    let own = dir
        .path()
        .join(format!("recovery-{}.ron", std::process::id()));
    let written = std::fs::read_to_string(&own).expect("recovery file written");
    let recovered = format::parse_str(&written).expect("recovery parses").map;
    assert_eq!(recovered.title(), "Edited");
    // A crashed session's file (another, dead process) is offered on the next start.
    std::fs::rename(&own, dir.path().join("recovery-4000000000.ron")).expect("rename");
    h.state_mut().offer_recovery();
    h.run();
    h.get_by_label("Restore unsaved work?");
    h.get_by_label("Restore").click();
    h.run();
    assert_eq!(h.state().map().title(), "Edited");
    assert!(h.state().is_dirty(), "restored work is unsaved");
    assert!(h.state().title().starts_with("● "));
    assert!(!dir.path().join("recovery-4000000000.ron").exists());
}

#[test]
fn open_after_discarding_changes_asks_for_the_file() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut h = harness(FulcrumApp::app_for_tests());
    rename_a_node(&mut h, "Upgrade MRR");
    press_mod(&mut h, Modifiers::COMMAND, Key::O);
    h.get_by_label("Discard").click();
    h.run();
    h.get_by_label("Open map");
    type_over(&mut h, &samples.join("ost.ron").display().to_string());
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().map().contains("grow_usage"));
    assert!(!h.state().map().contains("nrr"));
    assert!(!h.state().is_dirty());
}
