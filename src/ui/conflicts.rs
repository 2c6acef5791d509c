//! The conflict view (SPEC §5 Conflicts): a map with git conflict markers — a file opened
//! with them, or the three-way merge of the editor's map with a file changed on disk — shown
//! as a list of its conflicts, each with both sides (and the base where it is known), to be
//! taken ours' way, theirs' way, or edited.
//!
//! Nothing of either side is lost until the person chooses: the view keeps the conflicted
//! text whole and only the choices change (Ctrl+Z takes the last one back). When every
//! conflict has a choice, the text with those sides taken is loaded like any file; what it
//! becomes depends on where it came from ([`Target`]): a new, unsaved session on the
//! conflicted file (the file on disk stays conflicted until Ctrl+S writes the clean,
//! canonical map), or the editor's map replaced in one undo step. A choice that does not
//! make a valid map (a child kept whose parent was not) is shown with its problems and the
//! view stays open. Drawing changes only the view's own choices; the session changes in the
//! handlers at the end of this file, through commands.

use std::path::{Path, PathBuf};

use egui::{Id, Key, Modifiers, RichText};

use crate::edit::{Command, Conflict, Document, Merge, Subject, Version, WholeMap};
use crate::format::{self, ConflictBlock, FormatError, Pick, Problem};
use crate::model::Map;

use super::FulcrumApp;
use super::Viewer;
use super::commands::{Pending, UiCommand};
use super::dialogs::Report;
use super::session::{Fingerprint, Session};

/// What the resolved map becomes.
pub(crate) enum Target {
    /// A conflicted file being opened: the resolved map opens, unsaved, on that file.
    Open {
        /// The file.
        path: PathBuf,
        /// The conflicted file as read (so a save notices a change made meanwhile).
        on_disk: Option<Fingerprint>,
    },
    /// The merge of the editor's map with the file changed on disk: the resolved map
    /// replaces the editor's (one undo step) and the file's version becomes the base.
    Merge {
        /// The file.
        path: PathBuf,
        /// The map on disk (theirs), the base of the next merge.
        theirs: Box<Map>,
        /// The file as read for the merge.
        on_disk: Option<Fingerprint>,
        /// What waited for a save (close, open, new), done after saving the result.
        then: Option<Pending>,
    },
}

/// The choice made for one conflict.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Choice {
    /// Not chosen yet.
    Open,
    /// Our side.
    Ours,
    /// Their side.
    Theirs,
    /// A value (or, for a block of several lines, the lines) typed by the person.
    Edited(String),
}

/// The conflicts of one map and the choices made so far.
pub(crate) struct ConflictView {
    target: Target,
    /// The document's name, for the heading.
    name: String,
    /// The conflicted text, kept whole until the map is resolved.
    text: String,
    blocks: Vec<ConflictBlock>,
    /// The base's value of each block, when known (git's diff3 section, or the merge's).
    bases: Vec<Option<String>>,
    choices: Vec<Choice>,
    /// Earlier choices, the newest last, for Ctrl+Z.
    undo: Vec<(usize, Choice)>,
    /// Why the last try to finish did not load.
    problems: Vec<Problem>,
}

impl ConflictView {
    /// The view of a conflicted file: `None` when a marker is outside a complete block (the
    /// file must be mended in a text editor first).
    pub fn of_file(path: &Path, text: String, blocks: Vec<ConflictBlock>) -> Option<Self> {
        if blocks.is_empty() || blocks.iter().any(|b| !b.complete) {
            return None;
        }
        let bases = blocks.iter().map(ConflictBlock::base_value).collect();
        let target = Target::Open {
            path: path.to_path_buf(),
            on_disk: Fingerprint::of(path),
        };
        Some(Self::new(target, display_name(path), text, blocks, bases))
    }

    /// The view of a merge with conflicts; the base of each conflict comes from the merge.
    /// `None` if the merge's text holds no block (it cannot, for a merge with conflicts).
    pub fn of_merge(merge: &Merge, target: Target, name: String) -> Option<Self> {
        let text = format::merged_to_string(merge);
        let Err(FormatError::Conflicted(blocks)) = format::parse_str(&text) else {
            return None;
        };
        let bases = blocks
            .iter()
            .map(|b| base_of(b, &merge.conflicts))
            .collect();
        Some(Self::new(target, name, text, blocks, bases))
    }

    fn new(
        target: Target,
        name: String,
        text: String,
        blocks: Vec<ConflictBlock>,
        bases: Vec<Option<String>>,
    ) -> Self {
        let choices = vec![Choice::Open; blocks.len()];
        Self {
            target,
            name,
            text,
            blocks,
            bases,
            choices,
            undo: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// How many conflicts there are.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// How many still have no choice.
    pub fn open_count(&self) -> usize {
        self.choices.iter().filter(|c| **c == Choice::Open).count()
    }

    fn choose(&mut self, i: usize, choice: Choice) {
        if self.choices[i] != choice {
            let old = std::mem::replace(&mut self.choices[i], choice);
            self.undo.push((i, old));
            self.problems.clear();
        }
    }

    /// Takes the last choice back; `false` when there is none.
    fn undo_choice(&mut self) -> bool {
        let Some((i, old)) = self.undo.pop() else {
            return false;
        };
        self.choices[i] = old;
        self.problems.clear();
        true
    }

    /// The text with every block replaced by its choice; `None` while one has none.
    fn resolved_text(&self) -> Option<String> {
        if self.open_count() > 0 {
            return None;
        }
        let mut k = 0;
        Some(format::resolve_conflicts(&self.text, |block| {
            let choice = self.choices.get(k).cloned().unwrap_or(Choice::Ours);
            k += 1;
            match choice {
                Choice::Open | Choice::Ours => Pick::Ours,
                Choice::Theirs => Pick::Theirs,
                Choice::Edited(typed) => Pick::Text(edited_lines(block, &typed)),
            }
        }))
    }
}

/// Whether a block is one field's line on each side (so an edit is of the value alone).
fn is_one_value(block: &ConflictBlock) -> bool {
    let one_line = |s: &str| s.lines().filter(|l| !l.trim().is_empty()).count() <= 1;
    block.field.as_deref().is_some_and(|f| f != "from")
        && block.scenario.is_none()
        && one_line(&block.ours)
        && one_line(&block.theirs)
}

/// A side's value as written (`1.12`, `"Finance"`), for editing it: the text after
/// `field:` without the final comma.
fn raw_value(side: &str, field: &str) -> Option<String> {
    let line = side.lines().find(|l| !l.trim().is_empty())?.trim();
    let rest = line.strip_prefix(field)?.strip_prefix(':')?.trim();
    Some(rest.strip_suffix(',').unwrap_or(rest).to_owned())
}

/// What an edit starts from: our value (their value when ours is absent), or our lines.
fn edit_start(block: &ConflictBlock) -> String {
    match block.field.as_deref().filter(|_| is_one_value(block)) {
        Some(field) => raw_value(&block.ours, field)
            .or_else(|| raw_value(&block.theirs, field))
            .unwrap_or_default(),
        None => block.ours.clone(),
    }
}

/// The lines an edit puts in place of a block: `field: value,` at the sides' indent, or
/// the typed lines themselves; an empty value drops the field (it is optional).
fn edited_lines(block: &ConflictBlock, typed: &str) -> String {
    if let Some(field) = block.field.as_deref().filter(|_| is_one_value(block)) {
        let value = typed.trim();
        if value.is_empty() {
            return String::new();
        }
        let sample = if block.ours.trim().is_empty() {
            &block.theirs
        } else {
            &block.ours
        };
        let indent: String = sample.chars().take_while(|c| *c == ' ').collect();
        let value = value.strip_suffix(',').unwrap_or(value);
        return format!("{indent}{field}: {value},\n");
    }
    let mut lines = typed.to_owned();
    if !lines.is_empty() && !lines.ends_with('\n') {
        lines.push('\n');
    }
    lines
}

/// The base's value of the merge conflict a block is about, in the file's words.
fn base_of(block: &ConflictBlock, conflicts: &[Conflict]) -> Option<String> {
    let node = block.node.as_deref();
    let field = block.field.as_deref();
    let found = conflicts.iter().find(|c| match (&c.subject, node, field) {
        (Subject::Title, None, Some("title")) => true,
        (Subject::Node(id), Some(n), _) if block.is_whole_nodes() => id.as_str() == n,
        (Subject::Parent(id), Some(n), Some("parent")) => id.as_str() == n,
        (Subject::Field(id, f), Some(n), Some(name)) => id.as_str() == n && f.name() == name,
        (Subject::History(id, _), Some(n), Some("history")) => id.as_str() == n,
        (Subject::Scenario(s) | Subject::Override(s, _), _, _) => {
            block.scenario.as_deref() == Some(s.as_str())
        }
        _ => false,
    })?;
    Some(match &found.base {
        Version::Absent => "(absent)".to_owned(),
        Version::Present => "(there)".to_owned(),
        Version::Parent(None) => "(a root)".to_owned(),
        Version::Parent(Some(id)) => format::string_text(id.as_str()),
        Version::Field(value) => format::value_text(value),
        Version::Number(x) => format::number_text(*x),
        Version::Text(t) => format::string_text(t),
    })
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The conflict view, while there is one.
pub(crate) fn conflicts_ui(ctx: &egui::Context, cx: &Viewer<'_>, slot: &mut Option<ConflictView>) {
    let Some(view) = slot.as_mut() else {
        return;
    };
    let merging = matches!(view.target, Target::Merge { .. });
    egui::Modal::new(Id::unique("fulcrum_conflicts")).show(ctx, |ui| {
        ui.set_min_width(720.0);
        ui.set_max_width(900.0);
        ui.heading(format!("Resolve conflicts in {}", view.name));
        let (n, open) = (view.len(), view.open_count());
        ui.label(format!(
            "{} of {n} conflict{} resolved. Pick ours, theirs or type a value for each. \
             Nothing of either side is lost until you choose; {}",
            n - open,
            if n == 1 { "" } else { "s" },
            if merging {
                "your map changes only when you use the merged map."
            } else {
                "the file on disk stays as it is until you save."
            }
        ));
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .max_height(ctx.content_rect().height() * 0.6)
            .show(ui, |ui| {
                for i in 0..view.blocks.len() {
                    conflict_row_ui(ui, view, i);
                    ui.separator();
                }
            });
        if !view.problems.is_empty() {
            ui.colored_label(
                ui.visuals().error_fg_color,
                "These choices do not make a valid map:",
            );
            for p in &view.problems {
                ui.colored_label(ui.visuals().error_fg_color, &p.message);
            }
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("Take ours for all").clicked() {
                for i in 0..view.len() {
                    view.choose(i, Choice::Ours);
                }
            }
            if ui.button("Take theirs for all").clicked() {
                for i in 0..view.len() {
                    view.choose(i, Choice::Theirs);
                }
            }
            ui.separator();
            let done = view.open_count() == 0;
            let (use_label, save_label) = if merging {
                ("Use merged map", "Save merged map")
            } else {
                ("Open resolved map", "Save resolved map")
            };
            if ui
                .add_enabled(done, egui::Button::new(RichText::new(save_label).strong()))
                .on_hover_text("Ctrl+S: write the clean map to the file")
                .clicked()
            {
                cx.commands.send(UiCommand::FinishConflicts(true));
            }
            if ui
                .add_enabled(done, egui::Button::new(use_label))
                .on_hover_text("Take the resolved map into the editor, unsaved")
                .clicked()
            {
                cx.commands.send(UiCommand::FinishConflicts(false));
            }
            if ui
                .button("Cancel")
                .on_hover_text(if merging {
                    "Keep your map as it is; nothing is written"
                } else {
                    "Do not open the file; nothing is written"
                })
                .clicked()
            {
                cx.commands.send(UiCommand::CancelConflicts);
            }
        });
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::S)) {
            cx.commands.send(UiCommand::FinishConflicts(true));
        }
        if !typing && ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Z)) {
            view.undo_choice();
        }
    });
}

fn conflict_row_ui(ui: &mut egui::Ui, view: &mut ConflictView, i: usize) {
    let block = &view.blocks[i];
    ui.label(RichText::new(block.message()).strong());
    let whole = block.is_whole_nodes();
    let side = |empty: bool, value: String| match (whole, empty) {
        (true, true) => "does not have the node".to_owned(),
        (true, false) => "has the node".to_owned(),
        (false, _) => value,
    };
    let ours = side(block.ours.trim().is_empty(), block.ours_value());
    let theirs = side(block.theirs.trim().is_empty(), block.theirs_value());
    egui::Grid::new(("conflict_sides", i))
        .num_columns(2)
        .show(ui, |ui| {
            if let Some(base) = &view.bases[i] {
                ui.weak("Base");
                ui.monospace(base);
                ui.end_row();
            }
            ui.weak("Ours");
            ui.monospace(ours);
            ui.end_row();
            ui.weak("Theirs");
            ui.monospace(theirs);
            ui.end_row();
        });
    let current = view.choices[i].clone();
    let mut pick = None;
    ui.horizontal(|ui| {
        if ui
            .selectable_label(current == Choice::Ours, "Take ours")
            .clicked()
        {
            pick = Some(Choice::Ours);
        }
        if ui
            .selectable_label(current == Choice::Theirs, "Take theirs")
            .clicked()
        {
            pick = Some(Choice::Theirs);
        }
        let editing = matches!(current, Choice::Edited(_));
        if ui
            .selectable_label(editing, "Edit value")
            .on_hover_text("Type the value yourself")
            .clicked()
            && !editing
        {
            pick = Some(Choice::Edited(edit_start(&view.blocks[i])));
        }
        if current == Choice::Open {
            ui.weak("not chosen yet");
        }
    });
    let start_edit = matches!(pick, Some(Choice::Edited(_)));
    if let Some(choice) = pick {
        view.choose(i, choice);
    }
    let one_value = is_one_value(&view.blocks[i]);
    if let Choice::Edited(text) = &mut view.choices[i] {
        let edit = if one_value {
            egui::TextEdit::singleline(text).desired_width(420.0)
        } else {
            egui::TextEdit::multiline(text)
                .code_editor()
                .desired_width(f32::INFINITY)
        };
        let label = ui.weak(if one_value { "Value" } else { "Lines" });
        let response = ui
            .add(edit.id(Id::unique(("fulcrum_conflict_edit", i))))
            .labelled_by(label.id);
        if start_edit {
            response.request_focus();
        }
        if one_value {
            ui.weak("As the file writes it: 1.15, \"Finance\", Expr(\"a + b\"); empty removes it.");
        }
    }
}

impl FulcrumApp {
    /// A file that would not load because of conflict markers: its conflict view, or (for a
    /// stray marker) the report of its problems.
    pub(crate) fn open_conflicted(&mut self, path: &Path, err: &FormatError) {
        let FormatError::Conflicted(blocks) = err else {
            return;
        };
        let text = format::read_file(path, format::MAX_FILE_BYTES)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(|t| t.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(t));
        match text.and_then(|t| ConflictView::of_file(path, t, blocks.clone())) {
            Some(view) => self.shell.dialogs.conflicts = Some(view),
            None => self.shell.dialogs.report = Some(Report::load(path, err)),
        }
    }

    /// "Merge" in the changed-on-disk prompt: the three-way merge of what was loaded (the
    /// base), the editor's map (ours) and the file (theirs). Clean, it becomes the editor's
    /// map in one undo step; with conflicts, they go to the conflict view.
    pub(crate) fn merge_outside_change(&mut self, path: PathBuf, then: Option<Pending>) {
        let Some(base) = self.session.base.clone() else {
            self.shell.dialogs.toast(
                "Can't merge: there is no saved version of this map to merge from".to_owned(),
            );
            return;
        };
        let on_disk = Fingerprint::of(&path);
        let theirs = match format::load(&path) {
            Ok(loaded) => loaded.map,
            Err(err) => {
                self.shell.dialogs.report = Some(Report::load(&path, &err));
                return;
            }
        };
        let merge = crate::edit::merge(&base, self.session.map(), &theirs);
        let name = self.session.document_name();
        if merge.is_clean() {
            let merged = merge.map;
            if self.apply(Command::ReplaceMap(WholeMap(Box::new(merged)))) {
                self.session.base = Some(theirs);
                self.session.on_disk = on_disk;
                self.session.recovered = false;
                self.shell.dialogs.toast(format!(
                    "Merged the changes on disk into your map; Ctrl+S saves {name}"
                ));
                if let Some(next) = then
                    && self.save_to(&path)
                {
                    self.perform(next);
                }
            }
            return;
        }
        let target = Target::Merge {
            path,
            theirs: Box::new(theirs),
            on_disk,
            then,
        };
        match ConflictView::of_merge(&merge, target, name) {
            Some(view) => self.shell.dialogs.conflicts = Some(view),
            None => self
                .shell
                .dialogs
                .toast("Can't merge: the merge's conflicts could not be listed".to_owned()),
        }
    }

    /// "Save/Open resolved map": the choices taken, the map loaded and put where it goes;
    /// then saved when `save`.
    pub(crate) fn finish_conflicts(&mut self, save: bool) {
        let Some(view) = self.shell.dialogs.conflicts.as_mut() else {
            return;
        };
        let Some(text) = view.resolved_text() else {
            let open = view.open_count();
            self.shell.dialogs.toast(format!(
                "{open} conflict{} still to resolve",
                if open == 1 { "" } else { "s" }
            ));
            return;
        };
        let loaded = match format::parse_str(&text) {
            Ok(loaded) => loaded,
            Err(err) => {
                view.problems = err.problems();
                return;
            }
        };
        let Some(view) = self.shell.dialogs.conflicts.take() else {
            return;
        };
        let count = view.len();
        let plural = if count == 1 { "" } else { "s" };
        match view.target {
            Target::Open { path, on_disk } => {
                let mut session = Session::new(
                    Document::new(loaded.map),
                    Some(path.clone()),
                    loaded.warnings,
                );
                // Not what the file holds: unsaved until Ctrl+S writes the clean map.
                session.recovered = true;
                session.on_disk = on_disk;
                session.base = None;
                self.replace_session(session);
                self.shell.dialogs.toast(format!(
                    "Resolved {count} conflict{plural}; Ctrl+S writes the clean file"
                ));
                if save {
                    self.save();
                }
            }
            Target::Merge {
                path,
                theirs,
                on_disk,
                then,
            } => {
                if !self.apply(Command::ReplaceMap(WholeMap(Box::new(loaded.map)))) {
                    return;
                }
                self.session.base = Some(*theirs);
                self.session.on_disk = on_disk;
                self.session.recovered = false;
                self.shell.dialogs.toast(format!(
                    "Merged with {count} conflict{plural} resolved (Ctrl+Z undoes the merge)"
                ));
                let saved = (save || then.is_some()) && self.save_to(&path);
                if saved && let Some(next) = then {
                    self.perform(next);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;

    fn base() -> Map {
        let text = "#![enable(implicit_some)]\nMap(\n    format: 1,\n    title: \"t\",\n    nodes: [\n        (id: \"top\", kind: Metric, title: \"Top\", formula: Sum, target: 1.1),\n        (id: \"a\", parent: \"top\", kind: Metric, title: \"A\", value: 1.0),\n        (id: \"b\", parent: \"top\", kind: Metric, title: \"B\", value: 2.0),\n        (id: \"c\", parent: \"top\", kind: Metric, title: \"C\", value: 3.0),\n    ],\n)\n";
        format::parse_str(text)
            .map(|l| l.map)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn set_target(map: &mut Map, target: f64) {
        let mut node: Node = map.node("top").cloned().unwrap_or_else(|| panic!("top"));
        node.target = Some(target);
        map.replace_node("top", node)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A field changed two ways and a node moved two ways (c under a, c under b).
    fn view() -> ConflictView {
        let b = base();
        let (mut ours, mut theirs) = (b.clone(), b.clone());
        set_target(&mut ours, 1.2);
        set_target(&mut theirs, 1.3);
        ours.move_node("c", Some("a"), 0)
            .unwrap_or_else(|e| panic!("{e}"));
        theirs
            .move_node("c", Some("b"), 0)
            .unwrap_or_else(|e| panic!("{e}"));
        let merge = crate::edit::merge(&b, &ours, &theirs);
        assert_eq!(merge.conflicts.len(), 2, "{:?}", merge.conflicts);
        let target = Target::Open {
            path: PathBuf::from("m.ron"),
            on_disk: None,
        };
        ConflictView::of_merge(&merge, target, "m.ron".to_owned())
            .unwrap_or_else(|| panic!("no view"))
    }

    fn resolved(view: &ConflictView) -> Map {
        let text = view.resolved_text().unwrap_or_else(|| panic!("open"));
        format::parse_str(&text)
            .map(|l| l.map)
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn each_conflict_shows_the_merge_base() {
        let v = view();
        let fields: Vec<Option<&str>> = v.blocks.iter().map(|b| b.field.as_deref()).collect();
        assert_eq!(fields, vec![Some("target"), Some("parent")]);
        assert_eq!(
            v.bases,
            vec![Some("1.1".to_owned()), Some("\"top\"".to_owned())]
        );
    }

    #[test]
    fn nothing_resolves_until_every_conflict_has_a_choice() {
        let mut v = view();
        assert_eq!(v.open_count(), 2);
        v.choose(0, Choice::Theirs);
        assert!(v.resolved_text().is_none());
        v.choose(1, Choice::Theirs);
        let map = resolved(&v);
        assert_eq!(map.node("top").and_then(|n| n.target), Some(1.3));
        assert_eq!(map.parent("c").map(|p| p.as_str()), Some("b"));
        // A choice taken back leaves the conflict open again.
        assert!(v.undo_choice());
        assert_eq!(v.open_count(), 1);
    }

    #[test]
    fn an_edited_value_is_written_as_its_field_line() {
        let mut v = view();
        assert_eq!(edit_start(&v.blocks[0]), "1.2");
        v.choose(0, Choice::Edited("1.25".to_owned()));
        v.choose(1, Choice::Edited("\"top\"".to_owned()));
        let map = resolved(&v);
        assert_eq!(map.node("top").and_then(|n| n.target), Some(1.25));
        assert_eq!(map.parent("c").map(|p| p.as_str()), Some("top"));
        // An empty value drops an optional field.
        v.choose(0, Choice::Edited(String::new()));
        assert_eq!(resolved(&v).node("top").and_then(|n| n.target), None);
    }

    #[test]
    fn a_stray_marker_is_not_offered_for_resolution() {
        let text = "Map(\n=======\n)\n".to_owned();
        let blocks = match format::parse_str(&text) {
            Err(FormatError::Conflicted(blocks)) => blocks,
            other => panic!("{:?}", other.map(|_| ())),
        };
        assert!(ConflictView::of_file(Path::new("x.ron"), text, blocks).is_none());
    }
}
