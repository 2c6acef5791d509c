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
    /// This process's claim on the file (released when the session closes).
    pub lock: Option<super::lock::FileLock>,
    /// What the file held when it was last loaded or saved (to notice a change made by
    /// someone else before a save writes over it); `None` while there was no file.
    pub on_disk: Option<Fingerprint>,
    /// The map as it was last loaded from or saved to the file: the base of a three-way
    /// merge with a change made on disk meanwhile; `None` when there is no such version
    /// (untitled, restored work, a resolved conflicted file before its first save).
    pub base: Option<Map>,
}

/// A file's contents as last seen: its length and a hash of its bytes (by content, not
/// the modification time, which copies and checkouts change without changing a byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    len: u64,
    hash: u64,
}

impl Fingerprint {
    /// The fingerprint of the regular file at `path`; `None` when there is none (or it is not
    /// a regular file, or too large to be a map).
    pub fn of(path: &Path) -> Option<Self> {
        use std::hash::{Hash, Hasher};
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() > 512 * 1024 * 1024 {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        Some(Self {
            len: bytes.len() as u64,
            hash: h.finish(),
        })
    }
}

impl Session {
    /// A session on `doc`, saved at `path` (`None`: untitled).
    pub fn new(doc: Document, path: Option<PathBuf>, warnings: Vec<Problem>) -> Self {
        let on_disk = path.as_deref().and_then(Fingerprint::of);
        let base = on_disk.is_some().then(|| doc.map().clone());
        Self {
            doc,
            path,
            untitled_name: "Untitled".to_owned(),
            warnings,
            recovered: false,
            lock: None,
            on_disk,
            base,
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

    /// Whether the file was changed by someone else since it was loaded or saved here (it
    /// exists now and differs from what was last seen, or appeared where there was none).
    pub fn changed_on_disk(&self) -> bool {
        let Some(path) = &self.path else {
            return false;
        };
        match Fingerprint::of(path) {
            Some(now) => self.on_disk != Some(now),
            None => false,
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
