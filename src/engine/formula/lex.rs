//! The tokenizer: a lenient scan that never fails; the parser judges the tokens.
//!
//! It streams: [`Lexer`] yields one token at a time from the source, holding nothing but its
//! position, so lexing a formula costs no memory that grows with it.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) kind: TokKind,
    /// Char offset of the first char.
    pub(super) start: usize,
    /// Char offset just past the last char.
    pub(super) end: usize,
    /// Byte offset of the first char.
    pub(super) byte_start: usize,
    /// Byte offset just past the last char.
    pub(super) byte_end: usize,
}

pub(super) fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The tokens of a source, one at a time, skipping whitespace. Never fails.
pub(super) struct Lexer<'a> {
    src: &'a str,
    /// Byte position.
    pos: usize,
    /// Char position.
    chars: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            chars: 0,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + ahead).copied()
    }

    /// Moves over `n` ASCII bytes.
    fn bump(&mut self, n: usize) {
        self.pos += n;
        self.chars += n;
    }

    fn bump_while(&mut self, keep: impl Fn(u8) -> bool) -> usize {
        let n = self.src.as_bytes()[self.pos..]
            .iter()
            .take_while(|&&b| keep(b))
            .count();
        self.bump(n);
        n
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let c = loop {
            let c = self.src[self.pos..].chars().next()?;
            if !c.is_whitespace() {
                break c;
            }
            self.pos += c.len_utf8();
            self.chars += 1;
        };
        let (start, byte_start) = (self.chars, self.pos);
        let kind = if c.is_ascii_digit() || c == '.' {
            let mut digits = self.bump_while(|b| b.is_ascii_digit());
            if self.peek(0) == Some(b'.') {
                self.bump(1);
                digits += self.bump_while(|b| b.is_ascii_digit());
            }
            if digits > 0 && matches!(self.peek(0), Some(b'e' | b'E')) {
                let sign = usize::from(matches!(self.peek(1), Some(b'+' | b'-')));
                if self.peek(1 + sign).is_some_and(|b| b.is_ascii_digit()) {
                    self.bump(1 + sign);
                    self.bump_while(|b| b.is_ascii_digit());
                }
            }
            let trailing = self.bump_while(|b| is_ident_char(b) || b == b'.');
            if digits > 0 && trailing == 0 {
                TokKind::Num
            } else {
                TokKind::BadNum
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            self.bump_while(is_ident_char);
            TokKind::Ident
        } else {
            let (kind, len) = match (c, self.peek(1)) {
                ('<', Some(b'=')) => (TokKind::Op(BinOp::Le), 2),
                ('>', Some(b'=')) => (TokKind::Op(BinOp::Ge), 2),
                ('=', Some(b'=')) => (TokKind::Op(BinOp::Eq), 2),
                ('!', Some(b'=')) => (TokKind::Op(BinOp::Ne), 2),
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
                _ => (TokKind::Other, 0),
            };
            if len == 0 {
                // One character of anything else, perhaps several bytes.
                self.pos += c.len_utf8();
                self.chars += 1;
            } else {
                self.bump(len);
            }
            kind
        };
        Some(Token {
            kind,
            start,
            end: self.chars,
            byte_start,
            byte_end: self.pos,
        })
    }
}

/// Upper bounds on how many tokens of some kinds a source has, to size the parser's output
/// once instead of growing it (growth would cost up to three times the output).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    pub(super) tokens: usize,
    /// Number literals that are not small whole numbers ([`small_int`]).
    pub(super) nums: usize,
    /// `(` tokens, and those that open a function's arguments (after an id).
    pub(super) parens: usize,
    pub(super) calls: usize,
}

/// Upper bounds on the tokens of `src`, from one pass over its bytes (much cheaper than
/// lexing): a token starts at every byte that is not whitespace and does not continue an id
/// or a number.
pub(super) fn estimate(src: &str) -> Counts {
    let bytes = src.as_bytes();
    let mut counts = Counts::default();
    // The byte before, and the last byte that was not whitespace.
    let (mut prev, mut last) = (b' ', b' ');
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Numbers are read whole below, so only an id continues here.
        if b.is_ascii_whitespace() || (is_ident_char(b) && is_ident_char(prev)) {
            prev = b;
            i += 1;
            continue;
        }
        counts.tokens += 1;
        if b.is_ascii_digit() || b == b'.' {
            let len = bytes[i..]
                .iter()
                .take_while(|&&c| is_ident_char(c) || c == b'.')
                .count();
            if small_int(&src[i..i + len]).is_none() {
                counts.nums += 1;
            }
            i += len;
            prev = bytes[i - 1];
            last = prev;
            continue;
        }
        if b == b'(' {
            counts.parens += 1;
            counts.calls += usize::from(is_ident_char(last));
        }
        prev = b;
        last = b;
        i += 1;
    }
    counts
}

/// The value of a number literal made of at most eight digits and nothing else (`0`, `12`,
/// `100000`), which the tape holds in the op itself; exactly the number `str::parse` reads.
pub(super) fn small_int(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimate is never below what the lexer finds.
    #[test]
    fn estimates_bound_the_tokens() {
        for src in [
            "a + b",
            "a.5 + 1e-3 * min(x, 2) / (y)",
            "1.2.3 + 2x + .5 + 123456789 + 12",
            "if (a > 0, sqrt(b), -c) ^ 2",
            "é · a # b)",
            "",
        ] {
            let toks: Vec<Token> = Lexer::new(src).collect();
            let e = estimate(src);
            let nums = toks
                .iter()
                .filter(|t| {
                    t.kind == TokKind::Num && small_int(&src[t.byte_start..t.byte_end]).is_none()
                })
                .count();
            let parens = toks.iter().filter(|t| t.kind == TokKind::LParen).count();
            let calls = toks
                .windows(2)
                .filter(|w| w[0].kind == TokKind::Ident && w[1].kind == TokKind::LParen)
                .count();
            assert!(e.tokens >= toks.len(), "{src}: {e:?}");
            assert!(
                e.nums >= nums && e.parens >= parens && e.calls >= calls,
                "{src}: {e:?}"
            );
        }
    }
}
