//! The status bar (map size, scenario, zoom, problem count) and the problems panel (load
//! warnings and formula problems, each jumping to its node when clicked).
//!
//! Reads the cached figures; changes only view state.

use egui::RichText;

use crate::format::Severity;

use super::FulcrumApp;

impl FulcrumApp {
    /// The bar along the bottom of the window.
    pub(crate) fn status_bar_ui(&mut self, ui: &mut egui::Ui) {
        let issues = self.figures.as_ref().map_or(0, |f| f.issues().len());
        let problems = issues + self.warnings.len();
        let map = self.doc.map();
        let nodes = map.len();
        let trees = map.roots().len();
        let scenarios: Vec<String> = map.scenarios().iter().map(|s| s.name.clone()).collect();
        let zoom = self.canvas.camera.zoom;
        let editing = self.editing.is_some();
        let mut fit = false;
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(map.title()).strong());
                ui.weak(format!(
                    "{nodes} nodes · {trees} {}",
                    if trees == 1 { "tree" } else { "trees" }
                ));
                if editing {
                    ui.separator();
                    ui.label(
                        RichText::new(
                            "Enter keeps the title · Tab keeps it and adds a child · Esc cancels",
                        )
                        .color(self.palette.accent),
                    );
                }
                if !scenarios.is_empty() {
                    ui.separator();
                    let label = ui.label("Scenario");
                    let shown = self
                        .scenario
                        .clone()
                        .unwrap_or_else(|| "Actuals".to_owned());
                    egui::ComboBox::from_id_salt("scenario")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut self.scenario, None, "Actuals");
                            for name in &scenarios {
                                ui.selectable_value(&mut self.scenario, Some(name.clone()), name);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .button(format!("{:.0}%", zoom * 100.0))
                        .on_hover_text("Fit the map to the window (Ctrl+0)")
                        .clicked()
                    {
                        fit = true;
                    }
                    ui.weak("Zoom");
                    ui.separator();
                    let text = match problems {
                        0 => "No problems".to_owned(),
                        1 => "1 problem".to_owned(),
                        n => format!("{n} problems"),
                    };
                    let color = if problems > 0 {
                        self.palette.rag(crate::engine::Rag::Amber)
                    } else {
                        ui.visuals().weak_text_color()
                    };
                    if ui
                        .add(egui::Button::new(RichText::new(text).color(color)).frame(false))
                        .on_hover_text("Show or hide the problems panel")
                        .clicked()
                    {
                        self.problems_open = !self.problems_open;
                    }
                });
            });
        });
        if fit {
            self.canvas.fit_pending = true;
        }
    }

    /// Load warnings and formula problems.
    pub(crate) fn problems_ui(&mut self, ui: &mut egui::Ui) {
        if !self.problems_open {
            return;
        }
        let file = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(|| "map".to_owned(), |n| n.to_string_lossy().into_owned());
        let mut jump = None;
        let mut close = false;
        egui::Panel::bottom("problems")
            .resizable(true)
            .default_size(150.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Problems").strong());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        close = ui.button("Close").clicked();
                    });
                });
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        let issues = self.figures.as_ref().map(|f| f.issues()).unwrap_or(&[]);
                        if let Some(err) = self.figures.as_ref().and_then(|f| f.error.as_ref()) {
                            ui.label(format!("roll-up: {err}"));
                        }
                        if issues.is_empty() && self.warnings.is_empty() {
                            ui.weak(
                                "No problems: every formula computes and the file loaded cleanly.",
                            );
                        }
                        for w in &self.warnings {
                            let kind = if w.severity == Severity::Warning {
                                "warning"
                            } else {
                                "error"
                            };
                            ui.label(format!("{kind}: {}", w.render(&file)));
                        }
                        for issue in issues {
                            let at = issue
                                .offset
                                .map(|o| format!(" (at {o})"))
                                .unwrap_or_default();
                            let text = format!("{}: formula: {}{at}", issue.node, issue.message);
                            if ui.link(text).on_hover_text("Select this node").clicked() {
                                jump = Some(issue.node.clone());
                            }
                        }
                    });
            });
        if close {
            self.problems_open = false;
        }
        if let Some(id) = jump {
            self.unfold_to(id.as_str());
            self.selected = Some(id);
            self.canvas.center_selection = true;
        }
    }
}
