//! The recent-files list: kept newest first in `recent.txt` under the config folder (in
//! memory only when there is none), best effort — losing it is not worth an error.
//! Knows nothing of egui.

use std::path::{Path, PathBuf};

/// How many recent files are remembered.
const MAX_RECENT: usize = 10;

/// Recently opened or saved maps, newest first.
pub(crate) struct RecentFiles {
    list: Vec<PathBuf>,
    file: Option<PathBuf>,
}

impl RecentFiles {
    /// Reads the list from `config_dir` (`None`: keep it in memory).
    pub fn new(config_dir: Option<&Path>) -> Self {
        let file = config_dir.map(|d| d.join("recent.txt"));
        let list = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|text| {
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        Self { list, file }
    }

    /// The files, newest first.
    pub fn list(&self) -> &[PathBuf] {
        &self.list
    }

    /// Puts `path` first.
    pub fn remember(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.list.retain(|p| p != &path);
        self.list.insert(0, path);
        self.list.truncate(MAX_RECENT);
        self.write();
    }

    /// Forgets every file.
    pub fn clear(&mut self) {
        self.list.clear();
        self.write();
    }

    fn write(&self) {
        let Some(file) = &self.file else {
            return;
        };
        let text: String = self
            .list
            .iter()
            .map(|p| format!("{}\n", p.display()))
            .collect();
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Best effort: losing the recent list is not worth interrupting anyone for.
        let _ = std::fs::write(file, text);
    }
}
