//! Compare tables (View → Compare tables, Ctrl+Shift+T; SPEC §5): the child opportunities of
//! an outcome or opportunity side by side on reach, frequency, severity and the market,
//! company and customer factors, with the target mark; and a parent's solutions side by side
//! on status, effort, expected lift, untested leaps of faith and estimated North Star effect.
//!
//! The table compares the children of the selection, or of its parent when the selection
//! has none to compare — and keeps that parent while the selection moves among its rows, so
//! clicking a row does not swap the table. Any column sorts (a click on its header; again to
//! reverse). Each input cell edits its field with one command (one undo step); the target
//! mark unmarks the other siblings in the same step (`edit::ost::set_target`). The computed
//! columns read the frame's figures (`engine::ost` roll-ups); nothing is computed here.

use std::cmp::Ordering;

use egui::{RichText, Vec2};

use super::Viewer;
use super::commands::UiCommand;
use super::fields::{Drafts, number_field};
use super::view::View;
use crate::edit::Command;
use crate::look::format_lift;
use crate::model::{Field, FieldValue, Map, Node, NodeId, NodeKind, Sizing, Status};

/// The width of the title column, in points (longer titles are cut, in full on hover).
const TITLE_WIDTH: f32 = 300.0;

/// A sortable column of the opportunity table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OppColumn {
    Title,
    Reach,
    Frequency,
    Severity,
    Market,
    Company,
    Customer,
    Solutions,
    BestLift,
}

/// A sortable column of the solution table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SolColumn {
    Title,
    Status,
    Effort,
    Lift,
    Leaps,
    Effect,
}

/// Which column a table is sorted by (`None`: the map's order), and which way.
#[derive(Clone, Copy, Debug)]
struct Sort<C> {
    column: Option<C>,
    descending: bool,
}

impl<C> Default for Sort<C> {
    fn default() -> Self {
        Self {
            column: None,
            descending: false,
        }
    }
}

impl<C: Copy + PartialEq> Sort<C> {
    /// A click on a header: sort by it (numbers largest first, titles A–Z), or reverse.
    fn click(&mut self, column: C, title: bool) {
        if self.column == Some(column) {
            self.descending = !self.descending;
        } else {
            self.column = Some(column);
            self.descending = !title;
        }
    }

    /// Which way a header's arrow points: `Some(true)` down (largest first), `None` when
    /// the table is not sorted by it.
    fn arrow(&self, column: C) -> Option<bool> {
        (self.column == Some(column)).then_some(self.descending)
    }
}

/// The tables' view state.
#[derive(Default)]
pub(crate) struct TablesState {
    /// The node whose children are compared.
    subject: Option<NodeId>,
    opportunities: Sort<OppColumn>,
    solutions: Sort<SolColumn>,
    /// Typed expected lifts, by row.
    drafts: Drafts,
}

/// A sort key: a number (absent ones last whichever way) or a title.
enum Key {
    Number(Option<f64>),
    Text(String),
}

fn compare_keys(a: &Key, b: &Key, descending: bool) -> Ordering {
    let flip = |o: Ordering| if descending { o.reverse() } else { o };
    match (a, b) {
        (Key::Number(Some(x)), Key::Number(Some(y))) => flip(x.total_cmp(y)),
        (Key::Number(Some(_)), Key::Number(None)) => Ordering::Less,
        (Key::Number(None), Key::Number(Some(_))) => Ordering::Greater,
        (Key::Text(x), Key::Text(y)) => flip(x.cmp(y)),
        _ => Ordering::Equal,
    }
}

/// Whether `id` has children a table compares.
fn has_compared(map: &Map, id: &str) -> bool {
    map.children(id).any(|c| {
        map.node(c.as_str())
            .is_some_and(|n| matches!(n.kind, NodeKind::Opportunity | NodeKind::Solution))
    })
}

/// The node whose children are compared, for this selection.
fn subject(map: &Map, view: &mut View) -> Option<NodeId> {
    let state = &mut view.tables;
    let selection = view.selection.as_ref();
    let kept = state.subject.as_ref().filter(|s| map.contains(s.as_str()));
    if let (Some(kept), Some(sel)) = (kept, selection)
        && (sel == kept || map.parent(sel.as_str()) == Some(kept))
    {
        return Some(kept.clone());
    }
    let picked = selection.and_then(|s| {
        if has_compared(map, s.as_str()) {
            Some(s.clone())
        } else {
            map.parent(s.as_str())
                .filter(|p| has_compared(map, p.as_str()))
                .cloned()
        }
    });
    let subject = picked.or_else(|| kept.cloned());
    if state.subject != subject {
        state.subject = subject.clone();
        state.drafts.clear();
    }
    subject
}

/// The bottom panel with the tables.
pub(crate) fn compare_tables_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let map = cx.session.map();
    let subject = subject(map, view);
    egui::Panel::bottom("compare_tables")
        .resizable(true)
        .default_size(330.0)
        .min_size(300.0)
        .show(ui, |ui| {
            let Some(subject) = subject else {
                ui.strong("Compare tables");
                ui.weak("Select an outcome or an opportunity with opportunities or solutions under it to compare them side by side.");
                return;
            };
            let title = map.node(subject.as_str()).map_or("", |n| n.title.as_str());
            ui.horizontal(|ui| {
                ui.strong("Compare tables");
                ui.weak(format!("under {title}"));
            });
            let of_kind = |kind| -> Vec<NodeId> {
                map.children(subject.as_str())
                    .filter(|c| map.node(c.as_str()).is_some_and(|n| n.kind == kind))
                    .cloned()
                    .collect()
            };
            let opportunities = of_kind(NodeKind::Opportunity);
            let solutions = of_kind(NodeKind::Solution);
            if opportunities.is_empty() && solutions.is_empty() {
                ui.weak("No opportunities or solutions under it any more.");
                return;
            }
            egui::ScrollArea::both()
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if !opportunities.is_empty() {
                        opportunity_table_ui(ui, cx, view, opportunities.clone());
                    }
                    if !solutions.is_empty() {
                        if !opportunities.is_empty() {
                            ui.add_space(10.0);
                        }
                        solution_table_ui(ui, cx, view, solutions);
                    }
                });
        });
}

/// A header that sorts its table when clicked, with a triangle when it does.
fn header_ui(ui: &mut egui::Ui, label: &str, arrow: Option<bool>) -> bool {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        let clicked = ui
            .add(egui::Button::new(RichText::new(label).strong()).frame(false))
            .on_hover_text(format!("Sort by {label} (click again to reverse)"))
            .clicked();
        if let Some(down) = arrow {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(10.0), egui::Sense::hover());
            let c = rect.center();
            let (tip, base) = if down { (4.0, -3.0) } else { (-4.0, 3.0) };
            let points = vec![
                egui::pos2(c.x - 4.5, c.y + base),
                egui::pos2(c.x + 4.5, c.y + base),
                egui::pos2(c.x, c.y + tip),
            ];
            let color = ui.visuals().strong_text_color();
            ui.painter().add(egui::Shape::convex_polygon(
                points,
                color,
                egui::Stroke::NONE,
            ));
        }
        clicked
    })
    .inner
}

fn opportunity_table_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View, ids: Vec<NodeId>) {
    use OppColumn as C;
    let map = cx.session.map();
    let figures = &cx.derived.figures;
    let sort = view.tables.opportunities;
    let key = |id: &NodeId, column: C| -> Key {
        let Some(n) = map.node(id.as_str()) else {
            return Key::Number(None);
        };
        let score = |v: Option<u8>| Key::Number(v.map(f64::from));
        match column {
            C::Title => Key::Text(n.title.to_lowercase()),
            C::Reach => score(n.sizing.map(|s| s.reach)),
            C::Frequency => score(n.sizing.map(|s| s.frequency)),
            C::Severity => score(n.sizing.map(|s| s.severity)),
            C::Market => score(n.market),
            C::Company => score(n.company),
            C::Customer => score(n.customer),
            C::Solutions => Key::Number(
                figures
                    .opportunity(map, id)
                    .map(|s| s.solutions.len() as f64),
            ),
            C::BestLift => Key::Number(
                figures
                    .opportunity(map, id)
                    .and_then(|s| s.best_expected_lift),
            ),
        }
    };
    let rows = sorted(ids, sort.column, sort.descending, key);
    ui.label(RichText::new("Opportunities").size(15.0).strong());
    let columns = [
        (C::Title, "Opportunity", true),
        (C::Reach, "Reach", false),
        (C::Frequency, "Frequency", false),
        (C::Severity, "Severity", false),
        (C::Market, "Market", false),
        (C::Company, "Company", false),
        (C::Customer, "Customer", false),
        (C::Solutions, "Solutions", false),
        (C::BestLift, "Best lift", false),
    ];
    egui::Grid::new("compare_opportunities")
        .striped(true)
        .spacing(Vec2::new(14.0, 6.0))
        .show(ui, |ui| {
            ui.label(RichText::new("Target").strong())
                .on_hover_text("The target opportunity: at most one among siblings");
            for (column, label, title) in columns {
                if header_ui(ui, label, sort.arrow(column)) {
                    view.tables.opportunities.click(column, title);
                }
            }
            ui.end_row();
            for id in &rows {
                let Some(node) = map.node(id.as_str()) else {
                    continue;
                };
                let name = &node.title;
                let radio = ui
                    .radio(node.targeted, "")
                    .on_hover_text(if node.targeted {
                        "The target opportunity (click to unmark)"
                    } else {
                        "Make this the target opportunity"
                    })
                    .accessible_name(format!("target {name}"));
                if radio.clicked()
                    && let Some(c) = crate::edit::ost::set_target(map, id.as_str(), !node.targeted)
                {
                    cx.commands.send(UiCommand::Edit(c));
                }
                title_cell_ui(ui, cx, view, id, node);
                let sizing = node.sizing;
                for (k, label) in ["reach", "frequency", "severity"].into_iter().enumerate() {
                    let current = sizing.map(|s| [s.reach, s.frequency, s.severity][k]);
                    if let Some(Some(v)) = score_cell_ui(ui, label, name, current, false) {
                        // A first score gives the other two the middle of the scale, as
                        // the inspector's "Add sizing" does.
                        let mut s = sizing.unwrap_or(Sizing {
                            reach: 3,
                            frequency: 3,
                            severity: 3,
                        });
                        match k {
                            0 => s.reach = v,
                            1 => s.frequency = v,
                            _ => s.severity = v,
                        }
                        send_field(cx, id, Field::Sizing, FieldValue::Sizing(s));
                    }
                }
                for (label, field, current) in [
                    ("market", Field::Market, node.market),
                    ("company", Field::Company, node.company),
                    ("customer", Field::Customer, node.customer),
                ] {
                    if let Some(v) = score_cell_ui(ui, label, name, current, true) {
                        send_field(
                            cx,
                            id,
                            field,
                            v.map_or(FieldValue::Absent, FieldValue::Score),
                        );
                    }
                }
                let summary = figures.opportunity(map, id);
                ui.label(
                    summary
                        .as_ref()
                        .map_or(0, |s| s.solutions.len())
                        .to_string(),
                );
                let best = summary.and_then(|s| s.best_expected_lift);
                ui.label(best.map_or("—".to_owned(), format_lift));
                ui.end_row();
            }
        });
}

fn solution_table_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View, ids: Vec<NodeId>) {
    use SolColumn as C;
    let map = cx.session.map();
    let figures = &cx.derived.figures;
    let sort = view.tables.solutions;
    let key = |id: &NodeId, column: C| -> Key {
        let Some(n) = map.node(id.as_str()) else {
            return Key::Number(None);
        };
        match column {
            C::Title => Key::Text(n.title.to_lowercase()),
            C::Status => Key::Number(
                n.status
                    .and_then(|s| Status::SOLUTION.iter().position(|x| *x == s))
                    .map(|p| p as f64),
            ),
            C::Effort => Key::Number(n.effort.map(f64::from)),
            C::Lift => Key::Number(n.expected_lift),
            C::Leaps => Key::Number(
                figures
                    .solution(map, id)
                    .map(|s| s.untested_leaps.len() as f64),
            ),
            C::Effect => Key::Number(figures.solution(map, id).and_then(|s| s.north_star_effect)),
        }
    };
    let rows = sorted(ids, sort.column, sort.descending, key);
    let top = figures
        .dense()
        .and_then(|d| map.node(d.top_id.as_str()))
        .map_or("North Star".to_owned(), |n| n.title.clone());
    ui.label(RichText::new("Solutions").size(15.0).strong());
    let effect_label = format!("Effect on {top}");
    let columns = [
        (C::Title, "Solution", true),
        (C::Status, "Status", false),
        (C::Effort, "Effort", false),
        (C::Lift, "Expected lift", false),
        (C::Leaps, "Untested leaps", false),
        (C::Effect, effect_label.as_str(), false),
    ];
    egui::Grid::new("compare_solutions")
        .striped(true)
        .spacing(Vec2::new(14.0, 6.0))
        .show(ui, |ui| {
            for (column, label, title) in columns {
                if header_ui(ui, label, sort.arrow(column)) {
                    view.tables.solutions.click(column, title);
                }
            }
            ui.end_row();
            for id in &rows {
                let Some(node) = map.node(id.as_str()) else {
                    continue;
                };
                let name = &node.title;
                title_cell_ui(ui, cx, view, id, node);
                if let Some(s) = status_cell_ui(ui, name, node.status) {
                    send_field(cx, id, Field::Status, s.map_or(FieldValue::Absent, FieldValue::Status));
                }
                if let Some(v) = score_cell_ui(ui, "effort", name, node.effort, true) {
                    send_field(cx, id, Field::Effort, v.map_or(FieldValue::Absent, FieldValue::Score));
                }
                let key = format!("lift_{id}");
                let lift = ui
                    .allocate_ui(Vec2::new(96.0, ui.spacing().interact_size.y), |ui| {
                        number_field(ui, &mut view.tables.drafts, &key, node.expected_lift, "0.05 = +5%")
                    })
                    .inner;
                if let Some(v) = lift {
                    send_field(cx, id, Field::ExpectedLift, v.map_or(FieldValue::Absent, FieldValue::Number));
                }
                let summary = figures.solution(map, id);
                let leaps: Vec<String> = summary
                    .as_ref()
                    .map(|s| {
                        s.untested_leaps
                            .iter()
                            .map(|l| map.node(l.as_str()).map_or(l.to_string(), |n| n.title.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                if leaps.is_empty() {
                    ui.weak("0");
                } else {
                    ui.colored_label(cx.palette.danger, leaps.len().to_string())
                        .on_hover_text(leaps.join("\n"));
                }
                match summary.and_then(|s| s.north_star_effect) {
                    Some(effect) => {
                        ui.colored_label(cx.palette.accent, format_lift(effect));
                    }
                    None => {
                        ui.weak("—").on_hover_text(
                            "Needs an expected lift, and an outcome above that measures a driver-tree metric",
                        );
                    }
                }
                ui.end_row();
            }
        });
}

/// `ids` in the order of `column` (the map's order when `None`; ties keep it too).
fn sorted<C: Copy>(
    ids: Vec<NodeId>,
    column: Option<C>,
    descending: bool,
    key: impl Fn(&NodeId, C) -> Key,
) -> Vec<NodeId> {
    let Some(column) = column else {
        return ids;
    };
    let mut keyed: Vec<(Key, NodeId)> = ids.into_iter().map(|id| (key(&id, column), id)).collect();
    keyed.sort_by(|a, b| compare_keys(&a.0, &b.0, descending));
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// A row's title: selects the node (and shows it on the canvas) when clicked, edits its
/// title on a double-click (in its card, or its outline row); the target opportunity stands
/// out.
fn title_cell_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View, id: &NodeId, node: &Node) {
    let selected = view.selection.as_ref() == Some(id);
    let mut text = RichText::new(&node.title);
    if node.targeted {
        text = text.strong().color(cx.palette.accent);
    }
    let size = Vec2::new(TITLE_WIDTH, ui.spacing().interact_size.y);
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    ui.allocate_ui_with_layout(size, layout, |ui| {
        ui.set_min_width(TITLE_WIDTH);
        let response = ui
            .add(egui::Button::selectable(selected, text).truncate())
            .on_hover_text(format!("{} (double-click to rename)", node.title));
        if response.double_clicked() {
            cx.commands.send(UiCommand::EditTitleOf(id.clone()));
        } else if response.clicked() {
            cx.commands.send(UiCommand::SelectAndCenter(id.clone()));
        }
    });
}

/// A 1–5 score as a drop-down (with "–" for none when `allow_none`). Returns the pick.
fn score_cell_ui(
    ui: &mut egui::Ui,
    field: &str,
    row: &str,
    current: Option<u8>,
    allow_none: bool,
) -> Option<Option<u8>> {
    let mut picked = None;
    let shown = current.map_or("–".to_owned(), |v| v.to_string());
    egui::ComboBox::from_id_salt((field, row))
        .selected_text(shown)
        .width(48.0)
        .show_ui(ui, |ui| {
            if allow_none
                && ui
                    .selectable_label(current.is_none(), "–")
                    .accessible_name(format!("{field} none"))
                    .clicked()
            {
                picked = Some(None);
            }
            for v in 1..=5u8 {
                if ui
                    .selectable_label(current == Some(v), v.to_string())
                    .accessible_name(format!("{field} {v}"))
                    .clicked()
                {
                    picked = Some(Some(v));
                }
            }
        })
        .response
        .accessible_name(format!("{field} of {row}"));
    picked.filter(|p| *p != current)
}

/// A solution's status as a drop-down. Returns the pick.
fn status_cell_ui(ui: &mut egui::Ui, row: &str, current: Option<Status>) -> Option<Option<Status>> {
    let mut picked = None;
    let shown = current.map_or("–", Status::name);
    egui::ComboBox::from_id_salt(("status", row))
        .selected_text(shown)
        .width(96.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(current.is_none(), "–")
                .accessible_name("status none")
                .clicked()
            {
                picked = Some(None);
            }
            for s in Status::SOLUTION {
                if ui
                    .selectable_label(current == Some(s), s.name())
                    .accessible_name(format!("status {}", s.name()))
                    .clicked()
                {
                    picked = Some(Some(s));
                }
            }
        })
        .response
        .accessible_name(format!("status of {row}"));
    picked.filter(|p| *p != current)
}

/// One field of one node, as one undo step.
fn send_field(cx: &Viewer<'_>, id: &NodeId, field: Field, value: FieldValue<'static>) {
    cx.commands.send(UiCommand::Edit(Command::SetField {
        id: id.clone(),
        field,
        value,
    }));
}
