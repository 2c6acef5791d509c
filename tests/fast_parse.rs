#![allow(clippy::unwrap_used)]
//! The fast reader of Fulcrum's own subset of RON against the `ron` crate, its reference:
//! on every text the fast reader takes, both build the same map with the same warnings (or
//! refuse it with the same problems); every text `ron` refuses, the fast reader gives up on
//! (so the problem and its place are `ron`'s). Canonical texts — everything Fulcrum writes —
//! are read fast. The `fast_parse` fuzz target runs the same comparison on mutated texts.

use fulcrum::format::{self, FormatError, Loaded, Reader};
use fulcrum::model::synthetic;
use proptest::prelude::*;

mod map_gen;
use map_gen::{build_map, finite_f64, gen_node, text};

/// What a load gives, as comparable text: the canonical text of the map, its warnings and
/// comment count, or the error with every problem and place.
fn outcome(result: &Result<Loaded, FormatError>) -> String {
    match result {
        Ok(loaded) => format!(
            "ok\n{}\n{:?}\ncomments: {}",
            format::to_string(&loaded.map),
            loaded.warnings,
            loaded.comments
        ),
        Err(err) => format!("error {err:?}"),
    }
}

/// `None` when the fast reader gave up; otherwise checks it agrees with `ron` and returns
/// the outcome.
fn compare(text: &str) -> Option<String> {
    let fast = format::parse_str_by(text, Reader::Fast)?;
    let reference = format::parse_str_by(text, Reader::Ron).unwrap();
    let (fast, reference) = (outcome(&fast), outcome(&reference));
    assert_eq!(fast, reference, "the readers disagree on:\n{text}");
    Some(fast)
}

fn samples() -> Vec<String> {
    let mut texts: Vec<String> = std::fs::read_dir("samples")
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    texts.sort();
    texts
}

#[test]
fn every_sample_and_canonical_text_is_read_fast() {
    for text in samples() {
        let canonical = format::to_string(&format::parse_str(&text).unwrap().map);
        for text in [&text, &canonical] {
            assert!(compare(text).is_some(), "gave up on:\n{text}");
        }
    }
    for n in [1usize, 10, 500] {
        let text = format::to_string(&synthetic::driver_tree(n, 3));
        assert!(compare(&text).unwrap().starts_with("ok"));
    }
}

#[test]
fn strings_with_escapes_read_alike() {
    let text = r#"Map(format: 1, nodes: [(id: "a", kind: Note, title: "say \"hi\"\\ \n\t\r é 😀",
        notes: "a
raw line break")])"#;
    assert!(compare(text).unwrap().starts_with("ok"));
}

/// Texts `ron` reads differently from the plain subset, or refuses: the fast reader gives up
/// on each (or, where it reads one, agrees).
#[test]
fn what_the_subset_leaves_to_ron() {
    let node =
        |fields: &str| format!("Map(format: 1, nodes: [(id: \"a\", kind: Metric, {fields})])");
    let gives_up = [
        node("value: 1_000.0"),
        node("value: 1.0f64"),
        node("value: inf"),
        node("value: NaN"),
        node("value: 0x10"),
        node("title: Some(\"x\")"),
        node("title: None"),
        node("title: r\"raw\""),
        node("title: \"\\u{41}\""),
        node("title: \"\\x41\""),
        node("title: \"a\\\n b\""),
        node("r#title: \"x\""),
        node("title: \"x\" // a comment"),
        node("title: /* c */ \"x\""),
        node("formula: Expr(\"a\",)"),
        node("title: \"x\"\u{0B}"),
        node("title: \"x\"\u{2028}"),
        node("thresholds: Thresholds(warn: 1, alert: 2), owner: \"x\",,"),
        node("unit: \"x\" owner: \"y\""),
        node("kind2: Metric"),
        node("title: \"x\", title: \"y\""),
        node("formula: Sum, kind: Note"),
        node("value: 1..2"),
        node("market: +3"),
        node("market: 3.0"),
        node("market: 3e1"),
        node("market: 99999999999999999999"),
        "Map(format: 1, nodes: [(id: \"a\", kind: Note)]) trailing".to_owned(),
        "Map(format: 1, nodes: [(id: \"a\", kind: Note)]".to_owned(),
        "Mop(format: 1, nodes: [])".to_owned(),
        "#![enable(unwrap_newtypes)] Map(format: 1, nodes: [])".to_owned(),
        "Map(format: 1, nodes: [(id: \"a\", kind: Opportunity, evidence: 3.5)])".to_owned(),
        format!("Map(format: 1, nodes: [{}])", "[".repeat(200)),
    ];
    for text in &gives_up {
        assert!(
            format::parse_str_by(text, Reader::Fast).is_none(),
            "did not give up on {text}"
        );
        // `ron` still answers, and loading gives its answer.
        let reference = outcome(&format::parse_str_by(text, Reader::Ron).unwrap());
        assert_eq!(outcome(&format::parse_str(text)), reference);
    }
    let reads_alike = [
        node("value: 1."),
        node("value: .5"),
        node("value: +1.5"),
        node("value: -0.0"),
        node("value: 1e400"),
        node("value: 5e-324"),
        node("value: 1E3"),
        node("value: 7"),
        node("market: 04"),
        node("market: -3"),
        node("market: 9"),
        node("controllable: true, targeted: false"),
        node("thresholds: Thresholds(warn: 1, alert: 2)"),
        node("history: {\"2026-01\": 1, \"2026-01\": 2,}"),
        node("formula: Expr(\"a +\")"),
        "Map(format: 1, nodes: [(id: \"a\", kind: Nope)])".to_owned(),
        node("status: Running"),
        "Map(format: 1, nodes: [Node(id: \"a\", kind: Note),],)".to_owned(),
        "Map (format: 1, nodes: [])".to_owned(),
        "Map(format: 9, nodes: [])".to_owned(),
        "Map(format: 1, nodes: [(id: \"a\", kind: Opportunity, evidence: 3)])".to_owned(),
        "Map(format: 1, nodes: [(id: \"a\", kind: Assumption, evidence: -3)])".to_owned(),
        "Map(format: 1, nodes: [(id: \"a\", kind: Assumption, evidence: [])])".to_owned(),
        "Map(format: 3, nodes: [(id: \"a\", kind: Assumption, evidence: [(source: \"s\")], evidence_strength: 2)])".to_owned(),
        "Map(format: 2, nodes: [(id: \"a\", kind: Assumption, evidence: [(source: \"s\")], evidence_strength: 2)])".to_owned(),
        "Map(nodes: [])".to_owned(),
        "Map()".to_owned(),
        "(format: 1)".to_owned(),
        " \t\r\n#![enable(implicit_some)]\r\nMap(format: 1)\n\n".to_owned(),
    ];
    for text in &reads_alike {
        assert!(compare(text).is_some(), "gave up on {text}");
    }
}

/// Pieces that, dropped anywhere into a map's text, push at the subset's edges.
const PIECES: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ",", ":", "\"", "\\", "/", "*", "//", "/*", "*/", "#", "r#", "0",
    "1", "-", "+", ".", "..", "e", "E", "_", "0x", "inf", "NaN", "f64", "Some(", "None", "true",
    "false", "Metric", "Sum", "Expr(", " ", "\n", "\t", "\r", "\u{0B}", "\u{85}", "\u{2028}", "é",
    "😀", "\\n", "\\u{41}", "id", "parent", "kind", "value", "title",
];

#[derive(Clone, Debug)]
enum Edit {
    Insert(prop::sample::Index, usize),
    Delete(prop::sample::Index, usize),
    Duplicate(prop::sample::Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), 0..PIECES.len()).prop_map(|(at, p)| Edit::Insert(at, p)),
        (any::<prop::sample::Index>(), 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<prop::sample::Index>(), 1usize..40).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

/// Applies an edit at a character boundary.
fn apply(text: &mut String, edit: &Edit) {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let at = |index: &prop::sample::Index| bounds[index.index(bounds.len())];
    let end = |from: usize, n: usize| {
        bounds
            .iter()
            .copied()
            .find(|&b| b >= from + n)
            .unwrap_or(text.len())
    };
    match edit {
        Edit::Insert(index, piece) => text.insert_str(at(index), PIECES[*piece]),
        Edit::Delete(index, n) => {
            let from = at(index);
            let to = end(from, *n);
            text.replace_range(from..to, "");
        }
        Edit::Duplicate(index, n) => {
            let from = at(index);
            let to = end(from, *n);
            let copy = text[from..to].to_owned();
            text.insert_str(to, &copy);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Edited samples: wherever the fast reader reads the text, it agrees with `ron`.
    #[test]
    fn edited_texts_read_alike(
        sample in 0usize..4,
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let texts = samples();
        let mut text = texts[sample % texts.len()].clone();
        for e in &edits {
            apply(&mut text, e);
        }
        compare(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Random valid maps, with every field and hostile strings: the canonical text is read
    /// alike, and fast unless it holds a character written as `\u{…}`.
    #[test]
    fn random_maps_read_alike(
        title in text(),
        gens in prop::collection::vec(gen_node(), 0..20),
        links in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()),
            0..4,
        ),
        scenarios in prop::collection::vec(
            (text(), prop::collection::vec((any::<prop::sample::Index>(), finite_f64()), 0..3)),
            0..3,
        ),
        edits in prop::collection::vec(edit(), 0..3),
    ) {
        let map = build_map(title, gens, links, scenarios);
        let mut text = format::to_string(&map);
        let plain = !text.contains("\\u{");
        let read = compare(&text);
        prop_assert!(read.is_some() || !plain, "gave up on:\n{}", text);
        for e in &edits {
            apply(&mut text, e);
        }
        compare(&text);
    }
}

/// A text over 1 MiB is read on two threads, the second from a node near the middle.
fn big_text() -> String {
    let text = format::to_string(&synthetic::driver_tree(5_000, 11));
    assert!(text.len() > 1 << 20, "{} bytes", text.len());
    text
}

#[test]
fn a_big_text_read_on_two_threads_is_read_alike() {
    let text = big_text();
    assert!(compare(&text).unwrap().starts_with("ok"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Edits near the middle of a big text, where the second thread starts.
    #[test]
    fn big_texts_edited_near_the_cut_read_alike(
        offsets in prop::collection::vec(0usize..400, 1..3),
        edits in prop::collection::vec(edit(), 1..3),
    ) {
        let mut text = big_text();
        let middle = text.len() / 2;
        for (offset, e) in offsets.iter().zip(&edits) {
            // The same edit, moved to a few hundred bytes from the middle.
            let mut rest = text.split_off(middle + offset);
            let after = rest.split_off(200);
            apply(&mut rest, e);
            text.push_str(&rest);
            text.push_str(&after);
        }
        compare(&text);
    }
}

/// What loading a later version gives, as comparable text: the map's canonical text, or
/// every problem with its place.
fn map_outcome(result: &Result<fulcrum::model::Map, FormatError>) -> String {
    match result {
        Ok(map) => format!("ok\n{}", format::to_string(map)),
        Err(err) => format!("error {:?}", err.problems()),
    }
}

/// A later version read sharing the earlier one's nodes gives what reading it alone gives.
fn check_like(earlier_text: &str, text: &str) {
    let Ok((map, Some(kept))) = format::parse_map_kept(earlier_text.to_owned()) else {
        return;
    };
    let earlier = kept.earlier(&map);
    let like = format::parse_map_like(text, &earlier);
    let alone = format::parse_map(text);
    assert_eq!(
        map_outcome(&like),
        map_outcome(&alone),
        "sharing the earlier version's nodes changed how this reads:\n{text}"
    );
}

/// The samples as Fulcrum writes them: a node's fields one a line, its id first, which is
/// what a later version can share.
fn canonical_samples() -> Vec<String> {
    samples()
        .iter()
        .map(|text| format::to_string(&format::parse_str(text).unwrap().map))
        .collect()
}

#[test]
fn a_node_edited_to_the_same_length_is_read_not_taken() {
    let base = canonical_samples()
        .into_iter()
        .find(|text| text.contains("value: "))
        .unwrap();
    let at = base.find("value: ").unwrap() + "value: ".len();
    let digit = base.as_bytes()[at];
    let mut text = base.clone();
    text.replace_range(at..=at, if digit == b'1' { "2" } else { "1" });
    let (map, kept) = format::parse_map_kept(base).unwrap();
    let kept = kept.unwrap();
    let like = format::parse_map_like(&text, &kept.earlier(&map)).unwrap();
    let alone = format::parse_str(&text).unwrap().map;
    assert_eq!(format::to_string(&like), format::to_string(&alone));
}

#[test]
fn every_sample_is_kept_for_its_later_versions() {
    for text in samples().into_iter().chain(canonical_samples()) {
        let bom = format!("\u{feff}{text}");
        for earlier in [&text, &bom] {
            let (_, kept) = format::parse_map_kept(earlier.clone()).unwrap();
            assert!(kept.is_some(), "not kept:\n{earlier}");
            check_like(earlier, &text);
            check_like(earlier, &bom);
        }
    }
}

/// Changes the ASCII letter or digit at or after `at` into another, keeping the length: a
/// node edited so is as long as before, which only the bytes themselves tell apart.
fn retype(text: &mut String, at: &prop::sample::Index) {
    let from = at.index(text.len().max(1));
    let Some(i) = text
        .bytes()
        .skip(from)
        .position(|b| b.is_ascii_alphanumeric())
    else {
        return;
    };
    let i = from + i;
    let b = text.as_bytes()[i];
    let other = match b {
        b'9' => b'0',
        b'z' => b'a',
        b'Z' => b'A',
        _ => b + 1,
    };
    text.replace_range(i..=i, &char::from(other).to_string());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Edited samples read sharing the sample's nodes: the same map and problems as alone —
    /// edits inside a node (of the same length, too), across two, in a node's id, outside
    /// the nodes list.
    #[test]
    fn later_versions_read_alike(
        sample in 0usize..4,
        edits in prop::collection::vec(edit(), 0..5),
        retyped in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
        earlier_edits in prop::collection::vec(edit(), 0..2),
    ) {
        let texts = canonical_samples();
        let base = texts[sample % texts.len()].clone();
        let mut text = base.clone();
        for e in &edits {
            apply(&mut text, e);
        }
        for at in &retyped {
            retype(&mut text, at);
        }
        check_like(&base, &text);
        // An edited earlier version (kept when it still loads without a node problem).
        let mut earlier = base;
        for e in &earlier_edits {
            apply(&mut earlier, e);
        }
        check_like(&earlier, &text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// A big later version, read on two threads sharing the earlier one's nodes, edited near
    /// where the second thread starts.
    #[test]
    fn big_later_versions_read_alike(
        offsets in prop::collection::vec(0usize..400, 1..3),
        edits in prop::collection::vec(edit(), 1..3),
    ) {
        let base = big_text();
        let mut text = base.clone();
        let middle = text.len() / 2;
        for (offset, e) in offsets.iter().zip(&edits) {
            let mut rest = text.split_off(middle + offset);
            let after = rest.split_off(200);
            apply(&mut rest, e);
            text.push_str(&rest);
            text.push_str(&after);
        }
        check_like(&base, &text);
    }
}

/// A later version holds the earlier version's very node wherever its bytes are the same
/// (shared, not copied: a diff or merge of 100k nodes would otherwise build every node
/// again), and a node of its own where they differ.
#[test]
fn a_later_version_shares_the_nodes_nobody_changed() {
    let base = format::to_string(&synthetic::driver_tree(200, 3));
    let at = base.find("title: \"Metric 7\"").unwrap() + "title: \"".len();
    let mut text = base.clone();
    text.replace_range(at..at, "Renamed ");
    let (map, kept) = format::parse_map_kept(base).unwrap();
    let kept = kept.unwrap();
    let like = format::parse_map_like(&text, &kept.earlier(&map)).unwrap();
    let (mut shared, mut own) = (0, 0);
    for (id, node) in like.iter() {
        if std::ptr::eq(node, map.node(id.as_str()).unwrap()) {
            shared += 1;
        } else {
            own += 1;
            assert_eq!(node.title, "Renamed Metric 7");
        }
    }
    assert_eq!((shared, own), (map.len() - 1, 1));
}
