//! Making links in the app: "Measures…" (an outcome measures a driver-tree metric — the
//! bridge from discovery to the North Star) and "Relates to…" (any two nodes). The picker
//! lists the candidates, filtered as you type; choosing one sends `AddLink`, one undo step.
//! Removing a link is a button beside it in the inspector.

use egui::{Align2, Id, RichText};

use crate::edit::Command;
use crate::model::{Link, LinkKind, NodeKind};

use super::commands::UiCommand;
use super::view::{LinkPicker, View};
use super::{FulcrumApp, Viewer};

/// The most candidates listed at once (type to narrow them down).
const MAX_LISTED: usize = 200;

/// The picker window, while open.
pub(crate) fn link_picker_ui(ctx: &egui::Context, cx: &Viewer<'_>, view: &mut View) {
    let Some(picker) = view.link_picker.as_mut() else {
        return;
    };
    let map = cx.session.map();
    let from_title = map
        .node(picker.from.as_str())
        .map_or(picker.from.as_str(), |n| n.title.as_str())
        .to_owned();
    let verb = match picker.kind {
        LinkKind::Measures => "measures",
        LinkKind::Relates => "relates to",
    };
    let mut open = true;
    let mut close = false;
    egui::Window::new(format!("“{from_title}” {verb}…"))
        .id(Id::unique("fulcrum_link_picker"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.set_min_width(420.0);
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut picker.query)
                        .hint_text("type to filter by title or id")
                        .desired_width(400.0),
                )
                .accessible_name("filter");
            field.request_focus();
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                close = true;
            }
            let q = picker.query.trim().to_lowercase();
            let existing: Vec<Link> = map.links_of(picker.from.as_str());
            let candidates: Vec<_> = map
                .iter()
                .filter(|(id, node)| {
                    **id != picker.from
                        && (picker.kind == LinkKind::Relates || node.kind == NodeKind::Metric)
                        && (q.is_empty()
                            || node.title.to_lowercase().contains(&q)
                            || id.as_str().contains(&q))
                        && !existing
                            .iter()
                            .any(|l| l.kind == picker.kind && &l.to == *id)
                })
                .take(MAX_LISTED)
                .map(|(id, node)| (id.clone(), node.title.clone(), node.kind))
                .collect();
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    if candidates.is_empty() {
                        ui.weak("No node to link to.");
                    }
                    for (id, title, kind) in candidates {
                        let label = format!("{title}  ·  {} · {}", kind.name(), id.as_str());
                        if ui.selectable_label(false, label).clicked() {
                            let link = Link {
                                from: picker.from.clone(),
                                to: id,
                                kind: picker.kind,
                            };
                            cx.commands.send(UiCommand::Edit(Command::AddLink(link)));
                            close = true;
                        }
                    }
                });
            ui.add_space(4.0);
            ui.weak(RichText::new(match picker.kind {
                LinkKind::Measures => {
                    "The outcome's solutions then show their estimated effect on the North Star."
                }
                LinkKind::Relates => "Drawn as a dashed line between the two cards.",
            }));
        });
    if close || !open {
        view.link_picker = None;
    }
}

impl FulcrumApp {
    /// "Measures…" / "Relates to…": opens the picker for the selection.
    pub(crate) fn open_link_picker(&mut self, kind: LinkKind) {
        self.commit_title_edit();
        let Some(from) = self.view.selection.clone() else {
            return;
        };
        self.view.link_picker = Some(LinkPicker {
            from,
            kind,
            query: String::new(),
        });
    }
}
