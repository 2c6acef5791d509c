//! The parse and evaluation errors, worded for the user.

use std::fmt;

use super::{Span, is_valid_id};
use crate::model::clip;

/// A parse error: `offset` is the char offset (0-based) into the formula text where the problem
/// is; `message` a sentence ("expected `)` to close the `(` at 4", "unknown function `lg`",
/// "unexpected end of formula", "`Trials`: ids are lowercase").
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (at {offset})")]
pub struct FormulaError {
    /// Char offset (0-based) of the problem in the formula text.
    pub offset: usize,
    /// What is wrong, as a sentence without a final period.
    pub message: String,
}

impl FormulaError {
    pub(super) fn new(offset: usize, message: impl Into<String>) -> Self {
        FormulaError {
            offset,
            message: message.into(),
        }
    }
}

/// Why evaluation gave no value, worded for a user. The `String` fields quote the formula's own
/// source text of the operand at fault (outer parentheses and extra whitespace removed).
///
/// `Display` gives e.g. "trials is 0" (division by a bare id that is zero), "division by zero:
/// `a - b` is 0", "ln of a non-positive number: `x` is -2", "the result overflows".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// A divisor is zero; `divisor` is its source text.
    DivisionByZero {
        /// The divisor's source text.
        divisor: String,
    },
    /// `ln` of a number ≤ 0.
    LnOfNonPositive {
        /// The argument's source text.
        arg: String,
        /// The argument's value.
        value: f64,
    },
    /// `sqrt` of a number < 0.
    SqrtOfNegative {
        /// The argument's source text.
        arg: String,
        /// The argument's value.
        value: f64,
    },
    /// `0 ^ b` with `b < 0`.
    ZeroToNegativePower {
        /// The base's source text.
        base: String,
        /// The exponent's value.
        exponent: f64,
    },
    /// `a ^ b` with `a < 0` and `b` not a whole number.
    NegativeToFractionalPower {
        /// The base's source text.
        base: String,
        /// The base's value.
        value: f64,
        /// The exponent's value.
        exponent: f64,
    },
    /// Some intermediate result, or the result, is too large for a 64-bit float.
    Overflow {
        /// The source text of the expression that overflowed.
        expr: String,
    },
    /// The derivative is infinite (e.g. of `sqrt(x)` at `x = 0`), does not exist (`x ^ y`
    /// along `y` at a negative `x`) or is too large.
    InfiniteDerivative {
        /// The source text of the expression whose derivative is infinite.
        expr: String,
    },
    /// A variable the evaluation reads has no value (NaN).
    NoValue {
        /// The variable's id.
        id: String,
    },
    /// An input value is infinite.
    NonFiniteInput {
        /// The id whose value is not finite.
        id: String,
        /// Its value.
        value: f64,
    },
    /// Fewer values (or gradient slots) were given than the formula has variables.
    WrongValueCount {
        /// The number of variables of the formula.
        expected: usize,
        /// The number given.
        got: usize,
    },
}

/// Formats a number for a message: plain for everyday magnitudes, scientific otherwise.
fn num(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 || (1e-4..1e15).contains(&a) || !x.is_finite() {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Whether a quoted operand is a plain number literal (possibly negated).
fn is_literal(text: &str) -> bool {
    text.parse::<f64>().is_ok()
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::DivisionByZero { divisor } if is_valid_id(divisor) => {
                write!(f, "{divisor} is 0")
            }
            EvalError::DivisionByZero { divisor } if is_literal(divisor) => {
                write!(f, "division by zero")
            }
            EvalError::DivisionByZero { divisor } => {
                write!(f, "division by zero: `{divisor}` is 0")
            }
            EvalError::LnOfNonPositive { arg, value } if is_literal(arg) => {
                write!(f, "ln of a non-positive number: {}", num(*value))
            }
            EvalError::LnOfNonPositive { arg, value } => {
                write!(f, "ln of a non-positive number: `{arg}` is {}", num(*value))
            }
            EvalError::SqrtOfNegative { arg, value } if is_literal(arg) => {
                write!(f, "sqrt of a negative number: {}", num(*value))
            }
            EvalError::SqrtOfNegative { arg, value } => {
                write!(f, "sqrt of a negative number: `{arg}` is {}", num(*value))
            }
            EvalError::ZeroToNegativePower { base, exponent } if is_literal(base) => {
                write!(f, "0 raised to a negative power ({})", num(*exponent))
            }
            EvalError::ZeroToNegativePower { base, exponent } => write!(
                f,
                "0 raised to a negative power ({}): `{base}` is 0",
                num(*exponent)
            ),
            EvalError::NegativeToFractionalPower {
                base,
                value,
                exponent,
            } => write!(
                f,
                "a negative number raised to a fractional power ({}): `{base}` is {}",
                num(*exponent),
                num(*value)
            ),
            EvalError::Overflow { .. } => write!(f, "the result overflows"),
            EvalError::InfiniteDerivative { expr } => {
                write!(f, "the derivative of `{expr}` is infinite here")
            }
            EvalError::NoValue { id } => write!(f, "{id} has no value"),
            EvalError::NonFiniteInput { id, value } => {
                write!(f, "{id} is not a finite number ({value})")
            }
            EvalError::WrongValueCount { expected, got } => {
                write!(f, "the formula needs {expected} values, {got} given")
            }
        }
    }
}

/// The source text of `span`, with whitespace runs collapsed and enclosing parentheses removed,
/// clipped for a message ([`clip`]).
pub(super) fn quote(src: &str, span: Span) -> String {
    let raw: String = src
        .chars()
        .skip(span.start)
        .take(span.end.saturating_sub(span.start))
        .collect();
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    clip(strip_outer_parens(&text)).into_owned()
}

/// `text` without the parentheses around all of it, as many layers as there are (`((a))`
/// → `a`, but `(a) + (b)` stays), with the spaces inside them. Linear: every `(` is matched
/// to its `)` in one pass, then the layers are peeled from both ends.
fn strip_outer_parens(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut close_of = vec![usize::MAX; bytes.len()];
    let mut open = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => open.push(i),
            b')' => {
                if let Some(o) = open.pop() {
                    close_of[o] = i;
                }
            }
            _ => {}
        }
    }
    let (mut lo, mut hi) = (0, bytes.len());
    loop {
        while lo < hi && bytes[lo] == b' ' {
            lo += 1;
        }
        while hi > lo && bytes[hi - 1] == b' ' {
            hi -= 1;
        }
        if hi - lo >= 2 && bytes[lo] == b'(' && close_of[lo] == hi - 1 {
            lo += 1;
            hi -= 1;
        } else {
            break;
        }
    }
    &text[lo..hi]
}
