//! The status bar (map size, scenario, zoom, problem count) and the problems panel (load
//! warnings and formula problems, each jumping to its node when clicked).
//!
//! Reads the cached figures; changes only view state.

use egui::RichText;

use crate::format::Severity;

use super::Viewer;
use super::actions::Action;
use super::commands::UiCommand;
use super::view::View;

/// The status bar: the map's title and size, the editing hint, the scenario picker, the
/// problem count and the zoom.
pub(crate) fn status_bar_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View) {
    {
        let issues = cx.derived.figures.issues().len();
        let problems = issues + cx.session.warnings.len();
        let map = cx.session.map();
        let nodes = map.len();
        let trees = map.roots().len();
        let scenarios: Vec<String> = map.scenarios().iter().map(|s| s.name.clone()).collect();
        let zoom = view.canvas.camera.zoom;
        let editing = view.title_edit().is_some();
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
                        .color(cx.palette.accent),
                    );
                }
                ui.separator();
                let label = ui.label("Scenario");
                let shown = view
                    .scenario
                    .clone()
                    .unwrap_or_else(|| "Actuals".to_owned());
                let mut picked = view.scenario.clone();
                egui::ComboBox::from_id_salt("scenario")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut picked, None, "Actuals");
                        for name in &scenarios {
                            ui.selectable_value(&mut picked, Some(name.clone()), name);
                        }
                        ui.separator();
                        if ui.selectable_label(false, "Manage scenarios…").clicked() {
                            cx.commands.send(UiCommand::Run(Action::ToggleScenarios));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if picked != view.scenario {
                    cx.commands.send(UiCommand::SetScenario(picked));
                }
                let periods = cx.derived.figures.periods(map);
                if !periods.is_empty() {
                    let label = ui.label("Period");
                    let shown = view.period.clone().unwrap_or_else(|| "Current".to_owned());
                    let mut picked = view.period.clone();
                    egui::ComboBox::from_id_salt("period")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut picked, None, "Current");
                            for p in periods.iter().rev() {
                                ui.selectable_value(&mut picked, Some(p.clone()), p);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    if picked != view.period {
                        cx.commands.send(UiCommand::SetPeriod(picked));
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .button(format!("{:.0}%", zoom * 100.0))
                        .on_hover_text("Fit the map to the window (Ctrl+0)")
                        .clicked()
                    {
                        cx.commands.send(UiCommand::Fit);
                    }
                    ui.weak("Zoom");
                    ui.separator();
                    let text = match problems {
                        0 => "No problems".to_owned(),
                        1 => "1 problem".to_owned(),
                        n => format!("{n} problems"),
                    };
                    let color = if problems > 0 {
                        cx.palette.rag(crate::engine::Rag::Amber)
                    } else {
                        ui.visuals().weak_text_color()
                    };
                    if ui
                        .add(egui::Button::new(RichText::new(text).color(color)).frame(false))
                        .on_hover_text("Show or hide the problems panel")
                        .clicked()
                    {
                        cx.commands.send(UiCommand::Run(Action::ToggleProblems));
                    }
                });
            });
        });
    }
}

/// The problems panel: load warnings and formula problems, each formula problem a link to
/// its node.
pub(crate) fn problems_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View) {
    if !view.panels.problems {
        return;
    }
    {
        let file = cx.session.file_label();
        let figures = &cx.derived.figures;
        let warnings = &cx.session.warnings;
        egui::Panel::bottom("problems")
            .resizable(true)
            .default_size(150.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Problems").strong());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.button("Close").clicked() {
                            cx.commands.send(UiCommand::Run(Action::ToggleProblems));
                        }
                    });
                });
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        let issues = figures.issues();
                        if let Some(err) = figures.error.as_ref() {
                            ui.label(format!("roll-up: {err}"));
                        }
                        if issues.is_empty() && warnings.is_empty() {
                            ui.weak(
                                "No problems: every formula computes and the file loaded cleanly.",
                            );
                        }
                        for w in warnings {
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
                                cx.commands
                                    .send(UiCommand::SelectAndCenter(issue.node.clone()));
                            }
                        }
                    });
            });
    }
}
