//! Markdown outlines from any tool (GitHub, Obsidian, Logseq, Notion, a text editor): every
//! heading and every list item is a node, nested as the document nests them.
//!
//! - A heading's children are the headings of deeper levels and the lists under it, until
//!   the next heading of its level or higher; a list item's children are its nested items.
//! - A node's title is the first line of its text, with inline formatting dropped (emphasis,
//!   code and links keep their text); the rest of its text — further lines, paragraphs,
//!   quotes, code blocks — becomes its notes. Text before the first node goes to the notes of
//!   the first node, so nothing is dropped. Task-list boxes (`[ ]`, `[x]`) are dropped.
//! - The map's title is the only level-1 heading's text when there is exactly one, else the
//!   YAML front matter's `title:`, else the caller's fallback (the file's name).
//!
//! Parsed with pulldown-cmark as a stream of events with explicit stacks, so nesting depth
//! costs no recursion here.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{Extras, ImportOptions, MAX_OUTLINE_NODES, Pending, build, line_col, too_many};
use crate::format::{Problem, Severity};
use crate::model::Map;

/// Where text goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sink {
    /// The title of a node (until its first line ends).
    Title(usize),
    /// The notes of a node.
    Notes(usize),
    /// Before any node.
    Preamble,
}

/// The deepest nesting of lists and quotes read. The Markdown parser builds the whole
/// document's block tree before it yields anything, so a line of 100 000 nested `- ` would
/// cost minutes and gigabytes; deeper outlines belong in OPML, which has no such limit.
pub const MAX_MARKDOWN_NESTING: usize = 1000;

/// Reads Markdown text into a map.
///
/// Errors: nesting deeper than [`MAX_MARKDOWN_NESTING`] (with its line), no heading or list
/// item at all, more than [`MAX_OUTLINE_NODES`] nodes, what a save would refuse.
pub fn import_markdown(text: &str, options: &ImportOptions) -> Result<Map, Vec<Problem>> {
    check_nesting(text)?;
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    let mut pending: Vec<Pending> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut headings: Vec<(HeadingLevel, usize)> = Vec::new();
    let mut items: Vec<usize> = Vec::new();
    let mut sink = Sink::Preamble;
    let mut preamble = String::new();
    let mut front_title: Option<String> = None;
    let mut h1: Vec<usize> = Vec::new();
    let mut in_metadata = false;

    // The innermost node that text outside a title belongs to.
    let owner = |items: &[usize], headings: &[(HeadingLevel, usize)]| {
        items
            .last()
            .copied()
            .or_else(|| headings.last().map(|h| h.1))
    };
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                while headings.last().is_some_and(|(l, _)| *l >= level) {
                    headings.pop();
                }
                let parent = owner(&items, &headings);
                if pending.len() >= MAX_OUTLINE_NODES {
                    return Err(vec![too_many(text, range.start)]);
                }
                pending.push(Pending::new(range.start, parent, String::new()));
                notes.push(String::new());
                let k = pending.len() - 1;
                if level == HeadingLevel::H1 {
                    h1.push(k);
                }
                if items.is_empty() {
                    headings.push((level, k));
                }
                sink = Sink::Title(k);
            }
            Event::End(TagEnd::Heading(_)) => {
                sink = owner(&items, &headings).map_or(Sink::Preamble, Sink::Notes);
            }
            Event::Start(Tag::Item) => {
                let parent = owner(&items, &headings);
                if pending.len() >= MAX_OUTLINE_NODES {
                    return Err(vec![too_many(text, range.start)]);
                }
                pending.push(Pending::new(range.start, parent, String::new()));
                notes.push(String::new());
                let k = pending.len() - 1;
                items.push(k);
                sink = Sink::Title(k);
            }
            Event::End(TagEnd::Item) => {
                items.pop();
                sink = owner(&items, &headings).map_or(Sink::Preamble, Sink::Notes);
            }
            Event::Start(Tag::List(_)) => {
                // A nested list ends its item's title.
                if let Sink::Title(k) = sink {
                    sink = Sink::Notes(k);
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Sink::Title(k) = sink {
                    sink = Sink::Notes(k);
                }
                push_break(sink, &mut notes, &mut preamble, "\n\n");
            }
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            Event::Start(Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::Table(_)) => {
                if let Sink::Title(k) = sink {
                    sink = Sink::Notes(k);
                }
            }
            Event::End(TagEnd::CodeBlock | TagEnd::BlockQuote(_) | TagEnd::TableRow) => {
                push_break(sink, &mut notes, &mut preamble, "\n");
            }
            Event::End(TagEnd::TableCell) => {
                push_text(sink, &mut pending, &mut notes, &mut preamble, " | ")
            }
            Event::SoftBreak | Event::HardBreak => match sink {
                Sink::Title(k) if !pending[k].node.title.trim().is_empty() => {
                    sink = Sink::Notes(k);
                }
                Sink::Title(_) => {}
                _ => push_text(sink, &mut pending, &mut notes, &mut preamble, "\n"),
            },
            Event::Text(t) if in_metadata => {
                for line in t.lines() {
                    if let Some(v) = line.strip_prefix("title:") {
                        let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
                        if !v.is_empty() {
                            front_title = Some(v.to_owned());
                        }
                    }
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                push_text(sink, &mut pending, &mut notes, &mut preamble, &t);
            }
            Event::Html(t) => {
                let sink = match sink {
                    Sink::Title(k) => Sink::Notes(k),
                    s => s,
                };
                push_text(sink, &mut pending, &mut notes, &mut preamble, &t);
            }
            // Inline HTML in a title is formatting (`<b>`); in notes it is kept as written.
            Event::InlineHtml(t) if !matches!(sink, Sink::Title(_)) => {
                push_text(sink, &mut pending, &mut notes, &mut preamble, &t);
            }
            Event::FootnoteReference(t) => {
                push_text(
                    sink,
                    &mut pending,
                    &mut notes,
                    &mut preamble,
                    &format!("[^{t}]"),
                );
            }
            _ => {}
        }
    }
    for (p, n) in pending.iter_mut().zip(notes) {
        p.node.title = p.node.title.trim().to_owned();
        let n = n.trim();
        if !n.is_empty() {
            p.node.notes = Some(n.to_owned());
        }
    }
    let preamble = preamble.trim();
    if pending.is_empty() && !text.trim().is_empty() {
        return Err(vec![Problem::at(
            Some((1, 1)),
            Severity::Error,
            "the Markdown has no heading and no list item: an outline is a nested list \
             (`- item`) or headings (`# Title`)",
        )]);
    }
    if !preamble.is_empty()
        && let Some(first) = pending.first_mut()
    {
        first.node.notes = Some(match first.node.notes.take() {
            Some(n) => format!("{preamble}\n\n{n}"),
            None => preamble.to_owned(),
        });
    }
    let title = match h1.as_slice() {
        [only] => Some(pending[*only].node.title.clone()).filter(|t| !t.is_empty()),
        _ => None,
    }
    .or(front_title);
    let extras = Extras {
        title,
        ..Extras::default()
    };
    build(text, pending, extras, options)
}

fn push_text(
    sink: Sink,
    pending: &mut [Pending],
    notes: &mut [String],
    preamble: &mut String,
    t: &str,
) {
    match sink {
        Sink::Title(k) => pending[k].node.title.push_str(t),
        Sink::Notes(k) => notes[k].push_str(t),
        Sink::Preamble => preamble.push_str(t),
    }
}

/// A paragraph or line break in notes (never at their start).
fn push_break(sink: Sink, notes: &mut [String], preamble: &mut String, brk: &str) {
    let target = match sink {
        Sink::Notes(k) => &mut notes[k],
        Sink::Preamble => preamble,
        _ => return,
    };
    if !target.is_empty() && !target.ends_with('\n') {
        target.push_str(brk);
    } else if brk == "\n\n" && !target.is_empty() && !target.ends_with("\n\n") {
        target.push('\n');
    }
}

/// Refuses a line whose container prefix (indentation, list markers, `>`) nests deeper than
/// [`MAX_MARKDOWN_NESTING`], before the parser sees it. Linear in the text.
fn check_nesting(text: &str) -> Result<(), Vec<Problem>> {
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let mut markers = 0usize;
        let mut columns = 0usize;
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b' ' => columns += 1,
                b'\t' => columns += 4,
                b'>' => {
                    markers += 1;
                    // The space after a marker belongs to it, not to the indentation.
                    if bytes.get(i + 1) == Some(&b' ') {
                        i += 1;
                    }
                }
                b'-' | b'*' | b'+'
                    if bytes.get(i + 1).is_some_and(|b| *b == b' ' || *b == b'\t') =>
                {
                    markers += 1;
                    i += 1;
                }
                b'0'..=b'9' => {
                    let mut j = i;
                    while j < bytes.len() && bytes[j].is_ascii_digit() && j - i < 9 {
                        j += 1;
                    }
                    if matches!(bytes.get(j), Some(b'.' | b')'))
                        && bytes.get(j + 1).is_some_and(|b| *b == b' ' || *b == b'\t')
                    {
                        markers += 1;
                        i = j + 1;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
            i += 1;
        }
        // Two columns of indentation make a level of a nested list.
        let depth = markers + columns / 2;
        if depth > MAX_MARKDOWN_NESTING {
            return Err(vec![Problem::at(
                Some(line_col(text, offset)),
                Severity::Error,
                format!(
                    "this line nests about {depth} levels deep; Fulcrum reads Markdown outlines \
                     up to {MAX_MARKDOWN_NESTING} levels (OPML has no such limit)"
                ),
            )]);
        }
        offset += line.len();
    }
    Ok(())
}
