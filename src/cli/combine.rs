//! `fulcrum combine A B… -o OUT [--accept all|none|KEEP=MERGE,…] [--threshold T]`: the trees
//! of every file side by side in OUT, the proposed merges listed, the accepted ones merged
//! (SPEC §6). The work is `edit::combine`'s, the same as File → Combine maps… in the app.
//!
//! Exit codes: 0 done; 2 a usage error (a threshold outside 0–1, an `--accept` that names
//! no node of the combined map or a pair that cannot merge) or trouble (a file that cannot
//! be read or does not load, OUT that cannot be written) — nothing is written then. JSON:
//! `{"proposals": [{"keep", "merge", "score", "reason", "group", "like", "kind",
//! "keep_map", "merge_map"}], "merged": [{"keep", "merge"}], "nodes": N}`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};

use super::ReportFormat;
use super::compare::{TROUBLE, load_maps, pretty};
use crate::edit::combine::{self, Origins, Proposal};
use crate::format;
use crate::model::{Map, NodeId};

/// What `--accept` asks for.
#[derive(Debug, PartialEq)]
enum Accept {
    All,
    None,
    Pairs(Vec<(NodeId, NodeId)>),
}

fn parse_accept(text: &str) -> Result<Accept, String> {
    match text.trim() {
        "all" => return Ok(Accept::All),
        "none" | "" => return Ok(Accept::None),
        _ => {}
    }
    let mut pairs = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((keep, merge)) = part.split_once('=') else {
            return Err(format!(
                "--accept: `{part}` is not KEEP=MERGE (or use `all` or `none`)"
            ));
        };
        let id = |s: &str| NodeId::new(s.trim()).map_err(|e| format!("--accept {part}: {e}"));
        pairs.push((id(keep)?, id(merge)?));
    }
    Ok(Accept::Pairs(pairs))
}

/// Each file's label: its name without the extension, made unique (`maya`, `maya 2`).
fn labels(files: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in files {
        let stem = f.file_stem().map_or_else(
            || f.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        out.push(combine::unique_label(&stem, &out));
    }
    out
}

/// Runs `fulcrum combine`.
pub(super) fn run(
    files: &[PathBuf],
    output: &Path,
    accept: &str,
    threshold: f64,
    format: ReportFormat,
) -> ExitCode {
    let usage = |message: String| {
        eprintln!("{}", super::output::terminal(&message));
        eprintln!("nothing was written to {}", super::shown(output));
        ExitCode::from(TROUBLE)
    };
    if !(0.0..=1.0).contains(&threshold) {
        return usage(format!(
            "--threshold must be between 0 and 1, found {threshold}"
        ));
    }
    let accept = match parse_accept(accept) {
        Ok(a) => a,
        Err(message) => return usage(message),
    };
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let maps = match load_maps(&paths) {
        Ok(maps) => maps,
        Err(message) => return usage(message),
    };
    let title = maps.first().map_or("", Map::title).to_owned();
    let sources: Vec<(String, Map)> = labels(files).into_iter().zip(maps).collect();
    let mut map = Map::new(title);
    let import = combine::import(&map, None, &sources);
    if let Err(err) = import.command.apply(&mut map) {
        return usage(format!("the maps could not be combined: {err}"));
    }
    let origins = import.origins;
    let proposals = combine::propose(&map, &origins, threshold, &HashSet::new());
    let report = proposals_json(&map, &origins, &proposals);
    let merged = match merge(&mut map, &origins, &proposals, accept) {
        Ok(merged) => merged,
        Err(message) => return usage(message),
    };
    if let Err(err) = format::save(&map, output) {
        eprintln!("{}", super::render(output, &err.problems()));
        return ExitCode::from(TROUBLE);
    }
    let merged_json: Vec<Value> = merged
        .iter()
        .map(|(k, m)| json!({"keep": k.as_str(), "merge": m.as_str()}))
        .collect();
    match format {
        ReportFormat::Json => {
            let body = json!({"proposals": report, "merged": merged_json, "nodes": map.len()});
            out!("{}", pretty(&body));
        }
        ReportFormat::Table => {
            let rows: Vec<Vec<String>> = report
                .iter()
                .map(|r| {
                    let cell = |k: &str| match &r[k] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let score = r["score"]
                        .as_f64()
                        .map_or(String::new(), |s| format!("{s:.2}"));
                    vec![
                        cell("group"),
                        cell("keep"),
                        cell("merge"),
                        score,
                        cell("reason"),
                    ]
                })
                .collect();
            if rows.is_empty() {
                outln!("no merges proposed at threshold {threshold}");
            } else {
                out!(
                    "{}",
                    super::output::render_cells(
                        &["group", "keep", "merge", "score", "reason"],
                        &rows,
                        super::OutputFormat::Table
                    )
                );
            }
            for (k, m) in &merged {
                outln!("merged {m} into {k}");
            }
            outln!(
                "wrote {} ({} nodes from {} maps)",
                super::shown(output),
                map.len(),
                files.len()
            );
        }
    }
    ExitCode::SUCCESS
}

/// Every pair of every group as a JSON row.
fn proposals_json(map: &Map, origins: &Origins, proposals: &[Proposal]) -> Vec<Value> {
    let mut rows = Vec::new();
    for (g, p) in proposals.iter().enumerate() {
        let kind = map.node(p.keep.as_str()).map_or("", |n| n.kind.name());
        for m in &p.merge {
            rows.push(json!({
                "keep": p.keep.as_str(),
                "merge": m.id.as_str(),
                // Two decimals: what a person compares; the order is by the full score.
                "score": (m.score * 100.0).round() / 100.0,
                "reason": m.reason,
                "group": g + 1,
                "like": m.like.as_str(),
                "kind": kind,
                "keep_map": origins.label(p.keep.as_str()),
                "merge_map": origins.label(m.id.as_str()),
            }));
        }
    }
    rows
}

/// Performs the accepted merges, returning each (kept, merged) pair done. A pair that names
/// a node already merged away is read as naming the node it went into.
fn merge(
    map: &mut Map,
    origins: &Origins,
    proposals: &[Proposal],
    accept: Accept,
) -> Result<Vec<(NodeId, NodeId)>, String> {
    let pairs: Vec<(NodeId, NodeId)> = match accept {
        Accept::None => return Ok(Vec::new()),
        Accept::All => proposals
            .iter()
            .flat_map(|p| p.merge.iter().map(|m| (p.keep.clone(), m.id.clone())))
            .collect(),
        Accept::Pairs(pairs) => pairs,
    };
    let mut went: HashMap<NodeId, NodeId> = HashMap::new();
    let follow = |id: &NodeId, went: &HashMap<NodeId, NodeId>| {
        let mut id = id.clone();
        // Each step goes to a node that was kept, so the chain is at most as long as the
        // merges done.
        for _ in 0..=went.len() {
            match went.get(&id) {
                Some(next) => id = next.clone(),
                None => break,
            }
        }
        id
    };
    let mut done = Vec::new();
    for (keep, merged) in pairs {
        let (k, m) = (follow(&keep, &went), follow(&merged, &went));
        if k == m && keep != merged {
            continue; // already one node
        }
        combine::merge_into(map, &k, std::slice::from_ref(&m), origins)
            .map_err(|e| format!("--accept {keep}={merged}: {e}"))?;
        went.insert(m.clone(), k.clone());
        done.push((k, m));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_reads_all_none_and_pairs() {
        assert_eq!(parse_accept("all"), Ok(Accept::All));
        assert_eq!(parse_accept("none"), Ok(Accept::None));
        let id = |s: &str| NodeId::new(s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            parse_accept("a=b, c=d"),
            Ok(Accept::Pairs(vec![(id("a"), id("b")), (id("c"), id("d"))]))
        );
        assert!(parse_accept("a").is_err_and(|e| e.contains("not KEEP=MERGE")));
        assert!(parse_accept("a=B C").is_err());
    }

    #[test]
    fn labels_are_file_names_made_unique() {
        let files = [
            PathBuf::from("x/maya.ron"),
            PathBuf::from("y/maya.ron"),
            PathBuf::from("leo.ron"),
        ];
        assert_eq!(labels(&files), ["maya", "maya 2", "leo"]);
    }
}
