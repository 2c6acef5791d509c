//! The weekly review on the command line, as a user runs it: `fulcrum values` (import a CSV
//! of values) and `fulcrum explain` (why the top moved) — exit codes, output shapes, and bad
//! input that must leave the map alone.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

fn fulcrum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs fulcrum, failing the test instead of hanging if it takes over 10 s.
fn fulcrum_within_10_s(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    panic!("fulcrum {args:?} hangs");
}

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn text(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

fn temp_file(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// A copy of a sample in a fresh folder.
fn copy_of(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(sample(name), &path).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

/// The field names of a JSON object, sorted.
fn keys(value: &serde_json::Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

// ---------------------------------------------------------------------------------------
// fulcrum values

const WEEK: &str = "id,period,value\n\
                    seat_expansion,2026-11,9400\n\
                    upgrades,2026-10,6100\n\
                    starting_mrr,2026-07,90000\n\
                    contraction,2026-10,3000\n";

#[test]
fn values_json_has_the_documented_shape_and_the_map_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let csv = temp_file(dir.path(), "week.csv", WEEK.as_bytes());
    let out = fulcrum(&["values", s(&map), s(&csv), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let j = json(&out);
    assert_eq!(
        keys(&j),
        ["added", "changed", "saved", "unchanged", "values"]
    );
    assert_eq!(j["saved"], true);
    let added = j["added"].as_array().unwrap();
    assert_eq!(added.len(), 2);
    assert_eq!(keys(&added[0]), ["id", "line", "period", "value"]);
    assert_eq!(added[0]["id"], "seat_expansion");
    assert_eq!(added[0]["period"], "2026-11");
    assert_eq!(added[0]["value"], 9400.0);
    assert_eq!(added[0]["line"], 2);
    assert_eq!(added[1]["id"], "starting_mrr");
    let changed = j["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(keys(&changed[0]), ["id", "line", "new", "old", "period"]);
    assert_eq!(changed[0]["id"], "upgrades");
    assert_eq!(changed[0]["old"], 6000.0);
    assert_eq!(changed[0]["new"], 6100.0);
    let unchanged = j["unchanged"].as_array().unwrap();
    assert_eq!(unchanged.len(), 1);
    assert_eq!(keys(&unchanged[0]), ["id", "line", "period", "value"]);
    assert_eq!(unchanged[0]["id"], "contraction");
    let current = j["values"].as_array().unwrap();
    assert_eq!(keys(&current[0]), ["id", "new", "old", "period"]);
    let ids: Vec<&str> = current.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["seat_expansion", "upgrades"]);
    assert_eq!(current[0]["old"], 9000.0);
    assert_eq!(current[0]["new"], 9400.0);
    assert_eq!(current[0]["period"], "2026-11");
    // The file holds it, and rolls up for the new period... of the inputs that have it.
    let saved = std::fs::read_to_string(&map).unwrap();
    assert!(saved.contains("\"2026-11\": 9400.0"), "{saved}");
    let out = fulcrum(&["check", s(&map)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn after_an_import_a_dry_run_of_the_same_file_shows_everything_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let csv = temp_file(dir.path(), "week.csv", WEEK.as_bytes());
    assert_eq!(
        fulcrum(&["values", s(&map), s(&csv)]).status.code(),
        Some(0)
    );
    let before = std::fs::read(&map).unwrap();
    let out = fulcrum(&["values", s(&map), s(&csv), "--dry-run", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let j = json(&out);
    assert_eq!(j["added"].as_array().unwrap().len(), 0);
    assert_eq!(j["changed"].as_array().unwrap().len(), 0);
    assert_eq!(j["values"].as_array().unwrap().len(), 0);
    assert_eq!(j["unchanged"].as_array().unwrap().len(), 4);
    assert_eq!(j["saved"], false);
    assert_eq!(std::fs::read(&map).unwrap(), before);
    // Without --dry-run too: nothing to change, nothing written.
    let out = fulcrum(&["values", s(&map), s(&csv)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("nothing changes"), "{}", text(&out));
    assert_eq!(std::fs::read(&map).unwrap(), before);
}

#[test]
fn values_table_and_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let before = std::fs::read(&map).unwrap();
    let csv = temp_file(dir.path(), "week.csv", WEEK.as_bytes());
    let out = fulcrum(&["values", s(&map), s(&csv), "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "{} into {}: 2 added, 1 changed, 1 unchanged; 2 current values change",
            csv.display(),
            map.display()
        )
    );
    assert_eq!(lines[2], "change   id              period   old   new");
    assert_eq!(lines[3], "added    seat_expansion  2026-11        9400");
    assert_eq!(lines[5], "changed  upgrades        2026-10  6000  6100");
    assert_eq!(lines[6], "value    seat_expansion  2026-11  9000  9400");
    assert_eq!(
        lines.last().copied(),
        Some(format!("dry run: {} not written", map.display()).as_str())
    );
    assert_eq!(std::fs::read(&map).unwrap(), before);
}

#[test]
fn bom_semicolons_and_crlf_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let csv = temp_file(
        dir.path(),
        "excel.csv",
        b"\xef\xbb\xbfID;Period;Value\r\nupgrades;2026-11;6150.5\r\nchurned_accounts;2026-11;21\r\n",
    );
    let out = fulcrum(&["values", s(&map), s(&csv), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let j = json(&out);
    assert_eq!(j["added"][0]["value"], 6150.5);
    assert_eq!(j["added"][1]["line"], 3);
    let out = fulcrum(&["rollup", s(&map), "--period", "2026-11", "--format", "json"]);
    let rows = json(&out);
    let accounts = rows["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "churned_accounts")
        .unwrap();
    assert_eq!(accounts["value"], 21.0);
}

#[test]
fn bad_rows_are_all_listed_and_the_map_is_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let before = std::fs::read(&map).unwrap();
    let csv = temp_file(
        dir.path(),
        "bad.csv",
        b"id;period;value\r\nupgrades;2026-11;6200\r\nchurn;2026-11;5\r\nchurned_accounts;2026-11;inf\r\ncontraction;2026-11;NaN\r\nstarting_mrr;2026-11;lots\r\nupgrades;2026-12\r\n",
    );
    let out = fulcrum(&["values", s(&map), s(&csv)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let name = csv.display().to_string();
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{name}:3: there is no node `churn` in the map (did you mean `churned`?)"),
            format!("{name}:4: `inf` is not a finite number"),
            format!("{name}:5: `NaN` is not a finite number"),
            format!("{name}:6: `lots` is not a number"),
            format!(
                "{name}:7: the row has 2 fields; the header has 3 (is a `;` missing, or one too many?)"
            ),
            format!(
                "5 problems: nothing imported; {} left as it was",
                map.display()
            ),
        ]
    );
    assert!(stdout(&out).is_empty());
    assert_eq!(std::fs::read(&map).unwrap(), before);
    // --dry-run reports the same.
    let out = fulcrum(&["values", s(&map), s(&csv), "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_missing_column_is_a_problem_on_line_1() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let before = std::fs::read(&map).unwrap();
    let csv = temp_file(dir.path(), "cols.csv", b"id,value\nupgrades,6200\n");
    let out = fulcrum(&["values", s(&map), s(&csv)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!(
            "{}:1: the header has no `period` column",
            csv.display()
        )),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&map).unwrap(), before);
}

#[test]
fn a_file_that_is_not_utf8_is_a_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let csv = temp_file(
        dir.path(),
        "latin1.csv",
        b"id,period,value\nupgr\xe9des,1,1\n",
    );
    let out = fulcrum(&["values", s(&map), s(&csv)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:2: the file is not UTF-8", csv.display())),
        "{}",
        text(&out)
    );
}

#[test]
fn files_that_cannot_be_read_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let csv = temp_file(dir.path(), "week.csv", WEEK.as_bytes());
    // A missing CSV, a missing map, a map that does not load.
    let out = fulcrum(&["values", s(&map), "/no/such/values.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("/no/such/values.csv: "),
        "{}",
        text(&out)
    );
    let out = fulcrum(&["values", "/no/such/map.ron", s(&csv)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/no/such/map.ron"), "{}", text(&out));
    let broken = temp_file(
        dir.path(),
        "broken.ron",
        b"Map(format: 1, title: \"t\", nodes: [(id: \"a\"",
    );
    let before = std::fs::read(&broken).unwrap();
    let out = fulcrum(&["values", s(&broken), s(&csv)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{}:1:", broken.display())),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&broken).unwrap(), before);
    // A usage error.
    let out = fulcrum(&["values", s(&map), s(&csv), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_fifo_a_device_or_a_huge_csv_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let map = copy_of(dir.path(), "nrr.ron");
    let before = std::fs::read(&map).unwrap();
    let fifo = dir.path().join("pipe.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let huge = dir.path().join("huge.csv");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(1 << 30).unwrap(); // sparse: 1 GiB of nothing on disk
    drop(file);
    for csv in [fifo.as_path(), Path::new("/dev/zero"), huge.as_path()] {
        let out = fulcrum_within_10_s(&["values", s(&map), s(csv)]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(stderr(&out).starts_with(&format!("{}: ", csv.display())));
    }
    let out = fulcrum_within_10_s(&["values", s(&map), s(&huge)]);
    assert!(stderr(&out).contains("1073741824 bytes"), "{}", text(&out));
    assert_eq!(std::fs::read(&map).unwrap(), before);
}

// ---------------------------------------------------------------------------------------
// fulcrum explain

#[test]
fn explain_json_has_the_documented_shape() {
    let out = fulcrum(&[
        "explain",
        &sample("nrr.ron"),
        "--from",
        "2026-09",
        "--to",
        "2026-10",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let j = json(&out);
    assert_eq!(
        keys(&j),
        [
            "change",
            "contributions",
            "from",
            "residual",
            "to",
            "top",
            "value_from",
            "value_to"
        ]
    );
    assert_eq!(j["top"], "nrr");
    assert_eq!(j["from"], "2026-09");
    assert_eq!(j["to"], "2026-10");
    let (from, to) = (
        j["value_from"].as_f64().unwrap(),
        j["value_to"].as_f64().unwrap(),
    );
    assert!((to - 1.07).abs() < 1e-15);
    assert!((j["change"].as_f64().unwrap() - (to - from)).abs() < 1e-15);
    let residual = j["residual"].as_f64().unwrap();
    assert!(residual.abs() < 1e-9 * (to - from).abs(), "{residual}");
    let rows = j["contributions"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    for row in rows {
        assert_eq!(
            keys(row),
            ["contribution", "from", "id", "input", "title", "to"]
        );
    }
    let seats = rows.iter().find(|r| r["id"] == "seat_expansion").unwrap();
    assert_eq!(seats["title"], "Seat expansion MRR");
    assert_eq!(seats["from"], 8200.0);
    assert_eq!(seats["to"], 9000.0);
    assert_eq!(seats["input"], true);
    // 800 · ∫ dt / s(t) with s: 96000 → 100000.
    let want = 800.0 * (100_000.0f64 / 96_000.0).ln() / 4000.0;
    assert!((seats["contribution"].as_f64().unwrap() - want).abs() < 1e-15);
    let expansion = rows.iter().find(|r| r["id"] == "expansion").unwrap();
    assert_eq!(expansion["input"], false);
    let inputs: f64 = rows
        .iter()
        .filter(|r| r["input"] == true)
        .map(|r| r["contribution"].as_f64().unwrap())
        .sum();
    assert!((inputs + residual - (to - from)).abs() < 1e-15);
    let mags: Vec<f64> = rows
        .iter()
        .map(|r| r["contribution"].as_f64().unwrap().abs())
        .collect();
    assert!(mags.windows(2).all(|w| w[0] >= w[1]), "{mags:?}");
}

#[test]
fn explain_defaults_to_the_newest_two_periods_and_prints_a_table() {
    let out = fulcrum(&["explain", &sample("nrr.ron")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with(
            "top: nrr (Net revenue retention), 2026-09 → 2026-10: 1.055885417 → 1.07, change \
             0.01411458333 (residual "
        ),
        "{table}"
    );
    assert_eq!(
        lines[2],
        "id                title                    from   to      contribution     input"
    );
    assert!(
        lines[3]
            .starts_with("expansion         Expansion MRR            14000  15000   0.0102054986"),
        "{table}"
    );
    assert_eq!(lines.len(), 3 + 8);
    // --to alone: from the period before it.
    let out = fulcrum(&["explain", &sample("nrr.ron"), "--to", "2026-09"]);
    assert!(stdout(&out).contains("2026-08 → 2026-09"), "{}", text(&out));
}

#[test]
fn explain_csv_carries_every_digit() {
    let out = fulcrum(&[
        "explain",
        &sample("nrr.ron"),
        "--from",
        "2026-08",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,title,from,to,contribution,input"));
    let seats = csv
        .lines()
        .find(|l| l.starts_with("seat_expansion,"))
        .unwrap();
    let fields: Vec<&str> = seats.split(',').collect();
    assert_eq!(
        fields[..4],
        ["seat_expansion", "Seat expansion MRR", "7000", "9000"]
    );
    assert_eq!(fields[5], "yes");
    let want = 2000.0 * (100_000.0f64 / 93_000.0).ln() / 7000.0;
    assert!(
        (fields[4].parse::<f64>().unwrap() - want).abs() < 1e-15,
        "{seats}"
    );
}

#[test]
fn explain_a_scenario_against_the_actuals() {
    let out = fulcrum(&[
        "explain",
        &sample("nrr.ron"),
        "--scenario",
        "Save desk",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let j = json(&out);
    assert_eq!(j["from"], "actuals");
    assert_eq!(j["to"], "scenario Save desk");
    // churned_accounts and churned (which it flows through) share the top two places.
    let by_id = |j: &serde_json::Value, id: &str| {
        j["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    let first = &by_id(&j, "churned_accounts");
    assert_eq!(
        (first["from"].as_f64(), first["to"].as_f64()),
        (Some(25.0), Some(15.0))
    );
    assert!((first["contribution"].as_f64().unwrap() - 0.02).abs() < 1e-12);
    // In a period.
    let out = fulcrum(&[
        "explain",
        &sample("nrr.ron"),
        "--scenario",
        "Save desk",
        "--period",
        "2026-09",
        "--format",
        "json",
    ]);
    let j = json(&out);
    assert_eq!(j["from"], "2026-09");
    assert_eq!(j["to"], "scenario Save desk in 2026-09");
    let want = 12.0 * 205.0 / 96_000.0;
    let accounts = by_id(&j, "churned_accounts");
    assert!((accounts["contribution"].as_f64().unwrap() - want).abs() < 1e-12);
}

#[test]
fn explain_problems_exit_1_and_unreadable_maps_exit_2() {
    let nrr = sample("nrr.ron");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--from", "2026-07", "--to", "2026-10"],
            "no period `2026-07`",
        ),
        (&["--scenario", "Nope"], "no scenario named \"Nope\""),
        (&["--top", "nobody"], "`nobody` is not a metric"),
        (&["--to", "2026-08"], "no period before 2026-08"),
        (
            &[
                "--top",
                "seat_expansion",
                "--from",
                "2026-08",
                "--to",
                "2026-10",
            ],
            "",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["explain", nrr.as_str()];
        all.extend_from_slice(args);
        let out = fulcrum(&all);
        if message.is_empty() {
            // An input as the top: nothing under it explains its change.
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(
            stderr(&out).starts_with(&format!("{nrr}: ")),
            "{}",
            text(&out)
        );
        assert!(stderr(&out).contains(message), "{args:?}: {}", text(&out));
    }
    // An input without a value in one of the periods is named.
    let dir = tempfile::tempdir().unwrap();
    let gap = temp_file(
        dir.path(),
        "gap.ron",
        br#"Map(format: 1, title: "t", nodes: [
    (id: "r", kind: Metric, title: "R", formula: Sum),
    (id: "a", parent: "r", kind: Metric, title: "A", history: {"2026-09": 1.0, "2026-10": 2.0}),
    (id: "b", parent: "r", kind: Metric, title: "B", history: {"2026-10": 2.0}),
])"#,
    );
    let out = fulcrum(&["explain", s(&gap)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no value for 2026-09: `b`"),
        "{}",
        text(&out)
    );
    // Usage errors and unreadable maps.
    let out = fulcrum(&[
        "explain",
        &nrr,
        "--from",
        "2026-09",
        "--scenario",
        "Save desk",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = fulcrum(&["explain", &nrr, "--period", "2026-09"]);
    assert_eq!(out.status.code(), Some(2));
    let out = fulcrum(&["explain", &nrr, "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = fulcrum(&["explain", "/no/such/map.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/no/such/map.ron"));
}
