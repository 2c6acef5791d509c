//! `fulcrum diff`, `fulcrum merge` and `fulcrum merge-driver` as a user (or git) runs them:
//! exit codes, the documented JSON shapes, layout that is never a change, and trouble (a
//! file that does not load) that writes nothing.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn fulcrum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The NRR sample in canonical form.
fn nrr() -> String {
    let text =
        std::fs::read_to_string(format!("{}/samples/nrr.ron", env!("CARGO_MANIFEST_DIR"))).unwrap();
    fulcrum::format::to_string(&fulcrum::format::parse_str(&text).unwrap().map)
}

fn replaced(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in pairs {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    text
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

#[test]
fn layout_is_never_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let canonical = write(
        dir.path(),
        "a.ron",
        "#![enable(implicit_some)]\nMap(\n    format: 1,\n    title: \"t\",\n    nodes: [\n        (\n            id: \"a\",\n            kind: Metric,\n            title: \"A\",\n            value: 1.5,\n            target: 2.0,\n        ),\n    ],\n)\n",
    );
    // One line, fields in another order, `Some(…)`, no header, a comment.
    let compact = write(
        dir.path(),
        "b.ron",
        "Map(format: 1, title: \"t\", nodes: [(target: Some(2.0), title: \"A\", kind: Metric, value: 1.50, id: \"a\") /* same */])",
    );
    let out = fulcrum(&["diff", s(&canonical), s(&compact)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty());
    let out = fulcrum(&["diff", s(&canonical), s(&compact), "--format", "json"]);
    assert_eq!(json_of(&out), json!({"changes": []}));
}

#[test]
fn diff_json_has_the_documented_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.ron", &nrr());
    let new = write(
        dir.path(),
        "new.ron",
        &replaced(
            &nrr(),
            &[
                // expansion's owner set; churned's history entry changed and one added.
                (
                    "            target: 20000.0,\n            owner: \"Head of Account Management\",\n",
                    "            target: 20000.0,\n",
                ),
                (
                    "title: \"Net revenue retention\",\n    nodes",
                    "title: \"NRR\",\n    nodes",
                ),
            ],
        ),
    );
    // From new to old: the owner appears.
    let out = fulcrum(&["diff", s(&new), s(&old), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let changes = json_of(&out)["changes"].as_array().unwrap().clone();
    assert_eq!(
        changes,
        [
            json!({"change": "changed", "field": "title", "old": "NRR", "new": "Net revenue retention", "item": "map"}),
            json!({"change": "changed", "id": "expansion", "field": "owner", "old": null,
                   "new": "Head of Account Management", "item": "node"}),
        ]
    );
    let out = fulcrum(&["diff", s(&new), s(&old)]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "changed    map title: \"NRR\" → \"Net revenue retention\"\nchanged    expansion.owner: (absent) → \"Head of Account Management\"\n"
    );
}

#[test]
fn diff_reports_nodes_links_scenarios_and_history_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let base = "Map(format: 1, title: \"t\", nodes: [\n  (id: \"top\", kind: Metric, title: \"Top\", formula: Sum),\n  (id: \"a\", parent: \"top\", kind: Metric, title: \"A\", value: 1.0, history: {\"p1\": 1.0}),\n  (id: \"b\", parent: \"top\", kind: Metric, title: \"B\", value: 2.0),\n  (id: \"c\", parent: \"top\", kind: Metric, title: \"C\", value: 3.0),\n  (id: \"goal\", kind: Outcome, title: \"Goal\"),\n], links: [(from: \"goal\", to: \"a\", kind: Measures)],\nscenarios: [(name: \"S\", overrides: {\"a\": 5.0})])";
    let new = "Map(format: 1, title: \"t\", nodes: [\n  (id: \"top\", kind: Metric, title: \"Top\", formula: Sum),\n  (id: \"c\", parent: \"top\", kind: Metric, title: \"C\", value: 3.0),\n  (id: \"a\", parent: \"top\", kind: Metric, title: \"A\", value: 1.0, history: {\"p1\": 1.5, \"p2\": 2.0}),\n  (id: \"goal\", kind: Outcome, title: \"Goal\"),\n  (id: \"b\", parent: \"goal\", kind: Metric, title: \"B\", value: 2.0),\n  (id: \"d\", parent: \"goal\", kind: Note, title: \"D\"),\n], links: [(from: \"goal\", to: \"c\", kind: Measures)],\nscenarios: [(name: \"S\", overrides: {\"a\": 6.0}), (name: \"T\", overrides: {})])";
    let (a, b) = (
        write(dir.path(), "a.ron", base),
        write(dir.path(), "b.ron", new),
    );
    let out = fulcrum(&["diff", s(&a), s(&b), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let changes = json_of(&out)["changes"].as_array().unwrap().clone();
    assert_eq!(
        changes,
        [
            json!({"change": "reordered", "id": "c", "parent": "top", "old_index": 2, "new_index": 0, "item": "node"}),
            json!({"change": "changed", "id": "a", "field": "history", "key": "p1", "old": 1.0, "new": 1.5, "item": "node"}),
            json!({"change": "added", "id": "a", "field": "history", "key": "p2", "old": null, "new": 2.0, "item": "node"}),
            json!({"change": "moved", "id": "b", "old_parent": "top", "new_parent": "goal", "old_index": 1, "new_index": 0, "item": "node"}),
            json!({"change": "added", "id": "d", "parent": "goal", "index": 1, "kind": "Note", "title": "D", "item": "node"}),
            json!({"change": "removed", "id": "goal->a:Measures", "from": "goal", "to": "a", "kind": "Measures", "item": "link"}),
            json!({"change": "added", "id": "goal->c:Measures", "from": "goal", "to": "c", "kind": "Measures", "item": "link"}),
            json!({"change": "changed", "id": "S", "field": "overrides", "key": "a", "old": 5.0, "new": 6.0, "item": "scenario"}),
            json!({"change": "added", "id": "T", "overrides": {}, "item": "scenario"}),
        ]
    );
    let table = String::from_utf8_lossy(&fulcrum(&["diff", s(&a), s(&b)]).stdout).to_string();
    assert!(
        table.contains("reordered  node c under top: position 3 → 1\n"),
        "{table}"
    );
    assert!(table.contains("moved      node b: top → goal\n"), "{table}");
    assert!(
        table.contains("added      a.history[\"p2\"]: (absent) → 2.0\n"),
        "{table}"
    );
}

#[test]
fn a_file_that_does_not_load_is_trouble() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.ron", &nrr());
    let broken = write(
        dir.path(),
        "broken.ron",
        "Map(format: 1, nodes: [(id: \"a\" kind: Metric)])",
    );
    let out = fulcrum(&["diff", s(&good), s(&broken)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains(&format!("{}:1:", broken.display())),
        "{}",
        text(&out)
    );
    let missing = dir.path().join("missing.ron");
    assert_eq!(
        fulcrum(&["diff", s(&missing), s(&good)]).status.code(),
        Some(2)
    );
}

#[test]
fn merge_writes_the_clean_merge_canonically() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "base.ron", &nrr());
    let ours = write(
        dir.path(),
        "ours.ron",
        &replaced(&nrr(), &[("target: 1.1,", "target: 1.12,")]),
    );
    let theirs = write(
        dir.path(),
        "theirs.ron",
        &replaced(
            &nrr(),
            &[("owner: \"VP Customer Success\"", "owner: \"CRO\"")],
        ),
    );
    let out_path = dir.path().join("out.ron");
    let out = fulcrum(&[
        "merge",
        s(&base),
        s(&ours),
        s(&theirs),
        "-o",
        s(&out_path),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(json_of(&out), json!({"conflicts": []}));
    let expected = replaced(
        &nrr(),
        &[
            ("target: 1.1,", "target: 1.12,"),
            ("owner: \"VP Customer Success\"", "owner: \"CRO\""),
        ],
    );
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), expected);
}

#[test]
fn merge_conflicts_are_listed_and_left_between_markers() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "base.ron", &nrr());
    let ours = write(
        dir.path(),
        "ours.ron",
        &replaced(&nrr(), &[("target: 1.1,", "target: 1.12,")]),
    );
    let theirs = write(
        dir.path(),
        "theirs.ron",
        &replaced(&nrr(), &[("target: 1.1,", "target: 1.15,")]),
    );
    let out_path = dir.path().join("out.ron");
    let out = fulcrum(&[
        "merge",
        s(&base),
        s(&ours),
        s(&theirs),
        "-o",
        s(&out_path),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        json_of(&out),
        json!({"conflicts": [{"id": "nrr", "field": "target", "base": 1.1, "ours": 1.12, "theirs": 1.15,
                              "item": "node", "reason": "changed"}]})
    );
    let merged = std::fs::read_to_string(&out_path).unwrap();
    assert!(merged.contains(
        "<<<<<<< ours\n            target: 1.12,\n=======\n            target: 1.15,\n>>>>>>> theirs\n"
    ));
    let out = fulcrum(&["merge", s(&base), s(&ours), s(&theirs), "-o", s(&out_path)]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "conflict   nrr.target (changed two ways): base 1.1, ours 1.12, theirs 1.15\n"
    );
    let check = fulcrum(&["check", s(&out_path)]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check).contains("merge conflict in nrr.target: ours 1.12, theirs 1.15"));
}

#[test]
fn an_unparseable_side_is_trouble_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "base.ron", &nrr());
    let ours = write(dir.path(), "ours.ron", &nrr());
    let theirs = write(dir.path(), "theirs.ron", &nrr()[..200]);
    let out_path = dir.path().join("out.ron");
    let out = fulcrum(&["merge", s(&base), s(&ours), s(&theirs), "-o", s(&out_path)]);
    assert_eq!(out.status.code(), Some(2));
    let report = text(&out);
    assert!(
        report.contains(&format!("{}:", theirs.display())),
        "{report}"
    );
    assert!(report.contains("truncated"), "{report}");
    assert!(!out_path.exists());
}

#[test]
fn both_branches_adding_the_file_merge_over_an_empty_base() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "base.ron", "");
    let ours = write(dir.path(), "ours.ron", &nrr());
    let theirs = write(
        dir.path(),
        "theirs.ron",
        &replaced(&nrr(), &[("target: 1.1,", "target: 1.15,")]),
    );
    let out_path = dir.path().join("out.ron");
    let out = fulcrum(&[
        "merge",
        s(&base),
        s(&ours),
        s(&theirs),
        "-o",
        s(&out_path),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        json_of(&out)["conflicts"],
        json!([{"id": "nrr", "field": "target", "base": null, "ours": 1.1, "theirs": 1.15,
                "item": "node", "reason": "added"}])
    );
}

#[test]
fn the_merge_driver_replaces_ours_or_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "O", &nrr());
    let theirs = write(
        dir.path(),
        "B",
        &replaced(&nrr(), &[("target: 1.1,", "target: 1.15,")]),
    );
    // Clean: the result replaces %A.
    let ours = write(
        dir.path(),
        "A",
        &replaced(
            &nrr(),
            &[("owner: \"VP Customer Success\"", "owner: \"CRO\"")],
        ),
    );
    let out = fulcrum(&[
        "merge-driver",
        s(&base),
        s(&ours),
        s(&theirs),
        "maps/nrr.ron",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let merged = std::fs::read_to_string(&ours).unwrap();
    assert!(merged.contains("target: 1.15,") && merged.contains("owner: \"CRO\""));
    // Conflicts: left in %A between markers, non-zero.
    let ours = write(
        dir.path(),
        "A",
        &replaced(&nrr(), &[("target: 1.1,", "target: 1.12,")]),
    );
    let out = fulcrum(&[
        "merge-driver",
        s(&base),
        s(&ours),
        s(&theirs),
        "maps/nrr.ron",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("maps/nrr.ron: 1 conflict"),
        "{}",
        text(&out)
    );
    assert!(
        std::fs::read_to_string(&ours)
            .unwrap()
            .contains("<<<<<<< ours")
    );
    // A side that does not load: a clear error and %A untouched.
    let broken = "Map(format: 1, nodes: [(id: \"a\", kind: Metrik)])";
    let ours = write(dir.path(), "A", broken);
    let out = fulcrum(&[
        "merge-driver",
        s(&base),
        s(&ours),
        s(&theirs),
        "maps/nrr.ron",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let report = text(&out);
    assert!(report.contains("cannot merge maps/nrr.ron"), "{report}");
    assert!(
        report.contains("unknown node kind `Metrik`") || report.contains("Metrik"),
        "{report}"
    );
    assert_eq!(std::fs::read_to_string(&ours).unwrap(), broken);
}
