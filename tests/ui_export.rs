//! File → Export… (Ctrl+E) driven through the real app: the dialog writes the picture the
//! library draws, for the whole map or the selected subtree, and names what went wrong.
#![allow(clippy::unwrap_used)]

mod common;

use common::{harness, press_mod, sample};
use egui::{Event, Key, Modifiers};
use egui_kittest::kittest::Queryable;

fn export_to(h: &mut egui_kittest::Harness<'_, fulcrum::ui::FulcrumApp>, path: &std::path::Path) {
    press_mod(h, Modifiers::COMMAND, Key::E);
    h.get_by_label("Export a picture");
    press_mod(h, Modifiers::COMMAND, Key::A);
    h.input_mut()
        .events
        .push(Event::Text(path.display().to_string()));
    h.run();
    h.get_by_label("Export").click();
    h.run();
}

#[test]
fn ctrl_e_exports_the_map_as_the_library_draws_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nrr.svg");
    let mut h = harness(sample("nrr.ron"));
    export_to(&mut h, &out);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(">Net revenue retention</text>"));
    assert!(svg.contains("id=\"n-churned_accounts\""));
    // The dialog closed and said where the file went.
    assert!(h.query_by_label("Export a picture").is_none());
}

#[test]
fn a_png_of_the_map_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nrr.png");
    let mut h = harness(sample("nrr.ron"));
    export_to(&mut h, &out);
    assert!(std::fs::read(&out).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn a_bad_file_name_keeps_the_dialog_open_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nrr.docx");
    let mut h = harness(sample("nrr.ron"));
    export_to(&mut h, &out);
    assert!(!out.exists());
    h.get_by_label("Export a picture");
    assert!(
        h.query_all_by_label_contains("use a .svg, .png or .pdf file name")
            .next()
            .is_some()
    );
}

#[test]
fn export_is_in_the_file_menu() {
    let mut h = harness(sample("nrr.ron"));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Export…").click();
    h.run();
    h.get_by_label("Export a picture");
}
