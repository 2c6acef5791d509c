//! Evaluation and reverse-mode differentiation: loops over the tape.

use super::error::quote;
use super::{EvalError, OpKind, Tape};
use crate::engine::wide::{Adj, Wide};

/// Reusable working memory for [`Tape::eval_grad`]; keep one per thread and pass it to every
/// call to avoid allocating.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Value of each executed op (its slot is its index in `trace`).
    vals: Vec<f64>,
    /// Executed ops, in order.
    trace: Vec<Step>,
    /// The run-time stack of slots.
    stack: Vec<usize>,
    /// Adjoint of each slot.
    adj: Vec<f64>,
    /// Adjoint of each variable: the partials, when `wide` is false.
    pub(crate) var_adj: Vec<f64>,
    /// The stack of pending `if` branch ends (op indices).
    ends: Vec<usize>,
    /// Whether each slot's path to the result runs through a piecewise op.
    flags: Vec<bool>,
    /// The same for each variable.
    pub(crate) var_flags: Vec<bool>,
    /// Adjoints over [`Wide`], when the f64 pass left the normal range.
    wide_adj: Vec<Wide>,
    /// The partials over [`Wide`], when `wide` is true.
    pub(crate) wide_var: Vec<Wide>,
    /// Whether the partials are in `wide_var` (else in `var_adj`).
    pub(crate) wide: bool,
    /// The first op whose local derivative does not exist on a path that matters.
    undefined_at: Option<usize>,
}

impl Scratch {
    /// Empty working memory.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// The partial along variable `k` from the last [`Tape::eval_partials`], over `f64` or
    /// [`Wide`] (over f64, `trouble` is set when the partials needed [`Wide`] numbers).
    pub(crate) fn partial<A: Adj>(&self, k: usize, trouble: &mut bool) -> A {
        if self.wide {
            A::of_wide(self.wide_var.get(k).copied().unwrap_or(Wide::ZERO), trouble)
        } else {
            A::of(self.var_adj.get(k).copied().unwrap_or(0.0))
        }
    }

    /// Whether a piecewise op lies on variable `k`'s path (last [`Tape::eval_partials`]).
    pub(crate) fn approximate(&self, k: usize) -> bool {
        self.var_flags.get(k).copied().unwrap_or(false)
    }
}

/// One executed value op: the op index, the slots of its operands, and whether it was made
/// inside an `if` branch or is a condition (its path then runs through the `if`).
#[derive(Debug, Clone, Copy)]
struct Step {
    op: usize,
    a: usize,
    b: usize,
    in_branch: bool,
}

/// Why an op gave no value, before its source text is quoted.
#[derive(Debug, Clone, Copy)]
enum Fault {
    DivZero,
    Ln(f64),
    Sqrt(f64),
    ZeroNegPow(f64),
    NegFracPow(f64, f64),
    Overflow,
}

fn finite(r: f64) -> Result<f64, Fault> {
    if r.is_finite() {
        Ok(r)
    } else {
        Err(Fault::Overflow)
    }
}

/// Applies a one-operand op.
fn unary(kind: OpKind, x: f64) -> Result<f64, Fault> {
    match kind {
        OpKind::Neg => Ok(-x),
        OpKind::Abs => Ok(x.abs()),
        OpKind::Sqrt if x < 0.0 => Err(Fault::Sqrt(x)),
        OpKind::Sqrt => Ok(x.sqrt()),
        OpKind::Ln if x <= 0.0 => Err(Fault::Ln(x)),
        OpKind::Ln => Ok(x.ln()),
        OpKind::Exp => finite(x.exp()),
        _ => Ok(x),
    }
}

/// Applies a two-operand op.
fn binary(kind: OpKind, a: f64, b: f64) -> Result<f64, Fault> {
    let truth = |t: bool| if t { 1.0 } else { 0.0 };
    match kind {
        OpKind::Add => finite(a + b),
        OpKind::Sub => finite(a - b),
        OpKind::Mul => finite(a * b),
        OpKind::Div if b == 0.0 => Err(Fault::DivZero),
        OpKind::Div => finite(a / b),
        OpKind::Pow { .. } if a == 0.0 && b < 0.0 => Err(Fault::ZeroNegPow(b)),
        OpKind::Pow { .. } if a < 0.0 && b.fract() != 0.0 => Err(Fault::NegFracPow(a, b)),
        OpKind::Pow { .. } => finite(a.powf(b)),
        OpKind::Min => Ok(if a <= b { a } else { b }),
        OpKind::Max => Ok(if a >= b { a } else { b }),
        OpKind::Lt => Ok(truth(a < b)),
        OpKind::Le => Ok(truth(a <= b)),
        OpKind::Gt => Ok(truth(a > b)),
        OpKind::Ge => Ok(truth(a >= b)),
        OpKind::Eq => Ok(truth(a == b)),
        OpKind::Ne => Ok(truth(a != b)),
        _ => Ok(a),
    }
}

/// The number of operands a value op pops (0 for literals, variables and jumps).
fn arity(kind: OpKind) -> usize {
    match kind {
        OpKind::Num(_)
        | OpKind::Int(_)
        | OpKind::Var(_)
        | OpKind::JumpIfZero(_)
        | OpKind::Jump(_) => 0,
        OpKind::Neg | OpKind::Abs | OpKind::Sqrt | OpKind::Ln | OpKind::Exp => 1,
        _ => 2,
    }
}

impl Tape {
    /// The user-facing error for `fault` at op number `op`.
    #[cold]
    fn fault(&self, op: usize, fault: Fault) -> EvalError {
        let (span, arg) = self.spans(op);
        let arg = quote(&self.src, arg);
        match fault {
            Fault::DivZero => EvalError::DivisionByZero { divisor: arg },
            Fault::Ln(value) => EvalError::LnOfNonPositive { arg, value },
            Fault::Sqrt(value) => EvalError::SqrtOfNegative { arg, value },
            Fault::ZeroNegPow(exponent) => EvalError::ZeroToNegativePower {
                base: arg,
                exponent,
            },
            Fault::NegFracPow(value, exponent) => EvalError::NegativeToFractionalPower {
                base: arg,
                value,
                exponent,
            },
            Fault::Overflow => EvalError::Overflow {
                expr: quote(&self.src, span),
            },
        }
    }

    #[cold]
    fn infinite_derivative(&self, op: usize) -> EvalError {
        let expr = if op < self.ops.len() {
            quote(&self.src, self.spans(op).0)
        } else {
            quote(&self.src, super::Span::new(0, usize::MAX))
        };
        EvalError::InfiniteDerivative { expr }
    }

    /// Checks that `values` covers the variables and that none is infinite (NaN is "no
    /// value", an error only where it is read).
    fn check_values(&self, values: &[f64]) -> Result<(), EvalError> {
        let vars = self.vars();
        if values.len() < vars.len() {
            return Err(EvalError::WrongValueCount {
                expected: vars.len(),
                got: values.len(),
            });
        }
        // The id is looked up only for the message, as the tape holds ids as source offsets.
        if let Some(i) = values[..vars.len()].iter().position(|v| v.is_infinite()) {
            return Err(EvalError::NonFiniteInput {
                id: vars.get(i).unwrap_or_default().to_owned(),
                value: values[i],
            });
        }
        Ok(())
    }

    /// Evaluates with variable values (`vars()[i]` ↔ `values[i]`; extra values are ignored),
    /// using `scratch` as the value stack.
    ///
    /// Errors: division by zero, `ln`/`sqrt` of a number out of domain, `0 ^ negative`, a
    /// negative number to a fractional power, a non-finite result (overflow), an infinite
    /// input, too few values, and a NaN value ("no value") that the evaluation reads — an
    /// untaken `if` branch is not read. Never returns NaN or infinity.
    pub fn eval(&self, values: &[f64], scratch: &mut Vec<f64>) -> Result<f64, EvalError> {
        self.check_values(values)?;
        let stack = scratch;
        stack.clear();
        stack.reserve(self.max_stack);
        let mut pc = 0;
        while let Some(op) = self.ops.get(pc) {
            let at = pc;
            pc += 1;
            match op.kind() {
                OpKind::Num(i) => stack.push(self.consts.get(i as usize).copied().unwrap_or(0.0)),
                OpKind::Int(v) => stack.push(f64::from(v)),
                OpKind::Var(i) => {
                    let v = values.get(i as usize).copied().unwrap_or(0.0);
                    if v.is_nan() {
                        return Err(self.no_value(i as usize));
                    }
                    stack.push(v);
                }
                OpKind::Jump(t) => pc = t as usize,
                OpKind::JumpIfZero(t) => {
                    if stack.pop() == Some(0.0) {
                        pc = t as usize;
                    }
                }
                kind if arity(kind) == 1 => {
                    let x = stack.pop().unwrap_or(0.0);
                    stack.push(unary(kind, x).map_err(|f| self.fault(at, f))?);
                }
                kind => {
                    let b = stack.pop().unwrap_or(0.0);
                    let a = stack.pop().unwrap_or(0.0);
                    stack.push(binary(kind, a, b).map_err(|f| self.fault(at, f))?);
                }
            }
        }
        Ok(stack.pop().unwrap_or(0.0))
    }

    /// Value and gradient: adds `d(result)/d(vars()[i]) * seed` to `grad[i]` for every variable
    /// (`grad` is left untouched on error). Returns `(value, approximate)`, where `approximate`
    /// says some variable's derivative is that of one piece of a piecewise function (see
    /// [`Tape::eval_partials`]).
    ///
    /// Same errors as [`Tape::eval`], plus [`EvalError::InfiniteDerivative`] where some
    /// variable's derivative is infinite or does not exist (e.g. `sqrt(x)` at `x = 0`, `x ^ y`
    /// at a negative `x`) or the product with `seed` is too large, and
    /// [`EvalError::WrongValueCount`] when `grad` is shorter than `vars()`.
    pub fn eval_grad(
        &self,
        values: &[f64],
        seed: f64,
        grad: &mut [f64],
        scratch: &mut Scratch,
    ) -> Result<(f64, bool), EvalError> {
        let var_count = self.vars().len();
        if grad.len() < var_count {
            self.check_values(values)?;
            return Err(EvalError::WrongValueCount {
                expected: var_count,
                got: grad.len(),
            });
        }
        let value = self.eval_partials(values, scratch)?;
        let seed_wide = Wide::new(seed);
        let term = |k: usize| -> Option<f64> {
            if scratch.wide {
                scratch.wide_var[k].mul(seed_wide).to_f64()
            } else {
                Some(scratch.var_adj[k] * seed)
            }
        };
        // Only touch `grad` once everything is known to be finite.
        let all_finite = (0..var_count)
            .all(|k| term(k).is_some_and(|d| d.is_finite() && (grad[k] + d).is_finite()));
        if !all_finite {
            return Err(self.infinite_derivative(scratch.undefined_at.unwrap_or(usize::MAX)));
        }
        for (k, g) in grad.iter_mut().enumerate().take(var_count) {
            *g += term(k).unwrap_or(0.0);
        }
        Ok((value, scratch.var_flags.iter().any(|&f| f)))
    }

    /// Value and the partial derivative along every variable, into `scratch` (read them with
    /// [`Scratch::partial`] and [`Scratch::approximate`]). Values may be NaN for "no value":
    /// an error only where the evaluation reads them (an untaken `if` branch does not).
    ///
    /// A partial is exact to f64's precision whatever the range of the intermediate adjoints
    /// (a pass over f64, run again over [`Wide`] numbers when something left f64's normal
    /// range), undefined only when the variable's own path has an infinite or missing local
    /// derivative (`sqrt` at 0, `x ^ y` along `y` at a negative `x`), and marked
    /// approximate only when a `min`, `max`, `if`, comparison or `abs` at 0 lies on that
    /// variable's own path to the result (the derivative is the active piece's; a variable read
    /// only in an untaken branch has partial 0 and is approximate).
    pub(crate) fn eval_partials(
        &self,
        values: &[f64],
        scratch: &mut Scratch,
    ) -> Result<f64, EvalError> {
        self.check_values(values)?;
        let var_count = self.vars().len();
        scratch.var_flags.clear();
        scratch.var_flags.resize(var_count, false);
        scratch.wide = false;
        scratch.undefined_at = None;
        let (value, root, piecewise) = self.forward(values, scratch)?;
        let Scratch {
            vals,
            trace,
            adj,
            var_adj,
            wide_adj,
            wide_var,
            var_flags,
            flags,
            ..
        } = scratch;
        if piecewise {
            self.mark_piecewise_paths(trace, vals, flags, var_flags);
        }
        let (trouble, _) = self.reverse::<f64>(trace, vals, root, adj, var_adj, var_count);
        if trouble || var_adj.iter().any(|d| !d.is_finite()) {
            let (_, undefined_at) =
                self.reverse::<Wide>(trace, vals, root, wide_adj, wide_var, var_count);
            scratch.wide = true;
            scratch.undefined_at = undefined_at;
        }
        Ok(value)
    }

    /// The forward pass of [`Tape::eval_partials`]: evaluates, recording each executed value
    /// op with its operand slots. Returns the value, its slot and whether a piecewise op (or an
    /// `if`) was executed.
    fn forward(
        &self,
        values: &[f64],
        scratch: &mut Scratch,
    ) -> Result<(f64, usize, bool), EvalError> {
        let Scratch {
            vals,
            trace,
            stack,
            ends,
            ..
        } = scratch;
        vals.clear();
        trace.clear();
        stack.clear();
        ends.clear();
        let mut piecewise = false;
        let mut pc = 0;
        while let Some(op) = self.ops.get(pc) {
            let index = pc;
            pc += 1;
            while ends.last() == Some(&index) {
                ends.pop();
            }
            let (value, a, b) = match op.kind() {
                OpKind::Num(i) => (self.consts.get(i as usize).copied().unwrap_or(0.0), 0, 0),
                OpKind::Int(v) => (f64::from(v), 0, 0),
                OpKind::Var(i) => {
                    let v = values.get(i as usize).copied().unwrap_or(0.0);
                    if v.is_nan() {
                        return Err(self.no_value(i as usize));
                    }
                    (v, 0, 0)
                }
                OpKind::Jump(t) => {
                    pc = t as usize;
                    continue;
                }
                OpKind::JumpIfZero(t) => {
                    piecewise = true;
                    let c = stack.pop().unwrap_or(0);
                    // The condition's path runs through the `if`.
                    if let Some(step) = trace.get_mut(c) {
                        step.in_branch = true;
                    }
                    // Both branches end where the `then` branch's closing jump goes.
                    let end = match self.ops.get((t as usize).wrapping_sub(1)).map(|o| o.kind()) {
                        Some(OpKind::Jump(end)) => end as usize,
                        _ => self.ops.len(),
                    };
                    ends.push(end);
                    if vals.get(c) == Some(&0.0) {
                        pc = t as usize;
                    }
                    continue;
                }
                kind if arity(kind) == 1 => {
                    let a = stack.pop().unwrap_or(0);
                    let x = vals.get(a).copied().unwrap_or(0.0);
                    piecewise |= kind == OpKind::Abs && x == 0.0;
                    (unary(kind, x).map_err(|f| self.fault(index, f))?, a, a)
                }
                kind => {
                    let b = stack.pop().unwrap_or(0);
                    let a = stack.pop().unwrap_or(0);
                    let x = vals.get(a).copied().unwrap_or(0.0);
                    let y = vals.get(b).copied().unwrap_or(0.0);
                    piecewise |= is_piecewise(kind);
                    (binary(kind, x, y).map_err(|f| self.fault(index, f))?, a, b)
                }
            };
            stack.push(vals.len());
            vals.push(value);
            trace.push(Step {
                op: index,
                a,
                b,
                in_branch: !ends.is_empty(),
            });
        }
        let root = stack.pop().unwrap_or(0);
        Ok((vals.get(root).copied().unwrap_or(0.0), root, piecewise))
    }

    /// Marks every variable whose path to the result runs through a piecewise op: slots made
    /// inside an `if` branch or used as its condition, operands of `min`, `max`, comparisons
    /// and of `abs` at 0, and whatever those are made of. A variable never read (only in an
    /// untaken branch) is marked too.
    fn mark_piecewise_paths(
        &self,
        trace: &[Step],
        vals: &[f64],
        flags: &mut Vec<bool>,
        var_flags: &mut [bool],
    ) {
        flags.clear();
        flags.extend(trace.iter().map(|s| s.in_branch));
        let mut read = vec![false; var_flags.len()];
        for (slot, step) in trace.iter().enumerate().rev() {
            let Some(op) = self.ops.get(step.op) else {
                continue;
            };
            let kind = op.kind();
            if let OpKind::Var(i) = kind {
                if let Some(r) = read.get_mut(i as usize) {
                    *r = true;
                }
                if let Some(f) = var_flags.get_mut(i as usize) {
                    *f |= flags[slot];
                }
                continue;
            }
            let through = flags[slot]
                || is_piecewise(kind)
                || (kind == OpKind::Abs && vals.get(step.a) == Some(&0.0));
            if through && arity(kind) > 0 {
                flags[step.a] = true;
                flags[step.b] = true;
            }
        }
        for (f, r) in var_flags.iter_mut().zip(read) {
            *f |= !r;
        }
    }

    /// The reverse pass: adjoints from the result back to the variables, over `f64` or
    /// [`Wide`]. Returns whether the f64 pass left the normal range (run it again over
    /// [`Wide`]), and the first op (from the result down) whose local derivative does not
    /// exist on a path that matters.
    fn reverse<A: Adj>(
        &self,
        trace: &[Step],
        vals: &[f64],
        root: usize,
        adj: &mut Vec<A>,
        var_adj: &mut Vec<A>,
        var_count: usize,
    ) -> (bool, Option<usize>) {
        let t = &mut false;
        let mut undefined_at = None;
        adj.clear();
        adj.resize(trace.len(), A::ZERO);
        var_adj.clear();
        var_adj.resize(var_count, A::ZERO);
        if let Some(r) = adj.get_mut(root) {
            *r = A::of(1.0);
        }
        for (slot, step) in trace.iter().enumerate().rev() {
            let g = adj[slot];
            if g.zero() {
                continue;
            }
            let Some(op) = self.ops.get(step.op) else {
                continue;
            };
            let (x, y, r) = (vals[step.a], vals[step.b], vals[slot]);
            let kind = op.kind();
            if let OpKind::Var(i) = kind {
                if let Some(v) = var_adj.get_mut(i as usize) {
                    *v = v.plus(g, t);
                }
                continue;
            }
            let Some((da, db)) = local_adjoints(kind, x, y, r, g, t) else {
                continue;
            };
            if undefined_at.is_none() && (da.undefined() || db.undefined()) {
                undefined_at = Some(step.op);
            }
            adj[step.a] = adj[step.a].plus(da, t);
            if arity(kind) == 2 {
                adj[step.b] = adj[step.b].plus(db, t);
            }
        }
        (*t, undefined_at)
    }

    #[cold]
    fn no_value(&self, var: usize) -> EvalError {
        EvalError::NoValue {
            id: self.vars().get(var).unwrap_or_default().to_owned(),
        }
    }
}

/// The contributions `g·∂(op)/∂a` and `g·∂(op)/∂b` of one value op with operands `x`, `y` and
/// result `r` (`None` for an op that passes nothing back: literals, comparisons, `abs` at 0).
/// Shared by the traced reverse pass and the straight-line one, so both take the same
/// derivatives with the same roundings.
#[inline(always)]
pub(super) fn local_adjoints<A: Adj>(
    kind: OpKind,
    x: f64,
    y: f64,
    r: f64,
    g: A,
    t: &mut bool,
) -> Option<(A, A)> {
    let (da, db) = match kind {
        OpKind::Neg => (g.times(A::of(-1.0), t), A::ZERO),
        OpKind::Abs if x > 0.0 => (g, A::ZERO),
        OpKind::Abs if x < 0.0 => (g.times(A::of(-1.0), t), A::ZERO),
        OpKind::Sqrt => (g.times(A::of(0.5), t).over(A::of(r), t), A::ZERO),
        OpKind::Ln => (g.over(A::of(x), t), A::ZERO),
        OpKind::Exp if r.is_normal() => (g.times(A::of(r), t), A::ZERO),
        OpKind::Exp => (g.times(A::pow(std::f64::consts::E, x, t), t), A::ZERO),
        OpKind::Add => (g, g),
        OpKind::Sub => (g, g.times(A::of(-1.0), t)),
        OpKind::Mul => (g.times(A::of(y), t), g.times(A::of(x), t)),
        OpKind::Div => (
            g.over(A::of(y), t),
            g.times(A::of(-x), t).over(A::of(y), t).over(A::of(y), t),
        ),
        OpKind::Pow { const_exp } => {
            // b·a^(b−1), as b·(a^b / a) when a^b is normal, to save a `powf`.
            let da = if y == 0.0 {
                A::ZERO
            } else if x != 0.0 && r.is_normal() {
                g.times(A::of(y), t).times(A::of(r), t).over(A::of(x), t)
            } else {
                g.times(A::of(y), t).times(A::pow(x, y - 1.0, t), t)
            };
            // a^b·ln a; at a < 0 (b whole) a^b has no derivative along b, at a = 0
            // only for b > 0 (where it is 0).
            let db = if const_exp || (x == 0.0 && y > 0.0) {
                A::ZERO
            } else if x > 0.0 && r.is_normal() {
                g.times(A::of(r), t).times(A::of(x.ln()), t)
            } else if x > 0.0 {
                g.times(A::pow(x, y, t), t).times(A::of(x.ln()), t)
            } else {
                g.times(A::of(f64::NAN), t)
            };
            (da, db)
        }
        OpKind::Min if x <= y => (g, A::ZERO),
        OpKind::Max if x >= y => (g, A::ZERO),
        OpKind::Min | OpKind::Max => (A::ZERO, g),
        _ => return None,
    };
    Some((da, db))
}

/// Whether an op's derivative is that of one piece (the active argument, or 0 for a
/// comparison).
fn is_piecewise(kind: OpKind) -> bool {
    matches!(
        kind,
        OpKind::Min
            | OpKind::Max
            | OpKind::Lt
            | OpKind::Le
            | OpKind::Gt
            | OpKind::Ge
            | OpKind::Eq
            | OpKind::Ne
    )
}
