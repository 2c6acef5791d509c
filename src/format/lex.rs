//! A tokenizer for RON text, for finding structure without parsing: skips whitespace and
//! comments (nested block comments too) and reads strings, raw strings, byte strings and chars
//! as single tokens, so brackets inside them are never counted.
//!
//! Works on bytes, one pass, no recursion; never panics or loops on any text, and reports an
//! unclosed string, char or comment as a `Broken` token. It does not check that the text is
//! valid RON.

/// A string literal's content, as a byte range of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StrLit {
    /// First byte after the opening quote.
    pub start: usize,
    /// The byte of the closing quote.
    pub end: usize,
    /// A raw string (`r"…"`, `r#"…"#`): no escapes inside.
    pub raw: bool,
}

/// A token's kind. Whitespace and comments are skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    Ident,
    Str(StrLit),
    /// Numbers, chars, `#`, `!` and anything else.
    Other,
    /// An unterminated string, char or comment (named): nothing after it can be trusted.
    Broken(&'static str),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// A tokenizer over RON text, close enough to RON's own to find structure in valid files and
/// never to loop, panic or recurse on invalid ones.
pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Comments skipped so far, and where the first one starts.
    comments: usize,
    first_comment: Option<usize>,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Self {
            src: src.as_bytes(),
            pos: 0,
            comments: 0,
            first_comment: None,
        }
    }

    /// Notes a comment starting at `start`.
    fn comment_at(&mut self, start: usize) {
        self.comments += 1;
        self.first_comment.get_or_insert(start);
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    /// Skips whitespace and comments; `Err(start)` when a block comment is never closed.
    fn skip_trivia(&mut self) -> Result<(), usize> {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) => self.pos += 1,
                Some(b'/') if self.peek(1) == Some(b'/') => {
                    self.comment_at(self.pos);
                    match self.src[self.pos..].iter().position(|&b| b == b'\n') {
                        Some(n) => self.pos += n + 1,
                        None => self.pos = self.src.len(),
                    }
                }
                Some(b'/') if self.peek(1) == Some(b'*') => {
                    let start = self.pos;
                    self.comment_at(start);
                    self.pos += 2;
                    let mut level = 1usize;
                    while level > 0 {
                        match (self.peek(0), self.peek(1)) {
                            (None, _) => return Err(start),
                            (Some(b'/'), Some(b'*')) => {
                                level += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                level -= 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// An escaped string starting at the opening quote at `self.pos`.
    fn escaped_string(&mut self) -> Tok {
        self.pos += 1;
        let start = self.pos;
        while let Some(b) = self.peek(0) {
            match b {
                b'\\' => self.pos += 2,
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    return Tok::Str(StrLit {
                        start,
                        end,
                        raw: false,
                    });
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.src.len();
        Tok::Broken("string")
    }

    /// A raw string starting at the first `#` or `"` after the `r`.
    fn raw_string(&mut self) -> Tok {
        let hashes = self.src[self.pos..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        self.pos += hashes;
        if self.peek(0) != Some(b'"') {
            return Tok::Other;
        }
        self.pos += 1;
        let start = self.pos;
        while self.pos < self.src.len() {
            if self.src[self.pos] == b'"'
                && self.src[self.pos + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&b| b == b'#')
                    .count()
                    == hashes
            {
                let end = self.pos;
                self.pos += 1 + hashes;
                return Tok::Str(StrLit {
                    start,
                    end,
                    raw: true,
                });
            }
            self.pos += 1;
        }
        Tok::Broken("string")
    }

    /// A char literal starting at the opening `'`.
    fn char_literal(&mut self) -> Tok {
        self.pos += 1;
        if self.peek(0) == Some(b'\\') {
            self.pos += 2;
        } else {
            self.pos += 1;
        }
        match self.src[self.pos.min(self.src.len())..]
            .iter()
            .position(|&b| b == b'\'')
        {
            Some(n) => {
                self.pos += n + 1;
                Tok::Other
            }
            None => {
                self.pos = self.src.len();
                Tok::Broken("char literal")
            }
        }
    }

    /// The next token, `None` at the end of the text.
    pub fn next(&mut self) -> Option<Token> {
        if let Err(start) = self.skip_trivia() {
            return Some(Token {
                tok: Tok::Broken("comment"),
                start,
                end: self.src.len(),
            });
        }
        let start = self.pos;
        let b = self.peek(0)?;
        let tok = match b {
            b'(' | b'[' | b'{' => {
                self.pos += 1;
                Tok::Open(b)
            }
            b')' | b']' | b'}' => {
                self.pos += 1;
                Tok::Close(b)
            }
            b',' => {
                self.pos += 1;
                Tok::Comma
            }
            b':' => {
                self.pos += 1;
                Tok::Colon
            }
            b'"' => self.escaped_string(),
            b'\'' => self.char_literal(),
            b'r' if matches!(self.peek(1), Some(b'"')) => {
                self.pos += 1;
                self.raw_string()
            }
            b'r' if self.peek(1) == Some(b'#') && matches!(self.peek(2), Some(b'"' | b'#')) => {
                self.pos += 1;
                self.raw_string()
            }
            b'b' if self.peek(1) == Some(b'"') => {
                self.pos += 1;
                self.escaped_string()
            }
            b'b' if self.peek(1) == Some(b'\'') => {
                self.pos += 1;
                self.char_literal()
            }
            b'b' if self.peek(1) == Some(b'r') && matches!(self.peek(2), Some(b'"' | b'#')) => {
                self.pos += 2;
                self.raw_string()
            }
            b'r' if self.peek(1) == Some(b'#') => {
                // A raw identifier, `r#name`.
                self.pos += 2;
                self.pos += self.src[self.pos..]
                    .iter()
                    .take_while(|&&c| is_ident_char(c))
                    .count();
                Tok::Ident
            }
            b if is_ident_start(b) => {
                self.pos += self.src[self.pos..]
                    .iter()
                    .take_while(|&&c| is_ident_char(c))
                    .count();
                Tok::Ident
            }
            b if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => {
                self.pos += 1;
                self.pos += self.src[self.pos..]
                    .iter()
                    .take_while(|&&c| is_ident_char(c) || matches!(c, b'.' | b'+' | b'-'))
                    .count();
                Tok::Other
            }
            _ => {
                // One character of anything else (`#`, `!`, a non-ASCII char).
                self.pos += 1;
                while self.pos < self.src.len() && (self.src[self.pos] & 0xC0) == 0x80 {
                    self.pos += 1;
                }
                Tok::Other
            }
        };
        Some(Token {
            tok,
            start,
            end: self.pos.min(self.src.len()),
        })
    }
}

/// The comments of a text: how many (`//` to the end of a line, or `/* */`, nested ones
/// counted once), and the byte offset of the first. Strings are skipped, so a `//` inside
/// one (a URL) is not a comment.
pub(crate) fn comments(src: &str) -> (usize, Option<usize>) {
    // Most files have none: skip the pass when no comment can start anywhere.
    let bytes = src.as_bytes();
    let may_start =
        memchr::memchr_iter(b'/', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'/' | b'*')));
    if !may_start {
        return (0, None);
    }
    let mut lx = Lexer::new(src);
    while let Some(t) = lx.next() {
        if let Tok::Broken(_) = t.tok {
            break;
        }
    }
    (lx.comments, lx.first_comment)
}

/// The name an identifier token stands for: `format` for `r#format` (a raw identifier).
pub(crate) fn ident_name(text: &str) -> &str {
    text.strip_prefix("r#").unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_counted_outside_strings() {
        assert_eq!(comments("Map(format: 1)"), (0, None));
        assert_eq!(comments("Map(source: \"https://x\", a: 1)"), (0, None));
        let src = "// one\nMap(/* two /* nested */ */ a: 1, // three\n)";
        assert_eq!(comments(src), (3, Some(0)));
        assert_eq!(comments("Map(a: \"//\") /* x */"), (1, Some(13)));
    }
}
