//! `fulcrum values MAP values.csv [--dry-run] [--format table|json]`: merges a CSV of
//! `id,period,value` rows into the metrics' history, all or nothing, in one atomic save.
//!
//! The reading and planning are [`crate::edit::values`]'s (the app's Import values calls the
//! same functions); this file reads the files, prints, saves, and picks the exit code:
//! 0 imported (or nothing to change), 1 bad rows (every one listed as `values.csv:LINE:
//! message`, the map untouched), 2 a file that cannot be read or a map that does not load.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{json, number, render_cells, terminal};
use super::{OutputFormat, SummaryFormat, render};
use crate::edit::values::{self, ImportPlan, MAX_VALUES_BYTES};
use crate::format::{self, Severity};

/// Runs the command.
pub(super) fn run(
    map_path: &Path,
    csv_path: &Path,
    dry_run: bool,
    format: SummaryFormat,
) -> ExitCode {
    let csv_name = csv_path.display().to_string();
    let bytes = match format::read_file(csv_path, MAX_VALUES_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("{csv_name}: {err}");
            return ExitCode::from(2);
        }
    };
    let text = match values::decode(&bytes) {
        Ok(text) => text,
        Err(problem) => {
            eprintln!("{}", terminal(&problem.render(&csv_name)));
            refused(map_path, 1);
            return ExitCode::from(1);
        }
    };
    let loaded = match format::load(map_path) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("{}", render(map_path, &err.problems()));
            return ExitCode::from(2);
        }
    };
    let formula_errors: Vec<_> = loaded
        .warnings
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .cloned()
        .collect();
    if !formula_errors.is_empty() {
        // Broken formulas do not stop an import: the values go into the history all the same.
        eprintln!("{}", render(map_path, &formula_errors));
    }
    let mut map = loaded.map;
    let rows = match values::parse_values(text, &map) {
        Ok(rows) => rows,
        Err(problems) => {
            for p in &problems {
                eprintln!("{}", terminal(&p.render(&csv_name)));
            }
            refused(map_path, problems.len());
            return ExitCode::from(1);
        }
    };
    let plan = values::plan_import(&map, &rows);
    let write = !dry_run && plan.changes_anything();
    if write {
        if let Err(err) = plan.command.clone().apply(&mut map) {
            eprintln!("{}: {err}", map_path.display());
            return ExitCode::from(2);
        }
        if let Err(err) = format::save(&map, map_path) {
            eprintln!("{}", render(map_path, &err.problems()));
            return ExitCode::from(2);
        }
    }
    let outcome = if write {
        format!("saved {}", map_path.display())
    } else if dry_run {
        format!("dry run: {} not written", map_path.display())
    } else {
        format!("nothing changes: {} left as it was", map_path.display())
    };
    out!(
        "{}",
        summary(&plan, write, &csv_name, map_path, &outcome, format)
    );
    super::free_at_exit((map, rows, plan));
    ExitCode::SUCCESS
}

fn refused(map_path: &Path, bad: usize) {
    eprintln!(
        "{bad} problem{}: nothing imported; {} left as it was",
        if bad == 1 { "" } else { "s" },
        map_path.display()
    );
}

#[derive(Serialize)]
struct EntryJson<'a> {
    id: &'a str,
    period: &'a str,
    value: f64,
    line: usize,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    id: &'a str,
    period: &'a str,
    old: f64,
    new: f64,
    line: usize,
}

#[derive(Serialize)]
struct ValueJson<'a> {
    id: &'a str,
    period: &'a str,
    old: Option<f64>,
    new: f64,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    added: Vec<EntryJson<'a>>,
    changed: Vec<ChangeJson<'a>>,
    unchanged: Vec<EntryJson<'a>>,
    values: Vec<ValueJson<'a>>,
    saved: bool,
}

/// The summary of a plan: JSON (every entry) or a table (added, changed and current values;
/// unchanged entries only counted).
fn summary<'a>(
    plan: &'a ImportPlan,
    saved: bool,
    csv_name: &str,
    map_path: &Path,
    outcome: &str,
    format: SummaryFormat,
) -> String {
    let entry = |e: &'a values::HistoryEntry| EntryJson {
        id: e.id.as_str(),
        period: &e.period,
        value: e.value,
        line: e.line,
    };
    if format == SummaryFormat::Json {
        return json(&SummaryJson {
            added: plan.added.iter().map(entry).collect(),
            changed: plan
                .changed
                .iter()
                .map(|c| ChangeJson {
                    id: c.id.as_str(),
                    period: &c.period,
                    old: c.old,
                    new: c.new,
                    line: c.line,
                })
                .collect(),
            unchanged: plan.unchanged.iter().map(entry).collect(),
            values: plan
                .values
                .iter()
                .map(|v| ValueJson {
                    id: v.id.as_str(),
                    period: &v.period,
                    old: v.old,
                    new: v.new,
                })
                .collect(),
            saved,
        });
    }
    let mut out = format!(
        "{csv_name} into {}: {} added, {} changed, {} unchanged; {}\n",
        map_path.display(),
        plan.added.len(),
        plan.changed.len(),
        plan.unchanged.len(),
        match plan.values.len() {
            1 => "1 current value changes".to_owned(),
            n => format!("{n} current values change"),
        },
    );
    let mut rows: Vec<Vec<String>> = Vec::new();
    for a in &plan.added {
        rows.push(vec![
            "added".into(),
            a.id.to_string(),
            a.period.clone(),
            String::new(),
            number(Some(a.value)),
        ]);
    }
    for c in &plan.changed {
        rows.push(vec![
            "changed".into(),
            c.id.to_string(),
            c.period.clone(),
            number(Some(c.old)),
            number(Some(c.new)),
        ]);
    }
    for v in &plan.values {
        rows.push(vec![
            "value".into(),
            v.id.to_string(),
            v.period.clone(),
            number(v.old),
            number(Some(v.new)),
        ]);
    }
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&render_cells(
            &["change", "id", "period", "old", "new"],
            &rows,
            OutputFormat::Table,
        ));
        out.push('\n');
    }
    out.push_str(outcome);
    out.push('\n');
    out
}
