//! Formulas: parse a metric formula, compile it to a flat postfix tape, evaluate it, and take
//! exact reverse-mode derivatives.
//!
//! # The language
//!
//! An arithmetic expression over metric ids:
//!
//! - numbers: `3`, `0.5`, `1e-3`, `.5` (read with Rust's `str::parse::<f64>`, so exactly);
//! - ids: `[a-z_][a-z0-9_]*` — lowercase only, and not one of the function names;
//! - operators, from the loosest to the tightest binding:
//!   1. comparisons `<  <=  >  >=  ==  !=` (value 1 or 0; non-associative, so `a < b < c` is an
//!      error),
//!   2. `+ -` (left-associative),
//!   3. `* /` (left-associative),
//!   4. unary minus,
//!   5. `^` (right-associative, and tighter than unary minus: `-a^2` is `-(a^2)`; its right
//!      operand may itself start with a minus: `a^-b`);
//! - parentheses and function calls: `min(a, b, …)`, `max(a, b, …)` (two or more arguments),
//!   `abs(x)`, `sqrt(x)`, `ln(x)`, `exp(x)` and `if(c, a, b)` (`a` where `c` ≠ 0, else `b`; only
//!   the chosen branch is evaluated, so `if(n > 0, s / n, 0)` is safe).
//!
//! # Design
//!
//! [`Tape::parse`] is an operator-precedence parser driven by an explicit stack of pending
//! operators (no recursion), which emits postfix ops straight onto the tape; `if` compiles to
//! conditional jumps. Evaluation ([`Tape::eval`]) is one loop over the tape with a value stack;
//! [`Tape::eval_grad`] runs the same loop recording each executed op, then a reverse loop over
//! that record accumulates adjoints. Nothing in parsing, evaluation or differentiation uses stack
//! space that grows with the formula, so a formula of any size is safe on a small thread stack.
//!
//! Every op keeps the source span of its operands, so an [`EvalError`] can quote the user's own
//! text ("division by zero: `a - b` is 0").

mod error;
mod eval;
mod lex;
mod parse;
#[cfg(test)]
mod tests;

pub use error::{EvalError, FormulaError};
pub use eval::Scratch;

/// The function names of the language; they are reserved and cannot be used as ids.
pub const FUNCTIONS: [&str; 7] = ["min", "max", "abs", "sqrt", "ln", "exp", "if"];

/// Whether `name` is reserved (a function name), and so cannot be a metric id.
pub fn is_reserved(name: &str) -> bool {
    FUNCTIONS.contains(&name)
}

/// Whether `s` is a valid metric id: `[a-z_][a-z0-9_]*` and not reserved.
pub fn is_valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_lowercase() || first == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_reserved(s)
}

/// A half-open range of char offsets into the formula source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// What one op of the tape does. Value ops pop their operands and push their result.
#[derive(Debug, Clone, Copy, PartialEq)]
enum OpKind {
    /// Push a literal.
    Num(f64),
    /// Push the value of variable `i`.
    Var(usize),
    Neg,
    Abs,
    Sqrt,
    Ln,
    Exp,
    Add,
    Sub,
    Mul,
    Div,
    /// `a ^ b`; `const_exp` when `b` is made of literals only (no d/db to take).
    Pow {
        const_exp: bool,
    },
    Min,
    Max,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    /// Pop the condition; jump to the target when it is 0 (the `else` branch of an `if`).
    JumpIfZero(usize),
    /// Jump to the target unconditionally (skip the `else` branch).
    Jump(usize),
}

/// One op of the tape, with the source spans its error messages quote.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Op {
    kind: OpKind,
    /// The whole expression this op computes.
    span: Span,
    /// The operand an error quotes: the divisor of `/`, the argument of `ln`/`sqrt`, the base of
    /// `^`; otherwise the same as `span`.
    arg: Span,
}

/// A compiled formula: a flat postfix tape; variables are numbered `0..vars.len()` in order of
/// first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Tape {
    src: String,
    ops: Vec<Op>,
    vars: Vec<String>,
    var_offsets: Vec<usize>,
    /// The deepest the value stack gets (to size scratch space once).
    max_stack: usize,
}

impl Tape {
    /// Parses and compiles `src`. The error's offset is a char offset into `src`.
    pub fn parse(src: &str) -> Result<Tape, FormulaError> {
        parse::parse(src)
    }

    /// The source text this tape was compiled from.
    pub fn source(&self) -> &str {
        &self.src
    }

    /// The distinct ids referenced, in order of first appearance; `values[i]` in [`Tape::eval`]
    /// is the value of `vars()[i]`.
    pub fn vars(&self) -> &[String] {
        &self.vars
    }

    /// The char offset of the first occurrence of variable `var` in the source (0 when `var` is
    /// out of range), for pointing "unknown id" errors at it.
    pub fn var_offsets(&self, var: usize) -> usize {
        self.var_offsets.get(var).copied().unwrap_or(0)
    }

    /// The number of ops on the tape.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the tape has no ops (never true for a parsed formula).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Rewrites every occurrence of the id `from` in the source text `src` to `to`, returning the
    /// new source. Only whole id tokens change: renaming `churn` leaves `churn_rate` and the
    /// exponent of `1e5` alone. Works token-wise, so a source that does not parse is rewritten
    /// as well as its tokens allow. `to` is inserted as given (check it with [`is_valid_id`]).
    pub fn rename_in_source(src: &str, from: &str, to: &str) -> String {
        Self::rename_many_in_source(src, |id| (id == from).then_some(to))
    }

    /// Renames many ids of the source text `src` at once: every id token for which `rename`
    /// gives a new name is replaced by it, in one scan, so each token is renamed at most once
    /// and a swap (`a` → `b` with `b` → `a`) comes out right. Whole tokens only, as in
    /// [`Tape::rename_in_source`]; tokens `rename` maps to `None` stay as they are. New names
    /// are inserted as given (check them with [`is_valid_id`]).
    pub fn rename_many_in_source<'n>(
        src: &str,
        mut rename: impl FnMut(&str) -> Option<&'n str>,
    ) -> String {
        let mut out = String::with_capacity(src.len());
        let mut copied = 0;
        for tok in lex::scan(src) {
            if tok.kind != lex::TokKind::Ident {
                continue;
            }
            if let Some(to) = rename(&src[tok.bytes.clone()]) {
                out.push_str(&src[copied..tok.bytes.start]);
                out.push_str(to);
                copied = tok.bytes.end;
            }
        }
        out.push_str(&src[copied..]);
        out
    }
}
