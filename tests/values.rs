//! Importing values (`edit::values`): reading a CSV of id,period,value rows against a map,
//! every bad row with its line, and the plan — added, changed, unchanged, current values —
//! with its one-step command.
#![allow(clippy::unwrap_used)]

use fulcrum::edit::values::{self, ImportPlan, RowProblem, ValueRow};
use fulcrum::edit::{Command, Document};
use fulcrum::engine::Analysis;
use fulcrum::format;
use fulcrum::model::Map;

fn sample(name: &str) -> Map {
    let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    format::load(std::path::Path::new(&path)).unwrap().map
}

fn nrr() -> Map {
    sample("nrr.ron")
}

fn rows(text: &str, map: &Map) -> Vec<ValueRow> {
    match values::parse_values(text, map) {
        Ok(rows) => rows,
        Err(problems) => panic!("{problems:?}"),
    }
}

/// The bad rows, rendered as the CLI prints them.
fn problems(text: &str, map: &Map) -> Vec<String> {
    match values::parse_values(text, map) {
        Ok(rows) => panic!("expected problems, got {rows:?}"),
        Err(problems) => problems.iter().map(|p| p.render("v.csv")).collect(),
    }
}

fn triples(rows: &[ValueRow]) -> Vec<(usize, &str, &str, f64)> {
    rows.iter()
        .map(|r| (r.line, r.id.as_str(), r.period.as_str(), r.value))
        .collect()
}

#[test]
fn plain_rows_are_read_with_their_lines() {
    let map = nrr();
    let got = rows(
        "id,period,value\nupgrades,2026-11,6200\nchurned_accounts,2026-11,22.5\n",
        &map,
    );
    assert_eq!(
        triples(&got),
        [
            (2, "upgrades", "2026-11", 6200.0),
            (3, "churned_accounts", "2026-11", 22.5)
        ]
    );
}

#[test]
fn bom_crlf_semicolons_any_column_order_and_case_and_extra_columns() {
    let map = nrr();
    let text = "\u{feff}Value;Note;ID;PERIOD\r\n6200;plan upgrades;upgrades;2026-11\r\n\r\n22;;churned_accounts; 2026-11 \r\n";
    let got = rows(text, &map);
    assert_eq!(
        triples(&got),
        [
            (2, "upgrades", "2026-11", 6200.0),
            (4, "churned_accounts", "2026-11", 22.0)
        ]
    );
}

#[test]
fn excel_sep_line_blank_rows_and_quoted_fields() {
    let map = nrr();
    // Excel writes `sep=;` to name the delimiter, and `;;` for an empty row.
    let text = "sep=;\nid;period;value\n;;\n\"upgrades\";\"2026-11\";\"6200\"\n";
    assert_eq!(
        triples(&rows(text, &map)),
        [(4, "upgrades", "2026-11", 6200.0)]
    );
    // A `;` in the data does not fool the sniffing: only the header line counts.
    let text = "id,period,value\nupgrades,2026;11,1\n";
    assert_eq!(
        triples(&rows(text, &map)),
        [(2, "upgrades", "2026;11", 1.0)]
    );
}

#[test]
fn every_bad_row_is_listed_with_its_line() {
    let map = sample("workshop.ron");
    let text = "id,period,value\n\
                churn,2026-11,5\n\
                churned_accounts,2026-11,inf\n\
                churned_accounts,2026-12,NaN\n\
                upgrades,,12\n\
                upgrades,2026-11,abc\n\
                grow_usage,2026-11,3\n\
                upgrades,2026-11\n\
                starting_mrr,2026-11,1e400\n\
                ,2026-11,1\n\
                upgrades,2026-12,\n\
                Starting MRR,2026-11,1\n\
                contraction,2026-11,\"2999,5\"\n";
    assert_eq!(
        problems(text, &map),
        [
            "v.csv:2: there is no node `churn` in the map (did you mean `churned`?)",
            "v.csv:3: `inf` is not a finite number",
            "v.csv:4: `NaN` is not a finite number",
            "v.csv:5: the period is empty",
            "v.csv:6: `abc` is not a number",
            "v.csv:7: `grow_usage` is an Outcome, not a metric; only metrics take values",
            "v.csv:8: the row has 2 fields; the header has 3 (is a `,` missing, or one too many?)",
            "v.csv:9: `1e400` is not a finite number",
            "v.csv:10: the id is empty",
            "v.csv:11: the value is empty",
            "v.csv:12: there is no node `Starting MRR` in the map (did you mean `starting_mrr`?)",
            "v.csv:13: `2999,5` is not a number (write decimals with a point: 1234.5)",
        ]
    );
}

#[test]
fn several_problems_in_one_row_are_one_line() {
    let map = nrr();
    assert_eq!(
        problems("id,period,value\nnope,,x\n", &map),
        ["v.csv:2: there is no node `nope` in the map; the period is empty; `x` is not a number"]
    );
}

#[test]
fn a_far_unknown_id_gets_no_suggestion() {
    let map = nrr();
    assert_eq!(
        problems("id,period,value\nheadcount,2026-11,5\n", &map),
        ["v.csv:2: there is no node `headcount` in the map"]
    );
}

#[test]
fn header_problems_are_on_the_header_line() {
    let map = nrr();
    assert_eq!(
        problems("id,period\nupgrades,2026-11\n", &map),
        [
            "v.csv:1: the header has no `value` column (found `id,period`); the first row must \
             name the columns id, period and value"
        ]
    );
    // No header at all: the first row is data.
    let p = problems("upgrades,2026-11,5\n", &map);
    assert!(p[0].starts_with("v.csv:1: the header has no `id` or `period` or `value` column"));
    // After blank lines, the header's own line.
    let p = problems("\n\nid,value\n", &map);
    assert!(
        p[0].starts_with("v.csv:3: the header has no `period` column"),
        "{p:?}"
    );
    assert_eq!(
        problems("id,period,value,ID\n", &map),
        ["v.csv:1: the header names the `id` column twice"]
    );
    for empty in ["", "\u{feff}", "\n\n", ",,\n"] {
        assert_eq!(
            problems(empty, &map),
            [
                "v.csv:1: the file is empty; it needs a header row `id,period,value` and a row per value"
            ]
        );
    }
}

#[test]
fn a_repeated_row_is_one_row_and_a_contradiction_is_a_problem() {
    let map = nrr();
    let got = rows(
        "id,period,value\nupgrades,2026-11,5\nupgrades,2026-11,5.0\n",
        &map,
    );
    assert_eq!(triples(&got), [(2, "upgrades", "2026-11", 5.0)]);
    assert_eq!(
        problems(
            "id,period,value\nupgrades,2026-11,5\nupgrades,2026-11,6\n",
            &map
        ),
        ["v.csv:3: `upgrades` 2026-11 is also on line 2 with another value (5 there, 6 here)"]
    );
}

#[test]
fn control_characters_are_escaped_in_messages() {
    let map = nrr();
    let p = problems("id,period,value\n\"a\nb\",2026-11,1\nc,\"x\ty\",1\n", &map);
    assert_eq!(
        p,
        [
            "v.csv:2: there is no node `a\\nb` in the map",
            "v.csv:4: there is no node `c` in the map; the period holds a control character"
        ]
    );
}

#[test]
fn decode_accepts_utf8_and_names_the_line_of_anything_else() {
    assert_eq!(
        values::decode(b"id,period,value\n").unwrap(),
        "id,period,value\n"
    );
    assert_eq!(
        values::decode(b"\xff\xfei\x00d\x00").unwrap_err(),
        RowProblem {
            line: 1,
            message: "the file is UTF-16 text; save it as CSV in UTF-8 and import that".into()
        }
    );
    let err = values::decode(b"id,period,value\nupgrades,2026-11,5\nbad\xe9,1,1\n").unwrap_err();
    assert_eq!(
        err.render("v.csv"),
        "v.csv:3: the file is not UTF-8 text (byte 0xe9); save it as CSV in UTF-8"
    );
}

fn plan(map: &Map, text: &str) -> ImportPlan {
    values::plan_import(map, &rows(text, map))
}

#[test]
fn the_plan_sorts_rows_into_added_changed_unchanged_and_current_values() {
    let map = nrr();
    let p = plan(
        &map,
        "id,period,value\n\
         upgrades,2026-11,6200\n\
         upgrades,2026-10,6000\n\
         contraction,2026-10,2900\n\
         starting_mrr,2026-07,90000\n",
    );
    let added: Vec<_> = p
        .added
        .iter()
        .map(|e| (e.id.as_str(), e.period.as_str(), e.value, e.line))
        .collect();
    assert_eq!(
        added,
        [
            ("upgrades", "2026-11", 6200.0, 2),
            ("starting_mrr", "2026-07", 90000.0, 5)
        ]
    );
    let unchanged: Vec<_> = p
        .unchanged
        .iter()
        .map(|e| (e.id.as_str(), e.line))
        .collect();
    assert_eq!(unchanged, [("upgrades", 3)]);
    let changed: Vec<_> = p
        .changed
        .iter()
        .map(|c| (c.id.as_str(), c.period.as_str(), c.old, c.new, c.line))
        .collect();
    assert_eq!(changed, [("contraction", "2026-10", 3000.0, 2900.0, 4)]);
    // upgrades gets a newer period: its value follows it. contraction's newest period changed:
    // its value follows. starting_mrr only got an older period: its value stays.
    let current: Vec<_> = p
        .values
        .iter()
        .map(|v| (v.id.as_str(), v.period.as_str(), v.old, v.new))
        .collect();
    assert_eq!(
        current,
        [
            ("upgrades", "2026-11", Some(6000.0), 6200.0),
            ("contraction", "2026-10", Some(3000.0), 2900.0)
        ]
    );
    assert!(p.changes_anything());
    let Command::Batch(steps) = &p.command else {
        panic!("{:?}", p.command)
    };
    assert_eq!(steps.len(), 3);
}

#[test]
fn applying_the_plan_merges_history_and_undo_restores_the_map_exactly() {
    let map = nrr();
    let p = plan(
        &map,
        "id,period,value\nupgrades,2026-11,6200\nstarting_mrr,2026-07,90000\n",
    );
    let mut doc = Document::new(map.clone());
    doc.apply(p.command.clone()).unwrap();
    let after = doc.map();
    let upgrades = after.node("upgrades").unwrap();
    assert_eq!(upgrades.history.get("2026-11"), Some(&6200.0));
    assert_eq!(upgrades.value, Some(6200.0));
    let starting = after.node("starting_mrr").unwrap();
    assert_eq!(starting.history.get("2026-07"), Some(&90000.0));
    assert_eq!(starting.value, Some(100000.0));
    // The new period rolls up.
    let a = Analysis::new(after, None, Some("2026-07")).unwrap();
    assert!(a.value("starting_mrr").unwrap().is_ok());
    // One undo step takes all of it back, to the byte.
    assert!(doc.undo().unwrap());
    assert_eq!(format::to_string(doc.map()), format::to_string(&map));
    assert!(!doc.history().can_undo());
}

#[test]
fn importing_the_same_rows_again_changes_nothing() {
    let map = nrr();
    let text = "id,period,value\nupgrades,2026-11,6200\nchurned_accounts,2026-11,22\n";
    let first = plan(&map, text);
    let mut after = map.clone();
    first.command.apply(&mut after).unwrap();
    let again = plan(&after, text);
    assert!(!again.changes_anything());
    assert!(again.added.is_empty() && again.changed.is_empty() && again.values.is_empty());
    assert_eq!(again.unchanged.len(), 2);
    assert_eq!(again.command, Command::Batch(Vec::new()));
}

#[test]
fn the_newest_period_again_makes_its_value_current() {
    // A value typed by hand differs from the newest period's; importing that period (same
    // value as the history holds) makes it current again.
    let mut map = nrr();
    let mut node = map.node("upgrades").unwrap().clone();
    node.value = Some(1.0);
    map.replace_node("upgrades", node).unwrap();
    let p = plan(&map, "id,period,value\nupgrades,2026-10,6000\n");
    assert_eq!(p.unchanged.len(), 1);
    assert_eq!(p.values.len(), 1);
    assert_eq!((p.values[0].old, p.values[0].new), (Some(1.0), 6000.0));
}

#[test]
fn a_computed_metric_takes_reported_actuals() {
    let map = nrr();
    let p = plan(&map, "id,period,value\nnrr,2026-10,1.071\n");
    let mut after = map.clone();
    p.command.apply(&mut after).unwrap();
    let nrr = after.node("nrr").unwrap();
    assert_eq!(nrr.history.get("2026-10"), Some(&1.071));
    assert_eq!(nrr.value, Some(1.071));
    // The roll-up still computes it from its formula.
    let a = Analysis::new(&after, None, None).unwrap();
    assert!((a.value("nrr").unwrap().unwrap() - 1.07).abs() < 1e-12);
    // And the file reopens with it.
    let text = format::to_string(&after);
    assert!(format::parse_str(&text).is_ok());
}

#[test]
fn a_metric_without_history_or_value_gets_both() {
    let text = "#![enable(implicit_some)]\nMap(format: 1, title: \"t\", nodes: [\n    (id: \"a\", kind: Metric, title: \"A\"),\n])\n";
    let map = format::parse_str(text).unwrap().map;
    let p = plan(&map, "id,period,value\na,2026-09,1\na,2026-10,2\n");
    assert_eq!(p.added.len(), 2);
    assert_eq!(p.values.len(), 1);
    assert_eq!((p.values[0].old, p.values[0].new), (None, 2.0));
    assert_eq!(p.values[0].period, "2026-10");
}

#[test]
fn rows_for_ids_the_map_no_longer_has_are_left_out_of_the_plan() {
    let map = nrr();
    let got = rows(
        "id,period,value\nupgrades,2026-11,1\ncontraction,2026-11,2\n",
        &map,
    );
    let mut smaller = map.clone();
    Command::DeleteSubtree {
        id: fulcrum::model::NodeId::new("contraction").unwrap(),
    }
    .apply(&mut smaller)
    .unwrap();
    let p = values::plan_import(&smaller, &got);
    assert_eq!(p.added.len(), 1);
    assert!(p.command.apply(&mut smaller).is_ok());
}
