//! The scenario manager (View → Scenarios…): add, rename, duplicate and delete scenarios,
//! and edit a scenario's overrides as a table. Every change is one `Command` (one undo
//! step); renaming keeps the scenario shown if it was.

use std::collections::HashMap;

use egui::{Align2, Id, RichText};

use crate::edit::Command;
use crate::look::{Width, editable_number, format_value, parse_number};
use crate::model::{NodeId, NodeKind, Scenario};

use super::commands::UiCommand;
use super::view::View;
use super::{FulcrumApp, Viewer};

/// What the manager is editing.
#[derive(Default)]
pub(crate) struct ScenarioManager {
    /// The scenario whose overrides are shown.
    pub open: Option<String>,
    /// Names being typed, by scenario.
    renames: HashMap<String, String>,
    /// Override values being typed, by metric.
    values: HashMap<NodeId, String>,
    /// The metric chosen for a new override, and its value being typed.
    new_metric: Option<NodeId>,
    new_value: String,
}

/// A name not used by any scenario: `base`, `base 2`, …
fn free_name(names: &[&str], base: &str) -> String {
    if !names.contains(&base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base} {n}"))
        .find(|n| !names.contains(&n.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

/// The manager window, while open.
pub(crate) fn scenarios_ui(ctx: &egui::Context, cx: &Viewer<'_>, view: &mut View) {
    let mut open = view.panels.scenarios;
    let map = cx.session.map();
    let scenarios = map.scenarios();
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let manager = &mut view.scenario_manager;
    if manager
        .open
        .as_ref()
        .is_none_or(|n| map.scenario(n).is_none())
    {
        manager.open = scenarios.first().map(|s| s.name.clone());
    }
    egui::Window::new("Scenarios")
        .id(Id::unique("fulcrum_scenarios"))
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(560.0)
        .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.button("New scenario").clicked() {
                    let scenario = Scenario {
                        name: free_name(&names, "Scenario"),
                        overrides: Default::default(),
                    };
                    manager.open = Some(scenario.name.clone());
                    cx.commands.send(UiCommand::Edit(Command::AddScenario {
                        index: scenarios.len(),
                        scenario,
                    }));
                }
                ui.weak("A scenario overrides metric values without touching the actuals.");
            });
            ui.separator();
            if scenarios.is_empty() {
                ui.weak("No scenarios yet. Make one here, or try values in the leverage panel (Ctrl+L) and save them as a scenario.");
            }
            for (index, s) in scenarios.iter().enumerate() {
                ui.horizontal(|ui| {
                    let shown = view.scenario.as_deref() == Some(s.name.as_str());
                    let draft = manager
                        .renames
                        .entry(s.name.clone())
                        .or_insert_with(|| s.name.clone());
                    let r = ui
                        .add(egui::TextEdit::singleline(draft).desired_width(180.0))
                        .accessible_name(format!("name of {}", s.name));
                    let typed = draft.trim().to_owned();
                    let clash = typed != s.name && names.contains(&typed.as_str());
                    if r.lost_focus() {
                        if !typed.is_empty() && typed != s.name && !clash {
                            cx.commands
                                .send(UiCommand::RenameScenario(s.name.clone(), typed));
                        }
                        manager.renames.remove(&s.name);
                    }
                    if clash {
                        ui.colored_label(cx.palette.danger, "name taken");
                    }
                    let overrides = s.overrides.len();
                    if ui
                        .selectable_label(manager.open.as_deref() == Some(s.name.as_str()), format!("{overrides} overrides"))
                        .clicked()
                    {
                        manager.open = Some(s.name.clone());
                    }
                    if ui
                        .add_enabled(!shown, egui::Button::new(if shown { "Shown" } else { "Show" }))
                        .clicked()
                    {
                        cx.commands.send(UiCommand::SetScenario(Some(s.name.clone())));
                    }
                    if ui.button("Duplicate").clicked() {
                        let copy = Scenario {
                            name: free_name(&names, &format!("{} copy", s.name)),
                            overrides: s.overrides.clone(),
                        };
                        cx.commands.send(UiCommand::Edit(Command::AddScenario {
                            index: index + 1,
                            scenario: copy,
                        }));
                    }
                    if ui.button("Delete").clicked() {
                        cx.commands.send(UiCommand::Edit(Command::RemoveScenario {
                            name: s.name.clone(),
                        }));
                    }
                });
            }
            let Some(current) = manager.open.as_deref().and_then(|n| map.scenario(n)) else {
                return;
            };
            ui.separator();
            ui.label(RichText::new(format!("Overrides of {}", current.name)).strong());
            let set = |overrides: std::collections::BTreeMap<NodeId, f64>| {
                cx.commands.send(UiCommand::Edit(Command::SetScenario(Scenario {
                    name: current.name.clone(),
                    overrides,
                })));
            };
            egui::Grid::new("overrides")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    for (id, value) in &current.overrides {
                        let node = map.node(id.as_str());
                        ui.label(node.map_or(id.as_str(), |n| n.title.as_str()));
                        ui.monospace(id.as_str());
                        let draft = manager
                            .values
                            .entry(id.clone())
                            .or_insert_with(|| editable_number(*value));
                        let r = ui
                            .add(egui::TextEdit::singleline(draft).desired_width(110.0))
                            .accessible_name(format!("override of {id}"));
                        if r.lost_focus() {
                            if let Some(v) = parse_number(draft)
                                && v != *value
                            {
                                let mut overrides = current.overrides.clone();
                                overrides.insert(id.clone(), v);
                                set(overrides);
                            }
                            manager.values.remove(id);
                        }
                        if ui.small_button("Remove").clicked() {
                            let mut overrides = current.overrides.clone();
                            overrides.remove(id);
                            set(overrides);
                        }
                        ui.end_row();
                    }
                });
            ui.horizontal(|ui| {
                let chosen = manager.new_metric.as_ref().and_then(|id| map.node(id.as_str()));
                let label = chosen.map_or("metric…".to_owned(), |n| n.title.clone());
                egui::ComboBox::from_id_salt("new_override")
                    .selected_text(label)
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        for (id, node) in map.iter() {
                            let lever = node.formula.is_none() || node.controllable;
                            if node.kind == NodeKind::Metric
                                && lever
                                && !current.overrides.contains_key(id)
                                && ui.selectable_label(false, &node.title).clicked()
                            {
                                manager.new_metric = Some(id.clone());
                                manager.new_value = node
                                    .value
                                    .map(editable_number)
                                    .unwrap_or_default();
                            }
                        }
                    })
                    .response
                    .accessible_name("metric to override");
                ui.add(egui::TextEdit::singleline(&mut manager.new_value).desired_width(110.0))
                    .accessible_name("new override value");
                let value = parse_number(&manager.new_value);
                if ui
                    .add_enabled(
                        manager.new_metric.is_some() && value.is_some(),
                        egui::Button::new("Add override"),
                    )
                    .clicked()
                    && let (Some(id), Some(v)) = (manager.new_metric.take(), value)
                {
                    let mut overrides = current.overrides.clone();
                    overrides.insert(id, v);
                    set(overrides);
                    manager.new_value.clear();
                }
                if let Some(node) = chosen
                    && let Some(v) = node.value
                {
                    ui.weak(format!(
                        "actual {}",
                        format_value(v, node.display.unwrap_or_default(), node.unit.as_deref(), Width::Full)
                    ));
                }
            });
        });
    view.panels.scenarios = open;
}

impl FulcrumApp {
    /// Renames a scenario (one undo step), keeping it shown if it was; presentation steps
    /// shown under it follow the new name.
    pub(crate) fn rename_scenario(&mut self, old: String, new: String) {
        if self.session.map().scenario(&old).is_none() {
            return;
        }
        let command = Command::RenameScenario {
            from: old.clone(),
            to: new.clone(),
        };
        if self.apply(command) {
            if self.view.scenario.as_deref() == Some(old.as_str()) {
                self.view.scenario = Some(new.clone());
            }
            if self.view.scenario_manager.open.as_deref() == Some(old.as_str()) {
                self.view.scenario_manager.open = Some(new);
            }
        }
    }
}
