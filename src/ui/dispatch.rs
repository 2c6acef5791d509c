//! Turning the action table into behaviour: the keyboard handling, the menu bar and the
//! dispatch of each [`Action`] to the method that performs it.
//!
//! Menus and shortcuts are generated from [`Action::table`] and [`shortcut_order`], never
//! listed by hand, so a command cannot be in one and missing from the other.

use egui::{Event, Key, Modifiers};

use super::FulcrumApp;
use super::actions::{Action, Menu, Scope, shortcut_order};
use super::editing::Dir;

impl FulcrumApp {
    /// Whether the canvas has the keyboard: no text field is focused and no prompt is up.
    pub(crate) fn canvas_has_keyboard(&self, ctx: &egui::Context) -> bool {
        self.editing.is_none()
            && !self.dialogs.is_modal_open()
            && ctx.memory(|m| m.focused().is_none())
    }

    /// Runs the actions whose shortcuts were pressed this frame, and starts a title edit
    /// when a person just starts typing on a selected card.
    pub(crate) fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        if self.dialogs.is_modal_open() {
            return;
        }
        let canvas = self.canvas_has_keyboard(ctx);
        if canvas {
            // Tab and the arrows belong to the canvas, not to egui's focus traversal.
            ctx.memory_mut(|m| m.move_focus(egui::FocusDirection::None));
        }
        let mut fired = Vec::new();
        for (shortcut, action) in shortcut_order() {
            let allowed = match action.scope() {
                Scope::Global => true,
                Scope::Canvas => canvas,
            };
            if allowed
                && self.is_enabled(action)
                && ctx.input_mut(|i| i.consume_shortcut(&shortcut))
            {
                fired.push(action);
            }
        }
        if canvas {
            // On desktops, Ctrl+C/X/V arrive as clipboard events rather than keys.
            let clipboard: Vec<Event> = ctx.input(|i| {
                i.events
                    .iter()
                    .filter(|e| matches!(e, Event::Copy | Event::Cut | Event::Paste(_)))
                    .cloned()
                    .collect()
            });
            for event in clipboard {
                match event {
                    Event::Copy => self.copy_selected(ctx),
                    Event::Cut => self.cut_selected(ctx),
                    Event::Paste(text) => self.paste_text(&text),
                    _ => {}
                }
            }
            let typed: Option<String> = ctx.input(|i| {
                i.events.iter().find_map(|e| match e {
                    Event::Text(t) if !t.trim().is_empty() && !i.modifiers.command => {
                        Some(t.clone())
                    }
                    _ => None,
                })
            });
            if let (Some(text), true) = (typed, fired.is_empty() && self.selected.is_some()) {
                self.start_title_edit(Some(text));
                ctx.input_mut(|i| i.events.retain(|e| !matches!(e, Event::Text(_))));
            }
        }
        for action in fired {
            self.run_action(action, ctx);
        }
        // Esc on the canvas closes what is open over it: the help, then the search bar.
        if canvas && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
            if self.help_open {
                self.help_open = false;
            } else {
                self.search.close();
            }
        }
    }

    /// Whether an action can run now (menus grey it out otherwise).
    pub(crate) fn is_enabled(&self, action: Action) -> bool {
        use Action::*;
        let selected = self.selected.is_some();
        match action {
            Undo => self.doc.history().can_undo(),
            Redo => self.doc.history().can_redo(),
            Cut | Copy | Delete | EditTitle | MoveEarlier | MoveLater | SetKind(_) => selected,
            ToggleFold => self
                .selected
                .as_ref()
                .is_some_and(|s| self.doc.map().child_count(s.as_str()) > 0),
            Paste => self.clipboard.is_some(),
            AddChild | AddSibling => selected || self.doc.map().is_empty(),
            FindNext | FindPrevious => self.search.has_hits(),
            _ => true,
        }
    }

    fn is_checked(&self, action: Action) -> bool {
        match action {
            Action::ToggleInspector => self.inspector_open,
            Action::ToggleProblems => self.problems_open,
            Action::ToggleTheme => self.theme == super::Theme::Dark,
            _ => false,
        }
    }

    /// Performs an action.
    pub(crate) fn run_action(&mut self, action: Action, ctx: &egui::Context) {
        use Action::*;
        match action {
            New => self.request(super::files::Pending::New),
            Open => self.open_dialog(),
            Save => {
                self.save();
            }
            SaveAs => {
                self.save_as_dialog(None);
            }
            Quit => self.request(super::files::Pending::Close),
            Undo => self.undo(),
            Redo => self.redo(),
            Cut => self.cut_selected(ctx),
            Copy => self.copy_selected(ctx),
            Paste => self.paste_clipboard(),
            Delete => self.delete_selected(),
            AddChild => self.add_child(),
            AddSibling => self.add_sibling(),
            EditTitle => self.start_title_edit(None),
            MoveEarlier => self.move_among_siblings(false),
            MoveLater => self.move_among_siblings(true),
            SetKind(kind) => self.set_kind(kind),
            SelectUp => self.navigate(Dir::Up),
            SelectDown => self.navigate(Dir::Down),
            SelectLeft => self.navigate(Dir::Left),
            SelectRight => self.navigate(Dir::Right),
            ToggleFold => {
                if let Some(id) = self.selected.clone() {
                    self.toggle_fold(&id);
                }
            }
            Find => self.search.open(),
            FindNext => self.search_step(true),
            FindPrevious => self.search_step(false),
            ZoomIn => self.canvas.zoom_step(1.25),
            ZoomOut => self.canvas.zoom_step(0.8),
            FitView => self.canvas.fit_pending = true,
            ToggleInspector => self.inspector_open = !self.inspector_open,
            ToggleProblems => self.problems_open = !self.problems_open,
            ToggleTheme => {
                self.theme = match self.theme {
                    super::Theme::Light => super::Theme::Dark,
                    super::Theme::Dark => super::Theme::Light,
                };
            }
            Help => self.help_open = !self.help_open,
        }
    }

    /// The menu bar, generated from the action table.
    pub(crate) fn menu_bar_ui(&mut self, ui: &mut egui::Ui) {
        let mut clicked = None;
        let table = Action::table();
        egui::Panel::top("menu_bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                for menu in Menu::ALL {
                    ui.menu_button(menu.label(), |ui| {
                        ui.set_min_width(260.0);
                        let mut kinds_shown = false;
                        for (m, action) in &table {
                            if *m != menu {
                                continue;
                            }
                            match action {
                                None => {
                                    ui.separator();
                                }
                                Some(Action::SetKind(_)) => {
                                    if !kinds_shown {
                                        kinds_shown = true;
                                        ui.menu_button("Change kind", |ui| {
                                            for (_, a) in &table {
                                                if let Some(a @ Action::SetKind(_)) = a
                                                    && self.action_button(ui, *a)
                                                {
                                                    clicked = Some(*a);
                                                }
                                            }
                                        });
                                    }
                                }
                                Some(a) => {
                                    if self.action_button(ui, *a) {
                                        clicked = Some(*a);
                                    }
                                }
                            }
                            if menu == Menu::File
                                && *action == Some(Action::Open)
                                && let Some(path) = self.recent_menu_ui(ui)
                            {
                                self.request(super::files::Pending::Open(Some(path)));
                            }
                            if menu == Menu::View && *action == Some(Action::ToggleTheme) {
                                self.scenario_menu_ui(ui);
                            }
                        }
                    });
                }
            });
        });
        if let Some(action) = clicked {
            self.run_action(action, ui.ctx());
        }
    }

    /// One menu entry: label, shortcut, enabled state, tooltip. Returns whether it was
    /// clicked.
    fn action_button(&self, ui: &mut egui::Ui, action: Action) -> bool {
        let shortcut = action
            .shortcuts()
            .first()
            .map(super::actions::shortcut_text)
            .unwrap_or_default();
        let label = action.label();
        let response = if action.is_toggle() {
            let mut on = self.is_checked(action);
            ui.add_enabled(self.is_enabled(action), egui::Checkbox::new(&mut on, label))
        } else {
            ui.add_enabled(
                self.is_enabled(action),
                egui::Button::new(label).shortcut_text(shortcut),
            )
        };
        let tip = match action.shortcuts().first() {
            Some(s) if action.is_toggle() => {
                format!(
                    "{} ({})",
                    action.tooltip(),
                    super::actions::shortcut_text(s)
                )
            }
            _ => action.tooltip().to_owned(),
        };
        let response = response.on_hover_text(tip);
        if response.clicked() {
            ui.close();
            true
        } else {
            false
        }
    }

    fn scenario_menu_ui(&mut self, ui: &mut egui::Ui) {
        let names: Vec<String> = self
            .doc
            .map()
            .scenarios()
            .iter()
            .map(|s| s.name.clone())
            .collect();
        if names.is_empty() {
            return;
        }
        ui.menu_button("Scenario", |ui| {
            if ui.radio(self.scenario.is_none(), "Actuals").clicked() {
                self.scenario = None;
                ui.close();
            }
            for name in names {
                let on = self.scenario.as_deref() == Some(name.as_str());
                if ui.radio(on, name.as_str()).clicked() {
                    self.scenario = Some(name);
                    ui.close();
                }
            }
        });
    }
}

/// Whether a key press with no modifiers is in this frame's input (for editors that handle
/// Enter, Esc and Tab themselves).
pub(crate) fn take_key(ui: &egui::Ui, key: Key) -> bool {
    ui.input_mut(|i| i.consume_key(Modifiers::NONE, key))
}
