//! Files: new, open, save and save-as (native dialogs or an in-app path field), dropped
//! files, recent files, the unsaved-changes gate before close/open/new, and autosave with
//! recovery after a crash.
//!
//! Loading and saving go through [`crate::format`]; a failed load leaves the open map as it
//! was and shows every problem with its place. Autosave clones the map and serialises and
//! writes it on a worker thread, so the UI never waits for the disk.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::edit::Document;
use crate::format;
use crate::model::Map;

use super::dialogs::{PathPurpose, Report};
use super::{FulcrumApp, Options};

/// Seconds between autosaves of unsaved work.
const AUTOSAVE_INTERVAL_SECS: f64 = 5.0;
/// How many recent files are remembered.
const MAX_RECENT: usize = 10;

/// Something that must wait until unsaved changes are saved or discarded.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Pending {
    /// Start a new, empty map.
    New,
    /// Open a file (`None`: ask which).
    Open(Option<PathBuf>),
    /// Close the window.
    Close,
}

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

/// Recent files and the autosave worker.
pub(crate) struct FilesState {
    recent: Vec<PathBuf>,
    recent_file: Option<PathBuf>,
    autosave_dir: Option<PathBuf>,
    jobs: Option<Sender<Job>>,
    worker: Option<JoinHandle<()>>,
    last_saved_generation: Option<u64>,
    last_autosave_secs: f64,
    close_sent: bool,
}

impl FilesState {
    /// Reads the recent-files list and starts the autosave worker, as `options` say.
    pub fn new(options: &Options) -> Self {
        let recent_file = options.config_dir.as_ref().map(|d| d.join("recent.txt"));
        let recent = recent_file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|text| {
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        let (jobs, worker) = match &options.autosave_dir {
            Some(dir) => {
                let (tx, rx) = channel();
                let dir = dir.clone();
                let worker = std::thread::Builder::new()
                    .name("fulcrum-autosave".into())
                    .spawn(move || autosave_worker(&dir, &rx))
                    .ok();
                (worker.as_ref().map(|_| tx), worker)
            }
            None => (None, None),
        };
        Self {
            recent,
            recent_file,
            autosave_dir: options.autosave_dir.clone(),
            jobs,
            worker,
            last_saved_generation: None,
            last_autosave_secs: 0.0,
            close_sent: false,
        }
    }

    /// Puts `path` first in the recent files.
    pub fn remember_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
        self.write_recent();
    }

    fn write_recent(&self) {
        let Some(file) = &self.recent_file else {
            return;
        };
        let text: String = self
            .recent
            .iter()
            .map(|p| format!("{}\n", p.display()))
            .collect();
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Best effort: losing the recent list is not worth interrupting anyone for.
        let _ = std::fs::write(file, text);
    }

    /// Deletes this session's recovery file (after a save or a discard).
    pub fn discard_recovery(&mut self) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::Delete);
        }
        self.last_saved_generation = None;
    }

    /// Stops the worker after it has written what it was given.
    pub fn finish(&mut self) {
        self.jobs = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }

    /// Unsaved work left by a session that did not end cleanly, newest first.
    pub fn find_recovery(&self) -> Option<Recovery> {
        let dir = self.autosave_dir.as_ref()?;
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

fn autosave_worker(dir: &Path, jobs: &Receiver<Job>) {
    let file = dir.join(format!("recovery-{}.ron", std::process::id()));
    let meta = file.with_extension("path");
    while let Ok(job) = jobs.recv() {
        match job {
            Job::Write { map, original } => {
                let _ = std::fs::create_dir_all(dir);
                let text = format::to_string(&map);
                let tmp = file.with_extension("tmp");
                if std::fs::write(&tmp, text).is_ok() {
                    let _ = std::fs::rename(&tmp, &file);
                }
                let path = original
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let _ = std::fs::write(&meta, path);
            }
            Job::Delete => {
                let _ = std::fs::remove_file(&file);
                let _ = std::fs::remove_file(&meta);
            }
        }
    }
}

/// The folder for Fulcrum's own files (recent list, recovery): `$XDG_CONFIG_HOME/fulcrum`,
/// `~/.config/fulcrum`, `~/Library/Application Support/fulcrum` or `%APPDATA%\fulcrum`.
pub(crate) fn config_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(target_os = "windows") {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_CONFIG_HOME").or_else(|| env("HOME").map(|h| h.join(".config")))
    };
    base.map(|b| b.join("fulcrum"))
}

/// Whether rfd can show a dialog here. On Linux it needs the desktop portal (over D-Bus)
/// or `zenity`; without either it returns nothing at once, so the app asks in-app instead.
pub(crate) fn native_dialogs_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()))
    };
    let portal = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        && [
            "/usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service",
            "/usr/local/share/dbus-1/services/org.freedesktop.portal.Desktop.service",
        ]
        .iter()
        .any(|p| Path::new(p).exists());
    portal || on_path("zenity")
}

impl FulcrumApp {
    /// Per frame: close requests, dropped files, autosave.
    pub(crate) fn files_tick(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.closing {
            if self.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.request(Pending::Close);
            } else {
                self.closing = true;
            }
        }
        if self.closing && !self.files.close_sent {
            self.files.close_sent = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let dropped: Option<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .next()
        });
        if let Some(path) = dropped {
            self.request(Pending::Open(Some(path)));
        }
        let now = ctx.input(|i| i.time);
        self.autosave_tick(now);
        if self.files.jobs.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(AUTOSAVE_INTERVAL_SECS));
        }
    }

    fn autosave_tick(&mut self, now: f64) {
        if now - self.files.last_autosave_secs < AUTOSAVE_INTERVAL_SECS {
            return;
        }
        self.files.last_autosave_secs = now;
        self.autosave_now();
    }

    /// Writes unsaved work to the recovery file now (on the worker thread).
    pub fn autosave_now(&mut self) {
        let generation = self.doc.generation();
        if !self.is_dirty() || self.files.last_saved_generation == Some(generation) {
            return;
        }
        if let Some(jobs) = &self.files.jobs {
            let job = Job::Write {
                map: Box::new(self.doc.map().clone()),
                original: self.path.clone(),
            };
            if jobs.send(job).is_ok() {
                self.files.last_saved_generation = Some(generation);
            }
        }
    }

    /// Waits until the autosave worker has written everything it was given (for tests).
    pub fn flush_autosave(&mut self) {
        self.files.finish();
        let fresh = FilesState::new(&self.options);
        self.files.jobs = fresh.jobs;
        self.files.worker = fresh.worker;
    }

    /// At start-up: offers to restore unsaved work from a session that ended unexpectedly.
    pub fn offer_recovery(&mut self) {
        self.dialogs.recovery = self.files.find_recovery();
    }

    pub(crate) fn restore(&mut self, recovery: &Recovery) {
        match format::parse_str(&recovery.text) {
            Ok(loaded) => {
                self.replace_document(
                    Document::new(loaded.map),
                    recovery.original.clone(),
                    loaded.warnings,
                );
                self.recovered = true;
                self.files.last_saved_generation = None;
            }
            Err(err) => {
                self.dialogs.report = Some(Report::load(&recovery.file, &err));
            }
        }
        delete_recovery(recovery);
    }

    pub(crate) fn discard_found_recovery(&mut self, recovery: &Recovery) {
        delete_recovery(recovery);
    }

    /// Does `pending` now, or first asks to save unsaved changes.
    pub(crate) fn request(&mut self, pending: Pending) {
        self.commit_title_edit();
        if self.is_dirty() {
            self.dialogs.unsaved = Some(pending);
        } else {
            self.perform(pending);
        }
    }

    /// Does `pending` without asking.
    pub(crate) fn perform(&mut self, pending: Pending) {
        match pending {
            Pending::New => {
                self.replace_document(Document::new(Map::new("Untitled map")), None, Vec::new());
            }
            Pending::Open(Some(path)) => self.open_path(&path),
            Pending::Open(None) => self.ask_open_path(),
            Pending::Close => {
                self.files.discard_recovery();
                self.closing = true;
            }
        }
    }

    /// Ctrl+O: asks for a file (native dialog or in-app field), after the unsaved gate.
    pub(crate) fn open_dialog(&mut self) {
        self.request(Pending::Open(None));
    }

    /// Asks which file to open, without the unsaved gate (already passed).
    fn ask_open_path(&mut self) {
        if self.options.native_dialogs {
            let picked = rfd::FileDialog::new()
                .add_filter("Fulcrum map", &["ron"])
                .set_directory(self.dialog_dir())
                .pick_file();
            if let Some(path) = picked {
                self.open_path(&path);
            }
        } else {
            self.dialogs.ask_path(PathPurpose::Open, self.dialog_dir());
        }
    }

    /// Opens `path`; on failure shows its problems and keeps the open map.
    pub fn open_path(&mut self, path: &Path) {
        match format::load(path) {
            Ok(loaded) => {
                self.replace_document(
                    Document::new(loaded.map),
                    Some(path.to_path_buf()),
                    loaded.warnings,
                );
            }
            Err(err) => self.dialogs.report = Some(Report::load(path, &err)),
        }
    }

    /// `fulcrum FILE`: opens it, or starts a new map to be saved there if it does not exist.
    pub(crate) fn open_at_start(&mut self, path: &Path) {
        if path.exists() {
            self.open_path(path);
        } else {
            let title = path.file_stem().map_or_else(
                || "Untitled map".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
            self.replace_document(
                Document::new(Map::new(title)),
                Some(path.to_path_buf()),
                Vec::new(),
            );
        }
    }

    /// Ctrl+S: saves to the file, or asks for one. Returns whether the map is saved now.
    pub(crate) fn save(&mut self) -> bool {
        self.commit_title_edit();
        match self.path.clone() {
            Some(path) => self.save_to(&path),
            None => self.save_as_dialog(None),
        }
    }

    /// Ctrl+Shift+S: asks for a path, then saves; `then` runs after a successful save.
    pub(crate) fn save_as_dialog(&mut self, then: Option<Pending>) -> bool {
        self.commit_title_edit();
        if self.options.native_dialogs {
            let name = self.path.as_ref().and_then(|p| p.file_name()).map_or_else(
                || "map.ron".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            let picked = rfd::FileDialog::new()
                .add_filter("Fulcrum map", &["ron"])
                .set_directory(self.dialog_dir())
                .set_file_name(name)
                .save_file();
            match picked {
                Some(path) => {
                    let saved = self.save_to(&with_ron_extension(path));
                    if saved && let Some(next) = then {
                        self.perform(next);
                    }
                    saved
                }
                None => false,
            }
        } else {
            self.dialogs
                .ask_path(PathPurpose::SaveAs(then), self.dialog_dir());
            false
        }
    }

    /// Writes the map to `path`; on success it becomes the map's file.
    pub fn save_to(&mut self, path: &Path) -> bool {
        match format::save(self.doc.map(), path) {
            Ok(()) => {
                self.doc.mark_saved();
                self.recovered = false;
                self.path = Some(path.to_path_buf());
                self.files.discard_recovery();
                self.files.remember_recent(path);
                let name = path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                self.dialogs.toast(format!("Saved {name}"));
                true
            }
            Err(err) => {
                self.dialogs.report = Some(Report::save(path, &err));
                false
            }
        }
    }

    fn dialog_dir(&self) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default()
    }

    /// The "Open recent" submenu; returns the file picked.
    pub(crate) fn recent_menu_ui(&mut self, ui: &mut egui::Ui) -> Option<PathBuf> {
        if self.files.recent.is_empty() {
            return None;
        }
        let mut picked = None;
        let mut clear = false;
        ui.menu_button("Open recent", |ui| {
            for path in &self.files.recent {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                if ui
                    .button(name)
                    .on_hover_text(path.display().to_string())
                    .clicked()
                {
                    picked = Some(path.clone());
                    ui.close();
                }
            }
            ui.separator();
            if ui.button("Clear recent files").clicked() {
                clear = true;
                ui.close();
            }
        });
        if clear {
            self.files.recent.clear();
            self.files.write_recent();
        }
        picked
    }
}

fn delete_recovery(recovery: &Recovery) {
    let _ = std::fs::remove_file(&recovery.file);
    let _ = std::fs::remove_file(recovery.file.with_extension("path"));
}

/// `map` → `map.ron`; a path with any extension is kept as typed.
pub(crate) fn with_ron_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension("ron")
    } else {
        path
    }
}
