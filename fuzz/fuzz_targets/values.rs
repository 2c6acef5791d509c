//! Fuzzes the CSV values reader (`fulcrum values`, the app's Import values): any bytes either
//! decode, read and plan into a command that applies cleanly to the map and leaves it valid
//! and savable, or are refused with every bad row named by a line inside the text — never a
//! panic, a hang, or a partial change.
#![no_main]

use fulcrum::edit::values::{decode, parse_values, plan_import};
use fulcrum::format;
use libfuzzer_sys::fuzz_target;

/// A map with inputs, a computed metric and a non-metric, some history already there.
const MAP: &str = "#![enable(implicit_some)]\nMap(format: 1, nodes: [\n\
    (id: \"top\", kind: Metric, formula: Expr(\"a * b\")),\n\
    (id: \"a\", parent: \"top\", kind: Metric, value: 2.0, history: {\"2026-01\": 1.0, \"2026-02\": 2.0}),\n\
    (id: \"b\", parent: \"top\", kind: Metric, value: 3.0),\n\
    (id: \"o\", kind: Outcome, title: \"O\"),\n\
])\n";

fuzz_target!(|data: &[u8]| {
    let map = format::parse_str(MAP).expect("the fuzz map loads").map;
    let text = match decode(data) {
        Ok(text) => text,
        Err(problem) => {
            assert!(problem.line >= 1);
            return;
        }
    };
    match parse_values(text, &map) {
        Ok(rows) => {
            let plan = plan_import(&map, &rows);
            let mut after = map.clone();
            plan.command
                .clone()
                .apply(&mut after)
                .expect("a planned import applies");
            assert!(after.check_invariants().is_ok());
            assert!(format::save_problems(&after).is_empty());
            let saved = format::to_string(&after);
            let again = format::parse_str(&saved).expect("an imported map reloads");
            assert_eq!(format::to_string(&again.map), saved);
            // Importing the same rows again changes nothing.
            let twice = plan_import(&after, &rows);
            assert!(twice.added.is_empty() && twice.changed.is_empty());
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            let lines = text.split('\n').count().max(1);
            for p in &problems {
                assert!(p.line >= 1 && p.line <= lines, "line {} of {lines}", p.line);
            }
        }
    }
});
