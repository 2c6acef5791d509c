//! `fulcrum export` (text formats: `.md`, `.mmd`, `.opml`, `.csv`) and `fulcrum import`
//! (`.md`, `.opml` outlines into a map), over [`crate::interchange`].
//!
//! Exit codes as everywhere: 0 fine (warnings on stderr keep 0), 1 a problem in the input (a
//! map that does not load, an outline with problems), 2 a usage error or trouble (an
//! extension Fulcrum does not write or read, a --root, --scenario or --period that names
//! nothing in the map, a file that cannot be read or written, an existing map `import` would
//! replace without `--force`) — the same codes as the picture formats.

use std::path::Path;
use std::process::ExitCode;

use crate::format::{self, FormatError};
use crate::interchange::{self, ExportOptions, ImportError, ImportOptions, KindRule, TextWriter};

/// Kinds for outline nodes the file does not give one (`--kinds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Kinds {
    /// By depth along the opportunity solution tree: Outcome, Opportunity, Solution,
    /// Assumption, Test, then Note.
    #[default]
    Ost,
    /// Every node a Note.
    Note,
    /// Every node a Metric.
    Metric,
}

/// The text writers by extension; `None` for an extension no writer here handles.
pub fn text_writer(ext: &str) -> Option<TextWriter> {
    Some(match ext {
        "md" | "markdown" => interchange::to_markdown,
        "mmd" | "mermaid" => interchange::to_mermaid,
        "opml" => interchange::to_opml,
        "csv" => interchange::to_csv,
        _ => return None,
    })
}

/// The lowercase extension of a path ("" without one).
pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// `fulcrum export FILE -o OUT`: writes OUT atomically in the format its extension names.
pub fn export(file: &Path, output: &Path, options: &ExportOptions) -> ExitCode {
    let ext = extension(output);
    let Some(writer) = text_writer(&ext) else {
        eprintln!(
            "{}: cannot export to .{ext}: the output must end in .md, .mmd, .opml or .csv",
            output.display()
        );
        return ExitCode::from(2);
    };
    let map = match format::load(file) {
        Ok(loaded) => loaded.map,
        Err(err) => {
            eprintln!("{}", super::render(file, &err.problems()));
            return ExitCode::from(if err.is_trouble() { 2 } else { 1 });
        }
    };
    let exported = match writer(&map, options) {
        Ok(exported) => exported,
        Err(err) => {
            // A --root, --scenario or --period that names nothing in the map: a usage error.
            eprintln!("{}: {err}", file.display());
            return ExitCode::from(2);
        }
    };
    for warning in &exported.warnings {
        eprintln!("{}: warning: {warning}", output.display());
    }
    if let Err(err) = format::save_text(&exported.text, output) {
        eprintln!("{}", super::render(output, &err.problems()));
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// `fulcrum import FILE -o MAP`: reads an outline and saves it as a new map (atomically).
pub fn import(file: &Path, output: &Path, kinds: Kinds, force: bool) -> ExitCode {
    if extension(output) != "ron" {
        eprintln!(
            "{}: a map is a .ron file; name the output MAP.ron",
            output.display()
        );
        return ExitCode::from(2);
    }
    if output.exists() {
        if !force {
            eprintln!(
                "{}: already exists; pass --force to replace it",
                output.display()
            );
            return ExitCode::from(2);
        }
        // A map from a newer Fulcrum is never overwritten.
        if let Err(err @ FormatError::NewerFormat { .. }) = format::load(output) {
            eprintln!("{}: {err}; not replaced", output.display());
            return ExitCode::from(2);
        }
    }
    let options = ImportOptions {
        kinds: match kinds {
            Kinds::Ost => KindRule::Ost,
            Kinds::Note => KindRule::Note,
            Kinds::Metric => KindRule::Metric,
        },
        fallback_title: file.file_stem().map(|s| s.to_string_lossy().into_owned()),
    };
    let map = match interchange::import::import_file(file, &options) {
        Ok(map) => map,
        Err(ImportError::Invalid(problems)) => {
            eprintln!("{}", super::render(file, &problems));
            return ExitCode::from(1);
        }
        Err(err) => {
            eprintln!("{}: {err}", file.display());
            return ExitCode::from(2);
        }
    };
    if let Err(err) = format::save(&map, output) {
        eprintln!("{}", super::render(output, &err.problems()));
        return ExitCode::from(2);
    }
    outln!(
        "{}: {} nodes in {} trees from {}",
        output.display(),
        map.len(),
        map.roots().len(),
        file.display()
    );
    ExitCode::SUCCESS
}
