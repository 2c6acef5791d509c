//! The map as a Markdown outline: the map's title as a heading, then each tree as a nested
//! list, one item per node — its title in bold, then what its card says (value in its unit,
//! target, red/amber/green status; an OST node's kind and status, effort, lift), notes as a
//! quote under the item. Reads well on GitHub: every piece of text from the map is escaped,
//! so a title such as `*Q4* <b>plan</b> #1 $5` shows as typed, never as emphasis, HTML, an
//! issue link or math.

use super::{ExportError, ExportOptions, Exported, Scope, status_word};
use crate::engine::Rag;
use crate::look::{Width, format_lift, format_value};
use crate::model::{Map, Node, NodeKind};

/// The deepest list level written. Markdown nests by indentation, so a 100 000-deep chain
/// would need gigabytes of spaces; deeper nodes are listed at this level (with a warning).
pub const MAX_MARKDOWN_DEPTH: usize = 100;

/// The map (or the subtree under `options.root`) as a Markdown outline, rolled up under the
/// options' scenario and period.
///
/// Errors: an unknown root, scenario or period.
pub fn to_markdown(map: &Map, options: &ExportOptions) -> Result<Exported, ExportError> {
    let scope = Scope::new(map, options)?;
    let mut out = String::with_capacity(64 * scope.items.len() + 64);
    let heading = match &options.root {
        Some(root) => map.node(root).map_or(map.title(), |n| n.title.as_str()),
        None => map.title(),
    };
    let heading = one_line(heading);
    out.push_str("# ");
    if heading.trim().is_empty() {
        out.push_str("Untitled map");
    } else {
        escape_into(&mut out, heading.trim());
    }
    out.push_str("\n\n");
    if let Some(s) = &options.scenario {
        out.push_str("Scenario: ");
        escape_into(&mut out, &one_line(s));
        out.push_str("  \n");
    }
    if let Some(p) = &options.period {
        out.push_str("Period: ");
        escape_into(&mut out, &one_line(p));
        out.push_str("  \n");
    }
    if options.scenario.is_some() || options.period.is_some() {
        out.push('\n');
    }
    let mut flattened = 0usize;
    for item in &scope.items {
        let depth = item.depth.min(MAX_MARKDOWN_DEPTH);
        if item.depth > MAX_MARKDOWN_DEPTH {
            flattened += 1;
        }
        let indent = "  ".repeat(depth);
        out.push_str(&indent);
        out.push_str("- ");
        let title = one_line(&item.node.title);
        let title = title.trim();
        if title.is_empty() {
            out.push_str("*(untitled)*");
        } else {
            out.push_str("**");
            escape_into(&mut out, title);
            out.push_str("**");
        }
        let details = details(
            &scope,
            item.id.as_str(),
            item.node,
            status_word(&scope, item),
        );
        if !details.is_empty() {
            out.push_str(" — ");
            for (k, d) in details.iter().enumerate() {
                if k > 0 {
                    out.push_str(" · ");
                }
                escape_into(&mut out, d);
            }
        }
        out.push('\n');
        if let Some(notes) = item.node.notes.as_deref().filter(|n| !n.trim().is_empty()) {
            for line in notes.lines() {
                out.push_str(&indent);
                out.push_str("  > ");
                escape_into(&mut out, line.trim_end());
                out.push('\n');
            }
        }
    }
    let mut warnings = Vec::new();
    if flattened > 0 {
        warnings.push(format!(
            "{flattened} nodes deeper than {MAX_MARKDOWN_DEPTH} levels are listed at level \
             {MAX_MARKDOWN_DEPTH} (Markdown nests by indentation)"
        ));
    }
    Ok(Exported {
        text: out,
        warnings,
    })
}

/// What a node's item says after its title, as plain text (escaped by the caller).
fn details(scope: &Scope<'_>, id: &str, node: &Node, status: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let display = node.display.unwrap_or_default();
    let unit = node.unit.as_deref();
    if node.kind == NodeKind::Metric {
        match scope.value(id) {
            Some(Ok(v)) => {
                out.push(format_value(v, display, unit, Width::Full));
                if let Some(Ok(actual)) = scope
                    .analysis
                    .actual
                    .is_some()
                    .then(|| scope.analysis.actual_value(id))
                    .flatten()
                    && actual.to_bits() != v.to_bits()
                {
                    out.push(format!(
                        "actual {}",
                        format_value(actual, display, unit, Width::Full)
                    ));
                }
            }
            Some(Err(reason)) => out.push(format!("no value: {reason}")),
            None => {}
        }
        if let Some(t) = node.target {
            out.push(format!(
                "target {}",
                format_value(t, display, unit, Width::Full)
            ));
        }
        if let Some(word) = status {
            out.push(format!("{} {word}", rag_mark(word)));
        }
        return out;
    }
    out.push(node.kind.name().to_owned());
    if let Some(word) = status {
        out.push(word.to_owned());
    }
    if node.targeted {
        out.push("target opportunity".to_owned());
    }
    if let Some(e) = node.effort {
        out.push(format!("effort {e}"));
    }
    if let Some(lift) = node.expected_lift {
        out.push(format!("lift {}", format_lift(lift)));
    }
    if let Some(c) = node.category {
        out.push(c.name().to_owned());
    }
    if node.is_leap_of_faith() {
        out.push("leap of faith".to_owned());
    }
    if let Some(owner) = &node.owner {
        out.push(format!("owner {}", one_line(owner)));
    }
    out
}

/// A coloured mark beside the status word, so the status reads at a glance (and without
/// colour, from the word).
fn rag_mark(word: &str) -> &'static str {
    match word {
        w if w == Rag::Green.name() => "🟢",
        w if w == Rag::Amber.name() => "🟠",
        _ => "🔴",
    }
}

/// Line breaks and tabs as spaces: an item is one line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Appends `text` with every character that Markdown (CommonMark and GitHub's extensions)
/// could read as markup escaped by a backslash: emphasis, code, links, HTML and entities,
/// strikethrough, tables, math (`$`), headings, issue references (`#1`) and mentions (`@`).
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '~'
                | '|'
                | '$'
                | '&'
                | '#'
                | '@'
                | '!'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials_are_escaped() {
        let mut out = String::new();
        escape_into(
            &mut out,
            "*Q4* <b>plan</b> #1 $5 & [x](y) a_b `c` ~d~ |e| @f",
        );
        assert_eq!(
            out,
            r"\*Q4\* \<b\>plan\</b\> \#1 \$5 \& \[x\](y) a\_b \`c\` \~d\~ \|e\| \@f"
        );
    }
}
