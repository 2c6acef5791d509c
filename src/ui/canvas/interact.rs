//! Input on the canvas: pan and zoom, fit/reveal/centre requests, clicks and double-clicks
//! on cards (or blocks far out), the context menu, drag-to-reparent with its valid/refused
//! outline, and the inline title editor. Camera and drag state change here; everything else
//! is sent as a [`UiCommand`], handled at the end of the frame with the keyboard's.

use egui::{Id, Key, Modifiers, Rect, Stroke, Vec2};

use super::super::Viewer;
use super::super::camera::Camera;
use super::super::card_geometry::{self as cards, DETAIL_ZOOM};
use super::super::commands::UiCommand;
use super::super::menus::card_menu_ui;
use super::super::scene::Scene;
use super::super::view::{TitleEdit, View};
use super::{CanvasState, READABLE_ZOOM};
use crate::model::NodeId;

/// A card being dragged onto another.
pub(super) struct Drag {
    pub(super) id: NodeId,
    /// Pointer position minus the card's top-left corner, in screen points.
    pub(super) grab: Vec2,
    /// The card under the pointer and whether dropping there is allowed.
    pub(super) target: Option<(NodeId, bool)>,
}

/// Scroll pans, Ctrl+wheel and pinch zoom around the pointer, dragging empty canvas pans.
pub(super) fn camera_input_ui(
    ui: &egui::Ui,
    canvas: &mut CanvasState,
    rect: Rect,
    bg: &egui::Response,
) {
    {
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
                canvas.camera.zoom_at(rect, p, zoom.powf(0.6));
                canvas.fit_pending = false;
            }
            if scroll != Vec2::ZERO {
                canvas.camera.pan(scroll);
            }
        }
        if bg.dragged() {
            canvas.camera.pan(bg.drag_delta());
        }
    }
}

/// Fit, reveal and centre requests, resolved now that the canvas size is known.
pub(super) fn camera_goals(view: &mut View, scene: &Scene, rect: Rect) {
    {
        let editing = view.title_edit().is_some();
        let selection = view.selection.clone();
        let canvas = &mut view.canvas;
        if canvas.fit_pending && !scene.ids.is_empty() {
            if canvas.opening {
                // On open: the whole map if it is readable, else the selection's tree.
                let whole = scene.bounds();
                let (zoom, _) = Camera::fitting(rect, whole);
                let selected = selection.as_ref().and_then(|s| scene.index.get(s)).copied();
                let world = match selected {
                    Some(i) if zoom < DETAIL_ZOOM => scene.tree_bounds(i),
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
        let target = selection.as_ref().and_then(|s| scene.index.get(s)).copied();
        if let Some(i) = target {
            let readable = if editing { READABLE_ZOOM } else { 0.0 };
            if canvas.center_selection {
                canvas.camera.center_on(rect, scene.rect(i), READABLE_ZOOM);
            } else if canvas.reveal_selection {
                canvas.camera.reveal(rect, scene.rect(i), readable);
            }
        }
        if canvas.fit_tree_pending
            && let Some(i) = target
        {
            canvas.camera.fit_smoothly(rect, scene.tree_bounds(i));
        }
        canvas.fit_tree_pending = false;
        canvas.reveal_selection = false;
        canvas.center_selection = false;
    }
}

/// Far zoom: a click selects the block under the pointer, a double-click zooms to it.
pub(super) fn block_clicks_ui(
    cx: &Viewer<'_>,
    canvas: &CanvasState,
    scene: &Scene,
    bg: &egui::Response,
) {
    {
        let Some(pos) = bg.interact_pointer_pos() else {
            return;
        };
        if !(bg.clicked() || bg.double_clicked()) {
            return;
        }
        let world = canvas.camera.to_world(canvas.rect, pos);
        let pad = 4.0 / canvas.camera.zoom;
        let hit = scene
            .query(Rect::from_center_size(world, Vec2::splat(pad)))
            .into_iter()
            .next();
        cx.commands.send(match hit {
            Some(i) if bg.double_clicked() => UiCommand::SelectAndCenter(scene.ids[i].clone()),
            Some(i) => UiCommand::Select(scene.ids[i].clone()),
            None => UiCommand::Deselect,
        });
    }
}

/// Drag a card onto another to reparent it: the target is outlined green, or red (with
/// a toast on release) when it lies inside the dragged subtree.
pub(super) fn drag_ui(
    ui: &egui::Ui,
    cx: &Viewer<'_>,
    canvas: &mut CanvasState,
    painter: &egui::Painter,
) {
    {
        let scene = &cx.derived.scene;
        let (camera, canvas_rect) = (canvas.camera.clone(), canvas.rect);
        let Some(drag) = canvas.drag.as_mut() else {
            return;
        };
        let (pointer, down) = ui.input(|i| (i.pointer.interact_pos(), i.pointer.primary_down()));
        if let Some(p) = pointer {
            let world = camera.to_world(canvas_rect, p);
            let under = scene
                .query(Rect::from_center_size(world, Vec2::splat(1.0)))
                .into_iter()
                .map(|i| scene.ids[i].clone())
                .find(|t| t != &drag.id);
            let map = cx.session.map();
            drag.target = under.map(|t| {
                let ok = !map.is_ancestor_or_self(drag.id.as_str(), t.as_str());
                (t, ok)
            });
            if let Some(&i) = scene.index.get(&drag.id) {
                let size = scene.rect(i).size() * camera.zoom;
                let ghost = Rect::from_min_size(p - drag.grab, size);
                let color = match &drag.target {
                    Some((_, false)) => cx.palette.danger,
                    _ => cx.palette.accent,
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
                        cards::title_font(camera.zoom.max(0.5)),
                        cx.palette.text,
                    );
                }
            }
            ui.ctx().set_cursor_icon(match &drag.target {
                Some((_, false)) => egui::CursorIcon::NotAllowed,
                _ => egui::CursorIcon::Grabbing,
            });
        }
        if !down
            && let Some(drag) = canvas.drag.take()
            && let Some((target, _)) = drag.target
        {
            cx.commands.send(UiCommand::Reparent(drag.id, target));
        }
    }
}

/// The inline title editor over the card being edited. It gets the keyboard before it is
/// drawn, reads this frame's letters, and only then acts on Enter (keep), Tab (keep and
/// add a child) or Esc (cancel) — the router makes that key the frame's last.
pub(super) fn title_editor_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    if view.outline_has_keyboard() {
        // The outline draws the editor in its row.
        return;
    }
    let scene = &cx.derived.scene;
    let zoom = view.canvas.camera.zoom;
    let now = ui.input(|inp| inp.time);
    let Some(i) = view
        .title_edit()
        .and_then(|e| scene.index.get(&e.id).copied())
    else {
        return;
    };
    let card = view.canvas.drawn_rect(scene, i, now);
    let Some(edit) = view.title_edit_mut() else {
        return;
    };
    let area = cards::title_rect(card, zoom, scene.card[i], cx.derived.measure.line_height);
    let underline = Rect::from_min_max(
        area.left_bottom(),
        area.right_bottom() + Vec2::new(0.0, 2.0),
    );
    let palette = cx.palette;
    ui.painter()
        .rect_filled(area.expand(3.0), 4.0, palette.accent.gamma_multiply(0.06));
    ui.painter().rect_filled(underline, 0.0, palette.accent);
    inline_title_editor_ui(ui, cx, edit, area, cards::title_font(zoom));
}

/// The title editor itself, in `area` (a card's title on the canvas, a row of the outline):
/// it takes the keyboard when asked, reads this frame's letters, and only then acts on
/// Enter (keep), Tab (keep and add a child) or Esc (cancel) — the router makes that key the
/// frame's last. A click elsewhere keeps what was typed.
pub(crate) fn inline_title_editor_ui(
    ui: &mut egui::Ui,
    cx: &Viewer<'_>,
    edit: &mut TitleEdit,
    area: Rect,
    font: egui::FontId,
) {
    let id = Id::unique("fulcrum_title_editor");
    if edit.wants_focus {
        ui.memory_mut(|m| m.request_focus(id));
        edit.wants_focus = false;
    }
    let focused = ui.memory(|m| m.has_focus(id));
    let editor = egui::TextEdit::singleline(&mut edit.text)
        .id(id)
        .font(font)
        .text_color(cx.palette.text)
        .hint_text(edit.hint.clone())
        .frame(egui::Frame::NONE)
        .desired_width(area.width())
        .return_key(None)
        .event_filter(egui::EventFilter {
            tab: true,
            escape: true,
            horizontal_arrows: true,
            vertical_arrows: true,
        });
    let response = ui.put(area, editor);
    let key = |k: Key| focused && ui.input_mut(|inp| inp.consume_key(Modifiers::NONE, k));
    let ended = if key(Key::Escape) {
        Some(UiCommand::CancelTitle)
    } else if key(Key::Enter) {
        Some(UiCommand::CommitTitle)
    } else if key(Key::Tab) {
        Some(UiCommand::CommitTitleAndAddChild)
    } else {
        None
    };
    if let Some(command) = ended {
        // The keyboard goes back to the canvas or the outline from the next key on.
        response.surrender_focus();
        cx.commands.send(command);
    } else if response.lost_focus() {
        cx.commands.send(UiCommand::CommitTitle);
    }
}

/// Clicks, double-clicks, drags and the context menu of one card.
pub(super) fn card_response(
    response: &egui::Response,
    cx: &Viewer<'_>,
    view: &View,
    id: &NodeId,
    drag: &mut Option<Drag>,
    rect: Rect,
) {
    if response.double_clicked() {
        cx.commands.send(UiCommand::EditTitleOf(id.clone()));
    } else if response.clicked() {
        cx.commands.send(UiCommand::Select(id.clone()));
    }
    if response.drag_started()
        && let Some(p) = response.interact_pointer_pos()
    {
        *drag = Some(Drag {
            id: id.clone(),
            grab: p - rect.min,
            target: None,
        });
        cx.commands.send(UiCommand::Select(id.clone()));
    }
    response.context_menu(|ui| card_menu_ui(ui, cx, view, id));
}
