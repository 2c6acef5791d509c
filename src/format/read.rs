//! Reading a whole file that a person named: only a regular file, and only up to a size
//! limit, both checked before a byte is read — so a FIFO, a device (`/dev/zero`) or a folder
//! is refused at once instead of hanging or filling memory, and a huge file is refused
//! without being read.
//!
//! Used for map files ([`super::load`]) and for the CSV of values (`fulcrum values`, the
//! app's Import values). This module reads and never writes.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Why [`read_file`] refused a file. The messages do not name the file; callers put its
/// name in front (`values.csv: …`).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The operating system refused (a missing file, no permission).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The path names a folder, a FIFO, a socket or a device, not a regular file.
    #[error("this is not a regular file (a folder, a FIFO or a device); Fulcrum reads only files")]
    NotAFile,
    /// The file is larger than the limit; it was refused without being read.
    #[error("the file is {bytes} bytes; Fulcrum reads files of at most {limit} bytes here")]
    TooLarge {
        /// The file's size in bytes (at least: a file that grew while it was read may be
        /// larger).
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
}

/// Reads the whole of `path`, which must be a regular file (symlinks are followed) of at
/// most `limit` bytes.
///
/// The kind and size are checked before the file is opened: opening a FIFO would block
/// until someone writes to it. A file that grows past the limit while it is read is refused
/// too (at most `limit + 1` bytes are ever read).
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            bytes: meta.len(),
            limit,
        });
    }
    let file = File::open(path)?;
    // The path may have been replaced between the two looks; the open handle is what counts.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    let read = buf.len() as u64;
    if read > limit {
        return Err(ReadError::TooLarge { bytes: read, limit });
    }
    Ok(buf)
}
