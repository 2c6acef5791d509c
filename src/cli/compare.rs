//! `fulcrum diff` and `fulcrum merge`: what changed between two map files, and the
//! three-way merge of three, as lines for people or JSON.
//!
//! The JSON shape is part of the interface (README, "JSON shapes"): fields are added, never
//! renamed. Loading both files happens here too, shared with `merge`: each file is loaded
//! on its own thread, and a file that cannot be read or does not load is "trouble" (exit 2)
//! with its problems printed as `check` prints them.

use std::path::Path;
use std::process::ExitCode;

use serde_json::{Map as JsonMap, Value, json};

use super::ReportFormat;
use crate::edit::{Change, Conflict, Reason, Subject, Version, diff as diff_maps};
use crate::format::{self, number_text, string_text, value_text};
use crate::model::{FieldValue, Link, Map, NodeId};

/// The exit code for trouble: a file that cannot be read or does not load.
pub(super) const TROUBLE: u8 = 2;

/// Loads map files on separate threads; the first failure, rendered as `check` renders it,
/// is the error.
pub(super) fn load_maps(paths: &[&Path]) -> Result<Vec<Map>, String> {
    load_all(paths, None).into_iter().collect()
}

/// Loads versions of one map (a diff's two sides; a merge's base, ours and theirs): the
/// first, then the others on separate threads, sharing the first's nodes wherever their
/// bytes are the same (`format::load_map_like`: the same maps and problems as loading each
/// alone, most of the reading saved). The first failure, rendered as `check` renders it, is
/// the error. With `empty_is_blank`, an empty first file (git's base when both branches
/// added the file) is an empty map.
pub(super) fn load_versions(paths: &[&Path], empty_is_blank: bool) -> Result<Vec<Map>, String> {
    let Some((&first, rest)) = paths.split_first() else {
        return Ok(Vec::new());
    };
    let (first_map, kept) = if empty_is_blank && is_blank(first) {
        (Map::new(""), None)
    } else {
        format::load_map_kept(first).map_err(|err| super::render(first, &err.problems()))?
    };
    let earlier = kept.as_ref().map(|kept| kept.earlier(&first_map));
    let rest = load_all(rest, earlier.as_ref());
    drop(earlier);
    super::free_at_exit(kept);
    std::iter::once(Ok(first_map)).chain(rest).collect()
}

/// Loads each file on a thread of its own, sharing `earlier`'s nodes when given.
fn load_all(paths: &[&Path], earlier: Option<&format::Earlier<'_>>) -> Vec<Result<Map, String>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .iter()
            .map(|&path| {
                scope.spawn(move || {
                    match earlier {
                        Some(earlier) => format::load_map_like(path, earlier),
                        None => format::load_map(path),
                    }
                    .map_err(|err| super::render(path, &err.problems()))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a file could not be loaded".to_owned()))
            })
            .collect()
    })
}

/// Whether a file is empty or white space only (and small): git's base of a file both
/// branches added.
fn is_blank(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.len() < 64)
        && std::fs::read_to_string(path).is_ok_and(|t| t.trim().is_empty())
}

/// `fulcrum diff OLD NEW`: exit 0 the same, 1 different, 2 trouble.
pub(super) fn diff(old: &Path, new: &Path, format: ReportFormat) -> ExitCode {
    let maps = match load_versions(&[old, new], false) {
        Ok(maps) => maps,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(TROUBLE);
        }
    };
    let changes = diff_maps(&maps[0], &maps[1]);
    match format {
        ReportFormat::Json => {
            let list: Vec<Value> = changes.iter().map(change_json).collect();
            out!("{}", pretty(&json!({ "changes": list })));
        }
        ReportFormat::Table => {
            let mut out = String::new();
            for change in &changes {
                out.push_str(&super::output::terminal(&change_line(change)));
                out.push('\n');
            }
            out!("{out}");
        }
    }
    let code = ExitCode::from(u8::from(!changes.is_empty()));
    super::free_at_exit((maps, changes));
    code
}

/// JSON text with a final newline.
pub(super) fn pretty(value: &Value) -> String {
    // The same safe JSON as the other commands: controls and bidi overrides as \u escapes.
    super::output::json(value)
}

fn id_json(id: Option<&NodeId>) -> Value {
    id.map_or(Value::Null, |id| Value::String(id.to_string()))
}

fn number_json(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |v| json!(v))
}

pub(super) fn field_json(value: &FieldValue<'_>) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A link's name in the output: `from->to:Kind`.
pub(super) fn link_id(link: &Link) -> String {
    format!("{}->{}:{}", link.from, link.to, link.kind.name())
}

/// One change as JSON: `change` (added, removed, moved, reordered, changed), `item` (node,
/// link, scenario, map), `id` naming the item, and what the kind of change needs.
fn change_json(change: &Change) -> Value {
    let mut o = JsonMap::new();
    o.insert("change".into(), json!(change.kind().name()));
    let mut item = "node";
    let mut put = |k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    match change {
        Change::Title { old, new } => {
            item = "map";
            put("field", json!("title"));
            put("old", json!(old));
            put("new", json!(new));
        }
        Change::Added {
            id,
            parent,
            index,
            node,
        }
        | Change::Removed {
            id,
            parent,
            index,
            node,
        } => {
            put("id", json!(id.as_str()));
            put("parent", id_json(parent.as_ref()));
            put("index", json!(index));
            put("kind", json!(node.kind.name()));
            put("title", json!(node.title));
        }
        Change::Moved {
            id,
            old_parent,
            new_parent,
            old_index,
            new_index,
        } => {
            put("id", json!(id.as_str()));
            put("old_parent", id_json(old_parent.as_ref()));
            put("new_parent", id_json(new_parent.as_ref()));
            put("old_index", json!(old_index));
            put("new_index", json!(new_index));
        }
        Change::Reordered {
            id,
            parent,
            old_index,
            new_index,
        } => {
            put("id", json!(id.as_str()));
            put("parent", id_json(parent.as_ref()));
            put("old_index", json!(old_index));
            put("new_index", json!(new_index));
        }
        Change::Field {
            id,
            field,
            old,
            new,
        } => {
            put("id", json!(id.as_str()));
            put("field", json!(field.name()));
            put("old", field_json(old));
            put("new", field_json(new));
        }
        Change::History {
            id,
            period,
            old,
            new,
        } => {
            put("id", json!(id.as_str()));
            put("field", json!("history"));
            put("key", json!(period));
            put("old", number_json(*old));
            put("new", number_json(*new));
        }
        Change::LinkAdded(link) | Change::LinkRemoved(link) => {
            item = "link";
            put("id", json!(link_id(link)));
            put("from", json!(link.from.as_str()));
            put("to", json!(link.to.as_str()));
            put("kind", json!(link.kind.name()));
        }
        Change::Presentation { name, old, new } => {
            item = "presentation";
            put("id", json!(name));
            let version = |v: &Option<(usize, crate::model::Presentation)>| {
                match v {
                None => Value::Null,
                Some((_, p)) => Value::Array(
                    p.steps
                        .iter()
                        .map(|s| {
                            json!({"node": s.node.as_str(), "scenario": s.scenario, "period": s.period})
                        })
                        .collect(),
                ),
            }
            };
            put("old", version(old));
            put("new", version(new));
            if let (Some((i, _)), Some((j, _))) = (old, new) {
                put("old_index", json!(i));
                put("new_index", json!(j));
            }
        }
        Change::ScenarioAdded(s) | Change::ScenarioRemoved(s) => {
            item = "scenario";
            put("id", json!(s.name));
            let overrides: JsonMap<String, Value> = s
                .overrides
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            put("overrides", Value::Object(overrides));
        }
        Change::ScenarioReordered {
            name,
            old_index,
            new_index,
        } => {
            item = "scenario";
            put("id", json!(name));
            put("old_index", json!(old_index));
            put("new_index", json!(new_index));
        }
        Change::Override {
            scenario,
            id,
            old,
            new,
        } => {
            item = "scenario";
            put("id", json!(scenario));
            put("field", json!("overrides"));
            put("key", json!(id.as_str()));
            put("old", number_json(*old));
            put("new", number_json(*new));
        }
    }
    o.insert("item".into(), json!(item));
    Value::Object(o)
}

fn parent_text(parent: Option<&NodeId>) -> String {
    parent.map_or_else(|| "(root)".to_owned(), NodeId::to_string)
}

fn number_or_absent(v: Option<f64>) -> String {
    v.map_or_else(|| "(absent)".to_owned(), number_text)
}

fn value_or_absent(v: &FieldValue<'_>) -> String {
    if v.is_absent() {
        "(absent)".to_owned()
    } else {
        value_text(v)
    }
}

/// One change as a line for people: the kind of change, then what and how, values quoted as
/// the file writes them. Positions count from 1.
pub(crate) fn change_line(change: &Change) -> String {
    let kind = change.kind().name();
    let what = match change {
        Change::Title { old, new } => {
            format!("map title: {} → {}", string_text(old), string_text(new))
        }
        Change::Added {
            id, parent, node, ..
        } => format!(
            "node {id} under {} ({} {})",
            parent_text(parent.as_ref()),
            node.kind.name(),
            string_text(&node.title)
        ),
        Change::Removed {
            id, parent, node, ..
        } => format!(
            "node {id} from {} ({} {})",
            parent_text(parent.as_ref()),
            node.kind.name(),
            string_text(&node.title)
        ),
        Change::Moved {
            id,
            old_parent,
            new_parent,
            ..
        } => format!(
            "node {id}: {} → {}",
            parent_text(old_parent.as_ref()),
            parent_text(new_parent.as_ref())
        ),
        Change::Reordered {
            id,
            parent,
            old_index,
            new_index,
        } => format!(
            "node {id} under {}: position {} → {}",
            parent_text(parent.as_ref()),
            old_index + 1,
            new_index + 1
        ),
        Change::Field {
            id,
            field,
            old,
            new,
        } => format!(
            "{id}.{}: {} → {}",
            field.name(),
            value_or_absent(old),
            value_or_absent(new)
        ),
        Change::History {
            id,
            period,
            old,
            new,
        } => format!(
            "{id}.history[{}]: {} → {}",
            string_text(period),
            number_or_absent(*old),
            number_or_absent(*new)
        ),
        Change::LinkAdded(link) | Change::LinkRemoved(link) => {
            format!("link {} → {} ({})", link.from, link.to, link.kind.name())
        }
        Change::ScenarioAdded(s) | Change::ScenarioRemoved(s) => {
            format!("scenario {}", string_text(&s.name))
        }
        Change::Presentation { name, old, new } => {
            let steps = |v: &Option<(usize, crate::model::Presentation)>| {
                v.as_ref().map_or("(absent)".to_owned(), |(_, p)| {
                    format!("{} steps", p.steps.len())
                })
            };
            match (old, new) {
                (Some((i, o)), Some((j, n))) if o == n => format!(
                    "presentation {}: position {} → {}",
                    string_text(name),
                    i + 1,
                    j + 1
                ),
                _ => format!(
                    "presentation {}: {} → {}",
                    string_text(name),
                    steps(old),
                    steps(new)
                ),
            }
        }
        Change::ScenarioReordered {
            name,
            old_index,
            new_index,
        } => format!(
            "scenario {}: position {} → {}",
            string_text(name),
            old_index + 1,
            new_index + 1
        ),
        Change::Override {
            scenario,
            id,
            old,
            new,
        } => format!(
            "scenario {} override {id}: {} → {}",
            string_text(scenario),
            number_or_absent(*old),
            number_or_absent(*new)
        ),
    };
    format!("{kind:<10} {what}")
}

/// `fulcrum merge BASE OURS THEIRS -o OUT`: exit 0 clean, 1 conflicts (in OUT between
/// markers), 2 trouble (nothing written).
pub(super) fn merge(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    output: &Path,
    format: ReportFormat,
) -> ExitCode {
    let maps = match load_versions(&[base, ours, theirs], true) {
        Ok(maps) => maps,
        Err(message) => {
            eprintln!("{message}");
            eprintln!("nothing was written to {}", output.display());
            return ExitCode::from(TROUBLE);
        }
    };
    let merged = crate::edit::merge(&maps[0], &maps[1], &maps[2]);
    let text = format::merged_to_string(&merged);
    if let Err(err) = format::save_text(&text, output) {
        eprintln!("{}", super::render(output, &err.problems()));
        return ExitCode::from(TROUBLE);
    }
    out!("{}", conflicts_report(&merged.conflicts, format));
    if !merged.is_clean() {
        eprintln!(
            "{}: {} conflict{} left between <<<<<<< and >>>>>>> markers",
            output.display(),
            merged.conflicts.len(),
            if merged.conflicts.len() == 1 { "" } else { "s" }
        );
    }
    let code = ExitCode::from(u8::from(!merged.is_clean()));
    super::free_at_exit((maps, merged, text));
    code
}

/// The conflicts as lines (nothing for a clean merge) or as `{"conflicts": […]}`.
pub(super) fn conflicts_report(conflicts: &[Conflict], format: ReportFormat) -> String {
    match format {
        ReportFormat::Json => {
            let list: Vec<Value> = conflicts.iter().map(conflict_json).collect();
            pretty(&json!({ "conflicts": list }))
        }
        ReportFormat::Table => conflicts
            .iter()
            .map(|c| format!("{}\n", super::output::terminal(&conflict_line(c))))
            .collect(),
    }
}

/// A version as JSON: a field's value, a parent id (null for a root), a number or text;
/// `"present"`/`"absent"` for whether a node or scenario is there; null when absent.
fn version_json(version: &Version, presence: bool) -> Value {
    match version {
        Version::Absent if presence => json!("absent"),
        Version::Absent => Value::Null,
        Version::Present => json!("present"),
        Version::Parent(p) => id_json(p.as_ref()),
        Version::Field(v) => field_json(v),
        Version::Number(v) => json!(v),
        Version::Text(t) => json!(t),
    }
}

/// One conflict as JSON: `id`, `field`, `base`, `ours`, `theirs` (as SPEC §6 shows), plus
/// `item` (node, scenario, map), `reason` and, for history entries and overrides, `key`.
fn conflict_json(c: &Conflict) -> Value {
    let (item, id, field, key): (&str, Option<&str>, Option<&str>, Option<&str>) = match &c.subject
    {
        Subject::Title => ("map", None, Some("title"), None),
        Subject::Node(id) => ("node", Some(id.as_str()), None, None),
        Subject::Parent(id) => ("node", Some(id.as_str()), Some("parent"), None),
        Subject::Field(id, f) => ("node", Some(id.as_str()), Some(f.name()), None),
        Subject::History(id, p) => ("node", Some(id.as_str()), Some("history"), Some(p)),
        Subject::Scenario(name) => ("scenario", Some(name.as_str()), None, None),
        Subject::Override(name, id) => (
            "scenario",
            Some(name.as_str()),
            Some("overrides"),
            Some(id.as_str()),
        ),
        Subject::Presentations => ("map", None, Some("presentations"), None),
    };
    let presence = matches!(c.subject, Subject::Node(_) | Subject::Scenario(_));
    let mut o = JsonMap::new();
    o.insert("id".into(), id.map_or(Value::Null, |s| json!(s)));
    o.insert("field".into(), field.map_or(Value::Null, |s| json!(s)));
    if let Some(key) = key {
        o.insert("key".into(), json!(key));
    }
    o.insert("base".into(), version_json(&c.base, presence));
    o.insert("ours".into(), version_json(&c.ours, presence));
    o.insert("theirs".into(), version_json(&c.theirs, presence));
    o.insert("item".into(), json!(item));
    o.insert("reason".into(), json!(c.reason.name()));
    Value::Object(o)
}

fn version_text(version: &Version) -> String {
    match version {
        Version::Absent => "(absent)".to_owned(),
        Version::Present => "present".to_owned(),
        Version::Parent(p) => parent_text(p.as_ref()),
        Version::Field(v) => value_or_absent(v),
        Version::Number(v) => number_text(*v),
        Version::Text(t) => string_text(t),
    }
}

/// One conflict as a line for people: what, why, and the three versions.
fn conflict_line(c: &Conflict) -> String {
    let what = match &c.subject {
        Subject::Title => "the map's title".to_owned(),
        Subject::Node(id) => format!("node {id}"),
        Subject::Parent(id) => format!("{id}.parent"),
        Subject::Field(id, f) => format!("{id}.{}", f.name()),
        Subject::History(id, p) => format!("{id}.history[{}]", string_text(p)),
        Subject::Scenario(name) => format!("scenario {}", string_text(name)),
        Subject::Override(name, id) => format!("scenario {} override {id}", string_text(name)),
        Subject::Presentations => "the map's presentations".to_owned(),
    };
    let why = match c.reason {
        Reason::Changed => "changed two ways",
        Reason::Added => "added twice, differently",
        Reason::Deleted => "deleted on one side, changed on the other",
        Reason::Moved => "moved two ways",
        Reason::Cycle => "taking both would close a cycle",
    };
    format!(
        "conflict   {what} ({why}): base {}, ours {}, theirs {}",
        version_text(&c.base),
        version_text(&c.ours),
        version_text(&c.theirs)
    )
}
