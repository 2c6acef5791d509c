//! The leverage panel (Ctrl+L): the levers of the top ranked by |elasticity|, each with its
//! value, sensitivity, elasticity, impact to target in the top's unit, the approximate flag
//! and a ±10% tornado; a slider and a typed value (`120`, `+10%`, `-5%`) to try a value
//! (the whole map re-rolls through the incremental update, every card shows the what-if
//! value and its delta); goal seek; and "Save as scenario…", "Apply to scenario", "Reset".
//!
//! Drawing reads the frame's figures and sends commands; the handlers at the bottom change
//! the view, the figures (incrementally) and — only for Save and Apply — the map, each one
//! command and one undo step, however long the drag was.

use std::collections::BTreeMap;

use egui::{Color32, RichText, Sense, Stroke};

use crate::edit::Command;
use crate::look::{Width, format_delta, format_value, parse_number};
use crate::model::{Display, Map, Node, NodeId, Scenario};

use super::commands::UiCommand;
use super::figures::LeverRow;
use super::view::View;
use super::{FulcrumApp, Viewer};

/// Height of one lever row in points (rows are virtualised: only visible ones are built).
const ROW_HEIGHT: f32 = 118.0;

/// Reads a what-if value typed for a metric whose value is `base`: a number (`120`,
/// `$1,200`) or a relative change (`+10%`, `-5%`).
pub(crate) fn parse_what_if(text: &str, base: f64) -> Option<f64> {
    let t = text.trim();
    if let Some(pct) = t.strip_suffix('%')
        && (pct.starts_with('+') || pct.starts_with('-'))
    {
        let p = parse_number(pct)?;
        return Some(base + base * p / 100.0).filter(|v| v.is_finite());
    }
    parse_number(t)
}

/// How a node shows its numbers.
fn looks(node: Option<&Node>) -> (Display, Option<&str>) {
    (
        node.and_then(|n| n.display).unwrap_or_default(),
        node.and_then(|n| n.unit.as_deref()),
    )
}

/// A change of the top in its own unit, named: `+5.0 pts of Net revenue retention`.
pub(crate) fn top_change(map: &Map, top: &NodeId, delta: f64) -> String {
    let node = map.node(top.as_str());
    let (display, unit) = looks(node);
    let title = node.map_or(top.as_str(), |n| n.title.as_str());
    format!("{} of {title}", format_delta(delta, display, unit))
}

/// The slider's range for a lever at `base`: from 0 (or twice below, for a negative value)
/// to twice the value, so ±100% is one drag; a zero value gets 0…1.
fn slider_range(base: f64) -> std::ops::RangeInclusive<f64> {
    if base > 0.0 {
        0.0..=base * 2.0
    } else if base < 0.0 {
        base * 2.0..=0.0
    } else {
        0.0..=1.0
    }
}

/// The left-hand leverage panel.
pub(crate) fn leverage_panel_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    egui::Panel::left("leverage")
        .resizable(true)
        .default_size(420.0)
        .min_size(340.0)
        .max_size(640.0)
        .show(ui, |ui| {
            panel_body_ui(ui, cx, view);
        });
}

fn panel_body_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let map = cx.session.map();
    let figures = &cx.derived.figures;
    ui.add_space(6.0);
    ui.heading("Leverage");
    let Some(dense) = figures.dense() else {
        ui.label("No top metric with a value: add a metric, or give its inputs values.");
        if let Some(err) = &figures.error {
            ui.colored_label(ui.visuals().error_fg_color, err);
        }
        return;
    };
    let top_node = map.node(dense.top_id.as_str());
    let (display, unit) = looks(top_node);
    let top_title = top_node.map_or(dense.top_id.as_str(), |n| n.title.as_str());
    ui.horizontal_wrapped(|ui| {
        ui.label("Top");
        if ui
            .link(RichText::new(top_title).strong())
            .on_hover_text("Select the top's card")
            .clicked()
        {
            cx.commands
                .send(UiCommand::SelectAndCenter(dense.top_id.clone()));
        }
        ui.label(RichText::new(format_value(dense.top_value, display, unit, Width::Full)).strong());
        if let Some(t) = top_node.and_then(|n| n.target) {
            ui.weak(format!(
                "target {}",
                format_value(t, display, unit, Width::Full)
            ));
        }
        if view.leverage.top.is_some() && ui.small_button("First root").clicked() {
            cx.commands.send(UiCommand::MakeTop(None));
        }
    });
    // Always one line, so rows do not move under a slider being dragged.
    match figures.baseline(dense.top_id.as_str()) {
        Some(base) if figures.has_what_if() => {
            ui.colored_label(
                cx.palette.accent,
                format!(
                    "What-if: {} ({})",
                    format_value(dense.top_value, display, unit, Width::Full),
                    top_change(map, &dense.top_id, dense.top_value - base)
                ),
            );
        }
        _ => {
            ui.weak("What-if: drag a slider or type a value (120, +10%, -5%)");
        }
    }
    ui.horizontal(|ui| footer_ui(ui, cx, view));
    ui.horizontal(|ui| {
        ui.checkbox(&mut view.leverage.all_metrics, "Every metric")
            .on_hover_text("Show every metric under the top, not only the levers");
        ui.weak("· tornado: the top at");
        ui.colored_label(cx.palette.rag(crate::engine::Rag::Red), "−10%");
        ui.weak("and");
        ui.colored_label(cx.palette.accent, "+10%");
        ui.weak("of the lever");
    });
    if let Some(name) = view.leverage.new_scenario.as_mut() {
        let mut save = false;
        let mut cancel = false;
        ui.horizontal(|ui| {
            ui.label("Name");
            let r = ui
                .add(egui::TextEdit::singleline(name).desired_width(180.0))
                .accessible_name("scenario name");
            r.request_focus();
            save = ui.button("Save").clicked()
                || (r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
            cancel = ui.button("Cancel").clicked();
        });
        let taken = map.scenario(name.trim()).is_some();
        if taken {
            ui.colored_label(ui.visuals().error_fg_color, "a scenario has that name");
        }
        if save && !taken && !name.trim().is_empty() {
            cx.commands
                .send(UiCommand::SaveWhatIf(name.trim().to_owned()));
        }
        if save || cancel {
            view.leverage.new_scenario = None;
        }
    }
    ui.separator();
    // In rank order — but while a slider is held, in the order they had when it was
    // grabbed (so the row under the pointer stays put), building only the visible rows:
    // a drag frame never ranks the whole map again.
    let count = match &view.leverage.frozen {
        Some(order) => order.len(),
        None => figures.lever_rows(view.leverage.all_metrics).len(),
    };
    if count == 0 {
        ui.weak("Nothing under this top moves it.");
        return;
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, count, |ui, range| {
            let rows: Vec<LeverRow> = match &view.leverage.frozen {
                Some(order) => order[range]
                    .iter()
                    .filter_map(|id| figures.lever_row(figures.metric_index(id.as_str())?))
                    .collect(),
                None => figures.lever_rows(view.leverage.all_metrics)[range].to_vec(),
            };
            for row in &rows {
                row_ui(ui, cx, view, row);
            }
        });
}

fn footer_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View) {
    let trying = !view.leverage.what_if.is_empty();
    if ui
        .add_enabled(trying, egui::Button::new("Save as scenario…"))
        .on_hover_text("Write the tried values into a new scenario (one undo step)")
        .on_disabled_hover_text("Drag a slider or type a value to try one first")
        .clicked()
    {
        let n = cx.session.map().scenarios().len() + 1;
        view.leverage.new_scenario = Some(format!("What-if {n}"));
    }
    let current = view.scenario.clone();
    let apply = ui
        .add_enabled(
            trying && current.is_some(),
            egui::Button::new(match &current {
                Some(s) => format!("Apply to {s}"),
                None => "Apply to scenario".to_owned(),
            }),
        )
        .on_hover_text("Write the tried values into the scenario shown (one undo step)")
        .on_disabled_hover_text("Try a value under a scenario to apply it there");
    if apply.clicked() {
        cx.commands.send(UiCommand::ApplyWhatIf);
    }
    if ui
        .add_enabled(trying, egui::Button::new("Reset"))
        .on_hover_text("Drop every tried value")
        .clicked()
    {
        cx.commands.send(UiCommand::ResetWhatIf);
    }
}

/// One lever: its figures, tornado, slider, typed value and goal seek.
fn row_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut View, row: &LeverRow) {
    let map = cx.session.map();
    let figures = &cx.derived.figures;
    let node = map.node(row.id.as_str());
    let (display, unit) = looks(node);
    let title = node.map_or(row.id.as_str(), |n| n.title.as_str());
    let Some(dense) = figures.dense() else {
        return;
    };
    let top = dense.top_id.clone();
    let tried = view.leverage.what_if.contains_key(&row.id);
    ui.push_id(row.id.as_str(), |ui| {
        ui.set_height(ROW_HEIGHT - 8.0);
        ui.horizontal(|ui| {
            let text = if tried {
                RichText::new(title).strong().color(cx.palette.accent)
            } else {
                RichText::new(title).strong()
            };
            if ui
                .link(text)
                .on_hover_text("Select and centre its card")
                .clicked()
            {
                cx.commands.send(UiCommand::SelectAndCenter(row.id.clone()));
            }
            if row.approximate {
                ui.weak("approx.")
                    .on_hover_text("Through Min, Max or if: the active branch's derivative");
            }
            if !row.is_lever {
                ui.weak("computed");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("Make top")
                    .on_hover_text("Measure leverage against this metric")
                    .clicked()
                {
                    cx.commands.send(UiCommand::MakeTop(Some(row.id.clone())));
                }
            });
        });
        let e = row
            .elasticity
            .map_or("—".to_owned(), |e| format!("{e:+.3}"));
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("elasticity {e}"));
            let s = row
                .sensitivity
                .map_or("—".to_owned(), |s| format!("{s:.3e}"));
            ui.weak(format!("· sensitivity {s}"));
        });
        let mut questions = figures.questions(row.index);
        let target = node.and_then(|n| n.target);
        let impact = target
            .zip(questions.as_mut())
            .and_then(|(t, q)| q.top_at(t).ok());
        if let Some(then) = impact {
            ui.label(format!(
                "on target: {}",
                top_change(map, &top, then - dense.top_value)
            ));
        }
        let tornado = questions.as_mut().and_then(|q| q.tornado());
        if let Some((low, high)) = tornado {
            // One scale for every row: a full half-bar is the largest lever's ±10% (to first
            // order), so longer bars are bigger levers.
            let span = 0.1 * dense.max_elasticity * dense.top_value.abs();
            tornado_ui(ui, cx, dense.top_value, (low, high), span, map, &top);
        }
        ui.horizontal(|ui| {
            value_ui(ui, cx, view, row, display, unit);
            let can_seek = dense.top_value.is_finite()
                && map.node(top.as_str()).and_then(|n| n.target).is_some();
            if ui
                .add_enabled(can_seek, egui::Button::new("Goal seek"))
                .on_hover_text("The value of this lever that makes the top reach its target")
                .on_disabled_hover_text("The top has no target")
                .clicked()
            {
                cx.commands.send(UiCommand::GoalSeek(row.id.clone()));
            }
            if tried
                && ui
                    .small_button("Own value")
                    .on_hover_text("Back to its own value")
                    .clicked()
            {
                cx.commands
                    .send(UiCommand::TryValue(row.id.clone(), None, false));
            }
        });
        if let Some((id, answer)) = &view.leverage.goal
            && id == &row.id
        {
            match answer {
                Ok(v) => {
                    ui.horizontal(|ui| {
                        ui.label(format!(
                            "reaches the target at {}",
                            format_value(*v, display, unit, Width::Full)
                        ));
                        if ui.small_button("Try it").clicked() {
                            cx.commands
                                .send(UiCommand::TryValue(row.id.clone(), Some(*v), false));
                        }
                    });
                }
                Err(why) => {
                    ui.colored_label(cx.palette.danger, format!("not reachable: {why}"));
                }
            }
        }
        ui.separator();
    });
}

/// The slider and the typed value of one lever.
fn value_ui(
    ui: &mut egui::Ui,
    cx: &Viewer<'_>,
    view: &mut View,
    row: &LeverRow,
    display: Display,
    unit: Option<&str>,
) {
    let base = cx
        .derived
        .figures
        .baseline(row.id.as_str())
        .filter(|_| view.leverage.what_if.contains_key(&row.id))
        .unwrap_or(row.value);
    let mut value = row.value;
    ui.spacing_mut().slider_width = 150.0;
    let slider = egui::Slider::new(&mut value, slider_range(base))
        .show_value(false)
        .clamping(egui::SliderClamping::Never);
    let response = ui.add(slider).on_hover_text(format!(
        "Drag to try values (now {})",
        format_value(row.value, display, unit, Width::Full)
    ));
    if response.drag_stopped() {
        view.leverage.frozen = None;
    }
    if response.changed() && value != row.value {
        let dragging = response.dragged();
        cx.commands
            .send(UiCommand::TryValue(row.id.clone(), Some(value), dragging));
    }
    let shown = format_value(row.value, display, unit, Width::Full);
    let draft = view.leverage.drafts.entry(row.id.clone()).or_default();
    let field = egui::TextEdit::singleline(draft)
        .hint_text(shown)
        .desired_width(110.0);
    let title = cx
        .session
        .map()
        .node(row.id.as_str())
        .map_or(row.id.as_str(), |n| n.title.as_str());
    let r = ui
        .add(field)
        .accessible_name(format!("what-if {title}"))
        .on_hover_text("A value (120), or a change (+10%, -5%)");
    let parsed = parse_what_if(draft, row.value);
    if !draft.trim().is_empty() && parsed.is_none() {
        ui.colored_label(cx.palette.danger, "?")
            .on_hover_text("Type a number, or +10% / -5%");
    }
    let entered = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if entered && let Some(v) = parsed {
        cx.commands
            .send(UiCommand::TryValue(row.id.clone(), Some(v), false));
        draft.clear();
    }
}

/// The top at 0.9× and 1.1× of the lever, as a bar either side of the top's value.
fn tornado_ui(
    ui: &mut egui::Ui,
    cx: &Viewer<'_>,
    top: f64,
    (low, high): (f64, f64),
    span: f64,
    map: &Map,
    top_id: &NodeId,
) {
    let width = ui.available_width().min(360.0);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 14.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let mid = rect.center().x;
    let span = span.max((low - top).abs()).max((high - top).abs());
    let scale = if span > 0.0 {
        f64::from(rect.width() * 0.5 - 2.0) / span
    } else {
        0.0
    };
    painter.line_segment(
        [egui::pos2(mid, rect.top()), egui::pos2(mid, rect.bottom())],
        Stroke::new(1.0, cx.palette.muted),
    );
    let bar = |v: f64, color: Color32| {
        let x = mid + ((v - top) * scale) as f32;
        let r = egui::Rect::from_x_y_ranges(x.min(mid)..=x.max(mid), rect.y_range().shrink(2.0));
        painter.rect_filled(r, 2.0, color);
    };
    bar(
        low,
        cx.palette.rag(crate::engine::Rag::Red).gamma_multiply(0.8),
    );
    bar(high, cx.palette.accent.gamma_multiply(0.8));
    response.on_hover_text(format!(
        "At −10%: {}\nAt +10%: {}",
        top_change(map, top_id, low - top),
        top_change(map, top_id, high - top)
    ));
}

impl FulcrumApp {
    /// "Make top": leverage against `id` (`None`: the first metric root).
    pub(crate) fn make_top(&mut self, id: impl Into<Option<NodeId>>) {
        let id = id.into();
        let is_metric = |id: &NodeId| {
            self.session
                .map()
                .node(id.as_str())
                .is_some_and(|n| n.kind == crate::model::NodeKind::Metric)
        };
        if id.as_ref().is_none_or(is_metric) {
            self.view.leverage.top = id;
            self.view.leverage.goal = None;
            self.view.panels.leverage = true;
        }
    }

    /// Tries `value` for a metric (`None`: back to its own), re-rolling only what depends
    /// on it — what a what-if slider does while it is dragged (the panel's rows keep their
    /// order until the drag ends).
    pub fn try_value(&mut self, id: NodeId, value: Option<f64>) {
        self.set_what_if(id, value, true);
    }

    /// [`FulcrumApp::try_value`]; `dragging`: a slider is held, so the rows keep the order
    /// they had when it was grabbed (a typed value re-ranks at once).
    pub(crate) fn set_what_if(&mut self, id: NodeId, value: Option<f64>, dragging: bool) {
        if !dragging {
            self.view.leverage.frozen = None;
        } else if self.view.leverage.frozen.is_none()
            && let Some(derived) = self.derived.as_ref()
        {
            let all = self.view.leverage.all_metrics;
            let order = derived.figures.lever_rows(all).iter().map(|r| r.id.clone());
            self.view.leverage.frozen = Some(order.collect());
        }
        match value {
            Some(v) if v.is_finite() => {
                self.view.leverage.what_if.insert(id.clone(), v);
            }
            Some(_) => return,
            None => {
                self.view.leverage.what_if.remove(&id);
            }
        }
        self.view.leverage.goal = None;
        if let Some(derived) = self.derived.as_mut() {
            if self.view.leverage.what_if.is_empty() {
                derived.figures.clear_what_if();
            } else {
                derived.figures.try_value(&id, value);
            }
            derived.values_changed();
        }
    }

    /// "Reset": drops every tried value.
    pub(crate) fn reset_what_if(&mut self) {
        self.view.leverage.what_if.clear();
        self.view.leverage.drafts.clear();
        if let Some(derived) = self.derived.as_mut() {
            derived.figures.clear_what_if();
            derived.values_changed();
        }
    }

    /// The overrides of the scenario shown plus the tried values.
    fn tried_overrides(&self) -> BTreeMap<NodeId, f64> {
        let mut overrides = self
            .view
            .scenario
            .as_deref()
            .and_then(|s| self.session.map().scenario(s))
            .map(|s| s.overrides.clone())
            .unwrap_or_default();
        overrides.extend(self.view.leverage.what_if.clone());
        overrides
    }

    /// "Save as scenario…": a new scenario with what is on screen, shown at once.
    pub(crate) fn save_what_if_as(&mut self, name: String) {
        let scenario = Scenario {
            name: name.clone(),
            overrides: self.tried_overrides(),
        };
        let index = self.session.map().scenarios().len();
        if self.apply(Command::AddScenario { index, scenario }) {
            self.view.scenario = Some(name);
            self.reset_what_if();
        }
    }

    /// "Apply to scenario": the tried values go into the scenario shown.
    pub(crate) fn apply_what_if(&mut self) {
        let Some(name) = self.view.scenario.clone() else {
            return;
        };
        let scenario = Scenario {
            name,
            overrides: self.tried_overrides(),
        };
        if self.apply(Command::SetScenario(scenario)) {
            self.reset_what_if();
        }
    }

    /// Goal seek on a lever: the value that makes the top reach its target.
    pub(crate) fn goal_seek(&mut self, id: NodeId) {
        let Some(derived) = self.derived.as_ref() else {
            return;
        };
        let figures = &derived.figures;
        let answer = (|| {
            let dense = figures.dense().ok_or("the top has no value")?;
            let target = self
                .session
                .map()
                .node(dense.top_id.as_str())
                .and_then(|n| n.target)
                .ok_or("the top has no target")?;
            let i = figures
                .analysis
                .as_ref()
                .and_then(|a| a.program.metric(id.as_str()))
                .ok_or("not a metric")?;
            let mut q = figures.questions(i).ok_or("the top has no value")?;
            Ok::<_, &str>(q.goal_seek(target).map_err(|e| e.to_string()))
        })();
        let answer = match answer {
            Ok(result) => result,
            Err(why) => Err(why.to_owned()),
        };
        self.view.leverage.goal = Some((id, answer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_if_values_read_numbers_and_relative_changes() {
        assert_eq!(parse_what_if("120", 100.0), Some(120.0));
        assert_eq!(parse_what_if("$1,200", 100.0), Some(1200.0));
        assert_eq!(parse_what_if("+10%", 200.0), Some(220.0));
        assert_eq!(parse_what_if("-5%", 200.0), Some(190.0));
        assert_eq!(parse_what_if(" -5 % ", 200.0), Some(190.0));
        assert_eq!(parse_what_if("ten", 200.0), None);
        assert_eq!(parse_what_if("-3", 200.0), Some(-3.0));
    }
}
