//! The inspector: a side panel with every field of the selected node, validated as you
//! type, plus read-only figures (value, status, leverage, OST roll-ups).
//!
//! Each committed field becomes one `SetNode` command (one undo step); the id changes only
//! through the explicit "Rename id" button (`Command::rename`, which rewrites formulas).
//! Field widgets are in [`super::fields`]; this module decides which fields a kind has.

use std::collections::BTreeMap;

use egui::{Key, Modifiers, RichText};

use crate::edit::Command;
use crate::engine::formula::Tape;
use crate::engine::{self, Rag};
use crate::model::{
    Category, Direction, Display, Evidence, Formula, LinkKind, Map, Node, NodeId, NodeKind,
    Orientation, Sizing, Status, Thresholds, id_problem,
};

use super::FulcrumApp;
use super::cache::Figures;
use super::fields::{
    Drafts, FieldLook, caption, choice, error_ui, number_field, readout, scale_picker, text_field,
};
use super::format_value::{Width, format_lift, format_value, parse_number};
use super::icons;
use super::theme::Palette;

/// The inspector's drafts and the node they belong to.
#[derive(Default)]
pub(crate) struct InspectorState {
    drafts: Drafts,
    shown: Option<NodeId>,
}

/// What the inspector asks to change this frame.
struct Edits {
    node: Node,
    rename: Option<NodeId>,
    select: Option<NodeId>,
}

impl FulcrumApp {
    /// The right-hand panel.
    pub(crate) fn inspector_ui(&mut self, ui: &mut egui::Ui) {
        if self.inspector.shown != self.selected {
            self.inspector.drafts.clear();
            self.inspector.shown = self.selected.clone();
        }
        let map = self.doc.map();
        let selected = self.selected.clone().filter(|s| map.contains(s.as_str()));
        let mut edits: Option<Edits> = None;
        let mut map_title = None;
        let Some(figures) = self.figures.as_mut() else {
            return;
        };
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
                                        palette: &self.palette,
                                    };
                                    node_ui(ui, &ctx, figures, &mut self.inspector.drafts, &mut e);
                                    edits = Some(e);
                                }
                            }
                            None => map_title = map_ui(ui, map, &mut self.inspector.drafts),
                        }
                    });
            });
        if let Some(title) = map_title {
            self.apply(Command::SetMapTitle(title));
        }
        let (Some(edits), Some(id)) = (edits, selected) else {
            return;
        };
        if self.doc.map().node(id.as_str()) != Some(&edits.node) {
            self.apply(Command::SetNode {
                id: id.clone(),
                node: Box::new(edits.node),
            });
        }
        if let Some(new_id) = edits.rename
            && self.apply(Command::rename(id.clone(), new_id.clone()))
        {
            if self.folded.remove(&id) {
                self.folded.insert(new_id.clone());
            }
            self.selected = Some(new_id.clone());
            self.inspector.shown = Some(new_id);
        }
        if let Some(other) = edits.select {
            self.selected = Some(other);
            self.canvas.center_selection = true;
        }
    }
}

struct Ctx<'a> {
    map: &'a Map,
    id: &'a NodeId,
    palette: &'a Palette,
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

fn node_ui(
    ui: &mut egui::Ui,
    c: &Ctx<'_>,
    figures: &mut Figures,
    drafts: &mut Drafts,
    e: &mut Edits,
) {
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
    let field = egui::Id::unique(("fulcrum_field", "id"));
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

fn metric_ui(
    ui: &mut egui::Ui,
    c: &Ctx<'_>,
    figures: &mut Figures,
    drafts: &mut Drafts,
    e: &mut Edits,
) {
    let display = e.node.display.unwrap_or_default();
    let unit = e.node.unit.clone();
    match figures.value(c.id.as_str()) {
        Some(Ok(v)) => {
            let rag = engine::status(&e.node, v);
            let color = rag.map(|r| c.palette.rag(r));
            let status = match rag {
                Some(Rag::Green) => " · on track",
                Some(Rag::Amber) => " · at risk",
                Some(Rag::Red) => " · off track",
                None => "",
            };
            readout(
                ui,
                "Value",
                format!(
                    "{}{status}",
                    format_value(v, display, unit.as_deref(), Width::Full)
                ),
                color,
            );
        }
        Some(Err(_)) if e.node.formula.is_none() && e.node.value.is_none() => {
            readout(ui, "Value", "none yet".to_owned(), None);
        }
        Some(Err(reason)) => readout(
            ui,
            "Value",
            format!("no value: {reason}"),
            Some(c.palette.danger),
        ),
        None => {}
    }
    if let Some(lever) = figures
        .leverage
        .as_ref()
        .and_then(|l| l.levers.iter().find(|l| &l.id == c.id))
    {
        let e_text = lever
            .elasticity
            .map_or("—".to_owned(), |x| format!("{x:+.3}"));
        let approx = if lever.approximate {
            " (active branch)"
        } else {
            ""
        };
        readout(ui, "Elasticity", format!("{e_text}{approx}"), None);
        if let Some(impact) = lever.impact_to_target {
            readout(ui, "Impact if on target", format!("{impact:+.4}"), None);
        }
    }
    caption(ui, "Formula");
    let kinds = [
        "Input",
        "Sum",
        "Product",
        "Mean",
        "Min",
        "Max",
        "Expression",
    ];
    let current = match &e.node.formula {
        None => 0,
        Some(Formula::Sum) => 1,
        Some(Formula::Product) => 2,
        Some(Formula::Mean) => 3,
        Some(Formula::Min) => 4,
        Some(Formula::Max) => 5,
        Some(Formula::Expr(_)) => 6,
    };
    let indices: Vec<usize> = (0..kinds.len()).collect();
    if let Some(Some(k)) = choice(
        ui,
        "Formula kind",
        Some(current),
        &indices,
        |k| kinds[k].to_owned(),
        None,
    ) {
        e.node.formula = match k {
            1 => Some(Formula::Sum),
            2 => Some(Formula::Product),
            3 => Some(Formula::Mean),
            4 => Some(Formula::Min),
            5 => Some(Formula::Max),
            6 => Some(Formula::Expr(default_expression(c.map, c.id))),
            _ => None,
        };
    }
    if let Some(Formula::Expr(src)) = e.node.formula.clone() {
        let map = c.map;
        let me = c.id.as_str();
        let look = FieldLook::wrapped("e.g. churned_accounts * avg_churned_mrr", true);
        if let Some(t) = text_field(ui, drafts, "formula", &src, look, |t| {
            check_formula(map, me, t)
        }) {
            e.node.formula = Some(Formula::Expr(t.trim().to_owned()));
        }
    }
    if let Some(issue) = figures.issue(c.id.as_str()) {
        let src = match &e.node.formula {
            Some(Formula::Expr(s)) => s.clone(),
            _ => String::new(),
        };
        error_ui(
            ui,
            &src,
            &issue.message,
            issue.offset.filter(|_| !src.is_empty()),
        );
    }
    let value_label = if e.node.formula.is_some() {
        "Reported actual"
    } else {
        "Value"
    };
    caption(ui, value_label);
    if let Some(v) = number_field(ui, drafts, "value", e.node.value, "current period") {
        e.node.value = v;
    }
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.set_width(110.0);
            caption(ui, "Unit");
            if let Some(t) = text_field(
                ui,
                drafts,
                "unit",
                unit.as_deref().unwrap_or(""),
                FieldLook::line("$, %, accounts"),
                |_| Ok(()),
            ) {
                e.node.unit = non_empty(t);
            }
        });
        ui.vertical(|ui| {
            caption(ui, "Display");
            let all = [
                Display::Number,
                Display::Percent,
                Display::Currency,
                Display::Integer,
                Display::Ratio,
            ];
            if let Some(d) = choice(
                ui,
                "Display",
                e.node.display,
                &all,
                |d| format!("{d:?}"),
                Some("Number (default)"),
            ) {
                e.node.display = d;
            }
        });
    });
    caption(ui, "Target");
    if let Some(v) = number_field(ui, drafts, "target", e.node.target, "value aimed for") {
        e.node.target = v;
    }
    caption(ui, "Direction");
    let dirs = [Direction::HigherIsBetter, Direction::LowerIsBetter];
    let dir_name = |d: Direction| match d {
        Direction::HigherIsBetter => "Higher is better".to_owned(),
        Direction::LowerIsBetter => "Lower is better".to_owned(),
    };
    if let Some(d) = choice(
        ui,
        "Direction",
        e.node.direction,
        &dirs,
        dir_name,
        Some("Higher is better (default)"),
    ) {
        e.node.direction = d;
    }
    caption(ui, "Thresholds: warn, alert");
    let shown = e
        .node
        .thresholds
        .map(|t| format!("{}, {}", t.warn, t.alert))
        .unwrap_or_default();
    let look = FieldLook::line("e.g. 1.08, 1.00");
    let check = |t: &str| parse_thresholds(t).map(|_| ());
    if let Some(t) = text_field(ui, drafts, "thresholds", &shown, look, check)
        && let Ok(th) = parse_thresholds(&t)
    {
        e.node.thresholds = th;
    }
    ui.checkbox(&mut e.node.controllable, "Controllable lever");
    caption(ui, "Source");
    if let Some(t) = text_field(
        ui,
        drafts,
        "source",
        e.node.source.as_deref().unwrap_or(""),
        FieldLook::line("where the number comes from"),
        |_| Ok(()),
    ) {
        e.node.source = non_empty(t);
    }
    caption(ui, "History (one “period: value” per line)");
    let history: String = e
        .node
        .history
        .iter()
        .map(|(p, v)| format!("{p}: {v}\n"))
        .collect();
    let look = FieldLook {
        code: true,
        ..FieldLook::paragraph("2026-10: 100000")
    };
    let check = |t: &str| parse_history(t).map(|_| ());
    if let Some(t) = text_field(ui, drafts, "history", history.trim_end(), look, check)
        && let Ok(h) = parse_history(&t)
    {
        e.node.history = h;
    }
}

fn opportunity_ui(
    ui: &mut egui::Ui,
    c: &Ctx<'_>,
    figures: &mut Figures,
    drafts: &mut Drafts,
    e: &mut Edits,
) {
    if let Some(summary) = figures.opportunity(c.map, c.id) {
        let best = summary
            .best_expected_lift
            .map_or("—".to_owned(), format_lift);
        readout(
            ui,
            "Solutions",
            format!("{} · best lift {best}", summary.solutions.len()),
            None,
        );
    }
    ui.checkbox(&mut e.node.targeted, "Target opportunity");
    caption(ui, "Sizing: reach · frequency · severity");
    match e.node.sizing {
        Some(s) => {
            let mut s2 = s;
            if let Some(Some(v)) = scale_picker(ui, "reach", Some(s.reach), false) {
                s2.reach = v;
            }
            if let Some(Some(v)) = scale_picker(ui, "frequency", Some(s.frequency), false) {
                s2.frequency = v;
            }
            if let Some(Some(v)) = scale_picker(ui, "severity", Some(s.severity), false) {
                s2.severity = v;
            }
            e.node.sizing = Some(s2);
            if ui.small_button("Remove sizing").clicked() {
                e.node.sizing = None;
            }
        }
        None => {
            if ui.button("Add sizing").clicked() {
                e.node.sizing = Some(Sizing {
                    reach: 3,
                    frequency: 3,
                    severity: 3,
                });
            }
        }
    }
    for (label, salt) in [
        ("Market factor", "market"),
        ("Company factor", "company"),
        ("Customer factor", "customer"),
    ] {
        caption(ui, label);
        let slot = match salt {
            "market" => &mut e.node.market,
            "company" => &mut e.node.company,
            _ => &mut e.node.customer,
        };
        if let Some(v) = scale_picker(ui, salt, *slot, true) {
            *slot = v;
        }
    }
    caption(ui, "Evidence");
    let mut remove = None;
    for (k, ev) in e.node.evidence.clone().iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let key = |f: &str| format!("evidence_{k}_{f}");
            if let Some(t) = text_field(
                ui,
                drafts,
                &key("source"),
                &ev.source,
                FieldLook::line("source"),
                |t| {
                    if t.trim().is_empty() {
                        Err(("evidence needs a source".to_owned(), None))
                    } else {
                        Ok(())
                    }
                },
            ) {
                e.node.evidence[k].source = t;
            }
            if let Some(t) = text_field(
                ui,
                drafts,
                &key("date"),
                ev.date.as_deref().unwrap_or(""),
                FieldLook::line("date"),
                |_| Ok(()),
            ) {
                e.node.evidence[k].date = non_empty(t);
            }
            let quote = FieldLook::paragraph("what they said");
            if let Some(t) = text_field(
                ui,
                drafts,
                &key("quote"),
                ev.quote.as_deref().unwrap_or(""),
                quote,
                |_| Ok(()),
            ) {
                e.node.evidence[k].quote = non_empty(t);
            }
            if ui.small_button("Remove").clicked() {
                remove = Some(k);
            }
        });
    }
    if let Some(k) = remove {
        e.node.evidence.remove(k);
        drafts.clear();
    }
    if ui.button("Add evidence").clicked() {
        e.node.evidence.push(Evidence {
            source: "Interview".to_owned(),
            date: None,
            quote: None,
        });
    }
}

fn solution_ui(
    ui: &mut egui::Ui,
    c: &Ctx<'_>,
    figures: &mut Figures,
    drafts: &mut Drafts,
    e: &mut Edits,
) {
    if let Some(s) = figures.solution(c.map, c.id) {
        let leaps = s.untested_leaps.len();
        let color = (leaps > 0).then_some(c.palette.danger);
        readout(ui, "Untested leaps of faith", leaps.to_string(), color);
        if let Some(effect) = s.north_star_effect {
            readout(
                ui,
                "Estimated North Star effect",
                format_lift(effect),
                Some(c.palette.accent),
            );
        }
    }
    caption(ui, "Status");
    let name = |s: Status| format!("{s:?}");
    if let Some(s) = choice(
        ui,
        "Solution status",
        e.node.status,
        &Status::SOLUTION,
        name,
        Some("—"),
    ) {
        e.node.status = s;
    }
    caption(ui, "Effort");
    if let Some(v) = scale_picker(ui, "effort", e.node.effort, true) {
        e.node.effort = v;
    }
    caption(ui, "Expected lift (0.05 = +5%)");
    if let Some(v) = number_field(
        ui,
        drafts,
        "expected_lift",
        e.node.expected_lift,
        "relative change of the outcome's metric",
    ) {
        e.node.expected_lift = v;
    }
}

fn assumption_ui(ui: &mut egui::Ui, c: &Ctx<'_>, _drafts: &mut Drafts, e: &mut Edits) {
    if e.node.is_leap_of_faith() {
        ui.label(
            RichText::new("Leap of faith: important, with little evidence").color(c.palette.danger),
        );
    }
    caption(ui, "Category");
    let all = [
        Category::Desirability,
        Category::Viability,
        Category::Feasibility,
        Category::Usability,
        Category::Ethical,
    ];
    if let Some(v) = choice(
        ui,
        "Category",
        e.node.category,
        &all,
        |c| format!("{c:?}"),
        Some("—"),
    ) {
        e.node.category = v;
    }
    caption(ui, "Importance");
    if let Some(v) = scale_picker(ui, "importance", e.node.importance, true) {
        e.node.importance = v;
    }
    caption(ui, "Evidence");
    if let Some(v) = scale_picker(ui, "evidence_strength", e.node.evidence_strength, true) {
        e.node.evidence_strength = v;
    }
}

fn test_ui(ui: &mut egui::Ui, drafts: &mut Drafts, e: &mut Edits) {
    caption(ui, "Status");
    if let Some(s) = choice(
        ui,
        "Test status",
        e.node.status,
        &Status::TEST,
        |s| format!("{s:?}"),
        Some("—"),
    ) {
        e.node.status = s;
    }
    caption(ui, "Method");
    let long = FieldLook::paragraph;
    if let Some(t) = text_field(
        ui,
        drafts,
        "method",
        e.node.method.as_deref().unwrap_or(""),
        long("how it is run"),
        |_| Ok(()),
    ) {
        e.node.method = non_empty(t);
    }
    caption(ui, "Success criterion");
    if let Some(t) = text_field(
        ui,
        drafts,
        "criterion",
        e.node.success_criterion.as_deref().unwrap_or(""),
        long("what counts as a pass"),
        |_| Ok(()),
    ) {
        e.node.success_criterion = non_empty(t);
    }
    caption(ui, "Result");
    if let Some(t) = text_field(
        ui,
        drafts,
        "result",
        e.node.result.as_deref().unwrap_or(""),
        long("what happened"),
        |_| Ok(()),
    ) {
        e.node.result = non_empty(t);
    }
}

fn links_ui(ui: &mut egui::Ui, c: &Ctx<'_>, e: &mut Edits) {
    let links = c.map.links_of(c.id.as_str());
    if links.is_empty() {
        return;
    }
    caption(ui, "Links");
    for link in links {
        let (verb, other) = match (link.kind, &link.from == c.id) {
            (LinkKind::Measures, true) => ("Measured by", link.to.clone()),
            (LinkKind::Measures, false) => ("Measures", link.from.clone()),
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
        });
    }
}

/// Checks a formula as typed: syntax (with the offset), and every id naming another metric.
fn check_formula(map: &Map, me: &str, src: &str) -> Result<(), (String, Option<usize>)> {
    let tape = Tape::parse(src).map_err(|e| (e.message, Some(e.offset)))?;
    for (k, var) in tape.vars().iter().enumerate() {
        let at = Some(tape.var_offsets(k));
        match map.node(var) {
            None => return Err((format!("there is no metric `{var}`"), at)),
            Some(n) if n.kind != NodeKind::Metric => {
                return Err((format!("`{var}` is not a metric"), at));
            }
            Some(_) if var == me => {
                return Err(("a formula cannot use its own metric".to_owned(), at));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// A starting expression: the sum of the metric children, or 0.
fn default_expression(map: &Map, id: &NodeId) -> String {
    let kids: Vec<&str> = map
        .children(id.as_str())
        .filter(|k| {
            map.node(k.as_str())
                .is_some_and(|n| n.kind == NodeKind::Metric)
        })
        .map(NodeId::as_str)
        .collect();
    if kids.is_empty() {
        "0".to_owned()
    } else {
        kids.join(" + ")
    }
}

fn parse_thresholds(text: &str) -> Result<Option<Thresholds>, (String, Option<usize>)> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text.split([',', ';', '/']).collect();
    match parts.as_slice() {
        [w, a] => match (parse_number(w), parse_number(a)) {
            (Some(warn), Some(alert)) => Ok(Some(Thresholds { warn, alert })),
            _ => Err(("both thresholds must be numbers".to_owned(), None)),
        },
        _ => Err(("write two numbers: warn, alert".to_owned(), None)),
    }
}

fn parse_history(text: &str) -> Result<BTreeMap<String, f64>, (String, Option<usize>)> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((period, value)) = line.split_once(':') else {
            return Err((format!("line {}: write “period: value”", n + 1), None));
        };
        let Some(v) = parse_number(value) else {
            return Err((
                format!("line {}: `{}` is not a number", n + 1, value.trim()),
                None,
            ));
        };
        out.insert(period.trim().to_owned(), v);
    }
    Ok(out)
}

fn non_empty(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_history_parse() {
        assert_eq!(parse_thresholds(""), Ok(None));
        assert_eq!(
            parse_thresholds("1.08, 1.00"),
            Ok(Some(Thresholds {
                warn: 1.08,
                alert: 1.0
            }))
        );
        assert!(parse_thresholds("1.08").is_err());
        let h = parse_history("2026-09: 96,000\n2026-10: 100000").expect("parses");
        assert_eq!(h.get("2026-09"), Some(&96000.0));
        assert!(parse_history("2026-09 96000").is_err());
    }
}
