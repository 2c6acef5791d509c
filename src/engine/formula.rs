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
//!   4. unary minus (and unary plus, which changes nothing: `+a` is `a`),
//!   5. `^` (right-associative, and tighter than unary minus: `-a^2` is `-(a^2)`; its right
//!      operand may itself start with a minus: `a^-b`);
//! - parentheses and function calls: `min(a, b, …)`, `max(a, b, …)` (two or more arguments),
//!   `abs(x)`, `sqrt(x)`, `ln(x)`, `exp(x)` and `if(c, a, b)` (`a` where `c` ≠ 0, else `b`; only
//!   the chosen branch is evaluated, so `if(n > 0, s / n, 0)` is safe, and a variable without
//!   a value — NaN in the values given — matters only in the branch taken).
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
//! An [`EvalError`] quotes the user's own text ("division by zero: `a - b` is 0"): the spans
//! of the op at fault are found by parsing the source again, so the tape itself is four bytes
//! an op. Lexing streams (no token list) and variables are kept as offsets into the source, so
//! parsing a formula costs at most about ten times its text; a formula over
//! [`MAX_FORMULA_CHARS`] characters is refused before it is read.

mod error;
mod eval;
mod lex;
mod parse;
mod straight;
#[cfg(test)]
mod tests;

pub use error::{EvalError, FormulaError};
pub use eval::Scratch;
pub(crate) use straight::Instr;
pub(crate) use straight::{is_affine, partials as straight_partials, run as run_straight};

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

/// The longest formula [`Tape::parse`] reads, in characters (1 MiB of text). A longer one is
/// refused before it is lexed, with its length: no metric needs more, and memory then stays
/// bounded per formula.
pub const MAX_FORMULA_CHARS: usize = 1 << 20;

/// What one op of the tape does. Value ops pop their operands and push their result.
///
/// Declared in the order of [`Op`]'s tags, so that decoding an op is (nearly) free.
#[derive(Debug, Clone, Copy, PartialEq)]
enum OpKind {
    /// Push literal number `i` of the tape's constants.
    Num(u32),
    /// Push the value of variable `i`.
    Var(u32),
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
    JumpIfZero(u32),
    /// Jump to the target unconditionally (skip the `else` branch).
    Jump(u32),
    /// Push a whole number literal below 10^8, held in the op itself.
    Int(u32),
}

/// One op of the tape in four bytes: the kind in the low [`Op::TAG_BITS`] bits, its index
/// (constant, variable, jump target, a small whole number, or for `^` whether the exponent
/// is constant) above them. Indices are below 2^27: a formula has at most
/// [`MAX_FORMULA_CHARS`] characters, so fewer tokens, ops and constants than that.
///
/// Ops carry no source spans: an error quoting the formula's own text finds them by parsing
/// the source again ([`Tape::spans`]), so the tape costs four bytes an op, not forty-eight.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Op(u32);

impl Op {
    const TAG_BITS: u32 = 5;
    const TAG_MASK: u32 = (1 << Self::TAG_BITS) - 1;

    fn new(kind: OpKind) -> Op {
        let (tag, index) = match kind {
            OpKind::Num(i) => (0, i),
            OpKind::Var(i) => (1, i),
            OpKind::Neg => (2, 0),
            OpKind::Abs => (3, 0),
            OpKind::Sqrt => (4, 0),
            OpKind::Ln => (5, 0),
            OpKind::Exp => (6, 0),
            OpKind::Add => (7, 0),
            OpKind::Sub => (8, 0),
            OpKind::Mul => (9, 0),
            OpKind::Div => (10, 0),
            OpKind::Pow { const_exp } => (11, u32::from(const_exp)),
            OpKind::Min => (12, 0),
            OpKind::Max => (13, 0),
            OpKind::Lt => (14, 0),
            OpKind::Le => (15, 0),
            OpKind::Gt => (16, 0),
            OpKind::Ge => (17, 0),
            OpKind::Eq => (18, 0),
            OpKind::Ne => (19, 0),
            OpKind::JumpIfZero(t) => (20, t),
            OpKind::Jump(t) => (21, t),
            OpKind::Int(v) => (22, v),
        };
        debug_assert!(
            index < 1 << (32 - Self::TAG_BITS),
            "op index {index} too large"
        );
        Op(tag | (index << Self::TAG_BITS))
    }

    #[inline(always)]
    fn kind(self) -> OpKind {
        let i = self.0 >> Self::TAG_BITS;
        match self.0 & Self::TAG_MASK {
            0 => OpKind::Num(i),
            1 => OpKind::Var(i),
            2 => OpKind::Neg,
            3 => OpKind::Abs,
            4 => OpKind::Sqrt,
            5 => OpKind::Ln,
            6 => OpKind::Exp,
            7 => OpKind::Add,
            8 => OpKind::Sub,
            9 => OpKind::Mul,
            10 => OpKind::Div,
            11 => OpKind::Pow { const_exp: i != 0 },
            12 => OpKind::Min,
            13 => OpKind::Max,
            14 => OpKind::Lt,
            15 => OpKind::Le,
            16 => OpKind::Gt,
            17 => OpKind::Ge,
            18 => OpKind::Eq,
            19 => OpKind::Ne,
            20 => OpKind::JumpIfZero(i),
            21 => OpKind::Jump(i),
            _ => OpKind::Int(i),
        }
    }
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.kind().fmt(f)
    }
}

/// A compiled formula: a flat postfix tape; variables are numbered `0..vars().len()` in order
/// of first appearance. About four bytes an op, eight a number literal that is not a small
/// whole number and eight a distinct variable beside its source text: the variables are the
/// source's own text, not copies.
#[derive(Debug, Clone, PartialEq)]
pub struct Tape {
    src: String,
    ops: Vec<Op>,
    /// The number literals other than small whole numbers, in order (`OpKind::Num` indexes
    /// them).
    consts: Vec<f64>,
    /// Byte offset in `src` of each variable's first occurrence.
    var_starts: Vec<u32>,
    /// Char offset in `src` of each variable's first occurrence.
    var_offsets: Vec<u32>,
    /// The deepest the value stack gets (to size scratch space once).
    max_stack: usize,
}

/// The variables of a [`Tape`], in order of first appearance, as text of its source.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    src: &'a str,
    starts: &'a [u32],
}

impl<'a> Vars<'a> {
    /// How many distinct variables the formula has.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the formula uses no variable.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The id of variable `i`.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let start = *self.starts.get(i)? as usize;
        let rest = self.src.get(start..)?;
        let len = rest.bytes().take_while(|&b| lex::is_ident_char(b)).count();
        Some(&rest[..len])
    }

    /// The ids, in order.
    pub fn iter(&self) -> VarsIter<'a> {
        VarsIter {
            vars: *self,
            next: 0,
        }
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Vars<'_> {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

impl PartialEq<[&str]> for Vars<'_> {
    fn eq(&self, other: &[&str]) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

impl<'a> IntoIterator for Vars<'a> {
    type Item = &'a str;
    type IntoIter = VarsIter<'a>;

    fn into_iter(self) -> VarsIter<'a> {
        self.iter()
    }
}

/// The ids of [`Vars`], in order.
#[derive(Debug, Clone)]
pub struct VarsIter<'a> {
    vars: Vars<'a>,
    next: usize,
}

impl<'a> Iterator for VarsIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let var = self.vars.get(self.next)?;
        self.next += 1;
        Some(var)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.vars.len() - self.next.min(self.vars.len());
        (left, Some(left))
    }
}

impl ExactSizeIterator for VarsIter<'_> {}

impl Tape {
    /// Parses and compiles `src`. The error's offset is a char offset into `src`. A formula
    /// over [`MAX_FORMULA_CHARS`] characters is refused before it is read.
    pub fn parse(src: &str) -> Result<Tape, FormulaError> {
        parse::parse(src)
    }

    /// The source text this tape was compiled from.
    pub fn source(&self) -> &str {
        &self.src
    }

    /// The distinct ids referenced, in order of first appearance; `values[i]` in [`Tape::eval`]
    /// is the value of `vars().get(i)`.
    pub fn vars(&self) -> Vars<'_> {
        Vars {
            src: &self.src,
            starts: &self.var_starts,
        }
    }

    /// The char offset of the first occurrence of variable `var` in the source (0 when `var` is
    /// out of range), for pointing "unknown id" errors at it.
    pub fn var_offsets(&self, var: usize) -> usize {
        self.var_offsets.get(var).map_or(0, |&o| o as usize)
    }

    /// The number of ops on the tape.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the tape has no ops (never true for a parsed formula).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The source spans of op `op` (what it computes, and the operand its errors quote), found
    /// by parsing the source again — errors are rare, and spans kept for every op would cost
    /// twelve times the tape.
    fn spans(&self, op: usize) -> (Span, Span) {
        parse::spans(&self.src, op).unwrap_or((Span::new(0, usize::MAX), Span::new(0, usize::MAX)))
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
        for tok in lex::Lexer::new(src) {
            if tok.kind != lex::TokKind::Ident {
                continue;
            }
            if let Some(to) = rename(&src[tok.byte_start..tok.byte_end]) {
                out.push_str(&src[copied..tok.byte_start]);
                out.push_str(to);
                copied = tok.byte_end;
            }
        }
        out.push_str(&src[copied..]);
        out
    }
}
