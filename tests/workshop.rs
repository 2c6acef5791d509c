//! The discovery workshop (issue 13: combine maps, evidence, templates).
//!
//! Combining a trio's three maps (SPEC §5 Combine maps, §6 `combine`): the same opportunity
//! phrased three ways is proposed as one group with its reasons, unrelated nodes are not,
//! and accepting gives one tree with every child, note and piece of evidence; the CLI does
//! the same. Evidence entries and an assumption's evidence score no longer share one file
//! field silently: a node holding both keeps both (format 3). Every template loads clean.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use fulcrum::edit::combine::{self, DEFAULT_THRESHOLD, Origins, Proposal};
use fulcrum::format;
use fulcrum::model::{Map, NodeId};

fn trio() -> Vec<(String, Map)> {
    ["maya", "leo", "ana"]
        .iter()
        .map(|name| {
            let path = Path::new("tests/fixtures/trio").join(format!("{name}.ron"));
            let loaded = format::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
            ((*name).to_owned(), loaded.map)
        })
        .collect()
}

fn combined() -> (Map, Origins) {
    let sources = trio();
    let mut map = Map::new(sources[0].1.title());
    let import = combine::import(&map, None, &sources);
    import.command.apply(&mut map).expect("the import applies");
    (map, import.origins)
}

fn groups(proposals: &[Proposal]) -> Vec<Vec<&str>> {
    proposals
        .iter()
        .map(|p| {
            let mut g = vec![p.keep.as_str()];
            g.extend(p.merge.iter().map(|m| m.id.as_str()));
            g
        })
        .collect()
}

fn id(s: &str) -> NodeId {
    NodeId::new(s).expect("id")
}

fn no_rejections() -> HashSet<(NodeId, NodeId)> {
    HashSet::new()
}

#[test]
fn the_same_things_phrased_three_ways_are_proposed_with_reasons() {
    let (map, origins) = combined();
    assert_eq!(
        map.roots().count(),
        3,
        "every map's tree comes in side by side"
    );
    let proposals = combine::propose(&map, &origins, DEFAULT_THRESHOLD, &no_rejections());
    let mut got = groups(&proposals);
    got.sort();
    let expect = vec![
        vec![
            "cant_find_export",
            "export_button_hidden",
            "export_hard_to_find",
        ],
        vec!["monday_by_hand", "same_report_weekly"],
        vec!["scheduled_email", "recurring_emails"],
        vec!["share_weekly", "grow_sharing", "accounts_sharing"],
    ];
    assert_eq!(got, expect);
    let export = proposals
        .iter()
        .find(|p| p.keep.as_str() == "cant_find_export")
        .expect("the export group");
    for m in &export.merge {
        assert!(
            m.reason.starts_with("shared words: find, export"),
            "{}",
            m.reason
        );
        assert!(m.score >= DEFAULT_THRESHOLD && m.score <= 1.0);
    }
    // Unrelated opportunities that share a common word are not proposed.
    for p in &proposals {
        for lone in [
            "manager_distrust",
            "stale_data",
            "pdf_timeouts",
            "charts_on_phone",
        ] {
            assert!(p.keep.as_str() != lone && p.merge.iter().all(|m| m.id.as_str() != lone));
        }
    }
}

#[test]
fn a_rejected_pair_is_not_proposed_again() {
    let (map, origins) = combined();
    let mut rejected = no_rejections();
    rejected.insert((id("recurring_emails"), id("scheduled_email")));
    let proposals = combine::propose(&map, &origins, DEFAULT_THRESHOLD, &rejected);
    assert!(
        proposals
            .iter()
            .all(|p| p.keep.as_str() != "scheduled_email")
    );
    assert_eq!(proposals.len(), 3);
}

#[test]
fn accepting_every_proposal_gives_one_tree_with_every_child_note_and_evidence() {
    let (mut map, origins) = combined();
    let before = map.clone();
    let proposals = combine::propose(&map, &origins, DEFAULT_THRESHOLD, &no_rejections());
    let mut undo: Vec<fulcrum::edit::Command> = Vec::new();
    for p in &proposals {
        let merged: Vec<NodeId> = p.merge.iter().map(|m| m.id.clone()).collect();
        let command = combine::merge_into(&mut map, &p.keep, &merged, &origins).expect("merges");
        // The command does on a copy what merge_into did: the app records it for undo.
        let mut again = before.clone();
        for u in &undo {
            Clone::clone(u).apply(&mut again).expect("replays");
        }
        let inverse = command.clone().apply(&mut again).expect("replays");
        assert!(fulcrum::edit::diff(&again, &map).is_empty());
        undo.push(command);
        let _ = inverse;
    }
    assert!(map.check_invariants().is_ok());
    assert_eq!(
        map.roots().map(NodeId::as_str).collect::<Vec<_>>(),
        ["share_weekly"]
    );
    let kids: Vec<&str> = map.children("share_weekly").map(NodeId::as_str).collect();
    assert_eq!(
        kids,
        [
            "cant_find_export",
            "manager_distrust",
            "monday_by_hand",
            "charts_on_phone",
            "pdf_timeouts",
            "stale_data"
        ]
    );
    let solutions: Vec<&str> = map
        .children("cant_find_export")
        .map(NodeId::as_str)
        .collect();
    assert_eq!(
        solutions,
        [
            "export_in_toolbar",
            "export_beside_title",
            "export_shortcut"
        ]
    );
    let export = map.node("cant_find_export").expect("kept");
    assert_eq!(export.title, "I can't find where to export a report");
    assert_eq!(
        export.evidence.len(),
        2,
        "Maya's interview and Ana's tickets"
    );
    // Maya gave no sizing; Ana's comes over.
    assert_eq!(export.sizing.map(|s| s.reach), Some(4));
    let notes = export.notes.as_deref().unwrap_or_default();
    assert!(
        notes.contains("From leo as “People can't find the Export button”: 5 of 6"),
        "{notes}"
    );
    assert!(
        notes.contains("From ana as “Finding the export takes too long”."),
        "{notes}"
    );
    let weekly = map.node("monday_by_hand").expect("kept");
    assert!(
        weekly
            .notes
            .as_deref()
            .unwrap_or_default()
            .contains("From leo")
    );
    assert_eq!(
        map.children("monday_by_hand").count(),
        1,
        "the two emails merged too"
    );
    assert_eq!(map.len(), before.len() - 6);
}

#[test]
fn merging_rewrites_the_other_id_everywhere_and_undoes_exactly() {
    let text = r#"#![enable(implicit_some)]
Map(format: 1, title: "t", nodes: [
    (id: "total", kind: Metric, title: "Total", formula: Expr("paid_seats + seats_paid")),
    (id: "paid_seats", parent: "total", kind: Metric, title: "Paid seats", value: 3.0),
    (id: "seats_paid", parent: "total", kind: Metric, title: "Seats paid", value: 4.0),
    (id: "goal", kind: Outcome, title: "Grow seats"),
], links: [(from: "goal", to: "seats_paid", kind: Measures)],
scenarios: [(name: "S", overrides: {"seats_paid": 9.0})])"#;
    let mut map = format::parse_str(text).expect("loads").map;
    let before = map.clone();
    let origins = Origins::default();
    let command = combine::merge_into(&mut map, &id("paid_seats"), &[id("seats_paid")], &origins)
        .expect("merges");
    assert!(!map.contains("seats_paid"));
    assert_eq!(
        map.node("total").and_then(|n| n.formula.clone()),
        Some(fulcrum::model::Formula::Expr(
            "paid_seats + paid_seats".into()
        ))
    );
    assert_eq!(map.links_of("paid_seats").len(), 1);
    let s = map.scenario("S").expect("scenario");
    assert_eq!(s.overrides.get("paid_seats"), Some(&9.0));
    assert!(
        format::parse_str(&format::to_string(&map)).is_ok(),
        "saves and reopens"
    );
    let mut again = before.clone();
    let inverse = command.apply(&mut again).expect("applies");
    inverse.apply(&mut again).expect("undoes");
    assert!(fulcrum::edit::diff(&again, &before).is_empty());

    // Refusals name the problem and change nothing.
    let mut map = before.clone();
    let err = combine::merge_into(&mut map, &id("goal"), &[id("total")], &origins);
    assert!(err.is_err_and(|e| e.to_string().contains("only nodes of one kind")));
    let err = combine::merge_into(&mut map, &id("paid_seats"), &[id("total")], &origins);
    assert!(err.is_err_and(|e| e.to_string().contains("merge them the other way round")));
    let err = combine::merge_into(&mut map, &id("total"), &[id("nope")], &origins);
    assert!(err.is_err_and(|e| e.to_string().contains("no node `nope`")));
    assert!(fulcrum::edit::diff(&map, &before).is_empty());
}

#[test]
fn clashing_ids_scenarios_and_formulas_are_made_unique() {
    let text = r#"#![enable(implicit_some)]
Map(format: 1, title: "t", nodes: [
    (id: "total", kind: Metric, title: "Total", formula: Expr("a * 2")),
    (id: "a", parent: "total", kind: Metric, title: "Seats", value: 3.0),
], scenarios: [(name: "Stretch", overrides: {"a": 5.0})])"#;
    let one = format::parse_str(text).expect("loads").map;
    let sources = vec![("x".to_owned(), one.clone()), ("y".to_owned(), one)];
    let mut map = Map::new("t");
    let import = combine::import(&map, None, &sources);
    import.command.apply(&mut map).expect("applies");
    assert_eq!(map.len(), 4);
    assert_eq!(
        map.node("total_2").and_then(|n| n.formula.clone()),
        Some(fulcrum::model::Formula::Expr("a_2 * 2".into()))
    );
    let names: Vec<&str> = map.scenarios().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Stretch", "Stretch (y)"]);
    assert_eq!(
        map.scenario("Stretch (y)")
            .and_then(|s| s.overrides.get("a_2")),
        Some(&5.0)
    );
    assert_eq!(import.origins.label("a_2"), Some("y"));
    let proposals = combine::propose(&map, &import.origins, DEFAULT_THRESHOLD, &no_rejections());
    assert_eq!(
        groups(&proposals),
        [vec!["total", "total_2"], vec!["a", "a_2"]]
    );
}

fn fulcrum(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn cli_combine_lists_proposals_as_json_and_merges_what_is_accepted() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("combined.ron");
    let out_s = out.to_str().expect("utf-8");
    let files = [
        "tests/fixtures/trio/maya.ron",
        "tests/fixtures/trio/leo.ron",
        "tests/fixtures/trio/ana.ron",
    ];
    let mut args: Vec<&str> = vec!["combine"];
    args.extend(files);
    args.extend(["-o", out_s, "--format", "json"]);
    let run = fulcrum(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let rows = json["proposals"].as_array().expect("proposals");
    let row = rows
        .iter()
        .find(|r| r["merge"] == "export_hard_to_find")
        .expect("the export pair");
    assert_eq!(row["keep"], "cant_find_export");
    assert!(row["score"].as_f64().is_some_and(|s| s > 0.5 && s <= 1.0));
    assert_eq!(row["reason"], "shared words: find, export; parents matched");
    assert_eq!(row["merge_map"], "ana");
    assert_eq!(
        json["merged"].as_array().map(Vec::len),
        Some(0),
        "default: none"
    );
    let combined = format::load(&out).expect("OUT loads").map;
    assert_eq!(combined.len(), 23);

    // Accept one pair by hand, and a chain: a node merged away is followed to its keeper.
    let mut args: Vec<&str> = vec!["combine"];
    args.extend(files);
    args.extend([
        "-o",
        out_s,
        "--accept",
        "cant_find_export=export_button_hidden,export_button_hidden=export_hard_to_find",
    ]);
    let run = fulcrum(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("merged export_hard_to_find into cant_find_export"),
        "{text}"
    );
    let combined = format::load(&out).expect("OUT loads").map;
    assert_eq!(combined.children("cant_find_export").count(), 3);
    assert_eq!(combined.len(), 21);

    // All.
    let mut args: Vec<&str> = vec!["combine"];
    args.extend(files);
    args.extend(["-o", out_s, "--accept", "all"]);
    assert_eq!(fulcrum(&args).status.code(), Some(0));
    assert_eq!(format::load(&out).expect("loads").map.roots().count(), 1);

    // Usage errors name the problem and write nothing.
    std::fs::remove_file(&out).expect("removed");
    for (bad, says) in [
        (vec!["--accept", "nope=cant_find_export"], "no node `nope`"),
        (
            vec!["--accept", "share_weekly=cant_find_export"],
            "only nodes of one kind",
        ),
        (vec!["--threshold", "1.5"], "between 0 and 1"),
    ] {
        let mut args: Vec<&str> = vec!["combine"];
        args.extend(files);
        args.extend(["-o", out_s]);
        args.extend(bad);
        let run = fulcrum(&args);
        assert_eq!(run.status.code(), Some(2));
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains(says), "{err}");
        assert!(!out.exists());
    }
    let run = fulcrum(&[
        "combine",
        files[0],
        "tests/fixtures/trio/missing.ron",
        "-o",
        out_s,
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists());
}

const BOTH: &str = r#"#![enable(implicit_some)]
Map(format: 1, title: "t", nodes: [
    (id: "sol", kind: Solution, title: "Idea"),
    (id: "risk", parent: "sol", kind: Opportunity, title: "Teams use Slack",
     evidence: [(source: "Interview: Dana", date: "2026-10-02", quote: "We live in Slack.")]),
])"#;

#[test]
fn a_kind_change_keeps_evidence_entries_and_the_evidence_score_both() {
    let mut map = format::parse_str(BOTH).expect("loads").map;
    // Ctrl+5 makes the opportunity an assumption; the inspector then gives it a score.
    let mut node = map.node("risk").expect("risk").clone();
    node.kind = fulcrum::model::NodeKind::Assumption;
    node.evidence_strength = Some(2);
    node.importance = Some(4);
    fulcrum::edit::Command::SetNode {
        id: id("risk"),
        node: Box::new(node.clone()),
    }
    .apply(&mut map)
    .expect("applies");
    let text = format::to_string(&map);
    assert!(text.contains("\n    format: 3,\n"), "{text}");
    assert!(text.contains("evidence_strength: 2,"), "{text}");
    assert!(text.contains("quote: \"We live in Slack.\""), "{text}");
    let back = format::parse_str(&text).expect("reopens").map;
    assert_eq!(back.node("risk"), Some(&node));
    assert_eq!(format::to_string(&back), text, "canonical");

    // Without both, the file stays format 1 and the score is `evidence: N` as before.
    node.evidence.clear();
    fulcrum::edit::Command::SetNode {
        id: id("risk"),
        node: Box::new(node),
    }
    .apply(&mut map)
    .expect("applies");
    let text = format::to_string(&map);
    assert!(
        text.contains("format: 1,") && text.contains("evidence: 2,"),
        "{text}"
    );
    assert!(!text.contains("evidence_strength"));
}

#[test]
fn an_evidence_score_given_twice_is_an_error_naming_its_place() {
    let text = BOTH.replace(
        "title: \"Teams use Slack\",",
        "title: \"Teams use Slack\", evidence_strength: 3, importance: 2,",
    );
    // Entries and a score need format 3, as an older Fulcrum would refuse them.
    let problems = format::parse_str(&text).expect_err("format 1").problems();
    assert!(
        problems[0].message.contains("need `format: 3`"),
        "{problems:?}"
    );
    assert_eq!(problems[0].line, Some(4));
    let map = format::parse_str(&text.replace("format: 1", "format: 3"))
        .expect("loads")
        .map;
    assert_eq!(map.node("risk").and_then(|n| n.evidence_strength), Some(3));
    let twice = BOTH.replace(
        "title: \"Teams use Slack\",\n     evidence: [(source: \"Interview: Dana\", date: \"2026-10-02\", quote: \"We live in Slack.\")]",
        "title: \"Teams use Slack\", evidence: 2, evidence_strength: 3",
    );
    let problems = format::parse_str(&twice).expect_err("refused").problems();
    let p = problems
        .iter()
        .find(|p| p.message.contains("evidence score is given twice"))
        .expect("named");
    assert_eq!(p.line, Some(4), "{p:?}");
}

#[test]
fn every_template_loads_clean_and_is_a_real_example() {
    use fulcrum::interchange::templates::TEMPLATES;
    assert_eq!(TEMPLATES.len(), 4);
    for t in TEMPLATES {
        let loaded = format::parse_str(t.text()).expect(t.name);
        assert!(
            loaded.warnings.is_empty(),
            "{}: {:?}",
            t.name,
            loaded.warnings
        );
        assert!(loaded.map.len() >= 8, "{} is a worked example", t.name);
        assert!(!loaded.map.title().is_empty());
        assert!(t.map().is_ok());
    }
    let workshop = TEMPLATES[3].map().expect("loads");
    assert!(
        !workshop.links().is_empty(),
        "the workshop links its two trees"
    );
}

#[test]
fn an_opportunity_card_counts_its_evidence() {
    let map = format::parse_str(BOTH).expect("loads").map;
    let svg = fulcrum::export::svg(&map, &fulcrum::export::ExportOptions::default()).expect("svg");
    assert!(
        svg.contains("1 snapshot"),
        "the card says how much evidence backs it"
    );
}
