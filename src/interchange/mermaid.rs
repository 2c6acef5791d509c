//! The map as a Mermaid `flowchart`: one node per map node with generated ids (`n1`, `n2`, …
//! in depth-first order — never the map's ids, since `end` and ids starting with `o` or `x`
//! change what Mermaid reads), a shape per kind, the title and figures as a quoted label with
//! every character Mermaid could read as syntax written as an entity code (`#35;`), tree
//! edges as arrows, links as dotted labelled arrows, and red/amber/green as classes.
//!
//! Mermaid refuses diagrams over its default `maxTextSize` (50 000 characters) or `maxEdges`
//! (500); the text is still written, with a warning naming the limit.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{ExportError, ExportOptions, Exported, Scope, status_word};
use crate::look::{Width, format_lift, format_value};
use crate::model::{LinkKind, Map, NodeKind, Orientation};

/// Mermaid's default `maxTextSize`, in characters.
pub const MERMAID_MAX_TEXT: usize = 50_000;
/// Mermaid's default `maxEdges`.
pub const MERMAID_MAX_EDGES: usize = 500;

/// The map (or the subtree under `options.root`) as a Mermaid flowchart, rolled up under the
/// options' scenario and period. Warnings when Mermaid's default limits are passed.
///
/// Errors: an unknown root, scenario or period.
pub fn to_mermaid(map: &Map, options: &ExportOptions) -> Result<Exported, ExportError> {
    let scope = Scope::new(map, options)?;
    let left_right = scope.items.first().is_some_and(|first| {
        map.node(map.root_of(first.id.as_str()).map_or("", |r| r.as_str()))
            .and_then(|n| n.orientation)
            == Some(Orientation::LeftRight)
    });
    let mut out = String::with_capacity(80 * scope.items.len() + 256);
    out.push_str(if left_right {
        "flowchart LR\n"
    } else {
        "flowchart TD\n"
    });
    let mut number: HashMap<&str, usize> = HashMap::with_capacity(scope.items.len());
    let mut edges = 0usize;
    let mut classes: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (k, item) in scope.items.iter().enumerate() {
        let n = k + 1;
        number.insert(item.id.as_str(), n);
        let mut label = String::new();
        escape_into(&mut label, item.node.title.trim());
        for line in lines(&scope, item) {
            label.push_str("<br/>");
            escape_into(&mut label, &line);
        }
        let (open, close) = shape(item.node.kind);
        let _ = writeln!(out, "    n{n}{open}\"{label}\"{close}");
        if let Some(parent) = item.parent.and_then(|p| number.get(p.as_str())) {
            let _ = writeln!(out, "    n{parent} --> n{n}");
            edges += 1;
        }
        if item.node.kind == NodeKind::Metric {
            match status_word(&scope, item) {
                Some("green") => classes[0].push(n),
                Some("amber") => classes[1].push(n),
                Some("red") => classes[2].push(n),
                _ => {}
            }
        }
    }
    for link in map.links() {
        let (Some(from), Some(to)) = (number.get(link.from.as_str()), number.get(link.to.as_str()))
        else {
            continue;
        };
        let word = match link.kind {
            LinkKind::Measures => "measures",
            LinkKind::Relates => "relates to",
        };
        let _ = writeln!(out, "    n{from} -.->|{word}| n{to}");
        edges += 1;
    }
    let styles = [
        ("green", "fill:#e6f4ea,stroke:#1e8e3e,color:#0d3d1a"),
        ("amber", "fill:#fef7e0,stroke:#e37400,color:#4d2c00"),
        ("red", "fill:#fce8e6,stroke:#d93025,color:#5c0f0a"),
    ];
    for ((name, style), members) in styles.iter().zip(&classes) {
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "    classDef {name} {style}");
        let list: Vec<String> = members.iter().map(|n| format!("n{n}")).collect();
        let _ = writeln!(out, "    class {} {name}", list.join(","));
    }
    let mut warnings = Vec::new();
    let chars = out.chars().count();
    if chars > MERMAID_MAX_TEXT {
        warnings.push(format!(
            "the diagram has {chars} characters, over Mermaid's default maxTextSize of \
             {MERMAID_MAX_TEXT}: raise maxTextSize where it is rendered, or export a subtree \
             with --root"
        ));
    }
    if edges > MERMAID_MAX_EDGES {
        warnings.push(format!(
            "the diagram has {edges} edges, over Mermaid's default maxEdges of \
             {MERMAID_MAX_EDGES}: raise maxEdges where it is rendered, or export a subtree \
             with --root"
        ));
    }
    Ok(Exported {
        text: out,
        warnings,
    })
}

/// The label's lines under the title: a metric's value, target and status; an OST node's
/// kind and its status, effort and lift.
fn lines(scope: &Scope<'_>, item: &super::Item<'_>) -> Vec<String> {
    let node = item.node;
    let mut out = Vec::new();
    let status = status_word(scope, item);
    if node.kind == NodeKind::Metric {
        let display = node.display.unwrap_or_default();
        let unit = node.unit.as_deref();
        let mut line = match scope.value(item.id.as_str()) {
            Some(Ok(v)) => format_value(v, display, unit, Width::Full),
            Some(Err(_)) => "no value".to_owned(),
            None => String::new(),
        };
        if let Some(t) = node.target {
            let _ = write!(
                line,
                " · target {}",
                format_value(t, display, unit, Width::Full)
            );
        }
        if let Some(word) = status {
            let _ = write!(line, " · {word}");
        }
        if !line.is_empty() {
            out.push(line);
        }
        return out;
    }
    let mut line = node.kind.name().to_owned();
    if let Some(word) = status {
        let _ = write!(line, " · {word}");
    }
    if let Some(e) = node.effort {
        let _ = write!(line, " · effort {e}");
    }
    if let Some(lift) = node.expected_lift {
        let _ = write!(line, " · lift {}", format_lift(lift));
    }
    out.push(line);
    out
}

/// The node shape's brackets for a kind.
fn shape(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Metric => ("[", "]"),
        NodeKind::Outcome => ("([", "])"),
        NodeKind::Opportunity => ("(", ")"),
        NodeKind::Solution => ("[[", "]]"),
        NodeKind::Assumption => ("{{", "}}"),
        NodeKind::Test => ("[/", "/]"),
        NodeKind::Note => (">", "]"),
    }
}

/// Appends `text` for a quoted Mermaid label: characters that end the string or start
/// syntax or HTML (quotes, brackets, `#`, `;`, `&`, `<`, `>`, `|`, backticks, backslashes)
/// as Mermaid's entity codes (`#35;`), line breaks and other control characters as spaces.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' | '#' | ';' | '&' | '<' | '>' | '[' | ']' | '(' | ')' | '{' | '}' | '|' | '`'
            | '\\' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out() {
        let mut out = String::new();
        escape_into(&mut out, "a \"b\" [c] #d; &amp; <i>\nend");
        assert_eq!(
            out,
            "a #34;b#34; #91;c#93; #35;d#59; #38;amp#59; #60;i#62; end"
        );
    }
}
