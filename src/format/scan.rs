//! Positions in the source text, found without parsing it: a light scan that finds the
//! `format` field before anything else is read, a structural scan that records where each
//! node, link and scenario — and each of their fields — starts, so problems found later can
//! name a line and column, and a look at how the text ends (to tell a truncated file).
//!
//! Tokens come from `lex`. Everything here is iterative (an explicit stack, never
//! recursion), tolerates any input without panicking, and works on byte offsets; line and
//! column come from one index of the text built once ([`LineIndex`]), only when a problem
//! needs them. It never
//! decides whether the text is valid.

use super::lex::StrLit;
use super::lex::{Lexer, Tok, Token, ident_name};

/// What kind of list a top-level field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ListKind {
    Nodes,
    Links,
    Scenarios,
    Presentations,
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
    pub presentations: Vec<Element<'a>>,
}

impl<'a> Scan<'a> {
    /// The elements of one list.
    pub fn list(&self, kind: ListKind) -> &[Element<'a>] {
        match kind {
            ListKind::Nodes => &self.nodes,
            ListKind::Links => &self.links,
            ListKind::Scenarios => &self.scenarios,
            ListKind::Presentations => &self.presentations,
        }
    }

    fn list_mut(&mut self, kind: ListKind) -> &mut Vec<Element<'a>> {
        match kind {
            ListKind::Nodes => &mut self.nodes,
            ListKind::Links => &mut self.links,
            ListKind::Scenarios => &mut self.scenarios,
            ListKind::Presentations => &mut self.presentations,
        }
    }
}

/// 1-based line and column (in characters) of byte offsets, from one index built once: the
/// start of every line, and how many characters precede every [`LineIndex::BLOCK`]-th byte.
/// A position is then a binary search and a count within one block, so any number of
/// problems on one long line resolve in linear time.
pub(crate) struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// `chars_before[k]`: the number of characters that start before byte `k * BLOCK`.
    chars_before: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Bytes per checkpoint of the character count.
    const BLOCK: usize = 256;

    pub fn new(src: &'a str) -> Self {
        let bytes = src.as_bytes();
        let mut starts = vec![0];
        let mut chars_before = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let mut chars = 0;
        for (k, block) in bytes.chunks(Self::BLOCK).enumerate() {
            chars_before.push(chars);
            for (i, &b) in block.iter().enumerate() {
                if b == b'\n' {
                    starts.push(k * Self::BLOCK + i + 1);
                }
            }
            chars += count_chars(block);
        }
        chars_before.push(chars);
        Self {
            src,
            starts,
            chars_before,
        }
    }

    /// The number of characters that start before byte `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / Self::BLOCK;
        let from = block * Self::BLOCK;
        self.chars_before.get(block).copied().unwrap_or(0)
            + count_chars(&self.src.as_bytes()[from..offset])
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
        let col = self.chars_before(offset) - self.chars_before(start) + 1;
        (line.max(1), col)
    }
}

/// The characters that start in `bytes` (every byte but UTF-8 continuation bytes).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
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
    let text = |t: &Token| ident_name(&src[t.start..t.end]);
    let mut depth = 0usize;
    let mut map_start = None;
    let mut prev: Option<Token> = None;
    while let Some(t) = lx.next() {
        match t.tok {
            Tok::Broken(_) => return FormatField::Unknown,
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

/// How the text ends, to tell a truncated file from a broken one.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Tail {
    /// Every string and comment is closed and every bracket matched (or the text is broken
    /// in some other way).
    Complete,
    /// A string, char or comment starting at this byte offset is never closed.
    Unclosed { what: &'static str, start: usize },
    /// The text ends with `depth` brackets still open; `last` is the offset of its last token.
    Open { depth: usize, last: usize },
}

/// Reads the whole text for unclosed strings, comments and brackets.
pub(crate) fn tail(src: &str) -> Tail {
    let mut lx = Lexer::new(src);
    let mut depth = 0usize;
    let mut last = 0;
    while let Some(t) = lx.next() {
        last = t.start;
        match t.tok {
            Tok::Broken(what) => {
                return Tail::Unclosed {
                    what,
                    start: t.start,
                };
            }
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if depth > 0 {
        Tail::Open { depth, last }
    } else {
        Tail::Complete
    }
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
        if let Tok::Broken(_) = t.tok {
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
                    _ => ident_name(&src[p.start..p.end]),
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
                            "presentations" => Some(ListKind::Presentations),
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
    fn tells_how_the_text_ends() {
        assert_eq!(tail("Map(a: [1, 2])"), Tail::Complete);
        assert_eq!(
            tail("Map(a: \"x)"),
            Tail::Unclosed {
                what: "string",
                start: 7
            }
        );
        assert_eq!(
            tail("Map(a: 1) /* /* */"),
            Tail::Unclosed {
                what: "comment",
                start: 10
            }
        );
        assert_eq!(tail("Map(a: [1, 2"), Tail::Open { depth: 2, last: 11 });
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

    /// The block checkpoints agree with counting from the start of the line, across block
    /// edges, multi-byte characters and offsets inside a character.
    #[test]
    fn positions_agree_with_counting() {
        let src: String = (0..3000)
            .map(|i| match i % 7 {
                0 => "\n",
                1 => "\u{e9}",
                2 => "\u{1f600}",
                _ => "x",
            })
            .collect();
        let lines = LineIndex::new(&src);
        for offset in 0..=src.len() + 2 {
            let mut at = offset.min(src.len());
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            let line_start = src[..at].rfind('\n').map_or(0, |n| n + 1);
            let line = src[..at].matches('\n').count() + 1;
            let col = src[line_start..at].chars().count() + 1;
            assert_eq!(lines.position(offset), (line, col), "offset {offset}");
        }
    }

    #[test]
    fn deep_nesting_is_fine() {
        let src = format!("Map(format: 1, nodes: {})", "[".repeat(200_000));
        assert_eq!(find_format(&src), FormatField::Found("1"));
        let scan = scan(&src);
        assert_eq!(scan.nodes.len(), 1);
    }
}
