//! Roll-up: evaluating a compiled [`Program`] for one set of inputs (actuals, a scenario, a
//! period), in topological order, with errors as values.
//!
//! A metric without a value carries the reason, and the reason travels to every metric that
//! depends on it ("churned has no value"). Values are always finite: division by zero,
//! domain errors and overflow become reasons, never NaN or inf. [`Program::update`] re-evaluates
//! only what depends on one changed input.

use std::collections::HashMap;
use std::sync::Arc;

use super::formula::run_straight;
use super::program::{Op, Program};
use crate::model::{Map, Scenario};

/// Why the roll-up could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// The requested scenario does not exist.
    #[error("there is no scenario named \"{0}\"")]
    UnknownScenario(String),
    /// The requested node does not exist or is not a metric.
    #[error("`{0}` is not a metric in this map")]
    NotAMetric(String),
    /// The top metric has no value, so leverage cannot be computed.
    #[error("`{top}` has no value: {reason}")]
    TopHasNoValue {
        /// The top metric.
        top: String,
        /// Why it has no value.
        reason: String,
    },
    /// The map has no metric to be the top.
    #[error("the map has no metric")]
    NoMetric,
}

/// The input values one roll-up runs on, by metric index (`None`: no value).
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub(crate) values: Vec<Option<f64>>,
    /// The period, for messages ("no value for 2026-09").
    pub(crate) period: Option<String>,
}

impl Inputs {
    /// The value entered (or pinned by a scenario) for metric `i`, if any.
    pub fn value(&self, i: u32) -> Option<f64> {
        self.values.get(i as usize).copied().flatten()
    }
}

/// The values of every metric after a roll-up.
#[derive(Debug, Clone)]
pub struct Rollup {
    /// The value of each metric; NaN marks "no value" (never a real result).
    pub(crate) values: Vec<f64>,
    /// Why a metric has no value.
    pub(crate) reasons: HashMap<u32, Arc<str>>,
    /// The inputs this roll-up ran on.
    pub(crate) inputs: Inputs,
    /// The value of every step of every straight-line formula ([`Program::code`]), for the
    /// reverse pass; meaningful for the metrics that have a value and are not pinned.
    pub(crate) slots: Vec<f64>,
    /// Visit stamps for incremental updates (avoids clearing an O(n) array per update).
    stamps: Vec<u32>,
    stamp: u32,
}

impl Rollup {
    /// The value of metric `i`, or why it has none.
    pub fn value(&self, i: u32) -> Result<f64, &str> {
        let v = self.values[i as usize];
        if v.is_nan() {
            Err(self.reasons.get(&i).map_or("no value", |r| &**r))
        } else {
            Ok(v)
        }
    }

    /// The input values this roll-up ran on.
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }
}

impl Program {
    /// The inputs for the actuals, a scenario and/or a period. With a period, inputs take their
    /// `history` value for that period; without, their `value`. A scenario's overrides win.
    pub fn inputs(
        &self,
        map: &Map,
        scenario: Option<&str>,
        period: Option<&str>,
    ) -> Result<Inputs, EngineError> {
        let [inputs] = self.inputs_of(map, [(scenario, period)])?;
        Ok(inputs)
    }

    /// [`Program::inputs`] of several (scenario, period) pairs, each exactly as that gives it
    /// (an unknown scenario is the error of the first pair that names one), read in one pass:
    /// each input's node, and its history, is looked up once for all of them while it is at
    /// hand — with 100k inputs, finding the nodes is most of what reading costs — and for a
    /// big map the two halves of the metrics on two threads.
    pub(crate) fn inputs_of<const N: usize>(
        &self,
        map: &Map,
        bases: [(Option<&str>, Option<&str>); N],
    ) -> Result<[Inputs; N], EngineError> {
        let mut scenarios: [Option<&Scenario>; N] = [None; N];
        for (found, (scenario, _)) in scenarios.iter_mut().zip(&bases) {
            if let Some(name) = scenario {
                *found = Some(
                    map.scenario(name)
                        .ok_or_else(|| EngineError::UnknownScenario((*name).to_owned()))?,
                );
            }
        }
        let n = self.ids.len();
        let mut inputs: [Inputs; N] = bases.map(|(_, period)| Inputs {
            values: vec![None; n],
            period: period.map(str::to_owned),
        });
        let periods = bases.map(|(_, period)| period);
        let parallel = super::threads::parallel(n);
        let half = if parallel { n / 2 } else { n };
        let (mut low, mut high): (Vec<_>, Vec<_>) = (inputs.iter_mut())
            .map(|inputs| inputs.values.split_at_mut(half))
            .unzip();
        super::threads::join(
            parallel,
            || self.read_inputs(map, 0, &periods, &mut low),
            || self.read_inputs(map, half, &periods, &mut high),
        );
        // A scenario's override wins, for a computed metric too: it is pinned at that value
        // and what it is computed from no longer moves it.
        for (inputs, scenario) in inputs.iter_mut().zip(scenarios) {
            for (id, &v) in scenario.iter().flat_map(|s| &s.overrides) {
                if let Some(&i) = self.index.get(id.as_str()) {
                    inputs.values[i as usize] = Some(v);
                }
            }
        }
        Ok(inputs)
    }

    /// The input values of the metrics from `start` on, one list in `out` for each period
    /// (`None`: the current values), as long as each list.
    fn read_inputs(
        &self,
        map: &Map,
        start: usize,
        periods: &[Option<&str>],
        out: &mut [&mut [Option<f64>]],
    ) {
        let len = out.first().map_or(0, |values| values.len());
        let metrics = (self.ids.iter().zip(&self.keys).zip(&self.ops))
            .skip(start)
            .take(len);
        for (k, ((id, &key), &op)) in metrics.enumerate() {
            let Some(node) = (op == Op::Input).then(|| map.node_at(key, id)).flatten() else {
                continue;
            };
            for (values, period) in out.iter_mut().zip(periods) {
                values[k] = match period {
                    Some(p) => node.history.get(p).copied(),
                    None => node.value,
                };
            }
        }
    }

    /// Whether some metric's history has the period `period` (stops at the first).
    pub fn has_period(&self, map: &Map, period: &str) -> bool {
        self.ids.iter().zip(&self.keys).any(|(id, &key)| {
            map.node_at(key, id)
                .is_some_and(|n| n.history.contains_key(period))
        })
    }

    /// Evaluates every metric.
    pub fn evaluate(&self, inputs: Inputs) -> Rollup {
        let mut rollup = Rollup {
            values: Vec::new(),
            reasons: HashMap::new(),
            inputs,
            slots: Vec::new(),
            stamps: Vec::new(),
            stamp: 0,
        };
        self.reevaluate(&mut rollup);
        rollup
    }

    /// Evaluates every metric again from the roll-up's inputs, reusing its buffers.
    ///
    /// The hot loop lets "no value" travel as NaN through plain arithmetic (no branches, no
    /// allocation); only when some metric ends without a value does a second pass over those
    /// metrics work out the reason in words.
    pub fn reevaluate(&self, rollup: &mut Rollup) {
        let n = self.ids.len();
        rollup.reasons.clear();
        if rollup.stamps.len() != n {
            rollup.stamps = vec![0; n];
            rollup.stamp = 0;
        }
        rollup.slots.resize(self.code.len(), f64::NAN);
        let inputs = &rollup.inputs.values;
        // Every input (and every metric a scenario pins) at once; the formulas after.
        rollup.values.clear();
        rollup.values.extend(inputs.iter().map(|v| match v {
            Some(v) if v.is_finite() => *v,
            _ => f64::NAN,
        }));
        let values = &mut rollup.values;
        let slots = &mut rollup.slots;
        let mut args: Vec<f64> = Vec::new();
        let mut stack: Vec<f64> = Vec::new();
        for &i in &self.computed {
            let iu = i as usize;
            if inputs[iu].is_some() {
                continue;
            }
            let deps = &self.args[self.arg_start[iu] as usize..self.arg_start[iu + 1] as usize];
            let v = match self.ops[iu] {
                Op::Sum => deps.iter().map(|&a| values[a as usize]).sum(),
                Op::Mean => {
                    deps.iter().map(|&a| values[a as usize]).sum::<f64>() / deps.len() as f64
                }
                Op::Product => deps.iter().map(|&a| values[a as usize]).product(),
                // As `apply` folds them, with a missing argument making no value.
                Op::Min | Op::Max => {
                    let min = self.ops[iu] == Op::Min;
                    let mut best = if min {
                        f64::INFINITY
                    } else {
                        f64::NEG_INFINITY
                    };
                    let mut missing = false;
                    for &a in deps {
                        let v = values[a as usize];
                        missing |= v.is_nan();
                        best = if min { best.min(v) } else { best.max(v) };
                    }
                    if missing { f64::NAN } else { best }
                }
                Op::Expr(_) => match self.code_range(i) {
                    Some(r) => run_straight(&self.code[r.clone()], deps, values, &mut slots[r]),
                    None => {
                        args.clear();
                        args.extend(deps.iter().map(|&a| values[a as usize]));
                        // An expression reads only the branch of an `if` it takes, so it
                        // may have a value while a metric it names has none.
                        apply(self.ops[iu], self, &args, &mut stack).unwrap_or(f64::NAN)
                    }
                },
                Op::Input | Op::Broken(_) => f64::NAN,
            };
            values[iu] = if v.is_finite() { v } else { f64::NAN };
        }
        // Folded without stopping early, so it is one vectorised sweep.
        let incomplete = values.iter().fold(false, |any, v| any | v.is_nan());
        if incomplete {
            self.explain(rollup);
        }
    }

    /// Works out, in evaluation order, why each metric without a value has none.
    fn explain(&self, rollup: &mut Rollup) {
        let mut eval = Evaluator::default();
        for &i in &self.order {
            if rollup.values[i as usize].is_nan() {
                let values = &rollup.values;
                let why = match eval.compute(self, rollup, i, |a| values[a as usize]) {
                    Ok(_) => "the result overflows".into(),
                    Err(why) => why,
                };
                rollup.reasons.insert(i, why);
            }
        }
    }

    /// Sets one input's value — or pins a computed metric at `value` (`None` unpins it) —
    /// and re-evaluates only the metrics that depend on it.
    pub fn update(&self, rollup: &mut Rollup, i: u32, value: Option<f64>) {
        if let Some(slot) = rollup.inputs.values.get_mut(i as usize) {
            *slot = value;
        }
        let affected = self.dependents_sorted(rollup, i);
        let mut eval = Evaluator::default();
        for k in affected {
            eval.node(self, rollup, k);
        }
    }

    /// `i` and every metric that depends on it, in evaluation order.
    fn dependents_sorted(&self, rollup: &mut Rollup, i: u32) -> Vec<u32> {
        rollup.stamp = rollup.stamp.wrapping_add(1);
        if rollup.stamp == 0 {
            rollup.stamps.iter_mut().for_each(|s| *s = 0);
            rollup.stamp = 1;
        }
        let stamp = rollup.stamp;
        let mut found = vec![i];
        rollup.stamps[i as usize] = stamp;
        let mut head = 0;
        while head < found.len() {
            let cur = found[head];
            head += 1;
            for &u in self.users_of(cur) {
                if rollup.stamps[u as usize] != stamp {
                    rollup.stamps[u as usize] = stamp;
                    found.push(u);
                }
            }
        }
        found.sort_unstable_by_key(|&k| self.rank[k as usize]);
        found
    }

    /// The value `top` would take if metric `x` were fixed at `value` (everything else as in
    /// `rollup`): an exact re-evaluation of only the metrics that depend on `x`.
    pub fn what_if(&self, rollup: &Rollup, x: u32, value: f64, top: u32) -> Result<f64, String> {
        self.what_if_with(&mut WhatIf::default(), rollup, x, value, top)
    }

    /// [`Program::what_if`] with reusable buffers, for asking many questions in a row.
    pub(crate) fn what_if_with(
        &self,
        w: &mut WhatIf,
        rollup: &Rollup,
        x: u32,
        value: f64,
        top: u32,
    ) -> Result<f64, String> {
        let n = self.ids.len();
        if w.stamps.len() != n {
            w.stamps = vec![0; n];
            w.values = vec![f64::NAN; n];
            w.stamp = 0;
        }
        w.stamp = w.stamp.wrapping_add(1);
        if w.stamp == 0 {
            w.stamps.iter_mut().for_each(|s| *s = 0);
            w.stamp = 1;
        }
        let stamp = w.stamp;
        w.stamps[x as usize] = stamp;
        w.values[x as usize] = value;
        w.found.clear();
        w.found.push(x);
        let top_rank = self.rank[top as usize];
        let mut head = 0;
        while head < w.found.len() {
            let cur = w.found[head];
            head += 1;
            for &u in self.users_of(cur) {
                if self.rank[u as usize] <= top_rank && w.stamps[u as usize] != stamp {
                    w.stamps[u as usize] = stamp;
                    w.values[u as usize] = f64::NAN;
                    w.found.push(u);
                }
            }
        }
        w.found.sort_unstable_by_key(|&k| self.rank[k as usize]);
        let mut reason = None;
        for idx in 1..w.found.len() {
            let k = w.found[idx];
            let (stamps, values) = (&w.stamps, &w.values);
            let get = |a: u32| {
                if stamps[a as usize] == stamp {
                    values[a as usize]
                } else {
                    rollup.values[a as usize]
                }
            };
            let v = match w.eval.compute(self, rollup, k, get) {
                Ok(v) => v,
                Err(why) => {
                    if k == top {
                        reason = Some(why);
                    }
                    f64::NAN
                }
            };
            w.values[k as usize] = v;
        }
        if w.stamps[top as usize] != stamp {
            return rollup.value(top).map_err(str::to_owned);
        }
        let v = w.values[top as usize];
        if v.is_nan() {
            Err(reason.map_or_else(|| "no value".to_owned(), |r| r.to_string()))
        } else {
            Ok(v)
        }
    }
}

/// Buffers for [`Program::what_if_with`]: values overridden in the current question, marked by
/// a stamp so nothing O(n) is cleared between questions.
#[derive(Default)]
pub(crate) struct WhatIf {
    stamps: Vec<u32>,
    stamp: u32,
    values: Vec<f64>,
    found: Vec<u32>,
    eval: Evaluator,
}

/// Reusable buffers for evaluating nodes.
#[derive(Default)]
pub(crate) struct Evaluator {
    args: Vec<f64>,
    stack: Vec<f64>,
}

impl Evaluator {
    /// Evaluates metric `i` from its arguments' current values.
    fn node(&mut self, program: &Program, rollup: &mut Rollup, i: u32) {
        // A straight-line formula keeps its steps' values for the reverse pass; only when it
        // has no value is the tape run again, for the reason.
        if let Some(r) = program.code_range(i)
            && rollup.inputs.values[i as usize].is_none()
        {
            let v = run_straight(
                &program.code[r.clone()],
                program.args_of(i),
                &rollup.values,
                &mut rollup.slots[r],
            );
            if !v.is_nan() {
                rollup.values[i as usize] = v;
                if !rollup.reasons.is_empty() {
                    rollup.reasons.remove(&i);
                }
                return;
            }
        }
        let values = &rollup.values;
        let result = self.compute(program, rollup, i, |a| values[a as usize]);
        let slot = i as usize;
        match result {
            Ok(v) if v.is_finite() => {
                rollup.values[slot] = v;
                if !rollup.reasons.is_empty() {
                    rollup.reasons.remove(&i);
                }
            }
            Ok(_) => {
                rollup.values[slot] = f64::NAN;
                rollup.reasons.insert(i, "the result overflows".into());
            }
            Err(reason) => {
                rollup.values[slot] = f64::NAN;
                rollup.reasons.insert(i, reason);
            }
        }
    }

    /// Computes metric `i`, reading argument values through `get` (NaN: no value).
    fn compute(
        &mut self,
        program: &Program,
        rollup: &Rollup,
        i: u32,
        get: impl Fn(u32) -> f64,
    ) -> Result<f64, Arc<str>> {
        let op = program.ops[i as usize];
        if op != Op::Input
            && let Some(pinned) = rollup.inputs.values[i as usize]
        {
            return Ok(pinned);
        }
        match op {
            Op::Input => {
                rollup.inputs.values[i as usize].ok_or_else(|| match &rollup.inputs.period {
                    Some(p) => format!("no value for {p}").into(),
                    None => "no value entered".into(),
                })
            }
            Op::Broken(k) => Err(program.broken[k as usize].clone()),
            _ => {
                self.args.clear();
                // An expression says itself which metric it read without a value (not one in
                // an untaken `if` branch).
                let lazy = matches!(op, Op::Expr(_));
                for &a in program.args_of(i) {
                    let v = get(a);
                    if v.is_nan() && !lazy {
                        return Err(format!("{} has no value", program.ids[a as usize]).into());
                    }
                    self.args.push(v);
                }
                apply(op, program, &self.args, &mut self.stack).map_err(Arc::from)
            }
        }
    }
}

/// Applies an aggregate or expression to argument values (all present).
pub(crate) fn apply(
    op: Op,
    program: &Program,
    args: &[f64],
    stack: &mut Vec<f64>,
) -> Result<f64, String> {
    let v = match op {
        Op::Sum => args.iter().sum(),
        Op::Product => args.iter().product(),
        Op::Mean => args.iter().sum::<f64>() / args.len().max(1) as f64,
        Op::Min => args.iter().copied().fold(f64::INFINITY, f64::min),
        Op::Max => args.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Op::Expr(t) => program.tapes[t as usize]
            .eval(args, stack)
            .map_err(|e| e.to_string())?,
        Op::Input | Op::Broken(_) => return Err("no value".to_owned()),
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err("the result overflows".to_owned())
    }
}
