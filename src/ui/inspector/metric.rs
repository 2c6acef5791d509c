//! The inspector's metric fields: formula (validated as typed, with a caret under the
//! error), value, unit, display, target, direction, thresholds, lever flag, source and
//! history, plus the read-only value, status and leverage figures.

use crate::engine::formula::Tape;
use crate::engine::{self, Rag};
use crate::look::{Width, format_delta, format_value, parse_number, target_gap};
use crate::model::{Direction, Display, Formula, Map, NodeId, NodeKind, Thresholds};

use super::super::fields::{
    Drafts, FieldLook, caption, choice, error_ui, excerpt_around, number_field, readout, text_field,
};
use super::super::figures::Figures;
use super::{Ctx, Edits, non_empty};

pub(super) fn metric_ui(
    ui: &mut egui::Ui,
    c: &Ctx<'_>,
    figures: &Figures,
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
            if let Some(t) = e.node.target
                && let Some(gap) = target_gap(
                    v,
                    t,
                    e.node.direction.unwrap_or_default(),
                    display,
                    unit.as_deref(),
                )
            {
                readout(ui, "To target", gap, color);
            }
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
    if let Some(e) = figures.elasticity(c.id.as_str()) {
        let i = figures
            .analysis
            .as_ref()
            .and_then(|a| a.program.metric(c.id.as_str()));
        let dense = figures.dense();
        let approximate = dense.zip(i).is_some_and(|(d, i)| d.approximate[i as usize]);
        let approx = if approximate { " (active branch)" } else { "" };
        readout(ui, "Elasticity", format!("{e:+.3}{approx}"), None);
        let impact = i
            .zip(e_node_target(c))
            .and_then(|(i, target)| Some((figures.questions(i)?.top_at(target).ok()?, dense?)));
        if let Some((top_then, d)) = impact {
            let top = c.map.node(d.top_id.as_str());
            let display = top.and_then(|n| n.display).unwrap_or_default();
            let unit = top.and_then(|n| n.unit.as_deref());
            let title = top.map_or(d.top_id.as_str(), |n| n.title.as_str());
            readout(
                ui,
                "Impact if on target",
                format!(
                    "{} of {title}",
                    format_delta(top_then - d.top_value, display, unit)
                ),
                None,
            );
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
    let too_long = matches!(&e.node.formula, Some(Formula::Expr(src)) if too_long_to_edit(src));
    if too_long {
        // A text field would lay out, hash and expose to screen readers the whole text
        // every frame; a formula this long is shown, not edited.
        if let Some(Formula::Expr(src)) = &e.node.formula {
            let (start, _) = excerpt_around(src, 0, 80);
            ui.add(egui::Label::new(egui::RichText::new(start).monospace()).truncate());
            ui.weak(format!(
                "{} characters: too long to edit here. Edit it in the file, or choose                  another formula kind above.",
                src.chars().count()
            ));
        }
    } else if let Some(Formula::Expr(src)) = e.node.formula.clone() {
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
            Some(Formula::Expr(s)) => s.as_str(),
            _ => "",
        };
        error_ui(
            ui,
            src,
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
                |d| d.name().to_owned(),
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
    history_ui(ui, drafts, e);
}

/// History as a small table: each period's value editable (emptied: removed), a × to
/// delete a period, and a row to add one. Each change is one command.
fn history_ui(ui: &mut egui::Ui, drafts: &mut Drafts, e: &mut Edits) {
    caption(ui, "History");
    let periods: Vec<(String, f64)> = e
        .node
        .history
        .iter()
        .map(|(p, v)| (p.to_owned(), *v))
        .collect();
    egui::Grid::new("history")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for (period, value) in periods {
                ui.monospace(&period);
                let key = format!("history {period}");
                match number_field(ui, drafts, &key, Some(value), "value") {
                    Some(Some(v)) => {
                        e.node.history.insert(period.clone(), v);
                    }
                    Some(None) => {
                        e.node.history.remove(&period);
                    }
                    None => {}
                }
                if ui
                    .small_button("×")
                    .on_hover_text(format!("Delete {period}"))
                    .clicked()
                {
                    e.node.history.remove(&period);
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        let mut period = drafts.get("new period").unwrap_or("").to_owned();
        let mut value = drafts.get("new period value").unwrap_or("").to_owned();
        ui.add(
            egui::TextEdit::singleline(&mut period)
                .hint_text("2026-11")
                .desired_width(90.0),
        )
        .accessible_name("new period");
        ui.add(
            egui::TextEdit::singleline(&mut value)
                .hint_text("value")
                .desired_width(100.0),
        )
        .accessible_name("new period value");
        let typed = period.trim().to_owned();
        let parsed = parse_number(&value);
        let can = !typed.is_empty() && parsed.is_some();
        let clicked = ui
            .add_enabled(can, egui::Button::new("Add period"))
            .on_hover_text("Add (or replace) this period's value")
            .clicked();
        if clicked && let Some(v) = parsed {
            e.node.history.insert(typed, v);
            drafts.remove("new period");
            drafts.remove("new period value");
        } else {
            drafts.set("new period", period);
            drafts.set("new period value", value);
        }
    });
}

/// The target of the node in the inspector.
fn e_node_target(c: &Ctx<'_>) -> Option<f64> {
    c.map.node(c.id.as_str())?.target
}

/// The longest formula the inspector edits in a text field, in characters; a longer one
/// (such as a generated one, or one over [`crate::engine::formula::MAX_FORMULA_CHARS`]) is
/// shown as its start and its length.
pub(crate) const MAX_EDITABLE_FORMULA_CHARS: usize = 20_000;

/// Whether a formula is too long for the inspector's text field.
fn too_long_to_edit(src: &str) -> bool {
    // Bytes bound chars from above, so most formulas are judged without counting.
    src.len() > MAX_EDITABLE_FORMULA_CHARS && src.chars().count() > MAX_EDITABLE_FORMULA_CHARS
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
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse() {
        assert_eq!(parse_thresholds(""), Ok(None));
        assert_eq!(
            parse_thresholds("1.08, 1.00"),
            Ok(Some(Thresholds {
                warn: 1.08,
                alert: 1.0
            }))
        );
        assert!(parse_thresholds("1.08").is_err());
    }
}
