//! Evaluation and reverse-mode differentiation: loops over the tape.

use super::error::quote;
use super::{EvalError, OpKind, Tape};

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
    /// Adjoint of each variable.
    var_adj: Vec<f64>,
}

impl Scratch {
    /// Empty working memory.
    pub fn new() -> Scratch {
        Scratch::default()
    }
}

/// One executed value op: the op index and the slots of its operands.
#[derive(Debug, Clone, Copy)]
struct Step {
    op: usize,
    a: usize,
    b: usize,
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

    /// Checks that `values` covers the variables and that the used ones are finite.
    fn check_values(&self, values: &[f64]) -> Result<(), EvalError> {
        let vars = self.vars();
        if values.len() < vars.len() {
            return Err(EvalError::WrongValueCount {
                expected: vars.len(),
                got: values.len(),
            });
        }
        // The id is looked up only for the message, as the tape holds ids as source offsets.
        if let Some(i) = values[..vars.len()].iter().position(|v| !v.is_finite()) {
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
    /// negative number to a fractional power, a non-finite result (overflow), a non-finite or
    /// missing input. Never returns NaN or infinity.
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
                OpKind::Var(i) => stack.push(values.get(i as usize).copied().unwrap_or(0.0)),
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
    /// says the derivative is that of one piece of a piecewise function: a `min`/`max`/`if` was
    /// evaluated (the derivative is that of the active argument or branch), a comparison was
    /// evaluated (its derivative is taken as 0), `abs` was evaluated at 0 (derivative 0), or a
    /// negative base was raised to a variable exponent (d/d exponent taken as 0).
    ///
    /// Same errors as [`Tape::eval`], plus [`EvalError::InfiniteDerivative`] where the
    /// derivative is infinite (e.g. `sqrt(x)` at `x = 0`) and [`EvalError::WrongValueCount`]
    /// when `grad` is shorter than `vars()`.
    pub fn eval_grad(
        &self,
        values: &[f64],
        seed: f64,
        grad: &mut [f64],
        scratch: &mut Scratch,
    ) -> Result<(f64, bool), EvalError> {
        self.check_values(values)?;
        let var_count = self.vars().len();
        if grad.len() < var_count {
            return Err(EvalError::WrongValueCount {
                expected: var_count,
                got: grad.len(),
            });
        }
        let Scratch {
            vals,
            trace,
            stack,
            adj,
            var_adj,
        } = scratch;
        vals.clear();
        trace.clear();
        stack.clear();
        let mut approximate = false;

        // Forward: evaluate, recording each executed value op with its operand slots.
        let mut pc = 0;
        while let Some(op) = self.ops.get(pc) {
            let index = pc;
            pc += 1;
            let (value, a, b) = match op.kind() {
                OpKind::Num(i) => (self.consts.get(i as usize).copied().unwrap_or(0.0), 0, 0),
                OpKind::Int(v) => (f64::from(v), 0, 0),
                OpKind::Var(i) => (values.get(i as usize).copied().unwrap_or(0.0), 0, 0),
                OpKind::Jump(t) => {
                    pc = t as usize;
                    continue;
                }
                OpKind::JumpIfZero(t) => {
                    approximate = true;
                    let c = stack.pop().unwrap_or(0);
                    if vals.get(c) == Some(&0.0) {
                        pc = t as usize;
                    }
                    continue;
                }
                kind if arity(kind) == 1 => {
                    let a = stack.pop().unwrap_or(0);
                    let x = vals.get(a).copied().unwrap_or(0.0);
                    approximate |= kind == OpKind::Abs && x == 0.0;
                    (unary(kind, x).map_err(|f| self.fault(index, f))?, a, a)
                }
                kind => {
                    let b = stack.pop().unwrap_or(0);
                    let a = stack.pop().unwrap_or(0);
                    let x = vals.get(a).copied().unwrap_or(0.0);
                    let y = vals.get(b).copied().unwrap_or(0.0);
                    approximate |= match kind {
                        OpKind::Pow { const_exp } => !const_exp && x < 0.0,
                        OpKind::Add | OpKind::Sub | OpKind::Mul | OpKind::Div => false,
                        _ => true,
                    };
                    (binary(kind, x, y).map_err(|f| self.fault(index, f))?, a, b)
                }
            };
            stack.push(vals.len());
            vals.push(value);
            trace.push(Step { op: index, a, b });
        }
        let root = stack.pop().unwrap_or(0);
        let value = vals.get(root).copied().unwrap_or(0.0);

        // Reverse: accumulate adjoints from the result back to the variables.
        adj.clear();
        adj.resize(trace.len(), 0.0);
        var_adj.clear();
        var_adj.resize(var_count, 0.0);
        if let Some(r) = adj.get_mut(root) {
            *r = 1.0;
        }
        for (slot, step) in trace.iter().enumerate().rev() {
            let g = adj[slot];
            if g == 0.0 {
                continue;
            }
            if !g.is_finite() {
                return Err(self.infinite_derivative(step.op));
            }
            let Some(op) = self.ops.get(step.op) else {
                continue;
            };
            let (x, y, r) = (vals[step.a], vals[step.b], vals[slot]);
            // d(op)/d(a) and d(op)/d(b), as contributions g·∂.
            let kind = op.kind();
            let (da, db) = match kind {
                OpKind::Var(i) => {
                    if let Some(v) = var_adj.get_mut(i as usize) {
                        *v += g;
                    }
                    continue;
                }
                OpKind::Neg => (-g, 0.0),
                OpKind::Abs if x > 0.0 => (g, 0.0),
                OpKind::Abs if x < 0.0 => (-g, 0.0),
                OpKind::Sqrt => (g * 0.5 / r, 0.0),
                OpKind::Ln => (g / x, 0.0),
                OpKind::Exp => (g * r, 0.0),
                OpKind::Add => (g, g),
                OpKind::Sub => (g, -g),
                OpKind::Mul => (g * y, g * x),
                OpKind::Div => (g / y, -g * (r / y)),
                OpKind::Pow { const_exp } => {
                    // b·a^(b−1), as b·(a^b / a) when that is exact enough (a ≠ 0 and a^b
                    // did not underflow), to save a `powf`.
                    let da = if y == 0.0 {
                        0.0
                    } else if x != 0.0 && r.is_normal() {
                        g * y * (r / x)
                    } else {
                        g * y * x.powf(y - 1.0)
                    };
                    let db = if !const_exp && x > 0.0 {
                        g * r * x.ln()
                    } else {
                        0.0
                    };
                    (da, db)
                }
                OpKind::Min if x <= y => (g, 0.0),
                OpKind::Max if x >= y => (g, 0.0),
                OpKind::Min | OpKind::Max => (0.0, g),
                _ => continue,
            };
            if !da.is_finite() || !db.is_finite() {
                return Err(self.infinite_derivative(step.op));
            }
            adj[step.a] += da;
            if arity(kind) == 2 {
                adj[step.b] += db;
            }
        }

        // Only touch `grad` once everything is known to be finite.
        if var_adj.iter().any(|d| !(d * seed).is_finite())
            || grad
                .iter()
                .zip(var_adj.iter())
                .any(|(g, d)| !(g + d * seed).is_finite())
        {
            return Err(self.infinite_derivative(usize::MAX));
        }
        for (g, d) in grad.iter_mut().zip(var_adj.iter()) {
            *g += d * seed;
        }
        Ok((value, approximate))
    }
}
