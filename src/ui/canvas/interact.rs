//! Input on the canvas: pan and zoom, fit/reveal/centre requests, clicks and double-clicks
//! on cards (or blocks far out), the context menu, drag-to-reparent with its valid/refused
//! outline, and the inline title editor. Everything becomes an [`Intent`] applied after
//! drawing through the same editing methods the keyboard uses.

use egui::{Id, Rect, Stroke, Vec2};

use super::super::FulcrumApp;
use super::super::actions::Action;
use super::super::cache::Scene;
use super::super::camera::Camera;
use super::super::cards;
use super::super::dispatch::take_key;
use super::READABLE_ZOOM;
use crate::model::{NodeId, NodeKind};

/// A card being dragged onto another.
pub(super) struct Drag {
    pub(super) id: NodeId,
    /// Pointer position minus the card's top-left corner, in screen points.
    pub(super) grab: Vec2,
    /// The card under the pointer and whether dropping there is allowed.
    pub(super) target: Option<(NodeId, bool)>,
}

/// What a person did on the canvas this frame, applied after drawing.
pub(super) enum Intent {
    Select(NodeId),
    Deselect,
    Edit(NodeId),
    ToggleFold(NodeId),
    Reparent(NodeId, NodeId),
    Run(NodeId, Action),
    CommitEdit,
    CancelEdit,
    CommitAndAddChild,
    ZoomTo(NodeId),
}

impl FulcrumApp {
    /// Scroll pans, Ctrl+wheel and pinch zoom around the pointer, dragging empty canvas pans.
    pub(super) fn camera_input_ui(&mut self, ui: &egui::Ui, rect: Rect, bg: &egui::Response) {
        let pointer = ui.input(|i| i.pointer.hover_pos());
        // Not when a menu, window or popup is over the canvas.
        let over = pointer.is_some_and(|p| {
            rect.contains(p)
                && ui
                    .ctx()
                    .layer_id_at(p)
                    .is_none_or(|l| l.order == egui::Order::Background)
        });
        if over {
            let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
            if let Some(p) = pointer
                && zoom != 1.0
            {
                // Damped: a wheel notch would otherwise zoom by ~40%.
                self.canvas.camera.zoom_at(rect, p, zoom.powf(0.6));
                self.canvas.fit_pending = false;
            }
            if scroll != Vec2::ZERO {
                self.canvas.camera.pan(scroll);
            }
        }
        if bg.dragged() {
            self.canvas.camera.pan(bg.drag_delta());
        }
    }

    /// Fit, reveal and centre requests, resolved now that the canvas size is known.
    pub(super) fn camera_goals(&mut self, scene: &Scene, rect: Rect) {
        let canvas = &mut self.canvas;
        if canvas.fit_pending && !scene.ids.is_empty() {
            if canvas.opening {
                // On open: the whole map if it is readable, else the selection's tree.
                let whole = scene.bounds();
                let (zoom, _) = Camera::fitting(rect, whole);
                let selected = self
                    .selected
                    .as_ref()
                    .and_then(|s| scene.index.get(s))
                    .copied();
                let world = match selected {
                    Some(i) if zoom < cards::DETAIL_ZOOM => scene.tree_bounds(i),
                    _ => whole,
                };
                canvas.camera.fit_now(rect, world);
            } else if canvas.fit_instantly {
                canvas.camera.fit_now(rect, scene.bounds());
            } else {
                canvas.camera.fit_smoothly(rect, scene.bounds());
            }
        }
        if canvas.fit_pending {
            canvas.fit_pending = false;
            canvas.fit_instantly = false;
            canvas.opening = false;
        }
        let target = self
            .selected
            .as_ref()
            .and_then(|s| scene.index.get(s))
            .copied();
        if let Some(i) = target {
            let readable = if self.editing.is_some() {
                READABLE_ZOOM
            } else {
                0.0
            };
            if canvas.center_selection {
                canvas.camera.center_on(rect, scene.rect(i), READABLE_ZOOM);
            } else if canvas.reveal_selection {
                canvas.camera.reveal(rect, scene.rect(i), readable);
            }
        }
        canvas.reveal_selection = false;
        canvas.center_selection = false;
    }

    /// Far zoom: a click selects the block under the pointer, a double-click zooms to it.
    pub(super) fn block_clicks_ui(
        &self,
        ui: &egui::Ui,
        scene: &Scene,
        bg: &egui::Response,
        intents: &mut Vec<Intent>,
    ) {
        let Some(pos) = bg.interact_pointer_pos() else {
            return;
        };
        if !(bg.clicked() || bg.double_clicked()) {
            return;
        }
        let world = self.canvas.camera.to_world(self.canvas.rect, pos);
        let pad = 4.0 / self.canvas.camera.zoom;
        let hit = scene
            .query(Rect::from_center_size(world, Vec2::splat(pad)))
            .into_iter()
            .next();
        let _ = ui;
        match hit {
            Some(i) if bg.double_clicked() => intents.push(Intent::ZoomTo(scene.ids[i].clone())),
            Some(i) => intents.push(Intent::Select(scene.ids[i].clone())),
            None => intents.push(Intent::Deselect),
        }
    }

    /// Drag a card onto another to reparent it: the target is outlined green, or red (with
    /// a toast on release) when it lies inside the dragged subtree.
    pub(super) fn drag_ui(
        &mut self,
        ui: &egui::Ui,
        scene: &Scene,
        painter: &egui::Painter,
        intents: &mut Vec<Intent>,
    ) {
        let Some(drag) = self.canvas.drag.as_mut() else {
            return;
        };
        let (pointer, down) = ui.input(|i| (i.pointer.interact_pos(), i.pointer.primary_down()));
        if let Some(p) = pointer {
            let world = self.canvas.camera.to_world(self.canvas.rect, p);
            let under = scene
                .query(Rect::from_center_size(world, Vec2::splat(1.0)))
                .into_iter()
                .map(|i| scene.ids[i].clone())
                .find(|t| t != &drag.id);
            let map = self.doc.map();
            drag.target = under.map(|t| {
                let ok = !map.is_ancestor_or_self(drag.id.as_str(), t.as_str());
                (t, ok)
            });
            if let Some(&i) = scene.index.get(&drag.id) {
                let size = scene.rect(i).size() * self.canvas.camera.zoom;
                let ghost = Rect::from_min_size(p - drag.grab, size);
                let color = match &drag.target {
                    Some((_, false)) => self.palette.danger,
                    _ => self.palette.accent,
                };
                painter.rect(
                    ghost,
                    8.0,
                    color.gamma_multiply(0.12),
                    Stroke::new(2.0, color),
                    egui::StrokeKind::Inside,
                );
                if let Some(node) = map.node(drag.id.as_str()) {
                    painter.text(
                        ghost.center(),
                        egui::Align2::CENTER_CENTER,
                        &node.title,
                        cards::title_font(self.canvas.camera.zoom.max(0.5)),
                        self.palette.text,
                    );
                }
            }
            ui.ctx().set_cursor_icon(match &drag.target {
                Some((_, false)) => egui::CursorIcon::NotAllowed,
                _ => egui::CursorIcon::Grabbing,
            });
        }
        if !down
            && let Some(drag) = self.canvas.drag.take()
            && let Some((target, _)) = drag.target
        {
            intents.push(Intent::Reparent(drag.id, target));
        }
    }

    /// The inline title editor over the card being edited.
    pub(super) fn title_editor_ui(
        &mut self,
        ui: &mut egui::Ui,
        scene: &Scene,
        intents: &mut Vec<Intent>,
    ) {
        let zoom = self.canvas.camera.zoom;
        let line_height = self.measure.as_ref().map_or(19.0, |m| m.line_height);
        let palette = self.palette.clone();
        let Some(edit) = self.editing.as_mut() else {
            return;
        };
        let Some(&i) = scene.index.get(&edit.id) else {
            return;
        };
        let card = self.canvas.drawn_rect(scene, i, ui.input(|inp| inp.time));
        let rows = usize::from(scene.title_rows[i]);
        let area = cards::title_rect(card, zoom, rows, line_height);
        let id = Id::unique("fulcrum_title_editor");
        if ui.memory(|m| m.has_focus(id)) {
            if take_key(ui, egui::Key::Escape) {
                intents.push(Intent::CancelEdit);
                return;
            }
            if take_key(ui, egui::Key::Enter) {
                intents.push(Intent::CommitEdit);
                return;
            }
            if take_key(ui, egui::Key::Tab) {
                intents.push(Intent::CommitAndAddChild);
                return;
            }
        }
        let underline = Rect::from_min_max(
            area.left_bottom(),
            area.right_bottom() + Vec2::new(0.0, 2.0),
        );
        ui.painter()
            .rect_filled(area.expand(3.0), 4.0, palette.accent.gamma_multiply(0.06));
        ui.painter().rect_filled(underline, 0.0, palette.accent);
        let editor = egui::TextEdit::singleline(&mut edit.text)
            .id(id)
            .font(cards::title_font(zoom))
            .text_color(palette.text)
            .hint_text(edit.hint.clone())
            .frame(egui::Frame::NONE)
            .desired_width(area.width())
            .event_filter(egui::EventFilter {
                tab: true,
                escape: true,
                horizontal_arrows: true,
                vertical_arrows: true,
            });
        let response = ui.put(area, editor);
        if edit.wants_focus {
            response.request_focus();
            edit.wants_focus = false;
        } else if response.lost_focus() {
            intents.push(Intent::CommitEdit);
        }
    }

    pub(super) fn apply_intent(&mut self, intent: Intent, ctx: &egui::Context) {
        match intent {
            Intent::Select(id) => {
                self.commit_title_edit();
                self.selected = Some(id);
            }
            Intent::Deselect => {
                self.commit_title_edit();
                self.selected = None;
            }
            Intent::Edit(id) => {
                self.commit_title_edit();
                self.selected = Some(id);
                self.start_title_edit(None);
            }
            Intent::ToggleFold(id) => self.toggle_fold(&id),
            Intent::Reparent(id, target) => self.reparent(&id, &target),
            Intent::Run(id, action) => {
                self.commit_title_edit();
                self.selected = Some(id);
                self.run_action(action, ctx);
            }
            Intent::CommitEdit => self.commit_title_edit(),
            Intent::CancelEdit => self.cancel_title_edit(),
            Intent::CommitAndAddChild => {
                self.commit_title_edit();
                self.add_child();
            }
            Intent::ZoomTo(id) => {
                self.selected = Some(id);
                self.canvas.center_selection = true;
            }
        }
    }
}

/// Clicks, double-clicks, drags and the context menu of one card.
pub(super) fn card_response(
    response: &egui::Response,
    id: &NodeId,
    kind: NodeKind,
    intents: &mut Vec<Intent>,
    drag: &mut Option<Drag>,
    rect: Rect,
) {
    if response.double_clicked() {
        intents.push(Intent::Edit(id.clone()));
    } else if response.clicked() {
        intents.push(Intent::Select(id.clone()));
    }
    if response.drag_started()
        && let Some(p) = response.interact_pointer_pos()
    {
        *drag = Some(Drag {
            id: id.clone(),
            grab: p - rect.min,
            target: None,
        });
        intents.push(Intent::Select(id.clone()));
    }
    response.context_menu(|ui| {
        let mut item = |ui: &mut egui::Ui, action: Action| {
            let shortcut = action
                .shortcuts()
                .first()
                .map(super::super::actions::shortcut_text)
                .unwrap_or_default();
            if ui
                .add(egui::Button::new(action.label()).shortcut_text(shortcut))
                .clicked()
            {
                intents.push(Intent::Run(id.clone(), action));
                ui.close();
            }
        };
        item(ui, Action::AddChild);
        item(ui, Action::AddSibling);
        item(ui, Action::EditTitle);
        item(ui, Action::ToggleFold);
        ui.menu_button("Change kind", |ui| {
            for k in NodeKind::ALL {
                if k != kind {
                    item(ui, Action::SetKind(k));
                }
            }
        });
        ui.separator();
        item(ui, Action::Copy);
        item(ui, Action::Cut);
        item(ui, Action::Paste);
        ui.separator();
        item(ui, Action::Delete);
    });
}
