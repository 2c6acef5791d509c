//! "Why it moved" (View menu, Ctrl+Shift+W): the top's change between two periods — by default
//! from the period before the one shown to the one shown — or between a scenario and the
//! actuals, split across the metrics under the top by Aumann–Shapley attribution
//! ([`crate::engine::explain`], the same as `fulcrum explain`), ranked, with bars; while the
//! panel is open each card carries its contribution as a chip.
//!
//! The attribution is computed once per map, basis and top, and kept in the view.

use egui::{RichText, Sense};

use crate::engine::{self, Attribution, Basis};
use crate::look::{Width, format_delta, format_value};
use crate::model::{Map, NodeId};

use super::Viewer;
use super::commands::UiCommand;

/// What the top's change is measured between.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) enum Between {
    /// The period before the one shown, and the one shown (the newest when the current
    /// values are shown).
    #[default]
    PreviousPeriod,
    /// Two chosen periods.
    Periods(String, String),
    /// The scenario shown against the actuals.
    ScenarioVsActuals,
}

/// The panel's state and its last answer.
#[derive(Default)]
pub(crate) struct WhyView {
    /// What is compared.
    pub between: Between,
    /// The answer for (generation, the two bases, top), kept until one of them changes.
    cached: Option<(Key, Result<Attribution, String>)>,
}

type Key = (u64, Basis, Basis, Option<NodeId>);

/// The two bases the panel compares, for the map and view as they are; `None` with why.
fn bases(
    map: &Map,
    between: &Between,
    period: Option<&str>,
    scenario: Option<&str>,
) -> Result<(Basis, Basis), String> {
    let periods = engine::Analysis::periods(map);
    match between {
        Between::PreviousPeriod => {
            let to = match period {
                Some(p) => p.to_owned(),
                None => periods
                    .last()
                    .cloned()
                    .ok_or("this map has no history yet")?,
            };
            let at = periods
                .iter()
                .position(|p| *p == to)
                .ok_or("the period shown is not in the history")?;
            let from = at
                .checked_sub(1)
                .and_then(|k| periods.get(k))
                .cloned()
                .ok_or_else(|| format!("no period before {to}"))?;
            Ok((Basis::period(from), Basis::period(to)))
        }
        Between::Periods(from, to) => Ok((Basis::period(from.clone()), Basis::period(to.clone()))),
        Between::ScenarioVsActuals => {
            let s = scenario.ok_or("choose a scenario in the status bar first")?;
            let p = period.map(str::to_owned);
            Ok((
                Basis {
                    period: p.clone(),
                    scenario: None,
                },
                Basis {
                    period: p,
                    scenario: Some(s.to_owned()),
                },
            ))
        }
    }
}

impl WhyView {
    /// The attribution for the map and view as they are (computed when they changed).
    pub fn answer(
        &mut self,
        map: &Map,
        generation: u64,
        (period, scenario): (Option<&str>, Option<&str>),
        top: Option<&NodeId>,
    ) -> Result<&Attribution, String> {
        let (from, to) = bases(map, &self.between, period, scenario)?;
        let key: Key = (generation, from.clone(), to.clone(), top.cloned());
        if self.cached.as_ref().is_none_or(|(k, _)| *k != key) {
            let top_id = top.map(NodeId::as_str);
            let answer = engine::explain(map, &from, &to, top_id).map_err(|e| e.to_string());
            self.cached = Some((key, answer));
        }
        match &self.cached {
            Some((_, Ok(a))) => Ok(a),
            Some((_, Err(e))) => Err(e.clone()),
            None => Err("no answer".to_owned()),
        }
    }

    /// How the top of the last answer shows its numbers (display, unit).
    pub fn top_looks(&self, map: &Map) -> Option<(crate::model::Display, Option<String>)> {
        let (_, Ok(a)) = self.cached.as_ref()? else {
            return None;
        };
        let node = map.node(a.top.as_str())?;
        Some((node.display.unwrap_or_default(), node.unit.clone()))
    }

    /// The contribution of `id` in the last answer, if the panel has one.
    pub fn contribution(&self, id: &str) -> Option<f64> {
        let (_, Ok(a)) = self.cached.as_ref()? else {
            return None;
        };
        a.contribution(id).map(|c| c.contribution)
    }
}

/// The bottom panel.
pub(crate) fn why_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &mut super::view::View) {
    let map = cx.session.map();
    let generation = cx.session.doc.generation();
    let periods = engine::Analysis::periods(map);
    let basis = (view.period.as_deref(), view.scenario.as_deref());
    let top = view.leverage.top.clone();
    egui::Panel::bottom("why")
        .resizable(true)
        .default_size(260.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Why it moved").strong());
                let why = &mut view.why;
                ui.radio_value(
                    &mut why.between,
                    Between::PreviousPeriod,
                    "since the previous period",
                );
                let two = matches!(why.between, Between::Periods(..));
                if ui.radio(two, "between two periods").clicked() && !two {
                    let n = periods.len();
                    if n >= 2 {
                        why.between =
                            Between::Periods(periods[n - 2].clone(), periods[n - 1].clone());
                    }
                }
                ui.radio_value(
                    &mut why.between,
                    Between::ScenarioVsActuals,
                    "scenario vs actuals",
                );
                if let Between::Periods(from, to) = &mut why.between {
                    period_combo(ui, "from", from, &periods);
                    period_combo(ui, "to", to, &periods);
                }
            });
            let answer = view.why.answer(map, generation, basis, top.as_ref());
            let a = match answer {
                Ok(a) => a,
                Err(why) => {
                    ui.weak(why);
                    return;
                }
            };
            let top_node = map.node(a.top.as_str());
            let display = top_node.and_then(|n| n.display).unwrap_or_default();
            let unit = top_node.and_then(|n| n.unit.as_deref());
            let title = top_node.map_or(a.top.as_str(), |n| n.title.as_str());
            ui.label(format!(
                "{title} moved from {} to {} ({}){}",
                format_value(a.value_from, display, unit, Width::Full),
                format_value(a.value_to, display, unit, Width::Full),
                format_delta(a.change, display, unit),
                if a.residual.abs() > 1e-12 * a.change.abs().max(1e-300) {
                    format!(" · residual {:.1e}", a.residual)
                } else {
                    String::new()
                }
            ));
            let biggest = a
                .contributions
                .iter()
                .map(|c| c.contribution.abs())
                .fold(0.0f64, f64::max);
            egui::ScrollArea::vertical()
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    egui::Grid::new("why_rows")
                        .striped(true)
                        .num_columns(4)
                        .show(ui, |ui| {
                            for c in &a.contributions {
                                let id = a.id(c);
                                let node = map.node(id.as_str());
                                let (d, u) = (
                                    node.and_then(|n| n.display).unwrap_or_default(),
                                    node.and_then(|n| n.unit.as_deref()),
                                );
                                let name = node.map_or(id.as_str(), |n| n.title.as_str());
                                let text = if c.input {
                                    RichText::new(name)
                                } else {
                                    RichText::new(name).italics()
                                };
                                if ui.link(text).clicked() {
                                    cx.commands.send(UiCommand::SelectAndCenter(id.clone()));
                                }
                                let shown = |v: Option<f64>| {
                                    v.map_or("none".to_owned(), |v| {
                                        format_value(v, d, u, Width::Compact)
                                    })
                                };
                                ui.label(format!("{} to {}", shown(c.from), shown(c.to)));
                                ui.label(format_delta(c.contribution, display, unit));
                                bar_ui(ui, cx, c.contribution, biggest);
                                ui.end_row();
                            }
                        });
                });
        });
}

fn period_combo(ui: &mut egui::Ui, name: &str, value: &mut String, periods: &[String]) {
    egui::ComboBox::from_id_salt(("why", name))
        .selected_text(value.clone())
        .show_ui(ui, |ui| {
            for p in periods {
                ui.selectable_value(value, p.clone(), p);
            }
        })
        .response
        .accessible_name(name);
}

/// A bar as long as the contribution's share of the largest, green up, red down.
fn bar_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, contribution: f64, biggest: f64) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(180.0, 12.0), Sense::hover());
    let frac = if biggest > 0.0 {
        (contribution.abs() / biggest) as f32
    } else {
        0.0
    };
    let color = if contribution >= 0.0 {
        cx.palette.rag(crate::engine::Rag::Green)
    } else {
        cx.palette.rag(crate::engine::Rag::Red)
    };
    let bar = egui::Rect::from_min_size(rect.min, egui::vec2(rect.width() * frac, rect.height()));
    ui.painter().rect_filled(bar, 2.0, color);
}
