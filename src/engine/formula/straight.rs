//! Straight-line formulas in register form, for the roll-up's flat code.
//!
//! A formula without `if`, `min`, `max`, comparisons or `abs` — most of them — has one path
//! through its tape and no piecewise op on it, so its value and its partials need neither a
//! trace nor a value stack: [`Tape::straight_line`] rewrites it once into [`Instr`]s whose
//! operands are the slots of earlier instructions (slot k holds instruction k's value). The
//! roll-up keeps the slots of every such formula in one flat array; the reverse pass reads
//! them instead of running the formula forward again.
//!
//! Both directions compute exactly what [`Tape::eval`] and [`Tape::eval_partials`] compute
//! for such a tape — the same operations on the same operands in the same order, the local
//! derivatives through the one shared [`local_adjoints`] — so values, partials and the
//! moments an f64 pass leaves the normal range are bit for bit the same.

use super::eval::local_adjoints;
use super::{OpKind, Tape};
use crate::engine::wide::Adj;

/// One instruction of a straight-line formula; operands are slots of earlier instructions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Instr {
    /// A literal.
    Const(f64),
    /// Variable `k` of the formula (its `k`-th argument).
    Var(u32),
    Neg(u32),
    Sqrt(u32),
    Ln(u32),
    Exp(u32),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Div(u32, u32),
    /// `a ^ b`; `true` when `b` is made of literals only.
    Pow(u32, u32, bool),
}

/// The longest tape, in ops, that is rewritten as straight-line code. An instruction takes
/// four times an op's memory; the gain is in the per-formula work of the many short formulas
/// of a big map, so a formula longer than this (rare, and costly mainly for its own ops)
/// keeps its tape alone, and a file's memory stays a small multiple of its text
/// (`tests/memory.rs`).
const MAX_STRAIGHT_OPS: usize = 1024;

impl Tape {
    /// The tape as straight-line code, when it has one path and no piecewise op (no `if`,
    /// `min`, `max`, comparison or `abs`) and at most [`MAX_STRAIGHT_OPS`] ops; `None`
    /// otherwise, and those formulas keep being evaluated by [`Tape::eval`] and
    /// differentiated by [`Tape::eval_partials`].
    pub(crate) fn straight_line(&self) -> Option<Vec<Instr>> {
        if self.ops.len() > MAX_STRAIGHT_OPS {
            return None;
        }
        let mut code = Vec::with_capacity(self.ops.len());
        // The slots on the value stack, as the tape would push and pop them.
        let mut stack: Vec<u32> = Vec::with_capacity(self.max_stack);
        for op in &self.ops {
            let instr = match op.kind() {
                OpKind::Num(i) => Instr::Const(*self.consts.get(i as usize)?),
                OpKind::Int(v) => Instr::Const(f64::from(v)),
                OpKind::Var(i) => Instr::Var(i),
                kind @ (OpKind::Neg | OpKind::Sqrt | OpKind::Ln | OpKind::Exp) => {
                    let a = stack.pop()?;
                    match kind {
                        OpKind::Neg => Instr::Neg(a),
                        OpKind::Sqrt => Instr::Sqrt(a),
                        OpKind::Ln => Instr::Ln(a),
                        _ => Instr::Exp(a),
                    }
                }
                kind @ (OpKind::Add
                | OpKind::Sub
                | OpKind::Mul
                | OpKind::Div
                | OpKind::Pow { .. }) => {
                    let b = stack.pop()?;
                    let a = stack.pop()?;
                    match kind {
                        OpKind::Add => Instr::Add(a, b),
                        OpKind::Sub => Instr::Sub(a, b),
                        OpKind::Mul => Instr::Mul(a, b),
                        OpKind::Div => Instr::Div(a, b),
                        OpKind::Pow { const_exp } => Instr::Pow(a, b, const_exp),
                        _ => return None,
                    }
                }
                _ => return None,
            };
            stack.push(code.len() as u32);
            code.push(instr);
        }
        // A well-formed tape leaves exactly its result, in the last slot.
        (stack.len() == 1 && stack[0] as usize + 1 == code.len()).then_some(code)
    }
}

/// Whether `code` is affine in its variables: a constant plus constants times variables
/// (`x * 0.5 + y - z / 4`), so its partials are the same numbers, bit for bit, wherever it is
/// evaluated — each local derivative on the way is a constant slot's value, or 1, or −1.
/// A product of two variables, a division by one, or a function of one is not.
pub(crate) fn is_affine(code: &[Instr]) -> bool {
    // What each slot is: a constant, affine, or neither.
    #[derive(Clone, Copy, PartialEq)]
    enum Shape {
        Constant,
        Affine,
        Other,
    }
    let mut shapes: Vec<Shape> = Vec::with_capacity(code.len());
    for instr in code {
        let shape = |slot: u32| shapes.get(slot as usize).copied().unwrap_or(Shape::Other);
        let both = |a: u32, b: u32| (shape(a), shape(b));
        let s = match *instr {
            Instr::Const(_) => Shape::Constant,
            Instr::Var(_) => Shape::Affine,
            Instr::Neg(a) => shape(a),
            Instr::Sqrt(a) | Instr::Ln(a) | Instr::Exp(a) => match shape(a) {
                Shape::Constant => Shape::Constant,
                _ => Shape::Other,
            },
            Instr::Add(a, b) | Instr::Sub(a, b) => match both(a, b) {
                (Shape::Other, _) | (_, Shape::Other) => Shape::Other,
                (Shape::Constant, Shape::Constant) => Shape::Constant,
                _ => Shape::Affine,
            },
            Instr::Mul(a, b) => match both(a, b) {
                (Shape::Constant, Shape::Constant) => Shape::Constant,
                (Shape::Constant, Shape::Affine) | (Shape::Affine, Shape::Constant) => {
                    Shape::Affine
                }
                _ => Shape::Other,
            },
            Instr::Div(a, b) => match both(a, b) {
                (Shape::Constant, Shape::Constant) => Shape::Constant,
                (Shape::Affine, Shape::Constant) => Shape::Affine,
                _ => Shape::Other,
            },
            Instr::Pow(a, b, _) => match both(a, b) {
                (Shape::Constant, Shape::Constant) => Shape::Constant,
                _ => Shape::Other,
            },
        };
        shapes.push(s);
    }
    shapes.last().is_some_and(|&s| s != Shape::Other)
}

/// Runs straight-line `code` with argument `k` at `values[args[k]]`, each instruction's
/// value into its slot. Returns the result, or NaN when any slot is not finite — exactly
/// where [`Tape::eval`] returns an error (a NaN argument is "no value"; division by zero,
/// `ln`, `sqrt` or `^` out of their domain and overflow all give a value that is not finite,
/// and an arithmetic op never makes a finite value of a non-finite one except through a
/// later op whose own slot is then checked too). The reason in words is worked out from the
/// tape when needed.
#[inline]
pub(crate) fn run(code: &[Instr], args: &[u32], values: &[f64], slots: &mut [f64]) -> f64 {
    let mut finite = true;
    for k in 0..code.len().min(slots.len()) {
        let v = match code[k] {
            Instr::Const(c) => c,
            Instr::Var(i) => values[args[i as usize] as usize],
            Instr::Neg(a) => -slots[a as usize],
            Instr::Sqrt(a) => slots[a as usize].sqrt(),
            Instr::Ln(a) => slots[a as usize].ln(),
            Instr::Exp(a) => slots[a as usize].exp(),
            Instr::Add(a, b) => slots[a as usize] + slots[b as usize],
            Instr::Sub(a, b) => slots[a as usize] - slots[b as usize],
            Instr::Mul(a, b) => slots[a as usize] * slots[b as usize],
            Instr::Div(a, b) => slots[a as usize] / slots[b as usize],
            Instr::Pow(a, b, _) => slots[a as usize].powf(slots[b as usize]),
        };
        finite &= v.is_finite();
        slots[k] = v;
    }
    match slots.get(code.len().wrapping_sub(1)) {
        Some(&v) if finite => v,
        _ => f64::NAN,
    }
}

/// The partial of straight-line `code`'s result along each of its variables, from the slots
/// of [`run`], into `var_adj` (one per variable; `adj` holds the slots' adjoints), over f64
/// or [`crate::engine::wide::Wide`]. Returns whether an f64 pass left the normal range — then,
/// as for [`Tape::eval_partials`], the partials are to be taken over `Wide` numbers.
///
/// Each slot but the last is the operand of exactly one later instruction (the code is a
/// tree, as it came off a value stack), so walking backwards, a slot's adjoint is complete
/// once its one user has set it: `adj` needs no clearing between formulas.
pub(crate) fn partials<A: Adj>(
    code: &[Instr],
    slots: &[f64],
    adj: &mut Vec<A>,
    var_adj: &mut [A],
) -> bool {
    let t = &mut false;
    let len = code.len().min(slots.len());
    if adj.len() < len {
        adj.resize(len, A::ZERO);
    }
    var_adj.fill(A::ZERO);
    let Some(last) = len.checked_sub(1) else {
        return false;
    };
    adj[last] = A::of(1.0);
    for slot in (0..len).rev() {
        let g = adj[slot];
        let (kind, a, b, binary) = match code[slot] {
            Instr::Const(_) => continue,
            Instr::Var(i) => {
                if !g.zero()
                    && let Some(v) = var_adj.get_mut(i as usize)
                {
                    *v = v.plus(g, t);
                }
                continue;
            }
            Instr::Neg(a) => (OpKind::Neg, a, a, false),
            Instr::Sqrt(a) => (OpKind::Sqrt, a, a, false),
            Instr::Ln(a) => (OpKind::Ln, a, a, false),
            Instr::Exp(a) => (OpKind::Exp, a, a, false),
            Instr::Add(a, b) => (OpKind::Add, a, b, true),
            Instr::Sub(a, b) => (OpKind::Sub, a, b, true),
            Instr::Mul(a, b) => (OpKind::Mul, a, b, true),
            Instr::Div(a, b) => (OpKind::Div, a, b, true),
            Instr::Pow(a, b, const_exp) => (OpKind::Pow { const_exp }, a, b, true),
        };
        let (a, b) = (a as usize, b as usize);
        // A zero adjoint passes zeros on (the traced pass skips it, leaving its operands' 0).
        let (da, db) = if g.zero() {
            (A::ZERO, A::ZERO)
        } else {
            local_adjoints(kind, slots[a], slots[b], slots[slot], g, t)
                .unwrap_or((A::ZERO, A::ZERO))
        };
        // As the traced pass adds into a zeroed adjoint (0 + -0 is 0).
        adj[a] = A::ZERO.plus(da, t);
        if binary {
            adj[b] = A::ZERO.plus(db, t);
        }
    }
    *t
}
