//! A fast reader for the subset of RON that Fulcrum writes, with the `ron` crate as its
//! reference: whatever this reader does not take exactly as `ron` would, it gives up on, and
//! the caller parses the text again with `ron`.
//!
//! It is a serde [`Deserializer`], so the file structs' own `Deserialize` code (`file.rs`,
//! `convert.rs`) decides what the text means here exactly as it does under `ron`; only the
//! tokens are read differently. It reads: the `#![enable(implicit_some)]` header; structs,
//! with or without their name; field names, unit variants and `true`/`false` as ASCII
//! identifiers; `Expr("…")` newtype variants; lists and maps with optional trailing commas;
//! strings with the escapes `\"`, `\\`, `\n`, `\r`, `\t`; decimal integers; numbers as `ron`
//! reads them (the longest run of digits, signs, dots and exponents, given to
//! `f64::from_str`); spaces, tabs and line breaks between tokens. Anything else — a comment,
//! `Some(…)`, `None`, a raw identifier, another escape, an underscore in a number, hex, a
//! Unicode identifier, any error at all — is [`Bail`]: no message of its own, so every
//! problem a user sees comes from `ron`, with `ron`'s position.
//!
//! Why it agrees with `ron` on what it accepts: each token it takes is one `ron` reads the
//! same way (the rules above are `ron` 0.12's, narrowed), the values go to the same
//! visitors, and the text's structure is driven by the same `Deserialize` code, which cannot
//! nest deeper than the file structs do (a depth limit guards anyway). `tests/fast_parse.rs`
//! and the `parse` fuzz target hold it to that: on every text both accept, both build the
//! same map; on every text `ron` refuses, this reader gives up.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// The only attribute this reader takes, exactly as Fulcrum writes it.
const HEADER: &[u8] = b"#![enable(implicit_some)]";

/// Nesting beyond this gives up (the file structs nest six deep at most).
const MAX_DEPTH: u32 = 32;

/// This reader gave up: the text is not in its subset, or not valid. Parse it with `ron`.
#[derive(Debug)]
pub(crate) struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not in the fast reader's subset of RON")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Bail
    }
}

type Result<T> = std::result::Result<T, Bail>;

/// Reads a whole text as one `T` with `sharing`, giving the spans of the nodes it read when
/// asked to record them.
pub(crate) fn from_str_sharing<'de, T: de::Deserialize<'de>>(
    text: &'de str,
    sharing: Sharing<'_>,
) -> Result<(T, Vec<Span>)> {
    read(Fast::new(text), sharing)
}

/// Reads a whole map text as one `T` on two threads. `resume` is where a node of the `nodes`
/// list starts, near the middle; `tail` reads the nodes from there to the end of the list
/// (see [`nodes_from`]) and gives where the list ends. When this reader, going through the
/// `nodes` list, arrives at `resume`, it waits for `tail` and goes on from where the list
/// ends; the nodes read so far are in `T`, the tail's are the caller's to append. If the
/// reader never arrives exactly at `resume` between two nodes (the cut was not between two
/// nodes), it reads the whole list itself and `tail` is not called. `tail` giving `None`
/// gives up.
pub(crate) fn from_str_joining<'de, 'j, T: de::Deserialize<'de>>(
    text: &'de str,
    resume: usize,
    tail: &'j mut dyn FnMut() -> Option<usize>,
    sharing: Sharing<'j>,
) -> Result<(T, Vec<Span>)> {
    let mut reader = Fast::new(text);
    reader.join = Some(Join { resume, tail });
    read(reader, sharing)
}

/// Reads the items of the `nodes` list from `start` (a node's first byte) to the list's
/// closing `]`, as one `N` (the type `FileMap` reads the list into), and where the `]` is.
pub(crate) fn nodes_from<'de, N: de::Deserialize<'de>>(
    text: &'de str,
    start: usize,
    sharing: Sharing<'_>,
) -> Result<(N, usize, Vec<Span>)> {
    let mut reader = Fast::new(text);
    reader.pos = start;
    reader.earlier = sharing.earlier;
    reader.spans = sharing.record.then(Vec::new);
    // Its items as deep as in the whole map, so the depth limit is the same.
    reader.depth = NODES_DEPTH - 1;
    let nodes = N::deserialize(OpenList(&mut reader))?;
    if reader.peek() == Some(b']') {
        Ok((nodes, reader.pos, reader.spans.unwrap_or_default()))
    } else {
        Err(Bail)
    }
}

/// Where a node of the `nodes` list lies in its text: from its `(` to just after its `)`.
pub(crate) type Span = (usize, usize);

/// What a reading shares with an earlier version of the text: whether to record the span of
/// every node it reads (so a later version can share them), and the earlier version's nodes
/// to take as they are wherever this text holds the very same bytes.
#[derive(Clone, Copy, Default)]
pub(crate) struct Sharing<'a> {
    pub record: bool,
    pub earlier: Option<&'a Earlier<'a>>,
}

/// The nodes of an earlier version of a text, by id, each with its span there.
///
/// Why taking one is exact: a node's bytes alone decide what reading them gives (the reader
/// looks at nothing past the node's `)`, and nothing outside it changes how it is read),
/// so bytes equal to an earlier node's, read at the same place in the `nodes` list, give
/// that node again — the caller takes it from the earlier map, which holds it as read.
pub(crate) struct Earlier<'a> {
    text: &'a [u8],
    by_id: hashbrown::HashMap<&'a str, Span>,
}

impl<'a> Earlier<'a> {
    /// The nodes of `text` at `spans` (as a reading recorded them), by the id each starts
    /// with as Fulcrum writes it; a node written otherwise is left out.
    pub(crate) fn new(text: &'a str, spans: &[Span]) -> Self {
        let mut by_id = hashbrown::HashMap::with_capacity(spans.len());
        for &span in spans {
            if let Some(id) = written_id(text, span.0) {
                by_id.insert(id, span);
            }
        }
        Earlier {
            text: text.as_bytes(),
            by_id,
        }
    }

    /// The earlier node whose bytes `text` holds from `pos` on: its span there.
    fn same_at(&self, text: &str, pos: usize) -> Option<Span> {
        let id = written_id(text, pos)?;
        let &(start, end) = self.by_id.get(id)?;
        let earlier = &self.text[start..end];
        (text.as_bytes().get(pos..pos + earlier.len()) == Some(earlier)).then_some((start, end))
    }
}

/// The id a node at `pos` starts with when it is written as Fulcrum writes it: `(`, a line
/// break, the field indent and `id: "…"` holding no escape.
pub(crate) fn written_id(text: &str, pos: usize) -> Option<&str> {
    const OPENING: &[u8] = b"(\n            id: \"";
    let bytes = text.as_bytes();
    let start = pos + OPENING.len();
    if !bytes.get(pos..start)?.eq(OPENING) {
        return None;
    }
    let len = memchr::memchr2(b'"', b'\\', &bytes[start..])?;
    (bytes[start + len] == b'"').then(|| text.get(start..start + len))?
}

/// An earlier node taken as it is, given to the visitor as the start of its span.
struct EarlierNode(usize);

impl<'de> Deserializer<'de> for EarlierNode {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(self.0 as u64)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// How deep the items of a top-level list of the map are read (the map's struct, the
/// field's option, the list).
const NODES_DEPTH: u32 = 3;

fn read<'de, 'j, T: de::Deserialize<'de>>(
    mut reader: Fast<'de, 'j>,
    sharing: Sharing<'j>,
) -> Result<(T, Vec<Span>)> {
    reader.earlier = sharing.earlier;
    reader.spans = sharing.record.then(Vec::new);
    reader.ws();
    if reader.bytes[reader.pos..].starts_with(HEADER) {
        reader.pos += HEADER.len();
    }
    let value = T::deserialize(&mut reader)?;
    reader.ws();
    if reader.pos == reader.bytes.len() {
        Ok((value, reader.spans.unwrap_or_default()))
    } else {
        Err(Bail)
    }
}

/// The reader: a position in the text.
struct Fast<'de, 'j> {
    text: &'de str,
    bytes: &'de [u8],
    pos: usize,
    depth: u32,
    /// The map's field being read (`nodes`, `links`, …).
    top_field: &'de str,
    /// Where the other thread took over the `nodes` list.
    join: Option<Join<'j>>,
    /// The spans of the nodes read, when they are recorded.
    spans: Option<Vec<Span>>,
    /// An earlier version's nodes, taken where the bytes are the same.
    earlier: Option<&'j Earlier<'j>>,
}

struct Join<'j> {
    resume: usize,
    tail: &'j mut dyn FnMut() -> Option<usize>,
}

/// `ron`'s characters of a number (`is_float_char`).
fn is_number_byte(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'e' | b'E' | b'.' | b'+' | b'-' | b'_')
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Which bytes go on an ASCII identifier, as a table: field names are most of what is read.
const IDENT_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

fn is_ident_byte(b: u8) -> bool {
    IDENT_BYTES[usize::from(b)]
}

impl<'de> Fast<'de, '_> {
    fn new(text: &'de str) -> Self {
        Fast {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            top_field: "",
            join: None,
            spans: None,
            earlier: None,
        }
    }

    /// About how many nodes follow in the `nodes` list, from the bytes left: one per 160
    /// bytes, as most nodes Fulcrum writes are longer. The list's vectors are reserved once
    /// instead of growing; the first of two threads reserves for the whole list, so the
    /// second's nodes are appended without growing it either.
    fn nodes_hint(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos) / 160
    }

    /// At the start of a node where the other thread took over the `nodes` list: waits for
    /// it and goes to the list's end. `Ok(true)` when the list was handed over.
    fn join_here(&mut self) -> Result<bool> {
        let here = self.join.as_ref().is_some_and(|j| j.resume == self.pos)
            && self.depth == NODES_DEPTH
            && self.top_field == "nodes";
        if !here {
            return Ok(false);
        }
        let Some(join) = self.join.take() else {
            return Ok(false);
        };
        self.pos = (join.tail)().ok_or(Bail)?;
        Ok(true)
    }

    /// Skips spaces, tabs and line breaks. A comment (`/`) is left, to be given up on.
    /// Indentation goes eight spaces at a time (one comparison of eight bytes): a canonical
    /// file is about a third spaces.
    fn ws(&mut self) {
        let bytes = self.bytes;
        let mut pos = self.pos;
        loop {
            while bytes.get(pos..pos + 8) == Some(b"        ".as_slice()) {
                pos += 8;
            }
            match bytes.get(pos) {
                Some(b' ' | b'\n' | b'\t' | b'\r') => pos += 1,
                _ => break,
            }
        }
        self.pos = pos;
    }

    /// The next byte after white space.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.pos).copied()
    }

    /// Takes `b` if it comes next (after white space).
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<()> {
        if self.eat(b) { Ok(()) } else { Err(Bail) }
    }

    /// An ASCII identifier. One that goes on with a non-ASCII byte (a Unicode identifier)
    /// or stops at `#` (`r#raw`) gives up.
    fn ident(&mut self) -> Result<&'de str> {
        self.ws();
        let start = self.pos;
        match self.bytes.get(start) {
            Some(&b) if is_ident_start(b) => {}
            _ => return Err(Bail),
        }
        let rest = &self.bytes[start..];
        let end = start
            + rest
                .iter()
                .position(|&b| !is_ident_byte(b))
                .unwrap_or(rest.len());
        if self.bytes.get(end).is_some_and(|&b| b >= 0x80 || b == b'#') {
            return Err(Bail);
        }
        self.pos = end;
        Ok(&self.text[start..end])
    }

    /// The identifier that comes next, without taking it.
    fn peek_ident(&mut self) -> Option<&'de str> {
        let at = self.pos;
        let ident = self.ident().ok();
        self.pos = at;
        ident
    }

    /// A string in double quotes, borrowed when it has no escape.
    fn string(&mut self) -> Result<Cow<'de, str>> {
        self.expect(b'"')?;
        let start = self.pos;
        let rest = &self.bytes[start..];
        match memchr::memchr2(b'"', b'\\', rest) {
            None => Err(Bail),
            Some(quote) if rest[quote] == b'"' => {
                self.pos = start + quote + 1;
                Ok(Cow::Borrowed(&self.text[start..start + quote]))
            }
            Some(first) => {
                let mut out = String::with_capacity(first + 16);
                let mut i = start + first;
                out.push_str(&self.text[start..i]);
                let mut run = i;
                loop {
                    match self.bytes.get(i) {
                        None => return Err(Bail),
                        Some(b'"') => {
                            out.push_str(&self.text[run..i]);
                            self.pos = i + 1;
                            return Ok(Cow::Owned(out));
                        }
                        Some(b'\\') => {
                            out.push_str(&self.text[run..i]);
                            let c = match self.bytes.get(i + 1) {
                                Some(b'"') => '"',
                                Some(b'\\') => '\\',
                                Some(b'n') => '\n',
                                Some(b'r') => '\r',
                                Some(b't') => '\t',
                                _ => return Err(Bail),
                            };
                            out.push(c);
                            i += 2;
                            run = i;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
        }
    }

    /// A number as `ron` reads one: the longest run of number characters, read by
    /// `f64::from_str`. Underscores, `..`, a suffix (`1.0f64`) and `inf`/`NaN` give up.
    fn float(&mut self) -> Result<f64> {
        self.ws();
        let start = self.pos;
        // The run, in one pass; an underscore or `..` in it gives up.
        let mut end = start;
        let mut after_dot = false;
        while let Some(&b) = self.bytes.get(end) {
            if !is_number_byte(b) {
                break;
            }
            if b == b'_' || (b == b'.' && after_dot) {
                return Err(Bail);
            }
            after_dot = b == b'.';
            end += 1;
        }
        if end == start {
            return Err(Bail);
        }
        if self.bytes.get(end).is_some_and(|&b| is_ident_byte(b)) {
            return Err(Bail);
        }
        let value = self.text[start..end].parse::<f64>().map_err(|_| Bail)?;
        self.pos = end;
        Ok(value)
    }

    /// A decimal integer (`-?[0-9]+`), as text, checked to end where `ron`'s would.
    fn integer(&mut self, signed: bool) -> Result<&'de str> {
        self.ws();
        let start = self.pos;
        let mut end = start;
        if signed && self.bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let digits = end;
        while self.bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == digits
            || self
                .bytes
                .get(end)
                .is_some_and(|&b| is_ident_byte(b) || b == b'.' || b >= 0x80)
        {
            return Err(Bail);
        }
        self.pos = end;
        Ok(&self.text[start..end])
    }

    fn i64(&mut self) -> Result<i64> {
        self.integer(true)?.parse().map_err(|_| Bail)
    }

    fn u64(&mut self) -> Result<u64> {
        self.integer(false)?.parse().map_err(|_| Bail)
    }

    fn nest<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            return Err(Bail);
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }
}

/// What this reader never reads: these give up at once.
macro_rules! bail {
    ($($name:ident)*) => {
        $(fn $name<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
            Err(Bail)
        })*
    };
}

impl<'de> Deserializer<'de> for &mut Fast<'de, '_> {
    type Error = Bail;

    /// Only the `evidence` field asks for "anything": a list or an integer.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b'-') => visitor.visit_i64(self.i64()?),
            Some(b) if b.is_ascii_digit() => visitor.visit_u64(self.u64()?),
            _ => Err(Bail),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.ident()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(Bail),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_i64(self.i64()?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(self.u64()?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.float()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.string()? {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// `implicit_some`: a value is `Some(value)`. `Some(…)` and `None` written out give up.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if matches!(self.peek_ident(), Some("Some" | "None")) {
            return Err(Bail);
        }
        self.nest(|reader| visitor.visit_some(reader))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'[')?;
        let nodes = self.depth == NODES_DEPTH - 1 && self.top_field == "nodes";
        let value = self.nest(|reader| {
            visitor.visit_seq(Separated {
                reader,
                close: b']',
                first: true,
                nodes,
            })
        })?;
        self.expect(b']')?;
        Ok(value)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'{')?;
        let value = self.nest(|reader| {
            visitor.visit_map(Separated {
                reader,
                close: b'}',
                first: true,
                nodes: false,
            })
        })?;
        self.expect(b'}')?;
        Ok(value)
    }

    /// `Name(field: value, …)` or `(field: value, …)`; another name gives up.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if self.peek() != Some(b'(') && self.ident()? != name {
            return Err(Bail);
        }
        self.expect(b'(')?;
        let value = self.nest(|reader| {
            visitor.visit_map(Separated {
                reader,
                close: b')',
                first: true,
                nodes: false,
            })
        })?;
        self.expect(b')')?;
        Ok(value)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.nest(|reader| visitor.visit_enum(reader))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let ident = self.ident()?;
        if self.depth == 1 {
            self.top_field = ident;
        }
        visitor.visit_borrowed_str(ident)
    }

    bail! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_u8 deserialize_u16
        deserialize_u32 deserialize_f32 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_unit deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(Bail)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
}

/// The items of a list, a map or a struct, up to `close`, separated by commas (a trailing
/// one allowed). Map and struct entries are `key: value`.
struct Separated<'a, 'de, 'j> {
    reader: &'a mut Fast<'de, 'j>,
    close: u8,
    first: bool,
    /// Whether these are the items of the map's `nodes` list.
    nodes: bool,
}

impl Separated<'_, '_, '_> {
    /// Whether another item follows: after the first, a comma must come first. Where the
    /// other thread took over the `nodes` list, the list ends here for this reader.
    fn more(&mut self) -> Result<bool> {
        if self.reader.peek() == Some(self.close) {
            return Ok(false);
        }
        if !std::mem::take(&mut self.first) {
            self.reader.expect(b',')?;
            if self.reader.peek() == Some(self.close) {
                return Ok(false);
            }
        }
        Ok(!self.reader.join_here()?)
    }
}

/// A list whose `[` is already behind: the `nodes` list read from its middle.
struct OpenList<'a, 'de, 'j>(&'a mut Fast<'de, 'j>);

impl<'de> Deserializer<'de> for OpenList<'_, 'de, '_> {
    type Error = Bail;

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.0.nest(|reader| {
            visitor.visit_seq(Separated {
                reader,
                close: b']',
                first: true,
                nodes: true,
            })
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Bail)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> SeqAccess<'de> for Separated<'_, 'de, '_> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.more()? {
            return Ok(None);
        }
        if !self.nodes {
            return seed.deserialize(&mut *self.reader).map(Some);
        }
        let start = self.reader.pos;
        if let Some(earlier) = self.reader.earlier
            && let Some((from, to)) = earlier.same_at(self.reader.text, start)
        {
            self.reader.pos = start + (to - from);
            return seed.deserialize(EarlierNode(from)).map(Some);
        }
        let value = seed.deserialize(&mut *self.reader)?;
        let end = self.reader.pos;
        if let Some(spans) = &mut self.reader.spans {
            spans.push((start, end));
        }
        Ok(Some(value))
    }

    fn size_hint(&self) -> Option<usize> {
        self.nodes.then(|| self.reader.nodes_hint())
    }
}

impl<'de> MapAccess<'de> for Separated<'_, 'de, '_> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.more()? {
            seed.deserialize(&mut *self.reader).map(Some)
        } else {
            Ok(None)
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.reader.expect(b':')?;
        seed.deserialize(&mut *self.reader)
    }
}

impl<'de, 'j> EnumAccess<'de> for &mut Fast<'de, 'j> {
    type Error = Bail;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let value = seed.deserialize(&mut *self)?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for &mut Fast<'de, '_> {
    type Error = Bail;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    /// `Expr("…")`, without a trailing comma.
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        self.expect(b'(')?;
        let value = seed.deserialize(&mut *self)?;
        self.expect(b')')?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(Bail)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
}
