//! The inspector: a side panel with every field of the selected node, validated as you
//! type, plus read-only figures (value, status, leverage, OST roll-ups).
//!
//! Each committed field becomes one `SetNode` command (one undo step); the id changes only
//! through the explicit "Rename id" button (`Command::rename`, which rewrites formulas).
//! Field widgets are in [`super::fields`]; this module decides which fields a kind has.

mod metric;
mod ost;

use metric::metric_ui;
use ost::{assumption_ui, opportunity_ui, solution_ui, test_ui};

use egui::{Key, Modifiers};

use crate::edit::Command;
use crate::model::{LinkKind, Map, Node, NodeId, NodeKind, Orientation, id_problem};

use super::Viewer;
use super::actions::Action;
use super::commands::{Commands, UiCommand};
use super::fields::{Drafts, FieldLook, caption, choice, error_ui, field_id, text_field};
use super::figures::Figures;
use super::icons;
use super::theme::Palette;
use super::view::View;

/// The inspector's drafts, the node they belong to, and a pending request for focus.
#[derive(Default)]
pub(crate) struct InspectorState {
    drafts: Drafts,
    shown: Option<NodeId>,
    focus_request: bool,
}

impl InspectorState {
    /// Puts the keyboard in the first field (the title) when next drawn.
    pub fn focus_first_field(&mut self) {
        self.focus_request = true;
    }

    /// Whether a field will take the keyboard when next drawn.
    pub fn wants_focus(&self) -> bool {
        self.focus_request
    }
}

/// What the inspector asks to change this frame.
pub(super) struct Edits {
    node: Node,
    rename: Option<NodeId>,
    select: Option<NodeId>,
}

/// The right-hand panel: every field of the selected node (or the map's title), each
/// committed field sent as one command.
pub(crate) fn inspector_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let state = &mut view.inspector;
    if state.shown != view.selection {
        state.drafts.clear();
        state.shown = view.selection.clone();
    }
    let map = cx.session.map();
    let selected = view.selection.clone().filter(|s| map.contains(s.as_str()));
    let mut edits: Option<Edits> = None;
    let mut map_title = None;
    let figures = &cx.derived.figures;
    // Focus first, so the field reads this frame's letters (the router held them back).
    if std::mem::take(&mut state.focus_request) {
        let key = if selected.is_some() {
            "title"
        } else {
            "map_title"
        };
        ui.memory_mut(|m| m.request_focus(field_id(key)));
    }
    egui::Panel::right("inspector")
        .resizable(true)
        .default_size(350.0)
        .min_size(270.0)
        .max_size(520.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.add_space(6.0);
                    match &selected {
                        Some(id) => {
                            if let Some(node) = map.node(id.as_str()) {
                                let mut e = Edits {
                                    node: node.clone(),
                                    rename: None,
                                    select: None,
                                };
                                let ctx = Ctx {
                                    map,
                                    id,
                                    palette: cx.palette,
                                    commands: cx.commands,
                                };
                                node_ui(ui, &ctx, figures, &mut state.drafts, &mut e);
                                edits = Some(e);
                            }
                        }
                        None => map_title = map_ui(ui, map, &mut state.drafts),
                    }
                });
        });
    if let Some(title) = map_title {
        cx.commands
            .send(UiCommand::Edit(Command::SetMapTitle(title)));
    }
    let (Some(edits), Some(id)) = (edits, selected) else {
        return;
    };
    if map.node(id.as_str()) != Some(&edits.node) {
        cx.commands.send(UiCommand::Edit(Command::SetNode {
            id: id.clone(),
            node: Box::new(edits.node),
        }));
    }
    if let Some(new_id) = edits.rename {
        cx.commands.send(UiCommand::RenameId(id.clone(), new_id));
    }
    if let Some(other) = edits.select {
        cx.commands.send(UiCommand::SelectAndCenter(other));
    }
}

pub(super) struct Ctx<'a> {
    map: &'a Map,
    id: &'a NodeId,
    palette: &'a Palette,
    commands: &'a Commands,
}

fn map_ui(ui: &mut egui::Ui, map: &Map, drafts: &mut Drafts) -> Option<String> {
    ui.heading("Map");
    caption(ui, "Title");
    let title = text_field(
        ui,
        drafts,
        "map_title",
        map.title(),
        FieldLook::line("map title"),
        |t| {
            if t.trim().is_empty() {
                Err(("a map needs a title".to_owned(), None))
            } else {
                Ok(())
            }
        },
    );
    ui.add_space(8.0);
    ui.weak("Select a card to see and edit its fields.");
    title.map(|t| t.trim().to_owned())
}

fn node_ui(ui: &mut egui::Ui, c: &Ctx<'_>, figures: &Figures, drafts: &mut Drafts, e: &mut Edits) {
    let kind = e.node.kind;
    ui.horizontal(|ui| {
        icons::kind_icon_ui(ui, kind, c.palette.kind(kind), 20.0);
        if let Some(Some(k)) = choice(
            ui,
            "Kind",
            Some(kind),
            &NodeKind::ALL,
            |k| k.name().to_owned(),
            None,
        ) {
            e.node.kind = k;
        }
    });
    caption(ui, "Title");
    let title = text_field(
        ui,
        drafts,
        "title",
        &e.node.title,
        FieldLook::wrapped("title", false),
        |t| {
            if t.trim().is_empty() {
                Err(("a card needs a title".to_owned(), None))
            } else {
                Ok(())
            }
        },
    );
    if let Some(t) = title {
        e.node.title = t.trim().to_owned();
    }
    id_ui(ui, c, drafts, e);
    ui.separator();
    match kind {
        NodeKind::Metric => metric_ui(ui, c, figures, drafts, e),
        NodeKind::Opportunity => opportunity_ui(ui, c, figures, drafts, e),
        NodeKind::Solution => solution_ui(ui, c, figures, drafts, e),
        NodeKind::Assumption => assumption_ui(ui, c, drafts, e),
        NodeKind::Test => test_ui(ui, drafts, e),
        NodeKind::Outcome | NodeKind::Note => {}
    }
    ui.separator();
    caption(ui, "Owner");
    if let Some(t) = text_field(
        ui,
        drafts,
        "owner",
        e.node.owner.as_deref().unwrap_or(""),
        FieldLook::line("who owns it"),
        |_| Ok(()),
    ) {
        e.node.owner = non_empty(t);
    }
    caption(ui, "Notes");
    let notes_look = FieldLook::paragraph("notes");
    if let Some(t) = text_field(
        ui,
        drafts,
        "notes",
        e.node.notes.as_deref().unwrap_or(""),
        notes_look,
        |_| Ok(()),
    ) {
        e.node.notes = non_empty(t);
    }
    if c.map.parent(c.id.as_str()).is_none() {
        caption(ui, "Tree direction");
        let name = |o: Orientation| match o {
            Orientation::TopDown => "Top-down".to_owned(),
            Orientation::LeftRight => "Left to right".to_owned(),
        };
        let options = [Orientation::TopDown, Orientation::LeftRight];
        if let Some(o) = choice(
            ui,
            "Tree direction",
            Some(e.node.orientation.unwrap_or_default()),
            &options,
            name,
            None,
        ) {
            e.node.orientation = o.filter(|o| *o != Orientation::TopDown);
        }
    }
    links_ui(ui, c, e);
}

/// The id, renamed only by the explicit "Rename id" button (or Enter in its field):
/// `Command::rename` rewrites every formula and link that uses it.
fn id_ui(ui: &mut egui::Ui, c: &Ctx<'_>, drafts: &mut Drafts, e: &mut Edits) {
    caption(ui, "Id (used in formulas and links)");
    let map = c.map;
    let current = c.id.as_str();
    let field = field_id("id");
    let focused = ui.memory(|m| m.has_focus(field));
    let enter = focused && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter));
    if focused && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
        drafts.remove("id");
    }
    let mut text = drafts.get("id").unwrap_or(current).to_owned();
    let check = |t: &str| -> Result<(), String> {
        if let Some(problem) = id_problem(t) {
            Err(problem)
        } else if t != current && map.contains(t) {
            Err(format!("the id `{t}` is already used"))
        } else {
            Ok(())
        }
    };
    // Right to left: the button takes its width first and the field the rest, so the row
    // never asks for more than the panel has (which would widen the panel every frame).
    let row = egui::Layout::right_to_left(egui::Align::Center);
    let size = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(size, row, |ui| {
        let can = text.trim() != current && check(text.trim()).is_ok();
        let clicked = ui
            .add_enabled(can, egui::Button::new("Rename id"))
            .on_hover_text("Rename the id and rewrite every formula and link that uses it")
            .clicked();
        let edit = egui::TextEdit::singleline(&mut text)
            .id(field)
            .font(egui::TextStyle::Monospace)
            .desired_width(ui.available_width());
        ui.add(edit).accessible_name("id");
        let typed = text.trim();
        let can = can && typed != current && check(typed).is_ok();
        if (clicked || enter)
            && can
            && let Ok(id) = NodeId::new(typed)
        {
            e.rename = Some(id);
        }
    });
    if e.rename.is_some() || text == current {
        drafts.remove("id");
    } else {
        drafts.set("id", text.clone());
    }
    match check(text.trim()) {
        Err(message) if text != current => error_ui(ui, &text, &message, None),
        _ => {
            ui.weak("Renaming rewrites every formula and link that uses it.");
        }
    }
}

/// The node's links, each with a button to remove it, and buttons to add one.
fn links_ui(ui: &mut egui::Ui, c: &Ctx<'_>, e: &mut Edits) {
    let links = c.map.links_of(c.id.as_str());
    caption(ui, "Links");
    for link in links {
        let (verb, other) = match (link.kind, &link.from == c.id) {
            (LinkKind::Measures, true) => ("Measures", link.to.clone()),
            (LinkKind::Measures, false) => ("Measured by", link.from.clone()),
            (LinkKind::Relates, true) => ("Relates to", link.to.clone()),
            (LinkKind::Relates, false) => ("Related from", link.from.clone()),
        };
        let title = c
            .map
            .node(other.as_str())
            .map_or(other.as_str(), |n| n.title.as_str());
        ui.horizontal(|ui| {
            ui.weak(verb);
            if ui.link(title).clicked() {
                e.select = Some(other.clone());
            }
            if ui
                .small_button("×")
                .on_hover_text("Remove this link")
                .clicked()
            {
                c.commands
                    .send(UiCommand::Edit(Command::RemoveLink(link.clone())));
            }
        });
    }
    ui.horizontal(|ui| {
        let is_outcome = c.map.node(c.id.as_str()).map(|n| n.kind) == Some(NodeKind::Outcome);
        if is_outcome
            && ui
                .button(Action::LinkMeasures.label())
                .on_hover_text(Action::LinkMeasures.tooltip())
                .clicked()
        {
            c.commands.send(UiCommand::Run(Action::LinkMeasures));
        }
        if ui
            .button(Action::LinkRelates.label())
            .on_hover_text(Action::LinkRelates.tooltip())
            .clicked()
        {
            c.commands.send(UiCommand::Run(Action::LinkRelates));
        }
    });
}

pub(super) fn non_empty(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}
