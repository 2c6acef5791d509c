//! Leverage: how much the top metric moves when each metric under it moves.
//!
//! Sensitivities dR/dx for every metric come from ONE reverse (adjoint) pass over the formula
//! DAG in reverse topological order; elasticity is dR/dx · x / R; impact to target is an exact
//! re-evaluation with x at its own target. Through `Min`, `Max` and `if`, the derivative is the
//! active branch's, and the figure is flagged approximate.

use super::program::{Op, Program};
use super::rollup::{EngineError, Rollup, WhatIf};
use crate::model::{Map, NodeId};

/// The leverage figures of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The metric.
    pub id: NodeId,
    /// Its current value.
    pub value: f64,
    /// dR/dx: the change of the top per unit change of this metric.
    pub sensitivity: f64,
    /// (dR/dx) · x / R: the % change of the top for a 1% change of this metric; `None` where
    /// undefined (the top is 0).
    pub elasticity: Option<f64>,
    /// The change of the top if this metric alone reached its own target; `None` without a
    /// target or when the top would have no value.
    pub impact_to_target: Option<f64>,
    /// Whether a `Min`/`Max`/`if` branch lies between it and the top.
    pub approximate: bool,
    /// Whether it is a lever: an input, or marked `controllable`.
    pub is_lever: bool,
}

/// Leverage of every metric under a top metric, sorted by |elasticity| (largest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Leverage {
    /// The top metric.
    pub top: NodeId,
    /// Its value.
    pub value: f64,
    /// Every metric the top depends on, sorted by |elasticity|, ties by id.
    pub levers: Vec<Lever>,
}

/// The default top: the first metric root in the map, else the first metric.
pub fn default_top(map: &Map) -> Option<NodeId> {
    let is_metric = |id: &NodeId| {
        map.node(id.as_str())
            .is_some_and(|n| n.kind == crate::model::NodeKind::Metric)
    };
    map.roots()
        .find(|id| is_metric(id))
        .or_else(|| map.dfs().into_iter().find(|id| is_metric(id)))
        .cloned()
}

/// Dense sensitivities (dR/dx for every metric; 0 where R does not depend on x) and the
/// approximate flags, from one reverse pass.
pub fn sensitivities(
    program: &Program,
    rollup: &Rollup,
    top: u32,
) -> (Vec<f64>, Vec<bool>, Vec<bool>) {
    let n = program.len();
    let mut adjoint = vec![0.0f64; n];
    let mut approximate = vec![false; n];
    let mut reached = vec![false; n];
    adjoint[top as usize] = 1.0;
    reached[top as usize] = true;
    let mut args: Vec<f64> = Vec::new();
    let mut grad: Vec<f64> = Vec::new();
    let mut scratch = super::formula::Scratch::default();
    let top_rank = program.rank[top as usize] as usize;
    for &p in program.order[..=top_rank].iter().rev() {
        let pu = p as usize;
        if !reached[pu] {
            continue;
        }
        let op = program.ops[pu];
        let deps = program.args_of(p);
        // A pinned metric (a scenario's override of a computed one) acts as an input:
        // what it is computed from does not move the top.
        let pinned = rollup.inputs().values[pu].is_some();
        if matches!(op, Op::Input | Op::Broken(_)) || deps.is_empty() || pinned {
            continue;
        }
        let seed = adjoint[pu];
        let approx = approximate[pu];
        if !matches!(op, Op::Sum | Op::Mean) {
            args.clear();
            args.extend(deps.iter().map(|&a| rollup.values[a as usize]));
            grad.clear();
            grad.resize(deps.len(), 0.0);
        }
        let mut branch = false;
        match op {
            Op::Sum | Op::Mean => {
                // The common case, without the gradient buffer.
                let w = if op == Op::Sum {
                    seed
                } else {
                    seed / deps.len() as f64
                };
                for &a in deps {
                    let au = a as usize;
                    adjoint[au] += w;
                    reached[au] = true;
                    approximate[au] |= approx;
                }
                continue;
            }
            Op::Product => product_partials(&args, seed, &mut grad),
            Op::Min | Op::Max => {
                let pick = if op == Op::Min { f64::lt } else { f64::gt };
                let mut best = 0;
                for (k, v) in args.iter().enumerate() {
                    if pick(v, &args[best]) {
                        best = k;
                    }
                }
                grad[best] = seed;
                branch = deps.len() > 1;
            }
            Op::Expr(t) => {
                if let Ok((_, took_branch)) =
                    program.tapes[t as usize].eval_grad(&args, seed, &mut grad, &mut scratch)
                {
                    branch = took_branch;
                }
            }
            Op::Input | Op::Broken(_) => {}
        }
        for (k, &a) in deps.iter().enumerate() {
            let au = a as usize;
            adjoint[au] += grad[k];
            reached[au] = true;
            approximate[au] |= approx || branch;
        }
    }
    (adjoint, approximate, reached)
}

/// ∂(Π args)/∂args[k] · seed for every k, exact even when some factors are zero (prefix and
/// suffix products instead of dividing by the factor).
pub(super) fn product_partials(args: &[f64], seed: f64, grad: &mut [f64]) {
    let mut prefix = seed;
    for (k, g) in grad.iter_mut().enumerate() {
        *g = prefix;
        prefix *= args[k];
    }
    let mut suffix = 1.0;
    for k in (0..args.len()).rev() {
        grad[k] *= suffix;
        suffix *= args[k];
    }
}

/// Which metrics are under `top`: those its formulas reach (`reached`, from
/// [`sensitivities`]) and those in its subtree that its formulas do not use (they get a row
/// of zeros). Ancestors have larger indices (post-order), so walking down from the top's
/// index marks each metric after its nearest metric ancestor.
pub fn under_top(program: &Program, reached: &[bool], top: u32) -> Vec<bool> {
    let mut under = reached.to_vec();
    let mut in_subtree = vec![false; program.len()];
    in_subtree[top as usize] = true;
    for i in (0..top).rev() {
        let parent = program.tree_parent[i as usize];
        if parent != u32::MAX && in_subtree[parent as usize] {
            in_subtree[i as usize] = true;
            under[i as usize] = true;
        }
    }
    under
}

/// Leverage of every metric under `top` (the default top when `None`).
pub fn leverage(
    map: &Map,
    program: &Program,
    rollup: &Rollup,
    top: Option<&str>,
) -> Result<Leverage, EngineError> {
    let top_id = match top {
        Some(t) => NodeId::new(t).map_err(|_| EngineError::NotAMetric(t.to_owned()))?,
        None => default_top(map).ok_or(EngineError::NoMetric)?,
    };
    let t = program
        .metric(top_id.as_str())
        .ok_or_else(|| EngineError::NotAMetric(top_id.to_string()))?;
    let r = rollup
        .value(t)
        .map_err(|reason| EngineError::TopHasNoValue {
            top: top_id.to_string(),
            reason: reason.to_owned(),
        })?;
    let (sens, approximate, reached) = sensitivities(program, rollup, t);
    let marked = under_top(program, &reached, t);
    let mut under: Vec<u32> = (0..program.len() as u32)
        .filter(|&i| i != t && reached[i as usize])
        .collect();
    under.extend(
        (0..t)
            .rev()
            .filter(|&i| marked[i as usize] && !reached[i as usize]),
    );
    let mut what_if = WhatIf::default();
    let mut levers: Vec<Lever> = under
        .into_iter()
        .filter_map(|i| {
            let value = rollup.value(i).ok()?;
            let id = program.id(i).clone();
            let s = sens[i as usize];
            let elasticity = Some(s * value / r).filter(|e| e.is_finite() && r != 0.0);
            let impact_to_target = program.targets[i as usize]
                .filter(|_| reached[i as usize])
                .and_then(|target| {
                    program
                        .what_if_with(&mut what_if, rollup, i, target, t)
                        .ok()
                })
                .map(|new| new - r)
                .filter(|d| d.is_finite());
            Some(Lever {
                is_lever: program.is_input(i) || program.controllable[i as usize],
                id,
                value,
                sensitivity: s,
                elasticity,
                impact_to_target,
                approximate: approximate[i as usize],
            })
        })
        .collect();
    levers.sort_by(|a, b| {
        let ea = a.elasticity.map_or(-1.0, f64::abs);
        let eb = b.elasticity.map_or(-1.0, f64::abs);
        eb.total_cmp(&ea).then_with(|| a.id.cmp(&b.id))
    });
    Ok(Leverage {
        top: top_id,
        value: r,
        levers,
    })
}
