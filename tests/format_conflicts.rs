#![allow(clippy::unwrap_used)]
//! SPEC §3: git conflict markers in a map file are a merge conflict, not a parse error —
//! `check` names each block with its line and both sides, and a conflicted file never loads
//! silently with one side. The blocks carry what a resolution view needs.

use std::process::Command;

use fulcrum::edit::merge;
use fulcrum::format::{self, ConflictBlock, FormatError, Pick};
use fulcrum::model::Map;

const BASE: &str = r#"#![enable(implicit_some)]
Map(
    format: 1,
    title: "Net revenue retention",
    nodes: [
        (
            id: "nrr",
            kind: Metric,
            title: "Net revenue retention",
            formula: Sum,
            target: 1.1,
            owner: "VP Customer Success",
        ),
        (
            id: "expansion",
            parent: "nrr",
            kind: Metric,
            title: "Expansion MRR",
            value: 15000.0,
        ),
        (
            id: "churned",
            parent: "nrr",
            kind: Metric,
            title: "Churned MRR",
            value: 4000.0,
        ),
    ],
    scenarios: [
        (name: "Stretch", overrides: {"churned": 2000.0}),
    ],
)
"#;

fn map(text: &str) -> Map {
    format::parse_str(text).unwrap().map
}

/// The text of merging `ours` and `theirs` (each BASE with replacements) over BASE.
fn merged(ours: &[(&str, &str)], theirs: &[(&str, &str)]) -> String {
    let edit = |pairs: &[(&str, &str)]| {
        let mut text = BASE.to_owned();
        for (from, to) in pairs {
            assert!(text.contains(from), "{from}");
            text = text.replacen(from, to, 1);
        }
        map(&text)
    };
    format::merged_to_string(&merge(&map(BASE), &edit(ours), &edit(theirs)))
}

fn blocks(text: &str) -> Vec<ConflictBlock> {
    match format::parse_str(text) {
        Err(FormatError::Conflicted(blocks)) => blocks,
        other => panic!("expected a conflicted file, got {other:?}"),
    }
}

fn problems(text: &str) -> Vec<String> {
    match format::parse_str(text) {
        Err(err) => err.problems().iter().map(|p| p.render("f")).collect(),
        Ok(_) => panic!("the conflicted file loaded"),
    }
}

#[test]
fn a_field_changed_two_ways_is_one_block_around_its_line() {
    let text = merged(
        &[("target: 1.1,", "target: 1.12,")],
        &[("target: 1.1,", "target: 1.15,")],
    );
    let line = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap() + 1;
    assert_eq!(
        problems(&text),
        [format!(
            "f:{line}:1: merge conflict in nrr.target: ours 1.12, theirs 1.15"
        )]
    );
    let b = &blocks(&text)[0];
    assert_eq!((b.line, b.end_line), (line, line + 4));
    assert_eq!(b.ours, "            target: 1.12,\n");
    assert_eq!(b.theirs, "            target: 1.15,\n");
    assert_eq!(b.node.as_deref(), Some("nrr"));
    assert_eq!(b.field.as_deref(), Some("target"));
    assert!(b.complete && b.base.is_none());
}

#[test]
fn each_side_taken_loads_and_is_that_sides_value() {
    let text = merged(
        &[("target: 1.1,", "target: 1.12,")],
        &[
            ("target: 1.1,", "target: 1.15,"),
            ("owner: \"VP Customer Success\"", "owner: \"CRO\""),
        ],
    );
    assert_eq!(blocks(&text).len(), 1);
    for (pick, target) in [(Pick::Ours, 1.12), (Pick::Theirs, 1.15)] {
        let resolved = format::resolve_conflicts(&text, |_| pick.clone());
        let m = map(&resolved);
        let nrr = m.node("nrr").unwrap();
        assert_eq!(nrr.target, Some(target));
        assert_eq!(nrr.owner.as_deref(), Some("CRO"), "the clean change is in");
    }
    // An edited resolution is taken as written.
    let resolved =
        format::resolve_conflicts(&text, |_| Pick::Text("            target: 1.2,\n".into()));
    assert_eq!(map(&resolved).node("nrr").unwrap().target, Some(1.2));
}

#[test]
fn a_field_one_side_removed_has_an_empty_side() {
    let text = merged(
        &[("            owner: \"VP Customer Success\",\n", "")],
        &[("owner: \"VP Customer Success\"", "owner: \"CRO\"")],
    );
    let problems = problems(&text);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].ends_with("merge conflict in nrr.owner: ours (absent), theirs \"CRO\""),
        "{problems:?}"
    );
}

#[test]
fn a_delete_against_an_edit_is_a_block_of_the_whole_node() {
    let expansion = "        (\n            id: \"expansion\",\n            parent: \"nrr\",\n            kind: Metric,\n            title: \"Expansion MRR\",\n            value: 15000.0,\n        ),\n";
    let text = merged(
        &[(expansion, "")],
        &[("value: 15000.0,", "value: 16000.0,")],
    );
    let b = &blocks(&text)[0];
    assert_eq!(b.ours, "");
    assert!(b.theirs.contains("value: 16000.0,"));
    assert_eq!(b.node.as_deref(), Some("expansion"));
    assert!(
        b.message()
            .contains("over the node `expansion`: ours does not have it, theirs has it"),
        "{}",
        b.message()
    );
    assert!(format::parse_str(&format::resolve_conflicts(&text, |_| Pick::Ours)).is_ok());
    assert!(format::parse_str(&format::resolve_conflicts(&text, |_| Pick::Theirs)).is_ok());
}

#[test]
fn a_move_two_ways_is_a_block_around_the_parent_line() {
    let text = merged(
        &[(
            "parent: \"nrr\",\n            kind: Metric,\n            title: \"Churned MRR\"",
            "parent: \"expansion\",\n            kind: Metric,\n            title: \"Churned MRR\"",
        )],
        &[(
            "            parent: \"nrr\",\n            kind: Metric,\n            title: \"Churned MRR\"",
            "            kind: Metric,\n            title: \"Churned MRR\"",
        )],
    );
    let problems = problems(&text);
    assert_eq!(problems.len(), 1, "{text}");
    assert!(
        problems[0]
            .ends_with("merge conflict in churned.parent: ours \"expansion\", theirs (absent)"),
        "{problems:?}"
    );
    for pick in [Pick::Ours, Pick::Theirs] {
        assert!(format::parse_str(&format::resolve_conflicts(&text, |_| pick.clone())).is_ok());
    }
}

#[test]
fn title_and_scenario_conflicts_are_named() {
    let text = merged(
        &[
            (
                "title: \"Net revenue retention\",\n    nodes",
                "title: \"NRR\",\n    nodes",
            ),
            ("{\"churned\": 2000.0}", "{\"churned\": 1500.0}"),
        ],
        &[
            (
                "title: \"Net revenue retention\",\n    nodes",
                "title: \"Retention\",\n    nodes",
            ),
            ("{\"churned\": 2000.0}", "{\"churned\": 2500.0}"),
        ],
    );
    let problems = problems(&text);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0]
            .ends_with("merge conflict in the map's title: ours \"NRR\", theirs \"Retention\""),
        "{problems:?}"
    );
    assert!(
        problems[1].ends_with(
            "merge conflict in scenario \"Stretch\": ours {\"churned\": 1500.0}, theirs \
             {\"churned\": 2500.0}"
        ),
        "{problems:?}"
    );
    assert_eq!(blocks(&text)[1].scenario.as_deref(), Some("Stretch"));
}

#[test]
fn a_hand_made_conflict_with_a_base_section_never_loads_with_one_side() {
    // git's diff3 style, from a plain text merge.
    let text = BASE.replace(
        "            target: 1.1,\n",
        "<<<<<<< HEAD\n            target: 1.12,\n||||||| base\n            target: 1.1,\n=======\n            target: 1.15,\n>>>>>>> feature\n",
    );
    let b = &blocks(&text)[0];
    assert_eq!(b.base.as_deref(), Some("            target: 1.1,\n"));
    assert_eq!(
        b.message(),
        "merge conflict in nrr.target: ours 1.12, theirs 1.15"
    );
    let resolved = format::resolve_conflicts(&text, |_| Pick::Theirs);
    assert_eq!(map(&resolved).node("nrr").unwrap().target, Some(1.15));
}

#[test]
fn stray_and_unclosed_markers_are_conflicts_with_their_line() {
    let text = BASE.replace("            target: 1.1,\n", "=======\n");
    assert_eq!(
        problems(&text),
        [
            "f:11:1: a git conflict marker outside a complete `<<<<<<<` … `=======` … `>>>>>>>` block"
        ]
    );
    let text = BASE.replace(
        "            target: 1.1,\n",
        "<<<<<<< ours\n            target: 1.1,\n",
    );
    assert!(!blocks(&text)[0].complete);
}

#[test]
fn a_newer_format_is_still_refused_as_newer() {
    let text = merged(
        &[("target: 1.1,", "target: 1.12,")],
        &[("target: 1.1,", "target: 1.15,")],
    )
    .replacen("format: 1,", "format: 9,", 1);
    assert!(matches!(
        format::parse_str(&text),
        Err(FormatError::NewerFormat { found: 9, .. })
    ));
}

#[test]
fn check_names_each_conflict_with_its_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.ron");
    let text = merged(
        &[("target: 1.1,", "target: 1.12,")],
        &[("target: 1.1,", "target: 1.15,")],
    );
    std::fs::write(&path, &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap() + 1;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.trim(),
        format!(
            "{}:{line}:1: merge conflict in nrr.target: ours 1.12, theirs 1.15",
            path.display()
        )
    );
    // Reading never changes the file.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
