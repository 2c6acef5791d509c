//! Rendering roll-up and leverage results as a table, CSV or JSON.
//!
//! The JSON shapes are part of Fulcrum's interface (see the README); fields are added, never
//! renamed.

use serde::Serialize;

use super::OutputFormat;
use crate::engine::{Analysis, Leverage, Rag, status};
use crate::model::{Map, NodeKind};

/// One metric's roll-up, as printed.
#[derive(Debug, Serialize)]
pub(super) struct RollupRow {
    id: String,
    title: String,
    /// The value (under the scenario, when one is chosen); `None` when there is none.
    value: Option<f64>,
    /// Why there is no value.
    error: Option<String>,
    status: Option<Rag>,
    /// The value without the scenario; only under `--scenario`.
    #[serde(skip_serializing_if = "Option::is_none")]
    actual: Option<Option<f64>>,
    /// For a computed metric that also has a `value`: that reported figure (the model's
    /// figure is `value`). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    reported: Option<f64>,
}

#[derive(Serialize)]
struct RollupJson<'a> {
    nodes: &'a [RollupRow],
}

/// The rows of a roll-up: every metric, in file order.
pub(super) fn rollup_rows(map: &Map, analysis: &Analysis) -> Vec<RollupRow> {
    map.iter()
        .filter(|(_, node)| node.kind == NodeKind::Metric)
        .filter_map(|(id, node)| {
            let result = analysis.value(id.as_str())?;
            let (value, error) = match result {
                Ok(v) => (Some(v), None),
                Err(reason) => (None, Some(reason.to_owned())),
            };
            let actual = analysis
                .actual
                .as_ref()
                .map(|_| analysis.actual_value(id.as_str()).and_then(Result::ok));
            let reported = node.formula.as_ref().and(node.value);
            Some(RollupRow {
                reported,
                id: id.to_string(),
                title: node.title.clone(),
                status: value.and_then(|v| status(node, v)),
                value,
                error,
                actual,
            })
        })
        .collect()
}

/// Renders roll-up rows.
pub(super) fn rollup(rows: &[RollupRow], scenario: bool, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(&RollupJson { nodes: rows }),
        OutputFormat::Csv | OutputFormat::Table => {
            let mut header = vec!["id", "title", "value", "status"];
            if scenario {
                header.extend(["actual", "delta"]);
            }
            let reported = rows.iter().any(|r| r.reported.is_some());
            if reported {
                header.extend(["reported", "model_minus_reported"]);
            }
            header.push("error");
            let body = rows
                .iter()
                .map(|r| {
                    let mut cells = vec![
                        r.id.clone(),
                        r.title.clone(),
                        number(r.value),
                        r.status.map(Rag::name).unwrap_or_default().to_owned(),
                    ];
                    if scenario {
                        let actual = r.actual.flatten();
                        let delta = r.value.zip(actual).map(|(v, a)| v - a);
                        cells.extend([number(actual), number(delta)]);
                    }
                    if reported {
                        let gap = r.value.zip(r.reported).map(|(v, a)| v - a);
                        cells.extend([number(r.reported), number(gap)]);
                    }
                    cells.push(r.error.clone().unwrap_or_default());
                    cells
                })
                .collect::<Vec<_>>();
            render_cells(&header, &body, format)
        }
    }
}

#[derive(Serialize)]
struct LeverJson<'a> {
    id: &'a str,
    title: &'a str,
    value: f64,
    sensitivity: f64,
    elasticity: Option<f64>,
    impact_to_target: Option<f64>,
    approximate: bool,
    lever: bool,
}

#[derive(Serialize)]
struct LeverageJson<'a> {
    top: &'a str,
    value: f64,
    levers: Vec<LeverJson<'a>>,
}

/// Renders a leverage ranking.
pub(super) fn leverage(map: &Map, leverage: &Leverage, format: OutputFormat) -> String {
    let title = |id: &str| map.node(id).map_or("", |n| n.title.as_str());
    match format {
        OutputFormat::Json => json(&LeverageJson {
            top: leverage.top.as_str(),
            value: leverage.value,
            levers: leverage
                .levers
                .iter()
                .map(|l| LeverJson {
                    id: l.id.as_str(),
                    title: title(l.id.as_str()),
                    value: l.value,
                    sensitivity: l.sensitivity,
                    elasticity: l.elasticity,
                    impact_to_target: l.impact_to_target,
                    approximate: l.approximate,
                    lever: l.is_lever,
                })
                .collect(),
        }),
        OutputFormat::Csv | OutputFormat::Table => {
            let header = [
                "id",
                "title",
                "value",
                "sensitivity",
                "elasticity",
                "impact_to_target",
                "approximate",
                "lever",
            ];
            let body = leverage
                .levers
                .iter()
                .map(|l| {
                    vec![
                        l.id.to_string(),
                        title(l.id.as_str()).to_owned(),
                        number(Some(l.value)),
                        number(Some(l.sensitivity)),
                        number(l.elasticity),
                        number(l.impact_to_target),
                        if l.approximate { "yes" } else { "no" }.to_owned(),
                        if l.is_lever { "yes" } else { "no" }.to_owned(),
                    ]
                })
                .collect::<Vec<_>>();
            let mut out = String::new();
            if format == OutputFormat::Table {
                out.push_str(&format!(
                    "top: {} ({}) = {}\n\n",
                    leverage.top,
                    title(leverage.top.as_str()),
                    number(Some(leverage.value))
                ));
            }
            out.push_str(&render_cells(&header, &body, format));
            out
        }
    }
}

/// A number as printed in CSV: the shortest text that reads back exactly.
pub(super) fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

/// A number as shown in a table: rounded to 10 significant digits, so float noise such as
/// `0.050000000000000044` reads `0.05`. CSV and JSON keep every digit.
pub(super) fn rounded(cell: &str) -> String {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v != 0.0 => format!("{:.9e}", v)
            .parse::<f64>()
            .map_or_else(|_| cell.to_owned(), |r| format!("{r}")),
        _ => cell.to_owned(),
    }
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    // Serialising plain structs of strings and finite numbers cannot fail.
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Renders a header and rows as aligned columns or CSV.
pub(super) fn render_cells(header: &[&str], rows: &[Vec<String>], format: OutputFormat) -> String {
    let mut out = String::new();
    if format == OutputFormat::Csv {
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            cells.map(csv_field).collect::<Vec<_>>().join(",")
        };
        out.push_str(&line(&mut header.iter().copied()));
        out.push('\n');
        for row in rows {
            out.push_str(&line(&mut row.iter().map(String::as_str)));
            out.push('\n');
        }
        return out;
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| rounded(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(48));
        }
    }
    let mut push_row = |cells: Vec<String>| {
        let line: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                let c: String = c.chars().take(48).collect();
                format!("{c:<w$}")
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    };
    push_row(header.iter().map(|h| (*h).to_owned()).collect());
    for row in rows {
        push_row(row);
    }
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
