//! File → Import values…: a CSV of `id,period,value` rows, read and checked by the same
//! library code as `fulcrum values` ([`crate::edit::values`]), previewed as the changes it
//! would make — history entries added, changed and unchanged, current values that move, or
//! every bad row with its line — and applied as one undo step, or not at all.

use std::path::Path;

use egui::{Id, RichText};

use crate::edit::values::{self, ImportPlan, MAX_VALUES_BYTES, RowProblem};
use crate::format;
use crate::model::Map;

use super::commands::UiCommand;
use super::{FulcrumApp, Viewer};

/// The most rows of each list shown in the preview (the counts are always exact).
const MAX_LISTED: usize = 200;

/// What the import would do, shown before it is applied.
pub(crate) struct ImportPreview {
    /// The CSV's file name, for messages.
    pub file: String,
    /// The plan, or every bad row (nothing can be applied then).
    pub outcome: Result<ImportPlan, Vec<RowProblem>>,
}

/// Reads and checks a CSV of values against `map`.
pub(crate) fn preview(path: &Path, map: &Map) -> ImportPreview {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let outcome = (|| {
        let bytes = format::read_file(path, MAX_VALUES_BYTES).map_err(|e| {
            vec![RowProblem {
                line: 0,
                message: e.to_string(),
            }]
        })?;
        let text = values::decode(&bytes).map_err(|p| vec![p])?;
        let rows = values::parse_values(text, map)?;
        Ok(values::plan_import(map, &rows))
    })();
    ImportPreview { file, outcome }
}

/// The preview window, while one is open.
pub(crate) fn import_preview_ui(
    ctx: &egui::Context,
    cx: &Viewer<'_>,
    preview: &mut Option<ImportPreview>,
) {
    let Some(p) = preview.as_ref() else {
        return;
    };
    let map = cx.session.map();
    let title_of = |id: &str| map.node(id).map_or(id.to_owned(), |n| n.title.clone());
    let mut close = false;
    egui::Modal::new(Id::unique("fulcrum_import_values")).show(ctx, |ui| {
        ui.set_min_width(560.0);
        ui.set_max_width(760.0);
        ui.heading(format!("Import values from {}", p.file));
        match &p.outcome {
            Err(problems) => {
                let n = problems.len();
                ui.colored_label(
                    cx.palette.danger,
                    if n == 1 {
                        "1 bad row: nothing will be imported.".to_owned()
                    } else {
                        format!("{n} bad rows: nothing will be imported.")
                    },
                );
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .show(ui, |ui| {
                        for problem in problems.iter().take(MAX_LISTED) {
                            ui.monospace(problem.render(&p.file));
                        }
                    });
                ui.add_space(6.0);
                if ui.button(RichText::new("Close").strong()).clicked() {
                    close = true;
                }
            }
            Ok(plan) => {
                ui.label(format!(
                    "{} added · {} changed · {} unchanged · {} current values move",
                    plan.added.len(),
                    plan.changed.len(),
                    plan.unchanged.len(),
                    plan.values.len()
                ));
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        egui::Grid::new("import_rows")
                            .striped(true)
                            .num_columns(4)
                            .show(ui, |ui| {
                                for e in plan.added.iter().take(MAX_LISTED) {
                                    ui.label(RichText::new("added").color(cx.palette.accent));
                                    ui.label(title_of(e.id.as_str()));
                                    ui.monospace(&e.period);
                                    ui.label(format!("{}", e.value));
                                    ui.end_row();
                                }
                                for c in plan.changed.iter().take(MAX_LISTED) {
                                    ui.label(
                                        RichText::new("changed")
                                            .color(cx.palette.rag(crate::engine::Rag::Amber)),
                                    );
                                    ui.label(title_of(c.id.as_str()));
                                    ui.monospace(&c.period);
                                    ui.label(format!("{} to {}", c.old, c.new));
                                    ui.end_row();
                                }
                                for e in plan.unchanged.iter().take(MAX_LISTED) {
                                    ui.weak("unchanged");
                                    ui.label(title_of(e.id.as_str()));
                                    ui.monospace(&e.period);
                                    ui.weak(format!("{}", e.value));
                                    ui.end_row();
                                }
                            });
                        if !plan.values.is_empty() {
                            ui.add_space(4.0);
                            ui.label(RichText::new("Current values").strong());
                            for v in plan.values.iter().take(MAX_LISTED) {
                                let old = v.old.map_or("none".to_owned(), |o| format!("{o}"));
                                ui.label(format!(
                                    "{}: {old} to {} (from {})",
                                    title_of(v.id.as_str()),
                                    v.new,
                                    v.period
                                ));
                            }
                        }
                    });
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    let can = plan.changes_anything();
                    if ui
                        .add_enabled(can, egui::Button::new(RichText::new("Import").strong()))
                        .on_hover_text("Apply these changes as one undo step")
                        .on_disabled_hover_text("Every value is already in the map")
                        .clicked()
                    {
                        cx.commands.send(UiCommand::ApplyImport);
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
        }
    });
    if close {
        *preview = None;
    }
}

impl FulcrumApp {
    /// File → Import values…: asks for a CSV (native dialog or the in-app path field).
    pub(crate) fn ask_import_values(&mut self) {
        self.commit_title_edit();
        if self.shell.options.native_dialogs {
            let picked = rfd::FileDialog::new()
                .add_filter("Values (CSV)", &["csv", "txt"])
                .pick_file();
            if let Some(path) = picked {
                self.preview_import(&path);
            }
        } else {
            let dir = self.dialog_dir();
            self.shell
                .dialogs
                .ask_path(super::dialogs::PathPurpose::ImportValues, dir);
        }
    }

    /// Reads and checks the CSV at `path` and shows what importing it would do.
    pub fn preview_import(&mut self, path: &Path) {
        self.shell.import = Some(preview(path, self.session.map()));
    }

    /// "Import" in the preview: one undo step.
    pub(crate) fn apply_import(&mut self) {
        let Some(preview) = self.shell.import.take() else {
            return;
        };
        if let Ok(plan) = preview.outcome
            && self.apply(plan.command)
        {
            let n = plan.added.len() + plan.changed.len();
            self.shell
                .dialogs
                .toast(format!("Imported {n} values from {}", preview.file));
        }
    }
}
