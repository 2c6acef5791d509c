//! The engine's figures for a map as shown: roll-up, leverage of the chosen top,
//! sparkline series, formula issues and the OST roll-ups, keyed on the document's generation,
//! the scenario and the top, and rebuilt only when that key changes (see
//! `ui::derived`). A what-if (values tried in the leverage panel, not saved) is applied
//! on top incrementally: only what depends on the lever is re-evaluated. Leverage,
//! sparklines and OST roll-ups are computed on first use and kept, behind `&self`, so
//! painters that only read can ask. This module reads the map and calls the engine; it never
//! edits or draws.

// Parts of the figures only the app reads (the leverage panel, the period picker) are unused
// in a build of the library and CLI alone.
#![cfg_attr(not(feature = "app"), allow(dead_code))]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::engine::ost::{self, OpportunitySummary, SolutionSummary};
use crate::engine::{self, Analysis, LeverQuestions, Rollup};
use crate::model::{Map, NodeId};

/// The most sparkline points drawn (the latest periods).
const MAX_SPARK_POINTS: usize = 24;

/// Every period, sorted, and each metric's value in each (`[metric][period]`).
type Series = (Vec<String>, engine::Series);

/// Leverage of every metric under the top, dense by the program's metric index.
pub(crate) struct Dense {
    /// The top's metric index.
    pub top: u32,
    /// The top's id.
    pub top_id: NodeId,
    /// The top's value.
    pub top_value: f64,
    /// dR/dx for every metric (0 where the top does not depend on it), and the elasticities.
    pub sensitivities: engine::Sensitivities,
    /// Whether a Min/Max/if/comparison lies on the metric's own path to the top.
    pub approximate: Vec<bool>,
    /// Whether the metric is under the top (its formulas or its subtree).
    pub under: Vec<bool>,
    /// The largest |elasticity| under the top (the full leverage bar).
    pub max_elasticity: f64,
}

/// One row of the leverage panel.
#[derive(Clone, Debug)]
pub(crate) struct LeverRow {
    /// The metric index in the program.
    pub index: u32,
    /// The metric.
    pub id: NodeId,
    /// Its value now (with the what-if).
    pub value: f64,
    /// dR/dx (`None`: no derivative, or too large for f64).
    pub sensitivity: Option<f64>,
    /// (dR/dx) · x / R.
    pub elasticity: Option<f64>,
    /// A Min/Max/if branch lies between it and the top.
    pub approximate: bool,
    /// An input, or marked controllable.
    pub is_lever: bool,
}

/// Engine results for one generation of the map under one scenario and top. `Sync` (the
/// lazily computed parts behind `OnceLock` and `Mutex`), so an export draws its cards on two
/// threads.
pub(crate) struct Figures {
    generation: u64,
    scenario: Option<String>,
    period: Option<String>,
    top_choice: Option<NodeId>,
    /// The top leverage is measured against: the chosen one, else the first metric root.
    top: Option<NodeId>,
    /// Roll-up; `None` when it could not start (its reason is in `error`).
    pub analysis: Option<Analysis>,
    /// Why there is no roll-up.
    pub error: Option<String>,
    /// The roll-up with the what-if applied; `None` while nothing is tried.
    what_if: Option<Rollup>,
    /// Every period in the map's history, sorted, computed on first use.
    periods: OnceLock<Vec<String>>,
    /// Leverage at the values shown, computed on first use.
    dense: OnceLock<Option<Dense>>,
    /// The panel's ranked rows (levers only, every metric), computed on first use.
    rows: [OnceLock<Vec<LeverRow>>; 2],
    /// Every period in the map's history, sorted, and each metric's computed value in each
    /// (by metric index of `analysis.program`), computed on first use (far zoom never needs
    /// them).
    series: OnceLock<Series>,
    /// OST roll-ups, filled lazily for the cards drawn.
    solutions: Mutex<HashMap<NodeId, Option<SolutionSummary>>>,
    opportunities: Mutex<HashMap<NodeId, Option<OpportunitySummary>>>,
}

impl Figures {
    /// Rolls up `map` under `scenario` (actuals when `None`), with leverage of `top` (the
    /// first metric root when `None`) and the values of `what_if` tried on top.
    pub fn compute(
        map: &Map,
        generation: u64,
        (scenario, period): (Option<&str>, Option<&str>),
        top: Option<&NodeId>,
        what_if: &BTreeMap<NodeId, f64>,
    ) -> Self {
        let analysis = Analysis::new(map, scenario, period);
        Self::of(map, generation, (scenario, period), top, what_if, analysis)
    }

    /// [`Figures::compute`] (generation 0, the default top, no what-if) over the map's
    /// program already compiled — the one the loader compiled while checking the formulas —
    /// rather than compiling it again.
    pub fn with_program(
        map: &Map,
        program: engine::Program,
        (scenario, period): (Option<&str>, Option<&str>),
    ) -> Self {
        let analysis = Analysis::with_program(program, map, scenario, period);
        Self::of(map, 0, (scenario, period), None, &BTreeMap::new(), analysis)
    }

    fn of(
        map: &Map,
        generation: u64,
        (scenario, period): (Option<&str>, Option<&str>),
        top: Option<&NodeId>,
        what_if: &BTreeMap<NodeId, f64>,
        analysis: Result<Analysis, engine::EngineError>,
    ) -> Self {
        let (analysis, error) = match analysis {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let mut figures = Self {
            generation,
            scenario: scenario.map(str::to_owned),
            period: period.map(str::to_owned),
            top_choice: top.cloned(),
            top: top.cloned().or_else(|| engine::default_top(map)),
            analysis,
            error,
            what_if: None,
            periods: OnceLock::new(),
            dense: OnceLock::new(),
            rows: Default::default(),
            series: OnceLock::new(),
            solutions: Mutex::default(),
            opportunities: Mutex::default(),
        };
        for (id, value) in what_if {
            figures.try_value(id, Some(*value));
        }
        figures
    }

    /// Keeps these figures for generation `to` after a change the engine does not read,
    /// if they were for `from`; the OST roll-ups (which read statuses and lifts) are redone.
    pub fn carry_over(&mut self, from: u64, to: u64) {
        if self.generation == from {
            self.generation = to;
            self.solutions
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            self.opportunities
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
    }

    /// After a new value of input `id` took the map from generation `from` to `to`: updates
    /// the roll-ups in place, re-evaluating only what depends on the input (no recompile).
    /// `overridden`: the scenario shown overrides this input (its roll-up does not move);
    /// `tried`: a what-if holds it. Returns false when the figures were not for `from` or
    /// `id` is not an input, so the caller rebuilds them.
    pub fn update_input(
        &mut self,
        (from, to): (u64, u64),
        id: &str,
        value: Option<f64>,
        (overridden, tried): (bool, bool),
    ) -> bool {
        if self.generation != from {
            return false;
        }
        let Some(Analysis {
            program,
            rollup,
            actual,
        }) = self.analysis.as_mut()
        else {
            return false;
        };
        let Some(i) = program.metric(id).filter(|&i| program.is_input(i)) else {
            return false;
        };
        if let Some(actual) = actual.as_mut() {
            program.update(actual, i, value);
        }
        if !overridden {
            program.update(rollup, i, value);
            if let Some(w) = self.what_if.as_mut()
                && !tried
            {
                program.update(w, i, value);
            }
        }
        self.generation = to;
        self.values_changed();
        true
    }

    /// Whether these figures are for this generation, scenario, period and top.
    pub fn is_for(
        &self,
        generation: u64,
        (scenario, period): (Option<&str>, Option<&str>),
        top: Option<&NodeId>,
    ) -> bool {
        self.generation == generation
            && self.scenario.as_deref() == scenario
            && self.period.as_deref() == period
            && self.top_choice.as_ref() == top
    }

    /// Tries `value` for metric `id` (`None`: back to its own value), re-evaluating only
    /// what depends on it. Returns whether `id` is a metric.
    pub fn try_value(&mut self, id: &NodeId, value: Option<f64>) -> bool {
        let Some(analysis) = self.analysis.as_ref() else {
            return false;
        };
        let Some(i) = analysis.program.metric(id.as_str()) else {
            return false;
        };
        let rollup = self.what_if.get_or_insert_with(|| analysis.rollup.clone());
        let value = value.or_else(|| analysis.rollup.inputs().value(i));
        analysis.program.update(rollup, i, value);
        self.values_changed();
        true
    }

    /// Drops every tried value.
    pub fn clear_what_if(&mut self) {
        if self.what_if.take().is_some() {
            self.values_changed();
        }
    }

    fn values_changed(&mut self) {
        self.dense = OnceLock::new();
        self.rows = Default::default();
        self.solutions
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The roll-up shown: the what-if's when one is tried.
    pub fn rollup(&self) -> Option<&Rollup> {
        let analysis = self.analysis.as_ref()?;
        Some(self.what_if.as_ref().unwrap_or(&analysis.rollup))
    }

    /// A metric's value, or why it has none; `None` when the node is not a metric.
    pub fn value(&self, id: &str) -> Option<Result<f64, &str>> {
        let analysis = self.analysis.as_ref()?;
        let i = analysis.program.metric(id)?;
        Some(self.rollup()?.value(i))
    }

    /// What the shown value is compared with: without the what-if when one is tried, else
    /// the actuals when a scenario is active; `None` otherwise.
    pub fn baseline(&self, id: &str) -> Option<f64> {
        let a = self.analysis.as_ref()?;
        let i = a.program.metric(id)?;
        if self.what_if.is_some() {
            return a.rollup.value(i).ok();
        }
        a.actual.as_ref()?.value(i).ok()
    }

    /// Whether a what-if is being tried.
    pub fn has_what_if(&self) -> bool {
        self.what_if.is_some()
    }

    /// Leverage of the top at the values shown (`None`: no top, or the top has no value).
    pub fn dense(&self) -> Option<&Dense> {
        self.dense
            .get_or_init(|| {
                let a = self.analysis.as_ref()?;
                let rollup = self.rollup()?;
                let top_id = self.top.clone()?;
                let top = a.program.metric(top_id.as_str())?;
                let top_value = rollup.value(top).ok()?;
                let sensitivities = engine::sensitivities(&a.program, rollup, top);
                let under = engine::under_top(&a.program, &sensitivities.reached, top);
                let mut max_elasticity = 0.0f64;
                for i in 0..under.len() as u32 {
                    if under[i as usize]
                        && i != top
                        && let Ok(v) = rollup.value(i)
                        && let Some(e) = sensitivities.elasticity(i, v, top_value)
                    {
                        max_elasticity = max_elasticity.max(e.abs());
                    }
                }
                Some(Dense {
                    top,
                    top_id,
                    top_value,
                    approximate: sensitivities.approximate.clone(),
                    sensitivities,
                    under,
                    max_elasticity,
                })
            })
            .as_ref()
    }

    /// The elasticity of a metric under the top.
    pub fn elasticity(&self, id: &str) -> Option<f64> {
        let d = self.dense()?;
        let i = self.analysis.as_ref()?.program.metric(id)?;
        if !d.under[i as usize] || i == d.top || d.top_value == 0.0 {
            return None;
        }
        let v = self.rollup()?.value(i).ok()?;
        d.sensitivities.elasticity(i, v, d.top_value)
    }

    /// The panel row of metric `i` at the values shown (`None`: not under the top, or no
    /// value).
    pub fn lever_row(&self, i: u32) -> Option<LeverRow> {
        let a = self.analysis.as_ref()?;
        let d = self.dense()?;
        let value = self.rollup()?.value(i).ok()?;
        let program = &a.program;
        if !d.under.get(i as usize).copied().unwrap_or(false) || i == d.top {
            return None;
        }
        Some(LeverRow {
            index: i,
            id: program.id(i).clone(),
            value,
            sensitivity: d.sensitivities.get(i),
            elasticity: d.sensitivities.elasticity(i, value, d.top_value),
            approximate: d.approximate[i as usize],
            is_lever: program.is_lever(i),
        })
    }

    /// Every metric under the top (only levers unless `all`), ranked by |elasticity|;
    /// computed once for the values shown.
    pub fn lever_rows(&self, all: bool) -> &[LeverRow] {
        self.rows[usize::from(all)].get_or_init(|| {
            let Some(a) = self.analysis.as_ref() else {
                return Vec::new();
            };
            let program = &a.program;
            let mut rows: Vec<LeverRow> = (0..program.len() as u32)
                .filter(|&i| all || program.is_lever(i))
                .filter_map(|i| self.lever_row(i))
                .collect();
            rows.sort_by(|x, y| {
                let ex = x.elasticity.map_or(-1.0, f64::abs);
                let ey = y.elasticity.map_or(-1.0, f64::abs);
                ey.total_cmp(&ex).then_with(|| x.id.cmp(&y.id))
            });
            rows
        })
    }

    /// The program's index of a metric.
    pub fn metric_index(&self, id: &str) -> Option<u32> {
        self.analysis.as_ref()?.program.metric(id)
    }

    /// Exact questions about metric `i` against the top, at the values shown.
    pub fn questions(&self, i: u32) -> Option<LeverQuestions<'_>> {
        let a = self.analysis.as_ref()?;
        let d = self.dense()?;
        Some(LeverQuestions::new(&a.program, self.rollup()?, i, d.top))
    }

    /// Every period in the map's history, sorted (for the period picker).
    pub fn periods(&self, map: &Map) -> &[String] {
        self.periods.get_or_init(|| Analysis::periods(map))
    }

    /// Computes now what [`Figures::spark`] and [`Figures::history`] read (every metric's
    /// value in every period, a roll-up per period), which is otherwise computed for the
    /// first card drawn while the others wait for it: an export fills it beside its layout.
    pub fn prepare_series(&self, map: &Map) {
        let _ = self.series(map);
    }

    /// Every period of the map's history and each metric's value in each.
    fn series(&self, map: &Map) -> Option<&Series> {
        let analysis = self.analysis.as_ref()?;
        Some(self.series.get_or_init(|| {
            let periods = Analysis::periods(map);
            let values = if periods.is_empty() {
                engine::Series::default()
            } else {
                analysis.series(map, &periods)
            };
            (periods, values)
        }))
    }

    /// Every period and a metric's computed value in each (`None` where it has none).
    fn row(&self, map: &Map, id: &str) -> Option<(&[String], &[Option<f64>])> {
        let i = self.analysis.as_ref()?.program.metric(id)?;
        let (periods, values) = self.series(map)?;
        Some((periods, values.row(i as usize)))
    }

    /// A metric's computed value in each period that has one, oldest first.
    pub fn history(&self, map: &Map, id: &str) -> Vec<(String, f64)> {
        let Some((periods, row)) = self.row(map, id) else {
            return Vec::new();
        };
        periods
            .iter()
            .zip(row)
            .filter_map(|(p, v)| v.map(|v| (p.clone(), v)))
            .collect()
    }

    /// The sparkline points of a metric: its value in the latest periods that have one.
    /// (Read from the series directly: every card of an export asks, and copying each
    /// period's name for it cost more than drawing the line.)
    pub fn spark(&self, map: &Map, id: &str) -> Vec<f64> {
        let Some((_, row)) = self.row(map, id) else {
            return Vec::new();
        };
        let mut points: Vec<f64> = row
            .iter()
            .rev()
            .flatten()
            .take(MAX_SPARK_POINTS)
            .copied()
            .collect();
        points.reverse();
        points
    }

    /// The change of a metric since the previous period: the value shown against the
    /// period before the one shown (before the newest one when the current values are
    /// shown). `None` without two such values. Returns (previous period, relative change).
    pub fn change_since_previous(&self, map: &Map, id: &str) -> Option<(&str, f64)> {
        let (periods, _) = self.series(map)?;
        let at = match &self.period {
            Some(p) => periods.iter().position(|q| q == p)?,
            None => periods.len().checked_sub(1)?,
        };
        let previous = at.checked_sub(1)?;
        let (periods, row) = self.row(map, id)?;
        let before = (*row.get(previous)?)?;
        let now = self.value(id)?.ok()?;
        if before == 0.0 {
            return None;
        }
        Some((periods[previous].as_str(), (now - before) / before.abs()))
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

    /// A solution's roll-up (computed on first use, then kept for these values).
    pub fn solution(&self, map: &Map, id: &NodeId) -> Option<SolutionSummary> {
        self.solutions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id.clone())
            .or_insert_with(|| {
                let top = self.dense().map(|d| d.top_id.clone());
                ost::solution_summary_with(map, id.as_str(), |metric| {
                    if Some(metric) == top.as_ref() {
                        Some(1.0)
                    } else {
                        self.elasticity(metric.as_str())
                    }
                })
            })
            .clone()
    }

    /// An opportunity's roll-up (computed on first use, then kept for this generation).
    pub fn opportunity(&self, map: &Map, id: &NodeId) -> Option<OpportunitySummary> {
        self.opportunities
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id.clone())
            .or_insert_with(|| ost::opportunity_summary(map, id.as_str()))
            .clone()
    }
}
