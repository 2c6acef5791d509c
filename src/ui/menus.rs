//! The menu bar and a card's context menu, generated from the action table
//! ([`Action::table`]): every entry shows its label, shortcut, tooltip and whether it can
//! run now, and a click sends the action as a [`UiCommand`]. Nothing here runs an action.

use std::path::Path;

use super::Viewer;
use super::actions::{Action, Menu, shortcut_text};
use super::commands::{Pending, UiCommand};
use super::dispatch::{is_checked, is_enabled};
use super::view::View;
use crate::interchange::templates::TEMPLATES;
use crate::model::{NodeId, NodeKind};

/// The menu bar.
pub(crate) fn menu_bar_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View) {
    egui::Panel::top("menu_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::BAR {
                ui.menu_button(menu.label(), |ui| {
                    ui.set_min_width(260.0);
                    menu_ui(ui, cx, view, menu, None);
                });
            }
        });
    });
}

/// A card's context menu (right-click): the [`Menu::Card`] rows, run on that card.
pub(crate) fn card_menu_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View, id: &NodeId) {
    let kind = cx.session.map().node(id.as_str()).map(|n| n.kind);
    menu_ui(ui, cx, view, Menu::Card, Some((id, kind)));
}

/// The rows of one menu. `card` is the node a context menu runs on (and its kind, left out
/// of "Change kind").
fn menu_ui(
    ui: &mut egui::Ui,
    cx: &Viewer<'_>,
    view: &View,
    menu: Menu,
    card: Option<(&NodeId, Option<NodeKind>)>,
) {
    let table = Action::table();
    let rows: Vec<Option<Action>> = table
        .iter()
        .filter(|(m, _)| *m == menu)
        .map(|(_, a)| *a)
        .collect();
    let mut kinds_shown = false;
    for action in rows.iter().copied() {
        match action {
            None => {
                ui.separator();
            }
            Some(Action::SetKind(_)) => {
                if kinds_shown {
                    continue;
                }
                kinds_shown = true;
                ui.menu_button("Change kind", |ui| {
                    for a in rows.iter().flatten() {
                        if let Action::SetKind(k) = a
                            && card.is_none_or(|(_, own)| own != Some(*k))
                        {
                            entry_ui(ui, cx, view, *a, card.map(|(id, _)| id));
                        }
                    }
                });
            }
            Some(a) => entry_ui(ui, cx, view, a, card.map(|(id, _)| id)),
        }
        if menu == Menu::File && action == Some(Action::New) {
            templates_menu_ui(ui, cx);
        }
        if menu == Menu::File && action == Some(Action::Open) {
            recent_menu_ui(ui, cx);
        }
        if menu == Menu::View && action == Some(Action::ToggleTheme) {
            scenario_menu_ui(ui, cx, view);
        }
    }
}

/// One entry: label, shortcut, enabled state, tooltip; a click sends the action.
fn entry_ui(
    ui: &mut egui::Ui,
    cx: &Viewer<'_>,
    view: &View,
    action: Action,
    card: Option<&NodeId>,
) {
    let shortcut = action
        .shortcuts()
        .first()
        .map(shortcut_text)
        .unwrap_or_default();
    let enabled = is_enabled(cx, view, action, card);
    let label = action.label();
    let response = if action.is_toggle() {
        let mut on = is_checked(view, cx.theme, action);
        ui.add_enabled(enabled, egui::Checkbox::new(&mut on, label))
    } else {
        let button = egui::Button::new(label);
        let button = if shortcut.is_empty() {
            button
        } else {
            button.shortcut_text(shortcut)
        };
        ui.add_enabled(enabled, button)
    };
    let tip = match action.shortcuts().first() {
        Some(s) if action.is_toggle() => format!("{} ({})", action.tooltip(), shortcut_text(s)),
        _ => action.tooltip().to_owned(),
    };
    if response.on_hover_text(tip).clicked() {
        cx.commands.send(match card {
            Some(id) => UiCommand::RunOn(id.clone(), action),
            None => UiCommand::Run(action),
        });
        ui.close();
    }
}

/// File → New from template: one entry per bundled template.
fn templates_menu_ui(ui: &mut egui::Ui, cx: &Viewer<'_>) {
    ui.menu_button("New from template", |ui| {
        for (i, t) in TEMPLATES.iter().enumerate() {
            if ui.button(t.name).on_hover_text(t.description).clicked() {
                cx.commands.send(UiCommand::Request(Pending::Template(i)));
                ui.close();
            }
        }
    });
}

/// File → Open recent.
fn recent_menu_ui(ui: &mut egui::Ui, cx: &Viewer<'_>) {
    if cx.recent.is_empty() {
        return;
    }
    ui.menu_button("Open recent", |ui| {
        for path in cx.recent {
            if ui
                .button(file_name(path))
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                cx.commands
                    .send(UiCommand::Request(Pending::Open(Some(path.clone()))));
                ui.close();
            }
        }
        ui.separator();
        if ui.button("Clear recent files").clicked() {
            cx.commands.send(UiCommand::ClearRecent);
            ui.close();
        }
    });
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// View → Scenario: the actuals or one of the map's scenarios.
fn scenario_menu_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View) {
    let scenarios = cx.session.map().scenarios();
    ui.menu_button("Scenario", |ui| {
        if ui.radio(view.scenario.is_none(), "Actuals").clicked() {
            cx.commands.send(UiCommand::SetScenario(None));
            ui.close();
        }
        for s in scenarios {
            let on = view.scenario.as_deref() == Some(s.name.as_str());
            if ui.radio(on, s.name.as_str()).clicked() {
                cx.commands
                    .send(UiCommand::SetScenario(Some(s.name.clone())));
                ui.close();
            }
        }
    });
}
