//! Importing values: a CSV of `id,period,value` rows becomes one [`Command`] that merges them
//! into the metrics' `history` — the weekly refresh of a driver tree.
//!
//! Two pure steps, shared by `fulcrum values` and the app's Import values (which previews the
//! plan, then applies its command as one undo step):
//!
//! 1. [`parse_values`] reads the text against the map and either returns every row, or
//!    every bad row with its 1-based line ([`RowProblem`]) — all or nothing.
//! 2. [`plan_import`] works out what the rows change: history entries added, changed and
//!    unchanged, and the metrics whose current `value` moves, with the [`Command`] that does
//!    it (a [`Command::Batch`] of [`Command::SetNode`]s).
//!
//! The rules, where the spec leaves a choice:
//! - The first non-blank line is the header. It names the columns `id`, `period` and `value`
//!   in any order and any case; other columns are ignored (a spreadsheet export may carry a
//!   title or a note column). The delimiter is `;` when the header line has more `;` than
//!   `,`, else `,`; Excel's `sep=;` first line is honoured. A UTF-8 byte-order mark and CRLF
//!   line ends are fine; fields are trimmed; rows whose fields are all empty are skipped.
//! - Values are numbers as Rust reads them (`1200`, `-3.5`, `1e6`); `inf`, `NaN` and numbers
//!   too large for f64 are refused, and so is a decimal comma (`1234,5`).
//! - Any metric takes values, computed ones too: a computed metric's history holds its
//!   reported actuals (the roll-up still computes it from its formula, and `rollup` shows the
//!   reported figure beside the model's). Other kinds of node take none.
//! - The same id and period twice with the same value is one row; with different values it
//!   is a bad row (naming the other line).
//! - A metric's `value` follows its newest period: when the newest period of its merged
//!   history came from the import, `value` becomes that period's value; a backfill of older
//!   periods leaves `value` alone.
//!
//! Knows nothing of files: the caller reads the bytes (see [`crate::format::read_file`] and
//! [`MAX_VALUES_BYTES`]) and hands them to [`decode`].

use std::collections::HashMap;

use super::Command;
use crate::model::{Map, NodeId, NodeKind};

/// The largest CSV of values read, in bytes (64 MiB: about two million rows). Callers check
/// it before reading, so parsing never holds more than a bounded amount of memory.
pub const MAX_VALUES_BYTES: u64 = 64 * 1024 * 1024;

/// At most this many distinct unknown ids get a "did you mean" (each costs a scan of the
/// map's ids).
const MAX_SUGGESTIONS: usize = 50;

/// One good row of a CSV of values.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    /// The 1-based line of the file the row starts on (the header is line 1 or later).
    pub line: usize,
    /// The metric.
    pub id: NodeId,
    /// The period label, trimmed (such as `2026-10`).
    pub period: String,
    /// The value, finite.
    pub value: f64,
}

/// One bad row (or a problem with the whole file, on the line where it shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The 1-based line in the file.
    pub line: usize,
    /// What is wrong, as a sentence starting with a lowercase letter.
    pub message: String,
}

impl RowProblem {
    fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }

    /// The problem as one line for a terminal: `values.csv:4: message`.
    pub fn render(&self, file: &str) -> String {
        format!("{file}:{}: {}", self.line, self.message)
    }
}

/// A history entry the import adds or leaves as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The metric.
    pub id: NodeId,
    /// The period.
    pub period: String,
    /// The value in that period.
    pub value: f64,
    /// The line of the CSV it came from.
    pub line: usize,
}

/// A history entry the import changes.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryChange {
    /// The metric.
    pub id: NodeId,
    /// The period.
    pub period: String,
    /// The value the map had for that period.
    pub old: f64,
    /// The value from the CSV.
    pub new: f64,
    /// The line of the CSV it came from.
    pub line: usize,
}

/// A metric whose current `value` the import changes (it follows the newest period).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueChange {
    /// The metric.
    pub id: NodeId,
    /// Its value before (`None`: it had none).
    pub old: Option<f64>,
    /// Its value after: the value of `period`.
    pub new: f64,
    /// The newest period of its history, which the value now follows.
    pub period: String,
}

/// What an import would do, and the command that does it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// One [`Command::SetNode`] per metric that changes, in a [`Command::Batch`]: apply it as
    /// one undo step. An empty batch when nothing changes.
    pub command: Command,
    /// History entries for periods the metric had no value for, in file order.
    pub added: Vec<HistoryEntry>,
    /// History entries whose value changes, in file order.
    pub changed: Vec<HistoryChange>,
    /// History entries that already held the same value, in file order.
    pub unchanged: Vec<HistoryEntry>,
    /// Metrics whose current `value` changes, in order of their first row.
    pub values: Vec<ValueChange>,
}

impl ImportPlan {
    /// Whether applying the plan changes the map at all.
    pub fn changes_anything(&self) -> bool {
        !(self.added.is_empty() && self.changed.is_empty() && self.values.is_empty())
    }
}

/// The text of a CSV of values from its bytes: UTF-8 (with or without a byte-order mark).
/// UTF-16 (what "Unicode text" exports write) and other encodings are refused with the line
/// of the first byte that is not UTF-8.
pub fn decode(bytes: &[u8]) -> Result<&str, RowProblem> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(RowProblem::new(
            1,
            "the file is UTF-16 text; save it as CSV in UTF-8 and import that",
        ));
    }
    std::str::from_utf8(bytes).map_err(|err| {
        let good = &bytes[..err.valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        let byte = bytes.get(err.valid_up_to()).copied().unwrap_or(0);
        RowProblem::new(
            line,
            format!("the file is not UTF-8 text (byte 0x{byte:02x}); save it as CSV in UTF-8"),
        )
    })
}

/// Which column holds what.
struct Columns {
    id: usize,
    period: usize,
    value: usize,
    count: usize,
}

/// Reads a CSV of values against `map`: every row, or every bad row with its line.
///
/// Bad rows are: an unknown id (with the nearest id as a suggestion), an id that is not a
/// metric, an empty id or period, a value that is empty, not a number or not finite, a row
/// with another number of fields than the header, and an (id, period) given twice with
/// different values. A missing header or column is a problem on the header's line. Rows come
/// back in file order, each (id, period) once.
pub fn parse_values(text: &str, map: &Map) -> Result<Vec<ValueRow>, Vec<RowProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Excel's hint line `sep=;` names the delimiter; the header follows it.
    let first_line = text.lines().next().unwrap_or("");
    let (text, skipped, delimiter) = match first_line.trim().strip_prefix("sep=") {
        Some(sep) if sep.len() == 1 && sep.is_ascii() => {
            let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
            (rest, 1, sep.as_bytes()[0])
        }
        _ => (text, 0, sniff_delimiter(text)),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut rows: Vec<ValueRow> = Vec::new();
    let mut columns: Option<Columns> = None;
    let mut seen: HashMap<(NodeId, String), usize> = HashMap::new();
    let mut suggestions = Suggestions::new(map);
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                let line = err.position().map_or(1, |p| lines.at(p.byte())) + skipped;
                problems.push(RowProblem::new(line, format!("cannot read the row: {err}")));
                break;
            }
        }
        let line = record.position().map_or(1, |p| lines.at(p.byte())) + skipped;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let Some(cols) = &columns else {
            match header(&record) {
                Ok(found) => columns = Some(found),
                Err(message) => {
                    // Without the columns no row can be read.
                    problems.push(RowProblem::new(line, message));
                    return Err(problems);
                }
            }
            continue;
        };
        if record.len() != cols.count {
            problems.push(RowProblem::new(
                line,
                format!(
                    "the row has {} field{}; the header has {} (is a `{}` missing, or one too \
                     many?)",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    cols.count,
                    delimiter as char,
                ),
            ));
            continue;
        }
        let field = |k: usize| record.get(k).unwrap_or("");
        match read_row(
            map,
            &mut suggestions,
            field(cols.id),
            field(cols.period),
            field(cols.value),
        ) {
            Ok((id, period, value)) => {
                let key = (id, period);
                if let Some(&earlier) = seen.get(&key) {
                    let first = &rows[earlier];
                    if first.value != value {
                        problems.push(RowProblem::new(
                            line,
                            format!(
                                "`{}` {} is also on line {} with another value ({} there, {} \
                                 here)",
                                key.0, key.1, first.line, first.value, value
                            ),
                        ));
                    }
                    continue;
                }
                seen.insert(key.clone(), rows.len());
                rows.push(ValueRow {
                    line,
                    id: key.0,
                    period: key.1,
                    value,
                });
            }
            Err(messages) => problems.push(RowProblem::new(line, messages.join("; "))),
        }
    }
    if columns.is_none() {
        problems.push(RowProblem::new(
            1,
            "the file is empty; it needs a header row `id,period,value` and a row per value",
        ));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Line numbers from byte offsets, for offsets that only grow (the csv crate's own line
/// count is off after CRLF line ends).
struct LineCounter<'t> {
    text: &'t [u8],
    byte: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The 1-based line where the record at byte offset `byte` starts (offsets asked about
    /// only grow). After a CRLF the crate places a record at the `\n` before it, so line
    /// ends at the offset are stepped over first.
    fn at(&mut self, byte: u64) -> usize {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte > self.byte {
            self.line += self.text[self.byte..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.byte = byte;
        }
        self.line
    }
}

/// `;` when the first line has more semicolons than commas, else `,`.
fn sniff_delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| line.chars().filter(|&x| x == c).count();
    if count(';') > count(',') { b';' } else { b',' }
}

/// Finds the three columns in the header row.
fn header(record: &csv::StringRecord) -> Result<Columns, String> {
    let mut found: [Option<usize>; 3] = [None; 3];
    const NAMES: [&str; 3] = ["id", "period", "value"];
    for (k, name) in record.iter().enumerate() {
        let name = name.to_lowercase();
        if let Some(slot) = NAMES.iter().position(|&n| n == name) {
            if found[slot].is_some() {
                return Err(format!("the header names the `{name}` column twice"));
            }
            found[slot] = Some(k);
        }
    }
    match found {
        [Some(id), Some(period), Some(value)] => Ok(Columns {
            id,
            period,
            value,
            count: record.len(),
        }),
        _ => {
            let missing: Vec<String> = NAMES
                .iter()
                .zip(found)
                .filter(|(_, f)| f.is_none())
                .map(|(n, _)| format!("`{n}`"))
                .collect();
            let shown: Vec<&str> = record.iter().collect();
            Err(format!(
                "the header has no {} column (found `{}`); the first row must name the columns \
                 id, period and value",
                missing.join(" or "),
                shown.join(",").chars().take(80).collect::<String>()
            ))
        }
    }
}

/// Checks one row's fields; every problem with them, in words.
fn read_row(
    map: &Map,
    suggestions: &mut Suggestions<'_>,
    id: &str,
    period: &str,
    value: &str,
) -> Result<(NodeId, String, f64), Vec<String>> {
    let mut problems = Vec::new();
    let id = match map.id(id) {
        _ if id.is_empty() => {
            problems.push("the id is empty".to_owned());
            None
        }
        Some(found) => match map.node(id).map(|n| n.kind) {
            Some(NodeKind::Metric) => Some(found.clone()),
            Some(kind) => {
                problems.push(format!(
                    "`{id}` is {} {}, not a metric; only metrics take values",
                    article(kind.name()),
                    kind.name()
                ));
                None
            }
            None => None,
        },
        None => {
            let mut message = format!("there is no node `{}` in the map", shown(id));
            if let Some(near) = suggestions.near(id) {
                message.push_str(&format!(" (did you mean `{near}`?)"));
            }
            problems.push(message);
            None
        }
    };
    if period.is_empty() {
        problems.push("the period is empty".to_owned());
    } else if period.chars().any(char::is_control) {
        problems.push("the period holds a control character".to_owned());
    }
    let value = match value.parse::<f64>() {
        _ if value.is_empty() => {
            problems.push("the value is empty".to_owned());
            None
        }
        Ok(v) if v.is_finite() => Some(v),
        Ok(_) => {
            problems.push(format!("`{}` is not a finite number", shown(value)));
            None
        }
        Err(_) => {
            let hint = if value.contains(',') && value.replace(',', ".").parse::<f64>().is_ok() {
                " (write decimals with a point: 1234.5)"
            } else {
                ""
            };
            problems.push(format!("`{}` is not a number{hint}", shown(value)));
            None
        }
    };
    match (id, value) {
        (Some(id), Some(value)) if problems.is_empty() => Ok((id, period.to_owned(), value)),
        _ => Err(problems),
    }
}

/// A field as quoted in a message: control characters escaped, at most 60 characters.
fn shown(field: &str) -> String {
    let mut out: String = field
        .chars()
        .take(60)
        .collect::<String>()
        .escape_debug()
        .collect();
    if field.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// "Did you mean" for unknown ids: the id written the way ids are made (`Churned MRR` →
/// `churned_mrr`), else the nearest metric id by edit distance, if near enough.
struct Suggestions<'m> {
    map: &'m Map,
    /// Metric ids, in file order.
    ids: Vec<&'m str>,
    cache: HashMap<String, Option<String>>,
}

impl<'m> Suggestions<'m> {
    fn new(map: &'m Map) -> Self {
        Self {
            map,
            ids: Vec::new(),
            cache: HashMap::new(),
        }
    }

    fn near(&mut self, unknown: &str) -> Option<String> {
        if let Some(known) = self.cache.get(unknown) {
            return known.clone();
        }
        if self.cache.len() >= MAX_SUGGESTIONS {
            return None;
        }
        if self.ids.is_empty() {
            self.ids = self
                .map
                .iter()
                .filter(|(_, n)| n.kind == NodeKind::Metric)
                .map(|(id, _)| id.as_str())
                .collect();
        }
        let found = self.search(unknown);
        self.cache.insert(unknown.to_owned(), found.clone());
        found
    }

    fn search(&self, unknown: &str) -> Option<String> {
        let made: String = unknown
            .trim()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        if self.ids.contains(&made.as_str()) {
            return Some(made);
        }
        let len = unknown.chars().count();
        let limit = (len / 3).max(2);
        self.ids
            .iter()
            .filter(|id| id.len().abs_diff(len) <= limit)
            .map(|id| (strsim::levenshtein(&made, id), *id))
            .filter(|(d, _)| *d <= limit)
            .min_by_key(|(d, _)| *d)
            .map(|(_, id)| id.to_owned())
    }
}

/// What the rows change in `map`, and the command that changes it.
///
/// Rows are expected from [`parse_values`] for this map; a row whose id is no longer a metric
/// of `map` (the map changed since) is left out. Each changed metric gets one
/// [`Command::SetNode`] with its merged history and, when the newest period came from the
/// rows, its `value` set to that period's value.
pub fn plan_import(map: &Map, rows: &[ValueRow]) -> ImportPlan {
    let mut plan = ImportPlan {
        command: Command::Batch(Vec::new()),
        added: Vec::new(),
        changed: Vec::new(),
        unchanged: Vec::new(),
        values: Vec::new(),
    };
    // Rows by metric, metrics in order of their first row.
    let mut order: Vec<&NodeId> = Vec::new();
    let mut by_id: HashMap<&NodeId, Vec<&ValueRow>> = HashMap::new();
    for row in rows {
        let is_metric = map
            .node(row.id.as_str())
            .is_some_and(|n| n.kind == NodeKind::Metric);
        if !is_metric {
            continue;
        }
        by_id
            .entry(&row.id)
            .or_insert_with(|| {
                order.push(&row.id);
                Vec::new()
            })
            .push(row);
    }
    let mut commands = Vec::new();
    for id in order {
        let Some(node) = map.node(id.as_str()) else {
            continue;
        };
        let mut new = node.clone();
        let mut touched = false;
        for row in &by_id[id] {
            let entry = HistoryEntry {
                id: id.clone(),
                period: row.period.clone(),
                value: row.value,
                line: row.line,
            };
            match node.history.get(&row.period) {
                None => plan.added.push(entry),
                Some(&old) if old == row.value => plan.unchanged.push(entry),
                Some(&old) => plan.changed.push(HistoryChange {
                    id: id.clone(),
                    period: row.period.clone(),
                    old,
                    new: row.value,
                    line: row.line,
                }),
            }
            if node.history.get(&row.period) != Some(&row.value) {
                new.history.insert(&row.period, row.value);
                touched = true;
            }
        }
        // The value follows the newest period when the rows brought it.
        let newest = new.history.iter().next_back();
        if let Some((period, &value)) = newest
            && by_id[id].iter().any(|r| r.period == period)
            && node.value != Some(value)
        {
            plan.values.push(ValueChange {
                id: id.clone(),
                old: node.value,
                new: value,
                period: period.to_owned(),
            });
            new.value = Some(value);
            touched = true;
        }
        if touched {
            commands.push(Command::SetNode {
                id: id.clone(),
                node: Box::new(new),
            });
        }
    }
    plan.command = Command::Batch(commands);
    plan
}
