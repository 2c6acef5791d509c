//! The engine: formulas, roll-up, scenarios, periods, status, leverage, attribution ("why it
//! moved") and OST roll-ups.
//!
//! Pure and deterministic: functions of a [`crate::model::Map`] that return values and errors
//! as data. Never imports egui, never touches files. [`Analysis`] bundles one compiled map
//! with its roll-up for callers that want values by id.

mod attribution;
pub mod formula;
mod goal;
mod leverage;
pub mod ost;
mod program;
mod reads;
mod rollup;
mod status;
#[cfg(test)]
mod straight_tests;
mod threads;
mod wide;

pub use attribution::{
    Attribution, AttributionError, Basis, Contribution, MAX_POINTS, attribute, explain,
    explain_with,
};
pub use goal::{LeverQuestions, Unreachable};
pub use leverage::{
    Lever, Leverage, Sensitivities, default_top, leverage, sensitivities, under_top,
};
pub use program::{FormulaIssue, Program, check_formulas};
pub use reads::reads_change;
pub use rollup::{EngineError, Inputs, Rollup};
pub use status::{Rag, status};

use crate::model::Map;

/// One map compiled and rolled up under a scenario and period.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The compiled metrics.
    pub program: Program,
    /// The roll-up under `scenario` (the actuals when `None`).
    pub rollup: Rollup,
    /// The roll-up of the actuals, when a scenario is active (for deltas).
    pub actual: Option<Rollup>,
}

impl Analysis {
    /// Compiles the map and rolls it up.
    pub fn new(
        map: &Map,
        scenario: Option<&str>,
        period: Option<&str>,
    ) -> Result<Self, EngineError> {
        Self::with_program(Program::compile(map), map, scenario, period)
    }

    /// Rolls up a map whose program was already compiled (it must be this map's program,
    /// such as the one the loader compiled while checking formulas).
    pub fn with_program(
        program: Program,
        map: &Map,
        scenario: Option<&str>,
        period: Option<&str>,
    ) -> Result<Self, EngineError> {
        let rollup = program.evaluate(program.inputs(map, scenario, period)?);
        let actual = match scenario {
            Some(_) => Some(program.evaluate(program.inputs(map, None, period)?)),
            None => None,
        };
        Ok(Self {
            program,
            rollup,
            actual,
        })
    }

    /// The value of a metric by id, or why it has none (`None`: not a metric).
    pub fn value(&self, id: &str) -> Option<Result<f64, &str>> {
        self.program.metric(id).map(|i| self.rollup.value(i))
    }

    /// The value of a metric without the scenario.
    pub fn actual_value(&self, id: &str) -> Option<Result<f64, &str>> {
        let i = self.program.metric(id)?;
        Some(self.actual.as_ref().unwrap_or(&self.rollup).value(i))
    }

    /// Every period label that any metric's history uses, sorted. (Each label is copied
    /// once: a map of 100k metrics holds the same few labels 100k times over.)
    pub fn periods(map: &Map) -> Vec<String> {
        let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for (_, node) in map.iter() {
            seen.extend(node.history.keys());
        }
        seen.into_iter().map(str::to_owned).collect()
    }

    /// The computed value of every metric for every period in `periods` (for sparklines):
    /// `series[metric][k]` is the value in `periods[k]`, `None` where there is none.
    pub fn series(&self, map: &Map, periods: &[String]) -> Series {
        let width = periods.len();
        let mut values = vec![None; self.program.len() * width];
        for (k, p) in periods.iter().enumerate() {
            let Ok(inputs) = self.program.inputs(map, None, Some(p)) else {
                continue;
            };
            let rollup = self.program.evaluate(inputs);
            for (i, v) in values.iter_mut().skip(k).step_by(width).enumerate() {
                *v = rollup.value(i as u32).ok();
            }
        }
        Series { width, values }
    }
}

/// Every metric's computed value in each of some periods, in one block (not a list per
/// metric): `series[metric][k]` is its value in the k-th period, `None` where there is none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    width: usize,
    values: Vec<Option<f64>>,
}

impl Series {
    /// The values of metric `i`, one per period (empty for an unknown metric).
    pub fn row(&self, i: usize) -> &[Option<f64>] {
        self.values
            .get(i * self.width..(i + 1) * self.width)
            .unwrap_or_default()
    }
}

impl std::ops::Index<usize> for Series {
    type Output = [Option<f64>];

    fn index(&self, i: usize) -> &[Option<f64>] {
        self.row(i)
    }
}
