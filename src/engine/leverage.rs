//! Leverage: how much the top metric moves when each metric under it moves.
//!
//! Sensitivities dR/dx for every metric come from ONE reverse (adjoint) pass over the formula
//! DAG in reverse topological order; elasticity is dR/dx · x / R; impact to target is an exact
//! re-evaluation with x at its own target. Through `Min`, `Max`, `if` and comparisons, the
//! derivative is the active branch's, and the figure is flagged approximate — for the metrics
//! whose own path runs through one. The pass runs over f64 and, only when some adjoint leaves
//! f64's normal range, again over [`Wide`] numbers, so derivatives and elasticities are exact
//! near f64's limits; a derivative that does not exist (`sqrt` at 0 on the metric's path) is
//! `None` for that metric alone.

use super::formula::straight_partials;
use super::program::{Op, Program};
use super::rollup::{EngineError, Rollup, WhatIf};
use super::wide::{Adj, Wide};
use crate::model::{Map, NodeId};

/// The leverage figures of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The metric.
    pub id: NodeId,
    /// Its current value; `None` when it has none (it is still under the top, say in an
    /// untaken `if` branch).
    pub value: Option<f64>,
    /// dR/dx: the change of the top per unit change of this metric; `None` where the
    /// derivative does not exist (`sqrt` at 0 on its path) or is too large for f64.
    pub sensitivity: Option<f64>,
    /// (dR/dx) · x / R: the % change of the top for a 1% change of this metric; `None` where
    /// undefined (the top is 0, no value, no derivative) or too large for f64. Exact even
    /// when dR/dx or dR/dx · x is out of f64's range.
    pub elasticity: Option<f64>,
    /// The change of the top if this metric alone reached its own target; `None` without a
    /// target or when the top would have no value; 0 for a metric in the top's subtree that
    /// its formulas do not use.
    pub impact_to_target: Option<f64>,
    /// Whether a `Min`/`Max`/`if`/comparison lies on this metric's own path to the top.
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

/// The derivatives of a top metric along every metric, from one reverse pass
/// ([`sensitivities`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivities {
    /// dR/dx for every metric (0 where R does not depend on x); NaN where the derivative
    /// does not exist or is too large for f64 (read it with [`Sensitivities::get`]).
    pub sensitivity: Vec<f64>,
    /// Whether a `Min`/`Max`/`if`/comparison lies on the metric's own path to the top.
    pub approximate: Vec<bool>,
    /// Whether the top's formulas reach the metric.
    pub reached: Vec<bool>,
    /// The derivatives over [`Wide`] numbers, when some left f64's range on the way.
    wide: Option<Vec<Wide>>,
}

impl Sensitivities {
    /// dR/dx of metric `i`; `None` where it does not exist or is too large for f64.
    pub fn get(&self, i: u32) -> Option<f64> {
        self.sensitivity
            .get(i as usize)
            .copied()
            .filter(|s| s.is_finite())
    }

    /// The elasticity (dR/dx) · v / R of metric `i` at value `v`, with the top at `r`;
    /// `None` where undefined (R = 0, no derivative) or too large for f64. Exact whatever
    /// the range of dR/dx and of dR/dx · v.
    pub fn elasticity(&self, i: u32, v: f64, r: f64) -> Option<f64> {
        if r == 0.0 || !r.is_finite() || !v.is_finite() {
            return None;
        }
        let wide = match &self.wide {
            Some(wide) => *wide.get(i as usize)?,
            None => {
                let s = *self.sensitivity.get(i as usize)?;
                let sv = s * v;
                let e = sv / r;
                let in_range =
                    |x: f64, a: f64, b: f64| x.is_normal() || (x == 0.0 && (a == 0.0 || b == 0.0));
                if in_range(sv, s, v) && in_range(e, sv, 1.0) {
                    return Some(e);
                }
                Wide::new(s)
            }
        };
        wide.mul(Wide::new(v)).div(Wide::new(r)).to_f64()
    }
}

/// The sensitivities of `top` along every metric and the approximate flags, from one reverse
/// pass over the formula DAG: over f64, and again over [`Wide`] numbers only when some
/// adjoint left f64's normal range on the way (so a derivative is exact whatever the range of
/// the partials along its path).
pub fn sensitivities(program: &Program, rollup: &Rollup, top: u32) -> Sensitivities {
    let n = program.len();
    let mut adjoint = vec![0.0f64; n];
    let mut approximate = vec![false; n];
    let mut reached = vec![false; n];
    let trouble = reverse_pass(
        program,
        rollup,
        top,
        &mut adjoint,
        &mut approximate,
        &mut reached,
    );
    if !trouble && adjoint.iter().all(|a| a.is_finite()) {
        return Sensitivities {
            sensitivity: adjoint,
            approximate,
            reached,
            wide: None,
        };
    }
    let mut wide = vec![Wide::ZERO; n];
    approximate.fill(false);
    reached.fill(false);
    reverse_pass(
        program,
        rollup,
        top,
        &mut wide,
        &mut approximate,
        &mut reached,
    );
    Sensitivities {
        sensitivity: wide
            .iter()
            .map(|w| w.to_f64().unwrap_or(f64::NAN))
            .collect(),
        approximate,
        reached,
        wide: Some(wide),
    }
}

/// One reverse pass in reverse topological order from `top`, over `f64` or [`Wide`]. Over
/// f64 it stops and returns `true` as soon as something leaves the normal range.
///
/// It walks only the metrics with a formula (an input passes nothing on), and takes a
/// straight-line formula's partials from the slots its roll-up kept.
fn reverse_pass<A: Adj>(
    program: &Program,
    rollup: &Rollup,
    top: u32,
    adjoint: &mut [A],
    approximate: &mut [bool],
    reached: &mut [bool],
) -> bool {
    let t = &mut false;
    adjoint[top as usize] = A::of(1.0);
    reached[top as usize] = true;
    let mut buffers = Buffers::default();
    let top_rank = program.rank[top as usize];
    // `computed` is in evaluation order: the metrics up to the top's rank are a prefix.
    let upto = program
        .computed
        .partition_point(|&i| program.rank[i as usize] <= top_rank);
    for &p in program.computed[..upto].iter().rev() {
        let pu = p as usize;
        // A pinned metric (a scenario's override of a computed one) acts as an input:
        // what it is computed from does not move the top.
        if !reached[pu] || rollup.inputs.values[pu].is_some() {
            continue;
        }
        let op = program.ops[pu];
        let deps = program.args_of(p);
        if matches!(op, Op::Input | Op::Broken(_)) || deps.is_empty() {
            continue;
        }
        let seed = adjoint[pu];
        let approx = approximate[pu];
        // Where the top does not move with this metric, nothing flows through it (not even
        // an undefined partial: 0 · anything is 0 here), but the flags still do.
        let live = !seed.zero();
        match op {
            Op::Sum | Op::Mean => {
                // The common case, without any buffer.
                let w = if op == Op::Sum {
                    seed
                } else {
                    seed.over(A::of(deps.len() as f64), t)
                };
                for &a in deps {
                    let au = a as usize;
                    if live {
                        adjoint[au] = adjoint[au].plus(w, t);
                    }
                    reached[au] = true;
                    approximate[au] |= approx;
                }
                continue;
            }
            Op::Expr(_) if program.code_range(p).is_some() => {
                // A straight-line formula has no piecewise op on any path: no flag of its own.
                if live && !straight_adjoints(program, rollup, p, seed, &mut buffers, adjoint, t) {
                    return true;
                }
                for &a in deps {
                    reached[a as usize] = true;
                    approximate[a as usize] |= approx;
                }
                continue;
            }
            _ => {}
        }
        let Buffers {
            args,
            grad,
            local,
            scratch,
            ..
        } = &mut buffers;
        args.clear();
        args.extend(deps.iter().map(|&a| rollup.values[a as usize]));
        grad.clear();
        grad.resize(deps.len(), A::ZERO);
        local.clear();
        local.resize(deps.len(), false);
        match op {
            Op::Product if live => product_partials(args, seed, grad, t),
            Op::Min | Op::Max => {
                let pick = if op == Op::Min { f64::lt } else { f64::gt };
                let mut best = 0;
                for (k, v) in args.iter().enumerate() {
                    if pick(v, &args[best]) {
                        best = k;
                    }
                }
                if live {
                    grad[best] = seed;
                }
                local.fill(deps.len() > 1);
            }
            Op::Expr(tape) => {
                let tape = &program.tapes[tape as usize];
                if tape.eval_partials(args, scratch).is_ok() {
                    for (k, (g, l)) in grad.iter_mut().zip(local.iter_mut()).enumerate() {
                        if live {
                            *g = seed.times(scratch.partial(k, t), t);
                        }
                        *l = scratch.approximate(k);
                    }
                } else if live {
                    // No value here, yet the top moves with it: cannot happen while the top
                    // has a value; undefined rather than a guess.
                    grad.fill(A::of(f64::NAN));
                }
            }
            _ => {}
        }
        if *t {
            return true;
        }
        for (k, &a) in deps.iter().enumerate() {
            let au = a as usize;
            adjoint[au] = adjoint[au].plus(grad[k], t);
            reached[au] = true;
            approximate[au] |= approx || local[k];
        }
    }
    *t
}

/// The working memory of one [`reverse_pass`].
struct Buffers<A> {
    args: Vec<f64>,
    grad: Vec<A>,
    local: Vec<bool>,
    scratch: super::formula::Scratch,
    /// A straight-line formula's partials, over f64 and (when they need it) over Wide.
    tape_adj: Vec<f64>,
    var_adj: Vec<f64>,
    wide_adj: Vec<Wide>,
    wide_var: Vec<Wide>,
}

impl<A> Default for Buffers<A> {
    fn default() -> Self {
        Self {
            args: Vec::new(),
            grad: Vec::new(),
            local: Vec::new(),
            scratch: super::formula::Scratch::default(),
            tape_adj: Vec::new(),
            var_adj: Vec::new(),
            wide_adj: Vec::new(),
            wide_var: Vec::new(),
        }
    }
}

/// Adds `seed` times the partials of metric `p`'s straight-line formula into its arguments'
/// adjoints — what the traced tape gives, through the same partials over f64 (or over
/// [`Wide`] where those leave the normal range) and the same products with the seed. Over
/// f64, returns `false` as soon as something leaves the normal range.
fn straight_adjoints<A: Adj>(
    program: &Program,
    rollup: &Rollup,
    p: u32,
    seed: A,
    buffers: &mut Buffers<A>,
    adjoint: &mut [A],
    t: &mut bool,
) -> bool {
    let deps = program.args_of(p);
    if rollup.values[p as usize].is_nan() {
        // No value here, yet the top moves with it (see the traced case below).
        for &a in deps {
            adjoint[a as usize] = adjoint[a as usize].plus(A::of(f64::NAN), t);
        }
        return !*t;
    }
    let Some(r) = program.code_range(p) else {
        return !*t;
    };
    let (code, slots) = (&program.code[r.clone()], &rollup.slots[r]);
    let b = buffers;
    let n = deps.len();
    if b.var_adj.len() < n {
        b.var_adj.resize(n, 0.0);
        b.wide_var.resize(n, Wide::ZERO);
    }
    let (var_adj, wide_var) = (&mut b.var_adj[..n], &mut b.wide_var[..n]);
    let wide = straight_partials::<f64>(code, slots, &mut b.tape_adj, var_adj)
        || var_adj.iter().any(|d| !d.is_finite());
    if wide {
        straight_partials::<Wide>(code, slots, &mut b.wide_adj, wide_var);
    }
    for (k, &a) in deps.iter().enumerate() {
        let partial = if wide {
            A::of_wide(wide_var[k], t)
        } else {
            A::of(var_adj[k])
        };
        let g = seed.times(partial, t);
        if *t {
            return false;
        }
        adjoint[a as usize] = adjoint[a as usize].plus(g, t);
    }
    !*t
}

/// ∂(Π args)/∂args[k] · seed for every k, exact even when some factors are zero (prefix and
/// suffix products instead of dividing by the factor). Over f64, `trouble` is set when a
/// prefix or suffix product leaves the normal range (where over [`Wide`] it cannot, so a zero
/// factor beside huge ones leaves the others' partials exactly 0).
pub(super) fn product_partials<A: Adj>(args: &[f64], seed: A, grad: &mut [A], trouble: &mut bool) {
    let mut prefix = seed;
    for (k, g) in grad.iter_mut().enumerate() {
        *g = prefix;
        prefix = prefix.times(A::of(args[k]), trouble);
    }
    let mut suffix = A::of(1.0);
    for k in (0..args.len()).rev() {
        grad[k] = grad[k].times(suffix, trouble);
        suffix = suffix.times(A::of(args[k]), trouble);
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
    let sens = sensitivities(program, rollup, t);
    let reached = &sens.reached;
    let marked = under_top(program, reached, t);
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
        .map(|i| {
            let value = rollup.value(i).ok();
            let target = program.targets[i as usize];
            // A metric of the subtree that the top's formulas do not use cannot move it.
            let impact_to_target = if reached[i as usize] {
                target
                    .and_then(|target| {
                        program
                            .what_if_with(&mut what_if, rollup, i, target, t)
                            .ok()
                    })
                    .map(|new| new - r)
                    .filter(|d| d.is_finite())
            } else {
                target.map(|_| 0.0)
            };
            Lever {
                is_lever: program.is_input(i) || program.controllable[i as usize],
                id: program.id(i).clone(),
                value,
                sensitivity: sens.get(i),
                elasticity: value.and_then(|v| sens.elasticity(i, v, r)),
                impact_to_target,
                approximate: sens.approximate[i as usize],
            }
        })
        .collect();
    // Ids are unique, so the order is total and an unstable sort gives the same order.
    levers.sort_unstable_by(|a, b| {
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
