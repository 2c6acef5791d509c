//! Who has a map open: one small lock record per open file, kept in Fulcrum's own folder
//! (never beside the map, where it would show up in someone's git repository). The record
//! names the process; a record whose process is gone is stale and taken over, so a crashed
//! instance never locks a file for ever. A second window that opens the same file is told
//! which process has it. Knows nothing of egui.

use std::path::{Path, PathBuf};

/// This process's claim on an open file; dropped when the file is closed.
#[derive(Debug)]
pub(crate) struct FileLock {
    record: PathBuf,
}

/// The file is open in another live Fulcrum process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeldBy {
    /// That process's id.
    pub pid: u32,
}

/// Where the lock record of `file` lives under `dir`: named by a hash of the file's
/// canonical path.
fn record_of(dir: &Path, file: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let canonical = super::autosave::absolute(file);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    canonical.hash(&mut h);
    dir.join("locks").join(format!("{:016x}.lock", h.finish()))
}

fn alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
}

impl FileLock {
    /// Claims `file` for this process. When a live process other than this one holds it,
    /// the file is claimed anyway (the person chose to open it) and who else has it is
    /// returned beside the claim.
    pub fn claim(dir: &Path, file: &Path) -> (Option<Self>, Option<HeldBy>) {
        let record = record_of(dir, file);
        let other = std::fs::read_to_string(&record)
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
            .filter(|&pid| pid != std::process::id() && alive(pid))
            .map(|pid| HeldBy { pid });
        if let Some(parent) = record.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let text = format!(
            "{}\n{}\n",
            std::process::id(),
            super::autosave::absolute(file).display()
        );
        let claimed = std::fs::write(&record, text).ok().map(|()| Self { record });
        (claimed, other)
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Only our own record: another process may have taken it over meanwhile.
        let ours = std::fs::read_to_string(&self.record)
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
            == Some(std::process::id());
        if ours {
            let _ = std::fs::remove_file(&self.record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_holder_is_named_and_a_stale_one_taken_over() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("map.ron");
        std::fs::write(&file, "x").unwrap_or_else(|e| panic!("{e}"));
        let record = record_of(dir.path(), &file);
        std::fs::create_dir_all(record.parent().unwrap_or(dir.path()))
            .unwrap_or_else(|e| panic!("{e}"));
        // PID 1 is alive on Linux (init); a huge pid is not.
        std::fs::write(&record, "1\n").unwrap_or_else(|e| panic!("{e}"));
        let (lock, other) = FileLock::claim(dir.path(), &file);
        if cfg!(target_os = "linux") {
            assert_eq!(other, Some(HeldBy { pid: 1 }));
        }
        drop(lock);
        assert!(
            !record.exists(),
            "our record is removed when the file closes"
        );
        std::fs::write(&record, "4294967295\n").unwrap_or_else(|e| panic!("{e}"));
        let (lock, other) = FileLock::claim(dir.path(), &file);
        assert_eq!(other, None, "a record whose process is gone is stale");
        assert!(lock.is_some());
    }
}
