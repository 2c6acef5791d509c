//! Named presentations saved in the map (format 2): the file holds them in the documented
//! shape and only when there are some (a map without them is still format 1); format 1
//! files still read; every problem has its line and column; a step whose node was deleted
//! is a warning for `check`; every presentation command has its exact inverse, and renaming
//! a node or a scenario follows into the steps.
#![allow(clippy::unwrap_used)]

use std::process::Command as Process;

use fulcrum::edit::{Command, Document};
use fulcrum::format::{self, FormatError, Severity};
use fulcrum::model::{Map, NodeId, Presentation, PresentationStep};

fn id(s: &str) -> NodeId {
    NodeId::new(s).unwrap()
}

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn nrr() -> Map {
    format::load(std::path::Path::new(&sample("nrr.ron")))
        .unwrap()
        .map
}

fn step(node: &str, scenario: Option<&str>, period: Option<&str>) -> PresentationStep {
    PresentationStep {
        node: id(node),
        scenario: scenario.map(str::to_owned),
        period: period.map(str::to_owned),
    }
}

/// The NRR sample with a "Board" presentation of three steps.
fn with_board() -> Map {
    let mut map = nrr();
    Command::AddPresentation {
        index: 0,
        presentation: Presentation {
            name: "Board".into(),
            steps: vec![
                step("nrr", None, None),
                step("churned", Some("Save desk"), None),
                step("expansion", None, Some("2026-09")),
            ],
        },
    }
    .apply(&mut map)
    .unwrap();
    map
}

/// The text between `presentations: [` and the end of the map, as written.
fn presentations_text(text: &str) -> &str {
    let start = text.find("    presentations: [").unwrap();
    &text[start..]
}

#[test]
fn a_map_without_presentations_is_written_as_format_1() {
    let map = nrr();
    let text = format::to_string(&map);
    assert!(text.contains("\n    format: 1,\n"), "{text}");
    assert!(!text.contains("presentations"));
    assert_eq!(format::format_of(&map), 1);
}

#[test]
fn presentations_are_written_as_format_2_one_step_a_line() {
    let map = with_board();
    let text = format::to_string(&map);
    assert!(text.contains("\n    format: 2,\n"), "{text}");
    assert_eq!(
        presentations_text(&text),
        r#"    presentations: [
        (
            name: "Board",
            steps: [
                (node: "nrr"),
                (node: "churned", scenario: "Save desk"),
                (node: "expansion", period: "2026-09"),
            ],
        ),
    ],
)
"#
    );
    // It reads back the same, and saves byte-identical.
    let back = format::parse_str(&text).unwrap();
    assert_eq!(back.map.presentations(), map.presentations());
    assert_eq!(format::to_string(&back.map), text);
    // Deleting the last presentation makes it format 1 again, byte for byte as before.
    let mut map = map;
    Command::RemovePresentation {
        name: "Board".into(),
    }
    .apply(&mut map)
    .unwrap();
    assert_eq!(format::to_string(&map), format::to_string(&nrr()));
}

#[test]
fn a_presentation_without_steps_round_trips() {
    let mut map = nrr();
    Command::AddPresentation {
        index: 0,
        presentation: Presentation {
            name: "Empty".into(),
            steps: vec![],
        },
    }
    .apply(&mut map)
    .unwrap();
    let text = format::to_string(&map);
    assert!(text.contains("            steps: [],\n"), "{text}");
    let back = format::parse_str(&text).unwrap().map;
    assert_eq!(back.presentations(), map.presentations());
}

#[test]
fn format_1_files_still_read_and_format_2_files_read_by_hand() {
    let one = std::fs::read_to_string(sample("nrr.ron")).unwrap();
    assert!(one.contains("format: 1"));
    assert!(format::parse_str(&one).is_ok());
    let two = one.replace("format: 1", "format: 2").replace(
        "    scenarios: [",
        "    presentations: [(name: \"Q4\", steps: [(node: \"nrr\", scenario: \"Save desk\", period: \"2026-10\")])],\n    scenarios: [",
    );
    let loaded = format::parse_str(&two).unwrap();
    let p = loaded.map.presentation("Q4").unwrap();
    assert_eq!(
        p.steps,
        vec![step("nrr", Some("Save desk"), Some("2026-10"))]
    );
    // A format-2 file without presentations reads too; Fulcrum writes it back as format 1.
    let plain_two = one.replace("format: 1", "format: 2");
    let map = format::parse_str(&plain_two).unwrap().map;
    assert!(format::to_string(&map).contains("format: 1,"));
}

fn problems(text: &str) -> Vec<String> {
    match format::parse_str(text) {
        Err(FormatError::Invalid(problems)) => problems.iter().map(|p| p.render("f")).collect(),
        Ok(_) => vec!["loaded".into()],
        Err(other) => vec![other.to_string()],
    }
}

const HEAD: &str = "#![enable(implicit_some)]\nMap(\n    format: 2,\n    nodes: [\n        (id: \"a\", kind: Metric, value: 1.0),\n        (id: \"b\", parent: \"a\", kind: Metric, value: 2.0),\n    ],\n    scenarios: [(name: \"S\", overrides: {\"b\": 3.0})],\n";

#[test]
fn every_problem_of_a_presentation_has_its_place() {
    let text = format!(
        "{HEAD}    presentations: [\n        (name: \"P\", steps: [(node: \"a\"), (node: \"b\", scenario: \"Nope\")]),\n        (name: \"P\", steps: []),\n        (name: \" \", steps: []),\n        (name: \"Q\", steps: [(node: \"Bad id\"), (node: \"a\", period: \"\")]),\n    ],\n)\n"
    );
    assert_eq!(
        problems(&text),
        [
            "f:10:64: presentation \"P\", step 2: there is no scenario named \"Nope\"",
            "f:11:16: duplicate presentation name \"P\" (first at 10:16)",
            "f:12:16: presentation 3 has no name",
            "f:13:36: presentation \"Q\", step 1: id `Bad id` must start with a lowercase letter or `_`",
            "f:13:67: presentation \"Q\", step 2: the period is empty",
        ]
    );
}

#[test]
fn presentations_in_a_format_1_file_are_refused_with_their_place() {
    let text = HEAD.replace("format: 2", "format: 1")
        + "    presentations: [(name: \"P\", steps: [(node: \"a\")])],\n)\n";
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with(
            "f:9:20: named presentations need `format: 2`; this file says `format: 1`"
        ),
        "{got:?}"
    );
}

#[test]
fn a_newer_format_names_the_highest_format_read() {
    let text = HEAD.replace("format: 2", "format: 4") + ")\n";
    let err = format::parse_str(&text).unwrap_err();
    assert!(matches!(
        err,
        FormatError::NewerFormat {
            found: 4,
            supported: 3
        }
    ));
    assert_eq!(
        err.to_string(),
        "this file is format 4; this Fulcrum reads formats up to 3 — update Fulcrum to open it"
    );
}

#[test]
fn a_step_whose_node_is_gone_is_a_warning_and_is_kept() {
    let text = format!(
        "{HEAD}    presentations: [\n        (name: \"P\", steps: [(node: \"a\"), (node: \"gone\")]),\n    ],\n)\n"
    );
    let loaded = format::parse_str(&text).unwrap();
    let warnings: Vec<String> = loaded.warnings.iter().map(|p| p.render("f")).collect();
    assert_eq!(
        warnings,
        [
            "f:10:49: warning: presentation \"P\", step 2: `gone` is not a node in this map (deleted?); the step is skipped when presenting"
        ]
    );
    assert!(
        loaded
            .warnings
            .iter()
            .all(|p| p.severity == Severity::Warning)
    );
    // The step is kept (a node added back under that id brings it back) and saved again.
    assert_eq!(loaded.map.presentation("P").unwrap().steps.len(), 2);
    assert!(format::save_problems(&loaded.map).is_empty());
}

#[test]
fn check_reports_steps_of_deleted_nodes_as_warnings_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.ron");
    let mut map = with_board();
    // Plan upgrades are summed by expansion, so deleting them breaks no formula.
    Command::AddStep {
        presentation: "Board".into(),
        index: 1,
        step: step("upgrades", None, None),
    }
    .apply(&mut map)
    .unwrap();
    Command::DeleteSubtree { id: id("upgrades") }
        .apply(&mut map)
        .unwrap();
    format::save(&map, &path).unwrap();
    let out = Process::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let name = path.display();
    assert!(
        stdout.contains(&format!(
            "{name}:116:24: warning: presentation \"Board\", step 2: `upgrades` is not a node in this map (deleted?)"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(": ok ("), "{stdout}");
}

/// Applies `command`, checks the map still saves and reopens, that the inverse gives back
/// the same text and that redo gives the changed text again; returns the changed map.
fn round_trip(map: &Map, command: Command) -> Map {
    let before = format::to_string(map);
    let mut changed = map.clone();
    let inverse = command.apply(&mut changed).unwrap();
    let after = format::to_string(&changed);
    assert!(format::parse_str(&after).is_ok(), "{after}");
    let mut undone = changed.clone();
    let redo = inverse.apply(&mut undone).unwrap();
    assert_eq!(format::to_string(&undone), before);
    redo.apply(&mut undone).unwrap();
    assert_eq!(format::to_string(&undone), after);
    changed
}

#[test]
fn step_commands_have_exact_inverses() {
    let map = with_board();
    let steps = |m: &Map| m.presentation("Board").unwrap().steps.clone();
    let moved = round_trip(
        &map,
        Command::MoveStep {
            presentation: "Board".into(),
            from: 0,
            to: 2,
        },
    );
    assert_eq!(steps(&moved)[2].node, id("nrr"));
    let added = round_trip(
        &map,
        Command::AddStep {
            presentation: "Board".into(),
            index: 99,
            step: step("upgrades", None, Some("2026-08")),
        },
    );
    assert_eq!(steps(&added).len(), 4);
    let removed = round_trip(
        &map,
        Command::RemoveStep {
            presentation: "Board".into(),
            index: 1,
        },
    );
    assert_eq!(steps(&removed).len(), 2);
    let set = round_trip(
        &map,
        Command::SetStep {
            presentation: "Board".into(),
            index: 0,
            step: step("nrr", Some("Save desk"), Some("2026-10")),
        },
    );
    assert_eq!(steps(&set)[0].scenario.as_deref(), Some("Save desk"));
    let renamed = round_trip(
        &map,
        Command::RenamePresentation {
            from: "Board".into(),
            to: "Board (Q4)".into(),
        },
    );
    assert!(renamed.presentation("Board (Q4)").is_some());
    round_trip(
        &map,
        Command::RemovePresentation {
            name: "Board".into(),
        },
    );
}

#[test]
fn bad_presentation_commands_are_refused_and_change_nothing() {
    let map = with_board();
    let refused = [
        Command::AddStep {
            presentation: "Board".into(),
            index: 0,
            step: step("nrr", Some("No such scenario"), None),
        },
        Command::AddStep {
            presentation: "Nope".into(),
            index: 0,
            step: step("nrr", None, None),
        },
        Command::SetStep {
            presentation: "Board".into(),
            index: 7,
            step: step("nrr", None, None),
        },
        Command::SetStep {
            presentation: "Board".into(),
            index: 0,
            step: step("nrr", None, Some(" ")),
        },
        Command::MoveStep {
            presentation: "Board".into(),
            from: 0,
            to: 3,
        },
        Command::RemoveStep {
            presentation: "Board".into(),
            index: 3,
        },
        Command::RenamePresentation {
            from: "Board".into(),
            to: "  ".into(),
        },
        Command::AddPresentation {
            index: 0,
            presentation: Presentation {
                name: "Board".into(),
                steps: vec![],
            },
        },
        Command::RenameScenario {
            from: "Save desk".into(),
            to: "Save desk".into(),
        }
        .clone(),
    ];
    let before = format::to_string(&map);
    for (k, command) in refused.into_iter().enumerate() {
        let mut m = map.clone();
        let result = command.clone().apply(&mut m);
        // Renaming a scenario to its own name is allowed and changes nothing.
        if k == 8 {
            assert!(result.is_ok());
        } else {
            assert!(result.is_err(), "{command:?} was accepted");
        }
        assert_eq!(format::to_string(&m), before, "{command:?}");
    }
}

#[test]
fn renaming_a_node_renames_it_in_the_steps_and_undo_is_exact() {
    let map = with_board();
    let renamed = round_trip(&map, Command::rename(id("churned"), id("lost_mrr")));
    let steps = &renamed.presentation("Board").unwrap().steps;
    assert_eq!(steps[1].node, id("lost_mrr"));
    // A step of a deleted node that names the new id is left alone, so undo is exact.
    let mut map = with_board();
    Command::AddStep {
        presentation: "Board".into(),
        index: 99,
        step: step("ghost", None, None),
    }
    .apply(&mut map)
    .unwrap();
    let renamed = round_trip(&map, Command::rename(id("upgrades"), id("ghost")));
    assert_eq!(
        renamed.presentation("Board").unwrap().steps[3].node,
        id("ghost")
    );
}

#[test]
fn renaming_or_deleting_a_scenario_follows_into_the_steps() {
    let map = with_board();
    let renamed = round_trip(
        &map,
        Command::RenameScenario {
            from: "Save desk".into(),
            to: "Retention push".into(),
        },
    );
    assert!(renamed.scenario("Retention push").is_some());
    assert_eq!(
        renamed.presentation("Board").unwrap().steps[1]
            .scenario
            .as_deref(),
        Some("Retention push")
    );
    let deleted = round_trip(
        &map,
        Command::RemoveScenario {
            name: "Save desk".into(),
        },
    );
    assert_eq!(
        deleted.presentation("Board").unwrap().steps[1].scenario,
        None
    );
}

#[test]
fn deleting_a_node_keeps_its_steps_and_undo_brings_them_back_to_life() {
    let mut board = with_board();
    Command::AddStep {
        presentation: "Board".into(),
        index: 0,
        step: step("upgrades", None, Some("2026-08")),
    }
    .apply(&mut board)
    .unwrap();
    let mut doc = Document::new(board.clone());
    doc.apply(Command::DeleteSubtree { id: id("upgrades") })
        .unwrap();
    assert_eq!(doc.map().dangling_steps().len(), 1);
    let text = format::to_string(doc.map());
    let warnings = format::parse_str(&text).unwrap().warnings;
    assert_eq!(warnings.len(), 1);
    doc.undo().unwrap();
    assert!(doc.map().dangling_steps().is_empty());
    assert_eq!(format::to_string(doc.map()), format::to_string(&board));
}

#[test]
fn presentations_survive_save_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.ron");
    let map = with_board();
    format::save(&map, &path).unwrap();
    let back = format::load(&path).unwrap();
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(back.map.presentations(), map.presentations());
}

#[test]
fn diff_lists_presentations_added_changed_reordered_and_removed() {
    use fulcrum::edit::{ChangeKind, diff};
    let base = with_board();
    let mut new = base.clone();
    Command::AddStep {
        presentation: "Board".into(),
        index: 99,
        step: step("upgrades", None, None),
    }
    .apply(&mut new)
    .unwrap();
    Command::AddPresentation {
        index: 0,
        presentation: Presentation {
            name: "Weekly".into(),
            steps: vec![step("nrr", None, Some("2026-10"))],
        },
    }
    .apply(&mut new)
    .unwrap();
    let kinds: Vec<ChangeKind> = diff(&base, &new).iter().map(|c| c.kind()).collect();
    assert_eq!(kinds, [ChangeKind::Added, ChangeKind::Changed]);
    let mut swapped = base.clone();
    Command::AddPresentation {
        index: 0,
        presentation: Presentation {
            name: "Weekly".into(),
            steps: vec![],
        },
    }
    .apply(&mut swapped)
    .unwrap();
    let mut later = base.clone();
    Command::AddPresentation {
        index: 9,
        presentation: Presentation {
            name: "Weekly".into(),
            steps: vec![],
        },
    }
    .apply(&mut later)
    .unwrap();
    let kinds: Vec<ChangeKind> = diff(&swapped, &later).iter().map(|c| c.kind()).collect();
    assert!(kinds.contains(&ChangeKind::Reordered), "{kinds:?}");
    let kinds: Vec<ChangeKind> = diff(&new, &base).iter().map(|c| c.kind()).collect();
    assert_eq!(kinds, [ChangeKind::Removed, ChangeKind::Changed]);
    assert!(diff(&base, &base.clone()).is_empty());
}

#[test]
fn a_merge_keeps_the_side_that_changed_the_presentations() {
    let base = nrr();
    let ours = with_board();
    let mut theirs = base.clone();
    // Theirs deletes the scenario a step of ours uses: the step keeps its node, loses the
    // scenario, and the merged map opens.
    Command::RemoveScenario {
        name: "Save desk".into(),
    }
    .apply(&mut theirs)
    .unwrap();
    let merged = fulcrum::edit::merge(&base, &ours, &theirs);
    assert!(merged.is_clean(), "{:?}", merged.conflicts);
    let steps = &merged.map.presentation("Board").unwrap().steps;
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[1].scenario, None);
    let text = format::merged_to_string(&merged);
    assert!(text.contains("format: 2,"));
    assert!(format::parse_str(&text).is_ok());
}

#[test]
fn presentations_changed_two_ways_are_one_conflict_with_markers_around_them() {
    use fulcrum::edit::Subject;
    let base = with_board();
    let mut ours = base.clone();
    let mut theirs = base.clone();
    Command::RemoveStep {
        presentation: "Board".into(),
        index: 0,
    }
    .apply(&mut ours)
    .unwrap();
    Command::RenamePresentation {
        from: "Board".into(),
        to: "Exec".into(),
    }
    .apply(&mut theirs)
    .unwrap();
    let merged = fulcrum::edit::merge(&base, &ours, &theirs);
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].subject, Subject::Presentations);
    let text = format::merged_to_string(&merged);
    assert!(
        text.contains("<<<<<<< ours\n    presentations: [\n"),
        "{text}"
    );
    for (pick, name, steps) in [
        (format::Pick::Ours, "Board", 2),
        (format::Pick::Theirs, "Exec", 3),
    ] {
        let resolved = format::resolve_conflicts(&text, |_| pick.clone());
        let map = format::parse_str(&resolved).unwrap().map;
        assert_eq!(map.presentation(name).unwrap().steps.len(), steps);
    }
}
