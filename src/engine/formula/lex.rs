//! The tokenizer: a lenient scan that never fails; the parser judges the tokens.

use std::ops::Range;

/// A binary operator token (`-` doubles as unary minus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl BinOp {
    /// Binding power: comparisons 1, `+ -` 2, `* /` 3, `^` 5 (unary minus is 4).
    pub(super) fn prec(self) -> u8 {
        match self {
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => 1,
            BinOp::Add | BinOp::Sub => 2,
            BinOp::Mul | BinOp::Div => 3,
            BinOp::Pow => 5,
        }
    }
}

/// What kind of token a stretch of source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TokKind {
    /// A well-formed number lexeme: digits with an optional fraction and exponent.
    Num,
    /// A number-like lexeme that is not a number (`1e`, `2x`, `1.2.3`, `.`).
    BadNum,
    /// `[A-Za-z_][A-Za-z0-9_]*` (case is judged by the parser).
    Ident,
    LParen,
    RParen,
    Comma,
    Op(BinOp),
    /// A lone `=`.
    Assign,
    /// A lone `!`.
    Bang,
    /// Any other character.
    Other,
}

/// One token: its kind, char offsets and byte range in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) kind: TokKind,
    /// Char offset of the first char.
    pub(super) start: usize,
    /// Char offset just past the last char.
    pub(super) end: usize,
    /// Byte range in the source.
    pub(super) bytes: Range<usize>,
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `src` into tokens, skipping whitespace. Never fails.
pub(super) fn scan(src: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(src.len(), |&(b, _)| b);
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(c) = at(i) {
        let start = i;
        let kind = if c.is_whitespace() {
            i += 1;
            continue;
        } else if c.is_ascii_digit() || c == '.' {
            let mut digits = 0;
            while at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
                digits += 1;
            }
            if at(i) == Some('.') {
                i += 1;
                while at(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                    digits += 1;
                }
            }
            if digits > 0 && matches!(at(i), Some('e' | 'E')) {
                let sign = usize::from(matches!(at(i + 1), Some('+' | '-')));
                if at(i + 1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1 + sign;
                    while at(i).is_some_and(|c| c.is_ascii_digit()) {
                        i += 1;
                    }
                }
            }
            let mut kind = if digits > 0 {
                TokKind::Num
            } else {
                TokKind::BadNum
            };
            while at(i).is_some_and(|c| is_ident_char(c) || c == '.') {
                i += 1;
                kind = TokKind::BadNum;
            }
            kind
        } else if c.is_ascii_alphabetic() || c == '_' {
            while at(i).is_some_and(is_ident_char) {
                i += 1;
            }
            TokKind::Ident
        } else {
            let next = at(i + 1);
            let (kind, len) = match (c, next) {
                ('<', Some('=')) => (TokKind::Op(BinOp::Le), 2),
                ('>', Some('=')) => (TokKind::Op(BinOp::Ge), 2),
                ('=', Some('=')) => (TokKind::Op(BinOp::Eq), 2),
                ('!', Some('=')) => (TokKind::Op(BinOp::Ne), 2),
                ('<', _) => (TokKind::Op(BinOp::Lt), 1),
                ('>', _) => (TokKind::Op(BinOp::Gt), 1),
                ('+', _) => (TokKind::Op(BinOp::Add), 1),
                ('-', _) => (TokKind::Op(BinOp::Sub), 1),
                ('*', _) => (TokKind::Op(BinOp::Mul), 1),
                ('/', _) => (TokKind::Op(BinOp::Div), 1),
                ('^', _) => (TokKind::Op(BinOp::Pow), 1),
                ('(', _) => (TokKind::LParen, 1),
                (')', _) => (TokKind::RParen, 1),
                (',', _) => (TokKind::Comma, 1),
                ('=', _) => (TokKind::Assign, 1),
                ('!', _) => (TokKind::Bang, 1),
                _ => (TokKind::Other, 1),
            };
            i += len;
            kind
        };
        toks.push(Token {
            kind,
            start,
            end: i,
            bytes: byte(start)..byte(i),
        });
    }
    toks
}
