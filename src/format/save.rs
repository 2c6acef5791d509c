//! Atomic writes: the new text goes to a temp file in the target's folder, is flushed to disk,
//! and is renamed over the target, then the folder itself is flushed — so a crash or a kill at
//! any instant leaves either the old file or the new one, never a mix.
//!
//! This module writes bytes it is given and nothing else: it does not validate or format a
//! map, and on any failure it removes its temp file and leaves the target untouched.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::error::FormatError;

/// Writes `bytes` to `path` atomically. Errors name `path`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FormatError> {
    let io_error = |source: io::Error| FormatError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Saving through a symlink replaces the file it points at, not the link.
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path).map_err(io_error)?,
        _ => path.to_path_buf(),
    };
    let Some(name) = target.file_name() else {
        return Err(io_error(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        )));
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = write_then_rename(&temp, &target, bytes);
    if result.is_err() {
        // The temp file may or may not exist; either way it must not stay behind.
        let _ = fs::remove_file(&temp);
    }
    result.map_err(io_error)?;
    sync_dir(&dir).map_err(io_error)
}

fn write_then_rename(temp: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(temp)?;
    file.write_all(bytes)?;
    // Keep the permissions of the file being replaced.
    if let Ok(meta) = fs::metadata(target) {
        if meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "a folder is in the way",
            ));
        }
        file.set_permissions(meta.permissions())?;
    }
    file.sync_all()?;
    drop(file);
    fs::rename(temp, target)
}

/// Flushes a folder's entries (the rename) to disk. Only Unix can open a folder for this;
/// elsewhere the rename is as durable as the platform makes it.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
