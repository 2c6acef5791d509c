//! Rendering roll-up and leverage results as a table, CSV or JSON, in a form that cannot
//! attack its reader.
//!
//! The JSON shapes are part of Fulcrum's interface (see the README); fields are added, never
//! renamed. Text from a map reaches a terminal only through [`terminal`], which writes every
//! control character and bidirectional override as an escape (`\u{1b}`): tables, `check`
//! messages and errors. JSON escapes the same characters as `\u001b` (still the same string
//! to any JSON reader). CSV cells that a spreadsheet would run as a formula (text starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) start with `'`, as OWASP advises
//! against CSV injection, and the same controls as for a terminal are escaped but for the
//! tab and line breaks, which CSV quotes.

use std::borrow::Cow;
use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::OutputFormat;
use crate::engine::{Analysis, Leverage, Rag, status};
use crate::model::{Map, NodeKind, clip};

/// One metric's roll-up, as printed.
#[derive(Debug, Serialize)]
pub(super) struct RollupRow<'a> {
    id: String,
    title: String,
    /// The value (under the scenario, when one is chosen); `None` when there is none.
    value: Option<f64>,
    /// Why there is no value (borrowed: every metric of a cycle shares one reason).
    error: Option<&'a str>,
    status: Option<Rag>,
    /// The value without the scenario; only under `--scenario`.
    #[serde(skip_serializing_if = "Option::is_none")]
    actual: Option<Option<f64>>,
    /// For a computed metric that also has a `value`: that reported figure (the model's
    /// figure is `value`). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    reported: Option<f64>,
}

#[derive(Serialize)]
struct RollupJson<'a> {
    nodes: &'a [RollupRow<'a>],
}

/// The rows of a roll-up: every metric, in file order.
pub(super) fn rollup_rows<'a>(map: &Map, analysis: &'a Analysis) -> Vec<RollupRow<'a>> {
    map.iter()
        .filter(|(_, node)| node.kind == NodeKind::Metric)
        .filter_map(|(id, node)| {
            let result = analysis.value(id.as_str())?;
            let (value, error) = match result {
                Ok(v) => (Some(v), None),
                Err(reason) => (None, Some(reason)),
            };
            let actual = analysis
                .actual
                .as_ref()
                .map(|_| analysis.actual_value(id.as_str()).and_then(Result::ok));
            let reported = node.formula.as_ref().and(node.value);
            Some(RollupRow {
                reported,
                id: id.to_string(),
                title: node.title.clone(),
                status: value.and_then(|v| status(node, v)),
                value,
                error,
                actual,
            })
        })
        .collect()
}

/// Renders roll-up rows.
pub(super) fn rollup(rows: &[RollupRow<'_>], scenario: bool, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(&RollupJson { nodes: rows }),
        OutputFormat::Csv | OutputFormat::Table => {
            let mut header = vec!["id", "title", "value", "status"];
            if scenario {
                header.extend(["actual", "delta"]);
            }
            let reported = rows.iter().any(|r| r.reported.is_some());
            if reported {
                header.extend(["reported", "model_minus_reported"]);
            }
            header.push("error");
            let body = rows
                .iter()
                .map(|r| {
                    let mut cells = vec![
                        r.id.clone(),
                        r.title.clone(),
                        number(r.value),
                        r.status.map(Rag::name).unwrap_or_default().to_owned(),
                    ];
                    if scenario {
                        let actual = r.actual.flatten();
                        let delta = r.value.zip(actual).map(|(v, a)| v - a);
                        cells.extend([number(actual), number(delta)]);
                    }
                    if reported {
                        let gap = r.value.zip(r.reported).map(|(v, a)| v - a);
                        cells.extend([number(r.reported), number(gap)]);
                    }
                    let error = r.error.unwrap_or_default();
                    cells.push(if format == OutputFormat::Table {
                        // The table shows 48 characters of a cell; keep no more.
                        error.chars().take(48).collect()
                    } else {
                        error.to_owned()
                    });
                    cells
                })
                .collect::<Vec<_>>();
            render_cells(&header, &body, format)
        }
    }
}

#[derive(Serialize)]
struct LeverJson<'a> {
    id: &'a str,
    title: &'a str,
    value: Option<f64>,
    sensitivity: Option<f64>,
    elasticity: Option<f64>,
    impact_to_target: Option<f64>,
    approximate: bool,
    lever: bool,
}

#[derive(Serialize)]
struct LeverageJson<'a> {
    top: &'a str,
    value: f64,
    levers: Vec<LeverJson<'a>>,
}

/// Renders a leverage ranking.
pub(super) fn leverage(map: &Map, leverage: &Leverage, format: OutputFormat) -> String {
    let title = |id: &str| map.node(id).map_or("", |n| n.title.as_str());
    match format {
        OutputFormat::Json => json(&LeverageJson {
            top: leverage.top.as_str(),
            value: leverage.value,
            levers: leverage
                .levers
                .iter()
                .map(|l| LeverJson {
                    id: l.id.as_str(),
                    title: title(l.id.as_str()),
                    value: l.value,
                    sensitivity: l.sensitivity,
                    elasticity: l.elasticity,
                    impact_to_target: l.impact_to_target,
                    approximate: l.approximate,
                    lever: l.is_lever,
                })
                .collect(),
        }),
        OutputFormat::Csv | OutputFormat::Table => {
            let header = [
                "id",
                "title",
                "value",
                "sensitivity",
                "elasticity",
                "impact_to_target",
                "approximate",
                "lever",
            ];
            let body = leverage
                .levers
                .iter()
                .map(|l| {
                    vec![
                        l.id.to_string(),
                        title(l.id.as_str()).to_owned(),
                        number(l.value),
                        number(l.sensitivity),
                        number(l.elasticity),
                        number(l.impact_to_target),
                        if l.approximate { "yes" } else { "no" }.to_owned(),
                        if l.is_lever { "yes" } else { "no" }.to_owned(),
                    ]
                })
                .collect::<Vec<_>>();
            let mut out = String::new();
            if format == OutputFormat::Table {
                out.push_str(&format!(
                    "top: {} ({}) = {}\n\n",
                    leverage.top,
                    terminal(&clip(title(leverage.top.as_str()))),
                    rounded(&number(Some(leverage.value)))
                ));
            }
            out.push_str(&render_cells(&header, &body, format));
            out
        }
    }
}

/// A number as printed in CSV: the shortest text that reads back exactly; empty for none
/// (and for a non-finite number, which the engine never gives: no cell says `NaN` or `inf`).
pub(super) fn number(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map(|v| format!("{v}"))
        .unwrap_or_default()
}

/// A number as shown in a table: rounded to 10 significant digits, so float noise such as
/// `0.050000000000000044` reads `0.05`; in exponent form (`1.5e300`, `2e-12`) outside
/// 1e-7 ≤ |x| < 1e15, so a huge or tiny number is not cut to the column's 48 characters.
/// CSV and JSON keep every digit.
pub(super) fn rounded(cell: &str) -> String {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v != 0.0 => format!("{:.9e}", v).parse::<f64>().map_or_else(
            |_| cell.to_owned(),
            |r| {
                if (1e-7..1e15).contains(&r.abs()) {
                    format!("{r}")
                } else {
                    format!("{r:e}")
                }
            },
        ),
        _ => cell.to_owned(),
    }
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, SafeJson(PrettyFormatter::new()));
    // Serialising plain structs of strings and finite numbers cannot fail.
    if let Err(e) = value.serialize(&mut serializer) {
        return format!(
            "{{\"error\": {}}}\n",
            serde_json::Value::from(e.to_string())
        );
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}

/// serde_json's pretty layout, with the characters [`is_hostile`] also written as `\uXXXX`
/// escapes (serde_json escapes only C0 controls), so JSON on a terminal cannot drive it
/// either. Still valid JSON, read back as the same strings.
struct SafeJson(PrettyFormatter<'static>);

impl Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Printable ASCII, as ids and most titles are, holds nothing to escape.
        if fragment.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_hostile(c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Whether `c` can drive a terminal or reorder what it shows: C0 controls, DEL, C1 controls,
/// and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
pub(super) fn is_hostile(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` for a terminal: every [`is_hostile`] character written as a Rust escape
/// (`\u{1b}`), the rest as it is. Borrows when there is nothing to escape.
pub(super) fn terminal(text: &str) -> Cow<'_, str> {
    escape_where(text, is_hostile)
}

/// `text` with the characters `hostile` picks written as `\u{…}`.
fn escape_where(text: &str, hostile: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hostile(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Renders a header and rows as aligned columns or CSV.
pub(super) fn render_cells(header: &[&str], rows: &[Vec<String>], format: OutputFormat) -> String {
    let mut out = String::new();
    if format == OutputFormat::Csv {
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            cells.map(csv_field).collect::<Vec<_>>().join(",")
        };
        out.push_str(&line(&mut header.iter().copied()));
        out.push('\n');
        for row in rows {
            out.push_str(&line(&mut row.iter().map(String::as_str)));
            out.push('\n');
        }
        return out;
    }
    let rows: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|row| row.iter().map(|c| table_cell(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(48));
        }
    }
    let mut line = String::new();
    let mut push_row = |cells: &mut dyn Iterator<Item = &str>| {
        line.clear();
        for (i, (cell, &w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            let pad = w.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(&mut header.iter().copied());
    for row in &rows {
        push_row(&mut row.iter().map(|c| c.as_ref()));
    }
    out
}

/// A cell as a table shows it: a number [`rounded`], cut to the column limit of 48
/// characters, every [`is_hostile`] character escaped. A long text (a cycle's reason on
/// every row) is cut before it is rounded or escaped, so it costs 48 characters, not its
/// length. A short cell of printable ASCII that rounding keeps is borrowed as it is.
fn table_cell(c: &str) -> Cow<'_, str> {
    if c.len() <= 48 && c.bytes().all(|b| (b' '..=b'~').contains(&b)) && kept_by_rounding(c) {
        return Cow::Borrowed(c);
    }
    let cut = |c: &str| -> String { c.chars().take(48).collect() };
    let c = if c.len() <= 400 { rounded(c) } else { cut(c) };
    Cow::Owned(cut(&terminal(&cut(&c))))
}

/// Whether [`rounded`] gives `cell` back unchanged, told from the text alone (`false` when
/// unsure). Text that does not start like a number does not read as a finite one (`inf`,
/// `NaN` read as non-finite numbers, which are kept too). A number written as Rust displays
/// one — no exponent, no leading zero before other digits, no trailing zero after the point —
/// with at most 10 digits, and within 1e-7 ≤ |x| < 1e15, is kept: rounding to 10
/// significant digits gives the same number back, and the shortest text of a number of at
/// most 15 digits is those digits.
fn kept_by_rounding(cell: &str) -> bool {
    let bytes = cell.as_bytes();
    match bytes.first() {
        None => return true,
        Some(b) if !matches!(b, b'0'..=b'9' | b'+' | b'-' | b'.') => return true,
        Some(_) => {}
    }
    let unsigned = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let (int, frac) = match unsigned.iter().position(|&b| b == b'.') {
        Some(dot) => (&unsigned[..dot], &unsigned[dot + 1..]),
        None => (unsigned, &[][..]),
    };
    let digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    let has_point = int.len() < unsigned.len();
    if int.is_empty()
        || !digits(int)
        || !digits(frac)
        || (int.len() > 1 && int[0] == b'0')
        || (has_point && (frac.is_empty() || frac.ends_with(b"0")))
    {
        return false;
    }
    if int == b"0" {
        let zeros = frac.iter().take_while(|&&b| b == b'0').count();
        // Zero itself goes the long way; 1e-7 is six zeros after the point.
        zeros < frac.len() && zeros <= 6 && frac.len() - zeros <= 10
    } else {
        int.len() + frac.len() <= 10
    }
}

/// A CSV field: text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return, and not a number) prefixed with `'`; controls escaped as for
/// a terminal but for tabs and line breaks; quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let s = escape_where(s, |c| is_hostile(c) && !matches!(c, '\t' | '\n' | '\r'));
    let s = if formula {
        Cow::Owned(format!("'{s}"))
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The long way every cell went before the borrowed shortcut.
    fn long_way(c: &str) -> String {
        let cut = |c: &str| -> String { c.chars().take(48).collect() };
        let c = if c.len() <= 400 { rounded(c) } else { cut(c) };
        cut(&terminal(&cut(&c)))
    }

    #[test]
    fn kept_cells_are_exactly_the_rounded_ones() {
        for c in [
            "",
            "m1",
            "2026-11",
            "821.8",
            "-5",
            "0.5",
            "0.0000001",
            "0.00000001",
            "100",
            "1234567890",
            "12345678901",
            "0.1234567891",
            "0.12345678901",
            "1.50",
            "01",
            "-0",
            "0",
            "0.0",
            "1.",
            ".5",
            "+5",
            "1e5",
            "inf",
            "NaN",
            "-inf",
            "999999999999999",
            "0.30000000000000004",
            "1000000000000000",
            "x\u{1b}y",
        ] {
            assert_eq!(table_cell(c), long_way(c), "{c:?}");
            if kept_by_rounding(c) {
                assert_eq!(rounded(c), c, "{c:?}");
            }
        }
        assert!(kept_by_rounding("821.8") && kept_by_rounding("-0.0000001"));
        assert!(!kept_by_rounding("0.00000001") && !kept_by_rounding("12345678901"));
    }

    proptest! {
        #[test]
        fn a_borrowed_cell_is_what_the_long_way_gives(
            bits in any::<u64>(),
            decimal in -1e16f64..1e16,
            digits in 0u32..12,
        ) {
            let scale = 10f64.powi(digits as i32);
            for v in [f64::from_bits(bits), decimal, (decimal * scale).round() / scale, decimal / 1e12] {
                for c in [format!("{v}"), format!("{v:?}"), format!("{v:e}"), format!("{v:.3}")] {
                    prop_assert_eq!(table_cell(&c), long_way(&c), "{:?}", c);
                }
            }
        }
    }
}
