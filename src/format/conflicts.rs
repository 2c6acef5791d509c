//! Git conflict markers in a map file: finding each block, saying what it is about, and
//! writing the text with one side of each block taken.
//!
//! A file with markers (`<<<<<<<`, `=======`, `>>>>>>>`, and diff3's `|||||||`, each at the
//! start of a line) is a merge conflict, not a parse error, and never loads with one side
//! silently: loading stops with [`super::FormatError::Conflicted`], carrying every
//! [`ConflictBlock`] with its line, both sides' text and — where the canonical layout tells
//! — the node and field it is about, so the app can offer a resolution view and `check` can
//! name each one. Only reads text; never parses the map.

use super::error::{Problem, Severity};

/// The longest value quoted in a conflict's message, in characters.
const QUOTED_CHARS: usize = 60;

/// One block of git conflict markers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictBlock {
    /// 1-based line of the `<<<<<<<` marker (of the stray marker, for one outside a block).
    pub line: usize,
    /// 1-based line of the closing `>>>>>>>` marker (the last line of the file when it is
    /// never closed).
    pub end_line: usize,
    /// Our lines (between `<<<<<<<` and `|||||||` or `=======`), each ending in a newline.
    pub ours: String,
    /// The base's lines, when the block has a `|||||||` section (git's diff3 style).
    pub base: Option<String>,
    /// Their lines (between `=======` and `>>>>>>>`).
    pub theirs: String,
    /// The node whose lines these are, when the block sits inside one node (a field or
    /// `parent` line), or the node that a block of whole nodes holds first.
    pub node: Option<String>,
    /// The field the block is about as written in the file (`target`, `parent`, `title` of
    /// the map when `node` is `None`), when both sides are the same one field.
    pub field: Option<String>,
    /// The scenario whose line the block holds, when it is one scenario's line.
    pub scenario: Option<String>,
    /// Whether the block has all its markers; a stray or unclosed marker is still reported,
    /// as a block without sides.
    pub complete: bool,
}

/// Which side of a conflict block to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Our lines.
    Ours,
    /// Their lines.
    Theirs,
    /// These lines instead (each ending in a newline).
    Text(String),
}

/// What a marker line is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Ours,
    Base,
    Split,
    Theirs,
}

/// The marker a line is, if any: seven or more of `<`, `|`, `=` or `>` at the start, then
/// nothing or a space and a label (`=======` takes no label).
fn marker(line: &str) -> Option<Marker> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let first = line.bytes().next()?;
    let kind = match first {
        b'<' => Marker::Ours,
        b'|' => Marker::Base,
        b'=' => Marker::Split,
        b'>' => Marker::Theirs,
        _ => return None,
    };
    let run = line.bytes().take_while(|&b| b == first).count();
    let rest = &line[run..];
    let labelled = rest.is_empty() || rest.starts_with(' ');
    (run >= 7 && (labelled && kind != Marker::Split || rest.trim().is_empty())).then_some(kind)
}

/// Whether `text` may hold a marker: a quick look for the marker runs, so a clean file
/// costs a few memory scans.
fn may_have_markers(text: &str) -> bool {
    let bytes = text.as_bytes();
    // A run of seven of one marker byte starts at `i`.
    let run_at = |i: usize| {
        bytes
            .get(i..i + 7)
            .is_some_and(|run| run.iter().all(|&b| b == bytes[i]))
    };
    memchr::memchr3_iter(b'<', b'>', b'|', bytes).any(run_at)
        || memchr::memchr_iter(b'=', bytes).any(run_at)
}

/// Every conflict block in `text`, or `None` when it has no conflict marker.
pub(crate) fn find(text: &str) -> Option<Vec<ConflictBlock>> {
    if !may_have_markers(text) {
        return None;
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(m) = marker(lines[i].trim_end_matches('\n')) else {
            i += 1;
            continue;
        };
        if m != Marker::Ours {
            blocks.push(stray(i));
            i += 1;
            continue;
        }
        let start = i;
        let (mut ours, mut base, mut theirs) = (String::new(), None::<String>, String::new());
        let mut section = Marker::Ours;
        let mut end = None;
        i += 1;
        while i < lines.len() {
            let line = lines[i];
            match marker(line.trim_end_matches('\n')) {
                Some(Marker::Base) if section == Marker::Ours => {
                    section = Marker::Base;
                    base = Some(String::new());
                }
                Some(Marker::Split) if section != Marker::Split => section = Marker::Split,
                Some(Marker::Theirs) if section == Marker::Split => {
                    end = Some(i);
                    break;
                }
                Some(_) => break,
                None => match section {
                    Marker::Ours => ours.push_str(line),
                    Marker::Base => base.get_or_insert_with(String::new).push_str(line),
                    _ => theirs.push_str(line),
                },
            }
            i += 1;
        }
        let complete = end.is_some();
        let end_line = end.unwrap_or(i.min(lines.len()).saturating_sub(1));
        let mut block = ConflictBlock {
            line: start + 1,
            end_line: end_line + 1,
            ours,
            base,
            theirs,
            node: None,
            field: None,
            scenario: None,
            complete,
        };
        if complete {
            describe(&mut block, &lines[..start]);
            i = end_line + 1;
        } else {
            block.ours.clear();
            block.theirs.clear();
            block.base = None;
        }
        blocks.push(block);
    }
    (!blocks.is_empty()).then_some(blocks)
}

fn stray(i: usize) -> ConflictBlock {
    ConflictBlock {
        line: i + 1,
        end_line: i + 1,
        ours: String::new(),
        base: None,
        theirs: String::new(),
        node: None,
        field: None,
        scenario: None,
        complete: false,
    }
}

/// The first `name:` of a side: the field its first line writes.
fn first_field(side: &str) -> Option<&str> {
    let line = side.lines().find(|l| !l.trim().is_empty())?.trim_start();
    let name_len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    (name_len > 0 && line[name_len..].starts_with(':')).then(|| &line[..name_len])
}

/// The scenario a side names when it is one scenario line, `(name: "S", overrides: {…}),`.
fn scenario_of(side: &str) -> Option<&str> {
    let mut lines = side.lines().filter(|l| !l.trim().is_empty());
    let line = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    let rest = line.trim().strip_prefix("(name: \"")?;
    rest.find("\", overrides:").map(|end| &rest[..end])
}

/// A scenario line's overrides, `{…}`, for messages; `(absent)` for an empty side.
fn overrides_of(side: &str) -> String {
    let Some(start) = side.find("overrides: ") else {
        return "(absent)".to_owned();
    };
    let text = side[start + "overrides: ".len()..].trim_end();
    let text = text.strip_suffix("),").unwrap_or(text);
    value_of(text, None)
}

/// The id a line `id: "x",` names.
fn id_of_line(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("id:")?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(&rest[..end])
}

/// Fills in the node and field of a complete block from its sides and the lines before it,
/// as Fulcrum lays files out: one field per line, a node's `id` first.
fn describe(block: &mut ConflictBlock, before: &[&str]) {
    let sides: Vec<&str> = [block.ours.as_str(), block.theirs.as_str()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
    let starts_node = |s: &str| s.trim_start().starts_with('(') && s.lines().count() > 1;
    if sides.iter().any(|s| starts_node(s)) {
        // Whole nodes: name the first one.
        block.node = sides
            .iter()
            .flat_map(|s| s.lines())
            .find_map(id_of_line)
            .map(str::to_owned);
        return;
    }
    let scenarios: Vec<Option<&str>> = sides.iter().map(|s| scenario_of(s)).collect();
    if let [Some(a), rest @ ..] = scenarios.as_slice()
        && rest.iter().all(|b| b == &Some(*a))
    {
        block.scenario = Some((*a).to_owned());
        return;
    }
    let fields: Vec<Option<&str>> = sides.iter().map(|s| first_field(s)).collect();
    let field = match fields.as_slice() {
        [Some(a)] => Some(*a),
        [Some(a), Some(b)] if a == b => Some(*a),
        _ => None,
    };
    // The node: the nearest `id:` line above, unless a node ends or a list starts first.
    for line in before.iter().rev() {
        let t = line.trim();
        if t.starts_with("),") || t.ends_with('[') || t == "Map(" {
            break;
        }
        if let Some(id) = id_of_line(line) {
            block.node = Some(id.to_owned());
            break;
        }
    }
    block.field = field.map(str::to_owned);
}

/// A side's value for messages: the text after `name: ` without the final comma, on one
/// line, shortened; `(absent)` for an empty side.
fn value_of(side: &str, field: Option<&str>) -> String {
    let joined: Vec<&str> = side
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if joined.is_empty() {
        return "(absent)".to_owned();
    }
    let mut text = joined.join(" ");
    if let Some(f) = field
        && let Some(rest) = text.strip_prefix(f).and_then(|r| r.strip_prefix(':'))
    {
        text = rest.trim_start().to_owned();
    }
    let text = text.strip_suffix(',').unwrap_or(&text).replace("[ ", "[");
    if text.chars().count() > QUOTED_CHARS {
        let cut: String = text.chars().take(QUOTED_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

impl ConflictBlock {
    /// The field whose value a side's text is, for quoting it: `None` for a link's line,
    /// whose whole line is the value.
    fn quoted_field(&self) -> Option<&str> {
        self.field.as_deref().filter(|f| *f != "from")
    }

    /// Whether the block holds whole nodes (one side has a node the other has not).
    pub fn is_whole_nodes(&self) -> bool {
        [&self.ours, &self.theirs]
            .iter()
            .any(|s| s.trim_start().starts_with('(') && s.lines().count() > 1)
    }

    /// Our side in words: the field's value (`1.12`), a scenario's overrides, or the lines
    /// on one line, shortened; `(absent)` for an empty side.
    pub fn ours_value(&self) -> String {
        self.side_value(&self.ours)
    }

    /// Their side in words (as [`ConflictBlock::ours_value`]).
    pub fn theirs_value(&self) -> String {
        self.side_value(&self.theirs)
    }

    /// The base's side in words, when the block has one (git's diff3 style).
    pub fn base_value(&self) -> Option<String> {
        self.base.as_deref().map(|b| self.side_value(b))
    }

    fn side_value(&self, side: &str) -> String {
        if self.scenario.is_some() {
            overrides_of(side)
        } else {
            value_of(side, self.quoted_field())
        }
    }

    /// The block in words: `merge conflict in nrr.target: ours 1.12, theirs 1.15`.
    pub fn message(&self) -> String {
        if !self.complete {
            return "a git conflict marker outside a complete `<<<<<<<` … `=======` … \
                    `>>>>>>>` block"
                .to_owned();
        }
        let ours_empty = self.ours.trim().is_empty();
        let theirs_empty = self.theirs.trim().is_empty();
        let whole_nodes = [&self.ours, &self.theirs]
            .iter()
            .any(|s| s.trim_start().starts_with('(') && s.lines().count() > 1);
        if whole_nodes {
            let node = self
                .node
                .as_deref()
                .map_or_else(String::new, |n| format!(" `{n}`"));
            let has = |empty: bool| if empty { "does not have it" } else { "has it" };
            let (o, t) = (has(ours_empty), has(theirs_empty));
            return format!("merge conflict over the node{node}: ours {o}, theirs {t}");
        }
        if let Some(name) = &self.scenario {
            return format!(
                "merge conflict in scenario {name:?}: ours {}, theirs {}",
                overrides_of(&self.ours),
                overrides_of(&self.theirs)
            );
        }
        let field = self.field.as_deref();
        let place = match (&self.node, field) {
            (Some(n), Some(f)) => format!(" in {n}.{f}"),
            (Some(n), None) => format!(" in {n}"),
            (None, Some("title")) => " in the map's title".to_owned(),
            (None, Some("from")) => " in the links".to_owned(),
            (None, Some(f)) => format!(" in {f}"),
            (None, None) => String::new(),
        };
        // A link's whole line is the value.
        let strip = field.filter(|f| *f != "from");
        format!(
            "merge conflict{place}: ours {}, theirs {}",
            value_of(&self.ours, strip),
            value_of(&self.theirs, strip)
        )
    }

    /// The block as a problem at its `<<<<<<<` line.
    pub fn problem(&self) -> Problem {
        Problem::at(Some((self.line, 1)), Severity::Error, self.message())
    }
}

/// `text` with every complete conflict block replaced by the side `pick` chooses for it
/// (blocks in file order). Stray markers are left as they are.
pub fn resolve_conflicts(text: &str, mut pick: impl FnMut(&ConflictBlock) -> Pick) -> String {
    let Some(blocks) = find(text) else {
        return text.to_owned();
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut next = 0; // the next line to copy
    for block in blocks.iter().filter(|b| b.complete) {
        for line in &lines[next..block.line - 1] {
            out.push_str(line);
        }
        match pick(block) {
            Pick::Ours => out.push_str(&block.ours),
            Pick::Theirs => out.push_str(&block.theirs),
            Pick::Text(t) => out.push_str(&t),
        }
        next = block.end_line;
    }
    for line in &lines[next.min(lines.len())..] {
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Map(\n    nodes: [\n        (\n            id: \"nrr\",\n            kind: Metric,\n<<<<<<< ours\n            target: 1.12,\n=======\n            target: 1.15,\n>>>>>>> theirs\n        ),\n    ],\n)\n";

    #[test]
    fn a_field_block_names_its_node_and_field() {
        let blocks = find(TEXT).unwrap_or_default();
        assert_eq!(blocks.len(), 1);
        let b = &blocks[0];
        assert_eq!((b.line, b.end_line), (6, 10));
        assert_eq!(
            (b.node.as_deref(), b.field.as_deref()),
            (Some("nrr"), Some("target"))
        );
        assert_eq!(
            b.message(),
            "merge conflict in nrr.target: ours 1.12, theirs 1.15"
        );
    }

    #[test]
    fn taking_a_side_removes_the_markers() {
        let ours = resolve_conflicts(TEXT, |_| Pick::Ours);
        assert!(ours.contains("target: 1.12,\n        ),") && !ours.contains("<<<"));
        let theirs = resolve_conflicts(TEXT, |_| Pick::Theirs);
        assert!(theirs.contains("target: 1.15,") && !theirs.contains("1.12"));
        assert_eq!(find(&ours), None);
    }

    #[test]
    fn markers_need_seven_characters_at_the_start_of_a_line() {
        assert!(marker("<<<<<<< ours").is_some());
        assert!(marker("<<<<<<<").is_some());
        assert!(marker("=======").is_some());
        assert!(marker("======= x").is_none());
        assert!(marker("<<<<<< ours").is_none());
        assert!(marker("  <<<<<<< ours").is_none());
        assert!(marker("<<<<<<<x").is_none());
        assert!(find("Map(title: \"a ======= b\")").is_none());
    }

    #[test]
    fn a_stray_or_unclosed_marker_is_reported() {
        let blocks = find("a\n=======\nb\n").unwrap_or_default();
        assert_eq!(blocks.len(), 1);
        assert!(!blocks[0].complete && blocks[0].line == 2);
        let blocks = find("a\n<<<<<<< ours\nb\n").unwrap_or_default();
        assert!(!blocks[0].complete);
    }
}
