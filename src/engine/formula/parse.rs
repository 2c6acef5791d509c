//! The parser: operator precedence with an explicit stack of pending frames, emitting postfix
//! ops straight onto the tape. No recursion, so nesting depth is bounded only by memory.

use std::collections::HashMap;

use super::lex::{self, BinOp, TokKind, Token};
use super::{FormulaError, Op, OpKind, Span, Tape, is_reserved};
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

/// A pending construct on the parser's stack.
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// A binary operator waiting for its right operand; `at` is its char offset.
    Bin { op: BinOp, at: usize },
    /// A unary minus waiting for its operand.
    Neg { at: usize },
    /// An open grouping parenthesis.
    Paren { at: usize },
    /// A function call whose arguments are being read: `args` completed so far, `jump` the op
    /// to patch (the `if`'s pending jump).
    Call {
        func: Func,
        name_at: usize,
        paren_at: usize,
        args: usize,
        jump: usize,
    },
}

/// A value on the compile-time stack (mirrors the run-time value stack).
#[derive(Debug, Clone, Copy)]
struct Val {
    span: Span,
    /// Made of literals only.
    constant: bool,
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    /// Source length in chars.
    end: usize,
    ops: Vec<Op>,
    vals: Vec<Val>,
    frames: Vec<Frame>,
    vars: Vec<String>,
    var_offsets: Vec<usize>,
    var_index: HashMap<&'a str, usize>,
    max_stack: usize,
}

/// Parses `src` into a tape (see [`Tape::parse`]).
pub(super) fn parse(src: &str) -> Result<Tape, FormulaError> {
    let mut p = Parser {
        src,
        toks: lex::scan(src),
        end: src.chars().count(),
        ops: Vec::new(),
        vals: Vec::new(),
        frames: Vec::new(),
        vars: Vec::new(),
        var_offsets: Vec::new(),
        var_index: HashMap::new(),
        max_stack: 0,
    };
    p.run()?;
    Ok(Tape {
        src: src.to_string(),
        ops: p.ops,
        vars: p.vars,
        var_offsets: p.var_offsets,
        max_stack: p.max_stack,
    })
}

impl<'a> Parser<'a> {
    fn text(&self, i: usize) -> &'a str {
        let src: &'a str = self.src;
        self.toks
            .get(i)
            .and_then(|t| src.get(t.bytes.clone()))
            .unwrap_or("")
    }

    fn kind(&self, i: usize) -> Option<TokKind> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn at(&self, i: usize) -> usize {
        self.toks.get(i).map_or(self.end, |t| t.start)
    }

    fn err(&self, i: usize, message: impl Into<String>) -> FormulaError {
        FormulaError::new(self.at(i), message)
    }

    fn run(&mut self) -> Result<(), FormulaError> {
        if self.toks.is_empty() {
            return Err(FormulaError::new(0, "the formula is empty"));
        }
        let mut i = 0;
        let mut want_operand = true;
        loop {
            let Some(kind) = self.kind(i) else {
                if want_operand {
                    return Err(self.err(i, "unexpected end of formula"));
                }
                return self.finish();
            };
            match kind {
                TokKind::Other => {
                    let t = self.text(i);
                    return Err(self.err(i, format!("unexpected character `{}`", clip(t))));
                }
                TokKind::Assign => {
                    return Err(self.err(i, "unexpected `=`: write `==` to compare"));
                }
                TokKind::Bang => {
                    return Err(self.err(i, "unexpected `!`: write `!=` for not equal"));
                }
                TokKind::BadNum => {
                    let t = self.text(i);
                    return Err(self.err(i, format!("malformed number `{}`", clip(t))));
                }
                _ => {}
            }
            if want_operand {
                let (next, value) = self.operand(i)?;
                i = next;
                want_operand = !value;
            } else {
                want_operand = self.operator(i)?;
                i += 1;
            }
        }
    }

    /// Reads an operand, or a prefix (`-`, `(`, `f(`), at token `i`; returns the next index and
    /// whether a complete value was read.
    fn operand(&mut self, i: usize) -> Result<(usize, bool), FormulaError> {
        let at = self.at(i);
        let found = |p: &Self| format!("expected a number, id or `(`, found `{}`", clip(p.text(i)));
        match self.kind(i) {
            Some(TokKind::Num) => {
                let text = self.text(i);
                let x: f64 = text
                    .parse()
                    .map_err(|_| self.err(i, format!("malformed number `{}`", clip(text))))?;
                if !x.is_finite() {
                    return Err(self.err(i, format!("number `{}` is too large", clip(text))));
                }
                let span = self.span(i);
                self.push_op(OpKind::Num(x), span, span);
                self.push_val(span, true);
                Ok((i + 1, true))
            }
            Some(TokKind::Ident) => {
                let text = self.text(i);
                let call = self.kind(i + 1) == Some(TokKind::LParen);
                if text.chars().any(|c| c.is_ascii_uppercase()) {
                    let lower = text.to_ascii_lowercase();
                    return Err(if call && is_reserved(&lower) {
                        self.err(i, format!("`{}`: function names are lowercase", clip(text)))
                    } else {
                        self.err(i, format!("`{}`: ids are lowercase", clip(text)))
                    });
                }
                if let Some(func) = Func::from_name(text) {
                    if !call {
                        return Err(self.err(
                            i,
                            format!("`{text}` is a function, not an id: expected `(` after it"),
                        ));
                    }
                    self.frames.push(Frame::Call {
                        func,
                        name_at: at,
                        paren_at: self.at(i + 1),
                        args: 0,
                        jump: 0,
                    });
                    return Ok((i + 2, false));
                }
                if call {
                    return Err(self.err(i, format!("unknown function `{}`", clip(text))));
                }
                let var = match self.var_index.get(text) {
                    Some(&v) => v,
                    None => {
                        let v = self.vars.len();
                        self.var_index.insert(text, v);
                        self.vars.push(text.to_string());
                        self.var_offsets.push(at);
                        v
                    }
                };
                let span = self.span(i);
                self.push_op(OpKind::Var(var), span, span);
                self.push_val(span, false);
                Ok((i + 1, true))
            }
            Some(TokKind::Op(BinOp::Sub)) => {
                self.frames.push(Frame::Neg { at });
                Ok((i + 1, false))
            }
            Some(TokKind::LParen) => {
                self.frames.push(Frame::Paren { at });
                Ok((i + 1, false))
            }
            Some(TokKind::RParen) => {
                if let Some(&Frame::Call { func, args: 0, .. }) = self.frames.last()
                    && self.kind(i.wrapping_sub(1)) == Some(TokKind::LParen)
                {
                    return Err(self.err(i, func.arity_message()));
                }
                Err(self.err(i, found(self)))
            }
            _ => Err(self.err(i, found(self))),
        }
    }

    /// Reads what follows a complete operand at token `i`; returns whether an operand is wanted
    /// next.
    fn operator(&mut self, i: usize) -> Result<bool, FormulaError> {
        let at = self.at(i);
        match self.kind(i) {
            Some(TokKind::Op(op)) => {
                let p = op.prec();
                while let Some(&top) = self.frames.last() {
                    let reduce = match top {
                        Frame::Bin { op: t, .. } if p == 1 && t.prec() == 1 => {
                            return Err(self.err(
                                i,
                                "comparisons cannot be chained: add parentheses, \
                                 e.g. `(a < b) == (b < c)`",
                            ));
                        }
                        // `^` is right-associative; the others left-associative.
                        Frame::Bin { op: t, .. } => t.prec() > p || (t.prec() == p && p != 5),
                        Frame::Neg { .. } => NEG_PREC > p,
                        _ => false,
                    };
                    if !reduce {
                        break;
                    }
                    self.reduce();
                }
                self.frames.push(Frame::Bin { op, at });
                Ok(true)
            }
            Some(TokKind::RParen) => {
                match self.close_group() {
                    Some(Frame::Paren { at: open }) => {
                        let v = self.pop_val();
                        self.push_val(Span::new(open, at + 1), v.constant);
                    }
                    Some(Frame::Call {
                        func,
                        name_at,
                        args,
                        jump,
                        ..
                    }) => {
                        let count = args + 1;
                        let few = match func {
                            Func::Min | Func::Max => count < 2,
                            Func::If => count < 3,
                            _ => false,
                        };
                        if few {
                            return Err(self.err(i, func.arity_message()));
                        }
                        let span = Span::new(name_at, at + 1);
                        self.end_call_arg(func, args, jump, span);
                        let v = self.pop_val();
                        let constant = v.constant && func != Func::If;
                        self.push_val(span, constant);
                    }
                    _ => return Err(self.err(i, "unmatched `)`")),
                }
                Ok(false)
            }
            Some(TokKind::Comma) => {
                let Some(Frame::Call {
                    func,
                    name_at,
                    paren_at,
                    args,
                    jump,
                }) = self.close_group()
                else {
                    return Err(self.err(i, "`,` outside a function's arguments"));
                };
                let fixed = match func {
                    Func::Min | Func::Max => usize::MAX,
                    Func::If => 3,
                    _ => 1,
                };
                if args + 1 >= fixed {
                    return Err(self.err(i, func.arity_message()));
                }
                let span = Span::new(name_at, at);
                let jump = self.end_call_arg(func, args, jump, span);
                self.frames.push(Frame::Call {
                    func,
                    name_at,
                    paren_at,
                    args: args + 1,
                    jump,
                });
                Ok(true)
            }
            _ => {
                let t = self.text(i);
                let message = match self.frames.iter().rev().find_map(|f| match *f {
                    Frame::Paren { at } => Some((at, false)),
                    Frame::Call { paren_at, .. } => Some((paren_at, true)),
                    _ => None,
                }) {
                    Some((open, false)) => {
                        format!(
                            "expected `)` to close the `(` at {open}, found `{}`",
                            clip(t)
                        )
                    }
                    Some((open, true)) => {
                        format!(
                            "expected `,` or `)` to close the `(` at {open}, found `{}`",
                            clip(t)
                        )
                    }
                    None => format!("expected an operator, found `{}`", clip(t)),
                };
                Err(self.err(i, message))
            }
        }
    }

    /// Completes argument number `args` (0-based) of a call, emitting what it needs: the fold
    /// of `min`/`max`, the jumps of `if`, the op of a one-argument function. Returns the `if`'s
    /// pending jump op index (or `jump` unchanged).
    fn end_call_arg(&mut self, func: Func, args: usize, jump: usize, span: Span) -> usize {
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
                jump
            }
            Func::If if args == 0 => {
                let cond = self.pop_val();
                self.push_op(OpKind::JumpIfZero(0), span, cond.span);
                self.ops.len() - 1
            }
            Func::If if args == 1 => {
                self.pop_val();
                self.push_op(OpKind::Jump(0), span, span);
                let here = self.ops.len();
                self.patch(jump, here);
                here - 1
            }
            Func::If => {
                let here = self.ops.len();
                self.patch(jump, here);
                jump
            }
            Func::Abs | Func::Sqrt | Func::Ln | Func::Exp => {
                let kind = match func {
                    Func::Abs => OpKind::Abs,
                    Func::Sqrt => OpKind::Sqrt,
                    Func::Ln => OpKind::Ln,
                    _ => OpKind::Exp,
                };
                let arg = self.vals.last().map_or(span, |v| v.span);
                self.push_op(kind, span, arg);
                jump
            }
            Func::Min | Func::Max => jump,
        }
    }

    /// Points the jump op at `index` to `target`.
    fn patch(&mut self, index: usize, target: usize) {
        if let Some(op) = self.ops.get_mut(index) {
            match &mut op.kind {
                OpKind::JumpIfZero(t) | OpKind::Jump(t) => *t = target,
                _ => {}
            }
        }
    }

    /// Reduces pending operators down to the innermost `(` or call, and pops that frame.
    fn close_group(&mut self) -> Option<Frame> {
        while let Some(&top) = self.frames.last() {
            match top {
                Frame::Bin { .. } | Frame::Neg { .. } => self.reduce(),
                Frame::Paren { .. } | Frame::Call { .. } => return self.frames.pop(),
            }
        }
        None
    }

    /// At the end of the formula: reduces everything; an open `(` is an error.
    fn finish(&mut self) -> Result<(), FormulaError> {
        if let Some(frame) = self.close_group() {
            let open = match frame {
                Frame::Paren { at } => at,
                Frame::Call { paren_at, .. } => paren_at,
                Frame::Bin { at, .. } | Frame::Neg { at } => at,
            };
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
            Some(Frame::Neg { at }) => {
                let v = self.pop_val();
                let span = Span::new(at, v.span.end);
                self.push_op(OpKind::Neg, span, v.span);
                self.push_val(span, v.constant);
            }
            Some(Frame::Bin { op, .. }) => {
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

    fn span(&self, i: usize) -> Span {
        self.toks
            .get(i)
            .map_or(Span::new(self.end, self.end), |t| Span::new(t.start, t.end))
    }

    fn push_op(&mut self, kind: OpKind, span: Span, arg: Span) {
        self.ops.push(Op { kind, span, arg });
    }

    fn push_val(&mut self, span: Span, constant: bool) {
        self.vals.push(Val { span, constant });
        self.max_stack = self.max_stack.max(self.vals.len());
    }

    fn pop_val(&mut self) -> Val {
        self.vals.pop().unwrap_or(Val {
            span: Span::new(self.end, self.end),
            constant: false,
        })
    }
}
