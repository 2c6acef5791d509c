//! The map as OPML 2.0, lossless for Fulcrum's fields.
//!
//! Any outliner reads the tree: each node is an `<outline>` whose `text` is its title and
//! whose `_note` (the attribute Workflowy, Dynalist and OmniOutliner use) is its notes. The
//! rest of the map rides along in attributes of the `fulcrum` namespace ([`FULCRUM_NS`]),
//! which other tools keep or ignore:
//!
//! - on `<opml>`: `fulcrum:format` (the map format of what it carries, 1; a map's
//!   presentations, format 2, are not written — the export warns);
//! - on each `<outline>`: `fulcrum:id`, `fulcrum:kind`, and `fulcrum:NAME` for every other
//!   field the `.ron` file writes for that node, under its file name (`value`, `history`,
//!   `evidence`, …), its value written as in the `.ron` file (`100000.0`, `Currency`,
//!   `Expr("a + b")`, `{"2026-09": 96000.0}`) — except free text (`unit`, `owner`, `source`,
//!   `method`, …), which is written as it is;
//! - in `<head>`: `<fulcrum:link from="…" to="…" kind="Measures"/>` per link and
//!   `<fulcrum:scenario name="…" overrides="{…}"/>` per scenario.
//!
//! XML 1.0 cannot carry most control characters, even escaped. A text that holds one is
//! written with those characters replaced by U+FFFD where other tools look (`text`, `_note`,
//! `<title>`), and exactly, as a RON string literal, in an attribute named `….ron`
//! (`fulcrum:title.ron`, `fulcrum:owner.ron`, `name.ron`; the map title in `<fulcrum:map
//! title.ron="…"/>`). Line breaks and tabs are written as character references so no XML
//! reader folds them into spaces. The result: importing the file gives back the same map.

use std::fmt::Write as _;

use super::{ExportError, ExportOptions, Exported, check_view, items};
use crate::format::{number_text, string_text, value_text};
use crate::model::{Field, FieldValue, Map};

/// The namespace of Fulcrum's attributes and elements in OPML.
pub const FULCRUM_NS: &str = "urn:fulcrum:opml:1";

/// Indentation stops growing past this depth (a 100 000-deep chain stays a small file).
const MAX_INDENT: usize = 40;

/// The map (or the subtree under `options.root`, with the links and scenario overrides
/// inside it) as OPML. The scenario and period change nothing here: the file carries the
/// map's own data, not a view of it.
///
/// Errors: an unknown root, scenario or period (checked, so a typo is not silently ignored).
pub fn to_opml(map: &Map, options: &ExportOptions) -> Result<Exported, ExportError> {
    let items = items(map, options.root.as_deref())?;
    check_view(map, options)?;
    let mut out = String::with_capacity(160 * items.len() + 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<opml version=\"2.0\" xmlns:fulcrum=\"{FULCRUM_NS}\" fulcrum:format=\"{}\">",
        crate::format::OLDEST_FORMAT
    );
    out.push_str("  <head>\n    <title>");
    escape_into(&mut out, &sanitised(map.title()));
    out.push_str("</title>\n");
    if !xml_ok(map.title()) {
        out.push_str("    <fulcrum:map title.ron=\"");
        escape_into(&mut out, &string_text(map.title()));
        out.push_str("\"/>\n");
    }
    let in_scope: std::collections::HashSet<&str> = if options.root.is_some() {
        items.iter().map(|i| i.id.as_str()).collect()
    } else {
        Default::default()
    };
    let inside = |id: &str| options.root.is_none() || in_scope.contains(id);
    for link in map.links() {
        if inside(link.from.as_str()) && inside(link.to.as_str()) {
            let _ = writeln!(
                out,
                "    <fulcrum:link from=\"{}\" to=\"{}\" kind=\"{}\"/>",
                link.from,
                link.to,
                link.kind.name()
            );
        }
    }
    for scenario in map.scenarios() {
        out.push_str("    <fulcrum:scenario");
        text_attr(&mut out, "name", &scenario.name);
        out.push_str(" overrides=\"");
        let mut ron = String::from("{");
        let mut first = true;
        for (id, v) in &scenario.overrides {
            if !inside(id.as_str()) {
                continue;
            }
            if !first {
                ron.push_str(", ");
            }
            first = false;
            ron.push_str(&string_text(id.as_str()));
            ron.push_str(": ");
            ron.push_str(&number_text(*v));
        }
        ron.push('}');
        escape_into(&mut out, &ron);
        out.push_str("\"/>\n");
    }
    out.push_str("  </head>\n  <body>\n");
    for (k, item) in items.iter().enumerate() {
        let node = item.node;
        indent(&mut out, item.depth + 2);
        out.push_str("<outline text=\"");
        escape_into(&mut out, &sanitised(&node.title));
        out.push('"');
        if !xml_ok(&node.title) {
            out.push_str(" fulcrum:title.ron=\"");
            escape_into(&mut out, &string_text(&node.title));
            out.push('"');
        }
        if let Some(notes) = &node.notes {
            out.push_str(" _note=\"");
            escape_into(&mut out, &sanitised(notes));
            out.push('"');
            if !xml_ok(notes) {
                out.push_str(" fulcrum:notes.ron=\"");
                escape_into(&mut out, &string_text(notes));
                out.push('"');
            }
        }
        let _ = write!(
            out,
            " fulcrum:id=\"{}\" fulcrum:kind=\"{}\"",
            item.id,
            node.kind.name()
        );
        for field in Field::ALL {
            if matches!(field, Field::Kind | Field::Title | Field::Notes) || !field.is_written(node)
            {
                continue;
            }
            match field.get(node) {
                FieldValue::Text(text) => {
                    text_attr(
                        &mut out,
                        &format!("fulcrum:{}", field.name_for(node)),
                        &text,
                    );
                }
                value => {
                    let _ = write!(out, " fulcrum:{}=\"", field.name_for(node));
                    escape_into(&mut out, &value_text(&value));
                    out.push('"');
                }
            }
        }
        let next_depth = items.get(k + 1).map_or(0, |n| n.depth);
        if next_depth > item.depth {
            out.push_str(">\n");
        } else {
            out.push_str("/>\n");
            // Close every outline this one was the last descendant of.
            for depth in (next_depth..item.depth).rev() {
                indent(&mut out, depth + 2);
                out.push_str("</outline>\n");
            }
        }
    }
    out.push_str("  </body>\n</opml>\n");
    Ok(Exported {
        text: out,
        warnings: if map.presentations().is_empty() {
            Vec::new()
        } else {
            // Format 2's presentations have no place in the outline yet.
            vec![format!(
                "the map's {} presentation(s) are not written to OPML (its nodes, fields, links \
                 and scenarios are)",
                map.presentations().len()
            )]
        },
    })
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth.min(MAX_INDENT) {
        out.push_str("  ");
    }
}

/// ` name="text"`, or ` name.ron="RON literal"` when XML cannot carry the text.
fn text_attr(out: &mut String, name: &str, text: &str) {
    out.push(' ');
    out.push_str(name);
    if xml_ok(text) {
        out.push_str("=\"");
        escape_into(out, text);
    } else {
        out.push_str(".ron=\"");
        escape_into(out, &string_text(text));
    }
    out.push('"');
}

/// Whether XML 1.0 can carry `c` (escaped or not).
pub(crate) fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// Whether XML 1.0 can carry every character of `text`.
pub(crate) fn xml_ok(text: &str) -> bool {
    text.chars().all(xml_char)
}

/// `text` with the characters XML cannot carry replaced by U+FFFD.
fn sanitised(text: &str) -> std::borrow::Cow<'_, str> {
    if xml_ok(text) {
        text.into()
    } else {
        text.chars()
            .map(|c| if xml_char(c) { c } else { '\u{fffd}' })
            .collect::<String>()
            .into()
    }
}

/// Appends `text` escaped for an attribute value or element text: markup characters as
/// entities, tabs and line breaks as character references (so they are not folded into
/// spaces), U+FFFE and U+FFFF (inside RON literals) as RON escapes.
fn escape_into(out: &mut String, text: &str) {
    crate::export::xml::push_escaped(out, text, |c| match c {
        '\t' => Some("&#9;"),
        '\n' => Some("&#10;"),
        '\r' => Some("&#13;"),
        '\u{fffe}' => Some("\\u{fffe}"),
        '\u{ffff}' => Some("\\u{ffff}"),
        _ => None,
    });
}
