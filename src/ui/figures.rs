//! The engine's figures for the map on screen: roll-up, leverage, sparkline series, formula
//! issues and the OST roll-ups, keyed on the document's generation and the scenario, and
//! rebuilt only when that key changes (see [`super::derived`]). Sparklines and OST roll-ups
//! are computed on first use and kept, behind `&self`, so painters that only read can ask.
//! This module reads the map and calls the engine; it never edits or draws.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use crate::engine::ost::{self, OpportunitySummary, SolutionSummary};
use crate::engine::{self, Analysis, Leverage};
use crate::model::{Map, NodeId};

/// The most sparkline points drawn (the latest periods).
const MAX_SPARK_POINTS: usize = 24;

/// Engine results for one generation of the map under one scenario.
pub(crate) struct Figures {
    generation: u64,
    scenario: Option<String>,
    /// Roll-up; `None` when it could not start (its reason is in `error`).
    pub analysis: Option<Analysis>,
    /// Why there is no roll-up.
    pub error: Option<String>,
    /// Leverage of every metric under the North Star (the first metric root).
    pub leverage: Option<Leverage>,
    /// Elasticity by metric id, for the leverage bars.
    pub elasticity: HashMap<NodeId, f64>,
    /// The largest |elasticity| (the full bar).
    pub max_elasticity: f64,
    /// Sparkline values by metric index of `analysis.program`, computed on first use (far
    /// zoom never needs them).
    series: OnceCell<Vec<Vec<Option<f64>>>>,
    /// OST roll-ups, filled lazily for the cards drawn.
    solutions: RefCell<HashMap<NodeId, Option<SolutionSummary>>>,
    opportunities: RefCell<HashMap<NodeId, Option<OpportunitySummary>>>,
}

impl Figures {
    /// Rolls up `map` under `scenario` (actuals when `None`).
    pub fn compute(map: &Map, generation: u64, scenario: Option<&str>) -> Self {
        let (analysis, error) = match Analysis::new(map, scenario, None) {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let leverage = analysis
            .as_ref()
            .and_then(|a| engine::leverage(map, &a.program, &a.rollup, None).ok());
        let mut elasticity = HashMap::new();
        let mut max_elasticity = 0.0f64;
        if let Some(lev) = &leverage {
            for lever in &lev.levers {
                if let Some(e) = lever.elasticity {
                    max_elasticity = max_elasticity.max(e.abs());
                    elasticity.insert(lever.id.clone(), e);
                }
            }
        }
        Self {
            generation,
            scenario: scenario.map(str::to_owned),
            analysis,
            error,
            leverage,
            elasticity,
            max_elasticity,
            series: OnceCell::new(),
            solutions: RefCell::default(),
            opportunities: RefCell::default(),
        }
    }

    /// Keeps these figures for generation `to` after a change the engine does not read,
    /// if they were for `from`; the OST roll-ups (which read statuses and lifts) are redone.
    pub fn carry_over(&mut self, from: u64, to: u64) {
        if self.generation == from {
            self.generation = to;
            self.solutions.get_mut().clear();
            self.opportunities.get_mut().clear();
        }
    }

    /// Whether these figures are for this generation and scenario.
    pub fn is_for(&self, generation: u64, scenario: Option<&str>) -> bool {
        self.generation == generation && self.scenario.as_deref() == scenario
    }

    /// A metric's value, or why it has none; `None` when the node is not a metric.
    pub fn value(&self, id: &str) -> Option<Result<f64, &str>> {
        self.analysis.as_ref()?.value(id)
    }

    /// A metric's value without the scenario (when one is active).
    pub fn actual_value(&self, id: &str) -> Option<f64> {
        let a = self.analysis.as_ref()?;
        a.actual.as_ref()?;
        a.actual_value(id)?.ok()
    }

    /// The sparkline points of a metric (only periods with a value).
    pub fn spark(&self, map: &Map, id: &str) -> Vec<f64> {
        let Some(analysis) = self.analysis.as_ref() else {
            return Vec::new();
        };
        let Some(i) = analysis.program.metric(id) else {
            return Vec::new();
        };
        let series = self.series.get_or_init(|| {
            let mut periods = Analysis::periods(map);
            let skip = periods.len().saturating_sub(MAX_SPARK_POINTS);
            periods.drain(..skip);
            if periods.len() >= 2 {
                analysis.series(map, &periods)
            } else {
                Vec::new()
            }
        });
        series
            .get(i as usize)
            .map(|s| s.iter().flatten().copied().collect())
            .unwrap_or_default()
    }

    /// The formula problem of a node, if any (syntax, unknown id, cycle).
    pub fn issue(&self, id: &str) -> Option<&engine::FormulaIssue> {
        self.analysis
            .as_ref()?
            .program
            .issues()
            .iter()
            .find(|i| i.node.as_str() == id)
    }

    /// Every formula problem in the map.
    pub fn issues(&self) -> &[engine::FormulaIssue] {
        self.analysis.as_ref().map_or(&[], |a| a.program.issues())
    }

    /// A solution's roll-up (computed on first use, then kept for this generation).
    pub fn solution(&self, map: &Map, id: &NodeId) -> Option<SolutionSummary> {
        self.solutions
            .borrow_mut()
            .entry(id.clone())
            .or_insert_with(|| ost::solution_summary(map, id.as_str(), self.leverage.as_ref()))
            .clone()
    }

    /// An opportunity's roll-up (computed on first use, then kept for this generation).
    pub fn opportunity(&self, map: &Map, id: &NodeId) -> Option<OpportunitySummary> {
        self.opportunities
            .borrow_mut()
            .entry(id.clone())
            .or_insert_with(|| ost::opportunity_summary(map, id.as_str()))
            .clone()
    }
}
