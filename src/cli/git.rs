//! Fulcrum inside git: `merge-driver` (git's merge-driver calling convention), `git-setup`
//! (the attributes line and the config that route `*.ron` through Fulcrum) and the hidden
//! `textconv` (the text `git diff` compares: one line per field, so a diff reads as
//! Fulcrum-level changes).
//!
//! `git-setup` runs the `git` binary for the config, so it writes exactly where git reads;
//! nothing else here runs git.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};

use super::ReportFormat;
use super::compare::{TROUBLE, conflicts_report, link_id, load_versions};
use crate::format::{self, number_text, string_text, value_text};
use crate::model::{Field, Map};

/// The line `git-setup` writes to `.gitattributes`.
pub const ATTRIBUTES_LINE: &str = "*.ron merge=fulcrum diff=fulcrum";

/// `fulcrum merge-driver %O %A %B %P`: merges into `%A`; exit 0 clean, 1 with conflicts
/// left in `%A` between markers, 2 when a version does not load (then `%A` is untouched).
pub(super) fn merge_driver(base: &Path, ours: &Path, theirs: &Path, name: &str) -> ExitCode {
    let maps = match load_versions(&[base, ours, theirs], true) {
        Ok(maps) => maps,
        Err(message) => {
            eprintln!(
                "fulcrum merge-driver: cannot merge {name}: a version does not load; it is \
                 left as ours, unmerged\n{message}"
            );
            return ExitCode::from(TROUBLE);
        }
    };
    let merged = crate::edit::merge(&maps[0], &maps[1], &maps[2]);
    let text = format::merged_to_string(&merged);
    if let Err(err) = format::save_text(&text, ours) {
        eprintln!("fulcrum merge-driver: {name}: {err}");
        return ExitCode::from(TROUBLE);
    }
    if merged.is_clean() {
        return ExitCode::SUCCESS;
    }
    eprint!(
        "fulcrum: {name}: {} conflict{}, left between markers (`fulcrum check {name}` lists \
         them)\n{}",
        merged.conflicts.len(),
        if merged.conflicts.len() == 1 { "" } else { "s" },
        conflicts_report(&merged.conflicts, ReportFormat::Table)
    );
    ExitCode::from(1)
}

/// A path quoted for the shell git runs drivers through.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// Runs `git` with `args` in the current folder; its trimmed stdout, or why not.
fn git(args: &[&str]) -> Result<String, String> {
    let out = Process::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git ({e}); is git installed?"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The attributes file git-setup writes: the repository's `.gitattributes`, or with
/// `global` the one git reads for every repository (`core.attributesFile`, else
/// `$XDG_CONFIG_HOME/git/attributes`, else `~/.config/git/attributes`).
fn attributes_file(global: bool) -> Result<PathBuf, String> {
    if !global {
        let top = git(&["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("not in a git repository ({e}); use --global for all"))?;
        return Ok(PathBuf::from(top).join(".gitattributes"));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if let Ok(configured) = git(&["config", "--global", "--get", "core.attributesFile"])
        && !configured.is_empty()
    {
        return Ok(match (configured.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(configured),
        });
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".config")))
        .ok_or("neither XDG_CONFIG_HOME nor HOME is set")?;
    Ok(config.join("git").join("attributes"))
}

/// Adds [`ATTRIBUTES_LINE`] to the file unless it holds it already. Whether it was added.
fn add_attributes_line(path: &Path) -> Result<bool, String> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    if current.lines().any(|l| l.trim() == ATTRIBUTES_LINE) {
        return Ok(false);
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(ATTRIBUTES_LINE);
    text.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

/// `fulcrum git-setup [--global]`: exit 0 done, 2 when git or a file refuses.
pub(super) fn git_setup(global: bool) -> ExitCode {
    match setup(global) {
        Ok(report) => {
            out!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("fulcrum git-setup: {message}");
            ExitCode::from(TROUBLE)
        }
    }
}

fn setup(global: bool) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let exe = shell_quote(&exe);
    let attributes = attributes_file(global)?;
    let added = add_attributes_line(&attributes)?;
    let scope = if global { "--global" } else { "--local" };
    let settings = [
        (
            "merge.fulcrum.name",
            "Fulcrum three-way merge of maps".to_owned(),
        ),
        (
            "merge.fulcrum.driver",
            format!("{exe} merge-driver %O %A %B %P"),
        ),
        ("diff.fulcrum.textconv", format!("{exe} textconv")),
    ];
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{}: {ATTRIBUTES_LINE}{}",
        attributes.display(),
        if added { "" } else { " (already there)" }
    );
    for (key, value) in &settings {
        git(&["config", scope, key, value])?;
        let _ = writeln!(report, "git config {scope} {key} {value}");
    }
    Ok(report)
}

/// `fulcrum textconv FILE`: the map as one line per field for `git diff`; a file that does
/// not load (conflict markers, a newer format, broken text) is printed as it is.
pub(super) fn textconv(path: &Path) -> ExitCode {
    if let Ok(loaded) = format::load(path) {
        out!("{}", flat_text(&loaded.map));
        return ExitCode::SUCCESS;
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            out!("{}", String::from_utf8_lossy(&bytes));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::from(TROUBLE)
        }
    }
}

/// A map as stable text with one line per field, each naming its node (`nrr.target: 1.1`),
/// nodes in file order with a blank line between them, one line per history entry, link
/// and scenario override — so a line diff of two of them reads as `fulcrum diff` does.
pub fn flat_text(map: &Map) -> String {
    let mut out = String::with_capacity(64 + map.len() * 160);
    let _ = writeln!(out, "title: {}", string_text(map.title()));
    for (id, node) in map.iter() {
        out.push('\n');
        match map.parent(id.as_str()) {
            Some(p) => {
                let _ = writeln!(out, "{id}.parent: {p}");
            }
            None => {
                let _ = writeln!(out, "{id}.parent: (root)");
            }
        }
        for f in Field::ALL {
            if !f.is_written(node) {
                continue;
            }
            match f {
                Field::History => {
                    for (period, v) in &node.history {
                        let _ = writeln!(
                            out,
                            "{id}.history[{}]: {}",
                            string_text(period),
                            number_text(*v)
                        );
                    }
                }
                Field::Evidence => {
                    for (i, e) in node.evidence.iter().enumerate() {
                        let one = crate::model::FieldValue::Evidence(std::borrow::Cow::Borrowed(
                            std::slice::from_ref(e),
                        ));
                        let text = value_text(&one);
                        let inner = text.trim_start_matches('[').trim_end_matches(']');
                        let _ = writeln!(out, "{id}.evidence[{i}]: {inner}");
                    }
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "{id}.{}: {}",
                        f.name_for(node),
                        value_text(&f.get(node))
                    );
                }
            }
        }
    }
    let links = map.links();
    if !links.is_empty() {
        out.push('\n');
        for link in &links {
            let _ = writeln!(out, "link {}", link_id(link));
        }
    }
    for s in map.scenarios() {
        out.push('\n');
        let _ = writeln!(out, "scenario {}", string_text(&s.name));
        for (id, v) in &s.overrides {
            let _ = writeln!(
                out,
                "scenario {} override {id}: {}",
                string_text(&s.name),
                number_text(*v)
            );
        }
    }
    for p in map.presentations() {
        out.push('\n');
        let name = string_text(&p.name);
        let _ = writeln!(out, "presentation {name}");
        for (k, step) in p.steps.iter().enumerate() {
            let mut line = format!("presentation {name} step {}: {}", k + 1, step.node);
            if let Some(s) = &step.scenario {
                let _ = write!(line, ", scenario {}", string_text(s));
            }
            if let Some(period) = &step.period {
                let _ = write!(line, ", period {}", string_text(period));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    out
}
