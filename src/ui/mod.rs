//! The desktop app (egui/eframe): a thin layer that reads the model and sends commands.
//!
//! State has three owners (rerun's `AppState` beside its store hub and per-frame
//! `ViewerContext` are the model):
//! - the [`session::Session`]: the document (map + undo history), its file, load warnings;
//! - the [`view::View`]: selection, folds, scenario, camera, open panels, search, the mode;
//! - the [`derived::Derived`] data: figures, layout and text measurement, built once at the
//!   start of each frame from the other two.
//!
//! A frame ([`FulcrumApp::show`]) goes: file chores → the keyboard router hands the frame's
//! key events, in order, to whoever has the keyboard ([`keyboard`]) → derived data is
//! brought up to date → every panel draws from a read-only [`Viewer`] (session, derived,
//! palette, the command queue) and its own `&mut` view state, sending [`commands::UiCommand`]s
//! → the queue is drained at one point ([`dispatch`]), where the handlers (`editing.rs`,
//! `clipboard.rs`, `files.rs`, `search.rs`) change the session and the view. Drawing code
//! never changes the map.
//!
//! | file | job |
//! |---|---|
//! | `session.rs`, `view.rs`, `derived.rs` | the three state owners |
//! | `figures.rs`, `scene.rs` | engine figures and the laid-out scene, rebuilt per change |
//! | `commands.rs`, `dispatch.rs` | the command queue; draining it, enabled/checked state |
//! | `keyboard.rs` | key events in order to the canvas, the title editor or a field |
//! | `actions.rs`, `menus.rs` | the action table; menu bar and context menu from it |
//! | `editing.rs`, `clipboard.rs`, `search.rs` | handlers: title editing, structure, navigation; copy/cut/paste; find |
//! | `leverage.rs`, `bridge.rs`, `links.rs`, `scenarios.rs` | leverage panel, what-if, goal seek; the bridge; making links; the scenario manager |
//! | `presentations.rs` | the named presentations panel and "Add this view as a step" |
//! | `outline.rs` | the outline: the map as an indented list, edited with the canvas's keys |
//! | `ost_tables.rs`, `assumption_map.rs` | compare tables of opportunities and solutions; the assumption map |
//! | `import_values.rs`, `why.rs` | import of values with a preview; "Why it moved" |
//! | `export_dialog.rs` | File → Export… (Ctrl+E): pictures through `crate::export` |
//! | `present.rs` | presentation mode (F5) |
//! | `lock.rs` | who has a file open |
//! | `files.rs`, `recent.rs`, `autosave.rs`, `desktop.rs` | open/save and the unsaved gate; recent list; autosave and recovery; config folder and dialog support |
//! | `compare.rs` | File → Compare with…: marks on the cards, the list of changes to step through |
//! | `conflicts.rs` | the conflict view: a conflicted file or a merge with the file on disk, resolved choice by choice |
//! | `canvas/` | the map view: culling, cards, input, drag to reparent, the title editor |
//! | `card_geometry.rs`, `cards.rs`, `blocks.rs`, `edges.rs`, `icons.rs` | card geometry on screen; painting the `look::card` drawing, far-zoom blocks, edges, icons |
//! | `inspector/`, `fields.rs` | the side panel for every field of a node |
//! | `dialogs.rs` | prompts, load errors, toasts, help overlay |
//! | `panels.rs` | status bar and problems panel |
//! | `camera.rs`, `theme.rs` | zoom, pan, fit, glides; colours and fonts |
//!
//! Tests and benches build the app with [`FulcrumApp::new`] and [`Options::headless`] (no
//! native dialogs, no files outside the ones they choose) and drive one frame with
//! [`FulcrumApp::show`].

mod actions;
mod assumption_map;
mod autosave;
mod blocks;
mod bridge;
mod camera;
mod canvas;
mod card_geometry;
mod cards;
mod clipboard;
mod combine;
mod commands;
mod compare;
mod conflicts;
mod derived;
mod desktop;
mod dialogs;
mod dispatch;
mod edges;
mod editing;
mod export_dialog;
mod fields;
mod figures;
mod files;
mod icons;
mod import_values;
mod inspector;
mod keyboard;
mod leverage;
mod links;
mod lock;
mod menus;
mod ost_tables;
mod outline;
mod panels;
mod present;
mod presentations;
mod recent;
mod scenarios;
mod scene;
mod search;
mod session;
mod theme;
mod view;
mod why;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use actions::Action;
pub use theme::Theme;

use crate::edit::{Command, Document};
use crate::format;
use crate::model::{Map, NodeId};

use autosave::Autosave;
use commands::Commands;
use derived::Derived;
use dialogs::Dialogs;
use keyboard::{Keyboard, Owner};
use recent::RecentFiles;
use session::Session;
use theme::Palette;
use view::{Panels, View};

/// The bundled sample opened when no file is given.
const WORKSHOP_SAMPLE: &str = include_str!("../../samples/workshop.ron");

/// How the app talks to the outside world.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Use the system's file dialogs (rfd). When false — or when no dialog backend is
    /// installed — paths are typed into an in-app field instead.
    pub native_dialogs: bool,
    /// Where unsaved work is autosaved every few seconds and looked for after a crash;
    /// `None` turns autosave off.
    pub autosave_dir: Option<PathBuf>,
    /// Where the recent-files list is kept; `None` keeps it in memory only.
    pub config_dir: Option<PathBuf>,
    /// Prefer an installed system sans-serif over egui's bundled light face.
    pub system_fonts: bool,
}

impl Options {
    /// Everything off: no dialogs, no autosave, no config, bundled fonts. For tests and
    /// benches.
    pub fn headless() -> Self {
        Self::default()
    }

    /// The desktop setup: native dialogs when a backend exists, autosave and recent files
    /// under the user's config folder.
    pub fn desktop() -> Self {
        let config_dir = desktop::config_dir();
        Self {
            native_dialogs: desktop::native_dialogs_available(),
            autosave_dir: config_dir.as_ref().map(|d| d.join("recovery")),
            config_dir,
            system_fonts: true,
        }
    }
}

/// The Fulcrum desktop app.
pub struct FulcrumApp {
    session: Session,
    view: View,
    /// `None` until the first frame (it needs the fonts), and after a new session.
    derived: Option<Derived>,
    shell: Shell,
    commands: Commands,
    keyboard: Keyboard,
}

/// What belongs to the window rather than to a document: options, theme, the recent list,
/// the autosave worker, prompts, the clipboard.
pub(crate) struct Shell {
    /// How the app talks to the outside world.
    pub options: Options,
    /// Light or dark.
    pub theme: Theme,
    /// The colours of `theme`.
    pub palette: Palette,
    /// The theme egui is styled with (`None` before the first frame).
    styled: Option<Theme>,
    /// Recently opened files.
    pub recent: RecentFiles,
    /// The autosave worker.
    pub autosave: Autosave,
    /// Prompts, reports and toasts.
    pub dialogs: Dialogs,
    /// The copied subtree.
    pub clipboard: Option<clipboard::Clip>,
    /// The preview of a CSV of values, while it is shown.
    pub import: Option<import_values::ImportPreview>,
    /// The export dialog, while it is open.
    pub export: Option<export_dialog::ExportDialog>,
    window_title: String,
    /// The app decided to close (after the unsaved-changes prompt).
    pub closing: bool,
    /// The close was sent to the window.
    pub close_sent: bool,
    /// The window had the keyboard focus last frame (a regained focus checks the file).
    pub had_focus: bool,
}

/// What a command does to the frame's figures (see [`FulcrumApp::apply`]).
enum FigureChange {
    /// Nothing the engine reads.
    None,
    /// One input's value, updated in place.
    Input {
        id: NodeId,
        value: Option<f64>,
        /// (overridden by the scenario shown, held by a what-if)
        held: (bool, bool),
    },
    /// Anything else: the figures are rebuilt.
    Rebuild,
}

/// What every panel reads while it draws: the session, the frame's derived data, the
/// colours, and the queue to send commands to. Built once per frame, read-only.
pub(crate) struct Viewer<'a> {
    /// The open document.
    pub session: &'a Session,
    /// Figures, scene and measurements of this frame.
    pub derived: &'a Derived,
    /// Colours.
    pub palette: &'a Palette,
    /// Light or dark.
    pub theme: Theme,
    /// Where commands go.
    pub commands: &'a Commands,
    /// Whether a subtree has been copied (Paste is enabled).
    pub has_clip: bool,
    /// Recently opened files.
    pub recent: &'a [PathBuf],
}

impl FulcrumApp {
    /// An app on `doc`, saved at `path` (`None`: untitled, so Save asks for a path).
    pub fn new(doc: Document, path: Option<PathBuf>, options: Options) -> Self {
        let session = Session::new(doc, path, Vec::new());
        let view = View::fresh(session.map(), Panels::default(), false);
        let shell = Shell {
            recent: RecentFiles::new(options.config_dir.as_deref()),
            autosave: Autosave::new(options.autosave_dir.as_deref()),
            options,
            theme: Theme::Light,
            palette: Palette::of(Theme::Light),
            styled: None,
            dialogs: Dialogs::default(),
            clipboard: None,
            import: None,
            export: None,
            window_title: String::new(),
            closing: false,
            close_sent: false,
            had_focus: true,
        };
        Self {
            session,
            view,
            derived: None,
            shell,
            commands: Commands::default(),
            keyboard: Keyboard::default(),
        }
    }

    /// An app on the bundled workshop sample, untitled, with [`Options::headless`]: what
    /// `fulcrum` with no file opens, for tests.
    pub fn app_for_tests() -> Self {
        Self::on_sample(Options::headless())
    }

    /// An app on the bundled workshop sample: untitled (Save asks for a path) and named
    /// `workshop.ron` in the title.
    pub fn on_sample(options: Options) -> Self {
        let mut app = Self::new(Document::new(sample_map()), None, options);
        app.session.untitled_name = "workshop.ron".to_owned();
        app
    }

    /// An app on `map`, untitled, with [`Options::headless`], for tests and benches.
    pub fn with_map(map: Map) -> Self {
        Self::new(Document::new(map), None, Options::headless())
    }

    /// The document (map and history).
    pub fn document(&self) -> &Document {
        &self.session.doc
    }

    /// The open map.
    pub fn map(&self) -> &Map {
        self.session.map()
    }

    /// The file the map is saved to, `None` while untitled.
    pub fn path(&self) -> Option<&Path> {
        self.session.path()
    }

    /// The selected node.
    pub fn selected(&self) -> Option<&NodeId> {
        self.view.selection.as_ref()
    }

    /// Selects a node (ignored if there is no such node).
    pub fn select(&mut self, id: &str) {
        self.view.selection = self.session.map().id(id).cloned();
    }

    /// Whether a node's subtree is folded away.
    pub fn is_folded(&self, id: &str) -> bool {
        self.view.folds.contains(id)
    }

    /// Whether a node is laid out on the canvas (not hidden under a folded ancestor), as of
    /// the last frame.
    pub fn is_shown(&self, id: &str) -> bool {
        self.derived
            .as_ref()
            .is_some_and(|d| d.scene.index.contains_key(id))
    }

    /// A node's card on screen as of the last frame (`None` when not laid out).
    pub fn card_rect(&self, id: &str) -> Option<egui::Rect> {
        let scene = &self.derived.as_ref()?.scene;
        let i = *scene.index.get(id)?;
        Some(self.view.canvas.screen_rect(scene, i))
    }

    /// The node whose title is being edited.
    pub fn editing(&self) -> Option<&NodeId> {
        self.view.title_edit().map(|e| &e.id)
    }

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.session.is_dirty()
    }

    /// The document's name: its file's name, or a name for an untitled map
    /// (`workshop.ron` for the bundled sample, `Untitled` for a new map).
    pub fn document_name(&self) -> String {
        self.session.document_name()
    }

    /// The window title: `● name — Fulcrum` with unsaved changes.
    pub fn title(&self) -> String {
        let name = self.document_name();
        let dirty = if self.is_dirty() { "● " } else { "" };
        format!("{dirty}{name} — Fulcrum")
    }

    /// The current zoom of the canvas.
    pub fn zoom(&self) -> f32 {
        self.view.canvas.camera.zoom
    }

    /// Sets the zoom, keeping the canvas centre in place (for benches and tests).
    pub fn set_zoom(&mut self, zoom: f32) {
        self.view.canvas.set_zoom(zoom);
    }

    /// Fits the whole map to the window on the next frame, at once (no glide).
    pub fn fit_to_window(&mut self) {
        let canvas = &mut self.view.canvas;
        canvas.fit_pending = true;
        canvas.fit_instantly = true;
        canvas.opening = false;
    }

    /// The value a metric shows now (with any what-if), as of the last frame.
    pub fn shown_value(&self, id: &str) -> Option<f64> {
        self.derived.as_ref()?.figures.value(id)?.ok()
    }

    /// How many times the figures were computed from scratch since the session opened (an
    /// input's new value or a what-if updates them in place instead).
    pub fn figure_rebuilds(&self) -> u64 {
        self.derived.as_ref().map_or(0, |d| d.rebuilds)
    }

    /// Opens or closes the leverage panel (Ctrl+L).
    pub fn show_leverage_panel(&mut self, open: bool) {
        self.view.panels.leverage = open;
    }

    /// The metric leverage is measured against, when one was chosen ("Make top").
    pub fn leverage_top(&self) -> Option<&NodeId> {
        self.view.leverage.top.as_ref()
    }

    /// The scenario the map is rolled up under (`None`: the actuals).
    pub fn scenario(&self) -> Option<&str> {
        self.view.scenario.as_deref()
    }

    /// The messages currently shown as toasts.
    pub fn toasts(&self) -> Vec<String> {
        self.shell.dialogs.toasts().map(str::to_owned).collect()
    }

    /// Applies a command as one undo step, reporting a refusal as a toast.
    pub fn apply(&mut self, command: Command) -> bool {
        let before = self.session.doc.generation();
        let change = self.figure_change(&command);
        match self.session.doc.apply(command) {
            Ok(()) => {
                let after = self.session.doc.generation();
                if let Some(derived) = self.derived.as_mut() {
                    match change {
                        FigureChange::None => derived.carry_over(before, after),
                        FigureChange::Input { id, value, held } => {
                            // Only what depends on the input is re-evaluated; anything
                            // else (or figures that were stale) rebuilds next frame.
                            derived.update_input((before, after), id.as_str(), value, held);
                        }
                        FigureChange::Rebuild => {}
                    }
                }
                true
            }
            Err(err) => {
                self.shell.dialogs.toast(format!("Can't do that: {err}"));
                false
            }
        }
    }

    /// What a command does to the figures: nothing (a title, an owner, notes, a
    /// presentation), one input's value (updated in place), or anything else (rebuilt).
    fn figure_change(&self, command: &Command) -> FigureChange {
        // The engine does not read presentations.
        if matches!(
            command,
            Command::AddPresentation { .. }
                | Command::RemovePresentation { .. }
                | Command::RenamePresentation { .. }
                | Command::AddStep { .. }
                | Command::RemoveStep { .. }
                | Command::MoveStep { .. }
                | Command::SetStep { .. }
        ) {
            return FigureChange::None;
        }
        let Command::SetNode { id, node } = command else {
            return FigureChange::Rebuild;
        };
        let Some(old) = self.session.map().node(id.as_str()) else {
            return FigureChange::Rebuild;
        };
        if !crate::engine::reads_change(old, node) {
            return FigureChange::None;
        }
        let mut same_value = node.as_ref().clone();
        same_value.value = old.value;
        if old.formula.is_some() || crate::engine::reads_change(old, &same_value) {
            return FigureChange::Rebuild;
        }
        let overridden = self
            .view
            .scenario
            .as_deref()
            .and_then(|s| self.session.map().scenario(s))
            .is_some_and(|s| s.overrides.contains_key(id));
        let tried = self.view.leverage.what_if.contains_key(id);
        FigureChange::Input {
            id: id.clone(),
            value: node.value,
            held: (overridden, tried),
        }
    }

    /// Draws one frame of the whole app into `ui` (what eframe calls every frame; tests and
    /// benches call it directly).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if self.shell.apply_style(&ctx) {
            self.derived = None;
        }
        self.files_tick(&ctx);
        let owner = self.keyboard_owner(&ctx);
        let typing = self.view.selection.is_some() && self.view.title_edit().is_none();
        self.keyboard.route(&ctx, owner, typing, &self.commands);
        let Self {
            session,
            view,
            derived,
            shell,
            commands,
            ..
        } = self;
        if let Some(compare) = view.compare.as_mut() {
            compare.refresh(session.map(), session.doc.generation());
        }
        if let Some(review) = view.combine.as_mut() {
            review.refresh(session.map(), session.doc.generation());
        }
        let derived = match derived {
            Some(d) => {
                d.refresh(session, view, &ctx);
                d
            }
            None => derived.insert(Derived::new(session, view, &ctx)),
        };
        let cx = Viewer {
            session,
            derived,
            palette: &shell.palette,
            theme: shell.theme,
            commands,
            has_clip: shell.clipboard.is_some(),
            recent: shell.recent.list(),
        };
        if view.presentation().is_some() {
            // Presenting: the canvas alone, full screen, with the breadcrumb over it.
            canvas::canvas_ui(ui, &cx, view);
            if let Some(p) = view.presentation() {
                present::overlay_ui(&ctx, &cx, p);
            }
            dialogs::dialogs_ui(&ctx, &cx, &mut shell.dialogs, &mut view.panels.help);
            self.run_commands(&ctx);
            self.keyboard.end_frame(&ctx);
            self.update_window_title(&ctx);
            return;
        }
        menus::menu_bar_ui(ui, &cx, view);
        search::search_bar_ui(ui, &cx, &mut view.search);
        panels::status_bar_ui(ui, &cx, view);
        panels::problems_ui(ui, &cx, view);
        if view.panels.bridge {
            bridge::bridge_ui(ui, &cx);
        }
        if view.panels.why {
            why::why_ui(ui, &cx, view);
        }
        if view.panels.leverage {
            leverage::leverage_panel_ui(ui, &cx, view);
        }
        compare::compare_panel_ui(ui, &cx, view);
        combine::combine_panel_ui(ui, &cx, view);
        if view.panels.compare_tables {
            ost_tables::compare_tables_ui(ui, &cx, view);
        }
        if view.panels.inspector {
            inspector::inspector_ui(ui, &cx, view);
        }
        if view.panels.outline {
            outline::outline_ui(ui, &cx, view);
        }
        canvas::canvas_ui(ui, &cx, view);
        if view.panels.assumptions {
            assumption_map::assumption_map_ui(&ctx, &cx, view);
        }
        links::link_picker_ui(&ctx, &cx, view);
        import_values::import_preview_ui(&ctx, &cx, &mut shell.import);
        let native = shell.options.native_dialogs;
        export_dialog::export_dialog_ui(&ctx, &cx, view, native, &mut shell.export);
        if view.panels.scenarios {
            scenarios::scenarios_ui(&ctx, &cx, view);
        }
        if view.panels.presentations {
            presentations::presentations_ui(&ctx, &cx, view);
        }
        dialogs::dialogs_ui(&ctx, &cx, &mut shell.dialogs, &mut view.panels.help);
        self.run_commands(&ctx);
        self.keyboard.end_frame(&ctx);
        self.update_window_title(&ctx);
    }

    /// Who gets this frame's keys: a prompt, an open drop-down, the title editor, a panel's
    /// field, or the canvas.
    fn keyboard_owner(&self, ctx: &egui::Context) -> Owner {
        if self.shell.dialogs.is_modal_open()
            || self.shell.import.is_some()
            || self.shell.export.is_some()
        {
            Owner::Modal
        } else if self.view.presentation().is_some() {
            Owner::Presenting
        } else if self.view.title_edit().is_some() {
            Owner::TitleEditor
        } else if egui::Popup::is_any_open(ctx) {
            Owner::Popup
        } else if self.keyboard.widget_had_focus()
            || ctx.memory(|m| m.focused().is_some())
            || self.view.inspector.wants_focus()
            || self.view.search.wants_focus()
        {
            Owner::Widget
        } else if self.view.outline_has_keyboard() {
            Owner::Outline
        } else {
            Owner::Canvas
        }
    }

    /// Runs one whole frame headless on `ctx` with a window of `size` points and no input
    /// events: what a benchmark times (tessellate the output's shapes to include that cost).
    pub fn headless_frame(&mut self, ctx: &egui::Context, size: egui::Vec2) -> egui::FullOutput {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
            ..Default::default()
        };
        ctx.run_ui(input, |ui| self.show(ui))
    }

    fn update_window_title(&mut self, ctx: &egui::Context) {
        let title = self.title();
        if title != self.shell.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shell.window_title = title;
        }
    }

    /// Makes `session` the open one (after open, new or restore), with a fresh view that
    /// keeps only the person's panel choices.
    fn replace_session(&mut self, session: Session) {
        self.shell.autosave.discard();
        self.view = View::fresh(
            session.map(),
            self.view.panels,
            !session.warnings.is_empty(),
        );
        let mut session = session;
        if let Some(p) = session.path.clone() {
            self.shell.recent.remember(&p);
            session.lock = self.claim_file(&p);
        }
        self.session = session;
        self.derived = None;
    }
}

impl FulcrumApp {
    /// Claims `path` for this process, telling the person when another Fulcrum has it open.
    fn claim_file(&mut self, path: &Path) -> Option<lock::FileLock> {
        let dir = self.shell.options.config_dir.clone()?;
        let (lock, other) = lock::FileLock::claim(&dir, path);
        if let Some(held) = other {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            self.shell.dialogs.toast(format!(
                "{name} is open in another Fulcrum window too (process {}): saves may clash",
                held.pid
            ));
        }
        lock
    }
}

impl Shell {
    /// Installs fonts (first frame) and the theme's style when it changed. Returns whether
    /// the fonts were (re)installed, so measurements must be redone.
    fn apply_style(&mut self, ctx: &egui::Context) -> bool {
        if self.styled == Some(self.theme) {
            return false;
        }
        let first = self.styled.is_none();
        if first {
            theme::install_fonts(ctx, self.options.system_fonts);
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
        }
        theme::apply_style(ctx, self.theme);
        self.palette = Palette::of(self.theme);
        self.styled = Some(self.theme);
        first
    }
}

impl eframe::App for FulcrumApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if !self.is_dirty() {
            self.shell.autosave.discard();
        }
        self.shell.autosave.finish();
    }
}

/// The bundled workshop sample as a map (an empty map if it ever failed to parse).
fn sample_map() -> Map {
    match format::parse_str(WORKSHOP_SAMPLE) {
        Ok(loaded) => loaded.map,
        Err(_) => Map::new("Untitled"),
    }
}

/// Opens the app on `file` (the bundled sample when `None`).
pub fn run(file: Option<PathBuf>) -> ExitCode {
    let options = Options::desktop();
    let mut app = match &file {
        None => FulcrumApp::on_sample(options),
        Some(path) => {
            let mut app = FulcrumApp::new(Document::new(Map::new("Untitled")), None, options);
            app.open_at_start(path);
            app
        }
    };
    app.offer_recovery();
    let viewport = egui::ViewportBuilder::default()
        .with_title(app.title())
        .with_app_id("fulcrum")
        .with_inner_size([1440.0, 900.0])
        .with_min_inner_size([640.0, 420.0])
        .with_drag_and_drop(true);
    let native = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    match eframe::run_native("Fulcrum", native, Box::new(|_cc| Ok(Box::new(app)))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fulcrum: could not open a window: {err}");
            ExitCode::FAILURE
        }
    }
}
