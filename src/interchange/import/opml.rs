//! OPML from any outliner (Workflowy, Dynalist, OmniOutliner, Logseq …) and Fulcrum's own.
//!
//! An `<outline>` is a node: `text` its title, `_note` its notes; the nesting its tree.
//! Fulcrum's `fulcrum:` attributes and head elements (see the exporter) give back every
//! field, id, kind, link and scenario, so Fulcrum's own OPML imports as the map it came
//! from. Read with quick-xml, as a stream with an explicit stack (any depth); a DOCTYPE is
//! refused (no DTD, so no entity definitions and no billion laughs), and so is any entity
//! other than XML's five and character references.

use std::borrow::Cow;
use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use serde::de::DeserializeOwned;

use super::{
    Extras, ImportOptions, MAX_OUTLINE_NODES, Pending, PendingLink, build, line_col, too_many,
};
use crate::format::{Problem, Severity};
use crate::interchange::FULCRUM_NS;
use crate::model::{
    Category, Direction, Display, Evidence, Field, FieldValue, Formula, Link, LinkKind, Map,
    NodeId, NodeKind, Orientation, Scenario, Sizing, Status, Thresholds,
};

/// What an open element is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Opml,
    Head,
    Title,
    Body,
    /// An outline, by its index among the pending nodes.
    Outline(usize),
    /// Anything else (its content is skipped, outlines inside it too).
    Other,
}

/// Reads OPML text into a map.
///
/// Errors: every problem found, each with its line and column: XML that is not well formed,
/// a DOCTYPE, an unknown entity, a Fulcrum attribute that does not read, a newer Fulcrum
/// format, too many nodes, and what a save would refuse.
pub fn import_opml(text: &str, options: &ImportOptions) -> Result<Map, Vec<Problem>> {
    let mut reader = Reader::from_str(text);
    let mut open: Vec<Open> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut extras = Extras::default();
    let mut problems: Vec<Problem> = Vec::new();
    let mut prefix = String::from("fulcrum");
    let mut title = String::new();
    let mut title_ron: Option<String> = None;
    let mut seen_opml = false;
    let mut seen_title = false;
    let mut fulcrum_file = false;
    let err = |pos: usize, message: String| {
        Problem::at(Some(line_col(text, pos)), Severity::Error, message)
    };
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let pos = usize::try_from(reader.error_position()).unwrap_or(before);
                problems.push(err(pos, format!("the OPML is not well-formed XML: {e}")));
                return Err(problems);
            }
        };
        // Where the event's markup starts (after any text before it).
        let at = before + text.get(before..).map_or(0, |t| t.find('<').unwrap_or(0));
        match event {
            Event::Eof => break,
            Event::DocType(_) => {
                problems.push(err(
                    at,
                    "a DOCTYPE is not allowed in OPML: Fulcrum does not read DTDs or entity \
                     definitions (they are how XML bombs such as \"billion laughs\" work)"
                        .to_owned(),
                ));
                return Err(problems);
            }
            Event::Decl(decl) => {
                if let Some(Ok(enc)) = decl.encoding() {
                    let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                    if enc != "utf-8" && enc != "utf8" {
                        problems.push(err(
                            at,
                            format!("the OPML declares encoding \"{enc}\"; only UTF-8 is read"),
                        ));
                        return Err(problems);
                    }
                }
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let parent = open.last().copied();
                let kind = match (parent, name.as_str()) {
                    (None, "opml") => {
                        seen_opml = true;
                        fulcrum_file = read_opml_attrs(e, &mut prefix, text, at, &mut problems);
                        if !problems.is_empty() {
                            return Err(problems);
                        }
                        Open::Opml
                    }
                    (None, _) => {
                        problems.push(err(
                            at,
                            format!(
                                "this is not OPML: the document starts with <{name}>, not <opml>"
                            ),
                        ));
                        return Err(problems);
                    }
                    (Some(Open::Opml), "head") => Open::Head,
                    (Some(Open::Opml), "body") => Open::Body,
                    (Some(Open::Head), "title") => {
                        seen_title = true;
                        Open::Title
                    }
                    (Some(Open::Head), n) if n == format!("{prefix}:link") => {
                        extras.links.push(PendingLink {
                            pos: at,
                            link: read_link(e),
                        });
                        Open::Other
                    }
                    (Some(Open::Head), n) if n == format!("{prefix}:scenario") => {
                        match read_scenario(e) {
                            Ok(s) => extras.scenarios.push((at, s)),
                            Err(why) => problems.push(err(at, why)),
                        }
                        Open::Other
                    }
                    (Some(Open::Head), n) if n == format!("{prefix}:map") => {
                        match attr(e, "title.ron") {
                            Ok(Some(raw)) => match ron_value::<String>(&raw) {
                                Ok(t) => title_ron = Some(t),
                                Err(why) => problems.push(err(at, format!("title.ron: {why}"))),
                            },
                            Ok(None) => {}
                            Err(why) => problems.push(err(at, why)),
                        }
                        Open::Other
                    }
                    (Some(Open::Body | Open::Outline(_)), "outline") => {
                        if pending.len() >= MAX_OUTLINE_NODES {
                            problems.push(too_many(text, at));
                            return Err(problems);
                        }
                        let parent = match parent {
                            Some(Open::Outline(i)) => Some(i),
                            _ => None,
                        };
                        let mut p = Pending::new(at, parent, String::new());
                        read_outline(e, &prefix, &mut p, text, at, &mut problems);
                        pending.push(p);
                        Open::Outline(pending.len() - 1)
                    }
                    _ => Open::Other,
                };
                if !empty {
                    // Inside skipped content, everything is skipped.
                    open.push(if parent == Some(Open::Other) {
                        Open::Other
                    } else {
                        kind
                    });
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) if open.last() == Some(&Open::Title) => {
                match t.xml_content(XmlVersion::Implicit1_0) {
                    Ok(s) => title.push_str(&s),
                    Err(e) => problems.push(err(at, format!("the title is not text: {e}"))),
                }
            }
            Event::CData(t) if open.last() == Some(&Open::Title) => {
                title.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let resolved: Result<Cow<'_, str>, String> = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => Ok(c.to_string().into()),
                        _ => Err(format!("`&{name};` is not a valid character reference")),
                    }
                } else {
                    resolve_predefined_entity(&name)
                        .map(Cow::Borrowed)
                        .ok_or_else(|| {
                            format!(
                                "unknown entity `&{name};`: OPML may use only &amp; &lt; &gt; \
                             &quot; &apos; and character references"
                            )
                        })
                };
                match resolved {
                    Ok(s) if open.last() == Some(&Open::Title) => title.push_str(&s),
                    Ok(_) => {}
                    Err(why) => problems.push(err(at, why)),
                }
            }
            _ => {}
        }
    }
    if !seen_opml {
        problems.push(Problem::at(
            Some((1, 1)),
            Severity::Error,
            "this is not OPML: there is no <opml> element",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Fulcrum's own title is kept exactly (even empty); another tool's is trimmed.
    let title = title_ron.or_else(|| match seen_title {
        true if fulcrum_file => Some(title),
        true => Some(title.trim().to_owned()).filter(|t| !t.is_empty()),
        false => None,
    });
    extras.title = title;
    build(text, pending, extras, options)
}

/// The `<opml>` element: the prefix bound to Fulcrum's namespace, and its format. Whether
/// the file declares Fulcrum's namespace.
fn read_opml_attrs(
    e: &BytesStart<'_>,
    prefix: &mut String,
    text: &str,
    at: usize,
    problems: &mut Vec<Problem>,
) -> bool {
    let err = |m: String| Problem::at(Some(line_col(text, at)), Severity::Error, m);
    let mut format = None;
    let attrs = match all_attrs(e) {
        Ok(a) => a,
        Err(why) => {
            problems.push(err(why));
            return false;
        }
    };
    let mut declared = false;
    for (key, value) in &attrs {
        if let Some(p) = key.strip_prefix("xmlns:")
            && value == FULCRUM_NS
        {
            *prefix = p.to_owned();
            declared = true;
        }
    }
    for (key, value) in &attrs {
        if key
            .split_once(':')
            .is_some_and(|(p, n)| p == prefix && n == "format")
        {
            format = Some(value.clone());
        }
    }
    if let Some(format) = format {
        match format.trim().parse::<u32>() {
            Ok(n) if n <= crate::format::FORMAT_VERSION => {}
            Ok(n) => problems.push(err(format!(
                "the OPML holds a format-{n} map; this Fulcrum reads format {} (update Fulcrum)",
                crate::format::FORMAT_VERSION
            ))),
            Err(_) => problems.push(err(format!("fulcrum:format \"{format}\" is not a number"))),
        }
    }
    declared
}

/// Every attribute, unescaped and normalised as XML says.
fn all_attrs(e: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("a broken attribute: {err}"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| format!("attribute `{key}`: {err}"))?
            .into_owned();
        out.push((key, value));
    }
    Ok(out)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    Ok(all_attrs(e)?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v))
}

/// `<fulcrum:link from="…" to="…" kind="…"/>`.
fn read_link(e: &BytesStart<'_>) -> Result<Link, String> {
    let get = |name: &str| -> Result<String, String> {
        attr(e, name)?.ok_or_else(|| format!("a link without `{name}`"))
    };
    let id = |raw: String| NodeId::new(&raw).map_err(|why| format!("a link's end: {why}"));
    let kind = match get("kind")?.as_str() {
        "Measures" => LinkKind::Measures,
        "Relates" => LinkKind::Relates,
        other => return Err(format!("unknown link kind `{other}` (Measures or Relates)")),
    };
    Ok(Link {
        from: id(get("from")?)?,
        to: id(get("to")?)?,
        kind,
    })
}

/// `<fulcrum:scenario name="…" overrides="{…}"/>`.
fn read_scenario(e: &BytesStart<'_>) -> Result<Scenario, String> {
    let name = match attr(e, "name.ron")? {
        Some(raw) => ron_value::<String>(&raw).map_err(|why| format!("name.ron: {why}"))?,
        None => attr(e, "name")?.ok_or("a scenario without a name")?,
    };
    let raw = attr(e, "overrides")?.unwrap_or_else(|| "{}".to_owned());
    let parsed: BTreeMap<String, f64> =
        ron_value(&raw).map_err(|why| format!("scenario \"{name}\": overrides: {why}"))?;
    let mut overrides = BTreeMap::new();
    for (id, v) in parsed {
        let id = NodeId::new(&id).map_err(|why| format!("scenario \"{name}\": {why}"))?;
        overrides.insert(id, v);
    }
    Ok(Scenario { name, overrides })
}

/// An `<outline>`: its title, notes and, from Fulcrum's attributes, every field.
fn read_outline(
    e: &BytesStart<'_>,
    prefix: &str,
    p: &mut Pending,
    text: &str,
    at: usize,
    problems: &mut Vec<Problem>,
) {
    let err = |m: String| Problem::at(Some(line_col(text, at)), Severity::Error, m);
    let attrs = match all_attrs(e) {
        Ok(a) => a,
        Err(why) => {
            problems.push(err(why));
            return;
        }
    };
    let mut fulcrum = false;
    for (key, value) in attrs {
        if key == "text" {
            p.node.title = value;
            continue;
        }
        if key == "_note" {
            p.node.notes = Some(value);
            continue;
        }
        let Some(name) = key
            .split_once(':')
            .filter(|(p, _)| *p == prefix)
            .map(|(_, n)| n.to_owned())
        else {
            continue;
        };
        fulcrum = true;
        if let Err(why) = fulcrum_attr(p, &name, &value) {
            problems.push(err(format!("{prefix}:{name}: {why}")));
        }
    }
    if !fulcrum {
        p.node.title = strip_inline_tags(&p.node.title);
        // Dynalist writes `_note=""` on every item.
        if p.node.notes.as_deref().is_some_and(|n| n.trim().is_empty()) {
            p.node.notes = None;
        }
    }
}

/// One `fulcrum:NAME` attribute of an outline.
fn fulcrum_attr(p: &mut Pending, name: &str, value: &str) -> Result<(), String> {
    match name {
        "id" => {
            p.id = Some((value.to_owned(), p.pos));
            return Ok(());
        }
        "kind" => {
            let kind = NodeKind::ALL
                .into_iter()
                .find(|k| k.name() == value)
                .ok_or_else(|| format!("unknown kind `{value}`"))?;
            p.kind = Some(kind);
            return Ok(());
        }
        _ => {}
    }
    let (field_name, literal) = match name.strip_suffix(".ron") {
        Some(n) => (n, true),
        None => (name, false),
    };
    let Some(mut field) = Field::from_name(field_name) else {
        return Err("not a Fulcrum field (is the file from a newer Fulcrum?)".to_owned());
    };
    if field == Field::Evidence && !value.trim_start().starts_with('[') {
        field = Field::EvidenceStrength;
    }
    let value = if literal {
        if !is_text(field) {
            return Err("only text fields are written as `.ron` literals".to_owned());
        }
        FieldValue::Text(ron_value::<String>(value)?.into())
    } else {
        parse_field(field, value)?
    };
    field.set(&mut p.node, value).map_err(|e| e.to_string())?;
    Ok(())
}

/// The fields that hold free text (written as they are).
fn is_text(field: Field) -> bool {
    matches!(
        field,
        Field::Title
            | Field::Unit
            | Field::Source
            | Field::Owner
            | Field::Method
            | Field::SuccessCriterion
            | Field::Result
            | Field::Notes
    )
}

/// A field's value from its attribute: free text as it is, the rest as the `.ron` file
/// writes it.
fn parse_field(field: Field, raw: &str) -> Result<FieldValue<'static>, String> {
    use FieldValue as V;
    if is_text(field) {
        return Ok(V::Text(raw.to_owned().into()));
    }
    Ok(match field {
        Field::Value | Field::Target | Field::ExpectedLift => V::Number(ron_value(raw)?),
        Field::Controllable | Field::Targeted => V::Bool(ron_value(raw)?),
        Field::Market
        | Field::Company
        | Field::Customer
        | Field::Effort
        | Field::Importance
        | Field::EvidenceStrength => V::Score(ron_value(raw)?),
        Field::Kind => V::Kind(ron_value(raw)?),
        Field::Formula => V::Formula(Cow::Owned(ron_value::<Formula>(raw)?)),
        Field::Display => V::Display(ron_value::<Display>(raw)?),
        Field::Direction => V::Direction(ron_value::<Direction>(raw)?),
        Field::Thresholds => V::Thresholds(ron_value::<Thresholds>(raw)?),
        Field::History => V::History(Cow::Owned(
            ron_value::<BTreeMap<String, f64>>(raw)?
                .into_iter()
                .collect(),
        )),
        Field::Sizing => V::Sizing(ron_value::<Sizing>(raw)?),
        Field::Evidence => V::Evidence(Cow::Owned(ron_value::<Vec<Evidence>>(raw)?)),
        Field::Status => V::Status(ron_value::<Status>(raw)?),
        Field::Category => V::Category(ron_value::<Category>(raw)?),
        Field::Orientation => V::Orientation(ron_value::<Orientation>(raw)?),
        // Text fields returned above.
        _ => V::Text(raw.to_owned().into()),
    })
}

/// A value in RON, as the `.ron` file writes it (RON's recursion limit stays on).
fn ron_value<T: DeserializeOwned>(raw: &str) -> Result<T, String> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str::<T>(raw)
        .map_err(|e| format!("`{}` does not read: {}", shorten(raw), e.code))
}

fn shorten(raw: &str) -> String {
    if raw.chars().count() > 60 {
        let head: String = raw.chars().take(57).collect();
        format!("{head}…")
    } else {
        raw.to_owned()
    }
}

/// Outliners such as Workflowy keep formatting as HTML inside `text` (`<b>bold</b>`); the
/// tags of inline formatting are dropped from foreign titles, their text kept.
fn strip_inline_tags(title: &str) -> String {
    const TAGS: &[&str] = &[
        "b", "i", "u", "s", "em", "strong", "span", "a", "mark", "code", "br", "strike", "del",
        "sup", "sub",
    ];
    if !title.contains('<') {
        return title.to_owned();
    }
    let mut out = String::with_capacity(title.len());
    let mut rest = title;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let tag_end = after.find('>');
        let is_tag = tag_end.is_some_and(|end| {
            let inner = after[..end].trim_start_matches('/');
            let name: String = inner
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            TAGS.contains(&name.as_str())
                && inner[name.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || c == '/')
        });
        match (is_tag, tag_end) {
            (true, Some(end)) => rest = &after[end + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_tags_are_dropped_from_foreign_titles() {
        assert_eq!(
            strip_inline_tags("<b>Bold</b> and <a href=\"x\">link</a>"),
            "Bold and link"
        );
        assert_eq!(strip_inline_tags("a < b and <c>"), "a < b and <c>");
    }
}
