//! Why it moved: the change of the top between two sets of inputs (two periods, or a scenario
//! and the actuals), split across the metrics under it by **Aumann–Shapley attribution**
//! (integrated gradients, SPEC §4.2b).
//!
//! Along the straight path x(t) = x_from + t·(x_to − x_from), t from 0 to 1, over every input
//! the top depends on:
//! - an input's contribution is Δx · ∫ dR/dx dt;
//! - a computed metric's contribution is the change that flows through it, ∫ (dR/dm)·(dm/dt)
//!   dt — for a tree of formulas, the sum of its inputs' contributions; for a DAG, only the
//!   part of the change that passes through it;
//! - the inputs' contributions add up to R(to) − R(from) up to the quadrature error, which is
//!   reported as the residual.
//!
//! A metric that a scenario pins (an override of a computed metric) on either side is an
//! input of the path: its value moves from one side's figure to the other's, and what it is
//! computed from moves nothing through it.
//!
//! # How it is computed
//!
//! Every quadrature point is one forward sweep and one reverse sweep over the metrics the top
//! depends on, in evaluation order. The forward sweep computes each metric's value, the local
//! partial derivative of its formula along every argument (a tape's `eval_grad` for an
//! `Expr`, closed forms for the aggregates), and its tangent dm/dt = Σ ∂m/∂a · da/dt (forward
//! mode, which a DAG needs: a shared driver's change reaches a metric along several ways).
//! The reverse sweep turns the stored partials into adjoints dR/dm. Then each metric adds
//! w · dR/dm · dm/dt — for an input dm/dt is Δx, which gives Δx · dR/dx.
//!
//! The integral is Gauss–Legendre quadrature, adaptive because each panel's own residual —
//! the exact change of R across it minus its quadrature — is known. The first try is 4
//! points over the whole path: exact when R is a polynomial of degree up to 8 along it (a
//! product of up to 8 moving levers), and for a ratio whose denominator moves by a few
//! percent (a weekly review) its error is about (change/denominator)^8, far below 1e-9. If it
//! errs more than 1e-9 of the change, the path becomes one panel of 8 points (exact to degree
//! 16), and the panel that errs most is split (one value pass for the split point, 16 new
//! points) until the residuals add up to less than 1e-9 of the change, or [`MAX_POINTS`]
//! points are spent. Splitting is what localises a kink: where a `Min`, `Max`, `abs` or `if`
//! switches branch on the way, dR/dt jumps, and only the panel holding the switch keeps
//! erring (see [`split_point`]). A jump of R itself (an `if` whose branches disagree at the
//! switch) cannot be seen by derivatives at all; it stays in the residual.
//!
//! Pure and deterministic; does not touch files or the UI.

use super::formula::{is_affine, run_straight, straight_partials};
use super::leverage::{default_top, product_partials, under_top};
use super::program::{Op, Program};
use super::rollup::{EngineError, Inputs, Rollup};
use std::sync::Arc;

use crate::model::{Map, NodeId};

/// Gauss–Legendre nodes on [-1, 1] (the positive half; the rule is symmetric) and weights,
/// 4 points: the first try over the whole path.
const GAUSS_4: [(f64, f64); 2] = [
    (0.339_981_043_584_856_3, 0.652_145_154_862_546_1),
    (0.861_136_311_594_052_6, 0.347_854_845_137_453_8),
];

/// The same, 8 points: the rule of every panel after the first try.
const GAUSS_8: [(f64, f64); 4] = [
    (0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.525_532_409_916_329, 0.313_706_645_877_887_4),
    (0.796_666_477_413_626_8, 0.222_381_034_453_374_45),
    (0.960_289_856_497_536_3, 0.101_228_536_290_376_18),
];

/// The most quadrature points (reverse passes) one attribution spends: 4 for the first try,
/// 8 for the first panel and 16 for each split after it.
pub const MAX_POINTS: usize = 256;

/// What the top is compared between: the actuals, a period's history and/or a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Basis {
    /// The period whose `history` values the inputs take (`None`: their current `value`).
    pub period: Option<String>,
    /// The scenario whose overrides apply (`None`: the actuals).
    pub scenario: Option<String>,
}

impl Basis {
    /// The actuals: every input's current `value`.
    pub fn actuals() -> Self {
        Self::default()
    }

    /// The inputs' history values for `period`.
    pub fn period(period: impl Into<String>) -> Self {
        Self {
            period: Some(period.into()),
            scenario: None,
        }
    }

    /// The scenario `name` over the current values.
    pub fn scenario(name: impl Into<String>) -> Self {
        Self {
            period: None,
            scenario: Some(name.into()),
        }
    }

    /// This basis in a period (keeping its scenario).
    pub fn in_period(mut self, period: Option<String>) -> Self {
        self.period = period;
        self
    }

    /// How messages and reports name it: `2026-10`, `actuals`, `scenario Stretch`,
    /// `scenario Stretch in 2026-10`.
    pub fn label(&self) -> String {
        match (&self.scenario, &self.period) {
            (None, None) => "actuals".to_owned(),
            (None, Some(p)) => p.clone(),
            (Some(s), None) => format!("scenario {s}"),
            (Some(s), Some(p)) => format!("scenario {s} in {p}"),
        }
    }
}

/// One metric's share of the top's change.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The metric, as the program numbers it (its id: [`Attribution::id`]).
    metric: u32,
    /// Its value on the `from` side (`None`: it has none there, which only happens for a
    /// metric the top does not depend on).
    pub from: Option<f64>,
    /// Its value on the `to` side.
    pub to: Option<f64>,
    /// The part of the top's change that comes from it (an input) or flows through it (a
    /// computed metric), in the top's unit.
    pub contribution: f64,
    /// Whether it is an input of the path (an input metric, or one a scenario pins): the
    /// inputs' contributions add up to the change, less the residual.
    pub input: bool,
}

/// The top's change between two sets of inputs, metric by metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// The top metric.
    pub top: NodeId,
    /// The top's value on the `from` side.
    pub value_from: f64,
    /// The top's value on the `to` side.
    pub value_to: f64,
    /// `value_to − value_from`.
    pub change: f64,
    /// `change` minus the sum of the inputs' contributions: what the quadrature leaves over
    /// (below 1e-9 of the change for smooth formulas; larger across a kink or a jump).
    pub residual: f64,
    /// Every metric under the top (what its formulas use, and its subtree), sorted by
    /// |contribution| (largest first, ties by id).
    pub contributions: Vec<Contribution>,
    /// Quadrature points spent (each one forward and one reverse pass).
    pub points: usize,
    /// The program's ids, which the contributions' metrics index.
    ids: Arc<[NodeId]>,
}

impl Attribution {
    /// The id of the metric `c` is about (`c` must be one of this attribution's).
    pub fn id<'a>(&'a self, c: &Contribution) -> &'a NodeId {
        &self.ids[c.metric as usize]
    }

    /// The contribution of the metric `id`, if it is under the top.
    pub fn contribution(&self, id: &str) -> Option<&Contribution> {
        self.contributions
            .iter()
            .find(|c| self.id(c).as_str() == id)
    }
}

/// Why an attribution could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AttributionError {
    /// The scenario or top is unknown, or the map has no metric.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// No metric's history has this period.
    #[error("there is no period `{period}` in the map's history{}", known_periods(.known))]
    UnknownPeriod {
        /// The period asked for.
        period: String,
        /// The periods the map's histories have, sorted.
        known: Vec<String>,
    },
    /// Inputs the top depends on have no value on one side or both.
    #[error("{}", missing(.from_label, .from, .to_label, .to))]
    MissingValues {
        /// How the `from` side is named.
        from_label: String,
        /// Inputs without a value there.
        from: Vec<NodeId>,
        /// How the `to` side is named.
        to_label: String,
        /// Inputs without a value there.
        to: Vec<NodeId>,
    },
    /// The top has no value on one side.
    #[error("`{top}` has no value for {label}: {reason}")]
    TopHasNoValue {
        /// The top metric.
        top: NodeId,
        /// The side, as named in messages.
        label: String,
        /// Why.
        reason: String,
    },
    /// A metric has no value (or an infinite slope) somewhere between the two sides, so the
    /// path cannot be followed.
    #[error(
        "between {from_label} and {to_label}, `{metric}` has no value part of the way \
         (at t = {t:.3} of the way: {reason}); attribution follows the straight path between \
         the two and needs every formula defined all along it"
    )]
    NoValueOnPath {
        /// How the `from` side is named.
        from_label: String,
        /// How the `to` side is named.
        to_label: String,
        /// The metric.
        metric: NodeId,
        /// Where on the path, 0 to 1.
        t: f64,
        /// Why it has no value there.
        reason: String,
    },
}

fn known_periods(known: &[String]) -> String {
    match known {
        [] => " (no metric has a history)".to_owned(),
        [one] => format!(" (it has {one})"),
        [first, .., last] if known.len() > 6 => {
            format!(" (it has {} periods, {first} … {last})", known.len())
        }
        all => format!(" (it has {})", all.join(", ")),
    }
}

fn missing(from_label: &str, from: &[NodeId], to_label: &str, to: &[NodeId]) -> String {
    let list = |label: &str, ids: &[NodeId]| {
        let shown: Vec<String> = ids.iter().take(10).map(|id| format!("`{id}`")).collect();
        let more = if ids.len() > 10 {
            format!(" and {} more", ids.len() - 10)
        } else {
            String::new()
        };
        format!("no value for {label}: {}{more}", shown.join(", "))
    };
    let mut parts = Vec::new();
    if !from.is_empty() {
        parts.push(list(from_label, from));
    }
    if !to.is_empty() {
        parts.push(list(to_label, to));
    }
    format!(
        "{} (every input the top depends on needs a value on both sides)",
        parts.join("; ")
    )
}

/// Why the top moved from `from` to `to` in `map` (compiles the map; see [`explain_with`]).
pub fn explain(
    map: &Map,
    from: &Basis,
    to: &Basis,
    top: Option<&str>,
) -> Result<Attribution, AttributionError> {
    explain_with(&Program::compile(map), map, from, to, top)
}

/// Why the top (`top`, or the default top) moved from `from` to `to`, with the map's compiled
/// program (it must be this map's).
///
/// Errors: an unknown period, scenario or top; an input the top depends on without a value
/// on either side (all of them named); the top without a value on either side; a formula that
/// has no value somewhere between the two.
pub fn explain_with(
    program: &Program,
    map: &Map,
    from: &Basis,
    to: &Basis,
    top: Option<&str>,
) -> Result<Attribution, AttributionError> {
    for basis in [from, to] {
        if let Some(p) = &basis.period
            && !program.has_period(map, p)
        {
            return Err(AttributionError::UnknownPeriod {
                period: p.clone(),
                known: super::Analysis::periods(map),
            });
        }
    }
    let top_id = match top {
        Some(t) => NodeId::new(t).map_err(|_| EngineError::NotAMetric(t.to_owned()))?,
        None => default_top(map).ok_or(EngineError::NoMetric)?,
    };
    let t = program
        .metric(top_id.as_str())
        .ok_or_else(|| EngineError::NotAMetric(top_id.to_string()))?;
    let [from_inputs, to_inputs] = program.inputs_of(
        map,
        [from, to].map(|b| (b.scenario.as_deref(), b.period.as_deref())),
    )?;
    attribute_labelled(
        program,
        &from_inputs,
        &to_inputs,
        t,
        &from.label(),
        &to.label(),
    )
}

/// Why metric `top` moved from the inputs `from` to the inputs `to` (both from
/// [`Program::inputs`] of the same program). Errors name the sides "the starting inputs"
/// and "the final inputs"; [`explain_with`] names them by period and scenario.
pub fn attribute(
    program: &Program,
    from: &Inputs,
    to: &Inputs,
    top: u32,
) -> Result<Attribution, AttributionError> {
    attribute_labelled(
        program,
        from,
        to,
        top,
        "the starting inputs",
        "the final inputs",
    )
}

fn attribute_labelled(
    program: &Program,
    from: &Inputs,
    to: &Inputs,
    top: u32,
    from_label: &str,
    to_label: &str,
) -> Result<Attribution, AttributionError> {
    let n = program.len();
    if top as usize >= n {
        return Err(EngineError::NoMetric.into());
    }
    let pinned = |i: usize| from.values[i].is_some() || to.values[i].is_some();
    let free = |i: u32| program.ops[i as usize] == Op::Input || pinned(i as usize);
    let (roll_from, roll_to) = super::threads::join(
        super::threads::parallel(n),
        || program.evaluate(from.clone()),
        || program.evaluate(to.clone()),
    );

    // The metrics the top depends on, not looking below a free one.
    let mut reached = vec![false; n];
    reached[top as usize] = true;
    let mut stack = vec![top];
    while let Some(m) = stack.pop() {
        if free(m) {
            continue;
        }
        for &a in program.args_of(m) {
            if !reached[a as usize] {
                reached[a as usize] = true;
                stack.push(a);
            }
        }
    }
    // In evaluation order: the order filtered, not sorted.
    let sub: Vec<u32> = (program.order.iter().copied())
        .filter(|&i| reached[i as usize])
        .collect();

    // Where every free metric starts and ends.
    let side = |inputs: &Inputs, rollup: &Rollup, i: u32| match inputs.values[i as usize] {
        Some(v) => Some(v),
        None if program.ops[i as usize] == Op::Input => None,
        // Pinned on the other side only: its computed figure on this one.
        None => rollup.value(i).ok(),
    };
    let (mut missing_from, mut missing_to) = (Vec::new(), Vec::new());
    let mut ends = Vec::with_capacity(sub.len());
    for &i in &sub {
        if !free(i) {
            ends.push((0.0, 0.0));
            continue;
        }
        let (a, b) = (side(from, &roll_from, i), side(to, &roll_to, i));
        if a.is_none() {
            missing_from.push(program.id(i).clone());
        }
        if b.is_none() {
            missing_to.push(program.id(i).clone());
        }
        ends.push((a.unwrap_or(0.0), b.unwrap_or(0.0)));
    }
    if !(missing_from.is_empty() && missing_to.is_empty()) {
        return Err(AttributionError::MissingValues {
            from_label: from_label.to_owned(),
            from: missing_from,
            to_label: to_label.to_owned(),
            to: missing_to,
        });
    }
    let top_value = |rollup: &Rollup, label: &str| {
        rollup
            .value(top)
            .map_err(|reason| AttributionError::TopHasNoValue {
                top: program.id(top).clone(),
                label: label.to_owned(),
                reason: reason.to_owned(),
            })
    };
    let value_from = top_value(&roll_from, from_label)?;
    let value_to = top_value(&roll_to, to_label)?;

    let under = under_top(program, &reached, top);
    let reported = |i: u32| i != top && under[i as usize];
    let mut path = Path::new(program, &sub, &ends, &free);
    let (shares, points) =
        path.integrate(value_from, value_to)
            .map_err(|e| AttributionError::NoValueOnPath {
                from_label: from_label.to_owned(),
                to_label: to_label.to_owned(),
                metric: program.id(e.metric).clone(),
                t: e.t,
                reason: e.reason,
            })?;

    let change = value_to - value_from;
    let input_sum: f64 = (0..sub.len())
        .filter(|&p| path.free[p])
        .map(|p| shares[p])
        .sum();
    let mut share_of = vec![0.0; n];
    for (p, &i) in sub.iter().enumerate() {
        share_of[i as usize] = shares[p];
    }
    // Sorted by |share| (largest first), ties by id through the program's id ranks, as one
    // integer key per metric: the bits of |share| order as the values do (for a non-negative
    // f64, `total_cmp` is the order of its bits), inverted for largest first, then the id's
    // rank, then the index. Sorting 16-byte keys instead of whole contributions, and making
    // each contribution once in its final place, is most of what a report of 100k costs.
    let rank = program.id_rank();
    let keys: Vec<u128> = (0..n as u32)
        .filter(|&i| reported(i))
        .map(|i| {
            let magnitude = !share_of[i as usize].abs().to_bits();
            (u128::from(magnitude) << 64) | (u128::from(rank[i as usize]) << 32) | u128::from(i)
        })
        .collect();
    let contributions: Vec<Contribution> = sorted(keys)
        .map(|key| {
            let i = key as u32;
            Contribution {
                metric: i,
                from: roll_from.value(i).ok(),
                to: roll_to.value(i).ok(),
                contribution: share_of[i as usize],
                input: if reached[i as usize] {
                    free(i)
                } else {
                    program.is_input(i)
                },
            }
        })
        .collect();
    Ok(Attribution {
        top: program.id(top).clone(),
        value_from,
        value_to,
        change,
        residual: change - input_sum,
        contributions,
        points,
        ids: program.shared_ids(),
    })
}

/// `keys` in ascending order (all different, so any sort gives the same order): for many,
/// the two halves sorted on two threads and merged as they are read.
fn sorted(mut keys: Vec<u128>) -> impl Iterator<Item = u128> {
    let half = if super::threads::parallel(keys.len()) {
        keys.len() / 2
    } else {
        0
    };
    let (low, high) = keys.split_at_mut(half);
    super::threads::join(half > 0, || low.sort_unstable(), || high.sort_unstable());
    let (mut a, mut b) = (0, half);
    std::iter::from_fn(move || {
        let take_low = a < half && (b == keys.len() || keys[a] < keys[b]);
        let k = if take_low { &mut a } else { &mut b };
        let key = keys.get(*k).copied()?;
        *k += 1;
        Some(key)
    })
}

/// Where and why the path cannot be followed.
struct PathError {
    metric: u32,
    t: f64,
    reason: String,
}

/// One panel of the quadrature: `[a, b]`, the top's values at both ends, its contributions
/// (by position in the path) and its residual.
struct Panel {
    a: f64,
    b: f64,
    top_a: f64,
    top_b: f64,
    shares: Vec<f64>,
    residual: f64,
    /// dR/dt at the panel's first and last points.
    slope_first: f64,
    slope_last: f64,
    /// Whether the panel came from a split at a guessed kink (its own split then halves).
    guessed: bool,
}

/// Where to split a panel that errs, and whether that point is a guess at a kink.
///
/// When dR/dt differs between the panel's first and last points, the likeliest cause is one
/// kink (a `Min`/`Max` switching branch) with R close to straight on either side; then R's
/// change across the panel fixes where the kink is: ΔR = g_first·(t* − a) + g_last·(b − t*).
/// Splitting there leaves two smooth panels. A guess outside the panel's middle, or a panel
/// that came from a guess, is halved instead, so refinement always makes progress.
fn split_point(panel: &Panel) -> (f64, bool) {
    let (a, b) = (panel.a, panel.b);
    let mid = 0.5 * (a + b);
    let (g0, g1) = (panel.slope_first, panel.slope_last);
    let jump = g0 - g1;
    if panel.guessed || jump.abs() <= 1e-12 * g0.abs().max(g1.abs()) {
        return (mid, false);
    }
    let at = a + ((panel.top_b - panel.top_a) - g1 * (b - a)) / jump;
    let margin = (b - a) / 64.0;
    if at.is_finite() && at > a + margin && at < b - margin {
        (at, true)
    } else {
        (mid, false)
    }
}

/// The metrics the top depends on, in evaluation order (the top last), compacted into
/// positions with the buffers of one sweep.
struct Path<'p> {
    program: &'p Program,
    /// Metric index at each position.
    metric: Vec<u32>,
    /// Whether the position is an input of the path.
    free: Vec<bool>,
    /// The positions that are not free, in order.
    computed: Vec<u32>,
    /// Start value and change of free positions.
    start: Vec<f64>,
    delta: Vec<f64>,
    /// Arguments of position p (as positions): `edge_arg[edge_start[p]..edge_start[p + 1]]`.
    edge_start: Vec<u32>,
    edge_arg: Vec<u32>,
    /// ∂(metric at p)/∂(its argument) for every edge, from the last forward sweep.
    partial: Vec<f64>,
    /// Whether the straight-line formula at p is affine ([`is_affine`]): its partials, once
    /// worked out, are the same at every point, and are not worked out again.
    affine: Vec<bool>,
    /// Whether the partials of p in `partial` are final (an affine formula's, once set).
    fixed: Vec<bool>,
    value: Vec<f64>,
    tangent: Vec<f64>,
    adjoint: Vec<f64>,
    args: Vec<f64>,
    grad: Vec<f64>,
    scratch: super::formula::Scratch,
    /// The slots of the straight-line formulas ([`Program::code`]) at the current point, and
    /// the buffers of their partials.
    slots: Vec<f64>,
    tape_adj: Vec<f64>,
    /// The partials the adjoints in `adjoint` were swept from (empty before the first
    /// reverse sweep), and dR/dt there.
    swept: Vec<f64>,
    swept_slope: f64,
}

impl<'p> Path<'p> {
    fn new(
        program: &'p Program,
        sub: &[u32],
        ends: &[(f64, f64)],
        free: &dyn Fn(u32) -> bool,
    ) -> Self {
        let mut position = vec![u32::MAX; program.len()];
        for (p, &i) in sub.iter().enumerate() {
            position[i as usize] = p as u32;
        }
        let mut edge_start = Vec::with_capacity(sub.len() + 1);
        let mut edge_arg = Vec::new();
        edge_start.push(0);
        let free: Vec<bool> = sub.iter().map(|&i| free(i)).collect();
        for (p, &i) in sub.iter().enumerate() {
            if !free[p] {
                edge_arg.extend(program.args_of(i).iter().map(|&a| position[a as usize]));
            }
            edge_start.push(edge_arg.len() as u32);
        }
        let len = sub.len();
        let delta: Vec<f64> = ends.iter().map(|e| e.1 - e.0).collect();
        // The partials of sums and means are constants: set once, not at every point.
        let mut partial = vec![0.0; edge_arg.len()];
        let mut computed = Vec::new();
        for (p, &i) in sub.iter().enumerate() {
            if free[p] {
                continue;
            }
            computed.push(p as u32);
            let edges = edge_start[p] as usize..edge_start[p + 1] as usize;
            let w = match program.ops[i as usize] {
                Op::Sum => 1.0,
                Op::Mean => 1.0 / edges.len() as f64,
                _ => continue,
            };
            partial[edges].fill(w);
        }
        let affine: Vec<bool> = sub
            .iter()
            .zip(&free)
            .map(|(&i, &free)| {
                !free
                    && matches!(program.ops[i as usize], Op::Expr(_))
                    && program
                        .code_range(i)
                        .is_some_and(|r| is_affine(&program.code[r]))
            })
            .collect();
        Path {
            program,
            metric: sub.to_vec(),
            start: ends.iter().map(|e| e.0).collect(),
            // A free position's tangent is its change, wherever on the path.
            tangent: delta.clone(),
            delta,
            free,
            computed,
            partial,
            fixed: vec![false; affine.len()],
            affine,
            edge_start,
            edge_arg,
            value: vec![0.0; len],
            adjoint: vec![0.0; len],
            args: Vec::new(),
            grad: Vec::new(),
            scratch: super::formula::Scratch::default(),
            slots: vec![f64::NAN; program.code.len()],
            tape_adj: Vec::new(),
            swept: Vec::new(),
            swept_slope: 0.0,
        }
    }

    /// The contributions (by position) and the number of points spent: 4 points over the
    /// whole path first; if they err, panels of 8 points, the worst split until the residuals
    /// are small or the budget is spent.
    fn integrate(&mut self, top_from: f64, top_to: f64) -> Result<(Vec<f64>, usize), PathError> {
        let first = self.panel(&GAUSS_4, 0.0, 1.0, top_from, top_to, false)?;
        let scale = self
            .free
            .iter()
            .zip(&first.shares)
            .filter(|(f, _)| **f)
            .map(|(_, s)| s.abs())
            .sum::<f64>()
            .max((top_to - top_from).abs());
        let rounding = 64.0 * f64::EPSILON * top_from.abs().max(top_to.abs());
        let tolerance = (1e-9 * scale).max(rounding);
        if first.residual.abs() <= tolerance {
            return Ok((first.shares, 4));
        }
        let mut panels = vec![self.panel(&GAUSS_8, 0.0, 1.0, top_from, top_to, false)?];
        let mut points = 4 + 8;
        while points + 16 <= MAX_POINTS {
            let total: f64 = panels.iter().map(|p| p.residual.abs()).sum();
            if total <= tolerance {
                break;
            }
            let Some((worst, _)) = panels
                .iter()
                .enumerate()
                .max_by(|x, y| x.1.residual.abs().total_cmp(&y.1.residual.abs()))
            else {
                break;
            };
            let old = panels.swap_remove(worst);
            let (at, guessed) = split_point(&old);
            self.forward(at, false)?;
            let top_at = self.value[self.value.len() - 1];
            panels.push(self.panel(&GAUSS_8, old.a, at, old.top_a, top_at, guessed)?);
            panels.push(self.panel(&GAUSS_8, at, old.b, top_at, old.top_b, guessed)?);
            points += 16;
        }
        let mut shares = vec![0.0; self.metric.len()];
        // Summed left to right, so the result does not depend on the order of refinement.
        panels.sort_by(|x, y| x.a.total_cmp(&y.a));
        for panel in &panels {
            for (s, p) in shares.iter_mut().zip(&panel.shares) {
                *s += p;
            }
        }
        Ok((shares, points))
    }

    /// Gauss–Legendre over `[a, b]` with `rule`. An input's share is Δx times its mean
    /// sensitivity, with the weights normalised to add up to exactly 1, so an input of a
    /// plain sum gets exactly its own change.
    fn panel(
        &mut self,
        rule: &[(f64, f64)],
        a: f64,
        b: f64,
        top_a: f64,
        top_b: f64,
        guessed: bool,
    ) -> Result<Panel, PathError> {
        let mut sums = vec![0.0; self.metric.len()];
        let mut weights = 0.0;
        let (mut slope_first, mut slope_last) = (0.0, 0.0);
        let half = 0.5 * (b - a);
        let mid = 0.5 * (a + b);
        for (k, &(x, w)) in rule.iter().enumerate() {
            for (side, t) in [(-1.0, mid - half * x), (1.0, mid + half * x)] {
                self.forward(t, true)?;
                let slope = self.reverse(w, &mut sums);
                weights += w;
                if k == rule.len() - 1 {
                    if side < 0.0 {
                        slope_first = slope;
                    } else {
                        slope_last = slope;
                    }
                }
            }
        }
        let width = b - a;
        let shares: Vec<f64> = sums
            .iter()
            .enumerate()
            .map(|(p, s)| {
                let mean = s / weights * width;
                if self.free[p] {
                    self.delta[p] * mean
                } else {
                    mean
                }
            })
            .collect();
        let quadrature: f64 = shares
            .iter()
            .zip(&self.free)
            .filter(|(_, f)| **f)
            .map(|(s, _)| s)
            .sum();
        Ok(Panel {
            a,
            b,
            top_a,
            top_b,
            residual: (top_b - top_a) - quadrature,
            shares,
            slope_first,
            slope_last,
            guessed,
        })
    }

    /// Values (and, with `partials`, the tangents) at `t`, and the local partials.
    fn forward(&mut self, t: f64, partials: bool) -> Result<(), PathError> {
        let program = self.program;
        // Every free position moves along the straight line (the others' start and change
        // are 0, and their value is set below): one sweep the compiler vectorises.
        for ((v, s), d) in self.value.iter_mut().zip(&self.start).zip(&self.delta) {
            *v = s + t * d;
        }
        for c in 0..self.computed.len() {
            let p = self.computed[c] as usize;
            let m = self.metric[p];
            let edges = self.edge_start[p] as usize..self.edge_start[p + 1] as usize;
            let arity = edges.len();
            let op = program.ops[m as usize];
            let fail = |reason: String| PathError {
                metric: m,
                t,
                reason,
            };
            let v = match op {
                // Their partials were set once, in `Path::new`.
                Op::Sum | Op::Mean => {
                    let mut sum = 0.0;
                    for &a in &self.edge_arg[edges.clone()] {
                        sum += self.value[a as usize];
                    }
                    if op == Op::Sum {
                        sum
                    } else {
                        sum / arity as f64
                    }
                }
                Op::Product => {
                    self.gather(edges.clone());
                    self.grad.clear();
                    self.grad.resize(arity, 0.0);
                    product_partials(&self.args, 1.0, &mut self.grad, &mut false);
                    self.partial[edges.clone()].copy_from_slice(&self.grad);
                    self.args.iter().product()
                }
                Op::Min | Op::Max => {
                    let pick = if op == Op::Min { f64::lt } else { f64::gt };
                    let args = &self.edge_arg[edges.clone()];
                    let mut best = 0;
                    for (k, &a) in args.iter().enumerate() {
                        if pick(&self.value[a as usize], &self.value[args[best] as usize]) {
                            best = k;
                        }
                    }
                    for (k, e) in edges.clone().enumerate() {
                        self.partial[e] = if k == best { 1.0 } else { 0.0 };
                    }
                    self.value[args[best] as usize]
                }
                Op::Expr(tape) => {
                    let code = program.code_range(m);
                    let straight = if self.fixed[p] {
                        code.and_then(|r| self.straight_value(r, edges.clone()))
                    } else {
                        code.and_then(|r| self.straight(r, edges.clone()))
                    };
                    match straight {
                        Some(v) => {
                            self.fixed[p] = self.affine[p];
                            v
                        }
                        // Not straight-line, or no value or no finite partial here: the tape
                        // itself, which also says why.
                        None => {
                            self.gather(edges.clone());
                            self.grad.clear();
                            self.grad.resize(arity, 0.0);
                            let tape = &program.tapes[tape as usize];
                            let (v, _) = tape
                                .eval_grad(&self.args, 1.0, &mut self.grad, &mut self.scratch)
                                .map_err(|e| fail(e.to_string()))?;
                            self.partial[edges.clone()].copy_from_slice(&self.grad);
                            v
                        }
                    }
                }
                Op::Broken(k) => return Err(fail(program.broken[k as usize].to_string())),
                Op::Input => return Err(fail("no value".to_owned())),
            };
            if !v.is_finite() {
                return Err(fail("the result overflows".to_owned()));
            }
            self.value[p] = v;
            if partials {
                let mut dm = 0.0;
                for e in edges {
                    dm += self.partial[e] * self.tangent[self.edge_arg[e] as usize];
                }
                self.tangent[p] = dm;
            }
        }
        Ok(())
    }

    /// A straight-line formula's value at the current values, its partials into the edges'
    /// `partial`; `None` when it has no value or some partial is not a finite f64 (the tape
    /// then works it out, or says why not, exactly as [`Tape::eval_grad`] does).
    ///
    /// [`Tape::eval_grad`]: super::formula::Tape::eval_grad
    fn straight(
        &mut self,
        code: std::ops::Range<usize>,
        edges: std::ops::Range<usize>,
    ) -> Option<f64> {
        let v = self.straight_value(code.clone(), edges.clone())?;
        let instrs = &self.program.code[code.clone()];
        let partial = &mut self.partial[edges];
        let wide = straight_partials::<f64>(instrs, &self.slots[code], &mut self.tape_adj, partial);
        (!wide && partial.iter().all(|d| d.is_finite())).then_some(v)
    }

    /// [`Path::straight`] of an affine formula whose partials are already in `partial`: its
    /// value alone.
    fn straight_value(
        &mut self,
        code: std::ops::Range<usize>,
        edges: std::ops::Range<usize>,
    ) -> Option<f64> {
        let instrs = &self.program.code[code.clone()];
        let slots = &mut self.slots[code];
        let v = run_straight(instrs, &self.edge_arg[edges], &self.value, slots);
        (!v.is_nan()).then_some(v)
    }

    fn gather(&mut self, edges: std::ops::Range<usize>) {
        self.args.clear();
        for e in edges {
            self.args.push(self.value[self.edge_arg[e] as usize]);
        }
    }

    /// Adjoints dR/dm from the partials of the last forward sweep, each added into `sums`
    /// as soon as it is final (weighted by `w`: dR/dx for an input, dR/dm · dm/dt for a
    /// computed metric). Returns dR/dt at this point.
    ///
    /// The adjoints depend on the partials alone (and the tangents, on the partials and the
    /// constant changes of the free positions), so where the partials are bit for bit those
    /// of the last sweep — along a path on which every formula is linear, at every point —
    /// the sweep is not run again: its adjoints are still in `adjoint`, and only added in.
    fn reverse(&mut self, w: f64, sums: &mut [f64]) -> f64 {
        let len = self.metric.len();
        let unchanged = self.swept.len() == self.partial.len()
            && (self.swept.iter().zip(&self.partial)).all(|(a, b)| a.to_bits() == b.to_bits());
        if unchanged {
            // The same sums, term by term, as the sweep below adds.
            let below_top = (sums.iter_mut().zip(&self.adjoint))
                .zip(self.free.iter().zip(&self.tangent))
                .take(len - 1);
            for ((sum, &a), (&free, &tangent)) in below_top {
                if a != 0.0 {
                    *sum += if free { w * a } else { w * a * tangent };
                }
            }
            return self.swept_slope;
        }
        self.adjoint.iter_mut().for_each(|a| *a = 0.0);
        self.adjoint[len - 1] = 1.0;
        let mut slope = 0.0;
        for p in (0..len).rev() {
            // Every user of p comes later in the order, so its adjoint is complete here.
            let a = self.adjoint[p];
            if a == 0.0 {
                continue;
            }
            if self.free[p] {
                // The top itself (an input asked about) explains nothing of its own change.
                if p + 1 < len {
                    sums[p] += w * a;
                    slope += a * self.delta[p];
                }
                continue;
            }
            if p + 1 < len {
                sums[p] += w * a * self.tangent[p];
            }
            for e in self.edge_start[p] as usize..self.edge_start[p + 1] as usize {
                self.adjoint[self.edge_arg[e] as usize] += a * self.partial[e];
            }
        }
        self.swept.clone_from(&self.partial);
        self.swept_slope = slope;
        slope
    }
}

#[cfg(test)]
mod tests {
    /// Big enough for two threads: the halves merged give the order one sort gives.
    #[test]
    fn keys_sorted_in_two_halves_come_out_in_order() {
        for n in [0, 1, 2, 3, 1_000, 40_001] {
            // A scrambled set of different keys, some sharing their high bits.
            let keys: Vec<u128> = (0..n as u128)
                .map(|k| ((k * 7_919 % 1_009) << 64) | (k * 104_729 % 65_537) << 32 | k)
                .collect();
            let mut want = keys.clone();
            want.sort_unstable();
            let got: Vec<u128> = super::sorted(keys).collect();
            assert_eq!(got, want, "{n} keys");
        }
    }
}
