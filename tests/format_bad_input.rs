#![allow(clippy::unwrap_used)]
//! SPEC §8: bad input gets a clear error with its place — no panic, no hang, no stack
//! overflow — and the file on disk is never changed by reading it.

use std::fs;
use std::time::{Duration, Instant};

use fulcrum::format::{self, FormatError, MAX_FILE_BYTES, Problem, Severity};

const HEAD: &str =
    "#![enable(implicit_some)]\nMap(\n    format: 1,\n    title: \"t\",\n    nodes: [\n";
const TAIL: &str = "    ],\n)\n";

/// A map file whose nodes are `body` (the first node is on line 6).
fn with_nodes(body: &str) -> String {
    format!("{HEAD}{body}{TAIL}")
}

/// Runs `f` on a thread with a 2 MB stack, as a small platform thread would have.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// The errors of a text that `check` must fail, rendered as `f:line:col: message`: either the
/// load fails, or (for formula problems) the map opens but carries errors.
fn problems(text: &str) -> Vec<String> {
    match format::parse_str(text) {
        Err(err) => err.problems().iter().map(|p| p.render("f")).collect(),
        Ok(loaded) => {
            let errors: Vec<String> = loaded
                .warnings
                .iter()
                .filter(|p| p.severity == format::Severity::Error)
                .map(|p| p.render("f"))
                .collect();
            assert!(!errors.is_empty(), "expected errors, the file loaded clean");
            errors
        }
    }
}

/// Formula problems do not stop a map from opening (its metrics show "no value").
#[test]
fn formula_errors_leave_the_map_openable_and_savable() {
    let text =
        with_nodes("        (id: \"a\", kind: Metric, title: \"A\", formula: Expr(\"b +\")),\n");
    let loaded = format::parse_str(&text).unwrap();
    assert!(
        loaded
            .warnings
            .iter()
            .any(|p| p.severity == format::Severity::Error)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half-typed.ron");
    format::save(&loaded.map, &path).unwrap();
    assert!(format::load(&path).is_ok());
}

/// Exactly one problem, rendered.
fn problem(text: &str) -> String {
    let all = problems(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().unwrap()
}

#[test]
fn broken_ron_points_at_the_mistake() {
    let text = with_nodes("        (id: \"a\" kind: Metric, title: \"A\"),\n");
    assert_eq!(problem(&text), "f:6:18: expected comma");
}

#[test]
fn a_truncated_file_says_so() {
    let text = with_nodes("        (id: \"a\", kind: Metric, title: \"A\"),\n");
    assert_eq!(
        problem(&text[..text.len() - 15]),
        "f:6:39: the file ends with 3 brackets still open — is it truncated? (expected \
         string)"
    );
    let cut = text.find("\"A\"").unwrap() + 2;
    assert_eq!(
        problem(&text[..cut]),
        "f:6:40: this string is never closed — is the file truncated?"
    );
    assert_eq!(problem(""), "f:1:1: the file is empty");
}

#[test]
fn every_prefix_of_a_file_fails_cleanly() {
    let text = format::to_string(
        &format::parse_str(&with_nodes(
            "        (id: \"a\", kind: Metric, title: \"A \\\"q\\\"\", value: 1.5, history: \
             {\"p\": 2.0}),\n        (id: \"b\", parent: \"a\", kind: Metric, title: \"B\"),\n",
        ))
        .unwrap()
        .map,
    );
    for cut in (0..text.len()).filter(|&c| text.is_char_boundary(c)) {
        let prefix = &text[..cut];
        match format::parse_str(prefix) {
            Ok(_) => assert_eq!(prefix.trim_end(), text.trim_end(), "cut at {cut}"),
            Err(err) => {
                let problems = err.problems();
                assert!(!problems.is_empty());
                if let FormatError::Invalid(list) = &err {
                    assert!(
                        list.iter().all(|p| p.line.is_some()),
                        "cut at {cut}: {list:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn binary_junk_is_not_a_map() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let err = format::parse_bytes(&junk).unwrap_err();
    let p = &err.problems()[0];
    assert!(p.line.is_some() && p.col.is_some());
    assert!(p.message.contains("not UTF-8 text"), "{p:?}");

    assert_eq!(
        problem("\u{0}\u{1}\u{2}garbage\u{7f}"),
        "f:1:1: expected `Map(` — is this a Fulcrum map file?"
    );
    assert_eq!(
        problem("{\"format\": 1}"),
        "f:1:1: expected `Map(` — is this a Fulcrum map file?"
    );

    // Invalid UTF-8 after a readable start: the position of the bad byte.
    let mut bytes = with_nodes("        (id: \"a\", kind: Metric, title: \"A\"),\n").into_bytes();
    let at = bytes.len() - 20;
    bytes[at] = 0xff;
    let p = &format::parse_bytes(&bytes).unwrap_err().problems()[0];
    assert_eq!((p.line, p.col), (Some(6), Some(35)));
}

#[test]
fn a_file_over_the_limit_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    let file = fs::File::create(&path).unwrap();
    file.set_len(1 << 30).unwrap(); // sparse: 1 GiB of nothing on disk
    drop(file);
    let start = Instant::now();
    let err = format::load(&path).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    match err {
        FormatError::TooLarge { bytes, limit } => {
            assert_eq!(bytes, 1 << 30);
            assert_eq!(limit, MAX_FILE_BYTES);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err_text(&path),
        "the file is 1073741824 bytes; Fulcrum opens map files of at most 536870912 bytes"
    );
}

fn err_text(path: &std::path::Path) -> String {
    format::load(path).unwrap_err().problems()[0]
        .message
        .clone()
}

#[test]
fn a_missing_file_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.ron");
    let err = format::load(&path).unwrap_err();
    assert!(matches!(err, FormatError::Io { .. }));
    let p = &err.problems()[0];
    assert_eq!(p.line, None);
    assert!(p.message.contains("nope.ron"), "{p:?}");
    assert!(p.render("nope.ron").starts_with("nope.ron: "));
}

/// Runs `f` on a thread and fails (instead of hanging the test run) if it takes over 5 s.
fn within_5_s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(f()));
    receive
        .recv_timeout(Duration::from_secs(5))
        .expect("took over 5 s: it hangs")
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Nobody ever writes to the FIFO: opening it for reading would block forever.
    for path in [
        fifo,
        "/dev/zero".into(),
        "/dev/null".into(),
        dir.path().into(),
    ] {
        let shown = path.display().to_string();
        let err = within_5_s(move || format::load(&path).unwrap_err());
        let text = err.problems()[0].message.clone();
        assert!(text.contains("not a regular file"), "{shown}: {text}");
        assert!(text.contains(&shown), "{shown}: {text}");
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    on_small_stack(|| {
        let deep = "[".repeat(100_000);
        assert_eq!(
            problem(&deep),
            "f:1:1: expected `Map(` — is this a Fulcrum map file?"
        );
        let in_field =
            format!("Map(format: 1, nodes: [(id: \"a\", kind: Opportunity, evidence: {deep}",);
        assert_eq!(
            problem(&in_field),
            "f:1:64: expected `(` to start an evidence entry"
        );
        let closed = format!("{in_field}{}])", "]".repeat(100_000));
        assert_eq!(
            problem(&closed),
            "f:1:64: expected `(` to start an evidence entry"
        );
        let parens = format!(
            "Map(format: 1, nodes: [(id: \"a\", kind: Metric, notes: {}))])",
            "Some(".repeat(100_000)
        );
        assert_eq!(problem(&parens), "f:1:60: expected string");
    });
}

#[test]
fn duplicate_ids_name_both_places() {
    let text = with_nodes(
        "        (id: \"a\", kind: Metric, title: \"A\"),\n        (id: \"b\", kind: Metric),\n        \
         (id: \"a\", kind: Metric, title: \"A2\"),\n",
    );
    assert_eq!(problem(&text), "f:8:14: duplicate id `a` (first at 6:14)");
}

#[test]
fn parent_cycles_name_their_nodes() {
    let text = with_nodes(
        "        (id: \"a\", parent: \"c\", kind: Metric),\n        (id: \"b\", parent: \"a\", \
         kind: Metric),\n        (id: \"c\", parent: \"b\", kind: Metric),\n        (id: \"d\", \
         parent: \"d\", kind: Metric),\n        (id: \"e\", parent: \"b\", kind: Metric),\n",
    );
    assert_eq!(
        problems(&text),
        [
            "f:6:27: a cycle of parents: `a` → `c` → `b` → `a` (each node's parent is the next)",
            "f:9:27: `d` is its own parent",
        ]
    );
}

#[test]
fn a_long_parent_cycle_is_named_briefly() {
    let mut body = String::new();
    for i in 0..1000 {
        body.push_str(&format!(
            "        (id: \"n{i}\", parent: \"n{}\", kind: Note),\n",
            (i + 1) % 1000
        ));
    }
    let text = with_nodes(&body);
    assert_eq!(
        problem(&text),
        "f:6:28: a cycle of parents: `n0` → `n1` → `n2` → `n3` → `n4` → … → `n999` → `n0` \
         (1000 nodes) (each node's parent is the next)"
    );
}

/// Regression: each problem's column was counted from the start of its line, and each value
/// inside a field found by a walk over the field, so N problems on one line took time
/// quadratic in N (100k: 15 s; 50k bad `history` entries: 7 s). Positions now come from one
/// index of the text and of the field.
#[test]
fn a_hundred_thousand_problems_on_one_line_resolve_in_linear_time() {
    const N: usize = 100_000;
    let nodes: String = (0..N)
        .map(|i| format!("(id: \"a{i}\", parent: \"zz\", kind: Note), "))
        .collect();
    let text = format!("Map(format: 1, nodes: [{nodes}])");
    let started = Instant::now();
    let found = problems(&text);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(found.len(), N);
    let last = text.rfind("\"zz\"").unwrap() + 1;
    assert_eq!(
        found[N - 1],
        format!("f:1:{last}: `a99999`: the parent `zz` is not a node in this map")
    );

    let history: String = (0..N).map(|i| format!("\"p{i}\": NaN, ")).collect();
    let text =
        format!("Map(format: 1, nodes: [(id: \"a\", kind: Metric, history: {{{history}}})])");
    let started = Instant::now();
    let found = problems(&text);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(found.len(), N);
    let last = text.rfind("NaN").unwrap() + 1;
    assert_eq!(
        found[N - 1],
        format!("f:1:{last}: `a`: `history` for \"p99999\" is NaN; numbers must be finite")
    );
}

/// Regression: a formula cycle through N metrics cost memory quadratic in N — its message,
/// naming every metric, was copied once per metric (24 GB and an OOM kill for 100k metrics)
/// and one cycle at a time was broken, re-sorting the map after each. Now the cycles are
/// found at once and named in one short message shared by their metrics.
#[test]
fn a_formula_cycle_through_100k_metrics_is_named_briefly() {
    on_small_stack(|| {
        const N: usize = 100_000;
        let mut body = String::with_capacity(N * 72);
        for i in 0..N {
            body.push_str(&format!(
                "        (id: \"m{i}\", kind: Metric, formula: Expr(\"m{} + 1\")),\n",
                (i + 1) % N
            ));
        }
        let text = with_nodes(&body);
        let started = Instant::now();
        let errors = problems(&text);
        // Generous, for an unoptimised build on a busy machine; the quadratic version never
        // finished.
        assert!(started.elapsed() < Duration::from_secs(60));
        let head: Vec<String> = (0..24).map(|i| format!("m{i}")).collect();
        assert_eq!(
            errors,
            [format!(
                "f:6:43: `m0`: formula cycle: {} → … → m99999 → m0 (100000 metrics)",
                head.join(" → ")
            )]
        );
    });
}

/// The same for parents: a 100k-node cycle of parents is named briefly, on a small stack.
#[test]
fn a_parent_cycle_through_100k_nodes_is_named_briefly() {
    on_small_stack(|| {
        const N: usize = 100_000;
        let mut body = String::with_capacity(N * 56);
        for i in 0..N {
            body.push_str(&format!(
                "        (id: \"n{i}\", parent: \"n{}\", kind: Note),\n",
                (i + 1) % N
            ));
        }
        let started = Instant::now();
        let errors = problems(&with_nodes(&body));
        assert!(started.elapsed() < Duration::from_secs(60));
        assert_eq!(
            errors,
            [
                "f:6:28: a cycle of parents: `n0` → `n1` → `n2` → `n3` → `n4` → … → `n99999` → \
              `n0` (100000 nodes) (each node's parent is the next)"
            ]
        );
    });
}

#[test]
fn formula_cycles_name_their_nodes() {
    let text = with_nodes(
        "        (id: \"a\", kind: Metric, formula: Expr(\"b + 1\")),\n        (id: \"b\", kind: \
         Metric, formula: Expr(\"2 * a\")),\n",
    );
    assert_eq!(problem(&text), "f:6:42: `a`: formula cycle: a → b → a");
}

#[test]
fn formula_errors_point_into_the_formula() {
    let text = with_nodes(
        "        (id: \"a\", kind: Metric, formula: Expr(\"1 + * b\")),\n        (id: \"b\", kind: \
         Metric, formula: Expr(\"zz + 1\")),\n        (id: \"c\", kind: Metric, formula: Sum),\n",
    );
    assert_eq!(
        problems(&text),
        [
            "f:6:52: `a`: formula: expected a number, id or `(`, found `*`",
            "f:7:48: `b`: `zz` is not a metric in this map",
            "f:8:42: `c`: Sum needs at least one metric child",
        ]
    );
    // A formula string over two lines: the position follows the newline.
    let text = with_nodes("        (id: \"a\", kind: Metric, formula: Expr(\"1 +\n  * 2\")),\n");
    assert_eq!(
        problem(&text),
        "f:7:3: `a`: formula: expected a number, id or `(`, found `*`"
    );
    // An escape before the error: the position of the formula value.
    let text = with_nodes("        (id: \"a\", kind: Metric, formula: Expr(\"1 \\u{2b} * 2\")),\n");
    assert_eq!(
        problem(&text),
        "f:6:42: `a`: formula: expected a number, id or `(`, found `*`"
    );
}

#[test]
fn a_formula_of_10_000_operators_is_fine() {
    on_small_stack(|| {
        let long = vec!["a"; 10_001].join(" + ");
        let text = with_nodes(&format!(
            "        (id: \"a\", kind: Metric, value: 1.0),\n        (id: \"b\", kind: Metric, \
             formula: Expr(\"{long}\")),\n"
        ));
        let loaded = format::parse_str(&text).unwrap();
        assert_eq!(
            format::parse_str(&format::to_string(&loaded.map))
                .unwrap()
                .map
                .len(),
            2
        );

        let nested = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let text = with_nodes(&format!(
            "        (id: \"a\", kind: Metric, value: 1.0),\n        (id: \"b\", kind: Metric, \
             formula: Expr(\"{nested}\")),\n"
        ));
        // Parsed or refused, but never a crash.
        let _ = format::parse_str(&text);

        let open = "(".repeat(10_000);
        let text = with_nodes(&format!(
            "        (id: \"a\", kind: Metric, formula: Expr(\"{open}\")),\n"
        ));
        assert_eq!(
            problem(&text),
            "f:6:10048: `a`: formula: unexpected end of formula"
        );
    });
}

/// Regression: a 200 MB formula was lexed and parsed at ~46 times its size and aborted with
/// an allocation failure. A formula over 1 MiB of text is now refused before it is read; the
/// map still opens, that metric without a value.
#[test]
fn a_formula_over_the_limit_is_refused_with_its_length() {
    let long = "a+".repeat(1_500_000);
    let text = with_nodes(&format!(
        "        (id: \"a\", kind: Metric, value: 1.0),\n        (id: \"x\", kind: Metric, \
         formula: Expr(\"{long}a\")),\n"
    ));
    assert_eq!(
        problem(&text),
        "f:7:48: `x`: formula: 3000001 characters long; formulas are limited to 1048576 characters"
    );
}

#[test]
fn unknown_node_kinds_are_named() {
    let text = with_nodes("        (id: \"a\", kind: Widget, title: \"A\"),\n");
    assert_eq!(
        problem(&text),
        "f:6:25: `a`: unknown node kind `Widget`; expected one of Metric, Outcome, Opportunity, \
         Solution, Assumption, Test, Note"
    );
    let text = with_nodes("        (id: \"a\", kind: Metric, display: Percentage),\n");
    assert_eq!(
        problem(&text),
        "f:6:42: unknown display `Percentage` — did you mean `Percent`?"
    );
}

#[test]
fn non_finite_numbers_are_refused_where_they_are() {
    let text = format!(
        "{HEAD}        (id: \"a\", kind: Metric, value: NaN, target: inf, thresholds: (warn: \
         1.0, alert: -inf), history: {{\"x\": 1.0, \"y\": NaN}}),\n        (id: \"b\", kind: \
         Solution, expected_lift: 1e400),\n    ],\n    scenarios: [(name: \"S\", overrides: \
         {{\"a\": NaN}})],\n)\n"
    );
    assert_eq!(
        problems(&text),
        [
            "f:6:40: `a`: `value` is NaN; numbers must be finite",
            "f:6:53: `a`: `target` is inf; numbers must be finite",
            "f:6:89: `a`: `thresholds.alert` is -inf; numbers must be finite",
            "f:6:121: `a`: `history` for \"y\" is NaN; numbers must be finite",
            "f:7:50: `b`: `expected_lift` is inf; numbers must be finite",
            "f:9:46: scenario \"S\": the override of `a` is NaN; numbers must be finite",
        ]
    );
}

#[test]
fn a_newer_format_is_refused_and_the_file_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.ron");
    let text = "#![enable(implicit_some)]\nMap(\n    format: 4,\n    hologram: (((\u{0} \
                unreadable here";
    fs::write(&path, text).unwrap();
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let err = format::load(&path).unwrap_err();
    assert!(matches!(
        err,
        FormatError::NewerFormat {
            found: 4,
            supported: 3
        }
    ));
    assert_eq!(
        err.problems()[0].render("future.ron"),
        "future.ron: this file is format 4; this Fulcrum reads formats up to 3 — update Fulcrum to open it"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
    // Even with bytes that are not UTF-8 after the format.
    let mut bytes = text.as_bytes().to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00]);
    assert!(matches!(
        format::parse_bytes(&bytes),
        Err(FormatError::NewerFormat { found: 4, .. })
    ));
}

#[test]
fn an_unknown_or_missing_format_is_refused() {
    assert_eq!(
        problem("Map(format: 0, nodes: [])"),
        "f: `format: 0` is not a Fulcrum file format (this Fulcrum reads formats 1 to 3)"
    );
    assert_eq!(
        problem("Map(format: \"1\", nodes: [])"),
        "f: `format: \"1\"` is not a Fulcrum file format (this Fulcrum reads formats 1 to 3)"
    );
    assert_eq!(
        problem("// a map\nMap(title: \"x\", nodes: [])"),
        "f:2:1: the map has no `format` field; a Fulcrum map starts `Map(format: 1, …`"
    );
}

#[test]
fn an_unknown_field_is_named_with_its_place() {
    let text = with_nodes("        (id: \"a\", kind: Metric, titel: \"A\"),\n");
    assert_eq!(
        problem(&text),
        "f:6:33: unknown field `titel` in a node — did you mean `title`?"
    );
    let text = with_nodes("        (id: \"a\", kind: Metric, colour: \"red\"),\n");
    let p = problem(&text);
    assert!(
        p.starts_with("f:6:33: unknown field `colour` in a node; expected one of `id`, `parent`"),
        "{p}"
    );
    let text = text.replace(
        "    title: \"t\",\n",
        "    title: \"t\",\n    author: \"me\",\n",
    );
    assert_eq!(
        problem(&text),
        "f:5:5: unknown field `author` in the map; expected one of `format`, `title`, `nodes`, `links`, `scenarios`, `presentations`"
    );
}

#[test]
fn every_problem_is_reported_sorted_by_position() {
    let text = format!(
        "{HEAD}        (id: \"Bad\", kind: Metric),\n        (id: \"b\", parent: \"nope\", kind: \
         Solution, status: Passed, effort: 9),\n        (id: \"c\", kind: Assumption, evidence: \
         0, importance: 300),\n        (id: \"t\", parent: \"b\", kind: Test, status: Idea, \
         market: -1),\n        (kind: Note),\n        (id: \"n\"),\n        (id: \"s\", parent: \
         \"b\", kind: Opportunity, sizing: (reach: 3, frequency: 6, severity: 1)),\n    ],\n    \
         links: [\n        (from: \"b\", to: \"zz\", kind: Measures),\n        (from: \"b\", to: \
         \"c\", kind: Measures),\n        (from: \"b\", to: \"c\", kind: Measures),\n        (from: \
         \"c\", to: \"c\", kind: Relates),\n    ],\n    scenarios: [\n        (name: \"S\", \
         overrides: {{\"c\": 1.0, \"q\": 2.0, \"c\": 3.0}}),\n        (name: \"S\"),\n    ],\n)\n"
    );
    assert_eq!(
        problems(&text),
        [
            "f:6:14: id `Bad` must start with a lowercase letter or `_`",
            "f:7:27: `b`: the parent `nope` is not a node in this map",
            "f:7:75: `b`: `effort` must be 1–5, found 9",
            "f:8:47: `c`: `evidence` must be 1–5, found 0",
            "f:8:62: `c`: `importance` must be 1–5, found 300",
            "f:9:66: `t`: `market` must be 1–5, found -1",
            "f:10:9: node 5 of the file has no `id`",
            "f:11:9: `n` has no `kind` (one of Metric, Outcome, Opportunity, Solution, \
             Assumption, Test, Note)",
            "f:12:81: `s`: `sizing.frequency` must be 1–5, found 6",
            "f:15:25: a link to `zz`, which is not a node in this map",
            "f:17:9: duplicate Measures link from `b` to `c` (first at 16:9)",
            "f:18:25: a link cannot join `c` to itself",
            "f:21:48: scenario \"S\" overrides `q`, which is not a node in this map",
            "f:21:58: scenario \"S\" overrides `c` twice",
            "f:22:16: duplicate scenario name \"S\" (first at 21:16)",
        ]
    );
}

#[test]
fn problems_in_a_big_file_have_exact_positions() {
    // Big enough to be parsed in two halves; the problems sit in both.
    let mut body = String::new();
    for i in 0..40_000 {
        body.push_str(&format!(
            "        (\n            id: \"n{i}\",\n            kind: Metric,\n            value: \
             {i}.5,\n        ),\n"
        ));
    }
    let text = with_nodes(&body);
    assert!(text.len() > 2 << 20);
    assert_eq!(format::parse_str(&text).unwrap().map.len(), 40_000);
    // Node n30000 starts on line 6 + 5 * 30000.
    let line = |i: usize| 6 + 5 * i;
    let broken = text
        .replace("\"n30000\"", "\"n10\"")
        .replace("value: 35000.5", "value: NaN")
        .replace("value: 20.5", "value: inf");
    assert_eq!(
        problems(&broken),
        [
            format!(
                "f:{}:20: `n20`: `value` is inf; numbers must be finite",
                line(20) + 3
            ),
            format!(
                "f:{}:17: duplicate id `n10` (first at {}:17)",
                line(30000) + 1,
                line(10) + 1
            ),
            format!(
                "f:{}:20: `n35000`: `value` is NaN; numbers must be finite",
                line(35000) + 3
            ),
        ]
    );
    let typo = text.replace(
        "            kind: Metric,\n            value: 30000.5",
        "            kind: Metric,\n            valeu: 30000.5",
    );
    assert_eq!(
        problem(&typo),
        format!(
            "f:{}:13: unknown field `valeu` in a node — did you mean `value`?",
            line(30000) + 3
        )
    );
}

/// A small valid map touching most of the syntax: comments, a raw string, escapes, nested
/// structs, maps, lists, links and scenarios.
const SEED: &str = r##"#![enable(implicit_some)]
// a comment
Map(
    format: 1,
    title: "Seed \"map\" /* not a comment */",
    nodes: [
        (id: "nrr", kind: Metric, title: r#"Net "revenue""#, formula: Expr("(a + b) / a"),
         target: Some(1.1), thresholds: (warn: 1.05, alert: 1.0), direction: HigherIsBetter),
        (id: "a", parent: "nrr", kind: Metric, title: "A", value: 100.0,
         history: {"2026-09": 96.0, "2026-10": 100.0}),
        (id: "b", parent: "nrr", kind: Metric, title: "B", value: -0.0), /* block /* nested */ */
        (id: "o", kind: Outcome, title: "O\n\u{e9}"),
        (id: "p", parent: "o", kind: Opportunity, title: "P", targeted: true,
         sizing: (reach: 1, frequency: 2, severity: 3),
         evidence: [(source: "s", date: "d", quote: "q"), (source: "t")]),
        (id: "s", parent: "p", kind: Solution, title: "S", status: Idea, effort: 2),
        (id: "x", parent: "s", kind: Assumption, title: "X", evidence: 2, importance: 5),
        (id: "t", parent: "x", kind: Test, title: "T", status: Passed),
    ],
    links: [(from: "o", to: "nrr", kind: Measures)],
    scenarios: [(name: "Up", overrides: {"a": 120.0})],
)
"##;

fn mutation() -> impl proptest::strategy::Strategy<Value = (usize, usize, String)> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just(String::new()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("'".to_owned()),
        Just("r#\"".to_owned()),
        Just("/*".to_owned()),
        Just("//".to_owned()),
        Just("\n".to_owned()),
        Just("NaN".to_owned()),
        Just("Some(".to_owned()),
        Just("parent: \"t\", ".to_owned()),
        Just("id: \"a\", ".to_owned()),
        Just("é".to_owned()),
        "[a-z0-9_ ]{1,3}",
    ];
    (0usize..SEED.len(), 0usize..4, piece)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any edit of a valid file either fails with positioned problems or loads a map that
    /// saves, reopens and saves again to the same text.
    #[test]
    fn edited_files_fail_cleanly_or_round_trip(edits in proptest::collection::vec(mutation(), 1..4)) {
        let mut text = SEED.to_owned();
        for (at, delete, insert) in edits {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, &insert);
        }
        match format::parse_str(&text) {
            Ok(loaded) => {
                proptest::prop_assert!(format::save_problems(&loaded.map).is_empty());
                let saved = format::to_string(&loaded.map);
                let again = format::parse_str(&saved);
                proptest::prop_assert!(again.is_ok(), "{text}\n---\n{saved}\n{again:?}");
                let again = again.map(|l| format::to_string(&l.map)).unwrap_or_default();
                proptest::prop_assert_eq!(again, saved);
            }
            Err(err) => {
                let problems = err.problems();
                proptest::prop_assert!(!problems.is_empty());
                if let FormatError::Invalid(list) = &err {
                    proptest::prop_assert!(list.iter().all(|p| p.line.is_some() && p.col.is_some()), "{list:?}");
                }
            }
        }
    }
}

#[test]
fn the_seed_of_the_edits_loads() {
    let loaded = format::parse_str(SEED).unwrap();
    assert_eq!(loaded.map.len(), 8);
    // Its only warning: the comments (not the ones inside strings) will not be kept.
    let warnings: Vec<String> = loaded.warnings.iter().map(|p| p.render("f")).collect();
    assert_eq!(
        warnings,
        [
            "f:2:1: warning: 2 comments will not be kept when this file is saved (the first on line 2)"
        ]
    );
}

#[test]
fn odd_shapes_are_warnings_not_errors() {
    let text = with_nodes(
        "        (id: \"o\", kind: Opportunity, title: \"O\"),\n        (id: \"t\", parent: \"o\", \
         kind: Test),\n        (id: \"p1\", parent: \"o\", kind: Opportunity, targeted: true),\n        \
         (id: \"p2\", parent: \"o\", kind: Opportunity, targeted: true),\n        (id: \"m\", kind: \
         Metric, status: Idea),\n",
    );
    let loaded = format::parse_str(&text).unwrap();
    assert_eq!(loaded.map.len(), 5);
    let rendered: Vec<String> = loaded.warnings.iter().map(|w| w.render("f")).collect();
    assert_eq!(
        rendered,
        [
            "f:7:38: warning: `t`: a Test under an Opportunity is not the usual shape (Outcome → \
             Opportunity → Solution → Assumption → Test; Metric → Metric)",
            "f:9:62: warning: `p2`: more than one targeted opportunity among siblings; `p1` is \
             targeted too",
            "f:10:41: warning: `m`: only solutions and tests have a status; this is a Metric",
        ]
    );
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| w.severity == Severity::Warning)
    );
}

#[test]
fn children_may_come_before_their_parents_in_a_hand_written_file() {
    let text = with_nodes(
        "        (id: \"b\", parent: \"a\", kind: Metric, value: 2.0),\n        (id: \"a\", kind: \
         Metric, formula: Sum),\n        (id: \"c\", parent: \"a\", kind: Metric, value: 3.0),\n",
    );
    let map = format::parse_str(&text).unwrap().map;
    let kids: Vec<&str> = map.children("a").map(|c| c.as_str()).collect();
    assert_eq!(kids, ["b", "c"]);
}

#[test]
fn problems_render_for_a_terminal() {
    let p = Problem {
        line: Some(3),
        col: Some(5),
        message: "bad".into(),
        severity: Severity::Error,
    };
    assert_eq!(p.render("m.ron"), "m.ron:3:5: bad");
    let w = Problem {
        severity: Severity::Warning,
        ..p.clone()
    };
    assert_eq!(w.render("m.ron"), "m.ron:3:5: warning: bad");
    let nowhere = Problem {
        line: None,
        col: None,
        ..p
    };
    assert_eq!(nowhere.render("m.ron"), "m.ron: bad");
}

#[test]
fn a_failed_save_leaves_the_old_file_even_for_root() {
    // A read-only file is refused by its mode, whoever saves (root could write it anyway).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.ron");
    fs::write(&path, b"old").unwrap();
    let mut readonly = fs::metadata(&path).unwrap().permissions();
    readonly.set_readonly(true);
    fs::set_permissions(&path, readonly).unwrap();
    let map = format::parse_str(&with_nodes("        (id: \"a\", kind: Metric),\n"))
        .unwrap()
        .map;
    let err = format::save(&map, &path).unwrap_err();
    assert!(matches!(err, FormatError::ReadOnly { ref path, .. } if path.ends_with("m.ron")));
    assert_eq!(fs::read(&path).unwrap(), b"old");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temp file left behind"
    );
}

/// Regression: RON's raw identifiers are valid RON, but `r#format` hid the format field from
/// the light scan ("the map has no `format` field").
#[test]
fn raw_identifiers_are_read() {
    let text = "Map(r#format: 1, r#title: \"t\", nodes: [(r#id: \"a\", r#kind: Metric)])";
    let loaded = format::parse_str(text).unwrap();
    assert_eq!(loaded.map.len(), 1);
    assert_eq!(
        problem("Map(r#format: 4, nodes: [])"),
        "f: this file is format 4; this Fulcrum reads formats up to 3 — update Fulcrum to open it"
    );
    // Places found by the scan see through `r#` too.
    assert_eq!(
        problem("Map(format: 1, nodes: [(id: \"a\", r#kind: Metric, r#value: inf)])"),
        "f:1:59: `a`: `value` is inf; numbers must be finite"
    );
}

/// Regression: `title: Some("…")` is valid RON for an optional field (SPEC §3: an optional
/// value may be written bare or as `Some(…)`), but a node's title and a scenario's overrides
/// were refused that way ("expected string").
#[test]
fn every_optional_field_may_be_written_as_some() {
    let bare = "Map(format: 1, title: \"t\", nodes: [\n\
        (id: \"a\", kind: Metric, title: \"A\", formula: Sum, unit: \"$\", target: 2.0,\n\
         thresholds: (warn: 1.0, alert: 0.5), history: {\"2026-09\": 1.0}, owner: \"o\"),\n\
        (id: \"b\", parent: \"a\", kind: Metric, title: \"B\", value: 1.0),\n\
    ], scenarios: [(name: \"s\", overrides: {\"b\": 2.0})])";
    let some = "Map(format: Some(1), title: Some(\"t\"), nodes: Some([\n\
        (id: Some(\"a\"), kind: Some(Metric), title: Some(\"A\"), formula: Some(Sum),\n\
         unit: Some(\"$\"), target: Some(2.0), thresholds: Some((warn: 1.0, alert: 0.5)),\n\
         history: Some({\"2026-09\": 1.0}), owner: Some(\"o\")),\n\
        (id: Some(\"b\"), parent: Some(\"a\"), kind: Some(Metric), title: Some(\"B\"),\n\
         value: Some(1.0)),\n\
    ]), scenarios: Some([(name: \"s\", overrides: Some({\"b\": 2.0}))]))";
    let bare = format::to_string(&format::parse_str(bare).unwrap().map);
    let some = format::to_string(&format::parse_str(some).unwrap().map);
    assert_eq!(some, bare);
}

/// Regression: `value: 0x10` was refused only as "expected comma".
#[test]
fn numbers_in_another_base_are_named() {
    let text = with_nodes("        (id: \"a\", kind: Metric, value: 0x10),\n");
    assert_eq!(
        problem(&text),
        "f:6:40: numbers are decimal (`0x10` is not; write 16)"
    );
    let text = with_nodes("        (id: \"a\", kind: Metric, target: 0b11),\n");
    assert!(problem(&text).ends_with("numbers are decimal (`0b11` is not; write 3)"));
}

/// Regression: comments were dropped without a word when the file was saved. Loading now
/// says how many will not be kept, at the first one.
#[test]
fn comments_are_reported_as_not_kept() {
    let text = with_nodes(
        "        // the top\n        (id: \"a\", kind: Metric), /* one */ /* two */\n\
         (id: \"b\", kind: Note, notes: \"see https://example.com // not a comment\"),\n",
    );
    let loaded = format::parse_str(&text).unwrap();
    assert_eq!(loaded.comments, 3);
    let warnings: Vec<String> = loaded.warnings.iter().map(|p| p.render("f")).collect();
    assert_eq!(
        warnings,
        [
            "f:6:9: warning: 3 comments will not be kept when this file is saved (the first on line 6)"
        ]
    );
    let clean = format::parse_str(&with_nodes(
        "        (id: \"a\", kind: Metric, source: \"a//b\"),\n",
    ))
    .unwrap();
    assert_eq!((clean.comments, clean.warnings.len()), (0, 0));
}
