//! Prompts and messages: save/discard/cancel before losing work, the in-app path field
//! (when there is no native file dialog), load and save errors with every problem and its
//! place, the crash-recovery offer, short toasts and the F1 shortcut overlay.
//!
//! Dialogs hold what they ask about; the decisions are carried out by the file and edit
//! methods of the app. Nothing here touches the disk.

use std::path::{Path, PathBuf};

use egui::{Align2, Id, Key, Modifiers, RichText};

use crate::format::{FormatError, Problem};

use super::FulcrumApp;
use super::actions::{Action, Menu};
use super::files::{Pending, Recovery, with_ron_extension};

/// Seconds a toast stays up.
const TOAST_SECS: f64 = 3.5;

/// What the in-app path field is for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PathPurpose {
    /// Open the file typed.
    Open,
    /// Save to the file typed, then do the pending step, if any.
    SaveAs(Option<Pending>),
}

/// The in-app path field.
pub(crate) struct PathPrompt {
    purpose: PathPurpose,
    text: String,
    error: Option<String>,
    wants_focus: bool,
}

/// Problems to show after a failed load or save.
pub(crate) struct Report {
    title: String,
    file: String,
    problems: Vec<Problem>,
    footer: &'static str,
}

impl Report {
    /// A file that would not open.
    pub fn load(path: &Path, err: &FormatError) -> Self {
        let file = display_name(path);
        Self {
            title: format!("Couldn't open {file}"),
            file,
            problems: err.problems(),
            footer: "The map that was open has not changed.",
        }
    }

    /// A save that failed.
    pub fn save(path: &Path, err: &FormatError) -> Self {
        let file = display_name(path);
        Self {
            title: format!("Couldn't save {file}"),
            file,
            problems: err.problems(),
            footer: "Nothing was written; the file on disk is as it was.",
        }
    }
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Open prompts and messages.
#[derive(Default)]
pub(crate) struct Dialogs {
    /// Asking whether to save before `Pending` happens.
    pub unsaved: Option<Pending>,
    /// The in-app path field.
    pub path: Option<PathPrompt>,
    /// Load or save problems.
    pub report: Option<Report>,
    /// Unsaved work from a crashed session.
    pub recovery: Option<Recovery>,
    toasts: Vec<(String, Option<f64>)>,
}

impl Dialogs {
    /// Whether a prompt that blocks the canvas is up.
    pub fn is_modal_open(&self) -> bool {
        self.unsaved.is_some()
            || self.path.is_some()
            || self.report.is_some()
            || self.recovery.is_some()
    }

    /// Shows a short message at the bottom of the window.
    pub fn toast(&mut self, text: String) {
        self.toasts.push((text, None));
        if self.toasts.len() > 4 {
            self.toasts.remove(0);
        }
    }

    /// The messages shown now (for tests).
    pub fn toasts(&self) -> impl Iterator<Item = &str> {
        self.toasts.iter().map(|(t, _)| t.as_str())
    }

    /// Opens the in-app path field.
    pub fn ask_path(&mut self, purpose: PathPurpose, dir: PathBuf) {
        let name = if purpose == PathPurpose::Open {
            ""
        } else {
            "map.ron"
        };
        let text = if dir.as_os_str().is_empty() {
            name.to_owned()
        } else {
            dir.join(name).display().to_string()
        };
        self.path = Some(PathPrompt {
            purpose,
            text,
            error: None,
            wants_focus: true,
        });
    }
}

impl FulcrumApp {
    /// The messages currently shown as toasts.
    pub fn toasts(&self) -> Vec<String> {
        self.dialogs.toasts().map(str::to_owned).collect()
    }

    /// Every prompt, message and overlay of this frame.
    pub(crate) fn dialogs_ui(&mut self, ctx: &egui::Context) {
        self.recovery_ui(ctx);
        self.unsaved_ui(ctx);
        self.path_prompt_ui(ctx);
        self.report_ui(ctx);
        self.help_ui(ctx);
        self.toasts_ui(ctx);
        self.drop_hint_ui(ctx);
    }

    /// While a file is dragged over the window: how to open it.
    fn drop_hint_ui(&self, ctx: &egui::Context) {
        if ctx.input(|i| i.raw.hovered_files.is_empty()) {
            return;
        }
        let screen = ctx.content_rect();
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            Id::unique("fulcrum_drop_hint"),
        ));
        painter.rect_filled(screen, 0.0, self.palette.accent.gamma_multiply(0.15));
        painter.rect_stroke(
            screen.shrink(12.0),
            12.0,
            egui::Stroke::new(3.0, self.palette.accent),
            egui::StrokeKind::Inside,
        );
        painter.text(
            screen.center(),
            Align2::CENTER_CENTER,
            "Drop a Fulcrum map (.ron) to open it",
            egui::FontId::proportional(24.0),
            self.palette.accent,
        );
    }

    fn recovery_ui(&mut self, ctx: &egui::Context) {
        let Some(recovery) = self.dialogs.recovery.clone() else {
            return;
        };
        let mut choice = None;
        egui::Modal::new(Id::unique("fulcrum_recovery")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Restore unsaved work?");
            let what = match &recovery.original {
                Some(p) => format!("changes to {}", display_name(p)),
                None => "an untitled map".to_owned(),
            };
            ui.label(format!(
                "Fulcrum found unsaved work ({what}) from a session that ended unexpectedly."
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Restore").strong()).clicked() {
                    choice = Some(true);
                }
                if ui.button("Discard").clicked() {
                    choice = Some(false);
                }
            });
        });
        match choice {
            Some(true) => {
                self.dialogs.recovery = None;
                self.restore(&recovery);
            }
            Some(false) => {
                self.dialogs.recovery = None;
                self.discard_found_recovery(&recovery);
            }
            None => {}
        }
    }

    fn unsaved_ui(&mut self, ctx: &egui::Context) {
        let Some(pending) = self.dialogs.unsaved.clone() else {
            return;
        };
        let name = self.document_name();
        let mut choice = None;
        let response = egui::Modal::new(Id::unique("fulcrum_unsaved")).show(ctx, |ui| {
            ui.set_max_width(440.0);
            ui.heading(format!("Save changes to {name}?"));
            ui.label("Your changes will be lost if you don't save them.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Save").strong()).clicked() {
                    choice = Some(0);
                }
                if ui.button("Discard").clicked() {
                    choice = Some(1);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(2);
                }
            });
        });
        if response.should_close() && choice.is_none() {
            choice = Some(2);
        }
        let Some(choice) = choice else {
            return;
        };
        self.dialogs.unsaved = None;
        match choice {
            0 => {
                if self.path.is_some() {
                    if self.save() {
                        self.perform(pending);
                    }
                } else {
                    self.save_as_dialog(Some(pending));
                }
            }
            1 => {
                self.recovered = false;
                self.perform(pending);
            }
            _ => {}
        }
    }

    fn path_prompt_ui(&mut self, ctx: &egui::Context) {
        let Some(prompt) = self.dialogs.path.as_mut() else {
            return;
        };
        let (title, verb) = match prompt.purpose {
            PathPurpose::Open => ("Open map", "Open"),
            PathPurpose::SaveAs(_) => ("Save map as", "Save"),
        };
        let mut confirm = false;
        let mut cancel = false;
        egui::Modal::new(Id::unique("fulcrum_path_prompt")).show(ctx, |ui| {
            ui.set_min_width(520.0);
            ui.heading(title);
            ui.label("No file dialog is available here; type the file's path.");
            ui.add_space(4.0);
            let field_id = Id::unique("fulcrum_path_field");
            if ui.memory(|m| m.has_focus(field_id)) {
                confirm |= ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter));
                cancel |= ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape));
            }
            ui.horizontal(|ui| {
                let label = ui.label("Path");
                let response = ui
                    .add(
                        egui::TextEdit::singleline(&mut prompt.text)
                            .event_filter(egui::EventFilter {
                                escape: true,
                                horizontal_arrows: true,
                                vertical_arrows: true,
                                tab: false,
                            })
                            .id(field_id)
                            .desired_width(440.0),
                    )
                    .labelled_by(label.id);
                if prompt.wants_focus {
                    response.request_focus();
                    prompt.wants_focus = false;
                }
            });
            if let Some(err) = &prompt.error {
                ui.colored_label(ui.visuals().error_fg_color, err);
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                confirm |= ui.button(RichText::new(verb).strong()).clicked();
                cancel |= ui.button("Cancel").clicked();
            });
        });
        if cancel {
            self.dialogs.path = None;
        } else if confirm {
            self.confirm_path();
        }
    }

    fn confirm_path(&mut self) {
        let Some(prompt) = self.dialogs.path.as_mut() else {
            return;
        };
        let typed = prompt.text.trim();
        if typed.is_empty() {
            prompt.error = Some("Type a path first.".to_owned());
            return;
        }
        let path = PathBuf::from(typed);
        match prompt.purpose.clone() {
            PathPurpose::Open => {
                if !path.is_file() {
                    prompt.error = Some(format!("There is no file at {}.", path.display()));
                    return;
                }
                self.dialogs.path = None;
                self.open_path(&path);
            }
            PathPurpose::SaveAs(then) => {
                let path = with_ron_extension(path);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    prompt.error = Some(format!("The folder {} does not exist.", dir.display()));
                    return;
                }
                self.dialogs.path = None;
                if self.save_to(&path)
                    && let Some(next) = then
                {
                    self.perform(next);
                }
            }
        }
    }

    fn report_ui(&mut self, ctx: &egui::Context) {
        let Some(report) = &self.dialogs.report else {
            return;
        };
        let mut close = false;
        egui::Modal::new(Id::unique("fulcrum_report")).show(ctx, |ui| {
            ui.set_min_width(560.0);
            ui.set_max_width(760.0);
            ui.heading(&report.title);
            let count = report.problems.len();
            ui.label(if count == 1 {
                "1 problem:".to_owned()
            } else {
                format!("{count} problems:")
            });
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    egui::Grid::new("problems")
                        .striped(true)
                        .num_columns(2)
                        .show(ui, |ui| {
                            for p in &report.problems {
                                let place = match (p.line, p.col) {
                                    (Some(l), Some(c)) => format!("{l}:{c}"),
                                    (Some(l), None) => format!("{l}"),
                                    _ => String::new(),
                                };
                                ui.monospace(place);
                                ui.add(egui::Label::new(&p.message).wrap());
                                ui.end_row();
                            }
                        });
                });
            ui.add_space(4.0);
            ui.weak(report.footer);
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("OK").strong()).clicked() {
                    close = true;
                }
                if ui.button("Copy problems").clicked() {
                    let text: Vec<String> = report
                        .problems
                        .iter()
                        .map(|p| p.render(&report.file))
                        .collect();
                    ui.ctx().copy_text(text.join("\n"));
                }
            });
            close |= ui.input_mut(|i| {
                i.consume_key(Modifiers::NONE, Key::Escape)
                    || i.consume_key(Modifiers::NONE, Key::Enter)
            });
        });
        if close {
            self.dialogs.report = None;
        }
    }

    fn help_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.help_open;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .min_width(820.0)
            .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().max_height(560.0).show(ui, |ui| {
                    for menu in Menu::ALL {
                        ui.label(RichText::new(menu.label()).strong());
                        egui::Grid::new(("help", menu.label())).num_columns(3).striped(true).show(ui, |ui| {
                            for (m, action) in Action::table() {
                                let Some(action) = action.filter(|_| m == menu) else {
                                    continue;
                                };
                                let keys: Vec<String> =
                                    action.shortcuts().iter().map(super::actions::shortcut_text).collect();
                                ui.label(action.label());
                                ui.monospace(keys.join("  "));
                                ui.weak(action.tooltip());
                                ui.end_row();
                            }
                        });
                        ui.add_space(6.0);
                    }
                    ui.weak("Also: type on a selected card to replace its title · double-click a card to edit it · drag a card onto another to move it there · right-click a card for its menu · drag empty space or scroll to pan · Ctrl+wheel or pinch to zoom.");
                });
            });
        self.help_open = open;
    }

    fn toasts_ui(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        for (_, until) in &mut self.dialogs.toasts {
            until.get_or_insert(now + TOAST_SECS);
        }
        self.dialogs
            .toasts
            .retain(|(_, until)| until.is_some_and(|u| u > now));
        if self.dialogs.toasts.is_empty() {
            return;
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
        let palette = self.palette.clone();
        egui::Area::new(Id::unique("fulcrum_toasts"))
            .anchor(Align2::CENTER_BOTTOM, [0.0, -48.0])
            .order(egui::Order::Tooltip)
            .interactable(false)
            .show(ctx, |ui| {
                for (text, _) in &self.dialogs.toasts {
                    egui::Frame::popup(ui.style())
                        .fill(palette.text)
                        .corner_radius(8.0)
                        .inner_margin(egui::Margin::symmetric(14, 8))
                        .show(ui, |ui| {
                            ui.label(RichText::new(text).color(palette.card).size(15.0));
                        });
                    ui.add_space(4.0);
                }
            });
    }
}
