//! The bridge (View → Bridge panel): every solution ranked by its estimated effect on the
//! North Star — its expected lift times the elasticity of the metric its outcome measures
//! (SPEC §4.3) — with its untested leaps of faith. Reads the frame's figures; a row selects
//! its card.

use egui::RichText;

use crate::look::format_lift;
use crate::model::NodeKind;

use super::Viewer;
use super::commands::UiCommand;

/// One solution's row.
struct Row {
    id: crate::model::NodeId,
    title: String,
    lift: Option<f64>,
    effect: Option<f64>,
    leaps: Vec<String>,
}

/// The bottom panel.
pub(crate) fn bridge_ui(ui: &mut egui::Ui, cx: &Viewer<'_>) {
    let map = cx.session.map();
    let figures = &cx.derived.figures;
    let top = figures.dense().map(|d| d.top_id.clone());
    let top_title = top
        .as_ref()
        .and_then(|t| map.node(t.as_str()))
        .map_or("the North Star".to_owned(), |n| n.title.clone());
    let mut rows: Vec<Row> = map
        .iter()
        .filter(|(_, n)| n.kind == NodeKind::Solution)
        .filter_map(|(id, n)| {
            let s = figures.solution(map, id)?;
            Some(Row {
                id: id.clone(),
                title: n.title.clone(),
                lift: s.expected_lift,
                effect: s.north_star_effect,
                leaps: s
                    .untested_leaps
                    .iter()
                    .map(|l| {
                        map.node(l.as_str())
                            .map_or(l.to_string(), |n| n.title.clone())
                    })
                    .collect(),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let ea = a.effect.map_or(f64::NEG_INFINITY, f64::abs);
        let eb = b.effect.map_or(f64::NEG_INFINITY, f64::abs);
        eb.total_cmp(&ea).then_with(|| a.title.cmp(&b.title))
    });
    egui::Panel::bottom("bridge")
        .resizable(true)
        .default_size(220.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("Bridge").strong());
                ui.weak(format!("solutions by estimated effect on {top_title}"));
            });
            if rows.is_empty() {
                ui.weak("No solutions in this map yet.");
                return;
            }
            if rows.iter().all(|r| r.effect.is_none()) {
                ui.weak("Link an outcome to the metric it measures (select the outcome, then Edit, Measures…) to see its solutions' effect.");
            }
            egui::ScrollArea::vertical()
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    egui::Grid::new("bridge_rows")
                        .striped(true)
                        .num_columns(4)
                        .show(ui, |ui| {
                            ui.weak("solution");
                            ui.weak("expected lift");
                            ui.weak(format!("effect on {top_title}"));
                            ui.weak("untested leaps of faith");
                            ui.end_row();
                            for row in &rows {
                                if ui.link(&row.title).clicked() {
                                    cx.commands.send(UiCommand::SelectAndCenter(row.id.clone()));
                                }
                                ui.label(row.lift.map_or("—".to_owned(), format_lift));
                                ui.label(
                                    row.effect
                                        .map_or("—".to_owned(), format_lift),
                                );
                                if row.leaps.is_empty() {
                                    ui.weak("none");
                                } else {
                                    ui.colored_label(
                                        cx.palette.rag(crate::engine::Rag::Amber),
                                        row.leaps.join(", "),
                                    );
                                }
                                ui.end_row();
                            }
                        });
                });
        });
}
