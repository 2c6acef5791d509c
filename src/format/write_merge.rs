//! The text of a merge: the canonical text of the merged map, with every conflict between
//! git conflict markers around its own lines.
//!
//! A merge carries two resolutions ([`Merge::map`], every conflict ours' way, and
//! [`Merge::theirs_way`]), which differ exactly where the conflicts are. This writer walks
//! both at once in the canonical layout and, wherever a line differs, writes
//!
//! ```text
//! <<<<<<< ours
//!             target: 1.12,
//! =======
//!             target: 1.15,
//! >>>>>>> theirs
//! ```
//!
//! around that one field line (the `parent` line for a move, the map's `title` line, a
//! scenario's line), and around whole node blocks for a node that only one way keeps
//! (either side of the markers may be empty). Keeping one side of every block gives that
//! resolution's map, so the file loads again once a person (or the app) has chosen; the node
//! of a move conflict stays where ours puts it in the file, which the loader accepts for
//! any parent. Writes only text; never validates.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::write::{push_field_line, push_presentations, push_str_lit, to_string};
use crate::edit::Merge;
use crate::model::{Field, Link, Map, NodeId, Scenario};

/// The marker lines, as git writes them.
pub(crate) const OURS_MARKER: &str = "<<<<<<< ours";
pub(crate) const SPLIT_MARKER: &str = "=======";
pub(crate) const THEIRS_MARKER: &str = ">>>>>>> theirs";

/// The text of a merge: canonical, with conflict markers around each conflict (none for a
/// clean merge, whose text is exactly the merged map's canonical text).
pub(crate) fn merged_to_string(merge: &Merge) -> String {
    if merge.is_clean() {
        return to_string(&merge.map);
    }
    let (ours, theirs) = (&merge.map, merge.theirs_way());
    let mut out = Out::default();
    out.plain("#![enable(implicit_some)]\nMap(\n");
    let format = super::format_of(ours).max(super::format_of(theirs));
    out.plain(&format!("    format: {format},\n"));
    let title = |m: &Map| {
        let mut s = String::from("    title: ");
        push_str_lit(&mut s, m.title());
        s.push_str(",\n");
        s
    };
    out.either(&title(ours), &title(theirs));
    nodes(&mut out, ours, theirs);
    links(&mut out, &ours.links(), &theirs.links());
    scenarios(&mut out, ours.scenarios(), theirs.scenarios());
    // Presentations differ between the two ways only as a whole list (see `edit::merge`).
    let presentations = |m: &Map| {
        let mut s = String::new();
        push_presentations(&mut s, m.presentations());
        s
    };
    out.either(&presentations(ours), &presentations(theirs));
    out.plain(")\n");
    out.text
}

/// Text with conflict blocks: plain lines, or a block of ours' lines against theirs'.
#[derive(Default)]
struct Out {
    text: String,
}

impl Out {
    fn plain(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// `ours` when both are the same, else a conflict block.
    fn either(&mut self, ours: &str, theirs: &str) {
        if ours == theirs {
            self.plain(ours);
        } else {
            self.block(ours, theirs);
        }
    }

    fn block(&mut self, ours: &str, theirs: &str) {
        let _ = writeln!(self.text, "{OURS_MARKER}");
        self.text.push_str(ours);
        let _ = writeln!(self.text, "{SPLIT_MARKER}");
        self.text.push_str(theirs);
        let _ = writeln!(self.text, "{THEIRS_MARKER}");
    }
}

/// Which resolutions keep a node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kept {
    Both,
    Ours,
    Theirs,
}

/// The nodes: ours' depth-first order, each node only theirs' way keeps written after the
/// node before it in theirs' order; runs of nodes kept one way only form one block.
fn nodes(out: &mut Out, ours: &Map, theirs: &Map) {
    let ours_order = ours.dfs();
    let mut after: HashMap<Option<&NodeId>, Vec<&NodeId>> = HashMap::new();
    let mut anchor: Option<&NodeId> = None;
    for id in theirs.dfs() {
        if ours.contains(id.as_str()) {
            anchor = Some(id);
        } else {
            after.entry(anchor).or_default().push(id);
        }
    }
    let mut sequence: Vec<(&NodeId, Kept)> = Vec::with_capacity(ours_order.len());
    fn push_after<'m>(
        after: &mut HashMap<Option<&'m NodeId>, Vec<&'m NodeId>>,
        anchor: Option<&'m NodeId>,
        sequence: &mut Vec<(&'m NodeId, Kept)>,
    ) {
        if let Some(ids) = after.remove(&anchor) {
            sequence.extend(ids.into_iter().map(|id| (id, Kept::Theirs)));
        }
    }
    push_after(&mut after, None, &mut sequence);
    for id in ours_order {
        let kept = if theirs.contains(id.as_str()) {
            Kept::Both
        } else {
            Kept::Ours
        };
        sequence.push((id, kept));
        push_after(&mut after, Some(id), &mut sequence);
    }
    if sequence.is_empty() {
        out.plain("    nodes: [],\n");
        return;
    }
    out.plain("    nodes: [\n");
    let mut run = (String::new(), String::new());
    for (id, kept) in sequence {
        match kept {
            Kept::Ours => push_node_block(&mut run.0, ours, id),
            Kept::Theirs => push_node_block(&mut run.1, theirs, id),
            Kept::Both => {
                flush(out, &mut run);
                push_both(out, ours, theirs, id);
            }
        }
    }
    flush(out, &mut run);
    out.plain("    ],\n");
}

/// Writes a pending run of one-way nodes as a block.
fn flush(out: &mut Out, run: &mut (String, String)) {
    if !run.0.is_empty() || !run.1.is_empty() {
        out.block(&run.0, &run.1);
        run.0.clear();
        run.1.clear();
    }
}

fn id_line(out: &mut String, name: &str, id: &str) {
    out.push_str("            ");
    out.push_str(name);
    out.push_str(": ");
    push_str_lit(out, id);
    out.push_str(",\n");
}

fn push_node_block(out: &mut String, map: &Map, id: &NodeId) {
    let Some(node) = map.node(id.as_str()) else {
        return;
    };
    out.push_str("        (\n");
    id_line(out, "id", id.as_str());
    if let Some(parent) = map.parent(id.as_str()) {
        id_line(out, "parent", parent.as_str());
    }
    for f in Field::ALL {
        if let Some(value) = f.written(node) {
            push_field_line(out, f.name_for(node), &value);
        }
    }
    out.push_str("        ),\n");
}

/// A node both ways keep: line by line, a block around each line that differs.
fn push_both(out: &mut Out, ours: &Map, theirs: &Map, id: &NodeId) {
    let (Some(a), Some(b)) = (ours.node(id.as_str()), theirs.node(id.as_str())) else {
        return;
    };
    out.plain("        (\n");
    let mut line = String::new();
    id_line(&mut line, "id", id.as_str());
    out.plain(&line);
    let parent_line = |m: &Map| {
        let mut s = String::new();
        if let Some(p) = m.parent(id.as_str()) {
            id_line(&mut s, "parent", p.as_str());
        }
        s
    };
    out.either(&parent_line(ours), &parent_line(theirs));
    for f in Field::ALL {
        let field_line = |node| {
            let mut s = String::new();
            if let Some(value) = f.written(node) {
                push_field_line(&mut s, f.name_for(node), &value);
            }
            s
        };
        out.either(&field_line(a), &field_line(b));
    }
    out.plain("        ),\n");
}

fn link_line(link: &Link) -> String {
    let mut s = String::from("        (from: ");
    push_str_lit(&mut s, link.from.as_str());
    s.push_str(", to: ");
    push_str_lit(&mut s, link.to.as_str());
    let _ = writeln!(s, ", kind: {}),", link.kind.name());
    s
}

/// The links of both ways in sorted order; one kept one way only is a block.
fn links(out: &mut Out, ours: &[Link], theirs: &[Link]) {
    if ours.is_empty() && theirs.is_empty() {
        return;
    }
    out.plain("    links: [\n");
    let (mut i, mut j) = (0, 0);
    while i < ours.len() || j < theirs.len() {
        match (ours.get(i), theirs.get(j)) {
            (Some(a), Some(b)) if a == b => {
                out.plain(&link_line(a));
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                out.block(&link_line(a), "");
                i += 1;
            }
            (Some(a), None) => {
                out.block(&link_line(a), "");
                i += 1;
            }
            (_, Some(b)) => {
                out.block("", &link_line(b));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out.plain("    ],\n");
}

fn scenario_line(s: &Scenario) -> String {
    let mut out = String::from("        (name: ");
    push_str_lit(&mut out, &s.name);
    out.push_str(", overrides: {");
    for (i, (id, value)) in s.overrides.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_str_lit(&mut out, id.as_str());
        out.push_str(": ");
        super::write::push_f64(&mut out, *value);
    }
    out.push_str("}),\n");
    out
}

/// The scenarios in ours' order, one only theirs' way keeps after the one before it there;
/// a scenario line that differs is a block.
fn scenarios(out: &mut Out, ours: &[Scenario], theirs: &[Scenario]) {
    if ours.is_empty() && theirs.is_empty() {
        return;
    }
    let find = |list: &[Scenario], name: &str| list.iter().position(|s| s.name == name);
    let mut after: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    let mut anchor = None;
    for (j, s) in theirs.iter().enumerate() {
        match find(ours, &s.name) {
            Some(i) => anchor = Some(i),
            None => after.entry(anchor).or_default().push(j),
        }
    }
    out.plain("    scenarios: [\n");
    let mut theirs_only = |anchor: Option<usize>, out: &mut Out| {
        for j in after.remove(&anchor).unwrap_or_default() {
            out.block("", &scenario_line(&theirs[j]));
        }
    };
    theirs_only(None, out);
    for (i, s) in ours.iter().enumerate() {
        match find(theirs, &s.name) {
            Some(j) => out.either(&scenario_line(s), &scenario_line(&theirs[j])),
            None => out.block(&scenario_line(s), ""),
        }
        theirs_only(Some(i), out);
    }
    out.plain("    ],\n");
}
