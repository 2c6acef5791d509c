//! The map as CSV, a row per node in depth-first order under a header row: `id`, `parent`,
//! `kind`, `title`, `value`, `unit`, `target`, `status`, `sensitivity`, `elasticity`.
//!
//! Numbers carry every digit (they read back bit-identical) with a `.` decimal point; an
//! empty cell is no figure. `status` is `green`/`amber`/`red` for a metric and the status of
//! a solution or a test. `sensitivity` and `elasticity` are measured against the top: the
//! exported root when it is a metric, else the map's default top (its first metric root);
//! the top itself has 1 and 1, and nodes the top does not depend on have none. Text that a
//! spreadsheet would run as a formula (a title starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) gets a leading `'`, so opening the file never runs anything.

use super::{ExportError, ExportOptions, Exported, Scope, status_word};
use crate::engine::{self, default_top};
use crate::model::{Map, NodeKind};

/// The header row.
pub const CSV_HEADER: [&str; 10] = [
    "id",
    "parent",
    "kind",
    "title",
    "value",
    "unit",
    "target",
    "status",
    "sensitivity",
    "elasticity",
];

/// The map (or the subtree under `options.root`) as CSV, rolled up under the options'
/// scenario and period.
///
/// Errors: an unknown root, scenario or period.
pub fn to_csv(map: &Map, options: &ExportOptions) -> Result<Exported, ExportError> {
    let scope = Scope::new(map, options)?;
    let top = options
        .root
        .as_deref()
        .filter(|r| map.node(r).is_some_and(|n| n.kind == NodeKind::Metric))
        .map(str::to_owned)
        .or_else(|| default_top(map).map(|t| t.to_string()));
    let figures = leverage_figures(&scope, top.as_deref());
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::with_capacity(80 * scope.items.len() + 128));
    let mut warnings = Vec::new();
    let mut write = |record: &[&str]| {
        if let Err(err) = writer.write_record(record) {
            warnings.push(format!("CSV writer: {err}"));
        }
    };
    write(&CSV_HEADER);
    for item in &scope.items {
        let node = item.node;
        let value = match scope.value(item.id.as_str()) {
            Some(Ok(v)) => number(v),
            _ => String::new(),
        };
        let figure = scope
            .analysis
            .program
            .metric(item.id.as_str())
            .and_then(|i| figures.get(i as usize).copied().flatten());
        let (sensitivity, elasticity) = match figure {
            Some((s, e)) => (
                s.map(number).unwrap_or_default(),
                e.map(number).unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        let title = neutralise(&node.title);
        let unit = neutralise(node.unit.as_deref().unwrap_or(""));
        write(&[
            item.id.as_str(),
            item.parent.map_or("", |p| p.as_str()),
            node.kind.name(),
            &title,
            &value,
            &unit,
            &node.target.map(number).unwrap_or_default(),
            status_word(&scope, item).unwrap_or(""),
            &sensitivity,
            &elasticity,
        ]);
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| e.into_error())
        .unwrap_or_else(|err| {
            warnings.push(format!("CSV writer: {err}"));
            Vec::new()
        });
    Ok(Exported {
        text: String::from_utf8_lossy(&bytes).into_owned(),
        warnings,
    })
}

/// Sensitivity and elasticity of every metric against `top`, by metric index (`None` for
/// metrics the top does not depend on, or for all when the top has no value): one reverse
/// pass, the figures `fulcrum leverage` prints, without its impact-to-target re-evaluations.
fn leverage_figures(
    scope: &Scope<'_>,
    top: Option<&str>,
) -> Vec<Option<(Option<f64>, Option<f64>)>> {
    let program = &scope.analysis.program;
    let rollup = &scope.analysis.rollup;
    let Some(t) = top.and_then(|top| program.metric(top)) else {
        return Vec::new();
    };
    let Ok(r) = rollup.value(t) else {
        return Vec::new();
    };
    let sens = engine::sensitivities(program, rollup, t);
    let under = engine::under_top(program, &sens.reached, t);
    (0..program.len() as u32)
        .map(|i| {
            if i == t {
                return Some((Some(1.0), Some(1.0)));
            }
            if !under[i as usize] {
                return None;
            }
            let v = rollup.value(i).ok()?;
            Some((sens.get(i), sens.elasticity(i, v, r)))
        })
        .collect()
}

/// Every digit, no exponent surprises for spreadsheets (`0.0000001`, `100000`).
fn number(v: f64) -> String {
    format!("{v}")
}

/// A leading `'` on text a spreadsheet would run as a formula.
fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}
