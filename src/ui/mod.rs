//! The desktop app (egui/eframe): a thin layer that reads the model and emits commands.
//!
//! [`FulcrumApp`] owns an [`edit::Document`] — the only way the map changes — plus view
//! state that never goes into the file (selection, fold state, camera, panels). Each frame
//! it handles shortcuts from the one action table ([`actions`]), refreshes the derived
//! figures and layout only when the document or fold state changed ([`cache`]), then draws
//! the menu bar, panels and canvas. Files, prompts, search and the inspector live in their
//! own modules, each adding `*_ui` methods to the app.
//!
//! | file | job |
//! |---|---|
//! | `actions.rs` | the action table: labels, shortcuts, scopes |
//! | `dispatch.rs` | shortcuts, menus and running actions, all from the table |
//! | `cache.rs` | roll-up, leverage and layout, rebuilt per change |
//! | `camera.rs` | zoom, pan, fit, glides |
//! | `canvas.rs` | the map view: culling, cards, input, drag to reparent |
//! | `edges.rs` | tree edges and dashed links |
//! | `cards.rs`, `chips.rs`, `blocks.rs` | card sizes and painting; OST chips; far-zoom blocks and fold badges |
//! | `editing.rs` | title editing, structure commands, keyboard navigation |
//! | `clipboard.rs` | copy/cut/paste of subtrees with fresh ids |
//! | `inspector/`, `fields.rs` | the side panel for every field of a node |
//! | `files.rs` | open, save, recent files, autosave and recovery |
//! | `dialogs.rs` | prompts, load errors, toasts, help overlay |
//! | `panels.rs` | status bar and problems panel |
//! | `search.rs` | Ctrl+F |
//! | `theme.rs`, `icons.rs`, `format_value.rs` | colours, fonts, kind icons, number formats |
//!
//! Tests and benches build the app with [`FulcrumApp::new`] and [`Options::headless`] (no
//! native dialogs, no files outside the ones they choose) and drive one frame with
//! [`FulcrumApp::show`].

mod actions;
mod blocks;
mod cache;
mod camera;
mod canvas;
mod cards;
mod chips;
mod clipboard;
mod dialogs;
mod dispatch;
mod edges;
mod editing;
mod fields;
mod files;
mod icons;
mod inspector;
mod panels;
mod search;
mod theme;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use actions::Action;
pub use theme::Theme;

use crate::edit::{Command, Document};
use crate::format::{self, Problem};
use crate::model::{Map, NodeId};

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
        let config_dir = files::config_dir();
        Self {
            native_dialogs: files::native_dialogs_available(),
            autosave_dir: config_dir.as_ref().map(|d| d.join("recovery")),
            config_dir,
            system_fonts: true,
        }
    }
}

/// The Fulcrum desktop app.
pub struct FulcrumApp {
    doc: Document,
    path: Option<PathBuf>,
    /// The name shown for the map while it has no file.
    untitled_name: String,
    options: Options,
    /// Load warnings of the open file (shown in the problems panel).
    warnings: Vec<Problem>,
    /// The document holds restored, never-saved work (dirty until saved).
    recovered: bool,
    selected: Option<NodeId>,
    folded: HashSet<NodeId>,
    fold_version: u64,
    scenario: Option<String>,
    theme: Theme,
    palette: theme::Palette,
    styled: Option<Theme>,
    inspector_open: bool,
    problems_open: bool,
    help_open: bool,
    canvas: canvas::CanvasState,
    block_looks: canvas::BlockLooks,
    editing: Option<editing::TitleEdit>,
    clipboard: Option<clipboard::Clip>,
    search: search::SearchState,
    inspector: inspector::InspectorState,
    files: files::FilesState,
    dialogs: dialogs::Dialogs,
    figures: Option<cache::Figures>,
    scene: Option<cache::Scene>,
    measure: Option<cache::TextMeasure>,
    window_title: String,
    /// Set when the app decided to close (after the unsaved-changes prompt).
    closing: bool,
}

impl FulcrumApp {
    /// An app on `doc`, saved at `path` (`None`: untitled, so Save asks for a path).
    pub fn new(doc: Document, path: Option<PathBuf>, options: Options) -> Self {
        let files = files::FilesState::new(&options);
        let mut app = Self {
            doc,
            path,
            untitled_name: "Untitled".to_owned(),
            options,
            warnings: Vec::new(),
            recovered: false,
            selected: None,
            folded: HashSet::new(),
            fold_version: 0,
            scenario: None,
            theme: Theme::Light,
            palette: theme::Palette::of(Theme::Light),
            styled: None,
            inspector_open: true,
            problems_open: false,
            help_open: false,
            canvas: canvas::CanvasState::default(),
            block_looks: canvas::BlockLooks::default(),
            editing: None,
            clipboard: None,
            search: search::SearchState::default(),
            inspector: inspector::InspectorState::default(),
            files,
            dialogs: dialogs::Dialogs::default(),
            figures: None,
            scene: None,
            measure: None,
            window_title: String::new(),
            closing: false,
        };
        app.select_first_root();
        app
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
        app.untitled_name = "workshop.ron".to_owned();
        app
    }

    /// An app on `map`, untitled, with [`Options::headless`], for tests and benches.
    pub fn with_map(map: Map) -> Self {
        Self::new(Document::new(map), None, Options::headless())
    }

    /// The document (map and history).
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The open map.
    pub fn map(&self) -> &Map {
        self.doc.map()
    }

    /// The file the map is saved to, `None` while untitled.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The selected node.
    pub fn selected(&self) -> Option<&NodeId> {
        self.selected.as_ref()
    }

    /// Selects a node (ignored if there is no such node).
    pub fn select(&mut self, id: &str) {
        self.selected = self.doc.map().id(id).cloned();
    }

    /// Whether a node's subtree is folded away.
    pub fn is_folded(&self, id: &str) -> bool {
        self.folded.contains(id)
    }

    /// Whether a node is laid out on the canvas (not hidden under a folded ancestor), as of
    /// the last frame.
    pub fn is_shown(&self, id: &str) -> bool {
        self.scene
            .as_ref()
            .is_some_and(|s| s.index.contains_key(id))
    }

    /// A node's card on screen as of the last frame (`None` when not laid out).
    pub fn card_rect(&self, id: &str) -> Option<egui::Rect> {
        let scene = self.scene.as_ref()?;
        let i = *scene.index.get(id)?;
        Some(self.canvas.screen_rect(scene, i))
    }

    /// The node whose title is being edited.
    pub fn editing(&self) -> Option<&NodeId> {
        self.editing.as_ref().map(|e| &e.id)
    }

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.recovered || self.doc.is_dirty()
    }

    /// The document's name: its file's name, or a name for an untitled map
    /// (`workshop.ron` for the bundled sample, `Untitled` for a new map).
    pub fn document_name(&self) -> String {
        match self.path.as_ref().and_then(|p| p.file_name()) {
            Some(name) => name.to_string_lossy().into_owned(),
            None => self.untitled_name.clone(),
        }
    }

    /// The window title: `● name — Fulcrum` with unsaved changes.
    pub fn title(&self) -> String {
        let name = self.document_name();
        let dirty = if self.is_dirty() { "● " } else { "" };
        format!("{dirty}{name} — Fulcrum")
    }

    /// The current zoom of the canvas.
    pub fn zoom(&self) -> f32 {
        self.canvas.camera.zoom
    }

    /// Sets the zoom, keeping the canvas centre in place (for benches and tests).
    pub fn set_zoom(&mut self, zoom: f32) {
        self.canvas.set_zoom(zoom);
    }

    /// Fits the whole map to the window on the next frame, at once (no glide).
    pub fn fit_to_window(&mut self) {
        self.canvas.fit_pending = true;
        self.canvas.fit_instantly = true;
        self.canvas.opening = false;
    }

    /// Applies a command as one undo step, reporting a refusal as a toast.
    pub fn apply(&mut self, command: Command) -> bool {
        // A change the engine does not read (a title, an owner, notes) keeps the roll-up.
        let before = self.doc.generation();
        let keeps_figures = match &command {
            Command::SetNode { id, node } => self
                .doc
                .map()
                .node(id.as_str())
                .is_some_and(|old| !crate::engine::reads_change(old, node)),
            _ => false,
        };
        match self.doc.apply(command) {
            Ok(()) => {
                if let (true, Some(figures)) = (keeps_figures, self.figures.as_mut()) {
                    figures.carry_over(before, self.doc.generation());
                }
                true
            }
            Err(err) => {
                self.dialogs.toast(format!("Can't do that: {err}"));
                false
            }
        }
    }

    /// Draws one frame of the whole app into `ui` (what eframe calls every frame; tests and
    /// benches call it directly).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.apply_style(&ctx);
        self.files_tick(&ctx);
        self.handle_shortcuts(&ctx);
        self.refresh(&ctx);
        self.menu_bar_ui(ui);
        self.search_bar_ui(ui);
        self.status_bar_ui(ui);
        self.problems_ui(ui);
        if self.inspector_open {
            self.inspector_ui(ui);
        }
        self.refresh(&ctx);
        self.canvas_ui(ui);
        self.dialogs_ui(&ctx);
        self.update_window_title(&ctx);
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

    fn apply_style(&mut self, ctx: &egui::Context) {
        if self.styled == Some(self.theme) {
            return;
        }
        if self.styled.is_none() {
            theme::install_fonts(ctx, self.options.system_fonts);
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
            self.measure = None;
        }
        theme::apply_style(ctx, self.theme);
        self.palette = theme::Palette::of(self.theme);
        self.styled = Some(self.theme);
    }

    /// Rebuilds figures and layout if the document, scenario or fold state changed.
    fn refresh(&mut self, ctx: &egui::Context) {
        let generation = self.doc.generation();
        let map = self.doc.map();
        if self
            .selected
            .as_ref()
            .is_some_and(|s| !map.contains(s.as_str()))
        {
            self.selected = None;
        }
        if !self
            .figures
            .as_ref()
            .is_some_and(|f| f.is_for(generation, self.scenario.as_deref()))
        {
            if self
                .scenario
                .as_ref()
                .is_some_and(|s| map.scenario(s).is_none())
            {
                self.scenario = None;
            }
            self.figures = Some(cache::Figures::compute(
                map,
                generation,
                self.scenario.as_deref(),
            ));
        }
        if !self
            .scene
            .as_ref()
            .is_some_and(|s| s.is_for(generation, self.fold_version))
        {
            self.folded.retain(|id| map.child_count(id.as_str()) > 0);
            let measure = self
                .measure
                .get_or_insert_with(|| cache::TextMeasure::new(ctx));
            let scene = cache::Scene::build(
                map,
                generation,
                &self.folded,
                self.fold_version,
                measure,
                ctx,
            );
            let now = ctx.input(|i| i.time);
            self.canvas
                .start_animation(self.scene.as_ref(), &scene, now);
            self.scene = Some(scene);
            if self.selected.is_none() && self.editing.is_none() && !map.is_empty() {
                self.select_first_root();
            }
        }
    }

    fn select_first_root(&mut self) {
        self.selected = self.doc.map().roots().next().cloned();
    }

    fn update_window_title(&mut self, ctx: &egui::Context) {
        let title = self.title();
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
    }

    /// Replaces the open document (after open, new or restore), resetting view state.
    fn replace_document(&mut self, doc: Document, path: Option<PathBuf>, warnings: Vec<Problem>) {
        self.files.discard_recovery();
        self.doc = doc;
        self.path = path;
        self.untitled_name = "Untitled".to_owned();
        self.warnings = warnings;
        self.problems_open = !self.warnings.is_empty();
        self.recovered = false;
        self.editing = None;
        self.folded.clear();
        self.fold_version += 1;
        self.figures = None;
        self.scene = None;
        self.search.reset();
        self.inspector = inspector::InspectorState::default();
        self.canvas = canvas::CanvasState::default();
        self.select_first_root();
        if let Some(p) = &self.path {
            self.files.remember_recent(p);
        }
    }
}

impl eframe::App for FulcrumApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if !self.is_dirty() {
            self.files.discard_recovery();
        }
        self.files.finish();
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
