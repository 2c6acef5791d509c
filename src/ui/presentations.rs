//! The presentations panel (View → Presentations…, Ctrl+Shift+P): the map's named
//! presentations; the chosen one's steps, each a node with an optional scenario and period;
//! "Add this view as a step" (Ctrl+Shift+A: the selected card, the scenario and the period
//! on screen); reorder steps (buttons, dragging a step onto another, or Alt+Up/Down on a
//! focused step), remove one (Delete), rename or delete the presentation, and "Present"
//! (Shift+F5). Every change is one `Command`, so one undo step; the panel only reads the map
//! and sends commands.

use egui::{Align2, Id, Key, Modifiers, RichText};

use crate::edit::Command;
use crate::model::{Map, Presentation, PresentationStep};

use super::actions::Action;
use super::commands::UiCommand;
use super::view::View;
use super::{FulcrumApp, Viewer};

/// The panel's own state: which presentation and step are chosen, the name being typed.
#[derive(Default)]
pub(crate) struct PresentationsPanel {
    /// The presentation whose steps are shown (and which "Add this view" and Shift+F5 use).
    pub chosen: Option<String>,
    /// The step chosen in the list.
    pub step: Option<usize>,
    /// The name being typed for the chosen presentation.
    rename: Option<String>,
    /// A step row to give the keyboard to on the next frame (after a move by keys).
    focus_step: Option<usize>,
}

impl PresentationsPanel {
    /// Drops a choice that points at a presentation or a step that is gone.
    pub fn settle(&mut self, map: &Map) {
        let chosen = self.chosen.as_deref().and_then(|n| map.presentation(n));
        match chosen {
            None => {
                self.chosen = map.presentations().first().map(|p| p.name.clone());
                self.step = None;
                self.rename = None;
            }
            Some(p) => {
                if self.step.is_some_and(|k| k >= p.steps.len()) {
                    self.step = p.steps.len().checked_sub(1);
                }
            }
        }
    }
}

/// A name no presentation has: `base`, `base 2`, …
pub(crate) fn free_name(map: &Map, base: &str) -> String {
    if map.presentation(base).is_none() {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base} {n}"))
        .find(|n| map.presentation(n).is_none())
        .unwrap_or_else(|| base.to_owned())
}

/// What a step says in the list: the node's title (or that it is gone), then its scenario
/// and period.
fn step_label(map: &Map, step: &PresentationStep) -> String {
    let mut text = match map.node(step.node.as_str()) {
        Some(node) => node.title.clone(),
        None => format!("`{}` (deleted; skipped)", step.node),
    };
    if let Some(s) = &step.scenario {
        text.push_str(&format!(" · {s}"));
    }
    if let Some(p) = &step.period {
        text.push_str(&format!(" · {p}"));
    }
    text
}

/// The panel, while open.
pub(crate) fn presentations_ui(ctx: &egui::Context, cx: &Viewer<'_>, view: &mut View) {
    let mut open = view.panels.presentations;
    let map = cx.session.map();
    view.presentations.settle(map);
    let send = |c: Command| cx.commands.send(UiCommand::Edit(c));
    let selected = view.selection.is_some();
    egui::Window::new("Presentations")
        .id(Id::unique("fulcrum_presentations"))
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(520.0)
        .anchor(Align2::RIGHT_TOP, [-16.0, 48.0])
        .show(ctx, |ui| {
            let panel = &mut view.presentations;
            ui.horizontal_wrapped(|ui| {
                for p in map.presentations() {
                    let chosen = panel.chosen.as_deref() == Some(p.name.as_str());
                    if ui.selectable_label(chosen, &p.name).clicked() && !chosen {
                        panel.chosen = Some(p.name.clone());
                        panel.step = None;
                        panel.rename = None;
                    }
                }
                if ui.button("New presentation").clicked() {
                    let name = free_name(map, "Presentation");
                    panel.chosen = Some(name.clone());
                    panel.step = None;
                    panel.rename = None;
                    send(Command::AddPresentation {
                        index: map.presentations().len(),
                        presentation: Presentation {
                            name,
                            steps: Vec::new(),
                        },
                    });
                }
            });
            ui.separator();
            let Some(p) = panel.chosen.as_deref().and_then(|n| map.presentation(n)) else {
                ui.weak(
                    "No presentations yet. Select a card, pick a scenario or period in the \
                     status bar, then \"Add this view as a step\".",
                );
                add_view_button_ui(ui, cx, selected);
                return;
            };
            ui.horizontal(|ui| {
                ui.label("Name");
                let draft = panel.rename.get_or_insert_with(|| p.name.clone());
                let r = ui
                    .add(egui::TextEdit::singleline(draft).desired_width(200.0))
                    .accessible_name("presentation name");
                let typed = draft.trim().to_owned();
                let clash = typed != p.name && map.presentation(&typed).is_some();
                if clash {
                    ui.colored_label(cx.palette.danger, "name taken");
                } else if typed.is_empty() {
                    ui.colored_label(cx.palette.danger, "needs a name");
                }
                if r.lost_focus() {
                    if !typed.is_empty() && typed != p.name && !clash {
                        panel.chosen = Some(typed.clone());
                        send(Command::RenamePresentation {
                            from: p.name.clone(),
                            to: typed,
                        });
                    }
                    panel.rename = None;
                }
                if ui
                    .add_enabled(!p.steps.is_empty(), egui::Button::new("Present"))
                    .on_hover_text(Action::PresentNamed.tooltip())
                    .clicked()
                {
                    cx.commands.send(UiCommand::Run(Action::PresentNamed));
                }
                if ui.button("Delete presentation").clicked() {
                    send(Command::RemovePresentation {
                        name: p.name.clone(),
                    });
                }
            });
            ui.separator();
            steps_ui(ui, cx, panel, p);
            ui.separator();
            add_view_button_ui(ui, cx, selected);
        });
    view.panels.presentations = open;
}

/// "Add this view as a step", enabled while a card is selected.
fn add_view_button_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, enabled: bool) {
    if ui
        .add_enabled(
            enabled,
            egui::Button::new(Action::AddPresentationStep.label()),
        )
        .on_hover_text(Action::AddPresentationStep.tooltip())
        .clicked()
    {
        cx.commands
            .send(UiCommand::Run(Action::AddPresentationStep));
    }
}

/// The steps of the chosen presentation: one row each with its scenario and period pickers,
/// up/down and remove.
fn steps_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, panel: &mut PresentationsPanel, p: &Presentation) {
    let map = cx.session.map();
    if p.steps.is_empty() {
        ui.weak("No steps yet.");
        return;
    }
    let periods = cx.derived.figures.periods(map);
    let send = |c: Command| cx.commands.send(UiCommand::Edit(c));
    let set = |index: usize, step: PresentationStep| {
        send(Command::SetStep {
            presentation: p.name.clone(),
            index,
            step,
        });
    };
    let move_step = |from: usize, to: usize| {
        send(Command::MoveStep {
            presentation: p.name.clone(),
            from,
            to,
        });
    };
    let last = p.steps.len() - 1;
    let focus_step = panel.focus_step.take();
    egui::Grid::new("presentation_steps")
        .num_columns(5)
        .striped(true)
        .show(ui, |ui| {
            for (k, step) in p.steps.iter().enumerate() {
                let chosen = panel.step == Some(k);
                // Each row can be dragged onto another to move the step there; a click
                // (no movement) still chooses it.
                let r = ui
                    .selectable_label(chosen, format!("{}. {}", k + 1, step_label(map, step)))
                    .interact(egui::Sense::drag())
                    .on_hover_text(
                        "Drag onto another step to move it; Alt+Up / Alt+Down move it, Delete removes it",
                    );
                if r.drag_started() {
                    egui::DragAndDrop::set_payload(ui.ctx(), k);
                }
                if r.dragged() {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
                }
                if let Some(from) = r.dnd_hover_payload::<usize>()
                    && *from != k
                {
                    ui.painter().rect_stroke(
                        r.rect,
                        2.0,
                        egui::Stroke::new(2.0, cx.palette.accent),
                        egui::StrokeKind::Outside,
                    );
                }
                if let Some(from) = r.dnd_release_payload::<usize>().map(|from| *from)
                    && from != k
                    && from <= last
                {
                    move_step(from, k);
                    panel.step = Some(k);
                }
                if focus_step == Some(k) {
                    r.request_focus();
                }
                if r.clicked() {
                    // The clicked step takes the keyboard: Alt+Up/Down, Delete, Ctrl+Z.
                    panel.step = Some(k);
                    r.request_focus();
                }
                if r.double_clicked() && map.contains(step.node.as_str()) {
                    cx.commands
                        .send(UiCommand::SelectAndCenter(step.node.clone()));
                }
                if r.has_focus() {
                    panel.step = Some(k);
                    let (up, down, delete) = ui.input_mut(|i| {
                        (
                            i.consume_key(Modifiers::ALT, Key::ArrowUp),
                            i.consume_key(Modifiers::ALT, Key::ArrowDown),
                            i.consume_key(Modifiers::NONE, Key::Delete),
                        )
                    });
                    // A step row is no text field: undo and redo are the map's, as on the
                    // canvas.
                    let (redo, undo) = ui.input_mut(|i| {
                        let shift_cmd = Modifiers::COMMAND | Modifiers::SHIFT;
                        let redo = i.consume_key(shift_cmd, Key::Z)
                            || i.consume_key(Modifiers::COMMAND, Key::Y);
                        (redo, i.consume_key(Modifiers::COMMAND, Key::Z))
                    });
                    if undo {
                        cx.commands.send(UiCommand::Run(Action::Undo));
                    } else if redo {
                        cx.commands.send(UiCommand::Run(Action::Redo));
                    }
                    if up && k > 0 {
                        move_step(k, k - 1);
                        panel.step = Some(k - 1);
                        panel.focus_step = Some(k - 1);
                    } else if down && k < last {
                        move_step(k, k + 1);
                        panel.step = Some(k + 1);
                        panel.focus_step = Some(k + 1);
                    } else if delete {
                        send(Command::RemoveStep {
                            presentation: p.name.clone(),
                            index: k,
                        });
                    }
                }
                let scenario_text = step.scenario.clone().unwrap_or_else(|| "as shown".into());
                egui::ComboBox::from_id_salt(("step_scenario", k))
                    .selected_text(scenario_text)
                    .width(120.0)
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(step.scenario.is_none(), "as shown")
                            .clicked()
                            && step.scenario.is_some()
                        {
                            set(
                                k,
                                PresentationStep {
                                    scenario: None,
                                    ..step.clone()
                                },
                            );
                        }
                        for s in map.scenarios() {
                            let on = step.scenario.as_deref() == Some(s.name.as_str());
                            if ui.selectable_label(on, &s.name).clicked() && !on {
                                set(
                                    k,
                                    PresentationStep {
                                        scenario: Some(s.name.clone()),
                                        ..step.clone()
                                    },
                                );
                            }
                        }
                    })
                    .response
                    .accessible_name(format!("scenario of step {}", k + 1));
                let period_text = step.period.clone().unwrap_or_else(|| "as shown".into());
                egui::ComboBox::from_id_salt(("step_period", k))
                    .selected_text(period_text)
                    .width(100.0)
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(step.period.is_none(), "as shown")
                            .clicked()
                            && step.period.is_some()
                        {
                            set(
                                k,
                                PresentationStep {
                                    period: None,
                                    ..step.clone()
                                },
                            );
                        }
                        for period in periods.iter().rev() {
                            let on = step.period.as_deref() == Some(period.as_str());
                            if ui.selectable_label(on, period).clicked() && !on {
                                set(
                                    k,
                                    PresentationStep {
                                        period: Some(period.clone()),
                                        ..step.clone()
                                    },
                                );
                            }
                        }
                    })
                    .response
                    .accessible_name(format!("period of step {}", k + 1));
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(k > 0, egui::Button::new("Move up").small())
                        .on_hover_text("Move the step earlier (Alt+Up)")
                        .clicked()
                    {
                        move_step(k, k - 1);
                        panel.step = Some(k - 1);
                    }
                    if ui
                        .add_enabled(k < last, egui::Button::new("Move down").small())
                        .on_hover_text("Move the step later (Alt+Down)")
                        .clicked()
                    {
                        move_step(k, k + 1);
                        panel.step = Some(k + 1);
                    }
                    if ui
                        .small_button("Remove")
                        .on_hover_text("Remove the step (Delete)")
                        .clicked()
                    {
                        send(Command::RemoveStep {
                            presentation: p.name.clone(),
                            index: k,
                        });
                    }
                });
                ui.end_row();
            }
        });
    ui.label(
        RichText::new("A step shows its card and the cards under it; \"as shown\" keeps the scenario or period on screen when the presentation starts.")
            .weak()
            .small(),
    );
}

impl FulcrumApp {
    /// "Add this view as a step": the selected card with the scenario and period on
    /// screen, after the chosen step (or at the end) of the chosen presentation — a new
    /// presentation when there is none. One undo step.
    pub(crate) fn add_view_as_step(&mut self) {
        let Some(node) = self.view.selection.clone() else {
            self.shell
                .dialogs
                .toast("Select a card to add it as a step".to_owned());
            return;
        };
        let step = PresentationStep {
            node,
            scenario: self.view.scenario.clone(),
            period: self.view.period.clone(),
        };
        let map = self.session.map();
        self.view.presentations.settle(map);
        let chosen = self
            .view
            .presentations
            .chosen
            .as_deref()
            .and_then(|n| map.presentation(n));
        let (name, index, command) = match chosen {
            Some(p) => {
                let index = self
                    .view
                    .presentations
                    .step
                    .map_or(p.steps.len(), |k| k + 1);
                let command = Command::AddStep {
                    presentation: p.name.clone(),
                    index,
                    step,
                };
                (p.name.clone(), index, command)
            }
            None => {
                let name = free_name(map, "Presentation");
                let command = Command::AddPresentation {
                    index: map.presentations().len(),
                    presentation: Presentation {
                        name: name.clone(),
                        steps: vec![step],
                    },
                };
                (name, 0, command)
            }
        };
        if self.apply(command) {
            let count = self
                .session
                .map()
                .presentation(&name)
                .map_or(0, |p| p.steps.len());
            self.view.presentations.chosen = Some(name.clone());
            self.view.presentations.step = Some(index);
            self.view.panels.presentations = true;
            self.shell
                .dialogs
                .toast(format!("Added step {} of {count} to \"{name}\"", index + 1));
        }
    }
}
