//! The session: the open document and where it lives — the map with its history, its file,
//! the name shown while untitled, the warnings it loaded with, and whether it holds restored
//! work. Opening a file, starting a new map or restoring a recovery makes a new session; the
//! session never holds view state (selection, camera) and never draws.

use std::path::{Path, PathBuf};

use crate::edit::Document;
use crate::format::Problem;
use crate::model::Map;

/// The open document and its file.
pub(crate) struct Session {
    /// The map and its undo history: the only way the map changes.
    pub doc: Document,
    /// The file the map is saved to; `None` while untitled.
    pub path: Option<PathBuf>,
    /// The name shown for the map while it has no file.
    pub untitled_name: String,
    /// Load warnings of the open file (shown in the problems panel).
    pub warnings: Vec<Problem>,
    /// The document holds restored, never-saved work (dirty until saved).
    pub recovered: bool,
}

impl Session {
    /// A session on `doc`, saved at `path` (`None`: untitled).
    pub fn new(doc: Document, path: Option<PathBuf>, warnings: Vec<Problem>) -> Self {
        Self {
            doc,
            path,
            untitled_name: "Untitled".to_owned(),
            warnings,
            recovered: false,
        }
    }

    /// The open map.
    pub fn map(&self) -> &Map {
        self.doc.map()
    }

    /// The file, if the map has one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.recovered || self.doc.is_dirty()
    }

    /// The document's name: its file's name, or the untitled name.
    pub fn document_name(&self) -> String {
        match self.path.as_ref().and_then(|p| p.file_name()) {
            Some(name) => name.to_string_lossy().into_owned(),
            None => self.untitled_name.clone(),
        }
    }

    /// The name of the file for messages (`map` while untitled).
    pub fn file_label(&self) -> String {
        self.path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(|| "map".to_owned(), |n| n.to_string_lossy().into_owned())
    }
}
