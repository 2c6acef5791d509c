//! `fulcrum explain MAP [--from P] [--to Q] | --scenario S [--period P]`: why the top moved
//! (SPEC §4.2b), as a table, CSV or JSON.
//!
//! Two periods (`--to` defaults to the newest period in the map's history, `--from` to the
//! one before `--to`), or a scenario against the actuals (in one period with `--period`).
//! The attribution is [`crate::engine::explain_with`]'s. Exit codes: 0 fine, 1 a problem in
//! the input (an unknown period, scenario or top, an input without a value, too few periods),
//! 2 a map that cannot be read or does not load.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{json, number, render_cells, rounded};
use super::{OutputFormat, render};
use crate::engine::{self, Analysis, Attribution, Basis};
use crate::format::{self, Severity};
use crate::model::Map;

/// What to compare, as the flags say.
pub(super) struct Sides {
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
    pub(super) scenario: Option<String>,
    pub(super) period: Option<String>,
}

/// Runs the command.
pub(super) fn run(path: &Path, sides: Sides, top: Option<&str>, format: OutputFormat) -> ExitCode {
    let loaded = match format::load(path) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("{}", render(path, &err.problems()));
            return ExitCode::from(2);
        }
    };
    let errors: Vec<_> = loaded
        .warnings
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() {
        eprintln!("{}", render(path, &errors));
    }
    let (from, to) = match bases(&loaded.map, sides) {
        Ok(bases) => bases,
        Err(message) => {
            eprintln!("{}: {message}", path.display());
            return ExitCode::from(1);
        }
    };
    match engine::explain_with(&loaded.program, &loaded.map, &from, &to, top) {
        Ok(attribution) => {
            out!("{}", report(&loaded.map, &attribution, &from, &to, format));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{}: {err}", path.display());
            ExitCode::from(1)
        }
    }
}

/// The two sides the flags name; the periods default to the newest two.
fn bases(map: &Map, sides: Sides) -> Result<(Basis, Basis), String> {
    if let Some(scenario) = sides.scenario {
        let from = Basis::actuals().in_period(sides.period.clone());
        return Ok((from, Basis::scenario(scenario).in_period(sides.period)));
    }
    let periods = Analysis::periods(map);
    let to = match sides.to {
        Some(to) => to,
        None => periods
            .last()
            .cloned()
            .ok_or("no metric has a history, so there are no periods to compare")?,
    };
    let from = match sides.from {
        Some(from) => from,
        None => periods
            .iter()
            .rev()
            .find(|p| **p < to)
            .cloned()
            .ok_or_else(|| format!("there is no period before {to} in the map's history"))?,
    };
    Ok((Basis::period(from), Basis::period(to)))
}

#[derive(Serialize)]
struct ContributionJson<'a> {
    id: &'a str,
    title: &'a str,
    from: Option<f64>,
    to: Option<f64>,
    contribution: f64,
    input: bool,
}

#[derive(Serialize)]
struct ExplainJson<'a> {
    top: &'a str,
    from: String,
    to: String,
    value_from: f64,
    value_to: f64,
    change: f64,
    residual: f64,
    contributions: Vec<ContributionJson<'a>>,
}

fn report(map: &Map, a: &Attribution, from: &Basis, to: &Basis, format: OutputFormat) -> String {
    let title = |id: &str| map.node(id).map_or("", |n| n.title.as_str());
    match format {
        OutputFormat::Json => json(&ExplainJson {
            top: a.top.as_str(),
            from: from.label(),
            to: to.label(),
            value_from: a.value_from,
            value_to: a.value_to,
            change: a.change,
            residual: a.residual,
            contributions: a
                .contributions
                .iter()
                .map(|c| ContributionJson {
                    id: a.id(c).as_str(),
                    title: title(a.id(c).as_str()),
                    from: c.from,
                    to: c.to,
                    contribution: c.contribution,
                    input: c.input,
                })
                .collect(),
        }),
        OutputFormat::Csv | OutputFormat::Table => {
            let header = ["id", "title", "from", "to", "contribution", "input"];
            let body: Vec<Vec<String>> = a
                .contributions
                .iter()
                .map(|c| {
                    vec![
                        a.id(c).to_string(),
                        title(a.id(c).as_str()).to_owned(),
                        number(c.from),
                        number(c.to),
                        number(Some(c.contribution)),
                        if c.input { "yes" } else { "no" }.to_owned(),
                    ]
                })
                .collect();
            let mut out = String::new();
            if format == OutputFormat::Table {
                // Tiny figures (a residual of 4e-17) read better in e-notation.
                let n = |v: f64| {
                    if v != 0.0 && v.abs() < 1e-6 {
                        format!("{v:.1e}")
                    } else {
                        rounded(&number(Some(v)))
                    }
                };
                out.push_str(&format!(
                    "top: {} ({}), {} → {}: {} → {}, change {} (residual {})\n\n",
                    a.top,
                    title(a.top.as_str()),
                    from.label(),
                    to.label(),
                    n(a.value_from),
                    n(a.value_to),
                    n(a.change),
                    n(a.residual),
                ));
            }
            out.push_str(&render_cells(&header, &body, format));
            out
        }
    }
}
