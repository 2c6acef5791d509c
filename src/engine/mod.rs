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

    /// Every period label that any metric's history uses, sorted.
    pub fn periods(map: &Map) -> Vec<String> {
        let mut periods: Vec<String> = map
            .iter()
            .flat_map(|(_, n)| n.history.keys().map(str::to_owned))
            .collect();
        periods.sort();
        periods.dedup();
        periods
    }

    /// The computed value of every metric for every period in `periods` (for sparklines):
    /// `series[metric][k]` is the value in `periods[k]`, `None` where there is none.
    pub fn series(&self, map: &Map, periods: &[String]) -> Vec<Vec<Option<f64>>> {
        let mut series = vec![Vec::with_capacity(periods.len()); self.program.len()];
        for p in periods {
            let Ok(inputs) = self.program.inputs(map, None, Some(p)) else {
                continue;
            };
            let rollup = self.program.evaluate(inputs);
            for (i, s) in series.iter_mut().enumerate() {
                s.push(rollup.value(i as u32).ok());
            }
        }
        series
    }
}
