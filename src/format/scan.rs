//! Positions in the source text, found without parsing it: a small tokenizer that skips
//! strings, raw strings, chars and comments, a light scan that finds the `format` field before
//! anything else is read, and a structural scan that records where each node, link and
//! scenario — and each of their fields — starts, so problems found later can name a line and
//! column.
//!
//! Everything here is iterative (an explicit stack, never recursion), tolerates any input
//! without panicking, and works on byte offsets; line and column are computed only for the
//! few offsets a problem needs ([`LineIndex`]). It never decides whether the text is valid.

/// What kind of list a top-level field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListKind {
    Nodes,
    Links,
    Scenarios,
}

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

/// How a value inside a field is found: by a key (struct field name or map key as written) or
/// by its index in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SubKey<'a> {
    Name(&'a str),
    Index(usize),
}

/// A value nested somewhere inside a field (`warn` in `thresholds`, `"2026-09"` in `history`,
/// the 2nd entry of `evidence`).
#[derive(Clone, Debug)]
pub(crate) struct Sub<'a> {
    pub key: SubKey<'a>,
    /// Byte offset of the value (or list element).
    pub value: usize,
}

/// One `name: value` field of a struct.
#[derive(Clone, Debug)]
pub(crate) struct Field<'a> {
    pub name: &'a str,
    /// Byte offset of the field's value.
    pub value: usize,
    /// The first string literal inside the value (a formula's text, a title).
    pub string: Option<StrLit>,
    /// Keys and list elements nested inside the value, flattened.
    pub subs: Vec<Sub<'a>>,
}

/// One element of `nodes`, `links` or `scenarios`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Element<'a> {
    /// Byte offset of the element's first token.
    pub start: usize,
    pub fields: Vec<Field<'a>>,
}

impl<'a> Element<'a> {
    /// The field called `name` (the first one, should it be written twice).
    pub fn field(&self, name: &str) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Where things are in a map file.
#[derive(Debug, Default)]
pub(crate) struct Scan<'a> {
    /// Byte offset of the map's first token (`Map` or its `(`).
    pub map_start: usize,
    /// The map's own fields (`format`, `title`, …).
    pub top: Vec<Field<'a>>,
    pub nodes: Vec<Element<'a>>,
    pub links: Vec<Element<'a>>,
    pub scenarios: Vec<Element<'a>>,
}

impl<'a> Scan<'a> {
    /// The elements of one list.
    pub fn list(&self, kind: ListKind) -> &[Element<'a>] {
        match kind {
            ListKind::Nodes => &self.nodes,
            ListKind::Links => &self.links,
            ListKind::Scenarios => &self.scenarios,
        }
    }

    fn list_mut(&mut self, kind: ListKind) -> &mut Vec<Element<'a>> {
        match kind {
            ListKind::Nodes => &mut self.nodes,
            ListKind::Links => &mut self.links,
            ListKind::Scenarios => &mut self.scenarios,
        }
    }
}

/// 1-based line and column (in characters) of byte offsets.
pub(crate) struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Self { src, starts }
    }

    /// Line and column of a byte offset (clamped to the text; rounded down to a char
    /// boundary), counted as RON counts them: columns in characters.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let col = self.src[start..offset].chars().count() + 1;
        (line.max(1), col)
    }
}

/// A token's kind. Whitespace and comments are skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    Ident,
    Str(StrLit),
    /// Numbers, chars, `#`, `!` and anything else.
    Other,
    /// An unterminated string or comment: nothing after it can be trusted.
    Broken,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

/// A tokenizer over RON text, close enough to RON's own to find structure in valid files and
/// never to loop, panic or recurse on invalid ones.
struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Self {
            src: src.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    /// Skips whitespace and comments; `false` when a block comment is unclosed.
    fn skip_trivia(&mut self) -> bool {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) => self.pos += 1,
                Some(b'/') if self.peek(1) == Some(b'/') => {
                    match self.src[self.pos..].iter().position(|&b| b == b'\n') {
                        Some(n) => self.pos += n + 1,
                        None => self.pos = self.src.len(),
                    }
                }
                Some(b'/') if self.peek(1) == Some(b'*') => {
                    self.pos += 2;
                    let mut level = 1usize;
                    while level > 0 {
                        match (self.peek(0), self.peek(1)) {
                            (None, _) => return false,
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
                _ => return true,
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
        Tok::Broken
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
        Tok::Broken
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
                Tok::Broken
            }
        }
    }

    fn next(&mut self) -> Option<Token> {
        if !self.skip_trivia() {
            return Some(Token {
                tok: Tok::Broken,
                start: self.pos,
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

/// What the light scan found about the top-level `format` field.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FormatField<'a> {
    /// `format: <value>`; the value's text (inside `Some(…)` if so written).
    Found(&'a str),
    /// The map struct was read to its end and has no `format` field; `map_start` is the byte
    /// offset of its first token.
    Missing { map_start: usize },
    /// The text is too broken to tell.
    Unknown,
}

/// Finds the map's `format` field by reading only the top-level structure, stopping as soon as
/// it is found, so a file whose body is unreadable still says which format it is.
pub(crate) fn find_format(src: &str) -> FormatField<'_> {
    let mut lx = Lexer::new(src);
    let text = |t: &Token| &src[t.start..t.end];
    let mut depth = 0usize;
    let mut map_start = None;
    let mut prev: Option<Token> = None;
    while let Some(t) = lx.next() {
        match t.tok {
            Tok::Broken => return FormatField::Unknown,
            Tok::Open(b) => {
                if depth == 0 && b == b'(' && map_start.is_none() {
                    map_start = Some(match prev {
                        Some(p) if p.tok == Tok::Ident => p.start,
                        _ => t.start,
                    });
                }
                depth += 1;
            }
            Tok::Close(_) => {
                if depth == 0 {
                    return FormatField::Unknown;
                }
                depth -= 1;
                if depth == 0
                    && let Some(map_start) = map_start
                {
                    return FormatField::Missing { map_start };
                }
            }
            Tok::Colon if depth == 1 && map_start.is_some() => {
                if let Some(p) = prev
                    && p.tok == Tok::Ident
                    && text(&p) == "format"
                {
                    let Some(value) = lx.next() else {
                        return FormatField::Unknown;
                    };
                    if value.tok == Tok::Ident && text(&value) == "Some" {
                        let open = lx.next();
                        let inner = lx.next();
                        return match (open, inner) {
                            (Some(o), Some(i)) if o.tok == Tok::Open(b'(') => {
                                FormatField::Found(text(&i))
                            }
                            _ => FormatField::Unknown,
                        };
                    }
                    return FormatField::Found(text(&value));
                }
            }
            _ => {}
        }
        prev = Some(t);
    }
    FormatField::Unknown
}

/// What a container in the structural scan is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Anything not tracked (attributes, unexpected places).
    Other,
    /// The map struct itself.
    Root,
    /// `nodes: [`, `links: [` or `scenarios: [`.
    List(ListKind),
    /// One element of such a list.
    Element(ListKind),
    /// A container inside the value of a field of such an element.
    Value(ListKind),
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    close: u8,
    role: Role,
    /// For `[` frames: elements seen so far, and whether the next token starts one.
    elements: usize,
    at_element_start: bool,
}

/// Where a key's value goes once its `:` is seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Awaiting {
    Nothing,
    Top,
    ElementField(ListKind),
    Sub(ListKind),
}

/// Records where every node, link and scenario and each of their fields is. Meant for text
/// RON has already parsed; on other text it records what it can.
pub(crate) fn scan(src: &str) -> Scan<'_> {
    let mut out = Scan::default();
    let mut lx = Lexer::new(src);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root_seen = false;
    let mut prev: Option<Token> = None;
    let mut awaiting = Awaiting::Nothing;
    // The list a top-level field's value opens, if the field is one of the lists.
    let mut top_list: Option<ListKind> = None;

    while let Some(t) = lx.next() {
        if t.tok == Tok::Broken {
            break;
        }
        let top_role = stack.last().map_or(Role::Other, |f| f.role);

        // A key: an identifier or string right before a `:` in a struct or map.
        if t.tok == Tok::Colon {
            if let Some(p) = prev
                && matches!(p.tok, Tok::Ident | Tok::Str(_))
            {
                let name = match p.tok {
                    Tok::Str(s) => &src[s.start..s.end],
                    _ => &src[p.start..p.end],
                };
                awaiting = match top_role {
                    Role::Root => {
                        out.top.push(Field {
                            name,
                            value: t.end,
                            string: None,
                            subs: Vec::new(),
                        });
                        top_list = match name {
                            "nodes" => Some(ListKind::Nodes),
                            "links" => Some(ListKind::Links),
                            "scenarios" => Some(ListKind::Scenarios),
                            _ => None,
                        };
                        Awaiting::Top
                    }
                    Role::Element(kind) => {
                        if let Some(element) = out.list_mut(kind).last_mut() {
                            element.fields.push(Field {
                                name,
                                value: t.end,
                                string: None,
                                subs: Vec::new(),
                            });
                        }
                        Awaiting::ElementField(kind)
                    }
                    Role::Value(kind) => {
                        if let Some(field) = last_field(&mut out, kind) {
                            field.subs.push(Sub {
                                key: SubKey::Name(name),
                                value: t.end,
                            });
                        }
                        Awaiting::Sub(kind)
                    }
                    _ => Awaiting::Nothing,
                };
            }
            prev = Some(t);
            continue;
        }

        // The first token of a value: record where it starts.
        match awaiting {
            Awaiting::Nothing => {}
            Awaiting::Top => {
                if let Some(field) = out.top.last_mut() {
                    field.value = t.start;
                }
            }
            Awaiting::ElementField(kind) => {
                if let Some(field) = last_field(&mut out, kind) {
                    field.value = t.start;
                }
            }
            Awaiting::Sub(kind) => {
                if let Some(sub) = last_field(&mut out, kind).and_then(|f| f.subs.last_mut()) {
                    sub.value = t.start;
                }
            }
        }
        let value_start = awaiting;
        awaiting = Awaiting::Nothing;

        // The first token of a list element.
        if let Some(frame) = stack.last_mut()
            && frame.at_element_start
            && !matches!(t.tok, Tok::Close(_) | Tok::Comma)
        {
            frame.at_element_start = false;
            let index = frame.elements;
            frame.elements += 1;
            match frame.role {
                Role::List(kind) => out.list_mut(kind).push(Element {
                    start: t.start,
                    fields: Vec::new(),
                }),
                Role::Value(kind) => {
                    if let Some(field) = last_field(&mut out, kind) {
                        field.subs.push(Sub {
                            key: SubKey::Index(index),
                            value: t.start,
                        });
                    }
                }
                _ => {}
            }
        }

        match t.tok {
            Tok::Open(b) => {
                let role = match top_role {
                    _ if stack.is_empty() && b == b'(' && !root_seen => {
                        root_seen = true;
                        out.map_start = match prev {
                            Some(p) if p.tok == Tok::Ident => p.start,
                            _ => t.start,
                        };
                        Role::Root
                    }
                    Role::Root if b == b'[' && value_start == Awaiting::Top => {
                        top_list.map_or(Role::Other, Role::List)
                    }
                    Role::List(kind) if b == b'(' => Role::Element(kind),
                    Role::Element(kind) => {
                        let has_field = out.list(kind).last().is_some_and(|e| !e.fields.is_empty());
                        if has_field {
                            Role::Value(kind)
                        } else {
                            Role::Other
                        }
                    }
                    Role::Value(kind) => Role::Value(kind),
                    _ => Role::Other,
                };
                let close = match b {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                stack.push(Frame {
                    close,
                    role,
                    elements: 0,
                    at_element_start: b == b'[',
                });
            }
            Tok::Close(b) => match stack.last() {
                Some(frame) if frame.close == b => {
                    stack.pop();
                }
                _ => break,
            },
            Tok::Comma => {
                if let Some(frame) = stack.last_mut()
                    && frame.close == b']'
                {
                    frame.at_element_start = true;
                }
            }
            Tok::Str(s) => {
                let kind = match top_role {
                    Role::Element(kind) | Role::Value(kind) => Some(kind),
                    _ => None,
                };
                if let Some(field) = kind.and_then(|k| last_field(&mut out, k))
                    && field.string.is_none()
                {
                    field.string = Some(s);
                }
            }
            _ => {}
        }
        prev = Some(t);
    }
    out
}

fn last_field<'s, 'a>(out: &'s mut Scan<'a>, kind: ListKind) -> Option<&'s mut Field<'a>> {
    out.list_mut(kind).last_mut()?.fields.last_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_format_before_broken_body() {
        let src = "#![enable(implicit_some)]\nMap(\n    format: 3,\n    nodes: [ \u{0}\u{1} (((";
        assert_eq!(find_format(src), FormatField::Found("3"));
        assert_eq!(find_format("Map(format: Some(2))"), FormatField::Found("2"));
        assert_eq!(
            find_format("/* c */ Map(title: \"format: 9\", nodes: [])"),
            FormatField::Missing { map_start: 8 }
        );
        assert_eq!(find_format("[[[[[["), FormatField::Unknown);
        assert_eq!(
            find_format("Map(title: \"unterminated"),
            FormatField::Unknown
        );
        assert_eq!(find_format(""), FormatField::Unknown);
    }

    #[test]
    fn records_fields_and_subs() {
        let src = r##"#![enable(implicit_some)]
Map(
    format: 1,
    nodes: [
        (
            id: "a", // a comment with "quotes" and (parens
            kind: Metric,
            formula: Expr(r#"b + "c""#),
            thresholds: (warn: 1.0, alert: 2.0),
            history: {"2026-09": 1.0, "2026-10": NaN},
        ),
        (id: "b", title: "x)]}", evidence: [(source: "s"), (source: "t")]),
    ],
    links: [(from: "a", to: "b", kind: Measures)],
)"##;
        let scan = scan(src);
        assert_eq!(scan.top.len(), 3);
        assert_eq!(scan.nodes.len(), 2);
        assert_eq!(scan.links.len(), 1);
        let a = &scan.nodes[0];
        let lines = LineIndex::new(src);
        assert_eq!(lines.position(a.start), (5, 9));
        assert_eq!(
            lines.position(a.field("kind").map_or(0, |f| f.value)),
            (7, 19)
        );
        let formula = a.field("formula").and_then(|f| f.string);
        assert_eq!(formula.map(|s| &src[s.start..s.end]), Some(r#"b + "c""#));
        let history = a
            .field("history")
            .map(|f| f.subs.clone())
            .unwrap_or_default();
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].key, SubKey::Name("2026-10"));
        assert_eq!(&src[history[1].value..history[1].value + 3], "NaN");
        let b = &scan.nodes[1];
        assert_eq!(b.fields.len(), 3);
        let evidence = b
            .field("evidence")
            .map(|f| f.subs.clone())
            .unwrap_or_default();
        let indices: Vec<_> = evidence
            .iter()
            .filter(|s| matches!(s.key, SubKey::Index(_)))
            .collect();
        assert_eq!(indices.len(), 2);
    }

    #[test]
    fn columns_count_characters() {
        let src = "ab\n\u{e9}\u{e9}x";
        let lines = LineIndex::new(src);
        assert_eq!(lines.position(0), (1, 1));
        assert_eq!(lines.position(3), (2, 1));
        assert_eq!(lines.position(7), (2, 3));
        assert_eq!(lines.position(1000), (2, 4));
    }

    #[test]
    fn deep_nesting_is_fine() {
        let src = format!("Map(format: 1, nodes: {})", "[".repeat(200_000));
        assert_eq!(find_format(&src), FormatField::Found("1"));
        let scan = scan(&src);
        assert!(scan.nodes.is_empty());
    }
}
