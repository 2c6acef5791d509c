//! The assumption map (View → Assumption map, Ctrl+Shift+M; SPEC §5): the assumptions of
//! the selected solution, or of the selection's whole tree, placed by importance (up) and
//! evidence (right) on the 5 × 5 grid of their scores. The leap-of-faith quadrant
//! (importance ≥ 4, evidence ≤ 2: test these first) is shaded and labelled. Each assumption
//! is a dot with its title beside it (wrapped to three lines); a cell grows to hold every
//! title it has, so all stay readable. Dragging a dot to another cell sets both scores in one command
//! (`edit::ost::set_assumption_scores`, one undo step); assumptions not scored yet wait
//! in a tray below and are scored by dragging them in. A click selects the node.

use std::sync::Arc;

use egui::{Align2, FontId, Galley, Id, LayerId, Order, Pos2, Rect, Sense, Stroke, Vec2};

use super::Viewer;
use super::commands::UiCommand;
use super::view::View;
use crate::model::{Map, NodeId, NodeKind};

/// The least height of one assumption's chip in a cell, in points.
const CHIP_HEIGHT: f32 = 24.0;
/// The smallest height of a row of cells.
const MIN_ROW_HEIGHT: f32 = 64.0;
/// The smallest width of a column of cells.
const MIN_COLUMN_WIDTH: f32 = 150.0;
/// Room for the importance axis on the left and the evidence axis below.
const AXIS_LEFT: f32 = 64.0;
const AXIS_BOTTOM: f32 = 42.0;
/// Room for the axis title above the grid.
const AXIS_TOP: f32 = 20.0;
/// The widest title of an assumption waiting to be scored.
const TRAY_TITLE_WIDTH: f32 = 300.0;
/// Room for the quadrant's label above the top row's dots.
const LABEL_ROOM: f32 = 18.0;

/// The assumption map's view state.
#[derive(Default)]
pub(crate) struct AssumptionMapState {
    /// Show the assumptions of the selection's whole tree, not only its solution's.
    pub whole_tree: bool,
    /// The assumptions shown, for a generation and scope (kept between frames).
    cache: Option<((u64, NodeId), Vec<NodeId>)>,
}

/// The nearest solution at or above `id`.
fn solution_of(map: &Map, id: &str) -> Option<NodeId> {
    let mut cur = map.id(id)?.clone();
    loop {
        if map.node(cur.as_str())?.kind == NodeKind::Solution {
            return Some(cur);
        }
        cur = map.parent(cur.as_str())?.clone();
    }
}

/// The window, while open.
pub(crate) fn assumption_map_ui(ctx: &egui::Context, cx: &Viewer<'_>, view: &mut View) {
    let mut open = view.panels.assumptions;
    egui::Window::new("Assumption map")
        .open(&mut open)
        .default_size([1000.0, 640.0])
        .min_width(600.0)
        .resizable(true)
        .show(ctx, |ui| map_ui(ui, cx, view));
    view.panels.assumptions = open;
}

fn map_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let map = cx.session.map();
    let selection = view.selection.clone();
    let solution = selection
        .as_ref()
        .and_then(|s| solution_of(map, s.as_str()));
    let root = selection
        .as_ref()
        .and_then(|s| map.root_of(s.as_str()).cloned());
    let state = &mut view.assumption_map;
    ui.horizontal(|ui| {
        let name = |id: &Option<NodeId>| {
            id.as_ref()
                .and_then(|i| map.node(i.as_str()))
                .map_or("—".to_owned(), |n| n.title.clone())
        };
        ui.add_enabled_ui(solution.is_some(), |ui| {
            if ui
                .radio(
                    !state.whole_tree && solution.is_some(),
                    format!("Solution: {}", name(&solution)),
                )
                .clicked()
            {
                state.whole_tree = false;
            }
        });
        if ui
            .radio(
                state.whole_tree || solution.is_none(),
                format!("Whole tree: {}", name(&root)),
            )
            .clicked()
        {
            state.whole_tree = true;
        }
    });
    let scope = if state.whole_tree {
        root.clone()
    } else {
        solution.clone().or(root.clone())
    };
    let Some(scope) = scope else {
        ui.weak("Select a solution, or any node of an opportunity solution tree, to map its assumptions.");
        return;
    };
    let key = (cx.session.doc.generation(), scope.clone());
    if state.cache.as_ref().is_none_or(|(k, _)| *k != key) {
        let ids = map
            .subtree(scope.as_str())
            .into_iter()
            .filter(|id| {
                map.node(id.as_str())
                    .is_some_and(|n| n.kind == NodeKind::Assumption)
            })
            .cloned()
            .collect();
        state.cache = Some((key, ids));
    }
    let ids = state
        .cache
        .as_ref()
        .map_or(&[][..], |(_, ids)| ids.as_slice());
    if ids.is_empty() {
        ui.weak("No assumptions here yet: add them under a solution (Tab on a solution adds one).");
        return;
    }
    // cells[importance - 1][evidence - 1]: the assumptions scored so; the rest unscored.
    let mut cells: Vec<Vec<Vec<(NodeId, String)>>> = vec![vec![Vec::new(); 5]; 5];
    let mut unscored = Vec::new();
    for id in ids {
        let Some(n) = map.node(id.as_str()) else {
            continue;
        };
        let entry = (id.clone(), n.title.clone());
        match (n.importance, n.evidence_strength) {
            (Some(i @ 1..=5), Some(e @ 1..=5)) => {
                cells[usize::from(i - 1)][usize::from(e - 1)].push(entry)
            }
            _ => unscored.push(entry),
        }
    }
    let leaps = ids
        .iter()
        .filter(|id| map.node(id.as_str()).is_some_and(|n| n.is_leap_of_faith()))
        .count();
    ui.weak(format!(
        "{} assumptions, {leaps} leaps of faith — drag a dot to rescore it",
        ids.len()
    ));
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let mut gesture = Gesture::default();
            let placed = grid_ui(ui, cx, selection.as_ref(), &cells, &mut gesture);
            if !unscored.is_empty() {
                ui.add_space(8.0);
                ui.strong("Not scored yet — drag into the grid");
                ui.horizontal_wrapped(|ui| {
                    for (id, title) in &unscored {
                        let galley = title_galley(ui, cx, title, TRAY_TITLE_WIDTH);
                        let size =
                            Vec2::new(galley.size().x + CHIP_TEXT_LEFT + 8.0, chip_height(&galley));
                        let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
                        let selected = selection.as_ref() == Some(id);
                        let dot = Dot {
                            id,
                            title,
                            scores: None,
                            selected,
                            galley,
                        };
                        chip_ui(ui, cx, &dot, rect, &mut gesture);
                    }
                });
            }
            let at = ui.input(|i| i.pointer.interact_pos().or(i.pointer.latest_pos()));
            if let Some(id) = gesture.dropped
                && let Some(p) = at
                && let Some(&((importance, evidence), _)) =
                    placed.iter().find(|(_, r)| r.contains(p))
                && let Some(c) =
                    crate::edit::ost::set_assumption_scores(map, id.as_str(), importance, evidence)
            {
                cx.commands.send(UiCommand::Edit(c));
            }
        });
}

/// What the dots are doing this frame.
#[derive(Default)]
struct Gesture {
    /// A dot is being dragged.
    dragging: bool,
    /// The dot whose drag ended.
    dropped: Option<NodeId>,
}

/// Each cell's (importance, evidence) and place on screen.
type Cells = Vec<((u8, u8), Rect)>;

/// A title laid out to `width`, on at most three lines.
fn title_galley(ui: &egui::Ui, cx: &Viewer<'_>, title: &str, width: f32) -> Arc<Galley> {
    let mut job = egui::text::LayoutJob::single_section(
        title.to_owned(),
        egui::TextFormat::simple(FontId::proportional(13.5), cx.palette.text),
    );
    job.wrap = egui::text::TextWrapping {
        max_width: width.max(20.0),
        max_rows: 3,
        break_anywhere: false,
        overflow_character: Some('…'),
    };
    ui.painter().layout_job(job)
}

/// The height of a chip holding `galley`.
fn chip_height(galley: &Galley) -> f32 {
    (galley.size().y + 8.0).max(CHIP_HEIGHT)
}

/// The 5 × 5 grid with the axes, the quadrant and every scored assumption; returns where
/// the cells are.
fn grid_ui(
    ui: &mut egui::Ui,
    cx: &Viewer<'_>,
    selection: Option<&NodeId>,
    cells: &[Vec<Vec<(NodeId, String)>>],
    gesture: &mut Gesture,
) -> Cells {
    let palette = cx.palette;
    let width = ui.available_width().max(AXIS_LEFT + 5.0 * MIN_COLUMN_WIDTH);
    let column = (width - AXIS_LEFT) / 5.0;
    // Every title wrapped to its cell, so the rows can be as tall as their fullest cell.
    let galleys: Vec<Vec<Vec<Arc<Galley>>>> = cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| {
                    cell.iter()
                        .map(|(_, t)| title_galley(ui, cx, t, column - 12.0 - CHIP_TEXT_LEFT))
                        .collect()
                })
                .collect()
        })
        .collect();
    // Row heights from the top (importance 5) down.
    let heights: Vec<f32> = (0..5)
        .rev()
        .map(|i: usize| {
            let fullest = galleys[i]
                .iter()
                .map(|cell| cell.iter().map(|g| chip_height(g) + 2.0).sum::<f32>())
                .fold(0.0, f32::max);
            let room = if i == 4 { LABEL_ROOM } else { 0.0 };
            (fullest + 14.0).max(MIN_ROW_HEIGHT) + room
        })
        .collect();
    let height: f32 = AXIS_TOP + heights.iter().sum::<f32>() + AXIS_BOTTOM;
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
    let painter = ui.painter_at(rect);
    let left = rect.left() + AXIS_LEFT;
    let mut tops = Vec::with_capacity(5);
    let mut y = rect.top() + AXIS_TOP;
    for h in &heights {
        tops.push(y);
        y += h;
    }
    let bottom = y;
    // cell(importance, evidence) on screen.
    let cell = |importance: u8, evidence: u8| -> Rect {
        let row = usize::from(5 - importance);
        let x = left + f32::from(evidence - 1) * column;
        Rect::from_min_size(Pos2::new(x, tops[row]), Vec2::new(column, heights[row]))
    };
    // The leap-of-faith quadrant: importance 4–5, evidence 1–2.
    let quadrant = cell(5, 1).union(cell(4, 2));
    painter.rect_filled(quadrant, 6.0, palette.danger.gamma_multiply(0.12));
    painter.rect_stroke(
        quadrant,
        6.0,
        Stroke::new(1.5, palette.danger.gamma_multiply(0.7)),
        egui::StrokeKind::Inside,
    );
    let grid = Stroke::new(1.0, palette.edge.gamma_multiply(0.5));
    for importance in 1..=5u8 {
        for evidence in 1..=5u8 {
            let r = cell(importance, evidence);
            painter.rect_stroke(r, 0.0, grid, egui::StrokeKind::Inside);
            let label = format!("importance {importance}, evidence {evidence}");
            ui.interact(
                r,
                Id::unique(("assumption_cell", importance, evidence)),
                Sense::hover(),
            )
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Cell, true, &label));
        }
    }
    // Axes.
    let small = FontId::proportional(12.0);
    for importance in 1..=5u8 {
        let r = cell(importance, 1);
        painter.text(
            Pos2::new(left - 8.0, r.center().y),
            Align2::RIGHT_CENTER,
            importance.to_string(),
            FontId::proportional(15.0),
            palette.text,
        );
    }
    painter.text(
        Pos2::new(rect.left() + 2.0, tops[0] + 2.0),
        Align2::LEFT_TOP,
        "high",
        small.clone(),
        palette.muted,
    );
    painter.text(
        Pos2::new(rect.left() + 2.0, bottom - 2.0),
        Align2::LEFT_BOTTOM,
        "low",
        small.clone(),
        palette.muted,
    );
    painter.text(
        Pos2::new(rect.left() + 2.0, rect.top() + 2.0),
        Align2::LEFT_TOP,
        "Importance",
        FontId::proportional(13.0),
        palette.text,
    );
    for evidence in 1..=5u8 {
        let r = cell(1, evidence);
        painter.text(
            Pos2::new(r.center().x, bottom + 4.0),
            Align2::CENTER_TOP,
            evidence.to_string(),
            FontId::proportional(15.0),
            palette.text,
        );
    }
    painter.text(
        Pos2::new(left, bottom + 22.0),
        Align2::LEFT_TOP,
        "weak evidence",
        small.clone(),
        palette.muted,
    );
    painter.text(
        Pos2::new(rect.right(), bottom + 22.0),
        Align2::RIGHT_TOP,
        "strong evidence",
        small,
        palette.muted,
    );
    painter.text(
        Pos2::new((left + rect.right()) / 2.0, bottom + 22.0),
        Align2::CENTER_TOP,
        "Evidence",
        FontId::proportional(13.0),
        palette.text,
    );
    painter.text(
        Pos2::new(quadrant.left() + 8.0, quadrant.top() + 4.0),
        Align2::LEFT_TOP,
        "Leap of faith — test first",
        FontId::proportional(13.0),
        palette.danger,
    );
    let cell_at = |p: Pos2| -> Option<(u8, u8)> {
        (1..=5u8)
            .flat_map(|i| (1..=5u8).map(move |e| (i, e)))
            .find(|&(i, e)| cell(i, e).contains(p))
    };
    for importance in 1..=5u8 {
        for evidence in 1..=5u8 {
            let r = cell(importance, evidence);
            let entries = &cells[usize::from(importance - 1)][usize::from(evidence - 1)];
            // The quadrant's label sits above the top row's dots.
            let label_room = if importance == 5 { LABEL_ROOM } else { 0.0 };
            let mut top = r.top() + 7.0 + label_room;
            let laid = &galleys[usize::from(importance - 1)][usize::from(evidence - 1)];
            for ((id, title), galley) in entries.iter().zip(laid) {
                let h = chip_height(galley);
                let chip = Rect::from_min_size(
                    Pos2::new(r.left() + 6.0, top),
                    Vec2::new(column - 12.0, h),
                );
                top += h + 2.0;
                let selected = selection == Some(id);
                let scores = Some((importance, evidence));
                let dot = Dot {
                    id,
                    title,
                    scores,
                    selected,
                    galley: galley.clone(),
                };
                chip_ui(ui, cx, &dot, chip, gesture);
            }
        }
    }
    // While a dot is dragged, the cell under the pointer is outlined.
    if gesture.dragging
        && let Some(p) = ui.input(|i| i.pointer.interact_pos())
        && let Some((i, e)) = cell_at(p)
    {
        painter.rect_stroke(
            cell(i, e),
            2.0,
            Stroke::new(2.0, palette.accent),
            egui::StrokeKind::Inside,
        );
    }
    (1..=5u8)
        .flat_map(|i| (1..=5u8).map(move |e| (i, e)))
        .map(|(i, e)| ((i, e), cell(i, e)))
        .collect()
}

/// One assumption as drawn: its id, title, scores and laid-out title.
struct Dot<'a> {
    id: &'a NodeId,
    title: &'a str,
    scores: Option<(u8, u8)>,
    selected: bool,
    galley: Arc<Galley>,
}

/// Left of a chip's title: room for its dot.
const CHIP_TEXT_LEFT: f32 = 22.0;

/// One assumption: a dot and its title in `rect`. Drag to another cell (the cell is worked
/// out from where the drag ends, once every cell is placed), click to select.
fn chip_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, dot: &Dot<'_>, rect: Rect, gesture: &mut Gesture) {
    let palette = cx.palette;
    let (id, title, scores, selected) = (dot.id, dot.title, dot.scores, dot.selected);
    let response = ui.interact(
        rect,
        Id::unique(("assumption_dot", id.as_str())),
        Sense::click_and_drag(),
    );
    let leap = scores.is_some_and(|(i, e)| i >= 4 && e <= 2);
    let label = match scores {
        Some((i, e)) => format!("{title}, importance {i}, evidence {e}"),
        None => format!("{title}, not scored"),
    };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    let draw = |painter: &egui::Painter, r: Rect| {
        let fill = if selected {
            palette.accent.gamma_multiply(0.25)
        } else {
            palette.card
        };
        painter.rect_filled(r, 5.0, fill);
        let border = if response.hovered() {
            palette.accent
        } else {
            palette.edge.gamma_multiply(0.6)
        };
        painter.rect_stroke(r, 5.0, Stroke::new(1.0, border), egui::StrokeKind::Inside);
        let dot_color = if leap {
            palette.danger
        } else {
            palette.kind(NodeKind::Assumption)
        };
        painter.circle_filled(Pos2::new(r.left() + 11.0, r.top() + 12.0), 5.0, dot_color);
        painter.galley(
            Pos2::new(r.left() + CHIP_TEXT_LEFT, r.top() + 4.0),
            dot.galley.clone(),
            palette.text,
        );
    };
    gesture.dragging |= response.dragged();
    if response.dragged() {
        // Where it was, faintly; the dot itself follows the pointer.
        ui.painter().rect_stroke(
            rect,
            5.0,
            Stroke::new(1.0, palette.muted.gamma_multiply(0.5)),
            egui::StrokeKind::Inside,
        );
        if let Some(p) = ui.input(|i| i.pointer.interact_pos()) {
            let ghost = Rect::from_center_size(p, rect.size());
            let layer = ui
                .ctx()
                .layer_painter(LayerId::new(Order::Tooltip, Id::unique("assumption_drag")));
            draw(&layer, ghost);
        }
        ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
    } else {
        draw(ui.painter(), rect);
    }
    if response.drag_stopped() {
        // Where it lands is worked out from the cells once they are all drawn.
        gesture.dropped = Some(id.clone());
    } else if response.clicked() {
        cx.commands.send(UiCommand::SelectAndCenter(id.clone()));
    }
    response.on_hover_text(label);
}
