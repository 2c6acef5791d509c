//! The canonical writer: a map as text in the lowest format that holds it (1; 2 when it
//! has named presentations; 3 when a node holds both evidence entries and an evidence score,
//! the score then written `evidence_strength`), byte-identical for the same map.
//!
//! Hand-written rather than ron's serializer so the shape is exactly the documented one: the
//! `implicit_some` header, 4-space indent, nodes in depth-first order one field per line in
//! the order of [`Node`]'s fields, absent optional fields omitted, so a one-field edit is a
//! one-line diff. The fields come from the model's table ([`Field::ALL`]), so the writer names
//! none of them. Strings are escaped so that no field ever spans lines, and floats use Rust's
//! shortest round-trip form so they read back bit-identical. This module does not validate:
//! a non-finite number is written as RON's `NaN`/`inf`, which loading then refuses, so
//! [`super::save`] validates first.

use std::fmt::Write as _;

use crate::model::{
    Evidence, Field, FieldValue, Formula, Map, Node, Presentation, PresentationStep,
};

/// Maps with at least this many nodes are written on two threads, half the nodes each.
const PARALLEL_MIN_NODES: usize = 20_000;

/// The canonical text of a map.
pub(crate) fn to_string(map: &Map) -> String {
    let mut out = String::with_capacity(256 + map.len() * 256);
    out.push_str("#![enable(implicit_some)]\nMap(\n");
    let _ = writeln!(out, "    format: {},", super::format_of(map));
    out.push_str("    title: ");
    push_str_lit(&mut out, map.title());
    out.push_str(",\n");

    // The flat depth-first view: ids, nodes and parents by position, no hashing per node.
    let dense = map.dense();
    if dense.ids.is_empty() {
        out.push_str("    nodes: [],\n");
    } else {
        out.push_str("    nodes: [\n");
        let write_nodes = |out: &mut String, range: std::ops::Range<usize>| {
            for k in range {
                let parent = dense.parent[k].and_then(|p| dense.ids.get(p as usize));
                let (id, node) = (dense.ids[k].as_str(), dense.nodes[k]);
                push_node(out, id, parent.map(|p| p.as_str()), node);
            }
        };
        let n = dense.ids.len();
        // A big map's second half is written on another core, then appended.
        if n >= PARALLEL_MIN_NODES && crate::threads::two_cores() {
            let (tail, ()) = crate::threads::in_parallel(
                || {
                    let mut tail = String::with_capacity((n - n / 2) * 256);
                    write_nodes(&mut tail, n / 2..n);
                    tail
                },
                || write_nodes(&mut out, 0..n / 2),
            );
            out.push_str(&tail);
        } else {
            write_nodes(&mut out, 0..n);
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
    push_presentations(&mut out, map.presentations());
    out.push_str(")\n");
    out
}

/// The `presentations` list (format 2), one field per line and one step per line, so
/// adding, moving or changing a step is a one-line diff; nothing when there are none.
pub(crate) fn push_presentations(out: &mut String, presentations: &[Presentation]) {
    if presentations.is_empty() {
        return;
    }
    out.push_str("    presentations: [\n");
    for p in presentations {
        out.push_str("        (\n            name: ");
        push_str_lit(out, &p.name);
        if p.steps.is_empty() {
            out.push_str(",\n            steps: [],\n");
        } else {
            out.push_str(",\n            steps: [\n");
            for step in &p.steps {
                out.push_str("                ");
                push_step(out, step);
                out.push_str(",\n");
            }
            out.push_str("            ],\n");
        }
        out.push_str("        ),\n");
    }
    out.push_str("    ],\n");
}

/// One step on one line: `(node: "churn", scenario: "Stretch", period: "2026-10")`.
fn push_step(out: &mut String, step: &PresentationStep) {
    out.push_str("(node: ");
    push_str_lit(out, step.node.as_str());
    if let Some(scenario) = &step.scenario {
        out.push_str(", scenario: ");
        push_str_lit(out, scenario);
    }
    if let Some(period) = &step.period {
        out.push_str(", period: ");
        push_str_lit(out, period);
    }
    out.push(')');
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

/// A node: its id and parent, then every field the file writes for it, in the order of
/// [`Field::ALL`], one per line.
fn push_node(out: &mut String, id: &str, parent: Option<&str>, node: &Node) {
    out.push_str("        (\n");
    str_field(out, "id", id);
    if let Some(parent) = parent {
        str_field(out, "parent", parent);
    }
    for f in Field::ALL {
        if let Some(value) = f.written(node) {
            push_field_line(out, f.name_for(node), &value);
        }
    }
    out.push_str("        ),\n");
}

/// One field line of a node as the canonical writer writes it (the `evidence` list spans
/// several lines), ending with a newline. `name` is the field's name in the file
/// ([`Field::name_for`] the node).
pub(crate) fn push_field_line(out: &mut String, name: &str, value: &FieldValue<'_>) {
    field(out, name);
    push_value(out, value, true);
    out.push_str(",\n");
}

/// A field's value as the file writes it (`1.1`, `"text"`, `Expr("a + b")`, `(warn: 1.0,
/// alert: 0.5)`). With `multiline`, evidence entries go one per line at the writer's indent,
/// as in a saved file; otherwise everything is on one line. `Absent` is written as `None`.
pub(crate) fn push_value(out: &mut String, value: &FieldValue<'_>, multiline: bool) {
    use FieldValue as V;
    match value {
        V::Absent => out.push_str("None"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Number(v) => push_f64(out, *v),
        V::Score(v) => {
            let _ = write!(out, "{v}");
        }
        V::Text(t) => push_str_lit(out, t),
        V::Kind(k) => out.push_str(k.name()),
        V::Formula(formula) => match formula.as_ref() {
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
        },
        V::Display(d) => out.push_str(d.name()),
        V::Direction(d) => out.push_str(d.name()),
        V::Thresholds(t) => {
            out.push_str("(warn: ");
            push_f64(out, t.warn);
            out.push_str(", alert: ");
            push_f64(out, t.alert);
            out.push(')');
        }
        V::History(history) => {
            out.push('{');
            for (i, (period, value)) in history.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_str_lit(out, period);
                out.push_str(": ");
                push_f64(out, *value);
            }
            out.push('}');
        }
        V::Sizing(s) => {
            let _ = write!(
                out,
                "(reach: {}, frequency: {}, severity: {})",
                s.reach, s.frequency, s.severity
            );
        }
        V::Evidence(entries) => {
            out.push('[');
            for (i, entry) in entries.iter().enumerate() {
                if multiline {
                    out.push_str("\n                ");
                } else if i > 0 {
                    out.push_str(", ");
                }
                push_evidence(out, entry);
                if multiline {
                    out.push(',');
                }
            }
            if multiline {
                out.push_str("\n            ");
            }
            out.push(']');
        }
        V::Status(s) => out.push_str(s.name()),
        V::Category(c) => out.push_str(c.name()),
        V::Orientation(o) => out.push_str(o.name()),
    }
}

fn push_evidence(out: &mut String, entry: &Evidence) {
    out.push_str("(source: ");
    push_str_lit(out, &entry.source);
    if let Some(date) = &entry.date {
        out.push_str(", date: ");
        push_str_lit(out, date);
    }
    if let Some(quote) = &entry.quote {
        out.push_str(", quote: ");
        push_str_lit(out, quote);
    }
    out.push(')');
}

/// A field's value on one line, as the file writes it (see [`push_value`]).
pub(crate) fn value_text(value: &FieldValue<'_>) -> String {
    let mut out = String::new();
    push_value(&mut out, value, false);
    out
}

/// A float in Rust's shortest round-trip form, which always has a `.` or an exponent
/// (`1.0`, `0.1`, `1e-7`, `-0.0`) and which RON reads back to the same bits.
pub(crate) fn push_f64(out: &mut String, value: f64) {
    if !push_short_decimal(out, value) {
        let _ = write!(out, "{value:?}");
    }
}

/// Writes `value` as `{:?}` would when it is a decimal of at most 15 significant digits
/// and at most 6 after the point, from 1e-4 up — what most figures in a map are — without
/// the formatting machinery (a save of 100k nodes writes some 400k numbers). `false`, with
/// nothing written, for any other value.
///
/// Why it is the same text: `digits / 10^places` with both exact in an `f64` rounds once,
/// so when it gives back `value`, the decimal `digits × 10^-places` reads as `value`. Two
/// different decimals of at most 15 significant digits lie further apart than an `f64`'s
/// neighbours, so no other decimal that short reads as `value`: this one, with the fewest
/// places, is the shortest round-trip form `{:?}` writes, and from 1e-4 to 1e16 `{:?}`
/// writes it plainly, with `.0` when it is whole.
fn push_short_decimal(out: &mut String, value: f64) -> bool {
    const SCALE: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    const MAX_DIGITS: f64 = 1e15;
    let magnitude = value.abs();
    if !(1e-4..MAX_DIGITS).contains(&magnitude) {
        return false;
    }
    let Some((places, digits)) = SCALE.iter().enumerate().find_map(|(places, &scale)| {
        let scaled = magnitude * scale;
        let whole = scaled.round();
        (whole < MAX_DIGITS && whole / scale == magnitude).then_some((places, whole as u64))
    }) else {
        return false;
    };
    if value.is_sign_negative() {
        out.push('-');
    }
    let mut buffer = itoa::Buffer::new();
    let text = buffer.format(digits);
    if places == 0 {
        out.push_str(text);
        out.push_str(".0");
    } else if text.len() > places {
        let (whole, fraction) = text.split_at(text.len() - places);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', places - text.len()));
        out.push_str(text);
    }
    true
}

/// A RON string literal that reads back as exactly `s` and stays on one line: quotes,
/// backslashes and control characters (including line and paragraph separators) escaped,
/// everything else written as is.
pub(crate) fn push_str_lit(out: &mut String, s: &str) {
    out.push('"');
    let needs_escape =
        |c: char| matches!(c, '"' | '\\' | '\u{2028}' | '\u{2029}') || c.is_control();
    // Most text is printable ASCII without a quote or a backslash, told byte by byte.
    let plain = |b: &u8| (b' '..=b'~').contains(b) && !matches!(b, b'"' | b'\\');
    if s.as_bytes().iter().all(plain) || !s.chars().any(needs_escape) {
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
    use proptest::prelude::*;

    fn written(value: f64) -> String {
        let mut out = String::new();
        push_f64(&mut out, value);
        out
    }

    #[test]
    fn numbers_are_written_as_debug_writes_them_at_every_bound() {
        for value in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.3,
            0.2 + 0.1,
            1e-4,
            0.00012,
            9.999999999999999e-5,
            1e-5,
            1.5e-5,
            999999999999999.0,
            1e15,
            9999999999999998.0,
            1e16,
            1.2345e16,
            1e300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            821.8,
            -821.8,
            96000.0,
            123456.789,
            0.123456,
            0.1234567,
            100.000001,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::from_bits(4_830_142_413_177_121_562),
        ] {
            assert_eq!(written(value), format!("{value:?}"), "{value:?}");
        }
        let mut out = String::new();
        assert!(push_short_decimal(&mut out, 821.8));
        assert_eq!(out, "821.8");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn any_number_is_written_as_debug_writes_it(bits in any::<u64>()) {
            let value = f64::from_bits(bits);
            prop_assert_eq!(written(value), format!("{value:?}"));
        }

        #[test]
        fn any_number_in_the_plain_range_is_written_as_debug_writes_it(
            value in 1e-5f64..1e16,
            negative in any::<bool>(),
        ) {
            let value = if negative { -value } else { value };
            prop_assert_eq!(written(value), format!("{value:?}"));
        }

        #[test]
        fn any_short_decimal_is_written_as_debug_writes_it(
            digits in 0u64..10_000_000_000_000_000,
            places in 0i32..10,
            negative in any::<bool>(),
        ) {
            let value = digits as f64 / 10f64.powi(places) * if negative { -1.0 } else { 1.0 };
            prop_assert_eq!(written(value), format!("{value:?}"));
        }
    }

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
