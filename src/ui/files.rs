//! The handlers of file commands: new, open, save and save-as (native dialogs or the in-app
//! path field), dropped files, the unsaved-changes gate before close/open/new, and the
//! per-frame file chores (close requests, autosave).
//!
//! Loading and saving go through [`crate::format`]; a failed load leaves the open session
//! as it was and shows every problem with its place. Opening makes a new session and a fresh
//! view ([`FulcrumApp::replace_session`]). The recent list is in `recent.rs`, the autosave
//! worker and recovery in `autosave.rs`.

use std::path::{Path, PathBuf};

use crate::edit::Document;
use crate::format;
use crate::model::Map;

use super::FulcrumApp;
use super::autosave::{AUTOSAVE_INTERVAL_SECS, delete_recovery};
use super::commands::{OutsideChoice, Pending};
use super::dialogs::{ChangedOnDisk, PathPurpose, ReadOnlyFile, Report};
use super::session::{Fingerprint, Session};

impl FulcrumApp {
    /// Per frame: close requests, dropped files, autosave.
    pub(crate) fn files_tick(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.shell.closing {
            if self.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.request(Pending::Close);
            } else {
                self.shell.closing = true;
            }
        }
        if self.shell.closing && !self.shell.close_sent {
            self.shell.close_sent = true;
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
        let focused = ctx.input(|i| i.focused);
        if focused && !self.shell.had_focus {
            self.check_outside_change();
        }
        self.shell.had_focus = focused;
        let now = ctx.input(|i| i.time);
        if self.shell.autosave.due(now) {
            self.autosave_now();
        }
        if self.shell.autosave.is_on() {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(AUTOSAVE_INTERVAL_SECS));
        }
    }

    /// Writes unsaved work to the recovery file now (on the worker thread).
    pub fn autosave_now(&mut self) {
        if !self.is_dirty() {
            return;
        }
        let session = &self.session;
        self.shell.autosave.write(
            session.map(),
            session.path.clone(),
            session.doc.generation(),
        );
    }

    /// Waits until the autosave worker has written everything it was given (for tests).
    pub fn flush_autosave(&mut self) {
        self.shell.autosave.flush();
    }

    /// At start-up: offers to restore unsaved work from a session that ended unexpectedly.
    pub fn offer_recovery(&mut self) {
        self.shell.dialogs.recovery = self.shell.autosave.find_recovery();
    }

    /// "Restore" in the recovery prompt: the work becomes the open, unsaved session.
    pub(crate) fn restore_found_recovery(&mut self) {
        let Some(recovery) = self.shell.dialogs.recovery.take() else {
            return;
        };
        match format::parse_str(&recovery.text) {
            Ok(loaded) => {
                let session = Session::new(
                    Document::new(loaded.map),
                    recovery.original.clone(),
                    loaded.warnings,
                );
                self.replace_session(session);
                self.session.recovered = true;
                self.session.base = None;
                self.shell.autosave.forget_written();
            }
            Err(err) => {
                self.shell.dialogs.report = Some(Report::load(&recovery.file, &err));
            }
        }
        delete_recovery(&recovery);
    }

    /// "Discard" in the recovery prompt.
    pub(crate) fn discard_found_recovery(&mut self) {
        if let Some(recovery) = self.shell.dialogs.recovery.take() {
            delete_recovery(&recovery);
        }
    }

    /// Does `pending` now, or first asks to save unsaved changes.
    pub(crate) fn request(&mut self, pending: Pending) {
        self.commit_title_edit();
        if self.is_dirty() {
            self.shell.dialogs.unsaved = Some(pending);
        } else {
            self.perform(pending);
        }
    }

    /// "Save" in the unsaved-changes prompt: saves (asking for a path when untitled), then
    /// does `pending`.
    pub(crate) fn save_then(&mut self, pending: Pending) {
        self.save_then_maybe(Some(pending));
    }

    /// Does `pending` without asking.
    pub(crate) fn perform(&mut self, pending: Pending) {
        match pending {
            Pending::New => {
                let doc = Document::new(Map::new("Untitled map"));
                self.replace_session(Session::new(doc, None, Vec::new()));
            }
            Pending::Template(i) => self.new_from_template(i),
            Pending::Open(Some(path)) => self.open_path(&path),
            Pending::Open(None) => self.ask_open_path(),
            Pending::Close => {
                self.shell.autosave.discard();
                self.shell.closing = true;
            }
        }
    }

    /// File → New from template: the template as a new, untitled map named after it.
    fn new_from_template(&mut self, i: usize) {
        let Some(template) = crate::interchange::templates::TEMPLATES.get(i) else {
            return;
        };
        match template.map() {
            Ok(map) => {
                let mut session = Session::new(Document::new(map), None, Vec::new());
                session.untitled_name = template.file_name.to_owned();
                self.replace_session(session);
            }
            Err(err) => {
                let path = Path::new(template.file_name);
                self.shell.dialogs.report = Some(Report::load(path, &err));
            }
        }
    }

    /// Asks which file to open, without the unsaved gate (already passed).
    fn ask_open_path(&mut self) {
        if self.shell.options.native_dialogs {
            let picked = rfd::FileDialog::new()
                .add_filter("Fulcrum map", &["ron"])
                .set_directory(self.dialog_dir())
                .pick_file();
            if let Some(path) = picked {
                self.open_path(&path);
            }
        } else {
            let dir = self.dialog_dir();
            self.shell.dialogs.ask_path(PathPurpose::Open, dir);
        }
    }

    /// Opens `path`; on failure shows its problems and keeps the open map.
    pub fn open_path(&mut self, path: &Path) {
        match format::load(path) {
            Ok(loaded) => {
                let doc = Document::new(loaded.map);
                let session = Session::new(doc, Some(path.to_path_buf()), loaded.warnings);
                self.replace_session(session);
            }
            Err(err @ format::FormatError::Conflicted(_)) => self.open_conflicted(path, &err),
            Err(err) => self.shell.dialogs.report = Some(Report::load(path, &err)),
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
            let doc = Document::new(Map::new(title));
            self.replace_session(Session::new(doc, Some(path.to_path_buf()), Vec::new()));
        }
    }

    /// Ctrl+S: saves to the file, or asks for one. Returns whether the map is saved now.
    /// When someone else changed the file since it was loaded or saved here, nothing is
    /// written: the person chooses first (reload theirs, keep mine).
    pub(crate) fn save(&mut self) -> bool {
        self.save_then_maybe(None)
    }

    fn save_then_maybe(&mut self, then: Option<Pending>) -> bool {
        self.commit_title_edit();
        match self.session.path.clone() {
            Some(path) if self.session.changed_on_disk() => {
                self.shell.dialogs.changed_on_disk = Some(ChangedOnDisk { path, then });
                false
            }
            Some(path) => self.save_to_then(&path, then),
            None => self.save_as_dialog(then),
        }
    }

    /// The answer to "the file changed on disk".
    pub(crate) fn resolve_outside_change(&mut self, choice: OutsideChoice) {
        let Some(changed) = self.shell.dialogs.changed_on_disk.take() else {
            return;
        };
        match choice {
            OutsideChoice::Merge => self.merge_outside_change(changed.path, changed.then),
            OutsideChoice::KeepMine => {
                self.save_to_then(&changed.path, changed.then);
            }
            OutsideChoice::Reload => {
                self.session.recovered = false;
                self.open_path(&changed.path);
                self.shell
                    .dialogs
                    .toast(format!("Reloaded {}", self.session.document_name()));
            }
        }
    }

    /// When the window gets the focus back: if someone changed the file meanwhile, an
    /// unchanged map is reloaded at once and a changed one asks.
    fn check_outside_change(&mut self) {
        if self.shell.dialogs.is_modal_open() || !self.session.changed_on_disk() {
            return;
        }
        let Some(path) = self.session.path.clone() else {
            return;
        };
        if self.is_dirty() {
            self.shell.dialogs.changed_on_disk = Some(ChangedOnDisk { path, then: None });
        } else {
            self.open_path(&path);
            self.shell.dialogs.toast(format!(
                "Reloaded {}: it changed on disk",
                self.session.document_name()
            ));
        }
    }

    /// Ctrl+Shift+S: asks for a path, then saves; `then` runs after a successful save.
    pub(crate) fn save_as_dialog(&mut self, then: Option<Pending>) -> bool {
        self.commit_title_edit();
        if self.shell.options.native_dialogs {
            let name = self
                .session
                .path
                .as_ref()
                .and_then(|p| p.file_name())
                .map_or_else(
                    || "map.ron".to_owned(),
                    |n| n.to_string_lossy().into_owned(),
                );
            let picked = rfd::FileDialog::new()
                .add_filter("Fulcrum map", &["ron"])
                .set_directory(self.dialog_dir())
                .set_file_name(name)
                .save_file();
            match picked {
                Some(path) => self.save_to_then(&with_ron_extension(path), then),
                None => false,
            }
        } else {
            let dir = self.dialog_dir();
            self.shell.dialogs.ask_path(PathPurpose::SaveAs(then), dir);
            false
        }
    }

    /// The in-app path field's Open or Save: checks the path, then does it.
    pub(crate) fn confirm_path(&mut self) {
        let Some(prompt) = self.shell.dialogs.path.as_mut() else {
            return;
        };
        let typed = prompt.text.trim();
        if typed.is_empty() {
            prompt.error = Some("Type a path first.".to_owned());
            return;
        }
        let path = PathBuf::from(typed);
        match prompt.purpose.clone() {
            PathPurpose::ImportValues => {
                if !path.is_file() {
                    prompt.error = Some(format!("There is no file at {}.", path.display()));
                    return;
                }
                self.shell.dialogs.path = None;
                self.preview_import(&path);
            }
            PathPurpose::Compare => {
                if !path.is_file() {
                    prompt.error = Some(format!("There is no file at {}.", path.display()));
                    return;
                }
                self.shell.dialogs.path = None;
                self.compare_with_path(&path);
            }
            PathPurpose::Combine => {
                let paths: Vec<PathBuf> = typed
                    .split(';')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
                    .collect();
                if let Some(missing) = paths.iter().find(|p| !p.is_file()) {
                    prompt.error = Some(format!("There is no file at {}.", missing.display()));
                    return;
                }
                self.shell.dialogs.path = None;
                self.combine_with_paths(&paths);
            }
            PathPurpose::Open => {
                if !path.is_file() {
                    prompt.error = Some(format!("There is no file at {}.", path.display()));
                    return;
                }
                self.shell.dialogs.path = None;
                self.open_path(&path);
            }
            PathPurpose::SaveAs(then) => {
                let path = with_ron_extension(path);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    prompt.error = Some(format!("The folder {} does not exist.", dir.display()));
                    return;
                }
                let replacing = path.exists() && self.session.path.as_deref() != Some(&*path);
                if replacing && prompt.confirm_replace.as_deref() != Some(&*path) {
                    prompt.error = Some(format!(
                        "{} already exists. Press Save again to replace it.",
                        path.display()
                    ));
                    prompt.confirm_replace = Some(path);
                    return;
                }
                self.shell.dialogs.path = None;
                self.save_to_then(&path, then);
            }
        }
    }

    /// Writes the map to `path`; on success it becomes the map's file.
    pub fn save_to(&mut self, path: &Path) -> bool {
        self.save_to_then(path, None)
    }

    /// Writes the map to `path` (on success it becomes the map's file), then does `then`.
    /// A read-only file is left as it is and the person is offered Save As, which goes on
    /// with `then`; any other failure shows its problems. Whether the map was saved.
    pub(crate) fn save_to_then(&mut self, path: &Path, then: Option<Pending>) -> bool {
        match format::save(self.session.map(), path) {
            Ok(()) => {
                self.session.doc.mark_saved();
                self.session.recovered = false;
                if self.session.path.as_deref() != Some(path) {
                    self.session.lock = self.claim_file(path);
                }
                self.session.path = Some(path.to_path_buf());
                self.session.on_disk = Fingerprint::of(path);
                self.session.base = Some(self.session.map().clone());
                self.shell.autosave.discard();
                self.shell.recent.remember(path);
                let name = path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                self.shell.dialogs.toast(format!("Saved {name}"));
                if let Some(next) = then {
                    self.perform(next);
                }
                true
            }
            Err(format::FormatError::ReadOnly { .. }) => {
                self.shell.dialogs.read_only = Some(ReadOnlyFile {
                    path: path.to_path_buf(),
                    then,
                });
                false
            }
            Err(err) => {
                self.shell.dialogs.report = Some(Report::save(path, &err));
                false
            }
        }
    }

    /// The folder file dialogs start in: the map's own, else the working folder.
    pub(crate) fn dialog_dir(&self) -> PathBuf {
        self.session
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default()
    }
}

/// `map` → `map.ron`; a path with any extension is kept as typed.
pub(crate) fn with_ron_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension("ron")
    } else {
        path
    }
}
