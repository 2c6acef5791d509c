//! Headless UI tests of conflicts (SPEC §5 Conflicts) and of merging a change made on disk
//! behind the app's back (issue 11, items 5 and 6): a file conflicted by a real `fulcrum
//! merge` opens into the conflict view, is resolved one conflict ours' way and one theirs',
//! and saves clean; "Merge" in the changed-on-disk prompt keeps both sides' changes to
//! different fields in one undo step, and sends a change of the same field to the view.
#![cfg(feature = "app")]

mod common;

use common::{harness, press_mod};

use std::path::Path;
use std::process::Command;

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::format;
use fulcrum::ui::FulcrumApp;

const FULCRUM: &str = env!("CARGO_BIN_EXE_fulcrum");

const BASE: &str = r#"#![enable(implicit_some)]
Map(
    format: 1,
    title: "Net revenue retention",
    nodes: [
        (
            id: "nrr",
            kind: Metric,
            title: "Net revenue",
            formula: Sum,
            target: 1.1,
            owner: "VP Customer Success",
        ),
        (
            id: "expansion",
            parent: "nrr",
            kind: Metric,
            title: "Expansion MRR",
            value: 15000.0,
        ),
        (
            id: "churned",
            parent: "nrr",
            kind: Metric,
            title: "Churned MRR",
            value: 4000.0,
        ),
    ],
)
"#;

/// Writes BASE with the replacements made to `dir/name`.
fn write_edited(dir: &Path, name: &str, pairs: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = BASE.to_owned();
    for (from, to) in pairs {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// A file conflicted by the real `fulcrum merge`: target 1.12 against 1.15, churned 5000
/// against 3000.
fn conflicted_file(dir: &Path) -> std::path::PathBuf {
    let base = write_edited(dir, "base.ron", &[]);
    let ours = write_edited(
        dir,
        "ours.ron",
        &[("target: 1.1,", "target: 1.12,"), ("4000.0", "5000.0")],
    );
    let theirs = write_edited(
        dir,
        "theirs.ron",
        &[("target: 1.1,", "target: 1.15,"), ("4000.0", "3000.0")],
    );
    let out = dir.join("merged.ron");
    let status = Command::new(FULCRUM)
        .args(["merge"])
        .args([&base, &ours, &theirs])
        .arg("-o")
        .arg(&out)
        .output()
        .expect("fulcrum merge runs");
    assert_eq!(status.status.code(), Some(1), "a merge with conflicts");
    out
}

fn check(path: &Path) -> (Option<i32>, String) {
    let out = Command::new(FULCRUM)
        .arg("check")
        .arg(path)
        .output()
        .expect("fulcrum check runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn click_nth(h: &mut Harness<'_, FulcrumApp>, label: &str, n: usize) {
    h.get_all_by_label(label)
        .nth(n)
        .unwrap_or_else(|| panic!("no {label} #{n}"))
        .click();
    h.run();
}

/// Replaces the text of the focused field.
fn type_over(h: &mut Harness<'_, FulcrumApp>, text: &str) {
    press_mod(h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text(text.to_owned()));
    h.run();
}

#[test]
fn a_conflicted_file_is_resolved_one_side_each_and_saved_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = conflicted_file(dir.path());
    let (code, text) = check(&path);
    assert_eq!(code, Some(1), "{text}");
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().open_path(&path);
    h.run();
    h.get_by_label("Resolve conflicts in merged.ron");
    h.get_by_label_contains("nrr.target: ours 1.12, theirs 1.15");
    h.get_by_label_contains("churned.value: ours 5000.0, theirs 3000.0");
    // Nothing is taken before it is chosen: the app still shows the map it had.
    assert!(h.state().map().contains("upgrades"));
    click_nth(&mut h, "Take ours", 0);
    // A choice can be taken back with Ctrl+Z, then made again.
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    h.get_by_label_contains("0 of 2 conflicts resolved");
    click_nth(&mut h, "Take ours", 0);
    click_nth(&mut h, "Take theirs", 1);
    h.get_by_label_contains("2 of 2 conflicts resolved");
    let on_disk = std::fs::read_to_string(&path).expect("read");
    assert!(on_disk.contains("<<<<<<<"), "still conflicted on disk");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    assert!(
        h.query_by_label("Resolve conflicts in merged.ron")
            .is_none()
    );
    assert!(!h.state().is_dirty());
    assert_eq!(h.state().path(), Some(path.as_path()));
    let (code, text) = check(&path);
    assert_eq!(code, Some(0), "{text}");
    let saved = std::fs::read_to_string(&path).expect("read");
    let map = format::parse_str(&saved).expect("loads").map;
    assert_eq!(saved, format::to_string(&map), "canonical");
    assert_eq!(map.node("nrr").and_then(|n| n.target), Some(1.12));
    assert_eq!(map.node("churned").and_then(|n| n.value), Some(3000.0));
    // It rolls up: 15000 + 3000.
    assert_eq!(h.state().shown_value("nrr"), Some(18000.0));
}

#[test]
fn until_saved_a_resolved_file_is_unsaved_work_and_cancel_opens_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = conflicted_file(dir.path());
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().open_path(&path);
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    assert!(
        h.query_by_label("Resolve conflicts in merged.ron")
            .is_none()
    );
    assert!(h.state().map().contains("upgrades"), "the open map stays");
    h.state_mut().open_path(&path);
    h.run();
    h.get_by_label("Take theirs for all").click();
    h.run();
    h.get_by_label("Open resolved map").click();
    h.run();
    assert!(h.state().is_dirty(), "the file on disk is still conflicted");
    assert_eq!(
        h.state().map().node("nrr").and_then(|n| n.target),
        Some(1.15)
    );
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .contains("<<<<<<<")
    );
}

#[test]
fn an_edited_value_is_what_the_resolved_map_holds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = conflicted_file(dir.path());
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().open_path(&path);
    h.run();
    click_nth(&mut h, "Edit value", 0);
    type_over(&mut h, "1.13");
    click_nth(&mut h, "Take ours", 1);
    h.get_by_label("Save resolved map").click();
    h.run();
    let map = format::load(&path).expect("loads clean").map;
    assert_eq!(map.node("nrr").and_then(|n| n.target), Some(1.13));
    assert_eq!(map.node("churned").and_then(|n| n.value), Some(5000.0));
}

/// The app with the workshop sample saved to `dir/shared.ron`.
fn saved_app(dir: &Path) -> (Harness<'static, FulcrumApp>, std::path::PathBuf) {
    let path = dir.join("shared.ron");
    let mut h = harness(FulcrumApp::app_for_tests());
    assert!(h.state_mut().save_to(&path));
    h.run();
    (h, path)
}

/// Someone else's change to the file: one field of `upgrades` set on disk.
fn change_on_disk(path: &Path, change: impl FnOnce(&mut fulcrum::model::Node)) {
    let mut theirs = format::load(path).expect("loads").map;
    let mut node = theirs.node("upgrades").cloned().expect("upgrades");
    change(&mut node);
    theirs.replace_node("upgrades", node).expect("replace");
    format::save(&theirs, path).expect("save theirs");
}

fn rename_upgrades(h: &mut Harness<'_, FulcrumApp>, title: &str) {
    h.state_mut().select("upgrades");
    h.run();
    h.key_press(Key::F2);
    h.run();
    type_over(h, title);
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().is_dirty());
}

fn upgrades_on_disk(path: &Path) -> fulcrum::model::Node {
    let map = format::load(path).expect("loads").map;
    map.node("upgrades").cloned().expect("upgrades")
}

#[test]
fn merge_keeps_both_sides_changes_to_different_fields_in_one_undo_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, path) = saved_app(dir.path());
    change_on_disk(&path, |n| n.owner = Some("Colleague".to_owned()));
    rename_upgrades(&mut h, "Upgrade MRR");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("shared.ron changed on disk");
    h.get_by_label("Merge").click();
    h.run();
    let node = h.state().map().node("upgrades").cloned().expect("upgrades");
    assert_eq!(node.title, "Upgrade MRR", "mine kept");
    assert_eq!(node.owner.as_deref(), Some("Colleague"), "theirs taken");
    // Merging wrote nothing: the file is theirs until a save.
    assert_eq!(upgrades_on_disk(&path).title, "Plan upgrade MRR");
    assert!(h.state().is_dirty());
    // The merge took the disk's version as the new base: this save does not ask again.
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    assert!(h.query_by_label("shared.ron changed on disk").is_none());
    assert!(!h.state().is_dirty());
    let saved = upgrades_on_disk(&path);
    assert_eq!(
        (saved.title.as_str(), saved.owner.as_deref()),
        ("Upgrade MRR", Some("Colleague"))
    );
    // The merge is one undo step: undo takes theirs away and keeps mine.
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    let node = h.state().map().node("upgrades").cloned().expect("upgrades");
    assert_eq!(
        (node.title.as_str(), node.owner.as_deref()),
        ("Upgrade MRR", Some("Growth"))
    );
}

#[test]
fn merge_sends_a_change_of_the_same_field_to_the_conflict_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, path) = saved_app(dir.path());
    change_on_disk(&path, |n| {
        n.title = "Theirs".to_owned();
        n.owner = Some("Colleague".to_owned());
    });
    rename_upgrades(&mut h, "Mine");
    press_mod(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("Merge").click();
    h.run();
    h.get_by_label("Resolve conflicts in shared.ron");
    h.get_by_label_contains("upgrades.title: ours \"Mine\", theirs \"Theirs\"");
    // Nothing of either side is lost while the person decides.
    assert_eq!(
        h.state().map().node("upgrades").map(|n| n.title.as_str()),
        Some("Mine")
    );
    assert_eq!(upgrades_on_disk(&path).title, "Theirs");
    h.get_by_label("Take theirs").click();
    h.run();
    h.get_by_label("Save merged map").click();
    h.run();
    assert!(
        h.query_by_label("Resolve conflicts in shared.ron")
            .is_none()
    );
    assert!(!h.state().is_dirty());
    let saved = upgrades_on_disk(&path);
    assert_eq!(
        (saved.title.as_str(), saved.owner.as_deref()),
        ("Theirs", Some("Colleague"))
    );
    // One undo step puts my map back as it was before the merge.
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    let node = h.state().map().node("upgrades").cloned().expect("upgrades");
    assert_eq!(
        (node.title.as_str(), node.owner.as_deref()),
        ("Mine", Some("Growth"))
    );
}

#[test]
fn a_delete_against_an_edit_is_listed_as_keep_or_drop_the_node() {
    let dir = tempfile::tempdir().expect("temp dir");
    let churned = "        (\n            id: \"churned\",\n            parent: \"nrr\",\n            kind: Metric,\n            title: \"Churned MRR\",\n            value: 4000.0,\n        ),\n";
    let base = write_edited(dir.path(), "base.ron", &[]);
    let ours = write_edited(dir.path(), "ours.ron", &[(churned, "")]);
    let theirs = write_edited(dir.path(), "theirs.ron", &[("4000.0", "4500.0")]);
    let out = dir.path().join("merged.ron");
    let status = Command::new(FULCRUM)
        .args(["merge"])
        .args([&base, &ours, &theirs])
        .arg("-o")
        .arg(&out)
        .status()
        .expect("fulcrum merge runs");
    assert_eq!(status.code(), Some(1));
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().open_path(&out);
    h.run();
    h.get_by_label_contains("over the node `churned`: ours does not have it, theirs has it");
    h.get_by_label("does not have the node");
    h.get_by_label("has the node");
    // Theirs keeps the node with their edit.
    h.get_by_label("Take theirs").click();
    h.run();
    h.get_by_label("Open resolved map").click();
    h.run();
    assert_eq!(
        h.state().map().node("churned").and_then(|n| n.value),
        Some(4500.0)
    );
    // Ours drops it.
    h.state_mut().open_path(&out);
    h.run();
    h.get_by_label("Take ours").click();
    h.run();
    h.get_by_label("Open resolved map").click();
    h.run();
    assert!(!h.state().map().contains("churned"));
    assert!(h.state().map().contains("expansion"));
}

#[test]
fn autosave_never_writes_over_a_change_made_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recovery = dir.path().join("recovery");
    let path = dir.path().join("shared.ron");
    let mut app = FulcrumApp::app_for_tests();
    assert!(app.save_to(&path));
    let map = format::load(&path).expect("loads").map;
    let options = fulcrum::ui::Options {
        autosave_dir: Some(recovery.clone()),
        ..fulcrum::ui::Options::headless()
    };
    let app = FulcrumApp::new(
        fulcrum::edit::Document::new(map),
        Some(path.clone()),
        options,
    );
    let mut h = harness(app);
    change_on_disk(&path, |n| n.owner = Some("Colleague".to_owned()));
    let theirs = std::fs::read_to_string(&path).expect("read");
    rename_upgrades(&mut h, "Mine");
    h.state_mut().autosave_now();
    h.state_mut().flush_autosave();
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        theirs,
        "untouched"
    );
    let saved: Vec<_> = std::fs::read_dir(&recovery)
        .expect("recovery folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
        .collect();
    assert_eq!(saved.len(), 1);
    let text = std::fs::read_to_string(saved[0].path()).expect("read");
    assert!(text.contains("\"Mine\""), "my work is in the recovery file");
}
