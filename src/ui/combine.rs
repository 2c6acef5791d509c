//! File → Combine maps… (SPEC §5 Combine maps): other maps' trees come in beside the open
//! one as one undo step, and a review list beside the canvas shows the merges Fulcrum
//! proposes — each group with its kept node, the nodes to merge into it, their scores and
//! reasons. Accept merges a group (one undo step), Reject drops it from the list, and "merge
//! by hand" merges any two nodes of one kind the person picks.
//!
//! The work is [`crate::edit::combine`]'s, shared with `fulcrum combine`. The review is view
//! state: where each node came from, the rejected pairs, and the proposals, worked out again
//! whenever the map changes (so an undone merge is proposed again). The panel only reads and
//! sends commands; the handlers are at the end of this file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use egui::RichText;

use crate::edit::combine::{self, DEFAULT_THRESHOLD, Origins, Proposal};
use crate::format;
use crate::model::{Map, NodeId};

use super::FulcrumApp;
use super::Viewer;
use super::commands::UiCommand;
use super::dialogs::{PathPurpose, Report};
use super::view::View;

/// The review of a combine, while it is open.
pub(crate) struct CombineReview {
    origins: Origins,
    rejected: HashSet<(NodeId, NodeId)>,
    /// The document generation the proposals were worked out for (`None`: work them out).
    generation: Option<u64>,
    proposals: Vec<Proposal>,
    /// "Merge by hand": the node picked to be merged into the next one selected.
    pub picked: Option<NodeId>,
}

impl CombineReview {
    fn new(origins: Origins) -> Self {
        Self {
            origins,
            rejected: HashSet::new(),
            generation: None,
            proposals: Vec::new(),
            picked: None,
        }
    }

    /// Works the proposals out again when the map changed.
    pub fn refresh(&mut self, map: &Map, generation: u64) {
        if self.generation == Some(generation) {
            return;
        }
        self.generation = Some(generation);
        self.proposals = combine::propose(map, &self.origins, DEFAULT_THRESHOLD, &self.rejected);
        if self
            .picked
            .as_ref()
            .is_some_and(|p| !map.contains(p.as_str()))
        {
            self.picked = None;
        }
    }

    fn label(&self, id: &NodeId) -> &str {
        self.origins.label(id.as_str()).unwrap_or("added here")
    }
}

/// A node's title for the list, quoted.
fn title(map: &Map, id: &NodeId) -> String {
    map.node(id.as_str())
        .map_or_else(|| id.to_string(), |n| format!("“{}”", n.title))
}

/// The review list, on the left of the canvas.
pub(crate) fn combine_panel_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, view: &View) {
    let Some(review) = view.combine.as_ref() else {
        return;
    };
    let map = cx.session.map();
    egui::Panel::left("combine")
        .resizable(true)
        .default_size(420.0)
        .min_size(320.0)
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.heading("Combine maps");
            ui.label(format!(
                "Maps: {}. Nothing merges until you accept it.",
                review.origins.labels.join(", ")
            ));
            let n = review.proposals.len();
            ui.label(match n {
                0 => "No more merges proposed.".to_owned(),
                1 => "1 proposed merge:".to_owned(),
                n => format!("{n} proposed merges:"),
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(ui.available_height() - 150.0)
                .show(ui, |ui| {
                    for (i, p) in review.proposals.iter().enumerate() {
                        proposal_ui(ui, cx, review, map, i, p);
                    }
                });
            ui.separator();
            by_hand_ui(ui, cx, review, view, map);
            ui.add_space(4.0);
            if ui.button("Close review").clicked() {
                cx.commands.send(UiCommand::CloseCombine);
            }
        });
}

fn proposal_ui(
    ui: &mut egui::Ui,
    cx: &Viewer<'_>,
    review: &CombineReview,
    map: &Map,
    i: usize,
    p: &Proposal,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let kind = map.node(p.keep.as_str()).map_or("", |n| n.kind.name());
        let keep = format!("Keep {} ({}, {kind})", title(map, &p.keep), review.label(&p.keep));
        if ui
            .link(RichText::new(keep).strong())
            .on_hover_text("Select and centre its card")
            .clicked()
        {
            cx.commands.send(UiCommand::SelectAndCenter(p.keep.clone()));
        }
        for m in &p.merge {
            let line = format!("Merge {} ({})", title(map, &m.id), review.label(&m.id));
            if ui.link(line).on_hover_text("Select and centre its card").clicked() {
                cx.commands.send(UiCommand::SelectAndCenter(m.id.clone()));
            }
            ui.label(
                RichText::new(format!("    {:.0}% · {}", m.score * 100.0, m.reason))
                    .color(cx.palette.muted),
            );
        }
        ui.horizontal(|ui| {
            let what = if p.merge.len() == 1 { "both" } else { "all" };
            if ui
                .button("Accept")
                .on_hover_text(format!(
                    "Merge {what} into the kept node: children, evidence and notes come along (one undo step)"
                ))
                .clicked()
            {
                cx.commands.send(UiCommand::CombineAccept(i));
            }
            if ui
                .button("Reject")
                .on_hover_text("Keep them apart; this group is not proposed again")
                .clicked()
            {
                cx.commands.send(UiCommand::CombineReject(i));
            }
        });
    });
}

/// "Merge by hand": pick one card, select another, merge the first into the second.
fn by_hand_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, review: &CombineReview, view: &View, map: &Map) {
    ui.label(RichText::new("Merge by hand").strong());
    let selected = view.selection.as_ref();
    ui.horizontal_wrapped(|ui| {
        let can_pick = selected.is_some() && selected != review.picked.as_ref();
        if ui
            .add_enabled(can_pick, egui::Button::new("Pick selected to merge"))
            .on_hover_text("The selected card will be merged into the next card you select")
            .clicked()
            && let Some(id) = selected
        {
            cx.commands.send(UiCommand::CombinePick(Some(id.clone())));
        }
        if review.picked.is_some() && ui.button("Clear pick").clicked() {
            cx.commands.send(UiCommand::CombinePick(None));
        }
    });
    match (&review.picked, selected) {
        (None, _) => {
            ui.label("Select a card, pick it, then select the card to keep.");
        }
        (Some(picked), Some(keep)) if keep != picked => {
            ui.label(format!(
                "Merge {} into {}",
                title(map, picked),
                title(map, keep)
            ));
            if ui.button("Merge into selected").clicked() {
                cx.commands.send(UiCommand::CombineByHand);
            }
        }
        (Some(picked), _) => {
            ui.label(format!(
                "Picked {}: now select the card to keep.",
                title(map, picked)
            ));
        }
    }
}

/// Each file's label: its name without `.ron`, unique among `taken` (`maya`, `maya 2`).
fn label_of(path: &Path, taken: &[String]) -> String {
    let stem = path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    combine::unique_label(&stem, taken)
}

impl FulcrumApp {
    /// File → Combine maps…: asks for the other files.
    pub(crate) fn ask_combine(&mut self) {
        let dir = self.dialog_dir();
        if self.shell.options.native_dialogs {
            let picked = rfd::FileDialog::new()
                .add_filter("Fulcrum map", &["ron"])
                .set_directory(&dir)
                .pick_files();
            if let Some(paths) = picked {
                self.combine_with_paths(&paths);
            }
        } else {
            self.shell.dialogs.ask_path(PathPurpose::Combine, dir);
        }
    }

    /// Brings the trees of the maps at `paths` in beside the open map's (one undo step) and
    /// opens the review of the proposed merges. A file that does not load shows its problems
    /// and nothing changes.
    pub fn combine_with_paths(&mut self, paths: &[PathBuf]) {
        let mut sources: Vec<(String, Map)> = Vec::new();
        let own = self.session.document_name();
        let own = own.strip_suffix(".ron").unwrap_or(&own).to_owned();
        // Combining again while reviewing keeps what the review knows of the maps so far.
        let earlier = self.view.combine.as_ref().map(|r| r.origins.clone());
        let mut taken = earlier
            .as_ref()
            .map_or_else(|| vec![own.clone()], |o| o.labels.clone());
        for path in paths {
            match format::load(path) {
                Ok(loaded) => {
                    let label = label_of(path, &taken);
                    taken.push(label.clone());
                    sources.push((label, loaded.map));
                }
                Err(err) => {
                    self.shell.dialogs.report = Some(Report::load(path, &err));
                    return;
                }
            }
        }
        if sources.is_empty() {
            return;
        }
        let label = earlier.is_none().then_some(own.as_str());
        let import = combine::import(self.session.map(), label, &sources);
        if self.apply(import.command) {
            let origins = match earlier {
                Some(mut origins) => {
                    origins.extend(import.origins);
                    origins
                }
                None => import.origins,
            };
            let rejected = self.view.combine.take().map(|r| r.rejected);
            let mut review = CombineReview::new(origins);
            review.rejected = rejected.unwrap_or_default();
            self.view.combine = Some(review);
            self.fit_to_window();
        }
    }

    /// Accept: merges proposal `i` as one undo step.
    pub(crate) fn combine_accept(&mut self, i: usize) {
        let Some(p) = self.view.combine.as_ref().and_then(|r| r.proposals.get(i)) else {
            return;
        };
        let keep = p.keep.clone();
        let merged: Vec<NodeId> = p.merge.iter().map(|m| m.id.clone()).collect();
        self.combine_merge(keep, merged);
    }

    /// Reject: proposal `i`'s pairs are not proposed again.
    pub(crate) fn combine_reject(&mut self, i: usize) {
        let Some(review) = self.view.combine.as_mut() else {
            return;
        };
        let Some(p) = review.proposals.get(i).cloned() else {
            return;
        };
        let mut ids = vec![p.keep.clone()];
        ids.extend(p.merge.iter().map(|m| m.id.clone()));
        for a in &ids {
            for b in &ids {
                if a != b {
                    review.rejected.insert((a.clone(), b.clone()));
                }
            }
        }
        review.generation = None;
    }

    /// "Merge into selected": the picked node into the selected one.
    pub(crate) fn combine_by_hand(&mut self) {
        let Some(picked) = self.view.combine.as_mut().and_then(|r| r.picked.take()) else {
            return;
        };
        let Some(keep) = self.view.selection.clone() else {
            return;
        };
        self.combine_merge(keep, vec![picked]);
    }

    fn combine_merge(&mut self, keep: NodeId, merged: Vec<NodeId>) {
        let Some(review) = self.view.combine.as_ref() else {
            return;
        };
        let mut scratch = self.session.map().clone();
        match combine::merge_into(&mut scratch, &keep, &merged, &review.origins) {
            Ok(command) => {
                if self.apply(command) {
                    let n = merged.len() + 1;
                    let title = title(self.session.map(), &keep);
                    self.view.select_and_center(self.session.map(), keep);
                    self.shell
                        .dialogs
                        .toast(format!("Merged {n} nodes into {title}"));
                }
            }
            Err(err) => self.shell.dialogs.toast(format!("Can't merge: {err}")),
        }
    }

    /// The proposed merges while reviewing a combine, as (kept id, ids to merge); for tests.
    pub fn combine_proposals(&self) -> Vec<(String, Vec<String>)> {
        self.view.combine.as_ref().map_or_else(Vec::new, |r| {
            r.proposals
                .iter()
                .map(|p| {
                    let merged = p.merge.iter().map(|m| m.id.to_string()).collect();
                    (p.keep.to_string(), merged)
                })
                .collect()
        })
    }
}
