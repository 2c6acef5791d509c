//! Atomic writes, as SQLite and rename-based editors do them: the new text goes to a temp file
//! in the target's folder, is flushed to disk, and is renamed over the target, then the folder
//! itself is flushed — so a crash or a kill at any instant leaves either the old file or the
//! new one, never a mix.
//!
//! The temp file is created exclusively under an unpredictable name (`O_EXCL`, through the
//! `tempfile` crate): a file or symlink planted at any name in the folder is never opened or
//! followed. Its name starts `.NAME.fulcrum-tmp-`, so the temp files a killed save leaves
//! behind are recognised and removed by the next save of the same file once they are a minute
//! old. On Unix it is created with no more permissions than the file it replaces and given
//! exactly that file's mode before a byte is written, so a 0600 map is never readable by
//! others while it is saved. A read-only target is refused, not replaced.
//!
//! This module writes bytes it is given and nothing else: it does not validate or format a
//! map, and on any failure before the rename it removes its temp file and leaves the target
//! untouched.

use std::ffi::OsStr;
use std::fs::{self, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::error::FormatError;

/// Temp files of an earlier save older than this are taken to be left by a killed save.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// What the temp files of a save of `name` are called, before their random part: the name
/// cut to 64 bytes, so that a temp file's name fits wherever the target's does.
fn temp_prefix(name: &OsStr) -> String {
    let name = name.to_string_lossy();
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}.fulcrum-tmp-", &name[..end])
}

/// Writes `bytes` to `path` atomically. Errors name `path`: [`FormatError::ReadOnly`] when the
/// file exists and may not be written, [`FormatError::Io`] when the system refuses.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FormatError> {
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
    let existing = match fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(io_error(err)),
    };
    if let Some(meta) = &existing {
        check_replaceable(&target, meta).map_err(|err| match err {
            Refusal::ReadOnly => FormatError::ReadOnly {
                path: path.to_path_buf(),
            },
            Refusal::Io(err) => io_error(err),
        })?;
    }
    let prefix = temp_prefix(name);
    let old_prefix = format!(".{}.tmp-", name.to_string_lossy());
    sweep_stale(&dir, &prefix, &old_prefix);

    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix("").rand_bytes(8);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The umask can only narrow this: never more than the file being replaced (or than
        // a new file would get).
        let mode = existing
            .as_ref()
            .map_or(0o666, |meta| meta.permissions().mode() & 0o7777);
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let mut temp = builder.tempfile_in(&dir).map_err(io_error)?;
    let written = (|| {
        // Exactly the old file's mode, before anything is written (the umask may have
        // narrowed it); a new file keeps what the umask gave it.
        if let Some(meta) = &existing {
            temp.as_file().set_permissions(meta.permissions())?;
        }
        temp.write_all(bytes)?;
        temp.as_file().sync_all()
    })();
    // On any error the temp file is removed when `temp` is dropped.
    written.map_err(io_error)?;
    temp.persist(&target).map_err(|err| io_error(err.error))?;
    // The file is replaced. Flushing the folder makes the rename durable; when the folder
    // cannot be opened (writable but not readable: EACCES) or does not support flushing
    // (EINVAL, EBADF on some file systems), the rename still happened and reaches the disk
    // with the file system's next commit, and a crash before then leaves the old file whole —
    // the guarantee of an atomic save. Reporting a failure here would tell the user the old
    // file is intact when the new one is already in its place, so it is not an error.
    let _ = sync_dir(&dir);
    Ok(())
}

/// Why an existing file is not replaced.
enum Refusal {
    ReadOnly,
    Io(io::Error),
}

/// Whether the existing `target` may be replaced: a regular file that this user may write.
fn check_replaceable(target: &Path, meta: &Metadata) -> Result<(), Refusal> {
    if meta.is_dir() {
        return Err(Refusal::Io(io::Error::new(
            io::ErrorKind::IsADirectory,
            "a folder is in the way",
        )));
    }
    if !meta.is_file() {
        return Err(Refusal::Io(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a device, a FIFO or a socket); Fulcrum does not replace it",
        )));
    }
    if meta.permissions().readonly() {
        return Err(Refusal::ReadOnly);
    }
    // Write bits alone do not say whether this user may write (a file of another user in
    // a folder we may write): ask the system, by opening it for writing without changing it.
    #[cfg(unix)]
    match fs::OpenOptions::new().write(true).open(target) {
        Ok(_) => {}
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => {
            return Err(Refusal::ReadOnly);
        }
        Err(err) => return Err(Refusal::Io(err)),
    }
    #[cfg(not(unix))]
    let _ = target;
    Ok(())
}

/// Removes the temp files an earlier save of the same file left behind (a killed save): those
/// named with `prefix` — or `old_prefix` and digits, the predictable `.NAME.tmp-PID` names of
/// earlier Fulcrum builds — that are at
/// least [`STALE_AFTER`] old. Best effort: a folder that cannot be listed is left alone, and a
/// save running now in another process is never touched (its temp file is younger; were it
/// not, its rename would fail and it would report so, leaving the old file whole).
fn sweep_stale(dir: &Path, prefix: &str, old_prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let ours = file_name.starts_with(prefix)
            || file_name
                .strip_prefix(old_prefix)
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if !ours {
            continue;
        }
        // Never follow a link: judge (and remove) the entry itself.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if stale && !meta.is_dir() {
            let _ = fs::remove_file(entry.path());
        }
    }
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
