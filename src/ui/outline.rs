//! The outline (View → Outline, Ctrl+Shift+O): the map as an indented list beside the
//! canvas, one row a node, edited with the canvas's keyboard map. The selection and the
//! folds are the view's, shared with the canvas; a click on a row gives the outline the
//! keyboard, a click on the canvas takes it back.
//!
//! Keys reach the outline through the keyboard router as they reach the canvas
//! (`Owner::Outline`) and become the same actions of the table; only the arrows differ:
//! Up/Down go to the row above/below, Left to the parent, Right to the first child
//! (unfolding it). The title editor opens in the row instead of on the card.
//!
//! Only the rows in view are built: the flattened list of shown rows is kept and rebuilt
//! only when the document generation or the fold version changes, and
//! `ScrollArea::show_rows` lays out just the visible slice — so a frame costs the same at
//! 100k nodes as at 100.

use std::collections::HashMap;

use egui::{Align2, Color32, FontId, Id, Rect, Sense, Stroke, Vec2};

use super::FulcrumApp;
use super::Viewer;
use super::canvas::inline_title_editor_ui;
use super::commands::UiCommand;
use super::editing::Dir;
use super::view::{Folds, View};
use crate::look::{Width, format_value};
use crate::model::{Map, NodeId, NodeKind};

/// The height of a row, in points.
const ROW_HEIGHT: f32 = 24.0;
/// Indentation per level, in points.
const INDENT: f32 = 18.0;
/// Levels indented before the indentation stops growing (a 100 000-deep chain stays on
/// screen); deeper rows show their level instead.
const MAX_INDENT_LEVELS: u32 = 24;

/// One shown row.
struct Row {
    id: NodeId,
    depth: u32,
    children: u32,
}

/// The shown rows in order, and each shown node's row, for one generation and fold version.
#[derive(Default)]
struct Rows {
    key: Option<(u64, u64)>,
    rows: Vec<Row>,
    index: HashMap<NodeId, usize>,
}

impl Rows {
    /// Rebuilds the list when the map or the folds changed since it was built.
    fn refresh(&mut self, map: &Map, generation: u64, folds: &Folds) {
        let key = (generation, folds.version());
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        self.rows.clear();
        self.index.clear();
        let dense = map.dense();
        let folded = folds.set();
        // Depth-first with an explicit stack: any depth is fine.
        let mut stack: Vec<(usize, u32)> = (0..dense.ids.len())
            .rev()
            .filter(|&k| dense.parent[k].is_none())
            .map(|k| (k, 0))
            .collect();
        while let Some((k, depth)) = stack.pop() {
            let id = dense.ids[k];
            let children = dense.children(k);
            self.index.insert(id.clone(), self.rows.len());
            self.rows.push(Row {
                id: id.clone(),
                depth,
                children: children.len() as u32,
            });
            if folded.is_empty() || !folded.contains(id) {
                stack.extend(children.iter().rev().map(|&c| (c as usize, depth + 1)));
            }
        }
    }
}

/// The outline's view state.
#[derive(Default)]
pub(crate) struct OutlineState {
    /// The outline, not the canvas, gets the keyboard (while it is open).
    pub has_keyboard: bool,
    rows: Rows,
    /// The selection the list was last scrolled to show.
    scrolled_to: Option<NodeId>,
    /// The scroll offset and the height of the list in the last frame.
    offset: f32,
    viewport: f32,
}

impl OutlineState {
    /// The shown row after (`down`) or before the row of `id`.
    fn neighbour(&self, id: &str, down: bool) -> Option<NodeId> {
        let &i = self.rows.index.get(id)?;
        let j = if down { i + 1 } else { i.checked_sub(1)? };
        self.rows.rows.get(j).map(|r| r.id.clone())
    }

    /// The scroll offset that shows the row of `id` (`None`: it is shown, or not a row).
    fn offset_showing(&self, id: &str) -> Option<f32> {
        let &i = self.rows.index.get(id)?;
        let top = i as f32 * ROW_HEIGHT;
        if top < self.offset {
            Some(top)
        } else if top + ROW_HEIGHT > self.offset + self.viewport && self.viewport > 0.0 {
            Some(top + ROW_HEIGHT - self.viewport)
        } else {
            None
        }
    }
}

impl FulcrumApp {
    /// View → Outline: opens it with the keyboard, or closes it (the canvas gets the keys).
    pub(crate) fn toggle_outline(&mut self) {
        let open = !self.view.panels.outline;
        self.view.panels.outline = open;
        self.view.outline.has_keyboard = open;
    }

    /// An arrow key while the outline has the keyboard: the row above or below, the parent,
    /// or the first child (unfolded).
    pub(crate) fn navigate_outline(&mut self, dir: Dir) {
        let map = self.session.map();
        let Some(current) = self.view.selection.clone() else {
            self.view.selection = map.roots().next().cloned();
            return;
        };
        let outline = &mut self.view.outline;
        outline
            .rows
            .refresh(map, self.session.doc.generation(), &self.view.folds);
        let target = match dir {
            Dir::Up => outline.neighbour(current.as_str(), false),
            Dir::Down => outline.neighbour(current.as_str(), true),
            Dir::Left => map.parent(current.as_str()).cloned(),
            Dir::Right => {
                let first = map.children(current.as_str()).next().cloned();
                if first.is_some() {
                    self.view.folds.unfold(current.as_str());
                }
                first
            }
        };
        if let Some(t) = target {
            self.view.select_and_reveal(t);
        }
    }

    /// Opens the outline (with the keyboard) or closes it, for tests and benches.
    pub fn show_outline(&mut self, open: bool) {
        if self.view.panels.outline != open {
            self.toggle_outline();
        }
    }

    /// Whether the outline has the keyboard (rather than the canvas).
    pub fn outline_has_keyboard(&self) -> bool {
        self.view.outline_has_keyboard()
    }

    /// How many rows the outline shows (nodes not under a fold), as of the last frame.
    pub fn outline_row_count(&self) -> usize {
        self.view.outline.rows.rows.len()
    }
}

/// The outline panel, on the left of the canvas.
pub(crate) fn outline_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let map = cx.session.map();
    view.outline
        .rows
        .refresh(map, cx.session.doc.generation(), &view.folds);
    egui::Panel::left("outline")
        .resizable(true)
        .default_size(360.0)
        .min_size(200.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("Outline");
                let count = view.outline.rows.rows.len();
                ui.weak(format!("{count} of {} nodes shown", map.len()));
            });
            ui.separator();
            if map.is_empty() {
                ui.weak("This map is empty — press Tab to add a metric.");
            }
            rows_ui(ui, cx, view);
        });
}

fn rows_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let mut area = egui::ScrollArea::vertical()
        .id_salt("outline_rows")
        .auto_shrink([false, false]);
    // A new selection is scrolled into view once; a row being edited always is (its
    // editor must be built to get the keys).
    let editing = view
        .title_edit()
        .map(|e| e.id.clone())
        .filter(|_| view.outline_has_keyboard());
    let follow = if editing.is_some() {
        editing
    } else if view.outline.scrolled_to != view.selection {
        view.outline.scrolled_to = view.selection.clone();
        view.selection.clone()
    } else {
        None
    };
    if let Some(offset) = follow.and_then(|s| view.outline.offset_showing(s.as_str())) {
        area = area.vertical_scroll_offset(offset);
    }
    let total = view.outline.rows.rows.len();
    ui.spacing_mut().item_spacing.y = 0.0;
    let mut clicked = false;
    let output = area.show_rows(ui, ROW_HEIGHT, total, |ui, range| {
        for i in range {
            clicked |= row_ui(ui, cx, view, i);
        }
    });
    view.outline.offset = output.state.clamped_offset().y;
    view.outline.viewport = output.inner_rect.height();
    let pressed_here =
        ui.input(|i| i.pointer.any_pressed()) && ui.rect_contains_pointer(output.inner_rect);
    if clicked || pressed_here {
        view.outline.has_keyboard = true;
    }
}

/// One row: fold triangle, kind dot, title (or the title editor), a metric's value. Returns
/// whether it was clicked.
fn row_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View, i: usize) -> bool {
    let map = cx.session.map();
    let Some(row) = view.outline.rows.rows.get(i) else {
        return false;
    };
    let (id, depth, children) = (row.id.clone(), row.depth, row.children);
    let Some(node) = map.node(id.as_str()) else {
        return false;
    };
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, ROW_HEIGHT), Sense::click());
    let selected = view.selection.as_ref() == Some(&id);
    let palette = cx.palette;
    let painter = ui.painter_at(rect);
    if selected {
        let fill = if view.outline_has_keyboard() {
            palette.accent.gamma_multiply(0.22)
        } else {
            palette.accent.gamma_multiply(0.10)
        };
        painter.rect_filled(rect, 3.0, fill);
    } else if response.hovered() {
        painter.rect_filled(rect, 3.0, palette.accent.gamma_multiply(0.06));
    }
    let levels = depth.min(MAX_INDENT_LEVELS);
    let mut x = rect.left() + 4.0 + levels as f32 * INDENT;
    let mid = rect.center().y;
    let text_color = palette.text;
    if depth > MAX_INDENT_LEVELS {
        painter.text(
            egui::pos2(x - 2.0, mid),
            Align2::RIGHT_CENTER,
            format!("{depth}·"),
            FontId::proportional(10.0),
            palette.muted,
        );
    }
    if children > 0 {
        let tri = Rect::from_center_size(egui::pos2(x + 7.0, mid), Vec2::splat(16.0));
        let toggle = ui.interact(
            tri,
            Id::unique(("outline_fold", id.as_str())),
            Sense::click(),
        );
        let folded = view.folds.contains(id.as_str());
        let color = if toggle.hovered() {
            palette.accent
        } else {
            palette.muted
        };
        painter.add(egui::Shape::convex_polygon(
            fold_triangle(tri.center(), folded),
            color,
            Stroke::NONE,
        ));
        if toggle.clicked() {
            cx.commands.send(UiCommand::ToggleFold(id.clone()));
        }
        let tip = if folded {
            format!("Unfold: show {} children", children)
        } else {
            "Fold this subtree".to_owned()
        };
        toggle.on_hover_text(tip);
    }
    x += 18.0;
    painter.circle_filled(egui::pos2(x + 4.0, mid), 4.5, palette.kind(node.kind));
    x += 14.0;
    let value = value_text(cx, &id, node);
    let value_width = if value.is_some() { 90.0 } else { 0.0 };
    let title_rect = Rect::from_min_max(
        egui::pos2(x, rect.top() + 2.0),
        egui::pos2(rect.right() - 6.0 - value_width, rect.bottom() - 2.0),
    );
    let editing_here = view.outline_has_keyboard()
        && view.title_edit().is_some_and(|e| e.id == id)
        && title_rect.width() > 20.0;
    if editing_here {
        if let Some(edit) = view.title_edit_mut() {
            painter.line_segment(
                [title_rect.left_bottom(), title_rect.right_bottom()],
                Stroke::new(1.5, palette.accent),
            );
            inline_title_editor_ui(ui, cx, edit, title_rect, FontId::proportional(14.0));
        }
    } else {
        let font = FontId::proportional(14.0);
        let mut job = egui::text::LayoutJob::simple_singleline(
            node.title.clone(),
            font,
            title_color(node.kind, text_color),
        );
        job.wrap = egui::text::TextWrapping::truncate_at_width(title_rect.width().max(0.0));
        let galley = painter.layout_job(job);
        let pos = egui::pos2(title_rect.left(), mid - galley.size().y / 2.0);
        painter.galley(pos, galley, text_color);
    }
    if let Some(value) = value {
        painter.text(
            egui::pos2(rect.right() - 6.0, mid),
            Align2::RIGHT_CENTER,
            value,
            FontId::proportional(12.0),
            palette.muted,
        );
    }
    let response = response.on_hover_text(node.title.clone());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TreeItem, true, &node.title));
    if response.double_clicked() {
        cx.commands.send(UiCommand::EditTitleOf(id.clone()));
    } else if response.clicked() {
        cx.commands.send(UiCommand::Select(id.clone()));
    }
    response.context_menu(|ui| super::menus::card_menu_ui(ui, cx, view, &id));
    response.clicked() || response.double_clicked()
}

/// A fold toggle's triangle around `c`: pointing right when folded, down when open.
fn fold_triangle(c: egui::Pos2, folded: bool) -> Vec<egui::Pos2> {
    let r = 4.5;
    if folded {
        vec![
            egui::pos2(c.x - r * 0.6, c.y - r),
            egui::pos2(c.x + r * 0.9, c.y),
            egui::pos2(c.x - r * 0.6, c.y + r),
        ]
    } else {
        vec![
            egui::pos2(c.x - r, c.y - r * 0.6),
            egui::pos2(c.x + r, c.y - r * 0.6),
            egui::pos2(c.x, c.y + r * 0.9),
        ]
    }
}

/// Notes recede a little, as on the canvas.
fn title_color(kind: NodeKind, text: Color32) -> Color32 {
    if kind == NodeKind::Note {
        text.gamma_multiply(0.8)
    } else {
        text
    }
}

/// A metric's value as the canvas shows it (compact), `None` for other kinds.
fn value_text(cx: &Viewer<'_>, id: &NodeId, node: &crate::model::Node) -> Option<String> {
    if node.kind != NodeKind::Metric {
        return None;
    }
    Some(match cx.derived.figures.value(id.as_str())? {
        Ok(v) => format_value(
            v,
            node.display.unwrap_or_default(),
            node.unit.as_deref(),
            Width::Compact,
        ),
        Err(_) => "no value".to_owned(),
    })
}
