//! The map view: pan and zoom, culling to the visible cards, edges and links, cards at two
//! levels of detail, fold badges, the inline title editor and drag-to-reparent.
//!
//! Positions come from the frame's derived [`Scene`]; nothing here lays out the tree or
//! computes values. When the layout changes, cards glide from where they were to where they
//! are (~160 ms). The canvas changes only its own view state (camera, drag); every other
//! gesture is sent as a [`super::commands::UiCommand`], handled with the keyboard's.

use egui::epaint::Mesh;
use egui::{Id, Pos2, Rect, Sense, Shape, Stroke, Vec2};

mod interact;

pub(crate) use interact::inline_title_editor_ui;

use interact::{
    Drag, block_clicks_ui, camera_goals, camera_input_ui, card_response, drag_ui, title_editor_ui,
};

use super::Viewer;
use super::blocks;
use super::camera::Camera;
use super::card_geometry::{self, DETAIL_ZOOM};
use super::cards::{CardPaint, CardState};
use super::commands::UiCommand;
use super::edges;
use super::scene::Scene;
use super::view::View;
use crate::look::{Width, format_value};

/// How long cards glide to a new layout, in seconds.
const ANIMATION_SECS: f64 = 0.16;
/// Layouts with more cards than this change without gliding.
const MAX_ANIMATED: usize = 20_000;
/// The most links drawn as dashed, labelled curves in one frame; past it they are lines.
const MAX_DETAILED_LINKS: usize = 300;
/// The most far-zoom blocks that get their titles drawn in one frame.
const MAX_TITLED_BLOCKS: usize = 1500;
/// The zoom the camera moves to when a card must be readable (editing, search hits).
const READABLE_ZOOM: f32 = 0.8;

/// View state of the canvas.
pub(crate) struct CanvasState {
    /// Zoom and pan.
    pub camera: Camera,
    /// The canvas area on screen in the last frame.
    pub rect: Rect,
    /// Fit the map to the window on the next frame.
    pub fit_pending: bool,
    /// …without gliding (on open).
    pub fit_instantly: bool,
    /// …as on opening a map: the whole map if readable, else the selection's tree.
    pub opening: bool,
    /// Bring the selection into view on the next frame.
    pub reveal_selection: bool,
    /// Centre the selection on the next frame (search jumps).
    pub center_selection: bool,
    /// Fit the selection's tree to the window on the next frame.
    pub fit_tree_pending: bool,
    anim: Option<Anim>,
    drag: Option<Drag>,
    last_time: Option<f64>,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            camera: Camera::default(),
            rect: Rect::from_min_size(Pos2::ZERO, Vec2::new(1200.0, 800.0)),
            fit_pending: true,
            fit_instantly: true,
            opening: true,
            reveal_selection: false,
            center_selection: false,
            fit_tree_pending: false,
            anim: None,
            drag: None,
            last_time: None,
        }
    }
}

/// Where each card was when the layout last changed, and when.
struct Anim {
    from: Vec<Pos2>,
    start: f64,
}

impl CanvasState {
    /// A card's rectangle on screen (at its final place, ignoring any glide).
    pub fn screen_rect(&self, scene: &Scene, i: usize) -> Rect {
        self.camera.rect_to_screen(self.rect, scene.rect(i))
    }

    /// Sets the zoom around the canvas centre.
    pub fn set_zoom(&mut self, zoom: f32) {
        let factor = zoom / self.camera.zoom;
        self.camera.zoom_at(self.rect, self.rect.center(), factor);
        self.fit_pending = false;
    }

    /// Zooms by `factor` around the canvas centre.
    pub fn zoom_step(&mut self, factor: f32) {
        self.camera.zoom_at(self.rect, self.rect.center(), factor);
        self.fit_pending = false;
    }

    /// Starts a glide from the cards' current places (in `old`) to `new`.
    pub fn start_animation(&mut self, old: Option<&Scene>, new: &Scene, now: f64) {
        self.anim = None;
        let Some(old) = old else {
            return;
        };
        if new.ids.len() > MAX_ANIMATED || old.ids.len() > MAX_ANIMATED {
            return;
        }
        let mut moved = false;
        let mut from = Vec::with_capacity(new.ids.len());
        for (i, id) in new.ids.iter().enumerate() {
            let target = new.rect(i).min;
            let mut cur = Some(i);
            let mut found = None;
            while let Some(k) = cur {
                if let Some(&j) = old.index.get(&new.ids[k]) {
                    found = Some(self.world_pos_with(old, j, now));
                    break;
                }
                cur = new.parent[k];
            }
            let start = found.unwrap_or(target);
            moved |= start != target || !old.index.contains_key(id);
            from.push(start);
        }
        if moved {
            self.anim = Some(Anim { from, start: now });
        }
    }

    fn progress(&self, now: f64) -> Option<f32> {
        let anim = self.anim.as_ref()?;
        let t = ((now - anim.start) / ANIMATION_SECS).clamp(0.0, 1.0) as f32;
        (t < 1.0).then(|| 1.0 - (1.0 - t).powi(3))
    }

    fn world_pos_with(&self, scene: &Scene, i: usize, now: f64) -> Pos2 {
        let to = scene.rect(i).min;
        match (self.progress(now), self.anim.as_ref()) {
            (Some(t), Some(anim)) => match anim.from.get(i) {
                Some(from) => from.lerp(to, t),
                None => to,
            },
            _ => to,
        }
    }

    /// A card's rectangle on screen as drawn this frame (mid-glide if one is running).
    fn drawn_rect(&self, scene: &Scene, i: usize, now: f64) -> Rect {
        let world = Rect::from_min_size(self.world_pos_with(scene, i, now), scene.rect(i).size());
        self.camera.rect_to_screen(self.rect, world)
    }
}

/// Whether a pointer button went down over the canvas itself (not over a window or menu
/// above it) this frame.
fn pressed_over(ui: &egui::Ui, rect: Rect) -> bool {
    let (pressed, pos) = ui.input(|i| (i.pointer.any_pressed(), i.pointer.interact_pos()));
    pressed
        && pos.is_some_and(|p| {
            rect.contains(p)
                && ui
                    .ctx()
                    .layer_id_at(p)
                    .is_none_or(|l| l.order == egui::Order::Background)
        })
}

/// The central canvas.
pub(crate) fn canvas_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let frame = egui::Frame::NONE.fill(cx.palette.canvas);
    egui::CentralPanel::default()
        .frame(frame)
        .show(ui, |ui| canvas_inner_ui(ui, cx, view));
}

fn canvas_inner_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    {
        let scene = &cx.derived.scene;
        let figures = &cx.derived.figures;
        let rect = ui.max_rect();
        view.canvas.rect = rect;
        let bg = ui.interact(rect, Id::unique("fulcrum_canvas"), Sense::click_and_drag());
        let now = ui.input(|i| i.time);
        let dt = view.canvas.last_time.map_or(0.0, |t| (now - t) as f32);
        view.canvas.last_time = Some(now);
        camera_input_ui(ui, &mut view.canvas, rect, &bg);
        if pressed_over(ui, rect) {
            // A click on the canvas gives it the keyboard back from the outline.
            view.outline.has_keyboard = false;
        }
        if let super::view::Mode::Presenting(p) = &mut view.mode {
            super::present::frame_step(p, scene, &mut view.canvas);
        }
        let presenting = view.presentation().is_some();
        camera_goals(view, scene, rect);
        if view.canvas.camera.step(dt) || view.canvas.progress(now).is_some() {
            ui.ctx().request_repaint();
        }
        let cam = view.canvas.camera.clone();
        let painter = ui.painter_at(rect);
        let detail = cam.zoom >= DETAIL_ZOOM;
        let world_view = cam.visible_world(rect);
        let animating = view.canvas.progress(now).is_some();
        let margin = Vec2::new(400.0, 200.0).max(Vec2::splat(120.0 / cam.zoom));
        // Cards near the view (for edges that reach into it) and the cards in it; far out,
        // one query serves both (blocks just past the edge are clipped).
        let (near, visible): (Vec<usize>, Vec<usize>) = if animating {
            let shown: Vec<usize> = (0..scene.ids.len())
                .filter(|&i| view.canvas.drawn_rect(scene, i, now).intersects(rect))
                .collect();
            (shown.clone(), shown)
        } else if detail {
            (
                scene.query(world_view.expand2(margin)),
                scene.query(world_view),
            )
        } else {
            let near = scene.query(world_view.expand2(margin));
            (near.clone(), near)
        };
        let mut drag = view.canvas.drag.take();
        let drawn = |i: usize| view.canvas.drawn_rect(scene, i, now);
        // Edges.
        let edge_color = cx.palette.edge;
        if detail {
            let stroke = Stroke::new((1.6 * cam.zoom).clamp(1.0, 3.0), edge_color);
            for &i in &near {
                if let Some(p) = scene.parent[i] {
                    let (a, b) = edges::edge_ends(drawn(p), drawn(i), scene.is_left_right(i));
                    edges::curve(&painter, a, b, scene.is_left_right(i), stroke);
                }
            }
        } else {
            let mut mesh = Mesh::default();
            for &i in &near {
                if let Some(p) = scene.parent[i] {
                    let (a, b) = edges::edge_ends(drawn(p), drawn(i), scene.is_left_right(i));
                    edges::segment(&mut mesh, a, b, 1.0, edge_color);
                }
            }
            painter.add(Shape::mesh(mesh));
        }
        // Links between trees.
        let style = edges::LinkStyle {
            zoom: cam.zoom,
            color: cx.palette.link,
            label_bg: cx.palette.card,
            show_label: detail,
        };
        let shown_links: Vec<(Rect, Rect, crate::model::LinkKind)> = scene
            .links
            .iter()
            .filter_map(|&(from, to, kind)| {
                let (a, b) = (drawn(from), drawn(to));
                a.union(b).intersects(rect).then_some((a, b, kind))
            })
            .collect();
        if detail && shown_links.len() <= MAX_DETAILED_LINKS {
            for (a, b, kind) in shown_links {
                edges::link(&painter, a, b, kind, &style);
            }
        } else {
            // Many links, or far out: thin straight lines in one mesh, so a map with 10k
            // links costs one shape, not a million dashes.
            let mut mesh = Mesh::default();
            let color = cx.palette.link.gamma_multiply(0.6);
            for (a, b, _) in shown_links {
                edges::segment(&mut mesh, a.center(), b.center(), 1.0, color);
            }
            painter.add(Shape::mesh(mesh));
        }
        // Cards.
        let map = cx.session.map();
        let hit = view.search.current_hit().cloned();
        let drop_target = drag.as_ref().and_then(|d| d.target.clone());
        let dragging = drag.as_ref().map(|d| d.id.clone());
        if detail {
            let mut paint = CardPaint {
                painter: &painter,
                palette: cx.palette,
                map,
                figures,
                zoom: cam.zoom,
                measure: &cx.derived.measure,
                why: view.panels.why.then_some(&view.why),
            };
            for &i in &visible {
                let id = &scene.ids[i];
                let Some(node) = map.node(id.as_str()) else {
                    continue;
                };
                let r = drawn(i);
                let response = ui
                    .interact(
                        r,
                        Id::unique(("card", id.as_str())),
                        Sense::click_and_drag(),
                    )
                    .on_hover_cursor(egui::CursorIcon::PointingHand);
                // A reason too long for the card is shown in full on hover; over the
                // sparkline, each period's value.
                let size = scene.card[i];
                let line_height = cx.derived.measure.line_height;
                let over_spark = node.kind == crate::model::NodeKind::Metric
                    && response.hover_pos().is_some_and(|p| {
                        card_geometry::spark_rect(r, cam.zoom, size, line_height).contains(p)
                    });
                let response = match paint.figures.value(id.as_str()) {
                    Some(Err(reason)) if node.formula.is_some() => {
                        response.on_hover_text(format!("no value: {reason}"))
                    }
                    Some(Ok(_)) if over_spark => {
                        let display = node.display.unwrap_or_default();
                        let unit = node.unit.as_deref();
                        let lines: Vec<String> = paint
                            .figures
                            .history(map, id.as_str())
                            .into_iter()
                            .map(|(p, v)| {
                                format!("{p}: {}", format_value(v, display, unit, Width::Full))
                            })
                            .collect();
                        if lines.is_empty() {
                            response
                        } else {
                            response.on_hover_text(lines.join("\n"))
                        }
                    }
                    _ => response,
                };
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, &node.title)
                });
                let state = CardState {
                    selected: view.selection.as_ref() == Some(id),
                    hovered: response.hovered() && dragging.is_none(),
                    search_hit: hit.as_ref() == Some(id),
                    drop: drop_target
                        .as_ref()
                        .filter(|(t, _)| t == id)
                        .map(|(_, ok)| *ok),
                    editing: view.title_edit().is_some_and(|e| &e.id == id),
                };
                paint.card(id, node, r, scene.card[i], state);
                if let Some(p) = view.presentation() {
                    // Presenting: the step's cards stand out, the rest recede; no editing.
                    if !p.in_focus(id) {
                        painter.rect_filled(
                            r.expand(6.0),
                            10.0,
                            cx.palette.canvas.gamma_multiply(0.78),
                        );
                    }
                    continue;
                }
                card_response(&response, cx, view, id, &mut drag, r);
                if response.clicked() || response.double_clicked() || response.drag_started() {
                    // A card used gives the canvas the keyboard back from the outline.
                    view.outline.has_keyboard = false;
                }
                if scene.has_children(i) {
                    let badge = blocks::fold_badge_rect(r, scene.is_left_right(i), cam.zoom);
                    let b = ui.interact(badge, Id::unique(("fold", id.as_str())), Sense::click());
                    let hidden = scene.hidden[i];
                    if hidden > 0 || state.selected || response.hovered() || b.hovered() {
                        blocks::fold_badge(
                            &painter,
                            cx.palette,
                            node.kind,
                            badge,
                            hidden,
                            b.hovered(),
                        );
                    }
                    if b.clicked() {
                        cx.commands.send(UiCommand::ToggleFold(id.clone()));
                    }
                    let tip = if hidden > 0 {
                        format!("Unfold: show {hidden} hidden nodes")
                    } else {
                        "Fold this subtree".to_owned()
                    };
                    b.on_hover_text(tip);
                }
            }
        } else {
            let looks = cx.derived.block_looks(cx.session);
            // Titles on blocks while each can hold one at a readable size, and while there
            // are few enough to lay out in a frame.
            let titled = blocks::can_hold_titles(cam.zoom) && visible.len() <= MAX_TITLED_BLOCKS;
            let mut mesh = Mesh::default();
            mesh.reserve_triangles(visible.len() * 8);
            mesh.reserve_vertices(visible.len() * 16);
            for &i in &visible {
                let id = &scene.ids[i];
                let Some(&(kind, rag)) = looks.get(i) else {
                    continue;
                };
                let selected = view.selection.as_ref() == Some(id) || hit.as_ref() == Some(id);
                // Semantic zoom: a block that can hold a legible title shows it instead of
                // skeleton lines.
                let skeleton = if titled {
                    0
                } else {
                    usize::from(scene.title_rows[i])
                };
                blocks::block(
                    &mut mesh,
                    cx.palette,
                    kind,
                    rag,
                    drawn(i),
                    cam.zoom,
                    skeleton,
                    selected,
                );
            }
            painter.add(Shape::mesh(mesh));
            if titled {
                for &i in &visible {
                    if let Some(node) = map.node(scene.ids[i].as_str()) {
                        blocks::block_title(&painter, cx.palette, &node.title, drawn(i), cam.zoom);
                    }
                }
            }
            if !presenting {
                block_clicks_ui(cx, &view.canvas, scene, &bg);
            }
        }
        if let Some(compare) = view.compare.as_ref().filter(|_| !presenting) {
            let cards = visible.iter().map(|&i| (&scene.ids[i], drawn(i)));
            super::compare::paint_marks(&painter, cx.palette, compare, cards, detail);
        }
        if presenting {
            return;
        }
        view.canvas.drag = drag;
        drag_ui(ui, cx, &mut view.canvas, &painter);
        title_editor_ui(ui, cx, view);
        if bg.clicked() && detail {
            cx.commands.send(UiCommand::Deselect);
        }
        if map.is_empty() {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "This map is empty — press Tab to add a metric",
                egui::FontId::proportional(18.0),
                cx.palette.muted,
            );
        }
    }
}
