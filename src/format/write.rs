//! The canonical writer: a map as format-1 text, byte-identical for the same map.
//!
//! Hand-written rather than ron's serializer so the shape is exactly the documented one: the
//! `implicit_some` header, 4-space indent, nodes in depth-first order one field per line in
//! the order of [`Node`]'s fields, absent optional fields omitted, so a one-field edit is a
//! one-line diff. Strings are escaped so that no field ever spans lines, and floats use Rust's
//! shortest round-trip form so they read back bit-identical. This module does not validate:
//! a non-finite number is written as RON's `NaN`/`inf`, which loading then refuses, so
//! [`super::save`] validates first.

use std::fmt::Write as _;

use crate::model::{Formula, Map, Node, NodeKind};

use super::FORMAT_VERSION;

/// The canonical text of a map.
pub(crate) fn to_string(map: &Map) -> String {
    let mut out = String::with_capacity(256 + map.len() * 256);
    out.push_str("#![enable(implicit_some)]\nMap(\n");
    let _ = writeln!(out, "    format: {FORMAT_VERSION},");
    out.push_str("    title: ");
    push_str_lit(&mut out, map.title());
    out.push_str(",\n");

    // The flat depth-first view: ids, nodes and parents by position, no hashing per node.
    let dense = map.dense();
    if dense.ids.is_empty() {
        out.push_str("    nodes: [],\n");
    } else {
        out.push_str("    nodes: [\n");
        for (k, (id, node)) in dense.ids.iter().zip(&dense.nodes).enumerate() {
            let parent = dense.parent[k].and_then(|p| dense.ids.get(p as usize));
            push_node(&mut out, id.as_str(), parent.map(|p| p.as_str()), node);
        }
        out.push_str("    ],\n");
    }

    let links = map.links();
    if !links.is_empty() {
        out.push_str("    links: [\n");
        for link in &links {
            out.push_str("        (from: ");
            push_str_lit(&mut out, link.from.as_str());
            out.push_str(", to: ");
            push_str_lit(&mut out, link.to.as_str());
            out.push_str(", kind: ");
            out.push_str(link.kind.name());
            out.push_str("),\n");
        }
        out.push_str("    ],\n");
    }

    if !map.scenarios().is_empty() {
        out.push_str("    scenarios: [\n");
        for scenario in map.scenarios() {
            out.push_str("        (name: ");
            push_str_lit(&mut out, &scenario.name);
            out.push_str(", overrides: {");
            for (i, (id, value)) in scenario.overrides.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_str_lit(&mut out, id.as_str());
                out.push_str(": ");
                push_f64(&mut out, *value);
            }
            out.push_str("}),\n");
        }
        out.push_str("    ],\n");
    }
    out.push_str(")\n");
    out
}

/// Starts a node field line: indent and `name: `.
fn field(out: &mut String, name: &str) {
    out.push_str("            ");
    out.push_str(name);
    out.push_str(": ");
}

fn str_field(out: &mut String, name: &str, value: &str) {
    field(out, name);
    push_str_lit(out, value);
    out.push_str(",\n");
}

fn opt_str_field(out: &mut String, name: &str, value: Option<&String>) {
    if let Some(value) = value {
        str_field(out, name, value);
    }
}

fn raw_field(out: &mut String, name: &str, value: &str) {
    field(out, name);
    out.push_str(value);
    out.push_str(",\n");
}

fn f64_field(out: &mut String, name: &str, value: Option<f64>) {
    if let Some(value) = value {
        field(out, name);
        push_f64(out, value);
        out.push_str(",\n");
    }
}

fn u8_field(out: &mut String, name: &str, value: Option<u8>) {
    if let Some(value) = value {
        field(out, name);
        let _ = write!(out, "{value}");
        out.push_str(",\n");
    }
}

fn push_node(out: &mut String, id: &str, parent: Option<&str>, node: &Node) {
    out.push_str("        (\n");
    str_field(out, "id", id);
    if let Some(parent) = parent {
        str_field(out, "parent", parent);
    }
    raw_field(out, "kind", node.kind.name());
    str_field(out, "title", &node.title);
    if let Some(formula) = &node.formula {
        field(out, "formula");
        match formula {
            Formula::Sum => out.push_str("Sum"),
            Formula::Product => out.push_str("Product"),
            Formula::Mean => out.push_str("Mean"),
            Formula::Min => out.push_str("Min"),
            Formula::Max => out.push_str("Max"),
            Formula::Expr(text) => {
                out.push_str("Expr(");
                push_str_lit(out, text);
                out.push(')');
            }
        }
        out.push_str(",\n");
    }
    f64_field(out, "value", node.value);
    opt_str_field(out, "unit", node.unit.as_ref());
    if let Some(display) = node.display {
        raw_field(out, "display", display.name());
    }
    f64_field(out, "target", node.target);
    if let Some(direction) = node.direction {
        raw_field(out, "direction", direction.name());
    }
    if let Some(thresholds) = node.thresholds {
        field(out, "thresholds");
        out.push_str("(warn: ");
        push_f64(out, thresholds.warn);
        out.push_str(", alert: ");
        push_f64(out, thresholds.alert);
        out.push_str("),\n");
    }
    if node.controllable {
        raw_field(out, "controllable", "true");
    }
    if !node.history.is_empty() {
        field(out, "history");
        out.push('{');
        for (i, (period, value)) in node.history.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_str_lit(out, period);
            out.push_str(": ");
            push_f64(out, *value);
        }
        out.push_str("},\n");
    }
    opt_str_field(out, "source", node.source.as_ref());
    opt_str_field(out, "owner", node.owner.as_ref());
    if let Some(sizing) = node.sizing {
        field(out, "sizing");
        let _ = writeln!(
            out,
            "(reach: {}, frequency: {}, severity: {}),",
            sizing.reach, sizing.frequency, sizing.severity
        );
    }
    u8_field(out, "market", node.market);
    u8_field(out, "company", node.company);
    u8_field(out, "customer", node.customer);
    // The file has one `evidence` field: a list (opportunities) or a strength (assumptions).
    // Should a node carry both, the one that fits its kind is written.
    let write_list = !node.evidence.is_empty()
        && (node.kind != NodeKind::Assumption || node.evidence_strength.is_none());
    if write_list {
        out.push_str("            evidence: [\n");
        for entry in &node.evidence {
            out.push_str("                (source: ");
            push_str_lit(out, &entry.source);
            if let Some(date) = &entry.date {
                out.push_str(", date: ");
                push_str_lit(out, date);
            }
            if let Some(quote) = &entry.quote {
                out.push_str(", quote: ");
                push_str_lit(out, quote);
            }
            out.push_str("),\n");
        }
        out.push_str("            ],\n");
    }
    if node.targeted {
        raw_field(out, "targeted", "true");
    }
    if let Some(status) = node.status {
        raw_field(out, "status", status.name());
    }
    u8_field(out, "effort", node.effort);
    f64_field(out, "expected_lift", node.expected_lift);
    if let Some(category) = node.category {
        raw_field(out, "category", category.name());
    }
    u8_field(out, "importance", node.importance);
    if !write_list {
        u8_field(out, "evidence", node.evidence_strength);
    }
    opt_str_field(out, "method", node.method.as_ref());
    opt_str_field(out, "success_criterion", node.success_criterion.as_ref());
    opt_str_field(out, "result", node.result.as_ref());
    if let Some(orientation) = node.orientation {
        raw_field(out, "orientation", orientation.name());
    }
    opt_str_field(out, "notes", node.notes.as_ref());
    out.push_str("        ),\n");
}

/// A float in Rust's shortest round-trip form, which always has a `.` or an exponent
/// (`1.0`, `0.1`, `1e-7`, `-0.0`) and which RON reads back to the same bits.
pub(crate) fn push_f64(out: &mut String, value: f64) {
    let _ = write!(out, "{value:?}");
}

/// A RON string literal that reads back as exactly `s` and stays on one line: quotes,
/// backslashes and control characters (including line and paragraph separators) escaped,
/// everything else written as is.
pub(crate) fn push_str_lit(out: &mut String, s: &str) {
    out.push('"');
    let needs_escape =
        |c: char| matches!(c, '"' | '\\' | '\u{2028}' | '\u{2029}') || c.is_control();
    if !s.chars().any(needs_escape) {
        out.push_str(s);
    } else {
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if needs_escape(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_onto_one_line() {
        let mut out = String::new();
        push_str_lit(&mut out, "a \"q\" \\ \n\t\r\u{0}\u{7f}\u{2028} é 😀");
        assert_eq!(out, r#""a \"q\" \\ \n\t\r\u{0}\u{7f}\u{2028} é 😀""#);
        let back: String = ron::from_str(&out).unwrap_or_default();
        assert_eq!(back, "a \"q\" \\ \n\t\r\u{0}\u{7f}\u{2028} é 😀");
    }

    #[test]
    fn floats_read_back_bit_identical() {
        for v in [
            0.0,
            -0.0,
            1.0,
            1.1,
            0.1 + 0.2,
            1e16,
            1e-7,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            -123456.789e200,
        ] {
            let mut out = String::new();
            push_f64(&mut out, v);
            assert!(out.contains('.') || out.contains('e'), "{out}");
            let back: f64 = ron::from_str(&out).unwrap_or(f64::NAN);
            assert_eq!(back.to_bits(), v.to_bits(), "{out}");
        }
    }
}
