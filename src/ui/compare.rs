//! Compare files (SPEC §5): what was added, changed or moved between another map (another
//! file, or the last saved version of this one) and the open map, marked on the canvas,
//! and every change — removed nodes too, which are not on the canvas — listed in a panel to
//! step through.
//!
//! The comparison is [`crate::edit::diff`] of the other map (old) against the open one
//! (new), the same changes `fulcrum diff` reports in the same words; it is redone when the
//! open map changes, so the marks follow the person's edits. It is view state: it never
//! changes the map, and opening another file ends it. The canvas asks [`Comparison::mark`]
//! per card; the handlers (start, step, close) are at the end of this file.

use std::collections::HashMap;
use std::path::Path;

use egui::{Color32, Rect, RichText, Stroke, StrokeKind};

use crate::edit::{Change, ChangeKind};
use crate::engine::Rag;
use crate::format;
use crate::model::{Map, NodeId};

use super::FulcrumApp;
use super::Viewer;
use super::commands::UiCommand;
use super::dialogs::{PathPurpose, Report};
use super::theme::Palette;
use super::view::View;

/// How a card differs from the other map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    /// Not in the other map.
    pub added: bool,
    /// A field, history entry or override differs.
    pub changed: bool,
    /// Under another parent, or at another place among its siblings.
    pub moved: bool,
}

impl Mark {
    /// The badge's words: `new`, `changed`, `moved`, `moved · changed`.
    pub fn words(self) -> &'static str {
        match (self.added, self.moved, self.changed) {
            (true, _, _) => "new",
            (false, true, true) => "moved · changed",
            (false, true, false) => "moved",
            _ => "changed",
        }
    }

    fn color(self, palette: &Palette) -> Color32 {
        if self.added {
            palette.rag(Rag::Green)
        } else if self.moved {
            palette.accent
        } else {
            palette.rag(Rag::Amber)
        }
    }
}

/// The open map compared with another.
pub(crate) struct Comparison {
    /// What the open map is compared with, for the panel's heading (`other.ron`, `the
    /// saved version`).
    pub against: String,
    other: Map,
    /// The document generation the changes were worked out for.
    generation: u64,
    changes: Vec<Change>,
    /// Each change in words, as `fulcrum diff` writes it.
    lines: Vec<String>,
    marks: HashMap<NodeId, Mark>,
    /// The change stepped to.
    current: Option<usize>,
}

impl Comparison {
    /// The changes from `other` to `map` (at `generation`).
    pub fn new(against: String, other: Map, map: &Map, generation: u64) -> Self {
        let mut c = Self {
            against,
            other,
            generation: u64::MAX,
            changes: Vec::new(),
            lines: Vec::new(),
            marks: HashMap::new(),
            current: None,
        };
        c.refresh(map, generation);
        c
    }

    /// Works the changes out again if the map changed since.
    pub fn refresh(&mut self, map: &Map, generation: u64) {
        if self.generation == generation {
            return;
        }
        self.generation = generation;
        self.changes = crate::edit::diff(&self.other, map);
        self.lines = self
            .changes
            .iter()
            .map(|c| {
                // `fulcrum diff`'s words, without its column padding, with an arrow every
                // font of the app has.
                let line = crate::cli::change_line(c).replace('→', "->");
                match line.split_once(' ') {
                    Some((kind, what)) => format!("{kind}: {}", what.trim_start()),
                    None => line,
                }
            })
            .collect();
        self.marks.clear();
        for change in &self.changes {
            let Some(id) = change.node() else {
                continue;
            };
            if !map.contains(id.as_str()) {
                continue;
            }
            let mark = self.marks.entry(id.clone()).or_default();
            match change {
                Change::Added { .. } => mark.added = true,
                Change::Moved { .. } | Change::Reordered { .. } => mark.moved = true,
                _ => mark.changed = true,
            }
        }
        self.current = self.current.filter(|&i| i < self.changes.len());
    }

    /// How a node differs, if it does.
    pub fn mark(&self, id: &str) -> Option<Mark> {
        self.marks.get(id).copied()
    }

    /// Every change in words, in the order of the list.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    fn counts(&self) -> [(ChangeKind, usize); 5] {
        let mut counts = [
            (ChangeKind::Added, 0),
            (ChangeKind::Removed, 0),
            (ChangeKind::Changed, 0),
            (ChangeKind::Moved, 0),
            (ChangeKind::Reordered, 0),
        ];
        for change in &self.changes {
            let kind = change.kind();
            if let Some(slot) = counts.iter_mut().find(|(k, _)| *k == kind) {
                slot.1 += 1;
            }
        }
        counts
    }
}

/// Outlines and badges on the cards that differ (`cards`: each visible card's id and
/// rectangle on screen); at far zoom, outlines only.
pub(crate) fn paint_marks<'a>(
    painter: &egui::Painter,
    palette: &Palette,
    compare: &Comparison,
    cards: impl Iterator<Item = (&'a NodeId, Rect)>,
    detail: bool,
) {
    for (id, r) in cards {
        let Some(mark) = compare.mark(id.as_str()) else {
            continue;
        };
        let color = mark.color(palette);
        painter.rect_stroke(
            r.expand(3.0),
            9.0,
            Stroke::new(if detail { 2.5 } else { 1.5 }, color),
            StrokeKind::Outside,
        );
        if detail {
            let font = egui::FontId::proportional(12.0);
            let galley = painter.layout_no_wrap(mark.words().to_owned(), font, palette.card);
            let size = galley.size() + egui::vec2(10.0, 4.0);
            let badge =
                Rect::from_min_size(egui::pos2(r.right() - size.x, r.top() - size.y - 4.0), size);
            painter.rect_filled(badge, 6.0, color);
            painter.galley(badge.min + egui::vec2(5.0, 2.0), galley, palette.card);
        }
    }
}

/// The list of changes, with previous / next and a close button.
pub(crate) fn compare_panel_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View) {
    let Some(compare) = view.compare.as_ref() else {
        return;
    };
    egui::Panel::left("compare")
        .resizable(true)
        .default_size(400.0)
        .min_size(300.0)
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.heading(format!("Compare with {}", compare.against));
            let n = compare.changes.len();
            if n == 0 {
                ui.label(
                    "No differences: the maps hold the same nodes, fields, links and scenarios.",
                );
            } else {
                let counts: Vec<String> = compare
                    .counts()
                    .iter()
                    .filter(|(_, c)| *c > 0)
                    .map(|(k, c)| format!("{c} {}", k.name()))
                    .collect();
                ui.label(format!(
                    "{n} change{} from {} to this map: {}",
                    if n == 1 { "" } else { "s" },
                    compare.against,
                    counts.join(", ")
                ));
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(n > 0, egui::Button::new("Previous change"))
                    .clicked()
                {
                    cx.commands.send(UiCommand::CompareStep(-1));
                }
                if ui
                    .add_enabled(n > 0, egui::Button::new("Next change"))
                    .clicked()
                {
                    cx.commands.send(UiCommand::CompareStep(1));
                }
                if ui
                    .button("Close compare")
                    .on_hover_text("Esc on the canvas")
                    .clicked()
                {
                    cx.commands.send(UiCommand::CloseCompare);
                }
            });
            ui.separator();
            let map = cx.session.map();
            let row_height = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical().show_rows(ui, row_height, n, |ui, rows| {
                // One line per change (the rows are of one height); the whole line on hover.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                for i in rows {
                    let on_canvas = compare.changes[i]
                        .node()
                        .is_some_and(|id| map.contains(id.as_str()));
                    let mut text = RichText::new(&compare.lines[i]);
                    if !on_canvas {
                        text = text.italics();
                    }
                    let row = ui.selectable_label(compare.current == Some(i), text);
                    let row = if on_canvas {
                        row.on_hover_text(format!(
                            "{}\nClick: select and centre its card",
                            compare.lines[i]
                        ))
                    } else {
                        row.on_hover_text(format!("{}\n(not in this map)", compare.lines[i]))
                    };
                    if row.clicked() {
                        cx.commands.send(UiCommand::CompareGo(i));
                    }
                }
            });
        });
}

impl FulcrumApp {
    /// File → Compare with…: asks for the other file.
    pub(crate) fn ask_compare_with(&mut self) {
        let dir = self.dialog_dir();
        if self.shell.options.native_dialogs {
            let picked = rfd::FileDialog::new()
                .add_filter("Fulcrum map", &["ron"])
                .set_directory(&dir)
                .pick_file();
            if let Some(path) = picked {
                self.compare_with_path(&path);
            }
        } else {
            self.shell.dialogs.ask_path(PathPurpose::Compare, dir);
        }
    }

    /// Compares the open map with the map at `path`; a file that does not load shows its
    /// problems and nothing changes.
    pub fn compare_with_path(&mut self, path: &Path) {
        match format::load(path) {
            Ok(loaded) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                self.start_compare(name, loaded.map);
            }
            Err(err) => self.shell.dialogs.report = Some(Report::load(path, &err)),
        }
    }

    /// File → Compare with last saved version: the open map against the map as it was last
    /// loaded or saved here, or (when there is none, as for restored work) its file on disk.
    pub(crate) fn compare_with_saved(&mut self) {
        if let Some(base) = self.session.base.clone() {
            self.start_compare("the saved version".to_owned(), base);
            return;
        }
        match self.session.path.clone() {
            Some(path) => match format::load(&path) {
                Ok(loaded) => self.start_compare("the saved version".to_owned(), loaded.map),
                Err(err) => self.shell.dialogs.report = Some(Report::load(&path, &err)),
            },
            None => self
                .shell
                .dialogs
                .toast("This map has not been saved yet: there is no saved version".to_owned()),
        }
    }

    fn start_compare(&mut self, against: String, other: Map) {
        let generation = self.session.doc.generation();
        self.view.compare = Some(Comparison::new(
            against,
            other,
            self.session.map(),
            generation,
        ));
    }

    /// Next (`1`) or previous (`-1`) change, wrapping; selects and centres its card.
    pub(crate) fn compare_step(&mut self, delta: isize) {
        let Some(compare) = self.view.compare.as_ref() else {
            return;
        };
        let n = compare.changes.len();
        if n == 0 {
            return;
        }
        let next = match compare.current {
            None if delta < 0 => n - 1,
            None => 0,
            Some(i) => (i as isize + delta).rem_euclid(n as isize) as usize,
        };
        self.compare_go(next);
    }

    /// Goes to one change of the list: selects and centres its card when it has one.
    pub(crate) fn compare_go(&mut self, i: usize) {
        let map = self.session.map();
        let Some(compare) = self.view.compare.as_mut() else {
            return;
        };
        let Some(change) = compare.changes.get(i) else {
            return;
        };
        compare.current = Some(i);
        if let Some(id) = change
            .node()
            .filter(|id| map.contains(id.as_str()))
            .cloned()
        {
            self.commit_title_edit();
            self.view.select_and_center(self.session.map(), id);
        }
    }

    /// How the node differs from the map it is compared with (`new`, `changed`, `moved`,
    /// `moved · changed`), while comparing; for tests.
    pub fn compare_mark(&self, id: &str) -> Option<&'static str> {
        self.view.compare.as_ref()?.mark(id).map(Mark::words)
    }

    /// Every change listed while comparing, in words; empty when not comparing.
    pub fn compare_lines(&self) -> Vec<String> {
        self.view
            .compare
            .as_ref()
            .map_or_else(Vec::new, |c| c.lines().to_vec())
    }
}
