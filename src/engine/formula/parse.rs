//! The parser: operator precedence with an explicit stack of pending frames, emitting postfix
//! ops straight onto the tape. No recursion, so nesting depth is bounded only by memory — two
//! bytes a pending level, plus four for a `(` and sixteen for a call.
//!
//! The same parser, run again on a source that parsed, finds the spans of one op for an error
//! message (`spans`); only then does it track spans.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

use super::lex::{self, BinOp, Lexer, TokKind, Token};
use super::{FormulaError, MAX_FORMULA_CHARS, Op, OpKind, Span, Tape, is_reserved};
use crate::model::clip;

/// Binding power of unary minus: above `* /`, below `^`.
const NEG_PREC: u8 = 4;

/// A function of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Min,
    Max,
    Abs,
    Sqrt,
    Ln,
    Exp,
    If,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "sqrt" => Func::Sqrt,
            "ln" => Func::Ln,
            "exp" => Func::Exp,
            "if" => Func::If,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Sqrt => "sqrt",
            Func::Ln => "ln",
            Func::Exp => "exp",
            Func::If => "if",
        }
    }

    /// How many arguments it takes, said for an error message.
    fn arity_message(self) -> String {
        match self {
            Func::Min | Func::Max => format!("`{}` takes 2 or more arguments", self.name()),
            Func::If => {
                "`if` takes 3 arguments: if(condition, value if true, value if false)".to_string()
            }
            _ => format!("`{}` takes 1 argument", self.name()),
        }
    }
}

/// A pending construct on the parser's stack: two bytes, so a deep formula's stack costs
/// two bytes a level. What a construct needs beyond its kind sits on a side stack
/// (`opens`, `calls`, `jumps`, and when tracking spans `neg_ats` and `name_ats`).
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// A binary operator waiting for its right operand.
    Bin(BinOp),
    /// A unary minus waiting for its operand (its offset in `neg_ats` when tracking).
    Neg,
    /// An open grouping parenthesis (its offset in `opens`).
    Paren,
    /// A function call whose arguments are being read (its data in `calls`, its `(` in
    /// `opens`).
    Call,
}

/// A call being read: `args` completed so far. An `if` also has the op of its pending jump
/// on `jumps`; the offset of its name is on `name_ats` when tracking spans.
#[derive(Debug, Clone, Copy)]
struct Call {
    func: Func,
    args: u32,
}

/// A value on the compile-time stack (mirrors the run-time value stack). Its span is only
/// known when tracking spans; otherwise it is empty.
#[derive(Debug, Clone, Copy)]
struct Val {
    span: Span,
    /// Made of literals only.
    constant: bool,
}

/// What a parse is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Build the tape, with no spans.
    Compile,
    /// Find the spans of op number `target` (for an error message), tracking spans.
    Spans { target: usize },
}

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The current token and the one after it.
    cur: Option<Token>,
    next: Option<Token>,
    /// The kind of the token before the current one.
    prev: Option<TokKind>,
    /// Source length in chars.
    end: usize,
    mode: Mode,
    ops: Vec<Op>,
    consts: Vec<f64>,
    /// Byte and char offsets of each variable's first occurrence, in order.
    var_starts: Vec<u32>,
    var_offsets: Vec<u32>,
    /// The variables by id: each entry is a variable's number (four bytes), its id read from
    /// the source through `var_starts`, so the table holds no copy of any id.
    var_table: HashTable<u32>,
    hasher: RandomState,
    /// Whether each value on the stack is made of literals only.
    constant: Vec<bool>,
    /// The spans of the values on the stack (only when tracking spans).
    spans: Vec<Span>,
    frames: Vec<Frame>,
    /// Char offset of the `(` of each open group or call.
    opens: Vec<u32>,
    calls: Vec<Call>,
    /// The op to patch of each `if` being read (its pending jump).
    jumps: Vec<u32>,
    /// Char offset of each pending unary minus, and of each open call's name (only when
    /// tracking spans).
    neg_ats: Vec<u32>,
    name_ats: Vec<u32>,
    max_stack: usize,
    /// The spans of the target op, once emitted (when tracking spans).
    found: Option<(Span, Span)>,
}

/// Parses `src` into a tape (see [`Tape::parse`]).
pub(super) fn parse(src: &str) -> Result<Tape, FormulaError> {
    if src.len() > MAX_FORMULA_CHARS {
        let chars = src.chars().count();
        if chars > MAX_FORMULA_CHARS {
            return Err(FormulaError::new(
                0,
                format!(
                    "{chars} characters long; formulas are limited to {MAX_FORMULA_CHARS} \
                     characters"
                ),
            ));
        }
    }
    // One pass over the bytes sizes the tape: at most one op per token.
    let counts = lex::estimate(src);
    let mut p = Parser::new(src, Mode::Compile);
    p.ops.reserve_exact(counts.tokens);
    p.consts.reserve_exact(counts.nums);
    p.opens.reserve_exact(counts.parens);
    p.calls.reserve_exact(counts.calls);
    p.run()?;
    let Parser {
        mut ops,
        consts,
        mut var_starts,
        mut var_offsets,
        max_stack,
        ..
    } = p;
    ops.shrink_to_fit();
    var_starts.shrink_to_fit();
    var_offsets.shrink_to_fit();
    Ok(Tape {
        src: src.to_string(),
        ops,
        consts,
        var_starts,
        var_offsets,
        max_stack,
    })
}

/// The spans of op `target` of the tape of `src` (which parses), by parsing it again.
pub(super) fn spans(src: &str, target: usize) -> Option<(Span, Span)> {
    let mut p = Parser::new(src, Mode::Spans { target });
    p.run().ok()?;
    p.found
}

/// The id at byte offset `start` of `src`.
fn ident_at(src: &str, start: u32) -> &str {
    let rest = src.get(start as usize..).unwrap_or("");
    let len = rest.bytes().take_while(|&b| lex::is_ident_char(b)).count();
    &rest[..len]
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, mode: Mode) -> Self {
        let mut lexer = Lexer::new(src);
        let cur = lexer.next();
        let next = lexer.next();
        Parser {
            src,
            lexer,
            cur,
            next,
            prev: None,
            end: src.chars().count(),
            mode,
            ops: Vec::new(),
            consts: Vec::new(),
            var_starts: Vec::new(),
            var_offsets: Vec::new(),
            var_table: HashTable::new(),
            hasher: RandomState::new(),
            constant: Vec::new(),
            spans: Vec::new(),
            frames: Vec::new(),
            opens: Vec::new(),
            calls: Vec::new(),
            jumps: Vec::new(),
            neg_ats: Vec::new(),
            name_ats: Vec::new(),
            max_stack: 0,
            found: None,
        }
    }

    /// The number of the variable `name` (at char offset `at`), numbering it if it is new.
    fn var(&mut self, name: &str, at: usize) -> u32 {
        let (src, hasher) = (self.src, &self.hasher);
        let hash = hasher.hash_one(name);
        let starts = &self.var_starts;
        if let Some(&v) = self
            .var_table
            .find(hash, |&v| ident_at(src, starts[v as usize]) == name)
        {
            return v;
        }
        let v = self.var_starts.len() as u32;
        self.var_starts
            .push(self.cur.map_or(0, |t| t.byte_start) as u32);
        self.var_offsets.push(at as u32);
        let starts = &self.var_starts;
        self.var_table.insert_unique(hash, v, |&w| {
            hasher.hash_one(ident_at(src, starts[w as usize]))
        });
        v
    }

    fn tracking(&self) -> bool {
        matches!(self.mode, Mode::Spans { .. })
    }

    /// Moves to the next token.
    fn advance(&mut self) {
        self.prev = self.cur.map(|t| t.kind);
        self.cur = self.next.take();
        self.next = self.lexer.next();
    }

    /// The text of the current token ("" at the end).
    fn text(&self) -> &'a str {
        let src: &'a str = self.src;
        self.cur
            .and_then(|t| src.get(t.byte_start..t.byte_end))
            .unwrap_or("")
    }

    fn kind(&self) -> Option<TokKind> {
        self.cur.map(|t| t.kind)
    }

    /// The char offset of the current token (the end of the source at the end).
    fn at(&self) -> usize {
        self.cur.map_or(self.end, |t| t.start)
    }

    fn err(&self, message: impl Into<String>) -> FormulaError {
        FormulaError::new(self.at(), message)
    }

    fn run(&mut self) -> Result<(), FormulaError> {
        if self.cur.is_none() {
            return Err(FormulaError::new(0, "the formula is empty"));
        }
        let mut want_operand = true;
        loop {
            let Some(kind) = self.kind() else {
                if want_operand {
                    return Err(self.err("unexpected end of formula"));
                }
                return self.finish();
            };
            match kind {
                TokKind::Other => {
                    return Err(self.err(format!("unexpected character `{}`", clip(self.text()))));
                }
                TokKind::Assign => {
                    return Err(self.err("unexpected `=`: write `==` to compare"));
                }
                TokKind::Bang => {
                    return Err(self.err("unexpected `!`: write `!=` for not equal"));
                }
                TokKind::BadNum => {
                    return Err(self.err(format!("malformed number `{}`", clip(self.text()))));
                }
                _ => {}
            }
            if want_operand {
                want_operand = !self.operand()?;
            } else {
                want_operand = self.operator()?;
                self.advance();
            }
        }
    }

    /// Reads an operand, or a prefix (`-`, `(`, `f(`), at the current token and moves past
    /// it; returns whether a complete value was read.
    fn operand(&mut self) -> Result<bool, FormulaError> {
        let at = self.at();
        let found = |p: &Self| format!("expected a number, id or `(`, found `{}`", clip(p.text()));
        match self.kind() {
            Some(TokKind::Num) => {
                let text = self.text();
                let span = self.span();
                let kind = match lex::small_int(text) {
                    Some(v) => OpKind::Int(v),
                    None => {
                        let x: f64 = text
                            .parse()
                            .map_err(|_| self.err(format!("malformed number `{}`", clip(text))))?;
                        if !x.is_finite() {
                            return Err(self.err(format!("number `{}` is too large", clip(text))));
                        }
                        self.consts.push(x);
                        OpKind::Num(self.consts.len() as u32 - 1)
                    }
                };
                self.push_op(kind, span, span);
                self.push_val(span, true);
                self.advance();
                Ok(true)
            }
            Some(TokKind::Ident) => {
                let text = self.text();
                let call = self.next.map(|t| t.kind) == Some(TokKind::LParen);
                if text.chars().any(|c| c.is_ascii_uppercase()) {
                    let lower = text.to_ascii_lowercase();
                    return Err(if call && is_reserved(&lower) {
                        self.err(format!("`{}`: function names are lowercase", clip(text)))
                    } else {
                        self.err(format!("`{}`: ids are lowercase", clip(text)))
                    });
                }
                if let Some(func) = Func::from_name(text) {
                    if !call {
                        return Err(self.err(format!(
                            "`{text}` is a function, not an id: expected `(` after it"
                        )));
                    }
                    self.advance();
                    self.opens.push(self.at() as u32);
                    self.calls.push(Call { func, args: 0 });
                    if func == Func::If {
                        self.jumps.push(0);
                    }
                    if self.tracking() {
                        self.name_ats.push(at as u32);
                    }
                    self.frames.push(Frame::Call);
                    self.advance();
                    return Ok(false);
                }
                if call {
                    return Err(self.err(format!("unknown function `{}`", clip(text))));
                }
                let span = self.span();
                let var = self.var(text, at);
                self.push_op(OpKind::Var(var), span, span);
                self.push_val(span, false);
                self.advance();
                Ok(true)
            }
            // A unary plus changes nothing: `+a` is `a`, `2 * +a` is `2 * a`.
            Some(TokKind::Op(BinOp::Add)) => {
                self.advance();
                Ok(false)
            }
            Some(TokKind::Op(BinOp::Sub)) => {
                if self.tracking() {
                    self.neg_ats.push(at as u32);
                }
                self.frames.push(Frame::Neg);
                self.advance();
                Ok(false)
            }
            Some(TokKind::LParen) => {
                self.opens.push(at as u32);
                self.frames.push(Frame::Paren);
                self.advance();
                Ok(false)
            }
            Some(TokKind::RParen) => {
                if let (Some(Frame::Call), Some(call)) = (self.frames.last(), self.calls.last())
                    && call.args == 0
                    && self.prev == Some(TokKind::LParen)
                {
                    return Err(self.err(call.func.arity_message()));
                }
                Err(self.err(found(self)))
            }
            _ => Err(self.err(found(self))),
        }
    }

    /// Reads what follows a complete operand at the current token; returns whether an
    /// operand is wanted next. The caller moves past the token.
    fn operator(&mut self) -> Result<bool, FormulaError> {
        let at = self.at();
        match self.kind() {
            Some(TokKind::Op(op)) => {
                let p = op.prec();
                while let Some(&top) = self.frames.last() {
                    let reduce = match top {
                        Frame::Bin(t) if p == 1 && t.prec() == 1 => {
                            return Err(self.err(
                                "comparisons cannot be chained: add parentheses, \
                                 e.g. `(a < b) == (b < c)`",
                            ));
                        }
                        // `^` is right-associative; the others left-associative.
                        Frame::Bin(t) => t.prec() > p || (t.prec() == p && p != 5),
                        Frame::Neg => NEG_PREC > p,
                        _ => false,
                    };
                    if !reduce {
                        break;
                    }
                    self.reduce();
                }
                self.frames.push(Frame::Bin(op));
                Ok(true)
            }
            Some(TokKind::RParen) => {
                match self.close_group() {
                    Some((Frame::Paren, open)) => {
                        let v = self.pop_val();
                        self.push_val(Span::new(open, at + 1), v.constant);
                    }
                    Some((Frame::Call, _)) => {
                        let Some(Call { func, args }) = self.calls.pop() else {
                            return Err(self.err("unmatched `)`"));
                        };
                        let count = args + 1;
                        let few = match func {
                            Func::Min | Func::Max => count < 2,
                            Func::If => count < 3,
                            _ => false,
                        };
                        if few {
                            return Err(self.err(func.arity_message()));
                        }
                        let name_at = self.name_ats.pop().unwrap_or(0) as usize;
                        let span = Span::new(name_at, at + 1);
                        self.end_call_arg(func, args, span);
                        if func == Func::If {
                            self.jumps.pop();
                        }
                        let v = self.pop_val();
                        let constant = v.constant && func != Func::If;
                        self.push_val(span, constant);
                    }
                    _ => return Err(self.err("unmatched `)`")),
                }
                Ok(false)
            }
            Some(TokKind::Comma) => {
                let Some((Frame::Call, paren_at)) = self.close_group() else {
                    return Err(self.err("`,` outside a function's arguments"));
                };
                let Some(call) = self.calls.pop() else {
                    return Err(self.err("`,` outside a function's arguments"));
                };
                let fixed = match call.func {
                    Func::Min | Func::Max => u32::MAX,
                    Func::If => 3,
                    _ => 1,
                };
                if call.args + 1 >= fixed {
                    return Err(self.err(call.func.arity_message()));
                }
                let name_at = self.name_ats.last().copied().unwrap_or(0) as usize;
                let span = Span::new(name_at, at);
                self.end_call_arg(call.func, call.args, span);
                self.opens.push(paren_at as u32);
                self.calls.push(Call {
                    args: call.args + 1,
                    ..call
                });
                self.frames.push(Frame::Call);
                Ok(true)
            }
            _ => {
                let t = clip(self.text());
                // The innermost open group or call, if any.
                let open = self
                    .frames
                    .iter()
                    .rev()
                    .find(|f| matches!(f, Frame::Paren | Frame::Call))
                    .zip(self.opens.last());
                let message = match open {
                    Some((Frame::Call, &open)) => {
                        format!("expected `,` or `)` to close the `(` at {open}, found `{t}`")
                    }
                    Some((_, &open)) => {
                        format!("expected `)` to close the `(` at {open}, found `{t}`")
                    }
                    None => format!("expected an operator, found `{t}`"),
                };
                Err(self.err(message))
            }
        }
    }

    /// Completes argument number `args` (0-based) of a call, emitting what it needs: the fold
    /// of `min`/`max`, the jumps of `if` (its pending jump is the top of `jumps`), the op of a
    /// one-argument function.
    fn end_call_arg(&mut self, func: Func, args: u32, span: Span) {
        match func {
            Func::Min | Func::Max if args >= 1 => {
                let kind = if func == Func::Min {
                    OpKind::Min
                } else {
                    OpKind::Max
                };
                let rhs = self.pop_val();
                let lhs = self.pop_val();
                let s = Span::new(lhs.span.start, rhs.span.end);
                self.push_op(kind, s, s);
                self.push_val(s, lhs.constant && rhs.constant);
            }
            Func::If if args == 0 => {
                let cond = self.pop_val();
                self.push_op(OpKind::JumpIfZero(0), span, cond.span);
                self.set_jump(self.ops.len() as u32 - 1);
            }
            Func::If if args == 1 => {
                self.pop_val();
                self.push_op(OpKind::Jump(0), span, span);
                let here = self.ops.len() as u32;
                self.patch(self.jumps.last().copied().unwrap_or(u32::MAX), here);
                self.set_jump(here - 1);
            }
            Func::If => {
                let here = self.ops.len() as u32;
                self.patch(self.jumps.last().copied().unwrap_or(u32::MAX), here);
            }
            Func::Abs | Func::Sqrt | Func::Ln | Func::Exp => {
                let kind = match func {
                    Func::Abs => OpKind::Abs,
                    Func::Sqrt => OpKind::Sqrt,
                    Func::Ln => OpKind::Ln,
                    _ => OpKind::Exp,
                };
                let arg = self.spans.last().copied().unwrap_or(span);
                self.push_op(kind, span, arg);
            }
            Func::Min | Func::Max => {}
        }
    }

    /// Makes `op` the pending jump of the innermost `if`.
    fn set_jump(&mut self, op: u32) {
        if let Some(jump) = self.jumps.last_mut() {
            *jump = op;
        }
    }

    /// Points the jump op at `index` to `target`.
    fn patch(&mut self, index: u32, target: u32) {
        if let Some(op) = self.ops.get_mut(index as usize) {
            match op.kind() {
                OpKind::JumpIfZero(_) => *op = Op::new(OpKind::JumpIfZero(target)),
                OpKind::Jump(_) => *op = Op::new(OpKind::Jump(target)),
                _ => {}
            }
        }
    }

    /// Reduces pending operators down to the innermost `(` or call, and pops that frame with
    /// the char offset of its `(` (the call's data stays on `calls` for the caller).
    fn close_group(&mut self) -> Option<(Frame, usize)> {
        while let Some(&top) = self.frames.last() {
            match top {
                Frame::Bin(_) | Frame::Neg => self.reduce(),
                Frame::Paren | Frame::Call => {
                    self.frames.pop();
                    let open = self.opens.pop().unwrap_or(0) as usize;
                    return Some((top, open));
                }
            }
        }
        None
    }

    /// At the end of the formula: reduces everything; an open `(` is an error.
    fn finish(&mut self) -> Result<(), FormulaError> {
        if let Some((_, open)) = self.close_group() {
            return Err(FormulaError::new(
                self.end,
                format!("expected `)` to close the `(` at {open}"),
            ));
        }
        Ok(())
    }

    /// Pops the top operator frame and emits its op.
    fn reduce(&mut self) {
        match self.frames.pop() {
            Some(Frame::Neg) => {
                let at = self.neg_ats.pop().unwrap_or(0) as usize;
                let v = self.pop_val();
                let span = Span::new(at, v.span.end);
                self.push_op(OpKind::Neg, span, v.span);
                self.push_val(span, v.constant);
            }
            Some(Frame::Bin(op)) => {
                let rhs = self.pop_val();
                let lhs = self.pop_val();
                let span = Span::new(lhs.span.start, rhs.span.end);
                let (kind, arg) = match op {
                    BinOp::Add => (OpKind::Add, span),
                    BinOp::Sub => (OpKind::Sub, span),
                    BinOp::Mul => (OpKind::Mul, span),
                    BinOp::Div => (OpKind::Div, rhs.span),
                    BinOp::Pow => (
                        OpKind::Pow {
                            const_exp: rhs.constant,
                        },
                        lhs.span,
                    ),
                    BinOp::Lt => (OpKind::Lt, span),
                    BinOp::Le => (OpKind::Le, span),
                    BinOp::Gt => (OpKind::Gt, span),
                    BinOp::Ge => (OpKind::Ge, span),
                    BinOp::Eq => (OpKind::Eq, span),
                    BinOp::Ne => (OpKind::Ne, span),
                };
                self.push_op(kind, span, arg);
                self.push_val(span, lhs.constant && rhs.constant);
            }
            Some(other) => self.frames.push(other),
            None => {}
        }
    }

    /// The span of the current token.
    fn span(&self) -> Span {
        self.cur
            .map_or(Span::new(self.end, self.end), |t| Span::new(t.start, t.end))
    }

    fn push_op(&mut self, kind: OpKind, span: Span, arg: Span) {
        if let Mode::Spans { target } = self.mode
            && self.ops.len() == target
        {
            self.found = Some((span, arg));
        }
        self.ops.push(Op::new(kind));
    }

    fn push_val(&mut self, span: Span, constant: bool) {
        self.constant.push(constant);
        if self.tracking() {
            self.spans.push(span);
        }
        self.max_stack = self.max_stack.max(self.constant.len());
    }

    fn pop_val(&mut self) -> Val {
        let end = Span::new(self.end, self.end);
        Val {
            constant: self.constant.pop().unwrap_or(false),
            span: if self.tracking() {
                self.spans.pop().unwrap_or(end)
            } else {
                end
            },
        }
    }
}
