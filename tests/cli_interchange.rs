#![allow(clippy::unwrap_used)]
//! `fulcrum export` to the text formats and `fulcrum import` of outlines, as a user runs
//! them: files written, exit codes as SPEC §6 says, messages naming their place.

use std::path::Path;
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

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn export_writes_each_text_format() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["md", "mmd", "opml", "csv"] {
        let out = dir.path().join(format!("workshop.{ext}"));
        let run = fulcrum(&["export", &sample("workshop.ron"), "-o", p(&out)]);
        assert_eq!(code(&run), 0, "{ext}: {}", stderr(&run));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("Net revenue retention"), "{ext}");
    }
    // Options: a subtree, a scenario, a period, any theme.
    let out = dir.path().join("sub.csv");
    let run = fulcrum(&[
        "export",
        &sample("workshop.ron"),
        "-o",
        p(&out),
        "--root",
        "churned",
        "--scenario",
        "Save desk",
        "--theme",
        "projector",
    ]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let run = fulcrum(&[
        "export",
        &sample("saas_revenue.ron"),
        "-o",
        p(&out),
        "--period",
        "2026-09",
    ]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
}

#[test]
fn export_errors_have_their_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.docx");
    let run = fulcrum(&["export", &sample("nrr.ron"), "-o", p(&out)]);
    assert_eq!(code(&run), 2);
    assert!(stderr(&run).contains(".docx"), "{}", stderr(&run));
    assert!(!out.exists());

    let out = dir.path().join("x.md");
    let run = fulcrum(&[
        "export",
        &sample("nrr.ron"),
        "-o",
        p(&out),
        "--root",
        "nope",
    ]);
    assert_eq!(code(&run), 2);
    assert!(stderr(&run).contains("nope"));
    let run = fulcrum(&[
        "export",
        &sample("nrr.ron"),
        "-o",
        p(&out),
        "--scenario",
        "Nope",
    ]);
    assert_eq!(code(&run), 2);
    let run = fulcrum(&[
        "export",
        &sample("nrr.ron"),
        "-o",
        p(&out),
        "--period",
        "1999",
    ]);
    assert_eq!(code(&run), 2);
    let run = fulcrum(&["export", "/no/such/map.ron", "-o", p(&out)]);
    assert_eq!(code(&run), 2);
    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "Map(format: 1, nodes: [").unwrap();
    let run = fulcrum(&["export", p(&broken), "-o", p(&out)]);
    assert_eq!(code(&run), 1);
    assert!(stderr(&run).contains("broken.ron:"), "{}", stderr(&run));
    assert!(!out.exists());
    let run = fulcrum(&[
        "export",
        &sample("nrr.ron"),
        "-o",
        p(&out),
        "--theme",
        "neon",
    ]);
    assert_eq!(code(&run), 2);
}

#[test]
fn mermaid_limits_warn_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("wide.ron");
    fulcrum::format::save(&fulcrum::model::synthetic::wide(700), &map).unwrap();
    let out = dir.path().join("wide.mmd");
    let run = fulcrum(&["export", p(&map), "-o", p(&out)]);
    assert_eq!(code(&run), 0);
    assert!(
        stderr(&run).contains("warning: the diagram has"),
        "{}",
        stderr(&run)
    );
    assert!(out.exists());
}

#[test]
fn import_round_trips_fulcrum_opml_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let opml = dir.path().join("w.opml");
    let run = fulcrum(&["export", &sample("workshop.ron"), "-o", p(&opml)]);
    assert_eq!(code(&run), 0);
    let map = dir.path().join("w.ron");
    let run = fulcrum(&["import", p(&opml), "-o", p(&map)]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    // The same map: the canonical text of the sample, byte for byte.
    let original = fulcrum::format::load(Path::new(&sample("workshop.ron"))).unwrap();
    assert_eq!(
        std::fs::read_to_string(&map).unwrap(),
        fulcrum::format::to_string(&original.map)
    );
    // An existing map is not replaced without --force.
    let run = fulcrum(&["import", p(&opml), "-o", p(&map)]);
    assert_eq!(code(&run), 2);
    assert!(stderr(&run).contains("--force"));
    let run = fulcrum(&["import", p(&opml), "-o", p(&map), "--force"]);
    assert_eq!(code(&run), 0);
    // Not a .ron output.
    let run = fulcrum(&["import", p(&opml), "-o", p(&dir.path().join("x.txt"))]);
    assert_eq!(code(&run), 2);
}

#[test]
fn import_of_markdown_checks_clean_and_bad_outlines_name_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("notes.md");
    std::fs::write(
        &md,
        "- Grow usage\n  - Onboarding is slow\n    - Invite link\n",
    )
    .unwrap();
    let map = dir.path().join("notes.ron");
    let run = fulcrum(&["import", p(&md), "-o", p(&map), "--kinds", "ost"]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let check = fulcrum(&["check", p(&map)]);
    assert_eq!(
        code(&check),
        0,
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let text = std::fs::read_to_string(&map).unwrap();
    assert!(
        text.contains("kind: Outcome") && text.contains("id: \"invite_link\""),
        "{text}"
    );

    let bad = dir.path().join("bad.opml");
    std::fs::write(
        &bad,
        "<opml><body>\n<outline text=\"&bomb;\"/></body></opml>",
    )
    .unwrap();
    let out = dir.path().join("bad.ron");
    let run = fulcrum(&["import", p(&bad), "-o", p(&out)]);
    assert_eq!(code(&run), 1);
    assert!(stderr(&run).contains("bad.opml:2:"), "{}", stderr(&run));
    assert!(!out.exists());

    let run = fulcrum(&["import", "/no/such.opml", "-o", p(&out)]);
    assert_eq!(code(&run), 2);
    let run = fulcrum(&["import", p(&map), "-o", p(&out)]);
    assert_eq!(code(&run), 2, "a .ron is not an outline");
}
