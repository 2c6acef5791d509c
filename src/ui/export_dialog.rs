//! File → Export… (Ctrl+E): a picture of the map — SVG, PNG or PDF — of the whole map, the
//! selected subtree or the cards in view, in the light, dark or projector theme, under the
//! scenario and period on screen. It runs the same library code as `fulcrum export`
//! ([`crate::export`]) and writes the file atomically, as maps are saved.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use egui::{Id, RichText};

use crate::export::{ExportOptions, PictureFormat, Scope, export_picture};
use crate::look::Theme;
use crate::model::NodeId;

use super::commands::UiCommand;
use super::{FulcrumApp, Viewer};

/// Which nodes the dialog exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExportScope {
    /// Every tree.
    Whole,
    /// The selection and everything under it.
    Subtree,
    /// The cards on screen.
    View,
}

/// The export dialog's choices, while it is open.
pub(crate) struct ExportDialog {
    /// File format.
    pub format: PictureFormat,
    /// Which nodes.
    pub scope: ExportScope,
    /// Colours.
    pub theme: Theme,
    /// PNG pixels per point.
    pub scale: f32,
    /// Where to write (typed, or picked with Browse…).
    pub path: String,
    /// Why the last try failed.
    pub error: Option<String>,
    /// The path field takes the keyboard on the dialog's first frame.
    pub focus_path: bool,
}

impl ExportDialog {
    /// The path with its extension set to the chosen format's.
    fn path_for_format(&mut self) {
        if self.path.is_empty() {
            return;
        }
        let path = Path::new(&self.path).with_extension(self.format.extension());
        self.path = path.display().to_string();
    }
}

/// The dialog, while one is open.
pub(crate) fn export_dialog_ui(
    ctx: &egui::Context,
    cx: &Viewer<'_>,
    view: &super::view::View,
    native_dialogs: bool,
    dialog: &mut Option<ExportDialog>,
) {
    let Some(d) = dialog.as_mut() else {
        return;
    };
    let mut close = false;
    egui::Modal::new(Id::unique("fulcrum_export")).show(ctx, |ui| {
        ui.set_min_width(460.0);
        ui.heading("Export a picture");
        egui::Grid::new("export_choices")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                ui.label("Format");
                ui.horizontal(|ui| {
                    for (f, name) in [
                        (PictureFormat::Png, "PNG"),
                        (PictureFormat::Svg, "SVG"),
                        (PictureFormat::Pdf, "PDF"),
                    ] {
                        if ui.radio_value(&mut d.format, f, name).changed() {
                            d.path_for_format();
                        }
                    }
                });
                ui.end_row();
                ui.label("Nodes");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut d.scope, ExportScope::Whole, "Whole map");
                    ui.add_enabled_ui(view.selection.is_some(), |ui| {
                        ui.radio_value(&mut d.scope, ExportScope::Subtree, "Selected subtree")
                            .on_disabled_hover_text("Select a card first");
                    });
                    ui.radio_value(&mut d.scope, ExportScope::View, "Current view");
                });
                ui.end_row();
                ui.label("Theme");
                ui.horizontal(|ui| {
                    for t in Theme::ALL {
                        let name = match t {
                            Theme::Light => "Light",
                            Theme::Dark => "Dark",
                            Theme::Projector => "Projector",
                        };
                        ui.radio_value(&mut d.theme, t, name);
                    }
                });
                ui.end_row();
                if d.format == PictureFormat::Png {
                    ui.label("Scale");
                    ui.add(
                        egui::DragValue::new(&mut d.scale)
                            .range(0.5..=8.0)
                            .speed(0.1)
                            .suffix("×"),
                    );
                    ui.end_row();
                }
                ui.label("Values");
                ui.label(format!(
                    "{} · {}",
                    view.scenario
                        .as_deref()
                        .map_or("actuals".to_owned(), |s| format!("scenario {s}")),
                    view.period
                        .as_deref()
                        .map_or("current period".to_owned(), |p| format!("period {p}")),
                ));
                ui.end_row();
                let label = ui.label("Save to");
                ui.horizontal(|ui| {
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(&mut d.path)
                                .desired_width(300.0)
                                .hint_text("file.png"),
                        )
                        .labelled_by(label.id);
                    if d.focus_path {
                        field.request_focus();
                        d.focus_path = false;
                    }
                    if native_dialogs && ui.button("Browse…").clicked() {
                        let ext = d.format.extension();
                        if let Some(p) = rfd::FileDialog::new()
                            .add_filter(ext.to_uppercase(), &[ext])
                            .set_file_name(
                                Path::new(&d.path)
                                    .file_name()
                                    .map(|n| n.to_string_lossy().into_owned())
                                    .unwrap_or_default(),
                            )
                            .save_file()
                        {
                            d.path = p.display().to_string();
                        }
                    }
                });
                ui.end_row();
            });
        if let Some(e) = &d.error {
            ui.colored_label(cx.palette.danger, e);
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let ready = !d.path.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new(RichText::new("Export").strong()))
                .clicked()
            {
                cx.commands.send(UiCommand::RunExport);
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            close = true;
        }
    });
    if close {
        *dialog = None;
    }
}

impl FulcrumApp {
    /// Ctrl+E: opens the export dialog, a PNG beside the map by default.
    pub(crate) fn open_export(&mut self) {
        self.commit_title_edit();
        let stem = self
            .session
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(|| "map".to_owned(), |s| s.to_string_lossy().into_owned());
        let dir = self.dialog_dir();
        let path: PathBuf = dir.join(format!("{stem}.png"));
        self.shell.export = Some(ExportDialog {
            format: PictureFormat::Png,
            scope: ExportScope::Whole,
            theme: self.shell.theme,
            scale: 2.0,
            path: path.display().to_string(),
            error: None,
            focus_path: true,
        });
    }

    /// "Export" in the dialog: draws the picture and writes it; the dialog stays open with
    /// the reason when that fails.
    pub(crate) fn run_export(&mut self) {
        let Some(d) = self.shell.export.as_ref() else {
            return;
        };
        let path = PathBuf::from(d.path.trim());
        let result = (|| {
            let format = PictureFormat::of_path(&path)
                .ok_or_else(|| format!("{}: use a .svg, .png or .pdf file name", path.display()))?;
            let scope = match d.scope {
                ExportScope::Whole => Scope::Whole,
                ExportScope::Subtree => match &self.view.selection {
                    Some(id) => Scope::Subtree(id.as_str().to_owned()),
                    None => return Err("Select a card to export its subtree".to_owned()),
                },
                ExportScope::View => Scope::Nodes(self.ids_in_view()),
            };
            let options = ExportOptions {
                scope,
                scenario: self.view.scenario.clone(),
                period: self.view.period.clone(),
                theme: d.theme,
                scale: d.scale,
            };
            let bytes =
                export_picture(self.session.map(), &options, format).map_err(|e| e.to_string())?;
            crate::format::write_atomic(&path, &bytes).map_err(|e| e.to_string())
        })();
        match result {
            Ok(()) => {
                self.shell.export = None;
                self.shell
                    .dialogs
                    .toast(format!("Exported to {}", path.display()));
            }
            Err(e) => {
                if let Some(d) = self.shell.export.as_mut() {
                    d.error = Some(e);
                }
            }
        }
    }

    /// The nodes whose cards are on screen.
    fn ids_in_view(&self) -> HashSet<NodeId> {
        let Some(derived) = self.derived.as_ref() else {
            return HashSet::new();
        };
        let canvas = &self.view.canvas;
        let world = canvas.camera.visible_world(canvas.rect);
        derived
            .scene
            .query(world)
            .into_iter()
            .filter_map(|i| derived.scene.ids.get(i).cloned())
            .collect()
    }
}
