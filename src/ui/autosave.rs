//! Autosave and crash recovery: unsaved work is serialised and written to a recovery file
//! on a worker thread every few seconds (the UI never waits for the disk), deleted after a
//! save or a discard, and offered back at the next start when the session that wrote it
//! ended without cleaning up. Knows nothing of egui.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::format;
use crate::model::Map;

/// Seconds between autosaves of unsaved work.
pub(crate) const AUTOSAVE_INTERVAL_SECS: f64 = 5.0;

/// Unsaved work found from a session that ended without saving.
#[derive(Clone, Debug)]
pub(crate) struct Recovery {
    /// The recovery file.
    pub file: PathBuf,
    /// The file the work belonged to, if it had one.
    pub original: Option<PathBuf>,
    /// The map text.
    pub text: String,
}

enum Job {
    Write {
        map: Box<Map>,
        original: Option<PathBuf>,
    },
    Delete,
}

/// The autosave worker and what it last wrote.
pub(crate) struct Autosave {
    dir: Option<PathBuf>,
    jobs: Option<Sender<Job>>,
    worker: Option<JoinHandle<()>>,
    /// The document generation last handed to the worker.
    written: Option<u64>,
    /// When the last autosave ran (seconds of egui time).
    last_secs: f64,
}

impl Autosave {
    /// Starts the worker writing into `dir` (`None`: autosave off).
    pub fn new(dir: Option<&Path>) -> Self {
        let (jobs, worker) = match dir {
            Some(dir) => {
                let (tx, rx) = channel();
                let dir = dir.to_path_buf();
                let worker = std::thread::Builder::new()
                    .name("fulcrum-autosave".into())
                    .spawn(move || autosave_worker(&dir, &rx))
                    .ok();
                (worker.as_ref().map(|_| tx), worker)
            }
            None => (None, None),
        };
        Self {
            dir: dir.map(Path::to_path_buf),
            jobs,
            worker,
            written: None,
            last_secs: 0.0,
        }
    }

    /// Whether autosave is on.
    pub fn is_on(&self) -> bool {
        self.jobs.is_some()
    }

    /// Whether the interval has passed since the last autosave at `now`; starts a new one.
    pub fn due(&mut self, now: f64) -> bool {
        if now - self.last_secs < AUTOSAVE_INTERVAL_SECS {
            return false;
        }
        self.last_secs = now;
        true
    }

    /// Hands the map of `generation` to the worker unless that generation is written.
    pub fn write(&mut self, map: &Map, original: Option<PathBuf>, generation: u64) {
        if self.written == Some(generation) {
            return;
        }
        if let Some(jobs) = &self.jobs {
            let job = Job::Write {
                map: Box::new(map.clone()),
                original,
            };
            if jobs.send(job).is_ok() {
                self.written = Some(generation);
            }
        }
    }

    /// Deletes this session's recovery file (after a save or a discard).
    pub fn discard(&mut self) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::Delete);
        }
        self.written = None;
    }

    /// Forgets what was written, so the next autosave writes (after a restore).
    pub fn forget_written(&mut self) {
        self.written = None;
    }

    /// Stops the worker after it has written what it was given.
    pub fn finish(&mut self) {
        self.jobs = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }

    /// Waits until everything given is written, then starts a fresh worker (for tests).
    pub fn flush(&mut self) {
        self.finish();
        let fresh = Self::new(self.dir.as_deref());
        self.jobs = fresh.jobs;
        self.worker = fresh.worker;
    }

    /// Unsaved work left by a session that did not end cleanly, newest first.
    pub fn find_recovery(&self) -> Option<Recovery> {
        let dir = self.dir.as_ref()?;
        let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|e| {
                let path = e.path();
                let pid = recovery_pid(&path)?;
                if pid == std::process::id() || process_alive(pid) {
                    return None;
                }
                let modified = e.metadata().ok()?.modified().ok()?;
                Some((modified, path))
            })
            .collect();
        found.sort();
        let (_, file) = found.pop()?;
        let text = std::fs::read_to_string(&file).ok()?;
        let original = std::fs::read_to_string(file.with_extension("path"))
            .ok()
            .map(|p| PathBuf::from(p.trim_end()))
            .filter(|p| !p.as_os_str().is_empty());
        Some(Recovery {
            file,
            original,
            text,
        })
    }
}

/// Deletes a recovery file found at start-up and its companion.
pub(crate) fn delete_recovery(recovery: &Recovery) {
    let _ = std::fs::remove_file(&recovery.file);
    let _ = std::fs::remove_file(recovery.file.with_extension("path"));
}

fn recovery_pid(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    name.strip_prefix("recovery-")?
        .strip_suffix(".ron")?
        .parse()
        .ok()
}

fn process_alive(pid: u32) -> bool {
    cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists()
}

/// `path` as an absolute, canonical path (so a recovery restored from another working
/// folder still names the same file); as typed, made absolute, when it does not exist yet.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// Writes a file only its owner can read (recovery copies hold someone's unsaved work).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn autosave_worker(dir: &Path, jobs: &Receiver<Job>) {
    let file = dir.join(format!("recovery-{}.ron", std::process::id()));
    let meta = file.with_extension("path");
    while let Ok(job) = jobs.recv() {
        match job {
            Job::Write { map, original } => {
                let _ = std::fs::create_dir_all(dir);
                let text = format::to_string(&map);
                let tmp = file.with_extension("tmp");
                let _ = std::fs::remove_file(&tmp);
                if write_private(&tmp, text.as_bytes()).is_ok() {
                    let _ = std::fs::rename(&tmp, &file);
                }
                let path = original
                    .map(|p| absolute(&p).display().to_string())
                    .unwrap_or_default();
                let _ = write_private(&meta, path.as_bytes());
            }
            Job::Delete => {
                let _ = std::fs::remove_file(&file);
                let _ = std::fs::remove_file(&meta);
            }
        }
    }
}
