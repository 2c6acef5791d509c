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
    // Cells are cut to the column limit before they are kept, so a long text (a cycle's
    // reason on every row) costs the table 48 characters a cell, not its length. A number is
    // rounded before it is cut (f64's longest plain text is some 330 characters).
    let cut = |c: &str| -> String { c.chars().take(48).collect() };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| {
                    let c = if c.len() <= 400 { rounded(c) } else { cut(c) };
                    cut(&terminal(&cut(&c)))
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(48));
        }
    }
    let mut push_row = |cells: Vec<String>| {
        let line: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    };
    push_row(header.iter().map(|h| (*h).to_owned()).collect());
    for row in rows {
        push_row(row);
    }
    out
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
