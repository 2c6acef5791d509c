//! Prompts and messages: save/discard/cancel before losing work, the in-app path field
//! (when there is no native file dialog), load and save errors with every problem and its
//! place, the crash-recovery offer, short toasts and the F1 shortcut overlay.
//!
//! Dialogs hold what they ask about; the answers are sent as commands and carried out by
//! the file handlers (`files.rs`). Nothing here touches the disk or the session.

use std::path::{Path, PathBuf};

use egui::{Align2, Id, Key, Modifiers, RichText};

use crate::format::{FormatError, Problem};

use super::Viewer;
use super::actions::{Action, Menu};
use super::autosave::Recovery;
use super::commands::{OutsideChoice, Pending, UiCommand};
use super::theme::Palette;

/// Seconds a toast stays up.
const TOAST_SECS: f64 = 3.5;

/// What the in-app path field is for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PathPurpose {
    /// Open the file typed.
    Open,
    /// Import values from the CSV typed.
    ImportValues,
    /// Compare the open map with the map typed.
    Compare,
    /// Combine the open map with the maps typed (separated by `;`).
    Combine,
    /// Save to the file typed, then do the pending step, if any.
    SaveAs(Option<Pending>),
}

/// The file changed on disk since it was loaded or saved here.
#[derive(Clone, Debug)]
pub(crate) struct ChangedOnDisk {
    /// The file.
    pub path: PathBuf,
    /// What waits for the save (close, open, new), if anything.
    pub then: Option<Pending>,
}

/// A save found the file read-only (such as a 0444 file): nothing was written.
#[derive(Clone, Debug)]
pub(crate) struct ReadOnlyFile {
    /// The file that was not written.
    pub path: PathBuf,
    /// What waits for the save (close, open, new), if anything; Save As goes on with it.
    pub then: Option<Pending>,
}

/// The in-app path field.
pub(crate) struct PathPrompt {
    /// What the path is for.
    pub purpose: PathPurpose,
    /// The path typed so far.
    pub text: String,
    /// Why the last path typed was not taken.
    pub error: Option<String>,
    /// The existing file the person was told about: saving there again replaces it.
    pub confirm_replace: Option<PathBuf>,
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
    /// The file changed on disk: what to do before saving.
    pub changed_on_disk: Option<ChangedOnDisk>,
    /// Conflicts to resolve (a conflicted file, or a merge with the file on disk).
    pub conflicts: Option<super::conflicts::ConflictView>,
    /// A save refused because the file is read-only: offer Save As.
    pub read_only: Option<ReadOnlyFile>,
    toasts: Vec<(String, Option<f64>)>,
}

impl Dialogs {
    /// Whether a prompt that blocks the canvas is up.
    pub fn is_modal_open(&self) -> bool {
        self.unsaved.is_some()
            || self.changed_on_disk.is_some()
            || self.read_only.is_some()
            || self.path.is_some()
            || self.report.is_some()
            || self.recovery.is_some()
            || self.conflicts.is_some()
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
        let name = match purpose {
            PathPurpose::Open
            | PathPurpose::ImportValues
            | PathPurpose::Compare
            | PathPurpose::Combine => "",
            PathPurpose::SaveAs(_) => "map.ron",
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
            confirm_replace: None,
            wants_focus: true,
        });
    }
}

/// Every prompt, message and overlay of this frame.
pub(crate) fn dialogs_ui(
    ctx: &egui::Context,
    cx: &Viewer<'_>,
    dialogs: &mut Dialogs,
    help_open: &mut bool,
) {
    recovery_ui(ctx, cx, dialogs);
    unsaved_ui(ctx, cx, dialogs);
    changed_on_disk_ui(ctx, cx, dialogs);
    super::conflicts::conflicts_ui(ctx, cx, &mut dialogs.conflicts);
    read_only_ui(ctx, cx, dialogs);
    path_prompt_ui(ctx, cx, dialogs);
    report_ui(ctx, dialogs);
    help_ui(ctx, help_open);
    toasts_ui(ctx, cx.palette, dialogs);
    drop_hint_ui(ctx, cx.palette);
}

/// While a file is dragged over the window: how to open it.
fn drop_hint_ui(ctx: &egui::Context, palette: &Palette) {
    {
        if ctx.input(|i| i.raw.hovered_files.is_empty()) {
            return;
        }
        let screen = ctx.content_rect();
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            Id::unique("fulcrum_drop_hint"),
        ));
        painter.rect_filled(screen, 0.0, palette.accent.gamma_multiply(0.15));
        painter.rect_stroke(
            screen.shrink(12.0),
            12.0,
            egui::Stroke::new(3.0, palette.accent),
            egui::StrokeKind::Inside,
        );
        painter.text(
            screen.center(),
            Align2::CENTER_CENTER,
            "Drop a Fulcrum map (.ron) to open it",
            egui::FontId::proportional(24.0),
            palette.accent,
        );
    }
}

fn recovery_ui(ctx: &egui::Context, cx: &Viewer<'_>, dialogs: &Dialogs) {
    {
        let Some(recovery) = dialogs.recovery.as_ref() else {
            return;
        };
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
                    cx.commands.send(UiCommand::RestoreRecovery);
                }
                if ui.button("Discard").clicked() {
                    cx.commands.send(UiCommand::DiscardRecovery);
                }
            });
        });
    }
}

/// Someone else changed the file: reload theirs, or keep mine (write over theirs).
fn changed_on_disk_ui(ctx: &egui::Context, cx: &Viewer<'_>, dialogs: &mut Dialogs) {
    let Some(changed) = dialogs.changed_on_disk.as_ref() else {
        return;
    };
    let name = display_name(&changed.path);
    let dirty = cx.session.is_dirty();
    let response = egui::Modal::new(Id::unique("fulcrum_changed_on_disk")).show(ctx, |ui| {
        ui.set_max_width(480.0);
        ui.heading(format!("{name} changed on disk"));
        ui.label(if dirty {
            "Someone (another program, a colleague, git) changed the file since you opened or saved it here, and you have changes too. Nothing has been written."
        } else {
            "Someone (another program, a colleague, git) changed the file since you opened or saved it here."
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let can_merge = cx.session.base.is_some();
            if ui
                .add_enabled(can_merge, egui::Button::new(RichText::new("Merge").strong()))
                .on_hover_text("Keep both: merge their changes into yours, field by field (conflicts are listed for you to choose)")
                .on_disabled_hover_text("There is no saved version of this map to merge from")
                .clicked()
            {
                cx.commands.send(UiCommand::ResolveOutsideChange(OutsideChoice::Merge));
            }
            if ui
                .button("Reload theirs")
                .on_hover_text("Open the file as it is on disk (your unsaved changes are dropped)")
                .clicked()
            {
                cx.commands.send(UiCommand::ResolveOutsideChange(OutsideChoice::Reload));
            }
            if ui
                .button("Keep mine")
                .on_hover_text("Write your map over the file on disk")
                .clicked()
            {
                cx.commands.send(UiCommand::ResolveOutsideChange(OutsideChoice::KeepMine));
            }
            if ui.button("Cancel").clicked() {
                cx.commands.send(UiCommand::CancelOutsideChange);
            }
        });
    });
    if response.should_close() {
        cx.commands.send(UiCommand::CancelOutsideChange);
    }
}

fn read_only_ui(ctx: &egui::Context, cx: &Viewer<'_>, dialogs: &mut Dialogs) {
    let Some(read_only) = dialogs.read_only.as_ref() else {
        return;
    };
    let name = display_name(&read_only.path);
    let mut choice = None;
    let response = egui::Modal::new(Id::unique("fulcrum_read_only")).show(ctx, |ui| {
        ui.set_max_width(480.0);
        ui.heading(format!("{name} is read-only"));
        ui.label(
            "Fulcrum leaves a read-only file as it is: nothing was written, and your changes \
             are still here. Save the map under another name, or make the file writable and \
             save again.",
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new("Save As…").strong())
                .on_hover_text("Save the map under another name")
                .clicked()
            {
                choice = Some(true);
            }
            if ui.button("Cancel").clicked() {
                choice = Some(false);
            }
        });
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter)) {
            choice = Some(true);
        }
    });
    if response.should_close() && choice.is_none() {
        choice = Some(false);
    }
    let Some(save_as) = choice else {
        return;
    };
    let then = dialogs.read_only.take().and_then(|r| r.then);
    if save_as {
        cx.commands.send(UiCommand::SaveAsThen(then));
    }
}

fn unsaved_ui(ctx: &egui::Context, cx: &Viewer<'_>, dialogs: &mut Dialogs) {
    {
        let Some(pending) = dialogs.unsaved.clone() else {
            return;
        };
        let name = cx.session.document_name();
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
        dialogs.unsaved = None;
        match choice {
            0 => cx.commands.send(UiCommand::SaveThen(pending)),
            1 => cx.commands.send(UiCommand::DiscardThen(pending)),
            _ => {}
        }
    }
}

fn path_prompt_ui(ctx: &egui::Context, cx: &Viewer<'_>, dialogs: &mut Dialogs) {
    {
        let Some(prompt) = dialogs.path.as_mut() else {
            return;
        };
        let (title, verb) = match prompt.purpose {
            PathPurpose::Open => ("Open map", "Open"),
            PathPurpose::ImportValues => ("Import values", "Preview"),
            PathPurpose::Compare => ("Compare with", "Compare"),
            PathPurpose::Combine => ("Combine maps (paths separated by ;)", "Combine"),
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
                            .return_key(None)
                            .desired_width(440.0),
                    )
                    .labelled_by(label.id);
                if prompt.wants_focus {
                    response.request_focus();
                    prompt.wants_focus = false;
                }
                // After the field has read this frame's letters.
                if response.has_focus() {
                    confirm |= ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter));
                    cancel |= ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape));
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
            dialogs.path = None;
        } else if confirm {
            cx.commands.send(UiCommand::ConfirmPath);
        }
    }
}

fn report_ui(ctx: &egui::Context, dialogs: &mut Dialogs) {
    {
        let Some(report) = &dialogs.report else {
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
            dialogs.report = None;
        }
    }
}

fn help_ui(ctx: &egui::Context, help_open: &mut bool) {
    {
        let mut open = *help_open;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .min_width(820.0)
            .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().max_height(560.0).show(ui, |ui| {
                    for menu in Menu::BAR {
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
        *help_open = open;
    }
}

fn toasts_ui(ctx: &egui::Context, palette: &Palette, dialogs: &mut Dialogs) {
    {
        let now = ctx.input(|i| i.time);
        for (_, until) in &mut dialogs.toasts {
            until.get_or_insert(now + TOAST_SECS);
        }
        dialogs
            .toasts
            .retain(|(_, until)| until.is_some_and(|u| u > now));
        if dialogs.toasts.is_empty() {
            return;
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
        egui::Area::new(Id::unique("fulcrum_toasts"))
            .anchor(Align2::CENTER_BOTTOM, [0.0, -48.0])
            .order(egui::Order::Tooltip)
            .interactable(false)
            .show(ctx, |ui| {
                for (text, _) in &dialogs.toasts {
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
