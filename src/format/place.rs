//! Problems before they have a position: a [`Finding`] names its place symbolically (node 12's
//! `parent` field, the 3rd entry of its `history`, character 7 of its formula), and
//! [`resolve`] turns findings into [`Problem`]s with line and column by scanning the source
//! once — only when there is something to report, so a clean load costs no scan.
//!
//! Knows nothing of what makes a problem; never fails: a place the scan cannot find falls
//! back to the nearest enclosing one (the field, the element, or no position at all).

use std::collections::HashMap;

use super::error::{Problem, Severity};
use super::lex::StrLit;
use super::scan::{self, Field, LineIndex, ListKind, Scan, SubKey};

/// A value inside a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SubRef {
    /// A struct field or map key as written (`warn`, `"2026-09"`).
    Name(String),
    /// The n-th key of a map (0-based), for keys written twice.
    Nth(usize),
    /// The n-th element of a list of structs (a presentation's `steps`), or one field of it.
    Element(usize, Option<&'static str>),
}

/// Where a problem is, before the source has been scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// An element of `nodes`, `links` or `scenarios` (by index in the file), optionally one
    /// of its fields and a value inside it.
    Item {
        list: ListKind,
        index: usize,
        field: Option<&'static str>,
        sub: Option<SubRef>,
    },
    /// A char offset into node `index`'s formula text.
    Formula { index: usize, offset: Option<usize> },
    /// A field of the map itself (`presentations`).
    Top(&'static str),
}

impl Place {
    /// A field of node `index`.
    pub fn node(index: usize, field: &'static str) -> Self {
        Self::Item {
            list: ListKind::Nodes,
            index,
            field: Some(field),
            sub: None,
        }
    }

    /// A value inside a field of node `index`.
    pub fn node_sub(index: usize, field: &'static str, sub: SubRef) -> Self {
        Self::Item {
            list: ListKind::Nodes,
            index,
            field: Some(field),
            sub: Some(sub),
        }
    }

    /// The start of an element (or one of its fields).
    pub fn item(list: ListKind, index: usize, field: Option<&'static str>) -> Self {
        Self::Item {
            list,
            index,
            field,
            sub: None,
        }
    }

    /// The same place for a node list that started `offset` nodes later.
    fn shifted(self, offset: usize) -> Self {
        match self {
            Self::Item {
                list: ListKind::Nodes,
                index,
                field,
                sub,
            } => Self::Item {
                list: ListKind::Nodes,
                index: index + offset,
                field,
                sub,
            },
            Self::Formula { index, offset: at } => Self::Formula {
                index: index + offset,
                offset: at,
            },
            other => other,
        }
    }
}

/// One problem found, with its symbolic place and optionally a related place, reported as
/// "(first at line:col)".
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    pub place: Place,
    pub also: Option<Place>,
    pub severity: Severity,
    pub message: String,
}

impl Finding {
    pub fn error(place: Place, message: String) -> Self {
        Self {
            place,
            also: None,
            severity: Severity::Error,
            message,
        }
    }

    pub fn warning(place: Place, message: String) -> Self {
        Self {
            place,
            also: None,
            severity: Severity::Warning,
            message,
        }
    }

    /// The same finding for a node list that started `offset` nodes later.
    pub fn shifted(self, offset: usize) -> Self {
        Self {
            place: self.place.shifted(offset),
            also: self.also.map(|p| p.shifted(offset)),
            ..self
        }
    }
}

/// Turns findings into problems with line and column, sorted by position; scans the source
/// only if there are findings. Linear in the text and the findings: positions come from one
/// [`LineIndex`], and values inside a field from an index of that field built on first need.
pub(crate) fn resolve(src: &str, findings: Vec<Finding>) -> Vec<Problem> {
    if findings.is_empty() {
        return Vec::new();
    }
    let scan = scan::scan(src);
    let lines = LineIndex::new(src);
    let mut subs = SubIndex::default();
    let mut problems: Vec<Problem> = findings
        .into_iter()
        .map(|f| {
            let at = locate(src, &scan, &mut subs, &f.place).map(|o| lines.position(o));
            let mut message = f.message;
            if let Some((line, col)) = f
                .also
                .and_then(|p| locate(src, &scan, &mut subs, &p))
                .map(|o| lines.position(o))
            {
                message.push_str(&format!(" (first at {line}:{col})"));
            }
            Problem::at(at, f.severity, message)
        })
        .collect();
    problems.sort_by_key(Problem::sort_key);
    problems
}

/// The keyed values of one field (a `history` of 100 000 periods), indexed so that finding
/// each of them is not a walk over all of them.
#[derive(Default)]
struct FieldSubs<'a> {
    /// Offset of the value of each key, the first when a key is written twice.
    by_name: HashMap<&'a str, usize>,
    /// Offsets of the keyed values in order, for [`SubRef::Nth`].
    nth: Vec<usize>,
}

/// [`FieldSubs`] of the fields problems have pointed into so far.
#[derive(Default)]
struct SubIndex<'a> {
    fields: HashMap<(ListKind, usize, &'static str), FieldSubs<'a>>,
}

impl<'a> SubIndex<'a> {
    fn find(
        &mut self,
        key: (ListKind, usize, &'static str),
        field: &Field<'a>,
        sub: &SubRef,
    ) -> Option<usize> {
        let subs = self.fields.entry(key).or_insert_with(|| {
            let mut index = FieldSubs::default();
            for s in &field.subs {
                if let SubKey::Name(name) = s.key {
                    index.by_name.entry(name).or_insert(s.value);
                    index.nth.push(s.value);
                }
            }
            index
        });
        match sub {
            SubRef::Name(name) => subs.by_name.get(name.as_str()).copied(),
            SubRef::Nth(n) => subs.nth.get(*n).copied(),
            SubRef::Element(n, inner) => element_sub(field, *n, *inner),
        }
    }
}

/// The offset of the `n`-th element of a list field, or of one field of that element. The
/// scan flattens what is inside a field, so the element's fields are the named values
/// between its index and the next element's.
fn element_sub(field: &Field<'_>, n: usize, inner: Option<&str>) -> Option<usize> {
    let start = field.subs.iter().position(|s| s.key == SubKey::Index(n))?;
    let element = field.subs[start].value;
    let Some(name) = inner else {
        return Some(element);
    };
    let found = field.subs[start + 1..]
        .iter()
        .take_while(|s| !matches!(s.key, SubKey::Index(_)))
        .find(|s| s.key == SubKey::Name(name));
    Some(found.map_or(element, |s| s.value))
}

/// The byte offset of a place, as precise as the scan allows.
fn locate<'a>(src: &str, scan: &Scan<'a>, subs: &mut SubIndex<'a>, place: &Place) -> Option<usize> {
    match place {
        Place::Item {
            list,
            index,
            field,
            sub,
        } => {
            let element = scan.list(*list).get(*index)?;
            let Some((name, found)) = field.and_then(|name| Some((name, element.field(name)?)))
            else {
                return Some(element.start);
            };
            let precise = sub
                .as_ref()
                .and_then(|sub| subs.find((*list, *index, name), found, sub));
            Some(precise.unwrap_or(found.value))
        }
        Place::Top(name) => scan.top.iter().find(|f| f.name == *name).map(|f| f.value),
        Place::Formula { index, offset } => {
            let element = scan.nodes.get(*index)?;
            let Some(field) = element.field("formula") else {
                return Some(element.start);
            };
            let precise = offset
                .zip(field.string)
                .and_then(|(k, s)| advance(src, s, k));
            Some(precise.unwrap_or(field.value))
        }
    }
}

/// The byte offset of the `k`-th character of a string literal's value, when every character
/// before it is written as itself (no escape); newlines inside the literal are fine.
fn advance(src: &str, s: StrLit, k: usize) -> Option<usize> {
    let content = src.get(s.start..s.end)?;
    for (chars, (b, c)) in content.char_indices().enumerate() {
        if chars == k {
            return Some(s.start + b);
        }
        if !s.raw && c == '\\' {
            return None;
        }
    }
    Some(s.end)
}
