//! The `fulcrum` command line as a user runs it: exit codes, output shapes, `fmt`.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fulcrum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(args)
        .output()
        .unwrap()
}

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn temp_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn check_is_clean_on_every_sample() {
    let files: Vec<String> = ["nrr.ron", "saas_revenue.ron", "ost.ron", "workshop.ron"]
        .iter()
        .map(|s| sample(s))
        .collect();
    let args: Vec<&str> = std::iter::once("check")
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = fulcrum(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn check_lists_problems_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        dir.path(),
        "broken.ron",
        "Map(format: 1, title: \"t\", nodes: [\n    (id: \"a\", kind: Metric, title: \"A\"),\n    (id: \"a\", kind: Metric, title: \"Again\"),\n])\n",
    );
    let out = fulcrum(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out);
    assert!(
        report.contains(&format!("{}:3:", path.display())),
        "{report}"
    );
    assert!(report.contains("duplicate"), "{report}");
}

#[test]
fn rollup_json_has_the_documented_shape() {
    let out = fulcrum(&["rollup", &sample("nrr.ron"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &json["nodes"][0];
    assert_eq!(first["id"], "nrr");
    assert_eq!(first["title"], "Net revenue retention");
    assert!((first["value"].as_f64().unwrap() - 1.07).abs() < 1e-12);
    assert!(first["error"].is_null());
    assert_eq!(first["status"], "amber");
    assert!(first.get("actual").is_none());
    let ids: Vec<&str> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 9);
}

#[test]
fn rollup_under_a_scenario_shows_the_actual_too() {
    let out = fulcrum(&[
        "rollup",
        &sample("nrr.ron"),
        "--scenario",
        "Save desk",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nrr = &json["nodes"][0];
    assert!((nrr["value"].as_f64().unwrap() - 1.09).abs() < 1e-12);
    assert!((nrr["actual"].as_f64().unwrap() - 1.07).abs() < 1e-12);
    let out = fulcrum(&["rollup", &sample("nrr.ron"), "--scenario", "Nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("Nope"));
}

#[test]
fn rollup_errors_are_values_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        dir.path(),
        "zero.ron",
        r#"Map(format: 1, title: "t", nodes: [
    (id: "rate", kind: Metric, title: "Rate", formula: Expr("paid / trials")),
    (id: "paid", parent: "rate", kind: Metric, title: "Paid", value: 3.0),
    (id: "trials", parent: "rate", kind: Metric, title: "Trials", value: 0.0),
])"#,
    );
    let out = fulcrum(&["rollup", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["nodes"][0]["value"].is_null());
    assert_eq!(json["nodes"][0]["error"], "trials is 0");
    assert!(json["nodes"][0]["status"].is_null());
}

#[test]
fn rollup_csv_and_period() {
    let out = fulcrum(&[
        "rollup",
        &sample("saas_revenue.ron"),
        "--period",
        "2026-09",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,title,value,status,error"));
    let customers = csv.lines().find(|l| l.starts_with("customers,")).unwrap();
    assert!(customers.contains("501.28"), "{customers}");
}

#[test]
fn leverage_json_has_the_documented_shape() {
    let out = fulcrum(&["leverage", &sample("nrr.ron"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["top"], "nrr");
    assert!((json["value"].as_f64().unwrap() - 1.07).abs() < 1e-12);
    let levers = json["levers"].as_array().unwrap();
    assert_eq!(levers.len(), 8);
    let first = &levers[0];
    assert_eq!(first["id"], "expansion");
    assert!((first["sensitivity"].as_f64().unwrap() - 1e-5).abs() < 1e-15);
    assert!((first["elasticity"].as_f64().unwrap() - 0.1402).abs() < 1e-4);
    assert!((first["impact_to_target"].as_f64().unwrap() - 0.05).abs() < 1e-12);
    assert_eq!(first["approximate"], false);
    let upgrades = levers.iter().find(|l| l["id"] == "upgrades").unwrap();
    assert!(upgrades["impact_to_target"].is_null());
    let mags: Vec<f64> = levers
        .iter()
        .map(|l| l["elasticity"].as_f64().unwrap().abs())
        .collect();
    assert!(mags.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn leverage_with_another_top() {
    let out = fulcrum(&[
        "leverage",
        &sample("saas_revenue.ron"),
        "--top",
        "customers",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["top"], "customers");
    assert_eq!(json["value"], 516.0);
    let out = fulcrum(&["leverage", &sample("saas_revenue.ron"), "--top", "nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("nobody"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(fulcrum(&["rollup"]).status.code(), Some(2));
    assert_eq!(
        fulcrum(&["rollup", &sample("nrr.ron"), "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        fulcrum(&["check", "--bogus", "x.ron"]).status.code(),
        Some(2)
    );
}

/// Regression: a map that cannot be read (missing, a FIFO, a device) made `check`,
/// `rollup`, `leverage` and `fmt` exit 1, the code for a problem in the input; SPEC §6 says
/// 2 for trouble such as a file that cannot be read. Each is refused at once, naming it.
#[test]
fn an_unreadable_map_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut unreadable = vec!["/no/such/map.ron".to_owned(), "/dev/zero".to_owned()];
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe.ron");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        unreadable.push(fifo.to_str().unwrap().to_owned());
    }
    for path in &unreadable {
        for command in ["check", "rollup", "leverage", "fmt"] {
            let started = std::time::Instant::now();
            let out = fulcrum(&[command, path]);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{command} {path}: {}",
                text(&out)
            );
            assert!(
                text(&out).contains(path.as_str()),
                "{command} {path}: {}",
                text(&out)
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
        }
    }
    // A readable map with a problem in its text is still 1; `check` of it beside an
    // unreadable one is trouble, so 2.
    let bad = temp_file(
        dir.path(),
        "bad.ron",
        "Map(format: 1, nodes: [(id: \"a\")])",
    );
    let bad = bad.to_str().unwrap();
    for command in ["check", "rollup", "leverage", "fmt"] {
        assert_eq!(fulcrum(&[command, bad]).status.code(), Some(1), "{command}");
    }
    assert_eq!(
        fulcrum(&["check", bad, "/no/such/map.ron"]).status.code(),
        Some(2)
    );
}

#[test]
fn fmt_rewrites_to_canonical_form_and_check_reports() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(sample("nrr.ron")).unwrap();
    let path = temp_file(dir.path(), "nrr.ron", &original);
    let p = path.to_str().unwrap();
    // The hand-written sample is not in canonical layout: --check says so and changes nothing.
    let out = fulcrum(&["fmt", "--check", p]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    let out = fulcrum(&["fmt", p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert_ne!(formatted, original);
    assert_eq!(fulcrum(&["fmt", "--check", p]).status.code(), Some(0));
    // And the numbers are unchanged.
    let out = fulcrum(&["rollup", p, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((json["nodes"][0]["value"].as_f64().unwrap() - 1.07).abs() < 1e-12);
}

#[test]
fn a_newer_format_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let contents = "Map(format: 7, title: \"from the future\", nodes: [], hologram: true)\n";
    let path = temp_file(dir.path(), "future.ron", contents);
    for args in [vec!["check"], vec!["fmt"], vec!["rollup"]] {
        let mut args = args;
        args.push(path.to_str().unwrap());
        let out = fulcrum(&args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let t = text(&out);
        assert!(t.contains("format 7") && t.contains("up to 3"), "{t}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), contents);
}

#[test]
fn a_computed_metric_with_a_reported_value_shows_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        dir.path(),
        "reported.ron",
        r#"Map(format: 1, title: "t", nodes: [
    (id: "total", kind: Metric, title: "Total", formula: Sum, value: 10.5),
    (id: "a", parent: "total", kind: Metric, title: "A", value: 4.0),
    (id: "b", parent: "total", kind: Metric, title: "B", value: 6.0),
])"#,
    );
    let out = fulcrum(&["rollup", path.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["nodes"][0]["value"], 10.0);
    assert_eq!(json["nodes"][0]["reported"], 10.5);
    assert!(json["nodes"][1].get("reported").is_none());
    let out = fulcrum(&["rollup", path.to_str().unwrap(), "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.starts_with("id,title,value,status,reported,model_minus_reported,error"),
        "{csv}"
    );
    assert!(csv.contains("total,Total,10,,10.5,-0.5,"), "{csv}");
}

/// Regression: `fmt` silently replaced a read-only (0444) map. It now leaves it, says so and
/// exits 2 (trouble, not a problem in the map).
#[test]
fn fmt_refuses_a_read_only_map() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(sample("nrr.ron")).unwrap();
    let path = temp_file(dir.path(), "x.ron", &original);
    let mut readonly = std::fs::metadata(&path).unwrap().permissions();
    readonly.set_readonly(true);
    std::fs::set_permissions(&path, readonly).unwrap();
    let out = fulcrum(&["fmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("x.ron is read-only"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
}

/// A map whose titles would drive a terminal (set its title, clear the screen, colour it,
/// reverse the text) and a spreadsheet (formulas).
fn hostile_map(dir: &Path) -> PathBuf {
    let text = "Map(format: 1, title: \"t\", nodes: [\n\
        (id: \"top\", kind: Metric, title: \"\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mred\u{202e}txt\u{9b}\", formula: Sum),\n\
        (id: \"calc\", parent: \"top\", kind: Metric, title: \"=cmd|' /C calc'!A0\", value: -5.0),\n\
        (id: \"plus\", parent: \"top\", kind: Metric, title: \"+1+2\", value: 1.0),\n\
        (id: \"at\", parent: \"top\", kind: Metric, title: \"@SUM(A1)\", value: 2.0),\n\
        (id: \"tab\", parent: \"top\", kind: Metric, title: \"\tx\", value: 3.0),\n\
        (id: \"dash\", parent: \"top\", kind: Metric, title: \"-2+3\", value: 4.0),\n\
    ])\n";
    temp_file(dir, "hostile.ron", text)
}

/// Whether `s` holds a character that drives a terminal or reorders its text.
fn has_raw_control(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

/// Regression: titles with terminal control characters printed raw into `rollup` and
/// `leverage` tables (a title could retitle the terminal window, clear it, or reverse text).
#[test]
fn tables_escape_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_map(dir.path());
    let p = path.to_str().unwrap();
    for args in [["rollup", p], ["leverage", p]] {
        let out = fulcrum(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let t = text(&out);
        assert!(!has_raw_control(&t), "{t:?}");
        assert!(t.contains("\\u{1b}]0;pwned\\u{7}"), "{t}");
        // Table cells are cut at 48 characters; the leverage table's heading is whole.
        assert!(
            args[0] == "rollup" || t.contains("\\u{202e}txt\\u{9b}"),
            "{t}"
        );
    }
}

/// Regression: the same characters went raw into JSON (serde_json escapes only C0). They are
/// now `\uXXXX` escapes: still valid JSON, read back as the very same title.
#[test]
fn json_escapes_control_characters_and_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_map(dir.path());
    let out = fulcrum(&["rollup", path.to_str().unwrap(), "--format", "json"]);
    let t = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(!has_raw_control(&t), "{t:?}");
    assert!(
        t.contains("\\u001b") && t.contains("\\u202e") && t.contains("\\u009b"),
        "{t}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["nodes"][0]["title"],
        "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mred\u{202e}txt\u{9b}"
    );
}

/// Regression: CSV cells starting `=`, `+`, `-`, `@` or a tab went out as they were, so a
/// spreadsheet opening the export ran them as formulas (CSV injection). Text cells are now
/// prefixed with `'`; numbers, negative ones too, are left as numbers.
#[test]
fn csv_cells_cannot_be_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_map(dir.path());
    let out = fulcrum(&["rollup", path.to_str().unwrap(), "--format", "csv"]);
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(!has_raw_control(&t.replace('\t', "")), "{t:?}");
    let row = |id: &str| {
        t.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_owned()
    };
    assert!(
        row("calc").starts_with("calc,'=cmd|' /C calc'!A0,-5,"),
        "{t}"
    );
    assert!(row("plus").starts_with("plus,'+1+2,1,"), "{t}");
    assert!(row("at").starts_with("at,'@SUM(A1),2,"), "{t}");
    assert!(row("tab").starts_with("tab,'\tx,3,"), "{t}");
    assert!(row("dash").starts_with("dash,'-2+3,4,"), "{t}");
}

/// Regression: `check` echoed ids and titles raw (control characters included) and whole (a
/// 100 000-character id was printed whole, in several messages).
#[test]
fn check_messages_escape_controls_and_cut_long_ids() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(100_000);
    let text_of_map = format!(
        "Map(format: 1, nodes: [\n\
         (id: \"bad\u{1b}[2J\", kind: Metric),\n\
         (id: \"{long}\", kind: Metric),\n\
         (id: \"c\", parent: \"{long}\", kind: Metric, formula: Expr(\"{long} + 1\")),\n\
         ])\n"
    );
    let path = temp_file(dir.path(), "m.ron", &text_of_map);
    let out = fulcrum(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(!has_raw_control(&t), "{t:?}");
    assert!(t.contains("`bad\\u{1b}[2J`"), "{t}");
    assert!(t.len() < 2_000, "{} bytes: {}", t.len(), &t[..300]);
    assert!(
        t.contains(&format!("`{}… (100000 characters)`", "x".repeat(60))),
        "{t}"
    );
}

/// Regression: `fmt` dropped `//` and `/* */` comments without a word. It now leaves a file
/// with comments as it is and exits 1, saying how many would be lost; `--drop-comments`
/// rewrites it without them. `check` warns.
#[test]
fn fmt_keeps_a_file_with_comments_unless_told_to_drop_them() {
    let dir = tempfile::tempdir().unwrap();
    let original = "Map(format: 1, nodes: [\n    // the top metric\n    (id: \"a\", kind: Metric, value: 1.0), /* why */\n])\n";
    let path = temp_file(dir.path(), "c.ron", original);
    let p = path.to_str().unwrap();
    let out = fulcrum(&["check", p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains(
            "c.ron:2:5: warning: 2 comments will not be kept when this file is saved (the first on line 2)"
        ),
        "{}",
        text(&out)
    );
    let out = fulcrum(&["fmt", p]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("its 2 comments would be lost"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("--drop-comments"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    let out = fulcrum(&["fmt", "--drop-comments", p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert!(
        !formatted.contains("//") && !formatted.contains("/*"),
        "{formatted}"
    );
    assert_eq!(fulcrum(&["fmt", "--check", p]).status.code(), Some(0));
}

/// Regression: `diff` and `merge` reports printed titles raw (their tables) and through
/// serde_json alone (C1 controls and bidi overrides raw in JSON), so a map from someone else
/// could drive the terminal of whoever compared it.
#[test]
fn diff_and_merge_reports_escape_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let plain = "Map(format: 1, nodes: [(id: \"a\", kind: Metric, title: \"A\", value: 1.0)])";
    let hostile = plain.replace("\"A\"", "\"\u{1b}]0;pwned\u{7}\u{202e}x\u{9b}\"");
    let base = temp_file(dir.path(), "base.ron", plain);
    let ours = temp_file(dir.path(), "ours.ron", &hostile);
    let theirs = temp_file(dir.path(), "theirs.ron", &plain.replace("\"A\"", "\"B\""));
    let (base, ours, theirs) = (
        base.to_str().unwrap(),
        ours.to_str().unwrap(),
        theirs.to_str().unwrap(),
    );
    let out_path = dir.path().join("out.ron");
    let out_path = out_path.to_str().unwrap();
    for format in ["table", "json"] {
        let diff = fulcrum(&["diff", base, ours, "--format", format]);
        assert_eq!(diff.status.code(), Some(1), "{}", text(&diff));
        let merge = fulcrum(&[
            "merge", base, ours, theirs, "-o", out_path, "--format", format,
        ]);
        assert_eq!(merge.status.code(), Some(1), "{}", text(&merge));
        for out in [&diff, &merge] {
            let t = text(out);
            assert!(!has_raw_control(&t), "{format}: {t:?}");
            assert!(
                t.contains("1b") && t.contains("202e") && t.contains("9b"),
                "{t}"
            );
        }
        if format == "json" {
            let json: serde_json::Value = serde_json::from_slice(&diff.stdout).unwrap();
            assert!(json.to_string().contains("\\u001b]0;pwned"), "{json}");
            let changes = json["changes"].as_array().unwrap();
            assert!(
                changes
                    .iter()
                    .any(|c| c["new"] == "\u{1b}]0;pwned\u{7}\u{202e}x\u{9b}"),
                "{json}"
            );
        }
    }
}

/// A reader that stops early (`fulcrum leverage … | head`) closes the pipe: the command
/// neither panics nor says anything, and ends with its own exit code.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let map = fulcrum::model::synthetic::driver_tree(3_000, 5);
    let path = temp_file(dir.path(), "big.ron", &fulcrum::format::to_string(&map));
    let path = path.to_str().unwrap();
    for args in [
        vec!["leverage", path, "--format", "json"],
        vec!["rollup", path],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fulcrum"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Far more than a pipe holds is written; nobody reads it.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}
