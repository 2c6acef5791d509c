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

/// Someone else's change to the file: the map as it is on disk with one node's owner set.
fn change_behind_the_apps_back(path: &Path, owner: &str) {
    let mut theirs = format::load(path).expect("loads").map;
    let mut node = theirs.node("upgrades").cloned().expect("upgrades");
    node.owner = Some(owner.to_owned());
    theirs.replace_node("upgrades", node).expect("replace");
    format::save(&theirs, path).expect("save theirs");
}

fn saved_app(dir: &Path) -> (Harness<'static, FulcrumApp>, std::path::PathBuf) {
    let path = dir.join("shared.ron");
    let mut h = harness(FulcrumApp::app_for_tests());
    assert!(h.state_mut().save_to(&path));
    h.run();
    (h, path)
}

fn owner_on_disk(path: &Path) -> Option<String> {
    let map = format::load(path).expect("loads").map;
    map.node("upgrades").and_then(|n| n.owner.clone())
}

#[test]
fn a_save_never_writes_over_a_change_made_on_disk_meanwhile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, path) = saved_app(dir.path());
    change_behind_the_apps_back(&path, "Colleague");
    rename_a_node(&mut h, "Upgrade MRR");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("shared.ron changed on disk");
    assert_eq!(
        owner_on_disk(&path).as_deref(),
        Some("Colleague"),
        "nothing written"
    );
    assert!(h.state().is_dirty());
    // Keep mine: written over theirs, knowingly.
    h.get_by_label("Keep mine").click();
    h.run();
    assert!(!h.state().is_dirty());
    let map = format::load(&path).expect("loads").map;
    assert_eq!(
        map.node("upgrades").map(|n| n.title.as_str()),
        Some("Upgrade MRR")
    );
    // Later saves go through again without asking.
    rename_a_node(&mut h, "Upgrades");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    assert!(h.query_by_label("shared.ron changed on disk").is_none());
    assert!(!h.state().is_dirty());
}

#[test]
fn reload_theirs_takes_the_file_as_it_is_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, path) = saved_app(dir.path());
    change_behind_the_apps_back(&path, "Colleague");
    rename_a_node(&mut h, "Mine");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("Reload theirs").click();
    h.run();
    let node = h.state().map().node("upgrades").cloned().expect("upgrades");
    assert_eq!(node.owner.as_deref(), Some("Colleague"));
    assert_ne!(node.title, "Mine");
    assert!(!h.state().is_dirty());
}

#[test]
fn regaining_focus_reloads_an_unchanged_map_that_changed_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, path) = saved_app(dir.path());
    h.input_mut().focused = false;
    h.run();
    change_behind_the_apps_back(&path, "Colleague");
    h.input_mut().focused = true;
    h.run();
    let owner = h
        .state()
        .map()
        .node("upgrades")
        .and_then(|n| n.owner.clone());
    assert_eq!(owner.as_deref(), Some("Colleague"));
    // With unsaved changes it asks instead.
    rename_a_node(&mut h, "Mine");
    h.input_mut().focused = false;
    h.run();
    change_behind_the_apps_back(&path, "Someone else");
    h.input_mut().focused = true;
    h.run();
    h.get_by_label("shared.ron changed on disk");
}

#[test]
fn save_as_asks_before_replacing_an_existing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let other = dir.path().join("other.ron");
    std::fs::write(&other, "keep me").expect("write");
    let mut h = harness(FulcrumApp::app_for_tests());
    press_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.get_by_label("Save map as");
    type_over(&mut h, &other.display().to_string());
    h.get_by_label("Save").click();
    h.run();
    assert_eq!(std::fs::read_to_string(&other).expect("read"), "keep me");
    h.get_by_label_contains("already exists");
    h.get_by_label("Save").click();
    h.run();
    assert!(
        format::load(&other).is_ok(),
        "replaced after the second Save"
    );
}

/// Regression: saving a read-only (0444) map failed with a list of "problems" and no way on;
/// now the app says the file is read-only, writes nothing, and offers Save As, which saves
/// the map under the new name and makes that its file.
#[cfg(unix)]
#[test]
fn saving_a_read_only_map_says_so_and_offers_save_as() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, path) = saved_app(dir.path());
    let before = std::fs::read_to_string(&path).expect("read");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    rename_a_node(&mut h, "Upgrade MRR");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("shared.ron is read-only");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
    assert!(h.state().is_dirty());
    h.get_by_label("Save As…").click();
    h.run();
    h.get_by_label("Save map as");
    let copy = dir.path().join("copy.ron");
    type_over(&mut h, &copy.display().to_string());
    h.get_by_label("Save").click();
    h.run();
    assert!(!h.state().is_dirty());
    assert_eq!(h.state().path(), Some(copy.as_path()));
    let saved = format::load(&copy).expect("the copy loads").map;
    assert_eq!(
        saved.node("upgrades").map(|n| n.title.as_str()),
        Some("Upgrade MRR")
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);

    // Cancel leaves the map unsaved and the file alone.
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    rename_a_node(&mut h, "Upgrades again");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("copy.ron is read-only");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label("copy.ron is read-only").is_none());
    assert!(h.state().is_dirty());
}
