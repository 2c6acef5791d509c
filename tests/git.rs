//! Fulcrum inside real git: after `fulcrum git-setup`, `git merge` merges maps by field
//! through the merge driver, a field changed two ways stops with a conflict that
//! `fulcrum check` names with its line, and `git diff` shows Fulcrum's one-line-per-field
//! text. Each test runs the `git` binary in a fresh repository with its own (empty) global
//! config; without `git` on the PATH they say so and pass (`.ci/run` installs it).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FULCRUM: &str = env!("CARGO_BIN_EXE_fulcrum");

fn have_git() -> bool {
    let found = Command::new("git").arg("--version").output().is_ok();
    if !found {
        eprintln!("skipping: no `git` binary on the PATH (.ci/run installs one)");
    }
    found
}

/// A repository in a temp folder, with git's global and system config kept out.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("work")).unwrap();
        std::fs::write(dir.path().join("gitconfig"), "").unwrap();
        let repo = Repo { dir };
        repo.ok_git(&["init", "-q", "-b", "main"]);
        repo.ok_git(&["config", "user.name", "Test"]);
        repo.ok_git(&["config", "user.email", "test@example.com"]);
        repo.ok_git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn env(&self, command: &mut Command) {
        let home = self.dir.path();
        command
            .current_dir(self.path())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg"))
            .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_PAGER", "cat")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE");
    }

    fn git(&self, args: &[&str]) -> Output {
        let mut command = Command::new("git");
        command.args(args);
        self.env(&mut command);
        command.output().unwrap()
    }

    fn ok_git(&self, args: &[&str]) -> String {
        let out = self.git(args);
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn fulcrum(&self, args: &[&str]) -> Output {
        let mut command = Command::new(FULCRUM);
        command.args(args);
        self.env(&mut command);
        command.output().unwrap()
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap()
    }

    fn commit(&self, message: &str) {
        self.ok_git(&["add", "-A"]);
        self.ok_git(&["commit", "-q", "-m", message]);
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The NRR sample in canonical form (as Fulcrum saves it).
fn nrr() -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/nrr.ron"))
            .unwrap();
    fulcrum::format::to_string(&fulcrum::format::parse_str(&text).unwrap().map)
}

/// Expansion MRR's `target` and `owner` lines, next to each other in the canonical file,
/// so a line merge could not take both edits.
const TARGET: &str =
    "            target: 20000.0,\n            owner: \"Head of Account Management\",\n";

fn edited(target: &str, owner: &str) -> String {
    let text = nrr();
    assert!(text.contains(TARGET));
    text.replacen(
        TARGET,
        &format!("            target: {target},\n            owner: \"{owner}\",\n"),
        1,
    )
}

/// A repository set up by `fulcrum git-setup` with `nrr.ron` committed on `main` and a
/// branch `other` made from it.
fn set_up() -> Repo {
    let repo = Repo::new();
    let out = repo.fulcrum(&["git-setup"]);
    assert!(out.status.success(), "{}", text(&out));
    repo.write("nrr.ron", &nrr());
    repo.commit("NRR tree");
    repo.ok_git(&["branch", "other"]);
    repo
}

#[test]
fn git_setup_writes_the_attributes_once_and_the_config() {
    if !have_git() {
        return;
    }
    let repo = Repo::new();
    for _ in 0..2 {
        let out = repo.fulcrum(&["git-setup"]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let attributes = repo.read(".gitattributes");
    assert_eq!(attributes, "*.ron merge=fulcrum diff=fulcrum\n");
    let driver = repo.ok_git(&["config", "--local", "merge.fulcrum.driver"]);
    assert_eq!(
        driver.trim(),
        format!("'{FULCRUM}' merge-driver %O %A %B %P")
    );
    let textconv = repo.ok_git(&["config", "--local", "diff.fulcrum.textconv"]);
    assert_eq!(textconv.trim(), format!("'{FULCRUM}' textconv"));
    assert!(
        !repo
            .ok_git(&["config", "--local", "merge.fulcrum.name"])
            .trim()
            .is_empty()
    );
    // An existing attributes file keeps its lines.
    repo.write(".gitattributes", "*.png binary");
    assert!(repo.fulcrum(&["git-setup"]).status.success());
    assert_eq!(
        repo.read(".gitattributes"),
        "*.png binary\n*.ron merge=fulcrum diff=fulcrum\n"
    );
}

#[test]
fn git_setup_global_writes_the_global_attributes_and_config() {
    if !have_git() {
        return;
    }
    let repo = Repo::new();
    for _ in 0..2 {
        let out = repo.fulcrum(&["git-setup", "--global"]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let attributes = repo.dir.path().join("xdg/git/attributes");
    assert_eq!(
        std::fs::read_to_string(attributes).unwrap(),
        "*.ron merge=fulcrum diff=fulcrum\n"
    );
    let driver = repo.ok_git(&["config", "--global", "merge.fulcrum.driver"]);
    assert_eq!(
        driver.trim(),
        format!("'{FULCRUM}' merge-driver %O %A %B %P")
    );
    assert!(!repo.path().join(".gitattributes").exists());
}

#[test]
fn edits_of_two_fields_of_one_node_merge_cleanly_through_git() {
    if !have_git() {
        return;
    }
    let repo = set_up();
    repo.write("nrr.ron", &edited("21000.0", "Head of Account Management"));
    repo.commit("Raise the expansion target");
    repo.ok_git(&["checkout", "-q", "other"]);
    repo.write("nrr.ron", &edited("20000.0", "Account Management lead"));
    repo.commit("New owner for expansion");
    let out = repo.git(&["merge", "--no-edit", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    let merged = repo.read("nrr.ron");
    assert_eq!(merged, edited("21000.0", "Account Management lead"));
    let out = repo.fulcrum(&["check", "nrr.ron"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = repo.fulcrum(&["rollup", "nrr.ron", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out));
    let rollup: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rollup["nodes"][0]["id"], "nrr");
    assert!((rollup["nodes"][0]["value"].as_f64().unwrap() - 1.07).abs() < 1e-12);
}

#[test]
fn one_field_changed_two_ways_stops_with_a_conflict_check_names() {
    if !have_git() {
        return;
    }
    let repo = set_up();
    repo.write("nrr.ron", &edited("21000.0", "Head of Account Management"));
    repo.commit("Expansion target 21k");
    repo.ok_git(&["checkout", "-q", "other"]);
    repo.write("nrr.ron", &edited("25000.0", "Head of Account Management"));
    repo.commit("Expansion target 25k");
    let out = repo.git(&["merge", "--no-edit", "main"]);
    assert!(
        !out.status.success(),
        "the merge should stop: {}",
        text(&out)
    );
    let merged = repo.read("nrr.ron");
    let line = merged
        .lines()
        .position(|l| l == "<<<<<<< ours")
        .unwrap_or_else(|| panic!("no markers in\n{merged}"))
        + 1;
    let out = repo.fulcrum(&["check", "nrr.ron"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!(
            "nrr.ron:{line}:1: merge conflict in expansion.target: ours 25000.0, theirs 21000.0"
        )
    );
    // Taking theirs between the markers, by hand, gives a clean file to commit.
    let resolved = fulcrum::format::resolve_conflicts(&merged, |_| fulcrum::format::Pick::Theirs);
    repo.write("nrr.ron", &resolved);
    assert!(repo.fulcrum(&["check", "nrr.ron"]).status.success());
    repo.commit("Merge main: 21k");
}

#[test]
fn git_diff_shows_fulcrum_lines() {
    if !have_git() {
        return;
    }
    let repo = set_up();
    repo.write("nrr.ron", &edited("21000.0", "Head of Account Management"));
    let diff = repo.ok_git(&["diff", "--no-color"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(
        changed,
        ["-expansion.target: 20000.0", "+expansion.target: 21000.0"],
        "{diff}"
    );
}
